"""Data in and out of tensors, a differential probe: each case a small program run on torch and minitorch_ref.

What this proves, beyond `test_creation.py` and `test_tensor_protocol.py`:
- a NumPy array goes through torch's checks when `tensor`, `as_tensor` or `from_numpy` reads it, in torch's
  order and with its errors: a dtype torch has (an object, str or datetime array raises at once, not later),
  strides in whole elements, none negative, the machine's byte order (a big-endian array raises, also with
  `dtype=`); a copy of a broadcast array is packed, as torch's;
- NumPy scalars meet `dtype=` as torch reads them: an integer or bool dtype takes only what Python reads as
  an integer (np.float32 and np.float16 raise torch's TypeError, np.float64, a Python float, does not;
  np.bool_ goes only to bool or floats); None with a dtype raises torch's TypeError;
- nested lists with an empty first row are an empty tensor (`[[], [1]]` is 2 x 0, no element is read);
  bytes and NumPy strings are refused with torch's message;
- `tensor(nan_array, dtype=int64)` converts silently, as torch;
- `copy_` takes a tensor or a number (not a list or an array: torch's TypeError) and `non_blocking`, and
  refuses a source that partly overlaps the destination in memory (`t[1:].copy_(t[:-1])`), as torch;
- `numpy()` (and `np.asarray`) of a tensor that requires grad is refused only while grad mode is on;
  `torch.numel(array)`-like errors name NumPy types with their module;
  `char()` converts to int8; `is_storage` exists (always False here: there are no storages);
- `asarray` as torch's: memory shared unless a conversion or `copy=True` needs a copy, `copy=False`'s
  errors, and `requires_grad` (unset: a tensor's own, with torch's warning; set: a leaf changed in place);
- `tensor([x])` with x requiring grad warns as torch (compared in fresh processes: torch warns once);
- `tensor` and `as_tensor` take `dtype` (a dtype or float/int/bool) and `device` as keywords only, and a bool
  `requires_grad`, with torch's TypeErrors otherwise;
- `set_default_dtype` (floating dtypes only, torch's TypeErrors otherwise) changes what Python floats become
  in `tensor`, `arange`, the factories, the legacy `Tensor(...)`, `Parameter()`, promotion with integer
  tensors, and which dtype a repr leaves out, as in torch.

Each program compares values, dtype, shape and requires_grad, or the exception type and message
(`assert_matches_torch`), except where noted.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import fresh_process_warnings, torch_text
from parity_tests.test_semantics import assert_matches_torch


def _strided(strides):
    """A float32 array of 2 over a 16-byte buffer with the given byte strides."""
    return np.ndarray((2,), np.float32, buffer=bytearray(16), strides=strides)


# --------------------------------------------------------------------------- NumPy arrays read by a tensor
MAKERS = {
    "tensor": lambda m, a: m.tensor(a),
    "tensor-dtype": lambda m, a: m.tensor(a, dtype=m.float64),
    "as_tensor": lambda m, a: m.as_tensor(a),
    "as_tensor-dtype": lambda m, a: m.as_tensor(a, dtype=m.int64),
    "from_numpy": lambda m, a: m.from_numpy(a),
}

ARRAYS = {
    "big-endian": lambda: np.arange(6, dtype=">f4").reshape(2, 3),
    "big-endian-transposed": lambda: np.arange(6, dtype=">i8").reshape(2, 3).T,
    "big-endian-reversed": lambda: np.arange(6, dtype=">f4")[::-1],  # (the stride error comes first)
    "strides-not-whole-elements": lambda: _strided((6,)),
}


@pytest.mark.parametrize("maker", list(MAKERS))
@pytest.mark.parametrize("array", list(ARRAYS))
def test_numpy_arrays_are_checked_as_torch_checks_them(maker, array):
    """Byte order and strides: torch's ValueError, whatever the function that reads the array."""
    assert_matches_torch(lambda m: MAKERS[maker](m, ARRAYS[array]()))


UNSUPPORTED = {
    "object": lambda: np.array([1, 2], dtype=object),
    "str": lambda: np.array(["1", "2"]),
    "datetime": lambda: np.array(["2020-01-01"], dtype="datetime64[D]"),
    "object-reversed": lambda: np.array([1, 2, 3], dtype=object)[::-1],  # (the dtype error comes first)
}


@pytest.mark.parametrize("maker", list(MAKERS))
@pytest.mark.parametrize("array", list(UNSUPPORTED))
def test_arrays_of_dtypes_torch_lacks_raise_at_once(maker, array):
    """torch's TypeError, naming the array's NumPy type as torch does (`numpy.object_`, `numpy.str_`). The
    list of supported types that follows is ours (no complex or uint16/32/64 dtypes here)."""
    def error(m):
        with pytest.raises(TypeError) as caught:
            MAKERS[maker](m, UNSUPPORTED[array]())
        return str(caught.value).split(" The only supported types are:")[0]

    assert error(mt) == error(torch)


def test_a_broadcast_array_is_copied_packed():
    """tensor() copies a transposed array keeping its layout, a broadcast one (zero strides) packed."""
    broadcast = np.broadcast_to(np.arange(3.0), (2, 3))
    assert mt.tensor(broadcast).stride() == torch.tensor(broadcast).stride()
    assert mt.tensor(broadcast.T).stride() == torch.tensor(broadcast.T).stride()
    assert_matches_torch(lambda m: m.tensor(broadcast))


def test_nan_array_into_an_integer_dtype_is_silent():
    """torch converts NaN and inf of an array to an integer dtype without a word (its values: the C cast's)."""
    values = np.array([np.nan, np.inf, 1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = mt.tensor(values, dtype=mt.int64)
        expected = torch.tensor(values, dtype=torch.int64)
    assert got.tolist() == expected.tolist()


# --------------------------------------------------------------------------- NumPy scalars and None with dtype=
SCALARS = {"float32": np.float32(1.5), "float16": np.float16(2.5), "float64": np.float64(1.5), "bool": np.True_,
           "None": None}


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool", "float32"])
@pytest.mark.parametrize("scalar", list(SCALARS))
@pytest.mark.parametrize("wrap", ["bare", "nested"])
def test_numpy_scalars_with_a_dtype(scalar, dtype, wrap):
    """An integer or bool dtype takes only what Python reads as an integer: np.float32 raises "'numpy.float32'
    object cannot be interpreted as an integer", np.float64 (a float) is truncated; None raises torch's error."""
    value = SCALARS[scalar]
    data = {"bare": value, "nested": [[1], [value]]}[wrap]
    assert_matches_torch(lambda m: m.tensor(data, dtype=getattr(m, dtype)))


# --------------------------------------------------------------------------- nested lists and strings
@pytest.mark.parametrize("data", [
    [[], [1]], [[], [1, 2], []], [[[]], [[1]]], [[], 1], ([], (2.5,)),
    b"ab", [b"ab"], np.str_("a"), np.bytes_(b"a"), "ab", ["a"],
], ids=repr)
def test_empty_first_rows_and_strings(data):
    """An empty first row fixes an empty shape (torch reads no element then); bytes and NumPy strings are
    refused naming their type."""
    assert_matches_torch(lambda m: m.tensor(data))


# --------------------------------------------------------------------------- asarray
def _asarray_of(source, **options):
    """asarray(source(m), **options): the result, whether it is the source itself, whether it shares its
    memory, and the source's requires_grad after (torch changes it in place when the result is the source)."""
    def program(m):
        obj = source(m)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the warning torch gives once a process: see the end of the file)
            result = m.asarray(obj, **{k: getattr(m, v) if k == "dtype" else v for k, v in options.items()})
        pointer = obj.data_ptr() if isinstance(obj, (torch.Tensor, mt.Tensor)) else obj.ctypes.data
        return result, result is obj, result.data_ptr() == pointer, getattr(obj, "requires_grad", None)
    return program


LEAF = lambda m: m.tensor([1.0, 2.0], requires_grad=True)  # noqa: E731
PLAIN = lambda m: m.tensor([1.0, 2.0])  # noqa: E731
INTS = lambda m: m.tensor([1, 2])  # noqa: E731
NON_LEAF = lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2  # noqa: E731
ARRAY = lambda m: np.arange(3.0)  # noqa: E731
ASARRAY_CASES = {
    "leaf": _asarray_of(LEAF),
    "leaf-requires_grad-False": _asarray_of(LEAF, requires_grad=False),
    "leaf-float64": _asarray_of(LEAF, dtype="float64"),
    "leaf-copy": _asarray_of(LEAF, copy=True),
    "leaf-copy-requires_grad-False": _asarray_of(LEAF, copy=True, requires_grad=False),
    "leaf-copy-False": _asarray_of(LEAF, copy=False),
    "leaf-same-dtype": _asarray_of(LEAF, dtype="float32"),
    "non-leaf": _asarray_of(NON_LEAF),
    "non-leaf-requires_grad-False": _asarray_of(NON_LEAF, requires_grad=False),
    "plain-requires_grad": _asarray_of(PLAIN, requires_grad=True),
    "ints": _asarray_of(INTS),
    "ints-requires_grad": _asarray_of(INTS, requires_grad=True),
    "ints-float32-requires_grad": _asarray_of(INTS, dtype="float32", requires_grad=True),
    "ints-float32-copy-False": _asarray_of(INTS, dtype="float32", copy=False),
    "ints-bool-copy-False": _asarray_of(INTS, dtype="bool", copy=False),
    "array": _asarray_of(ARRAY),
    "array-float32": _asarray_of(ARRAY, dtype="float32"),
    "array-copy": _asarray_of(ARRAY, copy=True),
    "array-float16-copy-False": _asarray_of(ARRAY, dtype="float16", copy=False),
    "array-requires_grad": _asarray_of(ARRAY, requires_grad=True),
    "array-reversed": _asarray_of(lambda m: np.arange(3.0)[::-1]),
}
SEQUENCE_CASES = {
    "list": lambda m: m.asarray([1, 2.5]),
    "list-dtype": lambda m: m.asarray([1, 2], dtype=m.float64),
    "list-copy": lambda m: m.asarray([1, 2.5], copy=True),
    "list-copy-False": lambda m: m.asarray([1, 2.5], copy=False),
    "list-requires_grad": lambda m: m.asarray([1.0, 2.0], requires_grad=True),
    "list-ints-requires_grad": lambda m: m.asarray([1, 2], requires_grad=True),
    "ragged": lambda m: m.asarray([[1], [2, 3]]),
    "numbers": lambda m: (m.asarray(3), m.asarray(3.5), m.asarray(True)),
    "numpy-scalar": lambda m: m.asarray(np.float32(2.0)),
    "numpy-scalar-copy-False": lambda m: m.asarray(np.float32(2.0), copy=False),
    "none": lambda m: m.asarray(None),
    "device": lambda m: m.asarray([1], device="cpu"),
}


@pytest.mark.parametrize("case", list(ASARRAY_CASES) + list(SEQUENCE_CASES))
def test_asarray(case):
    """torch.asarray: shares a tensor's or an array's memory unless a dtype or `copy=True` needs a copy (in
    the graph, for a tensor); `copy=False` raises when it cannot share; `requires_grad` unset keeps a tensor's,
    set changes a leaf in place and detaches a result in the graph."""
    assert_matches_torch({**ASARRAY_CASES, **SEQUENCE_CASES}[case])


# --------------------------------------------------------------------------- copy_, char, is_storage
COPY_CASES = {
    "list": lambda m: m.zeros(2).copy_([1.0, 2.0]),
    "array": lambda m: m.zeros(2).copy_(np.array([1.0, 2.0])),
    "tuple": lambda m: m.zeros(2).copy_((1.0, 2.0)),
    "none": lambda m: m.zeros(2).copy_(None),
    "non_blocking": lambda m: m.zeros(2, dtype=m.int64).copy_(m.tensor([1.7, -2.5]), non_blocking=True),
    "non_blocking-positional": lambda m: m.zeros(2).copy_(m.tensor([True, False]), True),
    "number": lambda m: m.zeros(2, dtype=m.int32).copy_(2.7),
    "numpy-number": lambda m: m.zeros(2).copy_(np.float32(2.5)),
    "overlap-shifted": lambda m: (lambda t: t[1:].copy_(t[:-1]))(m.arange(4.0)),
    "overlap-one-element": lambda m: (lambda t: t.copy_(t[0]))(m.arange(4.0)),
    "overlap-transposed": lambda m: (lambda t: t.copy_(t.t()))(m.arange(4.0).reshape(2, 2)),
    "overlap-none": lambda m: (lambda t: (t[:2].copy_(t[2:]), t))(m.arange(4.0)),
    "overlap-full": lambda m: (lambda t: t.copy_(t.view(2, 2).view(4)))(m.arange(4.0)),
}


@pytest.mark.parametrize("case", list(COPY_CASES))
def test_copy_takes_a_tensor_or_a_number(case):
    assert_matches_torch(COPY_CASES[case])


def _numpy_in(mode):
    """`numpy()` and `np.asarray` of a tensor that requires grad, and of a result of it, inside `mode`."""
    def program(m):
        x = m.ones(2, requires_grad=True)
        with getattr(m, mode)():
            return x.numpy().tolist(), np.asarray(x * 2).tolist()
    return program


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode", "enable_grad"])
def test_numpy_of_a_tensor_that_requires_grad_while_no_graph_is_recorded(mode):
    """torch refuses `numpy()` of a tensor that requires grad only while grad mode is on."""
    assert_matches_torch(_numpy_in(mode))


@pytest.mark.parametrize("function", ["numel", "exp", "clone"])
@pytest.mark.parametrize("value", [np.zeros(2), np.float32(1.0), [1.0]], ids=["array", "numpy-scalar", "list"])
def test_tensor_functions_name_numpy_types_as_torch(function, value):
    """`torch.numel(array)`: torch's TypeError names the type with its module (`numpy.ndarray`)."""
    assert_matches_torch(lambda m: getattr(m, function)(value))


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64", "uint8", "bool"])
def test_char_converts_to_int8(dtype):
    assert_matches_torch(lambda m: m.tensor([1.5, 2.0, 0.0], dtype=getattr(m, dtype)).char())


def test_is_storage_of_non_storages():
    assert_matches_torch(lambda m: (m.is_storage(m.zeros(2)), m.is_storage(np.zeros(2)), m.is_storage(None)))


# --------------------------------------------------------------------------- set_default_dtype
def _with_default(m, default, program):
    """`program(m)` with `default` as m's default dtype, restored after (whatever happens)."""
    m.set_default_dtype(getattr(m, default))
    try:
        return program(m)
    finally:
        m.set_default_dtype(m.float32)


DEFAULT_PROGRAMS = {
    "get": lambda m: m.get_default_dtype(),
    "tensor": lambda m: (m.tensor(1.5), m.tensor([1, 2.5]), m.tensor([[1e5]]), m.tensor(1), m.tensor([]),
                         m.tensor(np.float32(1.5))),
    "arange": lambda m: (m.arange(0.0, 2.0), m.arange(3), m.arange(0, 1, 0.25)),
    "factories": lambda m: (m.zeros(2), m.ones(1, 2), m.full((2,), 1.5), m.full((1,), 2), m.linspace(0, 1, 3),
                            m.eye(2), m.empty(0)),
    "legacy-constructor": lambda m: (m.Tensor([1, 2]), m.Tensor(0).type(), m.Tensor().dtype),
    "promotion": lambda m: (m.tensor([1, 2]) * 1.5, m.tensor([3]) / 2, m.tensor([1]).sin(), m.tensor(True) + 0.5),
    "parameter": lambda m: (m.nn.Parameter().dtype, m.nn.Linear(2, 3).weight.dtype),
    "repr": lambda m: (repr(m.tensor([1.5, 2.0])), repr(m.tensor([1.5], dtype=m.float32)), repr(m.arange(2) / 2)),
}


@pytest.mark.parametrize("default", ["float64", "float16"])
@pytest.mark.parametrize("program", list(DEFAULT_PROGRAMS))
def test_set_default_dtype_changes_what_python_floats_become(default, program):
    """tensor(1.0), arange over floats, zeros, the legacy `Tensor(...)`, an integer tensor meeting a float
    and the printed dtype all follow `set_default_dtype`, as in torch."""
    def ours(r):  # (text with the library's name read as ours)
        return torch_text(r) if isinstance(r, str) else r

    def run(m):
        result = _with_default(m, default, DEFAULT_PROGRAMS[program])
        return tuple(map(ours, result)) if isinstance(result, tuple) else ours(result)
    assert_matches_torch(run)


@pytest.mark.parametrize("bad", ["int64", "bool", "a string", "None", "float"])
def test_set_default_dtype_takes_floating_dtypes_only(bad):
    value = {"a string": "float64", "None": None, "float": float}
    assert_matches_torch(lambda m: _with_default(m, "float32", lambda m: m.set_default_dtype(
        value[bad] if bad in value else getattr(m, bad))))


# --------------------------------------------------------------------------- warnings torch gives once per process
ONCE = {  # (in this order: torch's warning comes once a process, so the one program that warns comes last)
    "tensor([x.detach()])": "m.tensor([x.detach()])",
    "tensor([x]) in no_grad": "(lambda g: (g.__enter__(), m.tensor([x]), g.__exit__(None, None, None)))(m.no_grad())",
    "tensor([[x * 2.0, 1.0]], dtype)": "m.tensor([[x * 2.0, 1.0]], dtype=m.float64)",
    "asarray(x, requires_grad=False)": "m.asarray(x, requires_grad=False)",
    "asarray(x)": "m.asarray(x)",  # (a warning of its own, also once a process)
}
def test_a_tensor_that_requires_grad_read_as_a_number_warns():
    """`tensor([x])` with x requiring grad (outside no_grad): torch's UserWarning that the value leaves the graph."""
    assert fresh_process_warnings("minitorch_ref", ONCE) == fresh_process_warnings("torch", ONCE)


# --------------------------------------------------------------------------- the arguments of tensor and as_tensor
@pytest.mark.parametrize("function", ["tensor", "as_tensor"])
@pytest.mark.parametrize("dtype", ["a string", "an int", "a NumPy type", "float", "int", "bool"])
def test_dtype_must_be_a_dtype(function, dtype):
    """A dtype or the Python types float, int and bool; a string or a NumPy type: torch's TypeError."""
    value = {"a string": "float32", "an int": 1, "a NumPy type": np.float32, "float": float, "int": int,
             "bool": bool}[dtype]
    assert_matches_torch(lambda m: getattr(m, function)([1.5, 0.0], dtype=value))


@pytest.mark.parametrize("value", [1, None, np.True_, True], ids=repr)
def test_requires_grad_must_be_a_bool(value):
    assert_matches_torch(lambda m: m.tensor([1.0], requires_grad=value))


@pytest.mark.parametrize("function", ["tensor", "as_tensor"])
def test_dtype_is_keyword_only(function):
    """`tensor(data, float64)` is torch's TypeError: the dtype and device are keyword arguments."""
    assert_matches_torch(lambda m: getattr(m, function)([1.0], m.float64))
