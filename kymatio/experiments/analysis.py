"""Reading the ``results.json`` of several runs: a summary table and validation curves."""
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple, Union

from .harness import RESULTS_FILE

__all__ = ["load_runs", "summary_rows", "format_table", "plot_val_accuracy"]

PathLike = Union[str, Path]
Run = Tuple[str, Dict[str, Any]]
COLUMNS = ("run", "model", "params", "best val acc", "test acc", "time (s)")


def load_runs(root: PathLike) -> List[Run]:
    """Every ``results.json`` under ``root`` (recursively), named by its folder.

    Returns
    -------
    list of (str, dict)
        ``(run name, results)`` sorted by name; the name is the folder relative to
        ``root`` (``'.'`` for ``root`` itself).

    Raises
    ------
    FileNotFoundError
        ``root`` does not exist or holds no results.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder; give the folder that holds the "
                                f"run folders (the --out of the train command).")
    runs = []
    for path in sorted(root.rglob(RESULTS_FILE)):
        name = str(path.parent.relative_to(root))
        try:
            runs.append((name, json.loads(path.read_text())))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON ({error}); was the run "
                             f"interrupted while writing it?") from error
    if not runs:
        raise FileNotFoundError(f"no {RESULTS_FILE} under {root}; train a model first "
                                f"(python -m kymatio.experiments train --out {root}/NAME).")
    return runs


def summary_rows(runs: Sequence[Run]) -> List[Dict[str, Any]]:
    """One dict per run with the :data:`COLUMNS` values."""
    return [{"run": name, "model": results["model"]["name"],
             "params": results["parameters"]["total"],
             "best val acc": results["best_val_accuracy"],
             "test acc": results["test_accuracy"], "time (s)": results["time_s"]}
            for name, results in runs]


def format_table(rows: Sequence[Dict[str, Any]]) -> str:
    """The rows as an aligned plain-text table."""
    def cell(key: str, value: Any) -> str:
        if key == "params":
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:.1f}" if key == "time (s)" else f"{value:.4f}"
        return str(value)

    cells = [[cell(key, row[key]) for key in COLUMNS] for row in rows]
    widths = [max(len(key), *(len(line[i]) for line in cells))
              for i, key in enumerate(COLUMNS)]
    lines = ["  ".join(key.ljust(w) if i < 2 else key.rjust(w)
                       for i, (key, w) in enumerate(zip(COLUMNS, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(text.ljust(w) if i < 2 else text.rjust(w)
                        for i, (text, w) in enumerate(zip(line, widths))) for line in cells]
    return "\n".join(lines)


def plot_val_accuracy(runs: Sequence[Run], path: PathLike) -> Path:
    """Validation accuracy per epoch of every run, phases one after the other.

    Each run is one line through its starting accuracy and every epoch of every phase;
    the first epoch of phase B is marked with a dot. Saved with the Agg backend.

    Returns
    -------
    Path
        The PNG file.
    """
    # The Agg canvas directly, not pyplot: no global backend switch for the caller.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7, 4.5))
    FigureCanvasAgg(figure)
    axis = figure.add_subplot()
    for name, results in runs:
        epochs, accuracies, offset, boundaries = [], [], 0, []
        for phase in results["phases"]:
            if not epochs:
                epochs.append(0)
                accuracies.append(phase["initial_val_accuracy"])
            elif phase["history"]:
                boundaries.append(offset + 1)
            for entry in phase["history"]:
                epochs.append(offset + entry["epoch"])
                accuracies.append(entry["val_accuracy"])
            offset += len(phase["history"])
        label = f"{name} ({results['model']['name']})"
        line, = axis.plot(epochs, accuracies, marker=".", label=label)
        for boundary in boundaries:
            axis.plot([boundary], [accuracies[epochs.index(boundary)]], "o",
                      color=line.get_color(), markersize=8, fillstyle="none")
    axis.set_xlabel("epoch (phase A, then phase B; circle: first epoch of phase B)")
    axis.set_ylabel("validation accuracy")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=120)
    return path
