"""Three-dimensional layers, the bilinear layer and the low-level recurrent cells, differential probe: each program
run on both libraries.

What this proves (torch 2.13 is the reference, compared at test time):
- `F.conv3d`/`nn.Conv3d` convolve volumes as torch (stride, padding as ints, tuples, 'same' and 'valid', dilation,
  groups, bias, every padding_mode, unbatched inputs, empty batches, float64/float16/int64), with torch's seeded
  weights, repr, gradients of the input, weight and bias, node (ConvolutionBackward0) and errors;
- `F.max_pool3d`/`nn.MaxPool3d` (return_indices, ceil_mode, dilation, padding; ties, NaN, -inf windows) and
  `F.avg_pool3d`/`nn.AvgPool3d` (count_include_pad, divisor_override) give torch's values, indices into D * H * W,
  dtypes, gradients, nodes (MaxPool3DWithIndicesBackward0, AvgPool3DBackward0), reprs and errors;
- `F.adaptive_avg_pool3d`/`F.adaptive_max_pool3d` and their modules cut volumes into torch's windows (None keeps a
  size, 1 x 1 x 1 is torch's mean), with AdaptiveAvgPool3DBackward0 / AdaptiveMaxPool3DBackward0 and torch's errors;
- `nn.BatchNorm3d` and `nn.InstanceNorm3d` normalise volumes as torch (train and eval, running statistics,
  state_dict keys, repr, unbatched instance norm, the dimension errors);
- `F.bilinear`/`nn.Bilinear`: torch's initialisation, repr, state_dict, values, gradients of both inputs, the
  weight and the bias, its graph (TrilinearBackward0, ViewBackward0, AddBackward0) and its errors, in torch's order;
- `minitorch_ref.lstm_cell`, `gru_cell`, `rnn_tanh_cell`, `rnn_relu_cell` compute torch's step from the weights
  given (with or without biases), through torch's nodes, with torch's size errors; the cell modules give the same.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

NAN, INF = float("nan"), float("inf")
TOLERANCE = (1e-5, 1e-5)  # (float32 sums in another order than torch's kernels)
HALF = (2e-3, 2e-3)


def F(m: Any) -> Any:
    return m.nn.functional


def randn(m: Any, shape: tuple, dtype: str = "float32", seed: int = 0, grad: bool = True) -> Any:
    """A tensor of standard normal values (the same on both libraries); integers rounded from 5x them."""
    values = np.random.default_rng(seed).standard_normal(shape)
    floating = dtype.startswith("float")
    return m.tensor(values if floating else np.round(values * 5), dtype=getattr(m, dtype),
                    requires_grad=grad and floating)


def backward(m: Any, out: Any, *leaves: Any) -> Any:
    """A weighted sum of `out` (each position another weight) sent back; the leaves' gradients."""
    weights = m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7) - 3  # (exact)
    (out * weights).sum().backward()
    return [leaf.grad for leaf in leaves]


def graded(build: Callable[[Any, Any], Any], shape: tuple, dtype: str = "float32", seed: int = 0) -> Callable:
    """A program: `build(m, x)` on random x of `shape`, then (if it requires grad) the backward of a weighted sum of
    its (first) output; returns (output, x.grad)."""
    def program(m: Any) -> Any:
        x = randn(m, shape, dtype, seed)
        out = build(m, x)
        first = out[0] if isinstance(out, tuple) else out
        if not first.requires_grad:
            return out
        return out, backward(m, first, x)
    return program


def given(values: list, build: Callable[[Any, Any], Any]) -> Callable:
    """A program: `build(m, x)` on x = `values` (float32, requiring grad), and x.grad after the backward."""
    def program(m: Any) -> Any:
        x = m.tensor(values, requires_grad=True)
        out = build(m, x)
        first = out[0] if isinstance(out, tuple) else out
        return out, backward(m, first, x)
    return program


def strided(m: Any, shape: tuple) -> Any:
    """A non-contiguous leaf of `shape`: the transpose of its last two dims' contiguous tensor."""
    x = randn(m, shape[:-2] + (shape[-1], shape[-2]), seed=3, grad=False).transpose(-1, -2)
    return x.requires_grad_()


# ---------------------------------------------------------------------------------------- conv3d
def conv_program(x_shape: tuple, w_shape: tuple, bias: bool = True, dtype: str = "float32", **kwargs: Any) -> Callable:
    def program(m: Any) -> Any:
        x, w = randn(m, x_shape, dtype, 0), randn(m, w_shape, dtype, 1)
        b = randn(m, (w_shape[0],), dtype, 2) if bias else None
        out = F(m).conv3d(x, w, b, **kwargs)
        if not out.requires_grad:
            return out
        return out, backward(m, out, x, w, *([b] if bias else []))
    return program


def module_program(make: Callable[[Any], Any], shape: tuple, dtype: str = "float32") -> Callable:
    """A seeded module, its repr and state_dict, its output on a random input and the gradients of both."""
    def program(m: Any) -> Any:
        m.manual_seed(0)
        layer = make(m)
        x = randn(m, shape, dtype, 5)
        out = layer(x)
        first = out[0] if isinstance(out, tuple) else out
        grads = backward(m, first, x, *layer.parameters()) if first.requires_grad else []
        return repr(layer), dict(layer.state_dict()), out, grads
    return program


CONV3D = {
    "plain": conv_program((2, 3, 4, 5, 6), (4, 3, 2, 3, 2)),
    "stride, padding, dilation": conv_program((2, 2, 6, 7, 5), (3, 2, 3, 2, 2), stride=(2, 1, 2), padding=(1, 2, 0),
                                              dilation=(1, 2, 2)),
    "ints": conv_program((1, 2, 5, 5, 5), (2, 2, 3, 3, 3), stride=2, padding=1, dilation=1),
    "groups": conv_program((2, 4, 4, 4, 4), (6, 2, 2, 2, 2), groups=2),
    "no bias": conv_program((2, 3, 4, 4, 4), (2, 3, 2, 2, 2), bias=False),
    "same, even kernel": conv_program((1, 2, 5, 4, 6), (3, 2, 2, 3, 4), padding="same"),
    "valid": conv_program((1, 2, 5, 4, 6), (3, 2, 2, 3, 4), padding="valid"),
    "unbatched": conv_program((3, 4, 5, 6), (2, 3, 2, 2, 2)),
    "empty batch": conv_program((0, 3, 4, 5, 6), (2, 3, 2, 2, 2)),
    "float64": conv_program((2, 3, 4, 4, 5), (2, 3, 3, 2, 2), dtype="float64", padding=1),
    "float16": conv_program((1, 2, 4, 4, 4), (2, 2, 2, 2, 2), dtype="float16"),
    "int64": conv_program((1, 2, 4, 4, 4), (2, 2, 2, 2, 2), dtype="int64"),
    "non-contiguous input": lambda m: (lambda x, w: (F(m).conv3d(x, w), backward(m, F(m).conv3d(x, w), x, w)))(
        strided(m, (2, 2, 3, 4, 5)), randn(m, (3, 2, 2, 2, 2), seed=1)),
    "Conv3d": module_program(lambda m: m.nn.Conv3d(2, 4, (2, 3, 2), stride=(1, 2, 1), padding=1), (2, 2, 4, 5, 4)),
    "Conv3d groups, dilation, no bias": module_program(
        lambda m: m.nn.Conv3d(4, 4, 2, dilation=2, groups=2, bias=False), (1, 4, 5, 5, 5)),
    "Conv3d same": module_program(lambda m: m.nn.Conv3d(2, 3, 3, padding="same"), (2, 2, 4, 4, 4)),
    "Conv3d reflect": module_program(lambda m: m.nn.Conv3d(2, 3, 3, padding=1, padding_mode="reflect"),
                                     (1, 2, 4, 4, 4)),
    "Conv3d replicate": module_program(lambda m: m.nn.Conv3d(2, 3, 2, padding=(1, 0, 1), padding_mode="replicate"),
                                       (1, 2, 3, 4, 4)),
    "Conv3d circular": module_program(lambda m: m.nn.Conv3d(2, 3, 3, padding=1, padding_mode="circular"),
                                      (2, 3, 4, 4)),
    "Conv3d float64 unbatched": module_program(lambda m: m.nn.Conv3d(3, 2, 2, dtype=m.float64), (3, 3, 4, 3),
                                               "float64"),
    "Conv3d attributes": lambda m: [(name, getattr(m.nn.Conv3d(2, 4, 3, stride=2), name)) for name in
                                    ("kernel_size", "stride", "padding", "dilation", "output_padding", "groups",
                                     "padding_mode", "_reversed_padding_repeated_twice")],
}

CONV3D_ERRORS = {
    "4-d weight": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(2, 2, 2, 2)),
    "3-d input": lambda m: F(m).conv3d(m.ones(2, 4, 4), m.ones(2, 2, 2, 2, 2)),
    "6-d input": lambda m: F(m).conv3d(m.ones(1, 1, 2, 4, 4, 4), m.ones(2, 2, 2, 2, 2)),
    "channels": lambda m: F(m).conv3d(m.ones(1, 3, 4, 4, 4), m.ones(2, 2, 2, 2, 2)),
    "unbatched channels": lambda m: F(m).conv3d(m.ones(3, 4, 4, 4), m.ones(2, 2, 2, 2, 2)),
    "kernel too large": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 1), m.ones(2, 2, 2, 2, 2)),
    "two strides": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(2, 2, 2, 2, 2), stride=(1, 1)),
    "negative padding": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(2, 2, 2, 2, 2), padding=-1),
    "zero stride": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(2, 2, 2, 2, 2), stride=0),
    "groups": lambda m: F(m).conv3d(m.ones(1, 4, 4, 4, 4), m.ones(3, 2, 2, 2, 2), groups=2),
    "bias size": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(3, 2, 2, 2, 2), m.ones(2)),
    "bias dtype": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(3, 2, 2, 2, 2), m.ones(3, dtype=m.float64)),
    "weight dtype, float64 input": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4, dtype=m.float64),
                                                         m.ones(3, 2, 2, 2, 2)),
    "float64, kernel of size 0": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4, dtype=m.float64),
                                                       m.ones(3, 2, 0, 2, 2, dtype=m.float64)),
    "float64, dilated kernel of size 0": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4, dtype=m.float64),
                                                               m.ones(3, 2, 0, 2, 2, dtype=m.float64), dilation=2),
    "float64, dilation 0": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4, dtype=m.float64),
                                                 m.ones(3, 2, 2, 2, 2, dtype=m.float64), dilation=0),
    "bool": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4, dtype=m.bool), m.ones(3, 2, 2, 2, 2, dtype=m.bool)),
    "empty depth": lambda m: F(m).conv3d(m.ones(1, 2, 0, 4, 4), m.ones(3, 2, 2, 2, 2), padding=1),
    "same with stride": lambda m: F(m).conv3d(m.ones(1, 2, 4, 4, 4), m.ones(3, 2, 2, 2, 2), stride=2,
                                              padding="same"),
    "module: groups": lambda m: m.nn.Conv3d(3, 4, 2, groups=2),
    "module: same with stride": lambda m: m.nn.Conv3d(3, 4, 2, stride=2, padding="same"),
}


@pytest.mark.parametrize("case", CONV3D)
def test_conv3d_matches_torch(case):
    # (warnings not compared: torch warns about an even kernel with padding='same' once per process)
    assert_matches_torch(CONV3D[case], tolerance=HALF if "16" in case else TOLERANCE)


@pytest.mark.parametrize("case", CONV3D_ERRORS)
def test_conv3d_errors_match_torch(case):
    assert_matches_torch(CONV3D_ERRORS[case])


# ---------------------------------------------------------------------------------------- 3-d pooling
TIES = [[[[[1.0, 3.0, 3.0], [2.0, NAN, 0.0]], [[3.0, NAN, 1.0], [0.0, 2.0, 3.0]]]]]  # (equal maxima, NaNs)
LOW = [[[[[-INF] * 3] * 3] * 3]]  # (every window's maximum is -inf: which element torch's kernel picks)

POOL3D = {
    "max": graded(lambda m, x: F(m).max_pool3d(x, 2), (2, 3, 4, 5, 6)),
    "max stride, padding, dilation": graded(lambda m, x: F(m).max_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 0),
                                                                         (1, 2, 1)), (2, 2, 6, 5, 7)),
    "max ceil_mode": graded(lambda m, x: F(m).max_pool3d(x, 3, 2, 1, ceil_mode=True), (1, 2, 6, 5, 7)),
    "max indices": graded(lambda m, x: F(m).max_pool3d(x, 2, 1, 1, return_indices=True), (2, 2, 3, 4, 5)),
    "max unbatched indices": graded(lambda m, x: F(m).max_pool3d(x, (2, 3, 2), return_indices=True), (3, 4, 6, 5)),
    "max list sizes": graded(lambda m, x: F(m).max_pool3d(x, [2], [1], [1], [1], True, True), (1, 2, 3, 4, 4)),
    "max empty batch": graded(lambda m, x: F(m).max_pool3d(x, 2), (0, 3, 4, 4, 4)),
    "max float64": graded(lambda m, x: F(m).max_pool3d(x, 2, return_indices=True), (2, 2, 4, 4, 4), "float64"),
    "max float16": graded(lambda m, x: F(m).max_pool3d(x, 2, 1), (1, 2, 3, 3, 3), "float16"),
    "max int64": graded(lambda m, x: F(m).max_pool3d(x, 2, return_indices=True), (1, 2, 4, 4, 4), "int64"),
    "max ties and NaN": given(TIES, lambda m, x: F(m).max_pool3d(x, 2, 1, 1, return_indices=True)),
    "max -inf windows": given(LOW, lambda m, x: F(m).max_pool3d(x, 3, 2, 1, 2, True, True)),
    "max non-contiguous": lambda m: (lambda x: (F(m).max_pool3d(x, 2, return_indices=True),
                                                backward(m, F(m).max_pool3d(x, 2), x)))(strided(m, (2, 2, 4, 4, 5))),
    "avg": graded(lambda m, x: F(m).avg_pool3d(x, 2), (2, 3, 4, 5, 6)),
    "avg padding, ceil_mode": graded(lambda m, x: F(m).avg_pool3d(x, 3, 2, 1, ceil_mode=True), (1, 2, 6, 5, 7)),
    "avg count_include_pad=False": graded(lambda m, x: F(m).avg_pool3d(x, (3, 2, 3), (2, 1, 2), (1, 1, 0), True,
                                                                       False), (2, 2, 5, 4, 6)),
    "avg divisor_override": graded(lambda m, x: F(m).avg_pool3d(x, 2, 1, 1, divisor_override=3), (1, 2, 3, 4, 4)),
    "avg unbatched": graded(lambda m, x: F(m).avg_pool3d(x, 2), (3, 4, 6, 5)),
    "avg empty batch": graded(lambda m, x: F(m).avg_pool3d(x, 2), (0, 3, 4, 4, 4)),
    "avg empty stride": graded(lambda m, x: F(m).avg_pool3d(x, 2, ()), (1, 2, 4, 4, 4)),
    "avg float64": graded(lambda m, x: F(m).avg_pool3d(x, 2, 1, 1), (2, 2, 3, 4, 4), "float64"),
    "avg int64": graded(lambda m, x: F(m).avg_pool3d(x, 3, 2, 1, True), (1, 2, 5, 5, 5), "int64"),
    "MaxPool3d": graded(lambda m, x: (m.nn.MaxPool3d(3, 2, 1, return_indices=True)(x), repr(m.nn.MaxPool3d(3)),
                                      repr(m.nn.MaxPool3d((2, 1, 2), dilation=2, ceil_mode=True))), (2, 2, 5, 5, 5)),
    "AvgPool3d": graded(lambda m, x: (m.nn.AvgPool3d(3, padding=1, count_include_pad=False)(x),
                                      repr(m.nn.AvgPool3d((2, 3, 2), 1, 1)), m.nn.AvgPool3d(2).stride,
                                      m.nn.AvgPool3d(2, divisor_override=2).divisor_override), (2, 2, 4, 5, 4)),
}

POOL3D_ERRORS = {
    "max kernel 0": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 0),
    "max negative kernel": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), -1, 1),
    "max stride 0": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, 0),
    "max dilation 0": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, dilation=0),
    "max padding too large": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 3, padding=2),
    "max negative padding": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, padding=-1),
    "max padding above half the kernel": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), (2, 2, 2), 1, (1, 1, 1),
                                                                   (3, 3, 3)),
    "max two kernel sizes": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), (2, 2)),
    "max two strides": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, (2, 2)),
    "max two paddings": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, (1, 1)),
    "max two dilations": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, 0, (1, 1)),
    "max 3-d input": lambda m: F(m).max_pool3d(m.ones(2, 4, 4), 2),
    "max 6-d input": lambda m: F(m).max_pool3d(m.ones(1, 1, 2, 4, 4, 4), 2),
    "max no channels": lambda m: F(m).max_pool3d(m.ones(1, 0, 4, 4, 4), 2),
    "max unbatched, empty depth": lambda m: F(m).max_pool3d(m.ones(2, 0, 4, 4), 2),
    "max output too small": lambda m: F(m).max_pool3d(m.ones(1, 2, 1, 4, 4), 2),
    "max bool": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.bool), 2),
    "max kernel str": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), "a"),
    "max ceil_mode int": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, 0, 1, 1),
    "max indices, two strides": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, (2, 2), return_indices=True),
    "max indices, kernel str": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), "a", return_indices=True),
    "max indices, ceil_mode int": lambda m: F(m).max_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, 0, 1, 1, True),
    "max 2-d indices, kernel str": lambda m: F(m).max_pool2d(m.ones(1, 2, 4, 4), "a", return_indices=True),
    "avg kernel 0": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 0),
    "avg negative kernel": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), -1),
    "avg stride 0": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 2, 0),
    "avg kernel too large": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 5, 6), 5),
    "avg padding too large": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 3, padding=2),
    "avg padding above half the kernel": lambda m: F(m).avg_pool3d(m.ones(1, 2, 6, 6, 6), (4, 2, 4), 1, (1, 2, 1)),
    "avg two kernel sizes": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), (2, 2)),
    "avg two strides": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 2, (2, 2)),
    "avg two paddings": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, (1, 1)),
    "avg 3-d input": lambda m: F(m).avg_pool3d(m.ones(2, 4, 4), 2),
    "avg no channels": lambda m: F(m).avg_pool3d(m.ones(1, 0, 4, 4, 4), 2),
    "avg divisor 0": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 2, divisor_override=0),
    "avg divisor float": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4), 2, 2, 0, False, True, 1.5),
    "avg int32": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.int32), 2),
    "avg float16": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.float16), 2),
    "avg bool": lambda m: F(m).avg_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.bool), 2),
}


@pytest.mark.parametrize("case", POOL3D)
def test_pool3d_matches_torch(case):
    exact = case.startswith("max") and "16" not in case
    assert_matches_torch(POOL3D[case], exact=exact, tolerance=HALF if "16" in case else TOLERANCE)


@pytest.mark.parametrize("case", POOL3D_ERRORS)
def test_pool3d_errors_match_torch(case):
    assert_matches_torch(POOL3D_ERRORS[case])


# ---------------------------------------------------------------------------------------- adaptive 3-d pooling
ADAPTIVE3D = {
    "avg": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, (2, 3, 2)), (2, 3, 5, 7, 4)),
    "avg larger than the input": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, (4, 3, 5)), (1, 2, 3, 2, 4)),
    "avg None keeps a size": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, (None, 2, None)), (2, 2, 3, 5, 4)),
    "avg one int": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, 2), (3, 5, 4, 3)),
    "avg 1x1x1 is a mean": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, 1), (2, 3, 4, 5, 3)),
    "avg empty batch": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, 2), (0, 2, 4, 4, 4)),
    "avg zero output": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, (0, 2, 2)), (1, 2, 4, 4, 4)),
    "avg float64": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, (3, 2, 2)), (2, 2, 5, 4, 3), "float64"),
    "avg float16": graded(lambda m, x: F(m).adaptive_avg_pool3d(x, 2), (1, 2, 3, 4, 5), "float16"),
    "avg non-contiguous": lambda m: (lambda x: backward(m, F(m).adaptive_avg_pool3d(x, (2, 2, 3)), x))(
        strided(m, (2, 2, 3, 4, 5))),
    "max": graded(lambda m, x: F(m).adaptive_max_pool3d(x, (2, 3, 2), True), (2, 3, 5, 7, 4)),
    "max larger than the input": graded(lambda m, x: F(m).adaptive_max_pool3d(x, (4, 3, 5), True), (1, 2, 3, 2, 4)),
    "max None keeps a size": graded(lambda m, x: F(m).adaptive_max_pool3d(x, (2, None, 3)), (2, 2, 3, 5, 4)),
    "max unbatched": graded(lambda m, x: F(m).adaptive_max_pool3d(x, 2, return_indices=True), (3, 5, 4, 3)),
    "max empty batch": graded(lambda m, x: F(m).adaptive_max_pool3d(x, 2), (0, 2, 4, 4, 4)),
    "max float64": graded(lambda m, x: F(m).adaptive_max_pool3d(x, 2, True), (2, 2, 4, 4, 4), "float64"),
    "max float16": graded(lambda m, x: F(m).adaptive_max_pool3d(x, 2, True), (1, 2, 3, 4, 5), "float16"),
    "max ties and NaN": given(TIES, lambda m, x: F(m).adaptive_max_pool3d(x, (1, 2, 2), True)),
    "AdaptiveAvgPool3d": graded(lambda m, x: (m.nn.AdaptiveAvgPool3d((2, None, 3))(x),
                                              repr(m.nn.AdaptiveAvgPool3d((2, None, 3)))), (2, 2, 4, 4, 5)),
    "AdaptiveMaxPool3d": graded(lambda m, x: (m.nn.AdaptiveMaxPool3d(2, return_indices=True)(x),
                                              repr(m.nn.AdaptiveMaxPool3d(2))), (2, 2, 4, 4, 5)),
}

ADAPTIVE3D_ERRORS = {
    "avg two sizes": lambda m: F(m).adaptive_avg_pool3d(m.ones(1, 2, 4, 4, 4), (2, 2)),
    "avg negative size": lambda m: F(m).adaptive_avg_pool3d(m.ones(1, 2, 4, 4, 4), -1),
    "avg 3-d input": lambda m: F(m).adaptive_avg_pool3d(m.ones(3, 4, 5), 2),
    "avg 3-d input with an empty dim": lambda m: F(m).adaptive_avg_pool3d(m.ones(3, 0, 5), 2),
    "avg no channels": lambda m: F(m).adaptive_avg_pool3d(m.ones(2, 0, 4, 4, 4), 2),
    "avg int64": lambda m: F(m).adaptive_avg_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.int64), 2),
    "avg int64 mean": lambda m: F(m).adaptive_avg_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.int64), 1),
    "avg str size": lambda m: F(m).adaptive_avg_pool3d(m.ones(1, 2, 4, 4, 4), "a"),
    "avg too many Nones": lambda m: F(m).adaptive_avg_pool3d(m.ones(4, 4, 4), (None, 2, None, 2)),
    "max two sizes": lambda m: F(m).adaptive_max_pool3d(m.ones(1, 2, 4, 4, 4), (2, 2)),
    "max negative size": lambda m: F(m).adaptive_max_pool3d(m.ones(1, 2, 4, 4, 4), -1),
    "max 3-d input": lambda m: F(m).adaptive_max_pool3d(m.ones(3, 4, 5), 2),
    "max no channels": lambda m: F(m).adaptive_max_pool3d(m.ones(2, 0, 4, 4, 4), 2),
    "max int64": lambda m: F(m).adaptive_max_pool3d(m.ones(1, 2, 4, 4, 4, dtype=m.int64), 2),
}


@pytest.mark.parametrize("case", ADAPTIVE3D)
def test_adaptive_pool3d_matches_torch(case):
    exact = case.startswith("max") and "16" not in case
    assert_matches_torch(ADAPTIVE3D[case], exact=exact, tolerance=HALF if "16" in case else TOLERANCE)


@pytest.mark.parametrize("case", ADAPTIVE3D_ERRORS)
def test_adaptive_pool3d_errors_match_torch(case):
    assert_matches_torch(ADAPTIVE3D_ERRORS[case])


# ---------------------------------------------------------------------------------------- 3-d normalisation
def norm_program(make: Callable[[Any], Any], shape: tuple, train: bool = True, steps: int = 2,
                 dtype: str = "float32") -> Callable:
    """A module trained on `steps` batches (running statistics move), then run in train or eval mode."""
    def program(m: Any) -> Any:
        m.manual_seed(0)
        layer = make(m)
        for step in range(steps):
            layer(randn(m, shape, dtype, 10 + step, grad=False))
        layer.train(train)
        x = randn(m, shape, dtype, 5)
        out = layer(x)
        return repr(layer), dict(layer.state_dict()), out, backward(m, out, x, *layer.parameters())
    return program


NORM3D = {
    "BatchNorm3d train": norm_program(lambda m: m.nn.BatchNorm3d(3), (2, 3, 3, 4, 2)),
    "BatchNorm3d eval": norm_program(lambda m: m.nn.BatchNorm3d(3, momentum=0.3), (2, 3, 3, 4, 2), train=False),
    "BatchNorm3d cumulative average, no affine": norm_program(
        lambda m: m.nn.BatchNorm3d(2, momentum=None, affine=False), (3, 2, 2, 3, 2)),
    "BatchNorm3d no running stats": norm_program(lambda m: m.nn.BatchNorm3d(2, track_running_stats=False),
                                                 (2, 2, 2, 3, 2), train=False),
    "BatchNorm3d float64": norm_program(lambda m: m.nn.BatchNorm3d(2, dtype=m.float64), (2, 2, 2, 3, 2),
                                        dtype="float64"),
    "InstanceNorm3d": norm_program(lambda m: m.nn.InstanceNorm3d(3), (2, 3, 3, 4, 2)),
    "InstanceNorm3d affine, running stats, eval": norm_program(
        lambda m: m.nn.InstanceNorm3d(3, affine=True, track_running_stats=True), (2, 3, 3, 4, 2), train=False),
    "InstanceNorm3d affine, running stats, train": norm_program(
        lambda m: m.nn.InstanceNorm3d(3, affine=True, track_running_stats=True), (2, 3, 3, 4, 2)),
    "InstanceNorm3d unbatched": norm_program(lambda m: m.nn.InstanceNorm3d(3, affine=True), (3, 2, 4, 2)),
}

NORM3D_ERRORS = {
    "BatchNorm3d 4-d input": lambda m: m.nn.BatchNorm3d(3)(m.ones(2, 3, 4, 4)),
    "BatchNorm3d channels": lambda m: m.nn.BatchNorm3d(3)(m.ones(2, 2, 2, 2, 2)),
    "BatchNorm3d one value per channel": lambda m: m.nn.BatchNorm3d(3)(m.ones(1, 3, 1, 1, 1)),
    "InstanceNorm3d 3-d input": lambda m: m.nn.InstanceNorm3d(3)(m.ones(3, 4, 4)),
    "InstanceNorm3d 6-d input": lambda m: m.nn.InstanceNorm3d(3)(m.ones(1, 2, 3, 4, 4, 4)),
    "InstanceNorm3d affine channels": lambda m: m.nn.InstanceNorm3d(3, affine=True)(m.ones(2, 2, 2, 2, 2)),
    "InstanceNorm3d one element": lambda m: m.nn.InstanceNorm3d(3)(m.ones(2, 3, 1, 1, 1)),
}


@pytest.mark.parametrize("case", NORM3D)
def test_norm3d_matches_torch(case):
    assert_matches_torch(NORM3D[case], tolerance=TOLERANCE)


@pytest.mark.parametrize("case", NORM3D_ERRORS)
def test_norm3d_errors_match_torch(case):
    assert_matches_torch(NORM3D_ERRORS[case])


def test_instance_norm3d_warns_as_torch_for_other_channels():
    assert_matches_torch(lambda m: m.nn.InstanceNorm3d(3)(randn(m, (2, 2, 2, 3, 2))), warnings=True,
                         tolerance=TOLERANCE)


# ---------------------------------------------------------------------------------------- bilinear
def bilinear_program(shape1: tuple, shape2: tuple, w_shape: tuple, bias: bool = True, dtype: str = "float32",
                     grads: tuple = (True, True, True, True)) -> Callable:
    """F.bilinear on random operands (those named in `grads` requiring grad), and their gradients."""
    def program(m: Any) -> Any:
        shapes = [shape1, shape2, w_shape] + ([(w_shape[0],)] if bias else [])
        operands = [randn(m, shape, dtype, seed, grad) for seed, (shape, grad) in enumerate(zip(shapes, grads))]
        out = F(m).bilinear(*operands)
        if not out.requires_grad:
            return out
        leaves = [t for t in operands if t.requires_grad]
        return out, backward(m, out, *leaves)
    return program


def bilinear_graph(m: Any) -> Any:
    """The names of the nodes from bilinear's output down, as torch records them."""
    x1, x2 = randn(m, (3, 4), seed=0), randn(m, (3, 5), seed=1)
    w, b = randn(m, (2, 4, 5), seed=2), randn(m, (2,), seed=3)
    names, node = [], F(m).bilinear(x1, x2, w, b).grad_fn
    while node is not None:
        names.append(type(node).__name__ if m.__name__ == "torch" else node.name())
        node = node.next_functions[0][0] if m.__name__ == "torch" else node.next_functions[0]
    return names


BILINEAR = {
    "batch": bilinear_program((3, 4), (3, 5), (2, 4, 5)),
    "no bias": bilinear_program((3, 4), (3, 5), (2, 4, 5), bias=False),
    "more batch dims": bilinear_program((2, 3, 4), (2, 3, 5), (6, 4, 5)),
    "one sample (1-d)": bilinear_program((4,), (5,), (3, 4, 5)),
    "empty batch": bilinear_program((0, 4), (0, 5), (2, 4, 5)),
    "no features": bilinear_program((3, 0), (3, 5), (2, 0, 5)),
    "float64": bilinear_program((3, 4), (3, 5), (2, 4, 5), dtype="float64"),
    "float16": bilinear_program((3, 4), (3, 5), (2, 4, 5), dtype="float16"),
    "int64": bilinear_program((3, 4), (3, 5), (2, 4, 5), dtype="int64"),
    "only the weight requires grad": bilinear_program((3, 4), (3, 5), (2, 4, 5), grads=(False, False, True, False)),
    "only input2 requires grad": bilinear_program((3, 4), (3, 5), (2, 4, 5), grads=(False, True, False, False)),
    "non-contiguous inputs": lambda m: (lambda x1, x2, w: (F(m).bilinear(x1, x2, w), backward(
        m, F(m).bilinear(x1, x2, w), x1, x2, w)))(strided(m, (4, 3)), strided(m, (4, 2)),
                                                  randn(m, (3, 3, 2), seed=4).transpose(1, 2).contiguous()
                                                  .transpose(1, 2).detach().requires_grad_()),
    "graph": bilinear_graph,
    "Bilinear attributes": lambda m: (lambda layer: (layer.in1_features, layer.in2_features, layer.out_features,
                                                     repr(m.nn.Bilinear(2, 3, 4, bias=False)),
                                                     list(m.nn.Bilinear(2, 3, 4, bias=False).state_dict())))(
        m.nn.Bilinear(4, 3, 2)),
}


def bilinear_module_program(m: Any) -> Any:
    m.manual_seed(0)
    layer = m.nn.Bilinear(4, 3, 2)
    x1, x2 = randn(m, (5, 4), seed=1), randn(m, (5, 3), seed=2)
    out = layer(x1, x2)
    return repr(layer), dict(layer.state_dict()), out, backward(m, out, x1, x2, layer.weight, layer.bias)


def bilinear_float64_program(m: Any) -> Any:
    m.manual_seed(1)
    layer = m.nn.Bilinear(3, 2, 4, bias=False, dtype=m.float64)
    return dict(layer.state_dict()), layer(randn(m, (2, 3), "float64", 1), randn(m, (2, 2), "float64", 2))


BILINEAR["Bilinear"] = bilinear_module_program
BILINEAR["Bilinear float64, no bias"] = bilinear_float64_program

BILINEAR_ERRORS = {
    "dtypes": lambda m: F(m).bilinear(m.ones(3, 4, dtype=m.float64), m.ones(3, 5), m.ones(2, 4, 5)),
    "dtypes with bias": lambda m: F(m).bilinear(m.ones(3, 4, dtype=m.float16), m.ones(3, 5), m.ones(2, 4, 5),
                                                m.ones(2, dtype=m.int64)),
    "dims": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(1, 3, 5), m.ones(2, 4, 5)),
    "batch": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(2, 5), m.ones(2, 4, 5)),
    "input1 size": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(2, 3, 5)),
    "input2 size": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(2, 4, 3)),
    "bias size": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(2, 4, 5), m.ones(3)),
    "2-d bias": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(2, 4, 5), m.ones(2, 2)),
    "0-d bias": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(2, 4, 5), m.tensor(1.0)),
    "0-d inputs": lambda m: F(m).bilinear(m.tensor(1.0), m.tensor(1.0), m.ones(2, 4, 5)),
    "2-d weight": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), m.ones(4, 5)),
    "bool": lambda m: F(m).bilinear(m.ones(3, 4, dtype=m.bool), m.ones(3, 5, dtype=m.bool),
                                    m.ones(2, 4, 5, dtype=m.bool)),
    "weight str": lambda m: F(m).bilinear(m.ones(3, 4), m.ones(3, 5), "w"),
    "module: no input features": lambda m: m.nn.Bilinear(0, 3, 2),
}


@pytest.mark.parametrize("case", BILINEAR)
def test_bilinear_matches_torch(case):
    assert_matches_torch(BILINEAR[case], tolerance=HALF if "16" in case else TOLERANCE)


@pytest.mark.parametrize("case", BILINEAR_ERRORS)
def test_bilinear_errors_match_torch(case):
    assert_matches_torch(BILINEAR_ERRORS[case])


# ---------------------------------------------------------------------------------------- low-level cells
GATES = {"lstm_cell": 4, "gru_cell": 3, "rnn_tanh_cell": 1, "rnn_relu_cell": 1}


def cell_program(cell: str, batch: int = 3, bias: str = "both", dtype: str = "float32") -> Callable:
    """`m.<cell>(input, hx, w_ih, w_hh, b_ih, b_hh)` on random operands: outputs and every operand's gradient."""
    def program(m: Any) -> Any:
        gates, hidden, features = GATES[cell] * 6, 6, 4
        x, h, c = randn(m, (batch, features), dtype, 0), randn(m, (batch, hidden), dtype, 1), \
            randn(m, (batch, hidden), dtype, 2)
        w_ih, w_hh = randn(m, (gates, features), dtype, 3), randn(m, (gates, hidden), dtype, 4)
        b_ih = randn(m, (gates,), dtype, 5) if bias in ("both", "ih") else None
        b_hh = randn(m, (gates,), dtype, 6) if bias in ("both", "hh") else None
        out = getattr(m, cell)(x, (h, c) if cell == "lstm_cell" else h, w_ih, w_hh, b_ih, b_hh)
        outs = out if isinstance(out, tuple) else (out,)
        total = sum(((o * (k + 1)).sum() for k, o in enumerate(outs)), m.tensor(0.0, dtype=getattr(m, dtype)))
        total.backward()
        leaves = [t for t in (x, h, c, w_ih, w_hh, b_ih, b_hh) if t is not None]
        return out, [t.grad for t in leaves]
    return program


CELLS = {f"{cell} {variant}": cell_program(cell, **kwargs) for cell in GATES
         for variant, kwargs in {"": {}, "no biases": {"bias": "none"}, "only b_hh": {"bias": "hh"},
                                 "float64": {"dtype": "float64"}, "empty batch": {"batch": 0}}.items()}
CELLS["lstm_cell only b_ih"] = cell_program("lstm_cell", bias="ih")


def cell_module_program(name: str, **kwargs: Any) -> Callable:
    """A seeded cell module and the low-level function on its weights: the same step."""
    def program(m: Any) -> Any:
        m.manual_seed(0)
        layer = getattr(m.nn, name)(4, 5, **kwargs)
        x = randn(m, (3, 4), seed=1)
        out = layer(x)
        function = {"LSTMCell": "lstm_cell", "GRUCell": "gru_cell"}.get(
            name, "rnn_relu_cell" if kwargs.get("nonlinearity") == "relu" else "rnn_tanh_cell")
        zeros = m.zeros(3, 5)
        direct = getattr(m, function)(x, (zeros, zeros) if name == "LSTMCell" else zeros, layer.weight_ih,
                                      layer.weight_hh, layer.bias_ih, layer.bias_hh)
        return out, direct
    return program


CELLS["LSTMCell and lstm_cell"] = cell_module_program("LSTMCell")
CELLS["GRUCell and gru_cell"] = cell_module_program("GRUCell", bias=False)
CELLS["RNNCell and rnn_relu_cell"] = cell_module_program("RNNCell", nonlinearity="relu")

CELL_ERRORS = {
    "lstm_cell one hidden state": lambda m: m.lstm_cell(m.ones(3, 4), (m.ones(3, 6),), m.ones(24, 4), m.ones(24, 6)),
    "lstm_cell 1-d input": lambda m: m.lstm_cell(m.ones(4), (m.ones(6), m.ones(6)), m.ones(24, 4), m.ones(24, 6)),
    "lstm_cell cell batch": lambda m: m.lstm_cell(m.ones(3, 4), (m.ones(3, 6), m.ones(2, 6)), m.ones(24, 4),
                                                  m.ones(24, 6)),
    "gru_cell input size": lambda m: m.gru_cell(m.ones(3, 4), m.ones(3, 6), m.ones(18, 5), m.ones(18, 6)),
    "gru_cell batch": lambda m: m.gru_cell(m.ones(3, 4), m.ones(2, 6), m.ones(18, 4), m.ones(18, 6)),
    "gru_cell hidden size": lambda m: m.gru_cell(m.ones(3, 4), m.ones(3, 5), m.ones(18, 4), m.ones(18, 6)),
    "rnn_tanh_cell 1-d input": lambda m: m.rnn_tanh_cell(m.ones(4), m.ones(6), m.ones(6, 4), m.ones(6, 6)),
    "rnn_relu_cell hidden size": lambda m: m.rnn_relu_cell(m.ones(3, 4), m.ones(3, 5), m.ones(6, 4), m.ones(6, 6)),
    "lstm_cell hx a tensor": lambda m: m.lstm_cell(m.ones(3, 4), m.ones(3, 6), m.ones(24, 4), m.ones(24, 6)),
    "lstm_cell hx None": lambda m: m.lstm_cell(m.ones(3, 4), None, m.ones(24, 4), m.ones(24, 6)),
    "lstm_cell hx holding an int": lambda m: m.lstm_cell(m.ones(3, 4), [m.ones(3, 6), 1], m.ones(24, 4),
                                                         m.ones(24, 6)),
    "lstm_cell one state, weight str": lambda m: m.lstm_cell(m.ones(3, 4), (m.ones(3, 6),), "w", m.ones(24, 6)),
    "gru_cell hx a tuple": lambda m: m.gru_cell(m.ones(3, 4), (m.ones(3, 6),), m.ones(18, 4), m.ones(18, 6)),
    "rnn_tanh_cell input a list": lambda m: m.rnn_tanh_cell([1.0], m.ones(3, 6), m.ones(6, 4), m.ones(6, 6)),
    "rnn_relu_cell bias str": lambda m: m.rnn_relu_cell(m.ones(3, 4), m.ones(3, 6), m.ones(6, 4), m.ones(6, 6), "b"),
    "LSTMCell hx a tensor": lambda m: m.nn.LSTMCell(4, 6)(m.ones(3, 4), m.ones(2, 3, 6)),
}


@pytest.mark.parametrize("case", CELLS)
def test_cells_match_torch(case):
    assert_matches_torch(CELLS[case], tolerance=TOLERANCE)


@pytest.mark.parametrize("case", CELL_ERRORS)
def test_cell_errors_match_torch(case):
    assert_matches_torch(CELL_ERRORS[case])
