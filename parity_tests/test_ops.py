"""Every op in op_table.OPS against torch: values, shapes, dtypes, gradients, gradcheck, errors.

The same `call` runs on torch and on minitorch_ref with equal inputs (same values, same
memory layout, separate memory). float64 results must agree to ~1e-12 relative where the
math is the same, float32 to 1e-5; integer and bool results exactly.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch_ref as mt
from minitorch_ref.autograd import gradcheck

from .op_table import OPS, OpInfo
from .strategies import Arg, Sample


def _outputs(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _numpy(t) -> np.ndarray:
    return t.detach().numpy()


def assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float, what: str) -> None:
    """Equal for ints and bools; for floats relative `rtol`, absolute `rtol` times the largest magnitude."""
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != torch's {expected.shape}"
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} != torch's {expected.dtype}"
    if expected.dtype.kind != "f":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
        return
    finite = np.abs(expected[np.isfinite(expected)])
    scale = max(1.0, float(finite.max())) if finite.size else 1.0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale, equal_nan=True, err_msg=what)


def run(lib, op: OpInfo, sample: Sample, grad: bool):
    """Build the inputs in `lib` (float ones requiring grad when `grad`) and call the op."""
    inputs = [a.make(lib, requires_grad=grad and a.values.dtype.kind == "f") for a in sample.args]
    return inputs, op.call(lib, *inputs, **sample.kwargs)


def check_against_torch(op: OpInfo, sample: Sample, dtype) -> None:
    grad = op.differentiable and np.dtype(dtype).kind == "f"
    t_inputs, t_out = run(torch, op, sample, grad)
    m_inputs, m_out = run(mt, op, sample, grad)
    t_outs, m_outs = _outputs(t_out), _outputs(m_out)
    assert len(m_outs) == len(t_outs), "number of outputs"
    for k, (m, t) in enumerate(zip(m_outs, t_outs)):
        rtol = op.tolerance(_numpy(t).dtype)
        assert isinstance(m, mt.Tensor), f"output {k} is {type(m).__name__}, not a Tensor"
        assert str(m.dtype) == str(t.dtype).replace("torch.", "minitorch_ref."), f"output {k}: dtype"
        assert m.shape == tuple(t.shape), f"output {k}: shape {m.shape} != torch's {tuple(t.shape)}"
        assert_close(_numpy(m), _numpy(t), rtol, f"output {k} of {op.name}")
        assert m.requires_grad == t.requires_grad, f"output {k}: requires_grad"
        contiguous = all(a.layout == "contiguous" for a in sample.args)
        if t.grad_fn is not None and (op.grad_fn_name == "always" or (op.grad_fn_name == "contiguous" and contiguous)):
            assert m.grad_fn.name() == type(t.grad_fn).__name__, f"output {k}: grad_fn {m.grad_fn.name()} != torch's {type(t.grad_fn).__name__}"
    if grad:  # the same op on inputs that require no grad: minitorch_ref's no-graph path, same values
        _, plain = run(mt, op, sample, grad=False)
        for k, (m, t) in enumerate(zip(_outputs(plain), t_outs)):
            assert not m.requires_grad and m.grad_fn is None, f"output {k} without grad: recorded a graph"
            assert_close(_numpy(m), _numpy(t), op.tolerance(_numpy(t).dtype), f"output {k} of {op.name} without grad")
    if not grad or not t_outs[0].requires_grad:
        return
    seed = np.random.default_rng(0).standard_normal(tuple(t_outs[0].shape)).astype(_numpy(t_outs[0]).dtype)
    t_outs[0].backward(torch.from_numpy(seed.copy()))
    m_outs[0].backward(mt.from_numpy(seed.copy()))
    for i, (m, t) in enumerate(zip(m_inputs, t_inputs)):
        if t.grad is None:
            assert m.grad is None, f"input {i} got a gradient, torch's is None"
        else:
            assert m.grad is not None, f"input {i} got no gradient"
            rtol = op.tolerance(_numpy(t.grad).dtype)
            assert_close(_numpy(m.grad), _numpy(t.grad), rtol, f"gradient of input {i} of {op.name}")


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
@given(data=st.data())
def test_values_and_gradients_match_torch(op: OpInfo, data) -> None:
    dtype = data.draw(st.sampled_from(op.dtypes), label="dtype")
    sample = data.draw(op.sample(dtype), label="sample")
    check_against_torch(op, sample, dtype)


def _smooth(sample: Sample, rng: np.random.Generator) -> Sample:
    """Same shapes, layouts and arguments; float values moved away from 0 and from each other.

    Finite differences need a function that is smooth around the point: no kink (relu, abs at
    0) and no tie (max) within eps. Magnitudes in [0.5, 2] with random signs (positive where
    the drawn values all were, for log and sqrt) give that with probability ~1.
    """
    args = []
    for a in sample.args:
        if a.values.dtype.kind != "f":
            args.append(a)
            continue
        magnitude = rng.uniform(0.5, 2.0, a.values.shape)
        sign = 1.0 if np.all(a.values > 0) else rng.choice([-1.0, 1.0], a.values.shape)
        args.append(Arg(np.asarray(magnitude * sign, dtype=np.float64), a.layout))
    return Sample(tuple(args), sample.kwargs)


GRADCHECKED = [op for op in OPS if op.differentiable and op.gradcheck and np.float64 in op.dtypes]


@pytest.mark.parametrize("op", GRADCHECKED, ids=lambda op: op.name)
@settings(max_examples=4)
@given(data=st.data())
def test_gradcheck_float64(op: OpInfo, data) -> None:
    sample = _smooth(data.draw(op.sample(np.float64), label="sample"), np.random.default_rng(0))
    inputs = [a.make(mt, requires_grad=a.values.dtype.kind == "f") for a in sample.args]
    assert gradcheck(lambda *xs: op.call(mt, *xs, **sample.kwargs), inputs)


ERRORS = [(op, err) for op in OPS for err in op.errors]


@pytest.mark.parametrize("op,err", ERRORS, ids=[f"{op.name}-{err.name}" for op, err in ERRORS])
def test_error_inputs_raise_like_torch(op, err) -> None:
    with pytest.raises(Exception) as torch_error:
        err.call(torch)
    with pytest.raises(Exception) as ref_error:
        err.call(mt)
    assert type(torch_error.value) is err.error, f"torch raised {torch_error.value!r}; fix the table"
    assert type(ref_error.value) is err.error, f"minitorch_ref raised {ref_error.value!r}"
    if err.same_message:
        assert str(ref_error.value) == str(torch_error.value).replace("torch.", "minitorch_ref.")


def test_gradcheck_catches_a_wrong_backward() -> None:
    """gradcheck itself can fail: a Function whose backward is off by a factor is reported."""

    class WrongSquare(mt.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x  # should be 2 * x

    x = mt.tensor([0.5, -1.5, 2.0], dtype=mt.float64, requires_grad=True)
    assert not gradcheck(WrongSquare.apply, (x,), raise_exception=False)
    with pytest.raises(mt.autograd.GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(WrongSquare.apply, (x,))
    assert x.grad is None  # the learner's .grad is left alone


def test_gradcheck_argument_errors_match_torch() -> None:
    for lib in (torch, mt):
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            lib.autograd.gradcheck(lambda x: x * 2, (lib.ones(2, dtype=lib.float64),))
        with pytest.warns(UserWarning, match="not a double precision floating point"):
            lib.autograd.gradcheck(lambda x: x * 2, (lib.ones(2, requires_grad=True),), raise_exception=False)


@pytest.mark.parametrize("sa, sb", [((1, 1), (1, 1, 1)), ((2, 3), (4, 3, 5)), ((5, 3), (4, 3, 1)), ((0, 3), (2, 3, 4)),
                                    ((3,), (4, 3, 5)), ((2, 2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 2))])
def test_matmul_node_names_follow_torch_decomposition(sa, sb):
    """torch names matmul's node after what it decomposed into (mm, mv, bmm, a transpose, a copy)."""
    names = []
    for lib in (torch, mt):
        out = lib.zeros(*sa, requires_grad=True) @ lib.zeros(*sb, requires_grad=True)
        names.append(out.grad_fn.name())
    assert names[1] == names[0]
