"""torch backend of the 3D harmonic scattering transform.

``backend`` bundles the primitives the core uses (see
:class:`kymatio.scattering3d.backend.harmonic_backend.HarmonicBackend`); each is also
importable by name, e.g.
``from kymatio.scattering3d.backend.torch_backend import cdgmm3d, modulus_rotation``.
"""
from . import native_backend

backend = native_backend("torch")
globals().update(backend.primitives())
__all__ = ["backend", *backend.primitives()]
