"""Parity: minitorch_ref.nn.EmbeddingBag against torch.nn.EmbeddingBag.

Bags are drawn by hypothesis (empty bags, repeated tokens, padding tokens included) and
run through both layers with the same weights: outputs, the weight gradient (dense, or
sparse compared through torch's `to_dense()` and its indices/values) and the gradient of
`per_sample_weights` must agree. Bad offsets and indices raise torch's errors.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from minitorch_ref._sparse import RowSparseGrad
from parity_tests.test_nn_modules import MT_MODELS, TORCH_MODELS, assert_close, build, same_error

DTYPES = [np.float32, np.float64]


@st.composite
def bags(draw) -> dict:
    """Token ids for a few bags (some empty), their offsets, and layer options."""
    num_embeddings = draw(st.integers(1, 8))
    lengths = draw(st.lists(st.integers(0, 5), min_size=0, max_size=5))
    ids = draw(st.lists(st.integers(0, num_embeddings - 1), min_size=sum(lengths), max_size=sum(lengths)))
    mode = draw(st.sampled_from(["sum", "mean", "max"]))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64) if lengths else np.zeros(0, np.int64)
    include_last = draw(st.booleans())
    offsets = np.append(starts, sum(lengths)) if include_last else starts
    return dict(num_embeddings=num_embeddings, dim=draw(st.integers(1, 4)), ids=np.array(ids, dtype=np.int64),
                offsets=offsets.astype(np.int64), mode=mode, include_last_offset=include_last,
                padding_idx=draw(st.one_of(st.none(), st.integers(-num_embeddings, num_embeddings - 1))),
                sparse=mode != "max" and draw(st.booleans()),
                weighted=mode == "sum" and draw(st.booleans()), seed=draw(st.integers(0, 2**16)))


def layers(case: dict, dtype: Any) -> tuple:
    return build(lambda lib: lib.nn.EmbeddingBag(
        case["num_embeddings"], case["dim"], mode=case["mode"], sparse=case["sparse"],
        include_last_offset=case["include_last_offset"], padding_idx=case["padding_idx"]), dtype)


def run_case(a: mt.nn.EmbeddingBag, b: torch.nn.EmbeddingBag, ids: np.ndarray, offsets: np.ndarray | None,
             psw: np.ndarray | None, seed: int) -> tuple:
    """Forward + backward on both; compares output and every gradient; returns the two weight grads."""
    out, grads = {}, {}
    for lib, layer in ((mt, a), (torch, b)):
        weights = None if psw is None else lib.from_numpy(psw.copy()).requires_grad_()
        result = layer(lib.from_numpy(ids.copy()), None if offsets is None else lib.from_numpy(offsets.copy()),
                       per_sample_weights=weights)
        upstream = np.random.default_rng(seed).standard_normal(tuple(result.shape)).astype(_np_dtype(result))
        result.backward(lib.from_numpy(upstream))
        out[lib], grads[lib] = result, (layer.weight.grad, None if weights is None else weights.grad)
    assert_close(out[mt], out[torch])
    assert out[mt].grad_fn.name() == type(out[torch].grad_fn).__name__
    (wa, pa), (wb, pb) = grads[mt], grads[torch]
    assert isinstance(wa, RowSparseGrad) == wb.is_sparse
    assert_close(wa.to_dense() if isinstance(wa, RowSparseGrad) else wa, wb.to_dense())
    if psw is not None:
        assert_close(pa, pb)
    return wa, wb


def _np_dtype(tensor: Any) -> Any:
    """The NumPy float dtype of a torch or minitorch_ref tensor."""
    return np.float64 if str(tensor.dtype).endswith("float64") else np.float32


@pytest.mark.parametrize("dtype", DTYPES)
@given(case=bags())
def test_bags_match_torch(dtype, case):
    a, b = layers(case, dtype)
    psw = None
    if case["weighted"]:
        psw = np.random.default_rng(case["seed"]).uniform(-2, 2, len(case["ids"])).astype(dtype)
    wa, wb = run_case(a, b, case["ids"], case["offsets"], psw, case["seed"])
    if case["sparse"]:  # the same rows and values once repeats are summed (torch keeps them uncoalesced)
        ours, theirs = wa.coalesce(), wb.coalesce()
        np.testing.assert_array_equal(ours.rows, theirs._indices()[0].numpy())
        assert_close(ours.row_values, theirs._values())
        assert len(ours.rows) == len(np.unique(ours.rows))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 0])
def test_two_dimensional_input_is_fixed_length_bags(dtype, mode, padding_idx):
    ids = np.array([[0, 2, 2], [4, 0, 1], [0, 0, 0], [3, 3, 1]])
    a, b = build(lambda lib: lib.nn.EmbeddingBag(5, 3, mode=mode, padding_idx=padding_idx), dtype)
    psw = np.linspace(-1, 2, ids.size).reshape(ids.shape).astype(dtype) if mode == "sum" else None
    run_case(a, b, ids, None, psw, 0)


def test_empty_input_and_no_bags():
    for ids, offsets in [(np.zeros(0, np.int64), np.array([0, 0])), (np.array([1, 2]), np.zeros(0, np.int64))]:
        a, b = build(lambda lib: lib.nn.EmbeddingBag(4, 3))
        outs = [layer(lib.from_numpy(ids.copy()), lib.from_numpy(offsets.copy()))
                for layer, lib in ((a, mt), (b, torch))]
        assert_close(*outs)


@pytest.mark.parametrize(("mode", "sparse"), [("sum", False), ("sum", True), ("mean", False), ("mean", True),
                                             ("max", False)])  # (max mode does not support sparse weights)
def test_tokens_after_the_last_offset_belong_to_no_bag(mode, sparse):
    """include_last_offset=True with a last offset before the end of the input: the tokens after it belong
    to no bag. Everything (outputs, the weight's and per_sample_weights' gradients) equals the same bags
    given without those tokens; for "sum" the output equals torch's too. torch's documentation says the last
    offset *is* the input's length; given less, torch 2.13 is inconsistent: "mean" sums the bag but divides
    by the tokens up to the input's end, "max" reads up to the input's end, the dense weight gradient leaves
    the trailing tokens' rows uninitialised and the sparse backward raises IndexError (docs/ops.md)."""
    ids, offsets = np.array([1, 2, 3, 4, 0]), np.array([0, 2, 3])  # bags [1, 2] and [3]; tokens 4 and 0 in none
    psw = np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32) if mode == "sum" else None
    upstream = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    results = []
    for tokens, bag_offsets, last in ((ids, offsets, True), (ids[:3], offsets[:2], False)):
        layer, reference = build(lambda lib: lib.nn.EmbeddingBag(5, 2, mode=mode, include_last_offset=last,
                                                                 sparse=sparse))
        weights = None if psw is None else mt.from_numpy(psw[:len(tokens)].copy()).requires_grad_()
        out = layer(mt.from_numpy(tokens.copy()), mt.from_numpy(bag_offsets.copy()), per_sample_weights=weights)
        out.backward(mt.from_numpy(upstream))
        grad = layer.weight.grad.to_dense() if sparse else layer.weight.grad
        results.append((out.detach().numpy(), grad.numpy(), None if psw is None else weights.grad.numpy()))
        if last and mode == "sum":
            torch_out = reference(torch.from_numpy(tokens.copy()), torch.from_numpy(bag_offsets.copy()),
                                  per_sample_weights=torch.from_numpy(psw.copy()))
            assert_close(out, torch_out)
    (out, grad, psw_grad), (expected_out, expected_grad, expected_psw_grad) = results
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(grad, expected_grad)
    assert not grad[[4, 0]].any()  # the trailing tokens' rows (unused by the bags)
    if psw is not None:
        np.testing.assert_array_equal(psw_grad, np.append(expected_psw_grad, [0.0, 0.0]))


def test_int32_indices_and_offsets_are_accepted():
    a, b = build(lambda lib: lib.nn.EmbeddingBag(6, 2, mode="sum"))
    ids, offsets = np.array([1, 5, 5, 0], np.int32), np.array([0, 1], np.int32)
    assert_close(a(mt.from_numpy(ids), mt.from_numpy(offsets)), b(torch.from_numpy(ids), torch.from_numpy(offsets)))


def test_sparse_gradient_is_row_sparse_and_feeds_sgd():
    """sparse=True: only the rows used by the batch appear; an SGD step changes exactly those rows."""
    a, b = build(lambda lib: lib.nn.EmbeddingBag(10_000, 8, sparse=True))
    ids, offsets = np.array([3, 17, 3, 9999, 42]), np.array([0, 2])
    before = a.weight._data.copy()
    run_case(a, b, ids, offsets, None, 0)
    grad = a.weight.grad
    assert isinstance(grad, RowSparseGrad) and grad.shape == (10_000, 8)
    assert grad.is_coalesced() and grad.row_values.shape == (4, 8)  # row 3 occurs twice: its entries are summed
    np.testing.assert_array_equal(grad.rows, [3, 17, 42, 9999])
    for lib, layer in ((mt, a), (torch, b)):
        lib.optim.SGD(layer.parameters(), lr=0.5).step()
    assert_close(a.weight, b.weight)
    changed = np.flatnonzero(np.any(a.weight._data != before, axis=1))
    np.testing.assert_array_equal(changed, [3, 17, 42, 9999])


def test_course_text_classification_model():
    a, b = build(lambda lib: (MT_MODELS if lib is mt else TORCH_MODELS).TextClassificationModel(50, 8, 4))
    ids, offsets, labels = np.array([1, 4, 4, 9, 49, 0, 7]), np.array([0, 3, 3, 5]), np.array([0, 3, 1, 2])
    losses = []
    for lib, model in ((mt, a), (torch, b)):
        out = model(lib.from_numpy(ids.copy()), lib.from_numpy(offsets.copy()))
        loss = lib.nn.CrossEntropyLoss()(out, lib.from_numpy(labels.copy()))
        loss.backward()
        losses.append(loss)
    assert_close(*losses)
    assert_close(a.embedding.weight.grad.to_dense(), b.embedding.weight.grad.to_dense())
    assert_close(a.fc.weight.grad, b.fc.weight.grad)
    assert_close(a.fc.bias.grad, b.fc.bias.grad)


# ---------------------------------------------------------------------- errors
def _call(lib: Any, ids: Any, offsets: Any = None, dtype: str = "float32", **options: Any):
    def run():
        layer = lib.nn.EmbeddingBag(4, 3, **{k: v for k, v in options.items() if k != "per_sample_weights"})
        layer.to(getattr(lib, dtype))
        return layer(lib.tensor(ids), None if offsets is None else lib.tensor(offsets),
                     per_sample_weights=options.get("per_sample_weights") and lib.tensor(options["per_sample_weights"]))
    return run


ERRORS = {
    "first offset": ([1, 2, 3], [1]),
    "last offset beyond input": ([1, 2, 3], [0, 5]),
    "last offset beyond input, include_last_offset": ([1, 2, 3], [0, 2, 4], "float32", dict(include_last_offset=True)),
    "index out of range, float32 mean": ([1, 4, 3], [0, 2]),
    "index out of range, 2-D input": ([[1, 4, 3]], None),
    "index out of range, float64": ([1, 4, 3], [0, 2], "float64"),
    "negative index, max": ([1, 2, -1], [0, 2], "float32", dict(mode="max")),
    "negative index, float32 mean": ([1, -2, 3], [0, 2]),
    "negative index, 2-D input, float64 sum": ([[1, 3, -1]], None, "float64", dict(mode="sum")),
    "float indices": ([1.0, 2.0], [0]),
    "float offsets": ([1, 2], [0.0]),
    "2-D input with offsets": ([[1, 2]], [0]),
    "1-D input without offsets": ([1, 2], None),
    "2-D offsets": ([1, 2], [[0, 1]]),
    "3-D input": ([[[1]]], None),
    "0-D input": (1, None),
    "per_sample_weights with mean": ([1, 2], [0], "float32", dict(per_sample_weights=[1.0, 2.0])),
    "per_sample_weights shape": ([1, 2, 3], [0], "float32", dict(mode="sum", per_sample_weights=[1.0, 2.0])),
    "max with sparse": ([1, 2], [0], "float32", dict(mode="max", sparse=True)),
    "unknown mode": ([1, 2], [0], "float32", dict(mode="median")),
    "padding_idx too large": ([1], [0], "float32", dict(padding_idx=4)),
    "padding_idx too small": ([1], [0], "float32", dict(padding_idx=-5)),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_match_torch(case):
    ids, offsets, *rest = ERRORS[case]
    dtype = rest[0] if rest else "float32"
    options = rest[1] if len(rest) > 1 else {}
    same_error(_call(mt, ids, offsets, dtype, **options), _call(torch, ids, offsets, dtype, **options))
