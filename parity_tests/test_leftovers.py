"""Differences that differential probes found outside their own areas, each now as torch's.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: both must give the
same result (values, dtype, shape, requires_grad, grad_fn name; Python numbers, strings and tuples as
they are), or raise the same exception type with the same message ("torch" read as "minitorch_ref").
Nothing expected is written down here: torch, run beside us, is the reference.

It covers: `finfo`/`iinfo` (every attribute, the repr, the errors for the wrong kind of dtype),
the module functions `is_complex`/`is_floating_point`/`is_nonzero`, `set_grad_enabled` refusing
anything but a bool (yet working as a decorator and with `mode=`), `chunk` of a 0-d tensor and
`permute()` with no dims, the argument parsing of `select`/`take`/`addcmul`/`addcdiv`/`dist` (their
values, gradients and nodes are op-table rows), `randperm` of a one-element integer tensor (so
`random_split(ds, tensor([3, 7]))` works), `tensor([1.0, None])` with a dtype, the node name of
`einsum` over many equations, and the messages for mixed dtypes in `F.linear`, `mv`, `dot` and
`matmul`.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import minitorch_ref as mt

_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)")


def _text(message: str) -> str:
    """A message with torch's name read as ours."""
    return _TRIGGERED.sub("", str(message)).replace("torch.", "minitorch_ref.").replace("torch", "minitorch_ref")


def _plain(value):
    """A library-free picture of a result (values as their repr, so that nan equals nan)."""
    if isinstance(value, (torch.Tensor, mt.Tensor)):
        node = None if value.grad_fn is None else value.grad_fn.name()
        return ("tensor", repr(value.detach().numpy().tolist()), str(value.dtype).split(".")[-1], tuple(value.shape),
                value.requires_grad, node)
    if isinstance(value, (torch.dtype, mt.dtype)):
        return ("dtype", str(value).split(".")[-1])
    if isinstance(value, (list, tuple)):
        return type(value).__name__, tuple(_plain(v) for v in value)
    if isinstance(value, str):
        return _text(value)
    return type(value).__name__, value


def _outcome(fn, lib):
    try:
        return "ok", _plain(fn(lib))
    except Exception as error:  # noqa: BLE001 (the exception is the result being compared)
        return "raised", type(error).__name__, _text(error)


def _assert_same(fn):
    assert _outcome(fn, mt) == _outcome(fn, torch)


# --- 1. finfo / iinfo ----------------------------------------------------------------------------
_FINFO_ATTRS = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_attributes_and_repr(name):
    def fn(m):
        info = m.finfo(getattr(m, name))
        return [(a, type(getattr(info, a)).__name__, getattr(info, a)) for a in _FINFO_ATTRS] + [repr(info), str(info)]
    _assert_same(fn)


def test_finfo_default_and_keyword_and_equality():
    _assert_same(lambda m: (repr(m.finfo()), m.finfo(type=m.float64).eps, m.finfo(m.float32).eps == 2 ** -23,
                            m.finfo(m.float32) == m.finfo(m.float32), m.finfo(m.float32) == m.finfo(m.float64)))


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_attributes_and_repr(name):
    def fn(m):
        info = m.iinfo(getattr(m, name))
        return [(a, type(getattr(info, a)).__name__, getattr(info, a)) for a in ("bits", "max", "min", "dtype")] + [
            repr(info), info == m.iinfo(getattr(m, name))]
    _assert_same(fn)


INFO_ERRORS = {
    "finfo-int": lambda m: m.finfo(m.int32),
    "finfo-bool": lambda m: m.finfo(m.bool),
    "iinfo-float": lambda m: m.iinfo(m.float32),
    "iinfo-bool": lambda m: m.iinfo(m.bool),
    "finfo-str": lambda m: m.finfo("float32"),
    "finfo-None": lambda m: m.finfo(None),
    "iinfo-int": lambda m: m.iinfo(3),
}


@pytest.mark.parametrize("name", INFO_ERRORS)
def test_finfo_iinfo_errors(name):
    _assert_same(INFO_ERRORS[name])


def test_finfo_eps_in_course_code():
    _assert_same(lambda m: (m.ones(3) * m.finfo(m.float32).eps).clamp(min=m.finfo(m.float32).tiny))


# --- 2. module predicates ---------------------------------------------------------------------------
PREDICATES = {
    "is_complex": lambda m: (m.is_complex(m.ones(2)), m.is_complex(input=m.ones(2, dtype=m.int64))),
    "is_floating_point": lambda m: (m.is_floating_point(m.ones(2)), m.is_floating_point(m.ones(2, dtype=m.int64)),
                                    m.is_floating_point(m.ones(2, dtype=m.float16))),
    "is_nonzero": lambda m: (m.is_nonzero(m.tensor([0.0])), m.is_nonzero(m.tensor(3)), m.is_nonzero(m.tensor(False))),
    "is_nonzero-many": lambda m: m.is_nonzero(m.ones(2)),
    "is_nonzero-empty": lambda m: m.is_nonzero(m.ones(0)),
    "is_nonzero-number": lambda m: m.is_nonzero(1),
    "is_complex-list": lambda m: m.is_complex([1.0]),
    "is_floating_point-float": lambda m: m.is_floating_point(1.0),
}


@pytest.mark.parametrize("name", PREDICATES)
def test_module_predicates(name):
    _assert_same(PREDICATES[name])


# --- 3. set_grad_enabled takes a bool only -------------------------------------------------------------
@pytest.mark.parametrize("mode", [0, 1, None, 1.0, np.bool_(True)], ids=["0", "1", "None", "1.0", "np.bool_"])
def test_set_grad_enabled_refuses_non_bools(mode):
    def fn(m):
        try:
            m.set_grad_enabled(mode)
            return m.is_grad_enabled()
        finally:
            m.set_grad_enabled(True)
    _assert_same(fn)
    assert mt.is_grad_enabled()


def test_set_grad_enabled_keyword_context_and_decorator():
    def fn(m):
        x = m.ones(2, requires_grad=True)
        with m.set_grad_enabled(mode=False):
            inside = (x * 2).requires_grad

        @m.set_grad_enabled(False)
        def double(t):
            return t * 2
        return inside, double(x).requires_grad, m.is_grad_enabled(), (x * 2).requires_grad
    _assert_same(fn)


# --- 4. chunk of a 0-d tensor, permute() --------------------------------------------------------------
SHAPE_ERRORS = {
    "chunk-0d": lambda m: m.tensor(1.0).chunk(2),
    "chunk-0d-function": lambda m: m.chunk(m.tensor(1.0), 1),
    "chunk-0d-zero-chunks": lambda m: m.tensor(1.0).chunk(0),  # (the dims are checked first)
    "permute-no-dims": lambda m: m.ones(2, 3).permute(),
    "permute-function-no-dims": lambda m: m.permute(m.ones(2, 3)),
    "permute-0d-no-dims": lambda m: m.tensor(1.0).permute(),
    "permute-0d-empty-tuple": lambda m: m.tensor(1.0).permute(()),
}


@pytest.mark.parametrize("name", SHAPE_ERRORS)
def test_chunk_and_permute_checks(name):
    _assert_same(SHAPE_ERRORS[name])


# --- 5. argument parsing of select, take, addcmul, addcdiv, dist ----------------------------------------
NEW_OP_CALLS = {
    "select-tensor-index": lambda m: m.arange(6.0).reshape(2, 3).select(1, m.tensor(2)),
    "select-keywords": lambda m: m.select(m.arange(6.0).reshape(2, 3), dim=0, index=-1),
    "select-bool-index": lambda m: m.ones(3).select(0, True),
    "select-float-tensor-index": lambda m: m.ones(3).select(0, m.tensor(1.0)),
    "select-is-a-view": lambda m: (lambda x: (x.select(1, 0).add_(5), x)[1])(m.zeros(2, 3)),
    "select-empty-dim": lambda m: m.ones(0, 2).select(1, 1),
    "take-0d": lambda m: m.tensor(3.0).take(m.tensor(0)),
    "take-empty": lambda m: m.ones(0).take(m.tensor([], dtype=m.int64)),
    "take-list": lambda m: m.ones(2).take([0]),
    "take-bool-index": lambda m: m.take(m.ones(2), m.tensor([True])),
    "addcmul-int": lambda m: m.addcmul(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), m.full((2,), 3),
                                       value=2.7),
    "addcmul-dtypes": lambda m: m.addcmul(m.ones(2), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.float64)),
    "addcmul-bool-long": lambda m: m.addcmul(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int64), m.ones(2,
                                                                                                   dtype=m.int64)),
    "addcmul-0d-dtypes": lambda m: m.addcmul(m.ones(2), m.tensor(2.0, dtype=m.float64), m.ones(2)),
    "addcmul-tensor-value": lambda m: m.ones(2).addcmul(m.ones(2), m.ones(2), value=m.tensor(2.0)),
    "addcmul-str-value": lambda m: m.ones(2).addcmul(m.ones(2), m.ones(2), value="a"),
    "addcmul-positional-value": lambda m: m.addcmul(m.ones(2), m.ones(2), m.ones(2), 2),
    "addcmul-number-tensor1": lambda m: m.ones(2).addcmul(1, m.ones(2)),
    "addcmul-function-number-tensor1": lambda m: m.addcmul(m.ones(2), 1, m.ones(2)),
    "addcmul-shapes": lambda m: m.addcmul(m.ones(2), m.ones(2), m.ones(3)),
    "addcdiv-long-input": lambda m: m.addcdiv(m.ones(2, dtype=m.int64), m.ones(2), m.ones(2, dtype=m.int64)),
    "addcdiv-bool": lambda m: m.addcdiv(m.ones(2, dtype=m.bool), m.ones(2), m.ones(2), value=2),
    "addcdiv-integers": lambda m: m.addcdiv(m.ones(2), m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int64)),
    "dist-dtypes": lambda m: m.dist(m.ones(2), m.zeros(2, dtype=m.float64)),
    "dist-long-float": lambda m: m.dist(m.ones(2, dtype=m.int64), m.zeros(2), 3),
    "dist-bools": lambda m: m.dist(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool)),
    "dist-number": lambda m: m.dist(m.ones(2), 2),
    "dist-str-p": lambda m: m.dist(m.ones(2), m.ones(2), "fro"),
    "dist-tensor-p": lambda m: m.ones(2).dist(m.zeros(2), m.tensor(3.0)),
    "dist-inf": lambda m: m.ones(2, 3).dist(m.arange(3.0), float("inf")),
}


@pytest.mark.parametrize("name", NEW_OP_CALLS)
def test_new_ops_arguments(name):
    _assert_same(NEW_OP_CALLS[name])


@pytest.mark.parametrize("p", [1, 2, 3, float("inf"), -float("inf")])
def test_dist_gradient_with_a_nan(p):
    """torch's sign of a nan is 0, and its inf-norm gradient counts a nan as the maximum: the nan
    gets no gradient from p = 1 and +-inf, where NumPy's sign would spread nan."""
    def fn(m):
        x = m.tensor([float("nan"), 1.0, -2.0, 0.0], requires_grad=True)
        m.dist(x, m.zeros(4), p).backward()
        y = m.tensor([[float("nan"), 1.0], [-2.0, 0.5]], requires_grad=True)
        m.linalg.vector_norm(y, p, dim=1).sum().backward()
        return x.grad, y.grad
    _assert_same(fn)


def test_addcdiv_as_an_optimizer_step_writes_like_torch():
    def fn(m):
        p = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        exp_avg, denom = m.tensor([0.5, 0.25, -1.0]), m.tensor([2.0, 4.0, 0.5])
        out = m.addcdiv(p, exp_avg, denom, value=-0.1)
        out.sum().backward()
        return out, p.grad
    _assert_same(fn)


# --- 6. randperm of a one-element integer tensor --------------------------------------------------------
RANDPERM = {
    "0-d": lambda m: m.tensor(5),
    "1-element": lambda m: m.tensor([4]),
    "uint8": lambda m: m.tensor(3, dtype=m.uint8),
    "float": lambda m: m.tensor(5.0),
    "two-elements": lambda m: m.tensor([2, 3]),
    "negative": lambda m: m.tensor(-1),
}


@pytest.mark.parametrize("name", RANDPERM)
def test_randperm_of_a_tensor(name):
    def fn(m):
        m.manual_seed(0)
        return m.randperm(RANDPERM[name](m))
    _assert_same(fn)


def test_random_split_with_tensor_lengths():
    def fn(m):
        generator = m.Generator().manual_seed(1)
        parts = m.utils.data.random_split(list(range(10)), m.tensor([3, 7]), generator=generator)
        return [list(part.indices) for part in parts]
    _assert_same(fn)


# --- 7. None among the data of tensor() with a dtype ------------------------------------------------------
TENSOR_DATA = {
    "float-None": (lambda m: [1.0, None], "float32"),
    "float64-None": (lambda m: [1.0, None], "float64"),
    "nested-None": (lambda m: [[1.0], [None]], "float64"),
    "str": (lambda m: [1.0, "a"], "float32"),
    "int-None": (lambda m: [1, None], "int64"),
    "bool-None": (lambda m: [True, None], "bool"),
    "object": (lambda m: [1, object], "float16"),
}


@pytest.mark.parametrize("name", TENSOR_DATA)
def test_tensor_refuses_non_numbers_with_a_dtype(name):
    data, dtype = TENSOR_DATA[name]
    _assert_same(lambda m: m.tensor(data(m), dtype=getattr(m, dtype)))


# --- 8. einsum's node name -------------------------------------------------------------------------------
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk->ki", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]),
    ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("ij,ij->ij", [(2, 3), (2, 3)]), ("ij,ij->i", [(2, 3), (2, 3)]),
    ("ij->j", [(2, 3)]), ("ij", [(2, 3)]), ("...ij->...ji", [(4, 2, 3)]), ("ij,kl->ijkl", [(2, 3), (4, 5)]),
    ("i->i", [(3,)]), ("ij,j->i", [(2, 3), (3,)]), ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("i,i,i->i", [(3,), (3,), (3,)]), ("iij->j", [(2, 2, 3)]),
    ("ij,k->i", [(2, 3), (4,)]), ("ijj,k->ik", [(2, 3, 3), (4,)]), (",->", [(), ()]), ("->", [()]),
    (",i->", [(), (3,)]), ("ij,jk->ik", [(2, 0), (0, 4)]), ("i,i->", [(1,), (1,)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[f"{e}-{len(s)}" for e, s in EINSUM])
def test_einsum_node_name(equation, shapes):
    arrays = [np.random.default_rng(k).standard_normal(s) for k, s in enumerate(shapes)]
    _assert_same(lambda m: m.einsum(equation, *[m.tensor(a, requires_grad=True) for a in arrays]).grad_fn.name())


# --- 9. mixed dtypes in linear, mv, dot, matmul ------------------------------------------------------------
def _linear(x_shape, x_dtype, w_dtype, b_dtype=None, w_shape=(4, 3)):
    def fn(m):
        bias = None if b_dtype is None else m.ones(w_shape[0], dtype=getattr(m, b_dtype))
        return m.nn.functional.linear(m.ones(*x_shape, dtype=getattr(m, x_dtype)),
                                      m.ones(*w_shape, dtype=getattr(m, w_dtype)), bias)
    return fn


MIXED = {
    "linear-x64-w32": _linear((2, 3), "float64", "float32"),
    "linear-x32-w64": _linear((2, 3), "float32", "float64"),
    "linear-int-x": _linear((2, 3), "int64", "float32"),
    "linear-x64-w32-b32": _linear((2, 3), "float64", "float32", "float32"),
    "linear-b64": _linear((2, 3), "float32", "float32", "float64"),
    "linear-b32": _linear((2, 3), "float64", "float64", "float32"),
    "linear-3d-b64": _linear((2, 2, 3), "float32", "float32", "float64"),
    "linear-4d-b32": _linear((2, 2, 2, 3), "float64", "float64", "float32"),
    "linear-1d-b64": _linear((3,), "float32", "float32", "float64"),
    "linear-vector-weight": _linear((2, 3), "float64", "float32", w_shape=(3,)),
    "mv": lambda m: m.mv(m.ones(2, 3, dtype=m.float64), m.ones(3)),
    "mv-method": lambda m: m.ones(2, 3).mv(m.ones(3, dtype=m.float64)),
    "mv-long-vector": lambda m: m.ones(2, 3).mv(m.ones(3, dtype=m.int64)),
    "dot": lambda m: m.dot(m.ones(3, dtype=m.float64), m.ones(3)),
}
_SHAPES = {1: (3,), 2: (2, 3), 3: (2, 2, 3), 4: (2, 2, 2, 3)}
_RIGHT = {1: (3,), 2: (3, 2), 3: (2, 3, 2), 4: (2, 2, 3, 2)}
MIXED.update({f"matmul-{i}d-{j}d": (lambda i, j: lambda m: m.ones(*_SHAPES[i], dtype=m.float64) @ m.ones(*_RIGHT[j]))(
    i, j) for i in range(1, 5) for j in range(1, 5)})


@pytest.mark.parametrize("name", MIXED)
def test_mixed_dtype_messages(name):
    _assert_same(MIXED[name])


# --- found by thorough fuzz seed 269 at the session's end ----------------------------------------
@pytest.mark.parametrize("dtypes", [("uint8", "int64"), ("int32", "uint8"), ("int64", "float32"), ("float32", "int64")])
def test_huber_loss_casting_check_is_torchs(dtypes):
    """huber_loss checks the input's dtype against the common one by torch's casting rule (Long into Byte is
    allowed there: the kernel then refuses Long), not NumPy's 'same_kind' (which refused it first; the
    other three pairs guard the rewritten check)."""
    _assert_same(lambda m: m.nn.functional.huber_loss(m.zeros(3, dtype=getattr(m, dtypes[0])),
                                                      m.ones(3, dtype=getattr(m, dtypes[1]))))
