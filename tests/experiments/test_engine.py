"""Shared helpers of the examples: offline digits and the accuracy loop."""
import pytest
import torch

from kymatio.experiments import accuracy, train_epochs, upsampled_digits


def test_upsampled_digits_split_and_standardisation():
    x_train, y_train, x_test, y_test = upsampled_digits(16, seed=0, test_size=0.25)
    assert x_train.shape[1:] == (1, 16, 16) and len(x_train) + len(x_test) == 1797
    assert abs(len(x_test) / 1797 - 0.25) < 0.01 and set(y_test.tolist()) == set(range(10))
    assert 0 <= float(x_train.min()) and float(x_train.max()) <= 1
    standardised, _, _, _ = upsampled_digits(16, seed=0, test_size=0.25, standardize=True)
    assert abs(float(standardised.mean())) < 1e-4 and abs(float(standardised.std()) - 1) < 1e-3


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
