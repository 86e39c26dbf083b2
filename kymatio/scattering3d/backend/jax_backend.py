"""Kymatio 0.3.0's JAX backend of the 3D scattering transform: :class:`JaxBackend3D`
and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering3d.backend.numpy_backend`) on JAX
arrays. The transform runs on ``native_backend('jax')`` of
:mod:`kymatio.scattering3d.backend`; passing ``backend=backend`` (or ``'jax'``) to a
JAX frontend selects it.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend3D

__all__ = ["JaxBackend3D", "backend"]


class JaxBackend3D(JaxBackend, NumpyBackend3D):
    """:class:`~kymatio.scattering3d.backend.numpy_backend.NumpyBackend3D` with JAX's
    array module and primitives."""


backend = JaxBackend3D
