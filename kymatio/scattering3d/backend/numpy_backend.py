"""Kymatio 0.3.0's NumPy backend of the 3D harmonic scattering transform:
:class:`NumpyBackend3D` and ``backend`` (the class itself, as upstream).

The transform runs on ``native_backend('numpy')`` of :mod:`kymatio.scattering3d.backend`;
passing ``backend=backend`` (or ``'numpy'``) to a frontend selects it. The primitives here
keep upstream's checks and layouts for code that calls them directly.
"""
from typing import Optional, Sequence

import numpy as np

from ...backend.numpy_backend import NumpyFourierBackend

__all__ = ["NumpyBackend3D", "backend"]


class NumpyBackend3D(NumpyFourierBackend):
    """The primitives of the 3D transform on NumPy arrays: FFTs over the last three
    axes, the rotation-covariant modulus and the integrals of the output."""

    signal_ndim = 3

    @classmethod
    def cdgmm3d(cls, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """Pointwise product of spectra with a filter (see :meth:`cdgmm`)."""
        return cls.cdgmm(A, B)

    @classmethod
    def modulus_rotation(cls, x: np.ndarray, module: Optional[np.ndarray] = None
                         ) -> np.ndarray:
        """``sqrt(module**2 + |x|**2)``: one more term of the rotation-covariant modulus
        ``sqrt(sum_m |x_m|**2)`` (``module`` None for the first term)."""
        modulus = cls.modulus(x)
        power = modulus * modulus
        if module is not None:
            power = power + module * module
        return cls._native.sqrt(power)

    @classmethod
    def compute_integrals(cls, input_array: np.ndarray,
                          integral_powers: Sequence[float]) -> np.ndarray:
        """Sums over all axes but the first of ``input_array ** p`` for each power ``p``.

        Returns
        -------
        ndarray, float32, shape (B, len(integral_powers))
            Rounded to float32, as in Kymatio 0.3.0 (and the NumPy 3D transform).
        """
        flat = cls._native.reshape(input_array, (input_array.shape[0], -1))
        integrals = [cls._native.reduce_sum(flat ** q, axis=1) for q in integral_powers]
        return cls._round_integrals(cls._native.concatenate(integrals, axis=-1))

    @staticmethod
    def _round_integrals(integrals: np.ndarray) -> np.ndarray:
        return integrals.astype(np.float32)

    @classmethod
    def concatenate(cls, arrays: Sequence[np.ndarray], L: int) -> np.ndarray:
        """Stack the per-path arrays (B, ...) on axis 1 and split it into
        ``(n_paths, L + 1)``."""
        S = cls._native.concatenate(arrays, axis=1)
        return cls._native.reshape(S, (S.shape[0], S.shape[1] // (L + 1), L + 1)
                                   + tuple(S.shape[2:]))


backend = NumpyBackend3D
