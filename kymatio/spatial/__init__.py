"""Spatial-convolution scattering: cascades of single-scale blocks made of ``nn.Conv2d``
layers initialised from the Fourier 2D transform's Morlet/Gabor filter bank.

:class:`ScatteringBlock` is one scale; :class:`kymatio.models.ScatteringNet` stacks blocks
and adds a classifier; :mod:`kymatio.spatial.planning` sizes both without allocating them.
"""
from .block import MODULUS_TYPES, ScatteringBlock
from .kernels import block_diagonal_weight, conv_kernels, filter_kernels
from .planning import (BlockPlan, MemoryBudgetError, NetworkPlan, check_memory_budget,
                       group_size, plan_block, plan_network)

__all__ = ["ScatteringBlock", "MODULUS_TYPES", "filter_kernels", "conv_kernels",
           "block_diagonal_weight", "BlockPlan", "NetworkPlan", "MemoryBudgetError",
           "group_size", "plan_block", "plan_network", "check_memory_budget"]
