"""The benchmarks' side-by-side timing: alternation and per-round ratios."""
from __future__ import annotations

import statistics

import pytest

from benchmarks import common


def test_side_by_side_alternates_and_reports_per_round_ratios(monkeypatch):
    calls: list[str] = []
    clock = iter(range(1000))  # a fake clock: each reading advances by one "second"
    monkeypatch.setattr(common.time, "perf_counter", lambda: float(next(clock)))

    def slow():  # costs one extra tick per call
        calls.append("slow")
        next(clock)

    def fast():
        calls.append("fast")

    timings, ratios = common.measure_side_by_side({"fast": fast, "slow": slow}, repeat=3, numbers={"slow": 2})
    assert calls == ["fast", "slow", "slow"] * 3  # round after round, each in turn
    assert [timings["fast"].median_s, timings["slow"].median_s] == [1.0, 1.5]  # slow: (1 + 2 ticks) / 2 calls
    assert ratios == {"fast": [1.0, 1.0, 1.0], "slow": [1.5, 1.5, 1.5]}
    assert timings["slow"].repeat == 3


def test_side_by_side_ratio_survives_a_slow_moment(monkeypatch):
    """A hiccup of the machine during a round slows both functions of that round: the ratio holds."""
    now = [0.0]
    monkeypatch.setattr(common.time, "perf_counter", lambda: now[0])
    busy = iter([1, 1, 5, 5, 1, 1, 1, 1, 9, 9])  # per call: how busy the machine is (rounds 2 and 5 busy)

    def torch_like():  # costs 2 units of time on a quiet machine
        now[0] += 2.0 * next(busy)

    def ours():  # costs 1 unit
        now[0] += 1.0 * next(busy)

    timings, ratios = common.measure_side_by_side({"torch": torch_like, "ours": ours}, repeat=5)
    assert ratios["ours"] == pytest.approx([0.5] * 5)
    assert timings["ours"].max_s == pytest.approx(9.0)  # the busy round shows in the spread, not in the ratio
