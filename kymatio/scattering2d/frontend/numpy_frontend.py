"""NumPy frontend of the 2D scattering transform."""
from typing import Any, Dict

import numpy as np

from ...frontend.numpy_frontend import ScatteringNumPy
from .base_frontend import ScatteringBase2D

__all__ = ["ScatteringNumPy2D"]


class ScatteringNumPy2D(ScatteringNumPy, ScatteringBase2D):
    __doc__ = ScatteringBase2D.__doc__

    def __init__(self, J: int, shape, L: int = 8, max_order: int = 2, pre_pad: bool = False,
                 backend: Any = None, out_type: str = "array") -> None:
        ScatteringBase2D.__init__(self, J, shape, L, max_order, pre_pad, backend, out_type)
        self.build()
        self.phi, self.psi = self.create_filters()
        self._filters_by_dtype: Dict[np.dtype, tuple] = {}

    def _filters_for(self, dtype: np.dtype) -> tuple:
        """Prepared filters, once per input dtype (float64 filters for float64 inputs)."""
        dtype = self._working_dtype(dtype)
        if dtype not in self._filters_by_dtype:
            self._filters_by_dtype[dtype] = self._prepare_filters(
                [f.astype(dtype) for f in self.phi],
                [[f.astype(dtype) for f in levels] for levels in self.psi])
        return self._filters_by_dtype[dtype]

    def scattering(self, x: np.ndarray) -> Any:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : ndarray
            Images of shape ``(..., M, N)``, float32 or float64.

        Returns
        -------
        ndarray or list of dict
            Coefficients of shape ``(..., K, M / 2**J, N / 2**J)``, or a list of dicts
            if ``out_type='list'``.
        """
        self._check_array(x)
        self._check_spatial_shape(x, "NumPy array")
        return self._scatter(x, *self._filters_for(x.dtype))
