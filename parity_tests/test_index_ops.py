"""Index-based and search ops against torch: what a differential probe of gather, scatter, index_add,
index_select, masked_select, where, roll, flip, median, unique, repeat_interleave and amax found.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: the same result
(values, dtype, shape, requires_grad, grad_fn) or the same exception type and message.
"""
from __future__ import annotations

import pytest

from parity_tests.outcomes import result_and_grad
from parity_tests.test_semantics import assert_matches_torch

NAN = float("nan")


def _grad_of_self(build):
    """A program: (`build(m, x)`, x.grad) after its sum's backward, x = [[1, 2, 3], [4, 5, 6]]."""
    return lambda m: result_and_grad(m, build, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def _backward(build):
    """`build(m, x)`, then backward through it (the error, where torch defines no derivative)."""
    def fn(m):
        x = m.tensor([3.0, 4.0], requires_grad=True)
        build(m, x).sum().backward()
        return x.grad
    return fn


def _x(m, dtype=None):
    return m.tensor([[1, -2, 3], [4, 5, -6]], dtype=dtype)


def _idx(m, values, dtype=None):
    return m.tensor(values, dtype=dtype or m.int64)


CASES = {
    # --- the dim is checked first (torch wraps it before looking at the index)
    "gather-bad-dim-before-index-dtype": lambda m: _x(m).gather(5, _idx(m, [[0]], m.int16)),
    "index_select-bad-dim-before-index-dtype": lambda m: _x(m).index_select(5, _idx(m, [0], m.int16)),
    "index_select-2d-bool-index-is-not-a-vector": lambda m: _x(m).index_select(0, m.zeros(2, 1, dtype=m.bool)),
    "scatter-bad-dim-first": lambda m: _x(m).scatter(5, _idx(m, [[0]], m.int16), 1),
    "scatter-bad-dim-before-src-dtype": lambda m: _x(m).scatter(5, _idx(m, [[0]]), m.tensor([[1.5]])),
    "scatter_add-bad-dim-first": lambda m: _x(m).scatter_add(5, _idx(m, [[0]], m.uint8), _x(m)),
    "index_add-bad-dim-first": lambda m: _x(m).index_add(5, _idx(m, [0], m.int16), _x(m)),
    # --- scatter: an empty index writes nothing, but records torch's node; its dtype is not checked
    "scatter-empty-index-node": _grad_of_self(lambda m, x: x.scatter(1, _idx(m, []).reshape(2, 0), m.ones(2, 0))),
    "scatter-value-empty-index-node": _grad_of_self(lambda m, x: x.scatter(0, _idx(m, []), 1.5)),
    "scatter_add-empty-index-node": _grad_of_self(lambda m, x: x.scatter_add(0, _idx(m, []).reshape(0, 3),
                                                                          m.ones(0, 3))),
    "scatter_add_-empty-index-node": _grad_of_self(lambda m, x: (x * 1).scatter_add_(0, _idx(m, []), m.ones(0))),
    "scatter-reduce-empty-index-node": lambda m: m.ones(2, requires_grad=True).scatter(0, _idx(m, []), 2.0,
                                                                                       reduce="add"),
    "scatter-empty-uint8-index": lambda m: _x(m).scatter(0, _idx(m, [], m.uint8), 7),
    "scatter_add-empty-float-index": lambda m: _x(m).scatter_add(0, m.zeros(0), _x(m)),
    "scatter-empty-uint8-index-src-dtype": lambda m: _x(m).scatter_add(0, _idx(m, [], m.uint8), m.ones(1, 3)),
    "scatter-invalid-reduce-after-index-dtype": lambda m: _x(m).scatter(0, _idx(m, [[0]], m.uint8), 1,
                                                                       reduce="mean"),
    # --- scatter's number: in self's dtype (as torch converts it), with torch's range check
    "scatter-add-float-into-int": lambda m: m.tensor([-2, 7]).scatter(0, _idx(m, [0]), 1.5, reduce="add"),
    "scatter-multiply-float-into-int": lambda m: m.tensor([2, 7], dtype=m.int32).scatter(0, _idx(m, [0]), 1.5,
                                                                                        reduce="multiply"),
    "scatter-multiply-nan-into-bool": lambda m: m.tensor([False, True]).scatter(0, _idx(m, [0, 1]), NAN,
                                                                               reduce="multiply"),
    "scatter-nan-into-int-raises": lambda m: m.tensor([0, 1, 2]).scatter(0, _idx(m, [1]), NAN),
    "scatter-add-nan-into-int-raises": lambda m: m.tensor([0, 1, 2]).scatter(0, _idx(m, [1]), NAN, reduce="add"),
    "scatter-too-big-into-half-raises": lambda m: m.zeros(2, dtype=m.float16).scatter(0, _idx(m, [0]), 1e6),
    "scatter-reduce-backward-message": _backward(lambda m, x: x.scatter(0, _idx(m, [1, 0]), 2.0, reduce="add")),
    # --- index_add: torch's messages, check order, alpha in self's dtype
    "index_add-byte-index-message": lambda m: _x(m).index_add(0, _idx(m, [0], m.uint8), _x(m)[:1]),
    "index_add-2d-index-message": lambda m: _x(m).index_add(0, _idx(m, [[0]], m.uint8), _x(m)[:1]),
    "index_add-source-dim-out-of-bounds": lambda m: _x(m).index_add(1, _idx(m, [0]), m.tensor([7])),
    "index_add-0d-index-1d-source": lambda m: _x(m).index_add(0, _idx(m, 0), m.tensor([1, 2, 3])),
    "index_add-0d-self-1d-source": lambda m: m.tensor(2.0).index_add(0, _idx(m, [0]), m.tensor([1.0])),
    "index_add-int-alpha-truncated": lambda m: _x(m).index_add(0, _idx(m, [1, 1]), _x(m), alpha=1.7),
    "index_add-int-alpha-half-is-zero": lambda m: m.tensor([5, 6]).index_add(0, _idx(m, [1]), m.tensor([3]),
                                                                            alpha=0.5),
    "index_add-bool-alpha": lambda m: m.tensor([True, False]).index_add(0, _idx(m, [0]), m.tensor([True]),
                                                                       alpha=-1),
    "index_add-uint8-negative-alpha": lambda m: m.zeros(3, dtype=m.uint8).index_add(
        0, _idx(m, [0, 0]), m.tensor([1, 2], dtype=m.uint8), alpha=-1),
    "index_add-nan-alpha-into-int-raises": lambda m: _x(m).index_add(0, _idx(m, [0]), _x(m)[:1], alpha=NAN),
    "index_add-2d-out-of-range-int64": lambda m: _x(m).index_add(0, _idx(m, [0, 5]), _x(m)),
    "index_add-empty-2d-self-skips-index": lambda m: m.zeros(0, 2).index_add(0, _idx(m, [0, 0, 0]), m.ones(3, 2)),
    # --- broadcasting messages name the tensors in torch's order
    "masked_select-broadcast-message": lambda m: m.zeros(3).masked_select(m.tensor([True, False])),
    "where-broadcast-message-order": lambda m: m.where(m.ones(3, 3, dtype=m.bool), m.ones(2, 1), m.ones(0)),
    # --- roll, flip
    "roll-no-shifts": lambda m: m.roll(m.ones(2, 3), (), ()),
    "roll-0d-with-dim": lambda m: m.tensor(1.5).roll(1, 0),
    "roll-empty-any-dim": lambda m: m.ones(3, 0, requires_grad=True).roll(1, 5),
    "flip-repeated-dim-message": lambda m: m.ones(2, 3).flip(0, -2),
    # --- median along a dim of a bool tensor: the dim and its size are checked first
    "median-bool-empty-dim": lambda m: m.zeros(0, 1, dtype=m.bool).median(0),
    "median-bool-bad-dim": lambda m: m.tensor(False).median(5),
    # --- unique
    "unique-dim-two-empty-dims": lambda m: m.zeros(0, 3, 0).unique(dim=0),
    # --- repeat_interleave
    "repeat_interleave-counts-keep-dtype": lambda m: m.repeat_interleave(m.tensor([1, 0, 2], dtype=m.int32)),
    "repeat_interleave-empty-counts-keep-dtype": lambda m: m.repeat_interleave(m.zeros(0, dtype=m.int32)),
    "repeat_interleave-0d-counts": lambda m: m.repeat_interleave(m.tensor(2)),
    "repeat_interleave-2d-counts": lambda m: m.repeat_interleave(m.tensor([[1, 2]])),
    "repeat_interleave-float-counts": lambda m: m.repeat_interleave(m.tensor([1.0, 2.0])),
    "repeat_interleave-negative-counts": lambda m: m.repeat_interleave(m.tensor([2, -1])),
    "repeat_interleave-counts-output-size": lambda m: m.repeat_interleave(m.tensor([0, 2]), output_size=3),
    "repeat_interleave-0d-input-tensor-repeats": lambda m: m.tensor(1.0).repeat_interleave(m.tensor([2]), dim=0),
    "repeat_interleave-0d-input-bad-dim": lambda m: m.tensor(1.0).repeat_interleave(m.tensor([2]), dim=5),
    "repeat_interleave-size-message-dim-as-given": lambda m: m.ones(3, 2).repeat_interleave(m.tensor([1, 2]),
                                                                                            dim=-2),
    "repeat_interleave-float-repeats": lambda m: m.ones(2).repeat_interleave(m.tensor([-1.0, 2.0])),
    "repeat_interleave-int-output-size": lambda m: m.ones(3).repeat_interleave(2, dim=0, output_size=5),
    "repeat_interleave-empty-input-output-size": lambda m: m.ones(0).repeat_interleave(
        m.zeros(0, dtype=m.int64), dim=0, output_size=1),
    # --- amax/amin name an empty dim as it was given
    "amax-empty-dim-as-given": lambda m: m.amax(m.zeros(3, 0), -1),
    "amin-empty-dims-as-given": lambda m: m.zeros(3, 0).amin((0, -1)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_index_op_matches_torch(case):
    assert_matches_torch(CASES[case])

