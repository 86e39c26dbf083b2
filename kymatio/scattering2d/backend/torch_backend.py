"""Kymatio 0.3.0's PyTorch backend of the 2D scattering transform: :class:`Pad`,
:class:`TorchBackend2D` and ``backend`` (the class itself, as upstream).

Complex images are real tensors (..., M, N, 2), real ones (..., M, N, 1), as in Kymatio
0.3.0 (see :mod:`kymatio.backend.torch_backend`). The transform runs on
``native_backend('torch')`` of :mod:`kymatio.scattering2d.backend`; passing
``backend=backend`` (or ``'torch'``) to a frontend selects it.
"""
from typing import Sequence

import torch

from ...backend import native_torch
from ...backend.torch_backend import TorchBackend, TorchFourierBackend

__all__ = ["Pad", "TorchBackend2D", "backend"]


class Pad:
    """Reflect padding of images (..., M, N) into real images (..., M', N', 1).

    Parameters
    ----------
    pad_size : sequence of 4 int
        ``[top, bottom, left, right]``; a side may be as large as the image (the
        reflection then continues as NumPy's ``mode='reflect'``).
    input_size : sequence of 2 int
        ``[M, N]``, the size of the images before padding.
    """

    def __init__(self, pad_size: Sequence[int], input_size: Sequence[int]) -> None:
        self.pad_size = pad_size
        self.input_size = input_size
        self._pad = native_torch.Pad(pad_size, input_size)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self._pad(x)[..., None]


class TorchBackend2D(TorchFourierBackend):
    """The primitives of the 2D transform on torch tensors: FFTs and subsampling over the
    two dimensions before the last, reflect padding and cropping."""

    signal_ndim = 2
    Pad = Pad

    @classmethod
    def unpad(cls, in_: torch.Tensor) -> torch.Tensor:
        """A real image (..., M, N, 1) without its first and last row and column, as
        (..., M - 2, N - 2)."""
        cls.real_check(in_)
        return in_[..., 1:-1, 1:-1, 0]

    @staticmethod
    def concatenate(arrays: Sequence[torch.Tensor]) -> torch.Tensor:
        """Stack equally shaped tensors (..., M, N) along a new dimension -3."""
        return TorchBackend.concatenate(arrays, -3)


backend = TorchBackend2D
