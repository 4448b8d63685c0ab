"""Max unpooling, power-average pooling, the 3-d padding layers and torch's top-level functional names, differential
probe: each program run on both.

What this proves (torch 2.13 is the reference, compared at test time):
- `F.max_unpool1d/2d/3d` and `nn.MaxUnpool1d/2d/3d` put each value back at the index max pooling returned (the
  default size, output_size with or without the batch dims, unbatched inputs, float64/float16, empty batches),
  with torch's nodes (MaxUnpool2DBackward0, MaxUnpool3DBackward0; SqueezeBackward1 for 1-d), gradients, module
  attributes and reprs, and torch's errors (index dtype, dims, shapes, invalid indices, output_size, strides);
- `F.lp_pool1d/2d/3d` and `nn.LPPool1d/2d/3d` give torch's values, gradients and graph (avg_pool, sign, relu, pow;
  a max pooling of |x| for p = +-inf), with ceil_mode, strides and unbatched inputs;
- `nn.ZeroPad3d`, `ConstantPad3d`, `ReflectionPad3d`, `ReplicationPad3d`, `CircularPad3d` keep torch's attributes
  and repr and pad as torch (values, gradients, errors);
- the top-level `conv1d/2d/3d`, `conv_transpose1d/2d/3d`, `avg_pool1d`, `adaptive_avg_pool1d` and `bilinear`
  are nn.functional's functions, as torch's; `max_pool1d/2d/3d`, `max_pool1d_with_indices`, `adaptive_max_pool1d`,
  `layer_norm`, `group_norm`, `batch_norm` and `instance_norm` are torch's native forms (no return_indices, the
  norms' arguments in torch's order), with torch's values, gradients, nodes and signature errors.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

INF = float("inf")


def F(m: Any) -> Any:
    return m.nn.functional


def graded(build: Callable[[Any, Any], Any], shape: tuple, dtype: str = "float32", seed: int = 0,
           positive: bool = False) -> Callable:
    """A program: `build(m, x)` on random x of `shape` (requiring grad), then the backward of a weighted sum of its
    output; returns (output, x.grad)."""
    def program(m: Any) -> Any:
        values = np.random.default_rng(seed).standard_normal(shape)
        x = m.tensor(np.abs(values) + 0.5 if positive else values, dtype=getattr(m, dtype), requires_grad=True)
        out = build(m, x)
        weights = m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7) - 3  # (exact)
        (out * weights).sum().backward()
        return out, x.grad
    return program


def unpooled(dims: int, shape: tuple, pool: dict, unpool: dict, dtype: str = "float32",
             module: bool = False) -> Callable:
    """A program: max_pool{dims}d(x, **pool, return_indices=True), its values (a leaf requiring grad) unpooled
    with **unpool (by the module when `module`), and the weighted backward; returns (output, values.grad)."""
    def program(m: Any) -> Any:
        x = m.tensor(np.random.default_rng(1).standard_normal(shape), dtype=getattr(m, dtype))
        values, indices = getattr(F(m), f"max_pool{dims}d")(x, return_indices=True, **pool)
        values = values.detach().requires_grad_()
        if module:
            layer = getattr(m.nn, f"MaxUnpool{dims}d")(**{k: v for k, v in unpool.items() if k != "output_size"})
            out = layer(values, indices, unpool.get("output_size"))
        else:
            out = getattr(F(m), f"max_unpool{dims}d")(values, indices, **unpool)
        weights = m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7) - 3
        (out * weights).sum().backward()
        return out, values.grad
    return program


def graph(m: Any, build: Callable[[Any, Any], Any], shape: tuple) -> Callable:
    """A program: the names of the nodes of `build(m, x)`'s graph, depth first (torch's graph, node by node; the
    inputs without a node, which torch and minitorch_ref list differently, left out)."""
    def names(node: Any) -> list:
        if m.__name__ == "torch":  # (its next_functions are (node, output number) pairs, ours nodes)
            name, children = type(node).__name__, [child for child, _ in node.next_functions]
        else:
            name, children = node.name(), list(node.next_functions)
        return [name, [names(child) for child in children if child is not None]]
    x = m.tensor(np.random.default_rng(0).standard_normal(shape), dtype=m.float32, requires_grad=True)
    return names(build(m, x).grad_fn)


# ---------------------------------------------------------------------------------------- max unpooling
UNPOOL = {
    "1d": unpooled(1, (2, 3, 8), {"kernel_size": 2}, {"kernel_size": 2}),
    "1d stride, padding": unpooled(1, (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1},
                                   {"kernel_size": 3, "stride": 2, "padding": 1}),
    "1d unbatched, output_size": unpooled(1, (3, 9), {"kernel_size": 2}, {"kernel_size": 2, "output_size": [9]}),
    "2d": unpooled(2, (2, 3, 4, 6), {"kernel_size": 2}, {"kernel_size": 2}),
    "2d unbatched": unpooled(2, (3, 4, 6), {"kernel_size": 2}, {"kernel_size": 2}),
    "2d output_size": unpooled(2, (1, 2, 5, 5), {"kernel_size": 2}, {"kernel_size": 2, "output_size": (5, 5)}),
    "2d output_size with batch dims": unpooled(2, (1, 2, 5, 5), {"kernel_size": 2},
                                               {"kernel_size": 2, "output_size": [1, 2, 5, 5]}),
    "2d overlapping windows": unpooled(2, (1, 2, 5, 5), {"kernel_size": 3, "stride": 1},
                                       {"kernel_size": 3, "stride": 1}),
    "2d stride, padding": unpooled(2, (2, 2, 6, 7), {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 0)},
                                   {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 0)}),
    "2d float64": unpooled(2, (2, 2, 4, 4), {"kernel_size": 2}, {"kernel_size": 2}, "float64"),
    "2d float16": unpooled(2, (2, 2, 4, 4), {"kernel_size": 2}, {"kernel_size": 2}, "float16"),
    "2d empty batch": unpooled(2, (0, 2, 4, 4), {"kernel_size": 2}, {"kernel_size": 2}),
    "3d empty batch, int64": lambda m: F(m).max_unpool3d(m.ones(0, 2, 2, 2, 2, dtype=m.int64),
                                                         m.zeros(0, 2, 2, 2, 2, dtype=m.int64), 2),
    "3d": unpooled(3, (2, 2, 4, 4, 6), {"kernel_size": 2}, {"kernel_size": 2}),
    "3d unbatched, stride": unpooled(3, (2, 5, 4, 5), {"kernel_size": 2, "stride": 1},
                                     {"kernel_size": 2, "stride": 1}),
    "3d output_size": unpooled(3, (1, 2, 5, 5, 4), {"kernel_size": 2},
                               {"kernel_size": 2, "output_size": (5, 5, 4)}),
    "3d float64": unpooled(3, (1, 2, 4, 4, 4), {"kernel_size": 2}, {"kernel_size": 2}, "float64"),
    "MaxUnpool1d": unpooled(1, (2, 3, 8), {"kernel_size": 2}, {"kernel_size": 2}, module=True),
    "MaxUnpool2d output_size": unpooled(2, (1, 2, 5, 5), {"kernel_size": 2},
                                        {"kernel_size": 2, "output_size": (5, 5)}, module=True),
    "MaxUnpool3d stride": unpooled(3, (1, 2, 5, 4, 5), {"kernel_size": 2, "stride": 1},
                                   {"kernel_size": 2, "stride": 1}, module=True),
    "graph 1d": lambda m: graph(m, lambda m, x: F(m).max_unpool1d(*F(m).max_pool1d(x, 2, return_indices=True), 2),
                                (1, 2, 6)),
    "non-contiguous input": lambda m: F(m).max_unpool2d(
        *F(m).max_pool2d(m.arange(32.0).reshape(1, 2, 4, 4).transpose(2, 3), 2, return_indices=True), 2),
    "repeated index": lambda m: F(m).max_unpool1d(m.tensor([[[2.0, 2.0]]], requires_grad=True),
                                                  m.tensor([[[1, 1]]]), 2),
    "module reprs and attributes": lambda m: [
        (repr(layer), layer.kernel_size, layer.stride, layer.padding, list(layer.state_dict()))
        for layer in (m.nn.MaxUnpool1d(2), m.nn.MaxUnpool2d((2, 3), 1, [1, 0]), m.nn.MaxUnpool3d(2, padding=1))],
}

_V, _I = (lambda m: m.ones(1, 2, 2, 2)), (lambda m: m.arange(8).reshape(1, 2, 2, 2) % 4)
UNPOOL_ERRORS = {
    "indices float": lambda m: F(m).max_unpool2d(_V(m), _I(m).float(), 2),
    "indices int32": lambda m: F(m).max_unpool2d(_V(m), _I(m).int(), 2),
    "2-d input": lambda m: F(m).max_unpool2d(_V(m)[0, 0], _I(m)[0, 0], 2),
    "indices of another shape": lambda m: F(m).max_unpool2d(_V(m), _I(m)[:, :1], 2),
    "no channels": lambda m: F(m).max_unpool2d(_V(m)[:, :0], _I(m)[:, :0], 2),
    "index too large": lambda m: F(m).max_unpool2d(_V(m), _I(m) + 100, 2),
    "negative index": lambda m: F(m).max_unpool2d(_V(m), _I(m) - 100, 2),
    "output_size out of range": lambda m: F(m).max_unpool2d(_V(m), _I(m), 2, output_size=(7, 7)),
    "output_size of three": lambda m: F(m).max_unpool2d(_V(m), _I(m), 2, output_size=(4, 4, 4)),
    "output_size negative": lambda m: F(m).max_unpool2d(_V(m), _I(m), 2, output_size=(-1, -1)),
    "output_size int": lambda m: F(m).max_unpool1d(_V(m)[0], _I(m)[0], 2, output_size=4),
    "bool input": lambda m: F(m).max_unpool2d(_V(m).bool(), _I(m), 2),
    "int64 input": lambda m: F(m).max_unpool2d(_V(m).long(), _I(m), 2),
    "kernel str": lambda m: F(m).max_unpool2d(_V(m), _I(m), "a"),
    "indices a list": lambda m: F(m).max_unpool2d(_V(m), [0], 2),
    "1d 4-d input": lambda m: F(m).max_unpool1d(_V(m), _I(m), 2),
    "1d 1-d input": lambda m: F(m).max_unpool1d(_V(m)[0, 0, 0], _I(m)[0, 0, 0], 2),
    "3d 3-d input": lambda m: F(m).max_unpool3d(_V(m)[0], _I(m)[0], 2),
    "3d index too large": lambda m: F(m).max_unpool3d(_V(m)[None], _I(m)[None] + 100, 2),
    "3d indices float": lambda m: F(m).max_unpool3d(_V(m)[None], _I(m)[None].float(), 2),
    "3d no channels": lambda m: F(m).max_unpool3d(_V(m)[None][:, :0], _I(m)[None][:, :0], 2),
    "3d indices of another shape": lambda m: F(m).max_unpool3d(m.ones(1, 2, 2, 2, 2), _I(m)[None], 2),
    "3d no channels, stride 0": lambda m: F(m).max_unpool3d(_V(m)[None][:, :0], _I(m)[None][:, :0], 2, 0),
    "3d stride 0": lambda m: F(m).max_unpool3d(_V(m)[None], _I(m)[None], 2, 0),
    "3d bool": lambda m: F(m).max_unpool3d(_V(m)[None].bool(), _I(m)[None], 2),
}


# ---------------------------------------------------------------------------------------- Lp pooling
LP = {
    "1d p=2": graded(lambda m, x: F(m).lp_pool1d(x, 2, 3), (2, 3, 9), positive=True),
    "1d p=1, stride": graded(lambda m, x: F(m).lp_pool1d(x, 1, 3, 2), (2, 3, 9)),
    "1d p=3 ceil_mode, unbatched": graded(lambda m, x: F(m).lp_pool1d(x, 3.0, 2, 2, True), (3, 9), positive=True),
    "1d p=inf": graded(lambda m, x: F(m).lp_pool1d(x, INF, 2), (2, 3, 8)),
    "1d p=-inf": graded(lambda m, x: F(m).lp_pool1d(x, -INF, 2), (2, 3, 8)),
    "2d p=2": graded(lambda m, x: F(m).lp_pool2d(x, 2, 2), (2, 3, 4, 6), positive=True),
    "2d p=2, negative sums": graded(lambda m, x: F(m).lp_pool2d(x, 1, (2, 3), 1), (2, 2, 4, 6)),
    "2d ceil_mode, unbatched": graded(lambda m, x: F(m).lp_pool2d(x, 2, 2, 2, True), (2, 5, 5), positive=True),
    "2d float64": graded(lambda m, x: F(m).lp_pool2d(x, 1.5, 2), (1, 2, 4, 4), "float64", positive=True),
    "2d p=inf": graded(lambda m, x: F(m).lp_pool2d(x, INF, 2, 1), (1, 2, 4, 4)),
    "3d p=2": graded(lambda m, x: F(m).lp_pool3d(x, 2, 2), (1, 2, 4, 4, 4), positive=True),
    "3d stride, unbatched": graded(lambda m, x: F(m).lp_pool3d(x, 2, (2, 1, 2), 1), (2, 3, 4, 4), positive=True),
    "3d p=-inf": graded(lambda m, x: F(m).lp_pool3d(x, -INF, 2), (1, 2, 4, 4, 4)),
    "LPPool1d": graded(lambda m, x: (m.nn.LPPool1d(2, 3, 2)(x), repr(m.nn.LPPool1d(2, 3, 2))), (2, 3, 9),
                       positive=True),
    "LPPool2d": graded(lambda m, x: m.nn.LPPool2d(1, 2)(x), (2, 3, 4, 4)),
    "LPPool3d": graded(lambda m, x: m.nn.LPPool3d(2.5, (2, 2, 1), ceil_mode=True)(x), (1, 2, 3, 4, 5),
                       positive=True),
    "graph": lambda m: graph(m, lambda m, x: F(m).lp_pool2d(x, 2, 2), (1, 2, 4, 4)),
    "graph 1d, stride": lambda m: graph(m, lambda m, x: F(m).lp_pool1d(x, 3, 2, 1), (1, 2, 6)),
    "graph p=-inf": lambda m: graph(m, lambda m, x: F(m).lp_pool3d(x, -INF, 2), (1, 1, 2, 2, 2)),
    "graph of the module": lambda m: graph(m, lambda m, x: m.nn.LPPool2d(1, 2)(x), (1, 2, 4, 4)),
    "module attributes": lambda m: [(repr(layer), layer.norm_type, layer.kernel_size, layer.stride, layer.ceil_mode)
                                    for layer in (m.nn.LPPool1d(2, 3), m.nn.LPPool2d(1.5, (2, 3), 1, True),
                                                  m.nn.LPPool3d(INF, 2))],
}

LP_ERRORS = {
    "1d kernel too large": lambda m: F(m).lp_pool1d(m.ones(1, 2, 3), 2, 4),
    "2d 2-d input": lambda m: F(m).lp_pool2d(m.ones(4, 4), 2, 2),
    "3d kernel 0": lambda m: F(m).lp_pool3d(m.ones(1, 2, 4, 4, 4), 2, 0),
    "2d int64": lambda m: F(m).lp_pool2d(m.ones(1, 2, 4, 4, dtype=m.int64), 2, 2),
}


# ---------------------------------------------------------------------------------------- 3-d padding
PAD3D = {
    "ZeroPad3d": graded(lambda m, x: m.nn.ZeroPad3d(1)(x), (1, 2, 2, 3, 3)),
    "ZeroPad3d crop": graded(lambda m, x: m.nn.ZeroPad3d((1, -1, 0, 2, -1, 1))(x), (2, 2, 3, 4)),
    "ConstantPad3d": graded(lambda m, x: m.nn.ConstantPad3d((1, 0, 2, 0, 0, 1), 2.5)(x), (1, 2, 2, 3, 3)),
    "ReflectionPad3d": graded(lambda m, x: m.nn.ReflectionPad3d(1)(x), (1, 2, 3, 3, 4)),
    "ReflectionPad3d unbatched": graded(lambda m, x: m.nn.ReflectionPad3d((2, 1, 0, 1, 1, 0))(x), (2, 3, 3, 4)),
    "ReplicationPad3d": graded(lambda m, x: m.nn.ReplicationPad3d((2, 0, 1, 1, 0, 3))(x), (1, 2, 2, 3, 3)),
    "CircularPad3d": graded(lambda m, x: m.nn.CircularPad3d(1)(x), (1, 2, 2, 3, 3)),
    "CircularPad3d unbatched": graded(lambda m, x: m.nn.CircularPad3d((1, 2, 0, 1, 1, 1))(x), (2, 3, 3, 4)),
    "float64 non-contiguous": graded(lambda m, x: m.nn.ReplicationPad3d(1)(x.transpose(-1, -2)), (1, 2, 2, 3, 4),
                                     "float64"),
    "reprs and attributes": lambda m: [
        (repr(layer), layer.padding, getattr(layer, "value", None), list(layer.state_dict()))
        for layer in (m.nn.ZeroPad3d(1), m.nn.ZeroPad3d((1, 2, 3, 4, 5, 6)), m.nn.ConstantPad3d(2, 1.5),
                      m.nn.ReflectionPad3d([1, 0, 1, 0, 1, 0]), m.nn.ReplicationPad3d(2), m.nn.CircularPad3d(1))],
}

PAD3D_ERRORS = {
    "CircularPad3d 3-d input": lambda m: m.nn.CircularPad3d(1)(m.ones(2, 3, 3)),
    "ReflectionPad3d too wide": lambda m: m.nn.ReflectionPad3d(3)(m.ones(1, 1, 3, 3, 3)),
    "ReplicationPad3d 3-d input": lambda m: m.nn.ReplicationPad3d(1)(m.ones(3, 3, 3)),
    "ZeroPad3d five sides": lambda m: m.nn.ZeroPad3d((1, 1, 1, 1, 1))(m.ones(1, 1, 2, 2, 2)),
}


# ---------------------------------------------------------------------------------------- top-level copies
TOP_LEVEL = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "avg_pool1d",
             "adaptive_avg_pool1d", "bilinear"]

TOP_LEVEL_CALLS = {
    "conv2d": graded(lambda m, x: m.conv2d(x, m.ones(2, 3, 2, 2), padding=1), (1, 3, 4, 4)),
    "conv_transpose1d": graded(lambda m, x: m.conv_transpose1d(x, m.ones(3, 2, 3), stride=2), (2, 3, 5)),
    "avg_pool1d": graded(lambda m, x: m.avg_pool1d(x, 3, 2, 1), (2, 3, 8)),
    "adaptive_avg_pool1d": graded(lambda m, x: m.adaptive_avg_pool1d(x, 3), (2, 3, 8)),
    "bilinear": graded(lambda m, x: m.bilinear(x, x, m.ones(2, 4, 4)), (3, 4)),
    "max_pool1d": graded(lambda m, x: m.max_pool1d(x, 3, 2, 1), (2, 3, 8)),
    "max_pool1d default stride": graded(lambda m, x: m.max_pool1d(x, 2), (3, 8)),
    "max_pool1d_with_indices": graded(lambda m, x: m.max_pool1d_with_indices(x, 2, 1)[0], (2, 3, 8)),
    "max_pool2d": graded(lambda m, x: m.max_pool2d(x, 2, (), 1, 1, True), (2, 3, 5, 5)),
    "max_pool3d": graded(lambda m, x: m.max_pool3d(x, 2, 1), (1, 2, 3, 4, 4)),
    "adaptive_max_pool1d": graded(lambda m, x: m.adaptive_max_pool1d(x, 3)[0] * 1, (2, 3, 8)),
    "adaptive_max_pool1d indices": lambda m: m.adaptive_max_pool1d(m.arange(16.0).reshape(2, 8), 3),
    "layer_norm": graded(lambda m, x: m.layer_norm(x, [8], m.ones(8) * 2, m.ones(8), 1e-3, False), (2, 3, 8)),
    "group_norm": graded(lambda m, x: m.group_norm(x, 3, None, None, 1e-5, True), (2, 6, 4)),
    "batch_norm training": graded(lambda m, x: m.batch_norm(x, m.ones(3), m.zeros(3), None, None, True, 0.1,
                                                            1e-5, False), (4, 3, 5)),
    "batch_norm eval, running stats": lambda m: m.batch_norm(m.arange(12.0).reshape(2, 3, 2), None, None,
                                                             m.ones(3), m.ones(3) * 4, False, 0.1, 1e-5, False),
    "instance_norm": graded(lambda m, x: m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
                            (2, 3, 5)),
}

TOP_LEVEL_ERRORS = {
    "max_pool2d return_indices": lambda m: m.max_pool2d(m.ones(1, 2, 4, 4), 2, return_indices=True),
    "max_pool1d_with_indices return_indices": lambda m: m.max_pool1d_with_indices(m.ones(1, 2, 4), 2,
                                                                                   return_indices=True),
    "adaptive_max_pool1d three arguments": lambda m: m.adaptive_max_pool1d(m.ones(1, 2, 4), 2, True),
    "group_norm seven arguments": lambda m: m.group_norm(m.ones(2, 6, 4), 3, None, None, 1e-5, True, 1),
    "max_pool3d kernel 0": lambda m: m.max_pool3d(m.ones(1, 2, 4, 4, 4), 0),
}


@pytest.mark.parametrize("name", list(UNPOOL))
def test_max_unpool(name: str) -> None:
    assert_matches_torch(UNPOOL[name], exact=name in ("2d", "3d", "1d"))


@pytest.mark.parametrize("name", list(UNPOOL_ERRORS))
def test_max_unpool_errors(name: str) -> None:
    assert_matches_torch(UNPOOL_ERRORS[name])


@pytest.mark.parametrize("name", list(LP))
def test_lp_pool(name: str) -> None:
    assert_matches_torch(LP[name], tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("name", list(LP_ERRORS))
def test_lp_pool_errors(name: str) -> None:
    assert_matches_torch(LP_ERRORS[name])


@pytest.mark.parametrize("name", list(PAD3D))
def test_padding_3d(name: str) -> None:
    assert_matches_torch(PAD3D[name], exact=True)


@pytest.mark.parametrize("name", list(PAD3D_ERRORS))
def test_padding_3d_errors(name: str) -> None:
    assert_matches_torch(PAD3D_ERRORS[name])


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_top_level_functional(name: str) -> None:
    """Like torch's, the top-level name is nn.functional's function itself."""
    assert_matches_torch(lambda m: getattr(m, name) is getattr(m.nn.functional, name))


@pytest.mark.parametrize("name", list(TOP_LEVEL_CALLS))
def test_top_level_calls(name: str) -> None:
    assert_matches_torch(TOP_LEVEL_CALLS[name], tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("name", list(TOP_LEVEL_ERRORS))
def test_top_level_errors(name: str) -> None:
    assert_matches_torch(TOP_LEVEL_ERRORS[name])
