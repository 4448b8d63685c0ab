"""The tutorial's full recipe on AG_NEWS, end to end: ours versus the recipe as written.

    python -m benchmarks.tutorial_recipe [--data-dir DIR] [--quick]

Both rows do the whole job on CPU: read the CSV files, tokenize, build the vocabulary,
train 10 epochs (batch 64, SGD lr=5, clip 0.1, StepLR on falling validation accuracy, 95/5
split) and evaluate on the 7,600 test rows.

- "as written": the tutorial's code, with `collate_batch` re-tokenizing every batch of every
  epoch inside a `DataLoader`, torch's `clip_grad_norm_`, and `sparse=False` (with the
  tutorial's `sparse=True`, torch >= 2.0 raises in `clip_grad_norm_`).
- "torch_impl": `run_recipe`: one tokenization pass (`EncodedCorpus`), `sparse=True` with
  `torch_impl.clip_grad_norm_`, one CPU thread.

Then the time of one training step (forward, backward, clip, SGD) eager and under
`torch.compile` on CPU, and on CUDA (eager, compile, reduce-overhead) when there is a GPU.
`--quick` runs 2 epochs, one repeat and no compile rows (a smoke run, not the reported
figures; its report goes to the git-ignored `benchmarks/results/local/quick/`).
"""
from __future__ import annotations

import argparse
import functools
import tempfile
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, random_split

from benchmarks import common
from benchmarks.common import measure, write_report
from course.paths import ag_news_dir
from torch_impl.models import TextClassificationModel
from torch_impl.text import (
    AG_NEWS,
    build_vocab_from_iterator,
    collate_batch,
    get_tokenizer,
    to_map_style_dataset,
    write_synthetic_csv,
)
from torch_impl.training import (
    TrainConfig,
    compile_model,
    cpu_threads,
    prepare_data,
    run_recipe,
    train,
)


def recipe_as_written(data_dir: Path, epochs: int) -> float:
    """The tutorial, step for step (logging left out); returns the test accuracy."""
    tokenizer = get_tokenizer("basic_english")
    train_iter = AG_NEWS(root=data_dir, split="train")

    def yield_tokens(data_iter):
        for _, text in data_iter:
            yield tokenizer(text)

    vocab = build_vocab_from_iterator(yield_tokens(train_iter), specials=["<unk>"])
    vocab.set_default_index(vocab["<unk>"])
    collate = functools.partial(collate_batch, vocab=vocab, tokenizer=tokenizer)

    model = TextClassificationModel(len(vocab), 64, 4, sparse=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)

    def train_epoch(dataloader):
        model.train()
        for label, text, offsets in dataloader:
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()

    def evaluate(dataloader):
        model.eval()
        total_acc, total_count = 0, 0
        with torch.no_grad():
            for label, text, offsets in dataloader:
                predicted_label = model(text, offsets)
                total_acc += (predicted_label.argmax(1) == label).sum().item()
                total_count += label.size(0)
        return total_acc / total_count

    train_dataset = to_map_style_dataset(AG_NEWS(root=data_dir, split="train"))
    test_dataset = to_map_style_dataset(AG_NEWS(root=data_dir, split="test"))
    num_train = int(len(train_dataset) * 0.95)
    split_train_, split_valid_ = random_split(train_dataset, [num_train, len(train_dataset) - num_train])
    train_dataloader = DataLoader(split_train_, batch_size=64, shuffle=True, collate_fn=collate)
    valid_dataloader = DataLoader(split_valid_, batch_size=64, shuffle=True, collate_fn=collate)
    test_dataloader = DataLoader(test_dataset, batch_size=64, shuffle=True, collate_fn=collate)

    total_accu = None
    for _ in range(epochs):
        train_epoch(train_dataloader)
        accu_val = evaluate(valid_dataloader)
        if total_accu is not None and total_accu > accu_val:
            scheduler.step()
        else:
            total_accu = accu_val
    return evaluate(test_dataloader)


def recipe_torch_impl(data_dir: Path, epochs: int) -> float:
    data = prepare_data("ag_news", data_dir)
    return run_recipe(data, TrainConfig(epochs=epochs, progress=False)).test.accuracy


def _train_pass(batches, step_model, optimizer, device: str) -> None:
    train(batches, step_model, nn.CrossEntropyLoss(), optimizer, clip_norm=0.1, device=device)
    if device == "cuda":
        torch.cuda.synchronize()


def step_time(batches, vocab_size: int, device: str, mode: str | None, repeat: int) -> dict:
    """Seconds per training step (sparse=True, clip 0.1) of one model, eager or compiled."""
    torch.manual_seed(0)
    model = TextClassificationModel(vocab_size, 64, 4, sparse=True).to(device)
    one_pass = functools.partial(_train_pass, batches, compile_model(model, mode),
                                 torch.optim.SGD(model.parameters(), lr=5), device)
    with cpu_threads(1 if device == "cpu" else None):
        start = time.perf_counter()
        one_pass()  # includes compilation (and CUDA graph recording)
        first = time.perf_counter() - start
        m = measure(one_pass, warmup=1, repeat=repeat)
    n = len(batches)
    return {"what": f"train step, {device}, compile={mode or 'eager'}", "median_s": m.median_s / n,
            "min_s": m.min_s / n, "max_s": m.max_s / n, "first_pass_s": first, "test_acc": None}


def step_times(data_dir: Path, devices: list[str], steps: int, repeat: int,
               compile_modes: bool = True) -> tuple[list[dict], list[str]]:
    """Per-step times on the recipe's batches: eager and compile on CPU; + reduce-overhead on CUDA."""
    data = prepare_data("ag_news", data_dir)
    batches = list(data.train.batches(64))[:steps]
    rows, notes = [], []
    for device in devices:
        on_device = [tuple(torch.from_numpy(a).to(device) for a in b) for b in batches]
        modes = [None] + (["default"] if compile_modes else []) + \
            (["reduce-overhead"] if compile_modes and device == "cuda" else [])
        for mode in modes:
            try:
                rows.append(step_time(on_device, len(data.vocab), device, mode, repeat))
            except Exception as error:  # noqa: BLE001 - a missing compiler must not stop the report
                first_line = str(error).splitlines()[0] if str(error) else ""
                notes.append(f"{device} compile={mode}: failed ({type(error).__name__}: {first_line})")
    if not compile_modes:
        notes.append("--quick: torch.compile rows left out (compiling takes 5-30 s here)")
    if "cuda" not in devices:
        notes.append("CUDA rows skipped: torch.cuda.is_available() is False on this machine "
                     "(run benchmarks/gpu_check.py on a GPU machine)")
    return rows, notes


def end_to_end(fn, data_dir: Path, epochs: int, threads: int | None, repeat: int, warmup: int) -> tuple:
    """Time `fn(data_dir, epochs)` (a whole recipe); returns the measurement and the last test accuracy."""
    accuracies = []

    def run():
        torch.manual_seed(0)
        with cpu_threads(threads):
            accuracies.append(fn(data_dir, epochs))

    return measure(run, warmup=warmup, repeat=repeat), accuracies[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ag_news_dir())
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1 repeat: a smoke run")
    parser.add_argument("--out-dir", type=Path, default=None,
                        help="report folder (default benchmarks/results; with --quick, results/local/quick)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_note = f"data: AG_NEWS from {args.data_dir}"
        if not (args.data_dir / "test.csv").is_file():
            # Same code path on the built-in corpus, written in AG_NEWS's CSV format.
            args.data_dir = Path(tmp)
            write_synthetic_csv(args.data_dir, num_rows={"train": 10_000, "test": 7_600})
            data_note = ("data: AG_NEWS not found, so the synthetic corpus (10,000 / 7,600 rows) was used: "
                         "these figures are not comparable with the AG_NEWS target")
        run(args, data_note)


def run(args: argparse.Namespace, data_note: str) -> None:
    epochs = 2 if args.quick else 10
    repeat = 1 if args.quick else 3
    torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1)  # pay the optimizer's one-off imports before timing

    variants = [
        ("recipe as written (DataLoader + collate_batch, sparse=False), 1 thread", recipe_as_written, 1, 1),
        ("torch_impl.run_recipe (EncodedCorpus, sparse=True), 1 thread", recipe_torch_impl, 1, repeat),
    ]
    if not args.quick:
        variants.append((f"recipe as written, torch's default {torch.get_num_threads()} threads",
                         recipe_as_written, None, 1))
    rows = []
    for name, fn, threads, n in variants:
        warmup = 1 if fn is recipe_torch_impl else 0
        m, accuracy = end_to_end(fn, args.data_dir, epochs, threads, repeat=n, warmup=warmup)
        rows.append({"what": f"{name}, {epochs} epochs end to end", "median_s": m.median_s, "min_s": m.min_s,
                     "max_s": m.max_s, "first_pass_s": None, "test_acc": accuracy})
    speedups = [f"{row['median_s'] / rows[1]['median_s']:.1f}x" for row in rows if row is not rows[1]]

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    step_rows, notes = step_times(args.data_dir, devices, steps=50 if args.quick else 149, repeat=repeat,
                                  compile_modes=not args.quick)
    notes = [
        data_note,
        (f"end to end: torch_impl is {' / '.join(speedups)} faster than the recipe as written on 1 thread"
         f"{' / on the default threads' if len(speedups) > 1 else ''} (same run, same machine)"),
        (f"end to end = read CSV + tokenize + vocabulary + {epochs} epochs on 9,500 rows (+500 validation) "
         "+ 7,600 test rows; torch_impl's median is over runs after one warm-up (imports paid)"),
        ("step rows: seconds per training step (forward, backward, clip_grad_norm_ 0.1, SGD) on AG_NEWS batches "
         "of 64, sparse=True; first_pass_s is the first pass over the batches, compilation included"),
        *notes,
    ]
    out_dir = args.out_dir or (common.RESULTS_DIR / "local" / "quick" if args.quick else None)
    write_report("tutorial_recipe", rows + step_rows, out_dir=out_dir,
                 columns=["what", "median_s", "min_s", "max_s", "first_pass_s", "test_acc"], notes=notes)


if __name__ == "__main__":
    main()
