"""Finite gradients everywhere in the valid domain: safe subgradients of the moduli and
powers at 0 (3D), Morlet parametrizations that stay valid under any optimizer step."""
import warnings

import pytest
import torch

import kymatio.torch as kt

warnings.filterwarnings("ignore", message="Signal support is too small")


def finite(*tensors):
    return all(bool(torch.isfinite(t).all()) for t in tensors)


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(learnable=True),
    dict(learnable=True, parametrization="morlet"),
    dict(integral_powers=(0.25, 0.3, 0.5, 1.0, 1.5, 2.0), rotation_covariant=False),
    dict(method="local", points=[[0, 1, 2], [3, 3, 3]], learnable=True),
])
def test_3d_gradients_are_finite_for_zero_and_constant_volumes(kwargs):
    # The moduli of an all-zero volume, and those of degree l > 0 of a constant one,
    # are 0: sqrt and the power 0.5 had infinite derivatives there (NaN gradients, which
    # reached every filter with learnable=True).
    S = kt.HarmonicScattering3D(J=1, shape=(6, 6, 6), L=1, **kwargs)
    x = torch.zeros(3, 6, 6, 6)
    x[1] = 2.0
    x[2].normal_(generator=torch.Generator().manual_seed(0))
    x.requires_grad_(True)
    S(x).sum().backward()
    assert finite(x.grad, *(p.grad for _, p in S.filter_parameters()))
    assert bool(x.grad[2].abs().sum() > 0)


def test_3d_subgradient_is_zero_at_zero_and_exact_elsewhere():
    S = kt.HarmonicScattering3D(J=1, shape=(4, 4, 4), L=1,
                                integral_powers=(0.25, 0.5, 1.0, 2.0)).double()
    x = torch.randn(1, 4, 4, 4, dtype=torch.float64,
                    generator=torch.Generator().manual_seed(1)).requires_grad_(True)
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-6, fast_mode=True)
    zero = torch.zeros(1, 4, 4, 4, dtype=torch.float64, requires_grad=True)
    S(zero).sum().backward()
    assert bool((zero.grad == 0).all())


TRANSFORMS = {
    "1d": lambda: kt.Scattering1D(J=2, shape=16, Q=1, learnable=True, parametrization="morlet"),
    "2d": lambda: kt.Scattering2D(J=1, shape=(4, 4), L=2, learnable=True,
                                  parametrization="morlet"),
    "3d": lambda: kt.HarmonicScattering3D(J=1, shape=(4, 4, 4), L=1, learnable=True,
                                          parametrization="morlet", method="local",
                                          points=[[0, 1, 2]]),
}
# Each constrained parameter at (a relative 1e-3 inside) each end of its domain, the
# others at their initial values.
EDGES = [(kind, name, side) for kind, names in (
    ("1d", ("psi1_xi", "psi1_sigma", "phi_sigma")),
    ("2d", ("psi_sigma", "psi_xi", "psi_slant", "phi_sigma")),
    ("3d", ("psi_sigma", "phi_sigma"))) for name in names for side in ("lower", "upper")]


@pytest.mark.parametrize("kind, name, side", EDGES)
def test_gradcheck_of_the_filters_at_the_domain_edges(kind, name, side):
    S = TRANSFORMS[kind]().double()
    lower, upper = S.morlet_parameter_bounds()[name]
    S.set_morlet_parameters(**{name: lower * 1.001 if side == "lower" else upper * 0.999})
    names, state = list(S.filter_state()), S.filter_state()

    def filters(*raw):
        derived = S._derive_filters(dict(state, **dict(zip(names, raw))))
        return tuple(f for f in derived.values() if f.is_floating_point())

    raw = tuple(t.detach().clone().requires_grad_(True) for t in state.values())
    assert finite(*filters(*raw))
    assert torch.autograd.gradcheck(filters, raw, eps=1e-7, atol=1e-5, rtol=1e-3,
                                    fast_mode=True)


def test_gradients_are_finite_far_beyond_the_identity_region():
    # The reported cases: 1D widths x1e-3 and centre frequencies x1e3 gave NaN gradients,
    # a 2D width of 0 crashed in backward, 3D widths x10 gave NaN gradients.
    x1, x2, x3 = (torch.randn(shape, generator=torch.Generator().manual_seed(0))
                  for shape in ((1, 32), (1, 8, 8), (1, 5, 5, 5)))
    cases = [(kt.Scattering1D(J=3, shape=32, Q=2, learnable=True, parametrization="morlet"),
              x1, {"psi1_sigma": 1e-3, "psi1_xi": 1e3}),
             (kt.Scattering2D(J=1, shape=(8, 8), L=2, learnable=True,
                              parametrization="morlet"), x2, {"psi_sigma": 0.0}),
             (kt.HarmonicScattering3D(J=1, shape=(5, 5, 5), L=1, learnable=True,
                                      parametrization="morlet"), x3, {"psi_sigma": 10.0})]
    for S, x, factors in cases:
        with torch.no_grad():
            for name, factor in factors.items():
                getattr(S, name).mul_(factor)
        out = S(x)
        out.sum().backward()
        assert finite(out, *(p.grad for _, p in S.filter_parameters()))


@pytest.mark.parametrize("make, x", [
    (lambda: kt.Scattering1D(J=2, shape=16, Q=2, learnable=True, parametrization="morlet"),
     torch.randn(1, 16, generator=torch.Generator().manual_seed(0))),
    (lambda: kt.Scattering2D(J=1, shape=(4, 4), L=2, learnable=True, parametrization="morlet"),
     torch.randn(1, 4, 4, generator=torch.Generator().manual_seed(0))),
    (lambda: kt.HarmonicScattering3D(J=1, shape=(4, 4, 4), L=1, learnable=True,
                                     parametrization="morlet", method="local",
                                     points=[[1, 2, 3]]),
     torch.randn(1, 4, 4, 4, generator=torch.Generator().manual_seed(0))),
], ids=["1d", "2d", "3d"])
def test_random_large_optimizer_steps_never_give_non_finite_values(make, x):
    # Steps from 0.01 to 1000 times the raw values' scale, along the gradient's sign or
    # at random: no output or gradient is ever NaN or infinite.
    torch.manual_seed(0)
    S = make()
    parameters = [p for _, p in S.filter_parameters()]
    for step in range(200):
        out = S(x)
        loss = (out * torch.randn_like(out)).sum()
        grads = torch.autograd.grad(loss, parameters, allow_unused=True)
        assert finite(out, *(g for g in grads if g is not None)), f"step {step}"
        scale = 10.0 ** torch.randint(-2, 4, ()).item()
        with torch.no_grad():
            for p, g in zip(parameters, grads):
                direction = torch.randn_like(p) if step % 3 == 0 or g is None else -g.sign()
                p.add_(direction * scale * torch.rand_like(p))
    values = S.morlet_parameters()
    for name, (lower, upper) in S.morlet_parameter_bounds().items():
        assert bool(((values[name] >= lower) & (values[name] <= upper)).all()), name
