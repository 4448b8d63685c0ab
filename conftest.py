"""Test-wide configuration: hypothesis profiles and the `../shared` fixtures.

CI sets CI=true: hypothesis then runs with a fixed seed (derandomize), a bounded number
of examples and no deadline, so the suite is deterministic and fits in CI's time.
"""
from __future__ import annotations

import os

# One BLAS/OpenMP thread for NumPy and torch in tests: on 2 shared cores a second thread
# mostly spins, making the tiny models of the test suite several times slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pytest
from hypothesis import HealthCheck, settings

from course.paths import ag_news_dir, golden_dir

settings.register_profile(
    "ci", derandomize=True, max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev", max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def ag_news_path():
    """The real AG_NEWS folder, or skip with the reason (the rows are never copied into the repo)."""
    path = ag_news_dir()
    if not (path / "test.csv").exists():
        pytest.skip(f"real AG_NEWS rows not found at {path} (set MINITORCH_SHARED to the shared/ folder)")
    return path


@pytest.fixture(scope="session")
def golden_path():
    """The torchtext 0.18.0 golden files, or skip with the reason."""
    path = golden_dir()
    if not path.is_dir():
        pytest.skip(f"torchtext golden files not found at {path} (set MINITORCH_SHARED to the shared/ folder)")
    return path
