"""The two-phase training harness and its model registry."""
import copy
import dataclasses
import json
import os
import socket
import subprocess
import sys

import pytest
import torch

from kymatio.experiments import (ConfigError, ExperimentConfig, build_model,
                                 evaluate_checkpoint, load_checkpoint, run_experiment)
from kymatio.experiments import distributed, harness, phases, registry
from kymatio.experiments.cli import build_parser
from kymatio.experiments.distributed import resolve_device, setup_distributed

# A scattering model small enough to train two phases on 300 digits in well under a second.
TINY = dict(model="scattering-linear", model_kwargs={"J": 1, "L": 2, "learnable": True},
            dataset="digits", image_size=16, train_size=300, val_fraction=0.2,
            epochs_head=2, epochs_joint=2, lr_head=1e-2, lr_frontend=1e-2, batch_size=32,
            seed=0, progress=False, device="cpu", num_threads=1)


def tiny_config(out_dir, **changes):
    return ExperimentConfig(**{**TINY, "out_dir": str(out_dir), **changes})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs of the tiny config: ``best`` (default) and ``last`` (keep_best=False)."""
    root = tmp_path_factory.mktemp("runs")
    best = run_experiment(tiny_config(root / "best"))
    last = run_experiment(tiny_config(root / "last", keep_best=False))
    return root, best, last


def test_build_model_errors_list_what_is_accepted():
    for data_key in ("shape", "in_spatial", "nb_classes"):
        with pytest.raises(ConfigError, match="set from the data set"):
            build_model("scattering-linear", (16, 16), 1, 10, **{data_key: 8})
    with pytest.raises(ConfigError, match="set from the data set"):
        registry.check_model_arguments("vit", {"image_size": 8})
    with pytest.raises(ConfigError, match="Accepted model arguments: J, L"):
        build_model("scattering-linear", (16, 16), 1, 10, depth=3)
    with pytest.raises(ConfigError, match="refused its arguments"):
        build_model("scattering-linear", (16, 16), 1, 10, J=5)
    model = build_model("vit", (16, 16), 1, 10, embed_dim=16, depth=1, num_heads=2)
    assert model(torch.zeros(2, 1, 16, 16)).shape == (2, 10)


def test_the_model_list_is_the_one_source_of_names_defaults_and_presets():
    """The CLI choices, the configuration's names, the defaults and the quick sizes all
    come from registry.MODELS: every entry is valid everywhere."""
    assert registry.MODEL_NAMES == tuple(entry.name for entry in registry.MODELS)
    assert len(set(registry.MODEL_NAMES)) == len(registry.MODELS)
    parser = build_parser()
    for command in ("train", "quick"):
        args = parser.parse_args([command, "--model", "vit", "--out", "x"])
        model_option = next(a for a in args.subparser._actions if a.dest == "model")
        assert tuple(model_option.choices) == registry.MODEL_NAMES
    for entry in registry.MODELS:
        for kwargs in (dict(entry.defaults), dict(entry.quick)):
            ExperimentConfig(model=entry.name, model_kwargs=kwargs)  # validates
        model = build_model(entry.name, (16, 16), 1, 10, **entry.quick)
        assert type(model) is entry.cls
        assert model(torch.zeros(2, 1, 16, 16)).shape == (2, 10)


def test_config_checks_model_arguments_before_loading_data(tmp_path):
    with pytest.raises(ConfigError, match="unknown model argument.*depth"):
        tiny_config(tmp_path, model_kwargs={"depth": 3})
    with pytest.raises(ConfigError, match="set from the data set"):
        tiny_config(tmp_path, model_kwargs={"num_classes": 3})
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_config(tmp_path).epochs_head = 0


def test_two_phase_run_writes_results_and_checkpoints(runs):
    root, results, _ = runs
    on_disk = json.loads((root / "best" / "results.json").read_text())
    assert on_disk == json.loads(json.dumps(results))
    head, joint = results["phases"]
    assert (head["name"], joint["name"]) == ("head", "joint")
    assert head["learning_rates"] == {"head": 1e-2}
    assert joint["learning_rates"] == {"head": 1e-2, "frontend": 1e-2}
    for phase in (head, joint):
        assert [entry["epoch"] for entry in phase["history"]] == [1, 2]
        assert set(phase["history"][0]) == {"epoch", "train_loss", "val_loss",
                                            "val_accuracy", "time_s", "learning_rates"}
        accuracies = [phase["initial_val_accuracy"]] + [e["val_accuracy"]
                                                        for e in phase["history"]]
        assert phase["best_val_accuracy"] == max(accuracies)
        assert (root / "best" / phase["checkpoint"]).is_file()
    assert head["history"][0]["train_loss"] > head["history"][-1]["train_loss"]
    assert results["test_accuracy"] > 0.6 and results["data"]["train"] == 300
    counts = results["parameters"]
    assert counts["total"] == counts["frontend"] + counts["head"] and counts["frontend"] > 0
    assert results["environment"]["torch"] == torch.__version__
    assert results["config"]["out_dir"] == str(root / "best")


def test_a_model_with_a_random_frontend_trains_everything_at_once(tmp_path):
    entry = registry.model_entry("vit")
    results = run_experiment(tiny_config(tmp_path, model="vit",
                                         model_kwargs=dict(entry.quick, embed_dim=8),
                                         epochs_head=1, epochs_joint=1, lr_head_joint=3e-3))
    (joint,) = results["phases"]
    assert joint["name"] == "joint" and joint["learning_rates"] == {"all": 3e-3}
    counts = results["parameters"]
    assert counts["total"] == counts["frontend"] + counts["head"] == counts["trainable"]


def test_checkpoints_hold_the_best_or_the_last_state(runs):
    root, best, last = runs
    checkpoint = root / "best" / "checkpoint_joint.pt"
    assert evaluate_checkpoint(checkpoint, "test") == pytest.approx(best["test_accuracy"],
                                                                      abs=1e-12)
    for name, results in (("best", best), ("last", last)):
        for phase in results["phases"]:
            path = root / name / phase["checkpoint"]
            expected = phase["best_val_accuracy"] if name == "best" \
                else phase["history"][-1]["val_accuracy"]
            assert evaluate_checkpoint(path, "val") == pytest.approx(expected, abs=1e-12)


def test_joint_phase_starts_from_the_state_the_head_phase_kept(runs):
    _, best, last = runs
    assert best["phases"][1]["initial_val_accuracy"] == \
        best["phases"][0]["best_val_accuracy"]
    assert last["phases"][1]["initial_val_accuracy"] == \
        last["phases"][0]["history"][-1]["val_accuracy"]


def test_head_phase_keeps_the_filters_and_joint_phase_moves_them(tmp_path, monkeypatch):
    initial = []
    build = harness._build

    def recording_build(spec):
        model = build(spec)
        initial.append(copy.deepcopy(model))
        return model

    monkeypatch.setattr(harness, "_build", recording_build)
    run_experiment(tiny_config(tmp_path, epochs_head=1, epochs_joint=1, keep_best=False))
    monkeypatch.undo()
    (start,) = initial  # the model as built, before phase A
    head, _ = load_checkpoint(tmp_path / "checkpoint_head.pt")
    joint, _ = load_checkpoint(tmp_path / "checkpoint_joint.pt")
    names = [name for name, _ in start.scattering.filter_parameters()]
    assert names, "the tiny model must have learnable filters"
    for name in names:
        before = getattr(start.scattering, name)
        assert torch.equal(getattr(head.scattering, name), before)
        assert not torch.equal(getattr(joint.scattering, name), before)
    weight = [p for p in head.head_parameters() if p.ndim == 2][0]
    assert not torch.equal(weight, [p for p in start.head_parameters() if p.ndim == 2][0])


def test_checkpoints_keep_loading_when_the_model_defaults_change(tmp_path, monkeypatch):
    run_experiment(tiny_config(tmp_path, model_kwargs={"J": 1}, epochs_joint=0))
    entry = registry.model_entry("scattering-linear")
    model, checkpoint = load_checkpoint(tmp_path / "checkpoint_head.pt")
    assert checkpoint["model"]["kwargs"] == {**entry.defaults, "J": 1}
    changed = dataclasses.replace(entry, defaults={**entry.defaults,
                                                   "L": entry.defaults["L"] // 2})
    monkeypatch.setattr(registry, "MODELS", tuple(changed if e is entry else e
                                                  for e in registry.MODELS))
    assert registry.model_arguments("scattering-linear", {})["L"] != entry.defaults["L"]
    reloaded, _ = load_checkpoint(tmp_path / "checkpoint_head.pt")
    for key, value in model.state_dict().items():
        assert torch.equal(reloaded.state_dict()[key], value)


def test_run_restores_the_thread_count_even_on_errors(tmp_path):
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        (tmp_path / "file").write_text("")
        config = tiny_config(tmp_path / "file", num_threads=1)
        with pytest.raises(ConfigError, match="is a file"):
            run_experiment(config)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)


def test_non_finite_losses_are_written_as_null(tmp_path, monkeypatch):
    monkeypatch.setattr(phases.PhaseRunner, "train_epoch", lambda *args, **kwargs: float("nan"))
    results = run_experiment(tiny_config(tmp_path, epochs_head=1, epochs_joint=0))

    def refuse(constant):
        raise AssertionError(f"{constant} is not valid JSON")

    on_disk = json.loads((tmp_path / "results.json").read_text(), parse_constant=refuse)
    assert on_disk["phases"][0]["history"][0]["train_loss"] is None
    assert on_disk == results


@pytest.mark.parametrize("device, local_rank, expected", [
    ("cuda:1", None, "cuda:1"), ("cuda", None, "cuda:0"), ("cuda:0", 3, "cuda:3"),
    ("cuda:1", 2, "cuda:2"), ("cuda", 5, "cuda:1"), ("auto", 2, "cuda:2"), ("cpu", 2, "cpu"),
])
def test_resolve_device_gives_each_process_its_own_gpu(monkeypatch, device, local_rank,
                                                        expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    assert resolve_device(device, local_rank) == torch.device(expected)


def test_setup_distributed_uses_the_local_rank_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 4)
    monkeypatch.setattr(distributed.dist, "is_initialized", lambda: True)  # no group made
    monkeypatch.setenv("RANK", "6")
    monkeypatch.setenv("WORLD_SIZE", "8")
    monkeypatch.setenv("LOCAL_RANK", "2")
    context = setup_distributed("cuda:0")
    assert context.device == torch.device("cuda:2") and context.backend == "nccl"
    assert context.distributed and not context.owns_group
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(key)
    assert setup_distributed("cuda:1").device == torch.device("cuda:1")


@pytest.mark.parametrize("patience, epochs_run", [(1, 1), (None, 3)])
def test_early_stopping_when_validation_does_not_improve(tmp_path, patience, epochs_run):
    # With zero learning rates and no batch normalisation nothing can change.
    config = tiny_config(tmp_path, lr_head=0.0, lr_frontend=0.0, epochs_head=3,
                         epochs_joint=3, patience=patience,
                         model_kwargs={**TINY["model_kwargs"], "normalize": False})
    results = run_experiment(config)
    for phase in results["phases"]:
        assert phase["epochs_run"] == epochs_run
        assert phase["stopped_early"] == (patience is not None)
        assert phase["best_epoch"] == 0


def test_same_seed_same_results(runs, tmp_path):
    _, first, _ = runs
    again = run_experiment(tiny_config(tmp_path))
    for a, b in zip(first["phases"], again["phases"]):
        assert [{k: v for k, v in e.items() if k != "time_s"} for e in a["history"]] == \
            [{k: v for k, v in e.items() if k != "time_s"} for e in b["history"]]
    state_a = torch.load(runs[0] / "best" / "checkpoint_joint.pt")["model_state"]
    state_b = torch.load(tmp_path / "checkpoint_joint.pt")["model_state"]
    assert all(torch.equal(state_a[key], state_b[key]) for key in state_a)
    other = run_experiment(tiny_config(tmp_path / "seed1", seed=1, epochs_joint=0))
    assert other["phases"][0]["history"] != first["phases"][0]["history"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_torchrun_path_with_one_gloo_process(runs, tmp_path):
    """The DDP path (process group, DistributedDataParallel, sharding) in a subprocess set
    up as torchrun would with one process; it must reproduce the single-process run."""
    if not torch.distributed.is_available():
        pytest.fail("torch.distributed is not available in this torch build")
    root, single, _ = runs
    env = {**os.environ, "RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0",
           "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(free_port()),
           "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "kymatio.experiments", "train", "--config",
               str(root / "best" / "results.json"), "--out", str(tmp_path / "ddp"), "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "test accuracy" in result.stdout
    ddp = json.loads((tmp_path / "ddp" / "results.json").read_text())
    assert ddp["environment"]["distributed"] and ddp["environment"]["backend"] == "gloo"
    assert ddp["environment"]["world_size"] == 1
    for a, b in zip(single["phases"], ddp["phases"]):
        for entry_a, entry_b in zip(a["history"], b["history"]):
            assert entry_b["train_loss"] == pytest.approx(entry_a["train_loss"], rel=1e-5)
            assert entry_b["val_accuracy"] == entry_a["val_accuracy"]
    assert ddp["test_accuracy"] == single["test_accuracy"]
    assert (tmp_path / "ddp" / "checkpoint_joint.pt").is_file()


def test_results_carry_the_seeds_summary(runs):
    root, results, _ = runs
    head, joint = results["phases"]
    assert results["head_acc"] == results["baseline_acc"] == head["test_accuracy"]
    assert results["head_err"] == pytest.approx(1 - head["test_accuracy"])
    assert results["finetune_acc"] == joint["test_accuracy"] == results["test_accuracy"]
    assert results["finetune_gain"] == pytest.approx(joint["test_accuracy"]
                                                     - head["test_accuracy"])
    before = torch.load(root / "best" / "checkpoint_head.pt")["model_state"]
    after = torch.load(root / "best" / "checkpoint_joint.pt")["model_state"]
    names = [k for k in before if k.startswith("scattering.")]
    change = torch.cat([(after[k].double() - before[k].double()).flatten() for k in names])
    norm = torch.cat([before[k].double().flatten() for k in names])
    assert results["filter_delta_l2"] == pytest.approx(float(change.norm()), rel=1e-9)
    assert results["filter_delta_relative"] == pytest.approx(float(change.norm() / norm.norm()),
                                                             rel=1e-9)
    rows = (root / "best" / "history.csv").read_text().splitlines()
    assert rows[0] == "phase,epoch,train_loss,val_loss,val_accuracy,time_s,lr_head,lr_frontend"
    assert [row.split(",")[:2] for row in rows[1:]] == [["head", "1"], ["head", "2"],
                                                        ["joint", "1"], ["joint", "2"]]


def test_end_to_end_with_fixed_steps_and_a_cosine_schedule(tmp_path):
    """epochs_head=0: one joint phase from the first step; the learning rate follows the
    warm-up and cosine step by step (steps_per_epoch steps per epoch)."""
    results = run_experiment(tiny_config(tmp_path, epochs_head=0, epochs_joint=3,
                                         steps_per_epoch=4, schedule="cosine",
                                         warmup_epochs=1, lr_head_joint=1e-2,
                                         keep_best=False))
    (joint,) = results["phases"]
    assert results["head_acc"] is None and results["finetune_gain"] is None
    assert results["finetune_acc"] == joint["test_accuracy"]
    assert results["filter_delta_relative"] > 0  # from the initial filters
    from kymatio.experiments.training import warmup_cosine

    for entry in joint["history"]:
        factor = warmup_cosine(4 * entry["epoch"], 12, 4)
        assert entry["learning_rates"]["head"] == pytest.approx(1e-2 * factor)
        assert entry["learning_rates"]["frontend"] == pytest.approx(1e-2 * factor)
    assert joint["history"][-1]["learning_rates"]["head"] == pytest.approx(0, abs=1e-12)
    assert results["final_val_accuracy"] == joint["history"][-1]["val_accuracy"]


def test_the_global_batch_is_split_between_processes(tmp_path, monkeypatch):
    data = phases.ImageData(torch.zeros(20, 1, 4, 4), torch.arange(20) % 2,
                             torch.zeros(2, 1, 4, 4), torch.zeros(2).long(),
                             torch.zeros(2, 1, 4, 4), torch.zeros(2).long(), 2)
    config = tiny_config(tmp_path, batch_size=8)

    def order(rank, world_size):
        context = distributed.DistributedContext(rank=rank, world_size=world_size)
        run = phases.PhaseRunner(config, context, data, None, {},
                                  torch.Generator().manual_seed(0))
        return run.local_batch, run.steps_per_epoch(), run.epoch_order()

    batch, steps, whole = order(0, 1)
    shares = [order(rank, 2) for rank in (0, 1)]
    assert (batch, steps) == (8, 3) and all(s[:2] == (4, 3) for s in shares)
    for k in range(2):  # global batch k is the union of the processes' k-th batches
        union = torch.cat([share[2][4 * k:4 * (k + 1)] for share in shares])
        assert sorted(union.tolist()) == sorted(whole[8 * k:8 * (k + 1)].tolist())
    monkeypatch.setattr(harness, "setup_distributed", lambda device: distributed
                        .DistributedContext(world_size=3))
    with pytest.raises(ConfigError, match="batch_size 8 must split into 3 processes"):
        run_experiment(config)
