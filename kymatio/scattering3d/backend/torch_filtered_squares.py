"""``filtered_squares`` for torch tensors, with a hand-written backward pass.

Autograd through ``ifftn(x * f)`` followed by squares and sums over groups of filters
keeps every intermediate alive and spends most of the backward pass in copies (the
conjugated filters, zero-filled gradients of slices, the ``2 x`` of ``x ** 2``). The
function below saves only the inverse transforms and computes the gradient of the
operand in three passes: ``2 W dS``, one FFT, and a product with the conjugated filters
accumulated filter by filter. The inverse FFTs are unnormalised (``norm='forward'``), as
the interface asks: torch's normalised one spends 13% of its time on a scaling pass.
"""
from typing import Any, Optional, Sequence, Tuple

import torch

from ...backend import native_torch
from .harmonic_backend import Pieces, piece_operand

__all__ = ["filtered_squares", "filtered_moduli"]

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


def _forward_moduli(source: torch.Tensor, filters: torch.Tensor, pieces: Sequence[Pieces],
                    row_degree: Sequence[int], width: int,
                    saved: Optional[list]) -> torch.Tensor:
    """The moduli; the inverse FFTs of the pieces are appended to ``saved`` (unless it
    is None). The squares are accumulated row by row into the power of their degree
    (one read of each row, no temporary), the products formed in one reused buffer."""
    degrees = max(row_degree) + 1
    n = source.shape[0]
    power = source.new_empty((n, degrees) + tuple(source.shape[-3:]) + (2,),
                             dtype=source.real.dtype)
    started = [False] * degrees
    product = None
    for r0, r1, parts in pieces:
        operand = piece_operand(source, r0, r1, parts, row_degree, native_torch.take)
        shape = (n, r1 - r0) + tuple(source.shape[-3:])
        if product is None or tuple(product.shape) != shape:
            product = source.new_empty(shape)
        W = torch.fft.ifftn(torch.mul(operand, filters[r0:r1], out=product), dim=_SPATIAL,
                            norm="forward")
        if saved is not None:
            saved.append(W)
        pairs = torch.view_as_real(W)
        for r in range(r1 - r0):
            l = row_degree[r0 + r]
            if started[l]:
                power[:, l].addcmul_(pairs[:, r], pairs[:, r])
            else:
                torch.mul(pairs[:, r], pairs[:, r], out=power[:, l])
                started[l] = True
    if width == 1:
        power = power[..., :1] + power[..., 1:]
    return power.sqrt_()


class _FilteredModuli(torch.autograd.Function):
    """``filtered_moduli`` differentiable in the source, its backward fused: the
    gradient of ``sqrt(sum W^2)`` is ``W dU / U`` (one ratio per degree, 0 where
    ``U = 0``), and the conjugate of the source's gradient is accumulated as
    ``sum_k ifft(conj(W_k dU / U)) filters_k`` (conjugating the small ratio rather than
    every filter or FFT)."""

    @staticmethod
    def forward(ctx: Any, source: torch.Tensor, filters: torch.Tensor, pieces: Sequence[Pieces],
                row_degree: Sequence[int], width: int) -> torch.Tensor:
        saved: list = []
        U = _forward_moduli(source, filters, pieces, row_degree, width, saved)
        ctx.save_for_backward(filters, U, *saved)
        ctx.pieces, ctx.row_degree, ctx.source_shape = pieces, row_degree, source.shape
        return U

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> tuple:
        filters, U, *saved = ctx.saved_tensors
        ratio = torch.where(U > 0, grad / U, 0)
        sign = torch.tensor([1.0, -1.0], dtype=U.dtype, device=U.device)
        ratio = ratio * sign  # conjugates the gradient of W; width 1 broadcasts
        shape = ctx.source_shape
        conj_grad = torch.zeros(shape, dtype=saved[0].dtype, device=saved[0].device)
        grad_pairs = None
        for (r0, r1, parts), W in zip(ctx.pieces, saved):
            pairs = torch.view_as_real(W)
            if grad_pairs is None or grad_pairs.shape != pairs.shape:
                grad_pairs = torch.empty_like(pairs)
            for l, a, b in parts:
                torch.mul(pairs[:, a:b], ratio[:, l].unsqueeze(1), out=grad_pairs[:, a:b])
            conj_grad_product = torch.fft.ifftn(torch.view_as_complex(grad_pairs),
                                                dim=_SPATIAL, norm="forward")
            for r in range(r1 - r0):
                d = 0 if shape[1] == 1 else ctx.row_degree[r0 + r]
                conj_grad[:, d].addcmul_(conj_grad_product[:, r], filters[r0 + r])
        return conj_grad.conj().resolve_conj(), None, None, None, None


def filtered_moduli(source: torch.Tensor, filters: torch.Tensor, pieces: Sequence[Pieces],
                    row_degree: Sequence[int], width: int) -> torch.Tensor:
    """:meth:`HarmonicBackend.filtered_moduli
    <kymatio.scattering3d.backend.harmonic_backend.HarmonicBackend.filtered_moduli>` for
    torch tensors: in place without autograd, with the fused backward pass of
    :class:`_FilteredModuli` when only the source needs a gradient; None (the generic
    path, autograd through every step) when the filters need one."""
    if not torch.is_grad_enabled() or not (source.requires_grad or filters.requires_grad):
        return _forward_moduli(source, filters, pieces, row_degree, width, None)
    if filters.requires_grad:
        return None
    return _FilteredModuli.apply(source, filters, pieces, row_degree, width)
