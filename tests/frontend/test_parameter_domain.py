"""Morlet parameters kept in their valid domain (kymatio.frontend.parameter_domain) and
read and written in natural units (morlet_parameters, set_morlet_parameters)."""
import math
import warnings

import pytest
import torch

import kymatio.torch as kt
from kymatio.frontend.parameter_domain import Interval

warnings.filterwarnings("ignore", message="Signal support is too small")

TRANSFORMS = {
    "1d": lambda **kw: kt.Scattering1D(J=3, shape=32, Q=2, parametrization="morlet", **kw),
    "2d": lambda **kw: kt.Scattering2D(J=2, shape=(12, 12), L=3, parametrization="morlet",
                                       **kw),
    "3d": lambda **kw: kt.HarmonicScattering3D(J=1, shape=(6, 6, 6), L=1, method="local",
                                               points=[[1, 2, 3]], parametrization="morlet",
                                               **kw),
}
STATE = {"1d": {"psi1_xi", "psi1_sigma", "psi2_xi", "psi2_sigma", "phi_sigma"},
         "2d": {"psi_sigma", "psi_xi", "psi_theta", "psi_slant", "phi_sigma"},
         "3d": {"psi_sigma", "phi_sigma"}}


def test_the_map_is_the_identity_inside_and_approaches_the_bounds_outside():
    interval = Interval.around(torch.tensor([1.0, 3.0]), 0.5, 5.0)
    assert (interval.identity_lower, interval.identity_upper) == (0.75, 4.0)
    raw = torch.tensor([-1e30, -50.0, 0.7, 0.75, 2.0, 4.0, 4.5, 60.0, 1e30, math.inf],
                       dtype=torch.float64)
    value = interval.natural(raw)
    assert bool(((value >= 0.5) & (value <= 5.0)).all())
    assert value[0] == 0.5 and value[-1] == 5.0 and value[-2] == 5.0
    torch.testing.assert_close(value[3:6], raw[3:6])
    assert bool((value.diff() >= 0).all())
    inside = torch.tensor([0.51, 0.6, 0.75, 1.0, 3.9, 4.5, 4.99], dtype=torch.float64)
    torch.testing.assert_close(interval.natural(interval.raw(inside)), inside)


@pytest.mark.parametrize("raw", [-40.0, -3.0, 0.749, 0.75, 0.751, 2.0, 3.999, 4.0, 4.001,
                                 8.0, 30.0])
def test_the_map_has_finite_exact_gradients_everywhere(raw):
    interval = Interval(0.5, 5.0, 0.75, 4.0)
    x = torch.tensor([raw], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(interval.natural, (x,))
    far = torch.tensor([-1e300, 1e300, -math.inf, math.inf], dtype=torch.float64,
                       requires_grad=True)
    interval.natural(far).sum().backward()
    assert bool(torch.isfinite(far.grad).all()) and bool((far.grad == 0).all())


def test_the_map_is_continuously_differentiable_at_the_identity_ends():
    interval = Interval(0.5, 5.0, 0.75, 4.0)
    for end in (0.75, 4.0):
        x = torch.tensor([end - 1e-7, end, end + 1e-7], dtype=torch.float64,
                         requires_grad=True)
        interval.natural(x).sum().backward()
        torch.testing.assert_close(x.grad, torch.ones(3, dtype=torch.float64), atol=1e-6,
                                   rtol=0)


@pytest.mark.parametrize("kind", sorted(TRANSFORMS))
def test_natural_units_are_read_and_written(kind):
    S = TRANSFORMS[kind](learnable=True)
    values = S.morlet_parameters()
    assert set(values) == STATE[kind] == set(S.state_dict())
    for name, value in values.items():  # natural = stored at initialisation
        torch.testing.assert_close(value, getattr(S, name), rtol=0, atol=0)
    bounds = S.morlet_parameter_bounds()
    name = "psi1_sigma" if kind == "1d" else "psi_sigma"
    lower, upper = bounds[name]
    near = torch.full_like(values[name], lower * 1.001)
    optimizer = torch.optim.SGD(S.parameters(), lr=0.1)
    S.set_morlet_parameters(**{name: near})
    torch.testing.assert_close(S.morlet_parameters()[name], near, rtol=1e-5, atol=0)
    assert getattr(S, name).dtype == torch.float32
    assert optimizer.param_groups[0]["params"][0] is next(S.parameters())
    S.set_morlet_parameters(**{name: (lower + upper) / 3})      # broadcast a number
    with pytest.raises(ValueError, match=rf"{name} must lie in \("):
        S.set_morlet_parameters(**{name: upper})
    with pytest.raises(ValueError, match="Unknown Morlet parameter 'width'"):
        S.set_morlet_parameters(width=1.0)
    with pytest.raises(ValueError, match="has shape"):
        S.set_morlet_parameters(**{name: torch.ones(7, 7, 7)})


def test_set_parameters_outside_the_identity_region_round_trip_and_reach_the_filters():
    S = TRANSFORMS["2d"](learnable=False)
    before = S.filter_tensors()["psi_j0_r0"].clone()
    S.set_morlet_parameters(psi_xi=torch.full((2, 3), 3.1), psi_slant=0.05)
    values = S.morlet_parameters()
    torch.testing.assert_close(values["psi_xi"], torch.full((2, 3), 3.1))
    torch.testing.assert_close(values["psi_slant"], torch.full((2, 3), 0.05))
    assert not torch.equal(S.filter_tensors()["psi_j0_r0"], before)  # the cache is rebuilt


def test_filters_parametrization_has_no_morlet_parameters():
    S = kt.Scattering2D(J=1, shape=(8, 8), L=2)
    for call in (S.morlet_parameters, S.morlet_parameter_bounds,
                 lambda: S.set_morlet_parameters(psi_sigma=1.0)):
        with pytest.raises(ValueError, match="parametrization='morlet'"):
            call()


@pytest.mark.parametrize("J, Q, N, T", [(0, 1, 8, None), (1, 1, 16, 1), (3, 16, 64, 64),
                                        (6, 4, 64, 0), (10, 1, 1024, 1000),
                                        (8, 24, 300, None), (2, 40, 33, 5)])
def test_initial_1d_values_lie_inside_the_identity_region(J, Q, N, T):
    S = kt.Scattering1D(J=J, shape=N, Q=Q, T=T, parametrization="morlet")
    for name, domain in S._morlet_domains.items():
        value = getattr(S, name)
        assert bool((value >= domain.identity_lower).all()), name
        assert bool((value <= domain.identity_upper).all()), name
