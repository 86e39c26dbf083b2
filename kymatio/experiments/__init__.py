"""The classification harness: data sets, two-phase training of the classifiers of
:mod:`kymatio.models`, results, checkpoints and its command line
(``python -m kymatio.experiments``); and the training loops behind it, which scripts use
as well (:func:`train_epochs`, :func:`accuracy`, :func:`upsampled_digits`)."""
from .._deprecation import moved_names
from .config import ExperimentConfig
from .datasets import (DATASET_NAMES, ImageData, load_cifar10, load_dataset,
                       load_fashion_mnist, upsampled_digits)
from .errors import ConfigError
from .harness import evaluate_checkpoint, load_checkpoint, run_experiment
from .registry import MODEL_NAMES, MODELS, ModelEntry, build_model
from .training import accuracy, evaluate, train_epoch, train_epochs

__all__ = ["ExperimentConfig", "ConfigError", "MODELS", "MODEL_NAMES", "ModelEntry",
           "build_model", "DATASET_NAMES", "ImageData", "load_dataset", "load_fashion_mnist",
           "load_cifar10", "upsampled_digits", "run_experiment", "load_checkpoint",
           "evaluate_checkpoint", "evaluate", "accuracy", "train_epoch", "train_epochs"]

# The flow-matching pieces lived here until they became kymatio.flow.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms", "simulate_chirps", "sbc_ranks",
     "coverage", "CalibrationSummary", "calibration_summary", "train_flow_matcher",
     "sample_posteriors"), "kymatio.flow"))
