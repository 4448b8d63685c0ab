"""Matrix products and linear algebra, differential probe: the edges a probe of both libraries found.

What this proves, beyond `test_linalg.py`:
- `matmul`'s shape errors are those of the product torch reduces it to (mm or mv of the batched operand folded
  into rows, as torch decides from requires_grad and strides, else bmm of the broadcast batch), and so
  are its grad_fn names (a 3-D batch of one that requires grad is multiplied as a matrix);
- `mm` names the operand that is not a matrix, `matmul` refuses numbers and arrays with torch's TypeError,
  and a bool batch on the left of a batched matmul raises bmm's "not implemented for 'Bool'" first;
- `addmm` expands its input to the product's shape with `expand`'s error, and truncates `beta` and `alpha`
  to integers for an integer product, as torch;
- `linalg.det` (and `det`), `linalg.inv` (and `inverse`), `linalg.solve`, `linalg.cross` (and `cross`),
  `linalg.svdvals`, `linalg.matmul`, `addmv`, `addbmm`, `baddbmm`, `vdot` and `kron` (new) give torch's values,
  gradients, grad_fn names and input errors;
- `einsum` rejects a '.' outside the one ellipsis a term may have, an invalid subscript (at its index in the
  equation), a missing operand or one that is not a tensor with torch's exceptions and messages.
Each case is one program run on both libraries (`assert_matches_torch`): the same values, dtypes, shapes,
grad_fn names and gradients, or the same exception type and message.
"""
from __future__ import annotations

import numpy as np
import pytest

from parity_tests.test_semantics import assert_matches_torch


def rand(m, *shape, dtype="float64", requires_grad=False, seed=0):
    """The same random tensor in both libraries (small integers for integer dtypes)."""
    values = np.random.default_rng(seed + sum(shape)).standard_normal(shape)
    values = (values * 3).round() if dtype.startswith("int") else values > 0 if dtype == "bool" else values
    return m.tensor(values.astype(dtype), requires_grad=requires_grad)


def with_grads(build, *shapes):
    """A program: `build(m, *leaves)` on float64 leaves, then backward of a random upstream gradient;
    returns the output and the leaves' gradients."""
    def program(m):
        leaves = [rand(m, *shape, requires_grad=True, seed=i) for i, shape in enumerate(shapes)]
        out = build(m, *leaves)
        out.backward(m.tensor(np.random.default_rng(9).standard_normal(tuple(out.shape))))
        return out, *[leaf.grad for leaf in leaves]
    return program


def backward_of(m, a, b):
    """`a @ b`, then backward of ones: the output (its grad_fn) and both gradients."""
    out = a @ b
    out.backward(m.ones(*out.shape, dtype=out.dtype))
    return out, a.grad, b.grad


CASES = {
    # mm names the operand that is not a matrix
    "mm-vector-mat2": lambda m: m.mm(rand(m, 2, 3), rand(m, 3)),
    "mm-method-vector-mat2": lambda m: rand(m, 2, 3).mm(rand(m, 4)),
    # matmul takes tensors only
    "matmul-number-other": lambda m: m.matmul(rand(m, 3), 2.0),
    "matmul-number-input": lambda m: m.matmul(2.0, rand(m, 3)),
    "matmul-array-input": lambda m: m.matmul(np.ones(3), rand(m, 3)),
    "matmul-method-number": lambda m: rand(m, 3).matmul(2.0),
    # matmul's shape errors come from the product torch reduces it to: the batched operand folded into
    # rows for mm / mv (when the other requires grad, or the fold is a view), else a bmm of the broadcast batch
    **{f"matmul-mismatch-{sa}x{sb}-grad{grad}": (lambda sa, sb, grad: lambda m: m.matmul(
        rand(m, *sa, requires_grad=grad == "a"), rand(m, *sb, requires_grad=grad == "b")))(sa, sb, grad)
       for sa, sb, grad in [((2, 3, 4), (3,), ""), ((2, 3, 4), (3, 4), ""), ((5, 2, 3, 4), (3, 2), "b"),
                            ((3,), (2, 2, 3), "a"), ((3,), (2, 2, 3), ""), ((3,), (2, 0, 3), ""),
                            ((2, 3), (2, 2, 3), "a"), ((2, 3), (2, 2, 3), ""), ((4,), (5, 1, 3, 4), "a"),
                            ((2, 3, 4), (5, 1, 3, 4), ""), ((2, 2, 3), (2, 3), "b"), ((2, 3, 4), (4, 3, 0), ""),
                            ((2, 3, 4), (1, 4, 2), "")]},
    # a 3-D operand with a batch of one that requires grad, beside a real batch, is multiplied as a matrix;
    # a 2-D `a` is folded (Transpose/Clone) only when it requires grad, else bmm (UnsafeView)
    **{f"matmul-grad-{sa}x{sb}-requires{grad}": (lambda sa, sb, grad: lambda m: backward_of(
        m, rand(m, *sa, requires_grad="a" in grad), rand(m, *sb, requires_grad="b" in grad, seed=1)))(sa, sb, grad)
       for sa, sb, grad in [((1, 4, 2), (2, 2, 3), "a"), ((1, 4, 2), (2, 2, 3), "ab"), ((1, 4, 2), (2, 2, 3), "b"),
                            ((2, 2, 3), (1, 3, 2), "b"), ((1, 3), (1, 3, 4), "b"), ((2, 3), (2, 3, 4), "b"),
                            ((1, 3, 2), (0, 2, 4), "a"), ((2, 3), (0, 3, 4), "a")]},
    **{f"matmul-mismatch-{sa}x{sb}-requires{grad}": (lambda sa, sb, grad: lambda m: m.matmul(
        rand(m, *sa, requires_grad="a" in grad), rand(m, *sb, requires_grad="b" in grad)))(sa, sb, grad)
       for sa, sb, grad in [((2, 2, 3), (1, 4, 2), "b"), ((2, 2, 3), (1, 4, 2), "a"), ((1, 4, 2), (2, 3, 3), "a"),
                            ((2, 3, 4), (1, 5, 6), "ab")]},
    "matmul-mismatch-not-contiguous": lambda m: m.matmul(rand(m, 2, 3, 4).transpose(0, 1), rand(m, 5)),
    "matmul-mismatch-transposed-rows": lambda m: m.matmul(rand(m, 2, 3, 4).transpose(1, 2), rand(m, 5)),
    # a bool batch on the left: bmm's kernel is chosen (and missing) before the dtypes are compared
    "matmul-bool-batch-float": lambda m: m.matmul(rand(m, 2, 2, 3, dtype="bool"),
                                                  rand(m, 2, 3, 4, dtype="float32")),
    # addmm: the input is expanded to the product's shape
    "addmm-input-rows": lambda m: m.addmm(rand(m, 3, 4), rand(m, 2, 3), rand(m, 3, 4)),
    "addmm-input-vector": lambda m: m.addmm(rand(m, 2), rand(m, 2, 3), rand(m, 3, 4), beta=0.5, alpha=2),
    "addmm-input-3d": lambda m: m.addmm(rand(m, 1, 2, 4), rand(m, 2, 3), rand(m, 3, 4)),
    "addmm-input-broadcasts": with_grads(lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2),
                                         (1, 4), (2, 3), (3, 4)),
    # addmm: integer products take integer factors (truncated)
    **{f"addmm-int-beta{beta}-alpha{alpha}": (lambda beta, alpha: lambda m: m.addmm(
        rand(m, 2, 4, dtype="int64"), rand(m, 2, 3, dtype="int64"), rand(m, 3, 4, dtype="int64"),
        beta=beta, alpha=alpha))(beta, alpha)
       for beta, alpha in [(0.5, 1), (1.7, 1), (-0.5, 1), (1, 2.7), (2.5, 2.5), (2, 3)]},
    # einsum: a '.' outside the one ellipsis of a term
    **{f"einsum-stray-dot-{equation}": (lambda equation: lambda m: m.einsum(
        equation, *[rand(m, 2, 3)] * (equation.count(",") + 1)))(equation)
       for equation in ["..i", "i.j", "i..j", "i....", "ij->..", "ij->.", "...ij->....", "ij,.ji", "ij,ji.."]},
    # linalg.det and linalg.inv: values, gradients (det's also for a rank-deficient matrix) and torch's checks
    **{f"{name}-{shape}": (lambda name, shape: with_grads(lambda m, a: getattr(m.linalg, name)(a), shape))(name, shape)
       for name in ["det", "inv"] for shape in [(3, 3), (2, 4, 4), (1, 1), (0, 0), (2, 0, 0)]},
    **{f"{name}-{shape}-{dtype}": (lambda name, shape, dtype: lambda m: getattr(m.linalg, name)(
        rand(m, *shape, dtype=dtype)))(name, shape, dtype)
       for name in ["det", "inv"] for shape, dtype in [((3, 3), "float32"), ((2, 3), "int64"), ((3,), "float32"),
                                                       ((3, 3), "int64"), ((2, 2), "bool"), ((3, 3), "float16")]},
    # torch.det / torch.inverse and the methods: linalg's, under their names
    "det-function": with_grads(lambda m, a: m.det(a), (2, 3, 3)),
    "det-method": with_grads(lambda m, a: a.det(), (3, 3)),
    "inverse-function": with_grads(lambda m, a: m.inverse(a), (2, 3, 3)),
    "inverse-method": with_grads(lambda m, a: a.inverse(), (3, 3)),
    "det-function-not-square": lambda m: m.det(rand(m, 2, 3)),
    "inverse-method-int": lambda m: rand(m, 2, 2, dtype="int64").inverse(),
    "det-function-list": lambda m: m.det([[1.0]]),
    "inverse-function-list": lambda m: m.inverse([[1.0]]),
    "det-of-ones-grad": lambda m: with_grads(lambda m, a: m.linalg.det(a * 0 + 1), (3, 3))(m),
    "det-not-a-tensor": lambda m: m.linalg.det([[1.0]]),
    # linalg.svdvals (the op existed, the name did not) and linalg.matmul
    **{f"svdvals-{shape}": (lambda shape: with_grads(lambda m, a: m.linalg.svdvals(a), shape))(shape)
       for shape in [(3, 3), (2, 3, 2), (1, 4), (0, 2)]},
    **{f"svdvals-{shape}-{dtype}": (lambda shape, dtype: lambda m: m.linalg.svdvals(rand(m, *shape, dtype=dtype)))(
        shape, dtype) for shape, dtype in [((3,), "float32"), ((3, 2), "int64"), ((3, 2), "float16")]},
    **{f"linalg-matmul-{sa}x{sb}": (lambda sa, sb: with_grads(lambda m, a, b: m.linalg.matmul(a, b), sa, sb))(sa, sb)
       for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((2, 2, 3), (3, 4))]},
    "linalg-matmul-number": lambda m: m.linalg.matmul(rand(m, 3), 2.0),
    "linalg-matmul-array-input": lambda m: m.linalg.matmul(np.ones(3), rand(m, 3)),
    # baddbmm (new): values, gradients through a broadcast input, beta=0 ignoring NaN, torch's checks in its order
    **{f"baddbmm-{shape}-beta{beta}-alpha{alpha}": (lambda shape, beta, alpha: with_grads(
        lambda m, c, a, b: m.baddbmm(c, a, b, beta=beta, alpha=alpha), shape, (2, 3, 5), (2, 5, 4)))(shape, beta, alpha)
       for shape, beta, alpha in [((2, 3, 4), 1, 1), ((4,), 0.5, 2), ((1, 3, 1), 0, 1), ((), 2, 0.5)]},
    "baddbmm-nan-input-beta0": lambda m: m.baddbmm(m.full((3, 4), float("nan")), rand(m, 2, 3, 5), rand(m, 2, 5, 4),
                                                   beta=0),
    "baddbmm-method": lambda m: rand(m, 2, 3, 4).baddbmm(rand(m, 2, 3, 5), rand(m, 2, 5, 4), beta=2, alpha=3),
    "baddbmm-int-factors": lambda m: m.baddbmm(rand(m, 3, 4, dtype="int64"), rand(m, 2, 3, 5, dtype="int64"),
                                               rand(m, 2, 5, 4, dtype="int64"), beta=0.5, alpha=2.5),
    "baddbmm-empty-sum": lambda m: m.baddbmm(rand(m, 2, 3, 4), rand(m, 2, 3, 0), rand(m, 2, 0, 4), beta=2),
    **{f"baddbmm-error-{shapes}": (lambda shapes: lambda m: m.baddbmm(*[rand(m, *shape) for shape in shapes]))(shapes)
       for shapes in [((3, 4), (2, 3, 5), (3, 5, 4)), ((3, 4), (2, 3, 5), (2, 6, 4)), ((3, 4), (3, 5), (2, 5, 4)),
                      ((4,), (3, 5), (2, 5, 4)), ((3, 4), (2, 3, 5), (5, 4)), ((5, 4), (2, 3, 5), (2, 5, 4)),
                      ((2, 1, 3, 4), (2, 3, 5), (2, 5, 4))]},
    **{f"baddbmm-dtypes-{dtypes}": (lambda dtypes: lambda m: m.baddbmm(
        *[rand(m, *shape, dtype=dtype) for shape, dtype in zip([(3, 4), (2, 3, 5), (2, 5, 4)], dtypes)]))(dtypes)
       for dtypes in [("float64", "float32", "float32"), ("float32", "float64", "float32"),
                      ("float32", "float32", "float64"), ("bool", "bool", "bool")]},
    # vdot (new): dot's checks and values, VdotBackward0
    "vdot-grads": with_grads(lambda m, a, b: m.vdot(a, b), (3,), (3,)),
    "vdot-method": lambda m: rand(m, 4).vdot(rand(m, 4, seed=1)),
    **{f"vdot-{sa}x{sb}-{dtypes}": (lambda sa, sb, dtypes: lambda m: m.vdot(
        rand(m, *sa, dtype=dtypes[0]), rand(m, *sb, dtype=dtypes[1])))(sa, sb, dtypes)
       for sa, sb, dtypes in [((3,), (4,), ("float32",) * 2), ((3, 1), (3,), ("float32",) * 2),
                              ((3,), (3,), ("float32", "float64")), ((3,), (3,), ("int64",) * 2),
                              ((3,), (3,), ("bool",) * 2), ((0,), (0,), ("float32",) * 2)]},
    # linalg.solve (new): vector or matrix right-hand sides, broadcast batches, left=False, torch's checks in order
    **{f"solve-{sa}-{sb}-left{left}": (lambda sa, sb, left: with_grads(
        lambda m, a, b: m.linalg.solve(a, b, left=left), sa, sb))(sa, sb, left)
       for sa, sb, left in [((3, 3), (3,), True), ((3, 3), (3, 2), True), ((2, 3, 3), (2, 3), True),
                            ((2, 3, 3), (3,), True), ((2, 3, 3), (4, 2, 3, 1), True), ((2, 1, 3, 3), (4, 3, 2), True),
                            ((2, 3, 3), (3, 3), False), ((3, 3), (2, 3), False), ((0, 0), (0,), True)]},
    **{f"solve-error-{sa}-{sb}-left{left}-{dtypes}": (lambda sa, sb, left, dtypes: lambda m: m.linalg.solve(
        rand(m, *sa, dtype=dtypes[0]), rand(m, *sb, dtype=dtypes[1]), left=left))(sa, sb, left, dtypes)
       for sa, sb, left, dtypes in [
           ((2, 3, 3), (4, 2, 3), True, ("float64",) * 2), ((2, 3, 3), (5, 3, 1), True, ("float64",) * 2),
           ((3, 3), (2, 3), True, ("float64",) * 2), ((2, 3), (2,), True, ("float64",) * 2),
           ((3,), (3,), True, ("float64",) * 2), ((3, 3), (), True, ("float64",) * 2),
           ((2, 3, 3), (3, 2), False, ("float64",) * 2), ((1, 1), (1,), False, ("float64",) * 2),
           ((3, 3), (3,), True, ("float64", "float32")), ((3,), (3,), True, ("int64",) * 2),
           ((3, 3), (3,), True, ("int64", "float32")), ((3, 3), (3,), True, ("float16",) * 2)]},
    "solve-number": lambda m: m.linalg.solve(m.ones(3, 3), 2.0),
    # linalg.cross and cross (new): broadcasting, dim, the default dim of cross, torch's checks in its order
    **{f"cross-{sa}x{sb}-dim{dim}": (lambda sa, sb, dim: with_grads(
        lambda m, a, b: m.linalg.cross(a, b, dim=dim), sa, sb))(sa, sb, dim)
       for sa, sb, dim in [((3,), (3,), -1), ((2, 3), (1, 3), -1), ((3, 4), (3, 1), 0), ((0, 3), (0, 3), 1)]},
    "cross-function-dim": with_grads(lambda m, a, b: m.cross(a, b, dim=1), (3, 3), (3, 3)),
    "cross-method-dim": with_grads(lambda m, a, b: a.cross(b, 0), (3, 4), (3, 4)),
    "cross-function-default-dim": lambda m: m.cross(rand(m, 4, 3), rand(m, 4, 3, seed=1)),
    "cross-function-no-dim-of-3": lambda m: m.cross(rand(m, 2, 2), rand(m, 2, 2)),
    **{f"cross-error-{sa}x{sb}-dim{dim}-{dtypes}": (lambda sa, sb, dim, dtypes: lambda m: m.linalg.cross(
        rand(m, *sa, dtype=dtypes[0]), rand(m, *sb, dtype=dtypes[1]), dim=dim))(sa, sb, dim, dtypes)
       for sa, sb, dim, dtypes in [
           ((2, 3), (3,), -1, ("float64",) * 2), ((2, 2), (2, 2), -1, ("float64",) * 2),
           ((3, 2), (3, 2), 2, ("float64",) * 2), ((3, 2), (3, 3), 0, ("float64",) * 2),
           ((3, 2), (2, 3), 0, ("float64",) * 2), ((), (), -1, ("float64",) * 2),
           ((3,), (3,), -1, ("float32", "float64")), ((3,), (3,), -1, ("int64",) * 2),
           ((3,), (3,), -1, ("bool",) * 2)]},
    "cross-number": lambda m: m.linalg.cross(rand(m, 3), 2.0),
    # addmv (new): values, gradients through a broadcast input, beta=0 ignoring NaN, torch's checks in its order
    **{f"addmv-{shape}-beta{beta}-alpha{alpha}": (lambda shape, beta, alpha: with_grads(
        lambda m, c, a, b: m.addmv(c, a, b, beta=beta, alpha=alpha), shape, (2, 3), (3,)))(shape, beta, alpha)
       for shape, beta, alpha in [((2,), 1, 1), ((1,), 0.5, 2), ((), 0, 1)]},
    "addmv-nan-input-beta0": lambda m: m.addmv(m.full((2,), float("nan")), rand(m, 2, 3), rand(m, 3), beta=0),
    "addmv-method": lambda m: rand(m, 2).addmv(rand(m, 2, 3), rand(m, 3), beta=2, alpha=3),
    "addmv-int-factors": lambda m: m.addmv(rand(m, 2, dtype="int64"), rand(m, 2, 3, dtype="int64"),
                                           rand(m, 3, dtype="int64"), beta=0.5, alpha=2.5),
    **{f"addmv-error-{shapes}-{dtypes}": (lambda shapes, dtypes: lambda m: m.addmv(
        *[rand(m, *shape, dtype=dtype) for shape, dtype in zip(shapes, dtypes)]))(shapes, dtypes)
       for shapes, dtypes in [(((3,), (2, 3), (3,)), ("float64",) * 3), (((2, 2), (2, 3), (3,)), ("float64",) * 3),
                              (((2,), (2, 3), (4,)), ("float64",) * 3), (((2,), (3,), (3,)), ("float64",) * 3),
                              (((2,), (2, 3), (3, 1)), ("float64",) * 3),
                              (((2,), (2, 3), (3,)), ("float32", "float64", "float64")),
                              (((2,), (2, 3), (3,)), ("float64", "float32", "float64")),
                              (((2,), (2, 3), (3,)), ("float64", "float64", "float32")),
                              (((2,), (2, 3), (3,)), ("bool",) * 3)]},
    # addbmm (new): the sum of the batch's products, gradients, beta=0 ignoring NaN, torch's checks in its order
    **{f"addbmm-{shape}-beta{beta}-alpha{alpha}": (lambda shape, beta, alpha: with_grads(
        lambda m, c, a, b: m.addbmm(c, a, b, beta=beta, alpha=alpha), shape, (2, 3, 5), (2, 5, 4)))(shape, beta, alpha)
       for shape, beta, alpha in [((3, 4), 1, 1), ((4,), 0.5, 2), ((1, 1), 0, 1), ((), 2, 0.5)]},
    "addbmm-nan-input-beta0": lambda m: m.addbmm(m.full((3, 4), float("nan")), rand(m, 2, 3, 5), rand(m, 2, 5, 4),
                                                 beta=0),
    "addbmm-empty-batch": lambda m: m.addbmm(rand(m, 3, 4), rand(m, 0, 3, 5), rand(m, 0, 5, 4), beta=2),
    "addbmm-method": lambda m: rand(m, 3, 4).addbmm(rand(m, 2, 3, 5), rand(m, 2, 5, 4), beta=2, alpha=3),
    "addbmm-int-factors": lambda m: m.addbmm(rand(m, 3, 4, dtype="int64"), rand(m, 2, 3, 5, dtype="int64"),
                                             rand(m, 2, 5, 4, dtype="int64"), beta=0.5, alpha=2.5),
    **{f"addbmm-error-{shapes}-{dtypes}": (lambda shapes, dtypes: lambda m: m.addbmm(
        *[rand(m, *shape, dtype=dtype) for shape, dtype in zip(shapes, dtypes)]))(shapes, dtypes)
       for shapes, dtypes in [(((2, 3, 4), (2, 3, 5), (2, 5, 4)), ("float64",) * 3),
                              (((5, 4), (2, 3, 5), (2, 5, 4)), ("float64",) * 3),
                              (((4,), (3, 5), (2, 5, 4)), ("float64",) * 3),
                              (((3, 4), (2, 3, 5), (5, 4)), ("float64",) * 3),
                              (((3, 4), (2, 3, 5), (3, 5, 4)), ("float64",) * 3),
                              (((3, 4), (2, 3, 5), (2, 6, 4)), ("float64",) * 3),
                              (((3, 4), (2, 3, 5), (2, 5, 4)), ("float32", "float64", "float64")),
                              (((3, 4), (2, 3, 5), (2, 5, 4)), ("float64", "float32", "float64")),
                              (((3, 4), (2, 3, 5), (2, 5, 4)), ("float64", "float64", "float32")),
                              (((3, 4), (2, 3, 5), (2, 5, 4)), ("bool",) * 3)]},
    # einsum: the index of an invalid subscript in the whole equation (spaces counted), each operand's term
    # checked before the output's, operands unpacked from (nested) lists and checked to be tensors
    **{f"einsum-invalid-{equation}": (lambda equation: lambda m: m.einsum(
        equation, *[rand(m, 2, 2)] * (equation.count(",") + 1)))(equation)
       for equation in ["i j->i->j", "ij,j!k", "i , j->ij?", "ij->i j%", "i->i->i"]},
    "einsum-nested-list": lambda m: m.einsum("ij,jk", [[rand(m, 2, 2), rand(m, 2, 2, seed=1)]]),
    "einsum-list-of-a-number": lambda m: m.einsum("ij,jk", [rand(m, 2, 2), 2]),
    "einsum-second-operand-a-list": lambda m: m.einsum("ij", rand(m, 2, 2), [1.0]),
    "einsum-no-operand": lambda m: m.einsum("i"),
    "einsum-empty-list": lambda m: m.einsum("ij", []),
    # kron (new): dims padded with leading 1s, gradients, torch's result dtype
    **{f"kron-{sa}x{sb}": (lambda sa, sb: with_grads(lambda m, a, b: m.kron(a, b), sa, sb))(sa, sb)
       for sa, sb in [((2, 3), (2, 2)), ((3,), (2, 2)), ((2, 1, 3), (2, 2)), ((2,), (1, 2, 1, 3)), ((0, 3), (2, 2)),
                      ((), ())]},
    "kron-method": lambda m: rand(m, 2, 3).kron(rand(m, 3, seed=1)),
    **{f"kron-{dtypes}": (lambda dtypes: lambda m: m.kron(rand(m, 2, 3, dtype=dtypes[0]),
                                                           rand(m, 2, 2, dtype=dtypes[1])))(dtypes)
       for dtypes in [("int64", "float32"), ("bool", "bool"), ("float16", "float64"), ("int32", "int64")]},
    "kron-number": lambda m: rand(m, 2).kron(2.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch(case):
    assert_matches_torch(CASES[case])
