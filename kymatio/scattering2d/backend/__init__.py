"""Backends of the 2D scattering transform.

:func:`native_backend` gives the fast backend the core runs on, for an array library by
name; the modules ``numpy_backend``, ``torch_backend``, ``jax_backend`` and
``tensorflow_backend`` sit at Kymatio 0.3.0's paths.
"""
from functools import lru_cache

from ...backend.fourier import native_library
from ...backend.fourier import FourierBackend

__all__ = ["native_backend"]


@lru_cache(maxsize=None)
def native_backend(name: str) -> FourierBackend:
    """The 2D scattering transform's backend over the fast primitives of library ``name``
    (``'numpy'``, ``'torch'``, ``'jax'``, ``'tensorflow'``), one shared instance per name."""
    return FourierBackend(native_library(name), ndim=2)
