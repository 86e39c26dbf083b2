"""Entry classes at Kymatio 0.3.0's paths: kymatio.Scattering1D/2D/HarmonicScattering3D,
and the lazy import of the frameworks."""
import importlib
import subprocess
import sys

import pytest

import kymatio
from kymatio.frontend.entry import ScatteringEntry
from kymatio.scattering1d import ScatteringEntry1D
from kymatio.scattering1d.frontend import numpy_frontend as numpy1d
from kymatio.scattering1d.frontend.entry import ScatteringEntry1D as Entry1DAtPath
from kymatio.scattering2d import ScatteringEntry2D
from kymatio.scattering2d.frontend import numpy_frontend as numpy2d
from kymatio.scattering2d.frontend import torch_frontend as torch2d
from kymatio.scattering3d import HarmonicScatteringEntry3D
from kymatio.scattering3d.frontend import numpy_frontend as numpy3d

ENTRIES = [(ScatteringEntry1D, (3, 64)), (ScatteringEntry2D, (2, (16, 16))),
           (HarmonicScatteringEntry3D, (1, (8, 8, 8)))]


def test_top_level_names_are_the_entry_classes():
    assert kymatio.Scattering1D is ScatteringEntry1D is Entry1DAtPath
    assert kymatio.Scattering2D is ScatteringEntry2D
    assert kymatio.HarmonicScattering3D is HarmonicScatteringEntry3D
    assert all(issubclass(entry, ScatteringEntry) for entry, _ in ENTRIES)


@pytest.mark.parametrize("entry, args", ENTRIES)
@pytest.mark.parametrize("frontend, suffix", [("numpy", "NumPy"), ("torch", "Torch"),
                                              ("SkLearn", "Transformer"), ("jax", "Jax"),
                                              ("tensorflow", "TensorFlow")])
def test_entry_returns_the_frontend_class(entry, args, frontend, suffix):
    S = entry(*args, frontend=frontend)
    base, dimension = entry.__name__[:-len("Entry1D")], entry.__name__[-len("1D"):]
    module = importlib.import_module(
        f"kymatio.{entry.class_name}.frontend.{frontend.lower()}_frontend")
    assert type(S) is getattr(module, f"{base}{suffix}{dimension}")


def test_default_frontend_is_numpy_and_arguments_pass_through():
    S = kymatio.Scattering2D(2, shape=(16, 16), L=4, max_order=1)
    assert isinstance(S, numpy2d.ScatteringNumPy2D) and (S.L, S.max_order) == (4, 1)
    assert isinstance(kymatio.Scattering1D(J=3, shape=64, Q=2), numpy1d.ScatteringNumPy1D)
    assert isinstance(kymatio.HarmonicScattering3D(1, (8, 8, 8), L=1),
                      numpy3d.HarmonicScatteringNumPy3D)
    assert isinstance(kymatio.Scattering2D(2, (16, 16), frontend="torch"),
                      torch2d.ScatteringTorch2D)


@pytest.mark.parametrize("frontend, message", [
    ("doesnotexist", "is not valid. Must be one of 'numpy', 'torch', 'sklearn', 'jax', "
                     "'tensorflow', 'keras'"),
    (None, "is not valid"),
])
def test_unknown_frontend(frontend, message):
    with pytest.raises(RuntimeError, match=message):
        kymatio.Scattering2D(2, shape=(16, 16), frontend=frontend)


def test_keras_has_no_3d_layer():
    with pytest.raises(RuntimeError, match="has no HarmonicScattering3D"):
        kymatio.HarmonicScattering3D(1, (8, 8, 8), frontend="keras")


def test_import_kymatio_needs_no_framework():
    code = ("import sys, kymatio, kymatio.numpy; "
            "print(sorted(m for m in ('jax', 'tensorflow', 'keras', 'torch') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
