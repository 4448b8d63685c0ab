"""The output folder of `train`: never overwrite progress, and keep a run's files together.

A run folder holds `checkpoint.pt`, `history.json`, `history.png` and `pretrained/`, all
describing the same run. `prepare_run_folder` is called before any data is read or any
epoch trained:

- a folder that already holds a run is refused unless `resume=True` (continue it) or
  `overwrite=True` (replace it: `clear_run` then deletes the old run's files, all of them);
- `--out` naming a file, a path under a file, or a folder that cannot be written is
  reported at once, not after an epoch of training.

Problems are `course.errors.RunFolderError` (settings that contradict each other are
`ConfigError`), each a one-line message for the CLI to print.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from course.errors import ConfigError, CourseError, RunFolderError
from course.fileio import remove_stale_temporaries

CHECKPOINT_NAME = "checkpoint.pt"
HISTORY_NAME = "history.json"
PLOT_NAME = "history.png"
PRETRAINED_NAME = "pretrained"
RUN_FILES = (CHECKPOINT_NAME, HISTORY_NAME, PLOT_NAME, PRETRAINED_NAME)


def run_files(out: str | os.PathLike) -> list[str]:
    """The names of the run outputs present in `out` (empty: no run there)."""
    out = Path(out)
    return [name for name in RUN_FILES if (out / name).exists() or (out / name).is_symlink()]


def describe_run(out: str | os.PathLike) -> str:
    """A few words on the run in `out`, e.g. "checkpoint.pt at epoch 5 of 10"."""
    from torch_impl.checkpoint import load_checkpoint

    out = Path(out)
    present = run_files(out)
    if CHECKPOINT_NAME in present:
        try:
            saved = load_checkpoint(out / CHECKPOINT_NAME)
            total = (saved.get("config") or {}).get("epochs") if isinstance(saved.get("config"), dict) else None
            return f"{CHECKPOINT_NAME} at epoch {saved.get('epoch')}" + (f" of {total}" if total else "")
        except CourseError:
            return f"an unreadable {CHECKPOINT_NAME}"
    return ", ".join(present)


def prepare_run_folder(out: str | os.PathLike, *, resume: bool = False, overwrite: bool = False) -> Path:
    """Check `out` before training; create it if needed; return it.

    Refuses (`RunFolderError`) a folder that holds a run unless `resume` or `overwrite`,
    and `resume` without a checkpoint to resume from. Deletes nothing: see `clear_run`.
    """
    out = Path(out)
    if resume and overwrite:
        raise ConfigError("--resume and --overwrite exclude each other: --resume continues the run in the folder, "
                          "--overwrite deletes it")
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"--out {out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise RunFolderError(f"--out {out}: cannot write there ({error.strerror or error})") from None
    present = run_files(out)
    if resume:
        if CHECKPOINT_NAME not in present:
            raise RunFolderError(f"--resume: no checkpoint at {out / CHECKPOINT_NAME}")
        if not (out / CHECKPOINT_NAME).is_file():
            raise RunFolderError(f"--resume: {out / CHECKPOINT_NAME} is not a file")
    elif present and not overwrite:
        raise RunFolderError(f"{out} already holds a run ({describe_run(out)}); continue it with --resume, or "
                             "replace it with --overwrite (which deletes it)")
    for name in RUN_FILES:
        if name != PRETRAINED_NAME and (out / name).is_dir() and not overwrite:
            raise RunFolderError(f"--out {out}: {out / name} is a folder; {name} must be a file")
    return out


def clear_run(out: str | os.PathLike) -> list[str]:
    """Delete the run outputs in `out` (and temporary files of killed writes); other files stay."""
    out = Path(out)
    removed = run_files(out)
    for name in removed:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    for name in RUN_FILES:
        remove_stale_temporaries(out / name)
    return removed
