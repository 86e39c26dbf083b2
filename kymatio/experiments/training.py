"""Training and evaluation loops of classifiers: the steps of the harness, and
:func:`train_epochs` / :func:`accuracy` for scripts that train a model in a few lines;
the harness' learning-rate schedule (:func:`warmup_cosine`) and augmentation
(:func:`crop_flip`)."""
import math
from typing import Callable, Optional, Tuple

import torch
from torch import nn
from tqdm import tqdm

from .distributed import DistributedContext, all_reduce_sum, broadcast_buffers, shard_indices

__all__ = ["evaluate", "accuracy", "train_epoch", "train_epochs", "warmup_cosine",
           "crop_flip", "SCHEDULES"]

#: The learning-rate schedules of :func:`warmup_cosine`.
SCHEDULES = ("constant", "cosine")


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             context: Optional[DistributedContext] = None,
             batch_size: int = 256) -> Tuple[float, float]:
    """Accuracy and mean cross-entropy of ``model`` on ``(x, y)``, in eval mode and without
    gradients; the batches go to the model's device.

    Under ``torchrun`` each process evaluates its share and the counts are summed, so
    every process gets the accuracy on the whole set.

    Returns
    -------
    accuracy, loss : float
    """
    context = context or DistributedContext()
    broadcast_buffers(model, context)
    model.eval()
    parameter = next(model.parameters(), None)
    device = x.device if parameter is None else parameter.device
    indices = shard_indices(torch.arange(len(x)), context, pad=False)
    correct = loss = 0.0
    with torch.no_grad():
        for start in range(0, len(indices), batch_size):
            batch = indices[start:start + batch_size]
            inputs, labels = x[batch].to(device), y[batch].to(device)
            logits = model(inputs)
            correct += float((logits.argmax(1) == labels).sum())
            loss += float(nn.functional.cross_entropy(logits, labels, reduction="sum"))
    correct, loss, count = all_reduce_sum([correct, loss, len(indices)], context).tolist()
    return correct / max(count, 1), loss / max(count, 1)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             batch_size: int = 256) -> float:
    """Fraction of correct predictions of ``model`` on ``(x, y)`` (see :func:`evaluate`).

    Parameters
    ----------
    model : nn.Module
        A classifier returning logits ``(n, classes)``.
    x, y : Tensor
        Inputs and integer labels.
    batch_size : int, optional
        Inputs per forward pass.

    Returns
    -------
    float
    """
    return evaluate(model, x, y, batch_size=batch_size)[0]


def train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                y: torch.Tensor, order: torch.Tensor, batch_size: int,
                device: Optional[torch.device] = None,
                progress: Optional[tqdm] = None,
                scheduler: Optional[torch.optim.lr_scheduler.LRScheduler] = None,
                augment: Optional[Callable[[torch.Tensor], torch.Tensor]] = None
                ) -> Tuple[float, int]:
    """One pass of cross-entropy steps over ``x[order]``, in batches of ``batch_size``.

    The training step of every loop of the package (:func:`train_epochs` and the
    harness). A last batch of a single example is skipped: batch normalisation cannot
    train on it.

    Parameters
    ----------
    model : nn.Module
        A classifier returning logits; put in training mode.
    optimizer : torch.optim.Optimizer
        Optimizer of the parameters to train.
    x, y : Tensor
        Inputs and integer labels (on any device).
    order : Tensor
        Indices of the examples to visit, in order.
    batch_size : int
        Examples per step.
    device : torch.device, optional
        Where batches are moved before the step (default: where they are).
    progress : tqdm, optional
        Progress bar advanced by one per step.
    scheduler : LRScheduler, optional
        Stepped after every optimizer step.
    augment : callable, optional
        Applied to every batch of inputs before the forward pass (see :func:`crop_flip`).

    Returns
    -------
    (float, int)
        Sum of the batch losses weighted by the batch sizes, and the number of examples
        trained on.
    """
    model.train()
    # Summed on the device: no host synchronisation per step.
    total, count = torch.zeros((), dtype=torch.float64, device=device or x.device), 0
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        if len(batch) < 2:
            continue
        inputs, labels = x[batch], y[batch]
        if augment is not None:
            inputs = augment(inputs)
        if device is not None:
            inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(model(inputs), labels)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total += loss.detach().double() * len(batch)
        count += len(batch)
        if progress is not None:
            progress.update()
    return float(total), count


def train_epochs(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                 y: torch.Tensor, epochs: int, batch_size: int,
                 generator: torch.Generator, description: str = "training") -> None:
    """Minimise the cross-entropy over ``epochs`` shuffled passes, with a progress bar.

    Parameters
    ----------
    model, optimizer, x, y
        The classifier, its optimizer, the training inputs and labels, as in
        :func:`train_epoch`.
    epochs, batch_size : int
        Passes over the data and examples per step.
    generator : torch.Generator
        Source of the shuffling (seeded for reproducible runs).
    description : str, optional
        Label of the progress bar.
    """
    steps = epochs * math.ceil(len(x) / batch_size)
    with tqdm(total=steps, desc=description, leave=False) as progress:
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            total, count = train_epoch(model, optimizer, x, y, order, batch_size,
                                       progress=progress)
            progress.set_postfix(loss=f"{total / max(count, 1):.3f}")


def warmup_cosine(step: int, total_steps: int, warmup_steps: int = 0,
                  schedule: str = "cosine") -> float:
    """Learning-rate factor at optimizer step ``step`` (from 0) of a phase.

    A linear warm-up from ``1 / warmup_steps`` to 1 over the first ``warmup_steps``
    steps, then 1 (``'constant'``) or a half cosine from 1 down to 0 at ``total_steps``
    (``'cosine'``). Give it to ``torch.optim.lr_scheduler.LambdaLR`` through
    ``functools.partial``.

    Parameters
    ----------
    step, total_steps, warmup_steps : int
    schedule : str, optional
        One of :data:`SCHEDULES`.

    Returns
    -------
    float
    """
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    if schedule == "constant":
        return 1.0
    span = max(total_steps - warmup_steps, 1)
    return 0.5 * (1.0 + math.cos(math.pi * min(step - warmup_steps, span) / span))


def crop_flip(x: torch.Tensor, generator: torch.Generator, padding: int,
              flip: bool = True) -> torch.Tensor:
    """Random translations (a crop of the zero-padded images) and horizontal flips.

    Each image of the batch is padded by ``padding`` pixels of value 0 (the mean of
    standardised data), cropped back to its size at a random offset, and mirrored left
    to right with probability 1/2 (if ``flip``). The draws come from ``generator``.

    Parameters
    ----------
    x : Tensor, shape (B, C, H, W)
    generator : torch.Generator
        A CPU generator.
    padding : int
        Largest shift in pixels.
    flip : bool, optional

    Returns
    -------
    Tensor, shape (B, C, H, W)
    """
    batch, _, height, width = x.shape
    if padding > 0:
        padded = nn.functional.pad(x, (padding,) * 4)
        top, left = (torch.randint(0, 2 * padding + 1, (2, batch), generator=generator)
                     .to(x.device))
        rows = (top[:, None] + torch.arange(height, device=x.device))[:, :, None]
        cols = (left[:, None] + torch.arange(width, device=x.device))[:, None, :]
        samples = torch.arange(batch, device=x.device)[:, None, None]
        x = padded.permute(0, 2, 3, 1)[samples, rows, cols].permute(0, 3, 1, 2)
    if flip:
        mirrored = (torch.rand(batch, generator=generator) < 0.5).to(x.device)
        x = torch.where(mirrored[:, None, None, None], x.flip(-1), x)
    return x.contiguous()
