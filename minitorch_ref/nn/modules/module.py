"""`Module`: the base class of every layer and model.

A module keeps three ordered dicts, filled by plain attribute assignment:

    self.fc = nn.Linear(4, 2)            # -> self._modules["fc"]
    self.w = nn.Parameter(torch.ones(3)) # -> self._parameters["w"]
    self.register_buffer("mask", t)      # -> self._buffers["mask"] (state, not learned)
    self.mask = nn.Buffer(t)             # the same

Everything else is a walk over that tree: `parameters()` for the optimizer,
`state_dict()` for saving (keys are the attribute paths, "fc.weight"), `train()/eval()`
for layers that behave differently (Dropout), and `repr` for `print(model)`.
"""
from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from ... import _dtype as dt
from ..._sparse import RowSparseGrad
from ..._tensor import Tensor, to_args_dtype, typename
from ...autograd.grad_mode import no_grad
from ...autograd.tensor_base import RemovableHandle
from ...utils.hooks import BackwardHook, setup_legacy_hooks
from ..parameter import Buffer, Parameter

_PKG = dt.PACKAGE
# The backward hooks of every module (`register_module_full_backward_hook`...); None: no kind chosen yet.
_global_backward_hooks: OrderedDict = OrderedDict()
_global_backward_pre_hooks: OrderedDict = OrderedDict()
_global_is_full_backward_hook: bool | None = None
# The forward hooks of every module (`register_module_forward_hook`...), run before each module's own, with
# the ids of those registered `with_kwargs=True` or `always_call=True`.
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_with_kwargs: set = set()
_global_forward_hooks_always_called: set = set()
# `hook(module, name, value)` for every parameter, buffer and submodule registered: may return a replacement.
_global_parameter_registration_hooks: OrderedDict = OrderedDict()
_global_buffer_registration_hooks: OrderedDict = OrderedDict()
_global_module_registration_hooks: OrderedDict = OrderedDict()


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict(strict=False)` returns; prints like torch's."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _named_attribute(module: Any, name: str, kind: type) -> Any:
    """`module.<name>`, which must be a `kind` (Module, Parameter; `object`: anything), with torch's errors."""
    if not hasattr(module, name):
        raise AttributeError(f"{type(module).__name__} has no attribute `{name}`")
    value = getattr(module, name)
    if not isinstance(value, kind):
        raise AttributeError(f"`{name}` is not an nn.{kind.__name__}")
    return value


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (how nested modules are printed)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join((spaces * " ") + line if line.strip() else "" for line in lines)


class Module:
    """Base class for layers and models: subclass it, build layers in `__init__`, compute in `forward`."""

    training: bool
    _version: int = 1  # saved in state_dict()._metadata; a layer whose saved state changed counts up

    def __init__(self) -> None:
        # object.__setattr__: our own __setattr__ needs these dicts to exist first
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})

    # ------------------------------------------------------------------ calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # Hooks (`register_forward_pre_hook`, `register_forward_hook`, `register_full_backward_hook`...): dicts
    # made on the first registration, with the ids of the hooks registered `with_kwargs=True` or `always_call=True`.
    # `_hooked` turns True on the first registration (on Module itself for a global hook): until then a call
    # goes straight to forward, at the cost of one attribute read.
    _hooked = False
    _forward_pre_hooks: Any = ()
    _forward_hooks: Any = ()
    _backward_pre_hooks: Any = MappingProxyType({})  # (empty: read as dicts when called with hooks)
    _backward_hooks: Any = MappingProxyType({})
    _is_full_backward_hook: bool | None = None  # (full or legacy hooks, never both: None until one is registered)
    _hooks_with_kwargs: Any = frozenset()
    _hooks_always_called: Any = frozenset()
    _load_state_dict_pre_hooks: Any = MappingProxyType({})  # (dicts, made on the first registration)
    _state_dict_hooks: Any = MappingProxyType({})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._hooked:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        """torch's order: each pre-hook (the global ones first) may replace the inputs, then forward, then each
        hook (the global ones first) may replace the output. If anything raises, the `always_call` hooks not
        yet run still run (their own errors become warnings) before the error goes on."""
        output, called = None, set()
        try:
            full_hooks, legacy_hooks = self._get_backward_hooks()
            pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
            for hook_id, hook in _with_global(_global_forward_pre_hooks, self._forward_pre_hooks):
                args, kwargs = self._run_pre_hook(hook_id, hook, args, kwargs)
            backward_hook = BackwardHook(self, full_hooks, pre_hooks) if full_hooks or pre_hooks else None
            if backward_hook is not None:
                args = backward_hook.setup_input_hook(args)
            output = self.forward(*args, **kwargs)
            for hook_id, hook in _with_global(_global_forward_hooks, self._forward_hooks):
                if hook_id in self._hooks_always_called or hook_id in _global_forward_hooks_always_called:
                    called.add(hook_id)
                output = self._run_hook(hook_id, hook, args, kwargs, output)
            if backward_hook is not None:
                if not isinstance(output, (Tensor, tuple)):
                    warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of "
                                  f"Tensors but received {type(output)}", stacklevel=2)
                output = backward_hook.setup_output_hook(output)
            if legacy_hooks:
                setup_legacy_hooks(self, legacy_hooks, args, output)
            return output
        except Exception:
            for hook_id, hook in list(_global_forward_hooks.items()):
                if hook_id in _global_forward_hooks_always_called and hook_id not in called:
                    try:  # (torch calls them without kwargs here, even those registered `with_kwargs`)
                        result = hook(self, args, output)
                        output = output if result is None else result
                    except Exception as error:  # noqa: BLE001 (forward's error is the one raised)
                        warnings.warn("global module forward hook with ``always_call=True`` raised an exception "
                                      f"that was silenced as another error was raised in forward: {error}",
                                      stacklevel=2)
            for hook_id, hook in list(self._forward_hooks.items()) if self._forward_hooks else ():
                if hook_id in self._hooks_always_called and hook_id not in called:
                    try:
                        output = self._run_hook(hook_id, hook, args, kwargs, output)
                    except Exception as error:  # noqa: BLE001 (forward's error is the one raised)
                        warnings.warn("module forward hook with ``always_call=True`` raised an exception that was "
                                      f"silenced as another error was raised in forward: {error}", stacklevel=2)
            raise

    def _run_pre_hook(self, hook_id: int, hook: Callable, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """`hook(module, args)` may return new args; `with_kwargs`: `hook(module, args, kwargs)` new (args, kwargs)."""
        if hook_id not in self._hooks_with_kwargs:
            result = hook(self, args)
            return (args if result is None else result if isinstance(result, tuple) else (result,)), kwargs
        result = hook(self, args, kwargs)
        if result is None:
            return args, kwargs
        if not (isinstance(result, tuple) and len(result) == 2):
            raise RuntimeError(f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                               f"but got {result}.")
        return result

    def _run_hook(self, hook_id: int, hook: Callable, args: tuple, kwargs: dict, output: Any) -> Any:
        """`hook(module, args, output)` (`with_kwargs`: `hook(module, args, kwargs, output)`) may replace output."""
        if hook_id in self._hooks_with_kwargs or hook_id in _global_forward_hooks_with_kwargs:
            result = hook(self, args, kwargs, output)
        else:
            result = hook(self, args, output)
        return output if result is None else result

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """Call `hook(module, args)` before each forward; a value it returns replaces the inputs.
        `with_kwargs=True`: `hook(module, args, kwargs)`, returning None or (new_args, new_kwargs)."""
        return self._add_hook("_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False,
                              always_call: bool = False) -> RemovableHandle:
        """Call `hook(module, args, output)` after each forward (to look at or replace activations).
        `with_kwargs=True`: `hook(module, args, kwargs, output)`; `always_call=True`: also when forward raises."""
        handle = self._add_hook("_forward_hooks", hook, prepend, with_kwargs)
        if always_call:
            self._add_hook_flag("_hooks_always_called", handle.id)
        return handle

    def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_input, grad_output)` once the gradients of the module's inputs are known;
        a tuple it returns replaces grad_input (see utils/hooks.py for how)."""
        self._choose_backward_hook_kind(full=True)
        return self._add_hook("_backward_hooks", hook, prepend)

    def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
        """Call `hook(module, grad_output)` once the gradients of the module's outputs are known; a tuple it
        returns replaces grad_output."""
        return self._add_hook("_backward_pre_hooks", hook, prepend)

    def register_backward_hook(self, hook: Callable) -> RemovableHandle:
        """Deprecated (torch's first kind): `hook(module, grad_input, grad_output)` on the node that made the
        output, so grad_input are that node's gradients, not always the module's inputs'."""
        self._choose_backward_hook_kind(full=False)
        return self._add_hook("_backward_hooks", hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
        error_msgs)` before this module's own tensors are loaded: it may rename keys (an older checkpoint's)."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _register_load_state_dict_pre_hook(self, hook: Callable, with_module: bool = False) -> RemovableHandle:
        """The same hook without the module argument unless `with_module` (torch's private form)."""
        return self._add_state_hook("_load_state_dict_pre_hooks", functools.partial(hook, self) if with_module
                                    else hook)

    def _register_state_dict_hook(self, hook: Callable) -> RemovableHandle:
        """Call `hook(module, state_dict, prefix, local_metadata)` once `state_dict()` has this module's tensors
        (its children's too); a value it returns replaces the state_dict (torch's private form)."""
        return self._add_state_hook("_state_dict_hooks", hook)

    def _add_state_hook(self, store: str, hook: Callable) -> RemovableHandle:
        """Register `hook` in the dict `store`, made on the first registration (a module call is not hooked)."""
        hooks = self.__dict__.get(store)
        if hooks is None:
            hooks = OrderedDict()
            object.__setattr__(self, store, hooks)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def _choose_backward_hook_kind(self, full: bool) -> None:
        if self._is_full_backward_hook is (not full):
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                               "Please use only one of them.")
        object.__setattr__(self, "_is_full_backward_hook", full)

    def _get_backward_hooks(self) -> tuple[list, list]:
        """(full backward hooks, legacy ones): the global ones first, then this module's."""
        full, legacy = [], []
        for is_full, hooks in ((_global_is_full_backward_hook, _global_backward_hooks),
                               (self._is_full_backward_hook, self._backward_hooks)):
            if is_full is not None:
                (full if is_full else legacy).extend(hooks.values())
        return full, legacy

    def _add_hook(self, store: str, hook: Callable, prepend: bool = False,
                  with_kwargs: bool = False) -> RemovableHandle:
        """Register `hook` last (`prepend`: first) in the dict `store`, made on the first registration."""
        hooks = self.__dict__.get(store)
        if hooks is None:
            hooks = OrderedDict()
            object.__setattr__(self, store, hooks)
            object.__setattr__(self, "_hooked", True)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        if with_kwargs:
            self._add_hook_flag("_hooks_with_kwargs", handle.id)
        return handle

    def _add_hook_flag(self, flag: str, hook_id: int) -> None:
        if flag not in self.__dict__:
            object.__setattr__(self, flag, set())
        self.__dict__[flag].add(hook_id)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep="_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' "
                                f"({_PKG}.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if d.get("_modules") is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep="_modules")
            d["_modules"][name] = _registered(_global_module_registration_hooks, self, name, value)
        elif d.get("_modules") is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' "
                                f"({_PKG}.nn.Module or None expected)")
            d["_modules"][name] = _registered(_global_module_registration_hooks, self, name, None)
        elif isinstance(value, Buffer) or (d.get("_buffers") is not None and name in d["_buffers"]):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' "
                                f"({_PKG}.nn.Buffer, {_PKG}.Tensor or None expected)")
            persistent = value.persistent if isinstance(value, Buffer) else name not in self._non_persistent_buffers_set
            self.register_buffer(name, value, persistent)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: str) -> None:
        """Drop `name` from the other registries before registering it in `keep` (where it keeps its place)."""
        self.__dict__.pop(name, None)
        for store in ("_parameters", "_buffers", "_modules"):
            if store != keep:
                self.__dict__[store].pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __dir__(self) -> list:
        """Attributes, and the names of parameters, buffers and children, as torch lists them (not the
        names that are not identifiers, such as a Sequential's "0")."""
        names = set(object.__dir__(self))
        for store in ("_parameters", "_buffers", "_modules"):
            names.update(self.__dict__.get(store, ()))
        return sorted(name for name in names if not name[0].isdigit())

    def get_submodule(self, target: str) -> "Module":
        """The module at a dotted path ("encoder.0"); "" is this module."""
        module = self
        for name in target.split(".") if target else ():
            module = _named_attribute(module, name, Module)
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at a dotted path ("encoder.0.weight")."""
        module_path, _, name = target.rpartition(".")
        return _named_attribute(self.get_submodule(module_path), name, Parameter)

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at a dotted path ("bn.running_mean"), persistent or not."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        buffer = _named_attribute(module, name, object)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return buffer

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: look in the three registries
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(store, ()):
                del self.__dict__[store][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def _check_name(self, name: Any, kind: str, store: str) -> None:
        if store not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in self.__dict__[store]:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (what `self.name = nn.Parameter(...)` does)."""
        self._check_name(name, "parameter", "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' "
                            f"({_PKG}.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created explicitly. "
                f"To express '{name}' as a function of another Tensor, compute the value in the forward() method.")
        if param is not None:
            param = _registered(_global_parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add state that is not learned (saved in `state_dict` unless `persistent=False`)."""
        self._check_name(name, "buffer", "_buffers")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                            f"({_PKG} Tensor or None required)")
        self._buffers[name] = _registered(_global_buffer_registration_hooks, self, name, tensor)
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: "Module | None") -> None:
        """Add a child module under `name` (what `self.name = layer` does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        self._check_name(name, "module", "_modules")
        self._modules[name] = _registered(_global_module_registration_hooks, self, name, module)

    register_module = add_module

    # ------------------------------------------------------------------ walking the tree
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """This module and all below it, depth first, each once (shared submodules are not repeated)."""
        memo = set() if memo is None else memo
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate: bool) -> Iterator:
        memo = set()  # tensors hash by identity: a weight shared by two layers is listed once
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[store].items():
                if value is None or value in memo:
                    continue
                if remove_duplicate:
                    memo.add(value)
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(name, parameter) pairs with state_dict names: "fc1.weight", "fc1.bias", ..."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter once, in registration order: what you give the optimizer."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[["Module"], None]) -> "Module":
        """Call `fn` on every submodule and then on self (e.g. a custom weight initialisation)."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode: bool = True) -> "Module":
        """Training mode (Dropout active) for this module and all below it; `eval()` is `train(False)`."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        """Freeze (False) or unfreeze every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the accumulated gradients (None by default, as torch: cheaper and unambiguous)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            elif isinstance(p.grad, RowSparseGrad):
                p.grad = RowSparseGrad(p.grad.rows[:0], p.grad.row_values[:0], p.grad.shape)
            else:
                p.grad.detach_()
                p.grad._data[...] = 0

    # ------------------------------------------------------------------ dtype / device
    def _apply_dtype(self, new_dtype: Callable[[np.dtype], np.dtype]) -> "Module":
        """Give every parameter (in place: the same Parameter objects, so an optimizer keeps working), its
        gradient, and every buffer the dtype `new_dtype(its dtype)`. A tensor already of that dtype stays as
        it is, as torch's `Tensor.to` returns the tensor itself; a buffer is converted by `Tensor.to`, so one
        that requires grad records it (ToCopyBackward0), as torch's."""
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                param._data = param._data.astype(new_dtype(param._data.dtype), copy=False)
                if isinstance(param.grad, Tensor):
                    param.grad._data = param.grad._data.astype(new_dtype(param.grad._data.dtype), copy=False)
            for name, buf in module._buffers.items():
                if buf is not None and new_dtype(buf._data.dtype) != buf._data.dtype:
                    module._buffers[name] = buf.to(dt.from_numpy_dtype(new_dtype(buf._data.dtype)))
        return self

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """`to(dtype)`, `to(device)`, `to(device, dtype)`: floating-point tensors change dtype; CPU only."""
        if "copy" in kwargs:
            raise RuntimeError(".to() does not accept copy argument")
        target = to_args_dtype(args, kwargs)
        if target is None:
            return self
        if not target.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                            f"dtype={target}")
        return self._to_float(target.numpy_dtype)

    def _to_float(self, np_dtype: np.dtype) -> "Module":
        return self._apply_dtype(lambda dtype: np_dtype if dtype.kind == "f" else dtype)

    def float(self) -> "Module":
        return self._to_float(np.dtype(np.float32))

    def double(self) -> "Module":
        return self._to_float(np.dtype(np.float64))

    def half(self) -> "Module":
        return self._to_float(np.dtype(np.float16))

    def type(self, dst_type: Any) -> "Module":
        """Convert every parameter, gradient and buffer, integer ones too, to `dst_type` (a dtype or
        "torch.DoubleTensor")."""
        target = Tensor._make(np.empty(0, np.float32)).type(dst_type).dtype
        if not target.is_floating_point and any(p.requires_grad for p in self.parameters()):
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        return self._apply_dtype(lambda dtype: target.numpy_dtype)

    def cpu(self) -> "Module":
        return self

    def cuda(self, device: Any = None) -> "Module":
        dt.device("cuda")  # raises the clear CPU-only error
        return self

    # ------------------------------------------------------------------ saving and loading
    def state_dict(self, *args: Any, destination: dict | None = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by path ("fc.weight"); detached tensors sharing memory.
        Its `_metadata` maps each module's path to its `_version` (how `load_state_dict` reads old files)."""
        if args:
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                          " for details.", FutureWarning, stacklevel=2)
            destination = args[0] if destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = {"version": self._version}
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        for hook in list(self._state_dict_hooks.values()):
            result = hook(self, destination, prefix, local_metadata)
            destination = destination if result is None else result
        return destination

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values into the existing parameters, with torch's checks and error text
        (`assign=True`: take the checkpoint's tensors themselves, their dtype too).

        Missing and unexpected keys are always collected; with `strict=True` they are errors.
        A shape mismatch is always an error. All problems are reported together.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)  # (pre-hooks may change it: the caller's stays as it was)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module: Module, local_state_dict: dict, prefix: str = "") -> None:
            """As torch: the module's pre-hooks (strict passed as True), its own tensors, then each child with
            the keys under its prefix (a copy: what a child's hook changes, its parent does not see)."""
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            for hook in list(module._load_state_dict_pre_hooks.values()):
                hook(local_state_dict, prefix, local_metadata, True, missing, unexpected, errors)
            module._load_own(local_state_dict, prefix, missing, unexpected, errors, assign)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = OrderedDict((k, v) for k, v in local_state_dict.items()
                                                   if k.startswith(child_prefix))
                    if metadata is not None:  # (read by BatchNorm's _load_own)
                        child_state_dict._metadata = metadata
                    load(child, child_state_dict, child_prefix)

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(0, f"Unexpected key(s) in state_dict: {', '.join(_quoted(unexpected))}. ")
            if missing:
                errors.insert(0, f"Missing key(s) in state_dict: {', '.join(_quoted(missing))}. ")
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _load_own(self, state_dict: Mapping[str, Any], prefix: str, missing: list, unexpected: list,
                  errors: list, assign: bool = False) -> None:
        """Load this module's own parameters and buffers (not its children's)."""
        local = {k: v for k, v in self._parameters.items() if v is not None}
        local.update({k: v for k, v in self._buffers.items()
                      if v is not None and k not in self._non_persistent_buffers_set})
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if isinstance(value, Tensor) and param.shape == () and value.shape == (1,):
                value = value[0]  # torch's compatibility with old checkpoints, which stored scalars as [x]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected {_PKG}.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(value)}")
            elif value.shape != param.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                              f"the shape in current model is {param.shape}.")
            elif assign:  # a parameter stays one, and keeps its requires_grad
                if isinstance(param, Parameter) and isinstance(value, Parameter):
                    value.requires_grad_(param.requires_grad)
                elif isinstance(param, Parameter):
                    value = Parameter(value, requires_grad=param.requires_grad)
                setattr(self, name, value)
            else:
                with no_grad():
                    param.copy_(value)
        for key in state_dict:
            if key.startswith(prefix):
                parts = key[len(prefix):].split(".", 1)
                if (len(parts) > 1 and parts[0] not in self._modules) or (len(parts) == 1 and parts[0] not in local):
                    unexpected.append(key)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside `Name(...)`: each layer overrides it with its constructor arguments."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): " + _addindent(repr(module), 2) for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _with_global(global_hooks: OrderedDict, own_hooks: Any) -> list:
    """The (id, hook) pairs to run: the global ones, then the module's own (a copy: a hook may remove one)."""
    return [*global_hooks.items(), *(own_hooks.items() if own_hooks else ())]


def _registered(hooks: OrderedDict, module: Module, name: str, value: Any) -> Any:
    """`value` once each global registration hook has seen it: a hook may return a replacement."""
    for hook in list(hooks.values()):
        output = hook(module, name, value)
        if output is not None:
            value = output
    return value


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """`module.register_forward_pre_hook(hook)` for every module, run before the module's own."""
    return _register_global_hook(_global_forward_pre_hooks, hook)


def register_module_forward_hook(hook: Callable, *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """`module.register_forward_hook(hook, with_kwargs=..., always_call=...)` for every module, run before the
    module's own."""
    handle = _register_global_hook(_global_forward_hooks, hook)
    if with_kwargs:
        _global_forward_hooks_with_kwargs.add(handle.id)
    if always_call:
        _global_forward_hooks_always_called.add(handle.id)
    return handle


def register_module_parameter_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, param)` whenever a module registers a parameter (not None); a value it returns
    is registered instead."""
    handle = RemovableHandle(_global_parameter_registration_hooks)
    _global_parameter_registration_hooks[handle.id] = hook
    return handle


def register_module_buffer_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, buffer)` whenever a module registers a buffer (None too); a value it returns is
    registered instead."""
    handle = RemovableHandle(_global_buffer_registration_hooks)
    _global_buffer_registration_hooks[handle.id] = hook
    return handle


def register_module_module_registration_hook(hook: Callable) -> RemovableHandle:
    """Call `hook(module, name, submodule)` whenever a module registers a submodule (None too); a value it
    returns is registered instead."""
    handle = RemovableHandle(_global_module_registration_hooks)
    _global_module_registration_hooks[handle.id] = hook
    return handle


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """`module.register_full_backward_hook(hook)` for every module, run before the module's own."""
    return _register_global_backward_hook(hook, full=True)


def register_module_backward_hook(hook: Callable) -> RemovableHandle:
    """The deprecated `module.register_backward_hook(hook)` for every module."""
    return _register_global_backward_hook(hook, full=False)


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    """`module.register_full_backward_pre_hook(hook)` for every module, run before the module's own."""
    return _register_global_hook(_global_backward_pre_hooks, hook)


def _register_global_hook(hooks: OrderedDict, hook: Callable) -> RemovableHandle:
    """Add `hook` to the global dict `hooks`; every module now calls through its hooks (see Module.__call__)."""
    Module._hooked = True
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def _register_global_backward_hook(hook: Callable, full: bool) -> RemovableHandle:
    global _global_is_full_backward_hook
    if _global_is_full_backward_hook is (not full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global Module hook. "
                           "Please use only one of them.")
    _global_is_full_backward_hook = full
    return _register_global_hook(_global_backward_hooks, hook)


def _quoted(keys: list) -> list:
    return [f'"{k}"' for k in keys]

