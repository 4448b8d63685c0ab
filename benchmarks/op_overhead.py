"""Per-op overhead: minitorch_ref against torch eager on the CPU, in one run.

Small ops (a (3, 4) tensor) measure what each library adds around the arithmetic: argument
handling, dtype promotion, wrapping the result, recording the graph. Matmul forward+backward
at growing sizes shows where the arithmetic takes over (NumPy and torch both call a BLAS).
The full run adds `torch.compile` (the same computation as a compiled function; compile time
not counted): on the CPU a compiled call has its own guard and launch overhead, so tiny ops
are not where compilation pays.

    python -m benchmarks.op_overhead [--quick]

Ratios are minitorch_ref time / torch time from the same run (below 1: minitorch_ref is faster).
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

import torch

import minitorch_ref as mt
from benchmarks.common import measure, write_report


def small_ops(lib: Any) -> dict[str, Callable[[], Any]]:
    """The per-op cases on (3, 4) float32 tensors, built with `lib`."""
    a, b = lib.rand(3, 4), lib.rand(3, 4)
    ag, bg = lib.rand(3, 4, requires_grad=True), lib.rand(3, 4, requires_grad=True)
    return {
        "a + b": lambda: a + b,
        "a + b (requires_grad)": lambda: ag + bg,
        "a * 2": lambda: a * 2,
        "relu(a)": lambda: lib.relu(a),
        "a.sum()": lambda: a.sum(),
        "(a * b).sum().backward()": lambda: (ag * bg).sum().backward(),
    }


def matmul_step(lib: Any, n: int) -> Callable[[], Any]:
    """`(x @ w).sum().backward()` for n x n matrices: one forward and two backward matmuls."""
    x, w = lib.rand(n, n), lib.rand(n, n, requires_grad=True)

    def step() -> None:
        w.grad = None
        (x @ w).sum().backward()

    return step


def compiled_small_ops() -> dict[str, Callable[[], Any]]:
    """The same small cases, each as a `torch.compile`d function of its tensors."""
    a, b = torch.rand(3, 4), torch.rand(3, 4)
    ag, bg = torch.rand(3, 4, requires_grad=True), torch.rand(3, 4, requires_grad=True)
    add = torch.compile(lambda x, y: x + y, dynamic=False)
    add_grad = torch.compile(lambda x, y: x + y, dynamic=False)
    times2 = torch.compile(lambda x: x * 2, dynamic=False)
    relu = torch.compile(lambda x: torch.relu(x), dynamic=False)
    total = torch.compile(lambda x: x.sum(), dynamic=False)
    product_sum = torch.compile(lambda x, y: (x * y).sum(), dynamic=False)
    return {
        "a + b": lambda: add(a, b),
        "a + b (requires_grad)": lambda: add_grad(ag, bg),
        "a * 2": lambda: times2(a),
        "relu(a)": lambda: relu(a),
        "a.sum()": lambda: total(a),
        "(a * b).sum().backward()": lambda: product_sum(ag, bg).backward(),
    }


def compiled_matmul_step(n: int) -> Callable[[], Any]:
    x, w = torch.rand(n, n), torch.rand(n, n, requires_grad=True)
    forward = torch.compile(lambda x, w: (x @ w).sum(), dynamic=False)

    def step() -> None:
        w.grad = None
        forward(x, w).backward()

    return step


def _time(fn: Callable[[], Any], quick: bool, heavy: bool) -> float:
    """Median seconds per call; small ops are batched so that a sample lasts a few milliseconds."""
    if heavy:
        return measure(fn, warmup=1, repeat=3 if quick else 7).median_s
    return measure(fn, warmup=200, repeat=5 if quick else 15, number=2_000 if quick else 10_000).median_s


def run(quick: bool = False, out_dir: Path | None = None) -> list[dict[str, Any]]:
    rows = []
    cases = {lib: small_ops(lib) for lib in (mt, torch)}
    compiled = {} if quick else compiled_small_ops()
    for name in cases[mt]:
        ours, theirs = (_time(cases[lib][name], quick, heavy=False) for lib in (mt, torch))
        rows.append({"op": name, "shape": "3x4", "minitorch_ref_us": ours * 1e6, "torch_us": theirs * 1e6,
                     "ratio": ours / theirs,
                     "torch_compile_us": _time(compiled[name], quick, heavy=False) * 1e6 if compiled else None})
    for n in (4, 64, 256) if quick else (4, 64, 256, 1024):
        ours, theirs = (_time(matmul_step(lib, n), quick, heavy=n >= 256) for lib in (mt, torch))
        rows.append({"op": "matmul fwd+bwd", "shape": f"{n}x{n}", "minitorch_ref_us": ours * 1e6,
                     "torch_us": theirs * 1e6, "ratio": ours / theirs,
                     "torch_compile_us": None if quick else
                     _time(compiled_matmul_step(n), quick, heavy=n >= 256) * 1e6})

    def plot(png: Path) -> None:
        import matplotlib.pyplot as plt

        labels = [f"{r['op']} {r['shape']}" for r in rows]
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
        ax.barh(labels, [r["ratio"] for r in rows], color=["tab:green" if r["ratio"] <= 1 else "tab:orange"
                                                            for r in rows])
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("minitorch_ref time / torch eager time (log scale; < 1 is faster)")
        ax.invert_yaxis()
        fig.tight_layout()
        fig.savefig(png, dpi=120)
        plt.close(fig)

    notes = [f"torch {torch.__version__} eager, {torch.get_num_threads()} threads; CPU only",
             "small ops: median of batched calls; matmul: median of single steps",
             "ratio: minitorch_ref / torch eager; torch_compile_us: torch.compile'd function, compile time excluded "
             "(full run only)"]
    write_report("op_overhead" + ("_quick" if quick else ""), rows, out_dir=out_dir, notes=notes, plot=plot,
                 columns=["op", "shape", "minitorch_ref_us", "torch_us", "ratio", "torch_compile_us"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 1024x1024 case (about 20 s)")
    run(quick=parser.parse_args().quick)


if __name__ == "__main__":
    main()
