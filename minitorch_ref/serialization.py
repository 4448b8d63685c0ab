"""`save` / `load` without pickle: tensors in the safetensors format, written with NumPy + json + struct.

`torch.save` pickles, and unpickling a file can run any code its author chose (which is
why `torch.load` has defaulted to `weights_only=True` since PyTorch 2.6). Here a file is
only ever *parsed*:

    8 bytes      N, the header length (unsigned little-endian)
    N bytes      a JSON header: {name: {"dtype": "F32", "shape": [5, 10], "data_offsets": [start, end]}, ...}
                 plus an optional "__metadata__": {str: str}
    the rest     the raw little-endian bytes of every tensor, back to back

A flat `{name: tensor}` dict is a bare safetensors file that `safetensors.torch.load_file`
reads directly, and a file written by `safetensors.torch.save_file` loads here. Anything else
made of tensors, numbers, strings, None, dicts, lists and tuples (a model's `state_dict()`,
an OrderedDict; an optimizer's; a training checkpoint) keeps its shape as a JSON description
in the metadata, each tensor replaced by its name (a state_dict's tensors keep their keys,
so safetensors readers still find them). There, as with torch.load, a Parameter loads as a
Parameter, `requires_grad` is kept, one tensor saved twice (`[t, t]`, tied weights) loads as
one object, and the other values torch.load(weights_only=True) gives back load as
themselves: OrderedDict, Counter, Size, dtype, device, complex, set, bytes and bytearray.
Other objects (a module, a NumPy array, a function, a namedtuple or another subclass of those
types, which would load back as its base type) raise TypeError at save, as torch.load refuses
them. A tensor under two keys is stored once: a plain safetensors reader sees its first key
only (`safetensors.torch.save_file` refuses shared tensors). Unlike torch, two *different*
tensors that share memory (a tensor and a view of it) are saved as two copies and load
unlinked: safetensors has no views (safetensors.torch refuses such tensors outright).

Saving to a path is atomic, as `torch_impl`'s checkpoints are: the bytes go to a temporary
file in the same folder, are flushed and `fsync`ed, and `os.replace` puts them in place, so a
crash mid-save leaves the previous file whole; the next save to that path removes temporary
files that killed saves left. Loading checks every header field before any allocation:
header size, JSON nesting, dtypes, shapes (bounded, also for empty tensors) and offsets.
A bad file raises `SerializationError`, a `RuntimeError` like torch.load's errors for a
damaged archive (and a `ValueError`, as before).
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import struct
import sys
import tempfile
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ._dtype import Size, _dtype_by_name, device, dtype
from ._sparse import RowSparseGrad
from ._tensor import Tensor
from .nn.parameter import Parameter

# safetensors dtype names <-> NumPy (always little-endian in the file).
_DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}
_NAMES = {dtype.newbyteorder("="): name for name, dtype in _DTYPES.items()}
_STRUCTURE = "minitorch_ref.structure"  # metadata key holding the JSON shape of a nested object
_MAX_HEADER = 100_000_000  # safetensors' own limit: a larger "header" means a foreign or damaged file


_MAX_NDIM = 32  # NumPy allows 64 dimensions; no tensor of the course comes close
_MAX_NESTING = 200  # depth of a saved nested structure (dicts in lists in dicts...)
# The mappings torch.load(weights_only=True) gives back as themselves, by their kind in the structure.
_MAPPINGS: dict[str, type] = {"dict": dict, "ordered_dict": OrderedDict, "counter": Counter}


class SerializationError(RuntimeError, ValueError):
    """The file is not a complete safetensors file (truncated, damaged or another format).

    A `RuntimeError`, like what `torch.load` raises for a damaged archive, and a `ValueError`.
    """


# ---------------------------------------------------------------------------------- save
def save(obj: Any, f: str | os.PathLike | BinaryIO, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True) -> None:
    """Write `obj` (a state dict, or nested dicts/lists/tuples of tensors and plain values) to `f`.

    torch.save's pickle options are accepted, so code written for torch runs, and ignored: nothing is pickled."""
    tensors: dict[str, np.ndarray] = {}
    metadata = {"format": "pt"}  # what safetensors.torch writes: some readers insist on it
    if _is_flat_state_dict(obj):
        tensors = {name: t._data for name, t in obj.items()}
    else:
        metadata[_STRUCTURE] = json.dumps(_encode(obj, "", tensors))
    data = _serialize(tensors, metadata)
    if isinstance(f, (str, os.PathLike)):
        _check_target(Path(f))
        _atomic_write_bytes(Path(f), data)
    else:
        f.write(data)


def _check_target(path: Path) -> None:
    """torch.save's errors for a path it cannot write: RuntimeError for a missing parent folder (same
    message) and for a folder, rather than an OSError that names our temporary file."""
    if not path.parent.is_dir():
        raise RuntimeError(f"Parent directory {path.parent} does not exist.")
    if path.is_dir():
        raise RuntimeError(f"cannot save to {path}: it is a directory")


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, fsync it, then `os.replace` it into place.

    The temporary name carries the writer's process id, so the next write can tell the
    leftovers of a killed writer (removed) from a write still under way (left alone).
    """
    _remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if os.name == "posix":  # make the rename itself durable
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _remove_stale_temporaries(path: Path) -> None:
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)-\w+\.tmp$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            found = pattern.match(entry.name)
            if found and int(found.group(1)) != os.getpid() and not _process_alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot ask cheaply: keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_flat_state_dict(obj: Any) -> bool:
    """A dict of plain tensors, each once: saved as a bare safetensors file. Everything else goes the
    structured way, which keeps what torch.load keeps: Parameters, `requires_grad`, an `OrderedDict`
    (a model's `state_dict()`: still a safetensors file, with its structure in the metadata) and one
    tensor under two keys (tied weights) loading as one object."""
    return type(obj) is dict and len(obj) > 0 and "__metadata__" not in obj and all(
        isinstance(k, str) and type(v) is Tensor and not v.requires_grad for k, v in obj.items()) and len(
        {id(v) for v in obj.values()}) == len(obj)


def _encode(obj: Any, path: str, tensors: dict[str, np.ndarray], seen: dict[int, Any] | None = None) -> Any:
    """A JSON-able description of `obj`; each tensor's array goes into `tensors` under a unique name.

    A tensor met twice is stored once and described twice by the same name (it loads as one
    object, as torch.load gives); a Parameter and `requires_grad` are noted, and come back."""
    seen = {} if seen is None else seen

    def add(array: np.ndarray) -> str:
        name, n = path or "tensor", 1
        while name in tensors or name == "__metadata__":  # that key is the header's own
            name, n = f"{path or 'tensor'}#{n}", n + 1
        tensors[name] = array
        return name

    if isinstance(obj, Tensor):
        if id(obj) not in seen:
            node = {"parameter" if isinstance(obj, Parameter) else "tensor": add(obj._data)}
            if obj.requires_grad:
                node["requires_grad"] = True
            seen[id(obj)] = node
        return seen[id(obj)]
    if isinstance(obj, RowSparseGrad):
        return {"row_sparse": [add(obj.rows), add(obj.row_values)], "shape": list(obj.shape)}
    # Types are matched exactly: a subclass (a namedtuple, an IntEnum, a defaultdict) would load back
    # as its base type, so it is refused here, as torch.load(weights_only=True) refuses it.
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if isinstance(obj, (np.number, np.bool_, np.str_)):
        return obj.item()
    # What torch.load(weights_only=True) also gives back, each under its own kind so it loads as itself.
    if type(obj) is complex:
        return {"complex": [obj.real, obj.imag]}
    if isinstance(obj, dtype):
        return {"dtype": obj.name}
    if isinstance(obj, device):
        return {"device": str(obj)}
    if isinstance(obj, Size):
        return {"size": list(obj)}
    if type(obj) in (bytes, bytearray):
        return {type(obj).__name__: obj.hex()}
    if type(obj) in _MAPPINGS.values():
        for key in obj:
            if not (key is None or isinstance(key, (bool, int, float, str))):
                raise TypeError(f"save: dict keys must be str, int, float, bool or None, got {type(key).__name__}")
        kind = next(kind for kind, mapping in _MAPPINGS.items() if type(obj) is mapping)
        node = {kind: [[key, _encode(value, f"{path}.{key}".lstrip("."), tensors, seen)] for key, value in obj.items()]}
        if kind == "ordered_dict" and isinstance(getattr(obj, "_metadata", None), dict):  # (a state dict's module
            node["module_versions"] = _encode(obj._metadata, "", tensors, seen)  # versions: torch's pickle keeps them)
        return node
    if type(obj) is set:  # (torch.load refuses a frozenset: so does save here)
        return {"set": [_encode(value, path, tensors, seen) for value in obj]}
    if type(obj) in (list, tuple):
        kind = type(obj).__name__
        return {kind: [_encode(value, f"{path}.{i}".lstrip("."), tensors, seen) for i, value in enumerate(obj)]}
    subclass = isinstance(obj, (int, float, str, bytes, dict, list, tuple, set))
    raise TypeError(
        f"save stores tensors, numbers, strings, None and dicts, lists or tuples of them (no pickle); got "
        f"{type(obj).__module__}.{type(obj).__qualname__}"
        f"{' (a subclass, which would load back as its base type)' if subclass else ''}. "
        "To save a model, save its state_dict()."
    )


def _serialize(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    header: dict[str, Any] = {"__metadata__": metadata}
    chunks, offset = [], 0
    for name, array in tensors.items():
        if array.dtype not in _NAMES:
            raise TypeError(f"save: dtype {array.dtype} of {name!r} has no safetensors equivalent")
        raw = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _NAMES[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the data starts 8-byte aligned, as safetensors does
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


# ---------------------------------------------------------------------------------- load
def load(f: str | os.PathLike | BinaryIO, map_location: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None) -> Any:
    """Read what `save` wrote (or any safetensors file): a dict of tensors, or the saved nested object.

    Nothing in the file is ever executed: the header is JSON and the rest is raw numbers.
    `weights_only=None` is torch's default, meaning True; `mmap` is accepted and the file read at once. Everything loads on the CPU, the only
    device: a `map_location` that sends the (CPU) tensors elsewhere raises torch's RuntimeError
    on a machine without CUDA. A damaged or foreign file raises `SerializationError` naming the
    file and the problem.
    """
    if weights_only is not None and not weights_only:
        raise ValueError("minitorch_ref.load never unpickles: only weights_only=True is supported")
    _check_map_location(map_location)
    if isinstance(f, (str, os.PathLike)):
        where, raw = str(f), Path(f).read_bytes()
    else:
        where, raw = getattr(f, "name", "<stream>"), f.read()
    try:
        tensors, metadata = _parse(raw, where)
    except RecursionError:
        raise SerializationError(f"{where}: damaged header: its JSON is nested too deeply") from None
    if _STRUCTURE not in metadata:
        return {name: Tensor._make(array) for name, array in tensors.items()}
    try:
        return _decode(json.loads(metadata[_STRUCTURE]), tensors)
    except RecursionError:
        raise SerializationError(f"{where}: damaged structure description (nested too deeply)") from None
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise SerializationError(f"{where}: damaged structure description ({str(error)[:200]})") from None


def _check_map_location(map_location: Any) -> None:
    """Where `map_location` sends tensors saved on the CPU must be the CPU. A callable is torch's
    `fn(storage, location)`, which needs a storage this library does not have: it is not called."""
    target = map_location.get("cpu", "cpu") if isinstance(map_location, dict) else map_location
    if target is None or callable(target) and not isinstance(target, (str, device)):
        return
    if str(target).partition(":")[0] == "cuda":
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you "
            "are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to "
            "map your storages to the CPU.")
    device(target)  # any other device: RuntimeError, as for a tensor created there


def _parse(raw: bytes, where: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Check every field of the header before touching the data; return arrays and metadata."""
    def fail(problem: str) -> SerializationError:
        return SerializationError(f"{where}: {problem}")

    if len(raw) < 8:
        raise fail(f"not a safetensors file: only {len(raw)} bytes{_guess(raw)}")
    (size,) = struct.unpack("<Q", raw[:8])
    if size > min(_MAX_HEADER, len(raw) - 8):
        raise fail(f"not a safetensors file, or truncated: the header length field says {size} bytes but "
                   f"{len(raw) - 8} follow{_guess(raw)}")
    try:
        header = json.loads(raw[8:8 + size].decode("utf-8"))
    except RecursionError:
        raise fail("damaged header: its JSON is nested too deeply") from None
    except (UnicodeDecodeError, ValueError):
        raise fail(f"not a safetensors file: the header is not valid JSON{_guess(raw)}") from None
    if not isinstance(header, dict):
        raise fail("not a safetensors file: the header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise fail("damaged header: __metadata__ must map strings to strings")
    data = memoryview(raw)[8 + size:]
    tensors, spans = {}, []
    for name, info in header.items():
        try:
            dtype = _DTYPES[info["dtype"]]
            shape = [_exact_int(n) for n in info["shape"]]
            start, end = (_exact_int(n) for n in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise fail(f"damaged header entry for {name!r}: {str(info)[:120]} "
                       f"(supported dtypes: {', '.join(_DTYPES)})") from None
        # Bound what the entry may ask for before NumPy sees it: an empty tensor of shape
        # [2**62, 2**62, 0] has 0 bytes, but no array of that shape can exist.
        if len(shape) > _MAX_NDIM or math.prod(max(n, 1) for n in shape) * dtype.itemsize > sys.maxsize:
            raise fail(f"damaged header entry for {name!r}: shape {str(shape)[:120]} is larger than any array can be")
        if any(n < 0 for n in shape) or not 0 <= start <= end or end - start != math.prod(shape) * dtype.itemsize:
            raise fail(f"damaged header entry for {name!r}: shape {shape} of {info['dtype']} does not fit "
                       f"data_offsets [{start}, {end}]")
        if end > len(data):
            raise fail(f"truncated: tensor {name!r} needs bytes up to {end} of the data section, which has {len(data)}")
        array = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=start)
        tensors[name] = array.reshape(shape).astype(dtype.newbyteorder("="), copy=True)
        spans.append((start, end))
    position = 0
    for start, end in sorted(spans):
        if start != position:
            raise fail(f"damaged: tensor data overlaps or leaves a gap at byte {position} of the data section")
        position = end
    if position != len(data):
        raise fail(f"damaged: {len(data) - position} bytes after the last tensor belong to no tensor")
    return tensors, metadata


def _exact_int(value: Any) -> int:
    """An integer field of the header (JSON numbers like 2.5 or true are damage, not sizes)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return value


def _guess(raw: bytes) -> str:
    """A hint for the formats people most often pass by mistake."""
    if raw[:1] == b"\x80":
        return " (it looks like a pickle file, e.g. from torch.save with the legacy format; it was not unpickled)"
    if raw[:4] == b"PK\x03\x04":
        return " (it looks like a zip archive, e.g. from torch.save; it was not unpickled)"
    return ""


def _decode(node: Any, tensors: dict[str, np.ndarray], depth: int = 0, made: dict[str, Tensor] | None = None) -> Any:
    """The inverse of `_encode`; an unknown node raises (and nothing is ever evaluated). `made`: the tensor
    built for each name, so a tensor described twice is one object again."""
    if depth > _MAX_NESTING:
        raise ValueError(f"structure nested deeper than {_MAX_NESTING} levels")
    depth += 1
    made = {} if made is None else made
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, dict) and set(node) in ({"tensor"}, {"parameter"}, {"tensor", "requires_grad"},
                                                {"parameter", "requires_grad"}):
        name = node.get("tensor", node.get("parameter"))
        if name not in made:
            requires_grad = node.get("requires_grad", False) is True
            made[name] = (Parameter(Tensor._make(tensors[name]), requires_grad) if "parameter" in node
                          else Tensor._make(tensors[name], requires_grad))
        return made[name]
    if isinstance(node, dict) and set(node) == {"ordered_dict", "module_versions"}:
        state = _decode({"ordered_dict": node["ordered_dict"]}, tensors, depth, made)
        state._metadata = _decode(node["module_versions"], tensors, depth, made)
        return state
    if isinstance(node, dict) and len(node) == 1:
        ((kind, value),) = node.items()
        if kind in _MAPPINGS:  # (a Counter from a dict: from pairs it would count the pairs)
            return _MAPPINGS[kind](dict((key, _decode(item, tensors, depth, made)) for key, item in value))
        if kind == "set":
            return {_decode(item, tensors, depth, made) for item in value}
        if kind == "list":
            return [_decode(item, tensors, depth, made) for item in value]
        if kind == "tuple":
            return tuple(_decode(item, tensors, depth, made) for item in value)
        if kind == "size":
            return Size(_exact_int(n) for n in value)
        if kind == "dtype":
            return _dtype_by_name(value)
        if kind == "device":
            return device(value)
        if kind == "complex":
            return complex(*value)
        if kind in ("bytes", "bytearray"):
            return (bytes if kind == "bytes" else bytearray).fromhex(value)
    if isinstance(node, dict) and set(node) == {"row_sparse", "shape"}:
        indices, values = (tensors[name] for name in node["row_sparse"])
        shape = tuple(_exact_int(n) for n in node["shape"])
        in_range = len(indices) == 0 or 0 <= indices.min() <= indices.max() < shape[0]
        if (indices.ndim != 1 or values.ndim != len(shape) or len(indices) != len(values)
                or tuple(values.shape[1:]) != shape[1:] or not in_range):
            raise ValueError(f"row-sparse tensor of shape {list(shape)[:8]} does not fit its indices and values")
        return RowSparseGrad(indices, values, shape)
    raise ValueError(f"unknown node {str(node)[:80]}")


__all__ = ["SerializationError", "load", "save"]
