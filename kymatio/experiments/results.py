"""What a run reports: the spatial-scattering seed's summary numbers, the per-epoch CSV log
and JSON-safe values."""
import csv
import io
import math
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from .run_folder import HISTORY_FILE, atomic_write_text

__all__ = ["SEED_KEYS", "seed_results", "write_history_csv", "json_safe"]

#: The summary keys of the spatial-scattering seed, all fractions (the seed's percentages
#: divided by 100), None when the run has no such phase.
SEED_KEYS = ("head_acc", "head_err", "baseline_acc", "finetune_acc", "finetune_gain",
             "filter_delta_l2", "filter_delta_relative")


def seed_results(phases: Sequence[Dict[str, Any]]) -> Dict[str, Optional[float]]:
    """The seed's summary of a run's phase records.

    ``head_acc``: test accuracy after phase A (head only); ``head_err``: ``1 - head_acc``;
    ``baseline_acc``: the accuracy fine-tuning starts from (``head_acc``); ``finetune_acc``:
    test accuracy after phase B; ``finetune_gain``: ``finetune_acc - baseline_acc``;
    ``filter_delta_l2`` and ``filter_delta_relative``: norm of the change of the frontend
    parameters over phase B, absolute and over their norm before it. A key without its
    phase (an end-to-end run has no phase A) or without learnable frontend is None.
    """
    by_name = {phase["name"]: phase for phase in phases}
    head, joint = by_name.get("head"), by_name.get("joint")
    head_acc = head["test_accuracy"] if head else None
    finetune_acc = joint["test_accuracy"] if joint else None
    return {"head_acc": head_acc,
            "head_err": None if head_acc is None else 1.0 - head_acc,
            "baseline_acc": head_acc, "finetune_acc": finetune_acc,
            "finetune_gain": None if head_acc is None or finetune_acc is None
            else finetune_acc - head_acc,
            "filter_delta_l2": joint.get("filter_delta_l2") if joint else None,
            "filter_delta_relative": joint.get("filter_delta_relative") if joint else None}


def write_history_csv(out_dir: Union[str, Path], records: Sequence[Dict[str, Any]]) -> Path:
    """``history.csv`` in ``out_dir``: one row per epoch of every phase record, with the
    learning rate of each parameter group at the end of the epoch (``lr_<group>``).

    Returns
    -------
    Path
    """
    groups: List[str] = []
    for record in records:
        for entry in record["history"]:
            groups += [name for name in entry["learning_rates"] if name not in groups]
    columns = ["phase", "epoch", "train_loss", "val_loss", "val_accuracy", "time_s"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns + [f"lr_{name}" for name in groups])
    for record in records:
        for entry in record["history"]:
            rates = entry["learning_rates"]
            writer.writerow([record["name"]] + [entry[key] for key in columns[1:]]
                            + [rates.get(name, "") for name in groups])
    path = Path(out_dir) / HISTORY_FILE
    atomic_write_text(path, buffer.getvalue())
    return path


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float (a diverged loss) replaced by None, so
    that it is valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
