"""The hand-written adjoints of kymatio.backend.native_torch agree with finite
differences (float64 gradcheck) and with autograd through the plain torch operations."""
import pytest
import torch

from kymatio.backend import native_torch


def randn(*shape, dtype=torch.float64):
    generator = torch.Generator().manual_seed(sum(shape))
    return torch.randn(shape, dtype=dtype, generator=generator, requires_grad=True)


@pytest.mark.parametrize("n", [8, 9, 16])
def test_rfft_last_adjoint(n):
    x = randn(3, n)
    assert torch.autograd.gradcheck(native_torch.rfft_last, (x,))
    grad = torch.randn(3, n // 2 + 1, dtype=torch.complex128)
    ours, = torch.autograd.grad(native_torch.rfft_last(x), x, grad)
    expected, = torch.autograd.grad(torch.fft.rfft(x), x, grad)
    torch.testing.assert_close(ours, expected)


def test_rfft_last_without_grad_is_plain():
    x = randn(2, 10).detach()
    assert native_torch.rfft_last(x).grad_fn is None
    torch.testing.assert_close(native_torch.rfft_last(x), torch.fft.rfft(x))
