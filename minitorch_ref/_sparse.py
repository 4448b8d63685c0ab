"""Row-sparse gradients: what `EmbeddingBag(..., sparse=True)` gives its weight.

A batch touches a few hundred rows of a table with maybe a million. Instead of a dense
gradient the size of the table, keep `(indices, values)`: row `indices[k]` gets
`values[k]`. Indices may repeat (uncoalesced, as torch's sparse COO gradient);
`coalesce()` sums the repeats. The optimizer then updates only those rows, so a step's
cost grows with the tokens in the batch, not with the vocabulary.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._dtype import CPU, PACKAGE, Size, from_numpy_dtype, float16, float32, float64, sparse_coo, torch_type_name
from ._printing import format_sparse_coo
from ._tensor import Tensor, _to_flags, to_args_dtype
from .kernels import sparse_rows


class RowSparseGrad:
    """A gradient for a 2-D weight that is zero except on some rows (a sparse COO tensor, dim 0 sparse).

    `rows` holds the row numbers and `row_values` their values, one row each; torch's `indices()`
    and `values()` give them as tensors (of a coalesced gradient: distinct rows, sorted)."""

    is_sparse = True
    layout = sparse_coo
    requires_grad = False
    grad_fn = None
    grad = _grad = None  # (a gradient has none of its own: an optimizer given one as a parameter skips it)

    def __init__(self, indices: np.ndarray, values: np.ndarray, shape: tuple, coalesced: bool = False) -> None:
        self.rows = np.asarray(indices, dtype=np.int64)
        self.row_values = values
        self.shape = Size(shape)
        self._coalesced = coalesced

    @property
    def dtype(self):
        return from_numpy_dtype(self.row_values.dtype)

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
        rows, values = sparse_rows.coalesce(self.rows, self.row_values)
        return RowSparseGrad(rows, values, self.shape, coalesced=True)

    def to_dense_array(self) -> np.ndarray:
        dense = np.zeros(self.shape, dtype=self.row_values.dtype)
        summed = self.coalesce()
        dense[summed.rows] = summed.row_values
        return dense

    def to_dense(self):
        return Tensor._make(self.to_dense_array())

    def indices(self) -> Tensor:
        """The row numbers, shape (1, nnz), as torch's: only of a coalesced gradient (distinct sorted rows)."""
        if not self._coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._indices()

    def values(self) -> Tensor:
        """The rows' values, shape (nnz, D), as torch's: only of a coalesced gradient."""
        if not self._coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._values()

    def _indices(self) -> Tensor:
        return Tensor._make(self.rows[None, :])

    def _values(self) -> Tensor:
        return Tensor._make(self.row_values)

    def _nnz(self) -> int:
        return len(self.rows)

    def mul_(self, factor: Any) -> "RowSparseGrad":
        self.row_values *= factor.item() if hasattr(factor, "item") else factor
        return self

    def __add__(self, other: Any):
        if isinstance(other, RowSparseGrad):
            return RowSparseGrad(np.concatenate([self.rows, other.rows]),
                                 np.concatenate([self.row_values, other.row_values]), self.shape)
        if isinstance(other, Tensor):  # (a learner's `grad + dense`: torch only adds sparse into dense)
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        dense = np.array(other, copy=True)
        summed = self.coalesce()  # distinct rows: a plain fancy-index += is right
        dense[summed.rows] += summed.row_values
        return dense

    def __radd__(self, other: Any):
        """`dense + grad`: a dense Tensor for a Tensor (as torch), an array for the engine's arrays."""
        if isinstance(other, Tensor):
            return Tensor._make(self.__add__(other._data))
        return self.__add__(other)

    # --- What a learner does with `weight.grad` (torch's sparse COO Tensor API, on our rows) ---

    def _with_values(self, values: np.ndarray) -> "RowSparseGrad":
        """The same rows with new values (an elementwise op that keeps zeros zero)."""
        return RowSparseGrad(self.rows, values, self.shape, coalesced=self._coalesced)

    def sparse_dim(self) -> int:
        return 1  # (rows are sparse, each row is a dense vector)

    def dense_dim(self) -> int:
        return len(self.shape) - 1

    def dim(self) -> int:
        return len(self.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def numel(self) -> int:
        """Elements of the full (dense) shape, stored or not, as torch counts them."""
        return math.prod(self.shape)

    nelement = numel

    def __len__(self) -> int:
        return self.shape[0]

    is_leaf = True
    is_cuda = False

    def is_floating_point(self) -> bool:
        return self.row_values.dtype.kind == "f"

    def element_size(self) -> int:
        return self.row_values.dtype.itemsize

    def get_device(self) -> int:
        return -1  # (CPU)

    def type(self) -> str:
        return f"{PACKAGE}.sparse.{torch_type_name(self.row_values.dtype)}Tensor"

    def clone(self) -> "RowSparseGrad":
        return RowSparseGrad(self.rows.copy(), self.row_values.copy(), self.shape, coalesced=self._coalesced)

    def detach(self) -> "RowSparseGrad":
        """A new object on the same arrays (a gradient has no graph to leave)."""
        return self._with_values(self.row_values)

    @property
    def data(self) -> "RowSparseGrad":
        return self.detach()

    def to(self, *args: Any, **kwargs: Any) -> "RowSparseGrad":
        """`to(dtype)` / `to("cpu")`: self when nothing changes, as torch."""
        args, kwargs, copy = _to_flags(args, kwargs)
        target = to_args_dtype(args, kwargs)
        if target is None or target.numpy_dtype == self.row_values.dtype:
            return self.clone() if copy else self
        return self._with_values(self.row_values.astype(target.numpy_dtype))

    def cpu(self) -> "RowSparseGrad":
        return self

    def float(self) -> "RowSparseGrad":
        return self.to(float32)

    def double(self) -> "RowSparseGrad":
        return self.to(float64)

    def half(self) -> "RowSparseGrad":
        return self.to(float16)

    def zero_(self) -> "RowSparseGrad":
        """Drop every row (torch empties a sparse tensor rather than storing zeros)."""
        self.rows = self.rows[:0]
        self.row_values = self.row_values[:0]
        self._coalesced = True
        return self

    def __mul__(self, factor: Any) -> "RowSparseGrad":
        """`grad * number`: scales the stored rows (zeros stay zeros)."""
        if isinstance(factor, (RowSparseGrad, np.ndarray, Tensor)) and not getattr(factor, "ndim", 1) == 0:
            return NotImplemented
        return self._with_values(self.row_values * (factor.item() if hasattr(factor, "item") else factor))

    __rmul__ = __mul__
    mul = __mul__

    def __truediv__(self, divisor: Any) -> "RowSparseGrad":
        if isinstance(divisor, (RowSparseGrad, np.ndarray, Tensor)) and not getattr(divisor, "ndim", 1) == 0:
            return NotImplemented
        return self._with_values(self.row_values / (divisor.item() if hasattr(divisor, "item") else divisor))

    div = __truediv__

    def div_(self, divisor: Any) -> "RowSparseGrad":
        self.row_values /= divisor.item() if hasattr(divisor, "item") else divisor
        return self

    def add(self, other: Any, *, alpha: Any = 1):
        return self + (other if alpha == 1 else other * alpha)

    def add_(self, other: Any, *, alpha: Any = 1) -> "RowSparseGrad":
        """`grad.add_(other_sparse_grad)`: appends other's rows (repeats are summed by `coalesce()`)."""
        if not isinstance(other, RowSparseGrad):  # (dense into sparse would fill every row)
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        summed = self + (other if alpha == 1 else other * alpha)
        self.rows, self.row_values, self._coalesced = summed.rows, summed.row_values, False
        return self

    def __neg__(self) -> "RowSparseGrad":
        return self._with_values(-self.row_values)

    neg = __neg__

    def __sub__(self, other: Any):
        if isinstance(other, RowSparseGrad):
            return self + (-other)
        if isinstance(other, Tensor):
            raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
        return NotImplemented

    def __rsub__(self, other: Any):
        if isinstance(other, Tensor):
            return other + (-self)
        return NotImplemented

    def abs(self) -> "RowSparseGrad":
        return self._with_values(np.abs(self.row_values))

    def sum(self) -> Tensor:
        """The sum of every entry: the stored values' (0-d, dense, as torch)."""
        return Tensor._make(self.row_values.sum(dtype=self.row_values.dtype))

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """A full norm of the gradient (repeated rows summed first, as torch); torch's sparse norm has no `dim`."""
        if dim is not None:
            raise RuntimeError("norm_sparse currently only supports full reductions, so 'dim' must either be empty "
                               "or contain all dimensions of the input")
        return Tensor._make(self.coalesce().row_values).norm(p, dtype=dtype)

    def numpy(self, *, force: bool = False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.to_dense().item()

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __repr__(self) -> str:
        return format_sparse_coo(self.rows[None, :], self.row_values, self.shape, dtype_name=self.dtype.name)
