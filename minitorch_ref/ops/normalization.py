"""Layer normalisation: each sample standardised over its last dims, then scaled and shifted.

For x_hat = (x - mean) * rstd over N elements, the gradient of the input is
rstd * (g - mean(g) - x_hat * mean(g * x_hat)), with g the upstream gradient times the weight.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .pointwise import opmath


def _fused_multiply_add(a, b, c):
    """a * b + c rounded once, as the fused (FMA) instruction in torch's CPU backward kernel: float32
    values multiply exactly in float64, so float32 results round as torch's do."""
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    return a * b + c


class LayerNorm(Function):
    """`F.layer_norm(x, shape, weight, bias, eps)` as one node (NativeLayerNormBackward0, as in torch)."""

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, a, n_dims, weight, bias, eps):
        ctx.input_dtype = a.dtype  # (float16 input, with float16 or float32 parameters: computed in float32, as torch)
        all_half = a.dtype == np.float16 and (weight is None or weight.dtype == np.float16)
        a, weight, bias = (None if v is None else opmath(v) for v in (a, weight, bias))
        axes = tuple(range(a.ndim - n_dims, a.ndim))
        # (an empty batch has mean 0; a negative eps gives nan, as torch)
        mean = a.mean(axis=axes, keepdims=True) if a.size else np.zeros(a.shape[:a.ndim - n_dims] + (1,) * n_dims,
                                                                       a.dtype)
        centered = a - mean
        var = (centered * centered).mean(axis=axes, keepdims=True) if a.size else mean
        rstd = (1 / np.sqrt(var + eps)).astype(a.dtype, copy=False)
        shift = -rstd * mean
        x_hat = a * rstd + shift  # (torch's kernel computes x * scale + shift)
        if all_half:  # torch's backward then reads the mean and rstd it kept in float16
            mean, rstd = (v.astype(np.float16).astype(np.float32) for v in (mean, rstd))
            shift = -rstd * mean
        ctx.save_for_backward(a, rstd, shift, weight)
        ctx.axes = axes
        out = x_hat if weight is None else x_hat * weight
        out = out if bias is None else out + bias
        return out.astype(ctx.input_dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, rstd, shift, weight = ctx.saved_tensors
        grad = opmath(grad)
        x_hat = _fused_multiply_add(a, rstd, shift)  # (torch's backward kernel: fused, so float32 rounds alike)
        axes = ctx.axes
        g = grad * weight if weight is not None else grad
        grad_input = None
        if ctx.needs_input_grad[0]:
            grad_input = rstd * (g - g.mean(axis=axes, keepdims=True)
                                 - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) if g.size else g
            grad_input = grad_input.astype(ctx.input_dtype, copy=False)
        # weight and bias were broadcast over the batch dims: the engine sums these back
        grad_weight = grad * x_hat if ctx.needs_input_grad[2] else None
        grad_bias = grad if ctx.needs_input_grad[3] else None
        return grad_input, None, grad_weight, grad_bias, None
