"""Hypothesis strategies for the op table: sample inputs as NumPy values plus a memory layout.

A sample is drawn once as plain NumPy data and then materialised separately for each
library (`Arg.make`), so torch and minitorch_ref get equal values in equal layouts but
never share memory. Layouts exercise what a NumPy-backed tensor can get wrong:

- "contiguous": an ordinary C-ordered array;
- "transposed": the same values viewed through a transpose (Fortran-ordered memory);
- "strided": every other element of a larger buffer (a `x[..., ::2]` view).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

LAYOUTS = ("contiguous", "transposed", "strided")
EDGE_VALUES = (0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0)
SPECIAL_VALUES = (math.nan, math.inf, -math.inf)


@dataclass
class Arg:
    """One tensor argument: its values and the memory layout to build it with."""

    values: np.ndarray
    layout: str = "contiguous"

    def array(self) -> np.ndarray:
        """A fresh NumPy array (new memory) with these values in this layout."""
        v = self.values
        if self.layout == "transposed" and v.ndim >= 2:
            axes = tuple(reversed(range(v.ndim)))
            return np.ascontiguousarray(v.transpose(axes)).transpose(axes)
        if self.layout == "strided" and v.ndim >= 1:
            big = np.zeros(v.shape[:-1] + (2 * v.shape[-1],), dtype=v.dtype)
            big[..., ::2] = v
            return big[..., ::2]
        return v.copy()

    def make(self, lib: Any, requires_grad: bool = False):
        """The tensor in `lib` (torch or minitorch_ref), sharing nothing with other copies."""
        t = lib.from_numpy(self.array())
        return t.requires_grad_() if requires_grad else t


@dataclass
class Sample:
    """Positional tensor arguments plus keyword (non-tensor) arguments of one op call."""

    args: tuple
    kwargs: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(f"{a.layout} {a.values.dtype}{list(a.values.shape)}={a.values.tolist()}" for a in self.args)
        return f"Sample({shown}, {self.kwargs})"


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 1, max_side: int = 4) -> st.SearchStrategy:
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def elements(dtype: Any, low: float = -10.0, high: float = 10.0, special: bool = False) -> st.SearchStrategy:
    """Element values: edge values (zeros, ties, +-1) often, anything in [low, high] otherwise."""
    if np.dtype(dtype).kind == "b":
        return st.booleans()
    if np.dtype(dtype).kind in "iu":
        return st.integers(int(max(low, -5)), int(min(high, 5)))
    edges = [v for v in EDGE_VALUES if low <= v <= high]
    strategy = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if edges:
        strategy = st.sampled_from(edges) | strategy
    if special:
        strategy = strategy | st.sampled_from(SPECIAL_VALUES)
    return strategy


@st.composite
def arrays(draw, dtype: Any, shape: tuple, low: float = -10.0, high: float = 10.0, special: bool = False):
    """Values of `shape` drawn in float64 (or int64/bool), then cast to `dtype`."""
    kind = np.dtype(dtype).kind
    base = np.float64 if kind == "f" else (np.bool_ if kind == "b" else np.int64)
    values = draw(hnp.arrays(base, shape, elements=elements(dtype, low, high, special)))
    return values.astype(dtype)


@st.composite
def args(draw, dtype: Any, shape: tuple, low: float = -10.0, high: float = 10.0, special: bool = False):
    """An `Arg`: values plus a layout (contiguous, transposed or strided view)."""
    return Arg(draw(arrays(dtype, shape, low, high, special)), draw(st.sampled_from(LAYOUTS)))


def unary(dtype: Any, low: float = -10.0, high: float = 10.0, special: bool = False, min_dims: int = 0,
          max_dims: int = 4) -> st.SearchStrategy:
    """One tensor of rank 0-4."""
    return shapes(min_dims, max_dims).flatmap(lambda s: args(dtype, s, low, high, special)).map(lambda a: Sample((a,)))


@st.composite
def binary(draw, dtype: Any, low: float = -10.0, high: float = 10.0, special: bool = False,
           other_dtype: Any = None, rhs_low: float | None = None):
    """Two tensors with mutually broadcastable shapes (ranks 0-4, sizes 1 stretched)."""
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
    a = draw(args(dtype, pair.input_shapes[0], low, high, special))
    b = draw(args(other_dtype or dtype, pair.input_shapes[1], low if rhs_low is None else rhs_low, high, special))
    return Sample((a, b))


@st.composite
def with_scalar(draw, dtype: Any, low: float = -10.0, high: float = 10.0, integer_scalar: bool = False):
    """One tensor and a Python number (int or float), for `x + 2`, `2 - x`, `x ** 3`..."""
    sample = draw(unary(dtype, low, high))
    number = draw(st.integers(-3, 3) if integer_scalar else (st.integers(-3, 3) | st.floats(-3, 3).map(
        lambda v: round(v, 3))))
    return Sample(sample.args, {"number": number})


@st.composite
def reduction(draw, dtype: Any, dim: bool = True, keepdim: bool = True, min_dims: int = 0, min_side: int = 1,
              low: float = -10.0, high: float = 10.0, special: bool = False):
    """One tensor plus `dim` (None or a valid dim, negative allowed) and `keepdim`."""
    shape = draw(shapes(min_dims=min_dims, min_side=min_side))
    a = draw(args(dtype, shape, low, high, special))
    kwargs = {}
    if dim:
        n = max(len(shape), 1)
        kwargs["dim"] = draw(st.integers(-n, n - 1))
    if keepdim:
        kwargs["keepdim"] = draw(st.booleans())
    return Sample((a,), kwargs)


@st.composite
def matmul_pair(draw, dtype: Any):
    """`a @ b` operands: 1-D and 2-D in every combination, and batched with broadcast batch dims."""
    n, k, p = (draw(st.integers(1, 4)) for _ in range(3))
    case = draw(st.sampled_from(["vv", "mm", "vm", "mv", "batched", "batched-v"]))
    if case == "batched" or case == "batched-v":
        batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
        sa = batch.input_shapes[0] + (n, k)
        sb = (k,) if case == "batched-v" else batch.input_shapes[1] + (k, p)
        if case == "batched" and len(sa) == 2 and len(sb) == 2:
            sa = (2,) + sa
    else:
        sa = (k,) if case[0] == "v" else (n, k)
        sb = (k,) if case[1] == "v" else (k, p)
    return Sample((draw(args(dtype, sa, -3, 3)), draw(args(dtype, sb, -3, 3))))


@st.composite
def reshape_sample(draw, dtype: Any, infer: bool = True):
    """A tensor and a target shape with the same number of elements (one -1 sometimes)."""
    shape = draw(shapes())
    a = draw(args(dtype, shape))
    n = int(np.prod(shape))
    factors, rest = [], n
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        factors.append(d)
        rest //= d
    target = factors + [rest]
    if infer and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return Sample((a,), {"shape": tuple(target)})


@st.composite
def index_sample(draw, dtype: Any):
    """A tensor and an index mixing ints, slices, None, Ellipsis, bool masks and int arrays (duplicates too)."""
    shape = draw(shapes(min_dims=1))
    a = draw(args(dtype, shape))
    kind = draw(st.sampled_from(["basic", "mask", "int-array", "int-array-2d", "mixed"]))
    if kind == "mask":
        mask = draw(hnp.arrays(np.bool_, shape[:draw(st.integers(1, len(shape)))]))
        return Sample((a,), {"key": mask})
    if kind.startswith("int-array"):
        size = shape[0]
        count = draw(st.integers(0, 6))
        idx = np.array(draw(st.lists(st.integers(-size, size - 1), min_size=count, max_size=count)), dtype=np.int64)
        if kind == "int-array-2d" and count:
            idx = idx[: count - count % 2].reshape(-1, 2) if count >= 2 else idx.reshape(1, 1)
        return Sample((a,), {"key": idx})
    items = []
    dims_left = len(shape)
    array_length = draw(st.integers(1, 3))  # all index arrays of one key must broadcast together
    for size in shape:
        choice = draw(st.sampled_from(["int", "slice", "none", "full"] + (["array"] if kind == "mixed" else [])))
        if choice == "int":
            items.append(draw(st.integers(-size, size - 1)))
        elif choice == "slice":
            start = draw(st.none() | st.integers(-size, size))
            stop = draw(st.none() | st.integers(-size, size))
            items.append(slice(start, stop, draw(st.none() | st.integers(1, 3))))
        elif choice == "none":
            items.extend([None, slice(None)])
        elif choice == "array":
            items.append(np.array(draw(st.lists(st.integers(0, size - 1), min_size=array_length,
                                                max_size=array_length)), dtype=np.int64))
        else:
            items.append(slice(None))
        dims_left -= 1
    if draw(st.booleans()) and len(items) > 1:  # replace the leading full slices by an Ellipsis
        items = [Ellipsis] + items[draw(st.integers(1, len(items) - 1)):]
    return Sample((a,), {"key": tuple(items)})


def to_key(lib: Any, key: Any):
    """An index key for `lib`: NumPy arrays inside become tensors of that library."""
    if isinstance(key, tuple):
        return tuple(to_key(lib, k) for k in key)
    if isinstance(key, np.ndarray):
        return lib.from_numpy(key.copy())
    return key
