"""NumPy-specific part of the scattering frontends."""
from typing import Any, Dict

import numpy as np

from .base_frontend import ScatteringBase

__all__ = ["ScatteringNumPy"]


class ScatteringNumPy(ScatteringBase):
    """Base of the NumPy frontends: input checks and calling convention."""

    frontend_name = "numpy"

    def __call__(self, x: np.ndarray) -> Any:
        """Apply the transform; see :meth:`scattering`."""
        return self.scattering(x)

    @staticmethod
    def _check_array(x: Any) -> None:
        if not isinstance(x, np.ndarray):
            raise TypeError(f"The input should be a NumPy array, got {type(x).__name__}; "
                            f"convert it with np.asarray.")
        if not np.issubdtype(x.dtype, np.floating):
            raise TypeError(f"The input should be real floating point (float32 or "
                            f"float64), got dtype {x.dtype}.")

    @staticmethod
    def _working_dtype(dtype: np.dtype) -> np.dtype:
        """The dtype of the filters for inputs of ``dtype``: float32 for half precision
        (and float32), else ``dtype``."""
        return np.result_type(dtype, np.float32)

    @staticmethod
    def _zero_signal(x: np.ndarray) -> np.ndarray:
        return np.zeros((1,) + tuple(x.shape[1:]), dtype=x.dtype)

    def _cast_filters(self, filters: Any, dtype: np.dtype) -> Any:
        """``filters`` (arrays nested in lists/tuples) cast to ``dtype``, computed once
        per dtype: float32 inputs get float32 filters, float64 inputs float64 ones
        (half-precision inputs float32 ones: they are computed in float32)."""
        dtype = self._working_dtype(dtype)
        cache: Dict[np.dtype, Any] = self.__dict__.setdefault("_filters_by_cast", {})
        if dtype not in cache:
            cache[dtype] = _cast_nested(filters, dtype)
        return cache[dtype]


def _cast_nested(filters: Any, dtype: np.dtype) -> Any:
    if isinstance(filters, (list, tuple)):
        return type(filters)(_cast_nested(f, dtype) for f in filters)
    return filters.astype(dtype)
