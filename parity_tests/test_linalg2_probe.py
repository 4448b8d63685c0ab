"""Linear algebra beyond matmul (factorisations, least squares, powers, products), differential probe.

What this proves (torch 2.13 is the reference, compared at test time):
- `linalg.qr` ('reduced', 'complete', 'r') gives torch's Q and R (the same Householder signs), batched, tall,
  wide and empty, with LinalgQrBackward0 on both outputs, torch's gradient for m >= n and m < n (inf and nan
  where R is singular) and torch's errors, those of 'r' and of a tall 'complete' raised at the backward; the
  deprecated `qr(some=)` (with its once-a-process warning) and `pinverse(rcond)` are those functions;
- `linalg.cholesky` (`upper=`, read from that triangle) and the deprecated `cholesky` (CholeskyBackward0, its
  once-a-process warning) give torch's factor and symmetric gradient; a matrix that is not positive-definite
  raises `linalg.LinAlgError` (a RuntimeError) with torch's message, the failing leading minor and batch
  element included;
- `linalg.eigh` and `linalg.eigvalsh` (`UPLO=`) give torch's eigenvalues and eigenvectors up to each column's
  sign (which torch documents as not unique: the tests compare the columns with their largest entry made
  positive, and losses that do not depend on the signs), LinalgEighBackward0 and torch's gradient (nan for
  repeated eigenvalues of eigenvectors' losses);
- `linalg.pinv` (`atol`, `rtol`, as numbers or tensors per matrix, `hermitian`), `linalg.matrix_rank` (the same
  tolerances, the positional `tol`), `linalg.lstsq` (torch's named tuple; the CPU driver 'gelsy' and
  'gels'/'gelsd'/'gelss': which of residuals, rank and singular values are empty; vector right-hand sides and
  batches) give torch's values, dtypes, nodes and gradients (lstsq's through the pseudo-inverse, as torch);
- `linalg.slogdet`, `slogdet` and `logdet` (nan for a negative determinant, WhereBackward0), `linalg.matrix_power`
  and `matrix_power` (torch's graph for n = 0, 1, -1, 2, 3 and by squaring), `linalg.multi_dot` and
  `chain_matmul` (the cheapest order, ViewBackward0), `linalg.vecdot` (VdotBackward0 for two vectors), `inner`,
  `addr` (promotion, bool results, beta = 0 ignoring the input) and `tensordot` (int, list and tensor dims,
  size-1 dims summed) agree with torch in values, dtypes, shapes, gradients and errors;
- arguments that are not tensors raise torch's TypeErrors, and an input (or another output of the same
  factorisation) changed in place before the backward is refused where torch refuses.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, fresh_process_warnings, torch_text

FLOAT32 = (1e-4, 1e-5)  # (float32 factorisations: LAPACK's and NumPy's LAPACK round alike only to a few ulps)


def matrix(m: Any, shape: tuple, kind: str = "any", dtype: str = "float64", seed: int = 0,
           requires_grad: bool = True) -> Any:
    """The same random tensor in both libraries: 'any', 'sym' (symmetric) or 'spd' (symmetric positive-definite)."""
    values = np.random.default_rng(seed).standard_normal(shape)
    if kind in ("sym", "spd"):
        values = values + np.swapaxes(values, -1, -2) if kind == "sym" else \
            values @ np.swapaxes(values, -1, -2) + shape[-1] * np.eye(shape[-1])
    if dtype.startswith("int"):
        values = np.round(values * 3)
    return m.tensor(values, dtype=getattr(m, dtype), requires_grad=requires_grad and not dtype.startswith("int"))


def weighted(m: Any, out: Any) -> Any:
    """A sum of `out` with a different fixed weight per element, so that each position sends its own gradient."""
    return (out * (m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(5) - 2)).sum()


def graded(build: Callable[[Any, Any], Any], shape: tuple, kind: str = "any", dtype: str = "float64",
           loss: Callable[[Any, Any], Any] | None = None) -> Callable:
    """A program: `build(m, A)` on a random A, then the backward of `loss(m, out)` (default: the weighted sum of
    every differentiable output); returns (out, A.grad)."""
    def program(m: Any) -> Any:
        A = matrix(m, shape, kind, dtype)
        out = build(m, A)
        if not A.requires_grad:
            return out
        total = loss(m, out) if loss else sum(weighted(m, o) for o in (out if isinstance(out, tuple) else (out,))
                                              if o.requires_grad and o.numel())
        total.backward()
        return out, A.grad
    return program


def signed(m: Any, vectors: Any) -> Any:
    """Eigenvectors with each column's largest entry made positive: torch documents them as unique only up to
    sign, and another LAPACK may choose the other one."""
    largest = vectors.gather(-2, vectors.abs().argmax(-2, keepdim=True))
    return vectors * largest.sign()


def eigh_invariant(m: Any, out: Any) -> Any:
    """A loss that does not depend on the eigenvectors' signs: weighted eigenvalues and V diag(w) V^T."""
    values, vectors = out
    w = m.arange(values.shape[-1], dtype=values.dtype) - 1
    return weighted(m, values) + weighted(m, (vectors * w) @ vectors.mT)


def eigh_shown(build: Callable) -> Callable:
    """`build(m, A)` = eigh(...): (eigenvalues, sign-fixed eigenvectors)."""
    return lambda m, A: (lambda out: (out.eigenvalues, signed(m, out.eigenvectors), type(out).__name__))(build(m, A))


def linalg(m: Any) -> Any:
    return m.linalg


# ---------------------------------------------------------------------------------------------- QR
QR = {
    "tall": graded(lambda m, A: linalg(m).qr(A), (5, 3)),
    "square": graded(lambda m, A: linalg(m).qr(A), (4, 4)),
    "wide": graded(lambda m, A: linalg(m).qr(A), (3, 5)),
    "batched": graded(lambda m, A: linalg(m).qr(A), (2, 4, 3)),
    "batched wide": graded(lambda m, A: linalg(m).qr(A), (2, 2, 3)),
    "complete wide": graded(lambda m, A: linalg(m).qr(A, "complete"), (3, 5)),
    "complete square": graded(lambda m, A: linalg(m).qr(A, mode="complete"), (3, 3)),
    "complete tall, forward": lambda m: linalg(m).qr(matrix(m, (5, 3)), "complete"),
    "float32": graded(lambda m, A: linalg(m).qr(A), (5, 3), dtype="float32"),
    "Q only": graded(lambda m, A: linalg(m).qr(A), (5, 3), loss=lambda m, out: weighted(m, out.Q)),
    "R only": graded(lambda m, A: linalg(m).qr(A), (3, 5), loss=lambda m, out: weighted(m, out[1])),
    "mode r": lambda m: linalg(m).qr(matrix(m, (4, 3)), mode="r"),
    "named tuple": lambda m: (lambda out: (type(out).__name__, out.Q, out.R, len(out)))(
        linalg(m).qr(matrix(m, (3, 2)))),
    "empty rows": graded(lambda m, A: linalg(m).qr(A), (0, 3)),
    "empty columns, complete": graded(lambda m, A: linalg(m).qr(A, "complete"), (3, 0)),
    "non-contiguous": graded(lambda m, A: linalg(m).qr(A.mT), (3, 5)),
    # (where R is singular torch's gradient is inf and nan, in a pattern that rounding decides: only that
    # nothing is finite is compared)
    "deprecated qr": graded(lambda m, A: (lambda out: (type(out).__name__, out.Q, out.R))(m.qr(A)), (4, 3)),
    "deprecated qr, some=False, method": graded(lambda m, A: tuple(A.qr(some=False)), (2, 3)),
    "rank-deficient gradient": lambda m: (lambda A: (lambda q, r: ((q.sum() + r.sum()).backward(),
                                                                 A.grad.isfinite().any()))(*linalg(m).qr(A)))(
        m.tensor([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]], requires_grad=True)),
}

QR_ERRORS = {
    "1-d": lambda m: linalg(m).qr(m.ones(3)),
    "int64": lambda m: linalg(m).qr(m.ones(3, 3, dtype=m.int64)),
    "mode": lambda m: linalg(m).qr(m.ones(3, 3), mode="x"),
    "float16": lambda m: linalg(m).qr(m.ones(3, 3, dtype=m.float16)),
    "list": lambda m: linalg(m).qr([[1.0]]),
    "backward of mode r": graded(lambda m, A: linalg(m).qr(A, mode="r"), (4, 3)),
    "backward of tall complete": graded(lambda m, A: linalg(m).qr(A, mode="complete"), (4, 3)),
}


@pytest.mark.parametrize("case", QR)
def test_qr_matches_torch(case):
    assert_matches_torch(QR[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", QR_ERRORS)
def test_qr_errors_match_torch(case):
    assert_matches_torch(QR_ERRORS[case])


# ---------------------------------------------------------------------------------------------- Cholesky
NOT_POSITIVE = [[1.0, 2.0], [2.0, 1.0]]

CHOLESKY = {
    "spd": graded(lambda m, A: linalg(m).cholesky(A), (4, 4), "spd"),
    "batched": graded(lambda m, A: linalg(m).cholesky(A), (2, 3, 3), "spd"),
    "upper": graded(lambda m, A: linalg(m).cholesky(A, upper=True), (4, 4), "spd"),
    "upper reads the upper triangle": graded(lambda m, A: linalg(m).cholesky(A + A.triu(1) * 0.3, upper=True),
                                             (3, 3), "spd"),
    "lower reads the lower triangle": graded(lambda m, A: linalg(m).cholesky(A + A.triu(1) * 0.3), (3, 3), "spd"),
    "float32": graded(lambda m, A: linalg(m).cholesky(A), (4, 4), "spd", "float32"),
    "empty": graded(lambda m, A: linalg(m).cholesky(A), (0, 0), "spd"),
    "non-contiguous": graded(lambda m, A: linalg(m).cholesky(A.mT), (3, 3), "spd"),
    "deprecated": graded(lambda m, A: m.cholesky(A), (3, 3), "spd"),
    "deprecated upper, method": graded(lambda m, A: A.cholesky(True), (2, 3, 3), "spd"),
}

CHOLESKY_ERRORS = {
    "not square": lambda m: linalg(m).cholesky(m.ones(2, 3)),
    "1-d": lambda m: linalg(m).cholesky(m.ones(3)),
    "int64": lambda m: linalg(m).cholesky(m.ones(3, 3, dtype=m.int64)),
    "float16": lambda m: linalg(m).cholesky(m.ones(3, 3, dtype=m.float16)),
    "deprecated not square": lambda m: m.cholesky(m.ones(2, 3)),
    "deprecated 1-d": lambda m: m.cholesky(m.ones(3)),
    "deprecated int64": lambda m: m.cholesky(m.ones(3, 3, dtype=m.int64)),
}

NOT_POSITIVE_DEFINITE = {
    "order 2": lambda m: linalg(m).cholesky(m.tensor(NOT_POSITIVE)),
    "order 2 of 3": lambda m: linalg(m).cholesky(m.tensor([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])),
    "upper, order 2": lambda m: linalg(m).cholesky(m.tensor([[1.0, 2.0], [0.0, 1.0]]), upper=True),
    "batch element 1": lambda m: linalg(m).cholesky(m.stack([m.eye(2), m.tensor(NOT_POSITIVE)])),
    "batch of batches": lambda m: linalg(m).cholesky(m.stack([m.stack([m.eye(2), m.tensor(NOT_POSITIVE)])] * 2)),
    "batch of one": lambda m: linalg(m).cholesky(m.tensor([NOT_POSITIVE])),
    "nan": lambda m: linalg(m).cholesky(m.full((2, 2), float("nan"))),
    "deprecated": lambda m: m.cholesky(m.tensor(NOT_POSITIVE)),
    "deprecated batched": lambda m: m.cholesky(m.stack([m.eye(2), m.tensor(NOT_POSITIVE)])),
    "matrix_power of a singular matrix": lambda m: linalg(m).matrix_power(m.ones(2, 2), -2),
    "pinv of nan": lambda m: linalg(m).pinv(m.full((2, 2), float("nan"))),
    "matrix_rank of nan": lambda m: linalg(m).matrix_rank(m.full((2, 2), float("nan"))),
}


@pytest.mark.parametrize("case", CHOLESKY)
def test_cholesky_matches_torch(case):
    assert_matches_torch(CHOLESKY[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", CHOLESKY_ERRORS)
def test_cholesky_errors_match_torch(case):
    assert_matches_torch(CHOLESKY_ERRORS[case])


@pytest.mark.parametrize("case", NOT_POSITIVE_DEFINITE)
def test_linalg_errors_are_torchs_linalg_error(case):
    """torch raises its `linalg.LinAlgError` (a RuntimeError); minitorch_ref raises its own, with torch's message
    (for a singular matrix, torch names the LU pivot, which NumPy does not tell: not compared)."""
    raised = []
    for lib in (torch, mt):
        with pytest.raises(lib.linalg.LinAlgError) as error:
            NOT_POSITIVE_DEFINITE[case](lib)
        assert isinstance(error.value, RuntimeError)
        raised.append(torch_text(str(error.value)))
    if "singular" not in case:
        assert raised[1] == raised[0]


def test_deprecated_functions_warn_once_as_torch():
    programs = {"cholesky": "(m.cholesky(m.eye(2)), m.cholesky(m.eye(2)))", "qr": "(m.qr(m.eye(2)), m.eye(2).qr())",
                "chain_matmul": "(m.chain_matmul(m.eye(2), m.eye(2)), m.chain_matmul(m.eye(2)))"}
    assert fresh_process_warnings("minitorch_ref", programs) == fresh_process_warnings("torch", programs)


# ---------------------------------------------------------------------------------------------- eigh
EIGH = {
    "symmetric": graded(eigh_shown(lambda m, A: linalg(m).eigh(A)), (4, 4), "sym", loss=lambda m, out: eigh_invariant(
        m, out[:2])),
    "batched": graded(eigh_shown(lambda m, A: linalg(m).eigh(A)), (2, 3, 3), "sym",
                      loss=lambda m, out: eigh_invariant(m, out[:2])),
    "UPLO=U of a non-symmetric matrix": graded(eigh_shown(lambda m, A: linalg(m).eigh(A, UPLO="U")), (4, 4),
                                               loss=lambda m, out: eigh_invariant(m, out[:2])),
    "lower-case uplo": graded(eigh_shown(lambda m, A: linalg(m).eigh(A, "u")), (3, 3),
                              loss=lambda m, out: eigh_invariant(m, out[:2])),
    "float32": graded(eigh_shown(lambda m, A: linalg(m).eigh(A)), (4, 4), "sym", "float32",
                      loss=lambda m, out: eigh_invariant(m, out[:2])),
    "empty": lambda m: linalg(m).eigh(matrix(m, (2, 0, 0))),
    "eigenvalues only": graded(lambda m, A: linalg(m).eigh(A), (3, 3), "sym",
                               loss=lambda m, out: weighted(m, out.eigenvalues)),
    "repeated eigenvalues, eigenvectors' loss": graded(lambda m, A: linalg(m).eigh(A - A + m.eye(3, dtype=A.dtype)),
                                                       (3, 3), loss=lambda m, out: out[1].sum()),
    "repeated eigenvalues, eigenvalues' loss": graded(lambda m, A: linalg(m).eigh(A - A + m.eye(3, dtype=A.dtype)),
                                                      (3, 3), loss=lambda m, out: out[0].sum()),
    "eigvalsh": graded(lambda m, A: linalg(m).eigvalsh(A), (4, 4), "sym"),
    "eigvalsh batched, UPLO=U": graded(lambda m, A: linalg(m).eigvalsh(A, UPLO="U"), (2, 3, 3)),
    "eigvalsh float32": graded(lambda m, A: linalg(m).eigvalsh(A), (4, 4), "sym", "float32"),
    "eigvalsh of repeated eigenvalues": graded(lambda m, A: linalg(m).eigvalsh(A - A + m.eye(3, dtype=A.dtype)),
                                               (3, 3)),
}

EIGH_ERRORS = {
    "not square": lambda m: linalg(m).eigh(m.ones(2, 3)),
    "1-d": lambda m: linalg(m).eigh(m.ones(3)),
    "1-d and a wrong UPLO": lambda m: linalg(m).eigh(m.ones(3), UPLO="X"),
    "int64": lambda m: linalg(m).eigh(m.ones(3, 3, dtype=m.int64)),
    "float16": lambda m: linalg(m).eigh(m.ones(3, 3, dtype=m.float16)),
    "UPLO": lambda m: linalg(m).eigh(m.eye(3), UPLO="X"),
    "eigvalsh UPLO": lambda m: linalg(m).eigvalsh(m.eye(3), UPLO="X"),
    "eigvalsh int64": lambda m: linalg(m).eigvalsh(m.ones(3, 3, dtype=m.int64)),
    "eigvalsh not square": lambda m: linalg(m).eigvalsh(m.ones(2, 3)),
}


@pytest.mark.parametrize("case", EIGH)
def test_eigh_matches_torch(case):
    assert_matches_torch(EIGH[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", EIGH_ERRORS)
def test_eigh_errors_match_torch(case):
    assert_matches_torch(EIGH_ERRORS[case])


# ---------------------------------------------------------------------------------------------- pinv, rank
DEFICIENT = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]  # (rank 2)
SMALL = np.diag([1.0, 1e-17, 1e-10]).tolist()  # (one singular value under the default tolerance, one above)


def given(values: list, build: Callable[[Any, Any], Any], dtype: str = "float64") -> Callable:
    """A program: `build(m, A)` on A = `values`, and A.grad after the weighted backward of the output."""
    def program(m: Any) -> Any:
        A = m.tensor(values, dtype=getattr(m, dtype), requires_grad=True)
        out = build(m, A)
        first = out[0] if isinstance(out, tuple) else out
        if first.requires_grad:
            weighted(m, first).backward()
        return out, A.grad
    return program


PINV = {
    "tall": graded(lambda m, A: linalg(m).pinv(A), (5, 3)),
    "wide": graded(lambda m, A: linalg(m).pinv(A), (3, 5)),
    "batched": graded(lambda m, A: linalg(m).pinv(A), (2, 4, 3)),
    "float32": graded(lambda m, A: linalg(m).pinv(A), (5, 3), dtype="float32"),
    "hermitian": graded(lambda m, A: linalg(m).pinv(A, hermitian=True), (4, 4), "sym"),
    "rank-deficient": given(DEFICIENT, lambda m, A: linalg(m).pinv(A)),
    "default tolerance": given(SMALL, lambda m, A: linalg(m).pinv(A)),
    "atol": given(SMALL, lambda m, A: linalg(m).pinv(A, atol=1e-9)),
    "rtol and atol": given(SMALL, lambda m, A: linalg(m).pinv(A, rtol=1e-9, atol=0.5)),
    "rtol, int": given(SMALL, lambda m, A: linalg(m).pinv(A, rtol=1)),
    "atol per matrix": graded(lambda m, A: linalg(m).pinv(A, atol=m.tensor([0.5, 1.5], dtype=A.dtype)), (2, 3, 3)),
    "hermitian atol": given(SMALL, lambda m, A: linalg(m).pinv(A, atol=1e-9, hermitian=True)),
    "empty": graded(lambda m, A: linalg(m).pinv(A), (0, 3)),
    "empty hermitian": graded(lambda m, A: linalg(m).pinv(A, hermitian=True), (0, 0)),
    "non-contiguous": graded(lambda m, A: linalg(m).pinv(A.mT), (3, 5)),
    "pinverse": graded(lambda m, A: m.pinverse(A), (4, 3)),
    "pinverse rcond, method": given(SMALL, lambda m, A: A.pinverse(1e-9)),
    "rank": lambda m: linalg(m).matrix_rank(matrix(m, (4, 3))),
    "rank deficient": lambda m: linalg(m).matrix_rank(m.tensor(DEFICIENT)),
    "rank default tolerance": lambda m: linalg(m).matrix_rank(m.tensor(SMALL)),
    "rank rtol": lambda m: linalg(m).matrix_rank(m.tensor(SMALL), rtol=1e-9),
    "rank atol, rtol 0": lambda m: linalg(m).matrix_rank(m.tensor(SMALL), atol=1e-11, rtol=0.0),
    "rank atol": lambda m: linalg(m).matrix_rank(m.tensor(SMALL), atol=0.5),
    "rank positional tol": lambda m: linalg(m).matrix_rank(m.tensor(SMALL), 1e-11),
    "rank hermitian": lambda m: linalg(m).matrix_rank(m.tensor([[1.0, 2.0], [2.0, 4.0]]), hermitian=True),
    "rank batched": lambda m: linalg(m).matrix_rank(m.stack([m.tensor(DEFICIENT), m.ones(4, 3)])),
    "rank atol per matrix": lambda m: linalg(m).matrix_rank(m.stack([m.eye(3), m.eye(3) * 2]),
                                                            atol=m.tensor([1.5, 1.0])),
    "rank float32": lambda m: linalg(m).matrix_rank(m.tensor(DEFICIENT, dtype=m.float32)),
    "rank empty": lambda m: linalg(m).matrix_rank(m.ones(0, 3)),
    "rank of requires_grad": lambda m: linalg(m).matrix_rank(matrix(m, (3, 3))),
}

PINV_ERRORS = {
    "1-d": lambda m: linalg(m).pinv(m.ones(3)),
    "int64": lambda m: linalg(m).pinv(m.ones(3, 3, dtype=m.int64)),
    "float16": lambda m: linalg(m).pinv(m.ones(3, 3, dtype=m.float16)),
    "hermitian not square": lambda m: linalg(m).pinv(m.ones(2, 3), hermitian=True),
    "hermitian int64": lambda m: linalg(m).pinv(m.ones(3, 3, dtype=m.int64), hermitian=True),
    "pinverse int64": lambda m: m.pinverse(m.ones(3, dtype=m.int64)),
    "rank 1-d": lambda m: linalg(m).matrix_rank(m.ones(3)),
    "rank int64": lambda m: linalg(m).matrix_rank(m.ones(3, 3, dtype=m.int64)),
    "rank float16": lambda m: linalg(m).matrix_rank(m.ones(3, 3, dtype=m.float16)),
    "rank hermitian not square": lambda m: linalg(m).matrix_rank(m.ones(2, 3), hermitian=True),
    "rank hermitian int64": lambda m: linalg(m).matrix_rank(m.ones(3, 3, dtype=m.int64), hermitian=True),
}


@pytest.mark.parametrize("case", PINV)
def test_pinv_and_matrix_rank_match_torch(case):
    assert_matches_torch(PINV[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", PINV_ERRORS)
def test_pinv_and_matrix_rank_errors_match_torch(case):
    assert_matches_torch(PINV_ERRORS[case])


# ---------------------------------------------------------------------------------------------- lstsq
def least_squares(a_shape: tuple, b_shape: tuple, dtype: str = "float64", grads: str = "AB", output: str = "solution",
                  **options: Any) -> Callable:
    """A program: `linalg.lstsq(A, B, **options)` on random A and B (the leaves named in `grads` require grad),
    the weighted backward of `output`; the named tuple's fields and both gradients."""
    def program(m: Any) -> Any:
        A = matrix(m, a_shape, dtype=dtype, requires_grad="A" in grads)
        B = matrix(m, b_shape, dtype=dtype, seed=1, requires_grad="B" in grads)
        out = linalg(m).lstsq(A, B, **options)
        if getattr(out, output).requires_grad:
            weighted(m, getattr(out, output)).backward()
        return type(out).__name__, tuple(out), out.solution, A.grad, B.grad
    return program


LSTSQ = {
    "tall": least_squares((5, 3), (5, 2)),
    "square": least_squares((3, 3), (3, 2)),
    "wide": least_squares((2, 4), (2, 3)),
    "vector": least_squares((5, 3), (5,)),
    "batch of vectors": least_squares((2, 5, 3), (2, 5)),
    "batched": least_squares((2, 4, 3), (2, 4, 2)),
    "B broadcast": least_squares((2, 4, 3), (1, 4, 2)),
    "A broadcast": least_squares((4, 3), (2, 4, 2)),
    "float32": least_squares((5, 3), (5, 2), "float32"),
    "A only": least_squares((5, 3), (5, 2), grads="A"),
    "B only": least_squares((5, 3), (5, 2), grads="B"),
    "rcond dropping nothing": least_squares((5, 3), (5, 2), rcond=1e-3),
    "rcond, gelsd": least_squares((5, 3), (5, 2), rcond=0.5, driver="gelsd"),
    "rcond, gelss": least_squares((4, 4), (4, 2), rcond=0.3, driver="gelss"),
    "gelsd": least_squares((5, 3), (5, 2), driver="gelsd"),
    "gelss wide": least_squares((2, 4), (2, 1), driver="gelss"),
    "gels": least_squares((5, 3), (5, 2), driver="gels"),
    "gelsy": least_squares((5, 3), (5, 2), driver="gelsy"),
    "residuals' gradient, gels": least_squares((5, 3), (5, 2), output="residuals", driver="gels"),
    "residuals' gradient, gelsd, vector": least_squares((2, 5, 3), (2, 5), output="residuals", driver="gelsd"),
    "empty residuals' gradient": least_squares((5, 3), (5, 2), output="residuals"),
    "rank-deficient": lambda m: linalg(m).lstsq(m.tensor(DEFICIENT), m.tensor([[1.0], [2.0], [3.0], [4.0]])),
    "rank-deficient gelsd": lambda m: linalg(m).lstsq(m.tensor(DEFICIENT), m.tensor([[1.0], [2.0], [3.0], [4.0]]),
                                                      driver="gelsd"),
    "empty": lambda m: linalg(m).lstsq(m.ones(0, 2), m.ones(0, 1)),
}

LSTSQ_ERRORS = {
    "1-d": lambda m: linalg(m).lstsq(m.ones(3), m.ones(3)),
    "0-d B": lambda m: linalg(m).lstsq(m.ones(3, 2), m.tensor(1.0)),
    "dtypes": lambda m: linalg(m).lstsq(m.ones(3, 2), m.ones(3, 1, dtype=m.float64)),
    "int64": lambda m: linalg(m).lstsq(m.ones(3, 2, dtype=m.int64), m.ones(3, 1, dtype=m.int64)),
    "float16": lambda m: linalg(m).lstsq(m.ones(3, 2, dtype=m.float16), m.ones(3, 1, dtype=m.float16)),
    "rows": lambda m: linalg(m).lstsq(m.ones(3, 2), m.ones(4, 1)),
    "rows of a vector": lambda m: linalg(m).lstsq(m.ones(3, 2), m.ones(4)),
    "B with more dims": lambda m: linalg(m).lstsq(m.ones(3, 2), m.ones(2, 3, 1)),
    "rows of a batch": lambda m: linalg(m).lstsq(m.ones(2, 3, 2), m.ones(2, 4)),
    "batches": lambda m: linalg(m).lstsq(m.ones(2, 3, 2), m.ones(3, 3, 1)),
    "B one dim short, not vectors": lambda m: linalg(m).lstsq(m.ones(2, 4, 3), m.ones(4, 2)),
    "driver": lambda m: linalg(m).lstsq(m.ones(3, 2), m.ones(3, 1), driver="x"),
}


@pytest.mark.parametrize("case", LSTSQ)
def test_lstsq_matches_torch(case):
    assert_matches_torch(LSTSQ[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", LSTSQ_ERRORS)
def test_lstsq_errors_match_torch(case):
    assert_matches_torch(LSTSQ_ERRORS[case])


# ---------------------------------------------------------------------------------------------- determinants, powers
NEGATIVE = [[1.0, 2.0], [3.0, 4.0]]  # (det -2)

DETERMINANTS = {
    "slogdet": graded(lambda m, A: linalg(m).slogdet(A), (4, 4)),
    "slogdet batched": graded(lambda m, A: linalg(m).slogdet(A), (3, 3, 3)),
    "slogdet negative": given(NEGATIVE, lambda m, A: tuple(linalg(m).slogdet(A))),
    "slogdet named": lambda m: (lambda out: (type(out).__name__, out.sign, out.logabsdet))(linalg(m).slogdet(
        m.tensor(NEGATIVE))),
    "slogdet singular": lambda m: linalg(m).slogdet(m.zeros(3, 3)),
    "slogdet nan": lambda m: linalg(m).slogdet(m.tensor([[1.0, float("nan")], [2.0, 3.0]])),
    "slogdet float32": graded(lambda m, A: linalg(m).slogdet(A), (4, 4), dtype="float32"),
    "slogdet empty": graded(lambda m, A: linalg(m).slogdet(A), (0, 0)),
    "slogdet of the sign only": graded(lambda m, A: linalg(m).slogdet(A), (3, 3), loss=lambda m, out: out[0] * 3),
    "top-level slogdet": lambda m: (lambda out: (type(out).__name__, out))(m.slogdet(m.tensor(NEGATIVE))),
    "Tensor.slogdet": graded(lambda m, A: A.slogdet(), (3, 3)),
    "logdet": graded(lambda m, A: m.logdet(A), (3, 3), "spd"),
    "logdet negative": given(NEGATIVE, lambda m, A: m.logdet(A)),
    "logdet batched": graded(lambda m, A: A.logdet(), (3, 3, 3)),
    "logdet singular": lambda m: m.logdet(m.zeros(2, 2)),
    "matrix_power 0": graded(lambda m, A: linalg(m).matrix_power(A, 0), (3, 3)),
    "matrix_power 1": graded(lambda m, A: linalg(m).matrix_power(A, 1), (3, 3)),
    "matrix_power -1": graded(lambda m, A: linalg(m).matrix_power(A, -1), (3, 3)),
    "matrix_power 2": graded(lambda m, A: linalg(m).matrix_power(A, 2), (3, 3)),
    "matrix_power 3": graded(lambda m, A: linalg(m).matrix_power(A, 3), (3, 3)),
    "matrix_power 4": graded(lambda m, A: linalg(m).matrix_power(A, 4), (3, 3)),
    "matrix_power 6": graded(lambda m, A: linalg(m).matrix_power(A, 6), (3, 3)),
    "matrix_power -3": graded(lambda m, A: linalg(m).matrix_power(A, -3), (3, 3)),
    "matrix_power batched 5": graded(lambda m, A: linalg(m).matrix_power(A, 5), (2, 3, 3)),
    "matrix_power batched 0": graded(lambda m, A: linalg(m).matrix_power(A, 0), (2, 3, 3)),
    "matrix_power int64": lambda m: linalg(m).matrix_power(matrix(m, (3, 3), dtype="int64"), 3),
    "matrix_power float32": graded(lambda m, A: m.matrix_power(A, 5), (3, 3), dtype="float32"),
    "Tensor.matrix_power": graded(lambda m, A: A.matrix_power(7), (2, 2)),
    "matrix_power empty": graded(lambda m, A: linalg(m).matrix_power(A, 3), (0, 0)),
}

DETERMINANT_ERRORS = {
    "slogdet not square": lambda m: linalg(m).slogdet(m.ones(2, 3)),
    "slogdet int64": lambda m: linalg(m).slogdet(m.ones(3, 3, dtype=m.int64)),
    "slogdet float16": lambda m: linalg(m).slogdet(m.ones(3, 3, dtype=m.float16)),
    "slogdet 1-d": lambda m: linalg(m).slogdet(m.ones(3)),
    "top-level slogdet not square": lambda m: m.slogdet(m.ones(2, 3)),
    "logdet not square": lambda m: m.logdet(m.ones(2, 3)),
    "logdet int64": lambda m: m.logdet(m.ones(3, 3, dtype=m.int64)),
    "logdet float16": lambda m: m.logdet(m.ones(3, 3, dtype=m.float16)),
    "matrix_power not square": lambda m: linalg(m).matrix_power(m.ones(2, 3), 2),
    "matrix_power 1-d": lambda m: linalg(m).matrix_power(m.ones(3), 2),
    "matrix_power int64 inverse": lambda m: linalg(m).matrix_power(m.ones(3, 3, dtype=m.int64), -1),
    "matrix_power float n": lambda m: linalg(m).matrix_power(m.eye(3), 2.0),
    "top-level matrix_power not square": lambda m: m.matrix_power(m.ones(2, 3), 2),
}


@pytest.mark.parametrize("case", DETERMINANTS)
def test_determinants_and_powers_match_torch(case):
    assert_matches_torch(DETERMINANTS[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", DETERMINANT_ERRORS)
def test_determinant_and_power_errors_match_torch(case):
    assert_matches_torch(DETERMINANT_ERRORS[case])


# ---------------------------------------------------------------------------------------------- products
def leaves(build: Callable, *shapes: tuple, dtype: str = "float64") -> Callable:
    """A program: `build(m, *leaves)` on random leaves of `shapes` (float ones require grad), then the weighted
    backward; the output and every leaf's gradient."""
    def program(m: Any) -> Any:
        tensors = [matrix(m, shape, dtype=dtype, seed=i) for i, shape in enumerate(shapes)]
        out = build(m, *tensors)
        if out.requires_grad:
            weighted(m, out).backward()
        return out, [t.grad for t in tensors]
    return program


PRODUCTS = {
    "multi_dot of 2": leaves(lambda m, a, b: linalg(m).multi_dot([a, b]), (3, 4), (4, 2)),
    "multi_dot of 3, right first": leaves(lambda m, a, b, c: linalg(m).multi_dot([a, b, c]), (10, 2), (2, 8), (8, 1)),
    "multi_dot of 3, left first": leaves(lambda m, a, b, c: linalg(m).multi_dot((a, b, c)), (1, 8), (8, 2), (2, 10)),
    "multi_dot of 5": leaves(lambda m, *t: linalg(m).multi_dot(t), (3, 5), (5, 2), (2, 6), (6, 4), (4, 3)),
    "multi_dot vectors at the ends": leaves(lambda m, a, b, c: linalg(m).multi_dot([a, b, c]), (3,), (3, 4), (4,)),
    "multi_dot row vector first": leaves(lambda m, a, b: linalg(m).multi_dot([a, b]), (3,), (3, 4)),
    "multi_dot int64": leaves(lambda m, *t: linalg(m).multi_dot(list(t)), (2, 3), (3, 2), (2, 2), dtype="int64"),
    "multi_dot empty": leaves(lambda m, a, b, c: linalg(m).multi_dot([a, b, c]), (2, 0), (0, 3), (3, 2)),
    "multi_dot float32": leaves(lambda m, *t: linalg(m).multi_dot(t), (3, 5), (5, 2), (2, 6), dtype="float32"),
    "chain_matmul": leaves(lambda m, *t: m.chain_matmul(*t), (3, 5), (5, 2), (2, 6)),
    "chain_matmul of one": leaves(lambda m, a: m.chain_matmul(a), (3, 5)),
    "vecdot": leaves(lambda m, x, y: linalg(m).vecdot(x, y), (2, 3), (2, 3)),
    "vecdot broadcast": leaves(lambda m, x, y: linalg(m).vecdot(x, y), (2, 3), (3,)),
    "vecdot dim 0": leaves(lambda m, x, y: linalg(m).vecdot(x, y, dim=0), (4, 3), (4, 1)),
    "vecdot vectors": leaves(lambda m, x, y: linalg(m).vecdot(x, y), (3,), (3,)),
    "vecdot 0-d": leaves(lambda m, x, y: linalg(m).vecdot(x, y), (), ()),
    "vecdot float32": leaves(lambda m, x, y: linalg(m).vecdot(x, y), (2, 3), (2, 3), dtype="float32"),
    "inner vectors": leaves(lambda m, a, b: m.inner(a, b), (3,), (3,)),
    "inner matrices": leaves(lambda m, a, b: m.inner(a, b), (2, 3), (4, 3)),
    "inner 3-d": leaves(lambda m, a, b: a.inner(b), (2, 2, 3), (3,)),
    "inner number": leaves(lambda m, a, b: m.inner(a, b), (), (3,)),
    "inner int64": leaves(lambda m, a, b: m.inner(a, b), (2, 3), (3,), dtype="int64"),
    "inner non-contiguous": leaves(lambda m, a, b: m.inner(a.mT, b), (3, 2), (4, 2)),
    "addr": leaves(lambda m, c, a, b: m.addr(c, a, b), (3, 4), (3,), (4,)),
    "addr beta, alpha": leaves(lambda m, c, a, b: m.addr(c, a, b, beta=0.5, alpha=-2), (3, 4), (3,), (4,)),
    "addr broadcast input": leaves(lambda m, c, a, b: c.addr(a, b), (4,), (3,), (4,)),
    "addr beta 0 ignores nan": leaves(lambda m, c, a, b: m.addr(c / 0 * 0, a, b, beta=0), (3, 4), (3,), (4,)),
    "addr int64": leaves(lambda m, c, a, b: m.addr(c, a, b, beta=2, alpha=3), (3, 4), (3,), (4,), dtype="int64"),
    "addr float32": leaves(lambda m, c, a, b: m.addr(c, a, b), (3, 4), (3,), (4,), dtype="float32"),
    "addr promotes": lambda m: m.addr(m.ones(2, 3, dtype=m.int64), m.ones(2), m.arange(3)),
    "addr promotes the input": lambda m: m.addr(m.ones(2, 3), m.ones(2, dtype=m.int64), m.arange(3)),
    "addr bool": lambda m: m.addr(m.eye(3, dtype=m.bool), m.tensor([True, False, True]), m.tensor([False, True, True])),
    "addr bool, integer beta": lambda m: m.addr(m.eye(2, dtype=m.bool), m.ones(2, dtype=m.bool),
                                                m.zeros(2, dtype=m.bool), beta=2, alpha=0),
    "tensordot 2": leaves(lambda m, a, b: m.tensordot(a, b), (2, 3, 4), (3, 4, 5)),
    "tensordot 1": leaves(lambda m, a, b: m.tensordot(a, b, 1), (2, 3), (3, 4)),
    "tensordot 0": leaves(lambda m, a, b: m.tensordot(a, b, 0), (2, 3), (4,)),
    "tensordot lists": leaves(lambda m, a, b: m.tensordot(a, b, ([0, 2], [1, 0])), (2, 3, 4), (4, 2, 5)),
    "tensordot list of lists, negative dims": leaves(lambda m, a, b: m.tensordot(a, b, [[-1], [0]]), (2, 3), (3, 2)),
    "tensordot int lists": leaves(lambda m, a, b: m.tensordot(a, b, (1, 0)), (2, 3), (3, 2)),
    "tensordot tensor dims": leaves(lambda m, a, b: m.tensordot(a, b, m.tensor(1)), (2, 3), (3, 4)),
    "tensordot tensor of lists": leaves(lambda m, a, b: m.tensordot(a, b, m.tensor([[0], [1]])), (3, 2), (4, 3)),
    "tensordot size-1 dims summed": leaves(lambda m, a, b: m.tensordot(a, b, ([1, 0], [0, 1])), (1, 3), (3, 4)),
    "tensordot int64": leaves(lambda m, a, b: m.tensordot(a, b, 1), (2, 3), (3, 2), dtype="int64"),
}

PRODUCT_ERRORS = {
    "multi_dot of 1": lambda m: linalg(m).multi_dot([m.eye(3)]),
    "multi_dot of none": lambda m: linalg(m).multi_dot([]),
    "multi_dot 3-d first": lambda m: linalg(m).multi_dot([m.ones(2, 2, 2), m.eye(3)]),
    "multi_dot 3-d last": lambda m: linalg(m).multi_dot([m.eye(3), m.ones(3, 2, 2)]),
    "multi_dot 1-d middle": lambda m: linalg(m).multi_dot([m.eye(3), m.ones(3), m.eye(3)]),
    "multi_dot dtypes": lambda m: linalg(m).multi_dot([m.eye(3), m.eye(3, dtype=m.float64)]),
    "multi_dot shapes": lambda m: linalg(m).multi_dot([m.eye(3), m.ones(2, 2)]),
    "multi_dot of a tensor": lambda m: linalg(m).multi_dot(m.eye(3)),
    "chain_matmul 1-d": lambda m: m.chain_matmul(m.eye(3), m.ones(3)),
    "chain_matmul of none": lambda m: m.chain_matmul(),
    "vecdot dtypes": lambda m: linalg(m).vecdot(m.eye(3), m.eye(3, dtype=m.float64)),
    "vecdot sizes": lambda m: linalg(m).vecdot(m.ones(3), m.ones(2)),
    "vecdot int64": lambda m: linalg(m).vecdot(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int64)),
    "vecdot bool": lambda m: linalg(m).vecdot(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "vecdot dim": lambda m: linalg(m).vecdot(m.ones(2, 3), m.ones(2, 3), dim=2),
    "inner sizes": lambda m: m.inner(m.ones(3), m.ones(2)),
    "inner dtypes": lambda m: m.inner(m.ones(3), m.ones(3, dtype=m.float64)),
    "inner bool": lambda m: m.inner(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "addr 2-d vec1": lambda m: m.addr(m.eye(3), m.eye(3), m.ones(3)),
    "addr 2-d vec2": lambda m: m.addr(m.eye(3), m.ones(3), m.eye(3)),
    "addr input shape": lambda m: m.addr(m.ones(2, 2), m.ones(3), m.ones(3)),
    "addr float beta, int64": lambda m: m.addr(m.eye(3, dtype=m.int64), m.ones(3, dtype=m.int64),
                                               m.ones(3, dtype=m.int64), beta=0.5),
    "addr bool beta, float": lambda m: m.addr(m.eye(3), m.ones(3), m.ones(3), beta=True),
    "addr float alpha, int64": lambda m: m.addr(m.eye(3, dtype=m.int64), m.ones(3, dtype=m.int64),
                                                m.ones(3, dtype=m.int64), alpha=1.5),
    "tensordot negative dims": lambda m: m.tensordot(m.eye(3), m.eye(3), -1),
    "tensordot too many dims": lambda m: m.tensordot(m.eye(3), m.eye(3), 3),
    "tensordot sizes": lambda m: m.tensordot(m.ones(2, 3), m.ones(2, 3), 1),
    "tensordot lists of two lengths": lambda m: m.tensordot(m.eye(3), m.eye(3), ([0, 1], [1])),
    "tensordot dtypes": lambda m: m.tensordot(m.eye(3), m.eye(3, dtype=m.float64), 1),
    "tensordot float dims": lambda m: m.tensordot(m.eye(3), m.eye(3), 1.5),
    "tensordot repeated dim": lambda m: m.tensordot(m.eye(3), m.eye(3), ([0, 0], [1, 1])),
}


@pytest.mark.parametrize("case", PRODUCTS)
def test_products_match_torch(case):
    assert_matches_torch(PRODUCTS[case], tolerance=FLOAT32 if "32" in case else (1e-6, 1e-7))


@pytest.mark.parametrize("case", PRODUCT_ERRORS)
def test_product_errors_match_torch(case):
    assert_matches_torch(PRODUCT_ERRORS[case])


# ---------------------------------------------------------------------------------------------- arguments
NOT_TENSORS = {
    "qr": lambda m: linalg(m).qr([[1.0]]),
    "deprecated qr": lambda m: m.qr(m.ones(3)),
    "cholesky": lambda m: linalg(m).cholesky([[1.0]]),
    "eigh": lambda m: linalg(m).eigh([[1.0]]),
    "eigvalsh": lambda m: linalg(m).eigvalsh([[1.0]]),
    "pinv": lambda m: linalg(m).pinv([[1.0]]),
    "matrix_rank": lambda m: linalg(m).matrix_rank([[1.0]]),
    "lstsq A": lambda m: linalg(m).lstsq([[1.0]], m.ones(1, 1)),
    "lstsq B": lambda m: linalg(m).lstsq(m.ones(1, 1), [[1.0]]),
    "slogdet": lambda m: linalg(m).slogdet([[1.0]]),
    "matrix_power": lambda m: linalg(m).matrix_power([[1.0]], 2),
    "matrix_power bool n": lambda m: linalg(m).matrix_power(m.eye(2), True),
    "multi_dot element": lambda m: linalg(m).multi_dot([m.ones(1, 1), [[1.0]]]),
    "vecdot x": lambda m: linalg(m).vecdot([1.0], m.ones(1)),
    "vecdot y": lambda m: linalg(m).vecdot(m.ones(1), [1.0]),
    "inner": lambda m: m.inner(m.ones(1), [1.0]),
    "Tensor.inner": lambda m: m.ones(1).inner([1.0]),
    "addr vec1": lambda m: m.addr(m.ones(1, 1), [1.0], m.ones(1)),
    "addr vec2": lambda m: m.addr(m.ones(1, 1), m.ones(1), [1.0]),
    "Tensor.addr vec2": lambda m: m.ones(1, 1).addr(m.ones(1), [1.0]),
    "tensordot": lambda m: m.tensordot(m.ones(1), [1.0], 1),
    "slogdet function": lambda m: m.slogdet([[1.0]]),
    "logdet": lambda m: m.logdet([[1.0]]),
    "pinv positional rcond": lambda m: linalg(m).pinv(m.tensor(SMALL), 1e-9),
    "pinv positional rcond, hermitian": lambda m: linalg(m).pinv(m.tensor(SMALL), 1e-9, True),
}


@pytest.mark.parametrize("case", NOT_TENSORS)
def test_arguments_are_read_as_torch(case):
    assert_matches_torch(NOT_TENSORS[case])


# ---------------------------------------------------------------------------------------------- saved inputs
def changed_before_backward(build: Callable[[Any, Any], Any], kind: str = "spd") -> Callable:
    """A program: `build(m, A)` (its first output), then A changed in place, then the backward: torch refuses
    where the node saved A itself (slogdet, pinv) and goes on where it saved only its outputs."""
    def program(m: Any) -> Any:
        A = matrix(m, (3, 3), kind).clone()
        out = build(m, A)
        A.mul_(2)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
        return out
    return program


IN_PLACE = {
    "slogdet": lambda m, A: linalg(m).slogdet(A)[1],
    "pinv": lambda m, A: linalg(m).pinv(A),
    "cholesky": lambda m, A: linalg(m).cholesky(A),
    "qr": lambda m, A: linalg(m).qr(A),
    "eigvalsh": lambda m, A: linalg(m).eigvalsh(A),
}


@pytest.mark.parametrize("case", IN_PLACE)
def test_inputs_changed_in_place_as_torch(case):
    assert_matches_torch(changed_before_backward(IN_PLACE[case]), drop_hints=True)


def sibling_changed(factorise: Callable[[Any, Any], Any], changed: int, kind: str = "spd") -> Callable:
    """A program: output `changed` of `factorise(m, A)` changed in place, then the backward of another output:
    torch's one node saved both, and refuses."""
    def program(m: Any) -> Any:
        out = factorise(m, matrix(m, (3, 3), kind))
        out[changed].mul_(2)
        out[1 - changed].sum().backward()
    return program


SIBLINGS = {
    "qr, Q changed": sibling_changed(lambda m, A: linalg(m).qr(A), 0),
    "qr, R changed": sibling_changed(lambda m, A: linalg(m).qr(A), 1),
    "eigh, eigenvalues changed": sibling_changed(lambda m, A: linalg(m).eigh(A), 0),
}


@pytest.mark.parametrize("case", SIBLINGS)
def test_outputs_changed_in_place_fail_the_others_backward_as_torch(case):
    """(torch names the factorisation's output, "output 1 of LinalgQr"; minitorch_ref, whose outputs are nodes of
    their own, the op that changed it: only the exception type is compared)"""
    assert_matches_torch(SIBLINGS[case], same_message=False)
