"""The interface every classifier of :mod:`kymatio.models` implements: a frontend and a head.

A classifier's **frontend** computes features from images: a scattering transform
(:class:`~kymatio.models.ScatteringClassifier`), spatial scattering blocks
(:class:`~kymatio.models.ScatteringNet`), wavelet tokens and attention blocks
(:class:`~kymatio.models.WaveletTransformer`), patches and attention blocks
(:class:`~kymatio.models.VisionTransformer`). Its **head** maps the features to class
scores. Training in two phases (:mod:`kymatio.experiments`) first fits the head on the
frozen frontend, then both at separate learning rates; the methods below are all it needs.

Every classifier also takes its sizes under the same names: ``image_size`` (``(H, W)``, or
an int for square images), ``in_channels`` and ``num_classes``.
"""
import operator
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Iterable, Iterator, Sequence, Tuple, Union

from torch import nn

__all__ = ["TwoPhaseClassifier", "ImageSize"]

ImageSize = Union[int, Sequence[int]]


def _positive_int(name: str, value: Any) -> int:
    try:
        number = operator.index(value)  # ints and NumPy integers, not floats
    except TypeError:
        number = 0
    if isinstance(value, bool) or number < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return number


def _set_requires_grad(parameters: Iterable[nn.Parameter], flag: bool) -> None:
    for parameter in parameters:
        parameter.requires_grad_(flag)


class TwoPhaseClassifier(nn.Module, ABC):
    """An image classifier made of a frontend and a head (see the module docstring).

    Parameters
    ----------
    image_size : int or tuple of int
        ``(H, W)`` of the images (an int for square images).
    in_channels : int
        Channels of the images.
    num_classes : int
        Number of class scores.

    Attributes
    ----------
    image_size : tuple of int
    in_channels, num_classes : int
    head_first : bool
        Class attribute: whether two-phase training starts with the head alone. True
        when the frontend is a meaningful transform from the start (the scattering
        classifiers); False when it starts random (the transformers), for which the
        harness trains everything from the first epoch.
    """

    head_first: ClassVar[bool] = True

    def __init__(self, image_size: ImageSize, in_channels: int, num_classes: int) -> None:
        super().__init__()
        size = (image_size, image_size) if isinstance(image_size, int) else image_size
        if not isinstance(size, (tuple, list)) or len(size) != 2:
            raise ValueError(f"image_size must be an int or a pair (H, W), got "
                             f"{image_size!r}.")
        self.image_size: Tuple[int, int] = tuple(_positive_int("image_size", s) for s in size)
        self.in_channels = _positive_int("in_channels", in_channels)
        self.num_classes = _positive_int("num_classes", num_classes)

    @abstractmethod
    def frontend_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the frontend (none for a fixed Fourier transform)."""

    @abstractmethod
    def head_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the head (for their own optimizer group)."""

    def freeze_frontend(self) -> None:
        """Stop gradients to the frontend."""
        _set_requires_grad(self.frontend_parameters(), False)

    def unfreeze_frontend(self) -> None:
        """Let gradients reach the frontend again."""
        _set_requires_grad(self.frontend_parameters(), True)

    def freeze_head(self) -> None:
        """Stop gradients to the head."""
        _set_requires_grad(self.head_parameters(), False)

    def unfreeze_head(self) -> None:
        """Let gradients reach the head again."""
        _set_requires_grad(self.head_parameters(), True)
