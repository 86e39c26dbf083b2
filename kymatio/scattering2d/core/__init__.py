"""The 2D scattering algorithm, written once against the backend interface."""
from .scattering2d import scattering2d

__all__ = ["scattering2d"]
