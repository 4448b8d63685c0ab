"""The NumPy token kernel equals its reference rule: `[table[t] for text in texts for t in tokenizer(text)]`."""
from __future__ import annotations

import csv
import io
import re
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import batching, token_kernel
from course.batching import build_vocab_and_encode, encode_rows
from course.datasets import CSVTextDataset
from course.text import (
    BASIC_ENGLISH_RULES,
    _split_tokenizer,
    basic_english,
    build_vocab_from_iterator,
    vocab_from_counts,
)
from course.token_kernel import SPLIT, ByteRules, DistinctTokens, TokenIds, byte_rules, chunk_ids

PIECES = ["<br />", "<br/>", "<BR />", '<br "/>', "'", '"', '""', ".", ",", "(", ")", "!", "?", ";", ":", " ", "\t",
          "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x01", "\x7f", "\x85", "\u00a0", "\u2003", "\u3000", "İ",
          "Σ", "ΑΣ", "ß", "é", "«", "»", "‘", "’", "don't", "U.S.", "A", "b", "<", ">", "/", "-", "🙂",
          "internationalization", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", "ééééé"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.characters(exclude_characters="\x00")),
                 max_size=30).map("".join)


class Recorder:
    """A first-seen numbering that also checks each distinct token is asked for only once."""

    def __init__(self):
        self.tokens: list[str] = []

    def __call__(self, new: list[str]) -> np.ndarray:
        assert not set(new) & set(self.tokens) and len(set(new)) == len(new)
        self.tokens += new
        return np.arange(len(self.tokens) - len(new), len(self.tokens))


def kernel_tokens(chunks, tokenizer):
    """The tokens the kernel finds (ids mapped back through the numbering) and the lengths."""
    numbering = Recorder()
    table = TokenIds(numbering)
    tokens, lengths = [], []
    rules = byte_rules(BASIC_ENGLISH_RULES) if tokenizer is basic_english else SPLIT
    for chunk in chunks:
        result = chunk_ids(chunk, rules, table)
        if result is None:  # only for a text with the separator or a lone surrogate: then text by text
            assert any("\x00" in text or any(0xD800 <= ord(c) < 0xE000 for c in text) for text in chunk)
            result = batching._chunk_ids(chunk, tokenizer, table)
        ids, chunk_lengths, token_at = result
        tokens += [numbering.tokens[i] for i in ids.tolist()]
        lengths += chunk_lengths.tolist()
        assert [token_at(i) for i in range(len(ids))] == [numbering.tokens[i] for i in ids.tolist()]
    return tokens, lengths


@given(st.lists(st.lists(texts, min_size=1, max_size=8), min_size=1, max_size=4))
def test_kernel_equals_the_reference_tokenizers(chunks):
    for tokenizer in (basic_english, _split_tokenizer):
        expected = [tokenizer(text) for chunk in chunks for text in chunk]
        tokens, lengths = kernel_tokens(chunks, tokenizer)
        assert tokens == [t for text_tokens in expected for t in text_tokens]
        assert lengths == [len(t) for t in expected]


def test_separator_in_a_text_is_left_to_the_caller():
    table = TokenIds(Recorder())
    rules = byte_rules(BASIC_ENGLISH_RULES)
    assert chunk_ids(["a\x00b", "c"], rules, table) is None
    assert chunk_ids(["", ""], rules, table)[1].tolist() == [0, 0]


def test_every_non_ascii_whitespace_character_is_known():
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    assert max(map(ord, spaces)) < 0x3001  # the kernel's table stops there
    assert all(token_kernel._NON_ASCII_SPACES.fullmatch(c) for c in spaces if ord(c) >= 128)
    ascii_delimiters = {c for c in spaces if ord(c) < 128} | {"\x00"}
    assert set(np.flatnonzero(token_kernel._IS_DELIMITER).tolist()) == set(map(ord, ascii_delimiters))


def test_tables_grow_and_mixed_routes_give_one_id_per_token():
    numbering = Recorder()
    table = TokenIds(numbering)
    words = [f"w{i}" for i in range(70_000)] + [f"word-number-{i}" for i in range(5_000)]  # > 2**16 keys
    ids, lengths, _ = chunk_ids([" ".join(words)], SPLIT, table)
    assert sorted(numbering.tokens) == sorted(words)
    assert [numbering.tokens[i] for i in ids.tolist()] == words and lengths.tolist() == [len(words)]
    # Strings from another tokenizer take the same routes: known tokens keep their ids.
    others = ["w5", "word-number-7", "x y", "", "a\x00", "🙂" * 5, "w5"]
    other_ids = table.ids(others).tolist()
    assert [numbering.tokens[i] for i in other_ids] == others
    assert other_ids[0] == other_ids[-1] == ids[words.index("w5")]
    assert other_ids[1] == ids[words.index("word-number-7")]


@pytest.mark.parametrize("ascii_only", [False, True])  # ASCII blocks reach the kernel as bytes without quotes
def test_pipeline_on_csv_fields_with_quotes_newlines_and_unicode(tmp_path, ascii_only):
    rng = np.random.default_rng(0)
    pieces_used = [p for p in PIECES if p.isascii() and "\n" not in p] if ascii_only else PIECES
    rows = []
    for i in range(300):
        pieces = rng.choice(pieces_used, size=12).tolist()
        rows.append((int(rng.integers(1, 5)), "".join(pieces[:4]), " ".join(pieces[4:])))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    path = tmp_path / "tricky.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    dataset = CSVTextDataset(path, num_classes=4)
    assert isinstance(next(dataset.iter_chunks(drop_quotes=True))[1], bytes) == ascii_only
    texts = [f"{title} {body}" for _, title, body in rows]
    tokens = [basic_english(text) for text in texts]
    vocab, corpus = build_vocab_and_encode(dataset, basic_english)
    expected = build_vocab_from_iterator(tokens, specials=["<unk>"])
    assert vocab.get_itos() == expected.get_itos()
    assert corpus.ids.tolist() == [vocab[t] for text_tokens in tokens for t in text_tokens]
    assert np.diff(corpus.doc_offsets).tolist() == [len(t) for t in tokens]
    assert encode_rows(dataset, basic_english, vocab).ids.tolist() == corpus.ids.tolist()


def test_byte_rules_of_basic_english_and_rules_the_kernel_refuses():
    assert byte_rules(BASIC_ENGLISH_RULES) == ByteRules(True, b'"', b"'.,()!?", b";:", b"<br />")
    assert byte_rules([("ab", " "), ('"', "")]) is None  # a deletion after the pattern could create matches
    assert byte_rules([(":", " "), ("a:b", " ")]) is None  # an earlier rule would break matches
    assert byte_rules([("abab", " ")]) is None  # could overlap itself
    assert byte_rules([(" x", " ")]) is None  # begins with whitespace
    assert byte_rules([("é", " ")]) is None and byte_rules([(".", "x")]) is None
    assert byte_rules([(".", " . "), (".", "")]) is None  # one rule per character


def test_known_tokens_keep_their_ids_when_a_chunk_grows_the_table():
    numbering = Recorder()
    table = TokenIds(numbering)
    first = [f"a{i}" for i in range(30_000)]  # just under half of the first table (2**16 slots)
    chunk_ids([" ".join(first)], SPLIT, table)
    second = first[::7] + [f"b{i}" for i in range(20_000)] + first[::5]  # known, then enough new to grow it
    ids, _, _ = chunk_ids([" ".join(second)], SPLIT, table)
    assert [numbering.tokens[i] for i in ids.tolist()] == second


LONG = "abcdefghijklmnop"  # 16 bytes: tokens sharing it as a prefix are ordered past the two words
token_strings = st.one_of(st.sampled_from(["", "a", "b", "ab", "é", "\ud800", "a\x00", LONG, LONG + "a", LONG + "b",
                                           LONG + "ab", LONG[:8], LONG[:9], "🙂", "<unk>"]), st.text(max_size=20))


@given(st.dictionaries(token_strings, st.integers(1, 4), max_size=30), st.integers(1, 3),
       st.sampled_from([None, 1, 3, 10]), st.sampled_from([[], ["<unk>"], ["<unk>", "<pad>"]]), st.booleans())
def test_vocabulary_from_counts_kernel_equals_the_reference(counts, min_freq, max_tokens, specials, special_first):
    seen = list(counts)
    order = token_kernel.count_order(seen, np.array(list(counts.values()), dtype=np.int64))
    assert [seen[i] for i in order.tolist()] == sorted(sorted(counts), key=counts.__getitem__, reverse=True)
    try:
        expected = vocab_from_counts(counts, min_freq, specials, special_first, max_tokens)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            batching._vocab_of_counts(DistinctTokens(seen), np.array(list(counts.values())), min_freq, specials,
                                      special_first, max_tokens, None)
        return
    vocab, table = batching._vocab_of_counts(DistinctTokens(seen), np.array(list(counts.values()), dtype=np.int64),
                                             min_freq, specials, special_first, max_tokens, None)
    assert vocab.get_itos() == expected.get_itos()
    assert table.tolist() == [expected.get_stoi().get(token, -1) for token in seen]


@given(st.lists(st.lists(token_strings | st.sampled_from(["a b", " ", "\t"]), min_size=1, max_size=8, unique=True),
                max_size=5, unique_by=tuple), st.lists(st.integers(1, 4), min_size=40, max_size=40),
       st.sampled_from(["<unk>", "a", "", "a\x00", "\ud800", LONG + "a"]))
def test_distinct_tokens_keep_what_a_list_keeps(batches, counts, probe):
    """The bytes store gives the strings, ids, membership and count order a plain list would."""
    store, expected = DistinctTokens(), []
    for batch in batches:
        batch = [token for token in batch if token not in expected]
        if batch:
            assert store.number(batch).tolist() == list(range(len(expected), len(expected) + len(batch)))
            expected += batch
    assert len(store) == len(expected) and store.strings() == expected
    for piece_bytes in (1, 3, 10):  # made piece by piece: every cut falls after a token's separator
        reversed_, positions = [None] * len(expected), np.arange(len(expected))[::-1].copy()
        store.place(reversed_, positions, piece_bytes)
        assert reversed_ == expected[::-1]
        every_other, expected_every_other = ["kept"] * len(expected), ["kept"] * len(expected)
        positions[1::2] = -1  # a negative position: that token is skipped
        for i in range(0, len(expected), 2):
            expected_every_other[len(expected) - 1 - i] = expected[i]
        store.place(every_other, positions, piece_bytes)
        assert every_other == expected_every_other
    assert (probe in store) == (probe in expected)
    counts = np.array(counts[:len(expected)], dtype=np.int64)
    by_reference = sorted(range(len(expected)), key=lambda i: (-counts[i], expected[i]))  # count down, then string
    assert store.order(counts).tolist() == token_kernel.count_order(expected, counts).tolist() == by_reference
    assert store.strings() == expected  # ordering leaves the store as it was
    consumed = [None] * len(expected)
    store.place(consumed, np.arange(len(expected)), 3, consume=True)  # bytes given back piece by piece
    assert consumed == expected and len(store) == 0 and store.strings() == []


def test_consuming_a_store_of_many_pages_gives_every_string():
    """`place(..., consume=True)` gives pages back behind the pieces it has decoded, never ahead of them."""
    tokens = [f"token{i:06d}" for i in range(20_000)]  # 240 KB: dozens of pages
    for piece_bytes in (1000, 4096, 1 << 16):
        store = DistinctTokens()
        for start in range(0, len(tokens), 777):
            store.number(tokens[start:start + 777])
        out = [None] * len(tokens)
        store.place(out, np.arange(len(tokens))[::-1].copy(), piece_bytes, consume=True)
        assert out == tokens[::-1] and len(store) == 0
