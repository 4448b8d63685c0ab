"""From raw text to a class name: the course's `predict`, completed.

The course's version takes already-encoded `text, offsets` and returns an index. Here the
text goes through the same tokenizer and vocabulary as in training (the same
`collate_batch`), the model runs in eval mode without gradients, and softmax turns its
scores into probabilities, so the answer is a class name with its confidence.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from torch_impl.text import Tokenizer, Vocab, collate_batch, get_tokenizer


@dataclass(frozen=True)
class Prediction:
    """The most likely class (name and index) and every class's probability."""

    label: str
    index: int
    probabilities: dict[str, float]

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]


def predict_texts(
    model: nn.Module,
    texts: Sequence[str],
    *,
    vocab: Vocab,
    tokenizer: Tokenizer,
    class_names: Sequence[str],
) -> list[Prediction]:
    """Classify several raw texts in one batch (eval mode, `no_grad`, softmax, argmax)."""
    if isinstance(texts, str):
        raise TypeError("predict_texts takes a list of texts; use predict(model, text, ...) for one")
    if not texts:
        return []
    device = next((p.device for p in model.parameters()), torch.device("cpu"))  # none: an ONNX model
    # collate_batch wants (label, text) rows with 1-based labels; the label is unused here.
    _, text, offsets = collate_batch([(1, t) for t in texts], vocab, tokenizer)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probabilities = torch.softmax(model(text.to(device), offsets.to(device)), dim=1).cpu()
    finally:
        model.train(was_training)
    if probabilities.shape[1] != len(class_names):
        raise ValueError(f"the model has {probabilities.shape[1]} outputs but {len(class_names)} class names were given")
    predictions = []
    for row in probabilities.tolist():
        index = max(range(len(row)), key=row.__getitem__)
        predictions.append(Prediction(class_names[index], index, dict(zip(class_names, row))))
    return predictions


def predict(model: nn.Module, text: str, *, vocab: Vocab, tokenizer: Tokenizer, class_names: Sequence[str]) -> Prediction:
    """Classify one raw text."""
    return predict_texts(model, [text], vocab=vocab, tokenizer=tokenizer, class_names=class_names)[0]


class TextClassificationPipeline:
    """A trained model with its tokenizer, vocabulary and class names: call it on text.

    >>> classify = TextClassificationPipeline.from_pretrained("runs/ag_news/pretrained")  # doctest: +SKIP
    >>> classify("Stocks rallied after the rate cut").label  # doctest: +SKIP
    'Business'
    """

    def __init__(self, model: nn.Module, vocab: Vocab, class_names: Sequence[str],
                 tokenizer: str | Tokenizer = "basic_english") -> None:
        self.model = model.eval()
        self.vocab = vocab
        self.class_names = list(class_names)
        self.tokenizer = get_tokenizer(tokenizer)

    @classmethod
    def from_pretrained(cls, repo_or_dir: str | Path, **kwargs: Any) -> TextClassificationPipeline:
        """Load a `save_pretrained` folder or Hub repo (see `hub.from_pretrained` for the options)."""
        from torch_impl.hub import HubError, from_pretrained

        loaded = from_pretrained(repo_or_dir, **kwargs)
        if loaded.vocab is None or not loaded.class_names:
            raise HubError(f"{loaded.path}: has no vocabulary or class names, so it cannot classify raw text")
        return cls(loaded.model, loaded.vocab, loaded.class_names, loaded.tokenizer or "basic_english")

    @classmethod
    def from_onnx(cls, path: str | Path) -> TextClassificationPipeline:
        """Load a file written by `torch_impl.export.export_onnx` (vocabulary in its metadata)."""
        from torch_impl.export import OnnxModel

        model = OnnxModel(path)
        vocab, class_names, tokenizer = model.text_metadata()
        return cls(model, vocab, class_names, tokenizer)

    def __call__(self, text: str | Sequence[str]) -> Prediction | list[Prediction]:
        """One text -> one `Prediction`; a list of texts -> a list."""
        texts = [text] if isinstance(text, str) else list(text)
        predictions = predict_texts(self.model, texts, vocab=self.vocab, tokenizer=self.tokenizer,
                                    class_names=self.class_names)
        return predictions[0] if isinstance(text, str) else predictions
