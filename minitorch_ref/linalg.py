"""`minitorch_ref.linalg`: the vector norm (torch.linalg.vector_norm)."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _dtype as dt
from ._tensor import Tensor, _opt_dims
from .ops import reduction


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over `dim` (every element when None); ord=inf/-inf: max/min |x|, 0: count."""
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg_vector_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{dt.torch_type_name(x._data.dtype)}")
    dims = _opt_dims(dim, x.ndim)
    dims = (dims,) if isinstance(dims, int) else (tuple(dims) if dims is not None else None)
    if dims == () and x.ndim:
        dims = None
    ord = float(ord)
    if ord < 0 and x._data.size == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    if dims is not None and x.ndim and ord == np.inf:
        for d in dims:
            if x._data.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the inf norm on the dimension {d} because "
                                   "this dimension is empty and the operation does not have an identity")
    return reduction.VectorNorm.apply(x, ord, dims if x.ndim else None, keepdim)


def norm(x: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """`linalg.norm` for vectors (a matrix ord is not supported)."""
    return vector_norm(x, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
