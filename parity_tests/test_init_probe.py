"""`nn.init` and `nn.utils` (gradient clipping, parameters <-> vector) behave as torch's, found by a differential probe.

Each case runs the same program on both libraries after the same `manual_seed` and compares
what torch defines: the values (bit for bit wherever torch's generator or exact arithmetic
makes them, to rounding where a reduction order or LAPACK decides), the dtypes, the returned
object, the generator state afterwards, the warnings, and the exception type and message.
Covers the init functions that were missing (trunc_normal_, eye_, dirac_, orthogonal_,
sparse_, the deprecated names), torch's exact clipping factor `reciprocal(norm + 1e-6) * max_norm`,
float16 norms accumulated in float32, and the functions of torch >= 2.6 (`get_total_norm`,
`clip_grads_with_norm_`). Sparse gradients are compared with `torch_impl.clip`.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import minitorch_ref as mt
import torch_impl.clip
from parity_tests.outcomes import assert_same_outcome, assert_same_value, outcome, plain

SEED = 3


def same_run(program, exact: bool = True) -> None:
    """`program(lib)` after `manual_seed(SEED)` on both: the same bits (or values to rounding), warnings or
    exception, and the generators in the same state after it (the next draws alike)."""
    runs = []
    for lib in (torch, mt):
        lib.manual_seed(SEED)
        runs.append((outcome(program, lib, warnings=True), plain(lib.rand(3, dtype=lib.float64))))
    (expected, expected_next), (got, got_next) = runs
    assert_same_value(expected_next, got_next, "the next draws", exact=True)
    assert_same_outcome(expected, got, exact=exact, tolerance=(1e-5, 1e-6))


DTYPES = ["float32", "float64", "float16"]
SHAPES = [(0, 3), (5,), (3, 5), (300, 17), (4, 3, 2, 2)]


# ---------------------------------------------------------------------------------------------- init
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("options", [{}, {"mean": 0.2, "std": 0.02, "a": -0.01, "b": 0.01}, {"a": 1.0, "b": 3.0},
                                     {"mean": 10.0, "a": -1.0, "b": 1.0}, {"std": 0.02, "generator": 7}])
def test_trunc_normal_(options, shape, dtype):
    """Both of torch's samplers (redrawn normals; uniforms accepted by log u > -z^2/2), same draws, same warning."""
    def program(lib):
        kwargs = dict(options)
        if "generator" in kwargs:
            kwargs["generator"] = lib.Generator().manual_seed(kwargs["generator"])
        w = lib.empty(*shape, dtype=getattr(lib, dtype))
        out = lib.nn.init.trunc_normal_(w, **kwargs)
        assert out is w
        return out
    same_run(program)


@pytest.mark.parametrize("program", [
    lambda lib: lib.nn.init.trunc_normal_(lib.empty(4, dtype=lib.int64)),
    lambda lib: lib.nn.init.trunc_normal_(lib.empty(4), std=0.0),
    lambda lib: lib.nn.init.trunc_normal_(lib.empty(20, 30).t(), std=0.3, a=0.0, b=0.1),
    lambda lib: lib.nn.init.trunc_normal_(lib.nn.Parameter(lib.empty(6, 7))).requires_grad,
])
def test_trunc_normal_edge_cases(program):
    same_run(program)


@pytest.mark.parametrize("shape", [(2, 3), (3, 3), (3, 2), (0, 2), (3,), (2, 2, 2)])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_eye_(shape, dtype):
    same_run(lambda lib: lib.nn.init.eye_(lib.ones(*shape, dtype=getattr(lib, dtype))))


@pytest.mark.parametrize("shape, groups", [((4, 3, 5), 1), ((4, 6, 3, 3), 2), ((6, 2, 2, 3, 3), 3), ((2, 5, 4), 1),
                                           ((3, 2, 2), 2), ((3, 3), 1), ((2, 2, 2, 2, 2, 2), 1), ((4, 2, 3), 0)])
def test_dirac_(shape, groups):
    same_run(lambda lib: lib.nn.init.dirac_(lib.nn.Parameter(lib.ones(*shape)), groups))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 3, 2, 2), (300, 17), (0, 4)])
def test_orthogonal_(shape, dtype):
    """torch's normals through a QR (LAPACK): equal to rounding; the generator is left as torch leaves it."""
    same_run(lambda lib: lib.nn.init.orthogonal_(lib.empty(*shape, dtype=getattr(lib, dtype)), gain=2.0),
             exact=False)


@pytest.mark.parametrize("program", [
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3)),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3, 3, dtype=lib.float16)),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(2, 3, 4).transpose(1, 2)),  # cannot be viewed as a matrix
])
def test_orthogonal_errors(program):
    same_run(program)


@pytest.mark.parametrize("shape", [(10, 4), (7, 3), (1, 5), (0, 2)])
@pytest.mark.parametrize("sparsity", [0.0, 0.3, 1.0, -0.3])
def test_sparse_(shape, sparsity):
    """The rows to zero come from the default generator's `randperm`, even when `generator` is given."""
    same_run(lambda lib: lib.nn.init.sparse_(lib.empty(*shape), sparsity))
    same_run(lambda lib: lib.nn.init.sparse_(lib.empty(*shape, dtype=lib.float64), sparsity, std=1.0,
                                             generator=lib.Generator().manual_seed(1)))


def test_sparse_needs_a_matrix():
    same_run(lambda lib: lib.nn.init.sparse_(lib.empty(2, 3, 4), 0.1))


@pytest.mark.parametrize("name, args", [("uniform", ()), ("normal", ()), ("constant", (0.5,)), ("eye", ()),
                                        ("xavier_uniform", ()), ("xavier_normal", ()), ("kaiming_uniform", ()),
                                        ("kaiming_normal", ()), ("sparse", (0.5,))])
def test_deprecated_names_warn_and_work(name, args):
    same_run(lambda lib: getattr(lib.nn.init, name)(lib.empty(4, 3), *args))


def test_deprecated_dirac_and_orthogonal():
    same_run(lambda lib: lib.nn.init.dirac(lib.empty(2, 2, 3)))
    same_run(lambda lib: lib.nn.init.orthogonal(lib.empty(3, 3)), exact=False)


@pytest.mark.parametrize("nonlinearity", ["linear", "conv2d", "sigmoid"])
def test_calculate_gain_of_one_is_an_int(nonlinearity):
    same_run(lambda lib: lib.nn.init.calculate_gain(nonlinearity))


# ---------------------------------------------------------------------------------------------- clipping
def params(lib, specs, grad: bool = True):
    """Parameters of the given (shape, dtype, scale), with seeded random gradients."""
    out = []
    for i, (shape, dtype, scale) in enumerate(specs):
        p = lib.nn.Parameter(lib.zeros(shape, dtype=getattr(lib, dtype)))
        if grad:
            p.grad = lib.tensor((np.random.default_rng(i).standard_normal(shape) * scale).astype(dtype))
        out.append(p)
    return out


MIXED = [((4, 3), "float32", 1.0), ((5,), "float64", 2.0), ((2, 3, 2), "float16", 0.5)]


@pytest.mark.parametrize("specs", [[((4, 3), "float32", 1.0), ((7,), "float32", 3.0)],
                                   [((4, 3), "float64", 1.0)], [((4, 3), "float16", 1.0), ((70,), "float16", 3.0)],
                                   MIXED])
def test_clip_factor_is_torch_s(specs):
    """With the infinity norm (a max: exact) the norms agree, so the clipped gradients must agree bit for bit:
    torch's factor is `reciprocal(norm + 1e-6) * max_norm` in the norm's dtype, then each gradient's `mul_`."""
    def program(lib):
        ps = params(lib, specs)
        return [lib.nn.utils.clip_grad_norm_(ps, 0.1, math.inf)] + [p.grad for p in ps]
    same_run(program)


@pytest.mark.parametrize("norm_type", [2.0, 3.5, 0.5, -2.5])
def test_float16_norm_accumulates_in_float32(norm_type):
    def program(lib):
        ps = params(lib, [((4, 3), "float16", 1.0), ((70,), "float16", 3.0)])
        return [lib.nn.utils.clip_grad_norm_(ps, 0.1, norm_type)] + [p.grad for p in ps]
    same_run(program)


@pytest.mark.parametrize("norm_type", [2.0, 3.5, -2.5])
def test_overflowing_norm_warns_nothing(norm_type):
    """An infinite norm is a result, not a NumPy RuntimeWarning (torch warns nothing)."""
    same_run(lambda lib: lib.nn.utils.clip_grad_norm_(params(lib, [((4,), "float32", 1e30)]), 1.0, norm_type))


def test_empty_generator_warns():
    same_run(lambda lib: lib.nn.utils.clip_grad_norm_((p for p in []), 1.0))


@pytest.mark.parametrize("norm_type", [-1.0, -0.5])
def test_negative_norm_of_an_empty_gradient_raises(norm_type):
    same_run(lambda lib: lib.nn.utils.clip_grad_norm_(params(lib, [((0, 3), "float32", 1.0)]), 1.0, norm_type))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_integer_gradients_are_refused(dtype):
    def with_grad(lib):
        p = lib.zeros(2, dtype=getattr(lib, dtype))
        p.grad = lib.ones(2, dtype=getattr(lib, dtype))
        return [p]
    same_run(lambda lib: lib.nn.utils.clip_grad_norm_(with_grad(lib), 1.0))
    same_run(lambda lib: lib.nn.utils.clip_grad_value_(with_grad(lib), 1.0))


def test_deprecated_clip_grad_norm():
    same_run(lambda lib: lib.nn.utils.clip_grad_norm(params(lib, MIXED[:1]), 0.5, math.inf))


@pytest.mark.parametrize("program", [
    lambda lib: lib.nn.utils.get_total_norm([p.grad for p in params(lib, MIXED)], math.inf),
    lambda lib: lib.nn.utils.get_total_norm(params(lib, MIXED)[2].grad, 2.0),
    lambda lib: lib.nn.utils.get_total_norm(g for g in [lib.ones(3), lib.ones(2)]),
    lambda lib: lib.nn.utils.get_total_norm([]),
    lambda lib: lib.nn.utils.get_total_norm([lib.tensor([math.nan])], error_if_nonfinite=True),
])
def test_get_total_norm(program):
    same_run(program)


@pytest.mark.parametrize("norm_dtype", ["float32", "float64", "float16"])
def test_clip_grads_with_norm_(norm_dtype):
    def program(lib):
        ps = params(lib, MIXED)
        total = lib.tensor(3.7, dtype=getattr(lib, norm_dtype))
        assert lib.nn.utils.clip_grads_with_norm_(ps, 0.5, total) is None
        lib.nn.utils.clip_grads_with_norm_(ps[0], 0.5, total)  # a single tensor too
        return [p.grad for p in ps]
    same_run(program)


def test_parameters_to_vector_and_back():
    def program(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
        vec = lib.nn.utils.parameters_to_vector(model.parameters())
        assert vec.requires_grad
        assert lib.nn.utils.vector_to_parameters(vec.detach() * 2, model.parameters()) is None
        return [vec, *model.parameters(), lib.nn.utils.parameters_to_vector(params(lib, MIXED[:2], grad=False))]
    same_run(program)


@pytest.mark.parametrize("program", [
    lambda lib: lib.nn.utils.parameters_to_vector([]),
    lambda lib: lib.nn.utils.vector_to_parameters([1.0] * 8, lib.nn.Linear(3, 2).parameters()),
    lambda lib: lib.nn.utils.vector_to_parameters(lib.arange(5.0), lib.nn.Linear(3, 2).parameters()),
])
def test_parameters_to_vector_errors(program):
    same_run(program)


@pytest.mark.parametrize("dtype, norm_type", [("float64", 2.0), ("float64", math.inf), ("float64", 1.0),
                                               ("float64", -math.inf), ("float32", -math.inf)])
def test_sparse_gradient_without_rows_matches_torch_impl(dtype, norm_type):
    """A batch of empty bags leaves an `EmbeddingBag(sparse=True)` gradient with no rows: it adds nothing to the
    norm (`torch_impl.clip` leaves it out, and so a total of float32 zero when it is the only gradient)."""
    def clip(lib, clip_grad_norm_):
        lib.manual_seed(0)
        emb = lib.nn.EmbeddingBag(10, 3, mode="sum", sparse=True).to(getattr(lib, dtype))
        emb(lib.tensor([], dtype=lib.int64), lib.tensor([0, 0])).sum().backward()
        return clip_grad_norm_(emb.parameters(), 0.1, norm_type)
    got, expected = clip(mt, mt.nn.utils.clip_grad_norm_), clip(torch, torch_impl.clip.clip_grad_norm_)
    assert_same_value(plain(expected), plain(got), exact=True)
