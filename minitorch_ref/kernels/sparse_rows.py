"""Coalescing a row-sparse gradient: sum the values of repeated row indices.

Reference rule: add every `(indices[k], values[k])` into a dense (rows x D) table, then
keep the rows that some index names:

    dense = zeros(shape); for k: dense[indices[k]] += values[k]
    rows = sorted distinct indices;  values = dense[rows]

The kernel never builds the dense table (it can have a million rows): it sorts the
indices once (`runs.sorted_runs`) and sums each run of equal indices (`runs.sum_runs`).
Once coalesced, clipping (the norm of the values, then scaling them) and SGD's update
(`weight[rows] -= lr * values`: no repeated row, so a plain fancy-index update is right)
cost rows x D.
"""
from __future__ import annotations

import numpy as np

from .runs import sorted_runs, sum_runs


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
    """`add_rows_reference` in slices of rows: gather the rows, add, write them back. Slices of
    at most 2^17 values (512 kB of float32) keep the temporaries in cache (a multi-megabyte
    temporary costs page faults on first touch, here about as much as the update itself),
    while the course's update (~1k rows x 64) stays one slice: measured best of 2^15..2^18."""
    dim = max(1, values[0].size if len(values) else 1)
    step = max(1, SLICE_ELEMENTS // dim)
    if len(rows) <= step:  # one slice (the course's update): three NumPy calls
        scaled = values * alpha
        block = np.take(table, rows, axis=0)
        block += scaled if scaled.dtype == table.dtype else scaled.astype(table.dtype)
        table[rows] = block
        return
    scaled = np.empty((min(step, len(rows)),) + values.shape[1:], dtype=table.dtype)  # reused: stays in cache
    for i in range(0, len(rows), step):
        r = rows[i:i + step]
        block = np.take(table, r, axis=0)
        block += np.multiply(values[i:i + step], alpha, out=scaled[:len(r)])
        table[r] = block
