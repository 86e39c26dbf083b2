"""The memory limit: every transform and model estimates what its configuration needs
and refuses it *before allocating* when the estimate is above the limit.

One scheme for the whole package:

* the limit is :data:`DEFAULT_MEMORY_LIMIT` (8 GB), unless the environment variable
  ``KYMATIO_MEMORY_LIMIT`` says otherwise: a number of bytes, optionally with a unit
  (``'500MB'``, ``'32 GB'``, ``'1.5GiB'``), or ``'none'`` for no limit. It is read at
  each check, so ``os.environ["KYMATIO_MEMORY_LIMIT"] = "64GB"`` in a running program
  applies to the objects built after it;
* a model with its own budget argument (``ScatteringNet(max_memory_bytes=...)``) uses
  the argument instead (``None``: no limit);
* a refusal is a :class:`MemoryBudgetError` (a ``MemoryError``) whose message gives the
  estimate, its largest parts, the parameter to change and how to raise the limit.

The estimates are of the peak memory of the construction (the filters, with the
temporary arrays of their computation) plus what one signal needs in a forward pass
(padded maps, output): orders of magnitude, not exact counts. The transforms compute them
from their arguments alone, in constant time, so an impossible size (``L=10**7``) is
refused at once instead of hanging.
"""
import math
import os
import re
from typing import Mapping, Optional, Union

__all__ = ["MemoryBudgetError", "DEFAULT_MEMORY_LIMIT", "ENVIRONMENT_VARIABLE",
           "memory_limit", "parse_memory_size", "check_memory", "check_parameters",
           "format_bytes"]

#: The limit (bytes) when ``KYMATIO_MEMORY_LIMIT`` is not set.
DEFAULT_MEMORY_LIMIT = 8e9
#: The environment variable that sets the limit.
ENVIRONMENT_VARIABLE = "KYMATIO_MEMORY_LIMIT"

_UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2 ** 10, "mib": 2 ** 20, "gib": 2 ** 30, "tib": 2 ** 40}
_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$")
_NO_LIMIT = ("none", "inf", "unlimited")


class MemoryBudgetError(MemoryError):
    """A configuration needs more memory than the allowed limit (raised before any
    allocation)."""


def parse_memory_size(text: str) -> Optional[float]:
    """Bytes of a size such as ``'8GB'``, ``'500 MB'``, ``'2GiB'`` or ``'1e9'``
    (``None`` for ``'none'``, ``'inf'`` or ``'unlimited'``: no limit).

    Raises
    ------
    ValueError
        For anything else, naming the environment variable.
    """
    lowered = str(text).strip().lower()
    if lowered in _NO_LIMIT:
        return None
    match = _SIZE.match(lowered)
    if match is None or match.group(2) not in _UNITS:
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must be a size in bytes with an optional "
                         f"unit (e.g. '16GB', '500MB', '2GiB') or 'none', got {text!r}.")
    return float(match.group(1)) * _UNITS[match.group(2)]


def memory_limit() -> Optional[float]:
    """The package's memory limit in bytes now (``None``: no limit).

    ``KYMATIO_MEMORY_LIMIT`` if it is set (see :func:`parse_memory_size`), else
    :data:`DEFAULT_MEMORY_LIMIT`.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return DEFAULT_MEMORY_LIMIT if not value else parse_memory_size(value)


def format_bytes(n: float) -> str:
    """``n`` bytes in decimal units (``'15.9 GB'``)."""
    n = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000.0
    return f"{n:.1f} TB" if n < 1e4 else f"{n:.3g} TB"


def check_memory(subject: str, parts: Mapping[str, float], remedy: str,
                 limit: Union[float, None, str] = "auto",
                 limit_name: Optional[str] = None) -> float:
    """Refuse a configuration whose estimated memory is above the limit.

    Parameters
    ----------
    subject : str
        What is being built, e.g. ``'Scattering2D(J=2, shape=(32, 32), L=10000000)'``.
    parts : mapping of str to float
        The estimate in bytes, by part (``'filters'``, ``'output per signal'``, ...).
    remedy : str
        What to change to need less, e.g. ``'lower L or J, or use smaller images'``.
    limit : float, None or 'auto', optional
        The limit in bytes; ``'auto'`` (default): :func:`memory_limit`; None: no check.
    limit_name : str, optional
        The argument ``limit`` came from, named in the message (when not ``'auto'``).

    Returns
    -------
    float
        The estimate (bytes).

    Raises
    ------
    MemoryBudgetError
        If the estimate is above the limit; nothing has been allocated yet.
    """
    total = float(sum(float(v) for v in parts.values()))
    if limit == "auto":
        limit = memory_limit()
        source = (f"{ENVIRONMENT_VARIABLE}={os.environ[ENVIRONMENT_VARIABLE].strip()!r}"
                  if os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
                  else f"the default; set {ENVIRONMENT_VARIABLE}")
        raise_it = (f"raise the limit with the environment variable {ENVIRONMENT_VARIABLE} "
                    f"(e.g. {ENVIRONMENT_VARIABLE}={_suggest(total)}; 'none' disables "
                    f"the check)")
    else:
        source = f"{limit_name}" if limit_name else "the given limit"
        raise_it = f"raise {limit_name or 'the limit'} (None: no check)"
    if limit is None or not total > float(limit):
        return total
    largest = ", ".join(f"{name}: {format_bytes(size)}" for name, size in
                        sorted(parts.items(), key=lambda item: -float(item[1]))[:3])
    raise MemoryBudgetError(
        f"{subject} needs an estimated {format_bytes(total)} of memory ({largest}), above "
        f"the limit of {format_bytes(float(limit))} ({source}); nothing was allocated. "
        f"To fit, {remedy}; or {raise_it}.")


def check_parameters(subject: str, counts: Mapping[str, float], remedy: str,
                     limit: Union[float, None, str] = "auto",
                     limit_name: Optional[str] = None) -> float:
    """:func:`check_memory` of a model's float32 parameters, counted by part.

    Parameters
    ----------
    subject, remedy, limit, limit_name
        As in :func:`check_memory`.
    counts : mapping of str to float
        Number of parameters of each part.

    Returns
    -------
    float
        The estimate (bytes).
    """
    return check_memory(subject, {name: 4 * count for name, count in counts.items()},
                        remedy, limit, limit_name)


def _suggest(total: float) -> str:
    """A round limit above ``total``, for the message (``'200GB'``)."""
    gigabytes = total / 1e9
    if gigabytes < 1e4:
        return f"{max(1, math.ceil(gigabytes * 1.25))}GB"
    terabytes = total / 1e12
    return f"{math.ceil(terabytes * 1.25)}TB" if terabytes < 1e6 else f"{terabytes:.1e}TB"
