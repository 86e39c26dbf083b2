"""Residual CNN encoder of scalogram images with symmetric or asymmetric (time-dilated) kernels.

Both kernel types share one network: a 3x3 stride-2 stem and four residual stages
(64/128/256/512 channels times ``width``, 2/2/1/1 blocks, strides 1/2/2/2), global average
pooling and a linear map to the embedding. They differ only in the kernels of the stages:

* ``'symmetric'``: 3x3 kernels, no dilation;
* ``'asymmetric'``: 3 (frequency) x 9 (time) kernels dilated along time only, by
  1, 2, 4, 8 in stages 1 to 4, which widens the receptive field in time (chirps are long
  in time and narrow in frequency).

Padding keeps the map sizes at stride 1 in both cases.
"""
from typing import Callable, Dict, Sequence, Tuple

import torch
from torch import nn

from ..frontend.base_frontend import as_int
from ..frontend.memory import check_parameters

__all__ = ["KERNEL_TYPES", "ResidualBlock2d", "ScalogramEncoder"]

Pair = Tuple[int, int]


def _symmetric_geometry(stage_index: int) -> Tuple[Pair, Pair]:
    return (3, 3), (1, 1)


def _asymmetric_geometry(stage_index: int) -> Tuple[Pair, Pair]:
    return (3, 9), (1, 2 ** stage_index)


#: Kernel type -> function of the stage index (0 to 3) giving (kernel_size, dilation).
KERNEL_TYPES: Dict[str, Callable[[int], Tuple[Pair, Pair]]] = {
    "symmetric": _symmetric_geometry,
    "asymmetric": _asymmetric_geometry,
}


def _same_padding(kernel_size: Pair, dilation: Pair) -> Pair:
    return tuple(d * (k - 1) // 2 for k, d in zip(kernel_size, dilation))


class ResidualBlock2d(nn.Module):
    """Two convolutions with batch normalisation and a residual connection.

    ``relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))``, where the first convolution
    carries the stride and the shortcut is a strided 1x1 convolution when the shape
    changes (the identity otherwise).

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and of the output.
    stride : int, optional
        Stride of the first convolution (along both axes).
    kernel_size : tuple of int, optional
        (frequency, time) size of both convolution kernels; odd.
    dilation : tuple of int, optional
        (frequency, time) dilation of both convolutions.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 kernel_size: Pair = (3, 3), dilation: Pair = (1, 1)) -> None:
        super().__init__()
        if any(k % 2 == 0 for k in kernel_size):
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")
        self.kernel_size, self.dilation, self.stride = tuple(kernel_size), tuple(dilation), stride
        padding = _same_padding(kernel_size, dilation)
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                               padding=padding, dilation=dilation, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size, padding=padding,
                               dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Identity()

    @property
    def main_convolutions(self) -> Tuple[nn.Conv2d, nn.Conv2d]:
        """The convolutions of the residual branch, in order."""
        return (self.conv1, self.conv2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + self.shortcut(x))

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, dilation={self.dilation}, stride={self.stride}"


class ScalogramEncoder(nn.Module):
    """Residual CNN mapping scalogram images to a signal embedding.

    Parameters
    ----------
    signal_embedding_dim : int, optional
        Size of the output embedding.
    kernel : {'symmetric', 'asymmetric'}, optional
        Kernels of the residual stages (see the module description).
    width : float, optional
        Multiplier of the stage channels (``0.125`` gives 8/16/32/64 channels).
    in_channels : int, optional
        Channels of the input images.
    coordinate_channels : bool, optional
        Append two constant channels holding the frequency and time coordinates (in
        ``[-1, 1]``) to the input. Global average pooling makes the network nearly
        invariant to translations in time; with these channels it can still report
        *when* something happens (such as a coalescence time).
    stage_channels, stage_blocks, stage_strides : sequence of int, optional
        Channels (before ``width``), residual blocks and stride of each of the four stages.

    Examples
    --------
    >>> encoder = ScalogramEncoder(signal_embedding_dim=16, kernel="asymmetric", width=0.125)
    >>> encoder(torch.randn(2, 1, 24, 128)).shape
    torch.Size([2, 16])
    """

    def __init__(self, signal_embedding_dim: int = 512, kernel: str = "symmetric",
                 width: float = 1.0, in_channels: int = 1, coordinate_channels: bool = True,
                 stage_channels: Sequence[int] = (64, 128, 256, 512),
                 stage_blocks: Sequence[int] = (2, 2, 1, 1),
                 stage_strides: Sequence[int] = (1, 2, 2, 2)) -> None:
        super().__init__()
        if kernel not in KERNEL_TYPES:
            raise ValueError(f"kernel must be one of {tuple(KERNEL_TYPES)}, got {kernel!r}")
        if not width > 0:
            raise ValueError(f"width must be positive, got {width!r}")
        if not len(stage_channels) == len(stage_blocks) == len(stage_strides):
            raise ValueError("stage_channels, stage_blocks and stage_strides must have the "
                             "same length")
        signal_embedding_dim = as_int("signal_embedding_dim", signal_embedding_dim, 1)
        in_channels = as_int("in_channels", in_channels, 1)
        stage_channels = [as_int("stage_channels", c, 1) for c in stage_channels]
        stage_blocks = [as_int("stage_blocks", b, 1) for b in stage_blocks]
        stage_strides = [as_int("stage_strides", s, 1) for s in stage_strides]
        self.kernel, self.width, self.in_channels = kernel, width, in_channels
        self.coordinate_channels = coordinate_channels
        self.signal_embedding_dim = signal_embedding_dim
        channels = [max(1, round(c * width)) for c in stage_channels]

        stem_in = in_channels + (2 if coordinate_channels else 0)
        self._check_memory(stem_in, channels, stage_blocks, signal_embedding_dim)
        self.stem = nn.Sequential(
            nn.Conv2d(stem_in, channels[0], 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(channels[0]), nn.ReLU(inplace=True))
        stages = []
        previous = channels[0]
        for index, (out, blocks, stride) in enumerate(zip(channels, stage_blocks,
                                                          stage_strides)):
            kernel_size, dilation = KERNEL_TYPES[kernel](index)
            layers = [ResidualBlock2d(previous if b == 0 else out, out,
                                      stride if b == 0 else 1, kernel_size, dilation)
                      for b in range(blocks)]
            stages.append(nn.Sequential(*layers))
            previous = out
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(previous, signal_embedding_dim)

    def _check_memory(self, stem_in: int, channels: Sequence[int], blocks: Sequence[int],
                      embedding: int) -> None:
        """Refuse (:class:`~kymatio.frontend.memory.MemoryBudgetError`) sizes whose
        parameters exceed the memory limit, before building the layers."""
        counts = {"stem": 9 * stem_in * channels[0]}
        previous = channels[0]
        for index, (out, count) in enumerate(zip(channels, blocks)):
            kernel_size, _ = KERNEL_TYPES[self.kernel](index)
            taps = kernel_size[0] * kernel_size[1]
            first = taps * (previous + out) * out + previous * out + 8 * out
            counts[f"stage {index + 1}"] = first + (count - 1) * (2 * taps * out * out + 4 * out)
            previous = out
        counts["head"] = (previous + 1) * embedding
        check_parameters("ScalogramEncoder", counts,
                         "lower width, stage_channels or signal_embedding_dim")

    @property
    def receptive_field(self) -> Pair:
        """Theoretical (frequency, time) receptive field of one output position of
        :meth:`features`, in input pixels (along the residual branches, the widest path)."""
        field, jump = [1, 1], [1, 1]
        convolutions = [self.stem[0]] + [conv for stage in self.stages for block in stage
                                         for conv in block.main_convolutions]
        for conv in convolutions:
            for axis in range(2):
                extent = conv.dilation[axis] * (conv.kernel_size[axis] - 1)
                field[axis] += extent * jump[axis]
                jump[axis] *= conv.stride[axis]
        return tuple(field)

    def _check_input(self, x: torch.Tensor) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"ScalogramEncoder expects a torch.Tensor, got {type(x).__name__}")
        if not x.is_floating_point():
            raise TypeError(f"ScalogramEncoder expects a floating-point tensor, got {x.dtype}")
        weight = self.head.weight
        if x.dtype != weight.dtype or x.device != weight.device:
            raise TypeError(f"ScalogramEncoder got a {x.dtype} tensor on {x.device} but its "
                            f"weights are {weight.dtype} on {weight.device}: convert the input "
                            "(x.to(weight)) or the encoder (.to(x))")
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError("ScalogramEncoder expects images of shape (batch, "
                             f"{self.in_channels}, n_frequencies, n_times), got {tuple(x.shape)}")

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Feature maps of the last stage, before pooling.

        Parameters
        ----------
        x : Tensor, shape (batch, in_channels, n_frequencies, n_times)

        Returns
        -------
        Tensor, shape (batch, channels, n_frequencies', n_times')
        """
        self._check_input(x)
        if self.coordinate_channels:
            batch, _, height, length = x.shape
            freq = torch.linspace(-1, 1, height, dtype=x.dtype, device=x.device)
            time = torch.linspace(-1, 1, length, dtype=x.dtype, device=x.device)
            grid = torch.stack(torch.meshgrid(freq, time, indexing="ij"))
            x = torch.cat([x, grid.expand(batch, 2, height, length)], dim=1)
        return self.stages(self.stem(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embedding of a batch of scalogram images.

        Parameters
        ----------
        x : Tensor, shape (batch, in_channels, n_frequencies, n_times)

        Returns
        -------
        Tensor, shape (batch, signal_embedding_dim)
        """
        return self.head(self.pool(self.features(x)).flatten(1))

    def extra_repr(self) -> str:
        return (f"kernel={self.kernel!r}, width={self.width}, "
                f"signal_embedding_dim={self.signal_embedding_dim}, "
                f"coordinate_channels={self.coordinate_channels}, "
                f"receptive_field={self.receptive_field}")
