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
from scipy.fft import ifft

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
    # narrow filter's grid is there, and np.exp is slow towards underflow.
    gaussians = np.zeros((len(centres), len(freqs)))
    reach = np.sqrt(2 * _FLOAT64_EXPONENT_LIMIT) * np.abs(sigmas)
    starts = np.searchsorted(freqs, centres - reach)
    stops = np.searchsorted(freqs, centres + reach, side="right")
    for row, (start, stop) in enumerate(zip(starts, stops)):
        window = freqs[start:stop] - centres[row]
        gaussians[row, start:stop] = np.exp(-window * window / (2 * sigmas[row] ** 2))
    return periodize_filter_fourier(gaussians, 2 * periods - 1)


def _l1_normalise(filters_f: np.ndarray) -> np.ndarray:
    """Scale each row so that the filter has unit L1 norm in time."""
    return filters_f / np.abs(ifft(filters_f, axis=-1)).sum(axis=-1, keepdims=True)


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
        lowpass = _fold_gaussians(N, np.zeros(len(rows)), sigmas[rows], int(P))
        filters = lowpass
        band = rows[xis[rows] != 0]
        if len(band):
            local = np.flatnonzero(xis[rows] != 0)
            gabor = _fold_gaussians(N, xis[band], sigmas[band], int(P))
            # Subtract the multiple of the envelope that cancels the mean (Morlet).
            kappa = gabor[:, :1] / lowpass[local, :1]
            filters = lowpass.copy()
            filters[local] = gabor - kappa * lowpass[local]
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
    Q1, Q2 = _as_pair(Q)
    sigma_min = sigma0 / math.pow(2, J)
    xi1s, sigma1s, j1s = compute_params_filterbank(sigma_min, Q1, alpha, r_psi)
    xi2s, sigma2s, j2s = compute_params_filterbank(sigma_min, Q2, alpha, r_psi)
    sigma_low = sigma0 / T
    log2_T = math.floor(math.log2(T))

    rows = _filter_rows(N, list(xi2s) + list(xi1s) + [0.0],
                        list(sigma2s) + list(sigma1s) + [sigma_low])
    psi2_rows, psi1_rows, phi_row = rows[:len(xi2s)], rows[len(xi2s):-1], rows[-1]

    def levels(row: np.ndarray, count: int) -> List[np.ndarray]:
        return [row] + [periodize_filter_fourier(row, 2 ** k) for k in range(1, count + 1)]

    psi2_f = []
    for row, xi, sigma, j2 in zip(psi2_rows, xi2s, sigma2s, j2s):
        if max_subsampling is None:
            count = max([j1 for j1 in j1s if j1 < j2], default=0)
        else:
            count = max_subsampling
        psi2_f.append({"levels": levels(row, count), "xi": xi, "sigma": sigma, "j": j2})
    psi1_f = [{"levels": [row], "xi": xi, "sigma": sigma, "j": j1}
              for row, xi, sigma, j1 in zip(psi1_rows, xi1s, sigma1s, j1s)]
    if max_subsampling is None:
        count = min(max(j1s + j2s), log2_T)
    else:
        count = max_subsampling
    phi_f = {"levels": levels(phi_row, count), "xi": 0, "sigma": sigma_low, "j": log2_T}
    return phi_f, psi1_f, psi2_f
