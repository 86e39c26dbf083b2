"""Kymatio 0.3.0's JAX backend layer: :class:`JaxBackend`, the base of the 1D, 2D and 3D
JAX backends at ``kymatio.scattering{1,2,3}d.backend.jax_backend``.

As upstream, these are the NumPy backend classes (:mod:`kymatio.backend.numpy_backend`)
with ``jax.numpy`` as the array module: the same checks, exceptions and layouts, the
arithmetic on :mod:`kymatio.backend.native_jax`. Their results are JAX arrays (NumPy
inputs are accepted); the transforms run on ``native_backend('jax')``, which the JAX
frontends pick by the backend's ``name``.
"""
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
    _array_types = (jax.Array, numpy.ndarray)
    _array_name = "a JAX or NumPy array"
    _conversion = "jax.numpy.asarray"
