"""Offline data sets for the examples."""
from typing import Tuple

import torch

__all__ = ["upsampled_digits"]


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
