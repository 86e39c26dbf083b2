"""A classifier on a cascade of spatial scattering blocks.

:class:`ScatteringNet` is a :class:`~kymatio.models.ScatteringClassifier` whose frontend is a
stack of :class:`~kymatio.spatial.ScatteringBlock` instead of the Fourier transform: it
replaces :meth:`~kymatio.models.ScatteringClassifier._build_scattering` and the head, and
inherits the rest of the two-phase interface.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
from torch import nn

from .._deprecation import renamed_argument
from ..spatial.block import MODULUS_TYPES, ScatteringBlock
from ..frontend.memory import DEFAULT_MEMORY_LIMIT
from ..spatial.planning import NetworkPlan, check_memory_budget
from .scattering_classifier import ScatteringClassifier

__all__ = ["ScatteringNet", "DEFAULT_MAX_MEMORY_BYTES"]

# The package's default memory limit (8 GB): it refuses the dense 4-block L=8 network
# (~16 GB of weights) and the 2.47-billion-weight ImageNet classifier of the seed's tables.
DEFAULT_MAX_MEMORY_BYTES = DEFAULT_MEMORY_LIMIT


class ScatteringNet(ScatteringClassifier):
    """Stacked spatial scattering blocks followed by a linear classifier.

    Block ``b`` maps ``C (1 + L)^b`` channels at ``image_size / 2^b`` to
    ``C (1 + L)^(b + 1)`` channels at half that size; the features (optionally averaged
    over space) are flattened, standardised by a batch normalisation and classified by one
    linear layer. With ``n_blocks = 3``, ``L = 8`` on 32x32 RGB images the features are
    2,187 channels at 4x4 (34,992 inputs to the classifier).

    The sizes are computed first (:func:`kymatio.spatial.plan_network`) and a
    configuration whose float32 weights would exceed ``max_memory_bytes`` is refused with
    a :class:`~kymatio.frontend.memory.MemoryBudgetError` *before anything is allocated*; the
    message gives the estimate and what ``mixing_horizon``, ``global_avg_pool`` and
    ``lowpass_last`` would bring it down to.

    Parameters
    ----------
    n_blocks : int
        Number of blocks (scales).
    in_channels : int
        Channels of the images.
    image_size : int or tuple of int
        Image size ``(H, W)`` (an int for square images; ``in_spatial``, the seed's name,
        is accepted with a DeprecationWarning).
    num_classes : int
        Number of classes (``nb_classes``, the seed's name, is accepted with a
        DeprecationWarning).
    L : int, optional
        Orientations per block (default 8).
    kernel_size : int, optional
        Odd wavelet kernel size (default 7).
    learnable : bool, optional
        Whether the wavelet weights are parameters (default False: buffers, see
        :class:`~kymatio.spatial.ScatteringBlock`).
    modulus_type : str, optional
        ``'complex_modulus'`` (default) or ``'phase_relu'``.
    mixing_horizon : int, optional
        Maximum input channels per wavelet filter (None: dense).
    global_avg_pool : bool, optional
        Average the last block's output over space (classifier input ``C`` instead of
        ``C H W``).
    lowpass_last : bool, optional
        The last block keeps only its low-pass path.
    batch_norm : bool, optional
        ``nn.BatchNorm1d`` on the features before the linear layer (default True).
    padding_mode : str, optional
        Border handling of the blocks (default ``'reflect'``).
    max_memory_bytes : float, None or 'auto', optional
        Budget for the float32 weights. ``'auto'`` (default): the package's memory limit
        (8 GB unless the environment variable ``KYMATIO_MEMORY_LIMIT`` says otherwise,
        see :mod:`kymatio.frontend.memory`); None disables the check.

    Attributes
    ----------
    scattering : nn.Sequential
        The blocks.
    classifier : nn.Sequential
        Batch normalisation (optional) and ``nn.Linear``.
    plan : kymatio.spatial.NetworkPlan
        Every size of the network.
    scattering_shape : tuple of int
        ``(C, H, W)`` of the features (``H = W = 1`` with ``global_avg_pool``).
    classifier_input_dim : int
    """

    def __init__(self, n_blocks: int, in_channels: int,
                 image_size: Optional[Union[int, Sequence[int]]] = None,
                 num_classes: Optional[int] = None, L: int = 8, kernel_size: int = 7,
                 learnable: bool = False, modulus_type: str = "complex_modulus",
                 mixing_horizon: Optional[int] = None, global_avg_pool: bool = False,
                 lowpass_last: bool = False, batch_norm: bool = True,
                 padding_mode: str = "reflect",
                 max_memory_bytes: Union[float, None, str] = "auto", *,
                 in_spatial: Optional[Union[int, Sequence[int]]] = None,
                 nb_classes: Optional[int] = None) -> None:
        image_size = renamed_argument("ScatteringNet", "image_size", image_size,
                                      "in_spatial", in_spatial)
        num_classes = renamed_argument("ScatteringNet", "num_classes", num_classes,
                                       "nb_classes", nb_classes)
        if isinstance(n_blocks, bool) or not isinstance(n_blocks, int) or n_blocks < 1:
            raise ValueError(f"n_blocks must be a positive integer, got {n_blocks!r}.")
        if modulus_type not in MODULUS_TYPES:
            raise ValueError(f"modulus_type must be one of {list(MODULUS_TYPES)}, "
                             f"got {modulus_type!r}.")
        # Read by _build_scattering and _build_classifier, which the parent calls.
        self.n_blocks, self.kernel_size, self.modulus_type = n_blocks, kernel_size, modulus_type
        self.mixing_horizon, self.padding_mode = mixing_horizon, padding_mode
        self.global_avg_pool, self.lowpass_last = global_avg_pool, lowpass_last
        self.batch_norm, self.max_memory_bytes = batch_norm, max_memory_bytes
        super().__init__(n_blocks, image_size, in_channels, num_classes, L=L,
                         learnable=learnable)

    def _build_scattering(self) -> nn.Module:
        """The blocks, once :meth:`plan` fits the memory budget."""
        if min(self.image_size) < 2 ** self.n_blocks:
            raise ValueError(f"{self.n_blocks} blocks halve the images {self.n_blocks} "
                             f"times: image_size={self.image_size} must be at least "
                             f"{2 ** self.n_blocks}.")
        config = dict(n_blocks=self.n_blocks, in_channels=self.in_channels,
                      image_size=self.image_size, num_classes=self.num_classes, L=self.L,
                      kernel_size=self.kernel_size, modulus_type=self.modulus_type,
                      mixing_horizon=self.mixing_horizon,
                      global_avg_pool=self.global_avg_pool, lowpass_last=self.lowpass_last,
                      batch_norm=self.batch_norm)
        self.plan: NetworkPlan = check_memory_budget(config, self.max_memory_bytes)
        return nn.Sequential(*[
            ScatteringBlock(block.in_channels, L=self.L, kernel_size=self.kernel_size,
                            modulus_type=self.modulus_type, learnable=self.learnable,
                            mixing_horizon=self.mixing_horizon,
                            lowpass_only=self.lowpass_last and index == self.n_blocks - 1,
                            padding_mode=self.padding_mode)
            for index, block in enumerate(self.plan.blocks)])

    def _feature_sizes(self) -> Tuple[Tuple[int, ...], int]:
        return self.plan.feature_shape, self.plan.classifier_input_dim

    def _build_classifier(self) -> nn.Module:
        layers = [nn.BatchNorm1d(self.classifier_input_dim)] if self.batch_norm else []
        return nn.Sequential(*layers, nn.Linear(self.classifier_input_dim, self.num_classes))

    def extract_features(self, x: torch.Tensor) -> torch.Tensor:
        """Flattened output of the blocks (averaged over space with ``global_avg_pool``).

        Parameters
        ----------
        x : Tensor, shape (B, in_channels, H, W)

        Returns
        -------
        Tensor, shape (B, classifier_input_dim)
        """
        self._check_images(x)
        features = self.scattering(x)
        if self.global_avg_pool:
            features = features.mean(dim=(-2, -1))
        return features.flatten(1)

    def set_learnable(self, learnable: bool = True) -> "ScatteringNet":
        """Make the wavelet weights of every block parameters or buffers (see
        :meth:`kymatio.spatial.ScatteringBlock.set_learnable`). Returns the model."""
        for block in self.scattering:
            block.set_learnable(learnable)
        self.learnable = learnable
        return self

    def extra_repr(self) -> str:
        return (f"n_blocks={self.n_blocks}, in_channels={self.in_channels}, "
                f"image_size={self.image_size}, num_classes={self.num_classes}, L={self.L}, "
                f"global_avg_pool={self.global_avg_pool}, lowpass_last={self.lowpass_last}, "
                f"feature_shape={self.scattering_shape}, "
                f"classifier_input_dim={self.classifier_input_dim}, "
                f"parameters={self.plan.parameters:,}")
