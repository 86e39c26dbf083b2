"""Kymatio 0.3.0's JAX backend layer: :class:`JaxBackend`, the base of the 1D, 2D and 3D
JAX backends at ``kymatio.scattering{1,2,3}d.backend.jax_backend``.

As upstream, these are the NumPy backend classes (:mod:`kymatio.backend.numpy_backend`)
with ``jax.numpy`` as the array module: the same checks, exceptions and layouts, the
arithmetic on :mod:`kymatio.backend.native_jax`. Their results are JAX arrays (NumPy
inputs are accepted); the transforms run on ``native_backend('jax')``, which the JAX
frontends pick by the backend's ``name``.
"""
from typing import Any

import jax
import jax.numpy
import numpy

from . import native_jax
from .numpy_backend import NumpyBackend

__all__ = ["JaxBackend"]


class JaxBackend(NumpyBackend):
    """Primitives shared by the JAX backends of every dimension (Kymatio 0.3.0's
    ``kymatio.backend.jax_backend.JaxBackend``); every method is a class method."""

    name = "jax"
    _np = jax.numpy
    _fft = jax.numpy.fft
    _native = native_jax

    @staticmethod
    def input_checks(x: Any) -> None:
        """Raise TypeError unless ``x`` is a JAX or NumPy array."""
        if x is None:
            raise TypeError("The input should be not empty: got None instead of a JAX "
                            "array.")
        if not isinstance(x, (jax.Array, numpy.ndarray)):
            raise TypeError(f"The input should be a JAX or NumPy array, got type "
                            f"{type(x)}; convert it with jax.numpy.asarray.")
