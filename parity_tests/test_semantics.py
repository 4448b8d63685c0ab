"""torch's semantics in the corners that random programs found wrong (issue 11, item 6).

Each case is one small program `fn(m)` written against the torch API and run with `m = torch`
and `m = minitorch_ref`: both must return the same values, dtypes, shapes, `requires_grad`,
grad_fn names and gradients, or both must raise the same exception type (and, where
`SAME_MESSAGE`, the same message, "torch." read as "minitorch_ref.").
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, assert_same_outcome, outcome
from parity_tests.outcomes import assert_same_value as _assert_same  # noqa: F401 (kept for importers)
from parity_tests.outcomes import plain as _plain  # noqa: F401

NAN, INF = float("nan"), float("inf")


def _grads(*leaves):
    return tuple(leaf.grad for leaf in leaves)


def _backward_grads(m, build, shapes_values):
    """Leaves from `shapes_values` (requires_grad), `build(m, *leaves)`, sum().backward(): (out, grads)."""
    leaves = [m.tensor(v, requires_grad=True) for v in shapes_values]
    out = build(m, *leaves)
    out.sum().backward()
    return out, _grads(*leaves)


X = [1.5, -2.0, 3.0, 0.0]


def _leaf(m, values=X, **kw):
    return m.tensor(values, requires_grad=True, **kw)


CASES = {
    # --- casts to integer or bool leave the graph
    "long-leaves-graph": lambda m: _leaf(m).long(),
    "int-leaves-graph": lambda m: _leaf(m).int(),
    "bool-leaves-graph": lambda m: _leaf(m).bool(),
    "to-int64-leaves-graph": lambda m: _leaf(m).to(m.int64),
    "type-dtype-leaves-graph": lambda m: _leaf(m).type(m.int64),
    "type-string-leaves-graph": lambda m: _leaf(m).type("torch.LongTensor"),
    "long-sum-backward-raises": lambda m: _leaf(m).long().sum().backward(),
    "double-stays-in-graph": lambda m: _backward_grads(m, lambda m, x: x.double() * 2, [X]),
    # --- % stays in the graph; // is recorded without a derivative, as torch
    "mod-number-in-graph": lambda m: _backward_grads(m, lambda m, x: x + x % 1, [X]),
    "mod-tensor-grads": lambda m: _backward_grads(m, lambda m, x, y: x % y, [X, [2.0, 0.5, -1.0, 3.0]]),
    "floordiv-requires-grad": lambda m: _leaf(m) // 2,
    "floordiv-tensor-requires-grad": lambda m: _leaf(m) // _leaf(m, [2.0, 0.5, -1.0, 3.0]),
    "floordiv-backward-raises": lambda m: (_leaf(m) // 2).sum().backward(),
    "rfloordiv-number": lambda m: 7 // _leaf(m, [2.0, 0.5, -1.0, 3.0]),
    "rmod-number": lambda m: 7 % _leaf(m, [2.0, 0.5, -1.0, 3.0]),
    "rmod-backward-raises": lambda m: (7 % _leaf(m, [2.0, 0.5, -1.0, 3.0])).sum().backward(),
    # --- clamp with tensor bounds
    "clamp-tensor-bounds-broadcast": lambda m: _backward_grads(
        m, lambda m, x, lo, hi: x.clamp(lo, hi), [[[1.5, -2.0, 3.0]], [[0.0], [2.0]], [[2.5, 2.5, 2.5], [2.5, 1.0, 2.5]]]),
    "clamp-inverted-and-tied-bounds": lambda m: _backward_grads(
        m, lambda m, x, lo, hi: m.clamp(x, lo, hi), [[1.0, 2.0, 3.0], [1.0, 2.5, 3.0], [0.5, 2.5, 3.0]]),
    "clamp-min-tensor": lambda m: _backward_grads(m, lambda m, x, lo: m.clamp(x, min=lo), [[1.0, 2.0, 3.0], 2.0]),
    "clip-max-tensor": lambda m: _backward_grads(m, lambda m, x, hi: x.clip(max=hi), [[1.0, 2.0, 3.0], 2.0]),
    "clamp-bounds-bigger-than-input": lambda m: _backward_grads(
        m, lambda m, x, lo: x.clamp(lo), [[1.0, 2.0, 3.0], [[2.0], [0.0]]]),
    "clamp-nan-input-and-bound": lambda m: _backward_grads(
        m, lambda m, x, lo: x.clamp(lo), [[NAN, 2.0, 3.0], [0.0, NAN, 1.0]]),
    "clamp-int-input-float-0d-bound": lambda m: m.tensor([1, 2, 3]).clamp(m.tensor(2.5, dtype=m.float64)),
    "clamp-float-input-int-bound": lambda m: m.tensor([1.0, 2.0]).clamp(m.tensor([2])),
    "clamp-0d-tensor-and-number": lambda m: _leaf(m).clamp(m.tensor(0.5), 2.0),
    "clamp-tensor-and-number-error": lambda m: _leaf(m).clamp(m.tensor([0.5, 0, 0, 0]), 2.0),
    "clamp-grad-0d-tensor-and-number-error": lambda m: _leaf(m).clamp(m.tensor(0.5, requires_grad=True), 2.0),
    "clamp_-tensor-bounds-grads": lambda m: _clamp_inplace(m),
    "clamp_-broadcast-bigger-error": lambda m: m.tensor([1.0, 2.0, 3.0]).clamp_(m.zeros(2, 1)),
    "clamp-bounds-shape-error": lambda m: m.ones(3).clamp(m.ones(2), m.ones(3)),
    # --- binary max/min: ties split, NaN propagates (and passes the gradient to both sides)
    "max-binary-ties-nan": lambda m: _backward_grads(
        m, lambda m, a, b: m.max(a, b), [[1.0, 2.0, NAN, 4.0], [1.0, 3.0, 0.0, NAN]]),
    "min-binary-ties-nan": lambda m: _backward_grads(
        m, lambda m, a, b: m.min(a, b), [[1.0, 2.0, NAN, 4.0], [1.0, 3.0, 0.0, NAN]]),
    "maximum-ties-nan": lambda m: _backward_grads(
        m, lambda m, a, b: m.maximum(a, b), [[1.0, 2.0, NAN, 4.0], [1.0, 3.0, 0.0, NAN]]),
    "minimum-ties-nan": lambda m: _backward_grads(
        m, lambda m, a, b: m.minimum(a, b), [[1.0, 2.0, NAN, 4.0], [1.0, 3.0, 0.0, NAN]]),
    "max-method-broadcast-ties": lambda m: _backward_grads(
        m, lambda m, a, b: a.max(b), [[1.0, 2.0], [[1.0], [3.0]]]),
    "max-other-keyword": lambda m: m.max(m.tensor([1.0, 2.0]), other=m.tensor([1.5, 0.5])),
    "max-number-error": lambda m: m.max(m.tensor([1.0, 2.0]), 1.5),
    "min-int-and-float": lambda m: m.min(m.tensor([1, 2]), m.tensor([1.5, 0.5])),
    # --- sum/mean with dim=() (every dim), repeated dims
    "sum-dim-empty-tuple": lambda m: _backward_grads(m, lambda m, x: x.sum(dim=()), [[[1.5, -2.0], [3.0, 1.0]]]),
    "sum-dim-empty-list-keepdim": lambda m: _leaf(m, [[1.5, -2.0], [3.0, 1.0]]).sum(dim=[], keepdim=True),
    "mean-dim-empty-tuple": lambda m: _backward_grads(m, lambda m, x: x.mean(()), [[[1.5, -2.0], [3.0, 1.0]]]),
    "mean-dim-empty-tuple-keepdim": lambda m: m.mean(_leaf(m, [[1.5, -2.0]]), (), keepdim=True),
    "sum-0d-dim-empty-tuple": lambda m: m.tensor(2.0).sum(dim=()),
    "sum-int-dim-empty-tuple": lambda m: m.tensor([[1, 2], [3, 4]]).sum(dim=()),
    "sum-empty-tensor-dim-empty-tuple": lambda m: m.zeros(2, 0).sum(dim=()),
    "sum-dim-repeated": lambda m: m.ones(2, 3).sum(dim=(0, 0)),
    "sum-dim-repeated-negative": lambda m: m.ones(2, 3).sum(dim=(0, -2)),
    "mean-dim-repeated": lambda m: m.ones(2, 3).mean(dim=(1, 1)),
    "sum-0d-dim-repeated": lambda m: m.tensor(1.0).sum(dim=(0, -1)),
    # --- integer powers and integer division by zero
    "int-pow-negative-tensor-exponent": lambda m: m.tensor([1, 2, -1, -1, 0, 3]) ** m.tensor([-1, -1, -1, -2, 2, 2]),
    "int-pow-negative-0d-exponent": lambda m: m.tensor([1, 2, -1]) ** m.tensor(-3),
    "number-pow-negative-int-tensor": lambda m: 2 ** m.tensor([-1, 0, 3]),
    "int-pow-negative-number-error": lambda m: m.tensor([1, 2]) ** -1,
    "int-floordiv-zero-error": lambda m: m.tensor([1, 2]) // 0,
    "int-mod-zero-error": lambda m: m.tensor([1, 2]) % 0,
    "int-floordiv-zero-tensor-error": lambda m: m.tensor([1, 2]) // m.tensor([1, 0]),
    "int-mod-zero-tensor-error": lambda m: m.tensor([1, 2]) % m.tensor([1, 0]),
    "number-floordiv-int-zero-error": lambda m: 3 // m.tensor([0]),
    "empty-int-floordiv-zero": lambda m: m.tensor([], dtype=m.int64) // 0,
    "float-floordiv-mod-zero": lambda m: (m.tensor([1.0, -1.0, 0.0]) // 0, m.tensor([1.0, -1.0, 0.0]) % 0),
    "bool-floordiv-error": lambda m: m.tensor([True]) // m.tensor([True]),
    "bool-mod-error": lambda m: m.tensor([True]) % m.tensor([True]),
    # --- torch's exception (type and message) instead of NumPy's or Python's
    "softmax-empty": lambda m: m.zeros(0).softmax(0),
    "softmax-empty-dim": lambda m: m.softmax(m.zeros(2, 0), dim=1),
    "log_softmax-empty-dim": lambda m: m.zeros(2, 0).log_softmax(1),
    "argmax-empty-dim-error": lambda m: m.zeros(2, 0).argmax(1),
    "argmin-empty-dim-error": lambda m: m.argmin(m.zeros(0), 0),
    "argmax-empty-all-error": lambda m: m.zeros(0).argmax(),
    "argmax-empty-other-dim": lambda m: m.zeros(2, 0).argmax(0),
    "gather-0d": lambda m: _backward_grads(m, lambda m, x: x.gather(0, m.tensor(0)), [1.5]),
    "gather-0d-1d-index": lambda m: m.tensor(1.5).gather(0, m.tensor([0])),
    "gather-1d-0d-index": lambda m: m.tensor([1.5, 2.5]).gather(0, m.tensor(1)),
    "gather-0d-out-of-range": lambda m: m.tensor(1.5).gather(0, m.tensor(1)),
    "index_select-0d": lambda m: _backward_grads(m, lambda m, x: x.index_select(0, m.tensor([0])), [1.5]),
    "index_select-0d-0d-index": lambda m: m.tensor(1.5).index_select(0, m.tensor(0)),
    "index_select-0d-two-values-error": lambda m: m.tensor(1.5).index_select(0, m.tensor([0, 0])),
    "index_select-0d-out-of-range": lambda m: m.tensor(1.5).index_select(0, m.tensor([1])),
    "index_select-2d-index-error": lambda m: m.ones(3).index_select(0, m.tensor([[0, 0]])),
    "setitem-shape-mismatch": lambda m: _setitem(m, m.zeros(2, 3), 0, m.ones(2)),
    "setitem-too-many-dims": lambda m: _setitem(m, m.zeros(2, 3), 0, m.ones(2, 3)),
    "setitem-too-many-dims-middle-1": lambda m: _setitem(m, m.zeros(2, 3), 0, m.ones(2, 1, 3)),
    "setitem-leading-ones-fit": lambda m: _setitem(m, m.zeros(2, 3), 0, m.ones(1, 1, 3)),
    "setitem-ellipsis-mismatch": lambda m: _setitem(m, m.zeros(2, 3), Ellipsis, m.ones(4)),
    "setitem-mask-mismatch": lambda m: _setitem(m, m.zeros(2, 3), m.tensor([True, False]), m.ones(2, 3)),
    "setitem-index-mismatch": lambda m: _setitem(m, m.zeros(2, 3), [0, 1], m.ones(3, 3)),
    "setitem-mismatch-with-grad": lambda m: _setitem(m, _leaf(m, [[0.0] * 3] * 2).clone(), 0, _leaf(m, [1.0, 2.0])),
    "setitem-other-dtype-with-grad": lambda m: _backward_grads(
        m, lambda m, x, v: _setitem(m, x.clone(), 0, v.double()), [[[0.0] * 3] * 2, [1.0, 2.0, 3.0]]),
    "setitem-int-into-float": lambda m: _setitem(m, m.zeros(2, 3), 0, m.tensor([1, 2, 3])),
    "setitem-float-into-int": lambda m: _setitem(m, m.zeros(2, 3, dtype=m.int64), 0, m.tensor([1.5, 2.5, -3.5])),
    "setitem-bool-into-float": lambda m: _setitem(m, m.zeros(2, 2), 1, m.tensor([True, False])),
    "linear-0d-input": lambda m: m.nn.functional.linear(m.tensor(1.0), m.ones(2, 3)),
    "linear-0d-input-1d-weight": lambda m: m.nn.functional.linear(m.tensor(1.0), m.ones(1), m.ones(1)),
    "linear-0d-weight": lambda m: m.nn.functional.linear(m.ones(3), m.tensor(1.0)),
    "linear-1d-weight": lambda m: _backward_grads(
        m, lambda m, x, w, b: m.nn.functional.linear(x, w, b), [[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], 0.25]),
    "linear-2d-input-1d-weight-error": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(3), m.ones(1)),
    "linear-2d-input-1d-weight": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(3)),
    # --- found by the differential fuzz test (test_fuzz_programs.py)
    "bool-pow-true-stays-bool": lambda m: m.tensor([True, False]) ** True,
    "bool-pow-false-stays-bool": lambda m: m.tensor([True, False]) ** False,
    "bool-number-pow-bool-tensor-error": lambda m: True ** m.tensor([True, False]),
    "pow-minus-half-of-negative-zero": lambda m: m.tensor([-0.0, 4.0]) ** -0.5,
    "zero-pow-tensor-grad": lambda m: _backward_grads(m, lambda m, x: 0 ** x, [[-1.0, 0.0, 2.0, NAN, INF, -INF]]),
    "clamp-nan-incoming-grad-outside-bounds": lambda m: _backward_grads(
        m, lambda m, x: x.clamp(min=0.25).sqrt(), [[NAN, -1.0, 4.0]]),
    "zero-pow-tensor-nan-incoming-grad": lambda m: _backward_grads(
        m, lambda m, x: (0 ** x).log_softmax(0), [[-1.0, 0.0, 2.0]]),
    "zero-pow-tensor-exponent-nan-incoming-grad": lambda m: _backward_grads(
        m, lambda m, b, x: (b ** x).log_softmax(0), [[0.0, 0.0, 0.0], [-1.0, 0.0, 2.0]]),
    "max-all-nan-shares-grad": lambda m: _backward_grads(m, lambda m, x: x.max(), [[NAN, 1.0, NAN]]),
    "min-all-nan-shares-grad": lambda m: _backward_grads(m, lambda m, x: m.min(x), [[[NAN], [-INF]]]),
    "add-alpha-scales-a-bool-other-as-float": lambda m: m.tensor([1.5, 2.0]).add(m.tensor([True, False]), alpha=2.5),
    "add-alpha-scales-an-int-other-as-float": lambda m: _backward_grads(
        m, lambda m, x: x.add(m.tensor([1, 2]), alpha=2.5), [[1.5, 2.0]]),
    "add-alpha-bool-result-stays-bool": lambda m: m.tensor([True, False]).add(True, alpha=2),
    "add-alpha-float-on-integers-error": lambda m: m.tensor([1, 2]).add(m.tensor([3, 4]), alpha=2.5),
    "add-alpha-bool-on-floats-error": lambda m: m.tensor([1.5]).add(m.tensor([1.0]), alpha=True),
    "sub-alpha-bool-number-error": lambda m: m.tensor([1.5]).sub(True, alpha=2),
    "index_select-dim-1-out-of-range": lambda m: m.zeros(2, 3).index_select(1, m.tensor([0, 5, -1])),
    "index_select-3d-dim-1-out-of-range": lambda m: m.zeros(2, 3, 4).index_select(1, m.tensor([3])),
    "index_select-empty-1d-out-of-range": lambda m: m.zeros(0).index_select(0, m.tensor(0)),
    "index_select-empty-2d-out-of-range": lambda m: m.zeros(3, 0).index_select(0, m.tensor([-1])),
    "matmul-bool-empty-result": lambda m: m.zeros(0, 2, dtype=m.bool) @ m.zeros(2, 3, dtype=m.bool),
    "matmul-bool-no-inner-dim": lambda m: m.zeros(2, 0, dtype=m.bool) @ m.zeros(0, 3, dtype=m.bool),
    "matmul-bool-batched-error": lambda m: m.zeros(2, 2, dtype=m.bool) @ m.zeros(1, 2, 2, dtype=m.bool),
    "linear-bool-empty-batch": lambda m: m.nn.functional.linear(m.zeros(0, 2, dtype=m.bool), m.zeros(3, 2, dtype=m.bool)),
    "linear-1d-input-no-features": lambda m: m.nn.functional.linear(m.zeros(0), m.zeros(2, 0)),
    "linear-3d-input-no-features": lambda m: m.nn.functional.linear(m.zeros(1, 2, 0), m.zeros(2, 0)),
    "linear-bool-no-features-bias-error": lambda m: m.nn.functional.linear(
        m.zeros(2, 0, dtype=m.bool), m.zeros(2, 0, dtype=m.bool), m.zeros(2, dtype=m.bool)),
    "linear-1d-weight-1d-bias-error": lambda m: m.nn.functional.linear(m.ones(3), m.ones(3), m.ones(1)),
    "linear-float-input-bool-1d-weight-error": lambda m: m.nn.functional.linear(m.ones(2, 3), m.ones(3, dtype=m.bool)),
    "setitem-one-element-leading-ones": lambda m: _setitem(m, m.zeros(2, dtype=m.int64), 0, m.tensor([[5]])),
    "setitem-one-element-leading-ones-grad": lambda m: _backward_grads(
        m, lambda m, x, v: _setitem(m, x.clone(), 0, v.reshape(1, 1)), [[0.0, 0.0], 1.5]),
    "setitem-grad-value-into-int": lambda m: _setitem(m, m.zeros(2, dtype=m.int64), 0, _leaf(m, 1.5)),
    "clamp-tensor-bounds-dtype-of-all-three": lambda m: m.tensor(0.5, dtype=m.float64).clamp(
        m.tensor(0.0, dtype=m.float64), m.tensor([1.0, 2.0])),
    "clamp_-bool-bigger-bounds-error": lambda m: m.tensor(True).clamp_(m.zeros(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    # --- found when the fuzz test took in the op-table rows of issue 12
    "remainder-zero-keeps-the-dividend-sign": lambda m: (1 / (m.tensor([0.0, -0.0, 3.0, -3.0]) % -1.0),
                                                         1 / (m.tensor([0.0, -0.0, 3.0]) % m.tensor([-1.0, 1.0, 1.0])),
                                                         1 / (-2.0 % m.tensor([1.0, -1.0, 2.0]))),
    "atan2-grad-at-origin": lambda m: _backward_grads(
        m, lambda m, y, x: m.atan2(y, x), [[0.0, -0.0, 0.0, 1.0, INF], [0.0, 0.0, -0.0, INF, 2.0]]),
    # addcmul's value as its kernel holds it, checked as c10's checked_convert (thorough fuzz seed 393)
    "addcmul-uint8-value-minus-one-wraps": lambda m: m.addcmul(m.zeros(2, dtype=m.uint8), m.ones(2, dtype=m.uint8),
                                                              m.full((2,), 3, dtype=m.uint8), value=-1),
    "addcmul-uint8-negative-float-value-error": lambda m: m.zeros(2, dtype=m.uint8).addcmul(
        m.ones(2, dtype=m.uint8), m.ones(2, dtype=m.uint8), value=-0.5),
    "addcmul-uint8-value-300-error": lambda m: m.zeros(2, dtype=m.uint8).addcmul(
        m.ones(2, dtype=m.uint8), m.ones(2, dtype=m.uint8), value=300.0),
    "addcmul-bool-and-uint8-value-error": lambda m: m.addcmul(m.tensor(False), m.tensor(False),
                                                             m.tensor(0, dtype=m.uint8), value=-0.5),
    "addcmul-int8-value-truncated": lambda m: m.full((2,), 5, dtype=m.int8).addcmul(
        m.ones(2, dtype=m.int8), m.ones(2, dtype=m.int8), value=-2.5),
    "addcmul-float32-value-beyond-range-error": lambda m: m.zeros(2).addcmul(m.ones(2), m.ones(2), value=1e39),
    "addcmul-float16-value-held-as-float": lambda m: m.zeros(2, dtype=m.float16).addcmul(
        m.ones(2, dtype=m.float16), m.ones(2, dtype=m.float16), value=1e39),
    "lerp-long-error": lambda m: m.lerp(m.tensor([1, 2]), m.tensor([3, 4]), 0.3),
    "lerp-bool-error": lambda m: m.tensor([True]).lerp(m.tensor([False]), 0.5),
    "lerp-shape-error-before-kernel": lambda m: m.tensor([1, 2]).lerp(m.tensor([1, 2, 3]), 0.5),
    "lerp-0d-weight-makes-long-float": lambda m: m.tensor([1, 2]).lerp(m.tensor([3, 4]), m.tensor(0.5)),
    "lerp-0d-double-weight": lambda m: m.tensor([1, 2]).lerp(m.tensor([3, 4]), m.tensor(0.5, dtype=m.float64)),
    "lerp-0d-int-weight-on-longs-error": lambda m: m.tensor([1, 2]).lerp(m.tensor([3, 4]), m.tensor(1)),
    "lerp-weight-dtype-error": lambda m: m.tensor([1.0, 2]).lerp(m.tensor([3.0, 3]),
                                                                 m.tensor([0.5, 0.5], dtype=m.float64)),
    "lerp-end-dtype-error": lambda m: m.tensor([1, 2]).lerp(m.tensor([1.0, 2.0]), m.tensor(0.5)),
    "div-trunc-bool-error": lambda m: m.tensor([True]).div(m.tensor([True]), rounding_mode="trunc"),
    "div-floor-empty-by-zero": lambda m: m.zeros(2, 0, dtype=m.int64).div(m.tensor(0), rounding_mode="floor"),
    "div-floor-int-by-zero-error": lambda m: m.tensor([3]).div(m.tensor(0), rounding_mode="floor"),
    "prod-grad-inf-and-nan": lambda m: _backward_grads(m, lambda m, x: x.prod(), [[INF, 2.0, NAN]]),
    "prod-grad-one-zero": lambda m: _backward_grads(m, lambda m, x: x.prod(), [[INF, 0.0, 3.0]]),
    "prod-grad-two-zeros": lambda m: _backward_grads(m, lambda m, x: x.prod(), [[0.0, 2.0, 0.0, NAN]]),
    "prod-grad-two-zeros-inf-incoming": lambda m: _backward_grads(m, lambda m, x: x.prod().log(), [[0.0, 0.0]]),
    "prod-dim-grad-zero-in-one-slice": lambda m: _backward_grads(
        m, lambda m, x: x.prod(1), [[[0.0, 2.0, INF], [1.0, NAN, 3.0]]]),
    "cat-dtype-counts-skipped-empty": lambda m: m.cat([m.zeros(0, dtype=m.bool), m.zeros(0, dtype=m.int64)]),
    "hstack-bool-and-long": lambda m: m.hstack([m.zeros(0, dtype=m.bool), m.zeros(0, dtype=m.int64)]),
    "gelu-float32-inf-vectorized": lambda m: m.nn.functional.gelu(m.tensor([INF, -INF, 1.0])),
    "gelu-float32-inf-one-element": lambda m: m.nn.functional.gelu(m.tensor([INF])),
    "gelu-float64-inf": lambda m: m.nn.functional.gelu(m.tensor([INF, -INF], dtype=m.float64)),
    # einsum sums a label that one operand has only with size 1 out of the other first: inf * (0 + inf), not
    # inf * 0 + inf * inf (fuzz seed 515)
    "einsum-broadcast-label-summed-first": lambda m: _backward_grads(
        m, lambda m, x: m.einsum("bij,bjk->bik", m.transpose(x, 0, -1), x), [[[[0.0, 0.0], [0.0, INF]]]]),
    "einsum-label-of-one-operand-summed-first": lambda m: m.einsum(
        "ij,jk->i", m.tensor([[INF, 1.0]]), m.tensor([[0.0, INF], [1.0, 1.0]])),
    "mse-long-error": lambda m: m.nn.functional.mse_loss(m.tensor([1, 2]), m.tensor([1, 3])),
    "smooth_l1-bool-error": lambda m: m.nn.functional.smooth_l1_loss(m.tensor([True]), m.tensor([False])),
    "smooth_l1-0d-double-input-promotes": lambda m: m.nn.functional.smooth_l1_loss(
        m.tensor(0.5, dtype=m.float64), m.tensor([1.0, 2.0, 3.0])),
    "huber-keeps-input-dtype": lambda m: m.nn.functional.huber_loss(
        m.tensor([1.0, 2.0]), m.tensor([0.5, 4.0], dtype=m.float64), reduction="sum"),
    "huber-long-input-float-target-error": lambda m: m.nn.functional.huber_loss(m.tensor([1, 2]), m.tensor([0.5, 4.0])),
    "huber-long-error": lambda m: m.nn.functional.huber_loss(m.tensor([1, 2]), m.tensor([True, False])),
    "cosine_similarity-long-error": lambda m: m.nn.functional.cosine_similarity(m.tensor([[1, 2]]), m.tensor([[1, 3]])),
    "cosine_similarity-float-sides-keep-their-dtype": lambda m: m.nn.functional.cosine_similarity(
        m.tensor([[0.1, 0.7, 0.3]]), m.tensor([[0.3, -0.2, 0.9]], dtype=m.float64), dim=-1),
    "kl_div-integral-error": lambda m: m.nn.functional.kl_div(m.tensor([0.5]), m.tensor([1])),
    "kl_div-grad-at-zero-target": lambda m: _backward_grads(
        m, lambda m, x, t: m.nn.functional.kl_div(x, t, reduction="sum"), [[-1.0, -2.0], [0.0, 0.5]]),
    "pad-crop-more-than-the-dim": lambda m: m.nn.functional.pad(m.zeros(2, 0), (-1, 1)),
    "median-nan-incoming-grad-only-to-winners": lambda m: _backward_grads(
        m, lambda m, x: m.median(x) * m.tensor(INF) * 0, [[0.0, 1.0, 0.0, 2.0]]),
    "median-bool-error": lambda m: m.tensor([True, False]).median(),
    "median-empty-bool": lambda m: m.zeros(0, dtype=m.bool).median(),
    "median-empty-integers": lambda m: tuple(m.zeros(0, dtype=d).median()
                                             for d in (m.int64, m.int32, m.int16, m.uint8)),
    "bmm-bool-error": lambda m: m.bmm(m.ones(1, 1, 1, dtype=m.bool), m.ones(1, 1, 1, dtype=m.bool)),
    "bmm-bool-empty": lambda m: m.bmm(m.ones(1, 2, 0, dtype=m.bool), m.ones(1, 0, 2, dtype=m.bool)),
    "mv-bool-error": lambda m: m.mv(m.ones(2, 2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    "bmm-dtypes-error": lambda m: m.bmm(m.ones(1, 2, 3), m.ones(1, 3, 2, dtype=m.float64)),
    "bmm-dtypes-empty-takes-mat2-dtype": lambda m: (m.bmm(m.ones(1, 2, 0), m.ones(1, 0, 2, dtype=m.float64)),
                                                   m.bmm(m.ones(0, 2, 3, dtype=m.int64), m.ones(0, 3, 2))),
    "mv-dtypes-error": lambda m: m.mv(m.ones(2, 3, dtype=m.int64), m.ones(3)),
    "mv-dtypes-empty-error": lambda m: m.mv(m.ones(0, 3), m.ones(3, dtype=m.float64)),
    "addmm-mat-dtypes-error": lambda m: m.addmm(m.ones(2, 2), m.ones(2, 3, dtype=m.float64), m.ones(3, 2)),
    "addmm-bias-dtype-error": lambda m: m.addmm(m.ones(2, 2), m.ones(2, 3, dtype=m.float64),
                                                m.ones(3, 2, dtype=m.float64)),
    "clamp_max-tensor-nan-grads": lambda m: _backward_grads(
        m, lambda m, x, b: m.clamp_max(x, b), [[NAN, 1.0, 2.0], [1.0, NAN, 1.0]]),
    "clamp_min-tensor-nan-grads": lambda m: _backward_grads(
        m, lambda m, x, b: m.clamp_min(x, b), [[NAN, 1.0, 2.0], [1.0, NAN, 3.0]]),
    "einsum-bool-size-one-label-in-both-stays-bool": lambda m: m.einsum(
        "bij,bjk->bik", m.ones(0, 1, 1, dtype=m.bool), m.ones(0, 1, 1, dtype=m.bool)),
    "einsum-bool-int-bmm-error-order": lambda m: m.einsum("i,i->", m.ones(3, dtype=m.bool), m.ones(3, dtype=m.int64)),
    "bmm-bool-int-error-order": lambda m: m.bmm(m.ones(1, 1, 1, dtype=m.bool), m.ones(1, 1, 1, dtype=m.int64)),
    "einsum-int32-sum-counts-in-int64": lambda m: m.einsum("...ij->...j", m.ones(2, 3, dtype=m.int32)),
    "integer-scalars-wrap": lambda m: (m.tensor([0], dtype=m.uint8) + -1, m.tensor([1], dtype=m.int8) + 200,
                                       m.tensor([1], dtype=m.int64) + 2**63, -1 - m.tensor([1], dtype=m.uint8),
                                       m.tensor([1], dtype=m.uint8) < -1, m.tensor([1], dtype=m.uint8) // -1,
                                       m.tensor([3], dtype=m.uint8).clamp(-1, 2), m.tensor([3], dtype=m.int8).mul_(200)),
    "signed-zero-ties-keep-the-input": lambda m: tuple(1 / r for r in (  # (1 / r shows the zero's sign)
        _zeros(m).relu(), _zeros(m).clamp(0.0, 0.0), _zeros(m).clone().clamp_(None, 0.0), _zeros(m).clamp_min(0.0),
        _zeros(m).clamp_max(-0.0), m.maximum(_zeros(m), -_zeros(m)), m.minimum(_zeros(m), -_zeros(m)),
        _zeros(m).clamp(m.tensor(0.0), m.tensor([0.0, 0.0])))),
    "masked_fill-value-ranges": lambda m: tuple(_fill_first(m, d, v) for d, v in (
        (m.uint8, -1), (m.uint8, -129), (m.int8, -1), (m.int16, 1.9), (m.bool, 2), (m.float16, INF), (m.int64, 2**40))),
    "masked_fill-uint8-negative-float-error": lambda m: _fill_first(m, m.uint8, -0.5),
    "masked_fill-uint8-float-above-error": lambda m: _fill_first(m, m.uint8, 255.5),
    "masked_fill-uint8-overflow-error": lambda m: _fill_first(m, m.uint8, 256),
    "masked_fill-int8-overflow-error": lambda m: _fill_first(m, m.int8, -129),
    "masked_fill-int-nan-error": lambda m: _fill_first(m, m.int32, NAN),
    "masked_fill-half-overflow-error": lambda m: _fill_first(m, m.float16, 2**40),
    # (four elements take torch's scalar kernel; its vectorized one gives nan there: see test_fuzz_programs.py)
    "elu-grad-of-nan": lambda m: _backward_grads(m, lambda m, x: m.nn.functional.elu(x), [[NAN, -1.0, INF, -INF]]),
    "median-dim-bool-error": lambda m: m.tensor([[True, False]]).median(1),
    "einsum-diagonal-sizes-error": lambda m: m.einsum("ii->i", m.ones(1, 3)),
    "einsum-sizes-error-before-dtypes": lambda m: m.einsum("i,i->", m.ones(2, dtype=m.bool), m.ones(3)),
    "einsum-sizes-error-bmm": lambda m: m.einsum("bij,bjk->bik", m.ones(2, 1, 3), m.ones(2, 2, 1)),
    "einsum-sizes-error-ellipsis": lambda m: m.einsum("...i,...i->...", m.ones(2, 3), m.ones(3, 3)),
    "einsum-diagonal-in-second-operand-error": lambda m: m.einsum("ij,ii->j", m.ones(2, 3), m.ones(2, 3)),
    "einsum-size-one-broadcasts": lambda m: m.einsum("ij,j->i", m.ones(2, 1), m.ones(3)),
    "einsum-empty-integer-result-with-grad-error": lambda m: m.einsum(
        "bij,bjk->bik", m.zeros(1, 2, 0, requires_grad=True), m.zeros(1, 0, 2, dtype=m.int64)),
    "bmm-empty-integer-result-with-grad-error": lambda m: m.bmm(m.zeros(1, 2, 0, requires_grad=True),
                                                               m.zeros(1, 0, 2, dtype=m.int64)),
    "einsum-empty-integer-result-no-grad": lambda m: m.einsum("i,i->", m.zeros(0), m.zeros(0, dtype=m.int64)),
    "einsum-bool-sum-counts": lambda m: (m.einsum("ij->j", m.ones(2, 3, dtype=m.bool)), m.einsum("ii", m.eye(2) > 0)),
    "einsum-bool-diagonal-stays-bool": lambda m: m.einsum("ii->i", m.eye(2) > 0),
    "einsum-mixed-dtypes-multiply": lambda m: m.einsum("i,j->ij", m.ones(2), m.ones(3, dtype=m.int64)),
    "einsum-mixed-dtypes-broadcast-contraction": lambda m: m.einsum(
        "bij,bjk->bik", m.ones(2, 1, 3), m.ones(2, 1, 3, dtype=m.float64)),
    "einsum-mixed-dtypes-bmm-error": lambda m: m.einsum("ij,jk->ik", m.ones(2, 3), m.ones(3, 2, dtype=m.int64)),
    "einsum-bool-bmm-error": lambda m: m.einsum("i,i->", m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "einsum-empty-bmm-takes-second-dtype": lambda m: (
        m.einsum("bij,bjk->bik", m.ones(0, 0, 0), m.ones(0, 0, 0, dtype=m.int64)),
        m.einsum("i,i->", m.ones(0), m.ones(0, dtype=m.float64))),
    "unique-is-recorded-without-derivative": lambda m: m.tensor([1.0, 2.0, 2.0], requires_grad=True).unique(
        return_counts=True),
    "unique-backward-error": lambda m: m.tensor([1.0, 2.0, 2.0], requires_grad=True).unique().sum().backward(),
    "unique-dim-backward-error": lambda m: m.tensor([[1.0], [1.0]], requires_grad=True).unique(dim=0).sum().backward(),
    # cosine_similarity clamps the norms at eps out of autograd's sight: the gradient flows as through the norms
    "cosine_similarity-grad-through-a-norm-below-eps": lambda m: _backward_grads(
        m, lambda m, x, y: m.nn.functional.cosine_similarity(x, y, dim=-1), [[[1.0, 2.0, 0.0]], [[0.0, 1e-9, 0.0]]]),
    "cosine_similarity-grad-zero-row-against-inf": lambda m: _backward_grads(
        m, lambda m, x, y: m.nn.functional.cosine_similarity(x, y, dim=-1), [[[0.0, 0.0, 0.0]], [[0.0, 0.0, INF]]]),
    # nan_to_num's gradient is `grad * isfinite(x)`: a nan arriving at a non-finite x stays nan
    "nan_to_num-nan-grad-stays-nan": lambda m: _backward_grads(
        m, lambda m, x, g: m.nan_to_num(x, posinf=7.0) * g, [[NAN, 1.0, INF, -INF], [NAN, NAN, NAN, 2.0]]),
    # var/std divide by max(0, N - correction): inf, or nan for 0 / 0; gradients as torch's var_backward
    "var-correction-above-count": lambda m: _backward_grads(m, lambda m, x: m.var(x, correction=3), [[1.0, 2.0]]),
    "var-correction-above-count-dim": lambda m: _backward_grads(m, lambda m, x: m.var(x, 0, correction=3), [[1.0, 2.0]]),
    "std-correction-above-count": lambda m: (_backward_grads(m, lambda m, x: m.std(x, correction=2), [[5.0]]),
                                             _backward_grads(m, lambda m, x: m.std(x, 1, correction=2),
                                                             [[[1.0, 2.0], [3.0, 3.0]]])),
    "var-of-infinities": lambda m: (m.tensor([INF, INF, INF]).var(), m.tensor([[INF, INF], [1.0, 1.0]]).var(1),
                                    m.tensor([-INF, -INF]).std(), m.tensor([INF, 1.0]).var()),  # (inf - inf: nan)
    "var-of-empty": lambda m: (_backward_grads(m, lambda m, x: m.var(x), [[]]), m.var(m.zeros(2, 0), 1),
                               m.std(m.zeros(0, 3), 0)),
    "all-any-of-uint8-stay-uint8": lambda m: tuple(f(m.tensor([[1, 0], [2, 3]], dtype=m.uint8), *a) for f, a in (
        (m.all, ()), (m.any, ()), (m.all, (0,)), (m.any, (1, True)))),
    # float16 sums, running sums and softmax accumulate in float32, rounding once
    "half-accumulates-in-float32": lambda m: (
        m.cumsum(m.ones(4096), 0, dtype=m.float16)[-1], m.ones(3000, dtype=m.float16).cumsum(0)[-1],
        m.ones(3000, dtype=m.float16).T.sum(), m.cumprod(m.full((40,), 1.01, dtype=m.float16), 0)[-1],
        m.softmax(m.tensor([0.1, 0.2, 0.3, 2.0], dtype=m.float64), 0, dtype=m.float16),
        m.log_softmax(m.tensor([[0.1, 0.2, 0.3, 9.0]], dtype=m.float16), 1)),
    **{f"{op}-integer-dtype-with-grad-error": (lambda op: lambda m: getattr(_leaf(m), op)(
        *(() if op in ("sum", "prod") else (0,)), dtype=m.int32))(op) for op in ("sum", "prod", "cumsum", "cumprod")},
    "sum-long-dtype-with-grad-error": lambda m: m.sum(_leaf(m), 0, dtype=m.int64),
    "cumsum-bool-dtype-error": lambda m: m.cumsum(_leaf(m), 0, dtype=m.bool),
    "topk-bool-error": lambda m: m.topk(m.tensor([True, False]), 1),
    "round-int-decimals-0-error": lambda m: m.round(m.tensor([1, 2]), decimals=0),
    "softmax-integer-dtype-error": lambda m: m.softmax(m.ones(2), 0, dtype=m.int64),
    "log_softmax-integer-dtype-error": lambda m: m.log_softmax(m.ones(2, 2), 0, dtype=m.int32),
    "softmax-integer-dtype-empty": lambda m: m.softmax(m.ones(0), 0, dtype=m.int64),
    "index_add-index-length-error": lambda m: m.index_add(m.zeros(3, 2), 0, m.tensor([0, 0]), m.zeros(3, 2)),
    "expand-minus-one-in-new-dim-error": lambda m: m.ones(3, 1).expand(-1, 3, 1),
    "mT-of-1d-error": lambda m: m.ones(3).mT,
    "einsum-repeated-output-error": lambda m: m.einsum("ij->ii", m.ones(2, 2)),
    "einsum-unknown-output-error": lambda m: m.einsum("ij->ik", m.ones(2, 2)),
    "unique-dim-of-0d-error": lambda m: m.unique(m.tensor(1), dim=0),
    "cat-legacy-empty-gets-empty-grad": lambda m: _backward_grads(
        m, lambda m, a, e, b: m.cat([e, a, e, b]), [[[1.0, 2.0]], [], [[3.0, 4.0]]]),
    "cat-only-legacy-empties": lambda m: _backward_grads(m, lambda m, e, f: m.cat([e, f]), [[], []]),
    "cat-1d-with-legacy-empty": lambda m: _backward_grads(m, lambda m, a, e: m.cat([a, e]) * 2, [[1.0, 2.0], []]),
    # grad_fn names follow the op (and the overload) that made the tensor
    **{f"grad_fn-{name}": (lambda build: lambda m: _backward_grads(m, build, [[3.0, 1.0, 2.0, 4.0]]))(build)
       for name, build in {
           "chunk": lambda m, x: m.stack(m.chunk(x, 2)), "chunk-whole": lambda m, x: x.chunk(1)[0] * 1,
           "split": lambda m, x: m.split(x, 3)[0] * 2, "split-whole": lambda m, x: x.split(4)[0] * 1,
           "split-sizes": lambda m, x: m.split(x, [1, 3])[1] * 2, "unbind": lambda m, x: x.unbind()[2] * 3,
           "sort-stable": lambda m, x: m.sort(x, stable=True)[0] * m.arange(4.0),
           "roll-no-dims": lambda m, x: m.roll(x.view(2, 2), 1) * m.arange(4.0).view(2, 2),
           "div-rounding-mode-none": lambda m, x: m.div(x, 2.0, rounding_mode=None),
           "div-tensor-rounding-mode-none": lambda m, x: x.div(x.detach() + 1, rounding_mode=None),
           "round-decimals-0": lambda m, x: m.round(x / 3, decimals=0)}.items()},
}


# Cases whose message also equals torch's (the others: same exception type, our own clear message).
DIFFERENT_MESSAGE = {"max-number-error",
                     "clamp_-broadcast-bigger-error", "linear-float-input-bool-1d-weight-error"}


def _zeros(m):
    """-0.0 and 0.0: equal, but 1 / x tells them apart."""
    return m.tensor([-0.0, 0.0])


def _fill_first(m, dtype, value):
    """`masked_fill` of the first of two zeros of `dtype` with `value`."""
    return m.zeros(2, dtype=dtype).masked_fill(m.tensor([True, False]), value)


def _setitem(m, x, key, value):
    x[key] = value
    return x


def _clamp_inplace(m):
    x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    lo = m.tensor([2.0, 0.0, 5.0], requires_grad=True)
    hi = m.tensor(4.0, requires_grad=True)
    y = x * 1
    y.clamp_(lo, hi)
    y.sum().backward()
    return y, x.grad, lo.grad, hi.grad


@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch(case):
    assert_matches_torch(CASES[case], same_message=case not in DIFFERENT_MESSAGE)


@pytest.mark.parametrize("rg", ["input", "min", "max"])
def test_clamp_tensor_bounds_where_torch_backward_fails(rg):
    """torch 2.13's clamp backward (both tensor bounds) raises "output with shape [3] doesn't match
    the broadcast shape [2, 3]" when (input, one bound) broadcast to less than all three. That is
    an artefact of its in-place masks, not a rule: minitorch_ref gives the gradient torch gives for
    the same clamp with the input already expanded to the full shape."""
    def grads(m, expand):
        x = m.tensor([1.0, 2.5, 3.0], requires_grad=rg == "input")
        small, big = [2.0, 0.0, 1.0], [[2.5], [1.5]]  # (for max's gradient the (2, 1) bound is min)
        lo = m.tensor(big if rg == "max" else small, requires_grad=rg == "min")
        hi = m.tensor(small if rg == "max" else big, requires_grad=rg == "max")
        out = (x.expand(2, 3) if expand else x).clamp(lo, hi)
        out.sum().backward()
        leaf = {"input": x, "min": lo, "max": hi}[rg]
        return out.detach().numpy(), leaf.grad.numpy()

    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        grads(torch, expand=False)  # (if this starts passing, torch fixed it: compare directly then)
    expected_out, expected_grad = grads(torch, expand=True)
    out, grad = grads(mt, expand=False)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(grad, expected_grad)


@pytest.mark.parametrize("shape", [(), (1,), (1, 2), (2, 1)])
@pytest.mark.parametrize("dim", [None, 0, -1])
@pytest.mark.parametrize("ord", [3, 2, 1, float("inf"), 0.5])
def test_vector_norm_of_tiny_values_rounds_as_torch(shape, dim, ord):
    """1e-200 ** 2 underflows: torch takes |x| itself when each norm has one element (except a 0-d input
    with a dim), and its backward gives nan (0 * inf) or 0 exactly where minitorch_ref's must."""
    results = []
    for lib in (torch, mt):
        x = lib.full(shape, 1e-200, dtype=lib.float64, requires_grad=True)
        y = lib.linalg.vector_norm(x, ord, dim)
        y.sum().backward()
        results.append((y.tolist(), x.grad.tolist()))
    assert str(results[1]) == str(results[0])  # (str: nan equals nan)


@pytest.mark.parametrize("values", [[2e-300, 3.0, 0.5], [1e-310, 1e-310], [2.0, 0.0, 3.0, 0.0, 4.0]])
def test_cumprod_gradient_rounds_as_torch(values):
    """torch's O(n) cumprod backward (divide by x before the first zero): same bits, subnormals included."""
    grads = []
    for lib in (torch, mt):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        lib.cumprod(x, 0).backward(lib.tensor([0.3, -1.7, 2.2, 0.9, 1.1][:len(values)], dtype=lib.float64))
        grads.append(x.grad.tolist())
    assert str(grads[1]) == str(grads[0])


def test_cumsum_never_gives_negative_zero():
    """torch's running sum starts from +0: cumsum([-0., -0.]) is [0., 0.], not NumPy's [-0., -0.]."""
    ours = mt.cumsum(mt.tensor([-0.0, -0.0, 1.0]), 0).numpy()
    theirs = torch.cumsum(torch.tensor([-0.0, -0.0, 1.0]), 0).numpy()
    assert np.array_equal(np.signbit(ours), np.signbit(theirs)) and np.array_equal(ours, theirs)


def test_pow_bool_exponent_where_torch_backward_fails():
    """torch 2.13's pow backward computes `exponent - 1`, which it refuses for a bool exponent tensor
    ("Subtraction, the `-` operator, with a bool tensor is not supported"): an artefact of its formula,
    not a rule. minitorch_ref gives the gradient torch gives for the same exponent as floats."""
    def grad(m, exponent_dtype):
        x = m.tensor([2.0, 3.0, -1.5], requires_grad=True)
        (x ** m.tensor([True, False, True]).to(exponent_dtype)).sum().backward()
        return x.grad.numpy()

    with pytest.raises(RuntimeError, match="Subtraction"):
        grad(torch, torch.bool)  # (if this starts passing, torch fixed it: compare directly then)
    np.testing.assert_array_equal(grad(mt, mt.bool), grad(torch, torch.float32))


def test_setitem_grad_number_into_int_where_torch_marks_int_requires_grad():
    """torch 2.13 writes a 0-d tensor into a slice with fill_, recorded as CopySlices even when the
    target is an integer tensor: `x_int[0] = y` (y 0-d, requiring grad) leaves x_int with
    requires_grad=True, which torch refuses everywhere else ("only Tensors of floating point dtype can
    require gradients"). minitorch_ref keeps integer tensors out of the graph, as torch does for a
    value with dims; the values written are torch's."""
    def write(m, value_shape):
        x = m.zeros(2, 3, dtype=m.int64)
        x[0] = m.full(value_shape, 2.5, requires_grad=True)
        return x

    assert write(torch, ()).requires_grad  # (if this starts failing, torch fixed it: compare directly then)
    assert not write(torch, (3,)).requires_grad
    for shape in [(), (3,)]:
        ours = write(mt, shape)
        assert not ours.requires_grad and ours.grad_fn is None
        np.testing.assert_array_equal(ours.numpy(), write(torch, shape).detach().numpy())


@pytest.mark.parametrize("shape, index, dim", [((0, 0, 1), [[[0]]], -1), ((2, 3), [[0, 1, 0], [1, 0, 1], [0, 0, 0]], 1)])
def test_gather_refuses_an_index_larger_than_the_input_off_its_dim(shape, index, dim):
    """Found by the fuzz test: torch's size check, not NumPy's reshape error."""
    with pytest.raises(RuntimeError) as theirs:
        torch.zeros(shape).gather(dim, torch.tensor(index))
    with pytest.raises(RuntimeError) as ours:
        mt.zeros(shape).gather(dim, mt.tensor(index))
    assert str(ours.value) == str(theirs.value)


SILENT_NAN_INF = {  # torch computes these without a word; NumPy would warn about each
    "inf - inf": lambda m: m.tensor([INF]) - m.tensor([INF]),
    "0 * inf": lambda m: m.tensor([0.0, 1.0]) * INF,
    "1 / 0 and 0 / 0": lambda m: m.tensor([1.0, 0.0]) / 0,
    "exp overflow": lambda m: m.tensor([1000.0], dtype=m.float32).exp(),
    "log of 0 and -1": lambda m: m.tensor([0.0, -1.0]).log(),
    "sqrt of -1": lambda m: m.tensor([-1.0]).sqrt(),
    "mean of nothing": lambda m: m.zeros(0).mean(),
    "mean over an empty dim": lambda m: m.zeros(3, 0).mean(1),
    "sum with nan and inf": lambda m: m.tensor([INF, -INF, 1.0]).sum(),
    "nan to int": lambda m: m.tensor([NAN]).long(),
    "backward through inf": lambda m: _backward_grads(m, lambda m, a: (a * a).exp() - (a * a).exp(), [[1000.0]]),
}


@pytest.mark.parametrize("case", list(SILENT_NAN_INF))
def test_nan_and_inf_arise_silently_as_in_torch(case):
    fn = SILENT_NAN_INF[case]
    actual, caught = outcome(fn, mt, warnings=True)
    assert_same_outcome(outcome(fn, torch), (actual, None))
    assert caught == [], "minitorch_ref warned where torch did not"


# ---------------------------------------------------------------------- answers that depend on torch's kernel build
@pytest.mark.skipif(bool(__import__("os").environ.get("ATEN_CPU_CAPABILITY")),
                    reason="ATEN_CPU_CAPABILITY set: torch reports the build asked for, even one the CPU cannot run")
def test_the_kernel_build_read_is_the_one_torch_runs():
    """minitorch_ref's reading of which of torch's kernel builds runs here (see minitorch_ref/_cpu.py) is
    torch's own, so that the answers modelled on it (gelu at +inf) agree on every machine."""
    from minitorch_ref import _cpu

    assert _cpu.TORCH_AVX512_KERNELS == torch.backends.cpu.get_cpu_capability().startswith("AVX512")


@pytest.mark.parametrize("avx512, expected", [(True, [np.nan, 0.8413447, np.inf]), (False, [np.inf, 0.8413447, np.inf])])
def test_gelu_at_inf_follows_the_kernel_build(monkeypatch, avx512, expected):
    """float32 GELU at +inf: nan from torch's AVX-512 kernel (2+ contiguous elements), inf from its AVX2 and
    scalar kernels; one element (torch's scalar path) is inf with either build."""
    from minitorch_ref.ops import pointwise

    monkeypatch.setattr(pointwise, "TORCH_AVX512_KERNELS", avx512)
    out = mt.nn.functional.gelu(mt.tensor([np.inf, 1.0]))
    np.testing.assert_array_equal(out.numpy(), np.array(expected[:2], dtype=np.float32))
    assert mt.nn.functional.gelu(mt.tensor([np.inf])).item() == expected[2]
