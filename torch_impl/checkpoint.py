"""Saving and loading: weights, full training checkpoints, and (only on request) whole pickled models.

Three kinds of file, from safest to riskiest:

- `save_state_dict` / `load_state_dict`: the course's recommended way, only the tensors.
- `save_checkpoint` / `load_checkpoint`: everything needed to continue training exactly
  where it stopped (model, optimizer, scheduler, epoch, history, vocabulary, random states).
  It holds only tensors, numbers, strings, lists and dicts, so it loads with
  `weights_only=True` too.
- `save_whole_model` / `load_whole_model`: the course's `torch.save(model)`. That file is a
  pickle: loading it runs code named inside the file, so a file from a stranger can do
  anything your user account can. Both functions refuse unless explicitly told otherwise.

Every write is atomic (temporary file in the same folder, `fsync`, `os.replace`): a crash or
Ctrl-C in the middle of a save leaves the previous file intact instead of a truncated one, and
the next save to the same place removes the temporary file a killed save left behind.
Every read checks the file before trusting it (its zip structure, every member's CRC, sizes
against the file's own size) and turns the many low-level failures of `torch.load` (zip,
pickle, EOF errors) into one `CheckpointError` (a `course.errors.CorruptFileError`) whose
message is a single line saying what is wrong with which file. A training checkpoint is also
checked field by field (`check_training_state`) before `--resume` uses it.
"""
from __future__ import annotations

import os
import pickle
import random
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from course.errors import CorruptFileError
from course.fileio import atomic_write, fsync_directory, vocab_from_data

CHECKPOINT_FORMAT = "minitorch-course/training-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(CorruptFileError):
    """A file that cannot be used as asked; the message is one line naming the file and the reason.

    A `course.errors.CorruptFileError` (so also a `CourseError` and a `ValueError`).
    """


class UnsafeCheckpointError(CheckpointError):
    """The file contains pickled Python objects, which a weights-only load refuses to run."""


# --------------------------------------------------------------------------- writing


def atomic_torch_save(obj: Any, path: str | os.PathLike) -> Path:
    """`torch.save(obj, path)` such that `path` is either the old file or the complete new one.

    The data goes to a temporary file in the same folder (so the final rename stays on one
    file system), is flushed to disk with `fsync`, and only then replaces `path` with
    `os.replace`, which is atomic on POSIX and Windows.
    """
    return atomic_write(path, lambda file: torch.save(obj, file))


_fsync_directory = fsync_directory  # the old private name


# --------------------------------------------------------------------------- reading


def _first_sentence(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    text = text.split(". ")[0].rstrip(".")
    return text if len(text) <= 200 else text[:197] + "..."


def check_zip_archive(path: str | os.PathLike) -> None:
    """Check that `path` is a complete, undamaged zip archive as `torch.save` writes them.

    Every member's CRC is verified (flipped bytes inside tensor data would otherwise load as
    silently wrong weights), and the sizes the archive declares must fit in the file
    (`torch.save` stores members uncompressed), so a crafted archive cannot make the reader
    inflate or allocate more than the file holds.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise CheckpointError(f"{path}: the file is empty (an interrupted save?)")
    with open(path, "rb") as file:
        magic = file.read(4)
    if magic != b"PK\x03\x04":
        if magic[:1] == b"\x80":
            raise CheckpointError(f"{path}: a legacy pickle file, not a zip archive written by torch.save >= 1.6; "
                                  "it was not unpickled")
        raise CheckpointError(f"{path}: not a file written by torch.save (it is not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            declared = sum(member.file_size for member in members)
            if declared > size:
                raise CheckpointError(f"{path}: corrupt (its zip directory declares {declared} bytes of content in a "
                                      f"{size}-byte file)")
            damaged = archive.testzip()
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError, KeyError, OverflowError) as error:
        raise CheckpointError(f"{path}: truncated or corrupt ({size} bytes; its zip archive cannot be read: "
                              f"{_first_sentence(error)})") from None
    if damaged is not None:
        raise CheckpointError(f"{path}: corrupt (member {damaged} fails its CRC check: bytes were changed "
                              "after it was written)")


def safe_torch_load(path: str | os.PathLike, map_location: Any = "cpu") -> Any:
    """`torch.load(path, weights_only=True, map_location=...)` with one-line `CheckpointError`s.

    The file is checked before unpickling (`check_zip_archive`): `torch.save` writes a zip
    archive, so a file that is not a complete one with intact CRCs is truncated, damaged or
    not a PyTorch file.
    """
    path = Path(path)
    check_zip_archive(path)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        message = str(error)
        if "Weights only load failed" in message:
            found = re.search(r"GLOBAL ([\w.]+)", message)
            what = f" (it refers to {found.group(1)})" if found else ""
            raise UnsafeCheckpointError(
                f"{path}: contains pickled Python objects{what}, not only tensors; unpickling it can run "
                "arbitrary code, so it is refused. If you trust where it came from, use "
                "load_whole_model(path, trust_pickle=True)"
            ) from None
        raise CheckpointError(f"{path}: corrupt ({_first_sentence(error)})") from None
    except Exception as error:  # noqa: BLE001 - whatever torch.load meets in a damaged file, one line
        raise CheckpointError(f"{path}: corrupt or unreadable ({type(error).__name__}: "
                              f"{_first_sentence(error)})") from None


# --------------------------------------------------------------------------- weights only


def save_state_dict(model: torch.nn.Module, path: str | os.PathLike) -> Path:
    """Save only the model's parameters and buffers (`model.state_dict()`), atomically."""
    return atomic_torch_save(model.state_dict(), path)


def load_state_dict(
    model: torch.nn.Module, path: str | os.PathLike, map_location: Any = "cpu", strict: bool = True
) -> torch.nn.Module:
    """Load weights saved by `save_state_dict` into `model` (same architecture) and return it."""
    state = safe_torch_load(path, map_location)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{Path(path)}: not a state_dict (expected a dict of tensors)")
    apply_state_dict(model, state, strict=strict, source=str(path))
    return model


def apply_state_dict(model: torch.nn.Module, state: dict[str, Any], strict: bool = True, source: str = "") -> None:
    """`model.load_state_dict(state)` with a one-line message when names or shapes do not match."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    wrong_shape = [
        f"{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}"
        for k in own
        if k in state and tuple(state[k].shape) != tuple(own[k].shape)
    ]
    problems = []
    if strict and missing:
        problems.append(f"missing {missing}")
    if strict and unexpected:
        problems.append(f"unexpected {unexpected}")
    if wrong_shape:
        problems.append(f"shape mismatch (file vs model): {', '.join(wrong_shape)}")
    if problems:
        where = f"{source}: " if source else ""
        raise CheckpointError(f"{where}weights do not fit {type(model).__name__}: {'; '.join(problems)}")
    model.load_state_dict(state, strict=strict)


# --------------------------------------------------------------------------- random states


def get_rng_states(generator: torch.Generator | None = None) -> dict[str, Any]:
    """Every random state a training run draws from, in a form that loads with `weights_only=True`.

    Python's and NumPy's states become tuples/lists of ints; torch's are byte tensors.
    `generator` is the one that shuffles the batches (the DataLoader's sampler generator).
    """
    numpy_state = np.random.get_state(legacy=False)
    numpy_state["state"]["key"] = numpy_state["state"]["key"].tolist()
    return {
        "python": random.getstate(),
        "numpy": numpy_state,
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "generator": generator.get_state() if generator is not None else None,
    }


def set_rng_states(states: dict[str, Any], generator: torch.Generator | None = None) -> None:
    """Restore what `get_rng_states` captured (CUDA states only when the GPU count matches)."""
    random.setstate(_as_tuple(states["python"]))
    numpy_state = dict(states["numpy"])
    numpy_state["state"] = dict(numpy_state["state"])
    numpy_state["state"]["key"] = np.asarray(numpy_state["state"]["key"], dtype=np.uint32)
    np.random.set_state(numpy_state)
    torch.set_rng_state(states["torch"].cpu())
    cuda_states = states.get("cuda") or []
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda_states])
    if generator is not None and states.get("generator") is not None:
        generator.set_state(states["generator"].cpu())


def _as_tuple(value: Any) -> Any:
    """`random.setstate` wants nested tuples; a round trip may have turned them into lists."""
    return tuple(_as_tuple(v) for v in value) if isinstance(value, (list, tuple)) else value


# --------------------------------------------------------------------------- training checkpoints


def save_checkpoint(path: str | os.PathLike, **state: Any) -> Path:
    """Write a training checkpoint atomically; `state` holds model/optimizer/... entries.

    The format marker lets `load_checkpoint` tell a checkpoint from any other torch file.
    """
    payload = {"format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION, **state}
    return atomic_torch_save(payload, path)


def load_checkpoint(path: str | os.PathLike, map_location: Any = "cpu", required: tuple[str, ...] = ()) -> dict:
    """Read a checkpoint written by `save_checkpoint`; anything else is a one-line `CheckpointError`."""
    payload = safe_torch_load(path, map_location)
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{Path(path)}: not a training checkpoint of this course (no format marker)")
    if payload.get("version") != CHECKPOINT_VERSION:
        raise CheckpointError(
            f"{Path(path)}: checkpoint version {payload.get('version')} is not supported (expected {CHECKPOINT_VERSION})"
        )
    missing = [key for key in required if key not in payload]
    if missing:
        raise CheckpointError(f"{Path(path)}: checkpoint lacks {missing}")
    return payload


def check_training_state(payload: dict[str, Any], path: str | os.PathLike) -> None:
    """Check the fields of a training checkpoint before `--resume` trusts them.

    Types and shapes only (the weights' fit to the model is `apply_state_dict`'s job): a
    dict of tensors for `model`, a list of epoch records for `history` with `epoch` equal
    to its length, dicts for optimizer/scheduler/rng/config, and, when present, a
    vocabulary (`Vocab.to_dict()` form) with as many tokens as the embedding has rows.
    """
    def fail(problem: str) -> CheckpointError:
        return CheckpointError(f"{Path(path)}: damaged training checkpoint: {problem}")

    def kind(value: Any) -> str:
        return type(value).__name__

    model = payload.get("model")
    if not isinstance(model, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in model.items()):
        raise fail(f"'model' must be a state_dict (a dict of tensors), got {kind(model)}")
    for key in ("optimizer", "scheduler", "rng", "config"):
        if key in payload and not isinstance(payload[key], dict):
            raise fail(f"{key!r} must be a dict, got {kind(payload[key])}")
    history = payload.get("history")
    if "history" in payload:
        if not isinstance(history, list):
            raise fail(f"'history' must be a list of epoch records, got {kind(history)}")
        for number, record in enumerate(history, start=1):
            if not isinstance(record, dict) or record.get("epoch") != number or not all(
                    isinstance(record.get(k), (int, float)) for k in ("train_loss", "valid_acc", "lr")):
                raise fail(f"history entry {number} is not the record of epoch {number}: {str(record)[:80]}")
    epoch = payload.get("epoch")
    if "epoch" in payload and (type(epoch) is not int or (isinstance(history, list) and epoch != len(history))):
        raise fail(f"'epoch' is {epoch!r} but the history has {len(history) if isinstance(history, list) else '?'} "
                   "epochs")
    if "vocab" in payload:
        embedding = model.get("embedding.weight")
        rows = int(embedding.shape[0]) if embedding is not None and embedding.dim() == 2 else None
        try:
            vocab_from_data(payload["vocab"], f"{Path(path)}: 'vocab'", size=rows)
        except CorruptFileError as error:
            raise CheckpointError(str(error)) from None
    names = payload.get("class_names")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise fail(f"'class_names' must be a list of strings, got {kind(names)}")


# --------------------------------------------------------------------------- whole pickled models


def save_whole_model(model: torch.nn.Module, path: str | os.PathLike, *, i_understand_pickle: bool = False) -> Path:
    """The course's `torch.save(model)`: pickles the object, class references included.

    Such a file only loads where the same classes can be imported, and loading it means
    running a pickle. Prefer `save_state_dict` or `hub.save_pretrained`. Requires
    `i_understand_pickle=True` and warns every time.
    """
    if not i_understand_pickle:
        raise CheckpointError(
            "save_whole_model pickles the model object; files like this run code when loaded. "
            "Use save_state_dict, or pass i_understand_pickle=True"
        )
    warnings.warn(
        "saving a whole pickled model: it can only be loaded with weights_only=False, which runs code "
        "from the file; prefer save_state_dict",
        UserWarning,
        stacklevel=2,
    )
    return atomic_torch_save(model, path)


def load_whole_model(path: str | os.PathLike, *, trust_pickle: bool = False, map_location: Any = "cpu") -> Any:
    """Load a file written by `torch.save(model)`.

    By default it is read with `weights_only=True`, which refuses the pickled classes with
    an `UnsafeCheckpointError` that explains why. With `trust_pickle=True` (only for files
    you made yourself or fully trust) it is unpickled for real.
    """
    if not trust_pickle:
        return safe_torch_load(path, map_location)
    if not Path(path).is_file():
        raise CheckpointError(f"{Path(path)}: no such file")
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, ValueError, zipfile.BadZipFile,
            AttributeError, ModuleNotFoundError) as error:
        raise CheckpointError(f"{Path(path)}: cannot load the pickled model ({_first_sentence(error)})") from None
