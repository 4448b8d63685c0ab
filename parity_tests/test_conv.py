"""Convolution and pooling against torch: `nn.Conv1d`/`Conv2d`, `MaxPool2d`, `AvgPool2d` and their functions.

Both libraries run from identical weights (the same seed gives the same initial weights; other cases copy
torch's weights over), on the same inputs: outputs, the gradients of the input, weight and bias, grad_fn
names, reprs, parameter names and torch's exceptions (type and message) are compared.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch

RTOL = {"float32": 1e-5, "float64": 1e-10}
ATOL = {"float32": 1e-5, "float64": 1e-10}


def _np(t):
    return t.detach().numpy()


def _node_name(t):
    if t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name()


def _pair_of_modules(make, seed=0):
    """`make(lib)` on both libraries after the same manual_seed."""
    torch.manual_seed(seed)
    expected = make(torch)
    mt.manual_seed(seed)
    return expected, make(mt)


def _copy_parameters(source, target):
    """torch's parameter values into the minitorch_ref module (in place, as a learner would)."""
    with mt.no_grad():
        for (name, p), (name_t, q) in zip(source.named_parameters(), target.named_parameters()):
            assert name == name_t
            q.copy_(mt.tensor(_np(p)))


def _run_both(module_t, module_m, x, dtype):
    """Forward and backward (a fixed random upstream gradient) on both; compare everything."""
    xt = torch.tensor(x, requires_grad=True)
    xm = mt.tensor(x, requires_grad=True)
    yt, ym = module_t(xt), module_m(xm)
    assert tuple(ym.shape) == tuple(yt.shape)
    assert _node_name(ym) == _node_name(yt)
    assert ym.dtype.name == str(yt.dtype).split(".")[-1]
    rtol, atol = RTOL[dtype], ATOL[dtype]
    np.testing.assert_allclose(_np(ym), _np(yt), rtol=rtol, atol=atol)
    g = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(dtype)
    yt.backward(torch.tensor(g))
    ym.backward(mt.tensor(g))
    np.testing.assert_allclose(_np(xm.grad), _np(xt.grad), rtol=rtol, atol=atol, err_msg="input grad")
    for (name, pt), (_, pm) in zip(module_t.named_parameters(), module_m.named_parameters()):
        np.testing.assert_allclose(_np(pm.grad), _np(pt.grad), rtol=rtol, atol=atol, err_msg=f"{name} grad")


# ---------------------------------------------------------------------- modules: init, repr, parameters
MODULES = {
    "conv2d": lambda m: m.nn.Conv2d(3, 8, 3),
    "conv2d-rect-nobias": lambda m: m.nn.Conv2d(4, 6, (3, 2), stride=2, padding=1, dilation=2, bias=False),
    "conv2d-groups-same": lambda m: m.nn.Conv2d(4, 8, 3, padding="same", groups=2),
    "conv2d-depthwise-valid": lambda m: m.nn.Conv2d(3, 6, 5, padding="valid", groups=3),
    "conv2d-float64": lambda m: m.nn.Conv2d(2, 3, 2, dtype=m.float64),
    "conv2d-padding-mode": lambda m: m.nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
    "conv1d": lambda m: m.nn.Conv1d(3, 5, 4),
    "conv1d-options": lambda m: m.nn.Conv1d(4, 4, 3, stride=2, padding=2, dilation=2, groups=4, bias=False),
    "maxpool": lambda m: m.nn.MaxPool2d(2),
    "maxpool-options": lambda m: m.nn.MaxPool2d((3, 2), stride=1, padding=1, dilation=2, ceil_mode=True),
    "avgpool": lambda m: m.nn.AvgPool2d(2),
    "avgpool-options": lambda m: m.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_init_repr_and_parameters_match_torch(name):
    """Same seed: the same initial weights bit for bit (kaiming_uniform_(a=sqrt(5)), bias U(+-1/sqrt(fan_in))),
    the same repr, parameter names and shapes, and the same attributes."""
    expected, actual = _pair_of_modules(MODULES[name])
    assert repr(actual) == repr(expected)
    assert [(n, tuple(p.shape)) for n, p in actual.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in expected.named_parameters()]
    for (n, pt), (_, pm) in zip(expected.named_parameters(), actual.named_parameters()):
        assert pm.dtype.name == str(pt.dtype).split(".")[-1]
        np.testing.assert_array_equal(_np(pm), _np(pt), err_msg=n)
    for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                 "padding_mode", "output_padding", "transposed", "_reversed_padding_repeated_twice",
                 "ceil_mode", "count_include_pad", "divisor_override", "return_indices"):
        if hasattr(expected, attr):
            assert getattr(actual, attr) == getattr(expected, attr), attr


def test_the_seed_continues_alike_after_a_cnn_is_built():
    """Building a model draws the same random numbers in both: what comes after stays in step."""
    def make(m):
        model = m.nn.Sequential(m.nn.Conv2d(1, 4, 3), m.nn.Conv2d(4, 4, 3, groups=2), m.nn.Conv1d(2, 2, 2))
        return model, m.rand(5)
    (_, after_t), (_, after_m) = _pair_of_modules(make, seed=7)
    np.testing.assert_array_equal(_np(after_m), _np(after_t))


# ---------------------------------------------------------------------- convolution: forward and gradients
CONV_CASES = {  # name: (module maker, input shape, dtype)
    "2d-default": (lambda m: m.nn.Conv2d(3, 4, 3), (2, 3, 8, 8), "float32"),
    "2d-stride-padding": (lambda m: m.nn.Conv2d(3, 4, 3, stride=2, padding=1), (2, 3, 9, 8), "float32"),
    "2d-rect-tuples": (lambda m: m.nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(0, 2), dilation=(1, 2)),
                       (2, 2, 9, 7), "float32"),
    "2d-dilation": (lambda m: m.nn.Conv2d(3, 2, 3, dilation=2), (1, 3, 9, 9), "float32"),
    "2d-same-odd": (lambda m: m.nn.Conv2d(3, 4, 3, padding="same"), (2, 3, 6, 7), "float32"),
    "2d-same-even": (lambda m: m.nn.Conv2d(3, 4, (4, 2), padding="same"), (2, 3, 6, 7), "float32"),
    "2d-same-dilated": (lambda m: m.nn.Conv2d(3, 4, 2, padding="same", dilation=3), (2, 3, 6, 7), "float32"),
    "2d-valid": (lambda m: m.nn.Conv2d(3, 4, 3, padding="valid"), (2, 3, 6, 7), "float32"),
    "2d-groups": (lambda m: m.nn.Conv2d(4, 6, 3, groups=2, padding=1), (2, 4, 7, 7), "float32"),
    "2d-depthwise": (lambda m: m.nn.Conv2d(3, 6, 3, groups=3, bias=False), (2, 3, 7, 7), "float32"),
    "2d-no-bias": (lambda m: m.nn.Conv2d(3, 4, 2, bias=False), (2, 3, 5, 5), "float32"),
    "2d-1x1": (lambda m: m.nn.Conv2d(8, 4, 1), (2, 8, 4, 4), "float32"),
    "2d-stride-skips-edge": (lambda m: m.nn.Conv2d(2, 2, 2, stride=3), (1, 2, 8, 8), "float32"),
    "2d-unbatched": (lambda m: m.nn.Conv2d(3, 4, 3, padding=1), (3, 6, 6), "float32"),
    "2d-float64": (lambda m: m.nn.Conv2d(3, 4, 3, stride=2, padding=2, dilation=2, groups=1, dtype=m.float64),
                   (2, 3, 9, 9), "float64"),
    "2d-float64-groups": (lambda m: m.nn.Conv2d(4, 4, 3, groups=4, dtype=m.float64), (2, 4, 6, 6), "float64"),
    "1d-default": (lambda m: m.nn.Conv1d(3, 4, 3), (2, 3, 10), "float32"),
    "1d-options": (lambda m: m.nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2), (2, 4, 11), "float32"),
    "1d-same-even": (lambda m: m.nn.Conv1d(3, 4, 4, padding="same"), (2, 3, 9), "float32"),
    "1d-unbatched": (lambda m: m.nn.Conv1d(3, 4, 3, bias=False), (3, 10), "float32"),
    "1d-float64": (lambda m: m.nn.Conv1d(2, 3, 5, padding=1, dtype=m.float64), (2, 2, 12), "float64"),
}


@pytest.mark.parametrize("name", list(CONV_CASES))
def test_conv_matches_torch(name):
    make, shape, dtype = CONV_CASES[name]
    module_t, module_m = _pair_of_modules(make, seed=3)
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ('same' with an even kernel: torch's (and our) warning)
        _run_both(module_t, module_m, x, dtype)


@pytest.mark.parametrize("name", ["2d-stride-padding", "2d-groups", "1d-options"])
def test_conv_with_weights_copied_from_torch(name):
    """Another seed in each library: the weights copied over, then the same results."""
    make, shape, dtype = CONV_CASES[name]
    torch.manual_seed(11)
    module_t = make(torch)
    mt.manual_seed(12)
    module_m = make(mt)
    _copy_parameters(module_t, module_m)
    x = np.random.default_rng(2).standard_normal(shape).astype(dtype)
    _run_both(module_t, module_m, x, dtype)


def test_functional_conv_with_weight_needing_no_grad_and_integers():
    def only_input(m):
        x = m.tensor(np.arange(2 * 3 * 5 * 5, dtype=np.float64).reshape(2, 3, 5, 5) / 10, requires_grad=True)
        w = m.tensor(np.linspace(-1, 1, 4 * 3 * 2 * 2).reshape(4, 3, 2, 2))
        y = m.nn.functional.conv2d(x, w, stride=2, padding=1)
        y.sum().backward()
        return y, x.grad

    assert_matches_torch(only_input)
    assert_matches_torch(lambda m: m.nn.functional.conv2d(m.ones(1, 2, 4, 4, dtype=m.int64),
                                                          m.ones(3, 2, 2, 2, dtype=m.int64)))
    assert_matches_torch(lambda m: m.nn.functional.conv1d(m.ones(0, 2, 4), m.ones(3, 2, 2)))  # (an empty batch)


def test_same_padding_with_an_even_kernel_warns_as_torch():
    """torch's warning (TORCH_WARN_ONCE: once per process, so torch itself cannot be asked again here)."""
    with pytest.warns(UserWarning, match="Using padding='same' with even kernel lengths and odd dilation may "
                      "require a zero-padded copy of the input be created"):
        mt.nn.functional.conv2d(mt.ones(1, 1, 4, 4), mt.ones(1, 1, 2, 2), padding="same")


@pytest.mark.parametrize("case", [
    dict(stride=2, padding=1),
    dict(padding="same", dilation=2),
    dict(padding=(2, 0), dilation=(1, 2), groups=2),
    dict(stride=(1, 2), padding="valid", groups=4),
])
def test_conv2d_gradcheck(case):
    rng = np.random.default_rng(4)
    groups = case.get("groups", 1)
    x = mt.tensor(rng.standard_normal((2, 4, 5, 6)), requires_grad=True)
    w = mt.tensor(rng.standard_normal((2 * groups, 4 // groups, 3, 2)), requires_grad=True)
    b = mt.tensor(rng.standard_normal(2 * groups), requires_grad=True)
    assert mt.autograd.gradcheck(lambda x, w, b: mt.nn.functional.conv2d(x, w, b, **case), (x, w, b))


def test_conv1d_gradcheck():
    rng = np.random.default_rng(5)
    x = mt.tensor(rng.standard_normal((2, 4, 9)), requires_grad=True)
    w = mt.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    b = mt.tensor(rng.standard_normal(4), requires_grad=True)
    assert mt.autograd.gradcheck(lambda x, w, b: mt.nn.functional.conv1d(x, w, b, 2, 1, 2, 2), (x, w, b))


# ---------------------------------------------------------------------- convolution: torch's errors
def _c2(m, x_shape, w_shape, b_shape=None, **kwargs):
    bias = None if b_shape is None else m.ones(b_shape)
    return m.nn.functional.conv2d(m.ones(x_shape), m.ones(w_shape), bias, **kwargs)


CONV_ERRORS = {
    "wrong-channels": lambda m: _c2(m, (2, 5, 8, 8), (4, 3, 3, 3)),
    "wrong-channels-unbatched": lambda m: _c2(m, (5, 8, 8), (4, 3, 3, 3)),
    "input-5d": lambda m: _c2(m, (1, 2, 5, 8, 8), (4, 3, 3, 3)),
    "input-2d": lambda m: _c2(m, (8, 8), (4, 3, 3, 3)),
    "conv1d-input-1d": lambda m: m.nn.functional.conv1d(m.ones(8), m.ones(2, 3, 3)),
    "kernel-too-big": lambda m: _c2(m, (1, 3, 2, 2), (4, 3, 3, 3)),
    "dilated-kernel-too-big": lambda m: _c2(m, (1, 3, 4, 5), (4, 3, 2, 2), padding=1, dilation=(2, 5)),
    "groups-weight": lambda m: _c2(m, (1, 3, 8, 8), (4, 1, 3, 3), groups=3),
    "groups-channels": lambda m: _c2(m, (1, 5, 8, 8), (4, 2, 3, 3), groups=2),
    "groups-more-than-filters": lambda m: _c2(m, (1, 4, 8, 8), (2, 1, 3, 3), groups=4),
    "groups-zero": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), groups=0),
    "bias-size": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), (3,)),
    "bias-2d": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), (4, 1)),
    "same-strided": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), stride=2, padding="same"),
    "bad-padding-string": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), padding="full"),
    "negative-padding": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), padding=-1),
    "zero-stride": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), stride=0),
    "zero-dilation": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), dilation=0),
    "padding-3-values": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3, 3), padding=(1, 1, 1)),
    "conv1d-padding-2-values": lambda m: m.nn.functional.conv1d(m.ones(1, 3, 4), m.ones(2, 3, 3), padding=(1, 1)),
    "weight-3d-to-conv2d": lambda m: _c2(m, (1, 3, 8, 8), (4, 3, 3)),
    "weight-4d-to-conv1d": lambda m: m.nn.functional.conv1d(m.ones(1, 3, 8), m.ones(4, 3, 3, 3)),
    "dtypes": lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8, dtype=m.float64), m.ones(4, 3, 3, 3)),
    "bias-dtype": lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8), m.ones(4, 3, 3, 3),
                                                   m.ones(4, dtype=m.float64)),
    "bool": lambda m: m.nn.functional.conv1d(m.ones(1, 2, 4, dtype=m.bool), m.ones(3, 2, 2, dtype=m.bool)),
    "module-groups-in": lambda m: m.nn.Conv2d(3, 4, 3, groups=2),
    "module-groups-out": lambda m: m.nn.Conv2d(4, 3, 3, groups=2),
    "module-groups-zero": lambda m: m.nn.Conv2d(4, 4, 3, groups=0),
    "module-same-strided": lambda m: m.nn.Conv2d(4, 4, 3, stride=2, padding="same"),
    "module-bad-padding-string": lambda m: m.nn.Conv1d(4, 4, 3, padding="full"),
    "module-bad-padding-mode": lambda m: m.nn.Conv2d(4, 4, 3, padding_mode="mirror"),
    "module-wrong-channels": lambda m: m.nn.Conv2d(4, 3, 3)(m.ones(2, 3, 8, 8)),
}


# (messages that print a Python set: its order depends on the hash seed and on how each library's
# .pyc holds the set, so there the set's members are compared, not their order)
SET_IN_MESSAGE = {"module-bad-padding-mode", "module-bad-padding-string"}


@pytest.mark.parametrize("name", list(CONV_ERRORS))
def test_conv_errors_match_torch(name):
    assert_matches_torch(CONV_ERRORS[name], same_message=name not in SET_IN_MESSAGE)
    if name in SET_IN_MESSAGE:
        messages = []
        for m in (torch, mt):
            with pytest.raises(ValueError) as error:
                CONV_ERRORS[name](m)
            text = str(error.value)
            members = re.search(r"\{(.*)\}", text)
            messages.append((text.replace(members.group(0), "{}"), sorted(members.group(1).split(", "))))
        assert messages[1] == messages[0]


# ---------------------------------------------------------------------- pooling
NAN, INF = float("nan"), float("inf")
TIES = np.array([[[[1.0, 1, 2, 2, 0], [1, 1, 2, 2, 3], [NAN, 0, 5, 5, 3], [0, NAN, 5, 5, -1], [4, 4, -INF, 1, 2]],
                  [[-INF, -INF, 0, 0, 0], [-INF, -INF, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0],
                   [7, 7, 7, 7, 7]]]])


def _pool_program(pool, values, **kwargs):
    def program(m):
        x = m.tensor(values, requires_grad=True)
        out = getattr(m.nn.functional, pool)(x, **kwargs)
        y = out[0] if isinstance(out, tuple) else out
        (y * m.arange(1, y.numel() + 1, dtype=y.dtype).reshape(y.shape)).nansum().backward()
        return out, x.grad
    return program


POOL_CASES = {
    "max-ties-nan": ("max_pool2d", TIES, dict(kernel_size=2, return_indices=True)),
    "max-ties-padding": ("max_pool2d", TIES, dict(kernel_size=2, stride=1, padding=1, return_indices=True)),
    "max-overlap-ceil": ("max_pool2d", TIES, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                                  return_indices=True)),
    "max-dilation": ("max_pool2d", TIES, dict(kernel_size=(2, 3), stride=1, padding=(1, 0), dilation=2,
                                              return_indices=True)),
    "max-unbatched": ("max_pool2d", TIES[0], dict(kernel_size=(2, 1), stride=(1, 2), return_indices=True)),
    "max-int": ("max_pool2d", np.arange(32).reshape(1, 2, 4, 4) % 5, dict(kernel_size=2)),
    "avg": ("avg_pool2d", np.arange(50.0).reshape(1, 2, 5, 5), dict(kernel_size=2)),
    "avg-padding": ("avg_pool2d", np.arange(50.0).reshape(1, 2, 5, 5), dict(kernel_size=3, stride=2, padding=1)),
    "avg-exclude-padding": ("avg_pool2d", np.arange(50.0).reshape(2, 5, 5),
                            dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    "avg-ceil": ("avg_pool2d", np.arange(72.0).reshape(1, 2, 6, 6),
                 dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    "avg-ceil-exclude": ("avg_pool2d", np.arange(72.0).reshape(1, 2, 6, 6),
                         dict(kernel_size=(3, 2), stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    "avg-divisor": ("avg_pool2d", np.arange(50.0).reshape(1, 2, 5, 5), dict(kernel_size=2, stride=1,
                                                                             divisor_override=3)),
    "avg-nan": ("avg_pool2d", TIES, dict(kernel_size=2, stride=1)),
    "avg-int": ("avg_pool2d", np.arange(32).reshape(1, 2, 4, 4) - 9, dict(kernel_size=2, padding=1)),
    "max-float32": ("max_pool2d", TIES.astype(np.float32), dict(kernel_size=2, padding=1)),
}


@pytest.mark.parametrize("name", list(POOL_CASES))
def test_pooling_matches_torch(name):
    pool, values, kwargs = POOL_CASES[name]
    if values.dtype.kind == "i":  # (no gradient for integers: values only)
        assert_matches_torch(lambda m: getattr(m.nn.functional, pool)(m.tensor(values), **kwargs))
    else:
        assert_matches_torch(_pool_program(pool, values, **kwargs))


@pytest.mark.parametrize("name", ["maxpool-options", "avgpool-options"])
def test_pooling_modules_match_torch(name):
    module_t, module_m = _pair_of_modules(MODULES[name])
    x = np.random.default_rng(3).standard_normal((2, 3, 9, 8)).astype(np.float32)
    _run_both(module_t, module_m, x, "float32")


def test_pooling_gradcheck():
    x = mt.tensor(np.random.default_rng(6).permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 7.0, requires_grad=True)
    assert mt.autograd.gradcheck(lambda x: mt.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert mt.autograd.gradcheck(lambda x: mt.nn.functional.max_pool2d(x, (2, 3), 1, 1, dilation=2), (x,))
    assert mt.autograd.gradcheck(lambda x: mt.nn.functional.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                                       count_include_pad=False), (x,))


POOL_ERRORS = {
    "max-input-2d": lambda m: m.nn.functional.max_pool2d(m.ones(8, 8), 2),
    "max-input-5d": lambda m: m.nn.functional.max_pool2d(m.ones(1, 1, 1, 8, 8), 2),
    "max-no-channels": lambda m: m.nn.functional.max_pool2d(m.ones(1, 0, 8, 8), 2),
    "max-output-too-small": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 2, 2), 3),
    "max-padding-too-big": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 2, padding=2),
    "max-negative-padding": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 2, padding=-1),
    "max-zero-stride": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 2, stride=0),
    "max-zero-kernel": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 0, 1),
    "max-zero-dilation": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 2, dilation=0),
    "max-kernel-3-values": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), (2, 2, 2)),
    "max-stride-3-values": lambda m: m.nn.functional.max_pool2d(m.ones(1, 3, 8, 8), 2, (2, 2, 2)),
    "max-empty-batch": lambda m: m.nn.functional.max_pool2d(m.ones(0, 3, 8, 8), 2),
    "avg-input-2d": lambda m: m.nn.functional.avg_pool2d(m.ones(8, 8), 2),
    "avg-input-5d": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 1, 1, 8, 8), 2),
    "avg-padding-too-big": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 3, 8, 8), 3, padding=2),
    "avg-output-too-small": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 3, 2, 2), 3),
    "avg-divisor-zero": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 3, 8, 8), 2, divisor_override=0),
    "max-bool": lambda m: m.nn.functional.max_pool2d(m.ones(1, 2, 4, 4, dtype=m.bool), 2),
    "avg-bool": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 2, 4, 4, dtype=m.bool), 2),
    # (torch's kernel takes floats and Long only; found by thorough fuzz seed 269)
    "avg-int32": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 2, 4, 4, dtype=m.int32), 2, ceil_mode=True),
    "avg-uint8": lambda m: m.nn.functional.avg_pool2d(m.ones(2, 4, 4, dtype=m.uint8), 2),
    "avg-int8": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 2, 4, 4, dtype=m.int8), 2),
    "avg-padding-3-values": lambda m: m.nn.functional.avg_pool2d(m.ones(1, 3, 8, 8), 2, 2, (0, 0, 0)),
}


@pytest.mark.parametrize("name", list(POOL_ERRORS))
def test_pooling_errors_match_torch(name):
    assert_matches_torch(POOL_ERRORS[name])


# ---------------------------------------------------------------------- a small CNN, trained on both
def test_small_cnn_trains_alike():
    """Conv2d-ReLU-MaxPool2d-Flatten-Linear from the same seed, 5 SGD steps on the same batch: same losses."""
    def make(m):
        return m.nn.Sequential(m.nn.Conv2d(1, 4, 3, padding=1), m.nn.ReLU(), m.nn.MaxPool2d(2),
                               m.nn.Conv2d(4, 6, 3), m.nn.ReLU(), m.nn.AvgPool2d(2),
                               m.nn.Flatten(), m.nn.Linear(6 * 2 * 2, 3))
    model_t, model_m = _pair_of_modules(make, seed=21)
    assert repr(model_m) == repr(model_t)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((16, 1, 12, 12)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    losses = {}
    for m, model in ((torch, model_t), (mt, model_m)):
        optimizer = m.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses[m.__name__] = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = m.nn.functional.cross_entropy(model(m.tensor(x)), m.tensor(y))
            loss.backward()
            optimizer.step()
            losses[m.__name__].append(loss.item())
    np.testing.assert_allclose(losses["minitorch_ref"], losses["torch"], rtol=1e-5)
    assert losses["torch"][-1] < losses["torch"][0]
    for (name, pt), (_, pm) in zip(model_t.named_parameters(), model_m.named_parameters()):
        np.testing.assert_allclose(_np(pm), _np(pt), rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("op", ["conv2d", "max_pool2d", "avg_pool2d"])
def test_input_changed_in_place_before_backward_raises_as_torch(op):
    """The ops keep their input for backward: changing it in place in between is torch's error."""
    def program(m):
        x = m.ones(1, 2, 4, 4, requires_grad=True) * 1.5
        w = m.ones(3, 2, 2, 2, requires_grad=True)
        y = m.nn.functional.conv2d(x, w) if op == "conv2d" else getattr(m.nn.functional, op)(x, 2)
        x.add_(1)
        y.sum().backward()
    assert_matches_torch(program, same_message=False)  # (minitorch_ref's hint at the end is its own)
