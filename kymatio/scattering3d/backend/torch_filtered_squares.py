"""``filtered_squares`` for torch tensors, with a hand-written backward pass.

Autograd through ``ifftn(x * f)`` followed by squares and sums over groups of filters
keeps every intermediate alive and spends most of the backward pass in copies (the
conjugated filters, zero-filled gradients of slices, the ``2 x`` of ``x ** 2``). The
function below saves only the inverse transforms and computes the gradient of the
operand in three passes: ``2 W dS``, one FFT, and a product with the conjugated filters
accumulated filter by filter. The inverse FFTs are unnormalised (``norm='forward'``), as
the interface asks: torch's normalised one spends 13% of its time on a scaling pass.
"""
from typing import Any, Sequence, Tuple

import torch

__all__ = ["filtered_squares"]

_SPATIAL = (-3, -2, -1)

Parts = Sequence[Tuple[int, int]]


def _sums(squares: torch.Tensor, parts: Parts) -> torch.Tensor:
    """Sums over axis 1 of ``squares`` (n, r, M, N, O, 2) in the slices ``parts``."""
    return torch.stack([squares[:, a:b].sum(1) for a, b in parts], dim=1)


class _FilteredSquares(torch.autograd.Function):
    """Differentiable in the operand only (the filters are constants)."""

    @staticmethod
    def forward(ctx: Any, operand: torch.Tensor, filters: torch.Tensor,
                parts: Parts) -> torch.Tensor:
        W = torch.fft.ifftn(operand * filters, dim=_SPATIAL, norm="forward")
        ctx.save_for_backward(W, filters)
        ctx.parts, ctx.operand_shape = parts, operand.shape
        return _sums(torch.view_as_real(W).square(), parts)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Any, None, None]:
        W, filters = ctx.saved_tensors
        pairs = torch.view_as_real(W)
        grad_W = torch.empty_like(pairs)
        for i, (a, b) in enumerate(ctx.parts):
            torch.mul(pairs[:, a:b], (2 * grad[:, i]).unsqueeze(1), out=grad_W[:, a:b])
        # adjoint of the unnormalised inverse FFT: the unnormalised FFT
        grad_product = torch.fft.fftn(torch.view_as_complex(grad_W), dim=_SPATIAL)
        if ctx.operand_shape[1] != 1:
            return grad_product * filters.conj(), None, None
        grad_operand = grad_product[:, 0] * filters[0].conj()
        for r in range(1, filters.shape[0]):
            grad_operand.addcmul_(grad_product[:, r], filters[r].conj())
        return grad_operand.unsqueeze(1), None, None


def filtered_squares(operand: torch.Tensor, filters: torch.Tensor,
                     parts: Parts) -> torch.Tensor:
    """:meth:`HarmonicBackend.filtered_squares
    <kymatio.scattering3d.backend.harmonic_backend.HarmonicBackend.filtered_squares>` for
    torch tensors: with autograd through the operand, the hand-written backward pass."""
    if filters.requires_grad or not (torch.is_grad_enabled() and operand.requires_grad):
        W = torch.fft.ifftn(operand * filters, dim=_SPATIAL, norm="forward")
        pairs = torch.view_as_real(W)
        return _sums(pairs.square() if pairs.requires_grad else pairs.square_(), parts)
    return _FilteredSquares.apply(operand, filters, list(parts))
