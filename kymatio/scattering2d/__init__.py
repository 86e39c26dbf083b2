"""2D scattering transform: filter bank, core algorithm, backends and frontends."""
from .frontend.entry import ScatteringEntry2D

__all__ = ["ScatteringEntry2D"]
