"""Calibration checks of posterior samples on held-out simulations.

For simulations ``theta_i ~ prior``, ``x_i ~ p(x | theta_i)`` and samples of an estimated
posterior ``q(theta | x_i)``, a calibrated ``q`` puts the true ``theta_i`` inside its
central ``level`` credible interval a fraction ``level`` of the time (per parameter),
and the rank of ``theta_i`` among the samples is uniform (simulation-based calibration,
Talts et al. 2018). Too narrow posteriors under-cover; too wide ones over-cover.
"""
from dataclasses import dataclass
from typing import Sequence, Tuple, Union

import numpy as np
from scipy import stats

__all__ = ["sbc_ranks", "rank_uniformity_pvalues", "coverage", "CalibrationSummary",
           "calibration_summary"]

# NumPy arrays, nested sequences, or torch tensors (converted through ``.detach()``).
ArrayLike = Union[np.ndarray, Sequence]


def _as_numpy(values: ArrayLike) -> np.ndarray:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64)


def _check(samples: ArrayLike, theta: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    samples, theta = _as_numpy(samples), _as_numpy(theta)
    if theta.ndim == 1:
        theta = theta[:, None]
    if samples.ndim == 2:
        samples = samples[:, :, None]
    if samples.ndim != 3 or theta.ndim != 2:
        raise ValueError("expected samples (n_sims, n_samples, param_dim) and theta (n_sims, "
                         f"param_dim), got {samples.shape} and {theta.shape}")
    if samples.shape[0] != theta.shape[0] or samples.shape[2] != theta.shape[1]:
        raise ValueError(f"samples {samples.shape} and theta {theta.shape} disagree on n_sims or "
                         "param_dim")
    if samples.shape[1] < 2:
        raise ValueError("at least two posterior samples per simulation are needed")
    return samples, theta


def sbc_ranks(samples: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """Rank of each true parameter among its posterior samples.

    Parameters
    ----------
    samples : array_like, shape (n_sims, n_samples, param_dim)
        Posterior samples per simulation (``(n_sims, n_samples)`` for one parameter).
    theta : array_like, shape (n_sims, param_dim)
        True parameters.

    Returns
    -------
    ndarray of int, shape (n_sims, param_dim)
        Number of samples below the true value, in ``[0, n_samples]``; uniform when
        the posterior is calibrated.
    """
    samples, theta = _check(samples, theta)
    return (samples < theta[:, None, :]).sum(axis=1)


def rank_uniformity_pvalues(ranks: np.ndarray, n_samples: int, n_bins: int = 10) -> np.ndarray:
    """Chi-square test p-values of the uniformity of SBC ranks, per parameter.

    Parameters
    ----------
    ranks : ndarray of int, shape (n_sims, param_dim)
        Output of :func:`sbc_ranks`.
    n_samples : int
        Posterior samples per simulation (ranks lie in ``[0, n_samples]``).
    n_bins : int, optional
        Histogram bins (at most ``n_samples + 1``).

    Returns
    -------
    ndarray, shape (param_dim,)
        Small values reject calibration.
    """
    ranks = np.asarray(ranks)
    if ranks.ndim == 1:
        ranks = ranks[:, None]
    n_bins = min(n_bins, n_samples + 1)
    # Scaling by (n_samples + 1) spreads the n_samples + 1 possible ranks evenly.
    bins = np.minimum((ranks * n_bins) // (n_samples + 1), n_bins - 1)
    counts = np.stack([np.bincount(bins[:, d], minlength=n_bins)
                       for d in range(ranks.shape[1])])
    ranks_per_bin = np.diff(np.ceil(np.arange(n_bins + 1) * (n_samples + 1) / n_bins))
    expected = ranks_per_bin / (n_samples + 1) * ranks.shape[0]
    return np.array([stats.chisquare(row, expected).pvalue for row in counts])


def coverage(samples: ArrayLike, theta: ArrayLike,
             levels: Sequence[float] = (0.5, 0.9)) -> np.ndarray:
    """Empirical coverage of central credible intervals.

    The interval of level ``l`` runs between the ``(1 - l) / 2`` and ``(1 + l) / 2``
    quantiles of the samples of each simulation and parameter.

    Parameters
    ----------
    samples : array_like, shape (n_sims, n_samples, param_dim)
        Posterior samples per simulation.
    theta : array_like, shape (n_sims, param_dim)
        True parameters.
    levels : sequence of float, optional
        Nominal levels in ``(0, 1)``.

    Returns
    -------
    ndarray, shape (len(levels), param_dim)
        Fraction of simulations whose true parameter lies in the interval; close to
        ``levels`` when calibrated.
    """
    samples, theta = _check(samples, theta)
    levels = np.asarray(levels, dtype=np.float64)
    if levels.ndim != 1 or np.any(levels <= 0) or np.any(levels >= 1):
        raise ValueError(f"levels must be a sequence of numbers in (0, 1), got {levels}")
    tails = np.stack([(1 - levels) / 2, (1 + levels) / 2], axis=1)
    bounds = np.quantile(samples, tails.ravel(), axis=1).reshape(
        len(levels), 2, *theta.shape)
    inside = (bounds[:, 0] <= theta) & (theta <= bounds[:, 1])
    return inside.mean(axis=1)


@dataclass
class CalibrationSummary:
    """Calibration numbers of one posterior estimator.

    Attributes
    ----------
    levels : ndarray, shape (n_levels,)
        Nominal credible levels.
    coverage : ndarray, shape (n_levels, param_dim)
        Empirical coverage per level and parameter.
    ranks : ndarray of int, shape (n_sims, param_dim)
        SBC ranks.
    rank_pvalues : ndarray, shape (param_dim,)
        Chi-square p-values of rank uniformity.
    """

    levels: np.ndarray
    coverage: np.ndarray
    ranks: np.ndarray
    rank_pvalues: np.ndarray

    def max_coverage_error(self) -> float:
        """Largest absolute difference between empirical and nominal coverage."""
        return float(np.max(np.abs(self.coverage - self.levels[:, None])))

    def is_calibrated(self, tolerance: float = 0.05, alpha: float = 0.001) -> bool:
        """Whether every coverage is within ``tolerance`` of nominal and no rank test
        rejects uniformity at significance ``alpha``."""
        return self.max_coverage_error() <= tolerance and bool(
            np.all(self.rank_pvalues >= alpha))


def calibration_summary(samples: ArrayLike, theta: ArrayLike,
                        levels: Sequence[float] = (0.5, 0.9),
                        n_bins: int = 10) -> CalibrationSummary:
    """Coverage at ``levels``, SBC ranks and rank-uniformity p-values in one go.

    Parameters
    ----------
    samples : array_like, shape (n_sims, n_samples, param_dim)
        Posterior samples per held-out simulation.
    theta : array_like, shape (n_sims, param_dim)
        True parameters.
    levels : sequence of float, optional
        Nominal credible levels.
    n_bins : int, optional
        Bins of the rank histogram.

    Returns
    -------
    CalibrationSummary
    """
    samples, theta = _check(samples, theta)
    ranks = sbc_ranks(samples, theta)
    return CalibrationSummary(levels=np.asarray(levels, dtype=np.float64),
                              coverage=coverage(samples, theta, levels), ranks=ranks,
                              rank_pvalues=rank_uniformity_pvalues(ranks, samples.shape[1],
                                                                   n_bins))
