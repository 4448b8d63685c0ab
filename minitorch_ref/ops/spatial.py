"""Rearranging and resampling images: pixel (un)shuffle, im2col / col2im (`unfold` / `fold`), interpolation.

- `pixel_shuffle` moves r * r channels into an r x r block of pixels (sub-pixel convolution upsampling), and
  `pixel_unshuffle` back: both are a reshape, a permutation and a reshape, so each one's backward is the other.
- `F.unfold` is the im2col of convolution (ops/conv.py's `windows`, flattened): every sliding block of the input
  as a column; `F.fold` sums columns back into an image (`col2im`, overlapping blocks add up). Each is the
  other's backward.
- `F.interpolate` resamples each spatial dim on its own (separably). Each output position reads one input
  position (nearest) or two, weighted (linear), or four (bicubic); `taps` below lists them per dim, computed
  as torch's kernels compute them (same float precision), and the backward adds the gradient back at the same
  positions.

The argument checks and torch's messages are in nn/functional.py; the rules here assume valid arguments.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .conv import col2im, crop_spatial, pad_spatial, windows
from .pointwise import opmath


# ====================================================================== pixel shuffle
def shuffle_pixels(x: np.ndarray, r: int) -> np.ndarray:
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r): out[c, h * r + i, w * r + j] = x[c * r * r + i * r + j, h, w]."""
    *batch, c, h, w = x.shape
    blocks = x.reshape(*batch, c // (r * r), r, r, h, w)
    k = len(batch)
    order = [*range(k), k, k + 3, k + 1, k + 4, k + 2]  # (C, H, i, W, j)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(*batch, c // (r * r), h * r, w * r)


def unshuffle_pixels(x: np.ndarray, r: int) -> np.ndarray:
    """The inverse of `shuffle_pixels`: (*, C, H * r, W * r) -> (*, C * r * r, H, W). (An empty x comes back as it
    is, shape included, as torch's kernel returns it.)"""
    if x.size == 0:
        return x.copy()
    *batch, c, hr, wr = x.shape
    blocks = x.reshape(*batch, c, hr // r, r, wr // r, r)
    k = len(batch)
    order = [*range(k), k, k + 2, k + 4, k + 1, k + 3]  # (C, i, j, H, W)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(*batch, c * r * r, hr // r, wr // r)


class PixelShuffle(Function):
    """`pixel_shuffle`: its backward is the unshuffle of the gradient."""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return shuffle_pixels(x, r)

    @staticmethod
    def backward(ctx, grad):
        return unshuffle_pixels(grad, ctx.r), None


class PixelUnshuffle(Function):
    """`pixel_unshuffle`: its backward is the shuffle of the gradient."""

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return unshuffle_pixels(x, r)

    @staticmethod
    def backward(ctx, grad):
        if grad.shape[-3] % (ctx.r * ctx.r):  # (an empty input's gradient, kept in its shape by the forward)
            raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                               f"of upscale_factor, but input.size(-3)={grad.shape[-3]} is not divisible by "
                               f"{ctx.r * ctx.r}")
        return shuffle_pixels(grad, ctx.r), None


# ====================================================================== im2col / col2im
def _im2col(x: np.ndarray, kernel: tuple, dilation: tuple, padding: tuple, stride: tuple) -> np.ndarray:
    """(N, C, H, W) -> (N, C * kH * kW, L): each sliding block a column, channel-major, L blocks row-major."""
    pads = [(p, p) for p in padding]
    patches = windows(pad_spatial(x, pads), kernel, stride, dilation)  # (N, C, oH, oW, kH, kW)
    n, c, oh, ow = patches.shape[:4]
    return np.ascontiguousarray(patches.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * kernel[0] * kernel[1], oh * ow)


def _col2im(cols: np.ndarray, size: tuple, kernel: tuple, dilation: tuple, padding: tuple,
            stride: tuple) -> np.ndarray:
    """(N, C * kH * kW, L) -> (N, C, *size): each column added back where its block was (overlaps add up)."""
    n, ckk, _ = cols.shape
    c = ckk // (kernel[0] * kernel[1])
    pads = [(p, p) for p in padding]
    padded = [s + 2 * p for s, p in zip(size, padding)]
    blocks = [(s - d * (k - 1) - 1) // st + 1 for s, k, st, d in zip(padded, kernel, stride, dilation)]
    windowed = cols.reshape(n, c, *kernel, *blocks).transpose(0, 1, 4, 5, 2, 3)  # (N, C, oH, oW, kH, kW)
    dtype = cols.dtype
    summed = col2im(opmath(windowed), tuple(padded), stride, dilation)  # (float16 added up in float32)
    return np.ascontiguousarray(crop_spatial(summed, pads, size)).astype(dtype, copy=False)


class Im2Col(Function):
    """`F.unfold` of x (N, C, H, W) or (C, H, W): the blocks as columns; its backward sums the columns'
    gradients back (col2im)."""

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        ctx.unbatched = x.ndim == 3  # (C, H, W): a batch of one
        x = x[None] if ctx.unbatched else x
        ctx.size, ctx.args = x.shape[2:], (kernel, dilation, padding, stride)
        out = _im2col(x, kernel, dilation, padding, stride)
        return out[0] if ctx.unbatched else out

    @staticmethod
    def backward(ctx, grad):
        grad_x = _col2im(grad[None] if ctx.unbatched else grad, ctx.size, *ctx.args)
        return grad_x[0] if ctx.unbatched else grad_x, None, None, None, None


class Col2Im(Function):
    """`F.fold` of columns (N, C * kH * kW, L) or (C * kH * kW, L): columns summed into an image; its backward
    reads each column's gradient back out (im2col)."""

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride):
        ctx.unbatched = cols.ndim == 2  # (C * kH * kW, L): a batch of one
        ctx.args = (kernel, dilation, padding, stride)
        out = _col2im(cols[None] if ctx.unbatched else cols, size, kernel, dilation, padding, stride)
        return out[0] if ctx.unbatched else out

    @staticmethod
    def backward(ctx, grad):
        grad_cols = _im2col(grad[None] if ctx.unbatched else grad, *ctx.args)
        return grad_cols[0] if ctx.unbatched else grad_cols, None, None, None, None, None


# ====================================================================== interpolation
def _scale(in_size: int, out_size: int, scale: float | None, dtype: type) -> np.floating:
    """torch's `compute_scales_value`: 1 / scale_factor when one was given (and is positive), else in / out."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(in_size) / dtype(out_size)


def nearest_taps(in_size: int, out_size: int, scale: float | None, exact: bool) -> np.ndarray:
    """The input index each output index reads, as torch's `nearest_idx` ('nearest': floor(dst * scale), with
    its shortcuts for out = in and out = 2 in) or `nearest_exact_idx` (floor((dst + 0.5) * scale)), in float32.
    As taps: ([indices], None), one tap without a weight."""
    dst = np.arange(out_size)
    if not exact and out_size == in_size:
        return [dst], None
    if not exact and out_size == 2 * in_size:
        return [dst >> 1], None
    s = _scale(in_size, out_size, scale, np.float32)
    if exact:  # ((dst + 0.5) is a double in torch's C++, the product too; floorf rounds it to a float first)
        src = ((dst + 0.5) * np.float64(s)).astype(np.float32)
    else:
        src = dst.astype(np.float32) * s
    return [np.minimum(np.floor(src).astype(np.int64), in_size - 1)], None


def linear_taps(in_size: int, out_size: int, align_corners: bool, scale: float | None,
                dtype: np.dtype) -> tuple:
    """([i0, i1], [w0, w1]): output index o is w0[o] * x[i0[o]] + w1[o] * x[i1[o]], as torch's
    `compute_source_index_and_lambda` (in float32 for float16 and float32 inputs, in float64 for float64)."""
    acc = np.float64 if dtype == np.float64 else np.float32
    dst = np.arange(out_size)
    if out_size == in_size:
        return [dst, dst], [np.ones(out_size, acc), np.zeros(out_size, acc)]
    i0, w1 = _source_index_and_lambda(in_size, out_size, align_corners, scale, acc, cubic=False)
    i1 = i0 + (i0 < in_size - 1)
    return [i0, i1], [(acc(1) - w1).astype(acc), w1]


def cubic_taps(in_size: int, out_size: int, align_corners: bool, scale: float | None, dtype: np.dtype) -> tuple:
    """([i-1, i, i+1, i+2], their 4 weights) of torch's bicubic kernel (Keys' cubic convolution, A = -0.75),
    the indices clamped to the input (its border pixels repeat)."""
    acc = np.float64 if dtype == np.float64 else np.float32
    i, t = _source_index_and_lambda(in_size, out_size, align_corners, scale, acc, cubic=True)
    a = acc(-0.75)

    def near(x):  # (|x| <= 1)
        return ((a + 2) * x - (a + 3)) * x * x + acc(1)

    def far(x):  # (1 < |x| < 2)
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    weights = [far(t + acc(1)), near(t), near(acc(1) - t), far(acc(1) - t + acc(1))]
    return [np.clip(i - 1 + j, 0, in_size - 1) for j in range(4)], [w.astype(acc) for w in weights]


def _source_index_and_lambda(in_size: int, out_size: int, align_corners: bool, scale: float | None, acc: type,
                             cubic: bool) -> tuple:
    """(i, t): output index o sits at input position i[o] + t[o] (t in [0, 1]), as torch's
    `area_pixel_compute_source_index` and `guard_index_and_lambda` (for linear modes a position below 0 is 0)."""
    dst = np.arange(out_size).astype(acc)
    if align_corners:
        ratio = acc(in_size - 1) / acc(out_size - 1) if out_size > 1 else acc(0)
        src = ratio * dst
    else:
        ratio = _scale(in_size, out_size, scale, acc)
        src = ratio * (dst + acc(0.5)) - acc(0.5)
        src = src if cubic else np.maximum(src, acc(0))
    i = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    return i, np.clip(src - i.astype(acc), acc(0), acc(1)).astype(acc)


def _along(x: np.ndarray, axis: int, taps: tuple) -> np.ndarray:
    """One spatial dim resampled: x's `axis` read at each tap's indices, weighted and added in order
    (nearest: one tap, no weight)."""
    indices, weights = taps
    if weights is None:
        return np.take(x, indices[0], axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    out = np.take(x, indices[0], axis=axis) * weights[0].reshape(shape)
    for index, weight in zip(indices[1:], weights[1:]):
        out += np.take(x, index, axis=axis) * weight.reshape(shape)
    return out


def _along_backward(grad: np.ndarray, axis: int, size: int, taps: tuple) -> np.ndarray:
    """`_along`'s backward: each output's gradient added (weighted) back at the indices it read."""
    indices, weights = taps
    moved = np.moveaxis(grad, axis, 0)
    out = np.zeros((size,) + moved.shape[1:], grad.dtype)
    shape = (-1,) + (1,) * (moved.ndim - 1)
    for k, index in enumerate(indices):
        np.add.at(out, index, moved if weights is None else moved * weights[k].reshape(shape))
    return np.moveaxis(out, 0, axis)


class Interpolate(Function):
    """`F.interpolate` ('nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic'): x (N, C, *size)
    resampled dim by dim, the last dim first (as torch's kernel nests its loops: for bilinear,
    h0 * (w0 * x00 + w1 * x01) + h1 * (w0 * x10 + w1 * x11)). `taps` holds one entry per spatial dim;
    `node_name` is torch's node for the mode and the number of dims (UpsampleBilinear2DBackward0...)."""

    @staticmethod
    def forward(ctx, x, taps, node_name):
        ctx.node_name, ctx.taps, ctx.shape = node_name, taps, x.shape
        out = x if taps[0][1] is None else opmath(x)  # (weighted modes: computed in float32 for float16)
        for axis in range(x.ndim - 1, 1, -1):
            out = _along(out, axis, taps[axis - 2])
        if x.dtype == np.uint8 and taps[0][1] is not None:  # (weighted uint8 pixels: rounded to the nearest)
            out = np.clip(np.floor(out + 0.5), 0, 255)
        return np.ascontiguousarray(out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        dtype = grad.dtype
        grad = opmath(grad)  # (float16 gradients added up in float32, as torch's kernels)
        for axis in range(2, grad.ndim):
            grad = _along_backward(grad, axis, ctx.shape[axis], ctx.taps[axis - 2])
        return grad.astype(dtype, copy=False), None, None
