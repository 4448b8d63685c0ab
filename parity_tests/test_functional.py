"""Parity: `nn.functional` activations, dropout, normalisation and padding, called with their options.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: the same values,
dtypes, shapes, `requires_grad`, grad_fn names and gradients, or the same exception and message
(see `assert_matches_torch`). The cases are the differences a differential probe found.
"""
from __future__ import annotations

import pytest

from parity_tests.test_semantics import assert_matches_torch

NAN, INF = float("nan"), float("inf")
# float16 values where a formula computed in float16 (instead of torch's float32) rounds or overflows differently
HALF_VALUES = [2.98e-07, -1.79e-07, 0.0406, 0.5454, -0.3337, -1.1396, 1.333, -2.06, -4.0195, -3.9141, 11.09, 699.0]
HALF_GRID = [[round(((i * 37) % 23) / 4 - 2.8, 3) for i in range(j, j + 6)] for j in range(0, 48, 6)]  # (8, 6)
HALF_UPSTREAM = [[round(((i * 11) % 13) / 5 - 1.2, 3) for i in range(j, j + 6)] for j in range(0, 48, 6)]


def _f(m):
    return m.nn.functional


def _grads(m, fn, values, dtype="float32", upstream=None):
    """fn(leaf) and the leaf's gradient after a backward (of `upstream`, default ones)."""
    x = m.tensor(values, dtype=getattr(m, dtype), requires_grad=True)
    y = fn(x)
    y.backward(m.ones_like(y) if upstream is None else m.tensor(upstream, dtype=y.dtype))
    return y, x.grad


def _inplace(m, fn, values, dtype="float32"):
    """fn on a non-leaf copy of a leaf, then backward: (result, same object?, version bumps, leaf grad)."""
    leaf = m.tensor(values, dtype=getattr(m, dtype), requires_grad=True)
    x = leaf * 1
    before = x._version
    y = fn(x)
    y.sum().backward()
    return y, y is x, x._version - before, leaf.grad


def _signs(t):
    """1 / t: tells -0.0 (-inf) from 0.0 (inf)."""
    return 1 / t


CASES = {
    # --- dropout: torch returns an empty input itself, and drops everything (p=1) as `input * zeros(())`
    "dropout-p1-integer-and-bool": lambda m: [_f(m).dropout(m.ones(3, dtype=dt), 1.0) for dt in (m.int64, m.bool)],
    "dropout-p1-inplace-integer": lambda m: _f(m).dropout(m.ones(3, dtype=m.int64), 1.0, inplace=True),
    "dropout-empty-is-the-input": lambda m: [
        (lambda x: (_f(m).dropout(x, p, inplace=ip) is x, x._version))(m.ones(0, 2))
        for p in (0.5, 1.0) for ip in (False, True)],
    "dropout-empty-integer": lambda m: _f(m).dropout(m.ones(0, dtype=m.int64), 0.5),
    "dropout-expanded-input-draws-contiguous-noise": lambda m: (
        m.manual_seed(3), _f(m).dropout(m.arange(1.0, 7.0).view(1, 6).expand(3, 6), 0.5))[1],
    # --- in-place activations that torch cannot differentiate with a negative slope / alpha
    "leaky_relu_-negative-slope-backward-error": lambda m: _inplace(
        m, lambda x: _f(m).leaky_relu(x, -0.5, inplace=True), [1.0, -2.0]),
    "elu_-negative-alpha-backward-error": lambda m: _inplace(m, lambda x: _f(m).elu(x, -1.0, inplace=True),
                                                             [1.0, -2.0]),
    # --- elu: the gradient is alpha * exp(x) (out + alpha cancels for very negative x), in place out + alpha
    "elu-grad-very-negative": lambda m: _grads(m, lambda x: _f(m).elu(x, 0.7) * 1e6, [-10.0, -12.65, -0.5, 2.0]),
    "elu-negative-alpha-keeps-zero-signs": lambda m: _signs(_f(m).elu(m.tensor([-0.0, 0.0]), -1.0)),
    # --- float16: torch computes in float32 and rounds once
    **{f"half-{name}": (lambda fn: lambda m: _grads(m, lambda x: fn(m, x), HALF_VALUES, "float16",
                                                     [0.5 + i / 7 for i in range(len(HALF_VALUES))]))(fn)
       for name, fn in {
           "sigmoid": lambda m, x: _f(m).sigmoid(x), "silu": lambda m, x: _f(m).silu(x),
           "leaky_relu": lambda m, x: _f(m).leaky_relu(x, 0.2), "elu": lambda m, x: _f(m).elu(x, 0.7),
           "softplus": lambda m, x: _f(m).softplus(x), "softplus-beta": lambda m, x: _f(m).softplus(x, 2.0, 3.0),
       }.items()},
    "half-gelu-tanh-large": lambda m: _grads(m, lambda x: _f(m).gelu(x, approximate="tanh"), [11.09, 699.0, 1.5],
                                             "float16", [0.5, 0.75, 1.0]),  # (x ** 3 overflows float16)
    **{f"half-{name}-grad": (lambda fn: lambda m: _grads(m, fn(m), HALF_GRID, "float16", HALF_UPSTREAM))(fn)
       for name, fn in {
           "softmax": lambda m: lambda x: _f(m).softmax(x, 1),
           "log_softmax": lambda m: lambda x: _f(m).log_softmax(x, 0),
           "softmax-dtype": lambda m: lambda x: _f(m).softmax(x.float(), -1, dtype=m.float16),
           "layer_norm": lambda m: lambda x: _f(m).layer_norm(x, (6,)),
       }.items()},
    "half-relu-keeps-negative-zero": lambda m: (_signs(_f(m).relu(m.tensor([-0.0, 0.0], dtype=m.float16))),
                                                _signs(m.tensor([-0.0], dtype=m.float16).relu_())),
    # --- float32 gelu(approximate='tanh') is computed in float32 (1 + tanh(...) is 0 for x < -5.3)
    "gelu-tanh-float32-tail": lambda m: _signs(_f(m).gelu(m.tensor([-6.23, -7.04]), approximate="tanh")),
    # --- errors
    "relu_-bool-error": lambda m: _f(m).relu(m.tensor([True]), inplace=True),
    "layer_norm-int-normalized_shape-error": lambda m: _f(m).layer_norm(m.ones(2, 3), 3),
    "layer_norm-mixed-dtype-before-shape-error": lambda m: _f(m).layer_norm(
        m.ones(2, 3, dtype=m.int64), (4,), m.ones(4), m.zeros(4)),
    "pad-crop-too-far-error": lambda m: _f(m).pad(m.ones(0, 2), (-3, 0)),
    "pad-unknown-mode-error": lambda m: _f(m).pad(m.ones(2, 3), (1, 1), mode="bogus"),
    "pad-reflect-value-error": lambda m: _f(m).pad(m.ones(2, 3), (1, 1), mode="reflect", value=2.0),
    "pad-reflect-length-error": lambda m: _f(m).pad(m.ones(2, 3), (1, 1, 1), mode="reflect"),
    "pad-nan-into-long-error": lambda m: _f(m).pad(m.ones(3, dtype=m.int64), (1, 0), value=NAN),
    "pad-negative-into-uint8-error": lambda m: _f(m).pad(m.ones(3, dtype=m.uint8), (1, 0), value=-1),
    "pad-big-into-half-error": lambda m: _f(m).pad(m.ones(3, dtype=m.float16), (1, 0), value=1e30),
    "pad-crop-only-ignores-value": lambda m: _f(m).pad(m.ones(3, dtype=m.int64), (-1, 0), value=NAN),
    "one_hot-empty-zero-classes-error": lambda m: _f(m).one_hot(m.tensor([], dtype=m.int64), 0),
    "one_hot-empty-negative-classes-error": lambda m: _f(m).one_hot(m.tensor([], dtype=m.int64), -2),
    "flatten-0d-dim-error": lambda m: m.nn.Flatten()(m.tensor(1.0)),
    # --- normalize and its norm: ord 0 counts (one element: 1, not |x|) and has no gradient at all
    "normalize-p0-one-element": lambda m: _f(m).normalize(m.tensor([[-0.26], [3.0]]), 0, 1),
    "norm-ord0-has-no-gradient": lambda m: (lambda x: (x.norm(0).backward(), x.grad))(
        m.tensor([-0.26, 0.0, 3.0], requires_grad=True)),
    "norm-empty-dim-error-names-the-given-dim": lambda m: _f(m).normalize(m.ones(2, 0), INF, -1),
    "norm-negative-ord-empty-dim-error": lambda m: m.linalg.vector_norm(m.ones(2, 0), -1, (0, 1)),
    "norm-negative-ord-empty-with-other-dim": lambda m: m.linalg.vector_norm(m.ones(0, 2), -1, -1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch(case):
    assert_matches_torch(CASES[case])
