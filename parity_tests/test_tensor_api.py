"""The Tensor API against torch: creation, dtype inference and promotion, conversion, device,
NumPy memory sharing, and the course's own snippets printing what torch prints.
"""
from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest
import torch

import minitorch_ref as mt

LIBS = [torch, mt]


def _name(dtype) -> str:
    return str(dtype).split(".")[-1]


def both(fn):
    """`fn(lib)` for both libraries; results (with torch's names normalised) must be equal."""
    results = [repr(fn(lib)).replace("torch.", "minitorch_ref.") for lib in LIBS]
    assert results[1] == results[0]


# --- creation and dtype inference -----------------------------------------------------------
CREATIONS = {
    "int": lambda m: m.tensor(3), "float": lambda m: m.tensor(3.5), "bool": lambda m: m.tensor(True),
    "int-list": lambda m: m.tensor([1, 2, 3]), "float-list": lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "mixed-list": lambda m: m.tensor([1, 2.5]), "bool-list": lambda m: m.tensor([True, False]),
    "numpy-f64": lambda m: m.tensor(np.array([1.5, 2.0])), "numpy-int32": lambda m: m.tensor(np.array([1], np.int32)),
    "dtype-arg": lambda m: m.tensor([1, 2], dtype=m.float64), "int-dtype": lambda m: m.tensor([1.7, -2.2], dtype=m.int32),
    "requires_grad": lambda m: m.tensor([1.0], requires_grad=True),
    "zeros": lambda m: m.zeros(2, 3), "zeros-tuple": lambda m: m.zeros((2, 3), dtype=m.int64),
    "ones": lambda m: m.ones(3), "ones-size": lambda m: m.ones(m.Size([2, 1])),
    "full-float": lambda m: m.full((2,), 1.5), "full-int": lambda m: m.full((2,), 7),
    "full-bool": lambda m: m.full((2,), True), "arange": lambda m: m.arange(5),
    "arange-step": lambda m: m.arange(0, 10, step=2), "arange-float": lambda m: m.arange(0, 1, 0.25),
    "linspace": lambda m: m.linspace(0, 1, 5), "eye": lambda m: m.eye(3), "eye-rect": lambda m: m.eye(2, 3),
    "zeros_like": lambda m: m.zeros_like(m.tensor([1, 2])), "ones_like": lambda m: m.ones_like(m.ones(2, 2)),
    "full_like": lambda m: m.full_like(m.ones(2), 4.0), "empty-shape": lambda m: (m.empty(2, 3).shape, m.empty(2).dtype),
    "rand-meta": lambda m: (m.rand(2, 3).shape, m.rand(2).dtype, m.randn(4).dtype, m.rand_like(m.ones(2)).shape),
    "randint-meta": lambda m: (m.randint(0, 10, (3,)).dtype, m.randint(5, (2, 2)).shape),
}


@pytest.mark.parametrize("name", list(CREATIONS))
def test_creation_matches_torch(name):
    both(CREATIONS[name])


def test_random_values_are_in_range_and_seeded():
    mt.manual_seed(0)
    a = mt.rand(1000)
    assert 0 <= a.min().item() and a.max().item() < 1
    mt.manual_seed(0)
    assert mt.rand(1000).equal(a)
    ints = mt.randint(3, 7, (1000,))
    assert set(ints.tolist()) == {3, 4, 5, 6}
    g = mt.Generator().manual_seed(1)
    assert mt.randn(5, generator=g).equal(mt.randn(5, generator=mt.Generator().manual_seed(1)))
    assert abs(mt.randn(10_000).mean().item()) < 0.05


PROMOTIONS = {
    "int+float-number": lambda m: m.tensor([1, 2]) + 1.5, "int*int-number": lambda m: m.tensor([1, 2]) * 3,
    "int+float64": lambda m: m.tensor([1, 2]) + m.tensor([1.0], dtype=m.float64),
    "f32+0d-f64": lambda m: m.ones(2) + m.tensor(1.0, dtype=m.float64),
    "int32+int64": lambda m: m.tensor([1], dtype=m.int32) + m.tensor([1]),
    "int32+int-number": lambda m: m.tensor([1], dtype=m.int32) + 5, "bool+bool": lambda m: m.tensor([True]) + True,
    "bool*int": lambda m: m.tensor([True, False]) * 3, "int/int": lambda m: m.tensor([3]) / m.tensor([2]),
    "int/number": lambda m: m.tensor([3]) / 2, "f16+f32": lambda m: m.ones(1, dtype=m.float16) + m.ones(1),
    "compare": lambda m: m.tensor([1, 2]) > 1.5, "uint8+int8": lambda m: m.tensor([1], dtype=m.uint8) + m.tensor([1], dtype=m.int8),
    "int-sum": lambda m: m.tensor([1, 2], dtype=m.int32).sum(), "bool-sum": lambda m: m.tensor([True, True]).sum(),
    "numpy-scalar": lambda m: m.ones(2) * np.float64(2.0), "numpy-int-scalar": lambda m: m.tensor([1]) * np.int64(2),
    "floordiv": lambda m: m.tensor([7, -7]) // 2, "mod": lambda m: m.tensor([7.5, -7.5]) % 2,
}


@pytest.mark.parametrize("name", list(PROMOTIONS))
def test_type_promotion_matches_torch(name):
    both(PROMOTIONS[name])


# --- attributes and conversion --------------------------------------------------------------
def test_attributes_and_conversions_match_torch():
    both(lambda m: (m.ones(2, 3).shape, m.ones(2, 3).size(), m.ones(2, 3).size(1), m.ones(2, 3).ndim,
                    m.ones(2, 3).dim(), m.ones(2, 3).numel(), m.ones(2).dtype, m.ones(2).device,
                    str(m.ones(2).device), m.ones(2).is_leaf, m.ones(2).requires_grad, m.ones(2).grad_fn))
    both(lambda m: (m.tensor([1.5]).item(), m.tensor([[1, 2]]).tolist(), m.tensor(2.5).tolist(),
                    m.tensor([1.7]).long(), m.tensor([1.7]).int(), m.tensor([0.0, 2.0]).bool(),
                    m.tensor([1]).float(), m.tensor([1.5]).double(), m.tensor([1.5]).to(m.int64),
                    m.tensor([1.5]).to("cpu"), m.tensor([1.5]).to(m.device("cpu"), m.float64),
                    m.tensor([1.5]).type(m.int32), m.tensor([1.5]).type(), m.device("cpu")))
    both(lambda m: (float(m.tensor(2.5)), int(m.tensor(3)), bool(m.tensor([1])), len(m.ones(4, 2)),
                    [t.tolist() for t in m.tensor([[1, 2], [3, 4]])], m.ones(2, 3).t().is_contiguous(),
                    m.ones(2, 3).t().contiguous().is_contiguous(), m.cuda.is_available()))
    both(lambda m: (m.softmax(m.tensor([[1.0, 2.0]]), dim=1), m.sigmoid(m.tensor([0.0])), m.max(m.tensor([[1, 5], [7, 2]]), 1),
                    m.argmax(m.tensor([[1, 5], [7, 2]])), m.transpose(m.ones(2, 3), 0, 1).shape,
                    m.where(m.tensor([True, False]), m.tensor([1.0, 2.0]), 0.0)))


def test_conversion_errors_match_torch():
    for fn in [lambda m: m.ones(2).item(), lambda m: bool(m.ones(2)), lambda m: m.ones(2, requires_grad=True).numpy(),
               lambda m: len(m.tensor(1.0)), lambda m: m.ones(2, 3).size(2)]:
        errors = []
        for lib in LIBS:
            with pytest.raises(Exception) as info:
                fn(lib)
            errors.append(info.value)
        assert type(errors[1]) is type(errors[0]) and str(errors[1]) == str(errors[0])


def test_cuda_is_refused_clearly():
    assert not mt.cuda.is_available()
    for call in [lambda: mt.ones(2, device="cuda"), lambda: mt.ones(2).to("cuda"), lambda: mt.ones(2).cuda(),
                 lambda: mt.device("cuda:0")]:
        with pytest.raises(RuntimeError, match="runs on the CPU only"):
            call()


def test_memory_sharing_matches_torch():
    def run(m):
        array = np.array([1.0, 2.0, 3.0])
        t = m.from_numpy(array)
        array[0] = 10.0  # visible through the tensor
        t[1] = 20.0  # visible through the array
        back = t.numpy()
        back[2] = 30.0
        d, c, data = t.detach(), t.clone(), t.data
        d[0], c[1] = -1.0, -2.0
        data[2] = -3.0
        as_t = m.as_tensor(array)
        as_t[1] = 99.0
        copied = m.tensor(array)
        copied[0] = 0.0
        return array.tolist(), t.dtype, c.tolist()

    both(run)


def test_from_numpy_rejects_unsupported_types():
    for lib in LIBS:
        with pytest.raises(TypeError):
            lib.from_numpy(np.array(["a"]))
        with pytest.raises(TypeError):
            lib.from_numpy([1, 2])


def test_in_place_ops_match_torch():
    def run(m):
        t = m.ones(2, 3)
        t.add_(1).mul_(3)
        t[0, 1] = 0.5
        t[1] = m.tensor([7.0, 8.0, 9.0])
        t[:, 2].fill_(1)  # a view: writes into t
        z = m.ones(2).zero_()
        f = m.empty(3).fill_(2.5)
        u = m.empty(1000).uniform_(-0.5, 0.5)
        n = m.empty(1000).normal_(3.0, 0.1)
        return (t.tolist(), t._version, z.tolist(), f.tolist(), bool(-0.5 <= u.min() and u.max() < 0.5),
                round(n.mean().item()))

    both(run)


# --- the course's snippets print what torch prints -------------------------------------------
_NUMBER = re.compile(r"-?\d+\.?\d*(e[+-]\d+)?")


def _printed(snippet: str, lib, normalise_numbers: bool) -> str:
    out = io.StringIO()
    lib.manual_seed(0)
    with contextlib.redirect_stdout(out):
        exec(snippet, {"torch": lib, "np": np})
    text = out.getvalue().replace("torch.", "minitorch_ref.")
    if normalise_numbers:  # random values differ between the libraries; the layout must not
        text = " ".join(_NUMBER.sub("N", text).split())
    return text


COURSE_SNIPPETS = {
    "hola-mundo": ('hola_mundo = torch.tensor([1, 2, 3])\nprint("Hola, mundo en PyTorch:", hola_mundo)', False),
    "from-list": ("tensor = torch.tensor([1, 2, 3, 4, 5])\nprint(tensor)", False),
    "zeros": ("tensor = torch.zeros(3, 4)\nprint(tensor)", False),
    "ones": ("tensor = torch.ones(3, 4)\nprint(tensor)", False),
    "rand": ("tensor = torch.rand(3, 4)\nprint(tensor)", True),
    "arange": ("tensor = torch.arange(0, 10, step=2)\nprint(tensor)", False),
    "randn": ("tensor = torch.randn(3, 4)\nprint(tensor)", True),
    "empty": ("tensor = torch.empty(2, 3)\nprint(tensor.shape, tensor.dtype)", False),
    "from-numpy": ("array = np.array([1, 2, 3, 4])\ntensor = torch.from_numpy(array)\nprint(tensor)", False),
    "dtype": ("tensor = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float32)\nprint(tensor)", False),
    "gpu-guard": ("if torch.cuda.is_available():\n    print('gpu')\nelse:\n    print('cpu')", False),
    "shape": ("tensor = torch.rand(3, 4)\nprint(tensor.shape)\nprint(tensor.dtype)\nprint(tensor.device)\n"
              "assert tensor.shape == (3, 4)", False),
    "nan-inf": ("tensor = torch.tensor([float('inf'), -float('inf'), float('nan'), 1.0])\n"
                "print(torch.isnan(tensor))\nprint(torch.isinf(tensor))", False),
    "autograd": ("x = torch.tensor([2.0], requires_grad=True)\ny = x**2\nprint(y)\ny.backward()\nprint(x.grad)", False),
    "printoptions": ("torch.set_printoptions(precision=3, edgeitems=2, linewidth=75)\ntensor = torch.rand(100, 4)\n"
                     "print(tensor)\ntorch.set_printoptions(profile='default')", True),
    "numpy-roundtrip": ("array_numpy = np.array([[1, 2], [3, 4]])\ntensor = torch.from_numpy(array_numpy)\n"
                        "print(tensor)\nprint(torch.rand(3, 3).numpy().dtype)", False),
    "operations": ("x = torch.rand(2, 3)\ny = torch.rand(2, 3)\nprint(x + y)\nprint(x * y)\n"
                   "x = torch.rand(3, 2)\ny = torch.rand(2, 4)\nprint(torch.matmul(x, y).shape)", True),
    "dtype-conversion": ("print(torch.ones(3, 3, dtype=torch.float32).dtype)\n"
                         "print(torch.tensor([[0.5, 1.5], [2.7, -1.2]]).to(torch.int32))", False),
}


@pytest.mark.parametrize("name", list(COURSE_SNIPPETS))
def test_course_snippets_print_like_torch(name):
    snippet, random_values = COURSE_SNIPPETS[name]
    assert _printed(snippet, mt, random_values) == _printed(snippet, torch, random_values)


@pytest.mark.parametrize("key", [0, (1, 2), (slice(None), 1), (slice(1, None), None), (Ellipsis, 0)])
def test_basic_indexing_returns_a_view_as_torch_does(key):
    """x[key].add_(v) writes into x for ints, slices, None and Ellipsis (shared memory), as in torch."""
    results = []
    for lib in (mt, torch):
        x = lib.zeros(3, 4)
        x[key].add_(5)
        x[key].mul_(2)
        results.append(x.numpy().copy())
    np.testing.assert_array_equal(results[0], results[1])


def test_advanced_indexing_returns_a_copy_as_torch_does():
    for lib in (mt, torch):
        x = lib.zeros(3)
        x[lib.tensor([0, 2])].fill_(1)
        assert x.tolist() == [0.0, 0.0, 0.0]


def test_writes_through_a_view_of_a_leaf_raise_but_work_under_no_grad():
    def run(m):
        w = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            w[0].fill_(2)
        with m.no_grad():
            w[0].fill_(2)
        return w.tolist(), w.requires_grad, w.is_leaf, w._version

    both(run)


def test_explicit_dtype_takes_python_floats_exactly():
    """`tensor([0.1], dtype=float64)` holds the double 0.1, not 0.1 rounded through float32."""
    def run(m):
        return (m.tensor([[0.5, -0.3]], dtype=m.float64).tolist(), m.tensor(0.1, dtype=m.float64).item(),
                m.as_tensor([1e-40, 3.3], dtype=m.float64).tolist(), m.tensor([0.1, 2.7], dtype=m.int64).tolist())

    both(run)
    assert run(mt)[1] == 0.1


@pytest.mark.parametrize("name", ["relu", "sum", "max", "exp", "softmax", "t", "numel", "logical_and", "gather"])
def test_function_forms_require_a_tensor(name):
    messages = []
    for lib in (torch, mt):
        with pytest.raises(TypeError) as info:
            getattr(lib, name)([1.0, 2.0])
        messages.append(str(info.value))
    assert messages[1] == messages[0]


def test_no_graph_shortcut_gives_what_apply_gives():
    """Operators and one-tensor methods skip Function.apply when nothing is recorded: same values,
    dtypes and no grad_fn; with grad they record the same node as apply."""
    x = mt.tensor([[-1.5, 0.5], [2.0, -0.25]])
    cases = {"add": lambda t: t + t, "radd": lambda t: 1 + t, "sub": lambda t: t - 1, "mul": lambda t: t * t,
             "div": lambda t: t / 2, "neg": lambda t: -t, "relu": lambda t: t.relu(), "exp": lambda t: t.exp(),
             "sigmoid": lambda t: t.sigmoid(), "sum": lambda t: t.sum(), "sum-dim": lambda t: t.sum(1),
             "mean": lambda t: t.mean(0, keepdim=True), "softmax": lambda t: t.softmax(1),
             "log_softmax": lambda t: t.log_softmax(0), "abs": lambda t: t.abs(), "tanh": lambda t: t.tanh()}
    for name, fn in cases.items():
        plain = fn(x)
        recorded = fn(x.detach().requires_grad_())
        assert plain.grad_fn is None and not plain.requires_grad, name
        assert recorded.grad_fn is not None, name
        assert plain.dtype == recorded.dtype and plain.tolist() == recorded.tolist(), name


def test_sum_is_a_0d_tensor_although_numpy_returns_a_scalar():
    """`np.sum` of a whole array returns a NumPy scalar; `Function.apply` makes every result an
    array: the same tensor as torch's, with and without grad."""
    rows = [[1, 0, 3], [4, 5, 0]]
    for name in ("float32", "float64", "int32", "uint8", "bool"):
        ours, theirs = mt.tensor(rows, dtype=getattr(mt, name)).sum(), torch.tensor(rows, dtype=getattr(torch, name)).sum()
        assert type(ours._data) is np.ndarray and ours.shape == (), name
        assert (str(ours.dtype), ours.item()) == (str(theirs.dtype).replace("torch", "minitorch_ref"), theirs.item())
    w = mt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w.sum().backward()
    assert w.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


TWO_STEP_KEYS = {  # (each library's own index tensors)
    "x[0, :, [1, 2]]": lambda lib: (0, slice(None), lib.tensor([1, 2])),
    "x[0, [1, 0], None]": lambda lib: (0, lib.tensor([1, 0]), None),
    "x[[1], 0]": lambda lib: (lib.tensor([1]), 0),
    "x[..., 0, [3, 1]]": lambda lib: (Ellipsis, 0, lib.tensor([3, 1])),
}


@pytest.mark.parametrize("key", TWO_STEP_KEYS.values(), ids=TWO_STEP_KEYS.keys())
@pytest.mark.parametrize("requires_grad", [False, True], ids=["plain", "recorded"])
def test_setitem_with_ints_beside_index_tensors(key, requires_grad):
    """torch applies such a key in two steps (the view, then the tensors): writing through it
    changes the same elements as torch's, whether or not the write is recorded."""
    results = []
    for lib in (torch, mt):
        x = lib.arange(24.0).reshape(2, 3, 4)
        if requires_grad:
            x = x.requires_grad_().clone()
        x[key(lib)] = lib.full(x[key(lib)].shape, -1.0)
        results.append(x.detach().numpy())
    np.testing.assert_array_equal(results[1], results[0])
