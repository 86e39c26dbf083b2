"""Configuration of a training run: one dataclass, validated, saved with the results."""
import dataclasses
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Union

from .datasets import DATASET_NAMES
from .errors import ConfigError
from .registry import MODEL_NAMES, check_model_arguments

__all__ = ["ExperimentConfig"]

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class ExperimentConfig:
    """Everything that defines a training run; checked once, when it is made (it is
    immutable: :meth:`replace` makes a checked copy).

    Parameters
    ----------
    model : str
        One of :data:`~kymatio.experiments.registry.MODEL_NAMES`.
    model_kwargs : dict
        Keyword arguments of the model's constructor, over the model's defaults (the image
        size, channels and number of classes come from the data set). For the
        transformers, ``preset`` picks ``'tiny'``, ``'small'`` or ``'base'``.
    dataset : str
        One of :data:`~kymatio.experiments.datasets.DATASET_NAMES`.
    data_dir : str, optional
        Folder of the data set files (Fashion-MNIST idx files, CIFAR-10 python batches).
    image_size : int, optional
        Side the images are resized to (default: the data set's own; 32 for digits).
    train_limit : int, optional
        Keep only this many training images (a seeded random subset), for quick runs.
    val_fraction : float
        Fraction of the training images held out for validation and early stopping.
    epochs_head : int
        Epochs of phase A (frontend frozen, head only); ignored for models whose frontend
        starts random (``head_first`` False: the transformers).
    epochs_joint : int
        Epochs of phase B (everything trainable).
    lr_head : float
        Learning rate of the head in phase A.
    lr_head_joint : float, optional
        Learning rate of the head in phase B (default: ``lr_head``); for models whose
        frontend starts random, the learning rate of every parameter.
    lr_frontend : float
        Learning rate of the model's frontend (:meth:`frontend_parameters
        <kymatio.models.TwoPhaseClassifier.frontend_parameters>`: the scattering filters)
        in phase B.
    weight_decay : float
        AdamW weight decay.
    batch_size : int
        Images per step (per process under ``torchrun``).
    patience : int, optional
        Stop a phase after this many epochs without a better validation accuracy; the
        best state is kept. None: no early stopping.
    keep_best : bool
        End each phase on its best validation state (default), the one its checkpoint
        holds; False keeps (and checkpoints) the state of the last epoch.
    seed : int
        Seed of the split, the initialisation and the shuffling.
    out_dir : str
        Folder of ``results.json`` and the checkpoints.
    device : str
        ``'auto'`` (CUDA when available), ``'cpu'``, ``'cuda'`` or ``'cuda:N'``. Under
        ``torchrun`` every CUDA choice means ``cuda:LOCAL_RANK``: one GPU per process.
    resume : str, optional
        A checkpoint whose model state is loaded before training.
    num_threads : int, optional
        ``torch.set_num_threads`` for the run (None: leave as is).
    progress : bool
        Show tqdm progress bars.
    """

    model: str = "scattering-linear"
    model_kwargs: Dict[str, Any] = field(default_factory=dict)
    dataset: str = "digits"
    data_dir: Optional[str] = None
    image_size: Optional[int] = None
    train_limit: Optional[int] = None
    val_fraction: float = 0.15
    epochs_head: int = 5
    epochs_joint: int = 5
    lr_head: float = 1e-2
    lr_head_joint: Optional[float] = None
    lr_frontend: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 64
    patience: Optional[int] = None
    keep_best: bool = True
    seed: int = 0
    out_dir: str = "runs/run"
    device: str = "auto"
    resume: Optional[str] = None
    num_threads: Optional[int] = None
    progress: bool = True

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> "ExperimentConfig":
        """Check every field; raise :class:`ConfigError` naming the first bad one.

        Returns
        -------
        ExperimentConfig
            ``self``.
        """
        if self.model not in MODEL_NAMES:
            raise ConfigError(f"model must be one of {', '.join(MODEL_NAMES)}; "
                              f"got {self.model!r}.")
        if self.dataset not in DATASET_NAMES:
            raise ConfigError(f"dataset must be one of {', '.join(DATASET_NAMES)}; "
                              f"got {self.dataset!r}.")
        if not isinstance(self.model_kwargs, dict):
            raise ConfigError(f"model_kwargs must be a dict of constructor arguments, "
                              f"got {type(self.model_kwargs).__name__}.")
        check_model_arguments(self.model, self.model_kwargs)
        _check_numeric_types(self)
        _check_int(self, "epochs_head", 0)
        _check_int(self, "epochs_joint", 0)
        _check_int(self, "batch_size", 1)
        _check_int(self, "seed", 0)
        for name in ("patience", "train_limit", "image_size", "num_threads"):
            if getattr(self, name) is not None:
                _check_int(self, name, 1)
        if self.epochs_head + self.epochs_joint == 0:
            raise ConfigError("epochs_head and epochs_joint are both 0: nothing to train; "
                              "give at least one epoch to one of the phases.")
        for name in ("lr_head", "lr_frontend", "weight_decay", "lr_head_joint"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ConfigError(f"{name} must be a non-negative number, got {value!r}.")
        if not 0 < self.val_fraction < 1:
            raise ConfigError(f"val_fraction must be strictly between 0 and 1 (a validation "
                              f"split is needed for early stopping), got {self.val_fraction!r}.")
        if self.device not in DEVICES and not str(self.device).startswith("cuda:"):
            raise ConfigError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', "
                              f"got {self.device!r}.")
        if not self.out_dir:
            raise ConfigError("out_dir is empty: give the folder for results and checkpoints.")
        return self

    @property
    def joint_head_lr(self) -> float:
        """Learning rate of the head in phase B."""
        return self.lr_head if self.lr_head_joint is None else self.lr_head_joint

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a JSON-serialisable dict."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Dict[str, Any]) -> "ExperimentConfig":
        """Build from a dict (as written by :meth:`to_dict`); unknown keys are errors."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys {unknown}; valid keys are "
                              f"{sorted(known)}.")
        return cls(**values)

    @classmethod
    def from_json(cls, path: Union[str, Path]) -> "ExperimentConfig":
        """Read a config from a JSON file (a bare config or a run's ``results.json``)."""
        values = json.loads(Path(path).read_text())
        return cls.from_dict(values.get("config", values))

    def replace(self, **changes: Any) -> "ExperimentConfig":
        """A validated copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _check_numeric_types(config: ExperimentConfig) -> None:
    """Raise :class:`ConfigError` for a numeric field (by its annotation, ``Optional``
    included) holding something else, before any comparison could raise TypeError."""
    for name, hint in typing.get_type_hints(type(config)).items():
        args = typing.get_args(hint)
        optional = type(None) in args
        kind = next(arg for arg in args if arg is not type(None)) if optional else hint
        if kind not in (int, float):
            continue
        value = getattr(config, name)
        if value is None and optional:
            continue
        accepted = (int,) if kind is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, accepted):
            expected = "an integer" if kind is int else "a number"
            raise ConfigError(f"{name} must be {expected}{' or None' if optional else ''}, "
                              f"got {value!r} ({type(value).__name__}).")


def _check_int(config: ExperimentConfig, name: str, minimum: int) -> None:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}.")
