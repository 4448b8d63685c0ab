"""Training across processes: `torchrun --nproc_per_node=2 -m torch_impl train` on CPU (gloo).

Two processes must end with the weights of one process trained on the same global batches
(float tolerance: the gradients are summed in another order), `--resume` under torchrun must
end exactly where an uninterrupted run ends, and a failure in one process must end the job
with its error. The data is a small synthetic CSV (500 rows) with batches of 6, so that the
last batch of each epoch has 1 row: one process gets it, the other takes an empty step.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from course.datasets import write_synthetic_csv
from torch_impl.cli import main
from torch_impl.distributed import DistributedRun

REPO_ROOT = Path(__file__).resolve().parent.parent
TRAIN_ARGS = ["--dataset", "ag_news", "--batch-size", "6", "--no-progress"]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="this torch build has no torch.distributed with gloo",
)]


def torchrun(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m torch.distributed.run --standalone --nproc_per_node=2 ARGS` (torchrun; a free port)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def weights(out: Path) -> dict[str, torch.Tensor]:
    return load_file(out / "pretrained" / "model.safetensors")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("csv")
    write_synthetic_csv(folder, {"train": 500, "test": 100})
    return folder


@pytest.fixture(scope="module")
def two_processes(data_dir, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("ddp")
    done = torchrun("-m", "torch_impl", "train", *TRAIN_ARGS, "--data-dir", str(data_dir), "--epochs", "2",
                    "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done


@pytest.fixture(scope="module")
def one_process(data_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("single")
    assert main(["train", *TRAIN_ARGS, "--data-dir", str(data_dir), "--epochs", "2", "--out", str(out)]) == 0
    return out


def test_two_processes_end_with_the_weights_of_one(two_processes, one_process):
    ddp_out, done = two_processes
    single, ddp = weights(one_process), weights(ddp_out)
    assert single.keys() == ddp.keys()
    differences = {name: (single[name] - ddp[name]).abs().max().item() for name in single}
    assert max(differences.values()) < 1e-5, differences
    # The history is that of the global batches: accuracies exactly, losses to float rounding.
    history_1 = json.loads((one_process / "history.json").read_text())
    history_2 = json.loads((ddp_out / "history.json").read_text())
    for a, b in zip(history_1["history"], history_2["history"], strict=True):
        assert (a["train_acc"], a["valid_acc"], a["lr"]) == (b["train_acc"], b["valid_acc"], b["lr"])
        assert abs(a["train_loss"] - b["train_loss"]) < 1e-5 and abs(a["valid_loss"] - b["valid_loss"]) < 1e-5
    assert history_1["test"]["count"] == history_2["test"]["count"] == 100
    assert history_1["test"]["accuracy"] == history_2["test"]["accuracy"]
    # Rank 0 alone logs: each line once, and the run says it used 2 processes.
    assert done.stdout.count("epoch  1/2") == 1 and done.stdout.count("test accuracy") == 1, done.stdout
    assert "2 processes (gloo)" in done.stdout
    assert (ddp_out / "checkpoint.pt").is_file() and (ddp_out / "history.png").stat().st_size > 0


def test_resume_under_torchrun_ends_where_an_uninterrupted_run_ends(two_processes, data_dir, tmp_path):
    uninterrupted, _ = two_processes
    common = ["-m", "torch_impl", "train", *TRAIN_ARGS, "--data-dir", str(data_dir), "--out", str(tmp_path)]
    first = torchrun(*common, "--epochs", "1")
    assert first.returncode == 0, first.stdout + first.stderr
    second = torchrun(*common, "--epochs", "2", "--resume")
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("resuming from") == 1 and "epoch  1/2" not in second.stdout
    resumed, straight = weights(tmp_path), weights(uninterrupted)
    for name in straight:
        assert torch.equal(resumed[name], straight[name]), name
    history = json.loads((tmp_path / "history.json").read_text())["history"]
    expected = json.loads((uninterrupted / "history.json").read_text())["history"]
    assert [r["epoch"] for r in history] == [1, 2]
    for a, b in zip(history, expected, strict=True):
        assert {k: v for k, v in a.items() if k != "seconds"} == {k: v for k, v in b.items() if k != "seconds"}


FAILING_WORKER = """
import sys
import torch
from torch_impl.distributed import init_from_environment
from torch_impl.training import TrainConfig, prepare_data, run_recipe

run = init_from_environment(torch.device("cpu"))

def fail_on_rank_1(record):
    if run.rank == 1:
        raise RuntimeError(f"injected failure on rank 1 after epoch {record['epoch']}")

run_recipe(prepare_data("ag_news", sys.argv[1]), TrainConfig(epochs=3, batch_size=6, progress=False),
           checkpoint_path=sys.argv[2], distributed=run, on_epoch_end=fail_on_rank_1)
"""


def test_a_failure_in_one_process_ends_all_of_them_with_its_error(data_dir, tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent(FAILING_WORKER))
    checkpoint = tmp_path / "checkpoint.pt"
    start = time.perf_counter()
    done = torchrun(str(script), str(data_dir), str(checkpoint), timeout=240)
    assert done.returncode != 0
    assert "injected failure on rank 1 after epoch 1" in done.stdout + done.stderr
    assert time.perf_counter() - start < 240  # rank 0, waiting in an all-reduce, was ended too
    # Rank 0 had saved epoch 1 before the failure: nothing finished is lost.
    assert torch.load(checkpoint, weights_only=True)["epoch"] == 1


class _FakeCorpus:
    """Rows are their own index: batches(n, order) yields (labels, text, offsets) of those rows."""

    def __len__(self) -> int:
        return 23

    def batches(self, batch_size, order=None):
        rows = np.asarray(order, dtype=np.int64)
        yield rows, rows, np.arange(len(rows), dtype=np.int64)


@pytest.mark.parametrize("world_size", [2, 3])
def test_each_global_batch_is_split_across_processes_and_weighted_to_its_mean(world_size):
    order = np.random.default_rng(0).permutation(23)
    shares = []
    for rank in range(world_size):
        part = DistributedRun.__new__(DistributedRun)
        part.rank, part.world_size = rank, world_size
        steps = []
        for labels, _, _ in part.batches(_FakeCorpus(), 5, order=order, keep_empty=True):
            steps.append((labels.tolist(), part.loss_scale(len(labels))))
        shares.append(steps)
    assert len({len(steps) for steps in shares}) == 1  # every process takes every step
    for step, start in enumerate(range(0, 23, 5)):
        rows = [row for steps in shares for row in steps[step][0]]
        assert sorted(rows) == sorted(order[start:start + 5].tolist())
        # DDP averages over processes: the scaled local means average to the global mean.
        assert sum(steps[step][1] for steps in shares) == pytest.approx(world_size)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gloo_runs_its_collectives_on_one_worker_thread(monkeypatch):
    # (torch's two threads run DDP's sparse and dense all-reduces at once, which now and then
    # corrupts the heap on torch 2.13: see `_gloo_with_one_thread`)
    environment = {"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0", "MASTER_ADDR": "127.0.0.1",
                   "MASTER_PORT": str(_free_port())}
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    run = DistributedRun("gloo", torch.device("cpu"))
    try:
        assert torch.distributed.get_backend() == "gloo_one_thread" and run.backend == "gloo"
        assert run.sparse_allreduce  # (gloo's sparse all-reduce, for the course's sparse embedding)
        group = torch.distributed.distributed_c10d._get_default_group()
        assert group._get_backend(torch.device("cpu")).options._threads == 1
        sparse = torch.sparse_coo_tensor([[0, 2]], torch.ones(2, 3), (4, 3), check_invariants=True)
        dense = torch.arange(3.0)
        torch.distributed.all_reduce(sparse)
        torch.distributed.all_reduce(dense)
        assert torch.equal(sparse.to_dense()[[0, 2]], torch.ones(2, 3)) and torch.equal(dense, torch.arange(3.0))
    finally:
        run.close()
    assert not torch.distributed.is_initialized()


def test_under_torchrun_the_cli_ends_its_process_itself_with_its_status_and_output(tmp_path):
    # (it leaves with os._exit, skipping the interpreter's teardown, where torch 2.13's gloo can
    # abort a finished process: see `end_torchrun_process`; the torchrun tests above check a
    # successful run's status and output, this one an error's)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0",
           "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29999"}
    script = ("import atexit, sys; from torch_impl.cli import main; "
              "atexit.register(lambda: print('teardown ran')); print('before'); main(sys.argv[1:])")
    done = subprocess.run([sys.executable, "-c", script, "train", "--backend", "nccl", "--out", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == "before\n"  # flushed before leaving (a pipe buffers it), and no teardown
    assert "--backend nccl" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--backend", "nccl"], "--backend nccl needs CUDA"),
        (["train", "--device", "cuda", "--backend", "nccl"], "CUDA is not available"),
        (["train", "--device", "cuda", "--compile", "reduce-overhead"], "CUDA is not available"),
        (["train", "--device", "cuda:1"], "CUDA is not available"),
        (["evaluate", "--device", "cuda"], "CUDA is not available"),
    ],
)
def test_every_cuda_option_fails_in_one_line_without_cuda(argv, message, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err
