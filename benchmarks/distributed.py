"""Training across processes: documents per second with 1 and 2 processes (DDP, gloo, CPU).

    python -m benchmarks.distributed [--data-dir DIR] [--epochs N] [--max-procs N] [--quick]

Each row runs the real command line in a fresh process tree and reads the epoch times that
`train` records in `history.json` (so start-up, tokenization and the final save are left
out; each epoch includes its validation pass):

- `python -m torch_impl train` (one process, no DDP: the baseline);
- `torchrun --standalone --nproc_per_node=N -m torch_impl train` for N = 1, 2, ... (DDP on
  gloo; N = 1 shows DDP's own cost). All runs see the same global batches of 64.

Data: AG_NEWS `train.csv` (120,000 rows) when present in `--data-dir`, else
`train_first10000.csv`, else the built-in synthetic corpus. Each process gets one CPU
thread. On a machine with 2 cores, 2 processes can at best double the throughput, and
any other load on the machine falls straight on the ratio: publish figures from an idle
machine. `--quick` (smoke run): synthetic data, 1 epoch, 1 and 2 processes only, report in
the git-ignored `benchmarks/results/local/quick/`.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as a plain script
    sys.path.insert(0, str(ROOT))

from benchmarks import common
from benchmarks.common import write_report
from course.paths import ag_news_dir


def dataset_args(data_dir: Path | None, quick: bool) -> tuple[list[str], str]:
    """The `train` options selecting the data, and a note saying which rows they are."""
    folder = Path(data_dir) if data_dir is not None else ag_news_dir()
    if quick or not (folder / "test.csv").is_file():
        return ["--dataset", "synthetic"], "built-in synthetic corpus (12,000 train rows): AG_NEWS not found" \
            if not quick else "built-in synthetic corpus (12,000 train rows; --quick)"
    name = "train.csv" if (folder / "train.csv").is_file() else "train_first10000.csv"
    return ["--dataset", "ag_news", "--data-dir", str(folder)], f"AG_NEWS {name} from {folder}"


def run_training(processes: int | None, data: list[str], epochs: int, out: Path, timeout: float) -> dict:
    """One `train` run (`processes=None`: plain, no torchrun); its history and wall time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    launcher = [sys.executable] if processes is None else \
        [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]
    command = [*launcher, "-m", "torch_impl", "train", *data, "--epochs", str(epochs), "--threads", "1",
               "--no-progress", "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{' '.join(command[:6])}... exited {done.returncode}: {' | '.join(tail)}")
    summary = json.loads((out / "history.json").read_text())
    return {"history": summary["history"], "wall_s": time.perf_counter() - start, "test": summary["test"]}


def run(quick: bool = False, out_dir: Path | None = None, data_dir: Path | None = None,
        epochs: int | None = None, max_procs: int = 2) -> list[dict]:
    """Measure every variant; write `distributed.json/.md/.png`; return the rows."""
    data, data_note = dataset_args(data_dir, quick)
    epochs = epochs or (1 if quick else 3)
    variants: list[tuple[str, int | None]] = [("one process (no DDP)", None)]
    variants += [(f"torchrun {n} process{'es' if n > 1 else ''} (DDP, gloo)", n)
                 for n in range(1 if not quick else 2, max_procs + 1)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-ddp-") as tmp:
        for label, processes in variants:
            print(f"{label} ...", flush=True)
            result = run_training(processes, data, epochs, Path(tmp) / str(processes), timeout=3000)
            # The first epoch includes warm-up (allocations, DDP's first buckets): left out if there are more.
            seconds = [r["seconds"] for r in result["history"]][1 if epochs > 1 else 0:]
            rows.append({"variant": label, "processes": processes or 1, "epochs_timed": len(seconds),
                         "median_epoch_s": statistics.median(seconds), "min_epoch_s": min(seconds),
                         "max_epoch_s": max(seconds), "test_acc": result["test"]["accuracy"],
                         "final_train_loss": result["history"][-1]["train_loss"]})
    train_docs = _train_docs(data)
    for row in rows:
        row["train_docs"] = train_docs
        row["docs_per_s"] = train_docs / row["median_epoch_s"]
    base = rows[0]["docs_per_s"]
    for row in rows:
        row["speedup"] = row["docs_per_s"] / base
    notes = [
        f"data: {data_note}; {train_docs:,} training documents per epoch (95% of the split), batches of 64 "
        "(global), one CPU thread per process; epoch time from history.json (validation included), median of "
        f"epochs 2..{epochs}" if epochs > 1 else f"data: {data_note}; {train_docs:,} training documents, 1 epoch",
        f"machine: {os.cpu_count()} CPUs; other programs running at the same time change the ratio: "
        "publish figures from an idle machine",
        "2 processes give the same weights as 1 (float tolerance): tests/test_torch_impl_distributed.py",
    ]
    out_dir = out_dir or (common.RESULTS_DIR / "local" / "quick" if quick else None)
    write_report("distributed", rows, out_dir=out_dir, notes=notes, plot=lambda path: _plot(rows, path),
                 columns=["variant", "processes", "train_docs", "epochs_timed", "median_epoch_s", "min_epoch_s",
                          "max_epoch_s", "docs_per_s", "speedup", "test_acc", "final_train_loss"])
    return rows


def _train_docs(data: list[str]) -> int:
    """Training documents per epoch: the 95% split of the train rows, as `run_recipe` makes it."""
    from torch_impl.training import dataset_splits

    dataset = data[data.index("--dataset") + 1]
    folder = data[data.index("--data-dir") + 1] if "--data-dir" in data else None
    train_rows, _ = dataset_splits(dataset, folder)
    return int(sum(1 for _ in train_rows) * 0.95)


def _plot(rows: list[dict], path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    ax.barh([r["variant"] for r in rows], [r["docs_per_s"] for r in rows])
    ax.set_xlabel("training documents per second (higher is better)")
    ax.invert_yaxis()
    figure.tight_layout()
    figure.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="AG_NEWS folder (default ../shared/data/ag_news)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run (default 3; the first is not timed)")
    parser.add_argument("--max-procs", type=int, default=2, help="largest number of processes (default 2)")
    parser.add_argument("--quick", action="store_true", help="synthetic data, 1 epoch: a smoke run")
    parser.add_argument("--out-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    run(args.quick, args.out_dir, args.data_dir, args.epochs, args.max_procs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
