"""`python -m parity_tests.opinfo_report`: the OpInfo agreement table, per op family and per op.

Runs opinfo_harness over every op_db entry minitorch_ref exposes (OPINFO_PROFILE=thorough for
all samples, else CI's bounded subset) and writes the table to stdout and, with `--out DIR`,
`opinfo_report.md` and `opinfo_report.json` there (plus every disagreement, with its sample).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from . import opinfo_harness as H


def table(outcomes: list) -> tuple[str, dict]:
    rows = defaultdict(lambda: defaultdict(int))
    for o in outcomes:
        for key in (o.family, "all"):
            rows[key][f"{o.kind}-{o.status}"] += 1
    figures = {}
    lines = ["| family | samples | agree | excluded | disagree | agree / all | agree / compared | error inputs | "
             "raise torch's type |", "|---|---|---|---|---|---|---|---|---|"]
    for fam in sorted(k for k in rows if k != "all") + ["all"]:
        r = rows[fam]
        n = r["sample-agree"] + r["sample-excluded"] + r["sample-disagree"]
        e = r["error-agree"] + r["error-excluded"] + r["error-disagree"]
        share = r["sample-agree"] / n if n else 1.0
        compared = r["sample-agree"] + r["sample-disagree"]  # (excluded samples are out of scope, each with its reason)
        cshare = r["sample-agree"] / compared if compared else 1.0
        eshare = r["error-agree"] / (e - r["error-excluded"]) if e - r["error-excluded"] else 1.0
        figures[fam] = {"samples": n, "agree": r["sample-agree"], "excluded": r["sample-excluded"],
                        "disagree": r["sample-disagree"], "agreement": share, "agreement_compared": cshare, "errors": e,
                        "errors_agree": r["error-agree"], "errors_excluded": r["error-excluded"]}
        lines.append(f"| {fam} | {n} | {r['sample-agree']} | {r['sample-excluded']} | {r['sample-disagree']} | "
                     f"{share:.1%} | {cshare:.1%} | {e} ({r['error-excluded']} excluded) | {eshare:.1%} |")
    return "\n".join(lines), figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for opinfo_report.md / .json")
    parser.add_argument("--ops", nargs="*", help="only these op_db names")
    args = parser.parse_args(argv)
    ops = [op for op in H.exposed_ops() if not args.ops or op.name in args.ops]
    outcomes = []
    for i, op in enumerate(ops, 1):
        outcomes += H.run_op(op)
        print(f"\r[{i}/{len(ops)}] {H.op_id(op):40s}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    text, figures = table(outcomes)
    profile = "thorough (all samples)" if H.THOROUGH else f"CI (<= {H.CI_SAMPLES_PER_DTYPE} samples per op and dtype)"
    report = [f"# OpInfo agreement, {len(ops)} op_db entries exposed by minitorch_ref, profile {profile}", "", text,
              "", "## Disagreements", ""]
    report += [f"- {o.op} [{o.dtype}] {o.kind}: {o.detail}" for o in outcomes if o.status == "disagree"]
    report += ["", "## Excluded (see parity_tests/opinfo_exclusions.py)", ""]
    seen = defaultdict(int)
    for o in outcomes:
        if o.status == "excluded":
            seen[(o.op, o.kind, o.detail)] += 1
    report += [f"- {op} ({kind}, {n}): {why}" for (op, kind, why), n in sorted(seen.items())]
    print("\n".join(report))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "opinfo_report.md").write_text("\n".join(report) + "\n")
        (args.out / "opinfo_report.json").write_text(json.dumps(
            {"profile": profile, "families": figures, "outcomes": [o.__dict__ for o in outcomes]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
