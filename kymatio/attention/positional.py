"""Scale-aware positional encoding of wavelet tokens.

``PE = PE_scale[j] + PE_orient[o] + PE_spatial(p)``: learnable embeddings of the
decomposition level and of the orientation, plus a fixed sinusoidal encoding of the
token's position normalised by its level's grid, so that the same place of the
image gets the same spatial code at every scale.
"""
import math
from typing import Dict

import torch
from torch import Tensor, nn

__all__ = ["sinusoidal_encoding_2d", "ScaleAwarePositionalEncoding"]


def sinusoidal_encoding_2d(position: Tensor, dim: int, max_frequency: float = 64.0) -> Tensor:
    """Sine/cosine encoding of normalised 2D positions.

    Parameters
    ----------
    position : Tensor, shape (N, 2)
        Positions in ``[0, 1]`` (row, column).
    dim : int
        Encoding size; the first half encodes rows, the second columns. Each half
        holds ``dim // 4`` sine/cosine pairs with frequencies spaced geometrically
        from ``pi`` to ``pi * max_frequency`` (unused trailing entries are zero).
    max_frequency : float
        Highest frequency, in cycles over the image (about the finest grid size).

    Returns
    -------
    Tensor, shape (N, dim)
    """
    pairs = dim // 4
    out = position.new_zeros(position.shape[0], dim)
    if pairs == 0:
        return out
    freqs = math.pi * torch.logspace(0.0, math.log10(max_frequency), pairs,
                                     dtype=position.dtype, device=position.device)
    half = dim // 2
    for axis in range(2):
        angles = position[:, axis:axis + 1] * freqs
        out[:, axis * half:axis * half + pairs] = torch.sin(angles)
        out[:, axis * half + pairs:axis * half + 2 * pairs] = torch.cos(angles)
    return out


class ScaleAwarePositionalEncoding(nn.Module):
    """Add scale, orientation and scale-normalised spatial codes to tokens.

    Parameters
    ----------
    embed_dim : int
        Token dimension.
    n_scales : int
        Number of decomposition levels.
    n_orientations : int
        Number of orientations (4: A, H, V, D).
    max_frequency : float
        Highest frequency of the sinusoidal spatial code.
    """

    def __init__(self, embed_dim: int, n_scales: int, n_orientations: int = 4,
                 max_frequency: float = 64.0):
        super().__init__()
        self.embed_dim, self.n_scales, self.n_orientations = embed_dim, n_scales, n_orientations
        self.max_frequency = max_frequency
        self.scale_embedding = nn.Parameter(torch.zeros(n_scales, embed_dim))
        self.orientation_embedding = nn.Parameter(torch.zeros(n_orientations, embed_dim))
        nn.init.trunc_normal_(self.scale_embedding, std=0.02)
        nn.init.trunc_normal_(self.orientation_embedding, std=0.02)
        self._spatial_cache: tuple = ()

    def spatial(self, position: Tensor, dtype: torch.dtype) -> Tensor:
        """Fixed spatial code of the given positions (cached for the latest tensor)."""
        cached = self._spatial_cache
        if not (cached and cached[0] is position and cached[1] == dtype):
            code = sinusoidal_encoding_2d(position.to(torch.float64), self.embed_dim,
                                          self.max_frequency).to(dtype)
            self._spatial_cache = (position, dtype, code)  # the latest only
        return self._spatial_cache[2]

    def encoding(self, metadata: Dict[str, Tensor], dtype: torch.dtype = torch.float32) -> Tensor:
        """The encoding ``(N, embed_dim)`` of tokens described by ``metadata``."""
        return (self.scale_embedding[metadata["scale"]].to(dtype)
                + self.orientation_embedding[metadata["orientation"]].to(dtype)
                + self.spatial(metadata["position"], dtype))

    def forward(self, tokens: Tensor, metadata: Dict[str, Tensor]) -> Tensor:
        """``tokens + encoding``; tokens of shape ``(B, N, embed_dim)``."""
        return tokens + self.encoding(metadata, tokens.dtype)

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, n_scales={self.n_scales}, "
                f"n_orientations={self.n_orientations}, max_frequency={self.max_frequency}")
