"""Wavelet Transformer: wavelet tokens, scale-aware encoding, W-MSA blocks, linear head.

Pipeline: image ``(B, C, H, W)`` -> :class:`~kymatio.attention.WaveletTokenizer`
(multi-level 2D DWT, one token per coefficient position and band) ->
:class:`~kymatio.attention.ScaleAwarePositionalEncoding` -> ``depth`` pre-norm
transformer blocks with W-MSA -> layer norm -> mean over tokens -> linear classifier.
"""
from typing import Dict, Optional, Tuple

from torch import Tensor

from .._deprecation import moved_names
from ..attention.positional import ScaleAwarePositionalEncoding
from ..attention.tokenizer import WaveletTokenizer
from .two_phase import ImageSize
from .transformer import TransformerClassifier

__all__ = ["WaveletTransformer"]

# The shared transformer sizes lived here until they moved to their own module.
__getattr__ = moved_names(__name__, dict.fromkeys(("PRESETS", "PresetSizes"),
                                                  "kymatio.models.transformer"))


class WaveletTransformer(TransformerClassifier):
    """Image classifier attending over multi-scale wavelet tokens.

    Parameters
    ----------
    image_size : int or (int, int)
        Input height and width.
    in_channels : int
        Input channels.
    num_classes : int
        Number of classes.
    embed_dim, depth, num_heads : int
        Token size, number of blocks, attention heads.
    n_levels : int
        DWT levels of the tokeniser.
    wavelet : str
        Discrete wavelet of PyWavelets.
    use_kernel : bool
        W-MSA with the PSD scale/orientation/space kernel (``False``: plain attention).
    mlp_ratio : float
        MLP hidden size relative to ``embed_dim``.
    mode : str
        DWT boundary mode.
    include_approximations : bool
        Intermediate approximations as tokens (the seed's layout).
    scale_window : int, optional
        Hard limit on the level distance of attending tokens.
    drop : float
        Dropout in the blocks.

    Examples
    --------
    >>> model = WaveletTransformer.tiny(image_size=32, in_channels=3, num_classes=10)
    >>> tokens, meta = model.forward_features(torch.randn(2, 3, 32, 32))  # doctest: +SKIP
    """

    def __init__(self, image_size: ImageSize = 32, in_channels: int = 3,
                 num_classes: int = 10, embed_dim: int = 192, depth: int = 6,
                 num_heads: int = 3, n_levels: int = 3, wavelet: str = "db4",
                 use_kernel: bool = True, mlp_ratio: float = 4.0,
                 mode: str = "periodization", include_approximations: bool = True,
                 scale_window: Optional[int] = None, drop: float = 0.0):
        super().__init__(image_size, in_channels, num_classes, embed_dim, depth, num_heads)
        self.n_levels, self.wavelet, self.use_kernel = n_levels, wavelet, use_kernel
        self._check_memory(mlp_ratio, {})
        self.tokenizer = WaveletTokenizer(in_channels, embed_dim, n_levels, wavelet, mode,
                                          include_approximations)
        self.pos_encoding = ScaleAwarePositionalEncoding(embed_dim, n_levels)
        self._build_encoder(mlp_ratio, drop, use_kernel, scale_window)

    @property
    def num_tokens(self) -> int:
        """Number of tokens for inputs of ``image_size``."""
        return self.tokenizer.num_tokens(*self.image_size)

    def forward_features(self, x: Tensor) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Final tokens ``(B, N, embed_dim)`` (after the last norm) and their metadata.

        The metadata dict holds ``'scale'``, ``'orientation'`` and ``'position'``
        (see :func:`kymatio.attention.token_layout`).
        """
        tokens, meta = self.tokenizer(x)
        return self._encode(self.pos_encoding(tokens, meta), meta), meta

    def forward(self, x: Tensor) -> Tensor:
        """Class logits ``(B, num_classes)``."""
        tokens, _ = self.forward_features(x)
        return self.head(tokens.mean(dim=1))

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, n_levels={self.n_levels}, "
                f"wavelet={self.wavelet!r}, use_kernel={self.use_kernel}")
