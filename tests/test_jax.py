"""kymatio.jax: upstream's numbers, jit/vmap/grad, and learnable filters (S.apply)."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
import torch  # noqa: E402

import kymatio  # noqa: E402
import kymatio.jax as kj  # noqa: E402
import kymatio.torch as kt  # noqa: E402

# A few cases of every kind (each is compiled once: JAX's compile time dominates).
CASES = [(1, "J2_N33_T3"), (1, "J3_N77_Qtuple1_list"), (1, "J3_N90_Q2_dict"),
         (1, "J4_N120_Q2_T0_os1_list"), (1, "J5_N160_Q8x2_T20"),
         (2, "J2_28x36_L6_list"), (2, "J2_40x40_L8_prepad"), (2, "J3_31x17_L4"),
         (2, "J2_33x47_L4_order1"),
         (3, "J1_8x6x10_L4_sigma1.5"), (3, "J2_9x8x7_L2_noncov"), (3, "J3_8x8x8_L0_powers")]
SMALL = {1: ("Scattering1D", dict(J=4, shape=256, Q=2), (3, 256)),
         2: ("Scattering2D", dict(J=2, shape=(16, 16), L=4), (3, 16, 16)),
         3: ("HarmonicScattering3D", dict(J=1, shape=(8, 8, 8), L=2), (3, 8, 8, 8))}


def relative_error(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(np.asarray(b)))


@pytest.fixture(scope="module", params=sorted(SMALL))
def pair(request):
    """A small JAX transform, the torch transform with the same arguments (learnable,
    for filter gradients) and an input."""
    name, kwargs, shape = SMALL[request.param]
    x = np.random.RandomState(request.param).randn(*shape).astype(np.float32)
    return getattr(kj, name)(**kwargs), getattr(kt, name)(**kwargs, learnable=True), x


@pytest.mark.parametrize("dim, case", CASES)
def test_matches_upstream(upstream, dim, case):
    upstream.check(kj, dim, case)


@pytest.mark.parametrize("dim, case", [CASES[2], CASES[5], CASES[9]])
def test_apply_with_traced_filters_matches_upstream(upstream, dim, case):
    # Filters passed to apply are traced: the 1D core then multiplies every block.
    upstream.check(kj, dim, case, call=lambda S, x: S.apply(S.filters, x))


@pytest.mark.parametrize("dim, case", [CASES[4], CASES[7], CASES[10]])
def test_matches_upstream_in_float64(upstream, dim, case):
    with jax.enable_x64(True):
        upstream.check(kj, dim, case, dtype=np.float64)


def test_jit_and_vmap_give_the_eager_values(pair):
    S, _, x = pair
    expected = np.stack([np.asarray(S(x_i)) for x_i in x])
    np.testing.assert_allclose(jax.jit(S)(x), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jax.vmap(S)(x), expected, rtol=1e-5, atol=1e-6)
    assert S(x[None]).shape == (1,) + expected.shape


def test_input_gradient_matches_torch(pair):
    S, T, x = pair
    grad = jax.grad(lambda v: jnp.sum(S(v) ** 2))(x)
    x_torch = torch.from_numpy(x).requires_grad_()
    (T(x_torch) ** 2).sum().backward()
    assert relative_error(grad, x_torch.grad) <= 1e-5


def test_filter_gradient_matches_torch(pair):
    S, T, x = pair
    grads = jax.grad(lambda f: jnp.sum(S.apply(f, x) ** 2))(S.filters)
    T.zero_grad()
    (T(torch.from_numpy(x)) ** 2).sum().backward()
    theirs = {name: p.grad.numpy() for name, p in T.filter_parameters()}
    if "psi_r0" in theirs:  # 2D: full-resolution filters
        ours = {"phi_r0": grads["phi"], "psi_r0": grads["psi"]}
    elif "psi1" in theirs:  # 1D: every resolution
        ours = {"psi1": grads["psi1"], **{f"phi_r{k}": g for k, g in enumerate(grads["phi"])},
                **{f"psi2_r{k}": g for k, g in enumerate(grads["psi2"])}}
    else:  # 3D: complex filters, stored by torch as (real, imag) pairs; JAX's gradient
        # of a real function of z is d/dRe(z) - i d/dIm(z)
        ours = {"psi": np.stack([grads["psi"].real, -grads["psi"].imag], axis=-1)}
    assert set(ours) <= set(theirs)
    for name, grad in ours.items():
        assert relative_error(grad, theirs[name]) <= 1e-4, name


def test_apply_uses_the_given_filters(pair):
    S, _, x = pair
    doubled = jax.tree_util.tree_map(lambda f: 2 * f, S.filters)
    assert relative_error(S.apply(S.filters, x), S(x)) <= 1e-6
    assert relative_error(S.apply(doubled, x), S(x)) > 0.1


def test_replacing_the_filters_recompiles(pair):
    S, _, x = pair
    before = np.asarray(S(x))
    original = S.filters
    S.filters = jax.tree_util.tree_map(lambda f: 2 * f, original)
    try:
        np.testing.assert_allclose(S(x), S.apply(S.filters, x), rtol=1e-5, atol=1e-6)
        assert relative_error(S(x), before) > 0.1
    finally:
        S.filters = original


def test_pickle_round_trip(pair):
    S, _, x = pair
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(S))(x), S(x))


def test_errors():
    S = kj.Scattering2D(J=2, shape=(16, 16))
    with pytest.raises(TypeError, match="input should be"):
        S(None)
    with pytest.raises(TypeError, match="real floating point"):
        S(np.zeros((16, 16), dtype=np.int32))
    with pytest.raises(RuntimeError, match="at least"):
        S(jnp.zeros(16))
    with pytest.raises(RuntimeError, match="NumPy array must be of spatial size"):
        S(jnp.zeros((15, 16)))
    with pytest.raises(RuntimeError, match="larger than 2\\^J"):
        kj.Scattering2D(J=5, shape=(16, 16))
    with pytest.raises(ImportError, match="backend"):
        kj.Scattering2D(J=2, shape=(16, 16), backend="torch")
    with pytest.raises(RuntimeError, match="length 64"):
        kj.Scattering1D(J=2, shape=64)(jnp.zeros(32))


def test_entry_point_and_names():
    S = kymatio.Scattering2D(J=2, shape=(16, 16), frontend="jax")
    assert type(S) is kj.Scattering2D
    assert repr(kj.Scattering1D) == "<class 'kymatio.jax.Scattering1D'>"


def test_learnable_filters_example_runs():
    script = os.path.join(os.path.dirname(__file__), "..", "examples", "jax",
                          "learnable_digits.py")
    done = subprocess.run([sys.executable, script, "--steps", "3"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("test accuracy") == 2 and "filters moved by" in done.stdout
