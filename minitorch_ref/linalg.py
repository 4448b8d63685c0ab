"""`minitorch_ref.linalg`: the vector norm (torch.linalg.vector_norm); the rule is `Tensor._vector_norm`."""
from __future__ import annotations

from typing import Any

from .autograd.tensor_base import TensorBase


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """(sum |x|^ord)^(1/ord) over `dim` (every element when None); ord=inf/-inf: max/min |x|, 0: count."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"linalg_vector_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x._vector_norm(ord, dim, keepdim, dtype)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """`linalg.norm` for vectors (a matrix ord is not supported)."""
    return vector_norm(x, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
