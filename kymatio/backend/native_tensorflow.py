"""TensorFlow implementations of the shared scattering primitives.

Native complex tensors (``tf.complex64``/``complex128``); everything is a TensorFlow
op, so the primitives run eagerly, trace under ``tf.function`` and differentiate under
``tf.GradientTape``. In a graph the leading (batch) axis may be of unknown size:
:func:`reshape` then reads a single ``None`` of the target shape as ``-1``.
"""
import sys
from typing import Any, Sequence

import numpy as np
import tensorflow as tf

from .fourier import (NATIVE_INTERFACE, ReflectPad, check_filter_product, dtype_checks,
                      split_shape)
from .fourier import sum_blocks as periodize

__all__ = list(NATIVE_INTERFACE)

name = "tensorflow"
# One piece per batch: fewer, larger ops are faster eagerly (each op is dispatched on its
# own) and in graphs (see fourier.working_set).
cache_sized_pieces = False
cache_sized_volumes = False  # 3D as well (not measured with pieces)
working_set_scale = 1.0  # not used: one piece per batch

_FFTS = {1: (tf.signal.fft, tf.signal.ifft), 2: (tf.signal.fft2d, tf.signal.ifft2d),
         3: (tf.signal.fft3d, tf.signal.ifft3d)}


def is_complex(x: Any) -> bool:
    """True if ``x`` has a complex dtype."""
    return tf.as_dtype(x.dtype).is_complex


def is_real(x: Any) -> bool:
    """True if ``x`` has a real floating-point dtype."""
    return tf.as_dtype(x.dtype).is_floating


complex_check, real_check = dtype_checks(is_complex, is_real)


def contiguous_check(x: Any) -> None:
    """Tensors have no user-visible memory layout: every tensor is accepted."""


def modulus(x: tf.Tensor) -> tf.Tensor:
    """Elementwise complex modulus ``|x|`` (real; TensorFlow's gradient of it at 0 is 0)."""
    return tf.abs(x)


def _complex(B: tf.Tensor, like: tf.Tensor) -> tf.Tensor:
    """``B`` in the complex dtype of ``like`` (TensorFlow multiplies only equal dtypes)."""
    return B if B.dtype == like.dtype else tf.cast(B, like.dtype)


def check_product(A: tf.Tensor, B: tf.Tensor) -> None:
    """Raise a clear error unless a complex signal ``A`` can be multiplied by filter ``B``."""
    check_filter_product(_Known(A), _Known(B), sys.modules[__name__])


class _Known:
    """A tensor's dtype and shape, with axes of unknown size read as 1 (for checks)."""

    def __init__(self, x: Any) -> None:
        self.dtype = x.dtype
        self.shape = tuple(1 if n is None else n for n in x.shape)
        self.ndim = len(self.shape)


def cdgmm(A: tf.Tensor, B: tf.Tensor) -> tf.Tensor:
    """Multiply a complex signal ``A`` (..., *S) by a real or complex filter ``B``
    (..., *S) pointwise, broadcasting the leading axes."""
    check_product(A, B)
    return A * _complex(B, A)


def periodized_product(A: tf.Tensor, B: tf.Tensor, k: int, ndim: int) -> tf.Tensor:
    """``sum_blocks(A * B, k, ndim)`` without forming the full-size product."""
    B = _complex(B, A)
    if k == 1:
        return A * B
    if k == 2:
        return tf.add_n([a * b for a, b in zip(_halves(A, ndim), _halves(B, ndim))])
    product = reshape(A, split_shape(A.shape, k, ndim)) * reshape(B, split_shape(B.shape, k, ndim))
    # (..., k, m, k, n) -> (..., m, n): the block axes are -2, -4, ...
    return tf.reduce_sum(product, axis=[-2 * (i + 1) for i in range(ndim)])


def _halves(x: tf.Tensor, ndim: int) -> list:
    """The ``2 ** ndim`` blocks of ``x`` halved along each of its last ``ndim`` axes.

    ``tf.split`` rather than slices: a slice's gradient writes the block into a zero
    tensor of the full size (StridedSliceGrad, slow on CPU), a split's joins the
    blocks' gradients in one concatenation.
    """
    blocks = [x]
    for axis in range(-ndim, 0):
        blocks = [half for block in blocks for half in tf.split(block, 2, axis=axis)]
    return blocks


def concatenate(arrays: Sequence[tf.Tensor], axis: int = -3) -> tf.Tensor:
    """Stack equally shaped coefficient tensors along a new axis (default -3)."""
    return tf.stack(list(arrays), axis=axis)


def join(arrays: Sequence[tf.Tensor], axis: int) -> tf.Tensor:
    """Concatenate tensors along an existing axis."""
    return tf.concat(list(arrays), axis=axis)


def split(x: tf.Tensor, size: int, axis: int) -> list:
    """Consecutive pieces of ``size`` entries (the last may be shorter) along ``axis``."""
    total = x.shape[axis]
    return tf.split(x, [min(size, total - start) for start in range(0, total, size)], axis=axis)


def reshape(x: tf.Tensor, shape: Sequence[Any]) -> tf.Tensor:
    """Reshape ``x``; one ``None`` in ``shape`` (an axis of unknown size) is inferred."""
    return tf.reshape(x, [-1 if n is None else n for n in shape])


def fft(x: tf.Tensor, ndim: int, inverse: bool = False, fresh: bool = False) -> tf.Tensor:
    """Complex FFT (or inverse FFT) over the last ``ndim`` (1 to 3) axes (``fresh`` is
    not used: tensors are immutable)."""
    # A NumPy complex128 array would be converted to complex64 by TensorFlow's FFT ops.
    x = tf.convert_to_tensor(x)
    if not is_complex(x):
        x = make_complex(x)
    return _FFTS[ndim][1 if inverse else 0](x)


def prepare_filter(f: tf.Tensor) -> tf.Tensor:
    """A real Fourier filter as the complex tensor :func:`cdgmm` multiplies by."""
    return make_complex(f)


def make_complex(real: tf.Tensor, imag: tf.Tensor = None) -> tf.Tensor:
    """The complex tensor ``real + i imag`` (``imag`` defaults to zero)."""
    if imag is None:
        if is_complex(real):
            return real
        return tf.cast(real, tf.complex128 if real.dtype == tf.float64 else tf.complex64)
    return tf.complex(real, imag)


def pack_pairs(x: tf.Tensor) -> tf.Tensor:
    """Pair the maps of ``x`` (..., 2K, M, N) into K complex maps ``x[:K] + i x[K:]``."""
    first, second = tf.split(x, 2, axis=-3)  # see _halves
    return first + 1j * second if is_complex(x) else tf.complex(first, second)


def stack_real_imag(x: tf.Tensor) -> tf.Tensor:
    """Real parts then imaginary parts of ``x`` (..., K, M, N), as (..., 2K, M, N)."""
    return tf.concat([tf.math.real(x), tf.math.imag(x)], axis=-3)


class Pad(ReflectPad):
    __doc__ = ReflectPad.__doc__

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        if self.pre_pad:
            return x
        # A gather of the reflected indices along each signal axis: unlike tf.pad's
        # MirrorPad it takes reflections larger than the axis and empty batches.
        ndim = len(self.input_size)
        for axis, (size, (before, after)) in enumerate(zip(self.input_size, self.widths)):
            index = np.pad(np.arange(size), (before, after), mode="reflect")
            x = tf.gather(x, index, axis=axis - ndim)
        return x


# -- array functions every native module provides (see fourier.ARRAY_FUNCTIONS) --------
real, imag, conj = tf.math.real, tf.math.imag, tf.math.conj


@tf.custom_gradient
def sqrt(x: tf.Tensor) -> tuple:
    """Elementwise square root, with the gradient 0 at 0 (TensorFlow's is infinite)."""
    root = tf.sqrt(x)

    def gradient(upstream: tf.Tensor) -> tf.Tensor:
        return tf.math.divide_no_nan(upstream, 2 * root)  # 0 where root is 0
    return root, gradient


def take(x: tf.Tensor, indices: Sequence[int], axis: int) -> tf.Tensor:
    """The entries ``indices`` of ``x`` along ``axis``."""
    return tf.gather(x, list(indices), axis=axis)


def swapaxes(x: tf.Tensor, axis1: int, axis2: int) -> tf.Tensor:
    """``x`` with two axes exchanged."""
    perm = list(range(len(x.shape)))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


_WIDER = {tf.float32: tf.float64, tf.complex64: tf.complex128}


def reduce_sum(x: tf.Tensor, axis: int) -> tf.Tensor:
    """Sum of ``x`` along ``axis``, accumulated in double precision for single-precision
    ``x`` (the result keeps ``x``'s dtype): TensorFlow adds along a non-contiguous axis
    one term after the other, which in float32 loses ~1e-5 of relative accuracy over
    the voxels of a 32^3 volume."""
    wider = _WIDER.get(x.dtype)
    if wider is None:
        return tf.reduce_sum(x, axis=axis)
    return tf.cast(tf.reduce_sum(tf.cast(x, wider), axis=axis), x.dtype)


def flip(x: tf.Tensor, axis: int) -> tf.Tensor:
    """``x`` reversed along ``axis``."""
    return tf.reverse(x, [axis])


def rfft_last(x: tf.Tensor) -> tf.Tensor:
    """The bins ``0 .. n // 2`` of the FFT of real signals along the last axis."""
    return tf.signal.rfft(x, fft_length=[x.shape[-1]])


def irfft_last(x: tf.Tensor, n: int) -> tf.Tensor:
    """Real signals of length ``n`` whose half spectrum along the last axis is ``x``."""
    return tf.signal.irfft(x, fft_length=[n])


def to_numpy(x: Any) -> np.ndarray:
    """``x`` as a NumPy array (eager tensors only; for planning on values)."""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def requires_grad(x: Any) -> bool:
    """Whether ``x`` is a variable (what a ``GradientTape`` watches by default)."""
    return isinstance(x, tf.Variable)


def view_as_real(x: tf.Tensor) -> tf.Tensor:
    """The real tensor (..., 2) of the real and imaginary parts of ``x``."""
    return tf.stack([tf.math.real(x), tf.math.imag(x)], axis=-1)


def view_as_complex(x: tf.Tensor) -> tf.Tensor:
    """The complex tensor ``x[..., 0] + i x[..., 1]`` of a real ``x`` (..., 2)."""
    return tf.complex(*tf.unstack(x, axis=-1))  # a slice's gradient fills a zero tensor


def square_fresh(x: tf.Tensor) -> tf.Tensor:
    """``x ** 2`` (tensors are immutable)."""
    return tf.square(x)
