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
import functools
import gc
import logging
import math
import platform
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from tqdm import tqdm

from ..models import TwoPhaseClassifier
from ..version import __version__
from .config import RUNTIME_FIELDS, ExperimentConfig
from .datasets import ImageData, load_dataset
from .distributed import (DistributedContext, all_reduce_sum, setup_distributed,
                          shard_indices, teardown_distributed)
from .errors import ConfigError
from .registry import construct_model, model_arguments, parameter_counts
from .results import json_safe, seed_results, write_history_csv
from .run_folder import (CONFIG_FILE, RESULTS_FILE, STATE_FILE, check_free_space,
                         prepare_out_dir, read_checkpoint, read_json, save_checkpoint,
                         write_json)
from .seeding import restore_rng_state, rng_state, seed_everything
from .training import crop_flip, evaluate, train_epoch, warmup_cosine

__all__ = ["run_experiment", "load_checkpoint", "evaluate_checkpoint", "seed_everything",
           "RESULTS_FILE", "STATE_FILE"]

logger = logging.getLogger(__name__)
PathLike = Union[str, Path]
STATE_FORMAT = 1
STATE_KEYS = ("format", "config", "model", "finished", "current", "model_state", "rng")
CHECKPOINT_KEYS = ("config", "model", "phase", "epoch", "model_state")


class _Run:
    """What the phases of one run share: config, process context, data, model, generator
    and the state to resume from."""

    def __init__(self, config: ExperimentConfig, context: DistributedContext,
                 data: ImageData, model: TwoPhaseClassifier, spec: Dict[str, Any],
                 generator: torch.Generator) -> None:
        self.config, self.context, self.data, self.model = config, context, data, model
        self.spec, self.generator = spec, generator
        self.out_dir = Path(config.out_dir)
        self.local_batch = config.batch_size // context.world_size
        self.finished: List[Dict[str, Any]] = []

    # ------------------------------------------------------------------ steps

    def epoch_order(self) -> torch.Tensor:
        """This process' share of the next epoch's shuffled indices."""
        n, config = len(self.data.x_train), self.config
        if config.steps_per_epoch is None:
            order = torch.randperm(n, generator=self.generator)
        else:
            needed = config.steps_per_epoch * config.batch_size
            order = torch.cat([torch.randperm(n, generator=self.generator)
                               for _ in range(math.ceil(needed / n))])[:needed]
        return shard_indices(order, self.context)

    def steps_per_epoch(self) -> int:
        if self.config.steps_per_epoch is not None:
            return self.config.steps_per_epoch
        share = math.ceil(len(self.data.x_train) / self.context.world_size)
        full, rest = divmod(share, self.local_batch)
        return full + (rest >= 2)  # a last batch of one image is skipped

    def augment(self, x: torch.Tensor) -> torch.Tensor:
        return crop_flip(x, self.generator, padding=max(1, min(x.shape[-2:]) // 8))

    def train_epoch(self, trained: nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: torch.optim.lr_scheduler.LRScheduler) -> float:
        """One epoch of this process' share; the mean loss over all processes."""
        order = self.epoch_order()
        show = self.config.progress and self.context.is_main
        with tqdm(total=math.ceil(len(order) / self.local_batch), desc="steps",
                  unit="batch", leave=False, position=1, disable=not show) as bar:
            total, count = train_epoch(trained, optimizer, self.data.x_train,
                                       self.data.y_train, order, self.local_batch,
                                       device=self.context.device, progress=bar,
                                       scheduler=scheduler,
                                       augment=self.augment if self.config.augment else None)
        total, count = all_reduce_sum([total, count], self.context).tolist()
        return total / max(count, 1)

    # ------------------------------------------------------------------ files

    def save_state(self, current: Optional[Dict[str, Any]]) -> None:
        if self.context.is_main:
            save_checkpoint(self.out_dir / STATE_FILE, {
                "format": STATE_FORMAT, "config": self.config.to_dict(), "model": self.spec,
                "finished": self.finished, "current": current,
                "model_state": _cpu_state(self.model), "rng": rng_state(self.generator)})
            histories = self.finished + ([current["record"]] if current else [])
            write_history_csv(self.out_dir, histories)

    # ------------------------------------------------------------------ phases

    def run_phase(self, index: int, name: str, epochs: int, groups: List[Dict[str, Any]],
                  resumed: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """Train phase ``index`` (from ``resumed``, its saved progress, if given)."""
        config, context, model, data = self.config, self.context, self.model, self.data
        _set_phase(model, name)
        groups = [group for group in groups if group["params"]]
        base_rates = {group["name"]: group["lr"] for group in groups}
        optimizer = torch.optim.AdamW(groups)
        total_steps = epochs * self.steps_per_epoch()
        schedule = functools.partial(warmup_cosine, total_steps=total_steps,
                                     warmup_steps=config.warmup_epochs
                                     * self.steps_per_epoch(), schedule=config.schedule)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        if resumed is None:
            initial, _ = evaluate(model, data.x_val, data.y_val, context)
            record = {"name": name, "epochs_planned": epochs, "initial_val_accuracy": initial,
                      "history": [], "learning_rates": base_rates}
            progress = {"index": index, "record": record, "best_epoch": 0,
                        "best_val_accuracy": initial, "best_state": _cpu_state(model),
                        "stale": 0, "elapsed": 0.0,
                        "frontend_start": _frontend_vector(model)}
        else:
            progress = resumed
            optimizer.load_state_dict(progress["optimizer"])
            scheduler.load_state_dict(progress["scheduler"])
        record = progress["record"]
        if context.distributed:
            # Wrapped per phase: DDP only synchronises the parameters that require
            # gradients when it is built, and the phases differ in which ones do.
            device_ids = [context.device] if context.device.type == "cuda" else None
            trained = nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
        else:
            trained = model
        start = time.perf_counter() - progress["elapsed"]
        bar = tqdm(total=epochs, initial=len(record["history"]), desc=f"phase {name}",
                   unit="epoch", leave=False,
                   disable=not (config.progress and context.is_main))
        while len(record["history"]) < epochs and not _stopped(progress, config):
            epoch, epoch_start = len(record["history"]) + 1, time.perf_counter()
            train_loss = self.train_epoch(trained, optimizer, scheduler)
            val_accuracy, val_loss = evaluate(model, data.x_val, data.y_val, context)
            record["history"].append({
                "epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                "val_accuracy": val_accuracy, "time_s": time.perf_counter() - epoch_start,
                "learning_rates": {g["name"]: g["lr"] for g in optimizer.param_groups}})
            bar.update()
            bar.set_postfix(loss=f"{train_loss:.3f}", val=f"{val_accuracy:.3f}")
            logger.info("phase %s epoch %d/%d: train loss %.4f, val accuracy %.4f", name,
                        epoch, epochs, train_loss, val_accuracy)
            if val_accuracy > progress["best_val_accuracy"]:
                progress.update(best_epoch=epoch, best_val_accuracy=val_accuracy,
                                best_state=_cpu_state(model), stale=0)
            else:
                progress["stale"] += 1
            progress.update(elapsed=time.perf_counter() - start,
                            optimizer=optimizer.state_dict(),
                            scheduler=scheduler.state_dict())
            self.save_state(progress)
        bar.close()
        if context.distributed:
            del trained  # release DDP's reducer before the next phase wraps the model again
            gc.collect()
        return self.end_phase(progress, start)

    def end_phase(self, progress: Dict[str, Any], start: float) -> Dict[str, Any]:
        """Restore the state the phase ends on, test it, checkpoint it."""
        config, model, record = self.config, self.model, progress["record"]
        history = record["history"]
        if config.keep_best:
            model.load_state_dict(progress["best_state"])
            final_epoch, final_accuracy = progress["best_epoch"], progress["best_val_accuracy"]
        else:
            final_epoch = len(history)
            final_accuracy = history[-1]["val_accuracy"] if history \
                else record["initial_val_accuracy"]
        if _stopped(progress, config):
            logger.info("phase %s: no better validation accuracy for %d epoch(s), stopped "
                        "(best %.4f at epoch %d)", record["name"], progress["stale"],
                        progress["best_val_accuracy"], progress["best_epoch"])
        test_accuracy, _ = evaluate(model, self.data.x_test, self.data.y_test, self.context)
        record.update(_filter_delta(progress["frontend_start"], _frontend_vector(model)))
        record.update({
            "epochs_run": len(history), "stopped_early": _stopped(progress, config),
            "best_epoch": progress["best_epoch"],
            "best_val_accuracy": progress["best_val_accuracy"], "final_epoch": final_epoch,
            "final_val_accuracy": final_accuracy, "test_accuracy": test_accuracy,
            "time_s": time.perf_counter() - start,
            "checkpoint": f"checkpoint_{record['name']}.pt"})
        if self.context.is_main:
            save_checkpoint(self.out_dir / record["checkpoint"], {
                "config": config.to_dict(), "model": self.spec, "phase": record["name"],
                "epoch": final_epoch, "val_accuracy": final_accuracy,
                "model_state": _cpu_state(model), "torch_version": str(torch.__version__)})
        self.finished.append(record)
        self.save_state(None)
        return record


def _stopped(progress: Dict[str, Any], config: ExperimentConfig) -> bool:
    return config.patience is not None and progress["stale"] >= config.patience


def _cpu_state(model: nn.Module) -> Dict[str, torch.Tensor]:
    return {key: value.detach().to("cpu", copy=True) for key, value in
            model.state_dict().items()}


def _frontend_vector(model: TwoPhaseClassifier) -> torch.Tensor:
    """All frontend parameters, flattened, in float64 on the CPU (empty when fixed)."""
    tensors = [p.detach().to("cpu", torch.float64).flatten() for p in model.frontend_parameters()]
    return torch.cat(tensors) if tensors else torch.zeros(0, dtype=torch.float64)


def _filter_delta(before: torch.Tensor, after: torch.Tensor) -> Dict[str, Optional[float]]:
    """The seed's ``filter_delta_l2`` (norm of the change of the frontend parameters over
    the phase) and ``filter_delta_relative`` (over the norm before); None without any."""
    if before.numel() == 0:
        return {"filter_delta_l2": None, "filter_delta_relative": None}
    delta = float(torch.linalg.vector_norm(after - before))
    norm = float(torch.linalg.vector_norm(before))
    return {"filter_delta_l2": delta, "filter_delta_relative": delta / norm if norm else None}


def _phases(model: TwoPhaseClassifier, config: ExperimentConfig
            ) -> List[Tuple[str, int, list]]:
    """``(name, epochs, parameter groups)`` of the phases to run."""
    if not model.head_first:
        if config.epochs_head:
            logger.info("%s starts from a random frontend: phase A (head only) skipped",
                        config.model)
        if not config.epochs_joint:
            return []
        return [("joint", config.epochs_joint,
                 [{"name": "all", "params": list(model.parameters()),
                   "lr": config.joint_head_lr, "weight_decay": config.weight_decay}])]
    frontend, head = list(model.frontend_parameters()), list(model.head_parameters())
    phases = []
    if config.epochs_head:
        phases.append(("head", config.epochs_head,
                       [{"name": "head", "params": head, "lr": config.lr_head,
                         "weight_decay": config.weight_decay}]))
    if config.epochs_joint:
        phases.append(("joint", config.epochs_joint,
                       [{"name": "head", "params": head, "lr": config.joint_head_lr,
                         "weight_decay": config.weight_decay},
                        {"name": "frontend", "params": frontend, "lr": config.lr_frontend,
                         "weight_decay": 0.0}]))
    return phases


def _set_phase(model: TwoPhaseClassifier, name: str) -> None:
    if name == "head":
        model.freeze_frontend()
    else:
        model.unfreeze_frontend()
    model.unfreeze_head()


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
    run = _Run(config, context, data, model, spec, torch.Generator().manual_seed(config.seed))
    current = None
    if state is not None:
        model.load_state_dict(state["model_state"])
        run.finished, current = list(state["finished"]), state["current"]
        restore_rng_state(run.generator, state["rng"])
        logger.info("resuming %s after %d finished phase(s)%s", out_dir, len(run.finished),
                    f", epoch {len(current['record']['history'])} of the next" if current
                    else "")
    plan = _phases(model, config)
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
