"""Backends of the 3D harmonic scattering transform.

:func:`native_backend` gives the fast backend the core runs on, for an array library by
name; the modules ``numpy_backend``, ``torch_backend``, ``jax_backend`` and
``tensorflow_backend`` sit at Kymatio 0.3.0's paths.
"""
from functools import lru_cache

from ...backend.fourier import native_library
from .harmonic_backend import HarmonicBackend

__all__ = ["native_backend"]


@lru_cache(maxsize=None)
def native_backend(name: str) -> HarmonicBackend:
    """The 3D harmonic scattering transform's backend over the fast primitives of
    library ``name`` (``'numpy'``, ``'torch'``, ``'jax'``, ``'tensorflow'``), one shared
    instance per name."""
    return HarmonicBackend(native_library(name))
