"""ONNX export of the course's text model, and inference from the exported file.

    python -m torch_impl export --model runs/ag_news --format onnx --out model.onnx
    python -m torch_impl predict --model model.onnx "Stocks fell as oil prices rose"

The graph takes the tutorial's inputs, `text` (int64, all token ids of a batch one after
another) and `offsets` (int64, where each document starts), and returns `logits`
(float32, one row per document). Both the number of tokens and the number of documents are
dynamic, so one file serves any batch.

How it is exported: `torch.onnx.export(..., dynamo=True)`, torch's default since 2.9
(`torch.export` to capture the graph, onnxscript to translate it). On torch 2.13 with
onnxscript 0.7 it translates `EmbeddingBag` (mean mode, empty bags included) into an ONNX
loop over the bags, and onnxruntime's logits equal torch's to float rounding; the older
TorchScript exporter (`dynamo=False`) also works but is deprecated, so it is not used.

How the vocabulary travels: inside the file, as metadata (`minitorch.vocab`, with
`minitorch.class_names` and `minitorch.tokenizer`), so the one `.onnx` file is all that
`predict` needs; onnxruntime reads it with `session.get_modelmeta().custom_metadata_map`,
from any language. The weights are stored inside the file too (no `.onnx.data` beside it).

onnx, onnxscript and onnxruntime are the optional extra `minitorch-course[onnx]`;
without them these functions raise `OnnxUnavailableError` saying what to install.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

from torch_impl.text import Vocab

FORMATS = ("onnx",)
INPUT_NAMES = ("text", "offsets")
OUTPUT_NAME = "logits"
META_VOCAB = "minitorch.vocab"
META_CLASS_NAMES = "minitorch.class_names"
META_TOKENIZER = "minitorch.tokenizer"
INSTALL_HINT = "pip install 'minitorch-course[onnx]' (onnx, onnxscript, onnxruntime)"


class OnnxUnavailableError(RuntimeError):
    """onnx / onnxscript / onnxruntime are not installed."""


class ExportError(ValueError):
    """The model cannot be exported (wrong class, unreadable file); the message is one line."""


def missing_onnx_packages(*, runtime_only: bool = False) -> list[str]:
    """Which of the ONNX extra's packages are not importable (empty when all are there)."""
    names = ("onnxruntime",) if runtime_only else ("onnx", "onnxscript", "onnxruntime")
    return [name for name in names if importlib.util.find_spec(name) is None]


def _require(runtime_only: bool = False) -> None:
    missing = missing_onnx_packages(runtime_only=runtime_only)
    if missing:
        raise OnnxUnavailableError(f"{', '.join(missing)} not installed; {INSTALL_HINT}")


def export_onnx(model: nn.Module, path: str | Path, *, vocab: Vocab | None = None,
                class_names: list[str] | None = None, tokenizer: str | None = "basic_english") -> Path:
    """Write `model` (a `TextClassificationModel`) as one ONNX file with dynamic tokens and bags.

    `vocab`, `class_names` and `tokenizer`, when given, are stored in the file's metadata so
    that `OnnxTextClassifier` (and `predict --model FILE.onnx`) can classify raw text.
    """
    if type(model).__name__ != "TextClassificationModel":
        raise ExportError(f"ONNX export supports the course's TextClassificationModel (text, offsets), "
                          f"not {type(model).__name__}")
    _require()
    path = Path(path)
    model = model.cpu().eval()
    # Example inputs: 3 documents of 3, 2 and 4 tokens. Their sizes are marked dynamic below.
    text = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=torch.int64) % model.embedding.num_embeddings
    offsets = torch.tensor([0, 3, 5], dtype=torch.int64)
    dims = {"text": {0: torch.export.Dim("tokens")}, "offsets": {0: torch.export.Dim("bags")}}
    with _quiet_exporter():
        program = torch.onnx.export(model, (text, offsets), dynamo=True, input_names=list(INPUT_NAMES),
                                    output_names=[OUTPUT_NAME], dynamic_shapes=dims, verbose=False)
    if program is None:  # pragma: no cover - dynamo=True always returns the program
        raise ExportError("torch.onnx.export returned no program")
    metadata = {META_TOKENIZER: tokenizer or ""}
    if vocab is not None:
        metadata[META_VOCAB] = json.dumps(vocab.to_dict(), ensure_ascii=False)
    if class_names is not None:
        metadata[META_CLASS_NAMES] = json.dumps(list(class_names), ensure_ascii=False)
    program.model.metadata_props.update(metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    program.save(str(path), external_data=False)
    return path


@contextlib.contextmanager
def _quiet_exporter() -> Iterator[None]:
    """Hide the exporter's notes that need no action (no torchvision, optimizer skips, deprecations)."""
    loggers = [logging.getLogger(name) for name in ("torch.onnx", "onnxscript", "onnx_ir")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


class OnnxModel(nn.Module):
    """An ONNX file run by onnxruntime, called like the torch model: `model(text, offsets)`.

    It returns a torch tensor of logits, so `predict.predict_texts` works on it unchanged.
    """

    def __init__(self, path: str | Path, providers: list[str] | None = None) -> None:
        super().__init__()
        _require(runtime_only=True)
        import onnxruntime

        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no ONNX file at {self.path}")
        try:
            self.session = onnxruntime.InferenceSession(str(self.path), providers=providers or default_providers())
        except Exception as error:  # onnxruntime raises its own exception types
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ExportError(f"{self.path}: not a readable ONNX model ({first[:200]})") from None
        self.metadata: dict[str, str] = dict(self.session.get_modelmeta().custom_metadata_map)

    def forward(self, text: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        feeds = {"text": text.cpu().numpy().astype("int64"), "offsets": offsets.cpu().numpy().astype("int64")}
        return torch.from_numpy(self.session.run([OUTPUT_NAME], feeds)[0])

    def text_metadata(self) -> tuple[Vocab, list[str], str]:
        """The vocabulary, class names and tokenizer stored by `export_onnx`."""
        if META_VOCAB not in self.metadata or META_CLASS_NAMES not in self.metadata:
            raise ExportError(f"{self.path}: has no vocabulary or class names in its metadata, so it cannot "
                              "classify raw text (export it with `python -m torch_impl export`)")
        vocab = Vocab.from_dict(json.loads(self.metadata[META_VOCAB]))
        return vocab, json.loads(self.metadata[META_CLASS_NAMES]), self.metadata.get(META_TOKENIZER) or "basic_english"


def default_providers() -> list[str]:
    """CUDA first when onnxruntime-gpu offers it, then CPU."""
    import onnxruntime

    available = onnxruntime.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in available]


def export_pretrained(folder: str | Path, out: str | Path, fmt: str = "onnx") -> dict[str, Any]:
    """Export a `save_pretrained` folder; return what was written (for the CLI's message)."""
    from torch_impl.hub import from_pretrained

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    loaded = from_pretrained(folder)
    path = export_onnx(loaded.model, out, vocab=loaded.vocab, class_names=loaded.class_names,
                       tokenizer=loaded.tokenizer)
    return {"path": path, "bytes": path.stat().st_size, "model_class": type(loaded.model).__name__,
            "vocab_size": len(loaded.vocab) if loaded.vocab is not None else None}
