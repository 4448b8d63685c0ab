"""Lookup tables: `Embedding` (one vector per token) and `EmbeddingBag` (one vector per bag of tokens).

`sparse=True` makes the weight's gradient a `RowSparseGrad` holding only the rows the
batch used, so an optimizer step costs O(tokens in the batch), not O(vocabulary).
"""
from __future__ import annotations

from typing import Any

from ... import _creation
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class Embedding(Module):
    """`weight[input]`: a (num_embeddings, embedding_dim) table, initialised N(0, 1).

    The `padding_idx` row starts at zero and never receives a gradient, so padding
    tokens stay zero vectors.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None, *,
                 sparse: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = F._normalize_padding_idx(padding_idx, num_embeddings,
                                                    "Padding_idx must be within num_embeddings")
        self.sparse = sparse
        self.weight = Parameter(_creation.empty((num_embeddings, embedding_dim), dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, sparse=self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.sparse:
            s += ", sparse=True"
        return s


class EmbeddingBag(Module):
    """Sum, mean or max of the embeddings of each bag, without building the (tokens, dim) intermediate
    as a graph node: the course's text classifier averages each document's token vectors this way.

    forward(input, offsets=None, per_sample_weights=None): 1-D `input` is all bags back to back with
    `offsets[b]` = start of bag b; 2-D `input` is a batch of equal-length bags.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, *, mode: str = "mean", sparse: bool = False,
                 include_last_offset: bool = False, padding_idx: int | None = None, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = F._normalize_padding_idx(padding_idx, num_embeddings,
                                                    "padding_idx must be within num_embeddings")
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset
        self.weight = Parameter(_creation.empty((num_embeddings, embedding_dim), dtype=dtype, device=device))
        self.reset_parameters()

    reset_parameters = Embedding.reset_parameters  # N(0, 1), the padding row zeroed: as Embedding

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return F.embedding_bag(input, self.weight, offsets, mode=self.mode, sparse=self.sparse,
                               per_sample_weights=per_sample_weights, include_last_offset=self.include_last_offset,
                               padding_idx=self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s
