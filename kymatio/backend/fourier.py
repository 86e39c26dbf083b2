"""The backend interface of the Fourier scattering cores, for any number of dimensions.

A :class:`FourierBackend` bundles one array library's shared primitives (a module of
:mod:`kymatio.backend`) with the FFTs, subsampling, padding and unpadding over the last
``ndim`` axes. The 1D, 2D and 3D backends are instances of it.
"""
import importlib
import itertools
from types import ModuleType
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

__all__ = ["FourierBackend", "native_library", "optional_module", "ARRAY_FUNCTIONS",
           "NATIVE_INTERFACE",
           "working_set", "dtype_checks", "sum_blocks", "block_indices", "periodized_product",
           "split_shape", "split_blocks",
           "check_filter_product", "ReflectPad", "reflect_pad_steps"]


# Array functions every native module provides besides the scattering primitives, so that
# the cores and backends never call methods of one library's arrays: ``real``, ``imag``,
# ``conj``, ``sqrt`` (with the subgradient 0 at 0), ``take(x, indices, axis)``,
# ``swapaxes(x, a, b)``, ``reduce_sum(x, axis)``, ``flip(x, axis)``, ``rfft_last(x)`` and
# ``irfft_last(x, n)`` (real FFTs along the last axis), ``to_numpy``, ``requires_grad``
# (a gradient is recorded, or the values are abstract), ``view_as_real`` (complex ->
# (..., 2)), ``view_as_complex`` and ``square_fresh`` (square, in place where the library allows).
ARRAY_FUNCTIONS = ("real", "imag", "conj", "sqrt", "take", "swapaxes", "reduce_sum", "flip",
                   "rfft_last", "irfft_last", "to_numpy", "requires_grad", "view_as_real",
                   "view_as_complex", "square_fresh")


#: What every module ``kymatio.backend.native_<library>`` exports (its ``__all__``).
NATIVE_INTERFACE = ("name", "is_complex", "is_real", "complex_check", "real_check",
                    "contiguous_check", "modulus", "cdgmm", "concatenate", "join", "split",
                    "reshape", "fft", "periodize", "periodized_product", "check_product",
                    "Pad", "prepare_filter", "stack_real_imag", "pack_pairs", "make_complex",
                    "cache_sized_pieces", "cache_sized_volumes", "working_set_scale"
                    ) + ARRAY_FUNCTIONS


def native_library(name: str) -> ModuleType:
    """The module of fast primitives for the array library ``name`` (``'numpy'``,
    ``'torch'``, ...): :mod:`kymatio.backend.native_<name>`.

    These work on the library's native complex arrays. The modules at Kymatio 0.3.0's
    paths (``kymatio.backend.torch_backend``, ...) keep upstream's layout instead.
    """
    return importlib.import_module(f"kymatio.backend.native_{name}")


def dtype_checks(is_complex: Callable[[Any], bool], is_real: Callable[[Any], bool]
                 ) -> Tuple[Callable[[Any], None], Callable[[Any], None]]:
    """A library's ``complex_check`` and ``real_check`` from its ``is_complex`` and
    ``is_real``: each raises TypeError, naming the dtype, unless the array is of the
    kind."""
    def complex_check(x: Any) -> None:
        """Raise TypeError unless ``x`` is complex."""
        if not is_complex(x):
            raise TypeError(f"The input should be complex, got dtype {x.dtype}.")

    def real_check(x: Any) -> None:
        """Raise TypeError unless ``x`` is real floating point."""
        if not is_real(x):
            raise TypeError(f"The input should be real floating point, got dtype "
                            f"{x.dtype}.")
    return complex_check, real_check


def working_set(backend: Any, size: int, scaled: bool = True, volumes: bool = False) -> int:
    """The bytes one product of a core may hold: ``size`` (a cache-sized piece of the
    batch), times the library's ``working_set_scale`` where ``scaled``, or unbounded for
    a library whose ``cache_sized_pieces`` is False (JAX, TensorFlow: every op has its
    cost of dispatch or adds to a compiled graph, and measured, whole batches are
    faster in 1D and 2D). The 3D core (``volumes``) reads ``cache_sized_volumes``
    instead: XLA's 3D FFTs and products are ~1.5x faster on volumes that fit the
    caches."""
    if not (backend.cache_sized_volumes if volumes else backend.cache_sized_pieces):
        return 2 ** 62
    return int(size * backend.working_set_scale) if scaled else size


def optional_module(module_name: str) -> Optional[ModuleType]:
    """The module ``module_name``, or None if there is no such module (a library's
    optional extension, e.g. hand-written adjoints)."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return None


def sum_blocks(x: Any, k: int, ndim: int) -> Any:
    """Sum of the ``k`` blocks of size ``n // k`` along each of the last ``ndim`` axes.

    Works on the arrays of every native library (only slicing and ``+``); adding
    block slices is several times faster than a strided sum over a reshaped view.
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


def block_indices(shape: Sequence[int], k: int, ndim: int) -> list:
    """Indices of the ``k ** ndim`` blocks that tile the last ``ndim`` axes of ``shape``."""
    sizes = [size // k for size in shape[len(shape) - ndim:]]
    return [(Ellipsis,) + tuple(slice(b * s, (b + 1) * s) for b, s in zip(starts, sizes))
            for starts in itertools.product(range(k), repeat=ndim)]


def split_shape(shape: Sequence[int], k: int, ndim: int) -> tuple:
    """``shape`` with each of its last ``ndim`` sizes ``n`` split into ``(k, n // k)``."""
    shape = tuple(shape)
    split = shape[:len(shape) - ndim]
    for size in shape[len(shape) - ndim:]:
        split += (k, size // k)
    return split


def split_blocks(x: Any, k: int, ndim: int) -> Any:
    """View of ``x`` with each of its last ``ndim`` axes split into ``(k, n // k)``."""
    return x.reshape(split_shape(x.shape, k, ndim))


def periodized_product(A: Any, B: Any, k: int, ndim: int) -> Any:
    """``sum_blocks(A * B, k, ndim)`` without forming the full-size product.

    For ``k = 2`` the blocks are multiplied one by one and accumulated (``k ** ndim``
    times less memory written than multiplying first); for larger ``k`` the blocks are
    small and one broadcast product of block views, summed over the block axes, avoids
    a Python loop over ``k ** ndim`` of them. The operands broadcast as in ``A * B``.
    """
    if k == 1:
        return A * B
    if k > 2:
        product = split_blocks(A, k, ndim) * split_blocks(B, k, ndim)
        for innermost in range(ndim):  # (..., k, m, k, n) -> (..., k, m, n) -> (..., m, n)
            product = product.sum(-2 - innermost)
        return product
    out = None
    for index in block_indices(A.shape, k, ndim):
        product = A[index] * B[index]
        if out is None:
            out = product
        else:
            out += product
    return out


def check_filter_product(A: Any, B: Any, library: ModuleType) -> None:
    """Raise a clear error unless the complex signal ``A`` can be multiplied by the
    filter ``B`` (checks shared by the NumPy and torch ``cdgmm``)."""
    library.complex_check(A)
    if not (library.is_complex(B) or library.is_real(B)):
        raise TypeError(f"The filter should be real or complex, got dtype {B.dtype}.")
    try:
        np.broadcast_shapes(tuple(A.shape), tuple(B.shape))
        compatible = tuple(A.shape[-2:]) == tuple(B.shape[-2:]) or B.ndim < 2
    except ValueError:
        compatible = False
    if not compatible:
        raise RuntimeError(f"The filters are not compatible for multiplication: "
                           f"signal shape {tuple(A.shape)}, filter shape {tuple(B.shape)}.")


class ReflectPad:
    """Reflect padding of the last ``len(input_size)`` axes (the library's subclass
    implements ``__call__``).

    Parameters
    ----------
    pad_size : sequence of int
        ``[before_0, after_0, before_1, after_1, ...]`` for each signal axis.
    input_size : sequence of int
        Size of the signal axes before padding.
    pre_pad : bool, optional
        If True the input is already padded and is returned unchanged.
    """

    def __init__(self, pad_size: Sequence[int], input_size: Sequence[int],
                 pre_pad: bool = False) -> None:
        self.pad_size = list(pad_size)
        self.input_size = list(input_size)
        self.pre_pad = pre_pad

    @property
    def widths(self) -> list:
        """``(before, after)`` per signal axis."""
        return [(self.pad_size[2 * i], self.pad_size[2 * i + 1])
                for i in range(len(self.input_size))]


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
        A native module, :mod:`kymatio.backend.native_<library>` (NumPy, torch, JAX,
        TensorFlow).
    ndim : int
        Number of trailing (signal) axes the FFTs act on.
    """

    def __init__(self, base: ModuleType, ndim: int) -> None:
        self._base = base
        self.ndim = ndim
        self.name = base.name
        self.Pad = base.Pad
        for primitive in base.__all__:
            if primitive not in ("name", "fft", "periodize", "periodized_product", "Pad"):
                setattr(self, primitive, getattr(base, primitive))

    def rfft(self, x: Any) -> Any:
        """FFT of a real signal over the signal axes (full complex spectrum)."""
        self._base.real_check(x)
        return self._base.fft(x, self.ndim)

    def fft(self, x: Any, fresh: bool = False) -> Any:
        """FFT of a complex signal over the signal axes; ``fresh``: ``x`` is a temporary
        that nothing else holds, which the library may overwrite (NumPy does)."""
        self._base.complex_check(x)
        return self._base.fft(x, self.ndim, fresh=fresh)

    def ifft(self, x: Any, fresh: bool = False) -> Any:
        """Inverse FFT of a complex spectrum over the signal axes (``fresh`` as in
        :meth:`fft`)."""
        self._base.complex_check(x)
        return self._base.fft(x, self.ndim, inverse=True, fresh=fresh)

    def irfft(self, x: Any) -> Any:
        """Real part of the inverse FFT over the signal axes."""
        self._base.complex_check(x)
        return self._base.real(self._base.fft(x, self.ndim, inverse=True))

    def subsample_fourier(self, x: Any, k: int) -> Any:
        """Spectrum of the signal subsampled by ``k`` along every signal axis.

        Periodises the spectrum: the mean of its ``k`` blocks of size ``n // k`` along
        each signal axis.
        """
        return self._base.periodize(x, k, self.ndim) / k ** self.ndim

    def periodize(self, x: Any, k: int) -> Any:
        """Sum of the ``k`` spectral blocks along every signal axis (unnormalised
        :meth:`subsample_fourier`)."""
        return self._base.periodize(x, k, self.ndim)

    def periodized_product(self, A: Any, B: Any, k: int) -> Any:
        """``periodize(cdgmm(A, B), k)``, computed block by block."""
        self._base.check_product(A, B)
        return self._base.periodized_product(A, B, k, self.ndim)

    def unpad(self, x: Any) -> Any:
        """Remove one sample at both ends of every signal axis."""
        return x[(Ellipsis,) + (slice(1, -1),) * self.ndim]

    def primitives(self) -> dict:
        """Every primitive by name, for a backend module to export."""
        own = ("name", "fft", "periodize", "periodized_product")
        names = [n for n in self._base.__all__ if n not in own]
        names += ["rfft", "fft", "ifft", "irfft", "subsample_fourier", "periodize",
                  "periodized_product", "unpad"]
        return {n: getattr(self, n) for n in names}

    def __reduce__(self) -> tuple:
        # Backends hold a module; pickle (and sklearn's clone) rebuild them by name.
        return (_backend_by_name, (self._base.__name__, self.ndim))

    def __repr__(self) -> str:
        return f"FourierBackend(name={self.name!r}, ndim={self.ndim})"


def _backend_by_name(module_name: str, ndim: int) -> FourierBackend:
    return FourierBackend(importlib.import_module(module_name), ndim)
