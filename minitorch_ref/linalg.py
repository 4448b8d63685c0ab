"""`minitorch_ref.linalg`: vector norms (the rule is `Tensor._vector_norm`), matrix norms (`matrix_norm`),
determinants (`det`), inverses (`inv`), linear systems (`solve`), singular values (`svdvals`), `cross`, `matmul`."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._dtype import check_norm_dtype, float16, python_type_name, torch_type_name
from .autograd.tensor_base import TensorBase
from .ops.linalg import Det, Inv, Solve, Svdvals
from .ops.shape import check_broadcast


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """(sum |x|^ord)^(1/ord) over `dim` (every element when None); ord=inf/-inf: max/min |x|, 0: count."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"linalg_vector_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    if isinstance(ord, str):  # (a string names a matrix norm: `matrix_norm`)
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str")
    return x._vector_norm(ord, dim, keepdim, dtype)


def norm(x: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """`linalg.norm`: a vector norm, or a matrix norm (`matrix_norm`) when `dim` names two dims, or
    when `ord` is given for a 2-D input (a string `ord` always names a matrix norm); without `ord`, the
    2-norm of every element in `dim`."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"linalg_norm(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    dims = (dim,) if isinstance(dim, int) else dim
    if dims is not None and len(dims) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    if ord is None:
        return vector_norm(x, 2, dims, keepdim, dtype=dtype)
    if dims is None and x.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {x.ndim}D.")
    if isinstance(ord, str) or (dims is None and x.ndim == 2) or (dims is not None and len(dims) == 2):
        return matrix_norm(x, ord, (-2, -1) if dims is None else dims, keepdim, dtype=dtype)
    return vector_norm(x, ord, dims, keepdim, dtype=dtype)


def matrix_norm(A: Any, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *, dtype: Any = None) -> Any:
    """Norms of the matrices in dims `dim` (rows, columns): 'fro' (the 2-norm of the elements), 1 / -1
    (the largest / smallest column sum of |A|), inf / -inf (row sums), 2 / -2 / 'nuc' (the largest /
    smallest singular value, their sum). Built from tensor ops as torch's, so the gradient comes with them."""
    if ord not in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord:g} not supported." if isinstance(ord, (int, float))
                           else f"linalg.matrix_norm: Order {ord} not supported.")
    rows, cols = _matrix_norm_checks(A, ord, dim, dtype)
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return A._vector_norm(2, (rows, cols), keepdim)
    if _nothing_to_compare(A, ord, rows, cols):  # (torch: the largest of no sums or singular values is 0,
        shape = [1 if d in (rows, cols) else n for d, n in enumerate(A.shape)]  # outside the graph)
        return A.new_zeros(shape if keepdim else [n for d, n in enumerate(A.shape) if d not in (rows, cols)])
    if ord in (2, -2, "nuc"):  # (as torch: the largest, smallest or sum of the singular values, ties sharing)
        values = Svdvals.apply(A.movedim((rows, cols), (-2, -1)))
        out = values.sum(-1, keepdim) if ord == "nuc" else values.amax(-1, keepdim) if ord == 2 else \
            values.amin(-1, keepdim)
        return out.unsqueeze(-1).movedim((-2, -1), (rows, cols)) if keepdim else out
    # as torch: sum |A| over one dim, then max / min over the other (column sums for 1, row sums for inf)
    summed, over = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = A.abs().sum(dim=summed, keepdim=keepdim)
    over = over - 1 if not keepdim and summed < over else over
    return sums.amax(dim=over, keepdim=keepdim) if ord > 0 else sums.amin(dim=over, keepdim=keepdim)


def _nothing_to_compare(A: Any, ord: Any, rows: int, cols: int) -> bool:
    """Whether the max (or min) of this matrix norm runs over an empty dim: the column sums for 1, the
    row sums for inf, the singular values (min(rows, cols) of them) for 2. No identity for the smallest:
    -2 raises amin's error there (-1 and -inf raise it from amin itself)."""
    if ord in ("fro", "nuc"):
        return False
    size = {1: A.shape[cols], math.inf: A.shape[rows]}.get(abs(ord), min(A.shape[rows], A.shape[cols]))
    if size == 0 and ord == -2:
        raise IndexError("amin(): Expected reduction dim -1 to have non-zero size.")
    return size == 0 and ord > 0


def det(A: Any) -> Any:
    """The determinants of the square matrices in the last two dims (1 for a 0x0 matrix)."""
    _check_square_matrices("linalg.det", A)
    if A.dtype == float16:  # (the LU factorisation has no half kernel)
        raise NotImplementedError("\"lu_cpu\" not implemented for 'Half'")
    return Det.apply(A)


def inv(A: Any) -> Any:
    """The inverses of the square matrices in the last two dims; a singular one raises `LinAlgError`."""
    _check_square_matrices("linalg.inv", A)
    if A.dtype == float16:
        raise RuntimeError("linalg.inv: Low precision dtypes not supported. Got Half")
    try:
        return Inv.apply(A)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.inv: The input matrix is singular, the inversion could not be completed.") from None


def svdvals(A: Any) -> Any:
    """The singular values of the matrices in the last two dims, largest first."""
    _check_matrices("linalg.svd", A)
    if A.dtype == float16:
        raise NotImplementedError("\"linalg_svd_cpu\" not implemented for 'Half'")
    return Svdvals.apply(A)


def matmul(input: Any, other: Any) -> Any:
    """`torch.linalg.matmul`: `matmul` under the name of its namespace."""
    for value, name, position in ((input, "input", 1), (other, "other", 2)):
        if not isinstance(value, TensorBase):
            raise TypeError(f"linalg_matmul(): argument '{name}' (position {position}) must be Tensor, not "
                            f"{python_type_name(value)}")
    return input @ other


def solve(A: Any, B: Any, *, left: bool = True) -> Any:
    """X with A X = B (or X A = B when not `left`) for the square matrices A. B is a batch of vectors when
    it is 1-D or has A's shape less the last dim (as NumPy's rule), else of matrices; batches broadcast."""
    for value, name, position in ((A, "A", 1), (B, "B", 2)):
        if not isinstance(value, TensorBase):
            raise TypeError(f"linalg_solve(): argument '{name}' (position {position}) must be Tensor, not "
                            f"{python_type_name(value)}")
    _check_floating("linalg.solve", A)  # (torch's first check here)
    if A.dtype != B.dtype:
        a_type, b_type = (torch_type_name(t.dtype.numpy_dtype) for t in (A, B))
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type {a_type} and "
                           f"B of type {b_type} instead")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    b_shape = tuple(B.shape) + (1,) if vector else tuple(B.shape)
    _check_square_matrices("linalg.solve", A)
    if len(b_shape) < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    if A.shape[-2 if left else -1] != b_shape[-2 if left else -1]:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {equation} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {b_shape[-2]}x{b_shape[-1]})")
    if vector and not left:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for left=False. "
                           "In this case linalg.solve is equivalent to B / A.squeeze(-1)")
    if A.dtype == float16:
        raise NotImplementedError("\"lu_cpu\" not implemented for 'Half'")
    check_broadcast(b_shape[:-2], tuple(A.shape[:-2]))
    try:
        return Solve.apply(A, B, vector, left)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{__name__}.solve: The solver failed because the input matrix is singular.") from None


def cross(input: Any, other: Any, *, dim: int = -1) -> Any:
    """The cross product of the 3-vectors along `dim` (the rule is `Tensor._linalg_cross`)."""
    for value, name, position in ((input, "input", 1), (other, "other", 2)):
        if not isinstance(value, TensorBase):
            raise TypeError(f"linalg_cross(): argument '{name}' (position {position}) must be Tensor, not "
                            f"{python_type_name(value)}")
    return input._linalg_cross(other, dim)


class LinAlgError(RuntimeError):
    """A matrix that the operation cannot handle (a singular matrix to invert), as torch.linalg.LinAlgError."""


def _check_matrices(name: str, A: Any) -> None:
    """torch's first checks of a linalg input: batches of matrices, of a floating point dtype."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_floating(name, A)


def _check_floating(name: str, A: Any) -> None:
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{torch_type_name(A.dtype.numpy_dtype)}")


def _check_square_matrices(name: str, A: Any) -> None:
    """torch's checks of `det`, `inv` and `solve`: a tensor of square matrices (checked before the dtype)."""
    if not isinstance(A, TensorBase):
        raise TypeError(f"{name.replace('.', '_')}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}")
    if A.ndim >= 2 and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    _check_matrices(name, A)


def _matrix_norm_checks(A: Any, ord: Any, dim: Any, dtype: Any) -> tuple:
    """torch's checks of `matrix_norm`'s input, dims and dtype, in its order; the two dims, normalised."""
    _check_matrices("linalg.matrix_norm", A)
    if A.dtype == float16 and ord in (2, -2, "nuc"):  # (the SVD has no half kernel)
        raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    rows, cols = (d % A.ndim for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {cols})")
    check_norm_dtype("linalg.matrix_norm", A.dtype.numpy_dtype, dtype)
    return rows, cols
