"""Benchmark scripts: run with `python -m benchmarks.<name>`; each prints a table and saves JSON, markdown and PNG."""
