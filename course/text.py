"""A framework-free, torchtext 0.18.0-compatible text pipeline.

torchtext stopped at 0.18.0 and cannot be imported next to torch >= 2.4, yet the course's
text model is built on its `get_tokenizer`, `build_vocab_from_iterator` and `Vocab`. This
module re-implements exactly those names, with the same results token for token and index
for index (checked against golden files produced by the real torchtext), using only the
standard library, so both backends can share it.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from pathlib import Path
from typing import Any

Tokenizer = Callable[[str], list[str]]

# basic_english, in torchtext's order: each rule is a literal replacement applied to the
# whole (lowercased) string before the next one. The order matters: deleting `"` can
# create a `<br />` (`<br "/>`), and `:` -> space must come after it (`<br:/>` stays).
# The final `\s+` -> " " rule of torchtext is left out: `str.split()` makes it a no-op.
BASIC_ENGLISH_RULES: tuple[tuple[str, str], ...] = (
    ("'", " '  "),
    ('"', ""),
    (".", " . "),
    ("<br />", " "),
    (",", " , "),
    ("(", " ( "),
    (")", " ) "),
    ("!", " ! "),
    ("?", " ? "),
    (";", " "),
    (":", " "),
)

# `tokenize_lines` joins lines with this character. No rule contains it and lowercasing
# leaves it alone, so no replacement can reach from one line into the next.
_LINE_SEPARATOR = "\x00"
_BLOCK_LINES = 256  # about 64 KB of news text per block: measured fastest (cache-sized)


def _normalize(text: str) -> str:
    """Lowercase, then apply every rule in order. The single implementation of the rules."""
    text = text.lower()
    for old, new in BASIC_ENGLISH_RULES:
        text = text.replace(old, new)
    return text


def basic_english(line: str) -> list[str]:
    """torchtext's `basic_english` tokenizer: normalise one line, then split on whitespace."""
    return _normalize(line).split()


def tokenize_lines(lines: Sequence[str], tokenizer: Tokenizer | None = None) -> list[list[str]]:
    """`[tokenizer(line) for line in lines]`, with a faster path for `basic_english` (the default).

    The fast path runs the same `_normalize` over blocks of 256 lines joined into one string:
    one `str.replace` per rule and block instead of per rule and line, while the block still
    fits in the CPU cache. A block containing the separator character falls back to the
    per-line function, so the result is always identical. Most of the remaining time is
    `str.split` creating the token strings, which no Python-level trick avoids.
    """
    if tokenizer is not None and tokenizer is not basic_english:
        return [tokenizer(line) for line in lines]
    tokens: list[list[str]] = []
    for start in range(0, len(lines), _BLOCK_LINES):
        block = lines[start:start + _BLOCK_LINES]
        joined = _LINE_SEPARATOR.join(block)
        if joined.count(_LINE_SEPARATOR) == len(block) - 1:
            tokens += [chunk.split() for chunk in _normalize(joined).split(_LINE_SEPARATOR)]
        else:
            tokens += [basic_english(line) for line in block]
    return tokens


def _split_tokenizer(line: str) -> list[str]:
    """torchtext's default tokenizer (`tokenizer=None`): plain `str.split()`."""
    return line.split()


def get_tokenizer(tokenizer: str | Tokenizer | None, language: str = "en") -> Tokenizer:
    """Return a tokenizer like `torchtext.data.utils.get_tokenizer`.

    None -> `str.split`; "basic_english" -> `basic_english` (English only, as torchtext);
    a callable is returned unchanged. The third-party tokenizers torchtext wraps (spacy,
    moses, ...) are not available here.
    """
    if tokenizer is None:
        return _split_tokenizer
    if tokenizer == "basic_english":
        if language != "en":
            raise ValueError("Basic normalization is only available for Enlish(en)")
        return basic_english
    if callable(tokenizer):
        return tokenizer
    raise ValueError(
        f"Requested tokenizer {tokenizer!r}; valid choices are None (str.split), "
        '"basic_english", or a callable that takes a single string as input.'
    )


def ngrams_iterator(token_list: Sequence[str], ngrams: int) -> Iterator[str]:
    """Yield the tokens, then all 2-grams, ..., then all `ngrams`-grams (torchtext's order).

    >>> list(ngrams_iterator(["here", "we", "are"], 2))
    ['here', 'we', 'are', 'here we', 'we are']
    """
    yield from token_list
    for n in range(2, ngrams + 1):
        for gram in zip(*(token_list[i:] for i in range(n))):
            yield " ".join(gram)


class Vocab:
    """torchtext's `Vocab`: a token <-> index mapping with an optional default index.

    Errors are `RuntimeError`s with torchtext's messages. Unlike torchtext's (a C++ object
    inside an `nn.Module`), this one is plain Python: it pickles, and `to_dict`/`save`
    write it as JSON for checkpoints and model folders.
    """

    def __init__(self, tokens: Iterable[str], default_index: int | None = None) -> None:
        self._itos: list[str] = list(tokens)
        self._index: dict[str, int] | None = None
        self._stoi  # noqa: B018  (builds the index now: a duplicate is an error here, as in torchtext)
        self._default_index = default_index

    @classmethod
    def _of_distinct(cls, tokens: list[str]) -> Vocab:
        """A vocabulary of tokens the caller knows to be distinct (`batching` checks that).

        Its token -> index dict is built on the first lookup by string: encoding a corpus
        with the NumPy kernel never needs it, and it is most of a large vocabulary's memory.
        """
        vocab = cls.__new__(cls)
        vocab._itos, vocab._index, vocab._default_index = tokens, None, None
        return vocab

    @property
    def _stoi(self) -> dict[str, int]:
        """token -> index, built on first use."""
        if self._index is None:
            index = dict(zip(self._itos, range(len(self._itos))))
            if len(index) != len(self._itos):
                duplicate = next(token for token, n in Counter(self._itos).items() if n > 1)
                raise RuntimeError(f"Duplicate token found in tokens list: {duplicate}")
            self._index = index
        return self._index

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "_stoi" in state:  # pickled before the index was built lazily
            state["_index"] = state.pop("_stoi")
        self.__dict__.update(state)

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token: str) -> bool:
        return token in self._stoi

    def __getitem__(self, token: str) -> int:
        index = self._stoi.get(token, self._default_index)
        if index is None:
            raise RuntimeError(f"Token {token} not found and default index is not set")
        return index

    def __call__(self, tokens: Iterable[str]) -> list[int]:
        """`vocab(tokens)`: the indices of a list of tokens (torchtext's `forward`)."""
        return self.lookup_indices(tokens)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocab):
            return NotImplemented
        return self._itos == other._itos and self._default_index == other._default_index

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, default_index={self._default_index})"

    def set_default_index(self, index: int | None) -> None:
        """Index returned for unknown tokens; None makes unknown tokens an error again."""
        self._default_index = index

    def get_default_index(self) -> int | None:
        return self._default_index

    def lookup_indices(self, tokens: Iterable[str]) -> list[int]:
        if self._default_index is not None:
            return list(map(self._stoi.get, tokens, repeat(self._default_index)))
        try:
            return [self._stoi[token] for token in tokens]
        except KeyError as missing:
            raise RuntimeError(f"Token {missing.args[0]} not found and default index is not set") from None

    def lookup_token(self, index: int) -> str:
        if not 0 <= index < len(self._itos):
            raise RuntimeError(f"Specified index {index} is out of bounds for vocab of size {len(self._itos)}")
        return self._itos[index]

    def lookup_tokens(self, indices: Iterable[int]) -> list[str]:
        return [self.lookup_token(index) for index in indices]

    def get_itos(self) -> list[str]:
        return list(self._itos)

    def get_stoi(self) -> dict[str, int]:
        return dict(self._stoi)

    def append_token(self, token: str) -> None:
        """Add `token` at the end; an existing token is an error."""
        if token in self._stoi:
            raise RuntimeError(f"Token {token} already exists in the Vocab with index: {self._stoi[token]}")
        self._stoi[token] = len(self._itos)
        self._itos.append(token)

    def insert_token(self, token: str, index: int) -> None:
        """Insert `token` at `index` (0..len), shifting the tokens after it by one.

        torchtext 0.18.0 rejects an existing token with the misleading text "Token ... not
        found in Vocab"; this raises the same RuntimeError with a message that says why.
        """
        if not 0 <= index <= len(self._itos):
            raise RuntimeError(f"Specified index {index} is out of bounds for vocab of size {len(self._itos)}")
        if token in self._stoi:
            raise RuntimeError(f"Token {token} already exists in the Vocab with index: {self._stoi[token]}")
        self._itos.insert(index, token)
        for position in range(index, len(self._itos)):
            self._stoi[self._itos[position]] = position

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: `{"itos": [...], "default_index": int | None}`."""
        return {"itos": list(self._itos), "default_index": self._default_index}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vocab:
        return cls(data["itos"], data.get("default_index"))

    def save(self, path: str | Path) -> None:
        """Write the vocabulary as UTF-8 JSON (what `to_dict` returns), atomically."""
        from course.fileio import atomic_write_text

        atomic_write_text(path, json.dumps(self.to_dict(), ensure_ascii=False))

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read what `save` wrote; a damaged file is a one-line `course.errors.CorruptFileError`."""
        from course.fileio import read_json, vocab_from_data

        return vocab_from_data(read_json(path, what="vocabulary"), str(path))


def vocab(
    ordered_dict: Mapping[str, int],
    min_freq: int = 1,
    specials: Sequence[str] | None = None,
    special_first: bool = True,
) -> Vocab:
    """torchtext's `vocab` factory: tokens in the mapping's order, kept if count >= `min_freq`.

    Specials are removed from the counted tokens and placed first (in the given order) or
    last. Unlike torchtext, the caller's mapping is not modified.
    """
    return _assemble(ordered_dict, ordered_dict, min_freq, specials, special_first)


def _assemble(ordered_tokens: Iterable[str], counts: Mapping[str, int], min_freq: int,
              specials: Sequence[str] | None, special_first: bool) -> Vocab:
    """The `min_freq` and specials rules shared by `vocab` and `vocab_from_counts`."""
    specials = list(specials or [])
    special_set = set(specials)
    if (not counts or min(counts.values()) >= min_freq) and special_set.isdisjoint(counts):
        tokens = list(ordered_tokens)  # every token passes: skip the per-token checks
    else:
        tokens = [token for token in ordered_tokens if counts[token] >= min_freq and token not in special_set]
    return Vocab(specials + tokens if special_first else tokens + specials)


def vocab_from_counts(
    counts: Mapping[str, int],
    min_freq: int = 1,
    specials: Sequence[str] | None = None,
    special_first: bool = True,
    max_tokens: int | None = None,
) -> Vocab:
    """The ordering rules of `build_vocab_from_iterator`, applied to ready-made token counts.

    Tokens are sorted by descending count, ties by Python string order. With `max_tokens`,
    only the first `max_tokens - len(specials)` are kept, *before* the `min_freq` filter
    and before specials are removed (so a special that was counted still uses a slot).
    torchtext checks `len(specials) < max_tokens` with an `assert`; this raises ValueError.
    """
    num_specials = len(specials or [])
    ordered = sorted(counts)  # ties: string order ...
    ordered.sort(key=counts.__getitem__, reverse=True)  # ... kept by this stable sort on count
    if max_tokens is not None:
        if num_specials >= max_tokens:
            raise ValueError("len(specials) >= max_tokens, so the vocab will be entirely special tokens.")
        ordered = ordered[: max_tokens - num_specials]
    return _assemble(ordered, counts, min_freq, specials, special_first)


def build_vocab_from_iterator(
    iterator: Iterable[Iterable[str]],
    min_freq: int = 1,
    specials: Sequence[str] | None = None,
    special_first: bool = True,
    max_tokens: int | None = None,
) -> Vocab:
    """torchtext's `build_vocab_from_iterator`: count the tokens, then `vocab_from_counts`."""
    return vocab_from_counts(Counter(chain.from_iterable(iterator)), min_freq, specials, special_first, max_tokens)


class MapStyleDataset:
    """A list-backed dataset with `__len__` and `__getitem__` (what `DataLoader` needs)."""

    def __init__(self, iter_data: Iterable[Any]) -> None:
        self._data = list(iter_data)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, index: int) -> Any:
        return self._data[index]


def to_map_style_dataset(iter_data: Iterable[Any]) -> MapStyleDataset:
    """torchtext's `to_map_style_dataset`: read an iterable dataset into an indexable one."""
    return MapStyleDataset(iter_data)
