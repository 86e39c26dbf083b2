"""Small Wide-ResNet-style convolutional networks: a CNN on pixels (:class:`WideResNet`)
and the same kind of network on scattering coefficients (:class:`ScatteringWideResNet`),
the pair Parametric Scattering Networks (Gauthier et al. 2022) compares, sized for a CPU.

Both are stacks of pre-activation residual blocks (batch norm, ReLU, 3x3 convolution,
twice, with a 1x1 projection on the shortcut when the shape changes; Zagoruyko and
Komodakis 2016), then batch norm, ReLU, global average pooling and a linear layer. On
pixels the stages have ``16 k``, ``32 k``, ``64 k`` channels at full, half and quarter
resolution; on a scattering of ``J = 2`` (already at a quarter of the resolution) the
first stage is left out: ``32 k`` then ``64 k`` channels.
"""
from typing import Iterator, Optional, Sequence

import torch
from torch import nn

from ..frontend.memory import check_parameters
from .scattering_classifier import ScatteringClassifier
from .two_phase import ImageSize, TwoPhaseClassifier, _positive_int

__all__ = ["ResidualBlock", "wide_resnet_stages", "WideResNet", "ScatteringWideResNet"]


class ResidualBlock(nn.Module):
    """A pre-activation residual block: ``x + conv(relu(bn(conv(relu(bn(x))))))``.

    Parameters
    ----------
    in_channels, out_channels : int
    stride : int, optional
        Of the first convolution (and of the projection shortcut).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.shortcut = None if in_channels == out_channels and stride == 1 else \
            nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = torch.relu(self.norm1(x))
        y = self.conv2(torch.relu(self.norm2(self.conv1(activated))))
        return y + (x if self.shortcut is None else self.shortcut(activated))


def _check_stages(subject: str, in_channels: int, widths: Sequence[int], blocks: int,
                  num_classes: int) -> None:
    """Refuse (:class:`~kymatio.frontend.memory.MemoryBudgetError`) stages whose weights
    alone exceed the memory limit, before they are allocated."""
    counts, channels = {"stem": 9 * in_channels * widths[0]}, widths[0]
    for stage, width in enumerate(widths):
        shortcut = channels * width if channels != width else 0
        counts[f"stage {stage + 1}"] = (9 * channels * width + shortcut
                                        + (2 * blocks - 1) * 9 * width * width)
        channels = width
    counts["linear head"] = (widths[-1] + 1) * num_classes
    check_parameters(subject, counts, "lower width or blocks")


def wide_resnet_stages(in_channels: int, widths: Sequence[int], strides: Sequence[int],
                       blocks: int = 1) -> nn.Sequential:
    """A 3x3 stem convolution to ``widths[0]`` channels, one stage of ``blocks`` residual
    blocks per width (its first block with the stage's stride), then batch norm, ReLU,
    global average pooling and flattening: ``(B, in_channels, H, W)`` to
    ``(B, widths[-1])``."""
    layers = [nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False)]
    channels = widths[0]
    for width, stride in zip(widths, strides):
        for index in range(blocks):
            layers.append(ResidualBlock(channels, width, stride if index == 0 else 1))
            channels = width
    layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers)


class WideResNet(TwoPhaseClassifier):
    """A Wide-ResNet-style CNN on pixels: the baseline of the scattering models.

    Parameters
    ----------
    image_size : int or tuple of int
        ``(H, W)`` of the images.
    in_channels, num_classes : int
    width : int, optional
        Widening factor ``k``: stages of ``16 k``, ``32 k``, ``64 k`` channels (default 1).
    blocks : int, optional
        Residual blocks per stage (default 1).

    Attributes
    ----------
    features : nn.Sequential
        The frontend (:func:`wide_resnet_stages`).
    classifier : nn.Linear
        The head.
    """

    head_first = False  # the convolutions start random: trained with the head

    def __init__(self, image_size: ImageSize, in_channels: int, num_classes: int,
                 width: int = 1, blocks: int = 1) -> None:
        super().__init__(image_size, in_channels, num_classes)
        self.width, self.blocks = _positive_int("width", width), _positive_int("blocks", blocks)
        widths = [16 * width, 32 * width, 64 * width]
        _check_stages(type(self).__name__, in_channels, widths, blocks, num_classes)
        self.features = wide_resnet_stages(in_channels, widths, (1, 2, 2), blocks)
        self.classifier = nn.Linear(widths[-1], num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(B, num_classes)`` of images ``(B, in_channels, H, W)``."""
        return self.classifier(self.features(x))

    def frontend_parameters(self) -> Iterator[nn.Parameter]:
        """The convolutions and their batch normalisations."""
        return self.features.parameters()

    def head_parameters(self) -> Iterator[nn.Parameter]:
        """The final linear layer."""
        return self.classifier.parameters()

    def extra_repr(self) -> str:
        return (f"image_size={self.image_size}, in_channels={self.in_channels}, "
                f"num_classes={self.num_classes}, width={self.width}, blocks={self.blocks}")


class ScatteringWideResNet(ScatteringClassifier):
    """A 2D scattering transform followed by a Wide-ResNet-style CNN (the head).

    The coefficient maps of every image channel are stacked as ``in_channels * K``
    channels, batch-normalised per map, and fed to :func:`wide_resnet_stages` with
    stages of ``32 k`` and ``64 k`` channels (strides 1 and 2), then a linear layer.

    Parameters
    ----------
    J, image_size, in_channels, num_classes, L, max_order, learnable, parametrization
        As in :class:`~kymatio.models.ScatteringClassifier`.
    pre_pad, initialization, learnable_lowpass
        As in :class:`~kymatio.models.ScatteringClassifier`.
    width : int, optional
        Widening factor ``k`` (default 1).
    blocks : int, optional
        Residual blocks per stage (default 1).
    """

    def __init__(self, J: int, image_size: Optional[ImageSize] = None,
                 in_channels: Optional[int] = None, num_classes: Optional[int] = None,
                 L: int = 8, max_order: int = 2, learnable: bool = False,
                 parametrization: str = "filters", pre_pad: bool = False,
                 initialization: str = "kymatio", learnable_lowpass: bool = True,
                 width: int = 1, blocks: int = 1) -> None:
        self.width, self.blocks = _positive_int("width", width), _positive_int("blocks", blocks)
        super().__init__(J, image_size, in_channels, num_classes, L=L, max_order=max_order,
                         learnable=learnable, parametrization=parametrization,
                         pre_pad=pre_pad, initialization=initialization,
                         learnable_lowpass=learnable_lowpass)

    def _build_classifier(self) -> nn.Module:
        channels = self.in_channels * self.scattering_shape[0]
        widths = [32 * self.width, 64 * self.width]
        _check_stages(type(self).__name__, channels, widths, self.blocks, self.num_classes)
        return nn.Sequential(
            nn.Unflatten(1, (channels, *self.scattering_shape[1:])), nn.BatchNorm2d(channels),
            wide_resnet_stages(channels, widths, (1, 2), self.blocks),
            nn.Linear(64 * self.width, self.num_classes))
