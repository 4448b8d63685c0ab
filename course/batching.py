"""Turning (label, text) rows into the `(labels, text, offsets)` batches `EmbeddingBag` eats.

Everything here returns NumPy int64 arrays; each backend wraps them with its own
`from_numpy`. `collate_batch` is the PyTorch tutorial's collate function, step for step.
`EncodedCorpus` gives the same batches, but tokenizes and looks up every document only
once (instead of once per epoch) and cuts batches out of flat arrays with NumPy.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

from course.text import Tokenizer, Vocab, tokenize_lines, vocab_from_counts

Batch = tuple[np.ndarray, np.ndarray, np.ndarray]
Row = tuple[int, str]


def collate_batch(batch: Sequence[Row], vocab: Vocab, tokenizer: Tokenizer) -> Batch:
    """The tutorial's `collate_batch`: labels `int(label) - 1`, concatenated ids, start offsets."""
    if not batch:
        raise ValueError("collate_batch needs at least one row")
    labels = np.array([int(label) - 1 for label, _ in batch], dtype=np.int64)
    texts = [np.array(vocab(tokenizer(text)), dtype=np.int64) for _, text in batch]
    lengths = [len(ids) for ids in texts]
    offsets = np.cumsum([0] + lengths[:-1], dtype=np.int64)
    return labels, np.concatenate(texts), offsets


@dataclass(eq=False)  # the generated == would compare arrays elementwise
class EncodedCorpus:
    """A tokenized, numericalized dataset: document `i` is `ids[doc_offsets[i]:doc_offsets[i + 1]]`.

    `ids`: all token ids, int64, documents one after another; `doc_offsets`: int64, N + 1
    entries; `labels`: int64, 0-based (the dataset's label minus 1).
    """

    ids: np.ndarray
    doc_offsets: np.ndarray
    labels: np.ndarray

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]], labels: Sequence[int], vocab: Vocab) -> EncodedCorpus:
        """Encode already tokenized documents; `labels` are 0-based."""
        ids = np.array(vocab(chain.from_iterable(token_lists)), dtype=np.int64)
        return cls(ids, _offsets_from_lengths(map(len, token_lists), len(token_lists)),
                   np.array(labels, dtype=np.int64))

    @classmethod
    def from_dataset(cls, rows: Iterable[Row], tokenizer: Tokenizer, vocab: Vocab) -> EncodedCorpus:
        """Tokenize (fast batch path for `basic_english`) and encode `(label, text)` rows."""
        labels, texts = _split_rows(rows)
        return cls.from_tokens(tokenize_lines(texts, tokenizer), labels, vocab)

    def __len__(self) -> int:
        return len(self.labels)

    def _gather(self, indices: np.ndarray) -> Batch:
        """Labels, concatenated ids and start offsets of documents `indices`, in that order."""
        starts = self.doc_offsets[indices]
        lengths = self.doc_offsets[indices + 1] - starts
        offsets = np.zeros(len(indices), dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        # Token k of the batch comes from ids[k + (start of its document - its batch offset)].
        positions = np.repeat(starts - offsets, lengths) + np.arange(lengths.sum(), dtype=np.int64)
        return self.labels[indices], self.ids[positions], offsets

    def subset(self, indices: Sequence[int] | np.ndarray) -> EncodedCorpus:
        """A new corpus holding documents `indices`, in that order (e.g. a train/valid split)."""
        labels, ids, offsets = self._gather(np.asarray(indices, dtype=np.int64))
        return EncodedCorpus(ids, np.append(offsets, len(ids)), labels)

    def batches(self, batch_size: int, order: Sequence[int] | np.ndarray | None = None,
                drop_last: bool = False) -> Iterator[Batch]:
        """Yield `(labels, text, offsets)` per batch: what `collate_batch` gives for the same rows.

        `order` is the document order (e.g. a shuffled permutation); None means 0..N-1.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        order = np.arange(len(self), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
        stop = len(order) - len(order) % batch_size if drop_last else len(order)
        for start in range(0, stop, batch_size):
            yield self._gather(order[start:start + batch_size])


def build_vocab_and_encode(
    rows: Iterable[Row],
    tokenizer: Tokenizer,
    min_freq: int = 1,
    specials: Sequence[str] | None = ("<unk>",),
    special_first: bool = True,
    max_tokens: int | None = None,
    default_token: str | None = "<unk>",
) -> tuple[Vocab, EncodedCorpus]:
    """Build the vocabulary from `rows` and encode them, touching each token only once.

    Gives exactly `build_vocab_from_iterator(tokens, min_freq, specials, special_first,
    max_tokens)` followed by `set_default_index(vocab[default_token])` and `from_dataset`.
    Why it is faster: counting and looking up are one dict pass instead of two. Every
    distinct token gets a temporary id (the position where it first occurs), NumPy counts
    those ids, and the final ids are a table lookup on the temporary ones.
    """
    labels, texts = _split_rows(rows)
    token_lists = tokenize_lines(texts, tokenizer)
    doc_offsets = _offsets_from_lengths(map(len, token_lists), len(token_lists))
    num_tokens = int(doc_offsets[-1])
    first_seen: dict[str, int] = {}  # token -> position of its first occurrence
    tokens = chain.from_iterable(token_lists)
    temp_ids = np.fromiter(map(first_seen.setdefault, tokens, count()), dtype=np.int64, count=num_tokens)
    first_positions = np.fromiter(first_seen.values(), dtype=np.int64, count=len(first_seen))
    counts = np.bincount(temp_ids, minlength=num_tokens)[first_positions]
    vocab = vocab_from_counts(dict(zip(first_seen, counts.tolist())), min_freq, specials, special_first, max_tokens)
    if default_token is not None:
        vocab.set_default_index(vocab[default_token])
    final_ids = np.zeros(num_tokens, dtype=np.int64)
    final_ids[first_positions] = vocab(first_seen)
    return vocab, EncodedCorpus(final_ids[temp_ids], doc_offsets, np.array(labels, dtype=np.int64))


def _split_rows(rows: Iterable[Row]) -> tuple[list[int], list[str]]:
    """0-based labels and texts of `(label, text)` rows."""
    labels: list[int] = []
    texts: list[str] = []
    for label, text in rows:
        labels.append(int(label) - 1)
        texts.append(text)
    return labels, texts


def _offsets_from_lengths(lengths: Iterable[int], n: int) -> np.ndarray:
    """`[0, l0, l0 + l1, ...]`: N + 1 document boundaries from N lengths."""
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(lengths, dtype=np.int64, count=n), out=offsets[1:])
    return offsets
