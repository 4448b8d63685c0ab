"""Reading and writing files so that nothing is lost and nothing is trusted blindly.

- `atomic_write`: a file is either its old version or the complete new one, never a mix.
  The data goes to a temporary file in the same folder (so the rename stays on one file
  system), is flushed and `fsync`ed, and only then replaces the target with `os.replace`.
  Temporary files that a killed writer left behind are removed by the next write to the
  same place.
- `read_json`: a JSON file read with a size bound, so a damaged or hostile file gets a
  one-line `CorruptFileError` instead of a `RecursionError` or a huge allocation.
- `vocab_from_data`: a saved vocabulary checked (types, duplicates, default index, size)
  before it is used.

Standard library only; `minitorch_ref` has its own copy of the atomic write because it
must not import this package (see docs/architecture.md).
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from course.errors import CorruptFileError

_TEMP_SUFFIX = ".tmp"
# A temporary file of another process that is still alive is left alone; on systems where
# that cannot be asked (Windows), one older than this is taken as abandoned.
_ABANDONED_AFTER_S = 3600.0


def temporary_name_pattern(path: str | os.PathLike) -> re.Pattern[str]:
    """The names `atomic_write` gives its temporary files for `path`: `.NAME.PID-RANDOM.tmp`."""
    return re.compile(rf"^\.{re.escape(Path(path).name)}\.(\d+)-[\w]+{re.escape(_TEMP_SUFFIX)}$")


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that killed writes to `path` left behind; return what was removed.

    A file whose writer process still runs is kept (it may be a concurrent write).
    """
    path = Path(path)
    pattern = temporary_name_pattern(path)
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        found = pattern.match(entry.name)
        if not found or int(found.group(1)) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if os.name != "posix" and time.time() - entry.stat().st_mtime < _ABANDONED_AFTER_S:
                continue
            if not _process_alive(int(found.group(1))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO[Any]]:
    """`with atomic_open(path) as f: f.write(...)`: `path` changes only if the block completes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    fsync_directory(path.parent)


def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], Any]) -> Path:
    """Call `write(binary_file)` and atomically make the result the content of `path`."""
    with atomic_open(path, "wb") as file:
        write(file)
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return atomic_write(path, lambda file: file.write(data))


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(path, text.encode(encoding))


def fsync_directory(directory: str | os.PathLike) -> None:
    """Make a rename durable (POSIX); Windows cannot open folders, and needs no such step."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading

MAX_JSON_BYTES = 512 * 1024 * 1024


def read_json(path: str | os.PathLike, *, max_bytes: int = MAX_JSON_BYTES, what: str = "JSON file") -> Any:
    """Parse a UTF-8 JSON file, refusing files over `max_bytes` and nesting deeper than Python allows."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorruptFileError(f"{path}: {size} bytes, more than the {max_bytes} a {what} may have")
        return json.loads(path.read_bytes().decode("utf-8"))
    except CorruptFileError:
        raise
    except UnicodeDecodeError as error:
        raise CorruptFileError(f"{path}: not a {what} (not UTF-8 text: byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise CorruptFileError(f"{path}: not a {what} (invalid JSON at line {error.lineno}, column {error.colno}: "
                               f"{error.msg})") from None
    except RecursionError:
        raise CorruptFileError(f"{path}: not a {what} (JSON nested too deeply)") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise CorruptFileError(f"{path}: not a {what} ({error})") from None
    except OSError as error:
        raise CorruptFileError(f"{path}: cannot be read ({error.strerror or error})") from None


MAX_VOCAB_SIZE = 2**31 - 1


def vocab_from_data(data: Any, where: str, *, size: int | None = None) -> Any:
    """A `course.text.Vocab` from its `to_dict()` form, every field checked first.

    `where` names the source in messages ("runs/x/pretrained/vocab.json"); with `size`, the
    vocabulary must have exactly that many tokens (the rows of the embedding it indexes).
    """
    from course.text import Vocab

    def fail(problem: str) -> CorruptFileError:
        return CorruptFileError(f"{where}: not a vocabulary written by Vocab.save ({problem})")

    if not isinstance(data, dict):
        raise fail(f"expected a mapping with 'itos' and 'default_index', got {type(data).__name__}")
    itos, default_index = data.get("itos"), data.get("default_index")
    if not isinstance(itos, list) or not all(isinstance(token, str) for token in itos):
        raise fail("'itos' must be a list of strings")
    if not 0 < len(itos) <= MAX_VOCAB_SIZE:
        raise fail(f"'itos' has {len(itos)} tokens")
    if default_index is not None and (type(default_index) is not int or not 0 <= default_index < len(itos)):
        raise fail(f"default_index {default_index!r} is not an index into its {len(itos)} tokens")
    try:
        vocab = Vocab(itos, default_index)
    except RuntimeError as error:
        raise fail(str(error)) from None
    if size is not None and len(vocab) != size:
        raise CorruptFileError(f"{where}: the vocabulary has {len(vocab)} tokens but the model's embedding has "
                               f"{size} rows; they come from different models")
    return vocab
