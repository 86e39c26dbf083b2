"""Kymatio 0.3.0's JAX backend of the 2D scattering transform: ``JaxBackend2D``, the
primitives of :mod:`kymatio.scattering2d.backend.numpy_backend` on JAX arrays, and
``backend`` (the class itself, as upstream), which selects ``native_backend('jax')`` when
passed to a JAX frontend.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend2D

__all__ = ["JaxBackend2D", "backend"]

backend = JaxBackend2D = JaxBackend.for_transform(NumpyBackend2D, __name__)
