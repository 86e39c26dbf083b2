"""Helpers of the 3D harmonic scattering transform: test signals, angles, integrals."""
import warnings
from typing import Any, Sequence, Tuple

import numpy as np

__all__ = ["generate_weighted_sum_of_gaussians", "get_3d_angles", "double_factorial",
           "sqrt", "compute_integrals", "power_sums"]


def generate_weighted_sum_of_gaussians(grid: np.ndarray, positions: np.ndarray,
                                       weights: np.ndarray, sigma: float) -> np.ndarray:
    """Volumes made of weighted, normalised 3D Gaussians (e.g. atoms of a molecule).

    Parameters
    ----------
    grid : ndarray, shape (3, M, N, O)
        Coordinates of every voxel.
    positions : ndarray, shape (B, n_points, 3)
        Centres of the Gaussians of each of the ``B`` volumes.
    weights : ndarray, shape (B, n_points)
        Weights of the Gaussians. A zero weight ends a volume's list of points: it and
        every point after it are ignored (padding for volumes with fewer points).
    sigma : float
        Width of every Gaussian.

    Returns
    -------
    ndarray of float64, shape (B, M, N, O)
        ``sum_i w_i exp(-|u - p_i|^2 / (2 sigma^2)) / ((2 pi)^(3/2) sigma^3)``.
    """
    grid = np.asarray(grid)
    positions, weights = np.asarray(positions), np.asarray(weights)
    n_signals, n_points = positions.shape[:2]
    # Points from the first zero weight on are dropped: zeroing their weight adds
    # exact zeros, so the sum is the same as stopping there.
    active = np.cumprod(weights != 0, axis=1).astype(bool)
    weights = np.where(active, weights, 0)
    signals = np.zeros((n_signals,) + grid.shape[1:])
    spatial = (slice(None),) + (None,) * (grid.ndim - 1)
    for i in range(n_points):
        if not active[:, i].any():
            break
        center = positions[:, i]
        squared = ((grid[0] - center[:, 0][spatial]) ** 2
                   + (grid[1] - center[:, 1][spatial]) ** 2
                   + (grid[2] - center[:, 2][spatial]) ** 2)
        signals = signals + weights[:, i][spatial] * np.exp(-0.5 * squared / sigma ** 2)
    return signals / ((2 * np.pi) ** 1.5 * sigma ** 3)


def get_3d_angles(cartesian_grid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Spherical angles of the points of a grid whose first axis holds ``(z, y, x)``.

    Parameters
    ----------
    cartesian_grid : ndarray, shape (3, ...)

    Returns
    -------
    polar : ndarray
        ``arctan2(z, sqrt(x^2 + y^2)) + pi / 2``, in ``[0, pi]``.
    azimuthal : ndarray
        ``arctan2(y, x)``, in ``[-pi, pi]``.
    """
    z, y, x = cartesian_grid
    azimuthal = np.arctan2(y, x)
    polar = np.arctan2(z, sqrt(x ** 2 + y ** 2)) + np.pi / 2
    return polar, azimuthal


def double_factorial(i: int) -> int:
    """``i!! = i (i - 2) (i - 4) ...``, with ``i!! = 1`` for ``i < 1``."""
    return 1 if i < 1 else np.prod(np.arange(i, 0, -2))


def sqrt(x: np.ndarray) -> np.ndarray:
    """Square root that warns only for truly negative real inputs.

    Spurious "invalid value" floating-point warnings (seen with some vectorised math
    libraries on large float32 arrays) are silenced; a ``RuntimeWarning`` is issued
    when a real input holds negative values.

    Parameters
    ----------
    x : ndarray

    Returns
    -------
    ndarray
    """
    if np.isrealobj(x) and (np.asarray(x) < 0).any():
        warnings.warn("Negative value encountered in sqrt", RuntimeWarning, stacklevel=2)
    with np.errstate(invalid="ignore"):
        return np.sqrt(x)


def compute_integrals(input_array: Any, integral_powers: Sequence[float]) -> Any:
    """Integrals of powers of volumes: ``sum_u |x(u)|^p`` for each ``p``.

    Works on NumPy arrays and torch tensors alike.

    Parameters
    ----------
    input_array : array or Tensor, shape (..., M, N, O)
        Non-negative volumes (e.g. scattering moduli).
    integral_powers : sequence of float
        The exponents ``p``.

    Returns
    -------
    array or Tensor, shape (..., len(integral_powers)), of the input's dtype
    """
    sums = power_sums(input_array, integral_powers)
    if isinstance(input_array, np.ndarray):
        return np.stack(sums, axis=-1)
    import torch  # only reached with torch tensors
    return torch.stack(sums, dim=-1)


def power_sums(input_array: Any, integral_powers: Sequence[float]) -> list:
    """``[sum over the last three axes of input_array ** p for p in integral_powers]``.

    Library-agnostic (uses only ``reshape``, ``**`` and ``sum``); the backends stack the
    result with their own ``concatenate``.
    """
    flat = input_array.reshape(tuple(input_array.shape[:-3]) + (-1,))
    return [(flat if q == 1 else flat ** q).sum(-1) for q in integral_powers]
