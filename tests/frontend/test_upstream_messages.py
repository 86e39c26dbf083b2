"""Error messages contain the phrases of Kymatio 0.3.0's (code and tests that match on them
keep working), with the same exception types, besides saying what to do."""
from collections import namedtuple

import numpy as np
import pytest
import torch

import kymatio
import kymatio.numpy
import kymatio.torch
from kymatio.scattering1d.utils import compute_padding


def numpy_2d(**kwargs):
    return kymatio.numpy.Scattering2D(3, (32, 32), **kwargs)


def torch_2d(**kwargs):
    return kymatio.torch.Scattering2D(3, (32, 32), **kwargs)


def numpy_1d(**kwargs):
    return kymatio.numpy.Scattering1D(**dict(dict(J=2, shape=64), **kwargs))


CALLS = {
    "padded shorter": (lambda: compute_padding(8, 16), ValueError, "should be larger"),
    "padding too large": (lambda: compute_padding(64, 16), ValueError,
                          "Too large padding value"),
    "Q below 1": (lambda: numpy_1d(Q=0.9), ValueError, "Q should always be >= 1"),
    "Q a list": (lambda: numpy_1d(Q=[8]), ValueError, "Q must be an integer or a tuple"),
    "shape of two": (lambda: numpy_1d(shape=(5, 6)), ValueError, "exactly one element"),
    "shape a float": (lambda: numpy_1d(shape=1.5), ValueError, "an integer N or a 1-tuple"),
    "oversampling": (lambda: numpy_1d(oversampling=-1), ValueError, "nonnegative"),
    "out_type": (lambda: numpy_1d(out_type="matrix"), ValueError, "out_type must be one"),
    "unaveraged array": (lambda: numpy_1d(T=0)(np.zeros(64)), ValueError,
                         "Please set out_type to"),
    "1D scalar input": (lambda: numpy_1d()(np.zeros(())), ValueError, "at least one axis"),
    "J too large": (lambda: kymatio.Scattering2D(10, (10, 10)), RuntimeError,
                    "smallest dimension"),
    "backend name": (lambda: numpy_2d(backend="doesnotexist"), ImportError,
                     "can not be called"),
    "backend object": (lambda: numpy_2d(backend=namedtuple("b", ["name"])("fake")),
                       ImportError, "not supported"),
    "frontend name": (lambda: kymatio.Scattering2D(2, (8, 8), frontend="doesnotexist"),
                      RuntimeError, "is not valid"),
    "numpy None": (lambda: numpy_2d()(None), TypeError, "input should be"),
    "numpy 1 axis": (lambda: numpy_2d()(np.zeros(32)), RuntimeError,
                     "have at least two dimensions"),
    "numpy size": (lambda: numpy_2d()(np.zeros((31, 31))), RuntimeError,
                   "NumPy array must be of spatial size"),
    "numpy padded size": (lambda: numpy_2d(pre_pad=True)(np.zeros((31, 31))), RuntimeError,
                          "Padded array must be of spatial size"),
    "torch None": (lambda: torch_2d()(None), TypeError, "input should be"),
    "torch 1 axis": (lambda: torch_2d()(torch.zeros(32)), RuntimeError, "at least two"),
    "torch contiguity": (lambda: torch_2d()(torch.zeros(32, 64)[:, ::2]), RuntimeError,
                         "must be contiguous"),
    "torch size": (lambda: torch_2d()(torch.zeros(31, 31)), RuntimeError,
                   "Tensor must be of spatial size"),
    "torch padded size": (lambda: torch_2d(pre_pad=True)(torch.zeros(31, 31)), RuntimeError,
                          "Padded tensor must be of spatial size"),
    "3D numpy axes": (lambda: kymatio.numpy.HarmonicScattering3D(1, (8, 8, 8))(np.zeros(8)),
                      RuntimeError, "Input tensor must have at least three dimensions"),
    "3D torch axes": (lambda: kymatio.torch.HarmonicScattering3D(1, (8, 8, 8))(
        torch.zeros(8, 8)), RuntimeError, "Input tensor must have at least three dimensions"),
    "3D numpy size": (lambda: kymatio.numpy.HarmonicScattering3D(1, (8, 8, 8))(
        np.zeros((8, 8, 9))), RuntimeError, "Tensor must be of spatial size (8, 8, 8)"),
    "3D torch size": (lambda: kymatio.torch.HarmonicScattering3D(1, (8, 8, 8))(
        torch.zeros(8, 8, 9)), RuntimeError, "Tensor must be of spatial size (8, 8, 8)"),
}


@pytest.mark.parametrize("case", sorted(CALLS))
def test_message_contains_the_upstream_phrase(case):
    call, error, phrase = CALLS[case]
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert phrase in message
    assert len(message) > len(phrase) + 15  # ... and says more: what was given or expected
