"""Views and in-place writes through them, against torch (found by a differential probe).

Each scenario is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: the same
values, dtypes, shapes, requires_grad, grad_fn names and gradients, or the same exception and message.
"""
from __future__ import annotations

import math

import pytest

from parity_tests.test_semantics import assert_matches_torch


def _x(m, *shape):
    return (m.arange(float(math.prod(shape)), dtype=m.float64).reshape(shape) / 4 + 1).requires_grad_()


def _names(*tensors) -> list:
    return [t.grad_fn.name().replace("torch::autograd::", "") if t.grad_fn is not None else None for t in tensors]


# ---------------------------------------------------------------------- saved tensors changed in place
def saved_input_named_by_its_new_history(m):
    """The error names the tensor's grad_fn as it is now (AddBackward0), not when it was saved."""
    x = _x(m, 2, 3)
    y = x * 1
    s = y.sin()
    y.add_(1)
    s.sum().backward()


def saved_input_changed_through_a_view(m):
    x = _x(m, 2, 3)
    y = x * 1
    s = y.sin()
    y[0].mul_(2)  # y's history is now CopySlices
    s.sum().backward()


def saved_input_of_a_numbered_node(m):
    x = _x(m, 2, 3)
    z = x.clamp(0, 5)  # ClampBackward1: named Clamp1 in the message
    s = z.sin()
    with m.no_grad():
        z.add_(1)
    s.sum().backward()


def relu_in_place_then_another_write(m):
    """relu_ saves its output, which is now y: a later write into y is caught (ResNet's `out += x` after
    an in-place ReLU)."""
    x = m.tensor([-1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
    y = x * 1
    y.relu_()
    y.add_(1)
    y.sum().backward()


# ---------------------------------------------------------------------- expand, and writes into it
def expanded_view_of_a_changed_base(m):
    """After the base changes, the expanded view reads it through AsStridedBackward0: its repeated
    elements' gradients add up."""
    x = _x(m, 3, 1)
    t = x * 1
    e = t.expand(3, 4)
    t.mul_(2)
    (e * m.arange(12.0, dtype=m.float64).reshape(3, 4)).sum().backward()
    return e, t, x.grad, _names(e, t)


def column_of_an_expanded_tensor_written(m):
    """A column of an expanded tensor has no repeated element: torch writes it (into the base)."""
    t = m.zeros(3, 1)
    e = t.expand(3, 4)
    e[:, 1].add_(1)
    e[:, 2] = m.tensor([1.0, 2.0, 3.0])
    return t, t._version


def column_of_an_expanded_graph_tensor_written(m):
    x = _x(m, 3, 1)
    t = x * 1
    e = t.expand(3, 4)
    e[:, 1] = 5.0
    (t * m.tensor([[1.0], [2.0], [3.0]], dtype=m.float64)).sum().backward()
    return t, x.grad, _names(t, e)


# ---------------------------------------------------------------------- indexing: names and checks
def lone_slice_is_a_slice(m):
    y = _x(m, 2, 3) * 1
    return y[:], y[0:2], y[:, :], y[...], _names(y[:], y[0:2], y[:, :], y[...])


def whole_tensor_set_to_a_0d_tensor_is_a_fill(m):
    y = _x(m, 2, 3) * 1
    y[...] = m.tensor(5.0, dtype=m.float64)
    z = _x(m, 2, 3) * 1
    z[:] = m.tensor(5.0, dtype=m.float64)
    return y, z, _names(y, z)


def leaf_set_whole_is_a_leaf_error(m):
    x = _x(m, 2, 3)
    x[:] = 5.0


def empty_slice_of_a_leaf_written(m):
    x = _x(m, 3)
    x[3:].add_(1)


def empty_slice_is_a_view(m):
    t = m.zeros(3)
    t[3:].add_(1)
    t.narrow(0, 0, 0).zero_()
    return t, t._version


# ---------------------------------------------------------------------- split / chunk / unbind
def chunk_piece_written_in_place(m):
    y = _x(m, 4, 2) * 1
    a, b = y.chunk(2)
    b.mul_(2)


def split_with_sizes_piece_of_a_leaf_written(m):
    x = _x(m, 4, 2)
    x.split([1, 3])[1].add_(1)


def unbind_piece_written_through_an_index(m):
    y = _x(m, 3, 2) * 1
    y.unbind(0)[2][0] = 5.0


SCENARIOS = [
    saved_input_named_by_its_new_history, saved_input_changed_through_a_view, saved_input_of_a_numbered_node,
    relu_in_place_then_another_write, expanded_view_of_a_changed_base, column_of_an_expanded_tensor_written,
    column_of_an_expanded_graph_tensor_written, lone_slice_is_a_slice, whole_tensor_set_to_a_0d_tensor_is_a_fill,
    leaf_set_whole_is_a_leaf_error, empty_slice_of_a_leaf_written, empty_slice_is_a_view, chunk_piece_written_in_place,
    split_with_sizes_piece_of_a_leaf_written, unbind_piece_written_through_an_index,
]


def _without_hint(scenario):
    """The scenario, its error's message cut before " Hint:" (torch's hint names tools we lack)."""
    def run(m):
        try:
            return scenario(m)
        except RuntimeError as error:
            raise RuntimeError(str(error).split(" Hint:")[0]) from None
    return run


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_view_scenario_matches_torch(scenario):
    assert_matches_torch(_without_hint(scenario))
