"""Gradient-norm clipping that also accepts sparse gradients.

The course clips every step with `torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)`
while its `EmbeddingBag(..., sparse=True)` produces a *sparse* gradient. Since PyTorch 2.0
that combination raises `NotImplementedError` (`aten::linalg_vector_norm` has no SparseCPU
kernel), which is why the tutorial later switched to `sparse=False` and paid for a dense
update of the whole embedding table at every step.

This version accepts both. A sparse gradient from `EmbeddingBag` is *uncoalesced*: a token
that appears twice in a batch contributes two rows with the same index. The gradient that
the optimizer applies is the sum of those rows, so the norm must be taken after summing
duplicates (`coalesce()`); the norm of the raw rows would be wrong. Dense gradients go
through exactly the same calls torch makes, so the result equals torch's bit for bit.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch
from torch.nn.utils import get_total_norm


def clip_grad_norm_(
    parameters: torch.Tensor | Iterable[torch.Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> torch.Tensor:
    """Scale the gradients in place so that their joint norm is at most `max_norm`.

    Same signature and return value (the total norm before clipping) as
    `torch.nn.utils.clip_grad_norm_`, plus support for sparse COO gradients, whose norm is
    that of the coalesced gradient (duplicate rows summed). Sparse `p.grad`s are replaced
    by their coalesced form.
    """
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    # A sparse gradient is replaced by its coalesced form: the same gradient with duplicate
    # rows summed. Its norm is then the norm of its values, and the optimizer's update
    # touches each row once instead of once per occurrence (cheaper, too).
    for p in parameters:
        if p.grad is not None and p.grad.is_sparse and not p.grad.is_coalesced():
            p.grad = p.grad.coalesce()
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    # A sparse gradient with no rows (no token in the batch) has norm 0 and adds nothing;
    # leaving it out avoids the infinity norm of an empty tensor, which is an error.
    norm_inputs = [g.values() if g.is_sparse else g for g in grads if not (g.is_sparse and g._nnz() == 0)]
    total_norm = get_total_norm(norm_inputs, norm_type, error_if_nonfinite, foreach)
    # torch's scaling (`clip_grads_with_norm_`), with one change: a sparse gradient is scaled
    # through its values, which keeps it marked as coalesced (`mul_` on the sparse tensor
    # itself would drop the mark and make the optimizer coalesce it all over again).
    clip_coef_clamped = torch.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    for g in grads:
        (g.values() if g.is_sparse else g).mul_(clip_coef_clamped.to(g.device))
    return total_norm
