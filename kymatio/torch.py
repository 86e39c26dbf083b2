"""Scattering transforms as PyTorch modules."""
from .scattering2d.frontend.torch_frontend import ScatteringTorch2D as Scattering2D

Scattering2D.__module__ = "kymatio.torch"
Scattering2D.__name__ = Scattering2D.__qualname__ = "Scattering2D"

__all__ = ["Scattering2D"]
