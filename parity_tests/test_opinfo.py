"""PyTorch's own OpInfo samples and error inputs, replayed on minitorch_ref (see opinfo_harness.py).

One test per op_db entry that minitorch_ref exposes: every selected sample must agree with
torch (values, dtypes, shapes, gradients) and every error input must raise torch's exception
type, except what opinfo_exclusions.py lists with its reason. Ops with known gaps are marked
xfail with the gap named (and counted as disagreements by `python -m parity_tests.opinfo_report`).
CI runs a bounded subset of samples; OPINFO_PROFILE=thorough runs all of them.
"""
from __future__ import annotations

import pytest

pytest.importorskip("expecttest", reason="torch's op_db needs expecttest (pip install -e '.[test]')")

from . import opinfo_harness as H  # noqa: E402
from .opinfo_exclusions import KNOWN_GAPS  # noqa: E402

EXPOSED = H.exposed_ops()


def _param(op):
    gap = KNOWN_GAPS.get(H.op_id(op)) or KNOWN_GAPS.get(op.name)
    marks = [pytest.mark.xfail(reason=gap, strict=False)] if gap else []
    return pytest.param(op, id=H.op_id(op), marks=marks)


@pytest.mark.parametrize("op", [_param(op) for op in EXPOSED])
def test_opinfo_samples_and_errors_agree_with_torch(op) -> None:
    outcomes = H.run_op(op)
    assert outcomes, f"{H.op_id(op)}: no sample ran"
    bad = [f"[{o.dtype}] {o.kind}: {o.detail}" for o in outcomes if o.status == "disagree"]
    assert not bad, f"{len(bad)} of {len(outcomes)} disagree:\n" + "\n".join(bad[:10])


def test_every_exposed_op_is_replayed_and_known_gaps_are_real() -> None:
    """The automatic discovery finds the ops (a broken resolver would silently test nothing), and
    every KNOWN_GAPS entry names an exposed op (a stale entry would hide nothing but mislead)."""
    ids = {H.op_id(op) for op in EXPOSED} | {op.name for op in EXPOSED}
    assert {"add", "matmul", "sum", "nn.functional.cross_entropy", "reshape"} <= ids
    assert not [name for name in KNOWN_GAPS if name not in ids]
