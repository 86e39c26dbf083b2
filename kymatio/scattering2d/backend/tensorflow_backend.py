"""Kymatio 0.3.0's TensorFlow backend of the 2D scattering transform: :class:`Pad`,
:class:`TensorFlowBackend2D` and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering2d.backend.numpy_backend`) on
TensorFlow tensors. The transform runs on ``native_backend('tensorflow')`` of
:mod:`kymatio.scattering2d.backend`; passing ``backend=backend`` (or ``'tensorflow'``) to a
TensorFlow or Keras frontend selects it.
"""
from typing import Sequence

import tensorflow as tf

from ...backend.tensorflow_backend import TensorFlowBackend
from . import numpy_backend
from .numpy_backend import NumpyBackend2D

__all__ = ["Pad", "TensorFlowBackend2D", "backend"]


class Pad(numpy_backend.Pad):
    """Reflect padding of the last two axes of a tensor.

    Parameters
    ----------
    pad_size : sequence of 4 int
        ``[top, bottom, left, right]``; a side may be as large as the image (the
        reflection then continues, as NumPy's ``mode='reflect'``).
    input_size : sequence of 2 int
        ``[M, N]``, the size of the images before padding.
    """

    def __init__(self, pad_size: Sequence[int], input_size: Sequence[int]) -> None:
        super().__init__(tf, pad_size, input_size)


class TensorFlowBackend2D(TensorFlowBackend, NumpyBackend2D):
    """:class:`~kymatio.scattering2d.backend.numpy_backend.NumpyBackend2D` on TensorFlow's
    primitives; ``Pad`` is the :class:`Pad` class, as upstream."""

    Pad = Pad


backend = TensorFlowBackend2D
