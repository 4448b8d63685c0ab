"""Read blocks of clean CSV records with NumPy: the fast path of `CSVTextDataset.iter_chunks`.

The reference is `csv.reader` (the default dialect) followed by `int(fields[0])` and
`" ".join(fields[1:])`. Most classification CSV files are "clean": one record per line
(`\\n`), every field either unquoted without quotes, or quoted with inner quotes doubled.
For such a block, the structure is a few array operations: a quote count's parity tells
which commas and newlines are outside quotes, and the texts are the bytes that remain once
labels and the quoting are removed. Any block that is not clean in exactly this sense (a
record over several lines, `\\r`, a NUL byte, a stray quote, a label that is not plain
digits, bytes that are not UTF-8) returns None, and the caller reads the rest of the file
with `csv.reader`, which then gives the same results or the same errors as always.
"""
from __future__ import annotations

import numpy as np

_QUOTE, _COMMA, _NEWLINE = 34, 44, 10


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """All positions `starts[i] <= p < stops[i]`, concatenated."""
    sizes = stops - starts
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()))


def _joined_texts(block: bytes, num_fields: int) -> tuple[list[int], np.ndarray, list] | None:
    """`(labels, text bytes, removed positions)`: commas between text fields become spaces (`" ".join`),
    newlines the records' separator (0); the label fields and quoting quotes are still in, at `removed`."""
    parsed = _parse(block, num_fields)
    if parsed is None:
        return None
    data, labels, field_separators, newlines, removed = parsed
    text = data.copy()
    text[field_separators] = 32
    text[newlines] = 0
    return labels, text, removed


def clean_records(block: bytes, num_fields: int) -> tuple[list[int], list[str]] | None:
    """`(labels, texts)` of `block` (whole lines), exactly as `csv.reader` would give them; None if not clean."""
    parsed = _joined_texts(block, num_fields)
    if parsed is None:
        return None
    labels, text, removed = parsed
    keep = np.ones(len(text), dtype=bool)
    for positions in removed:
        keep[positions] = False
    try:
        joined = text[keep][:-1].tobytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    return labels, joined.split("\x00")


def clean_texts_without_quotes(block: bytes, num_fields: int) -> tuple[list[int], bytes | list[str]] | None:
    """`clean_records`, but an ASCII block's texts come as one bytes object without their `"` characters.

    That object is `"\\x00".join(texts).replace('"', "").encode()`: what a tokenizer that
    deletes `"` (`basic_english`) needs, without a string per row. A block that is not ASCII
    gives its texts as `clean_records` does (lowercasing other scripts must see the quotes).
    """
    if not block.isascii():
        return clean_records(block, num_fields)
    parsed = _joined_texts(block, num_fields)
    if parsed is None:
        return None
    labels, text, removed = parsed
    text[removed[0]] = _QUOTE  # the label fields go with the quotes (removed[1:] are quotes already)
    text[-1] = _QUOTE  # the last newline
    return labels, text.tobytes().replace(b'"', b"")


def _parse(block: bytes, num_fields: int
           ) -> tuple[np.ndarray, list[int], np.ndarray, np.ndarray, list[np.ndarray]] | None:
    """The structure of a clean block: `(bytes, labels, field separators, newlines, removed)`; None if not clean.

    `removed`: positions of the label fields with their commas, of the closing quotes and of
    the opening ones (all that is not text).
    """
    if b"\r" in block or b"\x00" in block:
        return None
    if not block.endswith(b"\n"):
        block += b"\n"  # the last line of a file may lack its newline
    data = np.frombuffer(block, dtype=np.uint8)
    quotes = np.flatnonzero(data == _QUOTE)  # quote k opens (k even) or closes (k odd) quoted text
    commas = np.flatnonzero(data == _COMMA)
    newlines = np.flatnonzero(data == _NEWLINE)
    if len(quotes) % 2 or (np.searchsorted(quotes, newlines) % 2).any():
        return None  # a quoted field spans lines: leave it to csv.reader
    if len(quotes):
        commas = commas[np.searchsorted(quotes, commas) % 2 == 0]  # those outside quotes separate fields
    rows = len(newlines)
    if len(commas) != rows * (num_fields - 1) or (
            num_fields > 1 and (np.searchsorted(commas, newlines) != np.arange(1, rows + 1) * (num_fields - 1)).any()):
        return None  # some record has another number of fields
    record_starts = np.empty_like(newlines)
    record_starts[:1] = 0
    record_starts[1:] = newlines[:-1] + 1
    label_ends = commas[::num_fields - 1] if num_fields > 1 else newlines  # the label field's comma
    # An opening quote begins a field or is the second of a doubled pair; a closing quote
    # ends a field or is the first of a pair. Any other quote csv.reader reads differently.
    # (A comma next to an opening or closing quote is outside quotes: a field separator.)
    opening, closing = quotes[0::2], quotes[1::2]
    before = data[np.maximum(opening - 1, 0)]
    at_start = (opening == 0) | (before == _COMMA) | (before == _NEWLINE)
    second_of_pair = np.zeros(len(opening), dtype=bool)
    second_of_pair[1:] = closing[:len(opening) - 1] == opening[1:] - 1
    after = data[closing + 1]  # exists: the block ends with a newline
    first_of_pair = np.zeros(len(closing), dtype=bool)
    first_of_pair[:len(opening) - 1] = second_of_pair[1:]
    if not ((at_start | second_of_pair).all() and (first_of_pair | (after == _COMMA) | (after == _NEWLINE)).all()):
        return None
    # Labels: the first field of each record, one or two ASCII digits once unquoted.
    first, last = record_starts, label_ends
    quoted = data[first] == _QUOTE
    first, last = first + quoted, last - quoted
    size = last - first
    digit = data[first] - np.uint8(48)
    second = data[np.minimum(first + 1, len(data) - 1)] - np.uint8(48)
    if not ((size >= 1) & (size <= 2) & (digit <= 9) & ((size == 1) | (second <= 9))).all():
        return None
    labels = np.where(size == 1, digit, digit.astype(np.int64) * 10 + second).tolist()
    removed = [_ranges(record_starts, label_ends + 1), closing, opening[at_start]]
    return data, labels, commas, newlines, removed
