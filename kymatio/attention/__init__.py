"""Wavelet-attention frontend: differentiable 2D DWT/IDWT, wavelet tokens, W-MSA.

PyWavelets (``pip install PyWavelets``) supplies the filter taps; it is imported the
first time a wavelet is used, so ``import kymatio`` does not need it.
"""
from .dwt import DWT2D, IDWT2D, MODES, dwt2, dwt_max_level, idwt2, wavedec2, waverec2
from .kernel import WaveletAttentionKernel
from .positional import ScaleAwarePositionalEncoding, sinusoidal_encoding_2d
from .tokenizer import ORIENTATIONS, WaveletTokenizer, token_layout
from .wmsa import TransformerBlock, WaveletMultiScaleAttention

__all__ = ["MODES", "dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D",
           "IDWT2D", "ORIENTATIONS", "WaveletTokenizer", "token_layout",
           "ScaleAwarePositionalEncoding", "sinusoidal_encoding_2d", "WaveletAttentionKernel",
           "WaveletMultiScaleAttention", "TransformerBlock"]
