"""Readers of the image files of the harness' data sets, all local: Fashion-MNIST idx
files, CIFAR-10 python batches (through a restricted unpickler: a batch file cannot run
code), and ImageNet-style folders of class subfolders (read with Pillow)."""
import gzip
import io
import pickle
from pathlib import Path
from typing import List, Optional, Tuple, Union

import numpy as np
import torch

from .errors import DataError

__all__ = ["FASHION_MNIST_DIR", "load_fashion_mnist", "load_cifar10", "load_image_folder",
           "restricted_unpickle", "IMAGE_SUFFIXES"]

#: Where the Debian package ``dataset-fashion-mnist`` installs the files.
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
                 "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}
CIFAR_TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
#: The globals a CIFAR-10 batch may reference: NumPy's array reconstruction and the
#: latin-1 decoding of bytes that protocol-2 pickles of Python 3 use.
CIFAR_GLOBALS = frozenset({("numpy.core.multiarray", "_reconstruct"),
                           ("numpy._core.multiarray", "_reconstruct"),
                           ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")})
#: File name endings :func:`load_image_folder` reads.
IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm")
PathLike = Union[str, Path]


def _read_idx(path: Path) -> np.ndarray:
    """An idx array (the MNIST file format), gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError(f"{path} is not an idx file of unsigned bytes.")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(shape)):
        raise DataError(f"{path} holds {array.size} values, its header says "
                        f"{shape}: truncated?")
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
            batch = restricted_unpickle((folder / name).read_bytes(), CIFAR_GLOBALS,
                                        folder / name)
            try:
                images.append(np.asarray(batch[b"data"], dtype=np.uint8)
                              .reshape(-1, 3, 32, 32))
                labels.append(np.asarray(batch[b"labels"], dtype=np.int64))
            except (KeyError, TypeError, ValueError) as error:
                raise DataError(f"{folder / name} is not a CIFAR-10 batch (a dict with "
                                f"b'data' (n, 3072) uint8 and b'labels'): {error}") from None
        return (torch.from_numpy(np.concatenate(images)).float() / 255.0,
                torch.from_numpy(np.concatenate(labels)))

    return read(CIFAR_TRAIN) + read(("test_batch",))


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: frozenset, path: PathLike) -> None:
        super().__init__(io.BytesIO(data), encoding="bytes")
        self.allowed, self.path = allowed, path

    def find_class(self, module: str, name: str) -> type:
        if (module, name) not in self.allowed:
            raise DataError(f"{self.path} references {module}.{name}, which a data file of "
                            f"this format never holds; refusing to unpickle it (it could "
                            f"run code).")
        return super().find_class(module, name)


def restricted_unpickle(data: bytes, allowed: frozenset, path: PathLike = "<bytes>"):
    """Unpickle ``data`` allowing only the globals in ``allowed`` (``(module, name)``
    pairs); anything else (``os.system``, ``builtins.eval``, ...) raises
    :class:`~kymatio.experiments.errors.DataError` before it is called. Strings of
    Python 2 pickles stay bytes.

    Raises
    ------
    DataError
        A forbidden global, or data that is not a pickle.
    """
    try:
        return _RestrictedUnpickler(data, allowed, path).load()
    except DataError:
        raise
    except Exception as error:
        raise DataError(f"{path} is not a readable pickle ({error}).") from None


def _class_folders(root: Path) -> List[str]:
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir())


def _read_image(path: Path, size: int) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            # Shorter side to ``size``, then the central square (Resize + CenterCrop).
            scale = size / min(image.size)
            width, height = (max(size, round(s * scale)) for s in image.size)
            image = image.resize((width, height), Image.BILINEAR)
            left, top = (width - size) // 2, (height - size) // 2
            image = image.crop((left, top, left + size, top + size))
            return np.asarray(image, dtype=np.uint8).transpose(2, 0, 1)
    except (UnidentifiedImageError, OSError) as error:
        raise DataError(f"{path} is not a readable image ({error}).") from None


def load_image_folder(data_dir: PathLike, image_size: int = 64) -> Tuple[torch.Tensor, ...]:
    """An ImageNet-style folder: ``train/<class>/*.jpg`` and ``val/<class>/*.jpg`` (or
    ``test/``), read with Pillow into memory.

    Every image is converted to RGB, its shorter side resized to ``image_size`` and the
    central ``image_size`` square kept. The classes are the subfolders of ``train/`` in
    sorted order; the test folder must not have others.

    Parameters
    ----------
    data_dir : str or Path
        The folder holding ``train/`` and ``val/`` (or ``test/``).
    image_size : int, optional
        Side of the images (default 64).

    Returns
    -------
    x_train, y_train, x_test, y_test : Tensor
        Images ``(n, 3, image_size, image_size)`` in [0, 1] and labels ``(n,)``.

    Raises
    ------
    FileNotFoundError
        The folders are missing or empty.
    DataError
        A file with an image suffix that Pillow cannot read, or a test class unknown to
        the training folder.
    """
    if data_dir is None:
        raise FileNotFoundError("image-folder needs --data-dir: a folder holding train/ and "
                                "val/ (or test/), each with one subfolder per class.")
    root = Path(data_dir)
    test_root = next((root / name for name in ("val", "test") if (root / name).is_dir()), None)
    if not (root / "train").is_dir() or test_root is None:
        raise FileNotFoundError(f"{root} must hold train/ and val/ (or test/) folders, each "
                                f"with one subfolder of images per class.")
    classes = _class_folders(root / "train")
    unknown = sorted(set(_class_folders(test_root)) - set(classes))
    if unknown:
        raise DataError(f"{test_root} has classes {unknown} that {root / 'train'} lacks.")

    def read(split: Path) -> Tuple[torch.Tensor, torch.Tensor]:
        images, labels = [], []
        for label, name in enumerate(classes):
            folder = split / name
            files = sorted(path for path in folder.iterdir()
                           if path.suffix.lower() in IMAGE_SUFFIXES) if folder.is_dir() else []
            images += [_read_image(path, image_size) for path in files]
            labels += [label] * len(files)
        if not images:
            raise FileNotFoundError(f"no images ({', '.join(IMAGE_SUFFIXES)}) in the class "
                                    f"folders of {split}.")
        return (torch.from_numpy(np.stack(images)).float() / 255.0,
                torch.tensor(labels, dtype=torch.int64))

    return read(root / "train") + read(test_root)
