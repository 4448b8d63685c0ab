"""Test-wide configuration: hypothesis profiles and the `../shared` fixtures.

Hypothesis runs with a fixed seed (derandomize) and a bounded number of examples, in CI
(CI=true) and by default everywhere else too, so that a learner's run gives the same result
as CI's. `HYPOTHESIS_PROFILE=explore` draws fresh random examples (to hunt for new
disagreements with torch); `thorough` draws many more.
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

settings.register_profile(  # (20 examples: the whole suite must stay well inside CI's 10 minutes)
    "ci", derandomize=True, max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "explore", max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _private_cache_folder(tmp_path_factory):
    """The encoded-corpus cache falls back to $XDG_CACHE_HOME for read-only data folders: during the tests
    (CLI subprocesses included) that is a temporary folder, so the suite writes nothing into the user's home."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


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
