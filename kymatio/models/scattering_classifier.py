"""Classifiers on top of a (fixed or learnable) 2D scattering transform.

:class:`ScatteringBase` owns the transform and the bookkeeping of two-phase training
(train the head on fixed features, then fine-tune the filters); a subclass only says
which head to put on the flattened coefficients (:meth:`ScatteringBase._build_classifier`).
"""
from typing import Iterator, Sequence

import torch
from torch import nn

from ..torch import Scattering2D

__all__ = ["ScatteringBase", "ExampleLinearClassifier"]


class ScatteringBase(nn.Module):
    """A 2D scattering transform followed by a classifier head.

    Parameters
    ----------
    J : int
        Number of scales of the transform.
    shape : tuple of int
        ``(H, W)``, the spatial size of the images. With ``pre_pad`` the images are
        given already padded, at the size
        :func:`kymatio.scattering2d.utils.compute_padding` returns.
    in_channels : int
        Number of channels of the images (each is scattered separately).
    num_classes : int
        Number of outputs of the head.
    L : int, optional
        Number of orientations (default 8).
    max_order : int, optional
        Highest scattering order, 1 or 2 (default 2).
    learnable : bool, optional
        Whether the filters are parameters (see :class:`kymatio.torch.Scattering2D`).
    parametrization : str, optional
        ``'filters'`` (default) or ``'morlet'``, see :class:`kymatio.torch.Scattering2D`.
    pre_pad : bool, optional
        Whether the images are already padded (see :class:`kymatio.torch.Scattering2D`).

    Attributes
    ----------
    scattering : kymatio.torch.Scattering2D
        The transform.
    classifier : nn.Module
        The head, built by :meth:`_build_classifier`.
    classifier_input_dim : int
        Number of features per image: ``in_channels * K * H' * W'``.
    """

    def __init__(self, J: int, shape: Sequence[int], in_channels: int, num_classes: int,
                 L: int = 8, max_order: int = 2, learnable: bool = False,
                 parametrization: str = "filters", pre_pad: bool = False) -> None:
        super().__init__()
        for name, value in (("in_channels", in_channels), ("num_classes", num_classes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        self.in_channels, self.num_classes = in_channels, num_classes
        self.shape = tuple(shape)
        self.scattering = Scattering2D(J, self.shape, L=L, max_order=max_order,
                                            pre_pad=pre_pad, learnable=learnable,
                                            parametrization=parametrization)
        self.scattering_shape = self._scattering_shape()
        self.classifier_input_dim = in_channels
        for size in self.scattering_shape:
            self.classifier_input_dim *= size
        self.classifier = self._build_classifier()

    def _scattering_shape(self) -> tuple:
        """``(K, H', W')`` of one channel, from a transform of a dummy image."""
        dummy = torch.zeros((1,) + tuple(self.scattering._input_shape))
        with torch.no_grad():
            return tuple(self.scattering(dummy).shape[1:])

    def _build_classifier(self) -> nn.Module:
        """The head: maps ``(B, classifier_input_dim)`` features to ``(B, num_classes)``.

        Subclasses implement it; :attr:`classifier_input_dim` and :attr:`num_classes` are
        set when it is called.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  f"_build_classifier (see ExampleLinearClassifier).")

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        """Flattened scattering coefficients.

        Parameters
        ----------
        x : Tensor, shape (B, in_channels, H, W)
            (``H, W`` the padded size if ``pre_pad``).

        Returns
        -------
        Tensor, shape (B, classifier_input_dim)
        """
        size = tuple(self.scattering._input_shape)
        if x.ndim != 4 or x.shape[1] != self.in_channels or tuple(x.shape[2:]) != size:
            raise RuntimeError(f"Expected images of shape (B, {self.in_channels}, "
                               f"{size[0]}, {size[1]}), got {tuple(x.shape)}.")
        return self.scattering(x.contiguous()).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(B, num_classes)`` of images ``(B, in_channels, H, W)``."""
        return self.classifier(self.extract_features(x))

    def head_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the classifier head (for their own optimizer group)."""
        return self.classifier.parameters()

    def _set_requires_grad(self, module: nn.Module, flag: bool) -> None:
        for parameter in module.parameters():
            parameter.requires_grad_(flag)

    def freeze_scattering(self) -> None:
        """Stop gradients to the filters (they then use the transform's fixed cache)."""
        self._set_requires_grad(self.scattering, False)

    def unfreeze_scattering(self) -> None:
        """Let gradients reach the filters again (if the transform is learnable)."""
        self._set_requires_grad(self.scattering, True)

    def freeze_classifier(self) -> None:
        """Stop gradients to the head."""
        self._set_requires_grad(self.classifier, False)

    def unfreeze_classifier(self) -> None:
        """Let gradients reach the head again."""
        self._set_requires_grad(self.classifier, True)

    def extra_repr(self) -> str:
        return (f"in_channels={self.in_channels}, num_classes={self.num_classes}, "
                f"scattering_shape={self.scattering_shape}, "
                f"classifier_input_dim={self.classifier_input_dim}")


class ExampleLinearClassifier(ScatteringBase):
    """Scattering followed by a linear layer (optionally after a parameter-free batch
    normalisation of the features).

    Parameters
    ----------
    J, shape, in_channels, num_classes, L, max_order, learnable, parametrization, pre_pad
        As in :class:`ScatteringBase`.
    normalize : bool, optional
        Standardise every feature with ``nn.BatchNorm1d(affine=False)`` before the linear
        layer (default True); scattering coefficients span several orders of magnitude.
    """

    def __init__(self, J: int, shape: Sequence[int], in_channels: int, num_classes: int,
                 L: int = 8, max_order: int = 2, learnable: bool = False,
                 parametrization: str = "filters", pre_pad: bool = False,
                 normalize: bool = True) -> None:
        self.normalize = normalize
        super().__init__(J, shape, in_channels, num_classes, L=L, max_order=max_order,
                         learnable=learnable, parametrization=parametrization,
                         pre_pad=pre_pad)

    def _build_classifier(self) -> nn.Module:
        linear = nn.Linear(self.classifier_input_dim, self.num_classes)
        if not self.normalize:
            return linear
        return nn.Sequential(nn.BatchNorm1d(self.classifier_input_dim, affine=False), linear)
