"""``analyze``: the table of runs of several models, the seed's plots, Pearson's r."""
import pytest

from kymatio.experiments import ExperimentConfig, run_experiment
from kymatio.experiments.analysis import COLUMNS, pearson_r
from kymatio.experiments.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two sizes of a learnable scattering model and one run of the pixel CNN."""
    root = tmp_path_factory.mktemp("analysis")
    common = dict(dataset="digits", image_size=16, val_fraction=0.1, epochs_head=1,
                  epochs_joint=1, batch_size=32, progress=False, device="cpu", num_threads=1)
    for size in (60, 120):
        run_experiment(ExperimentConfig(**common, model="scattering-linear",
                                        model_kwargs={"J": 1, "L": 2}, train_size=size,
                                        lr_frontend=1e-2, out_dir=str(root / f"s{size}")))
    run_experiment(ExperimentConfig(**common, model="cnn", train_size=60,
                                    out_dir=str(root / "cnn")))
    return root


def test_analyze_prints_the_seed_columns_and_draws_the_plots(runs, capsys):
    assert main(["analyze", str(runs)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == list(COLUMNS)
    rows = [line.split() for line in lines[2:5]]
    assert [row[:3] for row in rows] == [["cnn", "cnn", "60"],
                                         ["s60", "scattering-linear[learnable]", "60"],
                                         ["s120", "scattering-linear[learnable]", "120"]]
    assert rows[0][3] == "-" and rows[0][5] == "-"  # no phase A for the CNN: no gain
    assert rows[1][5].startswith(("+", "-"))
    for name in ("plot_size_vs_accuracy", "plot_size_vs_gain", "plot_delta_vs_gain"):
        path = runs / "plots" / f"{name}.png"
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 10_000
    assert sorted(p.name for p in (runs / "plots" / "curves").iterdir()) == \
        ["cnn.png", "s120.png", "s60.png"]


def test_pearson_r():
    from scipy.stats import pearsonr

    x, y = [0.1, 0.5, 0.2, 0.9, 0.4], [1.0, 2.5, 0.5, 3.0, 2.0]
    assert pearson_r(x, y) == pytest.approx(pearsonr(x, y)[0], rel=1e-12)
    assert pearson_r([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert pearson_r([1, 2], [1, 2]) is None and pearson_r([1, 1, 1], [1, 2, 3]) is None


def test_size_plot_draws_one_curve_per_model_and_data_set(tmp_path, monkeypatch):
    """Runs of one model on two data sets are two curves, not one line across both."""
    from kymatio.experiments import analysis

    drawn = []
    monkeypatch.setattr(analysis, "save_figure",
                        lambda figure, path: drawn.append(figure) or path)
    row = dict.fromkeys(COLUMNS)
    rows = [dict(row, model="m", dataset=dataset, train=train, head_acc=0.9,
                 finetune_acc=0.95)
            for dataset, train in (("digits", 200), ("digits", 600),
                                   ("fashion-mnist", 1000))]
    analysis.plot_size_vs_accuracy(rows, tmp_path / "size.png")
    labels = sorted(line.get_label() for line in drawn[0].axes[0].get_lines())
    assert labels == ["m on digits fine-tuned", "m on digits head only",
                      "m on fashion-mnist fine-tuned", "m on fashion-mnist head only"]
    analysis.plot_size_vs_accuracy(rows[:2], tmp_path / "one.png")
    assert sorted(line.get_label() for line in drawn[1].axes[0].get_lines()) == \
        ["m fine-tuned", "m head only"]
