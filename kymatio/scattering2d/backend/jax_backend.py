"""Kymatio 0.3.0's JAX backend of the 2D scattering transform: :class:`JaxBackend2D`
and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering2d.backend.numpy_backend`) on JAX
arrays. The transform runs on ``native_backend('jax')`` of
:mod:`kymatio.scattering2d.backend`; passing ``backend=backend`` (or ``'jax'``) to a
JAX frontend selects it.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend2D

__all__ = ["JaxBackend2D", "backend"]


class JaxBackend2D(JaxBackend, NumpyBackend2D):
    """:class:`~kymatio.scattering2d.backend.numpy_backend.NumpyBackend2D` with JAX's
    array module and primitives."""


backend = JaxBackend2D
