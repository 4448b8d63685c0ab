"""Reductions (sum, mean, max, min), softmax and log_softmax, cumsum.

A reduction's backward spreads the incoming gradient back over the reduced elements:
`sum` copies it to each, `mean` divides it by the count, `max` sends it to the winners.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function, ViewFunction
from .pointwise import by_number, opmath


def _half_in_float32(fn, a, dtype=None, **kw):
    """`fn(a, dtype=dtype, **kw)`, but a float16 result is accumulated in float32 and rounded once at the
    end, as torch's kernels do (a float16 running sum stalls at 2048: 2048 + 1 rounds back to 2048)."""
    if np.dtype(dtype or a.dtype) != np.float16:
        return fn(a, dtype=dtype, **kw)
    return np.asarray(fn(a.astype(np.float16), dtype=np.float32, **kw)).astype(np.float16)


def _accumulated(fn, a, dtype=None, **kw):
    """`fn(a, dtype=dtype, **kw)` for the running kernels, cumsum and cumprod: torch's CPU kernels keep their
    running value in a wider type and round each output once, float16 in float32, float32 in float64."""
    out_dtype = np.dtype(dtype or a.dtype)
    wide = {np.float16: np.float32, np.float32: np.float64}.get(out_dtype.type)
    if wide is None:
        return fn(a, dtype=dtype, **kw)
    return np.asarray(fn(a.astype(out_dtype, copy=False), dtype=wide, **kw)).astype(out_dtype)


def _expand_back(grad, shape, dim, keepdim):
    """Re-insert the reduced dims (size 1), then repeat `grad` along them: sum in reverse."""
    if dim is not None and not keepdim:
        grad = np.expand_dims(grad, dim)
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """`sum()` over everything (SumBackward0); `sum(dim)` is `SumDim` (SumBackward1)."""

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        ctx.input_shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        if np.float16 in (a.dtype, dtype):  # (float16 accumulates in float32, as torch)
            return _half_in_float32(np.sum, a, dtype, axis=dim, keepdims=keepdim)
        return a.sum(axis=dim, dtype=dtype, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.input_shape, ctx.dim, ctx.keepdim), None, None, None


class SumDim(Sum):
    node_name = "SumBackward1"


class Mean(Function):
    """`mean()` (MeanBackward0); `mean(dim)` is `MeanDim` (MeanBackward1)."""

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        ctx.input_shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        ctx.count = a.size if dim is None else int(np.prod([a.shape[d] for d in np.atleast_1d(dim)]))
        if a.size == 0:  # nan where a slice is empty, silently as torch (NumPy's mean warns "Mean of empty slice")
            return a.sum(axis=dim, dtype=dtype, keepdims=keepdim) / ctx.count
        return a.mean(axis=dim, dtype=dtype, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad / ctx.count, ctx.input_shape, ctx.dim, ctx.keepdim), None, None, None


class MeanDim(Mean):
    node_name = "MeanBackward1"


class MaxAll(Function):
    """`x.max()` over all elements (`MinAll`: `x.min()`): ties share the gradient evenly, as torch does."""

    node_name = "MaxBackward1"
    largest = True

    @staticmethod
    def forward(ctx, a):
        out = np.asarray(a.max() if ctx.largest else a.min())
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        winners = np.isnan(a) if np.isnan(out) else a == out  # (a NaN wins: every NaN shares the gradient)
        return np.where(winners, grad / winners.sum(), 0.0)


class MinAll(MaxAll):
    node_name = "MinBackward1"
    largest = False


class MaxDim(Function):
    """`x.max(dim)` -> (values, indices) (`MinDim`: `x.min(dim)`); the gradient goes to the first winner of each slice."""

    node_name = "MaxBackward0"
    largest = True

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.input_shape, ctx.dim = a.shape, dim
        if a.ndim == 0:  # a 0-d tensor is its own max; its index is 0
            return a.copy(), np.zeros((), dtype=np.int64)
        indices = np.expand_dims(np.argmax(a, axis=dim) if ctx.largest else np.argmin(a, axis=dim), dim)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.save_for_backward(indices)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices

    @staticmethod
    def backward(ctx, grad):
        if not ctx.input_shape:
            return grad, None, None
        (indices,) = ctx.saved_tensors
        full = np.zeros(ctx.input_shape, dtype=grad.dtype)
        np.put_along_axis(full, indices, grad.reshape(indices.shape), axis=ctx.dim)
        return full, None, None


class MinDim(MaxDim):
    node_name = "MinBackward0"
    largest = False


class Softmax(Function):
    @staticmethod
    def forward(ctx, a, dim):
        x = a.astype(np.float32) if a.dtype == np.float16 else a  # (torch computes float16 in float32)
        # (initial=-inf: the max of an empty slice, so that an empty tensor gives an empty result)
        shifted = np.exp(x - x.max(axis=dim, keepdims=True, initial=-np.inf))
        total = shifted.sum(axis=dim, keepdims=True)
        if a.dtype == np.float16 and dim is not None and dim != a.ndim - 1:  # torch's kernel for another dim
            shifted = shifted.astype(np.float16).astype(np.float32)  # stores them in the float16 output first
        out = (shifted / total).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        o, g = opmath(out), opmath(grad)  # (float16: in float32, rounded once, as torch)
        return (o * (g - (g * o).sum(axis=ctx.dim, keepdims=True))).astype(grad.dtype, copy=False), None


class LogSoftmax(Function):
    """log(softmax(x)) computed as x - max - log(sum(exp(x - max))): no overflow for logits of 1e4."""

    @staticmethod
    def forward(ctx, a, dim):
        x = a.astype(np.float32) if a.dtype == np.float16 else a  # (torch computes float16 in float32)
        shifted = x - x.max(axis=dim, keepdims=True, initial=-np.inf)
        total = np.exp(shifted).sum(axis=dim, keepdims=True)
        if a.dtype == np.float16 and dim == a.ndim - 1:  # torch's last-dim kernel stores the sum and its log
            total = total.astype(np.float16).astype(np.float32)  # in float16 buffers
        log_sum = np.log(total)  # (an empty slice: log 0, unused)
        if a.dtype == np.float16 and dim == a.ndim - 1:
            log_sum = log_sum.astype(np.float16).astype(np.float32)
        out = (shifted - log_sum).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        o, g = opmath(out), opmath(grad)  # (float16: in float32, rounded once, as torch)
        return (g - np.exp(o) * g.sum(axis=ctx.dim, keepdims=True)).astype(grad.dtype, copy=False), None


def _running_sum(a: np.ndarray, axis: int, dtype=None) -> np.ndarray:
    """np.cumsum as torch's: its accumulator starts at +0, so a -0.0 never comes out (0 + -0 = +0), except from
    a 0-d tensor, which torch copies (in the result's dtype) without accumulating."""
    out = _accumulated(np.cumsum, a, dtype, axis=axis)
    return np.add(out, 0, out=out) if out.dtype.kind == "f" and a.ndim else out


def _reversed_running_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Running sums from the end of `axis`."""
    return np.flip(_running_sum(np.flip(a, axis), axis), axis)


class Cumsum(Function):
    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.dim = dim
        return _running_sum(a, dim, dtype).reshape(a.shape)  # (reshape: a 0-d stays 0-d)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return grad, None, None
        return _reversed_running_sum(grad, ctx.dim), None, None


# --- ops added for issue 12 -------------------------------------------------------------------
def _keep(out: np.ndarray, dim, keepdim: bool) -> np.ndarray:
    """`out` was reduced with keepdims=True: drop the reduced dims unless `keepdim`."""
    if keepdim:
        return out
    return out.reshape(()) if dim is None else np.squeeze(out, axis=dim)


def _exclusive_products(a: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of all the others along `axis` (no division: zeros are fine), from
    torch's running products (cumprod's kernel: float16 kept in float32)."""
    ones = np.ones_like(np.take(a, [0], axis=axis))
    left = _accumulated(np.cumprod, np.concatenate([ones, np.delete(a, -1, axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(a, axis)
    right = np.flip(_accumulated(np.cumprod, np.concatenate([ones, np.delete(flipped, -1, axis=axis)], axis=axis),
                                 axis=axis), axis)
    return left * right


def _product(a: np.ndarray, axis: int, keepdims: bool, dtype=None) -> np.ndarray:
    """np.prod, except in float16: torch multiplies left to right, rounding each step to float16 (NumPy
    multiplies in another order, which rounds differently)."""
    if np.dtype(dtype or a.dtype) != np.float16 or a.shape[axis] == 0:
        return np.prod(a, axis=axis, keepdims=keepdims, dtype=dtype)
    last = np.take(np.multiply.accumulate(a.astype(np.float16, copy=False), axis=axis), [-1], axis=axis)
    return last if keepdims else np.squeeze(last, axis)


class Prod(Function):
    """Product of all elements; the gradient of each is the product of the others.

    As torch: `result / x` when no element is 0 (so an inf or nan elsewhere gives nan); with one
    zero, the products of the others (`_exclusive_products`); with several zeros, all zero."""

    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        out = np.asarray(_product(a.reshape(-1), 0, False, dtype))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a.ndim == 0:
            return grad, None
        zeros = np.count_nonzero(a == 0)
        if zeros > 1:  # every product of the others has a zero: torch returns zeros, whatever `grad` is
            return np.zeros(a.shape, grad.dtype), None
        others = out / a if zeros == 0 else _exclusive_products(a.reshape(-1), 0).reshape(a.shape)
        return (grad * others).astype(grad.dtype, copy=False), None


class ProdDim(Function):
    """Product along `dim`: the same rule as `Prod`, except that any zero (in any slice) takes the
    products of the others in every slice (torch's `prod_backward` with a dim)."""

    node_name = "ProdBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        out = _product(a, dim, keepdim, dtype) if a.ndim else a.astype(dtype or a.dtype)
        ctx.save_for_backward(a, out)
        ctx.dim, ctx.keepdim = dim, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        if a.ndim == 0:
            return grad, None, None, None
        if not ctx.keepdim:
            grad, out = np.expand_dims(grad, ctx.dim), np.expand_dims(out, ctx.dim)
        if not np.any(a == 0):
            others = out / a
        elif a.shape[ctx.dim] == 1:
            others = np.ones_like(a)
        else:
            others = _exclusive_products(a, ctx.dim)
        return (grad * others).astype(grad.dtype, copy=False), None, None, None


def _deviations(a: np.ndarray, dim) -> np.ndarray:
    """a - mean(a) over `dim`; a constant slice deviates by exactly 0 (torch's Welford mean is exact there,
    NumPy's may not be), but not one of infinities: inf - inf is nan there too."""
    if not a.size:
        return a
    top = np.max(a, axis=dim, keepdims=True)
    constant = (top == np.min(a, axis=dim, keepdims=True)) & np.isfinite(top)
    return np.where(constant, 0, a - a.mean(axis=dim, keepdims=True)).astype(a.dtype, copy=False)


class Var(Function):
    """Sum of squared deviations from the mean over (N - correction): torch's `var`."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, correction):
        return Var.variance(ctx, a, dim, keepdim, correction).astype(a.dtype, copy=False)

    @staticmethod
    def variance(ctx, a, dim, keepdim, correction):
        """The variance, float16's still in float32 (torch rounds once, after std's square root)."""
        count = a.size if dim is None else int(np.prod([a.shape[d] for d in np.atleast_1d(dim)]))
        centered = _deviations(a, dim)
        wide = _deviations(opmath(a), dim) if a.dtype == np.float16 else centered
        ctx.save_for_backward(centered)
        ctx.dim, ctx.keepdim, ctx.divisor = dim, keepdim, count - correction
        ctx.full = dim is None or a.ndim == 0
        # torch divides by max(0, N - correction): no degrees of freedom left gives inf (or nan for 0 / 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _keep(np.asarray((wide * wide).sum(axis=dim, keepdims=True) / max(0, count - correction)),
                         dim, keepdim)

    @staticmethod
    def backward(ctx, grad):
        (centered,) = ctx.saved_tensors
        g = grad if ctx.keepdim or ctx.dim is None else np.expand_dims(grad, ctx.dim)
        if ctx.full and ctx.divisor <= 0:
            # torch's var_backward over everything: 2 / 0 is inf, times a zero deviation nan
            return (g * np.where(centered == 0, np.nan, np.inf)).astype(grad.dtype, copy=False), None, None, None
        # over a dim torch keeps the unclamped 2 / (N - correction), negative or inf as it comes
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = by_number(np.multiply, g, 2 / ctx.divisor if ctx.divisor else np.inf)  # (float16: as torch's)
            return (scaled * centered).astype(grad.dtype, copy=False), None, None, None


class Std(Var):
    """sqrt(var): d std = d var / (2 std)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, correction):
        out = np.sqrt(Var.variance(ctx, a, dim, keepdim, correction)).astype(a.dtype, copy=False)
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, grad):
        # where std is 0 torch's gradient is 0
        return Var.backward(ctx, np.where(ctx.out == 0, 0, grad / (2 * ctx.out)).astype(grad.dtype))


class Amax(Function):
    """Largest value over `dim` (all dims when empty): ties share the gradient evenly, as torch. A slice
    whose result is nan has no winner (nan != nan): torch's grad / 0 * 0 makes its whole gradient nan."""

    node_name = "AmaxBackward0"
    largest = True

    @classmethod
    def forward(cls, ctx, a, dim, keepdim):
        full = np.max(a, axis=dim, keepdims=True) if cls.largest else np.min(a, axis=dim, keepdims=True)
        ctx.save_for_backward(a, full)
        ctx.dim, ctx.keepdim = dim, keepdim
        return _keep(full, dim, keepdim) if a.ndim else a.copy()

    @staticmethod
    def backward(ctx, grad):
        a, full = ctx.saved_tensors
        g = grad if ctx.keepdim or not a.ndim or ctx.dim is None else np.expand_dims(grad, ctx.dim)
        winners = a == full
        with np.errstate(divide="ignore", invalid="ignore"):
            return (g / winners.sum(axis=ctx.dim, keepdims=True) * winners).astype(grad.dtype), None, None


class Amin(Amax):
    node_name = "AminBackward0"
    largest = False


class AminOfAminmax(Amin):
    """The min output of `aminmax` (torch records one node for both; here each has its own, under torch's
    name: the gradients add up the same)."""

    node_name = "AminmaxBackward0"


class AmaxOfAminmax(Amax):
    node_name = "AminmaxBackward0"


class Logsumexp(Function):
    """log(sum(exp(x))) with the max taken out first: no overflow; the gradient is softmax(x)."""

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        if a.size == 0:
            full = np.log(np.sum(np.exp(a), axis=dim, keepdims=True))
        else:
            m = np.max(a, axis=dim, keepdims=True)
            m = np.where(np.isinf(m), 0, m)  # all -inf (or +inf) slices: no shift
            full = m + np.log(_half_in_float32(np.sum, np.exp(a - m), axis=dim, keepdims=True))  # (float16: summed
            # in float32, rounded once, as torch's sum; the other steps round to float16 as torch's do)
        ctx.save_for_backward(a, full)
        ctx.dim, ctx.keepdim = dim, keepdim
        return _keep(full.astype(a.dtype, copy=False), dim, keepdim) if a.ndim else full.reshape(())

    @staticmethod
    def backward(ctx, grad):
        a, full = ctx.saved_tensors
        g = grad if ctx.keepdim or not a.ndim or ctx.dim is None else np.expand_dims(grad, ctx.dim)
        return (g * np.exp(a - full)).astype(grad.dtype, copy=False), None, None


class VectorNorm(Function):
    """`linalg.vector_norm(x, ord, dim)`: (sum |x|^ord)^(1/ord); ord inf/-inf: max/min |x|; 0: count."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, ord, dim, keepdim):
        absolute = np.abs(opmath(a))  # (float16: summed in float32, rounded once, as torch)
        if ord == np.inf:
            full = np.max(absolute, axis=dim, keepdims=True) if a.size else np.zeros_like(
                np.sum(absolute, axis=dim, keepdims=True))
        elif ord == -np.inf:
            full = np.min(absolute, axis=dim, keepdims=True)
        elif ord == 0:
            full = np.sum(absolute != 0, axis=dim, keepdims=True).astype(a.dtype)
        elif ord == 2:
            full = np.sqrt(np.sum(absolute * absolute, axis=dim, keepdims=True))
        else:
            full = np.sum(absolute ** ord, axis=dim, keepdims=True) ** (1.0 / ord)
        # one element per norm (reducing dims of size 1): |x| itself, as torch (no 1e-300 ** 2 = 0); torch
        # does not take this path for a 0-d input with an explicit dim, nor for the count (ord 0)
        if ord != 0 and a.size and a.size == full.size and (a.ndim or dim is None):
            full = absolute.reshape(full.shape)
        full = full.astype(a.dtype, copy=False)
        ctx.save_for_backward(a, full)
        ctx.ord, ctx.dim, ctx.keepdim = ord, dim, keepdim
        return _keep(full, dim, keepdim)

    @staticmethod
    def backward(ctx, grad):
        a, full = ctx.saved_tensors
        ord, dim = ctx.ord, ctx.dim
        g = grad if ctx.keepdim or dim is None else np.expand_dims(grad, dim)
        g = g.reshape(full.shape)
        if ord == 0:  # a count: torch gives no gradient at all (the input's .grad stays None)
            return None, None, None, None
        if ord in (np.inf, -np.inf):
            winners = (np.abs(a) == full) | (a != a)  # (torch's mask counts a nan as a winner; its sign is 0)
            local = np.where(a != a, 0, np.sign(a)) * winners / winners.sum(axis=dim, keepdims=True)
        elif ord == 2:
            local = np.where(full == 0, 0, a / full)
        elif ord == 1:
            local = np.where(a != a, 0, np.sign(a))  # (torch's sgn: sign(nan) = 0, so a nan gets no gradient)
        elif ord < 1:  # torch's norm_backward, term by term and in its order (0 * inf gives nan where torch's does)
            self_scaled = np.where(a == 0, 0, np.sign(a) * np.abs(a) ** (ord - 1)).astype(a.dtype, copy=False)
            return (self_scaled * g * full ** (1 - ord)).astype(grad.dtype, copy=False), None, None, None
        else:  # x |x|^(p-2) * grad / ||x||^(p-1), and 0 where the norm is 0
            self_scaled = np.sign(a) * np.abs(a) ** (ord - 1) if ord < 2 else a * np.abs(a) ** (ord - 2)
            scale = np.where(full == 0, 0, g / full ** (ord - 1))
            return (self_scaled * scale).astype(grad.dtype, copy=False), None, None, None
        return (g * local).astype(grad.dtype, copy=False), None, None, None


class Norm(VectorNorm):
    """`at::norm(x, p)` of every element, as torch's C++ code calls it (inside `norm_except_dim`): NormBackward0."""

    node_name = "NormBackward0"


class Cumprod(Function):
    """Running product; input i's gradient sums, over the outputs j >= i it feeds, grad_j * out_j / x_i.

    torch's O(n) rule, followed here so that both round alike (subnormal inputs keep few bits):
    before the first zero of a row, `reversed_cumsum(grad * out) / x`; at the first zero, the
    explicit sum of grad_j * (x_0 ... x_{z-1}) * (x_{z+1} ... x_j) up to the second zero; after
    it, 0 (every output it feeds holds the first zero as another factor)."""

    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype):
        out = _accumulated(np.cumprod, a, dtype, axis=dim).reshape(a.shape)
        ctx.save_for_backward(a, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, result = ctx.saved_tensors
        if a.size <= 1 or a.shape[ctx.dim] == 1:
            return grad.reshape(a.shape), None, None
        x, g, out = (np.moveaxis(v, ctx.dim, -1) for v in (a, grad, result))
        zeros_so_far = np.cumsum(x == 0, axis=-1)
        before = zeros_so_far == 0  # before a row's first zero
        w = np.where(before, out * g, 0)
        grad_x = np.where(before, _reversed_running_sum(w, -1) / np.where(before, x, 1), 0)
        first_zero = (zeros_so_far == 1) & (x == 0)
        if first_zero.any():
            between = (zeros_so_far == 1) & ~first_zero  # after the first zero, before the second
            after = _accumulated(np.cumprod, np.where(between, x, 1), axis=-1)  # x_{z+1} ... x_j (torch's kernels:
            total = _half_in_float32(np.sum, np.where(zeros_so_far == 1, g, 0) * after, axis=-1, keepdims=True)  # float16 wide)
            prefix = np.concatenate([np.ones_like(out[..., :1]), out[..., :-1]], axis=-1)  # x_0 ... x_{z-1}
            grad_x = np.where(first_zero, total * prefix, grad_x)
        return np.moveaxis(grad_x.astype(grad.dtype, copy=False), -1, ctx.dim), None, None


class Sort(Function):
    """(values, indices) sorted along `dim` (stable: ties keep their order); the gradient goes back
    to where each value came from."""

    node_name = "SortBackward0"

    @staticmethod
    def forward(ctx, a, dim, descending, k):
        if a.ndim == 0:
            ctx.dim, ctx.indices, ctx.shape = None, None, a.shape
            return a.copy(), np.zeros((), np.int64)
        keys = a.astype(np.int64) if a.dtype == np.bool_ else a
        if descending:  # (~x reverses integers where -x would overflow: -(-128) in int8, any uint8)
            keys = -keys if keys.dtype.kind == "f" else ~keys
        indices = np.argsort(keys, axis=dim, kind="stable")
        if descending and keys.dtype.kind == "f":  # nan sorts first when descending, last ascending (torch)
            indices = np.argsort(np.where(np.isnan(keys), -np.inf, keys), axis=dim, kind="stable")
            nan_first = np.take_along_axis(np.isnan(keys), indices, axis=dim)
            order = np.argsort(~nan_first, axis=dim, kind="stable")
            indices = np.take_along_axis(indices, order, axis=dim)
        if k is not None:
            indices = np.take(indices, np.arange(k), axis=dim)
        ctx.dim, ctx.indices, ctx.shape = dim, indices, a.shape
        return np.take_along_axis(a, indices, axis=dim), indices.astype(np.int64)

    @staticmethod
    def backward(ctx, grad):
        if ctx.indices is None:
            return grad, None, None, None
        full = np.zeros(ctx.shape, grad.dtype)
        np.put_along_axis(full, ctx.indices, grad, axis=ctx.dim)
        return full, None, None, None


class SortStable(Sort):
    """`sort(..., stable=...)`: torch's other overload, hence another node name."""

    node_name = "SortBackward1"


class Topk(Sort):
    node_name = "TopkBackward0"


class MedianAll(Function):
    """`x.median()`: the lower of the two middle values (nan if any is nan); ties share the gradient, as in amax."""

    node_name = "MedianBackward0"
    skips_nan = False

    @staticmethod
    def forward(ctx, a):
        flat = a.reshape(-1)
        if ctx.skips_nan and a.dtype.kind == "f":
            flat = flat[~np.isnan(flat)]  # (all nan: nan, the gradient shared by the nans)
        if flat.size == 0:  # torch fills in nan cast to the dtype: the lowest int64 or int32, 0 for smaller ones
            with np.errstate(invalid="ignore"):
                out = np.asarray(np.nan).astype(a.dtype)
        elif a.dtype.kind == "f" and np.isnan(flat).any():
            out = np.asarray(np.nan, dtype=a.dtype)
        else:
            out = np.asarray(np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2])
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        winners = np.isnan(a) if np.isnan(out) else a == out
        return np.where(winners, grad / max(winners.sum(), 1), 0).astype(grad.dtype, copy=False)  # (as x.max())


class MedianDim(MaxDim):
    """`x.median(dim)` -> (values, indices): the lower middle value of each slice (the first nan if there is
    one); the gradient goes to the returned index, as for `max(dim)`."""

    node_name = "MedianBackward1"
    skips_nan = False

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.input_shape, ctx.dim = a.shape, dim
        if a.ndim == 0:
            return a.copy(), np.zeros((), dtype=np.int64)
        order = np.argsort(a, axis=dim, kind="stable")  # (nan sorts last)
        indices = np.take(order, [(a.shape[dim] - 1) // 2], axis=dim)
        if ctx.skips_nan:  # nanmedian: the lower middle of the values that are not nan
            numbers = np.sum(~np.isnan(a), axis=dim, keepdims=True)
            indices = np.take_along_axis(order, np.maximum(numbers - 1, 0) // 2, axis=dim)
        elif a.dtype.kind == "f":  # a slice with a nan: its median is nan, at the first nan
            nan = np.isnan(a)
            has_nan = nan.any(axis=dim, keepdims=True)
            indices = np.where(has_nan, np.argmax(nan, axis=dim, keepdims=True), indices)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.save_for_backward(indices)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices.astype(np.int64, copy=False)


class Kthvalue(MaxDim):
    """`x.kthvalue(k, dim)` -> (values, indices): the k-th smallest of each slice (nan the largest), at its
    place in a stable sort; the gradient goes to that index, as for `max(dim)`."""

    node_name = "KthvalueBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, k):
        ctx.input_shape, ctx.dim = a.shape, dim
        if a.ndim == 0:
            return a.copy(), np.zeros((), dtype=np.int64)
        indices = np.take(np.argsort(a, axis=dim, kind="stable"), [k - 1], axis=dim)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.save_for_backward(indices)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return MaxDim.backward(ctx, grad) + (None,)


class Mode(MaxDim):
    """`x.mode(dim)` -> (values, indices): the most frequent value of each slice (ties: the smallest; a nan
    equals nothing) at its last place, as torch; the gradient goes to that index, as for `max(dim)`."""

    node_name = "ModeBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        ctx.input_shape, ctx.dim = a.shape, dim
        if a.ndim == 0:
            return a.copy(), np.zeros((), dtype=np.int64)
        rows = np.moveaxis(a, dim, -1)
        places = [_most_frequent(row) for row in rows.reshape(-1, rows.shape[-1])]
        indices = np.expand_dims(np.array(places, dtype=np.int64).reshape(rows.shape[:-1]), dim)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.save_for_backward(indices)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices


def _most_frequent(row: np.ndarray) -> int:
    """Where the most frequent value of a 1-d array last occurs: runs of equal values in sorted order, the
    longest (the first, so the smallest value, among equally long ones)."""
    order = np.argsort(row, kind="stable")
    ordered = row[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    lengths = np.diff(np.append(starts, row.size))
    longest = np.argmax(lengths)
    return int(order[starts[longest]:starts[longest] + lengths[longest]].max())


class NanmedianAll(MedianAll):
    """`x.nanmedian()`: the median of the values that are not nan."""

    node_name = "NanmedianBackward0"
    skips_nan = True


class NanmedianDim(MedianDim):
    node_name = "NanmedianBackward1"
    skips_nan = True


class Unique(Function):
    """`x.unique(...)`: the sorted distinct values, where each element went (inverse) and the counts.

    torch records the node but defines no derivative (which element a value came from is not
    one position): backward through it raises."""

    node_name = "Unique2Backward0"
    aten_name = "_unique2"

    @staticmethod
    def forward(ctx, a, dim):
        values, inverse, counts = unique(a, dim)
        return values, inverse.astype(np.int64), counts.astype(np.int64)

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError(f"the derivative for '{ctx.aten_name}' is not implemented.")


class UniqueDim(Unique):
    node_name = "UniqueDimBackward0"
    aten_name = "unique_dim"


def unique(a: np.ndarray, dim: int | None) -> tuple:
    """(sorted unique values, inverse, counts) of a flat array, or of the slices along `dim` (no gradient:
    which element a value came from is not one position). Every nan is its own value, as in torch."""
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        return values, inverse.reshape(a.shape), counts
    moved = np.moveaxis(a, dim, 0)
    if moved.shape[0] == 0:
        return a.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows = moved.reshape(moved.shape[0], -1)
    order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.zeros(rows.shape[0], np.int64)
    sorted_rows = rows[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (sorted_rows[1:] != sorted_rows[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(len(order), np.int64)
    inverse[order] = group
    counts = np.bincount(group)
    values = np.moveaxis(moved[order[new]], 0, dim)
    return values, inverse, counts


# --- issue 12, third part -----------------------------------------------------------------------
class Nansum(Function):
    """A sum that skips NaNs (counts them as 0): the gradient reaches every other element."""

    node_name = "NansumBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        ctx.save_for_backward(a)
        ctx.dim, ctx.keepdim = dim, keepdim
        summed = np.where(np.isnan(a), 0, a).astype(a.dtype, copy=False) if a.dtype.kind == "f" else a
        return _half_in_float32(np.sum, summed, dtype, axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return _expand_back(grad, a.shape, ctx.dim, ctx.keepdim) * ~np.isnan(a), None, None, None  # (inf * 0: nan, as torch)


class VarMean(Var):
    """The variance output of `var_mean` (torch records one node for both outputs; here each output has
    its own, under torch's name: the gradients add up the same)."""

    node_name = "VarMeanBackward0"


class MeanOfVarMean(Mean):
    node_name = "VarMeanBackward0"


class StdMean(Std):
    node_name = "StdMeanBackward0"


class MeanOfStdMean(Mean):
    node_name = "StdMeanBackward0"


class Trace(Function):
    """The sum of the main diagonal of a matrix: the gradient goes back onto that diagonal."""

    node_name = "TraceBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.input_shape = a.shape
        return np.asarray(np.trace(a, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(ctx.input_shape, grad.dtype)
        np.fill_diagonal(full, grad)  # (a non-square matrix: the diagonal stops at the shorter side)
        return full, None


class DiagonalView(ViewFunction):
    """`diagonal(offset, dim1, dim2)`: a view of the elements [i, i + offset] of dims dim1, dim2, which
    moves to the last dim; the gradient is written back onto the same diagonal of zeros."""

    node_name = "DiagonalBackward0"

    @staticmethod
    def forward(ctx, a, offset, dim1, dim2):
        ctx.args, ctx.input_shape = (offset, dim1, dim2), a.shape
        return _writable_diagonal(a, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(ctx.input_shape, grad.dtype)
        _writable_diagonal(full, *ctx.args)[...] = grad
        return full, None, None, None


def _writable_diagonal(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    view = np.diagonal(a, offset, dim1, dim2)  # (NumPy's is read-only; torch's view can be written)
    if a.flags.writeable:
        view.flags.writeable = True
    return view


class Dist(VectorNorm):
    """`dist(a, b, p)`: the p-norm of `a - b` (broadcast) over every element, in one DistBackward0 node;
    b's gradient is minus a's (each summed back to its own shape by the engine)."""

    node_name = "DistBackward0"

    @staticmethod
    def forward(ctx, a, b, p):
        return VectorNorm.forward(ctx, a - b, p, None, False)

    @staticmethod
    def backward(ctx, grad):
        g = VectorNorm.backward(ctx, grad)[0]
        if g is None and ctx.needs_input_grad[1]:  # (p = 0: torch negates its undefined gradient for b)
            raise RuntimeError("Expected a proper Tensor but got None (or an undefined Tensor in C++) for argument "
                               "#0 'self'")
        return g, None if g is None else -g, None


class Cdist(Function):
    """`cdist(x1, x2, p)`: the p-norm of each row of x1 minus each row of x2 (batch dims broadcast), as
    VectorNorm computes it. torch's backward, term by term: sign(d) |d|^(p-1) / dist^(p-1), 0 where d or
    dist is 0; for p = inf, sign(d) where |d| is the max (every tie); for p = 0 (a count), zero."""

    node_name = "CdistBackward0"

    @staticmethod
    def forward(ctx, x1, x2, p):
        return VectorNorm.forward(ctx, x1[..., :, None, :] - x2[..., None, :, :], p, -1, False)

    @staticmethod
    def backward(ctx, grad):
        diff, dist = ctx.saved_tensors
        p = ctx.ord
        if p == np.inf:
            local = np.sign(diff) * (np.abs(diff) == dist)
        else:
            local = np.where((diff == 0) | (dist == 0), 0, np.sign(diff) * np.abs(diff) ** (p - 1) / dist ** (p - 1))
        terms = (local * grad[..., None]).astype(grad.dtype, copy=False) if p else np.zeros_like(diff)
        return terms.sum(-2), -terms.sum(-3), None


class EuclideanDist(Function):
    """cdist's p = 2 for many rows (torch's `_euclidean_dist`): sqrt(-2 x1.x2 + |x1|^2 + |x2|^2) as one matrix
    product of padded rows, clamped at 1e-30 before the root; its backward is torch's formula."""

    @staticmethod
    def forward(ctx, x1, x2):
        norms1, norms2 = (x1 * x1).sum(-1, keepdims=True), (x2 * x2).sum(-1, keepdims=True)
        rows1 = np.concatenate([-2 * x1, norms1, np.ones_like(norms1)], -1)
        rows2 = np.concatenate([x2, np.ones_like(norms2), norms2], -1)
        out = np.sqrt(np.maximum(rows1 @ np.swapaxes(rows2, -1, -2), x1.dtype.type(1e-30)))
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x1, x2, out = ctx.saved_tensors
        ratio = np.where(out == 0, 0, grad / out)
        return (x1 * ratio.sum(-1)[..., None] - ratio @ x2,
                x2 * ratio.sum(-2)[..., None] - np.swapaxes(ratio, -1, -2) @ x1)


# --- sorting, searching and running ops (the sorting probe) ---------------------------------------
def _along_last(a: np.ndarray, dim: int) -> np.ndarray:
    """`a` with `dim` moved last (a 0-d array as one element), for the running kernels."""
    return np.moveaxis(a.reshape(a.shape or (1,)), dim, -1)


def _back_from_last(a: np.ndarray, dim: int, shape: tuple) -> np.ndarray:
    return np.moveaxis(a, -1, dim).reshape(shape)


class Cummax(Function):
    """(values, indices) of the running max along `dim`. As torch's kernel: a tie moves the index to the
    newer element (>=), and a nan wins and stays (every later nan takes its place). The gradient goes to
    the element each running value came from."""

    node_name = "CummaxBackward0"
    largest = True

    @staticmethod
    def forward(ctx, a, dim):
        x = _along_last(a, dim)
        values, indices = x.copy(), np.zeros(x.shape, np.int64)
        for i in range(1, x.shape[-1]):
            new, best = x[..., i], values[..., i - 1]
            wins = (new >= best if ctx.largest else new <= best) | (new != new)  # (new != new: a nan)
            values[..., i] = np.where(wins, new, best)
            indices[..., i] = np.where(wins, i, indices[..., i - 1])
        ctx.dim, ctx.shape, ctx.indices = dim, a.shape, indices
        return _back_from_last(values, dim, a.shape), _back_from_last(indices, dim, a.shape)

    @staticmethod
    def backward(ctx, grad):
        g = _along_last(grad, ctx.dim)
        full = np.zeros(g.shape, g.dtype)
        rows = np.indices(g.shape, sparse=True)[:-1]
        np.add.at(full, (*rows, ctx.indices), g)  # (torch's scatter_add: a tied winner sums what it fed)
        return _back_from_last(full, ctx.dim, ctx.shape), None


class Cummin(Cummax):
    node_name = "CumminBackward0"
    largest = False


def _reversed_logcumsumexp(a: np.ndarray) -> np.ndarray:
    return np.flip(_accumulated(np.logaddexp.accumulate, np.flip(a, -1), axis=-1), -1)


class Logcumsumexp(Function):
    """log(cumsum(exp(x))) along `dim`, without overflow (np.logaddexp), accumulated wide as torch's kernel.
    The gradient sum_{j>=i} grad_j exp(x_i - out_j) is taken in log space, positive and negative parts
    apart, as torch's."""

    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim):
        out = _back_from_last(_accumulated(np.logaddexp.accumulate, _along_last(a, dim), axis=-1), dim, a.shape)
        ctx.save_for_backward(a, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = (_along_last(v, ctx.dim) for v in ctx.saved_tensors)
        g = _along_last(grad, ctx.dim)
        lowest = np.finfo(g.dtype).min
        with np.errstate(divide="ignore"):
            log_abs = np.log(np.abs(g))
        parts = [np.exp(_reversed_logcumsumexp(np.where(sign, log_abs, lowest) - out) + a) for sign in (g > 0, g < 0)]
        return _back_from_last(parts[0] - parts[1], ctx.dim, grad.shape), None


class UniqueConsecutive(Unique):
    """`unique_consecutive`: one value (or slice along `dim`) per run of equal neighbours; no derivative."""

    node_name = "UniqueConsecutiveBackward0"
    aten_name = "unique_consecutive"

    @staticmethod
    def forward(ctx, a, dim):
        moved = a.reshape(-1) if dim is None else np.moveaxis(a, dim, 0)
        rows = moved.reshape(len(moved), moved[:1].size)  # (one row per value, or per slice along dim)
        starts = np.ones(len(rows), dtype=bool)
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)  # (nan != nan: each nan starts a run, as torch)
        inverse = np.cumsum(starts) - 1
        counts = np.diff(np.append(np.flatnonzero(starts), len(rows)))
        values = moved[starts] if dim is None else np.moveaxis(moved[starts], 0, dim)
        return values, inverse.reshape(a.shape if dim is None else -1), counts.astype(np.int64)


def searchsorted(boundaries: np.ndarray, values: np.ndarray, right: bool, sorter: np.ndarray | None) -> np.ndarray:
    """torch's binary search, step for step, for every value at once: boundaries (rows, n) with values
    (rows, m), or boundaries (n,) with values of any shape. Left, the search moves past a boundary b
    unless `b >= v`; right, unless `b > v`. A comparison with nan is false, so unsorted or nan
    boundaries give torch's answers (np.searchsorted sorts nan last and would differ)."""
    rows = boundaries.reshape(int(np.prod(boundaries.shape[:-1])), boundaries.shape[-1])
    flat = values.reshape(-1, values.shape[-1]) if boundaries.ndim > 1 else values.reshape(1, -1)
    order = None if sorter is None else sorter.reshape(rows.shape)
    lo, hi = np.zeros(flat.shape, np.int64), np.full(flat.shape, rows.shape[1], np.int64)
    while (lo < hi).any():
        searching = lo < hi
        mid = lo + ((hi - lo) >> 1)
        place = np.minimum(mid, rows.shape[1] - 1)
        if order is not None:
            place = np.take_along_axis(np.broadcast_to(order, (flat.shape[0], rows.shape[1])), place, axis=1)
        boundary = np.take_along_axis(np.broadcast_to(rows, (flat.shape[0], rows.shape[1])), place, axis=1)
        go_right = ~(boundary > flat) if right else ~(boundary >= flat)
        lo = np.where(searching & go_right, mid + 1, lo)
        hi = np.where(searching & ~go_right, mid, hi)
    return lo.reshape(values.shape)
