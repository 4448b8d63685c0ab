"""Adagrad: divide each gradient coordinate by the root of the sum of its past squares.

For each parameter (torch's `_single_tensor_adagrad`, same order of operations):

    t = t + 1
    g = -g                                        if maximize
    g = g + weight_decay * p                      if weight_decay (refused for a sparse gradient)
    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g;  p = p - clr * g / (sqrt(s) + eps)

`s` starts at `initial_accumulator_value`. A row-sparse gradient (`EmbeddingBag(sparse=True)`)
updates `s` and `p` on its rows only, so a step costs rows x D, not the size of the table.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._sparse import RowSparseGrad
from .._tensor import Tensor
from ..kernels import sparse_rows
from .optimizer import Optimizer, check_fused, check_non_negative, check_tensor_lr


class Adagrad(Optimizer):
    """`Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
    foreach=None, *, maximize=False, differentiable=False, fused=None)` (the flags: see `Optimizer`)."""

    _checkpoint_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        check_tensor_lr(lr)
        check_non_negative({"learning rate": lr, "lr_decay value": lr_decay, "weight_decay value": weight_decay,
                            "initial_accumulator_value value": initial_accumulator_value, "epsilon value": eps})
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        for group in self.param_groups:  # (as torch: the state of every parameter exists before any step)
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p: Tensor) -> None:
        """`step` 0 and `sum` filled with the constructor's `initial_accumulator_value` (not the group's)."""
        if p.is_sparse:  # (a sparse gradient given as a parameter: torch's `full_like` refuses it)
            raise RuntimeError("memory format option is only supported by strided tensors")
        state = self.state[p]
        state["step"] = Tensor._make(np.array(0.0, dtype=np.float32))
        state["sum"] = Tensor._make(np.full_like(p._data, self.defaults["initial_accumulator_value"]))

    def _update_group(self, group: dict[str, Any]) -> None:
        with_grad = [p for p in group["params"] if p._grad is not None]
        if group["fused"] and any(isinstance(p._grad, RowSparseGrad) for p in with_grad):
            raise RuntimeError("`fused` does not support sparse grad or complex param")  # (its kernel is dense)
        self._check_step_flags(group, with_grad)
        for p in with_grad:
            if not self.state[p]:  # (a state dict loaded without this parameter's state)
                self._init_state(p)
        for p in with_grad:
            grad = p._grad
            self._update_param(p, grad if isinstance(grad, RowSparseGrad) else grad._data, group)

    def _update_param(self, p: Tensor, grad: np.ndarray | RowSparseGrad, group: dict[str, Any]) -> None:
        state = self.state[p]
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if group["maximize"]:
            grad = -grad
        sparse = isinstance(grad, RowSparseGrad)
        if group["weight_decay"] != 0:
            if sparse:
                raise RuntimeError("weight_decay option is not compatible with sparse gradients")
            grad = grad + group["weight_decay"] * p._data
        clr = float(group["lr"]) / (1 + (step - 1) * group["lr_decay"])
        if sparse:
            self._sparse_update(p, grad.coalesce(), state["sum"]._data, clr, group["eps"])
        else:
            state_sum = state["sum"]._data
            state_sum += grad * grad
            std = np.sqrt(state_sum)
            std += group["eps"]
            p._data += -clr * grad / std

    @staticmethod
    def _sparse_update(p: Tensor, grad: RowSparseGrad, state_sum: np.ndarray, clr: float, eps: float) -> None:
        """`sum` and `p` change on the gradient's rows only (coalesced: the update is non-linear)."""
        rows, values = grad.rows, grad.row_values
        sparse_rows.add_rows_(state_sum, rows, values * values, 1.0)
        std = np.sqrt(np.take(state_sum, rows, axis=0))
        std += eps
        sparse_rows.add_rows_(p._data, rows, values / std, -clr)
