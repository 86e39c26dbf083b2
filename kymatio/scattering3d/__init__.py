"""3D solid harmonic scattering: filter bank, core algorithm, backends and frontends."""
from .frontend.entry import HarmonicScatteringEntry3D

__all__ = ["HarmonicScatteringEntry3D"]
