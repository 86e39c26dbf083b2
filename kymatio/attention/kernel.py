"""Positive semidefinite attention kernel over scale, orientation and space.

``K(t, t') = k_scale(j, j') * k_orient(o, o') * k_spatial(p, p')`` per head, with

* ``k_scale = exp(-(j - j')**2 / (2 sigma**2))``: a Gaussian (RBF) kernel on the
  decomposition levels, bandwidth ``sigma`` learnable;
* ``k_orient = exp(E E^T)``: the elementwise exponential of the Gram matrix of
  learnable orientation embeddings ``E`` (a power series of Gram matrices with
  positive coefficients, hence PSD by the Schur product theorem, and positive);
* ``k_spatial = exp(-|p - p'|**2 / (2 rho**2))``: a Gaussian kernel on positions
  normalised by each level's grid, radius ``rho`` learnable.

Each factor is PSD, so is their (Schur) product.  Attention uses ``log K`` as an
additive bias of the logits, i.e. ``softmax(QK^T / sqrt(d)) * K``, renormalised.

``log K`` is a bilinear form of a few token features: with ``E_o`` the orientation
embedding, ``u = (j / sigma, p / rho)`` and ``c(u) = |u|**2 / 2``,

    log K(t, t') = E_o . E_o' + u . u' - c(u') - c(u),

so ``log K = Phi_q Phi_k^T - c(u)`` with ``Phi_q = [E_o, u, 1]`` and
``Phi_k = [E_o', u', -c(u')]`` (see :meth:`WaveletAttentionKernel.attention_features`).
The last term depends on the query only and cancels in the softmax over the keys,
so the biased attention is plain attention of ``[q, Phi_q]`` over ``[k, Phi_k]``:
no ``N x N`` bias is ever formed, and PyTorch's fused scaled-dot-product attention
applies.
"""
import math
from typing import Dict, Tuple

import torch
from torch import Tensor, nn

__all__ = ["WaveletAttentionKernel"]


class WaveletAttentionKernel(nn.Module):
    """Product kernel ``k_scale x k_orient x k_spatial``, one per attention head.

    Parameters
    ----------
    num_heads : int
        Number of heads (independent kernels).
    n_orientations : int
        Number of orientations (4: A, H, V, D).
    orientation_dim : int
        Size of the orientation embeddings.
    scale_bandwidth : float
        Initial ``sigma`` of the scale kernel, in levels.
    radius : float
        Initial ``rho`` of the spatial kernel, in normalised image units.
    """

    def __init__(self, num_heads: int, n_orientations: int = 4, orientation_dim: int = 4,
                 scale_bandwidth: float = 1.0, radius: float = 0.25):
        super().__init__()
        self.num_heads, self.n_orientations = num_heads, n_orientations
        self.orientation_dim = orientation_dim
        self.log_scale_bandwidth = nn.Parameter(torch.full((num_heads,),
                                                           math.log(scale_bandwidth)))
        self.log_radius = nn.Parameter(torch.full((num_heads,), math.log(radius)))
        self.orientation_embedding = nn.Parameter(
            0.1 * torch.randn(num_heads, n_orientations, orientation_dim,
                              generator=torch.Generator().manual_seed(0)))
        self._geometry: tuple = ()

    def geometry(self, metadata: Dict[str, Tensor], dtype: torch.dtype = torch.float32
                 ) -> Tuple[Tensor, Tensor]:
        """Squared level and position distances ``(N, N)`` (cached per metadata)."""
        pos = metadata["position"]
        cached = self._geometry
        if not (cached and cached[0] is pos and cached[1] == dtype):
            scale = metadata["scale"].to(torch.float64)
            ds = (scale[:, None] - scale[None, :]) ** 2
            p = pos.to(torch.float64)
            dp = torch.cdist(p, p, compute_mode="donot_use_mm_for_euclid_dist").pow(2)
            self._geometry = (pos, dtype, ds.to(dtype), dp.to(dtype))  # the latest only
        return self._geometry[2], self._geometry[3]

    def log_kernel(self, metadata: Dict[str, Tensor], dtype: torch.dtype = torch.float32
                   ) -> Tensor:
        """``log K`` of shape ``(num_heads, N, N)`` for tokens described by ``metadata``."""
        ds, dp = self.geometry(metadata, dtype)
        inv_sigma2 = torch.exp(-2 * self.log_scale_bandwidth).to(dtype)[:, None, None]
        inv_rho2 = torch.exp(-2 * self.log_radius).to(dtype)[:, None, None]
        e = self.orientation_embedding.to(dtype)
        gram = e @ e.transpose(1, 2)                      # (heads, O, O)
        o = metadata["orientation"]
        k_orient = gram[:, o[:, None], o[None, :]]        # (heads, N, N)
        return k_orient - 0.5 * (ds * inv_sigma2 + dp * inv_rho2)

    def attention_features(self, metadata: Dict[str, Tensor],
                           dtype: torch.dtype = torch.float32) -> Tuple[Tensor, Tensor]:
        """Query and key features ``(num_heads, N, r)`` of the log-kernel.

        ``Phi_q[h] @ Phi_k[h].T`` equals ``log_kernel(metadata)[h]`` up to a term
        that depends on the query (row) only, which the softmax over the keys
        removes exactly.

        Parameters
        ----------
        metadata : dict
            ``'scale'``, ``'orientation'`` and ``'position'`` of the ``N`` tokens.
        dtype : torch.dtype
            Dtype of the features.

        Returns
        -------
        (Tensor, Tensor)
            ``Phi_q`` and ``Phi_k``, with ``r = min(n_orientations, orientation_dim)
            + 4`` (orientation, level, row, column, offset).
        """
        scale = metadata["scale"].to(torch.float64)
        pos = metadata["position"].to(torch.float64)
        # Distances are translation invariant; centring keeps |u|**2, hence the
        # cancellation u.u' - c(u'), small in floating point.
        scale = scale - 0.5 * (scale.max() + scale.min())
        pos = pos - 0.5 * (pos.amax(0) + pos.amin(0))
        geometry = torch.cat([scale[:, None], pos], dim=1).to(dtype)      # (N, 3)
        inv_width = torch.exp(-torch.stack([self.log_scale_bandwidth, self.log_radius,
                                            self.log_radius], dim=1)).to(dtype)  # (heads, 3)
        u = geometry * inv_width[:, None, :]                              # (heads, N, 3)
        e = self.orientation_embedding.to(dtype)
        o = metadata["orientation"]
        heads, n = self.num_heads, o.shape[0]
        if self.orientation_dim <= self.n_orientations:
            eq = ek = e[:, o]                                             # (heads, N, dim)
        else:  # one-hot queries against Gram rows: rank n_orientations suffices
            eq = torch.eye(self.n_orientations, dtype=dtype, device=o.device)[o]
            eq = eq.expand(heads, n, -1)
            ek = (e @ e.transpose(1, 2))[:, o]
        ones = u.new_ones(heads, n, 1)
        phi_q = torch.cat([eq, u, ones], dim=2)
        phi_k = torch.cat([ek, u, -0.5 * (u * u).sum(2, keepdim=True)], dim=2)
        return phi_q, phi_k

    def forward(self, metadata: Dict[str, Tensor], dtype: torch.dtype = torch.float32
                ) -> Tensor:
        """The kernel ``K`` itself, ``(num_heads, N, N)``, positive and PSD."""
        return torch.exp(self.log_kernel(metadata, dtype))

    def extra_repr(self) -> str:
        return (f"num_heads={self.num_heads}, n_orientations={self.n_orientations}, "
                f"orientation_dim={self.orientation_dim}")
