"""Learning the scattering filters in JAX
======================================

Learning the scattering filters in JAX, the functional way, on handwritten digits.

The filters of :class:`kymatio.jax.Scattering2D` are a pytree, ``S.filters``, and
``S.apply(filters, x)`` is a pure function of them: they are optimised like any other
parameters. scikit-learn's bundled 8x8 digits (no download) are upsampled to 16x16 and
classified by a linear layer on the scattering coefficients (J=2, L=4: 25 maps of 4x4),
with optax, in two phases:

* **phase A**: the filters are frozen (the transform is Kymatio's); only the head learns,
  on features computed once;
* **phase B**: the filters are fine-tuned with the head (mini-batches, the whole
  transform differentiated at each step).

It prints the test accuracy after each phase and how far the filters moved (relative
change). Each phase's step is compiled once with ``jax.jit``; under a minute on one CPU
core, most of it compiling. Run from the repository root::

    .venv/bin/python examples/jax/learnable_digits.py
    .venv/bin/python examples/jax/learnable_digits.py --steps 300 --lr-filters 3e-3

The documentation does not run it (it would load JAX and compile into the documentation
build): the output at the end of this page comes from a recorded run.
"""
import argparse
from typing import Any, Dict, Tuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from scipy.ndimage import zoom
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from kymatio.jax import Scattering2D

SIZE = 16
Params = Dict[str, Any]


def digits(seed: int) -> Tuple[np.ndarray, ...]:
    """Train and test images (float32, 16x16, in [0, 1]) and their labels."""
    data = load_digits()
    images = zoom(data.images / 16.0, (1, SIZE / 8, SIZE / 8), order=1).astype(np.float32)
    return tuple(train_test_split(images, data.target, test_size=0.25, random_state=seed,
                                  stratify=data.target))


def main(args: argparse.Namespace) -> None:
    x_train, x_test, y_train, y_test = digits(args.seed)
    S = Scattering2D(J=2, shape=(SIZE, SIZE), L=4)
    features = S(x_train).reshape(len(x_train), -1)
    # Standardise with the statistics of the initial transform (kept fixed).
    mean, scale = features.mean(0), features.std(0) + 1e-6

    def head(params: Params, z: jax.Array) -> jax.Array:
        return ((z.reshape(len(z), -1) - mean) / scale) @ params["w"] + params["b"]

    def loss(params: Params, x: jax.Array, y: jax.Array) -> jax.Array:
        z = S.apply(params["filters"], x)
        return optax.softmax_cross_entropy_with_integer_labels(head(params["head"], z), y).mean()

    def accuracy(params: Params) -> float:
        z = S.apply(params["filters"], x_test)
        return float((jnp.argmax(head(params["head"], z), -1) == y_test).mean())

    print("phase A: head only, on the features of the fixed (Kymatio) filters")
    optimizer = optax.adam(args.lr_head)
    params = {"w": jnp.zeros((features.shape[1], 10)), "b": jnp.zeros(10)}
    state = optimizer.init(params)

    @jax.jit
    def head_step(params: Params, state: Any) -> Tuple[Params, Any]:
        grads = jax.grad(lambda p: optax.softmax_cross_entropy_with_integer_labels(
            head(p, features), y_train).mean())(params)
        updates, state = optimizer.update(grads, state)
        return optax.apply_updates(params, updates), state

    for _ in range(args.steps):
        params, state = head_step(params, state)
    params = {"filters": S.filters, "head": params}
    print(f"  test accuracy {accuracy(params):.4f}")

    print(f"phase B: filters and head, batches of {args.batch_size}")
    labels = {"filters": jax.tree_util.tree_map(lambda _: "filters", S.filters),
              "head": {"w": "head", "b": "head"}}
    optimizer = optax.multi_transform({"filters": optax.adam(args.lr_filters),
                                       "head": optax.adam(args.lr_head / 10)}, labels)
    state = optimizer.init(params)

    @jax.jit
    def step(params: Params, state: Any, x: jax.Array, y: jax.Array) -> Tuple[Params, Any]:
        grads = jax.grad(loss)(params, x, y)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    order = np.random.RandomState(args.seed).permutation
    batches = len(x_train) // args.batch_size
    for i in range(args.steps):
        if i % batches == 0:
            shuffled = order(len(x_train))
        rows = shuffled[(i % batches) * args.batch_size:(i % batches + 1) * args.batch_size]
        params, state = step(params, state, x_train[rows], y_train[rows])
    leaves = zip(jax.tree_util.tree_leaves(params["filters"]),
                 jax.tree_util.tree_leaves(S.filters))
    change = np.sqrt(sum(float(jnp.sum((a - b) ** 2)) for a, b in leaves))
    norm = np.sqrt(sum(float(jnp.sum(a ** 2)) for a in jax.tree_util.tree_leaves(S.filters)))
    print(f"  test accuracy {accuracy(params):.4f}; filters moved by {change / norm:.2%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="steps per phase")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr-head", type=float, default=1e-2)
    parser.add_argument("--lr-filters", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    main(parser.parse_args())

# %%
# Recorded run
# ------------
#
# The documentation build does not run this script; this is the output of a run
# recorded by ``docs/record_examples.py`` (command first, wall time last).
#
# .. literalinclude:: /_static/gallery/jax_learnable_digits.txt
#    :language: none
