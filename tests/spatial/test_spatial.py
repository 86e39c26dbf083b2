"""Spatial scattering blocks and ScatteringNet: initialisation, shapes, planning, memory
budget, gradients and faithfulness to the Fourier 2D transform."""
import math

import pytest
import torch

from kymatio.models.scattering_net import ScatteringNet
from kymatio.scattering2d.filter_bank import gabor_2d, morlet_2d, wavelet_parameters
from kymatio.spatial import (MemoryBudgetError, ScatteringBlock, conv_kernels, group_size,
                             plan_network)
from kymatio.spatial.faithfulness import faithfulness_errors, smooth_images


@pytest.mark.parametrize("modulus_type", ["complex_modulus", "phase_relu"])
@pytest.mark.parametrize("L", [4, 8])
def test_block_shapes(modulus_type, L):
    block = ScatteringBlock(3, L=L, kernel_size=5, modulus_type=modulus_type)
    assert block(torch.randn(2, 3, 16, 12)).shape == (2, 3 * (1 + L), 8, 6)
    lowpass = ScatteringBlock(3, L=L, lowpass_only=True, modulus_type=modulus_type)
    assert lowpass(torch.randn(2, 3, 16, 16)).shape == (2, 3, 8, 8)
    assert lowpass.collapse is None


def test_kernels_come_from_the_fourier_filter_bank():
    K, L = 7, 8
    kernels = conv_kernels(L, K)
    psi = morlet_2d(K, K, **wavelet_parameters(0, 2, L), offset=-3, periodic=False)
    phi = gabor_2d(K, K, sigma=0.8, theta=0.0, xi=0.0, offset=-3, periodic=False)
    # Flipped for conv2d (a cross-correlation).
    assert torch.allclose(kernels[0], torch.from_numpy(phi.real[::-1, ::-1].copy()))
    assert torch.allclose(kernels[1 + 2], torch.from_numpy(psi.real[::-1, ::-1].copy()))
    assert torch.allclose(kernels[1 + L + 2], torch.from_numpy(psi.imag[::-1, ::-1].copy()))
    assert kernels[1:].sum(dim=(-2, -1)).abs().max() < 1e-6  # zero-mean wavelets
    with pytest.raises(ValueError, match="odd"):
        conv_kernels(L, 6)


@pytest.mark.parametrize("horizon", [None, 2])
def test_block_diagonal_initialisation(horizon):
    C, L = 4, 3
    block = ScatteringBlock(C, L=L, kernel_size=3, mixing_horizon=horizon)
    size = block.group_size
    weight = block.wavelets.weight.view(C, 1 + 2 * L, size, 3, 3)
    kernels = conv_kernels(L, 3)
    for c in range(C):
        for j in range(size):
            if j == c % size:
                assert torch.equal(weight[c, :, j], kernels)
            else:
                assert not weight[c, :, j].any()


def test_pool_and_phase_collapse_initialisation():
    block = ScatteringBlock(2, L=4, modulus_type="phase_relu")
    assert block.pool.weight.shape == (2 * 5, 1, 2, 2) and block.pool.stride == (2, 2)
    assert torch.all(block.pool.weight == 0.25)
    assert block.collapse.weight.shape == (2 * 4, 4, 1, 1) and block.collapse.groups == 8
    assert torch.allclose(block.collapse.weight, torch.full_like(block.collapse.weight,
                                                                 1 / math.sqrt(2)))
    # At initialisation phase ReLU = (|Re z| + |Im z|) / sqrt(2), complex modulus = |z|:
    # on any input (|a| + |b|) / sqrt(2) <= |z| <= |a| + |b|.
    x = torch.randn(1, 2, 12, 12)
    relu = block(x).view(1, 2, 5, 6, 6)[:, :, 1:]
    modulus = ScatteringBlock(2, L=4)(x).view(1, 2, 5, 6, 6)[:, :, 1:]
    assert torch.all(relu <= modulus + 1e-5) and torch.all(relu >= modulus / math.sqrt(2) - 1e-5)


def test_low_pass_path_is_average_pooled_gabor():
    block = ScatteringBlock(1, L=2, kernel_size=5, padding_mode="zeros")
    x = torch.randn(1, 1, 10, 10)
    phi = conv_kernels(2, 5)[:1, None]
    expected = torch.nn.functional.avg_pool2d(torch.nn.functional.conv2d(x, phi, padding=2), 2)
    assert torch.allclose(block(x)[:, :1], expected, atol=1e-6)


def test_mixing_horizon_groups():
    assert group_size(27, None) == 27 and group_size(27, 27) == 27
    assert group_size(243, 27) == 27 and group_size(2187, 27) == 27
    assert group_size(27, 10) == 9  # largest divisor not above the horizon
    block = ScatteringBlock(12, L=2, mixing_horizon=4)
    assert block.wavelets.groups == 3 and block.wavelets.weight.shape == (12 * 5, 4, 7, 7)
    assert ScatteringBlock(3, L=2, mixing_horizon=4).wavelets.groups == 1  # dense


def test_frozen_and_learnable_wavelets():
    fixed = ScatteringBlock(2, L=2, learnable=False)
    learnable = ScatteringBlock(2, L=2, learnable=True)
    assert "wavelets.weight" not in dict(fixed.named_parameters())
    assert "wavelets.weight" in dict(learnable.named_parameters())
    assert list(fixed.state_dict()) == list(learnable.state_dict())
    fixed.load_state_dict(learnable.state_dict())
    x = torch.randn(1, 2, 8, 8)
    fixed(x).sum().backward()
    assert fixed.wavelets.weight.grad is None and fixed.pool.weight.grad is not None
    learnable(x).sum().backward()
    assert learnable.wavelets.weight.grad is not None
    fixed.set_learnable(True)
    assert isinstance(fixed.wavelets.weight, torch.nn.Parameter)
    assert "learnable=True" in repr(fixed)


@pytest.mark.parametrize("modulus_type", ["complex_modulus", "phase_relu"])
def test_gradcheck(modulus_type):
    torch.manual_seed(0)
    # Zero padding: with reflect padding the antisymmetric imaginary kernels give exactly
    # 0 on the border rows, a kink of the phase ReLU where finite differences fail.
    block = ScatteringBlock(2, L=2, kernel_size=3, modulus_type=modulus_type,
                            mixing_horizon=1, padding_mode="zeros").double()
    x = torch.randn(1, 2, 6, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(block, (x,))
    weight = block.wavelets.weight.detach().clone().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda w: torch.func.functional_call(block, {"wavelets.weight": w}, (x.detach(),)),
        (weight,))


@pytest.mark.parametrize("n_blocks, L, channels, dim", [
    (2, 8, 243, 15552), (2, 4, 75, 4800), (3, 8, 2187, 34992), (3, 4, 375, 6000)])
def test_cifar_classifier_sizes(n_blocks, L, channels, dim):
    plan = plan_network(n_blocks, 3, 32, 10, L=L)
    assert plan.feature_shape[0] == channels and plan.classifier_input_dim == dim


@pytest.mark.parametrize("gap, last, dim, params", [
    (False, False, 50421 * 49, 2_470_629_000), (True, False, 50421, 50_421_000),
    (False, True, 7203 * 49, 352_947_000), (True, True, 7203, 7_203_000)])
def test_imagenet_classifier_sizes(gap, last, dim, params):
    plan = plan_network(5, 3, 224, 1000, L=6, global_avg_pool=gap, lowpass_last=last,
                        batch_norm=False)
    assert plan.classifier_input_dim == dim
    assert plan.classifier_parameters - 1000 == params  # weights + bias


def test_dense_and_horizon_parameter_counts():
    dense = [b.wavelet_parameters for b in plan_network(5, 3, 32, 10).blocks]
    assert dense[0] == 7497 and dense[1] == 607_257 and dense[2] == 49_187_817
    assert dense[3] == 3_984_213_177 and dense[4] == 322_721_267_337
    horizon = [b.wavelet_parameters for b in plan_network(5, 3, 32, 10, mixing_horizon=27).blocks]
    assert horizon[2] == 5_465_313 and horizon[3] == 49_187_817 and horizon[4] == 442_690_353


def test_network_shapes_and_two_phase_interface():
    model = ScatteringNet(2, 3, 16, 5, L=2, kernel_size=3, modulus_type="phase_relu")
    assert model.classifier_input_dim == 27 * 4 * 4
    x = torch.randn(4, 3, 16, 16)
    assert model(x).shape == (4, 5)
    assert model.extract_features(x).shape == (4, 27 * 16)
    model.freeze_scattering()
    assert not any(p.requires_grad for p in model.scattering.parameters())
    model.unfreeze_scattering()
    assert all(p.requires_grad for p in model.scattering.parameters())
    assert "wavelets.weight" not in dict(model.named_parameters())  # learnable=False
    model.freeze_classifier()
    assert not any(p.requires_grad for p in model.head_parameters())
    model.unfreeze_classifier()
    small = ScatteringNet(2, 1, 8, 3, L=2, global_avg_pool=True, lowpass_last=True,
                          learnable=True)
    assert small.classifier_input_dim == 3 and small(torch.randn(2, 1, 8, 8)).shape == (2, 3)
    with pytest.raises(RuntimeError, match="Expected images"):
        model(torch.randn(4, 3, 8, 8))


def test_imagenet_network_with_both_flags_builds():
    model = ScatteringNet(5, 3, 224, 1000, L=6, mixing_horizon=21, global_avg_pool=True,
                          lowpass_last=True)
    assert model.classifier[-1].in_features == 7203
    assert model.scattering[3].wavelets.groups == 1029 // 21


@pytest.mark.parametrize("kwargs, estimate", [
    (dict(n_blocks=4, in_channels=3, image_size=32, num_classes=10), "16.1 GB"),
    (dict(n_blocks=5, in_channels=3, image_size=32, num_classes=10), "1.3 TB")])
def test_memory_budget_refusal(kwargs, estimate):
    with pytest.raises(MemoryBudgetError) as info:
        ScatteringNet(**kwargs)
    message = str(info.value)
    assert estimate in message
    for fix in ("mixing_horizon=27", "global_avg_pool", "lowpass_last"):
        assert fix in message
    with pytest.raises(MemoryBudgetError):
        ScatteringNet(2, 3, 32, 10, max_memory_bytes=1e6)


@pytest.fixture(scope="module")
def faithfulness():
    return faithfulness_errors(smooth_images(n=2, size=48), kernel_sizes=(3, 5, 7, 9, 15))


def test_faithfulness_by_kernel_size(faithfulness):
    truncation = [faithfulness[K]["truncation"] for K in (3, 5, 7, 9, 15)]
    assert all(a > b for a, b in zip(truncation, truncation[1:]))
    assert truncation[2] < 0.03 and truncation[3] < 5e-3 and truncation[4] < 1e-5
    # End to end the 2x2 average replaces the Gaussian low-pass: a floor independent of K.
    end_to_end = [faithfulness[K]["end_to_end"] for K in (7, 9, 15)]
    assert max(end_to_end) < 0.25 and max(end_to_end) - min(end_to_end) < 0.01
