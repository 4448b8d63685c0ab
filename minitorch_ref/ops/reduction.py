"""Reductions (sum, mean, max, min), softmax and log_softmax, cumsum.

A reduction's backward spreads the incoming gradient back over the reduced elements:
`sum` copies it to each, `mean` divides it by the count, `max` sends it to the winners.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function

# `out=ARRAY` asks a NumPy reduction for a 0-d array where it would return a NumPy scalar:
# `np.asarray` on that scalar afterwards costs 0.2 us, a quarter of summing a small tensor.
# NumPy >= 2.3 takes `out=...`; older NumPy does not, and the scalar is wrapped as before.
try:
    np.add.reduce(np.zeros(1), out=...)
    ARRAY = ...
except TypeError:
    ARRAY = None


def _expand_back(grad, shape, dim, keepdim):
    """Re-insert reduced dims (size 1) so `grad` broadcasts against the input."""
    if dim is not None and not keepdim:
        grad = np.expand_dims(grad, dim)
    if type(grad) is np.ndarray and grad.ndim == 0:
        # A full reduction (every loss): one value repeated, as np.broadcast_to would give, made
        # directly (zero strides over grad's own memory, read-only): 0.4 us instead of 2.6 us.
        out = np.ndarray(shape, grad.dtype, grad, 0, (0,) * len(shape))
        out.flags.writeable = False
        return out
    return np.broadcast_to(grad, shape)


class Sum(Function):
    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        ctx.save_for_backward(a.shape, dim, keepdim)
        if dim is not None:
            ctx.node_name = "SumBackward1"
        return np.add.reduce(a, dim, dtype, out=ARRAY, keepdims=keepdim)  # (np.sum minus its Python wrapper)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, keepdim = ctx.saved_tensors
        return _expand_back(grad, shape, dim, keepdim), None, None, None


class Mean(Function):
    @staticmethod
    def forward(ctx, a, dim, keepdim, dtype):
        count = a.size if dim is None else int(np.prod([a.shape[d] for d in np.atleast_1d(dim)]))
        ctx.save_for_backward(a.shape, dim, keepdim, count)
        if dim is not None:
            ctx.node_name = "MeanBackward1"
        return np.asarray(np.mean(a, axis=dim, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        shape, dim, keepdim, count = ctx.saved_tensors
        return _expand_back(grad / count, shape, dim, keepdim), None, None, None


class MaxAll(Function):
    """`x.max()` / `x.min()` over all elements: ties share the gradient evenly, as torch does."""

    @staticmethod
    def forward(ctx, a, largest):
        out = np.asarray(a.max() if largest else a.min())
        ctx.save_for_backward(a, out)
        ctx.node_name = "MaxBackward1" if largest else "MinBackward1"
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        winners = a == out
        return grad * winners / winners.sum(), None


class MaxDim(Function):
    """`x.max(dim)` -> (values, indices); the gradient goes to the first winner of each slice."""

    @staticmethod
    def forward(ctx, a, dim, keepdim, largest):
        ctx.node_name = "MaxBackward0" if largest else "MinBackward0"
        if a.ndim == 0:  # a 0-d tensor is its own max; its index is 0
            ctx.save_for_backward((), dim, None)
            return a.copy(), np.zeros((), dtype=np.int64)
        indices = np.expand_dims(np.argmax(a, axis=dim) if largest else np.argmin(a, axis=dim), dim)
        values = np.take_along_axis(a, indices, axis=dim)
        ctx.save_for_backward(a.shape, dim, indices)
        if not keepdim:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return values, indices

    @staticmethod
    def backward(ctx, grad):
        shape, dim, indices = ctx.saved_tensors
        if indices is None:
            return grad, None, None, None
        full = np.zeros(shape, dtype=grad.dtype)
        np.put_along_axis(full, indices, grad.reshape(indices.shape), axis=dim)
        return full, None, None, None


class Softmax(Function):
    @staticmethod
    def forward(ctx, a, dim):
        # (initial=-inf: the max of an empty slice, so that an empty tensor gives an empty result)
        shifted = np.exp(a - a.max(axis=dim, keepdims=True, initial=-np.inf))
        out = shifted / shifted.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(out, dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, dim = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=dim, keepdims=True)), None


class LogSoftmax(Function):
    """log(softmax(x)) computed as x - max - log(sum(exp(x - max))): no overflow for logits of 1e4."""

    @staticmethod
    def forward(ctx, a, dim):
        shifted = a - a.max(axis=dim, keepdims=True, initial=-np.inf)
        with np.errstate(divide="ignore"):  # (an empty slice sums to 0; its log is never used)
            out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(out, dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, dim = ctx.saved_tensors
        return grad - np.exp(out) * grad.sum(axis=dim, keepdims=True), None


class Cumsum(Function):
    @staticmethod
    def forward(ctx, a, dim, dtype):
        ctx.save_for_backward(dim)
        return np.cumsum(a, axis=dim, dtype=dtype).reshape(a.shape)  # (reshape: a 0-d stays 0-d)

    @staticmethod
    def backward(ctx, grad):
        (dim,) = ctx.saved_tensors
        if grad.ndim == 0:
            return grad, None, None
        return np.flip(np.cumsum(np.flip(grad, dim), axis=dim), dim), None, None  # sums from the end
