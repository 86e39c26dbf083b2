"""Solid harmonic wavelets and Gaussians for the 3D harmonic scattering transform.

A solid harmonic wavelet of degree ``l`` and order ``m`` (``-l <= m <= l``) is a
Gaussian times ``|u|^l Y_l^m(u / |u|)``; its Fourier transform has the same form. The
filters are sampled on the FFT grid (origin at index 0) in single precision, as Kymatio
0.3.0 does; reproducing its rounding step by step keeps the float64 transforms equal to
upstream's to ~1e-12 instead of ~1e-7.

Spherical harmonics come from ``scipy.special.sph_harm_y`` (SciPy >= 1.15), or from the
older ``sph_harm`` (its angle arguments swapped) on older SciPy.
"""
from typing import List, Sequence, Tuple

import numpy as np
from scipy.special import factorial

from .utils import double_factorial, get_3d_angles, sqrt

try:
    from scipy.special import sph_harm_y as _sph_harm_y
except ImportError:  # SciPy < 1.15
    from scipy.special import sph_harm as _sph_harm

    def _sph_harm_y(l, m, polar, azimuthal):
        return _sph_harm(m, l, azimuthal, polar)

__all__ = ["solid_harmonic_filter_bank", "gaussian_filter_bank", "gaussian_3d",
           "solid_harmonic_3d", "harmonic_filters"]

_Grid = Tuple[np.ndarray, np.ndarray, np.ndarray]


def _grid(M: int, N: int, O: int, fourier: bool) -> _Grid:
    """Coordinates ``(z, y, x)`` of the sampling grid, as broadcastable float32 axes.

    The origin is at index 0 (``ifftshift`` of ``[-ceil(n/2), floor(n/2))``); in
    Fourier the coordinates are angular frequencies ``2 pi k / n``.
    """
    axes = []
    for n in (M, N, O):
        coords = np.fft.ifftshift(np.arange(-((n + 1) // 2), n - (n + 1) // 2))
        coords = coords.astype(np.float32)
        if fourier:
            coords *= 2 * np.pi / n
        axes.append(coords)
    return axes[0][:, None, None], axes[1][None, :, None], axes[2][None, None, :]


def _squared_norm(grid: _Grid) -> np.ndarray:
    z, y, x = grid
    return (z ** 2 + y ** 2) + x ** 2


def _widths(sigmas: Sequence[float], fourier: bool) -> List[float]:
    """Width of the sampled Gaussian: ``sigma`` in space, ``1 / sigma`` in Fourier."""
    return [1.0 / s if fourier else s for s in sigmas]


def _gaussians(r_square: np.ndarray, widths: Sequence[float]) -> np.ndarray:
    """``exp(-r^2 / (2 w^2))`` for each width, float32, shape (len(widths), M, N, O)."""
    squared_widths = np.array([w ** 2 for w in widths], np.float32)[:, None, None, None]
    return np.exp(-0.5 * r_square / squared_widths)


def _normalisation(l: int, widths: Sequence[float], fourier: bool) -> np.ndarray:
    """Per-width complex factor that normalises the degree-``l`` wavelets."""
    if l % 2 == 0:
        factor = 1. / (2 * np.pi * np.sqrt(l + 0.5) * double_factorial(l + 1))
    else:
        factor = 1. / (2 ** (0.5 * (l + 3)) * np.sqrt(np.pi * (2 * l + 1))
                       * factorial((l + 1) / 2))
    if fourier:
        return np.array([factor * ((2 * np.pi) ** 1.5 * (-1j) ** l)] * len(widths))
    return np.array([factor / w ** 3 for w in widths], np.complex128)


def _spherical_harmonics(l: int, orders: Sequence[int], polar: np.ndarray,
                         azimuthal: np.ndarray) -> np.ndarray:
    """``Y_l^m`` at the given angles for each ``m`` of ``orders``, stacked.

    Only the orders ``|m|`` are evaluated; ``Y_l^{-m} = (-1)^m conj(Y_l^m)``, which is
    how SciPy evaluates negative orders too: the values are the same bit for bit, at
    about half the cost.
    """
    orders = np.asarray(orders)
    evaluated = np.unique(np.abs(orders))
    harmonics = _sph_harm_y(l, evaluated[:, None, None, None], polar, azimuthal)
    harmonics = harmonics[np.searchsorted(evaluated, np.abs(orders))]
    negative = orders < 0
    signs = np.where(orders[negative] % 2, -1.0, 1.0)[:, None, None, None]
    harmonics[negative] = signs * np.conj(harmonics[negative])
    return harmonics


def _solid_harmonics(grid: _Grid, l: int, orders: Sequence[int], sigmas: Sequence[float],
                     fourier: bool, r_square: np.ndarray = None,
                     gaussians: np.ndarray = None) -> np.ndarray:
    """Wavelets of degree ``l``, orders ``orders``, widths ``sigmas``.

    Returns complex64 of shape (len(sigmas), len(orders), M, N, O). ``r_square`` and
    ``gaussians`` (from :func:`_squared_norm`, :func:`_gaussians`) may be passed to
    share them between degrees.
    """
    widths = _widths(sigmas, fourier)
    if r_square is None:
        r_square = _squared_norm(grid)
    if gaussians is None:
        gaussians = _gaussians(r_square, widths)
    gaussians = gaussians.astype(np.complex64)[:, None]
    if l == 0:
        if fourier:
            return gaussians.copy()
        scale = np.array([(2 * np.pi) ** 1.5 * w ** 3 for w in widths], np.complex64)
        return gaussians / scale[:, None, None, None, None]
    radial_scale = np.array([w ** l for w in widths], np.complex64)[:, None, None, None, None]
    polynomial_gaussian = sqrt(r_square ** l) * gaussians / radial_scale
    harmonics = _spherical_harmonics(l, orders, *get_3d_angles(grid))  # (n_orders, M, N, O)
    wavelets = (harmonics * polynomial_gaussian).astype(np.complex64)
    norm = _normalisation(l, widths, fourier)[:, None, None, None, None]
    return (wavelets * norm).astype(np.complex64)


def solid_harmonic_3d(M: int, N: int, O: int, sigma: float, l: int,
                      fourier: bool = True) -> np.ndarray:
    """The ``2l + 1`` solid harmonic wavelets of degree ``l`` and width ``sigma``.

    Parameters
    ----------
    M, N, O : int
        Grid size.
    sigma : float
        Width of the wavelets in space.
    l : int
        Degree; the orders are ``m = -l, ..., l``.
    fourier : bool, optional
        Sample the Fourier transform (default) instead of the spatial wavelet.

    Returns
    -------
    ndarray of complex64, shape (2l + 1, M, N, O)
        Origin at index ``[..., 0, 0, 0]``.
    """
    grid = _grid(M, N, O, fourier)
    return _solid_harmonics(grid, l, range(-l, l + 1), [sigma], fourier)[0]


def gaussian_3d(M: int, N: int, O: int, sigma: float, fourier: bool = True) -> np.ndarray:
    """A 3D Gaussian of width ``sigma``, origin at index 0.

    Parameters
    ----------
    M, N, O : int
        Grid size.
    sigma : float
        Width in space.
    fourier : bool, optional
        If True (default), its Fourier transform ``exp(-sigma^2 |k|^2 / 2)`` (value 1
        at 0); else the spatial Gaussian normalised to unit integral.

    Returns
    -------
    ndarray of float32, shape (M, N, O)
    """
    grid = _grid(M, N, O, fourier)
    (width,) = _widths([sigma], fourier)
    gaussian = _gaussians(_squared_norm(grid), [width])[0]
    if not fourier:
        gaussian /= (2 * np.pi) ** 1.5 * width ** 3
    return gaussian


def gaussian_filter_bank(M: int, N: int, O: int, J: int, sigma_0: float,
                         fourier: bool = True) -> np.ndarray:
    """Gaussians of widths ``sigma_0 * 2**j`` for ``j = 0 .. J``.

    Parameters
    ----------
    M, N, O, fourier
        The grid size and domain, as in :func:`gaussian_3d`.
    J : int
        Largest scale.
    sigma_0 : float
        Width at scale 0.

    Returns
    -------
    ndarray of complex64, shape (J + 1, M, N, O)
    """
    return np.stack([gaussian_3d(M, N, O, sigma_0 * 2 ** j, fourier)
                     for j in range(J + 1)]).astype(np.complex64)


def solid_harmonic_filter_bank(M: int, N: int, O: int, J: int, L: int, sigma_0: float,
                               fourier: bool = True) -> List[np.ndarray]:
    """Solid harmonic wavelets of widths ``sigma_0 * 2**j`` and degrees ``0 .. L``.

    Parameters
    ----------
    M, N, O : int
        Grid size.
    J : int
        Largest scale.
    L : int
        Largest degree.
    sigma_0 : float
        Width at scale 0.
    fourier : bool, optional
        As in :func:`solid_harmonic_3d`.

    Returns
    -------
    list of ndarray
        Element ``l``: complex64 of shape (J + 1, 2l + 1, M, N, O).
    """
    return harmonic_filters(M, N, O, J, L, sigma_0, fourier=fourier, stacked=False)


def harmonic_filters(M: int, N: int, O: int, J: int, L: int, sigma_0: float,
                     rotation_covariant: bool = True, fourier: bool = True,
                     stacked: bool = True):
    """The filters of a transform, with the spherical harmonics computed once for all
    scales.

    Parameters
    ----------
    M, N, O, J, L, sigma_0, fourier
        As in :func:`solid_harmonic_filter_bank`.
    rotation_covariant : bool, optional
        If False only the order ``m = -l`` of each degree is kept (the filter a
        non-covariant transform uses).
    stacked : bool, optional
        If True return one array ``(J + 1, K, M, N, O)`` with ``K`` running over
        ``(l, m)`` (``m`` fastest); else a list over ``l`` of ``(J + 1, n_m, M, N, O)``.

    Returns
    -------
    ndarray or list of ndarray, complex64
    """
    grid = _grid(M, N, O, fourier)
    sigmas = [sigma_0 * 2 ** j for j in range(J + 1)]
    r_square = _squared_norm(grid)
    gaussians = _gaussians(r_square, _widths(sigmas, fourier))
    per_degree = []
    for l in range(L + 1):
        orders = range(-l, l + 1) if rotation_covariant else [-l]
        per_degree.append(_solid_harmonics(grid, l, orders, sigmas, fourier,
                                           r_square, gaussians))
    return np.concatenate(per_degree, axis=1) if stacked else per_degree
