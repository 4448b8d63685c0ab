"""The autograd core against torch: one path for every op, torch's ctx, leaves' AccumulateGrad nodes,
and the cases where the old core disagreed with torch (a saved output changed in place while 0-d,
in-place ops on empty tensors, writes into 0-d views).

Each scenario runs on both libraries and must give the same values, gradients and grad_fn names,
or raise the same exception type with the same message.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from minitorch_ref.autograd import engine
from minitorch_ref.autograd.function import AccumulateGrad, Function
from parity_tests.outcomes import assert_same_outcome, outcome


def _same(scenario):
    """`scenario` alike on both (values exactly, torch's hints left out): ("ok", value) or ("raised", type, message)."""
    theirs, ours = (outcome(scenario, lib, drop_hints=True) for lib in (torch, mt))
    assert_same_outcome(theirs, ours, exact=True)
    return ours[0]


# ---------------------------------------------------------------------- (a) a saved output changed in place
def _saved_output(op, shape):
    def scenario(m):
        x = m.full(shape, 0.5, dtype=m.float64, requires_grad=True)
        y = op(x)
        y *= 2
        y.sum().backward()
        return x.grad
    return scenario


SAVES_OUTPUT = {"exp": lambda x: x.exp(), "sigmoid": lambda x: x.sigmoid(), "tanh": lambda x: x.tanh(),
                "sqrt": lambda x: x.sqrt(), "relu": lambda x: x.relu(), "reciprocal": lambda x: x.reciprocal(),
                "softmax": lambda x: x.softmax(-1) if x.ndim else x.exp()}


@pytest.mark.parametrize("shape", [(), (3,)], ids=["0-d", "1-d"])
@pytest.mark.parametrize("name", sorted(SAVES_OUTPUT))
def test_changing_a_saved_output_in_place_is_caught(name, shape):
    _, kind, message = _same(_saved_output(SAVES_OUTPUT[name], shape))
    assert kind is RuntimeError and "modified by an inplace operation" in message


def test_exp_of_a_0d_tensor_then_in_place_raises_like_torch():
    """The issue's example, `y = x.exp(); y *= 2; y.backward()` on a 0-d x (NumPy returns a scalar there)."""
    def scenario(m):
        x = m.tensor(0.5, requires_grad=True)
        y = x.exp()
        y *= 2
        y.backward()
        return x.grad
    _, kind, message = _same(scenario)
    assert kind is RuntimeError and "output 0 of Exp" in message and "is at version 1" in message


# ---------------------------------------------------------------------- (b) in-place ops on empty tensors
EMPTY_INPLACE = {
    "add_": lambda t, m: t.add_(1), "sub_": lambda t, m: t.sub_(1), "mul_": lambda t, m: t.mul_(2),
    "div_": lambda t, m: t.div_(2), "zero_": lambda t, m: t.zero_(), "fill_": lambda t, m: t.fill_(3),
    "clamp_": lambda t, m: t.clamp_(0, 1), "relu_": lambda t, m: t.relu_(),
    "copy_": lambda t, m: t.copy_(m.ones(t.shape)), "uniform_": lambda t, m: t.uniform_(),
    "normal_": lambda t, m: t.normal_(), "iadd": lambda t, m: t.__iadd__(1),
    "setitem": lambda t, m: t.__setitem__(0, 1.0) if t.shape[0] else t,
}


@pytest.mark.parametrize("shape", [(2, 0), (0,), (0, 3)])
@pytest.mark.parametrize("name", sorted(EMPTY_INPLACE))
def test_in_place_op_on_an_empty_tensor(name, shape):
    def scenario(m):
        t = m.zeros(*shape)
        out = EMPTY_INPLACE[name](t, m)
        return out if out is not None else t
    assert _same(scenario)[0] == "ok"


def test_in_place_op_on_an_empty_graph_tensor_then_backward():
    def scenario(m):
        x = m.zeros(0, 3, requires_grad=True)
        y = x * 1
        y.mul_(2)
        y.sum().backward()
        return x.grad, y.grad_fn.name()
    assert _same(scenario)[0] == "ok"


def test_embedding_bag_with_zero_dims():
    def scenario(m):
        bag = m.nn.EmbeddingBag(4, 0)
        out = bag(m.tensor([1, 2, 3]), m.tensor([0, 2]))
        out.sum().backward()
        return out.shape, bag.weight.grad.shape
    assert _same(scenario)[0] == "ok"


# ---------------------------------------------------------------------- (c) writes into 0-d views
def write_whole_0d_view_of_a_vector(m):
    x = m.arange(3.0, dtype=m.float64).requires_grad_()
    y = x * 1
    v = y[0]
    v[...] = 4.0
    y.sum().backward()
    return y, x.grad, y.grad_fn.name().replace("torch::autograd::", "")


def write_whole_0d_view_of_a_0d_tensor(m):
    x = m.tensor(2.0, requires_grad=True)
    y = x * 1
    v = y[...]
    v[...] = 3.0
    y.backward()
    return y, x.grad


def multiply_a_0d_view_then_use_both(m):
    x = m.arange(1.0, 7.0, dtype=m.float64).reshape(2, 3).requires_grad_()
    y = x * 1
    v = y[1, 2]
    v.mul_(3)
    (y * v).sum().backward()
    return y, v, x.grad


def copy_a_tensor_into_a_0d_view(m):
    x = m.arange(3.0, dtype=m.float64).requires_grad_()
    w = m.tensor(5.0, dtype=m.float64, requires_grad=True)
    y = x * 1
    y[1].copy_(w * 2)
    (y * y).sum().backward()
    return y, x.grad, w.grad


@pytest.mark.parametrize("scenario", [write_whole_0d_view_of_a_vector, write_whole_0d_view_of_a_0d_tensor,
                                      multiply_a_0d_view_then_use_both, copy_a_tensor_into_a_0d_view])
def test_write_into_a_0d_view_then_backward(scenario):
    assert _same(scenario)[0] == "ok"


# ---------------------------------------------------------------------- the ctx and the graph, as torch's
def test_needs_input_grad_is_a_tuple_and_each_call_gets_a_fresh_ctx():
    seen = []

    def make(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor):
                ctx.factor = factor
                seen.append((lib.__name__, ctx.needs_input_grad, id(ctx)))
                return x * factor

            @staticmethod
            def backward(ctx, grad):
                return grad * ctx.factor, None
        return Scale

    for lib in (mt, torch):
        scale = make(lib)
        x = lib.ones(2, requires_grad=True)
        y = scale.apply(x, 3.0)
        z = scale.apply(lib.ones(2), 2.0)
        y.sum().backward()
        assert x.grad.tolist() == [3.0, 3.0] and not z.requires_grad
    ours = [s for s in seen if s[0] == "minitorch_ref"]
    theirs = [s for s in seen if s[0] == "torch"]
    assert [s[1] for s in ours] == [s[1] for s in theirs] == [(True, False), (False, False)]
    assert ours[0][2] != ours[1][2]


def test_unrecorded_ops_go_through_apply(monkeypatch):
    """One path: an op on tensors that need no gradient still runs Function.apply (with a fresh ctx)."""
    calls = []
    original = Function.apply.__func__

    def spy(cls, *args):
        calls.append(cls.__name__)
        return original(cls, *args)

    monkeypatch.setattr(Function, "apply", classmethod(spy))
    x = mt.ones(2, 3)
    (x.exp() + x).sum(0).relu()
    with mt.no_grad():
        mt.ones(2, requires_grad=True) * 2
    assert calls == ["Exp", "Add", "SumDim", "Relu", "Mul"]


def test_save_for_backward_takes_arrays_only_as_torch_takes_tensors_only():
    def make(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, (2, 3))
                return x * 1

            @staticmethod
            def backward(ctx, grad):
                return grad
        return Bad

    for lib in (mt, torch):
        with pytest.raises(TypeError, match="save_for_backward can only save"):
            make(lib).apply(lib.ones(2, requires_grad=True))


def test_leaves_are_reached_through_one_accumulate_grad_node_each():
    for lib in (mt, torch):
        a = lib.ones(2, requires_grad=True)
        y = a * a + a
        mul = y.grad_fn.next_functions[0]
        mul = mul[0] if isinstance(mul, tuple) else mul  # torch's edges are (node, input number)
        nodes = [n[0] if isinstance(n, tuple) else n for n in mul.next_functions]
        assert [n.name() for n in nodes] == ["torch::autograd::AccumulateGrad" if lib is torch else "AccumulateGrad"] * 2
        assert nodes[0] is nodes[1] and nodes[0].variable is a and a.grad_fn is None


def test_a_leaf_gets_its_gradient_when_its_node_runs():
    """The leaf's gradient is complete (every path summed) when its AccumulateGrad runs, before the rest."""
    order = []
    a = mt.ones(2, requires_grad=True)
    b = mt.ones(2, requires_grad=True)
    loss = ((a * 2 + a) * b).sum()
    for node in engine.topological_order(loss.grad_fn):
        order.append(node.name() if not isinstance(node, AccumulateGrad) else
                     ("a" if node.variable is a else "b"))
    assert order.index("a") > order.index("AddBackward0") and order[0] == "SumBackward0"
    loss.backward()
    assert a.grad.tolist() == [3.0, 3.0] and b.grad.tolist() == [3.0, 3.0]


def test_vector_matrix_product_is_named_as_torch_names_it():
    for lib in (mt, torch):
        v = lib.ones(3, requires_grad=True)
        m = lib.ones(3, 4, requires_grad=True)
        assert (v @ m).grad_fn.name().endswith("SqueezeBackward4")  # torch 2.13: mm then squeeze
        assert (m.T @ v).grad_fn.name().endswith("MvBackward0")


def test_graph_of_a_long_chain_and_reuse():
    x = mt.ones(3, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    (y + y).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    np.testing.assert_array_equal(x.grad.numpy(), np.full(3, 2.0, dtype=np.float32))


# ---------------------------------------------------------------------- (g) broadcasting undone in float16
@pytest.mark.parametrize("shape, operand", [((1000, 3), (3,)), ((7, 300, 5), (300, 1)), ((64, 4), (1, 4)),
                                            ((2, 3, 4), (3, 1))])
def test_float16_broadcast_gradients_are_summed_in_float32_as_torch(shape, operand):
    """Undoing a broadcast of a float16 operand sums in float32 and rounds once, as torch's sum does (NumPy's
    float16 sum rounds at each step along the non-last dims: 0.2 off over 1,000 rows). Bit for bit."""
    rng = np.random.default_rng(0)
    x, grad, b = (rng.standard_normal(s).astype(np.float16) for s in (shape, shape, operand))

    def scenario(m):
        bias = m.tensor(b, requires_grad=True)
        (m.tensor(x) + bias).backward(m.tensor(grad))
        return bias.grad
    _same(scenario)
