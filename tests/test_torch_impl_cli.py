"""The command line end to end on synthetic data, and its one-line errors (exit status 2)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import huggingface_hub.constants
import pytest
import torch

from torch_impl.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert main(["train", "--epochs", "2", "--out", str(out), "--no-progress"]) == 0
    return out


def test_train_writes_checkpoint_history_plot_and_model_folder(trained_dir):
    names = sorted(p.name for p in trained_dir.iterdir())
    assert names == ["checkpoint.pt", "history.json", "history.png", "pretrained"]
    summary = json.loads((trained_dir / "history.json").read_text())
    assert [r["epoch"] for r in summary["history"]] == [1, 2]
    assert summary["dataset"] == "synthetic" and summary["test"]["accuracy"] > 0.8
    assert summary["config"]["lr"] == 5.0 and summary["config"]["sparse"] is True
    assert (trained_dir / "pretrained" / "model.safetensors").is_file()


def test_predict_and_evaluate_read_the_trained_model(trained_dir, capsys):
    status, out, _ = _run(capsys, "predict", "--model", str(trained_dir), "The striker scored twice in the cup final",
                          "Quarterly profit and revenue beat analysts' forecast")
    assert status == 0
    labels = [line.split("\t")[0] for line in out.strip().splitlines()]
    assert labels == ["Sports", "Business"]
    status, out, _ = _run(capsys, "evaluate", "--model", str(trained_dir / "pretrained"))
    assert status == 0 and out.startswith("synthetic test: accuracy 0.9")


def test_resume_continues_from_the_checkpoint(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert _run(capsys, "train", "--epochs", "1", "--out", out, "--no-progress")[0] == 0
    status, printed, _ = _run(capsys, "train", "--epochs", "2", "--out", out, "--resume", "--no-progress")
    assert status == 0 and "resuming from" in printed and "epoch  2/2" in printed and "epoch  1/2" not in printed
    history = json.loads((tmp_path / "run" / "history.json").read_text())["history"]
    assert [r["epoch"] for r in history] == [1, 2]


def test_csv_datasets_from_data_dir(tmp_path, capsys):
    """AG_NEWS and DBpedia read from --data-dir (here: small files in their CSV format)."""
    from torch_impl.text import SyntheticNews, write_synthetic_csv

    write_synthetic_csv(tmp_path / "ag", num_rows={"train": 1000, "test": 200})
    dbpedia = tmp_path / "dbpedia"
    dbpedia.mkdir()
    rows = [(label, title, text) for label, title, text in SyntheticNews("train", num_rows=700).records]
    for split, part in (("train", rows[:600]), ("test", rows[600:])):
        lines = [f'"{(i % 14) + 1}","{title}","{text}"' for i, (_, title, text) in enumerate(part)]
        (dbpedia / f"{split}.csv").write_text("\n".join(lines) + "\n")
    for dataset, folder in (("ag_news", tmp_path / "ag"), ("dbpedia", dbpedia)):
        out = tmp_path / f"run_{dataset}"
        status, printed, err = _run(capsys, "train", "--dataset", dataset, "--data-dir", str(folder), "--epochs", "1",
                                    "--out", str(out), "--no-progress")
        assert status == 0, err
        assert printed.startswith(f"{dataset}: ")
        config = json.loads((out / "pretrained" / "config.json").read_text())
        assert config["num_class"] == (4 if dataset == "ag_news" else 14)
    status, _, err = _run(capsys, "train", "--dataset", "dbpedia", "--data-dir", str(dbpedia), "--seed", "1",
                          "--out", str(tmp_path / "run_dbpedia"), "--resume")
    assert status == 2 and "seed=0, not 1" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--dataset", "ag_news", "--data-dir", "{tmp}/no-data"], "AG_NEWS 'train' split not found"),
        (["train", "--resume", "--out", "{tmp}/empty"], "--resume: no checkpoint at"),
        (["train", "--epochs", "0"], "must be at least 1"),
        (["train", "--compile", "fastest"], "invalid choice"),
        (["train", "--dataset", "imdb"], "invalid choice"),
        (["predict", "--model", "{tmp}/nothing", "some text"], "no trained model at"),
        (["evaluate", "--model", "{tmp}/nothing"], "no trained model at"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_with_status_2(argv, message, tmp_path, capsys):
    status, _, err = _run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert status == 2
    assert message in err and err.count("\n") == 1, err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_unavailable_is_one_line(capsys):
    status, _, err = _run(capsys, "train", "--device", "cuda")
    assert status == 2 and "CUDA is not available" in err and err.count("\n") == 1


def test_corrupt_checkpoint_on_resume_is_one_line(tmp_path, capsys):
    (tmp_path / "checkpoint.pt").write_bytes(b"PK\x03\x04 cut short")
    status, _, err = _run(capsys, "train", "--resume", "--out", str(tmp_path))
    assert status == 2 and "truncated or corrupt" in err and err.count("\n") == 1


def test_push_without_token_is_one_line(trained_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "token"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    status, _, err = _run(capsys, "push", "someone/model", "--model", str(trained_dir))
    assert status == 2 and "no Hugging Face token" in err and err.count("\n") == 1


def test_python_dash_m_entry_point(tmp_path):
    """`python -m torch_impl train` with only an output folder: offline, synthetic, seconds."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "torch_impl", "train", "--epochs", "1", "--no-progress"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "test accuracy" in done.stdout
    assert (tmp_path / "runs" / "synthetic" / "pretrained" / "config.json").is_file()
