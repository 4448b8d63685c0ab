"""The course's four models trained on both backends: same weights, same batches, same loss at every step.

Each test seeds both backends alike and builds the model on each: the two initialisations are equal
bit for bit (minitorch_ref draws torch's random numbers), so no weights are copied. Then one
training loop, written once against the torch API, runs on each backend. Also: a state dict
saved by either backend loads into the other.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import safetensors.torch
import torch

import minitorch_ref as mt
import torch_impl.clip
from course.batching import build_vocab_and_encode
from course.datasets import AG_NEWS, SyntheticNews
from course.text import get_tokenizer
from course.workflows import make_regression_data, make_simple_nn_data, pad_batch
from minitorch_ref import models as mt_models
from minitorch_ref._sparse import RowSparseGrad
from torch_impl import models as torch_models

STEPS = 100
LOSS_TOLERANCE = {"float64": dict(rtol=1e-9, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-6)}
BATCH = 16



def seeded_pair(name: str, *args, dtype: str = "float32", seed: int = 0, **kwargs):
    """Build model `name` on both backends after the same `manual_seed`, and check that seeding alone made
    their initial weights equal, bit for bit; then convert both to `dtype`."""
    torch.manual_seed(seed)
    torch_model = getattr(torch_models, name)(*args, **kwargs)
    mt.manual_seed(seed)
    mt_model = getattr(mt_models, name)(*args, **kwargs)
    torch_state, mt_state = torch_model.state_dict(), mt_model.state_dict()
    assert list(torch_state) == list(mt_state)
    for key, value in torch_state.items():
        np.testing.assert_array_equal(mt_state[key].detach().numpy(), value.detach().numpy(), err_msg=key)
    return torch_model.to(getattr(torch, dtype)), mt_model.to(getattr(mt, dtype))


def train(backend, model, batches, loss_fn, optimizer, clip: Callable | None = None) -> list[float]:
    """The course's loop; `batches` yields (inputs tuple, target) as NumPy arrays."""
    losses = []
    model.train()
    for inputs, target in batches:
        inputs = [backend.from_numpy(a) for a in inputs]
        loss = loss_fn(model(*inputs), backend.from_numpy(target))
        optimizer.zero_grad()
        loss.backward()
        if clip is not None:
            clip(model.parameters(), 0.1)
        optimizer.step()
        losses.append(loss.item())
    return losses


def assert_same_losses(got: list[float], expected: list[float], dtype: str) -> None:
    assert len(got) == len(expected) == STEPS
    np.testing.assert_allclose(got, expected, **LOSS_TOLERANCE[dtype])
    assert expected[-1] < expected[0], "training should lower the loss"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("loss", ["L1Loss", "MSELoss"])
def test_linear_regression(loss, dtype):
    data = make_regression_data()
    batches = [((data.X_train.astype(dtype),), data.y_train.astype(dtype))] * STEPS
    tm, mm = seeded_pair("LinearRegressionModel", dtype=dtype)
    expected = train(torch, tm, batches, getattr(torch.nn, loss)(), torch.optim.SGD(tm.parameters(), lr=0.01))
    got = train(mt, mm, batches, getattr(mt.nn, loss)(), mt.optim.SGD(mm.parameters(), lr=0.01))
    assert_same_losses(got, expected, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_simple_nn(dtype):
    inputs, targets = make_simple_nn_data()
    batches = [((inputs.astype(dtype),), targets.astype(dtype))] * STEPS
    tm, mm = seeded_pair("SimpleNN", 10, 5, 1, dtype=dtype)
    expected = train(torch, tm, batches, torch.nn.MSELoss(), torch.optim.SGD(tm.parameters(), lr=0.01))
    got = train(mt, mm, batches, mt.nn.MSELoss(), mt.optim.SGD(mm.parameters(), lr=0.01))
    assert_same_losses(got, expected, dtype)


# --------------------------------------------------------------------------- text models
@pytest.fixture(scope="module")
def corpus(request):
    """1,600 real AG_NEWS training rows if `../shared` has them, else the course's synthetic news."""
    try:
        path = request.getfixturevalue("ag_news_path")
        rows = list(itertools.islice(AG_NEWS(root=path, split="train"), STEPS * BATCH))
    except pytest.skip.Exception:
        rows = list(SyntheticNews("train", num_rows=STEPS * BATCH))
    return build_vocab_and_encode(rows, get_tokenizer("basic_english"), specials=("<unk>", "<pad>"))


def text_batches(encoded, padded: bool, pad_index: int = 1):
    """STEPS batches of BATCH documents, in a fixed shuffled order: (inputs, labels) as NumPy."""
    order = np.random.default_rng(0).permutation(len(encoded))
    for labels, text, offsets in encoded.batches(BATCH, order):
        yield ((pad_batch(text, offsets, pad_index),) if padded else (text, offsets)), labels


def test_text_classifier(corpus):
    vocab, encoded = corpus
    tm, mm = seeded_pair("TextClassifier", len(vocab), 32, 4, hidden_size=32)
    batches = list(text_batches(encoded, padded=True, pad_index=vocab["<pad>"]))
    expected = train(torch, tm, batches, torch.nn.NLLLoss(), torch.optim.Adam(tm.parameters(), lr=1e-3))
    got = train(mt, mm, batches, mt.nn.NLLLoss(), mt.optim.Adam(mm.parameters(), lr=1e-3))
    assert_same_losses(got, expected, "float32")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_text_classification_model_sparse(corpus, dtype):
    """The tutorial's recipe: sparse EmbeddingBag on minitorch_ref; torch computes the same math densely.

    torch's own `clip_grad_norm_` fails on sparse gradients, so torch's side uses
    `sparse=False`, whose gradient (and update) is the dense form of the same numbers.
    """
    vocab, encoded = corpus
    torch.manual_seed(0)
    tm = torch_models.TextClassificationModel(len(vocab), 64, 4, sparse=False).to(getattr(torch, dtype))
    mt.manual_seed(0)  # seeding alone gives torch's initial weights (the layouts differ only in `sparse`)
    mm = mt_models.TextClassificationModel(len(vocab), 64, 4, sparse=True).to(getattr(mt, dtype))
    batches = [(tuple(a for a in inputs), labels) for inputs, labels in text_batches(encoded, padded=False)]
    expected = train(torch, tm, batches, torch.nn.CrossEntropyLoss(), torch.optim.SGD(tm.parameters(), lr=5.0),
                     clip=torch.nn.utils.clip_grad_norm_)
    got = train(mt, mm, batches, mt.nn.CrossEntropyLoss(), mt.optim.SGD(mm.parameters(), lr=5.0),
                clip=mt.nn.utils.clip_grad_norm_)
    assert isinstance(mm.embedding.weight.grad, RowSparseGrad), "sparse=True must give a row-sparse gradient"
    assert_same_losses(got, expected, dtype)
    np.testing.assert_allclose(mm.embedding.weight.detach().numpy(), tm.embedding.weight.detach().numpy(),
                               **LOSS_TOLERANCE[dtype])


def test_text_classification_model_sparse_on_torch_too(corpus):
    """Same run with sparse=True on both sides, torch clipping with torch_impl's sparse-aware clip."""
    vocab, encoded = corpus
    tm, mm = seeded_pair("TextClassificationModel", len(vocab), 64, 4, sparse=True, dtype="float64")
    batches = list(text_batches(encoded, padded=False))
    expected = train(torch, tm, batches, torch.nn.CrossEntropyLoss(), torch.optim.SGD(tm.parameters(), lr=5.0),
                     clip=torch_impl.clip.clip_grad_norm_)
    got = train(mt, mm, batches, mt.nn.CrossEntropyLoss(), mt.optim.SGD(mm.parameters(), lr=5.0),
                clip=mt.nn.utils.clip_grad_norm_)
    assert_same_losses(got, expected, "float64")


# --------------------------------------------------------------------------- cross-loading
def model_cases() -> dict[str, tuple[tuple, Callable[[Any], tuple]]]:
    """Constructor arguments and an input builder (NumPy -> backend tensors) for each course model."""
    rng = np.random.default_rng(0)
    x1, x10 = rng.standard_normal((5, 1)).astype(np.float32), rng.standard_normal((5, 10)).astype(np.float32)
    ids = rng.integers(0, 50, size=(3, 7))
    text, offsets = rng.integers(0, 50, size=12), np.array([0, 4, 4, 9])
    return {
        "LinearRegressionModel": ((), lambda b: (b.from_numpy(x1),)),
        "SimpleNN": ((10, 5, 1), lambda b: (b.from_numpy(x10),)),
        "TextClassifier": ((50, 8, 4), lambda b: (b.from_numpy(ids),)),
        "TextClassificationModel": ((50, 8, 4), lambda b: (b.from_numpy(text), b.from_numpy(offsets))),
    }


@pytest.mark.parametrize("name", list(model_cases()))
def test_state_dicts_cross_load(name, tmp_path):
    args, make_inputs = model_cases()[name]
    torch.manual_seed(3)
    torch_model = getattr(torch_models, name)(*args)
    mt.manual_seed(4)  # another seed: the two must start apart for the cross-loading to prove anything
    mt_model = getattr(mt_models, name)(*args)

    # torch -> minitorch_ref
    safetensors.torch.save_file(torch_model.state_dict(), tmp_path / "torch.safetensors")
    loaded = getattr(mt_models, name)(*args)
    loaded.load_state_dict(mt.load(tmp_path / "torch.safetensors"))
    expected = torch_model(*make_inputs(torch)).detach().numpy()
    np.testing.assert_allclose(loaded(*make_inputs(mt)).detach().numpy(), expected, rtol=1e-6, atol=1e-6)

    # minitorch_ref -> torch
    mt.save(mt_model.state_dict(), tmp_path / "mt.safetensors")
    torch_model.load_state_dict(safetensors.torch.load_file(tmp_path / "mt.safetensors"))
    np.testing.assert_allclose(torch_model(*make_inputs(torch)).detach().numpy(),
                               mt_model(*make_inputs(mt)).detach().numpy(), rtol=1e-6, atol=1e-6)
    assert not np.allclose(expected, mt_model(*make_inputs(mt)).detach().numpy()), "the two inits should differ"
