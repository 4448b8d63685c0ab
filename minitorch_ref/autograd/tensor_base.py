"""What autograd knows of a tensor: its array, its history, and a version counter.

`TensorBase` is the part of `Tensor` that the autograd machinery reads and writes. It
lives here, below everything else, so that `Function.apply`, the engine and the ops can
recognise and make tensors without importing `_tensor.py` (which imports all the ops):
the modules of minitorch_ref form no import cycle.

The version counter (`Storage`) is torch's: every in-place write into a tensor's memory
bumps a counter shared by the tensor and its views, so that a node which saved the tensor
for backward can tell that the values it saved have changed since (see function.py).
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .._dtype import PACKAGE, python_type_name, torch_type_name


class TensorBase:
    """The fields of every tensor. `Tensor` (in _tensor.py) adds the math on top.

    _data: the NumPy array. _requires_grad, _grad, grad_fn: as torch's. _base: the tensor
    whose memory this one views (None if it is not a view). _storage: the version counter
    shared with its views (None until needed). _accumulator: a weak reference to the leaf's
    `AccumulateGrad` node, so that every use of a leaf in one graph meets the same node.
    _hooks: the functions `register_hook` added (None until one is), by handle id.
    _post_accumulate_grad_hooks: a leaf's `register_post_accumulate_grad_hook` functions, likewise.
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_base", "_storage", "_accumulator", "_hooks",
                 "_post_accumulate_grad_hooks",
                 "__weakref__")

    @staticmethod
    def _make(array: np.ndarray, requires_grad: bool = False) -> Any:
        """A new `Tensor` around `array` (no copy): the one way tensors are made. `Tensor` defines it."""
        raise NotImplementedError


class Storage:
    """What a tensor shares with its views: the version counter and the list of live views."""

    version = 0
    views = None  # a WeakSet of the views, made when the first one is


class InferenceStorage(Storage):
    """The storage of a tensor made inside `inference_mode()`, shared with its views: it marks them as
    torch's inference tensors (`is_inference()`), which autograd may not use later."""


def storage_of(t: TensorBase) -> Storage:
    if t._storage is None:
        t._storage = Storage()
    return t._storage


def bump_version(t: TensorBase) -> None:
    """Count one more in-place write into `t`'s memory (seen by its views too)."""
    storage_of(t).version += 1


def mark_view(view: TensorBase, source: TensorBase) -> None:
    """`view` (just made by a view op) shares `source`'s memory: link it to the root tensor."""
    base = source if source._base is None else source._base
    storage = storage_of(base)
    if storage.views is None:
        storage.views = weakref.WeakSet()
    storage.views.add(view)
    view._base, view._storage = base, storage


class RemovableHandle:
    """What `register_hook` returns (torch.utils.hooks.RemovableHandle): `remove()` takes the hook away."""

    _next_id = 0

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


def run_post_accumulate_grad_hooks(leaf: TensorBase) -> None:
    """After `leaf.grad` was updated: each hook gets the leaf itself, and must return None (as torch)."""
    for hook in list(leaf._post_accumulate_grad_hooks.values()):
        result = hook(leaf)
        if result is not None and not isinstance(result, TensorBase):
            raise TypeError(f"expected Variable, but hook returned '{python_type_name(result)}'")
        if result is not None:
            raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def run_hooks(t: TensorBase, grad: Any) -> Any:
    """`grad` passed through t's hooks in the order they were added; a hook that returns a tensor
    replaces the gradient (it must keep its dtype and shape, as torch checks)."""
    for hook in list(t._hooks.values()):
        sparse = getattr(grad, "is_sparse", False)  # (a row-sparse gradient is passed as it is)
        result = hook(grad if sparse else t._make(grad))
        if result is not None:
            grad = _replacement(hook, grad, result)
    return grad


def _replacement(hook: Any, grad: Any, result: Any) -> Any:
    """The gradient a hook returned, checked as torch checks it: a tensor of the same dtype and shape."""
    if getattr(result, "is_sparse", False):
        return result
    if not isinstance(result, TensorBase):
        raise TypeError(f"expected Variable, but hook returned '{python_type_name(result)}'")
    name = getattr(hook, "__name__", "<unknown>")
    value = result._data
    if type(grad) is np.ndarray and value.dtype != grad.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {PACKAGE}."
                           f"{torch_type_name(grad.dtype)}Tensor got {PACKAGE}.{torch_type_name(value.dtype)}Tensor)")
    if tuple(value.shape) != tuple(grad.shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return value
