"""Morlet and Gabor wavelets for the 2D scattering transform.

The generators work on any grid size, so the Fourier transform (full-size, periodic
filters) and the spatial-convolution frontend (small odd kernels, ``periodic=False``)
share them.

Filters are computed in single precision (complex64 accumulation, float32 Fourier
filters) on purpose: Kymatio 0.3.0 does the same, and reproducing its rounding makes the
float64 transforms agree with it to ~1e-12 instead of ~1e-7.
"""
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from scipy.fft import fft2

__all__ = ["filter_bank", "fourier_filters", "gabor_2d", "morlet_2d",
           "periodize_filter_fft", "periodization_masks", "psi_levels",
           "wavelet_parameters", "lowpass_parameters"]

# Kymatio 0.3.0 normalises Gabor filters with this truncated value of pi. Using np.pi
# would rescale every coefficient by 3e-5 and break drop-in equality.
_PI_COMPAT = 3.1415
# Number of neighbouring periods summed on each side to periodise a spatial filter.
_N_PERIODS = 2


# exp(-x) for x above this is below half the smallest float32 denormal: it rounds to 0.
_UNDERFLOW_EXPONENT = 110.0


def _squared_distance_to_grid(start_x: int, M: int, start_y: int, N: int) -> float:
    """Squared distance from the origin to the grid [start_x, start_x+M) x [start_y, ...)."""
    dx = 0 if start_x <= 0 < start_x + M else min(abs(start_x), abs(start_x + M - 1))
    dy = 0 if start_y <= 0 < start_y + N else min(abs(start_y), abs(start_y + N - 1))
    return float(dx * dx + dy * dy)


def _rotation(theta: float) -> np.ndarray:
    # float32 on purpose: the rounded rotation is part of the compatible filter values.
    cos, sin = np.cos(theta), np.sin(theta)
    return np.array([[cos, -sin], [sin, cos]], np.float32)


def gabor_2d(M: int, N: int, sigma: float, theta: float, xi: float,
             slant: float = 1.0, offset: int = 0, periodic: bool = True) -> np.ndarray:
    """Sample a 2D Gabor filter in space.

    .. math:: g(u) = \\frac{\\mathrm{slant}}{2\\pi\\sigma^2}
              \\exp\\left(-\\frac{u^T R_\\theta D R_\\theta^{-1} u}{2\\sigma^2}
              + i \\xi\\, (u_1\\cos\\theta + u_2\\sin\\theta)\\right),
       \\quad D = \\mathrm{diag}(1, \\mathrm{slant}^2)

    Parameters
    ----------
    M, N : int
        Grid size (rows, columns).
    sigma : float
        Width of the Gaussian envelope, in pixels.
    theta : float
        Orientation of the oscillation, in radians.
    xi : float
        Centre frequency, in radians per pixel.
    slant : float, optional
        Ratio of the envelope's widths along and across ``theta``.
    offset : int, optional
        Coordinate of the first sample; ``offset=-(M // 2)`` centres the filter.
    periodic : bool, optional
        If True (the Fourier transform's case), sum the filter over the neighbouring
        periods of the grid so that it is periodic; if False, sample it once (a compact
        spatial kernel).

    Returns
    -------
    ndarray of complex64, shape (M, N)
    """
    gabor, = _gabor_sums(M, N, sigma, theta, (xi,), slant, offset, periodic)
    return gabor


def _gabor_sums(M: int, N: int, sigma: float, theta: float, xis: Sequence[float],
                slant: float, offset: int, periodic: bool) -> List[np.ndarray]:
    """:func:`gabor_2d` for several centre frequencies sharing one envelope.

    Per period, the envelope ``exp(-quadratic)`` is evaluated once (a real exponential)
    and the oscillation ``exp(i xi (x cos + y sin))`` is the outer product of one factor
    per axis: 4-5x cheaper than the complex exponential of every sample, and equal to it
    to a few float64 ulps, far below the complex64 rounding of the sums.
    """
    curvature = _rotation(theta) @ (np.diag([1.0, slant * slant]) @ _rotation(-theta))
    curvature = curvature / (2 * sigma * sigma)
    shifts = range(-_N_PERIODS, _N_PERIODS + 1) if periodic else (0,)
    # Smallest value of the quadratic form per unit squared distance from the centre.
    min_curvature = np.linalg.eigvalsh((curvature + curvature.T) / 2)[0]
    sums = [np.zeros((M, N), np.complex64) for _ in xis]
    for shift_x in shifts:
        for shift_y in shifts:
            start_x, start_y = offset + shift_x * M, offset + shift_y * N
            if min_curvature * _squared_distance_to_grid(
                    start_x, M, start_y, N) > _UNDERFLOW_EXPONENT:
                continue  # every sample of this period rounds to 0 in complex64
            # Broadcast coordinates: the same per-sample arithmetic as a full grid.
            xx = np.arange(start_x, start_x + M)[:, None]
            yy = np.arange(start_y, start_y + N)[None, :]
            quadratic = (curvature[0, 0] * np.multiply(xx, xx)
                         + (curvature[0, 1] + curvature[1, 0]) * np.multiply(xx, yy)
                         + curvature[1, 1] * np.multiply(yy, yy))
            envelope = np.exp(-quadratic)
            for total, xi in zip(sums, xis):
                if xi == 0:
                    total += envelope
                else:
                    total += envelope * (np.exp(1j * (xx * xi * np.cos(theta)))
                                         * np.exp(1j * (yy * xi * np.sin(theta))))
    for total in sums:
        total /= 2 * _PI_COMPAT * sigma * sigma / slant
    return sums


def morlet_2d(M: int, N: int, sigma: float, theta: float, xi: float,
              slant: float = 0.5, offset: int = 0, periodic: bool = True) -> np.ndarray:
    """Sample a 2D Morlet wavelet in space: a Gabor filter minus the multiple of its
    envelope that makes its mean zero.

    Parameters
    ----------
    M, N, sigma, theta, xi, slant, offset, periodic
        As in :func:`gabor_2d`.

    Returns
    -------
    ndarray of complex64, shape (M, N)
        A filter whose samples sum to zero (up to rounding).
    """
    wave, envelope = _gabor_sums(M, N, sigma, theta, (xi, 0), slant, offset, periodic)
    return wave - (np.sum(wave) / np.sum(envelope)) * envelope


def periodize_filter_fft(x: Any, res: int) -> Any:
    """Fourier filter for a signal subsampled by ``2**res``.

    Frequencies above the new Nyquist band are zeroed and the spectrum is folded
    (aliased) onto a grid ``2**res`` times smaller along each of the last two axes. The
    map is linear and uses only multiplication and slicing, so it also accepts torch
    tensors (and is then differentiable).

    Parameters
    ----------
    x : ndarray or Tensor, shape (..., M, N)
        Fourier-domain filter(s); M and N divisible by ``2**res``.
    res : int
        Resolution level (0 returns a copy).

    Returns
    -------
    ndarray or Tensor, shape (..., M // 2**res, N // 2**res)
    """
    M, N = x.shape[-2:]
    factor = 2 ** res
    m, n = M // factor, N // factor
    rows, cols = periodization_masks(x, res)
    x = x * rows[:, None] * cols
    # Folding block by block, row-major (not reshape+sum), keeps upstream's summation
    # order, so float32 results are bitwise identical to Kymatio 0.3.0's.
    folded = x[..., :m, :n]
    for i in range(factor):
        for k in range(factor):
            if i or k:
                folded = folded + x[..., i * m:(i + 1) * m, k * n:(k + 1) * n]
    return folded


def periodization_masks(x: Any, res: int) -> Tuple[Any, Any]:
    """The band kept by :func:`periodize_filter_fft` along rows and along columns.

    The 2D mask of Kymatio 0.3.0 is separable: multiplying by the row mask, then by the
    column mask, gives the same products (by 0 or 1, exact).

    Parameters
    ----------
    x : ndarray or Tensor, shape (..., M, N)
        The filter(s); the masks are tensors of ``x``'s dtype and device for a torch
        tensor, float32 NumPy arrays otherwise (they multiply arrays of any library).
    res : int
        Resolution level.

    Returns
    -------
    rows, cols : 1D arrays or tensors of 0 and 1, of lengths M and N
    """
    M, N = x.shape[-2:]
    if hasattr(x, "new_ones"):  # a torch tensor
        rows, cols = x.new_ones(M), x.new_ones(N)
    else:
        rows, cols = np.ones(M, np.float32), np.ones(N, np.float32)
    start_x, start_y = int(M * 2 ** (-res - 1)), int(N * 2 ** (-res - 1))
    rows[start_x:start_x + int(M * (1 - 2 ** (-res)))] = 0
    cols[start_y:start_y + int(N * (1 - 2 ** (-res)))] = 0
    return rows, cols


def psi_levels(j: int, J: int) -> int:
    """Number of resolutions ``r`` at which the wavelets of scale ``j`` are used
    (``r`` in ``range(psi_levels(j, J))``): the inputs of scale ``j`` are at
    resolutions ``0 .. j``, and the last scale is only needed at resolution 0."""
    return min(j + 1, max(J - 1, 1))


def wavelet_parameters(j: int, theta: int, L: int) -> Dict[str, float]:
    """Morlet parameters of the wavelet at scale ``j`` and orientation index ``theta``.

    Parameters
    ----------
    j : int
        Scale index (0 is the finest).
    theta : int
        Orientation index in ``range(L)``.
    L : int
        Number of orientations.

    Returns
    -------
    dict
        ``sigma``, ``theta`` (radians), ``xi`` and ``slant``, the arguments of
        :func:`morlet_2d`.
    """
    return {"sigma": 0.8 * 2 ** j,
            "theta": (int(L - L / 2 - 1) - theta) * np.pi / L,
            "xi": 3.0 / 4.0 * np.pi / 2 ** j,
            "slant": 4.0 / L}


def lowpass_parameters(J: int) -> Dict[str, float]:
    """Gabor parameters of the low-pass filter of a transform with ``J`` scales."""
    return {"sigma": 0.8 * 2 ** (J - 1), "theta": 0.0, "xi": 0.0}


def _fourier(spatial: np.ndarray) -> np.ndarray:
    # The wavelets are real in Fourier up to rounding; the imaginary part is dropped.
    return np.real(fft2(spatial))


def fourier_filters(M: int, N: int, J: int, L: int = 8) -> Dict[str, np.ndarray]:
    """The Fourier filters at full resolution (before any periodisation).

    Parameters
    ----------
    M, N, J, L : int
        Signal size, number of scales and of orientations, as in :func:`filter_bank`.

    Returns
    -------
    dict
        ``'phi'``: float32 array ``(M, N)``; ``'psi'``: float32 array ``(J, L, M, N)``,
        the wavelet of scale ``j`` and orientation index ``theta`` at ``[j, theta]``.
    """
    psi = np.stack([_fourier(morlet_2d(M, N, **wavelet_parameters(j, theta, L)))
                    for j in range(J) for theta in range(L)])
    phi = _fourier(gabor_2d(M, N, **lowpass_parameters(J)))
    return {"phi": phi, "psi": psi.reshape((J, L, M, N))}


def filter_bank(M: int, N: int, J: int, L: int = 8) -> Dict[str, object]:
    """Fourier-domain Morlet filter bank of the 2D scattering transform.

    Parameters
    ----------
    M, N : int
        Size of the (padded) signal; divisible by ``2**J``.
    J : int
        Number of scales.
    L : int, optional
        Number of orientations.

    Returns
    -------
    dict
        ``'psi'``: list of ``J * L`` dicts ``{'j', 'theta', 'levels'}`` (scale-major),
        where ``levels[r]`` is the wavelet periodised for a signal subsampled by
        ``2**r`` (float32, shape ``(M // 2**r, N // 2**r)``), for ``r`` in
        ``range(min(j + 1, max(J - 1, 1)))``; ``'phi'``: dict ``{'j': J, 'levels'}``
        with the low-pass filter at resolutions ``0 .. J-1``.
    """
    full = fourier_filters(M, N, J, L)
    psi: List[Dict[str, object]] = [
        {"j": j, "theta": theta,
         "levels": [periodize_filter_fft(full["psi"][j, theta], r)
                    for r in range(psi_levels(j, J))]}
        for j in range(J) for theta in range(L)]
    phi = {"j": J, "levels": [periodize_filter_fft(full["phi"], r) for r in range(J)]}
    return {"phi": phi, "psi": psi}
