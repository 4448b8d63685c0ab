"""Benchmark scripts: run with `python -m benchmarks.<name>`; each prints a table and saves JSON, markdown and PNG.

Threads: both backends get the same number of threads, `BENCH_THREADS` (default 1). It is
set here, before NumPy or torch is imported, through the variables their thread pools
read at start-up (OpenBLAS/OpenMP/MKL; torch's intra-op pool follows OMP_NUM_THREADS).
On a small shared machine a second thread mostly spins: with two threads, tiny BLAS calls
in NumPy and tiny kernels in torch both got several times slower here.
"""
import os

THREADS = os.environ.setdefault("BENCH_THREADS", "1")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, THREADS)
