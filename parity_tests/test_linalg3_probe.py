"""Linear algebra, third part (the SVD, triangular systems, Cholesky's solves, the matrix exponential, the
`_ex` forms), differential probe.

What this proves (torch 2.13 is the reference, compared at test time):
- `linalg.svd` (`full_matrices=`) gives torch's named tuple (U, S, Vh), shapes (tall, wide, square, batched,
  empty), singular values and singular vectors up to a common sign per pair (which torch documents as not
  unique: the tests compare U's first min(m, n) columns with their largest entry made positive and Vh's rows
  turned with them, and losses that do not depend on the signs), LinalgSvdBackward0 on each output and torch's
  gradient (`svd_backward`: U's, S's and Vh's parts, the tall and wide extra terms, nan for the singular vectors
  of repeated singular values); `linalg.svdvals` shares that rule; the older `svd(some=, compute_uv=)` gives
  V = Vh^T (TransposeBackward0) and, without `compute_uv`, zero matrices for U and V;
- `linalg.solve_triangular` (`upper`, `left`, `unitriangular`; only the triangle read; batches broadcast, dtypes
  promote; inf and nan at a zero on the diagonal) and the deprecated `triangular_solve` (`transpose`, the copy
  of A as `cloned_coefficient`, TriangularSolveBackward0, its once-a-process warning) give torch's values and
  gradients (on the triangle only);
- `cholesky_solve` and `cholesky_inverse` (`upper=`) give torch's values, nodes and gradients (torch's rules,
  which use the whole factor given);
- `linalg.matrix_exp` (and `matrix_exp`, `Tensor.matrix_exp`) gives torch's values and its gradient (the
  exponential of the block matrix [[A^T, g], [0, A^T]]), batched and for large norms;
- `linalg.lu_factor`/`lu_factor_ex` (LAPACK's partial pivoting: the same rows chosen, 1-based int32 pivots),
  `linalg.lu` (P, L, U for square, tall and wide A) and `linalg.lu_solve` (`left`, `adjoint`, batches) give torch's
  values, named tuples, nodes (LinalgLuFactorExBackward0, LinalgLuBackward0, LinalgLuSolveBackward0) and
  gradients; a zero pivot raises torch's RuntimeError from `lu_factor` (`U[k,k] is zero`, batch element named);
- `linalg.cholesky_ex` and `linalg.inv_ex` give (L, info) and (inverse, info) as torch: int32 info per matrix,
  LAPACK's partial factor of a matrix that is not positive-definite, the inf and nan of a singular inverse
  with the order of the first zero LU pivot, and with `check_errors` torch's `LinAlgError` message;
- the errors of every one of these (dims, squareness, shapes, dtypes, non-tensor arguments) are torch's types
  and messages.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, fresh_process_warnings, torch_text
from parity_tests.test_linalg2_probe import FLOAT32, graded, linalg, matrix, weighted

TIGHT = (1e-6, 1e-7)


def tolerance(case: str) -> tuple:
    return FLOAT32 if "32" in case else TIGHT


# ---------------------------------------------------------------------------------------------- SVD
def svd_signed(m: Any, out: Any) -> tuple:
    """(U's first k columns, S, Vh's first k rows) with each pair's sign fixed by U's column's largest entry:
    a pair of singular vectors is unique only up to a common sign."""
    u, s, vh = out
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    sign = u.gather(-2, u.abs().argmax(-2, keepdim=True)).sign()
    return u * sign, s, vh * sign.mT


def svd_invariant(m: Any, out: Any) -> Any:
    """A loss that reaches U, S and Vh without depending on the pairs' signs: |U|^2 and |Vh|^2 element-wise,
    S, and U diag(sin S) Vh."""
    u, s, vh = out
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    return weighted(m, u * u) + weighted(m, vh * vh) + weighted(m, s) + weighted(m, (u * s.sin().unsqueeze(-2)) @ vh)


def svd_shown(build: Callable, full: bool = False) -> Callable:
    """`build(m, A)` = an SVD: its type name, the signed factors, and (`full`) the shapes of the whole U and Vh."""
    def shown(m: Any, A: Any) -> tuple:
        out = build(m, A)
        return type(out).__name__, svd_signed(m, out), tuple(out[0].shape), tuple(out[2].shape), out
    return shown


def svd_case(build: Callable, shape: tuple, kind: str = "any", dtype: str = "float64",
             loss: Callable | None = None) -> Callable:
    """A program: the signed SVD of a random A (what `build` gives) and A's gradient for `loss` (default:
    `svd_invariant`)."""
    def program(m: Any) -> Any:
        A = matrix(m, shape, kind, dtype)
        name, signed, u_shape, vh_shape, out = svd_shown(build)(m, A)
        (loss or svd_invariant)(m, out).backward()
        return name, signed, u_shape, vh_shape, [o.grad_fn is not None for o in out], A.grad
    return program


SVD = {
    "tall": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (5, 3)),
    "wide": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (3, 5)),
    "square": svd_case(lambda m, A: linalg(m).svd(A), (4, 4)),
    "batched": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (2, 4, 3)),
    "full tall": svd_case(lambda m, A: linalg(m).svd(A), (5, 3)),
    "full wide, positional": svd_case(lambda m, A: linalg(m).svd(A, True), (2, 3, 5)),
    "float32": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (5, 3), dtype="float32"),
    "non-contiguous": svd_case(lambda m, A: linalg(m).svd(A.mT, full_matrices=False), (3, 5)),
    "U only": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (5, 3),
                       loss=lambda m, out: weighted(m, out.U * out.U)),
    "Vh only, wide": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (3, 5),
                              loss=lambda m, out: weighted(m, out.Vh * out.Vh)),
    "S only": svd_case(lambda m, A: linalg(m).svd(A), (4, 3), loss=lambda m, out: weighted(m, out.S)),
    "U and S, tall": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (5, 3),
                              loss=lambda m, out: weighted(m, (out.U * out.S.unsqueeze(-2)).pow(2))),
    "Vh and S, wide": svd_case(lambda m, A: linalg(m).svd(A, full_matrices=False), (3, 5),
                               loss=lambda m, out: weighted(m, (out.S.unsqueeze(-1) * out.Vh).pow(2))),
    "repeated singular values, vectors' loss": lambda m: (lambda A: (
        svd_invariant(m, linalg(m).svd(A)).backward(), A.grad))(m.eye(3, dtype=m.float64, requires_grad=True)),
    "repeated singular values, values' loss": lambda m: (lambda A: (
        linalg(m).svd(A).S.sum().backward(), A.grad))(m.eye(3, dtype=m.float64, requires_grad=True)),
    "empty rows": lambda m: tuple(linalg(m).svd(matrix(m, (0, 3)))),
    "empty columns, reduced": lambda m: tuple(linalg(m).svd(matrix(m, (3, 0)), full_matrices=False)),
    "svdvals shares the rule": graded(lambda m, A: linalg(m).svdvals(A), (2, 3, 4)),
    "older svd": svd_case(lambda m, A: (lambda out: (out.U, out.S, out.V.mT))(m.svd(A)), (5, 3)),
    "older svd, some=False": svd_case(lambda m, A: (lambda out: (out[0], out[1], out[2].mT))(m.svd(A, some=False)),
                                      (3, 5)),
    "older svd names and nodes": lambda m: (lambda out: (type(out).__name__, out.V.grad_fn.name(), out.V.shape))(
        matrix(m, (4, 3)).svd()),
    "older svd without U and V": graded(lambda m, A: tuple(m.svd(A, compute_uv=False)), (2, 3, 4)),
    "older svd without U and V, some=False": graded(lambda m, A: tuple(A.svd(False, False)), (4, 3)),
}

SVD_ERRORS = {
    "1-d": lambda m: linalg(m).svd(m.ones(3)),
    "int64": lambda m: linalg(m).svd(m.ones(3, 3, dtype=m.int64)),
    "float16": lambda m: linalg(m).svd(m.ones(3, 3, dtype=m.float16)),
    "list": lambda m: linalg(m).svd([[1.0]]),
    "older svd 1-d": lambda m: m.svd(m.ones(3)),
    "older svd int64": lambda m: m.svd(m.ones(3, 3, dtype=m.int64)),
    "older svd 1-d int64": lambda m: m.svd(m.ones(3, dtype=m.int64)),
}


@pytest.mark.parametrize("case", SVD)
def test_svd_matches_torch(case):
    assert_matches_torch(SVD[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", SVD_ERRORS)
def test_svd_errors_match_torch(case):
    assert_matches_torch(SVD_ERRORS[case])


# ---------------------------------------------------------------------------------------------- triangular systems
def solved(build: Callable, *shapes: tuple, dtypes: tuple = ("float64", "float64"),
           loss: Callable | None = None) -> Callable:
    """A program: `build(m, *leaves)` on random leaves (each shape with its dtype), then the weighted backward of
    every output that requires grad; the outputs and every leaf's gradient."""
    def program(m: Any) -> Any:
        tensors = [matrix(m, shape, dtype=dtype, seed=i) for i, (shape, dtype) in enumerate(zip(shapes, dtypes))]
        out = build(m, *tensors)
        outputs = out if isinstance(out, tuple) else (out,)
        total = loss(m, out) if loss else sum(weighted(m, o) for o in outputs if o.requires_grad and o.numel())
        if not isinstance(total, int):
            total.backward()
        return out, [t.grad for t in tensors]
    return program


def solve_triangular(m: Any) -> Callable:
    return linalg(m).solve_triangular


TRIANGULAR = {
    "upper": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (4, 4), (4, 2)),
    "lower": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=False), (4, 4), (4, 2)),
    "right": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True, left=False), (3, 3), (2, 3)),
    "right, lower, unitriangular": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=False, left=False,
                                                                                unitriangular=True), (3, 3), (2, 3)),
    "unitriangular": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True, unitriangular=True), (3, 3),
                            (3, 3)),
    "batched A": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=False), (2, 3, 3), (3, 2)),
    "batched B": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (3, 3), (2, 1, 3, 2)),
    "float32": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (4, 4), (4, 2),
                      dtypes=("float32", "float32")),
    "float32 and float64 promote": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (3, 3), (3, 2),
                                          dtypes=("float32", "float64")),
    "non-contiguous": solved(lambda m, A, B: solve_triangular(m)(A.mT, B.mT, upper=True), (3, 3), (2, 3)),
    "empty": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (0, 0), (0, 2)),
    "empty right-hand side": solved(lambda m, A, B: solve_triangular(m)(A, B, upper=True), (3, 3), (3, 0)),
    "zero on the diagonal": lambda m: solve_triangular(m)(m.zeros(2, 2), m.ones(2, 2), upper=False),
    "deprecated": solved(lambda m, B, A: tuple(m.triangular_solve(B, A)), (3, 2), (3, 3)),
    "deprecated names": lambda m: (lambda out: (type(out).__name__, out.solution, out.cloned_coefficient))(
        m.triangular_solve(matrix(m, (3, 2)), matrix(m, (3, 3), seed=1))),
    "deprecated lower, transposed, unitriangular": solved(
        lambda m, B, A: tuple(m.triangular_solve(B, A, upper=False, transpose=True, unitriangular=True)), (3, 2),
        (3, 3)),
    "deprecated transposed, method": solved(lambda m, B, A: tuple(B.triangular_solve(A, True, True)), (3, 2),
                                            (3, 3)),
    "deprecated batched": solved(lambda m, B, A: tuple(m.triangular_solve(B, A)), (2, 3, 2), (3, 3)),
    "deprecated solution only": solved(lambda m, B, A: m.triangular_solve(B, A, False), (3, 2), (3, 3),
                                       loss=lambda m, out: weighted(m, out.solution)),
}

TRIANGULAR_ERRORS = {
    "no upper": lambda m: solve_triangular(m)(m.eye(2), m.eye(2)),
    "shapes": lambda m: solve_triangular(m)(m.eye(3), m.ones(2, 3), upper=True),
    "shapes, right": lambda m: solve_triangular(m)(m.eye(3), m.ones(3, 2), upper=True, left=False),
    "1-d B": lambda m: solve_triangular(m)(m.eye(3), m.ones(3), upper=True),
    "1-d A": lambda m: solve_triangular(m)(m.ones(3), m.ones(3, 3), upper=True),
    "not square": lambda m: solve_triangular(m)(m.ones(3, 2), m.ones(3, 2), upper=True),
    "int64": lambda m: solve_triangular(m)(m.eye(2, dtype=m.int64), m.eye(2, dtype=m.int64), upper=True),
    "float16": lambda m: solve_triangular(m)(m.eye(2, dtype=m.float16), m.eye(2, dtype=m.float16), upper=True),
    "list": lambda m: solve_triangular(m)([[1.0]], m.eye(1), upper=True),
    "batches": lambda m: solve_triangular(m)(m.ones(2, 3, 3), m.ones(4, 3, 3), upper=True),
    "deprecated 1-d b": lambda m: m.triangular_solve(m.ones(3), m.eye(3)),
    "deprecated shapes": lambda m: m.triangular_solve(m.ones(2, 3), m.eye(3)),
    "deprecated dtypes": lambda m: m.triangular_solve(m.ones(3, 2), m.eye(3, dtype=m.float64)),
    "deprecated int64": lambda m: m.triangular_solve(m.ones(3, 2, dtype=m.int64), m.eye(3, dtype=m.int64)),
    "deprecated list": lambda m: m.triangular_solve(m.ones(3, 2), [[1.0]]),
    "deprecated list, method": lambda m: m.ones(3, 2).triangular_solve([[1.0]]),
}


@pytest.mark.parametrize("case", TRIANGULAR)
def test_triangular_solves_match_torch(case):
    assert_matches_torch(TRIANGULAR[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", TRIANGULAR_ERRORS)
def test_triangular_solve_errors_match_torch(case):
    assert_matches_torch(TRIANGULAR_ERRORS[case])


def test_triangular_solve_warns_once_as_torch():
    programs = {"triangular_solve": "(m.triangular_solve(m.eye(2), m.eye(2)), m.eye(2).triangular_solve(m.eye(2)))"}
    assert fresh_process_warnings("minitorch_ref", programs) == fresh_process_warnings("torch", programs)


# ---------------------------------------------------------------------------------------------- Cholesky's solves
def factor_of(m: Any, shape: tuple, upper: bool = False, dtype: str = "float64") -> Any:
    """A leaf holding the Cholesky factor (L, or U when `upper`) of a random positive-definite matrix."""
    spd = matrix(m, shape, "spd", dtype, seed=5, requires_grad=False)
    return linalg(m).cholesky(spd, upper=upper).requires_grad_()


def with_factor(build: Callable, shape: tuple, b_shape: tuple | None = None, upper: bool = False,
                dtype: str = "float64", spoil: bool = False) -> Callable:
    """A program: `build(m, B, F)` (B omitted without `b_shape`) with F a Cholesky factor (`spoil`: plus
    0.5 in the other triangle, which the values do not read), then the weighted backward; out and gradients."""
    def program(m: Any) -> Any:
        factor = factor_of(m, shape, upper, dtype)
        given = (factor + (factor.mT if upper else factor.mT).tril(-1 if upper else 0).mT * 0 +
                 m.ones(shape, dtype=factor.dtype).tril(-1 if upper else 0).mT.triu(1 if not upper else 0).mT
                 * 0.5 if spoil else factor)
        args = ((matrix(m, b_shape, dtype=dtype, seed=6),) if b_shape else ()) + (given,)
        out = build(m, *args)
        weighted(m, out).backward()
        return out, [a.grad for a in args if a.is_leaf], factor.grad
    return program


CHOLESKY_SOLVES = {
    "solve": with_factor(lambda m, B, L: m.cholesky_solve(B, L), (3, 3), (3, 2)),
    "solve, upper": with_factor(lambda m, B, U: m.cholesky_solve(B, U, upper=True), (3, 3), (3, 2), upper=True),
    "solve, method, batched": with_factor(lambda m, B, L: B.cholesky_solve(L), (2, 3, 3), (2, 3, 4)),
    "solve, broadcast": with_factor(lambda m, B, L: m.cholesky_solve(B, L), (3, 3), (2, 3, 1)),
    "solve, float32": with_factor(lambda m, B, L: m.cholesky_solve(B, L), (3, 3), (3, 2), dtype="float32"),
    "solve reads one triangle": with_factor(lambda m, B, L: m.cholesky_solve(B, L), (3, 3), (3, 2), spoil=True),
    "inverse": with_factor(lambda m, L: m.cholesky_inverse(L), (4, 4)),
    "inverse, upper": with_factor(lambda m, U: m.cholesky_inverse(U, upper=True), (4, 4), upper=True),
    "inverse, method, batched": with_factor(lambda m, L: L.cholesky_inverse(), (2, 3, 3)),
    "inverse, float32": with_factor(lambda m, L: m.cholesky_inverse(L), (3, 3), dtype="float32"),
    "inverse reads one triangle": with_factor(lambda m, L: m.cholesky_inverse(L), (3, 3), spoil=True),
    "inverse, empty": lambda m: m.cholesky_inverse(m.zeros(0, 0)),
}

CHOLESKY_SOLVE_ERRORS = {
    "solve 1-d b": lambda m: m.cholesky_solve(m.ones(3), m.eye(3)),
    "solve 1-d factor": lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3)),
    "solve shapes": lambda m: m.cholesky_solve(m.ones(2, 3), m.eye(3)),
    "solve dtypes": lambda m: m.cholesky_solve(m.ones(3, 2), m.eye(3, dtype=m.float64)),
    "solve int64": lambda m: m.cholesky_solve(m.ones(3, 2, dtype=m.int64), m.eye(3, dtype=m.int64)),
    "solve not square": lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3, 2)),
    "solve list": lambda m: m.cholesky_solve(m.ones(3, 2), [[1.0]]),
    "solve list, method": lambda m: m.ones(3, 2).cholesky_solve([[1.0]]),
    "solve list input": lambda m: m.cholesky_solve([[1.0]], m.eye(1)),
    "inverse 1-d": lambda m: m.cholesky_inverse(m.ones(3)),
    "inverse not square": lambda m: m.cholesky_inverse(m.ones(3, 2)),
    "inverse int64": lambda m: m.cholesky_inverse(m.eye(3, dtype=m.int64)),
}


@pytest.mark.parametrize("case", CHOLESKY_SOLVES)
def test_cholesky_solves_match_torch(case):
    assert_matches_torch(CHOLESKY_SOLVES[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", CHOLESKY_SOLVE_ERRORS)
def test_cholesky_solve_errors_match_torch(case):
    assert_matches_torch(CHOLESKY_SOLVE_ERRORS[case])


# ---------------------------------------------------------------------------------------------- matrix_exp
MATRIX_EXP = {
    "square": graded(lambda m, A: linalg(m).matrix_exp(A), (4, 4)),
    "batched": graded(lambda m, A: linalg(m).matrix_exp(A), (2, 3, 3)),
    "large norm": graded(lambda m, A: linalg(m).matrix_exp(A * 4), (3, 3)),
    "symmetric": graded(lambda m, A: linalg(m).matrix_exp(A), (3, 3), "sym"),
    "float32": graded(lambda m, A: linalg(m).matrix_exp(A), (4, 4), dtype="float32"),
    "1 x 1": graded(lambda m, A: linalg(m).matrix_exp(A), (1, 1)),
    "empty": graded(lambda m, A: linalg(m).matrix_exp(A), (0, 0)),
    "zeros": lambda m: linalg(m).matrix_exp(m.zeros(2, 3, 3)),
    "non-contiguous": graded(lambda m, A: linalg(m).matrix_exp(A.mT), (3, 3)),
    "function and method": graded(lambda m, A: (m.matrix_exp(A), A.matrix_exp()), (3, 3)),
}

MATRIX_EXP_ERRORS = {
    "not square": lambda m: linalg(m).matrix_exp(m.ones(3, 2)),
    "1-d": lambda m: linalg(m).matrix_exp(m.ones(3)),
    "int64": lambda m: linalg(m).matrix_exp(m.ones(2, 2, dtype=m.int64)),
    "list": lambda m: linalg(m).matrix_exp([[1.0]]),
}


@pytest.mark.parametrize("case", MATRIX_EXP)
def test_matrix_exp_matches_torch(case):
    assert_matches_torch(MATRIX_EXP[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", MATRIX_EXP_ERRORS)
def test_matrix_exp_errors_match_torch(case):
    assert_matches_torch(MATRIX_EXP_ERRORS[case])


# ---------------------------------------------------------------------------------------------- cholesky_ex, inv_ex
NOT_POSITIVE = [[4.0, 2.0, 1.0], [2.0, 1.0, 0.0], [1.0, 0.0, 1.0]]
SINGULAR = [[1.0, 2.0], [2.0, 4.0]]

EX = {
    "cholesky_ex": graded(lambda m, A: tuple(linalg(m).cholesky_ex(A)), (3, 3), "spd"),
    "cholesky_ex upper, batched": graded(lambda m, A: tuple(linalg(m).cholesky_ex(A, upper=True)), (2, 3, 3), "spd"),
    "cholesky_ex float32": graded(lambda m, A: tuple(linalg(m).cholesky_ex(A)), (3, 3), "spd", "float32"),
    "cholesky_ex names": lambda m: (lambda out: (type(out).__name__, out.L, out.info))(linalg(m).cholesky_ex(m.eye(2))),
    "cholesky_ex not positive-definite": lambda m: tuple(linalg(m).cholesky_ex(m.tensor(NOT_POSITIVE))),
    "cholesky_ex not positive-definite, upper": lambda m: tuple(linalg(m).cholesky_ex(m.tensor(NOT_POSITIVE).mT,
                                                                                      upper=True)),
    "cholesky_ex negative pivot": lambda m: tuple(linalg(m).cholesky_ex(m.tensor([[1.0, 2.0], [2.0, 1.0]]))),
    "cholesky_ex batch, one failing": lambda m: tuple(linalg(m).cholesky_ex(m.stack([m.eye(3), m.tensor(NOT_POSITIVE)]))),
    "cholesky_ex empty": lambda m: tuple(linalg(m).cholesky_ex(m.zeros(2, 0, 0))),
    "inv_ex": graded(lambda m, A: tuple(linalg(m).inv_ex(A)), (3, 3)),
    "inv_ex batched, float32": graded(lambda m, A: tuple(linalg(m).inv_ex(A)), (2, 3, 3), dtype="float32"),
    "inv_ex names": lambda m: (lambda out: (type(out).__name__, out.inverse, out.info))(linalg(m).inv_ex(m.eye(2))),
    "inv_ex singular": lambda m: tuple(linalg(m).inv_ex(m.tensor(SINGULAR))),
    "inv_ex zeros": lambda m: tuple(linalg(m).inv_ex(m.zeros(2, 2))),
    "inv_ex batch, one singular": lambda m: linalg(m).inv_ex(m.stack([m.eye(2), m.tensor(SINGULAR)])).info,
    "inv_ex pivots rows": lambda m: tuple(linalg(m).inv_ex(m.tensor([[0.0, 1.0], [1.0, 0.0]]))),
}

EX_ERRORS = {
    "cholesky_ex int64": lambda m: linalg(m).cholesky_ex(m.eye(2, dtype=m.int64)),
    "cholesky_ex not square": lambda m: linalg(m).cholesky_ex(m.ones(2, 3)),
    "cholesky_ex 1-d": lambda m: linalg(m).cholesky_ex(m.ones(3)),
    "cholesky_ex float16": lambda m: linalg(m).cholesky_ex(m.eye(2, dtype=m.float16)),
    "cholesky_ex list": lambda m: linalg(m).cholesky_ex([[1.0]]),
    "inv_ex int64": lambda m: linalg(m).inv_ex(m.eye(2, dtype=m.int64)),
    "inv_ex not square": lambda m: linalg(m).inv_ex(m.ones(2, 3)),
    "inv_ex float16": lambda m: linalg(m).inv_ex(m.eye(2, dtype=m.float16)),
    "inv_ex list": lambda m: linalg(m).inv_ex([[1.0]]),
}

LINALG_ERRORS = {
    "svd of nan": lambda m: linalg(m).svd(m.full((2, 2), float("nan"))),
    "older svd of nan": lambda m: m.svd(m.full((2, 2), float("nan"))),
    "cholesky_ex check_errors": lambda m: linalg(m).cholesky_ex(m.tensor(NOT_POSITIVE), check_errors=True),
    "cholesky_ex check_errors, batched": lambda m: linalg(m).cholesky_ex(m.stack([m.eye(3), m.tensor(NOT_POSITIVE)]),
                                                                         check_errors=True),
    "inv_ex check_errors": lambda m: linalg(m).inv_ex(m.zeros(2, 2), check_errors=True),
    "inv_ex check_errors, second pivot": lambda m: linalg(m).inv_ex(m.tensor(SINGULAR), check_errors=True),
    "inv_ex check_errors, batched": lambda m: linalg(m).inv_ex(m.stack([m.eye(2), m.tensor(SINGULAR)]),
                                                               check_errors=True),
}


@pytest.mark.parametrize("case", EX)
def test_ex_forms_match_torch(case):
    assert_matches_torch(EX[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", EX_ERRORS)
def test_ex_form_errors_match_torch(case):
    assert_matches_torch(EX_ERRORS[case])


@pytest.mark.parametrize("case", LINALG_ERRORS)
def test_linalg_errors_are_torchs_linalg_error(case):
    """torch raises its `linalg.LinAlgError` (a RuntimeError); minitorch_ref raises its own, with torch's message."""
    raised = []
    for lib in (torch, mt):
        with pytest.raises(lib.linalg.LinAlgError) as error:
            LINALG_ERRORS[case](lib)
        assert isinstance(error.value, RuntimeError)
        raised.append(torch_text(str(error.value)))
    assert raised[1] == raised[0]


# ---------------------------------------------------------------------------------------------- LU
def factored_solve(left: bool = True, adjoint: bool = False, a_shape: tuple = (3, 3), b_shape: tuple = (3, 2),
                   dtype: str = "float64") -> Callable:
    """A program: lu_solve from lu_factor of a random A (the gradient reaches A through both), with B a leaf."""
    return solved(lambda m, A, B: linalg(m).lu_solve(*linalg(m).lu_factor(A), B, left=left, adjoint=adjoint),
                  a_shape, b_shape, dtypes=(dtype, dtype))


LU = {
    "lu_factor": graded(lambda m, A: tuple(linalg(m).lu_factor(A)), (4, 4)),
    "lu_factor tall": graded(lambda m, A: tuple(linalg(m).lu_factor(A)), (5, 3)),
    "lu_factor wide": graded(lambda m, A: tuple(linalg(m).lu_factor(A)), (3, 5)),
    "lu_factor batched, float32": graded(lambda m, A: tuple(linalg(m).lu_factor(A)), (2, 4, 4), dtype="float32"),
    "lu_factor non-contiguous": graded(lambda m, A: tuple(linalg(m).lu_factor(A.mT)), (4, 4)),
    "lu_factor names": lambda m: (lambda out: (type(out).__name__, out.LU, out.pivots))(
        linalg(m).lu_factor(matrix(m, (3, 3)))),
    "lu_factor empty": lambda m: tuple(linalg(m).lu_factor(m.zeros(0, 3))),
    "lu_factor pivots a zero column's first row": lambda m: tuple(linalg(m).lu_factor_ex(
        m.tensor([[0.0, 1.0, 2.0], [0.0, 3.0, 1.0], [0.0, 2.0, 5.0]]))),
    "lu_factor_ex": graded(lambda m, A: tuple(linalg(m).lu_factor_ex(A)), (2, 3, 3)),
    "lu_factor_ex of singular matrices": lambda m: (lambda out: (type(out).__name__, *out))(linalg(m).lu_factor_ex(
        m.stack([m.eye(2), m.zeros(2, 2), m.tensor(SINGULAR)]))),
    "lu": graded(lambda m, A: tuple(linalg(m).lu(A)), (4, 4)),
    "lu tall": graded(lambda m, A: tuple(linalg(m).lu(A)), (2, 5, 3)),
    "lu wide": graded(lambda m, A: tuple(linalg(m).lu(A)), (2, 3, 5)),
    "lu tall, L only": graded(lambda m, A: linalg(m).lu(A).L, (5, 3)),
    "lu wide, U only": graded(lambda m, A: linalg(m).lu(A).U, (3, 5)),
    "lu float32": graded(lambda m, A: tuple(linalg(m).lu(A)), (4, 4), dtype="float32"),
    "lu names": lambda m: (lambda out: (type(out).__name__, out.P, out.L, out.U))(linalg(m).lu(matrix(m, (3, 2)))),
    "lu empty": lambda m: tuple(linalg(m).lu(m.zeros(3, 0))),
    "lu of a singular matrix": lambda m: tuple(linalg(m).lu(m.tensor(SINGULAR))),
    "lu_solve": factored_solve(),
    "lu_solve adjoint": factored_solve(adjoint=True),
    "lu_solve right": factored_solve(left=False, b_shape=(2, 3)),
    "lu_solve right, adjoint": factored_solve(left=False, adjoint=True, b_shape=(2, 3)),
    "lu_solve batched B": factored_solve(b_shape=(2, 3, 2)),
    "lu_solve batched A": factored_solve(a_shape=(2, 3, 3), b_shape=(3, 1)),
    "lu_solve float32": factored_solve(dtype="float32"),
}

LU_ERRORS = {
    "lu_factor 1-d": lambda m: linalg(m).lu_factor(m.ones(3)),
    "lu_factor int64": lambda m: linalg(m).lu_factor(m.ones(3, 3, dtype=m.int64)),
    "lu_factor float16": lambda m: linalg(m).lu_factor(m.ones(3, 3, dtype=m.float16)),
    "lu_factor without pivoting": lambda m: linalg(m).lu_factor(m.eye(3), pivot=False),
    "lu_factor list": lambda m: linalg(m).lu_factor([[1.0]]),
    "lu_factor_ex 1-d": lambda m: linalg(m).lu_factor_ex(m.ones(3)),
    "lu_factor_ex list": lambda m: linalg(m).lu_factor_ex([[1.0]]),
    "lu_factor of zeros": lambda m: linalg(m).lu_factor(m.zeros(2, 2)),
    "lu_factor second pivot": lambda m: linalg(m).lu_factor(m.tensor(SINGULAR)),
    "lu_factor of a wide zero matrix": lambda m: linalg(m).lu_factor(m.zeros(2, 3)),
    "lu_factor batched": lambda m: linalg(m).lu_factor(m.stack([m.eye(2), m.zeros(2, 2)])),
    "lu_factor_ex check_errors": lambda m: linalg(m).lu_factor_ex(m.tensor(SINGULAR), check_errors=True),
    "lu 1-d": lambda m: linalg(m).lu(m.ones(3)),
    "lu int64": lambda m: linalg(m).lu(m.ones(3, 3, dtype=m.int64)),
    "lu without pivoting": lambda m: linalg(m).lu(m.eye(3), pivot=False),
    "lu list": lambda m: linalg(m).lu([[1.0]]),
    "lu_solve 1-d LU": lambda m: linalg(m).lu_solve(m.ones(3), m.ones(3, dtype=m.int32), m.ones(3, 2)),
    "lu_solve LU not square": lambda m: linalg(m).lu_solve(m.ones(3, 2), m.ones(3, dtype=m.int32), m.ones(3, 2)),
    "lu_solve 1-d B": lambda m: linalg(m).lu_solve(*linalg(m).lu_factor(m.eye(3)), m.ones(3)),
    "lu_solve shapes": lambda m: linalg(m).lu_solve(*linalg(m).lu_factor(m.eye(3)), m.ones(2, 3)),
    "lu_solve shapes, right": lambda m: linalg(m).lu_solve(*linalg(m).lu_factor(m.eye(3)), m.ones(3, 2), left=False),
    "lu_solve pivots int64": lambda m: linalg(m).lu_solve(m.eye(3), m.ones(3, dtype=m.int64), m.ones(3, 2)),
    "lu_solve dtypes": lambda m: linalg(m).lu_solve(*linalg(m).lu_factor(m.eye(3)), m.ones(3, 2, dtype=m.float64)),
    "lu_solve pivots count": lambda m: linalg(m).lu_solve(m.eye(3), m.ones(2, dtype=m.int32), m.ones(3, 2)),
    "lu_solve pivots batch": lambda m: linalg(m).lu_solve(m.eye(3), m.ones(2, 3, dtype=m.int32), m.ones(3, 2)),
    "lu_solve int64": lambda m: linalg(m).lu_solve(m.eye(3, dtype=m.int64), m.ones(3, dtype=m.int32),
                                                   m.ones(3, 2, dtype=m.int64)),
    "lu_solve list": lambda m: linalg(m).lu_solve(*linalg(m).lu_factor(m.eye(3)), [[1.0]]),
}


@pytest.mark.parametrize("case", LU)
def test_lu_matches_torch(case):
    assert_matches_torch(LU[case], tolerance=tolerance(case))


@pytest.mark.parametrize("case", LU_ERRORS)
def test_lu_errors_match_torch(case):
    assert_matches_torch(LU_ERRORS[case])
