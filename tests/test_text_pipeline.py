"""torchtext semantics of course.text and course.batching on small hand-built examples."""
from __future__ import annotations

import pickle
import re
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.batching import EncodedCorpus, build_vocab_and_encode, collate_batch
from course.text import (
    Vocab,
    basic_english,
    build_vocab_from_iterator,
    get_tokenizer,
    ngrams_iterator,
    to_map_style_dataset,
    tokenize_lines,
    vocab,
)

# --- get_tokenizer / basic_english -------------------------------------------------------

def test_get_tokenizer_choices():
    assert get_tokenizer(None)("a  b\tc\n") == ["a", "b", "c"]
    assert get_tokenizer("basic_english") is basic_english

    def custom(text):
        return list(text)

    assert get_tokenizer(custom) is custom
    with pytest.raises(ValueError, match="only available for Enlish"):
        get_tokenizer("basic_english", language="fr")
    with pytest.raises(ValueError, match="'spacy'"):
        get_tokenizer("spacy")


def test_basic_english_rules_in_order():
    assert basic_english("You can now install TorchText using pip!") == [
        "you", "can", "now", "install", "torchtext", "using", "pip", "!"]
    assert basic_english("it's") == ["it", "'", "s"]
    assert basic_english('say "hi"') == ["say", "hi"]
    assert basic_english("a<BR />b") == ["a", "b"]          # lowercased first, then matched
    assert basic_english('a<br "/>b') == ["a", "b"]          # `"` is deleted before `<br />`
    assert basic_english("a<br:/>b") == ["a<br", "/>b"]      # `:` becomes a space after it
    assert basic_english("x;y:z") == ["x", "y", "z"]
    assert basic_english("(a),b?c!") == ["(", "a", ")", ",", "b", "?", "c", "!"]
    assert basic_english("e-mail $5 50% #1 a/b ‘q’") == ["e-mail", "$5", "50%", "#1", "a/b", "‘q’"]
    assert basic_english("") == []


def test_tokenize_lines_with_other_tokenizers_and_separator_fallback():
    assert tokenize_lines(["a B", "c"], str.split) == [["a", "B"], ["c"]]
    assert tokenize_lines([]) == []
    lines = ["A\x00B. c", "", "d"]  # contains the block separator: falls back to per line
    assert tokenize_lines(lines) == [basic_english(line) for line in lines]


TRICKY_PIECES = ["<br />", "<br/>", "<BR />", "'", '"', ".", ",", "(", ")", "!", "?", ";", ":",
                 " ", "\t", "\n", "\x00", "\u00a0", "\u2003", "İ", "Σ", "ß", "é", "«", "»", "‘", "’",
                 "don't", "U.S.", "A", "b", "<", ">", "/", "-"]
texts = st.lists(st.one_of(st.sampled_from(TRICKY_PIECES), st.characters()), max_size=40).map("".join)


def torchtext_regex_tokenizer(line):
    """torchtext's Python method, written from its documented regex list (the test oracle)."""
    patterns = [r"\'", r"\"", r"\.", r"<br \/>", r",", r"\(", r"\)", r"\!", r"\?", r"\;", r"\:", r"\s+"]
    replacements = [" '  ", "", " . ", " ", " , ", " ( ", " ) ", " ! ", " ? ", " ", " ", " "]
    line = line.lower()
    for pattern, replacement in zip(patterns, replacements):
        line = re.sub(pattern, replacement, line)
    return line.split()


@given(st.lists(texts, max_size=30))
def test_batch_tokenizer_equals_per_line_and_torchtext_method(lines):
    expected = [torchtext_regex_tokenizer(line) for line in lines]
    assert [basic_english(line) for line in lines] == expected
    assert tokenize_lines(lines) == expected


def test_batch_tokenizer_spans_several_blocks():
    lines = [f"Line {i}: it's (number) {i}!<br />" + "x" * (i % 7) for i in range(1000)]
    assert tokenize_lines(lines) == [basic_english(line) for line in lines]


# --- ngrams_iterator / to_map_style_dataset ------------------------------------------------

def test_ngrams_iterator_order():
    assert list(ngrams_iterator(["here", "we", "are"], 1)) == ["here", "we", "are"]
    assert list(ngrams_iterator(["here", "we", "are"], 2)) == ["here", "we", "are", "here we", "we are"]
    assert list(ngrams_iterator(["a", "b", "c"], 3)) == ["a", "b", "c", "a b", "b c", "a b c"]
    assert list(ngrams_iterator(["a"], 3)) == ["a"]
    assert list(ngrams_iterator([], 2)) == []


def test_to_map_style_dataset():
    data = to_map_style_dataset(iter([(1, "a"), (2, "b")]))
    assert len(data) == 2
    assert data[1] == (2, "b")
    assert data[-1] == (2, "b")


# --- Vocab ---------------------------------------------------------------------------------

def make_vocab():
    return Vocab(["<unk>", "a", "b", "c"])


def test_vocab_lookups():
    v = make_vocab()
    assert len(v) == 4
    assert v["b"] == 2
    assert "c" in v and "z" not in v
    assert v(["a", "c"]) == v.lookup_indices(["a", "c"]) == [1, 3]
    assert v.lookup_token(3) == "c"
    assert v.lookup_tokens([0, 2]) == ["<unk>", "b"]
    assert v.get_itos() == ["<unk>", "a", "b", "c"]
    assert v.get_stoi() == {"<unk>": 0, "a": 1, "b": 2, "c": 3}
    v.get_itos().append("mutating a copy")
    assert len(v) == 4


def test_vocab_default_index():
    v = make_vocab()
    assert v.get_default_index() is None
    with pytest.raises(RuntimeError, match="^Token zz not found and default index is not set$"):
        v["zz"]
    with pytest.raises(RuntimeError, match="^Token zz not found and default index is not set$"):
        v(["a", "zz"])
    v.set_default_index(0)
    assert v.get_default_index() == 0
    assert v["zz"] == 0 and v(["zz", "b"]) == [0, 2]
    v.set_default_index(None)
    with pytest.raises(RuntimeError, match="not found"):
        v["zz"]


def test_vocab_errors():
    with pytest.raises(RuntimeError, match="^Duplicate token found in tokens list: a$"):
        Vocab(["a", "b", "a"])
    v = make_vocab()
    for bad in (-1, 4):
        with pytest.raises(RuntimeError, match=f"Specified index {bad} is out of bounds for vocab of size 4"):
            v.lookup_token(bad)
    with pytest.raises(RuntimeError, match="out of bounds"):
        v.lookup_tokens([0, 9])
    with pytest.raises(RuntimeError, match="already exists in the Vocab with index: 1"):
        v.append_token("a")
    with pytest.raises(RuntimeError, match="already exists"):
        v.insert_token("b", 0)
    with pytest.raises(RuntimeError, match="Specified index 5 is out of bounds"):
        v.insert_token("new", 5)


def test_vocab_insert_and_append():
    v = make_vocab()
    v.insert_token("<pad>", 1)
    assert v.get_itos() == ["<unk>", "<pad>", "a", "b", "c"]
    assert v.get_stoi() == {"<unk>": 0, "<pad>": 1, "a": 2, "b": 3, "c": 4}
    v.insert_token("end", len(v))
    v.append_token("last")
    assert v.get_itos()[-2:] == ["end", "last"] and v["last"] == 6


def test_vocab_serialization(tmp_path):
    v = make_vocab()
    v.set_default_index(0)
    assert Vocab.from_dict(v.to_dict()) == v
    v.save(tmp_path / "vocab.json")
    loaded = Vocab.load(tmp_path / "vocab.json")
    assert loaded == v and loaded["unknown"] == 0
    assert pickle.loads(pickle.dumps(v)) == v
    assert Vocab(["x"], default_index=0) != Vocab(["x"])


# --- vocab() / build_vocab_from_iterator ordering rules ------------------------------------

DOCS = [["b", "a", "c", "a"], ["c", "d", "a", "<unk>"], ["e"]]  # a:3, c:2, b/d/e/<unk>:1


def test_build_vocab_sorts_by_count_then_string():
    assert build_vocab_from_iterator(DOCS).get_itos() == ["a", "c", "<unk>", "b", "d", "e"]
    v = build_vocab_from_iterator(iter(DOCS), specials=["<unk>", "<pad>"])
    assert v.get_itos() == ["<unk>", "<pad>", "a", "c", "b", "d", "e"]


def test_build_vocab_min_freq_and_special_last():
    assert build_vocab_from_iterator(DOCS, min_freq=2).get_itos() == ["a", "c"]
    v = build_vocab_from_iterator(DOCS, min_freq=2, specials=["<unk>"], special_first=False)
    assert v.get_itos() == ["a", "c", "<unk>"]


def test_build_vocab_max_tokens_cuts_before_min_freq_and_specials():
    # max_tokens - len(specials) = 3 slots: a, c, <unk> (a counted special takes a slot).
    v = build_vocab_from_iterator(DOCS, specials=["<unk>"], max_tokens=4)
    assert v.get_itos() == ["<unk>", "a", "c"]
    v = build_vocab_from_iterator(DOCS, specials=["<pad>"], max_tokens=4, min_freq=2)
    assert v.get_itos() == ["<pad>", "a", "c"]
    with pytest.raises(ValueError, match="entirely special tokens"):
        build_vocab_from_iterator(DOCS, specials=["<unk>", "<pad>"], max_tokens=2)


def test_vocab_factory_keeps_insertion_order():
    counts = OrderedDict([("z", 5), ("<unk>", 9), ("y", 1), ("x", 3)])
    assert vocab(counts).get_itos() == ["z", "<unk>", "y", "x"]
    assert vocab(counts, min_freq=3, specials=["<unk>"]).get_itos() == ["<unk>", "z", "x"]
    assert vocab(counts, specials=["<s>"], special_first=False).get_itos() == ["z", "<unk>", "y", "x", "<s>"]
    assert "<unk>" in counts  # the caller's mapping is left alone
    assert vocab(OrderedDict([("a", 0), ("b", 1)])).get_itos() == ["b"]  # a zero count is below min_freq=1


# --- collate_batch and EncodedCorpus -----------------------------------------------------

ROWS = [(3, "Wall St. Bears (claw) back!"), (1, "It's a world."), (2, ""), (4, "New chip, new web")]


def small_vocab():
    v = build_vocab_from_iterator(tokenize_lines([text for _, text in ROWS[:2]]), specials=["<unk>"])
    v.set_default_index(v["<unk>"])
    return v


def test_collate_batch_like_the_tutorial():
    v = small_vocab()
    labels, text, offsets = collate_batch(ROWS, v, basic_english)
    assert labels.tolist() == [2, 0, 1, 3]
    docs = [v(basic_english(t)) for _, t in ROWS]
    assert text.tolist() == [i for doc in docs for i in doc]
    assert offsets.tolist() == [0, 9, 9 + 6, 9 + 6]  # the empty text adds no ids
    assert labels.dtype == text.dtype == offsets.dtype == np.int64
    with pytest.raises(ValueError, match="at least one row"):
        collate_batch([], v, basic_english)


def test_encoded_corpus_layout_and_subset():
    v = small_vocab()
    corpus = EncodedCorpus.from_dataset(ROWS, basic_english, v)
    assert len(corpus) == 4
    assert corpus.doc_offsets.tolist() == [0, 9, 15, 15, 20]
    assert corpus.labels.tolist() == [2, 0, 1, 3]
    part = corpus.subset([3, 0])
    assert part.labels.tolist() == [3, 2]
    assert part.ids.tolist() == v(basic_english(ROWS[3][1])) + v(basic_english(ROWS[0][1]))
    assert part.doc_offsets.tolist() == [0, 5, 14]


@given(st.lists(st.tuples(st.integers(1, 4), texts), min_size=1, max_size=25),
       st.integers(1, 7), st.randoms(use_true_random=False), st.booleans())
def test_encoded_batches_equal_collate_batch(rows, batch_size, rng, drop_last):
    v = build_vocab_from_iterator(tokenize_lines([text for _, text in rows[::2]]), specials=["<unk>"])
    v.set_default_index(0)
    corpus = EncodedCorpus.from_dataset(rows, basic_english, v)
    order = list(range(len(rows)))
    rng.shuffle(order)
    batches = list(corpus.batches(batch_size, order=order, drop_last=drop_last))
    expected_count = len(rows) // batch_size if drop_last else -(-len(rows) // batch_size)
    assert len(batches) == expected_count
    for i, batch in enumerate(batches):
        expected = collate_batch([rows[j] for j in order[i * batch_size:(i + 1) * batch_size]], v, basic_english)
        for got, want in zip(batch, expected, strict=True):
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, want)


@given(st.lists(st.tuples(st.integers(1, 4), texts), max_size=20), st.integers(1, 3))
def test_build_vocab_and_encode_equals_two_step_pipeline(rows, min_freq):
    vocab_, corpus = build_vocab_and_encode(rows, basic_english, min_freq=min_freq)
    expected_vocab = build_vocab_from_iterator(tokenize_lines([t for _, t in rows]), min_freq, ["<unk>"])
    expected_vocab.set_default_index(0)
    assert vocab_ == expected_vocab
    expected = EncodedCorpus.from_dataset(rows, basic_english, expected_vocab)
    np.testing.assert_array_equal(corpus.ids, expected.ids)
    np.testing.assert_array_equal(corpus.doc_offsets, expected.doc_offsets)
    np.testing.assert_array_equal(corpus.labels, expected.labels)


@given(st.lists(st.tuples(st.integers(1, 4), texts), max_size=20), st.integers(1, 3), st.booleans())
def test_build_vocab_and_encode_without_default_raises_like_the_two_steps(rows, min_freq, vocab_from_bytes):
    """Without a default index, a token under min_freq raises torchtext's error, naming the same token.

    `vocab_from_bytes`: no special was counted, so the vocabulary comes from the tokens' bytes
    (`DistinctTokens.place`), which must keep them for the message."""
    specials = ["<unk>"] if vocab_from_bytes else [token for _, text in rows for token in basic_english(text)][:1]
    expected_vocab = build_vocab_from_iterator(tokenize_lines([t for _, t in rows]), min_freq, specials)
    try:
        expected = EncodedCorpus.from_dataset(rows, basic_english, expected_vocab)
    except RuntimeError as error:
        with pytest.raises(RuntimeError, match=re.escape(str(error))):
            build_vocab_and_encode(rows, basic_english, min_freq=min_freq, specials=specials, default_token=None)
        return
    vocab_, corpus = build_vocab_and_encode(rows, basic_english, min_freq=min_freq, specials=specials,
                                            default_token=None)
    assert vocab_ == expected_vocab and vocab_.get_default_index() is None
    np.testing.assert_array_equal(corpus.ids, expected.ids)


def test_batches_rejects_bad_batch_size():
    corpus = EncodedCorpus.from_dataset(ROWS, basic_english, small_vocab())
    with pytest.raises(ValueError, match="batch_size"):
        next(corpus.batches(0))
