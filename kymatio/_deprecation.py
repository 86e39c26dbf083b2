"""Old import paths and argument names kept for one release, with a DeprecationWarning.

A moved module leaves a one-line stub at its old path that calls :func:`moved_module`; a
package whose names moved sets ``__getattr__ = moved_names(__name__, {...})``; a renamed
argument goes through :func:`renamed_argument`. Each use warns, naming the new place.
"""
import importlib
import sys
import warnings
from types import ModuleType
from typing import Any, Callable, Dict

__all__ = ["moved_module", "moved_names", "renamed_argument"]

REMOVAL = "the old path goes away in the next release"


def moved_module(old: str, new: str) -> ModuleType:
    """Make module ``old`` an alias of module ``new``, with a warning.

    Called by the stub left at the old path: the stub is replaced in ``sys.modules`` by
    the new module, so every name (public or not) resolves as before.
    """
    warnings.warn(f"{old} moved to {new}; import it from there ({REMOVAL}).",
                  DeprecationWarning, stacklevel=3)
    module = importlib.import_module(new)
    sys.modules[old] = module
    return module


def moved_names(package: str, moves: Dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving names that moved to other modules.

    Parameters
    ----------
    package : str
        The module whose names moved (its ``__name__``).
    moves : dict
        Old name -> module that now holds it (under the same name).
    """
    def __getattr__(name: str) -> Any:
        if name not in moves:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        warnings.warn(f"{package}.{name} moved to {moves[name]}.{name}; import it from "
                      f"there ({REMOVAL}).", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(moves[name]), name)

    return __getattr__


def renamed_argument(owner: str, new: str, value: Any, old: str, old_value: Any,
                     required: bool = True) -> Any:
    """The value of argument ``new``, also accepted under its old name ``old`` (warning).

    Both arguments default to None in the signature; giving both is an error, and so is
    giving neither when ``required``.
    """
    if old_value is None:
        if value is None and required:
            raise TypeError(f"{owner} missing required argument {new!r}")
        return value
    if value is not None:
        raise TypeError(f"{owner} got both {new}= and {old}= (its deprecated name); "
                        f"give {new}= only.")
    warnings.warn(f"{owner}: {old}= is deprecated, use {new}= ({REMOVAL}).",
                  DeprecationWarning, stacklevel=3)
    return old_value

