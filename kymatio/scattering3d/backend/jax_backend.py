"""Kymatio 0.3.0's JAX backend of the 3D scattering transform: ``JaxBackend3D``, the
primitives of :mod:`kymatio.scattering3d.backend.numpy_backend` on JAX arrays, and
``backend`` (the class itself, as upstream), which selects ``native_backend('jax')`` when
passed to a JAX frontend.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend3D

__all__ = ["JaxBackend3D", "backend"]

backend = JaxBackend3D = JaxBackend.for_transform(NumpyBackend3D, __name__)
