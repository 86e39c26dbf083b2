"""NumPy-specific part of the scattering frontends."""
from typing import Any

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
