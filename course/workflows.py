"""The course's training workflows, written once against the torch API.

Every function takes a `Backend` (see `course.backend`) and uses only `backend.torch`,
the models bound to it and `backend.clip_grad_norm_`, so the same code trains on
minitorch_ref and on PyTorch. What must be identical on both sides is produced here
with NumPy and converted with `backend.from_numpy`:

- the data (the regression points, the random inputs of SimpleNN),
- the order of the batches (a NumPy permutation per epoch, from `seed`),
- the train/validation split of the text corpus,

The initial weights come from `manual_seed(seed)`: minitorch_ref draws torch's random numbers,
so both backends start from the same weights with no copying (`init_state` can still load
given weights, e.g. to restart from a checkpoint).

Each workflow returns a `RunResult`: the trained model and a `history`, one list per
metric. `callback(step, loss, model)` is called after every optimizer step, when the
gradients that were applied are still in `p.grad` and the parameters are updated: the
parity tests read both backends there, step by step.

The four workflows:

- `train_linear_regression`: "Entrenamiento y visualización de pérdida" (`model_1`,
  y = weight * X + bias, L1 or MSE loss, SGD, train and test loss per epoch);
- `train_simple_nn`: the 10-5-1 `SimpleNN` with MSELoss and SGD on random data;
- `train_text_classifier`: the mean-embedding `TextClassifier` with NLLLoss and Adam on
  padded batches;
- `train_text_classification`: the tutorial's `TextClassificationModel` recipe (SGD lr=5,
  `clip_grad_norm_(0.1)`, StepLR(1, 0.1) when validation accuracy drops, batches of 64,
  95/5 split).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from course.backend import Backend, get_backend
from course.batching import EncodedCorpus

StepCallback = Callable[[int, float, Any], None]  # (step, loss, model)


@dataclass
class RunResult:
    """A trained model and what happened on the way: `history[metric]` is a list of floats."""

    model: Any
    history: dict[str, list[float]] = field(default_factory=dict)

    def record(self, **values: float) -> None:
        for name, value in values.items():
            self.history.setdefault(name, []).append(float(value))


# --------------------------------------------------------------------------- shared set-up


def reference_init_state(model_name: str, *args: Any, seed: int = 0, **kwargs: Any) -> dict[str, np.ndarray]:
    """A model's initial weights after `manual_seed(seed)`, as NumPy arrays (built by minitorch_ref,
    which needs only NumPy; torch draws the very same numbers)."""
    reference = get_backend("numpy")
    reference.torch.manual_seed(seed)
    model = getattr(reference.models, model_name)(*args, **kwargs)
    return {name: value.detach().numpy().copy() for name, value in model.state_dict().items()}


def _build_model(backend: Backend, model_name: str, *args: Any, dtype: str, seed: int,
                 init_state: dict[str, np.ndarray] | None, **kwargs: Any) -> Any:
    """The model in `dtype`, from `init_state` if given, else from the backend's own seeded RNG."""
    torch = backend.torch
    torch.manual_seed(seed)
    model = getattr(backend.models, model_name)(*args, **kwargs)
    model.to(getattr(torch, dtype))
    if init_state is not None:
        load_numpy_state(backend, model, init_state)
    return model


def load_numpy_state(backend: Backend, model: Any, state: dict[str, np.ndarray]) -> Any:
    """`model.load_state_dict` from NumPy arrays, each cast to the dtype of the model's own tensor."""
    own = model.state_dict()
    unexpected = sorted(set(state) - set(own))
    if unexpected:
        raise KeyError(f"{type(model).__name__} has no weights named {unexpected}")
    model.load_state_dict({name: backend.from_numpy(np.asarray(value)).to(own[name].dtype)
                           for name, value in state.items()})
    return model


# --------------------------------------------------------------------------- regression


class RegressionData(NamedTuple):
    """Points of a line, split in train and test; every array is (n, 1)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def make_regression_data(weight: float = 0.7, bias: float = 0.3, num_points: int = 50, noise: float = 0.02,
                         train_fraction: float = 0.8, seed: int = 42) -> RegressionData:
    """`y = weight * X + bias` (+ Gaussian noise) for X = 0, 1/num_points, ..., split 80/20 at random.

    Made with NumPy from `seed`, so both backends train on the very same points.
    """
    rng = np.random.default_rng(seed)
    X = (np.arange(num_points) / num_points).astype(np.float32)[:, None]
    y = (weight * X + bias + noise * rng.standard_normal(X.shape)).astype(np.float32)
    order = rng.permutation(num_points)
    train, test = np.sort(order[:int(train_fraction * num_points)]), np.sort(order[int(train_fraction * num_points):])
    return RegressionData(X[train], y[train], X[test], y[test])


def train_linear_regression(backend: Backend, data: RegressionData | None = None, *, loss: str = "l1",
                            lr: float = 0.01, epochs: int = 100, dtype: str = "float32", seed: int = 0,
                            init_state: dict[str, np.ndarray] | None = None,
                            callback: StepCallback | None = None) -> RunResult:
    """The course's loop: one full-batch SGD step per epoch, then the test loss without gradients.

    history: `train_loss` and `test_loss` per epoch.
    """
    torch = backend.torch
    data = make_regression_data() if data is None else data
    X_train, y_train, X_test, y_test = (backend.from_numpy(a.astype(dtype)) for a in data)
    model = _build_model(backend, "LinearRegressionModel", dtype=dtype, seed=seed, init_state=init_state)
    losses = {"l1": torch.nn.L1Loss, "mse": torch.nn.MSELoss}
    if loss not in losses:
        raise ValueError(f"loss must be one of {', '.join(losses)}, got {loss!r}")
    loss_fn = losses[loss]()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    result = RunResult(model)
    for epoch in range(epochs):
        model.train()
        train_loss = loss_fn(model(X_train), y_train)
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        if callback is not None:
            callback(epoch, train_loss.item(), model)
        model.eval()
        with torch.no_grad():
            test_loss = loss_fn(model(X_test), y_test)
        result.record(train_loss=train_loss.item(), test_loss=test_loss.item())
    return result


# --------------------------------------------------------------------------- SimpleNN


def make_simple_nn_data(num_samples: int = 100, input_size: int = 10, output_size: int = 1,
                        seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The course's "datos ficticios": standard normal inputs and targets, float32, from `seed`."""
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((num_samples, input_size)).astype(np.float32)
    targets = rng.standard_normal((num_samples, output_size)).astype(np.float32)
    return inputs, targets


def train_simple_nn(backend: Backend, inputs: np.ndarray | None = None, targets: np.ndarray | None = None, *,
                    hidden_size: int = 5, lr: float = 0.01, epochs: int = 100, dtype: str = "float32",
                    seed: int = 0, init_state: dict[str, np.ndarray] | None = None,
                    callback: StepCallback | None = None) -> RunResult:
    """SimpleNN(10, 5, 1) with MSELoss and SGD, one full-batch step per epoch. history: `loss`."""
    torch = backend.torch
    if inputs is None or targets is None:
        inputs, targets = make_simple_nn_data(seed=seed)
    x, y = backend.from_numpy(inputs.astype(dtype)), backend.from_numpy(targets.astype(dtype))
    model = _build_model(backend, "SimpleNN", inputs.shape[1], hidden_size, targets.shape[1],
                         dtype=dtype, seed=seed, init_state=init_state)
    criterion = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    result = RunResult(model)
    model.train()
    for epoch in range(epochs):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if callback is not None:
            callback(epoch, loss.item(), model)
        result.record(loss=loss.item())
    return result


# --------------------------------------------------------------------------- text models


def pad_batch(text: np.ndarray, offsets: np.ndarray, pad_index: int = 0) -> np.ndarray:
    """Flat ids + start offsets -> a (batch, longest) array, short documents filled with `pad_index`.

    The course's `TextClassifier` averages over *all* positions, padding included (it has
    no mask): give the vocabulary a "<pad>" special and pass its index so that padding
    has its own learned vector, instead of reusing "<unk>".
    """
    lengths = np.diff(np.append(offsets, len(text)))
    padded = np.full((len(offsets), max(int(lengths.max(initial=0)), 1)), pad_index, dtype=np.int64)
    padded[np.arange(padded.shape[1]) < lengths[:, None]] = text  # row-major: documents in order
    return padded


def _model_inputs(backend: Backend, model: Any, text: np.ndarray, offsets: np.ndarray, pad_index: int) -> tuple:
    """What each text model's `forward` takes: padded ids (TextClassifier) or flat ids + offsets."""
    if isinstance(model, backend.models.TextClassifier):
        return (backend.from_numpy(pad_batch(text, offsets, pad_index)),)
    return backend.from_numpy(text), backend.from_numpy(offsets)


class Evaluation(NamedTuple):
    accuracy: float
    predictions: np.ndarray  # predicted class (0-based) of every document, in corpus order


def evaluate(backend: Backend, model: Any, corpus: EncodedCorpus, batch_size: int = 64,
             pad_index: int = 0) -> Evaluation:
    """The course's `evaluate`: eval mode, no gradients, accuracy of `argmax(1)`."""
    torch = backend.torch
    model.eval()
    predictions = []
    with torch.no_grad():
        for labels, text, offsets in corpus.batches(batch_size):
            output = model(*_model_inputs(backend, model, text, offsets, pad_index))
            predictions.append(output.argmax(1).numpy())
    predicted = np.concatenate(predictions) if predictions else np.zeros(0, dtype=np.int64)
    accuracy = float((predicted == corpus.labels).mean()) if len(corpus) else float("nan")
    return Evaluation(accuracy, predicted)


def _train_epoch(backend: Backend, model: Any, corpus: EncodedCorpus, order: np.ndarray, batch_size: int,
                 criterion: Any, optimizer: Any, clip_norm: float | None, pad_index: int,
                 callback: StepCallback | None, result: RunResult) -> float:
    """One pass over `corpus` in `order`; records the loss of each step; returns the train accuracy."""
    model.train()
    correct = total = 0
    for labels, text, offsets in corpus.batches(batch_size, order):
        step = len(result.history.get("loss", []))
        target = backend.from_numpy(labels)
        optimizer.zero_grad()
        output = model(*_model_inputs(backend, model, text, offsets, pad_index))
        loss = criterion(output, target)
        loss.backward()
        if clip_norm is not None:
            backend.clip_grad_norm_(model.parameters(), clip_norm)  # avoid exploding gradients
        optimizer.step()
        result.record(loss=loss.item())
        if callback is not None:
            callback(step, loss.item(), model)
        correct += (output.argmax(1) == target).sum().item()
        total += len(labels)
    return correct / max(total, 1)


def train_text_classifier(backend: Backend, train: EncodedCorpus, vocab_size: int, *,
                          valid: EncodedCorpus | None = None, num_classes: int = 4, embed_dim: int = 64,
                          hidden_size: int = 128, batch_size: int = 16, epochs: int = 5, lr: float = 0.001,
                          pad_index: int = 0, dtype: str = "float32", seed: int = 0,
                          init_state: dict[str, np.ndarray] | None = None,
                          callback: StepCallback | None = None) -> RunResult:
    """The mean-embedding `TextClassifier` (log-probabilities) with NLLLoss and Adam.

    history: `loss` per step; `train_accuracy` (and `valid_accuracy` if `valid`) per epoch.
    """
    torch = backend.torch
    model = _build_model(backend, "TextClassifier", vocab_size, embed_dim, num_classes, hidden_size,
                         dtype=dtype, seed=seed, init_state=init_state)
    criterion = torch.nn.NLLLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    result = RunResult(model)
    for _ in range(epochs):
        train_accuracy = _train_epoch(backend, model, train, rng.permutation(len(train)), batch_size,
                                      criterion, optimizer, None, pad_index, callback, result)
        result.record(train_accuracy=train_accuracy)
        if valid is not None:
            result.record(valid_accuracy=evaluate(backend, model, valid, batch_size, pad_index).accuracy)
    return result


def split_train_valid(corpus: EncodedCorpus, valid_fraction: float = 0.05,
                      seed: int = 0) -> tuple[EncodedCorpus, EncodedCorpus]:
    """The tutorial's 95/5 `random_split`, drawn with NumPy so that both backends get the same rows."""
    num_train = int(len(corpus) * (1 - valid_fraction))
    order = np.random.default_rng(seed).permutation(len(corpus))
    return corpus.subset(order[:num_train]), corpus.subset(order[num_train:])


def train_text_classification(backend: Backend, corpus: EncodedCorpus, vocab_size: int, *, num_class: int = 4,
                              embed_dim: int = 64, epochs: int = 10, batch_size: int = 64, lr: float = 5.0,
                              clip_norm: float = 0.1, gamma: float = 0.1, valid_fraction: float = 0.05,
                              sparse: bool = True, dtype: str = "float32", seed: int = 0,
                              init_state: dict[str, np.ndarray] | None = None,
                              callback: StepCallback | None = None, compile: bool = False) -> RunResult:
    """The tutorial's recipe for `TextClassificationModel` (EmbeddingBag + Linear).

    CrossEntropyLoss, SGD(lr=5), `clip_grad_norm_(0.1)` at every step, batches of 64, 95/5
    split of `corpus`; after each epoch the learning rate is multiplied by `gamma`
    (StepLR(step_size=1)) only if the validation accuracy fell below the best so far.
    history: `loss` per step; `train_accuracy`, `valid_accuracy` and `lr` (the rate the
    epoch trained with) per epoch.

    `compile=True` runs every forward pass through `torch.compile(model, dynamic=True)`
    (PyTorch 2.x; `dynamic` because each batch has a different number of tokens); the
    returned model is the plain one, which shares its parameters with the compiled one.
    """
    torch = backend.torch
    train, valid = split_train_valid(corpus, valid_fraction, seed)
    model = _build_model(backend, "TextClassificationModel", vocab_size, embed_dim, num_class, sparse=sparse,
                         dtype=dtype, seed=seed, init_state=init_state)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=gamma)
    forward = torch.compile(model, dynamic=True) if compile else model
    rng = np.random.default_rng(seed)
    result = RunResult(model)
    best_accuracy: float | None = None
    for _ in range(epochs):
        epoch_lr = optimizer.param_groups[0]["lr"]
        train_accuracy = _train_epoch(backend, forward, train, rng.permutation(len(train)), batch_size,
                                      criterion, optimizer, clip_norm, 0, callback, result)
        valid_accuracy = evaluate(backend, forward, valid, batch_size).accuracy
        if best_accuracy is not None and valid_accuracy < best_accuracy:
            scheduler.step()
        else:
            best_accuracy = valid_accuracy
        result.record(train_accuracy=train_accuracy, valid_accuracy=valid_accuracy, lr=epoch_lr)
    return result


@dataclass
class DemoClassifier:
    """A small `TextClassificationModel` trained with the tutorial's recipe on the synthetic
    corpus, and what made it: the starting point of the chapters on saving and compiling."""

    tokenizer: Callable[[str], list[str]]
    vocab: Any
    train: EncodedCorpus
    test: EncodedCorpus
    vocab_size: int
    embed_dim: int
    num_class: int
    seed: int
    model: Any


def demo_text_classifier(backend: Backend, *, epochs: int = 2, embed_dim: int = 64, seed: int = 0) -> DemoClassifier:
    """Train the demo model (2,000 synthetic training rows, 500 test rows) from `manual_seed(seed)`."""
    from course.batching import build_vocab_and_encode
    from course.datasets import CLASS_NAMES, SyntheticNews
    from course.text import get_tokenizer

    tokenizer = get_tokenizer("basic_english")
    vocab, train = build_vocab_and_encode(SyntheticNews("train", 2000), tokenizer)
    test = EncodedCorpus.from_dataset(SyntheticNews("test", 500), tokenizer, vocab)
    vocab_size, num_class = len(vocab), len(CLASS_NAMES["ag_news"])
    model = train_text_classification(backend, train, vocab_size, embed_dim=embed_dim, num_class=num_class,
                                      epochs=epochs, seed=seed).model
    return DemoClassifier(tokenizer, vocab, train, test, vocab_size, embed_dim, num_class, seed, model)
