"""Two-phase training of any model of the registry, with checkpoints at every epoch that a
killed run resumes from, JSON and CSV results, on one process or under ``torchrun``.

Every model is a :class:`~kymatio.models.TwoPhaseClassifier`: a frontend and a head.

* **phase A** (``'head'``): the frontend is frozen and only the head learns (learning
  rate ``lr_head``); skipped when ``epochs_head`` is 0 (end-to-end training) and for
  models whose frontend starts random (``head_first`` False);
* **phase B** (``'joint'``): everything learns, the head at ``lr_head_joint`` and the
  frontend at ``lr_frontend`` (two AdamW parameter groups); a model without phase A
  trains every parameter at ``lr_head_joint``.

Each phase starts by measuring the validation accuracy of its starting state, follows its
learning-rate schedule step by step, keeps the best state seen and stops after
``patience`` epochs without improvement. It ends on its best state (``keep_best``) or on
its last. At the end of every epoch rank 0 writes ``state.pt`` (model, optimizer,
scheduler, random generators, phase, epoch, history) and ``history.csv``; at the end of
each phase ``checkpoint_<phase>.pt``; at the end of the run ``results.json``. All are
written atomically, so :func:`run_experiment` with ``resume=True`` continues a killed run
at the next epoch and ends with the results of the uninterrupted run.
"""
import copy
import logging
import platform
from pathlib import Path
from typing import Any, Dict, Optional, Tuple, Union

import torch

from ..models import TwoPhaseClassifier
from ..version import __version__
from .config import RUNTIME_FIELDS, ExperimentConfig
from .datasets import load_dataset
from .distributed import DistributedContext, setup_distributed, teardown_distributed
from .errors import ConfigError
from .phases import STATE_FORMAT, PhaseRunner, plan_phases
from .registry import construct_model, model_arguments, parameter_counts
from .results import json_safe, seed_results
from .run_folder import (CONFIG_FILE, RESULTS_FILE, STATE_FILE, check_free_space,
                         prepare_out_dir, read_checkpoint, read_json, write_json)
from .seeding import restore_rng_state, seed_everything
from .training import evaluate

__all__ = ["run_experiment", "load_checkpoint", "evaluate_checkpoint", "seed_everything",
           "RESULTS_FILE", "STATE_FILE"]

logger = logging.getLogger(__name__)
PathLike = Union[str, Path]
STATE_KEYS = ("format", "config", "model", "finished", "current", "model_state", "rng")
CHECKPOINT_KEYS = ("config", "model", "phase", "epoch", "model_state")


def _build(spec: Dict[str, Any]) -> TwoPhaseClassifier:
    return construct_model(spec["name"], tuple(spec["image_size"]), spec["in_channels"],
                           spec["num_classes"], spec["kwargs"])


def run_experiment(config: ExperimentConfig, resume: bool = False,
                   overwrite: bool = False) -> Dict[str, Any]:
    """Train, evaluate and record one run (see the module docstring for the phases).

    Parameters
    ----------
    config : ExperimentConfig
        The run; ``out_dir`` is created if needed and must be empty (or hold only an
        earlier run's files, with ``overwrite``).
    resume : bool, optional
        Continue the run whose files are in ``out_dir`` at the epoch after its last
        ``state.pt``; ``config`` must be the one in its ``config.json`` (up to
        :data:`~kymatio.experiments.config.RUNTIME_FIELDS`). A folder with no
        ``state.pt`` yet starts the run from the beginning.
    overwrite : bool, optional
        Delete the run files in ``out_dir`` first.

    Returns
    -------
    dict
        The results, as written to ``out_dir/results.json``: ``config``, ``model``,
        ``data``, ``parameters``, ``phases`` (each with its per-epoch ``history``),
        the seed's summary (``head_acc``, ``head_err``, ``baseline_acc``,
        ``finetune_acc``, ``finetune_gain``, ``filter_delta_l2``,
        ``filter_delta_relative``), ``best_val_accuracy``, ``test_accuracy``, ``time_s``,
        ``environment``. A NaN or infinite loss is recorded as None (``null``).

    Raises
    ------
    ConfigError
        ``out_dir`` not free, not writable or short of space; a ``state.pt`` that does
        not belong to ``config``; a model that refuses its arguments.
    """
    threads = torch.get_num_threads()
    try:
        if config.num_threads is not None:
            torch.set_num_threads(config.num_threads)
        context = setup_distributed(config.device)
        try:
            return _run(config, context, resume, overwrite)
        finally:
            teardown_distributed(context)
    finally:
        torch.set_num_threads(threads)


def _same_run(config: ExperimentConfig, saved: Any, path: Path) -> None:
    """:class:`ConfigError` unless ``saved`` is ``config`` up to the runtime fields."""
    mine = {k: v for k, v in config.to_dict().items() if k not in RUNTIME_FIELDS}
    theirs = {k: v for k, v in saved.items() if k not in RUNTIME_FIELDS} \
        if isinstance(saved, dict) else saved
    if mine != theirs:
        changed = sorted(k for k in mine if not isinstance(theirs, dict)
                         or mine[k] != theirs.get(k))
        raise ConfigError(f"--resume: {path} belongs to another configuration (differs in "
                          f"{changed}); resume with the run's own config.json.")


def _resume_state(config: ExperimentConfig) -> Optional[Dict[str, Any]]:
    out_dir = Path(config.out_dir)
    if not (out_dir / CONFIG_FILE).is_file():
        raise ConfigError(f"--resume: {out_dir} holds no {CONFIG_FILE}: it is not a run "
                          f"folder (or the run never started); train it without --resume.")
    if (out_dir / RESULTS_FILE).is_file():
        raise ConfigError(f"--resume: the run in {out_dir} has finished ({RESULTS_FILE} "
                          f"exists); analyze it, or train again with --overwrite.")
    _same_run(config, read_json(out_dir / CONFIG_FILE, "--resume"), out_dir / CONFIG_FILE)
    if not (out_dir / STATE_FILE).is_file():
        return None
    state = read_checkpoint(out_dir / STATE_FILE, STATE_KEYS, "--resume")
    if state["format"] != STATE_FORMAT:
        raise ConfigError(f"--resume: {out_dir / STATE_FILE} has format {state['format']}, "
                          f"this version reads {STATE_FORMAT}.")
    _same_run(config, state["config"], out_dir / STATE_FILE)
    return state


def _run(config: ExperimentConfig, context: DistributedContext, resume: bool,
         overwrite: bool) -> Dict[str, Any]:
    if config.batch_size % context.world_size or config.batch_size // context.world_size < 2:
        raise ConfigError(f"batch_size {config.batch_size} must split into {context.world_size} "
                          f"processes of at least 2 images each (a multiple of "
                          f"{context.world_size}, at least {2 * context.world_size}).")
    state = _resume_state(config) if resume else None
    out_dir = Path(config.out_dir)
    if context.is_main:
        prepare_out_dir(out_dir, overwrite=overwrite, resume=resume)
        if state is None:
            write_json(out_dir / CONFIG_FILE, config.to_dict())
    seed_everything(config.seed)
    data = load_dataset(config.dataset, config.data_dir, config.image_size,
                        config.val_fraction, config.train_size, config.seed)
    # With the defaults merged in, so that checkpoints still load if the defaults change.
    spec = {"name": config.model, "image_size": list(data.image_size),
            "in_channels": data.in_channels, "num_classes": data.num_classes,
            "kwargs": copy.deepcopy(model_arguments(config.model, config.model_kwargs))}
    model = _build(spec).to(context.device)
    counts = parameter_counts(model)
    if context.is_main:
        state_bytes = sum(t.numel() * t.element_size() for t in model.state_dict().values())
        check_free_space(out_dir, 8 * state_bytes + 2**22)
    run = PhaseRunner(config, context, data, model, spec,
                      torch.Generator().manual_seed(config.seed))
    current = None
    if state is not None:
        model.load_state_dict(state["model_state"])
        run.finished, current = list(state["finished"]), state["current"]
        restore_rng_state(run.generator, state["rng"])
        logger.info("resuming %s after %d finished phase(s)%s", out_dir, len(run.finished),
                    f", epoch {len(current['record']['history'])} of the next" if current
                    else "")
    plan = plan_phases(model, config)
    for index, (name, epochs, groups) in enumerate(plan):
        if index < len(run.finished):
            continue
        resumed = current if current is not None and current["index"] == index else None
        run.run_phase(index, name, epochs, groups, resumed)
    phases = run.finished
    counts["trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    results = json_safe({
        "config": config.to_dict(), "model": spec, "parameters": counts,
        "data": {"dataset": config.dataset, "train": len(data.x_train),
                 "val": len(data.x_val), "test": len(data.x_test),
                 "image_size": list(data.image_size), "in_channels": data.in_channels,
                 "num_classes": data.num_classes},
        "phases": phases, **seed_results(phases),
        "best_val_accuracy": max(phase["best_val_accuracy"] for phase in phases),
        "final_val_accuracy": phases[-1]["final_val_accuracy"],
        "test_accuracy": phases[-1]["test_accuracy"],
        "time_s": sum(phase["time_s"] for phase in phases),
        "environment": {"torch": str(torch.__version__), "kymatio": __version__,
                        "python": platform.python_version(), "device": str(context.device),
                        "world_size": context.world_size,
                        "distributed": context.distributed, "backend": context.backend},
    })
    if context.is_main:
        write_json(out_dir / RESULTS_FILE, results)
        logger.info("test accuracy %.4f; results in %s", results["test_accuracy"],
                    out_dir / RESULTS_FILE)
    return results


def load_checkpoint(path: PathLike, device: Union[str, torch.device] = "cpu"
                    ) -> Tuple[TwoPhaseClassifier, Dict[str, Any]]:
    """Rebuild the model of a checkpoint and load its state.

    Parameters
    ----------
    path : str or Path
        A ``checkpoint_<phase>.pt`` written by :func:`run_experiment`.
    device : str or torch.device, optional
        Where to put the model.

    Returns
    -------
    model : TwoPhaseClassifier
        In eval mode.
    checkpoint : dict
        ``config``, ``model`` (the build spec), ``phase``, ``epoch``, ``val_accuracy``,
        ``model_state``, ``torch_version``.

    Raises
    ------
    ConfigError
        The file is missing, unreadable, or not a checkpoint of the harness.
    """
    checkpoint = read_checkpoint(path, CHECKPOINT_KEYS)
    model = _build(checkpoint["model"])
    try:
        model.load_state_dict(checkpoint["model_state"])
    except RuntimeError as error:
        raise ConfigError(f"checkpoint: {path} holds a state that does not fit its own "
                          f"model {checkpoint['model']['name']}: {str(error)[:200]}") from None
    return model.to(device).eval(), checkpoint


def evaluate_checkpoint(path: PathLike, split: str = "test",
                        device: Union[str, torch.device] = "cpu") -> float:
    """Accuracy of a checkpoint on the ``'test'`` or ``'val'`` split of its own run (the
    data set is loaded again with the run's settings and seed)."""
    if split not in ("test", "val"):
        raise ValueError(f"split must be 'test' or 'val', got {split!r}.")
    model, checkpoint = load_checkpoint(path, device)
    config = ExperimentConfig.from_dict(checkpoint["config"])
    data = load_dataset(config.dataset, config.data_dir, config.image_size,
                        config.val_fraction, config.train_size, config.seed)
    x, y = (data.x_test, data.y_test) if split == "test" else (data.x_val, data.y_val)
    return evaluate(model, x, y)[0]
