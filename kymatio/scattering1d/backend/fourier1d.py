"""The backend interface of the 1D scattering core.

:class:`FourierBackend1D` is a :class:`~kymatio.backend.fourier.FourierBackend` over the
last axis whose padding and cropping take explicit amounts, as in Kymatio 0.3.0's 1D
backends: ``pad(x, pad_left, pad_right)`` and ``unpad(x, i0, i1)``.
"""
import importlib
from typing import Any, Sequence, Tuple

import numpy as np

from ...backend.fourier import FourierBackend, optional_module

__all__ = ["FourierBackend1D"]


class FourierBackend1D(FourierBackend):
    """Primitives of the 1D Fourier scattering transform.

    A library with hand-written adjoints of the sliced products (PyTorch) provides them
    in the module ``<name>_autograd`` beside this one, as
    ``sliced_product(X, f, pieces, length, compute)``.

    Parameters
    ----------
    base : module
        A native module, :mod:`kymatio.backend.native_<library>` (NumPy, torch, JAX,
        TensorFlow).
    """

    def __init__(self, base: Any) -> None:
        super().__init__(base, ndim=1)
        # The shared cdgmm checks 2D filter shapes; the 1D method below replaces it.
        del self.cdgmm
        self._adjoints = optional_module(f"{__package__}.{self.name}_autograd")

    def pad(self, x: Any, pad_left: int, pad_right: int) -> Any:
        """Reflect-pad the last axis by ``pad_left`` and ``pad_right`` samples.

        Raises
        ------
        ValueError
            If a side needs at least as many samples as the signal has.
        """
        size = x.shape[-1]
        if pad_left >= size or pad_right >= size:
            raise ValueError(f"Invalid padding size ({pad_left}, {pad_right}) for a "
                             f"signal of {size} samples: each side of a reflect padding "
                             f"must be shorter than the signal.")
        return self.Pad([pad_left, pad_right], [size])(x)

    def cdgmm(self, A: Any, B: Any) -> Any:
        """Multiply complex spectra ``A`` (..., N) by filters ``B`` (..., N), broadcasting
        the leading axes.

        Raises
        ------
        TypeError
            If ``A`` is not complex or ``B`` is neither real nor complex.
        RuntimeError
            If the last axes differ (signal and filter lengths do not match).
        """
        self._base.complex_check(A)
        if not (self._base.is_complex(B) or self._base.is_real(B)):
            raise TypeError(f"The filter should be real or complex, got dtype {B.dtype}.")
        if A.shape[-1] != B.shape[-1]:
            raise RuntimeError(f"The filters are not compatible for multiplication: "
                               f"signal length {A.shape[-1]}, filter length "
                               f"{B.shape[-1]}.")
        # (a complex filter: not every library multiplies complex by real arrays)
        return A * (B if self._base.is_complex(B) else self._base.make_complex(B))

    # -- primitives of the block-sparse core (see ..core.prepared_filters) --------
    def spectrum(self, x: Any, half: bool = False) -> Any:
        """FFT of real signals along the last axis: the whole spectrum (``n`` bins), or
        with ``half`` only the bins ``0 .. n // 2`` (a real FFT, about half the work)."""
        self._base.real_check(x)
        return self._base.rfft_last(x) if half else self._base.fft(x, 1)

    def irfft_length(self, x: Any, n: int) -> Any:
        """Real signals of length ``n`` whose half spectrum (``n // 2 + 1`` bins) is
        ``x``, a Hermitian spectrum's non-negative frequencies."""
        self._base.complex_check(x)
        return self._base.irfft_last(x, n)

    def conj_flip(self, x: Any) -> Any:
        """Complex conjugate of ``x`` reversed along the last axis."""
        return self._base.conj(self._base.flip(x, -1))

    def negate_frequencies(self, f: Any) -> Any:
        """``f(-w)``: the bins ``(-i) mod n`` of the last axis."""
        n = f.shape[-1]
        return self._base.take(f, [(-i) % n for i in range(n)], -1)

    def fold(self, x: Any, k: int) -> Any:
        """Sum of the ``k`` consecutive blocks of the last axis (periodisation).

        Adds block slices without autograd (fastest on CPU); with autograd the sum of a
        reshaped view, whose backward is a broadcast instead of ``k`` zero-filled
        copies.
        """
        if k == 1:
            return x
        size = x.shape[-1] // k
        if self._base.requires_grad(x):
            return self._base.reduce_sum(
                self._base.reshape(x, tuple(x.shape[:-1]) + (k, size)), -2)
        out = x[..., :size] + x[..., size:2 * size]
        for b in range(2, k):
            out += x[..., b * size:(b + 1) * size]
        return out

    def sliced_product(self, X: Any, f: Any, pieces: Sequence[Tuple[int, int, bool]],
                       length: int) -> Any:
        """Products of spectra with a filter over a few windows, folded and summed.

        ``sum_i t_i(fold(X[..., w_i] * f[..., w_i], count_i))`` with windows
        ``w_i = start_i .. start_i + count_i * length``, ``t_i`` the identity or, for a
        ``mirrored`` piece, :meth:`conj_flip`. ``X`` and ``f`` broadcast; the result has
        ``length`` bins. With torch autograd, the backward allocates one gradient.

        Parameters
        ----------
        X : array, complex, shape (..., n)
        f : array, complex, shape (..., n)
        pieces : sequence of (start, count, mirrored)
        length : int
        """
        if self._adjoints is not None:
            return self._adjoints.sliced_product(X, f, tuple(pieces), length,
                                                 self._sliced_product)
        return self._sliced_product(X, f, pieces, length)

    def _sliced_product(self, X: Any, f: Any, pieces: Sequence[Tuple[int, int, bool]],
                        length: int) -> Any:
        out = None
        in_blocks = not (self._base.requires_grad(X) or self._base.requires_grad(f))
        for start, count, mirrored in pieces:
            if in_blocks:  # fold's sums, without the full-size product in memory
                blocks = [(Ellipsis, slice(start + b * length, start + (b + 1) * length))
                          for b in range(count)]
                term = X[blocks[0]] * f[blocks[0]]
                for block in blocks[1:]:
                    term += X[block] * f[block]
            else:
                window = (Ellipsis, slice(start, start + count * length))
                term = self.fold(X[window] * f[window], count)
            if mirrored:
                term = self.conj_flip(term)
            out = term if out is None else out + term
        return out

    def complex_filter(self, f: Any) -> Any:
        """A real filter cast to the complex dtype of its precision (both libraries
        multiply complex by complex faster than complex by real: no cast on the fly)."""
        return self._base.make_complex(f)

    def nonzero(self, f: Any) -> np.ndarray:
        """Where ``f`` is nonzero, as a NumPy boolean array (for planning only)."""
        return self._base.to_numpy(f) != 0

    def subsample_fourier(self, x: Any, k: int) -> Any:
        """Spectrum of the signal subsampled by ``k`` (``x`` itself when ``k == 1``)."""
        return x if k == 1 else super().subsample_fourier(x, k)

    def unpad(self, x: Any, i0: int, i1: int) -> Any:  # type: ignore[override]
        """The samples ``i0 .. i1 - 1`` of the last axis (a view)."""
        return x[..., i0:i1]

    def primitives(self) -> dict:
        """Every primitive by name (``pad`` and ``unpad`` in their 1D form)."""
        return dict(super().primitives(), pad=self.pad, cdgmm=self.cdgmm)

    @classmethod
    def from_module_name(cls, module_name: str) -> "FourierBackend1D":
        """The backend over the array library module ``module_name``."""
        return cls(importlib.import_module(module_name))

    def __reduce__(self) -> tuple:
        # Rebuilt from the library's module name (pickle, copy, sklearn.clone).
        return (FourierBackend1D.from_module_name, (self._base.__name__,))
