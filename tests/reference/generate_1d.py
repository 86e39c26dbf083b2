"""Write reference outputs of upstream Kymatio 0.3.0's Scattering1D for the drop-in tests.

Run it with a separate virtual environment that has upstream Kymatio (see
``generate.py``), from a directory outside this repository::

    cd /tmp && /tmp/kymatio-oracle/bin/python /path/to/repo/tests/reference/generate_1d.py

It writes ``scattering1d.npz`` next to this script, keyed ``<case>/<what>``: the seeded
input ``x`` (float64, shape ``(2, N)``), the constructor arguments as JSON (``params``),
the upstream outputs of the NumPy frontend (``numpy32``, ``numpy64``) and of the torch
frontend (``torch32``, and ``torch64`` through ``.double()``), and ``meta()`` (``meta/*``).
Outputs are stored as arrays ``(2, C, N_out)``; ``'list'`` and ``'dict'`` outputs, whose
coefficients may differ in length, are concatenated along the last axis and come with
their keys and lengths as JSON (``layout``).
"""
import json
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CASES_1D = {
    "J3_N64": dict(J=3, shape=64),
    "J4_N100_Q2": dict(J=4, shape=100, Q=2),
    "J6_N1024_Q8": dict(J=6, shape=1024, Q=8),
    "J5_N160_Q8x2_T20": dict(J=5, shape=160, Q=(8, 2), T=20),
    "J2_N33_T3": dict(J=2, shape=(33,), T=3),
    "J6_N70": dict(J=6, shape=70),
    "J4_N128_order1_Q4": dict(J=4, shape=128, Q=4, max_order=1),
    "J5_N300_Q8_os1": dict(J=5, shape=300, Q=8, oversampling=1),
    "J3_N77_Qtuple1_list": dict(J=3, shape=77, Q=(3,), out_type="list"),
    "J4_N128_T0_list": dict(J=4, shape=128, T=0, out_type="list"),
    "J4_N120_Q2_T0_os1_list": dict(J=4, shape=120, Q=2, T=0, oversampling=1,
                                   out_type="list"),
    "J3_N90_Q2_dict": dict(J=3, shape=90, Q=2, out_type="dict"),
}


def _layout(output):
    """(coefficients as one array, layout JSON or None) of any output type."""
    if isinstance(output, dict):
        output = [{"coef": v, "n": k, "j": None} for k, v in output.items()]
    if isinstance(output, list):
        coefs = [np.asarray(c["coef"].detach() if hasattr(c["coef"], "detach")
                            else c["coef"]) for c in output]
        layout = [{"n": list(c["n"]), "j": None if c["j"] is None else list(c["j"]),
                   "len": coef.shape[-1]} for c, coef in zip(output, coefs)]
        return np.concatenate(coefs, axis=-1), json.dumps(layout)
    return np.asarray(output.detach() if hasattr(output, "detach") else output), None


def generate_1d(rng):
    import torch
    from kymatio.numpy import Scattering1D as NumPy1D
    from kymatio.torch import Scattering1D as Torch1D

    data = {}
    for name, case in CASES_1D.items():
        size = case["shape"][0] if isinstance(case["shape"], tuple) else case["shape"]
        x = rng.standard_normal((2, size))
        data[f"{name}/x"] = x
        data[f"{name}/params"] = np.array(json.dumps(case))
        for frontend, bits in [(f, b) for f in ("numpy", "torch") for b in (32, 64)]:
            signal = x.astype(np.float32 if bits == 32 else np.float64)
            if frontend == "numpy":
                out = NumPy1D(**case)(signal)
            else:
                S = Torch1D(**case).double() if bits == 64 else Torch1D(**case)
                out = S(torch.from_numpy(signal))
            coefs, layout = _layout(out)
            data[f"{name}/{frontend}{bits}"] = coefs
            if layout is not None:
                data[f"{name}/layout"] = np.array(layout)
        meta = NumPy1D(**case).meta()
        for key in ("order", "xi", "sigma", "j", "n"):
            data[f"{name}/meta/{key}"] = np.asarray(meta[key])
        data[f"{name}/meta/key"] = np.array(json.dumps([list(k) for k in meta["key"]]))
        data[f"{name}/output_size"] = np.array(NumPy1D(**case).output_size(detail=True))
    return data


def main():
    import kymatio
    location = kymatio.__file__
    if not (kymatio.__version__ == "0.3.0" and "site-packages" in location):
        sys.exit(f"Needs upstream kymatio 0.3.0 from PyPI; found {location}.")
    warnings.simplefilter("ignore")
    path = os.path.join(HERE, "scattering1d.npz")
    np.savez_compressed(path, **generate_1d(np.random.default_rng(1)))
    print(f"wrote {path} ({os.path.getsize(path) / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
