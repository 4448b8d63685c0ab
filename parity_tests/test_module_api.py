"""`nn.Module`, the containers and `nn.Parameter` against torch, in the corners a differential probe found.

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref`: the same result, or the
same exception type and message (see `assert_matches_torch`).
"""
from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest

from parity_tests.test_semantics import assert_matches_torch


def _names(module):
    """The registered children: their names and layer types, in order."""
    return [(name, type(child).__name__) for name, child in module._modules.items()]


def _layers(m):
    return m.nn.Sequential(m.nn.ReLU(), m.nn.Tanh(), m.nn.Sigmoid())


def _dtypes(module):
    return [(name, str(t.dtype).split(".")[-1]) for name, t in module.state_dict(keep_vars=True).items()]


def _linear_with_buffers(m):
    layer = m.nn.Linear(2, 1)
    layer.register_buffer("steps", m.arange(2))
    layer.register_buffer("scale", m.ones(2))
    return layer


def _scalar_module(m):
    module = m.nn.Module()
    module.p = m.nn.Parameter(m.tensor(1.0))
    return module


def _update(m, modules):
    d = m.nn.ModuleDict()
    d.update(modules)
    return _names(d)


def _deepcopied_with_grad(m):
    """A leaf's deepcopy has its own copy of the data and of `.grad`; one deepcopy keeps shared tensors shared."""
    x = m.ones(2, requires_grad=True)
    x.grad = m.full((2,), 3.0)
    a, b = copy.deepcopy([x, x])
    a.grad += 1
    return a, a.grad, a is b, x.grad, np.shares_memory(a.detach().numpy(), x.detach().numpy())


CASES = {
    # --- nn.Parameter: torch calls data.detach(), checks requires_grad's type, formats like str()
    "parameter-of-list": lambda m: m.nn.Parameter([1.0, 2.0]),
    "parameter-of-array": lambda m: m.nn.Parameter(np.ones(2, np.float32)),
    "parameter-of-float": lambda m: m.nn.Parameter(1.5),
    "parameter-requires-grad-int": lambda m: m.nn.Parameter(m.ones(2), requires_grad=0),
    "parameter-requires-grad-none": lambda m: m.nn.Parameter(m.ones(2), requires_grad=None),
    "parameter-f-string": lambda m: f"{m.nn.Parameter(m.tensor(1.5))}",
    "parameter-format-spec": lambda m: f"{m.nn.Parameter(m.tensor(1.5)):.2f}",
    # --- Module.type: every parameter and buffer, integer ones too
    "module-type-float64": lambda m: _dtypes(_linear_with_buffers(m).type(m.float64)),
    "module-type-string": lambda m: _dtypes(_linear_with_buffers(m).type("torch.DoubleTensor")),
    "module-type-int-frozen": lambda m: _dtypes(_linear_with_buffers(m).requires_grad_(False).type(m.int32)),
    "module-type-int-requires-grad": lambda m: _linear_with_buffers(m).type(m.int64),
    "module-type-bad-string": lambda m: _linear_with_buffers(m).type("float64"),
    "tensor-type-dtype-name-string": lambda m: m.ones(2).type("float64"),
    # --- Module.to and load_state_dict
    "module-to-copy": lambda m: m.nn.Linear(1, 1).to(m.float64, copy=True),
    "load-scalar-from-one-element": lambda m: _loaded_scalar(m),
    # --- Sequential as a list
    "sequential-insert": lambda m: _names(_layers(m).insert(1, m.nn.Identity())),
    "sequential-insert-negative": lambda m: _names(_layers(m).insert(-1, m.nn.Identity())),
    "sequential-insert-end": lambda m: _names(_layers(m).insert(3, m.nn.Identity())),
    "sequential-insert-out-of-range": lambda m: _layers(m).insert(4, m.nn.Identity()),
    "sequential-insert-not-module": lambda m: _layers(m).insert(0, 3),
    "sequential-insert-named": lambda m: _names(m.nn.Sequential(OrderedDict(a=m.nn.ReLU())).insert(1, m.nn.Tanh())),
    "sequential-extend": lambda m: _names(_layers(m).extend([m.nn.Identity(), m.nn.ReLU()])),
    "sequential-pop": lambda m: _popped(m, _layers(m), 1),
    "sequential-pop-negative": lambda m: _popped(m, _layers(m), -1),
    "sequential-pop-slice": lambda m: _popped(m, _layers(m), slice(0, 2)),
    "sequential-add": lambda m: _names(_layers(m) + m.nn.Sequential(m.nn.Identity())),
    "sequential-add-list": lambda m: _layers(m) + [m.nn.ReLU()],
    "sequential-iadd": lambda m: _names(_iadd(_layers(m), m.nn.Sequential(m.nn.Identity()))),
    "sequential-iadd-list": lambda m: _iadd(_layers(m), [m.nn.ReLU()]),
    "sequential-mul": lambda m: _names(m.nn.Sequential(m.nn.ReLU(), m.nn.Tanh()) * 2),
    "sequential-rmul": lambda m: _names(2 * m.nn.Sequential(m.nn.ReLU())),
    "sequential-mul-shares-layers": lambda m: _shared_after_mul(m),
    "sequential-imul": lambda m: _names(_imul(m.nn.Sequential(m.nn.ReLU(), m.nn.Tanh()), 3)),
    "sequential-mul-zero": lambda m: m.nn.Sequential(m.nn.ReLU()) * 0,
    "sequential-mul-float": lambda m: m.nn.Sequential(m.nn.ReLU()) * 2.0,
    # --- ModuleList
    "module-list-pop": lambda m: _popped(m, m.nn.ModuleList(_layers(m)), 0),
    "module-list-pop-slice": lambda m: _popped(m, m.nn.ModuleList(_layers(m)), slice(1, None)),
    "module-list-add": lambda m: _names(m.nn.ModuleList([m.nn.ReLU()]) + [m.nn.Tanh()]),
    "module-list-add-not-iterable": lambda m: m.nn.ModuleList([m.nn.ReLU()]) + 3,
    "module-list-insert-negative": lambda m: m.nn.ModuleList(_layers(m)).insert(-1, m.nn.Identity()),
    "module-list-insert-named": lambda m: _list_insert_named(m),
    # --- ModuleDict.update's checks
    "module-dict-update-int": lambda m: _update(m, 3),
    "module-dict-update-triple": lambda m: _update(m, [("a", m.nn.ReLU(), 3)]),
    "module-dict-update-not-pair": lambda m: _update(m, [3]),
    "module-dict-update-string": lambda m: _update(m, "ab"),
    # --- the tensor protocol under modules: requires_grad_, format, deepcopy
    "requires-grad-int": lambda m: m.ones(2).requires_grad_(0),
    "requires-grad-none": lambda m: m.ones(2).requires_grad_(None),
    "format-1d-spec": lambda m: format(m.ones(2), ">10"),
    "format-1d-empty-spec": lambda m: format(m.ones(2), ""),
    "format-0d-spec": lambda m: format(m.tensor(1.5), ".2f"),
    "deepcopy-non-leaf": lambda m: copy.deepcopy(m.ones(2, requires_grad=True) * 2),
    "deepcopy-keeps-grad": _deepcopied_with_grad,
}


def _loaded_scalar(m):
    """A 0-dim parameter takes a checkpoint's [x] (old torch saved scalars so), but not [x, y]."""
    module = _scalar_module(m)
    module.load_state_dict({"p": m.tensor([5.0])})
    with pytest.raises(RuntimeError, match="size mismatch for p"):
        module.load_state_dict({"p": m.tensor([5.0, 6.0])})
    return module.p


def _popped(m, container, key):
    popped = container.pop(key)
    return type(popped).__name__, _names(container)


def _iadd(container, other):
    container += other
    return container


def _imul(container, n):
    same = container
    container *= n
    assert container is same
    return container


def _shared_after_mul(m):
    seq = m.nn.Sequential(m.nn.Linear(1, 1)) * 3
    return seq[0] is seq[2], len(list(seq.parameters()))


def _list_insert_named(m):
    """torch's insert renumbers only the numbered entries: a named child keeps its name."""
    modules = m.nn.ModuleList([m.nn.ReLU(), m.nn.Tanh()])
    modules.extra = m.nn.Sigmoid()
    modules.insert(0, m.nn.Identity())
    return _names(modules)


@pytest.mark.parametrize("case", list(CASES))
def test_module_api_matches_torch(case):
    assert_matches_torch(CASES[case])
