"""Learnable filters of the torch 2D transform: registration, run-time switch, checkpoints,
the derived lower resolutions and their cache, the Morlet parametrization, gradients
(gradcheck), and torch.compile."""
import copy
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from kymatio.scattering2d.filter_bank import filter_bank, morlet_2d
from kymatio.scattering2d.torch_filter_bank import morlet_fourier
from kymatio.torch import Scattering2D

SHAPE = (16, 16)


def make(learnable=False, parametrization="filters", **kwargs):
    kwargs = dict(dict(J=2, shape=SHAPE, L=4), **kwargs)
    return Scattering2D(learnable=learnable, parametrization=parametrization, **kwargs)


@pytest.fixture(scope="module")
def x():
    return torch.randn(3, *SHAPE, generator=torch.Generator().manual_seed(0))


def relative(a, b):
    return float((a - b).detach().abs().max() / b.detach().abs().max())


# ------------------------------------------------------------------ registration

@pytest.mark.parametrize("parametrization", ["filters", "morlet"])
def test_buffers_when_fixed_parameters_when_learnable(parametrization):
    fixed, learnable = make(False, parametrization), make(True, parametrization)
    assert list(fixed.parameters()) == [] and list(fixed.filter_parameters()) == []
    names = [name for name, _ in learnable.filter_parameters()]
    assert names == [name for name, _ in learnable.named_parameters()] and names
    assert all(p.requires_grad for p in learnable.parameters())
    assert [n for n, _ in fixed.named_buffers()] == names
    assert list(fixed.state_dict()) == list(learnable.state_dict()) == names


def test_morlet_parameters_have_readable_names_and_initial_values():
    S = make(True, "morlet")
    shapes = {name: tuple(p.shape) for name, p in S.filter_parameters()}
    assert shapes == {"psi_sigma": (2, 4), "psi_xi": (2, 4), "psi_theta": (2, 4),
                      "psi_slant": (2, 4), "phi_sigma": ()}
    torch.testing.assert_close(S.psi_sigma[:, 0], torch.tensor([0.8, 1.6]))
    torch.testing.assert_close(S.psi_slant, torch.full((2, 4), 1.0))


def test_invalid_parametrization():
    with pytest.raises(ValueError, match="parametrization"):
        make(parametrization="gabor")


def test_set_learnable_switches_without_rebuilding_and_keeps_values():
    S = make(True).double()
    pointer, values = S.psi_r0.data_ptr(), S.psi_r0.detach().clone()
    assert S.set_learnable(False) is S
    assert list(S.parameters()) == [] and not S.psi_r0.requires_grad
    assert S.psi_r0.dtype == torch.float64 and S.psi_r0.data_ptr() == pointer
    S.set_learnable(True)
    assert [n for n, _ in S.named_parameters()] == ["phi_r0", "psi_r0"]
    assert S.psi_r0.data_ptr() == pointer and torch.equal(S.psi_r0.detach(), values)
    assert "learnable=True" in repr(S)


@pytest.mark.parametrize("parametrization", ["filters", "morlet"])
def test_checkpoint_loads_across_modes(x, parametrization):
    trained = make(True, parametrization)
    with torch.no_grad():
        for _, p in trained.filter_parameters():
            p.mul_(1.1)
    fixed = make(False, parametrization)
    before = fixed(x)
    fixed.load_state_dict(trained.state_dict())        # in-place copy: cache is rebuilt
    after = fixed(x)
    assert relative(after, before) > 1e-3
    with torch.no_grad():
        torch.testing.assert_close(after, trained(x), rtol=1e-6, atol=1e-7)
    back = make(True, parametrization)
    back.load_state_dict(fixed.state_dict())
    torch.testing.assert_close(back(x), after, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ same transform

def test_derived_resolutions_equal_the_numpy_filter_bank_bitwise():
    S = make(J=3, shape=(24, 32), L=3)
    bank = filter_bank(S._M_padded, S._N_padded, 3, 3)
    derived = S.filter_tensors()
    for r, level in enumerate(bank["phi"]["levels"]):
        assert np.array_equal(derived[f"phi_r{r}"].numpy(), level)
    for wavelet in bank["psi"]:
        for r, level in enumerate(wavelet["levels"]):
            assert np.array_equal(derived[f"psi_j{wavelet['j']}_r{r}"][wavelet["theta"]].numpy(),
                                  level)
    assert len(derived) == 3 + sum(len(bank["psi"][j * 3]["levels"]) for j in range(3))


def test_learnable_with_unchanged_filters_gives_the_fixed_output(x):
    fixed, learnable = make(False), make(True)
    with torch.no_grad():
        assert torch.equal(learnable(x), fixed(x))
    out = learnable(x)                                  # filters derived with autograd
    assert out.requires_grad
    torch.testing.assert_close(out, fixed(x), rtol=1e-6, atol=1e-7)
    x_grad = x.clone().requires_grad_()
    torch.testing.assert_close(fixed(x_grad), out, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("J,L,shape", [(2, 4, (16, 16)), (3, 3, (24, 32))])
def test_morlet_filters_equal_the_numpy_bank_in_float64(J, L, shape):
    S = make(True, "morlet", J=J, L=L, shape=shape).double()
    ours = S._derive_filters(S.filter_state())
    bank = filter_bank(S._M_padded, S._N_padded, J, L)
    for r, level in enumerate(bank["phi"]["levels"]):
        assert relative(ours[f"phi_r{r}"], torch.from_numpy(level).double()) < 1e-6
    for wavelet in bank["psi"]:
        for r, level in enumerate(wavelet["levels"]):
            got = ours[f"psi_j{wavelet['j']}_r{r}"][wavelet["theta"]]
            assert relative(got, torch.from_numpy(level).double()) < 1e-6


@pytest.mark.parametrize("sigma,slant", [(0.6, 1.0), (2.5, 0.5), (7.0, 0.7)])
def test_morlet_rebuild_sums_the_neighbouring_periods_like_numpy(sigma, slant):
    M, N, theta, xi = 16, 24, 0.4, 1.1
    expected = np.real(np.fft.fft2(morlet_2d(M, N, sigma, theta, xi, slant)))
    params = [torch.tensor([v], dtype=torch.float64) for v in (sigma, theta, xi, slant)]
    ours = morlet_fourier(M, N, *params)[0]
    assert relative(ours, torch.from_numpy(expected)) < 1e-6


def test_morlet_rebuild_in_float32_matches_the_bank_on_a_large_grid():
    """Single precision keeps the bank's accuracy where the grid (and so the phases of
    the neighbouring periods) is large."""
    kwargs = dict(J=3, shape=(128, 128), L=4)
    morlet = Scattering2D(parametrization="morlet", **kwargs)
    bank = Scattering2D(**kwargs)
    ours, expected = (S._derive_filters(S.filter_state()) for S in (morlet, bank))
    for name, values in expected.items():
        assert ours[name].dtype == torch.float32
        assert relative(ours[name], values) < 1e-6, name


def test_morlet_output_matches_fixed_output(x):
    torch.testing.assert_close(make(True, "morlet")(x), make(False)(x), rtol=0, atol=1e-5)


# ------------------------------------------------------------------ gradients

@pytest.mark.parametrize("parametrization", ["filters", "morlet"])
def test_every_filter_gets_a_gradient(x, parametrization, device):
    S = make(True, parametrization).to(device)
    S(x.to(device)).square().sum().backward()
    for name, p in S.filter_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.device.type == device, name
        if name == "psi_r0":     # every wavelet, every orientation
            assert (p.grad.abs().flatten(2).amax(-1) > 0).all()
        else:
            assert (p.grad.abs() > 0).all(), name


def test_fixed_transform_has_no_filter_gradients(x):
    S = make(False)
    out = S(x.clone().requires_grad_())
    out.sum().backward()
    assert all(b.grad is None and not b.requires_grad for b in S.buffers())


def functional(S, x):
    names, params = zip(*[(n, p.detach().clone().requires_grad_())
                          for n, p in S.filter_parameters()])
    return (lambda *ps: torch.func.functional_call(S, dict(zip(names, ps)), (x,))), params


@pytest.mark.parametrize("parametrization", ["filters", "morlet"])
def test_gradcheck_filters_and_input(parametrization):
    S = make(True, parametrization, J=1, L=2, shape=(8, 8)).double()
    x = torch.randn(2, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    f, params = functional(S, x)
    assert torch.autograd.gradcheck(f, params, fast_mode=parametrization == "filters")
    assert torch.autograd.gradcheck(S, (x.clone().requires_grad_(),), fast_mode=True)


@pytest.mark.parametrize("parametrization", ["filters", "morlet"])
def test_gradcheck_two_scales(parametrization):
    S = make(True, parametrization, J=2, L=2, shape=(8, 8)).double()
    x = torch.randn(1, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    f, params = functional(S, x)
    assert torch.autograd.gradcheck(f, params, fast_mode=True)


def test_an_optimizer_step_on_the_filters_lowers_the_loss(x):
    S = make(True)
    target = make(False)(x).detach() * 1.05
    optimizer = torch.optim.SGD([p for _, p in S.filter_parameters()], lr=0.5)
    losses = []
    for _ in range(3):
        optimizer.zero_grad()
        loss = (S(x) - target).square().mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


# ------------------------------------------------------------------ fixed-mode cache

def test_cache_follows_in_place_edits_and_conversions(x):
    S = make(False)
    first = S.filter_tensors()
    assert S.filter_tensors() is first                  # cached
    with torch.no_grad():
        S.psi_r0.mul_(2)                                # in-place: version changes
    second = S.filter_tensors()
    assert second is not first
    torch.testing.assert_close(second["psi_j1_r0"], 2 * first["psi_j1_r0"])
    S.double()
    converted = S.filter_tensors()
    assert converted["phi_r1"].dtype == torch.float64
    assert torch.equal(converted["phi_r1"], second["phi_r1"].double())  # a cast
    assert S.filter_tensors() is converted
    clone = copy.deepcopy(S)
    torch.testing.assert_close(clone(x.double()), S(x.double()))


def test_frozen_learnable_filters_use_the_cache(x):
    S = make(True)
    for _, p in S.filter_parameters():
        p.requires_grad_(False)
    assert S.filter_tensors() is S.filter_tensors()
    assert not S(x).requires_grad


# ------------------------------------------------------------------ compilation

@pytest.mark.parametrize("learnable", [False, True])
def test_torch_compile_matches_eager(learnable):
    torch._dynamo.reset()
    S = make(learnable, J=1, L=2, shape=(8, 8))
    x = torch.randn(2, 8, 8, generator=torch.Generator().manual_seed(3))
    compiled = torch.compile(S, backend="aot_eager")
    out = compiled(x)
    torch.testing.assert_close(out, S(x), rtol=1e-6, atol=1e-6)
    if learnable:
        out.sum().backward()
        compiled_grad = S.psi_r0.grad.clone()
        S.zero_grad()
        S(x).sum().backward()
        torch.testing.assert_close(compiled_grad, S.psi_r0.grad, rtol=1e-5, atol=1e-6)


DDP_SCRIPT = """
import gc, sys, torch
from kymatio.torch import Scattering2D
store = torch.distributed.FileStore(sys.argv[1], 1)
torch.distributed.init_process_group("gloo", store=store, rank=0, world_size=1)
S = Scattering2D(J=2, shape=(16, 16), L=4, learnable=True)
x = torch.randn(2, 16, 16, generator=torch.Generator().manual_seed(0))
model = torch.nn.parallel.DistributedDataParallel(S)
out = model(x)
torch.testing.assert_close(out, Scattering2D(J=2, shape=(16, 16), L=4)(x), rtol=1e-6,
                           atol=1e-7)
out.sum().backward()
print(sorted(n for n, p in S.named_parameters() if p.grad is not None))
del model, out  # free DDP's reducer before the process group (gloo can hang otherwise)
gc.collect()
torch.distributed.destroy_process_group()
"""


def test_distributed_data_parallel_on_cpu(tmp_path):
    """Learnable filters are ordinary parameters for DDP (a fixed transform alone has no
    parameters, which DDP refuses, as for any parameter-free module). Run in a separate
    process with a timeout: a process group must not outlive a test."""
    if not torch.distributed.is_available():
        pytest.fail("torch.distributed is not available in this torch build")
    result = subprocess.run([sys.executable, "-c", DDP_SCRIPT, str(tmp_path / "store")],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "['phi_r0', 'psi_r0']"


def test_double_before_the_first_call_casts_the_single_precision_filters():
    S = make(J=3, shape=(24, 32), L=3).double()
    bank = filter_bank(S._M_padded, S._N_padded, 3, 3)
    derived = S.filter_tensors()
    for r, level in enumerate(bank["phi"]["levels"]):
        assert np.array_equal(derived[f"phi_r{r}"].numpy(), level.astype(np.float64))
