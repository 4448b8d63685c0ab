"""`DataLoader`: walk a dataset in (optionally shuffled) mini-batches.

A loader is a loop, written out: a sampler gives indices, a `BatchSampler` groups them,
`dataset[i]` fetches each sample and `collate_fn` turns the list of samples into a batch.
`default_collate` stacks like with like: tensors into one tensor with a new first
dimension, numbers into a 1-D tensor, and tuples, lists and dicts field by field.
Everything runs in the main process: `num_workers` is accepted, as torch's, but no worker is started.
"""
from __future__ import annotations

import collections.abc
import copy
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ... import _creation
from ..._creation import as_tensor, tensor
from ..._dtype import float64, int64
from ..._functions import stack
from ..._tensor import Tensor
from ...random import Generator
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

_COLLATE_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def default_collate(batch: list) -> Any:
    """Merge a list of samples into a batch, recursively, as torch's `default_collate`.

    Tensors are stacked; NumPy arrays and NumPy scalars become tensors first; Python floats
    give a float64 tensor and ints an int64 tensor; strings stay a list; a dict is collated
    key by key; a tuple or list field by field (a tuple gives a list, as in torch).
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "USO":
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.number, np.bool_)):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=float64)
    if isinstance(elem, int):  # bool included: a bool tensor, as torch
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: default_collate([sample[key] for sample in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple: keep its type
        return type(elem)(*(default_collate(field) for field in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # (each field is a tuple of the samples' values: a field of strings stays that tuple, as in torch)
        fields = [default_collate(field) for field in zip(*batch)]
        return fields if isinstance(elem, tuple) else _same_sequence(elem, fields)
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def _same_mapping(like: collections.abc.Mapping, values: dict) -> collections.abc.Mapping:
    """`values` in a mapping of `like`'s type (an OrderedDict stays one), as torch: a copy of `like`
    updated (a mutable mapping), or the type built from a dict; a plain dict if neither works."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _same_sequence(like: collections.abc.Sequence, values: list) -> collections.abc.Sequence:
    """`values` in a sequence of `like`'s type (a list subclass stays one), as torch: a copy of `like` with
    its items replaced (a mutable sequence), or the type built from a list; a plain list if neither works
    (a `range`, say)."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, value in enumerate(values):
                clone[i] = value
            return clone
        return type(like)(values)
    except TypeError:
        return values


def default_convert(data: Any) -> Any:
    """Without batching (`batch_size=None`): turn NumPy arrays into tensors, recursively; keep the rest.

    As torch: a mapping keeps its type, a namedtuple too, a plain tuple becomes a list ("backwards
    compatibility" in torch's source), another sequence (but a string) keeps its type when it can."""
    if (isinstance(data, np.ndarray) and data.dtype.kind not in "USO") or isinstance(data, (np.number, np.bool_)):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data


def get_worker_info() -> None:
    """Which loader worker runs this code: `None` in the main process, where every batch is loaded here
    (an `IterableDataset` may call it to split its stream between workers)."""
    return None


class DataLoader:
    """Iterate over `dataset` in batches of `batch_size` (`batch_size=None`: one sample at a time).

    `shuffle=True` draws a new order every epoch from `generator` (or the default generator,
    so `manual_seed` makes it reproducible); `sampler` gives the order yourself;
    `drop_last` skips a last, incomplete batch; `collate_fn` builds a batch from a list of samples.
    `num_workers`, `pin_memory` and the other worker options are accepted and checked as torch does,
    but every batch is loaded in the main process.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | None = None, batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: Any = None, generator: Generator | None = None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        # torch's arguments, in torch's order, with torch's checks, so that torch code runs unchanged. The
        # worker options are kept but unused: every batch is loaded here, in the main process, in order;
        # for a map-style dataset that gives torch's batches (its sampler runs in the main process too).
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if multiprocessing_context is not None and num_workers == 0:
            raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                             f"but got num_workers={num_workers}")
        if num_workers > 0 and isinstance(dataset, IterableDataset):
            # torch's workers would each iterate their own copy of the stream: not reproduced here
            raise NotImplementedError("minitorch_ref's DataLoader loads in the main process: num_workers > 0 "
                                      "is not supported with an IterableDataset; use num_workers=0")
        if isinstance(dataset, IterableDataset):
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                                 f"batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not isinstance(dataset, IterableDataset):
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and sampler is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, multiprocessing_context
        self.prefetch_factor = 2 if num_workers > 0 and prefetch_factor is None else prefetch_factor
        self.persistent_workers, self.pin_memory_device, self.in_order = persistent_workers, pin_memory_device, in_order
        self._IterableDataset_len_called: int | None = None  # see `__len__`
        self.collate_fn = collate_fn or (default_convert if batch_size is None and batch_sampler is None
                                         else default_collate)

    def __iter__(self) -> Iterator[Any]:
        if self.num_workers == 0 and self.timeout != 0:  # (a timeout waits for workers: torch refuses it without)
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if self.pin_memory:  # pinned memory speeds up copies to a GPU: there is none here
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        if isinstance(self.dataset, IterableDataset):
            self._draw_base_seed()
            return _Batches(self._iterate_stream(), self)
        order = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        self._draw_base_seed()
        if self.batch_sampler is None:
            return _Batches((self.collate_fn(self.dataset[i]) for i in order), self)
        return _Batches((self.collate_fn(self._fetch(indices)) for indices in order), self)

    def _fetch(self, indices: list[int]) -> list:
        """The samples of one batch: `dataset.__getitems__(indices)` when the dataset defines it (to read a
        batch at once, as torch's loader asks), else `dataset[i]` one by one."""
        getitems = getattr(self.dataset, "__getitems__", None)
        return getitems(indices) if getitems else [self.dataset[i] for i in indices]

    def _draw_base_seed(self) -> None:
        """torch draws one int64 from `generator` (or the default generator) each time a loader is
        iterated (its workers' base seed); we draw it too, so later random numbers stay torch's.
        Persistent workers keep the seed of their first epoch: then it is drawn once only."""
        if self.persistent_workers and self.num_workers > 0 and hasattr(self, "_base_seed"):
            return
        self._base_seed = int(_creation.empty((), dtype=int64).random_(generator=self.generator).item())

    def _iterate_stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            yield from (self.collate_fn(sample) for sample in self.dataset)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            # an iterable dataset's length is its own word: kept, so that iterating warns if it yields more
            n = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


class _Batches:
    """What iterating a DataLoader gives: its batches one at a time, and `len()` as the loader's (torch's
    loader iterators have one too). Over an `IterableDataset` whose length was asked (`len(loader)`), it
    warns, as torch, when more batches come than that length promised."""

    def __init__(self, batches: Iterator[Any], loader: DataLoader) -> None:
        self._batches, self._loader = batches, loader
        self._num_yielded, self._len_called = 0, loader._IterableDataset_len_called

    def __iter__(self) -> "_Batches":
        return self

    def __next__(self) -> Any:
        batch = next(self._batches)
        self._num_yielded += 1
        if isinstance(self._loader.dataset, IterableDataset) and self._len_called is not None \
                and self._num_yielded > self._len_called:
            warnings.warn(f"Length of IterableDataset {self._loader.dataset} was reported to be {self._len_called}"
                          f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ",
                          stacklevel=2)
        return batch

    def __len__(self) -> int:
        return len(self._loader)
