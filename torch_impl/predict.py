"""From raw text to a class name: the course's `predict`, completed.

The course's version takes already-encoded `text, offsets` and returns an index. Here the
text goes through the same tokenizer and vocabulary as in training (the same
`collate_batch`), the model runs in eval mode without gradients, and softmax turns its
scores into probabilities, so the answer is a class name with its confidence.

A text with no word the vocabulary knows (an empty text, or only unknown words) still gets
an answer, but not one about its content: an empty bag of words averages to zeros, so the
model answers with its bias alone; unknown words all become the default token (`<unk>`),
so the answer is the model's answer for `<unk>`. Either way every such text gets the same
prediction. `Prediction.known_words` is then 0 and a `NoKnownWordWarning` says which case.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from torch_impl.text import Tokenizer, Vocab, collate_batch, get_tokenizer


class NoKnownWordWarning(UserWarning):
    """The text has no word in the vocabulary, so its prediction does not depend on its content."""


@dataclass(frozen=True)
class Prediction:
    """The most likely class (name and index), every class's probability, and how many of
    the text's tokens the vocabulary knows (0: the prediction says nothing about this text)."""

    label: str
    index: int
    probabilities: dict[str, float]
    known_words: int | None = None
    warning: str | None = None

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
    for text, row in zip(texts, probabilities.tolist()):
        index = max(range(len(row)), key=row.__getitem__)
        tokens = tokenizer(text)
        known = sum(token in vocab for token in tokens)
        warning = no_known_word_message(text, tokens, vocab, class_names[index]) if known == 0 else None
        if warning is not None:
            warnings.warn(warning, NoKnownWordWarning, stacklevel=2)
        predictions.append(Prediction(class_names[index], index, dict(zip(class_names, row)), known, warning))
    return predictions


def no_known_word_message(text: str, tokens: Sequence[str], vocab: Vocab, label: str) -> str:
    """One line saying that `text` has no known word and what the prediction is then based on."""
    shown = text if len(text) <= 60 else text[:57] + "..."
    if not tokens:
        return (f"{shown!r} has no words (no known word), so the prediction {label!r} comes from the model's bias "
                "alone (an empty bag of words): the same for every such text")
    default = vocab.get_default_index()
    unknown = repr(vocab.lookup_token(default)) if default is not None else "the default token"
    which = "its only token is not" if len(tokens) == 1 else f"none of its {len(tokens)} tokens is"
    return (f"{shown!r} has no known word ({which} in the vocabulary), so the "
            f"prediction {label!r} is the model's answer for {unknown} alone: the same for every such text")


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
