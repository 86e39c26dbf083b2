"""Kymatio 0.3.0's PyTorch backend of the 3D harmonic scattering transform:
:class:`TorchBackend3D` and ``backend`` (the class itself, as upstream).

Complex volumes are real tensors (..., M, N, O, 2), real ones (..., M, N, O, 1), as in
Kymatio 0.3.0 (see :mod:`kymatio.backend.torch_backend`). The transform runs on
``native_backend('torch')`` of :mod:`kymatio.scattering3d.backend`; passing
``backend=backend`` (or ``'torch'``) to a frontend selects it.
"""
from typing import Optional, Sequence

import torch

from ...backend.torch_backend import TorchFourierBackend

__all__ = ["TorchBackend3D", "backend"]


class TorchBackend3D(TorchFourierBackend):
    """The primitives of the 3D transform on torch tensors: FFTs over the three
    dimensions before the last, the rotation-covariant modulus and the integrals."""

    signal_ndim = 3

    @classmethod
    def cdgmm3d(cls, A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        """Pointwise product of spectra with a filter (see :meth:`cdgmm`)."""
        return cls.cdgmm(A, B)

    @staticmethod
    def modulus_rotation(x: torch.Tensor, module: Optional[torch.Tensor] = None
                         ) -> torch.Tensor:
        """``sqrt(module**2 + |x|**2)`` for complex ``x`` (..., 2), as (..., 1): one more
        term of the rotation-covariant modulus (``module`` None for the first term)."""
        power = x.square().sum(-1, keepdim=True)
        if module is not None:
            power = power + module.square()
        return power.sqrt()

    @staticmethod
    def compute_integrals(input_array: torch.Tensor,
                          integral_powers: Sequence[float]) -> torch.Tensor:
        """Sums over all dimensions but the first of ``input_array ** p`` for each power
        ``p``: a tensor (B, len(integral_powers)) of the input's dtype and device."""
        flat = input_array.reshape(input_array.shape[0], -1)
        return torch.stack([(flat ** float(q)).sum(1) for q in integral_powers], dim=-1)

    @staticmethod
    def concatenate(arrays: Sequence[torch.Tensor], L: int) -> torch.Tensor:
        """Stack the per-path tensors (B, ...) on dimension 1 and split it into
        ``(n_paths, L + 1)``."""
        S = torch.stack(tuple(arrays), dim=1)
        return S.reshape((S.shape[0], S.shape[1] // (L + 1), L + 1) + S.shape[2:])


backend = TorchBackend3D
