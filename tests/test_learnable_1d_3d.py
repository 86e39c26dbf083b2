"""Learnable Fourier filters on the 1D and 3D transforms (the shared torch base's
machinery; the 2D transform has its own, longer tests in test_learnable.py)."""
import pytest
import torch

from kymatio.torch import HarmonicScattering3D, Scattering1D

KWARGS = dict(J=3, shape=(64,), Q=2)


@pytest.fixture
def x():
    return torch.randn(2, 64, generator=torch.Generator().manual_seed(0))


def test_learnable_registers_parameters_with_the_fixed_output(x):
    fixed = Scattering1D(**KWARGS)
    learnable = Scattering1D(**KWARGS, learnable=True)
    assert not list(fixed.parameters())
    names = [name for name, _ in learnable.filter_parameters()]
    assert names == list(fixed.state_dict()) == list(learnable.state_dict())
    torch.testing.assert_close(learnable(x), fixed(x))


def test_every_filter_gets_a_gradient_and_modes_switch(x):
    S = Scattering1D(**KWARGS, learnable=True)
    S(x).pow(2).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in S.parameters())
    reference = S(x).detach()
    S.set_learnable(False)
    assert not list(S.parameters())
    torch.testing.assert_close(S(x), reference)


def test_checkpoint_loads_across_modes(x):
    learnable = Scattering1D(**KWARGS, learnable=True)
    with torch.no_grad():
        for _, parameter in learnable.filter_parameters():
            parameter.mul_(1.5)
    fixed = Scattering1D(**KWARGS)
    fixed.load_state_dict(learnable.state_dict())
    torch.testing.assert_close(fixed(x), learnable(x).detach())


def test_gradcheck_input_and_filters():
    S = Scattering1D(J=2, shape=(16,), Q=1, learnable=True).double()
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


@pytest.mark.parametrize("method", ["integral", "local"])
def test_3d_learnable_filters(method):
    kwargs = dict(J=1, shape=(8, 8, 8), L=1, method=method,
                  points=[[4, 4, 4], [2, 3, 5]] if method == "local" else None)
    x = torch.randn(2, 8, 8, 8, generator=torch.Generator().manual_seed(1))
    fixed, learnable = HarmonicScattering3D(**kwargs), HarmonicScattering3D(**kwargs,
                                                                             learnable=True)
    assert not list(fixed.parameters()) and list(learnable.parameters())
    assert list(fixed.state_dict()) == list(learnable.state_dict())
    torch.testing.assert_close(learnable(x), fixed(x))
    learnable(x).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in learnable.parameters())
    fixed.load_state_dict(learnable.state_dict())
    S = HarmonicScattering3D(**kwargs, learnable=True).double()
    x64 = x[:1].double().requires_grad_()
    assert gradcheck_filters(S, x64, fast_mode=True)
