"""Empty batches give empty outputs of the right shape, in every transform and frontend
(Kymatio 0.3.0 returns them from its NumPy 1D and 2D transforms and fails elsewhere)."""
import numpy as np
import pytest
import torch

import kymatio.numpy
import kymatio.sklearn
import kymatio.torch

TRANSFORMS = {
    "Scattering1D": (dict(J=2, shape=64), (64,), ["array", "list", "dict"]),
    "Scattering2D": (dict(J=2, shape=(16, 12), L=2), (16, 12), ["array", "list"]),
    "HarmonicScattering3D": (dict(J=1, shape=(6, 5, 4), L=1), (6, 5, 4), [None]),
    "HarmonicScattering3D-local": (dict(J=1, shape=(6, 5, 4), L=1, method="local",
                                        points=[[0, 1, 2], [5, 4, 3]]), (6, 5, 4), [None]),
}
CASES = [(name, out_type) for name, (_, _, out_types) in TRANSFORMS.items()
         for out_type in out_types]


def build(module, name, out_type):
    kwargs, shape, _ = TRANSFORMS[name]
    if out_type is not None:
        kwargs = dict(kwargs, out_type=out_type)
    return getattr(module, name.split("-")[0])(**kwargs), shape


def coefficients(output):
    """(key, coefficient array) pairs of an output of any out_type."""
    if isinstance(output, dict):
        return sorted(output.items())
    if isinstance(output, list):
        return [(item.get("n"), item["coef"]) for item in output]
    return [(None, output)]


def assert_empty_like(empty, one, batch_shape):
    """``empty`` has ``one``'s layout with the batch axes ``batch_shape`` instead of (1,)."""
    pairs, reference = coefficients(empty), coefficients(one)
    assert [key for key, _ in pairs] == [key for key, _ in reference]
    for (_, c), (_, r) in zip(pairs, reference):
        assert tuple(c.shape) == batch_shape + tuple(r.shape[1:])


@pytest.mark.parametrize("name, out_type", CASES)
@pytest.mark.parametrize("batch_shape", [(0,), (3, 0), (0, 2)])
def test_numpy(name, out_type, batch_shape):
    S, shape = build(kymatio.numpy, name, out_type)
    empty = S(np.zeros(batch_shape + shape, dtype=np.float32))
    assert_empty_like(empty, S(np.zeros((1,) + shape, dtype=np.float32)), batch_shape)
    assert all(c.dtype == np.float32 for _, c in coefficients(empty))


@pytest.mark.parametrize("name, out_type", CASES)
def test_torch_forward_and_backward(name, out_type):
    S, shape = build(kymatio.torch, name, out_type)
    x = torch.zeros((0,) + shape, requires_grad=True)
    empty = S(x)
    assert_empty_like(empty, S(torch.zeros((1,) + shape)), (0,))
    sum(c.sum() for _, c in coefficients(empty)).backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("name", [name for name in TRANSFORMS if "local" not in name])
def test_sklearn_transform_of_no_rows(name):
    S, shape = build(kymatio.sklearn, name, None)
    one = S.transform(np.zeros((1, int(np.prod(shape)))))
    empty = S.transform(np.zeros((0, int(np.prod(shape)))))
    assert empty.shape == (0, one.shape[1])


@pytest.mark.parametrize("module", [kymatio.numpy, kymatio.torch])
def test_local_method_with_one_set_of_points_per_volume(module):
    """No volume, no set of points: (0, P, 3)."""
    kwargs, shape, _ = TRANSFORMS["HarmonicScattering3D-local"]
    S = getattr(module, "HarmonicScattering3D")(**dict(kwargs, points=np.zeros((0, 2, 3))))
    x = np.zeros((0,) + shape, dtype=np.float32)
    empty = S(x if module is kymatio.numpy else torch.from_numpy(x))
    assert tuple(empty.shape) == (0,) + S.output_shape()
