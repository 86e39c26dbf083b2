"""PyTorch implementations of the shared scattering primitives.

Complex values are native complex tensors (``torch.complex64``/``complex128``), not
Kymatio 0.3.0's real tensors with a trailing dimension of 2: native complex arithmetic
is faster and lets autograd and ``torch.compile`` see ordinary operations.
"""
from typing import Sequence

import torch

from .fourier import reflect_pad_steps

__all__ = ["name", "is_complex", "is_real", "complex_check", "real_check",
           "contiguous_check", "modulus", "cdgmm", "concatenate", "join", "reshape",
           "fft", "Pad", "prepare_filter",
           "make_complex"]

name = "torch"


def is_complex(x: torch.Tensor) -> bool:
    """True if ``x`` has a complex dtype."""
    return x.is_complex()


def is_real(x: torch.Tensor) -> bool:
    """True if ``x`` has a real floating-point dtype."""
    return x.is_floating_point()


def complex_check(x: torch.Tensor) -> None:
    """Raise TypeError unless ``x`` is a complex tensor."""
    if not is_complex(x):
        raise TypeError(f"The input should be complex, got dtype {x.dtype}.")


def real_check(x: torch.Tensor) -> None:
    """Raise TypeError unless ``x`` is a real floating-point tensor."""
    if not is_real(x):
        raise TypeError(f"The input should be real floating point, got dtype {x.dtype}.")


def contiguous_check(x: torch.Tensor) -> None:
    """Raise RuntimeError if ``x`` is not contiguous in memory."""
    if not x.is_contiguous():
        raise RuntimeError("Tensors must be contiguous; call .contiguous() on the input.")


def modulus(x: torch.Tensor) -> torch.Tensor:
    """Elementwise complex modulus ``|x|`` (a real tensor; its gradient at 0 is 0)."""
    if x.requires_grad:
        return x.abs()  # differentiable everywhere: sgn(0) = 0
    # Without autograd, sqrt(re^2 + im^2) in real arithmetic is 2-4x faster than complex
    # abs or hypot (which guard against overflow beyond 1e19, irrelevant here).
    return torch.addcmul(x.real * x.real, x.imag, x.imag).sqrt_()


def cdgmm(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Multiply a complex signal by a filter, pointwise, broadcasting the leading axes.

    Parameters
    ----------
    A : Tensor, complex, shape (..., *S)
        Signal(s) in the Fourier domain.
    B : Tensor, real or complex, shape (..., *S)
        Filter(s) on the same device, of the matching precision.

    Returns
    -------
    Tensor, complex
    """
    complex_check(A)
    if not (is_complex(B) or is_real(B)):
        raise TypeError(f"The filter should be real or complex, got dtype {B.dtype}.")
    if A.device != B.device:
        raise TypeError(f"Input and filter must be on the same device: input on "
                        f"{A.device}, filter on {B.device}.")
    try:
        torch.broadcast_shapes(tuple(A.shape), tuple(B.shape))
        compatible = tuple(A.shape[-2:]) == tuple(B.shape[-2:]) or B.ndim < 2
    except (ValueError, RuntimeError):
        compatible = False
    if not compatible:
        raise RuntimeError(f"The filters are not compatible for multiplication: "
                           f"signal shape {tuple(A.shape)}, filter shape {tuple(B.shape)}.")
    if B.dtype != A.real.dtype and B.dtype != A.dtype:
        raise TypeError(f"Input and filter must be of the same precision: input "
                        f"{A.dtype}, filter {B.dtype}.")
    return A * B


def concatenate(arrays: Sequence[torch.Tensor], axis: int = -3) -> torch.Tensor:
    """Stack equally shaped coefficient tensors along a new axis (default -3)."""
    return torch.stack(tuple(arrays), dim=axis)


def join(arrays: Sequence[torch.Tensor], axis: int) -> torch.Tensor:
    """Concatenate tensors along an existing axis."""
    return torch.cat(tuple(arrays), dim=axis)


def reshape(x: torch.Tensor, shape: Sequence[int]) -> torch.Tensor:
    """Reshape ``x`` (a view where possible)."""
    return x.reshape(tuple(shape))


def fft(x: torch.Tensor, ndim: int, inverse: bool = False) -> torch.Tensor:
    """Complex FFT (or inverse FFT) over the last ``ndim`` dimensions."""
    transform = torch.fft.ifftn if inverse else torch.fft.fftn
    return transform(x, dim=tuple(range(-ndim, 0)))



def prepare_filter(f: torch.Tensor) -> torch.Tensor:
    """A real Fourier filter in the form :func:`cdgmm` multiplies fastest: unchanged
    (torch multiplies complex by real ~20% faster than complex by complex)."""
    return f


def make_complex(real: torch.Tensor, imag: torch.Tensor = None) -> torch.Tensor:
    """The complex tensor ``real + i imag`` (``imag`` defaults to zero)."""
    if imag is None:
        return real.to(torch.promote_types(real.dtype, torch.complex64))
    return torch.complex(real, imag)



class Pad:
    """Reflect padding of the last ``len(input_size)`` (1 to 3) dimensions.

    Parameters
    ----------
    pad_size : sequence of int
        ``[before_0, after_0, before_1, after_1, ...]`` for each signal dimension.
    input_size : sequence of int
        Size of the signal dimensions before padding.
    pre_pad : bool, optional
        If True the input is already padded and is returned unchanged.
    """

    def __init__(self, pad_size: Sequence[int], input_size: Sequence[int],
                 pre_pad: bool = False) -> None:
        self.pad_size = list(pad_size)
        self.input_size = list(input_size)
        self.pre_pad = pre_pad
        ndim = len(self.input_size)
        # torch.nn.functional.pad lists the last dimension first.
        per_axis = [reflect_pad_steps(size, self.pad_size[2 * i], self.pad_size[2 * i + 1])
                    for i, size in enumerate(self.input_size)]
        self._steps = []
        for step in range(max((len(s) for s in per_axis), default=0)):
            widths = []
            for axis in reversed(range(ndim)):
                widths += list(per_axis[axis][step]) if step < len(per_axis[axis]) else [0, 0]
            self._steps.append(tuple(widths))

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.pre_pad:
            return x
        ndim = len(self.input_size)
        batch_shape = x.shape[:-ndim]
        # reflect padding wants (batch, channel, *signal)
        y = x.reshape((-1, 1) + tuple(x.shape[-ndim:]))
        for widths in self._steps:
            y = torch.nn.functional.pad(y, widths, mode="reflect")
        return y.reshape(tuple(batch_shape) + tuple(y.shape[-ndim:]))
