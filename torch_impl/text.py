"""The course's text pipeline under torchtext's names, with torch tensors.

torchtext (`get_tokenizer`, `build_vocab_from_iterator`, `AG_NEWS`, ...) no longer installs
next to current PyTorch. The one implementation of those names lives in the framework-free
package `course` (shared with the NumPy backend); this module re-exports it and only adds
the step from NumPy arrays to torch tensors, so the course's code reads as it did:

    from torch_impl.text import get_tokenizer, build_vocab_from_iterator, AG_NEWS, collate_batch

`collate_batch` returns `(labels, text, offsets)` as int64 tensors, like the tutorial's.
For training, `EncodedCorpus` (the pre-tokenized path) tokenizes every document once
instead of once per batch per epoch; `to_torch_batch` converts its NumPy batches.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from course.batching import EncodedCorpus, build_vocab_and_encode, encode_dataset
from course.batching import collate_batch as collate_batch_numpy
from course.datasets import (
    AG_NEWS,
    CLASS_NAMES,
    DBpedia,
    SyntheticNews,
    write_synthetic_csv,
)
from course.text import (
    Tokenizer,
    Vocab,
    build_vocab_from_iterator,
    get_tokenizer,
    ngrams_iterator,
    to_map_style_dataset,
    tokenize_lines,
    vocab,
)

__all__ = [
    "AG_NEWS", "CLASS_NAMES", "DBpedia", "EncodedCorpus", "SyntheticNews", "Tokenizer", "Vocab",
    "build_vocab_and_encode", "build_vocab_from_iterator", "collate_batch", "encode_dataset", "get_tokenizer", "ngrams_iterator",
    "to_map_style_dataset", "to_torch_batch", "tokenize_lines", "vocab", "write_synthetic_csv",
]

TorchBatch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def to_torch_batch(batch: Sequence[np.ndarray | torch.Tensor], device: torch.device | str | None = None) -> TorchBatch:
    """NumPy `(labels, text, offsets)` -> int64 torch tensors, on `device` if given.

    `torch.from_numpy` shares the arrays' memory instead of copying them; tensors pass through.
    """
    tensors = []
    for part in batch:
        tensor = torch.from_numpy(np.ascontiguousarray(part, dtype=np.int64)) if isinstance(part, np.ndarray) else part
        tensors.append(tensor if device is None else tensor.to(device, non_blocking=True))
    labels, text, offsets = tensors
    return labels, text, offsets


def collate_batch(batch: Sequence[tuple[int, str]], vocab: Vocab, tokenizer: Tokenizer) -> TorchBatch:
    """The tutorial's `collate_batch` as torch tensors: labels `int(label) - 1`, ids, start offsets.

    Use it as `DataLoader(..., collate_fn=functools.partial(collate_batch, vocab=vocab,
    tokenizer=tokenizer))`.
    """
    return to_torch_batch(collate_batch_numpy(batch, vocab, tokenizer))
