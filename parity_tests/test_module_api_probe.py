"""`nn.Module`'s API, second differential probe: saving, loading, lookups and forward hooks, on both libraries.

What this proves, beyond `test_module_api.py` (Parameter, containers' insert/extend/pop, Module.type):
- `state_dict()` carries torch's `_metadata` (each module's path -> {"version": its `_version`}, 2 for
  BatchNorm), also under `prefix=` and in a `destination` that has one, and takes its arguments
  positionally with torch's FutureWarning; a BatchNorm checkpoint of version 2 without
  `num_batches_tracked` is incomplete, one of version 1 is not;
- `load_state_dict(assign=True)` takes the checkpoint's tensors themselves (their dtype and memory):
  a parameter stays an `nn.Parameter` with the requires_grad of the one it replaces, a buffer is the
  tensor given, a size mismatch is still an error;
- `get_buffer` finds buffers (non-persistent ones too) with torch's errors for the other targets;
- forward hooks take torch's `prepend=`, `with_kwargs=` and `always_call=`: their order, what a
  with-kwargs pre-hook may return (and torch's error otherwise), the always-called hooks that run
  when forward raises (their own errors become torch's warning);
- and, as guards of the code these fixes rewrote, keep_vars/destination/tied weights in `state_dict`,
  strict and non-strict loading (the returned named tuple, its repr, the error text).

Each case is a small program `fn(m)` run with `m = torch` and `m = minitorch_ref` (see
`assert_matches_torch`): the same result, or the same exception type and message.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

from parity_tests.test_semantics import assert_matches_torch


def _net(m):
    """A module with a parameterised child, a Sequential, a persistent and a non-persistent buffer."""
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.nn.Linear(2, 3)
            self.register_buffer("steps", m.arange(3))
            self.register_buffer("tmp", m.ones(2), persistent=False)
            self.seq = m.nn.Sequential(m.nn.Linear(3, 3), m.nn.ReLU(), m.nn.BatchNorm1d(3))

        def forward(self, x):
            return self.seq(self.fc(x))
    return Net()


def _tied(m):
    """A Sequential that holds one Linear twice and a second one sharing its weight."""
    first, second = m.nn.Linear(2, 2), m.nn.Linear(2, 2)
    second.weight = first.weight
    return m.nn.Sequential(first, second, first)


def _with(state, key, value=None):
    """A copy of `state` with `key` set to `value` (None: removed)."""
    state = OrderedDict(state)
    if value is None:
        del state[key]
    else:
        state[key] = value
    return state


def _metadata(state):
    return {key: dict(value) for key, value in state._metadata.items()}


def _loaded(m, state, module=None, **kwargs):
    """load_state_dict's result: its repr and its two lists."""
    result = (module or _net(m)).load_state_dict(state, **kwargs)
    return repr(result), result.missing_keys, result.unexpected_keys


def _batchnorm_without_counter(m, version):
    """A BatchNorm checkpoint without num_batches_tracked, saved by a BatchNorm of `version`."""
    bn = m.nn.BatchNorm1d(2)
    state = _with(bn.state_dict(), "num_batches_tracked")
    state._metadata = OrderedDict({"": {"version": version}})
    return _loaded(m, state, bn)


def _batchnorm_own_checkpoint_without_counter(m):
    """The key deleted from the state_dict itself (a copy would drop its _metadata, the version)."""
    bn = m.nn.BatchNorm1d(2)
    state = bn.state_dict()
    del state["num_batches_tracked"]
    return _loaded(m, state, bn)


def _assigned(m, key, value, frozen=False):
    """load_state_dict(assign=True) of `value` at `key`: what the module then holds there."""
    net = _net(m).requires_grad_(not frozen)
    net.load_state_dict(_with(net.state_dict(), key, value), assign=True)
    held = net.get_parameter(key) if key.endswith(("weight", "bias")) else net.get_buffer(key)
    return (held is value, type(held).__name__, held.requires_grad, held,
            np.shares_memory(held.detach().numpy(), value.detach().numpy()))


def _hook_log(m, register, *, fail=False):
    """Call a Linear(2, 2) (whose forward raises if `fail`) after `register(m, layer, log)`."""
    layer = m.nn.Linear(2, 2)
    with m.no_grad():
        layer.weight.copy_(m.tensor([[1.0, 2.0], [3.0, 4.0]]))
        layer.bias.fill_(0.5)
    if fail:
        def forward(x, scale=1.0):
            raise ValueError("forward failed")
        layer.forward = forward
    log = []
    register(m, layer, log)
    try:
        out = layer(m.ones(1, 2), scale=2.0) if fail else layer(m.ones(1, 2))
    except ValueError as error:
        return log, str(error)
    return log, out


def _prepended(m, layer, log):
    layer.register_forward_hook(lambda *args: log.append("hook"))
    layer.register_forward_hook(lambda *args: log.append("hook, prepended"), prepend=True)
    layer.register_forward_pre_hook(lambda *args: log.append("pre-hook"))
    layer.register_forward_pre_hook(lambda *args: log.append("pre-hook, prepended"), prepend=True)


def _with_kwargs(m, layer, log):
    layer.register_forward_pre_hook(lambda mod, args, kwargs: log.append(("pre", len(args), sorted(kwargs))),
                                    with_kwargs=True)
    layer.register_forward_hook(lambda mod, args, kwargs, out: log.append(("post", len(args), sorted(kwargs), out)),
                                with_kwargs=True)


def _new_inputs(returned):
    """A with-kwargs pre-hook that returns `returned(m, args, kwargs)`."""
    def register(m, layer, log):
        layer.register_forward_pre_hook(lambda mod, args, kwargs: returned(m, args, kwargs), with_kwargs=True)
    return register


def _always_called(m, layer, log):
    layer.register_forward_hook(lambda mod, args, out: log.append(("plain", out)))
    layer.register_forward_hook(lambda mod, args, kwargs, out: log.append(("always", len(args), sorted(kwargs), out)),
                                always_call=True, with_kwargs=True)


def _always_called_after_a_failing_hook(m, layer, log):
    def failing(*args):
        raise ValueError("hook failed")
    layer.register_forward_hook(lambda *args: log.append("before"), always_call=True)
    layer.register_forward_hook(failing)
    layer.register_forward_hook(lambda *args: log.append("after"), always_call=True)


def _always_called_that_fails(m, layer, log):
    def failing(*args):
        raise KeyError("always-called hook failed")
    layer.register_forward_hook(failing, always_call=True)
    layer.register_forward_hook(lambda *args: log.append("after"), always_call=True)


def _removed_with_kwargs(m, layer, log):
    layer.register_forward_hook(lambda *args: log.append(len(args)), with_kwargs=True).remove()
    layer.register_forward_hook(lambda *args: log.append(len(args)))


CASES = {
    # --- state_dict: _metadata with each module's version, positional arguments
    "state-dict-metadata": lambda m: _metadata(_net(m).state_dict()),
    "state-dict-metadata-prefix": lambda m: _metadata(_net(m).state_dict(prefix="model.")),
    "state-dict-metadata-prefix-without-dot": lambda m: _metadata(m.nn.Linear(1, 1).state_dict(prefix="x")),
    "state-dict-destination-with-metadata": lambda m: _metadata(m.nn.BatchNorm1d(1).state_dict(
        destination=type("D", (OrderedDict,), {"_metadata": OrderedDict()})())),
    "state-dict-destination-without-metadata": lambda m: hasattr(
        m.nn.Linear(1, 1).state_dict(destination=OrderedDict()), "_metadata"),
    "state-dict-positional": lambda m: list(_net(m).state_dict(None, "p.", True)),
    "state-dict-positional-and-keyword": lambda m: list(m.nn.Linear(1, 1).state_dict(OrderedDict(), "p.", prefix="q.")),
    "state-dict-too-many-positional": lambda m: list(m.nn.Linear(1, 1).state_dict(None, "", False, 4)),
    "batchnorm-v2-checkpoint-without-counter": lambda m: _batchnorm_without_counter(m, 2),
    "batchnorm-own-checkpoint-without-counter": _batchnorm_own_checkpoint_without_counter,
    # guards: state_dict's contents, loading an older BatchNorm
    "state-dict-keys": lambda m: list(_net(m).state_dict()),
    "state-dict-keep-vars": lambda m: [(v.requires_grad, v.grad_fn)
                                       for v in _net(m).state_dict(keep_vars=True).values()],
    "state-dict-destination": lambda m: list(m.nn.Linear(1, 1).state_dict(destination={"z": 1}, prefix="l.")),
    "state-dict-tied": lambda m: list(_tied(m).state_dict()),
    "batchnorm-v1-checkpoint-without-counter": lambda m: _batchnorm_without_counter(m, 1),
    # --- load_state_dict(assign=True)
    "assign-parameter": lambda m: _assigned(m, "fc.weight", m.zeros(3, 2, dtype=m.float64)),
    "assign-frozen-parameter": lambda m: _assigned(m, "fc.bias", m.ones(3), frozen=True),
    "assign-a-parameter": lambda m: _assigned(m, "fc.bias", m.nn.Parameter(m.ones(3), requires_grad=False)),
    "assign-buffer": lambda m: _assigned(m, "steps", m.arange(3, dtype=m.int32)),
    "assign-size-mismatch": lambda m: _loaded(m, _with(_net(m).state_dict(), "fc.weight", m.ones(2, 2)), assign=True),
    "assign-not-strict": lambda m: _loaded(m, _with(_net(m).state_dict(), "fc.bias"), strict=False, assign=True),
    # guards: loading without assign
    "load-copies-into-dtype": lambda m: (lambda net: (net.load_state_dict(
        _with(net.state_dict(), "fc.bias", m.ones(3, dtype=m.float64))), net.fc.bias))(_net(m))[1],
    "load-not-strict": lambda m: _loaded(m, _with(_with(_net(m).state_dict(), "fc.bias"), "x.y", m.ones(1)),
                                         strict=False),
    "load-strict-errors": lambda m: _loaded(m, _with(_with(_with(_net(m).state_dict(), "steps"), "fc.weight",
                                                            m.ones(2, 2)), "tmp", m.ones(2))),
    "load-not-a-mapping": lambda m: _loaded(m, [("fc.bias", m.ones(3))]),
    # --- get_buffer
    "get-buffer": lambda m: _net(m).get_buffer("steps"),
    "get-buffer-not-persistent": lambda m: _net(m).get_buffer("tmp"),
    "get-buffer-nested": lambda m: _net(m).get_buffer("seq.2.running_var"),
    "get-buffer-missing": lambda m: _net(m).get_buffer("fc.nothing"),
    "get-buffer-of-a-parameter": lambda m: _net(m).get_buffer("fc.weight"),
    "get-buffer-of-an-attribute": lambda m: _net(m).get_buffer("training"),
    "get-buffer-bad-path": lambda m: _net(m).get_buffer("nothing.steps"),
    # --- forward hooks: prepend, with_kwargs, always_call
    "hooks-prepended": lambda m: _hook_log(m, _prepended),
    "hooks-with-kwargs": lambda m: _hook_log(m, _with_kwargs),
    "pre-hook-new-args-and-kwargs": lambda m: _hook_log(
        m, _new_inputs(lambda m, args, kwargs: ((), {"input": m.zeros(1, 2)}))),
    "pre-hook-with-kwargs-returns-one-value": lambda m: _hook_log(m, _new_inputs(lambda m, args, kwargs: args[0])),
    "pre-hook-with-kwargs-returns-a-list": lambda m: _hook_log(m, _new_inputs(lambda m, args, kwargs: [args, kwargs])),
    "always-called-on-success": lambda m: _hook_log(m, _always_called),
    "always-called-when-forward-fails": lambda m: _hook_log(m, _always_called, fail=True),
    "always-called-after-a-failing-hook": lambda m: _hook_log(m, _always_called_after_a_failing_hook),
    "always-called-hook-fails-too": lambda m: _hook_log(m, _always_called_that_fails, fail=True),
    "hook-with-kwargs-removed": lambda m: _hook_log(m, _removed_with_kwargs),
}


@pytest.mark.parametrize("case", list(CASES))
def test_module_api_matches_torch(case):
    assert_matches_torch(CASES[case], warnings=True)
