"""`out=` of the arithmetic and math functions, differential probe: the corners where minitorch_ref differed from
torch 2.13, and the functions of that family it lacked (rsub, heaviside, erfinv).

Each case is one small program run on both libraries (`assert_matches_torch`: the same values, dtypes, shapes,
requires_grad, grad_fn names and warnings, or the same exception type and message); a program that writes into
`out` also says whether the function returned that very tensor. What this proves:
- `add` ... `addcdiv`, `exp` ... `erfc` take torch's `out=`: the result, written into out and returned, is cast
  into out's dtype where torch's casting rule allows ("result type Float can't be cast to the desired output type
  Long" otherwise); `neg`, `abs`, `floor`, `ceil`, `round`, `trunc`, `frac` and `lerp` with a tensor weight want
  out of the result's dtype ("Found dtype ... but expected ..."), the matrix products too (in their words);
  `sum`/`prod` (with a dim only) reduce in out's dtype, `mean` a floating point input into a floating point out;
- an empty out is resized silently, one of another shape with torch's warning, twice where the result is cast
  (torch resizes twice), and before a kernel that refuses the dtype raises (after out's dtype error);
- out= refuses autograd (out or an input requiring grad, with grad mode on) before the op runs, except for ops
  torch records without derivative (floor_divide, heaviside: out takes their node); an out sharing memory in part
  with an input of a pointwise op is refused; out that is the input, or a view, is written in place;
- an out that is not a tensor is torch's parser error: its TypeError, listing the overloads where torch does; a
  number given as add/sub/mul/div's out is a new 0-d tensor, as torch's parser makes it;
- `rsub` (both overloads, alpha, torch's errors), `heaviside` (function, method, in place, out=), `erfinv`
  (function, method, in place, `torch.special.erfinv`, out=: values to float32/float64 precision, ±inf at ±1,
  NaN beyond, gradient sqrt(pi)/2 * exp(erfinv(x)^2)); `addmm` refuses bools as torch does.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

# the same result and warnings, or the same exception and message
assert_same = partial(assert_matches_torch, warnings=True)


def sample(m, dtype="float32", shape=(2, 3), seed=0):
    """Random values (no zero among integers: integer division by zero is another story) of `dtype`."""
    values = np.random.default_rng(seed).uniform(-2, 2, size=shape)
    if dtype == "bool":
        return m.tensor((values > 0.5).tolist(), dtype=m.bool)
    if dtype in ("uint8", "int64"):
        values = np.abs(values * 3).round() if dtype == "uint8" else (values * 3).round()
        values[values == 0] = 1
    return m.tensor(values.tolist(), dtype=getattr(m, dtype))


def into(m, name, out, *args, **kwargs):
    """`m.name(*args, out=out, **kwargs)`: whether it returned `out` itself, and what `out` holds after."""
    return getattr(m, name)(*args, **kwargs, out=out) is out, out


def arguments(m, name, dtype="float32", shape=(2, 3)):
    """The arguments of one call of `name`, of `dtype`."""
    x, y = sample(m, dtype, shape), sample(m, dtype, shape, seed=1)
    return {"lerp": (x, y, 0.5), "addcmul": (x, y, y), "addcdiv": (x, y, y), "matmul": (x, y.mT),
            "mm": (x, y.mT), "bmm": (x.unsqueeze(0), y.mT.unsqueeze(0)), "addmm": (x[:, :2], x, y.mT),
            "heaviside": (x, y), "maximum": (x, y)}.get(name, (x, y) if name in BINARY else (x,))


BINARY = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow", "hypot", "atan2",
          "logaddexp"]
CASTING = BINARY + ["exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh",
                    "sigmoid", "reciprocal", "square", "erf", "erfc", "erfinv", "lerp", "addcmul", "addcdiv"]
SAME_DTYPE = ["neg", "abs", "floor", "ceil", "round", "trunc", "frac"]
PRODUCTS = ["matmul", "mm", "bmm", "addmm"]
DTYPE_PAIRS = [("float32", "float32"), ("float32", "float64"), ("float32", "int64"), ("float64", "float16"),
               ("int64", "float32"), ("int64", "int64"), ("uint8", "bool"), ("bool", "float16"), ("bool", "bool")]


# --------------------------------------------------------------------------- dtypes of out
@pytest.mark.parametrize("dtypes", DTYPE_PAIRS, ids="->".join)
@pytest.mark.parametrize("name", CASTING + SAME_DTYPE + PRODUCTS)
def test_result_is_written_into_out_by_torch_dtype_rules(name, dtypes):
    """Cast where allowed, or the op's own dtype error (or its kernel's refusal of the dtype, after it)."""
    dtype, out_dtype = dtypes
    assert_same(lambda m: into(m, name, m.zeros(0, dtype=getattr(m, out_dtype)), *arguments(m, name, dtype)),
                tolerance=(1e-3, 1e-5))  # (a float16 out rounds where torch's kernel may round otherwise)


@pytest.mark.parametrize("case", [
    ("div", {"rounding_mode": "floor"}, "int64", "float32"), ("div", {"rounding_mode": "trunc"}, "float32", "int64"),
    ("add", {"alpha": 2}, "int64", "float64"), ("sub", {"alpha": 2}, "float32", "float16"),
    ("round", {"decimals": 1}, "float32", "float64"), ("round", {"decimals": 1}, "int64", "int64"),
    ("addcmul", {"value": 2}, "int64", "float32"), ("addcdiv", {"value": 0.5}, "float32", "float64"),
], ids=str)
def test_keyword_options_with_out(case):
    name, options, dtype, out_dtype = case
    assert_same(lambda m: into(m, name, m.empty(0, dtype=getattr(m, out_dtype)), *arguments(m, name, dtype),
                               **options))


@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("name, other", [("add", 2), ("mul", 2.5), ("pow", 2), ("remainder", 1.5), ("fmod", 3),
                                         ("floor_divide", 2), ("div", 4)])
def test_number_operands_with_out(name, other, out_dtype):
    assert_same(lambda m: into(m, name, m.empty(0, dtype=getattr(m, out_dtype)), sample(m), other))


@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow"])
def test_number_first_with_out(name, out_dtype):
    """`torch.pow(2, t, out=...)`, `torch.add(2, t, out=...)`: torch's number-first overloads."""
    assert_same(lambda m: into(m, name, m.zeros(5, dtype=getattr(m, out_dtype)), 2, sample(m, "int64")))


@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
def test_lerp_with_a_tensor_weight_wants_out_of_its_dtype(out_dtype):
    assert_same(lambda m: into(m, "lerp", m.empty(0, dtype=getattr(m, out_dtype)), sample(m), sample(m, seed=1),
                               sample(m, seed=2)))


# --------------------------------------------------------------------------- reductions
@pytest.mark.parametrize("out_dtype", ["bool", "uint8", "int64", "float16", "float32", "float64"])
@pytest.mark.parametrize("dtype", ["int64", "float32"])
@pytest.mark.parametrize("name", ["sum", "prod", "mean", "cumsum", "cumprod"])
def test_reductions_compute_in_outs_dtype(name, dtype, out_dtype):
    """sum/prod reduce in out's dtype (any), mean a float input into a float out only (its in-place division of
    the sum into out refuses the others), cumsum/cumprod in out's dtype but bool."""
    assert_same(lambda m: into(m, name, m.empty(0, dtype=getattr(m, out_dtype)), sample(m, dtype), 1),
                tolerance=(1e-3, 1e-5))


@pytest.mark.parametrize("program", [
    lambda m: into(m, "sum", m.empty(0), sample(m), 1, keepdim=True),
    lambda m: into(m, "sum", m.empty(3), sample(m), (0, 1)),
    lambda m: into(m, "sum", m.empty(0, dtype=m.float64), sample(m), dim=0),
    lambda m: into(m, "sum", m.empty(0), sample(m), 0, dtype=m.float64),
    lambda m: into(m, "prod", m.empty(0, dtype=m.float64), sample(m), 0, dtype=m.float64),
    lambda m: into(m, "mean", m.empty(0), sample(m), 1, dtype=m.float64),
    lambda m: into(m, "mean", m.empty(0, dtype=m.float64), sample(m, "float16")),
    lambda m: into(m, "sum", m.empty(0), sample(m)),
    lambda m: into(m, "prod", m.empty(0), sample(m)),
    lambda m: into(m, "sum", m.empty(5), sample(m, shape=(0, 3)), 0),
    lambda m: into(m, "prod", m.empty(5, dtype=m.uint8), sample(m, "int64", (0, 3)), 0),
    lambda m: into(m, "mean", m.empty(5), sample(m, shape=()), 0),
    lambda m: into(m, "cumsum", m.empty(0), sample(m), 1, dtype=m.float64),
], ids=["keepdim", "dims", "dim-keyword", "dtype-other-than-out", "dtype-of-out", "mean-dtype", "mean-all",
        "sum-without-dim", "prod-without-dim", "empty-input", "empty-prod", "0-d", "cumsum-dtype"])
def test_reduction_options_with_out(program):
    assert_same(program)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "cumsum", "cumprod"])
def test_reductions_refuse_autograd_before_anything_else(name):
    """An input that requires grad: torch's autograd error first, whatever out's dtype."""
    assert_same(lambda m: into(m, name, m.empty(0, dtype=m.int64), sample(m).requires_grad_(), 1))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_running_ops_refuse_an_out_overlapping_their_input(name):
    def program(m):
        base = sample(m, shape=(12,))
        return into(m, name, base[3:9].view(2, 3), base[:6].view(2, 3), 1)
    assert_same(program)


# --------------------------------------------------------------------------- shapes of out
@pytest.mark.parametrize("out_dtype", ["float32", "float64"])
@pytest.mark.parametrize("size", [0, 5, 6])
@pytest.mark.parametrize("name", ["add", "mul", "exp", "sigmoid", "neg", "floor", "atan2", "addcmul", "mm", "sum",
                                  "maximum", "floor_divide", "pow"])
def test_an_out_of_another_shape_is_resized_with_torchs_warning(name, size, out_dtype):
    """Silently when empty; a cast result warns twice where torch resizes twice (arithmetic, not floor_divide)."""
    def program(m):
        args = (sample(m), 1) if name == "sum" else arguments(m, name)
        return into(m, name, m.ones(size, dtype=getattr(m, out_dtype)), *args)
    assert_same(program)


@pytest.mark.parametrize("shapes", [((), ()), ((0, 3), (0, 3)), ((), (2, 1)), ((3, 1), (1, 4))], ids=str)
@pytest.mark.parametrize("name", ["add", "hypot", "exp", "round", "heaviside", "erfinv"])
def test_zero_dim_empty_and_broadcast_inputs(name, shapes):
    def program(m):
        x, y = sample(m, shape=shapes[0]), sample(m, shape=shapes[1], seed=1)
        return into(m, name, m.zeros(4), *((x, y) if name in ("add", "hypot", "heaviside") else (x * 0.3,)))
    assert_same(program)


@pytest.mark.parametrize("name, dtype, out_dtype", [
    ("abs", "bool", "uint8"), ("abs", "bool", "bool"), ("floor", "bool", "float32"), ("frac", "int64", "int64"),
    ("frac", "int64", "float32"), ("hypot", "int64", "bool"), ("hypot", "int64", "int64"),
    ("logaddexp", "uint8", "float32"), ("lerp", "int64", "bool"), ("lerp", "int64", "int64"),
    ("mm", "bool", "float32"), ("bmm", "bool", "uint8"), ("addcmul", "bool", "float32")])
def test_outs_dtype_is_checked_and_resized_before_the_kernel_refuses_the_dtype(name, dtype, out_dtype):
    """torch takes out (dtype error, or resized with its warning) before its kernel refuses the dtype."""
    assert_same(lambda m: into(m, name, m.zeros(5, dtype=getattr(m, out_dtype)), *arguments(m, name, dtype)))


# --------------------------------------------------------------------------- autograd, aliasing, types
@pytest.mark.parametrize("case", ["input", "out", "no_grad", "before-other-errors"])
@pytest.mark.parametrize("name", ["add", "div", "true_divide", "square", "exp", "abs", "lerp", "mm", "atan2"])
def test_out_refuses_autograd_before_the_op_runs(name, case):
    """An input or out that requires grad, with grad mode on (the error names torch's op: div, pow...), before
    shape errors and out's dtype error."""
    def program(m):
        args, out = list(arguments(m, name)), m.zeros(0, requires_grad=case == "out")
        if case != "out":
            args[0].requires_grad_()
        if case == "before-other-errors":
            out = m.zeros(0, dtype=m.int64)
            if len(args) > 1:
                args[1] = args[1].reshape(-1) if name == "mm" else args[1][:1, :2]
        if case == "no_grad":
            with m.no_grad():
                return into(m, name, out, *args)
        return into(m, name, out, *args)
    assert_same(program)


@pytest.mark.parametrize("name", ["floor_divide", "heaviside"])
@pytest.mark.parametrize("case", ["input", "out"])
def test_ops_without_derivative_give_out_their_node(name, case):
    """torch records floor_divide and heaviside without a derivative: an input that requires grad is taken (out
    gets the NotImplemented node, as in place), an out that requires grad is refused (named aten::...)."""
    def program(m):
        x, y = sample(m), sample(m, seed=1)
        out = m.zeros(2, 3, requires_grad=case == "out")
        return into(m, name, out, x.requires_grad_(case == "input"), y)
    assert_same(program)


@pytest.mark.parametrize("name", ["add", "exp", "neg", "heaviside", "addcdiv"])
def test_out_sharing_memory_with_an_input(name):
    """The input itself, or a view of it: written in place; in part: torch's overlap error."""
    def itself(m):
        args = arguments(m, name)
        return into(m, name, args[0], *args)

    def part(m):
        base, args = sample(m, shape=(12,)), list(arguments(m, name))
        args[0] = base[:6].view(2, 3)
        return into(m, name, base[3:9].view(2, 3), *args), base

    def view(m):
        base = m.zeros(3, 2)
        return into(m, name, base.mT, *arguments(m, name)), base
    for program in (itself, part, view):
        assert_same(program)


@pytest.mark.parametrize("out", [3, 2.5, True, "list"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod",
                                  "pow", "exp", "round", "lerp", "mm", "bmm", "addmm", "matmul", "atan2", "sum",
                                  "mean", "cumsum", "heaviside", "erfinv"])
def test_an_out_that_is_not_a_tensor(name, out):
    """torch's parser: its TypeError (listing the overloads where it does), or for add, sub, mul and the divisions
    a number taken as a new 0-d tensor (the result goes there, cast and resized, and is returned)."""
    def program(m):
        args = (sample(m), 1) if name in ("sum", "mean", "cumsum") else arguments(m, name, "int64")
        result = getattr(m, name)(*args, out=[m.zeros(1)] if out == "list" else out)
        return result if isinstance(result, m.Tensor) else None
    assert_same(program)


@pytest.mark.parametrize("program", [
    lambda m: into(m, "hypot", m.zeros(0), sample(m).requires_grad_(), 2),
    lambda m: into(m, "atan2", m.zeros(0, requires_grad=True), sample(m), 2.5),
    lambda m: into(m, "heaviside", m.zeros(0, dtype=m.int64), sample(m), sample(m, shape=(2,))),
    lambda m: into(m, "lerp", m.zeros(0, dtype=m.uint8), sample(m, "float64"), sample(m, "float64"),
                   sample(m, "float64", ())),
    lambda m: into(m, "lerp", m.zeros(0), sample(m, "float64"), sample(m, "float64"), sample(m, "float64", ())),
    lambda m: into(m, "pow", m.zeros((), dtype=m.int64), 2, sample(m, "float64")),
    lambda m: into(m, "pow", m.zeros(5, dtype=m.bool), 2, sample(m, "bool")),
], ids=["argument-types-before-autograd", "argument-types-before-autograd-of-out", "heaviside-dtypes-before-shapes",
        "lerp-0-d-weight-is-a-number", "lerp-0-d-weight-casts", "pow-of-a-number-resizes-before-casting",
        "pow-of-a-number-resizes-bools"])
def test_order_of_torchs_checks(program):
    assert_same(program)


def test_remainder_of_a_number_first_takes_no_out():
    assert_same(lambda m: into(m, "remainder", m.empty(3), 2, sample(m)))


def test_maximum_warns_twice_when_its_result_is_cast_into_a_resized_out():
    assert_same(lambda m: into(m, "maximum", m.ones(5, dtype=m.float64), sample(m), sample(m, seed=1)))


def test_addmm_refuses_bools():
    assert_same(lambda m: m.addmm(*arguments(m, "addmm", "bool")))


# --------------------------------------------------------------------------- rsub
@pytest.mark.parametrize("program", [
    lambda m: m.rsub(sample(m).requires_grad_(), sample(m, seed=1)),
    lambda m: m.rsub(sample(m), sample(m, seed=1).requires_grad_(), alpha=3),
    lambda m: m.rsub(sample(m).requires_grad_(), 2),
    lambda m: m.rsub(sample(m).requires_grad_(), 2, alpha=0.5),
    lambda m: m.rsub(sample(m, "int64"), 2.5),
    lambda m: m.rsub(sample(m, "int64"), 2.5, alpha=1.5),
    lambda m: m.rsub(sample(m, "int64"), 2, alpha=1.5),
    lambda m: m.rsub(sample(m, "int64"), sample(m)),
    lambda m: m.rsub(sample(m, "float16"), 0.1, alpha=3),
    lambda m: m.rsub(sample(m, "uint8"), 300),
    lambda m: m.rsub(sample(m, shape=()), sample(m, "float64", (2,))),
    lambda m: m.rsub(sample(m, shape=(3,)), sample(m, shape=(2, 1))),
    lambda m: m.rsub(sample(m, shape=(3,)), sample(m, shape=(2,))),
    lambda m: m.rsub(sample(m, "bool"), sample(m, "bool")),
    lambda m: m.rsub(sample(m, "bool"), 1),
    lambda m: m.rsub(sample(m, "int64"), True),
    lambda m: m.rsub(sample(m), sample(m), 3),
    lambda m: m.rsub(2, sample(m)),
    lambda m: m.rsub(sample(m), None),
    lambda m: m.rsub(sample(m)),
], ids=["tensors", "alpha", "number", "number-alpha", "int-float", "int-float-alpha", "int-float-alpha-refused",
        "mixed", "float16", "uint8-wraps", "0-d", "broadcast", "shape-error", "bools", "bool-number",
        "bool-number-other", "three-positional", "number-first", "none", "one-argument"])
def test_rsub(program):
    """`other - alpha * input` (RsubBackward0 after a tensor, RsubBackward1 after a number), torch's errors."""
    assert_same(program)


@pytest.mark.parametrize("other", ["tensor", "number"])
@pytest.mark.parametrize("alpha", [1, 3, 0.5])
def test_rsub_gradients(alpha, other):
    def program(m):
        x, y = sample(m).requires_grad_(), sample(m, seed=1).requires_grad_()
        result = m.rsub(x, y if other == "tensor" else 2.5, alpha=alpha)
        result.sum().backward()
        return result, x.grad, y.grad
    assert_same(program)


# --------------------------------------------------------------------------- heaviside
@pytest.mark.parametrize("program", [
    lambda m: m.heaviside(m.tensor([-1.0, 0.0, 2.0, float("nan"), -0.0]), m.tensor(0.5)),
    lambda m: m.heaviside(m.tensor([-1, 0, 2]), m.tensor([7, 8, 9])),
    lambda m: m.heaviside(m.tensor([0, 3], dtype=m.uint8), m.tensor([7], dtype=m.uint8)),
    lambda m: m.heaviside(m.tensor([True, False]), m.tensor([False])),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0], dtype=m.float16), m.tensor([0.5], dtype=m.float16)),
    lambda m: m.heaviside(m.tensor([[-1.0], [0.0]]), m.tensor([0.5, 2.0])),
    lambda m: m.heaviside(m.zeros(0, 2), m.tensor(0.5)),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0, 1.0]), m.tensor([0.5, 2.0])),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0]), m.tensor(0.5, dtype=m.float64)),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0]), 0.5),
    lambda m: m.heaviside(0.5, m.tensor([-1.0, 0.0])),
    lambda m: m.tensor([-1.0, 0.0]).heaviside(0.5),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0], requires_grad=True), m.tensor(0.5)),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0]), m.tensor(0.5, requires_grad=True)),
    lambda m: m.heaviside(m.tensor([-1.0, 0.0], requires_grad=True), m.tensor(0.5)).sum().backward(),
    lambda m: (lambda x: (x.heaviside_(m.tensor(0.5)), x))(m.tensor([-1.0, 0.0, 3.0])),
    lambda m: m.tensor([-1.0]).heaviside_(m.tensor([0.5, 1.0])),
    lambda m: m.tensor([-1.0]).heaviside_(m.tensor([1])),
    lambda m: into(m, "heaviside", m.empty(0, dtype=m.float64), m.tensor([-1.0, 0.0]), m.tensor([0.5])),
], ids=["nan-and-zeros", "int64", "uint8", "bool", "float16", "broadcast", "empty", "shape-error", "dtypes-differ",
        "number-values", "number-input", "method-number", "input-requires-grad", "values-require-grad",
        "backward-refused", "in-place", "in-place-grows", "in-place-dtype", "out-of-another-dtype"])
def test_heaviside(program):
    assert_same(program)


# --------------------------------------------------------------------------- erfinv
EDGES = [-1.0, -0.999, -0.5, 0.0, -0.0, 1e-8, 0.3, 0.9999, 1.0, 1.5, -3.0, float("nan")]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64", "bool", "uint8"])
@pytest.mark.parametrize("form", ["function", "method", "special", "in-place", "out"])
def test_erfinv_values(form, dtype):
    """The inverse of erf (integers and bools in float32), ±inf at ±1, NaN beyond, to the dtype's precision."""
    def program(m):
        x = m.tensor(EDGES + np.linspace(-1, 1, 201).tolist()).to(getattr(m, dtype))
        if form == "in-place":
            return x.erfinv_()
        if form == "out":
            return into(m, "erfinv", m.empty(0, dtype=m.float64), x)
        return {"function": m.erfinv, "method": m.Tensor.erfinv, "special": m.special.erfinv}[form](x)
    assert_same(program, tolerance=(1e-12, 1e-15) if dtype == "float64" else (1e-6, 1e-7))


def test_erfinv_near_one_in_float64():
    """Where erf's difference would cancel (1 - 1e-16 ... 1 - 1e-1)."""
    assert_same(lambda m: m.erfinv(1 - m.logspace(-16, -1, 60, dtype=m.float64)), tolerance=(1e-9, 0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_erfinv_gradient(dtype):
    """sqrt(pi)/2 * exp(erfinv(x)^2), ErfinvBackward0; inf at ±1, NaN beyond."""
    def program(m):
        x = m.tensor([-1.0, -0.9, -0.3, 0.0, 0.5, 0.99, 1.0, 1.5], dtype=getattr(m, dtype), requires_grad=True)
        y = m.erfinv(x)
        y.sum().backward()
        return y, x.grad
    assert_same(program)


@pytest.mark.parametrize("program", [
    lambda m: m.erfinv(0.5),
    lambda m: m.special.erfinv(0.5),
    lambda m: m.special.erfinv(m.tensor([0.5]), out=3),
    lambda m: m.tensor([0, 1]).erfinv_(),
    lambda m: m.erfinv(m.tensor(0.25, requires_grad=True)),
    lambda m: into(m, "erfinv", m.zeros(2), m.tensor([0.25, 0.5], requires_grad=True)),
], ids=["number", "special-number", "special-out-number", "in-place-int", "0-d", "out-requires-grad"])
def test_erfinv_errors_and_corners(program):
    assert_same(program)
