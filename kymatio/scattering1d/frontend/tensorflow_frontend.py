"""TensorFlow frontend of the 1D scattering transform."""
from typing import Any, Optional, Sequence, Union

import tensorflow as tf

from ...frontend.tensorflow_frontend import ScatteringTensorFlow, with_name_parameter
from .base_frontend import ScatteringBase1D

__all__ = ["ScatteringTensorFlow1D"]


class ScatteringTensorFlow1D(ScatteringTensorFlow, ScatteringBase1D):
    __doc__ = with_name_parameter(ScatteringBase1D.__doc__, "Scattering1D")
    _signal_ndim = 1

    def __init__(self, J: int, shape: Union[int, Sequence[int]],
                 Q: Union[int, Sequence[int]] = 1, T: Optional[float] = None,
                 max_order: int = 2, average: Optional[bool] = None, oversampling: int = 0,
                 out_type: str = "array", backend: Any = None,
                 name: str = "Scattering1D") -> None:
        ScatteringTensorFlow.__init__(self, name)
        ScatteringBase1D.__init__(self, J, shape, Q, T, max_order, average, oversampling,
                                  out_type, backend)
        self._state = self._initial_state()

    def _check_shape(self, x: tf.Tensor) -> None:
        self._check_input(x)

    def _run(self, x: tf.Tensor) -> Any:
        return self._scatter(x, *self._prepared(self._state, x.dtype))
