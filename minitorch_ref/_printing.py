"""Torch-identical tensor printing, ported from ``torch/_tensor_str.py`` to NumPy.

``format_tensor(array, dtype_name=...)`` returns exactly what ``repr(torch_tensor)``
returns for a CPU, strided, real-valued tensor holding the same values, with
``dtype=minitorch_ref.X`` where torch writes ``dtype=torch.X``.
``format_sparse_coo(indices, values, shape, ...)`` does the same for a sparse COO tensor
(the row-sparse gradient of ``Embedding``/``EmbeddingBag`` with ``sparse=True``).

How torch prints (and so how this module prints), in brief:

* One ``_Formatter`` is built per tensor from all its elements (or, when the tensor
  is summarised, from only the elements that will be shown). It fixes one column
  width and one of three float styles for every element:
  - *int mode*: every finite non-zero value is integral -> ``1.``, ``-0.``, ``inf``;
  - *sci mode*: max/min of |finite non-zero| > 1000, max > 1e8 or min < 1e-4
    (or ``sci_mode=True``) -> ``1.0000e+08``;
  - otherwise fixed point with ``precision`` decimals -> ``1.5000``.
  Elements are right-aligned to the widest finite one; nan/inf are not measured,
  so they can stick out (torch does the same).
* Above ``threshold`` elements the tensor is summarised: ``edgeitems`` rows at each
  end of every dimension with ``...`` between.
* 1-D rows wrap to fit ``linewidth``; deeper dimensions nest with one more space of
  indent per level and ``dim - 1`` newlines between slices.
* Suffixes (``size=``, ``dtype=``, ``grad_fn=``/``requires_grad=``) follow the data and
  move to a new line when they would pass ``linewidth``.

This module must never import torch (it is the NumPy reference).
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any

import numpy as np

_PACKAGE = __name__.split(".")[0]  # "minitorch_ref": replaces torch's "torch." in dtype=...

# torch prints dtypes by canonical name: torch.half prints as torch.float16, and so on.
_DTYPE_ALIASES = {"half": "float16", "float": "float32", "double": "float64",
                  "short": "int16", "int": "int32", "long": "int64"}
_FLOATING = {"float16", "bfloat16", "float32", "float64"}


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

# (precision, threshold, edgeitems, linewidth) for each named profile, as torch.
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """Set print options, with torch's semantics.

    ``profile`` ("default", "short", "full") is applied first, then any explicit
    option overrides it; an unknown profile is ignored, as in torch. ``sci_mode`` is
    always assigned, so every call without it resets it to ``None`` (automatic) --
    a torch quirk kept on purpose.
    """
    if profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current options, as a dict that ``set_printoptions(**d)`` accepts."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one style and column width for all elements (torch's ``_Formatter``)."""

    def __init__(self, array: np.ndarray, floating: bool):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = array.reshape(-1)
        if not floating:  # ints and bools: width of str(value), e.g. "False" -> 5
            self.max_width = max([1, *(len(f"{v}") for v in flat.tolist())])
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:  # only zeros/nan/inf: int mode, width 1
            return
        # torch measures magnitudes in float64 (float16 would overflow at 1e8).
        absv = np.abs(vals).astype(np.float64)
        lo, hi = float(absv.min()), float(absv.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = ((hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
                         if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        p = PRINT_OPTS.precision
        if self.sci_mode:
            fmt, extra = f"{{:.{p}e}}", 0
        elif self.int_mode:  # "3" is printed "3.": one extra column for the dot
            fmt, extra = "{:.0f}", 1
        else:
            fmt, extra = f"{{:.{p}f}}", 0
        self.max_width = max(self.max_width, *(len(fmt.format(v)) + extra for v in vals.tolist()))

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        """One element (a Python scalar), right-aligned to the common width."""
        if not self.floating:
            ret = f"{value}"
        elif self.sci_mode:  # checked before int mode: integral floats may print 1.0000e+10
            ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            ret = f"{value:.0f}"
            if not (math.isinf(value) or math.isnan(value)):
                ret += "."  # marks the tensor as floating: "1." not "1"; nan/inf stay bare
        else:
            ret = f"{value:.{PRINT_OPTS.precision}f}"
        return ret.rjust(self.max_width)


def _summarized_data(a: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows, for measuring (torch's ``get_summarized_data``).

    Quirks kept from torch: with ``edgeitems=0`` a 1-D tensor keeps all its elements
    (``a[-0:]`` is the whole array) while an N-D one keeps none.
    """
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return np.empty((0,) * a.ndim, dtype=a.dtype)
    rows = [*range(e), *range(len(a) - e, len(a))] if a.shape[0] > 2 * e else range(len(a))
    return np.stack([_summarized_data(a[i]) for i in rows])


def _vector_str(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """A 1-D row; wraps so each line holds floor((linewidth - indent) / (width + 2)) items."""
    e = PRINT_OPTS.edgeitems
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width() + 2)))
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([fmt.format(v) for v in a[:e].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-e:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    """Nested brackets: slices of an N-D tensor are separated by ``N - 1`` newlines."""
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        slices = ([_tensor_str_with_formatter(a[i], indent + 1, summarize, fmt) for i in range(e)]
                  + ["..."]
                  + [_tensor_str_with_formatter(a[i], indent + 1, summarize, fmt)
                     for i in range(len(a) - e, len(a))])
    else:
        slices = [_tensor_str_with_formatter(x, indent + 1, summarize, fmt) for x in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(a: np.ndarray, indent: int, floating: bool) -> str:
    """The bracketed body; summarised when numel > threshold."""
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    with np.errstate(all="ignore"):
        fmt = _Formatter(_summarized_data(a) if summarize else a, floating)
    return _tensor_str_with_formatter(a, indent, summarize, fmt)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int, force_newline: bool = False) -> str:
    """Append ``, suffix`` items, breaking to a new indented line past ``linewidth``.

    torch measures the last line as ``len - rfind("\\n") + 1``, two more than its
    true length; kept so that wrapping happens at the same place. A
    suffix is measured as torch spells it ("dtype=torch.int32"), so that the breaks
    fall exactly where torch's do even though our package name is longer.
    ``force_newline`` puts the first suffix on a new line whatever its length (sparse tensors).
    """
    parts = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        width = len(suffix.replace(f"={_PACKAGE}.", "=torch.", 1))
        if force_newline or last_line_len + width + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + width
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += width + 2
    return "".join(parts) + ")"


def format_tensor(array: np.ndarray, *, dtype_name: str, default_float_name: str = "float32",
                  requires_grad: bool = False, grad_fn_name: str | None = None,
                  prefix: str = "tensor(") -> str:
    """``repr`` of a tensor holding ``array``, exactly as torch writes it.

    Args:
        array: the values; its shape is the tensor's shape (0-d allowed).
        dtype_name: torch's dtype name ("float32", "int64", "bool", ...; aliases such
            as "double" or "long" are accepted). It decides the suffix and whether the
            values are floats (torch's ``dtype.is_floating_point``).
        default_float_name: ``torch.get_default_dtype()``'s name.
        requires_grad, grad_fn_name: autograd state; a ``grad_fn`` is shown instead of
            ``requires_grad=True`` (a non-leaf always requires grad).
        prefix: text before the data; continuation lines are indented by its length.

    Suffix rules (torch's ``_str_intern``):
        * non-empty: ``dtype=`` unless the dtype is the default float, int64 or bool
          (those are what ``tensor(...)`` infers from Python data); ``size=`` only when
          ``edgeitems == 0`` because then nothing hints at the shape;
        * empty: ``size=`` unless 1-D, and ``dtype=`` for every dtype except the default
          float (with no elements, nothing shows it is an int or bool tensor).
    """
    dtype_name = _DTYPE_ALIASES.get(dtype_name, dtype_name)
    array = np.asarray(array, dtype=bool if dtype_name == "bool" else None)  # "True", not "1"
    default_float_name = _DTYPE_ALIASES.get(default_float_name, default_float_name)
    indent = len(prefix)
    size_suffix = f"size={tuple(int(n) for n in array.shape)}"
    dtype_suffix = f"dtype={_PACKAGE}.{dtype_name}"
    suffixes = []
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(size_suffix)
        if dtype_name != default_float_name:
            suffixes.append(dtype_suffix)
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(size_suffix)
        if dtype_name not in (default_float_name, "int64", "bool"):
            suffixes.append(dtype_suffix)
        body = _tensor_str(array, indent, dtype_name in _FLOATING)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def format_sparse_coo(indices: np.ndarray, values: np.ndarray, shape: tuple, *, dtype_name: str,
                      default_float_name: str = "float32") -> str:
    """``repr`` of a sparse COO tensor, exactly as torch writes it (``_str_intern``'s sparse branch).

    ``indices`` (sparse_dims x nnz) and ``values`` print one below the other, each as a bare
    tensor (no suffixes of its own; ``size=`` only when empty); then come ``size=``, ``nnz=``,
    ``dtype=`` (same rule as a dense tensor) and ``layout=``, the first always on a new line:

        tensor(indices=tensor([[1, 2]]),
               values=tensor([[1., 1.],
                              [2., 2.]]),
               size=(4, 2), nnz=2, layout=minitorch_ref.sparse_coo)
    """
    dtype_name = _DTYPE_ALIASES.get(dtype_name, dtype_name)
    indent = len("tensor(")
    parts = []
    for name, array, floating in (("indices", indices, False), ("values", values, dtype_name in _FLOATING)):
        prefix = f"{name}=tensor("
        body = _tensor_str(array, indent + len(prefix), floating)
        if array.size == 0:
            body += f", size={tuple(array.shape)}"
        parts.append(prefix + body + ")")
    suffixes = [f"size={tuple(int(n) for n in shape)}", f"nnz={indices.shape[-1]}"]
    if dtype_name not in (default_float_name, "int64", "bool"):
        suffixes.append(f"dtype={_PACKAGE}.{dtype_name}")
    suffixes.append(f"layout={_PACKAGE}.sparse_coo")
    return _add_suffixes("tensor(" + (",\n" + " " * indent).join(parts), suffixes, indent, force_newline=True)
