"""The single-scale spatial scattering block: ``nn.Conv2d`` layers initialised as the
finest scale of the Fourier 2D scattering transform."""
import math
from typing import Optional

import torch
from torch import nn

from ..backend.native_torch import modulus
from .kernels import block_diagonal_weight, conv_kernels
from .planning import group_size

__all__ = ["ScatteringBlock", "MODULUS_TYPES"]

MODULUS_TYPES = ("complex_modulus", "phase_relu")


class ScatteringBlock(nn.Module):
    r"""One scale (``J = 1``) of a scattering transform made of spatial convolutions.

    For an input ``x`` of shape ``(B, C, H, W)`` the block computes, per channel ``c``,

    * the low-pass path ``x_c * phi``;
    * ``L`` band-pass paths ``sigma(x_c * psi_theta)``, where ``sigma`` is the complex
      modulus ``|z|``, or the phase ReLU: the four rectified phases
      ``(Re z)^+, (-Re z)^+, (Im z)^+, (-Im z)^+`` collapsed into one channel by a grouped
      ``1 x 1`` convolution initialised to ``1 / sqrt(2)``, i.e.
      ``(|Re z| + |Im z|) / sqrt(2)``, between ``|z| / sqrt(2)`` and ``|z|``;

    then a learnable ``2 x 2`` stride-2 depthwise convolution initialised as average
    pooling. The output has ``C * (1 + L)`` channels (``C`` with ``lowpass_only``) at half
    resolution, channel-major: channel ``c * (1 + L)`` is the low-pass of input channel
    ``c`` and ``c * (1 + L) + 1 + theta`` its band-pass of orientation ``theta``, so
    ``out.view(B, C, 1 + L, H // 2, W // 2)`` has the layout of
    :class:`kymatio.torch.Scattering2D` with ``J = 1``.

    **Initialisation.** ``phi`` and ``psi_theta`` are the Fourier 2D transform's own
    filters (:func:`kymatio.scattering2d.filter_bank.gabor_2d` /
    :func:`~kymatio.scattering2d.filter_bank.morlet_2d`) at the finest scale ``j = 0``
    (``sigma = 0.8``, ``xi = 3 pi / 4``; the low-pass of ``J = 1``), sampled on a centred
    ``K x K`` grid without periodisation and without renormalisation
    (:mod:`kymatio.spatial.kernels` explains why). ``j = 0`` is the only scale that fits
    small kernels: its envelope is 0.8 pixel wide along the oscillation and 1.6 across it
    (``slant = 4 / L``), and every block works at its own octave because the previous
    blocks halved the resolution, as in the fast wavelet transform. The wavelet
    convolution is one ``nn.Conv2d`` with ``C * (1 + 2L)`` outputs
    (``[Re phi, Re psi_0.., Im psi_0..]`` per channel), block-diagonal at initialisation:
    the weights between different channels are zero and may grow during training.

    **Order of the operations.** The nonlinearity comes *before* the downsampling, as in
    the scattering transform (``|x * psi| * phi``, then subsample): pooling the
    oscillating ``x * psi`` first would attenuate it (by ``cos(3 pi / 8) = 0.38`` along
    the oscillation) and alias it. The phase collapse is applied before the pooling; both
    are linear, so at initialisation the order does not matter, and the pooling then acts
    on the same ``C * (1 + L)`` channels in both modes.

    Parameters
    ----------
    in_channels : int
        ``C``.
    L : int, optional
        Number of orientations (default 8).
    kernel_size : int, optional
        Odd size ``K`` of the wavelet kernels (default 7).
    modulus_type : str, optional
        ``'complex_modulus'`` (default) or ``'phase_relu'``.
    learnable : bool, optional
        If True (default) the wavelet weights are an ``nn.Parameter``; if False they are a
        buffer (under the same ``state_dict`` key ``wavelets.weight``): not returned by
        ``parameters()``, so no optimiser or ``requires_grad_`` can change them, and moved
        by ``.to()``. The downsampling and the phase collapse stay parameters in both
        cases (freeze them with ``requires_grad_(False)``). Switch with
        :meth:`set_learnable`.
    mixing_horizon : int, optional
        Maximum number of input channels each filter sees (grouped convolution with
        groups of :func:`~kymatio.spatial.planning.group_size` channels); None (default)
        or ``in_channels <= mixing_horizon``: dense. The initialisation is the same.
    lowpass_only : bool, optional
        Compute only the low-pass path (``C`` output channels); the last block of a
        network, whose band-pass paths would not be scattered further.
    padding_mode : str, optional
        Border handling of the wavelet convolution: ``'reflect'`` (default, as the
        Fourier transform's padding; needs ``H, W > K // 2``), ``'zeros'``,
        ``'replicate'`` or ``'circular'``.

    Attributes
    ----------
    wavelets : nn.Conv2d
        ``C -> C * (1 + 2L)`` (``C -> C`` if ``lowpass_only``), no bias.
    collapse : nn.Conv2d or None
        ``4 C L -> C L``, ``1 x 1``, ``groups = C L``, no bias (phase ReLU only).
    pool : nn.Conv2d
        Depthwise ``2 x 2``, stride 2, no bias, over the ``out_channels`` paths.
    """

    def __init__(self, in_channels: int, L: int = 8, kernel_size: int = 7,
                 modulus_type: str = "complex_modulus", learnable: bool = True,
                 mixing_horizon: Optional[int] = None, lowpass_only: bool = False,
                 padding_mode: str = "reflect") -> None:
        super().__init__()
        for name, value in (("in_channels", in_channels), ("L", L)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if modulus_type not in MODULUS_TYPES:
            raise ValueError(f"modulus_type must be one of {list(MODULUS_TYPES)}, "
                             f"got {modulus_type!r}.")
        self.in_channels, self.L, self.kernel_size = in_channels, L, kernel_size
        self.modulus_type, self.lowpass_only = modulus_type, lowpass_only
        self.mixing_horizon = mixing_horizon
        self.group_size = group_size(in_channels, mixing_horizon)
        self.paths = 1 if lowpass_only else 1 + L
        self.out_channels = in_channels * self.paths
        kernels = conv_kernels(L, kernel_size, lowpass_only)
        self.wavelets = nn.Conv2d(in_channels, in_channels * kernels.shape[0], kernel_size,
                                  padding=kernel_size // 2, padding_mode=padding_mode,
                                  groups=in_channels // self.group_size, bias=False)
        self.collapse = None
        if modulus_type == "phase_relu" and not lowpass_only:
            self.collapse = nn.Conv2d(4 * in_channels * L, in_channels * L, 1,
                                      groups=in_channels * L, bias=False)
        self.pool = nn.Conv2d(self.out_channels, self.out_channels, 2, stride=2,
                              groups=self.out_channels, bias=False)
        self.learnable = True
        self.reset_parameters()
        self.set_learnable(learnable)

    def initial_wavelet_weight(self) -> torch.Tensor:
        """The wavelet convolution's weight at initialisation (block-diagonal Morlet/Gabor
        kernels), e.g. to measure how far training moved the filters."""
        kernels = conv_kernels(self.L, self.kernel_size, self.lowpass_only)
        weight = block_diagonal_weight(kernels, self.in_channels, self.group_size)
        return weight.to(self.wavelets.weight)

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """Set every weight to its scattering initialisation."""
        self.wavelets.weight.copy_(self.initial_wavelet_weight())
        self.pool.weight.fill_(0.25)
        if self.collapse is not None:
            self.collapse.weight.fill_(1.0 / math.sqrt(2.0))

    def set_learnable(self, learnable: bool = True) -> "ScatteringBlock":
        """Make the wavelet weights a parameter (True) or a buffer (False), keeping their
        values and their ``state_dict`` key. Returns the block."""
        weight = self.wavelets.weight.detach()
        del self.wavelets.weight
        if learnable:
            self.wavelets.weight = nn.Parameter(weight)
        else:
            self.wavelets.register_buffer("weight", weight)
        self.learnable = bool(learnable)
        return self

    def _band_pass(self, z: torch.Tensor) -> torch.Tensor:
        """Nonlinearity of the band-pass responses ``z`` ``(B, C, 2L, H, W)`` (real parts
        then imaginary parts): ``(B, C, L, H, W)``."""
        B, C, _, H, W = z.shape
        L = self.L
        real, imag = z[:, :, :L], z[:, :, L:]
        if self.collapse is None:
            return modulus(torch.complex(real, imag))
        phases = torch.stack([real, -real, imag, -imag], dim=3).relu_()
        return self.collapse(phases.reshape(B, C * L * 4, H, W)).view(B, C, L, H, W)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scatter one scale.

        Parameters
        ----------
        x : Tensor, shape (B, in_channels, H, W)

        Returns
        -------
        Tensor, shape (B, out_channels, H // 2, W // 2)
        """
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise RuntimeError(f"Expected input of shape (B, {self.in_channels}, H, W), "
                               f"got {tuple(x.shape)}.")
        pad = self.kernel_size // 2
        if self.wavelets.padding_mode == "reflect" and min(x.shape[-2:]) <= pad:
            raise RuntimeError(f"padding_mode='reflect' needs H and W above {pad} for "
                               f"kernel_size={self.kernel_size}, got {tuple(x.shape[-2:])}; "
                               f"use padding_mode='zeros' or a smaller kernel.")
        z = self.wavelets(x)
        if not self.lowpass_only:
            B, _, H, W = z.shape
            z = z.view(B, self.in_channels, 1 + 2 * self.L, H, W)
            z = torch.cat([z[:, :, :1], self._band_pass(z[:, :, 1:])], dim=2)
            z = z.view(B, self.out_channels, H, W)
        return self.pool(z)

    def extra_repr(self) -> str:
        return (f"in_channels={self.in_channels}, out_channels={self.out_channels}, "
                f"L={self.L}, kernel_size={self.kernel_size}, "
                f"modulus_type={self.modulus_type!r}, learnable={self.learnable}, "
                f"mixing_horizon={self.mixing_horizon}, group_size={self.group_size}, "
                f"lowpass_only={self.lowpass_only}, "
                f"padding_mode={self.wavelets.padding_mode!r}")
