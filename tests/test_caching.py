"""kymatio.caching, and the folder helpers kymatio.datasets shares with it."""
import os

import pytest

from kymatio import caching, datasets

# (find the base folder, get a named folder, environment variable, default folder name)
FOLDERS = [
    (caching.find_cache_base_dir, caching.get_cache_dir, "KYMATIO_CACHE", "kymatio_cache"),
    (datasets.find_datasets_base_dir, datasets.get_dataset_dir, "KYMATIO_DATASETS",
     "kymatio_datasets"),
]


@pytest.mark.parametrize("find, get, env, default", FOLDERS)
def test_base_folder_order(find, get, env, default, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(env, raising=False)
    assert find() == os.path.join(str(tmp_path / "home"), default)
    monkeypatch.setenv(env, str(tmp_path / "from_env"))
    assert find() == str(tmp_path / "from_env")
    assert find(str(tmp_path / "explicit")) == str(tmp_path / "explicit")


@pytest.mark.parametrize("find, get, env, default", FOLDERS)
def test_named_folder_created_once(find, get, env, default, tmp_path, monkeypatch):
    monkeypatch.setenv(env, str(tmp_path / "base"))
    path = get("qm7/experiments")
    assert path == os.path.join(str(tmp_path / "base"), "qm7/experiments")
    assert os.path.isdir(path)
    (tmp_path / "base" / "qm7" / "experiments" / "kept").write_text("x")
    assert get("qm7/experiments") == path
    assert (tmp_path / "base" / "qm7" / "experiments" / "kept").read_text() == "x"
    assert get("other", str(tmp_path / "explicit")) == str(tmp_path / "explicit" / "other")


@pytest.mark.parametrize("find, get, env, default", FOLDERS)
def test_missing_folder_without_create(find, get, env, default, tmp_path, monkeypatch):
    monkeypatch.setenv(env, str(tmp_path))
    with pytest.raises(ValueError, match="missing"):
        get("missing", create=False)
    assert not (tmp_path / "missing").exists()
    (tmp_path / "present").mkdir()
    assert get("present", create=False) == str(tmp_path / "present")


def test_cache_dir_default_name_is_the_base(tmp_path, monkeypatch):
    monkeypatch.setenv("KYMATIO_CACHE", str(tmp_path / "cache"))
    assert os.path.normpath(caching.get_cache_dir()) == str(tmp_path / "cache")
    assert (tmp_path / "cache").is_dir()
