"""`nn.functional`: the computations behind the layers and losses, as plain functions.

Modules hold parameters and call these (`nn.Linear.forward` is `F.linear(x, self.weight,
self.bias)`), so each computation exists once. Layers with a dedicated backward are
`Function`s here: embeddings (their weight gradient is a scatter, or a `RowSparseGrad`
with `sparse=True`) and the losses (fused, so a loss is one graph node as in torch, and
cross-entropy works on log-probabilities computed stably from the logits).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import _creation
from .. import _dtype as dt
from .. import _functions
from .._functions import _write_out
from .._generator import resolve as _random_source
from .._dtype import PACKAGE, can_cast, cpp_type_name, promote_types, torch_type_name
from .._sparse import RowSparseGrad
from .._tensor import (Tensor, _cast, _check_broadcast, _check_inplace, _check_int_list, _check_output_shape,
                       _checked_scalar, _dim, _fold, _GivenIntLists, _int_arg, _int_list, _IntListArgument,
                       _invalid_arguments, _is_int, _result_dtype, _tensor_string, _type_name, typename)
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..autograd.inplace import bump_version
from ..kernels import cross_entropy as cross_entropy_kernels
from ..kernels import embedding_bag as embedding_bag_kernels
from ..kernels import sparse_rows
from ..ops import conv, linalg, normalization, pointwise, shape, spatial

__all__ = [
    "linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "dropout", "alpha_dropout", "feature_alpha_dropout",
    "dropout1d", "dropout2d", "dropout3d", "embedding", "embedding_bag",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
]


# ====================================================================== layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`input @ weight.T + bias`. Inputs of any rank: the leading dims are flattened into one batch dim."""
    if input._data.ndim == 0 or weight._data.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{input._data.ndim}D and {weight._data.ndim}D")
    if weight._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {weight._data.ndim}D")
    if weight._data.ndim == 1:  # a weight vector: one output feature, dropped from the shape (torch's matmul)
        if bias is not None and (input._data.ndim == 2 or bias._data.ndim == 1):  # (torch's addmm paths)
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
        out = input @ weight  # (matmul's checks: shapes, then dtypes, then its kernel's dtype)
        return out if bias is None else out + bias
    rows, cols = math.prod(input._data.shape[:-1]), input._data.shape[-1]  # (the leading dims as one batch dim)
    out_features, in_features = weight._data.shape
    if cols != in_features:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} and "
                           f"{in_features}x{out_features})")
    if bias is None and input._data.ndim != 2:  # torch computes this one as `input @ weight.t()`: its nodes, its checks
        return input @ weight.t()
    # (the batch size spelled out, not -1: with no features -1 would be ambiguous)
    x = input if input._data.ndim == 2 else input.reshape(rows, cols)
    if x._data.dtype != weight._data.dtype or (bias is not None and bias._data.dtype != weight._data.dtype):
        raise RuntimeError(_linear_dtype_message(x, weight, bias))
    if x._data.dtype == np.bool_ and rows * out_features:  # (torch returns an empty result before its kernel)
        if cols:
            raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        if bias is not None:  # (no features: torch's addmm computes `1 * bias` in Long)
            raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    out = (linalg.Addmm if bias is not None else linalg.LinearNoBias).apply(x, weight, bias)
    return out if input._data.ndim == 2 else out.reshape(*input._data.shape[:-1], out_features)


def _linear_dtype_message(x: Tensor, weight: Tensor, bias: Tensor | None) -> str:
    """torch's error for mixed dtypes in `linear`: without a bias it is its `mm(x, weight.t())`'s, with one its
    `addmm(bias, x, weight.t())`'s, which checks mat1 (x) against mat2 (the weight) before self (the bias)."""
    if bias is None:
        return (f"expected m1 and m2 to have the same dtype, but got: {cpp_type_name(x._data.dtype)} != "
                f"{cpp_type_name(weight._data.dtype)}")
    first, name = (x, "mat1") if x._data.dtype != weight._data.dtype else (bias, "self")
    return (f"{name} and mat2 must have the same dtype, but got {torch_type_name(first._data.dtype)} and "
            f"{torch_type_name(weight._data.dtype)}")


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    try:  # (free unless it raises: relu is on the course's hot path)
        return input.relu_() if inplace else input.relu()
    except AttributeError:  # not a tensor: torch's parser's TypeError
        _check_tensor_argument("relu_" if inplace else "relu", "input", 1, input, optional=False)
        raise


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """torch's legacy choice when `dim` is not given (deprecated, hence the warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return input.softmax(dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return input.log_softmax(dim, dtype=dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the survivors by 1/(1-p), so the expected value is
    unchanged and evaluation (no dropout) needs no rescaling. Identity when not training."""
    _check_dropout_probability(p)
    return _dropout("dropout_" if inplace else "dropout", input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value, and an affine map
    keeps the mean and variance of the activations."""
    _check_dropout_probability(p)
    return _dropout("alpha_dropout_" if inplace else "alpha_dropout", input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """`alpha_dropout` of whole channels: one draw per (sample, channel)."""
    _check_dropout_probability(p)
    return _dropout("feature_alpha_dropout_" if inplace else "feature_alpha_dropout", input, p, training, inplace,
                    feature=True, alpha=True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, L) or (C, L) input."""
    _check_dropout_probability(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that "
                           "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, batched=input.dim() == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, H, W) input (a 3-D input is read as (N, C, L), as torch does)."""
    _check_dropout_probability(p)
    _warn_feature_dropout_dims("dropout2d", input.dim(), 2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, batched=True)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input."""
    _check_dropout_probability(p)
    _warn_feature_dropout_dims("dropout3d", input.dim(), 3)
    return _feature_dropout(input, p, training, inplace, batched=input.dim() == 5)


def _check_dropout_probability(p: Any) -> None:
    """torch's Python check (a NaN passes it, for the C++ check to refuse)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _warn_feature_dropout_dims(name: str, ndim: int, spatial: int) -> None:
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that {name} exists to provide channel-wise dropout on inputs with "
                      f"{spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. "
                      f"{spatial + 1}D or {spatial + 2}D inputs).", stacklevel=3)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool) -> Tensor:
    """torch's feature_dropout on the input, given a batch dim of 1 first if it has none (a view then, even
    without dropout; in place, the input itself, unsqueezed and squeezed in place as torch does)."""
    name = "feature_dropout_" if inplace else "feature_dropout"
    if batched:
        return _dropout(name, input, p, training, inplace, feature=True)
    if inplace:
        _dropout(name, input.unsqueeze_(0), p, training, True, feature=True)
        return input.squeeze_(0)
    return _dropout(name, input.unsqueeze(0), p, training, False, feature=True).squeeze(0)


def _dropout(kernel: str, input: Tensor, p: float, training: bool, inplace: bool, feature: bool = False,
             alpha: bool = False) -> Tensor:
    """torch's `_dropout_impl`: the noise is 1 with probability 1 - p (one draw per element, or per channel
    with `feature`), divided by 1 - p; `alpha`: noise * a and an offset b that give dropped elements SELU's
    saturation value while keeping the mean and variance."""
    _check_tensor_argument(kernel, "input", 1, input, optional=False)  # (torch's argument parser)
    _check_scalar_argument(kernel, "train", 3, training, "bool")
    if not 0.0 <= p <= 1.0:  # NaN: past Python's check, caught by torch's C++ one
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    p = float(p)  # (torch's parser reads a number, a 0-d tensor too, as a double)
    if not training or p == 0.0 or input._data.size == 0:  # (as torch: the input itself, even with inplace)
        return input
    if p == 1.0:  # as torch: everything dropped, times a 0-d zero (so any dtype), no random draw
        zero = Tensor._make(np.zeros((), input._data.dtype))
        return input.mul_(zero) if inplace else input * zero
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if input._data.dtype.kind != "f":  # (torch's noise is floating point, and cannot be written into integers)
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{torch_type_name(input._data.dtype.name)}")
    keep = 1.0 - p  # torch's CPU rule: noise = empty_like(input).bernoulli_(1 - p); noise.div_(1 - p)
    noise = _dropout_noise(input, keep, feature)
    if not alpha:
        noise /= keep
        mask = Tensor._make(noise)
        return input.mul_(mask) if inplace else input * mask
    selu_alpha = 1.7580993408473766  # (torch's constant: SELU's scale * alpha)
    a = 1.0 / math.sqrt((selu_alpha * selu_alpha * p + 1) * keep)
    dtype = noise.dtype.type
    offset = Tensor._make((noise - 1) * dtype(selu_alpha * a) + dtype(selu_alpha * a * p))
    mask = Tensor._make(noise * dtype(a))
    return input.mul_(mask).add_(offset) if inplace else (input * mask).add_(offset)


def _dropout_noise(input: Tensor, keep: float, feature: bool) -> np.ndarray:
    """The 0/1 draws (1 with probability `keep`) in the input's dtype: torch's empty_like(input), which keeps a
    dense input's layout (a transposed input: a transposed noise; an expanded one gets a contiguous noise),
    filled in memory order; with `feature`, a contiguous (N, C, 1, ...) noise."""
    if feature:
        like = np.empty(input._data.shape[:2] + (1,) * (input.ndim - 2), input._data.dtype)
    else:
        like = np.empty_like(input._data)
        if like.strides != input._data.strides:
            like = np.empty(input._data.shape, input._data.dtype)
    draws = _random_source(None).bernoulli_scalar(like.size, keep)
    return Tensor._make(like)._in_memory_order(draws).astype(input._data.dtype)


# ====================================================================== embeddings
def _check_indices(indices: Tensor, name: str, fn: str, promoted: np.dtype | None = None) -> np.ndarray:
    """Integer indices only (Long or Int), with torch's message. `promoted`: the type checked instead
    (embedding_bag checks indices and offsets once promoted to a common type, so Byte ids with Long
    offsets pass)."""
    promoted = indices._data.dtype if promoted is None else promoted
    if promoted not in (np.int64, np.int32):
        raise RuntimeError(f"Expected tensor for argument #1 '{name}' to have one of the following scalar types: "
                           f"Long, Int; but got {_tensor_string(promoted)} instead (while checking arguments for "
                           f"{fn})")
    return indices._data.astype(np.int64, copy=False)


def _normalize_padding_idx(padding_idx: int | None, num_embeddings: int, message: str) -> int | None:
    """A negative padding_idx counts from the end, as a Python index."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(message)
    return padding_idx % num_embeddings


def _renorm_rows_(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """torch's `embedding_renorm_`, before the lookup: each row read whose `norm_type`-norm exceeds
    `max_norm` is scaled in place to norm `max_norm` (outside autograd, but the weight's version moves).
    It runs before the lookup's own checks: an id out of range fails here first, with torch's `select()` error."""
    rows = np.unique(indices)
    num_rows = weight.shape[0]
    outside = rows[(rows < -num_rows) | (rows >= num_rows)]  # (a negative id in range selects from the end)
    if len(outside):
        raise IndexError(f"select(): index {outside[0]} out of range for tensor of size {list(weight.shape)} "
                         "at dimension 0")
    norms = np.linalg.norm(weight._data[rows].astype(np.float64), ord=norm_type, axis=1)
    too_long = norms > max_norm
    weight._data[rows[too_long]] *= (max_norm / (norms[too_long] + 1e-7)).astype(weight._data.dtype)[:, None]
    bump_version(weight)


def _rows_summed(indices: np.ndarray, values: np.ndarray, num_rows: int) -> np.ndarray:
    """Dense (num_rows, D) array whose row r is the sum of values[k] over k with indices[k] == r
    (coalesce, then one fancy assignment: no `np.add.at`)."""
    dense = np.zeros((num_rows,) + values.shape[1:], dtype=values.dtype)
    if len(indices):
        rows, summed = sparse_rows.coalesce(indices, values)
        dense[rows] = summed
    return dense


class _EmbeddingOp(Function):
    """`weight[indices]`: backward sends each output row's gradient to the row it was read from."""

    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, sparse, scale_grad_by_freq=False):
        ctx.save_for_backward(indices)
        ctx.shape, ctx.padding_idx, ctx.sparse, ctx.by_freq = weight.shape, padding_idx, sparse, scale_grad_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        shape, padding_idx = ctx.shape, ctx.padding_idx
        if ctx.by_freq and ctx.sparse:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
        flat = indices.reshape(-1)
        values = grad.reshape(len(flat), shape[1])  # (not -1: with zero-width rows it would be ambiguous)
        if padding_idx is not None:  # the padding row gets no gradient
            keep = flat != padding_idx
            flat, values = flat[keep], values[keep]
        else:
            values = values.copy()  # a RowSparseGrad owns its values (clipping scales them in place)
        if ctx.by_freq:  # each token's gradient divided by how often its id occurs in the batch
            values = values / np.bincount(flat, minlength=shape[0])[flat].astype(values.dtype)[:, None]
        g = RowSparseGrad(flat, values, shape) if ctx.sparse else _rows_summed(flat, values, shape[0])
        return g, None, None, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of `weight`: output shape is input.shape + (embedding_dim,).

    `max_norm` first rescales, in place, the rows read whose norm exceeds it; `scale_grad_by_freq`
    divides each token's gradient by the number of times its id occurs in `input`."""
    _check_tensor_argument("embedding", "weight", 1, weight, optional=False)  # (torch's order: weight, indices)
    _check_tensor_argument("embedding", "indices", 2, input, optional=False)
    padding_idx = _normalize_padding_idx(padding_idx, weight.shape[0], "Padding_idx must be within num_embeddings")
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    indices = _check_indices(input, "indices", "embedding")
    if max_norm is not None:
        _renorm_rows_(weight, indices, max_norm, norm_type)
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return _EmbeddingOp.apply(weight, indices, padding_idx, sparse, scale_grad_by_freq)


class _EmbeddingBagOp(Function):
    """Reduce the embeddings of each bag (a run of `counts[b]` consecutive tokens) to one row.

    The arithmetic is in `minitorch_ref/kernels/embedding_bag.py`, beside its reference rule
    (the one-hot bags x vocabulary matrix): the forward sums (or maxes) each bag's rows, the
    weight gradient is built already coalesced, one row per distinct token id (a
    `RowSparseGrad` with sparse=True, scattered into a dense (V, D) array otherwise). Every
    step costs tokens x width, plus one sort of the token ids.
    """

    node_name = "EmbeddingBagBackward0"

    @staticmethod
    def forward(ctx, weight, indices, counts, mode, per_sample_weights, padding_idx, sparse, wanted):
        keep = None
        if padding_idx is not None:  # padding tokens are dropped: they count neither in sums nor in means
            keep = indices != padding_idx
            if keep.all():
                keep = None
            else:
                bag_of_token = np.repeat(np.arange(len(counts)), counts)
                counts = np.bincount(bag_of_token[keep], minlength=len(counts))
                indices = indices[keep]
        psw = per_sample_weights
        if psw is not None and keep is not None:
            psw = psw[keep]
        out, winners = embedding_bag_kernels.bag_forward(weight, indices, counts, mode, psw)
        ctx.save_for_backward(weight, indices, counts)
        ctx.mode, ctx.sparse, ctx.wanted = mode, sparse, wanted  # wanted: (weight, psw) need a gradient
        ctx.keep, ctx.psw, ctx.winners = keep, psw, winners
        return out

    @staticmethod
    def backward(ctx, grad):
        weight, indices, counts = ctx.saved_tensors
        psw, keep = ctx.psw, ctx.keep
        want_weight, want_psw = ctx.wanted
        none = (None,) * 6
        if ctx.mode == "max":  # each (bag, column) gradient goes to its winning row, same column
            return (embedding_bag_kernels.bag_max_grad(ctx.winners, grad, weight.shape[0]),) + none + (None,)
        per_bag = grad / np.maximum(counts, 1).astype(grad.dtype)[:, None] if ctx.mode == "mean" else grad
        grad_weight = grad_psw = None
        if want_weight:
            rows, values = embedding_bag_kernels.bag_weight_grad(indices, counts, per_bag, psw)
            if ctx.sparse:
                grad_weight = RowSparseGrad(rows, values, weight.shape, coalesced=True)
            else:
                grad_weight = np.zeros(weight.shape, dtype=values.dtype)
                grad_weight[rows] = values
        if psw is not None and want_psw:  # d(out[b])/d(psw[k]) = weight[indices[k]], for the token's bag b
            bag_of_token = np.repeat(np.arange(len(counts)), counts)
            grad_psw = np.einsum("ij,ij->i", per_bag[bag_of_token], weight[indices])
            if keep is not None:
                full = np.zeros(keep.shape, dtype=grad_psw.dtype)
                full[keep] = grad_psw
                grad_psw = full
        return grad_weight, None, None, None, grad_psw, None, None, None


_MODES = ("sum", "mean", "max")


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """One row per bag: the sum, mean or max of the embeddings of the bag's tokens.

    1-D `input` holds all bags back to back; `offsets[b]` is where bag b starts (with
    `include_last_offset=True` a final entry marks the end). 2-D input is a batch of
    equal-length bags. Empty bags give zeros.
    """
    if weight._data.dtype == np.int64 and input._data.dtype.kind == "f":  # the arguments' order before torch 1.0
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage `embedding_bag(weight, "
                      "input, ...)` is deprecated, and should now be `embedding_bag(input, weight, ...)`.",
                      stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.shape != per_sample_weights.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if input.ndim == 2:
        if offsets is not None:
            kind = f"<class '{PACKAGE}.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {kind}")
        if input.shape[1] == 0:
            raise RuntimeError("step must be nonzero")  # torch's own error for (B, 0) input
        starts = np.arange(0, input.numel(), input.shape[1])
        include_last_offset = False
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = None
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if scale_grad_by_freq:  # (torch's CPU kernel divides by the count of another id: see the probe's report)
        raise NotImplementedError("minitorch_ref's embedding_bag does not implement scale_grad_by_freq")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
            f"(got mode='{mode}'). Please open a feature request on GitHub.")

    promoted = input._data.dtype if starts is not None else promote_types(input._data.dtype, offsets._data.dtype)
    indices = _check_indices(input, "indices", "embedding_bag", promoted).reshape(-1)
    if max_norm is not None:  # every token's row, those past the last bag and padding tokens included
        _renorm_rows_(weight, indices, max_norm, norm_type)
    if starts is None:
        starts = _check_indices(offsets, "indices", "embedding_bag", promoted)
    if weight._data.dtype.kind != "f":
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, "
                           f"BFloat16, Float, Double; but got {_tensor_string(weight._data.dtype)} instead (while "
                           "checking arguments for embedding_bag)")
    if include_last_offset:  # (False for 2-D input)
        if not len(starts):
            raise RuntimeError("include_last_offset: number of offset should be at least 1")
        starts = starts[:-1]
    if per_sample_weights is not None and per_sample_weights._data.dtype != weight._data.dtype:
        raise RuntimeError(
            "Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 "
            f"'per_sample_weights'; but type {weight.type()} does not equal {per_sample_weights.type()} "
            "(while checking arguments for embedding_bag)")
    counts, used = _bag_sizes(starts, offsets, len(indices), include_last_offset)
    if used < len(indices):  # tokens after the last bag's end belong to no bag
        indices = indices[:used]
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights[:used]
    num_rows = weight.shape[0]
    if indices.size and indices.view(np.uint64).max() >= num_rows:  # (unsigned, a negative id is huge: one pass)
        first_bad = int(np.flatnonzero((indices < 0) | (indices >= num_rows))[0])
        value = int(indices[first_bad])
        if mode != "max" and weight._data.dtype == np.float32:  # torch's fast path words it differently
            raise RuntimeError(f"Index {first_bad} of input takes value {value} which is not in the valid range "
                               f"[0, {num_rows})")
        raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {value}")
    if padding_idx is not None and not -num_rows <= padding_idx < num_rows:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num_rows} through "
                           f"{num_rows - 1}, but got {padding_idx}")
    padding_idx = _normalize_padding_idx(padding_idx, num_rows, "")
    wanted = (weight.requires_grad, per_sample_weights is not None and per_sample_weights.requires_grad)
    return _EmbeddingBagOp.apply(weight, indices, counts, mode, per_sample_weights, padding_idx, sparse, wanted)


def _bag_sizes(starts: np.ndarray, offsets: Tensor | None, num_tokens: int,
               include_last_offset: bool) -> tuple[np.ndarray, int]:
    """(tokens per bag, tokens the bags cover) from the bag starts, with torch's checks on the offsets.
    The bags cover tokens 0 to `end` (the first bag starts at 0): any after belong to no bag."""
    if offsets is not None and len(starts):
        if starts[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {int(starts[0])}\n[ {offsets.type()}{{}} ]")
        last = int(offsets._data[-1])
        if last > num_tokens:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {num_tokens} but got "
                               f"offsets[-1] of {last}")
    end = int(offsets._data[-1]) if include_last_offset and offsets is not None and len(offsets._data) else num_tokens
    if not len(starts):
        return np.zeros(0, dtype=np.int64), 0
    counts = np.concatenate((starts[1:], [end])) - starts  # (np.diff(starts, append=end), in two C calls)
    if counts.min() < 0:
        raise RuntimeError("offsets must be non-decreasing: bag b covers input[offsets[b]:offsets[b + 1]]")
    return counts, end


# ====================================================================== losses
def _check_reduction(reduction: str) -> str:
    """torch's `_Reduction.get_enum`: 'none', 'mean' or 'sum' ('elementwise_mean' is an old name of 'mean')."""
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.", stacklevel=3)
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """The reduction, given torch's pre-1.0 flags as well (`_Reduction.legacy_get_string`).

    Either flag, when given, overrides `reduction` (with a deprecation warning): reduce=False keeps
    every loss ('none'), else size_average=False sums ('sum'), else 'mean'; a flag left None counts as True.
    """
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  stacklevel=3)
    return reduction


def _reduce(values: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":  # sum / count: the same as values.mean(), without its Python-level overhead
        return np.asarray(np.add.reduce(values, axis=None) / values.size, dtype=values.dtype)
    if reduction == "sum":
        return np.asarray(values.sum(), dtype=values.dtype)
    return values


def _reduce_grad(grad: np.ndarray, reduction: str, count: int) -> np.ndarray:
    """d(reduced)/d(each element): grad/count for mean, grad itself (broadcast) for sum and none."""
    return grad / count if reduction == "mean" else grad


class _MseLossOp(Function):
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):
        diff = input - target
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,), reduction = ctx.saved_tensors, ctx.reduction
        g = 2 * diff * _reduce_grad(grad, reduction, diff.size)
        return g, (-g if ctx.needs_input_grad[1] else None), None


def _warn_size(input: Tensor, target: Tensor) -> None:
    if target._data.shape != input._data.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


def _check_weight_size(input: Tensor, weight: Tensor) -> None:
    """The `weight=` of mse_loss, l1_loss and huber_loss: one weight per element of the input."""
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")


def _weighted_reduction(losses: Tensor, weight: Tensor, reduction: str, mean_by_weights: bool) -> Tensor:
    """torch's Python rule for `weight=` in mse_loss, l1_loss and huber_loss: each loss times its weight, then
    reduced; 'mean' divides by the summed weights (mse, l1) or, in huber_loss, by the count (`.mean()`)."""
    weighted = losses * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.sum() / weight.sum() if mean_by_weights else weighted.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean (or sum, or none) of the squared differences; `weight` (the input's shape) weights each one."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_broadcast(input._data.shape, target._data.shape)
    if weight is not None:
        _check_weight_size(input, weight)
        input, target = _broadcast_operands(input, target)
        return _weighted_reduction((input - target) ** 2, weight, reduction, mean_by_weights=True)
    reduction = _check_reduction(reduction)
    input, target = _loss_operands(input, target, "mse")
    return _MseLossOp.apply(input, target, reduction)


def _broadcast_operands(input: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """`torch.broadcast_tensors(input, target)`, with which torch's Python losses start: a 0-d side, expanded,
    then counts with its full dtype in the arithmetic (l1_loss of a 0-d float64 and a float32 vector: float64)."""
    if input._data.shape == target._data.shape:
        return input, target
    shape = np.broadcast_shapes(input._data.shape, target._data.shape)
    return input.expand(shape), target.expand(shape)


def _loss_operands(input: Tensor, target: Tensor, kernel: str) -> tuple[Tensor, Tensor]:
    """Both sides of a pointwise loss in their common dtype. torch broadcasts them to one shape first
    (`torch.broadcast_tensors`), so a 0-d side counts with its full dtype; its kernels are floating-point only."""
    if input._data.dtype is target._data.dtype and input._data.dtype.kind == "f":
        return input, target  # (the usual case: nothing to convert)
    common = _fold([input._data.dtype, target._data.dtype])
    if common.kind != "f":
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{torch_type_name(common)}\'')
    return _cast(input, common), _cast(target, common)


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean (or sum, or none) of the absolute differences; `weight` (the input's shape) weights each one."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_broadcast(input._data.shape, target._data.shape)
    input, target = _broadcast_operands(input, target)
    if weight is not None:
        _check_weight_size(input, weight)
        return _weighted_reduction((input - target).abs(), weight, reduction, mean_by_weights=True)
    return _l1_loss(input, target, _check_reduction(reduction))


def _l1_loss(input: Tensor, target: Tensor, reduction: str) -> Tensor:
    """torch's l1_loss is built from tensor ops (nodes AbsBackward0, then MeanBackward0 or SumBackward0), and so
    is this one; its gradient is 0 where the difference is 0 (or nan)."""
    return _apply_loss_reduction((input - target).abs(), reduction)


def _class_rows(array: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) -> (N*d1*..., C); (C,) -> (1, C): one row of class scores per prediction."""
    if array.ndim > 2:
        array = np.moveaxis(array, 1, -1)
    return array.reshape(math.prod(array.shape[:-1]), array.shape[-1])  # (not -1: C may be 0)


def _unrows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of `_class_rows`."""
    if len(shape) > 2:
        moved = (shape[0],) + shape[2:] + (shape[1],)
        return np.moveaxis(rows.reshape(moved), -1, 1)
    return rows.reshape(shape)


def _log_softmax_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log p, p) of each row of logits, stably: log p = x - max - log(sum(exp(x - max))), finite for logits
    of 1e4. (`initial` only lets a row have no classes at all.)"""
    shifted = x - x.max(axis=1, keepdims=True, initial=-np.inf)
    exp = np.exp(shifted)
    sum_exp = exp.sum(axis=1, keepdims=True)
    return shifted - np.log(sum_exp), exp / sum_exp


def _nll_targets(target: np.ndarray, num_classes: int, weight: np.ndarray | None, ignore_index: int,
                 dtype: np.dtype) -> tuple:
    """The predictions that count (target not ignore_index), their target classes and class weights; and
    'mean''s divisor, those weights summed (without class weights: the number of predictions that count).
    torch skips the others: their loss and gradient are exactly 0."""
    t = target.reshape(-1).astype(np.int64, copy=False)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= num_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    rows = np.flatnonzero(valid)
    classes = t[rows]
    w = np.ones(len(rows), dtype) if weight is None else weight[classes]
    return rows, classes, w, w.sum(dtype=dtype)


def _reduce_rows(losses: np.ndarray, reduction: str, divisor: Any, shape: tuple) -> np.ndarray:
    """Per-prediction losses -> the loss: in the target's `shape` ('none'), their sum, or sum / divisor ('mean';
    every target ignored: 0/0 = nan, as torch)."""
    if reduction == "none":
        return losses.reshape(shape)
    total = losses.sum()
    return np.asarray(total / divisor if reduction == "mean" else total, dtype=losses.dtype)


def _row_grads(grad: np.ndarray, reduction: str, divisor: Any, rows: np.ndarray) -> np.ndarray:
    """d loss / d (the loss of each prediction in `rows`): the incoming gradient per prediction ('none'), or the
    one number, divided by the divisor for 'mean' (a divisor of 0, class weights summing to 0, gives inf or nan
    as in torch)."""
    if reduction == "mean":
        grad = grad / divisor
    return grad.reshape(-1)[rows] if grad.ndim else np.broadcast_to(grad, rows.shape)


def _row_scale(grad: np.ndarray, reduction: str, divisor: Any) -> np.ndarray:
    """The loss gradient per prediction row, as a column to broadcast over classes (the kernel zeroes the rows
    of ignored targets itself)."""
    if reduction == "none":
        return grad.reshape(-1, 1)
    if reduction == "mean":
        grad = grad / divisor
    return np.asarray(grad, dtype=grad.dtype).reshape(1, 1)


class _CrossEntropyOp(Function):
    """log_softmax and nll_loss in one node (torch records the two), for class-index targets.

    With log p = log_softmax(x) and w the class weights (or 1), prediction i with target t_i has
        loss_i = -w[t_i] log p[i, t_i]
    and with label smoothing e, over C classes (torch's formula):
        loss_i = (1 - e) * (-w[t_i] log p[i, t_i]) + e / C * (-sum_c w[c] log p[i, c]).
    Ignored targets count for nothing; 'mean' divides by the summed w[t_i] of the others.
    Gradient: G = d loss / d log p, then d loss / d x = G - p * sum_c G (the log_softmax rule):
    softmax - one_hot for plain class indices (kernels/cross_entropy.py).
    """

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction, smoothing):
        target = _one_prediction_target(ctx, input, target)
        x = _class_rows(input)
        ctx.input_shape, ctx.reduction = input.shape, reduction
        ctx.node_name = "AddBackward0" if smoothing else _nll_node_name(input.ndim, reduction)
        if not smoothing and weight is None and x.shape[1]:  # plain class indices: the kernel
            return _picked_cross_entropy(ctx, x, target, ignore_index, reduction)
        rows, classes, w, divisor = _nll_targets(target, x.shape[1], weight, ignore_index, x.dtype)
        log_p, probs = _log_softmax_rows(x)
        losses = np.zeros(len(x), x.dtype)
        losses[rows] = -w * log_p[rows, classes]  # (only the target's log p: a -inf elsewhere is no nan)
        ctx.save_for_backward(probs, rows, classes, w, weight)
        ctx.divisor, ctx.smoothing = divisor, smoothing
        if smoothing and weight is not None and reduction == "mean" and target.dtype == np.uint8 and len(rows):
            # (torch's 'mean' divisor: weight.gather(0, the targets that count), of int32/int64 indices only)
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        if smoothing and ctx.vector_target:  # (torch adds the (1,)-shaped smoothing term into the 0-d loss)
            raise RuntimeError("output with shape [] doesn't match the broadcast shape [1]")
        if not smoothing:
            return _reduce_rows(losses, reduction, divisor, target.shape)
        ctx.share = np.float64(smoothing) / x.shape[1]  # e / C (no classes: inf, as torch's division)
        smooth = np.zeros(len(x), x.dtype)  # (read literally: a -inf log p with class weight 0 gives nan, as torch)
        smooth[rows] = -(log_p[rows] * (1 if weight is None else weight)).sum(axis=1)
        nll, smooth = (_reduce_rows(v, reduction, divisor, target.shape) for v in (losses, smooth))
        return np.asarray((1 - smoothing) * nll + ctx.share * smooth, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        if ctx.vector_target:
            _refuse_vector_target(ctx.input_shape)
        if ctx.picked:
            probs, target, valid = ctx.saved_tensors
            g = cross_entropy_kernels.cross_entropy_grad(probs, target, valid,
                                                         _row_scale(grad, ctx.reduction, ctx.divisor))
            return _unrows(g, ctx.input_shape), None, None, None, None, None
        (probs, rows, classes, w, weight), smoothing = ctx.saved_tensors, ctx.smoothing
        g_rows = _row_grads(grad, ctx.reduction, ctx.divisor, rows)
        g = np.zeros_like(probs)  # d loss / d log p (rows of ignored targets stay exactly 0)
        g[rows, classes] = -(1 - smoothing) * w * g_rows
        if smoothing:
            g[rows] -= ctx.share * (1 if weight is None else weight) * g_rows[:, None]
        g -= probs * g.sum(axis=1, keepdims=True)
        return _unrows(g, ctx.input_shape), None, None, None, None, None

    picked = False  # True when the loss came from `_picked_cross_entropy`
    vector_target = False  # True for a 1-D input's target of shape (1,) (`_one_prediction_target`)


def _one_prediction_target(ctx, input: np.ndarray, target: np.ndarray) -> np.ndarray:
    """torch reads a 1-D input's target of shape (1,) as its one class (a 0-d loss, even for 'none'), but its
    nll_loss backward then refuses the shapes (`_refuse_vector_target`)."""
    if input.ndim == 1 and target.ndim == 1:
        ctx.vector_target = True
        return target.reshape(())
    return target


def _refuse_vector_target(input_shape: tuple) -> None:
    raise RuntimeError(f"size mismatch (got input: {list(input_shape)}, target: [1])")


def _picked_cross_entropy(ctx, x: np.ndarray, target: np.ndarray, ignore_index: int, reduction: str) -> np.ndarray:
    """Cross-entropy against class indices, without class weights or smoothing: kernels/cross_entropy.py."""
    t = target.reshape(-1).astype(np.int64, copy=False)
    num_classes, valid = x.shape[1], None  # valid None: every row counts
    # (viewed as unsigned, a negative target is huge: one comparison finds every target outside [0, C))
    if 0 <= ignore_index < num_classes or (len(t) and t.view(np.uint64).max() >= num_classes):
        valid = t != ignore_index
        bad = valid & ((t < 0) | (t >= num_classes))
        if bad.any():
            raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    per_row, probs = cross_entropy_kernels.cross_entropy_rows(x, t, valid)
    ctx.save_for_backward(probs, t, valid)
    ctx.picked, ctx.reduction = True, reduction
    ctx.divisor = x.dtype.type(len(t) if valid is None else np.count_nonzero(valid))
    return _reduce_rows(per_row, reduction, ctx.divisor, target.shape)


def _nll_node_name(ndim: int, reduction: str) -> str:
    """torch runs images (N, C, H, W) through nll_loss2d, and other N-D inputs reshaped to 4-D."""
    if ndim <= 2:
        return "NllLossBackward0"
    return "ViewBackward0" if reduction == "none" and ndim != 4 else "NllLoss2DBackward0"


class _NllLossOp(Function):
    """loss_i = -w[t_i] * input[i, t_i]: `input` holds log-probabilities (e.g. from LogSoftmax); w the class
    weights (or 1). Ignored targets count for nothing; 'mean' divides by the summed w[t_i] of the others."""

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        target = _one_prediction_target(ctx, input, target)
        ctx.node_name = _nll_node_name(input.ndim, reduction)
        x = _class_rows(input)
        rows, classes, w, divisor = _nll_targets(target, x.shape[1], weight, ignore_index, x.dtype)
        losses = np.zeros(len(x), x.dtype)
        losses[rows] = -w * x[rows, classes]
        ctx.save_for_backward(rows, classes, w)
        ctx.input_shape, ctx.rows_shape, ctx.reduction, ctx.divisor = input.shape, x.shape, reduction, divisor
        return _reduce_rows(losses, reduction, divisor, target.shape)

    @staticmethod
    def backward(ctx, grad):
        if ctx.vector_target:
            _refuse_vector_target(ctx.input_shape)
        rows, classes, w = ctx.saved_tensors
        g = np.zeros(ctx.rows_shape, dtype=grad.dtype)  # (rows of ignored targets stay exactly 0)
        g[rows, classes] = -w * _row_grads(grad, ctx.reduction, ctx.divisor, rows)
        return _unrows(g, ctx.input_shape), None, None, None, None

    vector_target = False  # True for a 1-D input's target of shape (1,) (`_one_prediction_target`)


def _check_tensor_argument(function: str, name: str, position: int, value: Any, optional: bool = True) -> None:
    """torch's argument parser: a tensor argument of a C++ function is a Tensor (or None, if optional).
    (Its positions, here and below, are those of a positional call: torch omits them for a keyword argument.)"""
    if (value is not None or not optional) and not isinstance(value, Tensor):
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{typename(value)}")


def _check_scalar_argument(function: str, name: str, position: int | None, value: Any, kind: str) -> None:
    """torch's argument parser for a `kind` 'bool' (a Python bool only) or 'float' or 'Number' (any real number,
    or a tensor). A keyword-only argument has no `position` (None)."""
    if kind == "bool":
        accepted = isinstance(value, bool)
    else:
        accepted = isinstance(value, (int, float, np.number, np.bool_, Tensor))
    if not accepted:
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{function}(): argument '{name}'{where} must be {kind}, not {_type_name(value)}")


def _check_not_requiring_grad(function: str, name: str, value: Tensor | None) -> None:
    """torch has no gradient for these weights and refuses, at the forward, one that requires grad."""
    if value is not None and value.requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument '{name}'. "
                           "This input cannot have requires_grad True.")


def _check_floating(input: Tensor, kernel: str) -> None:
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(input._data.dtype)}'")


def _log_softmax_kernel(input: Tensor) -> str:
    """The name of torch's log_softmax kernel (in its error for integer logits): classes last, or not."""
    return "log_softmax_lastdim_kernel_impl" if input.ndim <= 2 else "log_softmax_kernel_impl"


def _check_class_target(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """torch's checks of class-index targets, in its order: nll_loss_nd's, then those of nll_loss (1-D and
    2-D input) or of nll_loss2d (N-D input; other than 4-D, reshaped to 4-D first)."""
    shape, target_shape = input._data.shape, target._data.shape
    if len(shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(shape)})")
    target_batch = target_shape[0] if target_shape else 0  # (torch reads a 0-d target's batch size as 0)
    if len(shape) != 1 and shape[0] != target_batch:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size ({target_batch}).")
    spatial = len(shape) > 2
    if spatial and len(shape) != 4 and target_shape[1:] != shape[2:]:
        raise RuntimeError(f"Expected target size {[shape[0], *shape[2:]]}, got {list(target_shape)}")
    _check_not_requiring_grad("nll_loss2d_forward" if spatial else "nll_loss_forward", "weight", weight)
    if len(shape) == 4 and len(target_shape) != 3:
        raise RuntimeError("only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{len(target_shape)}")
    if not spatial and len(target_shape) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_type_name(target._data.dtype)}")
    if spatial:
        if weight is not None and weight.numel() != shape[1]:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if len(shape) == 4 and target_shape != shape[:1] + shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(shape)} , target: {list(target_shape)}")
        return
    if len(shape) == 1 and len(target_shape) == 1 and target_shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target_shape[0]}")
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != shape[-1]):
        raise RuntimeError(f"weight tensor should be defined either for all {shape[-1]} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")


def _check_spatial_target_long(input: Tensor, target: Tensor) -> None:
    """torch's nll_loss2d (N-D input) reads its targets as int64 only: a uint8 target, which nll_loss (1-D and
    2-D input) accepts, fails there (after the input's dtype check)."""
    if input.ndim > 2 and target._data.dtype == np.uint8:
        raise RuntimeError("expected scalar type Long but found Byte")


def _class_weights(input: Tensor, weight: Tensor | None) -> np.ndarray | None:
    """torch's nll kernels read the class weights in the input's dtype exactly (N-D input: any shape of C)."""
    if weight is None:
        return None
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected scalar type {torch_type_name(input._data.dtype)} but found "
                           f"{torch_type_name(weight._data.dtype)}")
    return weight._data.reshape(-1)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices, given log-probabilities (N, C) or (N, C, d1, ...)."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _check_tensor_argument("nll_loss_nd", "weight", 3, weight)
    _check_class_target(input, target, weight)
    _check_floating(input, "nll_loss2d_forward_out_frame" if input.ndim > 2 else "nll_loss_out_frame")
    _check_spatial_target_long(input, target)
    return _NllLossOp.apply(input, target._data, _class_weights(input, weight), ignore_index, reduction)


def _check_label_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1:  # (torch checks only a positive value, and prints it as C++ does: 2, not 2.0)
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy from raw logits: class-index targets, or class probabilities (a target of the input's shape).
    A negative `label_smoothing` counts as 0, as in torch."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _check_tensor_argument("cross_entropy_loss", "weight", 3, weight)
    smoothing = label_smoothing if label_smoothing > 0 else 0.0
    if target.shape == input.shape:  # torch's rule: a target of the input's shape holds probabilities
        return _probability_cross_entropy(input, target, weight, ignore_index, reduction, smoothing)
    _check_label_smoothing(label_smoothing)
    if input.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    _check_floating(input, _log_softmax_kernel(input))
    _check_class_target(input, target, weight)
    _check_spatial_target_long(input, target)
    return _CrossEntropyOp.apply(input, target._data, _class_weights(input, weight), ignore_index, reduction,
                                 smoothing)


class _ProbabilityCrossEntropyOp(Function):
    """Cross-entropy against class probabilities q (a target of the input's shape), read as torch computes it:

        loss_i = -sum_c w[c] q[i, c] log p[i, c]      (label smoothing e first: q (1 - e) + e / C)

    so a -inf logit meets its 0 probability as -inf * 0 = nan, as in torch. 'mean' divides by the number of
    predictions. The target and the class weights get gradients too.
    """

    @staticmethod
    def forward(ctx, input, target, weight, reduction, smoothing):
        x, q = _class_rows(input), _class_rows(target)
        if smoothing and x.shape[1]:  # (no classes: nothing to smooth)
            q = q * (1 - smoothing) + smoothing / x.shape[1]
        log_p, probs = _log_softmax_rows(x)
        terms = log_p * q if weight is None else log_p * q * weight
        ctx.save_for_backward(log_p, probs, q, weight)
        ctx.input_shape, ctx.reduction, ctx.smoothing = input.shape, reduction, smoothing
        # (torch's nodes: -(terms).sum() / N for 'mean', and for an empty input -(terms).sum() filled with nan)
        ctx.node_name = "DivBackward1" if reduction == "mean" and x.size else "NegBackward0"
        if reduction == "none":
            return -terms.sum(axis=1).reshape(input.shape[:1] + input.shape[2:] if input.ndim > 1 else ())
        total = -terms.sum()
        if reduction == "mean":
            total = total / x.shape[0] if x.size else np.nan
        return np.asarray(total, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (log_p, probs, q, weight), smoothing = ctx.saved_tensors, ctx.smoothing
        if ctx.reduction == "none":
            scale = grad.reshape(-1, 1)
        else:
            scale = (grad / log_p.shape[0] if ctx.reduction == "mean" else grad).reshape(1, 1)
        w = 1 if weight is None else weight
        g = -q * w * scale  # d loss / d log p
        grad_input = _unrows(g - probs * g.sum(axis=1, keepdims=True), ctx.input_shape)
        grad_target = grad_weight = None
        if ctx.needs_input_grad[1]:
            grad_target = _unrows(-log_p * w * scale * (1 - smoothing), ctx.input_shape)
        if ctx.needs_input_grad[2]:
            grad_weight = -(log_p * q * scale).sum(axis=0)
        return grad_input, grad_target, grad_weight, None, None


def _probability_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int,
                               reduction: str, smoothing: float) -> Tensor:
    """torch's checks for probability targets, in its order; one dtype for input, target and weight (a float64
    target or weight makes the loss float64, as in torch)."""
    if target._data.dtype.kind != "f":
        raise RuntimeError("Expected floating point type for target with class probabilities, got "
                           f"{torch_type_name(target._data.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    num_classes = input.shape[0 if input.ndim == 1 else 1]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != num_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {num_classes} classes or "
                           f"no classes but got weight tensor of shape: {list(weight.shape)}")
    _check_floating(input, _log_softmax_kernel(input))
    _check_label_smoothing(smoothing)
    common = _fold([t._data.dtype for t in (input, target, weight) if t is not None])
    input, target = _cast(input, common), _cast(target, common)
    weight = None if weight is None else _cast(weight, common)
    return _ProbabilityCrossEntropyOp.apply(input, target, weight, reduction, smoothing)


def _broadcast_shapes(*shapes: tuple) -> tuple:
    """`torch.broadcast_shapes`, with its message (which shows the common shape as filled so far)."""
    common = [1] * max(len(s) for s in shapes)
    for index, shape_ in enumerate(shapes):
        for d in range(-1, -1 - len(shape_), -1):
            if common[d] == 1:
                common[d] = shape_[d]
            elif shape_[d] != 1 and common[d] != shape_[d]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape_[d]} at {d}! Mismatching "
                                   f"argument at index {index} had {shape_!r}; but expected shape should be "
                                   f"broadcastable to {common}")
    return tuple(common)


_BCE_EPSILON = float(np.float32(1e-12))  # torch's guard against 0/0 at x = 0 or 1 (a C float, hence the cast)


class _BinaryCrossEntropyOp(Function):
    """-w [t log x + (1-t) log(1-x)], each log clamped at -100 so x = 0 or 1 gives a finite loss (as torch);
    log(1-x) as log1p(-x), exact for small x."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        losses = (target - 1) * np.maximum(np.log1p(-input), -100) - target * np.maximum(np.log(input), -100)
        if weight is not None:
            losses = (losses * weight).astype(input.dtype, copy=False)
        ctx.save_for_backward(input, target, weight)
        ctx.reduction = reduction
        return _reduce(losses, reduction)

    @staticmethod
    def backward(ctx, grad):
        (x, t, weight), reduction = ctx.saved_tensors, ctx.reduction
        g = _reduce_grad(grad, reduction, x.size)
        w = 1 if weight is None else weight
        grad_x = (g * (x - t) / np.maximum((1 - x) * x, _BCE_EPSILON) * w).astype(x.dtype, copy=False)
        grad_t = None
        if ctx.needs_input_grad[1]:  # torch's rule: -logit(x), unclamped (inf at x = 0, -inf at x = 1)
            grad_t = (-np.log(x / (1 - x)) * g * w).astype(x.dtype, copy=False)
        return grad_x, grad_t, None, None


def _check_bce_operands(input: Tensor, target: Tensor) -> None:
    """torch's BCE kernel: input and target of one floating dtype, and every element in [0, 1] (nan is not),
    checked element by element, each element's input before its target."""
    x, t = input._data, target._data
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {torch_type_name(t.dtype)} but expected {torch_type_name(x.dtype)}")
    _check_floating(input, "binary_cross_entropy")
    bad_input, bad_target = ~((x >= 0) & (x <= 1)), ~((t >= 0) & (t <= 1))
    first = np.flatnonzero(bad_input | bad_target)
    if first.size:
        which = "input" if bad_input.flat[first[0]] else "target"
        raise RuntimeError(f"all elements of {which} should be between 0 and 1")


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities `input` (in [0, 1], e.g. after a sigmoid)."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if weight is not None:  # (torch's Python expands the weight to the broadcast shape first)
        weight_shape = _broadcast_shapes(target.size(), weight.size())
    _check_not_requiring_grad("binary_cross_entropy", "weight", weight)
    _check_bce_operands(input, target)
    if weight is not None and weight_shape != tuple(input.shape):
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape "
                           f"{list(weight_shape)}")
    return _BinaryCrossEntropyOp.apply(input, target, None if weight is None else weight._data, reduction)


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    """log(sigmoid(x)) = -softplus(-x) = -(log(1 + exp(-|x|)) + max(-x, 0)): no overflow for any x."""
    return -(np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))


class _BCEWithLogitsOp(Function):
    """Sigmoid + binary cross-entropy in one stable formula, as torch writes it:

        loss = (1 - t) x - lw * log_sigmoid(x),  lw = 1 + (pos_weight - 1) t  (1 without pos_weight),

    times the weight. The loss has the target's dtype (torch computes it into `1 - target`).
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        log_sig = _log_sigmoid(x)
        if pos_weight is not None:
            log_sig = log_sig * ((pos_weight - 1) * t + 1)
        losses = (1 - t) * x - log_sig
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(x, t, weight, pos_weight)
        ctx.reduction = reduction
        return _reduce(losses.astype(t.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        (x, t, weight, pos_weight), reduction = ctx.saved_tensors, ctx.reduction
        # ('mean' divides last, as torch does: float64 logits with a float32 target divide in float64)
        g = grad if weight is None else grad * weight
        e = np.exp(-np.abs(x))
        sig = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        if pos_weight is None:
            grad_x = g * (sig - t)
        else:
            pt = pos_weight * t
            grad_x = g * ((pt + 1 - t) * sig - pt)
        grad_t = None
        if ctx.needs_input_grad[1]:  # torch's rule: -x, or log_sigmoid(-x) - pos_weight * log_sigmoid(x)
            local = -x if pos_weight is None else _log_sigmoid(-x) - pos_weight * _log_sigmoid(x)
            grad_t = _reduce_grad(local * g, reduction, x.size).astype(t.dtype, copy=False)
        return _reduce_grad(grad_x, reduction, x.size).astype(x.dtype, copy=False), grad_t, None, None, None


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy of logits: stable for any logit; `pos_weight` scales the positive term."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if target.size() != input.size():
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    name = "binary_cross_entropy_with_logits"
    _check_tensor_argument(name, "weight", 3, weight)
    _check_tensor_argument(name, "pos_weight", 4, pos_weight)
    _check_not_requiring_grad(name, "weight", weight)
    _check_not_requiring_grad(name, "pos_weight", pos_weight)
    # torch's order: log_sigmoid(input), then (pos_weight - 1) * target, then 1 - target, then loss * weight
    _check_floating(input, "log_sigmoid_cpu")
    if pos_weight is not None:
        _check_broadcast(pos_weight._data.shape, target._data.shape)
        _check_output_shape(input, pos_weight, target)
    if target._data.dtype == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if target._data.dtype.kind != "f":
        raise RuntimeError(f"result type {torch_type_name(input._data.dtype)} can't be cast to the desired output "
                           f"type {torch_type_name(target._data.dtype)}")
    if weight is not None:  # (torch multiplies the loss by it in place: it may not make the loss larger)
        _check_broadcast(input._data.shape, weight._data.shape)
        _check_output_shape(input, weight)
    return _BCEWithLogitsOp.apply(input, target, None if weight is None else weight._data,
                                  None if pos_weight is None else pos_weight._data, reduction)


# ====================================================================== added for issue 12
def _float_activation(input: Tensor, name: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind != "f":
        kernel = {"gelu": "GeluKernelImpl", "silu": "silu_cpu", "elu": "elu_cpu", "softplus": "softplus_cpu",
                  "leaky_relu": "leaky_relu_cpu"}[name]
        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(input._data.dtype.name)}\'')


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (Phi: the standard normal CDF); approximate='tanh' uses tanh's approximation of it."""
    _float_activation(input, "gelu")
    if not isinstance(approximate, str):  # (a keyword-only argument: torch names no position)
        raise TypeError(f"gelu(): argument 'approximate' must be str, not {_type_name(approximate)}")
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return (pointwise.GeluTanh if approximate == "tanh" else pointwise.Gelu).apply(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish); `inplace` writes the result into `input`."""
    _float_activation(input, "silu")
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.Silu.apply(input))
    return pointwise.Silu.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x below; `inplace` writes the result into `input`."""
    _check_scalar_argument("leaky_relu_" if inplace else "leaky_relu", "negative_slope", 2, negative_slope, "Number")
    _float_activation(input, "leaky_relu")
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.LeakyReluInplace.apply(input, negative_slope))
    return pointwise.LeakyRelu.apply(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) below; `inplace` writes the result into `input`."""
    _check_scalar_argument("elu_" if inplace else "elu", "alpha", 2, alpha, "Number")
    _float_activation(input, "elu")
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.EluInplace.apply(input, alpha))
    return pointwise.Elu.apply(input, alpha)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta: a smooth relu (x itself where beta x > threshold)."""
    _check_scalar_argument("softplus", "beta", 2, beta, "Number")
    _check_scalar_argument("softplus", "threshold", 3, threshold, "Number")
    _float_activation(input, "softplus")
    return pointwise.Softplus.apply(input, beta, threshold)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) -> rows of 0/1 (int64), one more dim of size num_classes."""
    _check_tensor_argument("one_hot", "input", 1, tensor, optional=False)
    num_classes = _int_arg(num_classes, "one_hot", "num_classes", 2)
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = tensor._data
    if values.size == 0 and num_classes <= 0:  # (torch's check, for any num_classes up to 0)
        raise RuntimeError("Can not infer total number of classes from empty tensor.")
    if num_classes == -1:
        num_classes = int(values.max()) + 1
    if values.size and values.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if values.size and values.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return pointwise.NoGradient.apply(lambda v: (v[..., None] == np.arange(num_classes)).astype(np.int64), tensor)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p over dim, eps): rows (by default) scaled to unit norm."""
    norm = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / norm if out is None else _write_out(out, input / norm, "div")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """`pad` = (left, right) of the last dim, then of the one before, ...; negative crops. 'constant' fills
    with `value`; 'reflect', 'replicate' and 'circular' copy the input's elements (`_mode_pad`). Its
    arguments are read as torch's parser reads `pad(Tensor input, SymInt[] pad, str mode, float? value)`."""
    _check_tensor_argument("pad", "input", 1, input, optional=False)
    _check_int_list(pad, "pad", "pad", 2)
    if not isinstance(mode, str):
        raise TypeError(f"pad(): argument 'mode' (position 3) must be str, not {_type_name(mode)}")
    if value is not None:
        _check_scalar_argument("pad", "value", 4, value, "float")
    pad = _int_list(pad, "pad", "pad", 2, sym_int=True)
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode != "constant":
        if value is not None and value != 0:
            raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
        return _mode_pad(input, list(pad), mode)
    widths = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        widths[input.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    for d, (left, right) in enumerate(widths):  # torch crops first (narrow), then pads: each crop must fit alone
        if input.shape[d] + min(left, 0) < 0 or input.shape[d] + min(left, 0) + min(right, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    if all(w <= 0 for pair in widths for w in pair):  # only crops: torch never reads the value
        return shape.ConstantPad.apply(input, tuple(widths), 0)
    fill = _checked_scalar(0.0 if value is None else float(value), input._data.dtype)  # (torch's value is a double)
    return shape.ConstantPad.apply(input, tuple(widths), fill)


def _mode_pad(input: Tensor, pad: list, mode: str) -> Tensor:
    """torch's reflect, replicate and circular padding: of the last 1, 2 or 3 dims (`pad` of 2, 4 or 6), with
    one or two dims before them (unbatched or batched); torch's checks in its order."""
    k, ndim = len(pad) // 2, input.ndim
    if len(pad) not in (2, 4, 6) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {ndim}D input tensor.\n"
                                  "Supported combinations for non-constant padding:\n"
                                  "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                                  "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                                  "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    sizes = list(input.shape[ndim - k:])  # (the padded dims, outer to inner: D, H, W)
    pairs = [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
    out = [size + before + after for size, (before, after) in zip(sizes, pairs)]
    if mode == "circular":
        for size, (before, after), o in zip(sizes, pairs, out):
            if before > size or after > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if o < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
    else:
        _check_mirror_pad(input, k, sizes, pairs, out, mode)
        if input._data.dtype == np.bool_:
            kernel = f"{'reflection' if mode == 'reflect' else 'replication'}_pad{k}d"
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    return shape.ModePad.apply(input, tuple(pairs), mode)


def _check_mirror_pad(input: Tensor, k: int, sizes: list, pairs: list, out: list, mode: str) -> None:
    """torch's checks of reflection and replication padding: no empty dim but the batch, a reflection
    narrower than the input (innermost dim first), and an output that is not empty in every padded dim."""
    shape_ = list(input.shape)
    if 0 in (shape_[1:] if input.ndim == k + 2 else shape_):
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other "
                           f"non-zero dimensions for input, but got: {shape_}")
    if mode == "reflect":
        for i, (size, (before, after)) in enumerate(reversed(list(zip(sizes, pairs)))):
            if before >= size or after >= size:
                raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({before}, {after}) at dimension {input.ndim - 1 - i} "
                                   f"of input {shape_}")
    if max(out) < 1:  # (torch's message, its spacing included)
        names = "DHW"[3 - k:]
        outer = " ".join(f"{n}: {s}" for n, s in zip(names[:-1], sizes[:-1]))
        inner = f"W: {sizes[-1]}" + (" " if mode == "replicate" and k == 2 else "")
        raise RuntimeError(f"input ({outer + ', ' if outer else ''}{inner}) is too small. Calculated output "
                           + " ".join(f"{n}: {o}" for n, o in zip(names, out)))
    if min(out) < 0:  # (another padded dim is not empty: torch then fails creating the output)
        raise RuntimeError(f"Trying to create tensor with negative dimension {next(o for o in out if o < 0)}: "
                           f"{shape_[:input.ndim - k] + out}")


__all__ += ["gelu", "silu", "leaky_relu", "elu", "softplus", "one_hot", "normalize", "pad"]


class _SmoothL1LossOp(Function):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta beyond (d = input - target); beta > 0 (0 is l1_loss)."""

    node_name = "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, beta):
        diff = input - target
        ctx.save_for_backward(diff)
        ctx.reduction, ctx.beta = reduction, beta
        absolute = np.abs(diff)
        return _reduce(np.where(absolute < beta, 0.5 * diff * diff / beta, absolute - 0.5 * beta).astype(
            diff.dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        beta = ctx.beta
        local = np.where(np.abs(diff) < beta, diff / beta, np.sign(diff))
        g = (local * _reduce_grad(grad, ctx.reduction, diff.size)).astype(diff.dtype)
        return g, -g, None, None


class _HuberLossOp(Function):
    """0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) beyond: smooth_l1 times delta."""

    node_name = "HuberLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, delta, out_dtype, target_dtype):
        diff = input - target
        ctx.save_for_backward(diff)
        ctx.reduction, ctx.delta, ctx.dtypes = reduction, delta, (out_dtype, target_dtype)
        absolute = np.abs(diff)
        return _reduce(np.where(absolute <= delta, 0.5 * diff * diff, delta * (absolute - 0.5 * delta)).astype(
            out_dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        _check_huber_backward_dtypes(*ctx.dtypes, ctx.needs_input_grad[0])
        (diff,) = ctx.saved_tensors
        delta = ctx.delta
        local = np.where(np.abs(diff) <= delta, diff, delta * np.sign(diff))
        g = (local * _reduce_grad(grad, ctx.reduction, diff.size)).astype(diff.dtype)
        return g, -g, None, None, None, None


def _check_huber_backward_dtypes(input_dtype: np.dtype, target_dtype: np.dtype, input_grad: bool) -> None:
    """torch's huber_loss backward kernel takes one dtype: input and target of two dtypes (the forward accepts
    them) fail there, against the input's dtype (or, for the target's gradient alone, the target's)."""
    if input_dtype != target_dtype:
        found, expected = (target_dtype, input_dtype) if input_grad else (input_dtype, target_dtype)
        raise RuntimeError(f"Found dtype {torch_type_name(found)} but expected {torch_type_name(expected)}")


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error near zero, absolute error beyond `beta`: robust regression (Fast R-CNN's box loss)."""
    _warn_size(input, target)
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_broadcast(input._data.shape, target._data.shape)
    reduction = _check_reduction(reduction)
    if beta == 0:  # torch computes l1_loss then (its nodes; gradient 0 where the difference is 0 or nan)
        return _l1_loss(*_broadcast_operands(input, target), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    input, target = _loss_operands(input, target, "smooth_l1")
    return _SmoothL1LossOp.apply(input, target, reduction, beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared error near zero, `delta` times the absolute error beyond `delta`; `weight` (the input's shape)
    weights each element ('mean' then divides by the count, as torch)."""
    _warn_size(input, target)
    _check_broadcast(input._data.shape, target._data.shape)
    if weight is not None:
        _check_weight_size(input, weight)
        return _weighted_reduction(_huber_loss(input, target, "none", delta), weight, reduction,
                                   mean_by_weights=False)
    return _huber_loss(input, target, _check_reduction(reduction), delta)


def _huber_loss(input: Tensor, target: Tensor, reduction: str, delta: float) -> Tensor:
    """torch's huber_loss kernel: its checks, then the op."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    out_dtype, target_dtype = input._data.dtype, target._data.dtype
    common = _fold([out_dtype, target_dtype])
    if not can_cast(common, out_dtype):  # (torch's result has the input's dtype: its casting rule)
        raise RuntimeError(f"result type {torch_type_name(common)} can't be cast to the desired output type "
                           f"{torch_type_name(out_dtype)}")
    input, target = _loss_operands(input, target, "huber")
    return _HuberLossOp.apply(input, target, reduction, delta, out_dtype, target_dtype)


__all__ += ["smooth_l1_loss", "huber_loss"]


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along `dim` (broadcast): each side normalised first."""
    _check_tensor_argument("cosine_similarity", "x1", 1, x1, optional=False)
    _check_tensor_argument("cosine_similarity", "x2", 2, x2, optional=False)
    dim = _int_arg(dim, "cosine_similarity", "dim", 3)
    _check_scalar_argument("cosine_similarity", "eps", 4, eps, "float")
    _check_broadcast(x1._data.shape, x2._data.shape)
    common = _result_dtype(x1, x2)
    if common.kind != "f":
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is {torch_type_name(common)}")
    # (as torch: integer sides become the common dtype; each float side is normalised in its own dtype)
    x1, x2 = (x if x._data.dtype.kind == "f" else _cast(x, common) for x in (x1, x2))
    shape_ = np.broadcast_shapes(x1._data.shape, x2._data.shape)  # (norms of the broadcast vectors, as torch)
    x1, x2 = x1.expand(shape_), x2.expand(shape_)
    n1 = x1.norm(2, dim, keepdim=True).clone()
    n2 = x2.norm(2, dim, keepdim=True).clone()
    with no_grad():  # (as torch: the clamp is hidden from autograd, the gradient flows as through the norm)
        n1.clamp_(min=eps)
        n2.clamp_(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) per element: target * (log(target) - input) (0 where target is 0);
    `input` holds log-probabilities. reduction='batchmean' divides the sum by the batch size (the true KL)."""
    if size_average is not None or reduce is not None:  # (then, as torch, 'batchmean' still divides by the batch)
        summary = _legacy_reduction(size_average, reduce, reduction)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        summary = "sum" if reduction == "batchmean" else _check_reduction(reduction)
    if input._data.dtype.kind != "f" or target._data.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        losses = pointwise.Xlogy.apply(target, target) - target * input  # (0 log 0 = 0)
    losses = _apply_loss_reduction(losses, summary)
    if reduction == "batchmean" and input.ndim:  # (torch: no division for 0-d)
        losses = losses / input.shape[0]
    return losses


__all__ += ["cosine_similarity", "kl_div"]


# ====================================================================== margin, embedding and likelihood losses
def _apply_loss_reduction(losses: Tensor, reduction: str) -> Tensor:
    """torch's `apply_loss_reduction`, with which its C++ composite losses end: the mean, the sum, or the losses."""
    return losses.mean() if reduction == "mean" else losses.sum() if reduction == "sum" else losses


def _parse_loss_arguments(function: str, *arguments: tuple[str, Any, str]) -> None:
    """torch's argument parser for a C++ loss: each (name, value, kind), in the order of their positions, is a
    tensor ('Tensor', or 'Tensor?' for an optional one) or a scalar of `_check_scalar_argument`'s kinds."""
    for position, (name, value, kind) in enumerate(arguments, 1):
        if kind.startswith("Tensor"):
            _check_tensor_argument(function, name, position, value, optional=kind == "Tensor?")
        else:
            _check_scalar_argument(function, name, position, value, kind)


def _scalar_minus(value: float, tensor: Tensor) -> Tensor:
    """torch's C++ `value - tensor`: the value filled in the tensor's dtype (an integer input stays integer),
    then the tensor subtracted in place (node SubBackward0)."""
    return _creation.full_like(tensor, value).sub_(tensor)


def _check_python_reduction(reduction: str, message: str) -> None:
    """The reduction check of torch's Python losses (no 'elementwise_mean' there): `message` follows the name."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + message)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target * (input1 - input2) + margin): target 1 wants input1 ranked higher, -1 input2."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError("margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    _parse_loss_arguments("margin_ranking_loss", ("input1", input1, "Tensor"), ("input2", input2, "Tensor"),
                          ("target", target, "Tensor"), ("margin", margin, "float"))
    return _apply_loss_reduction((-target * (input1 - input2) + float(margin)).clamp_min_(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average: bool | None = None,
                         reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """input where target is 1, max(0, margin - input) where it is -1 (input: a distance), as torch composes it."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _parse_loss_arguments("hinge_embedding_loss", ("input", input, "Tensor"), ("target", target, "Tensor"),
                          ("margin", margin, "float"))
    zeros = _creation.zeros_like(input)
    margin_clamp = _scalar_minus(float(margin), input).clamp_min_(0)
    losses = margin_clamp.where(target != 1, zeros) + input.where(target != -1, zeros)
    return _apply_loss_reduction(losses, reduction)


_COSINE_EPSILON = 1e-12  # (added to each squared norm by torch: no 0/0 for a zero vector)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1 (rows of 2-D inputs)."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _parse_loss_arguments("cosine_embedding_loss", ("input1", input1, "Tensor"), ("input2", input2, "Tensor"),
                          ("target", target, "Tensor"), ("margin", margin, "float"))
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != dim + 1 or input2.dim() != dim + 1:
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with sizes "
                           f"{list(input1.shape)} and {list(input2.shape)}.")
    squared_norm1, squared_norm2 = ((x * x).sum(dim) + _COSINE_EPSILON for x in (input1, input2))
    cos = (input1 * input2).sum(dim) / (squared_norm1 * squared_norm2).sqrt_()
    zeros = _creation.zeros_like(cos)
    dissimilar = (cos - float(margin)).clamp_min_(0)
    losses = _scalar_minus(1, cos).where(target == 1, zeros) + dissimilar.where(target == -1, zeros)
    return _apply_loss_reduction(losses, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average: bool | None = None,
                        reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance (`pairwise_distance`)."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _parse_loss_arguments("triplet_margin_loss", ("anchor", anchor, "Tensor"), ("positive", positive, "Tensor"),
                          ("negative", negative, "Tensor"), ("margin", margin, "float"), ("p", p, "float"),
                          ("eps", eps, "float"), ("swap", swap, "bool"))
    return _triplet_loss(anchor, positive, negative, lambda x1, x2: pairwise_distance(x1, x2, p, eps), float(margin),
                         swap, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Any = None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """The triplet loss with any `distance_function` (default `pairwise_distance`)."""
    _check_python_reduction(reduction, " is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet_loss(anchor, positive, negative, distance, margin, swap, reduction)


def _triplet_loss(anchor: Tensor, positive: Tensor, negative: Tensor, distance: Any, margin: float, swap: bool,
                  reduction: str) -> Tensor:
    """Both triplet losses once checked; `swap` takes the smaller of d(anchor, negative) and d(positive, negative)."""
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")
    dist_pos, dist_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        dist_neg = dist_neg.minimum(distance(positive, negative))
    return _apply_loss_reduction((margin + dist_pos - dist_neg).clamp_min(0), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """exp(input) - target * input (input = log rate), or input - target * log(input + eps); `full` adds
    Stirling's approximation of log(target!) where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_python_reduction(reduction, " is not a valid value for reduction")
    _parse_loss_arguments("poisson_nll_loss", ("input", input, "Tensor"), ("target", target, "Tensor"),
                          ("log_input", log_input, "bool"), ("full", full, "bool"), ("eps", eps, "float"))
    losses = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        losses += stirling.masked_fill(target <= 1, 0)
    return _apply_loss_reduction(losses, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log(var) + (input - target)^2 / var), var clamped at `eps` (the clamp hidden from autograd);
    `var` has the input's shape, or one dimension fewer or of size 1 (one variance shared), or is a float."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * _creation.ones_like(input)
    elif _functions.any(var < 0):
        raise ValueError("var has negative entry/entries")
    var = _gaussian_variance_shape(input, var)
    _check_python_reduction(reduction, " is not valid")
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    losses = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        losses += 0.5 * math.log(2 * math.pi)
    return _apply_loss_reduction(losses, reduction)


def _gaussian_variance_shape(input: Tensor, var: Tensor) -> Tensor:
    """`var` as torch reads its shape: the input's, the input's without its last dim (unsqueezed), or the
    input's with one dimension different (torch only counts how far off the sizes are: it takes size 1)."""
    if var.size() == input.size():
        return var
    if input.size()[:-1] == var.size():
        return var.unsqueeze(-1)
    if input.ndim == var.ndim and sum(y for x, y in zip(input.size(), var.size()) if x != y) == 1:
        return var
    raise ValueError("var is of incorrect size")


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of each class's logit (`target` 0 or 1 per class), averaged over the classes."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, reduction)
    losses = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        losses = losses * weight
    class_dim = input.dim() - 1
    losses = losses.sum(dim=class_dim) / input.size(class_dim)  # (one loss per sample)
    _check_python_reduction(reduction, " is not valid")
    return _apply_loss_reduction(losses, reduction)


class _SoftMarginLossOp(Function):
    """log(1 + exp(-target * input)), as torch computes it (not in a stable form: exp can overflow to inf)."""

    node_name = "SoftMarginLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction):
        ctx.save_for_backward(input, target)
        ctx.reduction = reduction
        return _reduce(np.log1p(np.exp((-input * target).astype(input.dtype))), reduction)

    @staticmethod
    def backward(ctx, grad):
        (x, t), reduction = ctx.saved_tensors, ctx.reduction
        z = np.exp(-t * x)
        return (-t * z / (1 + z) * _reduce_grad(grad, reduction, x.size)).astype(x.dtype), None, None


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """Logistic loss of targets 1 or -1: log(1 + exp(-target * input))."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _parse_loss_arguments("soft_margin_loss", ("input", input, "Tensor"), ("target", target, "Tensor"))
    _check_not_requiring_grad("soft_margin_loss", "target", target)
    _check_broadcast(input._data.shape, target._data.shape)
    common = _fold([input._data.dtype, target._data.dtype])
    if not can_cast(common, input._data.dtype):  # (torch multiplies the target into the input's dtype in place)
        raise RuntimeError(f"result type {torch_type_name(common)} can't be cast to the desired output type "
                           f"{torch_type_name(input._data.dtype)}")
    shape_ = np.broadcast_shapes(input._data.shape, target._data.shape)
    if shape_ != input._data.shape:
        raise RuntimeError(f"output with shape {list(input.shape)} doesn't match the broadcast shape {list(shape_)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{torch_type_name(input._data.dtype)}")
    return _SoftMarginLossOp.apply(input, np.broadcast_to(target._data, shape_), reduction)


class _MultiMarginLossOp(Function):
    """Per sample: sum over the classes i != y of w[y] max(0, margin - x[y] + x[i])^p, divided by the classes."""

    node_name = "MultiMarginLossBackward0"

    @staticmethod
    def forward(ctx, input, target, p, margin, weight, reduction, scalar_output):
        rows, classes = input.reshape(-1, 1 if input.ndim == 0 else input.shape[-1]), target.reshape(-1)
        z = margin - rows[np.arange(len(rows)), classes][:, None] + rows
        active = (z > 0) & (np.arange(rows.shape[1]) != classes[:, None])  # (the target's own class never counts)
        scale = 1 if weight is None else weight[classes][:, None]
        ctx.save_for_backward(z, active, classes)
        ctx.shape, ctx.p, ctx.scale, ctx.reduction = input.shape, p, scale, reduction
        losses = (np.where(active, z if p == 1 else z * z, 0) * scale).sum(1) / rows.shape[1]
        return _reduce_samples(losses, reduction, scalar_output).astype(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        z, active, classes = ctx.saved_tensors
        count = z.size if ctx.reduction == "mean" else z.shape[1]
        local = np.where(active, 1 if ctx.p == 1 else 2 * z, 0) * ctx.scale / count
        local[np.arange(len(z)), classes] = -local.sum(1)
        per_row = grad.reshape(-1, 1) if grad.ndim == 1 else grad
        return (local * per_row).astype(z.dtype).reshape(ctx.shape), None, None, None, None, None, None


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                      size_average: bool | None = None, reduce: bool | None = None,
                      reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: every other class's score should stay `margin` below the target class's."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    _parse_loss_arguments("multi_margin_loss", ("input", input, "Tensor"), ("target", target, "Tensor"),
                          ("p", p, "Number"), ("margin", margin, "Number"), ("weight", weight, "Tensor?"))
    _check_not_requiring_grad("multi_margin_loss", "weight", weight)
    samples, classes = _margin_loss_frames(input)
    if target.dim() > 1 or target.numel() != samples:
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{samples}], but got {list(target.shape)}. "
                           f"Input has shape {list(input.shape)}.")
    if weight is not None and weight.numel() != classes:
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {list(weight.shape)}")
    scalar_output = reduction != "none" or target.dim() == 0
    if input.numel():
        _check_margin_kernel_dtypes(input, target, "multi_margin_loss_cpu_kernel", weight)
        if ((target._data < 0) | (target._data >= classes)).any():
            raise RuntimeError("target out of range")
    return _MultiMarginLossOp.apply(input, target._data, p, float(margin), None if weight is None else weight._data,
                                    reduction, scalar_output)


def _reduce_samples(losses: np.ndarray, reduction: str, scalar_output: bool) -> np.ndarray:
    """A margin loss's per-sample losses reduced; unreduced, an unbatched sample's is 0-d (as torch's)."""
    if reduction == "none":
        return losses.reshape(()) if scalar_output else losses
    return _reduce(losses, reduction) if losses.size else np.zeros(())  # (torch leaves an empty one unwritten)


def _margin_loss_frames(input: Tensor) -> tuple[int, int]:
    """(samples, classes) of a margin loss's input: (N, C), (C,) or 0-d (one class); C may not be 0."""
    shape_ = input._data.shape
    if not (len(shape_) == 2 and shape_[1] or len(shape_) == 1 and shape_[0] or not shape_):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(shape_)}")
    return (shape_[0], shape_[1]) if len(shape_) == 2 else (1, shape_[0] if shape_ else 1)


def _check_margin_kernel_dtypes(input: Tensor, target: Tensor, kernel: str, weight: Tensor | None = None) -> None:
    """torch's margin kernels: a float32 or float64 input, int64 targets and a weight of the input's dtype."""
    if input._data.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(input._data.dtype)}'")
    for tensor, expected in ((target, np.dtype(np.int64)), (weight, input._data.dtype)):
        if tensor is not None and tensor._data.dtype != expected:
            raise RuntimeError(f"expected scalar type {torch_type_name(expected)} but found "
                               f"{torch_type_name(tensor._data.dtype)}")


class _MultilabelMarginLossOp(Function):
    """Per sample: sum over its target classes j (those before the first -1) and the other classes i of
    max(0, 1 - x[j] + x[i]), divided by the classes."""

    node_name = "MultilabelMarginLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, scalar_output):
        rows = input.reshape(-1, 1 if input.ndim == 0 else input.shape[-1])
        labels = target.reshape(rows.shape)
        listed = np.cumprod(labels >= 0, axis=1).astype(bool)  # (the labels before the first negative one)
        labels = np.where(listed, labels, 0)
        is_target = np.zeros(rows.shape, bool)
        is_target[np.nonzero(listed)[0], labels[listed]] = True
        z = 1 - np.take_along_axis(rows, labels, 1)[:, :, None] + rows[:, None, :]  # (sample, label, class)
        active = listed[:, :, None] & ~is_target[:, None, :] & (z > 0)
        ctx.save_for_backward(active, labels)
        ctx.shape, ctx.reduction = input.shape, reduction
        losses = np.where(active, z, 0).sum((1, 2)) / rows.shape[1]
        return _reduce_samples(losses, reduction, scalar_output).astype(input.dtype)

    @staticmethod
    def backward(ctx, grad):
        active, labels = ctx.saved_tensors
        count = active.shape[0] * active.shape[2] if ctx.reduction == "mean" else active.shape[2]
        local = active.sum(1) / count
        np.add.at(local, (np.arange(len(labels))[:, None], labels), -active.sum(2) / count)
        per_row = grad.reshape(-1, 1) if grad.ndim == 1 else grad
        return (local * per_row).astype(grad.dtype).reshape(ctx.shape), None, None, None


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                           reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: each target class's score should be 1 above every non-target class's;
    `target` lists a sample's classes first, then -1 (the rest is ignored)."""
    reduction = _check_reduction(_legacy_reduction(size_average, reduce, reduction))
    _parse_loss_arguments("multilabel_margin_loss", ("input", input, "Tensor"), ("target", target, "Tensor"))
    samples, classes = _margin_loss_frames(input)
    consistent = (target.dim() <= 1 and target.numel() == classes if input.dim() <= 1
                  else tuple(target.shape) == (samples, classes))
    if not consistent:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}")
    if input.numel():
        _check_margin_kernel_dtypes(input, target, "multilabel_margin_loss_forward_out_frame")
        if target._data.min() < -1 or target._data.max() >= classes:
            raise RuntimeError("argument #2 'target' is out of range")
    scalar_output = reduction != "none" or target.dim() <= 1
    return _MultilabelMarginLossOp.apply(input, target._data, reduction, scalar_output)


__all__ += ["margin_ranking_loss", "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
            "triplet_margin_with_distance_loss", "poisson_nll_loss", "gaussian_nll_loss",
            "multilabel_soft_margin_loss", "soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss"]


class _CtcLossOp(Function):
    """Connectionist temporal classification: -log of the summed probability of every alignment of each target
    (blanks between and around its labels, labels repeated) with its input, by torch's forward recursion over
    log-alphas (Graves et al. 2006, eq. 6-8), in the input's dtype; the gradient from the log-betas (eq. 16)."""

    node_name = "CtcLossBackward0"

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        labels = [_ctc_extended_labels(targets, target_lengths, b, blank) for b in range(len(input_lengths))]
        alphas = [_ctc_log_alphas(log_probs[:length, b], extended)
                  for b, (length, extended) in enumerate(zip(input_lengths, labels))]
        losses = np.array([-_ctc_log_likelihood(alpha) for alpha in alphas], dtype=log_probs.dtype)
        ctx.save_for_backward(log_probs, losses)
        ctx.labels, ctx.alphas, ctx.input_lengths, ctx.zero_infinity = labels, alphas, input_lengths, zero_infinity
        return losses

    @staticmethod
    def backward(ctx, grad):
        log_probs, losses = ctx.saved_tensors
        g = np.zeros_like(log_probs)
        for b, (length, extended, alpha) in enumerate(zip(ctx.input_lengths, ctx.labels, ctx.alphas)):
            if ctx.zero_infinity and losses[b] == np.inf:
                continue
            lp = log_probs[:length, b]
            per_label = _ctc_alpha_beta_per_label(lp, alpha, extended)
            with np.errstate(invalid="ignore", over="ignore"):
                g[:length, b] = (np.exp(lp) - np.exp(per_label + losses[b] - lp)) * grad[b]
        return g, None, None, None, None, None


def _ctc_alpha_beta_per_label(lp: np.ndarray, alpha: np.ndarray, extended: np.ndarray) -> np.ndarray:
    """log of the summed alpha_t(s) beta_t(s) over the positions s of each label (eq. 16's sum), beta by the
    alphas' recursion backwards in time."""
    alpha_beta = alpha + _ctc_log_alphas(lp[::-1], extended[::-1])[::-1, ::-1]
    per_label = np.full(lp.shape, -np.inf, dtype=lp.dtype)
    for s, label in enumerate(extended):
        per_label[:, label] = np.logaddexp(per_label[:, label], alpha_beta[:, s])
    if len(lp):  # (torch sets, not sums, the last step's two terms: a target label equal to the blank keeps only
        per_label[-1] = -np.inf  # its own there)
        per_label[-1, extended[-1]] = alpha_beta[-1, -1]
        if len(extended) > 1:
            per_label[-1, extended[-2]] = alpha_beta[-1, -2]
    return per_label


def _ctc_extended_labels(targets: np.ndarray, target_lengths: list, b: int, blank: int) -> np.ndarray:
    """Sample b's target with a blank before, between and after its labels: l' of length 2 |l| + 1."""
    if targets.ndim == 1:  # (the targets of all samples, one after the other)
        start = sum(target_lengths[:b])
        target = targets[start:start + target_lengths[b]]
    else:
        target = targets[b, :target_lengths[b]]
    extended = np.full(2 * len(target) + 1, blank, dtype=np.int64)
    extended[1::2] = target
    return extended


def _ctc_log_alphas(lp: np.ndarray, extended: np.ndarray) -> np.ndarray:
    """log alpha_t(s): each step, from s, s - 1 and (across a blank between two different labels) s - 2."""
    alpha = np.full((len(lp), len(extended)), -np.inf, dtype=lp.dtype)
    if not len(lp):
        return alpha
    alpha[0, :2] = lp[0, extended[:2]]
    skip = np.zeros(len(extended), bool)
    skip[2:] = extended[2:] != extended[:-2]
    for t in range(1, len(lp)):
        stay, step, jump = alpha[t - 1], np.full_like(alpha[t - 1], -np.inf), np.full_like(alpha[t - 1], -np.inf)
        step[1:] = alpha[t - 1, :-1]
        jump[2:] = np.where(skip[2:], alpha[t - 1, :-2], -np.inf)
        alpha[t] = _log_sum_exp3(stay, step, jump) + lp[t, extended]
    return alpha


def _log_sum_exp3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """log(e^a + e^b + e^c), as torch's CTC kernel: shifted by the largest (0 when all are -inf)."""
    largest = np.maximum(np.maximum(a, b), c)
    largest = np.where(largest == -np.inf, 0, largest)
    return np.log(np.exp(a - largest) + np.exp(b - largest) + np.exp(c - largest)) + largest


def _ctc_log_likelihood(alpha: np.ndarray) -> float:
    """log of the probability of ending on the last label or the blank after it (no steps: 1 if no labels)."""
    if not len(alpha):
        return 0.0 if alpha.shape[1] == 1 else -np.inf
    last = alpha[-1, -2:] if alpha.shape[1] > 1 else np.append(alpha[-1, -1:], -np.inf)
    largest = last.max() if last.max() != -np.inf else 0
    return float(np.log(np.exp(last - largest).sum()) + largest)


def _ctc_lengths(lengths: Any, name: str) -> list:
    """The lengths as a list of ints: a tuple of ints, or an integral tensor."""
    if isinstance(lengths, Tensor):
        if lengths._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return [int(n) for n in lengths._data.reshape(-1)]
    return [int(n) for n in lengths]


def _check_ctc_arguments(log_probs: Tensor, targets: Tensor, input_lengths: list, target_lengths: list,
                         blank: int) -> None:
    """torch's checks of `ctc_loss_allocate_outputs`, in its order (log_probs here batched: (T, N, C))."""
    where = "(while checking arguments for ctc_loss_allocate_outputs)"
    if log_probs.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional tensor for argument "
                           f"#1 'log_probs' {where}")
    _check_dim_range(targets, 1, 2, "ctc_loss_allocate_outputs", "#2 'targets'")
    steps, batch, classes = log_probs.shape
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    for name, lengths in (("input_lengths", input_lengths), ("target_lengths", target_lengths)):
        if len(lengths) != batch:
            raise RuntimeError(f"{name} must be of size batch_size")
    for length in target_lengths:
        if length < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value {length} {where}")
    expected = sum(target_lengths) if targets.ndim == 1 else batch
    if targets.shape[0] != expected:
        raise RuntimeError(f"Expected tensor to have size {expected} at dimension 0, but got size {targets.shape[0]} "
                           f"for argument #2 'targets' {where}")
    if targets.ndim == 2 and targets.shape[1] < max(target_lengths, default=0):
        raise RuntimeError(f"Expected tensor to have size at least {max(target_lengths)} at dimension 1, but got "
                           f"size {targets.shape[1]} for argument #2 'targets' {where}")
    for length in input_lengths:
        if length < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value {length} {where}")
        if length > steps:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but got value {length} {where}")


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """CTC loss of log-probabilities (T, N, C) or (T, C) and unaligned targets (N, S) or all concatenated;
    'mean' divides each loss by its target's length first; `zero_infinity` zeroes impossible alignments."""
    reduction = _check_reduction(reduction)
    input_lengths, target_lengths = _ctc_lengths(input_lengths, "input_lengths"), _ctc_lengths(target_lengths,
                                                                                               "target_lengths")
    batched = log_probs.ndim == 3
    log_probs = log_probs if batched else log_probs.unsqueeze(1)
    if log_probs._data.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{torch_type_name(log_probs._data.dtype)}'")
    _check_ctc_arguments(log_probs, targets, input_lengths, target_lengths, blank)
    losses = _CtcLossOp.apply(log_probs, targets._data.astype(np.int64), input_lengths, target_lengths, blank,
                              zero_infinity)
    if zero_infinity:
        losses = losses.where(losses != math.inf, _creation.zeros((), dtype=losses.dtype))
    if reduction == "mean":
        lengths = _creation.tensor(target_lengths, dtype=losses.dtype).clamp_min(1)
        return (losses / lengths).mean()
    if reduction == "sum":
        return losses.sum()
    return losses if batched else losses.squeeze(0)


__all__ += ["ctc_loss"]


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Standardise each sample over its last `len(normalized_shape)` dims (biased variance), then
    `* weight + bias`: the transformer's normalisation, independent of the batch."""
    _check_tensor_argument("layer_norm", "input", 1, input, optional=False)
    # (a SymInt[], not one int as a pooling's int[2] may be: nn.LayerNorm takes an int, the function a sequence)
    _check_int_list(normalized_shape, "layer_norm", "normalized_shape", 2)
    _check_tensor_argument("layer_norm", "weight", 3, weight)
    _check_tensor_argument("layer_norm", "bias", 4, bias)
    _check_scalar_argument("layer_norm", "eps", 5, eps, "float")
    shape_ = _int_list(normalized_shape, "layer_norm", "normalized_shape", 2, sym_int=True)
    _check_layer_norm_mixed_dtypes(input, weight, bias)  # (torch checks these before the shapes)
    n = len(shape_)
    if n == 0:
        raise RuntimeError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           f"element, but got normalized_shape = {list(shape_)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape_:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(shape_)}")
    if input.ndim < n or tuple(input.shape[input.ndim - n:]) != shape_:
        raise RuntimeError(f"Given normalized_shape={list(shape_)}, expected input with shape [*, "
                           f"{', '.join(str(s) for s in shape_)}], but got input of size{list(input.shape)}")
    _check_layer_norm_dtypes(input, weight, bias)
    return normalization.LayerNorm.apply(input, n, weight, bias, eps)


def _check_layer_norm_mixed_dtypes(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> None:
    """torch's CPU rule, part 1: parameters of another dtype than the input are float32, with a float16 (or
    float32) input (computed in float32, returned in the input's dtype)."""
    params = [p._data.dtype for p in (weight, bias) if p is not None]
    kind = input._data.dtype
    if params and params[0] != kind:  # (torch's "mixed type" path: the first parameter differs from the input)
        if kind not in (np.float32, np.float16):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        if any(p != np.float32 for p in params):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")


def _check_layer_norm_dtypes(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> None:
    """torch's CPU rule, part 2 (after the shape checks): otherwise, the parameters share the input's dtype,
    and no integer inputs."""
    params = [p._data.dtype for p in (weight, bias) if p is not None]
    kind = input._data.dtype
    if params and params[0] != kind:  # (the mixed case, checked in part 1)
        return
    if any(p != kind for p in params):
        other = next(p for p in params if p != kind)
        raise RuntimeError(f"expected scalar type {torch_type_name(kind.name)} but found {torch_type_name(other.name)}")
    elif kind.kind != "f":
        raise NotImplementedError(f'"LayerNormKernelImpl" not implemented for \'{torch_type_name(kind.name)}\'')


__all__ += ["layer_norm"]


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Standardise each channel (dim 1) over the batch and the other dims, then `* weight + bias`.
    training=True: with the batch's statistics, and the running ones (if given) updated in place;
    training=False: with the running statistics (nn.BatchNorm's eval mode)."""
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _verify_batch_size(size: Any) -> None:
    """torch's `_verify_batch_size`: statistics over one value per channel are no statistics."""
    if size[0] * math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None,
                bias: Tensor | None, training: bool, momentum: float, eps: float) -> Tensor:
    """torch's `torch.batch_norm` (what F.batch_norm calls after its own checks, and instance_norm too)."""
    if not isinstance(input, Tensor):  # (torch's argument parser, in the order of torch.batch_norm's arguments)
        raise TypeError(f"batch_norm(): argument 'input' (position 1) must be Tensor, not {typename(input)}")
    for position, name, value in ((2, "weight", weight), (3, "bias", bias), (4, "running_mean", running_mean),
                                  (5, "running_var", running_var)):
        _check_tensor_argument("batch_norm", name, position, value)
    _check_scalar_argument("batch_norm", "training", 6, training, "bool")
    _check_scalar_argument("batch_norm", "momentum", 7, momentum, "float")
    _check_scalar_argument("batch_norm", "eps", 8, eps, "float")
    if input.numel() == 0:  # (torch's shortcut, before any other check: a copy, scaled and shifted)
        out = input.clone()
        out = out if weight is None else out * weight.select(0, 0)  # (C++'s select: its IndexErrors)
        return out if bias is None else out + bias.select(0, 0)
    channels = input.shape[1] if input.ndim > 1 else 0  # (torch reads size 1 past a 1-d input's sizes: 0 here)
    for name, value in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                        ("bias", bias)):  # (one after the other, as torch)
        if value is None and not training and name.startswith("running"):
            raise RuntimeError(f"{name} must be defined in evaluation mode")
        if value is not None and value.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {value.numel()}")
    _check_not_requiring_grad("native_batch_norm", "running_mean", running_mean)
    _check_not_requiring_grad("native_batch_norm", "running_var", running_var)
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must either both be None or neither be None")
    if training:  # (torch's kernels ask for the channels' size, with its IndexError for a 1-d input: in
        input.size(1)  # training before they check the dtypes, in evaluation after)
        if (all(p is None for p in (weight, bias, running_mean)) and input._data.dtype.kind != "f"
                and not _dense_batch_norm_layout(input._data)):  # (then torch takes the batch's mean with mean()
            input.mean([d for d in range(input.ndim) if d != 1])  # first: its error for an integer input)
    _check_batch_norm_dtypes(input, [p for p in (weight, bias, running_mean, running_var) if p is not None])
    input.size(1)
    for stats in (running_mean, running_var):  # (torch's kernel reads them as vectors; weight and bias: any shape)
        if stats is not None and stats.ndim != 1:
            raise RuntimeError(f"TensorAccessor expected 1 dims but tensor has {stats.ndim}")
    return normalization.BatchNorm.apply(input, weight, bias, running_mean, running_var, training, momentum, eps)


def _dense_batch_norm_layout(array: np.ndarray) -> bool:
    """Contiguous, or channels-last for 4-d (N, C, H, W): the layouts torch's batch_norm kernels read directly."""
    return array.flags.c_contiguous or (array.ndim == 4 and np.moveaxis(array, 1, -1).flags.c_contiguous)


def _check_batch_norm_dtypes(input: Tensor, params: list) -> None:
    """torch's CPU rules: a floating input; parameters and running stats of the input's dtype, or (the
    "mixed" case, when the first one differs) all float32 with a float16 input."""
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"batch_norm" not implemented for \'{torch_type_name(input._data.dtype.name)}\'')
    _check_mixed_dtypes(input, params)


def _check_mixed_dtypes(input: Tensor, params: list) -> None:
    """torch's CPU rule for normalisation parameters: of the input's dtype, or (the "mixed" case, when the first
    one differs) all float32 with a float16 input."""
    kind, dtypes = input._data.dtype, [p._data.dtype for p in params]
    if dtypes and dtypes[0] != kind:
        if any(d != np.float32 for d in dtypes):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        if kind != np.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    elif any(d != kind for d in dtypes):
        other = next(d for d in dtypes if d != kind)
        raise RuntimeError(f"expected scalar type {torch_type_name(kind.name)} but found {torch_type_name(other.name)}")


__all__ += ["batch_norm"]


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Each sample's channels (dim 1) split into num_groups groups, each standardised over its channels and
    positions, then `* weight + bias` per channel: batch-independent (any batch size, train or eval)."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] + list(input.size()[2:]))
    _check_tensor_argument("group_norm", "input", 1, input, optional=False)
    num_groups = _int_arg(num_groups, "group_norm", "num_groups", 2)
    _check_tensor_argument("group_norm", "weight", 3, weight)
    _check_tensor_argument("group_norm", "bias", 4, bias)
    _check_scalar_argument("group_norm", "eps", 5, eps, "float")
    channels = input.shape[1]
    if num_groups <= 0:
        raise RuntimeError(f"Expected num groups to be greater than 0, got {num_groups}")
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and (value.ndim != 1 or value.numel() != channels):
            shown = [0] if weight is None else list(weight.shape)  # (torch's message shows the weight's shape)
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {shown} and input of shape {list(input.shape)}")
    _check_mixed_dtypes(input, [p for p in (weight, bias) if p is not None])
    _check_floating(input, "GroupNormKernelImpl")
    return normalization.GroupNorm.apply(input, weight, bias, num_groups, float(eps))


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Each channel of each sample standardised over its positions, then `* weight + bias` per channel. As
    torch: a batch norm of the input seen as one sample of N * C channels (the parameters and running
    statistics repeated N times); the running statistics then get the mean over the samples of theirs."""
    if use_input_stats:
        size = input.size()
        if math.prod(size[2:]) == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
    n, c = input.size(0), input.size(1)
    weight_, bias_, mean_, var_ = (None if v is None else v.repeat(n) for v in (weight, bias, running_mean,
                                                                                running_var))
    out = _batch_norm(input.contiguous().view(1, n * c, *input.shape[2:]), mean_, var_, weight_, bias_,
                      use_input_stats, momentum, eps)
    for stats, repeated in ((running_mean, mean_), (running_var, var_)):
        if stats is not None:
            stats.copy_(repeated.view(n, c).mean(0))
    return out.view(input.shape)


__all__ += ["group_norm", "instance_norm"]


# ====================================================================== more activations
def _float_only(input: Tensor, name: str, kernel: str) -> None:
    """torch's errors: a tensor input (TypeError), and a floating one (its kernel has no integer version)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(input._data.dtype.name)}\'')


def _apply_maybe_inplace(input: Tensor, op: Any, inplace: bool, *args: Any) -> Tensor:
    if inplace:
        _check_inplace(input)
        return input._inplace(op.apply(input, *args))
    return op.apply(input, *args)


def _hardtanh(input: Tensor, min_val: Any, max_val: Any, inplace: bool, name: str) -> Tensor:
    """torch's hardtanh: clamp(input, min_val, max_val), no bool kernel; integer tensors take the bounds
    as integers (truncated), and uint8 refuses negative ones."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    kind = input._data.dtype
    if kind == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if kind.kind in "iu":
        min_val, max_val = int(min_val), int(max_val)
        if kind == np.uint8 and (min_val < 0 or max_val < 0):
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return _apply_maybe_inplace(input, pointwise.Hardtanh, inplace, min_val, max_val)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val); the gradient passes strictly between the bounds."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _hardtanh(input, min_val, max_val, inplace, "hardtanh_" if inplace else "hardtanh")


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return _hardtanh(input, min_val, max_val, True, "hardtanh_")


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6): torch's hardtanh(x, 0, 6), whose node it records."""
    return _hardtanh(input, 0.0, 6.0, inplace, "relu6_" if inplace else "relu6")


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), computed without overflow."""
    _float_only(input, "log_sigmoid", "log_sigmoid_cpu")
    return pointwise.LogSigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    _float_only(input, "hardswish_" if inplace else "hardswish", "hardswish_cpu")
    return _apply_maybe_inplace(input, pointwise.Hardswish, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    _float_only(input, "hardsigmoid_" if inplace else "hardsigmoid", "hardsigmoid_cpu")
    return _apply_maybe_inplace(input, pointwise.Hardsigmoid, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    _float_only(input, "mish_" if inplace else "mish", "mish_cpu")
    return _apply_maybe_inplace(input, pointwise.Mish, inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with torch's self-normalizing constants (alpha 1.6733, scale 1.0507)."""
    _float_only(input, "selu_" if inplace else "selu", "elu_cpu")
    if inplace:
        return _apply_maybe_inplace(input, pointwise.SeluInplace, True)
    return pointwise.Selu.apply(input)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): an elu whose slope at 0 is 1 for any alpha."""
    _check_scalar_argument("celu_" if inplace else "celu", "alpha", 2, alpha, "Number")
    _float_only(input, "celu_" if inplace else "celu", "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply_maybe_inplace(input, pointwise.CeluInplace if inplace else pointwise.Celu, inplace, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """`value` where input <= threshold, the input elsewhere (integers too, not bool, as torch)."""
    return _threshold(input, threshold, value, inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _threshold(input, threshold, value, True)


def _threshold(input: Tensor, threshold: Any, value: Any, inplace: bool) -> Tensor:
    """torch's parser (a tensor, then two numbers), its refusal of bool, then the op."""
    name = "threshold_" if inplace else "threshold"
    _check_tensor_argument(name, "input", 1, input, optional=False)
    _check_scalar_argument(name, "threshold", 2, threshold, "Number")
    _check_scalar_argument(name, "value", 3, value, "Number")
    if input._data.dtype == np.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    # (both numbers in the input's dtype, with torch's overflow check: an integer input truncates them)
    threshold, value = (_checked_scalar(number, input._data.dtype) for number in (threshold, value))
    op = pointwise.ThresholdInplace if inplace else pointwise.Threshold
    return _apply_maybe_inplace(input, op, inplace, threshold, value)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|), written with tensor ops as torch writes it (so an integer input gives floats)."""
    return input / (input.abs() + 1)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), where a and b are the two halves of the input along `dim` (a gated linear unit)."""
    if input.dim() == 0:  # (torch's Python check, before its parser's)
        raise RuntimeError("glu does not support scalars because halving size must be even")
    _float_only(input, "glu", "glu_cpu")
    dim = _dim(dim, input.ndim, "glu", position=2)
    if input._data.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim} is size {input._data.shape[dim]}")
    return pointwise.Glu.apply(input, dim)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-x): the smallest values get the largest probabilities."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return (-input).softmax(dim, dtype=dtype)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim (broadcast), as torch's C++ composes it."""
    _check_tensor_argument("pairwise_distance", "x1", 1, x1, optional=False)
    _check_tensor_argument("pairwise_distance", "x2", 2, x2, optional=False)
    _check_scalar_argument("pairwise_distance", "p", 3, p, "float")
    _check_scalar_argument("pairwise_distance", "eps", 4, eps, "float")
    _check_scalar_argument("pairwise_distance", "keepdim", 5, keepdim, "bool")
    return (x1 - x2 + eps).norm(p, max(x1.ndim, x2.ndim) - 1, keepdim)


__all__ += ["hardtanh", "hardtanh_", "relu6", "logsigmoid", "hardswish", "hardsigmoid", "mish", "selu", "relu_",
            "elu_", "leaky_relu_", "selu_", "celu", "celu_", "threshold", "threshold_", "softsign", "glu", "softmin",
            "pairwise_distance"]


# ====================================================================== convolution and pooling (ops/conv.py)
def _conv_param(value: Any, n: int) -> list:
    """An int, or a sequence, as the list torch's argument parser makes of it (an int: n copies)."""
    return [int(value)] * n if isinstance(value, int) else [int(v) for v in value]


def _expand_conv_param(values: list, name: str, dims: int) -> list:
    """torch's `expand_param_if_needed`: one value serves every spatial dim; otherwise one per dim."""
    if len(values) == 1:
        return values * dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} values to match the "
                           f"convolution dimensions, but got {name}={values}")
    return values


def _conv(name: str, dims: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
          dilation: Any, groups: int) -> Tensor:
    """conv1d (dims=1) and conv2d (dims=2): torch's checks, in torch's order, then `conv.Convolution`.
    An unbatched input (C, *spatial) is convolved as a batch of one, as torch does (its node: squeeze)."""
    if not isinstance(padding, str):  # (torch's conv1d/conv2d check this first; with padding='same' its kernel does)
        _check_bias_dtype(input, bias)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    if input.ndim == dims + 1:
        return _conv(name, dims, input.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0)
    stride, dilation = _conv_param(stride, dims), _conv_param(dilation, dims)
    w_shape, k = list(weight.shape), weight.ndim
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "valid":
            padding = [0]
        else:  # 'same': total padding dilation * (kernel - 1) per dim, the odd element after
            if k < 3:
                raise RuntimeError("weight should have at least three dimensions")
            if groups <= 0:
                raise RuntimeError("non-positive groups is not supported")
            if k != input.ndim:
                raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight{w_shape}, but got "
                                   f"{input.ndim}-dimensional input of size {list(input.shape)} instead")
            for name, values in (("stride", stride), ("dilation", dilation)):
                if len(values) not in (1, k - 2):
                    raise RuntimeError(f"{name} cannot broadcast to {k - 2} dimensions")
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            dil = dilation * (k - 2) if len(dilation) == 1 else dilation
            totals = [d * (size - 1) for d, size in zip(dil, w_shape[2:])]
            pads = [(int(t / 2), t - int(t / 2)) for t in totals]  # (C++'s division, toward zero)
            if any(t % 2 for t in totals):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                              "zero-padded copy of the input be created", UserWarning, stacklevel=3)
            if any(after != before for before, after in pads):  # (torch pads the input by the difference first,
                input = pad(input, [v for before, after in reversed(pads) for v in (0, after - before)])  # or crops
                pads = [(before, before) for before, _ in pads]  # its end for a kernel of size 0; then symmetric)
            return _convolution(input, weight, bias, stride, pads, dilation, groups)
    return _convolution(input, weight, bias, stride, _conv_param(padding, dims), dilation, groups)


def _convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: list, padding: list, dilation: list,
                 groups: int) -> Tensor:
    """torch's `_convolution` checks (`check_input_shape_forward`), then the op. `padding`: one int per
    spatial dim (both sides), or a (before, after) pair per dim ('same')."""
    w_shape, k = list(weight.shape), weight.ndim
    if k < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride = _expand_conv_param(stride, "stride", k - 2)
    pads = padding if isinstance(padding[0], tuple) else [(p, p) for p in _expand_conv_param(padding, "padding",
                                                                                             k - 2)]
    dilation = _expand_conv_param(dilation, "dilation", k - 2)
    if any(p < 0 for pair in pads for p in pair):
        raise RuntimeError("negative padding is not supported")
    _check_stride_dilation_groups(input, w_shape, stride, dilation, groups)
    if input.shape[1] != w_shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {w_shape}, expected input{list(input.shape)} to "
                           f"have {w_shape[1] * groups} channels, but got {input.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != w_shape[0]):
        raise RuntimeError(f"Given weight of size {w_shape}, expected bias to be 1-dimensional with {w_shape[0]} "
                           f"elements, but got bias of size {list(bias.shape)} instead")
    padded = [s + before + after for s, (before, after) in zip(input.shape[2:], pads)]
    kernel = [d * (size - 1) + 1 for d, size in zip(dilation, w_shape[2:])]  # (the dilated kernel's extent)
    if any(p < kk for p, kk in zip(padded, kernel)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual input "
                           f"size")
    if input.shape[0] == 0 or input.shape[1] == 0:
        out = [(s + before + after - kk) // st + 1 for s, (before, after), kk, st in zip(input.shape[2:], pads, kernel,
                                                                                          stride)]
        return _empty_convolution(input, weight, bias, out)
    if input.numel() == 0:  # (torch reports the input's 2-D view for conv1d)
        shape_ = list(input.shape) if k > 3 else [*input.shape[:2], 1, input.shape[2]]
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: {shape_}")
    as_2d = (lambda values: list(values)) if k > 3 else (lambda values: [1, *values])  # (conv1d: 2-D, height 1)
    dilated = any(d != 1 for d in dilation)  # (torch's dilated kernels check and word these two as below)
    if 0 in w_shape[2:]:
        if dilated:
            raise RuntimeError(f"kernel size should be greater than zero, but got {as_2d(w_shape[2:])}")
        if k == 5:  # (torch's 3-d kernel words it so)
            raise RuntimeError(f"kernel size should be greater than zero, but got: {' x '.join(map(str, w_shape[2:]))}"
                               f" (TxHxW)")
        kh, kw = as_2d(w_shape[2:])
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")
    if 0 in dilation:
        raise RuntimeError(f"dilation should be greater than zero, but got {as_2d(dilation)}")
    if input._data.dtype == np.bool_:
        kernel_name = "compute_columns3d" if k == 5 else "slow_conv2d_cpu"
        raise NotImplementedError(f"\"{kernel_name}\" not implemented for 'Bool'")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"expected scalar type {torch_type_name(input.dtype.name)} but found "
                           f"{torch_type_name(weight.dtype.name)}")
    if bias is not None and bias._data.dtype != input._data.dtype:  # (padding='same' or 'valid' only)
        # (torch's float32 kernel, oneDNN's, checks; its others cast the bias. Which kernel torch takes depends on
        # its build and heuristics: on this CPU build, unbatched float32 inputs take one that casts)
        if input._data.dtype == np.float32:
            raise RuntimeError(f"Input type ({PACKAGE}.FloatTensor) and bias type ({PACKAGE}."
                               f"{torch_type_name(bias.dtype.name)}Tensor) should be the same or input "
                               f"should be a MKLDNN tensor and bias is a dense tensor")
        bias = bias.to(input.dtype)
    return conv.Convolution.apply(input, weight, bias, tuple(stride), tuple(pads), tuple(dilation), groups)


def _check_bias_dtype(input: Tensor, bias: Tensor | None) -> None:
    if bias is not None and bias._data.dtype != input._data.dtype:
        raise RuntimeError(f"Input type ({cpp_type_name(input._data.dtype)}) and bias type "
                           f"({cpp_type_name(bias._data.dtype)}) should be the same")


def _empty_convolution(input: Tensor, weight: Tensor, bias: Tensor | None, out_spatial: list) -> Tensor:
    """torch's path for an input without samples or without channels (its `ConvBackend::Empty`), op for op:
    no channels: the (empty) input times the (empty) weight, so (N, 0, *out) (weight[0] is never read);
    no samples: the input times the weight's first element, so torch's IndexError for an empty weight, and
    (0, C_out, *out). Then `+= bias[0]`. Types promote as in those products (no dtype check on this path).
    The graph has one node, torch's (`conv.EmptyConvolution`): these ops only make the empty result."""
    n = input.shape[0]
    with no_grad():
        if input.shape[1] == 0:
            out, channels = input.reshape(-1) * weight.reshape(-1), 0
        else:
            if weight.numel() == 0:
                raise IndexError("select(): index 0 out of range for tensor of size [0] at dimension 0")
            out, channels = input * weight.reshape(-1)[0], weight.shape[0]
        if bias is not None:
            if bias.numel() == 0:
                raise IndexError("index 0 is out of bounds for dimension 0 with size 0")
            out = out.add_(bias[0])  # (in place: torch's "result type ... can't be cast" for a wider bias)
    return conv.EmptyConvolution.apply(input, weight, bias, out.reshape(n, channels, *out_spatial)._data)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D convolution (a cross-correlation, as in every deep-learning library) of input (N, C_in, L) with
    weight (C_out, C_in / groups, k): out (N, C_out, L_out). `padding` may be an int, 'valid' or 'same'."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution of input (N, C_in, H, W) with weight (C_out, C_in / groups, kH, kW): out (N, C_out,
    H_out, W_out), H_out = (H + 2 * padding - dilation * (kH - 1) - 1) // stride + 1 (the same for W)."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D convolution of input (N, C_in, D, H, W) with weight (C_out, C_in / groups, kD, kH, kW): out (N, C_out,
    D_out, H_out, W_out), each size as conv2d's (videos, volumes such as medical scans)."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def _check_stride_dilation_groups(input: Tensor, w_shape: list, stride: list, dilation: list, groups: int) -> None:
    """The checks torch's `_convolution` makes of a plain and a transposed convolution alike, in its order."""
    k = len(w_shape)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):  # (a zero dilation is caught later, by torch's dilated kernels)
        raise RuntimeError("dilation should be greater than zero")
    if input.ndim != k:
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight {w_shape}, but got "
                           f"{input.ndim}-dimensional input of size {list(input.shape)} instead")
    if w_shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {w_shape} instead")
    if w_shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{w_shape}] instead")


def _conv_transpose(name: str, dims: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
                    padding: Any, output_padding: Any, groups: int, dilation: Any) -> Tensor:
    """conv_transpose1d, 2d and 3d (dims=1, 2, 3): torch's checks, in torch's order (those of
    `_convolution` with transposed=True, then its slow kernel's), then `conv.ConvolutionTranspose`."""
    for position, (argument, value) in enumerate((("input", input), ("weight", weight), ("bias", bias)), start=1):
        _check_tensor_argument(name, argument, position, value, optional=argument == "bias")
    stride, padding, output_padding = (_int_list_argument(name, argument, position, value, dims) for position,
                                       (argument, value) in enumerate((("stride", stride), ("padding", padding),
                                                                       ("output_padding", output_padding)), start=4))
    groups = _int_arg(groups, name, "groups", 7)  # (no 'same' or 'valid' padding: a str is not a tuple of ints)
    dilation = _int_list_argument(name, "dilation", 8, dilation, dims)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    if input.ndim == dims + 1:
        return _conv_transpose(name, dims, input.unsqueeze(0), weight, bias, stride, padding, output_padding,
                               groups, dilation).squeeze(0)
    w_shape, k = list(weight.shape), weight.ndim
    if k < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride, padding, output_padding, dilation = (_expand_conv_param(values, argument, k - 2)
                                                 for values, argument in ((stride, "stride"), (padding, "padding"),
                                                                          (output_padding, "output_padding"),
                                                                          (dilation, "dilation")))
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    _check_stride_dilation_groups(input, w_shape, stride, dilation, groups)
    if input.shape[1] != w_shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {w_shape}, expected input{list(input.shape)} to "
                           f"have {w_shape[0]} channels, but got {input.shape[1]} channels instead")
    out_channels = w_shape[1] * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise RuntimeError(f"Given transposed=1, weight of size {w_shape}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias.shape)} instead")
    out = [(s - 1) * st - 2 * p + d * (kk - 1) + op + 1
           for s, st, p, d, kk, op in zip(input.shape[2:], stride, padding, dilation, w_shape[2:], output_padding)]
    as_2d = (lambda values: list(values)) if k > 3 else (lambda values: [1, *values])  # (1-d: 2-d, height 1)
    if input.shape[0] == 0:  # (torch's path for an empty batch: no kernel check, only the result's shape)
        if any(o < 0 for o in out):
            shape_ = [0, out_channels, *as_2d(out)]
            bad = next(i for i, o in enumerate(shape_) if o < 0)
            raise RuntimeError(f"invalid shape dimension {shape_[bad]} at index {bad} of shape {shape_}")
        with no_grad():
            empty = (input.reshape(-1)[:0] * weight.reshape(-1)[:0]).reshape(0, out_channels, *out)
        return conv.EmptyConvolution.apply(input, weight, bias, empty._data)
    if input.numel() == 0:
        raise RuntimeError(f"Only zero batch or zero channel inputs are supported, but got input shape: "
                           f"{list(input.shape) if k > 3 else [*input.shape[:2], 1, input.shape[2]]}")
    if k == 5:  # (torch's 3-d kernel checks in its own order and words)
        _check_transpose3d_sizes(input, w_shape, stride, output_padding, dilation, out)
    else:
        _check_transpose2d_sizes(input, w_shape, stride, output_padding, dilation, out)
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"slow_conv_transpose{3 if k == 5 else 2}d_out_cpu\" not implemented for 'Bool'")
    bias = _checked_transpose_operands(input, weight, bias, cast_bias=k < 5)
    return conv.ConvolutionTranspose.apply(input, weight, bias, tuple(stride), tuple((p, p) for p in padding),
                                           tuple(dilation), groups, tuple(out))


def _check_transpose2d_sizes(input: Tensor, w_shape: list, stride: list, output_padding: list, dilation: list,
                             out: list) -> None:
    """torch's `slow_conv_transpose2d_shape_check` (a 1-d convolution seen as 2-d, of height 1), in its order:
    kernel, dilation, output padding, output size."""
    as_2d = (lambda values: list(values)) if len(w_shape) > 3 else (lambda values: [1, *values])
    (kh, kw), (dh, dw), (sh, sw) = as_2d(w_shape[2:]), as_2d(dilation), as_2d(stride)
    if 0 in w_shape[2:]:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}")
    if 0 in dilation:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dh}, dilation_width: {dw}")
    if any(op >= st and op >= d for op, st, d in zip(output_padding, stride, dilation)):
        oph, opw = output_padding if len(w_shape) > 3 else [0, *output_padding]
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding_height: {oph} output_padding_width: {opw} stride_height: {sh} "
                           f"stride_width: {sw} dilation_height: {dh} dilation_width: {dw}")
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, as_2d(input.shape[2:])))}). "
                           f"Calculated output size per channel: ({' x '.join(map(str, as_2d(out)))}). Output "
                           f"size is too small")


def _check_transpose3d_sizes(input: Tensor, w_shape: list, stride: list, output_padding: list, dilation: list,
                             out: list) -> None:
    """torch's `slow_conv_transpose3d_shape_check`, in its order: dilation, output padding, kernel, output size."""
    dims = ("depth", "height", "width")
    if 0 in dilation:
        raise RuntimeError("dilation should be greater than zero, but got "
                           + ", ".join(f"dilation_{d}: {v}" for d, v in zip(dims, dilation)))
    if any(op >= st and op >= d for op, st, d in zip(output_padding, stride, dilation)):
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got "
                           + " ".join(f"{what}_{d}: {v}" for what, values in (("output_padding", output_padding),
                                                                             ("stride", stride),
                                                                             ("dilation", dilation))
                                      for d, v in zip(dims, values)))
    if 0 in w_shape[2:]:
        raise RuntimeError("non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
                           f"kernel_width) tensor expected for weight, but got: {w_shape}")
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, out))}). Output size is too small")


def _checked_transpose_operands(input: Tensor, weight: Tensor, bias: Tensor | None, cast_bias: bool) -> Tensor | None:
    """torch's dtype checks of a transposed convolution. 1-d and 2-d (`cast_bias`): float32 takes oneDNN's kernel,
    which wants the weight and the bias of the input's type; the others want the weight's and cast the bias (where
    it may be cast). 3-d: the weight and the bias of the input's type, whatever it is."""
    if not cast_bias:
        for other in (weight, bias):
            if other is not None and other._data.dtype != input._data.dtype:
                raise RuntimeError(f"expected scalar type {torch_type_name(input._data.dtype)} but found "
                                   f"{torch_type_name(other._data.dtype)}")
        return bias
    for what, other in (("weight", weight), ("bias", bias)):
        if input._data.dtype == np.float32 and other is not None and other._data.dtype != np.float32:
            raise RuntimeError(f"Input type ({PACKAGE}.FloatTensor) and {what} type ({PACKAGE}."
                               f"{torch_type_name(other._data.dtype)}Tensor) should be the same or input should be "
                               f"a MKLDNN tensor and {what} is a dense tensor")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"expected scalar type {torch_type_name(input._data.dtype)} but found "
                           f"{torch_type_name(weight._data.dtype)}")
    if bias is None or bias._data.dtype == input._data.dtype:
        return bias
    if not can_cast(bias._data.dtype, input._data.dtype):
        raise RuntimeError(f"result type {torch_type_name(bias._data.dtype)} can't be cast to the desired output "
                           f"type {torch_type_name(input._data.dtype)}")
    return bias.to(input.dtype)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """1-D transposed convolution ("deconvolution": the gradient of conv1d with respect to its input) of input
    (N, C_in, L) with weight (C_in, C_out / groups, k): out (N, C_out, L_out),
    L_out = (L - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1. Upsamples a sequence."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """2-D transposed convolution of input (N, C_in, H, W) with weight (C_in, C_out / groups, kH, kW): the
    gradient of conv2d with respect to its input, used to upsample feature maps (decoders, GANs, U-Nets)."""
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
                     output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
    """3-D transposed convolution of input (N, C_in, D, H, W) with weight (C_in, C_out / groups, kD, kH, kW): the
    gradient of conv3d with respect to its input, each output size as conv_transpose2d's (upsampling volumes)."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


__all__ += ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


# ---------------------------------------------------------------- rearranging and resampling images (ops/spatial.py)
pixel_shuffle = _functions.pixel_shuffle  # (torch's F.pixel_shuffle is torch.pixel_shuffle itself)
pixel_unshuffle = _functions.pixel_unshuffle


def _int_list_argument(function: str, name: str, position: int, value: Any, n: int) -> list:
    """A 'tuple of ints' argument as torch's argument parser reads it: one int (for all n dims), or a tuple or list
    of ints (of any length: the function checks it), with the parser's TypeError for anything else."""
    return list(_int_list([value] * n if _is_int(value) else value, function, name, position))


def _pair_argument(function: str, name: str, position: int, value: Any) -> list:
    """A size argument of im2col / col2im as F.unfold / F.fold pass it (torch's `_pair`: anything iterable as a
    tuple, anything else twice), read by torch's parser, then its check that it holds 2 ints."""
    values = _int_list_argument(function, name, position, tuple(value) if isinstance(value, Iterable) else
                                (value, value), 2)
    if len(values) != 2:
        raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(values)}")
    return values


_BLOCK_SIZE_CHECKS = {  # (torch's im2col / col2im size checks: the sizes, what each must be, torch's message)
    "kernel": (lambda v: v > 0, "kernel size should be greater than zero, but got kernel_height: {} kernel_width: {}"),
    "stride": (lambda v: v > 0, "stride should be greater than zero, but got stride_height: {} stride_width: {}"),
    "dilation": (lambda v: v > 0, "dilation should be greater than zero, but got dilation_height: {} "
                                  "dilation_width: {}"),
    "padding": (lambda v: v >= 0, "padding should be non-negative, but got pad_height: {} pad_width: {}"),
}


def _check_block_sizes(sizes: dict) -> None:
    """torch's checks of im2col's or col2im's sizes, `sizes` in the order that function checks them."""
    for what, values in sizes.items():
        ok, message = _BLOCK_SIZE_CHECKS[what]
        if not (ok(values[0]) and ok(values[1])):
            raise RuntimeError(message.format(*values))


def _sliding_blocks(size: tuple, kernel: list, dilation: list, padding: list, stride: list) -> list:
    """How many blocks fit along each of the two dims (as a convolution's output size)."""
    return [(s + 2 * p - (d * (k - 1) + 1)) // st + 1 for s, k, d, p, st in zip(size, kernel, dilation, padding,
                                                                                  stride)]


def _check_block_dtype(input: Tensor, kernel: str) -> None:
    """im2col's and col2im's kernels: floating point types and bool."""
    if input._data.dtype.kind in "iu":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(input._data.dtype)}'")


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """im2col: every kernel_size block of input (N, C, H, W) or (C, H, W) as a column of C * kH * kW values:
    (N, C * kH * kW, L), L blocks in row-major order. A convolution is then `weight.view(O, -1) @ unfold(x)`."""
    _check_tensor_argument("im2col", "input", 1, input, optional=False)
    kernel, dilation, padding, stride = (_pair_argument("im2col", name, position, value) for name, position, value in
                                         (("kernel_size", 2, kernel_size), ("dilation", 3, dilation),
                                          ("padding", 4, padding), ("stride", 5, stride)))
    _check_block_sizes({"kernel": kernel, "dilation": dilation, "padding": padding, "stride": stride})
    valid = input.size(1) != 0 and input.size(2) != 0  # (read first, as torch: an IndexError for fewer dims)
    if not ((input.ndim == 3 and input.shape[0] != 0 and valid) or (input.ndim == 4 and valid and input.shape[3])):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    height, width = input.shape[-2:]
    blocks = _sliding_blocks((height, width), kernel, dilation, padding, stride)
    if blocks[0] < 1 or blocks[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({height}, {width}), kernel_size=({kernel[0]}, "
                           f"{kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, "
                           f"{padding[1]}), calculated shape of the array of sliding blocks as ({blocks[0]}, "
                           f"{blocks[1]}), but its components must be at least one.")
    _check_block_dtype(input, "im2col_out_cpu")
    return spatial.Im2Col.apply(input, tuple(kernel), tuple(dilation), tuple(padding), tuple(stride))


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    """col2im, the reverse of `unfold`: columns (N, C * kH * kW, L) or (C * kH * kW, L) added into an image
    (N, C, *output_size) at their blocks' places (where blocks overlap, their values add up)."""
    _check_tensor_argument("col2im", "input", 1, input, optional=False)
    size, kernel, dilation, padding, stride = (
        _pair_argument("col2im", name, position, value) for name, position, value in
        (("output_size", 2, output_size), ("kernel_size", 3, kernel_size), ("dilation", 4, dilation),
         ("padding", 5, padding), ("stride", 6, stride)))
    _check_block_sizes({"kernel": kernel, "stride": stride, "dilation": dilation, "padding": padding})
    shape_ = list(input.shape)
    if not ((input.ndim == 2 and 0 not in shape_) or (input.ndim == 3 and 0 not in shape_[1:])):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {shape_}")
    planes, length = shape_[-2:]
    if planes % (kernel[0] * kernel[1]):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={planes} and kernel_size=({kernel[0]}, {kernel[1]}).")
    blocks = _sliding_blocks(size, kernel, dilation, padding, stride)
    given = (f"Given output_size=({size[0]}, {size[1]}), kernel_size=({kernel[0]}, {kernel[1]}), dilation=("
             f"{dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), ")
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(f"{given}stride=({stride[0]}, {stride[1]}), expected size of input's dimension 2 to match "
                           f"the calculated number of sliding blocks {blocks[0]} * {blocks[1]} = "
                           f"{blocks[0] * blocks[1]}, but got input.size(2)={length}.")
    if blocks[0] < 1 or blocks[1] < 1:
        raise RuntimeError(f"{given}calculated shape of the array of sliding blocks as ({blocks[0]}, {blocks[1]}), "
                           f"which is too small (non-positive)")
    if size[0] < 1 or size[1] < 1:
        raise RuntimeError(f"Expected output spatial size to be positive, but got: output_size=({size[0]}, "
                           f"{size[1]}).")
    _check_block_dtype(input, "col2im_out_cpu")
    return spatial.Col2Im.apply(input, tuple(size), tuple(kernel), tuple(dilation), tuple(padding), tuple(stride))


_INTERPOLATE_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_LINEAR_MODES = {"linear": 3, "bilinear": 4, "trilinear": 5}  # (each mode's number of input dims)
_WEIGHTED_MODES = {**_LINEAR_MODES, "bicubic": 4}


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resizes input (N, C, *spatial) to `size`, or by `scale_factor`, along its 1 to 3 spatial dims.

    'nearest' and 'nearest-exact' copy the nearest input pixel ('nearest' as OpenCV's old rule: floor(o * in /
    out); 'nearest-exact' rounds the pixel centres); 'linear' (3-D input), 'bilinear' (4-D) and 'trilinear' (5-D)
    weight the two neighbours along each dim, 'bicubic' (4-D) four, `align_corners=True` lining up the corner
    pixels' centres; 'area' is an adaptive average pooling. torch's argument logic, step for step (its Python
    function)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                             "bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2  # the number of spatial dims
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input "
                                 f"with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in "
                                 f"(o1, o2, ...,oK) format.")
            if not all(_is_int(v) or (isinstance(v, Tensor) and v._data.dtype.kind in "iu" and v.ndim == 0)
                       for v in size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(v) for v in size]}")
            output_size = [int(v) for v in size]
        else:
            output_size = [size] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 f"scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = scale_factor
        else:
            scale_factors = [scale_factor for _ in range(dim)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:  # (the sizes from the factors, then the kernel computes its scales from the sizes)
        output_size = [int(input.size(i + 2) * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if mode in ("nearest", "nearest-exact") and input.ndim in (3, 4, 5):
        return _upsample(input, output_size, scale_factors, mode, None)
    if mode == "area" and input.ndim in (3, 4, 5):
        pool = {3: adaptive_avg_pool1d, 4: adaptive_avg_pool2d, 5: adaptive_avg_pool3d}[input.ndim]
        return pool(input, output_size)
    if mode in _WEIGHTED_MODES and input.ndim == _WEIGHTED_MODES[mode]:
        if antialias:
            raise NotImplementedError("interpolate(antialias=True) is not implemented in minitorch_ref")
        return _upsample(input, output_size, scale_factors, mode, align_corners)
    if mode == "lanczos" and input.ndim == 4:
        raise NotImplementedError(f"interpolate(mode='{mode}') of a {input.ndim}-D input is not implemented in "
                                  f"minitorch_ref")
    if mode in _LINEAR_MODES and input.ndim in (3, 4, 5):  # (a linear mode given another number of dims)
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_MODES[mode]}D input")
    raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for the "
                              f"modes: {_INTERPOLATE_MODES} (got {mode})")


_UPSAMPLE_NODES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
                   "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
                   "trilinear": "UpsampleTrilinear3DBackward0", "bicubic": "UpsampleBicubic2DBackward0"}


def _check_upsample_arguments(input: Tensor, output_size: Any, scale_factors: Any, mode: str,
                              align_corners: bool | None) -> None:
    """torch's argument parser for its upsample kernels: sizes must be ints and factors numbers, or it lists the
    kernel's two overloads (the sizes and factors as lists; or a factor per dim, as `scales_h`...)."""
    sizes_ok = output_size is None or all(_is_int(v) for v in output_size)
    factors_ok = scale_factors is None or all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                              for v in scale_factors)
    if sizes_ok and factors_ok:
        return
    dims = input.ndim - 2
    kernel = {"nearest": f"upsample_nearest{dims}d", "nearest-exact": f"_upsample_nearest_exact{dims}d",
              "linear": "upsample_linear1d", "bilinear": "upsample_bilinear2d", "trilinear": "upsample_trilinear3d",
              "bicubic": "upsample_bicubic2d"}[mode]
    scales = ["scales"] if dims == 1 else ["scales_h", "scales_w"] if dims == 2 else ["scales_d", "scales_h",
                                                                                    "scales_w"]
    flag = "" if align_corners is None else ", bool align_corners"
    overloads = (f"Tensor input, tuple of ints output_size{flag}, tuple of floats scale_factors",
                 f"Tensor input, tuple of ints output_size{flag}, "
                 f"{', '.join(f'float {s} = None' for s in scales)}, *, Tensor out = None")
    given = (input, output_size) + (() if align_corners is None else (align_corners,)) + (scale_factors,)
    accepts = (Tensor, ()) + (() if align_corners is None else (bool,)) + ((),)
    raise _invalid_arguments(kernel, given, overloads, (accepts, None))


def _upsample(input: Tensor, output_size: list | None, scale_factors: list | None, mode: str,
              align_corners: bool | None) -> Tensor:
    """torch's upsample kernels (`upsample_nearest2d`, `upsample_bilinear2d`...): the output size, their checks,
    then `spatial.Interpolate` with each spatial dim's taps."""
    dims = input.ndim - 2
    _check_upsample_arguments(input, output_size, scale_factors, mode, align_corners)
    scale_factors = None if scale_factors is None else [float(f) for f in scale_factors]
    in_sizes = list(input.shape[2:])
    if output_size is None:  # (C++: int64(input size * factor), in double)
        output_size = []
        for s, f in zip(in_sizes, scale_factors):
            if not math.isfinite(s * f):
                raise RuntimeError("value cannot be converted to type int64_t without overflow")
            output_size.append(int(s * f))
    names = ("W",) if dims == 1 else ("H", "W") if dims == 2 else ("D", "H", "W")
    if min(in_sizes) <= 0 or min(output_size) <= 0:
        given = ", ".join(f"{n}: {s}" for n, s in zip(names, in_sizes))
        wanted = ", ".join(f"{n}: {s}" for n, s in zip(names, output_size))
        joint = " and output" if dims == 1 else " output"
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({given}){joint} "
                           f"({wanted})")
    if input.numel() == 0 and input.shape[0] != 0:
        raise RuntimeError(f"Non-empty {input.ndim}D data tensor expected but got a tensor with sizes "
                           f"{list(input.shape)}")
    dtype = input._data.dtype
    nearest = mode.startswith("nearest")
    if not (dtype.kind == "f" or (dtype == np.uint8 and mode in ("nearest", "nearest-exact", "bilinear", "bicubic"))):
        kernel = ("upsample_nearest2d_channels_last" if nearest else "upsample_bilinear2d_channels_last"
                  ) if dims == 2 else f"compute_indices_weights_{'nearest' if nearest else 'linear'}"
        kernel = "compute_indices_weights_cubic" if mode == "bicubic" else kernel
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(dtype)}'")
    scales = scale_factors or [None] * dims
    if nearest:
        taps = tuple(spatial.nearest_taps(s, o, f, mode == "nearest-exact")
                     for s, o, f in zip(in_sizes, output_size, scales))
    else:
        rule = spatial.cubic_taps if mode == "bicubic" else spatial.linear_taps
        taps = tuple(rule(s, o, align_corners, f, dtype) for s, o, f in zip(in_sizes, output_size, scales))
    return spatial.Interpolate.apply(input, taps, _UPSAMPLE_NODES[mode].format(dims))


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Deprecated spelling of `interpolate` (torch warns so)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(mode='nearest')` (torch warns so)."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """Deprecated: `interpolate(mode='bilinear', align_corners=True)` (torch warns so)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


__all__ += ["pixel_shuffle", "pixel_unshuffle", "unfold", "fold", "interpolate", "upsample", "upsample_nearest",
            "upsample_bilinear"]


_POOL_SIZES = (_IntListArgument("kernel_size", one_int=True), _IntListArgument("stride", one_int=True, none_default=True),
               _IntListArgument("padding", one_int=True), _IntListArgument("dilation", one_int=True))  # (int[2]s)


def _check_pool_arguments(function: str, input: Any, sizes: list, flags: tuple) -> _GivenIntLists:
    """torch's argument parser for a pooling function, first look: each argument's type, in order (a Tensor
    input; the sizes, `_POOL_SIZES` in order, each one int or a tuple opening with one; the `(name, value)`
    bools). What it returns reads the sizes' items into `sizes` when asked (`read_items`), after any other check."""
    _check_tensor_argument(function, "input", 1, input, optional=False)
    given = _GivenIntLists(_POOL_SIZES[:len(sizes)], sizes, {}, first_position=2)
    given.check_types(function)
    for position, (name, value) in enumerate(flags, start=2 + len(sizes)):
        _check_scalar_argument(function, name, position, value, "bool")
    return given


def _pool_sizes(value: Any, dims: int, fn: str, what: str, default: Any = None) -> tuple:
    """A read pooling size as one int per spatial dim ((H, W) or (D, H, W)): one int, or a tuple of one or `dims`
    ints (None or (): `default`)."""
    if isinstance(value, int):
        return (value,) * dims
    if default is not None and not value:
        return default
    if len(value) not in (1, dims):
        raise RuntimeError(f"{fn}: {what}")
    return tuple(value) * dims if len(value) == 1 else tuple(value)


def _pool_output_size(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                      ceil_mode: bool, function: str = "", check_input_size: bool = False) -> tuple:
    """torch's `pooling_output_shape` and `pool2d_shape_check` (or `pool3d_shape_check`, which names `function`
    and, for avg_pool3d, `check_input_size`): the output's (H, W) or (D, H, W), after torch's checks."""
    out = []
    for size, k, s, p, d in zip(input.shape[-len(kernel):], kernel, stride, padding, dilation):
        if s == 0:
            raise RuntimeError("stride should not be zero")
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > int(((k - 1) * d + 1) / 2):  # (C++'s division, toward zero: a negative kernel passes here)
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
        out.append(_pooled_length(size, k, s, p, d, ceil_mode))
    if len(kernel) == 3:
        _pool3d_shape_check(input, kernel, stride, padding, dilation, out, function, check_input_size)
        return tuple(out)
    if kernel[0] <= 0 or kernel[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if stride[0] <= 0 or stride[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: {stride[1]}")
    if dilation[0] <= 0 or dilation[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    shape_ = list(input.shape)
    if not ((input.ndim == 3 and 0 not in shape_) or (input.ndim == 4 and 0 not in shape_[1:])):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{shape_}")
    if padding[1] > kernel[1] // 2 or padding[0] > kernel[0] // 2:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {padding[1]}, "
                           f"padH = {padding[0]}, kW = {kernel[1]}, kH = {kernel[0]}")
    if out[0] < 1 or out[1] < 1:
        raise RuntimeError(f"Given input size: ({shape_[-3]}x{shape_[-2]}x{shape_[-1]}). Calculated output size: "
                           f"({shape_[-3]}x{out[0]}x{out[1]}). Output size is too small")
    return tuple(out)


def _pool3d_shape_check(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, out: list,
                        function: str, check_input_size: bool) -> None:
    """torch's `pool3d_shape_check`, in its order (T, H, W: the three spatial dims)."""
    (kt, kh, kw), (dt, dh, dw), (pt, ph, pw), (lt, lh, lw) = kernel, stride, padding, dilation
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {kt} kH: {kh} kW: {kw}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dT: {dt} dH: {dh} dW: {dw}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {lt} dilationH: {lh} "
                           f"dilationW: {lw}")
    shape_ = list(input.shape)
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{function}: Expected 4D or 5D tensor for input, but got: {shape_}")
    for i, size in enumerate(shape_):
        if size <= 0 and not (input.ndim == 5 and i == 0):  # (only the batch may be empty)
            raise RuntimeError(f"{function}: Expected input's non-batch dimensions to have positive length, but "
                               f"input has a shape of {shape_} and non-batch dimension {size} has length zero!")
    it, ih, iw = shape_[-3:]
    if check_input_size and (it < kt or ih < kh or iw < kw):
        raise RuntimeError(f"input image (T: {it} H: {ih} W: {iw}) smaller than kernel size (kT: {kt} kH: {kh} "
                           f"kW: {kw})")
    if kt // 2 < pt or kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got kT: {kt} kW: {kw} "
                           f"kH: {kh} padT: {pt} padW: {pw} padH: {ph}")
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({shape_[-4]}x{it}x{ih}x{iw}). Calculated output size: "
                           f"({shape_[-4]}x{out[0]}x{out[1]}x{out[2]}). Output size is too small")


def _pooled_length(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """torch's `pooling_output_shape`: how many windows fit along a dim (ceil_mode: one more partial window, if
    it starts inside the input or its left padding)."""
    o = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    return o - 1 if ceil_mode and (o - 1) * s >= size + p else o


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each kernel_size window (stride: kernel_size by default) of input (N, C, H, W) or
    (C, H, W); padding counts as -inf. return_indices=True also returns where each maximum was (in H * W)."""
    return _max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _max_pool_nd(dims: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                 ceil_mode: bool, return_indices: bool) -> Any:
    """max_pool2d (dims=2) and max_pool3d (dims=3): torch's argument parser and size checks, then `_max_pool`."""
    function, count = f"max_pool{dims}d", {2: "two", 3: "three"}[dims]
    parsed_by = f"{function}_with_indices" if return_indices else function  # (the function torch's parser names)
    sizes = [kernel_size, stride, padding, dilation]
    _check_pool_arguments(parsed_by, input, sizes, (("ceil_mode", ceil_mode),)).read_items(parsed_by)
    kernel_size, stride, padding, dilation = sizes  # (as read: ints and tuples of ints)
    kernel = _pool_sizes(kernel_size, dims, function, f"kernel_size must either be a single int, or a tuple of "
                                                      f"{count} ints")
    stride = _pool_sizes(stride, dims, function, f"stride must either be omitted, a single int, or a tuple of "
                                                 f"{count} ints", default=kernel)
    padding = _pool_sizes(padding, dims, function, f"padding must either be a single int, or a tuple of {count} ints")
    dilation = _pool_sizes(dilation, dims, function, f"dilation must be either a single int, or a tuple of {count} "
                                                     f"ints")
    values, indices = _max_pool(input, kernel, stride, padding, dilation, ceil_mode)
    return (values, indices) if return_indices else values


def _max_pool(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, ceil_mode: bool) -> tuple:
    """torch's `max_pool2d_with_indices` / `max_pool3d_with_indices` kernel (by `len(kernel)`), the sizes read:
    its checks, then (values, indices)."""
    dims = len(kernel)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"non-empty {dims + 1}D or {dims + 2}D (batch mode) tensor expected for input")
    out_size = _pool_output_size(input, kernel, stride, padding, dilation, ceil_mode,
                                 "max_pool3d_with_indices_out_cpu_template()")
    if input._data.dtype == np.bool_:
        raise NotImplementedError(f"\"max_pool{dims}d\" not implemented for 'Bool'")
    op = conv.MaxPool2d if dims == 2 else conv.MaxPool3d
    return op.apply(input, kernel, stride, padding, dilation, out_size)


def max_pool2d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each kernel_size window (stride: kernel_size by default) of input (N, C, H, W) or (C, H, W);
    the zero padding counts in the divisor unless count_include_pad=False (or divisor_override is given)."""
    sizes = [kernel_size, stride, padding]
    flags = (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad))
    reader = _check_pool_arguments("avg_pool2d", input, sizes, flags)
    if divisor_override is not None and not (_is_int(divisor_override) or isinstance(divisor_override, Tensor)):
        raise TypeError(f"avg_pool2d(): argument 'divisor_override' (position 7) must be int, not "
                        f"{_type_name(divisor_override)}")
    reader.read_items("avg_pool2d")
    kernel_size, stride, padding = sizes  # (as read: ints and tuples of ints)
    kernel = _pool_sizes(kernel_size, 2, "avg_pool2d",
                         "kernel_size must either be a single int, or a tuple of two ints")
    stride = _pool_sizes(stride, 2, "avg_pool2d", "stride must either be omitted, a single int, or a tuple of two ints",
                        default=kernel)
    padding = _pool_sizes(padding, 2, "avg_pool2d", "padding must either be a single int, or a tuple of two ints")
    return _avg_pool2d(input, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _avg_pool2d(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, ceil_mode: bool,
                count_include_pad: bool, divisor_override: int | None = None) -> Tensor:
    """torch's `avg_pool2d` kernel, the sizes read: its checks, then the op."""
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    input.size(-3)  # (torch reads the size of dim -3 first: its IndexError for fewer dims)
    out_size = _pool_output_size(input, kernel, stride, padding, (1, 1), ceil_mode)
    if input._data.dtype.kind in "biu" and input._data.dtype != np.int64:  # (torch's kernel: floats and Long only)
        raise NotImplementedError(f"\"avg_pool2d\" not implemented for '{torch_type_name(input._data.dtype)}'")
    return conv.AvgPool2d.apply(input, kernel, stride, padding, out_size, ceil_mode, count_include_pad,
                                divisor_override)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each kernel_size window (stride: kernel_size by default) of input (N, C, D, H, W) or
    (C, D, H, W); padding counts as -inf. return_indices=True also returns where each maximum was (in D * H * W)."""
    return _max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each kernel_size window (stride: kernel_size by default) of input (N, C, D, H, W) or
    (C, D, H, W); the zero padding counts in the divisor unless count_include_pad=False (or divisor_override)."""
    sizes = [kernel_size, stride, padding]
    flags = (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad))
    reader = _check_pool_arguments("avg_pool3d", input, sizes, flags)
    if divisor_override is not None and not (_is_int(divisor_override) or isinstance(divisor_override, Tensor)):
        raise TypeError(f"avg_pool3d(): argument 'divisor_override' (position 7) must be int, not "
                        f"{_type_name(divisor_override)}")
    reader.read_items("avg_pool3d")
    kernel_size, stride, padding = sizes  # (as read: ints and tuples of ints)
    kernel = _pool_sizes(kernel_size, 3, "avg_pool3d", "kernel_size must be a single int, or a tuple of three ints")
    stride = _pool_sizes(stride, 3, "avg_pool3d", "stride must be omitted, a single int, or a tuple of three ints",
                         default=kernel)
    padding = _pool_sizes(padding, 3, "avg_pool3d", "padding must be a single int, or a tuple of three ints")
    if input.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out_size = _pool_output_size(input, kernel, stride, padding, (1, 1, 1), ceil_mode, "avg_pool3d()",
                                 check_input_size=True)
    if input._data.dtype not in (np.float32, np.float64, np.int64):  # (torch's kernel: float, double and Long)
        raise NotImplementedError(f"\"avg_pool3d_out_frame\" not implemented for "
                                  f"'{torch_type_name(input._data.dtype)}'")
    return conv.AvgPool3d.apply(input, kernel, stride, padding, out_size, ceil_mode, count_include_pad,
                                divisor_override)


__all__ += ["conv1d", "conv2d", "conv3d", "max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "max_pool3d",
            "max_pool3d_with_indices", "avg_pool3d"]


# ---------------------------------------------------------------- 1-d pooling: a 2-d pooling of height 1, as torch
def _check_dim_range(input: Tensor, low: int, high: int, function: str, argument: str = "#1 'self'") -> None:
    """torch's `checkDimRange`: an input of `low` to `high` dims."""
    if not low <= input.ndim <= high:
        raise RuntimeError(f"Expected {low} to {high} dimensions, but got {input.ndim}-dimensional tensor for "
                           f"argument {argument} (while checking arguments for {function})")


def _int_tuple(value: Any) -> tuple:
    """A read size argument as a tuple: None -> (), one int -> (int,)."""
    return () if value is None else (value,) if isinstance(value, int) else tuple(value)


def _one_int(values: tuple, function: str, name: str) -> int:
    """torch's `check1d`: a 1-d pooling's size is one int."""
    if len(values) != 1:
        raise RuntimeError(f"{function}() argument '{name}' should contain one int (got {len(values)})")
    return values[0]


def _read_pool1d(function: str, input: Any, sizes: list, flags: tuple) -> list:
    """torch's argument parser for a 1-d pooling: the sizes as tuples (an omitted stride: the kernel's)."""
    _check_pool_arguments(function, input, sizes, flags).read_items(function)
    sizes = [_int_tuple(value) for value in sizes]
    return [sizes[0], sizes[1] or sizes[0], *sizes[2:]]


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum of each kernel_size window of input (N, C, L) or (C, L); padding counts as -inf.
    return_indices=True also returns where each maximum was (in L)."""
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    kernel, stride, padding, dilation = _read_pool1d("max_pool1d", input, [kernel_size, stride, padding, dilation],
                                                     (("ceil_mode", ceil_mode),))
    _check_max_pool1d(input, kernel, stride, padding, dilation, ceil_mode)
    if input._data.dtype.kind != "f":  # (torch's kernel without indices, for inputs needing no gradient)
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for '{torch_type_name(input._data.dtype)}'")
    return _max_pool1d(input, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)[0]


def _check_max_pool1d(input: Tensor, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
                      ceil_mode: bool) -> None:
    """torch's `check_max_pool1d`, in its order."""
    shape_ = list(input.shape)
    if not ((input.ndim == 2 and 0 not in shape_) or (input.ndim == 3 and 0 not in shape_[1:])):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:{shape_}")
    for name, values, accepted in (("kernel_size", kernel, "an int, list of ints or tuple of ints"),
                                   ("stride", stride, "None, an int, list of ints, or tuple of ints"),
                                   ("padding", padding, "an int, list of ints, or tuple of ints"),
                                   ("dilation", dilation, "an int, list of ints or tuple of ints")):
        if len(values) != 1:
            raise RuntimeError(f"max_pool1d() {name} must be {accepted} of size 1 but got size {len(values)}")
    (k,), (s,), (p,), (d,) = kernel, stride, padding, dilation
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = _pooled_length(shape_[-1], k, s, p, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False, return_indices: bool = False) -> tuple:
    """`max_pool1d` with return_indices=True: torch's checks of its own, then those of the 2-d pooling."""
    sizes = _read_pool1d("max_pool1d_with_indices", input, [kernel_size, stride, padding, dilation],
                         (("ceil_mode", ceil_mode),))
    _check_dim_range(input, 2, 3, "max_pool1d")
    kernel, stride, padding, dilation = (_one_int(values, "max_pool1d", name) for values, name in
                                         zip(sizes, ("kernel_size", "stride", "padding", "dilation")))
    return _max_pool1d(input, kernel, stride, padding, dilation, ceil_mode)


def _max_pool1d(input: Tensor, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> tuple:
    """(values, indices) of a 2-d max pool over the input seen with a height of 1 (torch's way)."""
    values, indices = _max_pool(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding), (1, dilation),
                                  ceil_mode)
    return values.squeeze(-2), indices.squeeze(-2)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each kernel_size window of input (N, C, L) or (C, L): a 2-d one of height 1, as torch."""
    kernel, stride, padding = _read_pool1d("avg_pool1d", input, [kernel_size, stride, padding],
                                           (("ceil_mode", ceil_mode), ("count_include_pad", count_include_pad)))
    _check_dim_range(input, 2, 3, "avg_pool1d")
    kernel, stride, padding = (_one_int(values, "avg_pool1d", name) for values, name in
                               zip((kernel, stride, padding), ("kernel_size", "stride", "padding")))
    return _avg_pool2d(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding), ceil_mode,
                       count_include_pad).squeeze(-2)


__all__ += ["max_pool1d", "max_pool1d_with_indices", "avg_pool1d"]


# ---------------------------------------------------------------- adaptive pooling: output_size windows
def _list_with_default(output_size: Any, defaults: list) -> Any:
    """torch's `_list_with_default`: None in `output_size` keeps the input's size of that dim."""
    if isinstance(output_size, int):
        return output_size
    if len(defaults) <= len(output_size):
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}")
    return [d if v is None else v for v, d in zip(output_size, defaults[-len(output_size):])]


def _read_output_size(function: str, input: Any, output_size: Any) -> Any:
    """torch's argument parser for an adaptive pooling's output_size (an int[2] or int[1]): an int or a tuple."""
    sizes = [output_size]
    given = _GivenIntLists((_IntListArgument("output_size", one_int=True),), sizes, {}, first_position=2)
    _check_tensor_argument(function, "input", 1, input, optional=False)
    given.check_types(function)
    given.read_items(function)
    return sizes[0]


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """The mean of each of output_size (H_out, W_out) windows that tile input (N, C, H, W) or (C, H, W); None in
    output_size keeps that size. Window i along a dim of size n covers [floor(i n / out), ceil((i + 1) n / out))."""
    output_size = _read_output_size("adaptive_avg_pool2d", input, _list_with_default(output_size, input.size()))
    return _adaptive_avg_pool2d(input, _sizes_of(output_size, 2))


def _sizes_of(size: Any, dims: int) -> tuple:
    """A read int[2] or int[3] argument as a tuple: one int for every dim, else as given."""
    return (size,) * dims if isinstance(size, int) else tuple(size)


def _adaptive_avg_pool2d(input: Tensor, output_size: tuple) -> Tensor:
    """torch's `adaptive_avg_pool2d`, output_size read: its checks, then the op (a 1 x 1 output: a mean)."""
    if len(output_size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    if min(output_size) < 0:
        raise RuntimeError("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{output_size[0]}, {output_size[1]}}}")
    if output_size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {list(input.shape)}")
    for d in (input.ndim - 2, input.ndim - 1):
        if input.shape[d] == 0:
            raise RuntimeError("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(input.shape)} with dimension {d} being empty")
    if input.numel() and 0 not in output_size:  # (torch's kernel is not reached for an empty result)
        _check_floating(input, "adaptive_avg_pool2d")
    return conv.AdaptiveAvgPool2d.apply(input, output_size)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """The mean of each of output_size windows that tile input (N, C, L) or (C, L) (a 2-d one of height 1)."""
    output_size = _read_output_size("adaptive_avg_pool1d", input, output_size)
    _check_dim_range(input, 2, 3, "adaptive_avg_pool1d")
    size = _one_int(_int_tuple(output_size), "adaptive_avg_pool1d", "output_size")
    return _adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """The maximum of each of output_size (H_out, W_out) windows that tile input (N, C, H, W) or (C, H, W) (the
    windows of `adaptive_avg_pool2d`); return_indices=True also returns where each maximum was (in H * W)."""
    output = adaptive_max_pool2d_with_indices(input, output_size)
    return output if return_indices else output[0]


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    """(values, indices) of `adaptive_max_pool2d`."""
    output_size = _read_output_size("adaptive_max_pool2d", input, _list_with_default(output_size, input.size()))
    return _adaptive_max_pool(2, input, _sizes_of(output_size, 2))


def _check_nonempty_planes(input: Tensor, function: str) -> None:
    """torch's check of an adaptive max pooling's input: only the batch (dim 0) may be empty."""
    for d in range(1, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(f"{function}(): Expected input to have non-zero size for non-batch dimensions, but "
                               f"input has sizes {list(input.shape)} with dimension {d} being empty")


def _adaptive_max_pool(dims: int, input: Tensor, output_size: tuple) -> tuple:
    """torch's `adaptive_max_pool2d` / `adaptive_max_pool3d` kernel, output_size read: its checks, then the op."""
    name = f"adaptive_max_pool{dims}d"
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}(): Expected {dims + 1}D or {dims + 2}D tensor, but got: {list(input.shape)}")
    _check_nonempty_planes(input, name)
    if len(output_size) != dims:
        raise RuntimeError(f"{name}(): internal error: output_size.size() must be {dims}")
    if min(output_size) < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(output_size)}: "
                           f"{list(input.shape[:-dims]) + list(output_size)}")
    _check_floating(input, name if dims == 2 else f"{name}_cpu")
    return (conv.AdaptiveMaxPool2d if dims == 2 else conv.AdaptiveMaxPool3d).apply(input, output_size)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """The maximum of each of output_size windows that tile input (N, C, L) or (C, L) (a 2-d one of height 1);
    return_indices=True also returns where each maximum was."""
    output = adaptive_max_pool1d_with_indices(input, output_size)
    return output if return_indices else output[0]


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    """(values, indices) of `adaptive_max_pool1d`: torch's checks of its own, then those of the 2-d pooling."""
    output_size = _read_output_size("adaptive_max_pool1d", input, output_size)
    _check_dim_range(input, 2, 3, "adaptive_max_pool1d")
    size = _one_int(_int_tuple(output_size), "adaptive_max_pool1d", "output_size")
    _check_nonempty_planes(input, "adaptive_max_pool1d")
    values, indices = _adaptive_max_pool(2, input.unsqueeze(-2), (1, size))
    return values.squeeze(-2), indices.squeeze(-2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """The mean of each of output_size (D_out, H_out, W_out) windows that tile input (N, C, D, H, W) or (C, D, H, W)
    (the windows of `adaptive_avg_pool2d` along each dim); None in output_size keeps that size."""
    output_size = _read_output_size("adaptive_avg_pool3d", input, _list_with_default(output_size, input.size()))
    output_size = _sizes_of(output_size, 3)
    if len(output_size) != 3:
        raise RuntimeError("adaptive_avg_pool3d: output_size must be 3")
    if min(output_size) < 0:
        raise RuntimeError("adaptive_avg_pool3d: elements of output_size must be greater than or equal to 0 but "
                           f"received {{{output_size[0]}, {output_size[1]},{output_size[2]}}}")
    if output_size == (1, 1, 1):
        return input.mean((-1, -2, -3), keepdim=True)
    for d in range(1, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError("adaptive_avg_pool3d(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(input.shape)} with dimension {d} being empty")
    if input.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got {list(input.shape)}")
    if input.numel() and 0 not in output_size:  # (torch's kernel is not reached for an empty result)
        _check_floating(input, "adaptive_avg_pool3d_cpu")
    return conv.AdaptiveAvgPool3d.apply(input, output_size)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """The maximum of each of output_size (D_out, H_out, W_out) windows that tile input (N, C, D, H, W) or
    (C, D, H, W); return_indices=True also returns where each maximum was (in D * H * W)."""
    output = adaptive_max_pool3d_with_indices(input, output_size)
    return output if return_indices else output[0]


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any, return_indices: bool = False) -> tuple:
    """(values, indices) of `adaptive_max_pool3d`."""
    output_size = _read_output_size("adaptive_max_pool3d", input, _list_with_default(output_size, input.size()))
    return _adaptive_max_pool(3, input, _sizes_of(output_size, 3))


__all__ += ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool1d_with_indices",
            "adaptive_max_pool2d", "adaptive_max_pool2d_with_indices", "adaptive_avg_pool3d", "adaptive_max_pool3d",
            "adaptive_max_pool3d_with_indices"]


# ---------------------------------------------------------------- max unpooling and power-average (Lp) pooling
def _ntuple(value: Any, n: int) -> tuple:
    """torch's `_single`, `_pair` and `_triple`: an int as n copies (kernel_size=3 -> (3, 3)); anything iterable
    as a tuple."""
    return tuple(value) if isinstance(value, Iterable) else (value,) * n


def _unpool_output_size(input: Tensor, kernel_size: tuple, stride: tuple, padding: tuple, output_size: Any) -> Any:
    """torch's `_unpool_output_size`: the spatial size an unpooling restores (what max pooling with these sizes
    would have shrunk), or output_size (the spatial sizes, or all sizes), checked to be one that pooling maps to
    the input's size."""
    default_size = [(input.size()[-len(kernel_size) + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d]
                    for d in range(len(kernel_size))]
    if output_size is None:
        return default_size
    if len(output_size) == len(kernel_size) + 2:
        output_size = output_size[2:]
    if len(output_size) != len(kernel_size):
        raise ValueError(f"output_size should be a sequence containing {len(kernel_size)} or {len(kernel_size) + 2} "
                         f"elements, but it has a length of '{len(output_size)}'")
    for d in range(len(kernel_size)):
        min_size, max_size = default_size[d] - stride[d], default_size[d] + stride[d]
        if not min_size < output_size[d] < max_size:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {min_size} and '
                             f'{max_size})')
    return output_size


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    """A partial inverse of `max_pool1d`: each value of input (N, C, L) or (C, L) put back at its index (from
    return_indices=True), zeros elsewhere. As torch: a 2-d unpooling of the input seen with a width of 1."""
    kernel_size = _ntuple(kernel_size, 1)
    stride = kernel_size if stride is None else _ntuple(stride, 1)
    output_size = _unpool_output_size(input, kernel_size, stride, _ntuple(padding, 1), output_size)
    output_size = output_size + ([1] if isinstance(output_size, list) else (1,))
    return _max_unpool(input.unsqueeze(-1), indices.unsqueeze(-1), output_size).squeeze(-1)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    """A partial inverse of `max_pool2d`: each value of input (N, C, H, W) or (C, H, W) put back at its index
    (into H_out * W_out, from return_indices=True), zeros elsewhere; output_size picks among the sizes that pool
    to the input's."""
    kernel_size = _ntuple(kernel_size, 2)
    stride = kernel_size if stride is None else _ntuple(stride, 2)
    output_size = _unpool_output_size(input, kernel_size, stride, _ntuple(padding, 2), output_size)
    return _max_unpool(input, indices, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:
    """A partial inverse of `max_pool3d`: each value of input (N, C, D, H, W) or (C, D, H, W) put back at its
    index (into D_out * H_out * W_out), zeros elsewhere."""
    kernel_size = _ntuple(kernel_size, 3)
    stride = kernel_size if stride is None else _ntuple(stride, 3)
    padding = _ntuple(padding, 3)
    output_size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _max_unpool(input, indices, output_size, stride)


def _max_unpool(input: Tensor, indices: Tensor, output_size: Any, stride: tuple | None = None) -> Tensor:
    """torch's `max_unpool2d` (or, given the stride, `max_unpool3d`) kernel, the sizes read: its checks in its
    order, then the op."""
    dims = 2 if stride is None else 3
    function = f"max_unpool{dims}d"
    _check_tensor_argument(function, "input", 1, input, optional=False)
    _check_tensor_argument(function, "indices", 2, indices, optional=False)
    output_size = tuple(_int_list(output_size, function, "output_size", 3))
    if indices.dtype != dt.int64:
        raise RuntimeError("elements in indices should be type int64" +
                           (f" but got: {torch_type_name(indices._data.dtype)}" if dims == 2 else ""))
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Input to max_unpooling{dims}d should be a {dims + 1}d or {dims + 2}d Tensor, but got a "
                           f"tensor with {input.ndim} dimensions.")
    if input.shape != indices.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    for d in range(1, input.ndim):
        if input.shape[d] == 0:
            raise RuntimeError(f"max_unpooling{dims}d_forward_out_cpu(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but got {list(input.shape)} with dimension {d} being empty.")
    if stride is not None and min(stride) <= 0:
        raise RuntimeError(f"strides should be greater than zero, but got stride: {list(stride)}")
    if input.numel() == 0:
        return conv.MaxUnpool2d.apply(input, indices, output_size) if dims == 2 else \
            conv.MaxUnpool3d.apply(input, indices, output_size)
    _check_floating(input, function)
    plane = int(np.prod(output_size))
    bad = (indices._data < 0) | (indices._data >= plane)
    if bad.any():
        raise RuntimeError(f"Found an invalid max index: {indices._data[bad].flat[-1]} (output volumes are of size "
                           f"{'x'.join(str(s) for s in output_size)})")
    op = conv.MaxUnpool2d if dims == 2 else conv.MaxUnpool3d
    return op.apply(input, indices, output_size)


def _lp_pool(pool: Any, input: Tensor, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool,
             window: int) -> Tensor:
    """torch's Lp pooling, built as it is from other ops: (the mean of x ** p over each window, times the
    window's size `window`) ** (1 / p), the sign and relu keeping a negative mean out of the root; p = inf is a
    max pooling of |x| (p = -inf: its min)."""
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return pool[1](input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -pool[1](-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = pool[0](input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = pool[0](input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (_functions.sign(out) * relu(_functions.abs(out))).mul(window).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm of each kernel_size window of input (N, C, L) or (C, L): (sum of x ** p) ** (1 / p)."""
    return _lp_pool((avg_pool1d, max_pool1d), input, norm_type, kernel_size, stride, ceil_mode, kernel_size)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm of each kernel_size window of input (N, C, H, W) or (C, H, W): (sum of x ** p) ** (1 / p)."""
    kw, kh = _ntuple(kernel_size, 2)
    return _lp_pool((avg_pool2d, max_pool2d), input, norm_type, kernel_size, stride, ceil_mode, kw * kh)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None,
              ceil_mode: bool = False) -> Tensor:
    """The p-norm of each kernel_size window of input (N, C, D, H, W) or (C, D, H, W)."""
    kd, kw, kh = _ntuple(kernel_size, 3)
    return _lp_pool((avg_pool3d, max_pool3d), input, norm_type, kernel_size, stride, ceil_mode, kd * kw * kh)


__all__ += ["max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d"]


# ====================================================================== bilinear
class _TrilinearOp(Function):
    """torch's `_trilinear` as `bilinear` calls it: out[n, o] = sum over i, j of x1[n, i] * weight[o, i, j] * x2[n, j]
    (x1 (N, in1), x2 (N, in2), weight (out, in1, in2)). Each input's gradient is the same sum without it."""

    node_name = "TrilinearBackward0"

    @staticmethod
    def forward(ctx, x1, weight, x2):
        ctx.save_for_backward(x1, weight, x2)
        dtype = x1.dtype
        out = np.einsum("ni,oij,nj->no", pointwise.opmath(x1), pointwise.opmath(weight), pointwise.opmath(x2))
        return np.ascontiguousarray(out.astype(dtype, copy=False))  # (einsum may lay its result out transposed)

    @staticmethod
    def backward(ctx, grad):
        x1, weight, x2 = ctx.saved_tensors
        dtype = grad.dtype
        x1, weight, x2, grad = (pointwise.opmath(a) for a in (x1, weight, x2, grad))
        grads = [np.einsum("no,oij,nj->ni", grad, weight, x2) if ctx.needs_input_grad[0] else None,
                 np.einsum("no,ni,nj->oij", grad, x1, x2) if ctx.needs_input_grad[1] else None,
                 np.einsum("no,ni,oij->nj", grad, x1, weight) if ctx.needs_input_grad[2] else None]
        return tuple(None if g is None else g.astype(dtype, copy=False) for g in grads)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x1^T A x2 + b for each output feature: out[..., o] = sum over i, j of input1[..., i] weight[o, i, j]
    input2[..., j] + bias[o] (how two inputs interact, e.g. a question and an answer). As torch: the inputs seen
    as (N, in) matrices, torch's `_trilinear` (TrilinearBackward0), the batch shape put back, the bias added."""
    for position, name, value in ((1, "input1", input1), (2, "input2", input2), (3, "weight", weight)):
        _check_tensor_argument("bilinear", name, position, value, optional=False)
    _check_tensor_argument("bilinear", "bias", 4, bias)
    tensors = [("input1", input1), ("input2", input2), ("weight", weight)] + ([("bias", bias)] if bias is not None
                                                                             else [])
    if len({t._data.dtype for _, t in tensors}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ", ".join(f"{name}: {cpp_type_name(t._data.dtype)}" for name, t in tensors))
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}")
    for i in range(input1.dim() - 1):
        if input1.size(i) != input2.size(i):
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {input1.size(i)} "
                               f"and {input2.size(i)}")
    if input1.size(input1.dim() - 1) != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.size(input1.dim() - 1)} "
                           f"but expected {weight.size(1)}")
    if input2.size(input2.dim() - 1) != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.size(input2.dim() - 1)} "
                           f"but expected {weight.size(2)}")
    if bias is not None and bias.size(0) != weight.size(0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.size(0)} but expected "
                           f"{weight.size(0)}")
    if input1._data.dtype == np.bool_:  # (torch's _trilinear multiplies with bmm)
        raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
    output_size = [*input1.shape[:-1], weight.size(0)]
    output = _TrilinearOp.apply(input1.reshape(-1, input1.size(-1)), weight,
                                input2.reshape(-1, input2.size(-1))).reshape(output_size)
    return output if bias is None else output + bias


__all__ += ["bilinear"]


# ====================================================================== attention (nn/modules/transformer.py)
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, *, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value: each query's output is an average of the values, weighted
    by how well the query matches each key. Shapes (..., L, E), (..., S, E), (..., S, Ev) -> (..., L, Ev).

    torch's math reference: `scale` defaults to 1/sqrt(E) and is applied as sqrt(scale) to both query and key;
    a bool `attn_mask` is True where attending is allowed (added as 0 or -inf), a float one is added;
    `is_causal` lets position i see positions <= i; a row that can see nothing gives 0 (not NaN);
    float16 is computed in float32."""
    _check_attention_arguments(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    _read_mask_like_cpu_kernel_choice(query, key, value, attn_mask, dropout_p, enable_gqa)
    dtype = query.dtype
    if dtype == dt.float16:  # (torch keeps the intermediates of half inputs in float32)
        query, key, value = query.float(), key.float(), value.float()
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                               "is_causal=True")
        attn_mask = _creation.ones(query.shape[-2], key.shape[-2], dtype=dt.bool_).tril()
    key, value = _grouped_query_heads(query, key, value, enable_gqa)
    if scale is None:
        scale = 1 / math.sqrt(query.shape[-1]) if query.shape[-1] else math.inf
    root = math.sqrt(abs(scale))  # (the sign goes to the query)
    scores = (query * math.copysign(root, scale)).matmul(key.transpose(-2, -1) * root)
    if attn_mask is not None:
        scores = scores.add_(_attention_bias(attn_mask, dtype))  # (in place, as torch: the mask cannot grow it)
    weights = _safe_softmax(scores)
    if dropout_p > 0.0:
        weights = _dropout("dropout", weights, dropout_p, True, False)
    return weights.matmul(value).to(dtype)


def _check_attention_arguments(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
                               dropout_p: float, is_causal: bool, scale: Any, enable_gqa: bool) -> None:
    """torch's argument parser, then its `validate_sdpa_input`."""
    for position, (name, tensor) in enumerate([("query", query), ("key", key), ("value", value)], 1):
        _check_tensor_argument("scaled_dot_product_attention", name, position, tensor, optional=False)
    _check_tensor_argument("scaled_dot_product_attention", "attn_mask", 4, attn_mask)
    _check_scalar_argument("scaled_dot_product_attention", "dropout_p", 5, dropout_p, "float")
    _check_scalar_argument("scaled_dot_product_attention", "is_causal", 6, is_causal, "bool")
    if scale is not None:
        _check_scalar_argument("scaled_dot_product_attention", "scale", None, scale, "float")
    _check_scalar_argument("scaled_dot_product_attention", "enable_gqa", None, enable_gqa, "bool")
    names = [cpp_type_name(t._data.dtype) for t in (query, key, value)]
    if len(set(names)) > 1:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: {names[0]} "
                           f"key.dtype: {names[1]} and value.dtype: {names[2]} instead.")
    if min(query.ndim, key.ndim, value.ndim) < 2:
        raise RuntimeError(f"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: "
                           f"{query.ndim} key.dim: {key.ndim} and value.dim: {value.ndim} instead.")
    if attn_mask is not None and attn_mask.dtype not in (dt.bool_, dt.float32, query.dtype):
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {cpp_type_name(attn_mask._data.dtype)} and  query.dtype: {names[0]} "
                           "instead.")


def _read_mask_like_cpu_kernel_choice(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None,
                                      dropout_p: float, enable_gqa: bool) -> None:
    """torch first asks whether its fused CPU kernel fits, reading the mask's size(-2) once q, k and v qualify
    (4-D, non-empty, one batch size, heads that match or group, no dropout, a mask without grad): a mask of
    fewer than 2 dims raises there, where the math below would broadcast it."""
    tensors = (query, key, value)
    if attn_mask is None or attn_mask.requires_grad or dropout_p > 0.0:
        return
    if any(t.ndim != 4 or t._data.size == 0 for t in tensors) or len({t.shape[0] for t in tensors}) > 1:
        return
    q_heads, k_heads, v_heads = (t.shape[1] for t in tensors)
    if k_heads == v_heads and (q_heads == k_heads or enable_gqa and q_heads % k_heads == 0):
        attn_mask.size(-2)


def _grouped_query_heads(query: Tensor, key: Tensor, value: Tensor, enable_gqa: bool) -> tuple[Tensor, Tensor]:
    """Grouped-query attention: each key/value head serves a group of query heads (dim -3), so it is repeated."""
    if not enable_gqa:
        return key, value
    q_heads, k_heads, v_heads = query.size(-3), key.size(-3), value.size(-3)
    if q_heads == k_heads and q_heads == v_heads:
        return key, value
    if k_heads == 0 or v_heads == 0 or q_heads % k_heads or q_heads % v_heads:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return (key.repeat_interleave(q_heads // k_heads, -3), value.repeat_interleave(q_heads // v_heads, -3))


def _attention_bias(attn_mask: Tensor, dtype: Any) -> Tensor:
    """What is added to the scores: a float mask as it is, a bool one as 0 where allowed and -inf elsewhere."""
    if attn_mask.dtype != dt.bool_:
        return attn_mask
    return _blocked_as_bias(attn_mask.logical_not(), dtype)


def _blocked_as_bias(blocked: Tensor, dtype: Any) -> Tensor:
    """-inf where `blocked` (bool) is True and 0 elsewhere, in `dtype`: added to the scores, it zeroes the weights
    of the blocked positions after the softmax."""
    return _creation.zeros_like(blocked, dtype=dtype).masked_fill(blocked, -math.inf)


def _safe_softmax(scores: Tensor) -> Tensor:
    """softmax over the last dim, with 0 (not NaN) for a row whose scores are all -inf (it may attend nothing)."""
    blind = (scores == -math.inf).all(-1, keepdim=True)
    return scores.masked_fill(blind, 0.0).softmax(-1).masked_fill(blind, 0.0)


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
                                 bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight: Tensor, out_proj_bias: Tensor | None, training: bool = True,
                                 key_padding_mask: Tensor | None = None, need_weights: bool = True,
                                 attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
                                 q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
                                 v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
                                 static_v: Tensor | None = None, average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """`nn.MultiheadAttention`'s computation on (L, N, E) query and (S, N, E) key and value (or unbatched (L, E)):
    project query, key and value, split the embedding into `num_heads` heads of E/num_heads, run scaled
    dot-product attention in each head independently, concatenate the heads and project the result.

    Returns (output, attention weights, averaged over the heads unless `average_attn_weights=False`, or None
    without `need_weights`). Masks: True (or -inf) where a query may NOT attend; torch's steps and checks."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:  # (computed as a batch of one)
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask",
                                       query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # (the hint alone is passed to scaled_dot_product_attention)
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False  # (the merged mask is no longer causal)
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    q, k, v = _mha_in_projection(query, key, value, in_proj_weight, in_proj_bias, use_separate_proj_weight,
                                 q_proj_weight, k_proj_weight, v_proj_weight)
    if attn_mask is not None:
        attn_mask = _mha_attn_mask_3d(attn_mask, bsz * num_heads, tgt_len, src_len)
    if bias_k is not None and bias_v is not None:  # one more key and value, learned, for every sequence
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = _functions.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _functions.cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    # heads become batch entries: (L, N, E) -> (N * heads, L, head_dim)
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _mha_heads(k, static_k, "static_k", bsz * num_heads, head_dim)
    v = _mha_heads(v, static_v, "static_v", bsz * num_heads, head_dim)
    if add_zero_attn:  # one more all-zero key and value
        k = _functions.cat([k, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], dim=1)
        v = _functions.cat([v, _creation.zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], dim=1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    src_len = k.size(1)
    if key_padding_mask is not None:  # merged into the attention mask, per sequence and head
        _check_key_padding_mask(key_padding_mask, src_len, bsz)
        key_padding_mask = (key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
                            .reshape(bsz * num_heads, 1, src_len))
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        return _mha_with_weights(q, k, v, attn_mask, dropout_p, is_causal, out_proj_weight, out_proj_bias,
                                 (tgt_len, bsz, num_heads, embed_dim), average_attn_weights, is_batched)
    if attn_mask is not None:  # (N * heads, L or 1, S) -> (N, heads, L or 1, S), or (1, 1, L, S)
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.size(0) == 1 else attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k, v = (t.view(bsz, num_heads, src_len, head_dim) for t in (k, v))
    attn_output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    attn_output = attn_output.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    attn_output = linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
    return (attn_output if is_batched else attn_output.squeeze(1)), None


def _mha_with_weights(q: Tensor, k: Tensor, v: Tensor, attn_mask: Tensor | None, dropout_p: float, is_causal: bool,
                      out_proj_weight: Tensor, out_proj_bias: Tensor | None, sizes: tuple, average: bool,
                      is_batched: bool) -> tuple[Tensor, Tensor]:
    """The attention written out, to return its weights: softmax(q k^T / sqrt(head_dim) + mask) v (a fully
    masked row gives NaN here, as in torch)."""
    tgt_len, bsz, num_heads, embed_dim = sizes
    q_scaled = q * math.sqrt(1.0 / float(q.shape[-1]))
    if is_causal and attn_mask is None:
        raise AssertionError("FIXME: is_causal not implemented for need_weights")
    if attn_mask is not None:
        weights = attn_mask.baddbmm(q_scaled, k.transpose(-2, -1))
    else:
        weights = q_scaled.bmm(k.transpose(-2, -1))
    weights = softmax(weights, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    attn_output = weights.bmm(v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    attn_output = linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
    weights = weights.view(bsz, num_heads, tgt_len, k.size(1))
    if average:
        weights = weights.mean(dim=1)
    if not is_batched:
        return attn_output.squeeze(1), weights.squeeze(0)
    return attn_output, weights


def _mha_shape_check(query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Tensor | None,
                     attn_mask: Tensor | None, num_heads: int) -> bool:
    """Whether the input is batched (3-D query) or not (2-D), with torch's checks of the other shapes."""
    if query.dim() not in (2, 3):
        raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                             "tensor")
    batched = query.dim() == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.dim() != query.dim() or value.dim() != query.dim():
        raise AssertionError(f"For {kind} `query`, expected `key` and `value` to be {query.dim()}-D but found "
                             f"{key.dim()}-D and {value.dim()}-D tensors respectively")
    if key_padding_mask is not None and key_padding_mask.dim() != query.dim() - 1:
        raise AssertionError(f"For {kind} `query`, expected `key_padding_mask` to be `None` or {query.dim() - 1}-D "
                             f"but found {key_padding_mask.dim()}-D tensor instead")
    if attn_mask is not None and attn_mask.dim() not in (2, 3):
        raise AssertionError(f"For {kind} `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found "
                             f"{attn_mask.dim()}-D tensor instead")
    expected = (num_heads, query.shape[0], key.shape[0])
    if not batched and attn_mask is not None and attn_mask.dim() == 3 and attn_mask.shape != expected:
        raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}")
    return batched


def _canonical_mask(mask: Tensor | None, mask_name: str, other_type: Any, other_name: str, target_type: Any,
                    check_other: bool = True) -> Tensor | None:
    """A mask as what is added to the scores: a float mask as it is, a bool one as -inf where True."""
    if mask is None:
        return None
    if mask.dtype != dt.bool_ and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both "
                      "instead.", stacklevel=3)
    return mask if mask.is_floating_point() else _blocked_as_bias(mask, target_type)


def _none_or_dtype(input: Tensor | None) -> Any:
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError(f"input to _none_or_dtype() must be None or {PACKAGE}.Tensor")


def _mha_in_projection(query: Tensor, key: Tensor, value: Tensor, in_proj_weight: Tensor | None,
                       in_proj_bias: Tensor | None, separate: bool, q_proj_weight: Tensor | None,
                       k_proj_weight: Tensor | None, v_proj_weight: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """query @ W_q^T + b_q, key @ W_k^T + b_k, value @ W_v^T + b_v: from the packed (3E, E) `in_proj_weight`,
    or from three separate weights (when key and value have other sizes than the query)."""
    if not separate:
        if key.shape != value.shape:
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        if key is value:
            return _packed_in_projection(query, key, in_proj_weight, in_proj_bias)
        weights = in_proj_weight.chunk(3)
    else:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        for name, weight in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if weight is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")
        weights = _mha_checked_weights(query, key, value, (q_proj_weight, k_proj_weight, v_proj_weight), in_proj_bias)
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), weights, biases))


def _packed_in_projection(query: Tensor, key: Tensor, weight: Tensor, bias: Tensor | None
                          ) -> tuple[Tensor, Tensor, Tensor]:
    """torch's shortcuts when key is value: self-attention (query too) in one product with the whole (3E, E)
    weight, else the query with its E rows and key and value together with the other 2E."""
    e = query.size(-1)
    if query is key:
        packed = linear(query, weight, bias).unflatten(-1, (3, e)).movedim(-2, 0).contiguous()
        return packed[0], packed[1], packed[2]
    w_q, w_kv = weight.split([e, e * 2])
    b_q, b_kv = (None, None) if bias is None else bias.split([e, e * 2])
    kv = linear(key, w_kv, b_kv).unflatten(-1, (2, e)).movedim(-2, 0).contiguous()
    return linear(query, w_q, b_q), kv[0], kv[1]


def _mha_checked_weights(query: Tensor, key: Tensor, value: Tensor, weights: tuple, in_proj_bias: Tensor | None
                         ) -> tuple:
    """torch's shape checks of separate projection weights (E, E), (E, kdim), (E, vdim) and their biases."""
    e_q = query.size(-1)
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    for name, x, weight in zip(("query", "key", "value"), (query, key, value), weights):
        if weight.shape != (e_q, x.size(-1)):
            raise AssertionError(f"expecting {name} weights shape of {(e_q, x.size(-1))}, but got {weight.shape}")
    for name, bias in zip(("query", "key", "value"), biases):
        if bias is not None and bias.shape != (e_q,):
            raise AssertionError(f"expecting {name} bias shape of {(e_q,)}, but got {bias.shape}")
    return weights


def _mha_attn_mask_3d(attn_mask: Tensor, batch_heads: int, tgt_len: int, src_len: int) -> Tensor:
    """A 2-D (L, S) mask as (1, L, S); a 3-D one must be (N * heads, L, S)."""
    if attn_mask.dim() == 2:
        if attn_mask.shape != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                               f"{(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.dim() == 3:
        if attn_mask.shape != (batch_heads, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                               f"{(batch_heads, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")


def _mha_heads(x: Tensor, static: Tensor | None, name: str, batch_heads: int, head_dim: int) -> Tensor:
    """(S, N, E) -> (N * heads, S, head_dim), or the given `static` keys (values) of that shape."""
    if static is None:
        return x.view(x.shape[0], batch_heads, head_dim).transpose(0, 1)
    if static.size(0) != batch_heads:
        raise AssertionError(f"expecting {name}.size(0) of {batch_heads}, but got {static.size(0)}")
    if static.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {static.size(2)}")
    return static


def _check_key_padding_mask(key_padding_mask: Tensor, src_len: int, bsz: int) -> None:
    if key_padding_mask.shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}")
    if key_padding_mask.shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                             f"{key_padding_mask.shape[1]}")
