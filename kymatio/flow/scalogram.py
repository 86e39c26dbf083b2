"""Differentiable Morlet scalogram of 1D signals, as images for convolutional encoders.

The scalogram is the modulus of the first-order wavelet transform, ``|x * psi_lambda|``,
computed with the first-order Morlet filters of the 1D scattering transform
(:func:`kymatio.scattering1d.filter_bank.scattering_filter_factory`) by FFTs. It is
averaged over non-overlapping windows in time (a box low-pass before subsampling, so the
subsampled modulus does not alias) and optionally log-compressed.
"""
import math
from typing import Optional, Tuple

import numpy as np
import torch
from torch import nn

from ..frontend.memory import check_memory
from ..scattering1d.filter_bank import (compute_temporal_support, morlet_1d,
                                        scattering_filter_factory)
from ..scattering1d.utils import wavelet_count

__all__ = ["Scalogram"]

_PAD_MODES = ("reflect", "constant")


def _next_power_of_two(n: int) -> int:
    return 1 << max(0, math.ceil(math.log2(n)))


class Scalogram(nn.Module):
    """Morlet scalogram ``|x * psi_lambda|`` of real 1D signals.

    Parameters
    ----------
    n_times : int
        Length of the input signals.
    J : int, optional
        Number of octaves: the lowest wavelets have a frequency width ``0.1 / 2**J``
        cycles per sample.
    Q : int, optional
        Wavelets per octave.
    time_stride : int, optional
        Length of the windows over which the modulus is averaged; the output has
        ``n_times // time_stride`` time bins (trailing samples that do not fill a window
        are dropped).
    log_eps : float or None, optional
        If given, the output is ``log(log_eps + |x * psi|)``; ``None`` keeps the modulus.
    pad_mode : {'reflect', 'constant'}, optional
        Boundary extension before the (circular) FFT convolution: whole-sample
        symmetric or zeros. The signal is padded on both sides by the temporal support
        of the widest wavelet, so that the circular wrap-around does not reach it.

    Attributes
    ----------
    xi : ndarray of float64, shape (n_frequencies,)
        Centre frequencies of the wavelets in cycles per sample, increasing: row ``k``
        of the output is the wavelet ``xi[k]`` (low frequencies first).
    sigma : ndarray of float64, shape (n_frequencies,)
        Frequency widths of the wavelets.
    padded_length : int
        Length of the padded signals: a power of two, except with reflect padding when
        that would need a pad as long as the signal (then ``n_times + 2 * support``).
    padding : tuple of int
        Samples added on the left and on the right.
    psi_fourier : Tensor, shape (n_frequencies, padded_length)
        The wavelets in the Fourier domain (real), on ``np.fft.fftfreq(padded_length)``
        (a buffer: it follows ``.to()`` and ``.double()``, and is not in ``state_dict``).

    Examples
    --------
    >>> scalogram = Scalogram(n_times=1024, J=6, Q=8, time_stride=8)
    >>> scalogram(torch.randn(4, 1024)).shape[1:] == (1, scalogram.n_frequencies, 128)
    True
    """

    def __init__(self, n_times: int, J: int = 6, Q: int = 8, time_stride: int = 8,
                 log_eps: Optional[float] = 1e-3, pad_mode: str = "reflect") -> None:
        super().__init__()
        for name, value in (("n_times", n_times), ("J", J), ("Q", Q),
                            ("time_stride", time_stride)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) \
                    or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if time_stride > n_times:
            raise ValueError(f"time_stride ({time_stride}) must not exceed n_times ({n_times})")
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"pad_mode must be one of {_PAD_MODES}, got {pad_mode!r}")
        if log_eps is not None and not log_eps > 0:
            raise ValueError(f"log_eps must be positive or None, got {log_eps!r}")
        self.n_times, self.J, self.Q = int(n_times), int(J), int(Q)
        self.time_stride, self.log_eps, self.pad_mode = int(time_stride), log_eps, pad_mode

        # The support is measured on a grid long enough for the widest wavelet to decay.
        probe_length = _next_power_of_two(max(self.n_times, 2 ** (self.J + 6)))
        self._check_memory(probe_length)
        _, probe_psi, _ = scattering_filter_factory(probe_length, self.J, self.Q, 2 ** self.J)
        support = compute_temporal_support(np.stack([p["levels"][0] for p in probe_psi]))
        if pad_mode == "reflect" and support >= self.n_times:
            raise ValueError(
                (f"reflect padding needs the wavelet support ({support} samples) to be shorter "
                 f"than n_times ({n_times}): lower J or use pad_mode='constant'"))
        self.padded_length = _next_power_of_two(self.n_times + 2 * support)
        extra = self.padded_length - self.n_times
        self.padding: Tuple[int, int] = (extra // 2, extra - extra // 2)
        if pad_mode == "reflect" and max(self.padding) >= self.n_times:
            self.padded_length = self.n_times + 2 * support
            self.padding = (support, support)

        # The bank's wavelets (by decreasing frequency there), at any padded length.
        psi = probe_psi[::-1]
        self.xi = np.array([p["xi"] for p in psi])
        self.sigma = np.array([p["sigma"] for p in psi])
        filters = np.stack([morlet_1d(self.padded_length, xi, sigma)
                            for xi, sigma in zip(self.xi, self.sigma)])
        self.register_buffer("psi_fourier", torch.from_numpy(filters).float(),
                             persistent=False)

    def _check_memory(self, probe_length: int) -> None:
        """Refuse (:class:`~kymatio.frontend.memory.MemoryBudgetError`) sizes whose
        filters would not fit in the memory limit, before computing them."""
        n_filters = wavelet_count(self.Q, self.J)
        padded = _next_power_of_two(self.n_times) * 4
        check_memory(f"Scalogram(n_times={self.n_times}, J={self.J}, Q={self.Q})",
                     {"filters (support probe)": 6 * n_filters * probe_length * 8,
                      "filters": n_filters * padded * (8 + 4),
                      "maps per signal": n_filters * padded * 16},
                     "lower Q or J, or use shorter signals (n_times)")

    @property
    def n_frequencies(self) -> int:
        """Number of wavelets (rows of the output image)."""
        return len(self.xi)

    @property
    def output_shape(self) -> Tuple[int, int, int]:
        """Shape ``(1, n_frequencies, n_times // time_stride)`` of one output image."""
        return (1, self.n_frequencies, self.n_times // self.time_stride)

    def _check_input(self, x: torch.Tensor) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"Scalogram expects a torch.Tensor, got {type(x).__name__}")
        if x.dtype not in (torch.float32, torch.float64):
            raise TypeError(f"Scalogram expects real float32 or float64 signals, got {x.dtype}")
        if x.dim() != 2 or x.shape[-1] != self.n_times:
            raise ValueError(f"Scalogram expects signals of shape (batch, {self.n_times}), got "
                             f"{tuple(x.shape)}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scalogram images of a batch of signals.

        Parameters
        ----------
        x : Tensor, shape (batch, n_times)
            Real signals, float32 or float64.

        Returns
        -------
        Tensor, shape (batch, 1, n_frequencies, n_times // time_stride)
            In the dtype of ``x``.
        """
        self._check_input(x)
        if x.shape[0] == 0:  # MKL rejects empty FFTs: run one zero signal and keep none
            return self.forward(torch.cat([x, x.new_zeros(1, self.n_times)]))[:0]
        padded = nn.functional.pad(x[:, None], self.padding, mode=self.pad_mode)[:, 0]
        spectrum = torch.fft.fft(padded)
        filters = self.psi_fourier.to(dtype=x.dtype, device=x.device)
        coefficients = torch.fft.ifft(spectrum[:, None, :] * filters)
        start = self.padding[0]
        n_bins = self.n_times // self.time_stride
        modulus = coefficients[..., start:start + n_bins * self.time_stride].abs()
        images = modulus.reshape(*modulus.shape[:2], n_bins, self.time_stride).mean(-1)
        if self.log_eps is not None:
            images = torch.log(images + self.log_eps)
        return images[:, None]

    def extra_repr(self) -> str:
        return (f"n_times={self.n_times}, J={self.J}, Q={self.Q}, "
                f"n_frequencies={self.n_frequencies}, time_stride={self.time_stride}, "
                f"log_eps={self.log_eps}, pad_mode={self.pad_mode!r}")
