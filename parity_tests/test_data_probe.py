"""`utils.data` against torch, second round: what a differential probe found missing or different.

Each test runs the same program on torch and on minitorch_ref and compares the outcomes at run time
(batches with their values, dtypes and container types; orders drawn from the same seeds; lengths;
exception types and messages; warnings): the samplers torch offers besides the plain ones
(`RandomSampler(replacement=, num_samples=)`, `SubsetRandomSampler`, `WeightedRandomSampler`), the
DataLoader's full signature (worker and memory options accepted with torch's checks), abstract
`IterableDataset` and `ChainDataset`, container types kept by collation, batch fetching through
`__getitems__`, and the errors of `stack` inside `default_collate`.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils import data as tdata

import minitorch_ref as mt
from minitorch_ref.utils import data as mdata
from parity_tests.outcomes import assert_matches_torch

DATA = {torch: tdata, mt: mdata}


def assert_same(program):
    """`program(lib, data)` on both: the same values (dtypes, shapes, the types of containers and numbers) and
    warnings, or the same exception and message."""
    assert_matches_torch(lambda m: program(m, DATA[m]), warnings=True, exact=True, container_names=True)


# --------------------------------------------------------------------------- samplers
@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("num_samples", [None, 1, 5, 7, 23, 40, 70])
def test_random_sampler_replacement_and_num_samples(replacement, num_samples):
    """Whole permutations then part of one (without replacement), or `randint` in blocks of 32 (with):
    the same indices as torch, from the default generator and from a `generator=`."""
    def program(lib, data):
        lib.manual_seed(1)
        sampler = data.RandomSampler(range(7), replacement=replacement, num_samples=num_samples)
        seeded = data.RandomSampler(range(7), replacement, num_samples, lib.Generator().manual_seed(3))
        return len(sampler), list(sampler), list(sampler), list(seeded), lib.rand(2)

    assert_same(program)


@pytest.mark.parametrize("make", [
    lambda data: data.RandomSampler(range(7), num_samples=0),
    lambda data: data.RandomSampler(range(7), num_samples=2.0),
    lambda data: data.RandomSampler(range(7), replacement=1),
    lambda data: data.WeightedRandomSampler([1, 2, 3], 0),
    lambda data: data.WeightedRandomSampler([1, 2, 3], True),
    lambda data: data.WeightedRandomSampler([1, 2, 3], 2, replacement=0),
    lambda data: data.WeightedRandomSampler([[1, 2], [3, 4]], 2),
    lambda data: list(data.WeightedRandomSampler([1, 2, 3], 5, replacement=False)),
], ids=["rs_zero", "rs_float", "rs_replacement_int", "wrs_zero", "wrs_bool", "wrs_replacement_int", "wrs_2d",
        "wrs_too_many"])
def test_sampler_argument_errors(make):
    assert_same(lambda lib, data: make(data))


def test_subset_random_and_weighted_samplers():
    def program(lib, data):
        lib.manual_seed(0)
        subset = data.SubsetRandomSampler([5, 7, 9, 11])
        seeded = data.SubsetRandomSampler([5, 7, 9, 11], generator=lib.Generator().manual_seed(1))
        weighted = [data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=r) for r in (True, False)]
        from_tensor = data.WeightedRandomSampler(lib.tensor([1.0, 2.0, 3.0]), 10,
                                                 generator=lib.Generator().manual_seed(5))
        return (len(subset), list(subset), list(subset), list(seeded), [list(w) for w in weighted], len(weighted[0]),
                list(from_tensor), lib.rand(2))

    assert_same(program)


def test_loaders_with_the_new_samplers():
    def program(lib, data):
        lib.manual_seed(0)
        dataset = list(range(10))
        loaders = [data.DataLoader(dataset, batch_size=3, sampler=data.RandomSampler(dataset, True, 20)),
                   data.DataLoader(dataset, batch_size=2, sampler=data.SubsetRandomSampler([1, 3, 5])),
                   data.DataLoader(dataset, batch_size=4, sampler=data.WeightedRandomSampler([1.0] * 9 + [9.0], 8))]
        return [(len(loader), list(loader), list(loader)) for loader in loaders]

    assert_same(program)


# --------------------------------------------------------------------------- DataLoader options
def test_loader_takes_torchs_positional_and_worker_arguments():
    """torch's signature in torch's order (`num_workers` is the 6th, `collate_fn` the 7th); workers and
    pinned memory give the same batches on a map-style dataset, and the options are kept."""
    def program(lib, data):
        lib.manual_seed(0)
        dataset = data.TensorDataset(lib.arange(20, dtype=lib.float32).reshape(10, 2), lib.arange(10))
        shuffled = data.DataLoader(dataset, batch_size=3, shuffle=True, num_workers=2, persistent_workers=True)
        options = data.DataLoader([1], num_workers=2, pin_memory=True)
        return (list(data.DataLoader(list(range(5)), 2, False, None, None, 0, list)), list(shuffled), list(shuffled),
                (options.num_workers, options.prefetch_factor, options.pin_memory, options.timeout, options.in_order),
                lib.rand(2))

    assert_same(program)


@pytest.mark.parametrize("options", [
    dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(num_workers=2, prefetch_factor=-1),
    dict(persistent_workers=True), dict(multiprocessing_context="spawn"), dict(timeout=1), dict(pin_memory=True),
])
def test_loader_option_checks(options):
    """torch's checks of its worker options (at construction; a timeout without workers at iteration) and
    its warning that pinned memory is unused without an accelerator."""
    assert_same(lambda lib, data: list(data.DataLoader(list(range(4)), batch_size=2, **options)))


def test_workers_over_an_iterable_dataset_are_refused_clearly():
    """Not torch's outcome, on purpose: torch's workers would each yield a copy of the stream; ours loads in
    the main process, so it refuses rather than give other batches silently."""
    stream = type("Stream", (mdata.IterableDataset,), {"__iter__": lambda self: iter(range(3))})()
    with pytest.raises(NotImplementedError, match="num_workers > 0 is not supported with an IterableDataset"):
        mdata.DataLoader(stream, batch_size=2, num_workers=2)


def test_get_worker_info_in_the_main_process():
    assert_same(lambda lib, data: data.get_worker_info())


# --------------------------------------------------------------------------- iterable datasets
def stream(data, items, length=None):
    namespace = {"__iter__": lambda self: iter(items)}
    if length is not None:
        namespace["__len__"] = lambda self: length
    return type("Stream", (data.IterableDataset,), namespace)()


@pytest.mark.parametrize("program", [
    lambda lib, data: data.IterableDataset(),
    lambda lib, data: type("NoIter", (data.IterableDataset,), {})(),
    lambda lib, data: (lambda chain: (type(chain).__name__, list(chain), len(chain)))(
        stream(data, [1, 2], 2) + stream(data, [3], 1)),
    lambda lib, data: list(data.DataLoader(stream(data, [1, 2]) + stream(data, [3]), batch_size=2)),
    lambda lib, data: list(data.ChainDataset([stream(data, [1]), [2]])),
    lambda lib, data: len(data.ChainDataset([stream(data, [1], 1), [2]])),
], ids=["base", "no_iter", "add", "add_loader", "chain_non_iterable", "chain_len_non_iterable"])
def test_iterable_dataset_is_abstract_and_adds_into_a_chain(program):
    assert_same(program)


@pytest.mark.parametrize("batch_size", [None, 1])
def test_an_iterable_dataset_longer_than_its_len_warns(batch_size):
    """Once `len(loader)` was asked, torch warns at each batch beyond the dataset's reported length."""
    def program(lib, data):
        loader = data.DataLoader(stream(data, list(range(5)), 3), batch_size=batch_size)
        return len(loader), list(loader)

    assert_same(program)


# --------------------------------------------------------------------------- collation
class Row(list):
    """A list subclass: collation keeps it (torch copies a mutable sequence and replaces its items)."""


@pytest.mark.parametrize("samples", [[Row([1, 2]), Row([3, 4])], [range(2), range(2, 4)]],
                         ids=["list_subclass", "range"])
def test_collation_keeps_the_sequence_type(samples):
    assert_same(lambda lib, data: (data.default_collate(samples), data.default_convert(samples),
                                   data.default_convert(samples[0]), list(data.DataLoader(samples, batch_size=None))))


@pytest.mark.parametrize("make", [lambda lib: [lib.ones(2), 3], lambda lib: [lib.ones(2), np.ones(2)]],
                         ids=["int", "ndarray"])
def test_collating_a_tensor_with_a_non_tensor(make):
    assert_same(lambda lib, data: data.default_collate(make(lib)))


# --------------------------------------------------------------------------- __getitems__
class Table:
    """A dataset that reads a whole batch at once through `__getitems__`, and logs the calls."""

    def __init__(self):
        self.calls = []

    def __len__(self):
        return 5

    def __getitem__(self, i):
        self.calls.append(("one", i))
        return i * 10

    def __getitems__(self, indices):
        self.calls.append(("many", list(indices)))
        return [i * 100 for i in indices]


@pytest.mark.parametrize("wrap", [lambda data, t: t, lambda data, t: data.Subset(t, [4, 3, 0])],
                         ids=["plain", "subset"])
def test_loader_fetches_batches_with_getitems(wrap):
    def program(lib, data):
        table = Table()
        batches = list(data.DataLoader(wrap(data, table), batch_size=2))
        return batches, list(data.DataLoader(wrap(data, table), batch_size=None)), table.calls

    assert_same(program)


def test_subset_getitems_and_subclass_check():
    """A Subset subclass that changes `__getitem__` but not `__getitems__` is refused, as torch does."""
    def program(lib, data):
        subset = data.Subset(list(range(10)), [4, 3])
        custom = type("Custom", (data.Subset,), {"__getitem__": lambda self, i: -1})
        return subset.__getitems__([0, 1]), custom(list(range(5)), [0, 1])

    assert_same(program)
