"""Command line: `python -m torch_impl` (or `minitorch-course`) train | evaluate | predict | push | export.

    python -m torch_impl train                        # synthetic data, offline, a few seconds
    python -m torch_impl train --dataset ag_news --data-dir ../shared/data/ag_news
    python -m torch_impl predict "Stocks fell as oil prices rose"
    python -m torch_impl evaluate
    python -m torch_impl push user/my-model
    torchrun --nproc_per_node=2 -m torch_impl train   # DistributedDataParallel (see torch_impl.distributed)
    python -m torch_impl export --model runs/synthetic --format onnx --out model.onnx
    python -m torch_impl predict --model model.onnx "Stocks fell as oil prices rose"

CSV data is encoded once and cached (`.encoded/` next to it; `--cache-dir DIR`, `--no-cache`).
`train` writes into `--out` (default `runs/<dataset>`): `checkpoint.pt` (after every epoch,
for `--resume`), `history.json`, `history.png` and `pretrained/` (a `save_pretrained`
folder that `evaluate`, `predict` and `push` read). A folder that already holds a run is
refused unless `--resume` (continue it) or `--overwrite` (delete it and start again) is given.
Expected problems (missing data, bad arguments or settings, no CUDA, damaged files, an
occupied `--out`, no network; `course.errors.CourseError` and a few others) print one line
and exit with status 2.
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

EXIT_USAGE = 2


class CLIError(Exception):
    """An expected problem with the user's input; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the full usage is in `--help`)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from torch_impl.training import COMPILE_MODES, DATASETS

    parser = _Parser(prog="minitorch-course", description="The course's text classifier on PyTorch.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dataset", choices=DATASETS, default="synthetic",
                       help="synthetic (built in, offline; default), ag_news or dbpedia")
        p.add_argument("--data-dir", type=Path, default=None,
                       help="folder with train.csv (or train_first10000.csv) and test.csv")

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--device", default="auto", help="auto (CUDA if available), cpu or cuda")
        p.add_argument("--batch-size", type=_positive_int, default=64)

    def model_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--model", type=Path, default=None,
                       help="a save_pretrained folder, or a train --out folder (default: runs/<dataset>)")

    train = commands.add_parser("train", help="train with the tutorial's recipe")
    data_options(train)
    run_options(train)
    train.add_argument("--compile", nargs="?", const="default", default=None, choices=COMPILE_MODES,
                       metavar="MODE", help=f"torch.compile the model; MODE one of {', '.join(COMPILE_MODES)}")
    train.add_argument("--epochs", type=_positive_int, default=10)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", type=Path, default=None, help="output folder (default: runs/<dataset>)")
    train.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.pt")
    train.add_argument("--overwrite", action="store_true",
                       help="delete the run already in --out (checkpoint, history, plot, pretrained/) and start again")
    train.add_argument("--no-progress", action="store_true", help="no progress bars")
    caching = train.add_mutually_exclusive_group()
    caching.add_argument("--cache-dir", type=Path, default=None,
                         help="where the encoded CSV data is cached (default: .encoded/ next to the data)")
    caching.add_argument("--no-cache", action="store_true", help="encode the CSV data again, without the cache")
    train.add_argument("--threads", type=_positive_int, default=1,
                       help="CPU threads (default 1: this model's operations are too small to split)")
    train.add_argument("--backend", choices=("auto", "gloo", "nccl"), default="auto",
                       help="process group under torchrun: auto (nccl on CUDA, gloo on CPU), gloo or nccl")

    evaluate = commands.add_parser("evaluate", help="accuracy of a trained model on the test split")
    data_options(evaluate)
    run_options(evaluate)
    model_option(evaluate)

    predict = commands.add_parser("predict", help="classify texts given on the command line")
    predict.add_argument("texts", nargs="+", metavar="TEXT")
    predict.add_argument("--dataset", choices=DATASETS, default="synthetic",
                         help="only used for the default --model folder")
    model_option(predict)  # a FILE.onnx written by `export` works too

    export = commands.add_parser("export", help="export a trained model (ONNX) for deployment")
    export.add_argument("--dataset", choices=DATASETS, default="synthetic",
                        help="only used for the default --model folder")
    model_option(export)
    export.add_argument("--format", choices=("onnx",), default="onnx")
    export.add_argument("--out", type=Path, required=True, help="the file to write, e.g. model.onnx")

    push = commands.add_parser("push", help="upload a trained model to the Hugging Face Hub")
    push.add_argument("repo_id", help="user/name on the Hub")
    push.add_argument("--dataset", choices=DATASETS, default="synthetic",
                      help="only used for the default --model folder")
    model_option(push)
    push.add_argument("--token", default=None, help="Hub token (default: HF_TOKEN or `hf auth login`)")
    push.add_argument("--private", action="store_true")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _pretrained_folder(args: argparse.Namespace) -> Path:
    """`--model` as given (a train --out folder means its `pretrained/`), or the default."""
    folder = args.model if args.model is not None else Path("runs") / args.dataset
    if (folder / "pretrained").is_dir():
        folder = folder / "pretrained"
    if not folder.is_dir():
        raise CLIError(f"no trained model at {folder} (run `python -m torch_impl train` first, or pass --model DIR)")
    return folder


# --------------------------------------------------------------------------- commands


def cmd_train(args: argparse.Namespace) -> None:
    from course.fileio import atomic_write_text
    from torch_impl.checkpoint import check_training_state
    from torch_impl.distributed import init_from_environment
    from torch_impl.hub import save_pretrained
    from torch_impl.runs import clear_run, prepare_run_folder
    from torch_impl.text import Vocab
    from torch_impl.training import (
        TrainConfig,
        format_epoch,
        plot_history,
        prepare_data,
        resolve_device,
        run_recipe,
    )

    # Fail before reading any data; under torchrun, join the process group (else one process).
    run = init_from_environment(resolve_device(args.device), args.backend)
    say = run.print  # only rank 0 prints
    out = args.out if args.out is not None else Path("runs") / args.dataset
    checkpoint_path = out / "checkpoint.pt"
    config = TrainConfig(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, device=args.device,
                         compile=args.compile, progress=not args.no_progress, cpu_threads=args.threads)
    if run.is_main:  # rank 0 alone owns the run folder (other machines need none)
        prepare_run_folder(out, resume=args.resume, overwrite=args.overwrite)  # before any data or training
    vocab = None
    if args.resume:
        saved = run.load_checkpoint(checkpoint_path, required=("epoch", "vocab", "dataset", "model", "history"))
        check_training_state(saved, checkpoint_path)
        if saved["dataset"] != args.dataset:
            raise CLIError(f"--resume: {checkpoint_path} was trained on {saved['dataset']}, not {args.dataset}")
        vocab = Vocab.from_dict(saved["vocab"])  # the same token ids as before the interruption
        say(f"resuming from {checkpoint_path} (epoch {saved['epoch']} done)")
    with warnings.catch_warnings(record=True) as problems:  # e.g. a damaged cache, rebuilt: one line each
        data = prepare_data(args.dataset, args.data_dir, vocab=vocab, cache=not args.no_cache,
                            cache_dir=args.cache_dir, progress=False if args.no_progress else None)
    for problem in problems:
        say(f"warning: {problem.message}", file=sys.stderr)
    if args.overwrite and run.is_main and (removed := clear_run(out)):
        say(f"--overwrite: deleted the previous run in {out} ({', '.join(removed)})")
    say(f"{args.dataset}: {len(data.train)} train / {len(data.test)} test rows, vocabulary {len(data.vocab)}, "
        f"device {resolve_device(args.device)}" + (f", compile={args.compile}" if args.compile else "")
        + (f", {run.world_size} processes ({run.backend})" if run.world_size > 1 else ""))

    result = run_recipe(data, config, checkpoint_path=checkpoint_path, resume=args.resume,
                        checkpoint_extra={"dataset": args.dataset}, distributed=run,
                        on_epoch_end=lambda record: say(format_epoch(record, config.epochs), flush=True))
    say(f"test accuracy {result.test.accuracy:.4f} (loss {result.test.loss:.4f}, {result.test.count} rows)")
    if not run.is_main:
        run.close()  # rank 0 alone writes the history, the plot and the model; all leave together
        return
    out.mkdir(parents=True, exist_ok=True)
    summary = {"dataset": args.dataset, "config": config.to_dict(), "history": result.history,
               "test": result.test._asdict()}
    atomic_write_text(out / "history.json", json.dumps(summary, indent=2) + "\n")
    plot_history(result.history, out / "history.png")
    save_pretrained(result.model.cpu(), out / "pretrained", vocab=data.vocab, class_names=data.class_names,
                    metrics={"test_accuracy": result.test.accuracy, "test_loss": result.test.loss})
    print(f"wrote {checkpoint_path}, {out / 'history.json'}, {out / 'history.png'}, {out / 'pretrained'}/")
    run.close()


def cmd_evaluate(args: argparse.Namespace) -> None:
    from torch import nn

    from torch_impl.hub import from_pretrained
    from torch_impl.text import CLASS_NAMES, EncodedCorpus, get_tokenizer
    from torch_impl.training import dataset_splits, evaluate, resolve_device

    device = resolve_device(args.device)
    folder = _pretrained_folder(args)
    loaded = from_pretrained(folder, map_location=device)
    if loaded.vocab is None:
        raise CLIError(f"{folder}: has no vocabulary, so it cannot read text")
    _, test_rows = dataset_splits(args.dataset, args.data_dir)
    test = EncodedCorpus.from_dataset(test_rows, get_tokenizer(loaded.tokenizer or "basic_english"), loaded.vocab)
    expected = CLASS_NAMES[args.dataset]
    if loaded.class_names is not None and len(loaded.class_names) != len(expected):
        raise CLIError(f"{folder}: the model knows {len(loaded.class_names)} classes, {args.dataset} has {len(expected)}")
    metrics = evaluate(test.batches(args.batch_size), loaded.model, nn.CrossEntropyLoss(), device=device)
    print(f"{args.dataset} test: accuracy {metrics.accuracy:.4f}, loss {metrics.loss:.4f}, {metrics.count} rows")


def cmd_predict(args: argparse.Namespace) -> None:
    import warnings

    from torch_impl.predict import NoKnownWordWarning, TextClassificationPipeline

    if args.model is not None and args.model.suffix == ".onnx":
        classify = TextClassificationPipeline.from_onnx(args.model)
    else:
        classify = TextClassificationPipeline.from_pretrained(_pretrained_folder(args))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoKnownWordWarning)  # printed below as one line per text instead
        predictions = classify(args.texts)
    for text, prediction in zip(args.texts, predictions):
        if prediction.warning is not None:
            print(f"minitorch-course predict: warning: {prediction.warning}", file=sys.stderr, flush=True)
        print(f"{prediction.label}\t{prediction.confidence:.3f}\t{text}", flush=True)


def cmd_push(args: argparse.Namespace) -> None:
    from torch_impl.hub import push_folder_to_hub

    url = push_folder_to_hub(_pretrained_folder(args), args.repo_id, token=args.token,
                             private=True if args.private else None)
    print(f"pushed to {url}")


def cmd_export(args: argparse.Namespace) -> None:
    from torch_impl.export import export_pretrained

    written = export_pretrained(_pretrained_folder(args), args.out, args.format)
    print(f"wrote {written['path']} ({written['bytes'] / 1e6:.1f} MB, {written['model_class']}, "
          f"vocabulary {written['vocab_size']}, inputs text and offsets with dynamic sizes)")


COMMANDS = {"train": cmd_train, "evaluate": cmd_evaluate, "predict": cmd_predict, "push": cmd_push,
            "export": cmd_export}


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean "your input or environment is not right", not "the program has a bug"."""
    from course.errors import CourseError
    from torch_impl.checkpoint import CheckpointError
    from torch_impl.export import OnnxUnavailableError
    from torch_impl.hub import HubError
    from torch_impl.training import DeviceError

    return (CLIError, CourseError, CheckpointError, HubError, DeviceError, OnnxUnavailableError, FileNotFoundError,
            ConnectionError, ValueError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status (0 ok, 2 expected error with a one-line message)."""
    args = build_parser().parse_args(argv)
    status = _run(args)
    from torch_impl.distributed import end_torchrun_process, under_torchrun

    if under_torchrun():  # (torch 2.13's gloo can abort a finished process at interpreter exit)
        end_torchrun_process(status)
    return status


def _run(args: argparse.Namespace) -> int:
    try:
        COMMANDS[args.command](args)
    except _expected_errors() as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"minitorch-course {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        hint = " (finished epochs are in the checkpoint: continue with --resume)" if args.command == "train" else ""
        print(f"minitorch-course {args.command}: interrupted{hint}", file=sys.stderr)
        return 130
    return 0
