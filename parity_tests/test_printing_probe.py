"""Parity: what a learner prints beyond a dense tensor's digits reads as torch's.

Each check builds the same objects with torch and with minitorch_ref (one function,
given the library) and compares their ``repr`` text, with "torch." read as
"minitorch_ref.". It covers the sparse gradient of ``Embedding(sparse=True)`` and
``EmbeddingBag(sparse=True)`` (layout of ``indices=``/``values=``, its suffixes, its
``dtype=``, print options, empty gradients) and its ``layout``/``shape`` attributes,
``set_grad_enabled``'s repr, the repr of a custom Function's ``grad_fn`` (its address
aside), and ``repr(optimizer)`` (every option torch keeps in a
group, a blank line between groups). Print options are reset around every test.
"""
from __future__ import annotations

import re

import pytest
import torch

import minitorch_ref

LIBS = (torch, minitorch_ref)


@pytest.fixture(autouse=True)
def _default_printoptions():
    yield
    for lib in LIBS:
        lib.set_printoptions(profile="default")


def assert_same_text(build) -> None:
    """``build(lib)`` returns text; torch's, with its package renamed, must equal ours."""
    expected = build(torch).replace("torch.", "minitorch_ref.")
    assert build(minitorch_ref) == expected


# ---------------------------------------------------------------- sparse gradients
def embedding_grad(lib, indices, *, dtype=None, padding_idx=None):
    """The sparse gradient of an Embedding(6, 3) after a weighted sum of its lookups."""
    lib.manual_seed(0)
    emb = lib.nn.Embedding(6, 3, padding_idx=padding_idx, sparse=True)
    weights = lib.tensor([0.5, -2.0, 1.25])
    if dtype is not None:
        emb, weights = emb.to(dtype(lib)), weights.to(dtype(lib))
    (emb(lib.tensor(indices)) * weights).sum().backward()
    return emb.weight.grad


SPARSE_CASES = {
    "1d": dict(indices=[1, 4, 1]),
    "2d-input": dict(indices=[[1, 4], [1, 0]]),
    "padding-row-dropped": dict(indices=[1, 4, 1, 0], padding_idx=1),
    "only-padding-empty": dict(indices=[1, 1], padding_idx=1),
    "float64-dtype-suffix": dict(indices=[1, 4, 1], dtype=lambda lib: lib.float64),
    "float16-dtype-suffix": dict(indices=[2, 3], dtype=lambda lib: lib.float16),
}


@pytest.mark.parametrize("case", SPARSE_CASES, ids=list(SPARSE_CASES))
def test_embedding_sparse_grad_repr(case):
    assert_same_text(lambda lib: repr(embedding_grad(lib, **SPARSE_CASES[case])))


@pytest.mark.parametrize("options", [
    {"linewidth": 30}, {"linewidth": 50}, {"precision": 2}, {"threshold": 10}, {"edgeitems": 0},
], ids=str)
def test_embedding_sparse_grad_repr_follows_printoptions(options):
    def build(lib):
        grad = embedding_grad(lib, [0, 1, 2, 3, 4, 5, 1, 4])
        lib.set_printoptions(**options)
        return repr(grad)
    assert_same_text(build)


def test_sparse_grad_repr_after_coalesce_and_zero_grad():
    def build(lib):
        grad = embedding_grad(lib, [1, 4, 1])
        coalesced = repr(grad.coalesce())
        emb = lib.nn.Embedding(4, 2, sparse=True)
        emb(lib.tensor([3])).sum().backward()
        emb.zero_grad(set_to_none=False)  # an empty sparse gradient: nnz=0
        return coalesced + "\n" + repr(emb.weight.grad) + "\n" + str(grad)
    assert_same_text(build)


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_sparse_grad_repr(mode):
    """Distinct, sorted token ids: the gradient reads the same coalesced or not."""
    def build(lib):
        lib.manual_seed(0)
        bag = lib.nn.EmbeddingBag(6, 2, mode=mode, sparse=True)
        bag(lib.tensor([0, 2, 3, 5]), lib.tensor([0, 3])).sum().backward()
        return repr(bag.weight.grad) + "\n" + repr(bag.weight.grad.coalesce())
    assert_same_text(build)


def test_sparse_grad_layout_and_shape_print_as_torch():
    def build(lib):
        grad = embedding_grad(lib, [1, 4])
        return repr((grad.layout, grad.shape, grad.size(), lib.strided, lib.sparse_coo))
    assert_same_text(build)


# ---------------------------------------------------------------- autograd
def test_custom_function_grad_fn_repr():
    """torch's node of a custom Function is a class of torch.autograd.function."""
    def build(lib):
        class MyReLU(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * (x > 0)

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * (x > 0)

        y = MyReLU.apply(lib.tensor([1.0, -1.0], requires_grad=True))
        return re.sub(r"0x[0-9a-f]+", "0x...", f"{y!r} {y.grad_fn!r} {y.grad_fn}")
    assert_same_text(build)



def test_set_grad_enabled_repr():
    def build(lib):
        off = lib.set_grad_enabled(False)
        on = lib.set_grad_enabled(True)
        return f"{off!r} {on}"
    assert_same_text(build)


# ---------------------------------------------------------------- optimizers
OPTIMIZERS = {
    "SGD": lambda lib, params: lib.optim.SGD(params, lr=0.1),
    "SGD-momentum": lambda lib, params: lib.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True,
                                                      weight_decay=1e-4),
    "Adam": lambda lib, params: lib.optim.Adam(params, lr=1e-3),
    "AdamW": lambda lib, params: lib.optim.AdamW(params),
    "RMSprop": lambda lib, params: lib.optim.RMSprop(params),
}


@pytest.mark.parametrize("name", OPTIMIZERS, ids=list(OPTIMIZERS))
def test_optimizer_repr(name):
    assert_same_text(lambda lib: repr(OPTIMIZERS[name](lib, lib.nn.Linear(2, 1).parameters())))


def test_optimizer_repr_with_two_groups_and_a_scheduler():
    def build(lib):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Linear(2, 1))
        opt = lib.optim.SGD([{"params": model[0].parameters()},
                             {"params": model[1].parameters(), "lr": 0.5}], lr=0.1, momentum=0.9)
        lib.optim.lr_scheduler.StepLR(opt, step_size=2)  # adds initial_lr to each group
        return repr(opt)
    assert_same_text(build)
