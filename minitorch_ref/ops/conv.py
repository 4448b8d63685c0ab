"""Convolution and pooling, the textbook way: im2col.

Every output position of a convolution looks at one window ("patch") of the input. NumPy can show
all the windows at once as a *view* of the padded input (`windows`, no copy: only new strides), of
shape (N, C, *out, *kernel). Then:

- convolution = one matrix product of the patches with the weight (`np.tensordot` over the input
  channels and the kernel positions: the copy it makes of the patches is the "im2col" matrix);
- its backward: grad_weight = patches^T @ grad, grad_input = the patches' gradient (grad @ weight)
  summed back into the input, window by window (`col2im`: overlapping windows add up);
- a transposed convolution (conv_transpose1d/2d) is that input gradient used as a forward: its own backward
  is then the convolution itself (for its input) and the convolution's weight gradient, roles swapped;
- max pooling = the argmax of each window, avg pooling = the mean of each window; their backward
  puts the gradient back into the windows (at the argmax, or spread evenly) and uses `col2im` too.

The functions work for any number of spatial dims (conv1d: 1, conv2d: 2, conv3d: 3; the pooling rules
too, each named after torch's node by a small subclass: `MaxPool3d(MaxPool)`). Input checks and
torch's error messages are in nn/functional.py; the rules here assume valid arguments.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..autograd.function import Function
from .pointwise import opmath  # (float16 computed in float32, as torch's CPU kernels accumulate)


# ====================================================================== helpers
def pad_spatial(x: np.ndarray, pads: list, value: float = 0) -> np.ndarray:
    """`x` (N, C, *spatial) with `pads[i] = (before, after)` values added around spatial dim i."""
    if not any(before or after for before, after in pads):
        return x
    return np.pad(x, [(0, 0), (0, 0), *pads], constant_values=value)


def windows(x: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """All the windows of `x` (N, C, *spatial) as a read-only view of shape (N, C, *out, *kernel).

    Window o, kernel position k reads x[..., o * stride + k * dilation]: a step of `stride` elements
    between windows and of `dilation` elements inside a window, which `as_strided` expresses with
    strides alone (no data is copied).
    """
    n, c, *size = x.shape
    out = [(s - d * (k - 1) - 1) // st + 1 for s, k, st, d in zip(size, kernel, stride, dilation)]
    step = x.strides[2:]
    strides = (*x.strides[:2], *[e * st for e, st in zip(step, stride)], *[e * d for e, d in zip(step, dilation)])
    return np.lib.stride_tricks.as_strided(x, (n, c, *out, *kernel), strides, writeable=False)


def col2im(cols: np.ndarray, padded_size: tuple, stride: tuple, dilation: tuple) -> np.ndarray:
    """The reverse of `windows`: `cols` (N, C, *out, *kernel) summed into an array (N, C, *padded_size).

    One slice per kernel position k: the values of all windows at k land on the input elements
    k * dilation + o * stride, o = 0, 1, ... (every `stride`-th element), so each kernel position is
    one strided slice, and overlapping windows add up.
    """
    d = len(padded_size)
    out_size, kernel = cols.shape[2:2 + d], cols.shape[2 + d:]
    x = np.zeros(cols.shape[:2] + tuple(padded_size), dtype=cols.dtype)
    for k in np.ndindex(*kernel):
        target = tuple(slice(ki * di, ki * di + (oi - 1) * si + 1, si)
                       for ki, di, oi, si in zip(k, dilation, out_size, stride))
        x[(..., *target)] += cols[(..., *k)]
    return x


def crop_spatial(x: np.ndarray, pads: list, size: tuple) -> np.ndarray:
    """The part of a padded array (N, C, *padded) that is the original input (N, C, *size)."""
    return x[(..., *[slice(before, before + s) for (before, _), s in zip(pads, size)])]


# ====================================================================== convolution
def convolve(x: np.ndarray, weight: np.ndarray, stride: tuple, pads: tuple, dilation: tuple,
             groups: int) -> np.ndarray:
    """out[n, o] = sum over c, k of weight[o, c, k] * x_pad[n, c, o*s + k*d] (no bias): x (N, C, *size) with
    weight (O, C / groups, *kernel) -> (N, O, *out), computed (and returned) in float32 for float16."""
    x, weight = opmath(x), opmath(weight)
    d = weight.ndim - 2  # number of spatial dims
    patches = windows(pad_spatial(x, pads), weight.shape[2:], stride, dilation)  # (N, C, *out, *kernel)
    # Per group: contract the group's input channels and the kernel positions with the weight.
    c_per_group, o_per_group = x.shape[1] // groups, weight.shape[0] // groups
    contracted = [1, *range(2 + d, 2 + 2 * d)]  # (channel, *kernel) of the patches
    outs = []
    for g in range(groups):
        p = patches[:, g * c_per_group:(g + 1) * c_per_group]
        w = weight[g * o_per_group:(g + 1) * o_per_group]
        outs.append(np.tensordot(p, w, axes=(contracted, [1, *range(2, 2 + d)])))  # (N, *out, O/G)
    out = np.concatenate(outs, axis=-1) if groups > 1 else outs[0]
    return np.moveaxis(out, -1, 1)  # (N, O, *out)


def convolve_input_grad(grad: np.ndarray, weight: np.ndarray, size: tuple, stride: tuple, pads: tuple,
                        dilation: tuple, groups: int) -> np.ndarray:
    """d(loss)/d(x) of `convolve` for an x of spatial `size`, from grad (N, O, *out): each window's gradient
    (grad over O times the weight) summed back into x (`col2im`), in float32 for float16. It is also the
    transposed convolution of `grad` (its forward)."""
    grad, weight = opmath(grad), opmath(weight)
    d = weight.ndim - 2
    o_per_group = weight.shape[0] // groups
    cols = []
    for g in range(groups):
        gg = grad[:, g * o_per_group:(g + 1) * o_per_group]
        w = weight[g * o_per_group:(g + 1) * o_per_group]
        col = np.tensordot(gg, w, axes=([1], [0]))  # (N, *out, C/G, *kernel)
        cols.append(np.moveaxis(col, 1 + d, 1))  # (N, C/G, *out, *kernel)
    cols = np.concatenate(cols, axis=1) if groups > 1 else cols[0]
    padded_size = tuple(s + before + after for s, (before, after) in zip(size, pads))
    return crop_spatial(col2im(cols, padded_size, stride, dilation), pads, size)


def convolve_weight_grad(x: np.ndarray, grad: np.ndarray, kernel: tuple, stride: tuple, pads: tuple,
                         dilation: tuple, groups: int) -> np.ndarray:
    """d(loss)/d(weight) of `convolve`, (O, C / groups, *kernel), in grad's dtype: each weight meets every
    patch of x, so the patches summed, weighted by grad (over N and the output positions)."""
    out_dtype = grad.dtype
    x, grad = opmath(x), opmath(grad)
    spatial = list(range(2, 2 + len(kernel)))
    c_per_group, o_per_group = x.shape[1] // groups, grad.shape[1] // groups
    patches = windows(pad_spatial(x, pads), kernel, stride, dilation)
    parts = []
    for g in range(groups):
        gg = grad[:, g * o_per_group:(g + 1) * o_per_group]
        p = patches[:, g * c_per_group:(g + 1) * c_per_group]
        parts.append(np.tensordot(gg, p, axes=([0, *spatial], [0, *spatial])))  # (O/G, C/G, *kernel)
    return (np.concatenate(parts, axis=0) if groups > 1 else parts[0]).astype(out_dtype, copy=False)


def _finish(out: np.ndarray, bias: np.ndarray | None, dtype: np.dtype) -> np.ndarray:
    """A convolution's result (N, O, *spatial), computed in float32 for float16: bias[o] added to channel o,
    then rounded once to `dtype`."""
    if bias is not None:
        out = out + opmath(bias).reshape(-1, *[1] * (out.ndim - 2))
    return np.ascontiguousarray(out).astype(dtype, copy=False)


def _bias_grad(grad: np.ndarray) -> np.ndarray:
    """d(loss)/d(bias): grad summed over the samples and the positions."""
    return opmath(grad).sum(axis=(0, *range(2, grad.ndim))).astype(grad.dtype, copy=False)


class Convolution(Function):
    """`F.conv1d` / `F.conv2d`: out[n, o] = bias[o] + sum over c, k of weight[o, c, k] * x_pad[n, c, o*s + k*d].

    `pads` holds (before, after) per spatial dim (asymmetric for padding='same' with an even kernel).
    With `groups` > 1 the channels are split into `groups` independent convolutions.
    """

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups):
        ctx.save_for_backward(x, weight)  # (as given: torch checks they are not changed in place before backward)
        ctx.stride, ctx.pads, ctx.dilation, ctx.groups = stride, pads, dilation, groups
        return _finish(convolve(x, weight, stride, pads, dilation, groups), bias, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        args = ctx.stride, ctx.pads, ctx.dilation, ctx.groups
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = _finish(convolve_input_grad(grad, weight, x.shape[2:], *args), None, grad.dtype)
        if ctx.needs_input_grad[1]:
            grad_w = convolve_weight_grad(x, grad, weight.shape[2:], *args)
        if ctx.needs_input_grad[2]:
            grad_b = _bias_grad(grad)
        return grad_x, grad_w, grad_b, None, None, None, None


class ConvolutionTranspose(Function):
    """`F.conv_transpose1d` / `F.conv_transpose2d`: the gradient of a convolution with respect to its input,
    used as a layer. x (N, C_in, *size) is read as the gradient of a convolution's output and the weight
    (C_in, C_out / groups, *kernel) as that convolution's; the result (N, C_out, *out_size) is the gradient of
    its input, out_size = (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1.
    So its backward is that convolution's forward (for x) and its weight gradient (roles swapped)."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups, out_size):
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.pads, ctx.dilation, ctx.groups = stride, pads, dilation, groups
        return _finish(convolve_input_grad(x, weight, out_size, stride, pads, dilation, groups), bias, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        # The convolution of the padded gradient, cut to the span its x's windows cover: past it (output_padding)
        # are output positions that only the bias reached.
        spans = [(s - 1) * st + d * (k - 1) + 1 for s, st, d, k in zip(x.shape[2:], ctx.stride, ctx.dilation,
                                                                      weight.shape[2:])]
        windowed = pad_spatial(grad, ctx.pads)[(..., *[slice(0, n) for n in spans])]
        args = ctx.stride, ((0, 0),) * len(spans), ctx.dilation, ctx.groups
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = _finish(convolve(windowed, weight, *args), None, grad.dtype)
        if ctx.needs_input_grad[1]:
            grad_w = convolve_weight_grad(windowed, x, weight.shape[2:], *args)
        if ctx.needs_input_grad[2]:
            grad_b = _bias_grad(grad)
        return grad_x, grad_w, grad_b, None, None, None, None, None


class EmptyConvolution(Function):
    """A convolution of an input without samples or without channels: `out`, the empty result that
    nn/functional.py's `_empty_convolution` made as torch does; nothing reaches the input, the weight or
    the bias, so their gradients are zeros (torch's node for this path too: ConvolutionBackward0)."""

    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, out):
        ctx.given = [(v.shape, v.dtype) for v in (x, weight, bias) if v is not None]
        return out

    @staticmethod
    def backward(ctx, grad):
        zeros = [np.zeros(shape, dtype) for shape, dtype in ctx.given]
        return *zeros, *[None] * (4 - len(zeros))


# ====================================================================== pooling
def _pool_pads(size: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, out: tuple) -> list:
    """(before, after) per spatial dim: `padding` on both sides, plus what the last window of
    ceil_mode reaches past that (it is clipped: it only sees the input and the padding)."""
    pads = []
    for s, k, st, p, d, o in zip(size, kernel, stride, padding, dilation, out):
        needed = (o - 1) * st + d * (k - 1) + 1  # the padded length the `o` windows span
        pads.append((p, max(p, needed - s - p)))
    return pads


def _max_position(win: np.ndarray) -> np.ndarray:
    """Where the maximum of each window (the last axis) is, as torch's kernels pick it: the first maximum
    (np.argmax also stops at the first NaN); with several NaNs, the last one."""
    k = win.argmax(axis=-1)
    if win.dtype.kind == "f":
        is_nan = np.isnan(win)
        last_nan = is_nan.shape[-1] - 1 - is_nan[..., ::-1].argmax(axis=-1)
        k = np.where(is_nan.any(axis=-1), last_nan, k)
    return k


class MaxPool(Function):
    """`F.max_pool2d` / `F.max_pool3d` (one rule for any number of spatial dims, `len(kernel)`): the maximum
    of each window; its gradient goes to that element (the first maximum, in row-major order, on ties; a NaN
    is a maximum, the last one of the window when there are several, as torch's kernel). Returns (values,
    indices into each input plane of H * W, or D * H * W, elements)."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, dilation, out_size):
        d = len(kernel)
        ctx.unbatched = x.ndim == d + 1  # (C, *spatial): pooled as a batch of one
        given, x = x, (x[None] if ctx.unbatched else x)
        pads = _pool_pads(x.shape[2:], kernel, stride, padding, dilation, out_size)
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min  # (padding never wins)
        win = windows(pad_spatial(x, pads, lowest), kernel, stride, dilation)
        win = win.reshape(win.shape[:2 + d] + (int(np.prod(kernel)),))  # (N, C, *out, kernel positions)
        k = _max_position(win)
        # A window whose maximum is the lowest value (-inf) may have picked padding: torch's kernel keeps its
        # starting element then, the first kernel position along each dim at or past 0 (in the input, or, for a
        # window of dilated steps that skip over the whole input, past its end: an index outside the plane, as
        # torch's).
        first = 0
        for i in range(d):
            start = (np.maximum(padding[i] - np.arange(out_size[i]) * stride[i], 0) + dilation[i] - 1) // dilation[i]
            first = first * kernel[i] + _along(start, i, d)
        k = np.where(np.take_along_axis(win, k[..., None], -1)[..., 0] == lowest, first, k)
        values = np.take_along_axis(win, k[..., None], -1)[..., 0]
        # The index into the input plane: (row * W + column) of the chosen element, for any number of dims.
        positions, rest = [], k
        for i in range(d - 1, 0, -1):
            rest, position = np.divmod(rest, kernel[i])
            positions.insert(0, position)
        positions.insert(0, rest)
        indices = 0
        for i in range(d):
            coordinate = _along(np.arange(out_size[i]) * stride[i] - padding[i], i, d) + positions[i] * dilation[i]
            indices = indices * x.shape[2 + i] + coordinate
        ctx.save_for_backward(given, k)  # (the input only to check, as torch, that it is not changed in place)
        ctx.shape, ctx.pads, ctx.kernel, ctx.stride, ctx.dilation = x.shape, pads, kernel, stride, dilation
        indices = np.asarray(indices).astype(np.int64)
        return (values[0], indices[0]) if ctx.unbatched else (values, indices)

    @staticmethod
    def backward(ctx, grad):
        _, k = ctx.saved_tensors
        grad = grad[None] if ctx.unbatched else grad
        # Each output's gradient into its window, at the chosen position; then the windows summed back.
        cols = np.zeros(grad.shape + (int(np.prod(ctx.kernel)),), dtype=grad.dtype)
        np.put_along_axis(cols, k[..., None], grad[..., None], axis=-1)
        cols = cols.reshape(grad.shape + tuple(ctx.kernel))
        padded_size = tuple(s + before + after for s, (before, after) in zip(ctx.shape[2:], ctx.pads))
        grad_x = crop_spatial(col2im(cols, padded_size, ctx.stride, ctx.dilation), ctx.pads, ctx.shape[2:])
        return np.ascontiguousarray(grad_x[0] if ctx.unbatched else grad_x), None, None, None, None, None


def _along(values: np.ndarray, i: int, d: int) -> np.ndarray:
    """A vector of values for output positions along spatial dim `i` of `d`, shaped to broadcast over them."""
    return values.reshape([-1 if j == i else 1 for j in range(d)])


class MaxPool2d(MaxPool):
    node_name = "MaxPool2DWithIndicesBackward0"


class MaxPool3d(MaxPool):
    node_name = "MaxPool3DWithIndicesBackward0"


class AvgPool(Function):
    """`F.avg_pool2d` / `F.avg_pool3d` (any number of spatial dims): the mean of each window. The divisor is
    the window's size, clipped to the padded input (count_include_pad=True), or the number of input elements
    in it (False), or `divisor_override`."""

    @staticmethod
    def forward(ctx, x, kernel, stride, padding, out_size, ceil_mode, count_include_pad, divisor_override):
        d = len(kernel)
        dilation = (1,) * d
        ctx.unbatched = x.ndim == d + 1  # (C, *spatial): pooled as a batch of one
        given, x = x, (x[None] if ctx.unbatched else x)
        pads = _pool_pads(x.shape[2:], kernel, stride, padding, dilation, out_size)
        dtype = x.dtype
        acc = x.astype(np.float32 if x.dtype == np.float16 else x.dtype, copy=False)
        window_axes = tuple(range(-d, 0))
        sums = windows(pad_spatial(acc, pads), kernel, stride, dilation).sum(axis=window_axes)
        if divisor_override:
            divisor = np.array(divisor_override)
        else:
            # Count the elements each window covers: ones over the padded input (or the input only).
            size = x.shape[2:]
            counted = np.zeros((1, 1, *[s + before + after for s, (before, after) in zip(size, pads)]), np.int64)
            if count_include_pad:
                counted[(..., *[slice(0, s + 2 * p) for s, p in zip(size, padding)])] = 1
            else:
                counted[(..., *[slice(p, p + s) for s, p in zip(size, padding)])] = 1
            divisor = windows(counted, kernel, stride, dilation).sum(axis=window_axes)[0, 0]
        ctx.save_for_backward(given, divisor)  # (the input only to check, as torch, that it is not changed in place)
        ctx.shape, ctx.pads, ctx.kernel, ctx.stride = x.shape, pads, kernel, stride
        if dtype.kind in "iu":  # (integers: torch divides and truncates toward zero)
            out = np.trunc(sums / divisor).astype(dtype)
        else:
            out = (sums / divisor).astype(dtype, copy=False)
        return out[0] if ctx.unbatched else out

    @staticmethod
    def backward(ctx, grad):
        _, divisor = ctx.saved_tensors
        d = len(ctx.kernel)
        grad = grad[None] if ctx.unbatched else grad
        # Each output's gradient, divided by its divisor, to every element of its window.
        share = (grad / divisor).astype(grad.dtype, copy=False)
        cols = np.broadcast_to(share[(..., *[None] * d)], grad.shape + tuple(ctx.kernel))
        padded_size = tuple(s + before + after for s, (before, after) in zip(ctx.shape[2:], ctx.pads))
        grad_x = crop_spatial(col2im(cols, padded_size, ctx.stride, (1,) * d), ctx.pads, ctx.shape[2:])
        return np.ascontiguousarray(grad_x[0] if ctx.unbatched else grad_x), *[None] * 7


class AvgPool2d(AvgPool):
    node_name = "AvgPool2DBackward0"


class AvgPool3d(AvgPool):
    node_name = "AvgPool3DBackward0"


# ====================================================================== adaptive pooling
def adaptive_windows(size: int, out: int) -> list:
    """torch's windows of an adaptive pooling along a dim of `size`: window i covers
    [floor(i * size / out), ceil((i + 1) * size / out)); they tile the dim, overlapping when they must."""
    return [slice(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _check_grad_output(grad: np.ndarray, function: str) -> None:
    """torch's check in an adaptive pooling's backward: only the batch (dim 0) of the gradient may be empty."""
    for d in range(1, grad.ndim):
        if grad.shape[d] == 0:
            raise RuntimeError(f"{function}(): Expected grad_output to have non-zero size for non-batch dimensions, "
                               f"but grad_output has sizes {list(grad.shape)} with dimension {d} being empty")


def _adaptive_cells(size: tuple, out_size: tuple):
    """Each output position of an adaptive pooling over spatial sizes `size`, with its window (a slice per dim)."""
    per_dim = [list(enumerate(adaptive_windows(s, o))) for s, o in zip(size, out_size)]
    for cell in itertools.product(*per_dim):
        yield tuple(i for i, _ in cell), tuple(window for _, window in cell)


class AdaptiveAvgPool(Function):
    """`F.adaptive_avg_pool2d` / `3d`: the mean of each window (`adaptive_windows` along each of the last
    `len(out_size)` dims); its backward spreads each output's gradient evenly over its window."""

    @staticmethod
    def forward(ctx, x, out_size):
        d = len(out_size)
        ctx.save_for_backward(x)  # (only to check, as torch, that it is not changed in place)
        ctx.shape, ctx.out_size = x.shape, out_size
        acc = opmath(x)  # (float16 summed in float32, as torch's kernel)
        out = np.empty(x.shape[:-d] + tuple(out_size), acc.dtype)
        for position, cell in _adaptive_cells(x.shape[-d:], out_size):
            lengths = [window.stop - window.start for window in cell]
            window = acc[(..., *cell)].reshape(x.shape[:-d] + (int(np.prod(lengths)),))
            total = window.cumsum(axis=-1)[..., -1]  # (added in order, as torch's loop: np.sum adds in pairs)
            for length in lengths:  # (divided by each length in turn, as torch's kernel)
                total = total / length
            out[(..., *position)] = total
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        _ = ctx.saved_tensors  # (reading them checks their versions)
        d = len(ctx.out_size)
        _check_grad_output(grad, f"adaptive_avg_pool{d}d_backward")
        grad_x = np.zeros(ctx.shape, grad.dtype)  # (in the gradient's dtype, rounded at each step, as torch's kernel)
        for position, cell in _adaptive_cells(ctx.shape[-d:], ctx.out_size):
            share = grad[(..., *position)]
            for window in cell:
                share = share / (window.stop - window.start)
            grad_x[(..., *cell)] += share[(..., *[None] * d)]
        return grad_x, None


class AdaptiveAvgPool2d(AdaptiveAvgPool):
    node_name = "AdaptiveAvgPool2DBackward0"


class AdaptiveAvgPool3d(AdaptiveAvgPool):
    node_name = "AdaptiveAvgPool3DBackward0"


class AdaptiveMaxPool(Function):
    """`F.adaptive_max_pool2d` / `3d`: the maximum of each window (`adaptive_windows`) of the last
    `len(out_size)` dims, and its index in that plane (ties and NaNs as `_max_position`); the backward adds each
    output's gradient there."""

    @staticmethod
    def forward(ctx, x, out_size):
        d = len(out_size)
        size = x.shape[-d:]
        values = np.empty(x.shape[:-d] + tuple(out_size), x.dtype)
        indices = np.empty(values.shape, np.int64)
        for position, cell in _adaptive_cells(size, out_size):
            lengths = [window.stop - window.start for window in cell]
            window = x[(..., *cell)].reshape(x.shape[:-d] + (int(np.prod(lengths)),))  # (its elements in a row)
            k = _max_position(window)
            values[(..., *position)] = np.take_along_axis(window, k[..., None], -1)[..., 0]
            offsets = np.unravel_index(k, lengths)  # (where in the window, per dim)
            index = 0
            for window_, offset, s in zip(cell, offsets, size):
                index = index * s + window_.start + offset
            indices[(..., *position)] = index
        ctx.save_for_backward(x, indices)  # (reading the input checks, as torch, that it is not changed in place)
        ctx.dims = d
        return values, indices

    @staticmethod
    def backward(ctx, grad):
        x, indices = ctx.saved_tensors
        d = ctx.dims
        _check_grad_output(grad, f"adaptive_max_pool{d}d_backward")
        planes, outputs = int(np.prod(x.shape[:-d])), int(np.prod(grad.shape[-d:]))
        grad_x = np.zeros((planes, int(np.prod(x.shape[-d:]))), grad.dtype)
        np.add.at(grad_x, (np.arange(planes)[:, None], indices.reshape(planes, outputs)), grad.reshape(planes, outputs))
        return grad_x.reshape(x.shape), None


class AdaptiveMaxPool2d(AdaptiveMaxPool):
    node_name = "AdaptiveMaxPool2DBackward0"


class AdaptiveMaxPool3d(AdaptiveMaxPool):
    node_name = "AdaptiveMaxPool3DBackward0"


# ====================================================================== max unpooling
class MaxUnpool(Function):
    """`F.max_unpool2d` / `F.max_unpool3d` (any number of spatial dims, `len(out_size)`): a partial inverse of
    max pooling. Each input value goes to its index in a zero output plane of `out_size` (indices as max_pool's
    return_indices gives them: into each plane of H * W, or D * H * W, elements); the gradient of each input
    value is the output gradient read back at its index (torch's `max_pool_double_backward`)."""

    @staticmethod
    def forward(ctx, x, indices, out_size):
        d = len(out_size)
        lead = x.shape[:-d]  # (C,) or (N, C)
        flat_x = x.reshape(lead + (int(np.prod(x.shape[-d:])),))  # (sizes spelled out: a batch may be empty)
        flat_i = indices.reshape(flat_x.shape)
        out = np.zeros(lead + (int(np.prod(out_size)),), dtype=x.dtype)
        np.put_along_axis(out, flat_i, flat_x, axis=-1)
        ctx.save_for_backward(flat_i)
        ctx.in_shape, ctx.out_plane = x.shape, out.shape[-1]
        return out.reshape(lead + tuple(out_size))

    @staticmethod
    def backward(ctx, grad):
        (flat_i,) = ctx.saved_tensors
        flat_grad = grad.reshape(flat_i.shape[:-1] + (ctx.out_plane,))
        return np.take_along_axis(flat_grad, flat_i, axis=-1).reshape(ctx.in_shape), None, None


class MaxUnpool2d(MaxUnpool):
    node_name = "MaxUnpool2DBackward0"


class MaxUnpool3d(MaxUnpool):
    node_name = "MaxUnpool3DBackward0"
