"""The study command: a resumable grid of runs, paired 95 % intervals, its table and figure."""
import json
import math

import pytest

from kymatio.experiments import ConfigError, StudySpec, run_study, study
from kymatio.experiments.cli import main
from kymatio.experiments.study import QUICK_SPEC, interval


def test_interval_is_the_student_t_interval_of_the_mean():
    summary = interval([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)  # t(0.975, 2) * s / sqrt(n), s = 1
    assert (summary["n"], summary["mean"], summary["std"]) == (3, 2.0, 1.0)
    assert summary["ci95"] == pytest.approx([2 - half, 2 + half])
    assert interval([0.5])["ci95"] is None and interval([])["mean"] is None


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("study") / "quick"
    assert main(["study", "--quick", "--out", str(out), "-q", "--jobs", "2"]) == 0
    return out


def test_quick_study_writes_cells_and_paired_differences(quick, capsys):
    summary = json.loads((quick / "study.json").read_text())
    assert summary["missing"] == 0 and summary["spec"]["labels"] == [50, 100]
    cells = {(c["labels"], c["variant"]): c for c in summary["cells"]}
    assert set(cells) == {(n, v) for n in (50, 100) for v in ("s-ll", "ls-ll-morlet")}
    for (labels, variant), cell in cells.items():
        values = cell["test_accuracy"]["values"]
        assert cell["seeds"] == [0, 1] and len(values) == 2
        assert cell["test_accuracy"] == interval(values)
        results = json.loads((quick / "runs" / f"n{labels}" / variant / "seed0"
                              / "results.json").read_text())
        assert results["data"]["train"] == labels and results["phases"][0]["name"] == "joint"
        assert results["config"]["epochs_head"] == 0 and not results["config"]["keep_best"]
    for pair in summary["paired"]:
        mine, twin = cells[(pair["labels"], "ls-ll-morlet")], cells[(pair["labels"], "s-ll")]
        expected = [a - b for a, b in zip(mine["test_accuracy"]["values"],
                                          twin["test_accuracy"]["values"])]
        assert pair["twin"] == "s-ll" and pair["test_difference"]["values"] == expected
    protocol = summary["protocol"]["ls-ll-morlet"]
    assert protocol["model_kwargs"]["parametrization"] == "morlet"
    assert protocol["lr_frontend"] == 0.2 and protocol["schedule"] == "cosine"
    assert main(["analyze", str(quick)]) == 0
    out = capsys.readouterr().out
    assert "vs fixed twin" in out and "LS+LL (Morlet)" in out
    assert (quick / "plots" / "study_accuracy.png").read_bytes()[:4] == b"\x89PNG"


def test_a_study_continues_and_extends_without_rerunning_finished_cells(quick, monkeypatch):
    ran = []
    monkeypatch.setattr(study, "_run_cell", lambda config: ran.append(config) or {
        "out_dir": config["out_dir"], "test_accuracy": 0.5, "time_s": 0.0})
    run_study(QUICK_SPEC, quick, progress=False)
    assert ran == []
    (quick / "runs" / "n100" / "s-ll" / "seed1" / "results.json").unlink()
    run_study(QUICK_SPEC, quick, progress=False)
    assert [c["out_dir"] for c in ran] == [str(quick / "runs" / "n100" / "s-ll" / "seed1")]
    changed = StudySpec(**{**QUICK_SPEC.to_dict(), "labels": (50, 100),
                           "variants": ("s-ll", "ls-ll-morlet"),
                           "settings": {**QUICK_SPEC.settings, "lr_head_joint": 0.5}})
    with pytest.raises(ConfigError, match="ran with other settings.*lr_head_joint"):
        run_study(changed, quick, progress=False)


def test_spec_errors_name_the_field(tmp_path):
    with pytest.raises(ConfigError, match="unknown variant 'resnet'"):
        StudySpec(variants=("s-ll", "resnet"))
    with pytest.raises(ConfigError, match="labels must be counts >= 2"):
        StudySpec(labels=(100, 1))
    with pytest.raises(ConfigError, match="names a variant that is not in the study"):
        StudySpec(variants=("s-ll",), settings={"cnn.lr_head_joint": 0.1})
    with pytest.raises(ConfigError, match="lr_head_joint must be a finite number"):
        StudySpec(settings={"lr_head_joint": float("nan")})
    (tmp_path / "x").write_text("")
    with pytest.raises(ConfigError, match="not a study folder"):
        run_study(QUICK_SPEC, tmp_path)


def test_the_study_runs_on_cifar10_batches_from_data_dir(tmp_path, write_cifar):
    write_cifar(tmp_path, [[i % 10 for i in range(20)]] * 5, [i % 10 for i in range(20)])
    assert main(["study", "--dataset", "cifar10", "--data-dir", str(tmp_path), "--labels",
                 "20", "--seeds", "1", "--variants", "s-ll", "ls-ll-morlet", "--set",
                 "epochs_joint=1", "--set", "steps_per_epoch=2", "--set", "batch_size=8",
                 "--set", "val_fraction=0.2", "--out", str(tmp_path / "study"), "-q"]) == 0
    summary = json.loads((tmp_path / "study" / "study.json").read_text())
    assert [cell["test_accuracy"]["n"] for cell in summary["cells"]] == [1, 1]
    results = json.loads((tmp_path / "study" / "runs" / "n20" / "s-ll" / "seed0"
                          / "results.json").read_text())
    assert results["data"]["in_channels"] == 3 and results["data"]["test"] == 20
