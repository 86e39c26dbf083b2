"""JAX implementations of the shared scattering primitives.

Pure functions of ``jax.Array``s (native complex arrays): they trace under ``jax.jit``,
batch under ``jax.vmap`` and differentiate under ``jax.grad``. Shapes must be static,
as JAX requires; nothing here inspects values except :func:`to_numpy` (planning on
concrete filters).
"""
import sys
from functools import partial
from typing import Any, Sequence, Tuple

import jax
import jax.numpy as jnp
import numpy as np

from .fourier import NATIVE_INTERFACE, ReflectPad, check_filter_product, dtype_checks
from .fourier import periodized_product as periodized_product_blocks
from .fourier import sum_blocks as periodize

__all__ = list(NATIVE_INTERFACE)

name = "jax"
# One piece per batch in 1D and 2D: XLA compiles the whole graph (see
# fourier.working_set). 3D volumes in pieces: measured (J=2 L=2 32^3, 4 volumes, one
# thread), the compiled forward 100 -> 60-75 ms, its gradient 170 -> 140 ms.
cache_sized_pieces = False
cache_sized_volumes = True
working_set_scale = 1.0  # not used: one piece per batch


def is_complex(x: Any) -> bool:
    """True if ``x`` has a complex dtype."""
    return jnp.iscomplexobj(x)


def is_real(x: Any) -> bool:
    """True if ``x`` has a real floating-point dtype."""
    return jnp.issubdtype(x.dtype, jnp.floating)


complex_check, real_check = dtype_checks(is_complex, is_real)


def contiguous_check(x: Any) -> None:
    """JAX arrays have no user-visible memory layout: every array is accepted."""


@jax.custom_jvp
def modulus(x: jax.Array) -> jax.Array:
    """Elementwise complex modulus ``|x|`` (real), with the derivative 0 at 0 (as
    ``jnp.abs``'s)."""
    return jnp.abs(x)


@modulus.defjvp
def _modulus_jvp(primals: tuple, tangents: tuple) -> tuple:
    # jnp.abs's own rule divides complex numbers (conj(x) / |x|), in the compiled
    # gradient also on the way back; in real arithmetic the 2D gradient is ~1.5x faster.
    (x,), (dx,) = primals, tangents
    size = jnp.abs(x)
    dot = x.real * dx.real + x.imag * dx.imag if jnp.iscomplexobj(dx) else x.real * dx
    return size, dot / jnp.where(size > 0, size, 1)


def check_product(A: jax.Array, B: jax.Array) -> None:
    """Raise a clear error unless a complex signal ``A`` can be multiplied by filter ``B``."""
    check_filter_product(A, B, sys.modules[__name__])


def cdgmm(A: jax.Array, B: jax.Array) -> jax.Array:
    """Multiply a complex signal ``A`` (..., *S) by a real or complex filter ``B``
    (..., *S) pointwise, broadcasting the leading axes."""
    check_product(A, B)
    return A * B


@partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def periodized_product(A: jax.Array, B: jax.Array, k: int, ndim: int) -> jax.Array:
    """``sum_blocks(A * B, k, ndim)``, computed block by block; its adjoint multiplies the
    tiled gradient by each operand in one product (autodiff of the block slices would
    pad every block's gradient to full size and add them)."""
    return periodized_product_blocks(A, B, k, ndim)


def _periodized_product_forward(A: jax.Array, B: jax.Array, k: int, ndim: int) -> tuple:
    return periodized_product_blocks(A, B, k, ndim), (A, B)


def _periodized_product_adjoint(k: int, ndim: int, operands: Tuple[jax.Array, jax.Array],
                                g: jax.Array) -> Tuple[jax.Array, jax.Array]:
    A, B = operands
    tiled = jnp.tile(g, (1,) * (g.ndim - ndim) + (k,) * ndim)
    # JAX's transpose of a product: the cotangent times the other factor (no conjugate)
    return _sum_to_shape(tiled * B, A), _sum_to_shape(tiled * A, B)


def _sum_to_shape(x: jax.Array, like: jax.Array) -> jax.Array:
    """``x`` summed over the axes along which ``like`` was broadcast, in ``like``'s dtype."""
    leading = x.ndim - like.ndim
    axes = tuple(range(leading)) + tuple(
        leading + i for i, n in enumerate(like.shape) if n == 1 and x.shape[leading + i] != 1)
    x = jnp.sum(x, axis=axes, keepdims=True).reshape(like.shape)
    return x if jnp.iscomplexobj(like) else x.real.astype(like.dtype)


periodized_product.defvjp(_periodized_product_forward, _periodized_product_adjoint)


def concatenate(arrays: Sequence[jax.Array], axis: int = -3) -> jax.Array:
    """Stack equally shaped coefficient arrays along a new axis (default -3)."""
    return jnp.stack(list(arrays), axis=axis)


def join(arrays: Sequence[jax.Array], axis: int) -> jax.Array:
    """Concatenate arrays along an existing axis."""
    return jnp.concatenate(list(arrays), axis=axis)


def split(x: jax.Array, size: int, axis: int) -> list:
    """Consecutive pieces of ``size`` entries (the last may be shorter) along ``axis``."""
    return jnp.split(x, list(range(size, x.shape[axis], size)), axis=axis)


def reshape(x: jax.Array, shape: Sequence[int]) -> jax.Array:
    """Reshape ``x``."""
    return jnp.reshape(x, tuple(shape))


def fft(x: jax.Array, ndim: int, inverse: bool = False, fresh: bool = False) -> jax.Array:
    """Complex FFT (or inverse FFT) over the last ``ndim`` axes (``fresh`` is not used:
    JAX arrays are immutable)."""
    transform = jnp.fft.ifftn if inverse else jnp.fft.fftn
    return transform(x, axes=tuple(range(-ndim, 0)))


def prepare_filter(f: jax.Array) -> jax.Array:
    """A real Fourier filter in the form :func:`cdgmm` multiplies fastest: unchanged
    (XLA fuses the real-to-complex cast into the product)."""
    return f


def make_complex(real: jax.Array, imag: jax.Array = None) -> jax.Array:
    """The complex array ``real + i imag`` (``imag`` defaults to zero)."""
    if imag is None:
        return real.astype(jnp.result_type(real.dtype, jnp.complex64))
    return jax.lax.complex(real, imag)


def pack_pairs(x: jax.Array) -> jax.Array:
    """Pair the maps of ``x`` (..., 2K, M, N) into K complex maps ``x[:K] + i x[K:]``."""
    half = x.shape[-3] // 2
    first, second = x[..., :half, :, :], x[..., half:, :, :]
    return first + 1j * second if is_complex(x) else jax.lax.complex(first, second)


def stack_real_imag(x: jax.Array) -> jax.Array:
    """Real parts then imaginary parts of ``x`` (..., K, M, N), as (..., 2K, M, N)."""
    return jnp.concatenate([x.real, x.imag], axis=-3)


class Pad(ReflectPad):
    __doc__ = ReflectPad.__doc__

    def __call__(self, x: jax.Array) -> jax.Array:
        if self.pre_pad:
            return x
        return jnp.pad(x, [(0, 0)] * (x.ndim - len(self.input_size)) + self.widths,
                       mode="reflect")


# -- array functions every native module provides (see fourier.ARRAY_FUNCTIONS) --------
real, imag, conj, flip = jnp.real, jnp.imag, jnp.conj, jnp.flip


@jax.custom_jvp
def sqrt(x: jax.Array) -> jax.Array:
    """Elementwise square root, with the derivative 0 at 0 (JAX's is infinite there)."""
    return jnp.sqrt(x)


@sqrt.defjvp
def _sqrt_jvp(primals: tuple, tangents: tuple) -> tuple:
    root = jnp.sqrt(primals[0])
    positive = root > 0
    return root, jnp.where(positive, tangents[0] / (2 * jnp.where(positive, root, 1)), 0)


def take(x: jax.Array, indices: Sequence[int], axis: int) -> jax.Array:
    """The entries ``indices`` of ``x`` along ``axis``."""
    return jnp.take(x, jnp.asarray(indices), axis=axis)


def swapaxes(x: jax.Array, axis1: int, axis2: int) -> jax.Array:
    """``x`` with two axes exchanged."""
    return jnp.swapaxes(x, axis1, axis2)


def reduce_sum(x: jax.Array, axis: int) -> jax.Array:
    """Sum of ``x`` along ``axis``."""
    return jnp.sum(x, axis=axis)


def rfft_last(x: jax.Array) -> jax.Array:
    """The bins ``0 .. n // 2`` of the FFT of real signals along the last axis."""
    return jnp.fft.rfft(x)


def irfft_last(x: jax.Array, n: int) -> jax.Array:
    """Real signals of length ``n`` whose half spectrum along the last axis is ``x``."""
    return jnp.fft.irfft(x, n=n)


def to_numpy(x: jax.Array) -> np.ndarray:
    """``x`` as a NumPy array (concrete arrays only; for planning on values)."""
    return np.asarray(x)


def requires_grad(x: Any) -> bool:
    """Whether ``x`` is traced (by ``jit``, ``grad``, ``vmap``): its values are then
    abstract, and anything computed from it may be differentiated."""
    return isinstance(x, jax.core.Tracer)


def view_as_real(x: jax.Array) -> jax.Array:
    """The real array (..., 2) of the real and imaginary parts of ``x``."""
    return jnp.stack([x.real, x.imag], axis=-1)


def view_as_complex(x: jax.Array) -> jax.Array:
    """The complex array ``x[..., 0] + i x[..., 1]`` of a real ``x`` (..., 2)."""
    return jax.lax.complex(x[..., 0], x[..., 1])


def square_fresh(x: jax.Array) -> jax.Array:
    """``x ** 2`` (JAX arrays are immutable; XLA reuses buffers itself)."""
    return x * x
