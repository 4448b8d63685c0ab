"""A model's parameters as one flat vector and back, as `torch.nn.utils.parameters_to_vector`.

Handy to look at all the weights at once (their norm, a histogram) or to hand them to an
optimizer written for vectors. Every tensor lives on the CPU here, so torch's check that all
parameters share one device has nothing to refuse: it only reads each parameter's `device` first
(what anything but a tensor fails on, as in torch).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..._dtype import PACKAGE
from ..._functions import cat
from ..._tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated, in order (a new tensor, differentiable as `cat`)."""
    return cat([_checked(param).view(-1) for param in parameters])


def _checked(param: Tensor) -> Tensor:
    """`param`, after torch's device check: all on the CPU here, so only its reading of `param.device.type`."""
    param.device.type  # noqa: B018 (read for its AttributeError)
    return param


def _typename(obj: Any) -> str:
    """`torch.typename`: a builtin's bare name, otherwise `module.QualifiedName`."""
    module = getattr(type(obj), "__module__", "") or ""
    name = type(obj).__qualname__
    return name if module in ("", "builtins") else f"{module}.{name}"


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of `vec` into the parameters (their `.data` becomes a view of `vec`)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected {PACKAGE}.Tensor, but got: {_typename(vec)}")
    pointer = 0
    for param in parameters:
        num_param = _checked(param).numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
