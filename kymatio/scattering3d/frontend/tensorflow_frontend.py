"""TensorFlow frontend of the 3D harmonic scattering transform."""
from typing import Any, Dict, Optional, Sequence

import numpy as np
import tensorflow as tf

from ...frontend.tensorflow_frontend import ScatteringTensorFlow, with_name_parameter
from .base_frontend import _DEFAULT_POWERS, ScatteringBase3D

__all__ = ["HarmonicScatteringTensorFlow3D"]


class HarmonicScatteringTensorFlow3D(ScatteringTensorFlow, ScatteringBase3D):
    __doc__ = with_name_parameter(ScatteringBase3D.__doc__, "HarmonicScattering3D")
    _signal_ndim = 3

    def __init__(self, J: int, shape: Sequence[int], L: int = 3, sigma_0: float = 1,
                 max_order: int = 2, rotation_covariant: bool = True,
                 method: str = "integral", points: Optional[Any] = None,
                 integral_powers: Sequence[float] = _DEFAULT_POWERS, backend: Any = None,
                 name: str = "HarmonicScattering3D") -> None:
        ScatteringTensorFlow.__init__(self, name)
        ScatteringBase3D.__init__(self, J, shape, L, sigma_0, max_order, rotation_covariant,
                                  method, points, integral_powers, backend)

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        self._state = {"psi": filters["psi"]}
        self.gaussians = filters.get("gaussians")  # method='local'

    def _check_shape(self, x: tf.Tensor) -> None:
        self._check_spatial_shape(x)

    def _run(self, x: tf.Tensor) -> Any:
        gaussians = None if self.gaussians is None else tf.constant(
            self.gaussians, dtype=x.dtype)
        return self._scatter(x, self._prepared(self._state, x.dtype), gaussians)
