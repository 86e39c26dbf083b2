"""The 1D scattering algorithm, written once against the backend interface."""
from .scattering1d import plan_scattering1d, scattering1d, scattering1d_blocks

__all__ = ["scattering1d", "scattering1d_blocks", "plan_scattering1d"]
