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
from .optimizer import Optimizer, _lerp_, check_fused, check_non_negative, check_tensor_lr


class Adam(Optimizer):
    """`Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
    maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False)`
    (the flags: see `Optimizer`)."""

    _checkpoint_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                            "differentiable": False, "decoupled_weight_decay": False, "fused": None}

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
        check_tensor_lr(lr)
        check_non_negative({"learning rate": lr, "epsilon value": eps})
        for i in range(2):  # (exactly two betas: a shorter sequence fails here with an IndexError, as in torch)
            if not 0.0 <= betas[i] < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
        check_non_negative({"weight_decay value": weight_decay})
        if not all(isinstance(beta, float) for beta in betas[:2]) and not all(isinstance(beta, Tensor)
                                                                            for beta in betas[:2]):
            raise ValueError("betas must be either both floats or both Tensors")  # (so `betas=(0, 0.9)` fails)
        for i in range(2):
            if isinstance(betas[i], Tensor) and foreach and not capturable:
                raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
        # (a tuple even if given a list; a one-element tensor beta becomes 0-dimensional)
        betas = tuple(beta.squeeze() if isinstance(beta, Tensor) and beta.ndim else beta for beta in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _capturable_devices(self, group: dict[str, Any]) -> list[str]:
        """torch's `foreach` Adam does not list "xla" among them."""
        devices = super()._capturable_devices(group)
        return devices[:-1] if group["foreach"] else devices

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps, weight_decay = float(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = (float(beta) for beta in group["betas"])  # (floats or one-element tensors)
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
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As Adam's; the groups keep `decoupled_weight_decay=True` whatever the checkpoint says (as torch)."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
