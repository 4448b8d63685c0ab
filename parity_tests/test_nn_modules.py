"""Parity: minitorch_ref.nn modules against torch.nn.

Each check builds the layer in both libraries, copies torch's weights into the
minitorch_ref layer, runs the same input forward and the same upstream gradient
backward, and compares outputs and the gradients of the input and of every parameter.
The Module machinery (registration, state_dict, printing, modes) is compared the same
way: equal results, equal error types and messages ("torch." read as "minitorch_ref.").
"""
from __future__ import annotations

import copy
import math
import pickle
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minitorch_ref as mt
from course.models import define_models

TOL = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 1e-5}
MT_MODELS = define_models(mt, "x")
TORCH_MODELS = define_models(torch, "y")


# ---------------------------------------------------------------------- helpers (shared by the nn parity tests)
def assert_close(actual: Any, expected: Any, dtype: Any = None) -> None:
    """Same shape and values within the float32 (1e-5) or float64 (1e-10) relative tolerance."""
    a = np.asarray(actual._data if isinstance(actual, mt.Tensor) else actual)
    e = expected.detach().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected)
    assert a.shape == e.shape, (a.shape, e.shape)
    tol = TOL[np.dtype(dtype) if dtype is not None else np.dtype(e.dtype)]
    np.testing.assert_allclose(a, e, rtol=tol, atol=tol)


def pair(array: np.ndarray, requires_grad: bool = False) -> tuple:
    """The same values as a minitorch_ref tensor and a torch tensor (separate memory)."""
    a = mt.from_numpy(array.copy())
    b = torch.from_numpy(array.copy())
    if requires_grad:
        a.requires_grad_()
        b.requires_grad_()
    return a, b


def copy_weights(src: torch.nn.Module, dst: mt.nn.Module) -> None:
    """torch's parameters and buffers into the minitorch_ref module, by state_dict name."""
    dst.load_state_dict({k: mt.from_numpy(v.detach().numpy().copy()) for k, v in src.state_dict().items()})


def torch_text(text: str) -> str:
    return text.replace("torch.", "minitorch_ref.")


def same_error(fn_mt: Callable, fn_torch: Callable, message: bool = True) -> None:
    """Both raise the same exception type (and, by default, the same message)."""
    with pytest.raises(Exception) as expected:
        fn_torch()
    with pytest.raises(type(expected.value)) as actual:
        fn_mt()
    if message:
        assert str(actual.value) == torch_text(str(expected.value))


def run_both(mt_module: mt.nn.Module, torch_module: torch.nn.Module, x: np.ndarray, seed: int = 0,
             grad_input: bool = True, check_name: bool = True) -> None:
    """Forward and backward (random upstream gradient) on both; compare output, grad_fn and all gradients."""
    xa, xb = pair(x, requires_grad=grad_input)
    out_a, out_b = mt_module(xa), torch_module(xb)
    assert_close(out_a, out_b)
    assert (out_a.grad_fn is None) == (out_b.grad_fn is None)
    if out_b.grad_fn is None:
        return
    if check_name:
        assert out_a.grad_fn.name() == type(out_b.grad_fn).__name__
    upstream = np.random.default_rng(seed).standard_normal(out_b.shape).astype(x.dtype if x.dtype.kind == "f"
                                                                               else np.float32)
    ga, gb = pair(upstream)
    out_a.backward(ga)
    out_b.backward(gb)
    if grad_input:
        assert_close(xa.grad, xb.grad)
    params_b = dict(torch_module.named_parameters())
    for name, p in mt_module.named_parameters():
        grad_b = params_b[name].grad
        grad_a = p.grad.to_dense() if getattr(p.grad, "is_sparse", False) else p.grad
        assert (grad_a is None) == (grad_b is None), name
        if grad_b is not None:
            assert_close(grad_a, grad_b.to_dense() if grad_b.is_sparse else grad_b)


def build(factory: Callable[[Any], Any], dtype: Any = np.float32, seed: int = 0) -> tuple:
    """`factory(lib)` on both libraries after the same `manual_seed`, both in `dtype`: seeding alone gives
    minitorch_ref torch's initial weights (checked here, bit for bit), so nothing is copied."""
    torch.manual_seed(seed)
    b = factory(torch)
    mt.manual_seed(seed)
    a = factory(mt)
    assert_same_state(a, b)
    return a.to(mt.float64 if dtype == np.float64 else mt.float32), b.to(torch.float64 if dtype == np.float64
                                                                        else torch.float32)


def assert_same_state(a: mt.nn.Module, b: torch.nn.Module) -> None:
    """The same state_dict keys and bit-identical values."""
    state_a, state_b = a.state_dict(), b.state_dict()
    assert list(state_a) == list(state_b)
    for key, value in state_b.items():
        np.testing.assert_array_equal(state_a[key].detach().numpy(), value.detach().numpy(), err_msg=key)


def floats(shape: tuple, dtype: Any, seed: int, scale: float = 3.0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


DTYPES = [np.float32, np.float64]


# ---------------------------------------------------------------------- layers: outputs and gradients
@pytest.mark.parametrize("dtype", DTYPES)
@given(batch=st.lists(st.integers(1, 3), min_size=0, max_size=2), n_in=st.integers(1, 6), n_out=st.integers(1, 5),
       bias=st.booleans(), seed=st.integers(0, 2**16))
def test_linear(dtype, batch, n_in, n_out, bias, seed):
    a, b = build(lambda lib: lib.nn.Linear(n_in, n_out, bias=bias), dtype)
    # torch names the last node of a non-2-D Linear after its reshapes (View/Squeeze...): only 2-D is compared
    run_both(a, b, floats((*batch, n_in), dtype, seed), seed, check_name=len(batch) == 1)


ELEMENTWISE = {
    "ReLU": lambda lib: lib.nn.ReLU(),
    "Sigmoid": lambda lib: lib.nn.Sigmoid(),
    "Tanh": lambda lib: lib.nn.Tanh(),
    "Softmax0": lambda lib: lib.nn.Softmax(dim=0),
    "Softmax-1": lambda lib: lib.nn.Softmax(dim=-1),
    "LogSoftmax1": lambda lib: lib.nn.LogSoftmax(dim=1),
    "Identity": lambda lib: lib.nn.Identity(3, unused=True),
    "Flatten": lambda lib: lib.nn.Flatten(),
    "Flatten0": lambda lib: lib.nn.Flatten(0, -2),
    "Sequential": lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.Tanh(), lib.nn.Linear(3, 2)),
    "DropoutEval": lambda lib: lib.nn.Dropout(0.3).eval(),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=3), seed=st.integers(0, 2**16))
def test_layers(name, dtype, shape, seed):
    if name == "Sequential":
        shape[-1] = 4
    a, b = build(ELEMENTWISE[name], dtype)
    # large inputs reach the saturated ends of sigmoid/tanh/softmax; a stack of Linear layers gets ordinary ones
    run_both(a, b, floats(tuple(shape), dtype, seed, scale=3.0 if name == "Sequential" else 20.0), seed)


def test_relu_inplace_and_implicit_softmax_dim():
    x = floats((3, 4), np.float32, 1)
    xa, xb = pair(x)
    ya, yb = mt.nn.ReLU(inplace=True)(xa), torch.nn.ReLU(inplace=True)(xb)
    assert ya is xa and yb is xb
    assert_close(xa, xb)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = mt.nn.Softmax()(mt.from_numpy(x))
    with pytest.warns(UserWarning):
        expected = torch.nn.Softmax()(torch.from_numpy(x))
    assert_close(out, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("sparse", [False, True])
def test_embedding(dtype, padding_idx, sparse):
    a, b = build(lambda lib: lib.nn.Embedding(6, 3, padding_idx=padding_idx, sparse=sparse), dtype)
    ids = np.array([[0, 2, 5, 2], [5, 5, 1, 2]])
    assert a.padding_idx == b.padding_idx
    out_a, out_b = a(mt.from_numpy(ids)), b(torch.from_numpy(ids))
    assert_close(out_a, out_b)
    assert out_a.grad_fn.name() == type(out_b.grad_fn).__name__
    upstream = floats(out_b.shape, dtype, 0)
    out_a.backward(mt.from_numpy(upstream))
    out_b.backward(torch.from_numpy(upstream))
    assert getattr(a.weight.grad, "is_sparse", False) == b.weight.grad.is_sparse == sparse
    assert_close(a.weight.grad.to_dense() if sparse else a.weight.grad, b.weight.grad.to_dense())


def test_embedding_init_and_errors():
    for padding_idx in (0, 3, -2):
        emb = mt.nn.Embedding(5, 4, padding_idx=padding_idx)
        assert np.all(emb.weight._data[padding_idx] == 0)
        assert emb.padding_idx == torch.nn.Embedding(5, 4, padding_idx=padding_idx).padding_idx
    same_error(lambda: mt.nn.Embedding(4, 3, padding_idx=4), lambda: torch.nn.Embedding(4, 3, padding_idx=4))
    same_error(lambda: mt.nn.Embedding(4, 3, padding_idx=-5), lambda: torch.nn.Embedding(4, 3, padding_idx=-5))
    for bad in ([4], [-1]):
        same_error(lambda bad=bad: mt.nn.Embedding(4, 3)(mt.tensor(bad)),
                   lambda bad=bad: torch.nn.Embedding(4, 3)(torch.tensor(bad)))
    same_error(lambda: mt.nn.Embedding(4, 3)(mt.tensor([1.0])), lambda: torch.nn.Embedding(4, 3)(torch.tensor([1.0])))


# ---------------------------------------------------------------------- dropout
def test_dropout_statistics_and_scaling():
    mt.manual_seed(0)
    p = 0.3
    x = mt.ones(200_000, requires_grad=True)
    layer = mt.nn.Dropout(p)
    out = layer(x)
    values = out._data
    zero_rate = np.mean(values == 0)
    assert abs(zero_rate - p) < 5 * math.sqrt(p * (1 - p) / values.size)  # 5 standard errors
    np.testing.assert_allclose(values[values != 0], 1 / (1 - p), rtol=1e-6)
    assert out.grad_fn.name() == type(torch.nn.Dropout(p)(torch.ones(2, requires_grad=True)).grad_fn).__name__
    out.sum().backward()
    np.testing.assert_array_equal(x.grad._data, values)  # the gradient goes through the same mask
    layer.eval()
    assert layer(x) is x


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_dropout_edges(p):
    x = mt.ones(5, requires_grad=True)
    expected = torch.nn.Dropout(p)(torch.ones(5, requires_grad=True))
    out = mt.nn.Dropout(p)(x)
    assert_close(out, expected)
    assert (out.grad_fn is None) == (expected.grad_fn is None)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_bad_p(p):
    same_error(lambda: mt.nn.Dropout(p), lambda: torch.nn.Dropout(p))
    same_error(lambda: mt.nn.functional.dropout(mt.ones(2), p), lambda: torch.nn.functional.dropout(torch.ones(2), p))


# ---------------------------------------------------------------------- printing
def course_models(lib: Any, models: Any) -> list:
    return [models.LinearRegressionModel(), models.SimpleNN(3, 16, 2), models.TextClassifier(50, 8, 4),
            models.TextClassificationModel(25_000, 64, 4), models.TextClassificationModel(30, 8, 2, sparse=False)]


def nests(lib: Any) -> list:
    nn = lib.nn
    return [
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.25), nn.Linear(3, 1, bias=False), nn.Sigmoid()),
        nn.Sequential(OrderedDict(first=nn.Linear(2, 2), act=nn.ReLU(inplace=True),
                                  inner=nn.Sequential(nn.Tanh(), nn.Softmax(dim=1), nn.LogSoftmax(-1)))),
        nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2),
                       nn.ModuleList([nn.Identity(), nn.Flatten(), nn.Flatten(0, 2)]), nn.ModuleList(),
                       nn.Sequential()]),
        nn.Sequential(nn.Embedding(10, 3, padding_idx=0, sparse=True), nn.Embedding(10, 3),
                      nn.EmbeddingBag(10, 3, mode="sum", padding_idx=-1), nn.EmbeddingBag(7, 2, mode="max")),
        nn.ModuleList([nn.MSELoss(), nn.L1Loss(), nn.CrossEntropyLoss(), nn.NLLLoss(), nn.BCELoss(),
                       nn.BCEWithLogitsLoss()]),
    ]


@pytest.mark.parametrize("index", range(5))
def test_print_course_models(index):
    a, b = course_models(mt, MT_MODELS)[index], course_models(torch, TORCH_MODELS)[index]
    assert repr(a) == repr(b).replace("y.", "x.")
    assert str(a) == str(b)


@pytest.mark.parametrize("index", range(5))
def test_print_nests(index):
    assert repr(nests(mt)[index]) == repr(nests(torch)[index])


def test_parameter_repr_and_type():
    values = np.array([[1.5, -2.0], [0.25, 3.0]], dtype=np.float32)
    a, b = mt.nn.Parameter(mt.from_numpy(values)), torch.nn.Parameter(torch.from_numpy(values))
    assert repr(a) == torch_text(repr(b)) and str(a) == torch_text(str(b))
    assert isinstance(a, mt.Tensor) and a.requires_grad and a.is_leaf
    frozen = mt.nn.Parameter(mt.ones(2, dtype=mt.float64), requires_grad=False)
    assert repr(frozen) == torch_text(repr(torch.nn.Parameter(torch.ones(2, dtype=torch.float64), requires_grad=False)))
    assert repr(mt.nn.Parameter()) == repr(torch.nn.Parameter())
    same_error(lambda: mt.nn.Parameter(mt.ones(2, dtype=mt.int64)), lambda: torch.nn.Parameter(torch.ones(2).long()))
    assert isinstance(copy.deepcopy(a), mt.nn.Parameter) and isinstance(pickle.loads(pickle.dumps(a)), mt.nn.Parameter)
    shared = mt.from_numpy(values)
    assert np.shares_memory(mt.nn.Parameter(shared)._data, shared._data)  # wraps, does not copy (as torch)


# ---------------------------------------------------------------------- module machinery
def test_registration_and_traversal_match_torch():
    a, b = course_models(mt, MT_MODELS)[2], course_models(torch, TORCH_MODELS)[2]
    assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]
    assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]
    assert [n for n, _ in a.named_modules()] == [n for n, _ in b.named_modules()]
    assert [n for n, _ in a.named_children()] == [n for n, _ in b.named_children()]
    assert [type(m).__name__ for m in a.modules()] == [type(m).__name__ for m in b.modules()]
    assert len(list(a.fc1.parameters(recurse=False))) == 2

    shared = mt.nn.Linear(2, 2)
    tied = mt.nn.Sequential(shared, mt.nn.ReLU(), shared)
    assert len(list(tied.parameters())) == 2 and len(list(tied.modules())) == 3  # shared layers listed once
    torch_shared = torch.nn.Linear(2, 2)
    torch_tied = torch.nn.Sequential(torch_shared, torch.nn.ReLU(), torch_shared)
    assert list(tied.state_dict()) == list(torch_tied.state_dict())


def test_buffers_and_assignment_rules():
    for lib in (mt, torch):
        m = lib.nn.Linear(2, 3)
        m.register_buffer("running", lib.zeros(3))
        m.register_buffer("scratch", lib.ones(1), persistent=False)
        assert list(m.state_dict()) == ["weight", "bias", "running"]
        assert [n for n, _ in m.named_buffers()] == ["running", "scratch"]
        m.extra = 5  # a plain attribute stays a plain attribute
        assert m.extra == 5 and "extra" not in m.state_dict()
    a, b = mt.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    same_error(lambda: setattr(a, "weight", mt.zeros(3)), lambda: setattr(b, "weight", torch.zeros(3)))
    same_error(lambda: a.register_buffer("weight", mt.zeros(3)), lambda: b.register_buffer("weight", torch.zeros(3)))
    same_error(lambda: a.register_buffer("a.b", mt.zeros(3)), lambda: b.register_buffer("a.b", torch.zeros(3)))
    same_error(lambda: a.register_buffer("c", 3), lambda: b.register_buffer("c", 3), message=False)
    with pytest.raises(TypeError, match=r"cannot assign 'int' object to buffer 'c' \(minitorch_ref Tensor or None"):
        a.register_buffer("c", 3)
    same_error(lambda: a.nope, lambda: b.nope)
    same_error(lambda: mt.nn.Module()(1), lambda: torch.nn.Module()(1))
    same_error(lambda: a.train("yes"), lambda: b.train("yes"))

    def early(lib):
        class Early(lib.nn.Module):
            def __init__(self):
                self.w = lib.nn.Parameter(lib.ones(1))
        return Early()
    same_error(lambda: early(mt), lambda: early(torch))
    a.bias = None  # a parameter may be set to None: it disappears from state_dict
    assert list(a.state_dict()) == ["weight"]
    a.weight = mt.nn.Parameter(mt.ones(3, 2))  # re-assigning keeps its place
    del a.bias
    assert [n for n, _ in a.named_parameters()] == ["weight"]


def test_train_eval_zero_grad_requires_grad_apply():
    model = mt.nn.Sequential(mt.nn.Linear(2, 2), mt.nn.Dropout(0.5), mt.nn.Sequential(mt.nn.Dropout(0.1)))
    assert all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())

    model[0](mt.ones(1, 2)).sum().backward()
    assert model[0].weight.grad is not None
    model.zero_grad(set_to_none=False)
    assert np.all(model[0].weight.grad._data == 0)
    model.zero_grad()
    assert model[0].weight.grad is None

    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    model.requires_grad_()
    visited, torch_visited = [], []
    assert model.apply(lambda m: visited.append(type(m).__name__)) is model
    torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5), torch.nn.Sequential(torch.nn.Dropout(0.1))).apply(
        lambda m: torch_visited.append(type(m).__name__))
    assert visited == torch_visited == ["Linear", "Dropout", "Dropout", "Sequential", "Sequential"]


def test_to_double_float_keeps_parameter_objects():
    model = MT_MODELS.SimpleNN(3, 4, 2)
    params = list(model.parameters())
    model(mt.ones(1, 3)).sum().backward()
    assert model.to(mt.float64) is model
    assert [p.dtype for p in model.parameters()] == [mt.float64] * 4
    assert all(p is q for p, q in zip(params, model.parameters(), strict=True))
    assert params[0].grad.dtype == mt.float64
    assert model.float().fc1.weight.dtype == mt.float32 and model.cpu() is model
    assert model.to("cpu") is model
    same_error(lambda: model.to(mt.int64), lambda: torch.nn.Linear(1, 1).to(torch.int64))


def test_sequential_and_modulelist_behave_like_lists():
    for lib in (mt, torch):
        layers = [lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1)]
        seq = lib.nn.Sequential(*layers)
        assert len(seq) == 3 and seq[0] is layers[0] and seq[-1] is layers[2] and list(seq) == layers
        assert type(seq[1:]) is lib.nn.Sequential and list(seq[1:]) == layers[1:]
        seq.append(lib.nn.Sigmoid())
        assert len(seq) == 4
        ml = lib.nn.ModuleList(layers)
        ml.append(lib.nn.Tanh())
        ml.extend([lib.nn.Identity()])
        ml.insert(0, lib.nn.Flatten())
        assert [type(m).__name__ for m in ml] == ["Flatten", "Linear", "ReLU", "Linear", "Tanh", "Identity"]
        assert len(list(ml.parameters())) == 4 and ml[-1] is ml[5]
        del ml[0]
        assert [k for k, _ in ml.named_children()] == [str(i) for i in range(5)]
        assert type(ml[1:3]) is lib.nn.ModuleList and len(ml[1:3]) == 2
    same_error(lambda: mt.nn.Sequential(mt.nn.ReLU())[3], lambda: torch.nn.Sequential(torch.nn.ReLU())[3])
    same_error(lambda: mt.nn.ModuleList([mt.nn.ReLU()])[-2], lambda: torch.nn.ModuleList([torch.nn.ReLU()])[-2])
    x = floats((2, 4), np.float32, 3)
    a, b = build(lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU(), lib.nn.Linear(3, 2)))
    run_both(a, b, x)


# ---------------------------------------------------------------------- state_dict
def test_state_dict_keys_shapes_and_round_trip():
    for index in range(5):
        a, b = course_models(mt, MT_MODELS)[index], course_models(torch, TORCH_MODELS)[index]
        sa, sb = a.state_dict(), b.state_dict()
        assert [(k, tuple(v.shape)) for k, v in sa.items()] == [(k, tuple(v.shape)) for k, v in sb.items()]
        assert all(not v.requires_grad for v in sa.values())
        copy_weights(b, a)
        for v, w in zip(a.state_dict().values(), b.state_dict().values(), strict=True):
            assert_close(v, w)
    model = mt.nn.Linear(2, 2)
    state = model.state_dict()
    assert np.shares_memory(state["weight"]._data, model.weight._data)  # detached views, as torch
    assert model.state_dict(keep_vars=True)["weight"] is model.weight


LOAD_CASES = {
    "missing": lambda lib: {"weight": lib.zeros(3, 2)},
    "unexpected and size": lambda lib: {"weight": lib.zeros(3, 3), "bias": lib.zeros(3), "foo": lib.zeros(1)},
    "not a tensor": lambda lib: {"weight": lib.zeros(3, 2), "bias": 3},
    "nested unexpected": lambda lib: {"weight": lib.zeros(3, 2), "bias": lib.zeros(3), "sub.x": lib.zeros(1)},
}


@pytest.mark.parametrize("case", LOAD_CASES)
@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_errors(case, strict):
    a, b = mt.nn.Linear(2, 3), torch.nn.Linear(2, 3)
    try:
        expected = b.load_state_dict(LOAD_CASES[case](torch), strict=strict)
    except RuntimeError as error:
        with pytest.raises(RuntimeError) as actual:
            a.load_state_dict(LOAD_CASES[case](mt), strict=strict)
        assert str(actual.value) == torch_text(str(error))
    else:
        result = a.load_state_dict(LOAD_CASES[case](mt), strict=strict)
        assert result == expected and repr(result) == repr(expected)


def test_load_state_dict_nested_and_success_message():
    a, b = course_models(mt, MT_MODELS)[1], course_models(torch, TORCH_MODELS)[1]
    state_b = b.state_dict()
    result = a.load_state_dict({k: mt.from_numpy(v.numpy().copy()) for k, v in state_b.items()})
    assert repr(result) == repr(b.load_state_dict(state_b)) == "<All keys matched successfully>"
    partial = {k: v for k, v in state_b.items() if not k.startswith("fc2")}
    partial["fc3.weight"] = torch.zeros(1)
    with pytest.raises(RuntimeError) as expected:
        b.load_state_dict(partial)
    with pytest.raises(RuntimeError) as actual:
        a.load_state_dict({k: mt.from_numpy(v.numpy().copy()) for k, v in partial.items()})
    assert str(actual.value) == torch_text(str(expected.value))
    same_error(lambda: a.load_state_dict([1]), lambda: b.load_state_dict([1]))


# ---------------------------------------------------------------------- init
@given(shape=st.lists(st.integers(1, 5), min_size=2, max_size=4))
def test_fans_match_torch(shape):
    assert mt.nn.init._calculate_fan_in_and_fan_out(mt.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


@pytest.mark.parametrize("args", [("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                                  ("leaky_relu", 0.2), ("selu",), ("conv2d",)])
def test_calculate_gain(args):
    assert mt.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def test_init_errors():
    same_error(lambda: mt.nn.init.calculate_gain("swish"), lambda: torch.nn.init.calculate_gain("swish"))
    same_error(lambda: mt.nn.init.kaiming_uniform_(mt.empty(3)), lambda: torch.nn.init.kaiming_uniform_(torch.empty(3)))
    same_error(lambda: mt.nn.init.kaiming_uniform_(mt.empty(3, 3), mode="fan"),
               lambda: torch.nn.init.kaiming_uniform_(torch.empty(3, 3), mode="fan"))


def _bound_used(values: np.ndarray, bound: float) -> None:
    """Uniform on (-bound, bound): inside the bounds and filling them (max within 2% of the bound)."""
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() > 0.98 * bound
    assert abs(values.mean()) < 0.05 * bound


def test_init_distributions():
    mt.manual_seed(1)
    w = mt.empty(300, 200, requires_grad=True)
    assert mt.nn.init.kaiming_uniform_(w, a=math.sqrt(5)) is w and w.grad_fn is None  # runs under no_grad
    _bound_used(w._data, 1 / math.sqrt(200))
    mt.nn.init.kaiming_uniform_(w, nonlinearity="relu", mode="fan_out")
    _bound_used(w._data, math.sqrt(2) * math.sqrt(3 / 300))
    mt.nn.init.xavier_uniform_(w, gain=2.0)
    _bound_used(w._data, 2.0 * math.sqrt(6 / 500))
    mt.nn.init.uniform_(w, -0.5, 0.5)
    _bound_used(w._data, 0.5)
    mt.nn.init.normal_(w, 1.0, 2.0)
    assert abs(w._data.mean() - 1.0) < 0.05 and abs(w._data.std() - 2.0) < 0.05
    assert np.all(mt.nn.init.zeros_(w)._data == 0) and np.all(mt.nn.init.ones_(w)._data == 1)
    assert np.all(mt.nn.init.constant_(w, 0.25)._data == 0.25)

    layer = mt.nn.Linear(400, 300)  # torch's default: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
    _bound_used(layer.weight._data, 1 / math.sqrt(400))
    assert np.abs(layer.bias._data).max() <= 1 / math.sqrt(400)
    emb = mt.nn.EmbeddingBag(1000, 50)
    assert abs(emb.weight._data.std() - 1.0) < 0.02  # N(0, 1), as torch


# ---------------------------------------------------------------------- found by a differential probe
@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.SiLU(inplace=True),
    lambda lib: lib.nn.LeakyReLU(0.2, inplace=True),
    lambda lib: lib.nn.ELU(0.5, inplace=True),
    lambda lib: lib.nn.ReLU(inplace=True),
])
def test_inplace_activations_write_into_their_input(make):
    """`inplace=True` returns the input itself, changed, with torch's node (leaky_relu_ and elu_ record
    LeakyReluBackward1 and EluBackward1); a leaf that requires grad refuses; the repr says it."""
    results = {}
    for lib in (mt, torch):
        leaf = lib.tensor([-1.0, 2.0, -3.0], requires_grad=True)
        x = leaf * 1
        y = make(lib)(x)
        y.backward(lib.tensor([1.0, 2.0, 3.0]))
        name = y.grad_fn.name() if lib is mt else type(y.grad_fn).__name__
        results[lib] = (y is x, name, x.detach().numpy().copy(), leaf.grad.numpy().copy(), repr(make(lib)))
    (same_a, name_a, x_a, grad_a, repr_a), (same_b, name_b, x_b, grad_b, repr_b) = results[mt], results[torch]
    assert same_a and same_b and name_a == name_b and repr_a == repr_b
    assert_close(x_a, x_b)
    assert_close(grad_a, grad_b)
    same_error(lambda: make(mt)(mt.ones(2, requires_grad=True)), lambda: make(torch)(torch.ones(2, requires_grad=True)))


@pytest.mark.parametrize("shape, start, end", [((0, 3, 1), 1, -1), ((0, 3, 4), 1, 2), ((2, 0, 3), 0, -1),
                                               ((4, 0), 0, 1)])
def test_flatten_of_tensors_with_no_elements(shape, start, end):
    xa, xb = pair(np.zeros(shape, np.float32), requires_grad=True)
    ya, yb = xa.flatten(start, end), xb.flatten(start, end)
    assert tuple(ya.shape) == tuple(yb.shape) and ya.grad_fn.name() == type(yb.grad_fn).__name__
    ya.sum().backward()
    assert tuple(xa.grad.shape) == shape
    assert tuple(mt.nn.Flatten()(mt.zeros(0, 3, 4)).shape) == tuple(torch.nn.Flatten()(torch.zeros(0, 3, 4)).shape)


def test_module_to_its_own_dtype_keeps_parameters_and_buffers_shared():
    """torch's `Tensor.to` returns the tensor itself when nothing changes: a state_dict taken before
    `model.float()` still shares the weights' memory, and a buffer stays the same tensor."""
    for lib in (mt, torch):
        model = lib.nn.Linear(2, 2)
        buffer = lib.zeros(2)
        model.register_buffer("counts", buffer)
        state = model.state_dict()
        model.float()
        model.to(lib.float32)
        state["weight"].fill_(7.0)
        buffer.fill_(1.0)
        assert model.weight[0, 0].item() == 7.0 and model.counts is buffer
        model.double()  # a real conversion makes new arrays (and a new buffer tensor), as in torch
        assert model.counts is not buffer and model.weight.dtype == lib.float64


@pytest.mark.parametrize("dtypes", [
    ("float64", "float32", "float32"), ("float32", "float64", "float64"), ("float32", "float64", None),
    ("float32", "float32", "float64"), ("int64", "float32", "float32"), ("int64", None, None), ("bool", None, None),
])
def test_layer_norm_dtype_rules_match_torch(dtypes):
    input_dtype, weight_dtype, bias_dtype = dtypes

    def call(lib):
        x = lib.ones(2, 3, dtype=getattr(lib, input_dtype))
        w = None if weight_dtype is None else lib.ones(3, dtype=getattr(lib, weight_dtype))
        b = None if bias_dtype is None else lib.zeros(3, dtype=getattr(lib, bias_dtype))
        return lib.nn.functional.layer_norm(x, (3,), w, b)

    same_error(lambda: call(mt), lambda: call(torch))


def test_layer_norm_of_float16_with_float32_parameters_is_computed_in_float32_and_returns_float16():
    x = np.array([[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]], np.float16)
    outputs = []
    for lib, layer in zip((mt, torch), build(lambda lib: lib.nn.LayerNorm(3))):
        xa = lib.from_numpy(x.copy()).requires_grad_()
        out = layer(xa)
        out.sum().backward()
        outputs.append((out.detach().numpy(), xa.grad.numpy(), layer.weight.grad.numpy()))
    (out_a, grad_a, wgrad_a), (out_b, grad_b, wgrad_b) = outputs
    assert out_a.dtype == out_b.dtype == np.float16 and grad_a.dtype == np.float16 and wgrad_a.dtype == np.float32
    np.testing.assert_allclose(out_a, out_b, rtol=1e-3)
    np.testing.assert_allclose(wgrad_a, wgrad_b, rtol=1e-3)


@pytest.mark.parametrize("sparse", [False, True])
def test_embedding_with_zero_width_rows_backpropagates(sparse):
    for lib in (mt, torch):
        layer = lib.nn.Embedding(4, 0, sparse=sparse)
        layer(lib.tensor([1, 2])).sum().backward()
        grad = layer.weight.grad
        assert tuple((grad.to_dense() if sparse else grad).shape) == (4, 0)


@pytest.mark.parametrize("shape", [(3,), (2, 5, 3), (2, 0, 3), (2, 3)])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_records_torch_nodes_for_every_input_rank(shape, bias):
    """Without a bias torch computes a 1-D or 3-D input as `input @ weight.t()` (SqueezeBackward4,
    UnsafeViewBackward0); with one, as addmm and a view."""
    a, b = build(lambda lib: lib.nn.Linear(3, 4, bias=bias))
    run_both(a, b, np.random.default_rng(0).standard_normal(shape).astype(np.float32))


def test_dropout_of_integers_and_module_list_extend_raise_as_torch():
    same_error(lambda: mt.nn.Dropout(0.5)(mt.ones(3, dtype=mt.long)),
               lambda: torch.nn.Dropout(0.5)(torch.ones(3, dtype=torch.long)))
    same_error(lambda: mt.nn.ModuleList().extend(3), lambda: torch.nn.ModuleList().extend(3))


# ---------------------------------------------------------------------- module API found missing by a probe
def test_forward_hooks_see_and_replace_inputs_and_outputs_as_torch():
    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        seen = []
        handles = [model[0].register_forward_hook(lambda module, args, out: seen.append(tuple(out.shape))),
                   model[2].register_forward_pre_hook(lambda module, args: (args[0] * 0,)),
                   model[1].register_forward_hook(lambda module, args, out: out + 1)]
        hooked = model(lib.ones(4, 2)).detach().numpy().copy()
        for handle in handles:
            handle.remove()
        plain = model(lib.ones(4, 2)).detach().numpy().copy()
        return hooked, plain, seen

    (hooked_a, plain_a, seen_a), (hooked_b, plain_b, seen_b) = run(mt), run(torch)
    assert_close(hooked_a, hooked_b)
    assert_close(plain_a, plain_b)
    assert seen_a == seen_b == [(4, 3)]


def test_module_dict_get_submodule_and_dir_as_torch():
    def run(lib):
        lib.manual_seed(0)
        d = lib.nn.ModuleDict({"a": lib.nn.Linear(1, 2), "b": lib.nn.ReLU()})
        d["c"] = lib.nn.Tanh()
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU())
        return (list(d), "a" in d, len(d), len(list(d.parameters())), repr(d), sorted(d.state_dict()),
                repr(model.get_submodule("0")), tuple(model.get_parameter("0.weight").shape),
                "0" in dir(model), "weight" in dir(model[0]), "forward" in dir(model))

    assert run(mt) == run(torch)
    for call in (lambda lib: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_submodule("x"),
                 lambda lib: lib.nn.Sequential(lib.nn.Linear(1, 1)).get_parameter("0.nope"),
                 lambda lib: lib.nn.ModuleDict({"a": 1})):
        same_error(lambda: call(mt), lambda: call(torch))


def test_new_tensor_size_arithmetic_device_comparison_and_python_dtypes_as_torch():
    def run(lib):
        x, i = lib.tensor([1.0, 2.0]), lib.tensor([1, 2])
        return [str(v).replace(lib.__name__ + ".", "") for v in (
            x.new_tensor(np.array([1, 2])).dtype, i.new_tensor(np.array([1.5, 2.5])).tolist(),
            x.new_tensor(np.array([1, 2]), dtype=lib.int32).dtype, x.new_tensor(lib.tensor([1, 2])).dtype,
            lib.Size([2, 3]) + (4,), (1,) + lib.Size([2, 3]), lib.Size([2]) * 2, (lib.Size([2]) + (3,)).numel(),
            lib.zeros(2).device == "cpu", lib.zeros(2).device == "cuda", lib.zeros(2).device == lib.device("cpu"),
            lib.zeros(2).to(float).dtype, lib.zeros(2).to(int).dtype, lib.zeros(2).to(dtype=float).dtype)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # (new_tensor of a tensor warns, in both)
        assert run(mt) == run(torch)


@pytest.mark.parametrize("shapes_dtypes", [
    ((2, 5, 3), "float32", (2, 3), "float64"), ((3,), "float32", (2, 3), "float64"),
    ((2, 5, 3), "bool", (2, 3), "bool"), ((2, 5, 3), "float32", (2, 4), "float32"),
])
def test_linear_without_bias_on_other_ranks_checks_as_torch_matmul(shapes_dtypes):
    """torch computes a 1-D or 3-D input without bias as `input @ weight.t()`: matmul's checks and messages."""
    x_shape, x_dtype, w_shape, w_dtype = shapes_dtypes

    def call(lib):
        x, w = lib.ones(x_shape, dtype=getattr(lib, x_dtype)), lib.ones(w_shape, dtype=getattr(lib, w_dtype))
        return lib.nn.functional.linear(x, w)

    same_error(lambda: call(mt), lambda: call(torch))
