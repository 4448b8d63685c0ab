"""Turning (label, text) rows into the `(labels, text, offsets)` batches `EmbeddingBag` eats.

Every batch is NumPy int64 arrays; each backend wraps them with its own
`from_numpy`. `collate_batch` is the PyTorch tutorial's collate function, step for step.
`EncodedCorpus` gives the same batches, but tokenizes and looks up every document only
once (instead of once per epoch) and cuts batches out of flat arrays with NumPy.
"""
from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np

from course.text import (
    BASIC_ENGLISH_RULES,
    Tokenizer,
    Vocab,
    _split_tokenizer,
    basic_english,
    get_tokenizer,
    vocab_from_counts,
)
from course.datasets import CSVTextDataset
from course.token_kernel import (
    SPLIT,
    ByteRules,
    DistinctTokens,
    TokenIds,
    byte_rules,
    chunk_ids,
    normalize,
    normalized_ids,
)

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

    `ids`: all token ids, documents one after another, int32 (half the memory of int64; any
    vocabulary under 2**31 tokens fits); `doc_offsets`: int64, N + 1 entries; `labels`: int64,
    0-based (the dataset's label minus 1). Batches are always int64, as `collate_batch`'s.
    """

    ids: np.ndarray
    doc_offsets: np.ndarray
    labels: np.ndarray

    @classmethod
    def from_tokens(cls, token_lists: Sequence[Sequence[str]], labels: Sequence[int], vocab: Vocab) -> EncodedCorpus:
        """Encode already tokenized documents; `labels` are 0-based."""
        ids = np.array(vocab(chain.from_iterable(token_lists)), dtype=id_dtype(len(vocab)))
        return cls(ids, _offsets_from_lengths(map(len, token_lists), len(token_lists)),
                   np.array(labels, dtype=np.int64))

    @classmethod
    def from_dataset(cls, rows: Iterable[Row], tokenizer: Tokenizer, vocab: Vocab,
                     progress: bool | None = False) -> EncodedCorpus:
        """Tokenize (fast batch path for `basic_english`) and encode `(label, text)` rows, streaming."""
        return encode_rows(rows, tokenizer, vocab, progress)

    def __len__(self) -> int:
        return len(self.labels)

    def _gather(self, indices: np.ndarray, ids_dtype: np.dtype | type = np.int64) -> Batch:
        """Labels, concatenated ids and start offsets of documents `indices`, in that order."""
        starts = self.doc_offsets[indices]
        lengths = self.doc_offsets[indices + 1] - starts
        offsets = np.zeros(len(indices), dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        # Token k of the batch comes from ids[k + (start of its document - its batch offset)].
        positions = np.repeat(starts - offsets, lengths) + np.arange(lengths.sum(), dtype=np.int64)
        return self.labels[indices], self.ids[positions].astype(ids_dtype, copy=False), offsets

    def subset(self, indices: Sequence[int] | np.ndarray) -> EncodedCorpus:
        """A new corpus holding documents `indices`, in that order (e.g. a train/valid split)."""
        labels, ids, offsets = self._gather(np.asarray(indices, dtype=np.int64), self.ids.dtype)
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


# --- Streaming: read, tokenize, count and encode in chunks ------------------------------
# Only one chunk of rows is ever held as strings; what grows with the corpus is the token
# ids (compact arrays), the per-document lengths and labels, and the vocabulary itself.
# A chunk's NumPy temporaries (about 13 bytes per byte of text) are memory touched for the
# first time in a fresh process, and first touches are much of a small file's time: 1,024
# rows (a 256 KB block) keep them near 3.5 MB; 2,048 rows doubled the page faults of the
# 7,600-row AG_NEWS file for about the same throughput on large files.
CHUNK_ROWS = 1024
_SLICE = 1 << 16  # tokens per slice in whole-corpus NumPy passes: temporaries of 256 or 512 KB (see `_reuse_chunk_memory`)
_KERNEL_RULES: dict[Callable, ByteRules] = {_split_tokenizer: SPLIT}
if (_BASIC_ENGLISH_BYTES := byte_rules(BASIC_ENGLISH_RULES)) is not None:  # (it is: tests check)
    _KERNEL_RULES[basic_english] = _BASIC_ENGLISH_BYTES


def _reuse_chunk_memory() -> None:
    """Let a chunk's NumPy temporaries (about 1 MB each) reuse heap memory instead of fresh pages.

    glibc's malloc maps blocks over its threshold (128 KB at start) from the system and
    unmaps them when freed, so every temporary of every chunk page-faults on first touch:
    measured, 2 to 3 times the pipeline's page faults and a fifth of its time on 10,000
    rows. glibc raises the threshold to the size of the last mapped block freed (mallopt(3),
    "dynamic mmap threshold"): one 4 MiB block allocated (never touched) and freed keeps
    smaller blocks on the heap, where freed memory is reused, while larger ones (the
    corpus' arrays) still go back to the system. (Large hash tables and the distinct
    tokens' bytes take their own mappings: see `course.token_kernel._mapped_zeros`.)
    Elsewhere a no-op.
    """
    global _REUSING_CHUNK_MEMORY
    if not _REUSING_CHUNK_MEMORY:
        block = np.empty(4 << 20, dtype=np.uint8)
        del block
        _REUSING_CHUNK_MEMORY = True


_REUSING_CHUNK_MEMORY = False


def _release_free_heap() -> None:
    """Give the heap's free memory back to the system (glibc's `malloc_trim`); elsewhere a no-op.

    With the threshold `_reuse_chunk_memory` raises, freed temporaries (a chunk's, the
    vocabulary's sort keys) stay mapped for reuse: glibc returns only a free top of the heap.
    The vocabulary's strings cannot reuse that memory (Python keeps small objects apart), so
    they would come on top of it. `build_vocab_and_encode` calls this after the stream and
    before the strings of a large vocabulary: at a million rows (261,000 distinct tokens) the
    end of the pipeline then peaks no higher than the stream did. For a small vocabulary it
    would not lower the peak (the stream is the peak then), and the memory it unmaps would
    only be touched again: in a fresh process, first touches (page faults) are much of a
    small file's time (measured on 10,000 rows: 2 ms, 6%).
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):
        return
    trim(0)


_LARGE_VOCABULARY = 50_000  # distinct tokens from which the vocabulary's strings outgrow the stream's tables


def _row_chunks(rows: Iterable[Row], chunk_rows: int | None = None, drop_quotes: bool = False
                ) -> Iterator[tuple[list[int], list[str] | bytes]]:
    """`(labels, texts)` lists of up to `chunk_rows` rows (default `CHUNK_ROWS`); CSV datasets give them directly.

    `drop_quotes`: a CSV dataset may give a chunk's texts as bytes (see `CSVTextDataset.iter_chunks`).
    """
    chunk_rows = CHUNK_ROWS if chunk_rows is None else chunk_rows
    if isinstance(rows, CSVTextDataset):
        yield from rows.iter_chunks(chunk_rows, drop_quotes=drop_quotes)
        return
    iter_chunks = getattr(rows, "iter_chunks", None)
    if callable(iter_chunks):
        yield from iter_chunks(chunk_rows)
        return
    iterator = iter(rows)
    while chunk := list(islice(iterator, chunk_rows)):
        yield [int(label) for label, _ in chunk], [text for _, text in chunk]


def _chunk_ids(texts: Sequence[str], tokenizer: Tokenizer, table: TokenIds
               ) -> tuple[np.ndarray, np.ndarray, Callable[[int], str]]:
    """Ids of all tokens of `texts`, tokens per text, and token i as a string (for errors).

    `basic_english` and `str.split` go through the NumPy kernel (`course.token_kernel`); any
    other tokenizer, or a chunk whose texts contain the kernel's separator, text by text.
    """
    rules = _KERNEL_RULES.get(tokenizer)
    if rules is not None:
        result = chunk_ids(texts, rules, table)
        if result is not None:
            return result
    token_lists = [tokenizer(text) for text in texts]
    tokens = list(chain.from_iterable(token_lists))
    return table.ids(tokens), np.array([len(t) for t in token_lists], dtype=np.int64), tokens.__getitem__


class _Progress:
    """A tqdm bar over the bytes of a CSV file (or the rows of another iterable), if wanted.

    `enabled=None` shows it when tqdm is installed and stderr is a terminal (tqdm's rule).
    """

    def __init__(self, rows: Iterable[Row], desc: str, enabled: bool | None) -> None:
        self._bar = None
        path = getattr(rows, "path", None)
        self._bytes = path is not None
        if enabled is False:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        total = Path(path).stat().st_size if self._bytes else None
        self._bar = tqdm(total=total, desc=desc, unit="B" if self._bytes else " rows",
                         unit_scale=True, disable=None if enabled is None else False, leave=False)

    def update(self, labels: Sequence[int], texts: Sequence[str] | bytes) -> None:
        if self._bar is not None:  # bytes: the text's UTF-8 size is close enough to the row's
            size = len(texts) if isinstance(texts, bytes) else sum(map(len, texts))
            self._bar.update(size + 10 * len(labels) if self._bytes else len(labels))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def id_dtype(vocab_size: int) -> type:
    """The compact dtype of token ids: int32, or int64 for a vocabulary of 2**31 tokens or more."""
    return np.int32 if vocab_size < 2**31 else np.int64


def _concatenate(chunks: list[np.ndarray], total: int | None = None, dtype: type = np.int64) -> np.ndarray:
    """Concatenate integer chunks into one array, releasing each chunk once copied."""
    total = sum(map(len, chunks)) if total is None else total
    out = np.empty(total, dtype=dtype)  # pages are committed as they are written
    # Last chunk first: the most recently allocated memory is at the top of the C heap, so
    # each free can go back to the system at once and the peak stays near one copy.
    end = total
    while chunks:
        chunk = chunks.pop()
        out[end - len(chunk):end] = chunk
        end -= len(chunk)
    return out


def _token_bound(rows: Iterable[Row], tokenizer: Tokenizer) -> int | None:
    """An upper bound on the number of tokens of a CSV dataset: its size in bytes.

    For `basic_english` and `str.split`, every token holds at least one character of the
    text (rules only add spaces around a character or delete one), and a character is at
    least one byte of the file. Other tokenizers (or plain rows) have no bound.
    """
    path = getattr(rows, "path", None)
    if path is None or tokenizer not in _KERNEL_RULES:
        return None
    return Path(path).stat().st_size


class _Column:
    """Integers appended a chunk at a time, ending as one array, with at most one copy of them in memory.

    With a known bound (from the CSV file's size), they go straight into one `np.empty` array
    of that many entries: the system gives it pages only as they are written, and the final
    shrink (`realloc`) does not copy. Otherwise (or if the system refuses that much address
    space) chunks are collected and concatenated at the end.
    """

    def __init__(self, bound: int | None, dtype: type, first: Sequence[int] = ()) -> None:
        self.dtype = dtype
        try:
            self._out = np.empty(0 if bound is None else bound + len(first), dtype=dtype)
        except (MemoryError, ValueError):
            self._out = np.empty(0, dtype=dtype)
        self._filled = 0
        self._chunks: list[np.ndarray] = []
        self.append(np.asarray(first, dtype=dtype))

    def append(self, values: np.ndarray) -> None:
        if not self._chunks and self._filled + len(values) <= len(self._out):
            self._out[self._filled:self._filled + len(values)] = values
            self._filled += len(values)
        else:
            self._chunks.append(values.astype(self.dtype))

    def result(self) -> np.ndarray:
        if self._chunks:
            return _concatenate([self._out[:self._filled].copy(), *self._chunks], None, self.dtype)
        self._out.resize(self._filled, refcheck=False)  # we hold the only reference
        return self._out


def _encode_stream(rows: Iterable[Row], tokenizer: Tokenizer, table: TokenIds, dtype: type,
                   progress: bool | None, desc: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stream `rows` through `table`: `(ids, doc_offsets, labels)`, labels 0-based, each one `_Column`."""
    path = getattr(rows, "path", None)
    row_bound = Path(path).stat().st_size if path is not None else None  # a row takes at least one byte
    ids_out = _Column(_token_bound(rows, tokenizer), dtype)
    offsets, zero_based = _Column(row_bound, np.int64, [0]), _Column(row_bound, np.int64)
    tokens_so_far = 0
    bar = _Progress(rows, desc, progress)
    rules = _KERNEL_RULES.get(tokenizer)
    _reuse_chunk_memory()
    try:
        for labels, texts in _row_chunks(rows, drop_quotes=rules is not None and b'"' in rules.deleted):
            if isinstance(texts, bytes):  # ASCII texts without quotes, joined: straight to the kernel
                ids, lengths, token_at = normalized_ids(normalize(texts, rules), rules, table)
            else:
                ids, lengths, token_at = _chunk_ids(texts, tokenizer, table)
            if len(ids) and ids.min() < 0:  # the lookup's mark for an unknown token without a default
                token = token_at(int(np.argmax(ids < 0)))
                raise RuntimeError(f"Token {token} not found and default index is not set")
            del token_at  # (it holds the chunk's bytes and token bounds: free them before the next chunk)
            ids_out.append(ids)
            offsets.append(np.cumsum(lengths, dtype=np.int64) + tokens_so_far)
            tokens_so_far += len(ids)
            zero_based.append(np.array(labels, dtype=np.int64) - 1)
            bar.update(labels, texts)
            del ids, lengths, labels, texts
    finally:
        bar.close()
    return ids_out.result(), offsets.result(), zero_based.result()


def encode_rows(rows: Iterable[Row], tokenizer: Tokenizer, vocab: Vocab, progress: bool | None = False
                ) -> EncodedCorpus:
    """Encode `(label, text)` rows with a fixed vocabulary, streaming (what `from_dataset` does).

    Unknown tokens get the default index; without one, the first unknown token (in text
    order) raises torchtext's RuntimeError.
    """
    stoi = vocab.get_stoi()
    default = vocab.get_default_index()
    missing = -1 if default is None else default

    def lookup(tokens: list[str]) -> np.ndarray:
        return np.fromiter(map(stoi.get, tokens, repeat(missing)), dtype=np.int64, count=len(tokens))

    dtype = id_dtype(len(vocab))
    return EncodedCorpus(*_encode_stream(rows, tokenizer, TokenIds(lookup), dtype, progress, "encode"))


def _remap(ids: np.ndarray, table: np.ndarray) -> None:
    """`ids[:] = table[ids]` in place, a slice at a time (no second corpus-sized array)."""
    for start in range(0, len(ids), _SLICE):
        ids[start:start + _SLICE] = table.take(ids[start:start + _SLICE])


def build_vocab_and_encode(
    rows: Iterable[Row],
    tokenizer: Tokenizer,
    min_freq: int = 1,
    specials: Sequence[str] | None = ("<unk>",),
    special_first: bool = True,
    max_tokens: int | None = None,
    default_token: str | None = "<unk>",
    progress: bool | None = False,
) -> tuple[Vocab, EncodedCorpus]:
    """Build the vocabulary from `rows` and encode them, touching each token only once.

    Gives exactly `build_vocab_from_iterator(tokens, min_freq, specials, special_first,
    max_tokens)` followed by `set_default_index(vocab[default_token])` and `from_dataset`.
    Why it is faster: counting and looking up are one pass instead of two. Every distinct
    token gets a temporary id (in order of first occurrence), NumPy counts those ids, and
    the final ids are a table lookup on the temporary ones. It streams: rows are read,
    tokenized and encoded a chunk at a time, so memory holds the ids (4 bytes a token),
    not the texts. `progress`: a tqdm bar (None: only on a terminal).
    """
    seen = DistinctTokens()  # the distinct tokens, by temporary id (as bytes until the vocabulary is built)
    ids, doc_offsets, labels = _encode_stream(rows, tokenizer, TokenIds(seen.number), np.int32, progress,
                                              "vocabulary")
    if len(seen) >= _LARGE_VOCABULARY:
        _release_free_heap()  # (the free heap the chunks' temporaries left, before the vocabulary's memory)
    vocab, table = _vocab_of_counts(seen, _counts(ids, len(seen)), min_freq, specials, special_first, max_tokens,
                                    default_token)
    default = vocab.get_default_index()
    if default is None and (table < 0).any():  # a dropped token (min_freq, max_tokens): the first in text order
        first = seen.strings()[int(ids[np.argmax(table[ids] < 0)])]
        raise RuntimeError(f"Token {first} not found and default index is not set")
    del seen
    _remap(ids, table.astype(ids.dtype, copy=False))
    return vocab, EncodedCorpus(ids, doc_offsets, labels)


def _counts(ids: np.ndarray, size: int) -> np.ndarray:
    """How many times each id in `range(size)` occurs in `ids`.

    (`np.add.at` reads int32 ids as they are; `np.bincount` would copy them to int64 first.)
    """
    counts = np.zeros(size, dtype=np.int64)
    np.add.at(counts, ids, 1)
    return counts


def _vocab_of_counts(seen: DistinctTokens, counts: np.ndarray, min_freq: int, specials: Sequence[str] | None,
                     special_first: bool, max_tokens: int | None, default_token: str | None
                     ) -> tuple[Vocab, np.ndarray]:
    """`vocab_from_counts(dict(zip(seen, counts)), ...)` with its default index, and each seen token's index (-1: none).

    The order comes from `seen.order` (NumPy on the tokens' bytes, equal to `vocab_from_counts`'s
    sort), and the indices from that order, without a dict of counts or a lookup per token;
    the vocabulary's strings are made once, in their final order. A special that was also
    counted takes the reference way (`vocab_from_counts` removes it there).
    """
    specials = list(specials or [])
    if any(special in seen for special in specials):
        strings = seen.strings()
        vocab = vocab_from_counts(dict(zip(strings, counts.tolist())), min_freq, specials, special_first, max_tokens)
        if default_token is not None:
            vocab.set_default_index(vocab[default_token])
        default = vocab.get_default_index()
        return vocab, np.fromiter(vocab.lookup_indices(strings) if default is not None else
                                  map(vocab.get_stoi().get, strings, repeat(-1)), dtype=np.int64, count=len(strings))
    if max_tokens is not None and len(specials) >= max_tokens:
        raise ValueError("len(specials) >= max_tokens, so the vocab will be entirely special tokens.")
    order = seen.order(counts)
    if max_tokens is not None:
        order = order[:max_tokens - len(specials)]  # before the min_freq filter, as the reference
    if min_freq > 1:
        order = order[counts[order] >= min_freq]
    del counts  # (the caller passes the only other reference: see `build_vocab_and_encode`)
    if len(set(specials)) != len(specials):
        Vocab(specials)  # raises torchtext's error
    # Each seen token's index in the vocabulary (-1: dropped), then the strings, made once, straight
    # into their places in the vocabulary's list (no Python int per token, as order.tolist() would make).
    size = len(specials) + len(order)
    special_at, tokens_at = (0, len(specials)) if special_first else (len(order), 0)
    table = np.full(len(seen), -1, dtype=id_dtype(size))
    table[order] = np.arange(tokens_at, tokens_at + len(order))
    del order
    if len(seen) >= _LARGE_VOCABULARY:
        _release_free_heap()  # (the sort's temporaries, before the strings)
    itos: list[str | None] = [None] * size
    itos[special_at:special_at + len(specials)] = specials
    # The tokens' bytes go back to the system as their strings are made, unless a dropped token's
    # string may still be needed: for the error without a default index (see `build_vocab_and_encode`).
    seen.place(itos, table, consume=default_token is not None or size - len(specials) == len(seen))
    vocab = Vocab._of_distinct(itos)  # type: ignore[arg-type]
    if default_token is not None:
        vocab.set_default_index(specials.index(default_token) + special_at if default_token in specials
                                else vocab[default_token])
    default = vocab.get_default_index()
    if default is not None:
        table[table < 0] = default
    return vocab, table


def _offsets_from_lengths(lengths: Iterable[int], n: int) -> np.ndarray:
    """`[0, l0, l0 + l1, ...]`: N + 1 document boundaries from N lengths."""
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(lengths, dtype=np.int64, count=n), out=offsets[1:])
    return offsets


# --- The encoded-corpus cache ------------------------------------------------------------
CACHE_FORMAT = 1
CACHE_FOLDER = ".encoded"  # next to the CSV files
_TOKENIZER_NAMES = {basic_english: "basic_english", _split_tokenizer: "split"}


def encode_dataset(
    dataset: Iterable[Row],
    tokenizer: str | Tokenizer | None = "basic_english",
    vocab: Vocab | None = None,
    *,
    min_freq: int = 1,
    specials: Sequence[str] | None = ("<unk>",),
    special_first: bool = True,
    max_tokens: int | None = None,
    default_token: str | None = "<unk>",
    cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: bool | None = None,
) -> tuple[Vocab, EncodedCorpus]:
    """Encode a dataset, building its vocabulary unless `vocab` is given; cached on disk.

    Without `vocab`: exactly `build_vocab_and_encode(dataset, tokenizer, min_freq, ...)`;
    with it: `(vocab, EncodedCorpus.from_dataset(dataset, tokenizer, vocab))`. Both stream.

    Cache: for a CSV dataset (`AG_NEWS`, `DBpedia`) and a named tokenizer ("basic_english",
    None for `str.split`), the result is saved as one `.npz` file (ids, offsets, labels,
    vocabulary) in `cache_dir`, by default the `.encoded/` folder next to the CSV file, or
    `$XDG_CACHE_HOME/minitorch-course/encoded` when that folder is not writable. It is
    reused while the file's size and modification time, the tokenizer and the vocabulary
    settings (or the given vocabulary) are unchanged; a cache file that fails its checks is
    rebuilt. Writes are atomic; a cache that cannot be written only gives a warning.
    """
    tokenize = get_tokenizer(tokenizer) if tokenizer is None or isinstance(tokenizer, str) else tokenizer
    settings: dict = {"vocab": None if vocab is None else _vocab_digest(vocab)}
    if vocab is None:
        settings.update(min_freq=min_freq, specials=list(specials or []), special_first=special_first,
                        max_tokens=max_tokens, default_token=default_token)
    path = _cache_path(dataset, tokenize, settings, cache_dir) if cache else None
    if path is not None:
        cached = _load_cache(path[0], path[1], vocab)
        if cached is not None:
            return cached
    if vocab is None:
        vocab, corpus = build_vocab_and_encode(dataset, tokenize, min_freq, specials, special_first, max_tokens,
                                               default_token, progress)
    else:
        corpus = encode_rows(dataset, tokenize, vocab, progress)
    if path is not None:
        _save_cache(path[0], path[1], vocab, corpus)
    return vocab, corpus


def _vocab_digest(vocab: Vocab) -> str:

    return hashlib.sha256(json.dumps(vocab.to_dict(), ensure_ascii=False).encode("utf-8")).hexdigest()


def _cache_path(dataset: Iterable[Row], tokenizer: Tokenizer, settings: dict,
                cache_dir: str | Path | None) -> tuple[Path, dict] | None:
    """Where the cache file of this dataset and these settings lives, and its key; None if not cacheable."""
    source = getattr(dataset, "path", None)
    name = _TOKENIZER_NAMES.get(tokenizer)
    if source is None or name is None:
        return None
    source = Path(source)
    info = source.stat()
    key = {"format": CACHE_FORMAT, "folder": str(source.parent.resolve()), "file": source.name, "size": info.st_size, "mtime_ns": info.st_mtime_ns,
           "num_classes": getattr(dataset, "num_classes", None), "tokenizer": name, **settings}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:20]
    if cache_dir is None:
        folder = source.parent / CACHE_FOLDER
        if not _writable(source.parent) and not _writable(folder):
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            folder = base / "minitorch-course" / "encoded"
    else:
        folder = Path(cache_dir)
    return folder / f"{source.name}.{digest}.npz", key


def _writable(folder: Path) -> bool:
    """Whether we may write in `folder`: allowed, and not marked read-only (root may write anywhere)."""
    try:
        return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & 0o222)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs (then its temporary cache file is not a leftover)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours
        return True
    return True


def _cached_vocab(data: dict) -> Vocab:
    """`Vocab.from_dict(data)` without keeping its token -> index dict (built on the first lookup by string).

    As the vocabulary `build_vocab_and_encode` returns: the dict would be a third of a large
    vocabulary's memory, in the peak beside the corpus, and encoding never needs it.
    """
    itos, default = data["itos"], data.get("default_index")
    if not isinstance(itos, list) or len(set(itos)) != len(itos) or not (default is None or type(default) is int):
        raise ValueError("not a vocabulary of distinct tokens")
    vocab = Vocab._of_distinct(itos)
    vocab.set_default_index(default)
    return vocab


def _load_cache(path: Path, key: dict, vocab: Vocab | None) -> tuple[Vocab, EncodedCorpus] | None:
    """The cached `(vocab, corpus)` if `path` holds exactly `key`'s result and passes its checks."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if json.loads(data["key"].tobytes().decode("utf-8")) != key:
                return None
            stored = _cached_vocab(json.loads(data["vocab"].tobytes().decode("utf-8")))  # (before the arrays)
            corpus = EncodedCorpus(data["ids"], data["doc_offsets"], data["labels"])
        offsets, ids, labels = corpus.doc_offsets, corpus.ids, corpus.labels
        num_classes = key["num_classes"] or np.iinfo(np.int64).max
        valid = (ids.dtype in (np.int32, np.int64) and offsets.dtype == labels.dtype == np.int64 and ids.ndim == offsets.ndim == labels.ndim == 1
                 and len(offsets) == len(labels) + 1 and offsets[0] == 0 and offsets[-1] == len(ids)
                 and bool((offsets[1:] >= offsets[:-1]).all())  # (no int64 temporary as np.diff's)
                 and (len(ids) == 0 or 0 <= ids.min() <= ids.max() < len(stored))
                 and (len(labels) == 0 or 0 <= labels.min() <= labels.max() < num_classes)
                 and (vocab is None or stored == vocab))
        if valid:
            return (stored if vocab is None else vocab), corpus
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, EOFError, zipfile.BadZipFile) as error:
        warnings.warn(f"{path}: unreadable encoded-corpus cache ({error}); rebuilding it", stacklevel=3)
        return None
    warnings.warn(f"{path}: encoded-corpus cache failed its checks; rebuilding it", stacklevel=3)
    return None


def _save_cache(path: Path, key: dict, vocab: Vocab, corpus: EncodedCorpus) -> None:
    """Write the cache file atomically; remove leftovers of killed writes and stale entries of the same CSV."""
    def as_bytes(value: object) -> np.ndarray:
        return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)

    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob(f".{key['file']}.*.npz.tmp-*"):
            pid = leftover.name.rpartition("-")[2]
            if not (pid.isdigit() and _alive(int(pid))):  # another process (e.g. a DDP rank) may be writing it
                leftover.unlink(missing_ok=True)
        with open(temporary, "wb") as file:
            _write_npz(file, {"vocab": as_bytes(vocab.to_dict()), "key": as_bytes(key), "ids": corpus.ids,
                              "doc_offsets": corpus.doc_offsets, "labels": corpus.labels})
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        _remove_stale(path, key)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        warnings.warn(f"could not write the encoded-corpus cache {path} ({error}); continuing without it",
                      stacklevel=3)


def _write_npz(file: BinaryIO, arrays: dict[str, np.ndarray], step_bytes: int = 1 << 20) -> None:
    """`np.savez(file, **arrays)` (what `np.load` reads), each array written from its own memory a slice at a time.

    `np.savez` copies an array into 16 MB `bytes` pieces to write it into the archive: a
    transient beside the corpus. Here each slice's buffer goes to the archive as it is.
    """
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array_header_1_0(member, np.lib.format.header_data_from_array_1_0(array))
                flat = array.reshape(-1)
                step = max(step_bytes // max(array.itemsize, 1), 1)
                for start in range(0, len(flat), step):
                    member.write(memoryview(flat[start:start + step]).cast("B"))


def _remove_stale(path: Path, key: dict) -> None:
    """Delete cache files made from an older version of the same CSV file (they can never hit again)."""
    for other in path.parent.glob(f"{key['file']}.*.npz"):
        if other == path:
            continue
        try:
            with np.load(other, allow_pickle=False) as data:
                other_key = json.loads(data["key"].tobytes().decode("utf-8"))
            stale = other_key.get("folder") == key["folder"] and (
                (other_key.get("size"), other_key.get("mtime_ns")) != (key["size"], key["mtime_ns"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            stale = False  # not ours to judge: leave it
        if stale:
            other.unlink(missing_ok=True)
