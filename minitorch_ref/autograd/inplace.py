"""In-place ops and views: changing a tensor where it lies, with torch's rules.

Three ideas, each as torch has them:

1. **An in-place op is the out-of-place op plus a write.** `y.mul_(2)` computes `y * 2` as
   usual (recording `MulBackward0` when a gradient is wanted), writes the values into `y`'s
   memory, and `y.grad_fn` becomes that node: `y` now stands for the new value.

2. **Views share memory, so a write through one changes the others.** `v = y[:2]` is a NumPy
   view of `y`'s array. After `v.mul_(2)`, `y`'s values changed too, so `y`'s history gets a
   `CopySlices` node ("the old `y`, with `v`'s positions replaced by the op's result") and each
   view of `y` gets an `AsStridedBackward0` node ("these positions of the new `y`").

3. **A version counter catches stale saved values.** Every write bumps a counter shared by a
   tensor and its views. A node that saved a tensor for backward remembers the version it
   saw; if the tensor changed since, backward refuses (torch's "modified by an inplace
   operation" error) instead of computing a wrong gradient from the new values.
"""
from __future__ import annotations

import numpy as np

from .._dtype import can_cast, torch_type_name
from . import grad_mode
from .function import Function, message_name
from .tensor_base import InferenceStorage, Storage, TensorBase, bump_version, mark_view, storage_of  # noqa: F401

_NO_GRAD_VIEW_MESSAGE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked)."
)


# ---------------------------------------------------------------------- in-place ops
def check_inplace(t, through_view=None, written=None, expanded_ok=False, differentiable=True) -> None:
    """torch's checks before writing into `t`: while grad mode is on, no leaf that requires grad (nor
    a view of one) and no piece of split/chunk/unbind; and no element written twice (an `expand`ed
    tensor), unless `expanded_ok` (index_put_ and masked_fill_ write there, with a warning).
    `differentiable=False`: an op without gradient (logical_not_), which torch lets write into a leaf.
    `through_view`, `written`: the view op and the part of `t`'s array that `t[key] = v` writes
    through (`t[:, 0] = 1`)."""
    if type(t._storage) is InferenceStorage and not grad_mode._inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a "
            "normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.")
    root = t if t._base is None else t._base  # (a leaf that requires grad may itself be a view: `t` requires grad)
    if differentiable and grad_mode._enabled and (root._requires_grad or t._requires_grad):
        piece = t.grad_fn.piece if t.grad_fn is not None else None
        if piece is not None:
            name = through_view.node_name if through_view is not None else t.grad_fn.name()
            raise RuntimeError(
                f"Output {0 if through_view is not None else piece} of {message_name(name)} is a view and is being "
                "modified inplace. This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should replace the inplace "
                "operation by an out-of-place one.")
        if t.grad_fn is not None and t.grad_fn.returned_input:
            raise RuntimeError(
                f"Output 0 of {message_name(t.grad_fn.name())} is a view and is being modified inplace. This view "
                "was created inside a custom Function (or because an input was returned as-is) and the autograd "
                "logic to handle view+inplace would override the custom backward associated with the custom "
                "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning "
                "the output of the custom Function.")
        if not t._requires_grad:  # a view of a graph tensor (or of a leaf) taken under no_grad: torch asks first
            raise RuntimeError(_NO_GRAD_VIEW_MESSAGE)
        if root.grad_fn is None:
            what = "a view of a leaf Variable" if (root is not t or through_view is not None) else "a leaf Variable"
            raise RuntimeError(f"{what} that requires grad is being used in an in-place operation.")
    if not expanded_ok and overlaps(t._data if written is None else written):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )


def mark_pieces(pieces: tuple) -> tuple:
    """The views split/chunk/unbind return: torch numbers them and refuses in-place changes of them."""
    for i, piece in enumerate(pieces):
        if piece.grad_fn is not None:
            piece.grad_fn.piece = i
    return pieces


def overlaps(array: np.ndarray) -> bool:
    """Whether two elements of `array` share memory (a stride of 0: an `expand`ed tensor)."""
    return array.size > 0 and any(stride == 0 and n > 1 for n, stride in zip(array.shape, array.strides))


def commit(t, result):
    """Make `t` hold `result`, which the op computed out of place: torch's in-place op."""
    target, value = t._data, result._data
    if value.shape != target.shape:
        raise RuntimeError(f"output with shape {list(target.shape)} doesn't match the broadcast shape "
                           f"{list(value.shape)}")
    if value.dtype != target.dtype and not can_cast(value.dtype, target.dtype):
        raise RuntimeError(f"result type {torch_type_name(value.dtype)} can't be cast to the desired output type "
                           f"{torch_type_name(target.dtype)}")
    node = result.grad_fn
    if node is not None:
        _keep_old_values(node, target)
    target[...] = value
    bump_version(t)
    if node is None:  # nothing recorded (no_grad, or no gradient wanted): the write is all there is,
        _views_see_untracked_write(t)  # but for the views' nodes
        return t
    _output_is_now_in(node, result, t)
    root = t._base
    if root is None:
        t.grad_fn, t._requires_grad = node, True
        root = t
    else:
        new_root = CopySlices.apply(root, result, positions_in(root._data, target))
        root.grad_fn, root._requires_grad = new_root.grad_fn, True
    refresh_views(root)
    return t


def _keep_old_values(node, array: np.ndarray) -> None:
    """The op may have saved the very array it is about to overwrite (`y.mul_(w)` saves `y` to
    give `w` its gradient): give the node its own copy of the old values."""
    saved = node._saved
    replaced = {i for i, s in enumerate(saved) if s is array}
    if replaced:
        node._saved = tuple(s.copy() if i in replaced else s for i, s in enumerate(saved))
        node._saved_versions = tuple(r for r in node._saved_versions if r[0] not in replaced)


def _output_is_now_in(node, result, t) -> None:
    """The op may have saved its output (`relu_` saves it): that value now lives in `t`, so a later
    write into `t` makes backward refuse, as in torch (`y.relu_(); y.add_(1)`)."""
    storage = storage_of(t)
    node._saved_versions = tuple((i, storage, storage.version, named_by) if was is result._storage else
                                 (i, was, version, named_by) for i, was, version, named_by in node._saved_versions)


def refresh_views(root, keep: tuple = ()) -> None:
    """Every live view of `root` (but those in `keep`) now reads part of the new `root`: give it a node that
    says so."""
    storage = root._storage
    if storage.views is None:
        return
    locate = Positions(root._data)  # (sorted once for all the views)
    for view in list(storage.views):
        if not any(view is kept for kept in keep):
            view.grad_fn = AsStrided.apply(root, locate(view._data)).grad_fn
            view._requires_grad = True


def _views_see_untracked_write(t) -> None:
    """After a write that recorded nothing (under no_grad, or through a detached alias) into memory that
    tensors of the graph view, torch gives each such view an `AsStridedBackward0` node of its root as it is
    (the same gradient, by another name). (A piece of split/chunk/unbind keeps its node: torch's refuses to be
    read then, which ours cannot do.)"""
    if t._storage is None or not t._storage.views:
        return
    for view in list(t._storage.views):
        root = view._base
        if view.grad_fn is not None and root._requires_grad and getattr(view.grad_fn, "piece", None) is None:
            with grad_mode.enable_grad():
                view.grad_fn = AsStrided.apply(root, positions_in(root._data, view._data)).grad_fn


def positions_in(base: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of `view` (a NumPy view of `base`'s memory), its flat index in `base`."""
    return Positions(base)(view)


class Positions:
    """Finds where the elements of views of `base` sit in `base` (flat C-order indices).

    From memory addresses, so it works for any chain of slices, transposes and reshapes:
    `base`'s element addresses are sorted once, then each view's are looked up.
    """

    def __init__(self, base: np.ndarray) -> None:
        addresses = _addresses(base).ravel()
        self.order = np.argsort(addresses, kind="stable")
        self.sorted_addresses = addresses[self.order]

    def __call__(self, view: np.ndarray) -> np.ndarray:
        return self.order[np.searchsorted(self.sorted_addresses, _addresses(view))]

    def within(self, view: np.ndarray) -> tuple:
        """(each element's flat index in `base`, whether it lies in `base` at all) for a `view` of any part of
        the memory `base` shares (as_strided may read beyond `base`)."""
        addresses = _addresses(view)
        at = np.minimum(np.searchsorted(self.sorted_addresses, addresses), len(self.order) - 1)
        return self.order[at], self.sorted_addresses[at] == addresses


def _addresses(array: np.ndarray) -> np.ndarray:
    """The byte address of every element of `array`, in its logical (C) order."""
    addresses = np.full(array.shape, array.__array_interface__["data"][0], dtype=np.intp)
    for dim, (n, stride) in enumerate(zip(array.shape, array.strides)):
        addresses += (np.arange(n, dtype=np.intp) * stride).reshape((-1,) + (1,) * (array.ndim - dim - 1))
    return addresses


# ---------------------------------------------------------------------- the nodes of writes through views
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
        grad_root = np.array(grad)  # (a copy)
        flat = grad_root.reshape(-1)
        grad_value = flat[positions].reshape(np.shape(positions))  # (a copy; 0-d positions give a 0-d array)
        flat[positions] = 0  # overwritten elements of the old root get nothing
        return grad_root, grad_value, None


class AsStrided(Function):
    """A view, once its root changed in place: the elements of the root at flat `positions`."""

    @staticmethod
    def forward(ctx, root, positions):
        ctx.save_for_backward(positions)
        ctx.shape = root.shape
        return root.reshape(-1)[positions]

    @staticmethod
    def backward(ctx, grad):
        (positions,) = ctx.saved_tensors
        grad_root = np.zeros(ctx.shape, dtype=grad.dtype)
        np.add.at(grad_root.reshape(-1), positions, grad)  # (add: an `expand`ed view repeats elements)
        return grad_root, None
