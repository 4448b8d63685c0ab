"""`utils.data`: DataLoader batching, collation, shuffling and random_split, against torch."""
from __future__ import annotations

import warnings
from collections import namedtuple

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.utils import data as tdata

import minitorch_ref as mt
from minitorch_ref.utils import data as mdata

Point = namedtuple("Point", ["x", "y"])


def as_plain(batch):
    """A batch from either backend as nested Python values + (dtype name, list) for tensors."""
    if isinstance(batch, (torch.Tensor, mt.Tensor)):
        return (str(batch.dtype).split(".")[-1], tuple(batch.shape), batch.tolist())
    if isinstance(batch, dict):
        return {k: as_plain(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__, [as_plain(v) for v in batch]
    return batch


def tensor_dataset(backend, n: int = 10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return backend.utils.data.TensorDataset(backend.tensor(x), backend.tensor(y))


@pytest.mark.parametrize("batch_size, drop_last, sizes", [(4, False, [4, 4, 2]), (4, True, [4, 4]), (5, False, [5, 5]),
                                                          (1, False, [1] * 10), (16, True, [])])
def test_batching_matches_torch(batch_size, drop_last, sizes):
    expected = tdata.DataLoader(tensor_dataset(torch), batch_size=batch_size, drop_last=drop_last)
    got = mdata.DataLoader(tensor_dataset(mt), batch_size=batch_size, drop_last=drop_last)
    assert len(got) == len(expected) == len(sizes)
    got_batches = list(got)
    assert [len(b[1]) for b in got_batches] == sizes
    assert [as_plain(b) for b in got_batches] == [as_plain(b) for b in expected]


SAMPLES = {
    "tuple_tensor_int_float": [(np.array([1.0, 2.0], np.float32), 3, 0.5), (np.array([4.0, 5.0], np.float32), 6, 1.5)],
    "dict": [{"a": 1, "b": "x", "c": [1.0, 2.0]}, {"a": 2, "b": "y", "c": [3.0, 4.0]}],
    "numpy_scalars_and_bools": [(np.int32(1), True, np.float64(0.5)), (np.int32(2), False, np.float64(1.5))],
    "namedtuple": [Point(1, 2.0), Point(3, 4.0)],
    "int_matrix": [np.arange(6).reshape(2, 3), np.arange(6, 12).reshape(2, 3)],
}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_default_collate_matches_torch(name):
    samples = SAMPLES[name]
    expected = tdata.default_collate(samples)
    got = mdata.default_collate(samples)
    assert as_plain(got) == as_plain(expected)


def test_default_collate_stacks_tensors_and_keeps_namedtuple_type():
    batch = mdata.default_collate([(mt.tensor([1, 2]), mt.tensor(0.5)), (mt.tensor([3, 4]), mt.tensor(1.5))])
    assert batch[0].tolist() == [[1, 2], [3, 4]] and batch[1].tolist() == [0.5, 1.5]
    assert type(mdata.default_collate(SAMPLES["namedtuple"])) is Point


@pytest.mark.parametrize("samples", [[[1, 2], [3]], [object(), object()], [np.array(["a"]), np.array(["b"])]],
                         ids=["unequal_lists", "object", "string_array"])
def test_default_collate_errors_match_torch(samples):
    with pytest.raises(Exception) as expected:
        tdata.default_collate(samples)
    with pytest.raises(type(expected.value)) as got:
        mdata.default_collate(samples)
    assert str(got.value).split(" at 0x")[0] == str(expected.value).split(" at 0x")[0]


def order_of(loader) -> list[int]:
    return [int(i) for _, labels in loader for i in labels.tolist()]


def test_shuffle_is_reproducible_with_a_generator():
    dataset = tensor_dataset(mt, 50)

    def epochs(seed):
        loader = mdata.DataLoader(dataset, batch_size=8, shuffle=True, generator=mt.Generator().manual_seed(seed))
        return [order_of(loader) for _ in range(3)]

    first = epochs(0)
    assert first == epochs(0)
    assert first != epochs(1)
    assert first[0] != first[1], "each epoch draws a new order"
    assert all(sorted(epoch) == list(range(50)) for epoch in first)
    mt.manual_seed(7)
    a = order_of(mdata.DataLoader(dataset, batch_size=8, shuffle=True))
    mt.manual_seed(7)
    assert order_of(mdata.DataLoader(dataset, batch_size=8, shuffle=True)) == a


def test_sampler_and_custom_collate():
    dataset = tensor_dataset(mt, 6)
    loader = mdata.DataLoader(dataset, batch_size=2, sampler=[5, 4, 3, 2, 1, 0],
                              collate_fn=lambda batch: [int(y) for _, y in batch])
    assert list(loader) == [[5, 4], [3, 2], [1, 0]]
    assert [int(x[1]) for x in mdata.DataLoader(dataset, batch_size=None)] == list(range(6))


class Countdown(mdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n, 0, -1))

    def __len__(self):
        return self.n


def test_iterable_dataset():
    loader = mdata.DataLoader(Countdown(5), batch_size=2)
    assert [b.tolist() for b in loader] == [[5, 4], [3, 2], [1]]
    assert len(loader) == 3 and len(mdata.DataLoader(Countdown(5), batch_size=2, drop_last=True)) == 2


@pytest.mark.parametrize("kwargs", [
    dict(dataset="iterable", shuffle=True), dict(sampler=[0, 1], shuffle=True), dict(batch_size=None, drop_last=True),
    dict(batch_size=0),
])
def test_dataloader_errors_match_torch(kwargs):
    def make(data_module, backend):
        kw = dict(kwargs)
        dataset = Countdown(3) if kw.pop("dataset", None) else tensor_dataset(backend, 3)
        if isinstance(dataset, Countdown) and data_module is tdata:
            dataset = type("TorchCountdown", (tdata.IterableDataset,), {"__iter__": Countdown.__iter__})()
        return data_module.DataLoader(dataset, **kw)

    with pytest.raises(ValueError) as expected:
        make(tdata, torch)
    with pytest.raises(ValueError) as got:
        make(mdata, mt)
    assert str(got.value) == str(expected.value)


def test_subset_and_concat():
    dataset = tensor_dataset(mt, 6)
    subset = mdata.Subset(dataset, [4, 1])
    assert len(subset) == 2 and int(subset[0][1]) == 4
    both = subset + mdata.Subset(dataset, [0])
    assert len(both) == 3 and [int(both[i][1]) for i in range(-3, 3)] == [4, 1, 0, 4, 1, 0]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        mdata.TensorDataset(mt.zeros(3), mt.zeros(4))


# --------------------------------------------------------------------------- random_split
@pytest.mark.parametrize("n, lengths", [
    (10, [7, 3]), (10, [0.5, 0.5]), (10, [0.33, 0.33, 0.34]), (100, [0.95, 0.05]), (7, [0.1, 0.2, 0.7]),
    (3, [0.3, 0.3, 0.4]), (11, [0.25, 0.25, 0.25, 0.25]),
])
def test_random_split_sizes_match_torch(n, lengths):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-length splits warn on both sides
        expected = tdata.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
        got = mdata.random_split(range(n), lengths, generator=mt.Generator().manual_seed(0))
    assert [len(s) for s in got] == [len(s) for s in expected]
    assert sorted(i for s in got for i in s) == list(range(n))


@given(n=st.integers(0, 300), cuts=st.lists(st.integers(1, 100), min_size=1, max_size=5))
def test_random_split_fraction_rounding_property(n, cuts):
    fractions = [c / sum(cuts) for c in cuts]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expected = [len(s) for s in tdata.random_split(range(n), fractions)]
        except ValueError as error:  # sums like 0.999... that torch does not take as fractions
            with pytest.raises(ValueError, match=str(error)):
                mdata.random_split(range(n), fractions)
            return
        got = [len(s) for s in mdata.random_split(range(n), fractions)]
    assert got == expected


def test_random_split_reproducible_and_errors():
    a = mdata.random_split(range(20), [0.5, 0.5], generator=mt.Generator().manual_seed(3))
    b = mdata.random_split(range(20), [0.5, 0.5], generator=mt.Generator().manual_seed(3))
    assert [list(s) for s in a] == [list(s) for s in b] and list(a[0]) != list(range(10))
    for lengths in ([5, 6], [1.2, -0.2]):
        with pytest.raises(ValueError) as expected:
            tdata.random_split(range(10), lengths)
        with pytest.raises(ValueError) as got:
            mdata.random_split(range(10), lengths)
        assert str(got.value) == str(expected.value)


# --------------------------------------------------------------------------- found by a differential probe
def test_unbatched_loading_and_collation_keep_torch_container_types():
    """Without batching a tuple sample becomes a list (torch's "backwards compatibility"); a mapping keeps
    its type (an OrderedDict stays one) when converted and when collated; a field of strings collated
    from tuple samples stays a tuple."""
    from collections import OrderedDict

    def containers(lib, data):
        loaded = next(iter(data.DataLoader(data.TensorDataset(lib.arange(3)), batch_size=None)))
        return (type(loaded).__name__, type(data.default_convert((np.ones(1), 2))).__name__,
                type(data.default_convert(OrderedDict(a=np.ones(1)))).__name__,
                type(data.default_collate([OrderedDict(a=1), OrderedDict(a=2)])).__name__,
                data.default_collate([(1, "a"), (2, "b")])[1])

    assert containers(mt, mdata) == containers(torch, tdata) == ("list", "list", "OrderedDict", "OrderedDict",
                                                                 ("a", "b"))


def test_shuffling_an_empty_dataset_raises_as_torch():
    def make(lib, data):
        data.DataLoader(data.TensorDataset(lib.zeros(0)), shuffle=True)

    with pytest.raises(ValueError) as expected:
        make(torch, tdata)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value") as got:
        make(mt, mdata)
    assert str(got.value) == str(expected.value)


def test_a_loader_iterator_has_the_loaders_length():
    for lib, data in ((mt, mdata), (torch, tdata)):
        batches = iter(data.DataLoader(list(range(5)), batch_size=2))
        assert len(batches) == 3
        next(batches)
        assert len(batches) == 3 and len(list(batches)) == 2
