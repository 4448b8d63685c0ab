"""Learning-rate schedulers: minitorch_ref against torch, epoch for epoch, to the last bit.

Each case builds the same optimizer (SGD, two param groups with different lrs) on both libraries,
runs the course's loop (`optimizer.step()` then `scheduler.step()`) for 30-60 epochs and compares
every lr (`get_last_lr()`, the groups' `lr`, `last_epoch`), the final `state_dict()` (keys in
torch's order, values), and a run resumed mid-way from the optimizer's and scheduler's state dicts.
"""
from __future__ import annotations

import math

import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import with_warnings
from parity_tests.test_semantics import assert_matches_torch


class Warmup:
    """A callable object: LambdaLR's state_dict keeps its attributes (functions are saved as None)."""

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs

    def __call__(self, epoch: int) -> float:
        return min(1.0, (epoch + 1) / self.epochs) * 0.97 ** epoch


def _plateau_metric(epoch: int) -> float:
    """Improves, stalls, improves by less than the threshold, rises: every branch of ReduceLROnPlateau."""
    return [1.0, 0.8, 0.7, 0.7, 0.69999, 0.7, 0.75, 0.6, 0.6, 0.6][epoch % 10] - 0.05 * (epoch // 10)


CASES = {
    "ExponentialLR": (lambda s, o: s.ExponentialLR(o, gamma=0.9), 40),
    "ExponentialLR-gamma>1": (lambda s, o: s.ExponentialLR(o, 1.07), 30),
    "MultiStepLR": (lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3), 40),
    "MultiStepLR-unsorted": (lambda s, o: s.MultiStepLR(o, (20, 3), 0.5), 30),
    "LambdaLR": (lambda s, o: s.LambdaLR(o, lambda epoch: 0.95 ** epoch), 30),
    "LambdaLR-list": (lambda s, o: s.LambdaLR(o, [lambda e: 1 / (e + 1), Warmup(6)]), 30),
    "CosineAnnealingLR": (lambda s, o: s.CosineAnnealingLR(o, T_max=10), 60),  # past T_max: back up, again down
    "CosineAnnealingLR-eta_min": (lambda s, o: s.CosineAnnealingLR(o, 7, eta_min=0.01), 40),
    "CosineAnnealingLR-long": (lambda s, o: s.CosineAnnealingLR(o, T_max=30, eta_min=1e-4), 30),
    "LinearLR": (lambda s, o: s.LinearLR(o), 30),
    "LinearLR-warmup": (lambda s, o: s.LinearLR(o, start_factor=0.1, total_iters=8), 30),
    "LinearLR-decay": (lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=25), 30),
    "ReduceLROnPlateau": (lambda s, o: s.ReduceLROnPlateau(o, patience=2), 50),
    "ReduceLROnPlateau-max-abs": (lambda s, o: s.ReduceLROnPlateau(
        o, mode="max", factor=0.5, patience=1, threshold=0.01, threshold_mode="abs", cooldown=2,
        min_lr=[0.02, 0.05]), 50),
    "ReduceLROnPlateau-min-abs": (lambda s, o: s.ReduceLROnPlateau(
        o, factor=0.2, patience=0, threshold=0.05, threshold_mode="abs", min_lr=0.001, eps=1e-3), 50),
    "ReduceLROnPlateau-max-rel": (lambda s, o: s.ReduceLROnPlateau(o, "max", patience=3, cooldown=1), 50),
}


def _optimizer(backend):
    a, b = backend.nn.Parameter(backend.ones(2)), backend.nn.Parameter(backend.ones(3))
    return backend.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=0.1, momentum=0.9)


def _run(backend, case, resume_at=None):
    make, epochs = CASES[case]
    optimizer = _optimizer(backend)
    scheduler = make(backend.optim.lr_scheduler, optimizer)
    plateau = case.startswith("ReduceLROnPlateau")
    record = [(scheduler.get_last_lr(), [g["lr"] for g in optimizer.param_groups], scheduler.last_epoch)]
    for epoch in range(epochs):
        optimizer.step()
        if plateau:  # a number, or a 0-dim tensor (what a loss is) every third epoch
            metric = _plateau_metric(epoch)
            scheduler.step(backend.tensor(metric, dtype=backend.float64) if epoch % 3 == 0 else metric)
        else:
            scheduler.step()
        record.append((list(scheduler.get_last_lr()), [g["lr"] for g in optimizer.param_groups],
                       scheduler.last_epoch) + ((scheduler.best, scheduler.num_bad_epochs) if plateau else ()))
        if epoch == resume_at:  # a new process: build both again (scheduler first), then load the checkpoint
            saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
            optimizer = _optimizer(backend)
            scheduler = make(backend.optim.lr_scheduler, optimizer)
            optimizer.load_state_dict(saved_optimizer)
            scheduler.load_state_dict(saved_scheduler)
    return record, scheduler.state_dict()


@pytest.mark.parametrize("case", list(CASES))
def test_every_lr_and_the_state_dict_match_torch_exactly(case):
    (expected, expected_state), (got, got_state) = _run(torch, case), _run(mt, case)
    assert got == expected  # floats compared with ==: the same bits
    assert list(got_state.items()) == list(expected_state.items())  # the same keys, in torch's order


@pytest.mark.parametrize("case", list(CASES))
def test_a_run_resumed_from_state_dicts_continues_identically(case):
    (expected, expected_state), (got, got_state) = _run(torch, case, resume_at=13), _run(mt, case, resume_at=13)
    assert got == expected
    assert list(got_state.items()) == list(expected_state.items())
    assert got == _run(mt, case)[0]  # and as if never interrupted


@pytest.mark.parametrize("case", [c for c in CASES if not c.startswith("ReduceLROnPlateau")])
def test_step_with_an_epoch_uses_the_closed_form_and_warns_as_torch(case):
    def schedule(backend):
        optimizer = _optimizer(backend)
        scheduler = CASES[case][0](backend.optim.lr_scheduler, optimizer)
        scheduler.step()  # before any optimizer.step(): torch warns about the order
        optimizer.step()
        lrs = []
        for epoch in (3, 7, 12, 30, 13):  # deprecated, still accepted
            scheduler.step(epoch)
            lrs.append(scheduler.get_last_lr())
        scheduler.get_lr()  # called directly: torch points to get_last_lr()
        return lrs, scheduler.last_epoch

    assert with_warnings(schedule, mt) == with_warnings(schedule, torch)


@pytest.mark.parametrize("case", ["ExponentialLR", "MultiStepLR", "LambdaLR", "CosineAnnealingLR", "LinearLR"])
def test_resuming_with_last_epoch_matches_torch(case):
    """A scheduler built with last_epoch=k on an optimizer that has `initial_lr` (from a checkpoint)."""
    def schedule(backend):
        optimizer = _optimizer(backend)
        make = CASES[case][0]
        make(backend.optim.lr_scheduler, optimizer)  # sets initial_lr
        for group in optimizer.param_groups:
            group["lr"] *= 0.5
        name = case.split("-")[0]
        args = {"ExponentialLR": (0.9,), "MultiStepLR": ([5, 12],), "LambdaLR": (lambda e: 0.9 ** e,),
                "CosineAnnealingLR": (10,), "LinearLR": (0.25, 1.0, 10)}[name]
        scheduler = getattr(backend.optim.lr_scheduler, name)(optimizer, *args, last_epoch=6)
        lrs = [scheduler.get_last_lr()]
        for _ in range(12):
            optimizer.step()
            scheduler.step()
            lrs.append(scheduler.get_last_lr())
        return lrs, scheduler.last_epoch

    assert schedule(mt) == schedule(torch)


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    def round_trip(backend):
        optimizer = _optimizer(backend)
        warmup = Warmup(6)
        scheduler = backend.optim.lr_scheduler.LambdaLR(optimizer, [lambda e: 1.0, warmup])
        state = scheduler.state_dict()
        state["lr_lambdas"][1]["epochs"] = 3
        scheduler.load_state_dict(state)
        return state, warmup.epochs, "lr_lambdas" in state

    assert round_trip(mt) == round_trip(torch)


def test_reduce_lr_on_plateau_epoch_argument_warns_as_torch():
    def schedule(backend):
        scheduler = backend.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(backend), patience=0)
        scheduler.step(1.0, epoch=5)
        scheduler.step(2.0)
        return scheduler.last_epoch, scheduler.get_last_lr(), scheduler.in_cooldown

    assert with_warnings(schedule, mt) == with_warnings(schedule, torch)


def _not_an_optimizer(name):
    return lambda m: getattr(m.optim.lr_scheduler, name)("sgd", 0.5)


def _stepped(scheduler):
    scheduler.optimizer.step()
    scheduler.step()


ERRORS = {
    "LinearLR-start_factor=0": lambda m: m.optim.lr_scheduler.LinearLR(_optimizer(m), start_factor=0),
    "LinearLR-start_factor>1": lambda m: m.optim.lr_scheduler.LinearLR(_optimizer(m), start_factor=1.5),
    "LinearLR-end_factor<0": lambda m: m.optim.lr_scheduler.LinearLR(_optimizer(m), end_factor=-0.1),
    "LambdaLR-wrong-count": lambda m: m.optim.lr_scheduler.LambdaLR(_optimizer(m), [lambda e: 1.0]),
    "MultiStepLR-int": lambda m: m.optim.lr_scheduler.MultiStepLR(_optimizer(m), 3),
    "ExponentialLR-not-an-optimizer": _not_an_optimizer("ExponentialLR"),
    "ReduceLROnPlateau-not-an-optimizer": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau("sgd"),
    "ExponentialLR-last_epoch-without-initial_lr": lambda m: m.optim.lr_scheduler.ExponentialLR(
        _optimizer(m), 0.9, last_epoch=4),
    "CosineAnnealingLR-T_max=0": lambda m: _stepped(m.optim.lr_scheduler.CosineAnnealingLR(_optimizer(m), 0)),
    "ReduceLROnPlateau-factor=1": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), factor=1.0),
    "ReduceLROnPlateau-mode": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), mode="up"),
    "ReduceLROnPlateau-threshold_mode": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(
        _optimizer(m), threshold_mode="relative"),
    "ReduceLROnPlateau-min_lr-count": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(m), min_lr=[0.1]),
    "ReduceLROnPlateau-metric-not-a-number": lambda m: m.optim.lr_scheduler.ReduceLROnPlateau(
        _optimizer(m)).step("low"),
}


def _group_added_after(m, min_lr):
    optimizer = _optimizer(m)
    scheduler = m.optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, min_lr=min_lr)
    optimizer.add_param_group({"params": [m.nn.Parameter(m.ones(1))], "lr": 1.0})
    scheduler.step(1.0)
    scheduler.step(2.0)
    return scheduler.get_last_lr(), scheduler.min_lrs


ERRORS["ReduceLROnPlateau-group-added-min_lr-list"] = lambda m: _group_added_after(m, [0.0, 0.0])
ERRORS["ReduceLROnPlateau-group-added-min_lr-number"] = lambda m: _group_added_after(m, 0.01)


@pytest.mark.parametrize("case", list(ERRORS))
def test_argument_errors_match_torch(case):
    assert_matches_torch(ERRORS[case])


def test_minitorch_has_every_scheduler_name_of_torch_it_claims():
    for name in ("LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "LambdaLR", "LinearLR",
                 "CosineAnnealingLR", "ReduceLROnPlateau"):
        assert issubclass(getattr(mt.optim.lr_scheduler, name), mt.optim.lr_scheduler.LRScheduler)
        assert getattr(mt.optim.lr_scheduler, name).__name__ == getattr(torch.optim.lr_scheduler, name).__name__
    assert math.isinf(mt.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(mt)).best)
