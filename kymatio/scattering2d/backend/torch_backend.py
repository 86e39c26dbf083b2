"""torch backend of the 2D scattering transform.

``backend`` bundles the primitives the core uses (see
:class:`kymatio.backend.fourier.FourierBackend`); each is also importable by name, e.g.
``from kymatio.scattering2d.backend.torch_backend import cdgmm, Pad, subsample_fourier``.
"""
from ...backend import torch_backend as _library
from ...backend.fourier import FourierBackend

backend = FourierBackend(_library, ndim=2)
globals().update(backend.primitives())
__all__ = ["backend", *backend.primitives()]
