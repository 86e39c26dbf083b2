"""The Wide-ResNet-style CNNs: on pixels (the baseline) and on scattering coefficients."""
import pytest
import torch
from torch import nn

from kymatio.models import ScatteringWideResNet, WideResNet
from kymatio.models.wide_resnet import ResidualBlock, wide_resnet_stages


def test_residual_block_is_identity_plus_residual_or_projects_the_shortcut():
    block = ResidualBlock(4, 4)
    assert block.shortcut is None
    with torch.no_grad():
        block.conv2.weight.zero_()
    x = torch.randn(2, 4, 6, 6)
    torch.testing.assert_close(block(x), x)
    down = ResidualBlock(4, 8, stride=2)
    assert isinstance(down.shortcut, nn.Conv2d) and down(x).shape == (2, 8, 3, 3)


def test_stages_widths_strides_and_pooling():
    stages = wide_resnet_stages(3, [16, 32, 64], (1, 2, 2), blocks=2)
    assert stages(torch.randn(2, 3, 28, 28)).shape == (2, 64)
    assert sum(isinstance(m, ResidualBlock) for m in stages) == 6


def test_pixel_cnn_trains_everything_at_once_and_widens():
    model = WideResNet(28, 1, 10)
    assert model.head_first is False
    assert model(torch.randn(3, 1, 28, 28)).shape == (3, 10)
    wide = WideResNet(28, 1, 10, width=2)
    assert wide.classifier.in_features == 128
    count = sum(p.numel() for p in model.parameters())
    assert 50_000 < count < 200_000  # CPU-sized
    with pytest.raises(ValueError, match="width must be a positive integer"):
        WideResNet(28, 1, 10, width=0)


def test_scattering_cnn_normalises_the_maps_and_learns_the_filters():
    model = ScatteringWideResNet(2, (28, 28), 1, 10, L=8, learnable=True,
                                 parametrization="morlet")
    unflatten, norm, stages, linear = model.classifier
    assert isinstance(norm, nn.BatchNorm2d) and norm.num_features == 81
    assert stages[0].in_channels == 81 and linear.in_features == 64
    x = torch.randn(4, 1, 28, 28)
    loss = model(x).square().sum()
    loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.frontend_parameters())
    assert {id(p) for p in model.head_parameters()} == {id(p) for p in
                                                         model.classifier.parameters()}


@pytest.mark.parametrize("model", ["pixels", "scattering"])
def test_widths_beyond_the_memory_limit_are_refused_before_allocating(model):
    from kymatio.frontend.memory import MemoryBudgetError
    with pytest.raises(MemoryBudgetError, match="width"):
        if model == "pixels":
            WideResNet(image_size=28, in_channels=1, num_classes=10, width=10**4)
        else:
            ScatteringWideResNet(J=2, image_size=28, in_channels=1, num_classes=10,
                                 width=10**4)
