"""TensorFlow-specific part of the scattering frontends: a ``tf.Module`` base.

Inputs are anything ``tf.convert_to_tensor`` accepts (tensors, NumPy arrays); the
transform runs on TensorFlow ops only, eagerly, inside ``tf.function`` and under
``tf.GradientTape``. In a graph whose batch axes have unknown sizes, the batch is
flattened to one axis of unknown size and restored with the dynamic shape.
"""
from typing import Any, Dict

import numpy as np
import tensorflow as tf

from .base_frontend import ScatteringBase, map_arrays

__all__ = ["ScatteringTensorFlow", "with_name_parameter"]


def with_name_parameter(doc: str, default: str) -> str:
    """``doc``, a transform's NumPy-style docstring, with the ``name`` parameter of the
    TensorFlow frontends added at the end of its Parameters section."""
    parameter = (f"    name : str, optional\n        Name of the ``tf.Module`` (default "
                 f"``'{default}'``).\n")
    head, notes, tail = doc.rstrip().partition("\n\n    Notes\n")
    return f"{head}\n{parameter}" + (f"\n    Notes\n{tail}\n" if notes else "")


class ScatteringTensorFlow(tf.Module, ScatteringBase):
    """Base of the TensorFlow frontends: input checks, batch shapes, prepared filters.

    Parameters
    ----------
    name : str
        Name of the ``tf.Module`` (and of its name scope).
    """

    frontend_name = "tensorflow"
    _signal_ndim: int

    def __init__(self, name: str) -> None:
        tf.Module.__init__(self, name=name)
        self._filters_by_dtype: Dict[str, Any] = {}

    def __call__(self, x: Any) -> Any:
        """Apply the transform; see :meth:`scattering`."""
        return self.scattering(x)

    def scattering(self, x: Any) -> Any:
        """Scattering coefficients of ``x`` (a tensor, or anything convertible to one).

        Parameters
        ----------
        x : tf.Tensor or array-like
            Real signals ``(..., *shape)``, float32 or float64.

        Returns
        -------
        tf.Tensor, or a list/dict of them (``out_type``), in ``x``'s precision
        """
        with tf.name_scope("scattering"):
            x = self._as_input(x)
            self._check_shape(x)
            n = self._signal_ndim
            batch = x.shape[:len(x.shape) - n]
            if batch.is_fully_defined():
                return self._run(x)
            # A graph's batch of unknown size: one flat batch axis, restored afterwards.
            dynamic_batch = tf.shape(x)[:len(x.shape) - n]
            out = self._run(tf.reshape(x, [-1] + x.shape[-n:].as_list()))
            return map_arrays(lambda t: tf.reshape(t, tf.concat(
                [dynamic_batch, tf.shape(t)[1:]], 0)) if isinstance(t, tf.Tensor) else t, out)

    def _run(self, x: tf.Tensor) -> Any:
        """The transform of ``x`` (..., *shape) with the filters for its dtype."""
        raise NotImplementedError

    def _check_shape(self, x: tf.Tensor) -> None:
        raise NotImplementedError

    @staticmethod
    def _zero_signal(x: tf.Tensor) -> tf.Tensor:
        """One zero signal ``(1, *x.shape[1:])`` of ``x``'s dtype."""
        return tf.zeros([1] + x.shape[1:].as_list(), x.dtype)

    @staticmethod
    def _as_input(x: Any) -> tf.Tensor:
        try:
            x = tf.convert_to_tensor(x)
        except (TypeError, ValueError):
            raise TypeError(f"The input should be a tf.Tensor or convertible to one (a "
                            f"NumPy array), got {type(x).__name__}.") from None
        if not x.dtype.is_floating:
            raise TypeError(f"The input should be real floating point (float32 or "
                            f"float64), got dtype {x.dtype.name}.")
        return x

    def _prepared(self, state: Dict[str, Any], dtype: tf.DType) -> Any:
        """:meth:`_prepare_state` of ``state`` (NumPy arrays) in ``dtype``'s precision,
        as constant tensors made once per dtype (outside any graph being traced)."""
        if dtype.name not in self._filters_by_dtype:
            with tf.init_scope():
                self._filters_by_dtype[dtype.name] = self._prepare_with_numpy(
                    state, np.dtype(dtype.as_numpy_dtype), tf.constant)
        return self._filters_by_dtype[dtype.name]

