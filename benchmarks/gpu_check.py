"""GPU check for torch_impl: the recipe on CUDA, torch.compile modes, DDP on nccl, ONNX, one AG_NEWS-size epoch.

    PYTHONPATH=. python benchmarks/gpu_check.py            # on a CUDA machine, under 5 minutes

1. The recipe (`run_recipe`) on CUDA for 2 epochs, on AG_NEWS if `../shared/data/ag_news`
   exists, else on the built-in synthetic corpus: eager, `compile="default"` and
   `compile="reduce-overhead"` (CUDA graphs), with test accuracy.
2. Device selection and the command line on CUDA: `--device auto` resolves to CUDA; `train
   --device cuda` in one process and under `torchrun --nproc_per_node=N --backend nccl`
   (N = number of GPUs, at most 2; NCCL needs one GPU per process), 2 epochs each on the
   synthetic corpus: documents per second, and the largest weight difference between the
   two (DDP on nccl trains the embedding with dense gradients: see torch_impl.distributed).
3. ONNX: the one-process model exported with `python -m torch_impl export`, run by
   onnxruntime with the CUDA execution provider when it has one (onnxruntime-gpu), else CPU:
   largest logit difference from torch on CUDA over the test batches.
4. One epoch the size of full AG_NEWS: 120,000 pre-tokenized documents, about 5.2M tokens,
   vocabulary 95,812, batches of 64 (1,875 steps of forward, backward, clip 0.1, SGD), timed
   after a warm-up of 200 steps that includes compilation: eager (sparse and dense
   embedding gradients), compile default, reduce-overhead. The token ids are random
   (Zipf-distributed, like words) and so are the labels: this part measures speed only.

Without CUDA it prints a message and exits with status 0. `--device cpu --docs 3000` runs
the same code on CPU with a small corpus, to check the script itself (DDP then uses 2
processes on gloo; its report goes to the git-ignored `benchmarks/results/local/`). The exit
status is 1 if any check failed.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as a plain script
    sys.path.insert(0, str(ROOT))

from benchmarks import common
from benchmarks.common import write_report
from course.paths import ag_news_dir
from torch_impl.models import TextClassificationModel
from torch_impl.text import EncodedCorpus
from torch_impl.training import (
    TrainConfig,
    compile_model,
    prepare_data,
    resolve_device,
    run_recipe,
    train,
)

AG_NEWS_TRAIN_DOCS = 120_000
AG_NEWS_VOCAB = 95_812
BUDGET_S = 270  # stop starting new rows after this, to stay under 5 minutes


def synthetic_encoded_corpus(num_docs: int, vocab_size: int, seed: int = 0) -> EncodedCorpus:
    """Documents of 20-66 tokens (mean 43, as AG_NEWS), Zipf-distributed ids, random labels."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(20, 67, size=num_docs)
    doc_offsets = np.zeros(num_docs + 1, dtype=np.int64)
    np.cumsum(lengths, out=doc_offsets[1:])
    ids = (rng.zipf(1.2, size=int(doc_offsets[-1])) - 1) % vocab_size
    return EncodedCorpus(ids.astype(np.int64), doc_offsets, rng.integers(0, 4, size=num_docs).astype(np.int64))


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def recipe_rows(device: str, deadline: float) -> list[dict]:
    data_dir = ag_news_dir()
    dataset = "ag_news" if (data_dir / "test.csv").is_file() else "synthetic"
    data = prepare_data(dataset, data_dir if dataset == "ag_news" else None)
    rows = []
    for mode in (None, "default", "reduce-overhead"):
        if time.perf_counter() > deadline:
            rows.append({"check": f"recipe 2 epochs, compile={mode}", "result": "skipped (time budget)"})
            continue
        start = time.perf_counter()
        try:
            result = run_recipe(data, TrainConfig(epochs=2, device=device, compile=mode, progress=False))
            sync(device)
            seconds = [round(r["seconds"], 2) for r in result.history]
            rows.append({"check": f"recipe 2 epochs on {dataset}, compile={mode or 'eager'}",
                         "result": f"ok: test acc {result.test.accuracy:.4f}, epoch s {seconds}, "
                                   f"total {time.perf_counter() - start:.1f} s"})
        except Exception as error:  # noqa: BLE001 - report every failure, keep going
            rows.append({"check": f"recipe 2 epochs, compile={mode}", "result": _failure(error)})
    return rows


def cli_rows(device: str, deadline: float, work_dir: Path) -> list[dict]:
    """`--device auto`, `train` on `device` in one process and under torchrun (nccl on CUDA), then ONNX."""
    from benchmarks.distributed import run_training

    rows = []
    auto = resolve_device("auto")
    rows.append({"check": "device auto", "result": f"ok: {auto}" if auto.type == device.split(":")[0]
                 else f"FAILED: auto resolved to {auto}, expected {device}"})
    on_cuda = device.startswith("cuda")
    processes = max(1, min(2, torch.cuda.device_count())) if on_cuda else 2
    backend = "nccl" if on_cuda else "gloo"
    data = ["--dataset", "synthetic", "--device", device]
    runs = {}
    for label, nproc, extra in (("one process", None, []), (f"torchrun {processes} x {backend}", processes,
                                                            ["--backend", backend])):
        check = f"train --device {device} 2 epochs, {label}"
        if time.perf_counter() > deadline:
            rows.append({"check": check, "result": "skipped (time budget)"})
            continue
        try:
            result = run_training(nproc, data + extra, 2, work_dir / label.replace(" ", "_"), timeout=240)
            docs = 11_400  # 95% of the synthetic corpus's 12,000 training rows
            runs[label] = work_dir / label.replace(" ", "_")
            rows.append({"check": check, "result": f"ok: {docs / result['history'][-1]['seconds']:,.0f} docs/s "
                                                   f"(epoch 2), test acc {result['test']['accuracy']:.4f}"})
        except Exception as error:  # noqa: BLE001 - report every failure, keep going
            rows.append({"check": check, "result": _failure(error)})
    if len(runs) == 2:
        from safetensors.torch import load_file

        first, second = (load_file(folder / "pretrained" / "model.safetensors") for folder in runs.values())
        worst = max((first[k] - second[k]).abs().max().item() for k in first)
        rows.append({"check": f"DDP ({backend}) weights vs one process", "result":
                     f"{'ok' if worst < 1e-4 else 'FAILED'}: max abs difference {worst:.2e}"})
    rows.append(onnx_row(device, runs.get("one process")))
    return rows


def onnx_row(device: str, run_dir: Path | None) -> dict:
    """Export the trained model, run it with onnxruntime (CUDA provider if present), compare logits."""
    from torch_impl import export as onnx_export

    missing = onnx_export.missing_onnx_packages()
    if missing or run_dir is None:
        why = f"{', '.join(missing)} not installed" if missing else "no trained model (see above)"
        return {"check": "ONNX export + onnxruntime", "result": f"skipped ({why})"}
    try:
        from torch_impl.hub import from_pretrained

        path = onnx_export.export_pretrained(run_dir / "pretrained", run_dir / "model.onnx")["path"]
        providers = onnx_export.default_providers()
        onnx_model = onnx_export.OnnxModel(path, providers=providers)
        model = from_pretrained(run_dir / "pretrained", map_location=device).model
        test = prepare_data("synthetic", vocab=onnx_model.text_metadata()[0]).test
        worst = 0.0
        start = time.perf_counter()
        with torch.no_grad():
            for _, text, offsets in test.batches(64):
                text, offsets = torch.from_numpy(text), torch.from_numpy(offsets)
                expected = model(text.to(device), offsets.to(device)).cpu()
                worst = max(worst, (onnx_model(text, offsets) - expected).abs().max().item())
        used = onnx_model.session.get_providers()[0]
        return {"check": f"ONNX export + onnxruntime ({used})",
                "result": f"{'ok' if worst < 1e-4 else 'FAILED'}: max |logit difference| {worst:.2e} over "
                          f"{len(test)} test rows, {time.perf_counter() - start:.2f} s"}
    except Exception as error:  # noqa: BLE001 - report every failure, keep going
        return {"check": "ONNX export + onnxruntime", "result": _failure(error)}


def epoch_rows(device: str, num_docs: int, deadline: float) -> list[dict]:
    corpus = synthetic_encoded_corpus(num_docs, AG_NEWS_VOCAB)
    batches = [tuple(torch.from_numpy(a).to(device) for a in b) for b in corpus.batches(64)]
    sync(device)
    warmup = batches[:200]
    rows = []
    for sparse, mode in ((True, None), (False, None), (True, "default"), (True, "reduce-overhead")):
        label = f"epoch {num_docs:,} docs / {int(corpus.doc_offsets[-1]):,} tokens, sparse={sparse}, " \
                f"compile={mode or 'eager'}"
        if time.perf_counter() > deadline:
            rows.append({"check": label, "result": "skipped (time budget)"})
            continue
        try:
            torch.manual_seed(0)
            model = TextClassificationModel(AG_NEWS_VOCAB, 64, 4, sparse=sparse).to(device)
            step_model = compile_model(model, mode)
            optimizer = torch.optim.SGD(model.parameters(), lr=5)
            criterion = nn.CrossEntropyLoss()
            start = time.perf_counter()
            train(warmup, step_model, criterion, optimizer, clip_norm=0.1, device=device)
            sync(device)
            warm_s = time.perf_counter() - start
            start = time.perf_counter()
            train(batches, step_model, criterion, optimizer, clip_norm=0.1, device=device)
            sync(device)
            epoch_s = time.perf_counter() - start
            rows.append({"check": label, "result": f"ok: {epoch_s:.2f} s/epoch, {1e3 * epoch_s / len(batches):.3f} "
                                                   f"ms/step (warm-up {warm_s:.1f} s)"})
        except Exception as error:  # noqa: BLE001 - report every failure, keep going
            rows.append({"check": label, "result": _failure(error)})
    return rows


def _failure(error: Exception) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    traceback.print_exc(limit=3)
    return f"FAILED: {type(error).__name__}: {lines[0][:200] if lines else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--docs", type=int, default=AG_NEWS_TRAIN_DOCS, help="documents in the timed epoch")
    args = parser.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("gpu_check: no CUDA device here (torch.cuda.is_available() is False); nothing to check.")
        return 0
    start = time.perf_counter()
    deadline = start + BUDGET_S
    name = torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "cpu"
    print(f"torch {torch.__version__}, device {args.device} ({name}), python {sys.version.split()[0]}", flush=True)
    rows = recipe_rows(args.device, deadline)
    with tempfile.TemporaryDirectory(prefix="gpu-check-") as tmp:
        rows += cli_rows(args.device, deadline, Path(tmp))
    for row in rows:
        print(f"{row['check']}: {row['result']}", flush=True)
    more = epoch_rows(args.device, args.docs, deadline)
    rows += more
    print()
    # A CPU run only checks this script: its report goes to the git-ignored results/local/.
    out_dir = None if args.device.startswith("cuda") else common.RESULTS_DIR / "local"
    write_report("gpu_check", rows, out_dir=out_dir, columns=["check", "result"],
                 notes=[f"device: {name}; total {time.perf_counter() - start:.0f} s"])
    return 1 if any(r["result"].startswith("FAILED") for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
