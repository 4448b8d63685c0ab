"""Gradient clipping: keep one unlucky batch from throwing the weights far away.

`clip_grad_norm_` scales all gradients together so that their joint norm is at most
`max_norm`; `clip_grad_value_` clamps each coordinate. Both work on dense gradients and on
the row-sparse gradients of `EmbeddingBag(sparse=True)` (which torch >= 2.0 refuses in
`clip_grad_norm_`, the error that broke the course's text-classification recipe).

A sparse gradient may list a row several times (once per occurrence of a token in the
batch): the gradient of that row is the *sum* of those entries, so the norm is taken
after summing them (`coalesce()`); the norm of the raw entries would be wrong.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ..._sparse import RowSparseGrad
from ..._tensor import Tensor


def _vector_norm(x: np.ndarray, ord: float) -> np.ndarray:
    """`torch.linalg.vector_norm(x, ord)` of all the elements, as a 0-d array of x's dtype."""
    if ord == 2:  # the common case: one dot product, no |x| copy
        flat = x.ravel()
        return np.asarray(np.sqrt(np.dot(flat, flat)), dtype=x.dtype)
    a = np.abs(x.ravel())
    if ord == math.inf:
        norm = a.max(initial=0)
    elif ord == -math.inf:
        norm = a.min() if a.size else np.array(math.inf, x.dtype)
    elif ord == 0:
        norm = np.count_nonzero(a)
    elif ord == 1:
        norm = a.sum()
    else:
        norm = np.sum(a**ord) ** (1.0 / ord)
    return np.asarray(norm, dtype=x.dtype)


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    """The parameters that have a gradient; sparse gradients are coalesced (once) along the way.

    The coalesced form replaces `p.grad`: it is the same gradient, and the optimizer needs
    it coalesced anyway, so the rows are sorted and summed only once per step.
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    params = [p for p in parameters if p.grad is not None]
    for p in params:
        if isinstance(p.grad, RowSparseGrad):
            p.grad = p.grad.coalesce()
    return params


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients in place so that their joint norm is at most `max_norm`; return that norm.

    As torch: the total norm is the norm of the per-gradient norms; every gradient is
    multiplied by `min(max_norm / (total_norm + 1e-6), 1)`. `foreach` is accepted for
    compatibility and changes nothing (NumPy has a single code path).
    """
    params = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not params:
        return Tensor._make(np.array(0.0, dtype=np.float32))
    arrays = [p.grad.values if isinstance(p.grad, RowSparseGrad) else p.grad._data for p in params]
    if math.isinf(norm_type) and any(not isinstance(p.grad, RowSparseGrad) and not p.grad._data.size for p in params):
        # (torch's max and min have no identity: an empty gradient has no such norm)
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor because the operation "
                           "does not have an identity" if norm_type > 0 else
                           "linalg.vector_norm cannot compute the -inf norm on an empty tensor because the operation "
                           "does not have an identity")
    total_norm = _vector_norm(np.stack([_vector_norm(a, norm_type) for a in arrays]), norm_type)
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    dtype = total_norm.dtype.type
    clip_coef = np.minimum(dtype(max_norm) / (total_norm + dtype(1e-6)), dtype(1.0))
    for a in arrays:
        a *= clip_coef
    return Tensor._make(total_norm)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient coordinate into `[-clip_value, clip_value]`, in place (`foreach`: as above).

    A sparse gradient is clamped after summing its repeated rows: the clamp applies to the
    real gradient of each row, not to the separate contributions of each token.
    """
    clip_value = float(clip_value)
    for p in _grads(parameters):
        a = p.grad.values if isinstance(p.grad, RowSparseGrad) else p.grad._data
        np.clip(a, -clip_value, clip_value, out=a)
