"""`Parameter`: a tensor that a `Module` treats as one of its weights; `Buffer`: one it keeps as state.

A Parameter is an ordinary tensor (same array, same autograd) with two differences:
it requires grad by default, and assigning it as a module attribute registers it, so
`model.parameters()` finds it and the optimizer updates it. A Buffer, assigned the same
way, is registered as a buffer (`register_buffer`): saved by `state_dict`, never learned.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as dt
from .._tensor import Tensor
from ..autograd.tensor_base import TensorBase


class Parameter(Tensor):
    """A learnable tensor: `nn.Parameter(torch.randn(3))` shares the memory of the tensor it wraps."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        # data.detach(), as torch: a list or an array raises "'list' object has no attribute 'detach'"
        array = np.empty(0, dtype=dt.DEFAULT_FLOAT.numpy_dtype) if data is None else data.detach()._data
        if not isinstance(requires_grad, bool):
            raise TypeError(f"_make_subclass(): argument 'require_grad' (position 3) must be bool, "
                            f"not {type(requires_grad).__name__}")
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param = Tensor._make(array)
        param.__class__ = cls  # (the same fields as a Tensor: only the class differs)
        if data is not None and data.is_inference():  # (an inference tensor's alias is one too)
            param._storage = data._storage
        return param.requires_grad_(requires_grad)  # (an inference tensor may not, outside inference_mode)

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happened in __new__ (Tensor.__init__ is the legacy constructor)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        # torch formats only a plain 0-dim Tensor as a number: f"{p}" is str(p), f"{p:.2f}" a TypeError
        return object.__format__(self, spec)

    def __reduce__(self):
        # pickling and copy.deepcopy keep the class (Tensor.__reduce__ would give a plain Tensor)
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(array: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(Tensor._make(array), requires_grad)


_TENSOR_FIELDS = tuple(name for name in TensorBase.__slots__ if name != "__weakref__")


class Buffer(Tensor):
    """State that is not learned: `self.mask = nn.Buffer(t)` registers it as `register_buffer("mask", t)` would.

    It shares the memory of `t` (detached, as torch's) and keeps its requires_grad; `persistent=False`
    keeps it out of `state_dict`. (torch's Buffer is a plain Tensor flagged by attributes; our tensors take
    no new attributes, so ours is a subclass with one more field.)
    """

    __slots__ = ("persistent",)

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> "Buffer":
        source = Tensor._make(np.empty(0, dtype=dt.DEFAULT_FLOAT.numpy_dtype)) if data is None else data
        alias, buffer = source.detach(), object.__new__(cls)
        for name in _TENSOR_FIELDS:
            setattr(buffer, name, getattr(alias, name))
        buffer.persistent = persistent
        return buffer.requires_grad_(source.requires_grad)

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass  # everything happened in __new__ (Tensor.__init__ is the legacy constructor)

    def __reduce__(self):
        # pickling and copy.deepcopy keep the class and the flag, as torch keeps a tensor's attributes
        return (_rebuild_buffer, (self._data, self._requires_grad, self.persistent))


def _rebuild_buffer(array: np.ndarray, requires_grad: bool, persistent: bool) -> Buffer:
    return Buffer(Tensor._make(array, requires_grad), persistent=persistent)
