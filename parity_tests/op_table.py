"""THE table of ops that minitorch_ref must compute exactly as torch does (in the spirit of OpInfo).

One `OpInfo` per op (or per way of calling it). `call(m, *tensors, **kwargs)` is written
once against the torch API and run with `m = torch` and `m = minitorch_ref`; `sample(dtype)`
is a hypothesis strategy of `Sample`s (see strategies.py). `test_ops.py` checks, for each
entry: values, shape and dtype; gradients (when `differentiable`); `gradcheck` in float64;
and that every `ErrorInput` raises torch's exception type (and torch's message where
`same_message`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import minitorch_ref as mt

from . import strategies as S

F = (np.float32, np.float64)
FI = (np.float32, np.float64, np.int64)


@dataclass
class ErrorInput:
    """A call that must fail: `call(m)` builds its tensors with `m` and calls the op."""

    name: str
    call: Callable[[Any], Any]
    error: type  # torch's exception type (test_ops checks torch really raises it)
    same_message: bool = True  # minitorch_ref's message equals torch's ("torch." read as "minitorch_ref.")


@dataclass
class OpInfo:
    name: str
    call: Callable[..., Any]
    sample: Callable[[Any], Any]  # dtype -> hypothesis strategy of Sample
    dtypes: tuple = F
    differentiable: bool = True
    gradcheck: bool = True  # differentiable at the (smoothed, tie-free) gradcheck samples
    rtol: dict = field(default_factory=dict)  # dtype name -> relative tolerance (defaults below)
    # torch's grad_fn name for the output: checked "always", or only for "contiguous" inputs (where
    # torch's name depends on the strides it was given, as matmul's), or "never" (no rule to follow)
    grad_fn_name: str = "always"
    errors: list = field(default_factory=list)

    def tolerance(self, dtype: np.dtype) -> float:
        default = {"float64": 1e-12, "float32": 1e-5, "float16": 1e-3}.get(np.dtype(dtype).name, 0.0)
        return self.rtol.get(np.dtype(dtype).name, default)


def _t(m: Any, values: Any, dtype: str = "float32"):
    return m.tensor(values, dtype=getattr(m, dtype))




def _setitem(x: Any, key: Any, value: Any):
    y = x.clone()  # a non-leaf copy: `leaf[key] = v` on a leaf that requires grad is an error
    y[key] = value
    return y


def _indexed_shape(values: np.ndarray, key: Any) -> tuple:
    """The shape of `values[key]` under torch's indexing rules (which minitorch_ref follows; NumPy
    places the dims differently when ints or None sit next to index arrays)."""
    return tuple(mt.from_numpy(values)[S.to_key(mt, key)].shape)


def _index(m: Any, x: Any, key: Any):
    return x[S.to_key(m, key)]


# --- error inputs shared by many ops -------------------------------------------------------
def _broadcast_error(op: Callable) -> ErrorInput:
    return ErrorInput("shapes-3-vs-4", lambda m: op(m, m.ones(2, 3), m.ones(2, 4)), RuntimeError)


def _dim_error(op: Callable) -> ErrorInput:
    return ErrorInput("dim-out-of-range", lambda m: op(m, m.ones(2, 3), 2), IndexError)


OPS: list[OpInfo] = [
    # ---- arithmetic: tensor with tensor (broadcasting), tensor with number (both sides)
    OpInfo("add", lambda m, x, y: x + y, lambda d: S.binary(d), FI,
           errors=[_broadcast_error(lambda m, x, y: x + y)]),
    OpInfo("add-alpha", lambda m, x, y: m.add(x, y, alpha=2), lambda d: S.binary(d), FI),
    OpInfo("sub", lambda m, x, y: x - y, lambda d: S.binary(d), FI,
           errors=[_broadcast_error(lambda m, x, y: x - y),
                   ErrorInput("bool-minus-bool", lambda m: m.tensor([True]) - m.tensor([False]), RuntimeError)]),
    OpInfo("mul", lambda m, x, y: x * y, lambda d: S.binary(d), FI,
           errors=[_broadcast_error(lambda m, x, y: m.mul(x, y))]),
    OpInfo("div", lambda m, x, y: x / y, lambda d: S.binary(d, rhs_low=0.5), FI,
           errors=[_broadcast_error(lambda m, x, y: x / y)]),
    OpInfo("pow-tensor", lambda m, x, y: x ** y, lambda d: S.binary(d, low=0.1, high=3), F),
    OpInfo("mixed-dtypes", lambda m, x, y: x * y + x, lambda d: S.binary(d, other_dtype=np.int64), F),
    OpInfo("add-number", lambda m, x, number: x + number, lambda d: S.with_scalar(d), FI),
    OpInfo("radd-number", lambda m, x, number: number + x, lambda d: S.with_scalar(d), FI),
    OpInfo("rsub-number", lambda m, x, number: number - x, lambda d: S.with_scalar(d), FI),
    OpInfo("mul-number", lambda m, x, number: x * number, lambda d: S.with_scalar(d), FI),
    OpInfo("rmul-number", lambda m, x, number: number * x, lambda d: S.with_scalar(d), FI),
    OpInfo("div-number", lambda m, x, number: x / (number or 1), lambda d: S.with_scalar(d), FI),
    OpInfo("rdiv-number", lambda m, x, number: number / x, lambda d: S.with_scalar(d, low=0.5), F),
    OpInfo("pow-number", lambda m, x, number: x ** number, lambda d: S.with_scalar(d, 0.1, 3), F),
    OpInfo("pow-int", lambda m, x, number: x ** abs(number), lambda d: S.with_scalar(d, -3, 3, True), FI,
           errors=[ErrorInput("int-negative-power", lambda m: m.tensor([2]) ** -1, RuntimeError)]),
    OpInfo("rpow-number", lambda m, x, number: (abs(number) + 0.5) ** x, lambda d: S.with_scalar(d, -3, 3), F),
    OpInfo("neg", lambda m, x: -x, lambda d: S.unary(d, special=True), FI,
           errors=[ErrorInput("bool", lambda m: -m.tensor([True]), RuntimeError)]),
    # ---- matrix products
    OpInfo("matmul", lambda m, x, y: m.matmul(x, y), lambda d: S.matmul_pair(d), F, rtol={"float64": 1e-11},
           grad_fn_name="contiguous",
           errors=[
               ErrorInput("mm-shapes", lambda m: m.ones(2, 3) @ m.ones(4, 5), RuntimeError),
               ErrorInput("mv-shapes", lambda m: m.ones(2, 3) @ m.ones(4), RuntimeError),
               ErrorInput("vm-shapes", lambda m: m.ones(3) @ m.ones(4, 5), RuntimeError),
               ErrorInput("dot-shapes", lambda m: m.ones(3) @ m.ones(4), RuntimeError),
               ErrorInput("batched-shapes", lambda m: m.ones(2, 2, 3) @ m.ones(2, 4, 5), RuntimeError),
               ErrorInput("0-d", lambda m: m.matmul(m.tensor(1.0), m.ones(3)), RuntimeError),
               ErrorInput("dtypes", lambda m: m.ones(2, 3) @ m.ones(3, 2, dtype=m.float64), RuntimeError),
           ]),
    OpInfo("mm", lambda m, x, y: x.mm(y), lambda d: S.matmul_pair(d).filter(
        lambda s: s.args[0].values.ndim == 2 and s.args[1].values.ndim == 2), F, rtol={"float64": 1e-11}),
    # ---- pointwise math
    OpInfo("exp", lambda m, x: m.exp(x), lambda d: S.unary(d, special=True), FI, rtol={"float64": 1e-15}),
    OpInfo("log", lambda m, x: x.log(), lambda d: S.unary(d, low=0.01), FI),
    OpInfo("sqrt", lambda m, x: m.sqrt(x), lambda d: S.unary(d, low=0.01), FI),
    OpInfo("abs", lambda m, x: x.abs(), lambda d: S.unary(d, special=True), FI),
    OpInfo("relu", lambda m, x: m.relu(x), lambda d: S.unary(d, special=True), FI),
    OpInfo("sigmoid", lambda m, x: m.sigmoid(x), lambda d: S.unary(d, low=-40, high=40, special=True), FI,
           rtol={"float64": 1e-14}),
    OpInfo("tanh", lambda m, x: x.tanh(), lambda d: S.unary(d, special=True), FI, rtol={"float64": 1e-15}),
    OpInfo("clamp", lambda m, x: m.clamp(x, -0.5, 1.0), lambda d: S.unary(d), FI,
           errors=[ErrorInput("no-bounds", lambda m: m.clamp(m.ones(2)), RuntimeError)]),
    OpInfo("clamp-min", lambda m, x: x.clamp(min=0.25), lambda d: S.unary(d), F),
    OpInfo("where", lambda m, c, x, y: m.where(c > 0, x, y),
           lambda d: S.binary(d).flatmap(lambda s: S.args(d, s.args[0].values.shape).map(
               lambda c: S.Sample((c, *s.args)))), F,
           errors=[ErrorInput("condition-not-bool", lambda m: m.where(m.ones(2), m.ones(2), m.zeros(2)),
                              RuntimeError)]),
    OpInfo("maximum", lambda m, x, y: m.maximum(x, y), lambda d: S.binary(d), F),
    # ---- reductions
    OpInfo("sum", lambda m, x: x.sum(), lambda d: S.unary(d), FI + (np.bool_,), rtol={"float64": 1e-13}),
    OpInfo("sum-dim", lambda m, x, dim, keepdim: m.sum(x, dim, keepdim=keepdim), lambda d: S.reduction(d), FI,
           rtol={"float64": 1e-13}, errors=[_dim_error(lambda m, x, d: x.sum(d))]),
    OpInfo("sum-dims", lambda m, x, dim, keepdim: x.sum((0, dim), keepdim=keepdim) if x.ndim and dim % x.ndim
           else x.sum(dim), lambda d: S.reduction(d), F, rtol={"float64": 1e-13}),
    OpInfo("mean", lambda m, x: x.mean(), lambda d: S.unary(d), F, rtol={"float64": 1e-13},
           errors=[ErrorInput("int-input", lambda m: m.tensor([1, 2]).mean(), RuntimeError)]),
    OpInfo("mean-dim", lambda m, x, dim, keepdim: x.mean(dim, keepdim), lambda d: S.reduction(d), F,
           rtol={"float64": 1e-13}, errors=[_dim_error(lambda m, x, d: x.mean(d))]),
    OpInfo("max", lambda m, x: x.max(), lambda d: S.unary(d), FI,
           errors=[ErrorInput("empty", lambda m: m.ones(0).max(), RuntimeError)]),
    OpInfo("min", lambda m, x: m.min(x), lambda d: S.unary(d), FI),
    OpInfo("max-dim", lambda m, x, dim, keepdim: m.max(x, dim, keepdim), lambda d: S.reduction(d), FI,
           errors=[_dim_error(lambda m, x, d: x.max(d)),
                                    ErrorInput("empty-dim", lambda m: m.ones(0, 3).max(0), IndexError)]),
    OpInfo("min-dim", lambda m, x, dim, keepdim: x.min(dim=dim, keepdim=keepdim), lambda d: S.reduction(d), FI),
    OpInfo("argmax", lambda m, x: m.argmax(x), lambda d: S.unary(d), FI, differentiable=False),
    OpInfo("argmax-dim", lambda m, x, dim, keepdim: x.argmax(dim, keepdim), lambda d: S.reduction(d), FI,
           differentiable=False, errors=[_dim_error(lambda m, x, d: m.argmax(x, d))]),
    OpInfo("argmin-dim", lambda m, x, dim, keepdim: m.argmin(x, dim=dim, keepdim=keepdim),
           lambda d: S.reduction(d), FI, differentiable=False),
    OpInfo("softmax", lambda m, x, dim: m.softmax(x, dim=dim), lambda d: S.reduction(d, keepdim=False), F,
           rtol={"float64": 1e-13}, errors=[_dim_error(lambda m, x, d: x.softmax(d))]),
    OpInfo("log_softmax", lambda m, x, dim: x.log_softmax(dim), lambda d: S.reduction(d, keepdim=False), F,
           rtol={"float64": 1e-13}),
    OpInfo("cumsum", lambda m, x, dim: m.cumsum(x, dim), lambda d: S.reduction(d, keepdim=False), FI,
           rtol={"float64": 1e-13}),
    # ---- shape
    OpInfo("reshape", lambda m, x, shape: x.reshape(shape), lambda d: S.reshape_sample(d), FI,
           errors=[ErrorInput("numel", lambda m: m.ones(2, 3).reshape(4, 2), RuntimeError),
                   ErrorInput("two-inferred", lambda m: m.ones(2, 3).reshape(-1, -1), RuntimeError)]),
    OpInfo("view", lambda m, x, shape: x.contiguous().view(*shape), lambda d: S.reshape_sample(d), FI,
           errors=[ErrorInput("non-contiguous", lambda m: m.ones(2, 3).t().view(6), RuntimeError)]),
    OpInfo("flatten", lambda m, x: m.flatten(x), lambda d: S.unary(d), FI),
    OpInfo("flatten-1", lambda m, x, dim: x.flatten(dim if x.ndim else 0), lambda d: S.reduction(d, keepdim=False),
           FI),
    OpInfo("squeeze", lambda m, x: x.squeeze(), lambda d: S.unary(d), FI),
    OpInfo("squeeze-dim", lambda m, x, dim: m.squeeze(x, dim), lambda d: S.reduction(d, keepdim=False), FI),
    OpInfo("unsqueeze", lambda m, x, dim: x.unsqueeze(dim), lambda d: S.reduction(d, keepdim=False), FI,
           errors=[ErrorInput("dim", lambda m: m.ones(2, 3).unsqueeze(4), IndexError)]),
    OpInfo("expand", lambda m, x: x.reshape(-1)[:1].expand(3, 2), lambda d: S.unary(d), FI,
           errors=[ErrorInput("size", lambda m: m.ones(2).expand(3, 3), RuntimeError)]),
    OpInfo("transpose", lambda m, x: m.transpose(x, 0, -1), lambda d: S.unary(d), FI,
           errors=[ErrorInput("dim", lambda m: m.ones(2, 3).transpose(0, 2), IndexError)]),
    OpInfo("permute", lambda m, x: x.permute(tuple(reversed(range(x.ndim)))), lambda d: S.unary(d), FI,
           errors=[ErrorInput("length", lambda m: m.ones(2, 3).permute(0), RuntimeError),
                   ErrorInput("duplicate", lambda m: m.ones(2, 3).permute(0, 0), RuntimeError)]),
    OpInfo("T", lambda m, x: x.T, lambda d: S.unary(d, min_dims=2, max_dims=2), FI),
    OpInfo("t", lambda m, x: m.t(x), lambda d: S.unary(d, max_dims=2), FI,
           errors=[ErrorInput("3-d", lambda m: m.ones(2, 3, 4).t(), RuntimeError)]),
    OpInfo("cat", lambda m, x, y, dim: m.cat([x, y], dim=dim),
           lambda d: S.reduction(d, keepdim=False, min_dims=1).flatmap(lambda s: S.args(
               d, s.args[0].values.shape).map(lambda y: S.Sample((s.args[0], y), s.kwargs))), FI,
           errors=[ErrorInput("sizes", lambda m: m.cat([m.ones(2, 3), m.ones(2, 4)]), RuntimeError),
                   ErrorInput("empty-list", lambda m: m.cat([]), ValueError),
                   ErrorInput("0-d", lambda m: m.cat([m.tensor(1.0)]), RuntimeError)]),
    OpInfo("stack", lambda m, x, y, dim: m.stack([x, y], dim=dim),
           lambda d: S.reduction(d, keepdim=False).flatmap(lambda s: S.args(
               d, s.args[0].values.shape).map(lambda y: S.Sample((s.args[0], y), s.kwargs))), FI,
           errors=[ErrorInput("sizes", lambda m: m.stack([m.ones(2, 3), m.ones(2, 4)]), RuntimeError)]),
    # ---- indexing
    OpInfo("getitem", _index, lambda d: S.index_sample(d), FI,
           errors=[ErrorInput("int-out-of-range", lambda m: m.ones(2, 3)[2], IndexError),
                   ErrorInput("dim1-out-of-range", lambda m: m.ones(2, 3)[:, 3], IndexError),
                   ErrorInput("too-many", lambda m: m.ones(2)[0, 0], IndexError),
                   ErrorInput("tensor-out-of-range", lambda m: m.ones(2, 3)[m.tensor([0, 5])], IndexError),
                   ErrorInput("float-index", lambda m: m.ones(2, 3)[m.tensor([0.0])], IndexError)]),
    OpInfo("setitem", lambda m, x, v, key: _setitem(x, S.to_key(m, key), v),
           lambda d: S.index_sample(d).flatmap(lambda s: S.args(
               d, _indexed_shape(s.args[0].values, s.kwargs["key"])[-1:]).map(
               lambda v: S.Sample((s.args[0], v), s.kwargs))).filter(
               _writes_each_element_once), F,
           errors=[ErrorInput("leaf", lambda m: m.ones(2, requires_grad=True).__setitem__(0, 1.0), RuntimeError)]),
    OpInfo("gather", lambda m, x, index, dim: m.gather(x, dim, S.to_key(m, index)),
           lambda d: S.reduction(d, keepdim=False, min_dims=1).flatmap(lambda s: _gather_index(s)), F,
           errors=[ErrorInput("out-of-range", lambda m: m.ones(2, 3).gather(1, m.tensor([[3]])), RuntimeError),
                   ErrorInput("int16-index", lambda m: m.ones(2, 3).gather(1, _t(m, [[0]], "int16")),
                              RuntimeError)]),
    OpInfo("index_select", lambda m, x, index, dim: m.index_select(x, dim, S.to_key(m, index)),
           lambda d: S.reduction(d, keepdim=False, min_dims=1).flatmap(lambda s: _select_index(s)), F,
           errors=[ErrorInput("out-of-range", lambda m: m.ones(2, 3).index_select(0, m.tensor([2])), IndexError),
                   ErrorInput("float-index", lambda m: m.ones(2, 3).index_select(0, m.tensor([0.0])),
                              RuntimeError)]),
    OpInfo("masked_fill", lambda m, x, y: x.masked_fill(y > 0, -1.5), lambda d: S.binary(d).filter(
        lambda s: np.broadcast_shapes(s.args[0].values.shape, s.args[1].values.shape) == s.args[0].values.shape),
           F),
    # ---- no gradient: comparisons, logic, predicates
    *[OpInfo(name, call, lambda d: S.binary(d, special=True), FI, differentiable=False,
             errors=[_broadcast_error(call)]) for name, call in [
        ("eq", lambda m, x, y: x == y), ("ne", lambda m, x, y: m.ne(x, y)), ("lt", lambda m, x, y: x < y),
        ("le", lambda m, x, y: x.le(y)), ("gt", lambda m, x, y: m.gt(x, y)), ("ge", lambda m, x, y: x >= y)]],
    OpInfo("eq-number", lambda m, x, number: x == number, lambda d: S.with_scalar(d), FI, differentiable=False),
    *[OpInfo(name, call, lambda d: S.binary(d, special=True), FI + (np.bool_,), differentiable=False)
      for name, call in [("logical_and", lambda m, x, y: m.logical_and(x, y)),
                         ("logical_or", lambda m, x, y: x.logical_or(y)),
                         ("logical_xor", lambda m, x, y: m.logical_xor(x, y))]],
    OpInfo("logical_not", lambda m, x: m.logical_not(x), lambda d: S.unary(d, special=True), FI + (np.bool_,),
           differentiable=False),
    OpInfo("and-or-bool", lambda m, x, y: (x & y) | ~x, lambda d: S.binary(d), (np.bool_,), differentiable=False),
    *[OpInfo(name, call, lambda d: S.unary(d, special=True), FI, differentiable=False) for name, call in [
        ("isnan", lambda m, x: m.isnan(x)), ("isinf", lambda m, x: x.isinf()), ("isfinite", lambda m, x: x.isfinite())]],
    OpInfo("allclose", lambda m, x, y: m.tensor(m.allclose(x, y + 1e-9)), lambda d: S.binary(d), F,
           differentiable=False,
           errors=[ErrorInput("dtypes", lambda m: m.allclose(m.ones(2), m.ones(2, dtype=m.float64)), RuntimeError)]),
    OpInfo("equal", lambda m, x, y: m.tensor([m.equal(x, y), m.equal(x, x)]), lambda d: S.binary(d), FI,
           differentiable=False),
]


def _writes_each_element_once(s: S.Sample) -> bool:
    """`x[idx] = v` with a repeated index: which write wins is unspecified in torch, so skip those."""
    x = s.args[0].values
    targets = np.arange(x.size).reshape(x.shape)[s.kwargs["key"]]
    return np.unique(targets).size == np.size(targets)


def _gather_index(s: S.Sample):
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    x = s.args[0].values
    dim = s.kwargs["dim"] % x.ndim
    return S.shapes(min_dims=x.ndim, max_dims=x.ndim).flatmap(lambda shape: hnp.arrays(
        np.int64, tuple(min(a, b) if i != dim else a for i, (a, b) in enumerate(zip(shape, x.shape))),
        elements=st.integers(0, x.shape[dim] - 1))).map(
        lambda index: S.Sample((s.args[0],), {"index": index, "dim": s.kwargs["dim"]}))


def _select_index(s: S.Sample):
    from hypothesis import strategies as st

    x = s.args[0].values
    size = x.shape[s.kwargs["dim"] % x.ndim]
    return st.lists(st.integers(0, size - 1), max_size=5).map(
        lambda index: S.Sample((s.args[0],), {"index": np.array(index, dtype=np.int64), "dim": s.kwargs["dim"]}))


# ---- ops added for issue 12 (docs/ops.md says what each is for) ---------------------------------
def _pair_3d(d):
    from hypothesis import strategies as st

    return st.tuples(*[st.integers(1, 3)] * 4).flatmap(lambda n: st.tuples(
        S.args(d, (n[0], n[1], n[2])), S.args(d, (n[0], n[2], n[3])))).map(lambda ab: S.Sample(ab))


def _mat_vec(d):
    from hypothesis import strategies as st

    return st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(lambda n: st.tuples(
        S.args(d, n), S.args(d, (n[1],)))).map(lambda ab: S.Sample(ab))


def _addmm_triple(d):
    from hypothesis import strategies as st

    return st.tuples(*[st.integers(1, 4)] * 3).flatmap(lambda n: st.tuples(
        S.args(d, (n[2],)), S.args(d, (n[0], n[1])), S.args(d, (n[1], n[2])))).map(lambda abc: S.Sample(abc))


def _vectors(d):
    return S.unary(d, min_dims=1, max_dims=1).flatmap(lambda s: S.unary(d, min_dims=1, max_dims=1).map(
        lambda t: S.Sample((s.args[0], t.args[0]))))


def _distinct(s: S.Sample) -> bool:
    """No tied values (which of tied elements torch's median/sort picks is unspecified)."""
    values = s.args[0].values
    return np.unique(values).size == values.size


def _scatter_sample(d, with_src: bool = True, repeats: bool = False):
    """x, dim and an index along dim (a prefix of a random permutation per slice, so that no two writes
    land on one element, unless `repeats`), plus `src` of the index's shape."""
    from hypothesis import strategies as st

    def build(s, seed):
        x = s.args[0].values
        dim = s.kwargs["dim"] % x.ndim
        rng = np.random.default_rng(seed)
        k = int(rng.integers(1, x.shape[dim] + 1))
        if repeats:
            index = rng.integers(0, x.shape[dim], size=x.shape[:dim] + (k,) + x.shape[dim + 1:])
        else:
            index = np.take(np.argsort(rng.random(x.shape), axis=dim), np.arange(k), axis=dim)
        kwargs = {"dim": s.kwargs["dim"], "index": index.astype(np.int64)}
        if not with_src:
            return st.just(S.Sample(s.args, kwargs))
        return S.args(d, index.shape).map(lambda src: S.Sample((s.args[0], src), kwargs))

    return S.reduction(d, keepdim=False, min_dims=1).flatmap(
        lambda s: st.integers(0, 2**16).flatmap(lambda seed: build(s, seed)))


def _index_add_sample(d):
    """x, dim, an index (repeats allowed) and a source with len(index) slices along dim."""
    from hypothesis import strategies as st

    def build(s, index):
        x = s.args[0].values
        dim = s.kwargs["dim"] % x.ndim
        shape = x.shape[:dim] + (len(index),) + x.shape[dim + 1:]
        return S.args(d, shape).map(lambda src: S.Sample((s.args[0], src), {
            "dim": s.kwargs["dim"], "index": np.array(index, dtype=np.int64)}))

    return S.reduction(d, keepdim=False, min_dims=1).flatmap(lambda s: st.lists(
        st.integers(0, s.args[0].values.shape[s.kwargs["dim"] % s.args[0].values.ndim] - 1), max_size=4).flatmap(
        lambda index: build(s, index)))


def _layer_norm_sample(d):
    """x of rank 1-4 and a weight and bias of its last dim (or of its last two dims)."""
    from hypothesis import strategies as st

    return st.tuples(S.shapes(min_dims=1), st.integers(1, 2)).flatmap(lambda sn: st.tuples(
        S.args(d, sn[0]), S.args(d, sn[0][-min(sn[1], len(sn[0])):]), S.args(d, sn[0][-min(sn[1], len(sn[0])):]))).map(
        lambda xwb: S.Sample(xwb))


def _square(d):
    from hypothesis import strategies as st

    return st.integers(1, 4).flatmap(lambda n: S.args(d, (n, n))).map(lambda a: S.Sample((a,)))


_U = S.unary
_NOGRADCHECK = {"gradcheck": False}  # piecewise constant (zero gradient) or kinks at the drawn points
OPS += [
    # pointwise
    OpInfo("sin", lambda m, x: m.sin(x), lambda d: _U(d), FI),
    OpInfo("cos", lambda m, x: x.cos(), lambda d: _U(d), FI),
    OpInfo("floor", lambda m, x: m.floor(x), lambda d: _U(d, special=True), FI, **_NOGRADCHECK),
    OpInfo("ceil", lambda m, x: x.ceil(), lambda d: _U(d, special=True), FI, **_NOGRADCHECK),
    OpInfo("trunc", lambda m, x: m.trunc(x), lambda d: _U(d, special=True), FI, **_NOGRADCHECK),
    OpInfo("round", lambda m, x: m.round(x), lambda d: _U(d), FI, **_NOGRADCHECK),
    OpInfo("round-decimals", lambda m, x: x.round(decimals=2), lambda d: _U(d), F, **_NOGRADCHECK),
    OpInfo("sign", lambda m, x: m.sign(x), lambda d: _U(d, special=True), FI, **_NOGRADCHECK),
    OpInfo("square", lambda m, x: m.square(x), lambda d: _U(d), FI),
    OpInfo("rsqrt", lambda m, x: m.rsqrt(x), lambda d: _U(d, low=0.1), F),
    OpInfo("log1p", lambda m, x: m.log1p(x), lambda d: _U(d, low=-0.9), F, **_NOGRADCHECK),
    OpInfo("log1p-positive", lambda m, x: x.log1p(), lambda d: _U(d, low=0.01), F),
    OpInfo("log2", lambda m, x: x.log2(), lambda d: _U(d, low=0.01), F),
    OpInfo("expm1", lambda m, x: m.expm1(x), lambda d: _U(d), F, rtol={"float64": 1e-14}),
    OpInfo("erf", lambda m, x: m.erf(x), lambda d: _U(d), FI, rtol={"float64": 1e-14}),
    OpInfo("atan2", lambda m, x, y: m.atan2(x, y), lambda d: S.binary(d, rhs_low=0.5), F,
           errors=[ErrorInput("number-other", lambda m: m.atan2(m.ones(2), 2), TypeError, same_message=False)]),
    OpInfo("lerp", lambda m, x, y: m.lerp(x, y, 0.3), lambda d: S.binary(d), F),
    OpInfo("lerp-tensor-weight", lambda m, x, y: x.lerp(y, y.sigmoid()), lambda d: S.binary(d), F),
    OpInfo("nan_to_num", lambda m, x: m.nan_to_num(x, posinf=7.0), lambda d: _U(d, special=True), F),
    OpInfo("clamp_min", lambda m, x: m.clamp_min(x, 0.25), lambda d: _U(d), FI),
    OpInfo("clamp_max-tensor", lambda m, x, y: m.clamp_max(x, y), lambda d: S.binary(d), F, **_NOGRADCHECK),
    OpInfo("div-floor", lambda m, x, y: m.div(x, y, rounding_mode="floor"), lambda d: S.binary(d, rhs_low=0.5), F,
           **_NOGRADCHECK, errors=[ErrorInput("mode", lambda m: m.ones(2).div(2, rounding_mode="x"), RuntimeError,
                                              same_message=False)]),
    OpInfo("div-trunc", lambda m, x, y: x.div(y, rounding_mode="trunc"), lambda d: S.binary(d, rhs_low=0.5), F,
           **_NOGRADCHECK),
    # reductions
    OpInfo("prod", lambda m, x: x.prod(), lambda d: _U(d, -2, 2), FI),
    OpInfo("prod-dim", lambda m, x, dim, keepdim: m.prod(x, dim, keepdim), lambda d: S.reduction(d, low=-2, high=2),
           FI),
    OpInfo("var", lambda m, x, dim, keepdim: x.var(dim, keepdim=keepdim), lambda d: S.reduction(d, min_side=2, min_dims=1), F,
           rtol={"float64": 1e-12}),
    OpInfo("std-correction0", lambda m, x, dim, keepdim: m.std(x, dim, keepdim=keepdim, correction=0),
           lambda d: S.reduction(d, min_side=2), F, **_NOGRADCHECK,
           errors=[ErrorInput("int", lambda m: m.tensor([1, 2]).std(), RuntimeError, same_message=False)]),
    OpInfo("amax", lambda m, x, dim, keepdim: m.amax(x, dim, keepdim), lambda d: S.reduction(d), FI),
    OpInfo("amin", lambda m, x, dim, keepdim: x.amin(dim, keepdim), lambda d: S.reduction(d), FI),
    OpInfo("aminmax-both-grads", lambda m, x, dim, keepdim: sum(m.aminmax(x, dim=dim, keepdim=keepdim)),
           lambda d: S.reduction(d), FI),
    OpInfo("logsumexp", lambda m, x, dim, keepdim: m.logsumexp(x, dim, keepdim), lambda d: S.reduction(d), F,
           rtol={"float64": 1e-13}),
    # (norm, normalize: near a tiny vector the gradient is x/||x|| of rounded values; torch's differs by ~1e-8)
    OpInfo("norm", lambda m, x: x.norm(), lambda d: _U(d), F, rtol={"float64": 1e-7}),
    OpInfo("vector_norm-1", lambda m, x, dim, keepdim: m.linalg.vector_norm(x, 1, dim, keepdim),
           lambda d: S.reduction(d), F, rtol={"float64": 1e-13}),
    OpInfo("vector_norm-3", lambda m, x, dim, keepdim: m.linalg.vector_norm(x, 3, dim, keepdim),
           lambda d: S.reduction(d), F, rtol={"float64": 1e-13}),
    OpInfo("sort", lambda m, x, dim: m.sort(x, dim, descending=True)[0], lambda d: S.reduction(d, keepdim=False), F),
    OpInfo("argsort", lambda m, x, dim: m.argsort(x, dim), lambda d: S.reduction(d, keepdim=False).filter(
        lambda s: np.unique(s.args[0].values).size == s.args[0].values.size), F, differentiable=False),
    OpInfo("topk", lambda m, x, dim: m.topk(x, 1, dim), lambda d: S.reduction(d, keepdim=False).filter(
        lambda s: np.unique(s.args[0].values).size == s.args[0].values.size), F,
           errors=[ErrorInput("k", lambda m: m.ones(3).topk(4), RuntimeError)]),
    OpInfo("kthvalue", lambda m, x, dim, keepdim: m.kthvalue(x, 1, dim, keepdim)[0], lambda d: S.reduction(d).filter(
        lambda s: np.unique(s.args[0].values).size == s.args[0].values.size), FI,
           errors=[ErrorInput("k", lambda m: m.ones(3).kthvalue(4), RuntimeError)]),
    OpInfo("msort", lambda m, x: m.msort(x), lambda d: _U(d), F),
    OpInfo("count_nonzero", lambda m, x: m.count_nonzero(x), lambda d: _U(d, special=True), FI, differentiable=False),
    # (1e-9: with subnormal inputs such as 2e-313 the gradient, a sum of products divided by the input, keeps
    # only a few significant bits in both libraries, which round them in a different order: 5e-11 apart seen)
    OpInfo("cumprod", lambda m, x, dim: m.cumprod(x, dim), lambda d: S.reduction(d, keepdim=False, low=-2, high=2),
           FI, rtol={"float64": 1e-9}),
    # matrices
    OpInfo("bmm", lambda m, x, y: m.bmm(x, y), _pair_3d, F, rtol={"float64": 1e-11},
           errors=[ErrorInput("2-d", lambda m: m.bmm(m.ones(2, 2), m.ones(2, 2)), RuntimeError,
                              same_message=False)]),
    OpInfo("mv", lambda m, x, y: m.mv(x, y), _mat_vec, F, rtol={"float64": 1e-11}),
    OpInfo("outer", lambda m, x, y: m.outer(x, y), _vectors, F),
    OpInfo("addmm", lambda m, b, x, y: m.addmm(b, x, y, beta=0.5, alpha=2.0), _addmm_triple, F,
           rtol={"float64": 1e-11}),
    # shape and indexing
    OpInfo("flip", lambda m, x, dim: x.flip(dim), lambda d: S.reduction(d, keepdim=False), FI),
    OpInfo("roll", lambda m, x, dim: m.roll(x, 1, dim), lambda d: S.reduction(d, keepdim=False, min_dims=1), FI),
    OpInfo("tril", lambda m, x: m.tril(x), lambda d: _U(d, min_dims=2), FI),
    OpInfo("triu-1", lambda m, x: x.triu(1), lambda d: _U(d, min_dims=2), FI,
           errors=[ErrorInput("1-d", lambda m: m.ones(3).triu(), RuntimeError, same_message=False)]),
    OpInfo("repeat", lambda m, x: x.repeat(2, *([1] * x.ndim)), lambda d: _U(d), FI),
    OpInfo("tile", lambda m, x: m.tile(x, (2,)), lambda d: _U(d), FI),
    OpInfo("narrow", lambda m, x, dim: x.narrow(dim, 0, 1), lambda d: S.reduction(d, keepdim=False, min_dims=1), FI),
    OpInfo("split", lambda m, x, dim: m.cat(m.split(x, 2, dim), dim),
           lambda d: S.reduction(d, keepdim=False, min_dims=1), FI),
    OpInfo("chunk", lambda m, x, dim: m.cat(x.chunk(2, dim), dim), lambda d: S.reduction(d, keepdim=False, min_dims=1),
           FI),
    OpInfo("unbind", lambda m, x, dim: m.stack(x.unbind(dim), dim),
           lambda d: S.reduction(d, keepdim=False, min_dims=1), FI),
    OpInfo("movedim", lambda m, x: m.movedim(x, 0, -1), lambda d: _U(d, min_dims=1), FI),
    OpInfo("hstack", lambda m, x: m.hstack([x, x * 2]), lambda d: _U(d), FI),
    OpInfo("vstack", lambda m, x: m.vstack([x, x * 2]), lambda d: _U(d), FI),
    OpInfo("meshgrid", lambda m, x: m.stack(m.meshgrid(x.reshape(-1), x.reshape(-1)[:2], indexing="ij")),
           lambda d: _U(d), FI),
    # nn.functional
    OpInfo("gelu", lambda m, x: m.nn.functional.gelu(x), lambda d: _U(d), F, rtol={"float64": 1e-14}),
    OpInfo("gelu-tanh", lambda m, x: m.nn.functional.gelu(x, approximate="tanh"), lambda d: _U(d), F,
           rtol={"float64": 1e-14}),
    OpInfo("silu", lambda m, x: m.nn.functional.silu(x), lambda d: _U(d), F, rtol={"float64": 1e-14}),
    OpInfo("leaky_relu", lambda m, x: m.nn.functional.leaky_relu(x, 0.2), lambda d: _U(d), F),
    OpInfo("elu", lambda m, x: m.nn.functional.elu(x), lambda d: _U(d), F, rtol={"float64": 1e-14}),
    OpInfo("softplus", lambda m, x: m.nn.functional.softplus(x, beta=2.0), lambda d: _U(d), F,
           rtol={"float64": 1e-14}),
    OpInfo("one_hot", lambda m, x: m.nn.functional.one_hot(x.abs(), 11), lambda d: _U(d), (np.int64,),
           differentiable=False,
           errors=[ErrorInput("float", lambda m: m.nn.functional.one_hot(m.ones(2)), RuntimeError)]),
    OpInfo("normalize", lambda m, x, dim: m.nn.functional.normalize(x, dim=dim),
           lambda d: S.reduction(d, keepdim=False, min_dims=1), F, rtol={"float64": 1e-7}),
    OpInfo("smooth_l1_loss", lambda m, x, y: m.nn.SmoothL1Loss(beta=0.5)(x, y.expand_as(x) if y.ndim <= x.ndim else y),
           lambda d: S.binary(d).filter(lambda s: np.broadcast_shapes(s.args[0].values.shape, s.args[1].values.shape)
                                        == s.args[0].values.shape), F, **_NOGRADCHECK),
    OpInfo("huber_loss", lambda m, x, y: m.nn.functional.huber_loss(x, y.expand_as(x), reduction="sum", delta=2.0),
           lambda d: S.binary(d).filter(lambda s: np.broadcast_shapes(s.args[0].values.shape, s.args[1].values.shape)
                                        == s.args[0].values.shape), F, **_NOGRADCHECK),
    OpInfo("cosine_similarity", lambda m, x, y: m.nn.functional.cosine_similarity(x, y, dim=-1),
           lambda d: S.binary(d, low=0.5, high=5).filter(  # (zero vectors: see the eps note in docs/ops.md)
               lambda s: s.args[0].values.ndim >= 1 and s.args[1].values.ndim >= 1), F,
           rtol={"float64": 1e-11}),
    OpInfo("kl_div", lambda m, x, y: m.nn.functional.kl_div(x, y.abs(), reduction="batchmean"),
           lambda d: S.binary(d, low=0.5, high=5).filter(  # (a target of 0: its own gradient is nan in torch)
               lambda s: s.args[0].values.shape == s.args[1].values.shape), F,
           rtol={"float64": 1e-12}, **_NOGRADCHECK),
    OpInfo("pad-constant", lambda m, x: m.nn.functional.pad(x, (1, 2), value=0.5), lambda d: _U(d, min_dims=1), F),
    OpInfo("pad-crop", lambda m, x: m.nn.functional.pad(x, (-1, 1)), lambda d: _U(d, min_dims=1), F),
    # conversions and keywords
    OpInfo("to-positional-copy", lambda m, x: x.to("cpu", m.float64, False, True), lambda d: _U(d), FI),
    OpInfo("float-memory_format", lambda m, x: x.float(memory_format=m.preserve_format), lambda d: _U(d), FI,
           **_NOGRADCHECK),  # (float64 -> float32: finite differences in float32 are too coarse)
    OpInfo("short", lambda m, x: x.short(), lambda d: _U(d, -100, 100), (np.int64,), differentiable=False),
    OpInfo("byte", lambda m, x: x.byte(), lambda d: _U(d, -100, 100), (np.int64,), differentiable=False),
    # (issue 12, second part)
    OpInfo("median", lambda m, x: m.median(x), lambda d: _U(d).filter(_distinct), FI),
    OpInfo("median-dim", lambda m, x, dim, keepdim: x.median(dim, keepdim),
           lambda d: S.reduction(d).filter(_distinct), FI,
           errors=[ErrorInput("empty-dim", lambda m: m.ones(0, 3).median(0), IndexError)]),
    OpInfo("mode", lambda m, x, dim, keepdim: m.mode(x, dim, keepdim), lambda d: S.reduction(d, low=-3, high=3), FI),
    OpInfo("nanmedian", lambda m, x: m.nanmedian(x), lambda d: _U(d, special=True).filter(_distinct), F),
    OpInfo("nanmedian-dim", lambda m, x, dim, keepdim: x.nanmedian(dim, keepdim),
           lambda d: S.reduction(d, special=True).filter(_distinct), F),
    OpInfo("unique", lambda m, x: m.unique(x, return_inverse=True, return_counts=True),
           lambda d: _U(d, -3, 3, special=d == np.float64), FI, differentiable=False),
    OpInfo("unique-dim", lambda m, x, dim: x.unique(dim=dim, return_inverse=True, return_counts=True),
           lambda d: S.reduction(d, keepdim=False, min_dims=1, low=-1, high=1), FI, differentiable=False),
    OpInfo("einsum-bmm", lambda m, x, y: m.einsum("bij,bjk->bik", x, y), _pair_3d, F, rtol={"float64": 1e-11}),
    OpInfo("einsum-outer-implicit", lambda m, x, y: m.einsum("j,i", [x, y]), _vectors, F),
    OpInfo("einsum-diagonal", lambda m, x: m.einsum("ii->i", x), _square, FI,
           errors=[ErrorInput("subscripts", lambda m: m.einsum("ij->i", m.ones(3)), RuntimeError,
                              same_message=False)]),
    OpInfo("einsum-ellipsis-sum", lambda m, x: m.einsum("...ij->...j", x), lambda d: _U(d, min_dims=2), F,
           rtol={"float64": 1e-13}),
    OpInfo("layer_norm", lambda m, x, w, b: m.nn.functional.layer_norm(x, tuple(w.shape), w, b),
           _layer_norm_sample, F, rtol={"float64": 1e-10, "float32": 1e-4},
           errors=[ErrorInput("shape", lambda m: m.nn.functional.layer_norm(m.ones(2, 3), (2,)), RuntimeError)]),
    OpInfo("diag", lambda m, x: m.diag(x, 1), lambda d: _U(d, min_dims=1, max_dims=2), FI,
           errors=[ErrorInput("3-d", lambda m: m.diag(m.ones(2, 2, 2)), RuntimeError)]),
    OpInfo("diag-vector", lambda m, x: x.diag(-1), lambda d: _U(d, min_dims=1, max_dims=1), FI),
    OpInfo("repeat_interleave", lambda m, x: x.repeat_interleave(2, dim=0), lambda d: _U(d, min_dims=1), FI,
           errors=[ErrorInput("negative", lambda m: m.ones(2).repeat_interleave(-1), RuntimeError)]),
    OpInfo("repeat_interleave-tensor", lambda m, x: m.repeat_interleave(x, m.arange(x.shape[0]) % 3, dim=0),
           lambda d: _U(d, min_dims=1), FI),
    OpInfo("scatter", lambda m, x, src, dim, index: x.scatter(dim, S.to_key(m, index), src), _scatter_sample, FI,
           errors=[ErrorInput("out-of-range", lambda m: m.ones(2, 3).scatter(0, m.tensor([[2]]), m.ones(1, 1)),
                              RuntimeError)]),
    OpInfo("scatter-value", lambda m, x, dim, index: m.scatter(x, dim, S.to_key(m, index), 1.5),
           lambda d: _scatter_sample(d, with_src=False), F),
    OpInfo("scatter_add", lambda m, x, src, dim, index: m.scatter_add(x, dim, S.to_key(m, index), src),
           lambda d: _scatter_sample(d, repeats=True), FI,
           errors=[ErrorInput("dtype", lambda m: m.ones(2).scatter_add(0, m.tensor([0]), m.ones(1, dtype=m.float64)),
                              RuntimeError)]),
    OpInfo("index_add", lambda m, x, src, dim, index: x.index_add(dim, S.to_key(m, index), src, alpha=2),
           _index_add_sample, FI,
           errors=[ErrorInput("source-shape", lambda m: m.ones(3, 2).index_add(0, m.tensor([0, 1]), m.ones(2)),
                              RuntimeError)]),
    OpInfo("masked_select", lambda m, x, y: m.masked_select(x, y > 0), lambda d: S.binary(d), FI,
           errors=[ErrorInput("float-mask", lambda m: m.ones(2).masked_select(m.ones(2)), RuntimeError)]),
    OpInfo("nonzero", lambda m, x: m.nonzero(x), lambda d: _U(d, -1, 1, special=True), FI, differentiable=False),
    OpInfo("nonzero-as_tuple", lambda m, x: x.nonzero(as_tuple=True), lambda d: _U(d, -1, 1), FI,
           differentiable=False),
    OpInfo("new_zeros", lambda m, x: x.new_zeros(2, x.ndim), lambda d: _U(d), FI, differentiable=False),
    OpInfo("new_full", lambda m, x: x.new_full((x.ndim, 2), 1.5, dtype=m.float64), lambda d: _U(d), FI,
           differentiable=False),
    OpInfo("new_tensor", lambda m, x: x.new_tensor([[1, 2], [3, 4]]), lambda d: _U(d), FI, differentiable=False),
]


# (issue 12, third part)
_NUMBER_OTHER = lambda name: ErrorInput("number-other", lambda m: getattr(m, name)(m.ones(2), 2), TypeError,  # noqa: E731
                                        same_message=False)  # (torch names position 2; Tensor.x, position 1)
_INT_KERNEL = lambda name: ErrorInput("int", lambda m: getattr(m, name)(m.ones(2, dtype=m.int64),  # noqa: E731
                                                                     m.ones(2, dtype=m.int64)), NotImplementedError)
OPS += [
    # pointwise, one input
    OpInfo("tan", lambda m, x: m.tan(x), lambda d: _U(d, -1.5, 1.5), FI),
    # (asin, acos, acosh, atanh, logit: gradcheck's smoothed points, |x| in [0.5, 2], leave the domain; ldexp with an
    # integer exponent: torch's d/dx is 2^b in integers, 0 for b < 0, not the derivative)
    OpInfo("asin", lambda m, x: m.asin(x), lambda d: _U(d, -0.99, 0.99), FI, **_NOGRADCHECK),
    OpInfo("acos", lambda m, x: x.acos(), lambda d: _U(d, -0.99, 0.99), FI, **_NOGRADCHECK),
    OpInfo("atan", lambda m, x: m.atan(x), lambda d: _U(d, special=True), FI),
    OpInfo("arcsin-outside", lambda m, x: m.arcsin(x), lambda d: _U(d, special=True), F, **_NOGRADCHECK),
    OpInfo("sinh", lambda m, x: x.sinh(), lambda d: _U(d), FI, rtol={"float64": 1e-14}),
    OpInfo("cosh", lambda m, x: m.cosh(x), lambda d: _U(d), FI, rtol={"float64": 1e-14}),
    OpInfo("asinh", lambda m, x: m.asinh(x), lambda d: _U(d, special=True), FI),
    OpInfo("acosh", lambda m, x: x.acosh(), lambda d: _U(d, 1.01, 10), FI, **_NOGRADCHECK),
    OpInfo("atanh", lambda m, x: m.atanh(x), lambda d: _U(d, -0.99, 0.99), FI, **_NOGRADCHECK),
    OpInfo("log10", lambda m, x: m.log10(x), lambda d: _U(d, 0.01), FI),
    OpInfo("exp2", lambda m, x: x.exp2(), lambda d: _U(d, special=True), FI, rtol={"float64": 1e-14}),
    OpInfo("erfc", lambda m, x: m.erfc(x), lambda d: _U(d, special=True), FI, rtol={"float64": 1e-14}),
    OpInfo("frac", lambda m, x: m.frac(x), lambda d: _U(d, special=True), F,
           errors=[ErrorInput("int", lambda m: m.frac(m.ones(2, dtype=m.int64)), NotImplementedError)]),
    OpInfo("deg2rad", lambda m, x: m.deg2rad(x), lambda d: _U(d, special=True), FI),
    OpInfo("rad2deg", lambda m, x: x.rad2deg(), lambda d: _U(d, special=True), FI),
    OpInfo("sgn", lambda m, x: m.sgn(x), lambda d: _U(d, special=True), FI, differentiable=False),
    # (torch's gradient of sgn is a "ZeroTensor", which cannot become NumPy: checked added to x's own)
    OpInfo("sgn-grad", lambda m, x: m.sgn(x) + x, lambda d: _U(d, special=True), F, **_NOGRADCHECK),
    OpInfo("logit", lambda m, x: m.logit(x), lambda d: _U(d, 0.01, 0.99), FI, **_NOGRADCHECK),
    # (no NaN inputs: torch's gradient at NaN with eps is NaN from its scalar kernel, 0 from its vector one)
    OpInfo("logit-eps", lambda m, x: x.logit(eps=0.1), lambda d: _U(d, -0.5, 1.5), FI, **_NOGRADCHECK),
    OpInfo("sinc", lambda m, x: m.sinc(x), lambda d: _U(d, special=True), FI),
    OpInfo("sinc-at-0", lambda m, x: (x * 0).sinc(), lambda d: _U(d), F),
    # pointwise, two inputs
    OpInfo("fmod", lambda m, x, y: m.fmod(x, y), lambda d: S.binary(d, rhs_low=0.5), F,
           errors=[ErrorInput("int-by-zero", lambda m: m.fmod(m.ones(2, dtype=m.int64), 0), RuntimeError)]),
    OpInfo("fmod-int", lambda m, x, y: x.fmod(y.abs() + 1), lambda d: S.binary(d), (np.int64,)),
    OpInfo("fmod-number", lambda m, x, number: x.fmod(number or 1.5), lambda d: S.with_scalar(d), FI),
    OpInfo("hypot", lambda m, x, y: m.hypot(x, y), lambda d: S.binary(d, special=True), F,
           errors=[_NUMBER_OTHER("hypot"), _INT_KERNEL("hypot")]),
    OpInfo("xlogy", lambda m, x, y: m.xlogy(x, y), lambda d: S.binary(d, rhs_low=0.01), FI),
    OpInfo("xlogy-special", lambda m, x, y: x.xlogy(y), lambda d: S.binary(d, special=True), F, **_NOGRADCHECK),
    OpInfo("xlogy-number", lambda m, x: m.xlogy(x, 2.5), lambda d: _U(d, special=True), FI, **_NOGRADCHECK),
    OpInfo("xlogy-number-x", lambda m, x: m.xlogy(1.5, x), lambda d: _U(d, 0.01), F),
    OpInfo("logaddexp", lambda m, x, y: m.logaddexp(x, y), lambda d: S.binary(d, special=True), F,
           rtol={"float64": 1e-14}, errors=[_NUMBER_OTHER("logaddexp"), _INT_KERNEL("logaddexp")]),
    OpInfo("logaddexp2", lambda m, x, y: x.logaddexp2(y), lambda d: S.binary(d, special=True), F,
           rtol={"float64": 1e-14}, errors=[_INT_KERNEL("logaddexp2")]),
    OpInfo("copysign", lambda m, x, y: m.copysign(x, y), lambda d: S.binary(d, special=True), FI),
    OpInfo("copysign-number", lambda m, x: x.copysign(-1.5), lambda d: _U(d, special=True), FI),
    OpInfo("float_power", lambda m, x, y: m.float_power(x, y), lambda d: S.binary(d, low=0.1, high=3), FI),
    OpInfo("float_power-number", lambda m, x: x.float_power(2.5), lambda d: _U(d, 0.1, 3), FI),
    OpInfo("float_power-number-base", lambda m, x: m.float_power(1.5, x), lambda d: _U(d), FI),
    OpInfo("fmax", lambda m, x, y: m.fmax(x, y), lambda d: S.binary(d, special=True), FI,
           errors=[_NUMBER_OTHER("fmax")]),
    OpInfo("fmin", lambda m, x, y: x.fmin(y), lambda d: S.binary(d, special=True), FI),
    OpInfo("fmax-ties", lambda m, x: m.fmax(x, x.clone()), lambda d: _U(d, -2, 2), F, **_NOGRADCHECK),
    OpInfo("ldexp", lambda m, x, y: m.ldexp(x, y), lambda d: S.binary(d, low=-5, high=5, other_dtype=np.int64), FI,
           **_NOGRADCHECK, errors=[_NUMBER_OTHER("ldexp")]),
    OpInfo("ldexp-float", lambda m, x, y: x.ldexp(y), lambda d: S.binary(d, low=-5, high=5), F),
    # reductions
    OpInfo("nansum", lambda m, x: m.nansum(x), lambda d: _U(d, special=True), FI + (np.bool_,),
           rtol={"float64": 1e-13}),
    OpInfo("nansum-dim", lambda m, x, dim, keepdim: x.nansum(dim, keepdim), lambda d: S.reduction(d, special=True), FI,
           rtol={"float64": 1e-13}),
    OpInfo("nanmean", lambda m, x: m.nanmean(x), lambda d: _U(d, special=True), F, rtol={"float64": 1e-13},
           errors=[ErrorInput("int", lambda m: m.nanmean(m.ones(2, dtype=m.int64)), RuntimeError)]),
    OpInfo("nanmean-dim", lambda m, x, dim, keepdim: x.nanmean(dim, keepdim), lambda d: S.reduction(d, special=True),
           F, rtol={"float64": 1e-13}),
    OpInfo("var_mean", lambda m, x, dim, keepdim: m.var_mean(x, dim, keepdim=keepdim),
           lambda d: S.reduction(d, min_side=2, min_dims=1), F, rtol={"float64": 1e-12}),
    OpInfo("var_mean-both-grads", lambda m, x, dim, keepdim: sum(m.var_mean(x, dim, keepdim=keepdim, correction=0)),
           lambda d: S.reduction(d, min_side=2, min_dims=1), F, rtol={"float64": 1e-12}),
    OpInfo("std_mean", lambda m, x, dim, keepdim: m.std_mean(x, dim, keepdim=keepdim),
           lambda d: S.reduction(d, min_side=2, min_dims=1), F, rtol={"float64": 1e-12},
           errors=[ErrorInput("int", lambda m: m.std_mean(m.ones(2, dtype=m.int64)), RuntimeError)]),
    OpInfo("std_mean-both-grads", lambda m, x: sum(m.std_mean(x, correction=2)), lambda d: _U(d, min_dims=1).filter(
        lambda s: s.args[0].values.size > 2), F, rtol={"float64": 1e-12}),
    OpInfo("trace", lambda m, x: m.trace(x), lambda d: _U(d, min_dims=2, max_dims=2), FI,
           errors=[ErrorInput("3-d", lambda m: m.trace(m.ones(2, 2, 2)), RuntimeError)]),
    OpInfo("diagonal", lambda m, x: m.diagonal(x), lambda d: _U(d, min_dims=2), FI,
           errors=[ErrorInput("same-dims", lambda m: m.ones(2, 2).diagonal(0, 1, 1), RuntimeError)]),
    OpInfo("diagonal-offset", lambda m, x: x.diagonal(1, -1, 0), lambda d: _U(d, min_dims=2), FI),
    OpInfo("diagonal-negative-offset", lambda m, x: m.diagonal(x, -1, 0, -1) * 2, lambda d: _U(d, min_dims=2), F),
]

# (added: common torch APIs minitorch_ref lacked; docs/ops.md lists them)
_FN = lambda name: lambda m: getattr(m.nn.functional, name)  # noqa: E731
_INT_ACTIVATION = lambda name, kernel: ErrorInput(  # noqa: E731
    "int", lambda m: getattr(m.nn.functional, name)(m.ones(2, dtype=m.int64)), NotImplementedError)
_BITWISE_FLOAT = lambda name: ErrorInput("float", lambda m: getattr(m, name)(m.ones(2), m.ones(2)),  # noqa: E731
                                         NotImplementedError)
_IB = (np.int64, np.bool_)


def _bincount_weights(d):
    """A 1-d int64 tensor of small non-negative values and weights of its length (float32, float64 or int64)."""
    from hypothesis import strategies as st

    return st.integers(0, 6).flatmap(lambda n: st.tuples(S.args(np.int64, (n,), 0, 6), S.args(d, (n,)))).map(
        lambda xw: S.Sample(xw))


OPS += [
    # activations (no nan in the samples of relu6, hardtanh, hardswish, selu: at nan torch's scalar and vectorized
    # backward kernels differ; see the fuzz test's exclusion list)
    OpInfo("relu6", lambda m, x: m.nn.functional.relu6(x), lambda d: _U(d), FI,
           errors=[ErrorInput("bool", lambda m: m.nn.functional.relu6(m.tensor([True])), RuntimeError),
                   ErrorInput("number", lambda m: m.nn.functional.relu6(1.0), TypeError)]),
    OpInfo("relu6-inplace", lambda m, x: m.nn.functional.relu6(x * 1, inplace=True), lambda d: _U(d), FI,
           errors=[ErrorInput("leaf", lambda m: m.nn.functional.relu6(m.ones(2, requires_grad=True), inplace=True),
                              RuntimeError)]),
    OpInfo("hardtanh", lambda m, x: m.nn.functional.hardtanh(x, -2.5, 3.0), lambda d: _U(d), FI,
           errors=[ErrorInput("min-above-max", lambda m: m.nn.functional.hardtanh(m.ones(2), 2.0, 1.0), ValueError),
                   ErrorInput("uint8-negative", lambda m: m.nn.functional.hardtanh(m.ones(2, dtype=m.uint8)),
                              RuntimeError)]),
    OpInfo("hardtanh_", lambda m, x: m.nn.functional.hardtanh_(x * 1, -0.5, 2), lambda d: _U(d), FI),
    OpInfo("logsigmoid", lambda m, x: m.nn.functional.logsigmoid(x), lambda d: _U(d, -40, 40, special=True), F,
           rtol={"float64": 1e-14}, errors=[_INT_ACTIVATION("logsigmoid", "log_sigmoid_cpu"),
                                            ErrorInput("number", lambda m: m.nn.functional.logsigmoid(1.0), TypeError)]),
    OpInfo("hardswish", lambda m, x: m.nn.functional.hardswish(x), lambda d: _U(d, -5, 5), F,
           errors=[_INT_ACTIVATION("hardswish", "hardswish_cpu")]),
    OpInfo("hardswish-inplace", lambda m, x: m.nn.functional.hardswish(x * 1, inplace=True), lambda d: _U(d, -5, 5), F),
    OpInfo("hardsigmoid", lambda m, x: m.nn.functional.hardsigmoid(x), lambda d: _U(d, -5, 5, special=True), F,
           errors=[_INT_ACTIVATION("hardsigmoid", "hardsigmoid_cpu")]),
    OpInfo("hardsigmoid-inplace", lambda m, x: m.nn.functional.hardsigmoid(x * 1, True), lambda d: _U(d, -5, 5), F),
    OpInfo("mish", lambda m, x: m.nn.functional.mish(x), lambda d: _U(d, special=True), F, rtol={"float64": 1e-13},
           errors=[_INT_ACTIVATION("mish", "mish_cpu")]),
    OpInfo("mish-inplace", lambda m, x: m.nn.functional.mish(x * 1, inplace=True), lambda d: _U(d), F,
           rtol={"float64": 1e-13}),
    OpInfo("selu", lambda m, x: m.nn.functional.selu(x), lambda d: _U(d), F, rtol={"float64": 1e-14},
           errors=[_INT_ACTIVATION("selu", "elu_cpu")]),
    OpInfo("selu-inplace", lambda m, x: m.nn.functional.selu(x * 1, inplace=True), lambda d: _U(d), F,
           rtol={"float64": 1e-14}),
    # functions
    OpInfo("isclose", lambda m, x, y: m.isclose(x, y, rtol=0.1, atol=0.5), lambda d: S.binary(d, special=True),
           FI + (np.bool_,), differentiable=False,
           errors=[ErrorInput("dtypes", lambda m: m.isclose(m.ones(2), m.ones(2, dtype=m.float64)), RuntimeError),
                   ErrorInput("rtol", lambda m: m.isclose(m.ones(2), m.ones(2), rtol=-1), RuntimeError),
                   ErrorInput("atol", lambda m: m.ones(2).isclose(m.ones(2), atol=-0.5), RuntimeError),
                   ErrorInput("number-other", lambda m: m.isclose(m.ones(2), 1.0), TypeError),
                   _broadcast_error(lambda m, x, y: m.isclose(x, y))]),
    OpInfo("isclose-equal_nan", lambda m, x, y: x.isclose(y, equal_nan=True), lambda d: S.binary(d, special=True), F,
           differentiable=False),
    OpInfo("diff", lambda m, x: m.diff(x), lambda d: _U(d, min_dims=1), FI + (np.bool_,),
           errors=[ErrorInput("0-d", lambda m: m.diff(m.tensor(1.0)), RuntimeError),
                   ErrorInput("negative-n", lambda m: m.ones(3).diff(-1), RuntimeError),
                   ErrorInput("float-n", lambda m: m.diff(m.ones(3), n=1.5), TypeError),
                   ErrorInput("dim", lambda m: m.diff(m.ones(2, 3), dim=2), IndexError),
                   ErrorInput("prepend-rank", lambda m: m.diff(m.ones(2, 3), prepend=m.ones(3)), RuntimeError),
                   ErrorInput("prepend-shape", lambda m: m.diff(m.ones(2, 3), 1, -1, m.ones(3, 1)), RuntimeError),
                   ErrorInput("append-number", lambda m: m.ones(3).diff(append=1.0), TypeError)]),
    OpInfo("diff-n-dim", lambda m, x, dim: m.diff(x, 2, dim), lambda d: S.reduction(d, keepdim=False, min_dims=1),
           FI + (np.bool_,)),
    OpInfo("diff-n-0", lambda m, x: x.diff(0), lambda d: _U(d, min_dims=1), FI),
    OpInfo("diff-prepend-append", lambda m, x: x.diff(n=2, dim=0, prepend=x[:1] * 2, append=x),
           lambda d: _U(d, min_dims=1), FI),
    OpInfo("unflatten", lambda m, x, dim: x.unflatten(dim, (1, -1)), lambda d: S.reduction(d, keepdim=False, min_dims=1),
           FI, errors=[ErrorInput("sizes", lambda m: m.ones(2, 12).unflatten(1, (5, -1)), RuntimeError),
                       ErrorInput("empty-sizes", lambda m: m.ones(2, 12).unflatten(1, ()), RuntimeError),
                       ErrorInput("two-inferred", lambda m: m.ones(2, 12).unflatten(1, (-1, -1)), RuntimeError,
                                  same_message=False),  # (torch's message carries its C++ stack)
                       ErrorInput("int-sizes", lambda m: m.ones(2, 12).unflatten(1, 3), TypeError),
                       ErrorInput("dim", lambda m: m.unflatten(m.ones(2, 12), 2, (3, 4)), IndexError)]),
    OpInfo("unflatten-split", lambda m, x: m.unflatten(x, -1, (x.shape[-1], 1, 1)), lambda d: _U(d, min_dims=1), FI),
    OpInfo("bincount", lambda m, x: m.bincount(x.abs() % 7, minlength=3), lambda d: _U(d, min_dims=1, max_dims=1),
           (np.int64,), differentiable=False,
           errors=[ErrorInput("negative", lambda m: m.bincount(m.tensor([-1, 2])), RuntimeError),
                   ErrorInput("float", lambda m: m.bincount(m.tensor([1.0])), NotImplementedError),
                   ErrorInput("bool", lambda m: m.tensor([True]).bincount(), NotImplementedError),
                   ErrorInput("2-d", lambda m: m.bincount(m.tensor([[1, 2]])), RuntimeError),
                   ErrorInput("minlength", lambda m: m.bincount(m.tensor([1]), minlength=-1), RuntimeError),
                   ErrorInput("weights-length", lambda m: m.bincount(m.tensor([1, 2]), m.ones(3)), RuntimeError)]),
    OpInfo("bincount-weights", lambda m, x, w: m.bincount(x, w), _bincount_weights, FI, differentiable=False),
    OpInfo("floor_divide", lambda m, x, y: m.floor_divide(x, y), lambda d: S.binary(d, rhs_low=0.5), F,
           differentiable=False),
    OpInfo("floor_divide-int", lambda m, x, y: m.floor_divide(x, y.abs() + 1), lambda d: S.binary(d), (np.int64,),
           differentiable=False),
    OpInfo("floor_divide-number-first", lambda m, x: m.floor_divide(7, x.abs() + 1), lambda d: _U(d), FI,
           differentiable=False),
    OpInfo("true_divide", lambda m, x, y: m.true_divide(x, y), lambda d: S.binary(d, rhs_low=0.5), FI),
    OpInfo("true_divide-method", lambda m, x: x.true_divide(3), lambda d: _U(d), FI),
    OpInfo("remainder", lambda m, x, y: m.remainder(x, y), lambda d: S.binary(d, rhs_low=0.5), F, **_NOGRADCHECK),
    OpInfo("remainder-int", lambda m, x, y: m.remainder(x, y.abs() + 1), lambda d: S.binary(d), (np.int64,)),
    OpInfo("remainder-number-first", lambda m, x: m.remainder(5.5, x.abs() + 1), lambda d: _U(d), FI,
           differentiable=False),
    OpInfo("bitwise_and", lambda m, x, y: m.bitwise_and(x, y), lambda d: S.binary(d), _IB, differentiable=False,
           errors=[_BITWISE_FLOAT("bitwise_and")]),
    OpInfo("bitwise_or", lambda m, x, y: x.bitwise_or(y), lambda d: S.binary(d), _IB, differentiable=False,
           errors=[_BITWISE_FLOAT("bitwise_or"), _broadcast_error(lambda m, x, y: m.bitwise_or(x, y))]),
    OpInfo("bitwise_xor", lambda m, x, y: m.bitwise_xor(x, y), lambda d: S.binary(d), _IB, differentiable=False,
           errors=[_BITWISE_FLOAT("bitwise_xor")]),
    OpInfo("bitwise_xor-number", lambda m, x: m.bitwise_xor(x, 5), lambda d: _U(d), (np.int64,), differentiable=False),
    OpInfo("bitwise_and-number-first", lambda m, x: m.bitwise_and(True, x), lambda d: _U(d), _IB,
           differentiable=False),
    OpInfo("bitwise_not", lambda m, x: m.bitwise_not(x), lambda d: _U(d), _IB, differentiable=False,
           errors=[ErrorInput("float", lambda m: m.ones(2).bitwise_not(), NotImplementedError)]),
]

# ---- convolution, pooling, batch norm (ops/conv.py, ops/normalization.py) ----------------------------
def _int_or_tuple(draw, values: tuple):
    """`values` (one per spatial dim) as torch accepts them: an int when they are equal (sometimes), else a tuple."""
    from hypothesis import strategies as st

    return values[0] if len(set(values)) == 1 and draw(st.booleans()) else tuple(values)


def _conv_sample(d, dims: int, bias: bool = True, options: bool = False, same: bool = False):
    """Input (N, C_in, *spatial) (or unbatched (C_in, *spatial) with `options`), weight (C_out, C_in / groups,
    *kernel) and bias (C_out,) (or None), all valid: every spatial size at least the dilated kernel minus the
    padding. `options`: stride, padding (ints, tuples or 'valid'), dilation and groups drawn; `same`: padding='same'
    (stride 1, even kernels and dilations too)."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        groups = draw(st.integers(1, 2)) if options or same else 1
        c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
        kernel = tuple(draw(st.integers(1, 4 if same else 3)) for _ in range(dims))
        stride = tuple(draw(st.integers(1, 2)) for _ in range(dims)) if options else (1,) * dims
        dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims)) if options or same else (1,) * dims
        padding = tuple(draw(st.integers(0, 2)) for _ in range(dims)) if options else (0,) * dims
        spatial = tuple(draw(st.integers(max(1, dl * (k - 1) + 1 - 2 * p), dl * (k - 1) + 6 - 2 * p))
                        for k, dl, p in zip(kernel, dilation, padding))
        batch = () if options and draw(st.booleans()) else (draw(st.integers(1, 2)),)
        x = draw(S.args(d, batch + (c_in,) + spatial, -3, 3))
        w = draw(S.args(d, (c_out, c_in // groups) + kernel, -3, 3))
        b = (draw(S.args(d, (c_out,), -3, 3)),) if bias and draw(st.booleans()) else ()  # (no bias: None)
        if not (options or same):
            return S.Sample((x, w) + b)
        kwargs = {"stride": _int_or_tuple(draw, stride), "dilation": _int_or_tuple(draw, dilation), "groups": groups,
                  "padding": "same" if same else ("valid" if not any(padding) and draw(st.booleans())
                                                  else _int_or_tuple(draw, padding))}
        return S.Sample((x, w) + b, kwargs)

    return build()


def _has_empty_window(s: S.Sample) -> bool:
    """Whether max pooling with `s`'s options has a window of dilated steps that skip over every input element: its
    value is the lowest one and its index points past the plane (as minitorch_ref's), and torch's backward adds the
    window's gradient there, into the next plane or past the tensor (a write out of bounds: no reference)."""
    kw = s.kwargs
    size = s.args[0].values.shape[-2:]
    kernel, padding, dilation = (v if isinstance(v, tuple) else (v, v) for v in
                                 (kw["kernel_size"], kw["padding"], kw["dilation"]))
    stride = kernel if kw["stride"] is None else kw["stride"] if isinstance(kw["stride"], tuple) else (kw["stride"],) * 2
    for n, k, st_, p, dl in zip(size, kernel, stride, padding, dilation):
        out = (n + 2 * p - dl * (k - 1) - 1 + (st_ - 1 if kw["ceil_mode"] else 0)) // st_ + 1
        if kw["ceil_mode"] and (out - 1) * st_ >= n + p:
            out -= 1
        if any(not any(0 <= o * st_ - p + j * dl < n for j in range(k)) for o in range(out)):
            return True
    return False


def _pool_sample(d, average: bool = False):
    """Input (N, C, H, W) or (C, H, W) and valid pooling options: kernel 1-3, stride (None: the kernel), padding
    at most half the kernel, dilation (max only), ceil_mode; count_include_pad and divisor_override (avg only);
    H and W at least the dilated kernel minus twice the padding."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        dilation = (1, 1) if average else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
        padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
        size = tuple(draw(st.integers(max(1, dl * (k - 1) + 1 - 2 * p), dl * (k - 1) + 5 - 2 * p))
                     for k, dl, p in zip(kernel, dilation, padding))
        batch = draw(st.sampled_from([(), (1,), (2,)]))
        x = draw(S.args(d, batch + (draw(st.integers(1, 2)),) + size, special=not average))
        stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
        kwargs = {"kernel_size": _int_or_tuple(draw, kernel), "stride": stride if stride is None else
                  _int_or_tuple(draw, stride), "padding": _int_or_tuple(draw, padding), "ceil_mode": draw(st.booleans())}
        if average:
            kwargs.update(count_include_pad=draw(st.booleans()), divisor_override=draw(st.none() | st.integers(1, 5)))
        else:
            kwargs["dilation"] = _int_or_tuple(draw, dilation)
        return S.Sample((x,), kwargs)

    return build() if average else build().filter(lambda s: not _has_empty_window(s))


def _batch_norm_sample(d, affine_kwargs: bool = True):
    """Input (N, C, *rest) of rank 2-4 with more than one value per channel, a weight and a bias of (C,) (`affine`
    says which of them the call passes, the others None); momentum and eps drawn with `affine_kwargs`."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        shape = draw(S.shapes(min_dims=2, max_dims=4).filter(lambda s: s[0] * int(np.prod(s[2:])) > 1))
        x = draw(S.args(d, shape).filter(lambda a: not _torch_misreads_as_channels_last(a)))
        # (contiguous weights: torch 2.13's CPU batch_norm backward reads a strided weight as if it were
        # contiguous, e.g. [2., 3., 4., 5.][::2] as [2., 3.], so its input gradient is wrong: not a reference)
        w, b = (S.Arg(draw(S.arrays(d, shape[1:2], -2, 2))) for _ in range(2))
        kwargs = {"affine": draw(st.sampled_from(["both", "weight", "bias", "none"]))}
        if affine_kwargs:
            kwargs.update(momentum=draw(st.sampled_from([0.1, 0.5, 1.0, 0.0])),
                          eps=draw(st.sampled_from([1e-5, 1e-3, 0.5])))
        return S.Sample((x, w, b), kwargs)

    return build()


def _torch_misreads_as_channels_last(a: S.Arg) -> bool:
    """A transposed (N=1, C, H, W) input with H or W of 1: its strides, (1, 1, C, C * H), also pass torch's
    channels_last check, and torch 2.13's CPU batch_norm backward then mixes the layouts up with the (contiguous)
    upstream gradient: every gradient comes out wrong, the bias's (the gradient's sum per channel) included;
    e.g. shape (1, 2, 1, 2): torch [0.766, -0.027], the sums [-0.006, 0.745]. A torch bug: not a reference."""
    shape = a.values.shape
    return a.layout == "transposed" and len(shape) == 4 and shape[0] == 1 and 1 in shape[2:] and shape[1] > 1


def _running_stats(m, x):
    """Running mean and variance (C,) of x's dtype, made inside the call (not leaves: they must not require grad)."""
    c = x.shape[1]
    return m.arange(c, dtype=x.dtype) * 0.5 - 0.25, m.arange(c, dtype=x.dtype) * 0.75 + 0.5


def _affine(w, b, affine: str) -> tuple:
    return (w if affine in ("both", "weight") else None), (b if affine in ("both", "bias") else None)


def _batch_norm_training(m, x, w, b, affine, momentum, eps):
    mean, var = _running_stats(m, x)
    w, b = _affine(w, b, affine)
    out = m.nn.functional.batch_norm(x, mean, var, w, b, training=True, momentum=momentum, eps=eps)
    return out, mean, var  # (the running stats, updated in place, are compared too)


def _batch_norm_eval(m, x, w, b, affine):
    mean, var = _running_stats(m, x)
    w, b = _affine(w, b, affine)
    return m.nn.functional.batch_norm(x, mean, var, w, b, training=False)


_CONV = lambda name: lambda m, x, w, *b, stride, padding, dilation, groups: getattr(m.nn.functional, name)(  # noqa: E731
    x, w, *b, stride=stride, padding=padding, dilation=dilation, groups=groups)
_F = lambda m: m.nn.functional  # noqa: E731
OPS += [
    # (x, y): entered in the fuzz test's random programs too
    OpInfo("conv1d", lambda m, x, y: m.nn.functional.conv1d(x, y), lambda d: _conv_sample(d, 1, bias=False), FI,
           errors=[ErrorInput("4-d", lambda m: _F(m).conv1d(m.ones(1, 2, 3, 3), m.ones(2, 2, 1)), RuntimeError),
                   ErrorInput("stride-length", lambda m: _F(m).conv1d(m.ones(1, 2, 3), m.ones(2, 2, 1), stride=(1, 1)),
                              RuntimeError)]),
    OpInfo("conv1d-options", _CONV("conv1d"), lambda d: _conv_sample(d, 1, options=True), FI),
    OpInfo("conv1d-same", _CONV("conv1d"), lambda d: _conv_sample(d, 1, same=True), F),
    OpInfo("conv2d", lambda m, x, w, *b: m.nn.functional.conv2d(x, w, *b), lambda d: _conv_sample(d, 2), FI,
           errors=[ErrorInput("channels", lambda m: _F(m).conv2d(m.ones(1, 3, 5, 5), m.ones(2, 4, 3, 3)), RuntimeError),
                   ErrorInput("kernel-too-big", lambda m: _F(m).conv2d(m.ones(1, 1, 2, 2), m.ones(1, 1, 3, 3)),
                              RuntimeError),
                   ErrorInput("groups", lambda m: _F(m).conv2d(m.ones(1, 4, 3, 3), m.ones(3, 2, 1, 1), groups=2),
                              RuntimeError),
                   ErrorInput("bias-size", lambda m: _F(m).conv2d(m.ones(1, 1, 3, 3), m.ones(2, 1, 1, 1), m.ones(3)),
                              RuntimeError),
                   ErrorInput("same-strided", lambda m: _F(m).conv2d(m.ones(1, 1, 3, 3), m.ones(1, 1, 1, 1), stride=2,
                                                                     padding="same"), RuntimeError),
                   ErrorInput("padding-string", lambda m: _F(m).conv2d(m.ones(1, 1, 3, 3), m.ones(1, 1, 1, 1),
                                                                       padding="full"), RuntimeError),
                   ErrorInput("negative-padding", lambda m: _F(m).conv2d(m.ones(1, 1, 3, 3), m.ones(1, 1, 1, 1),
                                                                         padding=-1), RuntimeError),
                   ErrorInput("dtypes", lambda m: _F(m).conv2d(m.ones(1, 1, 3, 3), m.ones(1, 1, 1, 1, dtype=m.float64)),
                              RuntimeError)]),
    OpInfo("conv2d-no-bias", lambda m, x, y: m.nn.functional.conv2d(x, y, stride=(1, 2)),
           lambda d: _conv_sample(d, 2, bias=False), FI),
    OpInfo("conv2d-options", _CONV("conv2d"), lambda d: _conv_sample(d, 2, options=True), FI),
    OpInfo("conv2d-same", _CONV("conv2d"), lambda d: _conv_sample(d, 2, same=True), F),
    OpInfo("max_pool2d", lambda m, x, kernel_size, stride, padding, dilation, ceil_mode: m.nn.functional.max_pool2d(
        x, kernel_size, stride, padding, dilation, ceil_mode), lambda d: _pool_sample(d), FI,
           errors=[ErrorInput("2-d", lambda m: _F(m).max_pool2d(m.ones(3, 3), 2), RuntimeError),
                   ErrorInput("padding", lambda m: _F(m).max_pool2d(m.ones(1, 1, 4, 4), 2, padding=2), RuntimeError),
                   ErrorInput("too-small", lambda m: _F(m).max_pool2d(m.ones(1, 1, 2, 2), 3), RuntimeError),
                   ErrorInput("kernel-length", lambda m: _F(m).max_pool2d(m.ones(1, 1, 4, 4), (2, 2, 2)),
                              RuntimeError)]),
    OpInfo("max_pool2d-indices", lambda m, x, kernel_size, stride, padding, dilation, ceil_mode:
           m.nn.functional.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True),
           lambda d: _pool_sample(d), FI),
    # (kernel 2, padding 1, dilation 2 over a side of 1: the window's two steps, -1 and 1, skip the input; no
    # gradient: see `_has_empty_window`; not drawn by the fuzz test, see its list)
    OpInfo("max_pool2d-empty-windows", lambda m, x: m.nn.functional.max_pool2d(x, 2, 1, 1, 2, return_indices=True),
           lambda d: _U(d, special=True, min_dims=3, max_dims=4).filter(lambda s: min(s.args[0].values.shape[-2:]) == 1),
           FI, differentiable=False),
    OpInfo("max_pool2d-2", lambda m, x: m.nn.functional.max_pool2d(x, 2), lambda d: _U(d, min_dims=3, max_dims=4).filter(
        lambda s: min(s.args[0].values.shape[-2:]) >= 2), FI),
    OpInfo("avg_pool2d", lambda m, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override:
           m.nn.functional.avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override),
           lambda d: _pool_sample(d, average=True), FI,
           errors=[ErrorInput("divisor-zero", lambda m: _F(m).avg_pool2d(m.ones(1, 1, 4, 4), 2, divisor_override=0),
                              RuntimeError),
                   ErrorInput("padding", lambda m: _F(m).avg_pool2d(m.ones(1, 1, 4, 4), 3, padding=2), RuntimeError),
                   ErrorInput("bool", lambda m: _F(m).avg_pool2d(m.ones(1, 1, 4, 4, dtype=m.bool), 2),
                              NotImplementedError)]),
    OpInfo("avg_pool2d-ceil", lambda m, x: m.nn.functional.avg_pool2d(x, 2, ceil_mode=True, count_include_pad=False),
           lambda d: _U(d, min_dims=3, max_dims=4), FI),
    # (the returned running stats have no gradient: gradcheck would ask one of them)
    OpInfo("batch_norm-training", _batch_norm_training, lambda d: _batch_norm_sample(d), F,
           rtol={"float64": 1e-10, "float32": 1e-4}, **_NOGRADCHECK,
           errors=[ErrorInput("one-value-per-channel", lambda m: _F(m).batch_norm(m.ones(1, 3), None, None,
                                                                                  training=True), ValueError),
                   ErrorInput("weight-size", lambda m: _F(m).batch_norm(m.ones(2, 3), None, None, m.ones(2),
                                                                        training=True), RuntimeError),
                   ErrorInput("int", lambda m: _F(m).batch_norm(m.ones(2, 3, dtype=m.int64), None, None,
                                                                training=True), NotImplementedError),
                   ErrorInput("eps", lambda m: _F(m).batch_norm(m.ones(2, 3), None, None, training=True, eps=0.0),
                              ValueError)]),
    OpInfo("batch_norm-eval", _batch_norm_eval, lambda d: _batch_norm_sample(d, affine_kwargs=False), F,
           rtol={"float64": 1e-10, "float32": 1e-4},
           errors=[ErrorInput("no-running-stats", lambda m: _F(m).batch_norm(m.ones(2, 3), None, None), RuntimeError),
                   ErrorInput("running-mean-size", lambda m: _F(m).batch_norm(m.ones(2, 3), m.zeros(2), m.ones(2)),
                              RuntimeError),
                   ErrorInput("running-dtype", lambda m: _F(m).batch_norm(m.ones(2, 3), m.zeros(3, dtype=m.float64),
                                                                          m.ones(3, dtype=m.float64)), RuntimeError)]),
    OpInfo("batch_norm", lambda m, x: m.nn.functional.batch_norm(x, None, None, training=True),
           lambda d: _U(d, min_dims=2).filter(lambda s: s.args[0].values.shape[0] * int(
               np.prod(s.args[0].values.shape[2:])) > 1 and not _torch_misreads_as_channels_last(s.args[0])), F,
           rtol={"float64": 1e-10, "float32": 1e-4}),
]



# ---- select, take, addcmul, addcdiv, dist (test_leftovers.py checks their argument parsing) ----------------
def _select_sample(d):
    """x (1-4 dims), a dim and an index along it, negative ones included."""
    from hypothesis import strategies as st

    def pick(s):
        size = s.args[0].values.shape[s.kwargs["dim"]]
        return st.integers(-size, size - 1).map(lambda i: S.Sample(s.args, {"dim": s.kwargs["dim"], "index": i}))

    return S.reduction(d, keepdim=False, min_dims=1).flatmap(pick)


def _take_sample(d):
    """x (0-4 dims) and an int64 index of 0-3 dims into its flat elements (negative and repeated ones too)."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    return S.unary(d).flatmap(lambda s: hnp.arrays(np.int64, S.shapes(0, 3), elements=st.integers(
        -s.args[0].values.size, s.args[0].values.size - 1)).map(lambda index: S.Sample(s.args, {"index": index})))


@S.st.composite
def _three_broadcast(draw, d, low: float = -10.0):
    """input, tensor1, tensor2 of mutually broadcastable shapes (tensor2's values from `low`)."""
    shapes = draw(S.hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
    return S.Sample(tuple(draw(S.args(d, shape, low=low if i == 2 else -10.0))
                          for i, shape in enumerate(shapes.input_shapes)))


OPS += [
    OpInfo("select", lambda m, x, dim, index: x.select(dim, index), _select_sample, FI,
           errors=[ErrorInput("0-d", lambda m: m.tensor(1.0).select(0, 0), IndexError),
                   ErrorInput("index-out-of-range", lambda m: m.ones(2, 3).select(1, -4), IndexError),
                   ErrorInput("dim-out-of-range", lambda m: m.select(m.ones(2, 3), 2, 0), IndexError),
                   ErrorInput("float-index", lambda m: m.ones(2).select(0, 1.0), TypeError)]),
    OpInfo("take", lambda m, x, index: m.take(x, S.to_key(m, index)), _take_sample, FI,
           errors=[ErrorInput("out-of-range", lambda m: m.ones(2, 3).take(m.tensor([1, 6])), IndexError),
                   ErrorInput("negative-out-of-range", lambda m: m.ones(2).take(m.tensor([-3])), IndexError),
                   ErrorInput("empty-input", lambda m: m.ones(0).take(m.tensor([0])), IndexError),
                   ErrorInput("int32-index", lambda m: m.ones(2).take(_t(m, [0], "int32")), RuntimeError)]),
    OpInfo("addcmul", lambda m, c, x, y: m.addcmul(c, x, y, value=-0.5), _three_broadcast, FI,
           errors=[ErrorInput("shapes", lambda m: m.addcmul(m.ones(2), m.ones(3), m.ones(2)), RuntimeError),
                   ErrorInput("bool", lambda m: m.ones(2, dtype=m.bool).addcmul(m.ones(2, dtype=m.bool),
                                                                                 m.ones(2, dtype=m.bool)),
                              NotImplementedError)]),
    OpInfo("addcmul-method", lambda m, x, t1, t2: x.addcmul(t1, t2), _three_broadcast, F),
    # (tensor1/tensor2, not x/y: the fuzz test leaves addcdiv out, as torch's own backward refuses some of its
    # mixed-dtype calls: "result type Float can't be cast to the desired output type Long")
    OpInfo("addcdiv", lambda m, x, tensor1, tensor2: m.addcdiv(x, tensor1, tensor2, value=2),
           lambda d: _three_broadcast(d, low=0.5), F,
           errors=[ErrorInput("integer-division", lambda m: m.ones(2).addcdiv(m.ones(2, dtype=m.int64),
                                                                                m.ones(2, dtype=m.int64)),
                              RuntimeError)]),
    OpInfo("addcdiv-method", lambda m, x, t1, t2: x.addcdiv(t1, t2, value=-0.25),
           lambda d: _three_broadcast(d, low=0.5), F),
    OpInfo("dist", lambda m, x, y: m.dist(x, y), lambda d: S.binary(d), F,
           errors=[_broadcast_error(lambda m, x, y: m.dist(x, y)),
                   ErrorInput("int", lambda m: m.dist(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64)),
                              RuntimeError)]),
    OpInfo("dist-p", lambda m, x, y: x.dist(y, 3), lambda d: S.binary(d), F),
    OpInfo("dist-p1", lambda m, x, y: x.dist(y, p=1), lambda d: S.binary(d), F, **_NOGRADCHECK),
]

OPS_BY_NAME = {op.name: op for op in OPS}
assert len(OPS_BY_NAME) == len(OPS), "op names must be unique"
