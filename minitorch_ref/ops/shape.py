"""Ops that move elements around without changing them: the backward moves the gradient back."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as dt
from ..autograd.engine import sum_to_shape
from ..autograd.function import Function, ViewFunction, memory_owner
from ..autograd.inplace import Positions
from .pointwise import laid_out, opmath, suggested_format


_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans across "
               "two contiguous subspaces). Use .reshape(...) instead.")


def check_broadcast(sa: tuple, sb: tuple) -> None:
    """torch's message for shapes that cannot broadcast (NumPy's would not name the dimension)."""
    if sa == sb:
        return
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = max(len(sa), len(sb)) - i
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}"
            )


class View(ViewFunction):
    """reshape / view / flatten: the gradient is reshaped back to the input's shape.

    Like torch, NumPy reshapes without copying whenever the strides allow it; `view` (the
    method) insists on that, `reshape` copies when it must. torch names the three cases
    ViewBackward0 (contiguous input), ReshapeAliasBackward0 (strided, no copy) and
    UnsafeViewBackward0 (copied).
    """

    @staticmethod
    def forward(ctx, a, shape, method="reshape"):
        ctx.input_shape = a.shape
        out = a.reshape(shape)
        if not a.flags.c_contiguous:
            shares = np.may_share_memory(out, a)
            if method == "view" and not shares:
                raise RuntimeError(_VIEW_ERROR)
            if method == "reshape":
                ctx.node_name = "ReshapeAliasBackward0" if shares else "UnsafeViewBackward0"
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape), None, None


def expanded_strides(a: np.ndarray, shape: tuple) -> tuple:
    """torch's strides (in bytes) of `a` expanded to `shape`: 0 along each stretched dim; a new dim of size 1
    steps over the dims inside it (NumPy's broadcast_to would give it 0: `expand(1, n)` stays contiguous),
    except that every stride of an expanded 0-d tensor is 0."""
    lead = len(shape) - a.ndim
    strides, inner = [], a.itemsize if a.ndim else 0  # (inner: the size times the stride of the dim inside)
    for i in reversed(range(len(shape))):
        size, stride = (a.shape[i - lead], a.strides[i - lead]) if i >= lead else (1, inner)
        stride = stride if size == shape[i] else 0
        strides.append(stride)
        inner = shape[i] * stride
    return tuple(reversed(strides))


class Expand(ViewFunction):
    @staticmethod
    def forward(ctx, a, shape):
        # writeable as torch's: `e[:, 0] += 1` writes into `a`; a write that would hit an element twice
        # (`e += 1`) is refused before it happens (inplace.check_inplace)
        return np.lib.stride_tricks.as_strided(a, shape, expanded_strides(a, shape), writeable=a.flags.writeable)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # expand is broadcasting: the engine sums the stretched dimensions back


class Unfold(ViewFunction):
    """`x.unfold(dim, size, step)`: the windows of `size` elements, `step` apart along `dim`, as a new last dim.
    A strided view (windows overlap when step < size); the backward adds each window's gradient back.
    A 0-d tensor is one window of its one element (or none)."""

    node_name = "UnfoldBackward0"

    @staticmethod
    def forward(ctx, a, dim, size, step):
        ctx.input_shape, ctx.dim, ctx.size, ctx.step = a.shape, dim, size, step
        if a.ndim == 0:
            return np.lib.stride_tricks.as_strided(a, (size,), (a.itemsize,), writeable=a.flags.writeable)
        count = (a.shape[dim] - size) // step + 1
        shape = a.shape[:dim] + (count,) + a.shape[dim + 1:] + (size,)
        strides = a.strides[:dim] + (a.strides[dim] * step,) + a.strides[dim + 1:] + (a.strides[dim],)
        return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=a.flags.writeable)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.input_shape:
            return grad.sum().astype(grad.dtype), None, None, None
        full = np.zeros(ctx.input_shape, grad.dtype)
        along = np.moveaxis(full, ctx.dim, -1)  # (a view of full: the unfolded dim last)
        windows = np.moveaxis(grad, ctx.dim, -2)  # (..., window, element of the window)
        last = ctx.step * (windows.shape[-2] - 1) + 1
        for k in range(ctx.size):  # (element k of every window, added back where it came from)
            along[..., k:k + last:ctx.step] += windows[..., k]
        return full, None, None, None


class StridedView(ViewFunction):
    """`x.as_strided(size, stride, offset)`: the memory x shares with its base, read from element `offset` with
    any strides (in elements). The backward adds each element's gradient to x's element at the same place in
    memory; places outside x get nothing, as in torch."""

    node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, a, size, stride, offset):
        memory = memory_owner(a).ravel(order="K").view(a.dtype)  # (every element the memory holds, in order)
        out = np.lib.stride_tricks.as_strided(memory[offset:], size, [n * a.itemsize for n in stride],
                                              writeable=a.flags.writeable)
        ctx.shape = a.shape
        ctx.index, ctx.inside = Positions(a).within(out) if a.size and out.size else (None, None)
        return out

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(int(np.prod(ctx.shape)), grad.dtype)
        if ctx.index is not None:
            np.add.at(full, ctx.index[ctx.inside], grad[ctx.inside])
        return full.reshape(ctx.shape), None, None, None


class CopyOfView(Function):
    """`view_copy`, `t_copy`, `split_copy`... : a view op's result copied out, row-major, into its own memory.
    The gradient passes back unchanged to the view's node; the node is named after it (ViewBackward0_copy)."""

    @staticmethod
    def forward(ctx, view, node_name):
        ctx.node_name = node_name
        return np.array(view, order="C")

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Permute(ViewFunction):
    """permute / .T: the gradient is permuted back with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.axes)), None


class Transpose(Permute):
    node_name = "TransposeBackward0"


class TransposeT(Permute):
    """`t()`."""

    node_name = "TBackward0"


class Squeeze(ViewFunction):
    """squeeze() (SqueezeBackward0); `squeeze(dim)` and `squeeze(dims)` are the subclasses below."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.input_shape = a.shape
        return a.reshape([n for i, n in enumerate(a.shape) if i not in dims])

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


class Unsqueeze(ViewFunction):
    @staticmethod
    def forward(ctx, a, dim):
        ctx.input_shape = a.shape
        return np.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape), None


class TwoStepKey:
    """An index that torch applies in two steps: views first (ints, None, slices), then tensors.

    NumPy would treat an int next to an index array as one more array, and could place the
    result's dimensions differently (`x[0, :, [1, 2]]`). Applying the view part first, then
    the array part, gives torch's result. `a[key]`, `a[key] = v` and `np.add.at(a, key, g)`
    all go through `split_key`, so the ops below read the same for both kinds of key.
    """

    def __init__(self, basic: tuple, advanced: tuple) -> None:
        self.basic, self.advanced = basic, advanced


def split_key(a: np.ndarray, key):
    """(the array to index, the key to use on it): a NumPy view for a two-step key.

    The view stays an array even when the ints pick one element (`x[0, 1, True]`): NumPy would
    return a scalar copy for `a[0, 1]`, but `a[0, 1, ...]` is a 0-d view."""
    if not isinstance(key, TwoStepKey):
        return a, key
    basic = key.basic if any(k is Ellipsis for k in key.basic) else key.basic + (Ellipsis,)
    return a[basic], key.advanced


UINT8_INDEX_WARNING = (f"indexing with dtype {dt.PACKAGE}.uint8 is now deprecated, please use a dtype "
                       f"{dt.PACKAGE}.bool instead.")


def warn_uint8_masks(count: int) -> None:
    """torch's deprecation warning, once per uint8 mask, from each index or index_put that reads the key
    (a backward that indexes with the key warns again)."""
    for _ in range(count):
        warnings.warn(UINT8_INDEX_WARNING, UserWarning, stacklevel=3)


class Index(ViewFunction):
    """`x[key]` for ints, slices, None, Ellipsis, bool masks and integer arrays.

    Backward scatters the gradient into zeros with `np.add.at`, so repeated indices
    (`x[[0, 0, 1]]`) add up, as torch's index backward does. `uint8_masks`: how many of the
    key's masks were uint8 (the backward warns about each, as torch's index_put does).
    """

    @staticmethod
    def forward(ctx, a, key, uint8_masks=0):
        ctx.input_shape, ctx.key, ctx.uint8_masks = a.shape, key, uint8_masks
        target, k = split_key(a, key)
        out = target[k]  # ints, slices and None give a view of `a` (shared memory), as in torch
        if not isinstance(out, np.ndarray):  # one int per dimension: NumPy copies out a scalar; `...` keeps a 0-d view
            out = target[(k if isinstance(k, tuple) else (k,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        warn_uint8_masks(ctx.uint8_masks)
        full = np.zeros(ctx.input_shape, dtype=grad.dtype)
        np.add.at(*split_key(full, ctx.key), grad)
        return (full,) + (None,) * (len(ctx.needs_input_grad) - 1)  # (key, and uint8_masks if given)


# torch names the node after the last step of the index: a tensor/mask (IndexBackward0), an int, a
# partial slice, None, or no step at all (`x[:]`, `x[...]`).
class Select(Index):
    node_name = "SelectBackward0"


class Slice(Index):
    node_name = "SliceBackward0"


# split/chunk/unbind: the same slices and selects, named after the op that took them, as torch's nodes are
class SplitPiece(Slice):
    node_name = "SplitBackward0"


class SplitWithSizesPiece(Slice):
    node_name = "SplitWithSizesBackward0"


class UnbindPiece(Select):
    node_name = "UnbindBackward0"


class UnsqueezeIndex(Index):
    node_name = "UnsqueezeBackward0"


class Alias(Index):
    node_name = "AliasBackward0"


def without_leading_ones(value):
    """A value to write with its leading 1-sized dims dropped, as torch does (NumPy does too, except
    when it writes one element: `x[0] = [[5]]`)."""
    shape = np.shape(value)
    ones = 0
    while ones < len(shape) and shape[ones] == 1:
        ones += 1
    return np.reshape(value, shape[ones:]) if ones else value


class IndexPut(Function):
    """Out-of-place `x[key] = value`: the overwritten positions pass no gradient to `x`.
    (`uint8_masks`: as for `Index`; each gradient's index_put or index warns.)"""

    @staticmethod
    def forward(ctx, a, key, value, uint8_masks=0):
        out = a.copy()
        target, k = split_key(out, key)
        target[k] = without_leading_ones(value)
        ctx.key, ctx.value_shape, ctx.value_dtype = key, np.shape(value), getattr(value, "dtype", None)
        ctx.uint8_masks = uint8_masks
        return out

    @staticmethod
    def backward(ctx, grad):
        key, value_shape = ctx.key, ctx.value_shape
        warn_uint8_masks(ctx.uint8_masks * (ctx.needs_input_grad[0] + ctx.needs_input_grad[2]))
        grad_a = np.array(grad)  # (a copy, and an array even for a 0-d gradient)
        target, k = split_key(grad_a, key)
        target[k] = 0
        grad_value = None
        if ctx.needs_input_grad[2]:
            source, k = split_key(grad, key)
            grad_value = source[k]  # (the engine sums it back to value's shape: value was broadcast)
            missing = len(value_shape) - grad_value.ndim
            if missing > 0:  # NumPy also lets a value with extra leading 1s be assigned
                grad_value = grad_value.reshape((1,) * missing + grad_value.shape)
            if len(value_shape):  # torch expands the value, then copies: its gradient is cast, then summed
                grad_value = _cast_then_sum(grad_value, value_shape, ctx.value_dtype)
        return grad_a, None, grad_value, None


def _cast_then_sum(grad: np.ndarray, shape: tuple, dtype: np.dtype) -> np.ndarray:
    """The gradient of a value that was expanded to `grad`'s shape then copied: copy_'s backward casts
    it to the value's dtype, expand's backward sums it (float16 in float32, rounded once)."""
    grad = grad.astype(dtype, copy=False)
    return grad if grad.shape == shape else sum_to_shape(opmath(grad), shape).astype(dtype)


class IndexPutAccumulate(Function):
    """Out-of-place `index_put(indices, values, accumulate=True)`: values at a repeated position add up
    (`np.add.at`: a plain `out[key] += values` would keep only one of them). Every position passes its
    gradient on to `x`; each value gets the gradient of the position it went to (`uint8_masks`: as
    for `Index`, that gradient's index warns)."""

    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, a, key, values, uint8_masks=0):
        out = a.copy()
        np.add.at(out, key, values)
        ctx.key, ctx.uint8_masks = key, uint8_masks
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_values = None
        if ctx.needs_input_grad[2]:
            warn_uint8_masks(ctx.uint8_masks)
            grad_values = grad[ctx.key]  # (summed back to values' shape)
        return grad, None, grad_values, None


# A write through a view of `x` (`x[1:] = v`) is recorded by torch as CopySlices; a write of the
# whole tensor (`x[...] = v`) as a copy (a tensor value) or a fill (a number).
class IndexPutCopySlices(IndexPut):
    node_name = "CopySlices"


class IndexPutCopy(IndexPut):
    node_name = "CopyBackwards"


class IndexPutFill(IndexPut):
    node_name = "FillBackward3"


class Cat(Function):
    """Join along `dim`. A legacy empty input (shape (0,)) is skipped, as torch, yet still gets its
    gradient: an empty one. The result is row-major unless every input is channels_last (torch's rule;
    NumPy would follow the inputs' layout, a transposed one too)."""

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.legacy = [a.shape == (0,) for a in arrays]
        kept = [a for a, legacy in zip(arrays, ctx.legacy) if not legacy] or arrays[:1]
        ctx.dim, ctx.splits = dim, np.cumsum([a.shape[dim] for a in kept])[:-1]
        out = np.concatenate(kept, axis=dim)
        return out if all(suggested_format(a) == "channels_last" for a in kept) else np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, grad):
        pieces = iter(np.split(grad, ctx.splits, axis=ctx.dim))
        return (None, *(np.zeros(0, grad.dtype) if legacy else next(pieces) for legacy in ctx.legacy))


class Stack(Function):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        out = np.stack(arrays, axis=dim)  # (row-major unless every input is channels_last, as Cat)
        return out if all(suggested_format(a) == "channels_last" for a in arrays) else np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, grad):
        dim = ctx.dim
        return (None, *(np.take(grad, i, axis=dim) for i in range(grad.shape[dim])))


class PackPaddedSequence(Function):
    """The real steps of a padded (L, N, *) batch (N, L, * with batch_first), sorted longest first, step after
    step: the rows of step t are its first batch_sizes[t] sequences. Returns (data, batch_sizes)."""

    @staticmethod
    def forward(ctx, input, lengths, batch_first):
        padded = input.swapaxes(0, 1) if batch_first else input
        ctx.padded_shape, ctx.batch_first = padded.shape, batch_first
        ctx.batch_sizes = (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1)
        rows = [padded[t, :size] for t, size in enumerate(ctx.batch_sizes[:len(padded)])]
        return np.concatenate(rows).reshape(-1, *padded.shape[2:]), ctx.batch_sizes.astype(lengths.dtype)

    @staticmethod
    def backward(ctx, grad):
        padded = np.zeros(ctx.padded_shape, grad.dtype)
        offsets = np.cumsum([0, *ctx.batch_sizes])
        for t, size in enumerate(ctx.batch_sizes[:len(padded)]):
            padded[t, :size] = grad[offsets[t]:offsets[t + 1]]
        return padded.swapaxes(0, 1) if ctx.batch_first else padded, None, None


class Gather(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(index)
        ctx.input_shape, ctx.dim, ctx.out_shape = a.shape, dim, index.shape
        if index.size == 0:  # (an empty index reads nothing, whatever its shape)
            return np.zeros(index.shape, a.dtype)
        a, index = np.atleast_1d(a), np.atleast_1d(index)  # (torch reads a 0-d tensor as one element here)
        # torch allows an index smaller than `a` in the other dims: use only that corner of `a`.
        corner = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return np.take_along_axis(a[corner], index, axis=dim).reshape(ctx.out_shape)

    @staticmethod
    def backward(ctx, grad):
        (index,), shape, dim = ctx.saved_tensors, ctx.input_shape, ctx.dim
        full = np.zeros(shape, dtype=grad.dtype)
        index = np.atleast_1d(index)
        if index.size == 0:
            return full, None, None
        # add (not assign) so that repeated indices accumulate
        idx = list(np.indices(index.shape, sparse=True))
        idx[dim] = index
        np.add.at(np.atleast_1d(full), tuple(idx), grad.reshape(index.shape))
        return full, None, None


class IndexSelect(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(index)
        ctx.input_shape, ctx.dim = a.shape, dim
        out = np.take(np.atleast_1d(a), index, axis=dim)
        return out.reshape(()) if a.ndim == 0 else out  # (a 0-d input gives a 0-d result, as in torch)

    @staticmethod
    def backward(ctx, grad):
        (index,), shape, dim = ctx.saved_tensors, ctx.input_shape, ctx.dim
        full = np.zeros(shape, dtype=grad.dtype)
        moved = np.moveaxis(np.atleast_1d(full), dim, 0)
        np.add.at(moved, index, np.moveaxis(np.atleast_1d(grad), dim, 0))
        return full, None, None


# ---------------------------------------------------------------------- in-place ops (see autograd/inplace.py)
class Overwrite(Function):
    """fill_ / zero_ / copy_ / uniform_ / normal_: the new values do not depend on the old ones,
    so the old tensor gets a zero gradient; a tensor `value` (copy_'s source, fill_'s 0-d value)
    gets the gradient, summed back to its shape by the engine."""

    @staticmethod
    def forward(ctx, a, value):
        ctx.value_dtype = getattr(value, "dtype", None)
        out = np.empty_like(a)
        out[...] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_value = grad.astype(ctx.value_dtype, copy=False) if ctx.value_dtype is not None else grad
        return np.zeros_like(grad), grad_value


class Copy(Overwrite):
    node_name = "CopyBackwards"


class Zero(Overwrite):
    pass


class Fill(Overwrite):
    node_name = "FillBackward2"


class FillTensor(Overwrite):
    node_name = "FillBackward3"


class RandomFill(Overwrite):
    """uniform_ / normal_ / random_ / bernoulli_ / exponential_: `value` is an array the generator has
    just made, in `a`'s shape and dtype, owned by no one else: it is the result as it is (a copy of
    millions of numbers into fresh memory saved; `commit` then writes it into `a`)."""

    @staticmethod
    def forward(ctx, a, value):
        if isinstance(value, np.ndarray) and value.shape == a.shape and value.dtype == a.dtype:
            ctx.value_dtype = value.dtype
            return value
        return Overwrite.forward(ctx, a, value)


class Uniform(RandomFill):
    pass


class Normal(RandomFill):
    pass


class Random(RandomFill):
    pass


class Bernoulli(RandomFill):
    pass


class Exponential(RandomFill):
    pass


# --- ops added for issue 12 -------------------------------------------------------------------
class Flip(Function):
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy() if dims else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return (np.flip(grad, ctx.dims) if ctx.dims else grad), None


class Rot90(Function):
    """`rot90(k, dims)`: k quarter turns from dims[0] towards dims[1] (NumPy's rot90 turns the same way);
    the gradient turns back. Laid out as torch's: an odd number of turns is a flipped copy, transposed."""

    node_name = "Rot90Backward0"

    @staticmethod
    def forward(ctx, a, k, dims):
        ctx.k, ctx.dims = k, dims
        turned = np.rot90(a, k, dims)
        return turned.swapaxes(*dims).copy().swapaxes(*dims) if k % 2 else turned.copy()

    @staticmethod
    def backward(ctx, grad):
        return np.rot90(grad, -ctx.k, ctx.dims).copy(), None, None


class Roll(Function):
    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        back = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else -ctx.shifts
        return np.roll(grad, back, ctx.dims), None, None


class Tril(Function):
    """Keep the lower triangle (on and below diagonal `k`) of the last two dims; zeros elsewhere."""

    node_name = "TrilBackward0"
    rule = staticmethod(np.tril)

    @classmethod
    def forward(cls, ctx, a, k):
        ctx.k = k
        return cls.rule(a, k)

    @classmethod
    def backward(cls, ctx, grad):
        return cls.rule(grad, ctx.k), None


class Triu(Tril):
    node_name = "TriuBackward0"
    rule = staticmethod(np.triu)


class Repeat(Function):
    """`x.repeat(*sizes)`: the tensor tiled; each input element's gradient sums its copies."""

    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, a, sizes):
        shape = (1,) * (len(sizes) - a.ndim) + a.shape
        ctx.shape, ctx.sizes, ctx.input_shape = shape, sizes, a.shape
        return np.tile(a.reshape(shape), sizes)

    @staticmethod
    def backward(ctx, grad):
        split = [n for pair in zip(ctx.sizes, ctx.shape) for n in pair]  # (r0, s0, r1, s1, ...)
        summed = grad.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return summed.reshape(ctx.input_shape), None


class ConstantPad(Function):
    """`F.pad(x, pad, value=v)`: `widths` = (before, after) per dim; a negative width crops."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, a, widths, value):
        crop = tuple(slice(max(-lo, 0), a.shape[d] - max(-hi, 0)) for d, (lo, hi) in enumerate(widths))
        grow = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        ctx.widths, ctx.crop, ctx.shape = widths, crop, a.shape
        return np.pad(a[crop], grow, constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        inner = tuple(slice(max(lo, 0), grad.shape[d] - max(hi, 0)) for d, (lo, hi) in enumerate(ctx.widths))
        full = np.zeros(ctx.shape, grad.dtype)
        full[ctx.crop] = grad[inner]
        return full, None, None


def _mode_pad_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each output position along one padded dim, the input position it copies (`before`/`after` < 0 crop).

    reflect: mirrored at the edges, the edge itself not repeated; replicate: the edge repeated; circular:
    wrapped around what is left after cropping (torch copies the cropped tensor's other end)."""
    positions = np.arange(size + before + after) - before  # (in the input's coordinates)
    if mode == "reflect":
        positions = np.abs(positions)
        return np.where(positions >= size, 2 * (size - 1) - positions, positions)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    start, kept = max(-before, 0), size - max(-before, 0) - max(-after, 0)
    if kept <= 0:  # (nothing left to wrap around: torch's output is memory it never wrote, any element will do)
        return np.clip(positions, 0, size - 1)
    return start + (positions - start) % kept


class ModePad(Function):
    """`F.pad(x, pad, mode)` for 'reflect', 'replicate' and 'circular': every output element is a copy of an
    input element (`_mode_pad_index` per padded dim, combined into one flat index); the backward adds each
    output's gradient to its source, in output order (float16 rounding at each addition, as torch's kernel).
    `pairs`: (before, after) of the last len(pairs) dims, outer to inner."""

    NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0"}

    @staticmethod
    def forward(ctx, a, pairs, mode):
        # (torch's circular padding is a copy into slices of a new tensor: its node is CopySlices)
        ctx.node_name = ModePad.NAMES[mode].format(len(pairs)) if mode in ModePad.NAMES else "CopySlices"
        first = a.ndim - len(pairs)
        per_dim = [np.arange(n) for n in a.shape[:first]]
        per_dim += [_mode_pad_index(a.shape[first + i], before, after, mode) for i, (before, after) in enumerate(pairs)]
        ctx.source, ctx.shape = np.ravel_multi_index(np.ix_(*per_dim), a.shape), a.shape
        if mode != "circular":  # (torch's reflection and replication save their input: changed in place, the
            ctx.save_for_backward(a)  # backward fails)
        return a.reshape(-1)[ctx.source]

    @staticmethod
    def backward(ctx, grad):
        _ = ctx.saved_tensors  # (reading them checks their versions)
        summed = np.zeros(int(np.prod(ctx.shape)), grad.dtype)
        np.add.at(summed, ctx.source.reshape(-1), grad.reshape(-1))
        return summed.reshape(ctx.shape), None, None


# --- issue 12: diag, scatter, index_add, masked_select ------------------------------------------
class DiagEmbed(Function):
    """`diag_embed(v, k, dim1, dim2)` (and `diag(v, k)` of a vector): each last-dim vector of `v` on diagonal `k`
    of a square matrix spanning dims `dim1`, `dim2` of the result; the gradient is that diagonal."""

    node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, a, k, dim1, dim2):
        ctx.k, ctx.dims = k, (dim1, dim2)
        n = a.shape[-1] + abs(k)
        out = np.zeros(a.shape[:-1] + (n, n), a.dtype)
        rows = np.arange(a.shape[-1]) + max(-k, 0)
        out[..., rows, rows + k] = a
        return np.moveaxis(out, (-2, -1), (dim1, dim2))

    @staticmethod
    def backward(ctx, grad):
        return np.diagonal(grad, ctx.k, *ctx.dims).copy(), None, None, None


class Diagonal(Function):
    """`diag(m, k)` of a matrix: a copy of diagonal `k`; the gradient goes back onto that diagonal."""

    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, k):
        ctx.k, ctx.input_shape = k, a.shape
        return np.diagonal(a, k).copy()

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(ctx.input_shape, grad.dtype)
        rows = np.arange(grad.shape[0]) + max(-ctx.k, 0)
        full[rows, rows + ctx.k] = grad
        return full, None


def scatter_key(index: np.ndarray, dim: int) -> tuple:
    """The positions `scatter`/`gather` address: element i of `index` names row index[i] along `dim`
    and keeps its own coordinates in the other dims."""
    key = list(np.indices(index.shape, sparse=True))
    key[dim] = index
    return tuple(key)


def corner(a: np.ndarray, shape: tuple) -> tuple:
    """The leading block of `a` of the given shape (torch lets `src` be larger than `index`). Only an empty
    index may differ from `a` in rank (torch compares no shapes then): its block is empty too."""
    return tuple(slice(0, n) for n in shape[:np.ndim(a)])


class Scatter(Function):
    """`x.scatter(dim, index, src)`: a copy of x with src's values written where index points; the
    overwritten elements of x get no gradient, each used element of src gets the gradient of where it went."""

    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        a1, index = np.atleast_1d(a), np.atleast_1d(index)
        ctx.key, ctx.corner, ctx.src_shape = scatter_key(index, dim), corner(src, index.shape), np.shape(src)
        out = a1.copy()
        out[ctx.key] = np.atleast_1d(src)[ctx.corner].reshape(index.shape) if np.ndim(src) else src
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        grad_a = np.atleast_1d(grad).copy()
        grad_a[ctx.key] = 0
        grad_src = None
        if ctx.needs_input_grad[3]:
            grad_src = np.zeros(ctx.src_shape, grad.dtype)
            block = np.atleast_1d(grad_src)[ctx.corner]
            block[...] = np.atleast_1d(grad)[ctx.key].reshape(block.shape)
        return grad_a.reshape(grad.shape), None, None, grad_src


class ScatterValue(Scatter):
    """`x.scatter(dim, index, value)` with a number: only x gets a gradient."""

    node_name = "ScatterBackward1"


class ScatterAdd(Function):
    """`x.scatter_add(dim, index, src)`: src's values added where index points (repeats accumulate);
    x's gradient passes unchanged, src's is gathered from where each element went."""

    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, src):
        a1, index = np.atleast_1d(a), np.atleast_1d(index)
        ctx.key, ctx.corner, ctx.src_shape = scatter_key(index, dim), corner(src, index.shape), src.shape
        out = a1.copy()
        np.add.at(out, ctx.key, np.atleast_1d(src)[ctx.corner].reshape(index.shape))
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        grad_src = np.zeros(ctx.src_shape, grad.dtype)
        block = np.atleast_1d(grad_src)[ctx.corner]
        block[...] = np.atleast_1d(grad)[ctx.key].reshape(block.shape)
        return grad, None, None, grad_src


class ScatterReduce(Function):
    """`x.scatter(dim, index, src, reduce='add' | 'multiply')`: torch records no derivative for it."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, dim, index, src, reduce):
        a1, index = np.atleast_1d(a), np.atleast_1d(index)
        key = scatter_key(index, dim)
        values = np.atleast_1d(src)[corner(src, index.shape)].reshape(index.shape) if np.ndim(src) else src
        out = a1.copy()
        (np.add if reduce == "add" else np.multiply).at(out, key, values)
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::scatter is not implemented")


class IndexAdd(Function):
    """`x.index_add(dim, index, source, alpha=a)`: slice i of source (times a) added to slice index[i] of x."""

    node_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, a, dim, index, source, alpha):
        ctx.save_for_backward(index)
        ctx.dim, ctx.alpha, ctx.source_shape = dim, alpha, source.shape
        out = np.atleast_1d(a).copy()
        if out.size:  # (an empty x: torch adds nothing and checks no index)
            np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(np.atleast_1d(source), dim, 0) * alpha)
        return out.reshape(a.shape)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        grad_source = None
        if ctx.needs_input_grad[3]:
            grad_source = (np.take(np.atleast_1d(grad), index, axis=ctx.dim) * ctx.alpha).astype(grad.dtype)
            grad_source = grad_source.reshape(ctx.source_shape)
        return grad, None, None, grad_source, None


class Take(Function):
    """`x.take(index)`: x read as one flat row-major vector, at `index` (negative counts from the end);
    the result has the index's shape. Backward adds the gradient back at those places (repeats add up)."""

    @staticmethod
    def forward(ctx, a, index):
        ctx.save_for_backward(index)
        ctx.input_shape = a.shape
        return np.asarray(np.take(a.reshape(-1), index))  # (np.asarray: a 0-d index gives a 0-d array)

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        flat = np.zeros(int(np.prod(ctx.input_shape)), dtype=grad.dtype)
        np.add.at(flat, index, grad)
        return flat.reshape(ctx.input_shape), None


class MaskedSelect(Function):
    """`x.masked_select(mask)`: the elements where the (broadcast) mask is True, as one row; the gradient
    goes back to those positions (and is summed back over broadcasting by the engine)."""

    node_name = "MaskedSelectBackward0"

    @staticmethod
    def forward(ctx, a, mask):
        shape = np.broadcast_shapes(a.shape, mask.shape)
        ctx.mask = np.broadcast_to(mask, shape)
        return np.broadcast_to(a, shape)[ctx.mask]

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(ctx.mask.shape, grad.dtype)
        full[ctx.mask] = grad
        return full, None


class MaskedScatter(Function):
    """`x.masked_scatter(mask, source)`: x (broadcast with the mask) with its masked positions, in row-major
    order, taken from source's first elements; the gradient goes to x where the mask is False, and to
    those first elements of source (the rest of source was not read: zero)."""

    node_name = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, a, mask, source):
        shape = np.broadcast_shapes(a.shape, mask.shape)
        ctx.mask, ctx.source_shape = np.broadcast_to(mask, shape), source.shape
        out = np.array(np.broadcast_to(a, shape))
        out[ctx.mask] = source.reshape(-1)[:np.count_nonzero(ctx.mask)]
        return out

    @staticmethod
    def backward(ctx, grad):
        picked = grad[ctx.mask]
        grad_source = np.zeros(int(np.prod(ctx.source_shape)), grad.dtype)
        grad_source[:picked.size] = picked
        return np.where(ctx.mask, grad.dtype.type(0), grad), None, grad_source.reshape(ctx.source_shape)


class ScatterIntoView(Function):
    """`select_scatter`, `slice_scatter`, `diagonal_scatter`: a copy of `a` (in a's layout, as torch's clone)
    with `src` written into its view `view_of(out)` (a select, a slice, a diagonal). The gradient: the
    output's, zero on that view, for `a`; the view's for `src`."""

    @staticmethod
    def forward(ctx, a, src, view_of):
        ctx.view_of = view_of
        out = laid_out(a)
        view_of(out)[...] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        grad_a = grad.copy()
        ctx.view_of(grad_a)[...] = 0
        return grad_a, ctx.view_of(grad).copy(), None


class SelectScatter(ScatterIntoView):
    node_name = "SelectScatterBackward0"


class SliceScatter(ScatterIntoView):
    node_name = "SliceScatterBackward0"


class DiagonalScatter(ScatterIntoView):
    node_name = "DiagonalScatterBackward0"


def as_matrix_shape(shape: tuple) -> tuple:
    """block_diag's shape of a block: a 0-d tensor is 1x1, a 1-d one a row."""
    return (1,) * (2 - len(shape)) + tuple(shape)


def block_corners(shapes: list) -> np.ndarray:
    """Where each block starts in block_diag's output: after the rows and columns of the blocks before it."""
    return np.cumsum([(0, 0)] + [as_matrix_shape(shape) for shape in shapes], axis=0)[:-1]


class BlockDiag(Function):
    """`block_diag(*blocks)`: the blocks (matrices, rows, numbers) down the diagonal of a zero matrix; each
    block's gradient is its part of the output's. torch's backward skips an empty 1-d block, which the forward
    gave a row of its own: the blocks after it read their gradient from one row higher, as there."""

    @staticmethod
    def forward(ctx, *blocks):
        ctx.shapes = [a.shape for a in blocks]
        sizes = [as_matrix_shape(a.shape) for a in blocks]
        out = np.zeros(tuple(np.sum(sizes, axis=0)), blocks[0].dtype)
        for (row, col), (rows, cols), a in zip(block_corners(ctx.shapes), sizes, blocks):
            out[row:row + rows, col:col + cols] = a.reshape(rows, cols)
        return out

    @staticmethod
    def backward(ctx, grad):
        corners, grads = iter(block_corners([s for s in ctx.shapes if s != (0,)])), []
        for shape in ctx.shapes:
            if shape == (0,):
                grads.append(np.zeros(0, grad.dtype))
                continue
            (row, col), (rows, cols) = next(corners), as_matrix_shape(shape)
            grads.append(grad[row:row + rows, col:col + cols].reshape(shape))
        return tuple(grads)
