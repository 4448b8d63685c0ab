"""Random numbers: `rand` / `randn` of 1M elements, minitorch_ref against torch, side by side.

    python -m benchmarks.random_numbers [--quick] [--out-dir DIR] [--threads N]

Both draw the very same numbers (checked in every run: `bit_identical`). minitorch_ref reads the
Mersenne Twister in bulk from NumPy's MT19937; float32 `randn`/`normal_` also repeat torch's AVX2
log/sin/cos polynomials and fused multiply-adds in NumPy (`_rng_math.box_muller_avx2`, about
100 in-place ufunc passes over the numbers, a third of them in float64; docs/random.md), which is
where it pays most. The
goal is at most 3x torch's time.
"""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import Callable

import numpy as np

from benchmarks.common import measure_side_by_side, run_from_command_line, write_report

GOAL_RATIO = 3.0
OPS = {  # what is timed: the two draws of the issue, and the in-place fills that nn.init uses
    "rand": lambda lib, n, dtype: lib.rand(n, dtype=dtype),
    "randn": lambda lib, n, dtype: lib.randn(n, dtype=dtype),
    "uniform_(-0.37, 0.81)": lambda lib, n, dtype: lib.empty(n, dtype=dtype).uniform_(-0.37, 0.81),
    "normal_(0.5, 0.02)": lambda lib, n, dtype: lib.empty(n, dtype=dtype).normal_(0.5, 0.02),
}


def _rows(quick: bool) -> list[dict]:
    import torch

    import minitorch_ref as mt

    sizes = [100_000] if quick else [1_000, 1_000_000]
    repeat = 5 if quick else 15
    rows = []
    for op, make in OPS.items():
        for dtype in ("float32", "float64"):
            for n in sizes:
                def draw(lib, make=make, dtype=dtype, n=n):
                    return make(lib, n, getattr(lib, dtype))

                torch.manual_seed(0)
                mt.manual_seed(0)
                identical = bool(np.array_equal(draw(torch).numpy(), draw(mt).numpy()))
                draw(torch), draw(mt)  # warm-up
                number = max(1, 100_000 // n)  # calls per sample: small draws take microseconds
                timings, ratios = measure_side_by_side({"torch": lambda: draw(torch), "mt": lambda: draw(mt)},
                                                       repeat=repeat, numbers={"torch": number, "mt": number})
                on_torch, on_mt = timings["torch"], timings["mt"]
                ratio = statistics.median(ratios["mt"])  # the median of the per-round ratios
                rows.append({"op": op, "dtype": dtype, "numel": n, "bit_identical": identical,
                             "median_ms_torch": on_torch.median_s * 1e3,
                             "median_ms_minitorch_ref": on_mt.median_s * 1e3,
                             "min_ms_torch": on_torch.min_s * 1e3, "min_ms_minitorch_ref": on_mt.min_s * 1e3,
                             "ratio": ratio, "within_goal": ratio <= GOAL_RATIO})
    return rows


def _plot(rows: list[dict]) -> Callable[[Path], None]:
    def plot(path: Path) -> None:
        import matplotlib.pyplot as plt

        biggest = max(r["numel"] for r in rows)
        shown = [r for r in rows if r["numel"] == biggest]
        labels = [f"{r['op'].split('(')[0]}\n{r['dtype']}" for r in shown]
        x = np.arange(len(shown))
        fig, ax = plt.subplots(figsize=(9, 3.8))
        ax.bar(x - 0.2, [r["median_ms_torch"] for r in shown], 0.4, label="torch")
        ax.bar(x + 0.2, [r["median_ms_minitorch_ref"] for r in shown], 0.4, label="minitorch_ref")
        for i, r in enumerate(shown):
            ax.annotate(f"{r['ratio']:.1f}x", (i + 0.2, r["median_ms_minitorch_ref"]), ha="center", va="bottom")
        ax.set_xticks(x, labels)
        ax.set_ylabel("ms (median)")
        ax.set_title(f"{biggest:,} random numbers, same values on both")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    return plot


def run(quick: bool = False, out_dir: Path | None = None, threads: int | None = None) -> list[dict]:
    """Measure, write `random_numbers.json/.md/.png` and return the rows."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    rows = _rows(quick)
    notes = [f"ratio = minitorch_ref / torch: the median of per-round ratios, the two timed in alternation in this run; goal <= {GOAL_RATIO:g}x",
             "torch's random kernels run on one thread (the Mersenne Twister is sequential); "
             f"torch threads: {torch.get_num_threads()}",
             "float32 randn/normal_ of >= 16 elements: torch's AVX2 polynomials with exact float32 FMAs, "
             "in passes of NumPy ufuncs (_rng_math.box_muller_avx2)"]
    write_report("random_numbers", rows, out_dir=out_dir, notes=notes, plot=_plot(rows))
    return rows


def main(argv: list[str] | None = None) -> None:
    run_from_command_line(run, __doc__, "100k elements, fewer repeats", argv)


if __name__ == "__main__":
    main()
