"""Runs that survive kill -9: a training process is really killed (SIGKILL) in phase A, in
phase B and while writing its state; ``train --resume`` then ends with the results of the
uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from kymatio.experiments import ExperimentConfig, run_experiment
from kymatio.experiments.cli import main

# Three epochs per phase, cosine schedule with warm-up and augmentation: the optimizer,
# the scheduler and the shuffling/augmentation generator must all be restored.
CONFIG = dict(model="scattering-linear", model_kwargs={"J": 1, "L": 2, "learnable": True},
              dataset="digits", image_size=16, train_size=96, val_fraction=0.05,
              epochs_head=3, epochs_joint=3, lr_head=1e-2, lr_frontend=1e-2, batch_size=16,
              schedule="cosine", warmup_epochs=1, augment=True, seed=3, progress=False,
              device="cpu", num_threads=1)

# Runs the CLI in a child process that stops (and waits to be killed) at a chosen point:
# after a few steps of the epoch following a checkpoint ("epoch"), or half-way through
# writing state.pt ("write").
CHILD = r"""
import sys, time
from kymatio.experiments import cli, phases

mode, phase, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
done = {"epochs": 0}


def hang():
    print("READY", flush=True)
    time.sleep(600)


if mode == "epoch":
    step = phases.train_epoch

    def train_epoch(model, optimizer, x, y, order, batch_size, **kwargs):
        if harness_phase[0] == phase and done["epochs"] == epoch:
            step(model, optimizer, x, y, order[:2 * batch_size], batch_size, **kwargs)
            hang()  # two steps taken in memory, none saved
        done["epochs"] += 1
        return step(model, optimizer, x, y, order, batch_size, **kwargs)

    phases.train_epoch = train_epoch
    harness_phase = [None]
    run_phase = phases.PhaseRunner.run_phase

    def tracking(self, index, name, *args):
        harness_phase[0] = name
        done["epochs"] = 0
        return run_phase(self, index, name, *args)

    phases.PhaseRunner.run_phase = tracking
else:
    save = phases.save_checkpoint

    def save_checkpoint(path, checkpoint):
        current = checkpoint.get("current")
        if (current and current["record"]["name"] == phase
                and len(current["record"]["history"]) == epoch):
            partial = path.with_name(path.name + ".tmp")
            partial.write_bytes(b"PK\x03\x04 half a zip")
            hang()
        save(path, checkpoint)

    phases.save_checkpoint = save_checkpoint
sys.exit(cli.main(sys.argv[4:]))
"""


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "run"
    return run_experiment(ExperimentConfig(**CONFIG, out_dir=str(out))), out


def comparable(results):
    """The results without wall times and the folder name."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()
                    if k not in ("time_s", "out_dir", "elapsed")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(results)


def kill_and_resume(tmp_path, mode, phase, epoch):
    out = tmp_path / "run"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({**CONFIG, "out_dir": str(out)}))
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode, phase, str(epoch), "train",
                              "--config", str(config), "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        line = child.stdout.readline()
        assert line.strip() == "READY", (line, child.stderr.read() if child.poll() else "")
        assert time.monotonic() < deadline
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert (out / "state.pt").is_file() and not (out / "results.json").exists()
    assert main(["train", "--resume", str(out), "-q", "--threads", "1"]) == 0
    return json.loads((out / "results.json").read_text()), out


@pytest.mark.parametrize("mode, phase, epoch", [
    ("epoch", "head", 1),    # killed in phase A, during epoch 2
    ("epoch", "joint", 2),   # killed in phase B, during epoch 3
    ("write", "joint", 1),   # killed while writing the state of phase B epoch 1
])
def test_killed_run_resumes_to_the_uninterrupted_results(tmp_path, uninterrupted, mode,
                                                         phase, epoch):
    reference, reference_dir = uninterrupted
    results, out = kill_and_resume(tmp_path, mode, phase, epoch)
    assert [len(p["history"]) for p in results["phases"]] == [3, 3]
    assert comparable(results) == comparable(json.loads(json.dumps(reference)))
    for name in ("checkpoint_head.pt", "checkpoint_joint.pt"):
        ours = torch.load(out / name, weights_only=True)["model_state"]
        theirs = torch.load(reference_dir / name, weights_only=True)["model_state"]
        assert all(torch.equal(ours[key], theirs[key]) for key in theirs)
    assert not list(out.glob("*.tmp"))
    rows = (out / "history.csv").read_text().splitlines()
    assert rows[0].startswith("phase,epoch,train_loss") and len(rows) == 7


def test_resume_refuses_another_configuration(tmp_path, uninterrupted):
    _, reference_dir = uninterrupted
    out = tmp_path / "copy"
    out.mkdir()
    for name in ("config.json", "state.pt"):
        (out / name).write_bytes((reference_dir / name).read_bytes())
    config = ExperimentConfig(**{**CONFIG, "lr_head": 0.5}, out_dir=str(out))
    with pytest.raises(ValueError, match=r"belongs to another configuration.*lr_head"):
        run_experiment(config, resume=True)
