"""Scattering transforms on NumPy arrays."""
from .frontend.entry import publish
from .scattering1d.frontend.numpy_frontend import ScatteringNumPy1D as Scattering1D
from .scattering2d.frontend.numpy_frontend import ScatteringNumPy2D as Scattering2D
from .scattering3d.frontend.numpy_frontend import HarmonicScatteringNumPy3D as HarmonicScattering3D

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D,
        HarmonicScattering3D=HarmonicScattering3D)

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D"]
