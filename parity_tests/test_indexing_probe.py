"""Indexing with gradients, a differential probe: the edges that random `t[key]` and `t[key] = value`
programs found, each run on both libraries.

What this proves, beyond `test_indexing.py` (how index values are read) and `test_views.py`:
- torch's errors come in torch's order: it counts the indexed dimensions, takes the view steps (ints,
  slices, None) item by item, and only then checks the index tensors (dtype, uint8 masks with their
  warning, mask shapes, broadcasting, bounds); a write makes its in-place checks (leaf, view of a
  leaf) before the index tensors' checks, and those before the value's shape, dtype and the bounds;
- a result with no elements reads no index, so an index out of range there is no error (unless it
  indexes a dimension of size 0 and the indices are not empty), for reads, writes and gradients;
- a slice is a view step unless it reads from 0 to at least the end as written (`x[-3:]` is one);
- a write of a whole 0-d tensor is a copy (CopyBackwards), and a broadcast value's gradient is cast to
  its dtype before it is summed (float16), as torch's expand-then-copy;
- a uint8 mask warns in every index or index_put that reads it, backward passes included, and a
  one-element value written through a single mask (masked_fill_) checks the mask without warning,
  and the value as masked_fill_ checks a number (overflow), whatever its dtype;
- index_put_ (and index_put) reads its arguments as torch's parser does, takes every index as a
  tensor index, keeps the values' leading 1s, and checks as torch with accumulate=True too;
- masked_fill names the mask's dtype and the shapes in torch's words; expand's error names a bool
  tensor "CPUBoolType"; an expanded empty tensor is a view; index_put_ and masked_fill_ write into an
  expanded tensor with torch's deprecation warning.

Every case compares values, dtypes, shapes, requires_grad, grad_fn names, gradients (a random upstream
gradient), warnings, and exception types and messages, against torch at test time.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

# the same result (values, dtype, shape, requires_grad, grad_fn, gradients) and warnings, or the same
# exception type and message
assert_same_program = partial(assert_matches_torch, warnings=True)


def _leaf(m, shape, dtype="float32"):
    """A leaf that requires grad, with distinct values."""
    n = int(np.prod(shape))
    return m.tensor(np.linspace(-1.0, 2.0, n).reshape(shape).astype(dtype), requires_grad=True)


def _upstream(m, tensor):
    """A random gradient for `tensor`, the same in both libraries."""
    values = np.random.default_rng(0).standard_normal(tuple(tensor.shape))
    return m.tensor(values.astype(str(tensor.dtype).split(".")[-1]))


def get(shape, key):
    """`x[key(m)]` on a leaf, then backward with a random gradient: (result, x.grad)."""
    def program(m):
        x = _leaf(m, shape)
        y = x[key(m)]
        y.backward(_upstream(m, y))
        return y, x.grad
    return program


def put(shape, key, value, leaf=False):
    """`y[key(m)] = value(m)` on `y = x * 1` (or on the leaf x itself), then backward: (y, x.grad, value.grad)."""
    def program(m):
        x = _leaf(m, shape)
        v = value(m)
        y = x if leaf else x * 1
        y[key(m)] = v
        y.backward(_upstream(m, y))
        return y, x.grad, v.grad if isinstance(v, m.Tensor) else None
    return program


def _u8(m, values):
    return m.tensor(values, dtype=m.uint8)


def _i16(m, values):
    return m.tensor(values, dtype=m.int16)


# --------------------------------------------------------------------------- the order of torch's errors
@pytest.mark.parametrize("program", [
    get((1,), lambda m: (_i16(m, [0]), slice(None), slice(None))),  # too many indices, before the dtype
    get((), lambda m: (_i16(m, [1, 2]),)),
    get((3,), lambda m: (_i16(m, [0]), 5)),  # the int's bounds (a view step), before the dtype
    get((2, 3), lambda m: (m.tensor([0.0]), 7)),  # a float index tensor: refused after the view steps
    get((2, 3), lambda m: (m.tensor(0.0), 7)),  # (a 0-d float one too, and it takes a dimension)
    get((1, 3, 0), lambda m: (-2, slice(0, None), _i16(m, [[]]))),
    get((3, 2), lambda m: (slice(1, None), _u8(m, [1, 1, 0]))),  # the uint8 warning, then the mask's shape
    get((2, 3, 4), lambda m: ([0], _u8(m, []))),
    get((2, 3), lambda m: (m.tensor([5, 0]), m.tensor([True, False, True]))),  # dtype, masks, broadcast, bounds
    get((2, 3), lambda m: (m.tensor([[0, 1]]), m.tensor([7, 0, 0]))),
    get((), lambda m: slice(None, None, 0)),  # a 0-d tensor: the slice's step is read first
    get((), lambda m: slice(None, None, -1)),
    put((2, 3), lambda m: (m.tensor([0, 1]), m.tensor([0, 1, 2])), lambda m: 1.0, leaf=True),  # leaf first
    put((2, 3), lambda m: (_i16(m, [0]),), lambda m: 1.0, leaf=True),
    put((2, 3), lambda m: (m.tensor([True]),), lambda m: 1.0, leaf=True),
    put((2, 3), lambda m: ([1], None, [0, 2]), lambda m: m.tensor(1.0, dtype=m.float64), leaf=True),
    put((2, 2), lambda m: (m.tensor([True]), slice(0, 1)), lambda m: m.ones(0), leaf=True),  # a view of a leaf
    put((3, 2, 1), lambda m: (..., slice(2, None, 3), [0, -2], None), lambda m: m.tensor(1.0, dtype=m.float64)),
    put((3, 2), lambda m: ([0, 1], [0, 1]), lambda m: m.ones(3, dtype=m.float64)),  # the value's shape, then dtype
    put((3, 2), lambda m: ([0, 9],), lambda m: m.ones(2, dtype=m.float64)),  # its dtype, then the bounds
    put((3, 2), lambda m: (_i16(m, [0]), 7), lambda m: 1.0),
])
def test_errors_come_in_torchs_order(program):
    assert_same_program(program)


# --------------------------------------------------------------------------- results with no elements
@pytest.mark.parametrize("shape, key", [
    ((3, 0), lambda m: [5]),
    ((3, 0), lambda m: m.tensor([5])),
    ((3, 2, 0), lambda m: ([5], [1])),
    ((3, 4), lambda m: (m.zeros(0, dtype=m.long), [9])),
    ((3, 4), lambda m: ([[]], [9])),
    ((3, 0, 4), lambda m: ([9], slice(None), [1])),
    ((3, 0, 4), lambda m: (slice(None), slice(None), [9])),
    ((0, 4), lambda m: (slice(None), [9])),
    ((3, 0), lambda m: (None, [5])),
    ((2, 3, 0), lambda m: (0, [5])),
    ((3, 0, 2, 0), lambda m: (m.tensor([[-1, 1, 3], [-2, 1, -2]]), slice(None))),
    ((3, 0), lambda m: (slice(1, None), [5])),  # an indexed dimension of size 0, indices not empty: refused
    ((3, 0), lambda m: ([1], [0])),
])
@pytest.mark.parametrize("write", [False, True])
def test_an_empty_result_reads_no_index(shape, key, write):
    assert_same_program(put(shape, key, lambda m: 1.5) if write else get(shape, key))


# --------------------------------------------------------------------------- views and grad_fn of writes
@pytest.mark.parametrize("program", [
    put((3, 2), lambda m: (slice(-3, None), [0]), lambda m: 2.0),  # `-3:` is a slice view: CopySlices
    put((3, 2), lambda m: (slice(-3, None), [0]), lambda m: 2.0, leaf=True),
    put((3, 3, 0, 2), lambda m: (slice(None), [], slice(None, -1)), lambda m: 2.0, leaf=True),
    put((3, 2), lambda m: (slice(0, 99), [0]), lambda m: 2.0, leaf=True),  # (to the end or past it: no view)
    put((), lambda m: ..., lambda m: 2.0),  # a whole 0-d tensor: copy_
    put((), lambda m: ..., lambda m: m.tensor(3.0, requires_grad=True)),
    put((), lambda m: slice(None), lambda m: m.tensor(3, requires_grad=False)),
    put((1, 2), lambda m: slice(None), lambda m: m.tensor(0.3, dtype=m.float16, requires_grad=True)),
])
def test_writes_take_torchs_steps(program):
    assert_same_program(program)


@pytest.mark.parametrize("key, value_shape", [
    (lambda m: (None, slice(None)), (1, 1)),
    (lambda m: (slice(None), slice(0, 2)), (1, 2, 1)),
    (lambda m: 1, (3,)),
    (lambda m: (slice(None), 1), (1, 3)),  # (summed along the first dimension: NumPy would round each step)
])
def test_a_broadcast_float16_value_gets_its_gradient_rounded_before_the_sum(key, value_shape):
    """torch expands the value, then copies it: the gradient is cast to float16, then summed."""
    def value(m):
        return m.tensor(np.full(value_shape, 0.3), dtype=m.float16, requires_grad=True)
    assert_same_program(put((5, 3, 3), key, value))


# --------------------------------------------------------------------------- uint8 masks warn everywhere
@pytest.mark.parametrize("program", [
    get((3, 2), lambda m: _u8(m, [1, 0, 1])),
    get((3, 2), lambda m: (_u8(m, [1, 0, 1]), _u8(m, [0, 1]))),
    put((3, 2), lambda m: _u8(m, [1, 0, 1]), lambda m: m.ones(2, requires_grad=True)),
    put((2, 3), lambda m: (_u8(m, [1, 1]), slice(3, None), True), lambda m: 2),
    put((3, 2, 4, 1), lambda m: (None, _u8(m, [[2, 1, 2], [1, 3, 0], [0, 2, 1]]), m.tensor([[0, 0, -2]])),
        lambda m: 2),  # a one-element value: the first mask is checked (no warning) before the index
    put((3, 0, 3), lambda m: (_u8(m, [2]), slice(1, -1), [-1]), lambda m: 2.0),
    put((2, 3), lambda m: (_u8(m, [1, 0]), [0]), lambda m: m.ones(1)),
])
def test_uint8_masks_warn_where_torch_reads_them(program):
    assert_same_program(program)


# --------------------------------------------------------------------------- index_put_
def index_put(shape, indices, values, accumulate, leaf=False):
    """`y.index_put_(indices(m), values(m), accumulate)` on `y = x * 1` (or the leaf x), then backward."""
    def program(m):
        x = _leaf(m, shape)
        v = values(m)
        y = x if leaf else x * 1
        y.index_put_(indices(m), v, accumulate=accumulate)
        y.backward(_upstream(m, y))
        return y, x.grad, v.grad if isinstance(v, m.Tensor) else None
    return program


def _value(m, shape=(), dtype="float32"):
    return m.tensor(np.full(shape, 0.5), dtype=getattr(m, dtype), requires_grad=True)


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("indices, values, shape", [
    (lambda m: (m.tensor([5]),), _value, (3,)),  # torch's message for an index out of range
    (lambda m: (m.tensor([-4]),), _value, (3,)),
    (lambda m: (m.tensor([1], dtype=m.int16),), _value, (3,)),
    (lambda m: (m.tensor([1]), m.tensor([0])), _value, (3,)),  # "(got 2)"
    (lambda m: (m.tensor([1, 2]),), lambda m: _value(m, (3,)), (3,)),
    (lambda m: (m.tensor([1]),), lambda m: _value(m, (1, 1)), (3,)),  # values keep their leading 1s
    (lambda m: (m.tensor(1),), lambda m: _value(m, (1,)), (3,)),  # a 0-d index is a tensor index: result []
    (lambda m: (m.tensor(1),), _value, (2, 3)),
    (lambda m: (m.tensor([5]),), _value, (3, 0)),  # an empty result reads no index
    (lambda m: (m.tensor([1, 0, 1], dtype=m.uint8),), lambda m: _value(m, (2,)), (3,)),
    (lambda m: (m.tensor([True, False, True]), m.tensor([1])), lambda m: _value(m, (2,)), (3, 2)),
    (lambda m: (m.tensor([[0, 0], [2, 0]]),), lambda m: _value(m, (2,)), (3, 2)),
    (lambda m: (m.tensor([1]),), lambda m: _value(m, (), "float64"), (3,)),
    (lambda m: (m.tensor([True, False, True]),), lambda m: _value(m, (), "float64"), (3,)),  # masked_fill_: any dtype
])
def test_index_put_checks_and_writes_as_torch(indices, values, shape, accumulate):
    assert_same_program(index_put(shape, indices, values, accumulate))


@pytest.mark.parametrize("call", [
    lambda m, x: x.index_put_(m.tensor([1]), m.tensor(1.0)),
    lambda m, x: x.index_put_([[1]], m.tensor(1.0)),
    lambda m, x: x.index_put_((None, m.tensor([1])), m.tensor(1.0), accumulate=True),
    lambda m, x: x.index_put_((m.tensor([1]),), 1.0),
    lambda m, x: x.index_put_((m.tensor([1]),), [1.0], accumulate=True),
    lambda m, x: x.index_put_([m.tensor([1])], m.tensor(1.0)),  # (a list of tensors is taken)
    lambda m, x: x.requires_grad_().index_put_((m.tensor([1]), m.tensor([0])), m.tensor(1.0)),  # leaf, then count
    lambda m, x: x.requires_grad_().index_put_((m.tensor([7]),), m.tensor(1.0), accumulate=True),
])
def test_index_put_reads_its_arguments_as_torch(call):
    assert_same_program(lambda m: call(m, m.zeros(3)))


@pytest.mark.parametrize("call", [
    lambda m, x: x.index_put(m.tensor([1]), m.tensor(1.0)),
    lambda m, x: x.index_put((m.tensor([1]),), 1.0),  # (the out-of-place form names itself)
    lambda m, x: x.requires_grad_().index_put((m.tensor([1]),), m.tensor(1.0), accumulate=True),
])
def test_index_put_out_of_place_as_torch(call):
    assert_same_program(lambda m: call(m, m.zeros(3)))


# --------------------------------------------------------------------------- masked_fill
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"])
def test_masked_fill_names_a_mask_dtype_as_torch(dtype):
    """torch prints the mask's C++ type ("unsigned char", "long int", "c10::Half")."""
    assert_same_program(lambda m: m.zeros(3).masked_fill(m.ones(3, dtype=getattr(m, dtype)), 1.0))


@pytest.mark.parametrize("program", [
    lambda m: m.zeros(2, 3).masked_fill(m.tensor([True, False]), 1.0),  # out of place: the mask is tensor a
    lambda m: m.zeros(2, 3).masked_fill_(m.tensor([True, False]), 1.0),  # in place: self is
    lambda m: m.zeros(3).masked_fill(m.ones(2, 2, dtype=m.bool), 1.0),
    lambda m: m.zeros(3).masked_fill_(m.ones(2, 2, dtype=m.bool), 1.0),
    lambda m: m.zeros(3).masked_fill_(m.ones(2, 3, dtype=m.bool), 1.0),
    lambda m: m.zeros(3).masked_fill_(m.ones(2, 3, dtype=m.int64), 1.0),
])
def test_masked_fill_shape_errors_as_torch(program):
    assert_same_program(program)


@pytest.mark.parametrize("write", [
    lambda m, y: y.__setitem__(m.tensor([False, True, True]), m.tensor(-1.0)),  # masked_fill_ takes -1.0: overflow
    lambda m, y: y.__setitem__((None, m.tensor([[True], [False], [True]])), m.tensor([-2.5], dtype=m.float16)),
    lambda m, y: y.index_put_((m.tensor([True, False, True]),), m.tensor(-1.0)),
    lambda m, y: y.__setitem__(m.tensor([False, True, True]), m.tensor(300.0)),
    lambda m, y: y.__setitem__(m.tensor([False, True, True]), m.tensor(-1)),  # (an integer -1 wraps: 255)
    lambda m, y: y.__setitem__(m.tensor([False, True, True]), m.tensor(2.7, dtype=m.float64)),
])
def test_a_one_element_value_through_a_mask_is_checked_as_masked_fill_checks_numbers(write):
    def program(m):
        y = m.zeros(3, 1, dtype=m.uint8)
        write(m, y)
        return y
    assert_same_program(program)


# --------------------------------------------------------------------------- views of views
@pytest.mark.parametrize("key", [lambda m: ..., lambda m: 0, lambda m: (slice(1, None), None), lambda m: slice(None)])
def test_an_index_of_an_expanded_empty_tensor_is_a_view_of_its_base(key):
    """`expand` of an empty tensor is a view (its array has no elements to share): so is an index of it."""
    def program(m):
        x = m.zeros(1, 0, 2) * 1
        y = x.expand(3, 0, 2)
        r = y[key(m)]
        return y._base is x, r._base is x, r._base is y, tuple(r.shape)
    assert_same_program(program)


@pytest.mark.parametrize("dtype", ["bool", "float32"])
@pytest.mark.parametrize("write", [True, False])
def test_a_value_with_too_many_dimensions_is_named_as_torch_prints_it(dtype, write):
    """copy_'s expand error prints the value's type: "CPUBoolType" for bool (it has no legacy name)."""
    def program(m):
        value = m.ones(2, 1, 1, dtype=getattr(m, dtype))
        if write:
            m.zeros(2)[None] = value
        return value.expand(1, 2)
    assert_same_program(program)


# --------------------------------------------------------------------------- writes into an expanded tensor
@pytest.mark.parametrize("write", [
    lambda m, e: e.index_put_((m.tensor([0]),), m.tensor(1.0)),
    lambda m, e: e.index_put_((m.tensor([0, 1]), m.tensor([0, 0])), m.tensor([1.0, 2.0]), accumulate=True),
    lambda m, e: e.__setitem__([1], m.tensor([[1.0, 2.0, 3.0]])),
    lambda m, e: e.__setitem__((slice(None), [0]), 1.0),
    lambda m, e: e.__setitem__(m.tensor([True, False]), 1.0),  # index_put_ hands it to masked_fill_: both warn
    lambda m, e: e.__setitem__(m.tensor([True, False]), m.ones(3)),
    lambda m, e: e.__setitem__(m.tensor([1, 0], dtype=m.uint8), 1.0),  # (masked_fill_ refuses uint8 first)
    lambda m, e: e.masked_fill_(m.tensor([[True, False, False], [False, False, False]]), 1.0),
    lambda m, e: e.__setitem__((0, [1]), 1.0),  # index_put_ on the row, a view without repeats: no warning
    lambda m, e: e.__setitem__(0, 1.0),  # copy_ refuses
])
def test_index_put_and_masked_fill_write_into_an_expanded_tensor_with_torchs_warning(write):
    """torch deprecates these writes (elements share memory) but makes them, where other in-place ops refuse."""
    def program(m):
        e = m.zeros(1, 3).expand(2, 3)
        write(m, e)
        return e
    assert_same_program(program)
