"""Convolution, pooling and normalization layers, differential probe: the edges that random programs found,
each run on both libraries.

What this proves, beyond `test_conv.py`, `test_batchnorm.py` and `test_nn_modules.py`:
- `max_pool2d` / `avg_pool2d` check their arguments as torch's argument parser does, first (a Tensor input;
  int or int-sequence sizes, NumPy ints included; bool flags; an int `divisor_override`), with torch's
  exception types and messages (those of a positional call);
- a negative kernel size reaches torch's "kernel size should be greater than zero" (the padding check
  divides as C++ does), and a 0-d input to `avg_pool2d` gets torch's IndexError;
- `layer_norm` and `batch_norm` parse their arguments as torch (Tensor input and parameters, int sizes,
  a bool `training`, numbers for `momentum` and `eps`: so `momentum=None`, nn.BatchNorm's cumulative
  option, is torch's TypeError in the function), and a 1-d input to `batch_norm` fails with torch's errors;
- `batch_norm` checks its statistics and parameters in torch's order, takes a weight and bias of any shape
  with one value per channel (and fails in the backward where torch's does), running statistics as vectors
  only, and indexes the parameters of an empty input as torch's C++;
- a pooling size is torch's `int[2]` (one int, a one-element integer tensor of any shape too, or a tuple whose
  items may be bool tensors), `layer_norm`'s normalized_shape its `SymInt[]` (a tuple only, a bool tensor in it
  the "isIntegral" error): every argument's type is checked before a size's later items are read;
- `F.dropout` parses its input and `training` as torch; 0-d tensors are numbers to the parser (p, pooling
  sizes), a two-element one is no size;
- `Conv1d._conv_forward` / `Conv2d._conv_forward` have torch's signature (input, weight, bias);
- `nn.LayerNorm` takes any integral number (a NumPy int too) as one normalized dim;
- `F.pad` has torch's 'reflect', 'replicate' and 'circular' modes (values, node names, gradients, float16
  gradient sums, errors), so `Conv1d` / `Conv2d` take every `padding_mode`;
- a convolution of an input without samples or channels is one ConvolutionBackward0 node, as in torch;
- convolution checks in torch's order: a zero dilation after the shape checks (a negative one before them),
  torch's dilated kernels' messages, 'same' padding's own checks first and its asymmetric padding applied to
  the input first (so the sizes in torch's messages).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch


def floats(lib, shape, dtype="float32", seed=0, requires_grad=False):
    """The same random values as a tensor of `lib` (torch or minitorch_ref)."""
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return lib.tensor(values, requires_grad=requires_grad)


# --------------------------------------------------------------------------- pooling's argument checks
@pytest.mark.parametrize("fn", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("position", [1, 2, 3])
@pytest.mark.parametrize("value", [2.5, None, "2", (2.0, 2), [True, 2], (2, 2.5), [2, None], np.int64(2)])
def test_pooling_sizes_are_parsed_as_torch(fn, position, value):
    """kernel_size (1), stride (2) or padding (3) given as a float, None, a string, a sequence with a non-int:
    torch's TypeError naming the argument (or the element); a NumPy int is an int."""
    def pool(lib):
        args = [2, 2, 0]
        args[position - 1] = value
        return getattr(lib.nn.functional, fn)(floats(lib, (1, 2, 4, 4)), *args)

    assert_matches_torch(pool)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.max_pool2d([[1.0]], 2),
    lambda lib, x: lib.nn.functional.avg_pool2d([[1.0]], 2),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, 2, 0, 1.0),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, 2, 0, np.int64(1)),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, 2, 0, 1, 1),
    lambda lib, x: lib.nn.MaxPool2d(2, ceil_mode=None)(x),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 2, 0, 1),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 2, 0, False, np.bool_(True)),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 2, 0, False, True, 2.0),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 2, 0, False, True, True),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, 2, 0, False, True, np.int64(3)),
    lambda lib, x: lib.nn.AvgPool2d(2, divisor_override="2")(x),
])
def test_pooling_flags_and_divisor_are_parsed_as_torch(call):
    assert_matches_torch(lambda lib: call(lib, floats(lib, (1, 2, 4, 4))))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.max_pool2d(floats(lib, (1, 2, 4, 4)), -1),
    lambda lib: lib.nn.functional.avg_pool2d(floats(lib, (1, 2, 4, 4)), (2, -1)),
    lambda lib: lib.nn.functional.avg_pool2d(lib.tensor(1.0), 2),
])
def test_pooling_shape_errors_as_torch(call):
    assert_matches_torch(call)


# The values tried inside a size (a pooling's int[2], layer_norm's SymInt[]), built in each library.
SIZE_ITEMS = {
    "bool-tensor": lambda lib: lib.tensor(True), "int-tensor-1d": lambda lib: lib.tensor([2]),
    "int-tensor-2d": lambda lib: lib.tensor([[2]]), "uint8-tensor": lambda lib: lib.tensor(2, dtype=lib.uint8),
    "float-tensor": lambda lib: lib.tensor(2.0), "int-tensor-2el": lambda lib: lib.tensor([2, 2]),
    "bool": lambda lib: True, "np-int": lambda lib: np.int64(2), "beyond-int64": lambda lib: 2 ** 63,
    "np-beyond-int64": lambda lib: np.uint64(2 ** 63),
}


@pytest.mark.parametrize("item", SIZE_ITEMS)
@pytest.mark.parametrize("form", ["v", "(v,)", "(2, v)"])
@pytest.mark.parametrize("fn, position", [("max_pool2d", 1), ("avg_pool2d", 2)])
def test_pooling_sizes_are_read_as_torch_int_lists(fn, position, form, item):
    """A pooling size is torch's int[2]: one int (any one-element integer tensor, a bool one too) or a tuple whose
    later items may be bools, and a bool tensor anywhere counts as 0 or 1 (torch's SymInt[] refuses it there);
    a float tensor or a longer one is a TypeError, an int beyond int64 torch's overflow error."""
    def pool(lib):
        v = SIZE_ITEMS[item](lib)
        args = [2, 2, 0]
        args[position - 1] = {"v": v, "(v,)": (v,), "(2, v)": (2, v)}[form]
        return getattr(lib.nn.functional, fn)(floats(lib, (1, 2, 5, 5)), *args)

    assert_matches_torch(pool, same_message=not item.endswith("beyond-int64") or form == "v")


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, None), 2, 0, 1, "yes"),
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, None), 1.0),
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, None), (1, None)),
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, 2, 2), (1, None)),
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, 2), 2, (0, "0"), (1, None)),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, (2, None), 2, 0, False, True, 2.0),
    lambda lib, x: lib.nn.MaxPool2d((lib.tensor(True), lib.tensor(2)))(x),
    lambda lib, x: lib.nn.AvgPool2d(lib.tensor([2]))(x),
], ids=["ceil_mode-before-items", "stride-type-before-items", "last-size-read-first", "items-before-lengths",
        "dilation-read-before-padding", "divisor-before-items", "MaxPool2d-bool-tensor", "AvgPool2d-1d-tensor"])
def test_pooling_arguments_are_checked_then_read_in_torch_order(call):
    """torch's parser checks every argument's type (a size by its first item) before it reads a size's other
    items, and reads the sizes last first; their lengths are the pooling's own check, after."""
    assert_matches_torch(lambda lib: call(lib, floats(lib, (1, 2, 4, 4))))


# --------------------------------------------------------------------------- normalization's argument checks
@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.layer_norm(None, [3]),
    lambda lib, x: lib.nn.functional.layer_norm([[1.0, 2.0, 3.0]], [3]),
    lambda lib, x: lib.nn.functional.layer_norm(x, np.int64(3)),
    lambda lib, x: lib.nn.functional.layer_norm(x, (3.0,)),
    lambda lib, x: lib.nn.functional.layer_norm(x, [4, "3"]),
    lambda lib, x: lib.nn.functional.layer_norm(x, None),
    lambda lib, x: lib.nn.functional.layer_norm(x, [3], [1.0, 1.0, 1.0]),
    lambda lib, x: lib.nn.functional.layer_norm(x, [3], None, 0.0),
    lambda lib, x: lib.nn.functional.layer_norm(x, [3], eps=None),
    lambda lib, x: lib.nn.functional.layer_norm(x, [3], eps="1e-5"),
    lambda lib, x: lib.nn.functional.layer_norm(x, (np.int64(3),), eps=np.float32(0.1)),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=None),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=1),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=np.bool_(True)),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=True, momentum=None),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=True, momentum="0.1"),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), momentum=None),
    lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3), training=True, momentum=np.int64(1)),
])
def test_normalization_arguments_are_parsed_as_torch(call):
    """A non-Tensor input or weight, a size that is not ints, a `training` that is not a bool, a `momentum` or
    `eps` that is not a number (momentum=None is nn.BatchNorm's option, not F.batch_norm's): torch's TypeError."""
    assert_matches_torch(lambda lib: call(lib, floats(lib, (4, 3))))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("stats, weight", [(4, None), (None, None), (None, 1), (0, 0)])
def test_batch_norm_of_a_1d_input_fails_as_torch(training, stats, weight):
    """F.batch_norm of a 1-d input (the batch without a channel dim): torch finds 0 channels, so its messages
    about the running statistics' or the weight's size, or its kernel's IndexError for dim 1."""
    def normalize(lib):
        running = (None, None) if stats is None else (lib.zeros(stats), lib.ones(stats))
        return lib.nn.functional.batch_norm(floats(lib, (4,)), *running, None if weight is None else lib.ones(weight),
                                            training=training)

    assert_matches_torch(normalize)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype, stats_dtype", [("int64", "float32"), ("bool", "float32"), ("float32", "float64"),
                                                ("float64", "float32"), ("float16", "float64")])
def test_batch_norm_of_a_1d_input_checks_the_channels_and_dtypes_in_torch_order(training, dtype, stats_dtype):
    """A 1-d input of a dtype batch_norm refuses (or with statistics of another dtype): in training torch's
    kernel asks for dim 1 first (IndexError), in evaluation it checks the dtypes first. (Found by the fuzz test.)"""
    def normalize(lib):
        x = lib.ones(3, dtype=getattr(lib, dtype))
        stats = lib.zeros(0, dtype=getattr(lib, stats_dtype)), lib.ones(0, dtype=getattr(lib, stats_dtype))
        return lib.nn.functional.batch_norm(x, *stats, training=training)

    assert_matches_torch(normalize)


@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided-rows", "channels-last", "permuted"])
@pytest.mark.parametrize("training, given", [(True, None), (True, "weight"), (True, "bias"), (True, "stats"),
                                             (False, "stats")])
def test_batch_norm_of_integers_fails_as_torch_in_every_layout(layout, training, given):
    """An integer input: torch's kernel refuses its dtype, except in training with no parameters and no running
    statistics, where a layout it cannot read directly (neither contiguous nor channels-last) has its batch
    mean taken by mean() first, and mean()'s error comes out. (Found by the fuzz test: a movedim then batch_norm.)"""
    def normalize(lib):
        x = lib.ones(2, 3, 4, 2, dtype=lib.int64)
        x = {"contiguous": x, "transposed": lib.movedim(x[:, :, 0], 0, -1), "strided-rows": x[::2, :, 0],
             "channels-last": x.permute(0, 3, 1, 2), "permuted": x.permute(0, 1, 3, 2)}[layout]
        channels = x.shape[1]
        options = {"weight": dict(weight=lib.ones(channels)), "bias": dict(bias=lib.zeros(channels)),
                   "stats": dict(running_mean=lib.zeros(channels), running_var=lib.ones(channels)), None: {}}[given]
        options.setdefault("running_mean", None)
        options.setdefault("running_var", None)
        return lib.nn.functional.batch_norm(x, training=training, **options)

    assert_matches_torch(normalize)


@pytest.mark.parametrize("item", SIZE_ITEMS)
@pytest.mark.parametrize("form", ["v", "(v,)", "(3, v)"])
def test_layer_norm_reads_normalized_shape_as_torch_sym_int_list(form, item):
    """normalized_shape is torch's SymInt[]: a tuple only (never one int), its items ints, NumPy ints or one-element
    integer tensors (a later one may be a bool) read as ints, a bool tensor among them its "isIntegral" error."""
    def normalize(lib):
        v = SIZE_ITEMS[item](lib)
        shape = {"v": v, "(v,)": (v,), "(3, v)": (3, v)}[form]
        return lib.nn.functional.layer_norm(floats(lib, (2, 3, 2)), shape)

    assert_matches_torch(normalize, same_message=not item.endswith("beyond-int64"))


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.nn.functional.layer_norm(x, (3, None), "weight"),
    lambda lib, x: lib.nn.functional.layer_norm(x, (3, lib.tensor(True)), eps=None),
    lambda lib, x: lib.nn.LayerNorm((3, lib.tensor(True)), elementwise_affine=False)(x),
    lambda lib, x: lib.nn.LayerNorm((lib.tensor(3),), elementwise_affine=False)(x),
], ids=["weight-before-items", "eps-before-items", "module-bool-tensor", "module-int-tensor"])
def test_layer_norm_arguments_are_checked_then_read_in_torch_order(call):
    assert_matches_torch(lambda lib: call(lib, floats(lib, (4, 3))))


def test_layer_norm_module_takes_a_numpy_int_as_one_dim():
    """nn.LayerNorm(np.int64(3)): torch's numbers.Integral check makes any integral number one dim."""
    def layer(lib):
        m = lib.nn.LayerNorm(np.int64(3))
        return repr(m), m(floats(lib, (2, 3)))

    assert_matches_torch(layer)


# --------------------------------------------------------------------------- padding modes (F.pad, Conv's padding_mode)
def pad_program(shape, pad, mode, dtype="float64", seed=0):
    """F.pad of random values, then (floating point) the backward of a random upstream gradient: the output
    (its node too) and the input's gradient."""
    def run(lib):
        x = floats(lib, shape, dtype, seed, requires_grad=True) if dtype.startswith("float") else \
            lib.tensor((np.random.default_rng(seed).standard_normal(shape) * 3).astype(dtype))
        y = lib.nn.functional.pad(x, pad, mode=mode)
        if not x.requires_grad:
            return y, y.grad_fn
        y.backward(floats(lib, tuple(y.shape), dtype, seed + 1))
        return y, x.grad

    return run


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape, pad", [
    ((3, 5), (2, 1)), ((2, 3, 5), (1, 3)), ((2, 3, 5), (-1, 2)), ((0, 3, 4), (1, 1)),
    ((2, 4, 5), (1, 2, 3, 0)), ((1, 2, 4, 5), (3, 1, 0, 2)), ((1, 2, 4, 5), (-2, 1, 1, -1)),
    ((2, 3, 4, 5), (1, 1, 2, 0, 1, 2)), ((1, 2, 3, 4, 5), (0, 2, 1, 1, 2, 1)), ((1, 2, 3, 4, 5), (-1, 1, 2, 0, 1, -2)),
])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_pad_modes_copy_and_backward_as_torch(mode, shape, pad, dtype):
    """reflect (mirrored, the edge once), replicate (the edge repeated), circular (wrapped): the last 1, 2 or 3
    dims of an unbatched or batched input, crops included; torch's values, node and summed gradient."""
    assert_matches_torch(pad_program(shape, pad, mode, dtype))


def test_pad_modes_sum_float16_gradients_as_torch():
    """Reflection and replication add an edge's gradients in float16, one at a time in the output's order, as
    torch's kernel does (bit for bit)."""
    for mode, shape, pad in [("reflect", (2, 3, 5, 4), (3, 2, 4, 1)), ("replicate", (4, 3, 2), (0, 3, 4, 2))]:
        got = pad_program(shape, pad, mode, "float16", seed=3)(mt)[1].numpy()
        expected = pad_program(shape, pad, mode, "float16", seed=3)(torch)[1].numpy()
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape, pad, value", [
    ((4,), (1, 1), None), ((1, 2, 3, 4), (1, 1), None), ((2, 3, 4), (1, 1, 1, 1, 1, 1), None),
    ((2, 3, 4), (1, 1), 1.0), ((2, 3, 4), (4, 0), None), ((2, 3, 4), (5, 0), None), ((1, 2, 3, 4), (1, 1, 3, 3), None),
    ((1, 1, 2, 3, 4), (1, 1, 1, 1, 5, 5), None), ((2, 3, 4), (-2, -2), None), ((2, 3, 4), (-3, -2), None),
    ((1, 2, 3, 4), (-2, -2, -3, 0), None), ((1, 2, 3, 4), (-4, -2, -3, -3), None),
    ((1, 1, 2, 3, 4), (-4, -2, -3, -3, -2, -1), None), ((1, 1, 2, 3, 4), (-3, -2, 1, 1, 1, 1), None),
    ((2, 0, 4), (1, 1), None), ((2, 3, 0), (1, 1), None), ((1, 1, 0, 3, 4), (1, 1, 1, 1, 1, 1), None),
])
def test_pad_modes_check_as_torch(mode, shape, pad, value):
    """torch's errors, in its order: which input ranks each padding length takes, no value, a reflection
    narrower than the input, no wrapping around twice, an output too small, no empty dim but the batch."""
    assert_matches_torch(lambda lib: lib.nn.functional.pad(lib.zeros(shape), pad, mode=mode, value=value))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_modes_of_bool_as_torch(mode):
    """torch has no reflection or replication kernel for bool (circular padding copies any dtype)."""
    assert_matches_torch(lambda lib: lib.nn.functional.pad(lib.ones(2, 3, 4, dtype=lib.bool), (1, 2), mode=mode))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("dims, options", [
    (1, dict(kernel_size=3, padding=2)), (1, dict(kernel_size=2, padding="same", groups=2)),
    (2, dict(kernel_size=(3, 2), padding=(1, 2), stride=(2, 1))), (2, dict(kernel_size=3, padding="same", dilation=2)),
    (2, dict(kernel_size=2, padding=1, bias=False)), (2, dict(kernel_size=3, padding="valid")),
])
@pytest.mark.parametrize("batched", [True, False])
def test_conv_padding_modes_as_torch(mode, dims, options, batched):
    """nn.Conv1d / nn.Conv2d with padding_mode 'reflect', 'replicate' or 'circular': F.pad of the input in that
    mode, then the convolution; the same output and gradients of the input, weight and bias as torch."""
    def run(lib):
        lib.manual_seed(0)
        conv = (lib.nn.Conv1d if dims == 1 else lib.nn.Conv2d)(2, 4, padding_mode=mode, dtype=lib.float64, **options)
        x = floats(lib, ((3,) if batched else ()) + (2,) + (5,) * dims, "float64", seed=1, requires_grad=True)
        y = conv(x)
        y.backward(floats(lib, tuple(y.shape), "float64", seed=2))
        return y, x.grad, conv.weight.grad, conv.bias.grad if conv.bias is not None else None

    assert_matches_torch(run)


def test_conv_reflect_padding_wider_than_the_input_fails_as_torch():
    assert_matches_torch(lambda lib: lib.nn.Conv1d(3, 2, 2, padding=5, padding_mode="reflect")(lib.zeros(1, 3, 4)))


# --------------------------------------------------------------------------- convolution of empty inputs
@pytest.mark.parametrize("x_shape, w_shape", [((0, 3, 4, 4), (2, 3, 2, 2)), ((2, 0, 4, 4), (2, 0, 2, 2)),
                                              ((0, 0, 4, 4), (2, 0, 2, 2))])
@pytest.mark.parametrize("dtypes", [("float32", "float32", "float32"), ("float64", "float32", "float64"),
                                    ("float32", "float64", "float32"), ("int64", "float32", "int64")])
@pytest.mark.parametrize("bias", [True, False])
def test_convolution_of_an_empty_input_is_one_node_as_torch(x_shape, w_shape, dtypes, bias):
    """No samples or no channels: torch's output (shape, dtype: the input times one weight, mixed dtypes
    too) from a ConvolutionBackward0 node, whose gradients of the input, weight and bias are zeros."""
    def run(lib):
        x_dtype, w_dtype, b_dtype = (getattr(lib, d) for d in dtypes)
        x = lib.zeros(x_shape, dtype=x_dtype, requires_grad=x_dtype.is_floating_point)
        w = lib.ones(w_shape, dtype=w_dtype, requires_grad=True)
        b = lib.ones(w_shape[0], dtype=b_dtype, requires_grad=b_dtype.is_floating_point) if bias else None
        y = lib.nn.functional.conv2d(x, w, b)
        y.sum().backward()
        return y, x.grad, w.grad, None if b is None else b.grad

    assert_matches_torch(run)


# --------------------------------------------------------------------------- dropout's argument checks
@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.dropout([1.0, 2.0], 0.5),
    lambda lib: lib.nn.functional.dropout([1.0, 2.0], 0.5, True, True),
    lambda lib: lib.nn.functional.dropout(lib.ones(3, 4), 0.5, None),
    lambda lib: lib.nn.functional.dropout(lib.ones(3, 4), 0.5, 1),
    lambda lib: lib.nn.functional.dropout(lib.ones(3, 4), 0.5, np.bool_(True)),
    lambda lib: lib.nn.functional.dropout(lib.ones(3, 4), 0.5, "no", True),
])
def test_dropout_arguments_are_parsed_as_torch(call):
    """A non-Tensor input, a `training` that is not a bool: torch's TypeError (of dropout, or dropout_ in place)."""
    assert_matches_torch(call)


# --------------------------------------------------------------------------- convolution's checks, in torch's order
@pytest.mark.parametrize("x_shape, w_shape, options", [
    ((1, 4, 5, 5), (2, 3, 2, 2), dict(dilation=0)),  # a zero dilation: the shape checks first
    ((1, 3, 1, 1), (2, 3, 2, 2), dict(dilation=0)),
    ((1, 3, 1, 1), (2, 3, 2, 2), dict(dilation=(1, 0))),
    ((0, 3, 5, 5), (2, 3, 2, 2), dict(dilation=0)),  # (an empty batch: no kernel runs, no error)
    ((1, 3, 4, 5), (2, 3, 2, 2), dict(dilation=0, padding="same")),
    ((1, 3, 4), (2, 3, 2), dict(dilation=0)),
    ((1, 3, 0, 5), (2, 3, 1, 1), dict(dilation=0, padding=1)),
    ((1, 4, 5, 5), (2, 3, 2, 2), dict(dilation=-1)),  # a negative one: before them
    ((1, 3, 5, 5), (2, 3, 2, 2), dict(dilation=(0, -1))),
    ((1, 3, 4, 5), (2, 3, 0, 1), dict(dilation=2)),  # a dilated kernel of size 0: torch's dilated message
    ((1, 3, 4), (2, 3, 0), dict(dilation=0)),
    ((1, 3, 4, 5), (2, 3, 0, 1), dict()),
    ((1, 4, 5, 5), (2, 3, 2, 2), dict(padding="same")),  # 'same' with an even kernel: the input padded first
    ((1, 4, 5, 5), (2, 3, 2, 3), dict(padding="same")),
    ((3, 5), (2, 3), dict(padding="same")),  # 'same': torch's checks of the weight and groups come first
    ((1, 3, 5, 5), (2, 3, 3, 3), dict(padding="same", groups=0)),
    ((1, 3, 5, 5), (2, 3, 3, 3), dict(padding="same", stride=(1, 1, 1))),
    ((1, 3, 5), (2, 3, 3), dict(padding="same", dilation=(1, 1))),
])
def test_convolution_checks_in_torch_order(x_shape, w_shape, options):
    def convolve(lib):
        fn = lib.nn.functional.conv1d if len(w_shape) == 3 else lib.nn.functional.conv2d
        x = lib.ones(x_shape, requires_grad=True)
        y = fn(x, lib.ones(w_shape), **options)
        y.sum().backward()
        return y, x.grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ('same' with an even kernel: torch warns once per process)
        assert_matches_torch(convolve)


# --------------------------------------------------------------------------- batch_norm's parameters
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("shapes", [
    ((3,), (3,), (3, 1), (3,)), ((3,), (3,), (1, 3), (1, 3)), ((3,), (3,), (3,), (3, 1)), ((3,), (3,), None, (1, 3)),
    (None, None, (3, 1), (3, 1)), ((3, 1), (3,), (3,), (3,)), ((3,), (1, 3), None, None), ((), (), None, None),
    ((), None, None, None), ((3,), (3,), (), ()), ((3,), (3,), (3,), (3,)),
])
def test_batch_norm_parameter_shapes_as_torch(training, shapes):
    """torch checks each of running_mean, running_var, weight and bias in turn (defined in eval mode, one value
    per channel); its kernels then read the running statistics as vectors, and so does its backward the weight;
    a bias of another shape fails the engine's check of the gradient torch's node returns (its input 2)."""
    def normalize(lib):
        running_mean, running_var, weight, bias = [None if s is None else lib.ones(s, dtype=lib.float64) for s in shapes]
        for p in (weight, bias):
            if p is not None:
                p.requires_grad_()
        x = floats(lib, (2, 3, 4), "float64", requires_grad=True)
        y = lib.nn.functional.batch_norm(x, running_mean, running_var, weight, bias, training=training)
        y.pow(2).sum().backward()
        return y, x.grad, running_mean, running_var

    assert_matches_torch(normalize)


@pytest.mark.parametrize("weight, bias", [((0,), None), ((), None), (None, (0,)), (None, ()), ((0, 1), None)])
def test_batch_norm_of_an_empty_input_selects_as_torch(weight, bias):
    """An empty input: torch's shortcut scales by weight[0] and shifts by bias[0], C++'s select (its IndexErrors)."""
    def normalize(lib):
        return lib.nn.functional.batch_norm(lib.ones(0, 3), None, None, None if weight is None else lib.ones(weight),
                                            None if bias is None else lib.ones(bias), training=True)

    assert_matches_torch(normalize)


# --------------------------------------------------------------------------- the modules' API
@pytest.mark.parametrize("dims, mode", [(1, "zeros"), (2, "zeros"), (2, "reflect")])
def test_conv_forward_hook_for_subclasses_as_torch(dims, mode):
    """`_conv_forward(input, weight, bias)`: torch's signature, which subclasses call with a weight of their own
    (weight standardisation, weight noise...)."""
    def run(lib):
        lib.manual_seed(0)
        conv = (lib.nn.Conv1d if dims == 1 else lib.nn.Conv2d)(2, 3, 3, padding=1, padding_mode=mode,
                                                                 dtype=lib.float64)
        x = floats(lib, (1, 2) + (4,) * dims, "float64", requires_grad=True)
        y = conv._conv_forward(x, conv.weight * 2, None)
        y.sum().backward()
        return y, x.grad, conv.weight.grad

    assert_matches_torch(run)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_input_changed_in_place_as_torch(mode):
    """torch's reflection and replication padding save their input, so changing it in place before the backward
    fails there (the message's hint is minitorch_ref's own); circular padding (copies into slices) saves nothing."""
    def run(lib):
        leaf = lib.ones(2, 3, 4, requires_grad=True)
        x = leaf * 1
        y = lib.nn.functional.pad(x, (1, 1), mode=mode)
        x.add_(1)
        y.sum().backward()
        return leaf.grad

    assert_matches_torch(run, same_message=False)


@pytest.mark.parametrize("call", [
    lambda lib: (lib.manual_seed(0), lib.nn.functional.dropout(lib.ones(3, 4), lib.tensor(0.5)))[1],
    lambda lib: lib.nn.functional.max_pool2d(floats(lib, (1, 1, 4, 4)), lib.tensor(2)),
    lambda lib: lib.nn.functional.avg_pool2d(floats(lib, (1, 1, 4, 4)), 2, lib.tensor(1)),
    lambda lib: lib.nn.functional.max_pool2d(floats(lib, (1, 1, 4, 4)), lib.tensor([2, 3])),
    lambda lib: lib.nn.functional.layer_norm(floats(lib, (2, 3)), lib.tensor(3)),
])
def test_zero_dim_tensor_arguments_as_torch(call):
    """A 0-d tensor is a number to torch's argument parser (a pooling size, dropout's p); a two-element one is
    not a size, nor is a 0-d one the sequence layer_norm wants."""
    assert_matches_torch(call)
