"""`LayerNorm`: normalise each sample over its last dims (transformers, RNNs), then scale and shift.
`BatchNorm1d`/`BatchNorm2d`: normalise each channel over the batch, with running statistics for eval mode.
`GroupNorm`: each sample's groups of channels; `InstanceNorm1d`/`InstanceNorm2d`: each sample's channels."""
from __future__ import annotations

import numbers
import warnings
from typing import Any

from ... import _creation
from ... import _dtype as dt
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


def _affine_parameters(module: Module, shape: Any, affine: bool, bias: bool, dtype: Any, device: Any) -> None:
    """A normalisation's weight and bias of `shape` (left uninitialised: `reset_parameters` fills them), or None
    for those it lacks (`affine=False`: both; `bias=False`: the bias)."""
    weight = Parameter(_creation.empty(shape, dtype=dtype, device=device)) if affine else None
    module.register_parameter("weight", weight)
    with_bias = affine and bias
    module.register_parameter("bias", Parameter(_creation.empty(shape, dtype=dtype, device=device)) if with_bias
                              else None)


class LayerNorm(Module):
    """`(x - mean) / sqrt(var + eps) * weight + bias` over the last `len(normalized_shape)` dims.

    weight starts at 1 and bias at 0 (torch's init); `elementwise_affine=False` has neither,
    `bias=False` only the weight.
    """

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        # (any integral number, a NumPy int too, is one dim, as torch's numbers.Integral check)
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        # (made by `empty(normalized_shape)` as torch makes them: its errors for the shape)
        _affine_parameters(self, shape, elementwise_affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            self.weight.data.fill_(1.0)
        if self.bias is not None:
            self.bias.data.fill_(0.0)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class _BatchNorm(Module):
    """`(x - mean) / sqrt(var + eps) * weight + bias` per channel (dim 1), the statistics taken over the
    batch (and the positions of each channel: the length, or height and width).

    train(): the batch's mean and biased variance; the running statistics (buffers, saved in the
    state_dict) move towards the batch's mean and unbiased variance by `momentum`
    (`momentum=None`: their plain average over all batches so far, counted in `num_batches_tracked`).
    eval(): the running statistics instead, so that a prediction does not depend on the rest of the
    batch. `affine=False`: no weight and bias; `track_running_stats=False`: no buffers, and the batch's
    statistics in both modes.
    """

    _version = 2  # version 2 saves num_batches_tracked (see _load_own)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, num_features, affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", _creation.zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", _creation.ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", _creation.tensor(0, dtype=dt.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum  # the weight of this batch's statistics
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative average: the k-th batch counts 1/k
                factor = 1.0 / float(self.num_batches_tracked)
        # the batch's statistics in training, and in eval when there are no running ones
        use_batch_stats = self.training or (self.running_mean is None and self.running_var is None)
        update = not self.training or self.track_running_stats  # (buffers only passed to be read or updated)
        return F.batch_norm(input, self.running_mean if update else None, self.running_var if update else None,
                            self.weight, self.bias, use_batch_stats, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")

    def _load_own(self, state_dict: Any, prefix: str, missing: list, unexpected: list, errors: list,
                  assign: bool = False) -> None:
        """torch's rule for checkpoints older than the counter (torch's "version" 1, or no version recorded):
        a missing num_batches_tracked keeps its current value."""
        key = prefix + "num_batches_tracked"
        version = getattr(state_dict, "_metadata", {}).get(prefix[:-1], {}).get("version")
        if self.track_running_stats and key not in state_dict and (version is None or version < 2):
            state_dict = {**state_dict, key: self.num_batches_tracked}
        super()._load_own(state_dict, prefix, missing, unexpected, errors, assign)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) features or (N, C, L) sequences."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of volumes (N, C, D, H, W): each channel over the batch and its D * H * W positions."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class GroupNorm(Module):
    """`(x - mean) / sqrt(var + eps) * weight + bias`, the statistics of each group of num_channels / num_groups
    channels of each sample: independent of the batch (CNNs trained on small batches). weight starts at 1 and
    bias at 0, one per channel; `affine=False` has neither, `bias=False` only the weight."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, num_channels, affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class _InstanceNorm(_BatchNorm):
    """`(x - mean) / sqrt(var + eps) * weight + bias`, the statistics of each channel of each sample (over its
    positions). Unlike batch norm, no weight and bias (`affine=False`) and no running statistics
    (`track_running_stats=False`) by default; with them, eval() uses the running statistics."""

    no_batch_dims = 0  # (the dims of an unbatched input)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input: Tensor) -> None:
        dims = (self.no_batch_dims, self.no_batch_dims + 1)
        if input.dim() not in dims:
            raise ValueError(f"expected {dims[0]}D or {dims[1]}D input (got {input.dim()}D input)")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        feature_dim = input.dim() - self.no_batch_dims
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f"({self.num_features}), but got: {input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          "warning by not passing in num_features, which is not used because affine=False",
                          stacklevel=2)
        if input.dim() == self.no_batch_dims:  # (normalised as a batch of one)
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)

    def _load_own(self, state_dict: Any, prefix: str, missing: list, unexpected: list, errors: list,
                  assign: bool = False) -> None:
        """torch's rule for checkpoints without a version (before 0.4.0, instance norms kept running statistics
        by default): their running statistics are reported, and dropped, when this layer tracks none."""
        version = getattr(state_dict, "_metadata", {}).get(prefix[:-1], {}).get("version")
        stale = [prefix + name for name in ("running_mean", "running_var") if prefix + name in state_dict]
        if version is None and not self.track_running_stats and stale:
            klass, names = type(self).__name__, " and ".join(f'"{key}"' for key in stale)
            errors.append(f"Unexpected running stats buffer(s) {names} for {klass} "
                          f"with track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, this "
                          f"may be expected because {klass} does not track running stats by default since 0.4.0. "
                          f"Please remove these keys from state_dict. If the running stats are actually needed, "
                          f"instead set track_running_stats=True in {klass} to enable them. See the documentation "
                          f"of {klass} for details.")
            state_dict = {key: value for key, value in state_dict.items() if key not in stale}
        super()._load_own(state_dict, prefix, missing, unexpected, errors, assign)

    def _apply_instance_norm(self, input: Tensor) -> Tensor:
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of sequences (N, C, L) or (C, L), per channel of each sample."""

    no_batch_dims = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of images (N, C, H, W) or (C, H, W), per channel of each sample."""

    no_batch_dims = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of volumes (N, C, D, H, W) or (C, D, H, W), per channel of each sample."""

    no_batch_dims = 4
