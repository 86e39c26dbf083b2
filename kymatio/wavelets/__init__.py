"""Differentiable 2D discrete wavelet transform and its inverse, equal to PyWavelets.

``dwt2``/``idwt2`` (one level) and ``wavedec2``/``waverec2`` (several) on tensors of shape
``(..., H, W)``, for every discrete wavelet of PyWavelets and the usual boundary modes;
``DWT2D``/``IDWT2D`` are the same as modules. PyWavelets (``pip install PyWavelets``)
supplies the filter taps; it is imported the first time a wavelet is used, so
``import kymatio`` does not need it.
"""
from .dwt import DWT2D, IDWT2D, dwt2, dwt_max_level, idwt2, wavedec2, waverec2
from .filters import MODES, WaveletFilters, wavelet_filters

__all__ = ["MODES", "dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D",
           "IDWT2D", "WaveletFilters", "wavelet_filters"]
