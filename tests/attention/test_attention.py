"""Wavelet tokens, scale-aware encoding, PSD kernel, W-MSA and the transformer models."""
import math

import numpy as np
import pytest
import torch

pywt = pytest.importorskip("pywt")

from kymatio.attention import (ScaleAwarePositionalEncoding, TransformerBlock,  # noqa: E402
                               WaveletAttentionKernel, WaveletMultiScaleAttention,
                               WaveletTokenizer, sinusoidal_encoding_2d, token_layout)
from kymatio.models.vit import VisionTransformer  # noqa: E402
from kymatio.models.wavelet_transformer import WaveletTransformer  # noqa: E402


def _meta(shapes=((8, 8), (4, 4), (2, 2))):
    return token_layout(list(shapes))


def test_token_table_of_the_seed():
    tok = WaveletTokenizer(3, 16, n_levels=3, wavelet="db4")
    assert tok.coefficient_shapes(32, 32) == [(16, 16), (8, 8), (4, 4)]
    assert tok.num_tokens(32, 32) == 1024 + 256 + 49 == 1329
    meta = tok.metadata(32, 32)
    counts = [int((meta["scale"] == j).sum()) for j in range(3)]
    assert counts == [1024, 256, 49]
    assert int(((meta["scale"] == 2) & (meta["orientation"] == 0)).sum()) == 1
    assert WaveletTokenizer(3, 16, 3, include_approximations=False).num_tokens(32, 32) == 1009


def test_tokens_are_projected_coefficients():
    torch.manual_seed(0)
    tok = WaveletTokenizer(2, 8, n_levels=2, wavelet="db2", mode="periodization")
    x = torch.randn(3, 2, 16, 16, dtype=torch.float64)
    tok = tok.double()
    tokens, meta = tok(x)
    assert tokens.shape == (3, tok.num_tokens(16, 16), 8)
    c = pywt.wavedec2(x.numpy(), "db2", mode="periodization", level=1)
    # the first 64 tokens: level-0 approximation, row-major, orientation A
    expected = c[0].reshape(3, 2, 64).transpose(0, 2, 1) @ tok.weight[0].detach().numpy()
    np.testing.assert_allclose(tokens[:, :64].detach().numpy(), expected, atol=1e-10)
    # then the cH band (orientation 1) of level 0
    assert meta["orientation"][64].item() == 1 and meta["scale"][64].item() == 0
    expected_h = c[1][0].reshape(3, 2, 64).transpose(0, 2, 1) @ tok.weight[1].detach().numpy()
    np.testing.assert_allclose(tokens[:, 64:128].detach().numpy(), expected_h, atol=1e-10)
    np.testing.assert_allclose(meta["position"][0].numpy(), [1 / 16, 1 / 16])


@pytest.mark.parametrize("seed", range(5))
def test_kernel_gram_matrices_are_psd(seed):
    g = torch.Generator().manual_seed(seed)
    kernel = WaveletAttentionKernel(num_heads=3, orientation_dim=3).double()
    with torch.no_grad():
        kernel.log_scale_bandwidth.copy_(torch.randn(3, generator=g, dtype=torch.float64))
        kernel.log_radius.copy_(torch.randn(3, generator=g, dtype=torch.float64) - 1)
        kernel.orientation_embedding.copy_(torch.randn(3, 4, 3, generator=g,
                                                       dtype=torch.float64))
        k = kernel(_meta(), torch.float64)
    assert k.shape == (3, 333, 333) and bool((k > 0).all())
    torch.testing.assert_close(k, k.transpose(1, 2))
    for head in k:
        eig = torch.linalg.eigvalsh(head)
        assert eig.min() >= -1e-6 * eig.max()


def test_kernel_factors():
    kernel = WaveletAttentionKernel(num_heads=1, scale_bandwidth=1.0, radius=0.25).double()
    with torch.no_grad():
        kernel.orientation_embedding.zero_()
    meta = _meta(((2, 2), (1, 1)))
    k = kernel(meta, torch.float64)[0]
    s, p = meta["scale"].double(), meta["position"]
    i, j = 0, int(torch.nonzero(meta["scale"] == 1)[0])
    expected = math.exp(-(s[i] - s[j]) ** 2 / 2 - float(((p[i] - p[j]) ** 2).sum()) / (2 * 0.0625))
    assert abs(float(k[i, j].detach()) - expected) < 1e-6 * expected


def test_positional_encoding_is_scale_normalised():
    pe = ScaleAwarePositionalEncoding(16, n_scales=2)
    meta = token_layout([(4, 4), (2, 2)])
    coarse = meta["scale"] == 1
    # positions are normalised by each level's grid: the coarse cells sit at the centres
    # of the 2x2 blocks of fine cells, the pooled approximation at the image centre
    expected = [[0.5, 0.5]] + [[0.25, 0.25], [0.25, 0.75], [0.75, 0.25], [0.75, 0.75]] * 3
    np.testing.assert_allclose(meta["position"][coarse].numpy(), expected)
    fine = meta["position"][meta["scale"] == 0][:16]
    torch.testing.assert_close(fine.reshape(2, 2, 2, 2, 2).mean((1, 3)).reshape(-1, 2),
                               meta["position"][coarse][1:5])
    enc = pe.encoding(meta).detach()
    spatial = sinusoidal_encoding_2d(meta["position"], 16).float()
    torch.testing.assert_close(enc - spatial, (pe.scale_embedding[meta["scale"]]
                                               + pe.orientation_embedding[meta["orientation"]]
                                               ).detach())
    tokens = torch.zeros(2, enc.shape[0], 16)
    torch.testing.assert_close(pe(tokens, meta)[0], enc)
    # scale and orientation embeddings are learnable and reach the output
    pe(tokens, meta).sum().backward()
    assert pe.scale_embedding.grad.abs().sum() > 0 and pe.orientation_embedding.grad.abs().sum() > 0


def _reference_log_kernel(kernel, meta):
    """``log K`` from the definition: Gram of the orientation embeddings minus the
    scaled squared level and position distances, ``(heads, N, N)``, float64."""
    s = meta["scale"].double()
    p = meta["position"].double()
    o = meta["orientation"]
    e = kernel.orientation_embedding.double()
    sigma = torch.exp(kernel.log_scale_bandwidth.double())[:, None, None]
    rho = torch.exp(kernel.log_radius.double())[:, None, None]
    orient = torch.einsum("hid,hjd->hij", e[:, o], e[:, o])
    ds = (s[:, None] - s[None, :]) ** 2
    dp = ((p[:, None, :] - p[None, :, :]) ** 2).sum(-1)
    return orient - ds / (2 * sigma ** 2) - dp / (2 * rho ** 2)


def _reference_attention(attn, x, bias):
    b, n, d = x.shape
    h = attn.num_heads
    q, k, v = attn.qkv(x).view(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
    logits = q @ k.transpose(-1, -2) / math.sqrt(d // h)
    if bias is not None:
        logits = logits + bias
    out = torch.softmax(logits, dim=-1) @ v
    return attn.proj(out.transpose(1, 2).reshape(b, n, d))


def _reference_wmsa(attn, x, meta=None):
    """W-MSA with the bias materialised: ``softmax(QK^T / sqrt(d) + log K + window)``."""
    bias = None
    if meta is not None:
        bias = 0.0
        if attn.kernel is not None:
            bias = _reference_log_kernel(attn.kernel, meta).to(x.dtype)
        if attn.scale_window is not None:
            s = meta["scale"]
            far = (s[:, None] - s[None, :]).abs() > attn.scale_window
            bias = bias + torch.zeros(far.shape, dtype=x.dtype).masked_fill(far, -math.inf)
    return _reference_attention(attn, x, bias)


def _randomise_kernel(kernel, seed):
    g = torch.Generator().manual_seed(seed)
    h, o, d = kernel.orientation_embedding.shape
    with torch.no_grad():
        kernel.log_scale_bandwidth.copy_(0.5 * torch.randn(h, generator=g))
        kernel.log_radius.copy_(0.5 * torch.randn(h, generator=g) - 1.5)
        kernel.orientation_embedding.copy_(torch.randn(h, o, d, generator=g))


@pytest.mark.parametrize("orientation_dim", [2, 4, 6])
def test_kernel_features_give_log_kernel(orientation_dim):
    kernel = WaveletAttentionKernel(num_heads=2, orientation_dim=orientation_dim).double()
    _randomise_kernel(kernel, orientation_dim)
    meta = _meta()
    reference = _reference_log_kernel(kernel, meta)
    torch.testing.assert_close(kernel.log_kernel(meta, torch.float64), reference)
    phi_q, phi_k = kernel.attention_features(meta, torch.float64)
    assert phi_q.shape == phi_k.shape == (2, 333, min(4, orientation_dim) + 4)
    # equal up to a constant per query (row), which the softmax removes
    difference = phi_q @ phi_k.transpose(1, 2) - reference
    torch.testing.assert_close(difference, difference[:, :, :1].expand_as(difference))
    # gradients reach every parameter
    (phi_q @ phi_k.transpose(1, 2)).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in kernel.parameters())


@pytest.mark.parametrize("use_kernel,scale_window", [(True, None), (False, None), (True, 1),
                                                     (False, 0)])
def test_wmsa_matches_reference(use_kernel, scale_window):
    torch.manual_seed(0)
    attn = WaveletMultiScaleAttention(12, 3, use_kernel=use_kernel,
                                      scale_window=scale_window).double()
    if use_kernel:
        _randomise_kernel(attn.kernel, 1)
    meta = _meta(((4, 4), (2, 2), (1, 1)))
    x = torch.randn(2, meta["scale"].shape[0], 12, dtype=torch.float64, requires_grad=True)
    out = attn(x, meta)
    expected = _reference_wmsa(attn, x, meta)
    torch.testing.assert_close(out, expected)
    # the materialised bias is the reference one
    bias = attn.attention_bias(meta, torch.float64)
    torch.testing.assert_close(_reference_attention(attn, x, bias), expected)
    # same gradients for the input and every parameter (the kernel is learnable)
    g = torch.randn(out.shape, generator=torch.Generator().manual_seed(2), dtype=out.dtype)
    inputs = [x] + list(attn.parameters())
    got = torch.autograd.grad(out, inputs, g)
    want = torch.autograd.grad(expected, inputs, g)
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b)
    if use_kernel:  # softmax(QK^T) * K renormalised
        assert not torch.allclose(out, _reference_attention(attn, x, None))
    torch.testing.assert_close(attn(x), _reference_wmsa(attn, x))  # no metadata: plain


def test_wavelet_transformer_float32_matches_reference(monkeypatch):
    # the example's configuration on 32x32 images: 1009 tokens, float32
    torch.manual_seed(0)
    model = WaveletTransformer(image_size=32, in_channels=1, num_classes=10, embed_dim=32,
                               depth=2, num_heads=2, wavelet="haar", n_levels=3,
                               include_approximations=False, use_kernel=True)
    for block in model.blocks:
        _randomise_kernel(block.attn.kernel, 3)
    x = torch.randn(2, 1, 32, 32, generator=torch.Generator().manual_seed(1))

    def logits_and_grads():
        model.zero_grad(set_to_none=True)
        logits = model(x)
        logits.square().sum().backward()
        return logits.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}

    fast = logits_and_grads()
    monkeypatch.setattr(WaveletMultiScaleAttention, "forward", _reference_wmsa)
    reference = logits_and_grads()
    torch.testing.assert_close(fast[0], reference[0], rtol=1e-5, atol=1e-6)
    for name, grad in reference[1].items():
        scale = grad.abs().max().item()
        torch.testing.assert_close(fast[1][name], grad, rtol=1e-4, atol=1e-5 * scale,
                                   msg=lambda m, name=name: name + ": " + m)


def _sdpa_backends(attn, x, meta):
    with torch.profiler.profile() as prof:
        attn(x, meta).sum().backward()
    return {e.key for e in prof.key_averages() if "scaled_dot_product" in e.key}


def test_kernel_attention_uses_the_plain_attention_backend():
    # a learnable N x N float mask would send SDPA to its unfused math fallback
    torch.manual_seed(0)
    meta = _meta()
    x = torch.randn(2, meta["scale"].shape[0], 16, requires_grad=True)
    with_kernel = _sdpa_backends(WaveletMultiScaleAttention(16, 2, use_kernel=True), x, meta)
    plain = _sdpa_backends(WaveletMultiScaleAttention(16, 2, use_kernel=False), x, meta)
    assert with_kernel == plain


def test_scale_window_blocks_far_scales():
    torch.manual_seed(0)
    block = TransformerBlock(8, 2, use_kernel=True, scale_window=1).double()
    meta = _meta(((4, 4), (2, 2), (1, 1)))
    x = torch.randn(1, meta["scale"].shape[0], 8, dtype=torch.float64, requires_grad=True)
    out = block(x, meta)
    first = int(torch.nonzero(meta["scale"] == 0)[0])
    (grad,) = torch.autograd.grad(out[0, first].sum(), x)
    far = meta["scale"] == 2
    assert grad[0, far].abs().max() == 0 and grad[0, ~far].abs().max() > 0


def test_wavelet_transformer_and_vit():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 32, 32)
    model = WaveletTransformer(image_size=32, in_channels=3, num_classes=10, embed_dim=24,
                               depth=2, num_heads=3, n_levels=3, wavelet="db4",
                               use_kernel=True)
    tokens, meta = model.forward_features(x)
    assert tokens.shape == (2, 1329, 24) and set(meta) == {"scale", "orientation", "position"}
    logits = model(x)
    assert logits.shape == (2, 10)
    logits.sum().backward()
    assert model.blocks[0].attn.kernel.log_radius.grad is not None
    assert "use_kernel=True" in repr(model) and "wavelet='db4'" in repr(model)
    plain = WaveletTransformer(32, 3, 10, 24, 2, 3, 2, "haar", use_kernel=False)
    assert plain(x).shape == (2, 10)
    assert not any("kernel" in name for name, _ in plain.named_parameters())
    vit = VisionTransformer(32, 3, 10, embed_dim=24, depth=2, num_heads=3)
    assert vit.forward_features(x).shape == (2, 65, 24) and vit(x).shape == (2, 10)
    with pytest.raises(ValueError):
        vit(torch.randn(1, 3, 16, 16))


def _count(model):
    return sum(p.numel() for p in model.parameters())


def test_presets_parameter_counts():
    # seed table: tiny ~1M, small ~4M, base ~16M (see the report for the exact numbers)
    counts = {p: _count(WaveletTransformer.from_preset(p)) for p in ("tiny", "small")}
    assert counts == {"tiny": 450946, "small": 2676238}
    assert WaveletTransformer.base().embed_dim == 384
    for p in ("tiny", "small"):
        vit = _count(VisionTransformer.from_preset(p))
        assert abs(vit - counts[p]) / counts[p] < 0.02  # a baseline of matching size
    with pytest.raises(ValueError):
        WaveletTransformer.from_preset("huge")
