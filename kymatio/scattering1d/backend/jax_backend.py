"""Kymatio 0.3.0's JAX backend of the 1D scattering transform: ``JaxBackend1D``, the
primitives of :mod:`kymatio.scattering1d.backend.numpy_backend` on JAX arrays, and
``backend`` (the class itself, as upstream), which selects ``native_backend('jax')`` when
passed to a JAX frontend.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend1D

__all__ = ["JaxBackend1D", "backend"]

backend = JaxBackend1D = JaxBackend.for_transform(NumpyBackend1D, __name__)
