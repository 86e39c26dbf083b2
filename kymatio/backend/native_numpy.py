"""NumPy implementations of the shared scattering primitives."""
from typing import Sequence

import numpy as np
import scipy.fft

import sys

from .fourier import (NATIVE_INTERFACE, ReflectPad, check_filter_product, dtype_checks,
                      split_blocks)
from .fourier import periodized_product as periodized_product_blocks
from .fourier import sum_blocks as periodize


__all__ = list(NATIVE_INTERFACE)

name = "numpy"
# The cores split batches into cache-sized pieces (see fourier.working_set), in 1D and 2D
# half of torch's: NumPy allocates every intermediate afresh, and with these pieces its
# peak memory stays below upstream's. Measured (2D J=2 32x32 L=8, 48 images; 1D J=6 Q=8
# N=8192, 4 signals): peak 9.3 -> 5.2 MiB for +6% time in 2D, 9.8 -> 3.7 MiB for +30% in
# 1D (3.65x upstream's speed in compare_upstream); a quarter cost 2D +30%.
cache_sized_pieces = True
cache_sized_volumes = True
working_set_scale = 0.5


def is_complex(x: np.ndarray) -> bool:
    """True if ``x`` has a complex dtype."""
    return np.iscomplexobj(x)


def is_real(x: np.ndarray) -> bool:
    """True if ``x`` has a real floating-point dtype."""
    return np.issubdtype(np.asarray(x).dtype, np.floating)


complex_check, real_check = dtype_checks(is_complex, is_real)


def contiguous_check(x: np.ndarray) -> None:
    """NumPy arrays need no contiguity: every layout is accepted."""


def modulus(x: np.ndarray) -> np.ndarray:
    """Elementwise complex modulus ``|x|`` (a real array)."""
    return np.abs(x)


def cdgmm(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Multiply a complex signal by a filter, pointwise, broadcasting the leading axes.

    Parameters
    ----------
    A : ndarray, complex, shape (..., *S)
        Signal(s) in the Fourier domain.
    B : ndarray, real or complex, shape (..., *S)
        Filter(s); its shape must broadcast against ``A``'s.

    Returns
    -------
    ndarray, complex
    """
    check_product(A, B)
    return A * B


def check_product(A: np.ndarray, B: np.ndarray) -> None:
    """Raise a clear error unless a complex signal ``A`` can be multiplied by filter ``B``."""
    check_filter_product(A, B, sys.modules[__name__])


def concatenate(arrays: Sequence[np.ndarray], axis: int = -3) -> np.ndarray:
    """Stack equally shaped coefficient arrays along a new axis (default -3)."""
    return np.stack(arrays, axis=axis)


def join(arrays: Sequence[np.ndarray], axis: int) -> np.ndarray:
    """Concatenate arrays along an existing axis."""
    return np.concatenate(arrays, axis=axis)


def split(x: np.ndarray, size: int, axis: int) -> list:
    """Consecutive pieces of ``size`` entries (the last may be shorter) along ``axis``."""
    return np.split(x, range(size, x.shape[axis], size), axis=axis)


def reshape(x: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Reshape ``x`` (a view where possible)."""
    return np.reshape(x, tuple(shape))


def fft(x: np.ndarray, ndim: int, inverse: bool = False, fresh: bool = False) -> np.ndarray:
    """Complex FFT (or inverse FFT) over the last ``ndim`` axes; ``fresh``: ``x`` is a
    temporary only the caller holds, transformed in place (no second full-size array)."""
    transform = scipy.fft.ifftn if inverse else scipy.fft.fftn
    return transform(x, axes=tuple(range(-ndim, 0)), workers=-1, overwrite_x=fresh)


def periodized_product(A: np.ndarray, B: np.ndarray, k: int, ndim: int) -> np.ndarray:
    """:func:`kymatio.backend.fourier.periodized_product`, forming the products of ``k > 2``
    one row of blocks (of the first signal axis) at a time: a ``k`` times smaller
    temporary than the full-size product, at the same speed."""
    if k <= 2:
        return periodized_product_blocks(A, B, k, ndim)
    rows = A.shape[-ndim] // k
    out = None
    for i in range(k):
        index = (Ellipsis, slice(i * rows, (i + 1) * rows)) + (slice(None),) * (ndim - 1)
        product = split_blocks(A[index], k, ndim - 1) * split_blocks(B[index], k, ndim - 1)
        for innermost in range(ndim - 1):  # (..., m, k, n) -> (..., m, n)
            product = product.sum(-2 - innermost)
        out = product if out is None else np.add(out, product, out=out)
    return out


def prepare_filter(f: np.ndarray) -> np.ndarray:
    """A real Fourier filter in the form :func:`cdgmm` multiplies fastest.

    NumPy multiplies complex by complex about 1.5x faster than complex by real (it
    casts the real operand on the fly), so filters become complex once, up front.
    """
    return f.astype(np.result_type(f.dtype, np.complex64))


def make_complex(real: np.ndarray, imag: np.ndarray = None) -> np.ndarray:
    """The complex array ``real + i imag`` (``imag`` defaults to zero)."""
    out = real.astype(np.result_type(real.dtype, np.complex64))
    if imag is not None:
        out.imag = imag
    return out



def pack_pairs(x: np.ndarray) -> np.ndarray:
    """Pair the maps of ``x`` (..., 2K, M, N) into K complex maps ``x[:K] + i x[K:]``."""
    half = x.shape[-3] // 2
    return x[..., :half, :, :] + 1j * x[..., half:, :, :]


def stack_real_imag(x: np.ndarray) -> np.ndarray:
    """Real parts then imaginary parts of ``x`` (..., K, M, N), as (..., 2K, M, N)."""
    return np.concatenate([x.real, x.imag], axis=-3)


class Pad(ReflectPad):
    __doc__ = ReflectPad.__doc__

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.pre_pad:
            return x
        return np.pad(x, [(0, 0)] * (x.ndim - len(self.input_size)) + self.widths,
                      mode="reflect")


# -- array functions every native module provides (see fourier.ARRAY_FUNCTIONS) --------
real, imag, conj, sqrt = np.real, np.imag, np.conj, np.sqrt


def take(x: np.ndarray, indices: Sequence[int], axis: int) -> np.ndarray:
    """The entries ``indices`` of ``x`` along ``axis``."""
    return np.take(x, indices, axis=axis)


def swapaxes(x: np.ndarray, axis1: int, axis2: int) -> np.ndarray:
    """``x`` with two axes exchanged (a view)."""
    return np.swapaxes(x, axis1, axis2)


_WIDER = {np.dtype(np.float32): np.float64, np.dtype(np.complex64): np.complex128}


def reduce_sum(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum of ``x`` along ``axis``, accumulated in double precision for single-precision
    ``x`` (the result keeps ``x``'s dtype).

    NumPy sums pairwise only along the contiguous axis; along another it adds one term
    after the other, which in float32 loses ~1e-5 of relative accuracy over the 32,768
    voxels of a 32^3 volume (the 3D integrals). A double accumulator costs the same.
    """
    wider = _WIDER.get(x.dtype)
    if wider is None:
        return x.sum(axis)
    return x.sum(axis, dtype=wider).astype(x.dtype)


def flip(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` reversed along ``axis`` (a view)."""
    return np.flip(x, axis)


def rfft_last(x: np.ndarray) -> np.ndarray:
    """The bins ``0 .. n // 2`` of the FFT of real signals along the last axis."""
    return scipy.fft.rfft(x)


def irfft_last(x: np.ndarray, n: int) -> np.ndarray:
    """Real signals of length ``n`` whose half spectrum along the last axis is ``x``."""
    return scipy.fft.irfft(x, n=n)


def to_numpy(x: np.ndarray) -> np.ndarray:
    """``x`` as a NumPy array (for planning on values)."""
    return np.asarray(x)


def requires_grad(x: np.ndarray) -> bool:
    """Whether a gradient is recorded through ``x``: never for NumPy arrays."""
    return False


def view_as_real(x: np.ndarray) -> np.ndarray:
    """The real array (..., 2) of the real and imaginary parts of ``x``."""
    return np.ascontiguousarray(x).view(x.real.dtype).reshape(x.shape + (2,))


def view_as_complex(x: np.ndarray) -> np.ndarray:
    """The complex array ``x[..., 0] + i x[..., 1]`` of a real ``x`` (..., 2)."""
    complex_dtype = np.result_type(x.dtype, np.complex64)
    return np.ascontiguousarray(x).view(complex_dtype)[..., 0]


def square_fresh(x: np.ndarray) -> np.ndarray:
    """``x ** 2``, overwriting ``x`` (which only the caller holds)."""
    return np.square(x, out=x)
