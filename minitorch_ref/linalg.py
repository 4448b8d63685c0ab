"""`minitorch_ref.linalg`: vector norms (the rule is `Tensor._vector_norm`), matrix norms (`matrix_norm`),
determinants (`det`, `slogdet`), inverses (`inv`, `pinv`), linear systems (`solve`, `lstsq`), singular values
(`svdvals`, `svd`), factorisations (`qr`, `cholesky`, `cholesky_ex`, `eigh`, `eigvalsh`), triangular systems
(`solve_triangular`), LU (`lu_factor`, `lu_factor_ex`, `lu`, `lu_solve`), `inv_ex`, `matrix_exp`, `matrix_power`, `matrix_rank`, products (`cross`, `matmul`,
`multi_dot`, `vecdot`)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._dtype import PACKAGE as _PACKAGE, check_norm_dtype, cpp_type_name, float16, python_type_name, torch_type_name
from ._return_types import _MaxResult
from .autograd.function import watch_saved
from .autograd.tensor_base import TensorBase
from .ops.linalg import (Cholesky, CholeskyInverse, CholeskySolve, DeprecatedCholesky, Det, Eigh, Inv, Lstsq,
                         Lu, LuFactor, LuSolve, MatrixExp, Pinv, Qr, Slogdet, Solve, SolveTriangular, Svd, Svdvals, TriangularSolve,
                         cholesky_factor, cholesky_partial, lu_factor as _lu_factor, lu_solution, lu_unpack,
                         triangular_solution)
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
        return Inv.apply(A, None)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.inv: The input matrix is singular, the inversion could not be completed.") from None


def matrix_exp(A: Any) -> Any:
    """exp(A) of each square matrix in the last two dims: orthogonal for a skew-symmetric A (rotations)."""
    _check_tensor("linalg.matrix_exp", A, "input")
    _check_square_matrices("linalg.matrix_exp", A)
    return MatrixExp.apply(A)


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


def _check_matrices(name: str, A: Any, floating: bool = True) -> None:
    """torch's first checks of a linalg input: batches of matrices, of a floating point dtype (unless the
    dtype is left to the kernel: `floating=False`)."""
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if floating:
        _check_floating(name, A)


def _check_floating(name: str, A: Any) -> None:
    if not A.is_floating_point():
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{torch_type_name(A.dtype.numpy_dtype)}")


def _check_square_matrices(name: str, A: Any, floating: bool = True) -> None:
    """torch's checks of `det`, `inv`, `solve`...: a tensor of square matrices (checked before the dtype)."""
    _check_tensor(name, A)
    if A.ndim >= 2 and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    _check_matrices(name, A, floating)


def _check_tensor(name: str, A: Any, argument: str = "A", position: int = 1) -> None:
    """torch's TypeError for an argument that is not a tensor."""
    if not isinstance(A, TensorBase):
        raise TypeError(f"{name.replace('.', '_')}(): argument '{argument}' (position {position}) must be Tensor, not "
                        f"{python_type_name(A)}")


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


# --- factorisations and what is built on them --------------------------------------------------------------
def _outputs(function: Any, A: Any, factors: tuple, option: Any = None, count: int | None = None) -> tuple:
    """One tensor per factor (the first `count` of them), each recorded under the factorisation's node (see
    `ops.linalg._OutputOf`); a node refuses its backward once another output, which it saved, was changed in
    place (as torch's one node)."""
    outputs = tuple(function.apply(A, factors, i, option) for i in range(len(factors) if count is None else count))
    for output in outputs:
        if output.grad_fn is not None:
            for other in outputs:
                if other is not output:
                    watch_saved(output.grad_fn, other)
    return outputs


def qr(A: Any, mode: str = "reduced") -> Any:
    """A = Q R with orthonormal columns in Q and R upper triangular: `mode` 'reduced' (Q m x k, R k x n, k the
    smaller size), 'complete' (Q m x m) or 'r' (R only; Q is an empty tensor). Householder reflections, as
    torch's LAPACK, so the signs of Q's columns and R's rows are torch's."""
    _check_tensor("linalg.qr", A)
    _check_matrices("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    if A.dtype == float16:
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    a = A.detach().numpy()
    if mode == "r":
        factors = (np.zeros(0, a.dtype), np.linalg.qr(a, mode="r").astype(a.dtype, copy=False))
    else:
        factors = tuple(f.astype(a.dtype, copy=False) for f in np.linalg.qr(a, mode=mode))
    return _MaxResult(*_outputs(Qr, A, factors, mode), "linalg_qr")


def cholesky(A: Any, *, upper: bool = False) -> Any:
    """L, lower triangular with a positive diagonal, with A = L L^T (read from A's lower triangle); with
    `upper`, U = L^T from A's upper triangle. A matrix that is not positive-definite raises `LinAlgError`."""
    _check_tensor("linalg.cholesky", A, "input")
    return _cholesky_of(A, upper)


def _cholesky_of(A: Any, upper: bool, deprecated: bool = False) -> Any:
    """`linalg.cholesky`, or the `deprecated` `cholesky` (its own name in messages and node, and no dtype
    check before the kernel)."""
    name, function = ("cholesky", DeprecatedCholesky) if deprecated else ("linalg.cholesky", Cholesky)
    _check_square_matrices(name, A, floating=not deprecated)
    if not A.is_floating_point():
        raise NotImplementedError(f"\"cholesky_cpu\" not implemented for '{torch_type_name(A.dtype.numpy_dtype)}'")
    if A.dtype == float16:
        raise NotImplementedError("\"cholesky_cpu\" not implemented for 'Half'")
    try:
        return function.apply(A, upper, None)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{name}: {_not_positive_definite(A.detach().numpy(), upper)}") from None


def _not_positive_definite(a: np.ndarray, upper: bool) -> str:
    """torch's message for the first matrix of the batch that has no Cholesky factor: the order of its first
    leading minor that is not positive-definite (where LAPACK's factorisation stops: `cholesky_partial`)."""
    batch = a.shape[:-2]
    for number, index in enumerate(np.ndindex(*batch)):
        order = cholesky_partial(a[index].T if upper else a[index])[1]  # (the upper triangle, read as a lower one)
        if order:
            prefix = f"(Batch element {number}): " if batch else ""
            return (f"{prefix}The factorization could not be completed because the input is not "
                    f"positive-definite (the leading minor of order {order} is not positive-definite).")
    return "The factorization could not be completed because the input is not positive-definite."


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> Any:
    """`cholesky` without the error: (L, info), info (int32, one per matrix) the order of the leading minor that
    is not positive-definite (0 when none), and L there LAPACK's factor as far as it got. `check_errors`
    raises `LinAlgError` as `cholesky` does."""
    _check_tensor("linalg.cholesky_ex", A, "input")
    _check_square_matrices("linalg.cholesky", A)
    if A.dtype == float16:
        raise NotImplementedError("\"cholesky_cpu\" not implemented for 'Half'")
    a = A.detach().numpy()
    factor, info = np.zeros_like(a), np.zeros(a.shape[:-2], np.int32)
    for index in np.ndindex(*a.shape[:-2]):
        try:
            factor[index] = cholesky_factor(a[index], upper)
        except np.linalg.LinAlgError:
            partial, info[index] = cholesky_partial(a[index].T if upper else a[index])
            factor[index] = partial.T if upper else partial
    if check_errors and info.any():
        raise LinAlgError(f"linalg.cholesky_ex: {_not_positive_definite(a, upper)}")
    return _MaxResult(Cholesky.apply(A, upper, factor), A._make(info), "linalg_cholesky_ex")


def inv_ex(A: Any, *, check_errors: bool = False) -> Any:
    """`inv` without the error: (inverse, info), info (int32, one per matrix) the order of the first zero pivot
    of the LU factorisation (0 when none), and the inverse there LAPACK's inf and nan. `check_errors` raises
    `LinAlgError`, naming that pivot."""
    _check_tensor("linalg.inv_ex", A)
    _check_square_matrices("linalg.inv", A)
    if A.dtype == float16:
        raise RuntimeError("linalg.inv: Low precision dtypes not supported. Got Half")
    a = A.detach().numpy()
    lu, pivots, info = _lu_factor(a)
    if check_errors and info.any():
        number = int(np.flatnonzero(info)[0])
        prefix = f"(Batch element {number}): " if info.ndim else ""
        raise LinAlgError(f"linalg.inv_ex: {prefix}The diagonal element {info.reshape(-1)[number]} is zero, the "
                          "inversion could not be completed because the input matrix is singular.")
    eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
    inverse = Inv.apply(A, lu_solution(lu, pivots, eye) if info.any() else None)
    return _MaxResult(inverse, A._make(info), "linalg_inv_ex")


def eigh(A: Any, UPLO: str = "L") -> Any:
    """The eigenvalues (ascending) and orthonormal eigenvectors (columns) of the symmetric matrices A, read
    from the lower triangle (`UPLO='U'`: the upper). Each eigenvector is unique only up to its sign: LAPACK
    chooses it (torch's may choose another where its LAPACK differs)."""
    values, vectors = _eigh("linalg.eigh", A, UPLO)
    return _MaxResult(*_outputs(Eigh, A, (values, vectors)), "linalg_eigh")


def eigvalsh(A: Any, UPLO: str = "L") -> Any:
    """The eigenvalues of the symmetric matrices A, ascending (`eigh`'s first output; its node keeps the
    eigenvectors for the gradient, V diag(g) V^T)."""
    values, vectors = _eigh("linalg.eigvalsh", A, UPLO)
    return Eigh.apply(A, (values, vectors), 0, None)


def _eigh(name: str, A: Any, UPLO: str) -> tuple:
    """torch's checks of `eigh` and `eigvalsh` (both name `linalg.eigh` past the argument), then NumPy's eigh."""
    _check_tensor(name, A, "input")
    _check_square_matrices("linalg.eigh", A, floating=False)
    if not isinstance(UPLO, str) or UPLO.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    if not A.is_floating_point() or A.dtype == float16:
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for '{torch_type_name(A.dtype.numpy_dtype)}'")
    a = A.detach().numpy()
    values, vectors = np.linalg.eigh(a, UPLO=UPLO.upper())
    return values.astype(a.dtype, copy=False), vectors.astype(a.dtype, copy=False)


def _kept(values: np.ndarray, atol: Any, rtol: Any, size: int) -> np.ndarray:
    """Which singular values (or |eigenvalues|, `hermitian`) count, as torch's `pinv` and `matrix_rank`:
    those above max(atol, rtol * the largest); without rtol, rtol is eps * max(m, n), or 0 where atol > 0."""
    magnitudes = np.abs(values)
    atol = 0.0 if atol is None else _tolerance_array(atol)
    if rtol is None:
        rtol = np.where(np.asarray(atol) > 0, 0.0, np.finfo(values.dtype).eps * size)
    else:
        rtol = _tolerance_array(rtol)
    largest = magnitudes.max(-1, keepdims=True, initial=0.0)
    threshold = np.maximum(np.asarray(atol)[..., None], np.asarray(rtol)[..., None] * largest)
    return magnitudes > threshold


def _tolerance_array(value: Any) -> np.ndarray:
    """A tolerance given as a number or a tensor (one per matrix of the batch), as an array."""
    return value.detach().numpy() if isinstance(value, TensorBase) else np.asarray(float(value))


def _tolerance_overloads(name: str, A: Any, positional: str) -> None:
    """torch's TypeError for an input that is not a tensor, listing the overloads of `pinv` and `matrix_rank`
    (tolerances as keywords, or one `positional` tolerance)."""
    if not isinstance(A, TensorBase):
        overloads = "".join(f"\n * (Tensor input, {form})" for form in (
            "*, Tensor atol = None, Tensor rtol = None, bool hermitian = False, Tensor out = None",
            "*, float atol = None, float rtol = None, bool hermitian = False, Tensor out = None",
            f"Tensor {positional}, bool hermitian = False, *, Tensor out = None",
            f"float {positional}, bool hermitian = False, *, Tensor out = None"))
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({type(A).__name__}), but "
                        f"expected one of:{overloads}\n")


def _svd(a: np.ndarray) -> tuple:
    """The thin SVD (U, s, V^T) of the matrices `a`; a matrix with inf or nan raises torch's `LinAlgError`."""
    try:
        return np.linalg.svd(a, full_matrices=False)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix contained "
                          "non-finite values.") from None


def pinv(A: Any, rcond: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None) -> Any:
    """The Moore-Penrose pseudo-inverse: V diag(1/s) U^T from the SVD A = U diag(s) V^T, keeping the singular
    values above max(atol, rtol * the largest) (`hermitian`: from the eigendecomposition of a symmetric A;
    `rcond`, positional, older form: rtol). The gradient is Golub and Pereyra's (`ops.linalg.pinv_backward`)."""
    _tolerance_overloads("linalg_pinv", A, "rcond")
    if rcond is not None:
        rtol = rcond
    if A.ndim < 2 or not A.is_floating_point() or A.dtype == float16:
        shape = ", ".join(map(str, A.shape))
        raise RuntimeError(f"linalg.pinv({torch_type_name(A.dtype.numpy_dtype)}{{[{shape}]}}): expected a tensor with "
                           "2 or more dimensions of float, double, cfloat or cdouble types")
    if hermitian:
        _check_square_matrices("linalg.eigh", A)
    a = A.detach().numpy()
    m, n = a.shape[-2:]
    if hermitian:
        values, vectors = np.linalg.eigh(a)
        inverse = np.where(_kept(values, atol, rtol, n), 1 / np.where(values == 0, 1, values), 0)
        result = (vectors * inverse[..., None, :]) @ np.swapaxes(vectors, -1, -2)
    elif a.size == 0:
        result = np.zeros(a.shape[:-2] + (n, m), a.dtype)
    else:
        u, s, vh = _svd(a)
        inverse = np.where(_kept(s, atol, rtol, max(m, n)), 1 / np.where(s == 0, 1, s), 0)
        result = np.swapaxes(vh, -1, -2) @ (inverse[..., :, None] * np.swapaxes(u, -1, -2))
    return Pinv.apply(A, result.astype(a.dtype, copy=False))


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None) -> Any:
    """The number of singular values (|eigenvalues| when `hermitian`) above max(atol, rtol * the largest), as
    int64; `tol` (positional, older form) is an atol with rtol 0."""
    _tolerance_overloads("linalg_matrix_rank", A, "tol")
    if A.ndim < 2:
        raise RuntimeError(f"{_PACKAGE}.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.")
    if hermitian:
        _check_square_matrices("linalg.eigh", A, floating=False)
    if not A.is_floating_point() or A.dtype == float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    a = A.detach().numpy()
    m, n = a.shape[-2:]
    if a.size == 0:
        values = np.zeros(a.shape[:-2] + (0,), a.dtype)
    else:
        values = np.linalg.eigvalsh(a) if hermitian else _svd(a)[1]
    return A._make(np.asarray(_kept(values, atol, rtol, max(m, n)).sum(-1), np.int64))


def lstsq(A: Any, B: Any, rcond: Any = None, *, driver: str | None = None) -> Any:
    """The least-squares solution X of A X = B (the minimum-norm one where A is rank-deficient), with torch's
    outputs (solution, residuals, rank, singular_values). As torch's CPU default driver 'gelsy': rank counts
    the singular values above rcond * the largest (rcond: eps * max(m, n) by default), and the residuals and
    singular values are empty; 'gelsd' and 'gelss' also give the singular values, every driver but 'gelsy' the
    squared residuals of a tall, full-rank A, and 'gels' no rank."""
    _check_tensor("linalg.lstsq", A, "input")
    _check_tensor("linalg.lstsq", B, "b", 2)
    name = f"{_PACKAGE}.linalg.lstsq"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError(f"{name}: other must have at least 1 dimension.")
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got input's dtype "
                           f"{torch_type_name(A.dtype.numpy_dtype)} and other's dtype "
                           f"{torch_type_name(B.dtype.numpy_dtype)}")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(f"{name}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    b_shape = tuple(B.shape) + (1,) if vector else tuple(B.shape)
    if A.shape[-2] != b_shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size({-1 if vector else -2})")
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if not A.is_floating_point() or A.dtype == float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    check_broadcast(tuple(A.shape[:-2]), b_shape[:-2])
    if B.ndim == A.ndim - 1 and not vector:  # (torch matches such a B's leading dims with A's batch)
        check_broadcast(tuple(A.shape[:-2]), tuple(B.shape[:-1]))
    a, b = A.detach().numpy(), B.detach().numpy()
    b = b[..., None] if vector else b
    m, n = a.shape[-2:]
    driver = driver or "gelsy"
    limit = np.finfo(a.dtype).eps * max(m, n) if rcond is None or rcond < 0 else rcond
    if a.size == 0:
        values = np.zeros(a.shape[:-2] + (0,), a.dtype)
        solution = np.zeros(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (n, b.shape[-1]), a.dtype)
    else:  # (the minimum-norm solution: V diag(1/s) U^T B over the singular values kept)
        u, values, vh = _svd(a)
        inverse = np.where(_kept(values, 0.0, limit, max(m, n)), 1 / np.where(values == 0, 1, values), 0)
        solution = np.swapaxes(vh, -1, -2) @ (inverse[..., :, None] * (np.swapaxes(u, -1, -2) @ b))
    rank = _kept(values, 0.0, limit, max(m, n)).sum(-1)
    solution = solution.astype(a.dtype, copy=False)
    if m > n and driver != "gelsy" and (driver == "gels" or bool(np.all(rank == n))):
        residuals = ((a @ solution - b) ** 2).sum(-2).astype(a.dtype, copy=False)  # (a vector's keeps its 1)
    else:
        residuals = np.zeros(0, a.dtype)
    x, solution = solution, solution[..., 0] if vector else solution
    return _MaxResult(Lstsq.apply(A, B, solution, vector, None), Lstsq.apply(A, B, residuals, vector, x),
                  A._make(np.zeros(0, np.int64) if driver == "gels" else np.asarray(rank, np.int64)),
                  A._make(values.astype(a.dtype, copy=False) if driver in ("gelsd", "gelss") else np.zeros(0, a.dtype)),
                  "linalg_lstsq")


def slogdet(A: Any) -> Any:
    """(sign, log |det A|) of the square matrices A: the determinant without its overflow (sign 0 and -inf
    for a singular matrix). The gradient of log |det A| is A^-T."""
    return _MaxResult(*_slogdet(A, "linalg.slogdet"), "linalg_slogdet")


def _slogdet(A: Any, name: str) -> tuple:
    """The two outputs of `slogdet`, after torch's checks under `name`."""
    _check_square_matrices(name, A)
    if A.dtype == float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")
    a = A.detach().numpy()
    with np.errstate(all="ignore"):
        sign, logabsdet = np.linalg.slogdet(a)
    sign = np.where(np.isnan(logabsdet), 0, sign)  # (torch: no sign for a NaN determinant)
    factors = (np.asarray(sign, a.dtype), np.asarray(logabsdet, a.dtype))
    return tuple(Slogdet.apply(A, factors, i) for i in range(2))


def matrix_power(A: Any, n: int) -> Any:
    """A multiplied by itself n times (n < 0: of its inverse; n = 0: the identity), by repeated squaring in
    torch's order, so that the graph is torch's: n = 1 a copy, n = -1 `inv`, 2 and 3 products in turn,
    larger n the binary decomposition of n."""
    _check_tensor("linalg.matrix_power", A, "input")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not {python_type_name(n)}")
    _check_square_matrices("linalg.matrix_power", A, floating=False)
    if n == 0:  # (torch: a copy that joins the graph, overwritten with the identity)
        return A.clone().copy_(A._make(np.eye(A.shape[-1], dtype=A.dtype.numpy_dtype)))
    if n == 1:
        return A.clone()
    if n == -1:
        return inv(A)
    a = inv(A) if n < 0 else A
    n = abs(n)
    if n == 2:
        return a @ a
    if n == 3:
        return (a @ a) @ a
    power, result = None, None
    while n > 0:  # (from the lowest bit: power is a^(2^k); the bits that are 1 multiply it into result)
        n, bit = divmod(n, 2)
        power = a if power is None else power @ power
        if bit:
            result = power if result is None else result @ power
    return result


def multi_dot(tensors: Any) -> Any:
    """The product of a chain of matrices (the first may be a row vector, the last a column vector), in the
    order that needs the fewest scalar multiplications (the textbook dynamic programme over split points)."""
    if isinstance(tensors, TensorBase) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"linalg_multi_dot(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{python_type_name(tensors)}")
    return _multi_dot(list(tensors))


def _multi_dot(tensors: list) -> Any:
    """torch's checks and chain of `mm`s for `multi_dot` (and `chain_matmul`), then the result viewed to drop
    the dims of 1-D ends."""
    for i, t in enumerate(tensors):
        if not isinstance(t, TensorBase):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {python_type_name(t)}")
    count = len(tensors)
    if count < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {count}")
    first, last = tensors[0], tensors[-1]
    if first.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.ndim}D")
    if last.ndim not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.ndim}D")
    shape = ([first.shape[0]] if first.ndim == 2 else []) + ([last.shape[1]] if last.ndim == 2 else [])
    matrices = [first.unsqueeze(0) if first.ndim == 1 else first] + list(tensors[1:-1]) + \
        [last.unsqueeze(-1) if last.ndim == 1 else last]
    for i in range(1, count - 1):
        if tensors[i].ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {tensors[i].ndim}D")
    for i in range(1, count):
        if matrices[i].dtype != matrices[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{cpp_type_name(matrices[0].dtype.numpy_dtype)} and tensor {i} "
                               f"{cpp_type_name(matrices[i].dtype.numpy_dtype)}")
        if matrices[i - 1].shape[-1] != matrices[i].shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(tensors[i - 1].shape)} and "
                               f"{list(tensors[i].shape)} cannot be multiplied")
    sizes = [matrices[0].shape[0]] + [t.shape[1] for t in matrices]
    return _chain(matrices, _split_points(sizes), 0, count - 1).view(shape)


def _split_points(sizes: list) -> dict:
    """For each sub-chain (i, j) of the matrices (matrix k is sizes[k] x sizes[k + 1]), where to split it so
    that its product costs the fewest multiplications: cost(i, j) = min over k of cost(i, k) + cost(k + 1, j)
    + sizes[i] sizes[k + 1] sizes[j + 1]."""
    count = len(sizes) - 1
    cost, split = {(i, i): 0 for i in range(count)}, {}
    for length in range(2, count + 1):
        for i in range(count - length + 1):
            j = i + length - 1
            options = [(cost[i, k] + cost[k + 1, j] + sizes[i] * sizes[k + 1] * sizes[j + 1], k) for k in range(i, j)]
            cost[i, j], split[i, j] = min(options)
    return split


def _chain(matrices: list, split: dict, i: int, j: int) -> Any:
    """The product of matrices i..j, split as `split` says."""
    if i == j:
        return matrices[i]
    k = split[i, j]
    return _chain(matrices, split, i, k).mm(_chain(matrices, split, k + 1, j))


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Any:
    """The dot products of the vectors along `dim` (x and y broadcast): (x * y).sum(dim), or `vdot` for two
    vectors, as torch computes them."""
    _check_tensor("linalg.vecdot", x, "x")
    _check_tensor("linalg.vecdot", y, "y", 2)
    _check_floating("linalg.vecdot", x)
    if x.dtype != y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{torch_type_name(x.dtype.numpy_dtype)} and y of type "
                           f"{torch_type_name(y.dtype.numpy_dtype)} instead")
    if x.ndim == 1 and y.ndim == 1 and dim in (0, -1):
        return x.vdot(y)
    return (x * y).sum(dim)



def _logdet(A: Any) -> Any:
    """`logdet`: log |det A| from `slogdet`, nan where the determinant is negative (torch's `where`, so the
    gradient is slogdet's where the determinant is positive)."""
    sign, logabsdet = _slogdet(A, "logdet")
    return logabsdet.where(sign != -1, math.nan)


def svd(A: Any, full_matrices: bool = True) -> Any:
    """A = U diag(S) Vh: orthonormal columns in U, singular values S (largest first), orthonormal rows in Vh;
    `full_matrices`: U m x m and Vh n x n, else k = min(m, n) of each. Each pair of singular vectors is unique
    only up to a common sign: LAPACK chooses it (torch's may choose another). The rule is `ops.linalg.svd_backward`."""
    _check_tensor("linalg.svd", A)
    return _MaxResult(*_svd_outputs(A, full_matrices), "linalg_svd")


def _svd_outputs(A: Any, full_matrices: bool) -> tuple:
    """torch's checks of `linalg.svd` (after the argument's), then U, S and Vh, one node each (see `_outputs`)."""
    _check_matrices("linalg.svd", A)
    if A.dtype == float16:
        raise NotImplementedError("\"linalg_svd_cpu\" not implemented for 'Half'")
    a = A.detach().numpy()
    if a.size == 0:
        factors = np.linalg.svd(a, full_matrices=full_matrices)
    else:
        try:
            factors = np.linalg.svd(a, full_matrices=full_matrices)
        except np.linalg.LinAlgError:
            factors = _svd(a)  # (raises torch's error)
    return _outputs(Svd, A, tuple(f.astype(a.dtype, copy=False) for f in factors), full_matrices)


def solve_triangular(A: Any, B: Any, *, upper: bool | None = None, left: bool = True,
                     unitriangular: bool = False) -> Any:
    """X with A X = B (`left`) or X A = B for triangular A: only A's `upper` (or lower) triangle is read, its
    diagonal taken to be ones when `unitriangular`. Batches broadcast; B is read in A's dtype; a zero on A's
    diagonal gives inf and nan. `upper` is required (torch's TypeError without it)."""
    if upper is None:
        raise TypeError('linalg_solve_triangular() missing 1 required positional arguments: "upper"')
    _check_tensor("linalg.solve_triangular", A, "input")
    _check_tensor("linalg.solve_triangular", B, "B", 2)
    name = "linalg.solve_triangular"
    _check_square_matrices(name, A, floating=False)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if A.shape[-1 if left else -2] != B.shape[-2 if left else -1]:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {equation} "
                           f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    for t in (A, B):
        if not t.is_floating_point() or t.dtype == float16:
            raise NotImplementedError(f"\"triangular_solve_cpu\" not implemented for "
                                      f"'{torch_type_name(t.dtype.numpy_dtype)}'")
    check_broadcast(tuple(B.shape[:-2]), tuple(A.shape[:-2]))
    return SolveTriangular.apply(A, B, upper, left, unitriangular)


def _triangular_solve(b: Any, A: Any, upper: bool, transpose: bool, unitriangular: bool) -> Any:
    """The deprecated `triangular_solve(b, A)`: (solution of op(A) X = b, a copy of A), its checks in torch's order."""
    if b.ndim < 2:
        raise RuntimeError(f"{_PACKAGE}.triangular_solve: Expected b to have at least 2 dimensions, but it has "
                           f"{b.ndim} dimensions instead")
    if A.ndim < 2:
        raise RuntimeError(f"{_PACKAGE}.triangular_solve: Expected A to have at least 2 dimensions, but it has "
                           f"{A.ndim} dimensions instead")
    _check_linear_solve(b, A, "triangular_solve")
    a = A.detach().numpy()
    x = triangular_solution(np.swapaxes(a, -1, -2) if transpose else a, b.detach().numpy(), upper != transpose,
                            True, unitriangular).astype(a.dtype, copy=False)
    batch = np.broadcast_shapes(a.shape[:-2], tuple(b.shape[:-2]))
    copy = np.broadcast_to(a, batch + a.shape[-2:]).copy()
    options = (upper, transpose, unitriangular)
    return tuple(TriangularSolve.apply(b, A, (x, copy), i, options) for i in range(2))


def _check_linear_solve(b: Any, A: Any, name: str) -> None:
    """torch's `linearSolveCheckInputs` and kernel check, shared by triangular_solve and cholesky_solve: one
    dtype, square A, A's size matching b's rows, a float kernel, broadcastable batches."""
    if b.dtype != A.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{torch_type_name(b.dtype.numpy_dtype)} and A of type "
                           f"{torch_type_name(A.dtype.numpy_dtype)} instead.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are {A.shape[-2]} by {A.shape[-1]} "
                           "matrices")
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {A.shape[-2]} by "
                           f"{A.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}")
    if not A.is_floating_point() or A.dtype == float16:
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{torch_type_name(A.dtype.numpy_dtype)}'")
    check_broadcast(tuple(b.shape[:-2]), tuple(A.shape[:-2]))


def _cholesky_solve(B: Any, L: Any, upper: bool) -> Any:
    """`cholesky_solve(B, L)`: X with A X = B for A = L L^T (U^T U when `upper`), checks in torch's order."""
    if B.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {B.ndim} dimensions instead")
    if L.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {L.ndim} dimensions instead")
    _check_linear_solve(B, L, "cholesky_solve")
    return CholeskySolve.apply(B, L, upper)


def _cholesky_inverse(L: Any, upper: bool) -> Any:
    """`cholesky_inverse(L)`: A^-1 for A = L L^T (U^T U when `upper`)."""
    _check_square_matrices("cholesky_inverse", L, floating=False)
    if not L.is_floating_point() or L.dtype == float16:
        raise NotImplementedError(f"\"cholesky_inverse_out_cpu\" not implemented for "
                                  f"'{torch_type_name(L.dtype.numpy_dtype)}'")
    return CholeskyInverse.apply(L, upper)


def lu_factor(A: Any, *, pivot: bool = True) -> Any:
    """(LU, pivots): A = P L U with partial pivoting as LAPACK's getrf (`ops.linalg.lu_factor`), L (below the
    diagonal, its ones left out) and U packed in one matrix, the pivots 1-based int32; a zero pivot raises
    torch's RuntimeError (`lu_factor_ex` returns it as info)."""
    _check_tensor("linalg.lu_factor", A)
    return _MaxResult(*_lu_factor_outputs(A, pivot, "lu_factor", True)[:2], "linalg_lu_factor")


def lu_factor_ex(A: Any, *, pivot: bool = True, check_errors: bool = False) -> Any:
    """`lu_factor` without the error: (LU, pivots, info), info (int32, one per matrix) the order of the first
    zero pivot (0 when none); `check_errors` raises as `lu_factor`."""
    _check_tensor("linalg.lu_factor_ex", A)
    return _MaxResult(*_lu_factor_outputs(A, pivot, "lu_factor_ex", check_errors), "linalg_lu_factor_ex")


def _lu_factor_outputs(A: Any, pivot: bool, name: str, check_errors: bool) -> tuple:
    """(LU, pivots, info) as tensors, LU under LinalgLuFactorExBackward0; with `check_errors`, the first zero
    pivot raises torch's message under `name`."""
    lu, pivots, info = _lu_factors(A, pivot, "lu_factor")
    if check_errors and info.any():
        number = int(np.flatnonzero(info)[0])
        prefix = f"(Batch element {number}): " if info.ndim else ""
        order = info.reshape(-1)[number]
        raise RuntimeError(f"{_PACKAGE}.linalg.{name}: {prefix}U[{order},{order}] is zero and using it on lu_solve "
                           "would result in a division by zero. If you still want to perform the factorization, "
                           "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return LuFactor.apply(A, lu, pivots), A._make(pivots), A._make(info)


def _lu_factors(A: Any, pivot: bool, name: str) -> tuple:
    """torch's checks of `lu_factor` and `lu` (`name` in the dims' message), then LAPACK's getrf."""
    if A.ndim < 2:
        prefix = f"{_PACKAGE}." if name == "lu_factor" else "linalg."
        raise RuntimeError(f"{prefix}{name}: Expected tensor with 2 or more dimensions. Got size: "
                           f"[{', '.join(map(str, A.shape))}] instead")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    if not A.is_floating_point() or A.dtype == float16:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{torch_type_name(A.dtype.numpy_dtype)}'")
    return _lu_factor(A.detach().numpy())


def lu(A: Any, *, pivot: bool = True) -> Any:
    """(P, L, U) with A = P L U: P a permutation (the rows LAPACK's partial pivoting swapped), L m x k lower with
    ones on its diagonal, U k x n upper (k = min(m, n)). A zero pivot does not raise. The rule is
    `ops.linalg.lu_backward`."""
    _check_tensor("linalg.lu", A)
    lu_packed, pivots, _ = _lu_factors(A, pivot, "lu")
    p, lower, upper = lu_unpack(lu_packed, pivots)
    return _MaxResult(A._make(p), *_outputs(Lu, A, (lower, upper, p), count=2), "linalg_lu")


def lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True, adjoint: bool = False) -> Any:
    """X with A X = B from A = P L U packed by `lu_factor` (`left=False`: X A = B; `adjoint`: A^T in place of
    A). Batches broadcast."""
    for value, name, position in ((LU, "LU", 1), (pivots, "pivots", 2), (B, "B", 3)):
        _check_tensor("linalg.lu_solve", value, name, position)
    name = f"{_PACKAGE}.linalg.lu_solve"
    _check_square_matrices(name, LU)
    if B.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    if LU.shape[-1 if left else -2] != B.shape[-2 if left else -1]:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.lu_solve: Incompatible shapes of A and B for the equation {equation} "
                           f"({LU.shape[-2]}x{LU.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
                           f"{torch_type_name(LU.dtype.numpy_dtype)} and B of type "
                           f"{torch_type_name(B.dtype.numpy_dtype)} instead")
    if pivots.dtype.numpy_dtype != np.int32:
        raise RuntimeError(f"linalg.lu_solve: pivots should be a Tensor of scalar type {_PACKAGE}.int32")
    if pivots.ndim == 0 or pivots.shape[-1] != LU.shape[-1]:
        raise RuntimeError("linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix")
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError(f"linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots "
                           f"with shape [{', '.join(map(str, pivots.shape))}] instead")
    if LU.dtype == float16:
        raise NotImplementedError("\"lu_solve_cpu\" not implemented for 'Half'")
    check_broadcast(tuple(B.shape[:-2]), tuple(LU.shape[:-2]))
    return LuSolve.apply(LU, pivots, B, left, adjoint)
