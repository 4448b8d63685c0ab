"""Gradient clipping: keep one unlucky batch from throwing the weights far away.

`clip_grad_norm_` scales all gradients together so that their joint norm is at most
`max_norm` (it is `get_total_norm` followed by `clip_grads_with_norm_`, as in torch >= 2.6);
`clip_grad_value_` clamps each coordinate. Both work on dense gradients and on
the row-sparse gradients of `EmbeddingBag(sparse=True)` (which torch >= 2.0 refuses in
`clip_grad_norm_`, the error that broke the course's text-classification recipe).

A sparse gradient may list a row several times (once per occurrence of a token in the
batch): the gradient of that row is the *sum* of those entries, so the norm is taken
after summing them (`coalesce()`); the norm of the raw entries would be wrong.
"""
from __future__ import annotations

import functools
import math
import types
import warnings
from collections.abc import Iterable

import numpy as np

from ... import _dtype as dt
from ..._dtype import PACKAGE, cpp_type_name, python_type_name, torch_type_name
from ..._sparse import RowSparseGrad
from ..._tensor import Tensor, _checked_scalar
from ...autograd.grad_mode import no_grad
from ...autograd.inplace import bump_version, check_inplace


def _opmath(np_dtype: np.dtype) -> type:
    """The type torch computes in for a dtype: float16 goes through float32 (and is rounded at the end)."""
    return np.float32 if np_dtype == np.float16 else np_dtype.type


@np.errstate(all="ignore")  # (overflow to inf is a valid norm: no warning, as torch has none)
def _vector_norm(x: np.ndarray, ord: float) -> np.ndarray:
    """`torch.linalg.vector_norm(x, ord)` of all the elements, as a 0-d array of x's dtype.
    A float16 norm is accumulated in float32 (a sum of squares overflows float16 quickly)."""
    work = x.astype(_opmath(x.dtype), copy=False)
    if ord == 2:  # the common case: one dot product, no |x| copy
        flat = work.ravel()
        norm = np.sqrt(np.dot(flat, flat))
    else:
        a = np.abs(work.ravel())
        if ord == math.inf:
            norm = a.max(initial=0)
        elif ord == -math.inf:
            norm = a.min() if a.size else math.inf
        elif ord == 0:
            norm = np.count_nonzero(a)
        elif ord == 1:
            norm = a.sum()
        else:
            norm = np.sum(a**ord) ** (1.0 / ord)
    return np.asarray(norm, dtype=x.dtype)


def _as_list(tensors: Tensor | Iterable[Tensor]) -> list[Tensor]:
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


def _grads(parameters: list[Tensor]) -> list[Tensor]:
    """The parameters that have a gradient; sparse gradients are coalesced (once) along the way.

    The coalesced form replaces `p.grad`: it is the same gradient, and the optimizer needs
    it coalesced anyway, so the rows are sorted and summed only once per step.
    """
    params = [p for p in parameters if p.grad is not None]
    for p in params:
        if isinstance(p.grad, RowSparseGrad):
            p.grad = p.grad.coalesce()
    return params


def _array(grad: Tensor | RowSparseGrad) -> np.ndarray:
    """The numbers of a gradient, in place: a sparse gradient's rows of values (coalesced first)."""
    return grad.row_values if isinstance(grad, RowSparseGrad) else grad._data


def get_total_norm(tensors: Tensor | Iterable[Tensor], norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The norm of all the tensors' elements together: the norm of their per-tensor norms (torch >= 2.6).

    Its dtype is the promotion of the tensors' dtypes (float32 for no tensors at all). `foreach`
    is accepted for compatibility and changes nothing (NumPy has a single code path).
    """
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    # A sparse gradient with no rows (no token in the batch) adds nothing, and is left out as
    # `torch_impl.clip` leaves it out: an empty tensor has no infinity norm.
    tensors = [t for t in tensors if not (isinstance(t, RowSparseGrad) and not len(t.rows))]
    if not tensors:
        return Tensor._make(np.array(0.0, dtype=np.float32))
    _check_defined(tensors)
    arrays = [t.coalesce().row_values if isinstance(t, RowSparseGrad) else t._data for t in tensors]
    for a in arrays:
        if a.dtype.kind != "f":
            raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                               f"{torch_type_name(a.dtype)}")
    if (norm_type < 0 or norm_type == math.inf) and any(not a.size for a in arrays):
        # The max, the min and the negative norms (1 / sum |x|^-p) have no value on no elements.
        raise RuntimeError("_foreach_norm cannot compute the infinity norm on an empty tensor because the operation "
                           "does not have an identity" if norm_type > 0 and foreach is not False else
                           f"linalg.vector_norm cannot compute the {norm_type:g} norm on an empty tensor because the "
                           "operation does not have an identity")
    total_norm = _vector_norm(np.stack([_vector_norm(a, norm_type) for a in arrays]), norm_type)
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    return Tensor._make(total_norm)


def _check_defined(tensors: list) -> None:
    """torch reads the first tensor's device (an AttributeError for anything else), then refuses a None."""
    tensors[0].device  # noqa: B018 (read for its AttributeError)
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError("Tensors of the first list of nested Tensor lists are supposed to be defined but the "
                               f"{i}-th Tensor is not.")


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, total_norm: Tensor,
                          foreach: bool | None = None) -> None:
    """Multiply every gradient in place by `min(max_norm / (total_norm + 1e-6), 1)` (torch >= 2.6).

    `total_norm` must be a tensor (torch clamps the factor with `torch.clamp`); an integer one is a norm of
    the default float dtype (`+ 1e-6` promotes it); it is 0-d unless `foreach=False`, whose `mul_` broadcasts it.
    """
    grads = [p.grad for p in _grads(_as_list(parameters))]
    max_norm = float(max_norm)
    if grads:
        _scale_to_norm(grads, _norm_array(total_norm, max_norm, foreach), max_norm)


def _norm_array(total_norm: Tensor, max_norm: float, foreach: bool | None) -> np.ndarray:
    """The numbers of a given total norm, checked as torch's `clamp` and `_foreach_mul_` check them."""
    if not isinstance(total_norm, Tensor):
        coef = max_norm / (total_norm + 1e-6)  # (Python's own TypeError for what cannot be added to a float)
        raise TypeError(
            f"clamp() received an invalid combination of arguments - got ({python_type_name(coef)}, max=float), but "
            "expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
            " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")
    norm = total_norm._data
    if norm.ndim and foreach is not False:
        raise RuntimeError(f"scalar tensor expected to be 0 dim but it has {norm.ndim} dimensions and {norm.size} "
                           "elements.")
    return norm if norm.dtype.kind == "f" else norm.astype(dt.DEFAULT_FLOAT.numpy_dtype)


@np.errstate(all="ignore")  # (an inf or nan norm gives a nan factor, a tiny float16 one inf: no warning, as in torch)
def _clip_factor(norm: np.ndarray, max_norm: float) -> np.generic:
    """`min(max_norm / (norm + 1e-6), 1)` as torch computes it, in the norm's dtype: `max_norm / t` for a
    tensor `t` is `t.reciprocal() * max_norm`, two roundings, not one (float16: each step in float32)."""
    dtype, work = norm.dtype.type, _opmath(norm.dtype)
    shifted = dtype(work(norm) + work(1e-6))
    coef = dtype(dtype(work(1) / work(shifted)) * work(max_norm))
    return np.minimum(coef, dtype(1))


def _scale_to_norm(grads: list, total_norm: np.ndarray, max_norm: float) -> None:
    """Each gradient times the clip factor of `total_norm`. A norm that is not finite comes from infinite or
    nan gradients, whose products with the factor (0 or nan) are nan: silently, as in torch."""
    factor = _clip_factor(total_norm, float(max_norm))
    if np.isfinite(total_norm).all():
        _scale(grads, factor)
    else:
        with np.errstate(invalid="ignore"):
            _scale(grads, factor)


def _scale(grads: list, factor: np.generic | np.ndarray) -> None:
    """Each gradient times `factor`, in place, in the gradient's own dtype (float16 through float32),
    as torch's `mul_` does (a factor of several elements, given to `foreach=False`: by `mul_` itself)."""
    if np.ndim(factor):
        with no_grad():
            for g in grads:
                g.mul_(Tensor._make(factor))
        return
    for g in grads:
        _check_written(g)
        a = _array(g)
        np.multiply(a, factor.astype(_opmath(a.dtype)), out=a, casting="unsafe")
        _bump(g)


def _check_written(grad: Tensor | RowSparseGrad) -> None:
    """torch's checks before an in-place write into a dense gradient (an `expand`ed one is refused)."""
    if isinstance(grad, Tensor):
        check_inplace(grad, differentiable=False)


def _bump(grad: Tensor | RowSparseGrad, times: int = 1) -> None:
    """A dense gradient's version counts the in-place writes, as torch's `mul_` and `clamp_` count them."""
    if isinstance(grad, Tensor):
        for _ in range(times):
            bump_version(grad)


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """Scale all gradients in place so that their joint norm is at most `max_norm`; return that norm.

    As torch: the total norm is the norm of the per-gradient norms (`get_total_norm`); every
    gradient is multiplied by `min(max_norm / (total_norm + 1e-6), 1)` (what `clip_grads_with_norm_`
    does). An empty generator (`model.parameters()` of a model without parameters) warns: nothing
    is clipped.
    """
    if isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will occur.", stacklevel=2)
    grads = [p.grad for p in _grads(_as_list(parameters))]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    if grads:
        _scale_to_norm(grads, total_norm._data, max_norm)
    return total_norm


def clip_grad_norm(parameters: Tensor | Iterable[Tensor], max_norm: float, norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: bool | None = None) -> Tensor:
    """The old name of `clip_grad_norm_`: still works, with a FutureWarning."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`."
                  .replace("torch", PACKAGE), FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient coordinate into `[-clip_value, clip_value]`, in place (`foreach`: as above).

    A sparse gradient is clamped after summing its repeated rows: the clamp applies to the
    real gradient of each row, not to the separate contributions of each token.
    """
    clip_value = float(clip_value)
    params = _grads(_as_list(parameters))
    if not params:  # (torch's grouping of the gradients by device refuses an empty list)
        raise RuntimeError("Expected !nested_tensorlist[0].empty() to be true, but got false.  (Could this error "
                           "message be improved?  If so, please report an enhancement request to PyTorch.)")
    for p in params:
        if isinstance(p.grad, RowSparseGrad):
            np.clip(p.grad.row_values, -clip_value, clip_value, out=p.grad.row_values)
        elif p.grad._data.dtype.kind != "f":  # (a float bound cannot be written into integers)
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{cpp_type_name(p.grad._data.dtype)}")
        else:
            _check_written(p.grad)
            _check_bound(clip_value, p.grad._data.dtype)
            np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)
            _bump(p.grad, 1 if foreach is False else 2)  # (foreach: clamp_min_ then clamp_max_; else one clamp_)


@functools.lru_cache(maxsize=64)
def _check_bound(clip_value: float, dtype: np.dtype) -> None:
    """torch refuses a bound the gradient's dtype cannot hold (its overflow check); remembered, as the
    same bound is checked at every step, for every gradient."""
    _checked_scalar(clip_value, dtype)
