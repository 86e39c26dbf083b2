"""Scalogram frontend, scalogram encoder, flow-matching posterior, chirps and calibration."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from kymatio.flow import (CHIRP_PRIOR, ContinuousFlowMatcherTime, Scalogram, ScalogramEncoder,
                          calibration_summary, chirp_waveforms, coverage,
                          rank_uniformity_pvalues, sample_posteriors, sbc_ranks,
                          simulate_chirps, train_flow_matcher)
from kymatio.scattering1d.filter_bank import morlet_1d

torch.set_num_threads(1)


# -- scalogram ---------------------------------------------------------------------------
def direct_scalogram(x, scalogram):
    """|x * psi| by explicit circular convolution sums in NumPy with the module's filters."""
    left, right = scalogram.padding
    mode = "reflect" if scalogram.pad_mode == "reflect" else "constant"
    padded = np.pad(x, ((0, 0), (left, right)), mode=mode)
    length = padded.shape[1]
    psi_time = np.fft.ifft(scalogram.psi_fourier.double().numpy(), axis=1)
    # out[b, f, n] = sum_m padded[b, m] psi[f, (n - m) mod length]
    lag = (np.arange(length)[:, None] - np.arange(length)[None, :]) % length
    convolved = np.einsum("bm,fnm->bfn", padded, psi_time[:, lag])
    n_bins = scalogram.n_times // scalogram.time_stride
    modulus = np.abs(convolved[:, :, left:left + n_bins * scalogram.time_stride])
    images = modulus.reshape(*modulus.shape[:2], n_bins, scalogram.time_stride).mean(-1)
    if scalogram.log_eps is not None:
        images = np.log(images + scalogram.log_eps)
    return images[:, None]


@pytest.mark.parametrize("pad_mode,log_eps,time_stride", [("reflect", 1e-3, 4),
                                                          ("constant", None, 3)])
def test_scalogram_matches_direct_numpy_convolution(pad_mode, log_eps, time_stride):
    scalogram = Scalogram(n_times=150, J=3, Q=3, time_stride=time_stride, log_eps=log_eps,
                          pad_mode=pad_mode).double()
    x = np.random.default_rng(0).standard_normal((2, 150))
    out = scalogram(torch.from_numpy(x))
    assert out.shape == (2,) + scalogram.output_shape
    assert out.shape == (2, 1, scalogram.n_frequencies, 150 // time_stride)
    np.testing.assert_allclose(out.numpy(), direct_scalogram(x, scalogram), rtol=1e-9,
                               atol=1e-12)


def test_scalogram_uses_the_1d_morlet_filter_bank():
    scalogram = Scalogram(n_times=200, J=4, Q=4)
    assert np.all(np.diff(scalogram.xi) > 0)
    assert scalogram.psi_fourier.shape == (scalogram.n_frequencies, scalogram.padded_length)
    assert sum(scalogram.padding) + 200 == scalogram.padded_length
    for row, xi, sigma in zip(scalogram.psi_fourier, scalogram.xi, scalogram.sigma):
        expected = morlet_1d(scalogram.padded_length, xi, sigma)
        np.testing.assert_allclose(row.numpy(), expected, rtol=1e-6, atol=1e-7)
    assert "psi_fourier" not in scalogram.state_dict()


def test_scalogram_peaks_at_the_frequency_of_a_sine():
    scalogram = Scalogram(n_times=512, J=5, Q=4, log_eps=None)
    frequency = scalogram.xi[len(scalogram.xi) // 2]
    x = torch.cos(2 * math.pi * frequency * torch.arange(512.0))[None]
    energy = scalogram(x)[0, 0].mean(1)
    assert int(energy.argmax()) == len(scalogram.xi) // 2


def test_scalogram_is_differentiable():
    scalogram = Scalogram(n_times=32, J=2, Q=2, time_stride=2).double()
    x = torch.randn(2, 32, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(scalogram, (x,), eps=1e-6, atol=1e-5)


def test_scalogram_rejects_bad_inputs():
    scalogram = Scalogram(n_times=64, J=2, Q=2)
    with pytest.raises(TypeError, match="torch.Tensor"):
        scalogram(np.zeros((1, 64)))
    with pytest.raises(TypeError, match="float32 or float64"):
        scalogram(torch.zeros(1, 64, dtype=torch.int64))
    with pytest.raises(TypeError, match="float32 or float64"):
        scalogram(torch.zeros(1, 64, dtype=torch.complex64))
    with pytest.raises(ValueError, match=r"\(batch, 64\)"):
        scalogram(torch.zeros(1, 63))
    with pytest.raises(ValueError, match=r"\(batch, 64\)"):
        scalogram(torch.zeros(1, 1, 64))
    with pytest.raises(ValueError, match="pad_mode"):
        Scalogram(n_times=64, J=2, pad_mode="circular")
    with pytest.raises(ValueError, match="lower J"):
        Scalogram(n_times=64, J=6)
    with pytest.raises(ValueError, match="time_stride"):
        Scalogram(n_times=64, J=2, time_stride=0)


# -- encoder -----------------------------------------------------------------------------
def measured_receptive_field(encoder, height=33, length=513):
    """Extent (frequency, time) of the input pixels that reach the central output."""
    encoder.eval()
    x = torch.randn(1, 1, height, length, requires_grad=True)
    features = encoder.features(x)
    features[0, :, features.shape[2] // 2, features.shape[3] // 2].sum().backward()
    rows, cols = torch.nonzero(x.grad[0, 0]).unbind(1)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def test_encoder_kernel_types_share_the_interface():
    images = torch.randn(3, 1, 20, 64)
    encoders = {kernel: ScalogramEncoder(16, kernel=kernel, width=0.125)
                for kernel in ("symmetric", "asymmetric")}
    for encoder in encoders.values():
        assert encoder(images).shape == (3, 16)
    assert encoders["symmetric"].state_dict().keys() == encoders["asymmetric"].state_dict().keys()
    assert encoders["symmetric"].features(images).shape == \
        encoders["asymmetric"].features(images).shape


def test_encoder_kernel_geometry_and_same_padding():
    for kernel, sizes, dilations in (("symmetric", [(3, 3)] * 4, [(1, 1)] * 4),
                                     ("asymmetric", [(3, 9)] * 4,
                                      [(1, 1), (1, 2), (1, 4), (1, 8)])):
        encoder = ScalogramEncoder(8, kernel=kernel, width=0.125)
        assert encoder.stem[0].kernel_size == (3, 3) and encoder.stem[0].stride == (2, 2)
        assert [len(stage) for stage in encoder.stages] == [2, 2, 1, 1]
        assert [stage[0].conv1.out_channels for stage in encoder.stages] == [8, 16, 32, 64]
        for stage, size, dilation, stride in zip(encoder.stages, sizes, dilations, (1, 2, 2, 2)):
            assert stage[0].conv1.stride == (stride, stride)
            for block in stage:
                for conv in block.main_convolutions:
                    assert conv.kernel_size == size and conv.dilation == dilation
        block = encoder.stages[3][0].conv2  # stride 1, largest dilation: same size
        assert block(torch.randn(1, 64, 5, 11)).shape == (1, 64, 5, 11)


def test_asymmetric_receptive_field_is_wider_in_time():
    torch.manual_seed(0)
    symmetric = ScalogramEncoder(8, kernel="symmetric", width=0.125)
    asymmetric = ScalogramEncoder(8, kernel="asymmetric", width=0.125)
    assert symmetric.receptive_field == (119, 119)
    assert asymmetric.receptive_field[0] == 119
    assert asymmetric.receptive_field[1] > 10 * symmetric.receptive_field[1]
    sym_freq, sym_time = measured_receptive_field(symmetric)
    asym_freq, asym_time = measured_receptive_field(asymmetric)
    assert sym_time <= symmetric.receptive_field[1]
    assert asym_time > 3 * sym_time
    assert sym_freq == asym_freq


def test_encoder_rejects_bad_inputs():
    encoder = ScalogramEncoder(8, width=0.125)
    with pytest.raises(TypeError, match="torch.Tensor"):
        encoder(np.zeros((1, 1, 8, 8)))
    with pytest.raises(TypeError, match="floating-point"):
        encoder(torch.zeros(1, 1, 8, 8, dtype=torch.int32))
    with pytest.raises(ValueError, match="shape"):
        encoder(torch.zeros(1, 8, 8))
    with pytest.raises(ValueError, match="shape"):
        encoder(torch.zeros(1, 2, 8, 8))
    with pytest.raises(ValueError, match="kernel"):
        ScalogramEncoder(8, kernel="dilated")
    with pytest.raises(TypeError, match="float64.*float32"):
        encoder(torch.zeros(1, 1, 8, 8, dtype=torch.float64))
    assert encoder.double()(torch.zeros(2, 1, 8, 8, dtype=torch.float64)).dtype == \
        torch.float64


# -- flow matcher ------------------------------------------------------------------------
def gaussian_toy(n, seed, noise=0.5):
    """theta ~ N(0, I_2), x = theta + noise * N(0, I_2): posterior N(x / (1 + noise^2),
    noise^2 / (1 + noise^2))."""
    generator = torch.Generator().manual_seed(seed)
    theta = torch.randn(n, 2, generator=generator)
    return theta, theta + noise * torch.randn(n, 2, generator=generator)


def mlp_matcher(hidden_dim=64):
    torch.manual_seed(0)
    return ContinuousFlowMatcherTime(2, 32, encoder=nn.Sequential(nn.Linear(2, 32), nn.SiLU()),
                                     hidden_dim=hidden_dim, num_layers=2, time_embedding_dim=16)


def test_flow_matcher_learns_a_gaussian_posterior():
    theta, x = gaussian_toy(4096, seed=0)
    model = mlp_matcher()
    fixed = torch.Generator().manual_seed(1)
    state = fixed.get_state()
    with torch.no_grad():
        before = float(model.loss(theta[:1024], x[:1024], generator=fixed))
    history = train_flow_matcher(model, theta, x, epochs=6, batch_size=128, lr=3e-3,
                                 times_per_simulation=2, progress=False,
                                 generator=torch.Generator().manual_seed(0))
    fixed.set_state(state)
    with torch.no_grad():
        after = float(model.loss(theta[:1024], x[:1024], generator=fixed))
    assert len(history) == 6 and history[-1] < history[0]
    assert after < 0.6 * before
    x_obs = torch.tensor([[0.0, 0.0], [1.5, -1.0]])
    samples = model.sample(x_obs, num_samples=2000, steps=16,
                           generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(samples.mean(1), x_obs / 1.25, atol=0.12, rtol=0)
    torch.testing.assert_close(samples.std(1), torch.full((2, 2), math.sqrt(0.2)),
                               atol=0.1, rtol=0)


def test_sampling_shapes_seeding_and_mode():
    model = ContinuousFlowMatcherTime(3, 16, kernel="asymmetric", encoder_width=0.125,
                                      hidden_dim=32, scalogram=Scalogram(128, J=3, Q=2))
    model.fit_standardization(torch.rand(10, 3) * 5)
    x = torch.randn(2, 128)
    running_mean = model.encoder.stem[1].running_mean.clone()
    model.train()
    first = model.sample(x, 7, steps=3, generator=torch.Generator().manual_seed(5))
    again = model.sample(x, 7, steps=3, generator=torch.Generator().manual_seed(5))
    other = model.sample(x, 7, steps=3, method="rk4",
                         generator=torch.Generator().manual_seed(6))
    assert first.shape == other.shape == (2, 7, 3)
    assert torch.equal(first, again) and not torch.allclose(first, other)
    assert model.training
    assert torch.equal(model.encoder.stem[1].running_mean, running_mean)
    batched = sample_posteriors(model, x, 7, steps=3, batch_size=1,
                                generator=torch.Generator().manual_seed(5))
    assert batched.shape == (2, 7, 3)


def test_log_prob_of_the_identity_flow_is_the_standardised_normal():
    model = ContinuousFlowMatcherTime(3, 16, kernel="symmetric", encoder_width=0.125,
                                      hidden_dim=16)
    model.fit_standardization(torch.tensor([[0.0, 1, 2], [2, 5, 3], [4, 0, 1]]))
    last = model.vector_field_net[-1]
    nn.init.zeros_(last.weight), nn.init.zeros_(last.bias)
    theta = torch.randn(5, 3)
    expected = torch.distributions.Normal(model.theta_mean, model.theta_std).log_prob(theta)
    actual = model.log_prob(theta, torch.randn(1, 1, 8, 16), steps=2)
    torch.testing.assert_close(actual, expected.sum(1))


def test_log_prob_integrates_to_one_and_matches_samples():
    torch.manual_seed(3)
    model = ContinuousFlowMatcherTime(1, 8, encoder=nn.Linear(4, 8), hidden_dim=32,
                                      num_layers=2, time_embedding_dim=8)
    model.fit_standardization(torch.tensor([[1.0], [7.0]]))  # mean 4, std ~4.24
    with torch.no_grad():  # a clearly non-Gaussian flow
        model.vector_field_net[-1].weight.mul_(20)
    x = torch.randn(1, 4)
    grid = torch.linspace(-40, 50, 3001)[:, None]
    density = model.log_prob(grid, x, steps=24).exp()
    assert abs(float(torch.trapezoid(density, grid[:, 0])) - 1) < 0.01
    samples = model.sample(x, 20000, steps=24, method="rk4",
                           generator=torch.Generator().manual_seed(0))[0, :, 0]
    mean = float(torch.trapezoid(density * grid[:, 0], grid[:, 0]))
    assert abs(float(samples.mean()) - mean) < 0.1 * float(samples.std())


def test_flow_matcher_rejects_bad_inputs():
    with pytest.raises(ValueError, match="kernel"):
        ContinuousFlowMatcherTime(2, 8, kernel="asymmetric", encoder=nn.Linear(2, 8))
    with pytest.raises(ValueError, match="kernel must be one of"):
        ContinuousFlowMatcherTime(2, 8, kernel="wide")
    with pytest.raises(ValueError, match="param_dim"):
        ContinuousFlowMatcherTime(0, 8)
    model = ContinuousFlowMatcherTime(2, 8, encoder=nn.Linear(2, 5))
    with pytest.raises(ValueError, match="encoder must return"):
        model.loss(torch.zeros(3, 2), torch.zeros(3, 2))
    model = mlp_matcher()
    with pytest.raises(ValueError, match=r"\(batch, 2\)"):
        model.loss(torch.zeros(3, 3), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="floating-point"):
        model.loss(torch.zeros(3, 2, dtype=torch.int64), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="same batch size"):
        model.loss(torch.zeros(3, 2), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="method"):
        model.sample(torch.zeros(1, 2), 4, method="dopri5")
    with pytest.raises(ValueError, match="num_samples"):
        model.sample(torch.zeros(1, 2), 0)
    with pytest.raises(ValueError, match="distinct"):
        model.fit_standardization(torch.ones(5, 2))
    with pytest.raises(ValueError, match="two rows of finite"):
        model.fit_standardization(torch.ones(1, 2))
    with pytest.raises(ValueError, match="two rows of finite"):
        model.fit_standardization(torch.tensor([[0.0, 1.0], [float("nan"), 2.0]]))
    with pytest.raises(ValueError, match="times_per_simulation"):
        model.loss(torch.zeros(3, 2), torch.zeros(3, 2), times_per_simulation=0)
    with pytest.raises(TypeError, match="theta is torch.float64.*model is torch.float32"):
        model.loss(torch.zeros(3, 2, dtype=torch.float64), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="theta is torch.float64"):
        model.log_prob(torch.zeros(3, 2, dtype=torch.float64), torch.zeros(1, 2))


def test_flow_matcher_in_float64():
    model = ContinuousFlowMatcherTime(3, 16, kernel="symmetric", encoder_width=0.125,
                                      hidden_dim=16, scalogram=Scalogram(128, J=3, Q=2))
    model.double().fit_standardization(torch.rand(10, 3))
    theta, x = torch.rand(4, 3, dtype=torch.float64), torch.randn(4, 128, dtype=torch.float64)
    assert model.loss(theta, x).dtype == torch.float64
    assert model.sample(x, 3, steps=2).dtype == torch.float64
    assert model.log_prob(theta, x, steps=2).dtype == torch.float64


# -- chirps ------------------------------------------------------------------------------
def test_chirps_are_seeded_within_the_prior_and_chirp_upwards():
    theta, x = simulate_chirps(64, n_times=512, seed=0)
    theta_again, x_again = simulate_chirps(64, n_times=512, seed=0)
    assert theta.shape == (64, 3) and x.shape == (64, 512) and x.dtype == np.float32
    assert np.array_equal(x, x_again) and np.array_equal(theta, theta_again)
    assert not np.array_equal(x, simulate_chirps(64, n_times=512, seed=1)[1])
    assert np.all(theta >= CHIRP_PRIOR.low) and np.all(theta <= CHIRP_PRIOR.high)
    waves = chirp_waveforms(theta, n_times=512)
    np.testing.assert_allclose(np.linalg.norm(waves, axis=1), theta[:, 2], rtol=1e-5)
    after = np.arange(512)[None] / 512 >= theta[:, 1:2]
    assert np.all(waves[after] == 0)
    np.testing.assert_allclose(np.std(x - waves), 1, atol=0.02)
    wave = chirp_waveforms([[1.0, 0.9, 10.0]], n_times=4096)[0]
    crossings = np.flatnonzero(np.diff(np.sign(wave[wave != 0])))
    gaps = np.diff(crossings)
    assert gaps[:5].mean() > 3 * gaps[-5:].mean()  # frequency rises towards coalescence
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        chirp_waveforms(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"rows \[1\] of theta give no wave"):
        chirp_waveforms([[1.0, 0.7, 10.0], [1.0, -0.1, 10.0]])


# -- calibration -------------------------------------------------------------------------
def gaussian_posterior_samples(n_sims, n_samples, scale, seed=0):
    """True parameters and exact posterior samples (widths times ``scale``) of the
    conjugate model theta ~ N(0, 1), x ~ N(theta, 0.5^2)."""
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal((n_sims, 2))
    x = theta + 0.5 * rng.standard_normal((n_sims, 2))
    mean, std = x / 1.25, math.sqrt(0.25 / 1.25)
    samples = mean[:, None] + scale * std * rng.standard_normal((n_sims, n_samples, 2))
    return samples, theta


def test_calibration_accepts_exact_posterior_samples():
    samples, theta = gaussian_posterior_samples(2000, 200, scale=1.0)
    summary = calibration_summary(samples, theta, levels=(0.5, 0.8, 0.9))
    assert summary.coverage.shape == (3, 2) and summary.ranks.shape == (2000, 2)
    assert summary.max_coverage_error() < 0.04
    assert summary.is_calibrated()


def test_calibration_rejects_too_narrow_and_too_wide_posteriors():
    narrow = calibration_summary(*gaussian_posterior_samples(2000, 200, scale=0.5))
    assert np.all(narrow.coverage[1] < 0.7)  # nominal 0.9
    assert np.all(narrow.rank_pvalues < 1e-6) and not narrow.is_calibrated()
    wide = coverage(*gaussian_posterior_samples(2000, 200, scale=2.0), levels=(0.5,))
    assert np.all(wide > 0.75)


def test_sbc_ranks_and_coverage_on_a_hand_made_case():
    samples = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]])
    theta = np.array([1.5, 10.0])
    assert sbc_ranks(samples, theta).tolist() == [[2], [4]]
    assert coverage(torch.tensor(samples), torch.tensor(theta), levels=(0.5,)).tolist() == \
        [[0.5]]
    ranks = np.repeat(np.arange(10), 30)[:, None]
    assert rank_uniformity_pvalues(ranks, n_samples=9)[0] > 0.99
    assert rank_uniformity_pvalues(np.zeros((300, 1), int), n_samples=9)[0] < 1e-10
    with pytest.raises(ValueError, match="levels"):
        coverage(samples, theta, levels=(1.5,))
    with pytest.raises(ValueError, match="disagree"):
        coverage(samples, theta[:1])
