"""How a training step's time grows with the work: minitorch_ref against torch's fastest eager setup.

    python -m benchmarks.scaling [--quick] [--out-dir DIR] [--threads N]

The course's text classifier (EmbeddingBag(V, D, mode="mean", sparse=True) + Linear(D, 4),
CrossEntropyLoss, SGD lr=5) on synthetic batches, in torch's fastest eager configuration:
`sparse=True` (a dense gradient would cost V x D per step). Each point is timed without
clipping and with clipping to 0.1 (`torch_impl.clip_grad_norm_` on torch's side: torch's own
`clip_grad_norm_` raises on sparse gradients; `minitorch_ref.nn.utils.clip_grad_norm_` on ours).

One parameter is swept at a time around the base point (V=25,000 rows, D=64, batch 64,
32 tokens per document):

- batch size (documents per batch): 16 .. 4,096,
- tokens per document: 4 .. 1,024,
- width D (the embedding size): 16 .. 1,024,
- vocabulary V: 10k .. 1M rows (the same batches at every size, ids below 10,000, so only
  the table grows: with a row-sparse gradient the step time should stay flat).

Both backends train on the same batches in this one run, each with one thread
(BENCH_THREADS); their epochs are timed in turn (A, B, A, B...), so a load that comes and
goes on the machine hits both alike. Each figure is the median time per step over the
repeats (7 to 41 epochs of 3 steps per backend: as many as fit in half a second, so the
small steps, whose times vary most, get the most), with the spread; the ratio is
minitorch_ref / torch. The log-log slope of each curve (time ~ x^slope, least squares
over the sweep) is in the notes, next to torch's.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.common import fitted_slope, gc_paused, run_from_command_line, write_report
from benchmarks.training import LR, NUM_CLASS, VOCAB_SWEEP_IDS, Trainer, backend, clip_function, course_models, \
    to_backend

BASE = {"vocab_size": 25_000, "embed_dim": 64, "batch_size": 64, "doc_length": 32}
SWEEPS = {  # parameter -> (full run, --quick)
    "batch_size": ([16, 64, 256, 1024, 4096], [16, 256]),
    "doc_length": ([4, 16, 64, 256, 1024], [4, 64]),
    "embed_dim": ([16, 64, 256, 1024], [16, 128]),
    "vocab_size": ([10_000, 100_000, 1_000_000], [10_000, 100_000]),
}
BACKENDS = (("minitorch_ref", "minitorch_ref"), ("torch", "torch"))
CLIPS = (False, True)
COLUMNS = ["sweep", "value", "clip", "tokens_per_batch", "minitorch_ref_us", "torch_us", "ratio",
           "minitorch_ref_cpu_us", "torch_cpu_us", "cpu_ratio", "minitorch_ref_range_us", "torch_range_us", "epochs"]


def synthetic_batches(steps: int, batch_size: int, doc_length: int, id_bound: int, seed: int = 0) -> list[tuple]:
    """`steps` batches `(labels, text, offsets)` of `batch_size` documents of `doc_length` ids below `id_bound`."""
    rng = np.random.default_rng(seed)
    offsets = np.arange(batch_size, dtype=np.int64) * doc_length
    return [(rng.integers(0, NUM_CLASS, batch_size, dtype=np.int64),
             rng.integers(0, id_bound, batch_size * doc_length, dtype=np.int64),
             offsets) for _ in range(steps)]


def trainer(backend_name: str, point: dict, batches: list, clip: bool, seed: int = 0) -> Trainer:
    """The course's text model at `point`, sparse=True, with or without clipping, on that backend."""
    tm = backend(backend_name)
    tm.manual_seed(seed)
    model = course_models(backend_name).TextClassificationModel(point["vocab_size"], point["embed_dim"], NUM_CLASS,
                                                                sparse=True)
    return Trainer(model, tm.nn.CrossEntropyLoss(), tm.optim.SGD(model.parameters(), lr=LR),
                   to_backend(tm, batches), clip=clip_function(backend_name, True) if clip else None)


#: Timed epochs per backend and point: as many as fit in REPEAT_SECONDS (per backend), within these bounds.
#: Small steps (~1 ms) vary most from one epoch to the next, so they get the most epochs.
REPEATS = {False: (7, 41), True: (2, 3)}  # (fewest, most): full run, --quick
REPEAT_SECONDS = 0.5


def interleaved_step_times(trainers: dict[str, Trainer], repeat: int | tuple[int, int]) -> tuple[dict, dict]:
    """Seconds per step of each trainer, wall-clock and CPU (this process's): one warm-up epoch each,
    then `repeat` epochs each, taken in turn (A, B, A, B...). A (fewest, most) pair picks the count
    from the warm-up epochs' time: as many as fit in REPEAT_SECONDS. With one thread each, CPU
    time is what a quiet machine's wall-clock time would be; on a loaded machine it is the
    steadier figure."""
    slowest = 0.0
    for t in trainers.values():
        start = time.perf_counter()
        t.epoch()
        slowest = max(slowest, time.perf_counter() - start)
    if isinstance(repeat, tuple):
        fewest, most = repeat
        repeat = max(fewest, min(most, int(REPEAT_SECONDS / max(slowest, 1e-9))))
    samples = {name: [] for name in trainers}
    cpu = {name: [] for name in trainers}
    with gc_paused():
        for _ in range(repeat):
            for name, t in trainers.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                t.epoch()
                samples[name].append((time.perf_counter() - start) / len(t.batches))
                cpu[name].append((time.process_time() - start_cpu) / len(t.batches))
    return samples, cpu


def sweep_rows(parameter: str, values: list[int], quick: bool) -> list[dict]:
    """One row per (value, clip): both backends' time per step and their ratio, the others at the base point."""
    rows = []
    for value in values:
        point = {**BASE, parameter: value}
        id_bound = VOCAB_SWEEP_IDS if parameter == "vocab_size" else point["vocab_size"]
        batches = synthetic_batches(2 if quick else 3, point["batch_size"], point["doc_length"], id_bound)
        for clip in CLIPS:
            trainers = {label: trainer(name, point, batches, clip) for label, name in BACKENDS}
            samples, cpu = interleaved_step_times(trainers, repeat=REPEATS[quick])
            del trainers
            row = {"sweep": parameter, "value": value, "clip": clip,
                   "tokens_per_batch": point["batch_size"] * point["doc_length"], "epochs": len(samples["torch"])}
            for label, _ in BACKENDS:
                times = samples[label]
                row[f"{label}_us"] = statistics.median(times) * 1e6
                row[f"{label}_range_us"] = f"{min(times) * 1e6:.4g}-{max(times) * 1e6:.4g}"
                row[f"min_{label}_us"], row[f"max_{label}_us"] = min(times) * 1e6, max(times) * 1e6
            row["ratio"] = row["minitorch_ref_us"] / row["torch_us"]
            for label, _ in BACKENDS:
                row[f"{label}_cpu_us"] = statistics.median(cpu[label]) * 1e6
            row["cpu_ratio"] = row["minitorch_ref_cpu_us"] / row["torch_cpu_us"]
            rows.append(row)
            print(f"{parameter}={value:,} clip={clip}: minitorch_ref {row['minitorch_ref_us']:.0f} us, "
                  f"torch {row['torch_us']:.0f} us, ratio {row['ratio']:.2f} (CPU time: {row['cpu_ratio']:.2f})", flush=True)
    return rows


def slope(rows: list[dict], key: str) -> float:
    """Least-squares slope of log(time) against log(value)."""
    return fitted_slope(np.log([r["value"] for r in rows]), np.log([r[key] for r in rows]))


def slope_notes(rows: list[dict], suffix: str = "_us", ratio: str = "ratio", what: str = "wall") -> list[str]:
    notes = []
    for parameter in dict.fromkeys(r["sweep"] for r in rows):
        for clip in CLIPS:
            mine = [r for r in rows if r["sweep"] == parameter and r["clip"] == clip]
            if len(mine) < 2:
                continue
            ref, tch = slope(mine, "minitorch_ref" + suffix), slope(mine, "torch" + suffix)
            worst = max(mine, key=lambda r: r[ratio])
            notes.append(f"{parameter} ({'clip 0.1' if clip else 'no clip'}, {what}): log-log slope minitorch_ref "
                         f"{ref:.2f}, torch {tch:.2f}; worst ratio {worst[ratio]:.2f} at {worst['value']:,}")
    return notes


def _plot(rows: list[dict]) -> Callable[[Path], None]:
    def plot(path: Path) -> None:
        import matplotlib.pyplot as plt

        parameters = list(dict.fromkeys(r["sweep"] for r in rows))
        fig, axes = plt.subplots(2, len(parameters), figsize=(4 * len(parameters), 6.4), squeeze=False,
                                 sharex="col", gridspec_kw={"height_ratios": [2, 1]})
        for column, parameter in enumerate(parameters):
            top, bottom = axes[0][column], axes[1][column]
            for clip, style in zip(CLIPS, ("-", "--")):
                mine = [r for r in rows if r["sweep"] == parameter and r["clip"] == clip]
                x = [r["value"] for r in mine]
                suffix = " + clip" if clip else ""
                for (label, _), color in zip(BACKENDS, ("C0", "C1")):
                    top.errorbar(x, [r[f"{label}_us"] for r in mine],
                                 yerr=[[r[f"{label}_us"] - r[f"min_{label}_us"] for r in mine],
                                       [r[f"max_{label}_us"] - r[f"{label}_us"] for r in mine]],
                                 linestyle=style, color=color, marker="o", capsize=3, label=label + suffix)
                bottom.plot(x, [r["ratio"] for r in mine], linestyle=style, color="C2", marker="o",
                            label="no clip" if not clip else "clip 0.1")
            top.set_yscale("log")
            top.set_ylabel("us per training step")
            top.set_title(parameter, fontsize=9)
            top.grid(alpha=0.3, which="both")
            top.legend(fontsize=7)
            bottom.axhline(1.0, color="grey", linewidth=1)
            bottom.set_xscale("log")
            bottom.set_xlabel(parameter)
            bottom.set_ylabel("minitorch_ref / torch")
            bottom.grid(alpha=0.3, which="both")
            bottom.legend(fontsize=7)
        base = ", ".join(f"{k}={v:,}" for k, v in BASE.items())
        fig.suptitle(f"TextClassificationModel training step, sparse=True, one thread each; base point {base}",
                     fontsize=9)
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
    notes = [f"base point {BASE}; synthetic ids drawn uniformly (below {VOCAB_SWEEP_IDS:,} in the vocabulary "
             f"sweep); sparse=True on both; torch threads: {torch.get_num_threads()}; ratio = minitorch_ref / torch, "
             "both timed in turn in this one run; cpu = process CPU time (one thread each)", *slope_notes(rows),
             *slope_notes(rows, "_cpu_us", "cpu_ratio", "CPU time")]
    write_report("scaling", rows, out_dir=out_dir, columns=COLUMNS, notes=notes, plot=_plot(rows))
    return rows


def main(argv: list[str] | None = None) -> None:
    run_from_command_line(run, __doc__, "two points per sweep, fewer repeats", argv)


if __name__ == "__main__":
    main()
