"""The tutorial's recipe: accuracy on real AG_NEWS, exact resume, schedule, plots, compile."""
from __future__ import annotations

import itertools
import shutil

import pytest
import torch
from torch import nn

from torch_impl.checkpoint import CheckpointError
from torch_impl.models import TextClassificationModel
from torch_impl.text import (
    SyntheticNews,
    build_vocab_and_encode,
    get_tokenizer,
    to_torch_batch,
)
from torch_impl.training import (
    DeviceError,
    PaddedToBuckets,
    PreparedData,
    TrainConfig,
    bucket_length,
    compile_model,
    evaluate,
    plot_history,
    prepare_data,
    resolve_device,
    run_recipe,
    split_train_valid,
    train,
)


@pytest.fixture(scope="module")
def small_data() -> PreparedData:
    """3,000 synthetic training rows: a few tenths of a second per epoch."""
    tokenizer = get_tokenizer("basic_english")
    vocab, train_corpus = build_vocab_and_encode(SyntheticNews("train", num_rows=3000, label_noise=0.1), tokenizer)
    test = prepare_data("synthetic", vocab=vocab).test
    return PreparedData(train_corpus, test, vocab, tokenizer, ["World", "Sports", "Business", "Sci/Tech"])


@pytest.mark.real_data
def test_recipe_on_real_ag_news_reaches_the_reference_accuracy(ag_news_path):
    """10,000 AG_NEWS train rows, 10 epochs, sparse=True + clipping; 7,600 test rows (reference run: 0.828)."""
    data = prepare_data("ag_news", ag_news_path)
    assert (len(data.train), len(data.test)) == (10_000, 7_600)
    result = run_recipe(data, TrainConfig(progress=False))
    assert len(result.history) == 10
    assert result.test.count == 7_600
    assert result.test.accuracy >= 0.82, result.test


def _params(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _without_time(history):
    return [{k: v for k, v in record.items() if k != "seconds"} for record in history]


class Interrupt(Exception):
    pass


def test_resume_reproduces_the_uninterrupted_run_exactly(small_data, tmp_path):
    config = TrainConfig(epochs=4, progress=False)
    full = run_recipe(small_data, config, checkpoint_path=tmp_path / "full.pt")

    def stop_after_epoch_2(record):
        if record["epoch"] == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_recipe(small_data, config, checkpoint_path=tmp_path / "cut.pt", on_epoch_end=stop_after_epoch_2)
    shutil.copy(tmp_path / "cut.pt", tmp_path / "cut_after_2.pt")
    # A fresh process would start from scratch: scramble every random state first.
    torch.manual_seed(12345)
    resumed = run_recipe(small_data, config, checkpoint_path=tmp_path / "cut.pt", resume=True)

    assert [r["epoch"] for r in resumed.history] == [1, 2, 3, 4]
    assert _without_time(resumed.history) == _without_time(full.history)
    full_params, resumed_params = _params(full.model), _params(resumed.model)
    assert all(torch.equal(full_params[k], resumed_params[k]) for k in full_params)
    assert resumed.test == full.test

    # Without the restored random states the batch order differs and so do the weights.
    no_rng = torch.load(tmp_path / "cut_after_2.pt", weights_only=True)
    no_rng["rng"]["generator"] = torch.Generator().manual_seed(777).get_state()
    torch.save(no_rng, tmp_path / "cut_after_2.pt")
    different = run_recipe(small_data, config, checkpoint_path=tmp_path / "cut_after_2.pt", resume=True)
    assert not torch.equal(_params(different.model)["fc.weight"], full_params["fc.weight"])


def test_resume_with_other_hyper_parameters_is_refused(small_data, tmp_path):
    run_recipe(small_data, TrainConfig(epochs=1, progress=False), checkpoint_path=tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match="batch_size=64, not 32"):
        run_recipe(small_data, TrainConfig(epochs=2, batch_size=32, progress=False),
                   checkpoint_path=tmp_path / "c.pt", resume=True)


def test_learning_rate_drops_only_when_validation_accuracy_falls(small_data):
    history = run_recipe(small_data, TrainConfig(epochs=8, progress=False)).history
    best = history[0]["valid_acc"]
    drops = 0
    for previous, record in itertools.pairwise(history):
        fell = previous["valid_acc"] < best
        expected_lr = previous["lr"] * 0.1 if fell else previous["lr"]
        assert record["lr"] == pytest.approx(expected_lr)
        drops += fell
        best = max(best, previous["valid_acc"])
    assert drops >= 1, "this run is meant to exercise the schedule (label noise makes accuracy wobble)"
    assert set(history[0]) == {"epoch", "train_loss", "train_acc", "valid_loss", "valid_acc", "lr", "seconds"}


def test_split_is_95_5_and_seeded(small_data):
    train_a, valid_a = split_train_valid(small_data.train, 0.05, seed=0)
    train_b, valid_b = split_train_valid(small_data.train, 0.05, seed=0)
    _, valid_c = split_train_valid(small_data.train, 0.05, seed=1)
    assert (len(train_a), len(valid_a)) == (2850, 150)
    assert (valid_a.ids == valid_b.ids).all() and (train_a.labels == train_b.labels).all()
    assert not (valid_a.labels == valid_c.labels).all()


def test_plot_history_writes_a_png(tmp_path, small_data):
    history = run_recipe(small_data, TrainConfig(epochs=2, progress=False)).history
    path = plot_history(history, tmp_path / "plots" / "history.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_devices():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(DeviceError, match="unknown device"):
        resolve_device("tpu-please")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="CUDA is not available"):
            resolve_device("cuda")


def test_train_and_evaluate_accept_the_tutorials_dataloader(small_data):
    """The course's calling convention: any iterable of (labels, text, offsets), tensors or arrays."""
    torch.manual_seed(0)
    model = TextClassificationModel(len(small_data.vocab), 16, 4)
    batches = [to_torch_batch(b) for b in small_data.train.batches(64)]
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    metrics = train(batches, model, nn.CrossEntropyLoss(), optimizer)
    assert metrics.count == 3000 and 0.25 < metrics.accuracy <= 1
    assert evaluate(small_data.test.batches(100), model, nn.CrossEntropyLoss()).accuracy > 0.5


def test_bucket_lengths_are_few_and_tight():
    for n in range(1, 20_000, 7):
        b = bucket_length(n)
        assert n <= b <= max(4, 1.25 * n + 3)
    assert len({bucket_length(n) for n in range(1500, 4000)}) <= 8


@pytest.mark.parametrize("sparse", [True, False])
def test_padded_batches_give_the_same_outputs_and_gradients(sparse, small_data):
    """What mode="reduce-overhead" trains on: padding must not change any real bag."""
    torch.manual_seed(0)
    model = TextClassificationModel(len(small_data.vocab), 8, 4, sparse=sparse)
    padded = PaddedToBuckets(model, batch_size=64)
    for labels, text, offsets in list(small_data.train.batches(50))[:3]:  # 50 < 64: empty bags are added too
        labels, text, offsets = to_torch_batch((labels, text, offsets))
        grads = []
        for forward in (model, padded):
            model.zero_grad()
            out = forward(text, offsets)
            nn.functional.cross_entropy(out, labels).backward()
            grads.append([p.grad.to_dense().clone() for p in model.parameters()])
            assert out.shape == (50, 4)
        torch.testing.assert_close(padded(text, offsets), model(text, offsets))
        for a, b in zip(*grads):
            torch.testing.assert_close(a, b)


def _has_cpp_compiler() -> bool:
    return any(shutil.which(name) for name in ("g++", "c++", "clang++"))


@pytest.mark.slow
@pytest.mark.skipif(not _has_cpp_compiler(), reason="torch.compile on CPU needs a C++ compiler (g++ or clang++)")
def test_torch_compile_default_trains_like_eager_on_cpu(small_data):
    """Smoke test: compiled (dynamic shapes, no recompiles) training steps match eager ones."""
    import torch._dynamo

    torch._dynamo.reset()
    batches = [to_torch_batch(b) for b in list(small_data.train.batches(64))[:4]]
    results = []
    for mode in (None, "default"):
        torch.manual_seed(0)
        model = TextClassificationModel(len(small_data.vocab), 16, 4, sparse=True)
        optimizer = torch.optim.SGD(model.parameters(), lr=5)
        metrics = train(batches, compile_model(model, mode), nn.CrossEntropyLoss(), optimizer)
        results.append((metrics, _params(model)))
    (eager_metrics, eager), (compiled_metrics, compiled) = results
    assert compiled_metrics.accuracy == eager_metrics.accuracy
    assert compiled_metrics.loss == pytest.approx(eager_metrics.loss, rel=1e-5)
    for key in eager:
        torch.testing.assert_close(compiled[key], eager[key], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="unknown compile mode"):
        compile_model(TextClassificationModel(5, 2, 2), "fastest")
