"""`save` then `load`: what a course user gets back, compared with torch.save/torch.load at run time.

The files differ on purpose (safetensors + JSON here, zip + pickle in torch); these tests compare
only the objects each library's round trip gives back, and the errors it raises.
"""
from __future__ import annotations

import collections
import enum
import io
import pickle

import pytest
import torch

import minitorch_ref as mt


def round_trip(lib, obj, **load_kwargs):
    buffer = io.BytesIO()
    lib.save(obj, buffer)
    buffer.seek(0)
    return lib.load(buffer, **load_kwargs)


def shape_of(value):
    """The types of a loaded object all the way down, with plain values; tensors by dtype and shape."""
    if isinstance(value, (torch.Tensor, mt.Tensor)):
        return ("tensor", str(value.dtype).rpartition(".")[2], tuple(value.shape), value.tolist())
    if isinstance(value, (torch.dtype, mt.dtype)):
        return ("dtype", str(value).rpartition(".")[2])
    if isinstance(value, (torch.device, mt.device)):
        return ("device", str(value))
    if isinstance(value, dict):
        return (type(value).__name__, [(shape_of(k), shape_of(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [shape_of(v) for v in value])
    if isinstance(value, set):
        return ("set", sorted(repr(shape_of(v)) for v in value))
    return (type(value).__name__, value)


def test_ordered_dicts_and_a_models_state_dict_load_as_ordered_dicts():
    def make(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.ReLU(), lib.nn.Linear(2, 1))
        return {"model": model.state_dict(), "config": collections.OrderedDict(lr=0.1, layers=[3, 2, 1])}, model.state_dict()

    for obj in (0, 1):
        got = {lib.__name__: round_trip(lib, make(lib)[obj]) for lib in (torch, mt)}
        assert shape_of(got["minitorch_ref"]) == shape_of(got["torch"])
    assert type(got["minitorch_ref"]) is collections.OrderedDict


@pytest.mark.parametrize("nested", [False, True])
def test_a_state_dicts_module_versions_survive_save_and_load(nested):
    """`state_dict()._metadata` (each module's version: BatchNorm's 2 says its checkpoint has
    num_batches_tracked) comes back from a file as from torch's, also inside a checkpoint dict; so a reloaded
    BatchNorm state dict without the counter is a missing key (torch), not an old checkpoint filled in."""
    def versions_and_strict_load(lib):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.BatchNorm1d(2))
        state = model.state_dict()
        back = round_trip(lib, {"model": state} if nested else state)
        back = back["model"] if nested else back
        versions = dict(getattr(back, "_metadata", {}))
        del back["1.num_batches_tracked"]
        return versions, model.load_state_dict(back, strict=False).missing_keys

    assert versions_and_strict_load(mt) == versions_and_strict_load(torch)


def test_one_tensor_under_two_keys_of_a_state_dict_loads_as_one_tensor():
    """Tied weights (an embedding shared with the output layer) appear twice in a state_dict."""
    def same_object(lib):
        shared = lib.ones(2, 3)
        back = round_trip(lib, {"embedding.weight": shared, "decoder.weight": shared, "decoder.bias": lib.zeros(2)})
        return back["embedding.weight"] is back["decoder.weight"], type(back).__name__

    assert same_object(mt) == same_object(torch)


@pytest.mark.parametrize("make", [
    lambda lib: {"shape": lib.ones(2, 3).shape},
    lambda lib: [lib.float16, lib.int64, lib.bool],
    lambda lib: {"device": lib.device("cpu"), "indexed": lib.device("cpu", 0)},
    lambda lib: (1 + 2j, {1, 2, 3}, b"\x00raw", bytearray(b"ab")),
], ids=["Size", "dtypes", "devices", "complex-set-bytes"])
def test_values_torch_load_gives_back_load_as_themselves(make):
    got, expected = round_trip(mt, make(mt)), round_trip(torch, make(torch))
    assert shape_of(got) == shape_of(expected)
    if isinstance(expected, dict) and "shape" in expected:
        assert isinstance(got["shape"], mt.Size)


def test_a_frozenset_is_refused_as_torch_load_refuses_it():
    with pytest.raises(pickle.UnpicklingError):
        round_trip(torch, frozenset([1]))
    with pytest.raises(TypeError, match="no pickle"):
        mt.save(frozenset([1]), io.BytesIO())


def test_weights_only_none_is_torchs_default():
    obj = {"w": [1, (2.5, None)]}
    assert shape_of(round_trip(mt, obj, weights_only=None)) == shape_of(round_trip(torch, obj, weights_only=None))


@pytest.mark.parametrize("location", ["cuda", "cuda:0", {"cpu": "cuda:0"}])
def test_map_location_to_cuda_raises_as_on_a_machine_without_cuda(location):
    if torch.cuda.is_available():
        pytest.skip("torch has CUDA here")
    with pytest.raises(RuntimeError) as expected:
        round_trip(torch, {"w": torch.ones(2)}, map_location=location)
    with pytest.raises(RuntimeError) as got:
        round_trip(mt, {"w": mt.ones(2)}, map_location=location)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("location", ["cpu", "device", {"cpu": "cpu"}, {"cuda:0": "cpu"}, "callable"])
def test_map_location_to_the_cpu_loads(location):
    def load_with(lib):
        where = {"device": lib.device("cpu"), "callable": lambda storage, tag: storage}.get(location, location) \
            if isinstance(location, str) else location
        return shape_of(round_trip(lib, {"w": lib.ones(2)}, map_location=where))

    assert load_with(mt) == load_with(torch)


def test_saving_into_a_missing_folder_or_onto_a_folder_raises_torchs_error_type(tmp_path):
    for lib in (torch, mt):
        with pytest.raises(RuntimeError) as error:
            lib.save({"w": lib.ones(1)}, tmp_path / "missing" / f"{lib.__name__}.pt")
        if lib is torch:
            expected = str(error.value)
    assert str(error.value).replace("minitorch_ref.pt", "torch.pt") == expected
    for lib in (torch, mt):
        with pytest.raises(RuntimeError):
            lib.save({"w": lib.ones(1)}, tmp_path)
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.*.tmp"))  # no temporary file left beside it


def test_torchs_keyword_options_are_accepted(tmp_path):
    def with_options(lib):
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save({"w": lib.ones(2)}, path, pickle_protocol=2, _use_new_zipfile_serialization=True)
        return shape_of(lib.load(path, mmap=False)), shape_of(lib.load(path, mmap=None))

    assert with_options(mt) == with_options(torch)


class Colour(enum.IntEnum):
    RED = 1


class Row(list):
    pass


Pair = collections.namedtuple("Pair", "a b")


@pytest.mark.parametrize("make", [
    lambda: Pair(1, 2), lambda: collections.defaultdict(list, a=[1]), lambda: Colour.RED, lambda: Row([1]),
], ids=["namedtuple", "defaultdict", "IntEnum", "list-subclass"])
def test_a_subclass_that_would_load_as_its_base_type_is_refused_as_torch_load_refuses_it(make):
    """torch.load(weights_only=True) refuses these; saving them here would give back a plain tuple/dict/int."""
    with pytest.raises(pickle.UnpicklingError):
        round_trip(torch, make())
    with pytest.raises(TypeError, match="subclass"):
        mt.save({"value": make()}, io.BytesIO())


def test_a_counter_loads_as_a_counter():
    counts = collections.Counter("abracadabra")
    assert shape_of(round_trip(mt, {"counts": counts})) == shape_of(round_trip(torch, {"counts": counts}))
