"""Tensor creation and conversion, differential probe: factories and conversions run on both libraries.

What this proves, beyond `test_creation.py` and `test_interop_probe.py`:
- an empty tensor reports torch's contiguous strides (a dim of size 0 counted as 1), not NumPy's zeros;
- `arange` takes only Numbers (0-d tensors included) with torch's parser errors, and refuses a length
  that overflows int64 (or whose bytes do) with torch's messages, before it allocates;
- `full` and `full_like` refuse a fill value that is not a Number (a string, None, a list, a 1-d tensor)
  with torch's message;
- `eye` takes one-element integer tensors for n and m, and refuses other types with torch's messages;
- `zeros`, `ones`, `empty`, `full` and the `*_like` check the types of `dtype` and `requires_grad` as torch;
- `memory_format=` (clone, contiguous, to, float()..., empty, *_like) lays tensors out as torch does, with
  its strides for channels_last;
- a device string torch cannot parse (`'cpu:x'`, `'CPU'`, `'float64'` given to `to`) raises torch's error
  (a device type torch knows but minitorch_ref lacks, `'cuda'`, keeps minitorch_ref's CPU-only message).
Each case is one program `fn(m)` run with `m = torch` and `m = minitorch_ref` (`assert_matches_torch`:
the same values, dtypes, shapes and `requires_grad`, or the same exception type and message).
"""
from __future__ import annotations

import numpy as np
import pytest

from parity_tests.test_semantics import assert_matches_torch

STRIDES = {
    "zeros(2, 0, 3)": lambda m: m.zeros(2, 0, 3).stride(),
    "empty(0)": lambda m: m.empty(0).stride(),
    "eye(0)": lambda m: m.eye(0).stride(),
    "arange(3, 3)": lambda m: m.arange(3, 3).stride(),
    "linspace steps 0": lambda m: m.linspace(0, 1, 0).stride(),
    "ones(3, 0) dim 0": lambda m: m.ones(3, 0).stride(0),
    "zeros_like(zeros(0, 4))": lambda m: m.zeros_like(m.zeros(0, 4)).stride(),
}


@pytest.mark.parametrize("case", list(STRIDES))
def test_empty_tensors_report_torch_strides(case):
    assert_matches_torch(STRIDES[case])


ARANGE = {
    "a string end": lambda m: m.arange("a"),
    "None end": lambda m: m.arange(None),
    "a 1-d tensor end": lambda m: m.arange(m.tensor([3])),
    "a 2-element tensor end": lambda m: m.arange(m.tensor([3, 4])),
    "(int, str)": lambda m: m.arange(0, "a"),
    "(int, int, str)": lambda m: m.arange(0, 3, "a"),
    "(int, int, None)": lambda m: m.arange(0, 3, None),
    "(str, int)": lambda m: m.arange("a", 3),
    "(int, 1-d tensor)": lambda m: m.arange(0, m.tensor([3])),
    "(int, int, 1-d tensor)": lambda m: m.arange(0, 3, m.tensor([1])),
    "0-d tensors are Numbers": lambda m: m.arange(m.tensor(1), m.tensor(7.0), m.tensor(2)),
    "numpy scalars are Numbers": lambda m: m.arange(np.int32(1), np.float64(4.5)),
    "a float length beyond int64": lambda m: m.arange(1e19),
    "a float range beyond int64": lambda m: m.arange(0.0, 1e30, 0.5),
    "a negative float range beyond int64": lambda m: m.arange(1e30, 0, -1.0),
    "int64 bytes overflow": lambda m: m.arange(2 ** 62),
    "float16 bytes overflow": lambda m: m.arange(0, 2 ** 62, dtype=m.float16),
}


@pytest.mark.parametrize("case", list(ARANGE))
def test_arange_arguments_and_lengths(case):
    assert_matches_torch(ARANGE[case])


FULL = {
    **{f"full({v!r})": (lambda m, v=v: m.full((2,), v)) for v in ("a", None, [1], (1,))},
    **{f"full_like({v!r})": (lambda m, v=v: m.full_like(m.zeros(2), v)) for v in ("a", None, [1], (1,))},
    "full(1-d tensor)": lambda m: m.full((2,), m.tensor([3.0])),
    "full(numpy array)": lambda m: m.full((2,), np.zeros(1)),
    "full: the fill value checked before the dtype": lambda m: m.full((2,), "a", dtype="x"),
    "full(0-d bool tensor)": lambda m: m.full((2,), m.tensor(True)),
    "full_like(0-d tensor)": lambda m: m.full_like(m.zeros(2, dtype=m.int64), m.tensor(3)),
}


@pytest.mark.parametrize("case", list(FULL))
def test_full_fill_value_must_be_a_number(case):
    assert_matches_torch(FULL[case])


EYE = {
    "eye(1-element tensor)": lambda m: m.eye(m.tensor([3])),
    "eye(1x1 tensor)": lambda m: m.eye(m.tensor([[2]])),
    "eye(n, 1-element tensor)": lambda m: m.eye(2, m.tensor([3])),
    "eye(0-d int tensor, 0-d int tensor)": lambda m: m.eye(m.tensor(2), m.tensor(4)),
    "eye(2-element tensor)": lambda m: m.eye(m.tensor([2, 3])),
    "eye(0-d float tensor)": lambda m: m.eye(m.tensor(2.0)),
    "eye(2, 2.0)": lambda m: m.eye(2, 2.0),
    "eye(2, 'a')": lambda m: m.eye(2, "a"),
    "eye('a', 2)": lambda m: m.eye("a", 2),
    "eye(2.0)": lambda m: m.eye(2.0),
    "eye(numpy ints)": lambda m: m.eye(np.int64(2), np.int32(3)),
}


@pytest.mark.parametrize("case", list(EYE))
def test_eye_sizes(case):
    assert_matches_torch(EYE[case])


FACTORIES = {
    "zeros": lambda m, **k: m.zeros(2, **k),
    "ones": lambda m, **k: m.ones(2, **k),
    "empty": lambda m, **k: m.empty(2, **k).shape,
    "full": lambda m, **k: m.full((2,), 1.0, **k),
    "zeros_like": lambda m, **k: m.zeros_like(m.zeros(2), **k),
    "ones_like": lambda m, **k: m.ones_like(m.zeros(2), **k),
    "empty_like": lambda m, **k: m.empty_like(m.zeros(2), **k).shape,
    "full_like": lambda m, **k: m.full_like(m.zeros(2), 1, **k),
}
OPTIONS = {"dtype='float32'": dict(dtype="float32"), "requires_grad=1": dict(requires_grad=1),
           "requires_grad=None": dict(requires_grad=None), "dtype=int, requires_grad=None": dict(dtype=int,
                                                                                              requires_grad=None)}


@pytest.mark.parametrize("options", list(OPTIONS))
@pytest.mark.parametrize("factory", list(FACTORIES))
def test_factories_check_dtype_and_requires_grad_types(factory, options):
    """A dtype must be a dtype (or float/int/bool), requires_grad a bool or None (read as False)."""
    assert_matches_torch(lambda m: FACTORIES[factory](m, **OPTIONS[options]))


@pytest.mark.parametrize("fn", [
    lambda m: m.zeros("a", dtype="x"),  # the size is read first
    lambda m: m.zeros(size=(2,), dtype="x"),
    lambda m: m.zeros(-1, dtype="x"),  # the dtype before the negative size
    lambda m: m.full("a", "b", dtype="x"),
    lambda m: m.full((-1,), 1, dtype="x"),
    lambda m: m.full((2,), 1, dtype="x", requires_grad=1),
    lambda m: m.zeros_like([1], dtype="x"),  # the input first
])
def test_factory_checks_in_torch_order(fn):
    assert_matches_torch(fn)


def _matrix(m):
    return m.tensor([[1.5, -2.0, 3.0], [3.0, 4.25, 5.0]])


def _images(m):
    return m.arange(120.0).reshape(2, 3, 4, 5)


MEMORY_FORMATS = {
    "clone channels_last": lambda m: _images(m).clone(memory_format=m.channels_last).stride(),
    "clone channels_last of a 2-d tensor": lambda m: _matrix(m).clone(memory_format=m.channels_last),
    "clone: a format that is none": lambda m: _matrix(m).clone(memory_format="a"),
    "contiguous channels_last": lambda m: _images(m).contiguous(memory_format=m.channels_last).stride(),
    "contiguous channels_last, values": lambda m: _images(m).contiguous(memory_format=m.channels_last),
    "contiguous channels_last is not contiguous": lambda m: _images(m).contiguous(
        memory_format=m.channels_last).is_contiguous(),
    "contiguous channels_last of a 2-d tensor": lambda m: _matrix(m).contiguous(memory_format=m.channels_last),
    "channels_last with dims of size 1": lambda m: m.zeros(2, 1, 3, 3).contiguous(memory_format=m.channels_last)
    .stride(),
    "channels_last with H = W = 1": lambda m: m.zeros(2, 3, 1, 1).to(memory_format=m.channels_last).stride(),
    "to(channels_last)": lambda m: _images(m).to(memory_format=m.channels_last).stride(),
    "to(channels_last) of a 2-d tensor": lambda m: _matrix(m).to(m.float64, memory_format=m.channels_last),
    "to(channels_last) of channels_last is itself": lambda m: (lambda x: x.to(memory_format=m.channels_last) is x)(
        _images(m).contiguous(memory_format=m.channels_last)),
    "channels_last to(contiguous_format)": lambda m: _images(m).contiguous(memory_format=m.channels_last).to(
        memory_format=m.contiguous_format).stride(),
    "channels_last float(contiguous_format)": lambda m: _images(m).contiguous(memory_format=m.channels_last).float(
        memory_format=m.contiguous_format).stride(),
    "to(float64, contiguous_format) of a transpose": lambda m: _matrix(m).t().to(
        m.float64, memory_format=m.contiguous_format).stride(),
    "double(contiguous_format) of a transpose": lambda m: _matrix(m).t().double(
        memory_format=m.contiguous_format).stride(),
    "half(contiguous_format) of a transpose, values": lambda m: _matrix(m).t().half(
        memory_format=m.contiguous_format),
    "to(float64, contiguous_format) in the graph": lambda m: _matrix(m).requires_grad_().t().to(
        m.float64, memory_format=m.contiguous_format),
    "to(contiguous_format) of a transpose keeps it (same dtype)": lambda m: _matrix(m).t().to(
        memory_format=m.contiguous_format).stride(),
    "empty channels_last": lambda m: m.empty(2, 3, 4, 5, memory_format=m.channels_last).stride(),
    "empty channels_last of 2 dims": lambda m: m.empty(2, 3, memory_format=m.channels_last),
    "empty preserve_format": lambda m: m.empty(2, 3, memory_format=m.preserve_format),
    "empty contiguous_format": lambda m: m.empty(2, 3, memory_format=m.contiguous_format).stride(),
    "zeros_like channels_last": lambda m: m.zeros_like(_images(m), memory_format=m.channels_last).stride(),
    "zeros_like channels_last of 2 dims": lambda m: m.zeros_like(_matrix(m), memory_format=m.channels_last),
    "zeros_like contiguous_format": lambda m: m.zeros_like(_matrix(m).t(), memory_format=m.contiguous_format)
    .stride(),
    "zeros_like preserve_format": lambda m: m.zeros_like(_matrix(m).t(), memory_format=m.preserve_format).stride(),
    "ones_like contiguous_format, values": lambda m: m.ones_like(_matrix(m).t(), memory_format=m.contiguous_format),
    "full_like contiguous_format": lambda m: m.full_like(_matrix(m).t(), 2, memory_format=m.contiguous_format)
    .stride(),
    "empty_like contiguous_format": lambda m: m.empty_like(_matrix(m).t(), memory_format=m.contiguous_format)
    .stride(),
    "rand_like contiguous_format": lambda m: m.rand_like(_matrix(m).t(), memory_format=m.contiguous_format)
    .stride(),
    "zeros_like: a format that is none": lambda m: m.zeros_like(_matrix(m), memory_format="x"),
    "contiguous(memory_format=None)": lambda m: _images(m).contiguous(memory_format=None),
    "is_contiguous(channels_last) of channels_last": lambda m: _images(m).contiguous(
        memory_format=m.channels_last).is_contiguous(memory_format=m.channels_last),
    "is_contiguous(channels_last) of a row-major tensor": lambda m: _images(m).is_contiguous(
        memory_format=m.channels_last),
    "is_contiguous(contiguous_format)": lambda m: [t.is_contiguous(memory_format=m.contiguous_format) for t in (
        _images(m), _images(m).contiguous(memory_format=m.channels_last), _matrix(m).t())],
    "is_contiguous(preserve_format) reads as contiguous_format": lambda m: [
        t.is_contiguous(memory_format=m.preserve_format) for t in (
            _images(m), _images(m).contiguous(memory_format=m.channels_last), _matrix(m).t())],
    "is_contiguous(channels_last), both with H = W = 1": lambda m: [
        t.is_contiguous(memory_format=m.channels_last) for t in (m.zeros(2, 3, 1, 1), m.zeros(1, 3, 1, 1))],
    "is_contiguous(channels_last) with C = 1": lambda m: m.zeros(2, 1, 3, 3).is_contiguous(
        memory_format=m.channels_last),
    "is_contiguous(channels_last) of a permuted NHWC tensor": lambda m: [
        t.is_contiguous(memory_format=m.channels_last) for t in (
            m.zeros(2, 4, 5, 3).permute(0, 3, 1, 2), m.zeros(2, 4, 5, 3).permute(0, 3, 1, 2)[:1],
            m.zeros(2, 4, 5, 3).permute(0, 3, 1, 2)[:, :, ::2], m.zeros(1, 3, 1, 1).expand(2, 3, 4, 5))],
    "is_contiguous(channels_last) of 2 or 5 dims": lambda m: [m.zeros(2, 3).is_contiguous(
        memory_format=m.channels_last), m.zeros(2, 3, 4, 5, 6).is_contiguous(memory_format=m.channels_last)],
    "is_contiguous(channels_last) of a row-major empty tensor": lambda m: m.zeros(0, 3, 4, 5).is_contiguous(
        memory_format=m.channels_last),
    "is_contiguous(memory_format=None)": lambda m: _images(m).is_contiguous(memory_format=None),
    "is_contiguous: a format that is a string": lambda m: _images(m).is_contiguous(memory_format="channels_last"),
    "is_contiguous: a format that is a dtype": lambda m: _images(m).is_contiguous(memory_format=m.float32),
}


@pytest.mark.parametrize("case", list(MEMORY_FORMATS))
def test_memory_formats(case):
    """`memory_format=` (contiguous_format, preserve_format, channels_last) where torch takes it: the
    strides torch gives, its values, and its errors (channels_last needs 4 dims)."""
    assert_matches_torch(MEMORY_FORMATS[case])


def test_channels_last_clone_passes_the_gradient_back():
    def grad(m):
        x = _images(m).requires_grad_()
        (x.clone(memory_format=m.channels_last) * m.arange(120.0).reshape(2, 3, 4, 5)).sum().backward()
        return x.grad

    assert_matches_torch(grad)


@pytest.mark.parametrize("device", ["cpu:x", "cpu:01", "CPU", "xyz:1", "float64", "", "cpu:", ":0", "cpu:-1", "cpu_",
                                    "cpu:0", "cpu:1"])
@pytest.mark.parametrize("where", ["device", "to", "zeros"])
def test_device_strings_parsed_as_torch(where, device):
    calls = {"device": lambda m: str(m.device(device)), "to": lambda m: m.ones(2).to(device),
             "zeros": lambda m: m.zeros(2, device=device)}
    assert_matches_torch(calls[where])


@pytest.mark.parametrize("fn", [
    lambda m: m.ones(2).to(m.int32, m.float64),
    lambda m: m.ones(2).to(foo=1),
    lambda m: m.ones(2).to(m.float64, foo=2),
    lambda m: m.ones(2).to(b=1, a=2),
    lambda m: m.ones(2).to([1]),
    lambda m: m.ones(2).to((1,)),
    lambda m: m.ones(2).to(m.int64, memory_format="x"),
    lambda m: m.ones(2).to(tensor=m.zeros(1, dtype=m.int64)),
    lambda m: m.ones(2).to(device="cpu", dtype=m.float64, non_blocking=False, copy=True),
])
def test_to_arguments(fn):
    """`to`'s three overloads: torch's parser error for what none of them takes; `to(tensor=other)` works."""
    assert_matches_torch(fn)


@pytest.mark.parametrize("fn", [
    lambda m: m.linspace(0, 1, 3.0),
    lambda m: m.linspace(0, 1, "a"),
    lambda m: m.linspace(0, 1, None),
    lambda m: m.linspace(m.tensor(0.0), 1, 3.0),
    lambda m: m.logspace(0, 1, 3.0),
    lambda m: m.logspace(0, m.tensor(2.0), None),
    lambda m: m.ones(2).type(3),
    lambda m: m.ones(2).type(m.ones(2)),
    lambda m: m.ones(2).type([1]),
])
def test_parser_errors_of_linspace_logspace_and_type(fn):
    """steps must be an int (torch lists linspace's and logspace's four overloads); `type()` takes a type,
    a string or a dtype."""
    assert_matches_torch(fn)
