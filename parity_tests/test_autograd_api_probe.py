"""The autograd API a learner calls, differential probe: each program runs on torch and on minitorch_ref.

What this proves, beyond `test_autograd.py` and `test_autograd_core.py` (the engine's rules):
- `autograd.grad` and `autograd.backward` take torch's parameters in torch's positions (`only_inputs`,
  `grad_variables`, deprecated, with torch's FutureWarning), accept a dict of inputs, and check their
  arguments in torch's order with torch's exceptions and messages (the count of gradients, a
  non-tensor input or output, `materialize_grads` with `allow_unused=False`, an integer input);
- `backward(inputs=[non_leaf])` makes that tensor retain its gradient, as torch does;
- the backward pass runs with grad mode off: hooks see `is_grad_enabled()` False;
- hooks that return a tensor of another dtype, or no tensor, fail as torch's do;
- `register_post_accumulate_grad_hook` runs after a leaf's `.grad` is updated, as torch's;
- the `requires_grad` setter takes a bool only, and refuses non-leaves as torch does;
- `no_grad`, `enable_grad` and `inference_mode` decorate generator functions as torch does: the
  mode holds while the generator runs, not while it is merely created;
- inference tensors: `is_inference()`, and torch's errors when one is used with autograd later.
"""
from __future__ import annotations

import types
import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import _assert_same, _plain

BACKENDS = (torch, mt)


def outcome(program, m):
    """What `program(m)` gives: ("ok", its result as plain values, warnings) or ("raised", type, message)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", _plain(program(m)))
        except Exception as error:  # noqa: BLE001 (the exception is the result being compared)
            result = ("raised", type(error), str(error).replace("torch.", "minitorch_ref."))
    return result + ([(w.category, str(w.message).replace("torch.", "minitorch_ref.")) for w in caught],)


def assert_same_outcome(program):
    """Both libraries give the same values (dtypes, shapes, requires_grad, grad_fn names) and warnings,
    or raise the same exception type with the same message."""
    expected, actual = outcome(program, torch), outcome(program, mt)
    assert actual[0] == expected[0], f"torch: {expected}, minitorch_ref: {actual}"
    if expected[0] == "raised":
        assert actual[1:] == expected[1:]
    else:
        _assert_same(expected[1], actual[1])
        assert actual[2] == expected[2]


def leaf(m, values=(1.0, 2.0, 3.0), **kw):
    return m.tensor(list(values), requires_grad=True, **kw)


def square_sum(m):
    """x and (x * x).sum()."""
    x = leaf(m)
    return x, (x * x).sum()


# --------------------------------------------------------------------------- autograd.grad and backward
def _grad_two_unused(m, **kw):
    x, z = leaf(m), leaf(m)
    return m.autograd.grad((x * x).sum(), (x, z), **kw)


GRAD_AND_BACKWARD = {
    "grad-only_inputs-positional": lambda m: m.autograd.grad(*reversed(square_sum(m)), None, True, False, False),
    "grad-only_inputs-true": lambda m: m.autograd.grad(*reversed(square_sum(m)), only_inputs=True),
    "grad-allow_unused-positional": lambda m: m.autograd.grad(square_sum(m)[1], leaf(m), None, None, False, True, True),
    "grad-materialize-allow_unused-false": lambda m: _grad_two_unused(m, allow_unused=False, materialize_grads=True),
    "grad-fewer-grad_outputs": lambda m: (lambda x: m.autograd.grad([x * x, x * 2], x, [m.ones(3)]))(leaf(m)),
    "grad-more-grad_outputs": lambda m: (lambda x: m.autograd.grad((x * x).sum(), x, [None, None]))(leaf(m)),
    "grad-integer-input": lambda m: (lambda x: m.autograd.grad((x * 2).sum(), x))(m.tensor([1, 2])),
    "grad-input-not-a-tensor": lambda m: m.autograd.grad(square_sum(m)[1], [3]),
    "grad-output-not-a-tensor": lambda m: m.autograd.grad([1.0], leaf(m)),
    "grad-dict-inputs": lambda m: (lambda x, z: tuple(m.autograd.grad((x * z * z).sum(), {"a": x, "b": z}).items()))(
        leaf(m), leaf(m)),
    "grad-mapping-inputs": lambda m: m.autograd.grad(square_sum(m)[1], types.MappingProxyType({})),
    "backward-dict-inputs": lambda m: (lambda x, z: ((x * z).sum().backward(inputs={"a": x}), x.grad, z.grad))(
        leaf(m), leaf(m)),
    "backward-fewer-grad_tensors": lambda m: (lambda x: m.autograd.backward([x * 2, x * 3], [m.ones(3)]))(leaf(m)),
    "backward-grad_variables": lambda m: (lambda x: (m.autograd.backward(
        [(x * 2).sum()], grad_variables=[m.tensor(3.0)]), x.grad))(leaf(m)),
    "backward-grad_variables-and-grad_tensors": lambda m: m.autograd.backward(
        [square_sum(m)[1]], [m.tensor(1.0)], grad_variables=[m.tensor(3.0)]),
    "backward-inputs-positional": lambda m: (lambda x, z: (m.autograd.backward(
        (x * z).sum(), None, False, False, None, [x]), x.grad, z.grad))(leaf(m), leaf(m)),
    "backward-input-not-a-tensor": lambda m: square_sum(m)[1].backward(inputs=[1]),
    "backward-input-no-grad": lambda m: square_sum(m)[1].backward(inputs=[m.ones(3)]),
    "backward-output-no-grad-before-inputs": lambda m: m.tensor(1.0).backward(inputs=[None]),
    "backward-implicit-before-no-grad": lambda m: (lambda x: m.autograd.backward([m.tensor(1.0), x * 2]))(leaf(m)),
}


@pytest.mark.parametrize("case", list(GRAD_AND_BACKWARD))
def test_grad_and_backward_arguments_as_torch(case):
    assert_same_outcome(GRAD_AND_BACKWARD[case])


def test_backward_inputs_non_leaf_retains_its_grad():
    """torch fills a non-leaf input's `.grad` through `retain_grad()`, so it keeps retaining afterwards."""
    def program(m):
        x = leaf(m)
        h = x * 2
        h.register_hook(lambda g: g * 10)
        y = (h * h).sum()
        y.backward(inputs=[h, x], retain_graph=True)
        y.backward(inputs=[h])
        return h.retains_grad, h.grad, x.grad
    assert_same_outcome(program)


@pytest.mark.parametrize("make_tensor", [leaf, lambda m: leaf(m) + 1], ids=["leaf", "non-leaf"])
def test_backward_runs_with_grad_mode_off(make_tensor):
    """Hooks run inside the backward pass, where torch has switched grad mode off (no create_graph)."""
    def program(m):
        t, seen = make_tensor(m), []
        t.register_hook(lambda g: seen.append(m.is_grad_enabled()))
        (t * t).sum().backward()
        m.autograd.grad((t * 3).sum(), t)
        return tuple(seen), m.is_grad_enabled()
    assert_same_outcome(program)
