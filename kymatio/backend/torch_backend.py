"""Kymatio 0.3.0's PyTorch backend layer: :class:`ModulusStable` and :class:`TorchBackend`,
the base of the 1D, 2D and 3D torch backends at
``kymatio.scattering{1,2,3}d.backend.torch_backend``.

As in Kymatio 0.3.0, a complex tensor here is a real tensor whose last dimension has size 2
(real and imaginary parts) and a real signal ends with a dimension of size 1. The
transforms themselves run on :mod:`kymatio.backend.native_torch`, whose primitives take
native complex tensors (faster, and ordinary operations for autograd); the frontends pick
it by the backend's ``name``. The primitives here view their inputs as native complex
tensors (``torch.view_as_complex``) and reuse those.
"""
from typing import Any, Sequence

import torch

from . import native_torch

__all__ = ["ModulusStable", "TorchBackend", "TorchFourierBackend"]


class ModulusStable(torch.autograd.Function):
    """Modulus of complex values stored as real pairs ``(..., 2)``, with gradient 0 where
    the input is 0 (instead of NaN).

    ``ModulusStable.apply(x)`` returns ``sqrt(x[..., 0]**2 + x[..., 1]**2)``, the last
    dimension removed.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        output = x.square().sum(-1).sqrt()
        ctx.save_for_backward(x, output)
        return output

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> torch.Tensor:
        x, output = ctx.saved_tensors
        scale = torch.where(output > 0, grad_output / output, torch.zeros_like(output))
        return x * scale[..., None]


class TorchBackend:
    """Primitives shared by the torch backends of every dimension (Kymatio 0.3.0's
    ``kymatio.backend.torch_backend.TorchBackend``); every method is a class method."""

    name = "torch"

    @classmethod
    def input_checks(cls, x: Any) -> None:
        """Raise unless ``x`` is a contiguous tensor."""
        if x is None:
            raise TypeError("The input should be not empty: got None instead of a tensor.")
        cls.contiguous_check(x)

    @staticmethod
    def _is_complex(x: torch.Tensor) -> bool:
        return x.shape[-1:] == (2,) and not x.is_complex()

    @staticmethod
    def _is_real(x: torch.Tensor) -> bool:
        return x.shape[-1:] == (1,) and not x.is_complex()

    @classmethod
    def complex_check(cls, x: torch.Tensor) -> None:
        """Raise TypeError unless the last dimension of ``x`` has size 2."""
        if not cls._is_complex(x):
            raise TypeError(f"The input should be complex (i.e. last dimension is 2), got "
                            f"shape {tuple(x.shape)}{_native_complex_hint(x)}.")

    @classmethod
    def real_check(cls, x: torch.Tensor) -> None:
        """Raise TypeError unless the last dimension of ``x`` has size 1."""
        if not cls._is_real(x):
            raise TypeError(f"The input should be real (i.e. last dimension is 1), got "
                            f"shape {tuple(x.shape)}; add the dimension with x[..., None]"
                            f"{_native_complex_hint(x)}.")

    @staticmethod
    def contiguous_check(x: torch.Tensor) -> None:
        """Raise RuntimeError unless ``x`` is contiguous."""
        if not x.is_contiguous():
            raise RuntimeError("Tensors must be contiguous; call .contiguous() on the input.")

    @classmethod
    def complex_contiguous_check(cls, x: torch.Tensor) -> None:
        """:meth:`complex_check` and :meth:`contiguous_check`."""
        cls.complex_check(x)
        cls.contiguous_check(x)

    @classmethod
    def modulus(cls, x: torch.Tensor) -> torch.Tensor:
        """Modulus of ``x`` (..., 2), as a real tensor (..., 1); its gradient is 0 at 0."""
        cls.complex_contiguous_check(x)
        return ModulusStable.apply(x)[..., None]

    @staticmethod
    def concatenate(arrays: Sequence[torch.Tensor], dim: int = 2) -> torch.Tensor:
        """Stack equally shaped tensors along a new dimension ``dim``."""
        return torch.stack(tuple(arrays), dim=dim)

    @classmethod
    def cdgmm(cls, A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        """Pointwise product of complex ``A`` ``(..., *S, 2)`` with a filter ``B``, complex
        ``(*S, 2)`` or real ``(*S, 1)``.

        Raises
        ------
        TypeError
            If ``A`` is not complex, ``B`` is neither real nor complex, their dtypes
            differ, or they are on different devices.
        RuntimeError
            If a tensor is not contiguous or ``A``'s signal shape is not ``B``'s.
        """
        if cls._is_real(B):
            cls.contiguous_check(B)
        else:
            cls.complex_contiguous_check(B)
        cls.complex_contiguous_check(A)
        signal = B.shape[:-1]
        if A.shape[A.dim() - B.dim():-1] != signal:
            raise RuntimeError(f"The filters are not compatible for multiplication: signal "
                               f"shape {tuple(A.shape)}, filter shape {tuple(B.shape)} "
                               f"(the filter's dimensions but the last must end the "
                               f"signal's).")
        if A.dtype != B.dtype:
            raise TypeError(f"Input and filter must be of the same dtype: input {A.dtype}, "
                            f"filter {B.dtype}.")
        if A.device.type != B.device.type:
            where = "GPU" if B.device.type == "cuda" else B.device.type.upper()
            raise TypeError(f"Input must be on {where}, where the filter is: input on "
                            f"{A.device}, filter on {B.device}; move one with .to(device).")
        if A.device != B.device:
            raise TypeError(f"Input and filter must be on the same GPU: input on "
                            f"{A.device}, filter on {B.device}.")
        if cls._is_real(B):
            return A * B
        product = torch.view_as_complex(A) * torch.view_as_complex(B)
        return torch.view_as_real(product)


def _native_complex_hint(x: torch.Tensor) -> str:
    if x.is_complex():
        return (" (a native complex tensor: this backend takes real and imaginary parts "
                "in a last dimension of size 2, see torch.view_as_real)")
    return ""


class TorchFourierBackend(TorchBackend):
    """:class:`TorchBackend` plus the FFTs and Fourier subsampling over the
    ``signal_ndim`` dimensions before the last (set by the 1D, 2D and 3D subclasses)."""

    signal_ndim = 1

    @classmethod
    def rfft(cls, x: torch.Tensor) -> torch.Tensor:
        """FFT of a real signal ``(..., *S, 1)``: the complex spectrum ``(..., *S, 2)``."""
        cls.contiguous_check(x)
        cls.real_check(x)
        return torch.view_as_real(native_torch.fft(x[..., 0], cls.signal_ndim))

    @classmethod
    def ifft(cls, x: torch.Tensor) -> torch.Tensor:
        """Inverse FFT of a complex spectrum ``(..., *S, 2)``, complex ``(..., *S, 2)``."""
        cls.contiguous_check(x)
        cls.complex_check(x)
        return torch.view_as_real(native_torch.fft(torch.view_as_complex(x),
                                                   cls.signal_ndim, inverse=True))

    @classmethod
    def irfft(cls, x: torch.Tensor) -> torch.Tensor:
        """Real part of the inverse FFT of ``(..., *S, 2)``, as a real signal ``(..., *S, 1)``."""
        return cls.ifft(x)[..., :1]

    @classmethod
    def subsample_fourier(cls, x: torch.Tensor, k: int) -> torch.Tensor:
        """Spectrum ``(..., *S, 2)`` of the signal subsampled by ``k`` along every signal
        dimension: the mean of the ``k`` blocks of each."""
        cls.contiguous_check(x)
        cls.complex_check(x)
        periodized = native_torch.periodize(torch.view_as_complex(x), k, cls.signal_ndim)
        return torch.view_as_real(periodized / k ** cls.signal_ndim)
