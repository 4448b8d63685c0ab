"""Pointwise math, comparisons and type promotion, second differential probe: the edges that random programs
found, each run on both libraries.

What this proves, beyond `test_ops.py`, `test_dtypes.py` and `test_semantics.py`:
- the shifts (`<<`, `>>`, their reflected and in-place forms, `bitwise_left_shift`/`bitwise_right_shift` as
  functions and methods) give torch's values and dtypes, and its errors for floats and bools;
- `fmin`/`fmax`, `maximum`/`minimum` and `clamp` keep torch's answer on a tie of signed zeros (the first
  argument, float16 too), and `Tensor.maximum`/`minimum`/`signbit` exist as torch's;
- the functions that take two tensors only name their arguments at the function's positions, and print a
  NumPy scalar's type with its module, as torch's parser does.

Each case is one small program run on torch and on minitorch_ref: the same values (signed zeros and NaN
included), dtype, shape, requires_grad and grad_fn, the same warnings, or the same exception type and message.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

# the same result (values exactly, signs of zeros too) and warnings, or the same exception and message
assert_same = partial(assert_matches_torch, warnings=True, exact=True)


INTEGERS = ("uint8", "int8", "int16", "int32", "int64")
VALUES = {"bool": [True, False, True, False], "uint8": [1, 255, 100, 7], "int8": [-3, 1, 127, -128],
          "int16": [-5, 2, 300, -7], "int32": [-5, 3, 2 ** 31 - 1, 7], "int64": [-5, 2, 2 ** 62, -9],
          "float16": [-1.5, 0.0, float("nan"), -0.0], "float32": [-2.5, -0.0, float("inf"), 3.0],
          "float64": [1.5, -0.0, float("-inf"), float("nan")]}
COUNTS = {"uint8": [0, 1, 7, 8], "int8": [0, -1, 7, 9], "int16": [15, 16, 3, -2], "int32": [31, 32, 1, -40],
          "int64": [63, 64, 65, -1]}  # (shift counts: in range, the width and beyond, negative)


def values(m, dtype, zero_d=False, counts=False):
    data = (COUNTS if counts and dtype in COUNTS else VALUES)[dtype]
    return m.tensor(data[1] if zero_d else data, dtype=getattr(m, dtype))


# --------------------------------------------------------------------------- shifts
SHIFTS = {"<<": lambda m, a, b: a << b, ">>": lambda m, a, b: a >> b,
          "left_shift": lambda m, a, b: m.bitwise_left_shift(a, b),
          "right_shift": lambda m, a, b: m.bitwise_right_shift(a, b),
          "left_shift-method": lambda m, a, b: a.bitwise_left_shift(b)}
SHIFT_DTYPES = INTEGERS + ("bool", "float32")


@pytest.mark.parametrize("op", list(SHIFTS))
@pytest.mark.parametrize("left", SHIFT_DTYPES)
@pytest.mark.parametrize("right", SHIFT_DTYPES)
def test_shift_of_two_tensors(op, left, right):
    assert_same(lambda m: SHIFTS[op](m, values(m, left), values(m, right, counts=True)))


@pytest.mark.parametrize("op", list(SHIFTS))
@pytest.mark.parametrize("dtype", SHIFT_DTYPES)
@pytest.mark.parametrize("number", [3, 0, 9, 2 ** 40 + 2, -1, True, 2.5, np.int64(3), np.True_])
def test_shift_by_number(op, dtype, number):
    assert_same(lambda m: SHIFTS[op](m, values(m, dtype), number))
    assert_same(lambda m: SHIFTS[op](m, values(m, dtype, zero_d=True), number))


@pytest.mark.parametrize("program", [
    lambda m: 1 << values(m, "int16", counts=True), lambda m: -256 >> values(m, "int64", counts=True),
    lambda m: m.bitwise_left_shift(3, values(m, "int8", counts=True)), lambda m: m.bitwise_right_shift(2, 3),
    lambda m: 2.5 << values(m, "int32"), lambda m: values(m, "int8", zero_d=True) << values(m, "int64", counts=True),
    lambda m: m.tensor([[1], [2]], dtype=m.int32) << m.tensor([1, 2, 3], dtype=m.int32),
    lambda m: m.zeros(0, 3, dtype=m.int64) >> m.tensor([1, 2, 3]),
])
def test_shift_reflected_broadcast(program):
    assert_same(program)


@pytest.mark.parametrize("op", ["<<=", ">>=", "left_shift_", "right_shift_"])
@pytest.mark.parametrize("dtype", SHIFT_DTYPES)
@pytest.mark.parametrize("other", ["int64", "uint8", "bool", "float32", 3, 2.5, np.int64(2)])
def test_shift_in_place(op, dtype, other):
    def program(m):
        x = values(m, dtype)
        y = values(m, other, zero_d=True, counts=True) if isinstance(other, str) else other
        if op == "<<=":
            x <<= y
        elif op == ">>=":
            x >>= y
        else:
            x = getattr(x, f"bitwise_{op}")(y)
        return x
    assert_same(program)


# --------------------------------------------------------------------------- ties of signed zeros
ZEROS = {"pos-neg": ([0.0, 0.0], [-0.0, -0.0]), "neg-pos": ([-0.0, -0.0], [0.0, 0.0]),
         "nan": ([float("nan"), 1.0], [1.0, float("nan")])}


@pytest.mark.parametrize("name", ["fmin", "fmax", "maximum", "minimum"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("pair", list(ZEROS))
def test_extremum_of_signed_zeros_keeps_the_first(name, dtype, pair):
    a, b = ZEROS[pair]
    assert_same(lambda m: getattr(m, name)(m.tensor(a, dtype=getattr(m, dtype)), m.tensor(b, dtype=getattr(m, dtype))))


@pytest.mark.parametrize("name", ["fmin", "fmax", "maximum", "minimum"])
@pytest.mark.parametrize("other", ["bool", "int8", "float32"])
def test_extremum_of_mixed_dtypes(name, other):
    assert_same(lambda m: getattr(m, name)(values(m, other), values(m, "float16")))
    assert_same(lambda m: getattr(m, name)(values(m, "float32"), values(m, other, zero_d=True)))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
@pytest.mark.parametrize("program", [
    lambda m, x: x.clamp(0, 2), lambda m, x: x.clip(min=0.0), lambda m, x: x.clamp(max=-0.0),
    lambda m, x: x.clone().clamp_(m.tensor(-0.0)), lambda m, x: m.clamp(x, m.zeros(4, dtype=x.dtype)),
    lambda m, x: x.clamp(m.tensor(0.0), m.tensor(1.0)),
])
def test_clamp_keeps_signed_zero(dtype, program):
    assert_same(lambda m: program(m, m.tensor([-0.0, 0.0, -1.5, float("nan")], dtype=getattr(m, dtype))))


# --------------------------------------------------------------------------- methods torch has
@pytest.mark.parametrize("program", [
    lambda m: values(m, "float32").maximum(values(m, "int64")), lambda m: values(m, "int8").minimum(values(m, "bool")),
    lambda m: m.tensor([1.0, -2.0], requires_grad=True).maximum(m.tensor(-2.0)),
    lambda m: values(m, "float32").maximum(2), lambda m: values(m, "float32").minimum(np.float64(1.5)),
    *[(lambda d: lambda m: values(m, d).signbit())(d) for d in VALUES],
    *[(lambda d: lambda m: m.signbit(values(m, d, zero_d=True)))(d) for d in VALUES],
    lambda m: m.signbit(m.tensor([-0.0, float("nan")], requires_grad=True)), lambda m: m.signbit(2.0),
])
def test_methods_torch_has(program):
    assert_same(program)


# --------------------------------------------------------------------------- argument errors
TWO_TENSOR_FUNCTIONS = ["maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or", "logical_xor", "atan2",
                        "arctan2", "hypot", "logaddexp", "logaddexp2"]


@pytest.mark.parametrize("name", TWO_TENSOR_FUNCTIONS)
@pytest.mark.parametrize("number", [2, 1.5, True, np.float64(1.5), np.int64(3), np.True_])
def test_two_tensor_function_names_its_arguments(name, number):
    assert_same(lambda m: getattr(m, name)(values(m, "float32"), number))
    assert_same(lambda m: getattr(m, name)(number, values(m, "float32")))
    assert_same(lambda m: getattr(values(m, "float32"), name)(number))


# --------------------------------------------------------------------------- a number as the first argument
NUMBERS = [True, 2, -3, 2.5, -0.0, 2 ** 40, np.float64(1.5), np.int64(3), np.True_]
NUMBER_FIRST = {"add": lambda m, n, x: m.add(n, x), "add-alpha": lambda m, n, x: m.add(n, x, alpha=2),
                "sub": lambda m, n, x: m.sub(n, x), "sub-alpha": lambda m, n, x: m.sub(n, x, alpha=2),
                "mul": lambda m, n, x: m.mul(n, x), "div": lambda m, n, x: m.div(n, x),
                "divide": lambda m, n, x: m.divide(n, x), "div-floor": lambda m, n, x: m.div(n, x, rounding_mode="floor"),
                "div-trunc": lambda m, n, x: m.div(n, x, rounding_mode="trunc"),
                "div-none": lambda m, n, x: m.div(n, x, rounding_mode=None)}


@pytest.mark.parametrize("op", list(NUMBER_FIRST))
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int64", "float16", "float32", "float64"])
@pytest.mark.parametrize("number", NUMBERS)
def test_number_first(op, dtype, number):
    assert_same(lambda m: NUMBER_FIRST[op](m, number, values(m, dtype)))
    assert_same(lambda m: NUMBER_FIRST[op](m, number, values(m, dtype, zero_d=True)))


@pytest.mark.parametrize("op", list(NUMBER_FIRST))
@pytest.mark.parametrize("program", [
    lambda m, f: f(m, 2.0, m.tensor([1.0, -2.0], requires_grad=True)),
    lambda m, f: f(m, 3, m.tensor([[1.5], [4.0]], dtype=m.float64, requires_grad=True)).sum(),
    lambda m, f: f(m, 2, 3), lambda m, f: f(m, 2.5, True), lambda m, f: f(m, np.float64(7.0), 2),
])
def test_number_first_grad_and_two_numbers(op, program):
    assert_same(lambda m: program(m, NUMBER_FIRST[op]))


# (not with a rounding_mode, nor as divide: there torch's parser error lists all its overloads)
@pytest.mark.parametrize("op", ["add", "add-alpha", "sub", "sub-alpha", "mul", "div"])
@pytest.mark.parametrize("args", [("a", "x"), (2, [1.0]), (None, "x"), (2, None)])
def test_number_first_errors(op, args):
    assert_same(lambda m: NUMBER_FIRST[op](m, *(values(m, "float32") if a == "x" else a for a in args)))


def test_number_first_gradient():
    def program(m):
        x = m.tensor([1.0, -2.0, 4.0], requires_grad=True)
        (m.sub(2, x, alpha=3) * m.div(1, x) + m.mul(2, x) * m.add(1, x, alpha=2)).sum().backward()
        return x.grad
    assert_same(program)


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "fmod", "copysign"])
@pytest.mark.parametrize("args", [(2, "x"), (np.float64(1.5), "x"), (2, 3), ("a", "x"), ("x", "a"), ("x", None),
                                  ("x", [1.0]), (None, "x"), ("x", 2), ("x", np.True_)])
def test_tensor_first_function_errors(name, args):
    assert_same(lambda m: getattr(m, name)(*(values(m, "float32") if a == "x" else a for a in args)))


# --------------------------------------------------------------------------- promotion and checks
@pytest.mark.parametrize("left", ["bool", "uint8", "int8", "int16", "int32", "float16", "float64"])
@pytest.mark.parametrize("right", ["bool", "uint8", "int8", "int32", "int64", "float16", "float32"])
def test_isclose_dtype_mismatch_names(left, right):
    assert_same(lambda m: m.isclose(values(m, left), values(m, right)))
    assert_same(lambda m: values(m, left).allclose(values(m, right)))


@pytest.mark.parametrize("program", [
    lambda m: m.result_type(values(m, "bool"), np.True_), lambda m: m.result_type(np.True_, values(m, "uint8")),
    lambda m: m.result_type(values(m, "int8", zero_d=True), np.True_), lambda m: m.result_type(np.True_, np.True_),
    lambda m: m.result_type(True, np.True_), lambda m: m.result_type(values(m, "float16"), np.True_),
    lambda m: values(m, "bool") + np.True_, lambda m: m.where(values(m, "bool"), np.True_, np.True_),
])
def test_numpy_bool_promotes_as_a_float(program):
    assert_same(program)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64", "float16", "float32"])
@pytest.mark.parametrize("number", [-3, 200, 2 ** 40, 70000.0])
@pytest.mark.parametrize("op", ["add", "sub"])
def test_alpha_overflow_is_silent(dtype, number, op):
    if dtype not in ("float16", "float32") and isinstance(number, float):
        number = 7
    assert_same(lambda m: getattr(values(m, dtype), op)(number, alpha=3))
    assert_same(lambda m: getattr(values(m, dtype).clone(), f"{op}_")(number, alpha=3))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64"])
@pytest.mark.parametrize("program", [
    lambda m, x: x.clamp_(min=np.True_), lambda m, x: x.clamp_(max=np.True_), lambda m, x: x.clamp_(np.float64(0.5)),
])
def test_clamp_in_place_numpy_bound_message(dtype, program):
    assert_same(lambda m: program(m, values(m, dtype)))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float64"])  # (float32's pow differs in the last bit)
@pytest.mark.parametrize("exponent", [-3, np.int64(-1), -2.0, 2])
def test_power_in_place_negative_integer_exponent(dtype, exponent):
    def program(m):
        x = values(m, dtype)
        x **= exponent
        return x
    assert_same(program)


@pytest.mark.parametrize("name", ["maximum", "logical_and", "hypot", "eq", "fmod"])
@pytest.mark.parametrize("first", ["x", [1.0], 2])
def test_function_with_one_argument(name, first):
    assert_same(lambda m: getattr(m, name)(values(m, "float32") if first == "x" else first))


# --------------------------------------------------------------------------- allclose, gradients
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float16", "float32"])
@pytest.mark.parametrize("options", [dict(rtol=-1), dict(atol=-0.5), dict(rtol=0, atol=0), dict(equal_nan=True),
                                     dict(rtol=1e-3)])
def test_allclose_is_isclose_everywhere(dtype, options):
    assert_same(lambda m: m.allclose(values(m, dtype), values(m, dtype), **options))
    assert_same(lambda m: values(m, dtype).allclose(values(m, dtype) * 1.0004, **options))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_gradient_of_square_root_power_at_signed_zeros(dtype):
    def program(m):
        x = m.tensor([0.0, -0.0, 4.0, float("nan")], dtype=getattr(m, dtype), requires_grad=True)
        (x ** 0.5).sum().backward()
        return x.grad
    assert_same(program)


# --------------------------------------------------------------------------- clamp's arguments
@pytest.mark.parametrize("form", ["method", "in-place", "function", "clip"])
@pytest.mark.parametrize("bounds", [("T", 2), (0, "T"), ("T", 2.5), (np.float64(0.5), "T"), ("T", "T"), ("T0g", 1),
                                    ("T0", 1), (None, "T")])
def test_clamp_tensor_beside_number(form, bounds):
    def program(m):
        def bound(b):
            if not isinstance(b, str):
                return b
            return m.ones(4) if b == "T" else m.tensor(0.5, requires_grad=b == "T0g")
        low, high = map(bound, bounds)
        x = values(m, "float32")
        if form == "method":
            return x.clamp(low, high)
        if form == "in-place":
            return x.clamp_(low, high)
        return (m.clamp if form == "function" else m.clip)(x, low, high)
    assert_same(program)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float16"])
@pytest.mark.parametrize("bounds", [(np.int64(2), np.float64(3.5)), (1, 2.5), (0.5, 3), (True, 2), (0, 1)])
def test_clamp_in_place_checks_all_bounds_together(dtype, bounds):
    assert_same(lambda m: values(m, dtype).clamp_(*bounds))


# --------------------------------------------------------------------------- more of torch's pointwise functions
@pytest.mark.parametrize("name", ["positive", "isreal", "isposinf", "isneginf"])
@pytest.mark.parametrize("dtype", list(VALUES))
def test_sign_and_kind_predicates(name, dtype):
    assert_same(lambda m: getattr(m, name)(values(m, dtype)))
    assert_same(lambda m: getattr(values(m, dtype, zero_d=True), name)())


@pytest.mark.parametrize("program", [
    lambda m: m.isposinf(m.tensor([float("inf"), -float("inf"), 1.0], requires_grad=True)),
    lambda m: m.positive(m.tensor([1.0, 2.0], requires_grad=True)), lambda m: m.isreal(2), lambda m: m.isneginf(2.0),
])
def test_predicates_edges(program):
    assert_same(program)


@pytest.mark.parametrize("dtype", ["bool", "int8", "float16", "float32"])
@pytest.mark.parametrize("number", [1e40, -1e40, 70000.0])
def test_number_floor_divided_silently(dtype, number):
    assert_same(lambda m: number // values(m, dtype))


@pytest.mark.parametrize("name", ["addcmul", "addcdiv", "addcmul_"])
@pytest.mark.parametrize("value", [2 ** 70, -2 ** 64, 2 ** 63])
def test_addc_value_beyond_int64(name, value):
    def program(m):
        x = values(m, "float32")
        return getattr(x if name.endswith("_") else m, name)(*([] if name.endswith("_") else [x]),
                                                             values(m, "float32"), values(m, "float32"), value=value)
    assert_same(program)


# --------------------------------------------------------------------------- lerp's and ldexp's arguments
@pytest.mark.parametrize("args", [(2, "x", 0.5), ("x", 2, "x"), ("x", "x", "a"), ("x", "x", None), ("x", "x"),
                                  (2.5, "x"), ("x", "x", np.float64(0.25)), ("x", "x", "x")])
@pytest.mark.parametrize("form", ["function", "method", "in-place"])
def test_lerp_arguments(args, form):
    def program(m):
        given = [values(m, "float32") if a == "x" else a for a in args]
        if form == "function":
            return m.lerp(*given)
        return getattr(given[0], "lerp" if form == "method" else "lerp_")(*given[1:]) if isinstance(given[0], m.Tensor) \
            else m.lerp(*given)
    assert_same(program)


@pytest.mark.parametrize("other", [2, 1.5, np.int64(2), [1]])
def test_ldexp_function_names_other_at_position_2(other):
    assert_same(lambda m: m.ldexp(values(m, "float32"), other))
    assert_same(lambda m: values(m, "float32").ldexp(other))


@pytest.mark.parametrize("number", [2 ** 64, 2 ** 70, -2 ** 64, 2 ** 63 - 1])
@pytest.mark.parametrize("other", ["x0", 2.5, "x"])
def test_result_type_of_an_unreadable_int(number, other):
    assert_same(lambda m: m.result_type(number, values(m, "int8", zero_d=other == "x0") if other != 2.5 else other))


# --------------------------------------------------------------------------- alpha's type, equal's other
@pytest.mark.parametrize("op", ["add", "sub", "add_", "sub_"])
@pytest.mark.parametrize("alpha", ["a", None, [1], "T0", "T2", np.float64(0.5), 2])
def test_alpha_must_be_a_number(op, alpha):
    def program(m):
        a = {"T0": m.tensor(2.0), "T2": m.ones(2)}.get(alpha, alpha) if isinstance(alpha, str) else alpha
        return getattr(values(m, "float32"), op)(values(m, "float32"), alpha=a)
    assert_same(program)


@pytest.mark.parametrize("other", [1, 2.5, None, [1.0]])
def test_equal_wants_a_tensor(other):
    assert_same(lambda m: m.equal(values(m, "float32"), other))
    assert_same(lambda m: values(m, "float32").equal(other))


# --------------------------------------------------------------------------- torch's other names
ALIASES = {"subtract": lambda m, x, y: m.subtract(x, y, alpha=2), "multiply": lambda m, x, y: m.multiply(x, y),
           "subtract-number": lambda m, x, y: m.subtract(2, x), "multiply-number": lambda m, x, y: m.multiply(3, y),
           "negative": lambda m, x, y: m.negative(x), "absolute": lambda m, x, y: m.absolute(x),
           "not_equal": lambda m, x, y: m.not_equal(x, y), "less": lambda m, x, y: m.less(x, 1.5),
           "less_equal": lambda m, x, y: m.less_equal(x, y), "greater": lambda m, x, y: m.greater(x, y),
           "greater_equal": lambda m, x, y: m.greater_equal(x, 0),
           "method-subtract": lambda m, x, y: x.subtract(y), "method-multiply": lambda m, x, y: x.multiply(y),
           "method-negative": lambda m, x, y: x.negative(), "method-absolute": lambda m, x, y: x.absolute(),
           "method-greater": lambda m, x, y: x.greater(y), "method-less_equal": lambda m, x, y: x.less_equal(1),
           "in-place": lambda m, x, y: (x.clone().subtract_(y), x.clone().multiply_(y), x.clone().negative_(),
                                        x.clone().absolute_()),
           "greater-error": lambda m, x, y: x.greater("a"), "less-number-first": lambda m, x, y: m.less(2, x),
           "negative-bool": lambda m, x, y: m.negative(x > 0), "absolute-int": lambda m, x, y: m.absolute(2)}


@pytest.mark.parametrize("name", list(ALIASES))
@pytest.mark.parametrize("grad", [False, True])
def test_other_names(name, grad):
    def program(m):
        x = m.tensor([1.5, -2.0, 0.0, 3.0], requires_grad=grad)
        y = m.tensor([1.5, 2.0, -1.0, 4.0])
        return ALIASES[name](m, x * 1, y)
    assert_same(program)


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "le", "gt", "ge", "greater", "not_equal"])
@pytest.mark.parametrize("other", ["a", None, [1], [1.0, 2.0], ()])
def test_comparison_method_argument_errors(name, other):
    assert_same(lambda m: getattr(values(m, "float32"), name)(other))


@pytest.mark.parametrize("other", [(1,), (1, 2.0), [], [1, "a"], [[1]], ((1,),)])
def test_comparison_marks_sequences_with_their_items(other):
    assert_same(lambda m: values(m, "float32").eq(other))
