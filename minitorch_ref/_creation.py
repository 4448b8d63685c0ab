"""Creating tensors: `tensor`, `zeros`, `rand`, `arange`... with torch's dtype inference.

torch infers float32 for Python floats (NumPy would pick float64) and int64 for ints; an
existing NumPy array keeps its dtype.
"""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any, Sequence

import numpy as np

from . import _dtype as dt
from ._generator import as_long
from ._generator import resolve as _random_source
from ._tensor import (_INT64_LIMIT, Tensor, _Number, _check_arguments, _check_factory_arguments, _checked_numpy_array,
                      _checked_scalar, _fill_number, _fill_value, _finish, _infer_array, _int_arg, _int_list,
                      _invalid_arguments, _memory_format, _size_args, _sized, _type_name)
from .ops.pointwise import laid_out


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor that copies `data` (a number, nested lists, a NumPy array or a tensor)."""
    _check_arguments("tensor", dtype, requires_grad)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than minitorch_ref.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
    return _finish(_infer_array(data, dtype), dtype, device, requires_grad)


def as_tensor(data: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a NumPy array or tensor when no conversion is needed.
    A tensor in another dtype is converted by `to`, so it stays in the graph."""
    _check_arguments("as_tensor", dtype, False)
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray):
        return _finish(_shareable(data), dtype, device, False)
    return _finish(_infer_array(data, dtype), dtype, device, False)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: bool | None = None,
            requires_grad: bool | None = None) -> Tensor:
    """`obj` as a tensor, sharing the memory of a tensor or NumPy array when no conversion is needed;
    `copy=True` always copies (a tensor's copy stays in the graph), `copy=False` never does (it raises).
    Without `requires_grad` a tensor keeps its own (torch warns when it is True); with it, the result
    (`obj` itself, when shared) is set to it, as torch does."""
    if device is not None:
        dt.device(device)
    if not isinstance(obj, (Tensor, np.ndarray)):
        if copy is False:
            raise (RuntimeError("can't alias NumPy scalars. Either remove copy=False or transform it in a ndarray. ")
                   if isinstance(obj, np.generic) else ValueError("can't alias arbitrary sequence into a tensor."))
        return _set_requires_grad(tensor(obj, dtype=dtype), builtins.bool(requires_grad))
    if requires_grad is None and isinstance(obj, Tensor):
        requires_grad = obj.requires_grad
        if requires_grad:
            warnings.warn(f"{dt.PACKAGE}.asarray: unspecified requires_grad now defaults to obj.requires_grad instead "
                          "of False. Pass requires_grad=False explicitly to get the old behavior and silence this "
                          "warning.", UserWarning, stacklevel=2)
    t = obj if isinstance(obj, Tensor) else Tensor._make(_shareable(obj))
    target = t._data.dtype if dtype is None else dt.to_numpy_dtype(dtype)
    if copy is False and target != t._data.dtype:
        raise ValueError(f"can't alias tensor with dtype '{dt.torch_type_name(t._data.dtype)}' into dtype "
                         f"'{dt.torch_type_name(target)}'.")
    if target != t._data.dtype:
        t = t.to(dt.from_numpy_dtype(target))
    elif copy:
        t = t.clone()
    return _set_requires_grad(t, builtins.bool(requires_grad))


def _set_requires_grad(t: Tensor, requires_grad: bool) -> Tensor:
    """asarray's last step: a leaf is changed in place, a result in the graph is detached to stop requiring grad."""
    if requires_grad == t.requires_grad:
        return t
    if requires_grad and t._data.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return t.detach() if t.grad_fn is not None else t.requires_grad_(requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array`: changing one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_type_name(array)})")
    return Tensor._make(_shareable(array))


def _shareable(array: np.ndarray) -> np.ndarray:
    """`array`, if a tensor can share its memory as torch's can (see `_checked_numpy_array`); a read-only
    array (a broadcast one) is taken with torch's warning."""
    _checked_numpy_array(array)
    if not array.flags.writeable:
        warnings.warn("The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                      "This means writing to this tensor will result in undefined behavior. You may want to copy the "
                      "array to protect its data or make it writable before converting it to a tensor. This type of "
                      "warning will be suppressed for the rest of this program.", UserWarning, stacklevel=3)
    return array


def zeros(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    shape = _size_args("zeros", sizes, size)
    _check_factory_arguments("zeros", dtype, requires_grad)
    if any(s < 0 for s in shape):  # (torch's zeros checks the size itself, before it allocates)
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    shape, np_dtype = _sized(shape, dtype)
    return _finish(np.zeros(shape, np_dtype), None, device, requires_grad)


def ones(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    shape = _size_args("ones", sizes, size)
    _check_factory_arguments("ones", dtype, requires_grad)
    shape, np_dtype = _sized(shape, dtype)
    return _finish(np.ones(shape, np_dtype), None, device, requires_grad)


def empty(*sizes: Any, size: Any = None, dtype: Any = None, device: Any = None, requires_grad: bool = False,
          memory_format: Any = None) -> Tensor:
    """Uninitialised memory, row-major or (`memory_format=channels_last`) with the channels last."""
    shape = _size_args("empty", sizes, size)
    _check_factory_arguments("empty", dtype, requires_grad)
    shape, np_dtype = _sized(shape, dtype)
    memory_format = "contiguous_format" if memory_format is None else _memory_format(memory_format, "empty")
    if memory_format == "preserve_format":  # (there is no tensor to take a layout from)
        raise RuntimeError("unsupported memory format Preserve")
    array = np.empty(shape, np_dtype)
    return _finish(array if memory_format == "contiguous_format" else laid_out(array, memory_format), None, device,
                   requires_grad)


def full(size: Sequence, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of `size` filled with `fill_value`; its dtype, if not given, from the value: bool,
    int64 for integers (NumPy's too), else float32."""
    shape = _int_list(size, "full", sym_int=True)
    fill_value = _fill_number(fill_value, "full")
    _check_factory_arguments("full", dtype, requires_grad)
    if dtype is None:
        dtype = dt.bool_ if isinstance(fill_value, builtins.bool) else (
            dt.int64 if isinstance(fill_value, (builtins.int, np.integer)) else dt.DEFAULT_FLOAT)
    shape, np_dtype = _sized(shape, dtype)
    return _finish(np.full(shape, _fill_value(fill_value, np_dtype, _numel(shape)), np_dtype), None, device,
                   requires_grad)


def _numel(shape: tuple) -> int:
    return int(math.prod(shape))


def rand(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1): torch's numbers for the same seed (24 random bits for float32, 53 for float64)."""
    shape, np_dtype = _sized(_size_args("rand", sizes, size), dtype)
    values = _random_source(generator).uniform(_numel(shape), np_dtype).reshape(shape)
    return _finish(values, None, device, requires_grad)


def randn(*sizes: Any, size: Any = None, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal (mean 0, std 1), by torch's Box-Muller (see docs/random.md)."""
    shape, np_dtype = _sized(_size_args("randn", sizes, size), dtype)
    values = _random_source(generator).normal(_numel(shape), np_dtype).reshape(shape)
    return _finish(values, None, device, requires_grad)


def randint(low: int, high: Any = None, size: Sequence | None = None, *, generator: Any = None, dtype: Any = None,
            device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high); `randint(high, size)` as torch allows. The size is required: with two
    arguments the second is the size (`randint(5, 2)` is torch's TypeError, not a draw from [5, 2))."""
    position = 3
    if high is None:  # randint(high, size=...)
        low, high, position = 0, low, 2
    elif size is None:  # randint(high, size)
        low, high, size, position = 0, low, high, 2
    shape, np_dtype = _sized(_int_list(size, "randint", position=position, sym_int=True), dtype, dt.int64)
    values = _random_source(generator).integers(_numel(shape), as_long(low), as_long(high), np_dtype)
    return _finish(values.reshape(shape), None, device, requires_grad)


# the largest n whose permutation a floating dtype holds exactly, as torch's message writes it
_RANDPERM_LIMIT = {"float16": ((1 << 11) + 1, "2049", "Half"), "float32": ((1 << 24) + 1, "2^24+1", "Float"),
                   "float64": ((1 << 53) + 1, "2^53+1", "Double")}


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random order of 0 .. n-1 (torch's Fisher-Yates shuffle and draws), after torch's checks:
    n - 1 must fit the dtype (int8: n <= 128) and, for floats, every integer up to n must be exact."""
    if isinstance(n, Tensor) and n._data.size == 1 and n._data.dtype.kind in "iu":
        n = builtins.int(n._data.item())  # torch reads a one-element integer tensor as an int (`randperm(tensor(5))`)
    if not isinstance(n, (builtins.int, np.integer)):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    (n,), np_dtype = _sized((n,), dtype, dt.int64)
    _fill_value(max(n - 1, 0), np_dtype, 1)  # torch makes a tensor of n - 1 in the dtype: it must fit
    limit, limit_text, name = _RANDPERM_LIMIT.get(np_dtype.name, (n, "", ""))
    if n > limit:
        raise RuntimeError(f"n cannot be greater than {limit_text} for {name} type.")
    if np_dtype == np.bool_:
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    return _finish(_random_source(generator).randperm(n), np_dtype, device, requires_grad)


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """0/1 draws: each element is 1 with probability `input` (or `p`), in input's dtype."""
    return input.bernoulli(p, generator=generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Tensor:
    """Indices drawn from the rows of `input` (non-negative weights), torch's CPU algorithm."""
    return input.multinomial(num_samples, replacement, generator=generator)


_DEFAULT_STEP = 1


def arange(start: Any = 0, end: Any = None, step: Any = _DEFAULT_STEP, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """[start, end) with `step` (`arange(5)`, `arange(end=5)`); int64 when all arguments are integers
    (or integer 0-d tensors), else float32."""
    _check_arange_numbers(start, end, step)
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if end is None:
        start, end = 0, start
    all_int = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else (np.int64 if all_int else
                                                                   dt.DEFAULT_FLOAT.numpy_dtype)
    if np_dtype == np.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = math.ceil((end - start) / step)
    if np.dtype(np_dtype).kind in "iub":  # torch truncates the bounds and step to integers first...
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
        if np_dtype == np.int64:  # ...and, for int64, counts in integers: (end - start + step - sign) / step
            if step == 0:
                raise ValueError("step must be nonzero")
            span = end - start + step - (1 if step > 0 else -1)
            n = abs(span) // abs(step) * (1 if (span >= 0) == (step > 0) else -1)
    _check_arange_size(n, np.dtype(np_dtype))
    array = (start + step * np.arange(n, dtype=np.float64)) if not all_int else np.arange(start, end, step)
    return _finish(array.astype(np_dtype), None, device, requires_grad)


_FACTORY_OPTIONS = (f"{dt.PACKAGE}.dtype dtype = None, {dt.PACKAGE}.layout layout = None, {dt.PACKAGE}.device device "
                   "= None, bool pin_memory = False, bool requires_grad = False")
_ARANGE_OVERLOADS = (f"Number end, *, Tensor out = None, {_FACTORY_OPTIONS}",
                     f"Number start, Number end, *, {_FACTORY_OPTIONS}",
                     f"Number start, Number end, Number step = 1, *, Tensor out = None, {_FACTORY_OPTIONS}")


def _check_arange_numbers(start: Any, end: Any, step: Any) -> None:
    """torch's parser: each bound and the step a Number (a 0-d tensor is one, `tensor([3])` is not)."""
    # (the step is left out of torch's list when not given; an explicit step of 1 is the same object, left out too)
    given = (start,) if end is None else (start, end) if step is _DEFAULT_STEP else (start, end, step)
    if all(isinstance(v, _Number) or isinstance(v, Tensor) and v.ndim == 0 for v in given):
        return
    if len(given) == 1:
        raise TypeError(f"arange(): argument 'end' (position 1) must be Number, not {_type_name(start)}")
    raise _invalid_arguments("arange", given, _ARANGE_OVERLOADS)


def _check_arange_size(n: int, np_dtype: np.dtype) -> None:
    """torch's checks of the length before it allocates: it must fit int64, and so must its bytes."""
    if n > _INT64_LIMIT:
        raise RuntimeError("invalid size, possible overflow?")
    if n * np_dtype.itemsize >= _INT64_LIMIT:
        raise RuntimeError(f"Storage size calculation overflowed with sizes=[{n}]")


_LINSPACE_OVERLOADS = tuple(f"{ends}, int steps, *, Tensor out = None, {_FACTORY_OPTIONS}" for ends in
                            ("Tensor start, Tensor end", "Number start, Tensor end", "Tensor start, Number end",
                             "Number start, Number end"))
_LOGSPACE_OVERLOADS = tuple(overload.replace("int steps,", "int steps, float base = 10.0,")
                            for overload in _LINSPACE_OVERLOADS)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end, computed as torch's kernel does: the first half
    counted up from start, the second half down from end (so both ends are exact); in the output dtype
    (integer outputs: a float64 step between the ends converted to the dtype)."""
    if not isinstance(steps, (builtins.int, np.integer)):
        raise _invalid_arguments("linspace", (start, end, steps), _LINSPACE_OVERLOADS)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if any(isinstance(v, Tensor) and v.ndim for v in (start, end)):
        raise RuntimeError(f"linspace only supports 0-dimensional start and end tensors, but got start with "
                           f"{getattr(start, 'ndim', 0)} dimension(s) and end with {getattr(end, 'ndim', 0)} "
                           "dimension(s).")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    np_dtype = np.dtype(dt.to_numpy_dtype(dtype) if dtype is not None else dt.DEFAULT_FLOAT.numpy_dtype)
    if steps <= 1:  # (torch fills in start, converted as `full` converts it; end is not read)
        return full((steps,), start if steps else 0, dtype=dt.from_numpy_dtype(np_dtype), device=device,
                    requires_grad=requires_grad)
    if np_dtype == np.bool_:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    integral = np_dtype.kind in "iu"
    compute = np.dtype(np.float64) if integral else np_dtype
    # the ends in the output dtype first, checked as torch converts them (-1 wraps to 255 in uint8, -1.5 fails)
    first, last = (compute.type(_checked_scalar(v, np_dtype)) for v in (start, end))
    index = np.arange(steps).astype(compute)
    step = (last - first) / compute.type(max(steps - 1, 1))
    with np.errstate(invalid="ignore", over="ignore"):
        values = np.where(np.arange(steps) < max(steps // 2, 1), first + step * index,
                          last - step * (steps - 1 - index))
    return _finish(values.astype(np_dtype), None, device, requires_grad)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`steps` values from base**start to base**end, their exponents evenly spaced (as `linspace`:
    the first half counted up from start, the second down from end, both first converted to the
    dtype), computed in float64. (torch's kernel rounds a few values differently, by an ulp or so.)"""
    if not isinstance(steps, (builtins.int, np.integer)):
        raise _invalid_arguments("logspace", (start, end, steps), _LOGSPACE_OVERLOADS)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    np_dtype = np.dtype(dt.to_numpy_dtype(dtype) if dtype is not None else dt.DEFAULT_FLOAT.numpy_dtype)
    if steps <= 1:  # (torch fills in base ** start, converted as `full` converts it)
        with np.errstate(over="ignore"):
            value = builtins.float(np.power(np.float64(base), np.float64(start))) if steps else 0
        return full((steps,), value, dtype=dt.from_numpy_dtype(np_dtype), device=device, requires_grad=requires_grad)
    if np_dtype == np.bool_:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    first, last = (builtins.float(_checked_scalar(v, np_dtype)) for v in (start, end))  # (-1.5 into uint8 fails)
    index = np.arange(steps, dtype=np.float64)
    step = (last - first) / (steps - 1)
    exponents = np.where(index < steps // 2, first + step * index, last - step * (steps - 1 - index))
    with np.errstate(over="ignore", invalid="ignore"):  # (a value beyond the dtype wraps or overflows, silently)
        values = np.power(np.float64(base), exponents).astype(np_dtype)
    return _finish(values, None, device, requires_grad)


_EYE_OVERLOADS = tuple(f"{ints}, *, Tensor out = None, {_FACTORY_OPTIONS}" for ints in ("int n", "int n, int m"))


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The n x m identity matrix (m = n if not given); n and m may be one-element integer tensors, as in torch."""
    if m is None:
        n = _int_arg(n, "eye", "n", 1, sym_int=True)
    else:
        try:
            n, m = _int_arg(n, "eye", "n", 1, sym_int=True), _int_arg(m, "eye", "m", 2, sym_int=True)
        except TypeError:
            raise _invalid_arguments("eye", (n, m), _EYE_OVERLOADS) from None
    for name, value in (("n", n), ("m", m)):
        if value is not None and value < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {value}")
    shape, np_dtype = _sized((n, n if m is None else m), dtype)
    return _finish(np.eye(*shape, dtype=np_dtype), None, device, requires_grad)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """The (2, N) coordinates, row by row, of the lower triangle of a row x col matrix (on and below
    diagonal `offset`): `m[tuple(tril_indices(...))]` picks what `m.tril(offset)` keeps."""
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device, requires_grad)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """The (2, N) coordinates of the upper triangle (on and above diagonal `offset`), row by row."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device, requires_grad)


def _triangle_indices(name: str, indices: Any, row: Any, col: Any, offset: Any, dtype: Any, device: Any,
                      requires_grad: bool) -> Tensor:
    row, col, offset = _int_arg(row, name, "row", 1), _int_arg(col, name, "col", 2), _int_arg(offset, name, "offset", 3)
    np_dtype = np.dtype(np.int64) if dtype is None else dt.to_numpy_dtype(dtype)
    if np_dtype not in (np.int32, np.int64):  # (torch's kernel: int and long only)
        raise NotImplementedError(f"\"{name}\" not implemented for '{dt.torch_type_name(np_dtype)}'")
    for argument, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{argument} must be non-negative, got{value}")
    return _finish(np.stack(indices(row, offset, col)).astype(np_dtype).reshape(2, -1), None, device, requires_grad)


# ---------------------------------------------------------------- *_like: t's shape, dtype and layout
def _like(t: Tensor, dtype: Any, device: Any, memory_format: str) -> Tensor:
    """An uninitialised tensor for `*_like(t)`. torch's default `memory_format=torch.preserve_format`
    keeps t's layout: a transposed t gives a transposed result, a sliced or expanded one the same order
    of dimensions, packed. NumPy's `order="K"` does the same. It matters for random fills, which
    write their numbers in memory order: `rand_like(x.t())` is `rand(x.shape).t()`, not `rand(x.t().shape)`.
    `memory_format=` asks for another layout (`contiguous_format`, `channels_last`) instead."""
    np_dtype = t._data.dtype if dtype is None else dt.to_numpy_dtype(dtype)
    array = np.empty_like(t._data, np_dtype, order="K")
    return _finish(array if memory_format == "preserve_format" else laid_out(array, memory_format), None, device,
                   False)


def _filled_like(t: Tensor, dtype: Any, device: Any, requires_grad: bool, fill: Any, name: str,
                 memory_format: Any) -> Tensor:
    """`_like(t)` with `fill(tensor)` done in place (torch: `empty_like(t).fill_(...)`, `.uniform_()`...)."""
    if not isinstance(t, Tensor):  # (a list or an array has no layout to copy: torch refuses it)
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {_type_name(t)}")
    _check_factory_arguments(name, dtype, requires_grad)
    out = _like(t, dtype, device, _memory_format(memory_format, name))
    fill(out)
    return _finish(out._data, None, None, requires_grad)


def empty_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: None, "empty_like", memory_format)


def zeros_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
               memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: out._data.fill(0), "zeros_like", memory_format)


def ones_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
              memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: out._data.fill(1), "ones_like", memory_format)


def full_like(t: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
              memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: out._data.fill(
                        _fill_value(_fill_number(fill_value, "full_like"), out._data.dtype, out._data.size)),
                        "full_like", memory_format)


def rand_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
              generator: Any = None, memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: out.uniform_(generator=generator), "rand_like",
                        memory_format)


def randn_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
               generator: Any = None, memory_format: Any = None) -> Tensor:
    return _filled_like(t, dtype, device, requires_grad, lambda out: out.normal_(generator=generator), "randn_like",
                        memory_format)


def randint_like(t: Tensor, low: int, high: int | None = None, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False, generator: Any = None, memory_format: Any = None) -> Tensor:
    """`randint` with t's shape, dtype and layout; `randint_like(t, high)` draws from [0, high)."""
    if high is None:
        low, high = 0, low
    return _filled_like(t, dtype, device, requires_grad, lambda out: out.random_(low, high, generator=generator),
                        "randint_like", memory_format)
