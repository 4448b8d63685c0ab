"""Split and look up the tokens of many texts at once, with NumPy: the streaming pipeline's kernel.

The reference rule is short: `ids = [table[token] for text in texts for token in
normalize(text).split()]` (`normalize` is `basic_english`'s lowercasing and replacements
from `course.text`, or nothing for `str.split`). Done that way, every token becomes a Python
string and a dict lookup, about 200-400 ns a token. This kernel gives exactly the same ids
without a Python object per token:

1. the texts of a chunk are joined with "\\x00" (no text contains it, or the chunk goes the
   reference way), lowercased at once (lowercasing treats the separator as the end of a
   text) and encoded to UTF-8;
2. the rules are applied to the bytes by kind (`byte_rules` derives the kinds from
   `course.text.BASIC_ENGLISH_RULES` and checks when that equals applying them in order):
   deleted characters are removed, the pattern (`<br />`) and the characters replaced by a
   space become delimiters, the characters replaced by " c " become tokens of their own.
   Tokens start and end where delimiters and those characters cut the bytes; documents end
   at the separators. `str.split`'s non-ASCII whitespace is first made a tab;
3. a token of up to 8 bytes *is* its own key: its bytes read as one little-endian 64-bit
   integer (no token contains a zero byte, so the zero padding is unambiguous); 9 to 16
   bytes make a key of two words. Keys are looked up in bulk in open-addressing hash
   tables of NumPy arrays. Only keys never seen before are decoded back to strings and
   sent to `lookup` (the vocabulary or the first-seen numbering), once per distinct token;
4. longer tokens (rare) are decoded together and looked up in a dict.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

SEPARATOR = "\x00"
# `str.split()` splits on `str.isspace()` characters. The ASCII ones (and our separator) are
# found in the bytes; the others (all below U+3001, checked by a test) are first made spaces.
_ASCII_DELIMITERS = bytes([0]) + "".join(chr(c) for c in range(128) if chr(c).isspace()).encode("ascii")
_NON_ASCII_SPACES = re.compile("[" + "".join(chr(c) for c in range(128, 0x3001) if chr(c).isspace()) + "]")
_IS_DELIMITER = np.zeros(256, dtype=bool)
_IS_DELIMITER[list(_ASCII_DELIMITERS)] = True
_KEY_BYTES = 8
_KEY_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(_KEY_BYTES)] + [2**64 - 1], dtype=np.uint64)
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: multiplicative hashing

Lookup = Callable[[list[str]], np.ndarray]  # distinct token strings -> their ids


class _KeyTable:
    """An open-addressing hash table (linear probing) from byte keys to ids, every step in NumPy.

    A key is `width` 64-bit words: the token's UTF-8 bytes, zero-padded. Its first word is
    never 0 (tokens are not empty and hold no zero byte), so 0 marks an empty slot.
    """

    def __init__(self, width: int, lookup: Lookup, bits: int = 16) -> None:
        self.width = width
        self._lookup = lookup
        self._keys = [np.zeros(1 << bits, dtype=np.uint64) for _ in range(width)]
        self._values = np.zeros(1 << bits, dtype=np.int32)  # ids < 2**31 (see batching.id_dtype)
        self._count = 0

    def _home(self, keys: list[np.ndarray]) -> np.ndarray:
        hashed = keys[0] * _FIBONACCI
        for word in keys[1:]:
            hashed = (hashed ^ word) * _FIBONACCI
        return (hashed >> np.uint64(65 - len(self._values).bit_length())).astype(np.intp)

    def _equal(self, slots: np.ndarray, keys: list[np.ndarray], rows: np.ndarray | slice = slice(None)
               ) -> tuple[np.ndarray, np.ndarray]:
        """Whether the slots hold the keys, and the slots' first words (0: empty)."""
        first = self._keys[0][slots]
        equal = first == keys[0][rows]
        for stored, word in zip(self._keys[1:], keys[1:]):
            equal &= stored[slots] == word[rows]
        return equal, first

    def _find(self, keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The slot of each key (or the empty slot that ends its probe) and whether it was found."""
        mask = len(self._values) - 1
        slots = self._home(keys)
        found, first = self._equal(slots, keys)
        probing = np.flatnonzero(~found & (first != 0))
        while len(probing):
            slots[probing] = (slots[probing] + 1) & mask
            hit, first = self._equal(slots[probing], keys, probing)
            found[probing[hit]] = True
            probing = probing[~hit & (first != 0)]
        return slots, found

    def _insert(self, keys: list[np.ndarray], values: np.ndarray) -> None:
        """Add distinct keys that are not in the table yet (doubling it to keep the load under 1/2)."""
        if 2 * (self._count + len(values)) > len(self._values):
            used = self._keys[0] != 0
            old_keys, old_values = [column[used] for column in self._keys], self._values[used]
            size = len(self._values)
            while 2 * (self._count + len(values)) > size:
                size *= 2
            self._keys = [np.zeros(size, dtype=np.uint64) for _ in range(self.width)]
            self._values = np.zeros(size, dtype=np.int32)
            self._count = 0
            self._insert(old_keys, old_values)
        mask = len(self._values) - 1
        slots = self._home(keys)
        waiting = np.arange(len(values))
        while len(waiting):
            claims = slots[waiting]
            free = self._keys[0][claims] == 0
            claims, first = np.unique(claims[free], return_index=True)  # one claimant per free slot wins
            winners = waiting[free][first]
            for stored, word in zip(self._keys, keys):
                stored[claims] = word[winners]
            self._values[claims] = values[winners]
            placed = np.zeros(len(values), dtype=bool)
            placed[winners] = True
            waiting = waiting[~placed[waiting]]
            slots[waiting] = (slots[waiting] + 1) & mask
        self._count += len(values)

    def ids(self, keys: list[np.ndarray]) -> np.ndarray:
        """Ids of the keys; keys not seen yet are decoded, sent to `lookup` once and remembered."""
        slots, found = self._find(keys)
        if not found.all():
            missing = np.flatnonzero(~found)
            columns = [word[missing] for word in keys]
            if self.width == 1:
                columns[0] = np.sort(columns[0])  # the fastest way to distinct keys here
            else:
                order = np.lexsort(columns[::-1])
                columns = [column[order] for column in columns]
            distinct = np.zeros(len(missing), dtype=bool)
            distinct[0] = True
            for column in columns:
                distinct[1:] |= column[1:] != column[:-1]
            columns = [column[distinct] for column in columns]
            self._insert(columns, np.asarray(self._lookup(_decode_keys(np.stack(columns, axis=1))), dtype=np.int32))
            slots[missing] = self._find([word[missing] for word in keys])[0]
        return self._values[slots]


def _decode_keys(keys: np.ndarray) -> list[str]:
    """The token strings of keys (one row of words each): bytes, zero padding made spaces, decoded and split.

    Table keys never hold whitespace (see `TokenIds.ids`), so the split gives one string per key.
    """
    width = keys.shape[1] * _KEY_BYTES
    rows = np.full((len(keys), width + 1), 32, dtype=np.uint8)  # a space after each key
    rows[:, :width] = keys.astype("<u8").view(np.uint8).reshape(-1, width)
    rows[rows == 0] = 32
    return rows.tobytes().decode("utf-8").split()


class TokenIds:
    """Token -> id for one pass over a corpus; `lookup` gives the ids of tokens not seen yet.

    Tokens of up to 8 and of 9 to 16 UTF-8 bytes live in NumPy hash tables keyed by their
    bytes (one and two 64-bit words); longer ones in a dict. Each distinct token is sent to
    `lookup` once, so `lookup` may number new tokens or read a fixed vocabulary.
    """

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        self.tables = [_KeyTable(1, lookup), _KeyTable(2, lookup)]
        self._long: dict[str, int] = {}

    def long_ids(self, tokens: list[str]) -> np.ndarray:
        """Ids of tokens that are not table keys (see `ids`), via a dict."""
        table = self._long
        new = list(dict.fromkeys(token for token in tokens if token not in table))
        if new:
            table.update(zip(new, np.asarray(self._lookup(new)).tolist()))
        return np.fromiter(map(table.__getitem__, tokens), dtype=np.int64, count=len(tokens))

    def ids(self, tokens: list[str]) -> np.ndarray:
        """Ids of any token strings (e.g. from another tokenizer), each routed as the kernel routes it.

        A table key is a token of 1 to 16 UTF-8 bytes without whitespace or "\\x00": the
        kernel's tokens of that size, and only such strings, so no token has two ids.
        """
        encoded = [token.encode("utf-8") for token in tokens]
        width = np.array([(len(b) + _KEY_BYTES - 1) // _KEY_BYTES if b"\0" not in b and token.split() == [token]
                          else 0 for token, b in zip(tokens, encoded)], dtype=np.int64)
        width[width > len(self.tables)] = 0
        ids = np.empty(len(tokens), dtype=np.int64)
        for table in self.tables:
            rows = width == table.width
            if rows.any():
                size = table.width * _KEY_BYTES
                packed = b"".join(b.ljust(size, b"\0") for b, w in zip(encoded, width) if w == table.width)
                words = np.frombuffer(packed, dtype="<u8").astype(np.uint64).reshape(-1, table.width)
                ids[rows] = table.ids([np.ascontiguousarray(words[:, j]) for j in range(table.width)])
        if not width.all():
            ids[width == 0] = self.long_ids([token for token, w in zip(tokens, width) if w == 0])
        return ids


@dataclass(frozen=True)
class ByteRules:
    """Replacement rules in the shapes the kernel applies to bytes (see `byte_rules`)."""

    lowercase: bool = False
    deleted: bytes = b""  # characters replaced by nothing
    singletons: bytes = b""  # characters replaced by themselves with spaces around: tokens of their own
    spaces: bytes = b""  # characters replaced by a space
    pattern: bytes = b""  # one longer string replaced by a space ("" for none)


SPLIT = ByteRules()  # `str.split`: no lowercasing, no rules


def byte_rules(rules: Sequence[tuple[str, str]], lowercase: bool = True) -> ByteRules | None:
    """`rules` (literal replacements applied in order) as `ByteRules`, or None if the kernel cannot apply them.

    Applying the kinds at once gives the same tokens as applying the rules one by one when:
    each character has one rule, all ASCII and not whitespace; deletions come before the
    pattern (so it is searched after them, as in order); the pattern does not begin or end
    with whitespace, holds no character of an earlier rule and cannot overlap itself (then
    no earlier rule can create or break a match, and its matches are disjoint); later rules
    act on its replacement (a space) not at all.
    """
    kinds: dict[str, str] = {}
    pattern, seen_before_pattern = "", ""
    for old, new in rules:
        if not old.isascii() or old.strip() != old or SEPARATOR in old:
            return None
        if len(old) == 1:
            kind = ("deleted" if new == "" else "singletons" if new.split() == [old] and new.strip() == old
                    else "spaces" if new.isspace() else None)
            if kind is None or old in kinds or (kind == "deleted" and pattern):
                return None
            kinds[old] = kind
            if not pattern:
                seen_before_pattern += old
        elif new.isspace() and not pattern and old.strip() == old:
            if any(old[:k] == old[-k:] for k in range(1, len(old))) or set(old) & set(seen_before_pattern):
                return None
            pattern = old
        else:
            return None

    def of(kind: str) -> bytes:
        return "".join(c for c, k in kinds.items() if k == kind).encode("ascii")

    return ByteRules(lowercase, of("deleted"), of("singletons"), of("spaces"), pattern.encode("ascii"))


def _any_of(chars: np.ndarray, values: bytes) -> np.ndarray:
    found = np.zeros(len(chars), dtype=bool)
    for value in values:
        found |= chars == value
    return found


def chunk_ids(texts: Sequence[str], rules: ByteRules, table: TokenIds
              ) -> tuple[np.ndarray, np.ndarray, Callable[[int], str]] | None:
    """`(ids, lengths, token_at)` of `texts`: int64 ids of all tokens, tokens per text.

    Exactly `[table[t] for text in texts for t in normalize(text).split()]` (`normalize`:
    lowercase if `rules.lowercase`, then the rules) and the token counts; `token_at(i)` is
    token i as a string (for error messages). None when a text contains the separator
    character (the caller then tokenizes text by text).
    """
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:
        return None
    text = joined.lower() if rules.lowercase else joined
    if not text.isascii():  # a tab, not a space: the pattern must not match across it
        text = _NON_ASCII_SPACES.sub("\t", text)
    data = text.encode("utf-8")
    chars = np.frombuffer(data, dtype=np.uint8)
    if rules.deleted and any(value in data for value in rules.deleted):
        chars = chars[~_any_of(chars, rules.deleted)]
        data = chars.tobytes()
    data += bytes(_KEY_BYTES)  # zero padding: a key read near the end stays inside
    size = len(chars)
    # Per byte: delimiter (whitespace, the separator, `spaces`, pattern matches) or singleton;
    # with a delimiter before and after the text.
    delimiter = np.ones(size + 2, dtype=bool)
    inner = delimiter[1:-1]
    np.less_equal(chars, 32, out=inner)  # every delimiter is <= 32, but not every such byte:
    if ((chars - np.uint8(1)) < 8).any() or ((chars - np.uint8(14)) < 14).any():  # 1-8 and 14-27 are not
        inner[:] = _IS_DELIMITER[chars]
    if rules.spaces:
        inner |= _any_of(chars, rules.spaces)
    if rules.pattern:
        width = len(rules.pattern)
        first = np.flatnonzero(chars[:size - width + 1] == rules.pattern[0])
        for k in range(1, width):
            first = first[chars[first + k] == rules.pattern[k]]
        for k in range(width):
            inner[first + k] = True
    if rules.singletons:
        cut = delimiter.copy()  # a cut before and after every delimiter and singleton
        cut[1:-1] |= _any_of(chars, rules.singletons)
        cut = cut[:-1] | cut[1:]  # cut[j]: between byte j - 1 and byte j
        starts = np.flatnonzero(cut[:-1] & ~inner)
        ends = np.flatnonzero(cut[1:] & ~inner) + 1
    else:
        edges = np.flatnonzero(delimiter[1:] != delimiter[:-1])
        starts, ends = edges[0::2], edges[1::2]
    separators = np.flatnonzero(chars == 0)
    cuts = np.searchsorted(starts, separators)  # tokens before each separator
    lengths = np.diff(cuts, prepend=0, append=len(starts))

    token_bytes = ends - starts
    ids = np.empty(len(starts), dtype=np.int64)
    words = np.ndarray((size,), dtype="<u8", buffer=data, strides=(1,))  # 8 bytes from each position
    width = (token_bytes + (_KEY_BYTES - 1)) // _KEY_BYTES  # 64-bit words per token
    for key_table in table.tables:
        rows = np.flatnonzero(width == key_table.width)
        if len(rows):
            first, last_bytes = starts[rows], token_bytes[rows] - (key_table.width - 1) * _KEY_BYTES
            keys = [words[first + j * _KEY_BYTES] for j in range(key_table.width - 1)]
            keys.append(words[first + (key_table.width - 1) * _KEY_BYTES] & _KEY_MASKS[last_bytes])
            ids[rows] = key_table.ids(keys)
    longer = np.flatnonzero(width > len(table.tables))
    if len(longer):
        ids[longer] = table.long_ids(_gather_tokens(data, starts[longer], ends[longer]))

    def token_at(index: int) -> str:
        return data[starts[index]:ends[index]].decode("utf-8")

    return ids, lengths, token_at


def _gather_tokens(data: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The tokens `data[starts[i]:ends[i]]` as strings: copied after each other with a space, then split."""
    sizes = ends - starts + 1  # each token and the byte after it (padding, for the last token)
    first = np.cumsum(sizes) - sizes
    positions = np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))
    gathered = np.frombuffer(data, dtype=np.uint8)[positions]
    gathered[first + sizes - 1] = 32
    return gathered.tobytes().decode("utf-8").split()
