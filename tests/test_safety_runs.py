"""Issue 14, the CLI and the API: runs never overwrite progress, settings are checked up front,
and `predict` says when a text has no word it knows."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import torch

from course.errors import ConfigError, CourseError, RunFolderError
from torch_impl.checkpoint import load_checkpoint
from torch_impl.cli import main
from torch_impl.predict import NoKnownWordWarning, TextClassificationPipeline
from torch_impl.runs import prepare_run_folder
from torch_impl.training import TrainConfig, fit

from cli_helpers import run_cli, run_cli_subprocess, snapshot


@pytest.fixture(scope="module")
def two_epoch_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run"
    assert main(["train", "--epochs", "2", "--out", str(out), "--no-progress"]) == 0
    return out


# --------------------------------------------------------------------------- the run folder


def test_rerunning_train_into_an_interrupted_run_refuses_and_changes_nothing(two_epoch_run, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    shutil.copy(two_epoch_run / "checkpoint.pt", out / "checkpoint.pt")  # a run stopped after epoch 2 of 2
    before = snapshot(out)
    done = run_cli_subprocess("train", "--epochs", "1", "--out", str(out), "--no-progress", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert (f"minitorch-course train: error: {out} already holds a run (checkpoint.pt at epoch 2 of 2); "
            "continue it with --resume, or replace it with --overwrite (which deletes it)") in done.stderr
    assert "epoch" not in done.stdout  # refused before any training
    assert snapshot(out) == before and load_checkpoint(out / "checkpoint.pt")["epoch"] == 2


def test_overwrite_replaces_the_whole_run_and_keeps_other_files(two_epoch_run, tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(two_epoch_run, out)
    (out / "notes.txt").write_text("mine")
    (out / "pretrained" / "left-over.bin").write_bytes(b"from the old run")
    status, printed, err = run_cli(capsys, "train", "--epochs", "1", "--out", str(out), "--no-progress",
                                   "--overwrite")
    assert status == 0, err
    assert f"--overwrite: deleted the previous run in {out} (checkpoint.pt, history.json, history.png, " \
           "pretrained)" in printed
    assert (out / "notes.txt").read_text() == "mine" and not (out / "pretrained" / "left-over.bin").exists()
    history = json.loads((out / "history.json").read_text())["history"]
    checkpoint = load_checkpoint(out / "checkpoint.pt")
    assert [r["epoch"] for r in history] == [1] and checkpoint["epoch"] == 1 and checkpoint["history"] == history
    assert checkpoint["config"]["epochs"] == 1


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        ("file", [], "--out {out}: is a file, not a folder"),
        ("under_file", [], "--out {out}: cannot write there (Not a directory)"),
        ("empty", ["--resume"], "--resume: no checkpoint at {out}/checkpoint.pt"),
        ("empty", ["--resume", "--overwrite"], "--resume and --overwrite exclude each other"),
    ],
)
def test_out_problems_are_found_before_training(tmp_path, capsys, setup, argv, message):
    out = tmp_path / "run"
    if setup == "file":
        out.write_text("not a folder")
    elif setup == "under_file":
        (tmp_path / "file").write_text("x")
        out = tmp_path / "file" / "run"
    before = snapshot(tmp_path)
    status, printed, err = run_cli(capsys, "train", "--epochs", "1", "--out", str(out), "--no-progress", *argv)
    assert status == 2 and err.count("\n") == 1, err
    assert message.format(out=out) in err, err
    assert printed == ""  # nothing read, nothing trained
    assert snapshot(tmp_path) == before


def test_out_naming_an_existing_file_fails_at_once_in_a_real_process(tmp_path):
    (tmp_path / "model.pt").write_bytes(b"precious")
    done = run_cli_subprocess("train", "--out", str(tmp_path / "model.pt"), "--no-progress", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == "", done.stdout
    assert done.stderr == f"minitorch-course train: error: --out {tmp_path / 'model.pt'}: is a file, not a folder\n"
    assert (tmp_path / "model.pt").read_bytes() == b"precious"


def test_prepare_run_folder_api_raises_run_folder_error(two_epoch_run, tmp_path):
    with pytest.raises(RunFolderError, match="already holds a run") as error:
        prepare_run_folder(two_epoch_run)
    assert isinstance(error.value, CourseError) and isinstance(error.value, OSError)
    assert prepare_run_folder(two_epoch_run, resume=True) == two_epoch_run
    assert prepare_run_folder(tmp_path / "new") == tmp_path / "new"


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"lr": math.nan}, "TrainConfig: Invalid lr: nan (must be finite)"),
        ({"lr": math.inf}, "TrainConfig: Invalid lr: inf (must be finite)"),
        ({"lr": 0.0}, "TrainConfig: Invalid learning rate: 0.0 (must be > 0)"),
        ({"lr": -5}, "TrainConfig: Invalid learning rate: -5 (must be > 0)"),
        ({"lr": "5"}, "TrainConfig: lr must be a number, got str '5'"),
        ({"epochs": -1}, "TrainConfig: epochs should be an integer >= 1, but got epochs=-1"),
        ({"epochs": 2.5}, "TrainConfig: epochs must be an integer, got float 2.5"),
        ({"batch_size": 0}, "TrainConfig: batch_size should be an integer >= 1, but got batch_size=0"),
        ({"clip_norm": 0}, "TrainConfig: clip_norm must be > 0 (or None for no clipping), got 0"),
        ({"clip_norm": math.nan}, "TrainConfig: Invalid clip norm: nan (must be finite)"),
        ({"valid_fraction": 1.5}, "TrainConfig: valid_fraction must be between 0 and 1 (exclusive), got 1.5"),
        ({"valid_fraction": 0}, "TrainConfig: valid_fraction must be between 0 and 1 (exclusive), got 0"),
        ({"embed_dim": 0}, "TrainConfig: embed_dim should be an integer >= 1, but got embed_dim=0"),
        ({"gamma": -0.1}, "TrainConfig: Invalid gamma: -0.1 (must be > 0; the tutorial uses 0.1)"),
        ({"compile": "fast"}, "TrainConfig: unknown compile mode 'fast'"),
        ({"cpu_threads": 0}, "TrainConfig: cpu_threads should be an integer >= 1, but got cpu_threads=0"),
    ],
)
def test_train_config_is_validated_up_front(settings, message):
    with pytest.raises(ConfigError) as error:
        TrainConfig(**settings)
    assert str(error.value).startswith(message), str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_setting_changed_after_construction_is_caught_by_fit():
    config = TrainConfig(progress=False)
    config.lr = math.nan
    model = torch.nn.Linear(2, 2)
    with pytest.raises(ConfigError, match="Invalid lr: nan"):
        fit(model, None, None, config)  # refused before any data is touched


def test_clip_norm_none_still_means_no_clipping():
    assert TrainConfig(clip_norm=None).clip_norm is None


@pytest.mark.parametrize(("argv", "message"), [
    (["--epochs", "-1"], "argument --epochs: must be at least 1, got -1"),
    (["--batch-size", "0"], "argument --batch-size: must be at least 1, got 0"),
])
def test_cli_settings_out_of_range_exit_2(tmp_path, capsys, argv, message):
    status, _, err = run_cli(capsys, "train", "--out", str(tmp_path / "run"), *argv)
    assert status == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "run").exists()


# --------------------------------------------------------------------------- predict


def test_predict_says_when_no_word_is_known(two_epoch_run, capsys):
    classify = TextClassificationPipeline.from_pretrained(two_epoch_run / "pretrained")
    with pytest.warns(NoKnownWordWarning, match="has no words") as caught:
        empty = classify("")
    assert len(caught) == 1
    bias = classify.model.fc.bias.detach()
    assert empty.known_words == 0 and empty.index == int(bias.argmax())  # the bias alone decides
    assert torch.allclose(torch.tensor(list(empty.probabilities.values())), torch.softmax(bias, 0), atol=1e-6)
    assert f"so the prediction {empty.label!r} comes from the model's bias alone" in empty.warning
    with pytest.warns(NoKnownWordWarning, match="none of its 2 tokens is in the vocabulary") as caught:
        unknown = classify("qwzx blorfy")
    assert "is the model's answer for '<unk>' alone: the same for every such text" in unknown.warning
    with pytest.warns(NoKnownWordWarning, match="'zzyzx' has no known word \\(its only token is not in the voc"):
        other = classify("zzyzx")
    assert unknown.known_words == 0 and unknown.probabilities == other.probabilities
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", NoKnownWordWarning)
        known = classify("The striker scored twice in the cup final")
    assert known.known_words > 0 and known.warning is None and known.label == "Sports"

    status, out, err = run_cli(capsys, "predict", "--model", str(two_epoch_run), "", "qwzx blorfy",
                               "The striker scored twice in the cup final")
    assert status == 0
    lines = err.strip().splitlines()
    assert lines == [
        f"minitorch-course predict: warning: '' has no words (no known word), so the prediction {empty.label!r} "
        "comes from the model's bias alone (an empty bag of words): the same for every such text",
        "minitorch-course predict: warning: 'qwzx blorfy' has no known word (none of its 2 tokens is in the "
        f"vocabulary), so the prediction {unknown.label!r} is the model's answer for '<unk>' alone: the same for "
        "every such text",
    ]
    assert [line.split("\t")[0] for line in out.strip().splitlines()] == [empty.label, unknown.label, "Sports"]
