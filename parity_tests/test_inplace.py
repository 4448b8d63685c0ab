"""In-place ops, views and version counters against torch (see minitorch_ref/autograd/inplace.py).

Each scenario runs on both libraries and must give the same values, gradients, grad_fn names,
requires_grad flags and versions, or raise the same exception with the same message.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from minitorch_ref.autograd import gradcheck
from parity_tests.outcomes import assert_same_outcome, outcome


def _names(*tensors) -> list:
    return [t.grad_fn.name().replace("torch::autograd::", "") if t.grad_fn is not None else None for t in tensors]


def _ones(lib, *shape, grad=False):
    return lib.ones(*shape, dtype=lib.float64, requires_grad=grad)


def write_into_slice(m):
    x = _ones(m, 3, grad=True)
    y = x * 2
    y[0] = 5
    y.sum().backward()
    return y, x.grad, _names(y)


def inplace_on_view_changes_the_base(m):
    x = _ones(m, 3, grad=True)
    y = x * 2
    v = y[1:]
    v.mul_(3)
    y.sum().backward()
    return y, v, x.grad, _names(y, v), y._version, v._version


def augmented_assignment_on_a_column(m):
    x = _ones(m, 2, 3, grad=True)
    y = x * 2
    y[0, 1] = 7
    y[:, 2] *= 10
    y.sum().backward()
    return y, x.grad, _names(y)


def sibling_views_see_the_change(m):
    x = m.arange(4.0, dtype=m.float64).requires_grad_()
    y = x * 1
    a, b = y[:2], y[1:3]
    a.mul_(3)
    (b * b).sum().backward()
    return b, x.grad, _names(a, b, y)


def view_of_a_view(m):
    x = _ones(m, 2, 3, grad=True)
    y = x * 1
    u = y[1][1:]
    u.mul_(4)
    y.sum().backward()
    return y, x.grad, _names(u, y)


def transpose_reshape_unsqueeze_views(m):
    x = m.arange(6.0, dtype=m.float64).reshape(2, 3).requires_grad_()
    y = x * 1
    y.t().mul_(2)
    y.reshape(6)[0] = 9
    y.unsqueeze(0)[0, 1].add_(x[0])
    (y * y).sum().backward()
    return y, x.grad, _names(y)


def copy_into_a_plain_tensor(m):
    x = m.zeros(3, dtype=m.float64)
    w = _ones(m, 2, grad=True)
    v = x[:2]
    v.copy_(w * 2)
    x.sum().backward()
    return x, v, w.grad, x.requires_grad, v.requires_grad, _names(x, v)


def fill_zero_and_random_fills_are_recorded(m):
    x = _ones(m, 3, grad=True)
    y = x * 1
    y.zero_()
    names = _names(y)
    y.fill_(2)
    names += _names(y)
    z = x * 1
    z.uniform_()
    names += _names(z)
    z.normal_()
    names += _names(z)
    (y + z).sum().backward()
    return y, x.grad, names


def fill_with_a_tensor_value_passes_its_gradient(m):
    value = m.tensor(3.0, dtype=m.float64, requires_grad=True)
    y = m.zeros(4, dtype=m.float64)
    y.fill_(value)
    (y * m.arange(4.0, dtype=m.float64)).sum().backward()
    return y, value.grad, _names(y)


def copy_from_another_dtype(m):
    src = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
    y = m.zeros(2, 2)
    y.copy_(src)
    (y * 3).sum().backward()
    return y, src.grad, _names(y)


def mul_in_place_by_a_tensor_that_requires_grad(m):
    x = m.tensor([1.0, 2.0, 3.0], dtype=m.float64)
    w = m.tensor([4.0, 5.0, 6.0], dtype=m.float64, requires_grad=True)
    x.mul_(w)
    x.mul_(w)  # the second mul_ needs the values x had before it: kept by the op
    x.sum().backward()
    return x, w.grad, _names(x)


def relu_in_place(m):
    x = m.tensor([-1.0, 2.0], dtype=m.float64, requires_grad=True)
    y = x * 1
    y.relu_()
    y.sum().backward()
    return y, x.grad, _names(y)


def advanced_index_put_with_duplicates(m):
    x = _ones(m, 4, grad=True)
    y = x * 1
    y[m.tensor([0, 0, 2])] = m.tensor([5.0, 6.0, 7.0], dtype=m.float64)
    y.sum().backward()
    return x.grad, _names(y)


def advanced_index_put_on_a_view(m):
    x = _ones(m, 2, 4, grad=True)
    y = x * 1
    r = y[1]
    r[m.tensor([0, 2])] = 0
    y.sum().backward()
    return y, x.grad, _names(r, y)


def manual_sgd_with_augmented_assignment(m):
    m.manual_seed(0)
    w = m.tensor([[0.5, -0.3], [0.1, 0.2]], dtype=m.float64, requires_grad=True)
    before = w
    inputs = m.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=m.float64)
    for _ in range(3):
        loss = (inputs @ w).pow(2).mean()
        loss.backward()
        with m.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    return w, w is before, w.requires_grad, w._version


def versions_are_shared_with_views_and_detach_but_not_data(m):
    x = _ones(m, 3, grad=True)
    y = x * 2
    v = y[:2]
    v.add_(1)
    d = y.detach()
    d.add_(1)
    raw = y.data
    raw.add_(1)
    return y._version, v._version, d._version, raw._version, x._version


# --- torch refuses these; so must minitorch_ref ---------------------------------------------
def saved_output_changed(m):
    x = _ones(m, 3, grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def saved_input_changed(m):
    x = _ones(m, 3, grad=True)
    w = _ones(m, 3)
    y = (x * w).sum()
    w.add_(1)
    y.backward()


def saved_non_leaf_changed(m):
    x = _ones(m, 2, 3, grad=True)
    y = x * 1
    z = y.sigmoid() * y
    y.mul_(2)
    z.sum().backward()


def change_through_detach_is_caught(m):
    x = _ones(m, 3, grad=True)
    y = x.tanh()
    y.detach().zero_()
    y.sum().backward()


def weight_updated_between_two_backwards(m):
    x = _ones(m, 3, grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    with m.no_grad():
        x.add_(1)
    y.backward()


def view_of_a_leaf(m):
    x = _ones(m, 3, grad=True)
    x.view(3).add_(1)


def slice_of_a_leaf_filled(m):
    x = _ones(m, 3, grad=True)
    x[:2].zero_()


def view_made_under_no_grad(m):
    x = _ones(m, 3, grad=True)
    y = x * 1
    with m.no_grad():
        v = y[:2]
    v.mul_(2)


def expanded_tensor_written(m):
    m.ones(1, 3).expand(2, 3).mul_(2)


def float_result_into_int_tensor(m):
    m.ones(3, dtype=m.int64).mul_(1.5)


def broadcast_result_larger_than_target(m):
    m.ones(3).add_(m.ones(2, 3))


def copy_from_larger_source(m):
    m.ones(3).copy_(m.ones(2, 3))


def fill_with_a_vector(m):
    m.ones(3).fill_(m.ones(2))


SCENARIOS = [
    write_into_slice, inplace_on_view_changes_the_base, augmented_assignment_on_a_column,
    sibling_views_see_the_change, view_of_a_view, transpose_reshape_unsqueeze_views, copy_into_a_plain_tensor,
    fill_zero_and_random_fills_are_recorded, fill_with_a_tensor_value_passes_its_gradient, copy_from_another_dtype,
    mul_in_place_by_a_tensor_that_requires_grad, relu_in_place, advanced_index_put_with_duplicates,
    advanced_index_put_on_a_view, manual_sgd_with_augmented_assignment,
    versions_are_shared_with_views_and_detach_but_not_data,
    saved_output_changed, saved_input_changed, saved_non_leaf_changed, change_through_detach_is_caught,
    weight_updated_between_two_backwards, view_of_a_leaf, slice_of_a_leaf_filled, view_made_under_no_grad,
    expanded_tensor_written, float_result_into_int_tensor, broadcast_result_larger_than_target,
    copy_from_larger_source, fill_with_a_vector,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_in_place_scenario_matches_torch(scenario):
    theirs, ours = (outcome(scenario, lib, drop_hints=True) for lib in (torch, mt))
    assert_same_outcome(theirs, ours, exact=True)


def test_refused_scenarios_really_raise():
    """The error scenarios above raise (in both libraries), so the table cannot pass by accident."""
    refused = SCENARIOS[SCENARIOS.index(saved_output_changed):]
    for scenario in refused:
        assert outcome(scenario, mt)[0][:2] == ("raised", RuntimeError), scenario.__name__


def test_gradcheck_through_in_place_writes_on_views():
    """A function that writes into views of an intermediate result has the right gradient."""

    def fn(x):
        y = x * 1.5
        y[1:].mul_(x[:-1])  # every element but the first times its left neighbour (old values)
        y[0] = x[2] ** 2
        y.t()[0].add_(x[0])  # (1-D: t() is the tensor itself)
        return y.exp()

    assert gradcheck(fn, (mt.tensor(np.linspace(0.1, 0.9, 5), requires_grad=True),))


def test_in_place_writes_share_memory_with_views_and_numpy():
    x = mt.zeros(2, 3)
    array = x.numpy()
    row = x[1]
    x.t()[2].fill_(4)  # column 2, through a view of a view
    row.add_(1)
    assert array.tolist() == [[0.0, 0.0, 4.0], [1.0, 1.0, 5.0]]
    assert x._version == row._version == 2


def test_optimizer_step_counts_as_an_in_place_write():
    """Backward through a graph whose weights an optimizer has since updated is refused, as in torch."""

    def run(m):
        w = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        loss = (w * w).sum()
        loss.backward(retain_graph=True)
        m.optim.SGD([w], lr=0.1).step()
        versions = w._version
        try:
            loss.backward()
        except RuntimeError as error:
            return versions, str(error).split(" Hint")[0].replace("torch.", "minitorch_ref.")

    ours, theirs = run(mt), run(torch)
    assert ours == theirs and ours[0] == 1 and "modified by an inplace operation" in ours[1]
