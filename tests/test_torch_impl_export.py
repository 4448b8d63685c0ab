"""ONNX export: onnxruntime gives torch's logits on real batches, and `predict` runs from the file.

The batches are AG_NEWS test rows (with the vocabulary built from its training rows) when
`../shared/data/ag_news` is present, otherwise the built-in synthetic corpus. Tests that
need onnx, onnxscript and onnxruntime (the `[onnx]` extra) skip when it is not installed.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from course.paths import ag_news_dir
from torch_impl import export as onnx_export
from torch_impl.cli import main
from torch_impl.hub import save_pretrained
from torch_impl.models import SimpleNN, TextClassificationModel
from torch_impl.predict import TextClassificationPipeline
from torch_impl.training import TrainConfig, make_model, prepare_data

MISSING = onnx_export.missing_onnx_packages()
needs_onnx = pytest.mark.skipif(
    bool(MISSING), reason=f"{', '.join(MISSING)} not installed (pip install 'minitorch-course[onnx]')")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A model with the real vocabulary (random weights: logits must match, whatever they are), exported."""
    if MISSING:
        pytest.skip(f"{', '.join(MISSING)} not installed (pip install 'minitorch-course[onnx]')")
    real = (ag_news_dir() / "test.csv").is_file()
    data = prepare_data("ag_news", ag_news_dir()) if real else prepare_data("synthetic")
    model = make_model(len(data.vocab), len(data.class_names), TrainConfig(seed=3)).eval()
    folder = tmp_path_factory.mktemp("pretrained")
    save_pretrained(model, folder, vocab=data.vocab, class_names=data.class_names)
    path = folder.parent / f"{folder.name}.onnx"
    assert main(["export", "--model", str(folder), "--format", "onnx", "--out", str(path)]) == 0
    return model, data, folder, path


@needs_onnx
def test_onnxruntime_gives_torchs_logits_on_real_batches(exported):
    model, data, _, path = exported
    onnx_model = onnx_export.OnnxModel(path)
    batches = [b for _, b in zip(range(8), data.test.batches(64))]  # 8 batches of 64 test rows
    batches.append(next(data.test.batches(7, order=np.arange(100, 107))))  # another number of bags
    batches.append(next(data.test.batches(1)))  # one document
    batches.append((np.zeros(3, dtype=np.int64), np.array([5, 6, 7, 8]), np.array([0, 2, 2])))  # an empty bag
    worst = 0.0
    with torch.no_grad():
        for _, text, offsets in batches:
            text, offsets = torch.from_numpy(np.asarray(text)), torch.from_numpy(np.asarray(offsets))
            expected, got = model(text, offsets), onnx_model(text, offsets)
            assert got.shape == expected.shape == (len(offsets), len(data.class_names))
            worst = max(worst, (got - expected).abs().max().item())
    assert worst < 1e-5, worst


@needs_onnx
def test_the_file_carries_the_vocabulary_and_predict_runs_from_it(exported, capsys):
    _, data, folder, path = exported
    vocab, class_names, tokenizer = onnx_export.OnnxModel(path).text_metadata()
    assert vocab.get_itos() == data.vocab.get_itos() and vocab.get_default_index() == 0
    assert class_names == data.class_names and tokenizer == "basic_english"
    texts = ["Stocks fell as oil prices rose", "The striker scored twice in the final", "zzzz unknownword"]
    from_file = TextClassificationPipeline.from_onnx(path)(texts)
    from_folder = TextClassificationPipeline.from_pretrained(folder)(texts)
    for a, b in zip(from_file, from_folder, strict=True):
        assert a.label == b.label
        assert all(abs(a.probabilities[k] - b.probabilities[k]) < 1e-5 for k in class_names)
    capsys.readouterr()
    assert main(["predict", "--model", str(path), *texts]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [p.label for p in from_folder]


@needs_onnx
def test_export_errors_are_one_line(tmp_path, capsys):
    save_pretrained(SimpleNN(3, 4, 2), tmp_path / "simple")
    assert main(["export", "--model", str(tmp_path / "simple"), "--out", str(tmp_path / "m.onnx")]) == 2
    assert "supports the course's TextClassificationModel" in capsys.readouterr().err
    (tmp_path / "broken.onnx").write_bytes(b"not a model")
    assert main(["predict", "--model", str(tmp_path / "broken.onnx"), "text"]) == 2
    err = capsys.readouterr().err
    assert "not a readable ONNX model" in err and err.count("\n") == 1
    assert main(["predict", "--model", str(tmp_path / "absent.onnx"), "text"]) == 2
    assert "no ONNX file at" in capsys.readouterr().err


def test_without_the_onnx_extra_export_says_what_to_install(tmp_path, capsys, monkeypatch):
    save_pretrained(TextClassificationModel(10, 4, 2), tmp_path / "model")
    monkeypatch.setattr(onnx_export, "missing_onnx_packages", lambda runtime_only=False: ["onnxscript"])
    assert main(["export", "--model", str(tmp_path / "model"), "--out", str(tmp_path / "m.onnx")]) == 2
    err = capsys.readouterr().err
    assert "onnxscript not installed" in err and "minitorch-course[onnx]" in err and err.count("\n") == 1
    assert not (tmp_path / "m.onnx").exists()
