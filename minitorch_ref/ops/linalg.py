"""Matrix products (for `out = a @ b`: grad_a = grad @ b^T and grad_b = a^T @ grad), and the rules of the
linear algebra built on them: determinants, inverses, solves, factorisations (QR, Cholesky, eigh), pseudo-inverses
and least squares."""
from __future__ import annotations

import math

import numpy as np

from ..autograd.function import Function

class Matmul(Function):
    """torch.matmul for every rank: 1-D operands get a temporary dim, batches broadcast.

    torch names the node after what its matmul decomposes into for these ranks: a dot, a
    matrix-vector product, a matrix product, a vector-matrix product computed as an mm and
    then squeezed (torch 2.13 reports SqueezeBackward4), a bmm behind a reshape when batched.
    """

    NAMES = {(1, 1): "DotBackward0", (1, 2): "SqueezeBackward4", (2, 1): "MvBackward0", (2, 2): "MmBackward0"}

    @staticmethod
    def forward(ctx, a, b):
        # (a is needed only for b's gradient and b for a's: each is saved only then, as torch)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        ctx.a_shape, ctx.b_shape = a.shape, b.shape
        ctx.node_name = ctx.NAMES.get((a.ndim, b.ndim)) or _batched_name(a.shape, b.shape, ctx.needs_input_grad)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        # Redo what matmul did: a 1-D `a` is a row (1, k), a 1-D `b` a column (k, 1), and the
        # gradient gets those size-1 dims back. The engine then sums away broadcast batch dims.
        a_shape = (1,) + ctx.a_shape if len(ctx.a_shape) == 1 else ctx.a_shape
        b_shape = ctx.b_shape + (1,) if len(ctx.b_shape) == 1 else ctx.b_shape
        batch = np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
        g = grad.reshape(batch + (a_shape[-2], b_shape[-1]))
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = np.matmul(g, np.swapaxes(b.reshape(b_shape), -1, -2))
            grad_a = grad_a[..., 0, :] if len(ctx.a_shape) == 1 else grad_a
        if ctx.needs_input_grad[1]:
            grad_b = np.matmul(np.swapaxes(a.reshape(a_shape), -1, -2), g)
            grad_b = grad_b[..., 0] if len(ctx.b_shape) == 1 else grad_b
        return grad_a, grad_b


class Vdot(Matmul):
    """torch.vdot of two real vectors: their dot product, under vdot's node name."""

    NAMES = {(1, 1): "VdotBackward0"}


def _batched_name(sa: tuple, sb: tuple, needs_grad: tuple) -> str:
    """torch computes a 2-D `a` that requires grad times a batch `b` as (b^T @ a^T)^T and copies the
    result to make it contiguous (CloneBackward0) unless it already is: one row, one column, or empty.
    Otherwise it runs a bmm and views the result (UnsafeViewBackward0)."""
    if batch_of_one_as_matrix(sa, sb, needs_grad[0], needs_grad[1]) == 0:
        sa = sa[1:]
    if len(sa) != 2 or not needs_grad[0]:
        return "UnsafeViewBackward0"
    return "TransposeBackward0" if sa[0] <= 1 or sb[-1] <= 1 or 0 in sb[:-2] else "CloneBackward0"


def batch_of_one_as_matrix(sa: tuple, sb: tuple, a_requires_grad: bool, b_requires_grad: bool) -> int | None:
    """Which 3-D operand torch's matmul multiplies as a plain matrix (0: a, 1: b; None: neither): one whose
    batch is a single matrix and requires grad, beside a real batch, so that its gradient is one mm."""
    if len(sa) == len(sb) == 3:
        if sa[0] == 1 and sb[0] != 1 and a_requires_grad:
            return 0
        if sb[0] == 1 and sa[0] != 1 and b_requires_grad:
            return 1
    return None


class Addmm(Function):
    """`bias + x @ weight.T`: what `nn.Linear` computes for a 2-D input, in one node as torch does."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        # (x is needed only for the weight's gradient and the weight for x's: each saved only then, as torch)
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, weight if ctx.needs_input_grad[0] else None)
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad_x = grad @ weight if ctx.needs_input_grad[0] else None
        grad_w = grad.T @ x if ctx.needs_input_grad[1] else None
        grad_b = grad.sum(0) if ctx.needs_input_grad[2] else None
        return grad_x, grad_w, grad_b


class LinearNoBias(Addmm):
    """`x @ weight.T` (`Linear(bias=False)`): torch records a plain mm."""

    node_name = "MmBackward0"


# --- ops added for issue 12 -------------------------------------------------------------------
class Bmm(Function):
    """Batched matrix product of two 3-D tensors (no broadcasting, as torch.bmm)."""

    node_name = "BmmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (np.matmul(grad, np.swapaxes(b, -1, -2)) if ctx.needs_input_grad[0] else None,
                np.matmul(np.swapaxes(a, -1, -2), grad) if ctx.needs_input_grad[1] else None)


class Mv(Bmm):
    node_name = "MvBackward0"

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (np.outer(grad, b) if ctx.needs_input_grad[0] else None,
                a.T @ grad if ctx.needs_input_grad[1] else None)


class AddmmFull(Function):
    """`beta * input + alpha * (m1 @ m2)`: torch.addmm (and, with batches of matrices, baddbmm)."""

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, m1, m2, beta, alpha):
        ctx.save_for_backward(m1, m2)
        ctx.beta, ctx.alpha = beta, alpha
        product = ctx.product(m1, m2)
        out = product * alpha if alpha != 1 else product
        if beta != 0:
            out = out + (bias * beta if beta != 1 else bias)
        return np.asarray(out).astype(np.result_type(bias, m1), copy=False)

    @staticmethod
    def backward(ctx, grad):
        m1, m2 = ctx.saved_tensors
        g = grad * ctx.alpha if ctx.alpha != 1 else grad
        return grad * ctx.beta, g @ np.swapaxes(m2, -1, -2), np.swapaxes(m1, -1, -2) @ g, None, None

    @staticmethod
    def product(m1, m2):
        return m1 @ m2


class Baddbmm(AddmmFull):
    node_name = "BaddbmmBackward0"


class Addbmm(AddmmFull):
    """`beta * input + alpha * (the sum of batch1[i] @ batch2[i])`: torch.addbmm. Each pair of matrices
    gets the gradient of the one sum."""

    node_name = "AddbmmBackward0"

    @staticmethod
    def product(batch1, batch2):
        # one matrix product over the batch and the inner dim together: torch's float32 sums, within rounding
        b, n, k = batch1.shape
        return np.swapaxes(batch1, 0, 1).reshape(n, b * k) @ batch2.reshape(b * k, batch2.shape[2])


class Addmv(AddmmFull):
    """`beta * input + alpha * (mat @ vec)`: torch.addmv."""

    node_name = "AddmvBackward0"

    @staticmethod
    def backward(ctx, grad):
        mat, vec = ctx.saved_tensors
        g = grad * ctx.alpha if ctx.alpha != 1 else grad
        return grad * ctx.beta, np.outer(g, vec), mat.T @ g, None, None


# --- issue 12: einsum ---------------------------------------------------------------------------
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def einsum_subscripts(equation: str, ndims: list) -> tuple:
    """(one subscript string per operand, the output's) with `...` written out as letters and the
    implicit output (`'ij,jk'`) made explicit: the ellipsis dims, then the labels used once, sorted."""
    original, equation = equation, equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(ndims):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                         if len(ndims) > len(inputs) else
                         "einsum(): fewer operands were provided than specified in the equation")
    n_ellipsis = 0
    for k, (term, n) in enumerate(zip(inputs, ndims)):  # (torch checks each operand's term, then the output's)
        _check_subscripts(term, f"operand {k}", original)
        labels = len(term.replace("...", ""))
        if "..." in term:
            n_ellipsis = max(n_ellipsis, n - labels)
            if n < labels:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({labels}) is more than the "
                                   f"number of dimensions ({n}) for operand {k}")
        elif labels != n:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({labels}) does not match the "
                               f"number of dimensions ({n}) for operand {k} and no ellipsis was given")
    _check_subscripts(rhs, "output", original)
    spare = [c for c in _LETTERS if c not in equation]
    ellipsis = "".join(spare[:n_ellipsis])
    explicit = [t.replace("...", ellipsis[n_ellipsis - (n - len(t.replace("...", ""))):] if n_ellipsis else "")
                for t, n in zip(inputs, ndims)]
    if arrow:
        seen = ""
        for c in rhs.replace("...", ""):  # (each output label once, and taken from some input)
            if c in seen:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if c not in lhs:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            seen += c
        out = rhs.replace("...", ellipsis)
    else:
        counts = {c: lhs.count(c) for c in set(lhs.replace("...", "").replace(",", ""))}
        out = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    return explicit, out


def _check_subscripts(term: str, where: str, equation: str) -> None:
    """torch's errors for a term with a stray '.' or a subscript that is not a letter (its index in the
    whole equation: the first character that is none of letter, space, comma, dot, or the arrow)."""
    _check_dots(term, where)
    if any(c not in _LETTERS for c in term.replace("...", "")):
        arrow = equation.find("->")
        index = next(i for i, c in enumerate(equation) if c not in _LETTERS + " ,." and i not in (arrow, arrow + 1))
        raise RuntimeError(f"einsum(): invalid subscript given at index {index} in the equation string, subscripts "
                           "must be in [a-zA-Z]")


def _check_dots(term: str, where: str) -> None:
    """torch's error for a '.' outside the one `...` a term may have, found as torch scans the term."""
    i, seen = 0, False
    while i < len(term):
        if term.startswith("...", i) and not seen:
            seen, i = True, i + 3
            continue
        if term[i] == ".":
            output = where == "output"
            raise RuntimeError(f"einsum(): found '.' for {where} " + (
                ("but an ellipsis (...) was already found" if output else "for which an ellipsis was already found")
                if seen else "that is not part of any ellipsis" + (" (...)" if output else "")))
        i += 1


class Einsum(Function):
    """`einsum(equation, *operands)`: a sum of products over the labels. The gradient of an operand
    is the einsum of the upstream gradient with the other operands, onto that operand's labels
    (spread over labels that only it has, and put back on the diagonal where a label repeats).

    One node here; torch records the ops it decomposes the equation into and names the result after
    the last: one operand ends with a `sum` over the labels the output drops (SumBackward1), or else a
    `permute` (PermuteBackward0); several end with a `view` that drops the summed labels
    (ViewBackward0), or else with the `mul` of the last pair (MulBackward0)."""

    @staticmethod
    def forward(ctx, inputs, out, *arrays):
        summed = bool(set("".join(inputs)) - set(out))
        ctx.node_name = (("SumBackward1" if summed else "PermuteBackward0") if len(inputs) == 1 else
                         ("ViewBackward0" if summed else "MulBackward0"))
        ctx.inputs, ctx.out, ctx.shapes = inputs, out, [a.shape for a in arrays]
        ctx.save_for_backward(*arrays)
        arrays = [_sum_labels_alone(a, k, inputs, out, arrays) for k, a in enumerate(arrays)]
        sizes = _label_sizes(inputs, arrays)  # (size-1 dims broadcast, as torch's einsum allows)
        arrays = [np.broadcast_to(a, [sizes[c] for c in term]) for a, term in zip(arrays, inputs)]
        return np.asarray(np.einsum(f"{','.join(inputs)}->{out}", *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx, grad):
        arrays = ctx.saved_tensors
        sizes = _label_sizes(ctx.inputs, arrays)
        grads = []
        for i, term in enumerate(ctx.inputs):
            if not ctx.needs_input_grad[i + 2]:
                grads.append(None)
                continue
            others = [(ctx.out, grad)] + [(t, np.broadcast_to(a, [sizes[c] for c in t]))
                                          for j, (t, a) in enumerate(zip(ctx.inputs, arrays)) if j != i]
            labels = "".join(dict.fromkeys(term))
            reached = "".join(c for c in labels if any(c in t for t, _ in others))
            g = np.einsum(f"{','.join(t for t, _ in others)}->{reached}", *[a for _, a in others])
            g = np.broadcast_to(g.reshape([sizes[c] if c in reached else 1 for c in labels]),
                                [sizes[c] for c in labels])
            full = np.zeros([sizes[c] for c in term], grad.dtype)  # (a repeated label: its diagonal)
            axes = np.indices([sizes[c] for c in labels], sparse=True)
            full[tuple(axes[labels.index(c)] for c in term)] = g
            grads.append(full)  # (the engine sums broadcast size-1 dims back)
        return (None, None, *grads)


def summed_in_operand(label: str, k: int, inputs: list, sizes: list) -> bool:
    """Whether torch sums summed label `label` within operand k before contracting: when no other operand
    has it, or the others have it with size 1 only (and operand k does not)."""
    elsewhere = [sizes[j][label] for j, term in enumerate(inputs) if j != k and label in term]
    return not elsewhere or (sizes[k][label] != 1 and all(n == 1 for n in elsewhere))


def _sum_labels_alone(a: np.ndarray, k: int, inputs: list, out: str, arrays: tuple) -> np.ndarray:
    """Operand k with the summed labels that only it has (`summed_in_operand`) summed first, kept as dims of 1,
    as torch's einsum does before it multiplies: `inf * (0 + inf)` is inf, where multiplying first gives
    `inf * 0 + inf * inf`, nan. (A repeated label, a diagonal, is left to the einsum.)"""
    term = inputs[k]
    sizes = [dict(zip(t, b.shape)) for t, b in zip(inputs, arrays)]
    dims = tuple(d for d, label in enumerate(term) if label not in out and term.count(label) == 1
                 and summed_in_operand(label, k, inputs, sizes))
    return a.sum(axis=dims, keepdims=True, dtype=a.dtype) if dims else a


def _label_sizes(inputs: list, arrays: tuple) -> dict:
    sizes: dict = {}
    for term, a in zip(inputs, arrays):
        for c, n in zip(term, a.shape):
            if sizes.get(c, 1) not in (1, n) and n != 1:
                raise RuntimeError("einsum(): operands do not broadcast with remapped shapes (original->remapped)")
            sizes[c] = max(sizes.get(c, 1), n) if n != 0 and sizes.get(c, 1) != 0 else 0
    return sizes


class Svdvals(Function):
    """The singular values of the matrices in the last two dims, largest first (`linalg.svdvals`; torch
    names its node after the SVD). The rule is `svd_backward` with only the values' gradient:
    d s_i / d A = u_i v_i^T, so the gradient is U diag(grad) V^T."""

    node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx.save_for_backward(u, s, vh)
        return s.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        u, s, vh = ctx.saved_tensors
        return svd_backward(None, grad, None, u, s, vh)


def svd_backward(g_u, g_s, g_vh, u, s, vh):
    """torch's gradient of the thin SVD A = U diag(S) Vh (k = min(m, n) singular values), from the outputs'
    gradients (None where an output got none). With E_ij = S_j^2 - S_i^2 and skew(X) = X - X^T, the k x k core
    is (skew(U^T gU) S_j + S_i skew(Vh gVh^T)) / E + diag(gS); a tall A adds (I - U U^T) gU S^-1 to U core
    (a wide one the mirror term for V), and gA = U core Vh. Repeated singular values divide by zero (inf,
    nan), as in torch: the singular vectors are not unique there."""
    if g_u is None and g_vh is None:
        return (u * g_s[..., None, :]) @ vh  # (svdvals: U diag(gS) Vh)
    m, n = u.shape[-2], vh.shape[-1]
    column, row = s[..., :, None], s[..., None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        squares = s * s
        gaps = squares[..., None, :] - squares[..., :, None]
        gaps[..., np.arange(s.shape[-1]), np.arange(s.shape[-1])] = 1  # (any non-zero: skew's diagonal is 0)
        u_part = _mT(u) @ g_u - _mT(g_u) @ u if g_u is not None else None
        v_part = vh @ _mT(g_vh) - g_vh @ _mT(vh) if g_vh is not None else None
        if u_part is not None and v_part is not None:
            core = (u_part * row + column * v_part) / gaps
        elif u_part is not None:
            core = (u_part / gaps) * row
        else:
            core = column * (v_part / gaps)
        if g_s is not None:
            core = core + g_s[..., None, :] * np.eye(s.shape[-1], dtype=s.dtype)
        if m > n and g_u is not None:
            g_u_scaled = g_u / row
            return (u @ core + g_u_scaled - u @ (_mT(u) @ g_u_scaled)) @ vh
        if m < n and g_vh is not None:
            scaled_g_vh = g_vh / column
            return u @ (core @ vh + scaled_g_vh - (scaled_g_vh @ _mT(vh)) @ vh)
        return u @ (core @ vh)


class Det(Function):
    """Determinants of the matrices in the last two dims. d det(A) / dA is the cofactor matrix,
    computed from the SVD A = U diag(s) V^T as det(U) det(V) U diag(prod of the other s) V^T, which
    holds for singular matrices too (where det(A) A^-T does not exist)."""

    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.det(a)).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        u, s, vh = np.linalg.svd(a)
        others = np.prod(np.where(np.eye(a.shape[-1], dtype=bool), 1, s[..., None, :]), axis=-1)
        sign = np.linalg.det(u) * np.linalg.det(vh)
        return ((grad * sign)[..., None, None] * (u * others[..., None, :]) @ vh).astype(a.dtype, copy=False)


class Inv(Function):
    """Inverses of the matrices in the last two dims; d(A^-1) = -A^-1 dA A^-1, so grad_A = -A^-T grad A^-T."""

    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a, inverse):
        if inverse is None:  # (`inv_ex` of a singular matrix gives LAPACK's inf and nan, computed by the caller)
            inverse = np.linalg.inv(a).astype(a.dtype, copy=False)
        ctx.save_for_backward(inverse)
        return inverse

    @staticmethod
    def backward(ctx, grad):
        (inverse,) = ctx.saved_tensors
        transposed = np.swapaxes(inverse, -1, -2)
        return -transposed @ grad @ transposed, None


class Solve(Function):
    """X with A X = B (`left`) or X A = B, for square A and B a batch of matrices (or, `vector`, of
    vectors: columns). With g the gradient of X: for A X = B, B's is A^-T g and A's is -(B's) X^T;
    for X A = B, B's is g A^-T and A's is -X^T (B's)."""

    node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, a, b, vector, left):
        b = b[..., None] if vector else b
        x = np.linalg.solve(a, b) if left else _mT(np.linalg.solve(_mT(a), _mT(b)))
        ctx.save_for_backward(a, x)
        ctx.vector, ctx.left = vector, left
        return (x[..., 0] if vector else x).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        g = grad[..., None] if ctx.vector else grad
        if ctx.left:
            grad_b = np.linalg.solve(_mT(a), g)
            grad_a = -grad_b @ _mT(x)
        else:
            grad_b = _mT(np.linalg.solve(a, _mT(g)))
            grad_a = -_mT(x) @ grad_b
        return grad_a, grad_b[..., 0] if ctx.vector else grad_b, None, None


def _mT(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


class Cross(Function):
    """The cross product of 3-vectors along `dim` (operands broadcast). <g, da x b> = <b x g, da> and
    <g, a x db> = <g x a, db>: the gradients are b x g and g x a."""

    node_name = "LinalgCrossBackward0"

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        ctx.dim = dim
        return np.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return (np.cross(b, grad, axis=ctx.dim) if ctx.needs_input_grad[0] else None,
                np.cross(grad, a, axis=ctx.dim) if ctx.needs_input_grad[1] else None, None)


class Kron(Function):
    """The Kronecker product, dim by dim (the operand with fewer dims padded with leading 1s):
    out[i * m + k] = a[i] * b[k]. Seen as (a0, b0, a1, b1, ...), the gradient gives a's by summing it
    times b over b's dims, and b's times a over a's. One node, named after torch's last op (a view)."""

    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
        n = max(a.ndim, b.ndim)
        a, b = a.reshape((1,) * (n - a.ndim) + a.shape), b.reshape((1,) * (n - b.ndim) + b.shape)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        ctx.shapes = a.shape, b.shape
        return np.kron(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        n = len(sa)
        g = grad.reshape([size for pair in zip(sa, sb) for size in pair])
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = (g * b.reshape([size for m in sb for size in (1, m)])).sum(tuple(range(1, 2 * n, 2)))
        if ctx.needs_input_grad[1]:
            grad_b = (g * a.reshape([size for m in sa for size in (m, 1)])).sum(tuple(range(0, 2 * n, 2)))
        return grad_a, grad_b  # (the engine drops the padding dims)


# --- linear algebra beyond matmul: factorisations and their gradients -------------------------------------
# A factorisation has several outputs (Q and R, eigenvalues and eigenvectors...) and torch records one node
# for all of them. Here the factors are computed once, outside the graph, and each output is its own node
# (`Function.apply` records one differentiable output per node), under torch's one name. Each node's rule
# is torch's with the gradient of its own output in place and None for the others: the rules are linear
# in the output gradients, so the gradients of all outputs add up to what torch's single node gives.
class _OutputOf(Function):
    """`apply(a, factors, index, option)`: output `index` of the factorisation `factors` of `a`, recorded
    under `node_name`. A subclass gives `rule(grads, factors, option)`: the gradient of `a` from one gradient
    per output (None for an output that got none)."""

    @staticmethod
    def forward(ctx, a, factors, index, option):
        ctx.save_for_backward(*factors)
        ctx.index, ctx.count, ctx.option = index, len(factors), option
        return factors[index]

    @staticmethod
    def backward(ctx, grad):
        grads = [None] * ctx.count
        grads[ctx.index] = grad
        return ctx.rule(grads, ctx.saved_tensors, ctx.option), None, None, None


def solve_triangular(t: np.ndarray, b: np.ndarray, upper: bool) -> np.ndarray:
    """X with T X = B for triangular T (batches broadcast), by substitution, row by row: from the last row
    up for an upper T, from the first down for a lower one. A zero on T's diagonal gives inf and nan, as
    LAPACK's triangular solve does (torch's rank-deficient QR gradient), where `np.linalg.solve` raises."""
    n = t.shape[-1]
    x = np.zeros(np.broadcast_shapes(t.shape[:-2], b.shape[:-2]) + b.shape[-2:], np.result_type(t, b))
    for i in (reversed(range(n)) if upper else range(n)):
        done = slice(i + 1, n) if upper else slice(0, i)
        x[..., i, :] = (b[..., i, :] - np.einsum("...j,...jk->...k", t[..., i, done], x[..., done, :])) / \
            t[..., i, i, None]
    return x


class Qr(_OutputOf):
    """A = Q R (`linalg.qr`). With gQ, gR the outputs' gradients and M = gR R^T - Q^T gQ (torch's rule):
    for m >= n, gA = (gQ + Q copyltu(M)) R^-T, where copyltu(M) is triu(M) mirrored to the lower triangle
    (the diagonal once); for m < n (Q square, A = Q [U | V]), gA = [Q tril(M^T - M) U^-T | 0] + Q gR. `mode='r'`
    has no Q to differentiate with, and 'complete' of a tall matrix leaves Q's last columns undetermined:
    torch's errors, at the backward."""

    node_name = "LinalgQrBackward0"

    @staticmethod
    def rule(grads, factors, mode):
        q, r = factors
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        g_q, g_r = grads
        m, n = q.shape[-2], r.shape[-1]
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        coupling = 0  # (M)
        if g_r is not None:
            coupling = g_r @ _mT(r)
        if g_q is not None:
            coupling = coupling - _mT(q) @ g_q
        if m >= n:
            sym = np.triu(coupling) + _mT(np.triu(coupling, 1))  # (the diagonal once: torch's syminvadj of triu(M))
            g_a = q @ sym + (g_q if g_q is not None else 0)
            return _mT(solve_triangular(r, _mT(g_a), upper=True))  # (g_a R^-T)
        g_a = _mT(solve_triangular(r[..., :m], _mT(q @ np.tril(_mT(coupling) - coupling)), upper=True))
        g_a = np.concatenate([g_a, np.zeros(g_a.shape[:-1] + (n - m,), g_a.dtype)], -1)
        return g_a + (q @ g_r if g_r is not None else 0)


class Cholesky(Function):
    """L with A = L L^T, lower triangular (`upper`: U = L^T, from A's upper triangle). torch's rule (Murray,
    2016): gA = L^-T Phi L^-1, with Phi the symmetric matrix whose lower triangle is tril(L^T gL) / 2
    (so the gradient is symmetric, read from one triangle)."""

    node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, a, upper, factor):
        if factor is None:  # (`cholesky_ex` of a matrix that is not positive-definite: the caller's partial factor)
            factor = cholesky_factor(a, upper)
        ctx.save_for_backward(factor)
        ctx.upper = upper
        return factor

    @staticmethod
    def backward(ctx, grad):
        (factor,) = ctx.saved_tensors
        low, g = (_mT(factor), _mT(grad)) if ctx.upper else (factor, grad)
        x = np.tril(_mT(low) @ g)
        phi = 0.5 * (x + _mT(np.tril(x, -1)))
        left = solve_triangular(_mT(low), phi, upper=True)  # (L^-T Phi)
        return _mT(solve_triangular(_mT(low), _mT(left), upper=True)), None, None  # (... L^-1: its transpose solves L^T)


def cholesky_factor(a: np.ndarray, upper: bool) -> np.ndarray:
    """NumPy's Cholesky factor, raising `LinAlgError` for a NaN too: LAPACK stops at a NaN pivot as at a
    negative one (torch raises), where NumPy returns a factor of NaN."""
    factor = np.linalg.cholesky(a, upper=upper)
    if np.isnan(factor).any():
        raise np.linalg.LinAlgError("Matrix is not positive definite")
    return factor


def cholesky_partial(a: np.ndarray) -> tuple:
    """LAPACK's unblocked Cholesky (potf2) of one matrix, read from its lower triangle, column by column:
    (the factor, 0), or where a pivot is not positive (or NaN), (the factor as far as it got, with that pivot
    on the diagonal and the columns after it as given, the pivot's order), as torch's `cholesky_ex` returns it."""
    factor = np.tril(a).copy()
    for j in range(a.shape[-1]):
        pivot = factor[j, j] - factor[j, :j] @ factor[j, :j]
        if not pivot > 0:
            factor[j, j] = pivot
            return factor, j + 1
        factor[j, j] = np.sqrt(pivot)
        factor[j + 1:, j] = (factor[j + 1:, j] - factor[j + 1:, :j] @ factor[j, :j]) / factor[j, j]
    return factor, 0


def lu_factor(a: np.ndarray) -> tuple:
    """LU with partial pivoting as LAPACK's getrf: P A = L U, at each column the row with the largest |entry|
    (the first of ties) swapped up. (LU packed in one matrix, L's unit diagonal left out; the pivots, 1-based,
    int32, as LAPACK's; info: the first zero pivot's order, 0 when none), the matrix dims last."""
    lu = np.array(a, copy=True)
    m, n = lu.shape[-2:]
    flat = lu.reshape((math.prod(lu.shape[:-2]), m, n))  # (the batch in one dim, even for empty matrices)
    pivots = np.zeros((flat.shape[0], min(m, n)), np.int32)
    info = np.zeros(flat.shape[0], np.int32)
    for j in range(min(m, n)):
        rows = j + np.argmax(np.abs(flat[:, j:, j]), axis=-1)
        pivots[:, j] = rows + 1
        for b, row in enumerate(rows):
            flat[b, [j, row]] = flat[b, [row, j]]
        pivot = flat[:, j, j]
        zero = pivot == 0
        info = np.where((info == 0) & zero, j + 1, info)
        with np.errstate(all="ignore"):  # (a zero pivot leaves its column as it is, as LAPACK)
            flat[:, j + 1:, j] = np.where(zero[:, None], flat[:, j + 1:, j], flat[:, j + 1:, j] / pivot[:, None])
            flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    batch = lu.shape[:-2]
    return flat.reshape(lu.shape), pivots.reshape(batch + (min(m, n),)), info.reshape(batch)


def permutation_matrix(pivots: np.ndarray, m: int, dtype: np.dtype) -> np.ndarray:
    """P with A = P L U from LAPACK's pivots (row i swapped with row pivots[i], 1-based, in turn): the rows of A
    in the order the swaps leave them are P^T A."""
    batch = pivots.shape[:-1]
    order = np.broadcast_to(np.arange(m), batch + (m,)).copy().reshape((math.prod(batch), m))
    for b, row_pivots in enumerate(pivots.reshape((math.prod(batch), pivots.shape[-1]))):
        for i, row in enumerate(row_pivots - 1):
            order[b, [i, row]] = order[b, [row, i]]
    return _mT(np.eye(m, dtype=dtype)[order]).reshape(batch + (m, m))


def lu_unpack(lu: np.ndarray, pivots: np.ndarray) -> tuple:
    """(P, L, U) from `lu_factor`'s packed LU: L m x k with ones on its diagonal, U k x n (k = min(m, n))."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    lower = np.tril(lu[..., :, :k], -1) + np.eye(m, k, dtype=lu.dtype)
    return permutation_matrix(pivots, m, lu.dtype), lower, np.triu(lu[..., :k, :])


def lu_solution(lu: np.ndarray, pivots: np.ndarray, b: np.ndarray, adjoint: bool = False) -> np.ndarray:
    """X with A X = B (`adjoint`: A^T X = B) from A = P L U packed by `lu_factor`, as LAPACK's getrs: P^T, then L
    and U by substitution (inf and nan where U has a zero on its diagonal)."""
    p, lower, upper = lu_unpack(lu, pivots)
    with np.errstate(all="ignore"):
        if not adjoint:
            return solve_triangular(upper, solve_triangular(lower, _mT(p) @ b, upper=False), upper=True)
        return p @ solve_triangular(_mT(lower), solve_triangular(_mT(upper), b, upper=False), upper=True)


class LuFactor(Function):
    """The packed LU of `linalg.lu_factor` (computed by the caller). torch's rule: the gradient of L's strict
    lower triangle and of U's upper triangle, through `lu_backward`."""

    node_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, a, lu, pivots):
        ctx.save_for_backward(lu, pivots)
        return lu

    @staticmethod
    def backward(ctx, grad):
        lu, pivots = ctx.saved_tensors
        p, lower, upper = lu_unpack(lu, pivots)
        k = upper.shape[-2]
        return lu_backward(np.tril(grad[..., :, :k], -1), np.triu(grad[..., :k, :]), p, lower, upper), None, None


def lu_backward(g_l, g_u, p, lower, upper):
    """torch's gradient of A = P L U (L unit lower m x k, U upper k x n), from the gradients of L and U (None
    where none came). Square: gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T; a wide A adds U's last
    columns' gradient (P L^-T gU2), a tall one L's last rows' (P gL2 U^-T)."""
    m, n = lower.shape[-2], upper.shape[-1]
    k = min(m, n)
    with np.errstate(all="ignore"):
        if m == n:
            core = np.zeros(p.shape, p.dtype)
            if g_l is not None:
                core = core + np.tril(_mT(lower) @ g_l, -1)
            if g_u is not None:
                core = core + np.triu(g_u @ _mT(upper))
            core = triangular_solution(_mT(upper), core, False, False, False)
            return p @ triangular_solution(_mT(lower), core, True, True, True)
        if m < n:  # (wide: U = [U1 | U2], U1 k x k)
            core = np.zeros((*p.shape[:-2], k, k), p.dtype)
            if g_l is not None:
                core = core + _mT(lower) @ g_l
            if g_u is not None:
                core = core - np.triu(g_u) @ _mT(upper)
            core = triangular_solution(_mT(upper[..., :k]), np.tril(core, -1), False, False, False)
            if g_u is not None:
                core = np.concatenate([core + np.triu(g_u[..., :k]), g_u[..., k:]], -1)
            core = triangular_solution(_mT(lower), core, True, True, True)
            if g_u is None:
                core = np.concatenate([core, np.zeros(core.shape[:-1] + (n - k,), core.dtype)], -1)
            return p @ core
        core = np.zeros((*p.shape[:-2], k, k), p.dtype)  # (tall: L = [L1; L2], L1 k x k)
        if g_u is not None:
            core = core + g_u @ _mT(upper)
        if g_l is not None:
            g_l = np.tril(g_l, -1)  # (L's diagonal and upper triangle are constants)
            core = core - _mT(lower) @ g_l
        core = triangular_solution(_mT(lower[..., :k, :]), np.triu(core), True, True, True)
        if g_l is not None:
            core = np.concatenate([core + np.tril(g_l[..., :k, :], -1), g_l[..., k:, :]], -2)
        core = triangular_solution(_mT(upper), core, False, False, False)
        if g_l is None:
            core = np.concatenate([core, np.zeros(core.shape[:-2] + (m - k, k), core.dtype)], -2)
        return p @ core


class LuSolve(Function):
    """X with op(A) X = B (`left`) or X op(A) = B, op the transpose when `adjoint`, from A = P L U packed by
    `lu_factor` (`linalg.lu_solve`). B's gradient solves with the other op; A's, as `Solve`'s (-gB X^T for
    op(A) X = B), reaches L's strict lower triangle as tril(P^T gA U^T, -1) and U's upper as triu(L^T P^T gA)."""

    node_name = "LinalgLuSolveBackward0"

    @staticmethod
    def forward(ctx, lu, pivots, b, left, adjoint):
        x = lu_solve_sided(lu, pivots, b, left, adjoint)
        ctx.save_for_backward(lu, pivots, x)
        ctx.options = left, adjoint
        return x

    @staticmethod
    def backward(ctx, grad):
        lu, pivots, x = ctx.saved_tensors
        left, adjoint = ctx.options
        g_b = lu_solve_sided(lu, pivots, grad, left, not adjoint)
        g_lu = None
        if ctx.needs_input_grad[0]:
            g_op = -g_b @ _mT(x) if left else -_mT(x) @ g_b
            g_a = _mT(g_op) if adjoint else g_op
            p, lower, upper = lu_unpack(lu, pivots)
            g_a = _mT(p) @ g_a
            g_lu = np.tril(g_a @ _mT(upper), -1) + np.triu(_mT(lower) @ g_a)
        return g_lu, None, g_b if ctx.needs_input_grad[2] else None, None, None


def lu_solve_sided(lu: np.ndarray, pivots: np.ndarray, b: np.ndarray, left: bool, adjoint: bool) -> np.ndarray:
    """`lu_solution` for op(A) X = B, or (not `left`) X op(A) = B, which is op(A)^T X^T = B^T."""
    return lu_solution(lu, pivots, b, adjoint) if left else _mT(lu_solution(lu, pivots, _mT(b), not adjoint))


def triangular_solution(a: np.ndarray, b: np.ndarray, upper: bool, left: bool, unitriangular: bool) -> np.ndarray:
    """X with A X = B (`left`) or X A = B for triangular A (only its `upper` or lower triangle is read; with
    `unitriangular`, its diagonal is taken to be ones)."""
    if unitriangular:
        a = a.copy()
        a[..., np.arange(a.shape[-1]), np.arange(a.shape[-1])] = 1
    with np.errstate(all="ignore"):
        if left:
            return solve_triangular(a, b, upper)
        return _mT(solve_triangular(_mT(a), _mT(b), not upper))


def _triangle(g: np.ndarray, upper: bool, unitriangular: bool) -> np.ndarray:
    """The part of A's gradient that A's values reach: its triangle (without the diagonal when `unitriangular`)."""
    return np.triu(g, int(unitriangular)) if upper else np.tril(g, -int(unitriangular))


class SolveTriangular(Function):
    """X with A X = B or X A = B for triangular A (`linalg.solve_triangular`). As `Solve`'s rule, read on the
    triangle: for A X = B, B's gradient solves A^T gB = g and A's is the triangle of -gB X^T (for X A = B,
    gB A^T = g and -X^T gB)."""

    node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, a, b, upper, left, unitriangular):
        x = triangular_solution(a, b.astype(a.dtype, copy=False), upper, left, unitriangular)  # (A's dtype, as torch)
        ctx.save_for_backward(a, x)
        ctx.options, ctx.b_dtype = (upper, left, unitriangular), b.dtype
        return x

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        upper, left, unitriangular = ctx.options
        g_b = triangular_solution(_mT(a), grad, not upper, left, unitriangular)
        g_a = None
        if ctx.needs_input_grad[0]:
            g_a = _triangle(-g_b @ _mT(x) if left else -_mT(x) @ g_b, upper, unitriangular).astype(a.dtype)
        return g_a, g_b.astype(ctx.b_dtype, copy=False) if ctx.needs_input_grad[1] else None, None, None, None


class TriangularSolve(Function):
    """One output of the deprecated `triangular_solve(b, A)`: the solution X of op(A) X = b (op: transpose
    when `transpose`), index 0, or the copy of A, index 1, each under torch's one node name. The solution's
    rule is `SolveTriangular`'s; the copy passes its gradient to A whole."""

    node_name = "TriangularSolveBackward0"

    @staticmethod
    def forward(ctx, b, a, outputs, index, options):
        ctx.save_for_backward(a, outputs[0])
        ctx.index, ctx.options = index, options
        return outputs[index]

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.index == 1:
            return None, grad, None, None, None
        upper, transpose, unitriangular = ctx.options
        g_b = triangular_solution(a if transpose else _mT(a), grad, upper == transpose, True, unitriangular)
        g_a = _triangle(-x @ _mT(g_b) if transpose else -g_b @ _mT(x), upper, unitriangular)
        return g_b, g_a, None, None, None


def cholesky_solution(b: np.ndarray, factor: np.ndarray, upper: bool) -> np.ndarray:
    """X with A X = B where A = L L^T (`factor` L, or U = L^T when `upper`; only that triangle is read): two
    triangular solves, L Y = B then L^T X = Y."""
    low = _mT(factor) if upper else factor
    return solve_triangular(_mT(low), solve_triangular(low, b, upper=False), upper=True)


class CholeskySolve(Function):
    """X = A^-1 B from A's Cholesky factor (`cholesky_solve`). torch's rule: gB = A^-1 g, and with
    C = gB X^T + X gB^T, gL = -C L (-U C for an upper factor)."""

    @staticmethod
    def forward(ctx, b, factor, upper):
        x = cholesky_solution(b, factor, upper)
        ctx.save_for_backward(factor, x)
        ctx.upper = upper
        return x

    @staticmethod
    def backward(ctx, grad):
        factor, x = ctx.saved_tensors
        g_b = cholesky_solution(grad, factor, ctx.upper)
        g_factor = None
        if ctx.needs_input_grad[1]:
            common = g_b @ _mT(x)
            common = common + _mT(common)
            g_factor = -factor @ common if ctx.upper else -common @ factor
        return g_b if ctx.needs_input_grad[0] else None, g_factor, None


class CholeskyInverse(Function):
    """A^-1 from A's Cholesky factor (`cholesky_inverse`). torch's rule: with C = A^-1 (g + g^T) A^-1,
    gL = -C L (-U C for an upper factor)."""

    @staticmethod
    def forward(ctx, factor, upper):
        eye = np.broadcast_to(np.eye(factor.shape[-1], dtype=factor.dtype), factor.shape)
        inverse = cholesky_solution(eye, factor, upper)
        ctx.save_for_backward(factor, inverse)
        ctx.upper = upper
        return inverse

    @staticmethod
    def backward(ctx, grad):
        factor, inverse = ctx.saved_tensors
        common = inverse @ ((grad + _mT(grad)) @ inverse)
        return (-factor @ common if ctx.upper else -common @ factor), None


class DeprecatedCholesky(Cholesky):
    """`torch.cholesky` (deprecated): the same rule under its own node name."""

    node_name = "CholeskyBackward0"


class Svd(_OutputOf):
    """A = U diag(S) Vh (`linalg.svd`, `svd`); the rule is `svd_backward`, on the first min(m, n) columns of
    U and rows of Vh when `full_matrices` (the others do not reach A: torch narrows them away too)."""

    node_name = "LinalgSvdBackward0"

    @staticmethod
    def rule(grads, factors, full_matrices):
        (u, s, vh), (g_u, g_s, g_vh) = factors, grads
        if full_matrices:
            k = s.shape[-1]
            u, vh = u[..., :k], vh[..., :k, :]
            g_u = None if g_u is None else g_u[..., :k]
            g_vh = None if g_vh is None else g_vh[..., :k, :]
        return svd_backward(g_u, g_s, g_vh, u, s, vh)


class Lu(_OutputOf):
    """L and U of A = P L U (`linalg.lu`; factors (L, U, P), P outside the graph); the rule is `lu_backward`."""

    node_name = "LinalgLuBackward0"

    @staticmethod
    def rule(grads, factors, option):
        lower, upper, p = factors
        return lu_backward(grads[0], grads[1], p, lower, upper)


class Eigh(_OutputOf):
    """A = V diag(L) V^T for symmetric A (`linalg.eigh`). torch's rule: gA = V (diag(gL) + skew(V^T gV) / E) V^T,
    with skew(X) = (X - X^T) / 2 and E_ij = L_j - L_i off the diagonal: the textbook
    V (diag(gL) + F o sym-part) V^T written so that it is symmetric. Repeated eigenvalues divide by zero
    (inf, nan), as in torch: the eigenvectors are not unique there."""

    node_name = "LinalgEighBackward0"

    @staticmethod
    def rule(grads, factors, option):
        values, vectors = factors
        g_values, g_vectors = grads
        inner = np.zeros(vectors.shape, vectors.dtype)
        if g_vectors is not None:
            x = _mT(vectors) @ g_vectors
            gaps = values[..., None, :] - values[..., :, None]
            gaps = gaps + np.eye(values.shape[-1], dtype=values.dtype)  # (ones on the diagonal, where skew is 0)
            inner = (x - _mT(x)) * 0.5 / gaps
        if g_values is not None:
            inner = inner + g_values[..., None, :] * np.eye(values.shape[-1], dtype=values.dtype)
        return vectors @ inner @ _mT(vectors)


class Slogdet(Function):
    """(sign, log |det A|) (`linalg.slogdet`). Only log |det A| has a gradient: g A^-T (the sign is
    piecewise constant). A singular A has none (torch's LU solve gives inf and nan there): nan here."""

    node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, a, factors, index):
        ctx.save_for_backward(a)
        ctx.index = index
        return factors[index]

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        if ctx.index == 0:  # (the sign is piecewise constant: torch sends nothing, so a leaf's grad stays None)
            return None, None, None
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        try:
            inverse_t = np.linalg.solve(_mT(a), eye)
        except np.linalg.LinAlgError:
            inverse_t = np.full(a.shape, np.nan, a.dtype)
        return grad[..., None, None] * inverse_t, None, None


def pinv_backward(grad: np.ndarray, pinv: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The gradient of A+ (Golub and Pereyra, 1973): with P = A+,
    gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)."""
    p_t, g_t = _mT(pinv), _mT(grad)
    m, n = a.shape[-2], a.shape[-1]
    left = np.eye(m, dtype=a.dtype) - a @ pinv
    right = np.eye(n, dtype=a.dtype) - pinv @ a
    return -p_t @ grad @ p_t + left @ g_t @ pinv @ p_t + p_t @ pinv @ g_t @ right


class Pinv(Function):
    """The pseudo-inverse, computed by the caller (`linalg.pinv`: from the SVD, or the eigendecomposition
    when `hermitian`); the rule is `pinv_backward`."""

    node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, a, pinv):
        ctx.save_for_backward(a, pinv)
        return pinv

    @staticmethod
    def backward(ctx, grad):
        a, pinv = ctx.saved_tensors
        return pinv_backward(grad, pinv, a), None


class Lstsq(Function):
    """One output of `linalg.lstsq(A, B)`: the solution X (`residuals` None) or the squared residuals, given
    with X. As torch, X = A+ B for the gradient: gA is A+'s gradient for g B^T and gB = (A+)^T g. The residuals
    |A X - B|^2 (summed over rows) are differentiated with X held fixed (Danskin's theorem: X minimises
    them): gA = 2 (A X - B) g X^T and gB = -2 (A X - B) g. Empty residuals (torch's CPU driver 'gelsy')
    send nothing."""

    node_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, a, b, out, vector, solution):
        ctx.save_for_backward(a, b, solution)
        ctx.vector, ctx.residuals = vector, solution is not None
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, x = ctx.saved_tensors
        if ctx.residuals and grad.size == 0:
            return None, None, None, None, None
        b = b[..., None] if ctx.vector else b
        g = grad[..., None] if ctx.vector and not ctx.residuals else grad  # (a vector's residuals keep their 1)
        if ctx.residuals:
            scaled = 2 * (a @ x - b) * g[..., None, :]  # (one weight per right-hand side: a column)
            grad_a = scaled @ _mT(x) if ctx.needs_input_grad[0] else None
            grad_b = -scaled if ctx.needs_input_grad[1] else None
        else:
            pinv = np.linalg.pinv(a)
            grad_a = pinv_backward(g @ _mT(b), pinv, a) if ctx.needs_input_grad[0] else None
            grad_b = _mT(pinv) @ g if ctx.needs_input_grad[1] else None
        if grad_b is not None and ctx.vector:
            grad_b = grad_b[..., 0]
        return grad_a, grad_b, None, None, None


class Addr(Function):
    """`beta * input + alpha * outer(vec1, vec2)` in one node (torch.addr; the operands share one dtype)."""

    @staticmethod
    def forward(ctx, bias, vec1, vec2, beta, alpha):
        ctx.save_for_backward(vec1 if ctx.needs_input_grad[2] else None, vec2 if ctx.needs_input_grad[1] else None)
        ctx.beta, ctx.alpha = beta, alpha
        out = np.multiply.outer(vec1, vec2)
        out = out * alpha if alpha != 1 else out
        if beta != 0:  # (beta = 0 ignores the input, nan and inf included)
            out = out + (bias * beta if beta != 1 else bias)
        return out.astype(vec1.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        vec1, vec2 = ctx.saved_tensors
        g = grad * ctx.alpha if ctx.alpha != 1 else grad
        return (grad * ctx.beta, g @ vec2 if vec2 is not None else None, vec1 @ g if vec1 is not None else None,
                None, None)


# Higham's (2005) degree-13 Pade approximant of exp: numerator coefficients, and the norm up to which it is
# accurate to float64's precision (larger matrices are scaled down by 2^s first, and the result squared s times).
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_PADE13_THETA = 5.371920351148152


def _expm(a: np.ndarray) -> np.ndarray:
    """exp of each (square) matrix of `a`, in float64: scaling and squaring with the Pade(13) approximant."""
    a = a.astype(np.float64)
    norm = np.abs(a).sum(axis=-2).max() if a.size else 0.0  # the largest 1-norm in the batch
    s = max(0, int(np.ceil(np.log2(norm / _PADE13_THETA)))) if norm > 0 else 0
    a = a / 2.0 ** s
    b, eye = _PADE13, np.eye(a.shape[-1])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    result = np.linalg.solve(v - u, v + u)
    for _ in range(s):
        result = result @ result
    return result


class MatrixExp(Function):
    """`matrix_exp(A)`: exp(A) = I + A + A^2/2! + ... of each square matrix. Its gradient is the adjoint of the
    Frechet derivative, read off the upper right block of exp([[A^T, g], [0, A^T]]) (Mathias, 1996)."""

    node_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        n = a.shape[-1]
        block = np.zeros(a.shape[:-2] + (2 * n, 2 * n))
        block[..., :n, :n] = block[..., n:, n:] = _mT(a)
        block[..., :n, n:] = grad
        return _expm(block)[..., :n, n:].astype(a.dtype, copy=False)
