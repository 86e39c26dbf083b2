"""The checks every frontend shares: integer arguments (as_int, as_shape) and the choice of
backend (names, the backends at Kymatio 0.3.0's paths, native and custom backends)."""
from collections import namedtuple

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st
from sklearn.base import clone

import kymatio.numpy
import kymatio.sklearn
import kymatio.torch
from kymatio.frontend.base_frontend import as_int, as_shape
from kymatio.scattering2d.backend import native_backend
from kymatio.scattering2d.backend import numpy_backend as numpy_2d
from kymatio.scattering2d.backend import torch_backend as torch_2d
from kymatio.scattering3d.backend import numpy_backend as numpy_3d

INTEGER_TYPES = [int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64]


def integer_like(min_value, max_value):
    """Python ints, NumPy integer scalars and 0-d integer arrays with values in range."""
    def of_type(kind):
        info = np.iinfo(kind) if kind is not int else None
        low = min_value if info is None else max(min_value, int(info.min))
        high = max_value if info is None else min(max_value, int(info.max))
        return st.integers(low, high).map(kind)
    scalars = st.sampled_from(INTEGER_TYPES).filter(
        lambda kind: kind is int or np.iinfo(kind).min <= max_value).flatmap(of_type)
    return st.one_of(scalars, scalars.map(np.array))


NOT_INTEGERS = st.one_of(
    st.floats(allow_nan=False), st.floats(allow_nan=False).map(np.float64),
    st.integers(-5, 5).map(float), st.integers(-5, 5).map(lambda i: np.array(float(i))),
    st.booleans(), st.sampled_from([np.True_, np.False_, np.array(True)]),
    st.sampled_from(["2", None, [2], np.array([2]), 2 + 0j]))


@given(integer_like(0, 300))
def test_as_int_accepts_integers_of_any_kind(value):
    result = as_int("J", value)
    assert type(result) is int and result == int(value)


@given(NOT_INTEGERS)
def test_as_int_rejects_everything_else_naming_the_argument(value):
    with pytest.raises(ValueError, match=r"^oversampling must be"):
        as_int("oversampling", value)


@given(integer_like(-300, -1))
def test_as_int_rejects_values_below_the_minimum(value):
    with pytest.raises(ValueError, match=r"^J must be nonnegative"):
        as_int("J", value)
    with pytest.raises(ValueError, match=r"^Q should always be >= 1"):
        as_int("Q", value, 1)


def int_array(values):
    return np.array([int(v) for v in values])


@given(st.lists(integer_like(1, 64), min_size=1, max_size=3),
       st.sampled_from([list, tuple, int_array]))
def test_as_shape_gives_python_ints(sizes, container):
    names = ", ".join("MNO"[:len(sizes)])
    shape = as_shape(container(sizes), names)
    assert shape == tuple(int(s) for s in sizes)
    assert all(type(s) is int for s in shape)


def test_as_shape_errors():
    assert as_shape(np.int64(12), "N") == (12,)
    with pytest.raises(ValueError, match="exactly two elements"):
        as_shape((8, 8, 8), "M, N")
    with pytest.raises(ValueError, match="exactly one element"):
        as_shape((8, 8), "N")
    with pytest.raises(ValueError, match="integer N or a 1-tuple"):
        as_shape(1.5, "N")
    with pytest.raises(ValueError, match=r"shape\[1\] should always be >= 1"):
        as_shape((8, 0), "M, N")
    with pytest.raises(ValueError, match=r"shape\[0\] must be an integer"):
        as_shape((8.0, 8), "M, N")


@pytest.mark.parametrize("frontend, backend", [
    ("numpy", None), ("numpy", "numpy"), ("numpy", numpy_2d.backend),
    ("numpy", numpy_2d.NumpyBackend2D), ("numpy", native_backend("numpy")),
    ("torch", None), ("torch", "torch"), ("torch", torch_2d.backend),
    ("torch", native_backend("torch")),
])
def test_backends_select_the_native_backend(frontend, backend):
    S = getattr(kymatio, frontend).Scattering2D(1, (8, 8), L=2, backend=backend)
    assert S.backend is native_backend(frontend)


def test_a_backend_of_another_dimension_is_mapped_by_name():
    # Kymatio 0.3.0 only compares the name; so does the mapping to the native backend.
    S = kymatio.numpy.Scattering2D(1, (8, 8), L=2, backend=numpy_3d.backend)
    assert S.backend is native_backend("numpy")


Fake = namedtuple("Fake", ["name"])


class CustomNumpyBackend(numpy_2d.NumpyBackend2D):
    """A user's backend: the fast core would not call its methods."""

    @classmethod
    def modulus(cls, x):
        return np.abs(x) ** 2


@pytest.mark.parametrize("frontend, backend, phrase", [
    ("numpy", "torch", "can not be called from the frontend 'numpy'"),
    ("torch", "numpy", "can not be called from the frontend 'torch'"),
    ("numpy", "numpy_fast", "not found"),
    ("torch", "torch_skcuda", "not found"),
    ("numpy", Fake("fake"), "not supported"),
    ("numpy", torch_2d.backend, "not supported by the frontend 'numpy'"),
    ("torch", numpy_2d.backend, "not supported by the frontend 'torch'"),
    ("numpy", CustomNumpyBackend, "never call a custom backend's methods"),
    ("numpy", Fake("numpy"), "not supported"),
    ("numpy", object(), "not supported"),
])
def test_unknown_backends_raise_import_error(frontend, backend, phrase):
    with pytest.raises(ImportError, match=phrase):
        getattr(kymatio, frontend).Scattering2D(1, (8, 8), L=2, backend=backend)


def test_sklearn_clone_keeps_the_arguments():
    transformer = kymatio.sklearn.Scattering2D(np.int64(1), (8, 8), L=np.array(2),
                                               backend=numpy_2d.backend)
    copy = clone(transformer)
    assert copy.J == 1 and copy.L == 2 and copy.backend.name == "numpy"
    x = np.random.default_rng(0).standard_normal((3, 64))
    np.testing.assert_array_equal(copy.transform(x), transformer.transform(x))


def test_torch_transform_on_upstream_backend_is_differentiable():
    S = kymatio.torch.Scattering2D(1, (8, 8), L=2, backend=torch_2d.backend).double()
    x = torch.randn(1, 8, 8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(S, (x,))


# The integer arguments of every transform: (smallest, largest) value tried, and where the
# value goes ("shape[1]": an entry of the shape tuple).
TRANSFORMS = {
    "Scattering1D": (dict(J=1, shape=64), {
        "J": (0, 2), "Q": (1, 3), "max_order": (1, 2), "oversampling": (0, 2),
        "shape": (64, 80), "shape[0]": (64, 80)}),
    "Scattering2D": (dict(J=1, shape=(8, 8), L=2), {
        "J": (1, 3), "L": (1, 4), "max_order": (1, 2), "shape[0]": (8, 11),
        "shape[1]": (8, 11)}),
    "HarmonicScattering3D": (dict(J=1, shape=(4, 4, 4), L=1), {
        "J": (0, 2), "L": (0, 2), "max_order": (1, 2), "shape[2]": (4, 6)}),
}
CASES = [(transform, argument) for transform, (_, arguments) in TRANSFORMS.items()
         for argument in arguments]


def arguments_with(transform, argument, value):
    kwargs = dict(TRANSFORMS[transform][0])
    if argument.startswith("shape["):
        shape = list(kwargs["shape"] if isinstance(kwargs["shape"], tuple)
                     else [kwargs["shape"]])
        shape[int(argument[6])] = value
        value, argument = tuple(shape), "shape"
    kwargs[argument] = value
    return kwargs


def signals(kwargs):
    shape = kwargs["shape"] if isinstance(kwargs["shape"], tuple) else (kwargs["shape"],)
    return np.random.default_rng(0).standard_normal((2,) + tuple(int(s) for s in shape))


@pytest.mark.parametrize("transform, argument", CASES)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_integer_like_arguments_give_the_same_transform(transform, argument, data):
    low, high = TRANSFORMS[transform][1][argument]
    value = data.draw(integer_like(low, high))
    S = getattr(kymatio.numpy, transform)(**arguments_with(transform, argument, value))
    R = getattr(kymatio.numpy, transform)(**arguments_with(transform, argument, int(value)))
    x = signals(arguments_with(transform, argument, int(value)))
    np.testing.assert_array_equal(S(x), R(x))


SCALARS_NOT_INTEGERS = st.one_of(
    st.floats(), st.integers(-5, 5).map(np.float64), st.booleans(),
    st.sampled_from([np.True_, np.array(2.0), None, "2", 2 + 0j]))


@pytest.mark.parametrize("transform, argument", CASES)
@settings(max_examples=15, deadline=None)
@given(value=SCALARS_NOT_INTEGERS)
def test_other_arguments_are_refused_naming_the_argument(transform, argument, value):
    name = argument.split("[")[0]
    with pytest.raises(ValueError, match=rf"^{name}\W"):
        getattr(kymatio.numpy, transform)(**arguments_with(transform, argument, value))


@pytest.mark.parametrize("frontend", ["torch", "sklearn"])
@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_every_frontend_accepts_numpy_integers(frontend, transform):
    kwargs = dict(TRANSFORMS[transform][0], max_order=2)
    like = {key: np.array(value) if isinstance(value, int) else
            tuple(np.int32(v) for v in value) for key, value in kwargs.items()}
    S, R = (getattr(getattr(kymatio, frontend), transform)(**k) for k in (like, kwargs))
    assert all(type(getattr(S, key)) is int for key in ("J", "max_order"))
    x = signals(kwargs)
    if frontend == "torch":
        np.testing.assert_array_equal(S(torch.from_numpy(x).float()),
                                      R(torch.from_numpy(x).float()))
    else:
        flat = x.reshape(len(x), -1)
        np.testing.assert_array_equal(S.transform(flat), R.transform(flat))
