"""Losses, second differential probe: the edges that random programs found, each run on both libraries.

What this proves, beyond `test_losses.py` (values, gradients, reductions and options):
- a uint8 class-index target, which torch's nll_loss (1-D and 2-D input) accepts, is refused for N-D input
  (torch's nll_loss2d reads int64 targets only) with torch's error, by `nll_loss`, `cross_entropy` and their
  modules, with and without class weights and label smoothing; the input's dtype error still comes first;
- cross_entropy with label smoothing, class weights and 'mean' refuses a uint8 target with torch's error
  (its divisor gathers the weights with the targets), unless every target is ignored, and the other
  reductions accept it, with torch's values and gradients;
- out-of-range targets are still reported before that refusal, as torch does;
- a 1-D input's class target of shape (1,) gives torch's 0-d loss (also for 'none') whose backward fails with
  torch's size mismatch, and label smoothing refuses it at the forward;
- huber_loss of input and target of two dtypes has torch's forward and backward error (against the input's
  dtype, or the target's for its gradient alone), and one dtype still backpropagates;
- l1_loss, smooth_l1_loss (beta 0) and the weighted mse_loss and l1_loss broadcast first, as torch's
  broadcast_tensors does: a 0-d side's dtype then counts in the result's (values and gradients too);
- binary_cross_entropy_with_logits of float64 logits and a float32 target divides 'mean''s gradient in float64;
- nn.KLDivLoss exists, with torch's arguments, options, repr, losses and gradients.
"""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_nn_modules import assert_close, same_error


def class_case(lib: Any, shape: tuple, target: np.ndarray, weighted: bool, dtype: Any = np.float32) -> tuple:
    """Logits of `shape` (the same random values), the target and, if `weighted`, class weights, as `lib` tensors."""
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal(shape).astype(dtype))
    weight = lib.from_numpy(rng.uniform(0.2, 2.0, shape[1] if len(shape) > 1 else shape[0]).astype(dtype))
    return x, lib.from_numpy(target.copy()), weight if weighted else None


SPATIAL = [((3, 4, 2), (3, 2)), ((3, 4, 2, 3), (3, 2, 3)), ((2, 4, 1, 2, 2), (2, 1, 2, 2))]


PLAIN_OPTIONS = [{}, {"ignore_index": 1, "reduction": "none"}]
CALLS = ([(name, options) for name in ["cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss"]
          for options in PLAIN_OPTIONS]
         + [(name, {"label_smoothing": 0.1}) for name in ["cross_entropy", "CrossEntropyLoss"]])


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name, options", CALLS)
@pytest.mark.parametrize("shape, target_shape", SPATIAL)
def test_uint8_targets_of_nd_inputs_are_refused(shape, target_shape, name, options, weighted):
    target = np.random.default_rng(1).integers(0, 4, target_shape).astype(np.uint8)

    def call(lib):
        x, t, w = class_case(lib, shape, target, weighted)
        if name[0].isupper():
            return getattr(lib.nn, name)(weight=w, **options)(x, t)
        return getattr(lib.nn.functional, name)(x, t, weight=w, **options)
    same_error(lambda: call(mt), lambda: call(torch))


def test_nll_loss_checks_the_inputs_dtype_before_the_targets():
    def call(lib):
        return lib.nn.functional.nll_loss(lib.zeros(3, 4, 2, dtype=lib.int64), lib.zeros(3, 2, dtype=lib.uint8))
    same_error(lambda: call(mt), lambda: call(torch))


def run_smoothed(lib: Any, shape: tuple, target: np.ndarray, reduction: str, ignore_index: int) -> tuple:
    x, t, w = class_case(lib, shape, target, weighted=True, dtype=np.float64)
    x.requires_grad_()
    out = lib.nn.functional.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=0.2,
                                          ignore_index=ignore_index)
    out.backward(lib.ones_like(out))
    return out, x.grad


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_smoothed_weighted_mean_refuses_uint8_targets(shape):
    target = np.array(2 if len(shape) == 1 else [0, 3, 2], dtype=np.uint8)
    same_error(lambda: run_smoothed(mt, shape, target, "mean", -100),
               lambda: run_smoothed(torch, shape, target, "mean", -100))


@pytest.mark.parametrize("shape", [(4,), (3, 4)])
def test_smoothed_weighted_mean_reports_out_of_range_targets_first(shape):
    target = np.array(7 if len(shape) == 1 else [0, 7, 2], dtype=np.uint8)
    same_error(lambda: run_smoothed(mt, shape, target, "mean", -100),
               lambda: run_smoothed(torch, shape, target, "mean", -100))


@pytest.mark.parametrize("reduction, ignore_index", [("none", -100), ("sum", -100), ("sum", 3), ("mean", 0)])
def test_smoothed_weighted_uint8_targets_elsewhere(reduction, ignore_index):
    """The other reductions take uint8 targets, and so does 'mean' when every target is ignored (nan)."""
    target = np.array([0, 3, 0] if ignore_index != 0 else [0, 0, 0], dtype=np.uint8)
    (out_a, grad_a), (out_b, grad_b) = (run_smoothed(lib, (3, 4), target, reduction, ignore_index)
                                        for lib in (mt, torch))
    np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert_close(grad_a, grad_b)


def one_prediction(lib: Any, name: str, options: dict, target: list) -> tuple:
    """F.<name> of 4 logits (requiring grad) against `target`, a list: [1] is a target of shape (1,)."""
    x = lib.from_numpy(np.random.default_rng(2).standard_normal(4)).requires_grad_()
    return getattr(lib.nn.functional, name)(x, lib.tensor(target), **options)


ONE_PREDICTION = [("nll_loss", {}), ("nll_loss", {"ignore_index": 1}), ("cross_entropy", {}),
                  ("cross_entropy", {"weight": "w"})]


def with_weight(lib: Any, options: dict) -> dict:
    return {k: (lib.tensor([1.0, 2.0, 0.5, 1.5], dtype=lib.float64) if v == "w" else v) for k, v in options.items()}


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name, options", ONE_PREDICTION)
def test_a_1d_inputs_target_of_shape_1_gives_a_0d_loss_that_cannot_backpropagate(name, options, reduction):
    outs = [one_prediction(lib, name, {**with_weight(lib, options), "reduction": reduction}, [1]) for lib in (mt, torch)]
    assert_close(outs[0], outs[1])
    assert outs[0].grad_fn.name() == type(outs[1].grad_fn).__name__
    same_error(outs[0].backward, outs[1].backward)


@pytest.mark.parametrize("target", [[1], [7]])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_label_smoothing_refuses_a_1d_inputs_target_of_shape_1(reduction, weighted, target):
    """torch adds the smoothing term, of shape (1,), into the 0-d loss (an out-of-range target is reported first)."""
    options = {"label_smoothing": 0.1, "reduction": reduction, **({"weight": "w"} if weighted else {})}
    same_error(lambda: one_prediction(mt, "cross_entropy", with_weight(mt, options), target),
               lambda: one_prediction(torch, "cross_entropy", with_weight(torch, options), target))


HUBER_DTYPES = [("float32", "float64"), ("float64", "float32"), ("float16", "float32"), ("float32", "int64"),
                ("float32", "bool")]


def huber(lib: Any, dtypes: tuple, grads: tuple, target_shape: tuple, weighted: bool) -> Any:
    rng = np.random.default_rng(3)
    x = lib.from_numpy(rng.standard_normal(3).astype(dtypes[0])).requires_grad_(grads[0])
    t = lib.from_numpy(np.asarray(rng.standard_normal(target_shape) * 2).astype(dtypes[1]))
    t.requires_grad_(grads[1])
    weight = lib.ones(3, dtype=getattr(lib, dtypes[0])) if weighted else None
    return x, t, lib.nn.functional.huber_loss(x, t, reduction="none", delta=0.7, weight=weight)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("target_shape", [(3,), ()])
@pytest.mark.parametrize("grads", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("dtypes", HUBER_DTYPES)
def test_huber_loss_of_two_dtypes_has_a_forward_but_no_backward(dtypes, grads, target_shape, weighted):
    """torch's huber_loss forward takes input and target of two dtypes (the loss has the input's), its backward
    kernel refuses them: for the input's gradient against the input's dtype, for the target's alone the target's."""
    if dtypes[1] in ("int64", "bool") and grads[1]:
        grads = (True, False)
    (x_a, t_a, out_a), (x_b, t_b, out_b) = (huber(lib, dtypes, grads, target_shape, weighted) for lib in (mt, torch))
    assert_close(out_a, out_b, np.float32 if dtypes[0] == "float16" else None)
    assert out_a.dtype.name == str(out_b.dtype).removeprefix("torch.")
    same_error(lambda: out_a.sum().backward(), lambda: out_b.sum().backward())


def test_huber_loss_of_one_dtype_still_backpropagates():
    (x_a, t_a, out_a), (x_b, t_b, out_b) = (huber(lib, ("float32", "float32"), (True, True), (3,), False)
                                            for lib in (mt, torch))
    out_a.sum().backward()
    out_b.sum().backward()
    assert_close(x_a.grad, x_b.grad)
    assert_close(t_a.grad, t_b.grad)


BROADCAST_CASES = [  # (name, options, input shape and dtype, target shape and dtype)
    ("l1_loss", {}, ((), "float64"), ((3,), "float32")),
    ("l1_loss", {}, ((3, 4), "float16"), ((), "float32")),
    ("l1_loss", {"weight": True}, ((3,), "float32"), ((), "float64")),
    ("mse_loss", {"weight": True}, ((3,), "float32"), ((), "float64")),
    ("mse_loss", {"weight": True}, ((3,), "float16"), ((), "float32")),
    ("smooth_l1_loss", {"beta": 0.0}, ((3,), "float32"), ((), "float64")),
    ("smooth_l1_loss", {"beta": 0.0}, ((), "float64"), ((2, 3), "float32")),
]


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name, options, input_spec, target_spec", BROADCAST_CASES)
def test_a_0d_side_counts_with_its_dtype_after_broadcasting(name, options, input_spec, target_spec, reduction):
    """torch's Python losses start with broadcast_tensors(input, target): a 0-d side is no longer 0-d, so its
    dtype takes part in the promotion (l1_loss of a 0-d float64 and a float32 vector is float64)."""
    rng = np.random.default_rng(4)
    arrays = [np.asarray(rng.standard_normal(shape) * 2).astype(dtype) for shape, dtype in (input_spec, target_spec)]
    weight = rng.uniform(0.5, 2.0, input_spec[0]).astype(input_spec[1])
    results = []
    for lib in (mt, torch):
        x, t = (lib.from_numpy(a.copy()).requires_grad_() for a in arrays)
        kw = dict(options, reduction=reduction)
        if kw.get("weight"):
            kw["weight"] = lib.from_numpy(weight.copy())
        out = getattr(lib.nn.functional, name)(x, t, **kw)
        out.sum().backward()
        results.append((out, x.grad, t.grad))
    (out_a, gx_a, gt_a), (out_b, gx_b, gt_b) = results
    assert out_a.dtype.name == str(out_b.dtype).removeprefix("torch.")
    assert_close(out_a, out_b, np.float32 if "float16" in (input_spec[1], target_spec[1]) else None)
    assert_close(gx_a, gx_b, np.float32 if input_spec[1] == "float16" else None)
    assert_close(gt_a, gt_b, np.float32 if target_spec[1] == "float16" else None)


@pytest.mark.parametrize("pos_weight", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_bce_with_logits_of_float64_logits_and_a_float32_target_divides_in_float64(reduction, weighted, pos_weight):
    """The loss is float32 (the target's dtype), its upstream gradient too; torch divides the float64 gradient
    by the count ('mean') after multiplying, not the float32 upstream gradient first."""
    rng = np.random.default_rng(5)
    x, t = rng.standard_normal((3, 4)), rng.uniform(0, 1, (3, 4)).astype(np.float32)
    w, p = rng.uniform(0.5, 2.0, (3, 4)), rng.uniform(0.5, 2.0, 4)
    grads = []
    for lib in (mt, torch):
        xt, tt = lib.from_numpy(x.copy()).requires_grad_(), lib.from_numpy(t.copy()).requires_grad_()
        out = lib.nn.functional.binary_cross_entropy_with_logits(
            xt, tt, weight=lib.from_numpy(w.copy()) if weighted else None,
            pos_weight=lib.from_numpy(p.copy()) if pos_weight else None, reduction=reduction)
        out.backward(lib.tensor(0.3))
        grads.append((xt.grad, tt.grad))
    assert_close(grads[0][0], grads[1][0])
    assert_close(grads[0][1], grads[1][1])


KL_OPTIONS = [{}, {"reduction": "batchmean"}, {"reduction": "sum", "log_target": True}, {"reduction": "none"},
              {"size_average": False}, {"reduce": False}]


@pytest.mark.filterwarnings("ignore:reduction. 'mean'", "ignore:size_average and reduce")
@pytest.mark.parametrize("options", KL_OPTIONS)
def test_kl_div_loss_module(options):
    """nn.KLDivLoss, as torch's: its options and repr, the loss and gradients of F.kl_div."""
    rng = np.random.default_rng(6)
    x, t = np.log(rng.dirichlet(np.ones(4), 3)), rng.dirichlet(np.ones(4), 3)
    results = []
    for lib in (mt, torch):
        module = lib.nn.KLDivLoss(**options)
        xt, tt = lib.from_numpy(x.copy()).requires_grad_(), lib.from_numpy(t.copy()).requires_grad_()
        out = module(xt, tt)
        out.sum().backward()
        results.append((repr(module), module.reduction, module.log_target, out, xt.grad, tt.grad))
    assert results[0][:3] == results[1][:3]
    for a, b in zip(results[0][3:], results[1][3:]):
        assert_close(a, b)


def test_kl_div_loss_module_takes_torchs_arguments():
    def parameters(lib):
        return [(p.name, p.default, p.kind) for p in inspect.signature(lib.nn.KLDivLoss).parameters.values()]
    assert parameters(mt) == parameters(torch)
