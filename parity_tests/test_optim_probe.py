"""Optimizers, second differential probe: the edges that random programs found, each run on both libraries.

What this proves, beyond `test_optim.py` (trajectories, state_dict round trips):
- `param_groups`, `defaults` and `repr(optimizer)` hold every option torch puts there, including its
  implementation flags (`foreach`, `fused`, `capturable`, `differentiable`), with torch's layout;
- the constructors accept and check those flags, Adam's betas and one-element tensor learning rates as
  torch does (same exception types and messages), and RMSprop takes its options positionally as torch;
- steps that torch refuses on the CPU (`capturable`, `differentiable` leaves, fused SGD with a sparse
  gradient) raise the same errors, and the others (`foreach`, `fused`, tensor `lr`) take torch's steps;
- a step that produces NaN or inf is silent (no NumPy warning), as torch's is;
- `load_state_dict` keeps the optimizer's parameter names when the checkpoint has none, and takes over
  the checkpoint's tensors (the optimizer updates them in place) as torch does.
"""
from __future__ import annotations


import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import with_warnings
from parity_tests.test_nn_modules import same_error

BACKENDS = (torch, mt)


def parameters(backend, dtype="float32", seed=0):
    """Two parameters (a 3x2 matrix and a vector of 4) with the same random values in both libraries."""
    rng = np.random.default_rng(seed)
    return [backend.nn.Parameter(backend.tensor(rng.standard_normal(shape).astype(dtype))) for shape in [(3, 2), (4,)]]


def train(backend, optimizer, params, steps=4, seed=1):
    """`steps` steps with the same random gradients; returns the parameters as arrays."""
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        for p in params:
            p.grad = backend.tensor(rng.standard_normal(tuple(p.shape)).astype(p.detach().numpy().dtype))
        optimizer.step()
    return [p.detach().numpy().copy() for p in params]


def assert_same_arrays(got, expected):
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-6 if g.dtype == np.float32 else 1e-12, atol=1e-7)


# --------------------------------------------------------------------------- options of the groups
@pytest.mark.parametrize("name, options", [
    ("SGD", {}),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, foreach=True)),
    ("SGD", dict(fused=True, differentiable=False)),
    ("Adam", {}),
    ("Adam", dict(betas=[0.8, 0.9], capturable=True, fused=False)),
    ("AdamW", dict(foreach=False, differentiable=True)),
    ("RMSprop", {}),
    ("RMSprop", dict(capturable=True, foreach=True, differentiable=True)),
])
def test_groups_defaults_and_repr_hold_every_option_of_torch(name, options):
    """Each group lists torch's options in torch's order (flags included; betas a tuple even from a list);
    the repr shows them sorted, with a blank line between groups."""
    def build(backend):
        a, b = parameters(backend)
        optimizer = getattr(backend.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}], **options)
        groups = [[(k, v) for k, v in group.items() if k != "params"] for group in optimizer.param_groups]
        return groups, list(optimizer.defaults.items()), repr(optimizer)

    expected, got = build(torch), build(mt)
    assert got == expected
    assert all(type(v) is type(e) for (_, v), (_, e) in zip(got[0][0], expected[0][0]))


@pytest.mark.parametrize("make", [
    lambda t, p: t.optim.SGD(p, fused=True, foreach=True),
    lambda t, p: t.optim.SGD(p, fused=True, differentiable=True),
    lambda t, p: t.optim.Adam(p, fused=True, foreach=True),
    lambda t, p: t.optim.AdamW(p, fused=True, differentiable=True),
    lambda t, p: t.optim.Adam(p, betas=(0, 0.9)),  # an int beta: "both floats or both Tensors"
    lambda t, p: t.optim.AdamW(p, betas=(0.9,)),
    lambda t, p: t.optim.SGD(p, lr=t.tensor([0.1, 0.2])),
    lambda t, p: t.optim.RMSprop(p, lr=t.tensor([0.1, 0.2])),
    lambda t, p: t.optim.Adam(p, lr=t.tensor(0.1), foreach=True),
    lambda t, p: t.optim.AdamW(p, betas=(t.tensor(0.8), t.tensor(0.9)), foreach=True),
], ids=["sgd_fused_foreach", "sgd_fused_differentiable", "adam_fused_foreach", "adamw_fused_differentiable",
        "adam_int_beta", "adamw_one_beta", "sgd_two_element_lr", "rmsprop_two_element_lr", "adam_tensor_lr_foreach",
        "adamw_tensor_betas_foreach"])
def test_constructor_errors_match_torch(make):
    same_error(lambda: make(mt, parameters(mt)), lambda: make(torch, parameters(torch)))


def test_rmsprop_takes_its_options_positionally_as_torch():
    """torch's RMSprop has no keyword-only options: the 10th positional argument is `maximize`."""
    def run(backend):
        params = parameters(backend, "float64")
        optimizer = backend.optim.RMSprop(params, 0.01, 0.9, 1e-8, 0.1, 0.5, True, False, None, True)
        return train(backend, optimizer, params), optimizer.param_groups[0]["maximize"]

    (expected, expected_maximize), (got, got_maximize) = run(torch), run(mt)
    assert got_maximize is expected_maximize is True
    assert_same_arrays(got, expected)


# --------------------------------------------------------------------------- steps under the flags
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, options", [
    ("SGD", dict(lr=0.1, momentum=0.9, foreach=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, fused=True)),
    ("Adam", dict(lr=0.05, amsgrad=True, fused=True)),
    ("AdamW", dict(lr=0.05, foreach=True)),
    ("RMSprop", dict(lr=0.01, centered=True, foreach=True)),
    ("SGD", dict(lr="tensor", momentum=0.5)),
    ("Adam", dict(lr="tensor", weight_decay=0.1)),
    ("RMSprop", dict(lr="tensor", momentum=0.5)),
])
def test_foreach_fused_and_tensor_lr_steps_match_torch(name, options, dtype):
    def run(backend):
        kwargs = dict(options, lr=backend.tensor(0.05)) if options["lr"] == "tensor" else options
        params = parameters(backend, dtype)
        optimizer = getattr(backend.optim, name)(params, **kwargs)
        return train(backend, optimizer, params), type(optimizer.param_groups[0]["lr"]).__name__

    (expected, expected_lr_type), (got, got_lr_type) = run(torch), run(mt)
    assert got_lr_type == expected_lr_type  # a tensor lr stays a tensor in the group
    assert_same_arrays(got, expected)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_tensor_betas_are_read_as_numbers(name):
    """Two one-element tensors are valid betas (kept as 0-d tensors in the group). torch computes the bias
    corrections in the betas' float32, this implementation in float64: equal to float32 precision."""
    def run(backend):
        params = parameters(backend, "float64")
        optimizer = getattr(backend.optim, name)(params, lr=0.05, betas=(backend.tensor([0.8]), backend.tensor(0.9)))
        betas = optimizer.param_groups[0]["betas"]
        return train(backend, optimizer, params), [(type(b).__name__, b.ndim, b.item()) for b in betas]

    (expected, expected_betas), (got, got_betas) = run(torch), run(mt)
    assert got_betas == expected_betas
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda t, p: t.optim.Adam(p, capturable=True),
    lambda t, p: t.optim.AdamW(p, capturable=True, foreach=True),
    lambda t, p: t.optim.RMSprop(p, capturable=True),
    lambda t, p: t.optim.SGD(p, differentiable=True),
    lambda t, p: t.optim.Adam(p, differentiable=True),
    lambda t, p: t.optim.RMSprop(p, differentiable=True),
], ids=["adam_capturable", "adamw_capturable_foreach", "rmsprop_capturable", "sgd_differentiable",
        "adam_differentiable", "rmsprop_differentiable"])
def test_steps_that_torch_refuses_on_the_cpu_raise_the_same_error(make):
    """`capturable` needs an accelerator; a `differentiable` step writes in place into a leaf that requires grad."""
    def step(backend):
        params = parameters(backend)
        optimizer = make(backend, params)
        optimizer.step()  # no gradient yet: nothing to refuse
        train(backend, optimizer, params, steps=1)

    same_error(lambda: step(mt), lambda: step(torch))


def test_differentiable_optimizer_accepts_a_non_leaf_tensor_as_torch():
    for backend in BACKENDS:
        x = backend.ones(3, requires_grad=True) * 2
        optimizer = backend.optim.SGD([x], lr=0.1, differentiable=True)
        assert optimizer.param_groups[0]["params"][0] is x


def test_fused_sgd_refuses_a_sparse_gradient_as_torch():
    def step(backend):
        bag = backend.nn.EmbeddingBag(10, 3, mode="sum", sparse=True)
        optimizer = backend.optim.SGD(bag.parameters(), lr=0.1, fused=True)
        bag(backend.tensor([[1, 2], [2, 5]])).sum().backward()
        before = bag.weight.detach().numpy().copy()
        try:
            optimizer.step()
        finally:
            np.testing.assert_array_equal(bag.weight.detach().numpy(), before)

    same_error(lambda: step(mt), lambda: step(torch))


@pytest.mark.parametrize("name, options, grad", [
    ("Adam", dict(lr=0.1), [float("nan"), float("inf"), 1.0]),
    ("Adam", dict(lr=0.1, eps=0.0), [0.0, 0.0, 1.0]),
    ("RMSprop", dict(lr=0.1, eps=0.0), [0.0, 0.0, 1.0]),
    ("SGD", dict(lr=float("inf")), [0.0, 1.0, -1.0]),
])
def test_a_step_to_nan_or_inf_is_silent_as_in_torch(name, options, grad):
    def run(backend):
        p = backend.nn.Parameter(backend.ones(3))
        optimizer = getattr(backend.optim, name)([p], **options)
        p.grad = backend.tensor(grad)
        _, caught = with_warnings(lambda _: optimizer.step(), backend)
        return p.detach().numpy(), caught

    (expected, expected_warnings), (got, got_warnings) = run(torch), run(mt)
    assert got_warnings == expected_warnings == []
    np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------------------- load_state_dict
def test_load_state_dict_without_names_keeps_the_optimizer_names():
    def load(backend):
        saved = backend.optim.SGD([("w", backend.nn.Parameter(backend.ones(2)))], lr=0.1).state_dict()
        del saved["param_groups"][0]["param_names"]
        optimizer = backend.optim.SGD([("v", backend.nn.Parameter(backend.ones(2)))], lr=0.2)
        optimizer.load_state_dict(saved)
        return optimizer.param_groups[0].get("param_names"), optimizer.state_dict()["param_groups"][0]["param_names"]

    assert load(mt) == load(torch)


@pytest.mark.parametrize("name, options", [
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("Adam", dict(lr=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.1, centered=True, momentum=0.5)),
])
def test_load_state_dict_takes_over_the_saved_tensors_as_torch(name, options):
    """torch does not copy the state it loads (it only casts a dtype that differs): the next steps
    update the tensors of the loaded dict; a dict of another dtype is left alone."""
    def run(backend, dtype):
        p = backend.nn.Parameter(backend.ones(3))
        optimizer = getattr(backend.optim, name)([p], **options)
        p.grad = backend.full((3,), 0.5)
        optimizer.step()
        saved = optimizer.state_dict()
        saved = {"param_groups": saved["param_groups"],
                 "state": {i: {k: v.to(getattr(backend, dtype)) if k != "step" else v.clone() for k, v in s.items()}
                           for i, s in saved["state"].items()}}
        optimizer.load_state_dict(saved)
        p.grad = backend.full((3,), 0.25)
        optimizer.step()
        return {k: (v.dtype == getattr(backend, dtype), v.numpy().copy()) for k, v in saved["state"][0].items()}

    for dtype in ("float32", "float64"):
        expected, got = run(torch, dtype), run(mt, dtype)
        assert got.keys() == expected.keys()
        for key in expected:
            assert got[key][0] == expected[key][0]
            np.testing.assert_allclose(got[key][1], expected[key][1], rtol=1e-6)


def test_the_base_class_step_raises_as_torch_without_calling_the_closure():
    def step(backend):
        calls = []
        optimizer = backend.optim.Optimizer([backend.nn.Parameter(backend.ones(2))], dict(lr=0.1))
        try:
            optimizer.step(lambda: calls.append(1))
        finally:
            assert calls == []

    same_error(lambda: step(mt), lambda: step(torch))


def test_zero_grad_to_zeros_takes_the_gradient_out_of_autograd_and_counts_a_new_version():
    """`zero_grad(set_to_none=False)` is `grad.requires_grad_(False)` (or `detach_()`) then `grad.zero_()`."""
    def zero(backend):
        p = backend.nn.Parameter(backend.ones(3))
        optimizer = backend.optim.SGD([p], lr=0.1)
        leaf, source = backend.ones(3, requires_grad=True), backend.ones(3, requires_grad=True)
        results = []
        for grad in (leaf, source * 2, backend.ones(3)):
            p.grad = grad
            version = grad._version
            optimizer.zero_grad(set_to_none=False)
            results.append((p.grad is grad, grad.requires_grad, grad.grad_fn is None, grad._version - version,
                            grad.tolist()))
        return results

    assert zero(mt) == zero(torch)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop"])
def test_a_checkpoint_without_the_flags_gets_torch_defaults_for_them(name):
    """Checkpoints of an older torch lack `foreach`, `fused`... : loading fills in torch's values (SGD's `fused`
    becomes False, Adam's None)."""
    def load(backend):
        p = backend.nn.Parameter(backend.ones(2))
        optimizer = getattr(backend.optim, name)([p], lr=0.1)
        saved = optimizer.state_dict()
        for key in ("foreach", "fused", "capturable", "differentiable"):
            saved["param_groups"][0].pop(key, None)
        optimizer.load_state_dict(saved)
        return sorted((k, v) for k, v in optimizer.param_groups[0].items() if k != "params")

    assert load(mt) == load(torch)
