"""NumPy frontend of the 3D harmonic scattering transform."""
from typing import Dict

import numpy as np

from ...frontend.numpy_frontend import ScatteringNumPy
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
        ndarray, shape (..., n_paths, L + 1, Q), of the input's dtype
        """
        self._check_array(x)
        self._check_spatial_shape(x, "NumPy array")
        return self._scatter(x, self.psi, self.gaussians)
