"""Sizes of spatial scattering blocks and networks, computed without allocating them.

A cascade of blocks multiplies the number of channels by ``1 + L`` per block, and a dense
wavelet convolution has ``C_in * C_in * (1 + 2L) * K^2`` weights: four dense blocks with
``L = 8`` on RGB images already need ~16 GB of weights. :func:`plan_network` gives every
size (channels, resolution, convolution groups, parameters, classifier input) from the
configuration alone, so that :class:`kymatio.models.ScatteringNet` can refuse a
configuration *before* allocating it (:func:`check_memory_budget`).
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from ..frontend.memory import MemoryBudgetError, check_memory, format_bytes

__all__ = ["BlockPlan", "NetworkPlan", "MemoryBudgetError", "group_size",
           "plan_block", "plan_network", "check_memory_budget", "format_bytes"]

# float32 parameters.
BYTES_PER_PARAMETER = 4


def group_size(in_channels: int, mixing_horizon: Optional[int]) -> int:
    """Input channels each wavelet filter sees.

    ``in_channels`` when there is no horizon or ``in_channels <= mixing_horizon`` (a dense
    convolution); otherwise the largest divisor of ``in_channels`` not above the horizon
    (grouped convolutions need equal groups; with the usual horizons, ``C * (1 + L)`` for
    ``C`` image channels, it is the horizon itself).
    """
    if mixing_horizon is None or in_channels <= mixing_horizon:
        return in_channels
    if isinstance(mixing_horizon, bool) or not isinstance(mixing_horizon, int) \
            or mixing_horizon < 1:
        raise ValueError(f"mixing_horizon must be None or a positive integer, "
                         f"got {mixing_horizon!r}.")
    return max(d for d in range(1, mixing_horizon + 1) if in_channels % d == 0)


@dataclass(frozen=True)
class BlockPlan:
    """Sizes of one :class:`~kymatio.spatial.ScatteringBlock`.

    Attributes
    ----------
    in_channels, out_channels : int
    in_size, out_size : tuple of int
        Spatial sizes ``(H, W)`` before and after the block.
    group_size : int
        Input channels per wavelet convolution group.
    wavelet_parameters, pool_parameters, collapse_parameters : int
        Weights of the wavelet convolution, of the 2x2 downsampling and of the phase
        collapse (0 for the complex modulus or a low-pass-only block).
    """

    in_channels: int
    out_channels: int
    in_size: Tuple[int, int]
    out_size: Tuple[int, int]
    group_size: int
    wavelet_parameters: int
    pool_parameters: int
    collapse_parameters: int

    @property
    def parameters(self) -> int:
        """All the weights of the block."""
        return self.wavelet_parameters + self.pool_parameters + self.collapse_parameters


def plan_block(in_channels: int, in_size: Tuple[int, int], L: int = 8, kernel_size: int = 7,
               modulus_type: str = "complex_modulus", mixing_horizon: Optional[int] = None,
               lowpass_only: bool = False) -> BlockPlan:
    """Sizes of a block (arguments as in :class:`~kymatio.spatial.ScatteringBlock`)."""
    paths = 1 if lowpass_only else 1 + L
    conv_out = in_channels * (1 if lowpass_only else 1 + 2 * L)
    size = group_size(in_channels, mixing_horizon)
    collapse = 0 if lowpass_only or modulus_type != "phase_relu" else in_channels * L * 4
    return BlockPlan(in_channels=in_channels, out_channels=in_channels * paths,
                     in_size=tuple(in_size), out_size=(in_size[0] // 2, in_size[1] // 2),
                     group_size=size, wavelet_parameters=conv_out * size * kernel_size ** 2,
                     pool_parameters=in_channels * paths * 4, collapse_parameters=collapse)


@dataclass(frozen=True)
class NetworkPlan:
    """Sizes of a :class:`kymatio.models.ScatteringNet`.

    Attributes
    ----------
    blocks : list of BlockPlan
    feature_shape : tuple of int
        ``(C, H, W)`` of the features the classifier reads (``H = W = 1`` with global
        average pooling).
    classifier_input_dim : int
        ``C * H * W``.
    classifier_parameters : int
        Weights of the linear layer (``classifier_input_dim * num_classes``, as in the
        seed's tables), plus its bias and the batch normalisation's.
    """

    blocks: List[BlockPlan]
    feature_shape: Tuple[int, int, int]
    classifier_input_dim: int
    classifier_parameters: int

    @property
    def parameters(self) -> int:
        """Every weight of the network."""
        return sum(b.parameters for b in self.blocks) + self.classifier_parameters

    @property
    def parameter_bytes(self) -> int:
        """Memory of the float32 weights (gradients and optimiser states come on top)."""
        return self.parameters * BYTES_PER_PARAMETER


def plan_network(n_blocks: int, in_channels: int, image_size: Union[int, Tuple[int, int]],
                 num_classes: int, L: int = 8, kernel_size: int = 7,
                 modulus_type: str = "complex_modulus",
                 mixing_horizon: Optional[int] = None, global_avg_pool: bool = False,
                 lowpass_last: bool = False, batch_norm: bool = True) -> NetworkPlan:
    """Sizes of a network (arguments as in :class:`kymatio.models.ScatteringNet`).

    Returns
    -------
    NetworkPlan

    Examples
    --------
    >>> plan_network(3, 3, 32, 10).classifier_input_dim  # 2,187 channels at 4x4
    34992
    """
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    blocks, channels = [], in_channels
    for index in range(n_blocks):
        block = plan_block(channels, size, L, kernel_size, modulus_type, mixing_horizon,
                           lowpass_only=lowpass_last and index == n_blocks - 1)
        blocks.append(block)
        channels, size = block.out_channels, block.out_size
    shape = (channels, 1, 1) if global_avg_pool else (channels,) + tuple(size)
    dim = shape[0] * shape[1] * shape[2]
    head = dim * num_classes + num_classes + (2 * dim if batch_norm else 0)
    return NetworkPlan(blocks=blocks, feature_shape=shape, classifier_input_dim=dim,
                       classifier_parameters=head)


def check_memory_budget(config: dict, max_memory_bytes: Union[float, None, str] = "auto"
                        ) -> NetworkPlan:
    """Plan a network and raise :class:`MemoryBudgetError` if its weights exceed the budget.

    Parameters
    ----------
    config : dict
        Keyword arguments of :func:`plan_network`.
    max_memory_bytes : float, None or 'auto', optional
        Budget for the float32 weights; ``'auto'`` (default): the package's memory limit
        (:func:`kymatio.frontend.memory.memory_limit`); None disables the check.

    Returns
    -------
    NetworkPlan

    Raises
    ------
    MemoryBudgetError
        With the estimate, the largest parts, and what each of ``mixing_horizon``,
        ``global_avg_pool`` and ``lowpass_last`` would bring it down to.
    """
    plan = plan_network(**config)
    parts = {f"block {i}": b.parameters * BYTES_PER_PARAMETER
             for i, b in enumerate(plan.blocks)}
    parts["classifier"] = plan.classifier_parameters * BYTES_PER_PARAMETER
    horizon = config["in_channels"] * (1 + config.get("L", 8))
    fixes = {"mixing_horizon": horizon, "global_avg_pool": True, "lowpass_last": True}
    fixes = {k: v for k, v in fixes.items() if config.get(k) != v}

    def estimate(changes: dict) -> str:
        return format_bytes(plan_network(**dict(config, **changes)).parameter_bytes)

    options = [f"{k}={v!r} (-> {estimate({k: v})})" for k, v in fixes.items()]
    if len(fixes) > 1:
        options.append(f"all of these (-> {estimate(fixes)})")
    check_memory(f"This ScatteringNet ({plan.parameters:,} float32 weights)", parts,
                 "pass " + "; ".join(options + ["or use fewer blocks or a smaller L"]),
                 max_memory_bytes, None if max_memory_bytes == "auto" else "max_memory_bytes")
    return plan
