"""Issue 14, files: every damaged or misfitting file gets one clear line, and nothing is lost.

Each case is met as a user meets it: through the API (the documented exception type and its
message) and through the CLI (exit status 2, one line on stderr), and each checks that the
files on disk are exactly as before (the previous checkpoint still loads).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import minitorch_ref
from course.errors import CorruptFileError, CourseError
from minitorch_ref.serialization import SerializationError
from torch_impl.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from torch_impl.cli import main
from torch_impl.hub import HubError, ModelFolderError, from_pretrained

from cli_helpers import REPO_ROOT, run_cli, run_cli_subprocess, snapshot


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    """One finished 1-epoch synthetic run: checkpoint.pt, history.json, history.png, pretrained/."""
    out = tmp_path_factory.mktemp("trained") / "run"
    assert main(["train", "--epochs", "1", "--out", str(out), "--no-progress"]) == 0
    return out


@pytest.fixture
def run_copy(trained_run, tmp_path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(trained_run, target)
    return target


# --------------------------------------------------------------------------- checkpoints


def test_flipped_bytes_in_a_checkpoint_are_one_checkpoint_error_never_a_zip_traceback(trained_run, tmp_path):
    original = (trained_run / "checkpoint.pt").read_bytes()
    reference = load_checkpoint(trained_run / "checkpoint.pt")
    rng = random.Random(14)
    # The end-of-central-directory "disk number" (what leaked zipfile.BadZipFile before), then random bytes.
    positions = [len(original) - 18, len(original) - 22, 0, len(original) // 2] + rng.sample(range(len(original)), 150)
    damaged = tmp_path / "checkpoint.pt"
    refused = 0
    for position in positions:
        data = bytearray(original)
        data[position] ^= 0xFF
        damaged.write_bytes(bytes(data))
        try:
            loaded = load_checkpoint(damaged)
        except CheckpointError as error:
            message = str(error)
            assert message.startswith(str(damaged)) and "\n" not in message and len(message) < 400, message
            assert "BadZipFile" not in message and "multiple disks" not in message
            refused += 1
            continue
        # A byte nobody reads (zip padding) may change without harm; then the content must be intact.
        assert loaded["epoch"] == reference["epoch"] and loaded["history"] == reference["history"]
        assert all(torch.equal(loaded["model"][k], v) for k, v in reference["model"].items()), position
    assert refused >= len(positions) * 0.9  # the CRC check catches flips inside tensor data too


def test_flipped_byte_checkpoint_on_resume_is_exit_2_with_one_line_and_the_folder_is_unchanged(run_copy):
    data = bytearray((run_copy / "checkpoint.pt").read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the tensor data: torch.load alone would not notice
    (run_copy / "checkpoint.pt").write_bytes(bytes(data))
    before = snapshot(run_copy)
    done = run_cli_subprocess("train", "--resume", "--epochs", "2", "--out", str(run_copy), "--no-progress",
                              cwd=run_copy.parent)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "checkpoint.pt: corrupt" in done.stderr and "CRC" in done.stderr, done.stderr
    assert snapshot(run_copy) == before


def _rewrite_checkpoint(path: Path, **changes) -> None:
    state = load_checkpoint(path)
    state.update(changes)
    save_checkpoint(path, **{k: v for k, v in state.items() if k not in ("format", "version")})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("wrong_shape", "weights do not fit TextClassificationModel: shape mismatch (file vs model): fc.weight (4, 3)"),
        ("history_not_list", "damaged training checkpoint: 'history' must be a list of epoch records, got str"),
        ("vocab_list", "'vocab': not a vocabulary written by Vocab.save (expected a mapping with 'itos' and "
                       "'default_index', got list)"),
        ("vocab_too_big", "'vocab': the vocabulary has"),
    ],
)
def test_valid_checkpoint_with_wrong_content_on_resume_is_one_line(run_copy, capsys, change, message):
    path = run_copy / "checkpoint.pt"
    state = load_checkpoint(path)
    if change == "wrong_shape":
        model = dict(state["model"])
        model["fc.weight"] = torch.zeros(4, 3)
        _rewrite_checkpoint(path, model=model)
    elif change == "history_not_list":
        _rewrite_checkpoint(path, history="epoch 1 done")
    elif change == "vocab_list":
        _rewrite_checkpoint(path, vocab=state["vocab"]["itos"])
    else:
        _rewrite_checkpoint(path, vocab={**state["vocab"], "itos": state["vocab"]["itos"] + ["extra-token"]})
    before = snapshot(run_copy)
    status, _, err = run_cli(capsys, "train", "--resume", "--epochs", "2", "--out", str(run_copy), "--no-progress")
    assert status == 2 and err.count("\n") == 1, err
    assert message in err, err
    assert snapshot(run_copy) == before


# --------------------------------------------------------------------------- minitorch_ref files


def _safetensors(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


def test_minitorch_ref_load_deeply_nested_header_is_a_serialization_error(tmp_path):
    path = tmp_path / "nested.safetensors"
    path.write_bytes(_safetensors(b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(SerializationError, match="nested too deeply") as error:
        minitorch_ref.load(path)
    assert isinstance(error.value, RuntimeError) and str(error.value).startswith(str(path))
    # The same inside the saved structure description (JSON within the metadata).
    structure = json.dumps({"__metadata__": {"minitorch_ref.structure": "[" * 50_000 + "]" * 50_000}}).encode()
    path.write_bytes(_safetensors(structure))
    with pytest.raises(SerializationError, match="nested too deeply"):
        minitorch_ref.load(path)
    structure = json.dumps({"__metadata__": {"minitorch_ref.structure": '{"list": [' * 250 + "1" + "]}" * 250}})
    path.write_bytes(_safetensors(structure.encode()))
    with pytest.raises(SerializationError, match="nested (deeper than 200 levels|too deeply)"):
        minitorch_ref.load(path)


@pytest.mark.parametrize("shape", [[2**62, 2**62, 0], [2**40] * 3 + [0], [1] * 40 + [0], [2**70, 0], [2.5, 0]])
def test_minitorch_ref_load_bounds_the_shapes_a_file_asks_for(tmp_path, shape):
    path = tmp_path / "huge.safetensors"
    header = json.dumps({"x": {"dtype": "F32", "shape": shape, "data_offsets": [0, 0]}}).encode()
    path.write_bytes(_safetensors(header))
    with pytest.raises(SerializationError, match="larger than any array can be|damaged header entry") as error:
        minitorch_ref.load(path)
    assert "\n" not in str(error.value) and "'x'" in str(error.value)


def test_minitorch_ref_save_is_atomic_and_removes_temporaries_of_killed_writes(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    minitorch_ref.save({"w": minitorch_ref.tensor([1.0, 2.0])}, path)
    before = path.read_bytes()
    # A write that fails half-way (here: at fsync) leaves the previous file and no temporary.
    import minitorch_ref.serialization as serialization

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        minitorch_ref.save({"w": minitorch_ref.tensor([3.0, 4.0, 5.0])}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors"]
    # The temporary file of a killed writer (a process that no longer runs) goes at the next save;
    # one of a writer that still runs is left alone.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".w.safetensors.{int(dead.stdout)}-abc123.tmp"
    stale.write_bytes(b"half a file")
    alive = tmp_path / f".w.safetensors.{os.getppid()}-def456.tmp"
    alive.write_bytes(b"someone else's write")
    minitorch_ref.save({"w": minitorch_ref.tensor([3.0, 4.0, 5.0])}, path)
    assert not stale.exists() and alive.exists()
    assert minitorch_ref.load(path)["w"].tolist() == [3.0, 4.0, 5.0]


WRITE_LOOP = r"""
import sys
import numpy as np
import minitorch_ref
path = sys.argv[1]
versions = [{"w": minitorch_ref.tensor(np.full((2000, 1000), float(v), dtype=np.float32))} for v in (1, 2)]
print("ready", flush=True)
i = 0
while True:
    minitorch_ref.save(versions[i % 2], path)
    i += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_minitorch_ref_save_killed_at_random_moments_always_leaves_a_loadable_file(tmp_path):
    """The issue saw 2 unreadable files in 30 kills of an in-place save; an atomic save has none."""
    path = tmp_path / "w.safetensors"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    rng = random.Random(14)
    kills, temporaries_left = 10, 0
    for _ in range(kills):
        process = subprocess.Popen([sys.executable, "-c", WRITE_LOOP, str(path)], env=env, stdout=subprocess.PIPE,
                                   text=True)
        assert process.stdout.readline().strip() == "ready"
        process.stdout.close()
        import time
        time.sleep(rng.uniform(0.0, 0.3))
        process.kill()
        process.wait()
        temporaries_left += sum(1 for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
        if path.exists():
            value = minitorch_ref.load(path)["w"].numpy()
            assert value.shape == (2000, 1000) and np.unique(value).tolist() in ([1.0], [2.0])
    minitorch_ref.save({"w": minitorch_ref.tensor([0.0])}, path)  # the next write cleans up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors"]
    print(f"minitorch_ref.save: {kills} kills, all left a loadable file; {temporaries_left} temporaries seen "
          "after kills, none after the next save")


# --------------------------------------------------------------------------- Hub folders


@pytest.mark.parametrize(
    ("vocab_size", "message"),
    [
        (-1, "config.json: vocab_size must be a positive integer (at most 1099511627776), got -1"),
        (0, "vocab_size must be a positive integer"),
        ("174", "vocab_size must be a positive integer"),
        (10**13, "config.json: vocab_size must be a positive integer (at most 1099511627776), got 10000000000000"),
        (2**39, "does not match model.safetensors: vocab_size=549755813888, embed_dim=64, num_class=4 means "
                "embedding.weight of shape (549755813888, 64), the weights have (")
    ],
)
def test_hub_folder_with_a_bad_vocab_size_fails_at_load(run_copy, capsys, vocab_size, message):
    config_path = run_copy / "pretrained" / "config.json"
    config = json.loads(config_path.read_text())
    config["vocab_size"] = vocab_size
    config_path.write_text(json.dumps(config))
    before = snapshot(run_copy)
    with pytest.raises(ModelFolderError, match="vocab_size") as error:
        from_pretrained(run_copy / "pretrained")
    assert message in str(error.value) and isinstance(error.value, (HubError, CorruptFileError, CourseError))
    status, _, err = run_cli(capsys, "predict", "--model", str(run_copy), "stocks fell")
    assert status == 2 and err.count("\n") == 1 and message in err, err
    assert snapshot(run_copy) == before


def test_hub_folder_vocab_larger_than_the_embedding_fails_at_load_not_at_predict(run_copy, capsys):
    vocab_path = run_copy / "pretrained" / "vocab.json"
    vocab = json.loads(vocab_path.read_text())
    rows = len(vocab["itos"])
    vocab["itos"] += ["zzz-new-word"]
    vocab_path.write_text(json.dumps(vocab))
    expected = f"vocab.json: the vocabulary has {rows + 1} tokens but the model's embedding has {rows} rows"
    with pytest.raises(ModelFolderError) as error:
        from_pretrained(run_copy / "pretrained")
    assert expected in str(error.value)
    done = run_cli_subprocess("predict", "--model", str(run_copy), "zzz-new-word", cwd=run_copy.parent)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000, "not a vocabulary (JSON nested too deeply)"),
        ('{"itos": ["a", "a"], "default_index": 0}', "Duplicate token found in tokens list: a"),
        ('{"itos": ["a", "b"], "default_index": 7}', "default_index 7 is not an index into its 2 tokens"),
        ('{"itos": "abc", "default_index": 0}', "'itos' must be a list of strings"),
    ],
)
def test_hub_folder_with_a_damaged_vocabulary_is_one_line(run_copy, content, message):
    (run_copy / "pretrained" / "vocab.json").write_text(content)
    with pytest.raises(ModelFolderError) as error:
        from_pretrained(run_copy / "pretrained")
    assert message in str(error.value) and "\n" not in str(error.value)


def test_save_pretrained_writes_atomically_and_cleans_up(run_copy):
    from torch_impl.hub import save_pretrained

    loaded = from_pretrained(run_copy / "pretrained")
    stale = run_copy / "pretrained" / ".model.safetensors.999999999-x.tmp"
    stale.write_bytes(b"left by a killed save")
    save_pretrained(loaded.model, run_copy / "pretrained", vocab=loaded.vocab, class_names=loaded.class_names)
    assert not stale.exists()
    assert sorted(p.name for p in (run_copy / "pretrained").iterdir()) == [
        "README.md", "config.json", "model.safetensors", "vocab.json"]


def test_vocab_load_checks_the_file(tmp_path):
    from course.text import Vocab

    path = tmp_path / "vocab.json"
    Vocab(["<unk>", "a"], 0).save(path)
    assert Vocab.load(path) == Vocab(["<unk>", "a"], 0)
    path.write_bytes(b'{"itos": ["<unk>", "a"], "default_index": 0')  # cut short
    with pytest.raises(CorruptFileError, match=r"vocab.json: not a vocabulary \(invalid JSON at line 1"):
        Vocab.load(path)
    path.write_text('{"itos": [1, 2]}')
    with pytest.raises(CorruptFileError, match="'itos' must be a list of strings"):
        Vocab.load(path)
