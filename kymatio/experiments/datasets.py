"""Image classification data sets of the harness and the examples, all read from local
files, and their stratified validation split and training subset.

Nothing is ever downloaded: the digits ship with scikit-learn, Fashion-MNIST comes from the
Debian package ``dataset-fashion-mnist`` (or any folder with the four idx files), CIFAR-10
from a folder in its standard python-pickle layout, and ``image-folder`` from an
ImageNet-style folder (see :mod:`~kymatio.experiments.data_files`).
"""
from pathlib import Path
from typing import NamedTuple, Optional, Tuple, Union

import torch

from .data_files import FASHION_MNIST_DIR, load_cifar10, load_fashion_mnist, load_image_folder
from .errors import ConfigError

__all__ = ["DATASET_NAMES", "ImageData", "load_dataset", "upsampled_digits",
           "load_fashion_mnist", "load_cifar10", "load_image_folder", "stratified_indices",
           "FASHION_MNIST_DIR", "DEFAULT_FOLDER_SIZE"]

#: The data sets of :func:`load_dataset`.
DATASET_NAMES = ("digits", "fashion-mnist", "cifar10", "image-folder")
#: Side of the ``image-folder`` images unless ``image_size`` is given.
DEFAULT_FOLDER_SIZE = 64
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


def stratified_indices(labels: torch.Tensor, size: Union[int, float],
                       generator: torch.Generator) -> torch.Tensor:
    """A seeded random subset of ``range(len(labels))`` with the classes in proportion.

    Each class gets its share of ``size`` rounded down, and the images left over go to
    the classes with the largest remainders (ties: the smaller label), so that 100
    images of 10 balanced classes are 10 per class.

    Parameters
    ----------
    labels : Tensor
        Integer labels ``(n,)``.
    size : int or float
        Number of indices (int, at most ``n``) or fraction of ``n`` (float in (0, 1]).
    generator : torch.Generator
        Source of the draws.

    Returns
    -------
    Tensor
        Sorted indices.
    """
    total = len(labels)
    count = size if isinstance(size, int) else round(size * total)
    if not 0 <= count <= total:
        raise ConfigError(f"train_size {size!r} asks for {count} images but only {total} "
                          f"are available; give at most {total} (or a fraction).")
    classes, counts = torch.unique(labels, return_counts=True)
    exact = counts.double() * count / total
    quota = exact.floor().long()
    remainder = exact - quota
    order = sorted(range(len(classes)), key=lambda i: (-float(remainder[i]), int(classes[i])))
    for i in order[:count - int(quota.sum())]:
        quota[i] += 1
    chosen = []
    for label, take in zip(classes.tolist(), quota.tolist()):
        members = torch.nonzero(labels == label).flatten()
        chosen.append(members[torch.randperm(len(members), generator=generator)[:take]])
    return torch.cat(chosen).sort().values


def _standardize(data: ImageData) -> ImageData:
    mean = data.x_train.mean(dim=(0, 2, 3), keepdim=True)
    std = data.x_train.std(dim=(0, 2, 3), keepdim=True).clamp_min(1e-8)
    return data._replace(x_train=(data.x_train - mean) / std, x_val=(data.x_val - mean) / std,
                         x_test=(data.x_test - mean) / std)


def _read(name: str, data_dir: Optional[PathLike], image_size: Optional[int]
          ) -> Tuple[torch.Tensor, ...]:
    if name == "digits":
        return upsampled_digits(image_size or 32, seed=DIGITS_SPLIT_SEED)
    if name == "fashion-mnist":
        return load_fashion_mnist(data_dir)
    if name == "cifar10":
        return load_cifar10(data_dir)
    if name == "image-folder":
        return load_image_folder(data_dir, image_size or DEFAULT_FOLDER_SIZE)
    raise ConfigError(f"dataset must be one of {', '.join(DATASET_NAMES)}; got {name!r}.")


def load_dataset(name: str, data_dir: Optional[PathLike] = None,
                 image_size: Optional[int] = None, val_fraction: float = 0.15,
                 train_size: Optional[Union[int, float]] = None, seed: int = 0) -> ImageData:
    """A data set, resized, split into train/validation/test and standardised.

    First a stratified ``val_fraction`` of the training images is held out for
    validation; then ``train_size`` images (a count, or a fraction of what is left) are
    drawn from the rest, stratified by class. Both draws follow ``seed``; the validation
    set does not depend on ``train_size``, so that runs at several sizes are validated on
    the same images. The pixels are standardised per channel with the statistics of the
    training images kept. The test set never depends on ``seed``: Fashion-MNIST, CIFAR-10
    and image folders have their own, and the digits' train/test split is drawn once with
    :data:`DIGITS_SPLIT_SEED`.

    Parameters
    ----------
    name : str
        ``'digits'`` (scikit-learn's 8x8 digits, upsampled; fixed 70/30 stratified
        train/test split), ``'fashion-mnist'``, ``'cifar10'`` or ``'image-folder'``.
    data_dir : str or Path, optional
        Folder of the files (see :func:`load_fashion_mnist`, :func:`load_cifar10`,
        :func:`load_image_folder`).
    image_size : int, optional
        Side of the images after bilinear resizing (default: 32 for the digits,
        :data:`DEFAULT_FOLDER_SIZE` for image folders, the native size otherwise).
    val_fraction : float, optional
        Fraction of the training images held out for validation.
    train_size : int or float, optional
        Training images kept after the validation split: a count, or a fraction in
        (0, 1] (default: all).
    seed : int, optional
        Seed of the validation split and the training subset.

    Returns
    -------
    ImageData
    """
    generator = torch.Generator().manual_seed(seed)
    x_train, y_train, x_test, y_test = _read(name, data_dir, image_size)
    if image_size is not None and tuple(x_train.shape[-2:]) != (image_size, image_size):
        def resize(x: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.interpolate(x, size=(image_size, image_size),
                                                   mode="bilinear", align_corners=False)
        x_train, x_test = resize(x_train), resize(x_test)
    # From every label, before subsetting: a class absent from the (limited) training or
    # validation split must still have an output.
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    if len(x_train) < 3:
        raise ConfigError(f"{name} has {len(x_train)} training image(s): at least 3 are "
                          f"needed for a validation split and batches of 2.")
    n_val = min(len(x_train) - 2, max(1, round(val_fraction * len(x_train))))
    val = stratified_indices(y_train, n_val, generator)
    rest = torch.ones(len(x_train), dtype=torch.bool)
    rest[val] = False
    pool = torch.nonzero(rest).flatten()
    if train_size is not None:
        pool = pool[stratified_indices(y_train[pool], train_size, generator)]
    if len(pool) < 2:
        raise ConfigError(f"train_size {train_size!r} keeps {len(pool)} training image(s); "
                          f"at least 2 are needed (one batch of 2): raise train_size.")
    return _standardize(ImageData(x_train[pool], y_train[pool], x_train[val], y_train[val],
                                  x_test, y_test, num_classes))
