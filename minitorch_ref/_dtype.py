"""dtypes, `Size` and `device`: the small value types every tensor carries.

A `dtype` wraps a NumPy dtype under torch's name. Type promotion follows torch's rules
(not NumPy's): categories bool < integer < floating; dimensioned tensors outrank 0-d
tensors, which outrank Python numbers; a Python float meeting an integer tensor gives
the default float dtype (float32), where NumPy would give float64.
"""
from __future__ import annotations

import builtins
import operator
import re
from typing import Any

import numpy as np

PACKAGE = "minitorch_ref"


class _ReadOnly:
    """Attributes set in `__init__` only (which ends with `_set_up = True`), read-only after, as on torch's C types."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_set_up", False):
            raise AttributeError(f"attribute '{name}' of '{PACKAGE}.{type(self).__name__}' objects is not writable")
        object.__setattr__(self, name, value)


class dtype(_ReadOnly):
    """A tensor element type, printed as `minitorch_ref.float32` (torch prints `torch.float32`)."""

    __slots__ = ("name", "numpy_dtype", "is_floating_point", "is_signed", "itemsize", "_category", "_set_up")
    is_complex = False  # (no complex dtypes here)

    def __init__(self, name: str, numpy_dtype) -> None:
        self.name = name
        self.numpy_dtype = np.dtype(numpy_dtype)
        kind = self.numpy_dtype.kind
        self.is_floating_point = kind == "f"
        self.is_signed = kind in "fi"
        self.itemsize = self.numpy_dtype.itemsize
        self._category = {"b": 0, "u": 1, "i": 1, "f": 2}[kind]
        self._set_up = True

    def __repr__(self) -> str:
        return f"{PACKAGE}.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
uint8 = dtype("uint8", np.uint8)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
bool_ = dtype("bool", np.bool_)
ALL_DTYPES = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)

_BY_NUMPY = {d.numpy_dtype: d for d in ALL_DTYPES}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME.update(half=float16, float=float32, double=float64, short=int16, int=int32, long=int64)
_PY_TYPES = {builtins.float: float64, builtins.int: int64, builtins.bool: bool_}
DEFAULT_FLOAT = float32  # (changed by `set_default_dtype`: read it as `_dtype.DEFAULT_FLOAT`, at the time of use)


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The minitorch_ref dtype of a NumPy dtype; TypeError for types torch has no equal of here."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_numpy_dtype(d) -> np.dtype:
    """Accept a minitorch_ref dtype, a Python type (`float`, `int`, `bool`) or a NumPy dtype."""
    if isinstance(d, dtype):
        return d.numpy_dtype
    if d in _PY_TYPES:
        return _PY_TYPES[d].numpy_dtype
    if isinstance(d, str) and d in _BY_NAME:
        return _BY_NAME[d].numpy_dtype
    try:
        return from_numpy_dtype(d).numpy_dtype
    except TypeError:
        raise TypeError(f"dtype must be a minitorch_ref.dtype, not {type(d).__name__} ({d!r})") from None


def category(np_dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floating point."""
    return _BY_NUMPY[np_dtype]._category


def can_cast(source: np.dtype, target: np.dtype) -> bool:
    """torch's casting rule (`torch.can_cast`, and the check of in-place and out= results): anything may
    go to a wider kind except floating point to integers, and nothing but bool goes to bool."""
    return not ((source.kind == "f" and target.kind in "iu") or (source != np.bool_ and target == np.bool_))


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """torch.promote_types: within a category the wider type wins; across categories the higher category's type."""
    if a is b or a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def check_norm_dtype(fn: str, input_dtype: np.dtype, requested) -> None:
    """torch's check of a norm's `dtype=`: a floating type the input's widens to, never a narrower one."""
    if requested is None:
        return
    target = to_numpy_dtype(requested)
    if target.kind != "f":
        raise RuntimeError(f"{fn}: dtype should be floating point or complex, but got {torch_type_name(target)}")
    if promote_types(input_dtype, target) != target:
        raise RuntimeError(f"{fn}: the dtype of the input ({torch_type_name(input_dtype)}) should be convertible "
                           f"without narrowing to the specified dtype ({torch_type_name(target)})")


_SCALAR_DTYPE = {builtins.bool: np.dtype(np.bool_), builtins.int: np.dtype(np.int64)}


def scalar_dtype(value) -> np.dtype:
    """The dtype a Python number takes when it meets tensors (floats use the default float dtype; so does
    a NumPy bool, which torch reads as a float: `torch.result_type(mask, np.True_)` is float32)."""
    t = type(value)
    if t in _SCALAR_DTYPE:
        return _SCALAR_DTYPE[t]
    if isinstance(value, (builtins.float, np.floating, np.bool_)):
        return DEFAULT_FLOAT.numpy_dtype
    if isinstance(value, np.integer):
        return np.dtype(np.int64)
    raise TypeError(f"unsupported operand type: {t.__name__}")


def _combine(higher, lower):
    """torch's combine_categories: a higher-priority group keeps its type unless outranked in category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if category(higher) == 2:
        return higher
    if category(higher) == 0 or category(lower) == 2:
        return promote_types(higher, lower)
    return higher


def result_type(dimensioned, zero_dim, scalars) -> np.dtype:
    """torch.result_type over three priority groups (each the promoted dtype of that group, or None)."""
    return _combine(dimensioned, _combine(zero_dim, scalars))


def python_type_name(value: Any) -> str:
    """The name of value's type as torch's C++ messages print it (a NumPy type with its module)."""
    kind = builtins.type(value)
    if kind in (Size, dtype, device):  # (torch's C types, named with their module)
        return f"{PACKAGE}.{kind.__name__}"
    return f"numpy.{kind.__name__}" if kind.__module__ == "numpy" else kind.__name__


def _dtype_argument(function: str, type_) -> dtype:
    """A dtype, or the Python type `float`, `int` or `bool` read as one (float64, int64, bool), as torch reads them."""
    if type_ in _PY_TYPES:
        return _PY_TYPES[type_]
    if not isinstance(type_, dtype):
        raise TypeError(f"{function}(): argument 'type' (position 1) must be {PACKAGE}.dtype, not "
                        f"{python_type_name(type_)}")
    return type_


class finfo(_ReadOnly):
    """The limits of a floating point dtype, as `torch.finfo` gives them (`finfo(float32).eps`).

    `eps` is the gap between 1.0 and the next float, `tiny` (= `smallest_normal`) the smallest
    positive normal number, `resolution` 10 ** -(decimal digits the type keeps). All are Python
    numbers read from NumPy's `np.finfo`; `dtype` is the type's name, a str, as in torch.
    """

    def __init__(self, type: dtype = float32) -> None:  # (torch's argument is named `type`; default float32)
        type = _dtype_argument("finfo", type)
        if not type.is_floating_point:
            raise TypeError(f"{PACKAGE}.finfo() requires a floating point input type. Use {PACKAGE}.iinfo to handle "
                            f"'{PACKAGE}.finfo'")
        info = np.finfo(type.numpy_dtype)
        self.bits, self.dtype = info.bits, type.name
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max), builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision  # (a Python float: float(np.float32(1e-06)) is not 1e-06)
        self._set_up = True

    def __repr__(self) -> str:  # numbers as C++ streams print them (6 significant digits, like %g)
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    __hash__ = None  # (unhashable, as torch's)


class iinfo(_ReadOnly):
    """The limits of an integer dtype, as `torch.iinfo` gives them: `bits`, `min`, `max` (Python ints), `dtype`."""

    def __init__(self, type: dtype) -> None:
        type = _dtype_argument("iinfo", type)
        if type is bool_:
            raise TypeError(f"{PACKAGE}.bool is not supported by {PACKAGE}.iinfo")
        if type.is_floating_point:
            raise TypeError(f"{PACKAGE}.iinfo() requires an integer input type. Use {PACKAGE}.finfo to handle "
                            f"'{PACKAGE}.iinfo'")
        info = np.iinfo(type.numpy_dtype)
        self.bits, self.min, self.max, self.dtype = info.bits, builtins.int(info.min), builtins.int(info.max), type.name
        self._set_up = True

    def __repr__(self) -> str:  # (printed as floats, like torch's: int32's max is 2.14748e+09)
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    def __eq__(self, other) -> builtins.bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    __hash__ = None


class Size(tuple):
    """A shape: a tuple that prints like `minitorch_ref.Size([3, 4])`.

    Made from an iterable of ints, as torch's: a NumPy integer is kept, a bool, a one-element integer
    tensor or another object with `__index__` becomes an int; anything else is a TypeError. (A tensor's
    own shape, already ints, is made with `tuple.__new__` and skips the check.)
    """

    def __new__(cls, sizes: Any = ()) -> "Size":
        return tuple.__new__(cls, [_size_item(item, i) for i, item in enumerate(sizes)])

    def __repr__(self) -> str:
        return f"{PACKAGE}.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        result = tuple.__getitem__(self, item)
        return tuple.__new__(Size, result) if isinstance(item, slice) else result

    # a Size joined with a tuple, or repeated, is a Size again (as torch.Size); a list is not a tuple
    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {python_type_name(other)}) to {PACKAGE}.Size")
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n):
        if not hasattr(builtins.type(n), "__index__"):  # (Python's words for a tuple, with torch's type name)
            raise TypeError(f"can't multiply sequence by non-int of type '{python_type_name(n)}'")
        return tuple.__new__(Size, tuple.__mul__(self, operator.index(n)))

    __rmul__ = __mul__


def _size_item(item: Any, position: int) -> Any:
    """One length of a `Size`: an int (a NumPy integer kept as it is), read with `__index__` if need be."""
    if type(item) is int or isinstance(item, np.integer):
        return item
    try:
        return operator.index(item)
    except TypeError:
        raise TypeError(f"{PACKAGE}.Size() takes an iterable of 'int' (item {position} is "
                        f"'{python_type_name(item)}')") from None


class layout:
    """How a tensor's elements are stored: `strided` (dense) or `sparse_coo`; prints like torch's."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{PACKAGE}.{self.name}"

    __str__ = __repr__


strided, sparse_coo = layout("strided"), layout("sparse_coo")


# the device types torch knows, in its order: another name (`CPU`, `xyz`) is an error, not a device elsewhere
_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
                 "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


def _check_device_string(text: str) -> None:
    """torch's parse of a device string, "type" or "type:index", with its errors."""
    if not text:
        raise RuntimeError("Device string must not be empty")
    if not re.fullmatch(r"[a-zA-Z_]+(:([1-9][0-9]*|0))?", text):
        raise RuntimeError(f"Invalid device string: '{text}'")
    name = text.partition(":")[0]
    if name not in _DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: {name}")


class device:
    """Where a tensor lives. minitorch_ref computes with NumPy, so only `cpu` exists."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | "device" = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        name = str(type)
        if isinstance(type, str):
            _check_device_string(type)
        if ":" in name:
            name, _, idx = name.partition(":")
            index = int(idx)
        if name != "cpu":
            raise RuntimeError(
                f"minitorch_ref runs on the CPU only (it computes with NumPy): device '{type}' is not available. "
                "Use device='cpu' here, or torch_impl for CUDA."
            )
        self.type, self.index = name, index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        """Only a device equals a device (as torch: `x.device == 'cpu'` is False; compare `x.device.type`)."""
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


class memory_format:
    """How a tensor's elements are laid out in memory, as torch's `torch.channels_last`: one object per
    format (compared by identity); ops read its `name`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{PACKAGE}.{self.name}"

    def __reduce__(self) -> str:  # (pickling keeps the one object per format)
        return self.name


contiguous_format, preserve_format, channels_last = (memory_format(name) for name in (
    "contiguous_format", "preserve_format", "channels_last"))


def cpp_type_name(np_dtype: np.dtype) -> str:
    """The C++ name of the type, as torch's dtype and range checks print it: float, double, long int..."""
    name = np.dtype(np_dtype).name
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}.get(name, name)


def torch_type_name(np_dtype: np.dtype) -> str:
    """The legacy name torch uses in messages and `Tensor.type()`: Float, Double, Long..."""
    return {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[np.dtype(np_dtype).name]
