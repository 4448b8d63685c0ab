"""Run one program on both libraries and compare what happened: the one place parity tests do it.

A program is a function of the library (`torch` or `minitorch_ref`). Its outcome is ("ok", its result
as plain values) or ("raised", exception type, message), and, where recorded, the warnings it gave.
Two outcomes agree when the values, dtypes, shapes, requires_grad and grad_fn names agree (NaN
equal to NaN; Python numbers, lists, tuples and dicts of the same type), or both raise the same
exception type with the same message, and they warn alike. Messages are compared with torch's
module name read as ours, without objects' addresses or torch's places in its C++ sources.

What a test compares beyond that, or differently, it asks for by name: `exact` (the same bits),
`tolerance`, `warnings`, `same_message=False`, `drop_hints`, `contiguity`, `container_names`.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings as _warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

import minitorch_ref as mt

LIBRARIES = (torch, mt)  # (torch first: its outcome is the one expected)
TOLERANCE = (1e-6, 1e-7)  # (rtol, atol) of values not compared `exact`ly
_TRIGGERED = re.compile(r" \(Triggered internally at [^)]*\)")  # (where in torch's C++ a warning came from)
_HINT = re.compile(r" Hint: .*")
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")  # (an object's address differs from run to run)


def torch_text(text: str) -> str:
    """torch's module name read as ours, so that messages naming it compare equal."""
    return text.replace("torch.", "minitorch_ref.")


def _message(text: str) -> str:
    """A message as compared: torch's name read as ours, objects' addresses and torch's C++ places left out."""
    return _TRIGGERED.sub("", _ADDRESS.sub("", torch_text(text)))


def plain(value: Any, contiguity: bool = False, container_names: bool = False) -> Any:
    """A library-free picture of a result: tensors become (values, dtype, shape, requires_grad, grad_fn).

    Asked for: whether tensors are `contiguous` (a layout, not a value), and the `container_names` of
    subclasses of dict, list and tuple (off by default: torch's `sort(out=)` gives a `sort_out`, ours a `sort`).
    """
    if isinstance(value, (torch.Tensor, mt.Tensor)):
        node = value.grad_fn  # (named by its type in torch: its name() can carry a C++ namespace)
        node = None if node is None else type(node).__name__ if isinstance(value, torch.Tensor) else node.name()
        return ("tensor", value.detach().numpy().copy(), str(value.dtype).split(".")[-1], tuple(value.shape),
                value.requires_grad, node) + ((value.is_contiguous(),) if contiguity else ())
    if isinstance(value, np.ndarray):
        return ("ndarray", value.copy(), str(value.dtype), value.shape)
    if isinstance(value, (dict, list, tuple)):
        return _container(value, contiguity, container_names)
    if isinstance(value, (torch.dtype, mt.dtype)):
        return ("dtype", str(value).split(".")[-1])
    return value


def _container(value: dict | list | tuple, contiguity: bool, names: bool) -> Any:
    """A dict, list or tuple of plain items; with `names`, a subclass as ("container", its name, items)."""
    if isinstance(value, dict):
        items, base = {key: plain(v, contiguity, names) for key, v in value.items()}, dict
    else:
        base = list if isinstance(value, list) else tuple
        items = base(plain(v, contiguity, names) for v in value)
    return ("container", type(value).__name__, items) if names and type(value) is not base else items


def with_warnings(program: Callable[[Any], Any], lib: Any) -> tuple[Any, list[tuple[type, str]]]:
    """(`program(lib)`, the (category, message) of every warning it gave, each message as compared)."""
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always")
        result = program(lib)
    return result, [(w.category, _message(str(w.message))) for w in caught]


def outcome(program: Callable[[Any], Any], lib: Any, *, warnings: bool = False, drop_hints: bool = False,
            contiguity: bool = False, container_names: bool = False) -> tuple[tuple, list | None]:
    """(("ok", plain result) or ("raised", type, message), the warnings or None if not recorded).

    `drop_hints` takes torch's " Hint: ..." (naming tools we lack) out of a message.
    """
    def result(lib: Any) -> tuple:
        try:
            return "ok", plain(program(lib), contiguity, container_names)
        except Exception as error:  # noqa: BLE001 (the exception is the result being compared)
            message = _message(str(error))
            return "raised", type(error), _HINT.sub("", message) if drop_hints else message
    return with_warnings(result, lib) if warnings else (result(lib), None)


def assert_same_value(expected: Any, actual: Any, where: str = "result", *, exact: bool = False,
                      tolerance: tuple[float, float] = TOLERANCE) -> None:
    """Plain results alike: tensors' values to the (rtol, atol) `tolerance`, or `exact`ly (the same bits: signs
    of zeros too); lists, tuples and dicts (keys in order) item by item."""
    if isinstance(expected, tuple) and expected[:1] in (("tensor",), ("ndarray",)):
        assert isinstance(actual, tuple) and actual[:1] == expected[:1], f"{where}: {actual!r} for {expected[0]}"
        (_, e_values, *e_meta), (_, a_values, *a_meta) = expected, actual
        assert a_meta == e_meta, f"{where}: (dtype, shape, requires_grad, grad_fn...) {a_meta} != torch's {e_meta}"
        if not exact:
            np.testing.assert_allclose(a_values, e_values, *tolerance, equal_nan=True, err_msg=where)
            return
        np.testing.assert_array_equal(a_values, e_values, err_msg=where)  # (NaN equals NaN here)
        assert a_values.tobytes() == e_values.tobytes(), f"{where}: the same values, other bits (signs of zeros?)"
    elif isinstance(expected, (tuple, list)):
        assert type(actual) is type(expected) and len(actual) == len(expected), f"{where}: {actual!r} != {expected!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same_value(e, a, f"{where}[{i}]", exact=exact, tolerance=tolerance)
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), f"{where}: keys {actual} != {expected}"
        for key, e in expected.items():
            assert_same_value(e, actual[key], f"{where}[{key!r}]", exact=exact, tolerance=tolerance)
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != torch's {expected!r}"


def assert_same_outcome(expected: tuple, actual: tuple, *, exact: bool = False, same_message: bool = True,
                        tolerance: tuple[float, float] = TOLERANCE) -> None:
    """Two outcomes of `outcome` alike: the same result or exception, and the same warnings."""
    (e_result, e_warnings), (a_result, a_warnings) = expected, actual
    assert a_result[0] == e_result[0], f"torch: {e_result}, minitorch_ref: {a_result}"
    if e_result[0] == "raised":
        assert a_result[1] is e_result[1], f"torch raises {e_result[1].__name__}: {e_result[2]}; we {a_result[1:]}"
        assert a_result[2] == e_result[2] or not same_message, f"torch says {e_result[2]!r}, we {a_result[2]!r}"
    else:
        assert_same_value(e_result[1], a_result[1], exact=exact, tolerance=tolerance)
    assert a_warnings == e_warnings, f"torch warns {e_warnings}, minitorch_ref {a_warnings}"


def assert_matches_torch(program: Callable[[Any], Any], same_message: bool = True, *, warnings: bool = False,
                         exact: bool = False, tolerance: tuple[float, float] = TOLERANCE, drop_hints: bool = False,
                         contiguity: bool = False, container_names: bool = False) -> None:
    """`program(m)` on both libraries: the same result, or the same exception type (and message)."""
    expected, actual = (outcome(program, lib, warnings=warnings, drop_hints=drop_hints, contiguity=contiguity,
                                container_names=container_names) for lib in LIBRARIES)
    assert_same_outcome(expected, actual, exact=exact, same_message=same_message, tolerance=tolerance)


def result_and_grad(m: Any, build: Callable[[Any, Any], Any], values: Any, dtype: str = "float32") -> tuple:
    """(`build(m, x)`, x.grad) after its sum's backward, x a leaf of `values`: a program's usual end."""
    x = m.tensor(values, dtype=getattr(m, dtype), requires_grad=True)
    out = build(m, x)
    out.sum().backward()
    return out, x.grad


_FRESH_PROCESS = """
import json, sys, warnings
import numpy as np
import {lib} as m
out = {{}}
for name, program in json.loads(sys.argv[1]).items():
    x = m.tensor(1.5, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eval(program)
    out[name] = [(w.category.__name__, str(w.message)) for w in caught]
print(json.dumps(out))
"""


def fresh_process_warnings(lib: str, programs: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Each program's warnings (sorted), run in turn in a new process: torch gives some only once a process.

    A program is an expression of `m` (the library named `lib`), `np` and `x` (a leaf, 1.5, made just before).
    """
    done = subprocess.run([sys.executable, "-c", _FRESH_PROCESS.format(lib=lib), json.dumps(programs)],
                          capture_output=True, text=True, check=True)
    return {name: sorted((kind, _message(message)) for kind, message in caught)
            for name, caught in json.loads(done.stdout).items()}
