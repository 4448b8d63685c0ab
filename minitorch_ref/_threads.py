"""How many threads minitorch_ref's own kernels may use: `set_num_threads` / `get_num_threads`, as torch's.

NumPy releases the GIL inside its ufuncs, so a kernel that works in independent passes (the
float32 Box-Muller of `_rng_math.box_muller_avx2`) can hand its passes to a few threads and
finish sooner in wall time, with the same numbers: each pass writes its own slice of the result.
The default is the number of cores this process may use, as torch's default.
"""
from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_num_threads = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None


def get_num_threads() -> int:
    """The number of threads minitorch_ref's parallel kernels use."""
    return _num_threads


def set_num_threads(num: int) -> None:
    """Use `num` threads in minitorch_ref's parallel kernels (1: everything in the calling thread)."""
    global _num_threads, _pool
    if not isinstance(num, builtins.int) or isinstance(num, bool):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(num).__name__}")
    if num <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    if num != _num_threads and _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None
    _num_threads = num


def run_in_threads(work: Callable[[Any], None], items: Iterable[Any]) -> None:
    """Call `work(item)` for every item, spread over `get_num_threads()` threads; the first error is raised."""
    global _pool
    items = list(items)
    if _num_threads == 1 or len(items) < 2:
        for item in items:
            work(item)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_num_threads, thread_name_prefix="minitorch_ref")
    for _ in _pool.map(work, items):  # (consuming the results re-raises a pass's exception here)
        pass
