"""Switching graph recording on and off: `no_grad`, `enable_grad`, `set_grad_enabled`.

One module-level flag, read by `Function.apply` on every op: when it is off, ops compute
their result and record nothing (no graph, no saved arrays kept alive).
"""
from __future__ import annotations

import copy
import functools
from typing import Any, Callable

from .._dtype import python_type_name

_enabled = True
_inference = False  # inside inference_mode(): is_inference_mode_enabled()


def is_grad_enabled() -> bool:
    return _enabled


class _GradMode:
    """Base of the context managers; each also works as a decorator, as in torch."""

    mode: bool

    def __enter__(self) -> None:
        global _enabled
        self._previous = _enabled
        _enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        global _enabled
        _enabled = self._previous

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with copy.copy(self):  # (a copy per call: same mode, its own saved state, so calls may nest)
                return func(*args, **kwargs)

        return wrapper


class _BareDecorator(_GradMode):
    """`@no_grad` works without parentheses too, as in torch: given the function, decorate it."""

    def __new__(cls, func: Callable | None = None) -> Any:
        return super().__new__(cls) if func is None else cls()(func)


class no_grad(_BareDecorator):
    """Compute without recording the graph (evaluation, optimizer steps, weight init)."""

    mode = False


class enable_grad(_BareDecorator):
    """Record the graph again, e.g. inside a `no_grad` block."""

    mode = True


class inference_mode(_GradMode):
    """Same as `no_grad` here (torch's extra view/version-counter savings have no NumPy equal),
    but seen by `is_inference_mode_enabled()`; `inference_mode(False)` records again;
    `@inference_mode` works without parentheses."""

    def __new__(cls, mode: Any = True) -> Any:
        return super().__new__(cls) if isinstance(mode, bool) else cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode

    def __enter__(self) -> None:
        global _inference
        super().__enter__()
        self._previous_inference, _inference = _inference, not self.mode

    def __exit__(self, *exc: Any) -> None:
        global _inference
        super().__exit__(*exc)
        _inference = self._previous_inference


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` (not inside `no_grad()`), as torch's."""
    return _inference


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` switches recording off at once, and restores it as a context manager."""

    def __init__(self, mode: bool) -> None:
        global _enabled
        if type(mode) is not bool:  # torch's C++ flag takes a bool only: `set_grad_enabled(0)` is a mistake
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{python_type_name(mode)}")
        self._previous = _enabled
        self.mode = mode
        _enabled = self.mode

    def __repr__(self) -> str:  # as torch's: `torch.autograd.grad_mode.set_grad_enabled(mode=False)`
        return f"{type(self).__module__}.{type(self).__qualname__}(mode={self.mode})"

    __str__ = __repr__

    def __enter__(self) -> None:
        pass

    def __call__(self, func: Callable) -> Callable:
        global _enabled
        _enabled = self._previous
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper
