"""Sorting, searching, set and running ops, differential probe: the corners where minitorch_ref differed from torch 2.13.

Each case is one small program run on both libraries (`assert_matches_torch`: the same values, dtypes,
shapes, requires_grad, grad_fn names and gradients, or the same exception type and message). What this
proves, beyond `test_reductions_probe.py`, `test_ops.py` and the op table:
- `cummax` / `cummin` (they were missing): torch's named (values, indices) result, ties moving the index to the
  newer element, a nan winning and staying (each later nan takes the index), bool, integer, 0-d and empty
  inputs, CummaxBackward0 / CumminBackward0 gradients and errors;
- `logcumsumexp` (missing): values without overflow (infinities too), LogcumsumexpBackward0 gradients,
  torch's error for an integer input;
- `unique_consecutive` (missing): one value or slice per run (each nan its own run), inverse and counts,
  0-d and empty inputs, `dim=`, unique's errors for empty inputs, UniqueConsecutiveBackward0 recorded;
- `searchsorted` and `bucketize` (missing): torch's binary search step for step (so unsorted and nan
  boundaries give torch's indices), `right=`, `side=`, `sorter=`, `out_int32=`, a number as the value, N-D
  boundaries, and torch's checks and messages;
- `diag_embed` (missing; `diag` of a vector now shares its kernel): offsets, dims, DiagEmbedBackward0 and errors;
- `histc` (missing): torch's bins (max in the last one, outside values and nan left out), the data's range
  when min = max = 0, a single point widened by 1, no gradient, and torch's errors;
- `isin` (missing): numbers on either side, `invert=`, nan in nothing, `out=`, no gradient, torch's errors;
- `tril_indices` / `triu_indices` (missing): row by row, any offset, int32 or int64 only, torch's errors;
- `fliplr` / `flipud` (missing): flips of dim 1 / dim 0 (FlipBackward0), torch's errors below 2-d / 1-d;
- `rot90` (missing): any k (negative, 0, beyond 4), any pair of dims, Rot90Backward0 and torch's checks;
- `tril` / `triu` read `diagonal` as an int (a float is torch's TypeError; it was truncated);
- `sort` / `argsort` take `stable` by keyword only (a third positional argument is a TypeError), and an
  explicit `stable=None` picks torch's stable overload too (SortBackward1);
- `diag` and `diagonal` read their offset as an int (a float was truncated);
- `torch.sort`, `topk`, `cumsum`, `cumprod`, `cummax`, `cummin`, `logcumsumexp`, `histc`, `searchsorted` and
  `bucketize` take `out=` (a pair for sort, topk, cummax and cummin; cumsum and cumprod computed in out's
  dtype when no `dtype=` is given, as torch's).
"""
from __future__ import annotations

import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch

NAN, INF = float("nan"), float("inf")


def _gradient(m, build, values, weights=None):
    """(build(m, x), x.grad) after backward of the (first) result weighted by 1, 2, 3... from a float32 leaf."""
    x = m.tensor(values, requires_grad=True)
    out = build(m, x)
    first = out[0] if isinstance(out, tuple) else out
    (first * m.arange(1.0, first.numel() + 1).reshape(first.shape)).sum().backward()
    return out, x.grad


def _out(m, call, *outs):
    """`call(m, out)` with `out` the given empty tensors (one, or a pair): (its result, the out tensors)."""
    made = [m.empty(0, dtype=getattr(m, dtype)) for dtype in outs]
    out = made[0] if len(made) == 1 else tuple(made)
    return call(m, out), tuple(made)


# --------------------------------------------------------------------------- cummax / cummin
@pytest.mark.parametrize("call", [
    lambda m: m.cummax(m.tensor([1.0, 3.0, 3.0, 2.0, 5.0, 5.0]), 0),  # ties: the newer index
    lambda m: m.cummin(m.tensor([3.0, 1.0, 1.0, 2.0, 0.0, 0.0]), 0),
    lambda m: m.cummax(m.tensor([1.0, NAN, 3.0, NAN, 0.0]), 0),  # a nan wins and stays
    lambda m: m.tensor([1.0, NAN, 3.0, NAN, 0.0]).cummin(0),
    lambda m: m.tensor([[1, 5, 2], [4, 0, 6]]).cummax(1),
    lambda m: m.tensor([[1, 5, 2], [4, 0, 6]], dtype=m.int8).cummin(-2),
    lambda m: m.tensor([False, True, False]).cummax(0),
    lambda m: m.tensor(2.0).cummax(0),
    lambda m: m.zeros(0, 2).cummin(1),
    lambda m: m.tensor([2.0, 1.0]).cummax(0).indices,
    lambda m: repr(m.tensor([2.0, 1.0]).cummin(0)).replace("torch.", "minitorch_ref."),
    lambda m: m.ones(2).cummax(1),
    lambda m: m.ones(2).cummin(1.5),
])
def test_cummax_cummin_values_and_indices(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("build, values", [
    (lambda m, x: x.cummax(0), [1.0, 3.0, 3.0, 2.0, 5.0]),
    (lambda m, x: m.cummin(x, 1), [[3.0, 1.0, 1.0], [0.0, 2.0, -1.0]]),
    (lambda m, x: m.cummax(x, 0), [[1.0, NAN], [2.0, 0.0], [NAN, 5.0]]),
    (lambda m, x: x.cummin(0), 4.0),
])
def test_cummax_cummin_gradient_goes_to_the_running_winner(build, values):
    assert_matches_torch(lambda m: _gradient(m, build, values))


# --------------------------------------------------------------------------- logcumsumexp
@pytest.mark.parametrize("call", [
    lambda m: m.logcumsumexp(m.tensor([1.0, 2.0, -1.0]), 0),
    lambda m: m.logcumsumexp(m.tensor([[100.0, 100.0], [-100.0, 90.0]], dtype=m.float64), 1),  # no overflow
    lambda m: m.logcumsumexp(m.tensor([-INF, -INF, 1.0, INF]), 0),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float16).logcumsumexp(0),
    lambda m: m.logcumsumexp(m.tensor([1, 2]), 0),
    lambda m: m.logcumsumexp(m.tensor([1.0]), 1),
    lambda m: _gradient(m, lambda m, x: x.logcumsumexp(1), [[1.0, 2.0, -1.0], [0.0, 0.0, 3.0]]),
    lambda m: _gradient(m, lambda m, x: m.logcumsumexp(x, 0), 2.0),
])
def test_logcumsumexp(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- unique_consecutive
@pytest.mark.parametrize("call", [
    lambda m: m.unique_consecutive(m.tensor([1, 1, 2, 2, 3, 1, 1, 2])),
    lambda m: m.unique_consecutive(m.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_inverse=True, return_counts=True),
    lambda m: m.unique_consecutive(m.tensor([[1, 1], [2, 2]]), return_inverse=True),
    lambda m: m.tensor([[1, 1, 2], [1, 1, 3]]).unique_consecutive(dim=1, return_inverse=True, return_counts=True),
    lambda m: m.unique_consecutive(m.tensor([NAN, NAN, 1.0, 1.0]), return_counts=True),  # each nan its own run
    lambda m: m.unique_consecutive(m.tensor(1.0), return_inverse=True, return_counts=True),
    lambda m: m.unique_consecutive(m.zeros(0), return_inverse=True, return_counts=True),
    lambda m: m.unique_consecutive(m.zeros(0, 3), True, True, dim=0),
    lambda m: m.unique_consecutive(m.zeros(0, 3), dim=1),
    lambda m: m.unique_consecutive(m.tensor(1), dim=0),
    lambda m: m.unique_consecutive(m.tensor([1.0, 1.0], requires_grad=True)),
])
def test_unique_consecutive(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- searchsorted / bucketize
BOUNDS = [1.0, 3.0, 3.0, 7.0]


@pytest.mark.parametrize("call", [
    lambda m: m.searchsorted(m.tensor(BOUNDS), m.tensor([[0.0, 3.0, 6.0], [7.0, 8.0, 1.0]])),
    lambda m: m.searchsorted(m.tensor(BOUNDS), m.tensor([3.0, 0.0, 9.0]), right=True),
    lambda m: m.searchsorted(m.tensor(BOUNDS), m.tensor([3.0, 0.0]), side="right"),
    lambda m: m.searchsorted(m.tensor(BOUNDS), m.tensor([3.0]), right=False, side="left"),
    lambda m: m.searchsorted(m.tensor([5.0, 1.0, 3.0]), m.tensor([2.0, 4.0, 6.0]), sorter=m.tensor([1, 2, 0])),
    lambda m: m.searchsorted(m.tensor([1.0, 3.0]), m.tensor([2.0]), out_int32=True),
    lambda m: m.searchsorted(m.tensor([1.0, 3.0]), 2.0),
    lambda m: m.searchsorted(m.tensor([1, 3]), 3, right=True),
    lambda m: m.searchsorted(m.tensor([[1.0, 3.0], [2.0, 4.0]]), m.tensor([[2.5, 0.0], [2.5, 5.0]])),
    lambda m: m.searchsorted(m.tensor([3.0, 1.0, 2.0, 0.0, 5.0]), m.tensor([2.0, 0.5, 4.0])),  # unsorted: torch's search
    lambda m: m.searchsorted(m.tensor([1.0, NAN]), m.tensor([NAN, 2.0, 0.0])),
    lambda m: m.searchsorted(m.tensor([1, 3]), m.tensor([2.0])),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.zeros(2, 0)),
    lambda m: m.searchsorted(m.zeros(0), m.tensor([1.0])),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0], requires_grad=True), m.tensor([1.5], requires_grad=True)),
])
def test_searchsorted(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.searchsorted(m.tensor([1.0, 3.0]), m.tensor([3.0]), side="up"),
    lambda m: m.searchsorted(m.tensor([1.0, 3.0]), m.tensor([3.0]), right=True, side="left"),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.0]), sorter=m.tensor([0])),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.0]), sorter=m.tensor([0.0, 1.0])),
    lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.0]), sorter=m.tensor([0, 5])),
    lambda m: m.searchsorted(m.tensor(1.0), m.tensor([2.0])),
    lambda m: m.searchsorted(m.tensor([[1.0, 3.0], [2.0, 4.0]]), m.tensor([2.5])),
    lambda m: m.searchsorted(m.tensor([[1.0, 3.0], [2.0, 4.0]]), 2.0),
    lambda m: m.searchsorted(m.tensor([True, False]), m.tensor([True])),
])
def test_searchsorted_checks_as_torch(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.bucketize(m.tensor([[0.0, 3.0, 6.0], [7.0, 8.0, 1.0]]), m.tensor([1.0, 3.0, 5.0, 7.0])),
    lambda m: m.bucketize(m.tensor([3.0, 0.0]), m.tensor(BOUNDS), right=True),
    lambda m: m.bucketize(m.tensor([3.0]), m.tensor([1.0, 3.0]), out_int32=True),
    lambda m: m.bucketize(3.0, m.tensor([1.0, 3.0])),
    lambda m: m.bucketize(m.tensor(2.0), m.tensor([1.0, 3.0])),
    lambda m: m.bucketize(m.tensor([3.0]), m.tensor([[1.0, 3.0]])),
    lambda m: m.bucketize(m.tensor([3.0]), m.tensor(1.0)),
])
def test_bucketize(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- diag_embed, diag, tril/triu
@pytest.mark.parametrize("call", [
    lambda m: m.diag_embed(m.tensor([[1.0, 2.0], [3.0, 4.0]])),
    lambda m: m.diag_embed(m.tensor([1, 2]), 1, 0, 1),
    lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]).diag_embed(-1, 0, 2),
    lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]).diag_embed(offset=2, dim1=-1, dim2=0),
    lambda m: _gradient(m, lambda m, x: m.diag_embed(x, 1), [[1.0, 2.0], [3.0, 4.0]]),
    lambda m: m.diag_embed(m.tensor(1.0)),
    lambda m: m.diag_embed(m.ones(2), 0, 0, 0),
    lambda m: m.diag_embed(m.ones(2), 0, 0, 2),
])
def test_diag_embed(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.ones(2, 3).tril(1.5),
    lambda m: m.ones(2, 3).triu(-1.0),
    lambda m: m.ones(2).diag(1.5),
    lambda m: m.ones(2, 2).diag(1.0),
    lambda m: m.diagonal(m.ones(2, 2), 1.5),
])
def test_tril_triu_diag_diagonal_read_the_offset_as_an_int(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- histc
@pytest.mark.parametrize("call", [
    lambda m: m.histc(m.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=3),
    lambda m: m.histc(m.tensor([1.0, 2.0, 1.0, 4.0]), bins=3),  # the data's range, max in the last bin
    lambda m: m.histc(m.tensor([1.0, 1.0]), bins=4),  # one point: widened by 1 each way
    lambda m: m.tensor([0.5, 1.5, 2.0, -1.0, NAN], dtype=m.float64).histc(2, 0, 2),
    lambda m: m.tensor([0.1, 0.2, 0.3, 0.7], dtype=m.float16).histc(3, 0, 1),
    lambda m: m.tensor([0.5, 1.5], requires_grad=True).histc(2, 0, 2),
    lambda m: m.zeros(0).histc(2),
    lambda m: m.histc(m.tensor([1, 2]), bins=4),
    lambda m: m.histc(m.tensor([1.0, 2.0]), bins=4, min=3, max=1),
    lambda m: m.histc(m.tensor([1.0, 2.0]), bins=0),
    lambda m: m.histc(m.tensor([1.0, INF]), bins=2),
    lambda m: m.histc(m.tensor([1.0, 2.0]), 3.5),
    lambda m: m.tensor([1.0, 2.0]).histc(3.5),
])
def test_histc(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- sort, argsort, out=
@pytest.mark.parametrize("call", [
    lambda m: m.ones(2).sort(0, False, True),
    lambda m: m.ones(2).argsort(0, False, True),
])
def test_sort_takes_stable_by_keyword_only(call):
    """torch's parser words this TypeError oddly ('takes from 1 to 0 positional arguments'): same type."""
    assert_matches_torch(call, same_message=False)


def test_sort_with_stable_none_is_the_stable_overload():
    assert_matches_torch(lambda m: m.sort(m.tensor([2.0, 1.0], requires_grad=True), stable=None, descending=True))


@pytest.mark.parametrize("call", [
    lambda m: _out(m, lambda m, out: m.sort(m.tensor([2.0, 1.0, 3.0]), out=out), "float32", "int64"),
    lambda m: _out(m, lambda m, out: m.sort(m.tensor([[2, 1], [0, 3]]), 0, True, out=out), "int64", "int64"),
    lambda m: _out(m, lambda m, out: m.topk(m.tensor([2.0, 1.0, 3.0]), 2, out=out), "float32", "int64"),
    lambda m: _out(m, lambda m, out: m.cumsum(m.tensor([1.0, 2.0]), 0, out=out), "float32"),
    lambda m: _out(m, lambda m, out: m.cumprod(m.tensor([1, 2, 3]), 0, out=out), "int64"),
    lambda m: _out(m, lambda m, out: m.cumsum(m.tensor([1, 2]), 0, out=out), "float32"),  # (out's dtype)
    lambda m: _out(m, lambda m, out: m.cumprod(m.tensor([1.5, 2.0]), 0, out=out), "int32"),
    lambda m: _out(m, lambda m, out: m.cumsum(m.tensor([1.5, 2.0]), 0, dtype=m.float64, out=out), "float64"),
    lambda m: _out(m, lambda m, out: m.cummax(m.tensor([1.5, 2.0, 0.0]), 0, out=out), "float32", "int64"),
    lambda m: _out(m, lambda m, out: m.cummin(m.tensor([1, 0, 2]), 0, out=out), "int64", "int64"),
    lambda m: _out(m, lambda m, out: m.logcumsumexp(m.tensor([1.5, 2.0]), 0, out=out), "float32"),
    lambda m: _out(m, lambda m, out: m.histc(m.tensor([1.5, 0.5]), 2, out=out), "float32"),
    lambda m: _out(m, lambda m, out: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.5]), out=out), "int64"),
    lambda m: _out(m, lambda m, out: m.bucketize(m.tensor([[1.5]]), m.tensor([1.0, 2.0]), out_int32=True, out=out),
                   "int32"),
])
def test_sort_topk_cumsum_cumprod_write_out(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- guards of rewritten code
@pytest.mark.parametrize("call", [
    lambda m: m.diag(m.tensor([1.0, 2.0]), 1),
    lambda m: _gradient(m, lambda m, x: m.diag(x, -2), [1.0, 2.0]),
    lambda m: m.unique(m.zeros(0, 3), dim=1),
    lambda m: m.unique(m.zeros(0, 0), dim=0),
])
def test_guard_diag_of_a_vector_and_unique_checks(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- isin, tril/triu_indices, fliplr/flipud
@pytest.mark.parametrize("call", [
    lambda m: m.isin(m.tensor([1, 2, 3]), m.tensor([2, 5])),
    lambda m: m.isin(m.tensor([[1, 2], [3, 4]]), m.tensor([2, 5]), invert=True),
    lambda m: m.isin(m.tensor([1.0, NAN]), m.tensor([NAN, 1.0])),  # nan is in nothing
    lambda m: m.isin(2, m.tensor([2])),
    lambda m: m.isin(m.tensor([2, 3]), 2),
    lambda m: m.isin(m.tensor([1, 2]), m.tensor([2.0])),
    lambda m: m.isin(m.tensor([1.0, 2.0], requires_grad=True), m.tensor([2.0])),
    lambda m: m.isin(m.tensor([[1, 2]]), m.tensor([[2]]), assume_unique=True),
    lambda m: m.isin(m.ones(2), m.zeros(0)),
    lambda m: _out(m, lambda m, out: m.isin(m.tensor([1, 2]), m.tensor([2]), out=out), "bool"),
    lambda m: m.isin(m.tensor([1, 2]), m.tensor([True])),
    lambda m: m.isin(2, 2),
])
def test_isin(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.tril_indices(3, 4, 1),
    lambda m: m.tril_indices(3, 3, -1),
    lambda m: m.tril_indices(0, 3),
    lambda m: m.triu_indices(3, 3),
    lambda m: m.triu_indices(2, 4, 10),
    lambda m: m.triu_indices(2, 4, -10),
    lambda m: m.tril_indices(3, 3, dtype=m.int32),
    lambda m: m.tril_indices(3, 3, dtype=m.float32),
    lambda m: m.triu_indices(3, 3, dtype=m.uint8),
    lambda m: m.tril_indices(-1, 3),
    lambda m: m.triu_indices(3, -2),
    lambda m: m.tril_indices(3, 3, 1.5),
])
def test_tril_triu_indices(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.fliplr(m.arange(6).reshape(2, 3)),
    lambda m: m.arange(6.0).reshape(2, 3).flipud(),
    lambda m: m.fliplr(m.zeros(0, 2)),
    lambda m: _gradient(m, lambda m, x: m.flipud(x), [1.0, 2.0, 3.0]),
    lambda m: _gradient(m, lambda m, x: x.fliplr(), [[1.0, 2.0], [3.0, 4.0]]),
    lambda m: m.fliplr(m.arange(4)),
    lambda m: m.flipud(m.tensor(1.0)),
])
def test_fliplr_flipud(call):
    assert_matches_torch(call)


@pytest.mark.parametrize("call", [
    lambda m: m.rot90(m.arange(6).reshape(2, 3)),
    lambda m: m.arange(6.0).reshape(2, 3).rot90(-7, [1, 0]),
    lambda m: m.rot90(m.arange(24).reshape(2, 3, 4), 2, (2, 0)),
    lambda m: m.rot90(m.zeros(0, 3), 3),
    lambda m: _gradient(m, lambda m, x: m.rot90(x, 1, [0, 1]), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    lambda m: _gradient(m, lambda m, x: x.rot90(0), [[1.0, 2.0], [3.0, 4.0]]),
    lambda m: m.rot90(m.ones(2), 1, [0]),
    lambda m: m.rot90(m.ones(2), 1, [0, 0]),
    lambda m: m.rot90(m.ones(2, 2), 1, [0, -2]),
    lambda m: m.rot90(m.ones(2, 2), 1, [0, 2]),
    lambda m: m.rot90(m.ones(2, 2), 1, [0, 1, 2]),
])
def test_rot90(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- cumsum of a 0-d tensor
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_cumsum_of_a_zero_dim_negative_zero_keeps_its_sign(dtype):
    """torch copies a 0-d tensor's value (its accumulator, which starts at +0, is not used): -0.0 stays -0.0, and
    log2 of it gives a gradient of -inf (the thorough fuzz, seed 462); along a real dim -0.0 becomes +0.0."""
    def program(m):
        x = m.tensor(-0.0, dtype=getattr(m, dtype), requires_grad=True)
        y = x.cumsum(0)
        y.log2().backward()
        return y, x.grad, m.tensor([-0.0], dtype=getattr(m, dtype)).cumsum(0), m.tensor(-0.0).cumsum(0, dtype=m.float64)
    assert_matches_torch(program, exact=True)
