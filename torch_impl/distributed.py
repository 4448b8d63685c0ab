"""Training across processes with `DistributedDataParallel`, launched by `torchrun`.

    torchrun --nproc_per_node=2 -m torch_impl train ...          # one machine, 2 processes
    torchrun --nnodes=2 --node_rank=0 --nproc_per_node=1 \\
        --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 -m torch_impl train ...   # on each machine

`init_from_environment` reads torchrun's variables (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`, ...);
without them it returns `SingleProcess`, whose methods do what one process always did, so
`training.fit` has one code path for both. What changes under torchrun, and why:

- **The same global batches as one process.** Every process draws the same shuffled order
  (same seed) and cuts it into the same batches of `batch_size`; process `r` takes rows
  `r, r + N, r + 2N, ...` of each batch. So `--batch-size` stays the recipe's global batch
  (64), the learning rate stays valid, and the result can be compared with one process.
- **The exact mean over the global batch.** DDP averages the processes' gradients. When a
  batch does not split evenly (the last one, or 64 rows over 3 processes), the plain
  average of per-process means is not the batch mean, so each process scales its loss by
  `local rows * N / global rows` (`loss_scale`). A process whose share of the last batch is
  empty still takes the step (DDP needs every process in every all-reduce) with a zero loss.
- **Sparse embedding gradients.** DDP all-reduces sparse gradients on gloo (their own
  buckets, summed by an all-gather of indices and values), which keeps the course's
  `EmbeddingBag(sparse=True)`. NCCL has no sparse all-reduce (`ProcessGroupNCCL::
  allreduce_sparse` raises "NCCL does not support all_reduce with sparse tensors"), so on
  nccl the embedding is switched to dense gradients for the run. Plain SGD (the recipe's
  optimizer) gives the same update either way: untouched rows get a zero gradient.
  The gradients are identical on every process after DDP's all-reduce, so the project's
  sparse-aware `clip_grad_norm_` needs no communication: each process computes the same norm.
- **Rank 0 alone writes** checkpoints, history, plots and logs, and shows progress bars;
  on `--resume` it reads the checkpoint and broadcasts it, so other machines need no copy.
"""
from __future__ import annotations

import atexit
import builtins
import gc
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import torch
from torch import nn

from torch_impl.checkpoint import load_checkpoint

BACKENDS = ("auto", "gloo", "nccl")
TORCHRUN_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def under_torchrun() -> bool:
    """True when torchrun (or another launcher setting its variables) started this process."""
    return all(name in os.environ for name in TORCHRUN_VARIABLES)


def check_backend(backend: str, device: torch.device) -> str:
    """The process-group backend for `device`: auto -> nccl on CUDA, gloo on CPU.

    Raises `DeviceError` (one line, exit status 2 in the CLI) for nccl without CUDA.
    """
    from torch_impl.training import DeviceError

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "auto":
        return "nccl" if device.type == "cuda" else "gloo"
    if backend == "nccl":
        if not torch.cuda.is_available():
            raise DeviceError("--backend nccl needs CUDA, which is not available on this machine (use gloo)")
        if device.type != "cuda":
            raise DeviceError(f"--backend nccl needs --device cuda, not {device}")
        if not torch.distributed.is_nccl_available():
            raise DeviceError("--backend nccl: this torch build has no NCCL (use gloo)")
    return backend


class SingleProcess:
    """One process: what `training.fit` does without torchrun (every method is the plain step)."""

    rank = 0
    world_size = 1
    is_main = True
    backend: str | None = None
    loss_scale: Callable[[int], float] | None = None

    def local_device(self, device: torch.device) -> torch.device:
        return device

    def wrap(self, model: nn.Module) -> nn.Module:
        return model

    def release(self, model: nn.Module) -> None:
        """Undo what `wrap` changed on `model` (nothing here)."""

    def criterion(self, criterion: nn.Module) -> nn.Module:
        return criterion

    def batches(self, corpus: Any, batch_size: int, order: Sequence[int] | np.ndarray | None = None, *,
                keep_empty: bool = False) -> Iterator:
        return corpus.batches(batch_size, order=order)

    def reduce(self, metrics: Any) -> Any:
        return metrics

    def exists(self, path: str | Path) -> bool:
        return Path(path).exists()

    def load_checkpoint(self, path: str | Path, **kwargs: Any) -> dict:
        return load_checkpoint(path, **kwargs)

    def print(self, *args: Any, **kwargs: Any) -> None:
        builtins.print(*args, **kwargs)

    def close(self) -> None:
        """End this process's part of the job (nothing to do for one process)."""


class DistributedRun(SingleProcess):
    """This process's part of a torchrun job (see the module docstring for the design)."""

    def __init__(self, backend: str, device: torch.device) -> None:
        import torch.distributed as dist

        self.local_rank = int(os.environ["LOCAL_RANK"])
        self._device = device
        if device.type == "cuda":
            self._device = torch.device("cuda", self.local_rank if device.index is None else device.index)
            torch.cuda.set_device(self._device)
        if not dist.is_initialized():
            one_thread = backend == "gloo" and device.type == "cpu"  # (measured on CPU; see the function)
            dist.init_process_group(_gloo_with_one_thread() if one_thread else backend)
            atexit.register(_destroy_process_group)
        self.backend = backend
        self.rank = dist.get_rank()
        self.world_size = dist.get_world_size()
        self.is_main = self.rank == 0
        self._global_rows = 1
        self._densified: list[nn.Module] = []

    def local_device(self, device: torch.device) -> torch.device:
        return self._device

    @property
    def sparse_allreduce(self) -> bool:
        """Whether DDP can all-reduce sparse gradients on this backend (gloo yes, nccl no)."""
        return self.backend == "gloo"

    def wrap(self, model: nn.Module) -> nn.Module:
        """`DistributedDataParallel(model)`; sparse embeddings become dense where the backend needs it."""
        from torch.nn.parallel import DistributedDataParallel

        if not self.sparse_allreduce:
            for module in model.modules():
                if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and module.sparse:
                    module.sparse = False
                    self._densified.append(module)
        device_ids = [self._device.index] if self._device.type == "cuda" else None
        return DistributedDataParallel(model, device_ids=device_ids)

    def release(self, model: nn.Module) -> None:
        """After training: sparse embeddings back to sparse, and the dropped DDP wrapper collected now.

        DDP's reducer keeps the process group alive; collected here, the group ends in
        `close()` (`destroy_process_group`), not during interpreter shutdown (see
        `end_torchrun_process` for what gloo can still do then).
        """
        for module in self._densified:
            module.sparse = True
        self._densified.clear()
        gc.collect()

    def criterion(self, criterion: nn.Module) -> nn.Module:
        return _ZeroOnEmpty(criterion)

    def batches(self, corpus: Any, batch_size: int, order: Sequence[int] | np.ndarray | None = None, *,
                keep_empty: bool = False) -> Iterator:
        """This process's rows of each global batch: rows `rank, rank + N, ...` of it.

        `keep_empty=True` (training) yields an empty batch where this process has no row,
        so that every process takes the same number of steps.
        """
        order = np.arange(len(corpus), dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            mine = rows[self.rank::self.world_size]
            self._global_rows = len(rows)
            if len(mine):
                yield next(corpus.batches(len(mine), order=mine))
            elif keep_empty:
                empty = np.zeros(0, dtype=np.int64)
                yield empty, empty, empty

    def loss_scale(self, local_rows: int) -> float:  # type: ignore[override]
        """Turns DDP's average of per-process means into the mean over the global batch."""
        return local_rows * self.world_size / self._global_rows

    def reduce(self, metrics: Any) -> Any:
        """`Metrics` summed over every process's rows (all-reduce of sums and counts)."""
        import torch.distributed as dist

        sums = torch.tensor([metrics.loss * metrics.count, round(metrics.accuracy * metrics.count), metrics.count],
                            dtype=torch.float64, device=self._device)
        dist.all_reduce(sums)
        total_loss, correct, count = sums.tolist()
        return type(metrics)(total_loss / max(count, 1), correct / max(count, 1), int(count))

    def _from_main(self, compute: Callable[[], Any]) -> Any:
        """`compute()` on rank 0, its result (or its exception, raised) on every process."""
        import torch.distributed as dist

        box: list[Any] = [None]
        if self.is_main:
            try:
                box[0] = (True, compute())
            except Exception as error:  # noqa: BLE001 - re-raised on every process below
                box[0] = (False, error)
        dist.broadcast_object_list(box, src=0, device=self._device if self._device.type == "cuda" else None)
        ok, value = box[0]
        if not ok:
            raise value
        return value

    def exists(self, path: str | Path) -> bool:
        return self._from_main(lambda: Path(path).exists())

    def load_checkpoint(self, path: str | Path, **kwargs: Any) -> dict:
        """Rank 0 reads the file; every process gets its content (no shared file system needed)."""
        kwargs["map_location"] = "cpu"  # tensors travel pickled; load_state_dict moves them to the device
        return self._from_main(lambda: load_checkpoint(path, **kwargs))

    def print(self, *args: Any, **kwargs: Any) -> None:
        """Only rank 0 prints: the other processes stay quiet."""
        if self.is_main:
            builtins.print(*args, **kwargs)


    def close(self) -> None:
        """Wait for every process (rank 0 may still be writing), then leave the process group."""
        import torch.distributed as dist

        if dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()


class _ZeroOnEmpty(nn.Module):
    """The loss, or a zero joined to the graph for a process with no row in this step.

    (The mean over no rows is NaN; DDP still needs this process's backward pass.)
    """

    def __init__(self, criterion: nn.Module) -> None:
        super().__init__()
        self.inner = criterion

    def forward(self, predicted: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if labels.numel() == 0:
            return predicted.sum() * 0.0
        return self.inner(predicted, labels)


def init_from_environment(device: torch.device, backend: str = "auto") -> SingleProcess:
    """A `DistributedRun` under torchrun (process group started), else `SingleProcess()`.

    The backend is checked in both cases, so that `--backend nccl` on a machine without
    CUDA fails at once with a one-line message.
    """
    backend = check_backend(backend, device)
    if not under_torchrun():
        return SingleProcess()
    return DistributedRun(backend, device)


GLOO_ONE_THREAD = "gloo_one_thread"


def _gloo_with_one_thread() -> str:
    """gloo with one worker thread, registered once as a backend: its name, for `init_process_group`.

    torch gives gloo two worker threads, so DDP's all-reduces of its two buckets (the
    embedding's sparse gradient and the dense ones) run at the same time. On torch 2.13 that
    corrupts the heap now and then: a gloo thread dies in `malloc` (SIGSEGV, or "malloc():
    unaligned tcache chunk detected"), in the sparse or the dense all-reduce. Measured with
    `torchrun --nproc_per_node=2 -m torch_impl train` (2 epochs of 500 rows, batches of 6):
    4 crashes in 500 runs with two threads (about one per 20,000 steps), none in 403 with one.
    With one thread the all-reduces run one after the other: an epoch of 2 processes on 2 CPU
    cores is slower (docs/distributed.md has the figures), but runs do not die.
    """
    import torch.distributed as dist

    def create(store: Any, rank: int, size: int, timeout: Any) -> Any:
        options = dist.ProcessGroupGloo._Options()
        options._timeout = timeout
        options._threads = 1
        options._devices = [dist.ProcessGroupGloo.create_default_device()]
        return dist.ProcessGroupGloo(store, rank, size, options)

    if GLOO_ONE_THREAD not in dist.Backend.backend_list:
        dist.Backend.register_backend(GLOO_ONE_THREAD, create, devices=["cpu"])
    return GLOO_ONE_THREAD


def end_torchrun_process(status: int) -> NoReturn:
    """End this torchrun process now with `status`, without the interpreter's teardown.

    Called by the CLI once a command has finished (the process group closed, every file
    written). On torch 2.13, gloo's worker thread releases a finished collective (the last
    `barrier` holds the all-reduces before it) a moment after the Python thread has moved on.
    If the interpreter is shutting down by then, releasing those tensors' Python objects
    needs the GIL, which ends the thread with a forced unwind: `std::terminate`, "terminate
    called without an active exception", SIGABRT, and torchrun reports a finished run as
    failed (3 of 202 runs of `torchrun --nproc_per_node=2 -m torch_impl train` here, none of
    701 since; the core dump shows the gloo thread in `~AsyncBarrierWork` taking the GIL while
    the main thread is in the interpreter's final garbage collection). Leaving with `os._exit`
    after flushing is what `multiprocessing` does for its own worker processes.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    logging.shutdown()
    os._exit(status)


def _destroy_process_group() -> None:
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()
