"""The backend interface of the Fourier scattering cores, for any number of dimensions.

A :class:`FourierBackend` bundles one array library's shared primitives (a module of
:mod:`kymatio.backend`) with the FFTs, subsampling, padding and unpadding over the last
``ndim`` axes. The 1D, 2D and 3D backends are instances of it.
"""
import importlib
from types import ModuleType
from typing import Any, Sequence

__all__ = ["FourierBackend", "periodize", "reflect_pad_steps"]


def periodize(x: Any, k: int, ndim: int) -> Any:
    """Sum of the ``k`` blocks of size ``n // k`` along each of the last ``ndim`` axes.

    Works on NumPy arrays and torch tensors alike (only slicing and ``+``).
    """
    for axis in range(-ndim, 0):
        size = x.shape[axis]
        if size % k:
            raise ValueError(f"Cannot subsample an axis of size {size} by {k}: the size "
                             f"must be divisible by the factor.")
        if k == 1:
            continue
        block = size // k
        index = [slice(None)] * (x.ndim + axis)
        folded = x[tuple(index + [slice(0, block)])]
        for i in range(1, k):
            folded = folded + x[tuple(index + [slice(i * block, (i + 1) * block)])]
        x = folded
    return x


def reflect_pad_steps(size: int, before: int, after: int) -> list:
    """Split a reflect padding into steps that each pad less than the original size.

    Libraries refuse a reflect padding as large as the axis; repeating the reflection
    in steps of at most ``size - 1`` per side reproduces NumPy's ``mode='reflect'``.
    """
    steps = []
    while before > 0 or after > 0:
        step_before, step_after = min(before, size - 1), min(after, size - 1)
        steps.append((step_before, step_after))
        before, after = before - step_before, after - step_after
    return steps


class FourierBackend:
    """Primitives of a Fourier scattering transform over the last ``ndim`` axes.

    Parameters
    ----------
    base : module
        One of :mod:`kymatio.backend.numpy_backend` or
        :mod:`kymatio.backend.torch_backend`.
    ndim : int
        Number of trailing (signal) axes the FFTs act on.
    """

    def __init__(self, base: ModuleType, ndim: int) -> None:
        self._base = base
        self.ndim = ndim
        self.name = base.name
        self.Pad = base.Pad
        for primitive in base.__all__:
            if primitive not in ("name", "fft", "Pad"):
                setattr(self, primitive, getattr(base, primitive))

    def rfft(self, x: Any) -> Any:
        """FFT of a real signal over the signal axes (full complex spectrum)."""
        self._base.real_check(x)
        return self._base.fft(x, self.ndim)

    def fft(self, x: Any) -> Any:
        """FFT of a complex signal over the signal axes."""
        self._base.complex_check(x)
        return self._base.fft(x, self.ndim)

    def ifft(self, x: Any) -> Any:
        """Inverse FFT of a complex spectrum over the signal axes."""
        self._base.complex_check(x)
        return self._base.fft(x, self.ndim, inverse=True)

    def irfft(self, x: Any) -> Any:
        """Real part of the inverse FFT over the signal axes."""
        self._base.complex_check(x)
        return self._base.fft(x, self.ndim, inverse=True).real

    def subsample_fourier(self, x: Any, k: int) -> Any:
        """Spectrum of the signal subsampled by ``k`` along every signal axis.

        Periodises the spectrum: the mean of its ``k`` blocks of size ``n // k`` along
        each signal axis (adding block slices is several times faster than a strided
        mean over a reshaped view).
        """
        return periodize(x, k, self.ndim) / k ** self.ndim

    def periodize(self, x: Any, k: int) -> Any:
        """Sum of the ``k`` spectral blocks along every signal axis (unnormalised
        :meth:`subsample_fourier`)."""
        return periodize(x, k, self.ndim)

    def unpad(self, x: Any) -> Any:
        """Remove one sample at both ends of every signal axis."""
        return x[(Ellipsis,) + (slice(1, -1),) * self.ndim]

    def primitives(self) -> dict:
        """Every primitive by name, for a backend module to export."""
        names = [n for n in self._base.__all__ if n not in ("name", "fft")]
        names += ["rfft", "fft", "ifft", "irfft", "subsample_fourier", "periodize", "unpad"]
        return {n: getattr(self, n) for n in names}

    def __reduce__(self) -> tuple:
        # Backends hold a module; pickle (and sklearn's clone) rebuild them by name.
        return (_backend_by_name, (self._base.__name__, self.ndim))

    def __repr__(self) -> str:
        return f"FourierBackend(name={self.name!r}, ndim={self.ndim})"


def _backend_by_name(module_name: str, ndim: int) -> FourierBackend:
    return FourierBackend(importlib.import_module(module_name), ndim)
