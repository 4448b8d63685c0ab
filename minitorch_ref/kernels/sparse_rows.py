"""Coalescing a row-sparse gradient: sum the values of repeated row indices.

Reference rule: add every `(indices[k], values[k])` into a dense (rows x D) table, then
keep the rows that some index names:

    dense = zeros(shape); for k: dense[indices[k]] += values[k]
    rows = sorted distinct indices;  values = dense[rows]

The kernel never builds the dense table (it can have a million rows): it sorts the
indices once (`runs.sorted_runs`) and sums each run of equal indices (`runs.sum_runs`).
Once coalesced, clipping (the norm of the values, then scaling them) and SGD's update
(`weight[rows] -= lr * values`: no repeated row, so a plain gather-add-write is right,
`add_rows_`) cost rows x D.
"""
from __future__ import annotations

import numpy as np

from .runs import put_rows, rows_as_items, sorted_runs, sum_runs


def coalesce_reference(indices: np.ndarray, values: np.ndarray, num_rows: int) -> tuple[np.ndarray, np.ndarray]:
    dense = np.zeros((num_rows,) + values.shape[1:], dtype=values.dtype)
    for i, v in zip(indices, values):
        dense[i] += v
    rows = np.unique(indices)
    return rows, dense[rows]


def coalesce(indices: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct indices, summed values)."""
    order, rows, starts, lengths = sorted_runs(indices)
    flat = values.reshape(len(values), int(np.prod(values.shape[1:])))
    return rows, sum_runs(flat, order, starts, lengths).reshape((len(rows),) + values.shape[1:])


def add_rows_reference(table: np.ndarray, rows: np.ndarray, values: np.ndarray, alpha: float) -> None:
    """`table[rows[i]] += alpha * values[i]`, one row at a time (rows distinct: a coalesced gradient)."""
    for r, v in zip(rows, values):
        table[r] += alpha * v


#: Rows per slice of `add_rows_`: at most this many values.
SLICE_ELEMENTS = 1 << 17


def add_rows_(table: np.ndarray, rows: np.ndarray, values: np.ndarray, alpha: float) -> None:
    """`add_rows_reference` in slices of rows: gather the rows, add, write them back.

    The rows must be valid, distinct row numbers (a coalesced gradient's). Slices of at most
    2^17 values (512 kB of float32) keep the temporaries in cache (a multi-megabyte temporary
    costs page faults on first touch, here about as much as the update itself), while the
    course's update (~2k rows x 64) stays one slice: measured best of 2^15..2^18. The rows are
    written back whole (`put_rows`: one `np.put` of row-sized items, not a fancy assignment)."""
    items = rows_as_items(table)
    step = max(1, SLICE_ELEMENTS // max(1, values[0].size if len(values) else 1))
    block = np.empty((min(step, len(rows)),) + table.shape[1:], dtype=table.dtype)  # reused: stays in cache
    scaled = np.empty_like(block)
    for i in range(0, len(rows), step):  # (the course's update, ~2k rows x 64, is one slice)
        r = rows[i:i + step]
        gathered = table.take(r, axis=0, mode="clip", out=block[:len(r)])  # (clip: lets take write into `out`)
        gathered += np.multiply(values[i:i + step], alpha, out=scaled[:len(r)])
        put_rows(table, r, gathered, items)
