"""Kymatio 0.3.0's NumPy backend of the 2D scattering transform: :class:`Pad`,
:class:`NumpyBackend2D` and ``backend`` (the class itself, as upstream).

The transform runs on ``native_backend('numpy')`` of :mod:`kymatio.scattering2d.backend`;
passing ``backend=backend`` (or ``'numpy'``) to a frontend selects it. The primitives here
keep upstream's checks for code that calls them directly.
"""
from types import ModuleType
from typing import Sequence

import numpy as np

from ...backend.fourier import native_library
from ...backend.numpy_backend import NumpyFourierBackend

__all__ = ["Pad", "NumpyBackend2D", "backend"]


class Pad:
    """Reflect padding of the last two axes of an array.

    Parameters
    ----------
    np : module
        The array module (``numpy``, or ``jax.numpy`` for the JAX backend), as in Kymatio
        0.3.0; the padding runs on that library's fast primitives.
    pad_size : sequence of 4 int
        ``[top, bottom, left, right]``; a side may be as large as the image (the
        reflection then continues as NumPy's ``mode='reflect'``).
    input_size : sequence of 2 int
        ``[M, N]``, the size of the images before padding.
    """

    def __init__(self, np: ModuleType, pad_size: Sequence[int],
                 input_size: Sequence[int]) -> None:
        self.np = np
        self.pad_size = pad_size
        self.input_size = input_size
        self._pad = native_library(np.__name__.split('.')[0]).Pad(pad_size, input_size)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._pad(x)


class NumpyBackend2D(NumpyFourierBackend):
    """The primitives of the 2D transform on NumPy arrays: FFTs and subsampling over the
    last two axes, reflect padding and cropping."""

    signal_ndim = 2
    _Pad = Pad

    @classmethod
    def Pad(cls, pad_size: Sequence[int], input_size: Sequence[int]) -> Pad:
        """The :class:`Pad` of ``pad_size`` (``[top, bottom, left, right]``) for images
        of size ``input_size``."""
        return cls._Pad(cls._np, pad_size, input_size)

    @staticmethod
    def unpad(in_: np.ndarray) -> np.ndarray:
        """``in_`` without its first and last row and column."""
        return in_[..., 1:-1, 1:-1]

    @classmethod
    def concatenate(cls, arrays: Sequence[np.ndarray]) -> np.ndarray:
        """Stack equally shaped arrays (..., M, N) along a new axis -3."""
        return cls._native.concatenate(arrays, axis=-3)


backend = NumpyBackend2D
