"""Configuration of a training run: one dataclass, validated, saved with the results."""
import dataclasses
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Union

from .datasets import DATASET_NAMES
from .errors import ConfigError
from .registry import MODEL_NAMES, check_model_arguments
from .run_folder import read_json
from .training import SCHEDULES

__all__ = ["ExperimentConfig", "RUNTIME_FIELDS"]

DEVICES = ("auto", "cpu", "cuda")
#: Fields that say where and how a run executes, not what it computes: a resumed run may
#: change them (a run folder may be moved before it is resumed).
RUNTIME_FIELDS = ("out_dir", "device", "num_threads", "progress")


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
        Folder of the data set files (Fashion-MNIST idx files, CIFAR-10 python batches,
        an image folder with ``train/`` and ``val/``).
    image_size : int, optional
        Side the images are resized to (default: the data set's own; 32 for digits, 64
        for image folders).
    train_size : int or float, optional
        Training images used: a count (int) or a fraction (float in (0, 1]) of those left
        after the validation split, drawn stratified by class (default: all).
    val_fraction : float
        Fraction of the training images held out (stratified) for validation.
    epochs_head : int
        Epochs of phase A (frontend frozen, head only); 0 trains end to end from the
        first step (phase B alone). Ignored for models whose frontend starts random
        (``head_first`` False: the transformers, the CNN on pixels).
    epochs_joint : int
        Epochs of phase B (everything trainable).
    steps_per_epoch : int, optional
        Optimizer steps in an epoch (batches drawn from successive shuffles of the
        training set); default: one pass over the training set. Few labels with a fixed
        number of steps: set it and count the steps as epochs times this.
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
        AdamW weight decay of the head (and of every parameter of the models without
        phase A). The frontend of a scattering model is never decayed: that would shrink
        its filters, or its Morlet widths and frequencies, towards 0.
    batch_size : int
        Images per optimizer step, over all processes: under ``torchrun`` each of the
        ``W`` processes takes ``batch_size / W`` (which must be a whole number >= 2).
    schedule : str
        Learning rate within each phase: ``'constant'`` or ``'cosine'`` (half a cosine
        down to 0 at the phase's last step), both after the warm-up.
    warmup_epochs : int
        Epochs of linear warm-up at the start of each phase.
    augment : bool
        Random translations (up to ``image_size / 8`` pixels) and horizontal flips of the
        training images.
    patience : int, optional
        Stop a phase after this many epochs without a better validation accuracy; the
        best state is kept. None: no early stopping.
    keep_best : bool
        End each phase on its best validation state (default), the one its checkpoint
        holds; False keeps (and checkpoints) the state of the last epoch: fixed epochs,
        evaluated at the end.
    seed : int
        Seed of the split, the subset, the initialisation, the shuffling and the
        augmentation.
    out_dir : str
        Folder of the run's files (``config.json``, ``state.pt``, ``history.csv``,
        ``checkpoint_<phase>.pt``, ``results.json``).
    device : str
        ``'auto'`` (CUDA when available), ``'cpu'``, ``'cuda'`` or ``'cuda:N'``. Under
        ``torchrun`` every CUDA choice means ``cuda:LOCAL_RANK``: one GPU per process.
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
    train_size: Optional[Union[int, float]] = None
    val_fraction: float = 0.15
    epochs_head: int = 5
    epochs_joint: int = 5
    steps_per_epoch: Optional[int] = None
    lr_head: float = 1e-2
    lr_head_joint: Optional[float] = None
    lr_frontend: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 64
    schedule: str = "constant"
    warmup_epochs: int = 0
    augment: bool = False
    patience: Optional[int] = None
    keep_best: bool = True
    seed: int = 0
    out_dir: str = "runs/run"
    device: str = "auto"
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
        _check_types(self)
        if self.model not in MODEL_NAMES:
            raise ConfigError(f"model must be one of {', '.join(MODEL_NAMES)}; "
                              f"got {self.model!r}.")
        if self.dataset not in DATASET_NAMES:
            raise ConfigError(f"dataset must be one of {', '.join(DATASET_NAMES)}; "
                              f"got {self.dataset!r}.")
        if self.schedule not in SCHEDULES:
            raise ConfigError(f"schedule must be one of {', '.join(SCHEDULES)}; "
                              f"got {self.schedule!r}.")
        check_model_arguments(self.model, self.model_kwargs)
        for name in ("epochs_head", "epochs_joint", "seed", "warmup_epochs"):
            _check_minimum(self, name, 0)
        _check_minimum(self, "batch_size", 2)
        for name in ("patience", "image_size", "num_threads", "steps_per_epoch"):
            _check_minimum(self, name, 1)
        if self.epochs_head + self.epochs_joint == 0:
            raise ConfigError("epochs_head and epochs_joint are both 0: nothing to train; "
                              "give at least one epoch to one of the phases.")
        shortest = min(n for n in (self.epochs_head, self.epochs_joint) if n)
        if self.warmup_epochs > shortest:
            raise ConfigError(f"warmup_epochs must be at most the epochs of each phase "
                              f"({shortest}), got {self.warmup_epochs}.")
        for name in ("lr_head", "lr_frontend", "weight_decay", "lr_head_joint"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ConfigError(f"{name} must be a non-negative number, got {value!r}.")
        if not 0 < self.val_fraction < 1:
            raise ConfigError(f"val_fraction must be strictly between 0 and 1 (a validation "
                              f"split is needed), got {self.val_fraction!r}.")
        size = self.train_size
        if size is not None and (size <= 0 or (isinstance(size, float) and size > 1)):
            raise ConfigError(f"train_size must be a count >= 1 (an integer) or a fraction "
                              f"in (0, 1] (a float), got {size!r}.")
        if self.device not in DEVICES and not self.device.startswith("cuda:"):
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
    def from_dict(cls, values: Any) -> "ExperimentConfig":
        """Build from a dict (as written by :meth:`to_dict`); unknown keys are errors."""
        if not isinstance(values, dict):
            raise ConfigError(f"a configuration must be a JSON object of fields, got a "
                              f"{type(values).__name__}.")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys {unknown}; valid keys are "
                              f"{sorted(known)}.")
        return cls(**values)

    @classmethod
    def from_json(cls, path: Union[str, Path]) -> "ExperimentConfig":
        """Read a config from a JSON file (a bare config or a run's ``results.json``)."""
        values = read_json(path, "config")
        if isinstance(values, dict) and isinstance(values.get("config"), dict):
            values = values["config"]
        return cls.from_dict(values)

    def replace(self, **changes: Any) -> "ExperimentConfig":
        """A validated copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", float: "a number",
               dict: "a dict (JSON object)"}


def _accepts(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check_types(config: ExperimentConfig) -> None:
    """Raise :class:`ConfigError` for a field holding a value of another type than its
    annotation (``Optional`` and ``Union`` included), or a non-finite number."""
    for name, hint in typing.get_type_hints(type(config)).items():
        value = getattr(config, name)
        kinds = typing.get_args(hint) if typing.get_origin(hint) is Union else (hint,)
        kinds = tuple(typing.get_origin(k) or k for k in kinds)
        if value is None and type(None) in kinds:
            continue
        if any(_accepts(value, kind) for kind in kinds if kind is not type(None)):
            continue
        expected = " or ".join(_TYPE_NAMES[k] if k is not type(None) else "None"
                               for k in kinds)
        if isinstance(value, float) and not math.isfinite(value):
            expected = f"a finite number ({expected})"
        raise ConfigError(f"{name} must be {expected}, got {value!r} "
                          f"({type(value).__name__}).")


def _check_minimum(config: ExperimentConfig, name: str, minimum: int) -> None:
    value = getattr(config, name)
    if value is not None and value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}.")
