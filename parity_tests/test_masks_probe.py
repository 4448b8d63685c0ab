"""Comparison, logical, masking and selection ops, differential probe: the corners where minitorch_ref differed
from torch 2.13.

Each case is one small program run on both libraries (`assert_matches_torch`: the same values, dtypes, shapes,
requires_grad, grad_fn names, gradients and warnings, or the same exception type and message). What this proves,
beyond `test_pointwise_probe.py`, `test_indexing_probe.py`, `test_reductions_probe.py` and `test_sorting_probe.py`:
- the function forms of the comparisons (`eq` ... `greater_equal`), of `logical_and/or/xor/not`, `any`/`all`,
  `maximum`/`minimum`/`fmax`/`fmin` and `max`/`min` take torch's `out=`: a comparison's or logical op's bool
  result cast into an out of any dtype (and into one that requires grad: they have no gradient), any/all's only
  into bool or uint8, the others' where torch's casting rule allows, max/min's (values, indices) with torch's
  dtype errors, a wrongly sized out resized with torch's warning; so do `clamp`/`clip`/`sign`/`sgn` (out of the
  result's dtype only), `signbit`/`isposinf`/`isneginf` (a bool out only) and `argmax`/`argmin` (int64), and
  `nonzero` refuses `out=` with `as_tuple=True`;
- the two-operand functions refuse a third positional argument with torch's words, the comparison methods
  refuse a NumPy array (of the operators, only `==` takes one, as torch's), and `masked_select` of a
  non-tensor mask is torch's TypeError;
- the long names' in-place forms (`greater_`, `less_equal_`, `not_equal_`...) exist and record the short
  name's node (GtBackward0...), and every in-place comparison names itself (`eq_()`) in its argument errors;
- `where` warns about a uint8 condition once a process (torch's TORCH_WARN_ONCE), a condition with one value
  is torch's parser error listing where's overloads, and `out=` is torch's out overload (two tensor values, out
  of the result's dtype, resized with torch's warning, refused when a value requires grad);
- `argwhere` (missing) is `nonzero`; `masked_scatter` and `masked_scatter_` (missing): row-major filling from
  source, broadcasting (out of place) or expand's error (in place), MaskedScatterBackward0 gradients to self
  and source, torch's checks in its order (dtypes, mask dtype with the uint8 deprecation warning, shapes,
  the count of source's elements).
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch, fresh_process_warnings

# the same result (values exactly) and warnings, or the same exception and message
assert_same = partial(assert_matches_torch, warnings=True, exact=True)


def written(m, function, out, *args, **kwargs):
    """`function(*args, out=out)`: what it returned and what `out` holds after."""
    return getattr(m, function)(*args, **kwargs, out=out), out


def leaf(m, values, dtype="float32"):
    return m.tensor(values, dtype=getattr(m, dtype), requires_grad=True)


# --------------------------------------------------------------------------- out= of comparisons and logical ops
COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal"]


@pytest.mark.parametrize("out_dtype", ["bool", "float32", "int8", "float64"])
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparison_functions_write_their_result_into_out_of_any_dtype(name, out_dtype):
    """The bool result cast into out's dtype, with a number or a broadcast tensor as the other operand."""
    assert_same(lambda m: written(m, name, m.zeros(2, dtype=getattr(m, out_dtype)), m.tensor([1.0, 2.0]), 1.5))
    assert_same(lambda m: written(m, name, m.zeros(2, 2, dtype=getattr(m, out_dtype)), m.tensor([1, 2]),
                                  m.tensor([[2.0], [1.0]])))


@pytest.mark.parametrize("size", [3, 0])
@pytest.mark.parametrize("name", ["eq", "less_equal", "greater"])
def test_comparison_functions_resize_a_wrongly_sized_bool_out(name, size):
    """Resized, with torch's deprecation warning when it had elements."""
    assert_same(lambda m: written(m, name, m.zeros(size, dtype=m.bool), m.tensor([1.0, 2.0]), 1.5))


@pytest.mark.parametrize("name", ["eq", "greater", "logical_and"])
def test_ops_without_gradient_write_into_an_out_that_requires_grad(name):
    """No gradient to refuse: the input's and out's requires_grad do not matter (out keeps its flag)."""
    assert_same(lambda m: written(m, name, m.zeros(2, requires_grad=True), leaf(m, [1.0, 2.0]), m.tensor(1.0)))


@pytest.mark.parametrize("out_dtype", ["bool", "float32", "int64", "uint8"])
@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical_functions_write_into_out(name, out_dtype):
    assert_same(lambda m: written(m, name, m.empty(2, dtype=getattr(m, out_dtype)), m.tensor([1.0, 0.0]),
                                  m.tensor([3, 0])))


@pytest.mark.parametrize("out_dtype", ["bool", "float32", "int32"])
def test_logical_not_writes_into_out(out_dtype):
    assert_same(lambda m: written(m, "logical_not", m.empty(3, dtype=getattr(m, out_dtype)),
                                  m.tensor([1.0, 0.0, float("nan")])))


@pytest.mark.parametrize("out_dtype", ["bool", "uint8", "float32", "int64"])
@pytest.mark.parametrize("input_dtype", ["float32", "uint8"])
@pytest.mark.parametrize("name", ["any", "all"])
def test_any_all_write_only_into_a_bool_or_uint8_out(name, input_dtype, out_dtype):
    x = [[1, 0, 2], [3, 4, 0]]
    assert_same(lambda m: written(m, name, m.empty(3, dtype=getattr(m, out_dtype)), m.tensor(x, dtype=getattr(
        m, input_dtype)), 0))
    assert_same(lambda m: written(m, name, m.empty((), dtype=getattr(m, out_dtype)), m.tensor(x, dtype=getattr(
        m, input_dtype))))


@pytest.mark.parametrize("out", [("float32", False), ("float64", False), ("int64", False), ("float32", True)])
@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin"])
def test_maximum_minimum_write_into_out_by_torch_casting_rule(name, out):
    """float32 into float64 is allowed, into int64 not; an input that requires grad refuses out=."""
    out_dtype, requires_grad = out
    assert_same(lambda m: written(m, name, m.empty(3, dtype=getattr(m, out_dtype)),
                                  m.tensor([1.0, float("nan"), 3.0], requires_grad=requires_grad),
                                  m.tensor([2.0, 0.0, float("nan")])))


@pytest.mark.parametrize("outs", [("float32", "int64", 2), ("float32", "int64", 0), ("float64", "int64", 2),
                                  ("float32", "int32", 2)])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_over_a_dim_write_values_and_indices_into_out(name, outs):
    values, indices, size = outs

    def program(m):
        out = (m.empty(size, dtype=getattr(m, values)), m.empty(size, dtype=getattr(m, indices)))
        result = getattr(m, name)(m.tensor([[1.0, 3.0], [4.0, 4.0]]), 1, out=out)
        return tuple(result), result.values, result.indices, out
    assert_same(program)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_of_all_elements_write_into_out(name):
    assert_same(lambda m: written(m, name, m.empty(()), m.tensor([[1.0, 3.0], [4.0, 2.0]])))


@pytest.mark.parametrize("out", [("float32", False), ("float64", False), ("int64", False), ("float32", True)])
@pytest.mark.parametrize("name, args", [("clamp", (0, 1)), ("clip", (None, 0.5)), ("sign", ()), ("sgn", ())])
def test_clamp_and_sign_write_into_an_out_of_the_results_dtype_only(name, args, out):
    out_dtype, requires_grad = out
    assert_same(lambda m: written(m, name, m.empty(3, dtype=getattr(m, out_dtype)),
                                  m.tensor([-1.0, 0.25, 2.0], requires_grad=requires_grad), *args))


@pytest.mark.parametrize("out_dtype", ["bool", "float32", "uint8"])
@pytest.mark.parametrize("name", ["signbit", "isposinf", "isneginf"])
def test_signbit_isposinf_isneginf_write_into_a_bool_out_only(name, out_dtype):
    values = [-1.0, float("inf"), float("-inf"), -0.0]
    assert_same(lambda m: written(m, name, m.empty(4, dtype=getattr(m, out_dtype)), m.tensor(values)))
    assert_same(lambda m: written(m, name, m.empty(4, dtype=m.bool), m.tensor(values, requires_grad=True)))


@pytest.mark.parametrize("out", [("int64", ()), ("int64", (3,)), ("int32", ()), ("float32", ())])
@pytest.mark.parametrize("args", [(), (0,), (0, True)])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_write_into_an_int64_out(name, args, out):
    assert_same(lambda m: written(m, name, m.empty(out[1], dtype=getattr(m, out[0])), m.tensor([1.0, 3.0, 3.0]),
                                  *args))


@pytest.mark.parametrize("as_tuple", [True, False])
def test_nonzero_refuses_out_with_as_tuple(as_tuple):
    assert_same(lambda m: written(m, "nonzero", m.empty(0, dtype=m.int64), m.tensor([1.0, 0.0]), as_tuple=as_tuple))


def test_isnan_has_no_out():
    """Python's own error names the function, as torch's does."""
    assert_same(lambda m: written(m, "isnan", m.empty(2, dtype=m.bool), m.tensor([1.0, 0.0])))


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("name", ["eq", "lt", "greater_equal", "logical_and", "logical_xor", "maximum", "fmin",
                                  "equal"])
def test_two_operand_functions_refuse_a_third_positional_argument(name):
    """torch's parser error (comparisons: their overloads) or Python's count of positional arguments."""
    assert_same(lambda m: getattr(m, name)(m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0])))


@pytest.mark.parametrize("name", ["eq", "lt", "ge", "greater"])
def test_comparison_methods_refuse_a_numpy_array(name):
    assert_same(lambda m: getattr(m.tensor([1.0, 2.0]), name)(np.array([1.0, 3.0])))


@pytest.mark.parametrize("compare", [
    lambda t, a: t == a, lambda t, a: a == t,  # (element-wise: a tensor)
    lambda t, a: t != a,  # (torch's != declines an array: Python's fallback, True)
    lambda t, a: t < a, lambda t, a: t >= a, lambda t, a: a < t, lambda t, a: a > t,  # (Python's TypeError)
])
@pytest.mark.parametrize("array", [[1.0, 3.0], 1.5])
def test_comparison_operators_with_a_numpy_array_as_torchs(compare, array):
    assert_same(lambda m: compare(m.tensor([1.0, 2.0]), np.array(array)))


def test_masked_select_of_a_non_tensor_mask_is_torchs_type_error():
    assert_same(lambda m: m.tensor([1.0, 2.0]).masked_select([True, False]))
    assert_same(lambda m: m.masked_select(m.tensor([1.0, 2.0]), [True, False]))


# --------------------------------------------------------------------------- in-place comparisons
@pytest.mark.parametrize("other", ["number", "tensor"])
@pytest.mark.parametrize("name", ["not_equal", "less", "less_equal", "greater", "greater_equal"])
def test_long_named_in_place_comparisons_record_the_short_names_node(name, other):
    def program(m):
        x = leaf(m, [1.0, 2.0, 3.0])
        y = x * 1
        getattr(y, f"{name}_")(2.0 if other == "number" else m.tensor([2.0, 2.0, 1.0]))
        y.sum().backward()
        return y, x.grad, getattr(m.tensor([1, 5]), f"{name}_")(2.5)
    assert_same(program)


@pytest.mark.parametrize("name", ["eq", "ge", "not_equal", "greater"])
def test_in_place_comparisons_name_themselves_in_argument_errors(name):
    assert_same(lambda m: getattr(m.tensor([1.0]), f"{name}_")("a"))


# --------------------------------------------------------------------------- where
ONCE = {  # (torch warns about a uint8 condition once a process: later calls are silent)
    "first": "m.where(m.tensor([1, 0], dtype=m.uint8), 1.0, 2.0)",
    "second": "m.where(m.tensor([0, 1], dtype=m.uint8), x, 0.0)",
}


def test_where_warns_about_a_uint8_condition_once_a_process():
    assert fresh_process_warnings("minitorch_ref", ONCE) == fresh_process_warnings("torch", ONCE)


@pytest.mark.parametrize("value", ["tensor", "number"])
def test_where_with_a_condition_and_one_value_is_torchs_parser_error(value):
    assert_same(lambda m: m.where(m.tensor([True, False]), m.tensor([1.0, 2.0]) if value == "tensor" else 1.0))


@pytest.mark.parametrize("values, out", [
    (("tensor", "tensor"), ("float32", 2)),
    (("tensor", "tensor"), ("int64", 2)),  # (out must have the result's dtype)
    (("tensor", "float64"), ("float32", 2)),
    (("tensor", "int64"), ("float32", 2)),  # (an int64 0-d tensor promotes as a number)
    (("tensor", "tensor"), ("float32", 3)),  # (resized, with torch's warning)
    (("tensor", "tensor"), ("float32", 0)),
    (("tensor", "number"), ("float32", 2)),  # (the out overload takes tensors only)
    (("number", "number"), ("float32", 2)),
    (("grad", "tensor"), ("float32", 2)),
])
def test_where_writes_into_out_as_torchs_out_overload(values, out):
    def value(m, kind, number):
        if kind == "number":
            return number
        if kind == "int64":
            return m.tensor(number)
        dtype = m.float64 if kind == "float64" else m.float32
        return m.tensor([number, number + 1.0], dtype=dtype, requires_grad=kind == "grad")

    assert_same(lambda m: written(m, "where", m.empty(out[1], dtype=getattr(m, out[0])), m.tensor([True, False]),
                                  value(m, values[0], 1), value(m, values[1], 3)))
    assert_same(lambda m: written(m, "where", m.empty(2, 2), m.tensor([True, False]), m.tensor([[1.0], [2.0]]),
                                  m.tensor([3.0, 4.0])))


# --------------------------------------------------------------------------- argwhere
@pytest.mark.parametrize("values", [[[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]], [0.0, float("nan"), -0.0], 3.0, 0.0,
                                    [[[]]], [True, False]])
def test_argwhere_is_nonzero(values):
    assert_same(lambda m: (m.argwhere(m.tensor(values)), m.tensor(values).argwhere()))


@pytest.mark.parametrize("values", [[[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]], [0.0, 1.0, 2.0], [[[1.0, 1.0]]], [[1.0]], 3.0])
def test_nonzero_is_laid_out_column_by_column_as_torchs(values):
    """torch's nonzero writes its (n, ndim) result column by column (strides (1, n)); results computed from it
    keep that layout, and which kernel path torch takes can depend on it (the fuzz seed 427 program below)."""
    assert_same(lambda m: [(t.stride(), t.is_contiguous(), m.atanh(t).stride())
                           for t in (m.nonzero(m.tensor(values)), m.argwhere(m.tensor(values)))])


def test_gelu_of_a_result_of_nonzero_takes_torchs_strided_path():
    """atanh of nonzero's indices (inf, inf / inf, nan), then gelu: torch's strided path keeps gelu(inf) = inf,
    where its contiguous float32 kernel gives nan."""
    assert_same(lambda m: m.nn.functional.gelu(m.atanh(m.nonzero(m.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]])))))


def test_argwhere_of_a_number_is_torchs_type_error():
    assert_same(lambda m: m.argwhere(3))


# --------------------------------------------------------------------------- masked_scatter
X = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
SOURCE = [[9.0, 8.0], [7.0, 6.0]]


@pytest.mark.parametrize("mask, source", [
    ([True, False, True], SOURCE),  # (broadcast over rows; source read row-major)
    ([[True], [False]], [9.0, 8.0, 7.0, 6.0]),
    ([False, False, False], []),  # (nothing read: an empty source will do)
    ([[[True, False, True]]], [1.0, 2.0, 3.0, 4.0, 5.0]),  # (the mask broadcasts self out of place)
    ([True, True, True], [1.0, 2.0]),  # (fewer source elements than ones)
    ([True, False], SOURCE),  # (shapes that do not broadcast)
])
@pytest.mark.parametrize("in_place", [False, True])
def test_masked_scatter_values_and_shapes(mask, source, in_place):
    def program(m):
        x = m.tensor(X)
        if in_place:
            return x.masked_scatter_(m.tensor(mask), m.tensor(source)), x
        return x.masked_scatter(m.tensor(mask), m.tensor(source)), m.masked_scatter(x, m.tensor(mask), m.tensor(source))
    assert_same(program)


@pytest.mark.parametrize("mask_dtype", ["uint8", "int64", "float32"])
def test_masked_scatter_takes_only_bool_masks(mask_dtype):
    """A uint8 mask: torch's deprecation warning, then its refusal."""
    assert_same(lambda m: m.tensor(X).masked_scatter(m.tensor([1, 0, 1], dtype=getattr(m, mask_dtype)),
                                                     m.tensor(SOURCE)))


@pytest.mark.parametrize("source_dtype", ["int64", "float64"])
def test_masked_scatter_checks_the_source_dtype_first(source_dtype):
    assert_same(lambda m: m.tensor(X).masked_scatter(m.tensor([1, 0, 1], dtype=m.uint8),
                                                     m.tensor(SOURCE, dtype=getattr(m, source_dtype))))


def test_masked_scatter_of_ints_and_a_0d_tensor():
    assert_same(lambda m: (m.tensor([1, 2]).masked_scatter(m.tensor([True, False]), m.tensor([9])),
                           m.tensor(1.0).masked_scatter(m.tensor(True), m.tensor([5.0]))))


def test_masked_scatter_of_a_non_tensor_source_is_torchs_type_error():
    assert_same(lambda m: m.tensor(X).masked_scatter(m.tensor([True, False, True]), 1.0))


@pytest.mark.parametrize("mask", [[[True], [False]], [True, False, True], [[False, True, True], [True, True, False]]])
def test_masked_scatter_gradients_go_to_the_unmasked_self_and_the_read_source(mask):
    def program(m):
        x, source = leaf(m, X), leaf(m, [[1.0, 2.0, 3.0, 4.0, 5.0]])
        out = x.masked_scatter(m.tensor(mask), source)
        (out * m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
        return out, x.grad, source.grad
    assert_same(program)


def test_masked_scatter_gradient_sums_over_a_broadcast_self():
    def program(m):
        x, source = leaf(m, [1.0, 2.0]), leaf(m, [5.0, 6.0, 7.0])
        out = x.masked_scatter(m.tensor([[True, False], [False, False], [True, True]]), source)
        (out * m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
        return out, x.grad, source.grad
    assert_same(program)


def test_masked_scatter_in_place_records_its_node_and_refuses_a_leaf():
    def program(m):
        x, source = leaf(m, X), leaf(m, [1.0, 2.0, 3.0, 4.0, 5.0])
        y = x * 1
        y.masked_scatter_(m.tensor([True, False, True]), source)
        y.sum().backward()
        return y, x.grad, source.grad
    assert_same(program)
    assert_same(lambda m: leaf(m, [1.0, 2.0]).masked_scatter_(m.tensor([True, False]), m.tensor([3.0])))
