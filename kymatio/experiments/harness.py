"""Two-phase training of any model of the registry, with early stopping, JSON results and
checkpoints, on one process or under ``torchrun``.

Every model is a :class:`~kymatio.models.TwoPhaseClassifier`: a frontend and a head.

* **phase A** (``'head'``): the frontend is frozen and only the head learns (learning
  rate ``lr_head``); skipped for models whose frontend starts random (``head_first``
  False: the transformers);
* **phase B** (``'joint'``): everything learns, the head at ``lr_head_joint`` and the
  frontend at ``lr_frontend`` (two AdamW parameter groups); a model without phase A
  trains every parameter at ``lr_head_joint``.

Each phase starts by measuring the validation accuracy of its starting state, keeps the
best state seen and stops after ``patience`` epochs without improvement. The best state
is restored at the end of the phase, so phase B starts from phase A's best and a
fine-tuning that never helps leaves the model as it was (``keep_best=False`` keeps the
last epoch's state instead). Rank 0 writes ``results.json`` and one checkpoint per phase
(``checkpoint_head.pt``, ``checkpoint_joint.pt``) into ``out_dir``.
"""
import copy
import gc
import json
import logging
import math
import platform
import random
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from ..version import __version__
from ..models import TwoPhaseClassifier
from .config import ExperimentConfig
from .datasets import ImageData, load_dataset
from .distributed import (DistributedContext, all_reduce_sum, setup_distributed,
                          shard_indices, teardown_distributed)
from .errors import ConfigError
from .registry import construct_model, model_arguments, parameter_counts
from .training import evaluate, train_epoch

__all__ = ["run_experiment", "load_checkpoint", "evaluate_checkpoint", "seed_everything",
           "RESULTS_FILE"]

logger = logging.getLogger(__name__)
RESULTS_FILE = "results.json"
PathLike = Union[str, Path]


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's (CPU and CUDA) generators."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, data: ImageData,
                 batch_size: int, generator: torch.Generator,
                 context: DistributedContext, progress: bool = False) -> float:
    """One shuffled pass over this process' share; returns the mean loss of all processes."""
    # Every process draws the same permutation (same generator state) and takes its share.
    order = shard_indices(torch.randperm(len(data.x_train), generator=generator), context)
    with tqdm(total=math.ceil(len(order) / batch_size), desc="steps", unit="batch",
              leave=False, position=1, disable=not progress) as bar:
        total, count = train_epoch(model, optimizer, data.x_train, data.y_train, order,
                                   batch_size, device=context.device, progress=bar)
    total, count = all_reduce_sum([total, count], context).tolist()
    return total / max(count, 1)


def _cpu_state(model: nn.Module) -> Dict[str, torch.Tensor]:
    return {key: value.detach().to("cpu", copy=True) for key, value in
            model.state_dict().items()}


def _run_phase(name: str, model: nn.Module, groups: List[Dict[str, Any]], epochs: int,
               data: ImageData, config: ExperimentConfig, context: DistributedContext,
               generator: torch.Generator, checkpoint_info: Dict[str, Any]) -> Dict[str, Any]:
    """Train one phase with early stopping; restore and checkpoint its best state."""
    groups = [group for group in groups if group["params"]]
    if context.distributed:
        # Wrapped per phase: DDP only synchronises the parameters that require gradients
        # when it is built, and the phases differ in which ones do.
        device_ids = [context.device] if context.device.type == "cuda" else None
        trained = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
    else:
        trained = model
    optimizer = torch.optim.AdamW(groups, weight_decay=config.weight_decay)
    start = time.perf_counter()
    initial_accuracy, _ = evaluate(model, data.x_val, data.y_val, context)
    best = {"epoch": 0, "val_accuracy": initial_accuracy, "state": _cpu_state(model)}
    history, stale, stopped_early = [], 0, False
    bar = tqdm(range(1, epochs + 1), desc=f"phase {name}", unit="epoch", leave=False,
               disable=not (config.progress and context.is_main))
    for epoch in bar:
        epoch_start = time.perf_counter()
        train_loss = _train_epoch(trained, optimizer, data, config.batch_size, generator,
                                  context, config.progress and context.is_main)
        val_accuracy, val_loss = evaluate(model, data.x_val, data.y_val, context)
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                        "val_accuracy": val_accuracy,
                        "time_s": time.perf_counter() - epoch_start})
        bar.set_postfix(loss=f"{train_loss:.3f}", val=f"{val_accuracy:.3f}")
        logger.info("phase %s epoch %d/%d: train loss %.4f, val accuracy %.4f", name, epoch,
                    epochs, train_loss, val_accuracy)
        if val_accuracy > best["val_accuracy"]:
            best, stale = {"epoch": epoch, "val_accuracy": val_accuracy,
                           "state": _cpu_state(model)}, 0
        else:
            stale += 1
        if config.patience is not None and stale >= config.patience:
            stopped_early = True
            logger.info("phase %s: no better validation accuracy for %d epoch(s), stopping "
                        "(best %.4f at epoch %d)", name, stale, best["val_accuracy"],
                        best["epoch"])
            break
    bar.close()
    if context.distributed:
        del trained  # release DDP's reducer before the next phase wraps the model again
        gc.collect()
    final = best
    if config.keep_best:
        model.load_state_dict(best["state"])
    else:
        final = {"epoch": len(history), "val_accuracy": history[-1]["val_accuracy"]
                 if history else initial_accuracy, "state": _cpu_state(model)}
    test_accuracy, _ = evaluate(model, data.x_test, data.y_test, context)
    checkpoint = f"checkpoint_{name}.pt"
    if context.is_main:
        torch.save({**checkpoint_info, "phase": name, "epoch": final["epoch"],
                    "val_accuracy": final["val_accuracy"], "model_state": final["state"]},
                   Path(config.out_dir) / checkpoint)
    return {"name": name, "epochs_planned": epochs, "epochs_run": len(history),
            "stopped_early": stopped_early, "initial_val_accuracy": initial_accuracy,
            "best_epoch": best["epoch"], "best_val_accuracy": best["val_accuracy"],
            "final_epoch": final["epoch"], "final_val_accuracy": final["val_accuracy"],
            "test_accuracy": test_accuracy, "time_s": time.perf_counter() - start,
            "learning_rates": {group["name"]: group["lr"] for group in groups},
            "checkpoint": checkpoint, "history": history}


def _phases(model: TwoPhaseClassifier, config: ExperimentConfig
            ) -> List[Tuple[str, int, list]]:
    """``(name, epochs, parameter groups)`` of the phases to run, requires_grad set lazily."""
    phases = []
    if not model.head_first:
        if config.epochs_head:
            logger.info("%s starts from a random frontend: phase A (head only) skipped",
                        config.model)
        if config.epochs_joint:
            phases.append(("joint", config.epochs_joint,
                           [{"name": "all", "params": list(model.parameters()),
                             "lr": config.joint_head_lr}]))
        return phases
    frontend, head = list(model.frontend_parameters()), list(model.head_parameters())
    if config.epochs_head:
        phases.append(("head", config.epochs_head,
                       [{"name": "head", "params": head, "lr": config.lr_head}]))
    if config.epochs_joint:
        phases.append(("joint", config.epochs_joint,
                       [{"name": "head", "params": head, "lr": config.joint_head_lr},
                        {"name": "frontend", "params": frontend, "lr": config.lr_frontend}]))
    return phases


def _set_phase(model: TwoPhaseClassifier, name: str) -> None:
    if name == "head":
        model.freeze_frontend()
    else:
        model.unfreeze_frontend()
    model.unfreeze_head()


def _json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float (a diverged loss) replaced by None, so
    that it is valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    return value


def _build(spec: Dict[str, Any]) -> TwoPhaseClassifier:
    return construct_model(spec["name"], tuple(spec["image_size"]), spec["in_channels"],
                           spec["num_classes"], spec["kwargs"])


def run_experiment(config: ExperimentConfig) -> Dict[str, Any]:
    """Train, evaluate and record one run (see the module docstring for the phases).

    Parameters
    ----------
    config : ExperimentConfig
        The run; ``out_dir`` is created if needed.

    Returns
    -------
    dict
        The results, as written to ``out_dir/results.json``: ``config``, ``model``,
        ``data``, ``parameters``, ``phases`` (with per-epoch ``history``),
        ``best_val_accuracy``, ``test_accuracy``, ``time_s``, ``environment``. A NaN or
        infinite loss is recorded as None (``null``).
    """
    threads = torch.get_num_threads()
    try:
        if config.num_threads is not None:
            torch.set_num_threads(config.num_threads)
        context = setup_distributed(config.device)
        try:
            return _run(config, context)
        finally:
            teardown_distributed(context)
    finally:
        torch.set_num_threads(threads)


def _run(config: ExperimentConfig, context: DistributedContext) -> Dict[str, Any]:
    start = time.perf_counter()
    out_dir = Path(config.out_dir)
    if context.is_main:
        out_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(config.seed)
    data = load_dataset(config.dataset, config.data_dir, config.image_size,
                        config.val_fraction, config.train_limit, config.seed)
    # With the defaults merged in, so that checkpoints still load if the defaults change.
    spec = {"name": config.model, "image_size": list(data.image_size),
            "in_channels": data.in_channels, "num_classes": data.num_classes,
            "kwargs": copy.deepcopy(model_arguments(config.model, config.model_kwargs))}
    model = _build(spec).to(context.device)
    if config.resume:
        if not Path(config.resume).is_file():
            raise FileNotFoundError(f"resume checkpoint {config.resume} does not exist; give "
                                    f"a checkpoint_<phase>.pt written by an earlier run.")
        state = torch.load(config.resume, map_location="cpu", weights_only=True)
        try:
            model.load_state_dict(state["model_state"])
        except RuntimeError as error:
            raise ConfigError(f"resume checkpoint {config.resume} holds a model built as "
                              f"{state.get('model')}, which does not fit this run's "
                              f"{spec}: give the model, model arguments and image size of "
                              f"the run that wrote it. ({error})") from error
        logger.info("resumed from %s (phase %s, epoch %s)", config.resume, state["phase"],
                    state["epoch"])
    counts = parameter_counts(model)
    checkpoint_info = {"config": config.to_dict(), "model": spec,
                       "torch_version": str(torch.__version__)}
    generator = torch.Generator().manual_seed(config.seed)
    phases = []
    for name, epochs, groups in _phases(model, config):
        _set_phase(model, name)
        phases.append(_run_phase(name, model, groups, epochs, data, config, context,
                                 generator, checkpoint_info))
    counts["trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    results = _json_safe({
        "config": config.to_dict(), "model": spec, "parameters": counts,
        "data": {"dataset": config.dataset, "train": len(data.x_train),
                 "val": len(data.x_val), "test": len(data.x_test),
                 "image_size": list(data.image_size), "in_channels": data.in_channels,
                 "num_classes": data.num_classes},
        "phases": phases,
        "best_val_accuracy": max(phase["best_val_accuracy"] for phase in phases),
        "test_accuracy": phases[-1]["test_accuracy"],
        "time_s": time.perf_counter() - start,
        "environment": {"torch": str(torch.__version__), "kymatio": __version__,
                        "python": platform.python_version(), "device": str(context.device),
                        "world_size": context.world_size,
                        "distributed": context.distributed, "backend": context.backend},
    })
    if context.is_main:
        path = out_dir / RESULTS_FILE
        path.with_suffix(".tmp").write_text(json.dumps(results, indent=2, allow_nan=False))
        path.with_suffix(".tmp").replace(path)
        logger.info("test accuracy %.4f; results in %s", results["test_accuracy"], path)
    return results


def load_checkpoint(path: PathLike, device: Union[str, torch.device] = "cpu"
                    ) -> Tuple[TwoPhaseClassifier, Dict[str, Any]]:
    """Rebuild the model of a checkpoint and load its best state.

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
    """
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = _build(checkpoint["model"])
    model.load_state_dict(checkpoint["model_state"])
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
                        config.val_fraction, config.train_limit, config.seed)
    x, y = (data.x_test, data.y_test) if split == "test" else (data.x_val, data.y_val)
    return evaluate(model, x, y)[0]
