"""Issue 12's second part beyond the op table: nn.LayerNorm, `out=`, the in-place scatter/index_add,
einsum's equation forms (with gradients), unique/nonzero/median forms and their printing, new_*.

Every case runs the same code on torch and minitorch_ref and compares values, dtypes, gradients,
warnings and exception types.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import with_warnings


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _same(a, b, rtol: float = 1e-6) -> None:
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
    assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
    np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=1e-6)


def _both(fn):
    """fn(lib) run on both libraries (inputs built inside from the same NumPy data)."""
    return fn(torch), fn(mt)


RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)


@pytest.mark.parametrize("kwargs", [{}, {"elementwise_affine": False}, {"bias": False}, {"eps": 0.1}])
def test_layer_norm_module_values_gradients_and_repr(kwargs) -> None:
    def run(lib):
        layer = lib.nn.LayerNorm(4, **kwargs)
        if layer.weight is not None:
            with lib.no_grad():
                layer.weight.copy_(lib.from_numpy(np.linspace(0.5, 2, 4).astype(np.float32)))
        x = lib.from_numpy(X.copy()).requires_grad_()
        y = layer(x)
        (y * lib.from_numpy(X[::-1].copy())).sum().backward()
        return layer, x, y

    (tl, tx, ty), (ml, mx, my) = _both(run)
    _same(my, ty, 1e-5)
    _same(mx.grad, tx.grad, 1e-4)
    for name, p in tl.named_parameters():
        _same(dict(ml.named_parameters())[name].grad, p.grad, 1e-4)
    assert repr(ml) == repr(tl)
    assert list(ml.state_dict()) == list(tl.state_dict())
    assert my.grad_fn.name() == type(ty.grad_fn).__name__


def test_layer_norm_over_two_dims_and_errors() -> None:
    t, m = _both(lambda lib: lib.nn.LayerNorm((2, 3))(lib.arange(12.0).reshape(2, 2, 3)))
    _same(m, t, 1e-5)
    for bad in (lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (2,)),
                lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3), (3,), lib.ones(2))):
        with pytest.raises(RuntimeError) as te:
            bad(torch)
        with pytest.raises(RuntimeError) as me:
            bad(mt)
        assert str(me.value) == str(te.value)


def test_out_writes_resizes_and_checks_dtype() -> None:
    def run(lib):
        x = lib.from_numpy(X.copy())
        out = lib.empty(0)
        result = lib.diag(x, 1, out=out)
        assert result is out
        values, indices = lib.empty(0), lib.empty(0, dtype=lib.int64)
        med = lib.median(x, 1, out=(values, indices))
        selected = lib.masked_select(x, x > 0, out=lib.zeros(2))  # (non-empty: resized with a warning)
        return out, values, indices, med.values, selected

    (t, t_warn), (m, m_warn) = with_warnings(run, torch), with_warnings(run, mt)
    for a, b in zip(m, t):
        _same(a, b)
    assert [category for category, _ in m_warn] == [category for category, _ in t_warn] == [UserWarning]
    for lib in (torch, mt):
        with pytest.raises(RuntimeError):
            lib.diag(lib.ones(3), out=lib.empty(0, dtype=lib.int64))
        with pytest.raises(RuntimeError):  # out= does not record a graph
            lib.index_add(lib.ones(3, requires_grad=True), 0, lib.tensor([0]), lib.ones(1), out=lib.empty(0))


def test_inplace_scatter_and_index_add_record_their_nodes() -> None:
    def run(lib):
        w = lib.from_numpy(X.copy()).requires_grad_()
        src = lib.from_numpy(X[:2].copy() * 3).requires_grad_()
        y = w * 1
        y.scatter_(0, lib.tensor([[2, 0, 1, 2], [0, 1, 2, 0]]), src)
        name1 = y.grad_fn.name() if lib is mt else type(y.grad_fn).__name__
        y.index_add_(1, lib.tensor([0, 0]), src[:, :2].repeat(3, 1)[:3], alpha=-2)
        name2 = y.grad_fn.name() if lib is mt else type(y.grad_fn).__name__
        y.scatter_add_(1, lib.tensor([[3], [3], [1]]), src[:, :1].repeat(2, 1)[:3])
        y.sum().backward()
        return y, w.grad, src.grad, name1, name2

    t, m = _both(run)
    for a, b in zip(m[:3], t[:3]):
        _same(a, b, 1e-5)
    assert m[3:] == t[3:] == ("ScatterBackward0", "IndexAddBackward0")


def test_scatter_reduce_forward_matches_and_backward_is_refused() -> None:
    def run(lib):
        x = lib.from_numpy(X.copy()).requires_grad_()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch: the reduce argument is deprecated)
            y = x.scatter(1, lib.tensor([[0, 0], [1, 1], [3, 3]]), lib.full((3, 2), 2.0), reduce="multiply")
        return x, y

    (tx, ty), (mx, my) = _both(run)
    _same(my, ty)
    for y in (ty, my):
        with pytest.raises(RuntimeError):
            y.sum().backward()


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ii", [(3, 3)]),                      # trace (implicit output: nothing)
    ("iji->j", [(2, 3, 2)]),               # a repeated label: the gradient lands on the diagonal
    ("ij->j", [(2, 3)]),
    ("bij,bkj->bik", [(2, 2, 3), (2, 4, 3)]),
    ("...ij,...jk", [(2, 1, 2, 3), (3, 3, 2)]),  # broadcast batch dims, implicit output
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("ij,Ab->ijAb", [(2, 3), (2, 2)]),
    ("ij,kj->ik", [(2, 3), (1, 3)]),
])
def test_einsum_forms_values_and_gradients(equation, shapes) -> None:
    data = [RNG.standard_normal(s) for s in shapes]

    def run(lib):
        xs = [lib.from_numpy(d.copy()).requires_grad_() for d in data]
        y = lib.einsum(equation, *xs)
        (y * lib.from_numpy(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))).sum().backward()
        return y, xs

    (ty, txs), (my, mxs) = _both(run)
    _same(my, ty, 1e-10)
    for m, t in zip(mxs, txs):
        _same(m.grad, t.grad, 1e-10)


def test_einsum_errors() -> None:
    for bad, error in [(lambda lib: lib.einsum("ij,jk", lib.ones(2, 3)), RuntimeError),
                       (lambda lib: lib.einsum("ij", lib.ones(2)), RuntimeError),
                       (lambda lib: lib.einsum("i1", lib.ones(2, 2)), RuntimeError)]:
        for lib in (torch, mt):
            with pytest.raises(error):
                bad(lib)


def test_median_unique_nonzero_forms_and_printing() -> None:
    values = np.array([[3.0, 1.0, np.nan, 2.0], [4.0, 4.0, 1.0, 0.0]], dtype=np.float32)

    def run(lib):
        x = lib.from_numpy(values.copy())
        return (x.median(), x[1].median(), lib.median(x, 1), x.unique(), x.unique(return_counts=True),
                lib.unique(x.nan_to_num().long(), dim=1, return_inverse=True), x.nonzero(), lib.nonzero(x, as_tuple=True),
                lib.tensor(0.0).nonzero(), lib.tensor(5).nonzero(as_tuple=True))

    t, m = _both(run)
    for a, b in zip(m, t):
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            _same(x, y)
    assert repr(m[2]).replace("minitorch_ref", "torch") == repr(t[2])
    assert (m[2].values, m[2].indices) == tuple(m[2])


def test_new_tensor_family() -> None:
    def run(lib):
        x = lib.ones(2, dtype=lib.float64)
        copied, caught = with_warnings(lambda _: x.new_tensor(x * 3), lib)
        return (x.new_zeros(2, 3), x.new_ones((1,)), x.new_full([2], 7), x.new_tensor([1, 2]), x.new_empty(0),
                x.new_zeros(2, dtype=lib.int64, requires_grad=False), copied, [category for category, _ in caught])

    t, m = _both(run)
    for a, b in zip(m[:-1], t[:-1]):
        _same(a, b)
    assert m[-1] == t[-1] == [UserWarning]
    assert not m[0].requires_grad and mt.ones(2).new_ones(2, requires_grad=True).requires_grad
