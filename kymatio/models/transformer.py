"""What the transformer classifiers share: named sizes, the encoder stack, initialisation.

:class:`TransformerClassifier` is the base of :class:`~kymatio.models.WaveletTransformer`
and :class:`~kymatio.models.VisionTransformer`: a subclass builds its tokens (its own part
of the frontend), then calls :meth:`~TransformerClassifier._build_encoder` for the blocks,
the final norm and the linear head. Everything but the head is the frontend.
"""
from typing import Any, Dict, Iterator, Optional

from torch import Tensor, nn

from ..attention.wmsa import TransformerBlock
from ..frontend.memory import check_parameters
from .two_phase import ImageSize, TwoPhaseClassifier, _positive_int

__all__ = ["PRESETS", "PresetSizes", "TransformerClassifier", "init_transformer_weights"]

#: Sizes of the seed's table: (embed_dim, depth, num_heads).
PRESETS: Dict[str, Dict[str, int]] = {
    "tiny": {"embed_dim": 96, "depth": 4, "num_heads": 3},
    "small": {"embed_dim": 192, "depth": 6, "num_heads": 3},
    "base": {"embed_dim": 384, "depth": 12, "num_heads": 6},
}


class PresetSizes:
    """``from_preset(name)`` and the ``tiny()``, ``small()``, ``base()`` shortcuts of the
    transformer models (sizes in :data:`PRESETS`; keyword arguments override them)."""

    @classmethod
    def from_preset(cls, name: str, **kwargs: Any) -> Any:
        """Model of a named size (``'tiny'``, ``'small'``, ``'base'``); kwargs override."""
        if name not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}, got {name!r}")
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


def init_transformer_weights(module: nn.Module) -> None:
    """Truncated-normal (std 0.02) linear weights with zero biases; unit layer norms."""
    if isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class TransformerClassifier(PresetSizes, TwoPhaseClassifier):
    """Tokens, ``depth`` pre-norm transformer blocks, a final norm and a linear head.

    Parameters
    ----------
    image_size : int or (int, int)
        Input height and width.
    in_channels, num_classes : int
        Input channels and classes.
    embed_dim, depth, num_heads : int
        Token size, number of blocks, attention heads.
    """

    # The frontend starts random: training the head alone first would fit noise.
    head_first = False

    def __init__(self, image_size: ImageSize, in_channels: int, num_classes: int,
                 embed_dim: int, depth: int, num_heads: int) -> None:
        super().__init__(image_size, in_channels, num_classes)
        self.embed_dim, self.depth, self.num_heads = (
            _positive_int(name, value) for name, value in
            (("embed_dim", embed_dim), ("depth", depth), ("num_heads", num_heads)))
        if self.embed_dim % self.num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads}).")

    def _check_memory(self, mlp_ratio: float, tokens: Dict[str, float],
                      remedy: str = "") -> None:
        """Refuse (:class:`~kymatio.frontend.memory.MemoryBudgetError`) sizes whose
        parameters exceed the memory limit, before building anything.

        Parameters
        ----------
        mlp_ratio : float
            MLP hidden size relative to ``embed_dim``.
        tokens : dict
            Parameter counts of the subclass' own token layers, by name.
        remedy : str, optional
            What else to change to need fewer of them.
        """
        if not (isinstance(mlp_ratio, (int, float)) and 0 < mlp_ratio < float("inf")):
            raise ValueError(f"mlp_ratio must be a positive number, got {mlp_ratio!r}.")
        d = self.embed_dim
        block = (4 + 2 * mlp_ratio) * d * d + (9 + 2 * mlp_ratio) * d
        check_parameters(type(self).__name__,
                         {**tokens, "blocks": self.depth * block,
                          "head": (d + 1) * self.num_classes},
                         f"lower embed_dim, depth, mlp_ratio or num_classes{remedy}")

    def _build_encoder(self, mlp_ratio: float, drop: float, use_kernel: bool = False,
                       scale_window: Optional[int] = None) -> None:
        """Add the blocks, the final norm and the head, then initialise every weight
        (called last by the subclass' constructor)."""
        self.blocks = nn.ModuleList(
            TransformerBlock(self.embed_dim, self.num_heads, mlp_ratio, use_kernel,
                             scale_window, drop)
            for _ in range(self.depth))
        self.norm = nn.LayerNorm(self.embed_dim)
        self.head = nn.Linear(self.embed_dim, self.num_classes)
        self.apply(init_transformer_weights)

    def _encode(self, tokens: Tensor, metadata: Optional[Dict[str, Tensor]] = None) -> Tensor:
        """The blocks then the final norm on tokens ``(B, N, embed_dim)``."""
        for block in self.blocks:
            tokens = block(tokens, metadata)
        return self.norm(tokens)

    def frontend_parameters(self) -> Iterator[nn.Parameter]:
        """Every parameter but the head's (tokens, blocks, final norm)."""
        return (p for name, p in self.named_parameters() if not name.startswith("head."))

    def head_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the linear head."""
        return self.head.parameters()

    def extra_repr(self) -> str:
        return (f"image_size={self.image_size}, in_channels={self.in_channels}, "
                f"num_classes={self.num_classes}, embed_dim={self.embed_dim}, "
                f"depth={self.depth}, num_heads={self.num_heads}")
