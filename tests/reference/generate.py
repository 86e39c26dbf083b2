"""Write reference outputs of upstream Kymatio 0.3.0 for the drop-in tests.

Run with a separate virtual environment that has upstream Kymatio, never this package::

    python -m venv /tmp/kymatio-oracle
    /tmp/kymatio-oracle/bin/pip install torch==2.13.0 kymatio==0.3.0 "scipy<1.15"
    cd /tmp && /tmp/kymatio-oracle/bin/python /path/to/repo/tests/reference/generate.py

It writes ``scattering2d.npz`` next to this script: seeded inputs and the upstream
outputs of the NumPy frontend (float32 and float64) and of the torch frontend (float32,
and float64 through ``.double()``), keyed ``<case>/<what>``.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CASES_2D = {
    "J1_32x32_L8": dict(J=1, shape=(32, 32), L=8),
    "J2_32x32_L8": dict(J=2, shape=(32, 32), L=8),
    "J3_24x40_L6": dict(J=3, shape=(24, 40), L=6),
    "J2_33x47_L4_order1": dict(J=2, shape=(33, 47), L=4, max_order=1),
    "J3_31x17_L4": dict(J=3, shape=(31, 17), L=4),
    "J4_16x16_L4": dict(J=4, shape=(16, 16), L=4),
    "J4_48x20_L2": dict(J=4, shape=(48, 20), L=2),
    "J2_40x40_L8_prepad": dict(J=2, shape=(32, 32), L=8, pre_pad=True),
    "J2_28x36_L6_list": dict(J=2, shape=(28, 36), L=6, out_type="list"),
}


def _padded_shape(J, shape):
    return tuple(((s + 2 ** J) // 2 ** J + 1) * 2 ** J for s in shape)


def _as_arrays(output):
    """An 'array' output, or a list output as (stacked coefficients, meta as JSON)."""
    if isinstance(output, list):
        coefs = np.stack([np.asarray(c["coef"]) for c in output], axis=-3)
        meta = [{k: list(c[k]) for k in ("j", "n", "theta")} for c in output]
        return coefs, json.dumps(meta)
    return np.asarray(output), None


def generate_2d(rng):
    import torch
    from kymatio.numpy import Scattering2D as NumPy2D
    from kymatio.torch import Scattering2D as Torch2D

    data = {}
    for name, case in CASES_2D.items():
        size = _padded_shape(case["J"], case["shape"]) if case.get("pre_pad") else case["shape"]
        x = rng.standard_normal((2,) + tuple(size))
        data[f"{name}/x"] = x
        data[f"{name}/params"] = np.array(json.dumps(case))
        outputs = {
            "numpy64": NumPy2D(**case)(x),
            "numpy32": NumPy2D(**case)(x.astype(np.float32)),
            "torch32": Torch2D(**case)(torch.from_numpy(x.astype(np.float32))),
            "torch64": Torch2D(**case).double()(torch.from_numpy(x)),
        }
        for what, out in outputs.items():
            if isinstance(out, list):
                out = [dict(c, coef=np.asarray(c["coef"])) for c in out]
            coefs, meta = _as_arrays(out)
            data[f"{name}/{what}"] = coefs
            if meta is not None:
                data[f"{name}/meta"] = np.array(meta)
    return data


def main():
    import kymatio
    if kymatio.__version__ != "0.3.0" or "site-packages" not in kymatio.__file__:
        sys.exit(f"Run this with upstream kymatio 0.3.0 installed from PyPI, not "
                 f"{kymatio.__file__} ({kymatio.__version__}).")
    rng = np.random.default_rng(0)
    data = generate_2d(rng)
    path = os.path.join(HERE, "scattering2d.npz")
    np.savez_compressed(path, **data)
    print(f"wrote {path}: {len(data)} arrays, {os.path.getsize(path) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
