"""Optimizers for sparse embeddings, differential probe: `SparseAdam` and `Adagrad`, run on both libraries.

What this proves:
- SparseAdam's lazy update (only the rows of the gradient; its `exp_avg`, `exp_avg_sq` and int `step`)
  and Adagrad's (`sum`, float32 `step`; lr_decay, initial_accumulator_value, eps, weight_decay,
  maximize; dense and row-sparse gradients) take torch's steps over 40 steps from the same weights and
  gradients (coalesced, or with repeated rows summed in another order; to rounding: torch's float32
  `sqrt` is not correctly rounded, NumPy's is);
- a small EmbeddingBag(sparse=True) + Linear trains the same on the same batches with either;
- `state_dict()` mid-run matches torch's, and loading it into a fresh optimizer continues torch's run;
- `param_groups`, `repr`, Adagrad's state before any step, and the errors (constructor checks, dense
  gradients for SparseAdam, weight_decay with a sparse gradient for Adagrad) are torch's.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from minitorch_ref._sparse import RowSparseGrad
from parity_tests.test_nn_modules import build, same_error

ROWS, DIM, STEPS = 20, 3, 40


def weights(backend, dtype=np.float32, seed=3):
    """A ROWS x DIM table and a vector, the same random values in both libraries."""
    rng = np.random.default_rng(seed)
    return [backend.tensor(rng.standard_normal(shape).astype(dtype), requires_grad=True)
            for shape in [(ROWS, DIM), (4,)]]


def sparse_grad(backend, rows, values):
    """The same row-sparse gradient in both libraries (torch's coalesced when the rows are distinct)."""
    if backend is mt:
        return RowSparseGrad(rows, values.copy(), (ROWS, DIM), coalesced=len(np.unique(rows)) == len(rows)
                             and bool(np.all(np.diff(rows) > 0)))
    grad = torch.sparse_coo_tensor(torch.tensor(rows)[None], torch.tensor(values), (ROWS, DIM),
                                   check_invariants=True)
    return grad.coalesce() if len(np.unique(rows)) == len(rows) else grad


def batches(dtype=np.float32, repeated=False, steps=STEPS, seed=2):
    """(rows, values, dense vector gradient) per step; rows distinct and sorted unless `repeated`."""
    rng = np.random.default_rng(seed)
    out = []
    for step in range(steps):
        if repeated:
            rows = rng.integers(0, ROWS // 2 + step % 7, size=12)
        else:
            rows = np.sort(rng.choice(ROWS // 2 + step % 7, size=5, replace=False))
        out.append((rows, rng.standard_normal((len(rows), DIM)).astype(dtype),
                    rng.standard_normal(4).astype(dtype)))
    return out


def state_as_arrays(optimizer, backend):
    """Each parameter's state, tensors as arrays (and `step` kept as its Python type or a 0-d array)."""
    return [{k: (v.detach().numpy().copy() if isinstance(v, backend.Tensor) else v)
             for k, v in optimizer.state[p].items()} for group in optimizer.param_groups for p in group["params"]
            if p in optimizer.state]


def run(backend, make, sparse_only=False, dtype=np.float32, repeated=False, steps=range(STEPS), params=None,
        optimizer=None):
    """Steps of `make(backend, params)` with the same gradients (the table's sparse, the vector's dense)."""
    params = params or weights(backend, dtype)
    optimizer = optimizer or make(backend, params[:1] if sparse_only else params)
    all_batches = batches(dtype, repeated)
    for i in steps:
        rows, values, vector_grad = all_batches[i]
        params[0].grad = sparse_grad(backend, rows, values)
        if not sparse_only:
            params[1].grad = backend.tensor(vector_grad)
        optimizer.step()
    return params, optimizer


def compare(a, b):
    """Equal to rounding: torch's float32 `sqrt` (vectorized, MKL) is not NumPy's correctly rounded one
    (1 ulp apart on a fifth of the inputs), so float32 runs agree to a few ulps, not bit for bit."""
    if isinstance(b, int):  # (SparseAdam's step)
        assert a == b
        return
    assert a.dtype == b.dtype
    tol = dict(rtol=1e-5, atol=1e-6) if a.dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a, b, **tol)


def assert_same_run(got, expected):
    """The same parameters (dtype, values) and the same state (keys, types: `step` an int or a tensor)."""
    (pm, om), (pt, ot) = got, expected
    for a, b in zip(pm, pt, strict=True):
        assert a.dtype.name == str(b.dtype).split(".")[-1]
        compare(a.detach().numpy(), b.detach().numpy())
    for sa, sb in zip(state_as_arrays(om, mt), state_as_arrays(ot, torch), strict=True):
        assert list(sa) == list(sb)
        for key in sb:
            assert type(sa[key]) is type(sb[key]), key
            compare(sa[key], sb[key])


SPARSE_ADAM = [dict(), dict(lr=0.05), dict(lr=0.02, betas=(0.5, 0.9), eps=1e-3), dict(lr=0.03, maximize=True),
               dict(betas=[0.0, 0.0])]
ADAGRAD_SPARSE = [dict(), dict(lr=0.1), dict(lr=0.1, lr_decay=0.05), dict(lr=0.1, initial_accumulator_value=0.5),
                  dict(lr=0.2, eps=1e-3, maximize=True)]
ADAGRAD_DENSE = ADAGRAD_SPARSE + [dict(lr=0.1, weight_decay=0.1), dict(lr=0.1, weight_decay=0.2, maximize=True,
                                                                       lr_decay=0.01, foreach=True),
                                  dict(lr=0.1, weight_decay=0.1, lr_decay=0.1, fused=True)]


# --------------------------------------------------------------------------- trajectories
@pytest.mark.parametrize("options", SPARSE_ADAM)
def test_sparse_adam_trajectory(options):
    """40 steps of coalesced float32 gradients: torch's parameters and state (the lazy update: rows that
    no gradient named keep their values and zero averages)."""
    make = lambda b, p: b.optim.SparseAdam(p, **options)
    got, expected = run(mt, make, sparse_only=True), run(torch, make, sparse_only=True)
    assert_same_run(got, expected)
    assert got[1].state[got[0][0]]["step"] == STEPS


@pytest.mark.parametrize("name, options", [("SparseAdam", o) for o in SPARSE_ADAM[:3]]
                         + [("Adagrad", o) for o in ADAGRAD_SPARSE])
def test_repeated_rows_float64(name, options):
    """Uncoalesced gradients (repeated rows, summed first) in float64: torch's steps to rounding."""
    make = lambda b, p: getattr(b.optim, name)(p, **options)
    got = run(mt, make, sparse_only=True, dtype=np.float64, repeated=True)
    expected = run(torch, make, sparse_only=True, dtype=np.float64, repeated=True)
    assert_same_run(got, expected)


@pytest.mark.parametrize("options", ADAGRAD_SPARSE)
def test_adagrad_sparse_trajectory(options):
    """Sparse table gradients and a dense vector gradient in the same group, 40 steps."""
    make = lambda b, p: b.optim.Adagrad(p, **options)
    assert_same_run(run(mt, make), run(torch, make))


@pytest.mark.parametrize("options", ADAGRAD_DENSE)
def test_adagrad_dense_trajectory(options):
    """Dense gradients for both parameters (the table's made dense), 40 steps."""
    def make_dense_run(backend):
        params = weights(backend)
        optimizer = backend.optim.Adagrad(params, **options)
        for rows, values, vector_grad in batches():
            table_grad = np.zeros((ROWS, DIM), np.float32)
            table_grad[rows] = values
            params[0].grad, params[1].grad = backend.tensor(table_grad), backend.tensor(vector_grad)
            optimizer.step()
        return params, optimizer
    assert_same_run(make_dense_run(mt), make_dense_run(torch))


def test_sparse_adam_empty_gradient_counts_the_step():
    """A gradient without rows counts a step (torch increments before skipping) and changes nothing."""
    def go(backend):
        (table,) = weights(backend)[:1]
        optimizer = backend.optim.SparseAdam([table])
        for rows in (np.array([1, 4]), np.array([], dtype=np.int64), np.array([2])):
            table.grad = sparse_grad(backend, rows, np.ones((len(rows), DIM), np.float32))
            optimizer.step()
        return [table], optimizer
    assert_same_run(go(mt), go(torch))


# --------------------------------------------------------------------------- a course model
@pytest.mark.parametrize("recipe", ["sparse_adam+adam", "adagrad"])
def test_embedding_bag_training_matches_torch(recipe):
    """EmbeddingBag(sparse=True) + Linear, 30 steps of the same batches: the same weights (float32
    rounding: the two libraries sum a bag's rows in different orders)."""
    def model(lib):
        return lib.nn.EmbeddingBag(50, 8, mode="mean", sparse=True), lib.nn.Linear(8, 2)
    (bag_m, linear_m), (bag_t, linear_t) = build(lambda lib: lib.nn.Sequential(*model(lib)))

    def train(lib, bag, linear):
        if recipe == "adagrad":
            optimizers = [lib.optim.Adagrad([*bag.parameters(), *linear.parameters()], lr=0.1, lr_decay=0.01)]
        else:
            optimizers = [lib.optim.SparseAdam(bag.parameters(), lr=0.05), lib.optim.Adam(linear.parameters())]
        rng = np.random.default_rng(7)
        for _ in range(30):
            ids, targets = rng.integers(0, 30, size=24), rng.standard_normal((6, 2)).astype(np.float32)
            out = linear(bag(lib.from_numpy(ids), lib.from_numpy(np.arange(0, 24, 4))))
            loss = ((out - lib.from_numpy(targets)) ** 2).mean()
            for optimizer in optimizers:
                optimizer.zero_grad()
            loss.backward()
            for optimizer in optimizers:
                optimizer.step()
        return [p.detach().numpy() for p in (*bag.parameters(), *linear.parameters())]

    initial = bag_m.weight.detach().numpy().copy()
    for a, b in zip(train(mt, bag_m, linear_m), train(torch, bag_t, linear_t), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(bag_m.weight.detach().numpy()[30:], initial[30:])  # (ids < 30: rows untouched)
    assert not np.array_equal(bag_m.weight.detach().numpy()[:30], initial[:30])


@pytest.mark.parametrize("layer", ["Embedding", "EmbeddingBag"])
@pytest.mark.parametrize("name", ["SparseAdam", "Adagrad"])
def test_padding_idx_rows_move_as_in_torch(layer, name):
    """With padding_idx, the padding row gets no gradient; whether the optimizer then touches it (and its
    state) must be torch's: the same table and state after 6 steps."""
    def make(lib):
        return getattr(lib.nn, layer)(10, 3, sparse=True, padding_idx=0)
    runs = {}
    for lib, model in zip((mt, torch), build(make)):
        optimizer = getattr(lib.optim, name)(model.parameters(), lr=0.1)
        rng = np.random.default_rng(0)
        for _ in range(6):
            ids = lib.from_numpy(rng.integers(0, 4, size=8))
            out = model(ids) if layer == "Embedding" else model(ids, lib.from_numpy(np.array([0, 4])))
            optimizer.zero_grad()
            (out ** 2).sum().backward()
            optimizer.step()
        runs[lib] = [model.weight], optimizer
    assert_same_run(runs[mt], runs[torch])


# --------------------------------------------------------------------------- state_dict
@pytest.mark.parametrize("name, options", [("SparseAdam", dict(lr=0.05)), ("Adagrad", dict(lr=0.1, lr_decay=0.1))])
def test_state_dict_round_trip_mid_run(name, options):
    """After 20 steps the state dicts agree (keys, step types, values); a fresh optimizer over fresh
    weights loading a copy of it continues exactly as torch's does."""
    sparse_only = name == "SparseAdam"
    make = lambda b, p: getattr(b.optim, name)(p, **options)
    halves = {}
    for backend in (mt, torch):
        params, optimizer = run(backend, make, sparse_only, steps=range(20))
        saved = copy.deepcopy(optimizer.state_dict())
        fresh = [backend.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params]
        resumed = make(backend, fresh[:1] if sparse_only else fresh)
        resumed.load_state_dict(saved)
        halves[backend] = saved, run(backend, make, sparse_only, steps=range(20, STEPS), params=fresh,
                                     optimizer=resumed)
    (saved_m, got), (saved_t, expected) = halves[mt], halves[torch]
    assert saved_m["param_groups"] == saved_t["param_groups"]
    assert list(saved_m["state"]) == list(saved_t["state"])
    assert_same_run(got, expected)


def test_adagrad_state_exists_before_any_step():
    """torch's Adagrad fills `step` and `sum` (from the constructor's initial_accumulator_value) for every
    parameter at construction, so even an unstepped optimizer saves them."""
    def go(backend):
        params = weights(backend)
        optimizer = backend.optim.Adagrad([{"params": params[:1]}, {"params": params[1:],
                                                                   "initial_accumulator_value": 2.0}],
                                          initial_accumulator_value=0.25)
        return params, optimizer
    assert_same_run(go(mt), go(torch))


# --------------------------------------------------------------------------- groups, repr
@pytest.mark.parametrize("name, options", [
    ("SparseAdam", {}), ("SparseAdam", dict(lr=0.1, betas=[0.8, 0.9], maximize=True)),
    ("Adagrad", {}), ("Adagrad", dict(lr=0.1, lr_decay=0.1, foreach=True, differentiable=False, fused=False)),
])
def test_groups_defaults_and_repr(name, options):
    def describe(backend):
        a, b = weights(backend)
        optimizer = getattr(backend.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.5}], **options)
        groups = [[(k, v) for k, v in group.items() if k != "params"] for group in optimizer.param_groups]
        return groups, list(optimizer.defaults.items()), repr(optimizer)
    assert describe(mt) == describe(torch)


def test_exported_like_torch():
    assert {"SparseAdam", "Adagrad"} <= set(mt.optim.__all__)
    assert mt.optim.SparseAdam.__name__ == "SparseAdam" and mt.optim.Adagrad.__name__ == "Adagrad"


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make", [
    lambda b, p: b.optim.SparseAdam(p, lr=0.0),
    lambda b, p: b.optim.SparseAdam(p, lr=-1.0),
    lambda b, p: b.optim.SparseAdam(p, eps=0.0),
    lambda b, p: b.optim.SparseAdam(p, betas=(1.0, 0.9)),
    lambda b, p: b.optim.SparseAdam(p, betas=(0.9, -0.1)),
    lambda b, p: b.optim.SparseAdam(p, lr=b.tensor([0.1, 0.2])),
    lambda b, p: b.optim.SparseAdam([]),
    lambda b, p: b.optim.SparseAdam([p[0] * 2]),
    lambda b, p: b.optim.Adagrad(p, lr=-0.1),
    lambda b, p: b.optim.Adagrad(p, lr_decay=-0.1),
    lambda b, p: b.optim.Adagrad(p, weight_decay=-0.1),
    lambda b, p: b.optim.Adagrad(p, initial_accumulator_value=-1.0),
    lambda b, p: b.optim.Adagrad(p, eps=-1e-3),
    lambda b, p: b.optim.Adagrad(p, lr=b.tensor([0.1, 0.2])),
    lambda b, p: b.optim.Adagrad(p, fused=True, foreach=True),
    lambda b, p: b.optim.Adagrad(p, fused=True, differentiable=True),
    lambda b, p: b.optim.Adagrad(p[0]),
    lambda b, p: b.optim.SparseAdam([p[0], a_sparse_grad(b)]),
    lambda b, p: b.optim.SparseAdam([{"params": p[:1]}, {"params": [p[1], a_sparse_grad(b)]}]),
    lambda b, p: b.optim.Adagrad([a_sparse_grad(b)]),
], ids=lambda make: None)
def test_constructor_errors(make):
    same_error(lambda: make(mt, weights(mt)), lambda: make(torch, weights(torch)))


def a_sparse_grad(backend):
    """A sparse gradient, which torch (whose sparse tensors are Tensors) lets one pass as a parameter."""
    return sparse_grad(backend, np.array([1, 2]), np.ones((2, DIM), np.float32))


def test_optimizers_accept_a_sparse_tensor_as_parameter():
    """Adam and SGD take it (it has no gradient: a step skips it), as torch's do."""
    def go(backend):
        optimizers = [backend.optim.Adam([a_sparse_grad(backend)]), backend.optim.SGD([a_sparse_grad(backend)])]
        for optimizer in optimizers:
            optimizer.step()
            optimizer.zero_grad()
        return [optimizer.state_dict() for optimizer in optimizers]
    assert go(mt) == go(torch)


def assert_step_refused_as_torch(make_optimizer, set_grads):
    """A step torch refuses: the same message, and the parameters and optimizer state as torch leaves them."""
    def go(backend):
        params = weights(backend)
        optimizer = make_optimizer(backend, params)
        set_grads(backend, params)
        with pytest.raises(RuntimeError) as error:
            optimizer.step()
        return params, optimizer, str(error.value)
    (pm, om, message_m), (pt, ot, message_t) = go(mt), go(torch)
    assert message_m == message_t
    assert_same_run((pm, om), (pt, ot))


def test_fused_adagrad_refuses_a_sparse_gradient():
    """torch's fused kernel is dense: a step with a sparse gradient raises before changing anything."""
    def grads(backend, params):
        params[1].grad = backend.ones(4)
        params[0].grad = a_sparse_grad(backend)
    assert_step_refused_as_torch(lambda backend, params: backend.optim.Adagrad(params, fused=True), grads)


def test_sparse_adam_refuses_a_dense_gradient_before_updating():
    """The whole group is checked (and its steps counted) before any row moves, as torch does."""
    def grads(backend, params):
        params[0].grad = sparse_grad(backend, np.array([1, 2]), np.ones((2, DIM), np.float32))
        params[1].grad = backend.ones(4)
    assert_step_refused_as_torch(lambda backend, params: backend.optim.SparseAdam(params), grads)


def test_adagrad_refuses_weight_decay_with_a_sparse_gradient():
    """torch's error, raised after the step count of that parameter went up (its state shows it)."""
    def grads(backend, params):
        params[1].grad = backend.ones(4)
        params[0].grad = sparse_grad(backend, np.array([1, 2]), np.ones((2, DIM), np.float32))
    assert_step_refused_as_torch(lambda backend, params: backend.optim.Adagrad(params, weight_decay=0.1), grads)
