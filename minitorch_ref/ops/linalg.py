"""Matrix products. For `out = a @ b`: grad_a = grad @ b^T and grad_b = a^T @ grad."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function

_NAMES = {(2, 2): "MmBackward0", (1, 1): "DotBackward0", (2, 1): "MvBackward0", (3, 3): "BmmBackward0"}


class Matmul(Function):
    """torch.matmul for every rank: 1-D operands get a temporary dim, batches broadcast."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.node_name = _NAMES.get((a.ndim, b.ndim), "UnsafeViewBackward0")
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        a2 = a[None, :] if a.ndim == 1 else a  # promote 1-D operands as matmul did
        b2 = b[:, None] if b.ndim == 1 else b
        g = grad
        if a.ndim == 1:
            g = np.expand_dims(g, -2)
        if b.ndim == 1:
            g = np.expand_dims(g, -1)
        grad_a = grad_b = None
        if ctx.needs_input_grad(0):
            grad_a = np.matmul(g, np.swapaxes(b2, -1, -2))
            grad_a = grad_a.squeeze(-2) if a.ndim == 1 else grad_a
            if a.ndim == 1 and grad_a.ndim > 1:
                grad_a = grad_a.reshape(-1, a.shape[0]).sum(0)
        if ctx.needs_input_grad(1):
            grad_b = np.matmul(np.swapaxes(a2, -1, -2), g)
            grad_b = grad_b.squeeze(-1) if b.ndim == 1 else grad_b
            if b.ndim == 1 and grad_b.ndim > 1:
                grad_b = grad_b.reshape(-1, b.shape[0]).sum(0)
        return grad_a, grad_b


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
        grad_x = grad @ weight if ctx.needs_input_grad(0) else None
        grad_w = grad.T @ x if ctx.needs_input_grad(1) else None
        grad_b = grad.sum(0) if ctx.needs_input_grad(2) else None
        return grad_x, grad_w, grad_b
