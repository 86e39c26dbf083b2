"""Fixtures of the harness tests."""
import pickle

import numpy as np
import pytest


@pytest.fixture
def write_cifar():
    """A function that writes a CIFAR-10 ``cifar-10-batches-py`` folder of random images
    under ``root``: ``labels[i]`` for ``data_batch_{i+1}`` (five lists) and ``test`` for
    ``test_batch``; returns the folder."""
    def write(root, labels, test):
        folder = root / "cifar-10-batches-py"
        folder.mkdir(parents=True)
        rng = np.random.default_rng(0)
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        for name, batch_labels in zip(names, list(labels) + [test]):
            batch = {b"data": rng.integers(0, 256, (len(batch_labels), 3072), dtype=np.uint8),
                     b"labels": list(batch_labels)}
            (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        return folder
    return write
