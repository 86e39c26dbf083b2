"""Plain Vision Transformer baseline, sized like :class:`WaveletTransformer`.

Patch embedding (a strided convolution), a class token, learnable absolute position
embeddings, the same pre-norm transformer blocks as the wavelet model without the
kernel, and a linear head on the class token.
"""
import torch
from torch import Tensor, nn

from .two_phase import ImageSize, _positive_int
from .transformer import TransformerClassifier

__all__ = ["VisionTransformer"]


class VisionTransformer(TransformerClassifier):
    """ViT classifier on non-overlapping patches.

    Parameters
    ----------
    image_size : int or (int, int)
        Input height and width (divisible by ``patch_size``).
    in_channels, num_classes : int
        Input channels and classes.
    embed_dim, depth, num_heads : int
        Token size, number of blocks, attention heads.
    patch_size : int
        Side of the square patches (4: 64 tokens for 32x32 images).
    mlp_ratio : float
        MLP hidden size relative to ``embed_dim``.
    drop : float
        Dropout in the blocks.
    """

    def __init__(self, image_size: ImageSize = 32, in_channels: int = 3,
                 num_classes: int = 10, embed_dim: int = 192, depth: int = 6,
                 num_heads: int = 3, patch_size: int = 4, mlp_ratio: float = 4.0,
                 drop: float = 0.0):
        super().__init__(image_size, in_channels, num_classes, embed_dim, depth, num_heads)
        patch_size = _positive_int("patch_size", patch_size)
        if self.image_size[0] % patch_size or self.image_size[1] % patch_size:
            raise ValueError(f"image_size {self.image_size} must be divisible by patch_size "
                             f"{patch_size}")
        self.patch_size = patch_size
        self.num_patches = (self.image_size[0] // patch_size) * (self.image_size[1] // patch_size)
        self._check_memory(mlp_ratio, {
            "patch embedding": (in_channels * patch_size ** 2 + 1) * embed_dim,
            "position embeddings": (self.num_patches + 1) * embed_dim},
            ", or use a larger patch_size")
        self.patch_embed = nn.Conv2d(in_channels, embed_dim, patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.num_patches + 1, embed_dim))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        self._build_encoder(mlp_ratio, drop)

    def forward_features(self, x: Tensor) -> Tensor:
        """Final tokens ``(B, 1 + num_patches, embed_dim)``, class token first."""
        if not isinstance(x, Tensor):
            raise TypeError(f"expected a torch.Tensor of images, got {type(x).__name__}")
        if x.dim() != 4 or tuple(x.shape[-2:]) != self.image_size:
            raise ValueError(f"expected input of shape (B, {self.in_channels}, "
                             f"{self.image_size[0]}, {self.image_size[1]}), got "
                             f"{tuple(x.shape)}")
        tokens = self.patch_embed(x).flatten(2).transpose(1, 2)
        tokens = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), tokens], dim=1)
        return self._encode(tokens + self.pos_embed)

    def forward(self, x: Tensor) -> Tensor:
        """Class logits ``(B, num_classes)``."""
        return self.head(self.forward_features(x)[:, 0])

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, patch_size={self.patch_size}"
