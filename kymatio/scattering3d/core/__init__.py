"""The 3D harmonic scattering algorithm, written once against the backend interface."""
from .scattering3d import scattering3d

__all__ = ["scattering3d"]
