"""Shared measuring and reporting for every benchmark script.

Each figure is a `Measurement`: warm-up runs first, then `repeat` timed runs, reported
as the median with the spread (min, max). Ratios are only ever computed between
measurements taken in the same run of the same script.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Measurement:
    median_s: float
    min_s: float
    max_s: float
    repeat: int
    peak_bytes: int | None = None

    def ms(self) -> str:
        return f"{self.median_s * 1e3:.3f} ms [{self.min_s * 1e3:.3f}-{self.max_s * 1e3:.3f}]"


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside (as it was after): no collection lands in a timed sample."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def measure(fn: Callable[[], Any], *, warmup: int = 1, repeat: int = 5, number: int = 1,
            track_memory: bool = False) -> Measurement:
    """Time `fn` (called `number` times per sample); median and spread per call.

    `track_memory=True` adds one extra run under `tracemalloc` to record the peak of
    Python-visible allocations (NumPy buffers included; torch's C++ allocator is not).
    """
    for _ in range(warmup):
        fn()
    samples = []
    with gc_paused():
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples.append((time.perf_counter() - start) / number)
    peak = None
    if track_memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return Measurement(statistics.median(samples), min(samples), max(samples), repeat, peak)


def measure_side_by_side(fns: dict[str, Callable[[], Any]], *, repeat: int = 7, numbers: dict[str, int] | None = None,
                         ) -> tuple[dict[str, Measurement], dict[str, list[float]]]:
    """Time several functions in alternation: round after round, each runs one sample in turn.

    A slow moment of the machine (another process, a frequency change) then hits every
    function of that round alike, instead of whichever happened to be measured then. Returns
    each function's `Measurement` and, per function, its time divided by the first one's in
    each round: the median of those per-round ratios is the robust ratio to report.
    """
    numbers = numbers or {}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    with gc_paused():
        for _ in range(repeat):
            for name, fn in fns.items():
                number = numbers.get(name, 1)
                start = time.perf_counter()
                for _ in range(number):
                    fn()
                samples[name].append((time.perf_counter() - start) / number)
    first = samples[next(iter(fns))]
    ratios = {name: [s / f for s, f in zip(times, first)] for name, times in samples.items()}
    timings = {name: Measurement(statistics.median(times), min(times), max(times), repeat)
               for name, times in samples.items()}
    return timings, ratios


def load_average() -> list[float] | None:
    """How busy the machine is: its load average over 1, 5 and 15 minutes (None where the OS has none).

    Ratios of tiny steps move with it (a loaded machine slows torch's SimpleNN step more than
    minitorch_ref's), so every report records it for the reader."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def cpu_model() -> str:
    """The processor's name as the OS gives it ("AMD EPYC 7B12"); Linux's /proc/cpuinfo, else `platform`.

    Ratios against torch move from one machine to the next (its kernels differ with the vector
    instructions a CPU has), so every report names the processor it ran on."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            fields = dict(line.split(":", 1) for line in cpuinfo if ":" in line)
    except OSError:
        return platform.processor() or platform.machine()
    name = fields.get("model name\t", "").strip() or platform.machine()
    family, model = fields.get("cpu family\t", "").strip(), fields.get("model\t\t", "").strip()
    return f"{name} (family {family}, model {model})" if family and model else name


def machine_info() -> dict[str, Any]:
    """Machine, processor, Python, NumPy and (if importable) torch versions and the CPU kernels torch runs
    (AVX2, AVX512...), recorded with every result."""
    import numpy as np

    info: dict[str, Any] = {
        "machine": platform.machine(),
        "processor": cpu_model(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average": load_average(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_cpu_kernels"] = torch.backends.cpu.get_cpu_capability()
        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        info["torch"] = None
    return info


def markdown_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Render rows (dicts) as a GitHub markdown table; floats get 4 significant digits."""
    if not rows:
        return "(no rows)\n"
    columns = list(columns or rows[0].keys())

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}"
        return "" if value is None else str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_report(name: str, rows: Sequence[dict[str, Any]], *, out_dir: Path | None = None,
                 columns: Sequence[str] | None = None, notes: Sequence[str] = (),
                 plot: Callable[[Path], None] | None = None) -> Path:
    """Print the table and save `<name>.json`, `<name>.md` (and `<name>.png` via `plot`)."""
    out_dir = Path(out_dir or RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    table = markdown_table(rows, columns)
    payload = {"benchmark": name, "machine": info, "rows": list(rows), "notes": list(notes)}
    (out_dir / f"{name}.json").write_text(json.dumps(payload, indent=2, default=_jsonable))
    header = f"# {name}\n\n" + ", ".join(f"{k}: {v}" for k, v in info.items()) + "\n\n"
    (out_dir / f"{name}.md").write_text(header + table + "".join(f"\n- {n}" for n in notes) + "\n")
    print(table)
    for note in notes:
        print(f"- {note}")
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        png = out_dir / f"{name}.png"
        plot(png)
        print(f"plot: {png}")
    print(f"results: {out_dir / (name + '.json')}")
    return out_dir


def _jsonable(value: Any) -> Any:
    if isinstance(value, Measurement):
        return asdict(value)
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def run_from_command_line(run: Callable[..., Any], doc: str, quick_help: str, argv: list[str] | None = None) -> None:
    """`python -m benchmarks.<name> [--quick] [--out-dir DIR] [--threads N]`: parse those flags and call `run`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--out-dir", type=Path, default=None, help="where the reports go (benchmarks/results)")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: BENCH_THREADS)")
    args = parser.parse_args(argv)
    run(quick=args.quick, out_dir=args.out_dir, threads=args.threads)


def fitted_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Least-squares slope of y against x (of log y against log x: a log-log slope)."""
    import numpy as np

    return float(np.polyfit(np.asarray(x, dtype=float), np.asarray(y, dtype=float), 1)[0])
