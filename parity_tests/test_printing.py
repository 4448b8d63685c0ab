"""Parity: minitorch_ref._printing.format_tensor against torch's own repr.

Every check builds a torch tensor and a NumPy array from the same values (the torch
tensor via ``torch.from_numpy``, so the bits are identical) and compares
``format_tensor(array, dtype_name=...)`` with ``repr(tensor)`` where "torch." reads
"minitorch_ref.". Print options are reset for both libraries around every test.
"""
from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minitorch_ref import _printing
from minitorch_ref._printing import (
    format_tensor,
    get_printoptions,
    printoptions,
    set_printoptions,
)

EXAMPLES = max(settings.default.max_examples, 200)  # each example costs ~1 ms
NAN, INF = math.nan, math.inf
INT_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8]
FLOAT_DTYPES = [np.float32, np.float64, np.float16]
ALL_DTYPES = [*INT_DTYPES, *FLOAT_DTYPES, np.bool_]


@pytest.fixture(autouse=True)
def _restore_printoptions():
    """Start from defaults in both libraries and put back whatever was there before."""
    old_torch, old_ref = torch._tensor_str.get_printoptions(), get_printoptions()
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")
    yield
    torch.set_printoptions(**old_torch)
    set_printoptions(**old_ref)


def torch_repr(t: torch.Tensor) -> str:
    return repr(t).replace("torch.", "minitorch_ref.")


def ref_repr(t: torch.Tensor, **kw) -> str:
    """format_tensor fed with the same values, dtype and autograd state as `t`."""
    grad_fn = t.grad_fn
    return format_tensor(
        t.detach().numpy().copy(), dtype_name=str(t.dtype).removeprefix("torch."),
        default_float_name=str(torch.get_default_dtype()).removeprefix("torch."),
        requires_grad=t.requires_grad, grad_fn_name=None if grad_fn is None else type(grad_fn).__name__,
        **kw)


def assert_same(array: np.ndarray) -> None:
    t = torch.from_numpy(np.array(array, copy=True))
    assert ref_repr(t) == torch_repr(t)


def arr(values, dtype=np.float32) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float64 if dtype != np.bool_ else None).astype(dtype)


_rng = np.random.default_rng(0)
EDGE_CASES = {
    # integers: width from the longest str, no dtype suffix for int64 only
    "int64": arr([1, -22, 333], np.int64), "int32": arr([5, -7], np.int32),
    "uint8": arr([0, 7, 255], np.uint8), "int8": arr([-128, 127], np.int8),
    "int16": arr([[1, 2], [-300, 4]], np.int16), "int64-0d": arr(5, np.int64),
    "int32-0d": arr(-5, np.int32), "int64-extreme": arr([np.iinfo(np.int64).min, 0], np.int64),
    "bool": arr([True, False, True], np.bool_), "bool-0d": arr(True, np.bool_),
    "bool-2d": arr([[True], [False]], np.bool_),
    # floats: fixed point, int mode, sci mode
    "fixed": arr([1.5, 2.25, -3.125]), "integral": arr([1.0, 2.0, -30.0]),
    "integral-f64": arr([1.0, 2.0], np.float64), "integral-f16": arr([1.0, 2.0], np.float16),
    "tiny": arr([1e-8, 1.0]), "huge": arr([1e8, 1.0]), "above-1e8": arr([1.5e8]),
    "below-1e-4": arr([5e-5]), "at-1e-4": arr([1e-4]), "ratio-1000": arr([1.0, 1000.0]),
    "ratio-1001": arr([1.0, 1001.0]), "ratio-1000.5": arr([0.5, 500.25]),
    "sci-integral": arr([1e10, 1.0]), "sci-integral-big": arr([1e20, -3e20], np.float64),
    "f64-extremes": arr([1e300, 1e-300, -5e-324], np.float64), "f32-subnormal": arr([1e-45, 1.0]),
    "f16-max": arr([65504.0, -0.5], np.float16), "f16": arr([0.1, 0.2, 0.3], np.float16),
    "f64-fixed": arr([0.1, 0.2], np.float64), "rounding": arr([0.99995, 1.00005, 2.5]),
    # non-finite and signed zero
    "nonfinite": arr([NAN, INF, -INF]), "nan-int": arr([NAN, 1.0, 2.0]), "inf-int": arr([INF, 1.0, -2.0]),
    "nan-frac": arr([NAN, 1.5]), "inf-sci": arr([INF, 1e-8, 1.0]), "nan-wide": arr([NAN, 12345.5, 1.5]),
    "neg-zero": arr([-0.0]), "neg-zero-mix": arr([-0.0, 0.0, 1.5]), "neg-zero-int": arr([-0.0, 2.0]),
    "zeros": arr([0.0, 0.0]), "zeros-f64": arr([[0.0, -0.0]], np.float64),
    # 0-d
    "0d": arr(3.14159), "0d-int": arr(3.0), "0d-nan": arr(NAN), "0d-neginf": arr(-INF),
    "0d-negzero": arr(-0.0), "0d-sci": arr(1e-9, np.float64), "0d-f16": arr(0.5, np.float16),
    # line wrapping and nesting
    "wrap-f32": arr(np.arange(50) * 1.1), "wrap-int": arr(np.arange(100), np.int64),
    "wrap-randn": arr(_rng.standard_normal(30)), "wrap-sci": arr(_rng.standard_normal(40) * 1e5, np.float64),
    "wrap-bool": arr(_rng.random(60) > 0.5, np.bool_), "wide-rows": arr(_rng.standard_normal((3, 40))),
    "3d": arr(np.arange(24).reshape(2, 3, 4), np.int64), "3d-f": arr(_rng.standard_normal((2, 3, 4))),
    "4d": arr(_rng.standard_normal((2, 2, 2, 3)), np.float64), "4d-int": arr(np.arange(48).reshape(2, 2, 3, 4), np.int32),
    "unit-dims": arr(np.ones((1, 1, 1, 1))),
    # summarised (numel > 1000)
    "sum-1d": arr(np.arange(2000) * 0.5), "sum-2d": arr(_rng.standard_normal((40, 40))),
    "sum-3d": arr(_rng.standard_normal((3, 200, 10)), np.float64), "sum-int": arr(np.arange(1001), np.int64),
    "sum-bool": arr(np.ones(1500), np.bool_), "sum-uint8": arr(np.arange(2000) % 256, np.uint8),
    "sum-sci": arr(np.logspace(-10, 10, 2000)), "sum-4d": arr(_rng.standard_normal((10, 10, 10, 2)), np.float16),
    "sum-hidden-wide": arr(np.r_[np.ones(3), 1e9, np.ones(1000), 7.0, 8.0, 9.0]),  # 1e9 is not shown
    "sum-short-dim": arr(_rng.standard_normal((2, 3, 200))),
}
# empty tensors: size= unless 1-D, dtype= unless the default float
EDGE_CASES.update({f"empty-{np.dtype(d).name}-{s}": np.zeros(s, d)
                   for d in ALL_DTYPES for s in [(0,), (0, 3), (2, 0, 4)]})


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases(name):
    assert_same(EDGE_CASES[name])


# --- generated tensors --------------------------------------------------------------
_finite = st.floats(-1e6, 1e6)
_scaled = st.builds(lambda m, e: m * 10.0 ** e, st.floats(-10, 10), st.integers(-12, 12))
_special = st.sampled_from([NAN, INF, -INF, 0.0, -0.0])
FLOAT_STYLES = {
    "fixed": st.floats(-100, 100) | _special,
    "integral": st.integers(-10**6, 10**6).map(float) | _special,
    "mixed-magnitude": _scaled | _special,
    "anything": st.floats(allow_nan=True, allow_infinity=True),
}


@st.composite
def arrays(draw, max_side=6):
    """Ranks 0-4 of every dtype; floats drawn in float64 then cast (overflow -> inf)."""
    dtype = np.dtype(draw(st.sampled_from(ALL_DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    if dtype.kind == "b":
        return draw(hnp.arrays(dtype, shape, elements=st.booleans()))
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        small = st.integers(max(info.min, -9), min(info.max, 99))
        return draw(hnp.arrays(dtype, shape, elements=small | st.integers(info.min, info.max)))
    style = draw(st.sampled_from(sorted(FLOAT_STYLES)))
    return arr(draw(hnp.arrays(np.float64, shape, elements=FLOAT_STYLES[style])), dtype)


@settings(max_examples=EXAMPLES)
@given(arrays())
def test_generated(a):
    assert_same(a)


OPTIONS = st.fixed_dictionaries({}, optional={
    "precision": st.integers(0, 8), "threshold": st.integers(0, 60), "edgeitems": st.integers(0, 4),
    "linewidth": st.integers(10, 120), "sci_mode": st.sampled_from([None, True, False]),
    "profile": st.sampled_from(["default", "short", "full"]),
})


@settings(max_examples=EXAMPLES)
@given(arrays(max_side=5), OPTIONS)
def test_generated_with_printoptions(a, options):
    torch.set_printoptions(**options)
    set_printoptions(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    assert_same(a)


# --- print options --------------------------------------------------------------------
SAMPLES = [EDGE_CASES[k] for k in ["fixed", "integral", "tiny", "int64", "bool", "0d", "wrap-f32",
                                   "wrap-int", "3d-f", "4d", "sum-1d", "sum-2d", "sum-3d",
                                   "nonfinite", "empty-int64-(0, 3)"]]


@pytest.mark.parametrize("options", [
    {"precision": 2}, {"precision": 0}, {"precision": 10}, {"sci_mode": True}, {"sci_mode": False},
    {"threshold": 5}, {"threshold": 0}, {"threshold": 5, "edgeitems": 1}, {"threshold": 5, "edgeitems": 0},
    {"linewidth": 40}, {"linewidth": 1}, {"linewidth": 200}, {"profile": "short"}, {"profile": "full"},
    {"profile": "short", "precision": 6}, {"edgeitems": 0}, {"threshold": math.inf},
], ids=str)
def test_printoptions_match_torch(options):
    torch.set_printoptions(**options)
    set_printoptions(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    for a in SAMPLES:
        assert_same(a)


def test_printoptions_context_manager_restores():
    set_printoptions(precision=6, sci_mode=True)
    before = get_printoptions()
    with printoptions(precision=1, threshold=3):
        assert get_printoptions() == {**before, "precision": 1, "threshold": 3, "sci_mode": None}
        assert format_tensor(arr([1.26, 2.0]), dtype_name="float32") == "tensor([1.3, 2.0])"
    assert get_printoptions() == before


def test_profile_resets_and_sci_mode_always_assigned():
    """Like torch: a profile resets the four numeric options; omitting sci_mode resets it."""
    for lib in (torch, _printing):
        lib.set_printoptions(precision=7, edgeitems=9, sci_mode=True)
        lib.set_printoptions(profile="short")
    assert get_printoptions() == torch._tensor_str.get_printoptions() == {
        "precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80, "sci_mode": None}


# --- suffixes -------------------------------------------------------------------------
def _autograd_cases():
    x = torch.ones(2, requires_grad=True)
    w = torch.linspace(-3, 3, 12, dtype=torch.float64, requires_grad=True)
    return {
        "leaf": x, "leaf-0d": torch.tensor(1.5, requires_grad=True), "mul": x * 2, "sum": (x * 2).sum(),
        "f64-leaf": w, "f64-pow": w ** 2 * 1e-3, "empty-leaf": torch.zeros(0, 3, requires_grad=True),
        "empty-f64": torch.zeros(2, 0, dtype=torch.float64, requires_grad=True) + 1,
        "matmul": torch.ones(3, 4, requires_grad=True) @ torch.ones(4, 2), "view": x.view(1, 2),
        "wide-wrap": torch.arange(7, dtype=torch.float64).mul(1.23456).requires_grad_() * 1,
        "long-suffix-wrap": torch.full((10,), 123456.5, dtype=torch.float64, requires_grad=True),
        "summarised": torch.arange(2000.0, requires_grad=True).exp(),
    }


@pytest.mark.parametrize("name", list(_autograd_cases()))
def test_autograd_suffixes(name):
    t = _autograd_cases()[name]
    assert ref_repr(t) == torch_repr(t)


def test_suffix_examples():
    assert ref_repr(torch.ones(2, requires_grad=True)) == "tensor([1., 1.], requires_grad=True)"
    assert ref_repr(torch.ones(2, requires_grad=True) * 2) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
    assert "\n" in torch_repr(_autograd_cases()["long-suffix-wrap"])  # the wrap branch is exercised


@pytest.mark.parametrize("name", ["integral", "integral-f64", "empty-float32-(0,)", "empty-float64-(0, 3)",
                                  "fixed", "int64", "f16"])
def test_default_dtype_float64(name):
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        assert_same(EDGE_CASES[name])
    finally:
        torch.set_default_dtype(old)


class _Sub(torch.Tensor):
    pass


@pytest.mark.parametrize("name", ["3d-f", "wrap-f32", "sum-2d", "empty-int32-(0, 3)"])
def test_prefix_indents_continuation_lines(name):
    """A tensor subclass prints "<ClassName>(" and indents by that prefix's length."""
    t = torch.from_numpy(EDGE_CASES[name].copy()).as_subclass(_Sub)
    assert ref_repr(t, prefix="_Sub(") == torch_repr(t)


def test_dtype_aliases_and_bool_storage():
    assert format_tensor(np.zeros(1), dtype_name="double") == "tensor([0.], dtype=minitorch_ref.float64)"
    assert format_tensor(np.array([1, 0], np.uint8), dtype_name="bool") == "tensor([ True, False])"


def test_printing_module_never_imports_torch():
    tree = ast.parse(Path(_printing.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "contextlib", "dataclasses", "math", "typing", "numpy"}
