"""Learnable filters on the 1D and 3D transforms, in both parametrizations: the raw
Fourier filters (the shared torch base's machinery) and the analytic parameters the
filters are rebuilt from (Morlet centre frequencies and widths in 1D, Gaussian widths
in 3D). The 2D transform has its own, longer tests in test_learnable_2d.py."""
import numpy as np
import pytest
import torch

from kymatio.scattering1d.filter_bank import morlet_1d
from kymatio.scattering1d.torch_filter_bank import morlet_fourier
from kymatio.torch import HarmonicScattering3D, Scattering1D

KWARGS = dict(J=3, shape=(64,), Q=2)
PARAMETRIZATIONS = ["filters", "morlet"]
MORLET_1D = {"psi1_xi", "psi1_sigma", "psi2_xi", "psi2_sigma", "phi_sigma"}


@pytest.fixture
def x():
    return torch.randn(2, 64, generator=torch.Generator().manual_seed(0))


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max())


def filters_of(S):
    """The Fourier filters the core of a 1D or 3D transform consumes, float64."""
    return {k: v.detach().double() for k, v in S._derive_filters(S.filter_state()).items()}


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_learnable_registers_parameters_with_the_fixed_output(x, parametrization):
    fixed = Scattering1D(**KWARGS, parametrization=parametrization)
    learnable = Scattering1D(**KWARGS, learnable=True, parametrization=parametrization)
    assert not list(fixed.parameters())
    names = [name for name, _ in learnable.filter_parameters()]
    assert names == list(fixed.state_dict()) == list(learnable.state_dict())
    if parametrization == "morlet":
        assert set(names) == MORLET_1D
    # Every parametrization gives Kymatio's transform at initialisation.
    torch.testing.assert_close(learnable(x), Scattering1D(**KWARGS)(x))


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_every_filter_gets_a_gradient_and_modes_switch(x, parametrization):
    S = Scattering1D(**KWARGS, learnable=True, parametrization=parametrization)
    S(x).pow(2).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in S.parameters())
    if parametrization == "morlet":       # every wavelet's xi and sigma, not only one
        # (second-order wavelets that no path uses excepted, as in Kymatio's bank).
        used = torch.zeros(len(S.psi2_f), dtype=torch.bool)
        used[[key[1] for key in S.meta()["key"] if len(key) == 2]] = True
        assert all(bool((S.get_parameter(f"psi{order}_{key}").grad[mask] != 0).all())
                   for order, mask in ((1, slice(None)), (2, used))
                   for key in ("xi", "sigma"))
        assert not S.psi2_xi.grad[~used].any()
    reference, state = S(x).detach(), {k: v.detach().clone() for k, v in
                                        S.filter_state().items()}
    S.set_learnable(False)
    assert not list(S.parameters())
    assert all(torch.equal(v, state[k]) for k, v in S.filter_state().items())
    torch.testing.assert_close(S(x), reference)


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_checkpoint_loads_across_modes(x, parametrization):
    learnable = Scattering1D(**KWARGS, learnable=True, parametrization=parametrization)
    with torch.no_grad():
        for _, parameter in learnable.filter_parameters():
            parameter.mul_(1.05)
    fixed = Scattering1D(**KWARGS, parametrization=parametrization)
    before = fixed(x)
    fixed.load_state_dict(learnable.state_dict())
    torch.testing.assert_close(fixed(x), learnable(x).detach())
    assert not torch.allclose(fixed(x), before)


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_gradcheck_input_and_filters(parametrization):
    S = Scattering1D(J=2, shape=(16,), Q=1, learnable=True,
                     parametrization=parametrization).double()
    x = torch.randn(1, 16, dtype=torch.float64, requires_grad=True)
    assert gradcheck_filters(S, x, fast_mode=False)


def gradcheck_filters(S, x, fast_mode):
    """gradcheck of ``S`` with respect to its input and every filter parameter."""
    names = [name for name, _ in S.filter_parameters()]

    def transform(signal, *filters):
        return torch.func.functional_call(S, dict(zip(names, filters)), (signal,))

    params = [p.detach().clone().requires_grad_() for _, p in S.filter_parameters()]
    return torch.autograd.gradcheck(transform, (x, *params), eps=1e-6, atol=1e-6,
                                    fast_mode=fast_mode)


def test_invalid_parametrization():
    for make in (lambda: Scattering1D(**KWARGS, parametrization="gabor"),
                 lambda: HarmonicScattering3D(J=1, shape=(8, 8, 8), parametrization="x")):
        with pytest.raises(ValueError, match="'filters', 'morlet'"):
            make()


# ------------------------------------------------------------------ 1D Morlet rebuild

@pytest.mark.parametrize("kwargs", [dict(J=3, shape=(64,), Q=2),
                                    dict(J=4, shape=(200,), Q=(4, 2), T=8),
                                    dict(J=2, shape=(16,), Q=1, T=0, out_type="list")])
def test_1d_morlet_filters_equal_the_numpy_bank_in_float64(kwargs):
    bank = Scattering1D(**kwargs)
    ours = filters_of(Scattering1D(**kwargs, parametrization="morlet").double())
    expected = {f"phi_r{k}": level for k, level in enumerate(bank._phi)}
    expected["psi1"] = bank._psi1
    expected.update({f"psi2_r{k}": level for k, level in enumerate(bank._psi2)})
    assert set(ours) == set(expected)
    for name, level in expected.items():
        assert relative(ours[name], torch.from_numpy(np.asarray(level))) < 1e-6, name


@pytest.mark.parametrize("xi,sigma", [(0.35, 0.14), (0.02, 0.005), (0.3, 0.45), (0., 0.6)])
def test_1d_morlet_rebuild_sums_the_neighbouring_periods_like_numpy(xi, sigma):
    N = 128
    xis, sigmas = (torch.tensor([xi, 0.1], dtype=torch.float64),
                   torch.tensor([sigma, 0.02], dtype=torch.float64))
    zero_mean = xi != 0
    ours = morlet_fourier(N, xis, sigmas, zero_mean=zero_mean)
    for row, (a, b) in zip(ours, zip(xis.tolist(), sigmas.tolist())):
        expected = torch.from_numpy(morlet_1d(N, a if zero_mean else None, b))
        assert relative(row, expected) < 1e-12


# ------------------------------------------------------------------ 3D

def kwargs_3d(method):
    return dict(J=1, shape=(8, 8, 8), L=1, method=method,
                points=[[4, 4, 4], [2, 3, 5]] if method == "local" else None)


@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
@pytest.mark.parametrize("method", ["integral", "local"])
def test_3d_learnable_filters(method, parametrization):
    kwargs = dict(kwargs_3d(method), parametrization=parametrization)
    x = torch.randn(2, 8, 8, 8, generator=torch.Generator().manual_seed(1))
    fixed, learnable = HarmonicScattering3D(**kwargs), HarmonicScattering3D(**kwargs,
                                                                             learnable=True)
    assert not list(fixed.parameters()) and list(learnable.parameters())
    assert list(fixed.state_dict()) == list(learnable.state_dict())
    if parametrization == "morlet":
        expected = {"psi_sigma"} | ({"phi_sigma"} if method == "local" else set())
        assert set(learnable.state_dict()) == expected
    torch.testing.assert_close(learnable(x), HarmonicScattering3D(**kwargs_3d(method))(x))
    learnable(x).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in learnable.parameters())
    if parametrization == "morlet":       # every width (the low-pass of scale 0 is unused)
        assert bool((learnable.psi_sigma.grad != 0).all())
        if method == "local":
            assert bool((learnable.phi_sigma.grad[1:] != 0).all())
    fixed.load_state_dict(learnable.state_dict())
    learnable.set_learnable(False)
    torch.testing.assert_close(learnable(x), fixed(x))
    S = HarmonicScattering3D(**kwargs, learnable=True).double()
    x64 = x[:1].double().requires_grad_()
    assert gradcheck_filters(S, x64, fast_mode=True)


@pytest.mark.parametrize("kwargs", [dict(J=2, shape=(12, 10, 9), L=2, sigma_0=1.3,
                                         method="local", points=[[4, 4, 4]]),
                                    dict(J=1, shape=(8, 8, 8), L=2,
                                         rotation_covariant=False)])
def test_3d_morlet_filters_equal_the_numpy_bank_in_float64(kwargs):
    bank = HarmonicScattering3D(**kwargs)
    ours = filters_of(HarmonicScattering3D(**kwargs, parametrization="morlet").double())
    for name, expected in bank.filter_state().items():
        assert relative(ours[name], expected.double()) < 1e-6, name


@pytest.mark.parametrize("make_transform, shape", [
    (lambda **kw: Scattering1D(J=2, shape=(32,), Q=1, **kw), (2, 32)),
    (lambda **kw: HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, **kw), (1, 8, 8, 8)),
], ids=["1d", "3d"])
@pytest.mark.parametrize("parametrization", PARAMETRIZATIONS)
def test_torch_compile_matches_eager(make_transform, shape, parametrization):
    """The learnable 1D and 3D transforms compile (AOT autograd, no C++ toolchain needed)
    and give the eager outputs and filter gradients."""
    torch._dynamo.reset()
    S = make_transform(learnable=True, parametrization=parametrization)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(4))
    out = torch.compile(S, backend="aot_eager")(x)
    torch.testing.assert_close(out, S(x), rtol=1e-5, atol=1e-6)
    out.sum().backward()
    compiled = {name: p.grad for name, p in S.named_parameters()}
    S.zero_grad(set_to_none=True)
    S(x).sum().backward()
    assert any(p.grad is not None for p in S.parameters())
    for name, p in S.named_parameters():   # (filters of paths this size lacks get none)
        assert (compiled[name] is None) == (p.grad is None), name
        if p.grad is not None:
            torch.testing.assert_close(compiled[name], p.grad, rtol=1e-4, atol=1e-6)
