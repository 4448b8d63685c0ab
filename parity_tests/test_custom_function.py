"""A learner's custom autograd Function, written as torch's docs write it, on both libraries.

Each test runs the same program on torch and on minitorch_ref and compares what comes out:
values, gradients, grad_fn names and reprs (addresses removed), requires_grad, warnings, and
exception types and messages (`minitorch_ref` standing for `torch`). It covers torch's contract
for a Function defined outside the library (forward and backward on tensors; `ctx` with
`save_for_backward`, `saved_tensors`, `needs_input_grad`, `mark_dirty`,
`mark_non_differentiable`, `set_materialize_grads`; several outputs; `setup_context`;
torch's checks of the gradients backward returns), and the grad modes and anomaly detection
around it.
"""
from __future__ import annotations

import re
import sys

import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_same_outcome, outcome

LIBS = (torch, mt)


def _text(value) -> str:
    """A value as text, comparable across the libraries: no addresses, `torch` for the package name."""
    return re.sub(r"0x[0-9a-f]+", "0x..", repr(value)).replace("minitorch_ref", "torch")


def same(program) -> tuple[str, list]:
    """Run `program(lib)` on both libraries, its result read as text: the same text and warnings, or the same
    exception and message (its warnings not compared: torch's anomaly mode prints its traceback of the forward
    call). Gives "ok" or the exception's type name, and the warnings."""
    theirs, ours = (outcome(lambda m: _text(program(m)), lib, warnings=True) for lib in LIBS)
    if theirs[0][0] == "raised":
        theirs, ours = (theirs[0], None), (ours[0], None)
    assert_same_outcome(theirs, ours)
    result, caught = theirs
    return "ok" if result[0] == "ok" else result[1].__name__, caught


def my_exp(lib):
    """torch's docs example, unchanged."""
    class MyExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    return MyExp


def two_outputs(lib):
    class Two(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    return Two


# ---------------------------------------------------------------------- forward and backward on tensors
def test_the_docs_example_runs_unchanged():
    def program(lib):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        y = my_exp(lib).apply(x)
        y.sum().backward()
        return y, x.grad, y.grad_fn, y.grad_fn.name()

    assert same(program)[0] == "ok"


def test_forward_and_backward_receive_tensors_with_grad_mode_off():
    def program(lib):
        seen = []

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                seen.append((type(x).__name__, x.requires_grad, lib.is_grad_enabled(), type(k).__name__))
                ctx.save_for_backward(x, None)
                return x * k

            @staticmethod
            def backward(ctx, grad):
                x, nothing = ctx.saved_tensors
                seen.append((type(grad).__name__, type(x).__name__, x.requires_grad, nothing, lib.is_grad_enabled()))
                return grad * 2, None

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = F.apply(x, 2)
        y.sum().backward()
        return seen, x.grad

    assert same(program)[0] == "ok"


def test_saved_tensors_are_the_inputs_and_are_freed_by_backward():
    def saved_input(lib):
        x = lib.ones(2, requires_grad=True)
        y = two_outputs(lib).apply(x)[0]
        return y.grad_fn.saved_tensors[0] is x, y.grad_fn.saved_tensors

    def after_backward(lib):
        y = my_exp(lib).apply(lib.ones(2, requires_grad=True))
        y.sum().backward()
        return y.grad_fn.saved_tensors

    def retained(lib):
        y = my_exp(lib).apply(lib.ones(2, requires_grad=True))
        y.sum().backward(retain_graph=True)
        return y.grad_fn.saved_tensors, y.grad_fn.saved_tensors[0].grad_fn

    assert same(saved_input)[0] == same(retained)[0] == "ok"
    assert same(after_backward)[0] == "RuntimeError"


def test_save_for_backward_refuses_what_is_not_a_tensor():
    def program(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, (2, 3))
                return x * 1

        Bad.apply(lib.ones(2, requires_grad=True))

    assert same(program)[0] == "TypeError"


@pytest.mark.parametrize("change", ["output", "input"])
def test_a_saved_tensor_changed_in_place_is_caught(change):
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        h = x * 1
        y = my_exp(lib).apply(h) if change == "output" else two_outputs(lib).apply(h)[0]
        (y if change == "output" else h).add_(1)
        try:
            y.sum().backward()
        except RuntimeError as error:  # (the hints at the end differ)
            return str(error).split(" Hint:")[0]

    assert same(program)[0] == "ok"


def test_needs_input_grad_follows_requires_grad_even_under_no_grad():
    def program(lib):
        seen = []

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, k):
                seen.append(ctx.needs_input_grad)
                return x * y * k

            @staticmethod
            def backward(ctx, grad):
                seen.append(ctx.needs_input_grad)
                return grad, grad, None

        x = lib.ones(2, requires_grad=True)
        F.apply(x, lib.ones(2), 3).sum().backward()
        with lib.no_grad():
            out = F.apply(x, lib.ones(2), 3)
        return seen, out.requires_grad, out.grad_fn

    assert same(program)[0] == "ok"


# ---------------------------------------------------------------------- outputs
def test_mark_non_differentiable_indices():
    def program(lib):
        class Sort(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, indices = x.sort()
                ctx.mark_non_differentiable(indices)
                ctx.save_for_backward(indices)
                return values, indices

            @staticmethod
            def backward(ctx, grad_values, grad_indices):
                (indices,) = ctx.saved_tensors
                assert not grad_indices.any()  # (zeros: an output marked non-differentiable gets none)
                return grad_values[indices.argsort()]

        x = lib.tensor([3.0, 1.0, 2.0], requires_grad=True)
        values, indices = Sort.apply(x)
        (values * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        return values, indices, indices.requires_grad, x.grad

    assert same(program)[0] == "ok"


def test_mark_non_differentiable_single_output():
    def program(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                ctx.mark_non_differentiable(y)
                return y

        y = F.apply(lib.ones(2, requires_grad=True))
        return y, y.requires_grad, y.grad_fn

    assert same(program)[0] == "ok"


def _double_in_place(lib):
    class DoubleInPlace(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    return DoubleInPlace


def test_mark_dirty_returns_the_input_changed_in_place():
    def program(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        x = a.clone()
        y = _double_in_place(lib).apply(x)
        y.sum().backward()
        return y, y is x, x.grad_fn.name(), a.grad, x._version

    assert same(program)[0] == "ok"


def test_mark_dirty_on_a_leaf_that_requires_grad_is_refused():
    assert same(lambda lib: _double_in_place(lib).apply(lib.ones(2, requires_grad=True)))[0] == "RuntimeError"


def test_an_input_returned_unchanged_is_a_new_tensor_in_the_graph():
    def program(lib):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        x = lib.ones(2, requires_grad=True)
        y = Identity.apply(x)
        y.sum().backward()
        return y is x, y, x.grad

    assert same(program)[0] == "ok"


def test_several_outputs_each_get_a_gradient():
    def program(lib):
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        a, b = two_outputs(lib).apply(x)
        (a * b).sum().backward()
        first = x.grad.clone()
        a, b = two_outputs(lib).apply(x)
        only_b = lib.autograd.grad(b.sum(), x)
        return a, b, b.grad_fn.name(), first, only_b

    assert same(program)[0] == "ok"


@pytest.mark.parametrize("materialize", [True, False])
def test_an_unused_output_gets_zeros_or_none(materialize):
    def program(lib):
        seen = []

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(materialize)
                return x.clone(), x.clone()

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append((g1, g2))
                return g1 if g2 is None else g1 + g2

        x = lib.ones(2, requires_grad=True)
        F.apply(x)[0].sum().backward()
        return seen, x.grad

    assert same(program)[0] == "ok"


def test_outputs_that_are_not_tensors_pass_through():
    def program(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 5, "label"

            @staticmethod
            def backward(ctx, grad, grad_number, grad_label):
                return grad * 2 if grad_number is None and grad_label is None else None

        x = lib.ones(2, requires_grad=True)
        y, number, label = F.apply(x)
        y.sum().backward()
        return y, number, label, x.grad

    assert same(program)[0] == "ok"


def test_hooks_on_the_outputs_run_in_output_order():
    def program(lib):
        seen = []
        x = lib.tensor([0.5, 1.0], requires_grad=True)
        a, b = two_outputs(lib).apply(x)
        a.register_hook(lambda g: seen.append(("a", g)) or g * 10)
        b.register_hook(lambda g: seen.append(("b", g)))
        b.retain_grad()
        (a + b * 2).sum().backward()
        return seen, x.grad, b.grad

    assert same(program)[0] == "ok"


# ---------------------------------------------------------------------- calling it
def test_keyword_arguments_to_apply():
    def program(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k=2.0):
                ctx.k = k
                return x * k

            @staticmethod
            def backward(ctx, grad):
                return grad * ctx.k, None

        x = lib.ones(2, requires_grad=True)
        y = Scale.apply(x, k=3.0)
        y.sum().backward()
        return y, x.grad, Scale.apply(x=x)

    assert same(program)[0] == "ok"


def test_setup_context_style_and_once_differentiable():
    def program(lib):
        once_differentiable = sys.modules[lib.__name__ + ".autograd.function"].once_differentiable

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(x, k):
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, k = inputs
                ctx.k = k
                ctx.save_for_backward(x, output)

            @staticmethod
            @once_differentiable
            def backward(ctx, grad):
                x, out = ctx.saved_tensors
                return grad * ctx.k, None

        x = lib.ones(2, requires_grad=True)
        y = Scale.apply(x, 3.0)
        y.sum().backward()
        return y, x.grad

    assert same(program)[0] == "ok"


def test_legacy_use_instantiating_and_calling_the_function():
    assert same(lambda lib: type(my_exp(lib)()).__name__)[1][0][0] is DeprecationWarning
    assert same(lambda lib: my_exp(lib)()(lib.ones(2)))[0] == "RuntimeError"


def test_a_missing_forward_or_backward():
    def no_backward(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        F.apply(lib.ones(2, requires_grad=True)).sum().backward()

    def no_forward(lib):
        class F(lib.autograd.Function):
            pass

        F.apply(lib.ones(2, requires_grad=True))

    assert same(no_backward)[0] == same(no_forward)[0] == "NotImplementedError"


# ---------------------------------------------------------------------- what backward returns
@pytest.mark.parametrize("gradients", [
    lambda lib, grad: (grad, grad),  # a gradient for the number k
    lambda lib, grad: (grad, None, grad),  # one too many
    lambda lib, grad: (grad, None, None),  # extra Nones: ignored
    lambda lib, grad: (lib.ones(4), None),  # no broadcast of [3]
    lambda lib, grad: (lib.ones(1), None),  # [3] does not broadcast to it
    lambda lib, grad: (lib.ones(2, 3), None),  # a broadcast of [3]: summed back
    lambda lib, grad: (grad.double(), None),  # cast to the input's dtype
    lambda lib, grad: (2.0, None),
    lambda lib, grad: ([1.0, 1.0, 1.0], None),
], ids=["grad-for-number", "too-many", "extra-nones", "shape", "shape-1", "broadcast", "dtype", "float", "list"])
def test_gradients_returned_by_backward_are_checked_as_torch_checks_them(gradients):
    def program(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                return x * k

            @staticmethod
            def backward(ctx, grad):
                return gradients(lib, grad)

        x = lib.ones(3, requires_grad=True)
        F.apply(x, 2).sum().backward()
        return x.grad

    same(program)


# ---------------------------------------------------------------------- modes
def test_inference_mode_is_seen_by_is_inference_mode_enabled():
    def program(lib):
        seen = [lib.is_inference_mode_enabled()]
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            y = my_exp(lib).apply(x)
            seen += [lib.is_inference_mode_enabled(), lib.is_grad_enabled()]
            with lib.inference_mode(False):
                seen.append(lib.is_inference_mode_enabled())
        with lib.no_grad():
            seen.append(lib.is_inference_mode_enabled())
        return seen, lib.is_inference_mode_enabled(), y.requires_grad

    assert same(program)[0] == "ok"


def _nan_backward(lib):
    class NanGrad(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * float("nan")

    return NanGrad


@pytest.mark.parametrize("where", ["custom", "builtin"])
def test_detect_anomaly_names_the_node_that_returned_nan(where):
    def program(lib):
        x = lib.ones(2, requires_grad=True)
        with lib.autograd.detect_anomaly():
            assert lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
            y = _nan_backward(lib).apply(x) if where == "custom" else (x.sqrt() * 0 - 1).sqrt()
            y.sum().backward()

    assert same(program)[0] == "RuntimeError"
    for lib in LIBS:  # the same program without it: nan gradients, no error
        x = lib.ones(2, requires_grad=True)
        _nan_backward(lib).apply(x).sum().backward()
        assert x.grad.isnan().all() and not lib.is_anomaly_enabled()


def test_detect_anomaly_warns_and_set_detect_anomaly_switches():
    def program(lib):
        with lib.autograd.detect_anomaly(check_nan=False):
            inside = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
        lib.autograd.set_detect_anomaly(True)
        switched = lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(False):
            off = lib.is_anomaly_enabled()
        back = lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        return inside, switched, off, back, lib.is_anomaly_enabled()

    assert same(program)[0] == "ok"
