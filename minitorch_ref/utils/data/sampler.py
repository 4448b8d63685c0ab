"""Samplers: the order in which a DataLoader visits the indices of a map-style dataset."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized

from ..._generator import resolve
from ...random import Generator
from ... import _creation
from ..._dtype import int64


class Sampler:
    """Yields dataset indices; subclasses define `__iter__` (and `__len__` when known)."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A new random permutation every epoch, as torch draws it.

    With `generator`, the permutation comes from it. Without, each epoch first draws a seed from
    the default generator (a random int64) and shuffles with a fresh generator seeded by it:
    so `manual_seed` makes the epochs reproducible, and the order is torch's.
    """

    def __init__(self, data_source: Sized, generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.generator = generator
        if len(data_source) <= 0:  # (torch checks num_samples, here the dataset's length)
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={len(data_source)}")

    def __iter__(self) -> Iterator[int]:  # a generator function: nothing is drawn before the first index
        generator = self.generator
        if generator is None:
            seed = int(_creation.empty((), dtype=int64).random_().item())
            generator = Generator().manual_seed(seed)
        n = len(self.data_source)
        yield from resolve(generator).randperm(n).tolist()
        # torch then draws one more permutation for the `num_samples % n` leftover indices (none here):
        # drawn all the same, so that a shared `generator` stays in step with torch's
        resolve(generator).randperm(n)

    def __len__(self) -> int:
        return len(self.data_source)


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of `batch_size` (the last one shorter unless dropped)."""

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
