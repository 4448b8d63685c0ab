"""Reparametrised weights, differential probe: `nn.utils.parametrize` and what is built on it, run on both libraries.

What this proves (torch 2.13 is the reference, compared at test time):
- `register_parametrization` turns a parameter or buffer into a property computed from
  `parametrizations.<name>.original` (or `original0`, `original1`... when `right_inverse` returns a sequence):
  the module's class becomes `Parametrized<Name>` (its repr, `type_before_parametrizations`, `is_parametrized`),
  its state_dict keys and named parameters are torch's, the value is the parametrizations applied in order, and
  gradients reach the originals; assigning the tensor goes through the chain's `right_inverse`s, `cached()`
  computes it once, `remove_parametrizations` (leaving the value or the original) restores the class and keeps
  the same Parameter object, `transfer_parametrizations_and_params` shares modules and originals; deep copies
  work and pickling is refused; every check raises torch's exception type and message (no such tensor, a
  changed dtype or shape without `unsafe`, in a chain too, a missing `right_inverse`, a non-tensor result);
- `parametrizations.weight_norm` (`dim` 0, 1, last, -1, None), `spectral_norm` (the seeded `_u`/`_v` drawn as
  torch draws them, 15 initial power iterations, `n_power_iterations`, `dim`, transposed convolutions, train and
  eval, a 1-d weight) and `orthogonal` (`matrix_exp`, `cayley`, `householder`; square, tall, wide and batched
  matrices; the random completion of a non-square base after the same seed; assigning an orthogonal matrix)
  give torch's weights, buffers and gradients, and a few SGD steps on the parametrized module's parameters
  change the weight exactly as torch's (float64, to 1e-10);
- `norm_except_dim` and `_weight_norm` give torch's values, shapes and nodes (WeightNormInterfaceBackward0 for
  dim 0 or the last, the composed MulBackward0 otherwise and for float16);
- the deprecated hook-based `nn.utils.weight_norm`/`remove_weight_norm` (torch's FutureWarning, weight_g and
  weight_v) and `nn.utils.spectral_norm`/`remove_spectral_norm` (weight_orig, weight_u, weight_v) compute,
  train and are removed as torch's, with torch's errors.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref` (see `assert_matches_torch`):
the same result, or the same exception type and message.
"""
from __future__ import annotations

import copy
import pickle
from typing import Any, Callable

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

EXACT_ENOUGH = (1e-10, 1e-12)  # float64 trajectories: the same formulas, summed in another order at most
FLOAT32 = (1e-5, 1e-6)  # float32 through matrix exponentials, solves and power iterations
FLOAT32_STEPS = (1e-5, 1e-5)  # float32 trajectories: a few SGD steps with momentum
FLOAT16 = (1e-2, 1e-2)  # float16 weight norms: torch's half kernels round their intermediates otherwise


def P(m: Any) -> Any:
    return m.nn.utils.parametrize


def PS(m: Any) -> Any:
    return m.nn.utils.parametrizations


def linear(m: Any, fan_in: int = 3, fan_out: int = 2, dtype: str = "float64", seed: int = 0) -> Any:
    m.manual_seed(seed)
    return m.nn.Linear(fan_in, fan_out, dtype=getattr(m, dtype))


def _modules(m: Any) -> Any:
    """Parametrizations written by a learner, the same class for both libraries."""
    class Symmetric(m.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).mT

        def right_inverse(self, A):
            return A.triu()

    class Double(m.nn.Module):
        def forward(self, X):
            return 2 * X

        def right_inverse(self, A):
            return A / 2

    class Square(m.nn.Module):  # (no right_inverse)
        def forward(self, X):
            return X * X

    class Split(m.nn.Module):  # (two originals: the weight's sum and the weight itself)
        def forward(self, a, b):
            return b + 0 * a

        def right_inverse(self, W):
            return W.sum(), W

    class Reshaped(m.nn.Module):
        def forward(self, X):
            return X.reshape(-1)

    class Halved(m.nn.Module):
        def forward(self, X):
            return X.half()

    class NotATensor(m.nn.Module):
        def forward(self, X):
            return 3.0

    class ListInverse(m.nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, W):
            return 7

    class WrongDtypeInverse(m.nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, W):
            return W.float()

    class NoInverse(m.nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, W):
            raise NotImplementedError

    return {cls.__name__: cls for cls in (Symmetric, Double, Square, Split, Reshaped, Halved, NotATensor,
                                          ListInverse, WrongDtypeInverse, NoInverse)}


def registered(m: Any, *names: str, tensor: str = "weight", layer: Any = None, **kwargs: Any) -> Any:
    """A square Linear (or `layer`) with the parametrizations `names` registered in order on `tensor`."""
    layer = linear(m, 3, 3) if layer is None else layer
    classes = _modules(m)
    for name in names:
        P(m).register_parametrization(layer, tensor, classes[name](), **kwargs)
    return layer


def inspected(m: Any, layer: Any, x_shape: tuple = (2, 3), tensor: str = "weight") -> tuple:
    """What can be seen of a parametrized layer: its class name, repr, state_dict, named parameters, the tensor,
    the output's and the tensor's gradients reaching every parameter after a weighted backward."""
    x = m.tensor(np.random.default_rng(1).standard_normal(x_shape), dtype=getattr(layer, tensor).dtype)
    out = layer(x)
    (out * m.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
    return (type(layer).__name__, type(layer).__module__.split(".", 1)[1], repr(layer), dict(layer.state_dict()),
            [name for name, _ in layer.named_parameters()], getattr(layer, tensor), out,
            [p.grad for p in layer.parameters()], P(m).is_parametrized(layer), P(m).is_parametrized(layer, tensor),
            P(m).is_parametrized(layer, "bias"), P(m).type_before_parametrizations(layer).__name__)


# --------------------------------------------------------------------------- register_parametrization
@pytest.mark.parametrize("names", [("Symmetric",), ("Double",), ("Square",), ("Symmetric", "Double"),
                                   ("Double", "Square", "Symmetric"), ("Split",), ("NoInverse",)])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_parametrized_layer_looks_and_differentiates_as_torchs(names, dtype):
    assert_matches_torch(lambda m: inspected(m, registered(m, *names, layer=linear(m, 3, 3, dtype))),
                         tolerance=(1e-3, 1e-3) if dtype == "float16" else (1e-6, 1e-7))


def test_a_buffer_can_be_parametrized():
    def program(m):
        bn = m.nn.BatchNorm1d(3, dtype=m.float64)
        P(m).register_parametrization(bn, "running_var", _modules(m)["Double"]())
        out = bn(m.tensor(np.arange(6.0).reshape(2, 3)))
        return (type(bn).__name__, dict(bn.state_dict()), list(dict(bn.named_buffers())), bn.running_var, out,
                P(m).is_parametrized(bn, "running_var"))
    assert_matches_torch(program)


def test_an_integer_buffer_and_a_non_contiguous_original():
    """An int64 buffer parametrized by a map that keeps its dtype; a transposed (non-contiguous) parameter."""
    def program(m):
        layer = m.nn.Module()
        layer.register_buffer("counts", m.arange(6).reshape(2, 3))
        layer.w = m.nn.Parameter(m.arange(6.0, dtype=m.float64).reshape(2, 3).mT)
        P(m).register_parametrization(layer, "counts", _modules(m)["Square"]())
        P(m).register_parametrization(layer, "w", _modules(m)["Double"]())
        layer.w.sum().backward()
        original = layer.parametrizations.w.original
        return layer.counts, dict(layer.state_dict()), layer.w, original.grad, original.is_contiguous()
    assert_matches_torch(program)


def test_an_empty_weight():
    assert_matches_torch(lambda m: inspected(m, registered(m, "Double", "Square", layer=linear(m, 0, 3)), (2, 0)))


@pytest.mark.parametrize("training", [True, False])
def test_the_parametrization_takes_the_modules_mode(training):
    def program(m):
        layer = linear(m).train(training)
        dropout = m.nn.Dropout(0.5)
        P(m).register_parametrization(layer, "weight", dropout, unsafe=True)
        return dropout.training, layer.parametrizations.weight.unsafe, layer.parametrizations.weight.is_tensor
    assert_matches_torch(program)


def test_assigning_goes_through_the_chains_right_inverses():
    def program(m):
        layer = registered(m, "Symmetric", "Double")
        original = layer.parametrizations.weight.original
        version = original._version
        layer.weight = m.tensor(np.arange(9.0).reshape(3, 3))
        return layer.weight, original, layer.parametrizations.weight.original is original, original._version - version
    assert_matches_torch(program)


def test_assigning_two_originals():
    def program(m):
        layer = registered(m, "Split")
        layer.weight = m.ones(3, 3, dtype=m.float64)
        chain = layer.parametrizations.weight
        return chain.original0, chain.original1, chain.ntensors, chain.is_tensor, layer.weight
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: setattr(registered(m, "Square"), "weight", m.ones(3, 3, dtype=m.float64)),  # (no right_inverse)
    lambda m: setattr(registered(m, "Double"), "weight", m.nn.Parameter(m.ones(3, 3))),  # (a Parameter: a new one)
    lambda m: setattr(registered(m, "Double"), "weight", m.ones(3, 3)),  # (float32 into a float64 original)
    lambda m: setattr(registered(m, "Split"), "weight", m.ones(3, 3)),
    lambda m: setattr(registered(m, "Split", "ListInverse", unsafe=True), "weight", m.ones(3, 3, dtype=m.float64)),
    lambda m: setattr(registered(m, "Double", "ListInverse", unsafe=True), "weight", m.ones(3, 3, dtype=m.float64)),
])
def test_assignments_torch_refuses(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: registered(m, "Double", tensor="nothing"),
    lambda m: registered(m, "Reshaped"),
    lambda m: registered(m, "Halved"),
    lambda m: registered(m, "NotATensor"),
    lambda m: registered(m, "ListInverse"),
    lambda m: registered(m, "WrongDtypeInverse"),
    lambda m: registered(m, "Double", "Reshaped"),
    lambda m: registered(m, "Double", "Halved"),
    lambda m: registered(m, "Double", "NotATensor"),
    lambda m: registered(m, "Double", "ListInverse"),
    lambda m: registered(m, "Double", "WrongDtypeInverse"),
    lambda m: P(m).register_parametrization(linear(m), "weight", lambda X: X),
    lambda m: P(m).register_parametrization(linear(m), "weight", m.nn.ModuleList([])),  # (an empty chain)
])
def test_registrations_torch_refuses(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("names", [("Reshaped",), ("Halved",), ("Double", "Reshaped"), ("NotATensor",)])
def test_unsafe_lets_the_dtype_and_shape_change(names):
    def program(m):
        layer = registered(m, *names, unsafe=True)
        return layer.weight, layer.parametrizations.weight.unsafe
    assert_matches_torch(program)


# --------------------------------------------------------------------------- removing, caching, copying
@pytest.mark.parametrize("leave", [True, False])
@pytest.mark.parametrize("names", [("Double",), ("Symmetric", "Square")])
def test_remove_parametrizations(names, leave):
    def program(m):
        layer = registered(m, *names)
        original = layer.parametrizations.weight.original
        P(m).remove_parametrizations(layer, "weight", leave_parametrized=leave)
        return (type(layer).__name__, repr(layer), dict(layer.state_dict()), layer.weight is original,
                type(layer.weight).__name__, hasattr(layer, "parametrizations"), P(m).is_parametrized(layer),
                inspected(m, layer))
    assert_matches_torch(program)


def test_removing_one_of_two_parametrized_tensors_keeps_the_class():
    def program(m):
        layer = registered(m, "Double")
        P(m).register_parametrization(layer, "bias", _modules(m)["Double"]())
        P(m).remove_parametrizations(layer, "weight")
        return type(layer).__name__, dict(layer.state_dict()), list(layer.parametrizations), layer.bias
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: P(m).remove_parametrizations(linear(m), "weight"),
    lambda m: P(m).remove_parametrizations(registered(m, "Double"), "bias"),
    lambda m: P(m).remove_parametrizations(registered(m, "Split"), "weight", leave_parametrized=False),
    lambda m: P(m).remove_parametrizations(registered(m, "Split"), "weight").weight,
])
def test_remove_parametrizations_edges(program):
    assert_matches_torch(program)


def test_cached_computes_each_tensor_once():
    def program(m):
        layer = registered(m, "Double")
        outside = layer.weight is layer.weight
        with P(m).cached():
            inside = layer.weight is layer.weight
            with P(m).cached():
                nested = layer.weight is layer.weight
            still = layer.weight is layer.weight
        return outside, inside, nested, still, layer.weight is layer.weight
    assert_matches_torch(program)


def test_a_parametrized_module_copies_but_does_not_pickle():
    def program(m):
        layer = registered(m, "Symmetric")
        twin = copy.deepcopy(layer)
        twin.parametrizations.weight.original.data.fill_(1.0)
        try:
            pickle.dumps(layer)
        except RuntimeError as error:
            refused = str(error)
        return type(twin).__name__, twin.weight, layer.weight, refused
    assert_matches_torch(program)


@pytest.mark.parametrize("tensor_name", [None, "weight"])
def test_transfer_parametrizations_and_params(tensor_name):
    def program(m):
        source = registered(m, "Symmetric", "Double")
        P(m).register_parametrization(source, "bias", _modules(m)["Double"]())
        target = linear(m, 3, 3, seed=1)
        P(m).transfer_parametrizations_and_params(source, target, tensor_name)
        chain, source_chain = target.parametrizations.weight, source.parametrizations.weight
        return (type(target).__name__, dict(target.state_dict()), target.weight, target.bias,
                chain.original is source_chain.original, chain[0] is source_chain[0])
    assert_matches_torch(program)


def test_transfer_to_a_module_without_the_tensor():
    def program(m):
        source = registered(m, "Split")
        target = m.nn.Module()
        P(m).transfer_parametrizations_and_params(source, target)
        untouched = P(m).transfer_parametrizations_and_params(linear(m), target)  # (nothing to transfer)
        return dict(target.state_dict()), target.weight, untouched is target, repr(target)
    assert_matches_torch(program)


def _with_tensor(m: Any, value: Any, buffer: bool = False) -> Any:
    """A bare module holding `value` as its parameter (or buffer) `w`."""
    module = m.nn.Module()
    if buffer:
        module.register_buffer("w", value)
    else:
        module.w = m.nn.Parameter(value)
    return module


@pytest.mark.parametrize("program", [
    lambda m: P(m).ParametrizationList([], m.ones(2)),
    lambda m: copy.copy(registered(m, "Double")),
    lambda m: (lambda layer: (layer.float() is layer, layer.weight, dict(layer.state_dict())))(
        registered(m, "Symmetric")),
    lambda m: (lambda layer: (layer.half() is layer, layer.weight))(PS(m).weight_norm(linear(m))),
    lambda m: registered(m, "Double").nothing,
    lambda m: sorted(name for name in dir(registered(m, "Double")) if "weight" in name or "param" in name),
    lambda m: [name for name, _ in m.nn.Sequential(PS(m).orthogonal(linear(m, 2, 2))).named_parameters()],
    lambda m: [name for name, _ in PS(m).orthogonal(linear(m, 2, 2)).named_modules()],
    lambda m: PS(m).orthogonal(linear(m, 2, 2)).get_parameter("weight"),
    lambda m: PS(m).orthogonal(linear(m, 2, 2)).get_parameter("parametrizations.weight.original"),
    lambda m: PS(m).weight_norm(linear(m).requires_grad_(False)).weight,
    lambda m: (lambda layer: (layer.load_state_dict(PS(m).weight_norm(linear(m, seed=1)).state_dict()),
                              layer.weight))(PS(m).weight_norm(linear(m))),
    lambda m: PS(m).spectral_norm(PS(m).spectral_norm(linear(m))).weight,
    lambda m: PS(m).spectral_norm(linear(m, dtype="float16")).weight,
    lambda m: PS(m).weight_norm(linear(m, dtype="float16")).weight,
    lambda m: PS(m).spectral_norm(linear(m, 0, 2)).weight,
    lambda m: PS(m).weight_norm(linear(m, 0, 2)).weight,
    lambda m: PS(m).weight_norm(_with_tensor(m, m.tensor(3.0)), "w").w,
    lambda m: PS(m).spectral_norm(_with_tensor(m, m.tensor(3.0)), "w").w,
    lambda m: PS(m).weight_norm(_with_tensor(m, m.ones(3, 3, dtype=m.int64), buffer=True), "w").w,
    lambda m: PS(m).spectral_norm(_with_tensor(m, m.ones(3, 3, dtype=m.int64), buffer=True), "w").w,
    lambda m: PS(m).orthogonal(_with_tensor(m, m.ones(3, 3, dtype=m.int64), buffer=True), "w").w,
])
def test_parametrized_modules_edges(program):
    """Modules' API on a parametrized module, and each parametrization on unusual tensors (empty, 0-d, float16,
    integer buffers)."""
    assert_matches_torch(program, tolerance=(1e-3, 1e-3))


# --------------------------------------------------------------------------- training through a parametrization
def _sgd(m: Any, layer: Any, steps: int = 3, **options: Any) -> tuple:
    """`steps` SGD steps on the parametrized layer's parameters (a squared loss); the weights seen after each."""
    optimizer = m.optim.SGD(layer.parameters(), lr=0.1, **options)
    x = m.tensor(np.random.default_rng(2).standard_normal((4, layer.in_features)), dtype=layer.bias.dtype)
    seen = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = (layer(x) ** 2).sum()
        loss.backward()
        optimizer.step()
        seen.append((loss, layer.weight))
    return seen, dict(layer.state_dict())


TRAINED = {
    "custom": lambda m, layer: registered(m, *(("Symmetric", "Double") if layer.in_features == layer.out_features
                                                else ("Double", "Square")), layer=layer),
    "weight_norm": lambda m, layer: PS(m).weight_norm(layer),
    "weight_norm_dim1": lambda m, layer: PS(m).weight_norm(layer, dim=1),
    "weight_norm_none": lambda m, layer: PS(m).weight_norm(layer, dim=None),
    "spectral_norm": lambda m, layer: PS(m).spectral_norm(layer),
    "spectral_norm_3": lambda m, layer: PS(m).spectral_norm(layer, n_power_iterations=3),
    "orthogonal": lambda m, layer: PS(m).orthogonal(layer),
    "cayley": lambda m, layer: PS(m).orthogonal(layer, "weight", "cayley"),
    "householder": lambda m, layer: PS(m).orthogonal(layer, orthogonal_map="householder"),
    "no_trivialization": lambda m, layer: PS(m).orthogonal(layer, use_trivialization=False),
    "old_weight_norm": lambda m, layer: m.nn.utils.weight_norm(layer),
    "old_spectral_norm": lambda m, layer: m.nn.utils.spectral_norm(layer),
}


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5)])
@pytest.mark.parametrize("how", list(TRAINED))
def test_sgd_steps_change_the_weight_as_torchs(how, shape):
    """float64: each step's loss and weight, and the final state_dict (originals, buffers), to 1e-10."""
    assert_matches_torch(lambda m: _sgd(m, TRAINED[how](m, linear(m, shape[1], shape[0]))),
                         tolerance=EXACT_ENOUGH)


@pytest.mark.parametrize("how", ["weight_norm", "spectral_norm", "orthogonal", "cayley", "householder",
                                 "old_spectral_norm"])
def test_float32_momentum_steps(how):
    assert_matches_torch(lambda m: _sgd(m, TRAINED[how](m, linear(m, 4, 3, "float32")), momentum=0.9),
                         tolerance=FLOAT32_STEPS)


# --------------------------------------------------------------------------- weight_norm
def _conv(m: Any, dtype: str = "float64") -> Any:
    m.manual_seed(0)
    return m.nn.Conv2d(2, 3, 2, dtype=getattr(m, dtype))


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1, -2, None])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weight_norm_of_a_convolution(dim, dtype):
    def program(m):
        conv = PS(m).weight_norm(_conv(m, dtype), dim=dim)
        chain = conv.parametrizations.weight
        return chain.original0, chain.original1, inspected(m, conv, (1, 2, 3, 3)), chain[0].dim
    assert_matches_torch(program, tolerance=(1e-6, 1e-7) if dtype == "float64" else FLOAT32)


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2, -3])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_norm_except_dim_and_weight_norm(dim, dtype):
    def program(m):
        v = m.tensor(np.random.default_rng(3).standard_normal((2, 3, 4)), dtype=getattr(m, dtype),
                     requires_grad=True)
        norm = m.norm_except_dim(v, 2, dim)
        g = (norm.detach() * 1.5).requires_grad_()
        w = m._weight_norm(v, g, dim)
        (w * m.arange(24.0, dtype=w.dtype).reshape(2, 3, 4)).sum().backward()
        return norm, w, v.grad, g.grad
    assert_matches_torch(program, tolerance=FLOAT16 if dtype == "float16" else FLOAT32)


@pytest.mark.parametrize("program", [
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, 2),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2, -3),
    lambda m: m.norm_except_dim(m.ones(2, 3), 1, 0),
    lambda m: m.norm_except_dim(m.tensor([3.0, -4.0]), 2, 0),
    lambda m: m.norm_except_dim(m.ones(2, 3, dtype=m.int64), 2, 0),
    lambda m: m.norm_except_dim(m.ones(2, 3, 4, dtype=m.int64), 2, 1),
    lambda m: m.norm_except_dim(m.ones(0, 3, requires_grad=True), 2, -1),
    lambda m: m._weight_norm(m.ones(2, 3), m.ones(2, 1), 4),
    lambda m: m._weight_norm(m.ones(2, 3), m.ones(2), 0),  # (g with v.size(dim) elements, of any shape)
    lambda m: m._weight_norm(m.ones(2, 3), m.ones(2, 1, dtype=m.float64), 0),
    lambda m: m._weight_norm(m.ones(2, 3, 4), m.ones(1, 3, 1, dtype=m.float64), 1),  # (composed: promoted)
    lambda m: m._weight_norm(m.tensor(2.0), m.tensor(3.0), 0),
    lambda m: m._weight_norm(m.tensor(2.0), m.tensor(3.0), -1),
    lambda m: m._weight_norm(m.tensor(2.0), m.tensor(3.0), 1),
    lambda m: m._weight_norm(m.ones(2, 3), [1.0], 0),
    lambda m: m._weight_norm(1.0, m.ones(2), 0),
    lambda m: m.norm_except_dim(m.ones(2, 3), 2.5, 0),
    lambda m: m.norm_except_dim([1.0], 2, 0),
    lambda m: m.norm_except_dim(m.tensor(2.0), 2, -1),
    lambda m: PS(m).weight_norm(linear(m), dim=2),
    lambda m: PS(m).weight_norm(linear(m), name="nothing"),
])
def test_norm_except_dim_and_weight_norm_edges(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- spectral_norm
@pytest.mark.parametrize("make, kwargs", [
    (lambda m: m.nn.Linear(4, 3, dtype=m.float64), {}),
    (lambda m: m.nn.Linear(4, 3, dtype=m.float64), {"n_power_iterations": 4, "eps": 1e-3}),
    (lambda m: m.nn.Conv2d(2, 3, 2, dtype=m.float64), {}),
    (lambda m: m.nn.Conv2d(2, 3, 2, dtype=m.float64), {"dim": 1}),
    (lambda m: m.nn.Conv2d(2, 3, 2, dtype=m.float64), {"dim": -1}),
    (lambda m: m.nn.ConvTranspose2d(2, 3, 2, dtype=m.float64), {}),
    (lambda m: m.nn.ConvTranspose1d(2, 3, 2, dtype=m.float64), {}),
    (lambda m: m.nn.Linear(4, 3), {}),
])
def test_spectral_norm_power_iteration_in_train_and_eval(make, kwargs):
    """The seeded u and v, then two training forwards (each a power iteration) and an eval forward (none)."""
    def program(m):
        m.manual_seed(0)
        layer = make(m)
        PS(m).spectral_norm(layer, **kwargs)
        sn = layer.parametrizations.weight[0]
        seen = [sn._u.clone(), sn._v.clone(), layer.weight]
        seen.append(layer.weight)
        layer.eval()
        seen += [layer.weight, sn._u, sn._v, sn.training, sn.dim, repr(layer), list(layer.state_dict())]
        return seen
    assert_matches_torch(program, tolerance=FLOAT32)


def test_spectral_norm_of_a_vector_normalises_it():
    def program(m):
        layer = PS(m).spectral_norm(linear(m), "bias")
        return layer.bias, dict(layer.state_dict()), hasattr(layer.parametrizations.bias[0], "_u")
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: PS(m).spectral_norm(linear(m), n_power_iterations=0),
    lambda m: PS(m).spectral_norm(linear(m), dim=2),
    lambda m: PS(m).spectral_norm(linear(m), dim=-3),
    lambda m: PS(m).spectral_norm(linear(m), "nothing"),
    lambda m: PS(m).spectral_norm(m.nn.ReLU()),
])
def test_spectral_norm_refuses_as_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- orthogonal
@pytest.mark.parametrize("shape", [(3, 3), (5, 2), (2, 5), (1, 4), (2, 3, 3), (2, 4, 2)])
@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_orthogonal_weights(orthogonal_map, shape, dtype):
    """The weight (orthogonal from the start: the base), Q^T Q, the buffers, and gradients through the map."""
    def program(m):
        m.manual_seed(0)
        module = m.nn.Module()
        module.weight = m.nn.Parameter(m.randn(*shape, dtype=getattr(m, dtype)))
        PS(m).orthogonal(module, orthogonal_map=orthogonal_map)
        W = module.weight
        narrow = W if W.shape[-2] >= W.shape[-1] else W.mT
        (W * m.arange(W.numel(), dtype=W.dtype).reshape(W.shape)).sum().backward()
        original = module.parametrizations.weight.original
        return (W, narrow.mT @ narrow, module.parametrizations.weight[0].base, original, original.grad,
                repr(module), list(module.state_dict()))
    assert_matches_torch(program, tolerance=EXACT_ENOUGH if dtype == "float64" else FLOAT32)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4)])
@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley", "householder"])
def test_orthogonal_without_trivialization(orthogonal_map, shape):
    """No base: for matrix_exp and cayley the original is the weight itself (no right_inverse); householder's
    original is the weight's QR reflectors (torch's geqrf) with the signs of R's diagonal."""
    def program(m):
        layer = PS(m).orthogonal(linear(m, shape[1], shape[0]), orthogonal_map=orthogonal_map,
                                 use_trivialization=False)
        return (inspected(m, layer, (2, shape[1])), layer.parametrizations.weight.original,
                hasattr(layer.parametrizations.weight[0], "base"))
    assert_matches_torch(program, tolerance=EXACT_ENOUGH)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2)])
def test_assigning_an_orthogonal_weight(shape):
    """Assigning Q sets the base to Q (an orthogonal Q kept, another made orthogonal) and the original to -I."""
    def program(m):
        layer = PS(m).orthogonal(linear(m, shape[1], shape[0]))
        m.manual_seed(5)
        rotation = m.tensor(np.linalg.qr(np.random.default_rng(4).standard_normal(shape))[0])
        layer.weight = rotation
        first = (layer.weight, layer.parametrizations.weight.original)
        layer.weight = rotation * 2
        return first, layer.weight, layer.parametrizations.weight[0].base
    assert_matches_torch(program, tolerance=EXACT_ENOUGH)


@pytest.mark.parametrize("program", [
    lambda m: PS(m).orthogonal(m.nn.Linear(3, 3).requires_grad_(False), "bias"),
    lambda m: PS(m).orthogonal(linear(m), orthogonal_map="qr"),
    lambda m: PS(m).orthogonal(linear(m), "nothing"),
    lambda m: setattr(PS(m).orthogonal(linear(m)), "weight", m.ones(3, 2, dtype=m.float64)),
    lambda m: setattr(PS(m).orthogonal(linear(m, 3, 3), use_trivialization=False), "weight", m.eye(3)),
    lambda m: PS(m).orthogonal(m.nn.Linear(3, 3).half()).weight,  # (no half QR: no base, then None @ Q)
    lambda m: PS(m).orthogonal(m.nn.Linear(3, 2).half()).weight,  # (no half householder product)
    lambda m: PS(m).orthogonal(m.nn.Linear(0, 2)).weight,  # (no columns: still a node)
    lambda m: PS(m).orthogonal(m.nn.Linear(2, 0), orthogonal_map="cayley").weight,
])
def test_orthogonal_refuses_as_torch(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("values, dtype", [
    (np.arange(9.0).reshape(3, 3) / 9, "float64"), (np.arange(9.0).reshape(3, 3) / 9, "float32"),
    (np.arange(8.0).reshape(2, 2, 2) - 4, "float64"), ([[30.0, -1.0], [2.0, -25.0]], "float64"),
    (np.zeros((0, 0)), "float32"), (np.zeros((2, 0, 0)), "float64"), ([[0.5]], "float16"),
])
def test_matrix_exp(values, dtype):
    """The map of `orthogonal` (torch.matrix_exp, linalg.matrix_exp, Tensor.matrix_exp): values, gradients
    (large norms: scaled and squared), empty and batched matrices."""
    def program(m):
        A = m.tensor(values, dtype=getattr(m, dtype), requires_grad=dtype != "float16")
        out = m.matrix_exp(A)
        if A.requires_grad:
            (out * m.arange(out.numel(), dtype=out.dtype).reshape(out.shape).cos()).sum().backward()
        return out, A.grad, m.linalg.matrix_exp(A.detach()), A.detach().matrix_exp()
    assert_matches_torch(program, tolerance=(1e-3, 1e-3) if dtype == "float16" else FLOAT32)


@pytest.mark.parametrize("program", [
    lambda m: m.matrix_exp(m.ones(3)),
    lambda m: m.matrix_exp(m.ones(2, 3)),
    lambda m: m.matrix_exp(m.ones(2, 2, dtype=m.int64)),
    lambda m: m.linalg.matrix_exp(m.ones(2, 3, dtype=m.bool)),
    lambda m: m.matrix_exp([[1.0]]),
])
def test_matrix_exp_refuses_as_torch(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- the deprecated hook-based forms
def test_old_weight_norm_warns_computes_and_is_removed():
    def program(m):
        layer = m.nn.utils.weight_norm(linear(m, 3, 2), dim=None)
        before = (type(layer).__name__, dict(layer.state_dict()), [n for n, _ in layer.named_parameters()],
                  layer.weight, inspected(m, layer))
        m.nn.utils.remove_weight_norm(layer)
        return before, dict(layer.state_dict()), type(layer.weight).__name__, layer.weight
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("training", [True, False])
def test_old_spectral_norm_computes_trains_and_is_removed(training):
    def program(m):
        m.manual_seed(0)
        conv = m.nn.Conv2d(2, 3, 2, dtype=m.float64).train(training)
        m.nn.utils.spectral_norm(conv, n_power_iterations=2)
        before = dict(conv.state_dict()), conv.weight  # (the weight itself until the first forward)
        seen = inspected(m, conv, (1, 2, 3, 3))
        u = conv.weight_u.clone()
        m.nn.utils.remove_spectral_norm(conv)
        return before, seen, u, dict(conv.state_dict()), type(conv.weight).__name__
    assert_matches_torch(program, warnings=True)


def _metadata(state_dict: Any) -> dict:
    return {key: dict(value) for key, value in state_dict._metadata.items()}


def test_old_spectral_norm_versions_its_state_dict_and_loads_older_checkpoints():
    """Its state_dict hook writes {"spectral_norm": {"weight.version": 1}}; a checkpoint without it, holding
    `weight` but not `weight_v`, loads with v solved for (pinverse); removal takes both hooks away."""
    def program(m):
        layer = m.nn.utils.spectral_norm(linear(m, 4, 3))
        layer(m.ones(1, 4, dtype=m.float64))
        saved = layer.state_dict()
        versions = _metadata(saved)
        older = {key: value for key, value in saved.items() if key != "weight_v"}
        older["weight"] = layer.weight.detach()
        fresh = m.nn.utils.spectral_norm(linear(m, 4, 3, seed=1))
        result = fresh.load_state_dict(older)
        incomplete = m.nn.utils.spectral_norm(linear(m, 4, 3, seed=2)).load_state_dict(
            {"weight_orig": saved["weight_orig"], "bias": saved["bias"]}, strict=False)
        m.nn.utils.remove_spectral_norm(fresh)
        return versions, str(result), fresh.weight, str(incomplete), _metadata(fresh.state_dict())
    assert_matches_torch(program, tolerance=EXACT_ENOUGH)


@pytest.mark.parametrize("program", [
    lambda m: m.nn.utils.weight_norm(m.nn.utils.weight_norm(linear(m))),
    lambda m: m.nn.utils.remove_weight_norm(linear(m)),
    lambda m: m.nn.utils.remove_weight_norm(m.nn.utils.weight_norm(linear(m)), "bias"),
    lambda m: m.nn.utils.spectral_norm(m.nn.utils.spectral_norm(linear(m))),
    lambda m: m.nn.utils.spectral_norm(linear(m), n_power_iterations=0),
    lambda m: m.nn.utils.remove_spectral_norm(linear(m)),
    lambda m: m.nn.utils.spectral_norm(m.nn.Linear(2, 2, bias=False), "bias"),
    lambda m: m.nn.utils.weight_norm(linear(m), "nothing"),
])
def test_old_forms_refuse_as_torch(program):
    assert_matches_torch(program, warnings=True)


def test_an_old_weight_norm_checkpoint_loads_into_the_parametrized_one():
    """weight_norm registers torch's load_state_dict pre-hook: weight_g and weight_v become original0 and 1."""
    def program(m):
        old = m.nn.utils.weight_norm(linear(m, seed=1))
        new = PS(m).weight_norm(linear(m))
        checkpoint = old.state_dict()
        result = new.load_state_dict(checkpoint)
        return str(result), list(checkpoint), new.weight, old.weight, dict(new.state_dict())
    assert_matches_torch(program, warnings=True)


def test_load_state_dict_pre_hooks_see_torchs_arguments():
    """A hook sees the module, a copy of the state_dict it may change, the prefix and the module's metadata."""
    def program(m):
        seen = []

        def hook(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
            seen.append((type(module).__name__, sorted(state_dict), prefix, dict(local_metadata), strict))
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "w", state_dict.get(prefix + "weight"))

        model = m.nn.Sequential(linear(m), linear(m, 2, 2))
        handles = [model[1].register_load_state_dict_pre_hook(hook), model.register_load_state_dict_pre_hook(hook)]
        checkpoint = model.state_dict()
        checkpoint["1.w"] = checkpoint.pop("1.weight")
        result = model.load_state_dict(checkpoint, strict=False)
        handles[0].remove()
        again = model.load_state_dict(checkpoint, strict=False)
        return seen, str(result), str(again), list(checkpoint)
    assert_matches_torch(program)


def test_old_and_new_weight_norm_agree():
    """The deprecated and the parametrized weight norms give the same weight and gradients."""
    def program(m):
        old, new = m.nn.utils.weight_norm(linear(m)), PS(m).weight_norm(linear(m))
        return inspected(m, old)[5:8], inspected(m, new)[5:8]
    assert_matches_torch(program)
