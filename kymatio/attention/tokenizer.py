"""Wavelet tokeniser: 2D DWT coefficients to tokens with scale/orientation/position.

For a ``(B, C, H, W)`` image and ``n_levels`` levels the tokeniser runs one DWT
level at a time and emits, at every level ``j`` (``0`` is the finest), one token per
coefficient position of each band: the approximation ``A`` (optional, except at the
coarsest level) and the details ``H``, ``V``, ``D``.  The coarsest approximation is
average-pooled to ``coarse_grid x coarse_grid`` tokens (one by default).  A token's
features are the ``C`` channel values of its coefficient, projected to ``embed_dim``
by a linear map of its orientation.  With the default ``'periodization'`` mode a
32x32 image and 3 levels give ``16*16*4 + 8*8*4 + (1 + 4*4*3) = 1329`` tokens.
"""
from typing import Any, Dict, List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..wavelets import dwt2

__all__ = ["ORIENTATIONS", "WaveletTokenizer", "token_layout"]

#: Orientation codes of the tokens: approximation and the three detail bands.
ORIENTATIONS = ("A", "H", "V", "D")


def _grid_positions(h: int, w: int) -> Tensor:
    """Cell centres of an ``h x w`` grid, normalised to ``[0, 1]`` (row, column)."""
    rows = (torch.arange(h, dtype=torch.float64) + 0.5) / h
    cols = (torch.arange(w, dtype=torch.float64) + 0.5) / w
    return torch.stack(torch.meshgrid(rows, cols, indexing="ij"), dim=-1).reshape(-1, 2)


def token_layout(shapes: List[Tuple[int, int]], include_approximations: bool = True,
                 coarse_grid: int = 1) -> Dict[str, Tensor]:
    """Metadata of the tokens for the given per-level coefficient shapes.

    Parameters
    ----------
    shapes : list of (int, int)
        Coefficient shape at each level, finest first.
    include_approximations : bool
        Whether the approximations of levels other than the coarsest are tokens.
    coarse_grid : int
        Side of the pooled grid of the coarsest approximation.

    Returns
    -------
    dict
        ``'scale'`` (N,) long, level of each token (0 finest); ``'orientation'`` (N,)
        long, index into :data:`ORIENTATIONS`; ``'position'`` (N, 2) float64, centre
        of the token in coordinates normalised by its level's grid (so positions of
        different scales are comparable).
    """
    scale, orient, pos = [], [], []
    last = len(shapes) - 1
    for j, (h, w) in enumerate(shapes):
        bands = []
        if j == last:
            g = min(coarse_grid, h), min(coarse_grid, w)
            bands.append((0, _grid_positions(*g)))
        elif include_approximations:
            bands.append((0, _grid_positions(h, w)))
        grid = _grid_positions(h, w)
        bands += [(o, grid) for o in (1, 2, 3)]
        for o, p in bands:
            scale.append(torch.full((p.shape[0],), j, dtype=torch.long))
            orient.append(torch.full((p.shape[0],), o, dtype=torch.long))
            pos.append(p)
    return {"scale": torch.cat(scale), "orientation": torch.cat(orient),
            "position": torch.cat(pos)}


class WaveletTokenizer(nn.Module):
    """Turn images into multi-scale wavelet tokens.

    Parameters
    ----------
    in_channels : int
        Image channels ``C`` (features of a raw token).
    embed_dim : int
        Token dimension.
    n_levels : int
        DWT levels.
    wavelet : str
        Discrete wavelet of PyWavelets.
    mode : str
        DWT boundary mode (``'periodization'`` halves the size at each level).
    include_approximations : bool
        Emit the approximations of the intermediate levels as tokens too (the
        seed's token table does).
    coarse_grid : int
        Side of the pooled grid of the coarsest approximation.
    """

    def __init__(self, in_channels: int, embed_dim: int, n_levels: int = 3,
                 wavelet: str = "db4", mode: str = "periodization",
                 include_approximations: bool = True, coarse_grid: int = 1):
        super().__init__()
        if n_levels < 1:
            raise ValueError(f"n_levels must be >= 1, got {n_levels}")
        self.in_channels, self.embed_dim, self.n_levels = in_channels, embed_dim, n_levels
        self.wavelet, self.mode = wavelet, mode
        self.include_approximations, self.coarse_grid = include_approximations, coarse_grid
        self.weight = nn.Parameter(torch.empty(len(ORIENTATIONS), in_channels, embed_dim))
        self.bias = nn.Parameter(torch.zeros(len(ORIENTATIONS), embed_dim))
        nn.init.trunc_normal_(self.weight, std=in_channels ** -0.5)
        self._layouts: Dict[Any, Dict[str, Tensor]] = {}

    def coefficient_shapes(self, height: int, width: int) -> List[Tuple[int, int]]:
        """Per-level coefficient shapes for an input of the given size (finest first)."""
        x = torch.zeros(1, 1, height, width)
        shapes = []
        for _ in range(self.n_levels):
            x, _ = dwt2(x, self.wavelet, self.mode)
            shapes.append(tuple(x.shape[-2:]))
        return shapes

    def metadata(self, height: int, width: int, device: Any = None) -> Dict[str, Tensor]:
        """Token metadata (see :func:`token_layout`) for an input size, cached."""
        key = (height, width, str(device))
        if key not in self._layouts:
            meta = token_layout(self.coefficient_shapes(height, width),
                                self.include_approximations, self.coarse_grid)
            self._layouts[key] = {k: v.to(device) for k, v in meta.items()}
        return self._layouts[key]

    def num_tokens(self, height: int, width: int) -> int:
        """Number of tokens for an input of the given size."""
        return int(self.metadata(height, width)["scale"].shape[0])

    def _project(self, coeffs: Tensor, orientation: int) -> Tensor:
        # (B, C, h, w) -> (B, h*w, D)
        flat = coeffs.flatten(2).transpose(1, 2)
        return flat @ self.weight[orientation] + self.bias[orientation]

    def forward(self, x: Tensor) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Tokens ``(B, N, embed_dim)`` and their metadata (dict of tensors)."""
        if not torch.is_tensor(x):
            raise TypeError(f"expected a torch.Tensor, got {type(x).__name__}")
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"expected input of shape (B, {self.in_channels}, H, W), got "
                             f"{tuple(x.shape)}")
        tokens = []
        a = x
        for j in range(self.n_levels):
            a, details = dwt2(a, self.wavelet, self.mode)
            if j == self.n_levels - 1:
                g = (min(self.coarse_grid, a.shape[-2]), min(self.coarse_grid, a.shape[-1]))
                tokens.append(self._project(F.adaptive_avg_pool2d(a, g), 0))
            elif self.include_approximations:
                tokens.append(self._project(a, 0))
            tokens += [self._project(d, o + 1) for o, d in enumerate(details)]
        return torch.cat(tokens, dim=1), self.metadata(x.shape[-2], x.shape[-1], x.device)

    def extra_repr(self) -> str:
        return (f"in_channels={self.in_channels}, embed_dim={self.embed_dim}, "
                f"n_levels={self.n_levels}, wavelet={self.wavelet!r}, mode={self.mode!r}, "
                f"include_approximations={self.include_approximations}, "
                f"coarse_grid={self.coarse_grid}")
