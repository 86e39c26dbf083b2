"""Keeping learnable Morlet parameters in their valid domain by construction.

A learnable width or centre frequency is stored as an unconstrained *raw* value ``r``
(what an optimizer updates) and used through a smooth increasing map onto an open
interval ``(lower, upper)`` of valid values:

.. math::

    f(r) = \\begin{cases}
        \\ell + (a - \\ell)\\, e^{(r - a) / (a - \\ell)} & r < a \\\\
        r & a \\le r \\le b \\\\
        u - (u - b)\\, e^{-(r - b) / (u - b)} & r > b
    \\end{cases}

continuous with its first derivative. On the *identity region* ``[a, b]``, which holds
every initial value (``a`` halfway between ``lower`` and the smallest initial value,
``b`` halfway between the largest and ``upper``), the raw value *is* the natural one:
the initial filters are exactly those of the fixed transform and ``state_dict()`` shows
natural units there. Outside it the map approaches the bounds without reaching them;
however large an optimizer step, the filters stay finite (the bounds themselves are
valid values, reached only when ``r`` overflows to infinity).
"""
import math
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["Interval"]


@dataclass(frozen=True)
class Interval:
    """The valid values ``(lower, upper)`` of a parameter and its identity region
    ``[identity_lower, identity_upper]`` (see the module description); infinite bounds
    leave that side unconstrained."""

    lower: float
    upper: float
    identity_lower: float
    identity_upper: float

    @classmethod
    def around(cls, initial: Any, lower: float, upper: float) -> "Interval":
        """The interval ``(lower, upper)`` with an identity region halfway to the
        initial values ``initial`` (a tensor or a number inside the bounds)."""
        values = torch.as_tensor(initial, dtype=torch.float64)
        smallest, largest = float(values.min()), float(values.max())
        if not lower < smallest <= largest < upper:
            raise ValueError(f"initial values [{smallest}, {largest}] outside the domain "
                             f"({lower}, {upper}).")
        a = smallest if math.isinf(lower) else (lower + smallest) / 2
        b = largest if math.isinf(upper) else (largest + upper) / 2
        return cls(float(lower), float(upper), a, b)

    def natural(self, raw: torch.Tensor) -> torch.Tensor:
        """The valid value of each raw value (differentiable, finite gradients)."""
        lo, a, b, hi = self.lower, self.identity_lower, self.identity_upper, self.upper
        value = raw
        if not math.isinf(hi):
            # The tails are evaluated at clamped arguments, so that the branch a
            # torch.where discards has a finite (zero) gradient.
            tail = hi - (hi - b) * torch.exp(-(raw - b).clamp(min=0) / (hi - b))
            value = torch.where(raw > b, tail, value)
        if not math.isinf(lo):
            tail = lo + (a - lo) * torch.exp((raw - a).clamp(max=0) / (a - lo))
            value = torch.where(raw < a, tail, value)
        return value

    def raw(self, value: torch.Tensor, name: str = "value") -> torch.Tensor:
        """The raw values whose :meth:`natural` values are ``value``.

        Raises
        ------
        ValueError
            Naming ``name`` and the domain, if a value is not inside it.
        """
        lo, a, b, hi = self.lower, self.identity_lower, self.identity_upper, self.upper
        value = torch.as_tensor(value)
        if value.numel() and not bool(((value > lo) & (value < hi)).all()):
            raise ValueError(f"{name} must lie in ({lo:.6g}, {hi:.6g}), got values in "
                             f"[{float(value.min()):.6g}, {float(value.max()):.6g}].")
        raw = value.clone()
        if not math.isinf(lo):
            below = value < a
            raw[below] = a + (a - lo) * torch.log((value[below] - lo) / (a - lo))
        if not math.isinf(hi):
            above = value > b
            raw[above] = b - (hi - b) * torch.log((hi - value[above]) / (hi - b))
        return raw
