"""Learning-rate schedulers, differential probe: the edges that small programs found, each run on both libraries.

What this proves, beyond `test_lr_schedulers.py` (every lr of long runs, state dicts, resuming, step(epoch)):
- the warning about calling `scheduler.step()` before `optimizer.step()` comes exactly when torch's does: the
  scheduler wraps `optimizer.step` to see its calls (an optimizer stepped before the scheduler existed does not
  count; an optimizer with its own `step` does), and a `step` replaced afterwards gets torch's other warning;
- a scheduler whose optimizer gained a param group since, or whose `get_lr()` returns too few values, raises
  torch's error (an lr list shorter than the groups is never applied half-way);
- LambdaLR's `load_state_dict` reads the saved states as torch does (more states than functions: an error);
- a tensor lr (a one-element tensor in the group) is updated in place, as torch's: the optimizer and whoever
  holds it see the new value, while `get_last_lr()`, `base_lrs` and `initial_lr` are copies;
- SequentialLR, ChainedScheduler (nested in each other too) and OneCycleLR (SGD's momentum or Adam's beta1
  cycled with the lr) give torch's lrs to the last bit, torch's state dicts (keys in torch's order), resume
  from them identically, and check their arguments with torch's exceptions and messages.
"""
from __future__ import annotations

import copy
from functools import partial
import warnings

import pytest
import torch

import minitorch_ref as mt
from parity_tests.test_semantics import assert_matches_torch


def _optimizer(backend, groups=2, name="SGD"):
    """`groups` param groups with lrs 0.1, 0.3, 0.05 (SGD with momentum, or Adam)."""
    params = [backend.nn.Parameter(backend.ones(2)) for _ in range(groups)]
    optimizer = getattr(backend.optim, name)([{"params": [p]} for p in params], lr=0.1)
    for group, lr in zip(optimizer.param_groups, [0.1, 0.3, 0.05]):
        group["lr"] = lr
    return optimizer


# the same result (floats compared with ==, dict keys in torch's order) and warnings
assert_same = partial(assert_matches_torch, warnings=True, exact=True)


def _stepped_before_the_scheduler(m):
    optimizer = _optimizer(m)
    optimizer.step()  # (before the scheduler wraps `step`: torch does not see it)
    scheduler = m.optim.lr_scheduler.StepLR(optimizer, 2)
    scheduler.step()
    return scheduler.get_last_lr()


def _step_replaced_after_the_scheduler(m):
    optimizer = _optimizer(m)
    scheduler = m.optim.lr_scheduler.ExponentialLR(optimizer, 0.5)
    optimizer.step = lambda closure=None: None
    optimizer.step()
    scheduler.step()
    return scheduler.get_last_lr()


def _optimizer_with_its_own_step(m):
    class Constant(m.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

        def step(self, closure=None):
            return None

    optimizer = Constant([m.nn.Parameter(m.ones(2))])
    scheduler = m.optim.lr_scheduler.StepLR(optimizer, 1)
    optimizer.step()
    scheduler.step()
    return scheduler.get_last_lr()


def _deep_copied_scheduler(m):
    """The copy's optimizer is a copy without the wrapped `step` (it would step the original)."""
    optimizer = _optimizer(m)
    scheduler = copy.deepcopy(m.optim.lr_scheduler.StepLR(optimizer, 1))
    scheduler.optimizer.step()
    scheduler.step()
    return scheduler.get_last_lr(), [g["lr"] for g in optimizer.param_groups]


def _scheduler_stepped_first(m):
    optimizer = _optimizer(m)
    scheduler = m.optim.lr_scheduler.StepLR(optimizer, 1)
    scheduler.step()
    optimizer.step()
    scheduler.step()
    return scheduler.get_last_lr()


def _second_scheduler_after_a_step(m):
    optimizer = _optimizer(m)
    first = m.optim.lr_scheduler.StepLR(optimizer, 2)
    optimizer.step()
    second = m.optim.lr_scheduler.ExponentialLR(optimizer, 0.5)
    second.step()
    first.step()
    return first.get_last_lr(), second.get_last_lr()


STEP_ORDER = [_stepped_before_the_scheduler, _step_replaced_after_the_scheduler, _optimizer_with_its_own_step,
              _deep_copied_scheduler, _scheduler_stepped_first, _second_scheduler_after_a_step]


@pytest.mark.parametrize("program", STEP_ORDER, ids=lambda p: p.__name__.strip("_"))
def test_the_step_order_warning_comes_when_torchs_does(program):
    assert_same(program)


def test_a_copied_optimizer_steps_its_own_parameters():
    """A scheduler wraps `optimizer.step`; a deep copy of the optimizer must not keep that wrapper (it
    calls the original optimizer), as torch's `__getstate__` keeps only defaults, state and groups."""
    def program(m):
        optimizer = _optimizer(m)
        m.optim.lr_scheduler.StepLR(optimizer, 1)
        twin = copy.deepcopy(optimizer)
        for group in twin.param_groups:
            group["params"][0].grad = m.ones(2)
        twin.step()
        return ([group["params"][0].detach().numpy().tolist() for group in optimizer.param_groups],
                [group["params"][0].detach().numpy().tolist() for group in twin.param_groups], sorted(vars(twin)))

    expected, got = program(torch), program(mt)
    assert got[:2] == expected[:2]
    assert {"defaults", "state", "param_groups"} <= set(got[2]) and "step" not in got[2]


# --------------------------------------------------------------------------- as many lrs as groups
def _group_added_then(make, epoch=None):
    def program(m):
        optimizer = _optimizer(m)
        scheduler = make(m.optim.lr_scheduler, optimizer)
        optimizer.add_param_group({"params": [m.nn.Parameter(m.ones(1))], "lr": 1.0})
        optimizer.step()
        for _ in range(5):
            scheduler.step(epoch)
        return scheduler.get_last_lr()
    return program


def _too_few_lrs(m):
    class OneLr(m.optim.lr_scheduler.LRScheduler):
        def get_lr(self):
            return [0.5]

    OneLr(_optimizer(m))


GROUP_COUNT = {
    "LambdaLR-step": _group_added_then(lambda s, o: s.LambdaLR(o, lambda epoch: 0.9 ** epoch)),
    "CosineAnnealingLR-step": _group_added_then(lambda s, o: s.CosineAnnealingLR(o, 4)),
    "StepLR-step(epoch)": _group_added_then(lambda s, o: s.StepLR(o, 1), epoch=3),
    "MultiStepLR-step(epoch)": _group_added_then(lambda s, o: s.MultiStepLR(o, [2]), epoch=3),
    "ExponentialLR-step(epoch)": _group_added_then(lambda s, o: s.ExponentialLR(o, 0.5), epoch=3),
    "LinearLR-step(epoch)": _group_added_then(lambda s, o: s.LinearLR(o), epoch=3),
    "LambdaLR-step(epoch)": _group_added_then(lambda s, o: s.LambdaLR(o, lambda epoch: 2.0), epoch=3),
    "CosineAnnealingLR-step(epoch)": _group_added_then(lambda s, o: s.CosineAnnealingLR(o, 4), epoch=3),
    "get_lr-returns-too-few": _too_few_lrs,
}


@pytest.mark.parametrize("case", list(GROUP_COUNT))
def test_lrs_for_a_different_number_of_groups_raise_as_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (step(epoch) is deprecated)
        assert_matches_torch(GROUP_COUNT[case])


class Scale:
    """A callable object: LambdaLR saves its attributes."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, epoch):
        return self.factor * 0.9 ** epoch


def test_lambda_lr_loading_more_states_than_functions_raises_as_torch():
    def program(m):
        scheduler = m.optim.lr_scheduler.LambdaLR(_optimizer(m), [Scale(1.0), Scale(2.0)])
        state = scheduler.state_dict()
        state["lr_lambdas"].append({"factor": 3.0})
        scheduler.load_state_dict(state)

    assert_matches_torch(program)


# --------------------------------------------------------------------------- a tensor lr
TENSOR_LR = {
    "StepLR": lambda s, o: s.StepLR(o, 1),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, [1, 3]),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, 0.5),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda epoch: 2.0 / (epoch + 1)),
    "LinearLR": lambda s, o: s.LinearLR(o),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, 4),
    "ReduceLROnPlateau": lambda s, o: s.ReduceLROnPlateau(o, patience=0),
}


@pytest.mark.parametrize("case", list(TENSOR_LR))
@pytest.mark.parametrize("shape", [(), (1,)])
def test_a_tensor_lr_is_updated_in_place_and_copied_out_as_torch(case, shape):
    def program(m):
        lr = m.full(shape, 0.1)
        optimizer = m.optim.Adam([m.nn.Parameter(m.ones(2))], lr=lr)
        scheduler = TENSOR_LR[case](m.optim.lr_scheduler, optimizer)
        group = optimizer.param_groups[0]
        initial = group.get("initial_lr")
        record = [initial is None or (initial is not lr and float(initial)), float(scheduler.get_last_lr()[0])]
        for _ in range(5):
            optimizer.step()
            scheduler.step(1.0) if case == "ReduceLROnPlateau" else scheduler.step()
            last = scheduler.get_last_lr()[0]
            record.append((group["lr"] is lr, float(lr), type(last).__name__, last is lr, float(last)))
        return record, str(lr.dtype).split(".")[-1]

    assert program(mt) == program(torch)


# --------------------------------------------------------------------------- SequentialLR and ChainedScheduler
COMPOSED = {
    "warmup-then-cosine": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, 0.1, total_iters=5), s.CosineAnnealingLR(o, 20, 0.001)], milestones=[5]),
    "three-phases": lambda s, o: s.SequentialLR(
        o, [s.ExponentialLR(o, 0.9), s.StepLR(o, 3, 0.5), s.LambdaLR(o, lambda epoch: 1 / (epoch + 1))], [4, 11]),
    "one-scheduler": lambda s, o: s.SequentialLR(o, [s.ExponentialLR(o, 0.9)], []),
    "milestone-0": lambda s, o: s.SequentialLR(o, [s.ExponentialLR(o, 0.9), s.MultiStepLR(o, [2, 5])], [0]),
    "repeated-milestone": lambda s, o: s.SequentialLR(o, [s.ExponentialLR(o, 0.9), s.LinearLR(o), s.StepLR(o, 2)],
                                                      [3, 3]),
    "resumed-last_epoch": lambda s, o: s.SequentialLR(o, [s.ExponentialLR(o, 0.9), s.StepLR(o, 2)], [4],
                                                      last_epoch=2),
    "chained": lambda s, o: s.ChainedScheduler([s.LinearLR(o, 0.5, total_iters=4), s.ExponentialLR(o, 0.95),
                                                s.MultiStepLR(o, [7])]),
    "chained-with-optimizer": lambda s, o: s.ChainedScheduler([s.StepLR(o, 3), s.CosineAnnealingLR(o, 9)], o),
    "sequential-of-chained": lambda s, o: s.SequentialLR(
        o, [s.ChainedScheduler([s.LinearLR(o, 0.5, total_iters=4), s.ExponentialLR(o, 0.95)]),
            s.CosineAnnealingLR(o, 10)], [6]),
    "sequential-of-sequential": lambda s, o: s.SequentialLR(
        o, [s.SequentialLR(o, [s.LinearLR(o, 0.5, total_iters=2), s.ExponentialLR(o, 0.9)], [2]), s.StepLR(o, 2)],
        [6]),
    "chained-of-sequential": lambda s, o: s.ChainedScheduler(
        [s.SequentialLR(o, [s.LinearLR(o), s.ExponentialLR(o, 0.9)], [3]), s.StepLR(o, 4)]),
}


def _composed_run(backend, case, resume_at=None):
    """The course's loop for 25 epochs: every lr, last_epoch and the state dicts (inner ones nested)."""
    optimizer = _optimizer(backend)
    scheduler = COMPOSED[case](backend.optim.lr_scheduler, optimizer)
    record = [scheduler.state_dict(), scheduler.get_last_lr()]
    for epoch in range(25):
        optimizer.step()
        scheduler.step()
        record.append((scheduler.get_last_lr(), [g["lr"] for g in optimizer.param_groups],
                       getattr(scheduler, "last_epoch", None)))  # (a ChainedScheduler has none)
        if epoch == resume_at:  # a new process: build both again, then load the checkpoints
            saved_optimizer, saved_scheduler = optimizer.state_dict(), copy.deepcopy(scheduler.state_dict())
            optimizer = _optimizer(backend)
            scheduler = COMPOSED[case](backend.optim.lr_scheduler, optimizer)
            optimizer.load_state_dict(saved_optimizer)
            scheduler.load_state_dict(saved_scheduler)
    return record, scheduler.state_dict()


@pytest.mark.parametrize("case", list(COMPOSED))
def test_sequential_and_chained_schedules_match_torch_exactly(case):
    assert_same(lambda m: _composed_run(m, case))


@pytest.mark.parametrize("case", ["warmup-then-cosine", "three-phases", "sequential-of-chained", "chained"])
def test_sequential_and_chained_resume_from_state_dicts_as_torch(case):
    def program(m):
        return _composed_run(m, case, resume_at=8)

    assert_same(program)


def test_sequential_lr_warns_when_stepped_before_the_optimizer():
    def program(m):
        optimizer = _optimizer(m)
        scheduler = COMPOSED["warmup-then-cosine"](m.optim.lr_scheduler, optimizer)
        scheduler.step()
        optimizer.step()
        scheduler.step()
        return scheduler.get_last_lr()

    assert_same(program)


def _other_optimizer(s, m):
    optimizer = _optimizer(m)
    return [s.StepLR(optimizer, 1), s.StepLR(_optimizer(m), 1)], optimizer


COMPOSED_ERRORS = {
    "SequentialLR-no-scheduler": lambda s, m: s.SequentialLR(_optimizer(m), [], []),
    "SequentialLR-not-a-scheduler": lambda s, m: s.SequentialLR(_optimizer(m), [object()], []),
    "SequentialLR-ReduceLROnPlateau": lambda s, m: s.SequentialLR(
        o := _optimizer(m), [s.StepLR(o, 1), s.ReduceLROnPlateau(o)], [2]),
    "SequentialLR-another-optimizer": lambda s, m: s.SequentialLR(_other_optimizer(s, m)[1],
                                                                  _other_optimizer(s, m)[0], [2]),
    "SequentialLR-too-many-milestones": lambda s, m: s.SequentialLR(
        o := _optimizer(m), [s.StepLR(o, 1), s.StepLR(o, 1)], [2, 3]),
    "SequentialLR-no-initial_lr": lambda s, m: s.SequentialLR(_optimizer(m), [s.StepLR(_optimizer(m), 1)], []),
    "ChainedScheduler-no-scheduler": lambda s, m: s.ChainedScheduler([]),
    "ChainedScheduler-not-a-scheduler": lambda s, m: s.ChainedScheduler([object()]),
    "ChainedScheduler-ReduceLROnPlateau": lambda s, m: s.ChainedScheduler([s.ReduceLROnPlateau(_optimizer(m))]),
    "ChainedScheduler-another-optimizer": lambda s, m: s.ChainedScheduler([s.StepLR(_optimizer(m), 1)],
                                                                          _optimizer(m)),
    "ChainedScheduler-step(epoch)": lambda s, m: s.ChainedScheduler([s.StepLR(_optimizer(m), 1)]).step(3),
}


@pytest.mark.parametrize("case", list(COMPOSED_ERRORS))
def test_sequential_and_chained_argument_errors_match_torch(case):
    assert_matches_torch(lambda m: COMPOSED_ERRORS[case](m.optim.lr_scheduler, m))


# --------------------------------------------------------------------------- OneCycleLR
ONE_CYCLE = {
    "SGD": ("SGD", dict(max_lr=0.5, total_steps=40)),
    "Adam-beta1": ("Adam", dict(max_lr=[0.5, 1.0], total_steps=33)),
    "per-group-momentums": ("SGD", dict(max_lr=0.5, total_steps=30, base_momentum=(0.8, 0.7),
                                        max_momentum=[0.99, 0.9])),
    "epochs-and-steps_per_epoch": ("Adam", dict(max_lr=0.5, epochs=4, steps_per_epoch=10)),
    "linear": ("SGD", dict(max_lr=0.5, total_steps=40, anneal_strategy="linear")),
    "three-phase": ("Adam", dict(max_lr=0.5, total_steps=40, three_phase=True)),
    "three-phase-linear": ("SGD", dict(max_lr=0.5, total_steps=41, three_phase=True, anneal_strategy="linear",
                                       pct_start=0.25)),
    "pct_start-0": ("SGD", dict(max_lr=0.5, total_steps=20, pct_start=0.0)),
    "pct_start-0.95": ("SGD", dict(max_lr=0.5, total_steps=20, pct_start=0.95)),
    "no-momentum-cycle": ("RMSprop", dict(max_lr=0.5, total_steps=20, cycle_momentum=False)),
    "RMSprop-momentum": ("RMSprop", dict(max_lr=0.5, total_steps=20)),
    "div-factors": ("SGD", dict(max_lr=0.5, total_steps=40, div_factor=3, final_div_factor=7.5)),
    "one-step": ("SGD", dict(max_lr=0.5, total_steps=1)),
}


def _options(optimizer):
    return [{key: value for key, value in group.items() if key != "params"} for group in optimizer.param_groups]


def _one_cycle_run(backend, case, resume_at=None):
    """Every step to total_steps: the lrs, each group's options (momentum or betas, bounds), the state dict."""
    name, options = ONE_CYCLE[case]
    optimizer = _optimizer(backend, name=name)
    scheduler = backend.optim.lr_scheduler.OneCycleLR(optimizer, **options)
    record = [scheduler.state_dict(), _options(optimizer)]
    for step in range(options.get("total_steps") or options["epochs"] * options["steps_per_epoch"]):
        optimizer.step()
        scheduler.step()
        record.append((scheduler.get_last_lr(), _options(optimizer), scheduler.last_epoch))
        if step == resume_at:
            saved_optimizer, saved_scheduler = optimizer.state_dict(), scheduler.state_dict()
            optimizer = _optimizer(backend, name=name)
            scheduler = backend.optim.lr_scheduler.OneCycleLR(optimizer, **options)
            optimizer.load_state_dict(saved_optimizer)
            scheduler.load_state_dict(saved_scheduler)
    return record, scheduler.state_dict()


@pytest.mark.parametrize("case", list(ONE_CYCLE))
def test_one_cycle_lrs_and_momentums_match_torch_exactly(case):
    assert_same(lambda m: _one_cycle_run(m, case))


@pytest.mark.parametrize("case", ["SGD", "Adam-beta1", "three-phase"])
def test_one_cycle_resumes_from_state_dicts_as_torch(case):
    def program(m):
        return _one_cycle_run(m, case, resume_at=11)

    assert_same(program)


def _stepped_to_the_end(m, steps, **options):
    optimizer = _optimizer(m)
    scheduler = m.optim.lr_scheduler.OneCycleLR(optimizer, 0.5, total_steps=3, **options)
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
    return scheduler.get_last_lr()


def _without_momentum(m):
    class Plain(m.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

        def step(self, closure=None):
            return None

    m.optim.lr_scheduler.OneCycleLR(Plain([m.nn.Parameter(m.ones(2))]), 0.5, 10)


ONE_CYCLE_ERRORS = {
    "no-total_steps": dict(max_lr=0.5),
    "epochs-without-steps_per_epoch": dict(max_lr=0.5, epochs=3),
    "total_steps-0": dict(max_lr=0.5, total_steps=0),
    "total_steps-float": dict(max_lr=0.5, total_steps=10.0),
    "total_steps-str": dict(max_lr=0.5, total_steps="10"),
    "epochs-0": dict(max_lr=0.5, epochs=0, steps_per_epoch=3),
    "epochs-float": dict(max_lr=0.5, epochs=2.0, steps_per_epoch=3),
    "steps_per_epoch-0": dict(max_lr=0.5, epochs=2, steps_per_epoch=0),
    "pct_start-int": dict(max_lr=0.5, total_steps=10, pct_start=0),
    "pct_start-above-1": dict(max_lr=0.5, total_steps=10, pct_start=1.5),
    "pct_start-None": dict(max_lr=0.5, total_steps=10, pct_start=None),
    "anneal_strategy": dict(max_lr=0.5, total_steps=10, anneal_strategy="exp"),
    "max_lr-count": dict(max_lr=[0.5], total_steps=10),
    "base_momentum-count": dict(max_lr=0.5, total_steps=10, base_momentum=[0.8]),
    "max_momentum-count": dict(max_lr=0.5, total_steps=10, max_momentum=(0.8, 0.9, 0.9)),
    "div_factor-0": dict(max_lr=0.5, total_steps=10, div_factor=0),
}


@pytest.mark.parametrize("case", list(ONE_CYCLE_ERRORS) + ["not-an-optimizer", "past-total_steps",
                                                           "pct_start-1-last-step", "optimizer-without-momentum"])
def test_one_cycle_errors_match_torch(case):
    programs = {"not-an-optimizer": lambda m: m.optim.lr_scheduler.OneCycleLR("sgd", 0.5, 10),
                "past-total_steps": lambda m: _stepped_to_the_end(m, 5),
                "pct_start-1-last-step": lambda m: _stepped_to_the_end(m, 3, pct_start=1.0),  # (a phase of 0 steps)
                "optimizer-without-momentum": _without_momentum}
    program = programs.get(case) or (lambda m: m.optim.lr_scheduler.OneCycleLR(_optimizer(m),
                                                                              **ONE_CYCLE_ERRORS[case]))
    assert_matches_torch(program)
