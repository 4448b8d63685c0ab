"""Reductions, sorting and norms, differential probe: the corners where minitorch_ref differed from torch 2.13.

Each case is one small program run on both libraries (`assert_matches_torch`: the same values, dtypes,
shapes, requires_grad, grad_fn names and gradients, or the same exception type and message). What this
proves, beyond `test_ops.py`, `test_ops_more.py`, `test_linalg.py` and the op table:
- amax/amin (and the matrix norms built on them) give a slice whose result is nan a nan gradient
  everywhere, as torch's grad / count * mask does (count 0: nan != nan, so no element wins);
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
    lambda m, x: x.amin((0, 1)),
])
def test_amax_amin_gradient_of_a_nan_slice_is_nan(build):
    assert_matches_torch(lambda m: _gradient(m, build, [[NAN, 1.0, 2.0], [INF, 1.0, 1.0]]))
