"""torch's function forms (`torch.softmax(x, dim=1)`, `torch.cat`, `torch.max(x, 1)`...).

Most are the tensor method called on the first argument; a few (cat, stack) build a new node.
"""
from __future__ import annotations

import builtins
import contextlib
import re
from typing import Any, Sequence

import numpy as np

from . import _dtype as _dt
from ._dtype import PACKAGE
from ._tensor import (Tensor, _as_tensor, _bincount, _bitwise, _cast, _check_clamp_bounds_match,
                      _check_differentiable_result, _check_not_bool_sub, _diagonal_scatter, _diff, _dim, _fold,
                      _int_arg, _IntListArgument, _invalid_arguments, _is_one, _isclose, _promote, _read_int_lists,
                      _readable, _require_tensor, _result_dtype, _scaled, _select_scatter, _shift, _slice_scatter,
                      _unflatten)
from .ops import normalization, pointwise, reduction, shape

__all__ = [
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "clamp", "clip",
    "sum", "mean", "max", "min", "argmax", "argmin", "softmax", "log_softmax", "cumsum", "reshape", "flatten",
    "squeeze", "unsqueeze", "transpose", "permute", "t", "cat", "concat", "concatenate", "stack", "gather",
    "index_select", "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_not", "logical_xor",
    "isnan", "isinf", "isfinite", "allclose", "equal", "all", "any", "mm", "dot", "numel", "clone", "detach",
    "reciprocal", "masked_fill", "maximum", "minimum", "broadcast_to", "is_complex", "is_floating_point", "is_nonzero",
    "is_signed", "is_inference", "select", "take", "addcmul", "addcdiv", "dist", "kthvalue", "topk",
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
            raise TypeError(message.format(_dt.python_type_name(input)))
    else:
        def fn(input: Tensor, *args: Any, **kwargs: Any):
            if isinstance(input, Tensor):
                return method(input, *args, **kwargs)
            raise TypeError(message.format(_dt.python_type_name(input)))

    fn.__name__ = fn.__qualname__ = name  # (Python's own argument errors name the function as torch's do)
    fn.__doc__ = f"`torch.{name}(input, ...)` = `input.{name}(...)`."
    return fn


_UNARY = ["relu", "t", "isnan", "isinf",
          "isfinite", "numel", "clone", "detach", "is_complex", "is_floating_point", "is_nonzero",
          "is_signed", "is_inference"]
for _name in _UNARY:
    globals()[_name] = _method(_name, unary=True)
for _name in ["softmax", "log_softmax", "squeeze", "gather", "index_select", "allclose",
              "dot", "masked_fill", "select", "take"]:
    globals()[_name] = _method(_name)
_tensor_pow = _method("pow")  # (`pow` itself, further down, also takes a number first)
_MISSING = object()  # (an argument not given: torch's parser checks the others' types first)


def _clamp_function(name: str):
    method = getattr(Tensor, name)

    def fn(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
        _require_tensor(input, name, "input", 1)
        _check_clamp_bounds_match(name, min, max, function=True)
        return method(input, min, max)

    fn.__name__, fn.__doc__ = name, f"`torch.{name}(input, min, max)` = `input.{name}(min, max)`."
    return fn




def _function_of_two_tensors(name: str):
    """`torch.name(input, other)` where both must be tensors: the function's own positions in the TypeError
    (`torch.maximum(x, 2)`: 'other' is position 2, as the method's is position 1)."""
    method = getattr(Tensor, name)

    def fn(input: Tensor, other: Tensor = _MISSING, *extra: Any) -> Tensor:
        if extra:
            raise TypeError(f"{name}() takes 2 positional arguments but {2 + len(extra)} were given")
        _require_tensor(input, name, "input", 1)
        if other is _MISSING:
            raise TypeError(f'{name}() missing 1 required positional arguments: "other"')
        _require_tensor(other, name, "other", 2)
        return method(input, other)

    fn.__name__ = name
    fn.__doc__ = f"`torch.{name}(input, other)` = `input.{name}(other)`: two tensors."
    return fn


def _function_taking_a_number_first(name: str):
    """`torch.add/sub/mul/div(input, other)`: the input may be a number too. torch wraps it in a 0-d tensor
    that promotes as a number (`torch.sub(2, t)` is `2 - t` in t's dtype, recorded as SubBackward0)."""
    method = getattr(Tensor, name)

    def fn(input: Any, *args: Any, **kwargs: Any) -> Tensor:
        if not isinstance(input, Tensor):  # (true division promotes integers to floating point first)
            floating = name in ("div", "divide") and kwargs.get("rounding_mode") is None
            input = _wrapped_number(name, input, args[0] if args else kwargs.get("other"), floating)
        return method(input, *args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"`torch.{name}(input, other)` = `input.{name}(other)`; the input may be a number."
    return fn


def _wrapped_number(name: str, number: Any, other: Any, floating: bool) -> Tensor:
    """`number` as the 0-d tensor torch makes of it: in the dtype it takes beside `other`."""
    if not isinstance(number, _NUMBERS):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {_dt.python_type_name(number)}")
    if not isinstance(other, Tensor):  # (two numbers: the first as a tensor of its own)
        if not isinstance(other, _NUMBERS):
            raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                            f"{_dt.python_type_name(other)}")
        return _as_tensor(float(number) if isinstance(number, np.bool_) else
                          number.item() if isinstance(number, np.generic) else number)
    if name in ("sub", "subtract"):
        _check_not_bool_sub(other, number)  # (before the number takes other's dtype: `torch.sub(2, mask)`)
    promoted, number = _promote(other, number, floating)
    with np.errstate(over="ignore"):  # (silent, as torch: 2 ** 40 in float16 is inf)
        return Tensor._make(np.asarray(number, dtype=promoted._data.dtype))


def _function_of_a_tensor_first(name: str):
    """`torch.eq(input, other)`...: the input must be a tensor, the other a tensor or a number; anything
    else is torch's parser error listing its two overloads."""
    method = getattr(Tensor, name)

    def fn(input: Tensor, other: Any = _MISSING, *extra: Any) -> Tensor:
        if extra or not isinstance(input, Tensor) or not isinstance(other, (Tensor,) + _NUMBERS):
            raise _invalid_arguments(name, (input,) if other is _MISSING else (input, other, *extra),
                                     _TENSOR_OR_NUMBER_OTHER)
        return method(input, other)

    fn.__name__ = name
    fn.__doc__ = f"`torch.{name}(input, other)` = `input.{name}(other)`: other a tensor or a number."
    return fn


_NUMBERS = (builtins.bool, builtins.int, builtins.float, np.bool_, np.number)
_TENSOR_OR_NUMBER_OTHER = ("Tensor input, Tensor other, *, Tensor out = None",
                           "Tensor input, Number other, *, Tensor out = None")


def lerp(input: Tensor, end: Tensor, weight: Any = _MISSING, *, out: Any = None) -> Tensor:
    """`input + weight * (end - input)`: input and end tensors, weight a tensor or a number. Into `out`: of the
    result's dtype with a tensor weight, of one it casts into with a number (or a 0-d tensor)."""
    if not (isinstance(input, Tensor) and isinstance(end, Tensor) and isinstance(weight, (Tensor,) + _NUMBERS)
            and (out is None or isinstance(out, Tensor))):
        given = (input, end) if weight is _MISSING else (input, end, weight)
        raise _invalid_arguments("lerp", given, _LERP_OVERLOADS, keywords=None if out is None else {"out": out})
    if out is None:
        return input.lerp(end, weight)
    by_number = not isinstance(weight, Tensor) or weight.ndim == 0  # (torch's parser takes a 0-d weight as a number)
    write = _write_arithmetic_out if by_number else _write_same_dtype_out
    return _with_out(Tensor.lerp, "lerp", write)(input, end, weight, out=out)


_LERP_OVERLOADS = ("Tensor input, Tensor end, Tensor weight, *, Tensor out = None",
                   "Tensor input, Tensor end, Number weight, *, Tensor out = None")


for _name in ["divide", "subtract", "multiply"]:
    globals()[_name] = _function_taking_a_number_first(_name)
for _name in ["copysign"]:
    globals()[_name] = _function_of_a_tensor_first(_name)
for _name in ["arctan2", "logaddexp2", "ldexp", "equal"]:
    globals()[_name] = _function_of_two_tensors(_name)
# (comparisons, maximum/minimum, logical ops, clamp, max/min/argmax/argmin and sign take `out=`: made below)


# The shape functions read their sizes and dims one position after the methods (input is position 1),
# and take a size as one tuple only, as torch's: `torch.reshape(x, (2, 3))`, never `torch.reshape(x, 2, 3)`.
def _method_reading_int_lists(name: str, arguments: tuple = ()) -> Any:
    """`torch.name(input, ...)`: the tensor method, its 'tuple of ints' `arguments` (those the method reads,
    by default) read first as the function's, from position 2: torch names their positions so."""
    method = getattr(Tensor, name)
    arguments = arguments or method.int_list_arguments

    def fn(input: Tensor, *args: Any, **kwargs: Any):
        _require_tensor(input, name, "input", 1)
        args, kwargs = _read_int_lists(name, arguments, args, kwargs, first_position=2)
        return method(input, *args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = f"`torch.{name}(input, ...)` = `input.{name}(...)`."
    return fn


reshape = _method_reading_int_lists("reshape", (_IntListArgument("shape", sym_int=True),))
permute = _method_reading_int_lists("permute", (_IntListArgument("dims"),))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    _require_tensor(input, "flatten", "input", 1)
    return input.flatten(_int_arg(start_dim, "flatten", "start_dim", 2), _int_arg(end_dim, "flatten", "end_dim", 3))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    _require_tensor(input, "unsqueeze", "input", 1)
    return input.unsqueeze(_int_arg(dim, "unsqueeze", "dim", 2))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    _require_tensor(input, "transpose", "input", 1)
    return input.transpose(_int_arg(dim0, "transpose", "dim0", 2), _int_arg(dim1, "transpose", "dim1", 3))


def pow(input: Any, exponent: Any, *, out: Any = None) -> Tensor:
    """`torch.pow(input, exponent)`, with torch's other overload: `torch.pow(2, t)` is `2 ** t`. `out=` as an
    arithmetic op's (that overload resizes out first, once)."""
    if out is None:
        return _pow(input, exponent)
    write = _write_arithmetic_out if isinstance(input, Tensor) else _write_resized_then_cast
    return _with_out(_pow, "pow", write, overloads=_POW_OVERLOADS)(input, exponent, out=out)


def _write_resized_then_cast(out: Tensor, result: Tensor, name: str) -> Tensor:
    """`out=` of `pow(number, tensor)`: torch resizes out (one warning) before its casting rule may refuse."""
    if out._data.shape != result._data.shape:
        _warn_if_resized(out, result)
        out._data = np.zeros(result._data.shape, out._data.dtype)
    return _write_result_type_out(out, result, name)


def _pow(input: Any, exponent: Any) -> Tensor:
    if isinstance(exponent, Tensor) and not isinstance(input, Tensor):
        return exponent.__rpow__(input)
    return _tensor_pow(input, exponent)


_POW_OVERLOADS = ("Tensor input, Tensor exponent, *, Tensor out = None",
                  "Number self, Tensor exponent, *, Tensor out = None",
                  "Tensor input, Number exponent, *, Tensor out = None")


def dist(input: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The p-norm of `input - other` (broadcast), one DistBackward0 node."""
    _require_tensor(input, "dist", "input", 1)
    return input._dist(other, p, 2)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> tuple:
    """(values, indices): the k-th smallest value of each slice along `dim`."""
    _require_tensor(input, "kthvalue", "input", 1)
    return input._kthvalue(k, dim, keepdim, 2)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *,
         out: Any = None) -> tuple:
    """(values, indices): the k largest (or smallest) values of each slice along `dim` (written into `out`)."""
    _require_tensor(input, "topk", "input", 1)
    result = input._topk(k, dim, largest, 2)
    return result if out is None else _write_out(out, result, "topk")


def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    return input.expand(size)


def _same_dtype(tensors: Sequence[Tensor]) -> list:
    target = _fold([t._data.dtype for t in tensors])
    return [_cast(t, target) for t in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None, out: Tensor | None = None) -> Tensor:
    """Join along an existing dimension (`axis`: NumPy's name for it); torch's errors for empty lists and
    mismatched shapes."""
    dim = dim if axis is None else axis
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"cat(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{_dt.python_type_name(tensors)}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    dim = _int_arg(dim, "cat", "dim", 2)  # (torch reads its arguments before it looks at them)
    if len(tensors) == 0:
        raise ValueError(f"{PACKAGE}.cat(): expected a non-empty list of Tensors")
    target = _fold([t._data.dtype for t in tensors])  # (every tensor counts for the dtype, the skipped ones too)
    given = tensors  # (Cat skips the legacy empty ones again, but gives them their empty gradient)
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
    result = shape.Cat.apply(d, *[_cast(t, target) for t in given])
    return result if out is None else _write_cast_out(out, result, "cat")


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Tensor | None = None) -> Tensor:
    """Join along a new dimension; all tensors must have the same shape."""
    if len(tensors) == 0:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):  # (torch names a type from outside builtins with its module: numpy.ndarray)
        if not isinstance(t, Tensor):
            kind = type(t)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {name}")
    dim = _int_arg(dim, "stack", "dim", 2)
    ref = tensors[0]
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                f"{list(t.shape)} at entry {i}")
    result = shape.Stack.apply(_dim(dim, ref.ndim + 1), *_same_dtype(tensors))
    return result if out is None else _write_cast_out(out, result, "stack")


# --- functions added for issue 12 ---
_ISSUE12_UNARY = ["fix"]
_ISSUE12 = ["argsort", "count_nonzero", "mv", "outer", "ger", "vdot", "addmv", "addbmm", "baddbmm",
            "det", "inverse", "matrix_exp", "cross", "tril", "triu", "narrow", "chunk", "unbind", "movedim",
            "moveaxis", "var", "std", "aminmax", "mode", "norm", "nan_to_num", "clamp_min",
            "clamp_max"]
_READING_INT_LISTS = ["amax", "amin", "logsumexp", "roll"]  # (torch counts the input as position 1 here)
for _name in _ISSUE12_UNARY:
    globals()[_name] = _method(_name, unary=True)
for _name in _ISSUE12:
    globals()[_name] = _method(_name)
for _name in _READING_INT_LISTS:
    globals()[_name] = _method_reading_int_lists(_name)
flip = _method_reading_int_lists("flip", (_IntListArgument("dims"),))  # (`int[]`: the function takes no bare int)
tile = _method_reading_int_lists("tile", (_IntListArgument("dims", sym_int=True),))
__all__ += _ISSUE12_UNARY + _ISSUE12 + _READING_INT_LISTS + ["flip", "tile", "sort", "cumprod"]  # (the last two below)


def hstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    tensors = [t.reshape(1) if t.ndim == 0 else t for t in tensors]
    return cat(tensors, dim=0 if tensors and tensors[0].ndim == 1 else 1, out=out)


def vstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """Join along dim 0, 0-d and 1-D tensors first made rows."""
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat([t.reshape(1, -1) if t.ndim < 2 else t for t in tensors], dim=0, out=out)


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids of 1-D tensors (`indexing='xy'` swaps the first two axes, as NumPy)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if len({t._data.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    flat = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape_ = tuple(t.shape[0] for t in flat)
    grids = [t.reshape([-1 if i == k else 1 for i in range(len(flat))]).expand(shape_) for k, t in enumerate(flat)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


row_stack = vstack


def dstack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """Join along dim 2, each tensor first made at least 3-D (`atleast_3d`)."""
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat(atleast_3d(list(tensors)), dim=2, out=out)


def column_stack(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """`hstack` with 0-d and 1-D tensors first made columns."""
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return hstack([t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], out=out)


def _at_least(name: str, ndim: int, *tensors: Any) -> Any:
    """atleast_{ndim}d: one tensor (or a tuple of them, given several or a list) with at least `ndim` dims,
    as torch makes them: a 0-d one reshaped, others unsqueezed (views either way)."""
    given = tensors[0] if len(tensors) == 1 else tensors
    if isinstance(given, (list, tuple)):
        return tuple(_at_least(name, ndim, t) for t in given)
    if not isinstance(given, Tensor):
        raise _invalid_arguments(name, (given,), ("Tensor input", "tuple of Tensors tensors"), ((), ()))
    if given.ndim == 0:
        return given.reshape((1,) * ndim)
    if given.ndim == 1 and ndim == 3:
        return given.unsqueeze(0).unsqueeze(-1)
    if given.ndim == 1 and ndim == 2:
        return given.unsqueeze(0)
    return given.unsqueeze(-1) if given.ndim == 2 and ndim == 3 else given


def atleast_1d(*tensors: Any) -> Any:
    return _at_least("atleast_1d", 1, *tensors)


def atleast_2d(*tensors: Any) -> Any:
    return _at_least("atleast_2d", 2, *tensors)


def atleast_3d(*tensors: Any) -> Any:
    return _at_least("atleast_3d", 3, *tensors)


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """`tensor.split(...)` under torch.split's argument names."""
    return tensor.split(split_size_or_sections, dim)


def _copy_of_view(name: str, view: Any = None, node_name: str | None = None) -> Any:
    """`torch.<name>(input, ...)`: a view op's result(s) copied out (`shape.CopyOfView`), each node named after
    the view's (`node_name` where torch names it otherwise). `view(input, ...)`: the view op (by default the
    method that `name` copies)."""
    view = view or getattr(Tensor, name[:-len("_copy")])

    def copy(input: Tensor, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{_dt.python_type_name(input)}")
        result = view(input, *args, **kwargs)
        copies = tuple(_copy_out(t, node_name) for t in (result if isinstance(result, tuple) else (result,)))
        return copies if isinstance(result, tuple) else copies[0]
    copy.__name__ = name
    return copy


def _copy_out(view: Tensor, node_name: str | None) -> Tensor:
    name = node_name or (f"{view.grad_fn.name()}_copy" if view.grad_fn is not None else None)
    return shape.CopyOfView.apply(view, name)


def _view_or_reshape(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """view_copy's view: of a dtype as `view`, of a size as `reshape` (a copy is made anyway: any layout will do)."""
    dtype_given = len(args) == 1 and isinstance(args[0], _dt.dtype) or "dtype" in kwargs
    return input.view(*args, **kwargs) if dtype_given else input.reshape(*args, **kwargs)


def _split_by_size(input: Tensor, split_size: Any, dim: int = 0) -> tuple:
    """split_copy's split: of an int only (torch's split_copy takes no list of sizes)."""
    return input.split(_int_arg(split_size, "split_copy", "split_size", 2), dim)


def _narrow_as_copy(input: Tensor, dim: Any, start: Any, length: Any) -> Tensor:
    """narrow_copy's narrow: torch's own kernel words a dim past the last and a negative length its way."""
    dim, length = _int_arg(dim, "narrow_copy", "dim", 2), _int_arg(length, "narrow_copy", "length", 4)
    if input.ndim and dim >= input.ndim:
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  (Could "
                           "this error message be improved?  If so, please report an enhancement request to PyTorch.)")
    if input.ndim and length < 0:
        size, first = input.shape[_dim(dim, input.ndim)], builtins.int(start)
        raise RuntimeError(f"start ({first + size if first < 0 else first}) + length ({length}) exceeds dimension "
                           f"size ({size}).")
    return input.narrow(dim, start, length)


_COPIES = ["as_strided_copy", "diagonal_copy", "expand_copy", "permute_copy", "select_copy", "split_with_sizes_copy",
           "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy", "unsqueeze_copy"]
for _name in _COPIES:
    globals()[_name] = _copy_of_view(_name)
view_copy = _copy_of_view("view_copy", _view_or_reshape, "ViewBackward0_copy")
split_copy = _copy_of_view("split_copy", _split_by_size)
narrow_copy = _copy_of_view("narrow_copy", _narrow_as_copy, "NarrowCopyBackward0")
__all__ += _COPIES + ["view_copy", "split_copy", "narrow_copy"]

_SPLITTING = ["split_with_sizes", "tensor_split", "hsplit", "vsplit", "dsplit", "swapaxes", "swapdims", "adjoint",
              "ravel", "as_strided"]
for _name in _SPLITTING:
    globals()[_name] = _method(_name)
__all__ += ["hstack", "vstack", "meshgrid", "row_stack", "dstack", "column_stack", "atleast_1d", "atleast_2d",
            "atleast_3d", "split"] + _SPLITTING


# --- issue 12, second part: the function forms (with `out=` where torch has it) ---
import warnings  # noqa: E402

from ._dtype import cpp_type_name, torch_type_name  # noqa: E402
from ._return_types import _MaxResult  # noqa: E402
from ._tensor import (_HEAVISIDE_DTYPES_DIFFER, _OVERLAP_ERROR, _memory_overlap,  # noqa: E402
                      matmul as _matmul, where as _where)
from .autograd import grad_mode, inplace  # noqa: E402
from .ops import linalg  # noqa: E402


def _write_out(out: Any, result: Any, name: str) -> Any:
    """`out=`: the result written into the given tensor(s) (resized if its shape differs, as torch does)."""
    if isinstance(result, _MaxResult):  # (values, indices) into a pair of tensors
        if name in ("median", "nanmedian"):
            _check_median_out(out, result)
        return _MaxResult(_write_out(out[0], result[0], name), _write_out(out[1], result[1], name), result._kind)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if grad_mode.is_grad_enabled() and (out._requires_grad or result._requires_grad):
        raise RuntimeError(_out_autograd_message(name))
    if out._data.dtype != result._data.dtype:
        raise RuntimeError(_out_dtype_message(name, out, result))
    if out._data.shape != result._data.shape:
        _warn_if_resized(out, result)
        out._data = result._data.copy()
    else:
        out._data[...] = result._data
    inplace.bump_version(out)
    return out


def _warn_if_resized(out: Tensor, result: Tensor) -> None:
    """torch's deprecation warning for an out of another shape that has elements (an empty one is silently resized)."""
    if out._data.size and out._data.shape != result._data.shape:
        warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                      f"which does not match the required output shape {list(result.shape)}. This behavior is "
                      "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                      "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                      "elements with t.resize_(0).", UserWarning, stacklevel=4)


def _out_autograd_message(name: str) -> str:
    """torch's refusal of out= by autograd, which names the op an alias or a function stands for."""
    return (f"{_OPS_NAMED.get(name, name)}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.")


_OPS_NAMED = {"square": "pow", "true_divide": "div", "divide": "div", "subtract": "sub", "multiply": "mul",
              "negative": "neg", "absolute": "abs", "fix": "trunc", "arctan2": "atan2", "clip": "clamp",
              "floor_divide": "aten::floor_divide", "heaviside": "aten::heaviside"}  # (the last: no derivative)


def _cast_for_out(out: Any, result: Tensor, refusal: Any) -> Tensor:
    """`result` in the dtype of the tensor `out` where torch's casting rule allows it, else `refusal()` is
    raised (each function words it its own way)."""
    if isinstance(out, Tensor) and out._data.dtype != result._data.dtype:
        if not _dt.can_cast(result._data.dtype, out._data.dtype):
            raise refusal()
        result = result.to(out.dtype)
    return result


def _write_cast_out(out: Any, result: Tensor, name: str) -> Tensor:
    """`out=` of cat and stack: the result cast to out's dtype (not a result that requires grad: `_write_out`
    refuses it) where torch's casting rule allows (the refusal names cat, which torch's stack calls)."""
    if not result._requires_grad:
        result = _cast_for_out(out, result, lambda: TypeError(
            f"{PACKAGE}.cat(): input types can't be cast to the desired output type {torch_type_name(out._data.dtype)}"))
    return _write_out(out, result, name)


def _out_dtype_message(name: str, out: Tensor, result: Tensor) -> str:
    """torch's error for an `out` of the wrong dtype: each function words it its own way."""
    if name == "masked_select":
        return "masked_select(): self and result must have the same scalar type"
    if name == "nonzero":
        return ("nonzero: Expected out tensor to have scalar type Long but got scalar type"
                f"{torch_type_name(out._data.dtype)}")
    return (f"Expected out tensor to have dtype {cpp_type_name(result._data.dtype)}, but got "
            f"{cpp_type_name(out._data.dtype)} instead")


def _check_median_out(out: Any, result: Any) -> None:
    """median(x, dim, out=(values, indices)) (nanmedian too): torch checks the indices' dtype first."""
    values, indices = out
    checked = " (while checking arguments for median)"
    if isinstance(indices, Tensor) and indices._data.dtype != np.int64:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have scalar type Long; but got "
                           f"{indices.type()} instead{checked}")
    if isinstance(values, Tensor) and values._data.dtype != result[0]._data.dtype:
        raise RuntimeError(f"Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; "
                           f"but type {values.type()} does not equal {result[0].type()}{checked}")


def _method_out(name: str):
    """`torch.name(input, ..., out=None)`: the tensor method, its result written into `out` if given."""
    method = _method(name)

    def fn(input: Tensor, *args: Any, out: Any = None, **kwargs: Any):
        if out is not None and name in ("median", "nanmedian") and not args and "dim" not in kwargs:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')  # (the out= overload's)
        if out is not None and name == "nonzero" and kwargs.get("as_tuple"):
            raise RuntimeError("nonzero does not support the out kwarg when as_tuple is True")
        result = method(input, *args, **kwargs)
        return result if out is None else _write_out(out, result, name)

    fn.__name__, fn.__doc__ = name, method.__doc__
    return fn


for _name in ["median", "nanmedian", "diag", "scatter", "scatter_add", "index_add", "nonzero"]:
    globals()[_name] = _method_out(_name)
unique = _method("unique")


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """`torch.repeat_interleave(x, repeats, dim)`; `torch.repeat_interleave(counts)` alone gives the
    indices 0, 1, ... each repeated counts[i] times."""
    if not isinstance(input, Tensor):
        raise TypeError(f"repeat_interleave(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Sums of products named by letters: `einsum('bij,bjk->bik', a, b)` is a batched matmul,
    `einsum('ii', m)` a trace, `einsum('i,j->ij', u, v)` an outer product; `...` stands for the
    remaining (broadcast) dims. Operands may also be given as one list."""
    while len(operands) == 1 and isinstance(operands[0], (list, tuple)):  # (as torch: a list is unpacked, again)
        operands = tuple(operands[0])
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    for i, operand in enumerate(operands):
        if not isinstance(operand, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {_dt.python_type_name(operand)}")
    inputs, out = linalg.einsum_subscripts(equation, [t.ndim for t in operands])
    _check_einsum_sizes(equation, inputs, operands)
    dtypes = {t._data.dtype for t in operands}
    if len(dtypes) > 1 or builtins.any(d.kind in "biu" and d != np.int64 for d in dtypes):  # (sums count in int64)
        operands = _einsum_operands_as_torch(inputs, out, list(operands))
    return linalg.Einsum.apply(inputs, out, *operands)


def _check_einsum_sizes(equation: str, inputs: list, operands: Sequence[Tensor]) -> None:
    """torch's checks, operand by operand: a label repeated in one operand (a diagonal) has one size there,
    and a label's sizes across operands broadcast (equal, or 1). The letters that stand for `...` are not in
    the equation: their error names the dimension of the ellipsis instead (torch's message, its typo kept)."""
    seen: dict = {}
    for k, (term, t) in enumerate(zip(inputs, operands)):
        here: dict = {}
        for label, n in zip(term, t._data.shape):
            if label in here:
                if here[label] != n:
                    raise RuntimeError(f"einsum(): subscript {label} is repeated for operand {k} but the sizes "
                                       f"don't match, {n} != {here[label]}")
                continue
            here[label], before = n, seen.get(label, 1)
            if n != before and 1 not in (n, before):
                if label in equation:
                    raise RuntimeError(f"einsum(): subscript {label} has size {n} for operand {k} which does not "
                                       f"broadcast with previously seen size {before}")
                dim = [c for c in term if c not in equation].index(label)
                raise RuntimeError(f"einsum(): dimension {dim} covered by ellipsis in operand {k}has size {n} which "
                                   f"does not broadcast with previously seen ellipsis with size {before} for the "
                                   "respective dimension")
            if before == 1:
                seen[label] = n


def _einsum_operands_as_torch(inputs: list, out: str, operands: list) -> list:
    """Operands of mixed dtypes (or bool, or small integers) as torch's einsum treats them. It first sums the
    labels that only one operand has, in that operand's dtype (a sum of bools or integers counts in int64);
    it then contracts two operands with `bmm` where a summed label is not 1 long in both (one dtype only,
    no bool: bmm's errors; an empty product has the second operand's dtype), else multiplies them (the
    dtypes promote)."""
    summed = set("".join(inputs)) - set(out)
    sizes = [dict(zip(term, t._data.shape)) for term, t in zip(inputs, operands)]
    for k, term in enumerate(inputs):
        alone = [label for label in term if label in summed and linalg.summed_in_operand(label, k, inputs, sizes)]
        if alone and operands[k]._data.dtype.kind in "biu":
            operands[k] = _cast(operands[k], np.dtype(np.int64))
        once = tuple(d for d, label in enumerate(term) if label in alone and term.count(label) == 1)  # (not a diagonal)
        if once:
            operands[k] = operands[k].sum(once, keepdim=True)  # (size 1 left: the einsum broadcasts it)
    target = _fold([t._data.dtype for t in operands])
    if len(operands) == 2 and builtins.any(sizes[0].get(label, 1) != 1 and sizes[1].get(label, 1) != 1
                                           for label in summed):  # (torch's bmm)
        first, second = (t._data.dtype for t in operands)
        if not (operands[0]._data.size and operands[1]._data.size):
            target = second  # (an empty product: bmm returns at once, in the second operand's dtype)
            _check_differentiable_result(target, *operands)
        elif first == np.bool_:
            raise NotImplementedError('"bmm" not implemented for \'Bool\'')
        elif first != second:
            raise RuntimeError(f"expected scalar type {torch_type_name(first)} but found {torch_type_name(second)}")
    return [_cast(t, target) for t in operands]


__all__ += ["median", "nanmedian", "unique", "diag", "repeat_interleave", "scatter", "scatter_add", "index_add",
            "masked_select", "nonzero", "einsum"]


# --- issue 12, third part ---
_ISSUE12C_UNARY = ["msort", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin",
                   "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "exp2", "deg2rad",
                   "rad2deg", "sinc", "trace"]
_ISSUE12C = ["logit", "nansum", "nanmean", "diagonal"]
for _name in _ISSUE12C_UNARY:
    globals()[_name] = _method(_name, unary=True)
for _name in _ISSUE12C:
    globals()[_name] = _method(_name)


def var_mean(input: Tensor, *args: Any, **kwargs: Any) -> tuple:
    """(var, mean) over the same dims, as `var` takes them (`correction=`); no Tensor method in torch."""
    _require_tensor(input, "var_mean", "input", 1)
    return input._var_mean(*args, **kwargs)


def std_mean(input: Tensor, *args: Any, **kwargs: Any) -> tuple:
    _require_tensor(input, "std_mean", "input", 1)
    return input._std_mean(*args, **kwargs)


def xlogy(input: Any, other: Any) -> Tensor:
    """x * log(y), 0 where x is 0; either argument may be a number (not both)."""
    if isinstance(input, Tensor):
        return input.xlogy(other)
    _require_tensor(other, "xlogy", "other", 2)
    y, x = _promote(other, input, floating=True)
    return pointwise.NumberXlogy.apply(y, x)


def float_power(input: Any, exponent: Any) -> Tensor:
    """`input ** exponent` in float64; the base may be a number."""
    if isinstance(input, Tensor):
        return input.float_power(exponent)
    _require_tensor(exponent, "float_power", "exponent", 2)
    return builtins.float(input) ** exponent.double()


__all__ += _ISSUE12C_UNARY + _ISSUE12C + ["var_mean", "std_mean", "xlogy", "float_power", "hypot", "logaddexp",
                                          "logaddexp2", "fmax", "fmin", "atan2", "arctan2", "fmod",
                                          "copysign", "divide", "lerp", "ldexp"]


# --- isclose, diff, bincount, unflatten, divisions, bitwise ops, dtype rules ---


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Element-wise |input - other| <= atol + rtol * |other|: a bool tensor (see `Tensor.isclose`)."""
    _require_tensor(input, "isclose", "input", 1)
    _require_tensor(other, "isclose", "other", 2)
    return _isclose(input, other, rtol, atol, equal_nan)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None, *,
         out: Any = None) -> Tensor:
    """`torch.diff(input, n=1, dim=-1, prepend=None, append=None)`: the n-th forward difference along dim."""
    _require_tensor(input, "diff", "input", 1)
    result = _diff(input, n, dim, prepend, append)
    return result if out is None else _write_out(out, result, "diff")


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    _require_tensor(input, "bincount", "input", 1)
    if weights is not None:
        _require_tensor(weights, "bincount", "weights", 2)
    return _bincount(input, weights, _int_arg(minlength, "bincount", "minlength", 3))


def kron(input: Tensor, other: Tensor, *, out: Any = None) -> Tensor:
    """The Kronecker product (see `Tensor.kron`), written into `out` if given."""
    _require_tensor(input, "kron", "input", 1)
    _require_tensor(other, "kron", "other", 2)
    result = input.kron(other)
    return result if out is None else _write_out(out, result, "kron")


def rot90(input: Tensor, k: int = 1, dims: Sequence = (0, 1)) -> Tensor:
    _require_tensor(input, "rot90", "input", 1)
    return input.rot90(_int_arg(k, "rot90", "k", 2), dims)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    _require_tensor(input, "unflatten", "input", 1)
    return _unflatten(input, dim, sizes)


def _number_pair_error(name: str, input: Any, other: Any) -> TypeError:
    """torch's parser error for two numbers (`torch.remainder(1, 2)`), naming the overload that came closest."""
    a, b = type(input).__name__, type(other).__name__
    return TypeError(f"{name}() received an invalid combination of arguments - got ({a}, {b}), but expected one of:\n"
                     f" * ({_REMAINDER_OVERLOADS[0]})\n * ({_REMAINDER_OVERLOADS[1]})\n"
                     f"      didn't match because some of the arguments have invalid types: (!{a}!, !{b}!)\n"
                     f" * ({_REMAINDER_OVERLOADS[2]})\n")


_REMAINDER_OVERLOADS = ("Tensor input, Tensor other, *, Tensor out = None", "Number self, Tensor other",
                        "Tensor input, Number other, *, Tensor out = None")


def _bitwise_function(name: str, ufunc):
    def fn(input: Any, other: Any) -> Tensor:
        if isinstance(input, Tensor):
            return _bitwise(input, other, ufunc)
        if isinstance(other, Tensor):  # (`torch.bitwise_and(3, t)`: the same, the operands swapped)
            return _bitwise(other, input, ufunc)
        raise _number_pair_error(name, input, other)

    fn.__name__, fn.__doc__ = name, f"`torch.{name}(input, other)`: bools and integers only; either may be a number."
    return fn


bitwise_and = _bitwise_function("bitwise_and", np.bitwise_and)
bitwise_or = _bitwise_function("bitwise_or", np.bitwise_or)
bitwise_xor = _bitwise_function("bitwise_xor", np.bitwise_xor)


def _shift_function(name: str, ufunc):
    def fn(input: Any, other: Any) -> Tensor:
        if isinstance(input, Tensor):
            return _shift(input, other, ufunc)
        if isinstance(other, Tensor):  # (`torch.bitwise_left_shift(1, t)` is `1 << t`)
            return _shift(other, input, ufunc, reflected=True)
        raise _number_pair_error(name, input, other)

    fn.__name__, fn.__doc__ = name, f"`torch.{name}(input, other)`: integers only; either may be a number."
    return fn


bitwise_left_shift = _shift_function("bitwise_left_shift", np.left_shift)
bitwise_right_shift = _shift_function("bitwise_right_shift", np.right_shift)
bitwise_not = _method("bitwise_not", unary=True)
negative = _method("negative", unary=True)
absolute = _method("absolute", unary=True)
positive = _method("positive", unary=True)
isreal = _method("isreal", unary=True)


def _dtype_argument(value: Any, fn: str, name: str, position: int) -> np.dtype:
    """A dtype argument as torch's parser takes it: a dtype, or Python's float, int or bool."""
    if isinstance(value, _dt.dtype):
        return value.numpy_dtype
    if value in (builtins.float, builtins.int, builtins.bool):
        return _dt.to_numpy_dtype(value)
    raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be {PACKAGE}.dtype, not "
                    f"{type(value).__name__}")


def promote_types(type1: Any, type2: Any) -> Any:
    """The dtype two dtypes promote to (the higher category wins: bool < integers < floating point)."""
    a = _dtype_argument(type1, "promote_types", "type1", 1)
    b = _dtype_argument(type2, "promote_types", "type2", 2)
    return _dt.from_numpy_dtype(_dt.promote_types(a, b))


def can_cast(from_: Any, to: Any) -> bool:
    """Whether torch's casting rule allows it: no floating point to integers, nothing but bool to bool."""
    a = _dtype_argument(from_, "can_cast", "from_", 1)
    b = _dtype_argument(to, "can_cast", "to", 2)
    return _dt.can_cast(a, b)


def result_type(tensor: Any, other: Any) -> Any:
    """The dtype `tensor op other` computes in: dimensioned tensors first, then 0-d tensors, then numbers."""
    groups: tuple = ([], [], [])
    for value in (tensor, other):
        if isinstance(value, Tensor):
            groups[0 if value.ndim else 1].append(value._data.dtype)
        elif isinstance(value, (builtins.bool, builtins.int, builtins.float, np.bool_, np.integer, np.floating)):
            groups[2].append(_dt.scalar_dtype(_readable(value)))
        else:
            names = ", ".join(type(v).__name__ if not isinstance(v, Tensor) else "Tensor" for v in (tensor, other))
            raise TypeError(f"result_type() received an invalid combination of arguments - got ({names}), but "
                            "expected one of:\n * (Tensor tensor, Tensor other)\n * (Number scalar, Tensor tensor)\n"
                            " * (Tensor tensor, Number other)\n * (Number scalar1, Number scalar2)\n")
    return _dt.from_numpy_dtype(_dt.result_type(*(_fold(g) for g in groups)))


__all__ += ["isclose", "diff", "bincount", "kron", "rot90", "unflatten", "floor_divide", "true_divide", "remainder",
            "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "bitwise_not",
            "signbit", "positive", "isreal", "negative", "absolute",
            "subtract", "multiply", "not_equal", "less", "less_equal", "greater", "greater_equal",
            "isposinf", "isneginf", "promote_types", "can_cast", "result_type"]


# --- sorting, searching and running ops (the sorting probe) ---
_SORTING = ["unique_consecutive", "diag_embed", "fliplr", "flipud"]
_SORTING_WITH_OUT = ["cummax", "cummin", "logcumsumexp"]
for _name in _SORTING:
    globals()[_name] = _method(_name)
for _name in ["sort"] + _SORTING_WITH_OUT:  # (sort: in place of its plain form, torch takes out= too)
    globals()[_name] = _method_out(_name)


def histc(input: Tensor, bins: int = 100, min: Any = 0, max: Any = 0, *, out: Any = None) -> Tensor:
    """Counts of `input`'s values in `bins` equal bins over [min, max] (the data's range when they are equal)."""
    _require_tensor(input, "histc", "input", 1)
    result = input._histc(bins, min, max, 2)
    return result if out is None else _write_out(out, result, "histc")


def _running_with_out(name: str):
    """`torch.cumsum` / `torch.cumprod`: with `out=` and no `dtype`, torch computes in out's dtype."""
    method = getattr(Tensor, name)

    def fn(input: Tensor, dim: int, *, dtype: Any = None, out: Any = None) -> Tensor:
        _require_tensor(input, name, "input", 1)
        if out is None:
            return method(input, dim, dtype=dtype)
        _check_out_first(name, out, (input,), (input,))
        return _write_out(out, method(input, dim, dtype=out.dtype if dtype is None else dtype), name)

    fn.__name__, fn.__doc__ = name, method.__doc__
    return fn


cumsum, cumprod = _running_with_out("cumsum"), _running_with_out("cumprod")


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None, out: Any = None) -> Tensor:
    """For each value of `input`, the index at which it would go into `sorted_sequence` (along its last dim)
    to keep it sorted: the first such place, or the last with `right=True` / `side='right'`. No gradient."""
    _require_tensor(sorted_sequence, "searchsorted", "sorted_sequence", 1)
    values = input if isinstance(input, Tensor) else _as_tensor(input)
    right = _search_side(right, side)
    _check_search(sorted_sequence, values, sorter)
    if sorted_sequence._data.dtype == np.bool_:
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    index_dtype = np.int32 if out_int32 else np.int64
    if isinstance(out, Tensor) and out._data.dtype != index_dtype:
        raise RuntimeError(f"{PACKAGE}.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
                           "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's dtype "
                           f"{torch_type_name(out._data.dtype)} and out_int32 flag is {out_int32}")
    order = None if sorter is None else sorter._data
    result = pointwise.NoGradient.apply(
        lambda b, v: reduction.searchsorted(b, v, right, order).astype(index_dtype), sorted_sequence, values)
    return result if out is None else _write_out(out, result, "searchsorted")


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False,
              out: Any = None) -> Tensor:
    """The bucket of each value of `input` between the sorted 1-D `boundaries` (searchsorted's index)."""
    if not isinstance(input, (Tensor,) + _NUMBERS) or not isinstance(boundaries, Tensor):
        raise _invalid_arguments("bucketize", (input, boundaries), (
            "Tensor input, Tensor boundaries, *, bool out_int32 = False, bool right = False, Tensor out = None",
            "Number self, Tensor boundaries, *, bool out_int32 = False, bool right = False"))
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def _search_side(right: bool, side: str | None) -> bool:
    """searchsorted's `side` ('left', 'right') and `right`, which must not say opposite things."""
    if side is None:
        return right
    if side not in ("left", "right"):
        raise RuntimeError(f"{PACKAGE}.searchsorted(): side can only be 'left' or 'right' but got {side}")
    if right and side == "left":
        raise RuntimeError(f"{PACKAGE}.searchsorted(): side and right can't be set to opposites, got side of left "
                           "while right was True")
    return side == "right"


def _check_search(boundaries: Tensor, values: Tensor, sorter: Tensor | None) -> None:
    """torch's checks of searchsorted's arguments, with its messages (`torch.` named as this package)."""
    prefix = f"{PACKAGE}.searchsorted():"
    if sorter is not None:
        if sorter._data.dtype != np.int64:
            raise RuntimeError(f"{prefix} sorter must be a tensor of long dtype but got dtype "
                               f"{_dt.torch_type_name(sorter._data.dtype)}")
        if sorter.shape != boundaries.shape:
            raise RuntimeError(f"{prefix} boundary and sorter must have the same size, but got boundary tensor "
                               f"{list(boundaries.shape)}and got sorter tensor {list(sorter.shape)}")
    if boundaries.ndim == 0:
        raise RuntimeError(f"{prefix} boundaries tensor should have positive dimension, but got 0 dimension")
    if values.ndim == 0 and boundaries.ndim != 1:  # (a number, or a 0-d tensor)
        raise RuntimeError(f"{prefix} input value can be a scalar only when boundaries tensor dimension is 1, but we "
                           f"got boundaries tensor dim({boundaries.ndim}) and input value's dim(0) numel(1)")
    if boundaries.ndim > 1 and (values.ndim != boundaries.ndim or values.shape[:-1] != boundaries.shape[:-1]):
        raise RuntimeError(f"{prefix} boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           f"boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(boundaries.shape)} and input value tensor {list(values.shape)}")
    size = boundaries.shape[-1]
    if sorter is not None and sorter._data.size and not 0 <= sorter._data.min() <= sorter._data.max() < size:
        raise RuntimeError(f"{prefix} sorter index out of range")


_ISIN_OVERLOADS = "".join(  # (torch's parser lists them when neither argument is a tensor)
    f"\n * ({first}, *, bool assume_unique = False, bool invert = False, Tensor out = None)"
    for first in ["Tensor elements, Tensor test_elements", "Number element, Tensor test_elements",
                  "Tensor elements, Number test_element"])


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False,
         out: Any = None) -> Tensor:
    """Whether each element of `elements` is (`invert`: is not) among `test_elements`; either may be a number.
    `assume_unique` is only a speed hint in torch: the answer is the same."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got ({type(elements).__name__}, "
                        f"{type(test_elements).__name__}), but expected one of:{_ISIN_OVERLOADS}\n")
    elements, test_elements = (v if isinstance(v, Tensor) else _as_tensor(v) for v in (elements, test_elements))
    if np.bool_ in (elements._data.dtype, test_elements._data.dtype):
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    result = pointwise.NoGradient.apply(lambda e, t: np.isin(e, t, invert=invert), elements, test_elements)
    return result if out is None else _write_out(out, result, "isin")


__all__ += _SORTING + _SORTING_WITH_OUT + ["histc", "searchsorted", "bucketize", "isin"]


# --- comparison, logical and masking ops (the masks probe) ---
def _write_result_type_out(out: Any, result: Tensor, name: str) -> Any:
    """`out=` of a comparison or logical op: the result cast into out's dtype where torch's casting rule allows
    (a bool result into any dtype)."""
    return _write_out(out, _result_type_cast(out, result), name)


def _write_arithmetic_out(out: Any, result: Tensor, name: str) -> Any:
    """`out=` of an arithmetic op: cast as a comparison's, but a result cast into an out of another shape warns
    twice, as torch's (it resizes out, then again as it copies the result, computed apart, into it)."""
    cast = _result_type_cast(out, result)
    if cast is not result:
        _warn_if_resized(out, result)
    return _write_out(out, cast, name)


def _result_type_cast(out: Any, result: Tensor) -> Tensor:
    return _cast_for_out(out, result, lambda: RuntimeError(
        f"result type {torch_type_name(result._data.dtype)} can't be cast to the desired output type "
        f"{torch_type_name(out._data.dtype)}"))


def _write_bool_out(out: Any, result: Tensor, name: str) -> Any:
    """`out=` of any/all: torch writes into a bool or uint8 tensor only (either, whatever the input's dtype)."""
    if isinstance(out, Tensor):
        if out._data.dtype not in (np.bool_, np.uint8):
            raise RuntimeError(f"{name} only supports bool tensor for result, got: {torch_type_name(out._data.dtype)}")
        result = result.to(out.dtype)
    return _write_out(out, result, name)


def _with_out(function: Any, name: str, write: Any = _write_result_type_out, *, differentiable: bool = True,
              derivative: bool = True, pointwise: bool = True, overloads: tuple = ()) -> Any:
    """`function` taking torch's keyword `out=`, its result written there by `write`, after the checks torch
    makes before the op runs (`_check_out_first`). An op without gradient (a comparison) takes an `out` or
    inputs that require grad; one recorded without a `derivative` (floor_divide) takes inputs that do: out then
    takes its node, as if written in place. A function of several `overloads` (without keywords) refuses an out
    that is not a tensor with torch's parser error listing them."""
    def fn(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is None:
            return function(*args, **kwargs)
        if name in _NUMBERS_TAKEN_AS_OUT and isinstance(out, _NUMBERS):  # (torch's parser wraps it: the result
            out = Tensor._make(np.asarray(out))  # is written into that new 0-d tensor, resized, and returned)
        if overloads and not kwargs and not (isinstance(out, Tensor) and _overload_takes_out(name, args)):
            raise _invalid_arguments(name, args, overloads, keywords={"out": out})
        inputs = (*args, *kwargs.values())
        differentiated = inputs if derivative else (out,)  # (without derivative: only out may not require grad)
        try:
            _check_out_first(name, out, differentiated if differentiable else (), inputs if pointwise else ())
        except RuntimeError:
            _raise_argument_errors(function, args, kwargs)  # (torch's parser checks their types before)
            raise
        result = _result_or_refusal(function, args, kwargs, out, write, name, pointwise)
        if result._requires_grad:  # (an op without derivative, the others refused it)
            write(out, result.detach(), name)
            return inplace.commit(out, result)
        if differentiable:
            return write(out, result, name)
        with grad_mode.no_grad():
            return write(out, result, name)

    fn.__name__, fn.__qualname__, fn.__doc__ = name, name, function.__doc__
    return fn


_NUMBERS_TAKEN_AS_OUT = {"add", "sub", "mul", "div", "true_divide", "floor_divide"}


def _raise_argument_errors(function: Any, args: tuple, kwargs: dict) -> None:
    """The TypeError `function` raises for its arguments' types, if any (run without grad: only that is wanted)."""
    with grad_mode.no_grad(), contextlib.suppress(RuntimeError, ValueError, IndexError):
        function(*args, **kwargs)


def _overload_takes_out(name: str, args: tuple) -> bool:
    """Whether the overload the arguments pick takes `out=`: remainder's of a number first does not."""
    return name != "remainder" or not args or isinstance(args[0], Tensor)


def _check_out_first(name: str, out: Any, differentiated: tuple = (), read: tuple = ()) -> None:
    """torch's checks of `out=` before the op runs: its parser's (a tensor), its autograd layer's (with grad
    mode on, neither out nor an input of a `differentiated` op may require grad), and a pointwise op's
    (out shares no memory in part with an input it `read`s: it would overwrite what it has yet to read)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {_dt.python_type_name(out)}")
    if differentiated and grad_mode.is_grad_enabled() and builtins.any(
            isinstance(t, Tensor) and t._requires_grad for t in (out, *differentiated)):
        raise RuntimeError(_out_autograd_message(name))
    for t in read:
        if isinstance(t, Tensor) and _memory_overlap(out._data, t._data) == "partial":
            raise RuntimeError(_OVERLAP_ERROR)


_KERNEL_REFUSAL = re.compile(r"not implemented for '(\w+)'$")
_DTYPES_BY_TORCH_NAME = {torch_type_name(d.numpy_dtype): d.numpy_dtype for d in _dt.ALL_DTYPES}


def _result_or_refusal(function: Any, args: tuple, kwargs: dict, out: Tensor, write: Any, name: str,
                       pointwise: bool) -> Tensor:
    """`function(*args, **kwargs)`. Where its kernel refuses a dtype, torch has already taken out as for a result
    of that dtype: refused it (its dtype error comes first) or, a pointwise op's, resized it (with its warning)."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError as refusal:
        dtype = _KERNEL_REFUSAL.search(str(refusal))
        if dtype is None:
            raise
        shapes = [t._data.shape for t in (*args, *kwargs.values()) if isinstance(t, Tensor)]
        taken = out if pointwise else Tensor._make(np.empty(0, out._data.dtype))  # (shape unknown: a scratch out)
        with grad_mode.no_grad():
            write(taken, Tensor._make(np.zeros(np.broadcast_shapes(*shapes) if pointwise else 0,
                                               _DTYPES_BY_TORCH_NAME[dtype.group(1)])), name)
        raise


def _write_same_dtype_out(out: Any, result: Tensor, name: str) -> Any:
    """`out=` of clamp, sign, abs, floor...: torch wants out in the result's dtype exactly."""
    if isinstance(out, Tensor) and out._data.dtype != result._data.dtype:
        raise RuntimeError(f"Found dtype {torch_type_name(out._data.dtype)} but expected "
                           f"{torch_type_name(result._data.dtype)}")
    return _write_out(out, result, "clamp" if name == "clip" else name)  # (torch's clip is its clamp)


def _write_flags_out(out: Any, result: Tensor, name: str) -> Any:
    """`out=` of signbit, isposinf and isneginf: a bool tensor only."""
    if isinstance(out, Tensor) and out._data.dtype != np.bool_:
        raise RuntimeError(f"{name} does not support non-boolean outputs.")
    return _write_out(out, result, name)


for _name in ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal"]:
    globals()[_name] = _with_out(_function_of_a_tensor_first(_name), _name, differentiable=False)
for _name in ["logical_and", "logical_or", "logical_xor"]:
    globals()[_name] = _with_out(_function_of_two_tensors(_name), _name, differentiable=False)
logical_not = _with_out(_method("logical_not", unary=True), "logical_not", differentiable=False)
for _name in ["maximum", "minimum", "fmax", "fmin"]:
    globals()[_name] = _with_out(_function_of_two_tensors(_name), _name, _write_arithmetic_out)
for _name in ["any", "all"]:
    globals()[_name] = _with_out(_method(_name), _name, _write_bool_out, differentiable=False, pointwise=False)
for _name in ["clamp", "clip"]:
    globals()[_name] = _with_out(_clamp_function(_name), _name, _write_same_dtype_out)
for _name in ["sign", "sgn"]:
    globals()[_name] = _with_out(_method(_name, unary=True), _name, _write_same_dtype_out)
for _name in ["signbit", "isposinf", "isneginf"]:
    globals()[_name] = _with_out(_method(_name, unary=True), _name, _write_flags_out, differentiable=False)
for _name in ["max", "min", "argmax", "argmin"]:  # (max/min with a dim: out=(values, indices))
    globals()[_name] = _method_out(_name)


def masked_select(input: Tensor, mask: Tensor, *, out: Any = None) -> Tensor:
    """`torch.masked_select`: both arguments tensors (torch's TypeError at their positions), `out=` written."""
    _require_tensor(input, "masked_select", "input", 1)
    _require_tensor(mask, "masked_select", "mask", 2)
    result = input.masked_select(mask)
    return result if out is None else _write_out(out, result, "masked_select")


def where(condition: Any, input: Any = None, other: Any = None, *, out: Any = None) -> Any:
    """`torch.where`; with `out=`, torch's out overload: two tensor values, and out of the result's dtype."""
    if out is None:
        return _where(condition, input, other)
    _require_tensor(input, "where", "input", 2)
    _require_tensor(other, "where", "other", 3)
    result = _where(condition, input, other)
    if isinstance(out, Tensor) and out._data.dtype != result._data.dtype:
        raise RuntimeError(f"Expected out type to be {torch_type_name(result._data.dtype)} but got "
                           f"{torch_type_name(out._data.dtype)}")
    return _write_out(out, result, "where")


argwhere = _method("argwhere", unary=True)
masked_scatter = _method("masked_scatter")
__all__ += ["where", "argwhere", "masked_scatter", "sign", "sgn"]


# --- functions torch has that were missing (the missing-functions probe) ---
def take_along_dim(input: Tensor, indices: Tensor, dim: Any = None, *, out: Any = None) -> Tensor:
    """`input.take_along_dim(indices, dim)`: the values at `indices` along `dim` (see the method)."""
    _require_tensor(input, "take_along_dim", "input", 1)
    result = input._take_along_dim(indices, dim, 2)
    return result if out is None else _write_out(out, result, "take_along_dim")


def _scatter_function(name: str, scatter: Any):
    """`torch.<name>(input, src, ...)`: the method's `scatter`, src and the ints after it one position later."""
    def fn(input: Tensor, src: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _require_tensor(input, name, "input", 1)
        return scatter(input, src, *args, **kwargs, position=2)

    fn.__name__, fn.__doc__ = name, getattr(Tensor, name).__doc__
    return fn


select_scatter = _scatter_function("select_scatter", _select_scatter)
slice_scatter = _scatter_function("slice_scatter", _slice_scatter)
diagonal_scatter = _scatter_function("diagonal_scatter", _diagonal_scatter)
as_strided_ = _method("as_strided_")
alias_copy = _copy_of_view("alias_copy", lambda t: shape.Alias.apply(t, Ellipsis))


def detach_copy(input: Tensor) -> Tensor:
    """A row-major copy that torch records as not differentiable (backward through it raises)."""
    _require_tensor(input, "detach_copy", "input", 1)
    return pointwise.DetachCopy.apply(input)


def _require_tensors(tensors: Sequence) -> None:
    """torch's TypeError for an element of a tensor list that is not a tensor."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_dt.python_type_name(t)}")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every choice of one element from each 1-D tensor, as rows in lexicographic order (torch's meshgrid,
    flattened and stacked); one tensor is returned itself."""
    _require_tensors(tensors)
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([grid.flatten() for grid in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The r-element combinations of a 1-D tensor's elements (an element repeated too: `with_replacement`), as
    rows in lexicographic order of positions: torch's meshgrid of r copies, masked where the positions rise."""
    _require_tensor(input, "combinations", "input", 1)
    r = _int_arg(r, "combinations", "r", 2)
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(np.empty(0, input._data.dtype))
    positions = np.indices((input.shape[0],) * r)
    rising = (np.less_equal if with_replacement else np.less)(positions[:-1], positions[1:])
    mask = Tensor._make(np.all(rising, axis=0))
    return stack([grid.masked_select(mask) for grid in meshgrid(*[input] * r, indexing="ij")], 1)


def block_diag(*tensors: Tensor) -> Tensor:
    """The tensors (matrices; a 1-D one as a row, a 0-d one as 1x1) down the diagonal of a zero matrix, in
    their result dtype."""
    _require_tensors(tensors)
    if not tensors:
        return Tensor._make(np.empty((1, 0), _dt.DEFAULT_FLOAT.numpy_dtype))
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"{PACKAGE}.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
    dtype = _result_dtype(*tensors)
    return shape.BlockDiag.apply(*[_cast(t, dtype) for t in tensors])


_CDIST_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = _CDIST_MODES[0]) -> Tensor:
    """The p-norm distance of each row of x1 (..., P, M) to each row of x2 (..., R, M): (..., P, R), the batch
    dims broadcast. For p = 2 and more than 25 rows (or `compute_mode='use_mm_for_euclid_dist'`), torch's
    faster formula through one matrix product, a little less exact (`EuclideanDist`)."""
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _require_tensor(x1, "cdist", "x1", 1)
    _require_tensor(x2, "cdist", "x2", 2)
    if not isinstance(p, _NUMBERS) or isinstance(p, (builtins.bool, np.bool_)):
        raise TypeError(f"cdist(): argument 'p' (position 3) must be float, not {_dt.python_type_name(p)}")
    _check_cdist(x1, x2, p)
    rows = x1.shape[-2], x2.shape[-2]
    by_product = compute_mode == _CDIST_MODES[1] or compute_mode == _CDIST_MODES[0] and builtins.max(rows) > 25
    mixed = x1._data.dtype != x2._data.dtype
    if p == 2 and by_product and x1.numel() and x2.numel():
        if mixed:  # (the error of torch's matrix product)
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {cpp_type_name(x1._data.dtype)} "
                               f"!= {cpp_type_name(x2._data.dtype)}")
        batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
        return reduction.EuclideanDist.apply(x1, x2).view(batch + rows)
    if x1._data.dtype == np.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if mixed:
        raise RuntimeError(f"expected scalar type {torch_type_name(x1._data.dtype)} but found "
                           f"{torch_type_name(x2._data.dtype)}")
    return reduction.Cdist.apply(x1, x2, builtins.float(p))


def _check_cdist(x1: Tensor, x2: Tensor, p: float) -> None:
    """torch's checks of cdist's arguments, in its order."""
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, t in (("X1", x1), ("X2", x2)):
        if t._data.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{torch_type_name(t._data.dtype)}")
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    shape.check_broadcast(x1.shape[:-2], x2.shape[:-2])


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """The powers x^0 ... x^(N-1) of a 1-D tensor as columns, the highest first unless `increasing`; in int64
    for integers and bools. As torch builds it: ones, x into all but the first column, their running
    product written back there (one CopySlices node), then flipped. So, as torch's, its backward fails for
    more than one column: the running product saved a view of the result that it then overwrote."""
    _require_tensor(x, "vander", "x", 1)
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else _int_arg(N, "vander", "N", 2)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    result = Tensor._make(np.empty((x.shape[0], n), _dt.promote_types(x._data.dtype, np.dtype(np.int64))))
    if n > 0:
        result.fill_(1)
    if n > 1:
        result[:, 1:].copy_(x.unsqueeze(1))
        result[:, 1:].copy_(result[:, 1:].cumprod(1))
    return result if increasing else result.flip(1)


__all__ += ["take_along_dim", "select_scatter", "slice_scatter", "diagonal_scatter", "as_strided_", "alias_copy",
            "detach_copy", "cartesian_prod", "combinations", "block_diag", "cdist", "vander"]


# --- out= of the arithmetic and math functions, and the family's missing ones (the out-arith probe) ---
def rsub(input: Tensor, other: Any = _MISSING, *extra: Any, alpha: Any = 1) -> Tensor:
    """`other - alpha * input` (sub with its operands swapped): one RsubBackward0 node with a tensor `other`,
    RsubBackward1 with a number."""
    if extra or not isinstance(input, Tensor) or not isinstance(other, (Tensor,) + _NUMBERS):
        given = (input,) if other is _MISSING else (input, other, *extra)
        raise _invalid_arguments("rsub", given, _RSUB_OVERLOADS, (None, (Tensor, _NUMBERS, ())) if extra else None)
    _check_not_bool_sub(input, other)
    if isinstance(other, Tensor):  # (torch broadcasts other with input: its error names them in that order)
        other, scaled = _promote(other, input if _is_one(alpha) else _scaled(other, input, alpha, "rsub"))
        return pointwise.RsubTensor.apply(scaled, other)
    input, other = _promote(input, other)
    return (input if _is_one(alpha) else _scaled(input, input, alpha, "rsub")).__rsub__(other)


_RSUB_OVERLOADS = ("Tensor input, Tensor other, *, Number alpha = 1", "Tensor input, Number other, Number alpha = 1")


def heaviside(input: Tensor, values: Tensor, *, out: Any = None) -> Tensor:
    """`input.heaviside(values)`: two tensors; `out` of their dtype only (torch checks the three dtypes alike,
    before their shapes). torch records no derivative."""
    def checked(input: Tensor, values: Tensor) -> Tensor:
        _require_tensor(input, "heaviside", "input", 1)
        _require_tensor(values, "heaviside", "values", 2)
        if isinstance(out, Tensor) and out._data.dtype != input._data.dtype:
            raise RuntimeError(_HEAVISIDE_DTYPES_DIFFER)
        return input.heaviside(values)
    return checked(input, values) if out is None else _with_out(checked, "heaviside", _write_out, derivative=False)(
        input, values, out=out)


def _unary_with_out(function: Any, name: str, write: Any) -> Any:
    """`_with_out` for a one-argument function, called without packing its arguments when there is no out
    (`torch.sigmoid(x)` may be called once per layer and step)."""
    with_out = _with_out(function, name, write)

    def fn(input: Tensor, *, out: Any = None) -> Tensor:
        return function(input) if out is None else with_out(input, out=out)

    fn.__name__, fn.__qualname__, fn.__doc__ = name, name, function.__doc__
    return fn


# torch's rules for the dtype of `out`: most pointwise ops cast their result where its casting rule allows
# (`_write_arithmetic_out`), the ones whose kernels keep the input's dtype want exactly that dtype
# (`_write_same_dtype_out`), the matrix products too, in other words (`_write_out`).
_CASTING_OUT = ["add", "sub", "mul", "div", "true_divide", "remainder", "fmod", "hypot", "atan2", "logaddexp",
                "addcmul", "addcdiv"]
_CASTING_OUT_UNARY = ["exp", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh",
                      "sigmoid", "reciprocal", "square", "erf", "erfc", "erfinv"]
_SAME_DTYPE_OUT_UNARY = ["neg", "abs", "floor", "ceil", "trunc", "frac"]
_OUT_OVERLOADS = {  # (torch's parser lists them for an out that is not a tensor)
    "remainder": _REMAINDER_OVERLOADS, "fmod": _TENSOR_OR_NUMBER_OTHER,
    "div": ("Tensor input, Tensor other, *, Tensor out = None",
            "Tensor input, Tensor other, *, str rounding_mode, Tensor out = None",
            "Tensor input, Number other, *, str rounding_mode"),
    "round": ("Tensor input, *, Tensor out = None", "Tensor input, *, int decimals, Tensor out = None"),
    "mm": ("Tensor input, Tensor mat2, *, Tensor out = None",
           f"Tensor input, Tensor mat2, {PACKAGE}.dtype out_dtype, *, Tensor out = None"),
    "addmm": tuple(f"Tensor input, Tensor mat1, Tensor mat2, {dtype}*, Number beta = 1, Number alpha = 1, "
                   "Tensor out = None" for dtype in ("", f"{PACKAGE}.dtype out_dtype, ")),
}
_OUT_OVERLOADS["bmm"] = _OUT_OVERLOADS["mm"]

def _taking_out(write: Any, **options: Any) -> Any:
    """Decorator: the function, under its own name, with torch's `out=` (`_with_out`)."""
    return lambda function: _with_out(function, function.__name__, write, **options)


@_taking_out(_write_arithmetic_out)
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """`input + value * tensor1 * tensor2` (one node, AddcmulBackward0)."""
    _require_tensor(input, "addcmul", "input", 1)
    return input._addc(pointwise.Addcmul, "addcmul", tensor1, tensor2, value, 2)


@_taking_out(_write_arithmetic_out)
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
    """`input + value * tensor1 / tensor2` (one node, AddcdivBackward0)."""
    _require_tensor(input, "addcdiv", "input", 1)
    return input._addc(pointwise.Addcdiv, "addcdiv", tensor1, tensor2, value, 2)


# (floor_divide has no derivative in torch; its result, cast into out, is resized once: one warning)
@_taking_out(_write_result_type_out, derivative=False)
def floor_divide(input: Any, other: Any) -> Tensor:
    """`input // other`; either may be a number (both: the first taken as a tensor, as torch does)."""
    if isinstance(input, Tensor):
        return input // other
    if isinstance(other, Tensor):
        return other.__rfloordiv__(input)
    return _as_tensor(input) // other


@_taking_out(_write_arithmetic_out)
def true_divide(input: Any, other: Any) -> Tensor:
    """`input / other` (torch's older name for `div`); either may be a number."""
    if isinstance(input, Tensor):
        return input / other
    if isinstance(other, Tensor):
        return other.__rtruediv__(input)
    return _as_tensor(input) / other


@_taking_out(_write_arithmetic_out, overloads=_REMAINDER_OVERLOADS)
def remainder(input: Any, other: Any) -> Tensor:
    """`input % other`, with the sign of `other`; the first may be a number."""
    if isinstance(input, Tensor):
        return input % other
    if isinstance(other, Tensor):
        return other.__rmod__(input)
    raise _number_pair_error("remainder", input, other)


# (each made here, once: the plain function by the maker its family uses, wrapped for out=)
for _name in ["add", "sub", "mul", "div"]:
    globals()[_name] = _with_out(_function_taking_a_number_first(_name), _name, _write_arithmetic_out,
                                 overloads=_OUT_OVERLOADS.get(_name, ()))
fmod = _with_out(_function_of_a_tensor_first("fmod"), "fmod", _write_arithmetic_out, overloads=_OUT_OVERLOADS["fmod"])
for _name in ["hypot", "atan2", "logaddexp"]:
    globals()[_name] = _with_out(_function_of_two_tensors(_name), _name, _write_arithmetic_out)
for _name in _CASTING_OUT_UNARY:
    globals()[_name] = _unary_with_out(_method(_name, unary=True), _name, _write_arithmetic_out)
for _name in _SAME_DTYPE_OUT_UNARY:
    globals()[_name] = _unary_with_out(_method(_name, unary=True), _name, _write_same_dtype_out)
round = _with_out(_method("round"), "round", _write_same_dtype_out, overloads=_OUT_OVERLOADS["round"])
matmul = _with_out(_matmul, "matmul", _write_out, pointwise=False)
for _name in ["mm", "bmm", "addmm"]:
    globals()[_name] = _with_out(_method(_name), _name, _write_out, pointwise=False, overloads=_OUT_OVERLOADS[_name])
__all__ += _CASTING_OUT + _CASTING_OUT_UNARY + _SAME_DTYPE_OUT_UNARY + ["round", "floor_divide", "mm", "bmm", "addmm"]


def _reduction_with_out(name: str, overloads: tuple):
    """`torch.sum/prod/mean(input, dim, ...)`: with `out=` (only with a dim, but for mean) and no `dtype`, torch
    reduces in out's dtype (mean: a floating point input's, into a floating point out); with a `dtype`, out
    must have it."""
    plain = _method(name)

    def fn(input: Tensor, *args: Any, out: Any = None, **kwargs: Any) -> Tensor:
        if out is None:
            return plain(input, *args, **kwargs)
        if not (args or "dim" in kwargs or name == "mean") or (name == "mean" and not isinstance(out, Tensor)):
            # (sum's and prod's overload without a dim takes no out; mean's parser lists its overloads)
            raise _invalid_arguments(name, (input, *args), overloads, keywords={"out": out})
        _check_out_first(name, out, (input,))
        if kwargs.get("dtype") is None and _reduces_in_dtype_of(name, input, out):
            kwargs["dtype"] = out.dtype
        result = plain(input, *args, **kwargs)
        return _write_mean_out(out, result) if name == "mean" else _write_out(out, result, name)

    fn.__name__, fn.__doc__ = name, getattr(Tensor, name).__doc__
    return fn


def _reduces_in_dtype_of(name: str, input: Any, out: Tensor) -> bool:
    """Whether torch reduces in out's dtype: sum and prod always, mean a floating point input into a floating
    point out (it sums into out, then divides it in place)."""
    floating = isinstance(input, Tensor) and input._data.dtype.kind == "f" and out._data.dtype.kind == "f"
    return name != "mean" or floating


def _write_mean_out(out: Tensor, result: Tensor) -> Tensor:
    """mean's out of another kind than floating point: torch's in-place division of its sum there refuses."""
    if out._data.dtype.kind != "f" and result._data.dtype.kind == "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{torch_type_name(out._data.dtype)}")
    return _write_out(out, result, "mean")


_DTYPE_ONLY = f"Tensor input, *, {PACKAGE}.dtype dtype = None"
sum = _reduction_with_out("sum", (_DTYPE_ONLY, f"Tensor input, tuple of ints dim, bool keepdim = False, *, "
                                                f"{PACKAGE}.dtype dtype = None, Tensor out = None"))
prod = _reduction_with_out("prod", (_DTYPE_ONLY, f"Tensor input, int dim, bool keepdim = False, *, {PACKAGE}.dtype "
                                                 "dtype = None, Tensor out = None"))
mean = _reduction_with_out("mean", (f"{_DTYPE_ONLY}, Tensor out = None", f"Tensor input, tuple of ints dim, bool "
                                    f"keepdim = False, *, {PACKAGE}.dtype dtype = None, Tensor out = None"))
__all__ += ["rsub", "heaviside", "matmul", "sum", "prod", "mean"]


# ---------------------------------------------------------------- pixel shuffle (sub-pixel upsampling)
from .ops import spatial  # noqa: E402


def _rearrange_pixels(name: str, input: Any, factor: Any) -> tuple:
    """torch's checks of pixel_shuffle and pixel_unshuffle (the factor, then the input's dims); the factor."""
    _require_tensor(input, name, "input", 1)
    r = _int_arg(factor, name, "upscale_factor" if name == "pixel_shuffle" else "downscale_factor", 2)
    what = "upscale_factor" if name == "pixel_shuffle" else "downscale_factor"
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with {input.ndim} "
                           f"dimension(s)")
    if r <= 0:
        raise RuntimeError(f"{name} expects a positive {what}, but got {r}")
    return r


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C * r * r, H, W) -> (*, C, H * r, W * r), r = upscale_factor: each group of r * r channels becomes an
    r x r block of pixels (the "sub-pixel convolution" upsampling of super-resolution networks)."""
    r = _rearrange_pixels("pixel_shuffle", input, upscale_factor)
    channels = input.shape[-3]
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    return spatial.PixelShuffle.apply(input, r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """The inverse of `pixel_shuffle`: (*, C, H * r, W * r) -> (*, C * r * r, H, W), each r x r block of pixels
    into r * r channels."""
    r = _rearrange_pixels("pixel_unshuffle", input, downscale_factor)
    for what, dim in (("height", -2), ("width", -1)):
        if input.shape[dim] % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by downscale_factor, but "
                               f"input.size({dim})={input.shape[dim]} is not divisible by {r}")
    return spatial.PixelUnshuffle.apply(input, r)


__all__ += ["pixel_shuffle", "pixel_unshuffle"]


# --- linear algebra beyond matmul (`linalg.py` has the factorisations) -------------------------------------
from ._tensor import _tensordot, _warn_once  # noqa: E402
from .linalg import _multi_dot  # noqa: E402

_LINALG_METHODS = ["slogdet", "logdet", "matrix_power", "cholesky", "qr", "pinverse", "svd", "matrix_exp",
                   "cholesky_inverse"]
for _name in _LINALG_METHODS:
    globals()[_name] = _method(_name)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """The dot products of the last dims' vectors (see `Tensor.inner`)."""
    _require_tensor(input, "inner", "input", 1)
    _require_tensor(other, "inner", "other", 2)
    return input.inner(other)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """`beta * input + alpha * outer(vec1, vec2)` (see `Tensor.addr`)."""
    for value, name, position in ((input, "input", 1), (vec1, "vec1", 2), (vec2, "vec2", 3)):
        _require_tensor(value, "addr", name, position)
    return input.addr(vec1, vec2, beta=beta, alpha=alpha)


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Any = None) -> Tensor:
    """Sums of products over pairs of dims: `dims` = n (a's last n with b's first n), a pair of lists
    (a's dims, b's dims), or a tensor holding either (see `_tensor._tensordot` for how it is computed)."""
    if not isinstance(dims, (tuple, list, Tensor, int)) or isinstance(dims, bool):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                           f"containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else int(dims.item())
        if isinstance(dims, int) and dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims = (list(range(-dims, 0)), list(range(dims)))
    for position, d in ((3, dims[0]), (4, dims[1])):
        if not isinstance(d, (tuple, list)):
            name = "dims_self" if position == 3 else "dims_other"
            raise TypeError(f"tensordot(): argument '{name}' (position {position}) must be tuple of ints, not "
                            f"{_dt.python_type_name(d)}")
    dims_a, dims_b = (list(d) for d in dims)
    result = _tensordot(a, b, dims_a, dims_b)
    return result if out is None else _write_out(out, result, "tensordot")


def chain_matmul(*matrices: Tensor, out: Any = None) -> Tensor:
    """The product of the matrices (deprecated for `linalg.multi_dot`, which it calls), with torch's warning."""
    _warn_once("chain_matmul", f"{PACKAGE}.chain_matmul is deprecated and will be removed in a future PyTorch "
               f"release. Use {PACKAGE}.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
               "than multiple parameters.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        return matrices[0].clone()
    for matrix in matrices:
        if matrix.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {matrix.ndim}, expected 2 instead.")
    result = _multi_dot(list(matrices))
    return result if out is None else _write_out(out, result, "chain_matmul")


def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> tuple:
    """The deprecated solve of op(A) X = input for triangular A (see `Tensor.triangular_solve`)."""
    _require_tensor(input, "triangular_solve", "input", 1)
    _require_tensor(A, "triangular_solve", "A", 2)
    return input.triangular_solve(A, upper, transpose, unitriangular)


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """X with A X = input, A given by its Cholesky factor `input2` (see `Tensor.cholesky_solve`)."""
    _require_tensor(input, "cholesky_solve", "input", 1)
    _require_tensor(input2, "cholesky_solve", "input2", 2)
    return input.cholesky_solve(input2, upper)


__all__ += _LINALG_METHODS + ["inner", "addr", "tensordot", "chain_matmul", "triangular_solve", "cholesky_solve"]


# --------------------------------------------------------------------------- weight normalisation
def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:
    """The `pow`-norm of each slice of `v` along `dim`, kept as a tensor with dims of 1 elsewhere (`dim=-1`: the
    norm of all of `v`): weight normalisation's magnitude g. Composed as torch composes it (so its nodes)."""
    _require_tensor(v, "norm_except_dim", "v", 1)
    pow, dim = _int_arg(pow, "norm_except_dim", "pow", 2), _int_arg(dim, "norm_except_dim", "dim", 3)
    if not v.is_floating_point():
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_dt.torch_type_name(v._data.dtype)} instead.")
    if dim == -1:
        return reduction.Norm.apply(v, float(pow), None, False)
    if dim == 0:
        return v.contiguous().view(v.size(0), -1).norm(pow, 1).view([v.size(0)] + [1] * (v.dim() - 1))
    if dim == v.dim() - 1:
        return v.contiguous().view(-1, v.size(dim)).norm(pow, 0).view([1] * (v.dim() - 1) + [v.size(dim)])
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


def _weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """`v * (g / norm_except_dim(v, 2, dim))`: v's direction with the length g. For `dim` 0 or the last dim,
    one node, as torch's fused kernel; otherwise composed, as torch composes it."""
    _require_tensor(v, "_weight_norm", "v", 1)
    _require_tensor(g, "_weight_norm", "g", 2)
    v, g = v.contiguous(), g.contiguous()
    if dim in (0, v.dim() - 1):
        v.size(dim)  # (a 0-d v: torch's fused kernel's IndexError)
        if v.dtype != g.dtype:
            raise RuntimeError(f"expected scalar type {_dt.torch_type_name(v._data.dtype)} but found "
                               f"{_dt.torch_type_name(g._data.dtype)}")
        return normalization.WeightNorm.apply(v, g, dim)
    return v * (g / norm_except_dim(v, 2, dim))


__all__ += ["norm_except_dim", "_weight_norm"]

