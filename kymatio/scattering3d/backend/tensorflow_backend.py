"""Kymatio 0.3.0's TensorFlow backend of the 3D harmonic scattering transform:
:class:`TensorFlowBackend3D` and ``backend`` (the class itself, as upstream).

The NumPy backend's primitives (:mod:`kymatio.scattering3d.backend.numpy_backend`) on
TensorFlow tensors. The transform runs on ``native_backend('tensorflow')`` of
:mod:`kymatio.scattering3d.backend`; passing ``backend=backend`` (or ``'tensorflow'``) to a
TensorFlow frontend selects it.
"""
from typing import Any

from ...backend.tensorflow_backend import TensorFlowBackend
from .numpy_backend import NumpyBackend3D

__all__ = ["TensorFlowBackend3D", "backend"]


class TensorFlowBackend3D(TensorFlowBackend, NumpyBackend3D):
    """:class:`~kymatio.scattering3d.backend.numpy_backend.NumpyBackend3D` on TensorFlow's
    primitives. As upstream, the integrals keep the input's precision and
    :meth:`cdgmm3d` takes 3D filters only."""

    @staticmethod
    def _round_integrals(integrals: Any) -> Any:
        return integrals

    @classmethod
    def cdgmm3d(cls, A: Any, B: Any) -> Any:
        """Pointwise product of spectra ``A`` (..., M, N, O) with a filter ``B`` (M, N, O)
        (see :meth:`cdgmm`).

        Raises
        ------
        RuntimeError
            If ``B`` is not three-dimensional.
        """
        if len(B.shape) != 3:
            raise RuntimeError(f"The dimension of the second input must be 3 (a filter of "
                               f"shape (M, N, O)), got shape {tuple(B.shape)}.")
        return cls.cdgmm(A, B)


backend = TensorFlowBackend3D
