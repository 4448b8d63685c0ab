"""Sums and maxima over runs: `out[s] = sum of table[refs[k]] for k in run s`.

A *run* is a stretch of consecutive positions `k = starts[s], ..., starts[s] + lengths[s] - 1`.
EmbeddingBag's bags are runs of the token list; the repeated ids of a sparse gradient
become runs once the ids are sorted (`sorted_runs`). Everything in this package is one of
these two reductions.

Reference rule (what the kernels must equal):

    out[s] = sum(weights[k] * table[refs[k]] for k in range(starts[s], starts[s] + lengths[s]))

The obvious NumPy kernel, `np.add.reduceat(table[refs], starts, axis=0)`, is slow when
there are many runs: it makes one inner-loop call per (run, column), tens of nanoseconds
each, whatever the run's length. Coalescing 32k token gradients of width 64 into 18k rows
took 170 ms that way. Instead, runs are put in buckets of similar length (lengths in
(2^(e-1), 2^e]); each bucket is one gather into an (n, P, D) block, P being the longest run
of the bucket, with the few padding slots zeroed, then one `sum(axis=1)`. At most about
log2(longest run) buckets, and padding at most doubles a bucket: the cost stays
proportional to (entries x width), and the same 18k rows take about 20 ms.
"""
from __future__ import annotations

import numpy as np


def sum_runs_reference(table: np.ndarray, refs: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                       weights: np.ndarray | None = None) -> np.ndarray:
    """The rule, one run at a time."""
    out = np.zeros((len(starts), table.shape[1]), dtype=table.dtype)
    for s, (start, length) in enumerate(zip(starts, lengths)):
        for k in range(start, start + length):
            out[s] += table[refs[k]] * (1 if weights is None else weights[k])
    return out


def max_runs_reference(table: np.ndarray, refs: np.ndarray, starts: np.ndarray,
                       lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per run and column: the largest `table[refs[k], c]` (0 for an empty run) and the first `k` reaching it
    (-1 for an empty run)."""
    out = np.zeros((len(starts), table.shape[1]), dtype=table.dtype)
    where = np.full(out.shape, -1, dtype=np.int64)
    for s, (start, length) in enumerate(zip(starts, lengths)):
        if length:
            block = table[refs[start:start + length]]
            out[s] = block.max(axis=0)
            where[s] = start + block.argmax(axis=0)
    return out, where


def _buckets(lengths: np.ndarray):
    """Yield (runs, P): the indices of the non-empty runs of each length bucket, and its longest length."""
    nonempty = lengths > 0
    exponent = np.frexp(np.where(nonempty, lengths - 1, 0))[1]  # length 1 -> 0, 2 -> 1, 3..4 -> 2, 5..8 -> 3...
    exponent[~nonempty] = -1
    for e in np.unique(exponent):
        if e >= 0:
            runs = np.flatnonzero(exponent == e)
            yield runs, int(lengths[runs].max())


def _positions(starts: np.ndarray, lengths: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray | None]:
    """(n, width) positions of each run's entries, and the mask of padding slots (None if there are none).
    Padding slots repeat the run's last position, so that every position is valid."""
    steps = np.arange(width)
    positions = starts[:, None] + steps
    if (lengths == width).all():
        return positions, None
    pad = steps >= lengths[:, None]
    np.minimum(positions, (starts + lengths - 1)[:, None], out=positions)
    return positions, pad


#: Largest temporary block, in elements. A fresh multi-megabyte array costs page faults on first touch
#: (here about as much as the arithmetic on it), while blocks of a few hundred kB are recycled by the
#: allocator and stay in cache: big buckets are done in slices of at most this many elements.
BLOCK_ELEMENTS = 1 << 16


def _slices(runs: np.ndarray, width: int, dim: int):
    """`runs` cut into consecutive pieces whose (n, width, dim) blocks stay within BLOCK_ELEMENTS."""
    step = max(1, BLOCK_ELEMENTS // (width * dim))
    for i in range(0, len(runs), step):
        yield runs[i:i + step]


def sum_runs(table: np.ndarray, refs: np.ndarray | None, starts: np.ndarray, lengths: np.ndarray,
             weights: np.ndarray | None = None) -> np.ndarray:
    """`out[s] = sum of weights[k] * table[refs[k]]` over run s (refs None: `table[k]` itself); empty runs give 0.

    The first entry of every run is gathered straight into `out` (most runs of a sparse
    gradient have a single entry, and that is then all there is to do); the rest of each
    run is added by length buckets.
    """
    dim = table.shape[1]
    count = len(refs) if refs is not None else len(table)
    if count == 0:
        return np.zeros((len(starts), dim), dtype=table.dtype)
    first = np.minimum(starts, count - 1)  # (an empty run's start may be the end of the list)
    out = table[first if refs is None else refs[first]]
    if weights is not None:
        out *= weights[first].astype(out.dtype, copy=False)[:, None]
    if not lengths.all():
        out[lengths == 0] = 0
    rest = np.maximum(lengths - 1, 0)
    for bucket, width in _buckets(rest):
        for runs in _slices(bucket, width, dim):
            positions, pad = _positions(starts[runs] + 1, rest[runs], width)
            block = table[positions if refs is None else refs[positions]]  # (n, width, D)
            if weights is not None:
                w = weights[positions]
                if pad is not None:
                    w[pad] = 0
                block *= w[:, :, None]
            elif pad is not None:
                block[pad] = 0
            out[runs] += block[:, 0] if width == 1 else block.sum(axis=1)
    return out


def max_runs(table: np.ndarray, refs: np.ndarray, starts: np.ndarray,
             lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`max_runs_reference` by length buckets: the same (n, P, D) blocks, padding at -inf, max and argmax."""
    dim = table.shape[1]
    out = np.zeros((len(starts), dim), dtype=table.dtype)
    where = np.full(out.shape, -1, dtype=np.int64)
    for bucket, width in _buckets(lengths):
        for runs in _slices(bucket, width, dim):
            positions, pad = _positions(starts[runs], lengths[runs], width)
            block = table[refs[positions]]
            if pad is not None:
                block[pad] = -np.inf
            best = block.argmax(axis=1)  # (n, D): the first maximum, as torch picks
            out[runs] = np.take_along_axis(block, best[:, None, :], axis=1)[:, 0]
            where[runs] = np.take_along_axis(positions, best, axis=1)
    return out, where


def sorted_runs(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort `ids` into runs of equal ids: (order, distinct ids, run starts, run lengths).

    `ids[order]` is sorted; run s covers `order[starts[s]:starts[s] + lengths[s]]`, the
    positions of `distinct[s]` in `ids`. O(n log n), the one sort a coalesce needs.
    """
    order = np.argsort(ids, kind="stable")
    ranked = ids[order]
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return order, ranked[starts], starts, np.diff(starts, append=len(ids))
