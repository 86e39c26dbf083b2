"""kymatio.Scattering*(frontend=...) and the lazy import of the frameworks."""
import subprocess
import sys

import pytest

import kymatio
from kymatio.frontend.entry import FRONTENDS


def test_import_kymatio_needs_no_framework():
    code = ("import sys, kymatio, kymatio.numpy; "
            "print(sorted(m for m in ('jax', 'tensorflow', 'keras', 'torch') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_unknown_frontend_names_the_valid_ones():
    with pytest.raises(RuntimeError, match="'jax', 'tensorflow', 'keras'"):
        kymatio.Scattering2D(J=2, shape=(8, 8), frontend="mxnet")
    assert set(FRONTENDS) == {"numpy", "torch", "sklearn", "jax", "tensorflow", "keras"}
