"""Padding layers: `F.pad` with a fixed `padding` ((left, right) of the last dim, then (top, bottom) of the
one before; one int for every side), by mode: zeros or a constant value, a reflection, a replication of
the edge, or a wrap around (circular). The 1d layers pad the last dim, the 2d ones the last two, the 3d ones the last three."""
from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .conv import _ntuple
from .module import Module


class _Pad(Module):
    """Pads with copies of the input's elements (`mode`: 'reflect', 'replicate' or 'circular') on `sides` sides."""

    mode, sides = "", 0

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _ntuple(padding, self.sides)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPad(_Pad):
    """Pads with `value`."""

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPad):
    """Pads the last dim with `value`: padding = (left, right)."""

    sides = 2


class ConstantPad2d(_ConstantPad):
    """Pads the last two dims with `value`: padding = (left, right, top, bottom)."""

    sides = 4


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _Pad.extra_repr


class ZeroPad2d(ConstantPad2d):
    """Pads the last two dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _Pad.extra_repr


class ReflectionPad1d(_Pad):
    """Pads the last dim with its mirror image, the edge not repeated ([1, 2, 3] by 2: [3, 2, 1, 2, 3, 2, 1])."""

    mode, sides = "reflect", 2


class ReflectionPad2d(_Pad):
    """Pads the last two dims with their mirror image, the edges not repeated."""

    mode, sides = "reflect", 4


class ReplicationPad1d(_Pad):
    """Pads the last dim with copies of its edge elements ([1, 2, 3] by 2: [1, 1, 1, 2, 3, 3, 3])."""

    mode, sides = "replicate", 2


class ReplicationPad2d(_Pad):
    """Pads the last two dims with copies of their edge elements."""

    mode, sides = "replicate", 4


class _CircularPad(_Pad):
    """Pads by wrapping around ([1, 2, 3] by 2: [2, 3, 1, 2, 3, 1, 2]); checks the input's dims first, as torch."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        dims = (self.sides // 2 + 1, self.sides // 2 + 2)  # (unbatched, batched)
        if input.dim() not in dims:
            raise ValueError(f"expected {dims[0]}D or {dims[1]}D input (got {input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPad):
    """Pads the last dim by wrapping around: (C, L) or (N, C, L)."""

    sides = 2


class CircularPad2d(_CircularPad):
    """Pads the last two dims by wrapping around: (C, H, W) or (N, C, H, W)."""

    sides = 4


class ConstantPad3d(_ConstantPad):
    """Pads the last three dims with `value`: padding = (left, right, top, bottom, front, back)."""

    sides = 6


class ZeroPad3d(ConstantPad3d):
    """Pads the last three dims with zeros."""

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _Pad.extra_repr


class ReflectionPad3d(_Pad):
    """Pads the last three dims with their mirror image, the edges not repeated."""

    mode, sides = "reflect", 6


class ReplicationPad3d(_Pad):
    """Pads the last three dims with copies of their edge elements."""

    mode, sides = "replicate", 6


class CircularPad3d(_CircularPad):
    """Pads the last three dims by wrapping around: (C, D, H, W) or (N, C, D, H, W)."""

    sides = 6
