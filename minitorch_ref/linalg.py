"""`minitorch_ref.linalg`: vector norms (the rule is `Tensor._vector_norm`) and matrix norms (`matrix_norm`)."""
from __future__ import annotations

import math
from typing import Any

from .autograd.tensor_base import TensorBase
from .ops.linalg import SingularValueNorm


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """(sum |x|^ord)^(1/ord) over `dim` (every element when None); ord=inf/-inf: max/min |x|, 0: count."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"linalg_vector_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x._vector_norm(ord, dim, keepdim, dtype)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """`linalg.norm`: a vector norm, or a matrix norm (`matrix_norm`) when `dim` names two dims, or
    when `ord` is given for a 2-D input; without `ord`, the 2-norm of every element in `dim`."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"linalg_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    dims = (dim,) if isinstance(dim, int) else dim
    if ord is None:
        return vector_norm(x, 2, dims, keepdim, dtype=dtype)
    if dims is None:
        if x.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                               f"Got {x.ndim}D.")
        dims = tuple(range(x.ndim))
    if len(dims) == 2:
        return matrix_norm(x, ord, dims, keepdim, dtype=dtype)
    return vector_norm(x, ord, dims, keepdim, dtype=dtype)


def matrix_norm(A: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *, dtype: Any = None) -> Any:
    """Norms of the matrices in dims `dim` (rows, columns): 'fro' (the 2-norm of the elements), 1 / -1
    (the largest / smallest column sum of |A|), inf / -inf (row sums), 2 / -2 / 'nuc' (the largest /
    smallest singular value, their sum). Built from tensor ops, so the gradient comes with them."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    rows, cols = (d % A.ndim for d in dim)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return A._vector_norm(2, (rows, cols), keepdim)
    if ord in (1, -1, math.inf, -math.inf):
        summed, over = (rows, cols) if ord in (1, -1) else (cols, rows)  # (column sums for 1, row sums for inf)
        sums = A.abs().sum(dim=summed, keepdim=True)
        out = sums.amax(dim=over, keepdim=True) if ord > 0 else sums.amin(dim=over, keepdim=True)
    elif ord in (2, -2, "nuc"):
        out = SingularValueNorm.apply(A.movedim((rows, cols), (-2, -1)), ord)
        out = out.unsqueeze(min(rows, cols)).unsqueeze(max(rows, cols))
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord:g} not supported." if isinstance(ord, (int, float))
                           else f"linalg.matrix_norm: Order {ord} not supported.")
    return out if keepdim else out.squeeze(max(rows, cols)).squeeze(min(rows, cols))
