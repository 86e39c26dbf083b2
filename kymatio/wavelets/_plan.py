"""Shape-dependent plans of the 1D discrete wavelet transform (NumPy, no torch).

A *plan* turns one axis of a PyWavelets-compatible DWT (analysis) into three cheap
tensor operations (the inverse is planned in :mod:`kymatio.wavelets._synthesis`):

1. an *extension*: a gather (or a zero pad) that lays out the boundary-extended
   signal the transform reads;
2. an *unfold* into overlapping windows (a single window for short signals);
3. one small dense matrix product per output band, ``windows @ matrix``.

The matrices are blocks of the banded (Toeplitz) DWT operator, so a product with
them is exactly the strided convolution PyWavelets computes; with one window the
product is the dense operator restricted to the extended signal.

Conventions (those of PyWavelets, checked by the tests against ``pywt.dwt`` and
``pywt.idwt``): for a signal of length ``N`` and filters of length ``F``,

* analysis: ``a[i] = sum_k h[k] x_ext[2 i + 1 - k + s]`` with ``s = 0`` and
  ``L = floor((N + F - 1) / 2)`` outputs, except ``'periodization'``, where
  ``s = F / 2 - 1`` and ``L = ceil(N / 2)`` (an odd signal first repeats its last
  sample);
* synthesis: ``x[n] = sum_i a[i] g[n + c - 2 i] + d[i] g'[n + c - 2 i]`` with
  ``c = F - 2`` and ``2 L - F + 2`` outputs, except ``'periodization'``, where
  ``c = F / 2 - 1``, the coefficients are periodic and there are ``2 L`` outputs.

Two-tap filters (Haar) need none of this when the signal length is even: then
``s = c = 0`` in every mode, no sample outside the signal is read, and each band
is a fixed combination of the two polyphase components ``x[2 i]`` and
``x[2 i + 1]`` (:func:`polyphase_plan`).  Synthesis with two taps never reads
outside the coefficients, whatever their number.
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional, Tuple

import numpy as np

from .filters import MODES, WaveletFilters

__all__ = ["AnalysisPlan", "PolyphasePlan", "Matrix2", "extension_index", "analysis_plan",
           "polyphase_plan"]

#: Outputs per band of one window for long signals (larger: fewer, denser products).
BLOCK = 8
#: A signal whose band has at most this many coefficients uses a single window.
SINGLE_WINDOW_MAX = 48


def extension_index(positions: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Source sample of each position of a boundary-extended signal.

    Parameters
    ----------
    positions : ndarray of int
        Positions ``m`` relative to the first sample of the signal (may be negative
        or ``>= n``).
    n : int
        Signal length.
    mode : str
        One of :data:`MODES`.

    Returns
    -------
    ndarray of int64
        Index into the signal, or ``-1`` for a zero (``'zero'`` mode).
    """
    m = np.asarray(positions, dtype=np.int64)
    if mode == "zero":
        return np.where((m >= 0) & (m < n), m, -1)
    if mode == "symmetric":  # half-sample symmetric: ... x1 x0 | x0 x1 ...
        r = np.mod(m, 2 * n)
        return np.where(r < n, r, 2 * n - 1 - r)
    if mode == "reflect":  # whole-sample symmetric: ... x2 x1 | x0 x1 x2 ...
        if n == 1:
            return np.zeros_like(m)
        r = np.mod(m, 2 * n - 2)
        return np.where(r < n, r, 2 * n - 2 - r)
    if mode == "periodic":
        return np.mod(m, n)
    if mode == "constant":
        return np.clip(m, 0, n - 1)
    if mode == "periodization":  # odd signals repeat their last sample first
        return np.minimum(np.mod(m, n + n % 2), n - 1)
    raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


@dataclass(frozen=True)
class AnalysisPlan:
    """One axis of a DWT: extension, windows and the two band matrices.

    Attributes
    ----------
    n, out : int
        Input length and coefficients per band.
    block, windows, window : int
        Coefficients per band and window, number of windows, window length.
    index : ndarray or None
        Gather indices of the extended signal (``None`` in ``'zero'`` mode).
    pad : tuple of int
        ``(left, right)`` zero padding (``'zero'`` mode; negative crops).
    lo, hi : ndarray, shape (window, block)
        Band matrices (float64).
    both : ndarray, shape (window, 2 * block)
        ``[lo | hi]``.
    """

    n: int
    out: int
    block: int
    windows: int
    window: int
    index: Any
    pad: Tuple[int, int]
    lo: np.ndarray
    hi: np.ndarray
    both: np.ndarray


@lru_cache(maxsize=512)
def analysis_plan(n: int, filters: WaveletFilters, mode: str) -> AnalysisPlan:
    """Plan of one axis of :func:`pywt.dwt` for a signal of length ``n``."""
    f = filters.length
    if mode == "periodization":
        out, shift = (n + 1) // 2, f // 2 - 1
    else:
        out, shift = (n + f - 1) // 2, 0
    if mode == "reflect" and n < 2:
        raise ValueError(f"mode 'reflect' needs signals of length >= 2, got {n}")
    block = out if out <= SINGLE_WINDOW_MAX else BLOCK
    windows = -(-out // block)
    window = 2 * block + f - 2
    positions = np.arange(2 * windows * block + f - 2) + (2 - f + shift)
    index, pad = None, (0, 0)
    if mode == "zero":
        pad = (int(-positions[0]), int(positions[-1] - (n - 1)))
    else:
        index = extension_index(positions, n, mode)
    taps = np.arange(f)
    lo = np.zeros((window, block))
    hi = np.zeros((window, block))
    for o in range(block):
        lo[2 * o + taps, o] = np.asarray(filters.dec_lo)[::-1]
        hi[2 * o + taps, o] = np.asarray(filters.dec_hi)[::-1]
    return AnalysisPlan(n, out, block, windows, window, index, pad, lo, hi,
                        np.concatenate([lo, hi], axis=1))


Matrix2 = Tuple[Tuple[float, float], Tuple[float, float]]


@dataclass(frozen=True)
class PolyphasePlan:
    """One axis of a two-tap DWT as 2 x 2 matrices on polyphase components.

    Attributes
    ----------
    analysis : 2 x 2 tuple
        ``analysis[k][q]`` weighs ``x[2 i + q]`` in coefficient ``i`` of band ``k``
        (0: approximation, 1: detail).
    synthesis : 2 x 2 tuple
        ``synthesis[q][k]`` weighs coefficient ``i`` of band ``k`` in ``x[2 i + q]``.
    """

    analysis: Matrix2
    synthesis: Matrix2

    @staticmethod
    def exact_analysis(n: int) -> bool:
        """Whether a signal of length ``n`` needs no boundary extension (all modes)."""
        return n >= 2 and n % 2 == 0


@lru_cache(maxsize=None)
def polyphase_plan(filters: WaveletFilters) -> Optional[PolyphasePlan]:
    """Polyphase form of a two-tap wavelet (``None`` for longer filters).

    With ``F = 2`` the conventions of the module give ``a[i] = h[1] x[2 i] +
    h[0] x[2 i + 1]`` and ``x[2 i + q] = g[q] a[i] + g'[q] d[i]``.
    """
    if filters.length != 2:
        return None
    dec, rec = (filters.dec_lo, filters.dec_hi), (filters.rec_lo, filters.rec_hi)
    analysis = tuple((float(f[1]), float(f[0])) for f in dec)
    synthesis = tuple((float(rec[0][q]), float(rec[1][q])) for q in range(2))
    return PolyphasePlan(analysis, synthesis)  # type: ignore[arg-type]
