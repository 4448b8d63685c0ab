"""Parity: minitorch_ref's losses against torch's, values and gradients, every reduction and option.

Each case runs the same arrays through `nn.functional.<loss>` of both libraries, compares
the loss and its grad_fn name, then backpropagates the same random upstream gradient and
compares the gradients of the input (and of the target, where torch computes one).
Errors must match in type and message.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from parity_tests.outcomes import with_warnings
from parity_tests.test_nn_modules import assert_close, same_error

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]


def no_options(lib: Any) -> dict:
    return {}


def run_loss(name: str, arrays: list, grad_args: tuple = (0,), kw: Callable[[Any], dict] = no_options,
             seed: int = 0, tolerance: Any = None) -> None:
    """F.<name>(*arrays, **kw(lib)) on both libraries: loss, grad_fn name, gradients of `grad_args`.
    Arrays become tensors; other positional values (None, a reduction name) are passed as they are.
    `tolerance`: compare at this dtype's tolerance (default: each result's own dtype)."""
    tensors = {}
    for lib in (mt, torch):
        args = [lib.from_numpy(np.array(a, copy=True)) if isinstance(a, np.ndarray) else a for a in arrays]
        for i in grad_args:
            args[i].requires_grad_()
        tensors[lib] = (args, getattr(lib.nn.functional, name)(*args, **kw(lib)))
    (args_a, out_a), (args_b, out_b) = tensors[mt], tensors[torch]
    assert_close(out_a, out_b, tolerance)
    assert out_a.dtype.name == str(out_b.dtype).removeprefix("torch.")
    assert out_a.grad_fn.name() == type(out_b.grad_fn).__name__
    upstream = np.random.default_rng(seed).standard_normal(out_b.shape).astype(out_a._data.dtype)
    out_a.backward(mt.from_numpy(upstream.copy()))
    out_b.backward(torch.from_numpy(upstream.copy()))
    for i in grad_args:
        assert_close(args_a[i].grad, args_b[i].grad, tolerance)


def rand(shape: tuple, dtype: Any, seed: int, scale: float = 3.0) -> np.ndarray:
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * scale, dtype=dtype)


def probs(shape: tuple, dtype: Any, seed: int, scale: float = 1.0) -> np.ndarray:
    """Values strictly inside (0, scale), like sigmoid outputs for scale 1."""
    return np.asarray(np.random.default_rng(seed).uniform(0.02, 0.98, shape) * scale, dtype=dtype)


def class_weights(num_classes: int, dtype: Any) -> Callable[[Any], Any]:
    w = np.linspace(0.5, 2.0, num_classes).astype(dtype)
    return lambda lib: lib.from_numpy(w.copy())


# ---------------------------------------------------------------------- regression losses
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3), seed=st.integers(0, 2**16))
def test_regression_losses(name, reduction, dtype, shape, seed):
    x, y = rand(tuple(shape), dtype, seed), rand(tuple(shape), dtype, seed + 1)
    run_loss(name, [x, y], (0, 1), lambda lib: dict(reduction=reduction), seed)


def test_mse_broadcast_warns_like_torch():
    x, y = rand((3, 4), np.float64, 0), rand((1, 4), np.float64, 1)
    with pytest.warns(UserWarning, match="Using a target size"):
        run_loss("mse_loss", [x, y], (0, 1))
    with pytest.warns(UserWarning):
        same_error(lambda: mt.nn.functional.mse_loss(mt.ones(3, 4), mt.ones(3, 5)),
                   lambda: torch.nn.functional.mse_loss(torch.ones(3, 4), torch.ones(3, 5)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_weighted_regression_losses(name, reduction):
    """torch 2.13's `weight=`: one weight per input element; 'mean' divides by the summed weights (huber: the
    count). The weight gets a gradient."""
    x, y, w = rand((3, 4), np.float64, 0), rand((3, 4), np.float64, 1), probs((3, 4), np.float64, 2, 2.0)
    if name == "huber_loss":  # huber_loss(input, target, reduction, delta, weight)
        run_loss(name, [x, y, reduction, 2.0, w], (0, 1, 4))
    else:  # mse_loss(input, target, size_average, reduce, reduction, weight)
        run_loss(name, [x, y, None, None, reduction, w], (0, 1, 5))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_smooth_l1_with_beta_zero_is_l1_loss(reduction):
    """torch computes l1_loss for beta=0: its nodes, and gradient 0 where the difference is nan."""
    x, y = np.array([1.0, np.nan, 2.0, 3.0]), np.array([1.0, 1.0, 1.0, 4.0])
    run_loss("smooth_l1_loss", [x, y], (0, 1), lambda lib: dict(reduction=reduction, beta=0.0))


# ---------------------------------------------------------------------- cross-entropy and NLL
def class_case(draw: Any, dtype: Any) -> tuple:
    """Logits (N, C) or (N, C, d...) or (C,), index targets with some ignored, and options."""
    num_classes = draw(st.integers(2, 5))
    layout = draw(st.sampled_from(["1d", "2d", "nd"]))
    batch = () if layout == "1d" else (draw(st.integers(1, 4)),)
    extra = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if layout == "nd" else ()
    shape = batch + (num_classes,) + extra
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    target = rng.integers(0, num_classes, batch + extra)
    ignore_index = draw(st.sampled_from([-100, 0, 1]))
    if draw(st.booleans()):
        target = np.where(rng.random(target.shape) < 0.3, ignore_index, target)
    return rand(shape, dtype, seed), target, ignore_index, seed


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), weighted=st.booleans(), smoothing=st.sampled_from([0.0, 0.1, 1.0]))
def test_cross_entropy_index_targets(reduction, dtype, data, weighted, smoothing):
    x, target, ignore_index, seed = class_case(data.draw, dtype)
    num_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    weight = class_weights(num_classes, dtype) if weighted else (lambda lib: None)
    run_loss("cross_entropy", [x, target], (0,), lambda lib: dict(
        weight=weight(lib), ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing), seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(data=st.data(), weighted=st.booleans())
def test_nll_loss(reduction, dtype, data, weighted):
    x, target, ignore_index, seed = class_case(data.draw, dtype)
    num_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    weight = class_weights(num_classes, dtype) if weighted else (lambda lib: None)
    run_loss("nll_loss", [x, target], (0,), lambda lib: dict(
        weight=weight(lib), ignore_index=ignore_index, reduction=reduction), seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_probability_targets(shape, reduction, dtype, weighted, smoothing):
    x = rand(shape, dtype, 0)
    class_axis = 0 if len(shape) == 1 else 1
    p = np.exp(rand(shape, dtype, 1))
    p = p / p.sum(axis=class_axis, keepdims=True)
    weight = class_weights(shape[class_axis], dtype) if weighted else (lambda lib: None)
    run_loss("cross_entropy", [x, p], (0,), lambda lib: dict(
        weight=weight(lib), reduction=reduction, label_smoothing=smoothing))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_all_targets_ignored(reduction):
    x, target = rand((3, 4), np.float32, 0), np.full(3, -100)
    run_loss("cross_entropy", [x, target], (0,), lambda lib: dict(reduction=reduction))  # mean: nan, as torch
    run_loss("nll_loss", [x, target], (0,), lambda lib: dict(reduction=reduction))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_extreme_logits_are_stable(dtype, smoothing):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    target = np.array([1, 2, 0])
    run_loss("cross_entropy", [x, target], (0,), lambda lib: dict(label_smoothing=smoothing))
    out = mt.nn.functional.cross_entropy(mt.from_numpy(x), mt.from_numpy(target), reduction="none")
    assert np.all(np.isfinite(out._data))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, smoothing", [("nll_loss", 0.0), ("cross_entropy", 0.0), ("cross_entropy", 0.1)])
def test_class_weights_summing_to_zero(name, smoothing, reduction):
    """'mean' divides by the summed weights of the targets, here 0: torch's gradient is then nan for those
    rows (-w[t] * grad / 0), and exactly 0 for the ignored row; the loss nan."""
    x, target = rand((3, 3), np.float64, 0), np.array([0, 1, -100])
    kw = dict(label_smoothing=smoothing) if smoothing else {}
    run_loss(name, [x, target, np.array([0.0, 0.0, 1.0])], (0,), lambda lib: dict(reduction=reduction, **kw))


INF = np.inf
LITERAL_CASES = {  # (logits, target, class weights, label smoothing): a -inf logit read as torch reads it
    "probabilities: -inf logit, probability 0": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]],
                                                 [[0.5, 0.0, 0.5], [0.3, 0.7, 0.0]], None, 0.0),
    "probabilities, weighted": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]], [[0.5, 0.0, 0.5], [0.3, 0.7, 0.0]],
                                [1.0, 0.0, 2.0], 0.0),
    "probabilities, smoothed": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]], [[0.5, 0.0, 0.5], [0.3, 0.7, 0.0]],
                                None, 0.1),
    "indices: -inf elsewhere": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]], [0, 1], [1.0, 0.0, 2.0], 0.0),
    "indices, smoothed: -inf meets weight 0": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]], [0, 1], [1.0, 0.0, 2.0], 0.1),
    "indices, smoothed, unweighted": ([[0.0, -INF, 1.0], [2.0, 1.0, -INF]], [0, 1], None, 0.1),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", LITERAL_CASES)
def test_cross_entropy_infinite_logits_read_literally(case, reduction):
    """torch computes -(log_softmax(x) * target).sum() as written (-inf * 0 = nan), and label smoothing's
    -(log_p * weight).sum() too; only the picked log-probability of a class index avoids the nan."""
    x, target, weight, smoothing = LITERAL_CASES[case]
    x, target = np.array(x), np.array(target)
    arrays = [x, target] + ([np.array(weight)] if weight is not None else [])
    grad_args = (0, 1) if target.dtype.kind == "f" else (0,)
    run_loss("cross_entropy", arrays, grad_args, lambda lib: dict(reduction=reduction, label_smoothing=smoothing))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_probability_targets_give_the_class_weights_a_gradient(reduction, smoothing):
    x, p, w = rand((4, 3), np.float64, 0), probs((4, 3), np.float64, 1), probs((3,), np.float64, 2, 2.0)
    run_loss("cross_entropy", [x, p, w], (0, 1, 2), lambda lib: dict(reduction=reduction, label_smoothing=smoothing))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probability_targets_take_the_weights_dtype(reduction):
    """float32 logits with a float64 weight: a float64 loss, as in torch. (torch computes the log-softmax in
    float32 first, minitorch_ref in float64: compared at float32's tolerance.)"""
    x, p = rand((4, 3), np.float32, 0), probs((4, 3), np.float32, 1)
    run_loss("cross_entropy", [x, p, probs((3,), np.float64, 2, 2.0)], (0, 1),
             lambda lib: dict(reduction=reduction), tolerance=np.float32)


@pytest.mark.parametrize("smoothing", [-0.5, -1e-9])
@pytest.mark.parametrize("target", ["indices", "probabilities"])
def test_negative_label_smoothing_counts_as_none(target, smoothing):
    x = rand((3, 4), np.float64, 0)
    y = np.array([0, 3, 1]) if target == "indices" else probs((3, 4), np.float64, 1)
    run_loss("cross_entropy", [x, y], (0,), lambda lib: dict(label_smoothing=smoothing))


@pytest.mark.parametrize("weighted", [False, True])
def test_probability_targets_of_an_empty_batch(weighted):
    """'mean' of nothing: torch fills -(...).sum() with nan (node NegBackward0, not the division's)."""
    arrays = [np.zeros((0, 4)), np.zeros((0, 4))] + ([np.ones(4)] if weighted else [])
    run_loss("cross_entropy", arrays, (0,))


ZERO_CLASS_CASES = {  # (function, logits shape, target, options): nothing to predict, as torch computes it
    "every target ignored": ("cross_entropy", (3, 0), np.full(3, -100), {}),
    "every target ignored, smoothed": ("cross_entropy", (3, 0), np.full(3, -100), dict(label_smoothing=0.1)),
    "nll, every target ignored": ("nll_loss", (3, 0), np.full(3, -100), {}),
    "empty batch": ("cross_entropy", (0, 0), np.zeros(0, dtype=np.int64), {}),
    "probabilities, smoothed": ("cross_entropy", (3, 0), np.ones((3, 0)), dict(label_smoothing=0.1)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", ZERO_CLASS_CASES)
def test_zero_classes(case, reduction):
    name, shape, target, options = ZERO_CLASS_CASES[case]
    run_loss(name, [np.ones(shape), target], (0,), lambda lib: dict(reduction=reduction, **options))


def test_weights_requiring_grad_under_no_grad():
    """torch refuses class weights that require grad (errors below), but not while no gradient is recorded."""
    x, target = rand((3, 4), np.float32, 0), np.array([0, 3, 1])
    outs = []
    for lib in (mt, torch):
        with lib.no_grad():
            weight = lib.from_numpy(np.linspace(0.5, 2.0, 4).astype(np.float32)).requires_grad_()
            outs.append(lib.nn.functional.nll_loss(lib.from_numpy(x.copy()), lib.from_numpy(target.copy()),
                                                   weight))
    assert_close(*outs)


def test_loss_modules_call_the_functions():
    x, target = rand((4, 3), np.float64, 0), np.array([0, 2, 1, 2])
    w = class_weights(3, np.float64)
    for lib_module, kw in [("CrossEntropyLoss", dict(ignore_index=1, label_smoothing=0.1, reduction="sum")),
                           ("NLLLoss", dict(ignore_index=2, reduction="none"))]:
        values = {}
        for lib in (mt, torch):
            module = getattr(lib.nn, lib_module)(w(lib), **kw)
            values[lib] = module(lib.from_numpy(x.copy()), lib.from_numpy(target.copy()))
            assert list(module.state_dict()) == ["weight"]
        assert_close(values[mt], values[torch])
    y = probs((4, 3), np.float64, 2)
    for lib_module, args in [("MSELoss", ()), ("L1Loss", ()), ("BCELoss", ()), ("BCEWithLogitsLoss", ())]:
        outs = [getattr(lib.nn, lib_module)(*args)(lib.from_numpy(probs((4, 3), np.float64, 3)),
                                                   lib.from_numpy(y.copy())) for lib in (mt, torch)]
        assert_close(*outs)
    pos = np.array([1.0, 2.0, 3.0])
    modules = [lib.nn.BCEWithLogitsLoss(pos_weight=lib.from_numpy(pos.copy()), reduction="sum") for lib in (mt, torch)]
    assert list(modules[0].state_dict()) == list(modules[1].state_dict()) == ["pos_weight"]
    assert_close(*[m(lib.from_numpy(x.copy()), lib.from_numpy(y.copy()))
                   for m, lib in zip(modules, (mt, torch), strict=True)])


# ---------------------------------------------------------------------- binary cross-entropy
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=3), weighted=st.booleans(), seed=st.integers(0, 2**16))
def test_binary_cross_entropy(reduction, dtype, shape, weighted, seed):
    x, y = probs(tuple(shape), dtype, seed), probs(tuple(shape), dtype, seed + 1)
    w = probs(tuple(shape[-1:]), dtype, seed + 2, 2.0)
    run_loss("binary_cross_entropy", [x, y], (0, 1), lambda lib: dict(
        weight=lib.from_numpy(w.copy()) if weighted else None, reduction=reduction), seed)


def test_binary_cross_entropy_clamps_log_at_minus_100():
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float64)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.3], dtype=np.float64)
    run_loss("binary_cross_entropy", [x, y], (0,), lambda lib: dict(reduction="none"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), weighted=st.booleans(), pos=st.booleans(),
       seed=st.integers(0, 2**16))
def test_binary_cross_entropy_with_logits(reduction, dtype, shape, weighted, pos, seed):
    x, y = rand(tuple(shape), dtype, seed, scale=5.0), probs(tuple(shape), dtype, seed + 1)
    w = probs(tuple(shape), dtype, seed + 2, 2.0)
    pw = probs(tuple(shape[-1:]), dtype, seed + 3, 3.0)
    run_loss("binary_cross_entropy_with_logits", [x, y], (0, 1), lambda lib: dict(
        weight=lib.from_numpy(w.copy()) if weighted else None, reduction=reduction,
        pos_weight=lib.from_numpy(pw.copy()) if pos else None), seed)


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_with_logits_extreme(dtype):
    x = np.array([1e4, -1e4, 1e4, -1e4, 0.0], dtype=dtype)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.5], dtype=dtype)
    run_loss("binary_cross_entropy_with_logits", [x, y], (0, 1), lambda lib: dict(reduction="none"))
    run_loss("binary_cross_entropy_with_logits", [x, y], (0,), lambda lib: dict(
        pos_weight=lib.from_numpy(np.array([2.0], dtype=dtype))))


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_cross_entropy_small_inputs_keep_precision(dtype):
    """torch computes log(1 - x) as log1p(-x): exact for tiny x, where 1 - x rounds. (Weighted by 1/x, so that
    each loss is about 1: the comparison's absolute tolerance would hide a wrong tiny one.)"""
    x = np.array([1e-4, 1e-7, 1e-12], dtype=dtype)
    run_loss("binary_cross_entropy", [x, np.zeros(3, dtype=dtype), 1 / x], (0, 1), lambda lib: dict(reduction="none"))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_target_gradient_at_0_and_1(reduction):
    """torch's target gradient is -logit(x) * grad * weight, unclamped: inf at x = 0, -inf at x = 1 (nan with
    weight 0)."""
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    y, w = np.array([0.3, 0.7, 0.2, 0.9, 0.4]), np.array([1.0, 2.0, 0.0, 0.0, 2.0])
    run_loss("binary_cross_entropy", [x, y, w], (0, 1), lambda lib: dict(reduction=reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos", [False, True])
def test_binary_cross_entropy_with_logits_infinite_logits(pos, reduction):
    """torch's target gradient: -x, or log_sigmoid(-x) - pos_weight * log_sigmoid(x): inf at x = -inf."""
    x, y = np.array([-INF, INF, 0.0, 3.0]), np.array([0.3, 0.7, 0.2, 1.0])
    run_loss("binary_cross_entropy_with_logits", [x, y], (0, 1), lambda lib: dict(
        reduction=reduction, pos_weight=lib.tensor([2.0], dtype=lib.float64) if pos else None))


def test_binary_cross_entropy_with_logits_has_the_targets_dtype():
    """torch computes the loss into `1 - target`: float64 logits with a float32 target give a float32 loss."""
    x, y = rand((3, 4), np.float64, 0), probs((3, 4), np.float32, 1)
    run_loss("binary_cross_entropy_with_logits", [x, y], (0, 1), tolerance=np.float32)
    run_loss("binary_cross_entropy_with_logits", [y, x.clip(0, 1)], (0, 1), tolerance=np.float32)


# ---------------------------------------------------------------------- arguments as torch spells them
FUNCTIONS = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "nll_loss", "cross_entropy",
             "binary_cross_entropy", "binary_cross_entropy_with_logits"]
MODULES = ["MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "NLLLoss", "CrossEntropyLoss", "BCELoss",
           "BCEWithLogitsLoss"]


def _parameters(fn: Callable) -> list:
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("name", FUNCTIONS + MODULES)
def test_signatures_match_torch(name):
    """Every argument of torch 2.13, in its order, with its default (so positional calls mean the same)."""
    if name in MODULES:
        assert _parameters(getattr(mt.nn, name).__init__) == _parameters(getattr(torch.nn, name).__init__)
    else:
        assert _parameters(getattr(mt.nn.functional, name)) == _parameters(getattr(torch.nn.functional, name))


LEGACY_FLAGS = [(None, False), (False, None), (False, True), (True, False), (True, True), (True, None), (0, 1)]


@pytest.mark.parametrize("flags", LEGACY_FLAGS)
@pytest.mark.parametrize("name", [f for f in FUNCTIONS if f != "huber_loss"] + [m for m in MODULES if m != "HuberLoss"])
def test_legacy_size_average_and_reduce(name, flags):
    """The pre-1.0 flags still set the reduction (over `reduction=`), with torch's deprecation warning."""
    size_average, reduce = flags
    x, y = probs((3, 4), np.float64, 0), probs((3, 4), np.float64, 1)
    if name in ("nll_loss", "cross_entropy", "NLLLoss", "CrossEntropyLoss"):
        y = np.array([0, 3, 1])
    results = {}
    for lib in (mt, torch):
        xs, ys = lib.from_numpy(x.copy()), lib.from_numpy(y.copy())
        if name in MODULES:
            module, messages = with_warnings(lambda lib: getattr(lib.nn, name)(
                size_average=size_average, reduce=reduce, reduction="sum"), lib)
            out = module(xs, ys)
        else:
            out, messages = with_warnings(lambda lib: getattr(lib.nn.functional, name)(
                xs, ys, size_average=size_average, reduce=reduce, reduction="sum"), lib)
        results[lib] = out, messages
    assert_close(results[mt][0], results[torch][0])
    assert results[mt][1] == results[torch][1]


def test_positional_arguments_in_torchs_order():
    x, target, w = rand((4, 3), np.float64, 0), np.array([0, 2, 1, 2]), np.array([0.5, 1.0, 2.0])
    calls = [
        lambda lib, xs, ts, ws: lib.nn.CrossEntropyLoss(ws, None, 1, None, "sum", 0.2)(xs, ts),
        lambda lib, xs, ts, ws: lib.nn.functional.cross_entropy(xs, ts, ws, None, 1, None, "none", 0.2),
        lambda lib, xs, ts, ws: lib.nn.NLLLoss(ws, None, 2, None, "none")(xs, ts),
        lambda lib, xs, ts, ws: lib.nn.functional.nll_loss(xs, ts, ws, None, 2, None, "sum"),
        lambda lib, xs, ts, ws: lib.nn.functional.kl_div(xs, xs.exp(), None, False, "batchmean"),  # (warns)
        lambda lib, xs, ts, ws: lib.nn.BCEWithLogitsLoss(None, None, None, "none", ws)(xs, xs.sigmoid()),
    ]
    for call in calls:
        outs = [with_warnings(lambda lib: call(lib, *[lib.from_numpy(a.copy()) for a in (x, target, w)]), lib)
                for lib in (mt, torch)]
        assert_close(outs[0][0], outs[1][0])
        assert outs[0][1] == outs[1][1]


def test_huber_loss_module_checks_delta():
    same_error(lambda: mt.nn.HuberLoss(delta="1"), lambda: torch.nn.HuberLoss(delta="1"))


# ---------------------------------------------------------------------- errors
def _f(lib: Any, name: str, *args: Any, **kwargs: Any) -> Callable:
    """A call of lib.nn.functional.<name>, each argument built for `lib` if it is a builder."""
    return lambda: getattr(lib.nn.functional, name)(
        *[a(lib) if callable(a) else a for a in args], **{k: v(lib) if callable(v) else v for k, v in kwargs.items()})


def _t(values: Any, dtype: str = "float32") -> Callable:
    return lambda lib: lib.tensor(values, dtype=getattr(lib, dtype))


LOGITS = lambda lib: lib.ones(3, 4)  # noqa: E731
NAN = float("nan")
ERRORS = {
    "target out of bounds": ("cross_entropy", LOGITS, _t([0, 1, 7], "int64")),
    "negative target": ("cross_entropy", LOGITS, _t([0, -3, 1], "int64")),
    "negative last target": ("cross_entropy", LOGITS, _t([0, 1, -2], "int64")),
    "nll target out of bounds": ("nll_loss", LOGITS, _t([4, 1, 0], "int64")),
    "batch mismatch": ("cross_entropy", LOGITS, _t([0, 1], "int64")),
    "2-D target batch mismatch": ("cross_entropy", LOGITS, _t([[0, 1, 2]], "int64")),
    "multi-target": ("nll_loss", LOGITS, _t([[0, 1], [1, 1], [0, 0]], "int64")),
    "float index target": ("cross_entropy", LOGITS, _t([0.0, 1.0, 2.0])),
    "int32 target": ("nll_loss", LOGITS, _t([0, 1, 2], "int32")),
    "weight size": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"), dict(weight=lambda lib: lib.ones(3))),
    "smoothing range": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"), dict(label_smoothing=1.5)),
    "reduction": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"), dict(reduction="avg")),
    "mse reduction": ("mse_loss", LOGITS, LOGITS, dict(reduction="foo")),
    "ignore_index with probabilities": ("cross_entropy", LOGITS, LOGITS, dict(ignore_index=1)),
    "N-D target shape": ("cross_entropy", lambda lib: lib.ones(3, 4, 5), lambda lib: lib.zeros(3, 6, dtype=lib.int64)),
    "N-D target rank": ("nll_loss", lambda lib: lib.ones(3, 4, 5), _t([0, 1, 2], "int64")),
    "bce size": ("binary_cross_entropy", lambda lib: lib.full((3,), 0.5), lambda lib: lib.full((4,), 0.5)),
    "bce range": ("binary_cross_entropy", _t([1.5]), _t([1.0])),
    "bce logits size": ("binary_cross_entropy_with_logits", lambda lib: lib.ones(3), lambda lib: lib.ones(1)),
    # binary cross-entropy: torch's kernel checks dtypes, then each element (input before target)
    "bce nan input": ("binary_cross_entropy", _t([NAN, 0.5]), _t([0.0, 1.0])),
    "bce target range": ("binary_cross_entropy", _t([0.2, 0.5]), _t([0.0, 1.5])),
    "bce nan target": ("binary_cross_entropy", _t([0.2, 0.5]), _t([NAN, 1.0])),
    "bce bad target first": ("binary_cross_entropy", _t([0.2, 1.5]), _t([2.0, 1.0])),
    "bce target dtype": ("binary_cross_entropy", _t([0.2, 0.5]), _t([0.0, 1.0], "float64")),
    "bce input dtype": ("binary_cross_entropy", _t([0.2, 0.5], "float64"), _t([0.0, 1.0])),
    "bce integer input": ("binary_cross_entropy", _t([0, 1], "int64"), _t([0.0, 1.0])),
    "bce integer target": ("binary_cross_entropy", _t([0.0, 1.0]), _t([0, 1], "int64")),
    "bce integers": ("binary_cross_entropy", _t([0, 1], "int64"), _t([0, 1], "int64")),
    "bce weight beyond the input": ("binary_cross_entropy", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                    dict(weight=lambda lib: lib.ones(3, 2))),
    "bce weight of another size": ("binary_cross_entropy", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                   dict(weight=lambda lib: lib.ones(3))),
    "bce weight requires grad": ("binary_cross_entropy", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                 dict(weight=lambda lib: lib.ones(2, requires_grad=True))),
    "bce logits long target": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([1, 0], "int64")),
    "bce logits bool target": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([True, False], "bool")),
    "bce logits long input": ("binary_cross_entropy_with_logits", _t([1, 0], "int64"), _t([0.2, 0.5])),
    "bce logits weight beyond the input": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                           dict(weight=lambda lib: lib.ones(3, 2))),
    "bce logits weight of another size": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                          dict(weight=lambda lib: lib.ones(3))),
    "bce logits pos_weight beyond the input": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                               dict(pos_weight=lambda lib: lib.ones(3, 2), reduction="none")),
    "bce logits pos_weight of another size": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                              dict(pos_weight=lambda lib: lib.ones(3))),
    "bce logits NumPy pos_weight": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                    dict(pos_weight=np.float32(2.0))),
    "bce logits weight requires grad": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([1, 0], "int64"),
                                        dict(weight=lambda lib: lib.ones(2, requires_grad=True))),
    "bce logits pos_weight requires grad": ("binary_cross_entropy_with_logits", _t([0.2, 0.5]), _t([0.0, 1.0]),
                                            dict(pos_weight=lambda lib: lib.ones(2, requires_grad=True))),
    # class indices: torch's checks in its order (nll_loss_nd, autograd, nll_loss or nll_loss2d, the kernel)
    "nll float64 weight": ("nll_loss", LOGITS, _t([0, 1, 2], "int64"), dict(weight=_t([1.0] * 4, "float64"))),
    "weight dtype before target bounds": ("cross_entropy", LOGITS, _t([0, 9, 1], "int64"),
                                          dict(weight=_t([1.0] * 4, "float64"))),
    "smoothed, float64 weight": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"),
                                 dict(weight=_t([1.0] * 4, "float64"), label_smoothing=0.1)),
    "nll long input": ("nll_loss", lambda lib: lib.ones(3, 4, dtype=lib.int64), _t([0, 1, 2], "int64")),
    "nll long N-D input": ("nll_loss", lambda lib: lib.ones(3, 4, 2, dtype=lib.int64),
                           lambda lib: lib.zeros(3, 2, dtype=lib.int64)),
    "cross_entropy long input": ("cross_entropy", lambda lib: lib.ones(3, 4, dtype=lib.int64), _t([0, 1, 2], "int64")),
    "cross_entropy long N-D input": ("cross_entropy", lambda lib: lib.ones(3, 4, 2, dtype=lib.int64),
                                     lambda lib: lib.zeros(3, 2, dtype=lib.int64)),
    "nll weight requires grad": ("nll_loss", LOGITS, _t([0, 1, 2], "int64"),
                                 dict(weight=lambda lib: lib.ones(4, requires_grad=True))),
    "cross_entropy weight requires grad": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"), dict(
        weight=lambda lib: lib.ones(4, requires_grad=True), label_smoothing=0.1)),
    "N-D weight requires grad": ("cross_entropy", lambda lib: lib.ones(3, 4, 2),
                                 lambda lib: lib.zeros(3, 2, dtype=lib.int64),
                                 dict(weight=lambda lib: lib.ones(4, requires_grad=True))),
    "float weight": ("nll_loss", LOGITS, _t([0, 1, 2], "int64"), dict(weight=2.0)),
    "zero classes": ("cross_entropy", lambda lib: lib.ones(3, 0), _t([0, 1, 2], "int64")),
    "nll zero classes": ("nll_loss", lambda lib: lib.ones(3, 0), _t([0, 1, 2], "int64")),
    "0-d input, 0-d long target": ("cross_entropy", _t(1.0), _t(0, "int64")),
    "long target of the input's shape": ("cross_entropy", LOGITS, lambda lib: lib.zeros(3, 4, dtype=lib.int64)),
    "0-d input, 1-d target": ("cross_entropy", _t(1.0), _t([0], "int64")),
    "1-D input, 1-D target of 2": ("nll_loss", lambda lib: lib.ones(4), _t([0, 1], "int64")),
    "4-D weight size": ("nll_loss", lambda lib: lib.ones(2, 4, 2, 2), lambda lib: lib.zeros(2, 2, 2, dtype=lib.int64),
                        dict(weight=lambda lib: lib.ones(3))),
    "4-D target rank": ("nll_loss", lambda lib: lib.ones(2, 4, 2, 2), lambda lib: lib.zeros(2, 2, dtype=lib.int64)),
    "4-D target shape": ("nll_loss", lambda lib: lib.ones(2, 4, 2, 2), lambda lib: lib.zeros(2, 2, 3, dtype=lib.int64)),
    "smoothing 2.0 printed as 2": ("cross_entropy", LOGITS, _t([0, 1, 2], "int64"), dict(label_smoothing=2.0)),
    "probabilities, weight size": ("cross_entropy", LOGITS, LOGITS, dict(weight=lambda lib: lib.ones(3))),
    "probabilities, smoothing after weight": ("cross_entropy", LOGITS, LOGITS,
                                              dict(weight=lambda lib: lib.ones(3), label_smoothing=2.0)),
    # weight= of the regression losses (torch 2.13's Python)
    "mse weight size": ("mse_loss", LOGITS, LOGITS, dict(weight=lambda lib: lib.ones(4))),
    "l1 weighted reduction": ("l1_loss", LOGITS, LOGITS, dict(weight=LOGITS, reduction="avg")),
    "huber weight size": ("huber_loss", LOGITS, LOGITS, dict(weight=lambda lib: lib.ones(3, 1))),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_match_torch(case):
    name, *args = ERRORS[case]
    kwargs = args.pop() if isinstance(args[-1], dict) else {}
    same_error(_f(mt, name, *args, **kwargs), _f(torch, name, *args, **kwargs))
