"""Image classification data sets of the harness and the examples, all read from local
files.

Nothing is ever downloaded: the digits ship with scikit-learn, Fashion-MNIST comes from the
Debian package ``dataset-fashion-mnist`` (or any folder with the four idx files), and
CIFAR-10 from a folder in its standard python-pickle layout.
"""
import gzip
import pickle
from pathlib import Path
from typing import NamedTuple, Optional, Tuple, Union

import numpy as np
import torch

__all__ = ["DATASET_NAMES", "ImageData", "load_dataset", "upsampled_digits",
           "load_fashion_mnist", "load_cifar10", "split_validation", "FASHION_MNIST_DIR"]

#: The data sets of :func:`load_dataset`.
DATASET_NAMES = ("digits", "fashion-mnist", "cifar10")

#: Where the Debian package ``dataset-fashion-mnist`` installs the files.
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
                 "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
CIFAR_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
#: Seed of the digits' train/test split: fixed, every run is tested on the same images.
DIGITS_SPLIT_SEED = 0
PathLike = Union[str, Path]


class ImageData(NamedTuple):
    """Train/validation/test images ``(n, C, H, W)`` (float32) and labels (int64)."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int

    @property
    def in_channels(self) -> int:
        """Channels of the images."""
        return int(self.x_train.shape[1])

    @property
    def image_size(self) -> Tuple[int, int]:
        """``(H, W)`` of the images."""
        return tuple(int(s) for s in self.x_train.shape[2:])


def upsampled_digits(size: int = 32, seed: int = 0, test_size: float = 0.3,
                     standardize: bool = False) -> Tuple[torch.Tensor, ...]:
    """scikit-learn's 1,797 digits (shipped offline), upsampled and split.

    Parameters
    ----------
    size : int, optional
        Side of the upsampled images (bilinear interpolation of the 8x8 originals).
    seed : int, optional
        Seed of the stratified train/test split.
    test_size : float, optional
        Fraction of the images kept for testing.
    standardize : bool, optional
        If True, subtract the training mean and divide by the training standard
        deviation; otherwise the pixels are in [0, 1].

    Returns
    -------
    x_train, y_train, x_test, y_test : Tensor
        Images ``(n, 1, size, size)`` (float32) and labels ``(n,)`` (int64).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = torch.from_numpy(digits.images).float()[:, None] / 16.0
    images = torch.nn.functional.interpolate(images, size=(size, size), mode="bilinear",
                                             align_corners=False)
    labels = torch.from_numpy(digits.target).long()
    train, test = train_test_split(range(len(labels)), test_size=test_size,
                                   random_state=seed, stratify=digits.target)
    if standardize:
        images = (images - images[train].mean()) / images[train].std()
    return images[train], labels[train], images[test], labels[test]


def _read_idx(path: Path) -> np.ndarray:
    """An idx array (the MNIST file format), gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path} is not an idx file of unsigned bytes.")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{path} holds {array.size} values, its header says {shape}.")
    return array.reshape(shape)


def load_fashion_mnist(data_dir: Optional[PathLike] = None) -> Tuple[torch.Tensor, ...]:
    """The 60,000 + 10,000 Fashion-MNIST images from local idx files.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder of ``train-images-idx3-ubyte[.gz]`` and the three other files (default
        :data:`FASHION_MNIST_DIR`).

    Returns
    -------
    x_train, y_train, x_test, y_test : Tensor
        Images ``(n, 1, 28, 28)`` in [0, 1] and labels ``(n,)``.

    Raises
    ------
    FileNotFoundError
        A file is missing; the message says how to get them.
    """
    folder = Path(data_dir or FASHION_MNIST_DIR)
    arrays = {}
    for key, stem in FASHION_FILES.items():
        candidates = [folder / f"{stem}.gz", folder / stem]
        found = next((path for path in candidates if path.is_file()), None)
        if found is None:
            raise FileNotFoundError(
                f"Fashion-MNIST file {stem}.gz not found in {folder}. Install the Debian "
                f"package (sudo apt-get install dataset-fashion-mnist, files in "
                f"{FASHION_MNIST_DIR}) or put the four idx files of "
                f"https://github.com/zalandoresearch/fashion-mnist in a folder and pass "
                f"it as --data-dir.")
        arrays[key] = torch.from_numpy(_read_idx(found).copy())
    images = {key: arrays[key].float()[:, None] / 255.0 for key in ("x_train", "x_test")}
    return (images["x_train"], arrays["y_train"].long(), images["x_test"],
            arrays["y_test"].long())


def load_cifar10(data_dir: PathLike) -> Tuple[torch.Tensor, ...]:
    """CIFAR-10 from its python-pickle batches (``cifar-10-batches-py``).

    Parameters
    ----------
    data_dir : str or Path
        The ``cifar-10-batches-py`` folder (``data_batch_1`` ... ``data_batch_5``,
        ``test_batch``) or a folder containing it.

    Returns
    -------
    x_train, y_train, x_test, y_test : Tensor
        Images ``(n, 3, 32, 32)`` in [0, 1] and labels ``(n,)``.

    Raises
    ------
    FileNotFoundError
        The batches are not there; the message says where they were looked for.
    """
    if data_dir is None:
        raise FileNotFoundError("CIFAR-10 needs --data-dir: the folder of the python "
                                "batches (cifar-10-batches-py); it is never downloaded.")
    folder = Path(data_dir)
    if (folder / "cifar-10-batches-py").is_dir():
        folder = folder / "cifar-10-batches-py"
    missing = [name for name in CIFAR_TRAIN + ("test_batch",) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"CIFAR-10 batches {missing} not found in {folder}. Extract "
            f"cifar-10-python.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html) and pass "
            f"the cifar-10-batches-py folder as --data-dir; it is never downloaded.")

    def read(names: Tuple[str, ...]) -> Tuple[torch.Tensor, torch.Tensor]:
        images, labels = [], []
        for name in names:
            with open(folder / name, "rb") as handle:
                batch = pickle.load(handle, encoding="bytes")
            images.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
            labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
        return (torch.from_numpy(np.concatenate(images)).float() / 255.0,
                torch.from_numpy(np.concatenate(labels)))

    return read(CIFAR_TRAIN) + read(("test_batch",))


def split_validation(x: torch.Tensor, y: torch.Tensor, fraction: float,
                     generator: torch.Generator) -> Tuple[torch.Tensor, ...]:
    """Hold out a seeded random ``fraction`` of ``(x, y)`` (at least one image).

    Returns
    -------
    x_train, y_train, x_val, y_val : Tensor
    """
    if len(x) < 2:
        raise ValueError(f"{len(x)} training image(s): at least 2 are needed to hold out a "
                         f"validation split; raise train_limit.")
    order = torch.randperm(len(x), generator=generator)
    n_val = min(len(x) - 1, max(1, round(fraction * len(x))))
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]


def load_dataset(name: str, data_dir: Optional[PathLike] = None,
                 image_size: Optional[int] = None, val_fraction: float = 0.15,
                 train_limit: Optional[int] = None, seed: int = 0) -> ImageData:
    """A data set, resized, standardised and split into train/validation/test.

    The pixels are standardised per channel with the training statistics; the validation
    split and the ``train_limit`` subset are seeded random draws from the training set.
    The test set never depends on ``seed``: Fashion-MNIST and CIFAR-10 have their own, and
    the digits' train/test split is drawn once with :data:`DIGITS_SPLIT_SEED`, so that runs
    of different seeds are scored on the same images.

    Parameters
    ----------
    name : str
        ``'digits'`` (scikit-learn's 8x8 digits, upsampled; fixed 70/30 stratified
        train/test split),
        ``'fashion-mnist'`` or ``'cifar10'``.
    data_dir : str or Path, optional
        Folder of the files (see :func:`load_fashion_mnist`, :func:`load_cifar10`).
    image_size : int, optional
        Side of the images after bilinear resizing (default: 32 for the digits, the
        native size otherwise).
    val_fraction : float, optional
        Fraction of the (limited) training set held out for validation.
    train_limit : int, optional
        Keep at most this many training images (before the validation split).
    seed : int, optional
        Seed of the validation split and the ``train_limit`` subset.

    Returns
    -------
    ImageData
    """
    generator = torch.Generator().manual_seed(seed)
    if name == "digits":
        x_train, y_train, x_test, y_test = upsampled_digits(image_size or 32,
                                                            seed=DIGITS_SPLIT_SEED)
    elif name == "fashion-mnist":
        x_train, y_train, x_test, y_test = load_fashion_mnist(data_dir)
    elif name == "cifar10":
        x_train, y_train, x_test, y_test = load_cifar10(data_dir)
    else:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASET_NAMES)}.")
    if image_size is not None and tuple(x_train.shape[-2:]) != (image_size, image_size):
        def resize(x: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.interpolate(x, size=(image_size, image_size),
                                                   mode="bilinear", align_corners=False)
        x_train, x_test = resize(x_train), resize(x_test)
    # From every label, before subsetting: a class absent from the (limited) training or
    # validation split must still have an output.
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    if train_limit is not None and train_limit < len(x_train):
        keep = torch.randperm(len(x_train), generator=generator)[:train_limit]
        x_train, y_train = x_train[keep], y_train[keep]
    x_train, y_train, x_val, y_val = split_validation(x_train, y_train, val_fraction, generator)
    mean = x_train.mean(dim=(0, 2, 3), keepdim=True)
    std = x_train.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-8)
    return ImageData((x_train - mean) / std, y_train, (x_val - mean) / std, y_val,
                     (x_test - mean) / std, y_test, num_classes)
