"""kymatio.tensorflow: upstream's numbers, tf.function, GradientTape and errors."""
import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
import torch  # noqa: E402

import kymatio  # noqa: E402
import kymatio.numpy as kn  # noqa: E402
import kymatio.tensorflow as ktf  # noqa: E402
import kymatio.torch as kt  # noqa: E402

CASES = [(1, "J3_N64"), (1, "J3_N77_Qtuple1_list"), (1, "J3_N90_Q2_dict"),
         (1, "J4_N128_T0_list"), (1, "J6_N1024_Q8"),
         (2, "J1_32x32_L8"), (2, "J2_28x36_L6_list"), (2, "J2_40x40_L8_prepad"),
         (2, "J4_48x20_L2"),
         (3, "J0_8x8x8_L1"), (3, "J2_10x12x9_L3"), (3, "J2_11x11x11_L1_noncov_order1")]
SMALL = {1: ("Scattering1D", dict(J=4, shape=256, Q=2), (2, 256)),
         2: ("Scattering2D", dict(J=2, shape=(16, 16), L=4), (2, 16, 16)),
         3: ("HarmonicScattering3D", dict(J=1, shape=(8, 8, 8), L=2), (3, 8, 8, 8))}


@pytest.fixture(scope="module", params=sorted(SMALL))
def small(request):
    """A small TensorFlow transform, its name and arguments, and an input."""
    name, kwargs, shape = SMALL[request.param]
    x = np.random.RandomState(request.param).randn(*shape).astype(np.float32)
    return getattr(ktf, name)(**kwargs), name, kwargs, x


@pytest.mark.parametrize("dim, case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_upstream(upstream, dim, case, dtype):
    upstream.check(ktf, dim, case, dtype=dtype)


def test_tf_function_with_batch_axes_of_unknown_size(small):
    S, name, kwargs, x = small
    expected = getattr(kn, name)(**kwargs)(x)
    spec = tf.TensorSpec([None, None] + list(x.shape[1:]), tf.float32)
    graph = tf.function(S, input_signature=[spec])
    out = graph(np.stack([x, x]))
    assert out.shape == (2,) + expected.shape
    np.testing.assert_allclose(out[1], expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def test_gradient_tape_matches_torch(small):
    S, name, kwargs, x = small
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        loss = tf.reduce_sum(S(x_tf) ** 2)
    grad = tape.gradient(loss, x_tf).numpy()
    x_torch = torch.from_numpy(x).requires_grad_()
    (getattr(kt, name)(**kwargs)(x_torch) ** 2).sum().backward()
    expected = x_torch.grad.numpy()
    assert np.linalg.norm(grad - expected) <= 1e-5 * np.linalg.norm(expected)


def test_batch_shapes_and_inputs(small):
    S, _, _, x = small
    one = S(x[0])
    for batch in [(1,), (2, 2), (1, 2, 1)]:
        batched = np.broadcast_to(x[0], batch + x[0].shape)
        out = S(tf.constant(batched))
        assert out.shape == batch + tuple(one.shape)
        np.testing.assert_allclose(out[(0,) * len(batch)], one, rtol=1e-6, atol=1e-6)
    assert S(x.astype(np.float64)).dtype == tf.float64


def test_errors():
    S = ktf.Scattering2D(J=2, shape=(16, 16))
    with pytest.raises(TypeError, match="input should be"):
        S(None)
    with pytest.raises(TypeError, match="real floating point"):
        S(np.zeros((16, 16), dtype=np.int32))
    with pytest.raises(RuntimeError, match="at least"):
        S(np.zeros(16, np.float32))
    with pytest.raises(RuntimeError, match="spatial size"):
        S(np.zeros((15, 16), np.float32))
    with pytest.raises(RuntimeError, match="larger than 2\\^J"):
        ktf.Scattering2D(J=5, shape=(16, 16))
    with pytest.raises(ImportError, match="backend"):
        ktf.Scattering2D(J=2, shape=(16, 16), backend="numpy")
    with pytest.raises(RuntimeError, match="length 64"):
        ktf.Scattering1D(J=2, shape=64)(np.zeros(32, np.float32))


def test_entry_point_module_and_name():
    S = kymatio.HarmonicScattering3D(J=1, shape=(8, 8, 8), frontend="tensorflow")
    assert type(S) is ktf.HarmonicScattering3D
    assert isinstance(S, tf.Module) and S.name == "HarmonicScattering3D"
    assert ktf.Scattering2D(J=1, shape=(8, 8), name="sc").name == "sc"
