"""Parity: what a learner does with a sparse weight gradient (`nn.EmbeddingBag`/`nn.Embedding`
with `sparse=True`), minitorch_ref's `RowSparseGrad` against torch's sparse COO tensor.

torch's gradient is uncoalesced (one row per token) and ours coalesced (one row per id), on
purpose: values are compared through `to_dense()`, never row by row. Shape queries,
copies and dtype conversions, arithmetic with numbers and with other gradients, dense +
sparse, reductions (`sum`, `norm`), `zero_()` and the errors torch raises (`numpy()`,
`item()`, `tolist()`, `sparse + dense`) must agree.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_nn_modules import assert_close, build, same_error

IDS, OFFSETS = np.array([1, 4, 1, 2, 4, 4]), np.array([0, 2, 5])


def grads(kind: str, dtype: Any = np.float32) -> tuple:
    """The weight gradients (minitorch_ref, torch) of the same layer after the same backward."""
    def layer(lib):
        if kind == "bag":
            return lib.nn.EmbeddingBag(6, 3, mode="sum", sparse=True)
        return lib.nn.Embedding(6, 3, sparse=True)
    a, b = build(layer, dtype)
    upstream = np.random.default_rng(0).standard_normal((3 if kind == "bag" else len(IDS), 3)).astype(dtype)
    for lib, model in ((mt, a), (torch, b)):
        ids = lib.from_numpy(IDS.copy())
        out = model(ids, lib.from_numpy(OFFSETS.copy())) if kind == "bag" else model(ids)
        (out * lib.from_numpy(upstream.copy())).sum().backward()
    return a.weight.grad, b.weight.grad


KINDS = pytest.mark.parametrize("kind", ["bag", "embedding"])


def same_dense(a: Any, b: Any, tol: float = 1e-5) -> None:
    """Same dtype and values once both are dense (within float32's tolerance: the two libraries sum
    a row's repeated tokens in different orders, and a float64 copy keeps that float32 rounding)."""
    assert a.is_sparse and b.is_sparse
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(a.to_dense()._data, b.to_dense().numpy(), rtol=tol, atol=tol)


@KINDS
def test_shape_queries(kind):
    a, b = grads(kind)
    for name in ("sparse_dim", "dense_dim", "dim", "numel", "nelement", "is_floating_point", "element_size",
                 "get_device"):
        assert getattr(a, name)() == getattr(b, name)(), name
    assert (a.ndim, len(a), a.is_leaf, a.is_cuda) == (b.ndim, len(b), b.is_leaf, b.is_cuda)
    assert a.type() == b.type().replace("torch.", "minitorch_ref.", 1)
    assert a.double().type() == b.double().type().replace("torch.", "minitorch_ref.", 1)


@KINDS
def test_copies_and_conversions(kind):
    a, b = grads(kind)
    for fn in (lambda g, lib: g.clone(), lambda g, lib: g.detach(), lambda g, lib: g.data,
               lambda g, lib: g.cpu(), lambda g, lib: g.to("cpu"), lambda g, lib: g.to(lib.float64),
               lambda g, lib: g.to(dtype=lib.float64), lambda g, lib: g.double(), lambda g, lib: g.float()):
        same_dense(fn(a, mt), fn(b, torch))
    same_dense(a.half(), b.half(), tol=1e-3)
    for g in (a, b):  # a clone is independent
        g.clone().mul_(10)
    same_dense(a, b)


@KINDS
def test_arithmetic_with_numbers_and_gradients(kind):
    ops: list[Callable] = [lambda g: g * 2, lambda g: 2 * g, lambda g: g / 4, lambda g: -g, lambda g: g - g * 3,
                           lambda g: g.mul(3), lambda g: g.add(g, alpha=2), lambda g: g.coalesce().abs(), lambda g: g.neg(),
                           lambda g: g * torch.tensor(2.0) if isinstance(g, torch.Tensor) else g * mt.tensor(2.0)]
    for op in ops:  # (abs of torch's uncoalesced rows would take |each token's row|: compared coalesced)
        a, b = grads(kind)
        same_dense(op(a), op(b))
    for inplace in (lambda g: g.div_(2), lambda g: g.add_(g.clone())):
        a, b = grads(kind)
        assert inplace(a) is a and inplace(b) is b
        same_dense(a, b)


@KINDS
def test_dense_plus_sparse_is_dense(kind):
    a, b = grads(kind)
    dense = np.arange(18, dtype=np.float32).reshape(6, 3)
    for op in (lambda d, g: d + g, lambda d, g: d - g, lambda d, g: d.add(g)):
        out_a, out_b = op(mt.from_numpy(dense.copy()), a), op(torch.from_numpy(dense.copy()), b)
        assert isinstance(out_a, mt.Tensor) and not out_b.is_sparse
        assert_close(out_a, out_b)


@KINDS
def test_sparse_plus_dense_raises(kind):
    a, b = grads(kind)
    for op in (lambda g, d: g + d, lambda g, d: g - d, lambda g, d: g.add(d), lambda g, d: g.add_(d)):
        same_error(lambda: op(a, mt.zeros(6, 3)), lambda: op(b, torch.zeros(6, 3)))


@KINDS
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sum_and_norm(kind, dtype):
    """Full reductions, repeated rows summed first (torch's norm of an uncoalesced gradient does so)."""
    a, b = grads(kind, dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    for mine, theirs in [(a.sum(), b.sum()), (a.norm(p=1), b.norm(p=1))] + [
            (a.norm(*args), b.norm(*args)) for args in ((), (2,), (1,), ("fro",), (math.inf,))]:
        assert mine.dtype.name == str(theirs.dtype).split(".")[-1] and mine.shape == theirs.shape
        np.testing.assert_allclose(mine._data, theirs.numpy(), rtol=tol, atol=tol)
    same_error(lambda: a.norm(dim=0), lambda: b.norm(dim=0))


@KINDS
def test_conversions_torch_refuses(kind):
    a, b = grads(kind)
    for op in (lambda g: g.numpy(), lambda g: g.item(), lambda g: g.tolist()):
        same_error(lambda: op(a), lambda: op(b))


@KINDS
def test_zero_empties_the_gradient(kind):
    a, b = grads(kind)
    assert a.zero_() is a and b.zero_() is b
    assert a._nnz() == b._nnz() == 0 and a.is_coalesced() == b.is_coalesced()
    assert tuple(a.shape) == tuple(b.shape)
    same_dense(a, b)


@KINDS
def test_indices_and_values_of_the_coalesced_gradient(kind):
    """`grad.coalesce().indices()` / `.values()` as torch's (a (1, nnz) int64 tensor, the rows' values);
    on an uncoalesced gradient (a sum of two) both raise torch's error."""
    a, b = grads(kind)
    ca, cb = a.coalesce(), b.coalesce()
    assert ca.indices().tolist() == cb.indices().tolist()
    assert str(ca.indices().dtype).split(".")[-1] == str(cb.indices().dtype).split(".")[-1]
    assert_close(ca.values(), cb.values())
    for method in ("indices", "values"):
        same_error(lambda: getattr(a + a, method)(), lambda: getattr(b + b, method)())
