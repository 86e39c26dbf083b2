"""Filter taps of discrete wavelets and the boundary modes of the transforms.

PyWavelets supplies the taps; it is imported the first time a wavelet is named, so
``import kymatio`` does not need it.
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Tuple

import numpy as np

__all__ = ["MODES", "WaveletFilters", "wavelet_filters", "max_level"]

#: Boundary modes understood by the transforms: every mode of PyWavelets
#: (``pywt.Modes.modes``), by its name.
MODES = ("zero", "symmetric", "reflect", "periodic", "constant", "periodization",
         "smooth", "antisymmetric", "antireflect")


@dataclass(frozen=True)
class WaveletFilters:
    """Decomposition and reconstruction filters of a discrete wavelet.

    Attributes
    ----------
    name : str
        The wavelet's name (``'db4'``, ...).
    dec_lo, dec_hi, rec_lo, rec_hi : tuple of float
        The four filters, as PyWavelets reports them (equal lengths).
    """

    name: str
    dec_lo: Tuple[float, ...]
    dec_hi: Tuple[float, ...]
    rec_lo: Tuple[float, ...]
    rec_hi: Tuple[float, ...]

    @property
    def length(self) -> int:
        """Number of taps ``F`` of each filter."""
        return len(self.dec_lo)


def wavelet_filters(wavelet: Any) -> WaveletFilters:
    """Filters of a discrete wavelet known to PyWavelets.

    Parameters
    ----------
    wavelet : str or pywt.Wavelet or WaveletFilters
        A name such as ``'haar'``, ``'db4'``, ``'bior2.4'``, or an object with the
        attributes ``dec_lo``, ``dec_hi``, ``rec_lo``, ``rec_hi``.

    Returns
    -------
    WaveletFilters
    """
    if isinstance(wavelet, WaveletFilters):
        return wavelet
    if isinstance(wavelet, str):
        return _named_filters(wavelet)
    if all(hasattr(wavelet, k) for k in ("dec_lo", "dec_hi", "rec_lo", "rec_hi")):
        name = str(getattr(wavelet, "name", "custom"))
        return WaveletFilters(name, *(tuple(float(v) for v in getattr(wavelet, k))
                                      for k in ("dec_lo", "dec_hi", "rec_lo", "rec_hi")))
    raise TypeError("wavelet must be a name known to PyWavelets or an object with "
                    f"dec_lo/dec_hi/rec_lo/rec_hi, got {type(wavelet).__name__!r}")


@lru_cache(maxsize=None)
def _named_filters(name: str) -> WaveletFilters:
    try:
        import pywt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("kymatio.wavelets needs PyWavelets for its filter taps: "
                          "pip install PyWavelets") from exc
    try:
        w = pywt.Wavelet(name)
    except ValueError as exc:
        raise ValueError(f"unknown discrete wavelet {name!r} "
                         "(see pywt.wavelist(kind='discrete'))") from exc
    return wavelet_filters(w)


def max_level(size: int, filter_length: int) -> int:
    """Deepest useful decomposition level (the rule of ``pywt.dwt_max_level``)."""
    if filter_length < 2 or size < filter_length - 1:
        return 0
    return int(np.floor(np.log2(size / (filter_length - 1))))
