"""The memory primitives under the text model's step, NumPy against torch, side by side.

    python -m benchmarks.memory_primitives [--quick] [--out-dir DIR] [--threads N]

At large widths a training step of the course's text model is spent reading and writing
rows of a big embedding table, and `benchmarks/scaling.py` finds minitorch_ref 1.1-1.2x
torch's time there. This script measures why, one primitive at a time, on the scaling
benchmark's base batch (2,048 token ids below 10,000, 64 bags of 32; a table of 25,000 rows)
at the widths of its sweep:

- **gather rows**: `np.take(table, ids, axis=0)`, NumPy's gather, against torch's own
  `index_select`, the same primitive;
- **EmbeddingBag forward** (mean): minitorch_ref's kernel (`kernels.embedding_bag.bag_forward`:
  one `np.take`, then one batched product) against `torch.nn.functional.embedding_bag`
  (FBGEMM's fused kernel, which sums each row as it arrives and prefetches the rows ahead);
- **add coalesced rows** (SGD's sparse update `weight[rows] -= lr * values`):
  `kernels.sparse_rows.add_rows_` against torch's `index_add_`.

Each is timed with the table out of the caches ("cold": a 64 MB buffer is read before every
call, as a big table is between two steps) and in them ("warm": calls in a burst on the same ids). The
two backends alternate call by call; each figure is the median over the repeats.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import gc_paused, run_from_command_line, write_report

TABLE_ROWS, ID_BOUND, BAGS, BAG_LENGTH = 25_000, 10_000, 64, 32  # scaling.py's base point
WIDTHS = ([16, 64, 256, 1024], [64, 1024])  # full run, --quick
REPEATS = (25, 5)
EVICT_BYTES = 64 << 20  # more than this machine's caches (L2 1 MB per core, L3 32 MB)
WARM_BURST = 6  # calls in a row for the warm figures
COLUMNS = ["primitive", "width", "cache", "minitorch_ref_us", "torch_us", "ratio", "minitorch_ref_does",
           "torch_does"]


def primitives(width: int, seed: int = 0) -> dict[str, dict]:
    """For each primitive: the two calls (NumPy, torch) on the same table and ids, and what each runs."""
    import torch

    from minitorch_ref.kernels import embedding_bag, sparse_rows

    rng = np.random.default_rng(seed)
    table = rng.standard_normal((TABLE_ROWS, width), dtype=np.float32)
    table_t = torch.from_numpy(table.copy())  # (its own memory: each backend updates its own table)
    ids = rng.integers(0, ID_BOUND, BAGS * BAG_LENGTH)
    ids_t, offsets_t = torch.from_numpy(ids), torch.arange(0, BAGS * BAG_LENGTH, BAG_LENGTH)
    counts = np.full(BAGS, BAG_LENGTH)
    rows = np.unique(ids)  # a coalesced gradient's rows
    values = rng.standard_normal((len(rows), width), dtype=np.float32) * 1e-3
    rows_t, values_t = torch.from_numpy(rows), torch.from_numpy(values)
    return {
        "gather rows": dict(
            minitorch_ref=lambda: np.take(table, ids, axis=0),
            torch=lambda: table_t.index_select(0, ids_t),
            minitorch_ref_does="np.take(table, ids, axis=0)", torch_does="table.index_select(0, ids)"),
        "EmbeddingBag forward (mean)": dict(
            minitorch_ref=lambda: embedding_bag.bag_forward(table, ids, counts, "mean"),
            torch=lambda: torch.nn.functional.embedding_bag(ids_t, table_t, offsets_t, mode="mean"),
            minitorch_ref_does="np.take into a reused block, then one batched (1 x 32) @ (32 x D) product",
            torch_does="FBGEMM's fused gather-and-sum, rows prefetched ahead"),
        "add coalesced rows (SGD sparse update)": dict(
            minitorch_ref=lambda: sparse_rows.add_rows_(table, rows, values, -0.5),
            torch=lambda: table_t.index_add_(0, rows_t, values_t, alpha=-0.5),
            minitorch_ref_does="per slice of rows: np.take, scale, add, np.put of whole rows",
            torch_does="index_add_: one pass, row by row"),
    }


def time_cold_and_warm(calls: dict[str, Callable[[], object]], repeat: int, evict: np.ndarray) -> dict[str, dict]:
    """Median seconds per call of each backend: right after the table was evicted from the caches
    ("cold"), and in a burst of calls on the same ids ("warm": the last WARM_BURST - 2 of each burst).
    The backends alternate: cold A, cold B, burst A, burst B, and again."""
    samples: dict[str, dict[str, list[float]]] = {"cold": {n: [] for n in calls}, "warm": {n: [] for n in calls}}
    clock = time.perf_counter
    for call in calls.values():
        call()  # warm-up: first-touch page faults, lazy initialisation
    with gc_paused():
        for _ in range(repeat):
            for name, call in calls.items():
                evict[::64].sum()  # one read per cache line of 64 MB: the table leaves the caches
                start = clock()
                call()
                samples["cold"][name].append(clock() - start)
            for name, call in calls.items():
                for i in range(WARM_BURST):
                    start = clock()
                    call()
                    if i >= 2:  # (the first two calls bring the rows and buffers back into the caches)
                        samples["warm"][name].append(clock() - start)
    return {cache: {name: statistics.median(times) for name, times in by_name.items()}
            for cache, by_name in samples.items()}


def measure(quick: bool = False) -> list[dict]:
    widths, repeat = (WIDTHS[1], REPEATS[1]) if quick else (WIDTHS[0], REPEATS[0])
    evict = np.ones(EVICT_BYTES, dtype=np.uint8)
    rows = []
    for width in widths:
        for primitive, spec in primitives(width).items():
            medians = time_cold_and_warm({"minitorch_ref": spec["minitorch_ref"], "torch": spec["torch"]}, repeat,
                                         evict)
            for cache, seconds in medians.items():
                rows.append({"primitive": primitive, "width": width, "cache": cache,
                             "minitorch_ref_us": seconds["minitorch_ref"] * 1e6, "torch_us": seconds["torch"] * 1e6,
                             "ratio": seconds["minitorch_ref"] / seconds["torch"],
                             "minitorch_ref_does": spec["minitorch_ref_does"], "torch_does": spec["torch_does"]})
    return rows


def _plot(rows: list[dict]) -> Callable[[Path], None]:
    def plot(path: Path) -> None:
        import matplotlib.pyplot as plt

        names = list(dict.fromkeys(r["primitive"] for r in rows))
        fig, axes = plt.subplots(1, len(names), figsize=(4.6 * len(names), 3.9), squeeze=False)
        for ax, name in zip(axes[0], names):
            for cache, style in (("cold", "-"), ("warm", ":")):
                shown = [r for r in rows if r["primitive"] == name and r["cache"] == cache]
                widths = [r["width"] for r in shown]
                ax.plot(widths, [r["minitorch_ref_us"] for r in shown], style, marker="o", color="tab:orange",
                        label=f"minitorch_ref ({cache})")
                ax.plot(widths, [r["torch_us"] for r in shown], style, marker="s", color="tab:blue",
                        label=f"torch ({cache})")
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel("width D (float32)")
            ax.set_ylabel("us per call (median)")
            ax.set_title(name, fontsize=10)
        axes[0][0].legend(fontsize=8)
        fig.suptitle(f"{BAGS * BAG_LENGTH:,} ids below {ID_BOUND:,} into a {TABLE_ROWS:,}-row table", fontsize=10)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    return plot


def summary_notes(rows: list[dict]) -> list[str]:
    """One line per primitive: its ratio range, cold and warm."""
    notes = []
    for name in dict.fromkeys(r["primitive"] for r in rows):
        for cache in ("cold", "warm"):
            shown = [r for r in rows if r["primitive"] == name and r["cache"] == cache]
            parts = ", ".join(f"{r['ratio']:.2f}x at D={r['width']}" for r in shown)
            notes.append(f"{name}, {cache}: minitorch_ref / torch {parts}")
    return notes


def run(quick: bool = False, out_dir: Path | None = None, threads: int | None = None) -> list[dict]:
    """Measure, write `memory_primitives.json/.md/.png` and return the rows."""
    import torch

    if threads:  # (otherwise BENCH_THREADS, set when `benchmarks` is imported: 1 by default)
        torch.set_num_threads(threads)
    rows = measure(quick)
    notes = ["ratio = minitorch_ref / torch, medians of calls timed in alternation in this run; "
             f"torch threads: {torch.get_num_threads()}",
             "cold: a 64 MB buffer is read before each call (the table is out of the caches, as a big table is "
             "between two training steps); warm: calls in a burst on the same ids, the first two untimed"]
    notes += summary_notes(rows)
    write_report("memory_primitives", rows, out_dir=out_dir, notes=notes, plot=_plot(rows), columns=COLUMNS)
    return rows


def main(argv: list[str] | None = None) -> None:
    run_from_command_line(run, __doc__, "two widths, 5 repeats", argv)


if __name__ == "__main__":
    main()
