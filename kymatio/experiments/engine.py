"""Evaluation of classifiers."""
import torch
from torch import nn

__all__ = ["accuracy"]


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
