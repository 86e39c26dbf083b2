"""Wavelet Transformer: wavelet tokens, scale-aware encoding, W-MSA blocks, linear head.

Pipeline: image ``(B, C, H, W)`` -> :class:`~kymatio.attention.WaveletTokenizer`
(multi-level 2D DWT, one token per coefficient position and band) ->
:class:`~kymatio.attention.ScaleAwarePositionalEncoding` -> ``depth`` pre-norm
transformer blocks with W-MSA -> layer norm -> mean over tokens -> linear classifier.
"""
from typing import Any, Dict, Optional, Tuple, Union

from torch import Tensor, nn

from ..attention.positional import ScaleAwarePositionalEncoding
from ..attention.tokenizer import WaveletTokenizer
from ..attention.wmsa import TransformerBlock

__all__ = ["WaveletTransformer", "PresetSizes", "PRESETS"]

#: Sizes of the seed's table: (embed_dim, depth, num_heads).
PRESETS: Dict[str, Dict[str, int]] = {
    "tiny": {"embed_dim": 96, "depth": 4, "num_heads": 3},
    "small": {"embed_dim": 192, "depth": 6, "num_heads": 3},
    "base": {"embed_dim": 384, "depth": 12, "num_heads": 6},
}


def _pair(size: Union[int, Tuple[int, int]]) -> Tuple[int, int]:
    return (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))


class PresetSizes:
    """``from_preset(name)`` and the ``tiny()``, ``small()``, ``base()`` shortcuts of the
    transformer models (sizes in :data:`PRESETS`; keyword arguments override them)."""

    @classmethod
    def from_preset(cls, name: str, **kwargs: Any) -> Any:
        """Model of a named size (``'tiny'``, ``'small'``, ``'base'``); kwargs override."""
        if name not in PRESETS:
            raise ValueError("preset must be one of {}, got {!r}".format(sorted(PRESETS), name))
        return cls(**{**PRESETS[name], **kwargs})

    @classmethod
    def tiny(cls, **kwargs: Any) -> Any:
        """embed_dim 96, depth 4, 3 heads."""
        return cls.from_preset("tiny", **kwargs)

    @classmethod
    def small(cls, **kwargs: Any) -> Any:
        """embed_dim 192, depth 6, 3 heads."""
        return cls.from_preset("small", **kwargs)

    @classmethod
    def base(cls, **kwargs: Any) -> Any:
        """embed_dim 384, depth 12, 6 heads."""
        return cls.from_preset("base", **kwargs)


class WaveletTransformer(PresetSizes, nn.Module):
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

    def __init__(self, image_size: Union[int, Tuple[int, int]] = 32, in_channels: int = 3,
                 num_classes: int = 10, embed_dim: int = 192, depth: int = 6,
                 num_heads: int = 3, n_levels: int = 3, wavelet: str = "db4",
                 use_kernel: bool = True, mlp_ratio: float = 4.0,
                 mode: str = "periodization", include_approximations: bool = True,
                 scale_window: Optional[int] = None, drop: float = 0.0):
        super().__init__()
        self.image_size = _pair(image_size)
        self.in_channels, self.num_classes = in_channels, num_classes
        self.embed_dim, self.depth, self.num_heads = embed_dim, depth, num_heads
        self.n_levels, self.wavelet, self.use_kernel = n_levels, wavelet, use_kernel
        self.tokenizer = WaveletTokenizer(in_channels, embed_dim, n_levels, wavelet, mode,
                                          include_approximations)
        self.pos_encoding = ScaleAwarePositionalEncoding(embed_dim, n_levels)
        self.blocks = nn.ModuleList(
            TransformerBlock(embed_dim, num_heads, mlp_ratio, use_kernel, scale_window, drop)
            for _ in range(depth))
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, num_classes)
        self.apply(_init_weights)

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
        tokens = self.pos_encoding(tokens, meta)
        for block in self.blocks:
            tokens = block(tokens, meta)
        return self.norm(tokens), meta

    def forward(self, x: Tensor) -> Tensor:
        """Class logits ``(B, num_classes)``."""
        tokens, _ = self.forward_features(x)
        return self.head(tokens.mean(dim=1))

    def extra_repr(self) -> str:
        return ("image_size={}, in_channels={}, num_classes={}, embed_dim={}, depth={}, "
                "num_heads={}, n_levels={}, wavelet={!r}, use_kernel={}".format(
                    self.image_size, self.in_channels, self.num_classes, self.embed_dim,
                    self.depth, self.num_heads, self.n_levels, self.wavelet, self.use_kernel))


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
