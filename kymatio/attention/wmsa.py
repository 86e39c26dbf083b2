"""Wavelet multi-scale attention (W-MSA) and transformer blocks.

W-MSA is multi-head self-attention whose logits receive the log of the PSD product
kernel of :class:`~kymatio.attention.kernel.WaveletAttentionKernel`: attention is
biased towards nearby scales, related orientations and nearby positions, with
learnable bandwidths.  Optionally a hard *scale bandwidth* forbids attention between
levels further apart than a given number of levels.  Without the kernel (or without
metadata) it is standard multi-head attention, which the ViT baseline reuses.

The bias is never formed: ``log K`` is, up to a per-query constant that the softmax
removes, the product of small query and key features
(:meth:`~kymatio.attention.kernel.WaveletAttentionKernel.attention_features`), which
are appended to the queries and keys.  A learnable ``N x N`` float mask would force
PyTorch's unfused (math) attention, several times slower forward and backward.
"""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .kernel import WaveletAttentionKernel

__all__ = ["WaveletMultiScaleAttention", "TransformerBlock"]


class WaveletMultiScaleAttention(nn.Module):
    """Multi-head self-attention with the wavelet PSD kernel as logit bias.

    Parameters
    ----------
    embed_dim : int
        Token dimension (divisible by ``num_heads``).
    num_heads : int
        Number of heads.
    use_kernel : bool
        Bias the logits with ``log K`` (W-MSA); ``False`` gives plain attention.
    scale_window : int, optional
        If given, tokens attend only to tokens at most this many levels away.
    qkv_bias : bool
        Bias of the query/key/value projection.
    attn_drop, proj_drop : float
        Dropout on the attention weights and on the output.
    """

    def __init__(self, embed_dim: int, num_heads: int, use_kernel: bool = True,
                 scale_window: Optional[int] = None, qkv_bias: bool = True,
                 attn_drop: float = 0.0, proj_drop: float = 0.0):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.use_kernel, self.scale_window = use_kernel, scale_window
        self.qkv = nn.Linear(embed_dim, 3 * embed_dim, bias=qkv_bias)
        self.proj = nn.Linear(embed_dim, embed_dim)
        self.attn_drop, self.proj_drop = attn_drop, nn.Dropout(proj_drop)
        self.kernel = WaveletAttentionKernel(num_heads) if use_kernel else None
        self._window_mask: tuple = ()

    def attention_bias(self, metadata: Optional[Dict[str, Tensor]], dtype: torch.dtype
                       ) -> Optional[Tensor]:
        """Additive logit bias ``(num_heads, N, N)`` (or ``None``), materialised.

        The attention itself does not form it (see :meth:`forward`); this is the
        explicit form of what it computes, for inspection.
        """
        if metadata is None:
            return None
        bias = None
        if self.kernel is not None:
            bias = self.kernel.log_kernel(metadata, dtype)
        if self.scale_window is not None:
            mask = self.window_mask(metadata, dtype)
            bias = mask if bias is None else bias + mask
        return bias

    def window_mask(self, metadata: Dict[str, Tensor], dtype: torch.dtype) -> Tensor:
        """``-inf`` where the level distance exceeds ``scale_window``, else 0; ``(N, N)``.

        Constant, cached for the latest metadata.
        """
        s = metadata["scale"]
        cached = self._window_mask
        if not (cached and cached[0] is s and cached[1] == dtype):
            far = (s[:, None] - s[None, :]).abs() > self.scale_window
            mask = torch.zeros(far.shape, dtype=dtype, device=far.device)
            self._window_mask = (s, dtype, mask.masked_fill(far, float("-inf")))
        return self._window_mask[2]

    def forward(self, x: Tensor, metadata: Optional[Dict[str, Tensor]] = None) -> Tensor:
        """Attend over tokens ``x`` of shape ``(B, N, embed_dim)``."""
        b, n, d = x.shape
        head_dim = d // self.num_heads
        qkv = self.qkv(x).view(b, n, 3, self.num_heads, head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        scale = head_dim ** -0.5
        mask = None
        if metadata is not None:
            if self.kernel is not None:
                phi_q, phi_k = self.kernel.attention_features(metadata, x.dtype)
                # SDPA scales all logits by `scale`; the kernel term must not be
                q = torch.cat([q, (phi_q / scale).expand(b, -1, -1, -1)], dim=-1)
                k = torch.cat([k, phi_k.expand(b, -1, -1, -1)], dim=-1)
                # fused scaled-dot-product attention needs equal head sizes of q, k and v
                v = F.pad(v, (0, phi_q.shape[-1]))
            if self.scale_window is not None:
                mask = self.window_mask(metadata, x.dtype)
        out = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.attn_drop if self.training else 0.0,
            scale=scale)[..., :head_dim]
        # 2D, so that the projection is one GEMM even on the strided slice of one head
        out = self.proj(out.transpose(1, 2).reshape(b * n, d)).view(b, n, d)
        return self.proj_drop(out)

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"use_kernel={self.use_kernel}, scale_window={self.scale_window}")


class TransformerBlock(nn.Module):
    """Pre-norm transformer block: ``x + attn(LN(x))``, then ``x + MLP(LN(x))``.

    Parameters
    ----------
    embed_dim, num_heads : int
        Token dimension and heads.
    mlp_ratio : float
        Hidden size of the MLP relative to ``embed_dim``.
    use_kernel : bool
        W-MSA (kernel-biased) or plain attention.
    scale_window : int, optional
        Hard scale bandwidth of the attention.
    drop : float
        Dropout of the attention output and the MLP.
    """

    def __init__(self, embed_dim: int, num_heads: int, mlp_ratio: float = 4.0,
                 use_kernel: bool = True, scale_window: Optional[int] = None,
                 drop: float = 0.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(embed_dim)
        self.attn = WaveletMultiScaleAttention(embed_dim, num_heads, use_kernel, scale_window,
                                               proj_drop=drop)
        self.norm2 = nn.LayerNorm(embed_dim)
        hidden = int(embed_dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(embed_dim, hidden), nn.GELU(), nn.Dropout(drop),
                                 nn.Linear(hidden, embed_dim), nn.Dropout(drop))
        self.mlp_ratio = mlp_ratio

    def forward(self, x: Tensor, metadata: Optional[Dict[str, Tensor]] = None) -> Tensor:
        """Apply the block to tokens ``(B, N, embed_dim)``."""
        x = x + self.attn(self.norm1(x), metadata)
        return x + self.mlp(self.norm2(x))

    def extra_repr(self) -> str:
        return f"mlp_ratio={self.mlp_ratio}"
