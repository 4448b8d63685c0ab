"""`nn.ParameterList`, `nn.ParameterDict` and `nn.Buffer`, differential probe: each case run on both libraries.

What this proves (minitorch_ref had none of the three before this probe):
- a ParameterList/ParameterDict turns the tensors put into it (constructor, `append`, `extend`, `+=`,
  `[i] =`, `update`, `setdefault`, `|`) into Parameters and keeps any other value as it is, as torch's: a
  Module lands among the children, None or an int as a plain attribute; a tensor that cannot require grad
  is refused (after the list has grown, as torch's);
- indexing as torch's: negative indices, IndexError text, a slice is a new list (of the same class, built
  by `append`), a ParameterDict's keys are strings (torch's TypeError otherwise, a missing key is an
  AttributeError), a plain dict is added in sorted key order, an OrderedDict or pairs in theirs; `pop`,
  `popitem`, `get`, `setdefault`, `fromkeys`, `copy`, `clear`, `keys`/`values`/`items`, `reversed`, `in`,
  `|`/`|=`, and the errors of `update`, `extend`, calling the container, and what torch lacks (`insert`,
  `del pl[0]`, `pl + pl`);
- inside a module: parameter names (`plist.0`, `pdict.key`), `state_dict`/`load_state_dict` (strict errors,
  `assign=True`), `get_parameter`/`get_submodule`/`get_buffer` through them, the repr torch prints
  (`(0): Parameter containing: [torch.float32 of size 3x4]`), `double()`/`half()`/`to()` in place,
  `zero_grad`, `requires_grad_`, deep copies, and optimizers built from them training as torch's;
- `nn.Buffer(t, persistent=...)`: aliases t detached, keeps its requires_grad, and `self.x = nn.Buffer(t)`
  registers a buffer (non-persistent ones stay out of `state_dict`) with torch's errors for a name taken by
  a parameter, a child or a plain attribute (and torch's text for a non-tensor assigned over a buffer);
  `register_buffer` ignores the flag; a plain tensor assigned over a buffer keeps its persistence; a module
  conversion (`double()`) converts a buffer through `Tensor.to`, so one that requires grad gets a
  `ToCopyBackward0` as torch's.

Guards of rewritten code (they passed before): `ModuleDict.update`'s errors (its pair check is shared with
ParameterDict's) and module conversions of buffers that do not require grad.
Left on purpose: `type(nn.Buffer(t))` is `nn.Buffer` here, a plain `Tensor` in torch (which flags the tensor
with attributes; minitorch_ref's tensors take none), so the cases do not ask for a buffer's class by name.
"""
from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

from parity_tests.outcomes import assert_matches_torch, torch_text


def _t(m, *shape, seed=0, dtype="float32", requires_grad=False):
    """A tensor of the same random values in both libraries."""
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return m.tensor(values, requires_grad=requires_grad)


def _linear(m, n_in, n_out, seed=0):
    """A Linear layer with the same weights in both libraries."""
    layer = m.nn.Linear(n_in, n_out)
    with m.no_grad():
        layer.weight.copy_(_t(m, n_out, n_in, seed=seed))
        layer.bias.copy_(_t(m, n_out, seed=seed + 1))
    return layer


def _repr(m, obj):
    """repr(obj), torch's module name read as ours."""
    return torch_text(repr(obj)) if m is torch else repr(obj)


def _names(module, kind="parameters"):
    return [name for name, _ in getattr(module, "named_" + kind)()]


def _kinds(values):
    return [type(v).__name__ for v in values]


def _plist(m):
    return m.nn.ParameterList([_t(m, 3, 4), m.nn.Parameter(_t(m, 2, seed=1)), _t(m, 5, seed=2, dtype="float64")])


def _pdict(m):
    return m.nn.ParameterDict({"w": _t(m, 3, 4), "b": m.nn.Parameter(_t(m, 2, seed=1)),
                               "c": _t(m, 5, seed=2, dtype="float64")})


def _ordered(m):
    return m.nn.ParameterDict(OrderedDict([("w", _t(m, 3, 4)), ("b", _t(m, 2, seed=1)), ("a", 7)]))


def _then(container, action):
    """`action(container)`, then the container (for statements: `del`, `+=`, `|=`, item assignment)."""
    action(container)
    return container


def _after_error(container, action, error):
    """`action(container)`, which raises `error`, then the container's keys/length and parameter names."""
    with pytest.raises(error):
        action(container)
    return len(container), _names(container)


# --------------------------------------------------------------------------- ParameterList
LIST_CASES = {
    "ctor_kinds": lambda m: _kinds(_plist(m)),
    "ctor_values": lambda m: list(_plist(m)),
    "ctor_generator": lambda m: list(m.nn.ParameterList(_t(m, 2, seed=i) for i in range(3))),
    "ctor_mixed": lambda m: _kinds(m.nn.ParameterList([_t(m, 2), 1, "s", None, 2.5, m.nn.ReLU()])),
    "ctor_tensor": lambda m: m.nn.ParameterList(_t(m, 2, 2)),
    "ctor_int": lambda m: m.nn.ParameterList(3),
    "ctor_int_tensor": lambda m: m.nn.ParameterList([m.arange(3)]),
    "length_after_refused_tensor": lambda m: _after_error(m.nn.ParameterList(), lambda c: c.append(m.arange(3)),
                                                         RuntimeError),
    "plain_tensor_requires_grad": lambda m: [p.requires_grad for p in m.nn.ParameterList([_t(m, 2)])],
    "parameter_kept": lambda m: (lambda p: m.nn.ParameterList([p])[0] is p)(m.nn.Parameter(_t(m, 2))),
    "tensor_shares_memory": lambda m: (lambda t: (m.nn.ParameterList([t])[0].data.add_(1), t)[1])(_t(m, 3)),
    "non_leaf_detached": lambda m: m.nn.ParameterList([_t(m, 2, requires_grad=True) * 2])[0],
    "names": lambda m: _names(_plist(m)),
    "names_mixed": lambda m: _names(m.nn.ParameterList([_t(m, 2), 1, None, _linear(m, 2, 1), _t(m, 1)])),
    "names_shared_once": lambda m: (lambda p: _names(m.nn.ParameterList([p, p])))(m.nn.Parameter(_t(m, 2))),
    "get_negative": lambda m: _plist(m)[-3],
    "get_out_of_range": lambda m: _plist(m)[3],
    "get_out_of_range_negative": lambda m: _plist(m)[-4],
    "get_string": lambda m: _plist(m)["0"],
    "get_float": lambda m: _plist(m)[1.0],
    "slice_kinds": lambda m: (type(_plist(m)[1:]).__name__, _names(_plist(m)[::-1])),
    "slice_values": lambda m: list(_plist(m)[::2]),
    "slice_same_objects": lambda m: (lambda pl: [a is b for a, b in zip(pl[1:], list(pl)[1:])])(_plist(m)),
    "slice_step_zero": lambda m: _plist(m)[::0],
    "set_tensor": lambda m: (lambda pl: (_kinds(pl), pl[1]))(_then(_plist(m), lambda c: c.__setitem__(1, _t(m, 7)))),
    "set_negative": lambda m: _then(_plist(m), lambda c: c.__setitem__(-1, _t(m, 7)))[2],
    "set_out_of_range": lambda m: _then(_plist(m), lambda c: c.__setitem__(3, _t(m, 7))),
    "set_int": lambda m: (lambda pl: (_kinds(pl), _names(pl)))(_then(_plist(m), lambda c: c.__setitem__(0, 5))),
    "set_module_then_tensor": lambda m: (lambda pl: (_kinds(pl), _names(pl), list(pl._modules)))(
        _then(_then(_plist(m), lambda c: c.__setitem__(0, _linear(m, 1, 1))), lambda c: c.__setitem__(0, _t(m, 2)))),
    "set_int_tensor": lambda m: _then(_plist(m), lambda c: c.__setitem__(0, m.arange(3))),
    "del_item": lambda m: _then(_plist(m), lambda c: c.__delitem__(0)),
    "insert": lambda m: _plist(m).insert(0, _t(m, 1)),
    "add": lambda m: _plist(m) + _plist(m),
    "iadd": lambda m: (lambda pl: (len(pl), _names(pl)))(_then(_plist(m), lambda c: c.__iadd__([_t(m, 1)]))),
    "iadd_tensor": lambda m: _then(_plist(m), lambda c: c.__iadd__(_t(m, 2, 2))),
    "append_returns_self": lambda m: (lambda pl: pl.append(_t(m, 1)) is pl)(_plist(m)),
    "extend_returns_self": lambda m: (lambda pl: pl.extend([_t(m, 1)]) is pl)(_plist(m)),
    "extend_tensor": lambda m: _plist(m).extend(_t(m, 2, 2)),
    "extend_int": lambda m: _plist(m).extend(3),
    "extend_string": lambda m: _kinds(_plist(m).extend("xy")),
    "extend_itself": lambda m: (lambda pl: _names(pl.extend(pl)))(_plist(m)),
    "len_bool": lambda m: (len(_plist(m)), bool(m.nn.ParameterList())),
    "reversed": lambda m: list(reversed(_plist(m))),
    "contains": lambda m: (lambda pl: (pl[0] in pl, 3 in m.nn.ParameterList([3])))(_plist(m)),
    "contains_other_tensor": lambda m: _t(m, 3, 4) in _plist(m),
    "call": lambda m: _plist(m)(_t(m, 1)),
    "dir_without_indices": lambda m: [k for k in dir(_plist(m)) if k[0].isdigit()],
    "repr": lambda m: _repr(m, _plist(m)),
    "repr_one": lambda m: _repr(m, m.nn.ParameterList([_t(m, 3, 4)])),
    "repr_empty": lambda m: _repr(m, m.nn.ParameterList()),
    "repr_mixed": lambda m: _repr(m, m.nn.ParameterList([m.tensor(1.0), 1, None, _linear(m, 1, 2),
                                                         _t(m, 2, dtype="float16")])),
    "repr_half": lambda m: _repr(m, _plist(m).half()),
}


class _SubclassWithArgument:
    """A ParameterList subclass whose constructor needs an argument: slicing it fails as torch's does."""

    @staticmethod
    def make(m):
        class Sized(m.nn.ParameterList):
            def __init__(self, n):
                super().__init__([_t(m, 1, seed=i) for i in range(n)])
        return Sized(3)


LIST_CASES["slice_of_subclass_with_argument"] = lambda m: _SubclassWithArgument.make(m)[1:]


@pytest.mark.parametrize("case", LIST_CASES)
def test_parameter_list_matches_torch(case):
    assert_matches_torch(LIST_CASES[case], warnings=True)


# --------------------------------------------------------------------------- ParameterDict
def _pd_items(d):
    return list(d.items())


DICT_CASES = {
    "ctor_dict_sorted": lambda m: (list(_pdict(m)), _kinds(_pdict(m).values())),
    "ctor_ordered": lambda m: _pd_items(_ordered(m)),
    "ctor_pairs": lambda m: list(m.nn.ParameterDict([("z", _t(m, 1)), ("a", _t(m, 2))])),
    "ctor_parameter_dict_same_values": lambda m: (lambda d: [d[k] is m.nn.ParameterDict(d)[k] for k in d])(_ordered(m)),
    "ctor_int": lambda m: m.nn.ParameterDict(3),
    "ctor_strings_as_pairs": lambda m: _pd_items(m.nn.ParameterDict(["ab", "cd"])),
    "ctor_not_pairs": lambda m: m.nn.ParameterDict([1, 2]),
    "ctor_wrong_length": lambda m: m.nn.ParameterDict([("a", _t(m, 1)), ("b",)]),
    "update_stops_at_bad_pair": lambda m: _after_error(m.nn.ParameterDict(),
                                                      lambda d: d.update([("a", _t(m, 1)), ("b",)]), ValueError),
    "ctor_int_key": lambda m: m.nn.ParameterDict({1: _t(m, 1)}),
    "int_key_still_listed": lambda m: _after_error(m.nn.ParameterDict(), lambda d: d.__setitem__(1, _t(m, 1)),
                                                  TypeError),
    "ctor_unsortable_keys": lambda m: m.nn.ParameterDict({"a": 1, 2: 3}),
    "ctor_int_tensor": lambda m: m.nn.ParameterDict({"a": m.arange(3)}),
    "key_with_dot": lambda m: m.nn.ParameterDict({"a.b": _t(m, 1)}),
    "key_empty": lambda m: m.nn.ParameterDict({"": _t(m, 1)}),
    "key_of_a_method": lambda m: m.nn.ParameterDict({"update": _t(m, 1)}),
    "module_and_none_values": lambda m: (lambda d: (_names(d), _kinds(d.values()), list(d._modules)))(
        m.nn.ParameterDict({"lin": _linear(m, 1, 1), "n": None, "p": _t(m, 1)})),
    "get_missing": lambda m: _pdict(m)["zz"],
    "get_int": lambda m: _pdict(m)[0],
    "get_attribute": lambda m: _pdict(m).w,
    "get_method": lambda m: (_pdict(m).get("w"), _pdict(m).get("zz", 5), _pdict(m).get(1, "d")),
    "set_replaces_in_place": lambda m: (lambda d: (list(d), _names(d), d["b"]))(
        _then(_pdict(m), lambda c: c.__setitem__("b", _t(m, 9)))),
    "set_int_value": lambda m: (lambda d: (list(d), _names(d), d["b"]))(_then(_pdict(m), lambda c: c.__setitem__("b", 3))),
    "set_refused_tensor_still_listed": lambda m: _after_error(_pdict(m), lambda d: d.__setitem__("q", m.arange(2)),
                                                             RuntimeError),
    "setattr_is_not_an_entry": lambda m: (lambda d: (list(d), _names(d), "extra" in d))(
        _then(_pdict(m), lambda c: setattr(c, "extra", m.nn.Parameter(_t(m, 1))))),
    "del": lambda m: (lambda d: (list(d), _names(d)))(_then(_pdict(m), lambda c: c.__delitem__("w"))),
    "del_missing": lambda m: _then(_pdict(m), lambda c: c.__delitem__("zz")),
    "delattr_keeps_key": lambda m: (lambda d: (list(d), len(d)))(_then(_pdict(m), lambda c: delattr(c, "w"))),
    "views": lambda m: (list(_pdict(m).keys()), list(_pdict(m).values()), _pd_items(_pdict(m)),
                        type(_pdict(m).keys()).__name__),
    "reversed_contains": lambda m: (list(reversed(_pdict(m))), "w" in _pdict(m), 1 in _pdict(m)),
    "contains_unhashable": lambda m: [] in _pdict(m),
    "pop": lambda m: (lambda d: (d.pop("w"), list(d), _names(d)))(_pdict(m)),
    "pop_missing": lambda m: _pdict(m).pop("zz"),
    "popitem": lambda m: (lambda d: (d.popitem(), list(d)))(_ordered(m)),
    "popitem_empty": lambda m: m.nn.ParameterDict().popitem(),
    "clear": lambda m: (lambda d: (d.clear(), list(d), _names(d)))(_pdict(m)),
    "setdefault": lambda m: (lambda d: (d.setdefault("w", _t(m, 1)), d.setdefault("n", _t(m, 1)), d.setdefault("o"),
                                        list(d), _names(d)))(_pdict(m)),
    "fromkeys": lambda m: (lambda d: (type(d).__name__, _pd_items(d), d["x"] is d["y"]))(
        _pdict(m).fromkeys(["y", "x"], _t(m, 1))),
    "copy": lambda m: (lambda d: (type(d.copy()).__name__, _pd_items(d.copy()), [d[k] is d.copy()[k] for k in d]))(
        _ordered(m)),
    "or": lambda m: _pd_items(_pdict(m) | _ordered(m)),
    "or_dict": lambda m: _pd_items(_pdict(m) | {"z": _t(m, 1), "a": _t(m, 2)}),
    "ror_dict": lambda m: (lambda r: (type(r).__name__, list(r)))({"z": 1} | _pdict(m)),
    "or_int": lambda m: _pdict(m) | 3,
    "ior": lambda m: list(_then(_pdict(m), lambda d: d.__ior__([("q", _t(m, 1))]))),
    "update_int": lambda m: _pdict(m).update(1),
    "update_keywords": lambda m: _pdict(m).update(a=_t(m, 1)),
    "call": lambda m: _pdict(m)(1),
    "names_and_state": lambda m: (_names(_pdict(m)), dict(_ordered(m).state_dict())),
    "repr": lambda m: _repr(m, _pdict(m)),
    "repr_kinds": lambda m: _repr(m, m.nn.ParameterDict(OrderedDict([
        ("a", _t(m, 2, dtype="float64")), ("b", None), ("c", _linear(m, 1, 1)), ("d", m.tensor(1.0))]))),
    "repr_empty": lambda m: _repr(m, m.nn.ParameterDict()),
}


@pytest.mark.parametrize("case", DICT_CASES)
def test_parameter_dict_matches_torch(case):
    assert_matches_torch(DICT_CASES[case], warnings=True)


def test_update_calls_a_subclass_setitem_as_torch():
    """Every entry goes through `__setitem__` (constructor, update, setdefault, |=), in torch's order."""
    def keys_seen(m):
        seen = []

        class Logged(m.nn.ParameterDict):
            def __setitem__(self, key, value):
                seen.append(key)
                super().__setitem__(key, value)

        d = Logged({"b": _t(m, 1), "a": 1})
        d.update([("c", 2)])
        d.setdefault("e", 3)
        d |= {"f": 4}
        return seen

    assert_matches_torch(keys_seen)


# --------------------------------------------------------------------------- inside a module
def _net(m):
    """A Linear, persistent buffers (one an integer), a non-persistent one, a ParameterList and a ParameterDict."""
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = _linear(m, 2, 2)
            self.mean = m.nn.Buffer(m.zeros(2))
            self.count = m.nn.Buffer(m.tensor(0))
            self.tmp = m.nn.Buffer(m.ones(2), persistent=False)
            self.plist = m.nn.ParameterList([_t(m, 2), _t(m, 3, seed=1)])
            self.pdict = m.nn.ParameterDict({"b": _t(m, 1, seed=2), "a": _t(m, 2, seed=3)})
    return Net()


def _lookups(m, lookup, targets):
    """`lookup(target)` for each target: the value found or the error."""
    found = []
    for target in targets:
        try:
            found.append(lookup(target))
        except Exception as error:  # noqa: BLE001 (the errors are compared)
            found.append((type(error).__name__, torch_text(str(error)) if m is torch else str(error)))
    return found


def _loaded(m, assign=False):
    source, target = _net(m), _net(m)
    with m.no_grad():
        for p in source.parameters():
            p.mul_(3)
    state = {k: v.double() * 2 for k, v in source.state_dict().items()} if assign else source.state_dict()
    result = target.load_state_dict(state, assign=assign)
    kept = [(k, type(v).__name__ == "Parameter", v.requires_grad) for k, v in target.state_dict(keep_vars=True).items()]
    return repr(result), dict(target.state_dict()), kept, _kinds(target.plist)


def _grads_after(m, set_to_none):
    net = _net(m)
    (net.plist[0].sum() + net.plist[1].pow(2).sum() + net.pdict["b"].sum() + net.fc(net.pdict["a"]).sum()).backward()
    net.zero_grad(set_to_none=set_to_none)
    return [p.grad for p in net.parameters()]


def _converted(m, conversion):
    net = _net(m)
    (net.plist[0].sum() * 2).backward()
    params = list(net.parameters())
    getattr(net, conversion[0])(*[getattr(m, a) for a in conversion[1:]])
    return ([a is b for a, b in zip(params, net.parameters())], dict(net.state_dict()), net.tmp,
            [None if p.grad is None else p.grad for p in net.parameters()])


MODULE_CASES = {
    "names": lambda m: (_names(_net(m)), _names(_net(m), "buffers"), sorted(_net(m)._non_persistent_buffers_set)),
    "state_dict": lambda m: (dict(_net(m).state_dict()), dict(_net(m).state_dict()._metadata)),
    "repr": lambda m: _repr(m, _net(m)),
    "get_parameter": lambda m: _lookups(m, _net(m).get_parameter, ["plist.1", "pdict.a", "plist.5", "pdict.zz",
                                                                  "plist", "plist._size", "pdict._keys"]),
    "get_submodule": lambda m: _lookups(m, lambda t: type(_net(m).get_submodule(t)).__name__,
                                        ["plist", "pdict", "plist.0", "plist.9"]),
    "get_buffer": lambda m: _lookups(m, _net(m).get_buffer, ["tmp", "count", "plist.0", "fc.weight", "zz"]),
    "load": lambda m: _loaded(m),
    "load_assign": lambda m: _loaded(m, assign=True),
    "load_missing": lambda m: (lambda n: n.load_state_dict({k: v for k, v in n.state_dict().items()
                                                            if k != "plist.1"}))(_net(m)),
    "load_unexpected": lambda m: (lambda n: n.load_state_dict({**n.state_dict(), "plist.2": m.ones(1),
                                                               "pdict.z": m.ones(1), "tmp": m.ones(2)}))(_net(m)),
    "load_wrong_shape": lambda m: (lambda n: n.load_state_dict({**n.state_dict(), "plist.0": m.ones(3)}))(_net(m)),
    "zero_grad": lambda m: _grads_after(m, True),
    "zero_grad_to_zeros": lambda m: _grads_after(m, False),
    "requires_grad_": lambda m: [p.requires_grad for p in _net(m).requires_grad_(False).parameters()],
    "double": lambda m: _converted(m, ("double",)),
    "half": lambda m: _converted(m, ("half",)),
    "to_float64": lambda m: _converted(m, ("to", "float64")),
    "type_float64": lambda m: _converted(m, ("type", "float64")),
    "deepcopy": lambda m: (lambda c: (_names(c), list(c.state_dict()), _kinds(c.plist), list(c.pdict)))(
        copy.deepcopy(_net(m))),
    "pickle": lambda m: (lambda c: (dict(c.state_dict()), len(c.plist)))(pickle.loads(pickle.dumps(_net(m)))),
    "in_module_list": lambda m: _names(m.nn.ModuleList([m.nn.ParameterList([_t(m, 1)]),
                                                        m.nn.ParameterDict({"k": _t(m, 1)})])),
    "called_in_sequential": lambda m: m.nn.Sequential(m.nn.ParameterList([_t(m, 1)]))(_t(m, 1)),
}


@pytest.mark.parametrize("case", MODULE_CASES)
def test_containers_inside_modules_match_torch(case):
    assert_matches_torch(MODULE_CASES[case], warnings=True)


def _trained(m, optimizer, container, **options):
    """Three steps of a linear model whose weights sit in a ParameterList or a ParameterDict."""
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            values = [_t(m, 3, 2, seed=1), _t(m, 2, seed=2)]
            self.ws = m.nn.ParameterList(values) if container == "list" else m.nn.ParameterDict(zip("wb", values))
            self.scale = m.nn.Buffer(m.tensor(2.0))

        def forward(self, x):
            w, b = (self.ws[0], self.ws[1]) if container == "list" else (self.ws["w"], self.ws["b"])
            return (x @ w + b) * self.scale

    net = Net()
    opt = getattr(m.optim, optimizer)(net.parameters(), **options)
    x, y = _t(m, 4, 3, seed=5), _t(m, 4, 2, seed=6)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    return losses, list(net.parameters()), net.scale


@pytest.mark.parametrize("container", ["list", "dict"])
@pytest.mark.parametrize("optimizer, options", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01))])
def test_optimizers_train_their_parameters_as_torch(optimizer, options, container):
    assert_matches_torch(lambda m: _trained(m, optimizer, container, **options), tolerance=(1e-5, 1e-6))


# --------------------------------------------------------------------------- nn.Buffer
def _module_with(m, name, value, setup=None):
    """A Module on which `setup` ran, then `module.<name> = value`: its buffers, parameters and state_dict keys."""
    module = m.nn.Module()
    if setup:
        setup(module)
    setattr(module, name, value)
    return (_names(module, "buffers"), _names(module), sorted(module._non_persistent_buffers_set),
            list(module.state_dict()))


BUFFER_CASES = {
    "flags": lambda m: (isinstance(m.nn.Buffer(_t(m, 2)), m.nn.Buffer), isinstance(_t(m, 2), m.nn.Buffer),
                        isinstance(m.nn.Buffer(_t(m, 2)), m.Tensor), isinstance(m.nn.Buffer(_t(m, 2)), m.nn.Parameter)),
    "persistent": lambda m: (m.nn.Buffer(_t(m, 2)).persistent, m.nn.Buffer(_t(m, 2), persistent=False).persistent),
    "persistent_positional": lambda m: m.nn.Buffer(_t(m, 2), False),
    "value_and_repr": lambda m: (m.nn.Buffer(_t(m, 2, 3)), _repr(m, m.nn.Buffer(_t(m, 2, requires_grad=True)))),
    "empty": lambda m: (m.nn.Buffer(), m.nn.Buffer().persistent),
    "from_list": lambda m: m.nn.Buffer([1.0, 2.0]),
    "integer": lambda m: m.nn.Buffer(m.arange(3)),
    "keeps_requires_grad_as_leaf": lambda m: (lambda b: (b.requires_grad, b.is_leaf, b.grad_fn))(
        m.nn.Buffer(_t(m, 2, requires_grad=True) * 2)),
    "shares_memory_and_version": lambda m: (lambda t: (m.nn.Buffer(t).add_(1), t, t._version)[1:])(_t(m, 3)),
    "not_the_tensor": lambda m: (lambda t: m.nn.Buffer(t) is t)(_t(m, 3)),
    "of_a_parameter": lambda m: (lambda b: (isinstance(b, m.nn.Parameter), b.requires_grad))(
        m.nn.Buffer(m.nn.Parameter(_t(m, 2)))),
    "parameter_of_it": lambda m: (lambda p: (type(p).__name__, isinstance(p, m.nn.Buffer)))(
        m.nn.Parameter(m.nn.Buffer(_t(m, 2)))),
    "results_of_ops": lambda m: (lambda b: [isinstance(x, m.nn.Buffer) for x in (b + 1, b.clone(), b.detach())])(
        m.nn.Buffer(_t(m, 2))),
    "deepcopy_and_pickle": lambda m: [(isinstance(c, m.nn.Buffer), c.persistent, c) for c in (
        copy.deepcopy(m.nn.Buffer(_t(m, 2), persistent=False)),
        pickle.loads(pickle.dumps(m.nn.Buffer(_t(m, 2), persistent=False))))],
    "assigned": lambda m: _module_with(m, "b", m.nn.Buffer(_t(m, 2))),
    "assigned_non_persistent": lambda m: _module_with(m, "b", m.nn.Buffer(_t(m, 2), persistent=False)),
    "assigned_is_kept": lambda m: (lambda b: (lambda mod: (setattr(mod, "b", b), mod.b is b)[1])(m.nn.Module()))(
        m.nn.Buffer(_t(m, 2))),
    "over_a_parameter": lambda m: _module_with(m, "w", m.nn.Buffer(_t(m, 2)),
                                               lambda mod: setattr(mod, "w", m.nn.Parameter(_t(m, 1)))),
    "over_a_child": lambda m: _module_with(m, "w", m.nn.Buffer(_t(m, 2)), lambda mod: setattr(mod, "w", m.nn.ReLU())),
    "over_an_attribute": lambda m: _module_with(m, "w", m.nn.Buffer(_t(m, 2)), lambda mod: setattr(mod, "w", 3)),
    "over_a_method": lambda m: _module_with(m, "forward", m.nn.Buffer(_t(m, 2))),
    "dotted_name": lambda m: _module_with(m, "a.b", m.nn.Buffer(_t(m, 2))),
    "before_init": lambda m: _before_init(m),
    "over_a_non_persistent_buffer": lambda m: _module_with(
        m, "b", m.nn.Buffer(_t(m, 3)), lambda mod: mod.register_buffer("b", _t(m, 1), persistent=False)),
    "plain_tensor_keeps_persistence": lambda m: _module_with(
        m, "b", _t(m, 3), lambda mod: setattr(mod, "b", m.nn.Buffer(_t(m, 1), persistent=False))),
    "none_over_it": lambda m: _module_with(m, "b", None, lambda mod: setattr(mod, "b", m.nn.Buffer(_t(m, 1)))),
    "parameter_over_it": lambda m: _module_with(m, "b", m.nn.Parameter(_t(m, 1)),
                                                lambda mod: setattr(mod, "b", m.nn.Buffer(_t(m, 1), persistent=False))),
    "register_buffer_ignores_its_flag": lambda m: _module_with(
        m, "x", 0, lambda mod: mod.register_buffer("b", m.nn.Buffer(_t(m, 1), persistent=False))),
    "delattr_forgets_persistence": lambda m: _module_with(
        m, "b", _t(m, 1), lambda mod: (setattr(mod, "b", m.nn.Buffer(_t(m, 1), persistent=False)), delattr(mod, "b"))),
    "int_over_it": lambda m: _module_with(m, "b", 3, lambda mod: mod.register_buffer("b", _t(m, 1))),
    "into_containers": lambda m: (_kinds(m.nn.ParameterList([m.nn.Buffer(_t(m, 2))])),
                                  _names(m.nn.ParameterDict({"a": m.nn.Buffer(_t(m, 2))}), "buffers")),
    "conversion_of_one_that_requires_grad": lambda m: _converted_buffer(m, "double"),
    "conversion_of_a_registered_one_that_requires_grad": lambda m: (lambda mod: (
        mod.register_buffer("b", _t(m, 2, requires_grad=True)), mod.to(m.float64), mod.b)[2])(m.nn.Module()),
    "half_conversion_of_one_that_requires_grad": lambda m: _converted_buffer(m, "half"),
}


def _before_init(m):
    class Early(m.nn.Module):
        def __init__(self):
            self.b = m.nn.Buffer(m.ones(1))
    return Early()


def _converted_buffer(m, conversion):
    """A buffer that requires grad, after `module.double()`: torch converts it with `Tensor.to` (a graph node)."""
    module = m.nn.Module()
    module.b = m.nn.Buffer(_t(m, 2, requires_grad=True))
    module.register_buffer("plain", _t(m, 2, requires_grad=True))
    getattr(module, conversion)()
    return module.b, module.plain, isinstance(module.b, m.nn.Buffer)


@pytest.mark.parametrize("case", BUFFER_CASES)
def test_buffer_matches_torch(case):
    assert_matches_torch(BUFFER_CASES[case], warnings=True)


# --------------------------------------------------------------------------- guards of rewritten code
GUARD_CASES = {
    "module_dict_not_pairs": lambda m: m.nn.ModuleDict([1]),
    "module_dict_wrong_length": lambda m: m.nn.ModuleDict([("a", m.nn.ReLU(), 1)]),
    "module_dict_int": lambda m: m.nn.ModuleDict(3),
    "module_dict_pairs_order": lambda m: list(m.nn.ModuleDict([("z", m.nn.ReLU()), ("a", m.nn.Tanh())])),
    "plain_buffer_conversions": lambda m: [
        (lambda mod: (mod.register_buffer("f", m.ones(2)), mod.register_buffer("i", m.arange(2)), conv(mod),
                      mod.f, mod.i)[3:])(m.nn.Module())
        for conv in (lambda mod: mod.double(), lambda mod: mod.half(), lambda mod: mod.type(m.int32),
                     lambda mod: mod.float())],
}


@pytest.mark.parametrize("case", GUARD_CASES)
def test_rewritten_code_still_matches_torch(case):
    assert_matches_torch(GUARD_CASES[case], warnings=True)
