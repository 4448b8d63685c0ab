"""Autograd behaviour learners meet, run on torch and minitorch_ref side by side.

Each test is written once against the torch API (`lib` is torch or minitorch_ref) and the
observable results (values, gradients, None-ness, exception type and message) must agree.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from minitorch_ref import graph

LIBS = [torch, mt]


def _same_error(fn) -> None:
    """`fn(lib)` raises in both libraries: same exception type, same message."""
    errors = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            fn(lib)
        errors.append(info.value)
    assert type(errors[1]) is type(errors[0])
    assert str(errors[1]) == str(errors[0]).replace("torch.", "minitorch_ref.")


def _grad(t) -> list | None:
    return None if t.grad is None else t.grad.tolist()


def both(fn):
    """Run `fn(lib)` for both libraries and check their (nested) results are equal."""
    results = [fn(lib) for lib in LIBS]
    assert results[1] == results[0]
    return results[0]


def test_scalar_backward_and_accumulation():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        first = _grad(x)
        (x * 3).sum().backward()  # gradients add up until zeroed
        return first, _grad(x)

    assert both(run) == ([2.0, 4.0, 6.0], [5.0, 7.0, 9.0])


def test_backward_with_gradient_argument():
    def run(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = x * x
        y.backward(lib.tensor([[1.0, 0.5], [0.0, 2.0]]))
        return _grad(x)

    both(run)


def test_non_scalar_backward_without_gradient_raises():
    _same_error(lambda lib: (lib.ones(2, requires_grad=True) * 2).backward())


def test_backward_on_tensor_without_grad_raises():
    _same_error(lambda lib: lib.ones(2).sum().backward())


def test_gradient_shape_mismatch_raises():
    _same_error(lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(lib.ones(3)))


def test_reused_node_gets_the_sum_of_its_paths():
    def run(lib):
        a = lib.tensor(1.0, requires_grad=True)
        b = a + a
        c = b + b
        c.backward()
        return a.grad.item()

    assert both(run) == 4.0


@pytest.mark.parametrize("build", [
    lambda b: b + b.exp(),  # a node used directly and through another node (a "diamond")
    lambda b: b.exp() + b,
    lambda b: (b * b.sigmoid()).sum() + b.tanh().mean(),
    lambda b: b.relu() * (b - b.exp().log() * 0.5),
], ids=["add-exp", "exp-add", "mul-sigmoid", "three-paths"])
def test_node_reached_by_several_paths_waits_for_all_of_them(build):
    """A node's backward runs only once every consumer has passed it its gradient."""

    def run(lib):
        a = lib.tensor([0.3, -1.2, 2.0], dtype=lib.float64, requires_grad=True)
        build(a * 2).sum().backward()
        return a.grad.tolist()

    np.testing.assert_allclose(*[run(lib) for lib in LIBS], rtol=1e-12)


_DAG_OPS = {
    "add": lambda x, y: x + y, "mul": lambda x, y: x * y, "sub": lambda x, y: x - y,
    "tanh": lambda x, y: x.tanh(), "sigmoid": lambda x, y: x.sigmoid(), "exp-ish": lambda x, y: (x * 0.3).exp(),
}


@given(st.lists(st.tuples(st.sampled_from(sorted(_DAG_OPS)), st.integers(0, 1000), st.integers(0, 1000)),
                min_size=1, max_size=12))
def test_random_graphs_with_shared_nodes_match_torch(steps):
    """Random DAGs: each step combines two earlier values (any of them, so nodes get reused)."""

    def run(lib):
        leaves = [lib.tensor([0.5, -0.25], dtype=lib.float64, requires_grad=True),
                  lib.tensor([1.5, 0.75], dtype=lib.float64, requires_grad=True)]
        values = list(leaves)
        for op, i, j in steps:
            values.append(_DAG_OPS[op](values[i % len(values)], values[j % len(values)]))
        sum(v.sum() for v in values[2:]).backward()
        return [leaf.grad.tolist() if leaf.grad is not None else None for leaf in leaves]

    ours, theirs = run(mt), run(torch)
    assert [g is None for g in ours] == [g is None for g in theirs]
    for a, b in zip(ours, theirs):
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_only_leaves_keep_grad_and_non_leaf_access_warns():
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        y.sum().backward()
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
            assert y.grad is None
        assert x.is_leaf and not y.is_leaf
        assert x.grad is not None


def test_retain_grad_keeps_non_leaf_grad():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        (y * y).sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return _grad(y), _grad(x), y.retains_grad

    both(run)


def test_unused_input_keeps_none():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        unused = lib.ones(2, requires_grad=True)
        (x * 2).sum().backward()
        return _grad(x), _grad(unused)

    assert both(run)[1] is None


def test_second_backward_through_freed_graph_raises():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * x).sum()  # MulBackward0 saves its inputs: the second pass needs them
        y.backward()
        y.backward()

    _same_error(run)


def test_second_backward_without_saved_tensors_works():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x + x).sum()  # nothing saved: torch lets the graph run again
        y.backward()
        y.backward()
        return _grad(x)

    assert both(run) == [4.0, 4.0]


def test_retain_graph_allows_second_backward():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return _grad(x)

    assert both(run) == [4.0, 8.0]


def test_no_grad_context_and_decorator_and_enable_grad():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            a = x * 2
            with lib.enable_grad():
                b = x * 2

        @lib.no_grad()
        def f(t):
            return t * 2

        c = f(x)
        with lib.set_grad_enabled(False):
            d = x * 2
        return [a.requires_grad, b.requires_grad, c.requires_grad, d.requires_grad, lib.is_grad_enabled()]

    assert both(run) == [False, True, False, False, True]


def test_detach_and_requires_grad_():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        d = x.detach()
        d[0] = 5.0  # same memory as x
        y = lib.zeros(2).requires_grad_()
        return d.requires_grad, x.tolist(), y.requires_grad, y.is_leaf

    both(run)
    _same_error(lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_())
    _same_error(lambda lib: setattr(lib.ones(2, requires_grad=True) * 2, "requires_grad", False))


def test_deep_chain_of_10000_ops():
    x = mt.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000, rel=1e-3)
    assert graph.to_text(y).count("\n") == 10_000  # the drawing is iterative too


@pytest.mark.parametrize("op", ["add_", "mul_", "zero_", "fill_", "uniform_", "normal_", "setitem"])
def test_in_place_on_leaf_requiring_grad_raises(op):
    calls = {"add_": lambda t: t.add_(1), "mul_": lambda t: t.mul_(2), "zero_": lambda t: t.zero_(),
             "fill_": lambda t: t.fill_(1.0), "uniform_": lambda t: t.uniform_(-1, 1),
             "normal_": lambda t: t.normal_(), "setitem": lambda t: t.__setitem__(0, 3.0)}
    _same_error(lambda lib: calls[op](lib.ones(3, requires_grad=True)))

    def allowed(lib):  # the same edits under no_grad are how optimizers and init change weights
        t = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            calls[op](t)
        return t.requires_grad, t.is_leaf

    both(allowed)


def test_in_place_on_non_leaf_is_recorded():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.mul_(3)
        y[0] = 0.0
        y.sum().backward()
        return _grad(x), y.tolist()

    assert both(run) == ([0.0, 6.0, 6.0], [0.0, 12.0, 18.0])


def test_broadcast_gradient_is_reduced_to_each_input_shape():
    def run(lib):
        a = lib.ones(3, 1, requires_grad=True)
        b = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        ((a * b) ** 2).sum().backward()
        return _grad(a), _grad(b)

    both(run)


def test_sparse_row_gradients_accumulate_with_dense():
    """The engine accepts RowSparseGrad (EmbeddingBag(sparse=True)) and densifies on mixing."""
    bag = mt.nn.EmbeddingBag(4, 2, mode="sum", sparse=True)
    w = bag.weight
    with mt.no_grad():
        w.fill_(1.0)
    bag(mt.tensor([[1, 1, 3]])).sum().backward()
    assert w.grad.is_sparse and w.grad.to_dense().tolist() == [[0, 0], [2, 2], [0, 0], [1, 1]]
    (w * 1).sum().backward()
    assert w.grad.tolist() == [[1, 1], [3, 3], [1, 1], [2, 2]]


def test_graph_text_and_dot():
    w = mt.tensor([2.0], requires_grad=True)
    b = mt.tensor([0.5], requires_grad=True)
    x = mt.tensor([1.0, 2.0, 3.0])
    loss = ((w * x + b) ** 2).mean()
    before = graph.to_text(loss, params={"w": w, "b": b})
    assert before.splitlines() == [
        "MeanBackward0 -> []",
        "    PowBackward0 -> [3]",
        "        AddBackward0 -> [3]",
        "            MulBackward0 -> [3]",
        "                w [1]",
        "            b [1]",
    ]
    loss.backward()
    after = graph.to_text(loss, params={"w": w, "b": b})
    assert f"w [1] grad=[{w.grad.item():.4f}]" in after and f"b [1] grad=[{b.grad.item():.0f}.]" in after
    dot = graph.to_dot(loss, params={"w": w, "b": b})
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("shape=box") == 4 and dot.count("shape=ellipse") == 2
    assert 'label="MulBackward0\\nin: [1], [3]\\nout: [3]"' in dot and "grad=" in dot
    assert dot.count("shape=note") == 1 and 'label="no grad\\n[3]"' in dot  # x: an input outside the graph
    assert "grad=" not in graph.to_dot(loss, show_grads=False)


def test_graph_of_shared_node_is_printed_once():
    x = mt.ones(2, requires_grad=True)
    y = x * 2
    text = graph.to_text(y * y)
    assert text.count("MulBackward0 (see above)") == 1


def _cube(lib):
    """A learner's Function, written the same way for both libraries (on tensors, as torch's)."""
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    return Cube


def test_custom_function_matches_torch():
    """Same values, same gradient, and torch's node name: a custom Function's node is `<Name>Backward`
    (torch's own ops' nodes end in Backward0, 1...)."""
    Cube = _cube(mt)
    x, tx = mt.tensor([1.0, -2.0], requires_grad=True), torch.tensor([1.0, -2.0], requires_grad=True)
    y, ty = Cube.apply(x), _cube(torch).apply(tx)
    assert y.grad_fn.name() == type(ty.grad_fn).__name__ == "CubeBackward"
    y.sum().backward()
    ty.sum().backward()
    assert x.grad.tolist() == tx.grad.tolist() == [3.0, 12.0]
    assert mt.autograd.gradcheck(Cube.apply, (mt.tensor([0.3, -1.2], dtype=mt.float64, requires_grad=True),))


# --------------------------------------------------------------------------- found by a differential probe
@pytest.mark.parametrize("use", [
    lambda lib, z: z * 2,
    lambda lib, z: z / 2,
    lambda lib, z: z * lib.ones(3),
    lambda lib, z: z @ lib.ones(3, 2),
    lambda lib, z: lib.nn.functional.linear(lib.ones(2, 3), z.reshape(1, 3)),
    lambda lib, z: lib.ones(2, 3) @ z,
])
def test_an_input_whose_value_no_gradient_needs_may_change_in_place(use):
    """torch saves an operand only for the other operand's gradient: after `w = z * 2`, changing z in
    place is no error (z's value is not needed); a version check on it would be a spurious error."""
    grads = []
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        z = x * 1
        w = use(lib, z)
        z.add_(1)
        w.sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1]


def test_a_retained_gradient_adds_up_over_backward_calls():
    grads = []
    for lib in (mt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * y).sum().backward(retain_graph=True)
        (y * y).sum().backward()
        grads.append(y.grad.tolist())
    assert grads[0] == grads[1] == [8.0, 16.0]


def test_grad_mode_decorators_with_and_without_parentheses():
    def modes(lib):
        @lib.no_grad
        def a():
            return lib.is_grad_enabled()

        @lib.inference_mode
        def b():
            return lib.is_grad_enabled()

        @lib.inference_mode(False)
        def c():
            return lib.is_grad_enabled()

        @lib.enable_grad
        def d():
            return lib.is_grad_enabled()

        with lib.no_grad():
            inside = (a(), b(), c(), d())
        return inside, a.__name__, lib.is_grad_enabled()

    assert modes(mt) == modes(torch) == ((False, False, True, True), "a", True)


def _custom(lib, gradients):
    class Twice(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return gradients(lib, grad)

    return Twice


@pytest.mark.parametrize("gradients", [
    lambda lib, grad: (grad, grad),  # one too many
    lambda lib, grad: lib.ones(2),  # a shape that is no broadcast of [3]
])
def test_a_custom_function_returning_wrong_gradients_raises_as_torch(gradients):
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        _custom(lib, gradients).apply(x).sum().backward()

    _same_error(run)


@pytest.mark.parametrize("act", [
    lambda lib: setattr(lib.ones(3, requires_grad=True), "data", lib.ones(3, dtype=lib.long)),
    lambda lib: lib.ones(4)[1:].detach_(),
])
def test_data_and_detach_errors_match_torch(act):
    _same_error(act)


def test_create_graph_is_refused_clearly():
    x = mt.ones(2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="create_graph=True"):
        (x * x).sum().backward(create_graph=True)


# --------------------------------------------------------------------------- autograd.grad, backward(inputs=), hooks
def test_autograd_grad_returns_the_gradients_and_leaves_every_grad_alone():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a * 3
        c = (b * b).sum()
        ga, gb = lib.autograd.grad(c, [a, b], retain_graph=True)
        unused = lib.tensor([1.0], requires_grad=True)
        (none,) = lib.autograd.grad(c, [unused], allow_unused=True, retain_graph=True)
        (zeros,) = lib.autograd.grad(c, unused, allow_unused=True, materialize_grads=True, retain_graph=True)
        (weighted,) = lib.autograd.grad(b, a, grad_outputs=lib.tensor([1.0, -1.0]))
        return ga.tolist(), gb.tolist(), a.grad, none, zeros.tolist(), weighted.tolist()

    assert run(mt) == run(torch) == ([18.0, 36.0], [6.0, 12.0], None, None, [0.0], [3.0, -3.0])


def test_backward_with_inputs_accumulates_only_into_those():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([0.5, 0.5], requires_grad=True)
        b = a * w
        c = (b * b).sum()
        c.backward(inputs=[b], retain_graph=True)
        first = (a.grad, w.grad, b.grad.tolist())
        c.backward(inputs=a)
        return first, a.grad.tolist(), w.grad

    assert run(mt) == run(torch)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.autograd.grad((x * 2).sum(), lib.ones(2)),
    lambda lib, x: lib.autograd.grad((x * 2).sum(), [x, lib.ones(1, requires_grad=True)]),
    lambda lib, x: lib.autograd.grad(x * 2, x),
    lambda lib, x: lib.autograd.grad(lib.ones(1), x),
    lambda lib, x: lib.autograd.backward([(x * 2).sum(), lib.ones(1)]),
    lambda lib, x: (x * 2).sum().backward(inputs=[]),
    lambda lib, x: lib.autograd.grad((x * 2).sum(), []),
    lambda lib, x: lib.ones(2).register_hook(lambda g: g),
])
def test_autograd_api_errors_match_torch(call):
    _same_error(lambda lib: call(lib, lib.ones(2, requires_grad=True)))


def test_hooks_see_and_replace_gradients_as_torch():
    """A leaf's hook runs before the gradient is added to .grad; a non-leaf's before its node's rule, and
    retain_grad keeps the hooked value; hooks run in order; `remove()` takes one away."""
    def run(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        leaf_hook = x.register_hook(lambda g: g * 10)
        y = x * x
        y.retain_grad()
        y.register_hook(lambda g: seen.append(g.tolist()))
        y.register_hook(lambda g: g + 1)
        y.sum().backward()
        first = (x.grad.tolist(), y.grad.tolist(), list(seen))
        leaf_hook.remove()
        x.grad = None
        (x * x).sum().backward()
        return first, x.grad.tolist()

    assert run(mt) == run(torch) == (([40.0, 80.0], [2.0, 2.0], [[1.0, 1.0]]), [2.0, 4.0])
