"""``kymatio.Scattering2D(..., frontend=...)``: pick a frontend by name.

As in Kymatio 0.3.0, ``kymatio.Scattering1D``, ``Scattering2D`` and
``HarmonicScattering3D`` are the entry classes ``ScatteringEntry1D``,
``ScatteringEntry2D`` and ``HarmonicScatteringEntry3D`` (defined in each transform's
``frontend/entry.py``); constructing one returns an object of the chosen frontend's class,
for instance a ``kymatio.scattering2d.frontend.numpy_frontend.ScatteringNumPy2D``.
"""
import importlib
import logging
from typing import Any

__all__ = ["ScatteringEntry", "publish"]

#: Frontend names and the part they add to class names (``ScatteringTorch2D``).
FRONTENDS = {"numpy": "NumPy", "torch": "Torch", "sklearn": "Transformer", "jax": "Jax",
             "tensorflow": "TensorFlow", "keras": "Keras"}

logger = logging.getLogger(__name__)


class ScatteringEntry:
    """Construct the transform of the chosen frontend.

    Subclasses are named ``<Base>Entry<dim>`` (``ScatteringEntry2D``) and set ``name``
    (``'2D'``) and ``class_name``, the transform's subpackage (``'scattering2d'``).
    ``ScatteringEntry2D(J, shape, frontend='torch')`` returns a ``ScatteringTorch2D`` from
    ``kymatio.scattering2d.frontend.torch_frontend``; the default frontend is ``'numpy'``
    and the name is case-insensitive.
    """

    name: str = ""
    class_name: str = ""

    def __new__(cls, *args: Any, frontend: str = "numpy", **kwargs: Any) -> Any:
        choice = frontend.lower() if isinstance(frontend, str) else frontend
        if choice not in FRONTENDS:
            available = ", ".join(repr(f) for f in FRONTENDS)
            raise RuntimeError(f"The frontend {frontend!r} is not valid. Must be one of "
                               f"{available}.")
        base, dimension = cls.__name__[:-len("Entry2D")], cls.__name__[-len("2D"):]
        try:
            module = importlib.import_module(
                f"kymatio.{cls.class_name}.frontend.{choice}_frontend")
        except ModuleNotFoundError as error:
            if not error.name.startswith("kymatio."):
                raise  # the framework itself is not installed
            raise RuntimeError(f"The frontend {frontend!r} has no {base}{dimension} (the "
                               f"Keras layers are Scattering1D and Scattering2D).") from None
        transform = getattr(module, f"{base}{FRONTENDS[choice]}{dimension}")
        logger.info("The %s frontend %s was imported.", cls.name, choice)
        return transform(*args, **kwargs)


def publish(module_name: str, **classes: type) -> None:
    """Present frontend classes under their public names (``kymatio.torch.Scattering2D``
    rather than ``ScatteringTorch2D``) in reprs, docs and pickles."""
    for public_name, cls in classes.items():
        cls.__module__ = module_name
        cls.__name__ = cls.__qualname__ = public_name
