"""``filtered_squares`` for NumPy arrays: SciPy's unnormalised inverse FFT
(``norm='forward'``: no scaling pass), computed in place over the product."""
from typing import Sequence, Tuple

import numpy as np
import scipy.fft

__all__ = ["filtered_squares"]


def filtered_squares(operand: np.ndarray, filters: np.ndarray,
                     parts: Sequence[Tuple[int, int]]) -> np.ndarray:
    """:meth:`HarmonicBackend.filtered_squares
    <kymatio.scattering3d.backend.harmonic_backend.HarmonicBackend.filtered_squares>` for
    NumPy arrays."""
    W = scipy.fft.ifftn(operand * filters, axes=(-3, -2, -1), norm="forward", workers=-1,
                        overwrite_x=True)
    squares = W.view(W.real.dtype).reshape(W.shape + (2,))
    np.square(squares, out=squares)
    return np.stack([squares[:, a:b].sum(1) for a, b in parts], axis=1)
