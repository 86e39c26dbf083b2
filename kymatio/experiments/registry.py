"""The models the harness trains, by name, and how their parameters split into a frontend
and a head."""
import inspect
from typing import Any, Callable, Dict, List, Optional, Tuple

from torch import nn

from ..models import (ExampleLinearClassifier, ScatteringNet, VisionTransformer,
                      WaveletTransformer)
from .config import ConfigError

__all__ = ["build_model", "DEFAULT_MODEL_KWARGS", "split_parameters", "parameter_counts"]

#: Constructor defaults of each model name (``model_kwargs`` override them).
DEFAULT_MODEL_KWARGS: Dict[str, Dict[str, Any]] = {
    "scattering-linear": {"J": 2, "L": 8, "learnable": True},
    "scattering-net": {"n_blocks": 2, "L": 8, "learnable": True},
    "wavelet-transformer": {"preset": "tiny"},
    "vit": {"preset": "tiny"},
}
# Set by the harness from the data; a model_kwargs entry for them is an error.
DATA_KEYS = ("shape", "in_channels", "num_classes", "in_spatial", "nb_classes", "image_size")


def _scattering_linear(size: Tuple[int, int], channels: int, classes: int,
                       **kwargs: Any) -> nn.Module:
    return ExampleLinearClassifier(shape=size, in_channels=channels, num_classes=classes,
                                   **kwargs)


def _scattering_net(size: Tuple[int, int], channels: int, classes: int,
                    **kwargs: Any) -> nn.Module:
    return ScatteringNet(in_channels=channels, in_spatial=size, nb_classes=classes, **kwargs)


def _transformer(cls: type) -> Callable[..., nn.Module]:
    def build(size: Tuple[int, int], channels: int, classes: int, preset: str = "tiny",
              **kwargs: Any) -> nn.Module:
        return cls.from_preset(preset, image_size=size, in_channels=channels,
                               num_classes=classes, **kwargs)
    return build


BUILDERS: Dict[str, Tuple[Callable[..., nn.Module], type]] = {
    "scattering-linear": (_scattering_linear, ExampleLinearClassifier),
    "scattering-net": (_scattering_net, ScatteringNet),
    "wavelet-transformer": (_transformer(WaveletTransformer), WaveletTransformer),
    "vit": (_transformer(VisionTransformer), VisionTransformer),
}


def build_model(name: str, image_size: Tuple[int, int], in_channels: int, num_classes: int,
                **kwargs: Any) -> nn.Module:
    """A model by name, for images of the given size, channels and classes.

    Parameters
    ----------
    name : str
        ``'scattering-linear'`` (:class:`~kymatio.models.ExampleLinearClassifier`),
        ``'scattering-net'`` (:class:`~kymatio.models.ScatteringNet`),
        ``'wavelet-transformer'`` (:class:`~kymatio.models.WaveletTransformer`) or
        ``'vit'`` (:class:`~kymatio.models.VisionTransformer`).
    image_size : tuple of int
        ``(H, W)`` of the images.
    in_channels, num_classes : int
        Channels of the images and number of classes.
    **kwargs
        Constructor arguments, over :data:`DEFAULT_MODEL_KWARGS`; the transformers take
        ``preset`` (``'tiny'``, ``'small'``, ``'base'``) as well.

    Returns
    -------
    nn.Module

    Raises
    ------
    ConfigError
        Unknown name, an argument the data determines, or one the constructor refuses.
    """
    if name not in BUILDERS:
        raise ConfigError(f"model must be one of {', '.join(BUILDERS)}; got {name!r}.")
    clashes = sorted(set(kwargs) & set(DATA_KEYS))
    if clashes:
        raise ConfigError(f"model argument(s) {clashes} are set from the data set; remove "
                          f"them (use --image-size to resize the images).")
    builder, cls = BUILDERS[name]
    arguments = {**DEFAULT_MODEL_KWARGS[name], **kwargs}
    try:
        return builder(tuple(image_size), in_channels, num_classes, **arguments)
    except TypeError as error:
        accepted = [p for p in inspect.signature(cls.__init__).parameters
                    if p not in ("self",) + DATA_KEYS]
        raise ConfigError(f"{name}: {error}. Accepted model arguments: "
                          f"{', '.join(accepted)}.") from error
    except ValueError as error:
        raise ConfigError(f"{name} refused its arguments {arguments}: {error}") from error


def split_parameters(model: nn.Module) -> Optional[Tuple[List[nn.Parameter],
                                                         List[nn.Parameter]]]:
    """``(frontend, head)`` parameters of a model with a separable frontend, else None.

    A model has one when it follows the two-phase interface of
    :class:`~kymatio.models.ScatteringBase` (``scattering``, ``head_parameters``,
    ``freeze_scattering``); the frontend list holds every parameter of ``scattering``,
    frozen or not (empty for a fixed Fourier transform).
    """
    if not all(hasattr(model, name) for name in ("scattering", "head_parameters",
                                                   "freeze_scattering",
                                                   "unfreeze_scattering")):
        return None
    return list(model.scattering.parameters()), list(model.head_parameters())


def parameter_counts(model: nn.Module) -> Dict[str, int]:
    """Numbers of parameters: ``total``, and ``frontend`` / ``head`` when separable."""
    counts = {"total": sum(p.numel() for p in model.parameters())}
    split = split_parameters(model)
    if split is not None:
        counts["frontend"] = sum(p.numel() for p in split[0])
        counts["head"] = sum(p.numel() for p in split[1])
    return counts
