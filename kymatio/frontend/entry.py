"""``kymatio.Scattering2D(..., frontend=...)``: pick a frontend by name."""
import importlib
from typing import Any

__all__ = ["ScatteringEntry", "publish"]

FRONTENDS = ("numpy", "torch", "sklearn", "jax", "tensorflow", "keras")


class ScatteringEntry:
    """Construct the transform of the same name from the requested frontend.

    ``Scattering2D(J, shape, frontend='torch')`` returns a
    ``kymatio.torch.Scattering2D``; the default frontend is ``'numpy'``.
    """

    def __new__(cls, *args: Any, frontend: str = "numpy", **kwargs: Any) -> Any:
        if frontend not in FRONTENDS:
            raise RuntimeError(f"The frontend {frontend!r} is not valid. Must be one of "
                               f"{', '.join(repr(f) for f in FRONTENDS)}.")
        module = importlib.import_module(f"kymatio.{frontend}")
        if not hasattr(module, cls.__name__):
            raise RuntimeError(f"The frontend {frontend!r} has no {cls.__name__}; it has "
                               f"{', '.join(module.__all__)}.")
        return getattr(module, cls.__name__)(*args, **kwargs)


def publish(module_name: str, **classes: type) -> None:
    """Present frontend classes under their public names (``kymatio.torch.Scattering2D``
    rather than ``ScatteringTorch2D``) in reprs, docs and pickles."""
    for public_name, cls in classes.items():
        cls.__module__ = module_name
        cls.__name__ = cls.__qualname__ = public_name
