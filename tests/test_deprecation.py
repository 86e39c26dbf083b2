"""The old import paths and argument names kept for one release: each still gives the same
object or model, and warns with the new place."""
import importlib
import subprocess
import sys

import pytest
import torch

import kymatio.attention
import kymatio.experiments
import kymatio.flow
import kymatio.models
import kymatio.models.wavelet_transformer
import kymatio.wavelets
from kymatio.models import ExampleLinearClassifier, ScatteringNet, transformer

MOVED_NAMES = [
    (kymatio.attention, name, kymatio.wavelets)
    for name in ("MODES", "dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D",
                 "IDWT2D")
] + [
    (kymatio.models, name, kymatio.flow)
    for name in ("Scalogram", "ScalogramEncoder", "ContinuousFlowMatcherTime")
] + [
    (kymatio.experiments, name, kymatio.flow)
    for name in ("ChirpPrior", "CHIRP_PRIOR", "chirp_waveforms", "simulate_chirps",
                 "sbc_ranks", "coverage", "CalibrationSummary", "calibration_summary",
                 "train_flow_matcher", "sample_posteriors")
] + [
    (kymatio.models.wavelet_transformer, name, transformer)
    for name in ("PRESETS", "PresetSizes")
]

MOVED_MODULES = {
    "kymatio.attention.dwt": "kymatio.wavelets.dwt",
    "kymatio.models.scalogram": "kymatio.flow.scalogram",
    "kymatio.models.scalogram_encoder": "kymatio.flow.encoder",
    "kymatio.models.flow_matching": "kymatio.flow.matcher",
    "kymatio.experiments.chirps": "kymatio.flow.chirps",
    "kymatio.experiments.calibration": "kymatio.flow.calibration",
    "kymatio.experiments.flow_training": "kymatio.flow.training",
}


@pytest.mark.parametrize("old, name, new", MOVED_NAMES,
                         ids=[f"{old.__name__}.{name}" for old, name, _ in MOVED_NAMES])
def test_moved_names_are_the_same_objects_and_warn(old, name, new):
    with pytest.warns(DeprecationWarning, match=rf"{new.__name__}\.{name}"):
        assert getattr(old, name) is getattr(new, name)


def test_unknown_names_still_raise_attribute_errors():
    with pytest.raises(AttributeError, match="kymatio.models.*no attribute 'Nothing'"):
        kymatio.models.Nothing  # noqa: B018
    assert not hasattr(kymatio.attention, "wavelet_filters")


@pytest.mark.parametrize("old, new", sorted(MOVED_MODULES.items()))
def test_moved_modules_are_the_new_modules_and_warn(monkeypatch, old, new):
    monkeypatch.delitem(sys.modules, old, raising=False)  # import it afresh
    with pytest.warns(DeprecationWarning, match=rf"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert importlib.import_module(old) is module  # cached: no second stub


def test_the_seed_spellings_of_the_sizes_still_build_the_same_models():
    torch.manual_seed(0)
    expected = ExampleLinearClassifier(1, image_size=(8, 8), in_channels=1, num_classes=3, L=2)
    with pytest.warns(DeprecationWarning, match="shape= is deprecated, use image_size="):
        old = ExampleLinearClassifier(J=1, shape=(8, 8), in_channels=1, num_classes=3, L=2)
    assert old.image_size == expected.image_size == (8, 8)
    with pytest.warns(DeprecationWarning, match="in_spatial= is deprecated"):
        with pytest.warns(DeprecationWarning, match="nb_classes= is deprecated"):
            net = ScatteringNet(n_blocks=1, in_channels=1, in_spatial=8, nb_classes=3, L=2)
    assert (net.image_size, net.num_classes) == ((8, 8), 3)


def test_a_size_given_twice_or_not_at_all_is_an_error():
    with pytest.raises(TypeError, match="both image_size= and shape="):
        ExampleLinearClassifier(1, (8, 8), 1, 3, shape=(8, 8))
    with pytest.raises(TypeError, match="missing required argument 'num_classes'"):
        ScatteringNet(1, 1, 8)


def test_the_new_layout_imports_without_warnings():
    code = ("import kymatio.wavelets, kymatio.attention, kymatio.flow, kymatio.models, "
            "kymatio.experiments, kymatio.experiments.cli")
    result = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
