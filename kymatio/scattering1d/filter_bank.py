"""Morlet wavelets and Gaussian low-pass filters of the 1D scattering transform.

Filters are built directly in the Fourier domain, on the frequency grid of
``np.fft.fftfreq(N)`` (cycles per sample, in ``[0, 1)`` up to periodicity). A Gaussian
of width ``sigma`` centred at ``xi`` is sampled over several periods of that grid and
folded back (periodised), so that wide filters stay smooth across the Nyquist border.

All filters of a bank are computed together, grouped by their number of periods, in
float64 with the same operation order as Kymatio 0.3.0: its filters, and therefore the
transforms' coefficients, are reproduced to the last bit.
"""
import math
import warnings
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.fft import ifft, rfft

__all__ = ["adaptive_choice_P", "periodize_filter_fourier", "morlet_1d", "gauss_1d",
           "compute_sigma_psi", "compute_temporal_support", "get_max_dyadic_subsampling",
           "compute_xi_max", "compute_params_filterbank", "scattering_filter_factory"]

# Upper bound on the number of periods summed to periodise a filter: beyond it the
# Gaussian tails are far below float64 resolution for any width the transform uses.
_MAX_PERIODS = 5


def adaptive_choice_P(sigma: float, eps: float = 1e-7) -> int:
    """Number of periods ``P`` needed to periodise a Gaussian of width ``sigma``.

    The filter is sampled on the frequency interval ``[1 - P, P)`` (``2P - 1`` periods):
    ``P`` is the smallest integer such that a Gaussian ``exp(-w**2 / (2 sigma**2))``
    has decayed below ``eps`` at ``|w| = P - 1``.

    Parameters
    ----------
    sigma : float
        Width of the Gaussian, in cycles per sample.
    eps : float, optional
        Tolerated amplitude at the border of the sampled interval.

    Returns
    -------
    int
    """
    half_width = math.sqrt(-2 * (sigma ** 2) * math.log(eps))
    return int(math.ceil(half_width + 1))


def periodize_filter_fourier(h_f: np.ndarray, nperiods: int = 1) -> np.ndarray:
    """Fold a Fourier filter sampled over ``nperiods`` periods onto one period.

    Averages the ``nperiods`` consecutive blocks of the last axis: in time, this
    subsamples the filter by ``nperiods``.

    Parameters
    ----------
    h_f : ndarray, shape (..., nperiods * N)
        Filter(s) in the Fourier domain.
    nperiods : int, optional
        Number of blocks to average.

    Returns
    -------
    ndarray, shape (..., N)
    """
    size = h_f.shape[-1] // nperiods
    return h_f.reshape(h_f.shape[:-1] + (nperiods, size)).mean(axis=-2)


_FLOAT64_EXPONENT_LIMIT = 700.0


def _fold_gaussians(N: int, centres: np.ndarray, sigmas: np.ndarray,
                    periods: int) -> np.ndarray:
    """Periodised Gaussians ``exp(-(w - xi)**2 / (2 sigma**2))``, one row per filter.

    A zero centre gives a low-pass filter; with a single period its grid is the
    symmetric ``fftfreq`` grid, otherwise ``[1 - P, P)``.
    """
    if periods == 1 and not np.any(centres):
        freqs = np.fft.fftfreq(N)
        exponent = freqs ** 2 / (2 * sigmas[:, None] ** 2)
        return np.exp(-np.minimum(exponent, _FLOAT64_EXPONENT_LIMIT))
    freqs = np.arange((1 - periods) * N, periods * N, dtype=float) / float(N)
    # Each Gaussian is evaluated only where it exceeds exp(-700) ~ 1e-304 (a window of
    # +-37 sigma around its centre on the sorted grid) and is 0 elsewhere: most of a
    # narrow filter's grid is there, and np.exp is slow towards underflow. The window
    # is folded onto one period piece by piece, adding the periods in order as the mean
    # over the periods does (the periods it skips hold zeros): the same sums, bit for
    # bit, without the (filters, (2P - 1) N) array.
    out = np.zeros((len(centres), N))
    reach = np.sqrt(2 * _FLOAT64_EXPONENT_LIMIT) * np.abs(sigmas)
    starts = np.searchsorted(freqs, centres - reach)
    stops = np.searchsorted(freqs, centres + reach, side="right")
    for row, (start, stop) in enumerate(zip(starts, stops)):
        window = freqs[start:stop] - centres[row]
        values = np.exp(-window * window / (2 * sigmas[row] ** 2))
        for period in range(start // N, -(-stop // N)):
            a, b = max(start, period * N), min(stop, (period + 1) * N)
            out[row, a - period * N:b - period * N] += values[a - start:b - start]
    return out / (2 * periods - 1)


def _l1_normalise(filters_f: np.ndarray) -> np.ndarray:
    """Scale each row so that the filter has unit L1 norm in time.

    The filters are real in Fourier, so their impulse responses are Hermitian: the
    moduli of the time samples are those of the half spectrum ``rfft`` gives (twice
    each, but for the bins 0 and ``N / 2``), at half the cost of the whole inverse FFT.
    """
    N = filters_f.shape[-1]
    moduli = np.abs(rfft(filters_f, axis=-1))
    twice = moduli[:, 1:N - N // 2].sum(axis=-1, keepdims=True)
    once = moduli[:, :1] + (moduli[:, -1:] if N % 2 == 0 else 0)
    return filters_f / ((once + 2 * twice) / N)


def _filter_rows(N: int, xis: Sequence[float], sigmas: Sequence[float]) -> np.ndarray:
    """Morlet wavelets (``xi > 0``) and Gaussian low-passes (``xi == 0``), stacked.

    Filters are computed in groups that share a number of periods.
    """
    xis = np.asarray(xis, dtype=float).reshape(-1)
    sigmas = np.asarray(sigmas, dtype=float).reshape(-1)
    out = np.empty((len(xis), N))
    periods = np.array([min(adaptive_choice_P(s), _MAX_PERIODS) for s in sigmas], dtype=int)
    for P in np.unique(periods):
        rows = np.flatnonzero(periods == P)
        filters = _fold_gaussians(N, np.zeros(len(rows)), sigmas[rows], int(P))
        band = xis[rows] != 0
        if band.any():
            gabor = _fold_gaussians(N, xis[rows[band]], sigmas[rows[band]], int(P))
            envelope = filters[band]
            # Subtract the multiple of the envelope that cancels the mean (Morlet).
            gabor -= (gabor[:, :1] / envelope[:, :1]) * envelope
            filters[band] = gabor
        out[rows] = _l1_normalise(filters)
    return out


def morlet_1d(N: int, xi: Optional[float], sigma: float) -> np.ndarray:
    """Fourier transform of a Morlet wavelet (or a Gaussian if ``xi`` is falsy).

    In time, :math:`\\psi(t) = g_\\sigma(t) (e^{i \\xi t} - \\kappa)` with a Gaussian
    envelope :math:`g_\\sigma` and :math:`\\kappa` chosen so that :math:`\\psi` has zero
    mean; the result is normalised to unit L1 norm in time.

    Parameters
    ----------
    N : int
        Number of samples.
    xi : float or None
        Centre frequency in cycles per sample, in ``(0, 1)``; ``None`` or ``0`` gives
        the Gaussian low-pass filter.
    sigma : float
        Width of the filter in frequency.

    Returns
    -------
    ndarray of float64, shape (N,)
        The filter at the frequencies ``np.fft.fftfreq(N)``.
    """
    return _filter_rows(N, [xi or 0.0], [sigma])[0]


def gauss_1d(N: int, sigma: float) -> np.ndarray:
    """Fourier transform of a Gaussian low-pass filter of width ``sigma``.

    Parameters
    ----------
    N : int
        Number of samples.
    sigma : float
        Width in frequency.

    Returns
    -------
    ndarray of float64, shape (N,)
    """
    return morlet_1d(N, xi=None, sigma=sigma)


def compute_sigma_psi(xi: float, Q: int, r: float = math.sqrt(0.5)) -> float:
    """Frequency width of a Morlet wavelet at ``xi`` in a bank of ``Q`` per octave.

    Neighbouring wavelets (a factor ``2**(1/Q)`` apart) then cross at ``r`` times
    their peak amplitude.

    Parameters
    ----------
    xi : float
        Centre frequency, in cycles per sample.
    Q : int
        Wavelets per octave (>= 1).
    r : float, optional
        Crossing amplitude, in ``(0, 1)``.

    Returns
    -------
    float
    """
    ratio = 1. / math.pow(2, 1. / Q)
    spacing = (1 - ratio) / (1 + ratio)
    width_at_r = 1. / math.sqrt(2 * math.log(1. / r))
    return xi * spacing * width_at_r


def compute_temporal_support(h_f: np.ndarray, criterion_amplitude: float = 1e-3) -> int:
    """Half-width in time that holds all but ``criterion_amplitude`` of each filter.

    Returns the smallest ``n`` such that, for every filter, the L1 mass of its
    (centred, symmetric) impulse response beyond ``n`` samples on one side is at most
    ``criterion_amplitude``. If no such ``n`` fits in half the grid, warns and
    returns half the grid size.

    Parameters
    ----------
    h_f : ndarray, shape (n_filters, N) or (N,)
        Filters in the Fourier domain.
    criterion_amplitude : float, optional
        Tolerated L1 mass outside the support.

    Returns
    -------
    int
    """
    h = ifft(np.atleast_2d(h_f), axis=1)
    half = h.shape[1] // 2
    magnitude = np.abs(h)[:, :half]
    # tail[:, n]: L1 mass of the samples n, n+1, ..., half-1
    tail = np.cumsum(magnitude[:, ::-1], axis=1)[:, ::-1]
    inside = np.flatnonzero(np.max(tail, axis=0) <= criterion_amplitude)
    if len(inside) == 0:
        warnings.warn("Signal support is too small to avoid border effects")
        return half
    return int(inside[0]) + 1


def get_max_dyadic_subsampling(xi: float, sigma: float, alpha: float) -> int:
    """Largest ``j`` such that a filter at ``xi`` of width ``sigma`` may be subsampled
    by ``2**j`` without aliasing: its band edge ``xi + alpha * sigma`` stays below
    ``2**-(j + 1)``.

    Parameters
    ----------
    xi, sigma : float
        Centre frequency and width, in cycles per sample.
    alpha : float
        Band edge in units of ``sigma``; larger is more conservative.

    Returns
    -------
    int
    """
    band_edge = min(xi + alpha * sigma, 0.5)
    return int(math.floor(-math.log2(band_edge)) - 1)


def compute_xi_max(Q: int) -> float:
    """Centre frequency of the highest wavelet of a bank with ``Q`` per octave.

    Parameters
    ----------
    Q : int

    Returns
    -------
    float
    """
    return max(1. / (1. + math.pow(2., 3. / Q)), 0.35)


def compute_params_filterbank(sigma_min: float, Q: int, alpha: float,
                              r_psi: float = math.sqrt(0.5)
                              ) -> Tuple[List[float], List[float], List[int]]:
    """Centre frequencies, widths and maximal subsamplings of a Morlet bank.

    Starting at :func:`compute_xi_max`, frequencies and widths shrink geometrically by
    ``2**(1/Q)`` until the width reaches ``sigma_min``; below that "elbow", ``Q - 1``
    wavelets of width ``sigma_min`` are spaced linearly down to zero frequency.

    Parameters
    ----------
    sigma_min : float
        Smallest width allowed.
    Q : int
        Wavelets per octave.
    alpha : float
        Aliasing tolerance of :func:`get_max_dyadic_subsampling`.
    r_psi : float, optional
        Crossing amplitude of neighbouring wavelets.

    Returns
    -------
    xis, sigmas : list of float
    js : list of int
        Highest dyadic subsampling each wavelet allows.
    """
    step = math.pow(2, 1 / Q)
    xi = compute_xi_max(Q)
    sigma = compute_sigma_psi(xi, Q, r=r_psi)
    xis: List[float] = []
    sigmas: List[float] = []
    if sigma <= sigma_min:
        elbow = sigma
    else:
        xis.append(xi)
        sigmas.append(sigma)
        while sigmas[-1] > sigma_min * step:
            xis.append(xis[-1] / step)
            sigmas.append(sigmas[-1] / step)
        elbow = xis[-1]
    for q in range(1, Q):
        xis.append(elbow - q / Q * elbow)
        sigmas.append(sigma_min)
    js = [get_max_dyadic_subsampling(x, s, alpha) for x, s in zip(xis, sigmas)]
    return xis, sigmas, js


def _as_pair(Q: Union[int, Sequence[int]]) -> Tuple[int, int]:
    if isinstance(Q, (tuple, list)):
        return (int(Q[0]), int(Q[1]) if len(Q) > 1 else 1)
    return (int(Q), 1)


def scattering_filter_factory(N: int, J: int, Q: Union[int, Sequence[int]], T: float,
                              r_psi: float = math.sqrt(0.5),
                              max_subsampling: Optional[int] = None, sigma0: float = 0.1,
                              alpha: float = 5., **kwargs) -> Tuple[Dict, List[Dict],
                                                                    List[Dict]]:
    """Fourier filters of a 1D scattering transform on signals of (padded) length N.

    Parameters
    ----------
    N : int
        Padded signal length (a power of two).
    J : int
        Scale: the widest wavelets have a width ``sigma0 / 2**J``.
    Q : int or tuple of int
        Wavelets per octave, ``(Q1, Q2)`` for the first and second orders (an int
        ``Q`` means ``(Q, 1)``).
    T : float
        Width in time of the low-pass filter ``phi`` (its frequency width is
        ``sigma0 / T``).
    r_psi : float, optional
        Crossing amplitude of neighbouring wavelets.
    max_subsampling : int, optional
        Number of subsampled versions (levels) to compute for every filter; by default
        only those the scattering cascade uses.
    sigma0 : float, optional
        Width of the low-pass filter at scale 1.
    alpha : float, optional
        Aliasing tolerance of :func:`get_max_dyadic_subsampling`.
    **kwargs
        Ignored (accepted for compatibility).

    Returns
    -------
    phi_f : dict
        ``{'levels', 'xi': 0, 'sigma', 'j': floor(log2(T))}``; ``levels[k]`` is the
        low-pass filter for signals subsampled by ``2**k`` (length ``N // 2**k``).
    psi1_f, psi2_f : list of dict
        First- and second-order wavelets, by decreasing frequency, each
        ``{'levels', 'xi', 'sigma', 'j'}`` where ``j`` is the largest subsampling the
        wavelet allows. First-order wavelets have one level; second-order ones one
        level per subsampling of the first order they may follow.
    """
    return _filter_bank(N, J, Q, T, r_psi, max_subsampling, sigma0, alpha)[:3]


def _filter_bank(N: int, J: int, Q: Union[int, Sequence[int]], T: float, r_psi: float,
                 max_subsampling: Optional[int], sigma0: float, alpha: float) -> tuple:
    """:func:`scattering_filter_factory`'s ``(phi_f, psi1_f, psi2_f)`` followed by the
    layout of the scattering core (see
    :func:`kymatio.scattering1d.core.scattering1d.stack_filters`): ``phi`` levels,
    ``psi1`` ``(n1, N)``, ``psi2[k]`` (the second-order wavelets with a level ``k``,
    stacked) and ``psi2_rows``. The filters of the dicts are rows of the stacks
    (views), which are computed whole."""
    Q1, Q2 = _as_pair(Q)
    sigma_min = sigma0 / math.pow(2, J)
    xi1s, sigma1s, j1s = compute_params_filterbank(sigma_min, Q1, alpha, r_psi)
    xi2s, sigma2s, j2s = compute_params_filterbank(sigma_min, Q2, alpha, r_psi)
    sigma_low = sigma0 / T
    log2_T = math.floor(math.log2(T))

    rows = _filter_rows(N, list(xi2s) + list(xi1s) + [0.0],
                        list(sigma2s) + list(sigma1s) + [sigma_low])
    psi2_block, psi1_block, phi_row = rows[:len(xi2s)], rows[len(xi2s):-1], rows[-1]

    if max_subsampling is None:
        counts = [max([j1 for j1 in j1s if j1 < j2], default=0) for j2 in j2s]
        phi_count = min(max(j1s + j2s), log2_T)
    else:
        counts, phi_count = [max_subsampling] * len(j2s), max_subsampling
    # max([0] + ...), not max(..., default=0): torch.compile traces the former
    psi2_rows = [[n2 for n2, count in enumerate(counts) if count >= k]
                 for k in range(max([0] + [count + 1 for count in counts]))]
    psi2 = [psi2_block[rows_k] if k == 0 else
            periodize_filter_fourier(psi2_block[rows_k], 2 ** k)
            for k, rows_k in enumerate(psi2_rows)]
    phi = [phi_row] + [periodize_filter_fourier(phi_row, 2 ** k)
                       for k in range(1, phi_count + 1)]

    psi2_f = [{"levels": [psi2[k][psi2_rows[k].index(n2)] for k in range(count + 1)],
               "xi": xi, "sigma": sigma, "j": j2}
              for n2, (xi, sigma, j2, count) in enumerate(zip(xi2s, sigma2s, j2s, counts))]
    psi1_f = [{"levels": [row], "xi": xi, "sigma": sigma, "j": j1}
              for row, xi, sigma, j1 in zip(psi1_block, xi1s, sigma1s, j1s)]
    phi_f = {"levels": phi, "xi": 0, "sigma": sigma_low, "j": log2_T}
    return phi_f, psi1_f, psi2_f, phi, psi1_block, psi2, psi2_rows
