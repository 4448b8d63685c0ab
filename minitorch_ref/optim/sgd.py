"""Stochastic gradient descent, with torch's momentum, dampening, Nesterov and weight decay.

For each parameter `p` with gradient `g` (torch's `_single_tensor_sgd`, same order):

    g = -g                              if maximize
    g = g + weight_decay * p            if weight_decay
    buf = g (first step), else buf = momentum * buf + (1 - dampening) * g      if momentum
    g = g + momentum * buf (nesterov), else g = buf                              if momentum
    p = p - lr * g

A row-sparse gradient (`EmbeddingBag(sparse=True)`) updates only the rows it names: the
cost of a step grows with the tokens of the batch, not with the size of the vocabulary.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._sparse import RowSparseGrad
from ..kernels import sparse_rows
from .._tensor import Tensor
from .optimizer import Optimizer, check_fused, check_tensor_lr


class SGD(Optimizer):
    """`SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
    foreach=None, differentiable=False, fused=None)` (the flags: see `Optimizer`)."""

    _checkpoint_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                            "fused": False}

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        check_tensor_lr(lr)
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _update_group(self, group: dict[str, Any]) -> None:
        if group["fused"] or group["differentiable"]:  # (torch's other implementations: see `Optimizer`)
            with_grad = [p for p in group["params"] if p._grad is not None]
            if group["fused"] and any(isinstance(p._grad, RowSparseGrad) for p in with_grad):
                raise RuntimeError("`_fused_sgd` does not support sparse gradients")  # (its kernel is dense)
            self._check_step_flags(group, with_grad)
        for p in group["params"]:
            grad = p._grad  # (params are leaves: the slot behind `grad`, without the property's checks)
            if grad is None:
                continue
            if isinstance(grad, RowSparseGrad):
                self._sparse_update(p, grad, group)
            else:
                self._dense_update(p, grad._data, group)

    def _dense_update(self, p: Tensor, grad: np.ndarray, group: dict[str, Any]) -> None:
        lr, momentum, weight_decay = float(group["lr"]), group["momentum"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            grad = grad + weight_decay * p._data
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = Tensor._make(np.array(grad, copy=True))
            else:
                buf._data *= momentum
                buf._data += (1 - group["dampening"]) * grad
            grad = grad + momentum * buf._data if group["nesterov"] else buf._data
        p._data -= lr * grad

    def _sparse_update(self, p: Tensor, grad: RowSparseGrad, group: dict[str, Any]) -> None:
        """The same rule on the rows of a coalesced (duplicates summed) sparse gradient.

        Weight decay would touch every row, so torch refuses it (with the error of its
        `sparse + dense` addition). Momentum works as in torch: the buffer is itself sparse
        and covers every row seen so far.
        """
        if group["weight_decay"] != 0:
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        grad = grad.coalesce()  # (free for EmbeddingBag's gradient: it is built coalesced)
        rows, values = grad.rows, grad.row_values
        if group["maximize"]:
            values = -values
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = RowSparseGrad(rows, values.copy(), grad.shape, coalesced=True)
            else:
                buf = RowSparseGrad(np.concatenate([buf.rows, rows]),
                                    np.concatenate([momentum * buf.row_values, (1 - group["dampening"]) * values]),
                                    grad.shape).coalesce()
            state["momentum_buffer"] = buf
            if group["nesterov"]:
                both = RowSparseGrad(np.concatenate([rows, buf.rows]),
                                     np.concatenate([values, momentum * buf.row_values]), grad.shape).coalesce()
                rows, values = both.rows, both.row_values
            else:
                rows, values = buf.rows, buf.row_values
        sparse_rows.add_rows_(p._data, rows, values, -float(group["lr"]))  # rows distinct: a plain fancy-index update
