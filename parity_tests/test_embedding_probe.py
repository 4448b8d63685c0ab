"""Embedding and EmbeddingBag, differential probe: options beyond `test_embedding_bag.py`, run on both libraries.

What this proves:
- `max_norm` / `norm_type` (F.embedding, F.embedding_bag and both modules): before the lookup, every row
  the input reads (tokens after the last bag and padding tokens included) whose norm exceeds `max_norm`
  is rescaled in place, outside autograd, and the weight's version moves: outputs, weights, gradients and
  `_version` equal torch's; it runs before the lookup's checks (an id out of range raises torch's select()
  IndexError; -1 rescales the last row before the lookup refuses it);
- `scale_grad_by_freq` of `Embedding` divides each token's gradient by its id's count (padding excluded);
  with `sparse=True` the backward raises torch's error; EmbeddingBag's "max" mode refuses it with torch's
  ValueError;
- F.embedding checks that its arguments are tensors, then padding_idx, then a 2-D weight, then the ids'
  type, as torch; F.embedding_bag refuses a non-float table with torch's message and takes the pre-1.0
  argument order (weight, input) with torch's deprecation warning;
- `F.embedding_bag` checks indices and offsets once promoted to a common type (Byte, Char, Short or Bool
  ids pass with Long offsets; the others raise torch's message), refuses an empty `offsets` with
  `include_last_offset=True` and a padding_idx out of range with torch's RuntimeError;
- `from_pretrained` (both modules) shares the given tensor, freezes it unless `freeze=False` and passes
  every option on; `_weight=` is shared, its padding row left as given, a wrong shape refused;
- both constructors take torch's arguments in torch's order and hold them as attributes; the reprs list
  `max_norm`, `norm_type` and `scale_grad_by_freq` as torch's.
"""
from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch
from parity_tests.test_nn_modules import assert_close, same_error

TABLE = np.arange(15, dtype=np.float32).reshape(5, 3) / 7 - 1  # rows of norms from 0.25 to 2.1


def table(lib, dtype="float32", requires_grad=True):
    return lib.tensor(TABLE.astype(dtype), requires_grad=requires_grad)


# `program(lib)` on both: the same dtypes, shapes and warnings, values within float32's tolerance (of assert_close:
# the tables are float32)
run_both = partial(assert_matches_torch, warnings=True, tolerance=(1e-5, 1e-5))


def lookup_and_backward(fn):
    """A program: `fn(lib, weight)` then a weighted sum's backward; gives output, weight, grad, version."""
    def program(lib):
        weight = table(lib)
        before = weight._version
        out = fn(lib, weight)
        after = weight._version
        (out * lib.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
        return out.detach(), weight.detach(), weight.grad, after - before, out.grad_fn.name() if hasattr(
            out.grad_fn, "name") else type(out.grad_fn).__name__
    return program


# --------------------------------------------------------------------------- max_norm
@pytest.mark.parametrize("max_norm, norm_type", [(1.0, 2.0), (1.5, 2.0), (2.0, 1.0), (0.5, float("inf")),
                                                 (1.0, 0.5), (100.0, 2.0), (0.0, 2.0)])
def test_embedding_max_norm_renormalises_the_rows_read_in_place(max_norm, norm_type):
    run_both(lookup_and_backward(lambda lib, w: lib.nn.functional.embedding(
        lib.tensor([[1, 4], [1, 3]]), w, max_norm=max_norm, norm_type=norm_type)))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("options", [dict(max_norm=1.0), dict(max_norm=2.0, norm_type=1.0),
                                     dict(max_norm=1.0, padding_idx=4)])
def test_embedding_bag_max_norm_renormalises_every_token_row(mode, options):
    run_both(lookup_and_backward(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([1, 4, 1, 3]), w, lib.tensor([0, 1]), mode=mode, **options)))


@pytest.mark.parametrize("name", ["Embedding", "EmbeddingBag"])
def test_module_max_norm_changes_its_weight(name):
    def program(lib):
        layer = getattr(lib.nn, name).from_pretrained(table(lib, requires_grad=False), max_norm=1.0, norm_type=3.0,
                                                       freeze=False)
        out = layer(lib.tensor([[0, 4], [4, 2]]))
        out.sum().backward()
        return out.detach(), layer.weight.detach(), layer.weight.grad, layer.weight._version
    run_both(program)


def test_max_norm_renormalises_a_negative_id_before_the_lookup_refuses_it():
    """torch's renormalisation selects rows as Python indices: -1 rescales the last row, then the
    lookup raises IndexError."""
    def program(lib):
        weight = table(lib, requires_grad=False)
        with pytest.raises(IndexError, match="index out of range in self"):
            lib.nn.functional.embedding(lib.tensor([-1]), weight, max_norm=1.0)
        return (weight,)
    run_both(program)


def test_max_norm_counts_as_an_in_place_change_for_saved_tensors():
    def program(lib):
        weight = table(lib)
        y = (weight * weight).sum()  # saves weight
        lib.nn.functional.embedding(lib.tensor([4]), weight, max_norm=1.0)
        y.backward()
    with pytest.raises(RuntimeError) as expected:
        program(torch)
    with pytest.raises(RuntimeError) as got:
        program(mt)
    assert str(got.value).split(" Hint")[0] == str(expected.value).split(" Hint")[0].replace("torch", "minitorch_ref")


# --------------------------------------------------------------------------- scale_grad_by_freq
@pytest.mark.parametrize("padding_idx", [None, 1, 2])
def test_embedding_scale_grad_by_freq_divides_by_the_id_count(padding_idx):
    run_both(lookup_and_backward(lambda lib, w: lib.nn.functional.embedding(
        lib.tensor([[1, 2], [1, 1], [3, 2]]), w, padding_idx=padding_idx, scale_grad_by_freq=True)))


def test_sparse_scale_grad_by_freq_raises_in_backward():
    def program(lib):
        out = lib.nn.functional.embedding(lib.tensor([1, 1]), table(lib), scale_grad_by_freq=True, sparse=True)
        return lambda: out.sum().backward()
    same_error(program(mt), program(torch))


def test_embedding_bag_max_mode_refuses_scale_grad_by_freq():
    same_error(*[lambda lib=lib: lib.nn.functional.embedding_bag(lib.tensor([[1, 2]]), table(lib), mode="max",
                                                                 scale_grad_by_freq=True, sparse=True)
                 for lib in (mt, torch)])


# --------------------------------------------------------------------------- argument checks
@pytest.mark.parametrize("ids", ["uint8", "int8", "int16", "bool", "int32", "int64", "float32"])
@pytest.mark.parametrize("offsets", ["int64", "int32", "uint8", "float32"])
def test_embedding_bag_checks_indices_and_offsets_once_promoted(ids, offsets):
    def program(lib):
        return lambda: lib.nn.functional.embedding_bag(lib.tensor([1, 0, 1]).to(getattr(lib, ids)), table(lib),
                                                       lib.tensor([0, 1]).to(getattr(lib, offsets)), mode="sum")
    try:
        expected = program(torch)()
    except RuntimeError:
        same_error(program(mt), program(torch))
    else:
        assert_close(program(mt)(), expected)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), table(lib), lib.tensor([0]), padding_idx=5),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), table(lib), lib.tensor([0]), padding_idx=-6),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2]), table(lib), lib.tensor([], dtype=lib.int64),
                                                include_last_offset=True),
    lambda lib: lib.nn.EmbeddingBag.from_pretrained(lib.ones(3)),
    lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(1, 2, 3)),
    lambda lib: lib.nn.Embedding(4, 3, _weight=table(lib)),
    lambda lib: lib.nn.EmbeddingBag(5, 2, _weight=table(lib)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1, 7, 9]), table(lib), max_norm=1.0),
    lambda lib: lib.nn.functional.embedding(lib.tensor([-6]), table(lib), max_norm=1.0),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([9, -1]), table(lib), lib.tensor([0]), max_norm=1.0),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1, 2, 9]), table(lib), lib.tensor([0, 1, 2]),
                                                include_last_offset=True, max_norm=1.0),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1]), lib.ones(3)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.ones(3, 2, 2)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.ones(3), padding_idx=5),
    lambda lib: lib.nn.functional.embedding(lib.tensor([True]), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1]), lib.ones(3, 2, dtype=lib.int64), lib.tensor([1])),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([[1]]), lib.ones(3, 2, dtype=lib.bool), mode="max"),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1]), lib.ones(3, 2, dtype=lib.int32), lib.tensor([0]),
                                                mode="sum", per_sample_weights=lib.tensor([1])),
    lambda lib: lib.nn.functional.embedding_bag(lib.tensor([1]), lib.ones(3, 2), [0]),
    lambda lib: lib.nn.Embedding(3, 2)([1, 2]),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1]), [[1.0]]),
], ids=["bag-padding-too-big", "bag-padding-too-negative", "include-last-offset-no-offsets", "bag-pretrained-1d",
        "pretrained-3d", "weight-shape", "bag-weight-shape", "max-norm-id-too-big", "max-norm-id-too-negative",
        "bag-max-norm-ids-out-of-range", "bag-max-norm-id-after-the-last-bag", "weight-1d", "weight-3d-before-ids",
        "padding-before-weight", "bool-ids", "bag-long-weight-before-offsets", "bag-bool-weight",
        "bag-int-weight-before-per-sample-weights", "bag-offsets-list", "list-ids", "list-weight"])
def test_errors_match_torch(call):
    same_error(lambda: call(mt), lambda: call(torch))


def test_embedding_bag_takes_the_old_argument_order_with_torchs_warning():
    """`embedding_bag(weight, input)` (a Long table, float weights first): swapped back, with a warning."""
    def program(lib):
        with pytest.warns(UserWarning) as caught:
            out = lib.nn.functional.embedding_bag(table(lib), lib.tensor([[1, 2], [4, 4]]), mode="sum")
        out.sum().backward()
        return out.detach(), [str(w.message) for w in caught], out.grad_fn.name() if hasattr(
            out.grad_fn, "name") else type(out.grad_fn).__name__
    run_both(program)


# --------------------------------------------------------------------------- from_pretrained and _weight
@pytest.mark.parametrize("name", ["Embedding", "EmbeddingBag"])
@pytest.mark.parametrize("options", [{}, dict(freeze=False), dict(padding_idx=2, freeze=False),
                                     dict(padding_idx=-1), dict(sparse=True, freeze=False)])
def test_from_pretrained_shares_and_freezes_the_table(name, options):
    def program(lib):
        pretrained = table(lib, requires_grad=False)
        layer = getattr(lib.nn, name).from_pretrained(pretrained, **options)
        pretrained[0, 0] = 42.0  # the layer sees it: the same memory
        out = layer(lib.tensor([[0, 2], [3, 3]]))
        if out.requires_grad:
            out.sum().backward()
        grad = layer.weight.grad
        return (out.detach(), layer.weight.requires_grad, type(layer.weight).__name__, repr(layer),
                layer.padding_idx, grad is None, None if grad is None else grad.to_dense() if grad.is_sparse else grad)
    run_both(program)


@pytest.mark.parametrize("name", ["Embedding", "EmbeddingBag"])
def test_weight_argument_is_shared_and_its_padding_row_kept(name):
    def program(lib):
        given = table(lib, requires_grad=False)
        layer = getattr(lib.nn, name)(5, 3, _weight=given, padding_idx=1)
        given.mul_(2)
        return layer.weight.detach(), layer.weight.requires_grad
    run_both(program)


# --------------------------------------------------------------------------- constructors and repr
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Embedding(5, 3, 1, 2.0, 3.0, True, True),
    lambda lib: lib.nn.Embedding(5, 3, max_norm=2, norm_type=2),
    lambda lib: lib.nn.Embedding(5, 3, None, None, 1.0, False, True),
    lambda lib: lib.nn.EmbeddingBag(5, 3, 2.0, 1, True, "sum", True, None, True, 0),
    lambda lib: lib.nn.EmbeddingBag(5, 3, max_norm=0.5, padding_idx=-1),
    lambda lib: lib.nn.EmbeddingBag(5, 3),
], ids=["embedding-positional", "embedding-int-max-norm", "embedding-norm-type", "bag-positional", "bag-max-norm",
        "bag-default"])
def test_constructors_take_torchs_arguments_and_reprs_show_them(make):
    def program(lib):
        layer = make(lib)
        names = ["max_norm", "norm_type", "scale_grad_by_freq", "sparse", "padding_idx", "mode", "include_last_offset"]
        return (repr(layer),) + tuple(getattr(layer, n, None) for n in names)
    run_both(program)
