"""Helpers shared by the training examples and experiments: offline data sets, the
evaluation loop, and the two-phase training harness with its command line
(``python -m kymatio.experiments``)."""
from .._deprecation import moved_names
from .config import ConfigError, ExperimentConfig
from .data import upsampled_digits
from .datasets import ImageData, load_cifar10, load_dataset, load_fashion_mnist
from .engine import accuracy, train_epoch, train_epochs
from .harness import evaluate_checkpoint, load_checkpoint, run_experiment
from .registry import build_model

__all__ = ["upsampled_digits", "accuracy", "train_epoch", "train_epochs", "ExperimentConfig", "ConfigError",
           "ImageData", "load_dataset", "load_fashion_mnist", "load_cifar10", "build_model",
           "run_experiment", "load_checkpoint", "evaluate_checkpoint"]

# The flow-matching pieces lived here until they became kymatio.flow.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms", "simulate_chirps", "sbc_ranks",
     "coverage", "CalibrationSummary", "calibration_summary", "train_flow_matcher",
     "sample_posteriors"), "kymatio.flow"))
