"""The torch 2D DWT of kymatio.wavelets against PyWavelets."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

pywt = pytest.importorskip("pywt")

from kymatio.wavelets import (DWT2D, IDWT2D, MODES, dwt2, dwt_max_level, idwt2,  # noqa: E402
                              wavedec2, waverec2)
from kymatio.wavelets._plan import extension_index  # noqa: E402

# Many cases here go deeper than PyWavelets' useful level on purpose; the warning it gives
# there has its own test (test_a_level_too_deep_warns_as_pywavelets_does).
pytestmark = pytest.mark.filterwarnings("ignore:Level value of .* is too high:UserWarning")

WAVELETS = ["haar", "db4", "sym5", "coif1", "rbio3.3"]
SHAPES = [(2, 3, 16, 16), (1, 2, 23, 18), (1, 1, 5, 7)]


def _flat(coeffs):
    out = [coeffs[0]]
    for d in coeffs[1:]:
        out.extend(d)
    return out


def _max_err(ours, ref):
    ours, ref = _flat(ours), _flat(ref)
    assert [tuple(o.shape) for o in ours] == [r.shape for r in ref]
    return max(float(np.abs(o.detach().numpy() - r).max()) for o, r in zip(ours, ref))


def _check_float64_round_trip(x, wavelet, mode, level):
    """Coefficients and reconstruction of float64 ``x`` equal PyWavelets' to 1e-12
    (relative to the largest coefficient when it is above 1);
    returns PyWavelets' coefficients and reconstruction for further checks."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # levels too deep warn in both
        ref = pywt.wavedec2(x, wavelet, mode=mode, level=level)
        ours = wavedec2(torch.from_numpy(x), wavelet, mode=mode, level=level)
    # 'smooth' extrapolates linearly: coefficients grow with the level
    scale = max(1.0, max(float(np.abs(c).max()) for c in _flat(ref)))
    assert _max_err(ours, ref) < 1e-12 * scale
    rec = waverec2(ours, wavelet, mode=mode).numpy()
    rec_ref = pywt.waverec2(ref, wavelet, mode=mode)
    assert rec.shape == rec_ref.shape
    np.testing.assert_allclose(rec, rec_ref, rtol=0, atol=1e-12 * scale)
    return ref, rec_ref


@pytest.mark.parametrize("wavelet", WAVELETS)
@pytest.mark.parametrize("mode", MODES)
def test_wavedec2_waverec2_match_pywt_float64(wavelet, mode):
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        _check_float64_round_trip(rng.standard_normal(shape), wavelet, mode, 2)


@pytest.mark.parametrize("wavelet", ["haar", "db4", "bior2.4"])
@pytest.mark.parametrize("mode", ["zero", "symmetric", "periodization"])
def test_float32_and_long_signals(wavelet, mode):
    # 150 x 137 uses several windows per row at the first level (the blocked path)
    x = np.random.default_rng(1).standard_normal((1, 2, 150, 137))
    ref = pywt.wavedec2(x, wavelet, mode=mode, level=3)
    ours = wavedec2(torch.from_numpy(x).float(), wavelet, mode=mode, level=3)
    assert _max_err(ours, ref) < 1e-5 * np.abs(x).max()
    ours64 = wavedec2(torch.from_numpy(x), wavelet, mode=mode, level=3)
    assert _max_err(ours64, ref) < 1e-12
    rec = waverec2(ours, wavelet, mode=mode)[..., :150, :137]
    np.testing.assert_allclose(rec.numpy(), x, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_perfect_reconstruction(mode):
    x = torch.randn(2, 3, 33, 20, dtype=torch.float64)
    for wavelet in ("db3", "sym4", "bior3.5"):
        rec = waverec2(wavedec2(x, wavelet, mode=mode, level=2), wavelet, mode=mode)
        torch.testing.assert_close(rec[..., :33, :20], x, rtol=0, atol=1e-10)


def test_single_level_and_orientation_names():
    x = np.random.default_rng(2).standard_normal((1, 1, 12, 10))
    ca, (ch, cv, cd) = dwt2(torch.from_numpy(x), "db2", mode="reflect")
    rca, (rch, rcv, rcd) = pywt.dwt2(x, "db2", mode="reflect")
    for o, r in zip((ca, ch, cv, cd), (rca, rch, rcv, rcd)):
        np.testing.assert_allclose(o.numpy(), r, atol=1e-12)
    rec = idwt2((ca, (ch, cv, cd)), "db2", mode="reflect").numpy()
    np.testing.assert_allclose(rec, pywt.idwt2((rca, (rch, rcv, rcd)), "db2", mode="reflect"),
                               atol=1e-12)
    # cH is high-pass along H: a horizontal edge shows in cH only
    edge = torch.zeros(1, 1, 16, 16, dtype=torch.float64)
    edge[..., 7:, :] = 1.0
    _, (h, v, d) = dwt2(edge, "haar")
    assert h.abs().max() > 0.5 and v.abs().max() < 1e-12 and d.abs().max() < 1e-12


def test_default_level_and_missing_details():
    x = torch.randn(1, 1, 64, 40, dtype=torch.float64)
    coeffs = wavedec2(x, "db4", mode="zero")
    assert len(coeffs) - 1 == pywt.dwtn_max_level((64, 40), "db4") == dwt_max_level((64, 40),
                                                                                   "db4")
    ref = pywt.wavedec2(x.numpy(), "db4", mode="zero")
    ref[1] = (None, ref[1][1], ref[1][2])
    coeffs[1] = (None, coeffs[1][1], coeffs[1][2])
    np.testing.assert_allclose(waverec2(coeffs, "db4").numpy(),
                               pywt.waverec2(ref, "db4", mode="zero"),
                               atol=1e-12)


def test_waverec2_of_pywt_coefficients():
    x = np.random.default_rng(3).standard_normal((2, 21, 19))
    ref = pywt.wavedec2(x, "sym3", mode="symmetric", level=1)
    coeffs = [torch.from_numpy(ref[0])] + [tuple(torch.from_numpy(c) for c in d) for d in ref[1:]]
    np.testing.assert_allclose(waverec2(coeffs, "sym3", mode="symmetric").numpy(),
                               pywt.waverec2(ref, "sym3", mode="symmetric"), atol=1e-12)


@pytest.mark.parametrize("mode", ["zero", "symmetric", "periodization", "smooth",
                                  "antisymmetric", "antireflect"])
def test_gradcheck(mode):
    x = torch.randn(1, 2, 9, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: tuple(_flat(wavedec2(t, "db2", mode, 2))), (x,))
    coeffs = wavedec2(x.detach(), "db2", mode, 1)
    flat = [c.clone().requires_grad_() for c in _flat(coeffs)]

    def rec(a, h, v, d):
        return waverec2([a, (h, v, d)], "db2", mode)

    assert torch.autograd.gradcheck(rec, tuple(flat))


def test_extension_matches_pywt_pad():
    x = np.arange(5.0)
    for mode in ("zero", "symmetric", "reflect", "periodic", "constant"):
        index = extension_index(np.arange(-7, 12), 5, mode)
        ext = np.where(index >= 0, x[np.maximum(index, 0)], 0.0)
        np.testing.assert_array_equal(ext, pywt.pad(x, (7, 7), mode))


def test_modules_and_errors():
    dwt, idwt = DWT2D("db4", level=2, mode="symmetric"), IDWT2D("db4", mode="symmetric")
    assert "db4" in repr(dwt) and "level=2" in repr(dwt) and "symmetric" in repr(idwt)
    x = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(idwt(dwt(x)), x, atol=1e-5, rtol=0)
    with pytest.raises(TypeError):
        wavedec2(np.zeros((8, 8)), "db1")
    with pytest.raises(TypeError):
        wavedec2(torch.zeros(8, 8, dtype=torch.long), "db1")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        wavedec2(torch.zeros(8), "db1")
    with pytest.raises(ValueError, match="mode"):
        wavedec2(torch.zeros(8, 8), "db1", mode="smoothest")
    with pytest.raises(ValueError, match="wavelet"):
        wavedec2(torch.zeros(8, 8), "not-a-wavelet")
    with pytest.raises(ValueError):
        wavedec2(torch.zeros(8, 8), "db1", level=-1)


def test_import_kymatio_does_not_import_pywt():
    code = ("import sys, kymatio, kymatio.wavelets, kymatio.attention; "
            "print('pywt' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# Two-tap wavelets take the polyphase path on even sizes; the custom filter banks
# (not perfect-reconstruction, pywt applies them all the same) exercise every branch
# of the kernel choice: general weights, weights of 0 and 1, unequal scales.
TWO_TAP = {"haar": "haar", "bior1.1": "bior1.1",
           "general": ((0.3, 0.9), (-0.8, 0.4), (0.6, -0.2), (0.1, 0.7)),
           "unit": ((1.0, 0.5), (0.0, 2.0), (0.25, 1.0), (-1.5, 0.0)),
           "zeros": ((0.0, 1.5), (2.0, 0.0), (0.0, 1.0), (1.0, 0.0))}
POLY_SHAPES = [(2, 3, 16, 24), (1, 2, 23, 18), (2, 12, 9), (1, 1, 5, 7), (3, 40, 36)]


def _two_tap(name):
    bank = TWO_TAP[name]
    return pywt.Wavelet(name) if isinstance(bank, str) else pywt.Wavelet(name, filter_bank=bank)


def _grad_fn_names(t):
    seen, todo = set(), [t.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is not None and fn not in seen:
            seen.add(fn)
            todo.extend(f for f, _ in fn.next_functions)
    return {type(fn).__name__ for fn in seen}


@pytest.mark.parametrize("name", sorted(TWO_TAP))
@pytest.mark.parametrize("mode", MODES)
def test_two_tap_polyphase_matches_pywt(name, mode):
    wavelet = _two_tap(name)
    rng = np.random.default_rng(4)
    for shape in POLY_SHAPES:
        x = rng.standard_normal(shape)
        ref, rec_ref = _check_float64_round_trip(x, wavelet, mode, 3)
        ours32 = wavedec2(torch.from_numpy(x).float(), wavelet, mode=mode, level=3)
        assert _max_err(ours32, ref) < 1e-5 * max(1.0, max(np.abs(c).max() for c in _flat(ref)))
        rec32 = waverec2(ours32, wavelet, mode=mode).numpy()
        np.testing.assert_allclose(rec32, rec_ref, rtol=0, atol=1e-5 * np.abs(rec_ref).max())


def test_two_tap_dispatch():
    x = torch.randn(2, 16, 12, requires_grad=True)
    names = _grad_fn_names(wavedec2(x, "haar", level=2)[0])
    assert "_PolyAnalysisBackward" in names and "MmBackward0" not in names
    names = _grad_fn_names(wavedec2(x, "db2", level=1)[0])
    assert "_PolyAnalysisBackward" not in names
    odd = _grad_fn_names(wavedec2(torch.randn(2, 15, 12, requires_grad=True), "haar", level=1)[0])
    assert "_PolyAnalysisBackward" not in odd
    rec = waverec2(wavedec2(x, "haar", level=2), "haar")
    assert "_PolySynthesisBackward" in _grad_fn_names(rec)


@pytest.mark.parametrize("mode", MODES)
def test_two_tap_perfect_reconstruction(mode):
    for shape in [(2, 3, 32, 48), (2, 3, 33, 20), (1, 6, 7)]:
        x = torch.randn(*shape, dtype=torch.float64)
        for wavelet in ("haar", "bior1.1"):
            rec = waverec2(wavedec2(x, wavelet, mode=mode, level=3), wavelet, mode=mode)
            torch.testing.assert_close(rec[..., :shape[-2], :shape[-1]], x, rtol=0, atol=1e-12)
        rec = waverec2(wavedec2(x.float(), "haar", mode=mode, level=3), "haar", mode=mode)
        torch.testing.assert_close(rec[..., :shape[-2], :shape[-1]], x.float(), rtol=0,
                                   atol=1e-5)


@pytest.mark.parametrize("name", ["haar", "general", "unit", "zeros"])
@pytest.mark.parametrize("shape", [(1, 2, 8, 12), (2, 7, 6)])
def test_two_tap_gradcheck(name, shape):
    wavelet = _two_tap(name)
    x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)

    def fwd(t):
        return tuple(_flat(wavedec2(t, wavelet, "symmetric", 2)))

    assert torch.autograd.gradcheck(fwd, (x,))
    assert torch.autograd.gradgradcheck(fwd, (x,))
    flat = [c.detach().clone().requires_grad_() for c in _flat(wavedec2(x, wavelet, "zero", 1))]

    def rec(a, h, v, d):
        return waverec2([a, (h, v, d)], wavelet, "zero")

    assert torch.autograd.gradcheck(rec, tuple(flat))
    assert torch.autograd.gradgradcheck(rec, tuple(flat))


# Longer filters invert with two polyphase GEMM passes: dense blocks on short axes,
# blocks of pairs (with the next block's head) on long ones.
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("wavelet", ["db2", "db4", "db20", "bior2.4"])
def test_polyphase_synthesis_blocked_matches_pywt(wavelet, mode):
    rng = np.random.default_rng(5)
    for shape in [(1, 2, 150, 41), (2, 40, 230)]:
        x = rng.standard_normal(shape)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ref = pywt.wavedec2(x, wavelet, mode=mode, level=2)
            rec_ref = pywt.waverec2(ref, wavelet, mode=mode)
        coeffs = [torch.from_numpy(ref[0])] + [tuple(torch.from_numpy(c) for c in d)
                                               for d in ref[1:]]
        rec = waverec2(coeffs, wavelet, mode=mode)
        assert rec.shape == rec_ref.shape
        scale = max(1.0, float(np.abs(rec_ref).max()))  # 'smooth' grows the coefficients
        np.testing.assert_allclose(rec.numpy(), rec_ref, rtol=0, atol=1e-12 * scale)
        rec32 = waverec2([c.float() if torch.is_tensor(c) else tuple(t.float() for t in c)
                          for c in coeffs], wavelet, mode=mode)
        np.testing.assert_allclose(rec32.numpy(), rec_ref, rtol=0,
                                   atol=1e-5 * np.abs(rec_ref).max())
        one = idwt2((coeffs[0], coeffs[1]), wavelet, mode)
        np.testing.assert_allclose(one.numpy(), pywt.idwt2((ref[0], ref[1]), wavelet, mode),
                                   rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("shape", [(55, 6), (6, 55)])
def test_polyphase_synthesis_blocked_gradcheck(shape):
    flat = [torch.randn(1, *shape, dtype=torch.float64, requires_grad=True) for _ in range(4)]

    def rec(a, h, v, d):
        return waverec2([a, (h, v, d)], "db2", "periodization")

    assert torch.autograd.gradcheck(rec, tuple(flat))
    assert rec(*flat).is_contiguous()


# -- PyWavelets' defaults, warnings and errors ---------------------------------------------
def test_every_pywt_mode_is_covered():
    assert sorted(MODES) == sorted(pywt.Modes.modes)


@pytest.mark.parametrize("mode", ["smooth", "antisymmetric", "antireflect"])
def test_linear_extension_modes_match_pywt_on_short_and_long_signals(mode):
    # Extensions longer than the signal (db10 on 3 samples) repeat the reflections.
    rng = np.random.default_rng(6)
    for wavelet, shape in (("db10", (1, 3, 5)), ("sym4", (2, 1, 12)), ("haar", (1, 9, 2)),
                           ("bior3.9", (1, 17, 30)), ("db2", (1, 2, 1))):
        if mode == "antireflect" and 1 in shape[-2:]:
            with pytest.raises(ValueError, match="length >= 2"):
                wavedec2(torch.zeros(shape), wavelet, mode=mode, level=1)
            continue
        _check_float64_round_trip(rng.standard_normal(shape), wavelet, mode, 1)


def test_defaults_are_pywavelets_defaults():
    # The default mode was 'zero': 1.47 away from PyWavelets on an 8x8 image with db2.
    x = np.random.default_rng(7).standard_normal((8, 8))
    ours, ref = wavedec2(torch.from_numpy(x), "db2", level=1), pywt.wavedec2(x, "db2", level=1)
    assert _max_err(ours, ref) < 1e-12
    ca, details = dwt2(torch.from_numpy(x), "db2")
    assert _max_err([ca, details], list(pywt.dwt2(x, "db2"))) < 1e-12
    rec = idwt2((ca, details), "db2").numpy()
    np.testing.assert_allclose(rec, pywt.idwt2(pywt.dwt2(x, "db2"), "db2"), atol=1e-12)
    assert DWT2D().mode == IDWT2D().mode == "symmetric"


def test_a_level_too_deep_warns_as_pywavelets_does():
    x = np.random.default_rng(8).standard_normal((8, 8))
    with pytest.warns(UserWarning, match="Level value of 3 is too high") as ours:
        coeffs = wavedec2(torch.from_numpy(x), "db2", level=3)
    with pytest.warns(UserWarning) as theirs:
        ref = pywt.wavedec2(x, "db2", level=3)
    assert str(ours[0].message) == str(theirs[0].message)
    assert ours[0].filename == __file__  # points at the caller
    assert _max_err(coeffs, ref) < 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wavedec2(torch.from_numpy(x), "db2", level=dwt_max_level((8, 8), "db2"))
        wavedec2(torch.from_numpy(x), "db2")


@pytest.mark.parametrize("level, error, match", [
    (1.5, TypeError, "level must be an integer or None, got 1.5"),
    ("2", TypeError, "level must be an integer or None, got '2'"),
    (True, TypeError, "level must be an integer"),
    (-1, ValueError, "level must be >= 0")])
def test_bad_levels_name_the_problem(level, error, match):
    with pytest.raises(error, match=match):
        wavedec2(torch.zeros(1, 8, 8), "db2", level=level)
    with pytest.raises(error, match=match):
        DWT2D("db2", level=level)


def test_levels_as_numpy_integers_and_empty_batches():
    x = torch.randn(2, 16, 16, dtype=torch.float64)
    torch.testing.assert_close(wavedec2(x, "db2", level=np.int64(2))[0],
                               wavedec2(x, "db2", level=2)[0])
    empty = wavedec2(torch.zeros(0, 3, 16, 16), "db2", level=2)
    assert empty[0].shape == (0, 3, 6, 6) and empty[1][0].shape == (0, 3, 6, 6)  # pywt's
    assert waverec2(empty, "db2").shape == (0, 3, 16, 16)


@pytest.mark.parametrize("shape", [(1, 0, 8), (1, 8, 0), (0, 0)])
def test_zero_size_images_name_the_problem(shape):
    with pytest.raises(ValueError, match="at least one sample along H and W"):
        wavedec2(torch.zeros(shape), "db2", level=1)
    with pytest.raises(ValueError, match="at least one sample along H and W"):
        dwt2(torch.zeros(shape), "db2")
