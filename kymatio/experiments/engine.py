"""Training and evaluation loops of classifiers."""
import math

import torch
from torch import nn
from tqdm import tqdm

__all__ = ["accuracy", "train_epochs"]


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             batch_size: int = 256) -> float:
    """Accuracy of ``model`` on ``(x, y)``, in eval mode and without gradients.

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
        Fraction of correct predictions.
    """
    model.eval()
    with torch.no_grad():
        predictions = torch.cat([model(x[i:i + batch_size]).argmax(1)
                                 for i in range(0, len(x), batch_size)])
    return float((predictions == y).float().mean())


def train_epochs(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                 y: torch.Tensor, epochs: int, batch_size: int,
                 generator: torch.Generator, description: str = "training") -> None:
    """Minimise the cross-entropy over ``epochs`` shuffled passes, with a progress bar.

    Parameters
    ----------
    model : nn.Module
        A classifier returning logits; put in training mode.
    optimizer : torch.optim.Optimizer
        Optimizer of the parameters to train.
    x, y : Tensor
        Training inputs and integer labels.
    epochs, batch_size : int
        Passes over the data and inputs per step.
    generator : torch.Generator
        Source of the shuffling (seeded for reproducible runs).
    description : str, optional
        Label of the progress bar.
    """
    model.train()
    steps = epochs * math.ceil(len(x) / batch_size)
    with tqdm(total=steps, desc=description, leave=False) as progress:
        for _ in range(epochs):
            order = torch.randperm(len(x), generator=generator)
            for i in range(0, len(x), batch_size):
                batch = order[i:i + batch_size]
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
                loss.backward()
                optimizer.step()
                progress.update()
                progress.set_postfix(loss=f"{loss.item():.3f}")
