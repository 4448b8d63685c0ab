"""`Optimizer`: parameter groups, per-parameter state, `zero_grad`, `state_dict`.

The update rules live in the subclasses (`SGD`, `Adam`, `RMSprop`). They work directly on
the NumPy arrays behind the parameters (`p._data`), in place and outside autograd: an
optimizer step is plain arithmetic, and for small models the Python overhead of going
through tensor operations would cost more than the arithmetic itself.

Everything else follows torch: `param_groups` is a list of dicts (each with its own
options, defaults filled in from the constructor), `state` maps each parameter to a dict
of tensors, and `state_dict()` replaces parameters by their position so that it can be
saved and loaded into a fresh optimizer over a fresh model.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import numpy as np

from .._sparse import RowSparseGrad
from .._tensor import Tensor, typename
from ..autograd import enable_grad
from ..autograd.inplace import bump_version


class _RequiredParameter:
    """Marks a constructor option that has no default (torch's `optim.optimizer.required`)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def check_fused(fused: bool | None, foreach: bool | None, differentiable: bool) -> None:
    """torch's checks of `fused=True` (SGD, Adam): it is a third implementation, exclusive of the two others."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def check_tensor_lr(lr: float | Tensor) -> None:
    """A learning rate may be a one-element tensor (the steps read its value), as in torch."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def check_non_negative(values: dict[str, float]) -> None:
    """torch's constructor checks (Adam, RMSprop): each value must be >= 0 (NaN fails too)."""
    for what, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {what}: {value}")


class Optimizer:
    """Base class: keeps `param_groups` and `state`; subclasses define `_update_group(group)`.

    torch's implementation flags are accepted and kept in the groups (so that `param_groups`,
    `state_dict()` and `repr` read as torch's), but there is one implementation here:
    `foreach` and `fused` (torch's faster kernels for the same rule) change nothing;
    `capturable` (CUDA graphs) raises as torch raises on the CPU; `differentiable` (a step
    recorded by autograd) raises as torch does for leaf parameters, and is not implemented
    for non-leaf ones.
    """

    #: Options that a checkpoint of an older torch may lack, with the value torch gives them on loading.
    _checkpoint_defaults: dict[str, Any] = {}
    #: Whether a loaded `step` count that is a number becomes a float32 tensor (torch's `__setstate__`s).
    _step_is_tensor = True

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                + typename(params)
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        """torch's layout: the options of each group, sorted, with a blank line between groups."""
        groups = ["\n".join([f"Parameter Group {i}"] + [f"    {key}: {group[key]}" for key in sorted(group)
                                                          if key != "params"])
                  for i, group in enumerate(self.param_groups)]
        return f"{type(self).__name__} (\n" + "\n\n".join(groups) + "\n)"

    def __getstate__(self) -> dict[str, Any]:
        """What a copy (or pickle) keeps, as torch: not the `step` a scheduler wrapped, which calls this optimizer."""
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing options take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in "
                "sets will change between runs. Please use a list instead."
            )
        params = list(params)
        # `model.named_parameters()` gives (name, tensor) pairs: keep the names, as torch does.
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, (Tensor, RowSparseGrad)):  # (torch's sparse gradients are Tensors too)
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(p))
            if not self.defaults.get("differentiable") and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                kind = "with names" if "param_names" in param_group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. cannot add param group "
                                 f"{kind} to the optimizer")
        existing = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: `None` (the default, cheapest) or zeros of the same shape."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad  # (params are leaves: the slot behind `grad`, without the property's checks)
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                elif isinstance(grad, RowSparseGrad):  # a sparse zero has no rows at all
                    values = grad.row_values
                    p._grad = RowSparseGrad(np.empty(0, np.int64), np.empty((0,) + values.shape[1:], values.dtype),
                                            grad.shape, coalesced=True)
                else:  # as torch: out of any graph, then an in-place zero (which counts as a new version)
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; `closure` (if given) recomputes the loss first."""
        if type(self)._update_group is Optimizer._update_group:
            raise NotImplementedError  # (as torch's base class: a subclass defines `step` or `_update_group`)
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._update_groups()
        return loss

    @np.errstate(all="ignore")  # NaN or inf results (0/0 with eps=0...) are silent, as in torch
    def _update_groups(self) -> None:
        for group in self.param_groups:
            self._update_group(group)
            for p in group["params"]:  # each update was an in-place write, as torch's are: count it
                if p._grad is not None:
                    bump_version(p)

    def _update_group(self, group: dict[str, Any]) -> None:
        """The update rule of one group, in place (defined by each subclass)."""
        raise NotImplementedError

    def _dense_grads(self, group: dict[str, Any], message: str) -> list[tuple[Tensor, np.ndarray]]:
        """(param, grad array) pairs of the group; a sparse gradient raises `message` before any update."""
        pairs = [(p, p._grad) for p in group["params"] if p._grad is not None]
        if any(isinstance(g, RowSparseGrad) for _, g in pairs):
            raise RuntimeError(message)
        self._check_step_flags(group, [p for p, _ in pairs])
        return [(p, g._data) for p, g in pairs]

    def _capturable_devices(self, group: dict[str, Any]) -> list[str]:
        """Where torch can run a `capturable` step (not the CPU), as its error message lists them."""
        return ["cuda", "xpu", "hpu", "privateuseone", "xla"]

    def _check_step_flags(self, group: dict[str, Any], params: list[Tensor]) -> None:
        """Refuse the steps that torch's flags ask for and this NumPy implementation cannot take."""
        if not params:
            return
        if group.get("capturable"):
            raise AssertionError("If capturable=True, params and state_steps must be on supported devices: "
                                 f"{self._capturable_devices(group)}.")
        first = next((p for p in params if p.requires_grad), None)
        if group.get("differentiable") and first is not None:
            if first.is_leaf:  # torch's in-place update of the parameter, recorded by autograd, fails
                raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
            raise NotImplementedError("minitorch_ref's optimizers update parameters outside autograd: "
                                      "differentiable=True is not implemented")

    # ------------------------------------------------------------------ saving and loading
    def state_dict(self) -> dict[str, Any]:
        """`{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`, torch's format.

        Parameters are numbered in the order of the groups, so the dict refers to no object
        of this model and can be loaded into an optimizer over an identical fresh model.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)] if isinstance(p, Tensor) else p: v for p, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict()` (of this class, over the same shapes).

        As in torch, the state tensors are taken over, not copied (only cast to the dtype of a
        floating-point parameter when it differs): the optimizer then updates the tensors of
        `state_dict` in place. `copy.deepcopy(state_dict)` first to keep the dict unchanged.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        params_by_index = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                                   chain.from_iterable(g["params"] for g in self.param_groups)))
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in params_by_index:
                param = params_by_index[key]
                state[param] = {name: _cast_state_value(param, name, v, self._step_is_tensor)
                                for name, v in value.items()}
            else:  # state that belongs to no parameter is kept as it is, as torch does
                state[key] = value
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group:  # the checkpoint's names win; without any, the current names stay
                saved.setdefault("param_names", group["param_names"])
            for key, value in self._checkpoint_defaults.items():
                saved.setdefault(key, value)
            new_groups.append(saved)
        self.state = state
        self.param_groups = new_groups


def _cast_state_value(param: Tensor, name: str, value: Any, step_is_tensor: bool = True) -> Any:
    """One loaded state entry, by torch's rule: tensors take the dtype of a floating-point parameter
    (the same tensor when it already has it), except the `step` count, which older checkpoints saved
    as a number (torch makes it a float32 tensor, except SparseAdam's: `step_is_tensor=False`)."""
    if name == "step":
        if step_is_tensor and isinstance(value, (int, float)):
            return Tensor._make(np.array(float(value), dtype=np.float32))
        return value
    dtype = param._data.dtype
    if isinstance(value, RowSparseGrad):
        if dtype.kind != "f" or value.row_values.dtype == dtype:
            return value
        return RowSparseGrad(value.rows, value.row_values.astype(dtype), value.shape, value.is_coalesced())
    if isinstance(value, Tensor):
        return value if dtype.kind != "f" or value._data.dtype == dtype else Tensor._make(value._data.astype(dtype))
    return copy.deepcopy(value)


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """`start.lerp_(end, weight)` in place, with torch's two formulas (the accurate one for each half)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        np.subtract(end, (end - start) * (1 - weight), out=start)
