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
- `nn.LayerNorm` takes any integral number (a NumPy int too) as one normalized dim;
"""
from __future__ import annotations

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


def test_layer_norm_module_takes_a_numpy_int_as_one_dim():
    """nn.LayerNorm(np.int64(3)): torch's numbers.Integral check makes any integral number one dim."""
    def layer(lib):
        m = lib.nn.LayerNorm(np.int64(3))
        return repr(m), m(floats(lib, (2, 3)))

    assert_matches_torch(layer)
