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
        ctx.save_for_backward(a.shape)
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
        (shape,) = ctx.saved_tensors
        return grad.reshape(shape), None, None


class Expand(ViewFunction):
    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None  # the engine sums the broadcast dimensions away


class Permute(ViewFunction):
    """permute / transpose / t / .T: the gradient is permuted back with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, axes, name):
        ctx.save_for_backward(axes)
        ctx.node_name = name
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, grad):
        (axes,) = ctx.saved_tensors
        return np.transpose(grad, np.argsort(axes)), None, None


class Squeeze(ViewFunction):
    @staticmethod
    def forward(ctx, a, dims, name):
        ctx.save_for_backward(a.shape)
        ctx.node_name = name
        return a.reshape([n for i, n in enumerate(a.shape) if i not in dims])

    @staticmethod
    def backward(ctx, grad):
        (shape,) = ctx.saved_tensors
        return grad.reshape(shape), None, None


class Unsqueeze(ViewFunction):
    @staticmethod
    def forward(ctx, a, dim):
        ctx.save_for_backward(a.shape)
        return np.expand_dims(a, dim)

    @staticmethod
    def backward(ctx, grad):
        (shape,) = ctx.saved_tensors
        return grad.reshape(shape), None


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
    def forward(ctx, a, key, name):
        ctx.save_for_backward(a.shape, key)
        ctx.node_name = name
        target, k = split_key(a, key)
        out = target[k]  # ints, slices and None give a view of `a` (shared memory), as in torch
        if not isinstance(out, np.ndarray):  # one int per dimension: NumPy copies out a scalar; `...` keeps a 0-d view
            out = target[(k if isinstance(k, tuple) else (k,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, key = ctx.saved_tensors
        full = np.zeros(shape, dtype=grad.dtype)
        np.add.at(*split_key(full, key), grad)
        return full, None, None


class IndexPut(Function):
    """Out-of-place `x[key] = value`: the overwritten positions pass no gradient to `x`."""

    @staticmethod
    def forward(ctx, a, key, value, name="IndexPutBackward0"):
        out = a.copy()
        target, k = split_key(out, key)
        target[k] = value
        ctx.save_for_backward(key, np.shape(value))
        ctx.node_name = name
        return out

    @staticmethod
    def backward(ctx, grad):
        key, value_shape = ctx.saved_tensors
        grad_a = grad.copy()
        target, k = split_key(grad_a, key)
        target[k] = 0
        grad_value = None
        if ctx.needs_input_grad(2):
            source, k = split_key(grad, key)
            grad_value = source[k]  # the engine sums it back to value's shape (value was broadcast)
            missing = len(value_shape) - grad_value.ndim
            if missing > 0:  # NumPy also lets a value with extra leading 1s be assigned
                grad_value = grad_value.reshape((1,) * missing + grad_value.shape)
        return grad_a, None, grad_value


class Cat(Function):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.save_for_backward(dim, np.cumsum([a.shape[dim] for a in arrays])[:-1])
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        dim, splits = ctx.saved_tensors
        return (None, *np.split(grad, splits, axis=dim))


class Stack(Function):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.save_for_backward(dim)
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (dim,) = ctx.saved_tensors
        return (None, *(np.take(grad, i, axis=dim) for i in range(grad.shape[dim])))


class Gather(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(a.shape, dim, index)
        ctx.out_shape = index.shape
        a, index = np.atleast_1d(a), np.atleast_1d(index)  # (torch reads a 0-d tensor as one element here)
        # torch allows an index smaller than `a` in the other dims: use only that corner of `a`.
        corner = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return np.take_along_axis(a[corner], index, axis=dim).reshape(ctx.out_shape)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.saved_tensors
        full = np.zeros(shape, dtype=grad.dtype)
        index = np.atleast_1d(index)
        # add (not assign) so that repeated indices accumulate
        idx = list(np.indices(index.shape, sparse=True))
        idx[dim] = index
        np.add.at(np.atleast_1d(full), tuple(idx), grad.reshape(index.shape))
        return full, None, None


class IndexSelect(Function):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.save_for_backward(a.shape, dim, index)
        out = np.take(np.atleast_1d(a), index, axis=dim)
        return out.reshape(()) if a.ndim == 0 else out  # (a 0-d input gives a 0-d result, as in torch)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.saved_tensors
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
    def forward(ctx, a, value, name):
        ctx.node_name = name
        ctx.save_for_backward(getattr(value, "dtype", None))
        out = np.empty_like(a)
        out[...] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        (value_dtype,) = ctx.saved_tensors
        grad_value = grad.astype(value_dtype, copy=False) if value_dtype is not None else grad
        return np.zeros_like(grad), grad_value, None


class CopySlices(Function):
    """The root tensor after an in-place op on one of its views: the old root, with the view's
    elements (at flat `positions`) replaced by the op's result."""

    node_name = "CopySlices"

    @staticmethod
    def forward(ctx, root, value, positions):
        ctx.save_for_backward(positions)
        out = root.copy()
        out.reshape(-1)[positions] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        (positions,) = ctx.saved_tensors
        grad_root = grad.copy()
        flat = grad_root.reshape(-1)
        grad_value = flat[positions]  # (a copy: fancy indexing)
        flat[positions] = 0  # overwritten elements of the old root get nothing
        return grad_root, grad_value, None


class AsStrided(Function):
    """A view, once its root changed in place: the elements of the root at flat `positions`."""

    @staticmethod
    def forward(ctx, root, positions):
        ctx.save_for_backward(root.shape, positions)
        return root.reshape(-1)[positions]

    @staticmethod
    def backward(ctx, grad):
        shape, positions = ctx.saved_tensors
        grad_root = np.zeros(shape, dtype=grad.dtype)
        grad_root.reshape(-1)[positions] = grad  # a view has no repeated element
        return grad_root, None
