"""numpy backend of the 1D scattering transform: ``backend`` and its primitives."""
from ...backend import numpy_backend as _library
from .fourier1d import FourierBackend1D

backend = FourierBackend1D(_library)
globals().update(backend.primitives())
__all__ = ["backend", *backend.primitives()]
