"""Process-group set-up for ``torchrun`` runs and data sharding across processes.

A run is distributed when ``torchrun`` (or any launcher) has set ``RANK``, ``WORLD_SIZE``
and ``LOCAL_RANK``; the group then uses NCCL on CUDA devices and gloo on CPU. Without
them everything here degrades to a single process (rank 0 of 1).
"""
import logging
import os
from dataclasses import dataclass
from typing import Optional, Sequence

import torch
import torch.distributed as dist
from torch import nn

from .errors import ConfigError

__all__ = ["DistributedContext", "setup_distributed", "teardown_distributed",
           "resolve_device", "shard_indices", "all_reduce_sum", "broadcast_buffers"]

logger = logging.getLogger(__name__)
ENV_KEYS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")


@dataclass
class DistributedContext:
    """Where this process stands: rank, number of processes, device."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")
    distributed: bool = False
    backend: str = ""
    owns_group: bool = False

    @property
    def is_main(self) -> bool:
        """Whether this process writes files and shows progress (rank 0)."""
        return self.rank == 0


def resolve_device(device: str, local_rank: Optional[int] = None) -> torch.device:
    """The torch device of a config's ``device`` string.

    ``'auto'`` is CUDA when available, else the CPU. In a single process (``local_rank``
    None) ``'cuda'`` is the first GPU and ``'cuda:N'`` the N-th. In a distributed run every
    CUDA choice (``'auto'`` on a GPU machine, ``'cuda'``, ``'cuda:N'``) is the
    ``local_rank``-th GPU (modulo the number of GPUs), so that each process of a node has
    its own.

    Parameters
    ----------
    device : str
        ``'auto'``, ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.
    local_rank : int, optional
        The process' rank on its node (``LOCAL_RANK``) when distributed, else None.

    Raises
    ------
    ConfigError
        CUDA asked for but not available.
    """
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} asked for but CUDA is not available in this "
                          f"torch build or machine; use --device cpu (or auto).")
    if device.startswith("cuda") and local_rank is not None:
        return torch.device("cuda", local_rank % torch.cuda.device_count())
    if device == "cuda":
        return torch.device("cuda", 0)
    return torch.device(device)


def setup_distributed(device: str = "auto") -> DistributedContext:
    """Join the process group when launched by ``torchrun``; else a single-process context.

    Parameters
    ----------
    device : str
        The config's device (see :func:`resolve_device`); under ``torchrun`` a CUDA device
        is ``cuda:LOCAL_RANK``.

    Returns
    -------
    DistributedContext
    """
    if not all(key in os.environ for key in ENV_KEYS):
        return DistributedContext(device=resolve_device(device))
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ["LOCAL_RANK"])
    resolved = resolve_device(device, local_rank)
    backend = "nccl" if resolved.type == "cuda" else "gloo"
    owns_group = False
    if not dist.is_initialized():
        missing = [key for key in ("MASTER_ADDR", "MASTER_PORT") if key not in os.environ]
        if missing:
            raise RuntimeError(f"RANK, WORLD_SIZE and LOCAL_RANK are set but {missing} are "
                               f"not: launch with torchrun, which sets all of them.")
        if resolved.type == "cuda":
            torch.cuda.set_device(resolved)
        dist.init_process_group(backend, rank=rank, world_size=world_size)
        owns_group = True
    logger.info("process %d of %d (local rank %d) on %s, backend %s", rank, world_size,
                local_rank, resolved, backend)
    return DistributedContext(rank, world_size, local_rank, resolved, True, backend, owns_group)


def teardown_distributed(context: DistributedContext) -> None:
    """Leave the process group if :func:`setup_distributed` created it."""
    if context.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def shard_indices(order: torch.Tensor, context: DistributedContext,
                  pad: bool = True) -> torch.Tensor:
    """This process' share of ``order``, as ``DistributedSampler`` splits it.

    With ``pad`` the order is first extended by its own beginning to a multiple of the
    world size, so that every process gets the same number of items (and so the same
    number of steps, which DDP needs); without, the shares are disjoint.
    """
    world_size = context.world_size
    if pad and len(order) % world_size:
        extra = world_size - len(order) % world_size
        order = torch.cat([order, order.repeat(extra // len(order) + 1)[:extra]])
    return order[context.rank::world_size]


def all_reduce_sum(values: Sequence[float], context: DistributedContext) -> torch.Tensor:
    """Element-wise sum of ``values`` over the processes (float64, on the CPU)."""
    tensor = torch.tensor(list(values), dtype=torch.float64)
    if context.distributed:
        tensor = tensor.to(context.device)
        dist.all_reduce(tensor)
    return tensor.cpu()


def broadcast_buffers(model: nn.Module, context: DistributedContext) -> None:
    """Give every process rank 0's buffers (batch-norm statistics) before evaluating."""
    if context.distributed:
        for buffer in model.buffers():
            dist.broadcast(buffer.data, src=0)
