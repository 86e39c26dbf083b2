"""The Morlet initialisations of Parametric Scattering Networks: tight-frame and random."""
import math

import pytest
import torch

from kymatio.models import ExampleLinearClassifier
from kymatio.models.morlet_initialization import (initialize_morlet, random_morlet_parameters,
                                                  tight_frame_parameters)
from kymatio.scattering2d.filter_bank import fourier_filters
from kymatio.scattering2d.torch_filter_bank import morlet_fourier, morlet_parameters
from kymatio.torch import Scattering2D


@pytest.mark.parametrize("J, L", [(2, 8), (3, 6), (1, 4)])
def test_tight_frame_is_kymatios_bank(J, L):
    expected = morlet_parameters(J, L)
    for key, value in tight_frame_parameters(J, L).items():
        assert value.shape == (J, L)
        torch.testing.assert_close(value, expected[key])
    params = tight_frame_parameters(3, 8)
    assert params["psi_sigma"][2, 0] == pytest.approx(3.2)
    assert params["psi_xi"][1, 0] == pytest.approx(3 * math.pi / 8)
    assert params["psi_theta"][0, 0] == pytest.approx(3 * math.pi / 8)
    assert params["psi_slant"][0, 0] == pytest.approx(0.5)


def test_random_parameters_follow_the_papers_distributions_and_the_seed():
    draw = random_morlet_parameters(40, 50, torch.Generator().manual_seed(0))
    ranges = {"psi_theta": (0, 2 * math.pi), "psi_slant": (0.5, 1.5), "psi_xi": (0.5, 1.0),
              "psi_sigma": (1.0, 5.0)}
    for key, (low, high) in ranges.items():
        value = draw[key]
        assert value.shape == (40, 50) and low <= value.min() and value.max() <= high
    # sigma = log(U(e, e^5)): exp(sigma) is uniform, with mean (e^5 + e) / 2.
    assert float(draw["psi_sigma"].exp().mean()) == pytest.approx(
        (math.e ** 5 + math.e) / 2, rel=0.03)
    assert float(draw["psi_theta"].mean()) == pytest.approx(math.pi, rel=0.03)
    again = random_morlet_parameters(40, 50, torch.Generator().manual_seed(0))
    other = random_morlet_parameters(40, 50, torch.Generator().manual_seed(1))
    assert all(torch.equal(draw[k], again[k]) for k in draw)
    assert not torch.equal(draw["psi_xi"], other["psi_xi"])


def test_initialisation_overwrites_the_registered_morlet_parameters_in_place():
    S = Scattering2D(2, (16, 16), L=4, learnable=True, parametrization="morlet")
    before = {name: p for name, p in S.filter_parameters()}
    x = torch.randn(2, 16, 16)
    kymatio_out = S(x)
    initialize_morlet(S, "random", torch.Generator().manual_seed(3))
    expected = random_morlet_parameters(2, 4, torch.Generator().manual_seed(3))
    for name, parameter in S.filter_parameters():
        assert parameter is before[name]  # optimizers keep their references
    natural = S.morlet_parameters()  # the stored values are mapped into their domains
    for name, value in expected.items():
        torch.testing.assert_close(natural[name].detach(), value)
    assert not torch.allclose(S(x), kymatio_out)  # the cached filters followed
    initialize_morlet(S, "tight-frame")
    torch.testing.assert_close(S(x), kymatio_out, rtol=1e-5, atol=1e-6)


def test_initialisation_of_the_filters_parametrisation_builds_the_fourier_filters():
    S = Scattering2D(2, (16, 16), L=4)  # fixed: the buffers are overwritten too
    M, N = S.psi_r0.shape[-2:]
    initialize_morlet(S, "tight-frame")
    kymatio = torch.as_tensor(fourier_filters(M, N, 2, 4)["psi"])
    torch.testing.assert_close(S.psi_r0, kymatio.to(S.psi_r0.dtype), rtol=0, atol=1e-5)
    initialize_morlet(S, "random", torch.Generator().manual_seed(0))
    params = random_morlet_parameters(2, 4, torch.Generator().manual_seed(0))
    filters = morlet_fourier(M, N, *(params[f"psi_{k}"].reshape(-1).double()
                                     for k in ("sigma", "theta", "xi", "slant")))
    torch.testing.assert_close(S.psi_r0, filters.reshape(2, 4, M, N).float())


def test_classifier_initialization_argument():
    torch.manual_seed(0)
    model = ExampleLinearClassifier(2, (16, 16), 1, 3, L=4, learnable=True,
                                    parametrization="morlet", initialization="random")
    assert model.initialization == "random"
    assert float(model.scattering.psi_sigma.detach().min()) > 1.0  # not Kymatio's 0.8 at j = 0
    with pytest.raises(ValueError, match="initialization must be one of kymatio, tight-frame"):
        ExampleLinearClassifier(2, (16, 16), 1, 3, initialization="he")


@pytest.mark.parametrize("parametrization, lowpass", [("morlet", "phi_sigma"),
                                                      ("filters", "phi_r0")])
def test_a_fixed_lowpass_leaves_only_the_wavelets_learnable(parametrization, lowpass):
    kwargs = dict(L=4, learnable=True, parametrization=parametrization)
    model = ExampleLinearClassifier(2, (16, 16), 1, 3, learnable_lowpass=False, **kwargs)
    learned = [name for name, _ in model.scattering.filter_parameters()]
    assert lowpass not in learned and learned and all(n.startswith("psi") for n in learned)
    reference = ExampleLinearClassifier(2, (16, 16), 1, 3, **kwargs)
    assert model.state_dict().keys() == reference.state_dict().keys()
    assert {id(p) for p in model.frontend_parameters()} == \
        {id(p) for _, p in model.scattering.filter_parameters()}
    reference.load_state_dict(model.state_dict())
    x = torch.randn(4, 1, 16, 16)
    model.eval(), reference.eval()
    torch.testing.assert_close(model(x), reference(x))
    model(x).square().sum().backward()
    assert all(p.grad is not None for p in model.frontend_parameters())
