"""PyTorch implementations of the shared scattering primitives.

Complex values are native complex tensors (``torch.complex64``/``complex128``), not
Kymatio 0.3.0's real tensors with a trailing dimension of 2: native complex arithmetic
is faster and lets autograd and ``torch.compile`` see ordinary operations.
"""
import sys
from typing import Any, Sequence

import torch

from .fourier import (NATIVE_INTERFACE, ReflectPad, block_indices, check_filter_product,
                      dtype_checks, reflect_pad_steps, split_blocks, split_shape, sum_blocks)
from .fourier import periodized_product as periodized_product_blocks

__all__ = list(NATIVE_INTERFACE)

name = "torch"
# The cores split batches into cache-sized pieces (see fourier.working_set).
cache_sized_pieces = True
cache_sized_volumes = True
working_set_scale = 1.0  # measured: quarter-size pieces were 25-40% slower in 2D

_NORMAL_EXPONENT_LIMIT = 87.0  # exp(-87) ~ 1.6e-38 > float32's smallest normal


def is_complex(x: torch.Tensor) -> bool:
    """True if ``x`` has a complex dtype."""
    return x.is_complex()


def is_real(x: torch.Tensor) -> bool:
    """True if ``x`` has a real floating-point dtype."""
    return x.is_floating_point()


complex_check, real_check = dtype_checks(is_complex, is_real)


def contiguous_check(x: torch.Tensor) -> None:
    """Raise RuntimeError if ``x`` is not contiguous in memory."""
    if not x.is_contiguous():
        raise RuntimeError("Tensors must be contiguous; call .contiguous() on the input.")


def _fast_modulus(x: torch.Tensor) -> torch.Tensor:
    # sqrt(re^2 + im^2) in real arithmetic: 2-4x faster than complex abs or hypot (which
    # guard against overflow beyond 1e19, irrelevant here).
    return torch.addcmul(x.real * x.real, x.imag, x.imag).sqrt_()


class _Modulus(torch.autograd.Function):
    """|x| with the fast forward and a gradient x / |x| that is 0 where x = 0.

    Saves only ``x``: the modulus is recomputed in the backward (cheaper than keeping
    it alive between forward and backward).
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return _fast_modulus(x)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        x, = ctx.saved_tensors
        modulus = _fast_modulus(x)
        scale = torch.where(modulus > 0, grad / modulus, torch.zeros_like(modulus))
        return x * scale


def modulus(x: torch.Tensor) -> torch.Tensor:
    """Elementwise complex modulus ``|x|`` (a real tensor; its gradient at 0 is 0)."""
    if x.requires_grad and torch.is_grad_enabled():
        return _Modulus.apply(x)
    return _fast_modulus(x)


class _Periodize(torch.autograd.Function):
    """Sum of the ``k`` blocks along each of the last ``ndim`` dims; its adjoint tiles
    the gradient in one op (autograd's slice backward would allocate and fill a zero
    tensor per block)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, k: int, ndim: int) -> torch.Tensor:
        ctx.k, ctx.ndim = k, ndim
        return sum_blocks(x, k, ndim)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> tuple:
        repeats = (1,) * (grad.dim() - ctx.ndim) + (ctx.k,) * ctx.ndim
        return grad.repeat(repeats), None, None


def periodize(x: torch.Tensor, k: int, ndim: int) -> torch.Tensor:
    """Sum of the ``k`` blocks of size ``n // k`` along each of the last ``ndim`` dims
    (the unnormalised periodisation of a spectrum)."""
    if k == 1:
        return x
    if x.requires_grad and torch.is_grad_enabled():
        return _Periodize.apply(x, k, ndim)
    return sum_blocks(x, k, ndim)


def cdgmm(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Multiply a complex signal by a filter, pointwise, broadcasting the leading axes.

    Parameters
    ----------
    A : Tensor, complex, shape (..., *S)
        Signal(s) in the Fourier domain.
    B : Tensor, real or complex, shape (..., *S)
        Filter(s) on the same device, of the matching precision.

    Returns
    -------
    Tensor, complex
    """
    check_product(A, B)
    return A * B


def check_product(A: torch.Tensor, B: torch.Tensor) -> None:
    """Raise a clear error unless a complex signal ``A`` can be multiplied by filter ``B``
    (on the same device, of the same precision)."""
    check_filter_product(A, B, sys.modules[__name__])
    if A.device != B.device:
        raise TypeError(f"Input and filter must be on the same device: input on "
                        f"{A.device}, filter on {B.device}.")
    if B.dtype != A.real.dtype and B.dtype != A.dtype:
        raise TypeError(f"Input and filter must be of the same precision: input "
                        f"{A.dtype}, filter {B.dtype}.")


def _block_adjoint(grad: torch.Tensor, other: torch.Tensor, k: int, ndim: int,
                   shape: torch.Size) -> torch.Tensor:
    """Adjoint of one operand of ``sum_blocks(X * other)``: each block of the result is
    ``grad * other[block]`` summed to the block's share of ``shape`` (the broadcast axes
    of ``X`` reduced).

    ``other`` must already carry the conjugation the adjoint needs. For ``k = 2`` the
    blocks are formed one by one (each product keeps the long contiguous rows of the
    small gradient); for larger ``k`` one broadcast product of block views is cheaper
    than the Python loop.
    """
    if k > 2:
        out = (split_blocks(grad, 1, ndim) * split_blocks(other, k, ndim)).sum_to_size(
            split_shape(shape, k, ndim))
        return out.reshape(shape)
    out = grad.new_empty(shape, dtype=torch.promote_types(grad.dtype, other.dtype))
    for index in block_indices(shape, k, ndim):
        out[index] = (grad * other[index]).sum_to_size(out[index].shape)
    return out


class _PeriodizedProduct(torch.autograd.Function):
    """``sum_blocks(A * B)`` with a blockwise adjoint: the gradient of every block of
    ``A`` (and ``B``) is formed from the small gradient, never tiling it to full size
    (3x faster than autograd's slice and broadcast backward)."""

    @staticmethod
    def forward(ctx: Any, A: torch.Tensor, B: torch.Tensor, k: int, ndim: int) -> torch.Tensor:
        ctx.k, ctx.ndim = k, ndim
        ctx.save_for_backward(A if ctx.needs_input_grad[1] else None, B)
        ctx.A_shape = A.shape
        return periodized_product_blocks(A, B, k, ndim)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> tuple:
        A, B = ctx.saved_tensors
        k, ndim = ctx.k, ctx.ndim
        grad_A = grad_B = None
        if ctx.needs_input_grad[0]:
            grad_A = _block_adjoint(grad, B.conj().resolve_conj(), k, ndim, ctx.A_shape)
        if ctx.needs_input_grad[1]:
            # grad * conj(A) = conj(conj(grad) * A): conjugating the small gradient once
            # instead of every (full-size) block of A.
            grad_B = _block_adjoint(grad.conj().resolve_conj(), A, k, ndim, B.shape)
            grad_B = grad_B.conj() if B.is_complex() else grad_B.real
        return grad_A, grad_B, None, None


def periodized_product(A: torch.Tensor, B: torch.Tensor, k: int, ndim: int) -> torch.Tensor:
    """``sum_blocks(A * B, k, ndim)`` computed block by block, with a blockwise backward."""
    if torch.is_grad_enabled() and (B.requires_grad or (k > 1 and A.requires_grad)):
        return _PeriodizedProduct.apply(A, B, k, ndim)
    if k == 1:
        return A * B
    return periodized_product_blocks(A, B, k, ndim)


def decaying_exp(exponent: torch.Tensor) -> torch.Tensor:
    """``exp(-exponent)`` for the Gaussians of the differentiable filter banks, with the
    exponent capped where float32 stops being normal (``exp(-87)``).

    Values below that are negligible next to a filter's peak, but computing them costs
    CPUs a slow path per element (an exponential that underflows to a denormal is ~10x
    slower), and most of a narrow filter's grid is there. The capped entries get a zero
    gradient, as their true (underflowing) one.
    """
    return torch.exp(-exponent.clamp(max=_NORMAL_EXPONENT_LIMIT))


def concatenate(arrays: Sequence[torch.Tensor], axis: int = -3) -> torch.Tensor:
    """Stack equally shaped coefficient tensors along a new axis (default -3)."""
    return torch.stack(tuple(arrays), dim=axis)


def join(arrays: Sequence[torch.Tensor], axis: int) -> torch.Tensor:
    """Concatenate tensors along an existing axis."""
    return torch.cat(tuple(arrays), dim=axis)


def split(x: torch.Tensor, size: int, axis: int) -> list:
    """Consecutive pieces of ``size`` entries (the last may be shorter) along ``axis``.

    Views; unlike slicing, the backward of a split joins the pieces' gradients in one
    step rather than filling a zero tensor of the whole size per piece.
    """
    return list(torch.split(x, size, dim=axis))


def reshape(x: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """Reshape ``x`` (a view where possible)."""
    return x.reshape(tuple(shape))


def fft(x: torch.Tensor, ndim: int, inverse: bool = False, fresh: bool = False) -> torch.Tensor:
    """Complex FFT (or inverse FFT) over the last ``ndim`` dimensions (``fresh``, that
    ``x`` is a temporary, is not used: autograd may hold ``x``)."""
    transform = torch.fft.ifftn if inverse else torch.fft.fftn
    return transform(x, dim=tuple(range(-ndim, 0)))



def prepare_filter(f: torch.Tensor) -> torch.Tensor:
    """A real Fourier filter in the form :func:`cdgmm` multiplies fastest: unchanged
    (torch multiplies complex by real ~20% faster than complex by complex)."""
    return f


def make_complex(real: torch.Tensor, imag: torch.Tensor = None) -> torch.Tensor:
    """The complex tensor ``real + i imag`` (``imag`` defaults to zero)."""
    if imag is None:
        return real.to(torch.promote_types(real.dtype, torch.complex64))
    return torch.complex(real, imag)



class _StackRealImag(torch.autograd.Function):
    """(..., K, M, N) complex -> (..., 2K, M, N) real; its adjoint is one
    ``torch.complex`` (autograd's own for ``.real``/``.imag`` fills zero tensors)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return torch.view_as_real(x).movedim(-1, -4).reshape(
            x.shape[:-3] + (2 * x.shape[-3],) + x.shape[-2:])

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        half = grad.shape[-3] // 2
        return torch.complex(grad[..., :half, :, :], grad[..., half:, :, :])


class _PackPairs(torch.autograd.Function):
    """(..., 2K, M, N) -> (..., K, M, N): the first half plus i times the second half.

    Its adjoint is one reshape of the real view (for real inputs) or one ``cat``
    (complex inputs), instead of autograd's zero-filled slice gradients.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.input_is_complex = x.is_complex()
        half = x.shape[-3] // 2
        first, second = x[..., :half, :, :], x[..., half:, :, :]
        return first + 1j * second if ctx.input_is_complex else torch.complex(first, second)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        if ctx.input_is_complex:
            return torch.cat([grad, -1j * grad], dim=-3)
        return _StackRealImag.forward(None, grad)


def pack_pairs(x: torch.Tensor) -> torch.Tensor:
    """Pair the maps of ``x`` (..., 2K, M, N) into K complex maps ``x[:K] + i x[K:]``.

    Two real signals then share one complex FFT; :func:`stack_real_imag` undoes it.
    """
    return _PackPairs.apply(x)


def stack_real_imag(x: torch.Tensor) -> torch.Tensor:
    """Real parts then imaginary parts of ``x`` (..., K, M, N), as (..., 2K, M, N)."""
    return _StackRealImag.apply(x)


class Pad(ReflectPad):
    __doc__ = ReflectPad.__doc__

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.pre_pad:
            return x
        ndim = len(self.input_size)
        # torch.nn.functional.pad refuses pads as large as the axis (done in steps) and
        # lists the last dimension first.
        steps = [reflect_pad_steps(size, *width)
                 for size, width in zip(self.input_size, self.widths)]
        y = x.reshape((-1, 1) + tuple(x.shape[-ndim:]))  # (batch, channel, *signal)
        # max([0] + ...), not max(..., default=0): torch.compile traces the former
        for step in range(max([0] + [len(s) for s in steps])):
            widths = []
            for axis_steps in reversed(steps):
                widths += axis_steps[step] if step < len(axis_steps) else (0, 0)
            y = torch.nn.functional.pad(y, tuple(widths), mode="reflect")
        return y.reshape(tuple(x.shape[:-ndim]) + tuple(y.shape[-ndim:]))


# -- array functions every native module provides (see fourier.ARRAY_FUNCTIONS) --------
real, imag, conj = torch.real, torch.imag, torch.conj


class _Sqrt(torch.autograd.Function):
    """``sqrt`` with the subgradient 0 at 0, where torch's gradient is infinite (and
    becomes NaN once multiplied by the zero gradient of a sum of squares)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        root = torch.sqrt(x)
        ctx.save_for_backward(root)
        return root

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        root, = ctx.saved_tensors
        return torch.where(root > 0, grad / (2 * root), torch.zeros_like(grad))


def sqrt(x: torch.Tensor) -> torch.Tensor:
    """Elementwise square root, with the gradient 0 at 0."""
    if x.requires_grad and torch.is_grad_enabled():
        return _Sqrt.apply(x)
    return torch.sqrt(x)

view_as_real = torch.view_as_real


def flip(x: torch.Tensor, axis: int) -> torch.Tensor:
    """``x`` reversed along ``axis``."""
    return x.flip(axis)


def take(x: torch.Tensor, indices: Sequence[int], axis: int) -> torch.Tensor:
    """The entries ``indices`` of ``x`` along ``axis``."""
    return x.index_select(axis, torch.as_tensor(indices, device=x.device))


def swapaxes(x: torch.Tensor, axis1: int, axis2: int) -> torch.Tensor:
    """``x`` with two axes exchanged (a view)."""
    return x.transpose(axis1, axis2)


def reduce_sum(x: torch.Tensor, axis: int) -> torch.Tensor:
    """Sum of ``x`` along ``axis``."""
    return x.sum(axis)


class _RfftLast(torch.autograd.Function):
    """``torch.fft.rfft`` along the last axis, whose adjoint is one inverse real FFT.

    autograd's own backward zero-pads the gradient to the whole spectrum and runs a
    complex FFT (about 3x the cost). The adjoint of the half spectrum is
    ``dx[t] = Re sum_{k <= n/2} g_k e^{2 pi i k t / n}``: ``irfft`` of ``g`` with the
    bins it counts twice (all but 0 and, for even ``n``, ``n / 2``) halved.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.n = x.shape[-1]
        return torch.fft.rfft(x)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        n = ctx.n
        halved = grad * 0.5
        halved[..., 0] = grad[..., 0]
        if n % 2 == 0:
            halved[..., -1] = grad[..., -1]
        return torch.fft.irfft(halved, n=n, norm="forward")


def rfft_last(x: torch.Tensor) -> torch.Tensor:
    """The bins ``0 .. n // 2`` of the FFT of real signals along the last axis."""
    if x.requires_grad and torch.is_grad_enabled():
        return _RfftLast.apply(x)
    return torch.fft.rfft(x)


def irfft_last(x: torch.Tensor, n: int) -> torch.Tensor:
    """Real signals of length ``n`` whose half spectrum along the last axis is ``x``."""
    return torch.fft.irfft(x, n=n)


def to_numpy(x: torch.Tensor) -> "np.ndarray":
    """``x`` as a NumPy array (detached, on the CPU; for planning on values)."""
    return x.detach().resolve_conj().cpu().numpy()


def requires_grad(x: Any) -> bool:
    """Whether autograd tracks ``x``."""
    return bool(getattr(x, "requires_grad", False))


def view_as_complex(x: torch.Tensor) -> torch.Tensor:
    """The complex tensor ``x[..., 0] + i x[..., 1]`` of a real ``x`` (..., 2)."""
    return torch.view_as_complex(x.contiguous())


def square_fresh(x: torch.Tensor) -> torch.Tensor:
    """``x ** 2``, in place unless autograd tracks ``x`` (which only the caller holds)."""
    return x.square() if x.requires_grad else x.square_()
