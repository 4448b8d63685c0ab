"""Tensor functions torch 2.13 has and minitorch_ref lacked, differential probe: each case one small program run
on both libraries (`assert_matches_torch`: the same values, dtypes, shapes, requires_grad, grad_fn names and
gradients, or the same exception type and message). What this proves:
- `take_along_dim` (function and method; missing): a `gather` of input and indices broadcast to each other
  outside `dim` (GatherBackward0), a negative index counted from the end, without a dim both read as flat
  rows through `view(-1)` (torch's error for a transposed input, or a negative index), and torch's checks of
  dims, index dtype and broadcasting;
- `select_scatter`, `slice_scatter`, `diagonal_scatter` (missing): a copy with src written into the view, src
  cast to the input's dtype, the input's layout kept, their own backward nodes (the input's gradient zero on
  the view, src's the view's), the view op's errors, then torch's size check; int arguments read at their
  positions in the function and the method;
- `detach_copy` (a node whose backward raises, as torch's) and `alias_copy` (AliasBackward0_copy): row-major copies;
- `Tensor.resize_` / `resize_as_`: the shape row-major from the storage offset, the kept prefix, memory
  shared while it fits, the version bumped only when the shape changes, torch's refusal of a tensor that
  requires grad and of negative sizes; `as_strided_` in place (AsStridedBackward1, a leaf refused);
- `cartesian_prod`, `combinations` (StackBackward0, as torch composes them from `meshgrid`, which now checks
  for no tensors and mixed dtypes), `block_diag` (BlockDiagBackward0, the result dtype of the blocks),
  `cdist` (every p, batch broadcasting, CdistBackward0 and torch's subgradients at ties and zeros; torch's
  matrix-product formula for p = 2 beyond 25 rows or when asked), `vander` (int64 for integers, torch's
  CopySlices / FlipBackward0 graph);
- existing functions: `diff` and `kron` take `out=`, `kron` and `rot90` name their arguments' positions as
  torch's functions do, `bincount` checks its weights and minlength types, `histc` reads the data's range
  whenever min = max, `searchsorted` words a wrong `out` dtype and a 0-d value beside N-D boundaries as
  torch, `bucketize` refuses a list, `tril_indices` / `triu_indices` take `requires_grad`.
"""
from __future__ import annotations

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

RNG = np.random.default_rng(7)
A23, A234 = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3, 4))
INF = float("inf")


def _grads(build, *arrays, dtypes=None, requires=None):
    """A program: `build(m, *leaves)` of leaves made from `arrays` (float32 unless `dtypes`), then the backward
    of the result weighted 1, 2, 3...: (result, each leaf's grad)."""
    def program(m):
        leaves = [m.tensor(a, dtype=getattr(m, (dtypes or ["float32"] * len(arrays))[i]))
                  for i, a in enumerate(arrays)]
        for leaf, wanted in zip(leaves, requires or [True] * len(leaves)):
            leaf.requires_grad_(wanted)
        out = build(m, *leaves)
        if out.requires_grad:
            (out * m.arange(1, out.numel() + 1).reshape(tuple(out.shape)).to(out.dtype)).sum().backward()
        return out, [leaf.grad for leaf in leaves]
    return program


def _index(shape, high):
    return np.asarray(RNG.integers(0, high, shape), dtype=np.int64)


# --------------------------------------------------------------------------- take_along_dim
_IDX_ROWS, _IDX_3D = _index((2, 5), 3), _index((2, 3, 2), 4)


@pytest.mark.parametrize("program", [
    _grads(lambda m, x: m.take_along_dim(x, m.tensor(_IDX_ROWS), 1), A23),
    _grads(lambda m, x: x.take_along_dim(m.tensor(_IDX_ROWS), dim=-1), A23),
    _grads(lambda m, x: m.take_along_dim(x, m.tensor([[0, 2, 2, 1]]), 1), A23),  # (indices broadcast over dim 0)
    _grads(lambda m, x: m.take_along_dim(x, m.tensor([[1], [0], [1]]).reshape(3, 1, 1), 0), A234[:, :1]),
    _grads(lambda m, x: m.take_along_dim(x, m.tensor(_IDX_3D), 2), A234),
    _grads(lambda m, x: m.take_along_dim(x, m.tensor([[-1, -3], [0, -2]]), 1), A23),  # (negative: from the end)
    _grads(lambda m, x: m.take_along_dim(x, m.tensor([[-2, 1, -1]]), 0), A23),
    _grads(lambda m, x: m.take_along_dim(x, m.tensor([[4, 0], [5, -1]])), A23),  # (no dim: flat, negative too)
    lambda m: m.take_along_dim(m.arange(6.).reshape(2, 3), m.tensor([[0], [1], [0]]), 1),  # (cannot broadcast)
    lambda m: m.take_along_dim(m.arange(3.).reshape(1, 3), m.tensor([[0], [2], [1], [0]]), 1),
    lambda m: m.take_along_dim(m.tensor([[1, 2], [3, 4]], dtype=m.int32), m.tensor([[1], [0]]), 1),
    lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([0]), 1),  # (dims differ)
    lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([[0]], dtype=m.int32), 1),  # (not Long)
    lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([[7]])),  # (out of range, flat)
    lambda m: m.take_along_dim(m.ones(2, 3).t(), m.tensor([[0]])),  # (view(-1) of a transposed input)
    lambda m: m.take_along_dim(m.tensor(3.), m.tensor(0)),
    lambda m: m.take_along_dim(m.tensor(3.), m.tensor(0), 0),  # (a 0-d pair has no dim to take along)
    lambda m: m.take_along_dim(m.tensor(3.), m.tensor(0), 1),
    lambda m: m.take_along_dim(m.ones(2, 3), m.zeros(1, 0, dtype=m.int64), 1),
    lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([[0]]), 2),
    lambda m: m.take_along_dim(m.ones(2, 3), m.tensor([[0]]), 1.0),
    lambda m: m.ones(2, 3).take_along_dim(m.tensor([[0]]), 1.0),
    lambda m: m.take_along_dim(m.ones(2, 3), [0]),
    lambda m: m.take_along_dim(m.arange(6.).reshape(2, 3), m.tensor([[0], [1]]), 1, out=m.empty(2, 1)),
])
def test_take_along_dim_matches_torch(program):
    assert_matches_torch(program, contiguity=True)


# --------------------------------------------------------------------------- select / slice / diagonal scatter
@pytest.mark.parametrize("program", [
    _grads(lambda m, x, s: m.select_scatter(x, s, 0, 1), A23, A23[0]),
    _grads(lambda m, x, s: x.select_scatter(s, -1, -1), A234, A234[..., 0]),
    _grads(lambda m, x, s: m.select_scatter(x, s, 0, 1), A23, A23[0], requires=[False, True]),
    _grads(lambda m, x, s: m.select_scatter(x, s, 0, 1), A23, A23[0], dtypes=["float32", "float64"]),
    _grads(lambda m, x, s: m.select_scatter(x, s, 0, 2), A23[0], A23[0, 0]),  # (1-D: src 0-d)
    _grads(lambda m, x, s: m.slice_scatter(x, s), A23, A23 * 2),
    _grads(lambda m, x, s: m.slice_scatter(x, s, 1, 1, None, 2), A234, A234[:, 1::2]),
    _grads(lambda m, x, s: x.slice_scatter(s, dim=-1, start=-3, end=10), A234, A234[..., -3:]),
    _grads(lambda m, x, s: m.slice_scatter(x, s, 1, 2, 1), A23, A23[:, 2:1], dtypes=["float64", "float32"]),
    _grads(lambda m, x, s: m.diagonal_scatter(x, s), A23, A23[0, :2]),
    _grads(lambda m, x, s: m.diagonal_scatter(x, s, -1), A23, A23[0, :1], requires=[True, False]),
    _grads(lambda m, x, s: x.diagonal_scatter(s, offset=1, dim1=2, dim2=0), A234, A234[0, :, :2]),
    lambda m: m.select_scatter(m.arange(6.).reshape(2, 3).t(), m.ones(2), 0, 1).stride(),  # (the input's layout)
    lambda m: m.slice_scatter(m.arange(6.).reshape(2, 3).t(), m.ones(1, 2), 0, 1, 2).stride(),
    lambda m: m.select_scatter(m.tensor([[1, 2], [3, 4]]), m.tensor([0.5, 1.5]), 0, 0),  # (src cast)
    lambda m: m.slice_scatter(m.tensor([True, False]), m.tensor([5]), 0, 1),
    lambda m: m.diagonal_scatter(m.zeros(2, 2, dtype=m.float16), m.tensor([1.0, 2.0])),
    lambda m: m.select_scatter(m.ones(2, 3), m.ones(2), 0, 1),  # (src's size)
    lambda m: m.select_scatter(m.ones(2, 3), m.ones(3), 0, 2),  # (select's errors first)
    lambda m: m.select_scatter(m.ones(2, 3), m.ones(3), 2, 0),
    lambda m: m.select_scatter(m.tensor(1.), m.tensor(2.), 0, 0),
    lambda m: m.select_scatter(m.ones(2, 3), m.tensor(5.), 0, 0),  # (no broadcasting of src)
    lambda m: m.select_scatter(m.ones(2, 3), 1, 0, 0),
    lambda m: m.ones(2, 3).select_scatter(1, 0, 0),
    lambda m: m.select_scatter(m.ones(2, 3), m.ones(3), 0, 1.0),
    lambda m: m.ones(2, 3).select_scatter(m.ones(3), 0, 1.0),
    lambda m: m.select_scatter(m.ones(2, 3), m.ones(3), 0, m.tensor(1)),
    lambda m: m.slice_scatter(m.tensor(1.), m.tensor(2.)),
    lambda m: m.slice_scatter(m.ones(2, 3), m.ones(2, 2), 1, 0, 3, 0),
    lambda m: m.slice_scatter(m.ones(2, 3), m.ones(2, 2), 1, 0, 3, -1),
    lambda m: m.slice_scatter(m.ones(2, 3), m.ones(2, 2), 1),
    lambda m: m.slice_scatter(m.ones(2, 3), m.ones(2, 2), 1, 1.0),
    lambda m: m.ones(2, 3).slice_scatter(m.ones(2, 2), 1, None, None, 1.5),
    lambda m: m.diagonal_scatter(m.ones(2, 3), m.ones(2), 0, 1, 1),
    lambda m: m.diagonal_scatter(m.ones(3), m.ones(2)),
    lambda m: m.diagonal_scatter(m.ones(2, 3), m.ones(3)),
    lambda m: m.diagonal_scatter(m.ones(2, 3), m.ones(0), 5),
    lambda m: m.diagonal_scatter(m.ones(2, 3), m.ones(2), 0.5),
    lambda m: m.diagonal_scatter(1, m.ones(2)),
])
def test_scatters_into_views_match_torch(program):
    assert_matches_torch(program, contiguity=True)


def test_scatter_leaves_its_input_alone():
    """The result is a new tensor: the input keeps its values (no view, no write)."""
    def program(m):
        x = m.zeros(2, 3)
        out = m.select_scatter(x, m.ones(3), 0, 1)
        out.add_(1)
        return x, out, out._base is None
    assert_matches_torch(program)


# --------------------------------------------------------------------------- detach_copy / alias_copy
@pytest.mark.parametrize("name", ["detach_copy", "alias_copy"])
@pytest.mark.parametrize("program", [
    lambda m, f: f(m.tensor(A23, requires_grad=True)),
    lambda m, f: f(m.tensor(A23[0, 0], requires_grad=True) * 2),
    lambda m, f: f(m.tensor([[1, 2], [3, 4]])),
    lambda m, f: f(m.arange(6.).reshape(2, 3).t()),  # (row-major copies)
    lambda m, f: (lambda x: (f(x).data_ptr() == x.data_ptr(), f(x).is_leaf))(m.ones(3, requires_grad=True)),
    lambda m, f: _grads(lambda m, x: f(x * 2), A23)(m),  # (detach_copy's backward raises)
    lambda m, f: f(1.0),
])
def test_detach_copy_and_alias_copy_match_torch(name, program):
    assert_matches_torch(lambda m: program(m, getattr(m, name)), contiguity=True)


# --------------------------------------------------------------------------- resize_ / resize_as_ / as_strided_
def _resized(make, *size, layout=None, **options):
    """A program: `make(m).resize_(*size)` (in the memory format named `layout`): (whether it returned itself,
    its shape, strides, storage offset, version, and its first elements up to the old count: what torch
    defines)."""
    def program(m):
        x = make(m)
        kept = min(x.numel(), int(np.prod(size[0] if len(size) == 1 and isinstance(size[0], tuple) else size)))
        asked = options if layout is None else dict(options, memory_format=getattr(m, layout))
        same = x.resize_(*size, **asked) is x
        return same, tuple(x.shape), x.stride(), x.storage_offset(), x._version, x.reshape(-1)[:kept].tolist()
    return program


@pytest.mark.parametrize("program", [
    _resized(lambda m: m.arange(6.), 2, 3),
    _resized(lambda m: m.arange(6.), 2, 2),  # (smaller: the first elements)
    _resized(lambda m: m.arange(6, dtype=m.int32), (3, 4)),  # (larger: the old ones kept)
    _resized(lambda m: m.arange(6.).reshape(2, 3), [0]),
    _resized(lambda m: m.arange(6.).reshape(2, 3), ()),
    _resized(lambda m: m.arange(6.).reshape(2, 3), 6),  # (the same count, another shape)
    _resized(lambda m: m.arange(6.).reshape(2, 3), 2, 3),  # (the same shape: nothing changes, no new version)
    _resized(lambda m: m.arange(10.)[2:8], 2, 2),  # (from its storage offset)
    _resized(lambda m: m.arange(10.)[2:8], 3, 3),
    _resized(lambda m: m.arange(6.).reshape(2, 3).t(), 3, 2),  # (the same shape: still transposed)
    _resized(lambda m: m.arange(6.).reshape(2, 3).t(), 2, 3),  # (memory order, row-major)
    _resized(lambda m: m.tensor([True, False]), 2, 1),
    _resized(lambda m: m.arange(6.), size=(3,)),
    _resized(lambda m: m.arange(6.), 3, memory_format=None),
    _resized(lambda m: m.arange(6.), 3, layout="contiguous_format"),
    _resized(lambda m: m.arange(24.), 1, 2, 3, 4, layout="channels_last"),
    _resized(lambda m: m.arange(24.).reshape(1, 2, 3, 4), 1, 2, 3, 4, layout="channels_last"),  # (restrided)
    _resized(lambda m: m.arange(6.).reshape(2, 3).t(), 3, 2, layout="contiguous_format"),
    lambda m: m.ones(2).resize_(3, memory_format=m.preserve_format),
    lambda m: m.ones(2, 3).resize_(3, 2, memory_format=m.channels_last),
    lambda m: (lambda b: (b[1:].resize_(2, 2).fill_(7), b.tolist())[1])(m.arange(6.)),  # (memory still shared)
    lambda m: (lambda x: (x.resize_as_(m.ones(3, 1)).shape, x.stride()))(m.arange(6.)),
    lambda m: m.ones(2).resize_as_(m.ones(2, 2, requires_grad=True)).shape,
    lambda m: m.ones(2, requires_grad=True).resize_(3),
    lambda m: m.ones(2, requires_grad=True).resize_(2),
    lambda m: (m.ones(2, requires_grad=True) * 2).resize_(3),
    lambda m: m.ones(2, requires_grad=True).resize_as_(m.ones(3)),
    lambda m: m.ones(2).resize_(-1),
    lambda m: m.ones(2).resize_(2, -3),
    lambda m: m.ones(2).resize_(3.0),
    lambda m: m.ones(2).resize_(),
    lambda m: m.ones(2).resize_as_(3),
])
def test_resize_matches_torch(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("size, stride, offset", [
    ((2, 2), (1, 2), None), ((3,), (2,), 0), ((2,), (1,), 3), ((0,), (1,), 5), ((), (), 2)])
def test_as_strided_in_place_matches_torch(size, stride, offset):
    def in_place(m):
        x = m.arange(6.)
        return x.as_strided_(size, stride, offset) is x, x, x.stride(), x.storage_offset(), x._version

    def function_and_gradient(m):
        leaf = m.arange(6., requires_grad=True)
        y = leaf * 1
        m.as_strided_(y, size, stride, offset)
        (y * m.arange(1., y.numel() + 1).reshape(size)).sum().backward()
        return y, leaf.grad
    assert_matches_torch(in_place)
    assert_matches_torch(function_and_gradient)


@pytest.mark.parametrize("program", [
    lambda m: m.ones(4, requires_grad=True).as_strided_((2,), (1,)),
    lambda m: m.ones(4).as_strided_((3,), (2,)),
    lambda m: m.ones(4).as_strided_((2, 2), (1,)),
    lambda m: (lambda b: (b[1:].as_strided_((2,), (2,)), b))(m.arange(6.)),
])
def test_as_strided_in_place_errors_and_views_match_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- cartesian_prod / combinations
@pytest.mark.parametrize("program", [
    _grads(lambda m, a, b: m.cartesian_prod(a, b), A23[0], A23[1, :2]),
    _grads(lambda m, a, b, c: m.cartesian_prod(a, b, c), A23[0], A23[1, :1], A23[1]),
    _grads(lambda m, a, b: m.cartesian_prod(a, b), A23[0, :0], A23[1]),
    _grads(lambda m, a: m.cartesian_prod(a), A23[0]),
    lambda m: (lambda x: m.cartesian_prod(x) is x)(m.ones(2)),
    lambda m: m.cartesian_prod(m.tensor([1, 2]), m.tensor([3, 4, 5])),
    lambda m: m.cartesian_prod(m.tensor([True, False]), m.tensor([False])),
    lambda m: m.cartesian_prod(),
    lambda m: m.cartesian_prod(m.ones(2, 2)),
    lambda m: m.cartesian_prod(m.ones(2), m.tensor(1.)),
    lambda m: m.cartesian_prod(m.ones(2), m.ones(2, dtype=m.int64)),
    lambda m: m.cartesian_prod(m.ones(2), 3),
    lambda m: m.meshgrid(),
    lambda m: m.meshgrid(m.ones(2), m.ones(2, dtype=m.float64)),
])
def test_cartesian_prod_matches_torch(program):
    assert_matches_torch(program, contiguity=True)


@pytest.mark.parametrize("n, r", [(0, 2), (1, 1), (3, 0), (3, 1), (3, 2), (4, 3), (3, 4), (5, 2)])
@pytest.mark.parametrize("with_replacement", [False, True])
def test_combinations_match_torch(n, r, with_replacement):
    values = A234.reshape(-1)[:n]
    assert_matches_torch(_grads(lambda m, x: m.combinations(x, r, with_replacement), values), contiguity=True)
    assert_matches_torch(lambda m: m.combinations(m.tensor((values * 3).astype(np.int64)), r=r,
                                                  with_replacement=with_replacement))


@pytest.mark.parametrize("program", [
    lambda m: m.combinations(m.ones(2, 2)),
    lambda m: m.combinations(m.tensor(1.)),
    lambda m: m.combinations(m.ones(3), -1),
    lambda m: m.combinations(m.tensor([True, False, True])),
    lambda m: m.combinations(m.ones(3, requires_grad=True), 0),
    lambda m: m.combinations(3),
])
def test_combinations_edges_match_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- block_diag
@pytest.mark.parametrize("program", [
    _grads(lambda m, a: m.block_diag(a), A23),
    _grads(lambda m, a, b, c: m.block_diag(a, b, c), A23[0, 0], A23[1], A23[:, :2]),
    _grads(lambda m, a, b: m.block_diag(a, b), A23[:0], A23[:, :0]),
    _grads(lambda m, a, b, c: m.block_diag(a, b, c), A23[:1, :1], A23[0, :0], A23[:, :1]),
    _grads(lambda m, a, b: m.block_diag(a, b), A23, A23[0], dtypes=["float32", "float64"]),
    lambda m: m.block_diag(),
    lambda m: m.block_diag(m.ones(2), m.ones(2, 2, 2)),
    lambda m: m.block_diag(m.tensor([1, 2]), m.tensor(3.)),
    lambda m: m.block_diag(m.tensor([1., 2.]), m.tensor(3., dtype=m.float64)),
    lambda m: m.block_diag(m.tensor([True]), m.tensor([3], dtype=m.int8)),
    lambda m: m.block_diag(m.tensor([1], dtype=m.uint8), m.tensor([3], dtype=m.int8)),
    lambda m: m.block_diag([1, 2]),
    lambda m: m.block_diag(m.ones(2), 3),
])
def test_block_diag_matches_torch(program):
    assert_matches_torch(program, contiguity=True)


# --------------------------------------------------------------------------- cdist
TIES = np.round(A234.reshape(6, 4)[:, :3] * 2) / 2


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, INF])
@pytest.mark.parametrize("a, b", [
    (A23, A234[0, :, :3]), (A234[:1], A234), (A234[:, None], A234[0]),
    (A234[:, :0], A234[0]), (A23[:, :0], A23[:1, :0]), (TIES, TIES[::-1].copy()), (TIES, TIES)])
def test_cdist_matches_torch(p, a, b):
    """Every p, batch dims broadcast, empty inputs, and torch's subgradients at ties and at zero distance."""
    assert_matches_torch(_grads(lambda m, x, y: m.cdist(x, y, p), a, b, dtypes=["float64", "float64"]))
    assert_matches_torch(_grads(lambda m, x, y: m.cdist(x, y, p=p), a, b, requires=[False, True]),
                         tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("a, b, mode", [
    (A234.reshape(-1, 3)[:30], A23, "use_mm_for_euclid_dist_if_necessary"),  # (30 rows: the matrix product)
    (A234.reshape(2, -1, 1)[:, :26], A23[:1, :, None], "use_mm_for_euclid_dist_if_necessary"),
    (A23, A234[0, :, :3], "use_mm_for_euclid_dist"),
    (A234.reshape(-1, 3)[:30], A23, "donot_use_mm_for_euclid_dist"),
])
def test_cdist_by_matrix_product_matches_torch(a, b, mode):
    assert_matches_torch(_grads(lambda m, x, y: m.cdist(x, y, compute_mode=mode), a, b, dtypes=["float64"] * 2))


@pytest.mark.parametrize("program", [
    lambda m: m.cdist(m.ones(3), m.ones(2, 3)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(3)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 4)),
    lambda m: m.cdist(m.ones(2, 3, dtype=m.int64), m.ones(2, 3, dtype=m.int64)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3, dtype=m.bool)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3, dtype=m.float64)),
    lambda m: m.cdist(m.ones(30, 3), m.ones(2, 3, dtype=m.float64)),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), -1),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), float("nan")),
    lambda m: m.cdist(m.ones(2, 3), m.ones(2, 3), compute_mode="foo"),
    lambda m: m.cdist(m.ones(2, 2, 3), m.ones(3, 4, 3)),
    lambda m: m.cdist(m.ones(2, 3, dtype=m.float16), m.ones(2, 3, dtype=m.float16)),
    lambda m: m.cdist(m.ones(2, 3), 1),
    lambda m: m.cdist(m.ones(2, 3), m.zeros(2, 3), "1"),
    lambda m: m.cdist(m.arange(6.).reshape(3, 2).t(), m.ones(2, 3)),
    lambda m: m.cdist(m.tensor([[float("nan"), 1.]]), m.ones(2, 2)),
])
def test_cdist_edges_match_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- vander
@pytest.mark.parametrize("n", [0, 1, 4])
@pytest.mark.parametrize("N", [None, 0, 1, 2, 5])
@pytest.mark.parametrize("increasing", [False, True])
def test_vander_matches_torch(n, N, increasing):
    """Values and torch's graph (FlipBackward0, or CopySlices; none for fewer than two columns), and torch's
    backward: its running product saved a view of the result that it then overwrote (an error, naming it)."""
    values = np.array([0.5, -1.0, 0.0, 2.0])[:n]
    assert_matches_torch(_grads(lambda m, x: m.vander(x, N, increasing), values), contiguity=True, drop_hints=True)


@pytest.mark.parametrize("program", [
    lambda m: m.vander(m.tensor([1, 2, 3], dtype=m.int8)),
    lambda m: m.vander(m.tensor([True, False]), increasing=True),
    lambda m: m.vander(m.tensor([2.0, 3.0], dtype=m.float16), 3),
    lambda m: m.vander(m.tensor([3, 5], dtype=m.uint8), 30),
    lambda m: m.vander(m.ones(2, 2)),
    lambda m: m.vander(m.tensor(1.)),
    lambda m: m.vander(m.ones(2), -1),
    lambda m: m.vander(2),
])
def test_vander_edges_match_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- functions that existed
@pytest.mark.parametrize("program", [
    lambda m: m.diff(m.arange(5.), out=m.empty(4)),
    lambda m: m.diff(m.tensor([1, 4, 9]), n=2, out=m.empty(0, dtype=m.int64)),
    lambda m: m.kron(m.ones(2), m.arange(3.), out=m.empty(6)),
    lambda m: m.kron(m.ones(2), 2),
    lambda m: m.rot90(m.ones(3, 3), 1.5),
    lambda m: m.bincount(m.tensor([1, 2]), None, 2.0),
    lambda m: m.bincount(m.tensor([1, 2]), [1., 2.]),
    lambda m: m.histc(m.tensor([0., 1., 2., 5.]), 3, 1, 1),  # (min = max: the data's range)
    lambda m: m.histc(m.tensor([2., 3., 2.5]), 4, 5, 5),
    lambda m: m.histc(m.tensor([2., 2.]), 3, 2, 2),
    lambda m: m.histc(m.tensor([]), 3, 1, 1),
    lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.5]), out=m.empty(1, dtype=m.int32)),
    lambda m: m.searchsorted(m.tensor([1., 2.]), m.tensor([1.5]), out_int32=True, out=m.empty(1, dtype=m.int64)),
    lambda m: m.searchsorted(m.tensor([[1., 2.]]), m.tensor(1.5)),
    lambda m: m.bucketize([1.], m.tensor([1., 2.])),
    lambda m: m.tril_indices(3, 3, requires_grad=False),
    lambda m: m.triu_indices(3, 3, requires_grad=True),
    lambda m: m.tril_indices(3, 3, dtype=m.float32, requires_grad=True),
])
def test_existing_functions_match_torch(program):
    assert_matches_torch(program, warnings=True)
