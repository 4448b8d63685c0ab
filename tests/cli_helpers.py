"""Helpers shared by the tests that use the CLI as a user would (in-process and as a real process)."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from torch_impl.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with the hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """`python -m torch_impl ARGV` in this process: (exit status, stdout, stderr)."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def run_cli_subprocess(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m torch_impl ARGV` as a real process, offline."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "torch_impl", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
