"""`DataLoader`: walk a dataset in (optionally shuffled) mini-batches.

A loader is a loop, written out: a sampler gives indices, a `BatchSampler` groups them,
`dataset[i]` fetches each sample and `collate_fn` turns the list of samples into a batch.
`default_collate` stacks like with like: tensors into one tensor with a new first
dimension, numbers into a 1-D tensor, and tuples, lists and dicts field by field.
Everything runs in the main process (torch's `num_workers=0`).
"""
from __future__ import annotations

import collections.abc
import copy
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
        return [default_collate(field) for field in zip(*batch)]
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


def default_convert(data: Any) -> Any:
    """Without batching (`batch_size=None`): turn NumPy arrays into tensors, recursively; keep the rest.

    As torch: a mapping keeps its type, a namedtuple too, a plain tuple becomes a list ("backwards
    compatibility" in torch's source), a list stays a list."""
    if (isinstance(data, np.ndarray) and data.dtype.kind not in "USO") or isinstance(data, (np.number, np.bool_)):
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, (list, tuple)):
        return [default_convert(d) for d in data]
    return data


class DataLoader:
    """Iterate over `dataset` in batches of `batch_size` (`batch_size=None`: one sample at a time).

    `shuffle=True` draws a new order every epoch from `generator` (or the default generator,
    so `manual_seed` makes it reproducible); `sampler` gives the order yourself;
    `drop_last` skips a last, incomplete batch; `collate_fn` builds a batch from a list of samples.
    """

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | None = None, batch_sampler: Any = None, *,
                 collate_fn: Callable[[list], Any] | None = None, drop_last: bool = False,
                 generator: Generator | None = None) -> None:
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
        self.collate_fn = collate_fn or (default_convert if batch_size is None and batch_sampler is None
                                         else default_collate)

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            self._draw_base_seed()
            return _Batches(self._iterate_stream(), self)
        order = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        self._draw_base_seed()
        if self.batch_sampler is None:
            return _Batches((self.collate_fn(self.dataset[i]) for i in order), self)
        return _Batches((self.collate_fn([self.dataset[i] for i in indices]) for indices in order), self)

    def _draw_base_seed(self) -> None:
        """torch draws one int64 from `generator` (or the default generator) each time a loader is
        iterated (its workers' base seed); we draw it too, so later random numbers stay torch's."""
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
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


class _Batches:
    """What iterating a DataLoader gives: its batches one at a time, and `len()` as the loader's (torch's
    loader iterators have one too)."""

    def __init__(self, batches: Iterator[Any], loader: DataLoader) -> None:
        self._batches, self._loader = batches, loader

    def __iter__(self) -> "_Batches":
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    def __len__(self) -> int:
        return len(self._loader)
