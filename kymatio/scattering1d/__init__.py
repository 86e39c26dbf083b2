"""1D scattering transform: filter bank, core algorithm, backends and frontends."""
from .frontend.entry import ScatteringEntry1D

__all__ = ["ScatteringEntry1D"]
