"""Activations, the softmax family and the nn.functional / nn.utils helpers: a differential probe's findings.

Each case is one small program run on torch and on minitorch_ref (`assert_matches_torch`: the same values,
dtypes, shapes, requires_grad, grad_fn names and gradients, or the same exception type and message), or a
comparison of the warnings both give. What this proves:
- the functions and layers torch has and the course's text did not (celu, threshold, softsign, glu, softmin,
  pairwise_distance, the `relu_`-style in-place spellings; CELU, Threshold, Softsign, GLU, Softmin, Softmax2d,
  CosineSimilarity, PairwiseDistance) compute torch's values, gradients and nodes, refuse what torch refuses,
  and print as torch's;
- the arguments are read as torch's parser reads them (a non-tensor input, a float num_classes or dim, a str
  dtype or number: torch's TypeError), and F.normalize writes `out=`;
- gradient clipping is silent on infinite gradients and refuses, as torch, to clip values without gradients;
- the dropout family (alpha, feature-alpha, 1d/2d/3d) checks p and its inputs, warns and draws as torch;
- float16 softmax along a dim other than the last rounds as torch's kernel.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import result_and_grad, with_warnings
from parity_tests.test_semantics import assert_matches_torch

X = [[-3.0, -1.0, -0.0, 0.0, 0.5, 2.0], [25.0, -25.0, 1e-3, 7.0, -7.0, 3.0]]


def in_place(build):
    """A program: `build(m, z)` on z = x * 1 (so in place is allowed): (result, x.grad, whether z came back)."""
    def program(m):
        x = m.tensor(X, requires_grad=True)
        z = x * 1
        y = build(m, z)
        y.sum().backward()
        return y, x.grad, y is z
    return program


# --------------------------------------------------------------------------- functions torch has
NEW_FUNCTIONS = {
    "celu": lambda m, x: m.nn.functional.celu(x, 0.7),
    "celu-default": lambda m, x: m.nn.functional.celu(x),
    "threshold": lambda m, x: m.nn.functional.threshold(x, 0.5, -1.0),
    "softsign": lambda m, x: m.nn.functional.softsign(x),
    "glu": lambda m, x: m.nn.functional.glu(x),
    "glu-dim0": lambda m, x: m.nn.functional.glu(x, 0),
    "softmin": lambda m, x: m.nn.functional.softmin(x, 1),
    "softmin-dtype": lambda m, x: m.nn.functional.softmin(x, 0, dtype=m.float64),
    "pairwise_distance": lambda m, x: m.nn.functional.pairwise_distance(x, x.flip(0)).detach() + 0,
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(NEW_FUNCTIONS))
def test_new_functions_values_and_gradients(name, dtype):
    assert_matches_torch(lambda m: result_and_grad(m, NEW_FUNCTIONS[name], X, dtype))


@pytest.mark.parametrize("p, keepdim", [(2, False), (1, True), (float("inf"), False), (3, True)])
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (3,)), ((2, 1, 3), (4, 3)), ((0, 3), (0, 3))])
def test_pairwise_distance(shapes, p, keepdim):
    """||x1 - x2 + eps||_p over the last dim of the broadcast; (torch's node is NormBackward1, ours is the
    vector norm's: the values and gradients are compared)."""
    def program(m):
        a = (m.arange(float(np.prod(shapes[0]))).reshape(shapes[0]) - 1).requires_grad_()
        b = (m.arange(float(np.prod(shapes[1]))).reshape(shapes[1]) * 0.5 + 2).requires_grad_()
        y = m.nn.functional.pairwise_distance(a, b, p, 1e-6, keepdim)
        y.sum().backward()
        return y.detach(), a.grad, b.grad
    assert_matches_torch(program)


NEW_IN_PLACE = {
    "relu_": lambda m, x: m.nn.functional.relu_(x),
    "elu_": lambda m, x: m.nn.functional.elu_(x, 0.5),
    "leaky_relu_": lambda m, x: m.nn.functional.leaky_relu_(x, 0.2),
    "selu_": lambda m, x: m.nn.functional.selu_(x),
    "celu_": lambda m, x: m.nn.functional.celu_(x, 0.5),
    "celu-inplace": lambda m, x: m.nn.functional.celu(x, 2.0, inplace=True),
    "threshold_": lambda m, x: m.nn.functional.threshold_(x, 0.5, 2.0),
    "threshold-inplace": lambda m, x: m.nn.functional.threshold(x, 1.0, 0.0, inplace=True),
}


@pytest.mark.parametrize("name", list(NEW_IN_PLACE))
def test_new_in_place_functions(name):
    """The result is the input, with torch's in-place node and its gradient (threshold_'s from the input)."""
    assert_matches_torch(in_place(NEW_IN_PLACE[name]))


@pytest.mark.parametrize("program", [
    lambda m: m.nn.functional.celu(m.ones(2), 0.0),
    lambda m: m.nn.functional.celu(m.tensor([1, 2]), 1.0),
    lambda m: m.nn.functional.celu([1.0], 1.0),
    lambda m: (lambda x: m.nn.functional.celu(x * 1, -0.5, inplace=True).sum().backward())(m.ones(2, requires_grad=True)),
    lambda m: m.nn.functional.celu_(m.ones(2, requires_grad=True)),
    lambda m: m.nn.functional.threshold(m.tensor([-2, -1, 0, 1, 2]), -1.5, 7),
    lambda m: m.nn.functional.threshold(m.tensor([0, 1, 2], dtype=m.uint8), 1.5, 7),
    lambda m: m.nn.functional.threshold(m.tensor([0, 1, 2], dtype=m.uint8), 0.5, -1.0),
    lambda m: m.nn.functional.threshold(m.tensor([-2.0, -1.0, 0.0], dtype=m.float16), -1.5, 7.3),
    lambda m: m.nn.functional.threshold(m.tensor([True]), 0, 1),
    lambda m: m.nn.functional.threshold(m.ones(2), "a", 1),
    lambda m: m.nn.functional.threshold(m.ones(2), 1, None),
    lambda m: m.nn.functional.threshold_(m.ones(2), 1, [1]),
    lambda m: m.nn.functional.threshold(m.ones(2, requires_grad=True), 1, 1, True),
    lambda m: m.nn.functional.softsign(m.tensor([1, -2])),
    lambda m: m.nn.functional.glu(m.ones(3)),
    lambda m: m.nn.functional.glu(m.tensor(1.0)),
    lambda m: m.nn.functional.glu(m.ones(2, dtype=m.int64)),
    lambda m: m.nn.functional.glu(m.ones(2, 3), 3),
    lambda m: m.nn.functional.glu(m.ones(4, 3), dim=0.5),
    lambda m: m.nn.functional.glu(m.arange(8.0).reshape(2, 4), -2),
    lambda m: m.nn.functional.softmin(m.tensor([[1, 0], [0, 1]]), 1),
    lambda m: m.nn.functional.softmin(m.tensor([True]), 0),
    lambda m: m.nn.functional.softmin(m.ones(2, 3), 2),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2, 3), [1.0, 2.0, 3.0]),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2, 3), m.ones(4, 3)),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2, 3, dtype=m.int64), m.ones(2, 3, dtype=m.int64)),
    lambda m: m.nn.functional.relu_(m.ones(2, requires_grad=True)),
    lambda m: m.nn.functional.selu_(m.tensor([1, 2])),
])
def test_new_functions_edges(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("dim", [None, 0, 1])
def test_softmin_implicit_dim_warns_as_torch(dim):
    program = (lambda m: m.nn.functional.softmin(m.ones(2, 3))) if dim is None else (
        lambda m: m.nn.functional.softmin(m.ones(2, 3), dim))
    assert with_warnings(program, mt)[1] == with_warnings(program, torch)[1]
    assert_matches_torch(program)


# --------------------------------------------------------------------------- layers torch has
NEW_LAYERS = [("CELU", (0.5,)), ("CELU", (2.0, True)), ("Threshold", (0.1, 20)), ("Threshold", (0.1, 20.0, True)),
              ("Softsign", ()), ("GLU", ()), ("GLU", (0,)), ("Softmin", (1,)), ("Softmin", (-1,))]


@pytest.mark.parametrize("name, args", NEW_LAYERS)
def test_new_layers_repr_and_forward(name, args):
    def program(m):
        layer = getattr(m.nn, name)(*args)
        x = m.tensor(X, requires_grad=True)
        z = x * 1
        out = layer(z)
        out.sum().backward()
        return repr(layer), out, x.grad, out is z
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: repr(m.nn.Softmin()),
    lambda m: m.nn.Softmin()(m.ones(3)),
    lambda m: (repr(m.nn.Softmax2d()), m.nn.Softmax2d()(m.arange(12.0).reshape(3, 2, 2))),
    lambda m: m.nn.Softmax2d()(m.arange(24.0).reshape(2, 3, 2, 2)),
    lambda m: m.nn.Softmax2d()(m.ones(2, 3)),
    lambda m: (repr(m.nn.CosineSimilarity()), m.nn.CosineSimilarity(0, 0.5)(m.ones(2, 3), m.ones(2, 3)),
               vars(m.nn.CosineSimilarity(0, 0.5))["dim"], vars(m.nn.CosineSimilarity(0, 0.5))["eps"]),
    lambda m: (repr(m.nn.PairwiseDistance()), m.nn.PairwiseDistance(1, 1e-3, True)(m.ones(2, 3), m.zeros(2, 3)),
               [vars(m.nn.PairwiseDistance(1, 1e-3, True))[k] for k in ("norm", "eps", "keepdim")]),
])
def test_new_layers_edges(program):
    assert_matches_torch(program)


def test_hardtanh_deprecated_keyword_warns_with_torch_text():
    program = lambda m: m.nn.Hardtanh(min_value=-3.0, max_value=2.0)  # noqa: E731
    assert with_warnings(program, mt)[1] == with_warnings(program, torch)[1]


# --------------------------------------------------------------------------- arguments read as torch's parser
@pytest.mark.parametrize("program", [
    lambda m: m.nn.functional.relu([1.0, -1.0]),
    lambda m: m.nn.functional.relu((1.0,), inplace=True),
    lambda m: m.nn.ReLU()([1.0]),
    lambda m: m.nn.functional.one_hot([0, 1], 3),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), 3.0),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), True),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), None),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), "3"),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), np.int64(3)),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 1]), m.tensor(3)),
    lambda m: m.nn.functional.cosine_similarity([[1.0, 2.0]], m.ones(1, 2)),
    lambda m: m.nn.functional.cosine_similarity(m.ones(1, 2), [[1.0, 2.0]]),
    lambda m: m.nn.functional.cosine_similarity(m.ones(1, 2), 2.0),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), 1.0),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), None),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), True),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), np.int64(0)),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), 1, None),
    lambda m: m.nn.functional.cosine_similarity(m.ones(2, 2), m.ones(2, 2), 1, "a"),
    lambda m: m.nn.functional.softmax(m.ones(2, 2), 1, dtype="float"),
    lambda m: m.nn.functional.log_softmax(m.ones(2, 2), 1, dtype=1),
    lambda m: m.nn.functional.softmin(m.ones(2, 2), 1, dtype="float64"),
    lambda m: m.softmax(m.ones(2, 2), 1, dtype="float"),
    lambda m: m.ones(2, 2).log_softmax(1, dtype=m.float64),
    lambda m: m.ones(2, 2).softmax(0, dtype=float),
    lambda m: m.nn.functional.leaky_relu(m.ones(2), "a"),
    lambda m: m.nn.functional.leaky_relu(m.ones(2), None, True),
    lambda m: m.nn.functional.leaky_relu(m.tensor([-1.0, 2.0]), m.tensor(0.3)),
    lambda m: m.nn.functional.elu(m.ones(2), "a"),
    lambda m: m.nn.functional.elu_(m.ones(2), None),
    lambda m: m.nn.functional.celu(m.ones(2), "a"),
    lambda m: m.nn.functional.softplus(m.ones(2), "a"),
    lambda m: m.nn.functional.softplus(m.ones(2), 1, None),
    lambda m: m.nn.functional.softplus(m.tensor([-1.0, 30.0]), np.float32(2), 10),
    lambda m: m.nn.functional.gelu(m.ones(2), approximate=None),
    lambda m: m.nn.functional.gelu(m.ones(2), approximate=1),
    lambda m: m.nn.functional.gelu(m.ones(2), approximate="bad"),
    lambda m: m.nn.functional.threshold(m.tensor([1.0, 2.0]), m.tensor(1.5), m.tensor(0.0)),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2), m.ones(2), 2, "a"),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2), m.ones(2), "fro"),
    lambda m: m.nn.functional.pairwise_distance(m.ones(2), m.ones(2), 2, 1e-6, 1),
])
def test_arguments_checked_as_torch(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("out_shape", [(2, 2), (0,)])
def test_normalize_writes_out(out_shape):
    """`out=` receives the result (torch's `div(..., out=out)`), resized from empty without a warning."""
    def program(m):
        out = m.zeros(out_shape)
        result = m.nn.functional.normalize(m.tensor([[1.0, 2.0], [3.0, 4.0]]), out=out)
        return result is out, out
    assert_matches_torch(program)


# --------------------------------------------------------------------------- nn.utils gradient clipping
def _parameters(m, grads=(None, None)):
    """Two parameters (3x2 and 4) with the same random gradients in both libraries, or gradients filled with
    `grads` values; `False` leaves a parameter without gradient."""
    rng = np.random.default_rng(0)
    params = [m.nn.Parameter(m.tensor(rng.standard_normal(shape).astype(np.float32))) for shape in [(3, 2), (4,)]]
    for p, fill in zip(params, grads):
        values = rng.standard_normal(tuple(p.shape)).astype(np.float32)
        if fill is not False:
            p.grad = m.tensor(values if fill is None else np.full(tuple(p.shape), fill, np.float32))
    return params


@pytest.mark.parametrize("norm_type", [2, 1, float("inf")])
@pytest.mark.parametrize("grads", [(float("inf"), 1.0), (-float("inf"), 0.0), (float("nan"), 1.0)])
def test_clip_grad_norm_of_non_finite_gradients_is_silent(grads, norm_type):
    """An infinite gradient times the factor 0 is nan: torch warns nothing (NumPy would)."""
    def program(m):
        params = _parameters(m, grads)
        return m.nn.utils.clip_grad_norm_(params, 1.0, norm_type), [p.grad for p in params]
    assert with_warnings(program, mt)[1] == with_warnings(program, torch)[1] == []
    assert_matches_torch(program)


def test_clip_grads_with_norm_of_non_finite_norm_is_silent():
    def program(m):
        params = _parameters(m, (float("inf"), 1.0))
        m.nn.utils.clip_grads_with_norm_(params, 1.0, m.tensor(float("inf")))
        return [p.grad for p in params]
    assert with_warnings(program, mt)[1] == with_warnings(program, torch)[1] == []
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: m.nn.utils.clip_grad_value_([], 1.0),
    lambda m: m.nn.utils.clip_grad_value_((p for p in []), 1.0, foreach=False),
    lambda m: m.nn.utils.clip_grad_value_(_parameters(m, (False, False)), 0.1),
    lambda m: m.nn.utils.clip_grad_value_(_parameters(m, (False, False))[0], 0.1, foreach=True),
    lambda m: (lambda params: (m.nn.utils.clip_grad_value_(params, 0.1), [p.grad for p in params]))(
        _parameters(m, (False, None))),
    lambda m: m.nn.utils.clip_grad_value_([], "a"),
])
def test_clip_grad_value_without_gradients_raises_as_torch(program):
    """torch groups the gradients by device first, which refuses an empty list."""
    assert_matches_torch(program)


# --------------------------------------------------------------------------- the dropout family
DROPOUTS = ["alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d"]


@pytest.mark.parametrize("inplace", [False, True])
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("p", [-0.1, 1.1, float("nan"), 0.0, 1.0, True])
@pytest.mark.parametrize("name", DROPOUTS)
def test_dropout_family_arguments(name, p, training, inplace):
    """p outside [0, 1] (NaN: torch's C++ check), no dropout (training=False or p=0: the input itself, or
    for an unbatched dropout1d/3d input a view of it), p=1 (zeros, no draw)."""
    def program(m):
        x = m.ones(2, 3, 4, requires_grad=True)
        z = x * 1
        y = getattr(m.nn.functional, name)(z, p, training, inplace)
        y.sum().backward()
        return y, x.grad, y is z
    assert_matches_torch(program)


@pytest.mark.parametrize("training, p", [(True, 0.5), (False, 0.5), (True, 0.0), (True, 1.0)])
@pytest.mark.parametrize("name, shape", [("dropout1d", (3, 4)), ("dropout3d", (3, 2, 4, 5))])
def test_unbatched_feature_dropout_in_place_unsqueezes_and_squeezes_the_input(name, shape, training, p):
    """An unbatched input to dropout1d/3d in place: torch's `input.unsqueeze_(0)`, the dropout in place,
    `squeeze_(0)`: the input itself comes back, with those nodes (SqueezeBackward4) and versions."""
    def program(m):
        m.manual_seed(0)
        x = m.ones(shape, requires_grad=True)
        z = x * 2
        y = getattr(m.nn.functional, name)(z, p, training, True)
        y.sum().backward()
        return y, y is z, z._version, x.grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (dropout3d's warning for 4 dims: tested below)
        assert_matches_torch(program)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 3, 5), (2, 3, 4, 5), (2, 6)])
@pytest.mark.parametrize("name", ["dropout", *DROPOUTS])
def test_dropout_family_draws_as_torch(name, shape, dtype):
    """Seeded, the same draws as torch (per element, or per channel for the feature dropouts), scaled as its
    `_dropout_impl` (alpha: noise * a plus its offset), with its gradient."""
    def program(m):
        m.manual_seed(3)
        x = m.arange(float(np.prod(shape)), dtype=getattr(m, dtype)).reshape(shape).requires_grad_()
        y = getattr(m.nn.functional, name)(x, 0.4, True)
        y.sum().backward()
        return y, x.grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (dropout2d's and dropout3d's warnings are tested below)
        assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: m.nn.functional.feature_alpha_dropout(m.ones(4), 0.5, True),
    lambda m: m.nn.functional.feature_alpha_dropout(m.ones(4), 0.5, False),
    lambda m: m.nn.functional.alpha_dropout(m.ones(4, dtype=m.int64), 0.5, True),
    lambda m: m.nn.functional.alpha_dropout(m.ones(4, dtype=m.int64), 1.0, True),
    lambda m: m.nn.functional.alpha_dropout(m.ones(4), 0.5, "yes"),
    lambda m: m.nn.functional.alpha_dropout([1.0], 0.5, True),
    lambda m: m.nn.functional.alpha_dropout(m.ones(3, requires_grad=True), 0.5, True, True),
    lambda m: m.nn.functional.dropout2d(m.ones(4, 2, 2, 2), 0.5, 1),
    lambda m: m.nn.functional.dropout1d([1.0], 0.5),
    lambda m: m.nn.functional.dropout1d(m.ones(3), 0.5),
    lambda m: m.nn.functional.dropout1d(m.ones(3, 2, 2, 2), 0.5),
    lambda m: m.nn.functional.dropout1d(m.ones(3, 2), 0.5, False),
    lambda m: (m.manual_seed(0), m.nn.functional.dropout3d(m.ones(3), 0.5))[1],
    lambda m: (m.manual_seed(0), m.nn.functional.alpha_dropout(m.ones(4, 5, dtype=m.float16), 0.5, True))[1],
    lambda m: (m.manual_seed(0), m.nn.functional.dropout3d(m.ones(2, 3, 2, 2), 0.5, True, True))[1],
])
def test_dropout_family_edges(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("name, shape", [("dropout2d", (3, 2)), ("dropout2d", (2, 3, 4)), ("dropout2d", (1, 2, 3, 4, 5)),
                                         ("dropout2d", (1, 2, 3, 4)), ("dropout3d", (3, 2)), ("dropout3d", (2, 2, 2, 2)),
                                         ("dropout3d", (1, 2, 3, 4, 5, 6))])
def test_dropout2d_and_3d_warn_as_torch(name, shape):
    program = lambda m: getattr(m.nn.functional, name)(m.ones(shape), 0.0)  # noqa: E731
    assert with_warnings(program, mt)[1] == with_warnings(program, torch)[1]


@pytest.mark.parametrize("name", ["AlphaDropout", "FeatureAlphaDropout", "Dropout1d", "Dropout2d", "Dropout3d"])
@pytest.mark.parametrize("args", [(), (0.3,), (0.3, True), (1.5,), (-1,)])
def test_dropout_layers(name, args):
    """torch's reprs and checks of p; in training the same draws as torch, in eval mode the input itself."""
    def program(m):
        m.manual_seed(1)
        layer = getattr(m.nn, name)(*args)
        x = m.ones(4, 3, 2, 2)
        return repr(layer), layer(x), layer.eval()(x) is x, layer.p, layer.inplace
    assert_matches_torch(program)


# --------------------------------------------------------------------------- the softmax family in float16
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape, dim", [((5, 7, 3), 1), ((4, 6), 0), ((40, 3), 0), ((4, 6), 1), ((2, 3, 4), 0)])
def test_float16_softmax_along_any_dim(name, shape, dim):
    """torch's float16 kernel along a dim other than the last stores the exponentials in float16 before
    dividing them by their float32 sum: its results, to the bit, and its gradients."""
    values = (np.random.default_rng(sum(shape) + dim).standard_normal(shape) * 3).astype(np.float16)

    def program(m):
        x = m.tensor(values, requires_grad=True)
        y = getattr(m.nn.functional, name)(x, dim)
        (y * m.arange(float(y.numel())).reshape(shape).to(m.float16)).sum().backward()
        return y, x.grad
    assert_matches_torch(program)
