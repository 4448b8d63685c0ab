"""Pooling layers: the maximum or the mean of each window (no parameters; ops/conv.py). `MaxPool1d`/`2d`/`3d`
and `AvgPool1d`/`2d`/`3d` slide a window of kernel_size; the adaptive ones cut the input into output_size
windows (None keeps that dim's size), whatever its size."""
from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .conv import _ntuple
from .module import Module


class _MaxPool(Module):
    """What the max poolings share: their sizes, kept as given, and the repr."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPool):
    """The maximum of each kernel_size window of a sequence (N, C, L) or (C, L), moved by stride (default:
    kernel_size). return_indices=True also returns where each maximum was."""

    def forward(self, input: Tensor) -> Any:
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool1d(Module):
    """The mean of each kernel_size window of a sequence (N, C, L) or (C, L), moved by stride (default:
    kernel_size). Its sizes are kept as tuples of one, as torch's."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_MaxPool):
    """The maximum of each kernel_size window of an image (N, C, H, W) or (C, H, W), moved by stride (default:
    kernel_size, windows side by side). return_indices=True also returns where each maximum was (for
    `MaxUnpool2d` in torch)."""

    def forward(self, input: Tensor) -> Any:
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPool):
    """The maximum of each kernel_size window of a volume (N, C, D, H, W) or (C, D, H, W), moved by stride
    (default: kernel_size). return_indices=True also returns where each maximum was (in D * H * W)."""

    def forward(self, input: Tensor) -> Any:
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool2d(Module):
    """The mean of each kernel_size window, moved by stride (default: kernel_size)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(AvgPool2d):
    """The mean of each kernel_size window of a volume (N, C, D, H, W) or (C, D, H, W), moved by stride (default:
    kernel_size); the same attributes as AvgPool2d."""

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptivePool(Module):
    """What the adaptive poolings share: output_size, kept as given, and the repr."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """The mean of each of output_size windows that tile a sequence (N, C, L) or (C, L)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePool):
    """The mean of each of output_size (H_out, W_out) windows that tile an image (N, C, H, W) or (C, H, W);
    AdaptiveAvgPool2d(1) is the global average pooling before a CNN's classifier."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)


class _AdaptiveMaxPool(_AdaptivePool):
    """An adaptive pooling that can also return where each maximum was."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """The maximum of each of output_size windows that tile a sequence (N, C, L) or (C, L)."""

    def forward(self, input: Tensor) -> Any:
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """The maximum of each of output_size (H_out, W_out) windows that tile an image (N, C, H, W) or (C, H, W)."""

    def forward(self, input: Tensor) -> Any:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveAvgPool3d(_AdaptivePool):
    """The mean of each of output_size (D_out, H_out, W_out) windows that tile a volume (N, C, D, H, W) or
    (C, D, H, W)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool3d(input, self.output_size)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """The maximum of each of output_size (D_out, H_out, W_out) windows that tile a volume (N, C, D, H, W) or
    (C, D, H, W)."""

    def forward(self, input: Tensor) -> Any:
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class _MaxUnpool(Module):
    """What the max unpoolings share: their sizes as tuples of `dims` ints, forward and the repr."""

    dims = 0

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, self.dims)
        self.stride = _ntuple(stride if (stride is not None) else kernel_size, self.dims)
        self.padding = _ntuple(padding, self.dims)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        unpool = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}[self.dims]
        return unpool(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    """A partial inverse of MaxPool1d: each value put back where its maximum was (the pooling's indices), zeros
    elsewhere."""

    dims = 1


class MaxUnpool2d(_MaxUnpool):
    """A partial inverse of MaxPool2d: each value put back where its maximum was, zeros elsewhere (several input
    sizes pool to the same size: output_size picks one)."""

    dims = 2


class MaxUnpool3d(_MaxUnpool):
    """A partial inverse of MaxPool3d: each value put back where its maximum was, zeros elsewhere."""

    dims = 3


class _LPPool(Module):
    """What the power-average poolings share: their arguments, kept as given, forward (norm_type as a float, as
    torch's) and the repr."""

    dims = 0

    def __init__(self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        pool = {1: F.lp_pool1d, 2: F.lp_pool2d, 3: F.lp_pool3d}[self.dims]
        return pool(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPool):
    """The p-norm of each kernel_size window of a sequence: (sum of x ** p) ** (1 / p) (p = 1: the sum; p = inf:
    the maximum of |x|)."""

    dims = 1


class LPPool2d(_LPPool):
    """The p-norm of each kernel_size window of an image (N, C, H, W) or (C, H, W)."""

    dims = 2


class LPPool3d(_LPPool):
    """The p-norm of each kernel_size window of a volume (N, C, D, H, W) or (C, D, H, W)."""

    dims = 3
