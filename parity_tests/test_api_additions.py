"""torch APIs added to minitorch_ref (isclose, diff, bincount, unflatten, floor_divide, true_divide, remainder,
bitwise ops, result_type, promote_types, can_cast; relu6, hardtanh, logsigmoid, hardswish, hardsigmoid, mish,
selu and their modules): the parts op_table.py cannot hold (dtype answers, module reprs, edge cases, errors).

Each case runs `fn(m)` on torch and on minitorch_ref: the same result, or the same exception type and message
(`assert_matches_torch`). op_table.py has the value, gradient and gradcheck rows of the same ops.
"""
from __future__ import annotations

import warnings

import pytest

from parity_tests.test_semantics import assert_matches_torch

NAN, INF = float("nan"), float("inf")


def _name(d) -> str:
    """A dtype as a library-free string (`float32`)."""
    return str(d).split(".")[-1]


def _backward(build, values):
    """`build(m, leaf)`, its sum's backward: (out, leaf.grad) for comparing both."""
    def fn(m):
        x = m.tensor(values, requires_grad=True)
        out = build(m, x * 1)
        out.sum().backward()
        return out, x.grad
    return fn


def _dtype_cases() -> dict:
    cases = {}
    pairs = [("float32", "int64"), ("int8", "uint8"), ("bool", "int8"), ("float16", "int64"), ("float16", "float32"),
             ("uint8", "int64"), ("bool", "bool"), ("float64", "float16"), ("int32", "int16")]
    for a, b in pairs:
        cases[f"promote_types-{a}-{b}"] = lambda m, a=a, b=b: _name(m.promote_types(getattr(m, a), getattr(m, b)))
        cases[f"can_cast-{a}-{b}"] = lambda m, a=a, b=b: (m.can_cast(getattr(m, a), getattr(m, b)),
                                                          m.can_cast(getattr(m, b), getattr(m, a)))
    cases["promote_types-python-float"] = lambda m: _name(m.promote_types(float, m.int32))
    cases["can_cast-python-types"] = lambda m: (m.can_cast(int, float), m.can_cast(float, int), m.can_cast(bool, int))
    results = {
        "tensors": lambda m: (m.ones(2), m.ones(2, dtype=m.int64)),
        "int-and-float": lambda m: (m.ones(2, dtype=m.int64), 1.0),
        "int-and-int": lambda m: (m.ones(2, dtype=m.int64), 1),
        "int8-and-int": lambda m: (m.ones(2, dtype=m.int8), 1000),
        "int8-and-0d-float64": lambda m: (m.ones(2, dtype=m.int8), m.tensor(1.0, dtype=m.float64)),
        "int8-and-0d-int64": lambda m: (m.ones(2, dtype=m.int8), m.tensor(1)),
        "numbers-int": lambda m: (1, 2),
        "numbers-mixed": lambda m: (1, 2.0),
        "numbers-bool-int": lambda m: (True, 1),
        "float-and-bool": lambda m: (m.ones(2), True),
        "0d-float-and-int8": lambda m: (m.tensor(1.0), m.ones(2, dtype=m.int8)),
        "number-first": lambda m: (2, m.ones(2, dtype=m.int8)),
        "0d-int8-and-int": lambda m: (m.tensor(1, dtype=m.int8), 300),
        "0d-bool-and-float": lambda m: (m.tensor(True), 2.5),
        "float16-and-0d-float64": lambda m: (m.ones(2, dtype=m.float16), m.tensor(1.0, dtype=m.float64)),
        "0d-tensors": lambda m: (m.tensor(2), m.tensor(3.0)),
    }
    for key, operands in results.items():
        cases[f"result_type-{key}"] = lambda m, operands=operands: _name(m.result_type(*operands(m)))
    return cases


CASES = {
    **_dtype_cases(),
    # ---- dtype functions: errors
    "promote_types-str": lambda m: m.promote_types(m.float32, "x"),
    "can_cast-int-to": lambda m: m.can_cast(m.float32, 1),
    "can_cast-int-from": lambda m: m.can_cast(1, m.float32),
    # ---- isclose
    "isclose-defaults": lambda m: m.isclose(m.tensor([1.0, 2.0, NAN, INF, -INF, INF]),
                                            m.tensor([1.00001, 2.1, NAN, INF, INF, 1e38])),
    "isclose-equal_nan": lambda m: m.isclose(m.tensor([NAN, 1.0, NAN]), m.tensor([NAN, NAN, 2.0]), equal_nan=True),
    "isclose-zero-tolerances": lambda m: m.isclose(m.tensor([1.0, 1.0 + 1e-7]), m.tensor([1.0, 1.0]), rtol=0, atol=0),
    "isclose-int": lambda m: m.isclose(m.tensor([5, -3, 7]), m.tensor([2, 2, -2]), rtol=1.5, atol=0),
    "isclose-int-beyond-float32": lambda m: m.isclose(m.tensor([10**9, 16777216]), m.tensor([10**9 + 30, 16777217]),
                                                      rtol=0, atol=1),
    "isclose-uint8": lambda m: m.isclose(m.tensor([1, 2, 9, 1], dtype=m.uint8), m.tensor([3, 1, 1, 255],
                                                                                        dtype=m.uint8), atol=2),
    "isclose-bool": lambda m: m.isclose(m.tensor([True, False]), m.tensor([False, False]), atol=1),
    "isclose-float16": lambda m: m.isclose(m.tensor([1.0, 2.0, 1000.0], dtype=m.float16),
                                           m.tensor([1.001, 2.01, 1001.0], dtype=m.float16), rtol=1e-3),
    "isclose-float64-edge": lambda m: m.isclose(m.tensor([1.0, 1.0], dtype=m.float64),
                                                m.tensor([1.1, 1.0 + 1e-9], dtype=m.float64), rtol=0.1, atol=0),
    "isclose-requires-grad": lambda m: m.isclose(m.ones(2, 3, requires_grad=True), m.ones(3)),
    "isclose-broadcast": lambda m: m.isclose(m.ones(2, 3), m.ones(4)),
    "isclose-dtypes": lambda m: m.isclose(m.tensor([1, 2]), m.tensor([1.0, 3.0])),
    "isclose-rtol": lambda m: m.isclose(m.ones(2), m.ones(2), rtol=-0.5),
    "isclose-method-number": lambda m: m.ones(2).isclose(2),
    # ---- diff
    "diff": lambda m: m.diff(m.tensor([[1.0, 4, 9], [2, 3, 7]], requires_grad=True)),
    "diff-dim0": lambda m: m.diff(m.tensor([[1.0, 4, 9], [2, 3, 7]]), dim=0),
    "diff-n-beyond-size": lambda m: m.diff(m.tensor([[1.0, 4, 9], [2, 3, 7]], requires_grad=True), n=5),
    "diff-n-0": lambda m: m.diff(m.tensor([1.0, 3.0], requires_grad=True), n=0, prepend=m.ones(1)),
    "diff-n-0-int": lambda m: m.diff(m.tensor([1, 2]), n=0),
    "diff-prepend-append": lambda m: m.diff(m.tensor([[1.0, 4, 9], [2, 3, 7]]), prepend=m.zeros(2, 1),
                                            append=m.ones(2, 2)),
    "diff-prepend-promotes": lambda m: m.diff(m.tensor([1, 5, 2]), prepend=m.tensor([1.5])),
    "diff-bool": lambda m: m.diff(m.tensor([True, False, False])),
    "diff-bool-with-int": lambda m: m.diff(m.tensor([True, False]), prepend=m.tensor([1])),
    "diff-int": lambda m: m.tensor([1, 5, 2]).diff(),
    "diff-empty-dim-is-input": lambda m: (lambda x: (m.diff(x) is x, m.diff(x)))(m.ones(2, 0, requires_grad=True)),
    "diff-gradient": _backward(lambda m, x: m.diff(x, 2, prepend=x[:1], append=x[-1:] * 3), [1.0, 4.0, 9.0, 2.0]),
    "diff-positional-prepend-number": lambda m: m.diff(m.ones(2, 3), 1, 0, 1.0),
    "diff-keyword-prepend-number": lambda m: m.diff(m.ones(2, 3), prepend=1.0),
    "diff-method-float-n": lambda m: m.ones(3).diff(1.5),
    "diff-prepend-shape": lambda m: m.diff(m.ones(2, 3), prepend=m.zeros(3, 1)),
    "diff-0-d": lambda m: m.diff(m.tensor(1.0)),
    "diff-negative": lambda m: m.diff(m.ones(3), n=-1),
    # ---- bincount
    "bincount": lambda m: m.bincount(m.tensor([1, 1, 3])),
    "bincount-minlength": lambda m: m.bincount(m.tensor([1, 1, 3]), minlength=6),
    "bincount-float32-weights": lambda m: m.bincount(m.tensor([1, 1, 3]), weights=m.tensor([0.5, 0.25, 2.0])),
    "bincount-float64-weights": lambda m: m.bincount(m.tensor([1, 1, 3]), m.tensor([0.5, 0.5, 2.0], dtype=m.float64)),
    "bincount-int-weights": lambda m: m.bincount(m.tensor([1, 1, 3]), weights=m.tensor([1, 2, 3])),
    "bincount-float16-weights": lambda m: m.bincount(m.tensor([0, 0]), weights=m.tensor([1.0, 2.0], dtype=m.float16)),
    "bincount-bool-weights": lambda m: m.bincount(m.tensor([1, 1, 3]), weights=m.tensor([True, False, True])),
    "bincount-empty": lambda m: (m.bincount(m.tensor([], dtype=m.int64)),
                                 m.bincount(m.tensor([], dtype=m.int64), minlength=3)),
    "bincount-empty-with-weights": lambda m: m.bincount(m.tensor([], dtype=m.int64), weights=m.tensor([]), minlength=2),
    "bincount-small-ints": lambda m: (m.bincount(m.tensor([1, 2], dtype=m.int32)),
                                      m.tensor([3, 0], dtype=m.uint8).bincount(), m.bincount(m.tensor([2], dtype=m.int8))),
    "bincount-weights-require-grad": lambda m: m.bincount(m.tensor([1, 2]), m.tensor([1.0, 2.0], requires_grad=True)),
    "bincount-backward": lambda m: m.bincount(m.tensor([1, 2]), m.tensor([1.0, 2.0], requires_grad=True)).sum()
    .backward(),
    "bincount-0-d": lambda m: m.bincount(m.tensor(2)),
    "bincount-weights-2-d": lambda m: m.bincount(m.tensor([1, 2]), m.ones(1, 2)),
    # ---- unflatten
    "unflatten": lambda m: m.arange(24.0).reshape(2, 12).requires_grad_().unflatten(1, (3, 4)),
    "unflatten-inferred": lambda m: m.unflatten(m.arange(24.0).reshape(2, 12), -1, [2, -1, 3]),
    "unflatten-non-contiguous": lambda m: m.arange(24.0).reshape(2, 12).requires_grad_().t().unflatten(0, (3, 4)),
    "unflatten-empty": lambda m: m.ones(2, 0).unflatten(1, (2, -1)),
    "unflatten-one": lambda m: m.ones(2, 12).unflatten(1, (12,)).shape,
    "unflatten-keywords": lambda m: m.ones(2, 12).unflatten(dim=1, sizes=(3, 4)).shape,
    "unflatten-size": lambda m: m.ones(3).unflatten(0, m.Size([3, 1])).shape,
    "unflatten-shares-memory": lambda m: (lambda x: (x.unflatten(0, (2, 2)).add_(1), x))(m.zeros(4)),
    "unflatten-bad-product": lambda m: m.ones(2, 12).unflatten(1, (5, 2)),
    "unflatten-bad-inferred": lambda m: m.ones(2, 12).unflatten(1, (5, -1)),
    "unflatten-empty-sizes": lambda m: m.ones(2, 12).unflatten(1, []),
    "unflatten-float-size": lambda m: m.ones(2, 12).unflatten(1, (3, 4.0)),
    "unflatten-int-sizes": lambda m: m.ones(2, 12).unflatten(1, 3),
    "unflatten-dim": lambda m: m.ones(2, 12).unflatten(-3, (3, 4)),
    "unflatten-number": lambda m: m.unflatten(1.0, 0, (1,)),
    # ---- floor_divide, true_divide, remainder
    "floor_divide-numbers": lambda m: m.floor_divide(7, 2),
    "floor_divide-number-first": lambda m: m.floor_divide(2, m.tensor([5, -3, 7])),
    "floor_divide-by-zero": lambda m: m.floor_divide(m.tensor([5, -3]), 0),
    "floor_divide-no-derivative": lambda m: m.floor_divide(m.tensor([5.0, -3.0], requires_grad=True), 2).sum()
    .backward(),
    "true_divide-ints": lambda m: (m.true_divide(m.tensor([5, -3]), m.tensor([2, 2])), m.true_divide(1, 2),
                                   m.true_divide(2, m.tensor([5, -3]))),
    "true_divide-grad": _backward(lambda m, x: m.true_divide(x, 4) + x.true_divide(x + 3), [1.0, -2.0]),
    "remainder-number-first": lambda m: (m.remainder(2, m.tensor([5, -3, 7])),
                                         m.remainder(2.5, m.tensor([5.0, -3.0], requires_grad=True))),
    "remainder-numbers": lambda m: m.remainder(1, 2),
    "remainder-by-zero": lambda m: m.remainder(m.tensor([5, -3]), 0),
    # ---- bitwise
    "bitwise-ints": lambda m: (lambda x, y: (m.bitwise_and(x, y), m.bitwise_or(x, 1), x.bitwise_xor(y),
                                             m.bitwise_not(x), x.bitwise_and(3), x.bitwise_not()))(
        m.tensor([5, -3, 7]), m.tensor([2, 2, -2])),
    "bitwise-bools": lambda m: (m.bitwise_and(m.tensor([True, False]), True), m.bitwise_not(m.tensor([True, False])),
                                m.bitwise_or(False, m.tensor([True, False])), m.bitwise_xor(m.tensor([1, 2]),
                                                                                           m.tensor([True]))),
    "bitwise-small-ints": lambda m: (m.bitwise_and(m.tensor([3, 5], dtype=m.uint8), m.tensor([1], dtype=m.int8)),
                                     m.bitwise_not(m.tensor([0, 7], dtype=m.uint8)),
                                     m.bitwise_xor(m.tensor([1, 2], dtype=m.uint8), 255)),
    "bitwise_and-float-number": lambda m: m.bitwise_and(m.tensor([1, 2]), 1.5),
    "bitwise_not-float": lambda m: m.bitwise_not(m.ones(2)),
    "bitwise_not-number": lambda m: m.bitwise_not(2),
    "bitwise_and-float": lambda m: m.ones(2).bitwise_and(m.ones(2)),
    # ---- activations: functions
    "relu6-int": lambda m: m.nn.functional.relu6(m.tensor([-3, 0, 2, 8])),
    "hardtanh-int-float-bounds": lambda m: m.nn.functional.hardtanh(m.tensor([-3, 0, 2, 8]), -1.5, 1.5),
    "hardtanh-float16": lambda m: m.nn.functional.hardtanh(m.tensor([-2.0, 0.1, 5.0], dtype=m.float16), -1.5, 0.3),
    "hardtanh-signed-zero": lambda m: 1 / m.nn.functional.relu6(m.tensor([-0.0, 0.0])),
    "hardtanh-bounds-and-nan": _backward(lambda m, x: m.nn.functional.hardtanh(x, -1.0, 2.0),
                                         [-1.0, 2.0, -3.0, 0.5, 7.0]),
    "hardtanh-min-above-max": lambda m: m.nn.functional.hardtanh(m.ones(2), 2.0, 1.0),
    "hardtanh-bool": lambda m: m.nn.functional.hardtanh(m.tensor([True])),
    "relu6-bool": lambda m: m.nn.functional.relu6(m.tensor([True])),
    "relu6-number": lambda m: m.nn.functional.relu6(1.0),
    "relu6-inplace-number": lambda m: m.nn.functional.relu6(1.0, inplace=True),
    "hardtanh-inplace-number": lambda m: m.nn.functional.hardtanh(1.0, inplace=True),
    "hardswish-number": lambda m: m.nn.functional.hardswish(1.0),
    "logsigmoid-number": lambda m: m.nn.functional.logsigmoid(1.0),
    "mish-inplace-number": lambda m: m.nn.functional.mish(1.0, inplace=True),
    "selu-bool": lambda m: m.nn.functional.selu(m.tensor([True])),
    "hardsigmoid-int": lambda m: m.nn.functional.hardsigmoid(m.tensor([1])),
    "logsigmoid-int": lambda m: m.nn.functional.logsigmoid(m.tensor([1])),
    "hardswish-boundaries": _backward(lambda m, x: m.nn.functional.hardswish(x), [-3.0, 3.0, -3.5, 2.5, 0.0, -0.0]),
    "hardsigmoid-boundaries": _backward(lambda m, x: m.nn.functional.hardsigmoid(x), [-3.0, 3.0, NAN, 2.5, 0.0]),
    "logsigmoid-extremes": _backward(lambda m, x: m.nn.functional.logsigmoid(x), [NAN, INF, -INF, 100.0, -100.0]),
    "mish-extremes": _backward(lambda m, x: m.nn.functional.mish(x), [NAN, INF, -INF, 30.0, -30.0, 0.0]),
    "selu-zero": _backward(lambda m, x: m.nn.functional.selu(x), [0.0, -0.0, -INF, INF, -2.0]),
    "activations-float16": lambda m: tuple(
        getattr(m.nn.functional, name)(m.tensor([-8.0, -2.7, -0.5, 0.0, 0.3, 3.0, 6.5, 600.0], dtype=m.float16))
        for name in ("relu6", "logsigmoid", "hardswish", "hardsigmoid", "mish", "selu")),
    "selu-inplace-grad": _backward(lambda m, x: m.nn.functional.selu(x, inplace=True), [-2.0, 0.0, 1.5]),
    "hardswish-inplace-grad": _backward(lambda m, x: m.nn.functional.hardswish(x, inplace=True), [-2.0, 0.0, 1.5]),
    "mish-inplace-grad": _backward(lambda m, x: m.nn.functional.mish(x, True), [-2.0, 0.0, 1.5]),
    "hardtanh_-grad": _backward(lambda m, x: m.nn.functional.hardtanh_(x, -0.5, 1.0), [-2.0, 0.0, 1.5]),
    "inplace-returns-input": lambda m: (lambda y: tuple(f(y) is y for f in (
        lambda t: m.nn.functional.relu6(t, inplace=True), lambda t: m.nn.functional.hardswish(t, inplace=True),
        lambda t: m.nn.functional.selu(t, True), lambda t: m.nn.functional.hardtanh_(t))))(m.ones(3)),
    "inplace-leaf": lambda m: m.nn.functional.hardswish(m.ones(2, requires_grad=True), inplace=True),
    # ---- activations: modules
    "module-reprs": lambda m: tuple(repr(mod) for mod in (
        m.nn.ReLU6(), m.nn.ReLU6(True), m.nn.Hardtanh(), m.nn.Hardtanh(-2.0, 3.5, True), m.nn.Hardtanh(0, 2),
        m.nn.LogSigmoid(), m.nn.Hardswish(), m.nn.Hardswish(True), m.nn.Hardsigmoid(), m.nn.Hardsigmoid(inplace=True),
        m.nn.Mish(), m.nn.Mish(True), m.nn.SELU(), m.nn.SELU(inplace=True),
        m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU6(), m.nn.Hardtanh(-0.5, 0.5)))),
    "module-attributes": lambda m: (m.nn.ReLU6().min_val, m.nn.ReLU6().max_val, m.nn.ReLU6(True).inplace,
                                    m.nn.Hardtanh(-2.0, 3.0).min_val, m.nn.Hardswish(True).inplace,
                                    isinstance(m.nn.ReLU6(), m.nn.Hardtanh), m.nn.SELU().inplace, m.nn.Mish().inplace),
    "module-forward": _backward(lambda m, x: m.nn.Sequential(
        m.nn.ReLU6(), m.nn.Hardtanh(-1.0, 4.0), m.nn.LogSigmoid(), m.nn.Hardswish(), m.nn.Hardsigmoid(), m.nn.Mish(),
        m.nn.SELU())(x * 3), [-2.0, 0.5, 1.7, 4.0]),
    **{f"module-inplace-forward-{name}": _backward(lambda m, x, name=name: getattr(m.nn, name)(inplace=True)(x),
                                                   [-2.0, 0.5, 1.7, 7.0]) for name in (
        "ReLU6", "Hardtanh", "Hardswish", "Hardsigmoid", "Mish", "SELU")},
    "module-inplace-chain": lambda m: (lambda x: (m.nn.Sequential(m.nn.ReLU6(inplace=True), m.nn.SELU(True))(x),
                                                  x))(m.tensor([-2.0, 0.5, 7.0])),
    "module-hardtanh-bounds": lambda m: m.nn.Hardtanh(2.0, 1.0),
    "module-hardtanh-equal-bounds": lambda m: m.nn.Hardtanh(1.0, 1.0),
    "module-state_dict": lambda m: (list(m.nn.ReLU6().state_dict()), list(m.nn.SELU().parameters())),
}


#: torch names the position of an argument given by position ("argument 'n' (position 1) must be int");
#: minitorch_ref's message leaves the position out: the same TypeError.
DIFFERENT_MESSAGE = {"diff-positional-prepend-number", "diff-method-float-n"}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch(case):
    assert_matches_torch(CASES[case], same_message=case not in DIFFERENT_MESSAGE)


def test_hardtanh_deprecated_keywords_warn_like_torch():
    import torch

    import minitorch_ref as mt

    for m in (torch, mt):
        with pytest.warns(FutureWarning, match="keyword argument `min_value` is deprecated"):
            module = m.nn.Hardtanh(min_value=-2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert repr(module).startswith("Hardtanh(min_val=-2.0, max_val=1.0")


def test_bitwise_of_two_numbers_raises_like_torch():
    assert_matches_torch(lambda m: m.bitwise_and(1, 2))
