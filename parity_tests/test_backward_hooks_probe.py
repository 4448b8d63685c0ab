"""Module backward hooks, differential probe: each program runs on both libraries, compared by `outcomes`.

What this proves:
- writing in place into an input that a learner's Function returned as it is (or into a view of it) raises
  torch's error: "created inside a custom Function" for one tensor output, "a function that returns multiple
  views" for several (the module backward hooks pass tensors through such a Function).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch


# --------------------------------------------------------------------------- building blocks, on either library
def values(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def leaf(m, shape, seed=0, dtype="float32", requires_grad=True):
    return m.tensor(values(shape, seed, dtype), requires_grad=requires_grad)




# --------------------------------------------------------------------------- views a custom Function returns
def returns_inputs(m, outputs):
    """A learner's Function that returns its inputs as they are (`outputs`: which, or a new tensor / a number)."""
    class Returns(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            made = {"a": a, "b": b, "2b": b * 2, "3": 3}
            return made[outputs] if "," not in outputs else tuple(made[name] for name in outputs.split(","))

        @staticmethod
        def backward(ctx, *grads):
            return grads[0], grads[1] if len(grads) > 1 else None
    return Returns


@pytest.mark.parametrize("outputs, written", [
    (outputs, written) for outputs, written in itertools.product(
        ["a", "a,b", "a,2b", "a,3"], ["output 0", "output 1", "a slice of output 0", "a transpose of output 0"])
    if written != "output 1" or outputs in ("a,b", "a,2b")
])
@pytest.mark.parametrize("b_requires_grad", [True, False])
def test_writing_into_an_input_a_custom_function_returned_raises_torchs_error(outputs, written, b_requires_grad):
    """One tensor output is a view "created inside a custom Function"; several are "a function that returns
    multiple views"; views of them are forbidden too."""
    def program(m):
        x, y = leaf(m, (3,)) * 1, leaf(m, (3,), 1, requires_grad=b_requires_grad) * 1
        out = returns_inputs(m, outputs).apply(x, y)
        out = out if isinstance(out, tuple) else (out,)
        target = {"output 0": lambda: out[0], "output 1": lambda: out[1], "a slice of output 0": lambda: out[0][:2],
                  "a transpose of output 0": lambda: out[0].t()}[written]()
        target.mul_(2)
        return out
    assert_matches_torch(program)
