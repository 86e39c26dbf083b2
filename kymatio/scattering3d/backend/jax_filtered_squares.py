"""``filtered_squares`` for JAX arrays: the squares of the real and imaginary parts are
summed over each slice of filters before they are paired on a trailing axis (XLA
interleaves a trailing axis of 2 slowly; pairing after the sums interleaves
``len(parts)`` volumes instead of one per filter). The inverse FFTs are unnormalised,
as the interface asks."""
from typing import Sequence, Tuple

import jax
import jax.numpy as jnp

__all__ = ["filtered_squares"]


def filtered_squares(operand: jax.Array, filters: jax.Array,
                     parts: Sequence[Tuple[int, int]]) -> jax.Array:
    """:meth:`HarmonicBackend.filtered_squares
    <kymatio.scattering3d.backend.harmonic_backend.HarmonicBackend.filtered_squares>` for
    JAX arrays."""
    W = jnp.fft.ifftn(operand * filters, axes=(-3, -2, -1), norm="forward")
    real = jnp.stack([jnp.sum(jnp.square(W.real[:, a:b]), 1) for a, b in parts], 1)
    imag = jnp.stack([jnp.sum(jnp.square(W.imag[:, a:b]), 1) for a, b in parts], 1)
    return jnp.stack([real, imag], -1)
