"""`minitorch_ref.save` / `load`: safetensors files, no pickle, clear errors, readable by torch's side."""
from __future__ import annotations

import ast
import builtins
import io
import json
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import safetensors.torch
import torch

import minitorch_ref as mt
from minitorch_ref._sparse import RowSparseGrad
from minitorch_ref.serialization import SerializationError


def sample_state() -> dict:
    rng = np.random.default_rng(0)
    return {
        "fc.weight": mt.tensor(rng.standard_normal((3, 4)).astype(np.float32)),
        "fc.bias": mt.tensor(rng.standard_normal(3)),
        "counts": mt.tensor(np.arange(5, dtype=np.int64)),
        "mask": mt.tensor([True, False]),
        "scalar": mt.tensor(2.5),
        "empty": mt.zeros(0, 3),
        "small": mt.tensor(np.array([1, 2], dtype=np.int8)),
    }


def assert_same_tensors(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for name, tensor in expected.items():
        assert got[name].dtype == tensor.dtype and got[name].shape == tensor.shape, name
        np.testing.assert_array_equal(got[name].numpy(), tensor.numpy())


def test_round_trip_path_and_stream(tmp_path):
    state = sample_state()
    mt.save(state, tmp_path / "state.safetensors")
    assert_same_tensors(mt.load(tmp_path / "state.safetensors"), state)
    buffer = io.BytesIO()
    mt.save(state, buffer)
    assert_same_tensors(mt.load(io.BytesIO(buffer.getvalue())), state)
    loaded = mt.load(str(tmp_path / "state.safetensors"))
    loaded["fc.bias"]._data[0] = 100.0  # a loaded tensor owns its memory
    assert state["fc.bias"].tolist()[0] != 100.0


def test_nested_values_round_trip():
    checkpoint = {
        "epoch": 3, "best": 0.875, "name": "ag_news", "done": False, "nothing": None, "inf": float("inf"),
        "betas": (0.9, 0.999), "history": [1.0, 0.5],
        "state": {0: {"step": mt.tensor(4.0), "exp_avg": mt.ones(2, 2)}, 1: {}},
        "sparse": RowSparseGrad(np.array([3, 1, 3]), np.ones((3, 2), np.float32), (5, 2)),
    }
    buffer = io.BytesIO()
    mt.save(checkpoint, buffer)
    buffer.seek(0)
    loaded = mt.load(buffer)
    assert {k: v for k, v in loaded.items() if k not in ("state", "sparse")} == \
        {k: v for k, v in checkpoint.items() if k not in ("state", "sparse")}
    assert type(loaded["betas"]) is tuple and list(loaded["state"]) == [0, 1] and loaded["state"][1] == {}
    np.testing.assert_array_equal(loaded["state"][0]["exp_avg"].numpy(), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(loaded["sparse"].to_dense().numpy(), checkpoint["sparse"].to_dense().numpy())
    # Still a valid safetensors file for the reference reader.
    tensors = safetensors.torch.load(buffer.getvalue())
    assert set(tensors) == {"state.0.step", "state.0.exp_avg", "sparse", "sparse#1"}


def test_unsupported_objects_are_refused():
    with pytest.raises(TypeError, match="save its state_dict"):
        mt.save({"model": object()}, io.BytesIO())
    with pytest.raises(TypeError, match="dict keys"):
        mt.save({(1, 2): mt.zeros(1)}, io.BytesIO())
    with pytest.raises(ValueError, match="never unpickles"):
        mt.load(io.BytesIO(), weights_only=False)


# --------------------------------------------------------------------------- no code execution
class RunsCode:
    """Unpickling this object calls `open(marker, "w")`: a visible side effect."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return builtins.open, (str(self.marker), "w")


def test_serialization_module_cannot_unpickle():
    source = Path(mt.serialization.__file__).read_text()
    imported = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"pickle", "torch", "marshal", "shelve", "dill"}


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_file_crafted_to_run_code_is_rejected_and_never_executed(tmp_path, writer):
    marker, path = tmp_path / "code_ran", tmp_path / "evil.pth"
    if writer == "pickle":
        path.write_bytes(pickle.dumps({"weight": RunsCode(marker)}, protocol=2))
    else:
        torch.save({"weight": RunsCode(marker)}, path)
    with pytest.raises(SerializationError, match="not unpickled") as error:
        mt.load(path)
    assert str(path) in str(error.value)
    assert not marker.exists()


# --------------------------------------------------------------------------- damaged and foreign files
@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "good.safetensors"
    mt.save(sample_state(), path)
    return path


@pytest.mark.parametrize("keep", [0, 5, 12, 60, -1], ids=["empty", "in_length", "in_header", "mid_header", "last_byte"])
def test_truncated_file_gives_clear_error(good_file, tmp_path, keep):
    raw = good_file.read_bytes()
    path = tmp_path / "cut.safetensors"
    path.write_bytes(raw[:keep])
    with pytest.raises(SerializationError, match="truncated|not a safetensors file|only") as error:
        mt.load(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("content", [b"label,title,description\n1,a,b\n", b"\x89PNG\r\n\x1a\n" + bytes(64),
                                     b"PK\x03\x04" + bytes(40)], ids=["csv", "png", "zip"])
def test_foreign_file_gives_clear_error(tmp_path, content):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(SerializationError, match="not a safetensors file") as error:
        mt.load(path)
    assert str(path) in str(error.value)


def craft(header: dict, data: bytes) -> io.BytesIO:
    text = json.dumps(header).encode()
    return io.BytesIO(struct.pack("<Q", len(text)) + text + data)


@pytest.mark.parametrize("header, data, message", [
    ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, bytes(4), "truncated"),
    ({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8), "does not fit"),
    ({"w": {"dtype": "X99", "shape": [2], "data_offsets": [0, 8]}}, bytes(8), "damaged header entry"),
    ({"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
      "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}}, bytes(6), "overlaps"),
    ({"w": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}, bytes(5), "belong to no tensor"),
    ({"__metadata__": {"minitorch_ref.structure": '{"eval": "os.system(1)"}'}}, b"", "damaged structure"),
    ([1, 2], b"", "not a JSON object"),
])
def test_damaged_header_gives_clear_error(header, data, message):
    with pytest.raises(SerializationError, match=message):
        mt.load(craft(header, data))


# --------------------------------------------------------------------------- torch's side
def test_torch_reads_minitorch_file_and_back(tmp_path):
    state = sample_state()
    mt.save(state, tmp_path / "mt.safetensors")
    read_by_torch = safetensors.torch.load_file(tmp_path / "mt.safetensors")
    for name, tensor in state.items():
        np.testing.assert_array_equal(read_by_torch[name].numpy(), tensor.numpy())
        assert str(read_by_torch[name].dtype) == f"torch.{tensor.dtype.name}"
    safetensors.torch.save_file(read_by_torch, tmp_path / "torch.safetensors")
    loaded = mt.load(tmp_path / "torch.safetensors")  # safetensors orders tensors its own way
    assert_same_tensors(loaded, {name: state[name] for name in loaded})
    assert loaded.keys() == state.keys()


def test_cross_loading_a_model_both_ways(tmp_path):
    """A SimpleNN saved on one backend gives identical outputs when loaded on the other."""
    from minitorch_ref import models as mt_models
    from torch_impl import models as torch_models

    x = np.random.default_rng(1).standard_normal((6, 10)).astype(np.float32)
    torch.manual_seed(0)
    torch_model = torch_models.SimpleNN(10, 5, 1)
    safetensors.torch.save_file(torch_model.state_dict(), tmp_path / "from_torch.safetensors")
    mt_model = mt_models.SimpleNN(10, 5, 1)
    mt_model.load_state_dict(mt.load(tmp_path / "from_torch.safetensors"))
    expected = torch_model(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(mt_model(mt.from_numpy(x)).detach().numpy(), expected, rtol=1e-6, atol=1e-7)

    mt.manual_seed(1)
    mt_model = mt_models.SimpleNN(10, 5, 1)
    mt.save(mt_model.state_dict(), tmp_path / "from_mt.safetensors")
    torch_model.load_state_dict(safetensors.torch.load_file(tmp_path / "from_mt.safetensors"))
    np.testing.assert_allclose(torch_model(torch.from_numpy(x)).detach().numpy(),
                               mt_model(mt.from_numpy(x)).detach().numpy(), rtol=1e-6, atol=1e-7)


def test_parameters_requires_grad_and_a_tensor_saved_twice_load_as_torch_loads_them():
    """What torch.load gives back: a Parameter stays one, requires_grad is kept, one tensor saved twice is
    one object again. (Two different tensors sharing memory load unlinked here: safetensors has no views.)"""
    def round_trip(lib):
        t = lib.ones(3)
        saved = {"twice": [t, t], "param": lib.nn.Parameter(lib.ones(2)), "grad": lib.ones(2, requires_grad=True),
                 "frozen": lib.nn.Parameter(lib.ones(2), requires_grad=False)}
        buffer = io.BytesIO()
        lib.save(saved, buffer)
        buffer.seek(0)
        back = lib.load(buffer)
        return (back["twice"][0] is back["twice"][1], type(back["param"]).__name__, back["param"].requires_grad,
                type(back["grad"]).__name__, back["grad"].requires_grad, back["frozen"].requires_grad)

    assert round_trip(mt) == round_trip(torch) == (True, "Parameter", True, "Tensor", True, False)


def test_a_dict_of_parameters_keeps_them_and_a_state_dict_stays_a_plain_safetensors_file():
    buffer = io.BytesIO()
    mt.save({"w": mt.nn.Parameter(mt.ones(2))}, buffer)
    buffer.seek(0)
    assert isinstance(mt.load(buffer)["w"], mt.nn.Parameter)
    state = mt.nn.Linear(2, 1).state_dict()
    buffer = io.BytesIO()
    mt.save(state, buffer)
    assert set(safetensors.torch.load(buffer.getvalue())) == {"weight", "bias"}
