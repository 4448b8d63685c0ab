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
Ctrl-C in the middle of a save leaves the previous file intact instead of a truncated one.
Every read turns the many low-level failures of `torch.load` (zip, pickle, EOF errors) into
one `CheckpointError` whose message is a single line saying what is wrong with which file.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import random
import re
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

CHECKPOINT_FORMAT = "minitorch-course/training-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(Exception):
    """A file that cannot be used as asked; the message is one line naming the file and the reason."""


class UnsafeCheckpointError(CheckpointError):
    """The file contains pickled Python objects, which a weights-only load refuses to run."""


# --------------------------------------------------------------------------- writing


def atomic_torch_save(obj: Any, path: str | os.PathLike) -> Path:
    """`torch.save(obj, path)` such that `path` is either the old file or the complete new one.

    The data goes to a temporary file in the same folder (so the final rename stays on one
    file system), is flushed to disk with `fsync`, and only then replaces `path` with
    `os.replace`, which is atomic on POSIX and Windows.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            torch.save(obj, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)
    return path


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and needs no such step."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading


def _first_sentence(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text.split(". ")[0].rstrip(".")


def safe_torch_load(path: str | os.PathLike, map_location: Any = "cpu") -> Any:
    """`torch.load(path, weights_only=True, map_location=...)` with one-line `CheckpointError`s.

    The file is checked before unpickling: `torch.save` writes a zip archive, so a file that
    is not one is either truncated (the zip directory sits at the end) or not a PyTorch file.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise CheckpointError(f"{path}: the file is empty (an interrupted save?)")
    with open(path, "rb") as file:
        magic = file.read(4)
    if not zipfile.is_zipfile(path):
        if magic == b"PK\x03\x04":
            raise CheckpointError(f"{path}: truncated or corrupt (its zip archive is incomplete, {size} bytes)")
        raise CheckpointError(f"{path}: not a file written by torch.save (it is not a zip archive)")
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
    except (RuntimeError, EOFError, KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"{path}: corrupt or unreadable ({_first_sentence(error)})") from None


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
