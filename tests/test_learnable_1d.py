"""Learnable Fourier filters on the 1D transform (the shared torch base's machinery)."""
import pytest
import torch

from kymatio.torch import Scattering1D

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
    names = [name for name, _ in S.filter_parameters()]

    def transform(signal, *filters):
        state = dict(zip(names, filters))
        return torch.func.functional_call(S, state, (signal,))

    params = [p.detach().clone().requires_grad_() for _, p in S.filter_parameters()]
    assert torch.autograd.gradcheck(transform, (x, *params), eps=1e-6, atol=1e-6)
