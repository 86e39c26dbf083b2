"""Flow matching on wavelet spectrograms: simulation-based inference of the parameters of
1D signals.

A Morlet :class:`Scalogram` turns each signal into an image, a :class:`ScalogramEncoder`
(symmetric or asymmetric, time-dilated kernels) summarises it, and a
:class:`ContinuousFlowMatcherTime` learns the posterior from simulated pairs
(:func:`train_flow_matcher`). :func:`simulate_chirps` draws gravitational-wave-like chirps;
:func:`calibration_summary` checks the coverage and ranks of posterior samples.
"""
from .calibration import (CalibrationSummary, calibration_summary, coverage,
                          rank_uniformity_pvalues, sbc_ranks)
from .chirps import CHIRP_PRIOR, ChirpPrior, chirp_waveforms, simulate_chirps
from .encoder import KERNEL_TYPES, ResidualBlock2d, ScalogramEncoder
from .matcher import ODE_METHODS, ContinuousFlowMatcherTime
from .scalogram import Scalogram
from .training import sample_posteriors, train_flow_matcher

__all__ = ["Scalogram", "ScalogramEncoder", "ResidualBlock2d", "KERNEL_TYPES",
           "ContinuousFlowMatcherTime", "ODE_METHODS", "train_flow_matcher",
           "sample_posteriors", "ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms",
           "simulate_chirps", "sbc_ranks", "rank_uniformity_pvalues", "coverage",
           "CalibrationSummary", "calibration_summary"]
