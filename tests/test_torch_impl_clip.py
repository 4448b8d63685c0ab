"""`torch_impl.clip_grad_norm_`: sparse gradients clipped as if they were dense."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from torch_impl import clip_grad_norm_


def _twin_models(vocab_size: int, dim: int, num_class: int, seed: int = 0):
    """The same EmbeddingBag + Linear twice: sparse gradients and dense gradients."""
    torch.manual_seed(seed)
    sparse = nn.ModuleDict({"emb": nn.EmbeddingBag(vocab_size, dim, sparse=True), "fc": nn.Linear(dim, num_class)})
    dense = nn.ModuleDict({"emb": nn.EmbeddingBag(vocab_size, dim, sparse=False), "fc": nn.Linear(dim, num_class)})
    dense.load_state_dict(sparse.state_dict())
    return sparse, dense


def _backward(model, text, offsets, labels):
    model.zero_grad()
    logits = model["fc"](model["emb"](text, offsets))
    nn.functional.cross_entropy(logits, labels).backward()


def _grads_as_dense(model):
    return [p.grad.to_dense() for p in model.parameters()]


@given(
    docs=st.lists(st.lists(st.integers(0, 11), min_size=0, max_size=12), min_size=1, max_size=6),
    max_norm=st.sampled_from([1e-3, 0.1, 1.0, 100.0]),
    norm_type=st.sampled_from([1.0, 2.0, 3.0, math.inf]),
)
def test_sparse_gradient_is_clipped_like_the_dense_gradient(docs, max_norm, norm_type):
    sparse, dense = _twin_models(vocab_size=12, dim=5, num_class=3)
    text = torch.tensor([t for doc in docs for t in doc], dtype=torch.int64)
    offsets = torch.tensor([0] + [len(d) for d in docs[:-1]], dtype=torch.int64).cumsum(0)
    labels = torch.arange(len(docs)) % 3
    _backward(sparse, text, offsets, labels)
    _backward(dense, text, offsets, labels)
    assert sparse["emb"].weight.grad.is_sparse

    ours = clip_grad_norm_(sparse.parameters(), max_norm, norm_type=norm_type)
    reference = torch.nn.utils.clip_grad_norm_(dense.parameters(), max_norm, norm_type=norm_type)

    torch.testing.assert_close(ours, reference, rtol=1e-5, atol=1e-7)
    for got, expected in zip(_grads_as_dense(sparse), _grads_as_dense(dense)):
        torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-7)


def test_duplicate_rows_are_summed_before_the_norm():
    """A token twice in a batch gives two gradient rows; the norm is that of their sum."""
    sparse, dense = _twin_models(vocab_size=6, dim=4, num_class=2)
    text = torch.tensor([3, 3, 3, 1])
    offsets = torch.tensor([0, 2])
    labels = torch.tensor([0, 1])
    _backward(sparse, text, offsets, labels)
    _backward(dense, text, offsets, labels)
    grad = sparse["emb"].weight.grad
    assert not grad.is_coalesced() and grad._nnz() > grad.coalesce()._nnz()
    raw_rows_norm = grad._values().norm()
    coalesced_norm = grad.coalesce().values().norm()
    assert not torch.isclose(raw_rows_norm, coalesced_norm)  # the check below can tell them apart

    ours = clip_grad_norm_([sparse["emb"].weight], 1e-3)
    torch.testing.assert_close(ours, dense["emb"].weight.grad.norm())
    clipped = sparse["emb"].weight.grad
    assert clipped.is_coalesced()  # replaced by the coalesced gradient, then scaled
    torch.testing.assert_close(clipped.to_dense().norm(), torch.tensor(1e-3), rtol=1e-4, atol=0)


def test_dense_gradients_give_torchs_result_bit_for_bit():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(7, 5), nn.ReLU(), nn.Linear(5, 3))
    twin = nn.Sequential(nn.Linear(7, 5), nn.ReLU(), nn.Linear(5, 3))
    twin.load_state_dict(model.state_dict())
    x = torch.randn(11, 7)
    for m in (model, twin):
        m(x).pow(2).sum().backward()
    ours = clip_grad_norm_(model.parameters(), 0.5)
    theirs = torch.nn.utils.clip_grad_norm_(twin.parameters(), 0.5)
    assert torch.equal(ours, theirs)
    for a, b in zip(model.parameters(), twin.parameters()):
        assert torch.equal(a.grad, b.grad)


def test_the_recipe_step_runs_with_sparse_embedding_and_clipping():
    """The course's exact combination: sparse=True, clip 0.1 every step, SGD lr=5."""
    from torch_impl.models import TextClassificationModel

    torch.manual_seed(0)
    model = TextClassificationModel(50, 8, 4, sparse=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    before = model.embedding.weight.detach().clone()
    loss = nn.functional.cross_entropy(model(torch.tensor([1, 2, 2, 7]), torch.tensor([0, 3])), torch.tensor([0, 3]))
    loss.backward()
    total = clip_grad_norm_(model.parameters(), 0.1)
    optimizer.step()
    assert total > 0.1
    changed_rows = (model.embedding.weight.detach() != before).any(dim=1).nonzero().flatten().tolist()
    assert changed_rows == [1, 2, 7]


def test_no_gradients_empty_sparse_gradients_and_nonfinite():
    p = nn.Parameter(torch.ones(3))
    assert clip_grad_norm_([p], 1.0).item() == 0.0
    empty = nn.EmbeddingBag(4, 2, sparse=True)
    empty(torch.tensor([], dtype=torch.int64), torch.tensor([0])).sum().backward()
    for norm_type in (2.0, math.inf):
        assert clip_grad_norm_(empty.parameters(), 1.0, norm_type=norm_type).item() == 0.0
    emb = nn.EmbeddingBag(4, 2, sparse=True)
    emb(torch.tensor([1]), torch.tensor([0])).sum().backward()
    emb.weight.grad = emb.weight.grad * float("nan")
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(emb.parameters(), 1.0, error_if_nonfinite=True)
