"""Indexing and Python numbers as torch reads them (issue: a differential probe of Tensor's indexing).

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: both must give
the same values, dtype, shape, requires_grad and grad_fn, or raise the same exception type with the
same message ("torch." read as "minitorch_ref."), as in test_semantics.py.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import with_warnings
from parity_tests.test_semantics import _backward_grads, _setitem, assert_matches_torch


def _x(m):
    return m.arange(24.0).reshape(2, 4, 3)


def _y(m):
    return m.arange(6.0).reshape(2, 3)


def _z(m):
    return m.arange(9.0).reshape(3, 3)


def _mask(m, *shape):
    return m.ones(*shape, dtype=m.bool)


def _u8(m, values):
    return m.tensor(values, dtype=m.uint8)


def _write_through(m, key, make_value, shape=(4,)):
    """`x[key] = make_value(x)`: a value that may share x's memory."""
    x = m.arange(float(np.prod(shape))).reshape(shape)
    x[key] = make_value(x)
    return x


class _Index:
    def __index__(self):
        return 1


def _trailing_true_grad(m):
    x = m.arange(4.0).reshape(2, 2).requires_grad_()
    y = x[-1, 0, True]
    y.sum().backward()
    return y, x.grad


INDEXING = {
    # --- `...` beside a mask: a bool tensor counts as mask.ndim dimensions when `...` is sized
    "ellipsis-then-2d-mask": lambda m: _x(m)[..., _mask(m, 4, 3)],
    "2d-mask-then-ellipsis": lambda m: _x(m)[_mask(m, 2, 4), ...],
    "2d-mask-int-ellipsis": lambda m: _x(m)[_mask(m, 2, 4), 1, ...],
    "3d-mask-then-ellipsis": lambda m: _x(m)[_mask(m, 2, 4, 3), ...],
    "set-ellipsis-then-2d-mask": lambda m: _setitem(m, _x(m), (..., _mask(m, 4, 3)), 0.0),
    "set-2d-mask-then-ellipsis": lambda m: _setitem(m, _x(m), (_mask(m, 2, 4), ...), 0.0),
    "set-2d-mask-int-ellipsis": lambda m: _setitem(m, _x(m), (_mask(m, 2, 4), 1, ...), 0.0),
    "set-3d-mask-then-ellipsis": lambda m: _setitem(m, _x(m), (_mask(m, 2, 4, 3), ...), 0.0),
    "ellipsis-then-2d-mask-grad": lambda m: _backward_grads(m, lambda m, x: x[..., _mask(m, 2)], [[[1.0, 2.0]] * 3]),
    "ellipsis-then-2d-uint8-mask": lambda m: m.zeros(2, 3)[..., m.ones(2, 3, dtype=m.uint8)],
    "ellipsis-then-list-mask-counts-one-dim": lambda m: m.zeros(2, 3)[..., [[True, True, True]]],
    "ellipsis-then-numpy-mask-counts-one-dim": lambda m: m.zeros(2, 3)[..., np.ones((2, 3), dtype=bool)],
    # --- an empty list is an empty int64 index; a list of floats is truncated to int64
    "empty-list": lambda m: _y(m)[[]],
    "empty-list-second-dim": lambda m: _y(m)[:, []],
    "empty-list-and-int": lambda m: _y(m)[[], 0],
    "empty-lists": lambda m: _y(m)[[], []],
    "set-empty-list": lambda m: _setitem(m, _y(m), [], 1.0),
    "empty-list-grad": lambda m: _backward_grads(m, lambda m, x: x[[]], [[1.0, 2.0]]),
    "float-list": lambda m: _y(m)[[1.5, 0.0]],
    "float-numpy-array": lambda m: _y(m)[np.array([1.0, 0.0])],
    # --- a list holding a sequence, slice, ..., None or tensor (and under 32 long) is a tuple of indices
    "nested-list-is-a-tuple": lambda m: _z(m)[[[0, 1], [1, 2]]],
    "list-with-slice": lambda m: _z(m)[[0, slice(None)]],
    "list-with-0d-tensor": lambda m: _z(m)[[m.tensor(0), 1]],
    "list-with-tensor": lambda m: _z(m)[[m.tensor([0, 1]), 1]],
    "list-with-numpy-array": lambda m: _z(m)[[np.array([0, 1]), 1]],
    "list-with-none": lambda m: _z(m)[[None, 0]],
    "list-with-ellipsis": lambda m: _z(m)[[..., 0]],
    "list-of-list-and-int": lambda m: _z(m)[[[0, 1], 0]],
    "set-nested-list": lambda m: _setitem(m, _z(m), [[0, 1], [1, 2]], 7.0),
    "nested-list-grad": lambda m: _backward_grads(m, lambda m, x: x[[[0, 1], [1, 0]]], [[[1.0, 2.0], [3.0, 4.0]]]),
    "nested-list-too-many-indices": lambda m: m.arange(3.0)[[[0], [0]]],
    "list-of-32-lists-is-one-index": lambda m: m.arange(2.0)[[[0]] * 32],
    "list-of-31-lists-is-a-tuple": lambda m: m.zeros([1] * 31)[[[0]] * 31],
    "numpy-2d-array-is-one-index": lambda m: _z(m)[np.array([[0, 1], [1, 2]])],
    # --- uint8 index tensors are masks (deprecated); other small integer types are refused
    "uint8-mask": lambda m: _y(m)[_u8(m, [1, 0])],
    "uint8-mask-nonzero-values": lambda m: _y(m)[_u8(m, [2, 0])],
    "uint8-mask-beside-int": lambda m: _y(m)[_u8(m, [1, 0]), 1],
    "uint8-0d-is-a-mask": lambda m: _y(m)[m.tensor(1, dtype=m.uint8)],
    "uint8-list-is-a-mask": lambda m: _y(m)[[np.uint8(1), np.uint8(0)]],
    "uint8-numpy-array-is-a-mask": lambda m: _y(m)[np.array([1, 0], dtype=np.uint8)],
    "set-uint8-mask-number-error": lambda m: _setitem(m, _y(m), _u8(m, [1, 0]), 5.0),
    "set-uint8-mask-0d-value-error": lambda m: _setitem(m, _y(m), (_u8(m, [1, 0]), 0), m.tensor(5.0)),
    "set-uint8-mask-rows": lambda m: _setitem(m, _y(m), _u8(m, [1, 0]), m.ones(3)),
    "int8-index-error": lambda m: _y(m)[m.tensor([1, 0], dtype=m.int8)],
    "int16-index-error": lambda m: _y(m)[:, m.tensor([1], dtype=m.int16)],
    "int32-index": lambda m: _y(m)[m.tensor([1, 0], dtype=m.int32)],
    "int8-0d-index-is-an-int": lambda m: _y(m)[m.tensor(1, dtype=m.int8)],
    "numpy-int8-array-is-int64": lambda m: _y(m)[np.array([1, 0], dtype=np.int8)],
    # --- a bool after ints that pick a single element
    "int-int-true-grad": _trailing_true_grad,
    "int-true": lambda m: m.arange(3.0)[0, True],
    "set-int-true": lambda m: _setitem(m, m.arange(3.0), (0, True), 5.5),
    "set-int-false": lambda m: _setitem(m, m.arange(3.0), (0, False), 5.5),
    "set-true-is-a-view-write": lambda m: _backward_grads(m, lambda m, x: _setitem(m, x * 1, True, 2.0), [[1.0, 2.0]]),
    "set-true-and-list-is-a-view-write": lambda m: _backward_grads(
        m, lambda m, x, v: _setitem(m, x * 1, (True, [0]), v), [[1.0, 2.0], 3.0]),
    "set-0d-true-then-int": lambda m: _setitem(m, m.arange(3.0), (m.tensor(True), 1), 9.0),
    # --- index_put_ wants the value's dtype (a slice or int key copies, and casts)
    "set-list-double-from-float-error": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), [0, 1], m.ones(2)),
    "set-list-long-from-float-error": lambda m: _setitem(m, m.zeros(3, dtype=m.int64), [0, 1], m.ones(2)),
    "set-list-float-from-int32-error": lambda m: _setitem(m, m.zeros(3), [0, 1], m.ones(2, dtype=m.int32)),
    "set-mask-double-from-float-error": lambda m: _setitem(
        m, m.zeros(3, dtype=m.float64), m.tensor([True, False, True]), m.ones(2)),
    "set-list-double-from-0d-float-error": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), [0, 1], m.tensor(1.0)),
    "set-0d-mask-double-from-float-error": lambda m: _setitem(
        m, m.zeros(3, dtype=m.float64), m.tensor(True), m.ones(3)),
    "set-int-and-list-double-from-float-error": lambda m: _setitem(
        m, m.zeros(3, 3, dtype=m.float64), (0, [0, 1]), m.ones(2)),
    "set-empty-list-float-from-double-error": lambda m: _setitem(m, m.zeros(3), [], m.ones(0, dtype=m.float64)),
    "set-dtype-error-with-grad": lambda m: _setitem(
        m, m.zeros(3, dtype=m.float64), [0, 1], m.ones(2, requires_grad=True)),
    "set-shape-error-before-dtype-error": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), [0, 1], m.ones(3)),
    "set-mask-0d-float-into-double-fills": lambda m: _setitem(
        m, m.zeros(3, dtype=m.float64), m.tensor([True, False, True]), m.tensor(1.5)),
    "set-mask-1-element-float-into-double-fills": lambda m: _setitem(
        m, m.zeros(2, 3, dtype=m.float64), (slice(None), m.tensor([True, False, True])), m.ones(1)),
    "set-list-number-into-double": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), [0, 1], 1.5),
    "set-slice-float-into-double": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), slice(0, 2), m.ones(2)),
    "set-int-float-into-double": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), 0, m.tensor(1.5)),
    "set-true-float-into-double": lambda m: _setitem(m, m.zeros(3, dtype=m.float64), True, m.ones(3)),
    # --- what a value may be: a tensor or a Python number (torch's valueToTensor, before the key is read)
    "set-none-error": lambda m: _setitem(m, m.zeros(3), 0, None),
    "set-none-list-key-error": lambda m: _setitem(m, m.zeros(3), [0], None),
    "set-none-into-long-error": lambda m: _setitem(m, m.zeros(3, dtype=m.int64), 0, None),
    "set-none-bad-key-error": lambda m: _setitem(m, m.zeros(3), 5, None),
    "set-string-error": lambda m: _setitem(m, m.zeros(3), 0, "a"),
    "set-list-error": lambda m: _setitem(m, m.zeros(3), slice(0, 2), [1.0, 2.0]),
    "set-tuple-error": lambda m: _setitem(m, m.zeros(3), slice(0, 2), (1.0, 2.0)),
    "set-numpy-array-error": lambda m: _setitem(m, m.zeros(3), [0, 1], np.array([1.0, 2.0])),
    "set-numpy-0d-array-error": lambda m: _setitem(m, m.zeros(3), 0, np.array(2.5)),
    "set-numpy-float32-error": lambda m: _setitem(m, m.zeros(3), 0, np.float32(2.5)),
    "set-numpy-bool-error": lambda m: _setitem(m, m.zeros(3, dtype=m.int64), 0, np.bool_(True)),
    "set-numpy-float64-and-int64": lambda m: (_setitem(m, m.zeros(3), 0, np.float64(2.5)),
                                              _setitem(m, m.zeros(3), 1, np.int64(3))),
    "set-false-key-list-error": lambda m: _setitem(m, m.zeros(3), False, [1, 2]),
    "set-false-key-writes-nothing": lambda m: _setitem(m, m.zeros(3), False, m.ones(5)),
    "set-int-beyond-int64-error": lambda m: _setitem(m, m.zeros(3), 0, 2**63),
    "set-200-into-int8-error": lambda m: _setitem(m, m.zeros(3, dtype=m.int8), 0, 200),
    "set-minus-1-into-uint8-wraps": lambda m: _setitem(m, m.zeros(3, dtype=m.uint8), [0], -1),
    "set-nan-into-long-error": lambda m: _setitem(m, m.zeros(3, dtype=m.int64), 0, float("nan")),
    "set-1e39-into-float-error": lambda m: _setitem(m, m.zeros(3), 0, 1e39),
    "set-70000-into-half-is-inf": lambda m: _setitem(m, m.zeros(3, dtype=m.float16), [0], 70000.0),
    "set-complex-error": lambda m: _setitem(m, m.zeros(3), 0, 1j),
    "set-real-complex": lambda m: _setitem(m, m.zeros(3), 0, 2 + 0j),
    # --- a value sharing memory with what it overwrites
    "set-overlapping-slices-error": lambda m: _write_through(m, slice(1, None), lambda x: x[:-1]),
    "set-overlapping-slices-error-long": lambda m: _setitem(m, m.arange(4), slice(None, 3), m.arange(4)[1:]),
    "set-overlapping-rows-error": lambda m: _write_through(m, slice(1, None), lambda x: x[:-1], (3, 3)),
    "set-transpose-into-itself-error": lambda m: _write_through(m, Ellipsis, lambda x: x.t(), (3, 3)),
    "set-overlapping-detached-error": lambda m: _write_through(m, slice(1, None), lambda x: x.detach()[:-1]),
    "set-overlap-index-put-itself-error": lambda m: _write_through(m, [0, 1, 2, 3], lambda x: x),
    "set-overlap-index-put-element-error": lambda m: _write_through(m, [0], lambda x: x[1]),
    "set-overlap-index-put-mask-error": lambda m: _write_through(m, m.tensor([True, False, True, False]),
                                                                 lambda x: x[:2]),
    "set-overlap-int-and-list-error": lambda m: _write_through(m, (0, [0, 1]), lambda x: x[0, :2], (3, 3)),
    "set-slices-apart": lambda m: _write_through(m, slice(None, 2), lambda x: x[2:]),
    "set-itself": lambda m: _write_through(m, Ellipsis, lambda x: x),
    "set-element-of-itself": lambda m: _write_through(m, 0, lambda x: x[0], (3, 3)),
    "set-0d-view-is-a-fill": lambda m: _write_through(m, slice(0, 1), lambda x: x[0]),
    "set-mask-fill-from-its-element": lambda m: _write_through(m, m.tensor([True, False, True, False]),
                                                               lambda x: x[1]),
    "set-expanded-view-unchecked": lambda m: _write_through(m, slice(None), lambda x: x[0:1].expand(4)),
    "set-other-rows": lambda m: _write_through(m, (0, [0, 1]), lambda x: x[1, :2], (3, 3)),
    # --- a mask's shape must be the shape of the dimensions it covers, in the tensor as viewed so far
    "empty-mask-on-size-1-dim-error": lambda m: m.zeros(1, 3)[m.zeros(0, dtype=m.bool)],
    "set-empty-mask-on-size-1-dim-error": lambda m: _setitem(m, m.zeros(1, 3), m.zeros(0, dtype=m.bool), 1.0),
    "empty-numpy-mask-on-size-1-dim-error": lambda m: m.zeros(1, 3)[np.zeros(0, dtype=bool)],
    "mask-1x0-error": lambda m: m.zeros(1, 3)[m.zeros(1, 0, dtype=m.bool)],
    "mask-too-long-error": lambda m: m.zeros(1, 3)[m.zeros(2, dtype=m.bool)],
    "mask-after-int-error": lambda m: m.zeros(2, 3)[0, m.zeros(2, dtype=m.bool)],
    "mask-after-slice-error": lambda m: m.zeros(2, 3)[1:, m.zeros(2, dtype=m.bool)],
    "mask-2d-error": lambda m: m.zeros(2, 3, 4)[:, m.zeros(3, 3, dtype=m.bool)],
    "list-mask-error": lambda m: m.zeros(2, 3)[[True, False, True]],
    "mask-error-before-bounds-error": lambda m: m.zeros(2, 3)[[5], m.zeros(2, dtype=m.bool)],
    "set-tensor-mask-error": lambda m: _setitem(m, m.zeros(2, 3), (slice(None), m.zeros(2, dtype=m.bool)), m.ones(2)),
    # --- index arrays must broadcast together (a mask counts as its nonzero positions, True as [1])
    "indices-do-not-broadcast": lambda m: m.zeros(2, 3)[[0, 1], [0, 1, 2]],
    "mask-and-indices-do-not-broadcast": lambda m: m.zeros(2, 3, 4)[_mask(m, 2, 3), [0, 0, 0]],
    "true-and-indices-do-not-broadcast": lambda m: m.zeros(2, 3, 4)[True, [0, 1], [0, 0, 0]],
    # --- an int out of range: torch names its place in the key and the size of the dimension it meets
    "int-out-of-range-after-true": lambda m: m.zeros(2, 3)[True, 2],
    "int-out-of-range-after-none": lambda m: m.zeros(4, 0, 2)[-1, None, 0],
    "index-into-empty-dim": lambda m: m.zeros(0, 3)[[0, 0]],
    # --- a 0-d tensor has no dimension to index
    "0d-int-0-error": lambda m: m.tensor(1.5)[0],
    "0d-int-5-error": lambda m: m.tensor(1.5)[-1],
    "0d-slice-error": lambda m: m.tensor(1.5)[:],
    "set-0d-int-0-error": lambda m: _setitem(m, m.tensor(1.5), 0, 2.0),
    "0d-tuple-int-error": lambda m: m.tensor(1.5)[0,],
    # --- what else may be an index: an object with __index__ is an int; a float, a dict... are not
    "float-error": lambda m: _y(m)[1.0],
    "numpy-float-error": lambda m: _y(m)[0, np.float64(1.0)],
    "dict-error": lambda m: _y(m)[{1: 2}],
    "object-with-index": lambda m: _y(m)[_Index()],
    "zero-step-error": lambda m: _y(m)[::0],
    "negative-step-error": lambda m: _y(m)[::-1],
}


def _where(m, *args):
    return m.where(m.tensor([True, False]), *args)


SCALARS = {
    # --- tensor() infers the dtype from every leaf: NumPy scalars and arrays and tensors keep theirs
    "tensor-numpy-float64": lambda m: m.tensor([np.float64(1.5)]),
    "tensor-numpy-int32": lambda m: m.tensor([np.int32(3)]),
    "tensor-numpy-int8-and-uint8": lambda m: m.tensor([np.int8(1), np.uint8(1)]),
    "tensor-int-and-numpy-float64": lambda m: m.tensor([1, np.float64(2)]),
    "tensor-numpy-array-in-list": lambda m: m.tensor([np.array([1.0, 2.0])]),
    "tensor-numpy-0d-array-in-list-error": lambda m: m.tensor([np.array(1.5)]),
    "tensor-0d-double-and-float": lambda m: m.tensor([m.tensor(1.0, dtype=m.float64), m.tensor(2.0)]),
    "tensor-0d-double-and-number": lambda m: m.tensor([m.tensor(1.0, dtype=m.float64), 2.0]),
    "tensor-0d-int32-and-int": lambda m: m.tensor([m.tensor(1, dtype=m.int32), 2]),
    "tensor-one-element-tensors-are-numbers": lambda m: m.tensor([m.tensor([1.0]), m.tensor([[2.0]])]),
    "tensor-of-tensors-error": lambda m: m.tensor([m.tensor([1.0, 2.0]), m.tensor([3.0, 4.0])]),
    "tensor-of-empty-tensor-error": lambda m: m.tensor([m.tensor([])]),
    "tensor-tensor-then-list-error": lambda m: m.tensor([m.tensor(1.0), [2.0]]),
    "tensor-ragged-error": lambda m: m.tensor([[1], [2, 3]]),
    "tensor-list-then-number-error": lambda m: m.tensor([[1, 2], 3]),
    "tensor-number-then-list-error": lambda m: m.tensor([1, [2]]),
    "tensor-none-error": lambda m: m.tensor([None]),
    "tensor-strings-error": lambda m: m.tensor(["a"]),
    "tensor-200-int8-error": lambda m: m.tensor([200], dtype=m.int8),
    "tensor-256-uint8-error": lambda m: m.tensor([[1, 256]], dtype=m.uint8),
    "tensor-minus-1-uint8-wraps": lambda m: m.tensor([-1], dtype=m.uint8),
    "tensor-minus-1-float-uint8-error": lambda m: m.tensor([-1.0], dtype=m.uint8),
    "tensor-nan-long-error": lambda m: m.tensor([float("nan")], dtype=m.int64),
    "tensor-1e10-int32-error": lambda m: m.tensor(1e10, dtype=m.int32),
    "tensor-numpy-int64-int8-error": lambda m: m.tensor([np.int64(200)], dtype=m.int8),
    "tensor-0d-tensor-int8-error": lambda m: m.tensor([m.tensor(200)], dtype=m.int8),
    "tensor-float-truncated-to-long": lambda m: m.tensor([1.7, -1.7], dtype=m.int64),
    "tensor-numpy-array-int8-wraps": lambda m: m.tensor(np.array([200]), dtype=m.int8),
    "as_tensor-200-int8-error": lambda m: m.as_tensor([200], dtype=m.int8),
    # --- Python ints torch cannot read, and integer powers
    "long-times-2**70-error": lambda m: m.tensor([1]) * 2**70,
    "float-times-2**64-error": lambda m: m.tensor([1.0]) * 2**64,
    "long-plus-below-int64-error": lambda m: m.tensor([1]) + (-2**63 - 1),
    "long-compare-2**70-error": lambda m: m.tensor([1]) < 2**70,
    "long-plus-2**63-wraps": lambda m: m.tensor([1]) + 2**63,
    "uint8-pow-minus-1-error": lambda m: m.tensor([1], dtype=m.uint8) ** -1,
    "int8-pow-minus-300-error": lambda m: m.tensor([1], dtype=m.int8) ** -300,
    "uint8-pow-numpy-minus-1-error": lambda m: m.tensor([1], dtype=m.uint8) ** np.int64(-1),
    "uint8-pow-256-error": lambda m: m.tensor([2], dtype=m.uint8) ** 256,
    "int32-pow-2**40-error": lambda m: m.tensor([1], dtype=m.int32) ** 2**40,
    "long-pow-2**63-error": lambda m: m.tensor([1]) ** 2**63,
    "half-pow-70000-error": lambda m: m.tensor([1.0], dtype=m.float16) ** 70000,
    "half-0d-pow-minus-70000-error": lambda m: m.tensor(1.0, dtype=m.float16) ** -70000.5,
    "half-pow-inf": lambda m: m.tensor([0.5, 2.0], dtype=m.float16) ** float("inf"),
    "float-pow-1e300": lambda m: m.tensor([0.5, 2.0]) ** 1e300,
    "uint8-pow-255": lambda m: m.tensor([1, 0], dtype=m.uint8) ** 255,
    # --- where: two numbers give the default float, a number beside a tensor is converted checked
    "where-float-and-int": lambda m: _where(m, 1.5, 0),
    "where-numpy-float-and-int": lambda m: _where(m, np.float64(1.5), 0),
    "where-ints": lambda m: _where(m, 1, 0),
    "where-bool-and-int": lambda m: _where(m, True, 0),
    "where-bools": lambda m: _where(m, True, False),
    "where-0d-condition": lambda m: m.where(m.tensor(True), 1.5, 0),
    "where-float-beyond-float32-error": lambda m: _where(m, 1e300, 0),
    "where-int-beyond-int64-error": lambda m: _where(m, 2**70, 0),
    "where-long-tensor-2**63-error": lambda m: _where(m, m.tensor([1, 2]), 2**63),
    "where-uint8-tensor-300-error": lambda m: _where(m, m.tensor([1, 2], dtype=m.uint8), 300),
    "where-uint8-tensor-minus-1": lambda m: _where(m, m.tensor([1, 2], dtype=m.uint8), -1),
    "where-half-tensor-70000": lambda m: _where(m, m.tensor([1.0, 2.0], dtype=m.float16), 70000.0),
    "where-number-and-int32-tensor": lambda m: _where(m, 1.5, m.tensor([1, 2], dtype=m.int32)),
    "where-condition-only": lambda m: m.where(m.tensor([[True, False], [False, True]])),
    "tensor-where-method": lambda m: m.tensor([1.0, 2.0]).where(m.tensor([True, False]), m.tensor(5.0)),
    # --- Python's protocols
    "in-row": lambda m: m.tensor([1, 2]) in m.tensor([[1, 2], [3, 4]]),
    "in-broadcast-partial-row": lambda m: m.tensor([1, 5]) in m.tensor([[1, 2], [3, 4]]),
    "in-number": lambda m: (1 in m.tensor([[1, 2], [3, 4]]), 7 in m.tensor([[1, 2]]), 1.5 in m.tensor([1, 2])),
    "in-0d": lambda m: 1 in m.tensor(1),
    "in-empty": lambda m: 1 in m.tensor([]),
    "in-numpy-number": lambda m: np.float64(2.0) in m.tensor([1.0, 2.0]),
    "in-string-error": lambda m: "a" in m.tensor([1, 2]),
    "in-list-error": lambda m: [1, 2] in m.tensor([[1, 2]]),
    "in-none-error": lambda m: None in m.tensor([1, 2]),
    "in-shape-error": lambda m: m.tensor([1, 2, 3]) in m.tensor([[1, 2], [3, 4]]),
    "float-of-two-elements-error": lambda m: float(m.tensor([1.0, 2.0])),
    "float-of-empty-error": lambda m: float(m.tensor([])),
    "int-of-two-elements-error": lambda m: int(m.tensor([1.0, 2.0])),
    "int-of-empty-error": lambda m: int(m.tensor([])),
    "complex-of-two-elements-error": lambda m: complex(m.tensor([1.0, 2.0])),
    "int-and-float-of-one-element": lambda m: (int(m.tensor([[2.7]])), float(m.tensor([3])),
                                               float(m.tensor([1.5], requires_grad=True))),
    "item-of-two-elements-error": lambda m: m.tensor([1.0, 2.0]).item(),
    "bool-of-empty-error": lambda m: bool(m.tensor([])),
    "bool-of-two-elements-error": lambda m: bool(m.tensor([1, 2])),
    "equals-string": lambda m: (m.tensor([1, 2]) == "a", m.tensor([1, 2]) != "a", "a" == m.tensor([1, 2])),
    "equals-list-and-object": lambda m: (m.tensor([1, 2]) == [1, 2], m.tensor([1, 2]) == (1, 2),
                                         m.tensor([1, 2]) == object(), m.tensor([1, 2]) != None),  # noqa: E711
    "equals-numpy-array": lambda m: m.tensor([1, 2]) == np.array([1, 3]),
    "less-than-string-error": lambda m: m.tensor([1, 2]) < "a",
    "eq-method-string-error": lambda m: m.tensor([1, 2]).eq("a"),
    "ge-method-list-error": lambda m: m.tensor([1, 2]).ge([1, 2]),
    "numpy-asarray-requires-grad-error": lambda m: np.asarray(m.tensor([1.5], requires_grad=True)),
    "numpy-asarray-dtype-requires-grad-error": lambda m: np.asarray(m.tensor([1.5], requires_grad=True),
                                                                    dtype=np.float64),
    "backward-float-gradient-error": lambda m: (m.tensor(1.5, requires_grad=True) * 2).backward(2.0),
}

CASES = {**INDEXING, **SCALARS}

# Cases whose exception type equals torch's, but not the message (torch's lists its overloads at length).
DIFFERENT_MESSAGE = {"eq-method-string-error", "ge-method-list-error"}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (see test_index_warns_as_torch)
        assert_matches_torch(CASES[case], same_message=case not in DIFFERENT_MESSAGE)


INDEX_WARNINGS = {
    "uint8-getitem": lambda m: _y(m)[_u8(m, [1, 0])],
    "uint8-getitem-numpy": lambda m: _y(m)[np.array([1, 0], dtype=np.uint8)],
    "uint8-index_put": lambda m: _setitem(m, _y(m), _u8(m, [1, 0]), m.ones(3)),
    "uint8-0d-silent": lambda m: _y(m)[m.tensor(1, dtype=m.uint8)],
    "bool-mask-silent": lambda m: _y(m)[m.tensor([True, False])],
    "list-read-as-tuple": lambda m: _z(m)[[[0, 1], [1, 2]]],
    "set-list-read-as-tuple": lambda m: _setitem(m, _z(m), [0, slice(None)], 1.0),
    "list-of-ints-silent": lambda m: _z(m)[[0, 1]],
    "tuple-of-lists-silent": lambda m: _z(m)[[0, 1], [1, 2]],
}


@pytest.mark.parametrize("case", list(INDEX_WARNINGS))
def test_index_warns_as_torch(case):
    """torch warns that uint8 masks are deprecated where it indexes with one (not for a 0-d uint8), and
    that a list read as a tuple of indices will be read as one index in a later version."""
    assert with_warnings(INDEX_WARNINGS[case], mt)[1] == with_warnings(INDEX_WARNINGS[case], torch)[1]


HALF_OPS = {
    "mul": lambda x, s: x * s,
    "rmul": lambda x, s: s * x,
    "div": lambda x, s: x / s,
    "rdiv": lambda x, s: s / x,
    "floordiv": lambda x, s: x // s,
    "div-trunc": lambda x, s: x.div(s, rounding_mode="trunc"),
    "div-floor": lambda x, s: x.div(s, rounding_mode="floor"),
    "mul_": lambda x, s: x.clone().mul_(s),
    "div_": lambda x, s: x.clone().div_(s),
    "add": lambda x, s: x + s,
    "sub": lambda x, s: x - s,
    "rsub": lambda x, s: s - x,
}


@pytest.mark.parametrize("number", [70000, 1e-8, 0.3, -1.0001, 2**40, 1e5])
@pytest.mark.parametrize("op", list(HALF_OPS))
def test_float16_with_a_number_rounds_once_as_torch(op, number):
    """torch multiplies and divides a float16 tensor by a Python number in float32 and rounds once
    (`x * 70000` is inf, not nan, where x is 0); it adds and subtracts in float16."""
    def run(m):
        x = m.tensor([0.0, 1.0, -3.0, 0.1, 1000.0, 2048.0, 65504.0], dtype=m.float16)
        return HALF_OPS[op](x, number).numpy()
    np.testing.assert_array_equal(run(mt), run(torch))


@pytest.mark.parametrize("op", ["mul", "div", "rdiv"])
@pytest.mark.parametrize("number", [1e-8, 70000, 0.3])
def test_float16_gradient_with_a_number_as_torch(op, number):
    def run(m):
        x = m.tensor([1000.0, 2.0, 0.5], dtype=m.float16, requires_grad=True)
        y = HALF_OPS[op](x, number)
        y.sum().backward()
        return y.detach().numpy(), x.grad.numpy()
    for got, want in zip(run(mt), run(torch)):
        np.testing.assert_array_equal(got, want)


def _index_put_accumulate(m):
    x = m.zeros(5, requires_grad=True)
    values = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = (x * 1).index_put((m.tensor([0, 0, 2]),), values, accumulate=True)  # position 0 twice: 1 + 2
    out.backward(m.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
    return out, x.grad, values.grad


PUT_AND_FILL = {
    "index_put-accumulate-and-gradients": _index_put_accumulate,
    "index_put_-accumulate-two-indices": lambda m: m.zeros(2, 3).index_put_(
        (m.tensor([1, 1]), m.tensor([0, 0])), m.tensor([1.0, 2.0]), accumulate=True),
    "index_put_-accumulate-mask": lambda m: m.zeros(2, 3).index_put_((m.tensor([True, False]),), m.tensor(5.0),
                                                                    accumulate=True),
    "index_put_-list-of-indices": lambda m: m.zeros(5).index_put_([m.tensor([1])], m.tensor(1.0)),
    "index_put_-accumulate-dtype-error": lambda m: m.zeros(5).index_put_(
        (m.tensor([1]),), m.tensor([1.0], dtype=m.float64), accumulate=True),
    "masked_fill_": lambda m: m.zeros(2, 3).masked_fill_(m.tensor([True, False, True]), 7.0),
    "masked_fill_-broadcast-beyond-self-error": lambda m: m.zeros(3).masked_fill_(m.ones(2, 3, dtype=m.bool), 1.0),
    "masked_fill_-leaf-error": lambda m: m.ones(2, requires_grad=True).masked_fill_(m.tensor([True, False]), 0.0),
}


@pytest.mark.parametrize("case", list(PUT_AND_FILL))
def test_index_put_and_masked_fill_in_place_match_torch(case):
    assert_matches_torch(PUT_AND_FILL[case])
