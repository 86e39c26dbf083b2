"""Property-based test (Hypothesis): the DWT equals PyWavelets for any wavelet, boundary
mode, image size (odd, non-square, smaller than the filter), level (up to one above the
deepest useful one, which warns) and batch shape (empty included)."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from kymatio.wavelets import dwt_max_level, wavedec2, waverec2

pywt = pytest.importorskip("pywt")


def flatten(coeffs):
    return [coeffs[0]] + [band for details in coeffs[1:] for band in details]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(wavelet=st.sampled_from(["haar", "db2", "db3", "sym4", "coif1", "bior2.4"]),
       mode=st.sampled_from(pywt.Modes.modes), H=st.integers(2, 37), W=st.integers(2, 37),
       extra_level=st.integers(-2, 1), batch=st.lists(st.integers(0, 3), max_size=2))
def test_dwt_matches_pywavelets(wavelet, mode, H, W, extra_level, batch):
    level = max(dwt_max_level((H, W), wavelet) + extra_level, 0)
    x = np.random.default_rng(0).standard_normal(tuple(batch) + (H, W))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the level warning, tested elsewhere
        expected = pywt.wavedec2(x, wavelet, mode=mode, level=level)
        ours = wavedec2(torch.from_numpy(x), wavelet, mode=mode, level=level)
    for band, reference in zip(flatten(ours), flatten(expected), strict=True):
        np.testing.assert_allclose(band.numpy(), reference, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(waverec2(ours, wavelet, mode=mode).numpy(),
                               pywt.waverec2(expected, wavelet, mode=mode),
                               rtol=1e-9, atol=1e-9)
