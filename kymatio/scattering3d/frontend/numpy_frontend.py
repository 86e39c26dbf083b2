"""NumPy frontend of the 3D harmonic scattering transform."""
from typing import Dict, Tuple

import numpy as np

from ...frontend.numpy_frontend import ScatteringNumPy
from ..core.scattering3d import prepare_filters
from .base_frontend import ScatteringBase3D

__all__ = ["HarmonicScatteringNumPy3D"]


class HarmonicScatteringNumPy3D(ScatteringNumPy, ScatteringBase3D):
    __doc__ = ScatteringBase3D.__doc__

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        # complex64 filters: float32 inputs run in complex64, float64 in complex128
        self.psi, self.gaussians = filters["psi"], filters.get("gaussians")

    def scattering(self, x: np.ndarray) -> np.ndarray:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : ndarray, shape (..., M, N, O), float32 or float64

        Returns
        -------
        ndarray, float32, shape (..., n_paths, L + 1, Q)
            Computed in the input's precision and rounded to float32, as Kymatio
            0.3.0's NumPy transform returns (the torch transform keeps float64).
        """
        self._check_array(x)
        self._check_spatial_shape(x)
        gaussians = None if self.gaussians is None else self.gaussians.astype(x.dtype)
        S = self._scatter(x, self._prepared_filters(x.dtype), gaussians)
        return S.astype(np.float32, copy=False)

    def _prepared_filters(self, dtype: np.dtype) -> Tuple[np.ndarray, np.ndarray]:
        """:func:`prepare_filters` of ``self.psi`` in the precision of ``dtype``
        (complex128 for float64 inputs), cached while ``self.psi`` is the same array."""
        psi = self.psi.astype(np.result_type(dtype, np.complex64), copy=False)
        cached = self.__dict__.get("_prepared")
        if cached is None or cached[0] is not self.psi or cached[1] != psi.dtype:
            cached = (self.psi, psi.dtype, prepare_filters(psi, self.backend))
            self._prepared = cached
        return cached[2]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_prepared", None)  # rebuilt on demand
        return state
