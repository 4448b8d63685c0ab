"""Run one scenario on both libraries and reduce what happened to something comparable.

A scenario is a function of the library (`mt` or `torch`). Its outcome is ("ok", summary of
the result) or (exception type name, message): parity tests compare the two outcomes, so a
scenario agrees when both return the same values, shapes and dtypes, or both raise the same
exception with the same message.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import torch

import minitorch_ref as mt


def summary(value: Any) -> Any:
    """Nested lists of numbers, shapes and dtype names in place of tensors."""
    if isinstance(value, (torch.Tensor, mt.Tensor)):
        return ("tensor", value.detach().tolist(), list(value.shape), str(value.dtype).split(".")[-1])
    if isinstance(value, (list, tuple)):
        return [summary(v) for v in value]
    return value


def outcome(scenario: Callable[[Any], Any], lib: Any) -> tuple[str, Any]:
    """("ok", summary) or (exception type, message with torch's name and its tool hints taken out)."""
    try:
        return "ok", summary(scenario(lib))
    except Exception as error:  # noqa: BLE001 - the exception itself is what is compared
        message = str(error).replace("torch.", "minitorch_ref.")
        return type(error).__name__, re.sub(r" Hint: .*", "", message)  # (torch's hints name tools we lack)
