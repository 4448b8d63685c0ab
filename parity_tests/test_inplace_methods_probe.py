"""In-place method variants (`x.exp_()`, `x.lerp_(...)`, `x.eq_(...)`...) and `out=`: a differential probe.

What this proves, beyond `test_inplace.py` (add_/mul_/clamp_/relu_, views, version counters):
- every pointwise in-place twin torch has for a method minitorch_ref has (exp_, sqrt_, lerp_, addcmul_,
  fmod_, bitwise_and_, logical_not_, eq_...) exists, writes torch's values into the same tensor in its
  own dtype, bumps `_version`, records torch's node (ExpBackward0; CopySlices on a view) and gives
  torch's gradients through chains of writes;
- the writes refuse what torch refuses, with its messages: a leaf that requires grad (not for the logical
  ops, which torch lets through), a result that would grow or change the dtype (the cast checked before
  the kernel for bitwise ops; clamp's C++ type names; float_power_ wanting float64), a value saved for
  backward; argument errors name the in-place method (`hypot_()`);
- a comparison written in place (`y.eq_(x)`) records torch's EqBackward0/1, whose gradients are zero;
- `out=`: median without `dim` is refused as by torch, and a wrong out dtype gets each function's message.
"""
from __future__ import annotations

import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_nn_modules import same_error
from parity_tests.test_semantics import assert_matches_torch

UNARY = ["neg", "abs", "sqrt", "rsqrt", "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sin", "cos", "tan",
         "asin", "acos", "atan", "arctan", "sinh", "cosh", "tanh", "sigmoid", "erf", "logit", "sinc", "square",
         "floor", "ceil", "round", "trunc", "fix", "frac", "sign", "reciprocal", "deg2rad", "rad2deg", "nan_to_num"]
BINARY = ["div", "pow", "fmod", "remainder", "copysign", "xlogy", "true_divide", "atan2", "hypot", "clamp_min",
          "clamp_max"]


def written(m, op, *args, dtype="float32", **kwargs):
    """`x.op(*args)` into x = [0.3, 0.7, 1.2] of `dtype`: (what it returns is x, x, x's version)."""
    x = m.tensor([0.3, 0.7, 1.2] if dtype.startswith("float") else [3, 0, 2], dtype=getattr(m, dtype))
    result = getattr(x, op)(*args, **kwargs)
    return result is x, x, x._version


def through_graph(m, op, *args, view=False, **kwargs):
    """`y.op(*args)` (or on a view of y) with y = w * 1; then backward: (y, its grad_fn, version, w.grad)."""
    w = m.tensor([0.3, 0.7, 1.2], requires_grad=True)
    y = w * 1
    getattr(y[1:] if view else y, op)(*args, **kwargs)
    y.sum().backward()
    return y, y.grad_fn.name().replace("torch::autograd::", ""), y._version, w.grad * 1


def other(m):
    return m.tensor([1.5, 0.5, 2.0])


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_unary_twin_values_and_dtype(op, dtype):
    assert_matches_torch(lambda m: written(m, f"{op}_", dtype=dtype))


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("view", [False, True])
def test_unary_twin_graph(op, view):
    assert_matches_torch(lambda m: through_graph(m, f"{op}_", view=view))


@pytest.mark.parametrize("op", BINARY)
def test_binary_twin_graph(op):
    assert_matches_torch(lambda m: through_graph(m, f"{op}_", other(m)))


@pytest.mark.parametrize("op", BINARY + ["bitwise_and", "bitwise_or", "bitwise_xor", "logical_and", "logical_xor"])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
@pytest.mark.parametrize("operand", ["float", "int", "number"])
def test_binary_twin_dtypes(op, dtype, operand):
    """The result keeps x's dtype; a wider result is torch's cast error (checked before the kernel)."""
    def program(m):
        arg = {"float": other(m), "int": m.tensor([2, 1, 3]), "number": 2.5}[operand]
        return written(m, f"{op}_", arg, dtype=dtype)
    assert_matches_torch(program)


@pytest.mark.parametrize("op, args", [
    ("lerp_", lambda m: (other(m), 0.3)), ("lerp_", lambda m: (other(m), m.tensor([0.5, 0.2, 1.0]))),
    ("addcmul_", lambda m: (other(m), other(m) * 2)), ("addcdiv_", lambda m: (other(m), other(m) * 2)),
    ("clip_", lambda m: (0.5, 1.0)), ("round_", lambda m: ()), ("div_", lambda m: (2.0,)),
])
def test_twins_with_arguments(op, args):
    kwargs = {"value": 0.5} if op.startswith("addc") else {"decimals": 1} if op == "round_" else {}
    if op == "div_":
        kwargs = {"rounding_mode": "floor"}
    assert_matches_torch(lambda m: through_graph(m, op, *args(m), **kwargs))
    assert_matches_torch(lambda m: through_graph(m, op, *args(m), view=True, **kwargs))


@pytest.mark.parametrize("view", [False, True])
def test_floor_divide_in_place_has_no_derivative(view):
    """torch records the write, and backward names the in-place op it has no derivative for."""
    assert_matches_torch(lambda m: through_graph(m, "floor_divide_", 2.0, view=view))
    assert_matches_torch(lambda m: through_graph(m, "__ifloordiv__", 2.0, view=view))


def test_div_rounding_mode_into_integers():
    assert_matches_torch(lambda m: written(m, "div_", m.tensor([2, -2, 3]), dtype="int64", rounding_mode="trunc"))
    assert_matches_torch(lambda m: written(m, "div_", 2, dtype="int64"))  # (true division: a Float result)


@pytest.mark.parametrize("op, args", [("exp_", ()), ("lerp_", (lambda m: m.ones(2, 3), 0.5)),
                                      ("addcmul_", (lambda m: m.ones(3), lambda m: m.ones(2, 3))),
                                      ("hypot_", (lambda m: m.ones(2, 3),)), ("fmod_", (lambda m: m.ones(2),)),
                                      ("clamp_min_", (lambda m: m.ones(2, 3),)), ("eq_", (lambda m: m.ones(2, 3),))])
def test_result_may_not_grow(op, args):
    assert_matches_torch(lambda m: getattr(m.ones(3), op)(*[a(m) if callable(a) else a for a in args]))


@pytest.mark.parametrize("op, args", [("exp_", ()), ("pow_", (2,)), ("lerp_", (lambda m: m.ones(2), 0.5)),
                                      ("eq_", (0.3,)), ("clamp_max_", (0.5,))])
@pytest.mark.parametrize("target", ["leaf", "view of leaf"])
def test_leaf_that_requires_grad_is_refused(op, args, target):
    def program(m):
        w = m.tensor([0.3, 0.7], requires_grad=True)
        return getattr(w if target == "leaf" else w[:1], op)(*[a(m) if callable(a) else a for a in args])
    assert_matches_torch(program)


@pytest.mark.parametrize("op, args", [("logical_not_", ()), ("logical_and_", (lambda m: m.tensor([1.0, 0.0]),)),
                                      ("logical_or_", (lambda m: m.tensor([1.0, 0.0]),))])
@pytest.mark.parametrize("target", ["leaf", "view of leaf", "graph tensor"])
def test_logical_ops_write_into_leaves_and_keep_history(op, args, target):
    """torch's logical ops have no gradient: they write into a leaf that requires grad, and leave a
    graph tensor's grad_fn (and gradient) as it was."""
    def program(m):
        w = m.tensor([0.3, 0.0], requires_grad=True)
        y = w * 2 if target == "graph tensor" else w
        getattr(y[:1] if target == "view of leaf" else y, op)(*[a(m) for a in args])
        if target == "graph tensor":
            y.sum().backward()
            return y, y.grad_fn.name(), w.grad
        return w, w.is_leaf, w.grad_fn
    assert_matches_torch(program)


@pytest.mark.parametrize("op", ["eq_", "ne_", "lt_", "le_", "gt_", "ge_"])
@pytest.mark.parametrize("operand", ["number", "tensor"])
def test_comparison_in_place_has_zero_gradient(op, operand):
    """`y.eq_(x)`: y's new value does not depend on its old one: EqBackward0/1 gives zero gradients."""
    def program(m):
        w = m.tensor([0.3, 0.7, 1.2], requires_grad=True)
        v = m.tensor([0.3, 1.0, 0.0], requires_grad=True)
        y = w * 2
        getattr(y, op)(0.6 if operand == "number" else v)
        (y * 3).sum().backward()
        return y, y.grad_fn.name(), y._version, w.grad * 1, None if v.grad is None else v.grad * 1
    assert_matches_torch(program)
    assert_matches_torch(lambda m: through_graph(m, op, 0.6, view=True))


@pytest.mark.parametrize("dtype", ["int64", "bool"])
def test_comparison_in_place_keeps_dtype(dtype):
    assert_matches_torch(lambda m: written(m, "ge_", 1.5, dtype=dtype))
    assert_matches_torch(lambda m: written(m, "ne_", m.tensor([3, 1, 2]), dtype=dtype))


@pytest.mark.parametrize("op", ["exp_", "sigmoid_", "eq_", "square_", "tanh_"])
def test_value_saved_for_backward_changed_in_place(op):
    """The error comes at backward (its hint is minitorch_ref's own: only the type is compared)."""
    def program(m):
        w = m.tensor([0.3, 0.7], requires_grad=True)
        y = w * 1
        z = y.sin()  # (saves y)
        getattr(y, op)(*([0.3] if op == "eq_" else []))
        z.sum().backward()
        return w.grad
    assert_matches_torch(program, same_message=False)


def test_chain_of_writes():
    def program(m):
        w = m.tensor([0.3, 0.7, -0.2], requires_grad=True)
        y = w * 1
        y.mul_(2).sub_(1).clamp_min_(-0.1).lerp_(w, 0.25).addcmul_(w, w, value=0.5).tanh_()
        y.sum().backward()
        return y, y.grad_fn.name(), y._version, w.grad
    assert_matches_torch(program)


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_float_power_wants_float64(dtype):
    assert_matches_torch(lambda m: written(m, "float_power_", 2, dtype=dtype))
    assert_matches_torch(lambda m: m.tensor([1.0], requires_grad=True).float_power_(2))  # (before the leaf check)

    def float64(m):
        w = m.tensor([2.0, 4.0], dtype=m.float64, requires_grad=True)
        y = w * 1
        y.float_power_(m.tensor([2.0, 0.5], dtype=m.float64))
        y.sum().backward()
        return y, y.grad_fn.name(), w.grad
    assert_matches_torch(float64)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8", "bool"])
@pytest.mark.parametrize("call", ["clamp_(1.5)", "clamp_(max=2.5)", "clip_(0.5)", "clamp_min_(1.5)",
                                  "clamp_max_(2)", "clamp_min_(m.tensor(1.5))"])
def test_clamp_into_integers_names_the_cpp_type(dtype, call):
    """torch's cast error of a clamp with a number bound names the C++ type (long int, bool)."""
    assert_matches_torch(lambda m: eval(f"m.tensor([1, 0], dtype=m.{dtype}).{call}"))


@pytest.mark.parametrize("call", ["hypot_(2.5)", "atan2_(2.5)", "logical_and_(1.0)"])
def test_argument_errors_name_the_in_place_method(call):
    assert_matches_torch(lambda m: eval(f"m.ones(2).{call}"))


def test_expanded_and_inference_tensors_are_refused():
    assert_matches_torch(lambda m: m.ones(1).expand(3).exp_())
    assert_matches_torch(lambda m: m.zeros(1).expand(3).logical_not_())

    def inference(m):
        with m.inference_mode():
            x = m.ones(2)
        return x.exp_()
    assert_matches_torch(inference)


@pytest.mark.parametrize("op", ["exp_", "floor_", "logical_not_", "eq_"])
def test_zero_dim_empty_and_no_grad(op):
    args = (1.0,) if op == "eq_" else ()
    assert_matches_torch(lambda m: (lambda x: (getattr(x, op)(*args), x._version))(m.tensor(0.25)))
    assert_matches_torch(lambda m: (lambda x: (getattr(x, op)(*args), x._version))(m.zeros(0, 3)))

    def under_no_grad(m):
        w = m.tensor([0.25], requires_grad=True)
        with m.no_grad():
            getattr(w, op)(*args)
        return w, w.is_leaf, w._version
    assert_matches_torch(under_no_grad)



# --------------------------------------------------------------------------- out=
def test_median_out_needs_dim():
    same_error(lambda: mt.median(mt.ones(3), out=mt.zeros(())), lambda: torch.median(torch.ones(3), out=torch.zeros(())))


def _x(m):
    return m.tensor([[1.0, 0.0], [2.0, 3.0]])


@pytest.mark.parametrize("name, call", [
    ("diag", lambda m, o: m.diag(_x(m), out=o)),
    ("scatter", lambda m, o: m.scatter(_x(m), 0, m.tensor([[0, 1], [1, 0]]), _x(m), out=o)),
    ("scatter_add", lambda m, o: m.scatter_add(_x(m), 0, m.tensor([[0, 1], [1, 0]]), _x(m), out=o)),
    ("index_add", lambda m, o: m.index_add(_x(m), 0, m.tensor([1, 0]), _x(m), out=o)),
    ("masked_select", lambda m, o: m.masked_select(_x(m), _x(m) > 0, out=o)),
    ("nonzero", lambda m, o: m.nonzero(_x(m), out=o)),
])
@pytest.mark.parametrize("dtype", ["float16", "float64", "int32"])
def test_out_of_wrong_dtype(name, call, dtype):
    assert_matches_torch(lambda m: call(m, m.zeros(0, dtype=getattr(m, dtype))))


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("dtypes", [("float16", "int64"), ("float32", "int32"), ("float32", "int64")])
def test_median_out_of_wrong_dtype(name, dtypes):
    def program(m):
        out = tuple(m.zeros(2, dtype=getattr(m, d)) for d in dtypes)
        return tuple(getattr(m, name)(_x(m), 0, out=out))
    assert_matches_torch(program)



@pytest.mark.parametrize("name", ["diag", "masked_select", "index_add"])
def test_out_that_is_not_a_tensor(name):
    args = {"diag": lambda m: (), "masked_select": lambda m: (m.ones(2) > 0,),
            "index_add": lambda m: (0, m.tensor([0]), m.ones(1))}[name]
    assert_matches_torch(lambda m: getattr(m, name)(m.ones(2), *args(m), out=[1]))
