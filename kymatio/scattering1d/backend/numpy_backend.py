"""Kymatio 0.3.0's NumPy backend of the 1D scattering transform: :class:`NumpyBackend1D`
and ``backend`` (the class itself, as upstream).

The transform runs on ``native_backend('numpy')`` of :mod:`kymatio.scattering1d.backend`;
passing ``backend=backend`` (or ``'numpy'``) to a frontend selects it. The primitives here
keep upstream's checks for code that calls them directly.
"""
import numpy as np

from ...backend.numpy_backend import NumpyFourierBackend
from . import native_backend

__all__ = ["NumpyBackend1D", "backend"]


class NumpyBackend1D(NumpyFourierBackend):
    """The primitives of the 1D transform on NumPy arrays: FFTs and subsampling along
    the last axis, reflect padding and cropping of the last axis."""

    signal_ndim = 1

    @classmethod
    def pad(cls, x: np.ndarray, pad_left: int, pad_right: int) -> np.ndarray:
        """Reflect-pad the last axis by ``pad_left`` and ``pad_right`` samples.

        Raises
        ------
        ValueError
            If a side is as long as the signal or longer.
        """
        return native_backend(cls.name).pad(x, pad_left, pad_right)

    @staticmethod
    def unpad(x: np.ndarray, i0: int, i1: int) -> np.ndarray:
        """The samples ``i0 .. i1 - 1`` of the last axis."""
        return x[..., i0:i1]


backend = NumpyBackend1D
