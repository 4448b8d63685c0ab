"""The Tensor object's Python protocol and non-op methods against torch (found by a differential probe).

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: both must give the
same result (values, dtype, shape, requires_grad; Python numbers, lists and tuples as they are) and the
same warnings, or raise the same exception type with the same message ("torch" read as "minitorch_ref").
It covers: attributes (`nbytes`, `itemsize`, `stride()`, `H`/`mH`/`mT`, `size(dim)` of a 0-d tensor),
`reversed(t)`, the legacy `Tensor(...)` constructor, the `data` setter, `type()`, `clone` keeping the
layout, tensors made from NumPy arrays (negative strides, layout), `new_full`'s fill checks, `logspace`,
`arange`/`eye`/`*_like` argument checks, and operators meeting a list, None or a string: they answer
NotImplemented, so Python raises its own TypeError (or `[1, 2] * tensor(2)` repeats the list).

torch gives some warnings only once per process; those are compared in a fresh torch process.
"""
from __future__ import annotations

import operator
import warnings
from functools import partial

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, assert_same_outcome, fresh_process_warnings, outcome

# the same values exactly (signs of zeros too), dtype, shape, requires_grad, grad_fn and contiguity, and the same
# warnings; or the same exception and message
_assert_same = partial(assert_matches_torch, warnings=True, exact=True, contiguity=True)


def _ignoring_warnings(fn):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m)
    return run


# --- attributes --------------------------------------------------------------------------------
ATTRIBUTES = {
    "nbytes-itemsize": lambda m: [(m.ones(2, 3, dtype=d).nbytes, m.ones(0, dtype=d).nbytes, m.ones(1, dtype=d).itemsize)
                                  for d in (m.float16, m.float32, m.float64, m.int32, m.uint8, m.bool)],
    "ndimension": lambda m: (m.tensor(1.0).ndimension(), m.ones(2, 0, 3).ndimension()),
    "is_complex-is_signed": lambda m: [(m.ones(1, dtype=d).is_complex(), m.ones(1, dtype=d).is_signed())
                                       for d in (m.float16, m.float64, m.int8, m.uint8, m.bool)],
    "dtype.is_complex": lambda m: [d.is_complex for d in (m.float16, m.float32, m.int64, m.bool)],
    "is_cpu-get_device": lambda m: (m.ones(1).is_cpu, m.ones(1).get_device()),
    "is_same_size": lambda m: (m.ones(2, 3).is_same_size(m.zeros(2, 3)), m.ones(2).is_same_size(m.ones(1, 2))),
    "is_nonzero": lambda m: (m.tensor([2.0]).is_nonzero(), m.tensor(0).is_nonzero(), m.tensor([[False]]).is_nonzero()),
    "is_nonzero-several": lambda m: m.tensor([1.0, 2.0]).is_nonzero(),
    "is_nonzero-empty": lambda m: m.tensor([]).is_nonzero(),
    "type_as": lambda m: (m.tensor([1.7, -2.5]).type_as(m.tensor([1])),
                          m.tensor([1]).type_as(m.ones(1, dtype=m.float64))),
    "type_as-in-graph": lambda m: m.ones(2, requires_grad=True).type_as(m.ones(1, dtype=m.float64)),
    "stride": lambda m: (m.ones(2, 3).stride(), m.ones(2, 3).t().stride(), m.ones(2, 3, 4).stride(1),
                         m.ones(2, 3, 4).stride(-1), m.tensor(1.0).stride(), m.ones(3, 1).expand(3, 4).stride(),
                         m.ones(4, 6)[:, ::2].stride(), m.ones(2, 3).permute(1, 0).contiguous().stride()),
    "data_ptr-shared": lambda m: (lambda t: (t.detach().data_ptr() == t.data_ptr(), t.data.data_ptr() == t.data_ptr(),
                                             t.view(4).data_ptr() == t.data_ptr(), t.clone().data_ptr() == t.data_ptr(),
                                             t[1].data_ptr() == t.data_ptr(), t.to(m.float32, copy=True).data_ptr()
                                             == t.data_ptr()))(m.ones(2, 2, requires_grad=True)),
}


@pytest.mark.parametrize("case", list(ATTRIBUTES))
def test_attributes(case):
    _assert_same(ATTRIBUTES[case])


def _arange(m, ndim: int):
    shape = [(), (2,), (2, 3), (2, 3, 4)][ndim]
    return m.arange(24.0)[:int(np.prod(shape))].reshape(shape)


TRANSPOSES = {f"{attr}-{ndim}d": (lambda attr, ndim: lambda m: getattr(_arange(m, ndim), attr))(attr, ndim)
              for attr in ("H", "mH") for ndim in range(4)}
TRANSPOSES["mT-0d"] = lambda m: m.tensor(1.5).mT
TRANSPOSES["0d-is-self"] = lambda m: (lambda t: (t.mT is t, t.mH is t, t.H is t))(m.tensor(1.0, requires_grad=True))
TRANSPOSES["H-in-graph"] = lambda m: m.ones(2, 3, requires_grad=True).H


@pytest.mark.parametrize("case", list(TRANSPOSES))
def test_conjugate_and_matrix_transposes(case):
    """`H` (2-D only), `mH`, `mT`: transposes for real dtypes; a 0-d tensor is returned as it is (with a
    deprecation warning, compared in `test_warnings_torch_gives_once`)."""
    _assert_same(_ignoring_warnings(TRANSPOSES[case]))


SIZES = {
    "0d-size(0)": lambda m: m.tensor(1.0).size(0),
    "0d-size(-1)": lambda m: m.tensor(1.0).size(-1),
    "0d-size(3)": lambda m: m.tensor(1.0).size(3),
    "size(float)": lambda m: m.ones(2, 3).size(1.0),
    "size(str)": lambda m: m.ones(2, 3).size("a"),
}


@pytest.mark.parametrize("case", list(SIZES))
def test_size_of_a_dim(case):
    """A 0-d tensor has no dim for `size(dim)` (other methods let it take dim 0 or -1)."""
    _assert_same(SIZES[case])


PROTOCOL = {
    "iter-rows-grad_fn": lambda m: [type(row.grad_fn).__name__ if m is torch else row.grad_fn.name()
                                    for row in m.ones(2, 3, requires_grad=True)],
    "iter-rows-written-in-place": lambda m: [row.mul_(2) for row in m.ones(2, 3, requires_grad=True).clone()],
    "iter-rows-are-views": lambda m: (lambda t: ([row.add_(1) for row in t], t))(m.zeros(2, 3)),
    "reversed-2d": lambda m: reversed(m.tensor([[1, 2], [3, 4]])),
    "reversed-0d": lambda m: reversed(m.tensor(1.5)),
    "reversed-in-graph": lambda m: reversed(m.tensor([1.0, 2.0], requires_grad=True)),
    "data-setter-list": lambda m: setattr(m.ones(2), "data", [1.0]),
    "data-setter-array": lambda m: setattr(m.ones(2), "data", np.ones(2)),
    "type(float)": lambda m: m.ones(1).type(float),
    "type(dtype, non_blocking)": lambda m: m.ones(1).type(m.float64, non_blocking=True),
    "clone-keeps-layout": lambda m: (lambda c: (c.is_contiguous(), c.stride()))(m.ones(2, 3).t().clone()),
    "clone-contiguous_format": lambda m: m.ones(2, 3).t().clone(memory_format=m.contiguous_format).stride(),
    "clone-in-graph-view": lambda m: m.ones(2, 3, requires_grad=True).t().clone().view(-1),
    "contiguous-after-clone": lambda m: m.ones(2, 3).t().clone().contiguous().stride(),
    "tensor(transposed array)": lambda m: m.tensor(np.arange(6.0).reshape(2, 3).T).stride(),
    "tensor(transposed tensor)": lambda m: m.tensor(m.arange(6.0).reshape(2, 3).t()).stride(),
}


@pytest.mark.parametrize("case", list(PROTOCOL))
def test_protocol(case):
    _assert_same(_ignoring_warnings(PROTOCOL[case]))


def test_tensor_of_a_tensor_warns_as_torch():
    _assert_same(lambda m: m.tensor(m.ones(2, requires_grad=True)))


# --- the legacy constructor --------------------------------------------------------------------
LEGACY = {
    "Tensor()": lambda m: m.Tensor(),
    "Tensor(Size)": lambda m: m.Tensor(m.Size([2, 3])).shape,
    "Tensor(int tensor)": lambda m: m.Tensor(m.tensor([1, 2])),
    "Tensor(tensor) shares": lambda m: (lambda t: (m.Tensor(t).add_(1), t))(m.ones(2)),
    "Tensor(float64 array)": lambda m: m.Tensor(np.array([1.5, 2.5])),
    "Tensor(number)": lambda m: m.Tensor(3.5),
    "Tensor(NumPy number)": lambda m: m.Tensor(np.float64(3.5)),
    "Tensor(ragged)": lambda m: m.Tensor([[1], [1, 2]]),
}


@pytest.mark.parametrize("case", list(LEGACY))
def test_legacy_constructor(case):
    _assert_same(LEGACY[case])


# --- tensors from NumPy arrays and from tensors ------------------------------------------------
FROM_NUMPY = {
    "from_numpy(reversed)": lambda m: m.from_numpy(np.arange(3.0)[::-1]),
    "tensor(reversed)": lambda m: m.tensor(np.arange(6.0).reshape(2, 3)[:, ::-1]),
    "as_tensor(reversed)": lambda m: m.as_tensor(np.arange(3.0)[::-1]),
    "from_numpy(NumPy number)": lambda m: m.from_numpy(np.float32(1.5)),
    "as_tensor(grad tensor, dtype)": lambda m: m.as_tensor(m.ones(2, requires_grad=True), dtype=m.float64),
    "float16 overflow is silent": lambda m: m.tensor([1e6, -1e6, 1.0], dtype=m.float16),
}


@pytest.mark.parametrize("case", list(FROM_NUMPY))
def test_from_numpy_arrays(case):
    _assert_same(FROM_NUMPY[case])


# --- creation functions ------------------------------------------------------------------------
CREATION = {
    "new_full(-1) into uint8": lambda m: m.ones(1, dtype=m.uint8).new_full((2,), -1),
    "new_full(300) into uint8": lambda m: m.ones(1, dtype=m.uint8).new_full((2,), 300),
    "new_full(nan) into int64": lambda m: m.ones(1, dtype=m.int64).new_full((2,), float("nan")),
    "new_full(2.9) into int32": lambda m: m.ones(1, dtype=m.int32).new_full((2, 1), 2.9),
    "zeros(size=)": lambda m: (m.zeros(size=(2, 3)), m.ones(size=[2]), m.empty(size=(1,)).shape,
                               m.rand(size=(2,)).shape, m.randn(size=(3, 1)).shape),
    "zeros()": lambda m: m.zeros(),
    "ones()": lambda m: m.ones(),
    "empty(2, size=)": lambda m: m.empty(2, size=(3,)),
    "arange(end=)": lambda m: m.arange(end=4),
    "arange bool": lambda m: m.arange(2, dtype=m.bool),
    "arange wrong sign": lambda m: m.arange(0, 5, -1),
    "eye(-1)": lambda m: m.eye(-1),
    "eye(2, -1)": lambda m: m.eye(2, -1),
    "eye(2.0)": lambda m: m.eye(2.0),
    "logspace steps < 0": lambda m: m.logspace(0, 1, -1),
    "logspace steps 0": lambda m: m.logspace(0, 1, 0),
    "logspace steps 1": lambda m: m.logspace(1.5, 3, 1, base=2),
    "logspace int": lambda m: m.logspace(0, 3, 4, dtype=m.int64),
    "logspace requires_grad": lambda m: m.logspace(0, 1, 2, requires_grad=True),
    "logspace int requires_grad": lambda m: m.logspace(0, 1, 2, dtype=m.int32, requires_grad=True),
}
for _name in ("zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"):
    CREATION[f"{_name}(array)"] = (lambda name: lambda m: getattr(m, name)(np.ones(2)))(_name)
    CREATION[f"{_name}(list)"] = (lambda name: lambda m: getattr(m, name)([1.0]))(_name)
CREATION["full_like(list)"] = lambda m: m.full_like([1.0], 2.0)


@pytest.mark.parametrize("case", list(CREATION))
def test_creation(case):
    _assert_same(CREATION[case])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("args", [(0, 2, 3), (-1.5, 8, 7, 2.5), (1, 0.1, 5, 0.5), (3, -3, 50), (10, 0.1, 10),
                                  (0.001, -3, 9, 3), (-3, 0, 4, 2), (300, 1, 1, 2.0), (-1.5, 1e5, 1)])
def test_logspace_and_linspace_match_torch(args, dtype):
    """Same dtype and shape (or the same error); values equal up to the last bit or so (torch's kernels
    round some differently)."""
    for name, n_args in (("logspace", 4), ("linspace", 3)):
        theirs, ours = (outcome(lambda m: getattr(m, name)(*args[:n_args], dtype=getattr(m, dtype)).numpy(), lib)
                        for lib in (torch, mt))
        if theirs[0][0] == "raised" or ours[0][0] == "raised":
            assert_same_outcome(theirs, ours)
            continue
        (_, expected, *e_meta), (_, values, *meta) = theirs[0][1], ours[0][1]
        assert meta == e_meta, name  # (dtype, shape)
        if dtype.startswith("float"):
            np.testing.assert_allclose(values, expected, rtol=2e-3 if dtype == "float16" else 1e-6, err_msg=name)
        else:
            np.testing.assert_array_equal(values, expected, err_msg=name)


# --- operators meeting what is no tensor, number or array --------------------------------------
OPERANDS = {
    "t + list": lambda m: m.tensor([1, 2]) + [1, 2],
    "list + t": lambda m: [1, 2] + m.tensor([1, 2]),
    "tuple + t": lambda m: (1, 2) + m.tensor([1, 2]),
    "t - list": lambda m: m.tensor([1.0, 2.0]) - [1, 2],
    "list - t": lambda m: [1, 2] - m.tensor([1.0, 2.0]),
    "t * None": lambda m: m.tensor([1.0]) * None,
    "None + t": lambda m: None + m.tensor([1.0]),
    "t / list": lambda m: m.tensor([1.0]) / [1.0],
    "list / t": lambda m: [1.0] / m.tensor([1.0]),
    "t // None": lambda m: m.tensor([1.0]) // None,
    "t % list": lambda m: m.tensor([1.0]) % [1.0],
    "None % t": lambda m: None % m.tensor([1.0]),
    "t ** list": lambda m: m.tensor([1.0, 2.0]) ** [1, 2],
    "list ** t": lambda m: [1, 2] ** m.tensor([1.0, 2.0]),
    "t @ list": lambda m: m.tensor([1.0, 2.0]) @ [1.0, 2.0],
    "list @ t": lambda m: [1.0, 2.0] @ m.tensor([1.0, 2.0]),
    "t @ number": lambda m: m.tensor([1.0, 2.0]) @ 3,
    "t & list": lambda m: m.tensor([1, 2]) & [1, 2],
    "list | t": lambda m: [True] | m.tensor([True]),
    "t ^ None": lambda m: m.tensor([True]) ^ None,
    "t + str": lambda m: m.tensor([1.0]) + "a",
    "t * str": lambda m: m.tensor([1, 2]) * "a",
    "0-d int t * list": lambda m: m.tensor(2) * [1, 2],
    "list * 0-d int t": lambda m: [1, 2] * m.tensor(2),
    "str * 0-d int t": lambda m: "ab" * m.tensor(3),
    "list * float t": lambda m: [1, 2] * m.tensor(2.0),
    "t += list": lambda m: operator.iadd(m.tensor([1, 2]), [1, 2]),
}


@pytest.mark.parametrize("case", list(OPERANDS))
def test_operators_answer_not_implemented_to_other_operands(case):
    _assert_same(OPERANDS[case])


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "remainder", "floor_divide", "bitwise_and"])
def test_methods_refuse_a_list(name):
    """A method (unlike an operator) raises at once: a TypeError, as torch's."""
    for lib in (torch, mt):
        with pytest.raises(TypeError):
            getattr(lib.tensor([1, 2]), name)([1, 2])


# --- warnings torch gives once per process -----------------------------------------------------
ONCE = {
    "mT-0d": "m.tensor(1.0).mT",
    "mH-0d": "m.tensor(1.0).mH",
    "H-0d": "m.tensor(1.0).H",
    "from_numpy(read-only)": "m.from_numpy(np.broadcast_to(np.ones(1), (2,)))",
    "tensor(list of arrays)": "m.tensor([np.ones(2), np.ones(2)])",
}
def test_warnings_torch_gives_once():
    """The first time in a process, each of these programs warns as torch's does."""
    assert fresh_process_warnings("minitorch_ref", ONCE) == fresh_process_warnings("torch", ONCE)
