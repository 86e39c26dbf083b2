"""NumPy frontend of the 1D scattering transform."""
from typing import Any

import numpy as np

from ...frontend.numpy_frontend import ScatteringNumPy
from .base_frontend import ScatteringBase1D

__all__ = ["ScatteringNumPy1D"]


class ScatteringNumPy1D(ScatteringNumPy, ScatteringBase1D):
    __doc__ = ScatteringBase1D.__doc__

    def scattering(self, x: np.ndarray) -> Any:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : ndarray
            Signals of shape ``(..., N)``, float32 or float64.

        Returns
        -------
        ndarray, list of dict or dict
            ``(..., C, N_out)`` for ``out_type='array'``, of ``x``'s dtype.
        """
        self._check_array(x)
        self._check_input(x)
        phi, psi1, psi2 = self._cast_filters((self._phi, self._psi1, self._psi2), x.dtype)
        return self._scatter(x, phi, psi1, psi2)
