"""`gradcheck`: compare the gradients backward() computes with finite differences.

For a function `f` and an input `x`, the Jacobian entry d out[j] / d x[i] can be estimated
without any calculus, by nudging one element of `x` both ways:

    (f(x + eps * e_i)[j] - f(x - eps * e_i)[j]) / (2 * eps)

(central differences: the error shrinks with eps**2). backward() gives the same matrix one
row of outputs at a time: seeding `out.backward(gradient=e_j)` leaves d out[j] / d x in
`x.grad`. If the two disagree, the backward rule is wrong. In float32 the nudge is lost in
rounding, so, as with torch, use float64 inputs.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from .grad_mode import enable_grad, no_grad
from .tensor_base import TensorBase


class GradcheckError(RuntimeError):
    """Raised when the analytical and numerical Jacobians differ (torch's GradcheckError)."""


def gradcheck(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """True when backward() agrees with finite differences for every (output, input) pair.

    `inputs` is a tensor or a tuple of arguments; only tensors with requires_grad=True are
    checked. The check is `|analytical - numerical| <= atol + rtol * |numerical|`, element-wise,
    with torch's defaults. On failure it raises `GradcheckError` showing both Jacobians (rows:
    input elements, columns: output elements), or returns False if `raise_exception=False`.
    torch's other options are taken: `fast_mode` runs this same full check; nondeterminism,
    undefined and wrong-dtype gradients need no check here (the backward pass is deterministic
    and casts each gradient to its input's dtype); forward-mode and batched checks are refused.
    """
    _check_options(check_forward_ad, check_backward_ad, check_batched_grad, check_batched_forward_grad)
    inputs = (inputs,) if isinstance(inputs, TensorBase) else tuple(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, TensorBase) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    for i in checked:
        if inputs[i].dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex. ",
                UserWarning, stacklevel=2)
    outputs = _outputs(fn, inputs)
    for k, out in enumerate(outputs):
        analytical = _analytical_jacobians(fn, inputs, checked, k)
        for i, a in zip(checked, analytical):
            n = _numerical_jacobian(fn, inputs, i, k, eps)
            if not np.all(np.abs(a - n) <= atol + rtol * np.abs(n)):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"numerical:{inputs[i]._make(n)!r}\nanalytical:{inputs[i]._make(a)!r}\n")
    return True


def _check_options(forward_ad: bool, backward_ad: bool, batched_grad: bool, batched_forward_grad: bool) -> None:
    """torch's checks of the options, then a clear refusal of what needs forward-mode AD or vmap."""
    if not (forward_ad or backward_ad):
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    if batched_grad and not backward_ad:
        raise AssertionError("Setting check_batched_grad=True requires check_backward_ad to be True")
    if batched_forward_grad and not forward_ad:
        raise AssertionError("Setting check_batched_forward_grad=True requires check_forward_ad to be True")
    for name, wanted in [("check_forward_ad", forward_ad), ("check_batched_grad", batched_grad)]:
        if wanted:
            raise NotImplementedError(f"minitorch_ref's gradcheck does not support {name}=True (it has no "
                                      "forward-mode AD and no vmap)")


def _outputs(fn: Callable[..., Any], inputs: Sequence) -> list:
    """The floating-point tensor outputs of `fn` (a single tensor counts as a 1-tuple)."""
    out = fn(*inputs)
    out = out if isinstance(out, (tuple, list)) else (out,)
    return [o for o in out if isinstance(o, TensorBase) and o.is_floating_point()]


def _numerical_jacobian(fn: Callable[..., Any], inputs: Sequence, i: int, k: int, eps: float) -> np.ndarray:
    """J[p, q] = d output_k[q] / d input_i[p] by central differences, nudging input i in place."""
    x = inputs[i]._data
    columns = []
    with no_grad():
        size = _outputs(fn, inputs)[k]._data.size
        for p in range(x.size):
            original = x.flat[p]
            x.flat[p] = original + eps
            plus = _outputs(fn, inputs)[k]._data.astype(np.float64)
            x.flat[p] = original - eps
            minus = _outputs(fn, inputs)[k]._data.astype(np.float64)
            x.flat[p] = original
            columns.append(((plus - minus) / (2 * eps)).reshape(-1))
    return np.array(columns, dtype=np.float64).reshape(x.size, size)


def _analytical_jacobians(fn: Callable[..., Any], inputs: Sequence, checked: list, k: int) -> list:
    """One Jacobian per checked input, built row by row with `out.backward(gradient=one_hot)`."""
    saved = [inputs[i]._grad for i in checked]  # leave the learner's .grad untouched
    with enable_grad():
        out = _outputs(fn, inputs)[k]
    jacobians = [np.zeros((inputs[i]._data.size, out._data.size)) for i in checked]
    try:
        for q in range(out._data.size if out.requires_grad else 0):
            seed = np.zeros(out._data.size, dtype=out._data.dtype)
            seed[q] = 1
            for i in checked:
                inputs[i]._grad = None
            out.backward(out._make(seed.reshape(out._data.shape)), retain_graph=True)
            for jac, i in zip(jacobians, checked):
                if inputs[i]._grad is not None:
                    jac[:, q] = np.asarray(inputs[i]._grad._data if isinstance(inputs[i]._grad, TensorBase)
                                           else inputs[i]._grad.to_dense_array(), dtype=np.float64).reshape(-1)
    finally:
        for i, g in zip(checked, saved):
            inputs[i]._grad = g
    return jacobians
