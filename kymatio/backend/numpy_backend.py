"""Kymatio 0.3.0's NumPy backend layer: :class:`NumpyBackend`, the base of the 1D, 2D and
3D NumPy backends at ``kymatio.scattering{1,2,3}d.backend.numpy_backend``.

These classes keep upstream's interface (class methods, upstream's checks, exceptions and
array layouts) for code that calls backend primitives directly. The transforms themselves
run on the fast backends of :mod:`kymatio.backend.native_numpy`, which the frontends pick
by the backend's ``name``; the primitives here delegate the arithmetic to them.

The classes are written against the array library's native module (``_native``), so the
JAX and TensorFlow backends (:mod:`kymatio.backend.jax_backend`,
:mod:`kymatio.backend.tensorflow_backend`) are these classes with another module.
"""
from typing import Any, Sequence, Tuple

import numpy
import scipy.fft

from . import native_numpy

__all__ = ["NumpyBackend", "NumpyFourierBackend"]


class NumpyBackend:
    """Primitives shared by the NumPy backends of every dimension (Kymatio 0.3.0's
    ``kymatio.backend.numpy_backend.NumpyBackend``). Complex values are NumPy complex
    arrays; every method is a class method.

    ``_native`` is the module of fast primitives of the array library
    (:mod:`~kymatio.backend.native_numpy` here); subclasses for other libraries replace it
    (with ``name``, ``_np`` and :meth:`input_checks`).
    """

    name = "numpy"
    _np = numpy
    _fft = scipy.fft
    _native = native_numpy
    # what input_checks accepts, its name in messages and how to convert to it
    _array_types: Tuple[type, ...] = (numpy.ndarray,)
    _array_name = "a numpy array"
    _conversion = "np.asarray"

    @classmethod
    def input_checks(cls, x: Any) -> None:
        """Raise TypeError unless ``x`` is an array of the library (a NumPy array here)."""
        if x is None:
            raise TypeError(f"The input should be not empty: got None instead of "
                            f"{cls._array_name}.")
        if not isinstance(x, cls._array_types):
            raise TypeError(f"The input should be {cls._array_name}, got type {type(x)}; "
                            f"convert it with {cls._conversion}.")

    @classmethod
    def for_transform(cls, transform_backend: type, module: str) -> type:
        """The class of ``transform_backend``'s primitives (a NumPy backend of one
        transform, e.g. ``NumpyBackend2D``) on this class's library: a subclass of both,
        named after them (``JaxBackend2D``) and placed in ``module``, as upstream defines
        ``JaxBackend2D(JaxBackend, NumpyBackend2D)``."""
        library = cls.__name__[:-len("Backend")]
        name = transform_backend.__name__.replace("Numpy", library, 1)
        return type(name, (cls, transform_backend), {
            "__module__": module,
            "__doc__": f":class:`~{transform_backend.__module__}.{transform_backend.__name__}`"
                       f" on the arrays and primitives of :class:`~{cls.__module__}."
                       f"{cls.__name__}`."})

    @staticmethod
    def _dtype(x: Any) -> numpy.dtype:
        """The dtype of ``x`` as a NumPy dtype."""
        return numpy.dtype(x.dtype)

    @classmethod
    def _is_complex(cls, x: Any) -> bool:
        return cls._dtype(x) in (numpy.complex64, numpy.complex128)

    @classmethod
    def _is_real(cls, x: Any) -> bool:
        return cls._dtype(x) in (numpy.float32, numpy.float64)

    @classmethod
    def complex_check(cls, x: Any) -> None:
        """Raise TypeError unless ``x`` is complex64 or complex128."""
        if not cls._is_complex(x):
            raise TypeError(f"The input should be complex (complex64 or complex128), got "
                            f"dtype {cls._dtype(x)}.")

    @classmethod
    def real_check(cls, x: Any) -> None:
        """Raise TypeError unless ``x`` is float32 or float64."""
        if not cls._is_real(x):
            raise TypeError(f"The input should be real (float32 or float64), got dtype "
                            f"{cls._dtype(x)}.")

    @classmethod
    def concatenate(cls, arrays: Sequence[numpy.ndarray]) -> numpy.ndarray:
        """Stack equally shaped arrays along a new axis 1."""
        return cls._native.concatenate(arrays, axis=1)

    @classmethod
    def modulus(cls, x: numpy.ndarray) -> numpy.ndarray:
        """Elementwise modulus of a complex array (a real array of the same shape)."""
        return cls._native.modulus(x)

    @classmethod
    def cdgmm(cls, A: numpy.ndarray, B: numpy.ndarray) -> numpy.ndarray:
        """Pointwise product of a complex array ``A`` ``(..., *S)`` with a filter ``B`` of
        shape ``S``, real or complex.

        Raises
        ------
        TypeError
            If ``A`` is not complex or ``B`` is neither real nor complex.
        RuntimeError
            If the last axes of ``A`` are not ``B``'s shape.
        """
        if not cls._is_complex(A):
            raise TypeError(f"The first input must be complex (the signal's spectrum), got "
                            f"dtype {cls._dtype(A)}.")
        signal, filter_shape = tuple(A.shape), tuple(B.shape)
        if signal[len(signal) - len(filter_shape):] != filter_shape:
            raise RuntimeError(f"The inputs are not compatible for multiplication: the last "
                               f"axes of the signal {signal} must equal the filter's shape "
                               f"{filter_shape}.")
        if not (cls._is_complex(B) or cls._is_real(B)):
            raise TypeError(f"The second input must be complex or real (the filter), got "
                            f"dtype {cls._dtype(B)}.")
        return cls._native.cdgmm(A, B)


class NumpyFourierBackend(NumpyBackend):
    """:class:`NumpyBackend` plus the FFTs and Fourier subsampling over the last
    ``signal_ndim`` axes (set by the 1D, 2D and 3D subclasses)."""

    signal_ndim = 1

    @classmethod
    def rfft(cls, x: numpy.ndarray) -> numpy.ndarray:
        """FFT of a real array over the signal axes (the whole complex spectrum)."""
        cls.real_check(x)
        return cls._native.fft(x, cls.signal_ndim)

    @classmethod
    def ifft(cls, x: numpy.ndarray) -> numpy.ndarray:
        """Inverse FFT of a complex array over the signal axes."""
        cls.complex_check(x)
        return cls._native.fft(x, cls.signal_ndim, inverse=True)

    @classmethod
    def irfft(cls, x: numpy.ndarray) -> numpy.ndarray:
        """Real part of the inverse FFT over the signal axes."""
        return cls._native.real(cls.ifft(x))

    @classmethod
    def subsample_fourier(cls, x: numpy.ndarray, k: int) -> numpy.ndarray:
        """Spectrum of the signal subsampled by ``k`` along every signal axis: the mean of
        the ``k`` blocks of each signal axis. Leading axes are kept."""
        cls.complex_check(x)
        return cls._native.periodize(x, k, cls.signal_ndim) / k ** cls.signal_ndim
