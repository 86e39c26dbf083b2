"""Scattering transforms as scikit-learn transformers."""
from .scattering2d.frontend.sklearn_frontend import ScatteringTransformer2D as Scattering2D

Scattering2D.__module__ = "kymatio.sklearn"
Scattering2D.__name__ = Scattering2D.__qualname__ = "Scattering2D"

__all__ = ["Scattering2D"]
