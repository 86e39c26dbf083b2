"""Scattering in a scikit-learn pipeline
=====================================

Scattering features inside a scikit-learn ``Pipeline``.

``kymatio.sklearn.Scattering2D`` is a scikit-learn transformer: it takes rows of flattened
images, ``(n_samples, M * N)``, and returns rows of flattened scattering coefficients. This
example chains it with a ``StandardScaler`` and a ``LogisticRegression`` on scikit-learn's
bundled 8x8 digits (no download), and compares it with the same classifier on raw pixels.

Each pipeline is built from scratch for each ``J`` (the transform computes its filters when
it is constructed, so change ``J`` by building a new transform, not with ``set_params``).

Run from the repository root::

    python examples/2d/sklearn_digits.py
    python examples/2d/sklearn_digits.py --J 1 2 --test-size 0.5
"""
import argparse
import time
from typing import List, Optional, Sequence, Tuple

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from kymatio.sklearn import Scattering2D

SHAPE = (8, 8)


def make_pipeline(J: Optional[int], L: int = 8) -> Pipeline:
    """Scaler and logistic regression, preceded by a scattering transform unless ``J`` is
    None (raw pixels)."""
    steps = []
    if J is not None:
        steps.append(("scattering", Scattering2D(J=J, shape=SHAPE, L=L)))
    steps += [("scaler", StandardScaler()),
              ("classifier", LogisticRegression(max_iter=2000))]
    return Pipeline(steps)


def evaluate(pipeline: Pipeline, x_train: np.ndarray, y_train: np.ndarray,
             x_test: np.ndarray, y_test: np.ndarray) -> Tuple[float, float, float]:
    """Fit on the training set and score on the test set.

    Returns
    -------
    accuracy : float
        Test accuracy.
    fit_time, predict_time : float
        Seconds spent in ``fit`` (scattering of the training images included) and in
        ``score`` (scattering of the test images included).
    """
    start = time.perf_counter()
    pipeline.fit(x_train, y_train)
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    accuracy = pipeline.score(x_test, y_test)
    return accuracy, fit_time, time.perf_counter() - start


def main(argv: Optional[Sequence[str]] = None) -> List[Tuple[str, float]]:
    """Run the comparison and print a table. Returns ``(name, accuracy)`` pairs."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--J", type=int, nargs="+", default=[1, 2],
                        help="scales to try (each needs 2**J <= 8; default 1 2)")
    parser.add_argument("--L", type=int, default=8, help="orientations (default 8)")
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)   # (1797, 64), pixel values in [0, 1]
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=args.test_size, random_state=args.seed,
        stratify=digits.target)
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of 8x8 pixels")
    print(f"{'features':<28}{'dim':>6}{'fit [s]':>10}{'test [s]':>10}{'accuracy':>10}")

    results = []
    for J in [None] + list(args.J):
        pipeline = make_pipeline(J, args.L)
        if J is None:
            name, dim = "raw pixels", x.shape[1]
        else:
            transform = pipeline.named_steps["scattering"]
            name = f"scattering J={J}, L={args.L}"
            dim = transform.output_size() * (8 // 2 ** J) ** 2
        accuracy, fit_time, test_time = evaluate(pipeline, x_train, y_train, x_test, y_test)
        print(f"{name:<28}{dim:>6}{fit_time:>10.2f}{test_time:>10.2f}{accuracy:>10.2%}")
        results.append((name, accuracy))
    return results


if __name__ == "__main__":
    main()
