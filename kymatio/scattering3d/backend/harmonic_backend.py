"""The backend interface of the 3D harmonic scattering transform.

:class:`HarmonicBackend` is a :class:`kymatio.backend.fourier.FourierBackend` over three
axes plus the primitives the 3D transform adds: ``cdgmm3d``, ``modulus_rotation`` and
``compute_integrals``. They use only operations NumPy arrays and torch tensors share.
"""
import importlib
from types import ModuleType
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from ...backend.fourier import FourierBackend
from ..utils import power_sums

__all__ = ["HarmonicBackend"]


class HarmonicBackend(FourierBackend):
    """Primitives of the 3D harmonic scattering transform for one array library.

    Parameters
    ----------
    base : module
        :mod:`kymatio.backend.numpy_backend` or :mod:`kymatio.backend.torch_backend`.
    """

    def __init__(self, base: ModuleType) -> None:
        super().__init__(base, ndim=3)

    def cdgmm3d(self, A: Any, B: Any) -> Any:
        """Pointwise product of spectra ``A`` with filters ``B`` (see ``cdgmm``)."""
        return self.cdgmm(A, B)

    def modulus_squared(self, x: Any) -> Any:
        """``|x|^2`` of a complex array, without the square root."""
        self._base.complex_check(x)
        return x.real ** 2 + x.imag ** 2

    def grouped_power(self, x: Any, groups: Sequence[Tuple[int, int]]) -> Any:
        """Sums of ``|x|^2`` over consecutive groups of the filter axis (axis -4).

        Parameters
        ----------
        x : array, complex, shape (..., K, M, N, O)
        groups : sequence of (start, stop)
            Consecutive slices covering ``range(K)``.

        Returns
        -------
        array, real, shape (..., len(groups), M, N, O)
        """
        self._base.complex_check(x)
        if self.name == "numpy":
            pairs = np.ascontiguousarray(x).view(x.real.dtype)    # (..., K, M, N, 2 O)
            summed = np.add.reduceat(pairs * pairs, [start for start, _ in groups], axis=-4)
        else:
            import torch  # this backend instance wraps torch
            pairs = torch.view_as_real(x)                           # (..., K, M, N, O, 2)
            pairs = (pairs * pairs).flatten(-4)
            membership = torch.zeros((len(groups), x.shape[-4]), dtype=pairs.dtype,
                                     device=pairs.device)
            for row, (start, stop) in enumerate(groups):
                membership[row, start:stop] = 1
            summed = membership @ pairs
        shape = tuple(x.shape[:-4]) + (len(groups),) + tuple(x.shape[-3:]) + (2,)
        return summed.reshape(shape).sum(-1)

    def modulus_rotation(self, x: Any, module: Optional[Any] = None) -> Any:
        """Accumulate the rotation-covariant modulus ``sqrt(sum_m |x_m|^2)``.

        Parameters
        ----------
        x : array, complex
            One more term ``x_m``.
        module : array, real, optional
            The modulus of the terms so far (None for the first term).

        Returns
        -------
        array, real
            ``sqrt(module^2 + |x|^2)``.
        """
        power = self.modulus_squared(x)
        if module is not None:
            power = power + module ** 2
        return power ** 0.5

    def compute_integrals(self, input_array: Any, integral_powers: Sequence[float]) -> Any:
        """Sums over the last three axes of ``input_array ** p`` for each ``p``.

        Parameters
        ----------
        input_array : array, real, shape (..., M, N, O)
        integral_powers : sequence of float

        Returns
        -------
        array, shape (..., len(integral_powers)), of the input's dtype
        """
        return self.concatenate(power_sums(input_array, integral_powers), axis=-1)

    def primitives(self) -> dict:
        """Every primitive by name, for a backend module to export."""
        names = ("cdgmm3d", "modulus_squared", "grouped_power", "modulus_rotation", "compute_integrals")
        return {**super().primitives(), **{n: getattr(self, n) for n in names}}

    def __reduce__(self) -> tuple:
        return (_harmonic_backend_by_name, (self._base.__name__,))

    def __repr__(self) -> str:
        return f"HarmonicBackend(name={self.name!r})"


def _harmonic_backend_by_name(module_name: str) -> HarmonicBackend:
    return HarmonicBackend(importlib.import_module(module_name))
