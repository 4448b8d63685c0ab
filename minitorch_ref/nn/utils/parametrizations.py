"""`nn.utils.parametrizations`: weights constrained by `parametrize.register_parametrization`.

- `weight_norm`: w = g * v / ||v|| (Salimans and Kingma, 2016), kept as `original0` (g) and `original1` (v);
- `spectral_norm`: w / sigma(w), sigma estimated by power iteration (Miyato et al., 2018): the layer's
  Lipschitz constant kept near 1 (GAN discriminators);
- `orthogonal`: an orthogonal (or semi-orthogonal) matrix, the image of a free matrix under
  `matrix_exp`, `cayley` or `householder` (RNNs that neither explode nor vanish).
"""
from __future__ import annotations

from enum import Enum, auto
import numpy as np

from ... import _functions as functions
from ..._creation import eye, randn, zeros_like
from ..._dtype import finfo, float16
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...linalg import matrix_exp, solve
from .. import functional as F
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# --------------------------------------------------------------------------- orthogonal
def _is_orthogonal(Q: Tensor) -> bool:
    n, k = Q.size(-2), Q.size(-1)
    Id = eye(k, dtype=Q.dtype)
    return functions.allclose(Q.mH @ Q, Id, atol=10.0 * n * finfo(Q.dtype).eps)


def _make_orthogonal(A: Tensor) -> Tensor:
    """The Q of A = QR with R's diagonal made positive (torch: geqrf, householder_product, times sgn(diag R))."""
    if A.dtype == float16:  # torch's QR (LAPACK geqrf) has no half-precision kernel
        raise NotImplementedError("\"geqrf_cpu\" not implemented for 'Half'")
    q, r = np.linalg.qr(A._data)
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]
    return Tensor._make((q * signs).astype(A._data.dtype, copy=False))


def _householder_product(A: Tensor, tau: Tensor) -> Tensor:
    """torch.linalg.householder_product: the first k columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^T, v_i
    the i-th column of A below the diagonal with a 1 on it. Written with differentiable ops, so its gradient
    comes from theirs."""
    n, k = A.size(-2), A.size(-1)
    if A.dtype == float16:  # (LAPACK's orgqr, which torch calls, has no half-precision kernel)
        raise NotImplementedError("\"orgqr_cpu\" not implemented for 'Half'")
    if k == 0:
        return A * 0  # (no columns: still a node of A, as torch's)
    V = A.tril(-1) + eye(n, k, dtype=A.dtype)
    Q = eye(n, dtype=A.dtype).expand(*A.shape[:-2], n, n)
    for i in range(k):
        v = V[..., :, i:i + 1]
        Q = Q - (Q @ v) * tau[..., i:i + 1].unsqueeze(-1) @ v.mT  # Q (I - tau_i v_i v_i^T)
    return Q[..., :, :k]


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """Maps a free matrix X to an orthogonal one. With `use_trivialization` (the default) the result is
    `base @ map(X)`: `base` is the weight made orthogonal when registered, and X starts at the point the map
    sends to the identity, so training moves away from `base` (Lezcano-Casado, 2019)."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True) -> None:
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:  # (a wide matrix: its transpose has orthonormal columns)
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                X = functions.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH  # skew-symmetric
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:  # Cayley: (I - A/2)^-1 (I + A/2)
                Id = eye(n, dtype=A.dtype)
                Q = solve(functions.add(Id, A, alpha=-0.5), functions.add(Id, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    @no_grad()
    def right_inverse(self, Q: Tensor) -> Tensor:
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        transposed = n < k
        if transposed:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError("It is not possible to assign to the matrix exponential or the Cayley "
                                          "parametrizations when use_trivialization=False.")
            # the reflectors of Q = QR (LAPACK's geqrf, as torch.geqrf), with R's diagonal's signs in its place,
            # so that the householder map gives Q back
            h, tau = np.linalg.qr(Q._data, mode="raw")
            A = np.swapaxes(h, -1, -2).copy()
            diagonal = np.diagonal(A, axis1=-2, axis2=-1)
            signs = np.where(tau == 0.0, -np.sign(diagonal), np.sign(diagonal))
            idx = np.arange(k)
            A[..., idx, idx] = signs
            A = Tensor._make(A.astype(Q._data.dtype, copy=False))
            return A.mT if transposed else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:  # completed to a square matrix by random columns, as torch (the same draws after the same seed)
            N = randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(functions.cat([Q, N], dim=-1))
        self.base = Q
        neg_Id = zeros_like(Q_init)  # every map sends -I to I
        neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_Id


def orthogonal(module: Module, name: str = "weight", orthogonal_map: str | None = None, *,
               use_trivialization: bool = True) -> Module:
    """Make `module.<name>` (a matrix or batch of them) orthogonal: Q^T Q = I for a tall matrix, Q Q^T = I for a
    wide one. The default map is "matrix_exp" for a square matrix, "householder" otherwise."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.size(-2) == weight.size(-1) else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# --------------------------------------------------------------------------- weight_norm
class _WeightNorm(Module):
    """w = g * v / ||v||: the direction v and the length g of each slice along `dim` learned separately."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return functions._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return functions.norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparametrize `module.<name>` as g * v / ||v||, norms over every dim but `dim` (None: over all); g and
    v are `module.parametrizations.<name>.original0` and `original1`."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
                                 missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:
        """A checkpoint of the deprecated `nn.utils.weight_norm` (`<name>_g`, `<name>_v`) loads into this one."""
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


# --------------------------------------------------------------------------- spectral_norm
class _SpectralNorm(Module):
    """w / sigma, sigma the largest singular value of w (seen as a matrix with rows along `dim`), estimated as
    u^T W v by power iteration: one more step on u and v (buffers) at each forward in training."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:  # (a vector is just normalised: nothing to estimate)
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)  # (drawn as torch draws them, after the same seed)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)  # a good estimate from the start

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    @no_grad()
    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        """u <- W v / ||W v||, v <- W^T u / ||W^T u||, written into the buffers in place."""
        for _ in range(n_power_iterations):
            self._u = F.normalize(functions.mv(weight_mat, self._v), dim=0, eps=self.eps, out=self._u)
            self._v = F.normalize(functions.mv(weight_mat.H, self._u), dim=0, eps=self.eps, out=self._v)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()  # (copies: the next power iteration writes into the buffers)
        v = self._v.clone()
        sigma = functions.vdot(u, functions.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value  # (any weight is its own preimage: w / sigma(w) needs no inverse to be set)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Divide `module.<name>` by its spectral norm, estimated by `n_power_iterations` steps of power iteration
    per training forward. `dim` (the output dim): 1 for transposed convolutions, 0 otherwise."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, _TRANSPOSED_CONVOLUTIONS) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


_TRANSPOSED_CONVOLUTIONS = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
