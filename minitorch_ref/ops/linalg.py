"""Matrix products. For `out = a @ b`: grad_a = grad @ b^T and grad_b = a^T @ grad."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function

class Matmul(Function):
    """torch.matmul for every rank: 1-D operands get a temporary dim, batches broadcast.

    torch names the node after what its matmul decomposes into for these ranks: a dot, a
    matrix-vector product, a matrix product, a vector-matrix product computed as an mm and
    then squeezed (torch 2.13 reports SqueezeBackward4), a bmm behind a reshape when batched.
    """

    NAMES = {(1, 1): "DotBackward0", (1, 2): "SqueezeBackward4", (2, 1): "MvBackward0", (2, 2): "MmBackward0"}

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.node_name = ctx.NAMES.get((a.ndim, b.ndim)) or _batched_name(a.shape, b.shape)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        # Redo what matmul did: a 1-D `a` is a row (1, k), a 1-D `b` a column (k, 1), and the
        # gradient gets those size-1 dims back. The engine then sums away broadcast batch dims.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = np.matmul(g, np.swapaxes(b2, -1, -2))
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if ctx.needs_input_grad[1]:
            grad_b = np.matmul(np.swapaxes(a2, -1, -2), g)
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b


def _batched_name(sa: tuple, sb: tuple) -> str:
    """torch computes a 2-D `a` times a batch `b` as (b^T @ a^T)^T and copies the result to make it
    contiguous (CloneBackward0) unless it already is: one row, one column, or empty."""
    if len(sa) != 2:
        return "UnsafeViewBackward0"
    return "TransposeBackward0" if sa[0] <= 1 or sb[-1] <= 1 else "CloneBackward0"


class Addmm(Function):
    """`bias + x @ weight.T`: what `nn.Linear` computes for a 2-D input, in one node as torch does."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad_x = grad @ weight if ctx.needs_input_grad[0] else None
        grad_w = grad.T @ x if ctx.needs_input_grad[1] else None
        grad_b = grad.sum(0) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


class LinearNoBias(Addmm):
    """`x @ weight.T` (`Linear(bias=False)`): torch records a plain mm."""

    node_name = "MmBackward0"
