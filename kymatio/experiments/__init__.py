"""The classification harness: data sets, two-phase training of the classifiers of
:mod:`kymatio.models`, resumable runs, results, studies with confidence intervals and the
command line (``kymatio-experiments``, or ``python -m kymatio.experiments``); and the
training loops behind it, which scripts use as well (:func:`train_epochs`,
:func:`accuracy`, :func:`upsampled_digits`)."""
from .._deprecation import moved_names
from .config import ExperimentConfig
from .datasets import (DATASET_NAMES, ImageData, load_cifar10, load_dataset,
                       load_fashion_mnist, load_image_folder, stratified_indices,
                       upsampled_digits)
from .errors import ConfigError, DataError
from .harness import evaluate_checkpoint, load_checkpoint, run_experiment
from .registry import MODEL_NAMES, MODELS, ModelEntry, build_model
from .study import StudySpec, run_study
from .training import accuracy, crop_flip, evaluate, train_epoch, train_epochs, warmup_cosine

__all__ = ["ExperimentConfig", "ConfigError", "DataError", "MODELS", "MODEL_NAMES",
           "ModelEntry", "build_model", "DATASET_NAMES", "ImageData", "load_dataset",
           "load_fashion_mnist", "load_cifar10", "load_image_folder", "stratified_indices",
           "upsampled_digits", "run_experiment", "load_checkpoint", "evaluate_checkpoint",
           "StudySpec", "run_study", "evaluate", "accuracy", "train_epoch", "train_epochs",
           "warmup_cosine", "crop_flip"]

# The flow-matching pieces lived here until they became kymatio.flow.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms", "simulate_chirps", "sbc_ranks",
     "coverage", "CalibrationSummary", "calibration_summary", "train_flow_matcher",
     "sample_posteriors"), "kymatio.flow"))
