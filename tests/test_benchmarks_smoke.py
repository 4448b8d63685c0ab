"""Smoke test of the benchmark suite: `run_all --quick` runs end to end and writes sane reports.

It checks behaviour only (every script ran, every file is there, every figure is a
positive finite number, the graph of a minitorch_ref step is freed). It never asserts a
timing target: benchmarks report those, tests do not (timings depend on the machine).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from benchmarks import run_all

COURSE_MODELS = {"LinearRegressionModel", "SimpleNN", "TextClassifier", "TextClassificationModel"}
TIMING_PREFIXES = ("median", "min_", "max_")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("benchmarks")
    summary = run_all.run(quick=True, out_dir=out_dir, threads=1)
    return out_dir, summary


def load(out_dir, name):
    return json.loads((out_dir / f"{name}.json").read_text())


@pytest.mark.slow
def test_every_script_ran_and_the_summary_lists_it(quick_run):
    out_dir, summary = quick_run
    statuses = {entry["script"]: entry["status"] for entry in summary["scripts"]}
    assert set(statuses) == set(run_all.SCRIPTS)
    expected_gpu = "ok" if run_all.cuda_available() else "skipped"
    assert statuses.pop("gpu_check") == expected_gpu
    failed = {e["script"]: e["note"] for e in summary["scripts"] if e["status"] == "failed"}
    assert not failed, failed
    assert all(status == "ok" for status in statuses.values())

    markdown = (out_dir / "SUMMARY.md").read_text()
    for name in run_all.SCRIPTS:
        assert name in markdown
    on_disk = json.loads((out_dir / "summary.json").read_text())
    assert on_disk["machine"]["numpy"] and on_disk["machine"]["torch"]
    import torch  # (the processor and torch's kernel build: ratios move with them from machine to machine)
    assert on_disk["machine"]["torch_cpu_kernels"] == torch.backends.cpu.get_cpu_capability()
    assert on_disk["machine"]["processor"] not in ("", on_disk["machine"]["machine"]) or not Path("/proc/cpuinfo").exists()
    load_average = on_disk["machine"]["load_average"]  # how busy the machine was, for the reader
    assert len(load_average) == 3 and all(x >= 0 for x in load_average)
    assert all(e["load_1min"] >= 0 for e in on_disk["scripts"] if e["status"] != "skipped")
    assert on_disk["quick"] is True


@pytest.mark.slow
def test_every_report_has_rows_markdown_and_sane_numbers(quick_run):
    out_dir, summary = quick_run
    reports = [report for entry in summary["scripts"] for report in entry["reports"]]
    assert reports
    for report in reports:
        name = report["file"].removesuffix(".json")
        assert report["rows"], name
        assert (out_dir / f"{name}.md").read_text().count("\n|") >= len(report["rows"]) + 1, name
        if report["plot"]:
            assert (out_dir / report["plot"]).stat().st_size > 0
        for row in report["rows"]:
            for key, value in row.items():
                if isinstance(value, float):
                    assert math.isfinite(value), (name, key, row)
                if key.startswith(TIMING_PREFIXES) and value is not None:
                    assert value > 0, (name, key, row)


@pytest.mark.slow
def test_training_reports_cover_every_model_on_both_backends(quick_run):
    out_dir, _ = quick_run
    rows = load(out_dir, "training")["rows"]
    assert {r["model"] for r in rows} == COURSE_MODELS
    for model in COURSE_MODELS:
        variants = {r["variant"] for r in rows if r["model"] == model}
        assert any(v.startswith("minitorch_ref") for v in variants), (model, variants)
        assert any(v.startswith("torch eager") for v in variants), (model, variants)
    # Same batches, same initial weights: both backends see the same first-epoch loss.
    for model in COURSE_MODELS:
        losses = [r["first_epoch_loss"] for r in rows if r["model"] == model]
        assert max(losses) - min(losses) < 1e-3 * max(1.0, abs(losses[0])), (model, losses)
    for name in ("training.png", "training_phases.png", "training_vocab.png", "scaling.png"):
        assert (out_dir / name).stat().st_size > 0

    # The SimpleNN step split into phases, on both backends; the phases add up to the whole step.
    phases = load(out_dir, "training_phases")["rows"]
    for backend in ("torch", "minitorch_ref"):
        mine = {r["phase"]: r["median_us"] for r in phases if r["backend"] == backend}
        assert set(mine) == {"zero_grad", "forward", "loss", "backward", "optimizer step", "loss.item()",
                             "whole step"}, mine
        assert mine["whole step"] >= max(v for k, v in mine.items() if k != "whole step") > 0

    vocab = load(out_dir, "training_vocab")["rows"]
    assert {r["variant"] for r in vocab} >= {"minitorch_ref", "torch eager (sparse=True)"}
    assert len({r["vocab_size"] for r in vocab}) >= 2

    memory = load(out_dir, "training_memory")["rows"]
    freed = next(r for r in memory if r["figure"] == "graph freed")
    assert freed["graph_nodes"] > 0 and freed["nodes_alive_after_step"] == 0
    peaks = [r for r in memory if r["figure"] == "peak memory"]
    assert {r["variant"].split(" ")[0] for r in peaks} == {"torch", "minitorch_ref"}
    assert all(r["epoch_peak_bytes"] >= 0 for r in peaks)

    targets = load(out_dir, "training_targets")["rows"]
    assert len(targets) == 4 and all(isinstance(r["met"], bool) for r in targets)

    scaling = load(out_dir, "scaling")["rows"]
    assert {r["sweep"] for r in scaling} == {"doc_length", "vocab_size", "embed_dim", "batch_size"}
