"""The phases of a run: training epochs with their schedule, evaluation, early stopping,
the per-epoch state (for resuming) and the end-of-phase checkpoint.

:func:`~kymatio.experiments.run_experiment` builds one :class:`PhaseRunner` per run and
calls :meth:`PhaseRunner.run_phase` for each phase of :func:`plan_phases`.
"""
import functools
import gc
import logging
import math
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch import nn
from tqdm import tqdm

from ..models import TwoPhaseClassifier
from .config import ExperimentConfig
from .datasets import ImageData
from .distributed import DistributedContext, all_reduce_sum, shard_indices
from .results import write_history_csv
from .run_folder import STATE_FILE, save_checkpoint
from .seeding import rng_state
from .training import crop_flip, evaluate, train_epoch, warmup_cosine

__all__ = ["PhaseRunner", "plan_phases", "STATE_FORMAT"]

logger = logging.getLogger(__name__)
#: Version of the layout of ``state.pt``.
STATE_FORMAT = 1


class PhaseRunner:
    """Runs the phases of one run: holds what they share (config, process context, data,
    model, build spec, generator) and the records of the finished phases.

    Parameters
    ----------
    config : ExperimentConfig
    context : DistributedContext
    data : ImageData
    model : TwoPhaseClassifier
        On ``context.device``.
    spec : dict
        The model's build spec (saved in the checkpoints).
    generator : torch.Generator
        Source of the shuffling and the augmentation.
    """

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
        """Train phase ``index`` of :func:`plan_phases` (from ``resumed``, its progress as
        saved in ``state.pt``, if given) and return its record."""
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


def plan_phases(model: TwoPhaseClassifier, config: ExperimentConfig
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
