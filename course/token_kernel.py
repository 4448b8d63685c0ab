"""Split and look up the tokens of many texts at once, with NumPy: the streaming pipeline's kernel.

The reference rule is short: `ids = [table[token] for text in texts for token in
normalize(text).split()]` (`normalize` is `basic_english`'s lowercasing and replacements
from `course.text`, or nothing for `str.split`). Done that way, every token becomes a Python
string and a dict lookup, about 200-400 ns a token. This kernel gives exactly the same ids
without a Python object per token, in a few passes over the bytes of a whole chunk:

1. the texts of a chunk are UTF-8 bytes joined by "\\x00" (no text contains it, or the
   chunk goes the reference way; ASCII CSV blocks come so, without their quotes, from
   `course.csv_kernel`). `normalize` lowercases an ASCII chunk with `bytes.lower` and
   deletes characters with `bytes.replace`; other chunks are lowercased as one string
   (which treats the separator as the end of a text) and `str.split`'s non-ASCII
   whitespace becomes a tab;
2. the rules are applied to the bytes by kind (`byte_rules` derives the kinds from
   `course.text.BASIC_ENGLISH_RULES` and checks when that equals applying them in order):
   the pattern (`<br />`) becomes delimiters, and one more `translate` gives each byte its
   class: delimiter (whitespace, the separator, characters replaced by a space), token
   byte, or singleton (a character replaced by " c ", a token of its own). A token starts
   where a byte's class exceeds its left neighbour's "token byte" bit, and ends likewise
   on the right: two comparisons find every token. Documents end at the separators;
3. a token of up to 8 bytes *is* its own key: its bytes read as one little-endian 64-bit
   integer (no token contains a zero byte, so the zero padding is unambiguous); 9 to 16
   bytes make a key of two words. Keys are looked up in bulk in open-addressing hash
   tables of NumPy arrays (`np.take` gathers, vectorized linear probing). Only keys never
   seen before are decoded back to strings and sent to `lookup` (the vocabulary or the
   first-seen numbering), once per distinct token;
4. longer tokens (rare) are decoded together and looked up in a dict.

`count_order` sorts a vocabulary's tokens (count descending, then string order) the same
way, on their bytes.
"""
from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

SEPARATOR = "\x00"
# `str.split()` splits on `str.isspace()` characters. The ASCII ones (and our separator) are
# found in the bytes; the others (all below U+3001, checked by a test) are first made tabs.
_ASCII_DELIMITERS = bytes([0]) + "".join(chr(c) for c in range(128) if chr(c).isspace()).encode("ascii")
_NON_ASCII_SPACES = re.compile("[" + "".join(chr(c) for c in range(128, 0x3001) if chr(c).isspace()) + "]")
_IS_DELIMITER = np.zeros(256, dtype=bool)
_IS_DELIMITER[list(_ASCII_DELIMITERS)] = True
_KEY_BYTES = 8
# The mask of a key's first n bytes (n = 0..8); n = 9 (a longer token) gives 0, a key no
# short token has (the short table holds 0 as a placeholder, so longer tokens cost no branch).
_KEY_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(_KEY_BYTES)] + [2**64 - 1, 0], dtype=np.uint64)
_EMPTY = np.uint64(2**64 - 1)  # an empty slot: byte 0xff never occurs in UTF-8, so no key is all 0xff
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: multiplicative hashing

Lookup = Callable[[list[str]], np.ndarray]  # distinct token strings -> their ids
_GROW_SLICE = 1 << 16  # keys moved at a time when a table grows: temporaries of about 512 KB


def _mapped_zeros(size: int, dtype: type) -> np.ndarray:
    """A zeroed array in its own anonymous memory mapping, given back to the system when the array is freed.

    For the stream's long-lived arrays that grow by doubling: large hash tables (and
    `DistinctTokens` keeps its bytes in a mapping the same way). In the C heap, each outgrown
    copy would leave a hole that the chunks' temporaries then spread over: at a million rows,
    mapping both took 5 MB off the resident memory at the end of the stream (26 to 21 MB
    besides the corpus' arrays). Pages are zero, and cost memory only once written.
    """
    itemsize = np.dtype(dtype).itemsize
    return np.frombuffer(mmap.mmap(-1, max(size * itemsize, 1)), dtype=dtype, count=size)


_MAPPED_SLOTS = 1 << 17  # tables from this size (1 MB of keys) get their own mappings; smaller ones stay in the
# heap, where a small corpus' tables reuse memory the interpreter has already touched (measured on 10,000
# rows: mapped, they cost 1 MB and 3% more time)


class _KeyTable:
    """An open-addressing hash table (linear probing) from byte keys to ids, every step in NumPy.

    A key is `width` 64-bit words: the token's UTF-8 bytes, zero-padded. A first word of all
    0xff bytes marks an empty slot (no UTF-8 text has such a byte).
    """

    def __init__(self, width: int, lookup: Lookup, bits: int = 16) -> None:
        self.width = width
        self._lookup = lookup
        self._allocate(1 << bits)

    def _allocate(self, size: int) -> None:
        zeros = _mapped_zeros if size >= _MAPPED_SLOTS else np.zeros
        self._keys = [zeros(size, np.uint64) for _ in range(self.width)]
        self._keys[0].fill(_EMPTY)
        self._values = zeros(size, np.int32)  # ids < 2**31 (see batching.id_dtype)
        self._shift = np.uint64(65 - size.bit_length())
        self._count = 0

    def _home(self, keys: list[np.ndarray]) -> np.ndarray:
        hashed = keys[0] * _FIBONACCI
        for word in keys[1:]:
            hashed ^= word
            hashed *= _FIBONACCI
        hashed >>= self._shift
        return hashed.view(np.int64)

    def _find(self, keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The slot of each key, and the rows whose key is missing (their slot: the empty one ending the probe)."""
        mask = len(self._values) - 1
        slots = self._home(keys)
        first = self._keys[0]
        stored = first.take(slots)  # (take: faster than indexing with an array)
        differs = stored != keys[0]
        for table_word, word in zip(self._keys[1:], keys[1:]):
            differs |= table_word.take(slots) != word
        pending = np.flatnonzero(differs)
        if not len(pending):
            return slots, pending
        empty = stored[pending] == _EMPTY
        missing = [pending[empty]]
        probing = pending[~empty]
        while len(probing):
            slots[probing] = candidate = (slots[probing] + 1) & mask
            stored = first[candidate]
            found = stored == keys[0][probing]
            for table_word, word in zip(self._keys[1:], keys[1:]):
                found &= table_word[candidate] == word[probing]
            empty = stored == _EMPTY
            missing.append(probing[empty])
            probing = probing[~(found | empty)]
        return slots, np.concatenate(missing)

    def _grow(self, size: int) -> None:
        """Move every key into a table of `size` slots, a slice of the old table at a time."""
        old_keys, old_values = self._keys, self._values
        self._allocate(size)
        for start in range(0, len(old_values), _GROW_SLICE):
            used = np.flatnonzero(old_keys[0][start:start + _GROW_SLICE] != _EMPTY) + start
            self._insert([column[used] for column in old_keys], old_values[used])

    def _insert(self, keys: list[np.ndarray], values: np.ndarray) -> None:
        """Add distinct keys that are not in the table yet (there is room: see `ids`)."""
        mask = len(self._values) - 1
        slots = self._home(keys)
        waiting = np.arange(len(values))
        while len(waiting):
            claims = slots[waiting]
            free = self._keys[0][claims] == _EMPTY
            claimants = waiting[free]
            claims = claims[free]
            # One claimant per free slot wins: each writes its number there (an empty slot's value
            # is unused), one write per slot survives, and the survivors are the winners.
            self._values[claims] = claimants
            won = self._values[claims] == claimants
            claims, winners = claims[won], claimants[won]
            for stored, word in zip(self._keys, keys):
                stored[claims] = word[winners]
            self._values[claims] = values[winners]
            placed = np.zeros(len(values), dtype=bool)
            placed[winners] = True
            waiting = waiting[~placed[waiting]]
            slots[waiting] = (slots[waiting] + 1) & mask
        self._count += len(values)

    def _add(self, keys: list[np.ndarray], slots: np.ndarray, missing: np.ndarray) -> None:
        """Insert the keys of rows `missing` (repeats included), each distinct one with its id from `lookup`.

        `slots[missing]` are the empty slots that ended their probes. Rows claim free slots as
        in `_insert`; a row whose slot then holds its key (it won, or a row with the same key
        did: equal keys probe in step) is placed, the others probe on. No sort is needed.
        """
        mask = len(self._values) - 1
        first = self._keys[0]
        pending, winners = missing, []
        while len(pending):
            at = slots[pending]
            free = first[at] == _EMPTY
            claimants, claims = pending[free], at[free]
            self._values[claims] = claimants  # one write per slot survives: the winner
            won = self._values[claims] == claimants
            for stored, word in zip(self._keys, keys):
                stored[claims[won]] = word[claimants[won]]
            winners.append(claimants[won])
            placed = first[at] == keys[0][pending]
            for stored, word in zip(self._keys[1:], keys[1:]):
                placed &= stored[at] == word[pending]
            pending = pending[~placed]
            slots[pending] = (slots[pending] + 1) & mask
        new = np.concatenate(winners)
        distinct = np.stack([word[new] for word in keys], axis=1)
        self._values[slots[new]] = np.asarray(self._lookup(_decode_keys(distinct)), dtype=np.int32)
        self._count += len(new)

    def ids(self, keys: list[np.ndarray]) -> np.ndarray:
        """Ids (int32) of the keys; keys not seen yet are decoded, sent to `lookup` once and remembered."""
        slots, missing = self._find(keys)
        if len(missing):
            if self._make_room(self._count + len(missing), 4, 5):  # room even if all are distinct
                slots, missing = self._find(keys)
            self._add(keys, slots, missing)
        ids = self._values.take(slots)
        self._make_room(self._count, 1, 2)  # keep the load under 1/2 (short probes)
        return ids

    def _make_room(self, keys: int, numerator: int, denominator: int) -> bool:
        """Double the table until `keys` keys fill at most numerator/denominator of it; whether it grew."""
        size = len(self._values)
        while denominator * keys > numerator * size:
            size *= 2
        if size == len(self._values):
            return False
        self._grow(size)
        return True


def _decode_keys(keys: np.ndarray) -> list[str]:
    """The token strings of keys (one row of words each): bytes, zero padding made spaces, decoded and split.

    Table keys never hold whitespace (see `TokenIds.ids`), so the split gives one string per key.
    """
    width = keys.shape[1] * _KEY_BYTES
    rows = np.full((len(keys), width + 1), 32, dtype=np.uint8)  # a space after each key
    rows[:, :width] = keys.astype("<u8").view(np.uint8).reshape(-1, width)
    rows[rows == 0] = 32
    return rows.tobytes().decode("utf-8").split()


def _table_key(token: str) -> bytes | None:
    """The UTF-8 bytes of a token the kernel could find (no whitespace, no "\\x00", encodable), else None."""
    if SEPARATOR in token or token.split() != [token]:
        return None
    try:
        return token.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None


class TokenIds:
    """Token -> id for one pass over a corpus; `lookup` gives the ids of tokens not seen yet.

    Tokens of up to 8 and of 9 to 16 UTF-8 bytes live in NumPy hash tables keyed by their
    bytes (one and two 64-bit words); longer ones in a dict. Each distinct token is sent to
    `lookup` once, so `lookup` may number new tokens or read a fixed vocabulary.
    """

    def __init__(self, lookup: Lookup) -> None:
        self._lookup = lookup
        # Sized for a small corpus' vocabulary (about 30,000 short tokens and a quarter as many of
        # 9 to 16 bytes under half load); they double as it grows.
        self.tables = [_KeyTable(1, lookup, bits=16), _KeyTable(2, lookup, bits=14)]
        self.tables[0]._insert([np.zeros(1, dtype=np.uint64)], np.full(1, -1, dtype=np.int32))  # the key 0
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
        encoded = list(map(_table_key, tokens))
        width = np.array([0 if b is None else (len(b) + _KEY_BYTES - 1) // _KEY_BYTES for b in encoded], dtype=np.int64)
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


_CLASS_TABLES: dict[ByteRules, bytes] = {}
_DELIMITER, _TOKEN_BYTE, _SINGLETON = 0, 1, 2  # byte classes: a token starts where class > left's & 1


def _class_table(rules: ByteRules) -> bytes:
    """The `bytes.translate` table from a byte to its class under `rules` (deleted bytes are gone by then)."""
    if rules not in _CLASS_TABLES:
        table = bytearray([_TOKEN_BYTE]) * 256
        for byte in _ASCII_DELIMITERS + rules.spaces:
            table[byte] = _DELIMITER
        for byte in rules.singletons:
            table[byte] = _SINGLETON
        _CLASS_TABLES[rules] = bytes(table)
    return _CLASS_TABLES[rules]


def normalize(data: bytes, rules: ByteRules) -> bytes | None:
    """UTF-8 texts joined by "\\x00", lowercased if `rules.lowercase`, `rules.deleted` removed; None if not UTF-8.

    Non-ASCII whitespace becomes a tab (a delimiter the pattern cannot match across). ASCII
    bytes take one `bytes.translate`; others are lowercased as a string (before deleting:
    "Σ" lowercases by what follows it).
    """
    if data.isascii():
        if rules.lowercase:
            data = data.lower()  # ASCII letters only: str.lower() on ASCII
        for byte in rules.deleted:
            if byte in data:
                data = data.replace(bytes([byte]), b"")
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return normalize_text(text, rules)


def normalize_text(text: str, rules: ByteRules) -> bytes:
    """`normalize` of texts joined by "\\x00" as a string (raises UnicodeEncodeError on a lone surrogate)."""
    if text.isascii():
        return normalize(text.encode("ascii"), rules)
    if rules.lowercase:
        text = text.lower()
    return _NON_ASCII_SPACES.sub("\t", text).encode("utf-8").translate(None, rules.deleted)


def chunk_ids(texts: Sequence[str], rules: ByteRules, table: TokenIds
              ) -> tuple[np.ndarray, np.ndarray, Callable[[int], str]] | None:
    """`(ids, lengths, token_at)` of `texts`: ids of all tokens, tokens per text.

    Exactly `[table[t] for text in texts for t in normalize(text).split()]` (`normalize`:
    lowercase if `rules.lowercase`, then the rules) and the token counts; `token_at(i)` is
    token i as a string (for error messages). None when a text contains the separator
    character or a lone surrogate (the caller then tokenizes text by text).
    """
    joined = SEPARATOR.join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:
        return None
    try:
        data = normalize_text(joined, rules)
    except UnicodeEncodeError:
        return None
    return normalized_ids(data, rules, table)


def normalized_ids(data: bytes, rules: ByteRules, table: TokenIds
                   ) -> tuple[np.ndarray, np.ndarray, Callable[[int], str]]:
    """`chunk_ids` of texts already joined and normalized (`normalize`): one text per "\\x00"-separated part."""
    if rules.pattern and rules.pattern in data:
        data = data.replace(rules.pattern, b"\t" * len(rules.pattern))  # delimiters, as the rule's space
    size = len(data)
    padded = b"".join((b"\0", data, bytes(2 * _KEY_BYTES)))  # a delimiter before; keys read past the end stay inside
    del data  # (the chunk's temporaries are dropped as soon as they are used: less memory touched per chunk)
    classes = np.frombuffer(padded.translate(_class_table(rules)), dtype=np.uint8)
    in_word = classes & _TOKEN_BYTE  # a singleton is a token of its own: it neither continues nor joins a word
    starts = np.flatnonzero(classes[1:] > in_word[:-1])  # data position p is padded position p + 1
    token_bytes = np.flatnonzero(classes[:-1] > in_word[1:])  # where tokens end, made their lengths below
    del classes, in_word
    token_bytes -= starts
    separators = np.flatnonzero(np.frombuffer(padded, dtype=np.uint8, count=size, offset=1) == 0)
    cuts = np.searchsorted(starts, separators)  # tokens before each separator
    lengths = np.diff(cuts, prepend=0, append=len(starts))

    words = np.ndarray((size + 1,), dtype="<u8", buffer=padded, offset=1, strides=(1,))  # 8 bytes from each position
    keys = words.take(starts)
    keys &= _KEY_MASKS.take(token_bytes, mode="clip")  # over 8 bytes: mask 0, key 0 (their ids come below)
    ids = table.tables[0].ids([keys])
    del keys
    longer = np.flatnonzero(token_bytes > _KEY_BYTES)
    if len(longer):
        two_words = token_bytes[longer] <= 2 * _KEY_BYTES
        rows = longer[two_words]
        if len(rows):
            first = starts[rows]
            second = words[first + _KEY_BYTES] & _KEY_MASKS[token_bytes[rows] - _KEY_BYTES]
            ids[rows] = table.tables[1].ids([words[first], second])
        rows = longer[~two_words]
        if len(rows):
            ids[rows] = table.long_ids(_gather_tokens(padded, starts[rows] + 1, starts[rows] + 1 + token_bytes[rows]))

    def token_at(index: int) -> str:
        start = starts[index] + 1
        return padded[start:start + token_bytes[index]].decode("utf-8")

    return ids, lengths, token_at


def _gather_tokens(data: bytes | bytearray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The tokens `data[starts[i]:ends[i]]` (none holds "\\x00") as strings: copied one after another, each
    followed by a "\\x00", then split."""
    sizes = ends - starts + 1  # each token and the byte after it (padding, for the last token)
    first = np.cumsum(sizes) - sizes
    positions = np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))
    gathered = np.frombuffer(data, dtype=np.uint8)[positions]
    gathered[first + sizes - 1] = 0
    return gathered[:-1].tobytes().decode("utf-8").split(SEPARATOR)


def count_order(tokens: Sequence[str], counts: np.ndarray) -> np.ndarray:
    """Indices of `tokens` by descending count, ties in string order: `vocab_from_counts`'s order.

    The reference (`course.text.vocab_from_counts`) sorts the strings, then sorts stably by
    count. Here the strings are compared by their UTF-8 bytes (see `encoded_count_order`).
    Tokens holding "\\x00" or a lone surrogate are sorted by Python.
    """
    counts = np.asarray(counts, dtype=np.int64)
    encoded = _encode_joined(tokens) if tokens else None
    if encoded is None:
        by_string = np.empty(len(tokens), dtype=np.int64)
        by_string[sorted(range(len(tokens)), key=tokens.__getitem__)] = np.arange(len(tokens))
        return np.lexsort((by_string, -counts))
    return encoded_count_order(encoded + bytes(2 * _KEY_BYTES), counts)


def encoded_count_order(padded: bytes | bytearray, counts: np.ndarray) -> np.ndarray:
    """`count_order` of the tokens in `padded`: their UTF-8 bytes, each followed by "\\x00", then 15 more zero bytes.

    The first 16 bytes of each token are read as two big-endian words (numeric order is byte
    order, which is code point order): one `np.lexsort` with the counts. Tokens longer than
    16 bytes that share those words are ranked among themselves by Python.
    """
    counts = np.asarray(counts, dtype=np.int64)
    size = len(padded) - 2 * _KEY_BYTES  # the end of the last token
    separators = np.flatnonzero(np.frombuffer(padded, dtype=np.uint8, count=size) == 0)
    starts = np.zeros(len(counts), dtype=np.int64)
    starts[1:] = separators + 1
    token_bytes = np.full(len(counts), size, dtype=np.int64)
    token_bytes[:-1] = separators
    token_bytes -= starts
    del separators
    rows = np.flatnonzero(token_bytes > 2 * _KEY_BYTES)
    longer = None
    if len(rows):  # 1 + rank among the tokens over 16 bytes (0 for the others)
        long_tokens = _gather_tokens(padded, starts[rows], starts[rows] + token_bytes[rows])
        longer = np.zeros(len(counts), dtype=np.int64)
        longer[rows[sorted(range(len(rows)), key=long_tokens.__getitem__)]] = np.arange(1, len(rows) + 1)
        del long_tokens
    words = np.ndarray((size + _KEY_BYTES + 1,), dtype="<u8", buffer=padded, strides=(1,))
    first = words[starts]
    first &= _KEY_MASKS[np.minimum(token_bytes, _KEY_BYTES)]
    first.byteswap(inplace=True)  # big-endian: numeric order is byte order
    starts += _KEY_BYTES
    second = words[starts]
    second &= _KEY_MASKS[np.clip(token_bytes - _KEY_BYTES, 0, _KEY_BYTES)]
    second.byteswap(inplace=True)
    del words, starts, token_bytes
    keys = [second, first, -counts]
    if longer is not None:
        keys.insert(0, longer)
    return np.lexsort(keys)


def _encode_joined(tokens: Sequence[str]) -> bytes | None:
    """`"\\x00".join(tokens)` in UTF-8; None if a token holds "\\x00" or a lone surrogate."""
    joined = SEPARATOR.join(tokens)
    if joined.count(SEPARATOR) != len(tokens) - 1:
        return None
    try:
        return joined.encode("utf-8")
    except UnicodeEncodeError:
        return None


class DistinctTokens:
    """Distinct tokens in order of first occurrence, kept as UTF-8 bytes (each followed by "\\x00").

    A str object costs about 50 bytes besides its characters: most of a large vocabulary's
    memory. While a corpus streams, its new tokens wait here at one byte a character (plus
    the separator) and become strings once, for the vocabulary. `number` is a `TokenIds`
    lookup: new tokens get the next ids. If a token cannot be kept so (it holds "\\x00" or a
    lone surrogate: only other tokenizers make such), all are kept as a list of strings.
    The bytes live in their own memory mapping (see `_mapped_zeros`), zero after the last
    token's "\\x00": the padding `encoded_count_order` reads.
    """

    _PADDING = 2 * _KEY_BYTES - 1  # zero bytes after the last token's "\x00": what `encoded_count_order` reads

    def __init__(self, tokens: Sequence[str] = ()) -> None:
        self._clear()
        if tokens:
            self.number(list(tokens))

    def _clear(self) -> None:
        self._map: mmap.mmap | None = mmap.mmap(-1, 1 << 16)
        self._size = 0  # bytes used: the tokens, each with its "\x00"
        self._strings: list[str] = []  # used instead of `_map` once it is None
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def number(self, tokens: list[str]) -> np.ndarray:
        """Remember `tokens` (new, distinct) and give them the next ids."""
        if tokens and self._map is not None:
            encoded = _encode_joined(tokens)
            if encoded is not None:
                self._append(encoded + b"\0")
            else:
                self._strings, self._map = self.strings(), None
        if self._map is None:
            self._strings.extend(tokens)
        self._count += len(tokens)
        return np.arange(self._count - len(tokens), self._count, dtype=np.int64)

    def _append(self, data: bytes) -> None:
        """Add bytes after the last token's, in a mapping twice as large when they do not fit with the padding."""
        needed = self._size + len(data) + self._PADDING
        if needed > len(self._map):
            larger = mmap.mmap(-1, max(2 * len(self._map), needed))
            with memoryview(self._map) as old:
                larger[:self._size] = old[:self._size]
            self._map.close()
            self._map = larger
        self._map[self._size:self._size + len(data)] = data
        self._size += len(data)

    def strings(self) -> list[str]:
        """The tokens as a list of strings, by id."""
        if self._map is None:
            return list(self._strings)
        out: list[str | None] = [None] * self._count
        self.place(out, np.arange(self._count))
        return out  # type: ignore[return-value]

    def place(self, out: list, positions: np.ndarray, piece_bytes: int = 1 << 16, *, consume: bool = False) -> None:
        """`out[positions[i]] = ` token i's string, for every token i with `positions[i] >= 0`.

        The strings are made once, a piece of about `piece_bytes` bytes at a time, straight
        into their places (e.g. a vocabulary's order): no list or array of them all by id
        besides `out`, and no decoded copy of all the bytes. `consume`: each piece's bytes
        go back to the system once made strings (the last piece first), and the store is
        empty afterwards: the bytes and the strings are not both held in full.
        """
        pieces = [(0, self._strings)] if self._map is None else self._pieces(piece_bytes, consume)
        for first, piece in pieces:
            for position, token in zip(positions[first:first + len(piece)].tolist(), piece):
                if position >= 0:
                    out[position] = token
        if consume:
            self._clear()

    def _pieces(self, piece_bytes: int, release: bool) -> Iterator[tuple[int, list[str]]]:
        """`(first id, strings)` of pieces of about `piece_bytes` bytes, from the last token back to the first.

        `release`: each piece's whole pages go back to the system once decoded (`MADV_DONTNEED`;
        where that is missing, they stay until the store is cleared).
        """
        stop, end = self._size - 1, self._count  # stop: the last token's "\x00"
        while end:
            start = self._map.rfind(b"\0", 0, max(stop - piece_bytes, 0)) + 1  # just after a token's "\x00"
            with memoryview(self._map) as view:
                piece = str(view[start:stop], "utf-8").split(SEPARATOR)
            end -= len(piece)
            if release and hasattr(self._map, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
                page = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE  # whole pages only
                if page < len(self._map):
                    self._map.madvise(mmap.MADV_DONTNEED, page, len(self._map) - page)
            yield end, piece
            stop = start - 1

    def __contains__(self, token: str) -> bool:
        if self._map is None:
            return token in self._strings
        key = _encode_joined([token])
        if key is None:  # (then it is not among the tokens kept as bytes)
            return False
        key += b"\0"
        return ((len(key) <= self._size and self._map[:len(key)] == key)
                or self._map.find(b"\0" + key, 0, self._size) >= 0)

    def order(self, counts: np.ndarray) -> np.ndarray:
        """`count_order(self.strings(), counts)`, from the bytes when they are kept (no string per token)."""
        if self._map is None or not self._count:
            return count_order(self.strings(), counts)
        with memoryview(self._map) as view, view[:self._size + self._PADDING] as padded:
            return encoded_count_order(padded, counts)
