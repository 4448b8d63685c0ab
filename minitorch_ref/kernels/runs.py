"""Sums and maxima over runs: `out[s] = sum of table[refs[k]] for k in run s`.

A *run* is a stretch of consecutive positions `k = starts[s], ..., starts[s] + lengths[s] - 1`.
EmbeddingBag's bags are runs of the token list; the repeated ids of a sparse gradient
become runs once the ids are sorted (`sorted_runs`). Everything in this package is one of
these two reductions.

Reference rule (what the kernels must equal):

    out[s] = sum(weights[k] * table[refs[k]] for k in range(starts[s], starts[s] + lengths[s]))

The obvious NumPy kernel, `np.add.reduceat(table[refs], starts, axis=0)`, is slow when
there are many runs: it makes one inner-loop call per (run, column), tens of nanoseconds
each, whatever the run's length, and it walks each column with a stride (slow even for
long runs once the rows are wide). `sum_runs` picks instead, by a short cost rule, between
exact algorithms whose work is proportional to entries x width, with few NumPy calls (each
costs microseconds whatever its size):

1. runs of one entry (most runs of a sparse gradient): one gather, straight into the result;
2. a table with few rows (the bag gradients that EmbeddingBag's weight gradient reads): the
   other runs are a count matrix `C[s, r]` (one `np.bincount`) times the table, a single BLAS
   product, while C has at most COUNT_CELLS_PER_ENTRY cells per entry summed (C grows like
   runs x table rows: with a large batch the next two take over);
3. runs of 2..SHORT_RUN entries: in rounds, round j adding the j-th entry of every run
   longer than j (a slice of the runs sorted longest first): no padding, few rounds;
4. longer runs: padded blocks. A *group* of runs is one gather into an (n, P, D) block, P
   being the group's longest run, reduced by one batched product with the weights (0 on
   the padding slots). Groups start as buckets of similar length ((2^(e-1), 2^e]); from the
   longest bucket down, a bucket joins the group above it while the group's padded slots
   stay <= 2 x its entries (`_groups`): bags of similar length (the course's documents)
   are one group, one gather and one product.

The common case is checked first, from the runs' shortest, longest and total length alone
(three reductions): bags all of one length (2 or more), or all longer than SHORT_RUN and
similar (one group), go straight to the blocks (`_sum_blocks`), without the bookkeeping of
the other rules. A training step is a few dozen NumPy calls of microseconds each, so at
the course's batch sizes the number of calls counts as much as the arithmetic.

`docs/embeddingbag.md` explains the rule with the figures behind it.
"""
from __future__ import annotations

import math
import threading

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


def _groups(lengths: np.ndarray):
    """Yield (runs, P): the indices of a group of non-empty runs and its longest length (see the module's rule).

    Bucket e holds the lengths in (2^(e-1), 2^e] (e = 0: empty runs, skipped; e = 1: single
    entries). One linear-time stable sort of the bucket numbers (small integers: a counting
    sort) lists each bucket's runs in order, so a group of adjacent buckets is one slice."""
    if len(lengths) and lengths.min() > 1 and len(lengths) * int(lengths.max()) <= 2 * int(lengths.sum()):
        yield np.arange(len(lengths)), int(lengths.max())  # bags of similar lengths: one group, no sort
        return
    exponent = np.frexp(np.maximum(lengths, 1) - 1)[1]  # length 1 -> 0, 2 -> 1, 3..4 -> 2, 5..8 -> 3...
    exponent = np.where(lengths > 0, exponent + 1, 0).astype(np.uint8)
    order = exponent.argsort(kind="stable")
    runs_in = np.bincount(exponent).tolist()
    entries_in = np.bincount(exponent, weights=lengths).tolist()
    ends = np.cumsum(runs_in).tolist()
    top = len(runs_in) - 1  # the group being formed: buckets lo..top
    while top >= 1:
        if not runs_in[top]:
            top -= 1
            continue
        widest = int(lengths[order[ends[top - 1]:ends[top]]].max())
        lo, runs, entries = top, runs_in[top], entries_in[top]
        while lo > 2 and (runs + runs_in[lo - 1]) * widest <= 2 * (entries + entries_in[lo - 1]):
            lo -= 1  # (bucket 1, the single entries, is never padded)
            runs, entries = runs + runs_in[lo], entries + entries_in[lo]
        yield order[ends[lo - 1]:ends[top]], widest
        top = lo - 1


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


def _slices(runs: np.ndarray, width: int, dim: int):
    """`runs` cut into consecutive pieces whose (n, width, dim) blocks fit the scratch buffer (SCRATCH_ELEMENTS)."""
    step = max(1, SCRATCH_ELEMENTS // max(1, width * dim))
    for i in range(0, len(runs), step):
        yield runs[i:i + step]


#: The (n, P, D) blocks of `sum_runs` are gathered into one reused buffer (per thread and dtype) of
#: at most this many elements, or one run if larger: it stays in the core's cache, where a fresh
#: block each time costs cache misses on first write (and page faults once it is megabytes).
SCRATCH_ELEMENTS = 1 << 17
_scratch = threading.local()


def _gather_block(table: np.ndarray, refs: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
    """`_gather` into the reused scratch buffer: valid only until the next call in this thread.
    (`mode="clip"` lets `np.take` write into it directly; the ids are valid rows: the callers check.)"""
    ids = positions if refs is None else refs.take(positions)
    return table.take(ids, axis=0, mode="clip", out=_scratch_block(ids.shape + table.shape[1:], table.dtype))


def _scratch_block(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A `shape` view of this thread's reused buffer for `dtype` (grown if too small)."""
    size = math.prod(shape)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    buffer = buffers.get(dtype)
    if buffer is None or buffer.size < size:
        buffer = buffers[dtype] = np.empty(max(size, SCRATCH_ELEMENTS), dtype=dtype)
    return buffer[:size].reshape(shape)


def sum_equal_runs(table: np.ndarray, refs: np.ndarray, weights: np.ndarray | None = None,
                   scale: float = 1.0) -> np.ndarray:
    """`sum_runs` for runs of one length L laid back to back, `refs` shaped (runs, L):
    `out[s] = scale * sum over k of weights[s, k] * table[refs[s, k]]` (weights: ones if None).

    Bags of one length (a 2-D input, the benchmark's documents) need no offsets: slices of
    whole bags are gathered (`np.take` of the (n, L) ids, into the reused scratch buffer)
    and reduced by one batched product with the weights, scaled by `scale` (1/L gives the
    mean without another pass). Without positions to build and read, nor the cost rule of
    `sum_runs` to evaluate, EmbeddingBag's forward at the course's batch costs ~0.6x."""
    n, length = refs.shape
    dim = table.shape[1]
    out = np.empty((n, 1, dim), dtype=table.dtype)
    step = max(1, SCRATCH_ELEMENTS // max(1, length * dim))
    if weights is None:
        w = np.full((1, 1, length), scale, dtype=table.dtype)
    for i in range(0, n, step):
        ids = refs[i:i + step]
        block = table.take(ids, axis=0, mode="clip", out=_scratch_block(ids.shape + (dim,), table.dtype))
        if weights is not None:
            w = (weights[i:i + step] * scale).astype(table.dtype, copy=False)[:, None, :]
        np.matmul(w, block, out=out[i:i + step])  # one (1 x L) @ (L x D) product per run (BLAS)
    return out[:, 0]


def _gather(table: np.ndarray, refs: np.ndarray | None, positions: np.ndarray) -> np.ndarray:
    """`table[refs[positions]]` (`table[positions]` if refs is None). `np.take` is about twice as fast as
    the same fancy index on rows."""
    return table.take(positions if refs is None else refs.take(positions), axis=0)


#: A (runs x table rows) count matrix pays while it has at most this many cells per entry summed.
COUNT_CELLS_PER_ENTRY = 16


def _entries(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions of every entry of the runs, run after run."""
    before = lengths.cumsum() - lengths
    return np.arange(int(lengths.sum())) + (starts - before).repeat(lengths)


def _sum_by_counts(table: np.ndarray, refs: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                   weights: np.ndarray | None) -> np.ndarray:
    """The runs' sums as one product `C @ table`, `C[s, r]` = the weights (or the count) of run s's entries
    with `refs[k] == r` (one `np.bincount`)."""
    positions = _entries(starts, lengths)
    run_of_entry = np.arange(len(starts)).repeat(lengths)
    cells = np.bincount(run_of_entry * len(table) + refs.take(positions),
                        weights=None if weights is None else weights[positions], minlength=len(starts) * len(table))
    return cells.reshape(len(starts), len(table)).astype(table.dtype) @ table


def sum_runs(table: np.ndarray, refs: np.ndarray | None, starts: np.ndarray, lengths: np.ndarray,
             weights: np.ndarray | None = None) -> np.ndarray:
    """`out[s] = sum of weights[k] * table[refs[k]]` over run s (refs None: `table[k]` itself); empty runs give 0.

    Runs of one entry (most runs of a sparse gradient) are one gather, straight into the
    result (every run's first entry). Runs of 2..SHORT_RUN entries add their other entries
    in rounds (`_add_by_rounds`). Longer runs go by groups (`_groups`): one (n, P, D) block
    per slice of a group, reduced by a product with the weights (ones if none; 0 on the
    padding slots), overwriting the first entry; bags of one length, or all long and alike,
    go straight there (`_sum_blocks`). When the table has few rows (the
    bag gradients that a weight gradient reads), the longer runs are instead one count
    matrix times the table, if that matrix has at most COUNT_CELLS_PER_ENTRY cells per entry:
    a BLAS product does its multiply-adds about that much faster than the blocks' gathers.
    """
    dim = table.shape[1]
    if not len(lengths):
        return np.empty((0, dim), dtype=table.dtype)
    shortest, longest, entries = int(lengths.min()), int(lengths.max()), int(lengths.sum())
    if ((shortest == longest > 1 or (shortest > SHORT_RUN and len(lengths) * longest <= 2 * entries))
            and (refs is None or len(lengths) * len(table) > COUNT_CELLS_PER_ENTRY * entries)):
        return _sum_blocks(table, refs, starts, lengths, weights, longest, shortest == longest)  # bags alike
    if 0 < shortest <= SHORT_RUN or (not shortest and ((lengths > 0) & (lengths <= SHORT_RUN)).any()):
        first = starts if shortest else np.where(lengths > 0, starts, 0)  # (empty runs: any valid position)
        out = _sum_single(table, refs, first, weights)  # every run starts as its first entry, one gather
    else:
        out = np.empty((len(starts), dim), dtype=table.dtype)
    if not shortest:
        out[lengths == 0] = 0
    if longest <= 1:
        return out
    several = np.flatnonzero(lengths > 1)
    several_lengths = lengths.take(several)
    if refs is not None and len(several) * len(table) <= COUNT_CELLS_PER_ENTRY * int(several_lengths.sum()):
        out[several] = _sum_by_counts(table, refs, starts[several], several_lengths, weights)
        return out
    short = several if longest <= SHORT_RUN else several[several_lengths <= SHORT_RUN]
    if len(short):
        _add_by_rounds(out, table, refs, starts, lengths, weights, short)
        if len(short) == len(several):
            return out
        lengths = np.where(lengths > SHORT_RUN, lengths, 0)  # what is left for the blocks
    for group, width in _groups(lengths):
        if width == 1:
            continue
        for runs in _slices(group, width, dim):
            positions, pad = _positions(starts[runs], lengths[runs], width)
            block = _gather_block(table, refs, positions)  # (n, width, D), in the reused buffer
            if weights is None:
                w = np.ones(positions.shape, dtype=table.dtype)
            else:
                w = weights[positions].astype(table.dtype)
            if pad is not None:
                w[pad] = 0
            out[runs] = np.matmul(w[:, None, :], block)[:, 0]  # one (1 x P) @ (P x D) product per run (BLAS)
    return out


def _sum_blocks(table: np.ndarray, refs: np.ndarray | None, starts: np.ndarray, lengths: np.ndarray,
                weights: np.ndarray | None, width: int, equal: bool) -> np.ndarray:
    """All runs as one group of width `width` (`equal`: every run has exactly `width` entries, no padding):
    the blocks of `sum_runs`, written straight into the result."""
    steps = np.arange(width)
    if equal:  # no padding: the runs' entries are one (runs, width) block of ids, as `sum_equal_runs` takes
        positions = starts[:, None] + steps
        return sum_equal_runs(table, positions if refs is None else refs.take(positions),
                              None if weights is None else weights.take(positions))
    n, dim = len(starts), table.shape[1]
    out = np.empty((n, dim), dtype=table.dtype)
    step = max(1, SCRATCH_ELEMENTS // max(1, width * dim))
    for i in range(0, n, step):
        positions = starts[i:i + step, None] + steps
        pad = steps >= lengths[i:i + step, None]
        np.minimum(positions, (starts[i:i + step] + lengths[i:i + step] - 1)[:, None], out=positions)
        block = _gather_block(table, refs, positions)  # (n, width, D)
        w = np.ones(positions.shape, dtype=table.dtype) if weights is None else weights[positions].astype(table.dtype)
        w[pad] = 0  # (padding slots repeat the run's last entry: weight 0)
        np.matmul(w[:, None, :], block, out=out[i:i + step, None, :])
    return out


#: Runs of at most this many entries (but more than one) are summed in rounds, not in blocks.
SHORT_RUN = 8


def _add_by_rounds(out: np.ndarray, table: np.ndarray, refs: np.ndarray | None, starts: np.ndarray,
                   lengths: np.ndarray, weights: np.ndarray | None, runs: np.ndarray) -> None:
    """Sum the short `runs` in rounds into `out`: round j adds the j-th entry of every run longer than j.
    With the runs sorted longest first (`argsort_ids`, a linear-time sort) those runs are a prefix, so
    each round is one gather and one in-place add on a slice: no padding and no block, at most
    SHORT_RUN - 1 rounds. The sums are then written to their rows of `out` at once (`put_rows`)."""
    run_lengths = lengths.take(runs)
    order = runs.take(argsort_ids(run_lengths.max() - run_lengths))
    first, length = starts.take(order), lengths.take(order)
    longer = np.searchsorted(-length, -np.arange(int(length[0])), side="left")  # longer[j]: runs with > j entries
    acc = _sum_single(table, refs, first, weights)
    for j in range(1, int(length[0])):
        n = int(longer[j])
        acc[:n] += _sum_single(table, refs, first[:n] + j, weights)
    put_rows(out, order, acc)


def rows_as_items(table: np.ndarray) -> np.ndarray | None:
    """A view of a C-contiguous table whose items are its whole rows (a void dtype of one row's bytes),
    shape (rows, 1); None if there is no such view (a strided table, or rows of zero bytes)."""
    row_bytes = table.itemsize * math.prod(table.shape[1:]) if table.ndim else 0
    if not row_bytes or not table.flags.c_contiguous:
        return None
    return (table if table.ndim == 2 else table.reshape(len(table), -1)).view(f"V{row_bytes}")


def put_rows(table: np.ndarray, rows: np.ndarray, block: np.ndarray, items: np.ndarray | None = None) -> None:
    """`table[rows] = block` for valid row numbers: one `np.put` of whole rows on `rows_as_items(table)`
    (`items`, if the caller has it already), one copy per row, where the fancy assignment goes through
    NumPy's general indexing machinery (about 1.8x slower for 256-byte rows)."""
    items = rows_as_items(table) if items is None else items
    if items is None:
        table[rows] = block
    else:
        items.put(rows, np.ascontiguousarray(block, dtype=table.dtype).reshape(len(rows), -1).view(items.dtype),
               mode="clip")


def _sum_single(table: np.ndarray, refs: np.ndarray | None, first: np.ndarray,
                weights: np.ndarray | None) -> np.ndarray:
    """The sums of runs of one entry (at positions `first`): one gather (scaled in place by the weights)."""
    rows = _gather(table, refs, first)
    if weights is not None:
        rows *= weights[first].astype(rows.dtype)[:, None]
    return rows


def max_runs(table: np.ndarray, refs: np.ndarray, starts: np.ndarray,
             lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`max_runs_reference` by the same groups: the same (n, P, D) blocks, padding at -inf, max and argmax."""
    dim = table.shape[1]
    out = np.zeros((len(starts), dim), dtype=table.dtype)
    where = np.full(out.shape, -1, dtype=np.int64)
    for group, width in _groups(lengths):
        for runs in _slices(group, width, dim):
            positions, pad = _positions(starts[runs], lengths[runs], width)
            block = _gather_block(table, refs, positions)
            if pad is not None:
                block[pad] = -np.inf
            best = block.argmax(axis=1)  # (n, D): the first maximum, as torch picks
            out[runs] = np.take_along_axis(block, best[:, None, :], axis=1)[:, 0]
            where[runs] = np.take_along_axis(positions, best, axis=1)
    return out, where


def argsort_ids(ids: np.ndarray) -> np.ndarray:
    """A stable argsort of non-negative integer ids, in O(n): a radix sort, 16 bits per pass.

    NumPy's stable sort of 16-bit integers is a counting sort (linear time), while sorting
    64-bit integers is O(n log n). Sorting by the low 16 bits, then (stably) by the next 16
    bits... orders the ids completely: two passes cover any vocabulary below 4 billion.
    """
    order = ids.astype(np.uint16).argsort(kind="stable")  # the low 16 bits (astype wraps)
    bound = int(ids.max()) + 1 if len(ids) else 0
    shift = 16
    while bound > (1 << shift):
        digit = (ids.take(order) >> shift).astype(np.uint16)
        order = order.take(digit.argsort(kind="stable"))
        shift += 16
    return order


def sorted_runs(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort `ids` into runs of equal ids: (order, distinct ids, run starts, run lengths).

    `ids[order]` is sorted; run s covers `order[starts[s]:starts[s] + lengths[s]]`, the
    positions of `distinct[s]` in `ids`. The one sort a coalesce needs (`argsort_ids`).
    """
    order = argsort_ids(ids)
    ranked = ids.take(order)
    first = np.empty(len(ids) + 1, dtype=bool)  # first[k]: a run starts at k (k = len(ids): the end)
    first[0] = first[-1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:-1])
    bounds = np.flatnonzero(first)
    starts = bounds[:-1]
    return order, ranked.take(starts), starts, bounds[1:] - starts
