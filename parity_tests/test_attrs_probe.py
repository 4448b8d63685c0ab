"""Tensor attributes, metadata and conversions, differential probe: the edges it found, run on both libraries.

What this proves, beyond `test_tensor_protocol.py`, `test_tensor_api.py` and `test_interop_probe.py`:
- `new_zeros`, `new_ones`, `new_empty`, `new_full` and `new_tensor` check the types of `dtype` and
  `requires_grad` as torch does (the `new_*` factories read `requires_grad=None` as False, `new_tensor` not);
  `type_as` takes a tensor only;
- `Size(...)` takes an iterable of ints as torch's: a NumPy integer kept, a bool or a one-element integer
  tensor read as an int, anything else a TypeError naming the item; `Size + list` is refused;
- `new_full`'s fill value is a Number (or a 0-d tensor), with torch's TypeError otherwise;
- `t.grad = ...` names a NumPy array's type as torch does, and refuses the tensor itself; `del t.data` and
  `numpy(force=<not a bool>)` raise torch's errors;
- the attributes of a dtype, a `finfo` and an `iinfo` are read-only; `finfo`/`iinfo` take the Python types
  `float`, `int`, `bool` as torch does (float64, int64, bool);
- `float(t)` (and so `complex(t)`, `"%f" % t`) warns when t requires grad and a graph is recorded, as torch
  does, once a process (compared in fresh processes); `int(t)` and `item()` do not;
- a NumPy ufunc on a tensor (`np.exp(t)`) gives a tensor sharing its result, bool results as uint8, with
  NumPy 2's warning about the one-argument `__array_wrap__` (torch's form);
- `layout`, `is_quantized`, `is_meta` and the function `is_signed(t)` are there.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, fresh_process_warnings

# the same values (same bits), dtype, shape, requires_grad, grad_fn and warnings; or the same exception and message
_assert_same = partial(assert_matches_torch, warnings=True, exact=True)


def _vector(m, **options):
    return m.tensor([1.0, 2.0], **options)


# --------------------------------------------------------------------------- new_* and type_as
NEW = {
    **{f"{name}({options})": (lambda name, options: lambda m: getattr(_vector(m), name)(
        *(((2,), 3) if name == "new_full" else ()), **({"size": (2,)} if name != "new_full" else {}),
        **eval(f"dict({options})", {"m": m})))(name, options)
       for name in ("new_zeros", "new_ones", "new_empty", "new_full")
       for options in ("dtype='float32'", "dtype=3", "requires_grad=1", "requires_grad='yes'",
                       "dtype=m.int64, requires_grad=1.0")},
    "new_tensor(requires_grad=None)": lambda m: _vector(m).new_tensor([1.0], requires_grad=None),
    "new_tensor(requires_grad=1)": lambda m: _vector(m).new_tensor([1.0], requires_grad=1),
    "new_tensor(dtype=str)": lambda m: _vector(m).new_tensor([1.0], dtype="float64"),
    "new_full(fill_value=str)": lambda m: _vector(m).new_full((2,), "a"),
    "new_full(fill_value=None)": lambda m: _vector(m).new_full((2,), None),
    "new_full(fill_value=1-d tensor)": lambda m: _vector(m).new_full((2,), m.tensor([1.0])),
    "type_as(float)": lambda m: _vector(m).type_as(1.0),
    "type_as(ndarray)": lambda m: _vector(m).type_as(np.zeros(1)),
    "type_as(list)": lambda m: _vector(m).type_as([1]),
}
NEW_GUARDS = {  # (accepted before and after the checks)
    "new_zeros(requires_grad=None)": lambda m: _vector(m).new_zeros(2, requires_grad=None),
    "new_full(requires_grad=True)": lambda m: _vector(m).new_full((2,), 3, requires_grad=True),
    "new_ones(dtype=float)": lambda m: _vector(m).new_ones(2, dtype=float),
    "new_empty(dtype=int).shape": lambda m: (_vector(m).new_empty(2, dtype=int).dtype, _vector(m).new_empty(2).shape),
    "new_tensor(dtype=bool)": lambda m: _vector(m).new_tensor([1, 0], dtype=bool),
}


@pytest.mark.parametrize("case", list(NEW) + list(NEW_GUARDS))
def test_new_factories_check_their_arguments(case):
    _assert_same({**NEW, **NEW_GUARDS}[case])


# --------------------------------------------------------------------------- Size
class _Three:
    def __index__(self):
        return 3


SIZES = {
    "float": [2.5], "float-second": [1, 2.0], "str": "ab", "list": [[1]], "None-item": [None],
    "numpy-float": [np.float64(2)], "float-tensor": [0], "bool": [True, False], "int-tensor": [1],
    "one-element-tensor": [2], "index": [_Three()], "numpy-int": [np.int64(2), 3], "generator": None,
    "tensor": None, "array": np.array([1, 2]),
}


def _size_items(m, case):
    """The items of SIZES[case], tensors made in library m."""
    return {"float-tensor": [m.tensor(2.0)], "int-tensor": [m.tensor(2)], "one-element-tensor": [m.tensor([2])],
            "generator": (n for n in [1, 2]), "tensor": m.tensor([1, 2])}.get(case, SIZES[case])


@pytest.mark.parametrize("case", list(SIZES))
def test_size_takes_an_iterable_of_ints(case):
    """As torch.Size: each item an int (a NumPy integer kept as it is), else a TypeError naming it."""
    _assert_same(lambda m: (lambda s: (s, [type(n).__name__ for n in s], type(s).__name__))(
        m.Size(_size_items(m, case))))


SIZE_OPERATIONS = {
    "Size + list": lambda m: m.Size([2]) + [3],
    "Size + None": lambda m: m.Size([2]) + None,
    "Size * float": lambda m: m.Size([2]) * 1.5,
    "float * Size": lambda m: 1.5 * m.Size([2]),
    "Size * str": lambda m: m.Size([2]) * "a",
    "Size * None": lambda m: m.Size([2]) * None,
}
SIZE_GUARDS = {  # (what stays a Size, and what is still accepted)
    "Size + tuple": lambda m: (lambda s: (s, type(s).__name__))(m.Size([2]) + (3,)),
    "tuple + Size": lambda m: (lambda s: (s, type(s).__name__))((3,) + m.Size([2])),
    "Size * tensor": lambda m: (lambda s: (s, type(s).__name__))(m.Size([2]) * m.tensor(2)),
    "Size * 2, slice": lambda m: [type(s).__name__ for s in (m.Size([2]) * 2, 2 * m.Size([2]), m.Size([2, 3])[1:])],
    "shape": lambda m: (lambda s: (s, type(s).__name__, [type(n).__name__ for n in s]))(m.ones(2, 3).shape),
}


@pytest.mark.parametrize("case", list(SIZE_OPERATIONS) + list(SIZE_GUARDS))
def test_size_operations(case):
    _assert_same({**SIZE_OPERATIONS, **SIZE_GUARDS}[case])


def test_a_list_plus_a_size_is_refused():
    """`[3] + Size([2])`: a TypeError, as torch's (Python's message names the class: `Size`, not `torch.Size`)."""
    assert_matches_torch(lambda m: [3] + m.Size([2]), same_message=False)


# --------------------------------------------------------------------------- grad setter, dtype attributes
GRAD_SETTER = {
    "ndarray": lambda m: setattr(_vector(m, requires_grad=True), "grad", np.ones(2, dtype=np.float32)),
    "numpy-scalar": lambda m: setattr(_vector(m, requires_grad=True), "grad", np.float32(1)),
    "itself": lambda m: (lambda t: setattr(t, "grad", t))(_vector(m, requires_grad=True)),
    "itself-no-grad": lambda m: (lambda t: setattr(t, "grad", t))(_vector(m)),
}


@pytest.mark.parametrize("case", list(GRAD_SETTER))
def test_grad_setter_errors(case):
    _assert_same(GRAD_SETTER[case])


@pytest.mark.parametrize("attribute", ["is_signed", "is_floating_point", "itemsize", "is_complex"])
def test_dtype_attributes_are_read_only(attribute):
    assert_matches_torch(lambda m: (setattr(m.float32, attribute, False), m.float32.is_signed))


@pytest.mark.parametrize("info, attribute", [("finfo", "eps"), ("finfo", "bits"), ("finfo", "dtype"), ("iinfo", "max"),
                                             ("iinfo", "bits")])
def test_finfo_and_iinfo_fields_are_read_only(info, attribute):
    assert_matches_torch(lambda m: (lambda i: (setattr(i, attribute, 1), getattr(i, attribute)))(
        getattr(m, info)(m.float32 if info == "finfo" else m.int32)))


INFO_OF_PYTHON_TYPES = {  # (read as float64, int64 and bool, as torch reads them)
    "finfo(float)": lambda m: (lambda i: (i.bits, i.eps, i.max, i.dtype))(m.finfo(float)),
    "iinfo(int)": lambda m: (lambda i: (i.bits, i.min, i.max, i.dtype))(m.iinfo(int)),
    "finfo(int)": lambda m: m.finfo(int),
    "finfo(bool)": lambda m: m.finfo(bool),
    "iinfo(bool)": lambda m: m.iinfo(bool),
    "iinfo(float)": lambda m: m.iinfo(float),
}


@pytest.mark.parametrize("case", list(INFO_OF_PYTHON_TYPES))
def test_finfo_and_iinfo_of_python_types(case):
    _assert_same(INFO_OF_PYTHON_TYPES[case])


IS_SIGNED = {  # (the function torch has beside the method)
    "dtypes": lambda m: [m.is_signed(m.ones(1, dtype=d))
                         for d in (m.float16, m.float32, m.int8, m.int64, m.uint8, m.bool)],
    "list": lambda m: m.is_signed([1]),
    "ndarray": lambda m: m.is_signed(np.ones(1)),
}


@pytest.mark.parametrize("case", list(IS_SIGNED))
def test_is_signed_function(case):
    _assert_same(IS_SIGNED[case])


CONVERSIONS = {
    "numpy(force=1)": lambda m: _vector(m).numpy(force=1),
    "numpy(force=None)": lambda m: _vector(m, requires_grad=True).numpy(force=None),
    "del t.data": lambda m: delattr(_vector(m), "data"),
}


@pytest.mark.parametrize("case", list(CONVERSIONS))
def test_conversion_argument_errors(case):
    _assert_same(CONVERSIONS[case])


# --------------------------------------------------------------------------- float() of a tensor that requires grad
QUIET = {  # (no warning in either library: they run first, in the process of the one that warns)
    "int(x)": "int(x)",
    "x.item()": "x.item()",
    "float(x) in no_grad": "(lambda g: (g.__enter__(), float(x), g.__exit__(None, None, None)))(m.no_grad())",
    "f'{x:.1f}'": "f'{x:.1f}'",
}


@pytest.mark.parametrize("warns", ["float(x * 2)", "complex(x)"])
def test_float_of_a_tensor_that_requires_grad_warns(warns):
    """torch's warning comes once a process: the quiet programs first, then the one that warns."""
    programs = {**QUIET, warns: warns}
    assert fresh_process_warnings("minitorch_ref", programs) == fresh_process_warnings("torch", programs)


# --------------------------------------------------------------------------- NumPy functions of tensors
UFUNCS = {
    "exp": lambda m: np.exp(_vector(m)),
    "sqrt-0d": lambda m: np.sqrt(m.tensor(4.0)),
    "sqrt-int": lambda m: np.sqrt(m.tensor([4, 9])),
    "greater-bool-as-uint8": lambda m: np.greater(_vector(m), 1),
    "isnan": lambda m: np.isnan(_vector(m)),
    "add-tensor-array": lambda m: np.add(_vector(m), np.ones(2)),
    "maximum-two-tensors": lambda m: np.maximum(_vector(m), m.tensor([3.0, 0.0])),
    "exp-of-a-view": lambda m: np.exp(m.arange(4.0)[::2]),
    "shares-memory": lambda m: (lambda t: (t.add_(1), t))(np.negative(_vector(m))),
    "requires-grad": lambda m: np.exp(_vector(m, requires_grad=True)),
    "out=": lambda m: np.add(_vector(m), 1, out=np.zeros(2)),
}


@pytest.mark.parametrize("case", list(UFUNCS))
def test_numpy_functions_of_tensors_give_tensors(case):
    _assert_same(UFUNCS[case])


def test_dense_layout_attributes():
    _assert_same(lambda m: (str(_vector(m).layout).split(".")[-1], _vector(m).layout is m.strided,
                            _vector(m).is_quantized, _vector(m).is_meta))
