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
from ._tensor import Tensor, _shape_args


def _finish(array: np.ndarray, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    if device is not None:
        dt.device(device)  # only the CPU exists: a clear error otherwise
    if dtype is not None:
        array = array.astype(dt.to_numpy_dtype(dtype), copy=False)
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _infer_array(data: Any, dtype: Any = None) -> np.ndarray:
    """NumPy array with torch's inferred dtype (Python floats -> float32), or straight in `dtype`
    when one is asked for (no detour through float32: `tensor([0.1], dtype=float64)` is exact)."""
    if isinstance(data, Tensor):
        return data._data.copy()
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [x._data if isinstance(x, Tensor) else x for x in data]
    try:
        array = np.array(data)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    if array.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if array.dtype.kind in "US":
        raise TypeError("new(): invalid data type 'str'")
    if dtype is not None:
        return array.astype(dt.to_numpy_dtype(dtype), copy=False)
    if array.dtype == np.float64 and not isinstance(data, np.floating):
        array = array.astype(dt.DEFAULT_FLOAT.numpy_dtype)
    elif array.dtype.kind in "iu" and not isinstance(data, np.generic) and array.dtype != np.uint8:
        array = array.astype(np.int64)
    return array


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


def _sized(size: Sequence, dtype: Any, default: Any = None):
    shape = _shape_args(size)
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape, dt.to_numpy_dtype(dtype if dtype is not None else (default or dt.DEFAULT_FLOAT))


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
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    all_int = all(isinstance(v, (builtins.int, np.integer)) for v in (start, end, step))
    np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else (np.int64 if all_int else np.float32)
    n = math.ceil((end - start) / step)
    array = (start + step * np.arange(n, dtype=np.float64)) if not all_int else np.arange(start, end, step)
    return _finish(array.astype(np_dtype), None, device, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else dt.DEFAULT_FLOAT.numpy_dtype
    return _finish(np.linspace(start, end, steps).astype(np_dtype), None, device, requires_grad)


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
