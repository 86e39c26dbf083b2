"""Reading the ``results.json`` of several runs (of one model or several): the summary
table and the spatial-scattering seed's plots.

* ``plot_size_vs_accuracy.png``: head-only and fine-tuned test accuracy against the number
  of training images, one colour per model;
* ``plot_size_vs_gain.png``: fine-tuning gain per run (green: positive, red: negative);
* ``plot_delta_vs_gain.png``: relative filter change against gain, with Pearson's r;
* ``curves/<run>.png``: validation accuracy and training loss per epoch of each run.

A folder holding a ``study.json`` (:mod:`~kymatio.experiments.study`) also gets its table
and ``study_accuracy.png`` (accuracy against label count, with 95 % intervals).
"""
import math
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from .errors import ConfigError
from .run_folder import RESULTS_FILE, probe_writable, read_json
from .study import STUDY_FILE

__all__ = ["load_runs", "model_label", "summary_rows", "format_table", "pearson_r",
           "plot_size_vs_accuracy", "plot_size_vs_gain", "plot_delta_vs_gain", "plot_curves",
           "read_study", "format_study_table", "plot_study", "analyze", "new_figure",
           "save_figure", "COLUMNS"]

PathLike = Union[str, Path]
Run = Tuple[str, Dict[str, Any]]
#: Columns of :func:`summary_rows` (accuracies in percent).
COLUMNS = ("run", "model", "train", "head_acc", "finetune_acc", "finetune_gain",
           "filter_delta_l2", "filter_delta_relative", "test_acc", "params", "time_s")
REQUIRED = {"model": dict, "parameters": dict, "data": dict, "phases": list,
            "test_accuracy": float}


def _check_results(path: Path, results: Any) -> Dict[str, Any]:
    if not isinstance(results, dict):
        raise ConfigError(f"analyze: {path} holds a {type(results).__name__}, not the JSON "
                          f"object of a run's results.")
    missing = [key for key, kind in REQUIRED.items() if not isinstance(results.get(key), kind)
               and not (kind is float and isinstance(results.get(key), int))]
    if missing or not results["phases"]:
        raise ConfigError(f"analyze: {path} is not a finished run's results (it lacks "
                          f"{missing or ['phases']}); remove it or re-run that run.")
    return results


def load_runs(root: PathLike) -> List[Run]:
    """Every ``results.json`` under ``root`` (recursively), named by its folder.

    Returns
    -------
    list of (str, dict)
        ``(run name, results)`` sorted by name; the name is the folder relative to
        ``root`` (``'.'`` for ``root`` itself).

    Raises
    ------
    ConfigError
        ``root`` is not a folder, holds no results, or a ``results.json`` that is not
        valid JSON or not a run's results.
    """
    root = Path(root)
    if not root.is_dir():
        raise ConfigError(f"analyze: {root} is not a folder; give the folder that holds the "
                          f"run folders (the --out of the train command).")
    runs = [(str(path.parent.relative_to(root)),
             _check_results(path, read_json(path, "analyze")))
            for path in sorted(root.rglob(RESULTS_FILE))]
    if not runs:
        raise ConfigError(f"analyze: no {RESULTS_FILE} under {root}; train a model first "
                          f"(kymatio-experiments train --out {root}/NAME).")
    return runs


def model_label(results: Dict[str, Any]) -> str:
    """The model of a run, with the arguments that tell scattering variants apart:
    ``scattering-linear[learnable,morlet]``, ``scattering-linear[fixed]``."""
    spec = results["model"]
    kwargs = spec.get("kwargs") or {}
    tags = []
    if "learnable" in kwargs:
        tags.append("learnable" if kwargs["learnable"] else "fixed")
    for key, default in (("parametrization", "filters"), ("initialization", "kymatio")):
        if kwargs.get(key, default) != default:
            tags.append(str(kwargs[key]))
    name = spec.get("name", "?")
    return f"{name}[{','.join(tags)}]" if tags else name


def summary_rows(runs: Sequence[Run]) -> List[Dict[str, Any]]:
    """One dict per run with the :data:`COLUMNS` values (None where a run has none),
    sorted by model (:func:`model_label`), then training size, then name."""
    rows = [{"run": name, "model": model_label(results),
             "dataset": results["data"].get("dataset"), "train": results["data"].get("train"),
             **{key: results.get(key) for key in COLUMNS[3:8]},
             "test_acc": results["test_accuracy"],
             "params": results["parameters"].get("total"), "time_s": results.get("time_s")}
            for name, results in runs]
    return sorted(rows, key=lambda row: (row["model"], row["train"] or 0, row["run"]))


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "params":
        return f"{value:,}"
    if key in ("head_acc", "finetune_acc", "test_acc"):
        return f"{100 * value:.2f}"
    if key == "finetune_gain":
        return f"{100 * value:+.2f}"
    if key == "time_s":
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def format_table(rows: Sequence[Dict[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """The rows as an aligned plain-text table (accuracies and gains in percent)."""
    cells = [[_cell(key, row.get(key)) for key in columns] for row in rows]
    widths = [max(len(key), *(len(line[i]) for line in cells)) for i, key in enumerate(columns)]

    def line(texts: Sequence[str]) -> str:
        return "  ".join(text.ljust(w) if i < 2 else text.rjust(w)
                         for i, (text, w) in enumerate(zip(texts, widths)))

    return "\n".join([line(columns), "  ".join("-" * w for w in widths)]
                     + [line(texts) for texts in cells])


def pearson_r(x: Sequence[float], y: Sequence[float]) -> Optional[float]:
    """Pearson's correlation of ``x`` and ``y``; None with fewer than 3 points or a
    constant series."""
    if len(x) < 3:
        return None
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def new_figure(width: float = 7, height: float = 4.5):
    """A matplotlib figure on the Agg canvas (no pyplot, no global backend switch)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure: Any, path: PathLike) -> Path:
    """Save as PNG; :class:`ConfigError` naming the path if it cannot be written."""
    path = Path(path)
    figure.tight_layout()
    try:
        figure.savefig(path, dpi=110)
    except OSError as error:
        raise ConfigError(f"--plots: cannot write {path} ({error.strerror or error}); "
                          f"choose a writable folder.") from None
    return path


def _colors(keys: Iterable[str]) -> Dict[str, str]:
    """One matplotlib colour per distinct key, in sorted order."""
    return {key: f"C{i % 10}" for i, key in enumerate(sorted(set(keys)))}


def _curve_key(row: Dict[str, Any], datasets: int) -> str:
    """What one line of a size plot follows: the model, on its data set where the runs
    mix data sets (accuracies on different data sets are not on one curve)."""
    return f"{row['model']} on {row.get('dataset')}" if datasets > 1 else row["model"]


def plot_size_vs_accuracy(rows: Sequence[Dict[str, Any]], path: PathLike) -> Path:
    """Head-only (circles, dashed) and fine-tuned (triangles, solid) test accuracy against
    training images, per model and data set; lines through the means at each size."""
    figure = new_figure()
    axis = figure.add_subplot()
    datasets = len({row.get("dataset") for row in rows})
    colors = _colors(_curve_key(row, datasets) for row in rows)
    for model, color in colors.items():
        mine = [row for row in rows if _curve_key(row, datasets) == model]
        for key, marker, style in (("head_acc", "o", "--"), ("finetune_acc", "^", "-")):
            points = [(row["train"], 100 * row[key]) for row in mine if row[key] is not None]
            if not points:
                continue
            axis.scatter(*zip(*points), color=color, marker=marker, alpha=0.6)
            sizes = sorted({size for size, _ in points})
            means = [sum(a for s, a in points if s == size) / sum(1 for s, _ in points
                                                                    if s == size)
                     for size in sizes]
            axis.plot(sizes, means, style, color=color,
                      label=f"{model} {'head only' if key == 'head_acc' else 'fine-tuned'}")
    axis.set_xscale("log")
    axis.set_xlabel("training images")
    axis.set_ylabel("test accuracy (%)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    return save_figure(figure, path)


def plot_size_vs_gain(rows: Sequence[Dict[str, Any]], path: PathLike) -> Path:
    """Fine-tuning gain of every run (bars, green positive, red negative), grouped by
    model and training size."""
    points = [row for row in rows if row["finetune_gain"] is not None]
    figure = new_figure()
    axis = figure.add_subplot()
    gains = [100 * row["finetune_gain"] for row in points]
    axis.bar(range(len(points)), gains, color=["tab:green" if g >= 0 else "tab:red"
                                               for g in gains])
    axis.set_xticks(range(len(points)), [f"{row['model']}\n{row['train']} ({row['run']})"
                                         for row in points], rotation=60, ha="right",
                    fontsize="x-small")
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set_ylabel("fine-tuning gain (points)")
    axis.grid(alpha=0.3, axis="y")
    return save_figure(figure, path)


def plot_delta_vs_gain(rows: Sequence[Dict[str, Any]], path: PathLike) -> Path:
    """Relative filter change against fine-tuning gain, per model, with Pearson's r over
    all runs in the title."""
    points = [row for row in rows if row["finetune_gain"] is not None
              and row["filter_delta_relative"] is not None]
    figure = new_figure()
    axis = figure.add_subplot()
    for model, color in _colors(row["model"] for row in points).items():
        mine = [row for row in points if row["model"] == model]
        axis.scatter([row["filter_delta_relative"] for row in mine],
                     [100 * row["finetune_gain"] for row in mine], color=color, label=model)
    r = pearson_r([row["filter_delta_relative"] for row in points],
                  [row["finetune_gain"] for row in points])
    axis.set_title(f"Pearson r = {r:.3f} ({len(points)} runs)" if r is not None
                   else f"Pearson r undefined ({len(points)} runs)")
    axis.axhline(0, color="black", linewidth=0.8)
    axis.set_xlabel("relative filter change (filter_delta_relative)")
    axis.set_ylabel("fine-tuning gain (points)")
    axis.grid(alpha=0.3)
    if points:
        axis.legend(fontsize="small")
    return save_figure(figure, path)


def plot_curves(name: str, results: Dict[str, Any], path: PathLike) -> Path:
    """Validation accuracy and training loss per epoch of one run, phases one after the
    other (a dotted line where phase B starts)."""
    figure = new_figure(8, 3.5)
    accuracy_axis, loss_axis = figure.subplots(1, 2)
    offset = 0
    for phase in results["phases"]:
        history = phase["history"]
        epochs = [offset + entry["epoch"] for entry in history]
        accuracy_axis.plot([offset] + epochs, [phase["initial_val_accuracy"]]
                           + [entry["val_accuracy"] for entry in history], marker=".",
                           label=f"phase {phase['name']}")
        loss_axis.plot(epochs, [entry["train_loss"] for entry in history], marker=".",
                       label=f"phase {phase['name']}")
        if offset:
            for axis in (accuracy_axis, loss_axis):
                axis.axvline(offset, color="grey", linestyle=":")
        offset += len(history)
    accuracy_axis.set_ylabel("validation accuracy")
    loss_axis.set_ylabel("training loss")
    for axis in (accuracy_axis, loss_axis):
        axis.set_xlabel("epoch")
        axis.grid(alpha=0.3)
        axis.legend(fontsize="small")
    figure.suptitle(f"{name} ({model_label(results)})")
    return save_figure(figure, path)


def read_study(path: PathLike) -> Dict[str, Any]:
    """A ``study.json``; :class:`ConfigError` if it is not one."""
    study = read_json(path, "analyze")
    if not isinstance(study, dict) or not all(isinstance(study.get(key), list)
                                              for key in ("cells", "paired")):
        raise ConfigError(f"analyze: {path} is not a study summary (no 'cells' and "
                          f"'paired' lists); run the study command again to rewrite it.")
    return study


def _estimate(summary: Dict[str, Any], sign: bool = False) -> str:
    if not summary["n"]:
        return "-"
    mean = f"{100 * summary['mean']:{'+' if sign else ''}.2f}"
    if summary["ci95"] is None:
        return mean
    low, high = (f"{100 * v:{'+' if sign else ''}.2f}" for v in summary["ci95"])
    return f"{mean} [{low}, {high}]"


def format_study_table(study: Dict[str, Any]) -> str:
    """The study as a table: per label count and variant, the mean test accuracy with its
    95 % interval (percent), and the paired difference with the fixed twin."""
    paired = {(p["labels"], p["variant"]): p for p in study["paired"]}
    rows = [("labels", "model", "n", "test accuracy % [95% CI]",
             "vs fixed twin, points [95% CI]")]
    for cell in study["cells"]:
        pair = paired.get((cell["labels"], cell["variant"]))
        rows.append((str(cell["labels"]), cell["label"], str(cell["test_accuracy"]["n"]),
                     _estimate(cell["test_accuracy"]),
                     _estimate(pair["test_difference"], sign=True) if pair else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(text.ljust(w) for text, w in zip(row, widths)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plot_study(study: Dict[str, Any], path: PathLike) -> Path:
    """Test accuracy against label count per variant, with 95 % intervals (error bars),
    and the paired differences with the twins in a second panel."""
    figure = new_figure(10, 4.2)
    accuracy_axis, difference_axis = figure.subplots(1, 2)
    labels = {cell["variant"]: cell["label"] for cell in study["cells"]}

    def draw(axis: Any, entries: List[Dict[str, Any]], key: str, name: str) -> None:
        points = [e for e in entries if e[key]["n"]]
        xs = [e["labels"] for e in points]
        ys = [100 * e[key]["mean"] for e in points]
        errors = [[100 * (e[key]["mean"] - e[key]["ci95"][0]) if e[key]["ci95"] else 0
                   for e in points],
                  [100 * (e[key]["ci95"][1] - e[key]["mean"]) if e[key]["ci95"] else 0
                   for e in points]]
        axis.errorbar(xs, ys, yerr=errors, marker="o", capsize=4, label=name)

    for variant in dict.fromkeys(cell["variant"] for cell in study["cells"]):
        draw(accuracy_axis, [c for c in study["cells"] if c["variant"] == variant],
             "test_accuracy", labels[variant])
    for variant in dict.fromkeys(p["variant"] for p in study["paired"]):
        pairs = [p for p in study["paired"] if p["variant"] == variant]
        draw(difference_axis, pairs, "test_difference",
             f"{labels[variant]} - {labels.get(pairs[0]['twin'], pairs[0]['twin'])}")
    difference_axis.axhline(0, color="black", linewidth=0.8)
    accuracy_axis.set_ylabel("test accuracy (%), mean and 95 % CI")
    difference_axis.set_ylabel("paired difference (points), 95 % CI")
    for axis in (accuracy_axis, difference_axis):
        axis.set_xscale("log")
        axis.set_xlabel("labelled training images")
        axis.grid(alpha=0.3)
        if axis.lines or axis.containers:
            axis.legend(fontsize="small")
    seeds = max((cell["test_accuracy"]["n"] for cell in study["cells"]), default=0)
    figure.suptitle(f"{study.get('spec', {}).get('dataset', '')}: {seeds} seeds per point")
    return save_figure(figure, path)


def _plots_folder(path: Path) -> Path:
    try:
        (path / "curves").mkdir(parents=True, exist_ok=True)
        probe_writable(path)
    except OSError as error:
        raise ConfigError(f"--plots: {path} cannot hold the figures ({error.strerror or error}"
                          f"); choose a writable folder.") from None
    return path


def analyze(root: PathLike, plots: Optional[PathLike] = None) -> str:
    """The ``analyze`` command: the table of the runs under ``root`` (and of a study
    there), and the plots in folder ``plots`` (None: no plots).

    Returns
    -------
    str
        The table(s) and the list of the figures written.
    """
    root = Path(root)
    study = read_study(root / STUDY_FILE) if (root / STUDY_FILE).is_file() else None
    runs = load_runs(root)
    rows = summary_rows(runs)
    text = [format_table(rows)]
    if study is not None:
        text.append("\n" + format_study_table(study))
    if plots is None:
        return "\n".join(text)
    folder = _plots_folder(Path(plots))
    written = [plot_size_vs_accuracy(rows, folder / "plot_size_vs_accuracy.png"),
               plot_size_vs_gain(rows, folder / "plot_size_vs_gain.png"),
               plot_delta_vs_gain(rows, folder / "plot_delta_vs_gain.png")]
    if study is not None:
        written.append(plot_study(study, folder / "study_accuracy.png"))
    for name, results in runs:
        safe = name.replace("/", "__").replace("\\", "__")
        written.append(plot_curves(name, results, folder / "curves" / f"{safe}.png"))
    text.append(f"\n{len(written)} figures in {folder}: "
                f"{', '.join(path.name for path in written[:4])}, curves/*.png")
    return "\n".join(text)
