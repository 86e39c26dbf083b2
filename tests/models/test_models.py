"""The classifiers of kymatio.models: the two-phase interface and the argument vocabulary
they share; the scattering classifiers' feature sizes, heads, freezing, training phases and
module conversions."""
import pytest
import torch
from torch import nn

from kymatio.models import (ExampleLinearClassifier, ScatteringBase, ScatteringClassifier,
                            ScatteringNet, ScatteringWideResNet, TwoPhaseClassifier,
                            VisionTransformer, WaveletTransformer, WideResNet)
from kymatio.scattering2d.utils import compute_padding


def images(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# Every classifier, small, built with the shared vocabulary (keywords only).
CLASSIFIERS = {
    "scattering-linear": (ExampleLinearClassifier, dict(J=1, L=2, learnable=True), True),
    "scattering-net": (ScatteringNet, dict(n_blocks=1, L=2, kernel_size=3, learnable=True),
                       True),
    "wavelet-transformer": (WaveletTransformer, dict(embed_dim=8, depth=1, num_heads=2,
                                                     n_levels=2, wavelet="haar"), False),
    "vit": (VisionTransformer, dict(embed_dim=8, depth=1, num_heads=2, patch_size=4), False),
    "scattering-cnn": (ScatteringWideResNet, dict(J=1, L=2, learnable=True), True),
    "cnn": (WideResNet, dict(width=1, blocks=1), False),
}


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_every_classifier_is_a_frontend_and_a_head(name):
    cls, kwargs, head_first = CLASSIFIERS[name]
    model = cls(image_size=(8, 12), in_channels=2, num_classes=3, **kwargs)
    assert isinstance(model, TwoPhaseClassifier) and model.head_first is head_first
    assert (model.image_size, model.in_channels, model.num_classes) == ((8, 12), 2, 3)
    assert model(images(4, 2, 8, 12)).shape == (4, 3)
    frontend, head = list(model.frontend_parameters()), list(model.head_parameters())
    assert frontend and head
    assert {id(p) for p in frontend} | {id(p) for p in head} == \
        {id(p) for p in model.parameters()}
    assert not {id(p) for p in frontend} & {id(p) for p in head}
    model.freeze_frontend()
    assert not any(p.requires_grad for p in frontend) and all(p.requires_grad for p in head)
    model.freeze_head()
    assert not any(p.requires_grad for p in model.parameters())
    model.unfreeze_frontend()
    model.unfreeze_head()
    assert all(p.requires_grad for p in model.parameters())


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize("bad", [{"in_channels": 0}, {"num_classes": 2.5},
                                 {"image_size": (8,)}, {"image_size": True}])
def test_every_classifier_checks_its_sizes(name, bad):
    cls, kwargs, _ = CLASSIFIERS[name]
    with pytest.raises(ValueError, match=next(iter(bad))):
        cls(**{"image_size": 8, "in_channels": 1, "num_classes": 2, **kwargs, **bad})


def test_the_spatial_network_is_a_scattering_classifier():
    model = ScatteringNet(1, 1, image_size=8, num_classes=2, L=2, kernel_size=3)
    assert isinstance(model, ScatteringClassifier) and ScatteringBase is ScatteringClassifier
    assert model.input_size == (8, 8) and model.scattering_shape == (3, 4, 4)


@pytest.mark.parametrize("max_order,pre_pad,expected_k", [(2, False, 1 + 2 * 4 + 16),
                                                          (1, False, 1 + 2 * 4),
                                                          (2, True, 1 + 2 * 4 + 16)])
def test_feature_size_matches_the_transform(max_order, pre_pad, expected_k):
    model = ExampleLinearClassifier(2, (20, 24), in_channels=3, num_classes=7, L=4,
                                    max_order=max_order, pre_pad=pre_pad)
    size = compute_padding(20, 24, 2) if pre_pad else (20, 24)
    x = images(5, 3, *size)
    features = model.extract_features(x)
    spatial = (size[0] // 4 - 2, size[1] // 4 - 2) if pre_pad else (5, 6)
    assert model.scattering_shape == (expected_k,) + spatial
    assert features.shape == (5, model.classifier_input_dim)
    assert model.classifier_input_dim == 3 * expected_k * spatial[0] * spatial[1]
    torch.testing.assert_close(features, model.scattering(x).flatten(1))
    assert model(x).shape == (5, 7)


def test_base_needs_a_head_and_a_subclass_can_provide_one():
    with pytest.raises(NotImplementedError, match="_build_classifier"):
        ScatteringBase(1, (8, 8), 1, 3, L=2)

    class TwoLayers(ScatteringBase):
        def _build_classifier(self):
            return nn.Sequential(nn.Linear(self.classifier_input_dim, 16), nn.ReLU(),
                                 nn.Linear(16, self.num_classes))

    model = TwoLayers(1, (8, 8), 2, 3, L=2)
    assert model(images(4, 2, 8, 8)).shape == (4, 3)
    assert model.classifier[0].in_features == 2 * 3 * 4 * 4


@pytest.mark.parametrize("bad", [{"in_channels": 0}, {"num_classes": 2.5},
                                 {"in_channels": True}])
def test_invalid_sizes(bad):
    kwargs = dict(dict(J=1, image_size=(8, 8), in_channels=1, num_classes=2, L=2), **bad)
    with pytest.raises(ValueError):
        ExampleLinearClassifier(**kwargs)


def test_wrong_input_shape_says_what_was_expected():
    model = ExampleLinearClassifier(1, (8, 8), 3, 2, L=2)
    with pytest.raises(RuntimeError, match=r"\(B, 3, 8, 8\)"):
        model(images(2, 1, 8, 8))


def test_the_seed_names_of_the_two_phase_methods():
    model = ExampleLinearClassifier(1, (8, 8), 1, 4, L=2, learnable=True)
    head = list(model.head_parameters())
    filters = [p for _, p in model.scattering.filter_parameters()]
    assert len(head) == 2 and len(filters) == 2
    assert [id(p) for p in model.frontend_parameters()] == [id(p) for p in filters]
    for name, group in (("scattering", filters), ("classifier", head)):
        frozen = {id(p) for p in group}
        getattr(model, f"freeze_{name}")()
        assert [p.requires_grad for p in model.parameters()] == \
            [id(p) not in frozen for p in model.parameters()]
        getattr(model, f"unfreeze_{name}")()
        assert all(p.requires_grad for p in model.parameters())


def test_two_phase_training_moves_only_what_is_unfrozen():
    torch.manual_seed(0)
    model = ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, learnable=True)
    x, y = images(12, 1, 8, 8), torch.arange(12) % 3
    filters_before = model.scattering.psi_r0.detach().clone()

    def step(parameters, lr):
        optimizer = torch.optim.Adam(parameters, lr=lr)
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()

    model.freeze_scattering()
    step(model.head_parameters(), 1e-2)
    assert model.scattering.psi_r0.grad is None
    assert torch.equal(model.scattering.psi_r0.detach(), filters_before)
    model.unfreeze_scattering()
    model.freeze_classifier()
    head_before = [p.detach().clone() for p in model.head_parameters()]
    step([p for _, p in model.scattering.filter_parameters()], 1e-3)
    assert not torch.equal(model.scattering.psi_r0.detach(), filters_before)
    assert all(torch.equal(a, b.detach()) for a, b in zip(head_before,
                                                          model.head_parameters()))


@pytest.mark.parametrize("learnable", [False, True])
def test_double_and_state_dict_round_trip(learnable):
    model = ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, learnable=learnable).double()
    model.eval()
    x = images(2, 1, 8, 8).double()
    out = model(x)
    assert out.dtype == torch.float64
    other = ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, learnable=not learnable).double()
    other.load_state_dict(model.state_dict())
    other.eval()
    torch.testing.assert_close(other(x), out)


def test_without_normalisation_the_head_is_one_linear_layer():
    model = ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, normalize=False)
    assert isinstance(model.classifier, nn.Linear)
    assert "classifier_input_dim=48" in repr(model)


def test_channel_normalisation_is_a_batch_norm_per_coefficient_map():
    """'channels': one BatchNorm2d statistic per scattering map (in_channels * K maps),
    shared over positions; 'features' (True) standardises every feature on its own."""
    model = ExampleLinearClassifier(1, (8, 8), 2, 3, L=2, normalize="channels")
    norm = model.classifier[0][1]
    assert isinstance(norm, nn.BatchNorm2d) and norm.num_features == 2 * 3
    model.train()
    features = model.classifier[0](model.extract_features(images(16, 2, 8, 8)))
    maps = features.reshape(16, 6, 4, 4)
    torch.testing.assert_close(maps.mean(dim=(0, 2, 3)), torch.zeros(6), atol=1e-5, rtol=0)
    per_feature = ExampleLinearClassifier(1, (8, 8), 2, 3, L=2, normalize=True)
    assert isinstance(per_feature.classifier[0], nn.BatchNorm1d)
    assert ExampleLinearClassifier(1, (8, 8), 2, 3, L=2, normalize="features").state_dict() \
        .keys() == per_feature.state_dict().keys()
    assert isinstance(ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, normalize="none")
                      .classifier, nn.Linear)
    with pytest.raises(ValueError, match="normalize must be one of features, channels"):
        ExampleLinearClassifier(1, (8, 8), 1, 3, L=2, normalize="layer")
