"""The data sets of the harness: digits, Fashion-MNIST idx files, CIFAR-10 batches, splits."""
import gzip
import pickle

import numpy as np
import pytest
import torch

from kymatio.experiments import ConfigError, load_dataset, load_fashion_mnist, upsampled_digits


def test_upsampled_digits_split_and_standardisation():
    x_train, y_train, x_test, y_test = upsampled_digits(16, seed=0, test_size=0.25)
    assert x_train.shape[1:] == (1, 16, 16) and len(x_train) + len(x_test) == 1797
    assert abs(len(x_test) / 1797 - 0.25) < 0.01 and set(y_test.tolist()) == set(range(10))
    assert 0 <= float(x_train.min()) and float(x_train.max()) <= 1
    standardised, _, _, _ = upsampled_digits(16, seed=0, test_size=0.25, standardize=True)
    assert abs(float(standardised.mean())) < 1e-4 and abs(float(standardised.std()) - 1) < 1e-3


def test_num_classes_counts_a_class_left_out_of_the_training_subset(tmp_path, write_cifar):
    """One training image of class 4, none in the test set: the model needs 5 outputs even
    when the stratified subset leaves that image out (it may be a validation target)."""
    write_cifar(tmp_path, [[0, 1, 2, 4]] + [[0, 1, 2, 3]] * 4, [0, 1, 2, 3])
    data = load_dataset("cifar10", tmp_path, val_fraction=0.25, train_size=4)
    assert data.num_classes == 5 and 4 not in data.y_train.tolist()
    assert sorted(data.y_train.tolist()) == [0, 1, 2, 3]  # stratified: one per big class
    with pytest.raises(ConfigError, match="at least 2 are needed.*raise train_size"):
        load_dataset("cifar10", tmp_path, train_size=1)
    with pytest.raises(ConfigError, match="train_size 50 asks for 50 images but only 17"):
        load_dataset("cifar10", tmp_path, train_size=50)


def test_digits_test_split_does_not_depend_on_the_seed():
    first, second = (load_dataset("digits", image_size=8, seed=seed) for seed in (0, 1))

    def own_scale(x):  # undo the standardisation by each run's training statistics
        return (x - x.mean()) / x.std()

    assert torch.equal(first.y_test, second.y_test)
    torch.testing.assert_close(own_scale(first.x_test), own_scale(second.x_test))
    assert not torch.equal(first.y_val, second.y_val)


def write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_from_idx_files_and_missing_files(tmp_path):
    rng = np.random.default_rng(0)
    train, test = rng.integers(0, 256, (40, 28, 28)), rng.integers(0, 256, (10, 28, 28))
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", train)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.arange(40) % 10)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", test)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.arange(10))
    x_train, y_train, x_test, y_test = load_fashion_mnist(tmp_path)
    assert x_train.shape == (40, 1, 28, 28) and y_test.tolist() == list(range(10))
    np.testing.assert_allclose(x_test[:, 0].numpy() * 255, test, atol=1e-4)
    data = load_dataset("fashion-mnist", tmp_path, image_size=16, val_fraction=0.25)
    assert data.x_train.shape == (30, 1, 16, 16) and len(data.x_val) == 10
    with pytest.raises(FileNotFoundError, match="dataset-fashion-mnist.*--data-dir"):
        load_fashion_mnist(tmp_path / "absent")


def test_cifar10_from_python_batches_and_missing_folder(tmp_path, write_cifar):
    write_cifar(tmp_path, [[0, 1, 2, 3]] * 5, [0, 1, 2, 3])
    data = load_dataset("cifar10", tmp_path, val_fraction=0.25)
    assert data.x_train.shape == (15, 3, 32, 32) and data.x_test.shape == (4, 3, 32, 32)
    assert data.num_classes == 4
    with pytest.raises(FileNotFoundError, match="cifar-10-batches-py.*never downloaded"):
        load_dataset("cifar10", tmp_path / "absent")


def test_stratified_indices_keep_the_class_proportions():
    from kymatio.experiments.datasets import stratified_indices

    labels = torch.tensor([0] * 50 + [1] * 30 + [2] * 20)
    generator = torch.Generator().manual_seed(0)
    chosen = stratified_indices(labels, 10, generator)
    assert torch.bincount(labels[chosen]).tolist() == [5, 3, 2]
    assert torch.equal(chosen, chosen.sort().values) and len(set(chosen.tolist())) == 10
    # 7 images: shares 3.5, 2.1, 1.4 -> 3, 2, 1 and the largest remainder (class 0) +1.
    assert torch.bincount(labels[stratified_indices(labels, 7, generator)]).tolist() == \
        [4, 2, 1]
    assert len(stratified_indices(labels, 0.25, generator)) == 25
    a, b = (stratified_indices(labels, 10, torch.Generator().manual_seed(s)) for s in (1, 1))
    assert torch.equal(a, b)


def test_validation_split_does_not_depend_on_the_training_size():
    small, large = (load_dataset("digits", image_size=8, train_size=size, seed=4)
                    for size in (50, 500))
    assert len(small.x_train) == 50 and len(large.x_train) == 500
    assert torch.equal(small.y_val, large.y_val)
    assert torch.bincount(small.y_train).tolist() == [5] * 10
    fraction = load_dataset("digits", image_size=8, train_size=0.5, seed=4)
    assert len(fraction.x_train) == round(0.5 * (1257 - len(fraction.x_val)))


def test_image_folder_reads_class_subfolders_with_pillow(tmp_path):
    from PIL import Image

    from kymatio.experiments import DataError

    rng = np.random.default_rng(0)
    for split, count in (("train", 3), ("val", 2)):
        for label, name in enumerate(("cat", "dog")):
            folder = tmp_path / split / name
            folder.mkdir(parents=True)
            for i in range(count):
                pixels = rng.integers(0, 256, (20 + label, 30, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{i}.png")
            (folder / "notes.txt").write_text("not an image")
    data = load_dataset("image-folder", tmp_path, image_size=12, val_fraction=0.2)
    assert data.x_train.shape[1:] == (3, 12, 12) and data.num_classes == 2
    assert len(data.x_train) + len(data.x_val) == 6 and len(data.x_test) == 4
    assert data.y_test.tolist() == [0, 0, 1, 1]
    (tmp_path / "train" / "cat" / "broken.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(DataError, match="broken.jpg is not a readable image"):
        load_dataset("image-folder", tmp_path)
    with pytest.raises(FileNotFoundError, match="must hold train/ and val/"):
        load_dataset("image-folder", tmp_path / "train")


def test_cifar_unpickler_allows_arrays_and_refuses_code():
    from kymatio.experiments import DataError
    from kymatio.experiments.data_files import CIFAR_GLOBALS, restricted_unpickle

    batch = {b"data": np.arange(6, dtype=np.uint8).reshape(2, 3), b"labels": [1, 2]}
    for protocol in (2, 4):
        loaded = restricted_unpickle(pickle.dumps(batch, protocol=protocol), CIFAR_GLOBALS)
        np.testing.assert_array_equal(loaded[b"data"], batch[b"data"])
    evil = pickle.dumps(type("E", (), {"__reduce__": lambda self: (eval, ("1+1",))})())
    with pytest.raises(DataError, match="builtins.eval.*refusing to unpickle"):
        restricted_unpickle(evil, CIFAR_GLOBALS, "batch")
    with pytest.raises(DataError, match="not a readable pickle"):
        restricted_unpickle(b"\x80\x04garbage", CIFAR_GLOBALS)
