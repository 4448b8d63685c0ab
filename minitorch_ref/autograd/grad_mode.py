"""Switching graph recording on and off: `no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode`.

One module-level flag, read by `Function.apply` on every op: when it is off, ops compute
their result and record nothing (no graph, no saved arrays kept alive). It is the grad mode
(`is_grad_enabled()`) outside `inference_mode()`, off inside it, even under `enable_grad()`,
as in torch; `Tensor._make` marks the tensors made inside (inference tensors).
"""
from __future__ import annotations

import copy
import functools
import inspect
import sys
import warnings
from typing import Any, Callable

from .._dtype import python_type_name

_enabled = True  # record the graph: the grad mode, and not in inference mode
_grad_mode = True  # is_grad_enabled()
_inference = False  # inside inference_mode(): is_inference_mode_enabled()


def is_grad_enabled() -> bool:
    return _grad_mode


def _set(grad_mode: bool, inference: bool) -> None:
    global _enabled, _grad_mode, _inference
    _grad_mode, _inference, _enabled = grad_mode, inference, grad_mode and not inference


class _GradMode:
    """Base of the context managers; each also works as a decorator, as in torch.
    `enables_grad`: the grad mode inside; `prev`: the one to restore (torch's name)."""

    enables_grad: bool

    def __enter__(self) -> None:
        self.prev = _grad_mode
        _set(self.enables_grad, _inference)

    def __exit__(self, *exc: Any) -> None:
        _set(self.prev, _inference)

    def clone(self) -> "_GradMode":
        """A fresh manager of the same mode (its own saved state), as torch's: one per decorated call."""
        return copy.copy(self)

    def __call__(self, func: Callable) -> Callable:
        """Decorate `func`: each call runs in this mode; a generator function's body runs in it each time
        the generator resumes (not the caller's code between), as torch's decorator does."""
        if inspect.isclass(func):
            warnings.warn("Decorating classes is deprecated and will be disabled in future versions. You should "
                          "only decorate functions or methods. To preserve the current behavior of class "
                          "decoration, you can directly decorate the `__init__` method and nothing else.",
                          FutureWarning, stacklevel=2)
            func = functools.partial(func)
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self.clone, func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper


def _wrap_generator(manager: Callable, func: Callable) -> Callable:
    """A generator function whose generator runs `func`'s generator one step at a time inside `manager()`."""
    @functools.wraps(func)
    def generator(*args, **kwargs):
        inner = func(*args, **kwargs)
        try:
            with manager():
                response = inner.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with manager():
                        inner.close()
                    raise
                except BaseException:
                    with manager():
                        response = inner.throw(*sys.exc_info())
                else:
                    with manager():
                        response = inner.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class _BareDecorator(_GradMode):
    """`@no_grad` works without parentheses too, as in torch: given the function, decorate it."""

    def __new__(cls, func: Callable | None = None) -> Any:
        return super().__new__(cls) if func is None else cls()(func)


class no_grad(_BareDecorator):
    """Compute without recording the graph (evaluation, optimizer steps, weight init)."""

    enables_grad = False


class enable_grad(_BareDecorator):
    """Record the graph again, e.g. inside a `no_grad` block."""

    enables_grad = True


class inference_mode(_GradMode):
    """`no_grad`, and the tensors made inside are torch's inference tensors (`is_inference()`):
    autograd may not use them afterwards (see `InferenceStorage`). Seen by
    `is_inference_mode_enabled()`; `inference_mode(False)` records again; `@inference_mode` works
    without parentheses. (torch's view/version-counter savings have no NumPy equal.)"""

    def __new__(cls, mode: Any = True) -> Any:
        return super().__new__(cls) if isinstance(mode, bool) else cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.mode, self.enables_grad = mode, not mode

    def __enter__(self) -> None:
        self.prev, self._previous_inference = _grad_mode, _inference
        _set(self.enables_grad, self.mode)

    def __exit__(self, *exc: Any) -> None:
        _set(self.prev, self._previous_inference)


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` (not inside `no_grad()`), as torch's."""
    return _inference


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` switches recording off at once, and restores it as a context manager."""

    def __init__(self, mode: bool) -> None:
        if type(mode) is not bool:  # torch's C++ flag takes a bool only: `set_grad_enabled(0)` is a mistake
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{python_type_name(mode)}")
        self.prev = _grad_mode
        self.mode = self.enables_grad = mode
        _set(mode, _inference)

    def __repr__(self) -> str:  # as torch's: `torch.autograd.grad_mode.set_grad_enabled(mode=False)`
        return f"{type(self).__module__}.{type(self).__qualname__}(mode={self.mode})"

    __str__ = __repr__

    def __enter__(self) -> None:  # (the mode again: the manager may be entered after another change)
        _set(self.mode, _inference)

    def clone(self) -> "set_grad_enabled":
        return type(self)(self.mode)

    def __call__(self, func: Callable) -> Callable:
        """As a decorator it changes nothing now: the mode holds only while `func` runs."""
        _set(self.prev, _inference)
        return super().__call__(func)
