"""The whole benchmark suite in one command, with one combined summary.

    python -m benchmarks.run_all [--quick] [--out-dir DIR] [--data-dir DIR] [--threads N] [--only NAME ...]

Runs, in this order: op_overhead (per-op overhead), text_pipeline (tokenize / vocabulary /
batches against torchtext's recorded figures), large_data (peak memory and
throughput of the text pipeline against dataset size), training (epochs, vocabulary size, memory),
scaling (step time against the work), memory_primitives (the gather and the sparse update
under a step, NumPy against torch, out of and in the caches), tutorial_recipe (the full recipe end to end),
random_numbers (rand/randn of 1M elements, bit-identical to torch's), distributed
(documents per second with 1 and 2 processes under torchrun) and,
when a CUDA GPU is present, gpu_check (skipped with a note otherwise). Every script writes
its own `<name>.json/.md/.png` (median, spread, peak memory, ratios measured side by side
in that run); this one adds `SUMMARY.md` and `summary.json`: the machine, torch and NumPy
versions, each script's status and wall time, and every table.

`--quick` (CI smoke use): each script's quick mode (fewer repeats, smaller sizes, a
subset of rows), written to `benchmarks/results/local/quick/` unless `--out-dir` is given.
A failing script is reported in the summary (with its error) and the others still run;
the exit status is 1 if any failed.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks import common
from benchmarks.common import load_average, machine_info, markdown_table

SCRIPTS = ("op_overhead", "text_pipeline", "large_data", "training", "scaling", "memory_primitives", "tutorial_recipe",
           "random_numbers", "distributed", "gpu_check")
QUICK_DIR = common.RESULTS_DIR / "local" / "quick"


def cuda_available() -> bool:
    try:
        import torch

        return torch.cuda.is_available()
    except ImportError:
        return False


def call_script(name: str, quick: bool, out_dir: Path, data_dir: Path | None, threads: int | None) -> None:
    """Run `benchmarks.<name>` through its function API, whichever its author wrote.

    `run(quick=..., out_dir=..., ...)` (if it has such a `run`) gets the keyword arguments
    it accepts; otherwise
    `main(argv)` gets the command-line flags it understands. Reports that a script writes
    without an explicit folder go to `benchmarks.common.RESULTS_DIR`, which points at
    `out_dir` for the duration of the call.
    """
    module = importlib.import_module(f"benchmarks.{name}")
    offered = {"quick": quick, "out_dir": out_dir, "data_dir": data_dir, "threads": threads}
    saved_dir = common.RESULTS_DIR
    common.RESULTS_DIR = out_dir
    try:
        run_function = getattr(module, "run", None)
        accepted = inspect.signature(run_function).parameters if callable(run_function) else {}
        if "quick" in accepted:
            module.run(**{k: v for k, v in offered.items() if k in accepted and (v is not None or k == "quick")})
            return
        source = inspect.getsource(module)  # which flags its argument parser declares
        flags = {"--quick": quick, "--out-dir": out_dir, "--data-dir": data_dir, "--threads": threads}
        argv = []
        for flag, value in flags.items():
            if value in (None, False) or f'"{flag}"' not in source:
                continue
            argv += [flag] if value is True else [flag, str(value)]
        try:
            status = module.main(argv) if inspect.signature(module.main).parameters else module.main()
        except SystemExit as exit_:
            status = exit_.code
        if status not in (None, 0):
            raise RuntimeError(f"benchmarks.{name}.main({argv}) returned {status}")
    finally:
        common.RESULTS_DIR = saved_dir


def file_versions(out_dir: Path) -> dict[Path, int]:
    """Each file in `out_dir` with its modification time (to tell which reports a script wrote)."""
    return {path: path.stat().st_mtime_ns for path in out_dir.iterdir() if path.is_file()}


def reports_written(out_dir: Path, before: dict[Path, int]) -> list[dict[str, Any]]:
    """The JSON reports in `out_dir` that are new or changed since `before`, with their plots."""
    now = file_versions(out_dir)
    changed = {path for path, mtime in now.items() if before.get(path) != mtime}
    reports = []
    for path in sorted(p for p in changed if p.suffix == ".json" and p.name != "summary.json"):
        payload = json.loads(path.read_text())
        payload["file"] = path.name
        payload["plot"] = path.with_suffix(".png").name if path.with_suffix(".png") in changed else None
        reports.append(payload)
    return reports


def run(quick: bool = False, out_dir: Path | None = None, data_dir: Path | None = None,
        threads: int | None = None, only: list[str] | None = None) -> dict[str, Any]:
    """Run the suite; write `summary.json` and `SUMMARY.md` in `out_dir`; return the summary."""
    out_dir = Path(out_dir or (QUICK_DIR if quick else common.RESULTS_DIR))
    out_dir.mkdir(parents=True, exist_ok=True)
    scripts = [s for s in SCRIPTS if not only or s in only]
    summary: dict[str, Any] = {"quick": quick, "machine": machine_info(), "scripts": []}
    for name in scripts:
        entry: dict[str, Any] = {"script": name, "status": "ok", "wall_s": 0.0, "note": "", "reports": []}
        summary["scripts"].append(entry)
        if name == "gpu_check" and not cuda_available():
            entry.update(status="skipped", note="no CUDA GPU on this machine (torch.cuda.is_available() is False)")
            print(f"\n=== {name}: skipped ({entry['note']})")
            continue
        print(f"\n=== {name}{' (quick)' if quick else ''}", flush=True)
        before, start = file_versions(out_dir), time.perf_counter()
        try:
            call_script(name, quick, out_dir, data_dir, threads)
        except Exception as error:  # noqa: BLE001 - one broken script must not hide the others' figures
            entry.update(status="failed", note=f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}")
            traceback.print_exc()
        entry["wall_s"] = time.perf_counter() - start
        entry["load_1min"] = (load_average() or [None])[0]
        entry["reports"] = reports_written(out_dir, before)
        if entry["status"] == "ok" and not entry["reports"]:
            entry.update(status="failed", note="finished but wrote no report")
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    (out_dir / "SUMMARY.md").write_text(summary_markdown(summary))
    print(f"\nsummary: {out_dir / 'SUMMARY.md'}")
    return summary


def summary_markdown(summary: dict[str, Any]) -> str:
    """One page: machine and versions, each script's status, then every report's table and notes."""
    machine = summary["machine"]
    # load_1min: the machine's load average when the script ended; on 2 cores, above ~1 means
    # other work competed with the benchmark (ratios measured side by side still hold best).
    lines = [f"# Benchmark summary{' (--quick: smoke run, not the reported figures)' if summary['quick'] else ''}",
             "", ", ".join(f"{k}: {v}" for k, v in machine.items()), "",
             markdown_table([{"script": e["script"], "status": e["status"], "wall_s": e["wall_s"],
                              "load_1min": e.get("load_1min"), "reports": ", ".join(r["file"] for r in e["reports"]), "note": e["note"]}
                             for e in summary["scripts"]])]
    for entry in summary["scripts"]:
        for report in entry["reports"]:
            lines += ["", f"## {report.get('benchmark', report['file'])} ({entry['script']})", "",
                      markdown_table(report.get("rows", []))]
            lines += [f"- {note}" for note in report.get("notes", [])]
            if report["plot"]:
                lines += ["", f"![{report['plot']}]({report['plot']})"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every script's quick mode (CI smoke run)")
    parser.add_argument("--out-dir", type=Path, default=None,
                        help="where results go (default benchmarks/results, or benchmarks/results/local/quick)")
    parser.add_argument("--data-dir", type=Path, default=None, help="AG_NEWS folder (default: ../shared/data/ag_news)")
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads, where a script takes it")
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, help="run only these scripts")
    args = parser.parse_args(argv)
    summary = run(args.quick, args.out_dir, args.data_dir, args.threads, args.only)
    return 1 if any(e["status"] == "failed" for e in summary["scripts"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
