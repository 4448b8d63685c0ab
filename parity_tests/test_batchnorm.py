"""nn.BatchNorm1d, nn.BatchNorm2d and nn.functional.batch_norm against torch 2.13 (CPU).

Both libraries start from the same weights (torch's state_dict copied into minitorch_ref) and see the same
inputs, several steps in train mode and then in eval mode: outputs, every gradient (input, weight, bias),
running statistics, num_batches_tracked, node names, state_dict round trips, repr, and the error cases
(type and message). Values agree to float rounding: torch sums in its own (vectorised) order.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_ref as mt
from minitorch_ref.autograd import gradcheck
from parity_tests.test_semantics import assert_matches_torch

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12),
       "float16": dict(rtol=2e-3, atol=2e-3)}


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _close(ours, theirs, dtype: str, what: str) -> None:
    if theirs is None:
        assert ours is None, what
        return
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], (what, ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (what, ours.shape, theirs.shape)
    np.testing.assert_allclose(_np(ours), _np(theirs), err_msg=what, **TOL[dtype])


def _pair(cls: str, num_features: int, dtype: str = "float32", seed: int = 0, **kwargs):
    """(torch layer, minitorch_ref layer): torch's, with random weight and bias, copied into ours."""
    theirs = getattr(torch.nn, cls)(num_features, dtype=getattr(torch, dtype), **kwargs)
    ours = getattr(mt.nn, cls)(num_features, dtype=getattr(mt, dtype), **kwargs)
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, p.shape)))
    ours.load_state_dict({k: mt.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()})
    return theirs, ours


def _step(theirs, ours, x: np.ndarray, g: np.ndarray, dtype: str) -> None:
    """One forward and backward on both, then every output, gradient and buffer compared (grads zeroed)."""
    xt, xm = torch.from_numpy(x.copy()).requires_grad_(), mt.from_numpy(x.copy()).requires_grad_()
    yt, ym = theirs(xt), ours(xm)
    _close(ym, yt, dtype, "output")
    assert ym.grad_fn.name() == type(yt.grad_fn).__name__
    yt.backward(torch.from_numpy(g)), ym.backward(mt.from_numpy(g))
    _close(xm.grad, xt.grad, dtype, "input grad")
    for name, p in theirs.named_parameters():
        _close(getattr(ours, name).grad, p.grad, dtype, f"{name}.grad")
    for name, b in theirs.named_buffers():
        _close(getattr(ours, name), b, dtype, name)
        assert int(getattr(ours, name).numel()) == b.numel()
    for layer in (theirs, ours):
        layer.zero_grad()


def _run(cls: str, shape: tuple, dtype: str = "float32", train_steps: int = 3, eval_steps: int = 2, seed: int = 0,
         **kwargs) -> tuple:
    theirs, ours = _pair(cls, shape[1], dtype, seed, **kwargs)
    rng = np.random.default_rng(seed + 1)
    for step in range(train_steps + eval_steps):
        if step == train_steps:
            theirs.eval(), ours.eval()
        x = (rng.standard_normal(shape) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)).astype(dtype)
        _step(theirs, ours, x, rng.standard_normal(shape).astype(dtype), dtype)
    return theirs, ours


# ---------------------------------------------------------------- train then eval, all options
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cls, shape", [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (2, 3, 4, 5))])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"momentum": 0.5, "eps": 1e-3}, {"affine": False},
                                    {"bias": False}, {"track_running_stats": False}],
                         ids=["default", "momentum-None", "momentum-eps", "affine-False", "bias-False", "untracked"])
def test_train_then_eval_matches_torch(cls, shape, dtype, kwargs) -> None:
    theirs, ours = _run(cls, shape, dtype, **kwargs)
    if theirs.track_running_stats:
        assert ours.num_batches_tracked.dtype == mt.int64 and ours.num_batches_tracked.shape == ()
        assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 3


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["BatchNorm1d-2", "BatchNorm1d-3", "BatchNorm2d"]), st.integers(1, 4), st.integers(1, 4),
       st.integers(1, 5), st.integers(1, 4), st.sampled_from([0.1, 0.3, None]), st.integers(0, 2 ** 16))
def test_shapes_sweep_matches_torch(kind, n, c, length, width, momentum, seed) -> None:
    cls, rank = kind.split("-")[0], (int(kind[-1]) if "1d" in kind else 4)
    shape = (n, c, length, width)[:rank]
    if n * int(np.prod(shape[2:])) == 1:
        shape = (2, *shape[1:])  # (one value per channel: an error in training, tested below)
    _run(cls, shape, "float64", train_steps=2, eval_steps=1, seed=seed, momentum=momentum)


def test_float16_input_with_float32_and_with_float16_layers() -> None:
    x = np.random.default_rng(3).standard_normal((6, 4, 3)).astype(np.float16)
    g = np.random.default_rng(4).standard_normal((6, 4, 3)).astype(np.float16)
    for layer_dtype in ("float32", "float16"):
        theirs, ours = _pair("BatchNorm1d", 4, layer_dtype)
        for _ in range(2):
            _step(theirs, ours, x, g, "float16")
        theirs.eval(), ours.eval()
        _step(theirs, ours, x, g, "float16")


# ---------------------------------------------------------------- the module's API
def test_repr_parameters_buffers_and_state_dict_keys() -> None:
    for kwargs in ({}, {"momentum": None, "affine": False, "track_running_stats": False}, {"bias": False, "eps": 0.1}):
        for cls in ("BatchNorm1d", "BatchNorm2d"):
            theirs, ours = getattr(torch.nn, cls)(4, **kwargs), getattr(mt.nn, cls)(4, **kwargs)
            assert repr(ours) == repr(theirs)
            assert list(ours.state_dict()) == list(theirs.state_dict())
            assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
            assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
            for (name, v), w in zip(ours.state_dict().items(), theirs.state_dict().values()):
                _close(v, w, "float32", name)
    assert repr(mt.nn.BatchNorm1d(4)) == "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, " \
                                         "track_running_stats=True)"
    layer = mt.nn.BatchNorm2d(3).double()
    assert layer.running_mean.dtype == mt.float64 and layer.num_batches_tracked.dtype == mt.int64


def test_reset_running_stats_and_reset_parameters() -> None:
    theirs, ours = _run("BatchNorm1d", (5, 3), eval_steps=0)
    for layer in (theirs, ours):
        layer.reset_running_stats()
    for name, b in theirs.named_buffers():
        _close(getattr(ours, name), b, "float32", name)
    _close(ours.weight, theirs.weight, "float32", "weight kept")
    for layer in (theirs, ours):
        layer.reset_parameters()
    for name, v in theirs.state_dict().items():
        _close(ours.state_dict()[name], v, "float32", name)


def test_state_dict_round_trip_both_ways() -> None:
    theirs, ours = _run("BatchNorm2d", (3, 2, 4, 4), eval_steps=0)
    fresh_t, fresh_m = torch.nn.BatchNorm2d(2), mt.nn.BatchNorm2d(2)
    fresh_t.load_state_dict({k: torch.from_numpy(_np(v).copy()) for k, v in ours.state_dict().items()})
    fresh_m.load_state_dict({k: mt.from_numpy(_np(v).copy()) for k, v in theirs.state_dict().items()})
    for name, v in theirs.state_dict().items():
        _close(fresh_m.state_dict()[name], v, "float32", name)
        _close(fresh_m.state_dict()[name], fresh_t.state_dict()[name], "float32", name)
    assert int(fresh_m.num_batches_tracked) == int(fresh_t.num_batches_tracked) == 3
    fresh_t.eval(), fresh_m.eval()
    x = np.random.default_rng(5).standard_normal((2, 2, 4, 4)).astype(np.float32)
    _close(fresh_m(mt.from_numpy(x)), fresh_t(torch.from_numpy(x)), "float32", "eval output after loading")


def test_old_checkpoint_without_num_batches_tracked_loads_as_in_torch() -> None:
    """torch accepts a state_dict without the counter when it has no version metadata (checkpoints from
    before torch 0.4.1), keeping the layer's own count; with version 2 metadata the key is missing."""
    old = {"weight": [1.0, 2.0], "bias": [0.0, 1.0], "running_mean": [0.5, 0.5], "running_var": [2.0, 2.0]}
    for lib in (torch, mt):
        layer = lib.nn.BatchNorm1d(2)
        layer.num_batches_tracked.fill_(7)
        layer.load_state_dict({k: lib.tensor(v) for k, v in old.items()})
        assert int(layer.num_batches_tracked) == 7 and float(layer.running_var[0]) == 2.0
    current = torch.nn.BatchNorm1d(2).state_dict()
    del current["num_batches_tracked"]  # (torch's own state_dict carries `_metadata` with version 2)
    for layer in (torch.nn.BatchNorm1d(2), mt.nn.BatchNorm1d(2)):
        with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "num_batches_tracked"'):
            layer.load_state_dict(current)


def test_eval_mode_without_running_stats_uses_the_batch() -> None:
    def fn(m):
        layer = m.nn.BatchNorm1d(3, track_running_stats=False).eval()
        x = m.tensor([[1.0, 2.0, 3.0], [3.0, 0.0, -1.0], [0.5, 0.5, 0.5]], requires_grad=True)
        y = layer(x)
        (y * m.tensor([1.0, -2.0, 0.5])).sum().backward()
        return y, x.grad, layer.weight.grad, layer.bias.grad
    assert_matches_torch(fn)


# ---------------------------------------------------------------- the functional form
FUNCTIONAL = {
    "eval": lambda m: m.nn.functional.batch_norm(m.tensor([[1.0, 2.0], [3.0, -1.0]]), m.tensor([0.5, 0.0]),
                                                 m.tensor([2.0, 0.5])),
    "eval-weight-bias-grad": lambda m: _functional_grads(m, training=False),
    "train-weight-bias-grad": lambda m: _functional_grads(m, training=True),
    "train-no-running-stats": lambda m: m.nn.functional.batch_norm(m.tensor([[1.0, 2.0], [3.0, -1.0]]), None, None,
                                                                   training=True),
    "train-updates-buffers": lambda m: _updated_buffers(m, 0.1),
    "train-momentum-1": lambda m: _updated_buffers(m, 1.0),
    "no-grad-with-requires-grad-stats": lambda m: _no_grad_call(m),
    "empty-batch": lambda m: _functional_grads(m, training=True, rows=0),
    "empty-batch-int": lambda m: m.nn.functional.batch_norm(m.zeros(0, 2, dtype=m.int64), m.zeros(5), m.ones(5)),
    "float16-float32-stats": lambda m: m.nn.functional.batch_norm(
        m.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=m.float16), m.zeros(2), m.ones(2), training=True),
    "float16-no-params": lambda m: m.nn.functional.batch_norm(
        m.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=m.float16), None, None, training=True),
}


def _functional_grads(m, training: bool, rows: int = 3):
    x = m.arange(rows * 2 * 2, dtype=m.float64).reshape(rows, 2, 2).sin().requires_grad_()
    w = m.tensor([1.5, -0.5], dtype=m.float64, requires_grad=True)
    b = m.tensor([0.1, 0.2], dtype=m.float64, requires_grad=True)
    rm, rv = m.tensor([0.2, -0.1], dtype=m.float64), m.tensor([1.5, 0.7], dtype=m.float64)
    y = m.nn.functional.batch_norm(x, rm, rv, w, b, training=training, momentum=0.2, eps=1e-3)
    (y * y).sum().backward()
    return y, x.grad, w.grad, b.grad, rm, rv


def _updated_buffers(m, momentum: float):
    rm, rv = m.zeros(3), m.ones(3)
    x = m.tensor([[1.0, 2.0, 3.0], [3.0, 0.0, -1.0], [0.5, 0.5, 4.5], [2.0, 1.0, 0.0]])
    y = m.nn.functional.batch_norm(x, rm, rv, training=True, momentum=momentum)
    return y, rm, rv


def _no_grad_call(m):
    with m.no_grad():
        return m.nn.functional.batch_norm(m.ones(3, 2), m.zeros(2, requires_grad=True), m.ones(2), training=True)


@pytest.mark.parametrize("case", list(FUNCTIONAL))
def test_functional_matches_torch(case) -> None:
    assert_matches_torch(FUNCTIONAL[case])


def test_gradcheck_float64_train_and_eval() -> None:
    rng = np.random.default_rng(7)
    x = mt.from_numpy(rng.standard_normal((4, 3, 2))).requires_grad_()
    w = mt.from_numpy(rng.uniform(0.5, 2, 3)).requires_grad_()
    b = mt.from_numpy(rng.standard_normal(3)).requires_grad_()
    rm, rv = mt.from_numpy(rng.standard_normal(3)), mt.from_numpy(rng.uniform(0.5, 2, 3))
    for training in (True, False):
        assert gradcheck(lambda x, w, b: mt.nn.functional.batch_norm(x, None if training else rm,
                                                                     None if training else rv, w, b, training),
                         (x, w, b))
    x4 = mt.from_numpy(rng.standard_normal((2, 2, 3, 2))).requires_grad_()
    assert gradcheck(lambda x: mt.nn.functional.batch_norm(x, None, None, training=True), (x4,))


# ---------------------------------------------------------------- errors
ERRORS = {
    "1d-got-4d": lambda m: m.nn.BatchNorm1d(4)(m.ones(2, 4, 3, 3)),
    "1d-got-1d": lambda m: m.nn.BatchNorm1d(4)(m.ones(4)),
    "2d-got-3d": lambda m: m.nn.BatchNorm2d(4)(m.ones(2, 4, 3)),
    "2d-got-5d": lambda m: m.nn.BatchNorm2d(4)(m.ones(2, 4, 3, 3, 3)),
    "one-value-per-channel": lambda m: m.nn.BatchNorm1d(4)(m.ones(1, 4)),
    "one-value-per-channel-3d": lambda m: m.nn.BatchNorm1d(4)(m.ones(1, 4, 1)),
    "one-value-per-channel-2d": lambda m: m.nn.BatchNorm2d(4)(m.ones(1, 4, 1, 1)),
    "one-sample-in-eval-is-fine": lambda m: m.nn.BatchNorm1d(4).eval()(m.ones(1, 4)),
    "wrong-channels": lambda m: m.nn.BatchNorm1d(4)(m.ones(3, 5)),
    "wrong-bias-size": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), m.ones(4), m.ones(4), m.ones(5)),
    "wrong-var-size-first": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), m.ones(5), m.ones(5)),
    "eval-needs-running-mean": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), None, m.ones(4)),
    "eval-needs-running-var": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), None),
    "train-both-or-neither": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), None, training=True),
    "train-eps-zero": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), None, None, training=True, eps=0.0),
    "eval-eps-negative": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), m.ones(4), eps=-1.0),
    "eval-eps-zero-is-fine": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), m.ones(4), eps=0.0),
    "running-mean-requires-grad": lambda m: m.nn.functional.batch_norm(
        m.ones(3, 4), m.zeros(4, requires_grad=True), m.ones(4), training=True),
    "integer-input": lambda m: m.nn.BatchNorm1d(4)(m.ones(3, 4, dtype=m.int64)),
    "float64-input-float32-layer": lambda m: m.nn.BatchNorm1d(4)(m.ones(3, 4, dtype=m.float64)),
    "float32-input-float64-layer": lambda m: m.nn.BatchNorm1d(4).double()(m.ones(3, 4)),
    "float32-input-float16-stats": lambda m: m.nn.functional.batch_norm(
        m.ones(3, 4), m.zeros(4, dtype=m.float16), m.ones(4, dtype=m.float16), m.ones(4)),
    "float16-input-float16-weight-float32-stats": lambda m: m.nn.functional.batch_norm(
        m.ones(3, 4, dtype=m.float16), m.zeros(4), m.ones(4), m.ones(4, dtype=m.float16)),
    "float16-input-float64-stats": lambda m: m.nn.functional.batch_norm(
        m.ones(3, 4, dtype=m.float16), m.zeros(4, dtype=m.float64), m.ones(4, dtype=m.float64)),
    "weight-not-a-tensor": lambda m: m.nn.functional.batch_norm(m.ones(3, 4), m.zeros(4), m.ones(4), 1.0),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_match_torch(case) -> None:
    assert_matches_torch(ERRORS[case])


def test_argument_types_match_torch() -> None:
    assert_matches_torch(lambda m: m.nn.functional.batch_norm(None, m.zeros(4), m.ones(4)))
    assert_matches_torch(lambda m: m.nn.functional.batch_norm(np.ones((3, 4)), m.zeros(4), m.ones(4)))
    assert_matches_torch(lambda m: m.nn.functional.batch_norm(m.ones(3, 4), [0.0] * 4, m.ones(4), 1.0))


def test_a_course_style_model_trains_then_predicts_as_in_torch() -> None:
    """Linear -> BatchNorm1d -> ReLU -> Dropout(0) -> Linear, a few SGD steps with `model.train()`, then
    `model.eval()` predictions: parameters, buffers and predictions as torch's."""
    def model(lib):
        return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.BatchNorm1d(8), lib.nn.ReLU(), lib.nn.Dropout(0.0),
                                 lib.nn.Linear(8, 3))
    torch.manual_seed(0)
    theirs, ours = model(torch), model(mt)
    ours.load_state_dict({k: mt.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(11)
    opt_t, opt_m = torch.optim.SGD(theirs.parameters(), lr=0.1), mt.optim.SGD(ours.parameters(), lr=0.1)
    for _ in range(4):
        x, y = rng.standard_normal((16, 5)).astype(np.float32), rng.integers(0, 3, 16)
        for lib, net, opt in ((torch, theirs, opt_t), (mt, ours, opt_m)):
            net.train()
            opt.zero_grad()
            lib.nn.functional.cross_entropy(net(lib.from_numpy(x)), lib.from_numpy(y)).backward()
            opt.step()
    for name, v in theirs.state_dict().items():
        _close(ours.state_dict()[name], v, "float32", name)
    theirs.eval(), ours.eval()
    x = rng.standard_normal((1, 5)).astype(np.float32)  # (one sample: fine in eval mode)
    _close(ours(mt.from_numpy(x)), theirs(torch.from_numpy(x)), "float32", "prediction")
