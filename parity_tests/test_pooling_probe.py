"""Pooling, normalisation and padding layers of a text or image CNN, differential probe: each program run on both.

What this proves (torch 2.13 is the reference, compared at test time):
- `F.max_pool1d`/`nn.MaxPool1d` and `F.avg_pool1d`/`nn.AvgPool1d` give torch's values, indices (ties, NaN,
  padding, dilation, ceil_mode, count_include_pad), dtypes and gradients, through torch's graph (the 2-d
  pooling of a height-1 view: SqueezeBackward1), and torch's errors, which differ between max_pool1d's own
  checks (no indices) and max_pool1d_with_indices' (return_indices=True);
- `F.adaptive_avg_pool1d/2d`, `F.adaptive_max_pool1d/2d` and their modules cut the input into torch's windows
  (overlapping when the output is larger), with None keeping a size, a 1 x 1 output taken as a mean (torch's
  MeanBackward1), the nodes AdaptiveAvgPool2DBackward0 / AdaptiveMaxPool2DBackward0, and torch's errors;
- `F.group_norm`/`nn.GroupNorm` and `F.instance_norm`/`nn.InstanceNorm1d/2d` normalise as torch (values,
  gradients of the input, weight and bias, running statistics, train and eval, unbatched inputs, dtype
  rules, NativeGroupNormBackward0 and ViewBackward0) and raise and warn as torch;
- the padding modules (`ZeroPad`, `ConstantPad`, `ReflectionPad`, `ReplicationPad`, `CircularPad`, 1d and 2d)
  keep torch's attributes and repr and pad as `F.pad` does;
- the saved input of every new node is checked for in-place changes before the backward, as torch's.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

NAN, INF = float("nan"), float("inf")
TIES = [[[1.0, 3.0, 3.0, 2.0, 2.0, 1.0, NAN, 0.0, NAN]]]  # (equal maxima, and several NaNs in one window)
LOW = [[[-INF] * 5]]  # (every window's maximum is -inf: which element torch's kernel picks)
NORM_TOLERANCE = (1e-5, 1e-6)  # (statistics summed in another order than torch's kernels)


def graded(build: Callable[[Any, Any], Any], shape: tuple, dtype: str = "float32", seed: int = 0) -> Callable:
    """A program: `build(m, x)` on random x of `shape`, then (for a float x) the backward of a weighted sum of its
    (first) output, so that each output position sends another gradient; returns (output, x.grad)."""
    def program(m: Any) -> Any:
        values = np.random.default_rng(seed).standard_normal(shape)
        floating = dtype.startswith("float")
        x = m.tensor(values if floating else np.round(values * 5), dtype=getattr(m, dtype), requires_grad=floating)
        out = build(m, x)
        first = out[0] if isinstance(out, tuple) else out
        if not first.requires_grad:
            return out
        weights = m.arange(first.numel(), dtype=first.dtype).reshape(first.shape).remainder(7) - 3  # (exact)
        (first * weights).sum().backward()
        return out, x.grad
    return program


def given(values: list, build: Callable[[Any, Any], Any]) -> Callable:
    """A program: `build(m, x)` on x = `values` (float32, requiring grad), and x.grad after its first output's
    weighted backward."""
    def program(m: Any) -> Any:
        x = m.tensor(values, requires_grad=True)
        out = build(m, x)
        first = out[0] if isinstance(out, tuple) else out
        (first * m.arange(1.0, first.numel() + 1).reshape(first.shape)).sum().backward()
        return out, x.grad
    return program


def F(m: Any) -> Any:
    return m.nn.functional


# ---------------------------------------------------------------------------------------- 1-d pooling
POOL1D = {
    "max batched": graded(lambda m, x: F(m).max_pool1d(x, 3), (2, 3, 8)),
    "max unbatched, stride, padding, dilation": graded(lambda m, x: F(m).max_pool1d(x, 3, 2, 1, 2), (3, 9)),
    "max ceil_mode": graded(lambda m, x: F(m).max_pool1d(x, 3, 2, 1, ceil_mode=True), (2, 3, 8)),
    "max indices": graded(lambda m, x: F(m).max_pool1d(x, 2, 1, 1, return_indices=True), (2, 3, 7)),
    "max indices, list sizes": graded(lambda m, x: F(m).max_pool1d(x, [3], [2], [1], [1], True, True), (3, 8)),
    "max float64": graded(lambda m, x: F(m).max_pool1d(x, 2), (2, 2, 5), "float64"),
    "max float16": graded(lambda m, x: F(m).max_pool1d(x, 2, 1), (2, 2, 5), "float16"),
    "max int64 with indices": graded(lambda m, x: F(m).max_pool1d(x, 2, return_indices=True), (2, 3, 6), "int64"),
    "max empty batch": graded(lambda m, x: F(m).max_pool1d(x, 2), (0, 3, 6)),
    "max ties and NaN": given(TIES, lambda m, x: F(m).max_pool1d(x, 3, 2, 1, 2, True, True)),
    "max -inf windows": given(LOW, lambda m, x: F(m).max_pool1d(x, 4, 3, 2, 1, True, True)),
    "avg batched": graded(lambda m, x: F(m).avg_pool1d(x, 3), (2, 3, 8)),
    "avg padding, ceil_mode": graded(lambda m, x: F(m).avg_pool1d(x, 3, 2, 1, ceil_mode=True), (2, 3, 8)),
    "avg count_include_pad=False": graded(lambda m, x: F(m).avg_pool1d(x, 3, 2, 1, True, False), (3, 8)),
    "avg empty stride": graded(lambda m, x: F(m).avg_pool1d(x, 2, ()), (2, 3, 5)),
    "avg int64": graded(lambda m, x: F(m).avg_pool1d(x, 3, 2, 1, True), (2, 3, 8), "int64"),
    "avg float16": graded(lambda m, x: F(m).avg_pool1d(x, 2), (2, 2, 6), "float16"),
    "MaxPool1d": graded(lambda m, x: (m.nn.MaxPool1d(3, 2, 1, return_indices=True)(x), repr(m.nn.MaxPool1d(3))),
                        (2, 3, 8)),
    "AvgPool1d": graded(lambda m, x: (m.nn.AvgPool1d(3, padding=1)(x), repr(m.nn.AvgPool1d(3, padding=1)),
                                      m.nn.AvgPool1d(3).kernel_size), (2, 3, 8)),
}

POOL1D_ERRORS = {
    "max kernel 0": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 0),
    "max kernel too large": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 9),
    "max stride 0": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 0),
    "max padding too large": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 1, 2),
    "max negative padding": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 1, -1),
    "max dilation 0": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, dilation=0),
    "max two kernel sizes": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), (2, 2), 0),
    "max two strides": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, (1, 1)),
    "max two paddings": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 1, (1, 1)),
    "max two dilations": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 1, 0, (1, 1)),
    "max 1-d input": lambda m: F(m).max_pool1d(m.ones(8), 0),
    "max no channels": lambda m: F(m).max_pool1d(m.ones(2, 0, 8), 2),
    "max int64": lambda m: F(m).max_pool1d(m.ones(2, 3, 8, dtype=m.int64), 2),
    "max bool": lambda m: F(m).max_pool1d(m.ones(2, 3, 8, dtype=m.bool), 2),
    "max kernel str": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), "a"),
    "max ceil_mode int": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, 2, 0, 1, 1),
    "max indices 1-d input": lambda m: F(m).max_pool1d(m.ones(8), 2, return_indices=True),
    "max indices two strides": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, (1, 1), return_indices=True),
    "max indices kernel 0": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 0, return_indices=True),
    "max indices dilation 0": lambda m: F(m).max_pool1d(m.ones(2, 3, 8), 2, dilation=0, return_indices=True),
    "max indices no channels": lambda m: F(m).max_pool1d(m.ones(2, 0, 8), 2, return_indices=True),
    "max indices bool": lambda m: F(m).max_pool1d(m.ones(2, 3, 8, dtype=m.bool), 2, return_indices=True),
    "avg kernel 0": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), 0),
    "avg negative kernel": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), -1),
    "avg kernel too large": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), 9),
    "avg padding too large": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), 2, 1, 2),
    "avg 4-d input": lambda m: F(m).avg_pool1d(m.ones(1, 2, 3, 8), 2),
    "avg two kernel sizes": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), (2, 2)),
    "avg no kernel, 1-d input": lambda m: F(m).avg_pool1d(m.ones(8), ()),
    "avg no padding": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), 2, (), ()),
    "avg empty length": lambda m: F(m).avg_pool1d(m.ones(2, 3, 0), 2),
    "avg int32": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8, dtype=m.int32), 2),
    "avg padding None": lambda m: F(m).avg_pool1d(m.ones(2, 3, 8), 2, 1, None),
}


@pytest.mark.parametrize("case", POOL1D)
def test_pool1d_matches_torch(case):
    assert_matches_torch(POOL1D[case], exact=case.startswith("max"), tolerance=(1e-3, 1e-3) if "16" in case else
                         (1e-6, 1e-7))


@pytest.mark.parametrize("case", POOL1D_ERRORS)
def test_pool1d_errors_match_torch(case):
    assert_matches_torch(POOL1D_ERRORS[case])


# ---------------------------------------------------------------------------------------- adaptive pooling
ADAPTIVE = {
    "avg2d": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (3, 2)), (2, 3, 8, 5)),
    "avg2d overlapping windows": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (5, 4)), (2, 2, 3, 3)),
    "avg2d None": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (None, 3)), (3, 4, 7)),
    "avg2d 1 x 1 (a mean)": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, 1), (2, 3, 4, 5)),
    "avg2d 1 x 1 of a 2-d input": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, 1), (4, 5)),
    "avg2d empty output": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (0, 2)), (2, 3, 4, 4)),
    "avg2d empty int64 batch": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (3, 2)), (0, 3, 4, 4), "int64"),
    "avg2d float64": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (3, 4)), (2, 3, 7, 9), "float64"),
    "avg2d float16": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (3, 4)), (2, 3, 7, 9), "float16"),
    "avg2d large windows": graded(lambda m, x: F(m).adaptive_avg_pool2d(x, (2, 3)), (2, 3, 40, 30)),
    "avg2d transposed input": graded(lambda m, x: F(m).adaptive_avg_pool2d(x.transpose(-1, -2), (4, 3)),
                                     (2, 4, 6, 5)),
    "avg1d": graded(lambda m, x: F(m).adaptive_avg_pool1d(x, 3), (2, 3, 8)),
    "avg1d unbatched, larger": graded(lambda m, x: F(m).adaptive_avg_pool1d(x, 12), (3, 8)),
    "avg1d to 1": graded(lambda m, x: F(m).adaptive_avg_pool1d(x, 1), (2, 3, 8)),
    "max2d": graded(lambda m, x: F(m).adaptive_max_pool2d(x, (3, 2), True), (2, 3, 8, 5)),
    "max2d overlapping windows": graded(lambda m, x: F(m).adaptive_max_pool2d(x, (5, 4)), (2, 2, 3, 3)),
    "max2d None": graded(lambda m, x: F(m).adaptive_max_pool2d(x, [None, 2], True), (3, 4, 7)),
    "max2d empty batch": graded(lambda m, x: F(m).adaptive_max_pool2d(x, 2, True), (0, 3, 5, 7)),
    "max2d no channels (unbatched)": graded(lambda m, x: F(m).adaptive_max_pool2d(x, 2), (0, 4, 4)),
    "max2d float16": graded(lambda m, x: F(m).adaptive_max_pool2d(x, 3), (2, 2, 7, 5), "float16"),
    "max1d": graded(lambda m, x: F(m).adaptive_max_pool1d(x, 3, True), (2, 3, 8)),
    "max1d unbatched, larger": graded(lambda m, x: F(m).adaptive_max_pool1d(x, 12), (3, 8)),
    "max1d ties and NaN": given(TIES, lambda m, x: F(m).adaptive_max_pool1d(x, 4, True)),
    "max1d -inf": given(LOW, lambda m, x: F(m).adaptive_max_pool1d(x, 3, True)),
    "AdaptiveAvgPool2d": graded(lambda m, x: (m.nn.AdaptiveAvgPool2d((2, None))(x), repr(m.nn.AdaptiveAvgPool2d(1))),
                                (2, 3, 4, 5)),
    "AdaptiveAvgPool1d": graded(lambda m, x: (m.nn.AdaptiveAvgPool1d(2)(x), repr(m.nn.AdaptiveAvgPool1d(2))),
                                (2, 3, 5)),
    "AdaptiveMaxPool2d": graded(lambda m, x: (m.nn.AdaptiveMaxPool2d(2, True)(x), repr(m.nn.AdaptiveMaxPool2d(2))),
                                (2, 3, 4, 5)),
    "AdaptiveMaxPool1d": graded(lambda m, x: (m.nn.AdaptiveMaxPool1d(3)(x), repr(m.nn.AdaptiveMaxPool1d((3,)))),
                                (3, 7)),
}

ADAPTIVE_ERRORS = {
    "avg2d 2-d input": lambda m: F(m).adaptive_avg_pool2d(m.ones(8, 5), 2),
    "avg2d 5-d input": lambda m: F(m).adaptive_avg_pool2d(m.ones(1, 2, 3, 8, 5), 2),
    "avg2d 1 x 1 of a 1-d input": lambda m: F(m).adaptive_avg_pool2d(m.ones(5), 1),
    "avg2d one size": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 0, 2), (2,)),
    "avg2d three sizes": lambda m: F(m).adaptive_avg_pool2d(m.ones(3, 8, 5), (1, 2, 3)),
    "avg2d negative size": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5), (-1, 2)),
    "avg2d empty height": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 0, 5), (2, 2)),
    "avg2d int64": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5, dtype=m.int64), 2),
    "avg2d int64 to 1 x 1": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5, dtype=m.int64), 1),
    "avg2d float size": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5), 2.0),
    "avg2d str size": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5), "ab"),
    "avg2d 0-d tensor size": lambda m: F(m).adaptive_avg_pool2d(m.ones(2, 3, 8, 5), m.tensor(2)),
    "avg1d 1-d input": lambda m: F(m).adaptive_avg_pool1d(m.ones(8), 2),
    "avg1d two sizes": lambda m: F(m).adaptive_avg_pool1d(m.ones(2, 3, 8), (2, 2)),
    "avg1d None": lambda m: F(m).adaptive_avg_pool1d(m.ones(2, 3, 8), None),
    "avg1d (None,)": lambda m: F(m).adaptive_avg_pool1d(m.ones(2, 3, 8), (None,)),
    "avg1d negative size": lambda m: F(m).adaptive_avg_pool1d(m.ones(2, 3, 8), -1),
    "avg1d empty length": lambda m: F(m).adaptive_avg_pool1d(m.ones(2, 3, 0), 2),
    "max2d 2-d input": lambda m: F(m).adaptive_max_pool2d(m.ones(8, 5), 1),
    "max2d one size": lambda m: F(m).adaptive_max_pool2d(m.ones(3, 1, 2), (2,)),
    "max2d negative size": lambda m: F(m).adaptive_max_pool2d(m.ones(2, 3, 8, 5), (-1, 2)),
    "max2d no channels": lambda m: F(m).adaptive_max_pool2d(m.ones(2, 0, 8, 5), 2),
    "max2d int64": lambda m: F(m).adaptive_max_pool2d(m.ones(2, 3, 8, 5, dtype=m.int64), 1),
    "max2d bool": lambda m: F(m).adaptive_max_pool2d(m.ones(2, 3, 8, 5, dtype=m.bool), 2),
    "max1d 4-d input": lambda m: F(m).adaptive_max_pool1d(m.ones(2, 3, 8, 5), 2),
    "max1d two sizes, empty length": lambda m: F(m).adaptive_max_pool1d(m.ones(2, 3, 0), (2, 2)),
    "max1d no channels": lambda m: F(m).adaptive_max_pool1d(m.ones(2, 0, 8), 2),
    "max1d negative size": lambda m: F(m).adaptive_max_pool1d(m.ones(2, 3, 8), -1),
}


@pytest.mark.parametrize("case", ADAPTIVE)
def test_adaptive_pooling_matches_torch(case):
    """To the bit: the windows' sums added in torch's order, the gradients' shares rounded as torch's (a 1 x 1
    output is `mean`, whose float32 sum torch adds in another order: compared to a tolerance)."""
    assert_matches_torch(ADAPTIVE[case], exact="1 x 1" not in case and "to 1" not in case)


@pytest.mark.parametrize("case", ADAPTIVE_ERRORS)
def test_adaptive_pooling_errors_match_torch(case):
    assert_matches_torch(ADAPTIVE_ERRORS[case])


# ---------------------------------------------------------------------------------------- group and instance norm
def affine(build: Callable[[Any, Any, Any, Any], Any], shape: tuple, dtype: str = "float32",
           param_dtype: str | None = None) -> Callable:
    """`graded` for a normalisation with a weight and a bias (one per channel, requiring grad): their gradients too."""
    def program(m: Any) -> Any:
        channels = shape[1]
        kind = getattr(m, param_dtype or dtype)
        w = m.linspace(0.5, 1.5, channels, dtype=kind).requires_grad_()
        b = m.linspace(-1.0, 1.0, channels, dtype=kind).requires_grad_()
        out, x_grad = graded(lambda m, x: build(m, x, w, b), shape, dtype)(m)
        return out, x_grad, w.grad, b.grad
    return program


NORMS = {
    "group_norm": graded(lambda m, x: F(m).group_norm(x, 2), (2, 4, 5)),
    "group_norm affine": affine(lambda m, x, w, b: F(m).group_norm(x, 3, w, b, 0.1), (3, 6, 2, 3)),
    "group_norm one group": affine(lambda m, x, w, b: F(m).group_norm(x, 1, w, b), (2, 4)),
    "group_norm a group per channel": affine(lambda m, x, w, b: F(m).group_norm(x, 4, w, b), (2, 4, 3)),
    "group_norm float64": affine(lambda m, x, w, b: F(m).group_norm(x, 2, w, b), (2, 4, 5), "float64"),
    "group_norm float16, float32 parameters": affine(lambda m, x, w, b: F(m).group_norm(x, 2, w, b), (2, 4, 5),
                                                     "float16", "float32"),
    "group_norm empty batch": graded(lambda m, x: F(m).group_norm(x, 2), (0, 4, 3)),
    "GroupNorm": graded(lambda m, x: (m.nn.GroupNorm(2, 4)(x), repr(m.nn.GroupNorm(2, 4)),
                                      repr(m.nn.GroupNorm(1, 4, affine=False)),
                                      [name for name, _ in m.nn.GroupNorm(2, 4, bias=False).named_parameters()]),
                        (2, 4, 3)),
    "instance_norm": graded(lambda m, x: F(m).instance_norm(x), (2, 3, 5)),
    "instance_norm affine 2d": affine(lambda m, x, w, b: F(m).instance_norm(x, weight=w, bias=b), (2, 3, 4, 3)),
    "instance_norm running stats": graded(lambda m, x: (lambda mean, var: (
        F(m).instance_norm(x, mean, var, momentum=0.3), mean, var))(m.zeros(3), m.ones(3)), (2, 3, 5)),
    "instance_norm eval": graded(lambda m, x: F(m).instance_norm(x, m.ones(3), m.full((3,), 2.0),
                                                                 use_input_stats=False), (2, 3, 5)),
    "instance_norm eps 0": graded(lambda m, x: F(m).instance_norm(x, eps=0.0), (2, 3, 5)),
}


def instance_norm_layer(name: str, train: bool, **options: Any) -> Callable:
    """A program: an instance norm layer `name(3, **options)` in train() or eval() mode on a random input (and
    an unbatched one): outputs, gradients, repr and state_dict."""
    def build(m: Any, x: Any) -> Any:
        layer = getattr(m.nn, name)(3, **options).train(train)
        out = layer(x)
        unbatched = layer(x[0].detach())
        return out, unbatched, repr(layer), dict(layer.state_dict())
    shape = (2, 3, 5) if name.endswith("1d") else (2, 3, 4, 3)
    return graded(build, shape)


NORMS.update({
    "InstanceNorm1d": instance_norm_layer("InstanceNorm1d", True),
    "InstanceNorm1d affine, tracked": instance_norm_layer("InstanceNorm1d", True, affine=True,
                                                          track_running_stats=True),
    "InstanceNorm2d tracked, eval": instance_norm_layer("InstanceNorm2d", False, track_running_stats=True),
    "InstanceNorm2d momentum None": instance_norm_layer("InstanceNorm2d", True, momentum=None,
                                                        track_running_stats=True),
    "InstanceNorm1d without bias": instance_norm_layer("InstanceNorm1d", True, affine=True, bias=False),
})

NORM_ERRORS = {
    "group_norm 1-d input": lambda m: F(m).group_norm(m.ones(4), 2),
    "group_norm one value per group": lambda m: F(m).group_norm(m.ones(1, 4), 4),
    "group_norm no groups": lambda m: F(m).group_norm(m.ones(2, 4, 3), 0),
    "group_norm negative groups": lambda m: F(m).group_norm(m.ones(2, 4, 3), -1),
    "group_norm groups not dividing": lambda m: F(m).group_norm(m.ones(2, 4, 3), 3),
    "group_norm float groups": lambda m: F(m).group_norm(m.ones(2, 4, 3), 2.0),
    "group_norm eps str": lambda m: F(m).group_norm(m.ones(2, 4, 3), 2, eps="a"),
    "group_norm weight too long": lambda m: F(m).group_norm(m.ones(2, 4, 3), 2, m.ones(5)),
    "group_norm 2-d bias": lambda m: F(m).group_norm(m.ones(2, 4, 3), 2, None, m.ones(1, 4)),
    "group_norm int64": lambda m: F(m).group_norm(m.ones(2, 4, 3, dtype=m.int64), 2),
    "group_norm int64, float weight": lambda m: F(m).group_norm(m.ones(2, 4, 3, dtype=m.int64), 2, m.ones(4)),
    "group_norm float64, float32 weight": lambda m: F(m).group_norm(m.ones(2, 4, 3, dtype=m.float64), 2, m.ones(4)),
    "group_norm float32, float64 bias": lambda m: F(m).group_norm(m.ones(2, 4, 3), 2, None,
                                                                 m.ones(4, dtype=m.float64)),
    "group_norm float16, mixed parameters": lambda m: F(m).group_norm(m.ones(2, 4, 3, dtype=m.float16), 2,
                                                                     m.ones(4, dtype=m.float16), m.ones(4)),
    "GroupNorm groups not dividing": lambda m: m.nn.GroupNorm(3, 4),
    "instance_norm one position": lambda m: F(m).instance_norm(m.ones(2, 4, 1)),
    "instance_norm eval without stats": lambda m: F(m).instance_norm(m.ones(2, 4, 3), use_input_stats=False),
    "instance_norm stats of another size": lambda m: F(m).instance_norm(m.ones(2, 4, 3), m.zeros(3), m.ones(3)),
    "instance_norm weight of another size": lambda m: F(m).instance_norm(m.ones(2, 4, 3), weight=m.ones(3)),
    "instance_norm int64": lambda m: F(m).instance_norm(m.ones(2, 4, 3, dtype=m.int64)),
    "instance_norm stats requiring grad": lambda m: F(m).instance_norm(m.ones(2, 4, 3),
                                                                       m.zeros(4, requires_grad=True), m.ones(4)),
    "InstanceNorm1d 4-d input": lambda m: m.nn.InstanceNorm1d(3)(m.ones(2, 3, 4, 5)),
    "InstanceNorm2d 2-d input": lambda m: m.nn.InstanceNorm2d(3)(m.ones(3, 4)),
    "InstanceNorm1d affine, other channels": lambda m: m.nn.InstanceNorm1d(4, affine=True)(m.ones(2, 3, 5)),
    "InstanceNorm1d legacy running stats": lambda m: m.nn.InstanceNorm1d(3).load_state_dict(
        {"running_mean": m.zeros(3), "running_var": m.ones(3)}),
}


@pytest.mark.parametrize("case", NORMS)
def test_norms_match_torch(case):
    assert_matches_torch(NORMS[case], tolerance=(2e-2, 2e-2) if "16" in case else NORM_TOLERANCE)


@pytest.mark.parametrize("case", NORM_ERRORS)
def test_norm_errors_match_torch(case):
    assert_matches_torch(NORM_ERRORS[case])


def test_instance_norm_warns_for_other_channels_as_torch():
    """affine=False never reads num_features: torch only warns when the input's channels differ."""
    assert_matches_torch(lambda m: m.nn.InstanceNorm1d(4)(m.arange(30.0).reshape(2, 3, 5)), warnings=True,
                         tolerance=NORM_TOLERANCE)


# ---------------------------------------------------------------------------------------- padding modules
def padded(name: str, padding: Any, shape: tuple, *value: float) -> Callable:
    """A program: the padding layer `name(padding, *value)` on a random input of `shape`: output, gradient, repr and
    attributes."""
    def build(m: Any, x: Any) -> Any:
        layer = getattr(m.nn, name)(padding, *value)
        attributes = sorted((key, v) for key, v in vars(layer).items() if not key.startswith("_") and key != "training")
        return layer(x), repr(layer), attributes
    return graded(build, shape)


PADDING = {
    "ZeroPad1d": padded("ZeroPad1d", 2, (2, 3, 4)),
    "ZeroPad2d": padded("ZeroPad2d", [1, 2, 0, 3], (2, 3, 4, 5)),
    "ZeroPad2d cropping": padded("ZeroPad2d", (1, -1, -2, 0), (3, 4, 5)),
    "ConstantPad1d": padded("ConstantPad1d", (1, 2), (3, 4), 2.5),
    "ConstantPad2d": padded("ConstantPad2d", 1, (2, 3, 4, 5), -1.0),
    "ReflectionPad1d": padded("ReflectionPad1d", (3, 1), (2, 3, 4)),
    "ReflectionPad2d": padded("ReflectionPad2d", 2, (3, 4, 5)),
    "ReplicationPad1d": padded("ReplicationPad1d", 3, (3, 4)),
    "ReplicationPad2d": padded("ReplicationPad2d", (1, 2, 3, 0), (2, 3, 4, 5)),
    "CircularPad1d": padded("CircularPad1d", (2, 1), (2, 3, 4)),
    "CircularPad2d": padded("CircularPad2d", 1, (3, 4, 5)),
}

PADDING_ERRORS = {
    "CircularPad1d 1-d input": lambda m: m.nn.CircularPad1d(1)(m.ones(4)),
    "CircularPad2d 5-d input": lambda m: m.nn.CircularPad2d(1)(m.ones(1, 2, 3, 4, 5)),
    "ReflectionPad1d too wide": lambda m: m.nn.ReflectionPad1d(4)(m.ones(2, 3, 4)),
    "ReplicationPad2d 5-d input": lambda m: m.nn.ReplicationPad2d(1)(m.ones(1, 2, 3, 4, 5)),
    "ZeroPad2d 1-d input": lambda m: m.nn.ZeroPad2d(1)(m.ones(4)),
}


@pytest.mark.parametrize("case", PADDING)
def test_padding_layers_match_torch(case):
    assert_matches_torch(PADDING[case], exact=True)


@pytest.mark.parametrize("case", PADDING_ERRORS)
def test_padding_layer_errors_match_torch(case):
    assert_matches_torch(PADDING_ERRORS[case])


# ---------------------------------------------------------------------------------------- saved inputs
def changed_before_backward(build: Callable[[Any, Any], Any]) -> Callable:
    """A program: `build(m, x)`, then x changed in place, then the backward (torch refuses it)."""
    def program(m: Any) -> Any:
        x = m.ones(2, 4, 6, requires_grad=True).clone()
        out = build(m, x)
        x.add_(1)
        out.sum().backward()
        return out
    return program


IN_PLACE = {
    "max_pool1d": lambda m, x: F(m).max_pool1d(x, 2),
    "avg_pool1d": lambda m, x: F(m).avg_pool1d(x, 2),
    "adaptive_avg_pool1d": lambda m, x: F(m).adaptive_avg_pool1d(x, 2),
    "adaptive_max_pool2d": lambda m, x: F(m).adaptive_max_pool2d(x, 2),
    "group_norm": lambda m, x: F(m).group_norm(x, 2),
}


@pytest.mark.parametrize("case", IN_PLACE)
def test_inputs_changed_in_place_fail_the_backward_as_torch(case):
    assert_matches_torch(changed_before_backward(IN_PLACE[case]), drop_hints=True)
