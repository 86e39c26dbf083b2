"""A classifier on a cascade of spatial scattering blocks.

:class:`ScatteringNet` shares the two-phase training interface of
:class:`~kymatio.models.scattering_classifier.ScatteringBase` (``extract_features``,
``head_parameters``, ``freeze_scattering`` / ``unfreeze_scattering``,
``freeze_classifier`` / ``unfreeze_classifier``) by inheriting it; only the feature
extractor differs (a stack of :class:`~kymatio.spatial.ScatteringBlock` instead of the
Fourier transform), so the constructor is its own.
"""
from typing import Optional, Sequence, Union

import torch
from torch import nn

from ..spatial.block import MODULUS_TYPES, ScatteringBlock
from ..spatial.planning import NetworkPlan, check_memory_budget
from .scattering_classifier import ScatteringBase

__all__ = ["ScatteringNet", "DEFAULT_MAX_MEMORY_BYTES"]

# Budget for the float32 weights (8 GB): refuses the dense 4-block L=8 network (~16 GB)
# and the 2.47-billion-weight ImageNet classifier of the seed's tables.
DEFAULT_MAX_MEMORY_BYTES = 8e9


class ScatteringNet(ScatteringBase):
    """Stacked spatial scattering blocks followed by a linear classifier.

    Block ``b`` maps ``C (1 + L)^b`` channels at ``in_spatial / 2^b`` to
    ``C (1 + L)^(b + 1)`` channels at half that size; the features (optionally averaged
    over space) are flattened, standardised by a batch normalisation and classified by one
    linear layer. With ``n_blocks = 3``, ``L = 8`` on 32x32 RGB images the features are
    2,187 channels at 4x4 (34,992 inputs to the classifier).

    The sizes are computed first (:func:`kymatio.spatial.plan_network`) and a
    configuration whose float32 weights would exceed ``max_memory_bytes`` is refused with
    a :class:`kymatio.spatial.MemoryBudgetError` *before anything is allocated*; the
    message gives the estimate and what ``mixing_horizon``, ``global_avg_pool`` and
    ``lowpass_last`` would bring it down to.

    Parameters
    ----------
    n_blocks : int
        Number of blocks (scales).
    in_channels : int
        Channels of the images.
    in_spatial : int or tuple of int
        Image size ``(H, W)`` (an int for square images).
    nb_classes : int
        Number of classes.
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
    max_memory_bytes : float or None, optional
        Budget for the float32 weights (default 8 GB); None disables the check.

    Attributes
    ----------
    scattering : nn.Sequential
        The blocks.
    classifier : nn.Sequential
        Batch normalisation (optional) and ``nn.Linear``.
    plan : kymatio.spatial.NetworkPlan
        Every size of the network.
    classifier_input_dim : int
    """

    def __init__(self, n_blocks: int, in_channels: int, in_spatial: Union[int, Sequence[int]],
                 nb_classes: int, L: int = 8, kernel_size: int = 7, learnable: bool = False,
                 modulus_type: str = "complex_modulus", mixing_horizon: Optional[int] = None,
                 global_avg_pool: bool = False, lowpass_last: bool = False,
                 batch_norm: bool = True, padding_mode: str = "reflect",
                 max_memory_bytes: Optional[float] = DEFAULT_MAX_MEMORY_BYTES) -> None:
        # ScatteringBase's constructor builds a Fourier transform; only its nn.Module
        # set-up is wanted here, the rest of its interface is inherited as is.
        nn.Module.__init__(self)
        for name, value in (("n_blocks", n_blocks), ("in_channels", in_channels),
                            ("nb_classes", nb_classes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if modulus_type not in MODULUS_TYPES:
            raise ValueError(f"modulus_type must be one of {list(MODULUS_TYPES)}, "
                             f"got {modulus_type!r}.")
        size = (in_spatial, in_spatial) if isinstance(in_spatial, int) else tuple(in_spatial)
        if min(size) < 2 ** n_blocks:
            raise ValueError(f"{n_blocks} blocks halve the images {n_blocks} times: "
                             f"in_spatial={size} must be at least {2 ** n_blocks}.")
        config = dict(n_blocks=n_blocks, in_channels=in_channels, in_spatial=size,
                      nb_classes=nb_classes, L=L, kernel_size=kernel_size,
                      modulus_type=modulus_type, mixing_horizon=mixing_horizon,
                      global_avg_pool=global_avg_pool, lowpass_last=lowpass_last,
                      batch_norm=batch_norm)
        self.plan: NetworkPlan = check_memory_budget(config, max_memory_bytes)
        self.in_channels, self.num_classes, self.nb_classes = in_channels, nb_classes, nb_classes
        self.shape, self.n_blocks, self.L = size, n_blocks, L
        self.global_avg_pool, self.lowpass_last = global_avg_pool, lowpass_last
        self.scattering = nn.Sequential(*[
            ScatteringBlock(block.in_channels, L=L, kernel_size=kernel_size,
                            modulus_type=modulus_type, learnable=learnable,
                            mixing_horizon=mixing_horizon,
                            lowpass_only=lowpass_last and index == n_blocks - 1,
                            padding_mode=padding_mode)
            for index, block in enumerate(self.plan.blocks)])
        self.scattering_shape = self.plan.feature_shape
        self.classifier_input_dim = self.plan.classifier_input_dim
        self.batch_norm = batch_norm
        self.classifier = self._build_classifier()

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
        if x.ndim != 4 or x.shape[1] != self.in_channels or tuple(x.shape[2:]) != self.shape:
            raise RuntimeError(f"Expected images of shape (B, {self.in_channels}, "
                               f"{self.shape[0]}, {self.shape[1]}), got {tuple(x.shape)}.")
        features = self.scattering(x)
        if self.global_avg_pool:
            features = features.mean(dim=(-2, -1))
        return features.flatten(1)

    def set_learnable(self, learnable: bool = True) -> "ScatteringNet":
        """Make the wavelet weights of every block parameters or buffers (see
        :meth:`kymatio.spatial.ScatteringBlock.set_learnable`). Returns the model."""
        for block in self.scattering:
            block.set_learnable(learnable)
        return self

    def extra_repr(self) -> str:
        return (f"n_blocks={self.n_blocks}, in_channels={self.in_channels}, "
                f"in_spatial={self.shape}, nb_classes={self.nb_classes}, L={self.L}, "
                f"global_avg_pool={self.global_avg_pool}, lowpass_last={self.lowpass_last}, "
                f"feature_shape={self.scattering_shape}, "
                f"classifier_input_dim={self.classifier_input_dim}, "
                f"parameters={self.plan.parameters:,}")
