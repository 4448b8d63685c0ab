"""`torch.special`: the special functions under their SciPy-like names (here the one the course needs, erfinv)."""
from __future__ import annotations

from typing import Any

from ._dtype import python_type_name
from ._functions import erfinv as _erfinv
from ._tensor import Tensor, _require_tensor

__all__ = ["erfinv"]


def erfinv(input: Tensor, *, out: Any = None) -> Tensor:
    """`torch.special.erfinv` = `torch.erfinv`; torch's messages name it special_erfinv."""
    _require_tensor(input, "special_erfinv", "input", 1)
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"special_erfinv(): argument 'out' must be Tensor, not {python_type_name(out)}")
    return _erfinv(input, out=out)
