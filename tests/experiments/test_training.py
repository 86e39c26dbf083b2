"""The training and evaluation loops: accuracy in batches, a short training run."""
import pytest
import torch

from kymatio.experiments import accuracy, train_epochs


def test_accuracy_counts_correct_argmax_in_batches():
    logits = torch.eye(10)[torch.tensor([0, 1, 2, 3, 4])]
    model = torch.nn.Identity()
    labels = torch.tensor([0, 1, 2, 9, 9])
    assert accuracy(model, logits, labels, batch_size=2) == pytest.approx(0.6)
    assert not model.training


def test_train_epochs_fits_a_separable_problem():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(64, 2, generator=generator)
    y = (x[:, 0] > 0).long()
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    train_epochs(model, optimizer, x, y, epochs=20, batch_size=16, generator=generator)
    assert accuracy(model, x, y) >= 0.95
