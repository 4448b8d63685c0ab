"""The project's documented exception types: one per kind of problem a user can meet.

Every message is one line that names the file (and, for text files, the line) and what is
wrong, so that the CLI can print it and exit 2 without a traceback. Each type also derives
from the built-in exception a caller would naturally catch (`ValueError`, `OSError`).
"""
from __future__ import annotations


class CourseError(Exception):
    """Base class: a problem with the user's input, files or settings (never a bug of ours)."""


class DataFileError(CourseError, ValueError):
    """A data file (CSV split, text corpus) cannot be used: encoding, malformed row, bad label, empty split."""


class ConfigError(CourseError, ValueError):
    """A training or model setting is out of range (learning rate, epochs, sizes...)."""


class CorruptFileError(CourseError, ValueError):
    """A saved file (checkpoint, model folder, vocabulary) is damaged, truncated, of another format,
    or does not fit what it is loaded into (wrong shapes, types or sizes)."""


class RunFolderError(CourseError, OSError):
    """An output folder cannot be used as asked: it holds another run (use `--resume` or
    `--overwrite`), it is a file, or it cannot be written."""
