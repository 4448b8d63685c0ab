"""Adam and AdamW: per-coordinate step sizes from running averages of the gradient and its square.

For each parameter (torch's `_single_tensor_adam`, same order of operations):

    t = t + 1
    g = -g                                   if maximize
    p = p * (1 - lr * weight_decay)          AdamW (decoupled weight decay), or else
    g = g + weight_decay * p                 Adam with weight_decay (an L2 penalty in the gradient)
    m = lerp(m, g, 1 - beta1)                the average gradient
    v = beta2 * v + (1 - beta2) * g * g      the average squared gradient
    v_max = max(v_max, v)                    if amsgrad (then used instead of v)
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, _lerp_, check_non_negative


class Adam(Optimizer):
    """`Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False)`."""

    _checkpoint_defaults = {"amsgrad": False, "maximize": False, "decoupled_weight_decay": False}

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        check_non_negative({"learning rate": lr, "epsilon value": eps})
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        check_non_negative({"weight_decay value": weight_decay})
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, weight_decay = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        for p, grad in self._dense_grads(group, "Adam does not support sparse gradients, please consider "
                                                "SparseAdam instead"):
            state = self.state[p]
            if not state:
                state["step"] = Tensor._make(np.array(0.0, dtype=np.float32))
                state["exp_avg"] = Tensor._make(np.zeros_like(p._data))
                state["exp_avg_sq"] = Tensor._make(np.zeros_like(p._data))
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = Tensor._make(np.zeros_like(p._data))
            step_t, exp_avg, exp_avg_sq = state["step"]._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
            step_t += 1
            step = float(step_t)
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    p._data *= 1 - lr * weight_decay
                else:
                    grad = grad + weight_decay * p._data
            _lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * grad * grad
            step_size = lr / (1 - beta1**step)
            bias_correction2_sqrt = (1 - beta2**step) ** 0.5
            if group["amsgrad"]:
                second_moment = state["max_exp_avg_sq"]._data
                np.maximum(second_moment, exp_avg_sq, out=second_moment)
            else:
                second_moment = exp_avg_sq
            denom = np.sqrt(second_moment) / bias_correction2_sqrt + eps
            p._data -= step_size * exp_avg / denom


class AdamW(Adam):
    """Adam with decoupled weight decay (`p *= 1 - lr * weight_decay`), default `weight_decay=1e-2`."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As Adam's; the groups keep `decoupled_weight_decay=True` whatever the checkpoint says (as torch)."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
