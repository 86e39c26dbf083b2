"""Kymatio 0.3.0's TensorFlow backend of the 1D scattering transform:
``TensorFlowBackend1D``, the primitives of :mod:`kymatio.scattering1d.backend.numpy_backend`
on TensorFlow tensors, and ``backend`` (the class itself, as upstream), which selects
``native_backend('tensorflow')`` when passed to a TensorFlow or Keras frontend.
"""
from ...backend.tensorflow_backend import TensorFlowBackend
from .numpy_backend import NumpyBackend1D

__all__ = ["TensorFlowBackend1D", "backend"]

backend = TensorFlowBackend1D = TensorFlowBackend.for_transform(NumpyBackend1D, __name__)
