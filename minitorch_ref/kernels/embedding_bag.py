"""EmbeddingBag's forward and weight gradient, in time proportional to tokens x width.

Bag b is the run of `counts[b]` consecutive tokens starting at `starts[b]` (empty bags
allowed); `psw` are the optional per_sample_weights (mode "sum" only).

Reference rule (a learner's version, with the (bags x vocabulary) one-hot matrix A,
`A[b, v] = sum of psw[k] over the tokens k of bag b with id v`):

    sum:   out = A @ weight                    mean: out = (A @ weight) / counts[:, None]
    max:   out[b, c] = max of weight[v, c] over the ids v in bag b (0 for an empty bag)
    grad:  d(loss)/d(weight) = A.T @ per_bag   (per_bag: the output gradient, / counts for mean)

A has bags x vocabulary entries: with a million words that is far more than the work.
The kernels touch only the tokens: the forward sums each bag's rows (`runs.sum_runs`);
the gradient sorts the token ids once, so each distinct id's tokens form a run, and sums
`psw[k] * per_bag[bag of k]` over each run. That is the coalesced row-sparse gradient
directly: one row per distinct id, without first listing one row per token.
"""
from __future__ import annotations

import numpy as np

from .runs import max_runs, sorted_runs, sum_equal_runs, sum_runs


def one_hot_bags(indices: np.ndarray, counts: np.ndarray, num_rows: int, psw: np.ndarray | None = None,
                 dtype=np.float64) -> np.ndarray:
    """The reference's (bags x vocabulary) matrix A."""
    a = np.zeros((len(counts), num_rows), dtype=dtype)
    bag_of_token = np.repeat(np.arange(len(counts)), counts)
    for k, (b, v) in enumerate(zip(bag_of_token, indices)):
        a[b, v] += 1 if psw is None else psw[k]
    return a


def bag_forward_reference(weight: np.ndarray, indices: np.ndarray, counts: np.ndarray, mode: str,
                          psw: np.ndarray | None = None) -> np.ndarray:
    if mode == "max":
        out = np.zeros((len(counts), weight.shape[1]), dtype=weight.dtype)
        for b, (start, n) in enumerate(zip(np.cumsum(counts) - counts, counts)):
            if n:
                out[b] = weight[indices[start:start + n]].max(axis=0)
        return out
    out = one_hot_bags(indices, counts, len(weight), psw) @ weight
    if mode == "mean":
        out = out / np.maximum(counts, 1)[:, None]
    return out.astype(weight.dtype)


def bag_weight_grad_reference(indices: np.ndarray, counts: np.ndarray, per_bag: np.ndarray, num_rows: int,
                              psw: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, values): the rows of `A.T @ per_bag` that some token uses, in increasing order."""
    rows = np.unique(indices)
    return rows, (one_hot_bags(indices, counts, num_rows, psw).T @ per_bag)[rows].astype(per_bag.dtype)


def bag_forward(weight: np.ndarray, indices: np.ndarray, counts: np.ndarray, mode: str,
                psw: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """(out, winners): each bag's sum, mean or max; for max, `winners[b, c]` is the id whose row gave
    out[b, c] (the first such token of the bag), -1 for an empty bag."""
    if mode != "max" and len(counts) and counts[0] > 0 and (counts == counts[0]).all():
        length = int(counts[0])  # bags of one length: (bags, length) ids, no offsets to follow
        return sum_equal_runs(weight, indices.reshape(len(counts), length),
                              None if psw is None else psw.reshape(len(counts), length),
                              1 / length if mode == "mean" else 1.0), None
    starts = counts.cumsum() - counts
    if mode == "max":
        out, where = max_runs(weight, indices, starts, counts)
        return out, np.where(where >= 0, indices[np.maximum(where, 0)] if len(indices) else -1, -1)
    out = sum_runs(weight, indices, starts, counts, psw)
    if mode == "mean":
        out /= np.maximum(counts, 1).astype(out.dtype)[:, None]
    return out, None


def bag_weight_grad(indices: np.ndarray, counts: np.ndarray, per_bag: np.ndarray,
                    psw: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rows, values), coalesced: values[i] = sum over tokens k with id rows[i] of psw[k] * per_bag[bag of k]."""
    order, rows, starts, lengths = sorted_runs(indices)
    bag_of_token = np.arange(len(counts)).repeat(counts)
    return rows, sum_runs(per_bag, bag_of_token[order], starts, lengths, None if psw is None else psw[order])


def bag_max_grad_reference(winners: np.ndarray, grad: np.ndarray, num_rows: int) -> np.ndarray:
    """Dense (num_rows, D): each (bag, column) gradient goes to the row that won it, same column."""
    dense = np.zeros((num_rows, grad.shape[1]), dtype=grad.dtype)
    for b in range(grad.shape[0]):
        for c in range(grad.shape[1]):
            if winners[b, c] >= 0:
                dense[winners[b, c], c] += grad[b, c]
    return dense


def bag_max_grad(winners: np.ndarray, grad: np.ndarray, num_rows: int) -> np.ndarray:
    """`bag_max_grad_reference`: the (row, column) cells are sorted into runs and each run summed once."""
    dim = grad.shape[1]
    dense = np.zeros((num_rows, dim), dtype=grad.dtype)
    won = winners >= 0
    cells = (winners * dim + np.arange(dim))[won]
    order, distinct, starts, lengths = sorted_runs(cells)
    dense.reshape(-1)[distinct] = sum_runs(grad[won][:, None], order, starts, lengths)[:, 0]
    return dense
