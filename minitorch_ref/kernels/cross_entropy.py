"""Cross-entropy of logits against class indices, without the one-hot matrix.

Reference rule, with Y the one-hot matrix of the targets (Y[i, t_i] = 1):

    log_p = x - logsumexp(x)                        (per row; stable: subtract the row max first)
    loss_i = -sum_c Y[i, c] * log_p[i, c]
    d loss_i / d x_i = softmax(x_i) - Y_i

The kernel never builds Y: the loss picks `log_p[i, t_i]`, the gradient is the softmax with
1 subtracted at `(i, t_i)`. Rows whose target is `ignore_index` get loss 0 and gradient 0.
One pass over the (predictions x classes) logits, as in torch.
"""
from __future__ import annotations

import numpy as np


def log_softmax_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log_p, p) of each row of logits, computed stably."""
    shifted = x - x.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    return shifted - np.log(total), exp / total


def cross_entropy_reference(x: np.ndarray, target: np.ndarray, ignore_index: int = -100) -> tuple[np.ndarray, np.ndarray]:
    """(per-row losses, per-row gradients d loss_i / d x_i), with the one-hot matrix."""
    valid = target != ignore_index
    one_hot = np.zeros(x.shape, dtype=x.dtype)
    one_hot[np.flatnonzero(valid), target[valid]] = 1
    log_p, p = log_softmax_rows(x)
    return -(one_hot * log_p).sum(axis=1), (p - one_hot) * valid[:, None]


def cross_entropy_rows(x: np.ndarray, target: np.ndarray, valid: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(per-row losses, softmax p): what the loss and its gradient need. `valid` marks the rows
    that count (None: every row); the others (an ignored target) get loss 0.

    loss_i = -log_p[i, t_i] = log(sum(exp(shifted_i))) - shifted[i, t_i]: the same float
    (a negated difference is exact), without the (rows x classes) log_p."""
    shifted = x - x.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    picked = shifted[np.arange(len(target)), target if valid is None else np.where(valid, target, 0)]
    losses = np.log(total[:, 0]) - picked
    if valid is not None:
        losses = np.where(valid, losses, 0)
    exp /= total  # the softmax, in place
    return losses.astype(x.dtype, copy=False), exp


def cross_entropy_grad(p: np.ndarray, target: np.ndarray, valid: np.ndarray | None, scale: np.ndarray) -> np.ndarray:
    """d loss / d x = (p - one_hot) * scale, rows not `valid` 0 (valid None: every row counts);
    `scale` is per row (n, 1) or one number (1, 1)."""
    grad = p * scale
    if valid is None:  # (the usual case: no row ignored)
        grad[np.arange(len(p)), target] -= scale.reshape(-1)
        return grad
    rows = np.flatnonzero(valid)
    grad[rows, target[rows]] -= np.broadcast_to(scale, (len(p), 1))[rows, 0]
    grad[~valid] = 0
    return grad
