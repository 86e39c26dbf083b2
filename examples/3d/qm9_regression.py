"""QM9 energies from 3D harmonic scattering
========================================

Regress the energies of QM9 molecules on 3D solid harmonic scattering features.

QM9 (Ramakrishnan et al., 2014) lists about 134k small organic molecules (up to nine
heavy atoms among C, N, O, F) with their DFT-relaxed coordinates and properties. The
wheel ``qm9pack`` ships it as CSV files; they are read here with the ``csv`` module
(``qm9pack``'s own loader needs pandas and an old setuptools).

The method follows Eickenberg et al. (2017, 2018), "Solid harmonic wavelet scattering for
predictions of molecule properties":

1. every molecule becomes three electron-density-like volumes on a grid: a sum of
   Gaussians centred on its atoms, weighted by the full nuclear charge ``Z``, by the
   number of valence electrons, and by the number of core electrons ``Z - valence``;
2. the integrals of each volume raised to the powers ``(0.5, 1, 2)`` (order 0) and its
   rotation-invariant 3D harmonic scattering integrals (orders 1 and 2) are the features;
3. a ridge regression (regularisation chosen by cross-validation on the training folds)
   predicts the internal energy at 0 K, ``U0``; its 5-fold cross-validated mean absolute
   error in kcal/mol is compared with a linear regression on the atom counts alone (which
   captures the energies of the isolated atoms, most of ``U0``).

The default (600 molecules drawn from the first CSV file, a 48**3 grid, ``J=2``, ``L=2``)
runs in a couple of minutes on two CPU cores. Run from the repository root::

    .venv/bin/python examples/3d/qm9_regression.py
    .venv/bin/python examples/3d/qm9_regression.py --molecules 1000 --grid 64
    .venv/bin/python examples/3d/qm9_regression.py --plot qm9.png   # and a figure

The documentation does not run it: the output and figure at the end of this page come
from a recorded run.
"""
import argparse
import ast
import csv
import importlib.util
import os
import sys
import time
from typing import Dict, List, Tuple

import numpy as np
import torch
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from kymatio.scattering3d.utils import compute_integrals, generate_weighted_sum_of_gaussians
from kymatio.torch import HarmonicScattering3D

HARTREE_TO_KCAL_PER_MOL = 627.509474
ELEMENTS = ("H", "C", "N", "O", "F")
CHARGE = {"H": 1, "C": 6, "N": 7, "O": 8, "F": 9}
VALENCE = {"H": 1, "C": 4, "N": 5, "O": 6, "F": 7}
POWERS = (0.5, 1.0, 2.0)

csv.field_size_limit(sys.maxsize)  # the frequency and coordinate columns are long


def qm9_csv_files() -> List[str]:
    """Paths of the molecule CSV files inside the installed ``qm9pack`` wheel (found
    without importing the package)."""
    spec = importlib.util.find_spec("qm9pack")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("qm9pack is not installed: pip install --no-deps qm9pack")
    folder = os.path.join(list(spec.submodule_search_locations)[0], "data")
    return [os.path.join(folder, f"qm9_part{i}.csv") for i in (1, 2, 3)]


def load_molecules(path: str, count: int, seed: int) -> Dict[str, np.ndarray]:
    """A seeded random subset of ``count`` molecules of one QM9 CSV file.

    Returns
    -------
    dict
        ``positions`` (count, n_max, 3) in angstroms, ``charges`` and ``valences``
        (count, n_max), zero-padded after each molecule's last atom; ``counts``
        (count, 5) atoms of each element of :data:`ELEMENTS`; ``energy`` (count,) the
        internal energy at 0 K in kcal/mol.
    """
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    chosen = np.random.default_rng(seed).choice(len(rows), size=count, replace=False)
    molecules = [(ast.literal_eval(rows[i]["Elements"]),
                  np.array(ast.literal_eval(rows[i]["XYZ_Ang"]), dtype=float),
                  float(rows[i]["InternalEnergy_0K_au"])) for i in sorted(chosen)]
    n_max = max(len(elements) for elements, _, _ in molecules)
    data = {"positions": np.zeros((count, n_max, 3)), "charges": np.zeros((count, n_max)),
            "valences": np.zeros((count, n_max)), "counts": np.zeros((count, len(ELEMENTS))),
            "energy": np.zeros(count)}
    for m, (elements, xyz, energy) in enumerate(molecules):
        n = len(elements)
        data["positions"][m, :n] = xyz - xyz.mean(axis=0)
        data["charges"][m, :n] = [CHARGE[e] for e in elements]
        data["valences"][m, :n] = [VALENCE[e] for e in elements]
        data["counts"][m] = [elements.count(e) for e in ELEMENTS]
        data["energy"][m] = energy * HARTREE_TO_KCAL_PER_MOL
    return data


def densities(positions: np.ndarray, charges: np.ndarray, valences: np.ndarray,
              grid: np.ndarray, sigma: float) -> np.ndarray:
    """Full, valence and core densities of a batch of molecules, (B, 3, M, N, O).

    ``positions`` are already in voxel units around the grid centre.
    """
    valence = generate_weighted_sum_of_gaussians(grid, positions, valences, sigma)
    core_weights = np.where(charges > 1, charges - valences, 0.0)
    # generate_weighted_sum_of_gaussians stops at the first zero weight: put the atoms
    # with core electrons (all but hydrogen) first for the core density.
    order = np.argsort(core_weights == 0, axis=1, kind="stable")
    core = generate_weighted_sum_of_gaussians(
        grid, np.take_along_axis(positions, order[..., None], axis=1),
        np.take_along_axis(core_weights, order, axis=1), sigma)
    return np.stack([valence + core, valence, core], axis=1)


def scattering_features(data: Dict[str, np.ndarray], size: int, J: int, L: int,
                        sigma: float, batch: int) -> np.ndarray:
    """Order-0 integrals and scattering integrals of the three densities, flattened."""
    count = len(data["energy"])
    extent = np.abs(data["positions"]).max()
    # the molecules fill half the box: the wavelets of the largest scale see each
    # molecule whole with little wrap-around of the periodic convolutions
    voxels_per_angstrom = 0.25 * size / extent
    grid = np.mgrid[:size, :size, :size].astype(float) - size / 2
    scattering = HarmonicScattering3D(J=J, shape=(size, size, size), L=L,
                                      integral_powers=POWERS)
    features = []
    for start in tqdm(range(0, count, batch), desc="scattering", unit="batch"):
        stop = min(start + batch, count)
        volumes = densities(data["positions"][start:stop] * voxels_per_angstrom,
                            data["charges"][start:stop], data["valences"][start:stop],
                            grid, sigma)
        order_0 = compute_integrals(volumes, POWERS)               # (B, 3, powers)
        with torch.no_grad():
            S = scattering(torch.from_numpy(volumes.astype(np.float32))).numpy()
        features.append(np.concatenate([order_0.reshape(stop - start, -1),
                                        S.reshape(stop - start, -1)], axis=1))
    return np.concatenate(features)


def cross_validated(model, X: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """5-fold cross-validated predictions."""
    folds = KFold(n_splits=5, shuffle=True, random_state=seed)
    return cross_val_predict(model, X, y, cv=folds)


def plot(y: np.ndarray, predictions: Dict[str, np.ndarray], path: str) -> None:
    """Cross-validated prediction errors against the true energy, one panel per model."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(predictions), figsize=(10, 3.6), sharey=True,
                             layout="constrained")
    for ax, (name, predicted) in zip(axes, predictions.items()):
        error = predicted - y
        ax.scatter(y, error, s=6, alpha=0.5)
        ax.axhline(0, color="k", lw=0.8)
        ax.set(title=f"{name}: MAE {np.mean(np.abs(error)):.1f} kcal/mol",
               xlabel="true U0 (kcal/mol)")
    axes[0].set_ylabel("cross-validated error (kcal/mol)")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main() -> Tuple[float, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--molecules", type=int, default=600)
    parser.add_argument("--grid", type=int, default=48, help="grid size per axis")
    parser.add_argument("--J", type=int, default=2)
    parser.add_argument("--L", type=int, default=2)
    parser.add_argument("--sigma", type=float, default=1.5,
                        help="width of the atomic Gaussians, in voxels")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (one is the steadiest on a busy machine)")
    parser.add_argument("--plot", default=None, help="also draw the errors to this PNG")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    start = time.perf_counter()
    data = load_molecules(qm9_csv_files()[0], args.molecules, args.seed)
    print(f"{args.molecules} molecules (up to {data['positions'].shape[1]} atoms) read in "
          f"{time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    X = scattering_features(data, args.grid, args.J, args.L, args.sigma, args.batch)
    print(f"{X.shape[1]} features per molecule in {time.perf_counter() - start:.1f} s")

    y = data["energy"]
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 3, 19)))
    with_counts = np.concatenate([data["counts"], X], axis=1)
    predictions = {"atom counts": cross_validated(LinearRegression(), data["counts"], y,
                                                  args.seed),
                   "scattering": cross_validated(ridge, with_counts, y, args.seed)}
    baseline, scattering_mae = (float(np.mean(np.abs(p - y))) for p in predictions.values())
    print(f"U0 spread (std) over the molecules:   {np.std(y):9.1f} kcal/mol")
    print(f"MAE, linear regression on atom counts: {baseline:9.2f} kcal/mol")
    print(f"MAE, ridge on scattering features:     {scattering_mae:9.2f} kcal/mol")
    if args.plot:
        plot(y, predictions, args.plot)
    return baseline, scattering_mae


# sphinx_gallery_thumbnail_path = "_static/gallery/3d_qm9_regression.png"

if __name__ == "__main__":
    main()

# %%
# Recorded run
# ------------
#
# The documentation build does not run this script; this is the output of a run
# recorded by ``docs/record_examples.py`` (command first, wall time last).
#
# .. literalinclude:: /_static/gallery/3d_qm9_regression.txt
#    :language: none
#
# .. image:: /_static/gallery/3d_qm9_regression.png
#    :alt: cross-validated errors of the energy against the true energy, for atom counts
#          and for scattering features
