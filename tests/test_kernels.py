"""Each kernel of minitorch_ref.kernels equals its reference rule on random inputs.

Random bags (empty ones included), repeated ids, per_sample_weights, every mode; the
reference rules are the textbook versions (loops, one-hot matrices) in the same modules.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from minitorch_ref._sparse import RowSparseGrad
from minitorch_ref.kernels import cross_entropy, embedding_bag, runs, sparse_rows

TOL = dict(rtol=1e-5, atol=1e-5)


@st.composite
def bags(draw, max_rows: int = 30):
    """(table, ids, counts, psw): a float32 table, token ids with repeats, bag sizes (some 0), weights."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    num_rows = draw(st.integers(1, max_rows))
    dim = draw(st.integers(1, 7))
    counts = np.array(draw(st.lists(st.integers(0, 20), min_size=0, max_size=12)), dtype=np.int64)
    ids = rng.integers(0, draw(st.integers(1, num_rows)), int(counts.sum()))  # a small id range: many repeats
    table = rng.standard_normal((num_rows, dim)).astype(np.float32)
    psw = rng.standard_normal(len(ids)).astype(np.float32)
    return table, ids, counts, psw


class both_branches:
    """Run a block once with each of sum_runs's algorithms for runs of several entries: padded
    blocks only, rounds only, the default mix of rounds and blocks (no count matrix ever pays),
    and the count matrix (it always pays)."""

    def __iter__(self):
        saved = runs.COUNT_CELLS_PER_ENTRY, runs.SHORT_RUN
        try:
            for cells, short in ((0, 1), (0, 10**9), (0, saved[1]), (10**9, saved[1])):
                runs.COUNT_CELLS_PER_ENTRY, runs.SHORT_RUN = cells, short
                yield cells, short
        finally:
            runs.COUNT_CELLS_PER_ENTRY, runs.SHORT_RUN = saved


@given(bags(), st.booleans())
def test_sum_runs_equals_its_loop(case, weighted):
    table, ids, counts, psw = case
    starts = np.cumsum(counts) - counts
    weights = psw if weighted else None
    expected = runs.sum_runs_reference(table, ids, starts, counts, weights)
    for _ in both_branches():
        np.testing.assert_allclose(runs.sum_runs(table, ids, starts, counts, weights), expected, **TOL)
        np.testing.assert_allclose(runs.sum_runs(table[ids], None, starts, counts, weights), expected, **TOL)


@given(st.lists(st.integers(0, 300), max_size=40))
def test_groups_cover_each_run_once_with_at_most_as_much_padding_as_entries(lengths):
    """The rule that forms sum_runs's blocks: every non-empty run in exactly one group, single entries
    never padded, and each group's padded slots (runs x longest) at most twice its entries."""
    lengths = np.array(lengths, dtype=np.int64)
    seen = []
    for group, width in runs._groups(lengths):
        assert width == lengths[group].max()
        assert (lengths[group] == 1).all() or (lengths[group] > 1).all()
        assert len(group) * width <= 2 * lengths[group].sum()
        seen += group.tolist()
    assert sorted(seen) == np.flatnonzero(lengths).tolist()


@pytest.mark.parametrize("weighted", [False, True])
def test_sum_runs_at_a_large_size(weighted):
    """1,500 runs of lengths 0..400 (a sorted gradient's mix: most of one entry, a long tail): every
    algorithm equals the loop."""
    rng = np.random.default_rng(7)
    counts = np.minimum(rng.zipf(1.6, 1500), 400)
    counts[rng.random(1500) < 0.05] = 0
    table = rng.standard_normal((200, 6))
    ids = rng.integers(0, 200, counts.sum())
    starts = np.cumsum(counts) - counts
    weights = rng.standard_normal(len(ids)) if weighted else None
    expected = runs.sum_runs_reference(table, ids, starts, counts, weights)
    for _ in both_branches():
        np.testing.assert_allclose(runs.sum_runs(table, ids, starts, counts, weights), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("lengths", [(32,) * 40, (4,) * 50, (2,) * 30, (9, 40, 17, 33, 25, 12, 40, 38)],
                         ids=["equal", "equal-short", "pairs", "similar"])
@pytest.mark.parametrize("block_elements", [64, runs.SCRATCH_ELEMENTS])
def test_sum_runs_of_long_similar_runs_in_one_group(monkeypatch, lengths, weighted, block_elements):
    """Bags of equal lengths, or of similar lengths all longer than SHORT_RUN, read from a large table (the
    course's forward): sum_runs's direct path (one group of blocks, in slices) equals the loop."""
    monkeypatch.setattr(runs, "SCRATCH_ELEMENTS", block_elements)  # 64: many slices, runs larger than the buffer
    monkeypatch.setattr(runs, "_scratch", threading.local())
    rng = np.random.default_rng(len(lengths))
    counts = np.array(lengths)
    table = rng.standard_normal((5_000, 6)).astype(np.float32)
    ids = rng.integers(0, len(table), counts.sum())
    starts = np.cumsum(counts) - counts
    weights = rng.standard_normal(len(ids)).astype(np.float32) if weighted else None
    expected = runs.sum_runs_reference(table, ids, starts, counts, weights)
    first = runs.sum_runs(table, ids, starts, counts, weights)
    np.testing.assert_allclose(runs.sum_runs(table[ids], None, starts, counts, weights), expected, **TOL)
    np.testing.assert_allclose(first, expected, **TOL)  # (the reused gather buffer is not part of a result)


def test_sum_runs_in_threads_at_once():
    """The gather buffer that sum_runs reuses is per thread: runs summed in several threads at once
    each equal the loop."""
    rng = np.random.default_rng(3)
    table = rng.standard_normal((20_000, 64)).astype(np.float32)
    cases = [(rng.integers(0, len(table), 64 * 32), np.full(64, 32)) for _ in range(4)]
    expected = [runs.sum_runs_reference(table, ids, np.cumsum(c) - c, c) for ids, c in cases]

    def work(k: int) -> bool:
        ids, counts = cases[k]
        return all(np.allclose(runs.sum_runs(table, ids, np.cumsum(counts) - counts, counts), expected[k],
                               rtol=1e-5, atol=1e-5) for _ in range(20))

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(4)))


@given(bags())
def test_max_runs_equals_its_loop(case):
    table, ids, counts, _ = case
    table = np.round(table)  # ties: the first maximum wins in both
    starts = np.cumsum(counts) - counts
    out, where = runs.max_runs(table, ids, starts, counts)
    expected, expected_where = runs.max_runs_reference(table, ids, starts, counts)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(where, expected_where)


def test_long_runs_are_cut_into_blocks(monkeypatch):
    """A run far longer than the block budget, beside short ones: still the loop's sums."""
    monkeypatch.setattr(runs, "SCRATCH_ELEMENTS", 64)
    monkeypatch.setattr(runs, "_scratch", threading.local())
    rng = np.random.default_rng(1)
    counts = np.array([1, 700, 0, 3, 33, 2, 1, 129])
    table = rng.standard_normal((50, 5))
    ids = rng.integers(0, 50, counts.sum())
    starts = np.cumsum(counts) - counts
    np.testing.assert_allclose(runs.sum_runs(table, ids, starts, counts),
                               runs.sum_runs_reference(table, ids, starts, counts))
    np.testing.assert_array_equal(runs.max_runs(table, ids, starts, counts)[0],
                                  runs.max_runs_reference(table, ids, starts, counts)[0])


@given(bags(), st.sampled_from(["sum", "mean", "max"]), st.booleans())
def test_bag_forward_equals_the_one_hot_rule(case, mode, weighted):
    table, ids, counts, psw = case
    psw = psw if weighted and mode == "sum" else None
    out, winners = embedding_bag.bag_forward(table, ids, counts, mode, psw)
    np.testing.assert_allclose(out, embedding_bag.bag_forward_reference(table, ids, counts, mode, psw), **TOL)
    if mode == "max":  # every winner is an id of its bag whose row holds the maximum
        starts = np.cumsum(counts) - counts
        for b, (s, n) in enumerate(zip(starts, counts)):
            assert (winners[b] == -1).all() if n == 0 else np.isin(winners[b], ids[s:s + n]).all()
            if n:
                np.testing.assert_array_equal(table[winners[b], np.arange(table.shape[1])], out[b])


@given(bags(), st.integers(1, 40), st.sampled_from(["sum", "mean", "max"]), st.booleans(),
       st.sampled_from([64, runs.SCRATCH_ELEMENTS]))
def test_bag_forward_of_bags_of_one_length_equals_the_one_hot_rule(case, length, mode, weighted, scratch):
    """Bags all of one length (a 2-D input: `sum_equal_runs`, no offsets), in slices of whole bags
    (scratch 64: one bag per slice, and bags larger than the buffer)."""
    table, _, counts, _ = case
    rng = np.random.default_rng(length)
    counts = np.full(len(counts), length)
    ids = rng.integers(0, len(table), counts.sum())
    psw = rng.standard_normal(len(ids)).astype(np.float32) if weighted and mode == "sum" else None
    saved = runs.SCRATCH_ELEMENTS, runs._scratch
    runs.SCRATCH_ELEMENTS, runs._scratch = scratch, threading.local()
    try:
        out, _ = embedding_bag.bag_forward(table, ids, counts, mode, psw)
        np.testing.assert_allclose(out, embedding_bag.bag_forward_reference(table, ids, counts, mode, psw), **TOL)
        if len(counts):
            by_bag = None if psw is None else psw.reshape(len(counts), length)
            np.testing.assert_allclose(runs.sum_equal_runs(table, ids.reshape(len(counts), length), by_bag, 0.5),
                                       0.5 * runs.sum_runs_reference(table, ids, np.cumsum(counts) - counts, counts,
                                                                     psw), **TOL)
    finally:
        runs.SCRATCH_ELEMENTS, runs._scratch = saved


@given(bags(), st.booleans())
def test_bag_weight_grad_equals_the_one_hot_rule(case, weighted):
    table, ids, counts, psw = case
    per_bag = np.random.default_rng(len(ids)).standard_normal((len(counts), table.shape[1])).astype(np.float32)
    psw = psw if weighted else None
    expected_rows, expected = embedding_bag.bag_weight_grad_reference(ids, counts, per_bag, len(table), psw)
    for _ in both_branches():
        rows, values = embedding_bag.bag_weight_grad(ids, counts, per_bag, psw)
        np.testing.assert_array_equal(rows, expected_rows)  # one row per distinct id, sorted: coalesced
        np.testing.assert_allclose(values, expected, **TOL)


@pytest.mark.parametrize("num_bags, vocabulary", [(64, 26_000), (700, 3_000)])
def test_bag_weight_grad_at_course_and_large_sizes(num_bags, vocabulary):
    """The course's batch (64 documents of ~42 Zipf-distributed ids: a few long runs, many single ones)
    and a large batch, with per_sample_weights: both algorithms equal the one-hot rule."""
    rng = np.random.default_rng(num_bags)
    counts = rng.integers(0, 80, num_bags)
    ids = np.minimum(rng.zipf(1.3, counts.sum()), vocabulary) - 1
    per_bag = rng.standard_normal((num_bags, 16)).astype(np.float32)
    psw = rng.standard_normal(len(ids)).astype(np.float32)
    expected_rows, expected = embedding_bag.bag_weight_grad_reference(ids, counts, per_bag, vocabulary, psw)
    for _ in both_branches():
        rows, values = embedding_bag.bag_weight_grad(ids, counts, per_bag, psw)
        np.testing.assert_array_equal(rows, expected_rows)
        np.testing.assert_allclose(values, expected, rtol=1e-4, atol=1e-4)


@given(bags())
def test_bag_max_grad_equals_its_loop(case):
    table, ids, counts, _ = case
    _, winners = embedding_bag.bag_forward(np.round(table), ids, counts, "max")
    grad = np.random.default_rng(3).standard_normal((len(counts), table.shape[1])).astype(np.float32)
    np.testing.assert_allclose(embedding_bag.bag_max_grad(winners, grad, len(table)),
                               embedding_bag.bag_max_grad_reference(winners, grad, len(table)), **TOL)


@given(bags())
def test_coalesce_equals_the_dense_rule(case):
    table, ids, _, _ = case
    values = table[ids % len(table)] * 3
    rows, summed = sparse_rows.coalesce(ids, values)
    expected_rows, expected = sparse_rows.coalesce_reference(ids, values, len(table))
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_allclose(summed, expected, **TOL)


@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(1, 6), st.booleans())
def test_cross_entropy_equals_the_one_hot_rule(seed, n, classes, some_ignored):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, classes)) * 5).astype(np.float32)
    target = rng.integers(0, classes, n)
    if some_ignored:
        target[rng.random(n) < 0.3] = -100
    valid = (target != -100) if some_ignored else None
    losses, p = cross_entropy.cross_entropy_rows(x, target, valid)
    expected_losses, expected_grad = cross_entropy.cross_entropy_reference(x, target)
    np.testing.assert_allclose(losses, expected_losses, **TOL)
    scale = rng.random((n, 1)).astype(np.float32)
    np.testing.assert_allclose(cross_entropy.cross_entropy_grad(p, target, valid, scale), expected_grad * scale,
                               **TOL)
    np.testing.assert_allclose(cross_entropy.cross_entropy_grad(p, target, valid, scale[:1]),
                               expected_grad * scale[:1], **TOL)


_SPECIAL_VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30])


@pytest.mark.parametrize("seed", range(60))
def test_row_max_and_row_sum_equal_numpys_reductions(seed):
    """The column-at-a-time max and sum of the cross-entropy kernel give NumPy's floats (a NaN's sign aside,
    which neither library fixes), with nan, infinities and signed zeros among the values, 1 to 10 classes."""
    rng = np.random.default_rng(seed)
    n, classes = int(rng.integers(0, 300)), 1 + seed % 10  # (the columns' way from 128 rows)
    dtype = (np.float32, np.float64, np.float16)[seed % 3]
    x = (rng.standard_normal((n, classes)) * 100).astype(dtype)
    special = rng.random((n, classes)) < 0.3
    with np.errstate(all="ignore"):  # (1e30 is inf in float16; inf - inf...)
        x[special] = rng.choice(_SPECIAL_VALUES, int(special.sum()))
        x = np.concatenate([x, np.full((1, classes), -0.0, dtype)])  # (a row of -0.0: NumPy's sum says 0.0)
        for ours, numpys in ((cross_entropy.row_max(x), x.max(axis=1, keepdims=True)),
                             (cross_entropy.row_sum(x), x.sum(axis=1, keepdims=True))):
            assert ours.dtype == numpys.dtype and ours.shape == numpys.shape
            np.testing.assert_array_equal(ours, numpys)  # (nan where NumPy has nan)
            assert np.array_equal(np.signbit(ours[~np.isnan(ours)]), np.signbit(numpys[~np.isnan(numpys)]))


# ---------------------------------------------------------------- through the library's ops


@given(bags(), st.sampled_from(["sum", "mean"]), st.booleans(), st.booleans())
def test_embedding_bag_op_with_padding_matches_the_rule_on_the_kept_tokens(case, mode, sparse, weighted):
    """padding_idx: the padding tokens leave the sums, the means' counts and the gradient."""
    table, ids, counts, psw = case
    padding_idx = 0
    weight = mt.from_numpy(table.copy()).requires_grad_()
    offsets = np.cumsum(counts) - counts
    w = mt.from_numpy(psw.copy()) if weighted and mode == "sum" else None
    out = mt.nn.functional.embedding_bag(mt.from_numpy(ids), weight, mt.from_numpy(offsets), mode=mode,
                                         sparse=sparse, per_sample_weights=w, padding_idx=padding_idx)
    keep = ids != padding_idx
    kept_counts = np.bincount(np.repeat(np.arange(len(counts)), counts)[keep], minlength=len(counts))
    kept_psw = None if w is None else psw[keep]
    np.testing.assert_allclose(out.detach().numpy(),
                               embedding_bag.bag_forward_reference(table, ids[keep], kept_counts, mode, kept_psw),
                               **TOL)
    if not len(counts):
        return
    upstream = np.random.default_rng(5).standard_normal(out.shape).astype(np.float32)
    out.backward(mt.from_numpy(upstream))
    per_bag = upstream / np.maximum(kept_counts, 1)[:, None] if mode == "mean" else upstream
    expected = embedding_bag.one_hot_bags(ids[keep], kept_counts, len(table), kept_psw).T @ per_bag
    grad = weight.grad
    dense = grad.to_dense_array() if isinstance(grad, RowSparseGrad) else grad.numpy()
    assert isinstance(grad, RowSparseGrad) == sparse
    np.testing.assert_allclose(dense, expected, **TOL)
    assert not dense[padding_idx].any()


@given(bags(), st.floats(0.01, 10), st.sampled_from([0.0, 0.9]))
def test_sparse_clip_and_sgd_step_equal_their_dense_versions(case, max_norm, momentum):
    """Clipping a row-sparse gradient and SGD's sparse step: the same numbers as on the dense gradient."""
    table, ids, _, psw = case
    values = table[ids] * psw[:, None]
    sparse_w = mt.from_numpy(table.copy()).requires_grad_()
    dense_w = mt.from_numpy(table.copy()).requires_grad_()
    sparse_opt = mt.optim.SGD([sparse_w], lr=0.5, momentum=momentum)
    dense_opt = mt.optim.SGD([dense_w], lr=0.5, momentum=momentum)
    for step in range(2):  # two steps: the momentum buffers too
        sparse_w.grad = RowSparseGrad(ids, values.copy(), table.shape)
        dense = np.zeros_like(table)
        rows, summed = sparse_rows.coalesce_reference(ids, values, len(table))
        dense[rows] = summed
        dense_w.grad = mt.from_numpy(dense)
        sparse_norm = mt.nn.utils.clip_grad_norm_([sparse_w], max_norm)
        dense_norm = mt.nn.utils.clip_grad_norm_([dense_w], max_norm)
        np.testing.assert_allclose(float(sparse_norm), float(dense_norm), rtol=1e-5)
        sparse_opt.step()
        dense_opt.step()
        np.testing.assert_allclose(sparse_w.detach().numpy(), dense_w.detach().numpy(), **TOL)


@given(bags(), st.floats(-3, 3))
def test_add_rows_equals_its_loop(case, alpha):
    table, ids, _, _ = case
    rows = np.unique(ids)
    values = np.random.default_rng(len(rows)).standard_normal((len(rows), table.shape[1])).astype(np.float32)
    fast, slow = table.copy(), table.copy()
    sparse_rows.add_rows_(fast, rows, values, alpha)
    sparse_rows.add_rows_reference(slow, rows, values, alpha)
    np.testing.assert_allclose(fast, slow, **TOL)


@pytest.mark.parametrize("slice_elements", [8, sparse_rows.SLICE_ELEMENTS])
@pytest.mark.parametrize("layout", ["contiguous", "strided", "3-d", "float64 values"])
def test_add_rows_in_slices_and_layouts_equals_its_loop(monkeypatch, slice_elements, layout):
    """Many slices (8 values each) or one; rows written back as whole-row items (a C-contiguous table,
    2-D or 3-D) or by fancy assignment (a strided table, which has no such view)."""
    monkeypatch.setattr(sparse_rows, "SLICE_ELEMENTS", slice_elements)
    rng = np.random.default_rng(11)
    shape = {"3-d": (300, 2, 3)}.get(layout, (300, 5))
    table = rng.standard_normal((300, 10)).astype(np.float32)[:, ::2] if layout == "strided" else \
        rng.standard_normal(shape).astype(np.float32)
    assert (runs.rows_as_items(table) is None) == (layout == "strided")
    rows = np.unique(rng.integers(0, 300, 120))
    values = rng.standard_normal((len(rows),) + table.shape[1:])
    if layout != "float64 values":
        values = values.astype(np.float32)
    fast, slow = table.copy(order="K"), table.copy()
    if layout == "strided":
        fast = np.asfortranarray(table)  # strided rows too: no whole-row view
    sparse_rows.add_rows_(fast, rows, values, -0.7)
    sparse_rows.add_rows_reference(slow, rows, values, -0.7)
    np.testing.assert_allclose(fast, slow, **TOL)
