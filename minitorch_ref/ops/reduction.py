"""Reductions (sum, mean, max, min), softmax and log_softmax, cumsum.

A reduction's backward spreads the incoming gradient back over the reduced elements:
`sum` copies it to each, `mean` divides it by the count, `max` sends it to the winners.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function

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
        # (initial=-inf: the max of an empty slice, so that an empty tensor gives an empty result)
        shifted = np.exp(a - a.max(axis=dim, keepdims=True, initial=-np.inf))
        out = shifted / shifted.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Function):
    """log(softmax(x)) computed as x - max - log(sum(exp(x - max))): no overflow for logits of 1e4."""

    @staticmethod
    def forward(ctx, a, dim):
        shifted = a - a.max(axis=dim, keepdims=True, initial=-np.inf)
        with np.errstate(divide="ignore"):  # (an empty slice sums to 0; its log is never used)
            out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=ctx.dim, keepdims=True), None


class Cumsum(Function):
    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.dim = dim
        return np.cumsum(a, axis=dim, dtype=dtype).reshape(a.shape)  # (reshape: a 0-d stays 0-d)

    @staticmethod
    def backward(ctx, grad):
        dim = ctx.dim
        if grad.ndim == 0:
            return grad, None, None
        return np.flip(np.cumsum(np.flip(grad, dim), axis=dim), dim), None, None  # sums from the end


# --- ops added for issue 12 -------------------------------------------------------------------
def _quiet() -> np.errstate:
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def _keep(out: np.ndarray, dim, keepdim: bool) -> np.ndarray:
    """`out` was reduced with keepdims=True: drop the reduced dims unless `keepdim`."""
    if keepdim:
        return out
    return out.reshape(()) if dim is None else np.squeeze(out, axis=dim)


def _exclusive_products(a: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of all the others along `axis` (no division: zeros are fine)."""
    ones = np.ones_like(np.take(a, [0], axis=axis))
    left = np.cumprod(np.concatenate([ones, np.delete(a, -1, axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(a, axis)
    right = np.flip(np.cumprod(np.concatenate([ones, np.delete(flipped, -1, axis=axis)], axis=axis), axis=axis),
                    axis)
    return left * right


class Prod(Function):
    """Product of all elements; the gradient of each is the product of the others."""

    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.save_for_backward(a)
        return np.asarray(np.prod(a, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if a.size == 0:
            return np.zeros(a.shape, grad.dtype), None
        others = _exclusive_products(a.reshape(-1), 0).reshape(a.shape)
        return (grad * others).astype(grad.dtype, copy=False), None


class ProdDim(Function):
    node_name = "ProdBackward1"

    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        ctx.save_for_backward(a)
        ctx.dim, ctx.keepdim = dim, keepdim
        return np.prod(a, axis=dim, keepdims=keepdim, dtype=dtype) if a.ndim else a.astype(dtype or a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if a.ndim == 0:
            return grad, None, None, None
        if a.shape[ctx.dim] == 0:
            return np.zeros(a.shape, grad.dtype), None, None, None
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        return (g * _exclusive_products(a, ctx.dim)).astype(grad.dtype, copy=False), None, None, None


class Var(Function):
    """Sum of squared deviations from the mean over (N - correction): torch's `var`."""

    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, correction):
        count = a.size if dim is None else int(np.prod([a.shape[d] for d in np.atleast_1d(dim)]))
        centered = a - a.mean(axis=dim, keepdims=True) if a.size else a
        if a.size:  # a constant slice deviates by exactly 0 (torch's Welford mean is exact there; NumPy's may not be)
            constant = np.max(a, axis=dim, keepdims=True) == np.min(a, axis=dim, keepdims=True)
            centered = np.where(constant, 0, centered).astype(a.dtype, copy=False)
        with _quiet():
            out = _keep(np.asarray((centered * centered).sum(axis=dim, keepdims=True) / (count - correction)
                                   ).astype(a.dtype), dim, keepdim)
        ctx.save_for_backward(centered)
        ctx.dim, ctx.keepdim, ctx.divisor = dim, keepdim, count - correction
        return out

    @staticmethod
    def backward(ctx, grad):
        (centered,) = ctx.saved_tensors
        g = grad if ctx.keepdim or ctx.dim is None else np.expand_dims(grad, ctx.dim)
        with _quiet():
            return (g * 2 * centered / ctx.divisor).astype(grad.dtype, copy=False), None, None, None


class Std(Var):
    """sqrt(var): d std = d var / (2 std)."""

    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, correction):
        with _quiet():
            out = np.sqrt(Var.forward(ctx, a, dim, keepdim, correction))
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, grad):
        with _quiet():  # where std is 0 torch's gradient is 0
            return Var.backward(ctx, np.where(ctx.out == 0, 0, grad / (2 * ctx.out)).astype(grad.dtype))


class Amax(Function):
    """Largest value over `dim` (all dims when empty): ties share the gradient evenly, as torch."""

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
        winners = (a == full) | (np.isnan(a) & np.isnan(full))
        return (g * winners / winners.sum(axis=ctx.dim, keepdims=True)).astype(grad.dtype), None, None


class Amin(Amax):
    node_name = "AminBackward0"
    largest = False


class Logsumexp(Function):
    """log(sum(exp(x))) with the max taken out first: no overflow; the gradient is softmax(x)."""

    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim):
        with _quiet():
            if a.size == 0:
                full = np.log(np.sum(np.exp(a), axis=dim, keepdims=True))
            else:
                m = np.max(a, axis=dim, keepdims=True)
                m = np.where(np.isinf(m), 0, m)  # all -inf (or +inf) slices: no shift
                full = m + np.log(np.sum(np.exp(a - m), axis=dim, keepdims=True))
        ctx.save_for_backward(a, full)
        ctx.dim, ctx.keepdim = dim, keepdim
        return _keep(full.astype(a.dtype, copy=False), dim, keepdim) if a.ndim else full.reshape(())

    @staticmethod
    def backward(ctx, grad):
        a, full = ctx.saved_tensors
        g = grad if ctx.keepdim or not a.ndim or ctx.dim is None else np.expand_dims(grad, ctx.dim)
        with _quiet():
            return (g * np.exp(a - full)).astype(grad.dtype, copy=False), None, None


class VectorNorm(Function):
    """`linalg.vector_norm(x, ord, dim)`: (sum |x|^ord)^(1/ord); ord inf/-inf: max/min |x|; 0: count."""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, a, ord, dim, keepdim):
        absolute = np.abs(a)
        with _quiet():
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
        with _quiet():
            if ord == 0:
                local = np.zeros_like(a)
            elif ord in (np.inf, -np.inf):
                winners = np.abs(a) == full
                local = np.sign(a) * winners / winners.sum(axis=dim, keepdims=True)
            elif ord == 2:
                local = np.where(full == 0, 0, a / full)
            elif ord == 1:
                local = np.sign(a)
            else:
                local = np.where((full == 0) | (a == 0), 0, np.sign(a) * np.abs(a) ** (ord - 1) / full ** (ord - 1))
        return (g * local).astype(grad.dtype, copy=False), None, None, None


class Cumprod(Function):
    """Running product; each input's gradient sums, over the outputs it feeds, grad * (the other factors)."""

    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.save_for_backward(a)
        ctx.dim = dim
        return np.cumprod(a, axis=dim, dtype=dtype).reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if a.ndim == 0 or a.size == 0:
            return grad.reshape(a.shape), None, None
        x, g = np.moveaxis(a, ctx.dim, -1), np.moveaxis(grad, ctx.dim, -1)
        n = x.shape[-1]
        left = np.cumprod(np.concatenate([np.ones_like(x[..., :1]), x[..., :-1]], axis=-1), axis=-1)
        out = np.empty_like(g)
        for i in range(n):  # d out_j / d x_i = (x_0 ... x_{i-1}) * (x_{i+1} ... x_j) for j >= i
            after = np.cumprod(np.concatenate([np.ones_like(x[..., :1]), x[..., i + 1:]], axis=-1), axis=-1)
            out[..., i] = left[..., i] * np.sum(g[..., i:] * after, axis=-1)
        return np.moveaxis(out, -1, ctx.dim), None, None


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
        indices = np.argsort(-keys if descending else keys, axis=dim, kind="stable")
        if descending and keys.dtype.kind == "f":  # nan sorts first when descending, last ascending (torch)
            indices = np.argsort(np.where(np.isnan(keys), -np.inf, -keys), axis=dim, kind="stable")
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


class Topk(Sort):
    node_name = "TopkBackward0"
