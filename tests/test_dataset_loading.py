"""AG_NEWS / DBpedia datasets as the user meets them: BOMs, empty splits, bad encodings,
and the documented `DataLoader(AG_NEWS(split="train"), batch_size=8, shuffle=True,
collate_fn=...)` recipe on both backends (issue 14's Data and Datasets cases)."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest
import torch
import torch.utils.data

import minitorch_ref
import minitorch_ref.utils.data
from course.batching import collate_batch
from course.datasets import AG_NEWS, CLASS_NAMES, DBpedia, SyntheticNews
from course.errors import CourseError, DataFileError
from course.text import build_vocab_from_iterator, get_tokenizer, to_map_style_dataset

ROWS = [(3, "Wall St. Bears Short-sellers, \"green\" again."), (1, "Multi\nline title x"), (4, "a b"),
        (2, "Ünïcode ça va")]
CSV_TEXT = ('"3","Wall St. Bears","Short-sellers, ""green"" again."\n"1","Multi\nline title","x"\n'
            '"4","a","b"\n"2","Ünïcode","ça va"\n')
LOADERS = {"torch": torch.utils.data.DataLoader, "minitorch_ref": minitorch_ref.utils.data.DataLoader}


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- Data: BOM, empty splits, encodings ------------------------------------------------

def test_utf8_bom_of_a_spreadsheet_export_is_skipped(tmp_path):
    write(tmp_path / "train.csv", b"\xef\xbb\xbf" + CSV_TEXT.replace("\n", "\r\n").encode("utf-8"))
    train = AG_NEWS(root=tmp_path, split="train")
    expected = [(label, text.replace("\n", "\r\n")) for label, text in ROWS]
    assert list(train) == expected
    assert len(train) == 4 and [train[i] for i in range(4)] == expected


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_empty_split_is_refused_when_opened(tmp_path, content, split):
    write(tmp_path / f"{split}.csv", content)
    with pytest.raises(DataFileError) as error:
        AG_NEWS(root=tmp_path, split=split)  # before anything is read or trained
    message = str(error.value)
    assert message.startswith(str(tmp_path / f"{split}.csv")) and "no data rows" in message
    assert "\n" not in message and isinstance(error.value, (CourseError, ValueError))


def test_latin1_file_names_file_line_and_byte(tmp_path):
    text = '"1","a","b"\n"2","Caf\u00e9 cr\u00e8me","d"\n"3","x","y"\n'
    path = write(tmp_path / "train.csv", text.encode("latin-1"))
    train = AG_NEWS(root=tmp_path, split="train")
    expected = f"{path}, line 2: not UTF-8 text (byte 0xe9 at column 9); save the file as UTF-8"
    for use in (list, len, lambda ds: ds[0]):
        with pytest.raises(DataFileError) as error:
            use(train)
        assert str(error.value) == expected


def test_bad_row_after_many_good_ones_is_found_by_the_streaming_reader(tmp_path):
    good = '"1","a","b"\n' * 5000
    write(tmp_path / "train.csv", (good + '"9","a","b"\n').encode())
    with pytest.raises(DataFileError, match=r"train\.csv, line 5001: label 9 is outside 1\.\.4"):
        list(AG_NEWS(root=tmp_path, split="train"))
    with pytest.raises(DataFileError, match=r"line 5001: label 9"):
        len(AG_NEWS(root=tmp_path, split="train"))


# --- Datasets: iterable, len(), map-style, DataLoader(shuffle=True) ----------------------

def test_dataset_is_iterable_sized_and_indexable(tmp_path):
    write(tmp_path / "test.csv", CSV_TEXT.encode())
    test = AG_NEWS(root=tmp_path, split="test")
    assert list(test) == ROWS == list(test)  # re-iterable
    assert len(test) == 4
    assert [test[i] for i in range(4)] == ROWS and test[-1] == ROWS[-1]
    with pytest.raises(IndexError, match="index 4 is out of range for 4 rows"):
        test[4]
    assert list(to_map_style_dataset(test)) == ROWS
    assert to_map_style_dataset(test)[1] == ROWS[1]


def test_index_follows_a_file_that_changed(tmp_path):
    path = write(tmp_path / "test.csv", CSV_TEXT.encode())
    test = AG_NEWS(root=tmp_path, split="test")
    assert len(test) == 4
    path.write_bytes(b'"4","new","row"\n' + CSV_TEXT.encode())
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    assert len(test) == 5 and test[0] == (4, "new row") and test[4] == ROWS[-1]


@pytest.mark.parametrize("backend", sorted(LOADERS))
def test_tutorial_dataloader_with_shuffle_on_both_backends(tmp_path, backend):
    """`DataLoader(AG_NEWS(split="train"), batch_size=8, shuffle=True, collate_fn=...)`."""
    rows = list(SyntheticNews("train", num_rows=61))
    write(tmp_path / "train.csv", "".join(f'"{l}","{t}",""\n' for l, t in rows).encode())
    train = AG_NEWS(root=tmp_path, split="train")
    tokenizer = get_tokenizer("basic_english")
    vocab = build_vocab_from_iterator((tokenizer(text) for _, text in train), specials=["<unk>"])
    vocab.set_default_index(vocab["<unk>"])
    minitorch_ref.manual_seed(0)
    torch.manual_seed(0)
    loader = LOADERS[backend](train, batch_size=8, shuffle=True,
                              collate_fn=lambda batch: (batch, collate_batch(batch, vocab, tokenizer)))
    assert len(loader) == 8
    seen = []
    for batch, (labels, ids, offsets) in loader:
        assert len(batch) == len(labels) == len(offsets) <= 8
        assert labels.tolist() == [label - 1 for label, _ in batch]
        assert len(ids) == sum(len(tokenizer(text)) for _, text in batch)
        seen += batch
    expected = [(label, f"{text} ") for label, text in rows]  # empty description: "title " + ""
    assert sorted(seen) == sorted(expected) and seen != expected  # every row once, shuffled


def test_torch_dataloader_workers_reopen_the_file(tmp_path):
    write(tmp_path / "test.csv", CSV_TEXT.encode())
    test = AG_NEWS(root=tmp_path, split="test")
    test[0]  # an open handle in this process must not travel to the workers
    copy = pickle.loads(pickle.dumps(test))
    assert [copy[i] for i in range(4)] == ROWS
    loader = torch.utils.data.DataLoader(test, batch_size=2, shuffle=True, num_workers=2,
                                         collate_fn=list)
    assert sorted(row for batch in loader for row in batch) == sorted(ROWS)


@pytest.mark.parametrize("backend", sorted(LOADERS))
def test_course_dbpedia_loader_runs_unchanged_on_local_data(tmp_path, backend):
    """The course's DBpedia section (train and test DataLoaders, shuffle=True), on local CSVs."""
    lines = [f'"{c % 14 + 1}","Title {c}","Some content, number {c}."\n' for c in range(40)]
    write(tmp_path / "dbpedia_csv" / "train.csv", "".join(lines).encode())
    write(tmp_path / "dbpedia_csv" / "test.csv", "".join(lines[:10]).encode())
    DataLoader = LOADERS[backend]
    tensor = torch.tensor if backend == "torch" else minitorch_ref.tensor
    cat = torch.cat if backend == "torch" else minitorch_ref.cat

    tokenizer = get_tokenizer('basic_english')
    train_iter = DBpedia(root=tmp_path, split='train')

    def yield_tokens(data_iter):
        for _, text in data_iter:
            yield tokenizer(text)

    vocab = build_vocab_from_iterator(yield_tokens(train_iter), specials=["<unk>"])
    vocab.set_default_index(vocab["<unk>"])

    def collate_batch(batch):  # the course's function, word for word
        label_list, text_list, offsets = [], [], [0]
        for (_label, _text) in batch:
            label_list.append(int(_label) - 1)
            processed_text = tensor(vocab(tokenizer(_text)), dtype=torch.int64 if backend == "torch"
                                    else minitorch_ref.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = tensor(label_list, dtype=text_list[0].dtype)
        text_list = cat(text_list)
        offsets = tensor(offsets[:-1]).cumsum(dim=0)
        return label_list, text_list, offsets

    train_iter = DBpedia(root=tmp_path, split='train')
    test_iter = DBpedia(root=tmp_path, split='test')
    train_dataloader = DataLoader(train_iter, batch_size=8, shuffle=True, collate_fn=collate_batch)
    test_dataloader = DataLoader(test_iter, batch_size=8, shuffle=True, collate_fn=collate_batch)
    labels = np.concatenate([np.asarray(labels.tolist()) for labels, _, _ in train_dataloader])
    assert sorted(labels.tolist()) == sorted(c % 14 for c in range(40))
    assert sum(len(labels.tolist()) for labels, _, _ in test_dataloader) == 10
    assert len(CLASS_NAMES["dbpedia"]) == 14


def test_synthetic_corpus_is_map_style_too():
    data = SyntheticNews("test", num_rows=5)
    assert [data[i] for i in range(len(data))] == list(data)
