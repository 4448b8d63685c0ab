"""Optimizers, gradient clipping and StepLR: minitorch_ref against torch, step for step.

Each trajectory test starts both backends from the same weights, feeds them the same
batches of a small least-squares problem (gradients computed by each backend's own
autograd), runs 50 optimizer steps and compares the parameters.
"""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from minitorch_ref._sparse import RowSparseGrad
from minitorch_ref.nn.utils import clip_grad_norm_, clip_grad_value_
from parity_tests.outcomes import with_warnings
from parity_tests.test_nn_modules import same_error
from torch_impl.clip import clip_grad_norm_ as torch_sparse_clip_grad_norm_

TOLERANCE = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-5, atol=1e-6)}

# (optimizer class name, options, split into two parameter groups with these options for the second)
CONFIGS = {
    "sgd": ("SGD", dict(lr=0.05), None),
    "sgd_momentum": ("SGD", dict(lr=0.05, momentum=0.9), None),
    "sgd_dampening": ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3), None),
    "sgd_nesterov": ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True), None),
    "sgd_weight_decay": ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1), None),
    "sgd_maximize": ("SGD", dict(lr=0.01, maximize=True), None),
    "sgd_two_groups": ("SGD", dict(lr=0.05, momentum=0.9), dict(lr=0.01, nesterov=True)),
    "adam": ("Adam", dict(lr=0.05), None),
    "adam_amsgrad": ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1), None),
    "adam_maximize_two_groups": ("Adam", dict(lr=0.01, betas=(0.8, 0.9), maximize=True), dict(lr=0.002, eps=1e-3)),
    "adamw": ("AdamW", dict(lr=0.05), None),
    "adamw_amsgrad": ("AdamW", dict(lr=0.05, weight_decay=0.5, amsgrad=True), None),
    "rmsprop": ("RMSprop", dict(lr=0.01), None),
    "rmsprop_centered": ("RMSprop", dict(lr=0.01, centered=True, weight_decay=0.1), None),
    "rmsprop_momentum": ("RMSprop", dict(lr=0.01, momentum=0.9, alpha=0.9), None),
    "rmsprop_centered_momentum_two_groups": ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True),
                                             dict(lr=0.003, alpha=0.5)),
}



def make_problem(seed: int = 0, steps: int = 50) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """Initial weights of a 3 -> 4 linear map and `steps` batches of (inputs, targets)."""
    rng = np.random.default_rng(seed)
    init = {"weight": rng.standard_normal((4, 3)), "bias": rng.standard_normal(4)}
    batches = [(rng.standard_normal((8, 3)), rng.standard_normal((8, 4))) for _ in range(steps)]
    return init, batches


def run(backend, name: str, dtype: str, init, batches, optimizer=None, params=None):
    """Train on `batches` with the configuration `name`; return (params, optimizer)."""
    cls_name, options, second_group = CONFIGS[name]
    if params is None:
        params = [backend.tensor(init[k].astype(dtype), requires_grad=True) for k in ("weight", "bias")]
    if optimizer is None:
        groups = params if second_group is None else [{"params": params[:1]}, {"params": params[1:], **second_group}]
        optimizer = getattr(backend.optim, cls_name)(groups, **options)
    weight, bias = params
    for x, y in batches:
        x, y = backend.tensor(x.astype(dtype)), backend.tensor(y.astype(dtype))
        loss = ((x @ weight.T + bias - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return params, optimizer


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_trajectory_matches_torch(name, dtype):
    init, batches = make_problem()
    expected, _ = run(torch, name, dtype, init, batches)
    got, _ = run(mt, name, dtype, init, batches)
    for e, g in zip(expected, got):
        assert g.dtype.name == dtype
        np.testing.assert_allclose(g.detach().numpy(), e.detach().numpy(), **TOLERANCE[dtype])
    # The parameters moved (a test that cannot fail would compare two unchanged copies).
    assert not np.allclose(got[0].detach().numpy(), init["weight"])


@pytest.mark.parametrize("name", ["sgd_momentum", "adam_amsgrad", "rmsprop_centered_momentum_two_groups"])
def test_state_dict_round_trip_continues_identically(name, tmp_path):
    """Stop after 20 steps, save the optimizer through minitorch_ref.save, resume in a fresh optimizer."""
    init, batches = make_problem(seed=1, steps=40)
    straight, _ = run(mt, name, "float64", init, batches)

    params, optimizer = run(mt, name, "float64", init, batches[:20])
    mt.save(optimizer.state_dict(), tmp_path / "optimizer.safetensors")
    fresh_params = [p.detach().clone().requires_grad_() for p in params]
    resumed = run(mt, name, "float64", init, [], params=fresh_params)[1]
    resumed.load_state_dict(mt.load(tmp_path / "optimizer.safetensors"))
    resumed_params, _ = run(mt, name, "float64", init, batches[20:], optimizer=resumed, params=fresh_params)
    for a, b in zip(straight, resumed_params):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("name", ["sgd_two_groups", "adam_amsgrad", "rmsprop_centered_momentum_two_groups"])
def test_state_dict_format_matches_torch(name):
    init, batches = make_problem(steps=3)
    _, expected = run(torch, name, "float64", init, batches)
    _, got = run(mt, name, "float64", init, batches)
    e, g = expected.state_dict(), got.state_dict()
    assert [grp["params"] for grp in g["param_groups"]] == [grp["params"] for grp in e["param_groups"]]
    for eg, gg in zip(e["param_groups"], g["param_groups"]):
        assert {k: v for k, v in eg.items() if k in gg} == gg  # ours is torch's, minus fused/foreach flags
    assert g["state"].keys() == e["state"].keys()
    for index, state in e["state"].items():
        assert g["state"][index].keys() == state.keys()
        for key, value in state.items():
            np.testing.assert_allclose(g["state"][index][key].numpy(), value.numpy(), rtol=1e-12)


def test_torch_state_dict_loads_into_minitorch():
    """An Adam state saved by torch (safetensors-friendly nested dict) resumes in minitorch_ref."""
    init, batches = make_problem(steps=30)
    expected, _ = run(torch, "adam", "float64", init, batches)
    params_t, opt_t = run(torch, "adam", "float64", init, batches[:10])
    saved = opt_t.state_dict()
    state = {"state": {i: {k: mt.tensor(v.numpy()) for k, v in s.items()} for i, s in saved["state"].items()},
             "param_groups": saved["param_groups"]}
    params = [mt.tensor(p.detach().numpy().copy(), requires_grad=True) for p in params_t]
    optimizer = run(mt, "adam", "float64", init, [], params=params)[1]
    optimizer.load_state_dict(state)
    got, _ = run(mt, "adam", "float64", init, batches[10:], optimizer=optimizer, params=params)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g.detach().numpy(), e.detach().numpy(), rtol=1e-10)


def test_zero_grad():
    p = mt.tensor([1.0, 2.0], requires_grad=True)
    optimizer = mt.optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]
    optimizer.zero_grad()
    assert p.grad is None


def test_add_param_group_and_defaults():
    a, b = (mt.zeros(2, requires_grad=True) for _ in range(2))
    optimizer = mt.optim.Adam([a], lr=0.1)
    optimizer.add_param_group({"params": b, "lr": 0.5})
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.5]
    assert optimizer.param_groups[1]["betas"] == (0.9, 0.999)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optimizer.add_param_group({"params": [a]})


@pytest.mark.parametrize("make", [
    lambda t: t.optim.SGD([], lr=0.1),
    lambda t: t.optim.SGD(t.zeros(2, requires_grad=True), lr=0.1),
    lambda t: t.optim.SGD([t.zeros(2, requires_grad=True)], lr=-1.0),
    lambda t: t.optim.SGD([t.zeros(2, requires_grad=True)], lr=0.1, nesterov=True),
    lambda t: t.optim.SGD([t.zeros(2, requires_grad=True) * 2], lr=0.1),
    lambda t: t.optim.SGD([{"params": {t.zeros(2, requires_grad=True)}}], lr=0.1),
    lambda t: t.optim.Adam([t.zeros(2, requires_grad=True)], betas=(1.0, 0.9)),
    lambda t: t.optim.RMSprop([t.zeros(2, requires_grad=True)], alpha=-0.1),
    lambda t: t.optim.SGD([1.0], lr=0.1),  # (torch.typename: "float", not "builtins.float")
    lambda t: t.optim.SGD([{"params": [("a", t.nn.Parameter(t.ones(1)))]}, {"params": [t.nn.Parameter(t.ones(1))]}],
                          lr=0.1),
    lambda t: t.optim.SGD([{"params": [t.nn.Parameter(t.ones(1))]}, {"params": [("b", t.nn.Parameter(t.ones(1)))]}],
                          lr=0.1),
])
def test_constructor_errors_match_torch(make):
    with pytest.raises(Exception) as expected:
        make(torch)
    with pytest.raises(type(expected.value)) as got:
        make(mt)
    assert str(got.value) == str(expected.value).replace("torch.", "minitorch_ref.")


# --------------------------------------------------------------------------- sparse gradients
def sparse_batches(num_rows: int = 20, dim: int = 3, steps: int = 50, seed: int = 2):
    """Row-sparse gradients with repeated rows, as EmbeddingBag(sparse=True) produces them."""
    rng = np.random.default_rng(seed)
    return [(rng.integers(0, num_rows // 2 + step % 7, size=12), rng.standard_normal((12, dim)))
            for step in range(steps)]


@pytest.mark.parametrize("options", [
    dict(lr=0.1), dict(lr=0.1, maximize=True), dict(lr=0.1, momentum=0.9),
    dict(lr=0.1, momentum=0.9, dampening=0.5), dict(lr=0.1, momentum=0.9, nesterov=True),
], ids=["plain", "maximize", "momentum", "dampening", "nesterov"])
def test_sparse_sgd_matches_torch(options):
    init = np.random.default_rng(3).standard_normal((20, 3))
    wt, wm = torch.tensor(init, requires_grad=True), mt.tensor(init, requires_grad=True)
    ot, om = torch.optim.SGD([wt], **options), mt.optim.SGD([wm], **options)
    touched = set()
    for rows, values in sparse_batches():
        wt.grad = torch.sparse_coo_tensor(torch.tensor(rows)[None], torch.tensor(values), (20, 3),
                                          check_invariants=True)
        wm.grad = RowSparseGrad(rows, values.copy(), (20, 3))
        ot.step()
        om.step()
        touched.update(rows.tolist())
    np.testing.assert_allclose(wm.detach().numpy(), wt.detach().numpy(), rtol=1e-10, atol=1e-12)
    untouched = sorted(set(range(20)) - touched)
    assert untouched, "the batches should leave some rows alone"
    np.testing.assert_array_equal(wm.detach().numpy()[untouched], init[untouched])


@pytest.mark.parametrize("make", [
    lambda t, p: t.optim.SGD([p], lr=0.1, weight_decay=0.01),
    lambda t, p: t.optim.Adam([p]),
    lambda t, p: t.optim.AdamW([p]),
    lambda t, p: t.optim.RMSprop([p]),
], ids=["sgd_weight_decay", "adam", "adamw", "rmsprop"])
def test_sparse_gradient_rejected_like_torch(make):
    rows, values = np.array([1, 1, 3]), np.ones((3, 2))
    pt, pm = torch.zeros(5, 2, requires_grad=True), mt.zeros(5, 2, requires_grad=True)
    pt.grad = torch.sparse_coo_tensor(torch.tensor(rows)[None], torch.tensor(values, dtype=torch.float32), (5, 2),
                                      check_invariants=True)
    pm.grad = RowSparseGrad(rows, values.astype(np.float32), (5, 2))
    with pytest.raises(RuntimeError) as expected:
        make(torch, pt).step()
    with pytest.raises(RuntimeError) as got:
        make(mt, pm).step()
    assert str(got.value) == str(expected.value)
    assert not pm.detach().numpy().any(), "a rejected step must not have changed the parameter"


# --------------------------------------------------------------------------- clipping
def dense_grads(seed: int = 4, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    return [scale * rng.standard_normal((4, 3)), scale * rng.standard_normal(4), scale * rng.standard_normal((2, 2))]


def with_grads(backend, grads, dtype="float64"):
    params = []
    for g in grads:
        p = backend.zeros(g.shape, dtype=getattr(backend, dtype), requires_grad=True)
        p.grad = backend.tensor(g.astype(dtype))
        params.append(p)
    return params


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("max_norm, norm_type", [(0.1, 2.0), (100.0, 2.0), (0.5, 1), (0.5, math.inf), (0.3, 3.0)])
def test_clip_grad_norm_matches_torch(max_norm, norm_type, dtype):
    grads = dense_grads()
    pt, pm = with_grads(torch, grads, dtype), with_grads(mt, grads, dtype)
    expected = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type)
    got = clip_grad_norm_(pm, max_norm, norm_type)
    assert got.dtype.name == dtype and got.shape == ()
    np.testing.assert_allclose(got.item(), expected.item(), **TOLERANCE[dtype])
    for a, b in zip(pm, pt):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOLERANCE[dtype])


def test_clip_grad_norm_nonfinite():
    grads = dense_grads()
    grads[1][0] = np.nan
    with pytest.raises(RuntimeError) as expected:
        torch.nn.utils.clip_grad_norm_(with_grads(torch, grads), 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as got:
        clip_grad_norm_(with_grads(mt, grads), 1.0, error_if_nonfinite=True)
    assert str(got.value) == str(expected.value)
    assert math.isnan(clip_grad_norm_(with_grads(mt, grads), 1.0).item())


def test_clip_grad_norm_sparse_uses_coalesced_norm():
    """Repeated rows are summed before the norm: the clip equals the dense gradient's clip."""
    rows = np.array([2, 0, 2, 2, 5])
    values = np.random.default_rng(5).standard_normal((5, 3)) + 1.0
    dense_grad = np.zeros((6, 3))
    np.add.at(dense_grad, rows, values)
    other = dense_grads()[1]
    naive_norm = math.sqrt((values**2).sum() + (other**2).sum())

    sparse_param, other_param = mt.zeros(6, 3, dtype=mt.float64, requires_grad=True), *with_grads(mt, [other])
    sparse_param.grad = RowSparseGrad(rows, values.copy(), (6, 3))
    got = clip_grad_norm_([sparse_param, other_param], 0.1)

    reference = with_grads(torch, [dense_grad, other])
    expected = torch.nn.utils.clip_grad_norm_(reference, 0.1)
    assert not math.isclose(expected.item(), naive_norm, rel_tol=1e-3), "the batch must have summed rows"
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(sparse_param.grad.to_dense().numpy(), reference[0].grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(other_param.grad.numpy(), reference[1].grad.numpy(), rtol=1e-12)
    # torch_impl's sparse-aware clip on a real torch sparse gradient agrees too.
    tp = torch.zeros(6, 3, dtype=torch.float64, requires_grad=True)
    tp.grad = torch.sparse_coo_tensor(torch.tensor(rows)[None], torch.tensor(values), (6, 3), check_invariants=True)
    np.testing.assert_allclose(torch_sparse_clip_grad_norm_([tp, *with_grads(torch, [other])], 0.1).item(),
                               got.item(), rtol=1e-12)


def test_clip_grad_value():
    grads = dense_grads(scale=2.0)
    pt, pm = with_grads(torch, grads), with_grads(mt, grads)
    torch.nn.utils.clip_grad_value_(pt, 1.5)
    assert clip_grad_value_(pm, 1.5) is None
    for a, b in zip(pm, pt):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    # Sparse: clamp the summed rows (the real gradient), not the raw entries.
    p = mt.zeros(4, 2, dtype=mt.float64, requires_grad=True)
    p.grad = RowSparseGrad(np.array([1, 1, 3]), np.array([[1.0, -0.5], [1.0, -0.5], [0.2, 3.0]]), (4, 2))
    clip_grad_value_([p], 1.5)
    np.testing.assert_array_equal(p.grad.to_dense().numpy(), [[0, 0], [1.5, -1.0], [0, 0], [0.2, 1.5]])


# --------------------------------------------------------------------------- StepLR
def test_step_lr_schedule_matches_torch():
    def schedule(backend):
        a, b = (backend.zeros(2, requires_grad=True) for _ in range(2))
        optimizer = backend.optim.SGD([{"params": [a]}, {"params": [b], "lr": 2.0}], lr=1.0)
        scheduler = backend.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
        lrs = [scheduler.get_last_lr()]
        for _ in range(7):
            optimizer.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr() + [g["lr"] for g in optimizer.param_groups])
        return lrs, scheduler.state_dict()

    (expected, expected_state), (got, got_state) = schedule(torch), schedule(mt)
    assert got == expected
    assert {k: v for k, v in expected_state.items() if k in got_state} == got_state
    assert {"step_size", "gamma", "base_lrs", "last_epoch", "_last_lr"} <= got_state.keys()


def test_step_lr_state_dict_round_trip():
    """The tutorial steps the scheduler only on a validation plateau; a resumed run continues the schedule."""
    def fresh():
        p = mt.zeros(2, requires_grad=True)
        optimizer = mt.optim.SGD([p], lr=5.0)
        return optimizer, mt.optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.1)

    optimizer, scheduler = fresh()
    scheduler.step()
    scheduler.step()
    buffer = io.BytesIO()
    mt.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, buffer)
    buffer.seek(0)
    saved = mt.load(buffer)
    optimizer2, scheduler2 = fresh()
    optimizer2.load_state_dict(saved["optimizer"])
    scheduler2.load_state_dict(saved["scheduler"])
    assert scheduler2.get_last_lr() == pytest.approx([0.05])
    scheduler.step()
    scheduler2.step()
    assert scheduler2.get_last_lr() == scheduler.get_last_lr() == [optimizer2.param_groups[0]["lr"]]
    assert scheduler2.last_epoch == 3


# --------------------------------------------------------------------------- edge cases found by a differential probe
def test_duplicate_parameters_in_a_group_warn_as_torch():
    for backend in (torch, mt):
        p = backend.nn.Parameter(backend.ones(1))
        with pytest.warns(UserWarning, match="duplicate parameters; in future, this will cause an error"):
            backend.optim.SGD([p, p], lr=0.1)


@pytest.mark.parametrize("name, missing", [
    ("SGD", ["maximize", "nesterov"]),
    ("Adam", ["maximize", "amsgrad", "decoupled_weight_decay"]),
    ("AdamW", ["maximize", "amsgrad", "decoupled_weight_decay"]),
    ("RMSprop", ["momentum", "centered", "maximize"]),
])
def test_a_checkpoint_of_an_older_torch_loads_as_torch_loads_it(name, missing):
    """Older checkpoints lack newer options (torch fills them in with their defaults) and saved Adam's and
    RMSprop's `step` as a number (torch makes it a tensor): the next steps continue identically."""
    def resumed(backend):
        options = dict(lr=0.1, momentum=0.9) if name == "SGD" else dict(lr=0.1)
        p = backend.nn.Parameter(backend.ones(3))
        optimizer = getattr(backend.optim, name)([p], **options)
        p.grad = backend.full((3,), 0.5)
        optimizer.step()
        state = optimizer.state_dict()
        for key in missing:
            del state["param_groups"][0][key]
        for entry in state["state"].values():
            if "step" in entry:
                entry["step"] = int(entry["step"].item())
        q = backend.nn.Parameter(p.detach().clone())
        fresh = getattr(backend.optim, name)([q], **options)
        fresh.load_state_dict(state)
        for _ in range(3):
            q.grad = backend.full((3,), 0.5)
            fresh.step()
        group = fresh.param_groups[0]
        return q.detach().numpy(), {key: group[key] for key in missing}, [
            float(entry["step"].item()) for entry in fresh.state.values() if "step" in entry]

    (expected, expected_options, expected_steps), (got, got_options, got_steps) = resumed(torch), resumed(mt)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got_options == expected_options
    assert got_steps == expected_steps


@pytest.mark.parametrize("norm_type", [math.inf, -math.inf])
@pytest.mark.parametrize("shapes", [[(0,)], [(2,), (0,)], [(0, 3)]])
def test_clip_grad_norm_of_an_empty_gradient_has_no_infinity_norm(norm_type, shapes):
    def clip(backend):
        params = []
        for shape in shapes:
            p = backend.nn.Parameter(backend.ones(shape))
            p.grad = backend.ones(shape)
            params.append(p)
        return backend.nn.utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)

    same_error(lambda: clip(mt), lambda: clip(torch))


@pytest.mark.parametrize("make_grad", [
    lambda t: t.ones(1),
    lambda t: t.ones(3, 1),
    lambda t: t.ones(3, dtype=t.float64),
    lambda t: t.ones(3, dtype=t.int64),
    lambda t: [1.0, 2.0, 3.0],
])
def test_assigning_a_gradient_of_another_shape_or_dtype_raises_as_torch(make_grad):
    """Without the check, the optimizer would broadcast or cast it silently (`p` would become [0.9, 0.9, 0.9])."""
    def assign(backend):
        p = backend.nn.Parameter(backend.ones(3))
        p.grad = make_grad(backend)

    same_error(lambda: assign(mt), lambda: assign(torch))


def test_step_lr_step_with_an_epoch_uses_the_closed_form_and_warns_as_torch():
    def schedule(backend):
        optimizer = backend.optim.SGD([backend.nn.Parameter(backend.ones(1))], lr=0.1)
        scheduler = backend.optim.lr_scheduler.StepLR(optimizer, 2, gamma=0.5)
        scheduler.step()  # before any optimizer.step(): torch warns about the order
        optimizer.step()
        scheduler.step(5)  # deprecated, still accepted: jumps to epoch 5
        scheduler.get_lr()  # called directly: torch points to get_last_lr()
        return scheduler.get_last_lr(), scheduler.last_epoch

    expected, got = with_warnings(schedule, torch), with_warnings(schedule, mt)
    assert got == expected
    assert got[0][0] == [0.1 * 0.5 ** (5 // 2)] and len(got[1]) == 3


def test_step_lr_resuming_without_initial_lr_names_the_two_usual_causes():
    def resume(backend):
        optimizer = backend.optim.SGD([backend.nn.Parameter(backend.ones(1))], lr=0.1)
        backend.optim.lr_scheduler.StepLR(optimizer, 2, last_epoch=3)

    same_error(lambda: resume(mt), lambda: resume(torch))
