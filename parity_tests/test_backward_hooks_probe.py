"""Module backward hooks, differential probe: each program runs on both libraries, compared by `outcomes`.

What this proves:
- `register_full_backward_hook` and `register_full_backward_pre_hook` (and the global
  `nn.modules.module.register_module_full_backward_hook` / `..._pre_hook`) are called as torch calls them:
  once per backward, with torch's grad_input (None for an argument that is not a tensor, zeros for one that
  got no gradient) and grad_output (None for an output that got none), in torch's order (pre-hooks, then
  hooks; global before the module's; `prepend`; inner modules of a nested model after the outer ones'
  pre-hooks), and not at all under `no_grad` or after `handle.remove()`;
- what the hooks return replaces the gradients as in torch, and a wrong count, shape, dtype or type raises
  torch's error; a module whose inputs need no gradient calls its hooks with grad_input (None, ...) and warns;
- the module's inputs and outputs pass through torch's `BackwardHookFunctionBackward` node (as forward hooks,
  tensor hooks, `retain_grad` and `autograd.grad` see them), and `ReLU(inplace=True)` raises torch's error;
- the deprecated `register_backward_hook` runs on the output's node with torch's FutureWarnings, and the two
  kinds cannot be mixed on one module nor globally (torch's errors).
"""
from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
import torch

from parity_tests.outcomes import assert_matches_torch, torch_text


# --------------------------------------------------------------------------- building blocks, on either library
def values(shape, seed=0, dtype="float32"):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def leaf(m, shape, seed=0, dtype="float32", requires_grad=True):
    return m.tensor(values(shape, seed, dtype), requires_grad=requires_grad)


def linear(m, n_in, n_out, seed=1, bias=True):
    """An `nn.Linear` with the same weights in both libraries."""
    layer = m.nn.Linear(n_in, n_out, bias=bias)
    with m.no_grad():
        layer.weight.copy_(m.tensor(values((n_out, n_in), seed)))
        if bias:
            layer.bias.copy_(m.tensor(values((n_out,), seed + 1)))
    return layer


def recorder(log, tag="hook"):
    """A full backward hook that notes what it sees (module name, grad_input, grad_output)."""
    return lambda module, grad_input, grad_output: log.append((tag, type(module).__name__, grad_input, grad_output))


def pre_recorder(log, tag="pre"):
    return lambda module, grad_output: log.append((tag, type(module).__name__, grad_output))


def hooked(module, pre=True):
    """(`module` with a recording full backward hook, and pre-hook, the log they fill)."""
    log = []
    module.register_full_backward_hook(recorder(log))
    if pre:
        module.register_full_backward_pre_hook(pre_recorder(log))
    return module, log


def two_inputs(m):
    class TwoInputs(m.nn.Module):
        def forward(self, x, y):
            return x * y + x
    return TwoInputs()


def tuple_output(m):
    class TupleOutput(m.nn.Module):
        def forward(self, x):
            return x * 2, x.exp()
    return TupleOutput()


def with_kwargs(m):
    class WithKwargs(m.nn.Module):
        def forward(self, x, scale=1.0, w=None):
            return x * scale + (0 if w is None else w)
    return WithKwargs()


MODULES = {
    "linear": (lambda m: linear(m, 3, 2), [(4, 3)]),
    "linear_3d": (lambda m: linear(m, 3, 2), [(2, 4, 3)]),
    "relu": (lambda m: m.nn.ReLU(), [(5,)]),
    "sigmoid": (lambda m: m.nn.Sigmoid(), [(2, 3)]),
    "tanh_0d": (lambda m: m.nn.Tanh(), [()]),
    "relu_empty": (lambda m: m.nn.ReLU(), [(0, 3)]),
    "sequential": (lambda m: m.nn.Sequential(linear(m, 3, 4), m.nn.ReLU(), linear(m, 4, 2, seed=5)), [(4, 3)]),
    "two_inputs": (two_inputs, [(3,), (3,)]),
    "tuple_output": (tuple_output, [(2, 2)]),
}
INPUT_GRADS = {  # which inputs require grad (one flag per input; a module of one input uses the first)
    "all": (True, True), "first": (True, False), "second": (False, True), "none": (False, False),
}
HOOKS = ["full", "pre", "both", "two_full"]


def run_hooked(m, module_name, input_grads, hooks, dtype="float32", use=None):
    """Forward and backward through a hooked module: (the log of hook calls, output, inputs' grads)."""
    make, shapes = MODULES[module_name]
    module, log = make(m), []
    if dtype != "float32":
        module.to(getattr(m, dtype))
    if hooks in ("full", "both", "two_full"):
        module.register_full_backward_hook(recorder(log))
    if hooks == "two_full":
        module.register_full_backward_hook(recorder(log, "second"))
    if hooks in ("pre", "both"):
        module.register_full_backward_pre_hook(pre_recorder(log))
    inputs = [leaf(m, shape, i, dtype, INPUT_GRADS[input_grads][i]) for i, shape in enumerate(shapes)]
    output = module(*inputs)
    outputs = output if isinstance(output, tuple) else (output,)
    total = sum(o.sum() for o in (outputs if use is None else outputs[:use]))
    if total.requires_grad:
        total.backward()
    return log, output, [x.grad for x in inputs]


@pytest.mark.parametrize("module_name, input_grads, hooks", [
    (name, grads, hooks) for name, grads, hooks in itertools.product(MODULES, INPUT_GRADS, HOOKS)
    if name == "two_inputs" or grads in ("first", "none")
])
def test_hooks_see_torchs_gradients(module_name, input_grads, hooks):
    assert_matches_torch(lambda m: run_hooked(m, module_name, input_grads, hooks), warnings=True,
                         tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("dtype", ["float64", "float16"])
@pytest.mark.parametrize("module_name", ["linear", "relu", "two_inputs"])
def test_hooks_keep_the_dtype(module_name, dtype):
    assert_matches_torch(lambda m: run_hooked(m, module_name, "all", "both", dtype), warnings=True,
                         tolerance=(1e-3, 1e-3))


@pytest.mark.parametrize("input_grads", ["first", "none"])
@pytest.mark.parametrize("hooks", ["full", "pre", "both"])
def test_an_output_that_gets_no_gradient(input_grads, hooks):
    """grad_output is None for it; grad_input counts it as zeros."""
    assert_matches_torch(lambda m: run_hooked(m, "tuple_output", input_grads, hooks, use=1), warnings=True)


# --------------------------------------------------------------------------- what the hooks return
def replace_and_backward(m, kind, make_result, module_name="linear", input_grads="first"):
    """A hook (`kind`: "full" or "pre") that returns `make_result(m, grads)`; (its log, the inputs' grads)."""
    make, shapes = MODULES[module_name]
    module, log = make(m), []
    if kind == "full":
        module.register_full_backward_hook(lambda mod, gi, go: make_result(m, gi))
    else:
        module.register_full_backward_pre_hook(lambda mod, go: make_result(m, go))
    module.register_full_backward_hook(recorder(log, "after"))
    inputs = [leaf(m, shape, i, requires_grad=INPUT_GRADS[input_grads][i]) for i, shape in enumerate(shapes)]
    output = module(*inputs)
    sum(o.sum() for o in (output if isinstance(output, tuple) else (output,))).backward()
    return log, [x.grad for x in inputs]


REPLACEMENTS = {
    "scaled": lambda m, g: tuple(None if t is None else t * 3 for t in g),
    "list": lambda m, g: [None if t is None else t * 3 for t in g],
    "all_none": lambda m, g: (None,) * len(g),
    "none_tuple_too_short": lambda m, g: (),
    "too_many": lambda m, g: (*g, None),
    "a_tensor": lambda m, g: g[0] * 2,
    "wrong_shape": lambda m, g: (m.ones(7),) + g[1:],
    "wrong_dtype": lambda m, g: (g[0].double(),) + g[1:],
    "a_number": lambda m, g: (1.5,) + g[1:],
    "a_string": lambda m, g: "ab",
    "int_tensor": lambda m, g: (g[0].long(),) + g[1:],
    "broadcastable": lambda m, g: (g[0][:1],) + g[1:],
}


@pytest.mark.parametrize("module_name, input_grads", [("linear", "first"), ("two_inputs", "first"),
                                                      ("two_inputs", "all"), ("tuple_output", "first")])
@pytest.mark.parametrize("replacement, kind", [
    (replacement, kind) for replacement, kind in itertools.product(REPLACEMENTS, ["full", "pre"])
    if (replacement, kind) != ("all_none", "pre")  # (torch then runs the nodes below with no gradient at all)
])
def test_what_a_hook_returns_replaces_the_gradients_or_raises_torchs_error(replacement, kind, module_name,
                                                                            input_grads):
    assert_matches_torch(lambda m: replace_and_backward(m, kind, REPLACEMENTS[replacement], module_name,
                                                        input_grads), warnings=True)


@pytest.mark.parametrize("result", ["none", "all_none", "a_tensor_tuple"])
def test_a_module_whose_inputs_need_no_gradient_calls_its_hooks_at_its_outputs(result):
    """grad_input is (None,): a hook that returns a gradient for it raises torch's error; torch warns."""
    returned = {"none": lambda gi: None, "all_none": lambda gi: (None,),
                "a_tensor_tuple": lambda gi: (gi[0],)}[result]

    def program(m):
        layer, log = linear(m, 3, 2), []
        layer.register_full_backward_hook(lambda mod, gi, go: (log.append((gi, go)), returned(go))[1])
        out = layer(leaf(m, (4, 3), requires_grad=False))
        out.sum().backward()
        return log, layer.weight.grad
    assert_matches_torch(program, warnings=True)


# --------------------------------------------------------------------------- order, removal, nesting
class Block:
    """A nested model: Sequential(Linear, Sequential(ReLU, Linear)), every module hooked, calls logged."""

    @staticmethod
    def build(m, log, pre=True, full=True, prepend=False):
        inner = m.nn.Sequential(m.nn.ReLU(), linear(m, 4, 2, seed=3))
        model = m.nn.Sequential(linear(m, 3, 4), inner)
        for name, module in model.named_modules():
            if full:
                module.register_full_backward_hook(lambda mod, gi, go, name=name: log.append(("full", name)))
            if pre:
                module.register_full_backward_pre_hook(lambda mod, go, name=name: log.append(("pre", name)))
            if prepend:
                module.register_full_backward_hook(lambda mod, gi, go, name=name: log.append(("first", name)),
                                                   prepend=True)
        return model


@pytest.mark.parametrize("pre, full, prepend", [(True, True, False), (True, False, False), (False, True, False),
                                                (True, True, True)])
@pytest.mark.parametrize("input_grad", [True, False])
def test_a_nested_model_calls_its_hooks_in_torchs_order(pre, full, prepend, input_grad):
    def program(m):
        log = []
        model = Block.build(m, log, pre, full, prepend)
        x = leaf(m, (2, 3), requires_grad=input_grad)
        model(x).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("remove", ["full", "pre", "both", "with"])
def test_a_removed_hook_is_not_called(remove):
    def program(m):
        layer, log = linear(m, 3, 2), []
        full = layer.register_full_backward_hook(recorder(log))
        pre = layer.register_full_backward_pre_hook(pre_recorder(log))
        if remove == "with":
            with layer.register_full_backward_hook(recorder(log, "gone")):
                pass
        if remove in ("full", "both"):
            full.remove()
        if remove in ("pre", "both"):
            pre.remove()
        x = leaf(m, (2, 3))
        layer(x).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


def test_hooks_registered_or_removed_after_forward_apply_from_the_next_call():
    def program(m):
        layer, log = linear(m, 3, 2), []
        handle = layer.register_full_backward_hook(recorder(log, "removed after forward"))
        x = leaf(m, (2, 3))
        y = layer(x)
        handle.remove()
        layer.register_full_backward_hook(recorder(log, "added after forward"))
        y.sum().backward()
        layer(x).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


def test_forward_hooks_tensor_hooks_and_retain_grad_see_the_hook_nodes():
    """Forward pre-hooks see the inputs as given; forward hooks see them through the hook node; the output
    the caller gets is one more node; tensor hooks on either side run in torch's order."""
    def program(m):
        layer, log = linear(m, 3, 2), []

        def forward_pre_hook(mod, args):
            log.append(("forward pre", args))

        def forward_hook(mod, args, output):
            log.append(("forward", args, output))
            output.register_hook(lambda g: log.append(("output tensor hook", g)))
            args[0].register_hook(lambda g: log.append(("input tensor hook", g)))
        layer.register_forward_pre_hook(forward_pre_hook)
        layer.register_forward_hook(forward_hook)
        layer.register_full_backward_hook(recorder(log))
        layer.register_full_backward_pre_hook(pre_recorder(log))
        x = leaf(m, (2, 3)) * 1
        x.register_hook(lambda g: log.append(("x tensor hook", g)))
        y = layer(x)
        y.retain_grad()
        y.register_hook(lambda g: log.append(("y tensor hook", g)))
        (y * 2).sum().backward()
        return log, y, y.grad
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("retain", [True, False])
def test_each_backward_calls_the_hooks(retain):
    def program(m):
        layer, log = hooked(linear(m, 3, 2))
        x = leaf(m, (2, 3))
        total = layer(x).sum()
        total.backward(retain_graph=retain)
        try:
            total.backward()
        except RuntimeError as error:
            log.append(str(error))
        return log, x.grad
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("mode", ["no_grad", "set_grad_enabled", "inference_mode"])
def test_no_hook_node_without_grad_mode(mode):
    def program(m):
        layer, log = hooked(linear(m, 3, 2), pre=False)
        context = {"no_grad": m.no_grad, "set_grad_enabled": lambda: m.set_grad_enabled(False),
                   "inference_mode": m.inference_mode}[mode]
        with context():
            y = layer(leaf(m, (2, 3)))
        return log, y
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("call", [
    lambda m, x, mod: mod(x, 3.0),
    lambda m, x, mod: mod(x, scale=3.0),
    lambda m, x, mod: mod(x, scale=3.0, w=leaf(m, (3,), 5)),
    lambda m, x, mod: mod(x, leaf(m, (3,), 5, requires_grad=False), leaf(m, (3,), 6)),
    lambda m, x, mod: mod(x, 2, None),
])
def test_keyword_and_non_tensor_arguments_are_none_in_grad_input(call):
    def program(m):
        module, log = hooked(with_kwargs(m))
        x = leaf(m, (3,))
        call(m, x, module).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("output", ["dict", "list", "tensor_and_number", "number_only"])
def test_outputs_that_are_not_a_tensor_or_a_tuple(output):
    """A dict or list output warns (hooks never run); a tuple with a number passes it through."""
    def program(m):
        class Odd(m.nn.Module):
            def forward(self, x):
                return {"dict": {"a": x * 2}, "list": [x * 2], "tensor_and_number": (x * 2, 3),
                        "number_only": (x * 2).sum().item()}[output]
        module, log = hooked(Odd())
        x = leaf(m, (3,))
        out = module(x)
        first = out["a"] if output == "dict" else out[0] if output != "number_only" else None
        if first is not None:
            first.sum().backward()
        return log, out, x.grad
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("dtype", ["int64", "bool", "uint8"])
def test_an_integer_input_beside_a_float_one(dtype):
    def program(m):
        class Mixed(m.nn.Module):
            def forward(self, x, k):
                return x * k
        module, log = hooked(Mixed())
        x = leaf(m, (3,))
        module(x, m.tensor([1, 0, 1], dtype=getattr(m, dtype))).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


def test_autograd_grad_and_backward_inputs_run_the_hooks():
    def program(m):
        layer, log = hooked(linear(m, 3, 2))
        x = leaf(m, (2, 3))
        y = layer(x).sum()
        got = m.autograd.grad(y, x, retain_graph=True)
        y.backward(inputs=[layer.weight])
        return log, got, x.grad, layer.weight.grad
    assert_matches_torch(program, warnings=True)


def returns_inputs(m, outputs):
    """A learner's Function that returns its inputs as they are (`outputs`: which, or a new tensor / a number)."""
    class Returns(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            made = {"a": a, "b": b, "2b": b * 2, "3": 3}
            return made[outputs] if "," not in outputs else tuple(made[name] for name in outputs.split(","))

        @staticmethod
        def backward(ctx, *grads):
            return grads[0], grads[1] if len(grads) > 1 else None
    return Returns


@pytest.mark.parametrize("outputs, written", [
    (outputs, written) for outputs, written in itertools.product(
        ["a", "a,b", "a,2b", "a,3"], ["output 0", "output 1", "a slice of output 0", "a transpose of output 0"])
    if written != "output 1" or outputs in ("a,b", "a,2b")
])
@pytest.mark.parametrize("b_requires_grad", [True, False])
def test_writing_into_an_input_a_custom_function_returned_raises_torchs_error(outputs, written, b_requires_grad):
    """One tensor output is a view "created inside a custom Function"; several are "a function that returns
    multiple views"; views of them are forbidden too."""
    def program(m):
        x, y = leaf(m, (3,)) * 1, leaf(m, (3,), 1, requires_grad=b_requires_grad) * 1
        out = returns_inputs(m, outputs).apply(x, y)
        out = out if isinstance(out, tuple) else (out,)
        target = {"output 0": lambda: out[0], "output 1": lambda: out[1], "a slice of output 0": lambda: out[0][:2],
                  "a transpose of output 0": lambda: out[0].t()}[written]()
        target.mul_(2)
        return out
    assert_matches_torch(program)


@pytest.mark.parametrize("inplace_input", [True, False])
def test_relu_inplace_with_a_backward_hook_raises_torchs_error(inplace_input):
    def program(m):
        relu = m.nn.ReLU(inplace=True)
        relu.register_full_backward_hook(lambda *args: None)
        x = leaf(m, (3,)) * 1 if inplace_input else leaf(m, (3,), requires_grad=False)
        return relu(x)
    assert_matches_torch(program, warnings=True)


def test_the_hook_node_is_named_as_torchs():
    def program(m):
        layer = linear(m, 3, 2)
        layer.register_full_backward_pre_hook(lambda *args: None)
        y = layer(leaf(m, (2, 3)))
        node_repr = repr(y.grad_fn).split(" object")[0]
        if m is torch:  # (its next_functions are (node, output number) pairs, ours nodes)
            return y.grad_fn.name(), torch_text(node_repr), y.grad_fn.next_functions[0][0].name()
        return y.grad_fn.name(), node_repr, y.grad_fn.next_functions[0].name()
    assert_matches_torch(program)


# --------------------------------------------------------------------------- global hooks
@pytest.mark.parametrize("kinds", ["full", "pre", "both", "legacy"])
def test_global_hooks_run_before_the_modules_own(kinds):
    def program(m):
        log, module_api = [], m.nn.modules.module
        handles = []
        if kinds in ("full", "both"):
            handles.append(module_api.register_module_full_backward_hook(recorder(log, "global")))
        if kinds in ("pre", "both"):
            handles.append(module_api.register_module_full_backward_pre_hook(pre_recorder(log, "global pre")))
        if kinds == "legacy":
            handles.append(module_api.register_module_backward_hook(recorder(log, "global legacy")))
        try:
            model = Block.build(m, log, full=kinds != "legacy")
            x = leaf(m, (2, 3))
            model(x).sum().backward()
        finally:
            for handle in handles:
                handle.remove()
        return log, x.grad
    assert_matches_torch(program, warnings=True, tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("first, second", [("full", "legacy"), ("legacy", "full"), ("full", "full")])
def test_global_hooks_of_both_kinds_are_refused(first, second):
    """torch remembers the kind of the first global hook (even once it is removed); so does this probe's
    process for each library: run in a fresh interpreter state by resetting the kind afterwards."""
    def program(m):
        module_api = m.nn.modules.module
        register = {"full": module_api.register_module_full_backward_hook,
                    "legacy": module_api.register_module_backward_hook}
        saved = module_api._global_is_full_backward_hook
        handles = []
        try:
            handles.append(register[first](lambda *args: None))
            handles.append(register[second](lambda *args: None))
        finally:
            for handle in handles:
                handle.remove()
            module_api._global_is_full_backward_hook = saved
        return len(handles)
    assert_matches_torch(program)


# --------------------------------------------------------------------------- the deprecated register_backward_hook
@pytest.mark.parametrize("first, second", [("full", "legacy"), ("legacy", "full")])
def test_the_two_kinds_cannot_be_mixed_on_one_module(first, second):
    def program(m):
        layer = m.nn.ReLU()
        register = {"full": layer.register_full_backward_hook, "legacy": layer.register_backward_hook}
        register[first](lambda *args: None)
        register[second](lambda *args: None)
    assert_matches_torch(program)


LEGACY_MODULES = {
    "relu_of_a_node": (lambda m: m.nn.ReLU(), lambda m: leaf(m, (4,)) * 1),
    "relu_of_a_leaf": (lambda m: m.nn.ReLU(), lambda m: leaf(m, (4,))),
    "sigmoid_of_a_node": (lambda m: m.nn.Sigmoid(), lambda m: leaf(m, (2, 3)) + 0),
    "tanh_0d": (lambda m: m.nn.Tanh(), lambda m: leaf(m, ()) * 2),
    "sequential": (lambda m: m.nn.Sequential(m.nn.Tanh(), m.nn.Sigmoid()), lambda m: leaf(m, (2,)) * 1),
}


@pytest.mark.parametrize("module_name", list(LEGACY_MODULES))
@pytest.mark.parametrize("returns", ["none", "scaled", "too_many"])
def test_register_backward_hook_runs_on_the_output_node_with_torchs_warnings(module_name, returns):
    def program(m):
        make_module, make_input = LEGACY_MODULES[module_name]
        module, log = make_module(m), []

        def hook(mod, grad_input, grad_output):
            log.append((grad_input, grad_output))
            return {"none": None, "scaled": tuple(g * 2 for g in grad_input),
                    "too_many": (*grad_input, grad_input[0])}[returns]
        module.register_backward_hook(hook)
        x = make_input(m)
        x.retain_grad()
        out = module(x)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
        return log, x.grad
    assert_matches_torch(program, warnings=True)


# --------------------------------------------------------------------------- more programs: edges the probe tried
EDGE_PROGRAMS = {}


def edge(program):
    EDGE_PROGRAMS[program.__name__] = program
    return program


@edge
def shared_module_twice(m):
    layer, log = hooked(linear(m, 3, 3))
    x = leaf(m, (2, 3))
    layer(layer(x)).sum().backward()
    return log, x.grad


@edge
def same_module_twice_in_sequential(m):
    layer, log = hooked(linear(m, 3, 3), pre=False)
    x = leaf(m, (2, 3))
    m.nn.Sequential(layer, m.nn.ReLU(), layer)(x).sum().backward()
    return log, x.grad


@edge
def identity_module(m):
    mod, log = hooked(m.nn.Identity())
    x = leaf(m, (3,))
    y = mod(x)
    (y * 2).sum().backward()
    return log, x.grad, y


@edge
def embedding_int_input(m):
    emb, log = m.nn.Embedding(5, 2), []
    with m.no_grad():
        emb.weight.copy_(m.tensor(np.arange(10.).reshape(5, 2).astype("float32")))
    emb.register_full_backward_hook(recorder(log))
    emb.register_full_backward_pre_hook(pre_recorder(log))
    emb(m.tensor([1, 3])).sum().backward()
    return log, emb.weight.grad


@edge
def hook_raises(m):
    layer = linear(m, 3, 2)
    def bad(mod, gi, go):
        raise ValueError("boom")
    layer.register_full_backward_hook(bad)
    layer(leaf(m, (2, 3))).sum().backward()


@edge
def pre_hook_raises(m):
    layer = linear(m, 3, 2)
    def bad(mod, go):
        raise KeyError("boom")
    layer.register_full_backward_pre_hook(bad)
    layer(leaf(m, (2, 3))).sum().backward()


@edge
def output_used_twice(m):
    layer, log = hooked(linear(m, 3, 2))
    x = leaf(m, (2, 3))
    y = layer(x)
    (y * 2 + y.exp()).sum().backward()
    return log, x.grad


@edge
def input_used_twice(m):
    class Both(m.nn.Module):
        def forward(self, a, b):
            return a * b
    mod, log = hooked(Both(), pre=False)
    x = leaf(m, (3,))
    mod(x, x).sum().backward()
    return log, x.grad


@edge
def gradient_around_the_outputs(m):
    class Keeps(m.nn.Module):
        def forward(self, x):
            self.seen = x
            return x * 2
    mod, log = hooked(Keeps())
    x = leaf(m, (3,))
    y = mod(x)
    mod.seen.sum().backward()
    return log, x.grad


@edge
def hook_sees_its_module(m):
    layer, log = linear(m, 3, 2), []
    layer.register_full_backward_hook(lambda mod, gi, go: log.append(mod is layer))
    layer.register_full_backward_pre_hook(lambda mod, go: log.append(mod is layer))
    layer(leaf(m, (2, 3))).sum().backward()
    return log


@edge
def same_hook_twice(m):
    layer, log = linear(m, 3, 2), []
    h = recorder(log)
    layer.register_full_backward_hook(h)
    layer.register_full_backward_hook(h)
    layer(leaf(m, (2, 3))).sum().backward()
    return log


@edge
def chained_replacements(m):
    layer, log = linear(m, 3, 2), []
    layer.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
    layer.register_full_backward_pre_hook(lambda mod, go: (log.append(go), (go[0] + 1,))[1])
    layer.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    layer.register_full_backward_hook(lambda mod, gi, go: (log.append((gi, go)), None)[1], prepend=True)
    x = leaf(m, (2, 3))
    layer(x).sum().backward()
    return log, x.grad, layer.weight.grad


@edge
def legacy_wrong_shape(m):
    r = m.nn.ReLU()
    r.register_backward_hook(lambda mod, gi, go: (m.ones(7),))
    x = leaf(m, (3,)) * 1
    r(x).sum().backward()


@edge
def legacy_wrong_dtype(m):
    r = m.nn.Sigmoid()
    r.register_backward_hook(lambda mod, gi, go: (gi[0].double(),))
    x = leaf(m, (3,)) * 1
    r(x).sum().backward()


@edge
def legacy_non_tensor(m):
    r = m.nn.Sigmoid()
    r.register_backward_hook(lambda mod, gi, go: (3,))
    x = leaf(m, (3,)) * 1
    r(x).sum().backward()


@edge
def legacy_remove(m):
    r, log = m.nn.Tanh(), []
    h = r.register_backward_hook(recorder(log))
    x = leaf(m, (3,)) * 1
    y = r(x)
    h.remove()
    y.sum().backward()
    r(x).sum().backward()
    return log


@edge
def legacy_no_grad(m):
    r, log = m.nn.Tanh(), []
    r.register_backward_hook(recorder(log))
    with m.no_grad():
        y = r(leaf(m, (3,)))
    return log, y


@edge
def legacy_and_pre_hook(m):
    r, log = m.nn.Tanh(), []
    r.register_backward_hook(recorder(log, "legacy"))
    r.register_full_backward_pre_hook(pre_recorder(log))
    x = leaf(m, (3,)) * 1
    r(x).sum().backward()
    return log, x.grad


@edge
def legacy_input_not_requiring_grad(m):
    r, log = m.nn.Tanh(), []
    r.register_backward_hook(recorder(log))
    y = r(leaf(m, (3,), requires_grad=False))
    return log, y


@edge
def legacy_two_inputs(m):
    class Two(m.nn.Module):
        def forward(self, a, b):
            return a * b
    r, log = Two(), []
    r.register_backward_hook(recorder(log))
    a = leaf(m, (3,)) * 1
    b = leaf(m, (3,), 1) * 1
    r(a, b).sum().backward()
    return log


@edge
def legacy_kwarg_number(m):
    class Scale(m.nn.Module):
        def forward(self, a, s):
            return (a * 1).tanh()
    r, log = Scale(), []
    r.register_backward_hook(recorder(log))
    a = leaf(m, (3,)) * 1
    r(a, 2.0).sum().backward()
    return log


@edge
def legacy_dict_output(m):
    class D(m.nn.Module):
        def forward(self, a):
            return {"y": a.tanh()}
    r, log = D(), []
    r.register_backward_hook(recorder(log))
    a = leaf(m, (3,)) * 1
    r(a)["y"].sum().backward()
    return log


@edge
def legacy_two_nodes_output(m):
    class T(m.nn.Module):
        def forward(self, a):
            return a.tanh(), a.exp()
    r, log = T(), []
    r.register_backward_hook(recorder(log))
    a = leaf(m, (3,)) * 1
    r(a)[0].sum().backward()
    return log


@edge
def hooks_survive_deepcopy(m):
    layer, log = hooked(linear(m, 3, 2), pre=False)
    clone = copy.deepcopy(layer)
    clone(leaf(m, (2, 3))).sum().backward()
    return log


@edge
def float64_module_float32_input(m):
    layer, log = hooked(linear(m, 3, 2).double(), pre=False)
    layer(leaf(m, (2, 3))).sum().backward()


@edge
def sequential_hooks_and_forward_hooks_order(m):
    log = []
    model = m.nn.Sequential(linear(m, 3, 3), m.nn.Tanh())
    for name, mod in model.named_modules():
        mod.register_forward_pre_hook(lambda mod, args, name=name: log.append(("fpre", name)))
        mod.register_forward_hook(lambda mod, args, out, name=name: log.append(("fwd", name, out.grad_fn.name())))
        mod.register_full_backward_pre_hook(lambda mod, go, name=name: log.append(("bpre", name)))
        mod.register_full_backward_hook(lambda mod, gi, go, name=name: log.append(("bwd", name)))
    model(leaf(m, (2, 3))).sum().backward()
    return log


@edge
def requires_grad_false_params_input_grad(m):
    layer, log = linear(m, 3, 2), []
    layer.requires_grad_(False)
    layer.register_full_backward_hook(recorder(log))
    x = leaf(m, (2, 3))
    layer(x).sum().backward()
    return log, x.grad


@edge
def nothing_requires_grad(m):
    layer, log = linear(m, 3, 2), []
    layer.requires_grad_(False)
    layer.register_full_backward_hook(recorder(log))
    y = layer(leaf(m, (2, 3), requires_grad=False))
    return log, y


@edge
def hook_returns_grads_for_leaf_x_used_elsewhere(m):
    layer, log = linear(m, 3, 2), []
    layer.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0,))
    x = leaf(m, (2, 3))
    (layer(x).sum() + (x * 3).sum()).backward()
    return x.grad


@edge
def retain_grad_on_forward_input(m):
    class K(m.nn.Module):
        def forward(self, x):
            x.retain_grad()
            self.inp = x
            return x * 3
    mod, log = hooked(K(), pre=False)
    x = leaf(m, (3,))
    mod(x).sum().backward()
    return log, mod.inp.grad, mod.inp.grad_fn.name(), x.grad


@edge
def backward_through_module_output_only_part(m):
    layer, log = hooked(linear(m, 3, 4))
    x = leaf(m, (2, 3))
    layer(x)[:, :2].sum().backward()
    return log, x.grad


@edge
def grad_output_nonscalar(m):
    layer, log = hooked(linear(m, 3, 2), pre=False)
    x = leaf(m, (2, 3))
    y = layer(x)
    y.backward(m.tensor(np.arange(4.).reshape(2, 2).astype("float32")))
    return log, x.grad


@edge
def legacy_lambda_too_many(m):
    r = m.nn.Sigmoid()
    r.register_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    r(leaf(m, (3,)) * 1).sum().backward()


@pytest.mark.parametrize("name", list(EDGE_PROGRAMS))
def test_edge_programs(name):
    assert_matches_torch(EDGE_PROGRAMS[name], warnings=True)


# --------------------------------------------------------------------------- random models, random hooks
def random_program(seed):
    """A Sequential of random layers (0-d to 3-d batches, empty ones too, float32 or float64), random hooks
    on the model and its layers (some replacing gradients), inputs and parameters needing a gradient or not."""
    rnd = np.random.default_rng(seed)
    dtype, width = str(rnd.choice(["float32", "float64"])), int(rnd.choice([1, 2, 4]))
    batch = [(), (0,), (1,), (3,), (2, 2)][rnd.integers(5)]
    layers = list(rnd.choice(["linear", "relu", "tanh", "sigmoid", "identity", "scale"], rnd.integers(1, 5)))
    plans = list(rnd.choice(["full", "pre", "both", "scale_full", "scale_pre", "none"], len(layers) + 1))
    input_grad, freeze, retain = rnd.random() < 0.7, rnd.random() < 0.3, rnd.random() < 0.2

    def program(m):
        class Scale(m.nn.Module):
            def forward(self, x, k=2.0):
                return x * k
        make = {"linear": lambda i: linear(m, width, width, seed=i), "relu": lambda i: m.nn.ReLU(),
                "tanh": lambda i: m.nn.Tanh(), "sigmoid": lambda i: m.nn.Sigmoid(),
                "identity": lambda i: m.nn.Identity(), "scale": lambda i: Scale()}
        model = m.nn.Sequential(*[make[name](i) for i, name in enumerate(layers)]).to(getattr(m, dtype))
        model.requires_grad_(not freeze)
        log = []
        for i, (module, plan) in enumerate(zip([model, *model], plans)):
            if plan in ("full", "both"):
                module.register_full_backward_hook(lambda mod, gi, go, i=i: log.append(("full", i, gi, go)))
            if plan in ("pre", "both"):
                module.register_full_backward_pre_hook(lambda mod, go, i=i: log.append(("pre", i, go)))
            if plan == "scale_full":
                module.register_full_backward_hook(lambda mod, gi, go: tuple(g if g is None else g / 2 for g in gi))
            if plan == "scale_pre":
                module.register_full_backward_pre_hook(lambda mod, go: tuple(g if g is None else g * 3 for g in go))
        x = leaf(m, batch + (width,), seed, dtype, input_grad)
        y = model(x)
        if y.requires_grad:
            total = (y * y).sum()
            total.backward(retain_graph=retain)
            if retain:
                total.backward()
        return log, y, x.grad, [p.grad for p in model.parameters()]
    return program


@pytest.mark.parametrize("seed", range(80))
def test_random_models_with_random_hooks(seed):
    assert_matches_torch(random_program(seed), warnings=True, tolerance=(1e-4, 1e-5))
