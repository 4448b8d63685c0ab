"""The deprecated, hook-based `nn.utils.weight_norm` (use `nn.utils.parametrizations.weight_norm`).

`weight` is replaced by two parameters, `weight_g` (the length of each slice along `dim`) and `weight_v` (its
direction), and a forward pre-hook recomputes `weight = weight_g * weight_v / ||weight_v||` before each call.
"""
from __future__ import annotations

import warnings
from typing import Any, TypeVar

from ... import _functions as functions
from ..._dtype import PACKAGE
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]

T_module = TypeVar("T_module", bound=Module)


def _forward_pre_hooks(module: Module) -> dict:
    """The module's forward pre-hooks by id (none registered yet: an empty dict)."""
    return module._forward_pre_hooks or {}


class WeightNorm:
    """The forward pre-hook that recomputes `module.<name>` from `<name>_g` and `<name>_v`."""

    name: str
    dim: int

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module: Module) -> Any:
        return functions._weight_norm(getattr(module, self.name + "_v"), getattr(module, self.name + "_g"), self.dim)

    @staticmethod
    def apply(module: Module, name: str, dim: int | None) -> "WeightNorm":
        warnings.warn(f"`{PACKAGE}.nn.utils.weight_norm` is deprecated in favor of "
                      f"`{PACKAGE}.nn.utils.parametrizations.weight_norm`.", FutureWarning, stacklevel=2)
        for hook in _forward_pre_hooks(module).values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(functions.norm_except_dim(weight, 2, fn.dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))  # (a plain attribute, recomputed by the hook)
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module: Module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: T_module, name: str = "weight", dim: int | None = 0) -> T_module:
    """Deprecated: `module.<name>` = `<name>_g * <name>_v / ||<name>_v||`, recomputed before each forward."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module: T_module, name: str = "weight") -> T_module:
    """Undo `weight_norm`: `<name>` is one parameter again, holding the current weight."""
    hooks = _forward_pre_hooks(module)
    for k, hook in hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
