"""torch's function forms (`torch.softmax(x, dim=1)`, `torch.cat`, `torch.max(x, 1)`...).

Most are the tensor method called on the first argument; a few (cat, stack) build a new node.
"""
from __future__ import annotations

from typing import Any, Sequence


from ._dtype import PACKAGE
from ._tensor import Tensor, _as_tensor, _dim, _promote
from .ops import pointwise, shape

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "clamp", "clip",
    "sum", "mean", "max", "min", "argmax", "argmin", "softmax", "log_softmax", "cumsum", "reshape", "flatten",
    "squeeze", "unsqueeze", "transpose", "permute", "t", "cat", "concat", "concatenate", "stack", "gather",
    "index_select", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_not", "logical_xor",
    "isnan", "isinf", "isfinite", "allclose", "equal", "all", "any", "mm", "dot", "numel", "clone", "detach",
    "reciprocal", "masked_fill", "maximum", "minimum", "broadcast_to",
]


def _method(name: str, unary: bool = False):
    """`torch.name(input, ...)`: the tensor method, with torch's TypeError for a non-tensor input.

    Unary functions (`torch.relu(x)`) get a one-argument wrapper: packing `*args, **kwargs`
    would cost a quarter of a microsecond, as much as the ReLU itself on a small tensor.
    """
    method = getattr(Tensor, name)
    message = f"{name}(): argument 'input' (position 1) must be Tensor, not {{}}"

    if unary:
        def fn(input: Tensor):
            if isinstance(input, Tensor):
                return method(input)
            raise TypeError(message.format(type(input).__name__))
    else:
        def fn(input: Tensor, *args: Any, **kwargs: Any):
            if isinstance(input, Tensor):
                return method(input, *args, **kwargs)
            raise TypeError(message.format(type(input).__name__))

    fn.__name__ = name
    fn.__doc__ = f"`torch.{name}(input, ...)` = `input.{name}(...)`."
    return fn


_UNARY = ["neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "t", "logical_not", "isnan", "isinf",
          "isfinite", "numel", "clone", "detach", "reciprocal"]
for _name in _UNARY:
    globals()[_name] = _method(_name, unary=True)
for _name in ["add", "sub", "mul", "div", "pow", "clamp", "clip", "sum", "mean", "max", "min", "argmax", "argmin",
              "softmax", "log_softmax", "cumsum", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "permute",
              "gather", "index_select", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
              "allclose", "equal", "all", "any", "mm", "dot", "masked_fill"]:
    globals()[_name] = _method(_name)


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Element-wise larger of two tensors (broadcast); a tie sends half the gradient to each."""
    a, b = _promote(input, other)
    return pointwise.Maximum.apply(a, b)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Element-wise smaller of two tensors (broadcast); a tie sends half the gradient to each."""
    a, b = _promote(input, other)
    return pointwise.Minimum.apply(a, b)


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return input.expand(size)


def _same_dtype(tensors: Sequence[Tensor]) -> list:
    from ._tensor import _cast, _fold

    target = _fold([t._data.dtype for t in tensors])
    return [_cast(t, target) for t in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join along an existing dimension; torch's errors for empty lists and mismatched shapes."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"cat() received an invalid combination of arguments - got ({type(tensors).__name__}, ...)")
    if len(tensors) == 0:
        raise ValueError(f"{PACKAGE}.cat(): expected a non-empty list of Tensors")
    tensors = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])  # legacy empty rule
    ref = tensors[0]
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _dim(dim, ref.ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for k in range(ref.ndim):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} but got size "
                    f"{t.shape[k]} for tensor number {i} in the list.")
    return shape.Cat.apply(d, *_same_dtype(tensors))


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join along a new dimension; all tensors must have the same shape."""
    if len(tensors) == 0:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                f"{list(t.shape)} at entry {i}")
    return shape.Stack.apply(_dim(dim, ref.ndim + 1), *_same_dtype(tensors))
