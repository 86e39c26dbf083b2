"""The run folder: atomic writes, checkpoint reading, the checks made before training."""
import pytest
import torch

from kymatio.experiments import ConfigError, run_folder
from kymatio.experiments.run_folder import (atomic_write_text, check_free_space,
                                            prepare_out_dir, read_checkpoint, save_checkpoint)


def test_atomic_writes_replace_whole_files_and_leave_no_temporary(tmp_path):
    path = tmp_path / "a.json"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second")
    assert path.read_text() == "second" and [p.name for p in tmp_path.iterdir()] == ["a.json"]
    save_checkpoint(tmp_path / "c.pt", {"x": torch.arange(3), "epoch": 2})
    loaded = read_checkpoint(tmp_path / "c.pt", ("x", "epoch"))
    assert loaded["epoch"] == 2 and torch.equal(loaded["x"], torch.arange(3))


def test_read_checkpoint_names_what_is_wrong(tmp_path):
    save_checkpoint(tmp_path / "c.pt", {"x": 1})
    with pytest.raises(ConfigError, match=r"--resume: .* lacks \['epoch'\]"):
        read_checkpoint(tmp_path / "c.pt", ("x", "epoch"), "--resume")
    (tmp_path / "truncated.pt").write_bytes((tmp_path / "c.pt").read_bytes()[:-30])
    with pytest.raises(ConfigError, match="not a readable checkpoint"):
        read_checkpoint(tmp_path / "truncated.pt", ("x",))
    with pytest.raises(ConfigError, match="does not exist"):
        read_checkpoint(tmp_path / "absent.pt", ("x",))


def test_out_dir_must_be_free_unless_resumed_or_overwritten(tmp_path):
    out = prepare_out_dir(tmp_path / "new" / "run")
    assert out.is_dir() and not list(out.iterdir())
    for name in ("config.json", "state.pt", "checkpoint_head.pt", "results.json.tmp"):
        (out / name).write_text("x")
    with pytest.raises(ConfigError, match="is not empty"):
        prepare_out_dir(out)
    prepare_out_dir(out, resume=True)
    assert len(list(out.iterdir())) == 4
    prepare_out_dir(out, overwrite=True)
    assert not list(out.iterdir())
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="holds files that a run does not write"):
        prepare_out_dir(out, overwrite=True)
    assert (out / "notes.txt").exists()


def test_disk_space_and_writability_checks(tmp_path, monkeypatch):
    check_free_space(tmp_path, 1)
    usage = run_folder.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(run_folder.shutil, "disk_usage",
                        lambda path: usage._replace(free=2**20))
    with pytest.raises(ConfigError, match=r"1.0 MiB free on its disk.*need about 8.0 MiB"):
        check_free_space(tmp_path, 8 * 2**20)
