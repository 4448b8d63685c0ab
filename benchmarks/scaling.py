"""How a training step's time grows with the work, on each backend.

    python -m benchmarks.scaling [--quick] [--out-dir DIR] [--threads N]

The course's text classifier (EmbeddingBag(V, D, sparse=True) + Linear, CrossEntropyLoss,
SGD lr=5, clipping to 0.1) on synthetic batches, one parameter swept at a time around
the AG_NEWS-like default (V=25,000 rows, D=64, batch 64, 32 tokens per document):

- tokens per batch (the document length),
- vocabulary size (10k to 1M rows; the same batches at every size, ids below 10,000, so
  only the table grows: with a row-sparse gradient the step time should stay flat),
- hidden size (the embedding width D),
- batch size (documents per batch).

Each point is the median over repeats (after a warm-up) of the time per step, with its
spread; both backends run the same batches in this one run. The log-log slope of each
curve (time ~ x^slope) is in the notes: 1 is linear growth, 0 is none.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import write_report
from benchmarks.training import NUM_CLASS, VOCAB_SWEEP_IDS, text_step_time

DEFAULTS = {"vocab_size": 25_000, "embed_dim": 64, "batch_size": 64, "doc_length": 32}
SWEEPS = {  # parameter -> values (full run, --quick)
    "doc_length": ([4, 16, 64, 256], [4, 64]),
    "vocab_size": ([10_000, 30_000, 100_000, 300_000, 1_000_000], [10_000, 100_000]),
    "embed_dim": ([16, 64, 256, 1024], [16, 128]),
    "batch_size": ([16, 64, 256, 1024], [16, 128]),
}
BACKENDS = (("minitorch_ref", "minitorch_ref"), ("torch eager", "torch"))


def synthetic_batches(steps: int, batch_size: int, doc_length: int, id_bound: int, seed: int = 0) -> list[tuple]:
    """`steps` batches `(labels, text, offsets)` of `batch_size` documents of `doc_length` ids below `id_bound`."""
    rng = np.random.default_rng(seed)
    offsets = np.arange(batch_size, dtype=np.int64) * doc_length
    return [(rng.integers(0, NUM_CLASS, batch_size, dtype=np.int64),
             rng.integers(0, id_bound, batch_size * doc_length, dtype=np.int64),
             offsets) for _ in range(steps)]


def sweep_rows(parameter: str, values: list[int], quick: bool) -> list[dict]:
    """Time per step of every backend at every value of `parameter`, the others at their defaults."""
    rows = []
    for value in values:
        point = {**DEFAULTS, parameter: value}
        # The vocabulary sweep keeps the ids (hence the batches) the same at every size.
        id_bound = VOCAB_SWEEP_IDS if parameter == "vocab_size" else point["vocab_size"]
        batches = synthetic_batches(3 if quick else 10, point["batch_size"], point["doc_length"], id_bound)
        times = {}
        for label, backend_name in BACKENDS:
            timing = text_step_time(backend_name, point["vocab_size"], batches, embed_dim=point["embed_dim"],
                                    repeat=3 if quick else 5)
            times[label] = timing.median_s
            rows.append({"sweep": parameter, "value": value, "variant": label,
                         "tokens_per_batch": point["batch_size"] * point["doc_length"],
                         "median_us": timing.median_s * 1e6, "min_us": timing.min_s * 1e6,
                         "max_us": timing.max_s * 1e6})
        for row in rows[-len(BACKENDS):]:
            row["minitorch_ref_vs_torch"] = times["minitorch_ref"] / times["torch eager"]
    return rows


def slopes(rows: list[dict]) -> list[str]:
    """The log-log slope of each curve: time ~ value^slope."""
    notes = []
    for parameter in dict.fromkeys(r["sweep"] for r in rows):
        parts = []
        for label, _ in BACKENDS:
            mine = [r for r in rows if r["sweep"] == parameter and r["variant"] == label]
            slope = np.polyfit(np.log([r["value"] for r in mine]), np.log([r["median_us"] for r in mine]), 1)[0]
            parts.append(f"{label} {slope:.2f}")
        notes.append(f"log-log slope vs {parameter}: " + ", ".join(parts))
    return notes


def _plot(rows: list[dict]) -> Callable[[Path], None]:
    def plot(path: Path) -> None:
        import matplotlib.pyplot as plt

        parameters = list(dict.fromkeys(r["sweep"] for r in rows))
        fig, axes = plt.subplots(1, len(parameters), figsize=(4 * len(parameters), 3.8), squeeze=False)
        for ax, parameter in zip(axes[0], parameters):
            for label, _ in BACKENDS:
                mine = [r for r in rows if r["sweep"] == parameter and r["variant"] == label]
                ax.errorbar([r["value"] for r in mine], [r["median_us"] for r in mine],
                            yerr=[[r["median_us"] - r["min_us"] for r in mine],
                                  [r["max_us"] - r["median_us"] for r in mine]],
                            marker="o", capsize=3, label=label)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(parameter)
            ax.set_ylabel("us per training step")
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=8)
        defaults = ", ".join(f"{k}={v:,}" for k, v in DEFAULTS.items())
        fig.suptitle(f"TextClassificationModel training step (sparse=True), {defaults}", fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    return plot


def run(quick: bool = False, out_dir: Path | None = None, threads: int | None = None) -> list[dict]:
    """Run every sweep, write `scaling.json/.md/.png` and return the rows."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    rows = []
    for parameter, (full, small) in SWEEPS.items():
        rows += sweep_rows(parameter, small if quick else full, quick)
    notes = [f"defaults: {DEFAULTS}; synthetic ids drawn uniformly (below {VOCAB_SWEEP_IDS:,} in the vocabulary "
             f"sweep); torch threads: {torch.get_num_threads()}", *slopes(rows)]
    write_report("scaling", rows, out_dir=out_dir, notes=notes, plot=_plot(rows))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two points per sweep, fewer repeats")
    parser.add_argument("--out-dir", type=Path, default=None, help="where the reports go (benchmarks/results)")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    args = parser.parse_args(argv)
    run(quick=args.quick, out_dir=args.out_dir, threads=args.threads)


if __name__ == "__main__":
    main()
