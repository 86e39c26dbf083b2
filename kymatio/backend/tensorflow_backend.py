"""Kymatio 0.3.0's TensorFlow backend layer: :class:`TensorFlowBackend`, the base of the
1D, 2D and 3D TensorFlow backends at
``kymatio.scattering{1,2,3}d.backend.tensorflow_backend``.

As upstream, these are the NumPy backend classes (:mod:`kymatio.backend.numpy_backend`)
on TensorFlow's native complex tensors: the same checks, exceptions and layouts, the
arithmetic on :mod:`kymatio.backend.native_tensorflow`. They take tensors or NumPy
arrays; the transforms run on ``native_backend('tensorflow')``, which the TensorFlow and
Keras frontends pick by the backend's ``name``.
"""
from typing import Any

import numpy
import tensorflow as tf

from . import native_tensorflow
from .numpy_backend import NumpyBackend

__all__ = ["TensorFlowBackend"]


class TensorFlowBackend(NumpyBackend):
    """Primitives shared by the TensorFlow backends of every dimension (Kymatio 0.3.0's
    ``kymatio.backend.tensorflow_backend.TensorFlowBackend``); every method is a class
    method. Unlike upstream, the FFTs keep double precision (float64 signals give
    complex128 spectra) and real filters multiply complex tensors."""

    name = "tensorflow"
    _native = native_tensorflow
    _array_types = (tf.Tensor, tf.Variable, numpy.ndarray)
    _array_name = "a TensorFlow tensor or NumPy array"
    _conversion = "tf.convert_to_tensor"

    @staticmethod
    def _dtype(x: Any) -> numpy.dtype:
        return numpy.dtype(tf.as_dtype(x.dtype).as_numpy_dtype)
