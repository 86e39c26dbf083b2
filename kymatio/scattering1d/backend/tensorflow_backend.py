"""Kymatio 0.3.0's TensorFlow backend of the 1D scattering transform:
:class:`TensorFlowBackend1D` and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering1d.backend.numpy_backend`) on
TensorFlow tensors. The transform runs on ``native_backend('tensorflow')`` of
:mod:`kymatio.scattering1d.backend`; passing ``backend=backend`` (or ``'tensorflow'``) to a
TensorFlow or Keras frontend selects it.
"""
from ...backend.tensorflow_backend import TensorFlowBackend
from .numpy_backend import NumpyBackend1D

__all__ = ["TensorFlowBackend1D", "backend"]


class TensorFlowBackend1D(TensorFlowBackend, NumpyBackend1D):
    """:class:`~kymatio.scattering1d.backend.numpy_backend.NumpyBackend1D` on TensorFlow's
    primitives."""


backend = TensorFlowBackend1D
