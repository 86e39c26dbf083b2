"""TensorFlow frontend of the 2D scattering transform."""
from typing import Any, Sequence

import tensorflow as tf

from ...frontend.tensorflow_frontend import ScatteringTensorFlow, with_name_parameter
from .base_frontend import ScatteringBase2D

__all__ = ["ScatteringTensorFlow2D"]


class ScatteringTensorFlow2D(ScatteringTensorFlow, ScatteringBase2D):
    __doc__ = with_name_parameter(ScatteringBase2D.__doc__, "Scattering2D")
    _signal_ndim = 2

    def __init__(self, J: int, shape: Sequence[int], L: int = 8, max_order: int = 2,
                 pre_pad: bool = False, backend: Any = None, name: str = "Scattering2D",
                 out_type: str = "array") -> None:
        ScatteringTensorFlow.__init__(self, name)
        ScatteringBase2D.__init__(self, J, shape, L, max_order, pre_pad, backend, out_type)
        self.build()
        self._state = self._initial_state()

    def _check_shape(self, x: tf.Tensor) -> None:
        self._check_spatial_shape(x, "Tensor")

    def _run(self, x: tf.Tensor) -> Any:
        return self._scatter(x, *self._prepared(self._state, x.dtype))
