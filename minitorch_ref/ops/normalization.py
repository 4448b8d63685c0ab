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


def _mean_and_var(x: np.ndarray, axes: tuple) -> tuple:
    """The mean and the biased variance over `axes` (kept as dims of 1); zeros for an empty input, as torch."""
    if not x.size:
        zeros = np.zeros([1 if d in axes else n for d, n in enumerate(x.shape)], x.dtype)
        return zeros, zeros
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    return mean, (centered * centered).mean(axis=axes, keepdims=True)


def _scale_and_shift(x_hat: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None) -> np.ndarray:
    """x_hat * weight + bias, with each of them only if given."""
    out = x_hat if weight is None else x_hat * weight
    return out if bias is None else out + bias


class LayerNorm(Function):
    """`F.layer_norm(x, shape, weight, bias, eps)` as one node (NativeLayerNormBackward0, as in torch)."""

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, a, n_dims, weight, bias, eps):
        ctx.input_dtype = a.dtype  # (float16 input, with float16 or float32 parameters: computed in float32, as torch)
        all_half = a.dtype == np.float16 and (weight is None or weight.dtype == np.float16)
        a, weight, bias = (None if v is None else opmath(v) for v in (a, weight, bias))
        axes = tuple(range(a.ndim - n_dims, a.ndim))
        mean, var = _mean_and_var(a, axes)  # (a negative eps gives nan, as torch)
        rstd = (1 / np.sqrt(var + eps)).astype(a.dtype, copy=False)
        shift = -rstd * mean
        x_hat = a * rstd + shift  # (torch's kernel computes x * scale + shift)
        if all_half:  # torch's backward then reads the mean and rstd it kept in float16
            mean, rstd = (v.astype(np.float16).astype(np.float32) for v in (mean, rstd))
            shift = -rstd * mean
        ctx.save_for_backward(a, rstd, shift, weight)
        ctx.axes = axes
        return _scale_and_shift(x_hat, weight, bias).astype(ctx.input_dtype, copy=False)

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


class BatchNorm(Function):
    """`F.batch_norm` as one node, its arguments in the order of torch's `native_batch_norm(x, weight, bias,
    running_mean, running_var, training, momentum, eps)` (so are its node's inputs: NativeBatchNormBackward0),
    per channel (dim 1) over the batch and every other dim.

    Training: the batch's mean and biased variance normalise x, and the running stats (when given) move
    towards the batch's mean and unbiased variance, in place (as torch's kernel does; no gradient flows
    into them). Evaluation: the running stats normalise x, and the output is an affine map of it.
    For x_hat = (x - mean) * rstd over N values per channel and g the upstream gradient, the input's
    gradient is (w * rstd / N) * (N*g - sum(g) - x_hat * sum(g * x_hat)) in training, w * rstd * g in eval.
    """

    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, a, weight, bias, running_mean, running_var, training, momentum, eps):
        x = opmath(a)  # (float16: in float32; weight and bias: one value per channel, of any shape, as in torch)
        w, b = (None if v is None else opmath(v).reshape(-1) for v in (weight, bias))
        axes = (0,) + tuple(range(2, a.ndim))  # every dim but the channels
        per_channel = (-1,) + (1,) * (a.ndim - 2)  # a (C,) vector broadcast against (N, C, ...)
        # the statistics' dtype: the parameters' (float32 for a float16 input with float32 ones), else the input's
        stats = next((v.dtype for v in (weight, bias, running_mean, running_var) if v is not None), a.dtype)
        if training:
            n = a.size // a.shape[1]
            # (sums in float64, torch's accumulation type on CPU, then rounded to the statistics' dtype)
            mean = x.mean(axis=axes, dtype=np.float64).astype(stats)
            centered = x - mean.reshape(per_channel)
            var_sum = (centered * centered).sum(axis=axes, dtype=np.float64).astype(stats)
            rstd = (1 / np.sqrt(var_sum / n + np.float64(eps))).astype(stats)
            if running_mean is not None:  # an exponential moving average (momentum = 1/k: a cumulative one)
                running_mean[...] = momentum * mean + (1 - momentum) * running_mean
                running_var[...] = momentum * (var_sum / (n - 1)) + (1 - momentum) * running_var
            mean, rstd = opmath(mean), opmath(rstd)
        else:
            mean = opmath(running_mean)
            rstd = 1 / np.sqrt(opmath(running_var) + mean.dtype.type(eps))
        ctx.save_for_backward(x, mean, rstd, w)
        ctx.training, ctx.axes, ctx.per_channel, ctx.input_dtype = training, axes, per_channel, a.dtype
        ctx.param_dtype = next((v.dtype for v in (weight, bias) if v is not None), None)
        ctx.weight_dims = None if weight is None else weight.ndim
        scale = rstd if w is None else rstd * w  # y = x * scale + shift (torch's kernel)
        shift = -mean * scale if b is None else b - mean * scale
        out = x * scale.reshape(per_channel).astype(x.dtype) + shift.reshape(per_channel).astype(x.dtype)
        return out.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if ctx.weight_dims not in (None, 1):  # (torch's backward kernel reads the weight as a vector)
            raise RuntimeError(f"TensorAccessor expected 1 dims but tensor has {ctx.weight_dims}")
        x, mean, rstd, w = ctx.saved_tensors
        g, axes, per_channel = opmath(grad), ctx.axes, ctx.per_channel
        x_hat = (x - mean.reshape(per_channel)) * rstd.reshape(per_channel)
        w_rstd = rstd if w is None else w * rstd
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            if ctx.training:
                n = x.size // x.shape[1]
                sum_g = g.sum(axis=axes).reshape(per_channel)
                sum_g_x_hat = (g * x_hat).sum(axis=axes).reshape(per_channel)
                grad_input = (w_rstd / n).reshape(per_channel) * (n * g - sum_g - x_hat * sum_g_x_hat)
            else:
                grad_input = g * w_rstd.reshape(per_channel)
            grad_input = grad_input.astype(ctx.input_dtype, copy=False)
        if ctx.needs_input_grad[1]:
            grad_weight = (g * x_hat).sum(axis=axes).astype(ctx.param_dtype, copy=False)
        if ctx.needs_input_grad[2]:  # (per channel: the engine checks it fits the bias's shape, as torch's)
            grad_bias = g.sum(axis=axes).astype(ctx.param_dtype, copy=False)
        return grad_input, grad_weight, grad_bias, None, None, None, None, None


class GroupNorm(Function):
    """`F.group_norm(x, groups, weight, bias, eps)` as one node (NativeGroupNormBackward0, as in torch): the
    channels of each sample split into `groups`, each group standardised over its channels and positions,
    then `* weight + bias` per channel. The input's gradient is the layer norm's, per group."""

    node_name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, a, weight, bias, groups, eps):
        ctx.input_dtype, ctx.param_dtype = a.dtype, (a.dtype if weight is None else weight.dtype)
        ctx.group_shape = (a.shape[0], groups, a.size // max(a.shape[0] * groups, 1))
        x = opmath(a).reshape(ctx.group_shape)  # (N, G, the group's channels and positions)
        mean, var = _mean_and_var(x, (2,))
        rstd = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        x_hat = ((x - mean) * rstd).reshape(a.shape)
        per_channel = (-1,) + (1,) * (a.ndim - 2)  # a (C,) vector broadcast against (N, C, ...)
        w, b = (None if v is None else opmath(v).reshape(per_channel) for v in (weight, bias))
        ctx.save_for_backward(a, x_hat, rstd, w)  # (the input only to check, as torch, that it is not changed in place)
        return _scale_and_shift(x_hat, w, b).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        _, x_hat, rstd, w = ctx.saved_tensors
        g = opmath(grad)
        axes = (0, *range(2, g.ndim))  # every dim but the channels
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            gw = (g if w is None else g * w).reshape(ctx.group_shape)
            xg = x_hat.reshape(gw.shape)
            grad_input = (rstd * (gw - gw.mean(axis=-1, keepdims=True) - xg * (gw * xg).mean(axis=-1, keepdims=True))
                          if gw.size else gw)
            grad_input = grad_input.reshape(g.shape).astype(ctx.input_dtype, copy=False)
        if ctx.needs_input_grad[1]:
            grad_weight = (g * x_hat).sum(axis=axes).astype(ctx.param_dtype, copy=False)
        if ctx.needs_input_grad[2]:
            grad_bias = g.sum(axis=axes).astype(ctx.param_dtype, copy=False)
        return grad_input, grad_weight, grad_bias, None, None


class WeightNorm(Function):
    """`torch._weight_norm(v, g, dim)` for `dim` 0 or the last dim, as one node (WeightNormInterfaceBackward0, as
    torch's fused kernel): w = v * g / ||v||, the norm taken over every dim but `dim`, so that each slice along
    `dim` has length g. The gradient of v is (g / ||v||) (grad - v (grad . v) / ||v||^2): the part of grad along v
    is removed, since w does not change when v only grows."""

    node_name = "WeightNormInterfaceBackward0"

    @staticmethod
    def forward(ctx, v, g, dim):
        axes = tuple(d for d in range(v.ndim) if d != dim)
        x = opmath(v)
        norm = np.sqrt((x * x).sum(axis=axes, keepdims=True))
        gain = opmath(g).reshape(norm.shape)
        ctx.axes, ctx.g_shape, ctx.g_dtype = axes, g.shape, g.dtype
        ctx.save_for_backward(v, gain, norm)
        return (x * (gain / norm)).astype(v.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        v, gain, norm = ctx.saved_tensors
        x, g = opmath(v), opmath(grad)
        along = (g * x).sum(axis=ctx.axes, keepdims=True)  # grad . v, per slice
        grad_v = grad_g = None
        if ctx.needs_input_grad[0]:
            grad_v = ((gain / norm) * (g - x * (along / (norm * norm)))).astype(v.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            grad_g = (along / norm).reshape(ctx.g_shape).astype(ctx.g_dtype, copy=False)
        return grad_v, grad_g, None
