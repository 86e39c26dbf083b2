"""Kymatio 0.3.0's JAX backend of the 1D scattering transform: :class:`JaxBackend1D`
and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering1d.backend.numpy_backend`) on JAX
arrays. The transform runs on ``native_backend('jax')`` of
:mod:`kymatio.scattering1d.backend`; passing ``backend=backend`` (or ``'jax'``) to a
JAX frontend selects it.
"""
from ...backend.jax_backend import JaxBackend
from .numpy_backend import NumpyBackend1D

__all__ = ["JaxBackend1D", "backend"]


class JaxBackend1D(JaxBackend, NumpyBackend1D):
    """:class:`~kymatio.scattering1d.backend.numpy_backend.NumpyBackend1D` with JAX's
    array module and primitives."""


backend = JaxBackend1D
