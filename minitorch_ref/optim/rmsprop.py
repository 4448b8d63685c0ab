"""RMSprop: divide each gradient coordinate by a running root-mean-square of its past values.

For each parameter (torch's `_single_tensor_rmsprop`, same order of operations):

    g = -g                                       if maximize
    g = g + weight_decay * p                     if weight_decay
    s = alpha * s + (1 - alpha) * g * g          the average squared gradient
    a = lerp(a, g, 1 - alpha); avg = sqrt(s - a*a) + eps      if centered (a: the average gradient)
    avg = sqrt(s) + eps                                      otherwise
    buf = momentum * buf + g / avg; p = p - lr * buf          if momentum > 0
    p = p - lr * g / avg                                     otherwise
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _lerp_, check_non_negative, check_tensor_lr


class RMSprop(Optimizer):
    """`RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
    capturable=False, foreach=None, maximize=False, differentiable=False)`: all positional, as in torch
    (the flags: see `Optimizer`)."""

    _checkpoint_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False,
                            "differentiable": False, "capturable": False}

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_tensor_lr(lr)
        check_non_negative({"learning rate": lr, "epsilon value": eps, "momentum value": momentum,
                            "weight_decay value": weight_decay, "alpha value": alpha})
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = float(group["lr"]), group["alpha"], group["eps"]
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        for p, grad in self._dense_grads(group, "RMSprop does not support sparse gradients"):
            state = self.state[p]
            if not state:
                state["step"] = Tensor._make(np.array(0.0, dtype=np.float32))
                state["square_avg"] = Tensor._make(np.zeros_like(p._data))
                if momentum > 0:
                    state["momentum_buffer"] = Tensor._make(np.zeros_like(p._data))
                if group["centered"]:
                    state["grad_avg"] = Tensor._make(np.zeros_like(p._data))
            state["step"]._data += 1
            square_avg = state["square_avg"]._data
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * p._data
            square_avg *= alpha
            square_avg += (1 - alpha) * grad * grad
            if group["centered"]:
                grad_avg = state["grad_avg"]._data
                _lerp_(grad_avg, grad, 1 - alpha)
                avg = np.sqrt(square_avg - grad_avg * grad_avg)
            else:
                avg = np.sqrt(square_avg)
            avg += eps
            if momentum > 0:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                buf += grad / avg
                p._data -= lr * buf
            else:
                p._data -= lr * grad / avg
