"""The autograd API a learner calls, differential probe: each program runs on torch and on minitorch_ref.

What this proves, beyond `test_autograd.py` and `test_autograd_core.py` (the engine's rules):
- `autograd.grad` and `autograd.backward` take torch's parameters in torch's positions (`only_inputs`,
  `grad_variables`, deprecated, with torch's FutureWarning), accept a dict of inputs, and check their
  arguments in torch's order with torch's exceptions and messages (the count of gradients, a
  non-tensor input or output, `materialize_grads` with `allow_unused=False`, an integer input);
- `backward(inputs=[non_leaf])` makes that tensor retain its gradient, as torch does; `autograd.grad`
  runs only the rules on a path to its inputs (the graph below may be freed, its hooks stay quiet),
  also for the outputs of a learner's multi-output Function;
- the backward pass runs with grad mode off: hooks see `is_grad_enabled()` False;
- hooks that return a tensor of another dtype, or no tensor, fail as torch's do; their handles are
  `utils.hooks.RemovableHandle`s;
- `register_post_accumulate_grad_hook` runs after a leaf's `.grad` is updated, as torch's;
- adding into an existing `.grad` is an in-place write (its `_version` grows); `del t.grad`;
- the `requires_grad` setter takes a bool only, and refuses non-leaves as torch does;
- `no_grad`, `enable_grad` and `inference_mode` decorate generator functions as torch does: the
  mode holds while the generator runs, not while it is merely created; their `mode` and `prev`;
- inference tensors: `is_inference()`, torch's errors when one is used with autograd later, and no
  recording inside `inference_mode()` even under `enable_grad()`;
- `gradcheck` takes torch's options;
- guards: what already matched torch in this API (errors of backward, retain_grad, detach...).
"""
from __future__ import annotations

import types
from functools import partial

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch

# the same result and warnings, or the same exception and message
assert_same = partial(assert_matches_torch, warnings=True)


def leaf(m, values=(1.0, 2.0, 3.0), **kw):
    return m.tensor(list(values), requires_grad=True, **kw)


def square_sum(m):
    """x and (x * x).sum()."""
    x = leaf(m)
    return x, (x * x).sum()


# --------------------------------------------------------------------------- autograd.grad and backward
def _grad_two_unused(m, **kw):
    x, z = leaf(m), leaf(m)
    return m.autograd.grad((x * x).sum(), (x, z), **kw)


GRAD_AND_BACKWARD = {
    "grad-only_inputs-positional": lambda m: m.autograd.grad(*reversed(square_sum(m)), None, True, False, False),
    "grad-only_inputs-true": lambda m: m.autograd.grad(*reversed(square_sum(m)), only_inputs=True),
    "grad-allow_unused-positional": lambda m: m.autograd.grad(square_sum(m)[1], leaf(m), None, None, False, True, True),
    "grad-materialize-allow_unused-false": lambda m: _grad_two_unused(m, allow_unused=False, materialize_grads=True),
    "grad-fewer-grad_outputs": lambda m: (lambda x: m.autograd.grad([x * x, x * 2], x, [m.ones(3)]))(leaf(m)),
    "grad-more-grad_outputs": lambda m: (lambda x: m.autograd.grad((x * x).sum(), x, [None, None]))(leaf(m)),
    "grad-integer-input": lambda m: (lambda x: m.autograd.grad((x * 2).sum(), x))(m.tensor([1, 2])),
    "grad-input-not-a-tensor": lambda m: m.autograd.grad(square_sum(m)[1], [3]),
    "grad-output-not-a-tensor": lambda m: m.autograd.grad([1.0], leaf(m)),
    "grad-dict-inputs": lambda m: (lambda x, z: tuple(m.autograd.grad((x * z * z).sum(), {"a": x, "b": z}).items()))(
        leaf(m), leaf(m)),
    "grad-mapping-inputs": lambda m: m.autograd.grad(square_sum(m)[1], types.MappingProxyType({})),
    "backward-dict-inputs": lambda m: (lambda x, z: ((x * z).sum().backward(inputs={"a": x}), x.grad, z.grad))(
        leaf(m), leaf(m)),
    "backward-fewer-grad_tensors": lambda m: (lambda x: m.autograd.backward([x * 2, x * 3], [m.ones(3)]))(leaf(m)),
    "backward-grad_variables": lambda m: (lambda x: (m.autograd.backward(
        [(x * 2).sum()], grad_variables=[m.tensor(3.0)]), x.grad))(leaf(m)),
    "backward-grad_variables-and-grad_tensors": lambda m: m.autograd.backward(
        [square_sum(m)[1]], [m.tensor(1.0)], grad_variables=[m.tensor(3.0)]),
    "backward-inputs-positional": lambda m: (lambda x, z: (m.autograd.backward(
        (x * z).sum(), None, False, False, None, [x]), x.grad, z.grad))(leaf(m), leaf(m)),
    "backward-input-not-a-tensor": lambda m: square_sum(m)[1].backward(inputs=[1]),
    "backward-input-no-grad": lambda m: square_sum(m)[1].backward(inputs=[m.ones(3)]),
    "backward-output-no-grad-before-inputs": lambda m: m.tensor(1.0).backward(inputs=[None]),
    "backward-implicit-before-no-grad": lambda m: (lambda x: m.autograd.backward([m.tensor(1.0), x * 2]))(leaf(m)),
}


@pytest.mark.parametrize("case", list(GRAD_AND_BACKWARD))
def test_grad_and_backward_arguments_as_torch(case):
    assert_same(GRAD_AND_BACKWARD[case])


def test_backward_inputs_non_leaf_retains_its_grad():
    """torch fills a non-leaf input's `.grad` through `retain_grad()`, so it keeps retaining afterwards."""
    def program(m):
        x = leaf(m)
        h = x * 2
        h.register_hook(lambda g: g * 10)
        y = (h * h).sum()
        y.backward(inputs=[h, x], retain_graph=True)
        y.backward(inputs=[h])
        return h.retains_grad, h.grad, x.grad
    assert_same(program)


@pytest.mark.parametrize("make_tensor", [leaf, lambda m: leaf(m) + 1], ids=["leaf", "non-leaf"])
def test_backward_runs_with_grad_mode_off(make_tensor):
    """Hooks run inside the backward pass, where torch has switched grad mode off (no create_graph)."""
    def program(m):
        t, seen = make_tensor(m), []
        t.register_hook(lambda g: seen.append(m.is_grad_enabled()))
        (t * t).sum().backward()
        m.autograd.grad((t * 3).sum(), t)
        return tuple(seen), m.is_grad_enabled()
    assert_same(program)


# --------------------------------------------------------------------------- hooks
def _hooked_backward(m, hook, non_leaf=False):
    """`hook` on x (or on h = x * 2), then a backward; returns x.grad."""
    x = leaf(m)
    t = x * 2 if non_leaf else x
    t.register_hook(hook)
    (t * t).sum().backward()
    return x.grad


class _DoubleHook:
    """A callable without `__name__`: torch's message names it '<unknown>'."""

    def __call__(self, grad):
        return grad.double()


HOOKS = {
    "returns-double": lambda m: _hooked_backward(m, lambda g: g.double()),
    "returns-double-non-leaf": lambda m: _hooked_backward(m, lambda g: g.double(), non_leaf=True),
    "returns-long": lambda m: _hooked_backward(m, lambda g: g.long()),
    "returns-double-of-another-size": lambda m: _hooked_backward(m, lambda g: g.sum().double()),
    "callable-object-returns-double": lambda m: _hooked_backward(m, _DoubleHook()),
    "returns-float": lambda m: _hooked_backward(m, lambda g: 3.0),
    "returns-ndarray": lambda m: _hooked_backward(m, lambda g: np.ones(3, np.float32)),
    "returns-another-size": lambda m: _hooked_backward(m, lambda g: g.sum()),  # (guard)
    "returns-a-replacement": lambda m: _hooked_backward(m, lambda g: g * 10, non_leaf=True),  # (guard)
}


@pytest.mark.parametrize("case", list(HOOKS))
def test_hook_results_checked_as_torch(case):
    assert_same(HOOKS[case])


def _post_accumulate(m, hook, backward=lambda x: (x * 2).sum().backward()):
    """`hook` registered as x's post-accumulate-grad hook, then `backward(x)` twice; returns x.grad."""
    x = leaf(m)
    x.register_post_accumulate_grad_hook(hook)
    backward(x)
    backward(x)
    return x.grad


def _hook_then_post_hook(m):
    """The order: the tensor hook sees the gradient, then the post-accumulate hook the updated leaf."""
    x, seen = leaf(m), []
    x.register_post_accumulate_grad_hook(lambda p: seen.append("post"))
    x.register_hook(lambda g: seen.append("hook"))
    (x * 2).sum().backward()
    return tuple(seen)


def _record(seen, m):
    return lambda p: seen.append((p.grad.clone(), m.is_grad_enabled(), p.is_leaf))


POST_ACCUMULATE = {
    "sees-grad-after-each-backward": lambda m: (lambda seen: (_post_accumulate(m, _record(seen, m)), tuple(seen)))([]),
    "must-return-none": lambda m: _post_accumulate(m, lambda p: p.grad * 5),
    "may-reset-grad": lambda m: _post_accumulate(m, lambda p: setattr(p, "grad", None)),
    "after-the-tensor-hook": lambda m: _hook_then_post_hook(m),
    "removed": lambda m: (lambda x: (x.register_post_accumulate_grad_hook(lambda p: 1 / 0).remove(),
                                     (x * 2).sum().backward(), x.grad)[-1])(leaf(m)),
    "not-by-autograd-grad": lambda m: _post_accumulate(m, lambda p: 1 / 0,
                                                       lambda x: m.autograd.grad((x * 2).sum(), x)),
    "by-backward-inputs": lambda m: (lambda seen: (_post_accumulate(
        m, _record(seen, m), lambda x: (x * x).sum().backward(inputs=[x])), tuple(seen)))([]),
    "returns-a-number": lambda m: _post_accumulate(m, lambda p: 3),
    "optimizer-step-in-hook": lambda m: _step_in_hook(m),
    "non-leaf": lambda m: (leaf(m) * 2).register_post_accumulate_grad_hook(lambda p: None),
    "no-grad": lambda m: m.ones(3).register_post_accumulate_grad_hook(lambda p: None),
}


def _step_in_hook(m):
    """The use torch documents: each parameter is updated as soon as its gradient is ready."""
    p = m.nn.Parameter(m.ones(3))
    optimizer = m.optim.SGD([p], lr=0.1)

    def step(param):
        optimizer.step()
        optimizer.zero_grad()
    p.register_post_accumulate_grad_hook(step)
    (p * p).sum().backward()
    return p.detach(), p.grad


@pytest.mark.parametrize("case", list(POST_ACCUMULATE))
def test_post_accumulate_grad_hook_as_torch(case):
    assert_same(POST_ACCUMULATE[case])


# --------------------------------------------------------------------------- requires_grad
def _set_requires_grad(t, value):
    t.requires_grad = value
    return t.requires_grad, t.is_leaf


REQUIRES_GRAD = {
    "set-int": lambda m: _set_requires_grad(m.ones(2), 1),
    "set-none": lambda m: _set_requires_grad(m.ones(2), None),
    "set-numpy-bool": lambda m: _set_requires_grad(m.ones(2), np.True_),
    "set-true-on-non-leaf": lambda m: _set_requires_grad(leaf(m) * 2, True),
    "set-int-on-non-leaf": lambda m: _set_requires_grad(leaf(m) * 2, 0),
    "set-false-on-non-leaf": lambda m: _set_requires_grad(leaf(m) * 2, False),  # (guard)
    "set-true-on-integers": lambda m: _set_requires_grad(m.tensor([1]), True),  # (guard)
    "method-numpy-bool": lambda m: m.ones(2).requires_grad_(np.True_),
    "method-true-on-non-leaf": lambda m: (lambda h: (h.requires_grad_(True) is h, h.requires_grad))(leaf(m) * 2),
    "method-false-on-non-leaf": lambda m: (leaf(m) * 2).requires_grad_(False),  # (guard)
}


@pytest.mark.parametrize("case", list(REQUIRES_GRAD))
def test_requires_grad_changes_as_torch(case):
    assert_same(REQUIRES_GRAD[case])


# --------------------------------------------------------------------------- grad modes as decorators
def _generator_states(m, decorator, outer):
    """A generator decorated with `decorator`, consumed inside `outer`: what its body and the caller see."""
    @decorator
    def states(x):
        for i in range(2):
            received = yield ((x * i).requires_grad, m.is_grad_enabled(), m.is_inference_mode_enabled())
            assert received is None
        return "done"

    x, seen = leaf(m), []
    with outer(m):
        for state in states(x):
            seen.append((state, m.is_grad_enabled()))
    return tuple(seen), m.is_grad_enabled()


DECORATORS = {
    "no_grad()": lambda m: m.no_grad(), "no_grad": lambda m: m.no_grad, "enable_grad()": lambda m: m.enable_grad(),
    "set_grad_enabled(False)": lambda m: m.set_grad_enabled(False), "inference_mode()": lambda m: m.inference_mode(),
    "inference_mode": lambda m: m.inference_mode, "inference_mode(False)": lambda m: m.inference_mode(False),
}
OUTER = {"in-grad-mode": lambda m: m.enable_grad(), "in-no_grad": lambda m: m.no_grad()}


@pytest.mark.parametrize("outer", list(OUTER))
@pytest.mark.parametrize("decorator", list(DECORATORS))
def test_grad_mode_decorates_generators_as_torch(decorator, outer):
    """The mode holds in the generator's body each time it resumes, and not in the loop that consumes it."""
    assert_same(lambda m: _generator_states(m, DECORATORS[decorator](m), OUTER[outer]))


def test_generator_close_and_throw_run_in_the_mode():
    def program(m):
        seen = []

        @m.no_grad()
        def body():
            try:
                yield 1
            except ValueError:
                seen.append(("throw", m.is_grad_enabled()))
                yield 2
            finally:
                seen.append(("close", m.is_grad_enabled()))
        gen = body()
        first = next(gen)
        second = gen.throw(ValueError("x"))
        gen.close()
        return first, second, tuple(seen), m.is_grad_enabled()
    assert_same(program)


def test_decorating_a_class_warns_as_torch():
    def program(m):
        @m.no_grad()
        class Model:
            def __init__(self):
                self.enabled = m.is_grad_enabled()
        return Model().enabled, m.is_grad_enabled()
    assert_same(program)


# --------------------------------------------------------------------------- inference tensors
def _made_in_inference_mode(m, make=lambda m: m.ones(2)):
    with m.inference_mode():
        return make(m)


def _inference_facts(m, make):
    """Which of the tensors `make` returns (made inside inference_mode) are inference tensors."""
    with m.inference_mode():
        made = make(m)
        inside = m.is_inference_mode_enabled(), m.is_grad_enabled()
    return tuple((t.is_inference(), m.is_inference(t), t.requires_grad) for t in made) + (inside,)


def _inference_mode_false_inside(m):
    with m.inference_mode():
        with m.inference_mode(False):
            t = m.ones(1)
            inside = m.is_inference_mode_enabled(), m.is_grad_enabled()
    return t.is_inference(), inside


INFERENCE = {
    "factories-and-ops": lambda m: _inference_facts(m, lambda m: (
        m.ones(2), m.tensor([1.0]), m.Tensor([1.0]), m.ones(2, requires_grad=True), leaf(m) * 2)),
    "views-of-inference-tensors": lambda m: (lambda t: _inference_facts(m, lambda m: (t[:1], t.detach(), t.data)))(
        _made_in_inference_mode(m)),
    "views-of-normal-tensors": lambda m: (lambda t: _inference_facts(m, lambda m: (t[:1], t.detach())))(m.ones(2)),
    "inference_mode(False)-inside": lambda m: _inference_mode_false_inside(m),
    "no_grad-makes-normal-tensors": lambda m: (lambda t: t.is_inference())(m.no_grad()(lambda: m.ones(2))()),
    "later-uses-out-of-place": lambda m: (lambda t: (t * 2 + 1, (t * 2).is_inference(), t.clone().is_inference()))(
        _made_in_inference_mode(m)),
    "later-version": lambda m: _made_in_inference_mode(m)._version,
    "later-requires_grad_": lambda m: _made_in_inference_mode(m).requires_grad_(),
    "later-requires_grad-set": lambda m: _set_requires_grad(_made_in_inference_mode(m), True),
    "later-requires_grad_-integers": lambda m: _made_in_inference_mode(m, lambda m: m.ones(2, dtype=m.int64))
    .requires_grad_(),
    "later-requires_grad_-false": lambda m: _made_in_inference_mode(m).requires_grad_(False).requires_grad,
    "later-parameter": lambda m: m.nn.Parameter(_made_in_inference_mode(m)),
    "parameter-inside": lambda m: _inference_facts(m, lambda m: (m.nn.Parameter(m.ones(2)),)),
    "later-add_": lambda m: _made_in_inference_mode(m).add_(1),
    "later-add_-under-no_grad": lambda m: m.no_grad()(lambda: _made_in_inference_mode(m).add_(1))(),
    "later-setitem": lambda m: _made_in_inference_mode(m).__setitem__(0, 3.0),
    "later-view-mul_": lambda m: _made_in_inference_mode(m)[:1].mul_(2),
    "inplace-inside": lambda m: _made_in_inference_mode(m, lambda m: m.ones(2).add_(1)),
    "saved-by-a-recorded-op": lambda m: (leaf(m, (1.0, 2.0)) * _made_in_inference_mode(m)).sum(),
    "saved-by-linear": lambda m: m.nn.Linear(2, 1)(_made_in_inference_mode(m, lambda m: m.ones(3, 2))),
    "not-saved-by-add": lambda m: (lambda w: ((w + _made_in_inference_mode(m)).exp().sum().backward(), w.grad))(
        leaf(m, (1.0, 2.0))),
    "a-clone-may-require-grad": lambda m: (lambda t: (t.requires_grad_(), (t * t).sum().backward(), t.grad))(
        _made_in_inference_mode(m).clone()),
    "enable_grad-inside": lambda m: _inference_facts(m, lambda m: m.enable_grad()(lambda: (
        leaf(m), leaf(m) * 2, m.ones(1)))()),
    "set_grad_enabled-inside": lambda m: _inference_facts(m, lambda m: (lambda s: (leaf(m) * 2,))(
        m.set_grad_enabled(True))),
    "evaluate-a-model": lambda m: (lambda lin: _inference_facts(m, lambda m: (lin(m.ones(3, 2)),)))(m.nn.Linear(2, 1)),
}


@pytest.mark.parametrize("case", list(INFERENCE))
def test_inference_tensors_as_torch(case):
    assert_same(INFERENCE[case])


def test_inference_mode_optimizer_step_updates_a_normal_parameter():
    def program(m):
        p = m.nn.Parameter(m.ones(2))
        optimizer = m.optim.SGD([p], lr=0.1)
        (p * p).sum().backward()
        with m.inference_mode():
            optimizer.step()
        return p.detach(), p.is_inference(), p._version
    assert_same(program)


# --------------------------------------------------------------------------- which nodes a pass runs
def _after_a_backward(m, make, ask):
    """t = make(x); a first backward frees t's graph; then `ask(t, x, seen)` (x's hook appends to seen)."""
    x, seen = leaf(m), []
    x.register_hook(lambda g: seen.append("x"))
    t = make(x)
    (t * t).sum().backward()
    seen.clear()
    return ask(t, x, seen), tuple(seen)


ONLY_NEEDED_NODES = {
    "grad-of-a-non-leaf-whose-graph-is-freed": lambda m: _after_a_backward(
        m, lambda x: x.exp(), lambda t, x, seen: m.autograd.grad((t * 3).sum(), t)),
    "grad-through-the-freed-graph": lambda m: _after_a_backward(
        m, lambda x: x.exp(), lambda t, x, seen: m.autograd.grad((t * 3).sum(), x)),
    "grad-runs-no-hook-below-its-inputs": lambda m: (lambda x, seen: (x.register_hook(lambda g: seen.append(1)), (
        lambda t: m.autograd.grad((t * t).sum(), t))(x.exp()), tuple(seen))[1:])(leaf(m), []),
    "grad-fills-no-retained-grad-below": lambda m: (lambda a: (a.retain_grad(), (lambda t: m.autograd.grad(
        (t * t).sum(), t))(a.exp()), a.grad)[1:])(leaf(m) * 2),
    "backward-inputs-runs-the-input's-node": lambda m: _after_a_backward(
        m, lambda x: x.exp(), lambda t, x, seen: (t * 3).sum().backward(inputs=[t])),
    "backward-inputs-no-hook-below": lambda m: (lambda x, seen: (x.register_hook(lambda g: seen.append(1)), (
        lambda t: ((t * t).sum().backward(inputs=[t]), t.grad))(x * 2), tuple(seen))[1:])(leaf(m), []),
}


@pytest.mark.parametrize("case", list(ONLY_NEEDED_NODES))
def test_grad_runs_only_the_nodes_it_needs_as_torch(case):
    """autograd.grad runs the rules on a path to its inputs only: the graph below may be freed, and the
    hooks and retained gradients there are not touched; backward(inputs=) runs its inputs' own nodes."""
    assert_same(ONLY_NEEDED_NODES[case])


# --------------------------------------------------------------------------- gradcheck
def _gradcheck(m, dtype="float64", **options):
    return m.autograd.gradcheck(lambda x: (x * x).sum(), (leaf(m, dtype=getattr(m, dtype)),), **options)


GRADCHECK = {
    "float32-warning": lambda m: _gradcheck(m, "float32", eps=1e-3, atol=1e-2, rtol=1e-2),
    "torch's-other-options": lambda m: _gradcheck(m, nondet_tol=0.0, check_undefined_grad=False,
                                                  check_grad_dtypes=True, fast_mode=True, masked=None),
    "fast_mode": lambda m: _gradcheck(m, fast_mode=True),
    "no-check-at-all": lambda m: _gradcheck(m, check_backward_ad=False),
    "batched-without-backward": lambda m: _gradcheck(m, check_backward_ad=False, check_batched_grad=True),
    "batched-forward-without-forward": lambda m: _gradcheck(m, check_batched_forward_grad=True),
}


@pytest.mark.parametrize("case", list(GRADCHECK))
def test_gradcheck_takes_torch_options(case):
    assert_same(GRADCHECK[case])


# --------------------------------------------------------------------------- .grad
GRAD_ATTRIBUTE = {
    "accumulating-is-an-in-place-write": lambda m: (lambda x: (
        (x * 2).sum().backward(), (lambda g: ((x * 2).sum().backward(), g._version, g is x.grad))(x.grad))[1][1:])(
        leaf(m)),
    "del": lambda m: (lambda x: ((x * 2).sum().backward(), x.__delattr__("grad"), x.grad)[2])(leaf(m)),
}


@pytest.mark.parametrize("case", list(GRAD_ATTRIBUTE))
def test_grad_attribute_as_torch(case):
    assert_same(GRAD_ATTRIBUTE[case])


def test_a_graph_that_saved_grad_sees_it_accumulate():
    """`.grad` grows in place on a second backward: a graph that saved the old gradient refuses to use it."""
    def program(m):
        w = leaf(m)
        (w * w).sum().backward()
        uses_grad = (w * w.grad).sum()
        (w * 3).sum().backward()
        uses_grad.backward()
    with pytest.raises(RuntimeError) as expected:
        program(torch)
    with pytest.raises(RuntimeError) as actual:
        program(mt)
    prefix = "one of the variables needed for gradient computation has been modified by an inplace operation: "
    assert str(expected.value).startswith(prefix) and str(actual.value).startswith(prefix)


@pytest.mark.parametrize("register", [
    lambda m, x: x.register_hook(lambda g: g),
    lambda m, x: x.register_post_accumulate_grad_hook(lambda p: None),
    lambda m, x: m.nn.Linear(1, 1).register_forward_hook(lambda *args: None),
], ids=["register_hook", "register_post_accumulate_grad_hook", "register_forward_hook"])
def test_hooks_return_the_removable_handle_of_utils_hooks(register):
    """`from torch.utils.hooks import RemovableHandle` names the type of every hook's handle."""
    def program(m):
        handle = register(m, leaf(m))
        return isinstance(handle, m.utils.hooks.RemovableHandle), type(handle).__name__
    assert_same(program)


# --------------------------------------------------------------------------- guards: what already matched torch
def _non_leaf(m):
    x = leaf(m)
    return x, x * 2


def _retain_grad_then_hook(m):
    """retain_grad() before a hook: the retained gradient is the hooked one, as in torch."""
    x, h = _non_leaf(m)
    h.retain_grad()
    h.register_hook(lambda g: g * 10)
    (h * h).sum().backward()
    return h.grad, x.grad


GUARDS = {
    "non-leaf-grad-warns": lambda m: _non_leaf(m)[1].grad,
    "non-leaf-grad-after-retain_grad": lambda m: (lambda x, h: (h.retain_grad(), (h * h).sum().backward(), h.grad,
                                                                h.retains_grad)[2:])(*_non_leaf(m)),
    "retain_grad-without-grad": lambda m: m.ones(2).retain_grad(),
    "hook-without-grad": lambda m: m.ones(2).register_hook(lambda g: g),
    "hook-order-with-retain_grad": lambda m: _retain_grad_then_hook(m),
    "requires_grad_-on-integers": lambda m: m.tensor([1, 2]).requires_grad_(),
    "detach-and-detach_": lambda m: (lambda x, h: (x.detach().is_leaf, h.detach().requires_grad,
                                                   h.detach_() is h, h.is_leaf, h.grad_fn))(*_non_leaf(m)),
    "detach_-of-a-view": lambda m: leaf(m)[:2].detach_(),
    "grad_fn-names": lambda m: (lambda x: tuple(t.grad_fn.name() for t in (x * 2, x + x, x.sum(), x[0], x.view(3))))(
        leaf(m)),
    "version-after-in-place": lambda m: (lambda x: (x.add_(1), x[0].mul_(2), x.zero_(), x._version)[-1])(m.ones(3)),
    "backward-twice": lambda m: (lambda x: ((lambda y: (y.backward(), y.backward()))((x * x).sum())))(leaf(m)),
    "backward-non-scalar": lambda m: (leaf(m) * 2).backward(),
    "backward-without-grad": lambda m: m.tensor(1.0).backward(),
    "backward-gradient-shape": lambda m: (leaf(m) * 2).backward(m.ones(2)),
    "grad-create_graph": lambda m: m.autograd.grad(*reversed(square_sum(m)), create_graph=False),
    "nested-modes": lambda m: (lambda seen: (m.no_grad()(lambda: (seen.append(m.is_grad_enabled()), m.enable_grad()(
        lambda: seen.append(m.is_grad_enabled()))()))(), tuple(seen), m.is_grad_enabled())[1:])([]),
}


@pytest.mark.parametrize("case", list(GUARDS))
def test_guards_as_torch(case):
    assert_same(GUARDS[case])


def _two_outputs(m):
    """A learner's Function with two outputs (x * 2, x * 3) of one leaf x."""
    class Two(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, grad_a, grad_b):
            return grad_a * 2 + grad_b * 3
    x = leaf(m)
    return (x, *Two.apply(x))


MULTI_OUTPUT_INPUTS = {
    "grad-of-the-first-output": lambda m: (lambda x, a, b: m.autograd.grad((a * b).sum(), a))(*_two_outputs(m)),
    "grad-of-both-outputs-and-x": lambda m: (lambda x, a, b: m.autograd.grad((a * b).sum(), [b, x, a]))(
        *_two_outputs(m)),
    "backward-inputs-the-second-output": lambda m: (lambda x, a, b: ((a * b).sum().backward(inputs=[b]), b.grad,
                                                                     a.retains_grad, x.grad)[1:])(*_two_outputs(m)),
}


@pytest.mark.parametrize("case", list(MULTI_OUTPUT_INPUTS))
def test_outputs_of_a_multi_output_function_as_inputs(case):
    assert_same(MULTI_OUTPUT_INPUTS[case])


def _enter_exit(m, manager):
    """The grad mode inside a manager, and its `prev` afterwards."""
    with manager:
        inside = m.is_grad_enabled()
    return inside, manager.prev


def _set_then_enter(m):
    """A set_grad_enabled(False) manager entered after the mode was set back to True."""
    manager = m.set_grad_enabled(False)
    m.set_grad_enabled(True)
    return _enter_exit(m, manager), m.is_grad_enabled()


GRAD_MODE_OBJECTS = {
    "inference_mode-mode": lambda m: (m.inference_mode().mode, m.inference_mode(False).mode,
                                      m.inference_mode(False).clone().mode),
    "prev": lambda m: (_enter_exit(m, m.no_grad()), _enter_exit(m, m.enable_grad()), m.is_grad_enabled()),
    "set_grad_enabled-prev-and-mode": lambda m: (lambda s: (s.prev, s.mode, m.set_grad_enabled(True).prev))(
        m.set_grad_enabled(False)),
    "set_grad_enabled-enter-sets-its-mode-again": _set_then_enter,
}


@pytest.mark.parametrize("case", list(GRAD_MODE_OBJECTS))
def test_grad_mode_objects_as_torch(case):
    """The managers' attributes as torch names them: `mode` (inference_mode's own), `prev`."""
    try:
        assert_same(GRAD_MODE_OBJECTS[case])
    finally:
        torch.set_grad_enabled(True)
        mt.set_grad_enabled(True)
