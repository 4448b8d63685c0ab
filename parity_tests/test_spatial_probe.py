"""Spatial layers of image models (upsampling, transposed convolution, im2col), differential probe: each program
run on both libraries.

What this proves (torch 2.13 is the reference, compared at test time):
- `F.conv_transpose1d/2d/3d` and `nn.ConvTranspose1d/2d/3d` give torch's values, dtypes and gradients of the
  input, weight and bias (stride, padding, output_padding, groups, dilation, unbatched and empty-batch inputs,
  float64, float16, int64), one ConvolutionBackward0 node, torch's checks and messages in torch's order (the 3-d
  kernel's own order and words, and its dtype rule: no cast of the bias), and the
  modules' weight shape, seeded initialisation, repr, state_dict and `output_size=` (with its errors);
- `F.interpolate` in modes 'nearest', 'nearest-exact', 'linear', 'bilinear', 'trilinear', 'bicubic' and 'area' picks
  torch's source pixels and weights (torch's float32 index arithmetic: scale factors given or recomputed,
  `align_corners`, shrinking and growing, uint8 nearest), with torch's nodes (UpsampleNearest2DBackward0,
  UpsampleBilinear2DBackward0...), gradients, Python-side errors and kernel errors; `nn.Upsample`,
  `UpsamplingNearest2d`, `UpsamplingBilinear2d` keep torch's attributes and repr, and the deprecated
  `F.upsample*` warn as torch;
- `F.unfold`/`F.fold` and `nn.Unfold`/`nn.Fold` are torch's im2col/col2im (Im2ColBackward0 / Col2ImBackward0,
  overlapping blocks adding up, unbatched inputs, bool and float16) with torch's checks;
- `pixel_shuffle`/`pixel_unshuffle` (top-level, functional and modules) move the same elements, with torch's
  nodes and errors;
- non-contiguous inputs give the same results, and the saved inputs are checked for in-place changes.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

HALF = (2e-3, 2e-2)  # (float16: torch's kernels round their float32 sums in another order)


def F(m: Any) -> Any:
    return m.nn.functional


def values(shape: tuple, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def graded(build: Callable[..., Any], *shapes: tuple, dtype: str = "float32", grad: tuple = None) -> Callable:
    """A program: `build(m, *tensors)` on random tensors of `shapes` (those whose index is in `grad`, by default
    all of a float dtype, requiring grad), then the backward of a weighted sum of the output (so that each position
    sends another gradient); returns (output, the gradients)."""
    def program(m: Any) -> Any:
        floating = dtype.startswith("float")
        tensors = []
        for i, shape in enumerate(shapes):
            data = values(shape, seed=i)
            wants = floating and (grad is None or i in grad)
            tensors.append(m.tensor(data if floating else np.round(data * 3), dtype=getattr(m, dtype),
                                    requires_grad=wants))
        out = build(m, *tensors)
        if not out.requires_grad:
            return out
        weights = m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7) - 3  # (exact)
        (out * weights).sum().backward()
        return out, [t.grad for t in tensors]
    return program


# ---------------------------------------------------------------------------------------- transposed convolution
def ct1(**kw: Any) -> Callable:
    return lambda m, x, w, b=None: F(m).conv_transpose1d(x, w, b, **kw)


def ct2(**kw: Any) -> Callable:
    return lambda m, x, w, b=None: F(m).conv_transpose2d(x, w, b, **kw)


def ct3(**kw: Any) -> Callable:
    return lambda m, x, w, b=None: F(m).conv_transpose3d(x, w, b, **kw)


CONV_TRANSPOSE = {
    "1d plain": graded(ct1(), (2, 4, 5), (4, 3, 3), (3,)),
    "1d stride, padding, output_padding": graded(ct1(stride=2, padding=1, output_padding=1), (2, 4, 5), (4, 3, 3),
                                                 (3,)),
    "1d groups, dilation": graded(ct1(stride=3, padding=2, output_padding=1, groups=2, dilation=2), (2, 4, 5),
                                  (4, 3, 3), (6,)),
    "1d output_padding below the dilation": graded(ct1(output_padding=1, dilation=2), (2, 4, 5), (4, 3, 3)),
    "1d unbatched": graded(ct1(stride=2), (4, 5), (4, 3, 3), (3,)),
    "1d list arguments": graded(ct1(stride=[2], padding=[1], output_padding=[1], dilation=[1]), (2, 4, 5),
                                (4, 3, 3)),
    "1d float64": graded(ct1(stride=2, padding=1), (2, 4, 5), (4, 3, 3), (3,), dtype="float64"),
    "1d int64": graded(ct1(stride=2), (2, 4, 5), (4, 3, 3), (3,), dtype="int64"),
    "1d weight only requires grad": graded(ct1(stride=2), (2, 4, 5), (4, 3, 3), (3,), grad=(1,)),
    "1d input only requires grad": graded(ct1(stride=2), (2, 4, 5), (4, 3, 3), (3,), grad=(0,)),
    "2d plain": graded(ct2(), (2, 4, 5, 4), (4, 3, 3, 2), (3,)),
    "2d every argument": graded(ct2(stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                                    dilation=(1, 2)), (2, 4, 5, 4), (4, 2, 3, 2), (4,)),
    "2d kernel 1, stride 3": graded(ct2(stride=3, output_padding=2), (1, 2, 3, 3), (2, 2, 1, 1)),
    "2d unbatched": graded(ct2(stride=2, padding=1), (4, 5, 4), (4, 2, 3, 3), (2,)),
    "2d float64": graded(ct2(stride=2, padding=1, output_padding=1), (2, 4, 5, 4), (4, 2, 3, 3), (2,),
                         dtype="float64"),
    "2d empty batch": graded(ct2(stride=2), (0, 4, 5, 4), (4, 2, 3, 3), (2,)),
    "2d non-contiguous input": graded(lambda m, x, w: F(m).conv_transpose2d(x.transpose(2, 3), w, stride=2),
                                      (2, 4, 5, 4), (4, 2, 3, 3)),
    "float64 input, float32 bias (cast)": lambda m: F(m).conv_transpose1d(
        m.ones(1, 2, 3, dtype=m.float64), m.ones(2, 1, 2, dtype=m.float64), m.tensor([0.5])),
    "3d plain": graded(ct3(), (2, 4, 3, 4, 3), (4, 3, 2, 3, 2), (3,)),
    "3d every argument": graded(ct3(stride=(2, 1, 2), padding=(1, 0, 0), output_padding=(1, 0, 1), groups=2,
                                    dilation=(1, 2, 1)), (1, 4, 3, 4, 3), (4, 2, 3, 2, 2), (4,)),
    "3d unbatched": graded(ct3(stride=2), (2, 3, 3, 2), (2, 3, 2, 2, 2), (3,)),
    "3d float64": graded(ct3(stride=2, padding=1, output_padding=1), (1, 2, 3, 3, 3), (2, 2, 3, 3, 3), (2,),
                         dtype="float64"),
    "3d int64": graded(ct3(stride=2), (1, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,), dtype="int64"),
    "3d empty batch": graded(ct3(stride=2), (0, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,)),
}

CONV_TRANSPOSE_HALF = {
    "1d float16": graded(ct1(stride=2, padding=1), (2, 4, 5), (4, 3, 3), (3,), dtype="float16"),
    "2d float16": graded(ct2(stride=2, groups=2), (2, 4, 5, 4), (4, 2, 3, 3), (4,), dtype="float16"),
}


def ones_ct(dims: int, x: tuple = None, w: tuple = None, dtype: str = "float64", **kw: Any) -> Callable:
    """A conv_transpose of ones (float64 by default: torch's float32 kernel, oneDNN, words some errors its way)."""
    x = x or ((2, 4, 5) if dims == 1 else (2, 4, 5, 5))
    w = w or ((4, 3, 3) if dims == 1 else (4, 3, 3, 3))
    return lambda m: getattr(F(m), f"conv_transpose{dims}d")(m.ones(*x, dtype=getattr(m, dtype)),
                                                             m.ones(*w, dtype=getattr(m, dtype)), **kw)


CONV_TRANSPOSE_ERRORS = {
    "output_padding not below stride": ones_ct(1, output_padding=1),
    "output_padding not below stride, float32": ones_ct(1, dtype="float32", output_padding=2, stride=2),
    "2d output_padding": ones_ct(2, output_padding=(1, 0)),
    "negative output_padding": ones_ct(1, output_padding=-1),
    "negative padding": ones_ct(1, padding=-1),
    "stride 0": ones_ct(1, stride=0),
    "dilation 0": ones_ct(1, dilation=0),
    "negative dilation": ones_ct(1, dilation=-1),
    "groups 0": ones_ct(1, groups=0),
    "groups not dividing": ones_ct(1, groups=3),
    "wrong input channels": ones_ct(1, x=(2, 3, 5)),
    "wrong input channels, float32": ones_ct(1, x=(2, 3, 5), dtype="float32"),
    "output too small": ones_ct(1, padding=4),
    "2d output too small": ones_ct(2, padding=(5, 0)),
    "kernel 0": ones_ct(1, w=(4, 3, 0)),
    "2d kernel 0": ones_ct(2, w=(4, 3, 0, 2)),
    "kernel 0 and a wrong output_padding, float32": ones_ct(1, w=(4, 3, 0), dtype="float32", output_padding=1),
    "1-d input": ones_ct(1, x=(5,)),
    "2-d weight": ones_ct(1, w=(4, 3)),
    "padding 'same'": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), None, 1, "same"),
    "a list as input": lambda m: F(m).conv_transpose1d([1.0], m.ones(4, 3, 3)),
    "a number as bias": lambda m: F(m).conv_transpose2d(m.ones(1, 4, 5, 5), m.ones(4, 3, 3, 3), 1.0),
    "a float stride": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), None, 1.5),
    "a float in output_padding": lambda m: F(m).conv_transpose2d(m.ones(1, 4, 5, 5), m.ones(4, 3, 3, 3), None, 2, 0,
                                                                 (1, 0.5)),
    "a float groups": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), None, 1, 0, 0, 1.5),
    "a str dilation": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), None, 1, 0, 0, 1, "a"),
    "two strides for 1-d": ones_ct(1, stride=(1, 1)),
    "two paddings for 1-d": ones_ct(1, padding=(1, 1)),
    "empty length": ones_ct(1, x=(2, 4, 0)),
    "empty batch, output too small": ones_ct(1, x=(0, 4, 5), padding=5),
    "empty batch, any output_padding": ones_ct(1, x=(0, 4, 5), output_padding=1),
    "bool": ones_ct(1, dtype="bool"),
    "bias of the wrong size": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), m.ones(4)),
    "2-d bias": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3), m.ones(1, 3)),
    "float32 input, float64 weight": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3).double()),
    "float32 input, float16 bias": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5), m.ones(4, 3, 3),
                                                                   m.ones(3).half()),
    "float64 input, float32 weight": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5).double(), m.ones(4, 3, 3)),
    "int64 input, float32 bias": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5).long(), m.ones(4, 3, 3).long(),
                                                                 m.ones(3)),
    "float16 input, float32 weight": lambda m: F(m).conv_transpose1d(m.ones(2, 4, 5).half(), m.ones(4, 3, 3)),
    "3d dilation 0 (checked before the kernel)": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 0, 2, 2), dilation=0),
    "3d output_padding (checked before the kernel)": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 0, 2, 2),
                                                             output_padding=2),
    "3d kernel 0 (checked before the output size)": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 0, 2, 2), padding=4),
    "3d output too small": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 2, 2, 2), padding=3),
    "3d output too small, float32": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 2, 2, 2), dtype="float32", padding=3),
    "3d bool": ones_ct(3, x=(1, 2, 3, 3, 3), w=(2, 3, 2, 2, 2), dtype="bool"),
    "3d empty channels": ones_ct(3, x=(1, 2, 0, 3, 3), w=(2, 3, 2, 2, 2)),
    "3d 3-d input": ones_ct(3, x=(3, 3, 3), w=(2, 3, 2, 2, 2)),
    "3d float32 input, float64 weight": lambda m: F(m).conv_transpose3d(m.ones(1, 2, 3, 3, 3),
                                                                        m.ones(2, 3, 2, 2, 2).double()),
    "3d float64 input, float32 bias (no cast)": lambda m: F(m).conv_transpose3d(
        m.ones(1, 2, 3, 3, 3).double(), m.ones(2, 3, 2, 2, 2).double(), m.ones(3)),
    "3d int64 input, float64 bias": lambda m: F(m).conv_transpose3d(
        m.ones(1, 2, 3, 3, 3).long(), m.ones(2, 3, 2, 2, 2).long(), m.ones(3).double()),
}


@pytest.mark.parametrize("case", CONV_TRANSPOSE)
def test_conv_transpose_matches_torch(case):
    assert_matches_torch(CONV_TRANSPOSE[case], tolerance=(1e-5, 1e-5))


@pytest.mark.parametrize("case", CONV_TRANSPOSE_HALF)
def test_conv_transpose_float16_matches_torch(case):
    assert_matches_torch(CONV_TRANSPOSE_HALF[case], tolerance=HALF)


@pytest.mark.parametrize("case", CONV_TRANSPOSE_ERRORS)
def test_conv_transpose_errors_match_torch(case):
    assert_matches_torch(CONV_TRANSPOSE_ERRORS[case])


def seeded_module(build: Callable[[Any], Any], x_shape: tuple, **call: Any) -> Callable:
    """A program: a module built after manual_seed(0) (torch's initialisation draws), its repr, parameters and
    state_dict keys, its output on x and the gradients of x and the parameters."""
    def program(m: Any) -> Any:
        m.manual_seed(0)
        layer = build(m)
        x = m.tensor(values(x_shape), dtype=m.float32, requires_grad=True)
        out = layer(x, **call)
        out.sum().backward()
        params = [(name, p, p.grad) for name, p in layer.named_parameters()]
        return repr(layer), list(layer.state_dict()), out, x.grad, params
    return program


CONV_TRANSPOSE_MODULES = {
    "ConvTranspose1d": seeded_module(lambda m: m.nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1), (2, 4, 5)),
    "ConvTranspose1d groups, no bias": seeded_module(lambda m: m.nn.ConvTranspose1d(4, 6, 3, groups=2, bias=False,
                                                                                    dilation=2), (2, 4, 5)),
    "ConvTranspose2d": seeded_module(lambda m: m.nn.ConvTranspose2d(4, 6, (3, 2), stride=2, padding=1,
                                                                    output_padding=1, groups=2, dilation=2),
                                     (2, 4, 5, 4)),
    "ConvTranspose2d unbatched": seeded_module(lambda m: m.nn.ConvTranspose2d(2, 3, 3), (2, 4, 4)),
    "ConvTranspose2d output_size": seeded_module(lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1),
                                                 (1, 4, 5, 5), output_size=[10, 9]),
    "ConvTranspose2d output_size, whole shape": seeded_module(lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2),
                                                              (1, 4, 5, 5), output_size=(1, 6, 12, 11)),
    "ConvTranspose2d output_size, unbatched": seeded_module(lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=3),
                                                            (4, 5, 5), output_size=[17, 19]),
    "ConvTranspose1d output_size": seeded_module(lambda m: m.nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1),
                                                 (1, 4, 5), output_size=[10]),
    "attributes": lambda m: [(layer.transposed, layer.output_padding, layer.padding_mode, tuple(layer.weight.shape))
                             for layer in (m.nn.ConvTranspose1d(4, 6, 3, output_padding=1, groups=2),
                                           m.nn.ConvTranspose2d(4, 6, (1, 2), output_padding=(0, 1)))],
    "padding as a str (torch's tuple of its letters)": lambda m: repr(m.nn.ConvTranspose1d(4, 6, 3, padding="same")),
    "ConvTranspose3d": seeded_module(lambda m: m.nn.ConvTranspose3d(2, 4, (2, 3, 2), stride=2, padding=(1, 0, 0),
                                                                    output_padding=(1, 0, 1), groups=2),
                                     (1, 2, 3, 3, 3)),
    "ConvTranspose3d output_size": seeded_module(lambda m: m.nn.ConvTranspose3d(2, 3, 3, stride=2, bias=False),
                                                 (2, 3, 3, 3), output_size=[8, 7, 8]),
}

CONV_TRANSPOSE_MODULE_ERRORS = {
    "padding_mode": lambda m: m.nn.ConvTranspose1d(4, 6, 3, padding_mode="reflect"),
    "groups not dividing in_channels": lambda m: m.nn.ConvTranspose2d(4, 6, 3, groups=3),
    "groups 0": lambda m: m.nn.ConvTranspose2d(4, 6, 3, groups=0),
    "output_size out of range": lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)(
        m.ones(1, 4, 5, 5), output_size=[11, 11]),
    "output_size below range": lambda m: m.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1)(
        m.ones(1, 4, 5, 5), output_size=[8, 10]),
    "output_size of one size": lambda m: m.nn.ConvTranspose2d(4, 6, 3)(m.ones(1, 4, 5, 5), output_size=[7]),
    "output_size an int": lambda m: m.nn.ConvTranspose1d(4, 6, 3)(m.ones(1, 4, 5), output_size=7),
    "ConvTranspose3d padding_mode": lambda m: m.nn.ConvTranspose3d(2, 4, 3, padding_mode="circular"),
    "ConvTranspose3d output_size of two sizes": lambda m: m.nn.ConvTranspose3d(2, 4, 3)(m.ones(1, 2, 3, 3, 3),
                                                                                      output_size=[5, 5]),
}


@pytest.mark.parametrize("case", CONV_TRANSPOSE_MODULES)
def test_conv_transpose_modules_match_torch(case):
    assert_matches_torch(CONV_TRANSPOSE_MODULES[case], tolerance=(1e-5, 1e-5))


@pytest.mark.parametrize("case", CONV_TRANSPOSE_MODULE_ERRORS)
def test_conv_transpose_module_errors_match_torch(case):
    assert_matches_torch(CONV_TRANSPOSE_MODULE_ERRORS[case])


# ---------------------------------------------------------------------------------------- interpolation
def interp(**kw: Any) -> Callable:
    return lambda m, x: F(m).interpolate(x, **kw)


INTERPOLATE = {
    "nearest 1d x2": graded(interp(scale_factor=2), (2, 3, 5)),
    "nearest 1d size 7": graded(interp(size=7), (2, 3, 5)),
    "nearest 1d shrink": graded(interp(size=3), (2, 3, 8)),
    "nearest 1d scale 1.7": graded(interp(scale_factor=1.7), (2, 3, 5)),
    "nearest 1d scale 1.7 recomputed": graded(interp(scale_factor=1.7, recompute_scale_factor=True), (2, 3, 5)),
    "nearest 1d scale 0.3": graded(interp(scale_factor=0.3), (1, 2, 11)),
    "nearest 2d x2": graded(interp(scale_factor=2), (2, 3, 4, 5)),
    "nearest 2d size tuple": graded(interp(size=(7, 3)), (2, 3, 4, 5)),
    "nearest 2d scale tuple": graded(interp(scale_factor=(1.5, 2.5)), (2, 3, 4, 5)),
    "nearest 2d scale 2.9 (not the size's ratio)": graded(interp(scale_factor=2.9), (1, 2, 3, 3)),
    "nearest 2d scale 2.9 recomputed": graded(interp(scale_factor=2.9, recompute_scale_factor=True), (1, 2, 3, 3)),
    "nearest 2d recompute_scale_factor=False": graded(interp(scale_factor=1.3, recompute_scale_factor=False),
                                                      (1, 2, 7, 9)),
    "nearest 3d": graded(interp(size=(3, 5, 2)), (1, 2, 2, 3, 4)),
    "nearest float64": graded(interp(scale_factor=2.5), (2, 2, 3, 3), dtype="float64"),
    "nearest empty batch": graded(interp(size=(3, 4)), (0, 2, 3, 3)),
    "nearest non-contiguous": graded(lambda m, x: F(m).interpolate(x.transpose(2, 3), size=(5, 6)), (2, 3, 4, 5)),
    "nearest-exact 1d": graded(interp(size=7, mode="nearest-exact"), (2, 3, 5)),
    "nearest-exact 1d shrink": graded(interp(scale_factor=0.6, mode="nearest-exact"), (2, 3, 10)),
    "nearest-exact 2d": graded(interp(scale_factor=(1.6, 2.0), mode="nearest-exact"), (2, 3, 4, 5)),
    "nearest-exact 3d": graded(interp(size=(3, 5, 2), mode="nearest-exact"), (1, 2, 2, 3, 4)),
    "linear": graded(interp(size=9, mode="linear"), (2, 3, 5)),
    "linear shrink": graded(interp(size=3, mode="linear"), (2, 3, 8)),
    "linear align_corners": graded(interp(size=9, mode="linear", align_corners=True), (2, 3, 5)),
    "linear align_corners to size 1": graded(interp(size=1, mode="linear", align_corners=True), (2, 3, 5)),
    "linear scale 1.7": graded(interp(scale_factor=1.7, mode="linear"), (2, 3, 5)),
    "linear same size": graded(interp(size=5, mode="linear"), (2, 3, 5)),
    "linear float64": graded(interp(scale_factor=2.3, mode="linear"), (2, 3, 5), dtype="float64"),
    "bilinear x2": graded(interp(scale_factor=2, mode="bilinear"), (2, 3, 4, 5)),
    "bilinear size": graded(interp(size=(7, 3), mode="bilinear"), (2, 3, 4, 5)),
    "bilinear align_corners": graded(interp(size=(7, 9), mode="bilinear", align_corners=True), (2, 3, 4, 5)),
    "bilinear scale tuple, recomputed": graded(interp(scale_factor=(1.5, 0.7), mode="bilinear",
                                                      recompute_scale_factor=True), (2, 3, 4, 5)),
    "bilinear scale tuple": graded(interp(scale_factor=(1.5, 0.7), mode="bilinear"), (2, 3, 4, 5)),
    "bilinear float64": graded(interp(size=(5, 7), mode="bilinear"), (2, 3, 4, 5), dtype="float64"),
    "bilinear non-contiguous": graded(lambda m, x: F(m).interpolate(x[:, :, ::2], size=(4, 7), mode="bilinear"),
                                      (2, 3, 6, 5)),
    "trilinear": graded(interp(size=(3, 5, 2), mode="trilinear"), (1, 2, 2, 3, 4)),
    "trilinear align_corners": graded(interp(scale_factor=2, mode="trilinear", align_corners=True),
                                      (1, 2, 2, 3, 2)),
    "bicubic": graded(interp(size=(7, 4), mode="bicubic"), (2, 3, 4, 5)),
    "bicubic x2": graded(interp(scale_factor=2, mode="bicubic"), (1, 2, 3, 4)),
    "bicubic shrink, scale": graded(interp(scale_factor=(0.6, 1.7), mode="bicubic"), (1, 2, 6, 4)),
    "bicubic align_corners": graded(interp(size=(5, 9), mode="bicubic", align_corners=True), (1, 2, 3, 4)),
    "bicubic float64": graded(interp(size=(5, 6), mode="bicubic"), (1, 2, 3, 4), dtype="float64"),
    "area 1d": graded(interp(size=3, mode="area"), (2, 3, 7)),
    "area 2d by scale": graded(interp(scale_factor=0.5, mode="area"), (2, 3, 6, 4)),
    "area 3d": graded(interp(size=(2, 3, 2), mode="area"), (1, 2, 5, 6, 3)),
    "uint8 nearest": lambda m: F(m).interpolate(m.arange(24, dtype=m.uint8).reshape(1, 2, 3, 4), size=(5, 7)),
    "F.upsample warns": graded(lambda m, x: F(m).upsample(x, scale_factor=2), (1, 2, 3)),
    "F.upsample_nearest warns": graded(lambda m, x: F(m).upsample_nearest(x, size=(3, 4)), (1, 2, 2, 3)),
    "F.upsample_bilinear warns (align_corners)": graded(lambda m, x: F(m).upsample_bilinear(x, size=(3, 4)),
                                                        (1, 2, 2, 3)),
}

INTERPOLATE_HALF = {
    "nearest float16": graded(interp(scale_factor=2), (1, 2, 3, 3), dtype="float16"),
    "bilinear float16": graded(interp(size=(5, 4), mode="bilinear"), (1, 2, 3, 3), dtype="float16"),
}

INTERPOLATE_ERRORS = {
    "size and scale_factor": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2, scale_factor=2),
    "neither": lambda m: F(m).interpolate(m.ones(1, 1, 3)),
    "align_corners with nearest": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2, align_corners=True),
    "align_corners with area": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2, mode="area",
                                                          align_corners=False),
    "recompute with a size": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2, recompute_scale_factor=True),
    "size of 3 for 2 dims": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=(2, 2, 2)),
    "scale of 3 for 2 dims": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), scale_factor=(2, 2, 2)),
    "float in size": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=(2.0, 2)),
    "float size (the kernel's parser)": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=3.5),
    "float size, bilinear": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=2.5, mode="bilinear"),
    "float size, 1d linear": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2.5, mode="linear"),
    "float size, 3d nearest-exact": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3, 3), size=2.5, mode="nearest-exact"),
    "tensor scale_factor": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), scale_factor=m.tensor(2.0)),
    "str in scale_factor, bicubic": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), scale_factor=("a", 2),
                                                               mode="bicubic"),
    "size 0": lambda m: F(m).interpolate(m.ones(2, 3, 4, 5), size=0),
    "negative size": lambda m: F(m).interpolate(m.ones(2, 3, 4), size=-1, mode="linear"),
    "scale to nothing": lambda m: F(m).interpolate(m.ones(2, 3, 4, 5), scale_factor=0.1),
    "3d size 0": lambda m: F(m).interpolate(m.ones(1, 1, 0, 3, 3), size=2),
    "nan scale": lambda m: F(m).interpolate(m.ones(2, 3, 4, 5), scale_factor=float("nan")),
    "empty height": lambda m: F(m).interpolate(m.ones(2, 3, 0, 5), size=3, mode="bilinear"),
    "no channels": lambda m: F(m).interpolate(m.ones(2, 0, 4, 5), size=3),
    "no channels 1d": lambda m: F(m).interpolate(m.ones(1, 0, 3), size=2),
    "2-d input": lambda m: F(m).interpolate(m.ones(2, 3), size=3),
    "unknown mode": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=3, mode="foo"),
    "linear of a 4-d input": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=3, mode="linear"),
    "bilinear of a 3-d input": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=3, mode="bilinear"),
    "trilinear of a 4-d input": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=3, mode="trilinear"),
    "antialias with nearest": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3), size=2, antialias=True),
    "int64 nearest 2d": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3, dtype=m.int64), size=2),
    "int64 nearest 1d": lambda m: F(m).interpolate(m.ones(1, 1, 3, dtype=m.int64), size=2),
    "bool nearest-exact 2d": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3, dtype=m.bool), size=2,
                                                        mode="nearest-exact"),
    "int32 bilinear": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3, dtype=m.int32), size=2, mode="bilinear"),
    "uint8 linear": lambda m: F(m).interpolate(m.ones(1, 1, 3, dtype=m.uint8), size=2, mode="linear"),
    "int64 bicubic": lambda m: F(m).interpolate(m.ones(1, 1, 3, 3, dtype=m.int64), size=2, mode="bicubic"),
    "bicubic of a 3-d input": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=3, mode="bicubic"),
    "antialias with a 3-d input": lambda m: F(m).interpolate(m.ones(1, 1, 3), size=2, mode="linear", antialias=True),
}


@pytest.mark.parametrize("case", INTERPOLATE)
def test_interpolate_matches_torch(case):
    assert_matches_torch(INTERPOLATE[case], warnings=True, exact="nearest" in case, tolerance=(1e-6, 1e-6))


@pytest.mark.parametrize("case", INTERPOLATE_HALF)
def test_interpolate_float16_matches_torch(case):
    assert_matches_torch(INTERPOLATE_HALF[case], tolerance=HALF)


@pytest.mark.parametrize("case", INTERPOLATE_ERRORS)
def test_interpolate_errors_match_torch(case):
    assert_matches_torch(INTERPOLATE_ERRORS[case])


UPSAMPLE_MODULES = {
    "Upsample scale": graded(lambda m, x: (m.nn.Upsample(scale_factor=2)(x), repr(m.nn.Upsample(scale_factor=2))),
                             (1, 2, 3, 3)),
    "Upsample bilinear size": graded(lambda m, x: m.nn.Upsample(size=(4, 5), mode="bilinear")(x), (1, 2, 3, 3)),
    "Upsample trilinear align_corners": graded(lambda m, x: m.nn.Upsample(scale_factor=(2, 1, 1.5),
                                                                         mode="trilinear", align_corners=True)(x),
                                               (1, 2, 2, 3, 2)),
    "UpsamplingNearest2d": graded(lambda m, x: m.nn.UpsamplingNearest2d(scale_factor=3)(x), (1, 2, 2, 3)),
    "UpsamplingBilinear2d (align_corners)": graded(lambda m, x: m.nn.UpsamplingBilinear2d(size=(5, 4))(x),
                                                   (1, 2, 2, 3)),
    "reprs and attributes": lambda m: [
        (repr(layer), layer.size, layer.scale_factor, layer.mode, layer.align_corners, layer.recompute_scale_factor,
         layer.name)
        for layer in (m.nn.Upsample(), m.nn.Upsample(size=(3, 4), mode="bilinear"),
                      m.nn.Upsample(scale_factor=(2, 3)), m.nn.Upsample(scale_factor=0),
                      m.nn.UpsamplingNearest2d(scale_factor=2), m.nn.UpsamplingBilinear2d(size=3))],
    "no parameters": lambda m: list(m.nn.Upsample(scale_factor=2).state_dict()),
}


def _module_output(result: Any) -> Any:
    return result[0] if isinstance(result, tuple) else result


@pytest.mark.parametrize("case", UPSAMPLE_MODULES)
def test_upsample_modules_match_torch(case):
    assert_matches_torch(UPSAMPLE_MODULES[case], tolerance=(1e-6, 1e-6))


# ---------------------------------------------------------------------------------------- fold / unfold
UNFOLD = {
    "unfold": graded(lambda m, x: F(m).unfold(x, 2), (2, 3, 4, 5)),
    "unfold every argument": graded(lambda m, x: F(m).unfold(x, (2, 3), dilation=(1, 2), padding=1,
                                                             stride=(2, 1)), (2, 3, 5, 6)),
    "unfold unbatched": graded(lambda m, x: F(m).unfold(x, 2, stride=2), (3, 4, 4)),
    "unfold empty batch": graded(lambda m, x: F(m).unfold(x, 2), (0, 3, 4, 4)),
    "unfold float64": graded(lambda m, x: F(m).unfold(x, 3, padding=1), (1, 2, 4, 4), dtype="float64"),
    "unfold non-contiguous": graded(lambda m, x: F(m).unfold(x.transpose(2, 3), 2), (2, 3, 4, 5)),
    "unfold bool": lambda m: F(m).unfold(m.tensor(values((1, 2, 3, 3)) > 0), 2),
    "fold": graded(lambda m, x: F(m).fold(x, (3, 4), 2), (2, 12, 6)),
    "fold overlapping blocks, every argument": graded(lambda m, x: F(m).fold(x, (5, 6), (2, 3), dilation=(2, 1),
                                                                             padding=1, stride=(1, 2)), (1, 12, 15)),
    "fold unbatched": graded(lambda m, x: F(m).fold(x, 3, 2), (8, 4)),
    "fold empty batch": graded(lambda m, x: F(m).fold(x, (3, 4), 2), (0, 12, 6)),
    "fold float64": graded(lambda m, x: F(m).fold(x, (4, 5), 2, stride=(1, 2)), (2, 12, 6), dtype="float64"),
    "fold of unfold": graded(lambda m, x: F(m).fold(F(m).unfold(x, 3, padding=1), (4, 5), 3, padding=1),
                             (2, 2, 4, 5)),
    "Unfold": graded(lambda m, x: m.nn.Unfold(2, padding=1)(x), (2, 3, 4, 4)),
    "Fold": graded(lambda m, x: m.nn.Fold((3, 4), 2)(x), (2, 12, 6)),
    "reprs": lambda m: [repr(m.nn.Unfold(2, padding=1)), repr(m.nn.Unfold((2, 3), 2, 1, (1, 2))),
                        repr(m.nn.Fold((3, 4), 2)), repr(m.nn.Fold(3, (2, 2), stride=2)),
                        m.nn.Fold(3, 2).output_size, m.nn.Unfold(3, stride=2).stride],
}

UNFOLD_HALF = {
    "unfold float16": graded(lambda m, x: F(m).unfold(x, 2), (1, 2, 3, 3), dtype="float16"),
    "fold float16": graded(lambda m, x: F(m).fold(x, (3, 3), 2, padding=1), (1, 8, 16), dtype="float16"),
}

UNFOLD_ERRORS = {
    "unfold kernel 0": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 0),
    "unfold kernel too large": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 7),
    "unfold stride 0": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 2, stride=0),
    "unfold negative padding": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 2, padding=-1),
    "unfold dilation 0": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 2, dilation=0),
    "unfold dilation 0 and stride 0": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 2, dilation=0, stride=0),
    "unfold three kernel sizes": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), (2, 2, 2)),
    "unfold float kernel": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), 2.5),
    "unfold 0-d tensor kernel": lambda m: F(m).unfold(m.ones(2, 3, 5, 6), m.tensor(2)),
    "unfold 5-d input": lambda m: F(m).unfold(m.ones(1, 2, 3, 4, 5), 2),
    "unfold 2-d input": lambda m: F(m).unfold(m.ones(4, 5), 2),
    "unfold no channels": lambda m: F(m).unfold(m.ones(2, 0, 5, 6), 2),
    "unfold empty height": lambda m: F(m).unfold(m.ones(2, 3, 0, 6), 2),
    "unfold int64": lambda m: F(m).unfold(m.ones(2, 3, 5, 6, dtype=m.int64), 2),
    "unfold a list": lambda m: F(m).unfold([1.0], 2),
    "fold wrong number of blocks": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), (2, 3)),
    "fold channels not divisible": lambda m: F(m).fold(m.ones(2, 10, 6), (3, 4), 2),
    "fold output_size an int": lambda m: F(m).fold(m.ones(2, 12, 6), 3, 2),
    "fold three output sizes": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4, 5), 2),
    "fold 4-d input": lambda m: F(m).fold(m.ones(2, 12, 6, 1), (3, 4), 2),
    "fold kernel 0": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), 0),
    "fold stride 0": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), 2, stride=0),
    "fold dilation 0": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), 2, dilation=0),
    "fold negative padding": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), 2, padding=-1),
    "fold stride 0 and dilation 0": lambda m: F(m).fold(m.ones(2, 12, 6), (3, 4), 2, stride=0, dilation=0),
    "fold no blocks": lambda m: F(m).fold(m.ones(2, 12, 0), (3, 4), 2),
    "fold no channels": lambda m: F(m).fold(m.ones(2, 0, 6), (3, 4), 2),
    "fold output smaller than a block": lambda m: F(m).fold(m.ones(1, 4, 0), (1, 1), 2),
    "fold int64": lambda m: F(m).fold(m.ones(2, 12, 6, dtype=m.int64), (3, 4), 2),
}


@pytest.mark.parametrize("case", UNFOLD)
def test_unfold_fold_match_torch(case):
    assert_matches_torch(UNFOLD[case], exact=case.startswith("unfold"), tolerance=(1e-6, 1e-6))


@pytest.mark.parametrize("case", UNFOLD_HALF)
def test_unfold_fold_float16_match_torch(case):
    assert_matches_torch(UNFOLD_HALF[case], tolerance=HALF)


@pytest.mark.parametrize("case", UNFOLD_ERRORS)
def test_unfold_fold_errors_match_torch(case):
    assert_matches_torch(UNFOLD_ERRORS[case])


# ---------------------------------------------------------------------------------------- pixel (un)shuffle
SHUFFLE = {
    "pixel_shuffle": graded(lambda m, x: m.pixel_shuffle(x, 2), (2, 8, 3, 2)),
    "F.pixel_shuffle unbatched": graded(lambda m, x: F(m).pixel_shuffle(x, 3), (9, 2, 2)),
    "pixel_shuffle more batch dims": graded(lambda m, x: m.pixel_shuffle(x, 2), (3, 2, 4, 2, 3)),
    "pixel_shuffle factor 1": graded(lambda m, x: m.pixel_shuffle(x, 1), (1, 4, 2, 2)),
    "pixel_shuffle empty batch (torch's backward fails)": graded(lambda m, x: m.pixel_shuffle(x, 2), (0, 4, 2, 2)),
    "pixel_unshuffle empty batch (torch keeps the shape)": graded(lambda m, x: m.pixel_unshuffle(x, 2),
                                                                 (0, 1, 4, 4)),
    "pixel_unshuffle no channels": lambda m: m.pixel_unshuffle(m.ones(1, 0, 4, 4), 2),
    "pixel_shuffle no channels": lambda m: m.pixel_shuffle(m.ones(1, 0, 4, 4), 2),
    "pixel_shuffle int64": graded(lambda m, x: m.pixel_shuffle(x, 2), (1, 4, 2, 3), dtype="int64"),
    "pixel_shuffle float16": graded(lambda m, x: m.pixel_shuffle(x, 2), (1, 4, 2, 3), dtype="float16"),
    "pixel_shuffle bool": lambda m: m.pixel_shuffle(m.tensor(values((1, 4, 2, 2)) > 0), 2),
    "pixel_shuffle non-contiguous": graded(lambda m, x: m.pixel_shuffle(x.transpose(2, 3), 2), (2, 4, 3, 5)),
    "pixel_unshuffle": graded(lambda m, x: m.pixel_unshuffle(x, 2), (2, 3, 4, 6)),
    "F.pixel_unshuffle unbatched": graded(lambda m, x: F(m).pixel_unshuffle(x, 3), (2, 3, 6)),
    "pixel_unshuffle float64": graded(lambda m, x: m.pixel_unshuffle(x, 2), (1, 2, 2, 4), dtype="float64"),
    "unshuffle of shuffle": graded(lambda m, x: m.pixel_unshuffle(m.pixel_shuffle(x, 2), 2), (1, 8, 2, 3)),
    "modules": graded(lambda m, x: m.nn.PixelUnshuffle(2)(m.nn.PixelShuffle(2)(x)), (1, 8, 2, 3)),
    "module reprs": lambda m: [repr(m.nn.PixelShuffle(2)), repr(m.nn.PixelUnshuffle(3)),
                               m.nn.PixelShuffle(4).upscale_factor, m.nn.PixelUnshuffle(5).downscale_factor],
}

SHUFFLE_ERRORS = {
    "shuffle 2-d input": lambda m: m.pixel_shuffle(m.ones(2, 2), 2),
    "shuffle channels not divisible": lambda m: m.pixel_shuffle(m.ones(1, 3, 2, 2), 2),
    "shuffle factor 0": lambda m: m.pixel_shuffle(m.ones(1, 4, 2, 2), 0),
    "shuffle negative factor": lambda m: m.pixel_shuffle(m.ones(1, 4, 2, 2), -1),
    "shuffle float factor": lambda m: m.pixel_shuffle(m.ones(1, 4, 2, 2), 1.5),
    "shuffle a list": lambda m: m.pixel_shuffle([1.0], 1),
    "unshuffle width": lambda m: m.pixel_unshuffle(m.ones(1, 1, 4, 5), 2),
    "unshuffle height": lambda m: m.pixel_unshuffle(m.ones(1, 1, 5, 4), 2),
    "unshuffle 2-d input": lambda m: m.pixel_unshuffle(m.ones(4, 4), 2),
    "unshuffle factor 0": lambda m: m.pixel_unshuffle(m.ones(1, 1, 4, 4), 0),
}


@pytest.mark.parametrize("case", SHUFFLE)
def test_pixel_shuffle_matches_torch(case):
    assert_matches_torch(SHUFFLE[case], exact=True)


@pytest.mark.parametrize("case", SHUFFLE_ERRORS)
def test_pixel_shuffle_errors_match_torch(case):
    assert_matches_torch(SHUFFLE_ERRORS[case])


# ---------------------------------------------------------------------------------------- saved inputs
def changed_after(build: Callable[[Any, Any, Any], Any]) -> Callable:
    """A program: an op of x (and w), then x changed in place before the backward: torch refuses to use the
    saved value."""
    def program(m: Any) -> Any:
        x = m.ones(1, 4, 3, 3, requires_grad=True).clone()
        w = m.ones(4, 2, 2, 2, requires_grad=True)
        out = build(m, x, w)
        x.mul_(2)
        out.sum().backward()
    return program


SAVED = {
    "conv_transpose2d": changed_after(lambda m, x, w: F(m).conv_transpose2d(x, w)),
    "conv_transpose2d weight": lambda m: (lambda w: (F(m).conv_transpose2d(m.ones(1, 4, 3, 3), w).sum(),
                                                     w.add_(1))[0].backward())(m.ones(4, 2, 2, 2,
                                                                                      requires_grad=True).clone()),
}


@pytest.mark.parametrize("case", SAVED)
def test_saved_inputs_are_checked_like_torch(case):
    assert_matches_torch(SAVED[case], drop_hints=True)
