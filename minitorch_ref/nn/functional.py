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
from typing import Any

import numpy as np

from .._generator import resolve as _random_source
from .._dtype import PACKAGE, torch_type_name
from .._sparse import RowSparseGrad
from .._tensor import Tensor, _cast, _check_broadcast, _check_inplace, _fold, _promote, _result_dtype
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..kernels import cross_entropy as cross_entropy_kernels
from ..kernels import embedding_bag as embedding_bag_kernels
from ..kernels import sparse_rows
from ..ops import linalg, normalization, pointwise, shape

__all__ = [
    "linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "dropout", "embedding", "embedding_bag",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
]

_TYPE_WORD = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
              "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


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
    if input._data.ndim == 2:
        x = input
    else:  # (the batch size spelled out, not -1: with no features -1 would be ambiguous)
        x = input.reshape(math.prod(input._data.shape[:-1]), input._data.shape[-1])
    rows, cols = x._data.shape
    out_features, in_features = weight._data.shape
    if cols != in_features:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} and "
                           f"{in_features}x{out_features})")
    if x._data.dtype != weight._data.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_TYPE_WORD[x.dtype.name]} and "
                           f"{_TYPE_WORD[weight.dtype.name]}")
    if x._data.dtype == np.bool_ and rows * out_features:  # (torch returns an empty result before its kernel)
        if cols:
            raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        if bias is not None:  # (no features: torch's addmm computes `1 * bias` in Long)
            raise RuntimeError("result type Long can't be cast to the desired output type Bool")
    if bias is None and input._data.ndim != 2:  # torch computes this one as `input @ weight.t()`, with its nodes
        return input @ weight.t()
    out = (linalg.Addmm if bias is not None else linalg.LinearNoBias).apply(x, weight, bias)
    return out if input._data.ndim == 2 else out.reshape(*input._data.shape[:-1], out_features)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.Relu.apply(input))
    return input.relu()


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
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if input._data.dtype.kind != "f":  # (torch's noise is floating point, and cannot be written into integers)
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_TYPE_WORD[input._data.dtype.name]}")
    keep = 1.0 - p
    if keep == 0.0:  # as torch: everything dropped, no random draw
        noise = np.zeros(input._data.shape, input._data.dtype)
    else:  # torch's CPU rule: noise = empty_like(input).bernoulli_(1 - p); noise.div_(1 - p)
        noise = _random_source(None).bernoulli_scalar(input._data.size, keep)
        noise = noise.reshape(input._data.shape).astype(input._data.dtype)
        noise /= keep
    mask = Tensor._make(noise)
    return input.mul_(mask) if inplace else input * mask


# ====================================================================== embeddings
def _check_indices(indices: Tensor, name: str, fn: str) -> np.ndarray:
    """Integer indices only (Long or Int), with torch's message."""
    if indices._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"Expected tensor for argument #1 '{name}' to have one of the following scalar types: "
                           f"Long, Int; but got {indices.type()} instead (while checking arguments for {fn})")
    return indices._data.astype(np.int64, copy=False)


def _normalize_padding_idx(padding_idx: int | None, num_embeddings: int, message: str) -> int | None:
    """A negative padding_idx counts from the end, as a Python index."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError(message)
    return padding_idx % num_embeddings


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
    def forward(ctx, weight, indices, padding_idx, sparse):
        ctx.save_for_backward(indices)
        ctx.shape, ctx.padding_idx, ctx.sparse = weight.shape, padding_idx, sparse
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        shape, padding_idx = ctx.shape, ctx.padding_idx
        flat = indices.reshape(-1)
        values = grad.reshape(len(flat), shape[1])  # (not -1: with zero-width rows it would be ambiguous)
        if padding_idx is not None:  # the padding row gets no gradient
            keep = flat != padding_idx
            flat, values = flat[keep], values[keep]
        else:
            values = values.copy()  # a RowSparseGrad owns its values (clipping scales them in place)
        g = RowSparseGrad(flat, values, shape) if ctx.sparse else _rows_summed(flat, values, shape[0])
        return g, None, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of `weight`: output shape is input.shape + (embedding_dim,)."""
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError("minitorch_ref's embedding does not implement max_norm or scale_grad_by_freq")
    indices = _check_indices(input, "indices", "embedding")
    padding_idx = _normalize_padding_idx(padding_idx, weight.shape[0], "Padding_idx must be within num_embeddings")
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return _EmbeddingOp.apply(weight, indices, padding_idx, sparse)


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
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError("minitorch_ref's embedding_bag does not implement max_norm or scale_grad_by_freq")
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
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        starts = None
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' "
            f"(got mode='{mode}'). Please open a feature request on GitHub.")

    indices = _check_indices(input, "indices", "embedding_bag").reshape(-1)
    if starts is None:
        starts = _check_indices(offsets, "indices", "embedding_bag")
        if include_last_offset:
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
    padding_idx = _normalize_padding_idx(padding_idx, num_rows, "padding_idx must be within num_embeddings")
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
def _check_reduction(reduction: str) -> None:
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


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


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean (or sum, or none) of the squared differences."""
    _check_reduction(reduction)
    _warn_size(input, target)
    _check_broadcast(input._data.shape, target._data.shape)
    input, target = _loss_operands(input, target, "mse")
    return _MseLossOp.apply(input, target, reduction)


def _loss_operands(input: Tensor, target: Tensor, kernel: str) -> tuple[Tensor, Tensor]:
    """Both sides of a pointwise loss in their common dtype. torch broadcasts them to one shape first
    (`torch.broadcast_tensors`), so a 0-d side counts with its full dtype; its kernels are floating-point only."""
    if input._data.dtype is target._data.dtype and input._data.dtype.kind == "f":
        return input, target  # (the usual case: nothing to convert)
    common = _fold([input._data.dtype, target._data.dtype])
    if common.kind != "f":
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{torch_type_name(common)}\'')
    return _cast(input, common), _cast(target, common)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean (or sum, or none) of the absolute differences; built from tensor ops, as torch does."""
    _check_reduction(reduction)
    _warn_size(input, target)
    _check_broadcast(input._data.shape, target._data.shape)
    losses = (input - target).abs()
    return losses if reduction == "none" else (losses.mean() if reduction == "mean" else losses.sum())


def _class_rows(array: np.ndarray) -> np.ndarray:
    """(N, C, d1, ...) -> (N*d1*..., C); (C,) -> (1, C): one row of class scores per prediction."""
    if array.ndim > 2:
        array = np.moveaxis(array, 1, -1)
    return array.reshape(-1, array.shape[-1])


def _unrows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    """Inverse of `_class_rows`."""
    if len(shape) > 2:
        moved = (shape[0],) + shape[2:] + (shape[1],)
        return np.moveaxis(rows.reshape(moved), -1, 1)
    return rows.reshape(shape)


def _class_target_weights(target: np.ndarray, num_classes: int, weight: np.ndarray | None, ignore_index: int,
                          label_smoothing: float, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Express an index-target loss as `-sum_c A[i, c] * log_p[i, c]`; returns A and the 'mean' divisor.

    Without smoothing, row i of A is weight[t_i] at column t_i (zero for ignored targets),
    which is NLL. Label smoothing e moves e/C of the mass (times the class weights) onto
    every class. 'mean' divides by the summed weights of the non-ignored targets.
    """
    t = target.reshape(-1).astype(np.int64, copy=False)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= num_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    safe = np.where(valid, t, 0)
    class_w = np.ones(num_classes, dtype=dtype) if weight is None else weight.astype(dtype, copy=False)
    w_t = class_w[safe] * valid
    a = np.zeros((len(t), num_classes), dtype=dtype)
    a[np.arange(len(t)), safe] = w_t * (1 - label_smoothing)
    if label_smoothing:
        a += (label_smoothing / num_classes) * class_w * valid[:, None]
    return a, w_t.sum()


def _weighted_neg_sum(a: np.ndarray, log_p: np.ndarray) -> np.ndarray:
    """-sum_c a[i, c] * log_p[i, c], skipping a == 0 (so a -inf log-probability of a class that is not the
    target does not turn the loss into nan)."""
    terms = a * log_p
    terms[a == 0] = 0
    return -terms.sum(axis=1)


def _finish_loss(ctx, per_row: np.ndarray, a: np.ndarray, divisor: Any, reduction: str, out_shape: tuple,
                 probs: np.ndarray | None) -> np.ndarray:
    """Reduce the per-prediction losses; remember what the backward needs."""
    ctx.save_for_backward(a, probs)
    ctx.divisor, ctx.reduction = divisor, reduction
    if reduction == "none":
        return per_row.reshape(out_shape)
    total = per_row.sum()
    if reduction == "mean":
        total = total / divisor  # everything ignored: 0/0 = nan, as torch
    return np.asarray(total, dtype=per_row.dtype)


def _row_scale(grad: np.ndarray, reduction: str, divisor: Any) -> np.ndarray:
    """The loss gradient per prediction row, as a column to broadcast over classes."""
    if reduction == "none":
        return grad.reshape(-1, 1)
    if reduction == "mean":  # every target ignored: the loss is nan but, as in torch, the gradient is zero
        grad = grad / divisor if divisor else np.zeros_like(grad)
    return np.asarray(grad, dtype=grad.dtype).reshape(1, 1)


class _CrossEntropyOp(Function):
    """log_softmax and the weighted pick in one node: loss_i = -sum_c A[i,c] log p[i,c].

    Gradient with respect to the logits: p_i * sum_c A[i,c] - A[i]  (softmax minus target,
    for one-hot targets). log p = x - max - log(sum(exp(x - max))): finite for logits of 1e4.
    """

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction, label_smoothing, prob_target):
        x = _class_rows(input)
        num_classes = x.shape[1]
        ctx.input_shape = input.shape
        if not (prob_target or label_smoothing) and weight is None:  # plain class indices: no A matrix
            ctx.node_name = _nll_node_name(input.ndim, reduction)
            return _picked_cross_entropy(ctx, x, target, ignore_index, reduction)
        shifted = x - x.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sum_exp = exp.sum(axis=1, keepdims=True)
        log_p = shifted - np.log(sum_exp)
        if prob_target:
            a = _class_rows(target).astype(x.dtype, copy=False)
            if label_smoothing:
                a = a * (1 - label_smoothing) + label_smoothing / num_classes
            if weight is not None:
                a = a * weight.astype(x.dtype, copy=False)
            divisor = x.shape[0]
            out_shape = target.shape[:1] + target.shape[2:] if target.ndim > 1 else ()
            ctx.node_name = "DivBackward1" if reduction == "mean" else "NegBackward0"
            # d loss / d target[i, c] = -(1 - smoothing) * weight[c] * log p[i, c] (probabilities get a gradient)
            ctx.target_grad = -(1 - label_smoothing) * log_p * (1 if weight is None else weight.astype(x.dtype))
        else:
            a, divisor = _class_target_weights(target, num_classes, weight, ignore_index, label_smoothing, x.dtype)
            out_shape = target.shape
            ctx.node_name = "AddBackward0" if label_smoothing else _nll_node_name(input.ndim, reduction)
        ctx.input_shape = input.shape
        per_row = _weighted_neg_sum(a, log_p)
        return _finish_loss(ctx, per_row, a, divisor, reduction, out_shape, exp / sum_exp)

    @staticmethod
    def backward(ctx, grad):
        if ctx.picked:
            probs, target, valid = ctx.saved_tensors
            g = cross_entropy_kernels.cross_entropy_grad(probs, target, valid,
                                                         _row_scale(grad, ctx.reduction, ctx.divisor))
            return _unrows(g, ctx.input_shape), None, None, None, None, None, None
        (a, probs), divisor, reduction = ctx.saved_tensors, ctx.divisor, ctx.reduction
        scale = _row_scale(grad, reduction, divisor)
        g = (probs * a.sum(axis=1, keepdims=True) - a) * scale
        grad_target = _unrows(ctx.target_grad * scale, ctx.input_shape) if ctx.needs_input_grad[1] else None
        return _unrows(g, ctx.input_shape), grad_target, None, None, None, None, None

    picked = False  # True when the loss came from `_picked_cross_entropy`


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
    if reduction == "none":
        return per_row.reshape(target.shape)
    total = per_row.sum()
    if reduction == "mean":
        total = total / ctx.divisor  # everything ignored: 0/0 = nan, as torch
    return np.asarray(total, dtype=per_row.dtype)


def _nll_node_name(ndim: int, reduction: str) -> str:
    """torch runs images (N, C, H, W) through nll_loss2d, and other N-D inputs reshaped to 4-D."""
    if ndim <= 2:
        return "NllLossBackward0"
    return "ViewBackward0" if reduction == "none" and ndim != 4 else "NllLoss2DBackward0"


class _NllLossOp(Function):
    """loss_i = -weight[t_i] * input[i, t_i]: `input` holds log-probabilities (e.g. from LogSoftmax)."""

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        ctx.node_name = _nll_node_name(input.ndim, reduction)
        x = _class_rows(input)
        a, divisor = _class_target_weights(target, x.shape[1], weight, ignore_index, 0.0, x.dtype)
        ctx.input_shape = input.shape
        return _finish_loss(ctx, _weighted_neg_sum(a, x), a, divisor, reduction, target.shape, None)

    @staticmethod
    def backward(ctx, grad):
        (a, _), divisor, reduction = ctx.saved_tensors, ctx.divisor, ctx.reduction
        return _unrows(-a * _row_scale(grad, reduction, divisor), ctx.input_shape), None, None, None, None


def _check_class_target(input: Tensor, target: Tensor, weight: Tensor | None) -> np.ndarray | None:
    """torch's checks (and their order) for index targets; returns the weight array."""
    shape, target_shape = input._data.shape, target._data.shape
    if len(shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(shape)})")
    if len(shape) != 1 and target_shape and shape[0] != target_shape[0]:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size ({target_shape[0]}).")
    if len(shape) <= 2:
        if len(target_shape) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    elif target_shape != shape[:1] + shape[2:]:
        raise RuntimeError(f"Expected target size {[shape[0], *shape[2:]]}, got {list(target_shape)}")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_TYPE_WORD[target.dtype.name]}")
    num_classes = shape[1] if len(shape) > 1 else shape[0]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != num_classes):
        raise RuntimeError(f"weight tensor should be defined either for all {num_classes} classes or no classes but "
                           f"got weight tensor of shape: {list(weight.shape)}")
    return None if weight is None else weight._data


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices, given log-probabilities (N, C) or (N, C, d1, ...)."""
    _check_reduction(reduction)
    w = _check_class_target(input, target, weight)
    return _NllLossOp.apply(input, target._data, w, ignore_index, reduction)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy from raw logits: class-index targets, or class probabilities of the input's shape."""
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    prob_target = target.is_floating_point() and target.shape == input.shape
    if prob_target:
        if ignore_index != -100:
            raise RuntimeError("ignore_index is not supported for floating point target")
        num_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
        if weight is not None and (weight.ndim != 1 or weight.shape[0] != num_classes):
            raise RuntimeError(f"weight tensor should be defined either for all {num_classes} classes or no classes "
                               f"but got weight tensor of shape: {list(weight.shape)}")
        input, target = _promote(input, target)
        w = None if weight is None else weight._data  # classes are the last axis of the rows: broadcasts
    else:
        w = _check_class_target(input, target, weight)
    # (probability targets are an input with a gradient, as in torch; class indices are not)
    return _CrossEntropyOp.apply(input, target if prob_target else target._data, w, ignore_index, reduction,
                                 label_smoothing, prob_target)


def _check_bce_reduction_and_size(input: Tensor, target: Tensor, reduction: str, message: str) -> None:
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(message)


_BCE_EPSILON = float(np.float32(1e-12))  # torch's guard against 0/0 at x = 0 or 1 (a C float, hence the cast)


class _BinaryCrossEntropyOp(Function):
    """-w [t log x + (1-t) log(1-x)], each log clamped at -100 so x = 0 or 1 gives a finite loss (as torch)."""

    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, input, target, weight, reduction):
        log_x = np.maximum(np.log(input), -100)
        log_1mx = np.maximum(np.log(1 - input), -100)
        losses = -(target * log_x + (1 - target) * log_1mx)
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(input, target, weight, log_x, log_1mx)
        ctx.reduction = reduction
        return _reduce(losses.astype(input.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        (x, t, weight, log_x, log_1mx), reduction = ctx.saved_tensors, ctx.reduction
        g = _reduce_grad(grad, reduction, x.size)
        if weight is not None:
            g = g * weight
        grad_x = g * (x - t) / np.maximum((1 - x) * x, _BCE_EPSILON)
        grad_t = g * (log_1mx - log_x) if ctx.needs_input_grad[1] else None
        return grad_x, grad_t, None, None


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities `input` (in [0, 1], e.g. after a sigmoid)."""
    _check_bce_reduction_and_size(
        input, target, reduction,
        f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is deprecated. "
        "Please ensure they have the same size.")
    if ((input._data < 0) | (input._data > 1)).any():
        raise RuntimeError("all elements of input should be between 0 and 1")
    input, target = _promote(input, target)
    return _BinaryCrossEntropyOp.apply(input, target, None if weight is None else weight._data, reduction)


class _BCEWithLogitsOp(Function):
    """Sigmoid + binary cross-entropy in one stable formula:

        loss = (1 - t) x + lw * softplus(-x),  lw = 1 + (pos_weight - 1) t,
        softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0)   (no overflow for any x).
    """

    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, t, weight, pos_weight, reduction):
        softplus = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)
        lw = 1 if pos_weight is None else 1 + (pos_weight - 1) * t
        losses = (1 - t) * x + lw * softplus
        if weight is not None:
            losses = losses * weight
        ctx.save_for_backward(x, t, weight, pos_weight, softplus)
        ctx.lw, ctx.reduction = lw, reduction
        return _reduce(losses.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        (x, t, weight, pos_weight, softplus), lw, reduction = ctx.saved_tensors, ctx.lw, ctx.reduction
        g = _reduce_grad(grad, reduction, x.size)
        if weight is not None:
            g = g * weight
        e = np.exp(-np.abs(x))
        sig = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        pw = 1 if pos_weight is None else pos_weight
        grad_x = g * (lw * sig - pw * t)
        grad_t = g * ((pw - 1) * softplus - x) if ctx.needs_input_grad[1] else None
        return grad_x, grad_t, None, None, None


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy of logits: stable for any logit; `pos_weight` scales the positive term."""
    _check_bce_reduction_and_size(input, target, reduction,
                                  f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    input, target = _promote(input, target)
    return _BCEWithLogitsOp.apply(input, target, None if weight is None else weight._data,
                                  None if pos_weight is None else pos_weight._data, reduction)


# ====================================================================== added for issue 12
def _float_activation(input: Tensor, name: str) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input._data.dtype.kind != "f":
        kernel = {"gelu": "GeluKernelImpl", "silu": "silu_cpu", "elu": "elu_cpu", "softplus": "softplus_cpu",
                  "leaky_relu": "leaky_relu_cpu"}[name]
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TYPE_WORD[input._data.dtype.name]}\'')


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x) (Phi: the standard normal CDF); approximate='tanh' uses tanh's approximation of it."""
    _float_activation(input, "gelu")
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
    _float_activation(input, "leaky_relu")
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.LeakyReluInplace.apply(input, negative_slope))
    return pointwise.LeakyRelu.apply(input, negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha * (exp(x) - 1) below; `inplace` writes the result into `input`."""
    _float_activation(input, "elu")
    if inplace:
        _check_inplace(input)
        return input._inplace(pointwise.EluInplace.apply(input, alpha))
    return pointwise.Elu.apply(input, alpha)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta: a smooth relu (x itself where beta x > threshold)."""
    _float_activation(input, "softplus")
    return pointwise.Softplus.apply(input, beta, threshold)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) -> rows of 0/1 (int64), one more dim of size num_classes."""
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = tensor._data
    if num_classes == -1:
        if values.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(values.max()) + 1
    if values.size and values.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if values.size and values.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return pointwise.NoGradient.apply(lambda v: (v[..., None] == np.arange(num_classes)).astype(np.int64), tensor)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p over dim, eps): rows (by default) scaled to unit norm."""
    norm = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / norm


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Constant padding: `pad` = (left, right) of the last dim, then of the one before, ...; negative crops."""
    if mode != "constant":
        raise NotImplementedError(f"minitorch_ref pads in 'constant' mode only, not '{mode}'")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    widths = [(0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        d = input.ndim - 1 - i
        left, right = int(pad[2 * i]), int(pad[2 * i + 1])
        if input.shape[d] + left + right < 0:
            raise RuntimeError(f"The input size {input.shape[d]}, plus negative padding {left} and {right} resulted "
                               f"in a negative output size, which is invalid. Check dimension {d} of your input.")
        widths[d] = (left, right)
    for d, (left, right) in enumerate(widths):  # torch crops first (narrow), then pads: each crop must fit alone
        if input.shape[d] + min(left, 0) < 0 or input.shape[d] + min(left, 0) + min(right, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    return shape.ConstantPad.apply(input, tuple(widths), 0 if value is None else value)


__all__ += ["gelu", "silu", "leaky_relu", "elu", "softplus", "one_hot", "normalize", "pad"]


class _SmoothL1LossOp(Function):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta beyond (d = input - target)."""

    node_name = "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, beta):
        diff = input - target
        ctx.save_for_backward(diff)
        ctx.reduction, ctx.beta = reduction, beta
        absolute = np.abs(diff)
        if beta == 0:
            return _reduce(absolute, reduction)
        return _reduce(np.where(absolute < beta, 0.5 * diff * diff / beta, absolute - 0.5 * beta).astype(
            diff.dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        beta = ctx.beta
        local = np.sign(diff) if beta == 0 else np.where(np.abs(diff) < beta, diff / beta, np.sign(diff))
        g = (local * _reduce_grad(grad, ctx.reduction, diff.size)).astype(diff.dtype)
        return g, -g, None, None


class _HuberLossOp(Function):
    """0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) beyond: smooth_l1 times delta."""

    node_name = "HuberLossBackward0"

    @staticmethod
    def forward(ctx, input, target, reduction, delta, out_dtype):
        diff = input - target
        ctx.save_for_backward(diff)
        ctx.reduction, ctx.delta = reduction, delta
        absolute = np.abs(diff)
        return _reduce(np.where(absolute <= delta, 0.5 * diff * diff, delta * (absolute - 0.5 * delta)).astype(
            out_dtype), reduction)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        delta = ctx.delta
        local = np.where(np.abs(diff) <= delta, diff, delta * np.sign(diff))
        g = (local * _reduce_grad(grad, ctx.reduction, diff.size)).astype(diff.dtype)
        return g, -g, None, None, None


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Squared error near zero, absolute error beyond `beta`: robust regression (Fast R-CNN's box loss)."""
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _warn_size(input, target)
    _check_broadcast(input._data.shape, target._data.shape)
    input, target = _loss_operands(input, target, "smooth_l1")
    return _SmoothL1LossOp.apply(input, target, reduction, beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Squared error near zero, `delta` times the absolute error beyond `delta`."""
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    _check_broadcast(input._data.shape, target._data.shape)
    common, out_dtype = _fold([input._data.dtype, target._data.dtype]), input._data.dtype
    if not np.can_cast(common, out_dtype, "same_kind"):  # (torch's result has the input's dtype)
        raise RuntimeError(f"result type {torch_type_name(common)} can't be cast to the desired output type "
                           f"{torch_type_name(out_dtype)}")
    input, target = _loss_operands(input, target, "huber")
    return _HuberLossOp.apply(input, target, reduction, delta, out_dtype)


__all__ += ["smooth_l1_loss", "huber_loss"]


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along `dim` (broadcast): each side normalised first."""
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


def kl_div(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) per element: target * (log(target) - input) (0 where target is 0);
    `input` holds log-probabilities. reduction='batchmean' divides the sum by the batch size (the true KL)."""
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if input._data.dtype.kind != "f" or target._data.dtype.kind != "f":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        losses = pointwise.Xlogy.apply(target, target) - target * input  # (0 log 0 = 0)
    if reduction == "none":
        return losses
    if reduction == "batchmean":
        return losses.sum() / input.shape[0] if input.ndim else losses.sum()  # (torch: no division for 0-d)
    return losses.mean() if reduction == "mean" else losses.sum()


__all__ += ["cosine_similarity", "kl_div"]


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Standardise each sample over its last `len(normalized_shape)` dims (biased variance), then
    `* weight + bias`: the transformer's normalisation, independent of the batch."""
    shape_ = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
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


def _check_layer_norm_dtypes(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> None:
    """torch's CPU rule: the parameters share the input's dtype, except float32 parameters with a float16
    input (computed in float32, returned in float16); no integer inputs."""
    params = [p._data.dtype for p in (weight, bias) if p is not None]
    kind = input._data.dtype
    if params and params[0] != kind:  # (torch's "mixed type" path: the first parameter differs from the input)
        if kind not in (np.float32, np.float16):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
        if any(p != np.float32 for p in params):
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
    elif any(p != kind for p in params):
        other = next(p for p in params if p != kind)
        raise RuntimeError(f"expected scalar type {_TYPE_WORD[kind.name]} but found {_TYPE_WORD[other.name]}")
    elif kind.kind != "f":
        raise NotImplementedError(f'"LayerNormKernelImpl" not implemented for \'{_TYPE_WORD[kind.name]}\'')


__all__ += ["layer_norm"]
