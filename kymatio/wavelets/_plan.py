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

__all__ = ["AnalysisPlan", "PolyphasePlan", "Matrix2", "LINEAR_MODES", "extension_index",
           "extension_terms", "analysis_plan", "polyphase_plan"]

#: Outputs per band of one window for long signals (larger: fewer, denser products).
BLOCK = 8
#: A signal whose band has at most this many coefficients uses a single window.
SINGLE_WINDOW_MAX = 48


def extension_index(positions: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Source sample of each position of a boundary-extended signal (the modes whose
    extension copies samples: every mode but :data:`LINEAR_MODES`).

    Parameters
    ----------
    positions : ndarray of int
        Positions ``m`` relative to the first sample of the signal (may be negative
        or ``>= n``).
    n : int
        Signal length.
    mode : str
        One of :data:`MODES` outside :data:`LINEAR_MODES`.

    Returns
    -------
    ndarray of int64
        Index into the signal, or ``-1`` for a zero (``'zero'`` mode).
    """
    m = np.asarray(positions, dtype=np.int64)
    if mode == "zero":
        return np.where((m >= 0) & (m < n), m, -1)
    if mode == "symmetric":  # half-sample symmetric: ... x1 x0 | x0 x1 ...
        return _half_sample_index(m, n)
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
    raise ValueError(f"mode must be one of {tuple(m for m in MODES if m not in LINEAR_MODES)}"
                     f", got {mode!r}")


def _half_sample_index(m: np.ndarray, n: int) -> np.ndarray:
    r = np.mod(m, 2 * n)
    return np.where(r < n, r, 2 * n - 1 - r)


#: The modes whose extension combines samples (with signs and weights) rather than
#: copying them: PyWavelets' ``'antisymmetric'`` (``... -x1 -x0 | x0 x1 ...``),
#: ``'antireflect'`` (``... 2 x0 - x1 | x0 x1 ...``, repeated about each new end) and
#: ``'smooth'`` (linear extrapolation of the first and last two samples).
LINEAR_MODES = ("antisymmetric", "antireflect", "smooth")


def extension_terms(positions: np.ndarray, n: int, mode: str
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """A boundary extension as weighted sums of three samples per position (every mode).

    Returns
    -------
    index : ndarray of int64, shape (3, P)
    weights : ndarray of float64, shape (3, P)
        Position ``p`` of the extended signal is ``sum_t weights[t, p] *
        x[index[t, p]]``.
    """
    m = np.asarray(positions, dtype=np.int64)
    index = np.zeros((3,) + m.shape, np.int64)
    weights = np.zeros((3,) + m.shape)
    if mode not in LINEAR_MODES:
        source = extension_index(m, n, mode)
        index[0], weights[0] = np.maximum(source, 0), (source >= 0)
    elif n == 1:  # every mode extends a single sample as a constant
        weights[0] = 1.0 if mode != "antisymmetric" else np.where(np.mod(m, 2) == 0, 1.0, -1.0)
    elif mode == "antisymmetric":  # half-sample, the sign flipping at each reflection
        index[0] = _half_sample_index(m, n)
        weights[0] = np.where(np.mod(m, 2 * n) < n, 1.0, -1.0)
    elif mode == "antireflect":
        # Point reflections about x0 and x[n-1]: within a period of 2 (n - 1) the
        # samples, then their reflections about x[n-1]; each period adds 2 (x[n-1] - x0).
        period = 2 * (n - 1)
        q, r = np.divmod(m, period)
        inside = r < n
        index[0] = np.where(inside, r, period - r)
        weights[0] = np.where(inside, 1.0, -1.0)
        index[1], weights[1] = n - 1, 2.0 * q + np.where(inside, 0.0, 2.0)
        index[2], weights[2] = 0, -2.0 * q
    else:  # smooth: x0 + k (x0 - x1) before the signal, likewise after it
        before, after = m < 0, m >= n
        k = np.where(before, -m, np.where(after, m - (n - 1), 0))
        index[0] = np.where(before, 0, np.where(after, n - 1, m))
        index[1] = np.where(before, 1, np.where(after, n - 2, 0))
        weights[0] = 1.0 + k
        weights[1] = -k
    return index, weights


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
        Gather indices of the extended signal (``None`` in ``'zero'`` mode); in the
        :data:`LINEAR_MODES`, shape ``(3, P)``, the samples of :func:`extension_terms`.
    weights : ndarray or None
        In the :data:`LINEAR_MODES`, the weights ``(3, P)`` of those samples; else
        ``None``.
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
    weights: Any
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
    if mode in ("reflect", "antireflect") and n < 2:
        raise ValueError(f"mode {mode!r} needs signals of length >= 2, got {n}")
    block = out if out <= SINGLE_WINDOW_MAX else BLOCK
    windows = -(-out // block)
    window = 2 * block + f - 2
    positions = np.arange(2 * windows * block + f - 2) + (2 - f + shift)
    index, weights, pad = None, None, (0, 0)
    if mode == "zero":
        pad = (int(-positions[0]), int(positions[-1] - (n - 1)))
    elif mode in LINEAR_MODES:
        index, weights = extension_terms(positions, n, mode)
    else:
        index = extension_index(positions, n, mode)
    taps = np.arange(f)
    lo = np.zeros((window, block))
    hi = np.zeros((window, block))
    for o in range(block):
        lo[2 * o + taps, o] = np.asarray(filters.dec_lo)[::-1]
        hi[2 * o + taps, o] = np.asarray(filters.dec_hi)[::-1]
    return AnalysisPlan(n, out, block, windows, window, index, weights, pad, lo, hi,
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
