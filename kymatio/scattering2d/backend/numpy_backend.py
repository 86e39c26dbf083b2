"""numpy backend of the 2D scattering transform.

``backend`` bundles the primitives the core uses (see
:class:`kymatio.backend.fourier.FourierBackend`); each is also importable by name, e.g.
``from kymatio.scattering2d.backend.numpy_backend import cdgmm, Pad, subsample_fourier``.
"""
from . import native_backend

backend = native_backend("numpy")
globals().update(backend.primitives())
__all__ = ["backend", *backend.primitives()]
