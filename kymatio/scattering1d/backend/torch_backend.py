"""torch backend of the 1D scattering transform: ``backend`` and its primitives."""
from . import native_backend

backend = native_backend("torch")
globals().update(backend.primitives())
__all__ = ["backend", *backend.primitives()]
