"""`linalg.norm`, `linalg.matrix_norm` and `linalg.vector_norm` against torch: values, gradients, errors.

A differential probe found `linalg.norm(A, ord)` of a matrix computing a vector norm (no error, another
number): every matrix order is now torch's matrix norm, with its gradient.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch

MATRIX = np.random.default_rng(0).standard_normal((3, 2, 4))


@pytest.mark.parametrize("ord", [1, -1, math.inf, -math.inf, 2, -2, "nuc", "fro", None])
@pytest.mark.parametrize("dim", [(1, 2), (2, 1), (0, 2), (-1, -2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_matrix_norms_and_their_gradients_match_torch(ord, dim, keepdim):
    results = []
    for lib in (mt, torch):
        a = lib.tensor(MATRIX.copy(), requires_grad=True)
        out = lib.linalg.norm(a, ord, dim, keepdim=keepdim)
        out.backward(lib.tensor(np.linspace(0.5, 1.5, math.prod(out.shape)).reshape(tuple(out.shape))))
        results.append((out.detach().numpy(), a.grad.numpy()))
    (out_a, grad_a), (out_b, grad_b) = results
    assert out_a.shape == out_b.shape
    np.testing.assert_allclose(out_a, out_b, rtol=1e-10)
    np.testing.assert_allclose(grad_a, grad_b, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("ord", [1, math.inf, -1, 2, -2, "fro", "nuc", None])
def test_an_ord_on_a_matrix_is_a_matrix_norm(ord):
    assert_matches_torch(lambda m: m.linalg.norm(m.tensor([[1.0, -2.0], [3.0, 4.0]]), ord))


@pytest.mark.parametrize("call", [
    lambda m: m.linalg.norm(m.ones(2, 2), 3),
    lambda m: m.linalg.norm(m.ones(2, 2), 0.5, (0, 1)),
    lambda m: m.linalg.norm(m.ones(2, 3, 4), 1),
    lambda m: m.linalg.matrix_norm(m.ones(3)),
    lambda m: m.linalg.vector_norm(m.zeros(0), math.inf),
    lambda m: m.linalg.vector_norm(m.zeros(0, 3), math.inf, dim=0),
    lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.float64), dtype=m.float32),
    lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.long), dtype=m.float32),
    lambda m: m.linalg.vector_norm(m.ones(3), dtype=m.float64),
])
def test_norm_errors_and_dtypes_match_torch(call):
    assert_matches_torch(call)
