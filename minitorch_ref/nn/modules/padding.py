"""Padding layers: `F.pad` with a fixed `padding` ((left, right) of the last dim, then (top, bottom) of the
one before), by mode: zeros or a constant value, a reflection, a replication of the edge, or a wrap
around (circular)."""
from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .conv import _ntuple
from .module import Module


class _ConstantPad(Module):
    """Pads with `value`."""

    def __init__(self, padding: Any, value: float, sides: int) -> None:
        super().__init__()
        self.padding = _ntuple(padding, sides)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pads the last dim with `value`: padding = (left, right), or one int for both."""

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value, 2)


class ConstantPad2d(_ConstantPad):
    """Pads the last two dims with `value`: padding = (left, right, top, bottom), or one int for all."""

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value, 4)


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ModePad(Module):
    """Pads with copies of the input's elements (`mode`: 'reflect', 'replicate' or 'circular')."""

    mode = ""

    def __init__(self, padding: Any, sides: int) -> None:
        super().__init__()
        self.padding = _ntuple(padding, sides)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_ModePad):
    """Pads the last dim with its mirror image, the edge not repeated ([1, 2, 3] by 2: [3, 2, 1, 2, 3, 2, 1])."""

    mode = "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 2)


class ReflectionPad2d(_ModePad):
    """Pads the last two dims with their mirror image, the edges not repeated."""

    mode = "reflect"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 4)


class ReplicationPad1d(_ModePad):
    """Pads the last dim with copies of its edge elements ([1, 2, 3] by 2: [1, 1, 1, 2, 3, 3, 3])."""

    mode = "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 2)


class ReplicationPad2d(_ModePad):
    """Pads the last two dims with copies of their edge elements."""

    mode = "replicate"

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 4)


class _CircularPad(_ModePad):
    """Pads by wrapping around ([1, 2, 3] by 2: [2, 3, 1, 2, 3, 1, 2]); checks the input's dims first, as torch."""

    mode = "circular"
    dims = (0, 0)  # (the dims of an unbatched input, of a batched one)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in self.dims:
            raise ValueError(f"expected {self.dims[0]}D or {self.dims[1]}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPad):
    """Pads the last dim by wrapping around: (C, L) or (N, C, L)."""

    dims = (2, 3)

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 2)


class CircularPad2d(_CircularPad):
    """Pads the last two dims by wrapping around: (C, H, W) or (N, C, H, W)."""

    dims = (3, 4)

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 4)
