"""SparseAdam: Adam for row-sparse gradients (`EmbeddingBag(sparse=True)`), updating only the rows present.

For each parameter, with the rows `r` and values `g` of its coalesced gradient (torch's
`F.sparse_adam`, same order of operations):

    t = t + 1                                      (counted even for an empty gradient)
    g = -g                                         if maximize
    dm = (g - m[r]) * (1 - beta1);  m[r] += dm     the average gradient, of these rows only
    dv = (g*g - v[r]) * (1 - beta2); v[r] += dv    the average squared gradient, of these rows only
    p[r] += -lr * sqrt(1 - beta2**t) / (1 - beta1**t) * (dm + m_old) / (sqrt(dv + v_old) + eps)

The averages of the other rows are not decayed ("lazy" Adam): a step costs rows x D, not
the size of the table. `step` is a plain int, as in torch.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._sparse import RowSparseGrad
from .._tensor import Tensor
from ..kernels import sparse_rows
from .optimizer import Optimizer, check_tensor_lr


class SparseAdam(Optimizer):
    """`SparseAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False)`: sparse gradients only."""

    _step_is_tensor = False  # (torch keeps SparseAdam's step an int, also when loading a checkpoint)

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, maximize: bool = False) -> None:
        check_tensor_lr(lr)
        if not 0.0 < lr:  # (strictly positive, unlike Adam's)
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i in range(2):
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        sparse = [[i, j] for i, group in enumerate(self.param_groups) for j, p in enumerate(group["params"])
                  if p.is_sparse]
        if sparse:
            raise ValueError(f"Sparse params at indices {sparse}: SparseAdam requires dense parameter tensors")

    def _update_group(self, group: dict[str, Any]) -> None:
        """As torch: count the steps (refusing a dense gradient on the way), then update each parameter."""
        with_grad = [p for p in group["params"] if p._grad is not None]
        for p in with_grad:
            if not isinstance(p._grad, RowSparseGrad):
                raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = Tensor._make(np.zeros_like(p._data))
                state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._data))
            state["step"] += 1
        for p in with_grad:
            self._sparse_update(p, p._grad, group)

    def _sparse_update(self, p: Tensor, grad: RowSparseGrad, group: dict[str, Any]) -> None:
        if group.get("maximize", False):
            grad = -grad
        grad = grad.coalesce()  # (the update is non-linear: each row once)
        rows, values = grad.rows, grad.row_values
        if values.size == 0:
            return
        state = self.state[p]
        beta1, beta2 = group["betas"]
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        old_exp_avg = np.take(exp_avg, rows, axis=0)
        exp_avg_update = (values - old_exp_avg) * (1 - beta1)
        sparse_rows.add_rows_(exp_avg, rows, exp_avg_update, 1.0)
        old_exp_avg_sq = np.take(exp_avg_sq, rows, axis=0)
        exp_avg_sq_update = (values * values - old_exp_avg_sq) * (1 - beta2)
        sparse_rows.add_rows_(exp_avg_sq, rows, exp_avg_sq_update, 1.0)
        numer = exp_avg_update + old_exp_avg
        denom = np.sqrt(exp_avg_sq_update + old_exp_avg_sq) + group["eps"]
        step = state["step"]
        step_size = float(group["lr"]) * math.sqrt(1 - beta2**step) / (1 - beta1**step)
        sparse_rows.add_rows_(p._data, rows, numer / denom, -step_size)
