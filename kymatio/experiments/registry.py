"""The models the harness trains: one list, :data:`MODELS`, from which the names of the
command line and the configuration, the default constructor arguments and the sizes of the
``quick`` command all derive."""
import functools
import inspect
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple, Type

from ..models import (ExampleLinearClassifier, ScatteringNet, ScatteringWideResNet,
                      TwoPhaseClassifier, VisionTransformer, WaveletTransformer, WideResNet)
from ..models.transformer import PresetSizes
from .errors import ConfigError

__all__ = ["ModelEntry", "MODELS", "MODEL_NAMES", "DATA_KEYS", "model_entry",
           "check_model_arguments", "model_arguments", "construct_model", "build_model",
           "parameter_counts"]


@dataclass(frozen=True)
class ModelEntry:
    """A model of the harness.

    Attributes
    ----------
    name : str
        Its name on the command line and in configurations.
    cls : type
        The :class:`~kymatio.models.TwoPhaseClassifier` it builds.
    defaults : dict
        Constructor arguments of a run, unless its ``model_kwargs`` override them.
    quick : dict
        Arguments of the ``quick`` command (over ``defaults``): trains in seconds on a CPU.
    """

    name: str
    cls: Type[TwoPhaseClassifier]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    quick: Mapping[str, Any] = field(default_factory=dict)


#: The models of the harness, in the order of the command line's choices.
MODELS: Tuple[ModelEntry, ...] = (
    ModelEntry("scattering-linear", ExampleLinearClassifier,
               defaults={"J": 2, "L": 8, "learnable": True},
               quick={"J": 1, "L": 2}),
    ModelEntry("scattering-net", ScatteringNet,
               defaults={"n_blocks": 2, "L": 8, "learnable": True},
               quick={"n_blocks": 1, "L": 2, "kernel_size": 3}),
    ModelEntry("scattering-cnn", ScatteringWideResNet,
               defaults={"J": 2, "L": 8, "learnable": True},
               quick={"J": 1, "L": 2}),
    ModelEntry("cnn", WideResNet, defaults={"width": 1, "blocks": 1},
               quick={"width": 1, "blocks": 1}),
    ModelEntry("wavelet-transformer", WaveletTransformer,
               defaults={"preset": "tiny"},
               quick={"embed_dim": 32, "depth": 1, "num_heads": 2, "n_levels": 2,
                      "wavelet": "haar"}),
    ModelEntry("vit", VisionTransformer,
               defaults={"preset": "tiny"},
               quick={"embed_dim": 32, "depth": 1, "num_heads": 2, "patch_size": 4}),
)
#: The names of :data:`MODELS`.
MODEL_NAMES: Tuple[str, ...] = tuple(entry.name for entry in MODELS)
#: Constructor arguments the harness sets from the data set.
DATA_KEYS = ("image_size", "in_channels", "num_classes")
# Their deprecated spellings (ScatteringClassifier's shape, ScatteringNet's in_spatial and
# nb_classes), refused as model arguments too.
_DATA_KEY_ALIASES = ("shape", "in_spatial", "nb_classes")


def model_entry(name: str) -> ModelEntry:
    """The entry of :data:`MODELS` called ``name`` (:class:`ConfigError` if none is)."""
    for entry in MODELS:
        if entry.name == name:
            return entry
    raise ConfigError(f"model must be one of {', '.join(MODEL_NAMES)}; got {name!r}.")


def _accepted_arguments(cls: type) -> List[str]:
    skipped = ("self",) + DATA_KEYS + _DATA_KEY_ALIASES
    accepted = [name for name in inspect.signature(cls.__init__).parameters
                if name not in skipped]
    return accepted + (["preset"] if issubclass(cls, PresetSizes) else [])


def check_model_arguments(name: str, kwargs: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` unless ``kwargs`` are constructor arguments of model
    ``name`` that the data set does not determine."""
    entry = model_entry(name)
    clashes = sorted(set(kwargs) & set(DATA_KEYS + _DATA_KEY_ALIASES))
    if clashes:
        raise ConfigError(f"model argument(s) {clashes} are set from the data set; remove "
                          f"them (use --image-size to resize the images).")
    accepted = _accepted_arguments(entry.cls)
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise ConfigError(f"{name}: unknown model argument(s) {unknown}. Accepted model "
                          f"arguments: {', '.join(accepted)}.")
    for key, value in kwargs.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ConfigError(f"model argument {key}={value!r} must be a finite JSON value "
                              f"(number, string, true/false, null, list, object).") from None


def model_arguments(name: str, overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """The constructor arguments of a run: the entry's defaults, then ``overrides``."""
    return {**model_entry(name).defaults, **overrides}


def construct_model(name: str, image_size: Tuple[int, int], in_channels: int,
                    num_classes: int, arguments: Mapping[str, Any]) -> TwoPhaseClassifier:
    """Model ``name`` from complete constructor ``arguments`` (see :func:`model_arguments`);
    ``preset`` picks a named size of the transformers. A constructor that refuses them
    raises :class:`ConfigError`."""
    cls = model_entry(name).cls
    rest = dict(arguments)
    preset = rest.pop("preset", None)
    factory = cls if preset is None else functools.partial(cls.from_preset, preset)
    try:
        return factory(image_size=tuple(image_size), in_channels=in_channels,
                       num_classes=num_classes, **rest)
    except (TypeError, ValueError, RuntimeError) as error:  # Scattering2D: J too large
        raise ConfigError(f"{name} refused its arguments {dict(arguments)}: {error}") from error


def build_model(name: str, image_size: Tuple[int, int], in_channels: int, num_classes: int,
                **kwargs: Any) -> TwoPhaseClassifier:
    """A model by name, for images of the given size, channels and classes.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`: ``'scattering-linear'``
        (:class:`~kymatio.models.ExampleLinearClassifier`), ``'scattering-net'``
        (:class:`~kymatio.models.ScatteringNet`), ``'scattering-cnn'``
        (:class:`~kymatio.models.ScatteringWideResNet`), ``'cnn'``
        (:class:`~kymatio.models.WideResNet`), ``'wavelet-transformer'``
        (:class:`~kymatio.models.WaveletTransformer`) or ``'vit'``
        (:class:`~kymatio.models.VisionTransformer`).
    image_size : tuple of int
        ``(H, W)`` of the images.
    in_channels, num_classes : int
        Channels of the images and number of classes.
    **kwargs
        Constructor arguments, over the entry's defaults; the transformers take
        ``preset`` (``'tiny'``, ``'small'``, ``'base'``) as well.

    Returns
    -------
    TwoPhaseClassifier

    Raises
    ------
    ConfigError
        Unknown name, an argument the data determines, or one the constructor refuses.
    """
    check_model_arguments(name, kwargs)
    return construct_model(name, image_size, in_channels, num_classes,
                           model_arguments(name, kwargs))


def parameter_counts(model: TwoPhaseClassifier) -> Dict[str, int]:
    """Numbers of parameters: ``total``, ``frontend`` and ``head``."""
    return {"total": sum(p.numel() for p in model.parameters()),
            "frontend": sum(p.numel() for p in model.frontend_parameters()),
            "head": sum(p.numel() for p in model.head_parameters())}
