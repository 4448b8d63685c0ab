"""The NumPy CSV reader (`course.csv_kernel`) gives what `csv.reader` gives, or leaves the file to it."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course import datasets
from course.csv_kernel import clean_records, clean_texts_without_quotes
from course.datasets import CSVTextDataset
from course.errors import DataFileError

pieces = st.sampled_from(['"', '""', ",", "\n", "\r\n", " ", "a", "Bé", "1", "3", "x y", "'", "\x00", "🙂"])
fields = st.lists(pieces, max_size=6).map("".join)
labels = st.one_of(st.sampled_from(["1", "2", "4", "03", "5", "x", "", " 1", "12"]), fields)


def read(path, chunk=4096):
    """All rows of the file (labels, texts), or the error message."""
    try:
        chunks = list(CSVTextDataset(path, num_classes=4).iter_chunks(chunk))
    except DataFileError as error:
        return str(error)
    return [label for c in chunks for label in c[0]], [text for c in chunks for text in c[1]]


@given(st.lists(st.tuples(labels, fields, fields), min_size=1, max_size=12),
       st.sampled_from(["writer_all", "writer_minimal", "raw_quoted", "raw"]), st.booleans(),
       st.sampled_from([1, 3, 4096]))
def test_same_rows_or_same_error_as_csv_reader(tmp_path_factory, rows, style, bom, chunk):
    if style.startswith("writer"):
        buffer = io.StringIO(newline="")
        quoting = csv.QUOTE_ALL if style == "writer_all" else csv.QUOTE_MINIMAL
        csv.writer(buffer, quoting=quoting, lineterminator="\n").writerows(rows)
        text = buffer.getvalue()
    elif style == "raw_quoted":
        text = "".join(f'"{a}","{b}","{c}"\n' for a, b, c in rows)
    else:
        text = "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    fast = read(path, chunk=chunk)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets, "clean_records", lambda block, num_fields: None)  # csv.reader alone
        assert fast == read(path, chunk=chunk)


def test_clean_and_unclean_blocks():
    assert clean_records(b'"3","a ""b"", c","d"\n1,,e\n', 3) == ([3, 1], ['a "b", c d', " e"])
    assert clean_records(b'"3","a","b"', 3) == ([3], ["a b"])  # the last line without its newline
    for block in [b'"3","a\nb","c"\n', b'3,a"b,c\n', b'"3","a"x,"c"\n', b'3,a,b\r\n', b"3,a\n", b"3,a,b,c\n",
                  b"x,a,b\n", b"123,a,b\n", b'"3" ,a,b\n', b"3,\x00,b\n", b"3,\xff,b\n"]:
        assert clean_records(block, 3) is None, block


def test_unclean_part_of_a_file_is_read_by_csv_reader(tmp_path):
    lines = [f'"{i % 4 + 1}","title {i}","body, with ""quotes"""' for i in range(3000)]
    lines[2500] = '"2","a field over\ntwo lines","x"'
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    labels, texts = read(path, chunk=1000)
    assert len(texts) == 3000 and texts[2500] == "a field over\ntwo lines x" and texts[7] == 'title 7 body, with "quotes"'
    assert labels[:5] == [1, 2, 3, 4, 1]


def test_bad_label_after_clean_blocks_names_its_line(tmp_path):
    lines = ['"1","a","b"'] * 5000 + ['"9","a","b"']
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 5001: label 9 is outside 1..4"):
        list(CSVTextDataset(path, num_classes=4).iter_chunks())


@given(st.lists(st.tuples(labels, fields, fields), min_size=1, max_size=12), st.booleans())
def test_texts_without_quotes_equal_the_joined_texts_without_quotes(rows, quote_all):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
    block = buffer.getvalue().encode("utf-8")
    expected = clean_records(block, 3)
    got = clean_texts_without_quotes(block, 3)
    if expected is None or not block.isascii():
        assert got == expected  # not clean: None; not ASCII: the texts as strings
    else:
        assert got == (expected[0], "\x00".join(expected[1]).replace('"', "").encode("ascii"))
