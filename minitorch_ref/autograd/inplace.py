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

import weakref
from typing import Any

import numpy as np

from . import grad_mode

Tensor: Any = None  # the Tensor class; set by _tensor.py

_THIS_NODE = object()  # in a saved-version record: "the tensor is this node's own output"
_NO_GRAD_VIEW_MESSAGE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use "
    "case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the "
    "inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if "
    "you want the inplace to be tracked)."
)


class Storage:
    """What a tensor shares with its views: the version counter and the list of live views.

    (Class-level defaults instead of an `__init__`: one is made for every tensor an op saves.)
    """

    version = 0
    views = None  # a WeakSet of the views, made when the first one is


def storage_of(t) -> Storage:
    if t._storage is None:
        t._storage = Storage()
    return t._storage


def bump_version(t) -> None:
    """Count one more in-place write into `t`'s memory (seen by its views too)."""
    storage = t._storage
    if storage is None:
        storage = t._storage = Storage()
    storage.version += 1


def mark_view(view, source) -> None:
    """`view` (just made by a view op) shares `source`'s memory: link it to the root tensor."""
    base = source if source._base is None else source._base
    storage = storage_of(base)
    if storage.views is None:
        storage.views = weakref.WeakSet()
    storage.views.add(view)
    view._base, view._storage = base, storage


# ---------------------------------------------------------------------- the version check
def remember_saved_versions(ctx, args: tuple, result) -> None:
    """Note the version of every input or output tensor that `ctx` saved for backward."""
    records = []
    out = result._data
    for i, saved in enumerate(ctx._saved):
        if type(saved) is not np.ndarray:
            continue
        if saved is out:
            owner, producer = result, _THIS_NODE
        else:
            for owner in args:
                if isinstance(owner, Tensor) and owner._data is saved:
                    break
            else:
                continue
            producer = owner.grad_fn
        storage = owner._storage
        if storage is None:
            storage = owner._storage = Storage()
        records.append((i, storage, storage.version, producer))
    if records:
        ctx._saved_versions = records


def raise_modified(node) -> None:
    """torch's error for a tensor that `node` saved and that was changed in place since."""
    for i, storage, version, producer in node._saved_versions:
        if storage.version != version:
            saved = node._saved[i]
            from .._dtype import PACKAGE, torch_type_name

            what = f"[{PACKAGE}.{torch_type_name(saved.dtype)}Tensor [{', '.join(map(str, saved.shape))}]]"
            if producer is not None:
                name = (node if producer is _THIS_NODE else producer).name()
                what += f", which is output 0 of {name.split('Backward')[0]},"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace operation: "
                f"{what} is at version {storage.version}; expected version {version} instead. Hint: the value "
                "was saved for backward and then changed in place; clone() it before changing it, or change "
                "it out of place."
            )


# ---------------------------------------------------------------------- in-place ops
def check_inplace(t, through_view: bool = False) -> None:
    """torch's checks before writing into `t`: no leaf that requires grad (nor a view of one)
    while grad mode is on, and no element written twice (an `expand`ed tensor)."""
    root = t if t._base is None else t._base
    if grad_mode._enabled and root._requires_grad:
        if root.grad_fn is None:
            what = "a view of a leaf Variable" if (root is not t or through_view) else "a leaf Variable"
            raise RuntimeError(f"{what} that requires grad is being used in an in-place operation.")
        if not t._requires_grad:  # a view of a graph tensor taken under no_grad
            raise RuntimeError(_NO_GRAD_VIEW_MESSAGE)
    array = t._data
    if any(stride == 0 and n > 1 for n, stride in zip(array.shape, array.strides)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )


def commit(t, result):
    """Make `t` hold `result`, which the op computed out of place: torch's in-place op."""
    target, value = t._data, result._data
    if value.shape != target.shape:
        raise RuntimeError(f"output with shape {list(target.shape)} doesn't match the broadcast shape "
                           f"{list(value.shape)}")
    if value.dtype != target.dtype and not _can_cast(value.dtype, target.dtype):
        from .._dtype import torch_type_name

        raise RuntimeError(f"result type {torch_type_name(value.dtype)} can't be cast to the desired output type "
                           f"{torch_type_name(target.dtype)}")
    node = result.grad_fn
    if node is not None:
        _keep_old_values(node, target)
    target[...] = value
    bump_version(t)
    if node is None:  # nothing recorded (no_grad, or no gradient wanted): the write is all there is
        return t
    root = t._base
    if root is None:
        t.grad_fn, t._requires_grad = node, True
        root = t
    else:
        from ..ops.shape import CopySlices

        new_root = CopySlices.apply(root, result, positions_in(root._data, target))
        root.grad_fn, root._requires_grad = new_root.grad_fn, True
    _refresh_views(root)
    return t


def _can_cast(source: np.dtype, target: np.dtype) -> bool:
    """torch's in-place casting rule: within a kind, or up the chain bool -> int -> float."""
    order = "biuf"
    return order.index(source.kind) <= order.index(target.kind) or (source.kind in "iu" and target.kind in "iu")


def _keep_old_values(node, array: np.ndarray) -> None:
    """The op may have saved the very array it is about to overwrite (`y.mul_(w)` saves `y` to
    give `w` its gradient): give the node its own copy of the old values."""
    saved = node._saved
    replaced = {i for i, s in enumerate(saved) if s is array}
    if replaced:
        node._saved = tuple(s.copy() if i in replaced else s for i, s in enumerate(saved))
        node._saved_versions = [r for r in node._saved_versions if r[0] not in replaced]


def _refresh_views(root) -> None:
    """Every live view of `root` now reads part of the new `root`: give it a node that says so."""
    storage = root._storage
    if storage.views is None:
        return
    from ..ops.shape import AsStrided

    locate = Positions(root._data)  # (sorted once for all the views)
    for view in list(storage.views):
        view.grad_fn = AsStrided.apply(root, locate(view._data)).grad_fn
        view._requires_grad = True


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


def _addresses(array: np.ndarray) -> np.ndarray:
    """The byte address of every element of `array`, in its logical (C) order."""
    addresses = np.full(array.shape, array.__array_interface__["data"][0], dtype=np.intp)
    for dim, (n, stride) in enumerate(zip(array.shape, array.strides)):
        addresses += (np.arange(n, dtype=np.intp) * stride).reshape((-1,) + (1,) * (array.ndim - dim - 1))
    return addresses
