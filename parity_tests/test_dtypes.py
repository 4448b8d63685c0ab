"""dtypes, type promotion and Python numbers in the corners a differential probe found wrong.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: the results must
have the same dtype, shape and bits (signed zeros, NaNs and float16's last bit included), or both
programs must raise the same exception with the same message ("torch." read as "minitorch_ref.").
"""
from __future__ import annotations

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

INF = float("inf")


def _in_place(m, x, op, other):
    """`y = x; y <op>= other`: returns x, which must be the tensor that changed."""
    y = x
    y = {"//": y.__ifloordiv__, "%": y.__imod__, "**": y.__ipow__, "&": y.__iand__, "|": y.__ior__,
         "^": y.__ixor__}[op](other)
    return x


def _with_reciprocal(t):
    return t, 1 / t  # (1 / x tells -0.0 from 0.0)


CASES = {
    # integers sort descending without negating them (-(-128) is -128 in int8; every uint8 wraps)
    "sort-int8-descending": lambda m: m.tensor([-128, -3, 5, 127], dtype=m.int8).sort(descending=True),
    "sort-uint8-descending": lambda m: m.tensor([0, 255, 3], dtype=m.uint8).sort(descending=True),
    "argsort-uint8-descending": lambda m: m.tensor([[0, 255, 3]], dtype=m.uint8).argsort(dim=1, descending=True),
    "topk-uint8": lambda m: m.tensor([0, 255, 3], dtype=m.uint8).topk(2),
    "topk-int64-extremes": lambda m: m.tensor([-2**63, 5, 2**63 - 1]).topk(2),
    "topk-bool-checks-k-first": lambda m: m.tensor([True]).topk(5),
    # clamp's number bounds: no bool kernel, and each bound must fit the (promoted) dtype
    "clamp-bool-number": lambda m: m.tensor([True, False]).clamp(min=True),
    "clamp-bool-both": lambda m: m.tensor([True, False]).clamp(False, True),
    "clamp_max-bool": lambda m: m.tensor([True, False]).clamp_max(False),
    "clamp-uint8-overflow": lambda m: m.tensor([1, 2], dtype=m.uint8).clamp(0, 300),
    "clamp_min-int8-overflow": lambda m: m.tensor([1, 2], dtype=m.int8).clamp_min(-129),
    "clamp_-int16-overflow": lambda m: m.tensor([1, 2], dtype=m.int16).clamp_(max=70000),
    "clamp-float16-overflow": lambda m: m.tensor([1.0], dtype=m.float16).clamp(max=1e6),
    # `** tensor` is C's pow for every element (NumPy takes sqrt for a 0-d or broadcast exponent 0.5)
    "rpow-neg-inf-0d": lambda m: (float("-inf") ** m.tensor(0.5), m.pow(-INF, m.tensor(0.5, dtype=m.float64))),
    "pow-broadcast-exponent-half": lambda m: _with_reciprocal(m.tensor([-INF, -0.0, 4.0]) ** m.tensor(0.5)),
    "pow-float16-minus-half": lambda m: _with_reciprocal(m.tensor([-0.0, -INF], dtype=m.float16) ** -0.5),
    "torch.pow-number-tensor": lambda m: m.pow(2, m.tensor([3, 4])),
    # unary operators on the wrong dtype
    "plus-bool": lambda m: +m.tensor([True]),
    "invert-float": lambda m: ~m.tensor([1.5]),
    # `a //= b` and friends are in place (not `a = a // b`), with the in-place dtype check first
    **{f"in-place-{op}": (lambda op: lambda m: _in_place(m, m.tensor([7, 9], dtype=m.uint8), op,
                                                         m.tensor([2, 3], dtype=m.int8)))(op)
       for op in ["//", "%", "**", "&", "|", "^"]},
    "in-place-and-float-into-int": lambda m: _in_place(m, m.tensor([7, 9]), "&", 1.5),
    "in-place-xor-int-into-bool": lambda m: _in_place(m, m.tensor([True, False]), "^", m.tensor([1, 0])),
    "in-place-floordiv-bool-by-zero": lambda m: _in_place(m, m.tensor([True, False]), "//", 0),
    # a number on the left of & and ^
    "number-and-tensor": lambda m: 3 & m.tensor([1, 2]),
    "bool-xor-tensor": lambda m: True ^ m.tensor([True, False]),
    # fill_ checks a number as tensor() does: -1 wraps into uint8, 300 and -0.5 do not fit
    "fill_-uint8-minus-1": lambda m: m.zeros(2, dtype=m.uint8).fill_(-1),
    "fill_-uint8-300": lambda m: m.zeros(2, dtype=m.uint8).fill_(300),
    "fill_-uint8-minus-half": lambda m: m.zeros(2, dtype=m.uint8).fill_(-0.5),
    "fill_-float16-overflow": lambda m: m.zeros(2, dtype=m.float16).fill_(70000),
    "masked_fill-0d-value-checked": lambda m: m.zeros(2, dtype=m.uint8).masked_fill(m.tensor([True, False]),
                                                                                     m.tensor(-0.5)),
    # where still takes a uint8 condition (with a deprecation warning)
    "where-uint8-condition": lambda m: m.where(m.tensor([2, 0], dtype=m.uint8), 1.0, 2.0),
    "std-int-error": lambda m: m.tensor([1, 2]).std(),
    # a 0-d or empty input never reaches the (missing) bool kernel of cumsum/cumprod
    "cumsum-0d-dtype-bool": lambda m: m.tensor(3).cumsum(0, dtype=m.bool),
    "cumprod-empty-dtype-bool": lambda m: m.zeros(0, 3).cumprod(1, dtype=m.bool),
    # float16 computed in float32, float32's running kernels in float64, as torch's CPU kernels
    "lerp-float16-large-weight": lambda m: m.lerp(m.tensor([1.0, 2.0], dtype=m.float16),
                                                  m.tensor([1.0, 2.0], dtype=m.float16), 70000.0),
    "logaddexp-float16": lambda m: m.logaddexp(m.tensor([-0.1371], dtype=m.float16),
                                               m.tensor([-2.043], dtype=m.float16)),
    "cumsum-float32-accumulates-in-float64": lambda m: m.tensor([1.0, 2.0**24, 1.0, 1.0]).cumsum(0),
    "cumprod-float32-accumulates-in-float64": lambda m: m.tensor([1.1] * 8).cumprod(0),
    # torch reads a NumPy bool as a float
    "int-plus-numpy-bool": lambda m: m.tensor([1, 2]) + np.bool_(True),
    "int-less-than-numpy-bool": lambda m: m.tensor([0, 2]) < np.bool_(True),
    "int-minus-numpy-bool": lambda m: m.tensor([1, 2], dtype=m.int8) - np.bool_(True),
}


@pytest.mark.filterwarnings("ignore:where received a uint8 condition")
@pytest.mark.parametrize("case", list(CASES))
def test_dtype_semantics_match_torch(case):
    assert_matches_torch(CASES[case], exact=True)  # (the same bits)
