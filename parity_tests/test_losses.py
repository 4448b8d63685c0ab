"""Parity: minitorch_ref's losses against torch's, values and gradients, every reduction and option.

Each case runs the same arrays through `nn.functional.<loss>` of both libraries, compares
the loss and its grad_fn name, then backpropagates the same random upstream gradient and
compares the gradients of the input (and of the target, where torch computes one).
Errors must match in type and message.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from parity_tests.test_nn_modules import assert_close, same_error

REDUCTIONS = ["mean", "sum", "none"]
DTYPES = [np.float32, np.float64]


def no_options(lib: Any) -> dict:
    return {}


def run_loss(name: str, arrays: list, grad_args: tuple = (0,), kw: Callable[[Any], dict] = no_options,
             seed: int = 0) -> None:
    """F.<name>(*arrays, **kw(lib)) on both libraries: loss, grad_fn name, gradients of `grad_args`."""
    tensors = {}
    for lib in (mt, torch):
        args = [lib.from_numpy(np.array(a, copy=True)) for a in arrays]
        for i in grad_args:
            args[i].requires_grad_()
        tensors[lib] = (args, getattr(lib.nn.functional, name)(*args, **kw(lib)))
    (args_a, out_a), (args_b, out_b) = tensors[mt], tensors[torch]
    assert_close(out_a, out_b)
    assert out_a.dtype.name == str(out_b.dtype).removeprefix("torch.")
    assert out_a.grad_fn.name() == type(out_b.grad_fn).__name__
    upstream = np.random.default_rng(seed).standard_normal(out_b.shape).astype(arrays[0].dtype)
    out_a.backward(mt.from_numpy(upstream.copy()))
    out_b.backward(torch.from_numpy(upstream.copy()))
    for i in grad_args:
        assert_close(args_a[i].grad, args_b[i].grad)


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


# ---------------------------------------------------------------------- errors
def _f(lib: Any, name: str, *args: Any, **kwargs: Any) -> Callable:
    """A call of lib.nn.functional.<name>, each argument built for `lib` if it is a builder."""
    return lambda: getattr(lib.nn.functional, name)(
        *[a(lib) if callable(a) else a for a in args], **{k: v(lib) if callable(v) else v for k, v in kwargs.items()})


def _t(values: Any, dtype: str = "float32") -> Callable:
    return lambda lib: lib.tensor(values, dtype=getattr(lib, dtype))


LOGITS = lambda lib: lib.ones(3, 4)  # noqa: E731
ERRORS = {
    "target out of bounds": ("cross_entropy", LOGITS, _t([0, 1, 7], "int64")),
    "negative target": ("cross_entropy", LOGITS, _t([0, -3, 1], "int64")),
    "negative target": ("cross_entropy", LOGITS, _t([0, 1, -2], "int64")),
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
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_match_torch(case):
    name, *args = ERRORS[case]
    kwargs = args.pop() if isinstance(args[-1], dict) else {}
    same_error(_f(mt, name, *args, **kwargs), _f(torch, name, *args, **kwargs))
