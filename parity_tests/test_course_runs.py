"""The course's workflows give the same numbers on minitorch_ref and on PyTorch, step by step.

Each of the four workflows in `course.workflows` runs on both backends from `manual_seed(seed)`
alone (minitorch_ref draws torch's random numbers, so the initial weights agree bit for bit:
nothing is copied) and the same NumPy data. At every optimizer step
the callback records the loss, every parameter's gradient (a row-sparse embedding
gradient is made dense) and every parameter after the update; these must agree to 1e-9
in float64 and to 1e-4 (relative to each tensor's scale) in float32 over 100 steps. After
training, evaluation accuracy and the predicted classes must be identical.

The text models run on the built-in synthetic corpus (always) and on the real AG_NEWS
rows (skipped, with the reason, when ../shared is absent). Loss-only equality and
state-dict loading are covered by test_course_models.py; this file goes through the
workflows and checks gradients, parameters and predictions too, plus the path a user
takes to share a model: train in minitorch_ref, `minitorch_ref.save`, load into PyTorch,
`save_pretrained`, `from_pretrained`.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, NamedTuple

import numpy as np
import pytest

from course import workflows
from course.backend import Backend, get_backend
from course.batching import EncodedCorpus, build_vocab_and_encode
from course.datasets import AG_NEWS, CLASS_NAMES, SyntheticNews
from course.text import Vocab, get_tokenizer

STEPS = 100
RTOL = {"float64": 1e-9, "float32": 1e-4}
VOCAB_TOKENS = 1000  # keeps the per-step copies of the embedding table small



@pytest.fixture(scope="module")
def backends() -> dict[str, Backend]:
    return {"numpy": get_backend("numpy"), "torch": get_backend("torch")}


class TextData(NamedTuple):
    vocab: Vocab
    train: EncodedCorpus
    test: EncodedCorpus


def _encode(train_rows, test_rows) -> TextData:
    tokenizer = get_tokenizer("basic_english")
    vocab, train = build_vocab_and_encode(train_rows, tokenizer, max_tokens=VOCAB_TOKENS)
    return TextData(vocab, train, EncodedCorpus.from_dataset(test_rows, tokenizer, vocab))


@pytest.fixture(scope="module", params=["synthetic", "ag_news"])
def text_data(request) -> TextData:
    """Enough rows for 100 steps of batch 64 after the 95/5 split, and 1000 test rows."""
    if request.param == "synthetic":
        return _encode(SyntheticNews("train", 6800), SyntheticNews("test", 1000))
    root = request.getfixturevalue("ag_news_path")
    return _encode(list(islice(AG_NEWS(root, "train"), 6800)), list(islice(AG_NEWS(root, "test"), 1000)))


class Step(NamedTuple):
    loss: float
    grads: dict[str, np.ndarray]
    params: dict[str, np.ndarray]


def _numpy(tensor: Any) -> np.ndarray:
    """A parameter or gradient as a NumPy copy; sparse gradients (both backends) made dense."""
    if getattr(tensor, "is_sparse", False):
        tensor = tensor.to_dense()
    return tensor.detach().numpy().copy()


def run_recorded(workflow, backend: Backend, *args: Any, **kwargs: Any) -> tuple[workflows.RunResult, list[Step]]:
    """Run `workflow` on `backend`, keeping the loss, gradients and parameters of every step."""
    steps: list[Step] = []

    def record(step: int, loss: float, model: Any) -> None:
        assert step == len(steps)
        parameters = dict(model.named_parameters())
        steps.append(Step(loss, {name: _numpy(p.grad) for name, p in parameters.items()},
                          {name: _numpy(p) for name, p in parameters.items()}))

    return workflow(backend, *args, callback=record, **kwargs), steps


def assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float, what: str, scale: float = 0.0) -> None:
    """Relative to the tensor's own scale (or `scale` if larger), so that near-zero entries are not held
    to 1e-9 of themselves."""
    scale = max(float(np.abs(expected).max(initial=0.0)), scale, 1e-30)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale, err_msg=what)


def assert_same_steps(numpy_steps: list[Step], torch_steps: list[Step], dtype: str) -> None:
    rtol = RTOL[dtype]
    assert len(numpy_steps) == len(torch_steps) > 0
    for index, (mine, theirs) in enumerate(zip(numpy_steps, torch_steps)):
        assert mine.loss == pytest.approx(theirs.loss, rel=rtol, abs=rtol), f"loss at step {index}"
        assert mine.grads.keys() == theirs.grads.keys()
        # a gradient that cancels to almost zero (an L1 bias gradient: as many +1 as -1 terms) keeps the
        # rounding noise of its sum: it is held to the step's largest gradient, not to itself
        step_scale = max(float(np.abs(g).max(initial=0.0)) for g in theirs.grads.values())
        for name in theirs.grads:
            assert mine.grads[name].dtype == theirs.grads[name].dtype == np.dtype(dtype), name
            assert_close(mine.grads[name], theirs.grads[name], rtol, f"gradient of {name} at step {index}", step_scale)
            assert_close(mine.params[name], theirs.params[name], rtol, f"{name} after step {index}")


def run_both(backends, workflow, *args: Any, **kwargs: Any):
    numpy_result, numpy_steps = run_recorded(workflow, backends["numpy"], *args, **kwargs)
    torch_result, torch_steps = run_recorded(workflow, backends["torch"], *args, **kwargs)
    assert_same_steps(numpy_steps, torch_steps, kwargs["dtype"])
    return numpy_result, torch_result


def assert_same_history(numpy_result, torch_result, dtype: str) -> None:
    assert numpy_result.history.keys() == torch_result.history.keys()
    for name, values in torch_result.history.items():
        np.testing.assert_allclose(numpy_result.history[name], values, rtol=RTOL[dtype], atol=RTOL[dtype],
                                   err_msg=name)


DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])


@DTYPES
def test_linear_regression_runs_agree(backends, dtype):
    for loss in ("l1", "mse"):
        numpy_result, torch_result = run_both(backends, workflows.train_linear_regression, loss=loss, epochs=STEPS,
                                              dtype=dtype, seed=1)
        assert_same_history(numpy_result, torch_result, dtype)
        assert len(torch_result.history["test_loss"]) == STEPS
    # The model learns the line: with MSE the test loss ends far below where it started.
    assert torch_result.history["test_loss"][-1] < 0.5 * torch_result.history["test_loss"][0]


@DTYPES
def test_simple_nn_runs_agree(backends, dtype):
    numpy_result, torch_result = run_both(backends, workflows.train_simple_nn, epochs=STEPS, dtype=dtype,
                                          seed=2)
    assert_same_history(numpy_result, torch_result, dtype)
    assert torch_result.history["loss"][-1] < torch_result.history["loss"][0]


def _assert_same_predictions(backends, results, test: EncodedCorpus, **kwargs: Any) -> float:
    numpy_eval = workflows.evaluate(backends["numpy"], results[0].model, test, **kwargs)
    torch_eval = workflows.evaluate(backends["torch"], results[1].model, test, **kwargs)
    np.testing.assert_array_equal(numpy_eval.predictions, torch_eval.predictions)
    assert numpy_eval.accuracy == torch_eval.accuracy
    return torch_eval.accuracy


@DTYPES
def test_text_classifier_runs_agree(backends, text_data, dtype):
    """Mean-embedding TextClassifier, NLLLoss + Adam (lr=0.001), padded batches of 16: 100 steps.

    Adam divides each update by the root of its running squared gradient, so where a
    gradient is almost zero, float32 rounding noise becomes an update of up to `lr`: a
    larger lr would need a looser float32 tolerance.
    """
    vocab, train, test = text_data
    results = run_both(backends, workflows.train_text_classifier, train.subset(range(16 * STEPS)), len(vocab),
                       embed_dim=32, hidden_size=64, batch_size=16, epochs=1, dtype=dtype, seed=0)
    assert_same_history(*results, dtype)
    _assert_same_predictions(backends, results, test, batch_size=16)


@DTYPES
def test_text_classification_recipe_runs_agree(backends, text_data, dtype):
    """The tutorial's EmbeddingBag recipe (sparse gradient, clipping, SGD lr=5): 100 steps + StepLR."""
    vocab, train, test = text_data
    rows = int(64 * STEPS / 0.95) + 1  # 100 full batches after the 95/5 split
    results = run_both(backends, workflows.train_text_classification, train.subset(range(rows)), len(vocab),
                       epochs=1, dtype=dtype, seed=0)
    assert len(results[1].history["loss"]) == STEPS
    assert_same_history(*results, dtype)
    accuracy = _assert_same_predictions(backends, results, test)
    assert accuracy > 0.4  # it learns: chance is 0.25 (100 steps end near 0.5, depending on the initial draw)


def test_step_lr_schedule_agrees(backends, text_data):
    """Three short epochs: the learning rate drops (or not) at the same epochs on both backends."""
    vocab, train, _ = text_data
    results = run_both(backends, workflows.train_text_classification, train.subset(range(1400)), len(vocab),
                       embed_dim=16, epochs=3, valid_fraction=0.3, dtype="float64", seed=0)
    assert_same_history(*results, "float64")
    lrs, accuracies = results[1].history["lr"], results[1].history["valid_accuracy"]
    for epoch in range(1, 3):  # StepLR(1, 0.1) steps exactly when accuracy fell below the best so far
        dropped = accuracies[epoch - 1] < max(accuracies[:epoch - 1], default=-1.0)
        expected = lrs[epoch - 1] * (0.1 if dropped else 1.0)
        assert lrs[epoch] == pytest.approx(expected)


def test_model_trained_in_minitorch_classifies_identically_in_torch(backends, text_data, tmp_path):
    """minitorch_ref.save -> safetensors -> torch model -> save_pretrained -> from_pretrained."""
    from safetensors.torch import load_file

    from torch_impl.hub import from_pretrained, save_pretrained

    vocab, train, test = text_data
    numpy_backend, torch_backend = backends["numpy"], backends["torch"]
    trained = workflows.train_text_classification(numpy_backend, train.subset(range(3000)), len(vocab), epochs=2,
                                                  seed=0).model
    numpy_backend.torch.save(trained.state_dict(), tmp_path / "modelo.safetensors")

    torch_model = torch_backend.models.TextClassificationModel(len(vocab), 64, 4)
    torch_model.load_state_dict(load_file(tmp_path / "modelo.safetensors"))
    save_pretrained(torch_model, tmp_path / "hub", vocab=vocab, class_names=CLASS_NAMES["ag_news"])
    reloaded = from_pretrained(tmp_path / "hub")
    assert reloaded.vocab == vocab and reloaded.class_names == CLASS_NAMES["ag_news"]

    expected = workflows.evaluate(numpy_backend, trained, test)
    assert expected.accuracy > 0.4 and len(set(expected.predictions)) == 4  # a real classifier (chance: 0.25)
    for model in (torch_model, reloaded.model):
        got = workflows.evaluate(torch_backend, model, test)
        np.testing.assert_array_equal(got.predictions, expected.predictions)
        for name, value in trained.state_dict().items():  # the weights travelled bit for bit
            np.testing.assert_array_equal(model.state_dict()[name].numpy(), value.numpy())
