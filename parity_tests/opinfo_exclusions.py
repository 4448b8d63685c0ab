"""What the OpInfo replay (opinfo_harness.py) deliberately does not compare, each with its reason.

This is the one place: a sample or error input that matches a rule here is counted as
"excluded" in the report (never silently dropped); everything else must agree with torch.
A rule names an op (`op` is the op_db name, or `name.variant`) and, optionally, `when`: a
predicate on the sample (or error input) and dtype; without `when` the whole op is excluded.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch


@dataclass(frozen=True)
class Exclusion:
    op: str
    reason: str
    when: Callable[[Any, Any], bool] | None = None

    def matches(self, op_id: str, name: str) -> bool:
        return self.op in ("*", op_id, name)


def _kw(key: str) -> Callable[[Any, Any], bool]:
    return lambda s, dtype: key in s.kwargs


def _err_kw(key: str) -> Callable[[Any, Any], bool]:
    return lambda e, dtype: key in e.sample_input.kwargs


def _err_regex(*words: str) -> Callable[[Any, Any], bool]:
    return lambda e, dtype: any(w in (e.error_regex or "") for w in words)


RANDOM = ("random values: OpInfo draws its samples without seeding both libraries alike; torch-identical streams are "
          "proven seed by seed in parity_tests/test_random.py")

# Whole ops (every sample and error input).
OP_EXCLUSIONS: list[Exclusion] = [
    Exclusion("randn", RANDOM),
    Exclusion("randn_like", RANDOM),
    Exclusion("rand_like", RANDOM),
    Exclusion("randint", RANDOM),
    Exclusion("nn.functional.dropout", RANDOM),
    Exclusion("bernoulli", RANDOM),
    Exclusion("multinomial", RANDOM),
    Exclusion("norm.nuc", "matrix norms (nuclear) are outside issue 12 (vector norms only)"),
    Exclusion("half", "float16 is a storage type here: NumPy's float16 arithmetic rounds differently from torch's"),
]

# Single samples.
SAMPLE_EXCLUSIONS: list[Exclusion] = [
    Exclusion("linalg.eigh", "eigenvectors are unique only up to sign, which NumPy's LAPACK and torch's may choose "
              "differently: eigenvalues, sign-fixed eigenvectors and sign-invariant gradients are compared in "
              "test_linalg2_probe.py", lambda s, d: True),
    Exclusion("topk", "tied values: which of the tied indices torch's topk returns is unspecified (values agree; "
              "minitorch_ref keeps the first, as a stable sort)",
              lambda s, d: s.input.numel() and s.input.unique().numel() < s.input.numel()),
    Exclusion("kthvalue", "tied values: which of the tied indices torch's kthvalue (a quickselect) returns is "
              "unspecified (values agree; minitorch_ref keeps the one a stable sort puts at place k)",
              lambda s, d: s.input.numel() and s.input.unique().numel() < s.input.numel()),
    Exclusion("mode", "more than 16 elements: torch's std::sort (an unstable introsort past 16) leaves which "
              "place of the most frequent value is returned unspecified (values agree; minitorch_ref keeps the last, "
              "as torch's insertion sort of short slices does)", lambda s, d: s.input.numel() > 16),
    *[Exclusion(name, "tied values without stable=True: torch's (unstable) sort orders ties unspecified; "
                "minitorch_ref's sort is stable", lambda s, d: not s.kwargs.get("stable") and s.input.numel() and
                s.input.unique().numel() < s.input.numel()) for name in ("sort", "argsort")],
    Exclusion("nn.functional.triplet_margin_with_distance_loss", "a torch module as distance_function "
              "(`torch.nn.PairwiseDistance()`), which minitorch_ref's loss cannot call on its tensors: the loss with "
              "minitorch_ref's own distance functions is compared in test_losses2_probe.py",
              lambda s, d: isinstance(s.kwargs.get("distance_function"), torch.nn.Module)),
    Exclusion("as_strided", "an input that is a view into a larger storage (partial_views: 10 elements from 5 of 20), "
              "which as_strided reads from its start: the replay copies each input into memory of its own (as_strided "
              "of partial views is compared in test_views_probe.py)",
              lambda s, d: s.input.untyped_storage().nbytes() > s.input.numel() * s.input.element_size()),
]

# Single error inputs.
ERROR_EXCLUSIONS: list[Exclusion] = [
    Exclusion("*", "out= checks (dtype, overlap, resize of the out tensor): out= exists only on the functions added "
                   "by issue 12's second part (median, diag, scatter, index_add, masked_select, ...; dtype checked, "
                   "resized as torch, tested in test_ops_more.py), and OpInfo's overlap inputs alias tensors, which "
                   "the replay copies apart", _err_kw("out")),
]

# Ops that still disagree on some samples (tested as xfail, counted as disagreements in the report):
# op -> what is missing. Remove an entry once the op agrees (the report shows which still fail).
KNOWN_GAPS: dict[str, str] = {}
