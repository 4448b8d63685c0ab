"""Where the read-only `../shared` folder (real AG_NEWS rows, torchtext golden files) lives."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """`$MINITORCH_SHARED` if set, else `../shared` next to the repository root."""
    env = os.environ.get("MINITORCH_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def ag_news_dir() -> Path:
    """The folder with the real AG_NEWS CSVs (`test.csv`, `train_first10000.csv`)."""
    return shared_dir() / "data" / "ag_news"


def golden_dir() -> Path:
    """Outputs of the real torchtext 0.18.0 that the text pipeline must reproduce."""
    return shared_dir() / "golden" / "torchtext"
