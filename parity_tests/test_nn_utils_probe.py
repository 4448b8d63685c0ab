"""`nn.utils`, differential probe: gradient clipping and parameters as a vector, run on both libraries.

What this proves, beyond `test_init_probe.py` (clip factors, norms of each order and dtype, the empty
generator's warning, the deprecated alias) and `test_activations_probe.py` (non-finite gradients):
- `clip_grads_with_norm_` takes its `total_norm` as torch does: an integer or bool tensor is a float32
  norm (it was used as an integer: every gradient scaled to zero), a Python number is torch's `clamp`
  TypeError, a norm of several elements is refused by the foreach path and broadcast by `foreach=False`;
- clipping writes into the gradients as torch's in-place ops do: each write counts in the gradient's
  `_version` (`clip_grad_value_`'s foreach path counts two: `clamp_min_` and `clamp_max_`), an `expand`ed
  gradient (elements sharing memory) is refused, and a `clip_value` its dtype cannot hold is refused;
- `get_total_norm` reports what is not a tensor (a None, anything first) with torch's errors, and the
  error of an empty tensor's infinity norm names the path that `foreach` chose;
- `parameters_to_vector` and `vector_to_parameters` read each parameter's device first, as torch, so
  that what is not a tensor fails with torch's AttributeError.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref` (see
`assert_matches_torch`): the same result, or the same exception type and message.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch


def _param(m, shape=(3, 2), dtype="float32", seed=0):
    """A parameter with a seeded random gradient."""
    p = m.nn.Parameter(m.zeros(shape, dtype=getattr(m, dtype)))
    p.grad = m.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))
    return p


def _two(m, dtype="float32"):
    return [_param(m, dtype=dtype), _param(m, (2,), seed=1)]


def _clipped(m, clip, params):
    """What `clip(params)` returned, then the gradients and their versions (in-place writes counted)."""
    result = clip(params)
    return result, [p.grad for p in params], [p.grad._version for p in params]


def _expanded(m):
    """A tensor whose gradient is `expand`ed: its elements share memory."""
    p = m.zeros(2, 3)
    p.grad = m.ones(3).expand(2, 3)
    return [p]


# --------------------------------------------------------------------------- clip_grads_with_norm_'s total_norm
@pytest.mark.parametrize("foreach", [None, True, False])
@pytest.mark.parametrize("total", ["3", "True", "[3.]", "[3., 4.]", "[[3.]]", "[[3.], [4.], [5.]]"])
def test_clip_grads_with_norm_takes_total_norm_as_torch(total, foreach):
    """An integer norm promotes to float32; a norm of several elements: refused by foreach, broadcast without."""
    assert_matches_torch(lambda m: _clipped(
        m, lambda ps: m.nn.utils.clip_grads_with_norm_(ps, 0.5, m.tensor(eval(total)), foreach=foreach), _two(m)))


@pytest.mark.parametrize("total", [3.0, 3, np.float64(3.0), None])
def test_clip_grads_with_norm_of_a_number_is_clamps_error(total):
    """torch computes `max_norm / (total_norm + 1e-6)` and clamps it: a number is clamp's TypeError."""
    assert_matches_torch(lambda m: m.nn.utils.clip_grads_with_norm_(_two(m), 0.5, total))


# --------------------------------------------------------------------------- in-place writes into gradients
@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("clip", [
    lambda m, fe: lambda ps: m.nn.utils.clip_grad_norm_(ps, 0.1, foreach=fe),
    lambda m, fe: lambda ps: m.nn.utils.clip_grad_norm_(ps, 100.0, math.inf, foreach=fe),  # (factor 1: written too)
    lambda m, fe: lambda ps: m.nn.utils.clip_grad_value_(ps, 0.1, foreach=fe),
    lambda m, fe: lambda ps: m.nn.utils.clip_grads_with_norm_(ps, 0.1, m.tensor(3.0), foreach=fe),
])
def test_clipping_counts_its_writes_in_the_gradients_version(clip, foreach):
    assert_matches_torch(lambda m: _clipped(m, clip(m, foreach), _two(m)))


@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("clip", [
    lambda m, fe: m.nn.utils.clip_grad_norm_(_expanded(m), 0.5, foreach=fe),
    lambda m, fe: m.nn.utils.clip_grad_value_(_expanded(m), 0.5, foreach=fe),
])
def test_clipping_an_expanded_gradient_is_refused(clip, foreach):
    assert_matches_torch(lambda m: clip(m, foreach))


@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("dtype, clip_value", [("float16", 1e6), ("float16", 65520.0), ("float32", 1e300),
                                                ("float32", -1e39)])
def test_clip_value_the_dtype_cannot_hold_is_refused(dtype, clip_value, foreach):
    assert_matches_torch(lambda m: _clipped(
        m, lambda ps: m.nn.utils.clip_grad_value_(ps, clip_value, foreach=foreach), [_param(m, dtype=dtype)]))


# --------------------------------------------------------------------------- get_total_norm's inputs
@pytest.mark.parametrize("program", [
    lambda m: m.nn.utils.get_total_norm([m.ones(1), None]),
    lambda m: m.nn.utils.get_total_norm([None, m.ones(1)]),
    lambda m: m.nn.utils.get_total_norm([[m.ones(1)]]),
    lambda m: m.nn.utils.get_total_norm([m.ones(1), m.ones(0)], math.inf, foreach=False),
])
def test_get_total_norm_refuses_as_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- parameters as a vector
@pytest.mark.parametrize("program", [
    lambda m: m.nn.utils.parameters_to_vector([1.0]),
    lambda m: m.nn.utils.parameters_to_vector([m.ones(1), None]),
    lambda m: m.nn.utils.vector_to_parameters(m.ones(1), [3]),
    lambda m: m.nn.utils.vector_to_parameters(m.ones(1), [np.ones(1)]),
])
def test_parameters_that_are_not_tensors_fail_on_their_device(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- edges of the rewritten code
@pytest.mark.parametrize("foreach", [None, False])
@pytest.mark.parametrize("dtype, clip_value", [("float16", 65504.0), ("float16", math.inf), ("float64", 1e308),
                                                ("float16", 1e-10)])
def test_clip_value_the_dtype_can_hold_clamps(dtype, clip_value, foreach):
    """Up to the dtype's largest value, and an infinite bound: clamped (and counted), not refused."""
    assert_matches_torch(lambda m: _clipped(
        m, lambda ps: m.nn.utils.clip_grad_value_(ps, clip_value, foreach=foreach), [_param(m, dtype=dtype)]))


@pytest.mark.parametrize("program", [
    lambda m: m.nn.utils.clip_grads_with_norm_([], 0.5, 3.0),
    lambda m: m.nn.utils.clip_grads_with_norm_([], 0.5, m.tensor([3.0])),
    lambda m: m.nn.utils.clip_grads_with_norm_(_two(m), "a", m.tensor(3.0)),
    lambda m: _clipped(m, lambda ps: m.nn.utils.clip_grads_with_norm_(ps, 0.5, m.tensor(7.3, dtype=m.float64)),
                       _two(m, "float16")),
    lambda m: m.nn.utils.get_total_norm([m.ones(1), m.ones(0)], math.inf),
    lambda m: m.nn.utils.get_total_norm([m.ones(1), m.ones(0)], -1.0, foreach=False),
])
def test_clip_grads_with_norm_and_get_total_norm_edges(program):
    """No gradient: the norm is not looked at (max_norm is); the others guard the checks added here."""
    assert_matches_torch(program)
