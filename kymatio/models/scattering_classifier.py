"""Classifiers on top of a (fixed or learnable) 2D scattering transform.

:class:`ScatteringClassifier` owns the transform (the frontend, ``self.scattering``) and the
bookkeeping of two-phase training (train the head on fixed features, then fine-tune the
filters); a subclass says which head to put on the flattened coefficients
(:meth:`~ScatteringClassifier._build_classifier`) and may replace the transform
(:meth:`~ScatteringClassifier._build_scattering`, as :class:`~kymatio.models.ScatteringNet`
does). ``ScatteringBase`` is its other name, the one of the learnable-Kymatio seed.
"""
import math
from typing import Iterator, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from .._deprecation import renamed_argument
from ..frontend.memory import check_parameters
from ..scattering2d.utils import compute_padding
from ..torch import Scattering2D
from .morlet_initialization import INITIALIZATIONS, initialize_morlet
from .two_phase import ImageSize, TwoPhaseClassifier

__all__ = ["ScatteringClassifier", "ScatteringBase", "ExampleLinearClassifier",
           "NORMALIZATIONS", "feature_normalization"]

#: The normalisations of the scattering features before a head.
NORMALIZATIONS = ("features", "channels", "none")


def feature_normalization(normalize: Union[bool, str], channels: int,
                          shape: Sequence[int]) -> nn.Module:
    """The normalisation layer of flattened scattering features ``(B, channels * H * W)``.

    Parameters
    ----------
    normalize : bool or str
        ``'features'`` (or True): every feature standardised, ``nn.BatchNorm1d`` without
        affine parameters; ``'channels'``: a batch normalisation per coefficient map
        (``nn.BatchNorm2d(channels)``, with affine parameters, as in Parametric Scattering
        Networks), features kept flattened; ``'none'`` (or False): identity.
    channels : int
        Coefficient maps per image (``in_channels * K``).
    shape : sequence of int
        ``(H, W)`` of the maps.
    """
    mode = {True: "features", False: "none"}.get(normalize, normalize) \
        if isinstance(normalize, bool) else normalize
    if mode not in NORMALIZATIONS:
        raise ValueError(f"normalize must be one of {', '.join(NORMALIZATIONS)} (or a "
                         f"bool), got {normalize!r}.")
    if mode == "none":
        return nn.Identity()
    if mode == "features":
        return nn.BatchNorm1d(channels * math.prod(shape), affine=False)
    return nn.Sequential(nn.Unflatten(1, (channels, *shape)), nn.BatchNorm2d(channels),
                         nn.Flatten())


def _fix_lowpass(scattering: nn.Module) -> None:
    """Register the low-pass state of a learnable torch ``Scattering2D`` as a buffer (the
    same ``state_dict`` key): the wavelets stay parameters. ``set_learnable(True)`` would
    make it a parameter again."""
    name = "phi_sigma" if scattering.parametrization == "morlet" else "phi_r0"
    learnable, scattering.learnable = scattering.learnable, False
    try:
        scattering.register_filters({name: getattr(scattering, name).detach()})
    finally:
        scattering.learnable = learnable


class ScatteringClassifier(TwoPhaseClassifier):
    """A 2D scattering transform followed by a classifier head.

    Parameters
    ----------
    J : int
        Number of scales of the transform.
    image_size : int or tuple of int
        ``(H, W)``, the spatial size of the images (``shape``, the seed's name, is
        accepted with a DeprecationWarning). With ``pre_pad`` the images are given
        already padded, at the size :func:`kymatio.scattering2d.utils.compute_padding`
        returns.
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
    initialization : str, optional
        Initial wavelets: ``'kymatio'`` (default, the transform as built),
        ``'tight-frame'`` or ``'random'`` (Parametric Scattering Networks; see
        :mod:`kymatio.models.morlet_initialization`); ``'random'`` draws from torch's
        global generator.
    learnable_lowpass : bool, optional
        With ``learnable``: whether the low-pass filter (``phi_sigma`` or ``phi_r0``)
        learns too (default True). False keeps it fixed, as Parametric Scattering Networks
        do: only the wavelets learn, and the averaging scale (the invariance) stays.
        Large Morlet learning rates can otherwise shrink the low-pass width to nothing.

    Attributes
    ----------
    scattering : nn.Module
        The frontend, built by :meth:`_build_scattering` (a
        :class:`kymatio.torch.Scattering2D`).
    classifier : nn.Module
        The head, built by :meth:`_build_classifier`.
    input_size : tuple of int
        ``(H, W)`` of the images the model takes (padded with ``pre_pad``).
    scattering_shape : tuple of int
        ``(K, H', W')``: coefficients of one channel.
    classifier_input_dim : int
        Number of features per image: ``in_channels * K * H' * W'``.
    """

    def __init__(self, J: int, image_size: Optional[ImageSize] = None,
                 in_channels: Optional[int] = None, num_classes: Optional[int] = None,
                 L: int = 8, max_order: int = 2, learnable: bool = False,
                 parametrization: str = "filters", pre_pad: bool = False,
                 initialization: str = "kymatio", learnable_lowpass: bool = True, *,
                 shape: Optional[ImageSize] = None) -> None:
        image_size = renamed_argument(type(self).__name__, "image_size", image_size,
                                      "shape", shape)
        super().__init__(image_size, in_channels, num_classes)
        if initialization not in INITIALIZATIONS:
            raise ValueError(f"initialization must be one of {', '.join(INITIALIZATIONS)}, "
                             f"got {initialization!r}.")
        self.J, self.L, self.max_order, self.learnable = J, L, max_order, learnable
        self.parametrization, self.pre_pad = parametrization, pre_pad
        self.initialization, self.learnable_lowpass = initialization, learnable_lowpass
        self.input_size = compute_padding(*self.image_size, J) if pre_pad else self.image_size
        self.scattering = self._build_scattering()
        if initialization != "kymatio":
            initialize_morlet(self.scattering, initialization)
        if learnable and not learnable_lowpass:
            _fix_lowpass(self.scattering)
        self.scattering_shape, self.classifier_input_dim = self._feature_sizes()
        self.classifier = self._build_classifier()

    def _build_scattering(self) -> nn.Module:
        """The frontend: maps images ``(B, in_channels, *input_size)`` to coefficients."""
        return Scattering2D(self.J, self.image_size, L=self.L, max_order=self.max_order,
                            pre_pad=self.pre_pad, learnable=self.learnable,
                            parametrization=self.parametrization)

    def _feature_sizes(self) -> Tuple[Tuple[int, ...], int]:
        """``scattering_shape`` and ``classifier_input_dim``, from a transform of a dummy
        image (right for every ``max_order`` and ``pre_pad``)."""
        with torch.no_grad():
            shape = tuple(self.scattering(torch.zeros((1,) + self.input_size)).shape[1:])
        return shape, self.in_channels * math.prod(shape)

    def _build_classifier(self) -> nn.Module:
        """The head: maps ``(B, classifier_input_dim)`` features to ``(B, num_classes)``.

        Subclasses implement it; :attr:`classifier_input_dim` and :attr:`num_classes` are
        set when it is called.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement "
                                  f"_build_classifier (see ExampleLinearClassifier).")

    def _check_images(self, x: torch.Tensor) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{type(self).__name__} expects a torch.Tensor of images (B, "
                            f"{self.in_channels}, {self.input_size[0]}, "
                            f"{self.input_size[1]}), got {type(x).__name__}; convert it "
                            f"with torch.as_tensor.")
        if x.ndim != 4 or x.shape[1] != self.in_channels or tuple(x.shape[2:]) != self.input_size:
            raise RuntimeError(f"Expected images of shape (B, {self.in_channels}, "
                               f"{self.input_size[0]}, {self.input_size[1]}), got "
                               f"{tuple(x.shape)}.")

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
        self._check_images(x)
        return self.scattering(x.contiguous()).flatten(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(B, num_classes)`` of images ``(B, in_channels, H, W)``."""
        return self.classifier(self.extract_features(x))

    def frontend_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the transform (none unless it is learnable)."""
        return self.scattering.parameters()

    def head_parameters(self) -> Iterator[nn.Parameter]:
        """The parameters of the classifier head (for their own optimizer group)."""
        return self.classifier.parameters()

    # The seed's names for the two-phase interface.
    def freeze_scattering(self) -> None:
        """Stop gradients to the filters (:meth:`freeze_frontend`; a learnable transform
        then uses its fixed cache)."""
        self.freeze_frontend()

    def unfreeze_scattering(self) -> None:
        """Let gradients reach the filters again (:meth:`unfreeze_frontend`)."""
        self.unfreeze_frontend()

    def freeze_classifier(self) -> None:
        """Stop gradients to the head (:meth:`freeze_head`)."""
        self.freeze_head()

    def unfreeze_classifier(self) -> None:
        """Let gradients reach the head again (:meth:`unfreeze_head`)."""
        self.unfreeze_head()

    def extra_repr(self) -> str:
        return (f"image_size={self.image_size}, in_channels={self.in_channels}, "
                f"num_classes={self.num_classes}, scattering_shape={self.scattering_shape}, "
                f"classifier_input_dim={self.classifier_input_dim}")


#: The name of :class:`ScatteringClassifier` in the learnable-Kymatio seed.
ScatteringBase = ScatteringClassifier


class ExampleLinearClassifier(ScatteringClassifier):
    """Scattering followed by a linear layer (optionally after a batch normalisation of
    the features).

    Parameters
    ----------
    J, image_size, in_channels, num_classes, L, max_order, learnable, parametrization
        As in :class:`ScatteringClassifier`.
    pre_pad, initialization, learnable_lowpass
        As in :class:`ScatteringClassifier`.
    normalize : bool or str, optional
        Normalisation before the linear layer (see :func:`feature_normalization`):
        ``'features'`` (or True, the default), ``'channels'`` or ``'none'`` (or False);
        scattering coefficients span several orders of magnitude.
    """

    def __init__(self, J: int, image_size: Optional[ImageSize] = None,
                 in_channels: Optional[int] = None, num_classes: Optional[int] = None,
                 L: int = 8, max_order: int = 2, learnable: bool = False,
                 parametrization: str = "filters", pre_pad: bool = False,
                 normalize: Union[bool, str] = True, initialization: str = "kymatio",
                 learnable_lowpass: bool = True, *,
                 shape: Optional[Sequence[int]] = None) -> None:
        self.normalize = normalize
        super().__init__(J, image_size, in_channels, num_classes, L=L, max_order=max_order,
                         learnable=learnable, parametrization=parametrization,
                         pre_pad=pre_pad, initialization=initialization,
                         learnable_lowpass=learnable_lowpass, shape=shape)

    def _build_classifier(self) -> nn.Module:
        check_parameters(type(self).__name__,
                         {"linear head": (self.classifier_input_dim + 1) * self.num_classes},
                         "lower num_classes, or J, L, max_order or image_size (fewer "
                         "features)")
        channels = self.in_channels * self.scattering_shape[0]
        norm = feature_normalization(self.normalize, channels, self.scattering_shape[1:])
        linear = nn.Linear(self.classifier_input_dim, self.num_classes)
        return linear if isinstance(norm, nn.Identity) else nn.Sequential(norm, linear)
