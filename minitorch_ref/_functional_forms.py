"""torch's top-level forms of nn.functional's convolution, pooling and normalisation (`torch.conv2d`,
`torch.max_pool2d`, `torch.layer_norm`...), loaded on first use by the package's `__getattr__`.

Some are nn.functional's very functions (in torch too: `torch.conv2d is torch.nn.functional.conv2d`); the others
are torch's native ops, nn.functional's functions with other signatures (no return_indices; the norms'
arguments in another order, all of batch_norm's required), each calling nn.functional's.
"""
from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from .nn import functional as F
from .nn.functional import (adaptive_avg_pool1d, avg_pool1d, bilinear, conv1d, conv2d, conv3d, conv_transpose1d,
                            conv_transpose2d, conv_transpose3d)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
           "adaptive_avg_pool1d", "bilinear"]


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    """`torch.max_pool1d`: `nn.functional.max_pool1d` without return_indices."""
    return F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple:
    """`torch.max_pool1d_with_indices`: (values, indices) of `nn.functional.max_pool1d`."""
    return F.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    """`torch.max_pool2d`: `nn.functional.max_pool2d` without return_indices."""
    return F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    """`torch.max_pool3d`: `nn.functional.max_pool3d` without return_indices."""
    return F.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple:
    """`torch.adaptive_max_pool1d`: always (values, indices)."""
    return F.adaptive_max_pool1d_with_indices(input, output_size)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5, cudnn_enable: bool = True) -> Tensor:
    """`torch.layer_norm`: `nn.functional.layer_norm` (cudnn_enable is accepted and ignored: no cuDNN here)."""
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5, cudnn_enabled: bool = True) -> Tensor:
    """`torch.group_norm`: `nn.functional.group_norm` (cudnn_enabled is ignored)."""
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
               running_var: Tensor | None, training: bool, momentum: float, eps: float,
               cudnn_enabled: bool) -> Tensor:
    """`torch.batch_norm`: `nn.functional.batch_norm` with every argument given, weight and bias first."""
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, running_mean: Tensor | None,
                  running_var: Tensor | None, use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """`torch.instance_norm`: `nn.functional.instance_norm` with every argument given, weight and bias first."""
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


__all__ += ["max_pool1d", "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "adaptive_max_pool1d",
            "layer_norm", "group_norm", "batch_norm", "instance_norm"]
