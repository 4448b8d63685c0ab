"""The text pipeline reproduces the real torchtext 0.18.0's outputs (../shared/golden/torchtext).

Skipped, with the reason, when ../shared is absent (set MINITORCH_SHARED to point at it).
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from course.batching import EncodedCorpus, build_vocab_and_encode, collate_batch
from course.datasets import AG_NEWS
from course.text import (
    basic_english,
    build_vocab_from_iterator,
    get_tokenizer,
    tokenize_lines,
)

pytestmark = pytest.mark.real_data

VOCAB_FILES = ["vocab_specials_unk.json", "vocab_min_freq_3.json", "vocab_max_tokens_5000.json",
               "vocab_specials_last.json"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file]


@pytest.fixture(scope="module")
def train_rows(ag_news_path):
    rows = list(AG_NEWS(root=ag_news_path, split="train"))
    assert len(rows) == 10_000
    return rows


@pytest.fixture(scope="module")
def train_tokens(train_rows):
    return tokenize_lines([text for _, text in train_rows])


def test_ag_news_test_split_rows_and_tokens(golden_path, ag_news_path):
    golden = read_jsonl(golden_path / "basic_english_ag_news_test.jsonl")
    rows = list(AG_NEWS(root=ag_news_path, split="test"))
    assert len(rows) == len(golden) == 7600
    assert rows == [(g["label"], g["text"]) for g in golden]
    expected = [g["tokens"] for g in golden]
    assert tokenize_lines([text for _, text in rows]) == expected
    tokenizer = get_tokenizer("basic_english")
    assert [tokenizer(text) for _, text in rows] == expected


def test_edge_cases(golden_path):
    cases = read_jsonl(golden_path / "basic_english_edge_cases.jsonl")
    assert len(cases) >= 10
    for case in cases:
        assert basic_english(case["text"]) == case["tokens"], case["text"]
    assert tokenize_lines([c["text"] for c in cases]) == [c["tokens"] for c in cases]


@pytest.mark.parametrize("name", VOCAB_FILES)
def test_vocab_variants(golden_path, train_rows, train_tokens, name):
    golden = json.loads((golden_path / name).read_text(encoding="utf-8"))
    vocab = build_vocab_from_iterator(train_tokens, **golden["args"])
    vocab.set_default_index(vocab["<unk>"])
    assert len(vocab) == golden["size"]
    assert vocab.get_itos() == golden["itos"]
    assert [vocab(tokens) for tokens in train_tokens[:200]] == golden["ids_first_200_docs"]
    assert vocab(["<never-seen-token>"]) == golden["lookup_unknown"]

    # The one-pass builder gives the same vocabulary and the same ids.
    fused_vocab, corpus = build_vocab_and_encode(train_rows, basic_english, **golden["args"])
    assert fused_vocab == vocab
    docs = [corpus.ids[corpus.doc_offsets[i]:corpus.doc_offsets[i + 1]].tolist() for i in range(200)]
    assert docs == golden["ids_first_200_docs"]


def test_collate_batches(golden_path, train_rows, train_tokens):
    golden = json.loads((golden_path / "collate_batch_first3x8.json").read_text(encoding="utf-8"))
    vocab = build_vocab_from_iterator(train_tokens, specials=["<unk>"])
    vocab.set_default_index(vocab["<unk>"])
    corpus = EncodedCorpus.from_dataset(train_rows[:24], basic_english, vocab)
    for i, (expected, encoded) in enumerate(zip(golden, corpus.batches(8), strict=True)):
        collated = collate_batch(train_rows[8 * i:8 * i + 8], vocab, basic_english)
        for key, from_collate, from_corpus in zip(("labels", "text", "offsets"), collated, encoded):
            assert from_collate.dtype == from_corpus.dtype == np.int64
            assert from_collate.tolist() == from_corpus.tolist() == expected[key], (i, key)
