"""Smoke tests of benchmarks/compare_upstream.py: the worker and the report run in-process
on a tiny case, without the upstream interpreter."""
import importlib.util
import json
import os
import sys

import pytest

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "benchmarks")


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(BENCHMARKS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


worker = load("_bench_worker")
compare = load("compare_upstream")

TINY = compare.Case("tiny", "torch", "Scattering2D", {"J": 1, "shape": (8, 8), "L": 2},
                    (2, 8, 8))
SETTINGS = compare.Settings(repeat=1, warmup=0, construct_repeat=1, threads=1, timeout=60)


def spec(mode, **extra):
    return dict(compare.base_spec(TINY, SETTINGS, mode), **extra)


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """A measured record of the tiny case, ours only, built like run_case does."""
    out = str(tmp_path_factory.mktemp("bench") / "ours.npy")
    ours = {"time": worker.run_spec(spec("time", output_path=out)),
            "mem_fwd": worker.run_spec(spec("mem_fwd")),
            "mem_fwdbwd": worker.run_spec(spec("mem_fwdbwd"))}
    groups = compare.fft_groups_2d(**TINY.kwargs)
    floor = worker.run_spec(spec("floor", fft_groups=groups,
                                 eager_groups=compare.eager_groups(groups)))
    record = {"case": compare.asdict(TINY), "skipped": None, "ours": ours, "floor": floor,
              "output": out}
    record["rows"] = compare.summarize(record)
    return record


def test_probe_finds_our_2d_transform():
    probe = worker.run_spec({"mode": "probe"})
    assert "Scattering2D" in probe["available"]["torch"]
    assert compare.inside_repo(probe["kymatio_file"])


def test_worker_measures_times_memory_and_floor(record):
    ours = record["ours"]
    assert ours["time"]["construct_s"] > 0 and ours["time"]["forward_s"] > 0
    assert ours["time"]["forward_backward_s"] > 0
    assert ours["mem_fwd"]["peak_increase_mib"] >= 0
    floor = record["floor"]
    assert 0 < floor["floor_forward_s"] < floor["eager_floor_forward_s"]
    assert 0 < floor["floor_forward_backward_s"] < floor["eager_floor_forward_backward_s"]
    assert os.path.exists(record["output"])


def test_report_and_json(record, tmp_path):
    assert {row["metric"] for row in record["rows"]} >= {"construct", "forward",
                                                          "floor_forward"}
    assert all(row["upstream"] is None and row["ratio"] is None
               for row in record["rows"] if "floor" not in row["metric"])
    table = compare.format_table([record]) + compare.format_summary([record])
    assert "tiny" in table and "forward" in table
    path = tmp_path / "out" / "result.json"
    compare.write_json(str(path), {"records": [record]})
    assert json.loads(path.read_text())["records"][0]["case"]["name"] == "tiny"


def test_agreement_of_identical_outputs(record):
    agreement = compare.compare_outputs(record["output"], record["output"])
    assert agreement["max_rel_error"] == 0.0


def test_the_cpu_clock_ignores_time_spent_waiting(monkeypatch):
    import time
    assert compare.parse_args(["--no-upstream"]).clock == "cpu"
    assert spec("time")["clock"] == "cpu"
    worker.set_clock("cpu", "torch")
    assert worker.median_time(lambda: time.sleep(0.05), repeat=1) < 0.025
    worker.set_clock("cpu", "jax")  # JAX and TensorFlow compute on threads of their own
    assert worker._clock is time.process_time
    worker.set_clock("wall", "torch")
    assert worker.median_time(lambda: time.sleep(0.05), repeat=1) >= 0.05
    with pytest.raises(ValueError, match="clock must be one of"):
        worker.set_clock("gpu", "torch")


def test_missing_class_skips_case():
    impl = compare.Implementation("ours", "python", False,
                                  probe={"available": {"torch": ["Scattering2D"]}})
    case = compare.Case("x", "torch", "Scattering1D", {}, (1, 8))
    assert "not available in ours" in compare.skip_reason(case, [impl])


def test_the_upstream_interpreter_comes_from_the_flag_or_the_environment(monkeypatch):
    monkeypatch.delenv("KYMATIO_UPSTREAM_PYTHON", raising=False)
    with pytest.raises(SystemExit, match="--upstream-python PATH or set "
                                         "KYMATIO_UPSTREAM_PYTHON=PATH.*--no-upstream"):
        compare.resolve_upstream_python(None)
    with pytest.raises(SystemExit, match="not an executable"):
        compare.resolve_upstream_python("/nonexistent/python")
    monkeypatch.setenv("KYMATIO_UPSTREAM_PYTHON", sys.executable)
    assert compare.resolve_upstream_python(None) == (sys.executable,
                                                     "$KYMATIO_UPSTREAM_PYTHON")
    with pytest.raises(SystemExit, match="--upstream-python=/nonexistent/python"):
        compare.resolve_upstream_python("/nonexistent/python")  # the flag comes first


def test_fft_plan_2d_counts_every_path():
    groups = compare.fft_groups_2d(J=2, shape=(32, 32), L=8)
    pairs = sum(g["count"] for g in groups if g["kinds"] == ["ifft", "rfft"])
    assert pairs == 2 * 8 + 8 * 8  # first-order paths + second-order paths
    assert groups[0]["shape"] == [40, 40]


def test_eager_floor_adds_a_product_and_a_modulus_per_path():
    groups = compare.fft_groups_2d(J=2, shape=(32, 32), L=8)
    eager = compare.eager_groups(groups)
    assert eager[0]["kinds"] == ["rfft"]                    # the input: no modulus
    assert {tuple(g["kinds"]) for g in eager[1:-1]} == {("mul", "ifft", "abs", "rfft")}
    assert eager[-1]["kinds"] == ["mul", "irfft"]           # the low-pass
    assert [g["count"] for g in eager] == [g["count"] for g in groups]
    # every chain runs, from the input kind its first FFT needs
    for group in eager:
        for frontend in ("numpy", "torch"):
            assert worker._time_group(dict(group, count=1, shape=[8, 8]), 1, frontend,
                                      repeat=1, budget=None, backward=False) > 0


def test_dwt_peers_quick_run_agrees_with_every_peer(tmp_path, capsys):
    """The DWT benchmark runs, times every implementation and finds the peers' coefficients
    and reconstructions equal to ours."""
    peers = load("dwt_peers")
    out = tmp_path / "dwt.json"
    assert peers.main(["--quick", "--json", str(out)]) == 0
    results = json.loads(out.read_text())["results"]
    assert {r["wavelet"] for r in results} == {"db4", "haar"}
    for result in results:
        assert result["missing"] == [], "ptwt and pytorch_wavelets are dev requirements"
        for column in ("forward", "forward+backward", "inverse"):
            assert result["median_ms"][f"ours/{column}"] > 0
        for peer, errors in result["agreement"].items():
            assert errors["coefficients"] < 1e-5 and errors["reconstruction"] < 1e-5, peer
    assert "ours" in capsys.readouterr().out


@pytest.mark.parametrize("frontend", ["jax", "tensorflow"])
@pytest.mark.parametrize("compiled", [False, True])
def test_worker_times_jax_and_tensorflow(frontend, compiled, tmp_path):
    pytest.importorskip(frontend)
    case = compare.Case("tiny", frontend, "Scattering2D", {"J": 1, "shape": (8, 8), "L": 2},
                        (2, 8, 8), compiled)
    out = str(tmp_path / "out.npy")
    # measure_time directly: run_spec would pin the threads of an initialised TensorFlow
    result = worker.measure_time(dict(compare.base_spec(case, SETTINGS, "time"),
                                      output_path=out))
    assert result["forward_s"] > 0 and result["forward_backward_s"] > 0
    assert os.path.exists(out)
    assert set(compare.targets_for(case)) == {"forward", "forward_backward"}
