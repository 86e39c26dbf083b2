"""The command line: every wrong input ends with one line naming the field, exit status 2,
no traceback; ``--help`` shows every option with its default; the out-dir rules."""
import json
import pickle
import subprocess
import sys

import pytest

from kymatio.experiments import cli, run_folder
from kymatio.experiments.cli import build_parser, main

TINY_ARGS = ["--model-arg", "J=1", "--model-arg", "L=2", "--image-size", "16",
             "--train-size", "60", "--val-fraction", "0.05", "--epochs-head", "1",
             "--epochs-joint", "1", "--batch-size", "16", "--threads", "1", "--device", "cpu",
             "-q"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A finished tiny run (for its checkpoints and results)."""
    out = tmp_path_factory.mktemp("cli") / "run"
    assert main(["train", *TINY_ARGS, "--out", str(out)]) == 0
    return out


def fails(capsys, argv, *fragments):
    """Run the CLI; assert exit status 2 and one stderr line holding every fragment."""
    try:
        status = main(argv)
    except SystemExit as exit_info:  # argparse's own errors
        status = exit_info.code
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("kymatio-experiments"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def write(path, content):
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_help_shows_every_option_with_its_default(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"train", "quick", "evaluate", "analyze", "study"}
    for name, command in commands.items():
        for action in command._actions:
            if action.option_strings and action.dest not in ("help",):
                assert "default" in action.help or "required" in action.help, \
                    (name, action.option_strings)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--lr-frontend LR frontend (filters) learning rate in phase B (default: 0.001)" \
        in text
    assert "--schedule {constant,cosine} learning rate within a phase (default: 'constant')" \
        in text


@pytest.mark.parametrize("checkpoint_content, fragment", [
    (b"", "not a readable checkpoint"),
    (b"\x00garbage\xff" * 10, "not a readable checkpoint"),
    ("truncated", "not a readable checkpoint"),
    (pickle.dumps({"no": "checkpoint"}, protocol=2), "not a readable checkpoint"),
], ids=["empty", "garbage", "truncated", "plain-pickle"])
def test_evaluate_refuses_bad_checkpoints(capsys, run_dir, tmp_path, checkpoint_content,
                                          fragment):
    path = tmp_path / "bad.pt"
    if checkpoint_content == "truncated":
        data = (run_dir / "checkpoint_joint.pt").read_bytes()
        checkpoint_content = data[:len(data) // 2]
    path.write_bytes(checkpoint_content)
    fails(capsys, ["evaluate", str(path)], "checkpoint:", str(path), fragment)


def test_evaluate_refuses_a_missing_checkpoint_and_a_foreign_torch_file(capsys, tmp_path):
    import torch

    fails(capsys, ["evaluate", str(tmp_path / "absent.pt")], "does not exist")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    fails(capsys, ["evaluate", str(tmp_path / "other.pt")], "not a checkpoint of the "
          "harness", "lacks")


def test_resume_refuses_a_truncated_state_and_non_runs(capsys, run_dir, tmp_path):
    out = tmp_path / "killed"
    out.mkdir()
    for name in ("config.json", "checkpoint_head.pt"):
        (out / name).write_bytes((run_dir / name).read_bytes())
    config = json.loads((out / "config.json").read_text())
    write(out / "config.json", {**config, "out_dir": str(out)})
    (out / "state.pt").write_bytes((run_dir / "state.pt").read_bytes()[:1000])
    fails(capsys, ["train", "--resume", str(out)], "--resume:", "not a readable checkpoint")
    fails(capsys, ["train", "--resume", str(tmp_path / "nothing")], "--resume:",
          "does not exist")
    fails(capsys, ["train", "--resume", str(run_dir)], "--resume:", "has finished")
    fails(capsys, ["train", "--resume", str(out), "--lr-head", "0.1"],
          "--resume continues the run", "lr_head")


def test_out_rules(capsys, run_dir, tmp_path):
    fails(capsys, ["train", *TINY_ARGS, "--out", str(run_dir)], "out_dir", "is not empty",
          "--overwrite", "--resume")
    (tmp_path / "file").write_text("")
    fails(capsys, ["train", *TINY_ARGS, "--out", str(tmp_path / "file" / "run")],
          "out_dir", "cannot be created")
    fails(capsys, ["train", *TINY_ARGS, "--out", str(tmp_path / "file")], "out_dir",
          "is a file")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    fails(capsys, ["train", *TINY_ARGS, "--out", str(foreign), "--overwrite"],
          "files that a run does not write", "thesis.tex")
    assert (foreign / "thesis.tex").read_text() == "precious"
    fails(capsys, ["train", *TINY_ARGS[:-1]], "--out is required")


def test_overwrite_clears_an_earlier_run(capsys, run_dir, tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    for path in run_dir.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    (out / "results.json").write_text("{}")
    assert main(["train", *TINY_ARGS, "--out", str(out), "--overwrite"]) == 0
    assert json.loads((out / "results.json").read_text())["config"]["out_dir"] == str(out)


def test_unwritable_out_is_found_before_any_data_is_loaded(capsys, tmp_path, monkeypatch):
    def refuse(folder):
        raise PermissionError(13, "Permission denied")

    def no_data(*args, **kwargs):
        raise AssertionError("data loaded before the out_dir checks")

    monkeypatch.setattr(run_folder, "probe_writable", refuse)
    monkeypatch.setattr("kymatio.experiments.harness.load_dataset", no_data)
    fails(capsys, ["train", *TINY_ARGS, "--out", str(tmp_path / "ro")], "out_dir",
          "is not writable", "Permission denied")


@pytest.mark.parametrize("config, fragments", [
    ([1, 2], ("configuration must be a JSON object",)),
    ({"data_dir": 5}, ("data_dir must be a string or None", "5")),
    ({"lr_head": float("nan")}, ("lr_head must be a finite number", "nan")),
    ({"lr_head": float("inf")}, ("lr_head must be a finite number", "inf")),
    ({"keep_best": "no"}, ("keep_best must be true or false", "'no'")),
    ({"train_size": 0}, ("train_size must be a count >= 1",)),
    ({"epochs": 3}, ("unknown configuration keys ['epochs']",)),
])
def test_bad_config_files_name_the_field(capsys, tmp_path, config, fragments):
    path = write(tmp_path / "config.json", json.dumps(config))  # NaN/Infinity literals
    fails(capsys, ["train", "--config", path, "--out", str(tmp_path / "out")], *fragments)
    assert not (tmp_path / "out").exists()


def test_bad_options_name_the_field(capsys, tmp_path):
    out = ["--out", str(tmp_path / "out")]
    fails(capsys, ["train", "--lr-head", "nan", *out], "lr_head must be a finite number")
    fails(capsys, ["train", "--lr-frontend", "-1", *out], "lr_frontend must be a non-negative")
    fails(capsys, ["train", "--train-size", "abc", *out], "--train-size", "a count (500)")
    fails(capsys, ["train", "--train-size", "1.5", *out], "train_size must be a count")
    fails(capsys, ["train", "--model", "resnet", *out], "invalid choice", "resnet")
    fails(capsys, ["train", "--model-arg", "J", *out], "expected KEY=VALUE")
    fails(capsys, ["train", "--model-arg", "depth=3", *out], "unknown model argument",
          "depth")
    fails(capsys, ["train", "--model-arg", "J=NaN", *out], "J=nan", "finite JSON value")
    fails(capsys, ["train", "--warmup-epochs", "9", *out], "warmup_epochs must be at most")
    fails(capsys, ["train", "--batch-size", "1", *out], "batch_size must be an integer >= 2")


def test_model_arguments_the_model_refuses(capsys, tmp_path):
    fails(capsys, ["train", *TINY_ARGS, "--model-arg", "J=100", "--out",
                   str(tmp_path / "out")], "scattering-linear refused its arguments",
          "'J': 100")


def test_analyze_refuses_what_is_not_results(capsys, run_dir, tmp_path):
    for index, content in enumerate(("{}", "[]", "{broken")):
        folder = tmp_path / f"runs{index}"
        (folder / "a").mkdir(parents=True)
        (folder / "a" / "results.json").write_text(content)
        fails(capsys, ["analyze", str(folder)], "analyze:", "results.json")
    fails(capsys, ["analyze", str(tmp_path / "absent")], "analyze:", "is not a folder")
    (tmp_path / "file").write_text("")
    fails(capsys, ["analyze", str(run_dir), "--plots", str(tmp_path / "file" / "plots")],
          "--plots:", "cannot hold the figures")


def test_a_crafted_cifar_batch_cannot_run_code(capsys, tmp_path, write_cifar):
    folder = write_cifar(tmp_path, [[0, 1]] * 5, [0, 1])

    class Exploit:
        def __reduce__(self):
            return (print, ("pwned",))

    (folder / "data_batch_1").write_bytes(pickle.dumps({b"data": Exploit(), b"labels": []}))
    line = fails(capsys, ["train", "--dataset", "cifar10", "--data-dir", str(tmp_path),
                          "--out", str(tmp_path / "out"), "-q"],
                 "data_batch_1", "builtins.print", "refusing to unpickle")
    assert "pwned" not in line


def test_the_installed_module_exits_2_without_traceback(tmp_path):
    """The real process: status 2 and one line (argparse errors and ConfigErrors alike)."""
    for argv in (["train", "--epochs-head", "-1", "--out", str(tmp_path / "x")],
                 ["train", "--model", "resnet"]):
        result = subprocess.run([sys.executable, "-m", "kymatio.experiments", *argv],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert cli.PROG == "kymatio-experiments"
