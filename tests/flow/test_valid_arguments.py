"""Scalogram and ScalogramEncoder build and run for every valid combination of arguments
(a grid), or refuse with their documented error."""
import itertools

import pytest
import torch

from kymatio.flow import Scalogram, ScalogramEncoder

GRID = list(itertools.product((16, 33, 100, 257), (1, 2, 4), (1, 3, 8),
                              ("reflect", "constant")))


@pytest.mark.parametrize("n_times, J, Q, pad_mode", GRID)
def test_scalogram_builds_for_every_valid_combination(n_times, J, Q, pad_mode):
    strides = sorted({1, 3, n_times // 2, n_times})
    for time_stride in strides:
        try:
            scalogram = Scalogram(n_times=n_times, J=J, Q=Q, time_stride=time_stride,
                                  pad_mode=pad_mode)
        except ValueError as error:  # the one documented refusal
            assert pad_mode == "reflect" and "lower J or use pad_mode='constant'" in str(error)
            return
        assert sum(scalogram.padding) + n_times == scalogram.padded_length
        out = scalogram(torch.randn(1, n_times))
        assert out.shape == (1,) + scalogram.output_shape
        assert torch.isfinite(out).all()


def test_the_reported_case_builds():
    # The padded length of the reflect fallback (146) is not a power of two: the filter
    # bank's low-pass periodisation failed ("cannot reshape array of size 146").
    scalogram = Scalogram(n_times=64, J=3, Q=2, time_stride=4)
    assert scalogram.padded_length == 146
    assert scalogram(torch.randn(3, 64)).shape == (3, 1, scalogram.n_frequencies, 16)
    assert scalogram(torch.randn(0, 64)).shape == (0, 1, scalogram.n_frequencies, 16)


@pytest.mark.parametrize("kernel", ["symmetric", "asymmetric"])
@pytest.mark.parametrize("n_times, J, Q, time_stride", [(16, 1, 1, 16), (64, 3, 2, 4),
                                                        (257, 4, 3, 1)])
def test_the_encoder_runs_on_every_scalogram_size(kernel, n_times, J, Q, time_stride):
    scalogram = Scalogram(n_times=n_times, J=J, Q=Q, time_stride=time_stride,
                          pad_mode="constant")
    encoder = ScalogramEncoder(signal_embedding_dim=5, kernel=kernel, width=0.0625)
    images = scalogram(torch.randn(2, n_times))
    for mode in (encoder.train, encoder.eval):
        mode()
        embedding = encoder(images)
        assert embedding.shape == (2, 5) and torch.isfinite(embedding).all()
    assert encoder(images[:0]).shape == (0, 5)
