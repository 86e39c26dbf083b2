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


def test_warmup_then_cosine_or_constant():
    from kymatio.experiments.training import warmup_cosine

    factors = [warmup_cosine(step, 10, 2) for step in range(11)]
    assert factors[:3] == [0.5, 1.0, 1.0]
    assert factors[6] == pytest.approx(0.5) and factors[10] == pytest.approx(0.0, abs=1e-12)
    assert all(a >= b for a, b in zip(factors[1:], factors[2:]))
    assert [warmup_cosine(s, 10, 0, "constant") for s in (0, 9)] == [1.0, 1.0]


def test_crop_flip_shifts_and_mirrors_with_the_generator():
    from kymatio.experiments.training import crop_flip

    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).reshape(2, 3, 8, 8)
    same = crop_flip(x, torch.Generator().manual_seed(0), padding=0, flip=False)
    assert torch.equal(same, x)
    first = crop_flip(x, torch.Generator().manual_seed(1), padding=2)
    again = crop_flip(x, torch.Generator().manual_seed(1), padding=2)
    assert torch.equal(first, again) and first.shape == x.shape
    for image, out in zip(x, first):
        # Every output is a (possibly mirrored) window of the zero-padded image.
        padded = torch.nn.functional.pad(image, (2, 2, 2, 2))
        windows = [padded[:, i:i + 8, j:j + 8] for i in range(5) for j in range(5)]
        assert any(torch.equal(out, w) or torch.equal(out, w.flip(-1)) for w in windows)
    flips = crop_flip(x.repeat(50, 1, 1, 1), torch.Generator().manual_seed(2), 0)
    mirrored = sum(torch.equal(o, i.flip(-1)) for o, i in zip(flips, x.repeat(50, 1, 1, 1)))
    assert 30 < mirrored < 70
