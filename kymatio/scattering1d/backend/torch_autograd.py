"""Autograd of the 1D core's sliced products (PyTorch).

Slicing a tensor under autograd makes its backward allocate and zero-fill a tensor of
the whole input per slice; a sliced product has few slices of a large spectrum, so its
adjoint is written here with one zero-filled gradient.
"""
from typing import Any, Callable, Optional, Sequence, Tuple

import torch

__all__ = ["SlicedProduct", "sliced_product"]

Piece = Tuple[int, int, bool]


class SlicedProduct(torch.autograd.Function):
    """``sum_i t_i(fold(X[w_i] * f[w_i], count_i))``, with ``t_i`` the identity or the
    conjugate-and-reverse (see :meth:`FourierBackend1D.sliced_product`).

    ``f`` must hold real values (in a complex dtype), as the prepared filters do.
    """

    @staticmethod
    def forward(ctx: Any, X: torch.Tensor, f: torch.Tensor, pieces: Sequence[Piece],
                length: int, compute: Callable) -> torch.Tensor:
        ctx.pieces, ctx.length = pieces, length
        ctx.shapes = (X.shape, f.shape)
        # X is needed only for the filter's gradient (learnable filters).
        ctx.save_for_backward(X if ctx.needs_input_grad[1] else None,
                              f if ctx.needs_input_grad[0] else None)
        return compute(X, f, pieces, length)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> tuple:
        X, f = ctx.saved_tensors
        X_shape, f_shape = ctx.shapes
        grad_X: Optional[torch.Tensor] = None
        grad_f: Optional[torch.Tensor] = None
        if ctx.needs_input_grad[0]:
            grad_X = grad.new_zeros(X_shape)
        if ctx.needs_input_grad[1]:
            grad_f = grad.new_zeros(f_shape)
        for start, count, mirrored in ctx.pieces:
            g = grad.flip(-1).conj() if mirrored else grad
            if count > 1:
                g = g.repeat((1,) * (g.dim() - 1) + (count,))
            window = (Ellipsis, slice(start, start + count * ctx.length))
            if grad_X is not None:
                # The prepared filters hold real values: conj(f) = f.
                grad_X[window] += (g * f[window]).sum_to_size(grad_X[window].shape)
            if grad_f is not None:
                grad_f[window] += (g * X[window].conj()).sum_to_size(grad_f[window].shape)
        return grad_X, grad_f, None, None, None


def sliced_product(X: torch.Tensor, f: torch.Tensor, pieces: Sequence[Piece], length: int,
                   compute: Callable) -> torch.Tensor:
    """``compute(X, f, pieces, length)``, through :class:`SlicedProduct` when autograd
    records through ``X`` or ``f``."""
    if torch.is_grad_enabled() and (X.requires_grad or f.requires_grad):
        return SlicedProduct.apply(X, f, tuple(pieces), length, compute)
    return compute(X, f, pieces, length)
