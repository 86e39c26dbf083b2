"""benchmarks/gpu_check.sh --dry-run: every step runs on the CPU at tiny sizes, the upstream
step from a wheel file (here a stand-in with upstream's name, version and classes), and
one JSON joins them."""
import json
import os
import subprocess
import zipfile

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAND_IN = '''import torch


class _Transform(torch.nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return 2 * x


Scattering1D = Scattering2D = HarmonicScattering3D = _Transform
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gpu_check")
    wheel = tmp / "kymatio-0.3.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("kymatio/__init__.py", '__version__ = "0.3.0"\n')
        archive.writestr("kymatio/torch.py", STAND_IN)
    out = tmp / "gpu_check.json"
    done = subprocess.run(["bash", os.path.join(REPO, "benchmarks", "gpu_check.sh"),
                           "--dry-run", "--wheel", str(wheel), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "out of time" not in done.stdout and "exit status" not in done.stdout, done.stdout
    with open(out) as f:
        return json.load(f), tmp


def test_ours_and_upstream_from_the_wheel_are_timed_and_compared(result):
    data, tmp = result
    assert data["ours"]["kymatio_file"].startswith(REPO)
    assert data["upstream"]["kymatio_version"] == "0.3.0"
    assert not data["upstream"]["kymatio_file"].startswith(REPO)
    assert "error" not in data["upstream"]
    cases = set(data["ours"]["cases"])
    assert cases == set(data["upstream"]["cases"]) == set(data["speedup_upstream_over_ours"])
    for name in cases:
        assert data["ours"]["cases"][name]["forward_backward_ms"] > 0
        assert set(data["speedup_upstream_over_ours"][name]) == {"forward_ms",
                                                                 "forward_backward_ms"}


def test_tests_learnable_dwt_and_harness_steps_report(result):
    data, _ = result
    assert data["tests"]["returncode"] == 0 and "collected" in data["tests"]["summary"]
    modes = data["learnable"]["modes"]
    assert {"overhead"} <= set(modes["filters"]) and {"overhead"} <= set(modes["morlet"])
    assert all(row["ours"]["forward_ms"] > 0 for row in data["dwt"]["cases"].values())
    assert data["torchrun"]["one_process"]["returncode"] == 0
    assert "needs at least 2" in data["torchrun"]["two_processes"]["skipped"]


def test_help_says_how_to_give_upstream():
    done = subprocess.run(["bash", os.path.join(REPO, "benchmarks", "gpu_check.sh"), "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "--wheel PATH" in done.stdout
    assert "pip download kymatio==0.3.0" in done.stdout
