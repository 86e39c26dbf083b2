"""Scattering transforms on NumPy arrays."""
from .scattering2d.frontend.numpy_frontend import ScatteringNumPy2D as Scattering2D

Scattering2D.__module__ = "kymatio.numpy"
Scattering2D.__name__ = Scattering2D.__qualname__ = "Scattering2D"

__all__ = ["Scattering2D"]
