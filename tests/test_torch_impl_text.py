"""`torch_impl.text`: torchtext's names from `course`, batches as int64 torch tensors."""
from __future__ import annotations

import functools
import json

import numpy as np
import torch
from torch.utils.data import DataLoader

import course.batching
import course.datasets
import course.text
from torch_impl import text


def test_names_are_the_course_implementation_not_a_copy():
    assert text.get_tokenizer is course.text.get_tokenizer
    assert text.build_vocab_from_iterator is course.text.build_vocab_from_iterator
    assert text.Vocab is course.text.Vocab
    assert text.ngrams_iterator is course.text.ngrams_iterator
    assert text.to_map_style_dataset is course.text.to_map_style_dataset
    assert text.EncodedCorpus is course.batching.EncodedCorpus
    assert text.AG_NEWS is course.datasets.AG_NEWS and text.DBpedia is course.datasets.DBpedia
    for name in text.__all__:
        assert hasattr(text, name), name


def _tiny_vocab():
    rows = list(text.SyntheticNews("train", num_rows=50))
    tokenizer = text.get_tokenizer("basic_english")
    vocab = text.build_vocab_from_iterator((tokenizer(t) for _, t in rows), specials=["<unk>"])
    vocab.set_default_index(vocab["<unk>"])
    return rows, tokenizer, vocab


def test_collate_batch_gives_int64_tensors_like_the_tutorial():
    rows, tokenizer, vocab = _tiny_vocab()
    labels, ids, offsets = text.collate_batch(rows[:3] + [(2, "zzz-unknown")], vocab, tokenizer)
    for tensor in (labels, ids, offsets):
        assert isinstance(tensor, torch.Tensor) and tensor.dtype == torch.int64
    assert labels.tolist() == [rows[0][0] - 1, rows[1][0] - 1, rows[2][0] - 1, 1]
    lengths = [len(tokenizer(t)) for _, t in rows[:3]]
    assert offsets.tolist() == [0, lengths[0], lengths[0] + lengths[1], sum(lengths)]
    assert ids[: lengths[0]].tolist() == vocab(tokenizer(rows[0][1]))
    assert ids[-1].item() == vocab["<unk>"]


def test_dataloader_with_collate_fn_matches_the_pre_tokenized_batches():
    rows, tokenizer, vocab = _tiny_vocab()
    loader = DataLoader(text.to_map_style_dataset(rows), batch_size=8, shuffle=False,
                        collate_fn=functools.partial(text.collate_batch, vocab=vocab, tokenizer=tokenizer))
    corpus = text.EncodedCorpus.from_dataset(rows, tokenizer, vocab)
    pairs = list(zip(loader, corpus.batches(8), strict=True))
    assert len(pairs) == 7
    for from_loader, pre_tokenized in pairs:
        for a, b in zip(from_loader, text.to_torch_batch(pre_tokenized)):
            assert torch.equal(a, b)


def test_to_torch_batch_shares_memory_and_passes_tensors_through():
    labels, ids, offsets = np.array([0, 1]), np.array([4, 5, 6]), np.array([0, 2])
    batch = text.to_torch_batch((labels, ids, offsets))
    ids[0] = 99
    assert batch[1][0].item() == 99  # torch.from_numpy: no copy
    again = text.to_torch_batch(batch, device="cpu")
    assert all(a is b for a, b in zip(again, batch))


def test_collate_batch_matches_torchtext_golden_batches(golden_path, ag_news_path):
    golden = json.loads((golden_path / "collate_batch_first3x8.json").read_text())
    train = text.AG_NEWS(root=ag_news_path, split="train")
    tokenizer = text.get_tokenizer("basic_english")
    vocab, _ = text.build_vocab_and_encode(train, tokenizer)
    rows = list(train)[:24]
    for i, expected in enumerate(golden):
        labels, ids, offsets = text.collate_batch(rows[8 * i: 8 * i + 8], vocab, tokenizer)
        assert labels.tolist() == expected["labels"]
        assert ids.tolist() == expected["text"]
        assert offsets.tolist() == expected["offsets"]
