"""The backend interface of the 1D scattering core.

:class:`FourierBackend1D` is a :class:`~kymatio.backend.fourier.FourierBackend` over the
last axis whose padding and cropping take explicit amounts, as in Kymatio 0.3.0's 1D
backends: ``pad(x, pad_left, pad_right)`` and ``unpad(x, i0, i1)``.
"""
import importlib
from typing import Any

from ...backend.fourier import FourierBackend

__all__ = ["FourierBackend1D"]


class FourierBackend1D(FourierBackend):
    """Primitives of the 1D Fourier scattering transform.

    Parameters
    ----------
    base : module
        One of :mod:`kymatio.backend.numpy_backend` or
        :mod:`kymatio.backend.torch_backend`.
    """

    def __init__(self, base: Any) -> None:
        super().__init__(base, ndim=1)
        # The shared cdgmm checks 2D filter shapes; the 1D method below replaces it.
        del self.cdgmm

    def pad(self, x: Any, pad_left: int, pad_right: int) -> Any:
        """Reflect-pad the last axis by ``pad_left`` and ``pad_right`` samples.

        Raises
        ------
        ValueError
            If a side needs at least as many samples as the signal has.
        """
        size = x.shape[-1]
        if pad_left >= size or pad_right >= size:
            raise ValueError(f"Cannot reflect-pad a signal of {size} samples by "
                             f"({pad_left}, {pad_right}): each side must be shorter "
                             f"than the signal.")
        return self.Pad([pad_left, pad_right], [size])(x)

    def cdgmm(self, A: Any, B: Any) -> Any:
        """Multiply complex spectra ``A`` (..., N) by filters ``B`` (..., N), broadcasting
        the leading axes.

        Raises
        ------
        TypeError
            If ``A`` is not complex or ``B`` is neither real nor complex.
        RuntimeError
            If the last axes differ (signal and filter lengths do not match).
        """
        self._base.complex_check(A)
        if not (self._base.is_complex(B) or self._base.is_real(B)):
            raise TypeError(f"The filter should be real or complex, got dtype {B.dtype}.")
        if A.shape[-1] != B.shape[-1]:
            raise RuntimeError(f"The filters are not compatible for multiplication: "
                               f"signal length {A.shape[-1]}, filter length "
                               f"{B.shape[-1]}.")
        if self.name == "torch" and not B.is_complex():
            # A real filter scales real and imaginary parts alike: multiplying the real
            # view avoids casting the filter to complex (half the work, same values).
            import torch
            return torch.view_as_complex(torch.view_as_real(A) * B[..., None])
        return A * B

    def subsample_fourier(self, x: Any, k: int) -> Any:
        """Spectrum of the signal subsampled by ``k`` (``x`` itself when ``k == 1``)."""
        return x if k == 1 else super().subsample_fourier(x, k)

    def unpad(self, x: Any, i0: int, i1: int) -> Any:  # type: ignore[override]
        """The samples ``i0 .. i1 - 1`` of the last axis (a view)."""
        return x[..., i0:i1]

    def primitives(self) -> dict:
        """Every primitive by name (``pad`` and ``unpad`` in their 1D form)."""
        return dict(super().primitives(), pad=self.pad, cdgmm=self.cdgmm)

    @classmethod
    def from_module_name(cls, module_name: str) -> "FourierBackend1D":
        """The backend over the array library module ``module_name``."""
        return cls(importlib.import_module(module_name))

    def __reduce__(self) -> tuple:
        # Rebuilt from the library's module name (pickle, copy, sklearn.clone).
        return (FourierBackend1D.from_module_name, (self._base.__name__,))
