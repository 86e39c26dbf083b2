"""Wavelet-attention frontend: wavelet tokens, scale-aware positional encoding, a PSD
attention kernel over scale, orientation and space, and W-MSA transformer blocks.

The tokens come from the 2D DWT of :mod:`kymatio.wavelets`.
"""
from .._deprecation import moved_names
from .kernel import WaveletAttentionKernel
from .positional import ScaleAwarePositionalEncoding, sinusoidal_encoding_2d
from .tokenizer import ORIENTATIONS, WaveletTokenizer, token_layout
from .wmsa import TransformerBlock, WaveletMultiScaleAttention

__all__ = ["ORIENTATIONS", "WaveletTokenizer", "token_layout", "ScaleAwarePositionalEncoding",
           "sinusoidal_encoding_2d", "WaveletAttentionKernel", "WaveletMultiScaleAttention",
           "TransformerBlock"]

# The DWT lived here until it became kymatio.wavelets.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("MODES", "dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D", "IDWT2D"),
    "kymatio.wavelets"))
