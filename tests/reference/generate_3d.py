"""Write reference outputs of upstream Kymatio 0.3.0's HarmonicScattering3D.

Run with a separate virtual environment that has upstream Kymatio (and SciPy < 1.15, as
its 3D module needs ``scipy.special.sph_harm``), never this package::

    cd /tmp && /path/to/oracle/bin/python /path/to/repo/tests/reference/generate_3d.py

It writes ``scattering3d.npz`` next to this script, keyed ``<case>/<what>``:

- ``x``: the seeded input (float64), ``params``: the constructor arguments (JSON);
- ``numpy32``, ``numpy64``, ``torch32``, ``torch64``: upstream's outputs for float32 and
  float64 inputs (upstream always returns float32);
- ``numpy64_exact``: upstream's float64 NumPy pipeline with the final float32 cast of
  its integrals removed, to compare float64 outputs beyond float32 rounding;
- ``local``: for the local method, which 0.3.0 lacks: upstream's cascade with an
  averaging that low-passes each modulus with every Gaussian of the bank (widths
  ``sigma_0 * 2**k``, ``k = 0 .. J + 1``) and samples it at ``points``; shape
  (B, n_paths, L + 1, J + 2, n_points);
- ``filters/...``: upstream's filter banks for a few grids.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

CASES_3D = {
    "J1_8x8x8_L2": dict(J=1, shape=(8, 8, 8), L=2),
    "J2_10x12x9_L3": dict(J=2, shape=(10, 12, 9), L=3),
    "J2_8x8x8_L3_order1": dict(J=2, shape=(8, 8, 8), L=3, max_order=1),
    "J2_9x8x7_L2_noncov": dict(J=2, shape=(9, 8, 7), L=2, rotation_covariant=False),
    "J1_8x6x10_L4_sigma1.5": dict(J=1, shape=(8, 6, 10), L=4, sigma_0=1.5),
    "J0_8x8x8_L1": dict(J=0, shape=(8, 8, 8), L=1),
    "J3_8x8x8_L0_powers": dict(J=3, shape=(8, 8, 8), L=0, integral_powers=(1., 3., 0.25)),
    "J2_11x11x11_L1_noncov_order1": dict(J=2, shape=(11, 11, 11), L=1, max_order=1,
                                         rotation_covariant=False),
}
# Inputs made of atoms (weighted Gaussians) rather than white noise.
MOLECULES = ("J2_10x12x9_L3", "J1_8x6x10_L4_sigma1.5", "J2_11x11x11_L1_noncov_order1")
LOCAL_CASES = {
    "local_J1_8x8x8_L2": dict(J=1, shape=(8, 8, 8), L=2),
    "local_J2_10x9x8_L1_noncov": dict(J=2, shape=(10, 9, 8), L=1, rotation_covariant=False),
}
FILTER_GRIDS = [(8, 8, 8, 2, 3, 1.0), (7, 9, 10, 1, 4, 0.8)]


def _molecules(rng, shape, batch=2, n_atoms=4):
    from kymatio.scattering3d.utils import generate_weighted_sum_of_gaussians
    grid = np.mgrid[tuple(slice(0, n) for n in shape)].astype(np.float64)
    positions = rng.uniform(1, np.array(shape) - 2, size=(batch, n_atoms, 3))
    weights = rng.integers(1, 9, size=(batch, n_atoms)).astype(np.float64)
    weights[1, -1] = 0  # the second molecule has one atom fewer
    return generate_weighted_sum_of_gaussians(grid, positions, weights, 1.2)


def _exact_integrals(input_array, integral_powers):
    flat = input_array.reshape((input_array.shape[0], -1))
    return np.stack([(flat ** q).sum(axis=1) for q in integral_powers], axis=-1)


def _upstream_numpy_cascade(case, x, averaging):
    """Upstream's NumPy cascade with a custom averaging."""
    from kymatio.numpy import HarmonicScattering3D
    from kymatio.scattering3d.core.scattering3d import scattering3d
    S = HarmonicScattering3D(**case)
    params = dict(L=S.L, J=S.J, max_order=S.max_order, backend=S.backend,
                  rotation_covariant=S.rotation_covariant)
    return scattering3d(x, filters=S.filters, averaging=averaging, **params), S


def _local_averaging(case, points):
    from kymatio.scattering3d.filter_bank import gaussian_filter_bank
    shape, J = case["shape"], case["J"]
    lowpass = gaussian_filter_bank(*shape, J + 1, case.get("sigma_0", 1)).real
    index = np.trunc(points).astype(int)

    def averaging(U):
        smooth = np.fft.ifftn(np.fft.fftn(U, axes=(-3, -2, -1))[:, None] * lowpass,
                              axes=(-3, -2, -1)).real              # (B, J+2, M, N, O)
        return smooth[..., index[:, 0], index[:, 1], index[:, 2]]   # (B, J+2, P)
    return averaging


def generate_3d(rng):
    import torch
    from kymatio.numpy import HarmonicScattering3D as NumPy3D
    from kymatio.torch import HarmonicScattering3D as Torch3D
    from kymatio.scattering3d import filter_bank

    data = {}
    for name, case in CASES_3D.items():
        shape = case["shape"]
        x = _molecules(rng, shape) if name in MOLECULES else rng.standard_normal((2,) + shape)
        data[f"{name}/x"] = x
        data[f"{name}/params"] = np.array(json.dumps(case))
        data[f"{name}/numpy64"] = NumPy3D(**case)(x)
        data[f"{name}/numpy32"] = NumPy3D(**case)(x.astype(np.float32))
        data[f"{name}/torch32"] = Torch3D(**case)(torch.from_numpy(x.astype(np.float32))).numpy()
        data[f"{name}/torch64"] = Torch3D(**case).double()(torch.from_numpy(x)).numpy()
        powers = case.get("integral_powers", (0.5, 1., 2.))
        exact, _ = _upstream_numpy_cascade(
            case, x, lambda U: _exact_integrals(U, powers))
        data[f"{name}/numpy64_exact"] = exact
    for name, case in LOCAL_CASES.items():
        shape = case["shape"]
        x = rng.standard_normal((2,) + shape)
        points = rng.uniform(0, np.array(shape), size=(5, 3))
        data[f"{name}/x"] = x
        data[f"{name}/points"] = points
        data[f"{name}/params"] = np.array(json.dumps(case))
        local, _ = _upstream_numpy_cascade(case, x, _local_averaging(case, points))
        data[f"{name}/local"] = local
    for M, N, O, J, L, sigma_0 in FILTER_GRIDS:
        key = f"filters/{M}x{N}x{O}_J{J}_L{L}_s{sigma_0}"
        for fourier in (True, False):
            bank = filter_bank.solid_harmonic_filter_bank(M, N, O, J, L, sigma_0, fourier)
            for l, filters in enumerate(bank):
                data[f"{key}/fourier{fourier}/solid_l{l}"] = filters
            data[f"{key}/fourier{fourier}/gaussian"] = filter_bank.gaussian_filter_bank(
                M, N, O, J, sigma_0, fourier)
    return data


def main():
    import kymatio
    if kymatio.__version__ != "0.3.0" or "site-packages" not in kymatio.__file__:
        sys.exit(f"Run this with upstream kymatio 0.3.0 installed from PyPI, not "
                 f"{kymatio.__file__} ({kymatio.__version__}).")
    data = generate_3d(np.random.default_rng(3))
    path = os.path.join(HERE, "scattering3d.npz")
    np.savez_compressed(path, **data)
    print(f"wrote {path}: {len(data)} arrays, {os.path.getsize(path) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
