"""PyTorch's own OpInfo tests, run through minitorch_ref.

torch ships, with every wheel, the table its developers test each op with
(`torch.testing._internal.common_methods_invocations.op_db`): per op, `sample_inputs`
(tensors, positional and keyword arguments covering the op's edge cases) and
`error_inputs` (calls that must raise, with the exception type). This module replays them:

- `exposed_ops()`: every `op_db` entry whose name minitorch_ref has at the same path
  (`torch.X`, `Tensor.X`, `torch.nn.functional.X`, `torch.linalg.X`), found automatically, so
  a new op is picked up (and must agree) as soon as it exists.
- `run_samples(op, dtype)`: each sample converted to minitorch_ref tensors (same values,
  same dtypes), the op called on both, and compared: number of outputs, types, shapes,
  dtypes, values (torch's own `assert_close` tolerances), and, for float samples of ops with
  autograd, the gradient of every input that requires grad for one fixed random upstream
  gradient (the same on both sides).
- `run_errors(op)`: each error input must raise torch's exception type in minitorch_ref too.

What is deliberately not compared is listed, with its reason, in `opinfo_exclusions.py`;
every sample is counted as "agree", "disagree" or "excluded" (nothing is skipped silently).
CI (CI=true) runs a bounded, evenly spread subset of the samples of each op and dtype;
`OPINFO_PROFILE=thorough` runs all of them.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import torch

import minitorch_ref as mt
from minitorch_ref.nn import functional as MF

from .opinfo_exclusions import ERROR_EXCLUSIONS, OP_EXCLUSIONS, SAMPLE_EXCLUSIONS, Exclusion

# torch's test tables; importing them needs `expecttest` (a test dependency).
from torch.testing._internal.common_methods_invocations import op_db  # noqa: E402

DTYPES = (torch.float32, torch.float64, torch.int64) + ((torch.bool,) if os.environ.get("OPINFO_PROFILE") == "thorough"
                                                         else ())
THOROUGH = os.environ.get("OPINFO_PROFILE", "") == "thorough"
CI_SAMPLES_PER_DTYPE = 4  # evenly spread over the op's samples; all of them in the thorough profile
CI_ERRORS_PER_OP = 12

# ---------------------------------------------------------------------- families (for the report)
FAMILIES: dict[str, list[str]] = {
    "pointwise": [
        "abs", "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "reciprocal", "sigmoid", "tanh",
        "clamp", "clamp_min", "clamp_max", "maximum", "minimum", "sin", "cos", "floor", "ceil", "round", "trunc",
        "sign", "square", "rsqrt", "log1p", "log2", "expm1", "erf", "atan2", "lerp", "nan_to_num", "where",
        "masked_fill", "__radd__", "__rmul__", "__rsub__", "__rpow__", "__ror__", "max", "min",
    ],
    "comparison/logic": [
        "eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan",
        "isinf", "isfinite", "allclose", "equal",
    ],
    "reduction": [
        "sum", "mean", "all", "any", "argmax", "argmin", "cumsum", "softmax", "log_softmax", "prod", "std", "var",
        "amax", "amin", "logsumexp", "norm", "linalg.vector_norm", "cumprod", "topk", "sort", "argsort", "median",
        "unique", "count_nonzero",
    ],
    "matrices": ["matmul", "mm", "dot", "bmm", "mv", "outer", "addmm", "einsum", "__rmatmul__", "addr", "inner",
                 "tensordot", "logdet", "cholesky", "qr", "pinverse", "linalg.qr", "linalg.cholesky", "linalg.eigh",
                 "linalg.eigvalsh", "linalg.pinv", "linalg.lstsq", "linalg.slogdet", "linalg.matrix_power",
                 "linalg.matrix_rank", "linalg.multi_dot", "linalg.vecdot"],
    "nn.functional": [
        "nn.functional.relu", "nn.functional.linear", "nn.functional.dropout", "nn.functional.embedding",
        "nn.functional.embedding_bag", "nn.functional.cross_entropy", "nn.functional.nll_loss",
        "nn.functional.mse_loss", "nn.functional.l1_loss", "nn.functional.binary_cross_entropy",
        "nn.functional.binary_cross_entropy_with_logits", "nn.functional.gelu", "nn.functional.silu",
        "nn.functional.leaky_relu", "nn.functional.elu", "nn.functional.softplus", "nn.functional.layer_norm",
        "nn.functional.one_hot", "nn.functional.normalize", "nn.functional.cosine_similarity",
        "nn.functional.kl_div", "nn.functional.smooth_l1_loss", "nn.functional.huber_loss", "nn.functional.pad",
    ],
    "creation/conversion": [
        "arange", "linspace", "empty", "empty_like", "zeros", "zeros_like", "ones", "ones_like", "full",
        "full_like", "eye", "randn", "randn_like", "rand_like", "randint", "clone", "contiguous", "to", "item",
        "bool", "double", "float", "half", "int", "long", "short", "byte", "zero_", "new_zeros", "new_ones",
        "new_full", "new_tensor",
    ],
}
_FAMILY_OF = {name: family for family, names in FAMILIES.items() for name in names}


def family(op) -> str:
    return _FAMILY_OF.get(op.name, "shape/indexing")


def op_id(op) -> str:
    return op.name + (f".{op.variant_test_name}" if op.variant_test_name else "")


# ---------------------------------------------------------------------- which minitorch_ref callable
_DTYPE_METHODS = {"bool", "double", "float", "half", "int", "long", "short", "byte"}
_NAMESPACES = {"nn.functional": MF}


def _lookup(path: str) -> Any:
    obj: Any = mt
    if path.startswith("nn.functional."):
        obj, path = MF, path[len("nn.functional."):]
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _method(name: str) -> Callable:
    method = getattr(mt.Tensor, name)

    def call(self, *args, **kwargs):
        return method(self, *args, **kwargs)  # (unbound: a non-tensor `self` fails, as torch's does)

    call.__name__ = f"Tensor.{name}"
    return call


# Entries whose torch `op` is a wrapper with another signature than the public function.
OVERRIDES: dict[str, Callable] = {
    "where": lambda self, condition, other: mt.where(condition, self, other),
    "expand": lambda self, shape: self.expand(shape),
    "zero_": lambda self: self.clone().zero_(),
    "einsum": lambda tensors, equation: mt.einsum(equation, tensors),
}


def resolve(op) -> Callable | None:
    """The minitorch_ref callable that does what `op.op` does, or None if minitorch_ref lacks it."""
    if op_id(op) in OVERRIDES or op.name in OVERRIDES:
        return OVERRIDES.get(op_id(op), OVERRIDES.get(op.name))
    # (torch.linalg's functions are named `linalg_<name>`)
    plain_function = getattr(op.op, "__name__", "") in (op.name.rsplit(".", 1)[-1], op.name.replace(".", "_"))
    if op.name not in _DTYPE_METHODS and plain_function:
        fn = _lookup(op.name)
        if callable(fn) and not isinstance(fn, type) and not isinstance(fn, mt.dtype):
            return fn
    if "." not in op.name and callable(getattr(mt.Tensor, op.name, None)):
        return _method(op.name)
    if "." not in op.name and isinstance(getattr(mt.Tensor, op.name, None), property):  # T, mT
        return lambda self: getattr(self, op.name)
    return None


def exposed_ops() -> list:
    """The op_db entries minitorch_ref has (by name, at torch's path)."""
    return [op for op in op_db if resolve(op) is not None]


# ---------------------------------------------------------------------- conversion torch -> minitorch_ref
def to_mt(value: Any, leaves: dict | None = None) -> Any:
    """The same value for minitorch_ref: tensors copied (same dtype and values), dtypes and sizes mapped."""
    if isinstance(value, torch.Tensor):
        t = mt.from_numpy(value.detach().cpu().numpy().copy())
        if value.requires_grad and leaves is not None:
            t.requires_grad_(True)
            leaves[id(value)] = t
        return t
    if isinstance(value, torch.dtype):
        return getattr(mt, str(value).replace("torch.", ""))
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, torch.device):
        return mt.device(str(value))
    if isinstance(value, torch.memory_format):
        return getattr(mt, str(value).replace("torch.", ""), value)
    if isinstance(value, list):
        return [to_mt(v, leaves) for v in value]
    if isinstance(value, tuple):
        return tuple(to_mt(v, leaves) for v in value)
    if isinstance(value, dict):
        return {k: to_mt(v, leaves) for k, v in value.items()}
    return value


def _tensors(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)


def _outputs(out: Any) -> list:
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _outputs(item)]
    return [out]


# ---------------------------------------------------------------------- comparing one sample
@dataclass
class Outcome:
    op: str
    family: str
    kind: str  # "sample" or "error"
    dtype: str
    status: str  # "agree", "disagree" or "excluded"
    detail: str = ""


# op -> dtype -> assert_close keywords, where float rounding differs by design (and no order of operations
# would match torch's): each entry with the measurement that justifies it.
# pow/__rpow__: a broadcast base's float32 gradient sums up to 50 terms of +-1e5 that cancel (grad * e * b^(e-1));
# torch's and minitorch_ref's float32 sums differ by up to 4e-5 relative, both as far from the float64 sum
# (e.g. torch 3158.51, minitorch_ref 3158.63, float64 3158.42).
# nn.functional.conv2d: float32 outputs are sums of up to 36 products of magnitude ~10 (outputs up to ~350);
# torch's CPU kernel (oneDNN / its own blocked GEMM, ISA-dependent) adds them in another order than NumPy's
# tensordot: 3 of 90 thorough samples differ by up to 1.35e-5 absolute, torch 1.26e-5 and minitorch_ref
# 1.17e-5 from the float64 result (default atol: 1e-5).
TOLERANCES: dict[str, dict] = {
    "pow": {"float32": {"rtol": 1e-4, "atol": 1e-4}},
    "__rpow__": {"float32": {"rtol": 1e-4, "atol": 1e-4}},
    "nn.functional.conv2d": {"float32": {"rtol": 1.3e-6, "atol": 1e-4}},
    # nn.functional.conv3d: a weight's float32 gradient sums up to 1320 products (a 10 x 11 x 12 input, gradients up
    # to ~365); torch's and NumPy's orders differ by up to 1.5e-4 absolute, torch up to 1.1e-4 and minitorch_ref up
    # to 1.4e-4 from the float64 result
    "nn.functional.conv3d": {"float32": {"rtol": 1.3e-6, "atol": 2e-4}},
    # nn.functional.conv_transpose3d: float32 input and bias gradients of magnitude up to ~160 summed in another order
    # than torch's: up to 5.3e-5 apart, torch up to 5.5e-5 and minitorch_ref up to 5.7e-5 from the float64 result
    "nn.functional.conv_transpose3d": {"float32": {"rtol": 1.3e-6, "atol": 1e-4}},
    # a broadcast tensor2's gradient sums terms -g * t1 / t2**2 that cancel: torch's and NumPy's float32
    # summation orders differ by ~7e-5 on a sum of ~12 (each as far from the float64 sum)
    "addcdiv": {"float32": {"rtol": 1e-5, "atol": 1e-4}},
    # addbmm: float32 outputs sum 25 products of magnitude up to ~80 (outputs up to ~400); torch's kernel (one
    # addmm per batch element when the inputs require grad) and NumPy's one matmul round differently: 2 of the
    # 6 CI samples differ by up to 6.1e-5 absolute, torch up to 5.5e-5 and minitorch_ref up to 2.6e-5 from the
    # float64 result
    "addbmm": {"float32": {"rtol": 1.3e-6, "atol": 1e-4}},
    # ctc_loss: the gradient of log-probabilities (50 steps, 16 sequences) comes out of float32 forward-backward
    # recursions in log space; torch's and minitorch_ref's orders of operations differ by up to 1.2e-5 absolute
    # on gradients up to ~1, each as far from the float64 result (torch 2.2e-5, minitorch_ref 2.0e-5)
    "nn.functional.ctc_loss": {"float32": {"rtol": 1e-5, "atol": 5e-5}},
    # linalg.lstsq, linalg.pinv: float32 gradients go through a pseudo-inverse from an SVD (or, hermitian, an
    # eigendecomposition); NumPy's LAPACK calls and torch's round differently: up to 8.6e-5 absolute on
    # gradients of magnitude ~1, where torch's own float32 gradients are up to 8.7e-5 from its float64 ones;
    # a hermitian (5, 5) sample whose gradient reaches ~640 differs by 4.3e-2 (6.7e-5 relative)
    "linalg.lstsq": {"float32": {"rtol": 1e-5, "atol": 1e-4}},
    "linalg.pinv": {"float32": {"rtol": 1e-4, "atol": 1e-4}},
    # linalg.multi_dot: a chain of five float32 products of magnitude up to ~10 (torch's own float32 result is
    # up to 1.7e-3 from its float64 one); the gradients' products are taken in another order than torch's
    "linalg.multi_dot": {"float32": {"rtol": 1e-5, "atol": 1e-4}},
    # matrix_exp: float32 exponentials of batched 5x5 matrices with entries up to ~9 (results up to ~9.3e4, some
    # small ones from cancellation, gradients up to ~1e5); torch's float32 kernel is up to 7e-4 absolute (0.2% on a
    # small entry) from the float64 result and its gradient up to 4e-5 relative; minitorch_ref computes in float64
    # and rounds once (within 6e-8 relative)
    "matrix_exp": {"float32": {"rtol": 1e-4, "atol": 3e-2}},
}


def _compare(actual: Any, expected: Any, what: str, op_name: str) -> None:
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, mt.Tensor):
            raise AssertionError(f"{what}: {type(actual).__name__}, torch gives a Tensor")
        got = torch.from_numpy(np.array(actual.detach().numpy(), copy=True))
        if tuple(got.shape) != tuple(expected.shape):
            raise AssertionError(f"{what}: shape {tuple(got.shape)} != torch's {tuple(expected.shape)}")
        if got.dtype != expected.dtype:
            raise AssertionError(f"{what}: dtype {got.dtype} != torch's {expected.dtype}")
        torch.testing.assert_close(got, expected.detach(), equal_nan=True, msg=lambda m: f"{what}: {m}",
                                   **TOLERANCES.get(op_name, {}).get(str(expected.dtype)[6:], {}))
    elif isinstance(expected, (bool, int, float)) and not isinstance(actual, mt.Tensor):
        if type(actual) is not type(expected) and not (isinstance(actual, (int, float)) and
                                                        isinstance(expected, (int, float))):
            raise AssertionError(f"{what}: {type(actual).__name__}, torch gives {type(expected).__name__}")
        if not (actual == expected or (actual != actual and expected != expected)):
            raise AssertionError(f"{what}: {actual} != torch's {expected}")
    else:
        if type(actual) is not type(expected) and not isinstance(actual, mt.Tensor):
            raise AssertionError(f"{what}: {type(actual).__name__}, torch gives {type(expected).__name__}")
        if actual != expected:
            raise AssertionError(f"{what}: {actual!r} != torch's {expected!r}")


def _upstream(t: torch.Tensor, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.from_numpy(rng.standard_normal(tuple(t.shape)).astype(str(t.dtype).replace("torch.", "")))


def compare_sample(op, fn: Callable, sample, check_grad: bool) -> None:
    """Raise AssertionError (with what differs) unless minitorch_ref agrees with torch on `sample`."""
    leaves: dict = {}
    m_input, m_args, m_kwargs = to_mt((sample.input, sample.args, sample.kwargs), leaves)
    try:
        t_out = op(sample.input, *sample.args, **sample.kwargs)
    except Exception as e:  # torch refuses this sample: minitorch_ref must refuse it with the same type
        try:
            fn(m_input, *m_args, **m_kwargs)
        except Exception as m_e:
            if not isinstance(m_e, type(e)):
                raise AssertionError(f"raised {type(m_e).__name__}, torch raises {type(e).__name__}") from m_e
            return
        raise AssertionError(f"returned, torch raises {type(e).__name__}: {e}")
    m_out = fn(m_input, *m_args, **m_kwargs)
    t_outs, m_outs = _outputs(t_out), _outputs(m_out)
    if len(t_outs) != len(m_outs):
        raise AssertionError(f"{len(m_outs)} outputs, torch gives {len(t_outs)}")
    nondeterministic = op.name in VALUES_UNDEFINED
    for k, (m, t) in enumerate(zip(m_outs, t_outs)):
        if nondeterministic:
            _compare_meta(m, t, f"output {k}")
        else:
            _compare(m, t, f"output {k}", op.name)
    if not check_grad or nondeterministic:
        return
    t_inputs = [t for t in _tensors((sample.input, sample.args, sample.kwargs)) if t.requires_grad]
    pairs = [(t, m) for t, m in zip(t_outs, m_outs)
             if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point]
    if not t_inputs or not pairs:
        return
    grads = [_upstream(t, 1000 + k) for k, (t, _) in enumerate(pairs)]
    for _, m in pairs:
        if not m.requires_grad:
            raise AssertionError("output does not require grad, torch's does")
    total = None
    for (_, m), g in zip(pairs, grads):
        term = (m * mt.from_numpy(g.numpy())).sum()
        total = term if total is None else total + term
    m_inputs = [leaves[id(t)] for t in t_inputs]
    for m in m_inputs:
        m.grad = None
    try:
        t_grads = torch.autograd.grad([t for t, _ in pairs], t_inputs, grads, allow_unused=True)
    except Exception as e:  # torch has no derivative here (scatter's reduce=): minitorch_ref's backward must refuse too
        try:
            total.backward()
        except Exception as m_e:
            if not isinstance(m_e, type(e)):
                raise AssertionError(f"backward raised {type(m_e).__name__}, torch's raises {type(e).__name__}") \
                    from m_e
            return
        raise AssertionError(f"backward returned, torch's raises {type(e).__name__}: {e}")
    total.backward()
    for i, (m, t_grad) in enumerate(zip(m_inputs, t_grads)):
        if t_grad is None:
            if m.grad is not None and bool((m.grad != 0).any()):
                raise AssertionError(f"gradient of input {i}: nonzero, torch's is None")
            continue
        if m.grad is None:
            if bool((t_grad != 0).any()):
                raise AssertionError(f"gradient of input {i}: None, torch's is nonzero")
            continue
        _compare(m.grad, t_grad, f"gradient of input {i}", op.name)


VALUES_UNDEFINED = {"empty", "empty_like", "new_empty"}  # only shape and dtype are defined


def _compare_meta(m: Any, t: Any, what: str) -> None:
    if tuple(m.shape) != tuple(t.shape) or str(m.dtype).split(".")[-1] != str(t.dtype).split(".")[-1]:
        raise AssertionError(f"{what}: {tuple(m.shape)} {m.dtype} != torch's {tuple(t.shape)} {t.dtype}")


def _excluded(rules: list, op, sample, dtype) -> Exclusion | None:
    for rule in rules:
        if rule.matches(op_id(op), op.name) and (rule.when is None or rule.when(sample, dtype)):
            return rule
    return None


def _spread(items: list, limit: int) -> list:
    if THOROUGH or len(items) <= limit:
        return items
    picks = np.linspace(0, len(items) - 1, limit).round().astype(int)
    return [items[i] for i in sorted(set(picks.tolist()))]


def op_dtypes(op) -> list:
    supported = op.supported_dtypes("cpu")
    return [d for d in DTYPES if d in supported]


def run_samples(op, dtype) -> list[Outcome]:
    """Every (selected) sample of `op` for `dtype`, compared; one Outcome each."""
    fn = resolve(op)
    name, fam, dname = op_id(op), family(op), str(dtype).replace("torch.", "")
    whole = _excluded(OP_EXCLUSIONS, op, None, dtype)
    grad = op.supports_autograd and dtype.is_floating_point
    torch.manual_seed(0)
    # (op.sample_inputs_func is what op.sample_inputs wraps in a tracker that reseeds torch's RNG, and
    # formats a stack trace, per sample: three quarters of this file's time for no difference in samples)
    samples = iter(op.sample_inputs_func(op, "cpu", dtype, grad))
    if not THOROUGH:  # spread over the first few (making all of them costs more than comparing them)
        samples = itertools.islice(samples, CI_SAMPLES_PER_DTYPE * 4)
    outcomes = []
    for sample in _spread(list(samples), CI_SAMPLES_PER_DTYPE):
        rule = whole or _excluded(SAMPLE_EXCLUSIONS, op, sample, dtype)
        if rule is not None:
            outcomes.append(Outcome(name, fam, "sample", dname, "excluded", rule.reason))
            continue
        try:
            compare_sample(op, fn, sample, grad)
            outcomes.append(Outcome(name, fam, "sample", dname, "agree"))
        except Exception as e:  # noqa: BLE001 (any failure is a disagreement, recorded with its text)
            detail = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            outcomes.append(Outcome(name, fam, "sample", dname, "disagree", f"{_describe(sample)} -> {detail}"))
    return outcomes


def _describe(sample) -> str:
    def short(v):
        if isinstance(v, torch.Tensor):
            return f"T{tuple(v.shape)}{str(v.dtype)[6:]}"
        if isinstance(v, (list, tuple)):
            return "[" + ",".join(short(x) for x in v) + "]"
        return repr(v)
    return f"({short(sample.input)}, *{short(sample.args)}, **{ {k: short(v) for k, v in sample.kwargs.items()} })"


MT_DTYPES = {"float16", "float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"}
TORCH_RETURNS = "torch itself does not raise on this generic error input (op_db's table is wider than the op)"
UNREPRESENTABLE = ("a tensor minitorch_ref cannot hold: a dtype it does not have (complex, bfloat16, unsigned > 8 "
                   "bits) or more than NumPy's 64 dims")


def run_errors(op) -> list[Outcome]:
    """Every (selected) error input of `op`: minitorch_ref must raise torch's exception type."""
    fn = resolve(op)
    name, fam = op_id(op), family(op)
    whole = _excluded(OP_EXCLUSIONS, op, None, None)
    torch.manual_seed(0)
    errors = list(op.error_inputs_func(op, "cpu")) if op.error_inputs_func is not None else []
    outcomes = []
    limit = len(errors) if THOROUGH else CI_ERRORS_PER_OP
    for error in errors[:limit]:
        sample = error.sample_input
        rule = whole or _excluded(ERROR_EXCLUSIONS, op, error, None)
        if rule is not None:
            outcomes.append(Outcome(name, fam, "error", "-", "excluded", rule.reason))
            continue
        if not all(str(t.dtype)[6:] in MT_DTYPES for t in _tensors((sample.input, sample.args, sample.kwargs))):
            outcomes.append(Outcome(name, fam, "error", "-", "excluded", UNREPRESENTABLE))
            continue
        try:  # the error input must make torch itself raise (a few generic ones do not, on some ops)
            op(sample.input, *sample.args, **sample.kwargs)
            outcomes.append(Outcome(name, fam, "error", "-", "excluded", TORCH_RETURNS))
            continue
        except Exception:  # noqa: BLE001
            pass
        try:
            m_input, m_args, m_kwargs = to_mt((sample.input, sample.args, sample.kwargs))
        except ValueError:  # NumPy arrays have at most 64 dims
            outcomes.append(Outcome(name, fam, "error", "-", "excluded", UNREPRESENTABLE))
            continue
        try:
            fn(m_input, *m_args, **m_kwargs)
        except Exception as e:  # noqa: BLE001
            if isinstance(e, error.error_type):
                outcomes.append(Outcome(name, fam, "error", "-", "agree"))
            else:
                outcomes.append(Outcome(name, fam, "error", "-", "disagree",
                                        f"{_describe(sample)} raised {type(e).__name__} ({str(e)[:120]}), torch "
                                        f"raises {error.error_type.__name__} ({error.error_regex[:80]})"))
            continue
        outcomes.append(Outcome(name, fam, "error", "-", "disagree",
                                f"{_describe(sample)} returned, torch raises {error.error_type.__name__} "
                                f"({error.error_regex[:80]})"))
    return outcomes


def run_op(op) -> list[Outcome]:
    outcomes = []
    if not op_dtypes(op):  # (a complex-only variant such as nn.functional.silu.complex)
        outcomes.append(Outcome(op_id(op), family(op), "sample", "-", "excluded",
                                f"no dtype in {[str(d)[6:] for d in DTYPES]} among the op's dtypes"))
    for dtype in op_dtypes(op):
        outcomes += run_samples(op, dtype)
    return outcomes + run_errors(op)

