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
from ._generator import resolve as _random_source
from ._tensor import Tensor, _finish, _infer_array, _shape_args, _sized


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor that copies `data` (a number, nested lists, a NumPy array or a tensor)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
            "sourceTensor.clone().detach().requires_grad_(True), rather than minitorch_ref.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
    return _finish(_infer_array(data, dtype), dtype, device, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like `tensor`, but shares memory with a NumPy array or tensor when no conversion is needed."""
    if isinstance(data, Tensor) and (dtype is None or dt.to_numpy_dtype(dtype) == data._data.dtype):
        return data
    if isinstance(data, np.ndarray):
        return _finish(data, dtype, device, False)
    return _finish(_infer_array(data, dtype), dtype, device, False)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array`: changing one changes the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dt.from_numpy_dtype(array.dtype)  # torch's error for unsupported dtypes
    return Tensor._make(array)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, np_dtype = _sized(size, dtype)
    return _finish(np.zeros(shape, np_dtype), None, device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, np_dtype = _sized(size, dtype)
    return _finish(np.ones(shape, np_dtype), None, device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, np_dtype = _sized(size, dtype)
    return _finish(np.empty(shape, np_dtype), None, device, requires_grad)


def full(size: Sequence, fill_value: Any, *, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = {builtins.bool: dt.bool_, builtins.int: dt.int64}.get(type(fill_value), dt.DEFAULT_FLOAT)
    shape, np_dtype = _sized((size,), dtype)
    return _finish(np.full(shape, fill_value, np_dtype), None, device, requires_grad)


def _numel(shape: tuple) -> int:
    return int(math.prod(shape))


def _float_dtype(np_dtype: np.dtype, fn: str) -> None:
    if np_dtype.kind != "f":
        raise NotImplementedError(f"\"{fn}\" not implemented for '{dt.torch_type_name(np_dtype)}'")


def rand(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1): torch's numbers for the same seed (24 random bits for float32, 53 for float64)."""
    shape, np_dtype = _sized(size, dtype)
    _float_dtype(np_dtype, "check_uniform_bounds")
    values = _random_source(generator).uniform(_numel(shape), np_dtype).reshape(shape)
    return _finish(values, None, device, requires_grad)


def randn(*size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal (mean 0, std 1), by torch's Box-Muller (see docs/random.md)."""
    shape, np_dtype = _sized(size, dtype)
    _float_dtype(np_dtype, "normal_kernel_cpu")
    values = _random_source(generator).normal(_numel(shape), np_dtype).reshape(shape)
    return _finish(values, None, device, requires_grad)


def randint(low: int, high: int | None = None, size: Sequence = (), *, generator: Any = None, dtype: Any = None,
            device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high); `randint(high, size)` as torch allows."""
    if high is None or isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, (size if high is None else high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape, np_dtype = _sized((size,), dtype, dt.int64)
    values = _random_source(generator).integers(_numel(shape), int(low), int(high), np_dtype).reshape(shape)
    return _finish(values, None, device, requires_grad)


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random order of 0 .. n-1 (torch's Fisher-Yates shuffle and draws)."""
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    return _finish(_random_source(generator).randperm(int(n)), dtype, device, requires_grad)


def bernoulli(input: Tensor, p: Any = None, *, generator: Any = None) -> Tensor:
    """0/1 draws: each element is 1 with probability `input` (or `p`), in input's dtype."""
    return input.bernoulli(p, generator=generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator: Any = None) -> Tensor:
    """Indices drawn from the rows of `input` (non-negative weights), torch's CPU algorithm."""
    return input.multinomial(num_samples, replacement, generator=generator)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """[start, end) with `step`; int64 when all arguments are integers, else float32."""
    if end is None:
        start, end = 0, start
    all_int = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else (np.int64 if all_int else np.float32)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    n = math.ceil((end - start) / step)
    if np.dtype(np_dtype).kind in "iub":  # torch truncates the bounds and step to integers first...
        start, end, step = builtins.int(start), builtins.int(end), builtins.int(step)
        if np_dtype == np.int64:  # ...and, for int64, counts in integers: (end - start + step - sign) / step
            if step == 0:
                raise ValueError("step must be nonzero")
            span = end - start + step - (1 if step > 0 else -1)
            n = abs(span) // abs(step) * (1 if (span >= 0) == (step > 0) else -1)
    array = (start + step * np.arange(n, dtype=np.float64)) if not all_int else np.arange(start, end, step)
    return _finish(array.astype(np_dtype), None, device, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end, computed as torch's kernel does: the first half
    counted up from start, the second half down from end (so both ends are exact); in the output dtype
    (integer outputs: from truncated ends, with a float64 step)."""
    if not isinstance(steps, (builtins.int, np.integer)):
        raise TypeError(f"linspace() received an invalid combination of arguments - got (steps={type(steps).__name__})"
                        ", but expected (..., int steps, ...)")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if any(isinstance(v, Tensor) and v.ndim for v in (start, end)):
        raise RuntimeError(f"linspace only supports 0-dimensional start and end tensors, but got start with "
                           f"{getattr(start, 'ndim', 0)} dimension(s) and end with {getattr(end, 'ndim', 0)} "
                           "dimension(s).")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    np_dtype = np.dtype(dt.to_numpy_dtype(dtype) if dtype is not None else dt.DEFAULT_FLOAT.numpy_dtype)
    integral = np_dtype.kind in "iub"
    compute = np.dtype(np.float64) if integral else np_dtype
    first = compute.type(builtins.int(start) if integral else start)
    last = compute.type(builtins.int(end) if integral else end)
    index = np.arange(steps).astype(compute)
    step = (last - first) / compute.type(max(steps - 1, 1))
    with np.errstate(invalid="ignore", over="ignore"):
        values = np.where(np.arange(steps) < max(steps // 2, 1), first + step * index,
                          last - step * (steps - 1 - index))
    return _finish(values.astype(np_dtype), None, device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, np_dtype = _sized((n, n if m is None else m), dtype)
    return _finish(np.eye(*shape, dtype=np_dtype), None, device, requires_grad)


def zeros_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def ones_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def empty_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return empty(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad)


def rand_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
              generator: Any = None) -> Tensor:
    return rand(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad, generator=generator)


def randn_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False,
               generator: Any = None) -> Tensor:
    return randn(t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad, generator=generator)


def randint_like(t: Tensor, low: int, high: int | None = None, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False, generator: Any = None) -> Tensor:
    """`randint` with t's shape and dtype; `randint_like(t, high)` draws from [0, high)."""
    if high is None:
        low, high = 0, low
    return randint(low, high, t.shape, dtype=dtype or t.dtype, device=device, requires_grad=requires_grad,
                   generator=generator)
