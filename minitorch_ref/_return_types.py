"""torch's named tuples (`torch.return_types.max`, `linalg_qr`...): tuples whose items also have names."""
from __future__ import annotations

import functools
import operator
from typing import Any

from . import _dtype as dt


class _MaxResult(tuple):
    """A tuple with names, like torch.return_types.max: each `kind` (max, sort, topk, aminmax, linalg_qr...) is
    its own class, `minitorch_ref.return_types.<kind>`, as torch's are; the fields are (values, indices), or the
    names `_FIELDS` gives the kind (aminmax's (min, max), linalg_qr's (Q, R)...)."""

    _kind, _names = "max", ("values", "indices")

    def __new__(cls, *items_then_kind: Any):
        *items, kind = items_then_kind
        return tuple.__new__(_return_type(kind), items)

    def __reduce__(self):  # (copy and pickle rebuild it from the items and its kind)
        return _MaxResult, (*self, self._kind)

    def __repr__(self) -> str:
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._names, self))
        return f"{dt.PACKAGE}.return_types.{self._kind}(\n{fields})"


_FIELDS = {"aminmax": ("min", "max"), "linalg_qr": ("Q", "R"), "qr": ("Q", "R"), "linalg_eigh": ("eigenvalues", "eigenvectors"),
           "linalg_slogdet": ("sign", "logabsdet"), "slogdet": ("sign", "logabsdet"),
           "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
           "linalg_svd": ("U", "S", "Vh"), "svd": ("U", "S", "V"), "linalg_cholesky_ex": ("L", "info"),
           "linalg_inv_ex": ("inverse", "info"), "triangular_solve": ("solution", "cloned_coefficient"),
           "linalg_lu": ("P", "L", "U"), "linalg_lu_factor": ("LU", "pivots"),
           "linalg_lu_factor_ex": ("LU", "pivots", "info")}


@functools.cache
def _return_type(kind: str) -> type:
    names = _FIELDS.get(kind, ("values", "indices"))
    fields = {name: property(operator.itemgetter(i)) for i, name in enumerate(names)}
    return type(kind, (_MaxResult,), {"__module__": f"{dt.PACKAGE}.return_types", "__qualname__": kind,
                                      "_kind": kind, "_names": names, "__slots__": (), **fields})
