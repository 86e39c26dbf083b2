"""Scattering transforms as PyTorch modules."""
from .frontend.entry import publish
from .scattering1d.frontend.torch_frontend import ScatteringTorch1D as Scattering1D
from .scattering2d.frontend.torch_frontend import ScatteringTorch2D as Scattering2D
from .scattering3d.frontend.torch_frontend import HarmonicScatteringTorch3D as HarmonicScattering3D

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D,
        HarmonicScattering3D=HarmonicScattering3D)

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D"]
