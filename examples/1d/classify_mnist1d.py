"""MNIST-1D with 1D scattering features
====================================

Classify the MNIST-1D signals with 1D scattering features and a logistic regression.

MNIST-1D (Greydanus, 2020) turns ten 1D digit templates into 40-sample signals through
random padding, translation, scaling, shear and noise. The pip package ``mnist1d``
*generates* the data set (no download): 4,000 training and 1,000 test signals with the
default arguments.

Steps, all offline and on the CPU:

1. generate the data set (``regenerate=True, download=False``);
2. compute the 1D scattering transform of every signal (``J=3``, ``Q=8`` wavelets per
   octave by default), take ``log(eps + S)`` of the first- and second-order coefficients
   and flatten them;
3. train a logistic regression (after standardisation) on the scattering features and,
   for comparison, on the raw signals, and print the test accuracies and timings.

Run from the repository root::

    .venv/bin/python examples/1d/classify_mnist1d.py
    .venv/bin/python examples/1d/classify_mnist1d.py --frontend torch --J 2 --Q 4
"""
import argparse
import os
import tempfile
import time
from typing import Callable, Dict, Tuple

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import kymatio

Features = Callable[[np.ndarray], np.ndarray]


def load_mnist1d(num_samples: int, seed: int) -> Dict[str, np.ndarray]:
    """Generate MNIST-1D with ``num_samples`` signals (80% for training), offline.

    Returns
    -------
    dict
        ``x`` (n_train, 40) and ``x_test`` float32 signals, ``y`` and ``y_test`` labels.
    """
    from mnist1d.data import get_dataset, get_dataset_args

    args = get_dataset_args()
    args.num_samples, args.seed = num_samples, seed
    with tempfile.TemporaryDirectory() as folder:
        # get_dataset caches its output as a pickle: keep it out of the working tree.
        data = get_dataset(args, path=os.path.join(folder, "mnist1d.pkl"), download=False,
                           regenerate=True, verbose=False)
    return {"x": data["x"].astype(np.float32), "x_test": data["x_test"].astype(np.float32),
            "y": np.asarray(data["y"]), "y_test": np.asarray(data["y_test"])}


def scattering_features(J: int, Q: int, length: int, frontend: str,
                        log_eps: float) -> Tuple[Features, int]:
    """A function mapping signals ``(n, length)`` to flat log-scattering features, and
    the number of coefficients per signal."""
    transform = kymatio.Scattering1D(J=J, shape=length, Q=Q, frontend=frontend)
    if frontend == "torch":
        import torch

        def scatter(x: np.ndarray) -> np.ndarray:
            with torch.no_grad():
                return transform(torch.from_numpy(x)).numpy()
    else:
        scatter = transform

    def features(x: np.ndarray) -> np.ndarray:
        S = scatter(x)
        # Order 0 is a signed average: keep it as is; log-compress orders 1 and 2.
        S[:, 1:] = np.log(log_eps + S[:, 1:])
        return S.reshape(len(x), -1)

    return features, transform.output_size()


def accuracy(train: np.ndarray, y: np.ndarray, test: np.ndarray, y_test: np.ndarray,
             C: float) -> Tuple[float, float]:
    """Test accuracy of a standardised logistic regression, and its training time [s]."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    start = time.perf_counter()
    model.fit(train, y)
    return model.score(test, y_test), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--J", type=int, default=3, help="largest scale 2**J (<= 40)")
    parser.add_argument("--Q", type=int, default=8, help="first-order wavelets per octave")
    parser.add_argument("--frontend", choices=["numpy", "torch"], default="numpy")
    parser.add_argument("--samples", type=int, default=5000, help="signals to generate")
    parser.add_argument("--C", type=float, default=0.1, help="inverse L2 regularisation")
    parser.add_argument("--log-eps", type=float, default=1e-3, help="log(eps + S)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    start = time.perf_counter()
    data = load_mnist1d(args.samples, args.seed)
    length = data["x"].shape[-1]
    print(f"MNIST-1D: {len(data['x'])} training and {len(data['x_test'])} test signals of "
          f"{length} samples (generated in {time.perf_counter() - start:.1f} s)")

    features, size = scattering_features(args.J, args.Q, length, args.frontend,
                                         args.log_eps)
    start = time.perf_counter()
    train, test = features(data["x"]), features(data["x_test"])
    scatter_time = time.perf_counter() - start
    print(f"Scattering1D(J={args.J}, Q={args.Q}, {args.frontend}): {size} coefficients x "
          f"{train.shape[1] // size} samples = {train.shape[1]} features per signal, "
          f"{scatter_time:.2f} s for all signals")

    rows = [("raw signal", *accuracy(data["x"], data["y"], data["x_test"], data["y_test"],
                                     args.C), 0.0),
            ("log-scattering", *accuracy(train, data["y"], test, data["y_test"], args.C),
             scatter_time)]
    print(f"\n{'features':<16} {'test accuracy':>13} {'features [s]':>12} {'fit [s]':>8}")
    for name, score, fit_time, feature_time in rows:
        print(f"{name:<16} {score:>13.3f} {feature_time:>12.2f} {fit_time:>8.2f}")


if __name__ == "__main__":
    main()
