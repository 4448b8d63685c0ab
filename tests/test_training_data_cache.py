"""The encoded-corpus cache as `prepare_data` and `python -m torch_impl train` use it."""
from __future__ import annotations

import os
import stat
import warnings

import numpy as np
import pytest

from course.datasets import CSVTextDataset, write_synthetic_csv
from torch_impl.cli import main
from torch_impl.training import prepare_data


@pytest.fixture
def data_dir(tmp_path):
    write_synthetic_csv(tmp_path / "ag", {"train": 240, "test": 60})
    return tmp_path / "ag"


@pytest.fixture
def reads(monkeypatch):
    """Counts how many times a CSV file is read (each split read is one call)."""
    calls = []
    real = CSVTextDataset.iter_chunks

    def counting(self, *args, **kwargs):
        calls.append(self.path.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CSVTextDataset, "iter_chunks", counting)
    return calls


def same_data(a, b):
    return a.vocab == b.vocab and all(
        np.array_equal(getattr(x, name), getattr(y, name))
        for x, y in ((a.train, b.train), (a.test, b.test)) for name in ("ids", "doc_offsets", "labels"))


def test_prepare_data_reuses_the_cache_until_the_file_changes(data_dir, tmp_path, reads):
    cache = tmp_path / "cache"
    first = prepare_data("ag_news", data_dir, cache_dir=cache)
    assert sorted(reads) == ["test.csv", "train.csv"] and len(list(cache.glob("*.npz"))) == 2
    again = prepare_data("ag_news", data_dir, cache_dir=cache)
    assert len(reads) == 2 and same_data(again, first)  # answered from the cache: no file read
    assert same_data(prepare_data("ag_news", data_dir, cache=False), first) and len(reads) == 4
    train = data_dir / "train.csv"
    train.write_text('"3","Fresh","words here"\n' + train.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(train, ns=(10**18, 10**18))
    changed = prepare_data("ag_news", data_dir, cache_dir=cache)
    assert "fresh" in changed.vocab and len(changed.train) == len(first.train) + 1
    assert sorted(reads[4:]) == ["test.csv", "train.csv"]  # the test split is re-encoded with the new vocabulary
    assert len(list(cache.glob("train.csv.*.npz"))) == 1  # the old file's entry was replaced


def test_prepare_data_without_cache_writes_nothing(data_dir, tmp_path):
    prepare_data("ag_news", data_dir, cache=False)
    assert not (data_dir / ".encoded").exists()
    prepare_data("ag_news", data_dir)  # default place: next to the data
    assert len(list((data_dir / ".encoded").glob("*.npz"))) == 2


def test_read_only_data_folder_caches_in_the_user_cache(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    mode = data_dir.stat().st_mode
    data_dir.chmod(stat.S_IMODE(mode) & ~0o222)  # marked read-only (root could still write)
    try:
        prepare_data("ag_news", data_dir)
    finally:
        data_dir.chmod(mode)
    assert not (data_dir / ".encoded").exists()
    assert len(list((tmp_path / "xdg" / "minitorch-course" / "encoded").glob("*.npz"))) == 2


def train(capsys, data_dir, out, *options):
    status = main(["train", "--dataset", "ag_news", "--data-dir", str(data_dir), "--epochs", "1", "--no-progress",
                   "--out", str(out), "--overwrite", *options])
    return status, *capsys.readouterr()


def test_cli_cache_dir_no_cache_and_a_damaged_cache(data_dir, tmp_path, capsys, reads):
    cache = tmp_path / "cache"
    status, out, err = train(capsys, data_dir, tmp_path / "run", "--cache-dir", str(cache))
    assert status == 0, err
    assert len(reads) == 2 and len(list(cache.glob("*.npz"))) == 2
    status, out2, err = train(capsys, data_dir, tmp_path / "run", "--cache-dir", str(cache))
    assert status == 0 and len(reads) == 2, err  # the second run reads no CSV file
    summary = [line for line in out.splitlines() if line.startswith("ag_news:")]
    assert summary and summary == [line for line in out2.splitlines() if line.startswith("ag_news:")]
    status, _, err = train(capsys, data_dir, tmp_path / "run", "--no-cache")
    assert status == 0 and len(reads) == 4, err
    assert not (data_dir / ".encoded").exists()
    # A damaged cache file: one warning line, then it is rebuilt and valid again.
    for entry in cache.glob("*.npz"):
        entry.write_bytes(b"not a zip file")
    status, _, err = train(capsys, data_dir, tmp_path / "run", "--cache-dir", str(cache))
    assert status == 0 and len(reads) == 6
    warned = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warned) == 2 and all("unreadable encoded-corpus cache" in line for line in warned)
    assert "Traceback" not in err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prepare_data("ag_news", data_dir, cache_dir=cache)  # rewritten: valid again
    assert len(reads) == 6


def test_cli_cache_options_exclude_each_other(data_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--no-cache", "--cache-dir", str(tmp_path), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "not allowed with argument" in err and err.count("\n") == 1
