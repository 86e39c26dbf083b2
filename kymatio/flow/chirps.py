"""Simulated gravitational-wave-like chirps in white Gaussian noise.

A compact binary's inspiral, to leading (Newtonian) order, emits a wave whose frequency
rises as a power law of the time left before coalescence, :math:`\\tau = t_c - t`:

.. math::

    f(\\tau) = f_\\mathrm{ref}\\, \\mathcal{M}^{-5/8}\\, \\tau^{-3/8}, \\qquad
    \\phi(\\tau) = -\\frac{16 \\pi}{5} f_\\mathrm{ref}\\, \\mathcal{M}^{-5/8}\\,
    \\tau^{5/8}, \\qquad a(\\tau) \\propto f(\\tau)^{2/3},

with a chirp-mass-like rate :math:`\\mathcal{M}` (heavier: lower frequency at the same
:math:`\\tau`). Time runs over a window of unit duration sampled at ``n_times`` points,
frequencies are in cycles per window; the wave stops at coalescence or when it reaches
``0.4 * n_times`` cycles per window (0.4 cycles per sample, below Nyquist), starts with a
short raised-cosine ramp, and is scaled to a matched-filter signal-to-noise ratio:
its Euclidean norm equals ``snr`` in unit-variance white noise.

Parameters ``theta = (chirp_mass, coalescence_time, snr)`` have the independent uniform
prior :data:`CHIRP_PRIOR`.
"""
from dataclasses import dataclass
from typing import Optional, Tuple, Union

import numpy as np

__all__ = ["ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms", "simulate_chirps"]

SeedLike = Union[int, np.random.Generator, None]

_MAX_FREQUENCY_PER_SAMPLE = 0.4
_ONSET_RAMP = 0.05


@dataclass(frozen=True)
class ChirpPrior:
    """Independent uniform prior over the chirp parameters.

    Parameters
    ----------
    low, high : tuple of float
        Bounds of ``(chirp_mass, coalescence_time, snr)``; the coalescence time is a
        fraction of the window.
    """

    low: Tuple[float, float, float] = (0.5, 0.55, 8.0)
    high: Tuple[float, float, float] = (2.0, 0.9, 20.0)
    names: Tuple[str, str, str] = ("chirp_mass", "coalescence_time", "snr")

    def sample(self, n: int, seed: SeedLike = None) -> np.ndarray:
        """Draw ``n`` parameter vectors.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int or numpy.random.Generator, optional
            Seed or generator.

        Returns
        -------
        ndarray of float64, shape (n, 3)
        """
        rng = np.random.default_rng(seed)
        return rng.uniform(self.low, self.high, size=(n, len(self.low)))

    @property
    def std(self) -> np.ndarray:
        """Prior standard deviation of each parameter, ``(high - low) / sqrt(12)``."""
        return (np.asarray(self.high) - np.asarray(self.low)) / np.sqrt(12.0)


#: The default prior: chirp mass in [0.5, 2], coalescence at 55-90% of the window,
#: signal-to-noise ratio in [8, 20].
CHIRP_PRIOR = ChirpPrior()


def _check_theta(theta: np.ndarray) -> np.ndarray:
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim != 2 or theta.shape[1] != 3:
        raise ValueError("theta must have shape (n, 3) (chirp_mass, coalescence_time, snr), got "
                         f"{theta.shape}")
    if np.any(theta[:, 0] <= 0) or np.any(theta[:, 2] < 0):
        raise ValueError("chirp_mass must be positive and snr non-negative")
    return theta


def chirp_waveforms(theta: np.ndarray, n_times: int = 1024,
                    reference_frequency: float = 12.0) -> np.ndarray:
    """Noiseless chirps for a batch of parameters.

    Parameters
    ----------
    theta : array_like, shape (n, 3)
        ``(chirp_mass, coalescence_time, snr)`` per row.
    n_times : int, optional
        Samples per unit-duration window.
    reference_frequency : float, optional
        :math:`f_\\mathrm{ref}`: frequency (cycles per window) one window before
        coalescence for a chirp mass of 1.

    Returns
    -------
    ndarray of float64, shape (n, n_times)
        Waveforms of Euclidean norm ``snr``.
    """
    theta = _check_theta(theta)
    chirp_mass, coalescence, snr = (theta[:, i:i + 1] for i in range(3))
    t = np.arange(n_times) / n_times
    tau = coalescence - t
    before = tau > 0
    tau = np.where(before, tau, 1.0)  # placeholder where the wave is off
    rate = reference_frequency * chirp_mass ** (-5.0 / 8.0)
    frequency = rate * tau ** (-3.0 / 8.0)
    phase = -16.0 * np.pi / 5.0 * rate * tau ** (5.0 / 8.0)
    on = before & (frequency < _MAX_FREQUENCY_PER_SAMPLE * n_times)
    ramp = np.sin(0.5 * np.pi * np.clip(t / _ONSET_RAMP, 0.0, 1.0)) ** 2
    wave = np.where(on, frequency ** (2.0 / 3.0) * np.cos(phase) * ramp, 0.0)
    norm = np.linalg.norm(wave, axis=1, keepdims=True)
    silent = np.flatnonzero((norm[:, 0] == 0) & (snr[:, 0] > 0))
    if silent.size:
        raise ValueError(
            f"rows {silent[:10].tolist()} of theta give no wave inside the window (so no "
            f"signal at their snr): the coalescence time must be after the first sample (> 0) "
            f"and the chirp must start below {_MAX_FREQUENCY_PER_SAMPLE} cycles per sample (a "
            f"larger chirp_mass or a later coalescence time)")
    return wave * snr / np.maximum(norm, np.finfo(float).tiny)


def simulate_chirps(n: int, n_times: int = 1024, prior: ChirpPrior = CHIRP_PRIOR,
                    seed: SeedLike = None, theta: Optional[np.ndarray] = None,
                    reference_frequency: float = 12.0) -> Tuple[np.ndarray, np.ndarray]:
    """Draw parameters from the prior and simulate noisy chirps.

    Parameters
    ----------
    n : int
        Number of simulations (ignored when ``theta`` is given).
    n_times : int, optional
        Samples per window.
    prior : ChirpPrior, optional
        Prior of the parameters.
    seed : int or numpy.random.Generator, optional
        Seed of the parameters and of the noise.
    theta : array_like, shape (m, 3), optional
        Fixed parameters instead of prior draws.
    reference_frequency : float, optional
        See :func:`chirp_waveforms`.

    Returns
    -------
    theta : ndarray of float32, shape (n, 3)
        Parameters.
    x : ndarray of float32, shape (n, n_times)
        Waveforms plus unit-variance white Gaussian noise.
    """
    rng = np.random.default_rng(seed)
    theta = prior.sample(n, rng) if theta is None else _check_theta(theta)
    waves = chirp_waveforms(theta, n_times, reference_frequency)
    x = waves + rng.standard_normal(waves.shape)
    return theta.astype(np.float32), x.astype(np.float32)
