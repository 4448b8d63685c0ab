"""Checkpoints: round trips, atomic writes, one-line errors for bad files, pickles refused."""
from __future__ import annotations

import os
import random

import numpy as np
import pytest
import torch

from torch_impl import checkpoint as ckpt
from torch_impl.checkpoint import CheckpointError, UnsafeCheckpointError
from torch_impl.models import SimpleNN, TextClassificationModel


def _model(seed: int = 0):
    torch.manual_seed(seed)
    return TextClassificationModel(30, 8, 4)


def _assert_one_line(error: pytest.ExceptionInfo, path) -> None:
    message = str(error.value)
    assert "\n" not in message and str(path) in message and len(message) < 400, message


def test_state_dict_round_trip(tmp_path):
    model, other = _model(0), _model(1)
    ckpt.save_state_dict(model, tmp_path / "w.pt")
    ckpt.load_state_dict(other, tmp_path / "w.pt")
    for key, value in model.state_dict().items():
        assert torch.equal(value, other.state_dict()[key])


def test_state_dict_for_another_architecture_is_a_one_line_error(tmp_path):
    ckpt.save_state_dict(_model(), tmp_path / "w.pt")
    with pytest.raises(CheckpointError, match="do not fit SimpleNN") as error:
        ckpt.load_state_dict(SimpleNN(3, 4, 2), tmp_path / "w.pt")
    _assert_one_line(error, tmp_path / "w.pt")
    with pytest.raises(CheckpointError, match="shape mismatch") as error:
        ckpt.load_state_dict(TextClassificationModel(31, 8, 4), tmp_path / "w.pt")
    _assert_one_line(error, tmp_path / "w.pt")


def _good_bytes(tmp_path) -> bytes:
    ckpt.save_state_dict(_model(), tmp_path / "good.pt")
    return (tmp_path / "good.pt").read_bytes()


@pytest.mark.parametrize("damage", ["empty", "truncated_half", "truncated_end", "text", "random", "header"])
def test_damaged_files_give_one_clear_line(tmp_path, damage):
    data = _good_bytes(tmp_path)
    rng = np.random.default_rng(0)
    bad = {
        "empty": b"",
        "truncated_half": data[: len(data) // 2],
        "truncated_end": data[:-7],
        "text": b"this is not a checkpoint\n",
        "random": rng.bytes(4096),
        "header": data[:30] + bytes(200) + data[230:],
    }[damage]
    path = tmp_path / "bad.pt"
    path.write_bytes(bad)
    for load in (lambda: ckpt.load_state_dict(_model(), path), lambda: ckpt.load_checkpoint(path)):
        with pytest.raises(CheckpointError) as error:
            load()
        _assert_one_line(error, path)


def test_missing_file_and_foreign_torch_file(tmp_path):
    with pytest.raises(CheckpointError, match="no such file"):
        ckpt.load_checkpoint(tmp_path / "nope.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a training checkpoint") as error:
        ckpt.load_checkpoint(tmp_path / "other.pt")
    _assert_one_line(error, tmp_path / "other.pt")
    torch.save([1, 2, 3], tmp_path / "list.pt")
    with pytest.raises(CheckpointError, match="not a state_dict"):
        ckpt.load_state_dict(_model(), tmp_path / "list.pt")


def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.pt"
    ckpt.save_checkpoint(path, epoch=1, model=_model(0).state_dict())
    before = path.read_bytes()

    def save_half_then_crash(obj, file):
        file.write(b"PK\x03\x04 partial data")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", save_half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        ckpt.save_checkpoint(path, epoch=2, model=_model(1).state_dict())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["checkpoint.pt"]  # no temporary file left behind
    assert ckpt.load_checkpoint(path)["epoch"] == 1


def test_checkpoint_loads_weights_only_and_keeps_everything(tmp_path):
    generator = torch.Generator().manual_seed(5)
    state = {"epoch": 3, "history": [{"epoch": 1, "valid_acc": 0.5}], "vocab": {"itos": ["<unk>", "a"],
             "default_index": 0}, "rng": ckpt.get_rng_states(generator), "model": _model().state_dict()}
    ckpt.save_checkpoint(tmp_path / "c.pt", **state)
    torch.load(tmp_path / "c.pt", weights_only=True)  # nothing but plain data and tensors inside
    loaded = ckpt.load_checkpoint(tmp_path / "c.pt", required=("epoch", "rng"))
    assert loaded["epoch"] == 3 and loaded["history"] == state["history"] and loaded["vocab"] == state["vocab"]
    with pytest.raises(CheckpointError, match="lacks"):
        ckpt.load_checkpoint(tmp_path / "c.pt", required=("optimizer",))


def test_rng_states_round_trip(tmp_path):
    generator = torch.Generator().manual_seed(3)
    ckpt.save_checkpoint(tmp_path / "c.pt", rng=ckpt.get_rng_states(generator))

    def draw(gen):
        return random.random(), np.random.rand(), torch.rand(2).tolist(), torch.randperm(10, generator=gen).tolist()

    first = draw(generator)
    restored = torch.Generator().manual_seed(99)
    ckpt.set_rng_states(ckpt.load_checkpoint(tmp_path / "c.pt")["rng"], restored)
    assert draw(restored) == first


def test_whole_model_pickle_needs_explicit_consent(tmp_path):
    model = _model()
    with pytest.raises(CheckpointError, match="i_understand_pickle"):
        ckpt.save_whole_model(model, tmp_path / "whole.pt")
    with pytest.warns(UserWarning, match="pickled"):
        ckpt.save_whole_model(model, tmp_path / "whole.pt", i_understand_pickle=True)

    with pytest.raises(UnsafeCheckpointError, match="TextClassificationModel.*trust_pickle=True") as error:
        ckpt.load_whole_model(tmp_path / "whole.pt")
    _assert_one_line(error, tmp_path / "whole.pt")
    with pytest.raises(UnsafeCheckpointError):
        ckpt.load_state_dict(_model(), tmp_path / "whole.pt")

    loaded = ckpt.load_whole_model(tmp_path / "whole.pt", trust_pickle=True)
    assert isinstance(loaded, TextClassificationModel)
    assert torch.equal(loaded.embedding.weight, model.embedding.weight)
