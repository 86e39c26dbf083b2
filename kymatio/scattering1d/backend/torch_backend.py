"""Kymatio 0.3.0's PyTorch backend of the 1D scattering transform: :class:`TorchBackend1D`
and ``backend`` (the class itself, as upstream).

Complex signals are real tensors (..., N, 2), real signals (..., N, 1), as in Kymatio 0.3.0
(see :mod:`kymatio.backend.torch_backend`). The transform runs on
``native_backend('torch')`` of :mod:`kymatio.scattering1d.backend`; passing
``backend=backend`` (or ``'torch'``) to a frontend selects it.
"""
import torch

from ...backend.torch_backend import TorchFourierBackend
from . import native_backend

__all__ = ["TorchBackend1D", "backend"]


class TorchBackend1D(TorchFourierBackend):
    """The primitives of the 1D transform on torch tensors: FFTs and subsampling along the
    signal dimension (the one before the last), reflect padding and cropping."""

    signal_ndim = 1

    @staticmethod
    def pad(x: torch.Tensor, pad_left: int, pad_right: int) -> torch.Tensor:
        """Reflect-pad signals ``x`` (..., N) along their last dimension; the result is
        a real signal (..., N + pad_left + pad_right, 1).

        Raises
        ------
        ValueError
            If a side is as long as the signal or longer.
        """
        return native_backend("torch").pad(x, pad_left, pad_right)[..., None]

    @classmethod
    def unpad(cls, x: torch.Tensor, i0: int, i1: int) -> torch.Tensor:
        """The samples ``i0 .. i1 - 1`` of a real signal (..., N, 1), as (..., i1 - i0)."""
        cls.real_check(x)
        return x[..., 0][..., i0:i1]


backend = TorchBackend1D
