"""Issue 14, the kill test: `train` killed with SIGKILL at random moments, again and again,
always leaves a loadable checkpoint (or none yet), and the next run leaves no temporary file.

Starting `python -m torch_impl` costs seconds (importing torch), so the training processes
are forked from a small server that has imported `torch_impl.cli` once; each child runs
exactly `torch_impl.cli.main(["train", ...])`, what `python -m torch_impl train ...` runs.
The server also prepares the synthetic corpus and warms up the lazy imports once (the
children inherit them), and batches of
1024 make an epoch short, so the kills land in training and checkpoint writes (several
epochs per child) rather than in imports and tokenization.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from torch_impl.checkpoint import check_training_state, load_checkpoint
from torch_impl.hub import from_pretrained

REPO_ROOT = Path(__file__).resolve().parent.parent

SERVER = r"""
import json, os, signal, sys, time
import torch
import matplotlib.backends.backend_agg, matplotlib.figure  # what the end of a run imports: not per child
import torch_impl.cli as cli
import torch_impl.hub
import torch_impl.training as training
from torch_impl.checkpoint import atomic_torch_save

prepared = training.prepare_data("synthetic")
real_prepare_data = training.prepare_data

def prepare_once(dataset="synthetic", data_dir=None, *, vocab=None, **options):
    if dataset == "synthetic" and data_dir is None and (vocab is None or vocab == prepared.vocab):
        return prepared
    return real_prepare_data(dataset, data_dir, vocab=vocab, **options)

training.prepare_data = prepare_once
# The optimizer imports torch._dynamo on first use (seconds): do it here, not in every child.
warm = torch.zeros(1, requires_grad=True)
optimizer = torch.optim.SGD([warm], lr=1.0)
warm.sum().backward()
optimizer.step()
torch.optim.lr_scheduler.StepLR(optimizer, step_size=1)
big = {"w": torch.randn(1000, 1000)}

def write_loop(path):
    while True:
        atomic_torch_save(big, path)

print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)  # {"argv": [...], "kill_after": seconds or null}
    pid = os.fork()
    if pid == 0:
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        if request["argv"][0] == "write_loop":
            write_loop(request["argv"][1])
        os._exit(cli.main(request["argv"]))
    # The server kills its own child, before reaping it: a pid is never used after it could be reused.
    deadline = None if request["kill_after"] is None else time.monotonic() + request["kill_after"]
    killed, status = False, None
    while status is None:
        done, wait_status = os.waitpid(pid, os.WNOHANG if deadline is not None else 0)
        if done:
            status = wait_status
        elif time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            killed, status = True, os.waitpid(pid, 0)[1]
        else:
            time.sleep(0.005)
    print(json.dumps({"status": status, "killed": killed}), flush=True)
"""


class ForkServer:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def run(self, argv: list[str], kill_after: float | None = None) -> dict:
        """Fork a child that runs `argv`; SIGKILL it after `kill_after` seconds unless it ended first.

        Returns `{"status": raw wait status, "killed": whether the SIGKILL ended it}`.
        """
        self.process.stdin.write(json.dumps({"argv": argv, "kill_after": kill_after}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def server():
    if not hasattr(os, "fork"):
        pytest.skip("the kill test forks its training processes (POSIX only)")
    server = ForkServer()
    yield server
    server.close()


def test_training_killed_at_random_moments_always_leaves_a_loadable_checkpoint(server, tmp_path):
    out = tmp_path / "run"
    checkpoint = out / "checkpoint.pt"
    rng = random.Random(14)
    kills, outcomes, last_epoch, temporaries_after_kills = 10, [], 0, 0
    started = time.perf_counter()
    for _ in range(kills):
        resume = ["--resume"] if checkpoint.exists() else []
        # (more epochs than any child can finish before its kill, on a fast machine too)
        result = server.run(["train", "--epochs", "100000", "--batch-size", "1024", "--out", str(out),
                             "--no-progress", *resume], kill_after=rng.uniform(0.05, 2.0))
        status = result["status"]
        assert result["killed"] and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, result
        temporaries_after_kills += len(temporaries(out)) if out.exists() else 0
        if checkpoint.exists():
            state = load_checkpoint(checkpoint, required=("model", "history", "epoch", "vocab"))
            check_training_state(state, checkpoint)
            assert state["epoch"] >= last_epoch  # progress is never lost
            last_epoch = state["epoch"]
            outcomes.append(f"epoch {last_epoch}")
        else:
            outcomes.append("no checkpoint yet")
    kill_seconds = time.perf_counter() - started
    # The next run (one more epoch) finishes, and leaves a consistent run and no temporary file.
    resume = ["--resume"] if checkpoint.exists() else []
    result = server.run(["train", "--epochs", str(last_epoch + 1), "--batch-size", "1024", "--out", str(out),
                         "--no-progress", *resume])
    assert result == {"status": 0, "killed": False}
    assert temporaries(out) == []
    state = load_checkpoint(checkpoint)
    history = json.loads((out / "history.json").read_text())["history"]
    assert state["epoch"] == last_epoch + 1 and [r["epoch"] for r in history] == list(range(1, last_epoch + 2))
    assert from_pretrained(out / "pretrained").vocab is not None
    print(f"\nkill test: {kills} SIGKILLs in {kill_seconds:.1f} s, outcomes {outcomes}; "
          f"{temporaries_after_kills} temporary files seen right after kills, none after the next run")


def test_checkpoint_writes_killed_mid_write_leave_the_old_file_and_no_temporary_after_the_next_write(
        server, tmp_path):
    from torch_impl.checkpoint import atomic_torch_save, safe_torch_load

    path = tmp_path / "big.pt"
    atomic_torch_save({"w": __import__("torch").zeros(3)}, path)
    rng = random.Random(15)
    caught_mid_write = 0
    for _ in range(8):
        assert server.run(["write_loop", str(path)], kill_after=rng.uniform(0.05, 0.4))["killed"]
        caught_mid_write += len(temporaries(tmp_path)) > 0
        loaded = safe_torch_load(path)  # always a whole file: the first one or a complete new one
        assert tuple(loaded["w"].shape) in ((3,), (1000, 1000))
    atomic_torch_save({"w": __import__("torch").ones(2)}, path)
    assert temporaries(tmp_path) == []
    print(f"\ncheckpoint writes: 8 SIGKILLs, {caught_mid_write} caught a write under way (temporary file left), "
          "every time the file loaded; the next write removed the temporaries")
