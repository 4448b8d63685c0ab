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
        winners = a == out
        return grad * winners / winners.sum()


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
        shifted = np.exp(a - a.max(axis=dim, keepdims=True))
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
        shifted = a - a.max(axis=dim, keepdims=True)
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
