"""Element-wise ops. Each backward is the local derivative times the incoming gradient.

Inputs may have different (broadcastable) shapes: the rules return gradients in the
broadcast shape and the engine sums them back to each input's shape.
"""
from __future__ import annotations

import math

import numpy as np

from .._cpu import TORCH_AVX512_KERNELS
from ..autograd.function import Function


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


class Sub(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad


class Rsub(Function):
    """`number - tensor`."""

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, number):
        return number - a

    @staticmethod
    def backward(ctx, grad):
        return -grad, None


class RsubTensor(Rsub):
    """`rsub(a, b)` = `b - a` of two tensors (Rsub's forward, `b` a tensor)."""

    node_name = "RsubBackward0"

    @staticmethod
    def backward(ctx, grad):
        return -grad, grad


def opmath(a: np.ndarray) -> np.ndarray:
    """torch's CPU kernels compute float16 in float32 (their "opmath" type) and round once at the end:
    a formula computed in float16 would round at every step (and overflow: exp(12) is inf)."""
    return a.astype(np.float32) if a.dtype == np.float16 else a


def by_number(fn, a, b):
    """`fn(a, b)`; for a float16 array and a Python number, as torch's CPU kernels multiply and divide:
    in float32 (their "opmath" type) with the number rounded to float32, then rounded once to float16.
    NumPy would round the number to float16 first: `x * 70000` would be x * inf (nan where x is 0),
    `x * 1e-8` would be x * 0. (torch adds and subtracts in float16, so Add and Sub need no such care.)"""
    if a.dtype == np.float16 and not isinstance(b, np.ndarray):
        return np.asarray(fn(a.astype(np.float32), np.float32(b))).astype(np.float16)
    return fn(a, b)


class Mul(Function):
    """d(a*b)/da = b, d(a*b)/db = a. As torch, each input is saved only if the *other* one wants a
    gradient: `z * 2` keeps nothing of z, so changing z in place afterwards is no error."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return by_number(np.multiply, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (by_number(np.multiply, grad, b) if ctx.needs_input_grad[0] else None), (
            grad * a if ctx.needs_input_grad[1] else None)


class Div(Function):
    """d(a/b)/da = 1/b, d(a/b)/db = -a/b^2: `a` is saved only if b wants a gradient (as torch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return by_number(np.true_divide, a, b)  # x/0 = inf, 0/0 = nan, silently, as torch (see Function.apply)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = by_number(np.true_divide, grad, b)
        return grad_a, (-grad_a * a / b if ctx.needs_input_grad[1] else None)


class DivWithMode(Div):
    """`div(a, b, rounding_mode=None)`: plain division through torch's other overload (DivBackward2)."""

    node_name = "DivBackward2"


class Neg(Function):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Reciprocal(Function):
    @staticmethod
    def forward(ctx, a):
        out = 1 / a
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class NoGradient(Function):
    """An op whose result has no gradient: a comparison, a logical or bitwise op, an index, a count.
    Its result is bool or integer, so `apply` records no node (as torch). `compute` is the NumPy function."""

    @staticmethod
    def forward(ctx, compute, *arrays):
        return compute(*arrays)


class Compared(Function):
    """A comparison's 0/1 `flags` written into `a` in a's dtype (`y.eq_(x)`): torch records it with
    zero gradients for `a` and `b`, as EqBackward0 after a number and EqBackward1 after a tensor."""

    comparison = ""  # "Eq", "Ne"...: one subclass per comparison (COMPARED_IN_PLACE)

    @staticmethod
    def forward(ctx, a, b, flags):
        ctx.node_name = f"{ctx.comparison}Backward{int(isinstance(b, np.ndarray))}"
        return flags.astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), np.zeros_like(grad), None


COMPARED_IN_PLACE = {name: type(f"{name.capitalize()}Compared", (Compared,), {"comparison": name.capitalize()})
                     for name in ("eq", "ne", "lt", "le", "gt", "ge")}


class _WithoutDerivative(Function):
    """An op torch defines no derivative for: the node is there, and backward through it raises."""

    node_name = "NotImplemented"
    aten_name = ""

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(f"derivative for aten::{ctx.aten_name} is not implemented")


class FloorDivide(_WithoutDerivative):
    """`a // b`."""

    aten_name = "floor_divide"

    @staticmethod
    def forward(ctx, a, b):
        return by_number(np.floor_divide, a, b)


class Heaviside(_WithoutDerivative):
    """`heaviside(x, values)`: 0 where x < 0, `values` where x == 0, 1 where x > 0 (and NaN: torch's kernel
    gives 0, it is neither 0 nor above)."""

    aten_name = "heaviside"

    @staticmethod
    def forward(ctx, a, values):
        return np.where(a == 0, values, a > 0).astype(a.dtype)


def _remainder(a, b):
    """`a % b` with the sign of `b`, as torch computes it: fmod, then `+ b` where the signs differ.
    (A zero result keeps the sign of `a`: torch's 0.0 % -1 is 0.0, NumPy's np.mod gives -0.0.)"""
    if np.result_type(a, b).kind != "f":
        return np.mod(a, b)  # (integers: no signed zero, and NumPy's mod is Python's, as torch's)
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((np.asarray(b) < 0) != (mod < 0)), mod + b, mod).astype(mod.dtype, copy=False)


class RemainderOfNumber(FloorDivide):
    """`number % tensor`: no derivative in torch either."""

    aten_name = "remainder"

    @staticmethod
    def forward(ctx, a, number):
        return _remainder(number, a)


class Remainder(Function):
    """`a % number` = a - floor(a / number) * number: the floor is a step, so d/da = 1."""

    @staticmethod
    def forward(ctx, a, number):
        return _remainder(a, number)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class RemainderTensor(Function):
    """`a % b` for two tensors: d/da = 1, d/db = -floor(a / b)."""

    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(*((a, b) if ctx.needs_input_grad[1] else (None, None)))  # (only b's gradient uses them)
        return _remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * np.floor_divide(a, b) if ctx.needs_input_grad[1] else None)


def integer_power(base: np.ndarray, exponent):
    """`base ** exponent` for integers, with torch's answer for negative exponents (NumPy raises):
    1 ** -n = 1, (-1) ** -n = +-1, any other base ** -n truncates to 0."""
    negative = np.asarray(exponent) < 0
    if not negative.any():
        return np.power(base, exponent)
    safe = np.power(base, np.where(negative, 0, exponent))
    odd = np.abs(exponent) % 2 == 1
    small = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0))
    return np.where(negative, small, safe).astype(safe.dtype, copy=False)


def elementwise_power(base, exponent: np.ndarray) -> np.ndarray:
    """np.power, as C's pow for every element: with an exponent of 0.5 that is 0-d or broadcast, NumPy takes
    the square root instead, (-inf) ** 0.5 = nan and (-0.0) ** 0.5 = -0.0, where torch's `** tensor` gives
    inf and 0.0. So the exponent is spelled out in full."""
    shape = np.broadcast_shapes(np.shape(base), exponent.shape)
    if exponent.shape != shape or not shape:
        exponent = np.array(np.broadcast_to(exponent, shape), ndmin=1)
    return np.power(base, exponent).reshape(shape)


class Pow(Function):
    """`tensor ** number`: d(b**e)/db = e * b**(e-1) (torch defines it as 0 where e == 0)."""

    @staticmethod
    def forward(ctx, base, exponent):
        ctx.save_for_backward(base)
        ctx.exponent = exponent
        if exponent == -0.5 and base.dtype.kind == "f" and base.dtype != np.float16:  # torch's rsqrt: -0.0 ** -0.5
            return 1 / np.sqrt(base)  # = -inf (NumPy: +inf; torch's float16 pow too)
        return np.power(base, exponent).astype(base.dtype, copy=False)  # (bool ** True stays bool)

    @staticmethod
    def backward(ctx, grad):
        (base,) = ctx.saved_tensors
        return _grad_base(grad, base, ctx.exponent), None


class PowTensor(Function):
    """`tensor ** tensor`; also d(b**e)/de = b**e * log(b) (0 where b == 0 and e >= 0)."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, base, exponent):
        out = integer_power(base, exponent) if base.dtype.kind in "biu" else elementwise_power(base, exponent)
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, exponent, out = ctx.saved_tensors
        grad_base = _grad_base(grad, base, exponent) if ctx.needs_input_grad[0] else None
        grad_exp = None
        if ctx.needs_input_grad[1]:
            grad_exp = grad * np.where((base == 0) & (exponent >= 0), 0.0, out * np.log(base))  # (torch's order)
        return grad_base, grad_exp


def _grad_base(grad, base, exponent):
    # (torch computes b ** -0.5 as rsqrt(b): -inf at -0.0, where NumPy's power gives +inf; not in float16)
    rsqrt = np.isscalar(exponent) and exponent == 0.5 and base.dtype != np.float16
    power = 1 / np.sqrt(base) if rsqrt else np.power(base, exponent - 1)
    return np.where(exponent == 0, 0.0, grad * (exponent * power))  # (torch's order: float32 rounds alike)


class Rpow(Function):
    """`number ** tensor`."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, exponent, number):
        out = integer_power(np.asarray(number, exponent.dtype), exponent) if exponent.dtype.kind in "biu" else \
            elementwise_power(number, exponent)
        ctx.save_for_backward(exponent, out)
        ctx.number = number
        return out

    @staticmethod
    def backward(ctx, grad):
        exponent, out = ctx.saved_tensors
        local = out * np.log(ctx.number)
        if ctx.number == 0:  # 0 ** e is flat (0, or 1 at e = 0) for e >= 0: torch's derivative there is 0
            local = np.where(exponent >= 0, 0.0, local)
        return grad * local, None


class Exp(Function):
    @staticmethod
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a


class Sqrt(Function):
    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


class Abs(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * np.sign(np.where(np.isnan(a), 0, a))  # torch: sign(nan) counts as 0 here


class Relu(Function):
    @staticmethod
    def forward(ctx, a):
        # (NumPy returns the second argument on a tie, so -0.0 and nan pass unchanged, as in torch; but its
        # float16 maximum returns the first: float16 goes through float32, as torch computes it)
        out = np.maximum(0, opmath(a)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return np.where(out <= 0, 0, grad)  # (not `out > 0`: a NaN input passes its gradient, as in torch)


class Sigmoid(Function):
    @staticmethod
    def forward(ctx, a):
        # exp of a non-positive number never overflows: pick the stable form per element.
        e = np.exp(-np.abs(opmath(a)))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out) * out  # (torch's order; float16 too is computed in float16 here)


class Tanh(Function):
    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        out = opmath(out)
        return (opmath(grad) * (1 - out * out)).astype(grad.dtype, copy=False)


class Clamp(Function):
    """Gradient flows where the input was inside [min, max] (torch also passes it at the bounds)."""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, low, high):
        ctx.save_for_backward(a)
        ctx.low, ctx.high = low, high
        out = opmath(a)  # (float16 in float32: NumPy's float16 ties go the other way, see Relu)
        if low is not None:  # (bound first: on a tie NumPy returns the second argument, x, as torch does)
            out = np.maximum(low, out)
        if high is not None:
            out = np.minimum(high, out)
        return out.astype(a.dtype, copy=False) if out is not a else out.copy()  # (a float16 `a`: a copy already)

    @staticmethod
    def backward(ctx, grad):
        (a,), low, high = ctx.saved_tensors, ctx.low, ctx.high
        mask = np.ones(a.shape, dtype=bool)
        if low is not None:
            mask &= a >= low
        if high is not None:
            mask &= a <= high
        return np.where(mask, grad, grad.dtype.type(0)), None, None  # (not grad * mask: a NaN grad stays out)


class ClampTensor(Function):
    """`clamp(x, min, max)` with tensor bounds (either may be None); all three broadcast.
    x keeps the gradient where min <= x <= max; where x is below min the output is min, which
    gets it (unless min >= max: then max wins); where x is above max, or max < min, max gets it."""

    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, a, low, high):
        ctx.save_for_backward(a, low, high)
        out = opmath(a) if low is None else np.maximum(opmath(low), opmath(a))  # (on a tie, x: see Clamp)
        return (out if high is None else np.minimum(opmath(high), out)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, low, high = ctx.saved_tensors
        keep = True
        if low is not None:
            keep = keep & (a >= low)
        if high is not None:
            keep = keep & (a <= high)
        grad_a = np.where(keep, grad, 0)
        grad_low = grad_high = None
        if low is not None:
            below = (a < low) & (low < high) if high is not None else a < low
            grad_low = np.where(below, grad, 0)
        if high is not None:
            above = (a > high) | (high < low) if low is not None else a > high
            grad_high = np.where(above, grad, 0)
        return grad_a, grad_low, grad_high


def is_channels_last(array: np.ndarray) -> bool:
    """torch's channels_last test (`compute_channels_last_contiguous_2d`): 4 dims whose strides, read
    in the order C, W, H, N and skipping dims of size 1, are a row-major (N, H, W, C) array's. NumPy
    keeps no strides for an empty array (all 0): an empty tensor is never channels_last here, where
    torch's is when it was made so."""
    if array.ndim != 4:
        return False
    expected = 1
    for d in (1, 3, 2, 0):
        if array.shape[d] != 1:
            if array.strides[d] != expected * array.itemsize:
                return False
            expected *= array.shape[d]
    return True


def in_memory_format(array: np.ndarray, memory_format: str) -> bool:
    """Whether `array` is laid out in `memory_format` already (any layout is preserved)."""
    if memory_format == "contiguous_format":
        return array.flags.c_contiguous
    if memory_format == "channels_last":
        return is_channels_last(array)
    return True


def suggested_format(array: np.ndarray) -> str:
    """The memory format torch reads from a layout (`suggest_memory_format`): channels_last for a 4-d tensor
    stored so, else contiguous_format (a transposed matrix too: `to` then keeps it as it is)."""
    return "channels_last" if not array.flags.c_contiguous and is_channels_last(array) else "contiguous_format"


def laid_out(array: np.ndarray, memory_format: str = "preserve_format") -> np.ndarray:
    """A copy of `array` in torch's memory format: "preserve_format" keeps its layout (NumPy's order "K"),
    "contiguous_format" is row-major, "channels_last" (4-d only) stores each pixel's channels together (NHWC)."""
    if memory_format == "channels_last":
        if array.ndim != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        nhwc = np.empty(array.shape[:1] + array.shape[2:] + array.shape[1:2], array.dtype)  # (fresh strides, even
        nhwc[...] = array.transpose(0, 2, 3, 1)                                            # for dims of size 1)
        return nhwc.transpose(0, 3, 1, 2)
    return array.copy(order="C" if memory_format == "contiguous_format" else "K")


class ToCopy(Function):
    """A dtype conversion (`x.double()`), in a memory format; the gradient is converted back."""

    @staticmethod
    def forward(ctx, a, dtype, memory_format):
        ctx.input_dtype = a.dtype
        converted = a.astype(dtype)
        return converted if memory_format == "preserve_format" else laid_out(converted, memory_format)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.input_dtype), None, None


class Clone(Function):
    """A copy in a memory format (see `laid_out`): a's own layout (`clone`), row-major (`contiguous`)..."""

    @staticmethod
    def forward(ctx, a, memory_format="preserve_format"):
        return laid_out(a, memory_format)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Where(Function):
    """`where(condition, a, b)`."""

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.save_for_backward(condition)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        return None, np.where(condition, grad, 0), np.where(condition, 0, grad)


class MaskedFill(Where):
    """`masked_fill(mask, value)`: `where(mask, value, x)`, under torch's name for it."""

    node_name = "MaskedFillBackward0"


class MaskedFillTensor(Function):
    """`masked_fill(mask, value)` with a 0-d tensor `value`: it gets the sum of the gradient where mask is True."""

    node_name = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, condition, value, a):
        ctx.save_for_backward(condition)
        ctx.value_dtype = value.dtype
        return np.where(condition, value.astype(a.dtype), a)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        grad_value = np.asarray(np.where(condition, grad, 0).sum()).astype(ctx.value_dtype)
        return None, grad_value, np.where(condition, 0, grad)


class Maximum(Function):
    """`maximum(a, b)`: the larger one gets the gradient; a tie splits it in halves; NaN (which
    propagates) passes it to both, as torch's rule `where(a == b, grad / 2, grad)` zeroed where a < b."""

    largest = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        pick = np.maximum if ctx.largest else np.minimum  # (on a tie torch returns a: NumPy, its 2nd; but float16's
        return pick(opmath(b), opmath(a)).astype(a.dtype, copy=False)  # its 1st: see Relu)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        shared = np.where(a == b, grad / 2, grad)
        a_lost, b_lost = (a < b, a > b) if ctx.largest else (a > b, a < b)
        return np.where(a_lost, 0, shared), np.where(b_lost, 0, shared)


class Minimum(Maximum):
    largest = False


# --- ops added for issue 12 -------------------------------------------------------------------
def _erf(a: np.ndarray) -> np.ndarray:
    """NumPy has no erf: the standard library's `math.erf`, element by element (exact in float64)."""
    return np.asarray(np.frompyfunc(math.erf, 1, 1)(a)).astype(a.dtype) if a.size else a.copy()


class _Unary(Function):
    """One-input op `out = f(a)` whose gradient is `grad * f'(a)` (subclasses give `f` and `df`)."""

    @staticmethod
    def f(a):
        raise NotImplementedError

    @staticmethod
    def df(a, out):
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, a):
        out = np.asarray(cls.f(opmath(a))).astype(a.dtype, copy=False)  # (NumPy 2 lets float64 constants win)
        ctx.save_for_backward(a, out)
        return out

    @classmethod
    def backward(cls, ctx, grad):
        a, out = ctx.saved_tensors
        return (opmath(grad) * cls.df(opmath(a), opmath(out))).astype(grad.dtype, copy=False)


class Sin(_Unary):
    node_name = "SinBackward0"
    f = staticmethod(np.sin)
    df = staticmethod(lambda a, out: np.cos(a))


class Cos(_Unary):
    node_name = "CosBackward0"
    f = staticmethod(np.cos)
    df = staticmethod(lambda a, out: -np.sin(a))


class Rsqrt(_Unary):
    node_name = "RsqrtBackward0"
    f = staticmethod(lambda a: 1 / np.sqrt(a))
    df = staticmethod(lambda a, out: -0.5 * out * out * out)  # d(a^-1/2) = -1/2 a^-3/2


class Log1p(_Unary):
    node_name = "Log1PBackward0"
    f = staticmethod(np.log1p)
    df = staticmethod(lambda a, out: 1 / (1 + a))


class Log2(_Unary):
    node_name = "Log2Backward0"
    f = staticmethod(np.log2)
    df = staticmethod(lambda a, out: 1 / (a * np.log(2.0)))


class Expm1(_Unary):
    node_name = "Expm1Backward0"
    f = staticmethod(np.expm1)
    df = staticmethod(lambda a, out: out + 1)


class Erf(_Unary):
    node_name = "ErfBackward0"
    f = staticmethod(_erf)
    df = staticmethod(lambda a, out: 2 / np.sqrt(np.pi) * np.exp(-a * a))


# Giles' polynomials ("Approximating the erfinv function", 2010), highest power first, for w = -log(1 - x^2)
_GILES_CENTRAL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                  -0.00417768164, 0.246640727, 1.50140941]  # (of w - 2.5, for w < 5)
_GILES_TAIL = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682]  # (of sqrt(w) - 3)


def _erfinv(a: np.ndarray) -> np.ndarray:
    """NumPy has no inverse of erf: Giles' approximation (1e-7 close), then Newton steps in float64 on `_erf`,
    past 0.5 on the log of `_erfc` (1 - |a| is exact there, where erf's difference would cancel, and the log
    keeps Newton fast where erfc falls steeply); odd in a. erfinv(±1) = ±inf, NaN beyond."""
    y = np.abs(a.astype(np.float64))
    inside = y < 1
    t = y[inside]
    w = -np.log((1 - t) * (1 + t))
    x = t * np.where(w < 5, np.polyval(_GILES_CENTRAL, w - 2.5), np.polyval(_GILES_TAIL, np.sqrt(w) - 3))
    tail = t >= 0.5
    for _ in range(3):
        slope = 2 / np.sqrt(np.pi) * np.exp(-x * x)  # (erf's derivative)
        step = (_erf(x) - t) / slope
        rest = _erfc(x[tail])
        step[tail] = np.log((1 - t[tail]) / rest) * rest / slope[tail]
        x = x - step
    result = np.where(y == 1, np.inf, np.nan)
    result[inside] = x
    return np.copysign(result, a.astype(np.float64))


class Erfinv(_Unary):
    node_name = "ErfinvBackward0"
    f = staticmethod(_erfinv)
    df = staticmethod(lambda a, out: np.sqrt(np.pi) / 2 * np.exp(out * out))


class Square(_Unary):
    """`square(x)` = `x ** 2`: torch records it as a pow."""

    node_name = "PowBackward0"
    f = staticmethod(np.square)
    df = staticmethod(lambda a, out: 2 * a)


class _Step(Function):
    """floor, ceil, trunc, sign, round: piecewise constant, so the gradient is zero everywhere."""

    @staticmethod
    def f(a):
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, a):
        return cls.f(a) if a.dtype.kind in "fc" or issubclass(cls, Sign) else a.copy()  # ints are already whole

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Floor(_Step):
    node_name = "FloorBackward0"
    f = staticmethod(np.floor)


class Ceil(_Step):
    node_name = "CeilBackward0"
    f = staticmethod(np.ceil)


class Trunc(_Step):
    node_name = "TruncBackward0"
    f = staticmethod(np.trunc)


class Sign(_Step):
    node_name = "SignBackward0"
    f = staticmethod(lambda a: a.copy() if a.dtype == np.bool_ else np.where(a != a, 0, np.sign(a)).astype(a.dtype))
    # (torch: sign(nan) = 0)


class Sgn(Sign):
    """`sgn(x)`: x / |x| for complex numbers; for real ones, sign(x) under its own node."""

    node_name = "SgnBackward0"


class Round(_Step):
    """Round half to even, as torch (and NumPy): 0.5 -> 0, 1.5 -> 2."""

    node_name = "RoundBackward0"
    f = staticmethod(np.round)


class RoundDecimals(Function):
    """`round(x, decimals=d)`: x * 10^d rounded half to even, divided by 10^d (torch's formula)."""

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, a, decimals):
        if a.dtype.kind != "f":
            return a.copy()
        scale = a.dtype.type(10.0) ** abs(decimals)
        return (np.round(a * scale) / scale if decimals >= 0 else np.round(a / scale) * scale).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), None


def _trunc_divide(a, b):
    return np.trunc(np.true_divide(a, b))


class DivRounding(Function):
    """`div(a, b, rounding_mode='trunc' | 'floor')`: the quotient rounded; its gradient is zero."""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, mode):
        if a.dtype.kind in "iu":  # (integer division by zero is refused before: Tensor.div)
            quotient = np.floor_divide(a, b)
            if mode == "trunc":  # floor rounds negative quotients down: step back up where inexact
                quotient = quotient + ((np.remainder(a, b) != 0) & ((a < 0) != (np.asarray(b) < 0)))
            return quotient.astype(np.result_type(a, b), copy=False)
        return by_number(np.floor_divide if mode == "floor" else _trunc_divide, a, b)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), np.zeros_like(grad), None


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y), and 0 where x is 0 (unless y is nan): torch.xlogy, so that 0 log 0 = 0."""
    return np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y))


class Xlogy(Function):
    """`xlogy(x, y)`: d/dx = log(y) (0 where x is 0 and y <= 0), d/dy = x / y (torch's rules, nan at x = y = 0)."""

    node_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return _xlogy(x, y).astype(np.result_type(x, y), copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _grad_x_of_xlogy(grad, x, y), grad * x / y


def _grad_x_of_xlogy(grad, x, y):
    return np.where((x == 0) & (y <= 0), 0, _xlogy(grad, y)).astype(grad.dtype, copy=False)


class Atan2(Function):
    node_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = (np.asarray(v, dtype=grad.dtype) for v in ctx.saved_tensors)
        squared_norm = a * a + b * b
        recip = np.divide(1, squared_norm, out=np.zeros_like(squared_norm), where=squared_norm != 0)  # (0 at 0, 0)
        return grad * b * recip, grad * -a * recip


class Addcmul(Function):
    """`input + value * tensor1 * tensor2` in one node (the optimizers' update step, `torch.addcmul`)."""

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return np.asarray(a + value * t1 * t2)

    @staticmethod
    def backward(ctx, grad):  # (torch's formulas: grad * (t2 * value), grad * (t1 * value))
        t1, t2 = ctx.saved_tensors
        return grad, grad * (t2 * ctx.value), grad * (t1 * ctx.value), None


class Addcdiv(Function):
    """`input + value * tensor1 / tensor2` in one node (Adam's step divides by the root of a running mean)."""

    @staticmethod
    def forward(ctx, a, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return np.asarray(a + value * t1 / t2)

    @staticmethod
    def backward(ctx, grad):  # (torch's formulas: grad * (value / t2), -grad * (value * t1 / (t2 * t2)))
        t1, t2 = ctx.saved_tensors
        return grad, grad * (ctx.value / t2), -grad * (ctx.value * t1 / (t2 * t2)), None


class Lerp(Function):
    """`start + weight * (end - start)`, computed from the nearer end as torch does (exact at weight 1)."""

    node_name = "LerpBackward0"  # a number weight; LerpTensor for a tensor weight

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        dtype = np.result_type(start, end)
        if dtype == np.float16:  # torch computes float16 in float32 (a weight of 70000 is no inf there)
            start, end, weight = (x.astype(np.float32) if isinstance(x, np.ndarray) else x for x in (start, end, weight))
        diff = end - start
        out = np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))
        return out.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        grad_weight = grad * (end - start) if isinstance(weight, np.ndarray) else None
        return grad * (1 - weight), grad * weight, grad_weight


class LerpTensor(Lerp):
    node_name = "LerpBackward1"


class NanToNum(Function):
    """nan -> `nan`, +inf -> `posinf`, -inf -> `neginf` (defaults: 0, the dtype's largest, its lowest)."""

    node_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        if a.dtype.kind != "f":
            return a.copy()
        ctx.save_for_backward(a)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * np.isfinite(a), None, None, None  # (torch's formula: a nan gradient stays nan everywhere)


class ClampMin(Function):
    """`clamp_min(x, number)`: the gradient passes where x >= min (at the bound too, as torch)."""

    node_name = "ClampMinBackward0"

    @staticmethod
    def forward(ctx, a, bound):
        ctx.save_for_backward(a)
        ctx.bound = bound
        return np.maximum(bound, a).astype(a.dtype, copy=False)  # (on a tie, x: see Clamp)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return np.where(a >= ctx.bound, grad, grad.dtype.type(0)), None


class ClampMax(Function):
    node_name = "ClampMaxBackward0"

    @staticmethod
    def forward(ctx, a, bound):
        ctx.save_for_backward(a)
        ctx.bound = bound
        return np.minimum(bound, a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return np.where(a <= ctx.bound, grad, grad.dtype.type(0)), None


class ClampMinTensor(Function):
    """`clamp_min(x, min_tensor)`: x gets the gradient where x >= min, the bound where x < min."""

    node_name = "ClampMinBackward1"

    @staticmethod
    def forward(ctx, a, bound):
        ctx.save_for_backward(a, bound)
        return np.where(np.isnan(bound) | (a < bound), bound, a) if a.dtype.kind == "f" else np.maximum(a, bound)

    @staticmethod
    def backward(ctx, grad):  # (a nan on either side: neither gets the gradient, as in torch)
        a, bound = ctx.saved_tensors
        return np.where(a >= bound, grad, 0).astype(grad.dtype), np.where(a < bound, grad, 0).astype(grad.dtype)


class ClampMaxTensor(Function):
    node_name = "ClampMaxBackward1"

    @staticmethod
    def forward(ctx, a, bound):
        ctx.save_for_backward(a, bound)
        return np.where(np.isnan(bound) | (a > bound), bound, a) if a.dtype.kind == "f" else np.minimum(a, bound)

    @staticmethod
    def backward(ctx, grad):  # (a nan on either side: neither gets the gradient, as in torch)
        a, bound = ctx.saved_tensors
        return np.where(a <= bound, grad, 0).astype(grad.dtype), np.where(a > bound, grad, 0).astype(grad.dtype)


# activations of nn.functional (issue 12)
class Gelu(_Unary):
    """x * Phi(x), Phi the standard normal CDF (approximate='none')."""

    node_name = "GeluBackward0"
    f = staticmethod(lambda a: 0.5 * a * (1 + _erf(a / np.sqrt(2.0).astype(a.dtype))))
    df = staticmethod(lambda a, out: 0.5 * (1 + _erf(a / np.sqrt(2.0).astype(a.dtype)))
                      + a * np.exp(-0.5 * a * a) / np.sqrt(2 * np.pi))

    @classmethod
    def forward(cls, ctx, a):
        out = super().forward(ctx, a)
        if TORCH_AVX512_KERNELS and a.dtype == np.float32 and a.size > 1 and a.flags.c_contiguous:
            # torch's AVX-512 float32 kernel (2+ contiguous elements) gives nan at +inf; its scalar path
            # (one element, or a strided input), its AVX2 kernel and its float16 kernel give inf, as the
            # formula does (see _cpu.py)
            out[a == np.inf] = np.nan
        return out


_GELU_K = np.sqrt(2 / np.pi)


class GeluTanh(_Unary):
    """approximate='tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""

    node_name = "GeluBackward0"
    # (the constant in the input's dtype: a float64 one would make NumPy compute float32 in float64)
    f = staticmethod(lambda a: 0.5 * a * (1 + np.tanh(a.dtype.type(_GELU_K) * (a + 0.044715 * (a * a * a)))))

    @staticmethod
    def df(a, out):
        k = a.dtype.type(_GELU_K)
        t = np.tanh(k * (a + 0.044715 * (a * a * a)))
        return 0.5 * (1 + t) + 0.5 * a * (1 - t * t) * k * (1 + 3 * 0.044715 * a * a)


class Silu(_Unary):
    node_name = "SiluBackward0"
    f = staticmethod(lambda a: a / (1 + np.exp(-a)))

    @staticmethod
    def df(a, out):
        s = 1 / (1 + np.exp(-a))
        return s * (1 + a * (1 - s))


class LeakyRelu(Function):
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, slope):
        ctx.save_for_backward(a)
        ctx.slope = slope
        return np.where(a > 0, a, by_number(np.multiply, a, slope)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return np.where(a > 0, grad, by_number(np.multiply, grad, ctx.slope)).astype(grad.dtype, copy=False), None


class LeakyReluInplace(LeakyRelu):
    """`leaky_relu_`: torch's in-place node works from the result, hence its other name (same gradient;
    a negative slope flips the sign of the result, so torch refuses to differentiate it)."""

    node_name = "LeakyReluBackward1"

    @staticmethod
    def backward(ctx, grad):
        if ctx.slope < 0:
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. "
                "This is caused by calling in-place forward function with a negative slope, please call out-of-place "
                "version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope")
        return LeakyRelu.backward(ctx, grad)


class Elu(Function):
    """x for x > 0, alpha * (exp(x) - 1) below."""

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha):
        x = opmath(a)
        out = np.where(x < 0, alpha * np.expm1(x), x).astype(a.dtype, copy=False)  # (-0.0 stays, as torch)
        ctx.save_for_backward(a, out)
        ctx.alpha = alpha
        return out

    @staticmethod
    def backward(ctx, grad):  # alpha * exp(x), not out + alpha: that would cancel for very negative x
        a, _ = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        return np.where(x <= 0, g * ctx.alpha * np.exp(x), g).astype(grad.dtype, copy=False), None  # (nan: grad)


class EluInplace(Elu):
    """`elu_`: the input is overwritten, so torch's in-place node works from the result, hence its other
    name and gradient (out + alpha); a negative alpha flips the result's sign, so torch refuses it."""

    node_name = "EluBackward1"

    @staticmethod
    def backward(ctx, grad):
        if ctx.alpha < 0:
            raise RuntimeError(
                "In-place elu backward calculation is triggered with a negative slope which is not supported. This "
                "is caused by calling in-place forward function with a negative slope, please call out-of-place "
                "version instead.")
        _, out = ctx.saved_tensors
        out, g = opmath(out), opmath(grad)
        return np.where(out <= 0, g * (out + ctx.alpha), g).astype(grad.dtype, copy=False), None


class Celu(Function):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): torch's elu kernel with an input scale of 1 / alpha
    (a double, rounded to the input's opmath type, as its kernel reads it)."""

    node_name = "CeluBackward0"

    @staticmethod
    def forward(ctx, a, alpha):
        x = opmath(a)
        ctx.alpha, ctx.input_scale = alpha, x.dtype.type(1.0 / alpha)
        out = np.where(x <= 0, np.expm1(x * ctx.input_scale) * x.dtype.type(alpha), x).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, _ = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        slope = g * ctx.input_scale * x.dtype.type(ctx.alpha) * np.exp(x * ctx.input_scale)
        return np.where(x <= 0, slope, g).astype(grad.dtype, copy=False), None


class CeluInplace(Celu):
    """`celu_`: the gradient from the result (input_scale * (out + alpha)), as `EluInplace`, which refuses a
    negative alpha with the same message."""

    node_name = "CeluBackward1"

    @staticmethod
    def backward(ctx, grad):
        if ctx.alpha < 0:
            return EluInplace.backward(ctx, grad)
        _, out = ctx.saved_tensors
        out, g = opmath(out), opmath(grad)
        slope = g * ctx.input_scale * (out + out.dtype.type(ctx.alpha))
        return np.where(out <= 0, slope, g).astype(grad.dtype, copy=False), None


class Threshold(Function):
    """`value` where x <= threshold, x elsewhere (both 0-d arrays of the input's dtype); the gradient passes
    where x > threshold."""

    node_name = "ThresholdBackward0"

    @staticmethod
    def forward(ctx, a, threshold, value):
        below = a <= threshold
        ctx.passes = ~below  # (a mask, not the input: `threshold_` overwrites it, torch's gradient does not change)
        return np.where(below, value, a)

    @staticmethod
    def backward(ctx, grad):
        return np.where(ctx.passes, grad, grad.dtype.type(0)), None, None


class ThresholdInplace(Threshold):
    node_name = "ThresholdBackward1"


class Glu(Function):
    """a * sigmoid(b), a and b the two halves of the input along `dim`."""

    node_name = "GluBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        a, b = np.split(opmath(x), 2, axis=dim)
        gate = 1 / (1 + np.exp(-b))
        ctx.save_for_backward(a, gate)
        ctx.dim = dim
        return (a * gate).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, gate = ctx.saved_tensors
        g = opmath(grad)
        both = np.concatenate([g * gate, g * a * gate * (1 - gate)], axis=ctx.dim)
        return both.astype(grad.dtype, copy=False), None


class Softplus(Function):
    """log(1 + exp(beta x)) / beta; x itself where beta x > threshold (no overflow)."""

    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta, threshold):
        ctx.save_for_backward(a)
        ctx.beta, ctx.threshold = beta, threshold
        x = opmath(a)
        return np.where(x * beta > threshold, x, np.log1p(np.exp(x * beta)) / beta).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        z = np.exp(x * ctx.beta)
        return np.where(x * ctx.beta > ctx.threshold, g, g * z / (z + 1)).astype(grad.dtype), None, None


# --- trigonometric, hyperbolic and other unary ops (issue 12, third part) ----------------------
class Tan(_Unary):
    node_name = "TanBackward0"
    f = staticmethod(np.tan)
    df = staticmethod(lambda a, out: 1 + out * out)  # d tan = 1 + tan^2


class Asin(_Unary):
    node_name = "AsinBackward0"
    f = staticmethod(np.arcsin)
    df = staticmethod(lambda a, out: 1 / np.sqrt(1 - a * a))


class Acos(_Unary):
    node_name = "AcosBackward0"
    f = staticmethod(np.arccos)
    df = staticmethod(lambda a, out: -1 / np.sqrt(1 - a * a))


class Atan(_Unary):
    node_name = "AtanBackward0"
    f = staticmethod(np.arctan)
    df = staticmethod(lambda a, out: 1 / (a * a + 1))


class Sinh(_Unary):
    node_name = "SinhBackward0"
    f = staticmethod(np.sinh)
    df = staticmethod(lambda a, out: np.cosh(a))


class Cosh(_Unary):
    node_name = "CoshBackward0"
    f = staticmethod(np.cosh)
    df = staticmethod(lambda a, out: np.sinh(a))


class Asinh(_Unary):
    node_name = "AsinhBackward0"
    f = staticmethod(np.arcsinh)
    df = staticmethod(lambda a, out: 1 / np.sqrt(a * a + 1))


class Acosh(_Unary):
    node_name = "AcoshBackward0"
    f = staticmethod(np.arccosh)
    df = staticmethod(lambda a, out: 1 / np.sqrt(a * a - 1))


class Atanh(_Unary):
    node_name = "AtanhBackward0"
    f = staticmethod(np.arctanh)
    df = staticmethod(lambda a, out: 1 / (1 - a * a))


class Log10(_Unary):
    node_name = "Log10Backward0"
    f = staticmethod(np.log10)
    df = staticmethod(lambda a, out: 1 / (a * np.log(10.0)))


class Exp2(_Unary):
    node_name = "Exp2Backward0"
    f = staticmethod(np.exp2)
    df = staticmethod(lambda a, out: out * np.log(2.0))


def _erfc(a: np.ndarray) -> np.ndarray:
    """1 - erf(x), without the cancellation for large x: `math.erfc` element by element."""
    return np.asarray(np.frompyfunc(math.erfc, 1, 1)(a)).astype(a.dtype) if a.size else a.copy()


class Erfc(_Unary):
    node_name = "ErfcBackward0"
    f = staticmethod(_erfc)
    df = staticmethod(lambda a, out: -2 / np.sqrt(np.pi) * np.exp(-a * a))


class Frac(_Unary):
    """x - trunc(x): the fractional part, with the sign of x; the gradient passes unchanged."""

    node_name = "FracBackward0"
    f = staticmethod(lambda a: a - np.trunc(a))
    df = staticmethod(lambda a, out: 1)


class Deg2rad(_Unary):
    node_name = "Deg2RadBackward0"
    f = staticmethod(lambda a: a * (np.pi / 180))
    df = staticmethod(lambda a, out: np.pi / 180)


class Rad2deg(_Unary):
    node_name = "Rad2DegBackward0"
    f = staticmethod(lambda a: a * (180 / np.pi))
    df = staticmethod(lambda a, out: 180 / np.pi)


def _sinc(a: np.ndarray) -> np.ndarray:
    pi_a = a * np.pi
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a == 0, 1, np.sin(pi_a) / pi_a)


class Sinc(_Unary):
    """sin(pi x) / (pi x), 1 at 0; d/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2), 0 at 0 (torch's rule)."""

    node_name = "SincBackward0"
    f = staticmethod(_sinc)

    @staticmethod
    def backward(ctx, grad):
        a, _ = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            pi_a, pi_a2 = a * np.pi, a * a * np.pi
            # (torch zeroes the *product* at 0, so an infinite incoming gradient gives 0 there, not nan)
            return np.where(pi_a2 == 0, 0, grad * (pi_a * np.cos(pi_a) - np.sin(pi_a)) / pi_a2).astype(grad.dtype)


class Logit(Function):
    """log(z / (1 - z)), z = x clamped to [eps, 1 - eps] when eps is given; d/dx = 1 / (x (1 - x)),
    nan outside [0, 1] without eps, 0 outside [eps, 1 - eps] with it (torch's rule)."""

    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, a, eps):
        ctx.save_for_backward(a)
        ctx.eps = eps
        z = a if eps is None else np.clip(a, eps, 1 - eps).astype(a.dtype, copy=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(z / (1 - z)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,), eps = ctx.saved_tensors, ctx.eps
        lo, hi, outside = (0, 1, np.nan) if eps is None else (eps, 1 - eps, 0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            inside = grad / (a * (1 - a))
            if eps is None:  # torch's kernel: at exactly 0 or 1 (-0.0 too) the gradient is grad * inf
                inside = np.where((a == 0) | (a == 1), grad * np.inf, inside)
            out = np.where((a < lo) | (a > hi), outside, inside)
        return out.astype(grad.dtype, copy=False), None


# --- binary ops (issue 12, third part) ---------------------------------------------------------
class Fmod(Function):
    """`fmod(a, number)`: a - trunc(a / number) * number (the sign of a); the trunc is a step, so d/da = 1."""

    node_name = "FmodBackward0"

    @staticmethod
    def forward(ctx, a, number):
        return by_number(np.fmod, a, number)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class FmodTensor(Function):
    """`fmod(a, b)` for two tensors: d/da = 1, d/db = -trunc(a / b)."""

    node_name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(*((a, b) if ctx.needs_input_grad[1] else (None, None)))
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad, (-grad * np.trunc(a / b) if ctx.needs_input_grad[1] else None)


class Hypot(Function):
    """sqrt(a^2 + b^2): d/da = a / out, d/db = b / out."""

    node_name = "HypotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        return grad * a / out, grad * b / out


class XlogyOfNumber(Function):
    """`xlogy(x, number)`: d/dx = log(number) (as Xlogy's)."""

    node_name = "XlogyBackward2"

    @staticmethod
    def forward(ctx, x, number):
        ctx.save_for_backward(x)
        ctx.number = number
        return _xlogy(x, np.asarray(number, x.dtype)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _grad_x_of_xlogy(grad, x, np.asarray(ctx.number, grad.dtype)), None


class NumberXlogy(Function):
    """`xlogy(number, y)`: d/dy = number / y."""

    node_name = "XlogyBackward1"

    @staticmethod
    def forward(ctx, y, number):
        ctx.save_for_backward(y)
        ctx.number = number
        return _xlogy(np.asarray(number, y.dtype), y).astype(y.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * ctx.number / y, None


def _logaddexp(a, b):
    """torch's CPU formula: max + log1p(e^-|a - b|) (the same infinity twice gives itself)."""
    m = np.maximum(a, b)
    with np.errstate(invalid="ignore"):
        out = m + np.log1p(np.exp(-np.abs(a - b)))
    return np.where(np.isinf(a) & (a == b), a, out).astype(m.dtype, copy=False)


def _logaddexp2(a, b):
    """torch's CPU formula: max + log1p(2^-|a - b|) * (1 / ln 2), the constant in the tensors' dtype, so the
    same rounding as torch (logaddexp2(-1, -1) comes out a hair below 0 in float32, as there)."""
    m = np.maximum(a, b)
    with np.errstate(invalid="ignore"):
        out = m + np.log1p(np.exp2(-np.abs(a - b))) * m.dtype.type(1 / np.log(2.0))
    return np.where(np.isinf(a) & (a == b), a, out).astype(m.dtype, copy=False)


class Logaddexp(Function):
    """log(e^a + e^b), computed without overflow; d/da = 1 / (1 + e^(b - a)), d/db = 1 / (1 + e^(a - b))."""

    node_name = "LogaddexpBackward0"
    f, base = staticmethod(_logaddexp), np.e

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype == np.float16:  # torch computes float16 in float32, rounding once at the end
            return cls.f(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)
        return cls.f(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        with np.errstate(over="ignore", invalid="ignore"):
            return grad / (1 + np.power(cls.base, b - a)), grad / (1 + np.power(cls.base, a - b))


class Logaddexp2(Logaddexp):
    """log2(2^a + 2^b); d/da = 1 / (1 + 2^(b - a))."""

    node_name = "Logaddexp2Backward0"
    f, base = staticmethod(_logaddexp2), 2.0


class Copysign(Function):
    """|a| with the sign of b: d/da = out / a (+-1; 0 where a is 0), nothing flows to b (a step)."""

    node_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad * np.where(a == 0, 0, out / a), np.zeros_like(grad)


class CopysignNumber(Copysign):
    node_name = "CopysignBackward1"

    @staticmethod
    def backward(ctx, grad):
        return Copysign.backward(ctx, grad)[0], None


class Fmax(Function):
    """Like maximum, but a NaN loses to a number. All the gradient goes to the one picked
    (a on a tie, or when b is NaN): torch's rule, no halving as maximum's."""

    node_name = "FmaxBackward0"
    a_wins = staticmethod(lambda a, b: (a >= b) | np.isnan(b))

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.where(cls.a_wins(a, b), a, b)  # (a on a tie: fmax(0.0, -0.0) is 0.0, np.fmax's -0.0)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        a_wins = cls.a_wins(a, b)
        return np.where(a_wins, grad, 0).astype(grad.dtype), np.where(a_wins, 0, grad).astype(grad.dtype)


class Fmin(Fmax):
    node_name = "FminBackward0"
    a_wins = staticmethod(lambda a, b: (a <= b) | np.isnan(b))


class Ldexp(Function):
    """a * 2^b: d/da = 2^b, d/db = a * 2^b * ln 2. For an integer b torch's d/da takes 2^b in integers:
    0 for b < 0 (its integer pow truncates), kept here."""

    node_name = "LdexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return (a * np.exp2(b.astype(a.dtype))).astype(a.dtype, copy=False)  # (2^b in a's dtype, as torch)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        scale = integer_power(np.int64(2), b) if b.dtype.kind in "biu" else np.exp2(b)
        grad_b = grad * a * np.exp2(b.astype(a.dtype)) * np.log(2.0) if ctx.needs_input_grad[1] else None
        return grad * scale, grad_b


# --- more activations: hardtanh (relu6), logsigmoid, hardswish, hardsigmoid, mish, selu ----------------
# (each as torch's CPU kernel computes it; float16 in float32, rounded once. Where torch's scalar and
# vectorized kernels differ, at nan, the scalar kernel's answer is given, as for elu.)
class Hardtanh(Function):
    """clamp(x, min, max); the gradient passes strictly inside (min, max) (relu6 is hardtanh(0, 6))."""

    node_name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, a, low, high):
        low, high = a.dtype.type(low), a.dtype.type(high)  # (torch's `min.to<scalar_t>()`)
        ctx.save_for_backward(a)
        ctx.low, ctx.high = low, high
        out = np.where(a < low, low, a)  # (torch's std::max / std::min: nan stays nan, -0.0 stays -0.0)
        return np.where(out > high, high, out).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return np.where((a <= ctx.low) | (a >= ctx.high), grad.dtype.type(0), grad), None, None


class LogSigmoid(Function):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), which overflows nowhere."""

    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = opmath(a)
        return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):  # 1 - sigmoid(x), from exp(-|x|) on either side
        (a,) = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        z = np.exp(-np.abs(x))
        return np.where(x < 0, g * (1 - z / (1 + z)), g * (z / (1 + z))).astype(grad.dtype, copy=False)


class Hardswish(Function):
    """x * relu6(x + 3) / 6: 0 up to -3, x beyond 3, x (x + 3) / 6 between."""

    node_name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = opmath(a)
        return (x * np.minimum(np.maximum(x + 3, 0), 6) / 6).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        inside = np.where(x < 3, g * (x / 3 + 0.5), g)  # (at 3 and at nan: the incoming gradient)
        return np.where(x <= -3, 0, inside).astype(grad.dtype, copy=False)


class Hardsigmoid(Function):
    """relu6(x + 3) / 6; the gradient 1/6 strictly inside (-3, 3), 0 elsewhere."""

    node_name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = opmath(a)
        return (np.minimum(np.maximum(x + 3, 0), 6) / 6).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):  # (torch's 1/6 is a float constant, in float64 too)
        (a,) = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        sixth = np.float32(1) / np.float32(6)
        return np.where((x > -3) & (x < 3), g * g.dtype.type(sixth), 0).astype(grad.dtype, copy=False)


class Mish(Function):
    """x * tanh(softplus(x))."""

    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        x = opmath(a)
        return (x * np.tanh(np.log1p(np.exp(x)))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        x, g = opmath(a), opmath(grad)
        sigmoid = 1 / (1 + np.exp(-x))
        t = np.tanh(np.log1p(np.exp(x)))
        return (g * (t + x * sigmoid * (1 - t * t))).astype(grad.dtype, copy=False)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _selu_coefficients(dtype: np.dtype):
    """torch's elu kernel with alpha and scale: negcoef = alpha * scale and poscoef = scale, in opmath."""
    t = np.float32 if dtype.itemsize <= 4 else np.float64
    return t(SELU_ALPHA) * t(SELU_SCALE), t(SELU_SCALE)


class Selu(Function):
    """scale * x for x > 0, scale * alpha * (exp(x) - 1) below: torch's elu kernel, so its node is elu's."""

    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, a):
        negcoef, poscoef = _selu_coefficients(a.dtype)
        x = opmath(a)
        out = np.where(x <= 0, np.expm1(x) * negcoef, x * poscoef).astype(a.dtype, copy=False)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, _ = ctx.saved_tensors
        negcoef, poscoef = _selu_coefficients(a.dtype)
        x, g = opmath(a), opmath(grad)
        return np.where(x <= 0, g * negcoef * np.exp(x), g * poscoef).astype(grad.dtype, copy=False)


class SeluInplace(Selu):
    """`selu_`: torch's in-place node works from the result (out + alpha * scale), hence elu's other name."""

    node_name = "EluBackward1"

    @staticmethod
    def backward(ctx, grad):
        _, out = ctx.saved_tensors
        negcoef, poscoef = _selu_coefficients(out.dtype)
        out, g = opmath(out), opmath(grad)
        return np.where(out <= 0, g * (out + negcoef), g * poscoef).astype(grad.dtype, copy=False)


class BincountWeights(FloorDivide):
    """`bincount(weights=w)`: the sums of w per bin, in order (float32 for float32 weights, else float64).
    torch defines no derivative: the node is there, and backward through it raises."""

    aten_name = "bincount"

    @staticmethod
    def forward(ctx, weights, index, bins):
        kind = np.float32 if weights.dtype == np.float32 else np.float64
        out = np.zeros(bins, dtype=kind)
        np.add.at(out, index, weights.astype(kind))
        return out


class DetachCopy(FloorDivide):
    """`detach_copy(x)`: a row-major copy. torch records it as not differentiable (a node whose backward
    raises) rather than detached: the result of an input that requires grad requires grad too."""

    aten_name = "detach_copy"

    @staticmethod
    def forward(ctx, a):
        return np.array(a, order="C")
