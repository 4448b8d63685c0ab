"""The course's training recipe (the PyTorch text-classification tutorial), generalised.

What is the same as the course: `EmbeddingBag(sparse=True)` + `Linear`, CrossEntropyLoss,
SGD with lr=5, gradient clipping to norm 0.1 at every step, batches of 64, a 95/5
`random_split` of the training rows, and `StepLR(step_size=1, gamma=0.1)` stepped only in
epochs where the validation accuracy falls below the best so far.

What is added, and why:

- The data is tokenized and looked up once (`EncodedCorpus`) instead of in every batch of
  every epoch: the tutorial's `collate_batch` spends most of an epoch re-tokenizing.
- `torch_impl.clip_grad_norm_` replaces torch's, which rejects the sparse gradient of the
  course's `sparse=True` embedding on torch >= 2.0.
- `device="auto"` picks CUDA when there is one; `compile=` wraps the model in
  `torch.compile` (see `compile_model` for how varying batch lengths are handled).
- Every epoch is recorded (`history`), can be plotted (`plot_history`), and is saved in an
  atomic checkpoint from which `fit(..., resume=True)` continues exactly.
"""
from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np
import torch
from torch import nn

from course.errors import ConfigError
from course.fileio import atomic_write
from torch_impl.checkpoint import (
    CheckpointError,
    apply_state_dict,
    check_training_state,
    get_rng_states,
    save_checkpoint,
    set_rng_states,
)
from torch_impl.clip import clip_grad_norm_
from torch_impl.distributed import SingleProcess
from torch_impl.models import TextClassificationModel
from torch_impl.text import (
    AG_NEWS,
    CLASS_NAMES,
    DBpedia,
    EncodedCorpus,
    SyntheticNews,
    Tokenizer,
    Vocab,
    encode_dataset,
    get_tokenizer,
    to_torch_batch,
)

COMPILE_MODES = ("default", "reduce-overhead", "max-autotune")
DATASETS = ("synthetic", "ag_news", "dbpedia")


@dataclass
class TrainConfig:
    """The tutorial's hyper-parameters (defaults) plus where and how to run them."""

    epochs: int = 10
    batch_size: int = 64
    lr: float = 5.0
    gamma: float = 0.1  # StepLR factor, applied when validation accuracy drops
    clip_norm: float = 0.1
    embed_dim: int = 64
    valid_fraction: float = 0.05
    sparse: bool = True
    seed: int = 0
    device: str = "auto"  # "auto" | "cpu" | "cuda" | "cuda:1" ...
    compile: str | None = None  # None | "default" | "reduce-overhead" | "max-autotune"
    progress: bool = True
    # Intra-op CPU threads while training (None: torch's default, one per core). One thread,
    # because this model's operations (64-wide rows, batches of 64) are too small to split:
    # see `cpu_threads`.
    cpu_threads: int | None = 1

    # Changing these between an interrupted run and its resumption would silently change
    # the result, so `fit(resume=True)` refuses. `epochs` may grow; device, compile and
    # progress do not change the numbers on CPU.
    RESULT_FIELDS: ClassVar[tuple[str, ...]] = ("batch_size", "lr", "gamma", "clip_norm", "embed_dim", "valid_fraction", "sparse", "seed")

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise `course.errors.ConfigError` (a ValueError) naming the first setting out of range.

        Called on construction and again by `fit`, so a value changed afterwards is caught too.
        """
        check_train_config(self)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def check_train_config(config: TrainConfig) -> None:
    """The checks behind `TrainConfig.validate`, with messages in torch's words where torch has them."""
    def number(name: str) -> float:
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"TrainConfig: {name} must be a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"TrainConfig: Invalid {name.replace('_', ' ')}: {value} (must be finite)")
        return float(value)

    def integer(name: str, minimum: int, optional: bool = False) -> None:
        value = getattr(config, name)
        if optional and value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ConfigError(f"TrainConfig: {name} must be an integer, got {type(value).__name__} {value!r}")
        if value < minimum:
            raise ConfigError(f"TrainConfig: {name} should be an integer >= {minimum}, but got {name}={value}")

    integer("epochs", 1)
    integer("batch_size", 1)
    integer("embed_dim", 1)
    integer("seed", 0)
    integer("cpu_threads", 1, optional=True)
    if number("lr") <= 0:
        raise ConfigError(f"TrainConfig: Invalid learning rate: {config.lr} (must be > 0)")
    if number("gamma") <= 0:
        raise ConfigError(f"TrainConfig: Invalid gamma: {config.gamma} (must be > 0; the tutorial uses 0.1)")
    if config.clip_norm is not None and number("clip_norm") <= 0:
        raise ConfigError(f"TrainConfig: clip_norm must be > 0 (or None for no clipping), got {config.clip_norm}")
    if not 0 < number("valid_fraction") < 1:
        raise ConfigError(f"TrainConfig: valid_fraction must be between 0 and 1 (exclusive), got "
                          f"{config.valid_fraction}")
    for name in ("sparse", "progress"):
        if not isinstance(getattr(config, name), bool):
            raise ConfigError(f"TrainConfig: {name} must be True or False, got {getattr(config, name)!r}")
    if config.compile is not None and config.compile not in COMPILE_MODES:
        raise ConfigError(f"TrainConfig: unknown compile mode {config.compile!r}; choose one of "
                          f"{', '.join(COMPILE_MODES)} (or None)")
    if not isinstance(config.device, (str, torch.device)):
        raise ConfigError(f"TrainConfig: device must be a string such as 'cpu' or 'cuda', got {config.device!r}")


class Metrics(NamedTuple):
    loss: float
    accuracy: float
    count: int


class DeviceError(RuntimeError):
    """The requested device does not exist on this machine."""


# --------------------------------------------------------------------------- set-up helpers


def _progress(iterable: Iterable, desc: str, enabled: bool) -> Iterable:
    """A tqdm progress bar when tqdm is installed and `enabled` (a bare GPU image may lack it)."""
    if not enabled:
        return iterable
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=desc, leave=False)


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """"auto" -> CUDA when available, else CPU; "cuda" without a GPU is a clear error."""
    if str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError as error:
        raise DeviceError(f"unknown device {device!r} (use auto, cpu or cuda)") from error
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise DeviceError(f"device {device!r} requested but CUDA is not available on this machine (use --device cpu)")
    return resolved


@contextlib.contextmanager
def cpu_threads(num_threads: int | None) -> Iterator[None]:
    """Run the block with `num_threads` intra-op CPU threads, then restore torch's setting.

    Why: torch splits each operation over all cores by default. This model's operations
    are too small for that to pay, and when another program keeps a core busy the threads
    wait for each other. Measured on a 2-core machine, the tutorial's recipe as written:
    6.7 s with 1 thread, 18 s with 2 (idle machine), 50-110 s with 2 while another process
    was running. `None` leaves the setting alone.
    """
    if num_threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and every GPU) for a reproducible run."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def split_train_valid(corpus: EncodedCorpus, valid_fraction: float, seed: int) -> tuple[EncodedCorpus, EncodedCorpus]:
    """The tutorial's `random_split` (95/5 by default) with a seeded generator, on encoded data."""
    num_train = int(len(corpus) * (1 - valid_fraction))
    generator = torch.Generator().manual_seed(seed)
    train_part, valid_part = torch.utils.data.random_split(
        range(len(corpus)), [num_train, len(corpus) - num_train], generator=generator
    )
    return corpus.subset(list(train_part.indices)), corpus.subset(list(valid_part.indices))


def bucket_length(n: int) -> int:
    """Round `n` up to one of four sizes per power of two (at most 25% padding).

    Up to 16: the next multiple of 4. Above, the step is a quarter of the power of two
    below `n`, so the sizes are ..., 1024, 1280, 1536, 1792, 2048, 2560, ...
    """
    if n <= 16:
        return max(4, -(-n // 4) * 4)
    step = 2 ** (int(math.log2(n)) - 2)
    return -(-n // step) * step


class PaddedToBuckets(nn.Module):
    """Pads every batch to a few fixed shapes before calling `model(text, offsets)`.

    Why: `mode="reduce-overhead"` records a CUDA graph per input shape, and the flat `text`
    of a batch has a different length almost every time. Padding it to `bucket_length`
    leaves about a dozen shapes. The padding tokens go into one extra bag after the real
    ones (and short batches get empty bags up to `batch_size`), so the real bags, and hence
    the returned rows, are exactly those of the unpadded batch.
    """

    def __init__(self, model: nn.Module, batch_size: int) -> None:
        super().__init__()
        self.model = model
        self.batch_size = batch_size

    def forward(self, text: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        num_bags, num_tokens = offsets.numel(), text.numel()
        pad_tokens = bucket_length(num_tokens) - num_tokens
        pad_bags = max(self.batch_size, num_bags) + 1 - num_bags  # empty bags, then the padding bag
        text = torch.cat([text, text.new_zeros(pad_tokens)])
        offsets = torch.cat([offsets, offsets.new_full((pad_bags,), num_tokens)])
        if text.is_cuda:
            torch.compiler.cudagraph_mark_step_begin()  # a new training step: earlier outputs may be reused
        return self.model(text, offsets)[:num_bags]


def compile_model(model: nn.Module, mode: str | None, batch_size: int = 64) -> nn.Module:
    """The model to call during training: `model` itself, or a `torch.compile`d wrapper.

    The returned module shares its parameters with `model`; save and checkpoint `model`.
    Inductor does not generate code for `EmbeddingBag` (it calls the eager kernel), so
    only the `Linear` (and its backward) is fused; expect little speed-up from
    compilation on this model, and a one-off compile time of seconds to a minute.

    Varying input sizes: the length of the flat `text` changes with every batch. For
    "default" and "max-autotune" the graph is compiled once with symbolic sizes
    (`dynamic=True`) instead of recompiling for each new length. "reduce-overhead" replays
    CUDA graphs, which need fixed shapes, so its batches are padded to a few bucket sizes
    (`PaddedToBuckets`); on CPU it behaves like "default".
    """
    if mode is None:
        return model
    if mode not in COMPILE_MODES:
        raise ValueError(f"unknown compile mode {mode!r}; choose one of {', '.join(COMPILE_MODES)}")
    if mode == "reduce-overhead":
        return PaddedToBuckets(torch.compile(model, mode=mode), batch_size)
    return torch.compile(model, mode=None if mode == "default" else mode, dynamic=True)


# --------------------------------------------------------------------------- one epoch


def train(
    dataloader: Iterable,
    model: nn.Module,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    clip_norm: float | None = 0.1,
    device: torch.device | str = "cpu",
    progress: bool = False,
    desc: str = "train",
    loss_scale: Callable[[int], float] | None = None,
) -> Metrics:
    """The course's `train(dataloader, model, criterion, optimizer)` for one epoch.

    `dataloader` yields `(labels, text, offsets)` as torch tensors or NumPy arrays. Loss and
    accuracy are summed on the device and read once at the end, so a GPU is not made to
    wait for the CPU at every step. `loss_scale(rows)`, if given, multiplies the loss that is
    back-propagated (not the one reported): see `torch_impl.distributed`.
    """
    model.train()
    parameters = [p for p in model.parameters() if p.requires_grad]
    total_loss = torch.zeros((), device=device)
    total_correct = torch.zeros((), dtype=torch.int64, device=device)
    count = 0
    for labels, text, offsets in _progress(dataloader, desc, progress):
        labels, text, offsets = to_torch_batch((labels, text, offsets), device)
        optimizer.zero_grad()
        predicted = model(text, offsets)
        loss = criterion(predicted, labels)
        (loss if loss_scale is None else loss * loss_scale(labels.numel())).backward()
        if clip_norm is not None:
            clip_grad_norm_(parameters, clip_norm)  # handles the sparse embedding gradient
        optimizer.step()
        total_loss += loss.detach() * labels.numel()
        total_correct += (predicted.detach().argmax(1) == labels).sum()
        count += labels.numel()
    return Metrics(total_loss.item() / max(count, 1), total_correct.item() / max(count, 1), count)


def evaluate(
    dataloader: Iterable, model: nn.Module, criterion: nn.Module, *, device: torch.device | str = "cpu"
) -> Metrics:
    """The course's `evaluate`: eval mode, no gradients; returns loss and accuracy."""
    model.eval()
    total_loss = torch.zeros((), device=device)
    total_correct = torch.zeros((), dtype=torch.int64, device=device)
    count = 0
    with torch.no_grad():
        for labels, text, offsets in dataloader:
            labels, text, offsets = to_torch_batch((labels, text, offsets), device)
            predicted = model(text, offsets)
            total_loss += criterion(predicted, labels) * labels.numel()
            total_correct += (predicted.argmax(1) == labels).sum()
            count += labels.numel()
    return Metrics(total_loss.item() / max(count, 1), total_correct.item() / max(count, 1), count)


# --------------------------------------------------------------------------- the whole recipe


def fit(
    model: nn.Module,
    train_data: EncodedCorpus,
    valid_data: EncodedCorpus,
    config: TrainConfig,
    *,
    checkpoint_path: str | Path | None = None,
    checkpoint_extra: dict[str, Any] | None = None,
    resume: bool = False,
    on_epoch_end: Callable[[dict[str, Any]], None] | None = None,
    distributed: SingleProcess | None = None,
) -> list[dict[str, Any]]:
    """Train `model` for `config.epochs` epochs with the tutorial's schedule; return the history.

    With `checkpoint_path`, a checkpoint is written atomically after every epoch (with
    `checkpoint_extra`, e.g. the vocabulary); with `resume=True` and an existing file there,
    training continues after its last epoch and ends exactly where an uninterrupted run
    would (same parameters and history, bit for bit on CPU with the same thread count;
    only `seconds` differs).
    `on_epoch_end(record)` is called after each epoch's checkpoint (for printing, or to
    stop by raising).
    `distributed` (from `torch_impl.distributed.init_from_environment`, under torchrun):
    DDP on the same global batches, metrics summed over processes, rank 0 alone saving.
    """
    config.validate()
    run = distributed if distributed is not None else SingleProcess()
    device = run.local_device(resolve_device(config.device))
    model.to(device)
    step_model = compile_model(run.wrap(model), config.compile, config.batch_size)
    criterion = run.criterion(nn.CrossEntropyLoss())
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=config.gamma)
    shuffle_generator = torch.Generator().manual_seed(config.seed + 1)
    history: list[dict[str, Any]] = []

    if resume and checkpoint_path is not None and run.exists(checkpoint_path):
        state = run.load_checkpoint(checkpoint_path, map_location=device,
                                required=("model", "optimizer", "scheduler", "history", "rng", "config"))
        history = _restore_training_state(state, checkpoint_path, config, model, optimizer, scheduler,
                                          shuffle_generator)

    best_valid_acc = max((r["valid_acc"] for r in history), default=None)
    with cpu_threads(config.cpu_threads if device.type == "cpu" else None):
        for epoch in range(len(history) + 1, config.epochs + 1):
            start = time.perf_counter()
            lr = optimizer.param_groups[0]["lr"]
            order = torch.randperm(len(train_data), generator=shuffle_generator).numpy()
            train_metrics = run.reduce(train(
                run.batches(train_data, config.batch_size, order=order, keep_empty=True), step_model, criterion,
                optimizer, clip_norm=config.clip_norm, device=device, progress=config.progress and run.is_main,
                desc=f"epoch {epoch}/{config.epochs}", loss_scale=run.loss_scale,
            ))
            valid_metrics = run.reduce(evaluate(run.batches(valid_data, config.batch_size), step_model, criterion,
                                                device=device))
            # The tutorial's schedule: divide the learning rate by 10 whenever validation
            # accuracy is below the best seen so far, otherwise remember the new best.
            if best_valid_acc is not None and valid_metrics.accuracy < best_valid_acc:
                scheduler.step()
            else:
                best_valid_acc = valid_metrics.accuracy
            record = {
                "epoch": epoch,
                "train_loss": train_metrics.loss,
                "train_acc": train_metrics.accuracy,
                "valid_loss": valid_metrics.loss,
                "valid_acc": valid_metrics.accuracy,
                "lr": lr,
                "seconds": time.perf_counter() - start,
            }
            history.append(record)
            if checkpoint_path is not None and run.is_main:
                save_checkpoint(
                    checkpoint_path,
                    epoch=epoch,
                    config=config.to_dict(),
                    model=model.state_dict(),
                    optimizer=optimizer.state_dict(),
                    scheduler=scheduler.state_dict(),
                    history=history,
                    rng=get_rng_states(shuffle_generator),
                    **(checkpoint_extra or {}),
                )
            if on_epoch_end is not None:
                on_epoch_end(record)
    del step_model  # (under torchrun: the DDP wrapper, whose reducer holds the process group)
    run.release(model)
    return history


def _restore_training_state(state: dict[str, Any], path: str | Path, config: TrainConfig, model: nn.Module,
                            optimizer: torch.optim.Optimizer, scheduler: Any,
                            generator: torch.Generator) -> list[dict[str, Any]]:
    """Load a checked checkpoint into the run's objects; any misfit is one `CheckpointError` line."""
    check_training_state(state, path)
    try:
        saved_config = TrainConfig.from_dict(state["config"])
    except (ConfigError, TypeError) as error:
        raise CheckpointError(f"{path}: damaged training checkpoint: its config is invalid ({error})") from None
    _check_same_recipe(saved_config, config, path)
    apply_state_dict(model, state["model"], source=str(path))
    try:
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        set_rng_states(state["rng"], generator)
    except (ValueError, KeyError, TypeError, RuntimeError, IndexError) as error:
        raise CheckpointError(f"{path}: damaged training checkpoint: its optimizer, scheduler or random states "
                              f"do not fit this run ({type(error).__name__}: {str(error)[:160]})") from None
    return list(state["history"])


def _check_same_recipe(saved: TrainConfig, current: TrainConfig, path: str | Path) -> None:
    for name in TrainConfig.RESULT_FIELDS:
        if getattr(saved, name) != getattr(current, name):
            raise CheckpointError(
                f"{path}: was trained with {name}={getattr(saved, name)!r}, not {getattr(current, name)!r}; "
                "resume with the same settings or start a new run"
            )


# --------------------------------------------------------------------------- data + recipe, end to end


@dataclass
class PreparedData:
    """A dataset tokenized and encoded once: what `run_recipe` trains and tests on."""

    train: EncodedCorpus
    test: EncodedCorpus
    vocab: Vocab
    tokenizer: Tokenizer
    class_names: list[str]


def dataset_splits(dataset: str = "synthetic", data_dir: str | Path | None = None) -> tuple[Iterable, Iterable]:
    """The `(label, text)` rows of the train and test splits of `dataset`.

    "synthetic" is generated in memory (no files, no network); "ag_news" and "dbpedia" read
    `train.csv` (or `train_first10000.csv`) and `test.csv` from `data_dir`.
    """
    if dataset == "synthetic":
        return SyntheticNews("train"), SyntheticNews("test")
    if dataset == "ag_news":
        return AG_NEWS(root=data_dir, split=("train", "test"))
    if dataset == "dbpedia":
        return DBpedia(root=data_dir, split=("train", "test"))
    raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")


def prepare_data(dataset: str = "synthetic", data_dir: str | Path | None = None, *,
                 vocab: Vocab | None = None, cache: bool = True, cache_dir: str | Path | None = None,
                 progress: bool | None = False) -> PreparedData:
    """Read, tokenize (`basic_english`) and encode both splits, building the vocabulary from train.

    The vocabulary is the tutorial's: `build_vocab_from_iterator(..., specials=["<unk>"])`
    with `<unk>` as default index. Pass `vocab` to reuse a saved one (e.g. when resuming).
    CSV datasets stream through `encode_dataset`, whose result is cached (in `cache_dir`, by
    default `.encoded/` next to the CSV files) and reused while the files are unchanged;
    `cache=False` always re-reads them. `progress`: tqdm bars (None: on a terminal).
    """
    train_rows, test_rows = dataset_splits(dataset, data_dir)
    tokenizer = get_tokenizer("basic_english")
    options = {"cache": cache, "cache_dir": cache_dir, "progress": progress}
    vocab, train = encode_dataset(train_rows, tokenizer, vocab, **options)
    _, test = encode_dataset(test_rows, tokenizer, vocab, **options)
    return PreparedData(train, test, vocab, tokenizer, list(CLASS_NAMES[dataset]))


@dataclass
class RecipeResult:
    model: nn.Module
    history: list[dict[str, Any]]
    test: Metrics


def make_model(vocab_size: int, num_class: int, config: TrainConfig) -> nn.Module:
    """The tutorial's `TextClassificationModel`, initialised from `config.seed`."""
    seed_everything(config.seed)
    return TextClassificationModel(vocab_size, config.embed_dim, num_class, sparse=config.sparse)


def run_recipe(
    data: PreparedData,
    config: TrainConfig,
    *,
    checkpoint_path: str | Path | None = None,
    resume: bool = False,
    checkpoint_extra: dict[str, Any] | None = None,
    on_epoch_end: Callable[[dict[str, Any]], None] | None = None,
    distributed: SingleProcess | None = None,
) -> RecipeResult:
    """The whole tutorial: split 95/5, build the model, `fit`, then evaluate on the test split."""
    train_data, valid_data = split_train_valid(data.train, config.valid_fraction, config.seed)
    if len(train_data) == 0 or len(valid_data) == 0:
        raise ConfigError(f"valid_fraction={config.valid_fraction} of {len(data.train)} training rows leaves "
                          f"{len(train_data)} for training and {len(valid_data)} for validation; both need rows")
    model = make_model(len(data.vocab), len(data.class_names), config)
    extra = {"vocab": data.vocab.to_dict(), "class_names": data.class_names, **(checkpoint_extra or {})}
    history = fit(model, train_data, valid_data, config, checkpoint_path=checkpoint_path,
                  checkpoint_extra=extra, resume=resume, on_epoch_end=on_epoch_end, distributed=distributed)
    run = distributed if distributed is not None else SingleProcess()
    device = next(model.parameters()).device
    with cpu_threads(config.cpu_threads if device.type == "cpu" else None):
        test = run.reduce(evaluate(run.batches(data.test, config.batch_size), model, nn.CrossEntropyLoss(),
                                   device=device))
    return RecipeResult(model, history, test)


# --------------------------------------------------------------------------- reporting


def format_epoch(record: dict[str, Any], epochs: int | None = None) -> str:
    """One line per epoch, like the tutorial's log."""
    of = f"/{epochs}" if epochs else ""
    return (
        f"epoch {record['epoch']:>2}{of} | {record['seconds']:6.2f} s | lr {record['lr']:.4g} | "
        f"train loss {record['train_loss']:.4f} acc {record['train_acc']:.4f} | "
        f"valid loss {record['valid_loss']:.4f} acc {record['valid_acc']:.4f}"
    )


def plot_history(history: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Save a PNG with two panels: loss and accuracy per epoch, training and validation.

    It draws on matplotlib's Agg canvas directly (no `pyplot`), so it works without a
    display and does not change the backend of a notebook that imports this module.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    epochs = [r["epoch"] for r in history]
    figure = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(figure)
    loss_ax, acc_ax = figure.subplots(1, 2)
    for ax, key, title in ((loss_ax, "loss", "Loss"), (acc_ax, "acc", "Accuracy")):
        ax.plot(epochs, [r[f"train_{key}"] for r in history], marker="o", label="train")
        ax.plot(epochs, [r[f"valid_{key}"] for r in history], marker="o", label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend()
    figure.tight_layout()
    path = Path(path)
    atomic_write(path, lambda file: figure.savefig(file, format=path.suffix.lstrip(".") or "png"))
    return path
