"""Element-wise ops. Each backward is the local derivative times the incoming gradient.

Inputs may have different (broadcastable) shapes: the rules return gradients in the
broadcast shape and the engine sums them back to each input's shape.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function


def quiet() -> np.errstate:
    """Silence NumPy's RuntimeWarnings for inf/nan results (1/0, log(0), exp(1000)): torch gives
    the same values without a word. Used only by ops that can produce them, as it costs ~1 us."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


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


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (grad * b if ctx.needs_input_grad[0] else None), (grad * a if ctx.needs_input_grad[1] else None)


class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):  # x/0 = inf, 0/0 = nan, silently, as torch
            return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_a = grad / b
        return grad_a, (-grad_a * a / b if ctx.needs_input_grad[1] else None)


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
        with quiet():
            out = 1 / a
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * out * out


class Pow(Function):
    """`tensor ** number`: d(b**e)/db = e * b**(e-1) (torch defines it as 0 where e == 0)."""

    @staticmethod
    def forward(ctx, base, exponent):
        ctx.save_for_backward(base)
        ctx.exponent = exponent
        return np.power(base, exponent)

    @staticmethod
    def backward(ctx, grad):
        (base,) = ctx.saved_tensors
        return _grad_base(grad, base, ctx.exponent), None


class PowTensor(Function):
    """`tensor ** tensor`; also d(b**e)/de = b**e * log(b) (0 where b == 0 and e >= 0)."""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, base, exponent):
        out = np.power(base, exponent)
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        base, exponent, out = ctx.saved_tensors
        grad_base = _grad_base(grad, base, exponent) if ctx.needs_input_grad[0] else None
        grad_exp = None
        if ctx.needs_input_grad[1]:
            with quiet():
                grad_exp = np.where((base == 0) & (exponent >= 0), 0.0, grad * out * np.log(base))
        return grad_base, grad_exp


def _grad_base(grad, base, exponent):
    with quiet():
        return np.where(exponent == 0, 0.0, grad * exponent * np.power(base, exponent - 1))


class Rpow(Function):
    """`number ** tensor`."""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, exponent, number):
        out = np.power(number, exponent)
        ctx.save_for_backward(out)
        ctx.number = number
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * np.log(ctx.number), None


class Exp(Function):
    @staticmethod
    def forward(ctx, a):
        with quiet():
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
        with quiet():  # log(0) = -inf, log(-1) = nan, silently, as torch
            return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with quiet():
            return grad / a


class Sqrt(Function):
    @staticmethod
    def forward(ctx, a):
        with quiet():
            out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with quiet():
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
        out = np.maximum(a, 0).astype(a.dtype, copy=False)
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
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(Function):
    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


class Clamp(Function):
    """Gradient flows where the input was inside [min, max] (torch also passes it at the bounds)."""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, low, high):
        ctx.save_for_backward(a)
        ctx.low, ctx.high = low, high
        out = a
        if low is not None:
            out = np.maximum(out, low)
        if high is not None:
            out = np.minimum(out, high)
        return out.astype(a.dtype, copy=False) if out is not a else out.copy()

    @staticmethod
    def backward(ctx, grad):
        (a,), low, high = ctx.saved_tensors, ctx.low, ctx.high
        mask = np.ones(a.shape, dtype=bool)
        if low is not None:
            mask &= a >= low
        if high is not None:
            mask &= a <= high
        return grad * mask, None, None


class ToCopy(Function):
    """A dtype conversion (`x.double()`); the gradient is converted back."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.input_dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.input_dtype), None


class Clone(Function):
    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


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


class Maximum(Function):
    """`maximum(a, b)`: the larger one gets the gradient; a tie splits it in halves."""

    largest = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b) if ctx.largest else np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        share_a = np.where(a == b, 0.5, ((a > b) == ctx.largest) * 1.0)
        return grad * share_a.astype(grad.dtype), grad * (1 - share_a).astype(grad.dtype)


class Minimum(Maximum):
    largest = False
