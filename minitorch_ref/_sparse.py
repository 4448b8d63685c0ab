"""Row-sparse gradients: what `EmbeddingBag(..., sparse=True)` gives its weight.

A batch touches a few hundred rows of a table with maybe a million. Instead of a dense
gradient the size of the table, keep `(indices, values)`: row `indices[k]` gets
`values[k]`. Indices may repeat (uncoalesced, as torch's sparse COO gradient);
`coalesce()` sums the repeats. The optimizer then updates only those rows, so a step's
cost grows with the tokens in the batch, not with the vocabulary.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._dtype import CPU, Size, from_numpy_dtype, sparse_coo
from ._printing import format_sparse_coo
from ._tensor import Tensor
from .kernels import sparse_rows


class RowSparseGrad:
    """A gradient for a 2-D weight that is zero except on `indices` (a sparse COO tensor, dim 0 sparse)."""

    is_sparse = True
    layout = sparse_coo
    requires_grad = False
    grad_fn = None

    def __init__(self, indices: np.ndarray, values: np.ndarray, shape: tuple, coalesced: bool = False) -> None:
        self.indices = np.asarray(indices, dtype=np.int64)
        self.values = values
        self.shape = Size(shape)
        self._coalesced = coalesced

    @property
    def dtype(self):
        return from_numpy_dtype(self.values.dtype)

    @property
    def device(self):
        return CPU

    def size(self, dim: int | None = None):
        return Size(self.shape) if dim is None else self.shape[dim]

    def is_coalesced(self) -> bool:
        return self._coalesced

    def coalesce(self) -> "RowSparseGrad":
        """Sort the rows and sum repeated indices (what the true gradient of each row is).

        The kernel (sort once, sum each run of equal rows) is in kernels/sparse_rows.py."""
        if self._coalesced:
            return self
        rows, values = sparse_rows.coalesce(self.indices, self.values)
        return RowSparseGrad(rows, values, self.shape, coalesced=True)

    def to_dense_array(self) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=self.values.dtype)
        summed = self.coalesce()
        dense[summed.indices] = summed.values
        return dense

    def to_dense(self):
        return Tensor._make(self.to_dense_array())

    def _indices(self):
        return Tensor._make(self.indices[None, :])

    def _values(self):
        return Tensor._make(self.values)

    def _nnz(self) -> int:
        return len(self.indices)

    def mul_(self, factor: Any) -> "RowSparseGrad":
        self.values *= factor.item() if hasattr(factor, "item") else factor
        return self

    def __add__(self, other: Any):
        if isinstance(other, RowSparseGrad):
            return RowSparseGrad(np.concatenate([self.indices, other.indices]),
                                 np.concatenate([self.values, other.values]), self.shape)
        dense = np.array(other, copy=True)
        summed = self.coalesce()  # distinct rows: a plain fancy-index += is right
        dense[summed.indices] += summed.values
        return dense

    __radd__ = __add__

    def __repr__(self) -> str:
        return format_sparse_coo(self.indices[None, :], self.values, self.shape, dtype_name=self.dtype.name)
