"""Ops that move elements around without changing them: the backward moves the gradient back."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function, ViewFunction


_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans across "
               "two contiguous subspaces). Use .reshape(...) instead.")


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


class Expand(ViewFunction):
    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # expand is broadcasting: the engine sums the stretched dimensions back


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
    """(the array to index, the key to use on it): a NumPy view for a two-step key."""
    return (a[key.basic], key.advanced) if isinstance(key, TwoStepKey) else (a, key)


class Index(ViewFunction):
    """`x[key]` for ints, slices, None, Ellipsis, bool masks and integer arrays.

    Backward scatters the gradient into zeros with `np.add.at`, so repeated indices
    (`x[[0, 0, 1]]`) add up, as torch's index backward does.
    """

    @staticmethod
    def forward(ctx, a, key):
        ctx.input_shape, ctx.key = a.shape, key
        target, k = split_key(a, key)
        out = target[k]  # ints, slices and None give a view of `a` (shared memory), as in torch
        if not isinstance(out, np.ndarray):  # one int per dimension: NumPy copies out a scalar; `...` keeps a 0-d view
            out = target[(k if isinstance(k, tuple) else (k,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        full = np.zeros(ctx.input_shape, dtype=grad.dtype)
        np.add.at(*split_key(full, ctx.key), grad)
        return full, None


# torch names the node after the last step of the index: a tensor/mask (IndexBackward0), an int, a
# partial slice, None, or no step at all (`x[:]`, `x[...]`).
class Select(Index):
    node_name = "SelectBackward0"


class Slice(Index):
    node_name = "SliceBackward0"


class UnsqueezeIndex(Index):
    node_name = "UnsqueezeBackward0"


class Alias(Index):
    node_name = "AliasBackward0"


class IndexPut(Function):
    """Out-of-place `x[key] = value`: the overwritten positions pass no gradient to `x`."""

    @staticmethod
    def forward(ctx, a, key, value):
        out = a.copy()
        target, k = split_key(out, key)
        target[k] = value
        ctx.key, ctx.value_shape = key, np.shape(value)
        return out

    @staticmethod
    def backward(ctx, grad):
        key, value_shape = ctx.key, ctx.value_shape
        grad_a = np.array(grad)  # (a copy, and an array even for a 0-d gradient)
        target, k = split_key(grad_a, key)
        target[k] = 0
        grad_value = None
        if ctx.needs_input_grad[2]:
            source, k = split_key(grad, key)
            grad_value = source[k]  # the engine sums it back to value's shape (value was broadcast)
            missing = len(value_shape) - grad_value.ndim
            if missing > 0:  # NumPy also lets a value with extra leading 1s be assigned
                grad_value = grad_value.reshape((1,) * missing + grad_value.shape)
        return grad_a, None, grad_value


# A write through a view of `x` (`x[1:] = v`) is recorded by torch as CopySlices; a write of the
# whole tensor (`x[...] = v`) as a copy (a tensor value) or a fill (a number).
class IndexPutCopySlices(IndexPut):
    node_name = "CopySlices"


class IndexPutCopy(IndexPut):
    node_name = "CopyBackwards"


class IndexPutFill(IndexPut):
    node_name = "FillBackward3"


class Cat(Function):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim, ctx.splits = dim, np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *np.split(grad, ctx.splits, axis=ctx.dim))


class Stack(Function):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        dim = ctx.dim
        return (None, *(np.take(grad, i, axis=dim) for i in range(grad.shape[dim])))


class Gather(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(index)
        ctx.input_shape, ctx.dim = a.shape, dim
        # torch allows an index smaller than `a` in the other dims: use only that corner of `a`.
        corner = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return np.take_along_axis(a[corner], index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (index,), shape, dim = ctx.saved_tensors, ctx.input_shape, ctx.dim
        full = np.zeros(shape, dtype=grad.dtype)
        # add (not assign) so that repeated indices accumulate
        idx = list(np.indices(index.shape, sparse=True))
        idx[dim] = index
        np.add.at(full, tuple(idx), grad)
        return full, None, None


class IndexSelect(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(index)
        ctx.input_shape, ctx.dim = a.shape, dim
        return np.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (index,), shape, dim = ctx.saved_tensors, ctx.input_shape, ctx.dim
        full = np.zeros(shape, dtype=grad.dtype)
        moved = np.moveaxis(full, dim, 0)
        np.add.at(moved, index, np.moveaxis(grad, dim, 0))
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


class Uniform(Overwrite):
    pass


class Normal(Overwrite):
    pass
