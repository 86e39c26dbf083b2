"""Scattering transforms as scikit-learn transformers."""
from .frontend.entry import publish
from .scattering1d.frontend.sklearn_frontend import ScatteringTransformer1D as Scattering1D
from .scattering2d.frontend.sklearn_frontend import ScatteringTransformer2D as Scattering2D
from .scattering3d.frontend.sklearn_frontend import HarmonicScatteringTransformer3D as HarmonicScattering3D

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D,
        HarmonicScattering3D=HarmonicScattering3D)

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D"]
