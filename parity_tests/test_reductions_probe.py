"""Reductions, sorting and norms, differential probe: the corners where minitorch_ref differed from torch 2.13.

Each case is one small program run on both libraries (`assert_matches_torch`: the same values, dtypes,
shapes, requires_grad, grad_fn names and gradients, or the same exception type and message). What this
proves, beyond `test_ops.py`, `test_ops_more.py`, `test_linalg.py` and the op table:
- amax/amin (and the matrix norms built on them) give a slice whose result is nan a nan gradient
  everywhere, as torch's grad / count * mask does (count 0: nan != nan, so no element wins);
- matrix norms 1 / inf / -1 / -inf are torch's composition (sum |A| with keepdim, then amax / amin: the
  AmaxBackward0 node), and `linalg.norm`, `matrix_norm` and `vector_norm` check their input, dims, ord
  and `dtype=` as torch does, with its messages, in its order;
"""
from __future__ import annotations

import warnings

import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch

NAN, INF = float("nan"), float("inf")


def _gradient(m, build, values):
    """(build(m, x), x.grad) after `build(...).sum().backward()` from a float32 leaf `x` of `values`."""
    x = m.tensor(values, requires_grad=True)
    out = build(m, x)
    out.sum().backward()
    return out, x.grad


# --------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("build", [
    lambda m, x: x.amax(), lambda m, x: x.amin(0), lambda m, x: x.amax(1, keepdim=True),
    lambda m, x: x.amin((0, 1)), lambda m, x: m.linalg.matrix_norm(x, -INF),
])
def test_amax_amin_gradient_of_a_nan_slice_is_nan(build):
    assert_matches_torch(lambda m: _gradient(m, build, [[NAN, 1.0, 2.0], [INF, 1.0, 1.0]]))


# --------------------------------------------------------------------------- norms
@pytest.mark.parametrize("build", [
    lambda m, x: m.linalg.matrix_norm(x, 1), lambda m, x: m.linalg.norm(x, INF),
    lambda m, x: m.linalg.matrix_norm(x.view(2, 3, 1), -1, dim=(2, 0)),
    lambda m, x: m.linalg.matrix_norm(x.view(2, 3, 1), INF, dim=(1, 0), keepdim=True),
])
def test_matrix_norm_one_and_inf_are_torch_composition(build):
    assert_matches_torch(lambda m: _gradient(m, build, [[1.0, -2.0, 3.0], [4.0, 0.5, -6.0]]))


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.matrix_norm(m.tensor([[1, 2], [3, 4]]), 1),  # (it computed)
    lambda m: m.linalg.matrix_norm(m.tensor([[1, 2], [3, 4]])),
    lambda m: m.linalg.matrix_norm(m.ones(2, dtype=m.int64), 5),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2), dim=(0,)),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2, 2), dim=(0, 1, 2)),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2), dim=(1, -1)),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2, dtype=m.float64), 1, dtype=m.float32),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2), "fro", dtype=m.int32),
    lambda m: m.linalg.matrix_norm(m.ones(2, 2, dtype=m.float16), "nuc"),
    lambda m: m.linalg.norm(m.ones(2, 2, 2), dim=(0, 1, 2)),
    lambda m: m.linalg.norm(m.ones(2, 2), dim=[]),
    lambda m: m.linalg.norm(m.ones(2), "fro"),
    lambda m: m.linalg.norm(m.ones(2, 2), "nuc", dim=(0,)),
    lambda m: m.linalg.norm(m.ones(2, 2), 1.5, dim=(0, 1)),
    lambda m: m.linalg.vector_norm(m.ones(2), dtype=m.int64),
    lambda m: m.linalg.vector_norm(m.ones(2), "fro"),
])
def test_norm_checks_as_torch(call):
    assert_matches_torch(call)
