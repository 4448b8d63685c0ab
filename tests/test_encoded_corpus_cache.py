"""The streaming text pipeline (chunks, end markers, fallbacks) and the encoded-corpus cache."""
from __future__ import annotations

import json
import os
import warnings
from itertools import chain

import numpy as np
import pytest

from course import batching
from course.batching import EncodedCorpus, build_vocab_and_encode, encode_dataset
from course.datasets import AG_NEWS, CSVTextDataset, SyntheticNews, write_synthetic_csv
from course.text import basic_english, build_vocab_from_iterator, get_tokenizer

TRICKY = [(1, "Hello, World! (it's) <br />new"), (2, 'a "<br "/>" b\x00c \x00'), (3, ""), (4, "x.y:z;w? \x00\x00"),
          (1, "MiXeD İstanbul ΣΑΣ"), (2, "hello world")]


def two_step(rows, tokenizer, **kwargs):
    """The torchtext recipe, written out: the reference every streaming path must equal."""
    tokens = [tokenizer(text) for _, text in rows]
    vocab = build_vocab_from_iterator(tokens, specials=["<unk>"], **kwargs)
    vocab.set_default_index(vocab["<unk>"])
    ids = list(chain.from_iterable(vocab(t) for t in tokens))
    offsets = np.cumsum([0] + [len(t) for t in tokens]).tolist()
    return vocab, ids, offsets, [label - 1 for label, _ in rows]


def assert_corpus(corpus, ids, offsets, labels):
    assert corpus.ids.dtype == np.int32 and corpus.doc_offsets.dtype == corpus.labels.dtype == np.int64
    assert corpus.ids.tolist() == ids and corpus.doc_offsets.tolist() == offsets and corpus.labels.tolist() == labels


def custom_tokenizer(text):
    return text.split("o")  # may produce "" and "\x00"-containing tokens


@pytest.mark.parametrize("tokenizer", [basic_english, get_tokenizer(None), custom_tokenizer])
@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 4096])
def test_streaming_equals_the_two_step_recipe_at_every_chunk_size(monkeypatch, tokenizer, chunk_rows):
    monkeypatch.setattr(batching, "CHUNK_ROWS", chunk_rows)
    rows = TRICKY + list(SyntheticNews("train", num_rows=30))
    vocab, ids, offsets, labels = two_step(rows, tokenizer)
    built_vocab, corpus = build_vocab_and_encode(rows, tokenizer)
    assert built_vocab == vocab
    assert_corpus(corpus, ids, offsets, labels)
    assert_corpus(EncodedCorpus.from_dataset(rows, tokenizer, vocab), ids, offsets, labels)


def test_fixed_vocabulary_without_default_index_raises_like_torchtext():
    vocab = build_vocab_from_iterator([["a", "b"]])
    assert EncodedCorpus.from_dataset([(1, "a b a")], get_tokenizer(None), vocab).ids.tolist() == [0, 1, 0]
    with pytest.raises(RuntimeError, match="Token zzz not found and default index is not set"):
        EncodedCorpus.from_dataset([(1, "a b"), (2, "b zzz")], get_tokenizer(None), vocab)
    for unknown in ("Zz", "twelve-bytes", "a-token-of-twenty-two"):  # the kernel's three key widths
        with pytest.raises(RuntimeError, match=f"^Token {unknown.lower()} not found and default index is not set$"):
            EncodedCorpus.from_dataset([(1, "a b"), (2, f"b {unknown} a")], basic_english, vocab)


def test_streaming_from_csv_equals_torchtext_golden(golden_path, ag_news_path):
    golden = json.loads((golden_path / "vocab_specials_unk.json").read_text(encoding="utf-8"))
    vocab, corpus = encode_dataset(AG_NEWS(root=ag_news_path, split="train"), cache=False)
    assert vocab.get_itos() == golden["itos"]
    first_200 = corpus.ids[:corpus.doc_offsets[200]].tolist()
    assert first_200 == list(chain.from_iterable(golden["ids_first_200_docs"]))
    assert len(corpus) == 10_000


# --- the cache ---------------------------------------------------------------------------

@pytest.fixture
def data(tmp_path):
    write_synthetic_csv(tmp_path / "data", {"train": 300, "test": 60})
    return AG_NEWS(root=tmp_path / "data")


def refuse_reading(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the CSV file was read although the cache should have answered")
    monkeypatch.setattr(CSVTextDataset, "iter_chunks", fail)


def same(a, b):
    return (a[0] == b[0] and a[1].ids.tolist() == b[1].ids.tolist()
            and a[1].doc_offsets.tolist() == b[1].doc_offsets.tolist() and a[1].labels.tolist() == b[1].labels.tolist())


def test_cache_is_written_next_to_the_data_and_reused(data, monkeypatch):
    train, test = data
    built = encode_dataset(train)
    encoded_test = encode_dataset(test, vocab=built[0])
    cached_files = sorted(p.name for p in (train.path.parent / ".encoded").iterdir())
    assert len(cached_files) == 2 and all(name.endswith(".npz") for name in cached_files)
    assert same(built, build_vocab_and_encode(train, basic_english))
    refuse_reading(monkeypatch)
    assert same(encode_dataset(train), built)
    assert same(encode_dataset(test, vocab=built[0]), encoded_test)


def test_cache_misses_when_file_or_settings_change(data, tmp_path, monkeypatch):
    train, _ = data
    cache = tmp_path / "cache"
    first = encode_dataset(train, cache_dir=cache)
    other = encode_dataset(train, cache_dir=cache, min_freq=50)  # other settings: another entry
    assert len(other[0]) < len(first[0]) and len(list(cache.glob("*.npz"))) == 2
    fixed = encode_dataset(train, vocab=other[0], cache_dir=cache)  # a given vocabulary: keyed by its contents
    assert fixed[0] is other[0] and len(list(cache.glob("*.npz"))) == 3
    # The file changes: the entries made from the old version are replaced, not reused.
    text = train.path.read_text(encoding="utf-8")
    train.path.write_text('"2","brand new","row"\n' + text, encoding="utf-8")
    os.utime(train.path, ns=(10**18, 10**18))
    changed = encode_dataset(train, cache_dir=cache)
    assert len(changed[1]) == len(first[1]) + 1 and "brand" in changed[0]
    assert len(list(cache.glob("*.npz"))) == 1


def test_damaged_or_tampered_cache_is_rebuilt(data, tmp_path):
    train, _ = data
    cache = tmp_path / "cache"
    expected = encode_dataset(train, cache_dir=cache)
    (entry,) = cache.glob("*.npz")
    entry.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.warns(UserWarning, match="unreadable encoded-corpus cache"):
        assert same(encode_dataset(train, cache_dir=cache), expected)
    with np.load(entry) as stored:
        arrays = dict(stored)
    arrays["ids"] = arrays["ids"].copy()
    arrays["ids"][0] = 10**9  # an id beyond the vocabulary (int32 holds it)
    np.savez(entry, **arrays)
    with pytest.warns(UserWarning, match="failed its checks"):
        assert same(encode_dataset(train, cache_dir=cache), expected)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert same(encode_dataset(train, cache_dir=cache), expected)  # rewritten, valid again
    with np.load(entry) as stored:
        arrays = dict(stored)
    stored_vocab = json.loads(arrays["vocab"].tobytes().decode("utf-8"))
    stored_vocab["itos"][2] = stored_vocab["itos"][1]  # a duplicate token
    np.savez(entry, **{**arrays, "vocab": np.frombuffer(json.dumps(stored_vocab).encode("utf-8"), dtype=np.uint8)})
    with pytest.warns(UserWarning, match="unreadable encoded-corpus cache"):
        assert same(encode_dataset(train, cache_dir=cache), expected)
    with np.load(entry) as stored:
        arrays = dict(stored)
    arrays["doc_offsets"] = arrays["doc_offsets"].copy()
    arrays["doc_offsets"][1] = arrays["doc_offsets"][2] + 1  # offsets that go back
    np.savez(entry, **arrays)
    with pytest.warns(UserWarning, match="failed its checks"):
        assert same(encode_dataset(train, cache_dir=cache), expected)


def test_leftovers_of_killed_writes_are_removed_by_the_next_write(data, tmp_path):
    train, _ = data
    cache = tmp_path / "cache"
    cache.mkdir()
    leftover = cache / f".{train.path.name}.0123.npz.tmp-99999"
    leftover.write_bytes(b"half a file")
    encode_dataset(train, cache_dir=cache)
    assert not leftover.exists() and len(list(cache.glob("*.npz"))) == 1


def test_no_cache_for_unnamed_tokenizers_or_plain_rows(data, tmp_path):
    train, _ = data
    cache = tmp_path / "cache"
    encode_dataset(train, custom_tokenizer, cache_dir=cache)
    encode_dataset(list(train), cache_dir=cache)
    assert not cache.exists()


def test_unwritable_cache_warns_and_still_encodes(data, tmp_path):
    train, _ = data
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(UserWarning, match="could not write the encoded-corpus cache"):
        result = encode_dataset(train, cache_dir=blocker / "cache")
    assert same(result, build_vocab_and_encode(train, basic_english))


def test_progress_bar_goes_to_stderr_and_changes_nothing(data, capsys):
    pytest.importorskip("tqdm")
    train, _ = data
    result = encode_dataset(train, cache=False, progress=True)
    assert "vocabulary" in capsys.readouterr().err
    assert same(result, build_vocab_and_encode(train, basic_english))


def test_separator_character_in_a_text_is_an_ordinary_unknown_token():
    vocab = build_vocab_from_iterator([["a", "b"]], specials=["<unk>"])
    vocab.set_default_index(0)
    corpus = EncodedCorpus.from_dataset([(1, "a \x00 b"), (2, "b")], basic_english, vocab)
    assert corpus.ids.tolist() == [1, 0, 2, 2] and corpus.doc_offsets.tolist() == [0, 3, 4]


def test_ids_are_collected_in_chunks_when_the_bound_cannot_be_reserved(data, monkeypatch):
    train, _ = data
    expected = build_vocab_and_encode(train, basic_english)
    monkeypatch.setattr(batching, "_token_bound", lambda rows, tokenizer: 2**62)  # beyond any address space
    assert same(build_vocab_and_encode(train, basic_english), expected)
