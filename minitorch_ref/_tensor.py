"""`Tensor`: a NumPy array plus what autograd needs (requires_grad, grad, grad_fn).

Every differentiable method is a thin call to an op in `ops/` (`Function.apply`); the
methods here only sort out arguments the way torch does: dtype promotion, `dim`
normalisation, Python numbers, and torch's error messages.
"""
from __future__ import annotations

import builtins
import copy
import functools
import math
import numbers
import operator
import warnings
import weakref
from typing import Any, NamedTuple, Sequence

import numpy as np

from . import _dtype as dt
from ._generator import _from_double, as_long
from ._generator import resolve as _random_source
from ._printing import format_tensor
from .autograd import differentiate
from .autograd import grad_mode, inplace
from .autograd.function import memory_owner
from .autograd.tensor_base import InferenceStorage, RemovableHandle, TensorBase
from ._return_types import _MaxResult
from .linalg import _cholesky_of, _logdet, _slogdet, det as _det, inv as _inv, matrix_norm
from .linalg import matrix_power as _matrix_power, pinv as _pinv, qr as _qr, _cholesky_inverse, _cholesky_solve
from .linalg import _svd_outputs, _triangular_solve, matrix_exp as _matrix_exp, svdvals as _svdvals
from .ops import linalg, pointwise, reduction, shape
from .ops.shape import check_broadcast as _check_broadcast

_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)
_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)


_NOT_GIVEN = object()  # a default that tells "not passed" from an explicit None (torch picks an overload by it)


class _IntListArgument(NamedTuple):
    """A 'tuple of ints' argument that `_reads_int_lists` reads: torch's `int[]`, `int[N]` when `one_int`
    (one int stands for the tuple), `SymInt[...]` when `sym_int`; None means the default when `none_default`."""
    name: str
    one_int: bool = False
    sym_int: bool = False
    none_default: bool = False


def _reads_int_lists(*arguments: _IntListArgument) -> Any:
    """A method whose leading arguments are 'tuples of ints', read as torch's parser reads them before the
    method runs (`_read_int_lists`): the method gets ints and tuples of ints. The function form
    (`torch.roll(x, ...)`) reads the same `arguments`, counting the input as position 1."""
    def decorate(method: Any) -> Any:
        @functools.wraps(method)
        def reading(self: "Tensor", *args: Any, **kwargs: Any) -> Any:
            args, kwargs = _read_int_lists(method.__name__, arguments, args, kwargs, first_position=1)
            return method(self, *args, **kwargs)
        reading.int_list_arguments = arguments
        return reading
    return decorate


class _NotAnOperand(TypeError):
    """An operand that is no tensor, number or NumPy array (a list, None, a string): operators answer
    NotImplemented to it, methods (`t.mul([1])`) raise this TypeError."""


def _operator(method: Any) -> Any:
    """A Python operator (`t + other`, `t & other`...) as torch's: NotImplemented for an operand that is
    no tensor, number or array, so that Python raises its own TypeError ("unsupported operand type(s)
    for +: 'Tensor' and 'list'") or uses the other operand's meaning (`[1, 2] * tensor(2)` repeats the list)."""
    @functools.wraps(method)
    def operator_method(self: Any, other: Any) -> Any:
        try:
            return method(self, other)
        except _NotAnOperand:
            return NotImplemented
    return operator_method


class Tensor(TensorBase):
    """An n-dimensional array that can record the operations applied to it.

    Its fields (the array, requires_grad, grad, grad_fn, the view and version links) are
    declared in `TensorBase` (autograd/tensor_base.py), the part the autograd machinery sees.
    """

    __slots__ = ()
    __hash__ = object.__hash__  # tensors are dict keys by identity, as in torch
    __array_priority__ = 1000  # `ndarray + Tensor` calls Tensor.__radd__

    def __init__(self, *args: Any) -> None:
        """Legacy constructor, as `torch.Tensor`: `Tensor(data)` from a sequence or array, always in the default
        dtype (float32 unless `set_default_dtype` changed it); `Tensor(2, 3)` or `Tensor(size)` uninitialised;
        `Tensor()` empty; `Tensor(t)` t's memory and dtype."""
        data = args[0] if len(args) == 1 else None
        if isinstance(data, Tensor):
            array = data._data
        elif data is not None and not isinstance(data, (builtins.int, np.integer, dt.Size)):
            if not isinstance(data, (list, tuple, range, np.ndarray)):
                raise TypeError(f"new(): data must be a sequence (got {_type_name(data)})")
            array = _infer_array(data, dt.DEFAULT_FLOAT).astype(dt.DEFAULT_FLOAT.numpy_dtype, copy=False)
        else:
            shape_ = _shape_args(args, "new", sym_int=True) if args else (0,)
            array = np.empty(shape_, dtype=dt.DEFAULT_FLOAT.numpy_dtype)
        self._data, self._requires_grad, self._grad, self.grad_fn = array, False, None, None
        self._base = self._accumulator = self._hooks = self._post_accumulate_grad_hooks = None
        self._storage = InferenceStorage() if grad_mode._inference else None

    @staticmethod
    def _make(array: Any, requires_grad: bool = False) -> "Tensor":
        """The one way a Tensor is made (by ops, constructors, Parameter): wrap `array`, no copy."""
        t = _new(Tensor)
        t._data = array if type(array) is np.ndarray else np.asarray(array)
        t._requires_grad = requires_grad
        t._grad = t.grad_fn = t._base = t._accumulator = t._hooks = t._post_accumulate_grad_hooks = None
        t._storage = InferenceStorage() if grad_mode._inference else None  # (made in inference_mode: see there)
        return t

    # ------------------------------------------------------------------ attributes
    @property
    def shape(self) -> dt.Size:
        return _as_size(dt.Size, self._data.shape)

    def size(self, dim: int | None = None):
        """The shape, or the length of one dim. (Unlike most methods, which let a 0-d tensor take
        dim 0 or -1, `size(dim)` refuses any dim of a 0-d tensor, as torch does.)"""
        if dim is None:
            return _as_size(dt.Size, self._data.shape)
        dim = _int_arg(dim, "size")
        if self._data.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[_dim(dim, self._data.ndim)]

    def stride(self, dim: int | None = None):
        """How many elements to step in memory to move one index along each dim (NumPy counts bytes).
        A new empty array has no memory to step through (NumPy says 0 for every dim): torch's contiguous
        strides, as it reports; an empty view (`x[:, :0]`) keeps the strides it was taken with, as torch's."""
        data = self._data
        strides = (tuple(s // data.itemsize for s in data.strides) if data.size or any(data.strides) else
                   _empty_strides(data.shape))
        return strides if dim is None else strides[_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        """How many elements into the memory it shares with its base the tensor starts (0 for a new tensor)."""
        return _storage_offset(self._data)

    def data_ptr(self) -> int:
        """The address of the first element: equal for tensors that start at the same memory."""
        return self._data.__array_interface__["data"][0]

    @property
    def dtype(self) -> dt.dtype:
        return dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> dt.device:
        return dt.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    is_cpu = True

    def get_device(self) -> int:
        return -1  # (torch's answer for a CPU tensor)

    is_sparse = is_quantized = is_meta = False
    layout = dt.strided  # (dense, always: a row-sparse gradient is another class)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def is_same_size(self, other: "Tensor") -> bool:
        return self._data.shape == other._data.shape

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False  # (minitorch_ref has no complex dtypes)

    def is_signed(self) -> bool:
        return self._data.dtype.kind in "fi"

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        """`t.requires_grad = True`: a bool only, and (either way) on a leaf only, as torch."""
        if type(value) is not builtins.bool:
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError(_leaf_only_message(value))
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        _check_may_require_grad(self, value)
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """In place; a non-leaf (which requires grad already) may only be asked to keep requiring it."""
        if not isinstance(requires_grad, builtins.bool):
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{_type_name(requires_grad)}")
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError(_leaf_only_message(requires_grad))
        if requires_grad and self._data.dtype.kind != "f":  # (torch's wording differs from the setter's)
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        _check_may_require_grad(self, requires_grad)
        self._requires_grad = requires_grad or self.grad_fn is not None
        return self

    @property
    def grad(self) -> "Tensor | None":
        """The gradient backward() accumulated here; only leaves (and `retain_grad()` tensors) get one."""
        if self.grad_fn is not None and self._grad is None and self.grad_fn._retained is None:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        """None, or a gradient of this tensor's shape and dtype (torch's checks: a wrong one would
        be broadcast or cast silently by the optimizer)."""
        if value is not None:
            _check_assigned_grad(self, value)
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        """`del t.grad`: as `t.grad = None`."""
        self._grad = None

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep `.grad` on a non-leaf after backward (leaves always keep theirs)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn._retained = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self.grad_fn is not None and self.grad_fn._retained is not None

    def register_hook(self, hook: Any) -> RemovableHandle:
        """Call `hook(grad)` each time the gradient with respect to this tensor is computed (before a
        leaf adds it to `.grad`); a tensor it returns replaces the gradient. `handle.remove()` undoes it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        if self.grad_fn is not None:  # (a leaf's AccumulateGrad node reads the leaf's hooks itself)
            self.grad_fn._hooked = weakref.ref(self)
        return handle

    def register_post_accumulate_grad_hook(self, hook: Any) -> RemovableHandle:
        """Call `hook(self)` each time backward has added into this leaf's `.grad` (to update a
        parameter as soon as its gradient is ready); the hook returns None. `handle.remove()` undoes it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_grad_hooks is None:
            self._post_accumulate_grad_hooks = {}
        handle = RemovableHandle(self._post_accumulate_grad_hooks)
        self._post_accumulate_grad_hooks[handle.id] = hook
        return handle

    @property
    def data(self) -> "Tensor":
        """The same memory, detached from the graph: `weight.data.uniform_(-0.5, 0.5)` edits the weight.
        (Its own version counter, as torch's; an inference tensor's `.data` is one too.)"""
        out = Tensor._make(self._data)
        if self.is_inference():
            out._storage = InferenceStorage()
        return out

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):  # (torch takes no list or array here: `data = tensor(...)`)
            raise TypeError(f"Variable data has to be a tensor, but got {_type_name(value)}")
        array = value._data
        if self._requires_grad and array.dtype.kind != "f":
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = array

    @data.deleter
    def data(self) -> None:
        raise RuntimeError("Deleting tensor data is not allowed. Delete tensor instead!")

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory, like torch); refused for a tensor that requires grad while
        the graph is recorded (under `no_grad` nothing could reach the graph through the array)."""
        if type(force) is not builtins.bool:
            raise TypeError(f"numpy(): argument 'force' must be bool, not {_type_name(force)}")
        if self._requires_grad and not force and grad_mode._enabled:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        """What NumPy sees of the tensor (`np.asarray(t)`): its array, refused as `numpy()` refuses it."""
        array = self.numpy() if dtype is None else self.numpy().astype(dtype, copy=False)
        return array.copy() if copy else array

    def __array_wrap__(self, array: np.ndarray) -> "Tensor":  # (torch's one-argument form: NumPy 2 warns of it)
        """A NumPy function's result on tensors (`np.exp(t)`) as a tensor sharing its array, as torch gives it;
        a bool result becomes uint8 there (a workaround torch kept)."""
        return Tensor._make(array.astype(np.uint8) if array.dtype == np.bool_ else array)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self) -> float:
        """The number; like torch, it warns when the tensor requires grad (its value leaves the graph),
        though `item()` and `int()` do not."""
        value = self._one_element()
        if self._requires_grad and grad_mode._enabled:
            warnings.warn(_SCALAR_OF_GRAD_WARNING, UserWarning, stacklevel=2)
        return builtins.float(value)

    def __int__(self) -> int:
        return builtins.int(self._one_element())

    def _one_element(self):
        """The value of a one-element tensor, for float() and int() (a ValueError otherwise, as torch)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            amount = "more than one value" if self._data.size else "no values"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return builtins.bool(self._data)

    is_nonzero = __bool__

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        """The rows, as torch gives them: `unbind(0)`, views of self (UnbindBackward0) that, when
        recorded, may not be written in place (`for row in x: row.mul_(2)` raises, as in torch)."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self) -> "Tensor":
        """`reversed(t)`: a tensor, t flipped along dim 0 (a 0-d tensor as it is), not an iterator."""
        return self if self._data.ndim == 0 else self.flip(0)

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`; returns self if nothing changes."""
        _check_to_arguments(args, kwargs)
        if "tensor" in kwargs:  # (`to(tensor=other)`: torch's third overload by name)
            kwargs = dict(kwargs)
            args = (kwargs.pop("tensor"), *args)
        args, kwargs, copy = _to_flags(args, kwargs)
        memory_format = _memory_format(kwargs.pop("memory_format", None), "to")
        target = to_args_dtype(args, kwargs)
        if target is None or target.numpy_dtype == self._data.dtype:
            keep = not copy and memory_format in ("preserve_format", pointwise.suggested_format(self._data))
            return self if keep else pointwise.ToCopy.apply(self, self._data.dtype, memory_format)
        if target.numpy_dtype.kind not in "fc":  # integers and bools have no gradient: the result leaves the graph
            return pointwise.ToCopy.apply(self.detach(), target.numpy_dtype, memory_format)
        return pointwise.ToCopy.apply(self, target.numpy_dtype, memory_format)

    def type(self, dtype: Any = None, non_blocking: bool = False):
        """The type's name (`x.type()`), or x in a dtype: `x.type(torch.int64)`, `x.type("torch.LongTensor")`.
        (A Python type such as `float` is refused here, though `to(float)` takes it.)"""
        if dtype is None:
            return f"{dt.PACKAGE}.{dt.torch_type_name(self._data.dtype)}Tensor"
        if not isinstance(dtype, (str, dt.dtype, builtins.type)):
            raise TypeError("dtype must be a type, str, or dtype object")
        if dtype in (builtins.float, builtins.int, builtins.bool):
            raise ValueError(f"invalid type: '{dtype.__name__}'")
        if isinstance(dtype, str):  # x.type("torch.LongTensor"); other strings are invalid
            names = {f"{dt.PACKAGE}.{dt.torch_type_name(d)}Tensor": d for d in _TYPE_NAMED_DTYPES}
            if dtype.replace("torch.", f"{dt.PACKAGE}.", 1) not in names:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = names[dtype.replace("torch.", f"{dt.PACKAGE}.", 1)]
        return self.to(dt.from_numpy_dtype(dt.to_numpy_dtype(dtype)))

    def type_as(self, other: "Tensor") -> "Tensor":
        """self in other's dtype (`self.to(other.dtype)`)."""
        if not isinstance(other, Tensor):
            raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not {_type_name(other)}")
        return self.to(other.dtype)

    def float(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.float32, memory_format=memory_format)

    def double(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.float64, memory_format=memory_format)

    def half(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.float16, memory_format=memory_format)

    def long(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.int64, memory_format=memory_format)

    def int(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.int32, memory_format=memory_format)

    def bool(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.bool_, memory_format=memory_format)

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> "Tensor":
        dt.device("cuda")  # raises the clear CPU-only error
        return self

    def detach(self) -> "Tensor":
        """Same memory, no history: gradients stop here. (It shares the version counter, so an
        in-place change of the detached tensor is still caught if backward needs the old values.)"""
        out = Tensor._make(self._data)
        out._storage = inplace.storage_of(self)
        return out

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has had (shared with its views)."""
        if self.is_inference():
            raise RuntimeError("Inference tensors do not track version counter.")
        return 0 if self._storage is None else self._storage.version

    def is_inference(self) -> bool:
        """Made inside `inference_mode()` (or a view of such a tensor): autograd may not use it later."""
        return type(self._storage) is InferenceStorage

    def detach_(self) -> "Tensor":
        if self._base is not None:
            raise RuntimeError(_DETACH_VIEW_MESSAGE)
        self.grad_fn, self._requires_grad = None, False
        return self

    def clone(self, *, memory_format: Any = None) -> "Tensor":
        """A copy with its own memory, in the graph. It keeps self's layout (torch's default
        `memory_format=torch.preserve_format`): a transposed tensor's clone is transposed too,
        so not contiguous; `contiguous()` is the copy that is."""
        return pointwise.Clone.apply(self, _memory_format(memory_format, "clone"))

    def contiguous(self, memory_format: Any = dt.contiguous_format) -> "Tensor":
        """self if laid out in `memory_format` already, else a copy that is (torch's default: row-major)."""
        memory_format = _memory_format(memory_format, "contiguous", none_allowed=False)
        return self if pointwise.in_memory_format(self._data, memory_format) else pointwise.Clone.apply(self, memory_format)

    def is_contiguous(self, *, memory_format: Any = dt.contiguous_format) -> bool:
        """Whether the tensor is laid out in `memory_format`: row-major (the default, and what torch reads
        preserve_format as), or channels_last (4-d only)."""
        memory_format = _memory_format(memory_format, "is_contiguous", none_allowed=False)
        return pointwise.in_memory_format(self._data, "contiguous_format" if memory_format == "preserve_format" else
                                 memory_format)

    def __repr__(self) -> str:
        name = self.grad_fn.name() if self.grad_fn is not None else None
        return format_tensor(self._data, dtype_name=self.dtype.name, default_float_name=dt.DEFAULT_FLOAT.name,
                             requires_grad=self._requires_grad, grad_fn_name=name)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        """A 0-d tensor formats as its number (`f"{loss:.4f}"`); any other only with no spec (its repr)."""
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        """A leaf's copy, with a copy of its `.grad` (torch refuses to deepcopy a tensor made by an op)."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment.  If you were attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001")
        rebuild, args = self.__reduce__()
        result = memo[id(self)] = rebuild(self._data.copy(), *args[1:])
        if self._grad is not None:
            result._grad = copy.deepcopy(self._grad, memo)
        return result

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad, adding into `leaf.grad` (with
        `inputs`: only into those tensors' `.grad`). See `autograd.differentiate`."""
        differentiate.backward(self, gradient, retain_graph, create_graph, None, inputs)

    # ------------------------------------------------------------------ arithmetic
    # Operators are `@_operator`s: to a list, None or a string they answer NotImplemented (see there).
    @_operator
    def __add__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Add, self, other)

    __radd__ = __add__

    def add(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return self + (other if _is_one(alpha) else _scaled(self, other, alpha, "add"))

    @_operator
    def __sub__(self, other: Any) -> "Tensor":
        _check_not_bool_sub(self, other)
        return _binary(pointwise.Sub, self, other)

    @_operator
    def __rsub__(self, other: Any) -> "Tensor":
        _check_not_bool_sub(self, other)
        a, b = _promote(self, other)
        if isinstance(b, Tensor):
            return pointwise.Sub.apply(b, a)
        return pointwise.Rsub.apply(a, b)

    def sub(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        _check_not_bool_sub(self, other)  # (before alpha scales a bool `other` into a number)
        return self - (other if _is_one(alpha) else _scaled(self, other, alpha, "sub"))

    @_operator
    def __mul__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Mul, self, other)

    __rmul__ = __mul__

    def mul(self, other: Any) -> "Tensor":
        return _binary(pointwise.Mul, self, other)

    @_operator
    def __truediv__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Div, self, other, True)

    def div(self, other: Any, *, rounding_mode: Any = _NOT_GIVEN) -> "Tensor":
        """`a / b`; with `rounding_mode='trunc'` or `'floor'` the quotient rounded (integers stay integers).
        An explicit `rounding_mode=None` divides too, through torch's other overload (DivBackward2)."""
        if rounding_mode is _NOT_GIVEN:
            return self / other
        if rounding_mode is None:
            return _binary(pointwise.DivWithMode, self, other, True)
        if rounding_mode not in ("trunc", "floor"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
        a, b = _promote(self, other)
        _check_integer_division(a, b, f"div_{rounding_mode}")
        return pointwise.DivRounding.apply(a, b, rounding_mode)

    divide = div
    subtract = sub

    @_operator
    def __rtruediv__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other, floating=True)
        if isinstance(b, Tensor):
            return pointwise.Div.apply(b, a)
        return pointwise.Reciprocal.apply(a) * b  # torch computes `number / x` the same way

    def floor_divide(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        _check_integer_division(a, b, "div_floor")
        return pointwise.FloorDivide.apply(a, b)

    @_operator
    def __floordiv__(self, other: Any) -> "Tensor":
        return self.floor_divide(other)

    @_operator
    def __rfloordiv__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        with np.errstate(over="ignore"):  # (1e40 // float32_t: inf, silently)
            return _as_tensor(b, like=a).to(a.dtype) // a

    def remainder(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        _check_integer_division(a, b, "remainder")
        if isinstance(b, Tensor):
            return pointwise.RemainderTensor.apply(a, b)
        return pointwise.Remainder.apply(a, b)

    @_operator
    def __mod__(self, other: Any) -> "Tensor":
        return self.remainder(other)

    @_operator
    def __rmod__(self, other: Any) -> "Tensor":
        if isinstance(other, Tensor):  # x.__rmod__(y) is y % x
            return other.__mod__(self)
        a, b = _promote(self, other)
        _check_integer_division(a, a, "remainder")
        return pointwise.RemainderOfNumber.apply(a, b)

    def __neg__(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead."
            )
        return pointwise.Neg.apply(self)

    neg = negative = __neg__

    def __pos__(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self

    positive = __pos__

    def isreal(self) -> "Tensor":
        """True everywhere: no complex dtypes here."""
        return pointwise.NoGradient.apply(lambda a: np.ones(a.shape, dtype=bool), self)

    def isposinf(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.isposinf, self)

    def isneginf(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.isneginf, self)

    def pow(self, exponent: Any) -> "Tensor":
        a, b = _promote(self, exponent)
        if a._data.dtype == np.bool_ and isinstance(b, Tensor):
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        if isinstance(b, Tensor):
            return pointwise.PowTensor.apply(a, b)
        number = exponent.item() if isinstance(exponent, np.generic) else exponent  # (b is wrapped: -1 is 255 in uint8)
        if a._data.dtype.kind != "f" and number < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if a._data.dtype.kind != "f" or a._data.dtype == np.float16:
            _checked_scalar(number, a._data.dtype)  # torch converts the exponent into these dtypes, checked
        return pointwise.Pow.apply(a, b)

    @_operator
    def __pow__(self, exponent: Any) -> "Tensor":
        return self.pow(exponent)

    @_operator
    def __rpow__(self, number: Any) -> "Tensor":
        if isinstance(number, Tensor):  # `tensor.__rpow__(base)` called directly: base ** tensor (PowBackward1)
            return number.pow(self)
        a, b = _promote(self, number)
        if a._data.dtype == np.bool_:  # (`True ** bool_tensor`: torch has no bool pow kernel)
            raise NotImplementedError('"pow" not implemented for \'Bool\'')
        return pointwise.Rpow.apply(a, b)

    def matmul(self, other: "Tensor") -> "Tensor":
        _require_tensor(other, "matmul", "other", 1)
        return matmul(self, other)

    def __matmul__(self, other: Any) -> "Tensor":
        return matmul(self, _as_tensor(other)) if isinstance(other, (Tensor, np.ndarray)) else NotImplemented

    def __rmatmul__(self, other: Any) -> "Tensor":
        return matmul(other, self) if isinstance(other, Tensor) else NotImplemented

    def mm(self, other: "Tensor") -> "Tensor":
        if self.ndim != 2 or other.ndim != 2:
            raise RuntimeError("self must be a matrix" if self.ndim != 2 else "mat2 must be a matrix")
        return matmul(self, other)

    def dot(self, other: "Tensor") -> "Tensor":
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        return matmul(self, other)

    def vdot(self, other: "Tensor") -> "Tensor":
        """`dot` with the first vector conjugated: for real tensors the same, recorded as torch's vdot."""
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        _check_matmul(self, other)
        return linalg.Vdot.apply(self, other)

    def reciprocal(self) -> "Tensor":
        return pointwise.Reciprocal.apply(_floating(self))

    def exp(self) -> "Tensor":
        return pointwise.Exp.apply(_floating(self))

    def log(self) -> "Tensor":
        return pointwise.Log.apply(_floating(self))

    def sqrt(self) -> "Tensor":
        return pointwise.Sqrt.apply(_floating(self))

    def abs(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
        return pointwise.Abs.apply(self)

    __abs__ = abs

    def relu(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu")
        return pointwise.Relu.apply(self)

    def sigmoid(self) -> "Tensor":
        return pointwise.Sigmoid.apply(_floating(self))

    def tanh(self) -> "Tensor":
        return pointwise.Tanh.apply(_floating(self))

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        if min is None and max is None:
            raise RuntimeError(f"{dt.PACKAGE}.clamp: At least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            _check_clamp_bounds_match("clamp", min, max)
            if _tensor_or_none(min) and _tensor_or_none(max):
                return _clamp_tensor(self, min, max)
        low = min.item() if isinstance(min, Tensor) else min
        high = max.item() if isinstance(max, Tensor) else max
        x = self
        for bound in (low, high):
            if bound is not None:
                x, _ = _promote(x, bound)  # an int tensor with a float bound becomes float32, as torch
        kernel = "clamp" if low is not None and high is not None else "clamp_min" if high is None else "clamp_max"
        low, high = _clamp_bounds(x, kernel, low, high)
        return pointwise.Clamp.apply(x, low, high)

    clip = clamp

    # ------------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other: Any, ufunc, name: str, operator: bool = False) -> "Tensor":
        """A comparison with a tensor, a number or a NumPy array. Anything else (a string, a list, None)
        is a TypeError for the method; the operator returns NotImplemented, so that Python falls back as
        it does for torch: `t == 'a'` is False, `t != None` True, `t < 'a'` a TypeError. A NumPy array is an
        operand of `==` only, as in torch (`t != array` is True, `t < array` a TypeError, `t.eq(array)` too)."""
        if not isinstance(other, (Tensor, numbers.Number, np.bool_)) and not (
                operator and name == "eq" and isinstance(other, np.ndarray)):
            if operator:
                return NotImplemented
            raise _invalid_arguments(name, (other,), ("Tensor other", "Number other"), ((Tensor,), (_Number,)))
        a, b = _promote(self, other)
        return pointwise.NoGradient.apply(ufunc, a, b)

    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return self._compare(other, np.equal, "eq", operator=True)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        return self._compare(other, np.not_equal, "ne", operator=True)

    def __lt__(self, other: Any) -> "Tensor":
        return self._compare(other, np.less, "lt", operator=True)

    def __le__(self, other: Any) -> "Tensor":
        return self._compare(other, np.less_equal, "le", operator=True)

    def __gt__(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater, "gt", operator=True)

    def __ge__(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater_equal, "ge", operator=True)

    def eq(self, other: Any) -> "Tensor":
        return self._compare(other, np.equal, "eq")

    def ne(self, other: Any) -> "Tensor":
        return self._compare(other, np.not_equal, "ne")

    def lt(self, other: Any) -> "Tensor":
        return self._compare(other, np.less, "lt")

    def le(self, other: Any) -> "Tensor":
        return self._compare(other, np.less_equal, "le")

    def gt(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater, "gt")

    def ge(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater_equal, "ge")

    # torch's longer names of the comparisons (their errors name them so)
    def not_equal(self, other: Any) -> "Tensor":
        return self._compare(other, np.not_equal, "not_equal")

    def less(self, other: Any) -> "Tensor":
        return self._compare(other, np.less, "less")

    def less_equal(self, other: Any) -> "Tensor":
        return self._compare(other, np.less_equal, "less_equal")

    def greater(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater, "greater")

    def greater_equal(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater_equal, "greater_equal")

    def __contains__(self, element: Any) -> bool:
        """`element in t`: whether `element == t` anywhere (a tensor element broadcasts against t,
        so a row of t is found as in torch: `tensor([1, 2]) in tensor([[1, 2], [3, 4]])`)."""
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return builtins.bool((element == self).any().item())

    @_operator
    def __and__(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_and)

    @_operator
    def __or__(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_or)

    @_operator
    def __xor__(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_xor)

    @_operator
    def __ror__(self, other: Any) -> "Tensor":  # (`True | mask`; without it Python finds `type.__ror__`)
        return _bitwise(self, other, np.bitwise_or)

    @_operator
    def __rand__(self, other: Any) -> "Tensor":  # (`3 & t`)
        return _bitwise(self, other, np.bitwise_and)

    @_operator
    def __rxor__(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_xor)

    def __invert__(self) -> "Tensor":
        if self._data.dtype.kind == "f":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return pointwise.NoGradient.apply(np.invert, self)

    def logical_and(self, other: "Tensor") -> "Tensor":
        _require_tensor(other, "logical_and", "other", 1)
        return pointwise.NoGradient.apply(np.logical_and, self, _broadcastable(self, other))

    def logical_or(self, other: "Tensor") -> "Tensor":
        _require_tensor(other, "logical_or", "other", 1)
        return pointwise.NoGradient.apply(np.logical_or, self, _broadcastable(self, other))

    def logical_xor(self, other: "Tensor") -> "Tensor":
        _require_tensor(other, "logical_xor", "other", 1)
        return pointwise.NoGradient.apply(np.logical_xor, self, _broadcastable(self, other))

    def logical_not(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.logical_not, self)

    def isnan(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.isnan, self)

    def isinf(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.isinf, self)

    def isfinite(self) -> "Tensor":
        return pointwise.NoGradient.apply(np.isfinite, self)

    def allclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        """Whether `isclose` holds everywhere (torch's definition: its checks, its formula and dtypes)."""
        return builtins.bool(_isclose(self, other, rtol, atol, equal_nan)._data.all())

    # --- isclose, bitwise functions, true_divide, diff, unflatten, bincount ---
    def isclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> "Tensor":
        """Element-wise |self - other| <= atol + rtol * |other| (equal values, infinities too, are close; nan
        only with `equal_nan`), in torch's dtypes: integers and bools are compared in float32."""
        _require_tensor(other, "isclose", "other", 1)
        return _isclose(self, other, rtol, atol, equal_nan)

    def true_divide(self, other: Any) -> "Tensor":
        return self / other

    def bitwise_and(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_and)

    def bitwise_or(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_or)

    def bitwise_xor(self, other: Any) -> "Tensor":
        return _bitwise(self, other, np.bitwise_xor)

    def bitwise_left_shift(self, other: Any) -> "Tensor":
        return _shift(self, other, np.left_shift)

    def bitwise_right_shift(self, other: Any) -> "Tensor":
        return _shift(self, other, np.right_shift)

    @_operator
    def __lshift__(self, other: Any) -> "Tensor":
        return _shift(self, other, np.left_shift)

    @_operator
    def __rshift__(self, other: Any) -> "Tensor":
        return _shift(self, other, np.right_shift)

    @_operator
    def __rlshift__(self, other: Any) -> "Tensor":  # (`1 << t`)
        return _shift(self, other, np.left_shift, reflected=True)

    @_operator
    def __rrshift__(self, other: Any) -> "Tensor":
        return _shift(self, other, np.right_shift, reflected=True)

    def bitwise_not(self) -> "Tensor":
        if self._data.dtype.kind == "f":
            raise NotImplementedError(f'"bitwise_not_cpu" not implemented for \'{dt.torch_type_name(self._data.dtype)}\'')
        return pointwise.NoGradient.apply(np.invert, self)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> "Tensor":
        """The n-th forward difference along dim (for bools, the xor of neighbours), after joining `prepend`
        and `append` on that dim."""
        return _diff(self, n, dim, prepend, append)

    def unflatten(self, dim: Any, sizes: Any) -> "Tensor":
        """dim split into `sizes` (one of them may be -1): a view, as `view` gives."""
        return _unflatten(self, dim, sizes)

    def bincount(self, weights: Any = None, minlength: int = 0) -> "Tensor":
        """How often each value 0..max occurs in a 1-d non-negative integer tensor (at least `minlength` bins);
        with `weights`, their sums instead (float32 for float32 weights, else float64)."""
        return _bincount(self, weights, minlength)

    def equal(self, other: "Tensor") -> bool:
        _require_tensor(other, "equal", "other", 1)
        return self._data.shape == other._data.shape and builtins.bool(np.array_equal(self._data, other._data))

    def all(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return self._logical_reduce(np.all, "all", dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return self._logical_reduce(np.any, "any", dim, keepdim)

    def _logical_reduce(self, fn, name: str, dim: Any, keepdim: bool) -> "Tensor":
        """`all`/`any`: bool, except that a uint8 tensor answers in uint8 (a legacy torch keeps)."""
        axis = _logical_dims(dim, self.ndim, name)
        out_dtype = np.uint8 if self._data.dtype == np.uint8 else np.bool_
        return pointwise.NoGradient.apply(lambda a: fn(a, axis=axis, keepdims=keepdim).astype(out_dtype), self)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        if dim is None and dtype is None and self._data.dtype.kind == "f":  # the common case, kept short
            return reduction.Sum.apply(self, None, keepdim, None)
        np_dtype = self._int_sum_dtype(dtype)
        dims = _opt_dims(dim, self.ndim, "sum")
        return (reduction.Sum if dims is None else reduction.SumDim).apply(self, dims, keepdim, np_dtype)

    def mean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        if dtype is None and self._data.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
                f"Got: {dt.torch_type_name(self._data.dtype)}"
            )
        np_dtype = None if dtype is None else _mean_dtype("mean", dtype)
        dims = _opt_dims(dim, self.ndim, "mean")
        return (reduction.Mean if dims is None else reduction.MeanDim).apply(self, dims, keepdim, np_dtype)

    def _max_or_min(self, dim: Any, keepdim: bool, largest: bool, other: Any = None):
        if other is not None or isinstance(dim, Tensor):  # torch.max(a, b): element-wise, as torch.maximum
            other = dim if other is None else other
            if not isinstance(other, Tensor):
                raise TypeError(f"{'max' if largest else 'min'}(): argument 'other' (position 2) must be Tensor, "
                                f"not {type(other).__name__}")
            a, b = _promote(self, other)
            return (pointwise.Maximum if largest else pointwise.Minimum).apply(a, b)
        if dim is not None and not isinstance(dim, (builtins.int, np.integer)):
            raise TypeError(f"{'max' if largest else 'min'}() received an invalid combination of arguments - got "
                            f"(Tensor, {type(dim).__name__})")
        if dim is None:
            if self._data.size == 0:
                raise _unnamed_dim_of_empty_error("max" if largest else "min")
            return (reduction.MaxAll if largest else reduction.MinAll).apply(self)
        d = _dim(dim, self.ndim)
        if self._data.ndim and self._data.shape[d] == 0:
            raise IndexError(f"{'max' if largest else 'min'}(): Expected reduction dim {d} to have non-zero size.")
        values, indices = (reduction.MaxDim if largest else reduction.MinDim).apply(self, d, keepdim)
        return _MaxResult(values, indices, "max" if largest else "min")

    def max(self, dim: Any = None, keepdim: bool = False, *, other: Any = None):
        return self._max_or_min(dim, keepdim, True, other)

    def min(self, dim: Any = None, keepdim: bool = False, *, other: Any = None):
        return self._max_or_min(dim, keepdim, False, other)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return _arg_reduce(self, dim, keepdim, np.argmax)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return _arg_reduce(self, dim, keepdim, np.argmin)

    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        d = _dim(dim, self.ndim, "softmax")
        if _check_floating_kernel(self, dtype, d, "softmax"):
            return (self if dtype is None else self.to(dtype)).clone()  # (torch: an empty integer result as it is)
        x = self.to(dtype) if dtype is not None else _floating(self)
        return reduction.Softmax.apply(x, d if self.ndim else None)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        d = _dim(dim, self.ndim, "log_softmax")
        if _check_floating_kernel(self, dtype, d, "log_softmax"):
            return (self if dtype is None else self.to(dtype)).clone()  # (torch: an empty integer result as it is)
        x = self.to(dtype) if dtype is not None else _floating(self)
        return reduction.LogSoftmax.apply(x, d if self.ndim else None)

    def cumsum(self, dim: int, *, dtype: Any = None) -> "Tensor":
        np_dtype = self._int_sum_dtype(dtype, "cumsum")
        return reduction.Cumsum.apply(self, _dim(dim, max(self.ndim, 1), "cumsum"), np_dtype)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any, **keyword: Any) -> "Tensor":
        return shape_op_view(self, _shape_args(shape, "reshape", "shape", sym_int=True, keyword=keyword))

    def view(self, *shape: Any, **keyword: Any) -> "Tensor":
        if len(shape) == 1 and isinstance(shape[0], dt.dtype) or not shape and list(keyword) == ["dtype"]:
            return self._view_as_dtype(shape[0] if shape else keyword["dtype"])
        try:
            size = _shape_args(shape, "view", sym_int=True, keyword=keyword)
        except TypeError:
            if keyword or not shape or _opens_int_list(shape[0]) or _opens_int_list_argument(shape):
                raise
            # (neither overload takes it: torch names both, marking a single argument that each refused)
            raise _invalid_arguments("view", shape, (f"{dt.PACKAGE}.dtype dtype", "tuple of ints size"),
                                     ((), ()) if len(shape) == 1 else None) from None
        return shape_op_view(self, size, "view")

    def _view_as_dtype(self, dtype: dt.dtype) -> "Tensor":
        """`view(dtype)`: self's bytes read as `dtype`, in self's memory. The last dim shrinks or grows by the
        ratio of the element sizes; torch gives no gradient through it, so it is outside the graph (as detach)."""
        target = dt.to_numpy_dtype(dtype)
        if target.itemsize != self._data.itemsize:
            _check_view_as_dtype(self, target)
        out = self.detach()
        out._data = self._data.view(target)
        return out

    def view_as(self, other: "Tensor") -> "Tensor":
        return self.view(other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        # (a 0-d tensor counts as 1-d here, as torch)
        s, e = _dim(start_dim, self.ndim, "flatten", "start_dim"), _dim(end_dim, self.ndim, "flatten", "end_dim", 2)
        if self.ndim == 0:
            return self.reshape(1)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self
        shp = self._data.shape  # (the flattened size spelled out: with 0 elements, -1 would be ambiguous)
        return self.reshape(shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:])

    def squeeze(self, dim: Any = None) -> "Tensor":
        shp = self._data.shape
        if dim is None:
            dims = tuple(i for i, n in enumerate(shp) if n == 1)
            return shape.Squeeze.apply(self, dims)
        given = _int_list(dim, "squeeze", "dim") if isinstance(dim, (tuple, list)) else (dim,)
        wanted = [_dim(w, max(self.ndim, 1)) for w in given]
        for d in wanted:
            if wanted.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        dims = tuple(d for d in wanted if self.ndim and shp[d] == 1)
        return (shape.SqueezeDims if isinstance(dim, (tuple, list)) else shape.SqueezeDim).apply(self, dims)

    def unsqueeze(self, dim: int) -> "Tensor":
        return shape.Unsqueeze.apply(self, _dim(dim, self.ndim + 1, "unsqueeze"))

    def expand(self, *sizes: Any, **keyword: Any) -> "Tensor":
        sizes = _shape_args(sizes, "expand", sym_int=True, keyword=keyword)
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(
                f"expand({_tensor_string(self._data.dtype)}{{{list(shp)}}}, size={list(sizes)}): the number of "
                f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
                f"({len(shp)})"
            )
        lead = len(sizes) - len(shp)
        for i in reversed(range(lead)):  # (torch looks from the last dim: the innermost new -1 is reported)
            if sizes[i] == -1:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                                   f"dimension {i}")
        target = tuple(shp[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
        for i, n in reversed(list(enumerate(shp))):  # (torch reports the last dim that does not fit)
            if n != 1 and n != target[i + lead]:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target[i + lead]}) must match the existing size ({n}) at "
                    f"non-singleton dimension {i + lead}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shp)}"
                )
        return shape.Expand.apply(self, target)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(other.shape)

    def permute(self, *dims: Any, **keyword: Any) -> "Tensor":
        dims = _shape_args(dims, "permute", "dims", keyword=keyword)
        if len(dims) != self.ndim:  # (torch counts the dims before it reads them)
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {self.ndim} is not equal to len(dims) = "
                f"{len(dims)}")
        dims = tuple(_dim(d, self.ndim) for d in dims)
        if len(set(dims)) != self.ndim:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return shape.Permute.apply(self, dims)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        n = max(self.ndim, 1)
        axes = list(range(self.ndim))
        d0, d1 = _dim(dim0, n, "transpose", "dim0"), _dim(dim1, n, "transpose", "dim1", 2)
        if self.ndim == 0:
            return shape.Transpose.apply(self, ())
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return shape.Transpose.apply(self, tuple(axes))

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return self.transpose(axis0, axis1)

    def swapdims(self, dim0: int, dim1: int) -> "Tensor":
        return self.transpose(dim0, dim1)

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return shape.TransposeT.apply(self, tuple(reversed(range(self.ndim))))

    @property
    def T(self) -> "Tensor":
        if self.ndim != 2:  # torch's deprecation warnings, so that course code learns to use .mT / permute
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
                          if self.ndim == 0 else
                          "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                          "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                          "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                          "tensor.", UserWarning, stacklevel=2)
        return shape.Permute.apply(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self) -> "Tensor":
        """The last two dims swapped (a batch of matrices transposed); a 0-d tensor as it is, with a warning."""
        return _batch_transpose(self, "mT", "This function is the identity in these cases.")

    def as_strided(self, size: Any, stride: Any, storage_offset: int | None = None) -> "Tensor":
        """A view of the memory self shares with its base, read with `stride` from element `storage_offset`
        (self's own start by default), as torch checks it: within that memory, no negative stride."""
        size, stride = _int_list(size, "as_strided", "size", sym_int=True), _int_list(stride, "as_strided", "stride", 2)
        offset = self.storage_offset() if storage_offset is None else _int_arg(storage_offset, "as_strided",
                                                                                 "storage_offset", 3)
        if len(size) != len(stride):
            raise RuntimeError("mismatch in length of strides and shape")
        if any(n < 0 for n in stride):
            raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                               f"{list(stride)}")
        if offset < 0:
            raise RuntimeError(f"Tensor: invalid storage offset {offset}")
        needed = 0 if 0 in size else offset + 1 + sum((n - 1) * step for n, step in zip(size, stride))
        available = memory_owner(self._data).nbytes
        if needed * self._data.itemsize > available:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                               f"itemsize {self._data.itemsize} requiring a storage size of "
                               f"{needed * self._data.itemsize} are out of bounds for storage of size {available}")
        return shape.StridedView.apply(self, size, stride, offset)

    def t_(self) -> "Tensor":
        def transposed() -> "Tensor":
            if self.ndim > 2:
                raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
            return self.t()
        return self._reshape_in_place(transposed, "TBackward1")

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        return self._reshape_in_place(lambda: self.transpose(dim0, dim1), "TransposeBackward1")

    def swapaxes_(self, axis0: int, axis1: int) -> "Tensor":
        return self.transpose_(axis0, axis1)

    def swapdims_(self, dim0: int, dim1: int) -> "Tensor":
        return self.transpose_(dim0, dim1)

    def squeeze_(self, dim: Any = None) -> "Tensor":
        number = 3 if dim is None else 5 if isinstance(dim, (tuple, list)) else 4
        return self._reshape_in_place(lambda: self.squeeze(dim), f"SqueezeBackward{number}")

    def unsqueeze_(self, dim: int) -> "Tensor":
        return self._reshape_in_place(lambda: self.unsqueeze(dim), "UnsqueezeBackward1")

    def _reshape_in_place(self, take_view: Any, node_name: str) -> "Tensor":
        """t_, transpose_, squeeze_, unsqueeze_: self becomes its view `take_view()` (taken once torch's in-place
        checks passed), in the same memory: only its shape and strides change. A tensor of the graph takes the
        view's node, by the in-place op's name; its other views, reading memory whose version changed, get an
        AsStrided node (inplace.commit's rules)."""
        inplace.check_inplace(self)
        view = take_view()
        self._data = view._data
        inplace.bump_version(self)
        if view.grad_fn is not None:
            view.grad_fn.node_name = node_name
            self.grad_fn, self._requires_grad = view.grad_fn, True
            inplace.refresh_views(self if self._base is None else self._base, keep=(self, view))
        return self

    def adjoint(self) -> "Tensor":
        """`mH` as a method (its 0-d warning names it so)."""
        if self.ndim == 0:
            warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
            return self
        return _batch_transpose(self, "adjoint()", "")

    def ravel(self) -> "Tensor":
        """One row: a view of self, or of a contiguous copy (torch's `contiguous().view(-1)`)."""
        return self.contiguous().view(-1)

    @property
    def mH(self) -> "Tensor":
        """The conjugate transpose of a batch of matrices: `mT`, as every dtype here is real."""
        return _batch_transpose(self, "mH", "Consider using x.conj().")

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose of a matrix (2-D only): its transpose, as every dtype here is real."""
        if self.ndim == 0:
            warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
            return self
        if self.ndim != 2:
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
                               + (" For batches of matrices, consider using tensor.mH" if self.ndim > 2 else ""))
        return self.transpose(0, 1)

    def gather(self, dim: int, index: "Tensor") -> "Tensor":
        d = _dim(dim, max(self.ndim, 1), "gather")  # (torch checks the dim first)
        if not (isinstance(index, Tensor) and index._data.size == 0):  # (an empty index of any dtype reads nothing)
            _check_index_dtype(index, "gather")
        if index._data.size == 0:  # nothing to read: torch checks nothing more
            return shape.Gather.apply(self, d, index._data)
        if max(index.ndim, 1) != max(self.ndim, 1):  # (a 0-d tensor counts as one dim here, as in torch)
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        if self.ndim == 0 or index.ndim == 0:
            size = self._data.shape[d] if self.ndim else 1
            flat = index._data.reshape(-1)
            if flat.min() < 0 or flat.max() >= size:
                bad = builtins.int(flat[(flat < 0) | (flat >= size)][0])
                raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
            return shape.Gather.apply(self, d, index._data)
        for k, (wanted, have) in enumerate(zip(index._data.shape, self._data.shape)):
            if k != d and wanted > have:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index._data.shape)} to "
                                   f"be no larger than self {list(self._data.shape)} apart from dimension {d}")
        size = self._data.shape[d] if self.ndim else 1
        if index._data.size and (index._data.min() < 0 or index._data.max() >= size):
            bad = index._data[(index._data < 0) | (index._data >= size)].flat[0]
            raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
        return shape.Gather.apply(self, d, index._data)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        # (torch checks the dim, then the index's shape, then its dtype)
        d = _dim(dim, max(self.ndim, 1), "index_select")
        if isinstance(index, Tensor) and index.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        _check_index_dtype(index, "index_select")
        idx = index._data.reshape(-1)
        if self.ndim == 0:  # a 0-d tensor: the index must be one 0 (or -1); the result stays 0-d
            if idx.size != 1:
                raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
            if not 0 <= idx[0] < 1:
                raise IndexError("index out of range in self")
            return shape.IndexSelect.apply(self, 0, idx)
        size = self._data.shape[d]
        if idx.size and self.ndim > 1 and size == 0:
            raise RuntimeError("index_select(): self indexing axis dim should be positive")
        if idx.size and (idx.min() < 0 or idx.max() >= size):
            # torch's kernels for an empty tensor or dim 1 (of 2+ dims) raise their own error
            if self.ndim > 1 and (d == 1 or self._data.size == 0):
                bad = idx[(idx < 0) | (idx >= size)][0]
                raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
            raise IndexError("index out of range in self")
        return shape.IndexSelect.apply(self, d, idx)

    def masked_fill(self, mask: "Tensor", value: Any) -> "Tensor":
        cond = _as_tensor(mask)
        if cond._data.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{_TYPEMETA_NAME[cond._data.dtype.name]}")
        _check_broadcast(cond._data.shape, self._data.shape)  # (torch expands the mask against self)
        if isinstance(value, Tensor):
            if value.ndim:
                raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value.ndim} dimension(s).")
            _checked_scalar(value.item(), self._data.dtype)  # (torch checks its value as it checks a number's)
            return pointwise.MaskedFillTensor.apply(cond, value, self)
        return pointwise.MaskedFill.apply(cond, _checked_scalar(value, self._data.dtype), self)

    def where(self, condition: Any, other: Any) -> "Tensor":
        """`where(condition, self, other)`."""
        return where(condition, self, other)

    def __getitem__(self, key: Any) -> "Tensor":
        np_key, op, checks = _index_key(key, self._data.shape)
        if op is shape.Index:
            _check_index_arrays(checks, stacklevel=2)
            _check_index_bounds(checks)
            return op.apply(self, np_key, _uint8_masks(checks))
        if op is shape.Alias and isinstance(key, slice):  # torch slices for a lone `x[:]` (`x[:, :]` is an alias)
            op = shape.Slice
        return op.apply(self, np_key)

    def __setitem__(self, key: Any, value: Any) -> None:
        value = _setitem_value(self, value)  # (torch reads the value first: `x[9] = None` is a TypeError)
        if key is False:
            return  # torch writes nothing (a False adds a dimension of size 0)
        np_key, op, checks = _index_key(key, self._data.shape)
        value_t = value if isinstance(value, Tensor) else None
        index_put = op is shape.Index and key is not True  # (else torch copies into a view: `x[True]` unsqueezes)
        recording = grad_mode._enabled and (self._requires_grad or (value_t is not None and value_t._requires_grad))
        expanded_ok = index_put and not recording  # (an `expand`ed self: see `_warn_expanded`)
        if value_t is not None and not index_put:
            _check_setitem_shape(self, np_key, value_t, advanced=False)  # (torch expands the value before copy_)
        written = None if op is shape.Index else self._data[np_key + (() if Ellipsis in np_key else (Ellipsis,))]
        if op is shape.Index and _views_before_advanced(checks.items, self._data.shape):
            op = shape.Slice  # torch first takes a view (int, None or partial slice), then index_put_ on it
        if op is not shape.Index:  # torch writes through a view of self (or, for all of it, into self)
            _check_inplace(self, through_view=op if op is not shape.Alias else None, written=written,
                           expanded_ok=expanded_ok)
            put = shape.IndexPutCopySlices if op is not shape.Alias else (  # (copy_ when the shapes are equal)
                shape.IndexPutCopy if (value_t is not None and value_t.ndim) or not self.ndim else shape.IndexPutFill)
        else:
            _check_inplace(self, expanded_ok=expanded_ok)
            put = shape.IndexPut
        _check_setitem(self, np_key, checks, value, index_put)
        if recording:
            target = self
            if written is not None and inplace.overlaps(self._data):  # (`expand`ed: write into just the part, a view)
                target, np_key = op.apply(self, np_key), (Ellipsis,)
            value = value_t if value_t is not None else value
            inplace.commit(target, put.apply(target, np_key, value, _uint8_masks(checks)))
        else:
            target, key_rest = shape.split_key(self._data, np_key)  # (a two-step key: its view part first)
            target[key_rest] = shape.without_leading_ones(value_t._data) if value_t is not None else value
            inplace.bump_version(self)

    def index_put_(self, indices: Sequence, values: Any, accumulate: bool = False) -> "Tensor":
        """`self[indices] = values` (`indices`: a tuple of index tensors, one per leading dim); with
        `accumulate=True`, values at a repeated position add up (`x[i] += v` would keep only one).

        Unlike `x[key] = v`, every index is a tensor index (a 0-d one too) and `values` keeps its
        leading 1s; torch's checks come in its order: the in-place checks, the number of indices,
        (the masked_fill_ shortcut), overlap, the index tensors, the values' shape and dtype, bounds."""
        arrays = _index_put_arrays(indices, "index_put_")
        _require_tensor(values, "index_put_", "values", 2)
        recording = grad_mode._enabled and (self._requires_grad or values._requires_grad)
        _check_inplace(self, expanded_ok=not recording)
        if len(arrays) > self.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self.ndim} (got {len(arrays)})")
        np_key, _, checks = _index_key(tuple(arrays), self._data.shape)
        _warn_expanded(self._data, "index_put_", stacklevel=2)
        if not accumulate and values._data.size == 1 and _fills_through_masked_fill(checks):
            _check_masked_fill_value(self, checks, values, self._data, stacklevel=3)
        else:
            _check_index_put(self, np_key, checks, values, arrays)
        if recording:
            put = shape.IndexPutAccumulate if accumulate else shape.IndexPut
            return self._inplace(put.apply(self, np_key, values, _uint8_masks(checks)))
        if accumulate:  # (written into self's memory, as torch: an `expand`ed self adds every value in)
            np.add.at(self._data, np_key, values._data)
        else:
            self._data[np_key] = values._data
        inplace.bump_version(self)
        return self

    def index_put(self, indices: Sequence, values: Any, accumulate: bool = False) -> "Tensor":
        """`index_put_` on a copy: `self` is unchanged (its arguments checked under its own name)."""
        _index_put_arrays(indices, "index_put")
        _require_tensor(values, "index_put", "values", 2)
        return self.clone().index_put_(indices, values, accumulate)

    def masked_fill_(self, mask: "Tensor", value: Any) -> "Tensor":
        """`masked_fill` written into `self` (the mask broadcasts to self's shape, not beyond)."""
        recording = grad_mode._enabled and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad))
        _check_inplace(self, expanded_ok=not recording)
        if isinstance(mask, Tensor) and mask._data.dtype == np.bool_:  # (in place, self comes first in the message)
            _check_broadcast(self._data.shape, mask._data.shape)
        result = self.masked_fill(mask, value)
        if recording or not inplace.overlaps(self._data):
            return self._inplace(result)
        _warn_expanded(self._data, "masked_fill_", stacklevel=2)  # (the masked positions only: others share memory)
        np.copyto(self._data, result._data, where=np.broadcast_to(mask._data, self._data.shape))
        inplace.bump_version(self)
        return self

    # ------------------------------------------------------------------ in-place (see autograd/inplace.py)
    def _inplace(self, result: "Tensor") -> "Tensor":
        """Make `self` hold `result`: same Tensor object and memory, new value (and new grad_fn if recorded)."""
        return inplace.commit(self, result)

    def add_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self + (other if _is_one(alpha) else _scaled(self, other, alpha, "add_")))

    def sub_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        _check_inplace(self)
        _check_not_bool_sub(self, other)
        return self._inplace(self - (other if _is_one(alpha) else _scaled(self, other, alpha, "sub_")))

    def mul_(self, other: Any) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self * other)


    # `a += b` is in place, as in torch: `w -= lr * w.grad` (under no_grad) updates the weight itself.
    # (To a list or None they answer NotImplemented, as the other operators: see `__add__`.)
    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other) if isinstance(other, _OPERANDS) else NotImplemented

    def _inplace_operator(self, op: Any, other: Any) -> "Tensor":
        """`a //= b`, `a %= b`, `a **= b`, `a &= b`...: in place too (else Python would rebind `a` to `a // b`).
        torch checks that the result dtype fits `a` before it computes (`bool_t &= 1.5`: not the kernel's error)."""
        if not isinstance(other, _OPERANDS):
            return NotImplemented
        _check_inplace(self)
        _check_output_shape(self, other)
        _check_result_fits(self, other)
        return self._inplace(_named_in_place(op(self, other)))

    def __ifloordiv__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.floordiv, other)

    def __imod__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.mod, other)

    def __ipow__(self, other: Any) -> "Tensor":
        if self._data.dtype.kind in "biu" and isinstance(other, (builtins.int, np.integer)) and other < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")  # (before the dtype check)
        return self._inplace_operator(operator.pow, other)

    def __iand__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.and_, other)

    def __ior__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.or_, other)

    def __ixor__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.xor, other)

    def __ilshift__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.lshift, other)

    def __irshift__(self, other: Any) -> "Tensor":
        return self._inplace_operator(operator.rshift, other)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        _check_clamp_bounds_match("clamp_", min, max)
        _check_inplace(self)
        _check_output_shape(self, min, max)
        _check_bounds_fit(self, min, max)
        return self._inplace(self.clamp(min, max))

    clip_ = clamp_

    def relu_(self) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.relu())

    def _overwrite(self, value: Any, op: Any) -> "Tensor":
        """fill_/zero_/copy_/uniform_/normal_: new values that do not depend on the old ones."""
        _check_inplace(self)
        if isinstance(value, Tensor) and value._data.shape != self._data.shape:
            _check_broadcast(self._data.shape, value._data.shape)
            full = np.broadcast_shapes(self._data.shape, value._data.shape)
            if full != self._data.shape:
                raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                                   f"{list(full)}")
        return self._inplace(op.apply(self, value))

    def copy_(self, src: "Tensor", non_blocking: bool = False) -> "Tensor":
        """src's values, broadcast and cast to self's dtype (a tensor or a number: a list or an array is refused)."""
        if not isinstance(src, (Tensor, *_Number)):
            raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {_type_name(src)}")
        if isinstance(src, Tensor) and _memory_overlap(self._data, src._data) == "partial":  # (`t[1:].copy_(t[:-1])`)
            raise RuntimeError(_OVERLAP_ERROR)
        return self._overwrite(src if isinstance(src, Tensor) else np.asarray(src), shape.Copy)

    def zero_(self) -> "Tensor":
        return self._overwrite(0, shape.Zero)

    def fill_(self, value: Any) -> "Tensor":
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        if isinstance(value, Tensor):  # (a tensor's value is cast as it is: 300 wraps to 44 in uint8)
            return self._overwrite(value, shape.FillTensor)
        into = _scalar_into if self._data.size == 1 else _checked_scalar  # (torch's 1-element path: float16 inf)
        return self._overwrite(into(value, self._data.dtype).item(), shape.Fill)  # (a number is checked)

    # ---- random fills: torch's numbers for the same seed (minitorch_ref/_generator.py)
    def _memory_order(self) -> list:
        """The dimensions from the outermost in memory to the innermost (by stride)."""
        return sorted(range(self._data.ndim), key=lambda d: -abs(self._data.strides[d]))

    def _in_memory_order(self, values: np.ndarray) -> np.ndarray:
        """Place a flat run of random values as torch's kernels write them: in memory order (a transposed
        view is filled along its storage), which is the logical order for contiguous tensors."""
        data = self._data
        if data.flags.c_contiguous:
            return values.reshape(data.shape)
        outer_first = self._memory_order()
        out = np.empty(data.shape, values.dtype)
        out.transpose(outer_first)[...] = values.reshape([data.shape[d] for d in outer_first])
        return out

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        values = _random_source(generator).uniform(self._data.size, self._data.dtype, a, b)
        return self._overwrite(self._in_memory_order(values), shape.Uniform)

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> "Tensor":
        values = _random_source(generator).normal(self._data.size, self._data.dtype, mean, std,
                                                      contiguous=self._data.flags.c_contiguous)
        return self._overwrite(self._in_memory_order(values), shape.Normal)

    def random_(self, low: int | None = None, high: Any = ..., *, generator: Any = None) -> "Tensor":
        """Integers: [0, 2**mantissa] (floats) or [0, max] without bounds; random_(to): [0, to);
        random_(from, to): [from, to); random_(from, None): from `from` to the dtype's largest value."""
        source, n = _random_source(generator), self._data.size
        if low is None:
            values = source.random_default(n, self._data.dtype)
        else:
            low, high = (0, low) if high is ... else (low, high)  # (`...`: no second argument given)
            values = source.integers(n, as_long(low), None if high is None else as_long(high), self._data.dtype)
        return self._overwrite(self._in_memory_order(values), shape.Random)

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> "Tensor":
        source = _random_source(generator)
        if isinstance(p, Tensor):  # in self's memory order too, each draw against its element's p
            order = self._memory_order()
            p_in_order = np.broadcast_to(p._data, self._data.shape).transpose(order)
            values = source.bernoulli_tensor(p_in_order).transpose(np.argsort(order))
        else:
            values = self._in_memory_order(source.bernoulli_scalar(self._data.size, float(p)))
        return self._overwrite(values.astype(self._data.dtype), shape.Bernoulli)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> "Tensor":
        """0/1 draws: each element is 1 with probability `self` (or `p`), in self's dtype."""
        if p is not None:
            return Tensor._make(np.empty_like(self._data)).bernoulli_(p, generator=generator)
        values = _random_source(generator).bernoulli_tensor(self._data)
        return Tensor._make(values.astype(self._data.dtype))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> "Tensor":
        values = _random_source(generator).exponential(self._data.size, self._data.dtype, lambd)
        return self._overwrite(self._in_memory_order(values), shape.Exponential)

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Any = None) -> "Tensor":
        """Indices drawn from the rows of `self` (non-negative weights), torch's CPU algorithm."""
        weights = self._data
        if weights.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if weights.dtype.kind != "f":
            raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                               f"{dt.torch_type_name(weights.dtype)}")
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        if not replacement and num_samples > weights.shape[-1]:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        if not replacement or num_samples == 1:  # (with replacement, the sampling loop checks each row)
            if (weights < 0).any() or not np.isfinite(weights).all():
                raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
            if (weights.reshape(-1, weights.shape[-1]).sum(axis=1) <= 0).any():
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        picks = _random_source(generator).multinomial(weights, builtins.int(num_samples), replacement)
        return Tensor._make(picks)


    # --- ops added for issue 12 ---
    # (pointwise)
    def sin(self) -> "Tensor":
        return pointwise.Sin.apply(_floating(self))

    def cos(self) -> "Tensor":
        return pointwise.Cos.apply(_floating(self))

    def rsqrt(self) -> "Tensor":
        return pointwise.Rsqrt.apply(_floating(self))

    def log1p(self) -> "Tensor":
        return pointwise.Log1p.apply(_floating(self))

    def log2(self) -> "Tensor":
        return pointwise.Log2.apply(_floating(self))

    def expm1(self) -> "Tensor":
        return pointwise.Expm1.apply(_floating(self))

    def erf(self) -> "Tensor":
        return pointwise.Erf.apply(_floating(self))

    def square(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            return pointwise.Square.apply(self.long())
        return pointwise.Square.apply(self)

    def _no_bool(self, kernel: str) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        return self

    def floor(self) -> "Tensor":
        return pointwise.Floor.apply(self._no_bool("floor_vml_cpu"))

    def ceil(self) -> "Tensor":
        return pointwise.Ceil.apply(self._no_bool("ceil_vml_cpu"))

    def trunc(self) -> "Tensor":
        return pointwise.Trunc.apply(self._no_bool("trunc_vml_cpu"))

    fix = trunc

    def sign(self) -> "Tensor":
        return pointwise.Sign.apply(self)

    def round(self, *, decimals: Any = None) -> "Tensor":
        """Any `decimals=`, even 0, picks torch's other overload: no integer kernel, node RoundBackward1."""
        if decimals is None:
            return pointwise.Round.apply(self._no_bool("round_vml_cpu"))
        if self._data.dtype.kind != "f":
            kernel = "round_cpu" if decimals else "round_vml_cpu"
            raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.torch_type_name(self._data.dtype)}\'')
        return pointwise.RoundDecimals.apply(self, builtins.int(decimals))

    def atan2(self, other: "Tensor") -> "Tensor":
        return _atan2(self, other, "atan2")

    def arctan2(self, other: "Tensor") -> "Tensor":
        return _atan2(self, other, "arctan2")  # (its errors name it)

    def lerp(self, end: "Tensor", weight: Any = _NOT_GIVEN) -> "Tensor":
        if not isinstance(end, Tensor) or not isinstance(weight, (Tensor,) + _Number):
            given = (end,) if weight is _NOT_GIVEN else (end, weight)
            raise _invalid_arguments("lerp", given, ("Tensor end, Tensor weight", "Tensor end, Number weight"),
                                     None if weight is _NOT_GIVEN else ((Tensor, Tensor), (Tensor, _Number)))
        if self._data.dtype != end._data.dtype:
            raise RuntimeError(f"expected dtype {_dtype_word(self)} for `end` but got dtype {_dtype_word(end)}")
        if isinstance(weight, Tensor):
            if weight._data.ndim and weight._data.dtype != self._data.dtype:  # (a 0-d weight may differ)
                raise RuntimeError(f"expected dtype {_dtype_word(self)} for `weight` but got dtype "
                                   f"{_dtype_word(weight)}")
            for shape_ in (end._data.shape, weight._data.shape):
                _check_broadcast(self._data.shape, shape_)
            start, weight = _promote(self, weight)  # (a 0-d float weight makes integer ends float, as in torch)
            _check_lerp_kernel("lerp_kernel_tensor", start)
            return pointwise.LerpTensor.apply(start, _cast(end, start._data.dtype), weight)
        _check_broadcast(self._data.shape, end._data.shape)
        _check_lerp_kernel("lerp_kernel_scalar", self)
        return pointwise.Lerp.apply(self, end, weight)

    def addcmul(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        """`self + value * tensor1 * tensor2`, the three tensors broadcast and promoted together."""
        return self._addc(pointwise.Addcmul, "addcmul", tensor1, tensor2, value, 1)

    def addcdiv(self, tensor1: "Tensor", tensor2: "Tensor", *, value: Any = 1) -> "Tensor":
        """`self + value * tensor1 / tensor2`; two integer tensors are refused (torch once divided them as integers)."""
        return self._addc(pointwise.Addcdiv, "addcdiv", tensor1, tensor2, value, 1)

    def _addc(self, op: Any, name: str, tensor1: Any, tensor2: Any, value: Any, position: int) -> "Tensor":
        """addcmul/addcdiv after torch's checks, in its order: arguments, (addcdiv) integer division, shapes, kernel.
        `position` is tensor1's place in the call (1 for the method, 2 for `torch.addcmul(input, ...)`)."""
        _require_tensor(tensor1, name, "tensor1", position)
        _require_tensor(tensor2, name, "tensor2", position + 1)
        if isinstance(value, Tensor):
            value = value.item()
        _readable(value)
        if not isinstance(value, _Number):
            raise TypeError(f"{name}(): argument 'value' must be Number, not {_type_name(value)}")
        if name == "addcdiv" and tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
            raise RuntimeError(
                "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform "
                "a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
                f"value * {dt.PACKAGE}.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + "
                "value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter "
                "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        shape_ = self._data.shape
        for t in (tensor1, tensor2):  # (torch broadcasts the operands one after another, so "a" is the shape so far)
            _check_broadcast(shape_, t._data.shape)
            shape_ = np.broadcast_shapes(shape_, t._data.shape)
        np_dtype = _result_dtype(self, tensor1, tensor2)
        if np_dtype == np.bool_:
            raise NotImplementedError(f"\"{name}_cpu_out\" not implemented for 'Bool'")
        # value as the kernel holds it (its scalar_t; float for float16), with torch's overflow check: -1 wraps
        # to 255 in uint8, -0.5 or 300 into uint8 and 1e39 into float32 raise
        held = _checked_scalar(value, np.dtype(np.float32) if np_dtype == np.float16 else np_dtype)[()]
        value = builtins.float(held) if np_dtype.kind == "f" else held
        return op.apply(_cast(self, np_dtype), _cast(tensor1, np_dtype), _cast(tensor2, np_dtype), value)

    def dist(self, other: "Tensor", p: Any = 2) -> "Tensor":
        """The p-norm of `self - other` (broadcast): `(self - other).norm(p)` in one node."""
        return self._dist(other, p, 1)

    def _dist(self, other: Any, p: Any, position: int) -> "Tensor":
        _require_tensor(other, "dist", "other", position)
        if isinstance(p, Tensor):
            p = p.item()
        if not isinstance(p, _Number):
            raise TypeError(f"dist(): argument 'p' (position {position + 1}) must be Number, not {_type_name(p)}")
        if self._data.dtype == np.bool_ or other._data.dtype == np.bool_:
            _check_not_bool_sub(self, other)  # (torch subtracts first: its error for bool tensors)
        a, b = _promote(self, other)
        if a._data.dtype.kind != "f":
            raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                               f"{dt.torch_type_name(a._data.dtype)} instead.")
        p = builtins.float(p)
        if (p < 0 or p == np.inf) and 0 in np.broadcast_shapes(a._data.shape, b._data.shape):
            raise _no_identity_error(p)
        return reduction.Dist.apply(a, b, p)

    def select(self, dim: int, index: int) -> "Tensor":
        """The slice at `index` along `dim`, that dim removed: `x.select(1, 2)` is `x[:, 2]` (a view)."""
        index = _int_arg(index, "select", "index", 2, sym_int=True)
        dim = _int_arg(dim, "select")
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        d = _dim(dim, self.ndim)
        size = self._data.shape[d]
        if not -size <= index < size:
            raise IndexError(f"select(): index {index} out of range for tensor of size {list(self._data.shape)} at "
                             f"dimension {d}")
        return shape.Select.apply(self, (slice(None),) * d + (builtins.int(index) % size,))

    def take(self, index: "Tensor") -> "Tensor":
        """Elements of `self` read as one flat (row-major) vector, at `index`; the result has index's shape."""
        _require_tensor(index, "take", "index", 1)
        if index._data.dtype != np.int64:
            raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                               f"{dt.torch_type_name(index._data.dtype)}")
        n = self._data.size
        if index._data.size:
            if n == 0:
                raise IndexError("take(): tried to take from an empty tensor")
            flat = index._data.reshape(-1)
            bad = flat[(flat < -n) | (flat >= n)]
            if bad.size:
                raise IndexError(f"out of range: tried to access index {bad[0]} on a tensor of {n} elements.")
        return shape.Take.apply(self, index._data)

    def take_along_dim(self, indices: "Tensor", dim: Any = None) -> "Tensor":
        """The values at `indices` along `dim` (a negative one counts from the end), self and indices broadcast
        to each other in the other dims (a `gather` of the pair); without a dim, both read as flat rows
        (`view(-1)`, as torch: no copy, and no negative index)."""
        return self._take_along_dim(indices, dim, 1)

    def _take_along_dim(self, indices: "Tensor", dim: Any, position: int) -> "Tensor":
        _require_tensor(indices, "take_along_dim", "indices", position)
        if dim is None:
            return self.view(-1).gather(0, indices.view(-1))
        dim, prefix = _int_arg(dim, "take_along_dim", "dim", position + 1), f"{dt.PACKAGE}.take_along_dim():"
        if self.ndim != indices.ndim:
            raise RuntimeError(f"{prefix} input and indices should have the same number of dimensions, but got "
                               f"{self.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
        if indices._data.dtype != np.int64:
            raise RuntimeError(f"{prefix} dtype of indices should be Long but got "
                               f"{dt.torch_type_name(indices._data.dtype)}")
        d = _dim(dim, self.ndim)
        indices.size(dim)  # (torch reads it before broadcasting: a 0-d pair has no dim to take along)
        index_shape = _broadcast_except(self._data.shape, indices, d)
        counted = np.where(indices._data < 0, indices._data + self._data.shape[d], indices._data)  # (from the end)
        return self.expand(_broadcast_except(indices._data.shape, self, d)).gather(
            d, Tensor._make(counted).expand(index_shape))

    def select_scatter(self, src: "Tensor", dim: int, index: Any) -> "Tensor":
        """A copy of self with `src` written into `self.select(dim, index)`."""
        return _select_scatter(self, src, dim, index, position=1)

    def slice_scatter(self, src: "Tensor", dim: int = 0, start: Any = None, end: Any = None, step: Any = 1):
        """A copy of self with `src` written into the slice start:end:step of dim."""
        return _slice_scatter(self, src, dim, start, end, step, position=1)

    def diagonal_scatter(self, src: "Tensor", offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        """A copy of self with `src` written into `self.diagonal(offset, dim1, dim2)`."""
        return _diagonal_scatter(self, src, offset, dim1, dim2, position=1)

    def resize_(self, *sizes: Any, memory_format: Any = None, **keyword: Any) -> "Tensor":
        """Self given the shape `sizes`, row-major (or channels_last), in its memory from its storage offset on:
        the elements that fit keep their values (the first ones in memory order); a larger size takes a larger
        memory, its new elements uninitialised (as torch's). The same shape changes nothing, unless a
        memory_format is asked for. A tensor that requires grad cannot be resized."""
        size = _shape_args(sizes, "resize_", sym_int=True, keyword=keyword)
        if self._requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        if builtins.any(n < 0 for n in size):
            raise RuntimeError("numel: integer multiplication overflow")
        if memory_format is dt.preserve_format:
            raise RuntimeError("Unsupported memory formatPreserve")
        if memory_format is dt.channels_last and len(size) != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        resized = size != self._data.shape
        if not resized and memory_format is None:
            return self
        memory = memory_owner(self._data).reshape(-1, order="A").view(self._data.dtype)
        offset, count = self.storage_offset(), builtins.int(np.prod(size))
        if offset + count > memory.size:
            grown = np.empty(offset + count, self._data.dtype)
            grown[:memory.size] = memory
            memory = grown
        memory = memory[offset:offset + count]
        self._data = (memory.reshape(size) if memory_format is not dt.channels_last else
                      memory.reshape(size[0], size[2], size[3], size[1]).transpose(0, 3, 1, 2))
        if resized:
            inplace.bump_version(self)
        return self

    def resize_as_(self, the_template: "Tensor", memory_format: Any = None) -> "Tensor":
        """`resize_` to the shape of `the_template`."""
        _require_tensor(the_template, "resize_as_", "the_template", 1)
        return self.resize_(the_template.shape, memory_format=memory_format)

    def as_strided_(self, size: Any, stride: Any, storage_offset: int | None = None) -> "Tensor":
        """Self becomes its view `as_strided(size, stride, storage_offset)`, in place."""
        return self._reshape_in_place(lambda: self.as_strided(size, stride, storage_offset), "AsStridedBackward1")

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> "Tensor":
        return pointwise.NanToNum.apply(self, nan, posinf, neginf)

    def clamp_min(self, min: Any) -> "Tensor":
        return self._clamp_one(min, pointwise.ClampMin, pointwise.ClampMinTensor)

    def clamp_max(self, max: Any) -> "Tensor":
        return self._clamp_one(max, pointwise.ClampMax, pointwise.ClampMaxTensor)

    def _clamp_one(self, bound: Any, op: Any, tensor_op: Any) -> "Tensor":
        if isinstance(bound, Tensor):
            a, b = _promote(self, bound)
            return tensor_op.apply(a, b)
        if isinstance(bound, np.generic):
            bound = bound.item()
        x, _ = _promote(self, bound)  # an int tensor with a float bound becomes float32, as torch
        (bound,) = _clamp_bounds(x, "clamp_min" if op is pointwise.ClampMin else "clamp_max", bound)
        return op.apply(x, bound)

    def short(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.int16, memory_format=memory_format)

    def byte(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.uint8, memory_format=memory_format)

    def char(self, memory_format: Any = None) -> "Tensor":
        return self.to(dt.int8, memory_format=memory_format)

    # --- ops added for issue 12, third part ---
    # (pointwise: integer inputs are computed in the default float dtype, as sin)
    def tan(self) -> "Tensor":
        return pointwise.Tan.apply(_floating(self))

    def asin(self) -> "Tensor":
        return pointwise.Asin.apply(_floating(self))

    def acos(self) -> "Tensor":
        return pointwise.Acos.apply(_floating(self))

    def atan(self) -> "Tensor":
        return pointwise.Atan.apply(_floating(self))

    def sinh(self) -> "Tensor":
        return pointwise.Sinh.apply(_floating(self))

    def cosh(self) -> "Tensor":
        return pointwise.Cosh.apply(_floating(self))

    def asinh(self) -> "Tensor":
        return pointwise.Asinh.apply(_floating(self))

    def acosh(self) -> "Tensor":
        return pointwise.Acosh.apply(_floating(self))

    def atanh(self) -> "Tensor":
        return pointwise.Atanh.apply(_floating(self))

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def log10(self) -> "Tensor":
        return pointwise.Log10.apply(_floating(self))

    def exp2(self) -> "Tensor":
        return pointwise.Exp2.apply(_floating(self))

    def erfc(self) -> "Tensor":
        return pointwise.Erfc.apply(_floating(self))

    def erfinv(self) -> "Tensor":
        """The inverse of erf on (-1, 1): ±inf at ±1, NaN beyond."""
        return pointwise.Erfinv.apply(_floating(self))

    def heaviside(self, values: "Tensor") -> "Tensor":
        """The step function: 0 below zero, 1 above, `values` (broadcast, of self's dtype) at zero."""
        _require_tensor(values, "heaviside", "values", 1)
        if self._data.dtype != values._data.dtype:
            raise RuntimeError(_HEAVISIDE_DTYPES_DIFFER)
        _check_broadcast(self._data.shape, values._data.shape)
        return pointwise.Heaviside.apply(self, values)

    def deg2rad(self) -> "Tensor":
        return pointwise.Deg2rad.apply(_floating(self))

    def rad2deg(self) -> "Tensor":
        return pointwise.Rad2deg.apply(_floating(self))

    def sinc(self) -> "Tensor":
        return pointwise.Sinc.apply(_floating(self))

    def frac(self) -> "Tensor":
        if self._data.dtype.kind != "f":  # (no integer kernel: torch does not promote here)
            raise NotImplementedError(f'"frac_cpu" not implemented for \'{dt.torch_type_name(self._data.dtype)}\'')
        return pointwise.Frac.apply(self)

    def sgn(self) -> "Tensor":
        return pointwise.Sgn.apply(self)

    def logit(self, eps: float | None = None) -> "Tensor":
        return pointwise.Logit.apply(_floating(self), eps)

    # (binary)
    def _float_only(self, other: Any, name: str):
        """hypot, logaddexp, logaddexp2: two tensors, floating point only (no integer kernels in torch)."""
        _require_tensor(other, name, "other", 1)
        a, b = _promote(self, other)
        if a._data.dtype.kind != "f":
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{dt.torch_type_name(a._data.dtype)}\'')
        return a, b

    def fmod(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        _check_integer_division(a, b, "fmod")
        return (pointwise.FmodTensor if isinstance(b, Tensor) else pointwise.Fmod).apply(a, b)

    def hypot(self, other: "Tensor") -> "Tensor":
        return pointwise.Hypot.apply(*self._float_only(other, "hypot"))

    def logaddexp(self, other: "Tensor") -> "Tensor":
        return pointwise.Logaddexp.apply(*self._float_only(other, "logaddexp"))

    def logaddexp2(self, other: "Tensor") -> "Tensor":
        return pointwise.Logaddexp2.apply(*self._float_only(other, "logaddexp2"))

    def xlogy(self, other: Any) -> "Tensor":
        a, b = _promote(self, other, floating=True)
        return (pointwise.Xlogy if isinstance(b, Tensor) else pointwise.XlogyOfNumber).apply(a, b)

    def copysign(self, other: Any) -> "Tensor":
        a, b = _promote(self, other, floating=True)
        return (pointwise.Copysign if isinstance(b, Tensor) else pointwise.CopysignNumber).apply(a, b)

    def float_power(self, exponent: Any) -> "Tensor":
        """`pow` computed in float64, whatever the dtypes (torch's definition)."""
        if isinstance(exponent, Tensor):
            return self.double() ** exponent.double()
        return self.double() ** builtins.float(exponent)

    def _tensor_other(self, other: Any, name: str):
        _require_tensor(other, name, "other", 1)
        return other

    def fmax(self, other: "Tensor") -> "Tensor":
        return pointwise.Fmax.apply(*_promote(self, self._tensor_other(other, "fmax")))

    def fmin(self, other: "Tensor") -> "Tensor":
        return pointwise.Fmin.apply(*_promote(self, self._tensor_other(other, "fmin")))

    def maximum(self, other: "Tensor") -> "Tensor":
        """Element-wise larger of two tensors (broadcast); a tie sends half the gradient to each."""
        return pointwise.Maximum.apply(*_promote(self, self._tensor_other(other, "maximum")))

    def minimum(self, other: "Tensor") -> "Tensor":
        """Element-wise smaller of two tensors (broadcast); a tie sends half the gradient to each."""
        return pointwise.Minimum.apply(*_promote(self, self._tensor_other(other, "minimum")))

    def signbit(self) -> "Tensor":
        """True where the sign bit is set: -0.0 and a negative NaN too (no gradient)."""
        return pointwise.NoGradient.apply(np.signbit, self)

    def ldexp(self, other: "Tensor") -> "Tensor":
        other_t = self._tensor_other(other, "ldexp")
        _check_broadcast(self._data.shape, other_t._data.shape)
        if other_t._data.dtype == np.bool_ and self._data.dtype.kind == "f":  # (torch's exp2 of a bool exponent)
            raise NotImplementedError("\"ldexp_cpu_exp\" not implemented for 'Bool'")
        a, b = _promote(self, other_t, floating=True)
        return pointwise.Ldexp.apply(a, other_t if other_t._data.dtype.kind in "biu" else b)  # (see Ldexp)

    # (reductions)
    def nansum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        return reduction.Nansum.apply(self, _opt_dims(dim, self.ndim, "nansum"), keepdim, self._int_sum_dtype(dtype))

    def nanmean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        """nansum / the count of non-NaN elements (torch's composition: the node is a division)."""
        if self._data.dtype.kind != "f":
            raise RuntimeError("nanmean(): expected input to have floating point or complex dtype but got "
                               f"{dt.torch_type_name(self._data.dtype)}")
        if dtype is not None:
            _mean_dtype("nanmean", dtype)
        return self.nansum(dim, keepdim, dtype=dtype) / self.isnan().logical_not().sum(dim, keepdim)

    def _moments(self, name: str, var_op: Any, mean_op: Any, dim: Any, unbiased: Any, keepdim: bool,
                 correction: Any) -> tuple:
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"{name} only support floating point and complex dtypes")
        dims, keepdim, correction = self._var_args(dim, unbiased, keepdim, correction, name, stacklevel=5)
        return var_op.apply(self, dims, keepdim, correction), mean_op.apply(self, dims, keepdim, None)

    def _var_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None):
        return self._moments("var_mean", reduction.VarMean, reduction.MeanOfVarMean, dim, unbiased, keepdim,
                             correction)

    def _std_mean(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None):
        return self._moments("std_mean", reduction.StdMean, reduction.MeanOfStdMean, dim, unbiased, keepdim,
                             correction)

    def trace(self) -> "Tensor":
        if self._data.dtype == np.bool_:  # (torch checks the dtype first)
            raise NotImplementedError("\"trace\" not implemented for 'Bool'")
        if self.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
        return reduction.Trace.apply(self, self._int_sum_dtype(None))

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        d1, d2 = _dim(dim1, self.ndim, "diagonal", "dim1", 2), _dim(dim2, self.ndim, "diagonal", "dim2", 3)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return reduction.DiagonalView.apply(self, _int_arg(offset, "diagonal", "offset", 2), d1, d2)

    # (reductions)
    def _int_sum_dtype(self, dtype: Any, running: str | None = None):
        """The result dtype of sum/prod/cumsum/cumprod: `dtype`, else int64 for integer or bool input.

        An integer `dtype` cannot carry a gradient: torch refuses it rather than drop the graph.
        `running` ("cumsum", "cumprod") names the kernel, which has no bool version (torch copies a 0-d or
        empty input without it)."""
        if dtype is None:
            return np.dtype(np.int64) if self._data.dtype.kind in "biu" else None
        np_dtype = np.dtype(dt.to_numpy_dtype(dtype))
        if running and np_dtype == np.bool_ and self._data.ndim and self._data.size:
            raise NotImplementedError(f'"{running}_out_cpu" not implemented for \'Bool\'')
        if np_dtype.kind in "biu" and self.requires_grad and grad_mode.is_grad_enabled():
            raise RuntimeError(f"Autograd not support dtype: {dt.torch_type_name(np_dtype)}")
        return np_dtype

    def prod(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        np_dtype = self._int_sum_dtype(dtype)
        x = self.to(dt.from_numpy_dtype(np_dtype)) if np_dtype is not None and self._data.dtype.kind == "f" else self
        if dim is None:
            return reduction.Prod.apply(x, np_dtype)
        return reduction.ProdDim.apply(x, _dim(dim, self.ndim), keepdim, np_dtype)

    def _var_args(self, dim: Any, unbiased: Any, keepdim: bool, correction: Any, name: str, stacklevel: int = 3):
        """(dims, keepdim, correction) from var's two signatures; torch's warning when no degree of freedom
        is left (`stacklevel`: the caller's frame)."""
        if isinstance(dim, builtins.bool):  # x.var(False): the legacy `unbiased` positional
            dim, unbiased = None, dim
        if self._data.dtype.kind != "f":
            raise RuntimeError("std and var only support floating point and complex dtypes")
        if correction is None:
            correction = 1 if unbiased is None or unbiased else 0
        dims = _opt_dims(dim, self.ndim, name)
        if isinstance(dims, list):
            dims = tuple(dims)
        if dims == () and self.ndim:  # dim=[] reduces over every dim, as torch
            dims = None
        count = self._data.size if dims is None else math.prod(self._data.shape[d] for d in np.atleast_1d(dims))
        if self._data.size == 0 or count <= correction:
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=stacklevel)
        return dims, keepdim, correction

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None):
        dims, keepdim, correction = self._var_args(dim, unbiased, keepdim, correction, "var")
        return reduction.Var.apply(self, dims, keepdim, correction)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None):
        dims, keepdim, correction = self._var_args(dim, unbiased, keepdim, correction, "std")
        return reduction.Std.apply(self, dims, keepdim, correction)

    def _amax(self, op: Any, name: str, dim: Any, keepdim: bool) -> "Tensor":
        dims = _reduce_dims(dim, self.ndim, name)  # (dim as read: an int, a tuple of ints, or None for every dim)
        if dims is None and self._data.size == 0:
            raise _unnamed_dim_of_empty_error(name)
        given = dim if isinstance(dim, (tuple, list)) else (dim,)
        for d, shown in zip(dims or (), given):  # (torch names a dim as given: -1)
            if self._data.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {shown} to have non-zero size.")
        return op.apply(self, dims, keepdim)

    @_reads_int_lists(_IntListArgument("dim", one_int=True, none_default=True))
    def amax(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return self._amax(reduction.Amax, "amax", dim, keepdim)

    @_reads_int_lists(_IntListArgument("dim", one_int=True, none_default=True))
    def amin(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return self._amax(reduction.Amin, "amin", dim, keepdim)

    def aminmax(self, *, dim: Any = None, keepdim: bool = False):
        """(min, max) over every element, or along the int `dim`; each gradient as amin's and amax's."""
        if isinstance(dim, builtins.bool) or not isinstance(dim, (type(None), builtins.int, np.integer)):
            raise TypeError(f"aminmax(): argument 'dim' must be int, not {type(dim).__name__}")
        if dim is None and self._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        dims = _reduce_dims(dim, self.ndim, "aminmax")
        if dims is not None and self._data.shape[dims[0]] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {dims[0]} to have non-zero size.")
        return _MaxResult(reduction.AminOfAminmax.apply(self, dims, keepdim),
                          reduction.AmaxOfAminmax.apply(self, dims, keepdim), "aminmax")

    @_reads_int_lists(_IntListArgument("dim", one_int=True))
    def logsumexp(self, dim: Any, keepdim: bool = False) -> "Tensor":
        dims = _reduce_dims(dim, self.ndim, "logsumexp")
        return reduction.Logsumexp.apply(_floating(self), dims, keepdim)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        """torch.norm: the p-norm of the elements in `dim`; a string p other than 'fro' over one or two dims
        ('fro' over more than two) is a matrix norm, `linalg.matrix_norm` (which refuses what it cannot do)."""
        dims = [dim] if isinstance(dim, builtins.int) else dim
        if not isinstance(p, str):
            return self._vector_norm(2.0 if p is None else p, dims, keepdim, dtype)
        if p == "fro" and (dims is None or len(dims) <= 2):
            return self._vector_norm(2, dims, keepdim, dtype)
        return matrix_norm(self, p, list(range(self.ndim)) if dims is None else dims, keepdim, dtype=dtype)

    def _vector_norm(self, ord: Any = 2, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> "Tensor":
        """(sum |x|^ord)^(1/ord) over `dim` (every element when None); ord=inf/-inf: max/min |x|, 0: count.
        `dtype` may widen the input (float32 -> float64), as torch, not narrow it."""
        if self._data.dtype.kind != "f":
            raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                               f"{dt.torch_type_name(self._data.dtype)}")
        dt.check_norm_dtype("linalg.vector_norm", self._data.dtype, dtype)
        x = self.to(dtype) if dtype is not None else self
        dims = _opt_dims(dim, x.ndim, "linalg_vector_norm")
        dims = (dims,) if isinstance(dims, builtins.int) else (tuple(dims) if dims is not None else None)
        if dims == () and x.ndim:
            dims = None
        ord = builtins.float(ord)
        if x._data.size == 0 and (ord < 0 or ord == np.inf):  # (max and min have no identity)
            given_dims = () if dim is None else (dim,) if isinstance(dim, builtins.int) else tuple(dim)
            if not given_dims:
                raise _no_identity_error(ord)
            for d, given in zip(dims, given_dims):
                if x._data.shape[d] == 0:  # (torch's message: the dim as given, no space before "because")
                    raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the dimension {given}"
                                       "because this dimension is empty and the operation does not have an identity")
        return reduction.VectorNorm.apply(x, ord, dims if x.ndim or dims is None else (), keepdim)  # (0-d: () for a dim)

    def cumprod(self, dim: int, *, dtype: Any = None) -> "Tensor":
        np_dtype = self._int_sum_dtype(dtype, "cumprod")
        x = self.to(dt.from_numpy_dtype(np_dtype)) if np_dtype is not None and self._data.dtype.kind == "f" else self
        return reduction.Cumprod.apply(x, _dim(dim, max(self.ndim, 1), "cumprod"), np_dtype)

    def sort(self, dim: int = -1, descending: bool = False, *, stable: Any = _NOT_GIVEN):
        """Always stable here; a given `stable=` (None too) picks torch's other overload (SortBackward1)."""
        op = reduction.Sort if stable is _NOT_GIVEN else reduction.SortStable
        values, indices = op.apply(self, _dim(dim, self.ndim), descending, None)
        return _MaxResult(values, indices, "sort")

    def argsort(self, dim: int = -1, descending: bool = False, *, stable: bool = False) -> "Tensor":
        return self.detach().sort(dim, descending)[1]

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        return self._topk(k, dim, largest, 1)

    def _topk(self, k: Any, dim: Any, largest: bool, position: int):
        k = _int_arg(k, "topk", "k", position, sym_int=True)
        d = _dim(dim, self.ndim, "topk", "dim", position + 1)
        size = self.shape[d] if self.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError("selected index k out of range")
        if self._data.dtype == np.bool_:
            raise RuntimeError("topk does not support bool dtypes on CPU")
        values, indices = reduction.Topk.apply(self, d, largest, k)
        return _MaxResult(values, indices, "topk")

    def count_nonzero(self, dim: Any = None) -> "Tensor":
        dims = _reduce_dims(dim, self.ndim, "count_nonzero")
        return pointwise.NoGradient.apply(lambda a: np.asarray(np.count_nonzero(a, axis=dims), dtype=np.int64), self)


    # (matrices)
    def bmm(self, mat2: "Tensor") -> "Tensor":
        _check_batches(self, mat2)
        if _runs_a_kernel(self, mat2):  # (else torch returns an empty or zero result at once, in mat2's dtype)
            if self._data.dtype == np.bool_:  # (the kernel is chosen by the first operand's dtype, then checks)
                raise NotImplementedError('"bmm" not implemented for \'Bool\'')
            if self._data.dtype != mat2._data.dtype:
                raise RuntimeError(f"expected scalar type {dt.torch_type_name(self._data.dtype)} but found "
                                   f"{dt.torch_type_name(mat2._data.dtype)}")
        _check_differentiable_result(mat2._data.dtype, self, mat2)
        return linalg.Bmm.apply(_cast(self, mat2._data.dtype), mat2)

    def mv(self, vec: "Tensor") -> "Tensor":
        if self.ndim == 0:  # (torch reads the matrix's size(0) first)
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if self.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self.ndim}, {vec.ndim}")
        if self.shape[1] != vec.shape[0]:
            raise RuntimeError(f"size mismatch, got input ({self.shape[0]}), mat ({self.shape[0]}x{self.shape[1]}), "
                               f"vec ({vec.shape[0]})")
        if self._data.dtype != vec._data.dtype:
            # (torch's addmv names its result first, made in vec's dtype: (vec, mat, vec))
            names = [dt.torch_type_name(d) for d in (vec._data.dtype, self._data.dtype, vec._data.dtype)]
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {names[0]}, {names[1]}, "
                               f"and {names[2]}")
        if self._data.dtype == np.bool_ and _runs_a_kernel(self, vec):
            raise NotImplementedError('"addmv_impl_cpu" not implemented for \'Bool\'')
        return linalg.Mv.apply(self, vec)

    def outer(self, vec2: "Tensor") -> "Tensor":
        if self.ndim != 1 or vec2.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument self, but got {self.ndim}-D" if self.ndim != 1 else
                               f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
        return self.reshape(-1, 1) * vec2  # torch decomposes it the same way (MulBackward0)

    ger = outer

    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        if mat1.ndim != 2 or mat2.ndim != 2:
            raise RuntimeError(f"{'mat1' if mat1.ndim != 2 else 'mat2'} must be a matrix, got "
                               f"{mat1.ndim if mat1.ndim != 2 else mat2.ndim}-D tensor")
        if mat1.shape[1] != mat2.shape[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
                               f"{mat2.shape[0]}x{mat2.shape[1]})")
        product = (mat1.shape[0], mat2.shape[1])
        if self.ndim > 2 or builtins.any(n not in (1, m) for n, m in zip(self.shape[::-1], product[::-1])):
            self.expand(product)  # (raises torch's error: the input is expanded to the product's shape)
        for first, name in ((mat1, "mat1"), (self, "self")):
            if first._data.dtype != mat2._data.dtype:
                names = [dt.torch_type_name(t._data.dtype) for t in (first, mat2)]
                raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {names[0]} and {names[1]}")
        if mat2._data.dtype == np.bool_:
            raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
        if mat2._data.dtype.kind in "iu":  # (an integer product takes integer factors: torch truncates them)
            beta, alpha = int(beta), int(alpha)
        return linalg.AddmmFull.apply(self, mat1, mat2, beta, alpha)

    def cross(self, other: "Tensor", dim: int | None = None) -> "Tensor":
        """`linalg.cross` along `dim`; without it (deprecated) along the first dim of size 3."""
        _require_tensor(other, "cross", "other", 1)
        if dim is None:
            dim = next((d for d, n in enumerate(self.shape) if n == 3), None)
            if dim is None:
                raise RuntimeError("no dimension of size 3 in input")
            _warn_once("cross-default-dim", f"Using {dt.PACKAGE}.cross without specifying the dim arg is deprecated.\n"
                       f"Please either pass the dim explicitly or simply use {dt.PACKAGE}.linalg.cross.\nThe default "
                       "value of dim will change to agree with that of linalg.cross in a future release.")
        return self._linalg_cross(other, dim)

    def _linalg_cross(self, other: "Tensor", dim: int) -> "Tensor":
        """The rule of `linalg.cross`: torch's checks in its order, then the product."""
        if self.ndim != other.ndim:
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        length, axis = self.size(dim), _dim(dim, self.ndim)  # (size: torch's IndexError for a 0-d tensor)
        if length != 3 or other.shape[axis] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {length} and "
                               f"{other.shape[axis]}")
        _check_broadcast(self._data.shape, other._data.shape)
        if self._data.dtype != other._data.dtype:
            raise RuntimeError(f"expected scalar type {dt.torch_type_name(self._data.dtype)} but found "
                               f"{dt.torch_type_name(other._data.dtype)}")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"cross" not implemented for \'Bool\'')
        return linalg.Cross.apply(self, other, axis)

    def kron(self, other: "Tensor") -> "Tensor":
        """The Kronecker product: each element of self times the whole of other, in torch's result dtype."""
        _require_tensor(other, "kron", "other", 1)
        dtype = _result_dtype(self, other)
        return linalg.Kron.apply(_cast(self, dtype), _cast(other, dtype))

    def det(self) -> "Tensor":
        """`linalg.det(self)`."""
        return _det(self)

    def inverse(self) -> "Tensor":
        """`linalg.inv(self)`."""
        return _inv(self)

    def slogdet(self) -> tuple:
        """`linalg.slogdet(self)`, as torch's `slogdet` named tuple."""
        return _MaxResult(*_slogdet(self, "linalg.slogdet"), "slogdet")

    def logdet(self) -> "Tensor":
        """log det(self): log |det| where the determinant is positive, nan where it is negative."""
        return _logdet(self)

    def matrix_power(self, n: int) -> "Tensor":
        """`linalg.matrix_power(self, n)`."""
        return _matrix_power(self, n)

    def qr(self, some: bool = True) -> tuple:
        """The deprecated `qr`: `linalg.qr(self, 'reduced' if some else 'complete')`, with torch's warning (once a
        process), as torch's `qr` named tuple."""
        p = dt.PACKAGE
        _warn_once("qr", f"{p}.qr is deprecated in favor of {p}.linalg.qr and will be removed in a future PyTorch "
                   "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                   f"Q, R = {p}.qr(A, some)\nshould be replaced with\n"
                   f"Q, R = {p}.linalg.qr(A, 'reduced' if some else 'complete')")
        return _MaxResult(*_qr(self, "reduced" if some else "complete"), "qr")

    def pinverse(self, rcond: float = 1e-15) -> "Tensor":
        """`linalg.pinv(self, rcond)`: singular values below rcond times the largest count as zero."""
        return _pinv(self, rcond)

    def cholesky(self, upper: bool = False) -> "Tensor":
        """The deprecated `cholesky`: `linalg.cholesky`'s factor, with torch's warning (once a process) and its
        own name in messages and node."""
        p = dt.PACKAGE
        _warn_once("cholesky", f"{p}.cholesky is deprecated in favor of {p}.linalg.cholesky and will be removed in a "
                   f"future PyTorch release.\nL = {p}.cholesky(A)\nshould be replaced with\n"
                   f"L = {p}.linalg.cholesky(A)\nand\nU = {p}.cholesky(A, upper=True)\nshould be replaced with\n"
                   f"U = {p}.linalg.cholesky(A).mH\nThis transform will produce equivalent results for all valid "
                   "(symmetric positive definite) inputs.")
        return _cholesky_of(self, upper, deprecated=True)

    def svd(self, some: bool = True, compute_uv: bool = True) -> tuple:
        """The older `svd`: (U, S, V) with V = Vh^T of `linalg.svd(self, full_matrices=not some)`; without
        `compute_uv`, only S (its gradient is `svdvals`') and zero matrices for U (m x m) and V (n x n)."""
        if self.ndim < 2:
            raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has {self.ndim} dimensions "
                               "instead")
        if not compute_uv:
            m, n = self.shape[-2:]
            values = _svdvals(self)
            batch = tuple(self.shape[:-2])
            return _MaxResult(self.new_zeros(batch + (m, m)), values, self.new_zeros(batch + (n, n)), "svd")
        u, s, vh = _svd_outputs(self, not some)
        return _MaxResult(u, s, vh.mT, "svd")

    def triangular_solve(self, A: "Tensor", upper: bool = True, transpose: bool = False,
                         unitriangular: bool = False) -> tuple:
        """The deprecated `triangular_solve`: (X with op(A) X = self, a copy of A), op the transpose when
        `transpose`, with torch's warning (once a process)."""
        _require_tensor(A, "triangular_solve", "A", 1)
        p = dt.PACKAGE
        _warn_once("triangular_solve", f"{p}.triangular_solve is deprecated in favor of {p}.linalg.solve_triangular"
                   f"and will be removed in a future PyTorch release.\n{p}.linalg.solve_triangular has its arguments "
                   f"reversed and does not return a copy of one of the inputs.\nX = {p}.triangular_solve(B, A)."
                   f"solution\nshould be replaced with\nX = {p}.linalg.solve_triangular(A, B).")
        return _MaxResult(*_triangular_solve(self, A, upper, transpose, unitriangular), "triangular_solve")

    def matrix_exp(self) -> "Tensor":
        """`linalg.matrix_exp(self)`."""
        return _matrix_exp(self)

    def cholesky_solve(self, input2: "Tensor", upper: bool = False) -> "Tensor":
        """X with A X = self, for A given by its Cholesky factor `input2` (L, or U when `upper`)."""
        _require_tensor(input2, "cholesky_solve", "input2", 1)
        return _cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False) -> "Tensor":
        """A^-1 for A given by its Cholesky factor self (L, or U when `upper`)."""
        return _cholesky_inverse(self, upper)

    def inner(self, other: "Tensor") -> "Tensor":
        """The dot products of self's and other's vectors along their last dims, for every pair: a
        `tensordot` over the last dims (or the product, when one of them is a number), as torch."""
        _require_tensor(other, "inner", "other", 1)
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                               f"{list(self.shape)} and {list(other.shape)}")
        return _tensordot(self, other, [-1], [-1])

    def addr(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """`beta * self + alpha * outer(vec1, vec2)`, self broadcast to the outer product's shape, in the
        dtype the three promote to (a bool result: `beta and self or alpha and vec1 vec2`)."""
        _require_tensor(vec1, "addr", "vec1", 1)
        _require_tensor(vec2, "addr", "vec2", 2)
        for vec, name in ((vec1, "vec1"), (vec2, "vec2")):
            if vec.ndim != 1:
                raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {vec.ndim}-D")
        bias = self.expand(vec1.shape[0], vec2.shape[0])  # (torch's expand error for another shape)
        dtype = _result_dtype(self, vec1, vec2)
        for value, name in ((beta, "beta"), (alpha, "alpha")):
            if isinstance(value, bool) and dtype != np.bool_:
                raise RuntimeError(f"Boolean {name} only supported for Boolean results.")
            if dtype.kind in "biu" and not isinstance(value, (int, np.integer)):
                raise RuntimeError(f"For integral input tensors, argument {name} must not be a floating point number.")
        if dtype == np.bool_:
            beta, alpha = bool(beta), bool(alpha)
        return linalg.Addr.apply(_cast(bias, dtype), _cast(vec1, dtype), _cast(vec2, dtype), beta, alpha)

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """`beta * self + alpha * (mat @ vec)`, self broadcast to the product's length."""
        if self.ndim > 1 or mat.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got {self.ndim}, {mat.ndim}, {vec.ndim}")
        length = self.shape[0] if self.ndim else 1
        if mat.shape[1] != vec.shape[0] or length not in (1, mat.shape[0]):
            raise RuntimeError(f"size mismatch, got input ({length}), mat ({mat.shape[0]}x{mat.shape[1]}), "
                               f"vec ({vec.shape[0]})")
        if not self._data.dtype == mat._data.dtype == vec._data.dtype:
            names = [dt.torch_type_name(t._data.dtype) for t in (self, mat, vec)]
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {names[0]}, {names[1]}, "
                               f"and {names[2]}")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"addmv_impl_cpu" not implemented for \'Bool\'')
        if self._data.dtype.kind in "iu":  # (integer factors, as addmm)
            beta, alpha = int(beta), int(alpha)
        return linalg.Addmv.apply(self, mat, vec, beta, alpha)

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """`beta * self + alpha * (the sum over the batch of batch1[i] @ batch2[i])`, self broadcast."""
        product = (batch1.size(1), batch2.size(2))  # (torch expands self first)
        if self.ndim > 2 or builtins.any(n not in (1, m) for n, m in zip(self.shape[::-1], product[::-1])):
            self.expand(product)  # (raises torch's error)
        if batch1.ndim != 3 or batch2.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor" if batch1.ndim != 3 else "batch2 must be a 3D tensor")
        if batch1.shape[0] != batch2.shape[0]:
            raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {batch1.shape[0]} and "
                               f"{batch2.shape[0]}")
        if batch1.shape[2] != batch2.shape[1]:
            raise RuntimeError(f"Incompatible matrix sizes for bmm ({batch1.shape[1]}x{batch1.shape[2]} and "
                               f"{batch2.shape[1]}x{batch2.shape[2]})")
        for first, name in ((self, "self"), (batch1, "mat1")):
            if first._data.dtype != batch2._data.dtype:
                names = [dt.torch_type_name(t._data.dtype) for t in (first, batch2)]
                raise RuntimeError(f"{name} and mat2 must have the same dtype, but got {names[0]} and {names[1]}")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
        if self._data.dtype.kind in "iu":  # (integer factors, as addmm)
            beta, alpha = int(beta), int(alpha)
        return linalg.Addbmm.apply(self, batch1, batch2, beta, alpha)

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        """`beta * self + alpha * (batch1 @ batch2)`, self broadcast to the batched product's shape."""
        product = (batch1.size(0), batch1.size(1), batch2.size(2))  # (torch expands self first)
        if self.ndim > 3 or builtins.any(n not in (1, m) for n, m in zip(self.shape[::-1], product[::-1])):
            self.expand(product)  # (raises torch's error)
        _check_batches(batch1, batch2)
        if self._data.dtype != batch1._data.dtype:
            raise RuntimeError(f"Input dtypes must be the same, got: input {_dtype_word(self)}, batch1: "
                               f"{_dtype_word(batch1)}, batch2: {_dtype_word(batch2)}")
        if batch1._data.dtype != batch2._data.dtype:
            raise RuntimeError(f"expected scalar type {dt.torch_type_name(batch1._data.dtype)} but found "
                               f"{dt.torch_type_name(batch2._data.dtype)}")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"baddbmm" not implemented for \'Bool\'')
        if self._data.dtype.kind in "iu":  # (integer factors, as addmm)
            beta, alpha = int(beta), int(alpha)
        return linalg.Baddbmm.apply(self, batch1, batch2, beta, alpha)

    # (shape)
    def flip(self, *dims: Any, **keyword: Any) -> "Tensor":
        dims = _shape_args(dims, "flip", "dims", keyword=keyword)
        norm = tuple(_dim(d, self.ndim) for d in dims)
        if len(set(norm)) != len(norm):
            repeated = next(d for d in norm if norm.count(d) > 1)
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
        return shape.Flip.apply(self, norm if self.ndim else ())

    @_reads_int_lists(_IntListArgument("shifts", one_int=True, sym_int=True),
                      _IntListArgument("dims", one_int=True, none_default=True))
    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        shifts = shifts if isinstance(shifts, tuple) else (shifts,)
        dims = () if dims is None else dims if isinstance(dims, tuple) else (dims,)
        if not shifts:
            raise RuntimeError("`shifts` required")
        if not dims and len(shifts) == 1:  # (np.roll with no axis rolls the flattened tensor)
            return shape.Roll.apply(self, shifts[0], None)
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
        if self._data.size == 0:  # (torch copies an empty tensor before it reads the dims)
            return shape.Roll.apply(self, 0, None)
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        return shape.Roll.apply(self, shifts, tuple(_dim(d, self.ndim) for d in dims))

    def fliplr(self) -> "Tensor":
        """Left and right swapped: `flip(1)`."""
        if self.ndim < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self) -> "Tensor":
        """Up and down swapped: `flip(0)`."""
        if self.ndim < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def rot90(self, k: int = 1, dims: Sequence = (0, 1)) -> "Tensor":
        """Turned k quarter turns in the plane of `dims`, from the first dim towards the second."""
        k, dims = _int_arg(k, "rot90", "k"), tuple(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if self.ndim < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {self.ndim}")
        axes = tuple(_dim(d, self.ndim) for d in dims)
        if axes[0] == axes[1]:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
        return shape.Rot90.apply(self, k % 4, axes)

    def tril(self, diagonal: int = 0) -> "Tensor":
        diagonal = _int_arg(diagonal, "tril", "diagonal")
        if self.ndim < 2:
            raise RuntimeError("tril: input tensor must have at least 2 dimensions")
        return shape.Tril.apply(self, diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        diagonal = _int_arg(diagonal, "triu", "diagonal")
        if self.ndim < 2:
            raise RuntimeError("triu: input tensor must have at least 2 dimensions")
        return shape.Triu.apply(self, diagonal)

    def repeat(self, *sizes: Any, **keyword: Any) -> "Tensor":
        sizes = _shape_args(sizes, "repeat", "repeats", sym_int=True, keyword=keyword)
        if len(sizes) < self.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                               "tensor")
        target = [r * n for r, n in zip(sizes, (1,) * (len(sizes) - self.ndim) + self._data.shape)]
        if any(n < 0 for n in target):  # (torch names the first negative size of the result)
            raise RuntimeError(f"Trying to create tensor with negative dimension {next(n for n in target if n < 0)}: "
                               f"{target}")
        return shape.Repeat.apply(self, sizes)

    def tile(self, *dims: Any, **keyword: Any) -> "Tensor":
        dims = _shape_args(dims, "tile", "dims", sym_int=True, keyword=keyword)
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)

    def narrow(self, dim: int, start: Any, length: int) -> "Tensor":
        dim, length = _int_arg(dim, None), _int_arg(length, None, "length")  # (torch reads them first)
        if not isinstance(start, Tensor):
            start = _int_arg(start, None, "start")
        if self.ndim == 0:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if isinstance(start, Tensor) and (start.ndim or start._data.dtype.kind not in "iu"):
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        d = _dim(dim, self.ndim)
        size = self.shape[d]
        start = builtins.int(start)
        if not -size <= start <= size:
            raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
        if start < 0:
            start += size
        if start + length > size:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return shape.Slice.apply(self, (slice(None),) * d + (slice(start, start + length),))  # (always a slice)

    def unfold(self, dimension: int, size: int, step: int) -> "Tensor":
        """The windows of `size` elements, `step` apart along `dimension`, as a new last dim (a view)."""
        dimension = _int_arg(dimension, "unfold", "dimension")
        size, step = _int_arg(size, "unfold", "size", 2), _int_arg(step, "unfold", "step", 3)
        d = _dim(dimension, self.ndim)
        longest = self.shape[d] if self.ndim else 1
        if size > longest:
            raise RuntimeError(f"maximum size for tensor at dimension {d} is {longest} but size is {size}")
        if size < 0:
            raise RuntimeError(f"size is {size} but must be >= 0")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        return shape.Unfold.apply(self, d, size, step)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        """Pieces of `split_size` along `dim` (the last may be smaller); a list of sizes goes to
        `split_with_sizes`, as torch's Tensor.split hands it."""
        if isinstance(split_size, Tensor) and split_size._data.size == 1:  # (torch's Tensor.split: int(split_size))
            split_size = builtins.int(split_size.item())
        if not isinstance(split_size, builtins.int):
            return self._split_with_sizes(list(_int_list(split_size, "split_with_sizes", "split_sizes", 2,
                                                         sym_int=True)), dim)
        split_size = _int_arg(split_size, None, "split_size")  # (an int, not a bool)
        d = self._split_dim(dim)
        size = self.shape[d]
        if split_size < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
        if split_size == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        bounds = list(range(0, size, split_size)) + [size] if split_size else [0, 0]
        return inplace.mark_pieces(self._slices(shape.SplitPiece, d, bounds))

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple:
        """Pieces of the given sizes along `dim`; they must add up to its size."""
        return self._split_with_sizes(list(_int_list(split_sizes, "split_with_sizes", "split_sizes", sym_int=True)),
                                      dim)

    def _split_with_sizes(self, split_sizes: list, dim: Any) -> tuple:
        d = self._split_dim(dim)
        size = self.shape[d]
        if any(n < 0 for n in split_sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={split_sizes}")
        if sum(split_sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
                               f"size at dimension {d}), but got split_sizes={split_sizes}")
        bounds = np.cumsum([0, *split_sizes]).tolist()
        return inplace.mark_pieces(self._slices(shape.SplitWithSizesPiece, d, bounds))

    def _split_dim(self, dim: Any) -> int:
        """split's dim, normalised: a 0-d tensor has nothing to split (torch says so before reading dim)."""
        if self.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        return _dim(dim, self.ndim)

    def _slices(self, op: type, d: int, bounds: list) -> tuple:
        """The views `op` takes of self between consecutive `bounds` along dim `d` (a bound of None: the end)."""
        return tuple(op.apply(self, (slice(None),) * d + (slice(a, b),)) for a, b in zip(bounds[:-1], bounds[1:]))

    def tensor_split(self, indices_or_sections: Any = None, dim: int = 0, *, sections: Any = None,
                     indices: Any = None) -> tuple:
        """Split into `sections` near-equal pieces (the first ones one longer), or at `indices` (read as slice
        bounds: negative from the end, clipped, an empty piece where they go backwards). Plain views, unlike
        split's pieces: torch lets them be changed in place."""
        given = next((a for a in (indices_or_sections, sections, indices) if a is not None), None)
        if isinstance(given, Tensor):
            given = _tensor_split_argument(given)
        if self.ndim == 0:
            raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
        d = _dim(dim, self.ndim)
        if isinstance(given, (list, tuple)):
            bounds = [0, *_int_list(given, "tensor_split", "indices"), None]
            return self._slices(shape.Slice, d, bounds)
        given = _int_arg(given, "tensor_split", "sections")
        if given <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {given}")
        small, longer = divmod(self.shape[d], given)
        sizes = [small + 1] * longer + [small] * (given - longer)
        return self._slices(shape.Slice, d, np.cumsum([0, *sizes]).tolist())

    def hsplit(self, indices_or_sections: Any) -> tuple:
        """tensor_split along dim 1 (dim 0 of a 1-D tensor); a number of sections must divide it evenly."""
        return self._split_along("hsplit", 1, 0 if self.ndim == 1 else 1, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple:
        """tensor_split along dim 0 of a tensor of at least 2 dims."""
        return self._split_along("vsplit", 2, 0, indices_or_sections)

    def dsplit(self, indices_or_sections: Any) -> tuple:
        """tensor_split along dim 2 of a tensor of at least 3 dims."""
        return self._split_along("dsplit", 3, 2, indices_or_sections)

    def _split_along(self, name: str, min_dims: int, dim: int, indices_or_sections: Any) -> tuple:
        """h/v/dsplit: torch's checks (its module named in the messages), then tensor_split."""
        if self.ndim < min_dims:
            raise RuntimeError(f"{dt.PACKAGE}.{name} requires a tensor with at least {min_dims} dimension, but got "
                               f"a tensor with {self.ndim} dimensions!")
        if not isinstance(indices_or_sections, (list, tuple)):
            sections, size = _int_arg(indices_or_sections, name, "sections"), self.shape[dim]
            if sections == 0 or size % sections:
                raise RuntimeError(f"{dt.PACKAGE}.{name} attempted to split along dimension {dim}, but the size of "
                                   f"the dimension {size} is not divisible by the split_size {sections}!")
        return self.tensor_split(indices_or_sections, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        chunks = _int_arg(chunks, "chunk", "chunks")  # (its type first, its value after the tensor's dims)
        if self.ndim == 0:  # (torch checks this before `chunks`)
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
        size = self.shape[_dim(dim, self.ndim, "chunk", "dim", 2)]
        if size == 0:  # torch: `chunks` empty pieces
            return self.split([0] * chunks, dim)
        return self.split(-(-size // chunks), dim)  # pieces of ceil(size / chunks); the last may be smaller

    def unbind(self, dim: int = 0) -> tuple:
        d = _dim(dim, self.ndim, "unbind")
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return inplace.mark_pieces(tuple(shape.UnbindPiece.apply(self, (slice(None),) * d + (i,))
                                         for i in range(self.shape[d])))

    def movedim(self, source: Any, destination: Any) -> "Tensor":
        if isinstance(source, (tuple, list)) != isinstance(destination, (tuple, list)):  # (two ints or two tuples)
            raise TypeError(f"movedim() received an invalid combination of arguments - got ({_type_name(source)}, "
                            f"{_type_name(destination)}), but expected one of:\n * (int source, int destination)\n"
                            " * (tuple of ints source, tuple of ints destination)\n")
        if isinstance(source, (tuple, list)):  # (torch looks at both types, then reads destination's items first)
            _check_int_list(source, "movedim", "source")
            dst = list(_int_list(destination, "movedim", "destination", 2))
            src = list(_int_list(source, "movedim", "source"))
        else:
            src, dst = [source], [destination]
        if len(src) != len(dst):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
                               f"the same number of dims as destination ({dst} dims)")
        n = self.ndim
        src, dst = [_dim(s, max(n, 1)) for s in src], [_dim(d, max(n, 1)) for d in dst]
        if n == 0:  # a 0-d tensor: dim 0 (or -1) names the tensor itself, as in torch (an alias of it)
            return shape.Alias.apply(self, Ellipsis)
        if len(set(src)) != len(src):
            raise RuntimeError(f"movedim: repeated dim in `source` ({src})")
        if len(set(dst)) != len(dst):
            raise RuntimeError(f"movedim: repeated dim in `destination` ({dst})")
        perm = [None] * n
        for s_, d_ in zip(src, dst):
            perm[d_] = s_
        rest = iter(d for d in range(n) if d not in src)
        perm = [p if p is not None else next(rest) for p in perm]
        return self.permute(perm) if n else self.view(())

    moveaxis = movedim

    # (nn.functional activations, as Tensor methods where torch has them)
    def _check_float_activation(self, name: str) -> None:
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f'"{name}" not implemented for \'{dt.torch_type_name(self._data.dtype)}\'')

    # (issue 12, second part: median, unique, diag, repeat_interleave, scatter, index_add, masked_select,
    # nonzero, new_*)
    def median(self, dim: Any = None, keepdim: bool = False):
        """The lower middle value (`median()`), or (values, indices) of each slice along `dim`."""
        return self._median(dim, keepdim, "median")

    def nanmedian(self, dim: Any = None, keepdim: bool = False):
        """`median` of the values that are not nan (nan where all are)."""
        return self._median(dim, keepdim, "nanmedian")

    def mode(self, dim: int = -1, keepdim: bool = False):
        """(values, indices): the most frequent value of each slice along `dim` (ties: the smallest), at its
        last place."""
        d = _dim(dim, self.ndim)
        if self.ndim and self._data.shape[d] == 0:
            raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
        values, indices = reduction.Mode.apply(self, d, keepdim)
        return _MaxResult(values, indices, "mode")

    def _median(self, dim: Any, keepdim: bool, name: str):
        skip_nan = name == "nanmedian"  # (torch's messages say median for both)
        if dim is None:
            if self._data.dtype == np.bool_ and self._data.size:  # (no bool kernel in torch)
                raise NotImplementedError('"median_cpu" not implemented for \'Bool\'')
            return (reduction.NanmedianAll if skip_nan else reduction.MedianAll).apply(self)
        d = _dim(dim, self.ndim, name)
        if self.ndim and self._data.shape[d] == 0:
            raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"median_out" not implemented for \'Bool\'')
        values, indices = (reduction.NanmedianDim if skip_nan else reduction.MedianDim).apply(self, d, keepdim)
        return _MaxResult(values, indices, name)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False):
        """The k-th smallest value of each slice along `dim`, and its index."""
        return self._kthvalue(k, dim, keepdim, 1)

    def _kthvalue(self, k: Any, dim: Any, keepdim: bool, position: int):
        k = _int_arg(k, "kthvalue", "k", position, sym_int=True)
        d = _dim(dim, self.ndim, "kthvalue", "dim", position + 1)
        size = self._data.shape[d] if self.ndim else 1
        if self.ndim and size == 0:
            raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
        if not 1 <= k <= size:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
        if self._data.dtype == np.bool_:
            raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
        values, indices = reduction.Kthvalue.apply(self, d, keepdim, k)
        return _MaxResult(values, indices, "kthvalue")

    def cummax(self, dim: int):
        """(values, indices) of the running max along `dim` (ties and nan: the newest, as torch)."""
        return self._running_extreme(dim, reduction.Cummax, "cummax")

    def cummin(self, dim: int):
        return self._running_extreme(dim, reduction.Cummin, "cummin")

    def _running_extreme(self, dim: Any, op: type, name: str):
        values, indices = op.apply(self, _dim(dim, self.ndim, name))
        return _MaxResult(values, indices, name)

    def logcumsumexp(self, dim: int) -> "Tensor":
        """log(cumsum(exp(x))) along `dim`, computed without overflow; floating input only (torch's kernel)."""
        d = _dim(dim, self.ndim, "logcumsumexp")
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for "
                                      f"'{dt.torch_type_name(self._data.dtype)}'")
        return reduction.Logcumsumexp.apply(self, d)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False, dim: int | None = None):
        """One value (or slice along `dim`) per run of equal neighbours, with the inverse and counts on request."""
        values, inverse, counts = reduction.UniqueConsecutive.apply(self, self._unique_dim(dim))
        out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
        return out[0] if len(out) == 1 else out

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
        """Each vector along the last dim put on diagonal `offset` of a matrix spanning `dim1`, `dim2`."""
        d1, d2 = _dim(dim1, self.ndim + 1, "diag_embed", "dim1", 2), _dim(dim2, self.ndim + 1, "diag_embed", "dim2", 3)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return shape.DiagEmbed.apply(self, _int_arg(offset, "diag_embed", "offset"), d1, d2)

    def histc(self, bins: int = 100, min: Any = 0, max: Any = 0) -> "Tensor":
        """Counts in `bins` equal bins over [min, max] (min = max: the data's range); no gradient.
        As torch's kernel: bin (x - min) * bins / (max - min) in the input's dtype, max in the last bin,
        values outside the range and nan left out."""
        return self._histc(bins, min, max, 1)

    def _histc(self, bins: Any, min: Any, max: Any, position: int) -> "Tensor":
        bins = _int_arg(bins, "histc", "bins", position)
        if self._data.dtype.kind != "f":
            raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{dt.torch_type_name(self._data.dtype)}'")
        if bins <= 0:
            raise RuntimeError(f"{dt.PACKAGE}.histogram(): bins must be > 0, but got {bins} for dimension 0")
        low, high = _histc_range(self._data, builtins.float(min), builtins.float(max))
        return pointwise.NoGradient.apply(lambda a: _histc_counts(a, bins, low, high), self.detach())

    def msort(self) -> "Tensor":
        """The values sorted along dim 0 (`sort(0).values`)."""
        return self.sort(0)[0]

    def unique(self, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
               dim: int | None = None):
        """The distinct values, sorted (torch sorts on the CPU whatever `sorted` says), or the distinct
        slices along `dim`; with the inverse (where each element went) and counts on request."""
        d = self._unique_dim(dim)
        values, inverse, counts = (reduction.Unique if d is None else reduction.UniqueDim).apply(self, d)
        out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
        return out[0] if len(out) == 1 else out

    def _unique_dim(self, dim: int | None) -> int | None:
        """unique's (and unique_consecutive's) `dim`, normalised, with torch's checks of an empty input."""
        if dim is not None and self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = None if dim is None else _dim(dim, self.ndim)
        if d is not None and self._data.size == 0 and self.ndim and self._data.shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        if d is not None and self._data.size == 0 and self._data.shape.count(0) > 1:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
        return d

    def diag(self, diagonal: int = 0) -> "Tensor":
        """A vector -> the square matrix with it on diagonal `diagonal`; a matrix -> that diagonal."""
        if self.ndim == 1:
            return shape.DiagEmbed.apply(self, _int_arg(diagonal, "diag", "diagonal"), 0, 1)
        if self.ndim == 2:
            return shape.Diagonal.apply(self, _int_arg(diagonal, "diag", "diagonal"))
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    def repeat_interleave(self, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None):
        """Each element (or slice along `dim`) repeated `repeats` times in place: [a, b] -> [a, a, b, b]."""
        if repeats is None:  # torch.repeat_interleave(counts): the indices 0, 1, ... each repeated (counts' dtype)
            counts = _repeat_counts(self._data, output_size)
            return pointwise.NoGradient.apply(lambda c: np.repeat(np.arange(c.size, dtype=c.dtype), counts), self)
        x = self.flatten() if dim is None else self
        if isinstance(repeats, Tensor) and x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = 0 if dim is None else _dim(dim, self.ndim)
        size = x._data.shape[d] if x.ndim else 1
        if isinstance(repeats, Tensor):
            r = repeats._data
            if r.ndim > 1:
                raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
            r = np.broadcast_to(r.reshape(-1), (size,)) if r.size == 1 else r
            if r.shape[0] != size:
                raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                                   f"{r.shape[0]} and input.size({0 if dim is None else dim}) = {size}")
            counts = _repeat_counts(r, output_size)
            return shape.IndexSelect.apply(x, d, np.repeat(np.arange(size), counts))  # (IndexSelectBackward0)
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        if output_size is not None and output_size != size * repeats:
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {size * repeats} but got "
                               f"{output_size}")
        # an int: torch expands a new dim after `dim`, copies, and views it flat (CloneBackward0, ViewBackward0)
        stretched = x.unsqueeze(d + 1).expand(*x.shape[:d + 1], repeats, *x.shape[d + 1:]).contiguous()
        return stretched.view(*x.shape[:d], size * repeats, *x.shape[d + 1:])

    def _scatter_checks(self, name: str, dim: Any, index: "Tensor", src: Any, reduce: str | None = None) -> int:
        """torch's checks, in its order: the dim, the dtypes, the shapes (only for a non-empty index),
        `reduce`, then the index's bounds."""
        d = _dim(dim, self.ndim)
        if not isinstance(index, Tensor) or (index._data.size and index._data.dtype not in (np.int64, np.int32)):
            raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")  # (an empty index of any dtype)
        if isinstance(src, Tensor) and src._data.dtype != self._data.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        if index._data.size and max(index.ndim, 1) != max(self.ndim, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
        if index._data.size and isinstance(src, Tensor) and max(index.ndim, 1) != max(src.ndim, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        ishape, sshape = index._data.shape or (1,), self._data.shape or (1,)
        too_big = any(i > s for k, (i, s) in enumerate(zip(ishape, sshape)) if k != d) or (
            isinstance(src, Tensor) and any(i > s for i, s in zip(ishape, src._data.shape or (1,))))
        if index._data.size and too_big:
            raise RuntimeError(f"Expected index {list(ishape)} to be no larger than self {list(sshape)} apart from "
                               f"dimension {d}" + (f" and to be no larger size than src {list(src._data.shape)}"
                                                   if isinstance(src, Tensor) else ""))
        if reduce not in (None, "add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        bad = (index._data < 0) | (index._data >= sshape[d])
        if bad.any():
            raise RuntimeError(f"index {index._data[bad].flat[0]} is out of bounds for dimension {d} with size "
                               f"{sshape[d]}")
        return d

    def _scatter_args(self, index: "Tensor", src: Any) -> tuple:
        """The index and src that the Scatter* ops get. An empty index writes nothing, but torch records its node
        all the same: an empty index of self's rank. A number is converted (and range-checked) only when written."""
        if index._data.size == 0:
            return np.zeros((0,) * max(self.ndim, 1), np.int64), src if isinstance(src, Tensor) else np.asarray(0)
        return index._data, src if isinstance(src, Tensor) else _checked_scalar(src, self._data.dtype)

    def scatter(self, dim: int, index: "Tensor", src: Any = None, value: Any = None, *, reduce: str | None = None):
        """A copy with `src` (a tensor, or a number `value`) written at out[index[i][j]][j] (dim 0)."""
        src = value if src is None else src
        d = self._scatter_checks("scatter", dim, index, src, reduce)
        index, src = self._scatter_args(index, src)
        if reduce is not None:
            return shape.ScatterReduce.apply(self, d, index, src, reduce)
        return (shape.Scatter if isinstance(src, Tensor) else shape.ScatterValue).apply(self, d, index, src)

    def scatter_add(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        """A copy with `src` added at out[index[i][j]][j] (dim 0): repeated indices accumulate."""
        d = self._scatter_checks("scatter", dim, index, src)  # (torch's messages say scatter() for both)
        return shape.ScatterAdd.apply(self, d, *self._scatter_args(index, src))

    def scatter_(self, dim: int, index: "Tensor", src: Any = None, value: Any = None, *, reduce: str | None = None):
        _check_inplace(self)
        return self._inplace(self.scatter(dim, index, src, value, reduce=reduce))

    def scatter_add_(self, dim: int, index: "Tensor", src: "Tensor") -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.scatter_add(dim, index, src))

    def index_add(self, dim: int, index: "Tensor", source: "Tensor", *, alpha: Any = 1) -> "Tensor":
        """A copy with slice i of `source` (times alpha) added to slice index[i] along `dim`."""
        d = _dim(dim, self.ndim)  # (torch's checks, in its order)
        itype = dt.torch_type_name(index._data.dtype)
        if index.ndim > 1:
            raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                             f"{itype} and size: {list(index.shape)}")
        if index._data.dtype not in (np.int64, np.int32):
            raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: {itype}")
        if source._data.dtype != self._data.dtype:
            raise RuntimeError(f"index_add_(): self ({dt.torch_type_name(self._data.dtype)}) and source "
                               f"({dt.torch_type_name(source._data.dtype)}) must have the same scalar type")
        if d != 0 and d >= source.ndim:
            raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source tensor with dim "
                               f"{source.ndim}")
        idx, sources = index._data.reshape(-1), source._data.shape[d] if source.ndim else 1
        if idx.size != sources:
            raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                               f"({sources}), for dim: {d}")
        rest = [self._data.shape, source._data.shape]
        if self.ndim and source.ndim:  # (the other dims must match; a 0-d tensor has none to leave out)
            rest = [sizes[:d] + sizes[d + 1:] for sizes in rest]
        if rest[0] != rest[1]:
            raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                               f"Got self.shape = {list(self.shape)} source.shape = {list(source.shape)}")
        size = self._data.shape[d] if self.ndim else 1
        bad = idx[(idx < 0) | (idx >= size)]
        # torch's kernel for 2+ dims: with an int64 index and alpha 1 (not True), scatter_add (its message); else a
        # loop over the slices of self (none if it is empty: no index checked)
        scatter_add = idx.dtype == np.int64 and alpha == 1 and alpha is not True
        if bad.size and self.ndim > 1 and self._data.size and scatter_add:
            raise RuntimeError(f"index {bad[0]} is out of bounds for dimension {d} with size {size}")
        if bad.size and (self.ndim <= 1 or self._data.size):
            raise IndexError("index out of range in self")
        if idx.size:  # alpha in self's dtype, range-checked as torch converts it (0.5 is 0 for integers)
            alpha = _checked_scalar(alpha, self._data.dtype)
        return shape.IndexAdd.apply(self, d, idx, source, alpha)

    def index_add_(self, dim: int, index: "Tensor", source: "Tensor", *, alpha: Any = 1) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.index_add(dim, index, source, alpha=alpha))

    def masked_select(self, mask: "Tensor") -> "Tensor":
        """The elements where `mask` (broadcast with self) is True, as a 1-D tensor."""
        _require_tensor(mask, "masked_select", "mask", 1)
        if mask._data.dtype != np.bool_:
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        _check_broadcast(mask._data.shape, self._data.shape)  # (torch broadcasts the mask with self: a is the mask)
        return shape.MaskedSelect.apply(self, mask._data)

    def nonzero(self, *, as_tuple: bool = False):
        """The indices of the nonzero elements: one row each (n, ndim), or one tensor per dim (`as_tuple`)."""
        return pointwise.NoGradient.apply(_nonzero_as_tuple if as_tuple else _nonzero, self)

    def argwhere(self) -> "Tensor":
        """torch's other name of `nonzero()`: one row of indices per nonzero element."""
        return self.nonzero()

    def masked_scatter(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        """Self with the positions where `mask` (broadcast with self) is True filled, in row-major order, from
        the first elements of `source` (of self's dtype); torch's checks in its order."""
        _require_tensor(mask, "masked_scatter", "mask", 1)
        _require_tensor(source, "masked_scatter", "source", 2)
        if source._data.dtype != self._data.dtype:
            raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                               f"{dt.torch_type_name(self._data.dtype)} and {dt.torch_type_name(source._data.dtype)}")
        if mask._data.dtype == np.uint8:  # (torch's deprecation warning comes before its refusal)
            warnings.warn(f"masked_scatter_ received a mask with dtype {dt.PACKAGE}.uint8, this behavior is now "
                          f"deprecated,please use a mask with dtype {dt.PACKAGE}.bool instead.", UserWarning,
                          stacklevel=2)
        if mask._data.dtype != np.bool_:
            raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                               f"{dt.torch_type_name(mask._data.dtype)}")
        _check_broadcast(mask._data.shape, self._data.shape)  # (torch expands the mask against self)
        full = np.broadcast_shapes(mask._data.shape, self._data.shape)
        if np.count_nonzero(np.broadcast_to(mask._data, full)) > source._data.size:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        return shape.MaskedScatter.apply(self, mask._data, source)

    def masked_scatter_(self, mask: "Tensor", source: "Tensor") -> "Tensor":
        """`masked_scatter` written into `self`: the mask expands to self's shape (expand's error if it cannot)."""
        _check_inplace(self)
        if isinstance(mask, Tensor):
            mask = mask.expand(*self._data.shape)
        return self._inplace(self.masked_scatter(mask, source))

    def _new(self, fill: Any, shape: tuple, dtype: Any, device: Any, requires_grad: bool, function: str) -> "Tensor":
        """`new_full` and co: `full(shape, fill)` in self's dtype unless `dtype` is given (the fill value
        checked as `full` checks it: -1 wraps around to 255 in uint8, NaN into an integer dtype raises)."""
        _check_factory_arguments(function, dtype, requires_grad)
        requires_grad = builtins.bool(requires_grad)  # (None reads as False, as in the factories)
        shape, np_dtype = _sized(shape, dtype or self.dtype)
        array = np.full(shape, _fill_value(fill, np_dtype, math.prod(shape)), np_dtype)
        return _finish(array, None, device, requires_grad)

    def new_zeros(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> "Tensor":
        """Zeros of the size (`new_zeros(2, 3)`, `new_zeros((2, 3))`, `new_zeros(size=(2, 3))`), with this
        tensor's dtype unless `dtype` is given."""
        return self._new(0, _size_args("new_zeros", sizes, size), dtype, device, requires_grad, "new_zeros")

    def new_ones(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return self._new(1, _size_args("new_ones", sizes, size), dtype, device, requires_grad, "new_ones")

    def new_empty(self, *sizes: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> "Tensor":
        return self._new(0, _size_args("new_empty", sizes, size), dtype, device, requires_grad,
                         "new_empty")  # (values unset)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        return self._new(_fill_number(fill_value, "new_full"), _int_list(size, "new_full", sym_int=True), dtype,
                         device, requires_grad, "new_full")

    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> "Tensor":
        """A new tensor of `data` (always a copy, never part of a graph) with this tensor's dtype by default."""
        _check_arguments("new_tensor", dtype, requires_grad)
        if isinstance(data, Tensor):
            warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                          "or sourceTensor.detach().clone().requires_grad_(True), rather than "
                          "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
            data = data.detach().numpy()
        target = dt.to_numpy_dtype(dtype or self.dtype)  # (an array's own dtype does not count, as in torch)
        return _finish(_infer_array(data, target).astype(target, copy=False), None, device, requires_grad)


def _reduce_dims(dim: Any, ndim: int, function: str) -> "tuple | None":
    """A reduction's `dim` as a tuple of normalised dims, or None for all (None, () or [] mean all)."""
    if dim is None or ndim == 0 or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        if ndim == 0 and isinstance(dim, (builtins.int, tuple, list)) and dim != () and dim != []:
            _opt_dims(dim, 0, function)  # (range check: a 0-d tensor accepts dim 0 and -1)
        return None
    dims = _opt_dims(dim, ndim, function)
    dims = (dims,) if isinstance(dims, builtins.int) else tuple(dims)
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def _empty_strides(shape: tuple) -> tuple:
    """torch's contiguous strides, a dim of size 0 counted as 1 (`zeros(2, 0, 3).stride()` is (3, 3, 1))."""
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def _to_flags(args: tuple, kwargs: dict) -> tuple:
    """Split `.to(...)`'s flags from its target: `non_blocking` and `copy` (positional after the
    dtype/device, or keywords) and `memory_format=`. Only `copy=True` changes anything on a CPU
    library whose tensors are always dense: it forces a new tensor."""
    flags = [a for a in args if isinstance(a, builtins.bool)]  # (non_blocking, copy)
    copy = kwargs.get("copy", flags[1] if len(flags) == 2 else False)
    args = tuple(a for a in args if not isinstance(a, builtins.bool))
    kwargs = {k: v for k, v in kwargs.items() if k not in ("non_blocking", "copy")}
    return args, kwargs, builtins.bool(copy)


_TO_OPTIONS = f"bool non_blocking = False, bool copy = False, *, {dt.PACKAGE}.memory_format memory_format = None"
_TO_OVERLOADS = (f"{dt.PACKAGE}.device device = None, {dt.PACKAGE}.dtype dtype = None, {_TO_OPTIONS}",
                 f"{dt.PACKAGE}.dtype dtype, {_TO_OPTIONS}", f"Tensor tensor, {_TO_OPTIONS}")
_TO_KEYWORDS = ("device", "dtype", "non_blocking", "copy", "memory_format", "tensor")


def _check_to_arguments(args: tuple, kwargs: dict) -> None:
    """The clearest of torch's parser errors for `.to(...)`: an unknown keyword, two dtypes, a container,
    a memory format that is none."""
    dtypes = [a for a in args if isinstance(a, dt.dtype)]
    containers = [a for a in args if isinstance(a, (list, tuple, dict))]
    memory_format = kwargs.get("memory_format")
    known_format = memory_format is None or isinstance(memory_format, dt.memory_format)
    if len(dtypes) < 2 and not containers and known_format and all(k in _TO_KEYWORDS for k in kwargs):
        return
    given = [_argument_type(a) for a in args] + [f"{k}={_argument_type(v)}" for k, v in sorted(kwargs.items())]
    got = ", ".join(given) if args else "".join(f"{g}, " for g in given)  # (torch writes keywords alone so)
    raise TypeError(f"to() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    + "".join(f" * ({overload})\n" for overload in _TO_OVERLOADS))


def _memory_format(memory_format: Any, function: str, none_allowed: bool = True) -> str:
    """The name of a `memory_format=` argument (`channels_last`...: what the ops read); None is
    preserve_format where torch's argument is optional (`to`, `clone`), a TypeError where it is not
    (`contiguous`), as is a format's name given as a string."""
    if memory_format is None and none_allowed:
        return "preserve_format"
    if not isinstance(memory_format, dt.memory_format):
        raise TypeError(f"{function}(): argument 'memory_format' must be {dt.PACKAGE}.memory_format, not "
                        f"{_type_name(memory_format)}")
    return memory_format.name


def to_args_dtype(args: tuple, kwargs: dict) -> "dt.dtype | None":
    """The dtype asked for by `.to(...)` arguments (tensor or module), checking any device: CPU only."""
    target = kwargs.get("dtype")
    if target is not None and not isinstance(target, dt.dtype):  # (`dtype=float`: a Python type, as torch reads it)
        target = dt.from_numpy_dtype(dt.to_numpy_dtype(target))
    for a in list(args) + [kwargs.get("device")]:
        if isinstance(a, dt.dtype):
            target = a
        elif a in (builtins.float, builtins.int, builtins.bool):  # `.to(float)`: float64, as torch
            target = dt.from_numpy_dtype(dt.to_numpy_dtype(a))
        elif isinstance(a, Tensor):
            target = a.dtype
        elif a is not None:
            dt.device(a)  # validates: only the CPU exists
    return target




def _check_assigned_grad(t: Tensor, grad: Any) -> None:
    """torch's checks on `t.grad = grad`: a tensor (or a row-sparse gradient) of t's shape and dtype."""
    if getattr(grad, "is_sparse", False):  # a RowSparseGrad (EmbeddingBag(sparse=True))
        shape, dtype = tuple(grad.shape), grad.row_values.dtype
    elif isinstance(grad, Tensor):
        shape, dtype = grad._data.shape, grad._data.dtype
    else:
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {_type_name(grad)}")
    if grad is t:
        raise RuntimeError("can't assign Variable as its own grad")
    if shape != t._data.shape:
        raise RuntimeError(f"attempting to assign a gradient of size '{list(shape)}' to a tensor of size "
                           f"'{list(t._data.shape)}'. Please ensure that the gradient and the tensor are the same size")
    if dtype != t._data.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{dt.cpp_type_name(dtype)}' to a tensor with grad_dtype "
            f"'{dt.torch_type_name(t._data.dtype)}'. The gradient must match the tensor's grad_dtype (defaults to the "
            "tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow "
            "any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break "
            "downstream systems that assume they match.")


_DETACH_VIEW_MESSAGE = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, "
    "and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be "
    "called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
    "torch/optim/optimizer.py as the solution."
)


def typename(obj: Any) -> str:
    """torch.typename: `minitorch_ref.FloatTensor` for a tensor, else the qualified name of the object
    (a class or function) or of its class, without the module for builtins (`float`, `list`)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module, qualname = getattr(obj, "__module__", "") or "", getattr(obj, "__qualname__", None)
    if qualname is None:
        qualname = getattr(obj, "__name__", None)
    if qualname is None:
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _rebuild(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._make(array, requires_grad)


_new = object.__new__


def _histc_range(a: np.ndarray, low: float, high: float) -> tuple:
    """histc's [min, max]: the data's range when they are equal, widened by 1 each way when it is one point."""
    if low > high:
        raise RuntimeError(f"{dt.PACKAGE}.histc: max must be larger than min")
    if low == high and a.size:  # (a nan in the data makes the range nan: torch refuses it below)
        low, high = builtins.float(a.min()), builtins.float(a.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (np.isfinite(low) and np.isfinite(high)):
        raise RuntimeError(f"{dt.PACKAGE}.histc: range of [{low:g}, {high:g}] is not finite")
    return low, high


def _histc_counts(a: np.ndarray, bins: int, low: float, high: float) -> np.ndarray:
    """The counts, in a's dtype, with torch's bin arithmetic in a's dtype (float16 stays float16)."""
    low_, high_ = a.dtype.type(low), a.dtype.type(high)
    x = a.reshape(-1)
    x = x[(x >= low_) & (x <= high_)]  # (nan fails both)
    place = ((x - low_) * a.dtype.type(bins) / (high_ - low_)).astype(np.int64)
    return np.bincount(np.minimum(place, bins - 1), minlength=bins).astype(a.dtype)


# ---------------------------------------------------------------------- helpers
def _check_view_as_dtype(t: "Tensor", target: np.dtype) -> None:
    """torch's conditions, in its order, for reading a tensor's bytes as elements of another size: a last dim
    of stride 1 and, for larger elements, a last dim, a start and other strides that whole new elements fit."""
    names = f"{dt.torch_type_name(t._data.dtype)} as {dt.torch_type_name(target)} (different element sizes)"
    if t.ndim == 0:
        raise RuntimeError(f"self.dim() cannot be 0 to view {names}")
    ratio = target.itemsize // t._data.itemsize
    if ratio > 1 and t.shape[-1] % ratio:
        raise RuntimeError(f"self.size(-1) must be divisible by {ratio} to view {names}, but got {t.shape[-1]}")
    offset = _storage_offset(t._data)
    if ratio > 1 and offset % ratio:
        raise RuntimeError(f"self.storage_offset() must be divisible by {ratio} to view {names}, but got {offset}")
    if t.stride(-1) != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 to view {names}, but got {t.stride(-1)}")
    for i, stride in enumerate(t.stride()[:-1] if ratio > 1 else ()):
        if stride % ratio:
            raise RuntimeError(f"self.stride({i}) must be divisible by {ratio} to view {names}, but got {stride}")


def _storage_offset(a: np.ndarray) -> int:
    """How many elements into its memory `a` starts: from the array that owns that memory."""
    owner = memory_owner(a)
    return (a.__array_interface__["data"][0] - owner.__array_interface__["data"][0]) // a.itemsize


def _opens_int_list_argument(args: tuple) -> bool:
    """Whether `args` is one tuple or list that opens with an int: torch's parser took it as a size."""
    return len(args) == 1 and isinstance(args[0], (tuple, list)) and bool(args[0]) and _opens_int_list(args[0][0])


def _tensor_split_argument(given: "Tensor") -> Any:
    """tensor_split's tensor argument read as torch does: a 0-d int64 tensor is a number of sections, a 1-D one
    the indices."""
    if given._data.dtype != np.int64:
        raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                           f"{dt.torch_type_name(given._data.dtype)}")
    if given.ndim > 1:
        raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                           f"one-dimensional tensor, but got a tensor with {given.ndim} dims")
    return given._data.tolist()


def _dim(dim: Any, ndim: int, function: str | None = None, argument: str = "dim", position: int = 1) -> int:
    """Normalise a possibly negative dim, with torch's IndexError when it is out of range (and its
    TypeError, naming `function`'s argument, when it is not an int)."""
    if type(dim) is not builtins.int:
        dim = _int_arg(dim, function, argument, position)
    n = max(ndim, 1)
    if not -n <= dim < n:
        if not -_INT64_LIMIT <= dim < _INT64_LIMIT:
            raise ValueError("Overflow when unpacking long long")
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _logical_dims(dim: Any, ndim: int, function: str):
    """all/any's `dim`: None (every dim), an int, or a list of dims; an empty list reduces nothing."""
    if isinstance(dim, (tuple, list)):
        return () if len(dim) == 0 else _opt_dims(dim, ndim, function)
    return _opt_dim(dim, ndim)


def _opt_dim(dim: Any, ndim: int):
    return None if dim is None else _dim(dim, ndim)


def _opt_dims(dim: Any, ndim: int, function: str):
    """None (all), an int, or a tuple of ints (read as `function`'s `int[1]?`), normalised; a 0-d tensor
    reduces over 'dim 0' as torch allows."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:  # torch reads `dim=()` as every dim
            return tuple(range(ndim))
        dims = [_dim(d, ndim) for d in _int_list(dim, function, "dim")]
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        return () if ndim == 0 else tuple(dims)  # (a 0-d tensor: NumPy's "reduce over no axis", the value)
    d = _dim(dim, ndim)
    return () if ndim == 0 else d


# ---------------------------------------------------------------- reading sizes and dims as torch's parser does
# torch reads a size ("tuple of ints") from ints, NumPy ints and one-element integer tensors; its first
# element picks the overload, so it must be a true int (not a bool), the others may be bools. A dim ("int")
# is an int, a NumPy int or a 0-d integer tensor, never a bool. Floats, strings and None are TypeErrors.
# torch has two readers of a tuple of ints, told apart in its signatures: `int[]` (dims, a pooling's sizes)
# and `SymInt[]` (`sym_int`: the sizes of new tensors, views, layer_norm's normalized_shape), which refuses
# a bool tensor inside the tuple. An `int[N]`/`SymInt[N]` (amax's dim, a pooling's sizes, roll's shifts) may
# also be one int. `_reads_int_lists` reads a method's such arguments (and its function form's) before it runs.
_INT64_LIMIT = 1 << 63
_NOT_INTEGRAL = ("Expected scalar.isIntegral( false) to be true, but got false.  (Could this error message be "
                 "improved?  If so, please report an enhancement request to PyTorch.)")


def _shape_args(args: tuple, function: str, argument: str = "size", sym_int: bool = False,
                keyword: dict | None = None) -> tuple:
    """A size given as varargs, `f(2, 3)`, or as one argument, `f((2, 3))`, `f(Size)`, `f(2)`, or by keyword
    (`keyword`: the call's keyword arguments), `f(size=(2, 3))`, with torch's parser errors."""
    if keyword:
        return _keyword_int_list(args, keyword, function, argument, sym_int)
    if not args:
        raise TypeError(f'{function}() missing 1 required positional arguments: "{argument}"')
    if len(args) == 1 and _opens_int_list(args[0]):  # f(2)
        return (_int_element(args[0], 0, function, argument, sym_int),)
    if len(args) == 1:  # f((2, 3)), or torch's error for f(2.0)
        return _int_list(args[0], function, argument, sym_int=sym_int)
    if not _opens_int_list(args[0]):
        raise TypeError(f"{function}() takes 1 positional argument but {len(args)} were given")
    return tuple(_int_element(v, i, function, argument, sym_int) for i, v in enumerate(args))


def _keyword_int_list(args: tuple, keyword: dict, function: str, argument: str, sym_int: bool) -> tuple:
    """The size of `f(size=(2, 3))`, checked as torch's parser: given once, and no other keyword."""
    if args and argument in keyword:
        raise TypeError(f"{function}() got multiple values for argument '{argument}'")
    if not args and argument not in keyword:
        raise TypeError(f'{function}() missing 1 required positional arguments: "{argument}"')
    unexpected = next((name for name in keyword if name != argument), None)
    if unexpected is not None:
        raise TypeError(f"{function}() got an unexpected keyword argument '{unexpected}'")
    return _int_list(keyword[argument], function, argument, keyword=True, sym_int=sym_int)


def _size_args(function: str, sizes: tuple, size: Any) -> tuple:
    """The size of `zeros(2, 3)`, `zeros((2, 3))` or `zeros(size=(2, 3))`: one way, and not none."""
    if size is not None:
        if sizes:
            raise TypeError(f"{function}() got multiple values for argument 'size'")
        return _int_list(size, function, keyword=True, sym_int=True)
    return _shape_args(sizes, function, sym_int=True)


def _int_list(value: Any, function: str, argument: str = "size", position: int = 1, keyword: bool = False,
              sym_int: bool = False) -> tuple:
    """A 'tuple of ints' given as one argument (a tuple, list or Size; `f(size=...)` when `keyword`)."""
    _check_int_list(value, function, argument, position, keyword)
    return tuple(_int_element(v, i, function, argument, sym_int) for i, v in enumerate(value))


def _check_int_list(value: Any, function: str, argument: str, position: int = 1, keyword: bool = False) -> None:
    """torch's first look at a 'tuple of ints', when it matches every argument's type: a tuple or list that
    opens with an int. (It reads the other elements after that, when every argument has passed.)"""
    where = "" if keyword else f" (position {position})"
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{function}(): argument '{argument}'{where} must be tuple of ints, not {_type_name(value)}")
    if value and not _opens_int_list(value[0]):
        found = f"not {_type_name(value)}" if keyword else f"but found element of type {_type_name(value[0])} at pos 0"
        raise TypeError(f"{function}(): argument '{argument}'{where} must be tuple of ints, {found}")


def _int_list_or_int(value: Any, function: str, argument: str = "dim", position: int = 1, keyword: bool = False,
                     sym_int: bool = False) -> Any:
    """An 'int[N]' (amax's dim, roll's dims, a pooling's kernel_size): a tuple read by `_int_list`, or one int
    (an int, a NumPy int or a one-element integer tensor, a bool one too: torch reads it apart from a tuple's)."""
    if not _opens_int_list(value):
        return _int_list(value, function, argument, position, keyword, sym_int)
    number = _int_arg(value, None)
    if not -_INT64_LIMIT <= number < _INT64_LIMIT:
        raise ValueError("Overflow when unpacking long long")
    return number


def _read_int_lists(function: str, arguments: tuple, args: tuple, kwargs: dict, first_position: int) -> tuple:
    """`args` and `kwargs` with the `arguments` (`_IntListArgument`s, the leading parameters) read as torch's
    parser does: first each one's type, then their items (`_GivenIntLists`)."""
    args, kwargs = list(args), dict(kwargs)
    given = _GivenIntLists(arguments, args, kwargs, first_position)
    given.check_types(function)
    given.read_items(function)
    return tuple(args), kwargs


class _GivenIntLists(list):
    """The `arguments` that a call gives, by position in `args` or by keyword in `kwargs`, read in torch's
    parser's two steps (a caller may check other arguments' types between them, as pooling's flags):
    `check_types`, each argument in order by its first item (one given by keyword is named without its
    position), then `read_items`, last argument first (the order in which torch's C++ evaluates them),
    writing what it read back into `args` and `kwargs`."""

    def __init__(self, arguments: tuple, args: list, kwargs: dict, first_position: int) -> None:
        super().__init__()
        for index, argument in enumerate(arguments):
            if index < len(args):
                self.append((argument, args, index, first_position + index, False))
            elif argument.name in kwargs:
                self.append((argument, kwargs, argument.name, first_position, True))

    def check_types(self, function: str) -> None:
        for argument, place, key, position, keyword in self:
            value = place[key]
            if not (argument.one_int and _opens_int_list(value)) and not (value is None and argument.none_default):
                _check_int_list(value, function, argument.name, position, keyword)

    def read_items(self, function: str) -> None:
        for argument, place, key, position, keyword in reversed(self):
            if place[key] is not None:
                read = _int_list_or_int if argument.one_int else _int_list
                place[key] = read(place[key], function, argument.name, position, keyword, sym_int=argument.sym_int)


def _opens_int_list(value: Any) -> bool:
    """Whether `value` can open a 'tuple of ints' (torch's overload check on the first element)."""
    if type(value) is builtins.int:
        return True
    if isinstance(value, Tensor):
        return value._data.size == 1 and value._data.dtype.kind in "iub"
    if isinstance(value, builtins.bool):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def _int_element(value: Any, index: int, function: str, argument: str, sym_int: bool = False) -> int:
    """Element `index` of a 'tuple of ints', read as torch unpacks it (a bool counts as 0 or 1, and so does
    a bool tensor, except in a `sym_int` tuple)."""
    if type(value) is builtins.int and -_INT64_LIMIT <= value < _INT64_LIMIT:
        return value
    if isinstance(value, Tensor) and value._data.size == 1 and value._data.dtype.kind in "iub":
        if sym_int and value._data.dtype.kind == "b":
            raise RuntimeError(_NOT_INTEGRAL)
        return builtins.int(value._data.item())
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{function}(): argument '{argument}' failed to unpack the object at pos {index + 1} with "
                        f"error \"type must be tuple of ints,but got {_type_name(value)}\"") from None
    if not -_INT64_LIMIT <= number < _INT64_LIMIT:  # (torch's message goes on with a C++ stack trace)
        raise TypeError(f"{function}(): argument '{argument}' failed to unpack the object at pos {index + 1} with "
                        "error \"Overflow when unpacking long long")
    return number


def _int_arg(value: Any, function: str | None, argument: str = "dim", position: int = 1,
             sym_int: bool = False) -> int:
    """An 'int' argument (a dim): an int, a NumPy int or a 0-d integer tensor, with torch's TypeError.
    A 'SymInt' argument (`sym_int`: select's index, topk's and kthvalue's k) takes a one-element integer
    tensor of any shape too; so does, without `function` (one with several overloads, a dim or a tuple
    of them), a dim, as torch takes it in a 'tuple of ints'."""
    if type(value) is builtins.int:
        return value
    if isinstance(value, Tensor) and value._data.size == 1:
        one_element = sym_int or function is None
        if value._data.dtype.kind in ("iu" if function else "iub") and (one_element or value.ndim == 0):
            return builtins.int(value._data.item())
    if isinstance(value, np.integer) or (isinstance(value, builtins.int) and not isinstance(value, builtins.bool)):
        return builtins.int(value)
    if function is None:  # (a function with several overloads: torch lists them all, we name the argument)
        raise TypeError(f"argument '{argument}' must be int, not {_type_name(value)}")
    raise TypeError(f"{function}(): argument '{argument}' (position {position}) must be int, not {_type_name(value)}")


# ---------------------------------------------------------------- making tensors from data
# The building blocks of minitorch_ref's creation functions (_creation.py) and of Tensor.new_*:
# they live here, beside Tensor, so that both can use them without an import cycle.
def _check_arguments(function: str, dtype: Any, requires_grad: Any) -> None:
    """torch's type checks of `dtype` (a dtype, or the Python type `float`, `int` or `bool`) and `requires_grad`."""
    if dtype is not None and not isinstance(dtype, dt.dtype) and dtype not in (builtins.float, builtins.int,
                                                                                builtins.bool):
        raise TypeError(f"{function}(): argument 'dtype' must be {dt.PACKAGE}.dtype, not {_type_name(dtype)}")
    if not isinstance(requires_grad, builtins.bool):
        raise TypeError(f"{function}(): argument 'requires_grad' must be bool, not {_type_name(requires_grad)}")


def _check_factory_arguments(function: str, dtype: Any, requires_grad: Any) -> None:
    """`_check_arguments` for a factory (`zeros`, `full`, `*_like`), which, unlike `tensor`, reads
    `requires_grad=None` as False."""
    _check_arguments(function, dtype, False if requires_grad is None else requires_grad)


def _fill_number(value: Any, function: str) -> Any:
    """torch's parser: a fill value is a Number, or a 0-d tensor read as its number."""
    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    if not isinstance(value, _Number):
        raise TypeError(f"{function}(): argument 'fill_value' (position 2) must be Number, not {_type_name(value)}")
    return value


def _finish(array: np.ndarray, dtype: Any, device: Any, requires_grad: bool) -> Tensor:
    if device is not None:
        dt.device(device)  # only the CPU exists: a clear error otherwise
    if dtype is not None:
        with np.errstate(invalid="ignore"):  # (NaN into an integer dtype: silent, as in torch)
            array = array.astype(dt.to_numpy_dtype(dtype), copy=False)
    t = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _infer_array(data: Any, dtype: Any = None) -> np.ndarray:
    """NumPy array with torch's inferred dtype (Python floats -> float32), or straight in `dtype`
    when one is asked for (no detour through float32: `tensor([0.1], dtype=float64)` is exact)."""
    if isinstance(data, Tensor):
        return data._data.copy(order="K")  # (a copy keeps the layout: a transposed tensor's copy is transposed)
    if isinstance(data, np.ndarray):  # (a copy keeps a transposed layout; a broadcast one is packed, as torch)
        return _checked_numpy_array(data).copy(order="C" if 0 in data.strides else "K")
    if (isinstance(data, (list, tuple)) and not _plain_numbers(data)) or (
            dtype is not None and (data is None or isinstance(data, np.generic))):
        return _mixed_array(data, dtype)  # (NumPy values or tensors among the data, or checks of a dtype: see there)
    try:
        array = np.array(data)
    except ValueError as e:
        if isinstance(data, (list, tuple)):
            return _mixed_array(data, dtype)  # (raises torch's error for ragged lists)
        raise ValueError(f"expected sequence of equal-length lists: {e}") from None
    if array.dtype in (np.uint64, object) or (array.dtype == np.float64 and array.size and abs(array).max() >= 2**63):
        array = _ints_beyond_int64(data, dtype, array)  # (NumPy's dtype then, for Python ints beyond int64)
    if array.dtype == object:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if array.dtype.kind in "US":
        leaf = data if isinstance(data, (str, bytes, np.generic)) else ("" if array.dtype.kind == "U" else b"")
        raise TypeError(f"new(): invalid data type '{dt.python_type_name(leaf)}'")
    if dtype is not None:
        return _checked_cast(array, dt.to_numpy_dtype(dtype))
    if array.dtype == np.float64 and not isinstance(data, np.floating):
        with np.errstate(over="ignore"):  # (1e5 in a float16 default is inf, silently, as in torch)
            array = array.astype(dt.DEFAULT_FLOAT.numpy_dtype)
    elif array.dtype.kind in "iu" and not isinstance(data, np.generic) and array.dtype != np.uint8:
        array = array.astype(np.int64)
    return array


def _checked_numpy_array(array: np.ndarray) -> np.ndarray:
    """`array`, after torch's checks of a NumPy array it reads (tensor, as_tensor, from_numpy), in
    torch's order: a dtype it has, strides in whole elements and none negative (a reversed view
    `a[::-1]` must be copied first), the machine's byte order."""
    dt.from_numpy_dtype(array.dtype.newbyteorder("="))
    if any(s % array.itemsize for s in array.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. Copy the numpy array "
                         "to reallocate the memory.")
    if any(s < 0 for s in array.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array  with array.copy().) ")
    if not array.dtype.isnative:
        raise ValueError("given numpy array has byte order different from the native byte order. Conversion "
                         "between byte orders is currently not supported.")
    return array


def _ints_beyond_int64(data: Any, dtype: Any, array: np.ndarray) -> np.ndarray:
    """torch reads Python ints as C++ int64s: one beyond that range raises, unless the tensor will be
    floating point or bool (a float among the data, or such a dtype asked for): then it is read as a
    double."""
    big = has_float = False
    pending = [data]
    while pending:
        x = pending.pop()
        if isinstance(x, (list, tuple)):
            pending.extend(x)
        elif isinstance(x, (builtins.float, np.floating)):
            has_float = True
        elif isinstance(x, builtins.int) and not isinstance(x, builtins.bool):
            big = big or not -(1 << 63) <= x < 1 << 63
    if not big:
        return array
    if (not has_float) if dtype is None else dt.to_numpy_dtype(dtype).kind in "iu":
        raise ValueError("Overflow when unpacking long long")
    return np.array(data, np.float64)


_PLAIN_NUMBERS = frozenset((builtins.int, builtins.float, builtins.bool, builtins.complex))


def _plain_numbers(data: Any) -> bool:
    """Whether nested lists/tuples hold Python numbers only (NumPy then infers what torch does, up to
    float64 -> the default float)."""
    kinds = set(map(type, data))
    if kinds <= _PLAIN_NUMBERS:
        return True
    return kinds <= {list, tuple} and all(_plain_numbers(x) for x in data)


def _is_sequence(obj: Any) -> bool:
    return isinstance(obj, (list, tuple, range, np.ndarray))


def _mixed_array(data: Any, dtype: Any) -> np.ndarray:
    """`tensor(data)` for nested lists that hold NumPy scalars or arrays, or tensors (or that NumPy
    cannot read), read as torch reads them (torch/csrc/utils/tensor_new.cpp):
    - the shape follows the first element at each level, and a tensor is not a sequence there: it is
      one number, so `[tensor([1.]), tensor([2.])]` has shape (2,), and a tensor of several elements
      cannot be read at all;
    - the dtype promotes over every leaf, each keeping its own dtype: `[np.float64(1.5)]` is float64,
      `[tensor(1., dtype=float64), tensor(2.)]` too (a Python float is the default float)."""
    sizes = []
    level = data
    while _is_sequence(level) or isinstance(level, str):
        if isinstance(level, str):  # (torch descends into a string's characters until it gives up)
            raise ValueError("too many dimensions 'str'")
        sizes.append(len(level))  # (a 0-d NumPy array: TypeError "len() of unsized object", as torch)
        if not len(level):
            break
        level = level[0]
    np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else _inferred_dtype(data)
    if isinstance(data, list) and data and isinstance(data[0], np.ndarray):
        warnings.warn("Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting "
                      "the list to a single numpy.ndarray with numpy.array() before converting to a tensor.",
                      UserWarning, stacklevel=4)
    values = []
    if math.prod(sizes):  # (torch reads no element of an empty shape: `[[], [1]]` is a 2 x 0 tensor)
        _gather(data, sizes, 0, values, np_dtype)
    return _checked_cast(np.array(values).reshape(sizes), np_dtype)


def _inferred_dtype(obj: Any) -> np.dtype:
    """torch's infer_scalar_type: the promoted dtype of every leaf."""
    if isinstance(obj, (np.ndarray, np.generic)):
        return dt.from_numpy_dtype(obj.dtype).numpy_dtype
    if isinstance(obj, Tensor):
        return obj._data.dtype
    if isinstance(obj, (builtins.bool, builtins.int, builtins.float)):
        return dt.scalar_dtype(obj)
    if isinstance(obj, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(obj).__name__}'")
    if isinstance(obj, (list, tuple, range)):
        result = dt.DEFAULT_FLOAT.numpy_dtype if not obj else None
        for item in obj:
            item_dtype = _inferred_dtype(item)
            result = item_dtype if result is None else dt.promote_types(result, item_dtype)
        return result
    raise RuntimeError(f"Could not infer dtype of {type(obj).__name__}")


_SCALAR_OF_GRAD_WARNING = ("Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                           "Consider using tensor.detach() first.")


def _gather(obj: Any, sizes: list, level: int, values: list, np_dtype: np.dtype) -> None:
    """Append the leaves of `obj` to `values` as Python numbers, checking the shape level by level."""
    if level == len(sizes):
        if isinstance(obj, Tensor):
            if obj._data.size != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            if obj._requires_grad and grad_mode._enabled:  # (its value is read: the graph stops there)
                warnings.warn(_SCALAR_OF_GRAD_WARNING, UserWarning, stacklevel=2)
            obj = obj._data.item()
        elif isinstance(obj, np.generic):
            obj = _numpy_scalar_value(obj, np_dtype)
        elif _is_sequence(obj) or not isinstance(obj, (builtins.int, builtins.float, builtins.complex)):
            name = type(obj).__name__  # (a list too deep, or None or a str where a number belongs)
            raise TypeError(f"must be real number, not {name}" if np_dtype.kind == "f" else
                            f"'{name}' object cannot be interpreted as an integer")
        values.append(obj)
        return
    if not _is_sequence(obj):
        raise TypeError("not a sequence")
    if len(obj) != sizes[level]:
        raise ValueError(f"expected sequence of length {sizes[level]} at dim {level} (got {len(obj)})")
    for item in obj:
        _gather(item, sizes, level + 1, values, np_dtype)


def _numpy_scalar_value(value: np.generic, np_dtype: np.dtype) -> Any:
    """A NumPy scalar as a Python number, read as torch reads it for `np_dtype`: an integer or bool
    dtype takes only what Python reads as an integer (np.float64, a float, is one; np.float32 is not)."""
    integral_only = np_dtype.kind in "iu" or (np_dtype.kind == "b" and not isinstance(value, np.bool_))
    if integral_only and not isinstance(value, (np.integer, builtins.float)):
        raise TypeError(f"'{dt.python_type_name(value)}' object cannot be interpreted as an integer")
    return value.item()


def _checked_cast(array: np.ndarray, np_dtype: np.dtype) -> np.ndarray:
    """`array` in `np_dtype`, refusing a value that an integer dtype cannot hold, as tensor() does
    (c10's checked_convert: `tensor([200], dtype=int8)` raises; -1 into uint8 wraps to 255, but -1.0 fails)."""
    if np_dtype.kind in "iu" and array.dtype.kind in "iuf" and array.size:
        info = np.iinfo(np_dtype)
        if array.dtype.kind == "f":
            bad = ~np.isfinite(array) | (array < info.min) | (array > info.max)
        else:
            low = builtins.int(info.min) if np_dtype.kind == "i" else -builtins.int(info.max)
            bad = (array < low) | (array > info.max)
        if bad.any():
            raise RuntimeError(f"value cannot be converted to type {np_dtype.name} without overflow")
    with np.errstate(over="ignore"):  # (a float too large for float16 becomes inf silently, as in torch)
        return array.astype(np_dtype, copy=False)


def _sized(shape: tuple, dtype: Any, default: Any = None):
    """A read size (see `_shape_args`), checked not negative, and the NumPy dtype to make it in."""
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape, dt.to_numpy_dtype(dtype if dtype is not None else (default or dt.DEFAULT_FLOAT))


def shape_op_view(t: Tensor, shape_: tuple, method: str = "reshape") -> Tensor:
    """`t` viewed in `shape_`, one -1 inferred, after torch's checks (in its order, dim by dim)."""
    n = t._data.size
    known = 1
    unknown = []
    for i, s in enumerate(shape_):
        if s == -1:
            if unknown:
                raise RuntimeError("only one dimension can be inferred")
            unknown.append(i)
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape_)}")
        else:
            known *= s
    if unknown and known == 0 == n:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape_)} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    if (unknown and (known == 0 or n % known)) or (not unknown and known != n):
        raise RuntimeError(f"shape '{list(shape_)}' is invalid for input of size {n}")
    return shape.View.apply(t, shape_, method)


def _as_tensor(value: Any, like: Tensor | None = None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor._make(value)
    array = np.asarray(value)
    if array.dtype == np.float64 and not isinstance(value, np.floating):
        array = array.astype(like._data.dtype if like is not None and like.is_floating_point() else
                             dt.DEFAULT_FLOAT.numpy_dtype)
    return Tensor._make(array)


def _floating(t: Tensor) -> Tensor:
    """Integer inputs of exp/log/sigmoid... are computed in the default float dtype, as torch does."""
    return t if t._data.dtype.kind == "f" else t.to(dt.DEFAULT_FLOAT)


def _binary(op: Any, a: Tensor, b: Any, floating: bool = False) -> Tensor:
    """`op.apply(a, b)` for arithmetic operators, after torch's type promotion."""
    a, b = _promote(a, b, floating)
    return op.apply(a, b)


def _promote(a: Tensor, b: Any, floating: bool = False):
    """Cast a binary op's operands to torch's result dtype; Python numbers stay Python numbers."""
    if isinstance(b, Tensor):
        da, db = a._data.dtype, b._data.dtype
        if da is db and a._data.shape == b._data.shape and (da.kind == "f" or not floating):
            return a, b  # the common case: nothing to convert or check
        target = da if da == db else _result_dtype(a, b)
        if floating and target.kind != "f":
            target = dt.DEFAULT_FLOAT.numpy_dtype
        _check_broadcast(a._data.shape, b._data.shape)
        return _cast(a, target), _cast(b, target)
    if type(b) is builtins.int:
        _readable(b)
    if a._data.dtype.kind == "f" and (type(b) is builtins.float or type(b) is builtins.int):
        return a, b  # the common case: a float tensor and a Python number keep the tensor's dtype
    if not isinstance(b, _Number):
        if isinstance(b, np.ndarray):
            return _promote(a, _as_tensor(b, like=a), floating)
        _unsupported_operand(b)
    if isinstance(b, np.generic):  # a NumPy scalar counts as a Python number (NumPy would let its dtype win),
        b = builtins.float(b) if isinstance(b, np.bool_) else b.item()  # and torch reads a NumPy bool as a float
    da = a._data.dtype
    scalar = dt.scalar_dtype(b)
    target = dt.result_type(da if a._data.ndim else None, None if a._data.ndim else da, scalar)
    if floating and target.kind != "f":
        target = dt.DEFAULT_FLOAT.numpy_dtype
    if target.kind != "f" and isinstance(b, (builtins.float, np.floating)):
        target = dt.DEFAULT_FLOAT.numpy_dtype
    if target.kind in "iu" and type(b) is builtins.int:
        b = _wrapped(b, target)
    return _cast(a, target), b


def _wrapped(number: int, np_dtype: np.dtype) -> int:
    """A Python int taken into an integer dtype as torch takes a scalar: modulo 2**bits, two's complement
    (uint8: -1 -> 255, 300 -> 44; int8: 200 -> -56). NumPy 2 would raise OverflowError instead."""
    info = np.iinfo(np_dtype)
    if info.min <= number <= info.max:
        return number
    return (number - builtins.int(info.min)) % (1 << info.bits) + builtins.int(info.min)


def _check_integer_division(a: Tensor, b: Any, kernel: str) -> None:
    """torch's errors for `//` and `%` that NumPy lets through: bool operands, and an integer
    division by zero (NumPy returns 0 with a warning; torch raises)."""
    if a._data.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
    divisor = b._data if isinstance(b, Tensor) else b
    if a._data.dtype.kind in "iu" and a._data.size and np.any(np.asarray(divisor) == 0):
        raise RuntimeError("ZeroDivisionError")


def _tensor_string(np_dtype: np.dtype) -> str:
    """A CPU tensor as torch's C++ messages print it (its toString): the legacy type name, which bool
    has none of there ("CPUBoolType")."""
    return "CPUBoolType" if np_dtype == np.bool_ else f"{dt.PACKAGE}.{dt.torch_type_name(np_dtype)}Tensor"


def _check_setitem_shape(t: Tensor, np_key: Any, value: Tensor, advanced: bool, leading_ones: bool = True) -> None:
    """torch's errors for `t[key] = value` when value's shape does not fit (leading 1s of value
    are dropped first, unless `leading_ones` is False: index_put_ keeps them): index_put's "shape
    mismatch" for an index with tensors, else copy_'s expand."""
    target, rest = shape.split_key(t._data, np_key)
    want = list(np.shape(target[rest]))
    have = list(value._data.shape)
    while leading_ones and have and have[0] == 1:
        have.pop(0)
    fits = len(have) <= len(want) and all(h in (1, w) for h, w in zip(have[::-1], want[::-1]))
    if fits:
        return
    if advanced:
        raise RuntimeError(f"shape mismatch: value tensor of shape {have} cannot be broadcast to indexing result of "
                           f"shape {want}")
    if len(have) > len(want):
        raise RuntimeError(f"expand({_tensor_string(value._data.dtype)}{{{have}}}, "
                           f"size={want}): the number of sizes provided ({len(want)}) must be greater or equal to the "
                           f"number of dimensions in the tensor ({len(have)})")
    for i in range(1, len(have) + 1):
        if have[-i] not in (1, want[-i]):
            raise RuntimeError(f"The expanded size of the tensor ({want[-i]}) must match the existing size "
                               f"({have[-i]}) at non-singleton dimension {len(want) - i}.  Target sizes: {want}.  "
                               f"Tensor sizes: {have}")


def _check_floating_kernel(t: Tensor, dtype: Any, dim: int, name: str) -> bool:
    """softmax/log_softmax have no integer kernel in torch, whether the input or `dtype=` is integer;
    True for an empty result, which torch returns (in that dtype) without calling the kernel. `dtype`: torch's
    parser takes a dtype or Python's float, int or bool."""
    if dtype is not None and not isinstance(dtype, dt.dtype) and dtype not in (builtins.float, builtins.int,
                                                                                builtins.bool):
        raise TypeError(f"{name}(): argument 'dtype' must be {dt.PACKAGE}.dtype, not {_type_name(dtype)}")
    target = np.dtype(dt.to_numpy_dtype(dtype)) if dtype is not None else t._data.dtype
    if target.kind in "biu":
        if t._data.size == 0:
            return True
        kernel = "lastdim_kernel_impl" if dim == max(t.ndim, 1) - 1 else "kernel_impl"
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for \'{dt.torch_type_name(target)}\'')
    return False


def _is_one(alpha: Any) -> bool:
    return type(alpha) is builtins.int and alpha == 1


def _scaled(a: Tensor, other: Any, alpha: Any, name: str) -> Any:
    """`other * alpha` for add/sub's `alpha=`, computed in the result dtype of `a` and `other` (alpha takes
    no part in it: bools stay bools), after torch's checks of alpha's type against that dtype."""
    if isinstance(alpha, Tensor) and alpha.ndim == 0:  # (read as its number, as torch's parser does)
        alpha = alpha.item()
    if not isinstance(alpha, _Number):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {dt.python_type_name(alpha)}")
    a, other = _promote(a, other)
    dtype = a._data.dtype
    if isinstance(alpha, (builtins.bool, np.bool_)) and dtype != np.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if dtype.kind != "f" and isinstance(alpha, (builtins.float, np.floating)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(other, Tensor):
        return _cast(other * alpha, dtype)
    with np.errstate(over="ignore"):  # (wrapping around or overflowing to inf silently, as torch)
        return (dtype.type(other) * alpha).astype(dtype).item()  # a Python number of the result's kind


def _bitwise(a: Tensor, b: Any, ufunc) -> Tensor:
    """`&`, `|`, `^`: bools and integers only, with torch's error for floats."""
    a, b = _promote(a, b)
    if a._data.dtype.kind == "f":
        raise NotImplementedError(f'"{ufunc.__name__}_cpu" not implemented for \'{dt.torch_type_name(a._data.dtype)}\'')
    return pointwise.NoGradient.apply(ufunc, a, b)


def _atan2(a: Tensor, other: Any, name: str) -> Tensor:
    _require_tensor(other, name, "other", 1)
    a, b = _promote(a, other, floating=True)
    return pointwise.Atan2.apply(a, b)


def _shift(a: Tensor, b: Any, ufunc, reflected: bool = False) -> Tensor:
    """`<<` and `>>` (`b << a` when `reflected`): integers only. NumPy's shifts give torch's answers where C's
    are undefined: 0 for a left shift by the width or more (or by a negative count), the sign for a right one."""
    a, b = _promote(a, b)
    if a._data.dtype.kind in "fb":
        kernel = "lshift" if ufunc is np.left_shift else "rshift"
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{dt.torch_type_name(a._data.dtype)}\'')
    if reflected:
        return pointwise.NoGradient.apply(lambda x, y: ufunc(y, x), a, b)
    return pointwise.NoGradient.apply(ufunc, a, b)


def _require_tensor(value: Any, fn: str, name: str, position: int) -> None:
    """torch's TypeError for a Python number where only a tensor is accepted (`torch.maximum(x, 2)`)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{dt.python_type_name(value)}")


def _broadcastable(t: Tensor, other: Any) -> Tensor:
    """`other` as a tensor, with torch's error when it cannot broadcast with `t`."""
    other = _as_tensor(other)
    _check_broadcast(t._data.shape, other._data.shape)
    return other


def _tensor_or_none(value: Any) -> bool:
    return value is None or isinstance(value, Tensor)


def _clamp_bounds(x: Tensor, kernel: str, *bounds: Any) -> list:
    """clamp's number bounds as torch takes them into `x`'s (already promoted) dtype: there is no bool kernel,
    and each bound must fit the dtype (`_checked_scalar`: uint8's clamp(300) raises, clamp(-1) wraps to 255)."""
    if x._data.dtype == np.bool_:
        raise NotImplementedError(f'"{kernel}_scalar_cpu" not implemented for \'Bool\'')
    return [None if b is None else _checked_scalar(b, x._data.dtype).item() for b in bounds]


def _check_clamp_bounds_match(name: str, low: Any, high: Any, function: bool = False) -> None:
    """torch's parser error for a tensor bound beside a number (a 0-d tensor without grad passes as a number):
    clamp has one overload of tensors and one of numbers. The function form lists them with `input`."""
    bound = low if isinstance(low, Tensor) else high
    if not isinstance(bound, Tensor) or (_tensor_or_none(low) and _tensor_or_none(high)):
        return
    if bound.ndim == 0 and not bound.requires_grad:
        return
    if function:
        raise _invalid_arguments(name, (bound, low, high), ("Tensor input, Tensor min = None, Tensor max = None, *, "
                                                            "Tensor out = None", "Tensor input, Number min = None, "
                                                            "Number max = None, *, Tensor out = None"))
    raise _invalid_arguments(name, (low, high), ("Tensor min = None, Tensor max = None",
                                                 "Number min = None, Number max = None"), accepts=((), ()))


def _invalid_arguments(name: str, given: tuple, overloads: tuple, accepts: tuple | None = None,
                       keywords: dict | None = None) -> TypeError:
    """torch's parser error when none of a function's overloads takes the arguments: their types (then the
    `keywords` given, as `out=Tensor`), then each overload. With `accepts` (per overload, the types each argument
    may have; () for none, as torch's clamp says; None: torch says nothing) each overload is followed by the
    arguments, the ones it does not take marked."""
    types = [_argument_type(v) for v in given] + [f"{k}={_argument_type(v)}" for k, v in (keywords or {}).items()]
    text = f"{name}() received an invalid combination of arguments - got ({', '.join(types)}), but expected one of:\n"
    for i, overload in enumerate(overloads):
        text += f" * ({overload})\n"
        if accepts is not None and accepts[i] is not None:
            kinds = accepts[i] or (() for _ in given)
            marked = [t if kind and isinstance(v, kind) else f"!{_marked_type(v)}!" for v, t, kind in
                      zip(given, types, kinds)]
            text += f"      didn't match because some of the arguments have invalid types: ({', '.join(marked)})\n"
    return TypeError(text)


def _argument_type(value: Any) -> str:
    return "Tensor" if isinstance(value, Tensor) else dt.python_type_name(value)


def _marked_type(value: Any) -> str:
    """A mismatched argument's type as torch marks it: a list or tuple with its items' types, written as
    Python writes the sequence (`list of [int, float]`, `tuple of (int,)`)."""
    if type(value) is list:
        return f"list of [{', '.join(map(_argument_type, value))}]"
    if type(value) is tuple:
        return f"tuple of ({', '.join(map(_argument_type, value))}{',' if len(value) == 1 else ''})"
    return _argument_type(value)


def _clamp_tensor(x: Tensor, low: Tensor | None, high: Tensor | None) -> Tensor:
    """`clamp` with tensor bounds: all three broadcast together, and each bound gets a gradient."""
    bounds = [b for b in (low, high) if b is not None]
    for b in bounds:
        _check_broadcast(x._data.shape, b._data.shape)
    if len(bounds) == 2:
        _check_broadcast(bounds[0]._data.shape, bounds[1]._data.shape)
    target = _result_dtype(x, *bounds)  # (all three at once)
    if len(bounds) == 2 and target == np.bool_:
        raise NotImplementedError('"clamp_cpu" not implemented for \'Bool\'')
    x, low, high = (None if t is None else _cast(t, target) for t in (x, low, high))
    return pointwise.ClampTensor.apply(x, low, high)


_TYPE_NAMED_DTYPES = (np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_)


_OPERANDS = (Tensor, np.ndarray) + _Number  # what arithmetic takes besides a tensor


def _batch_transpose(t: Tensor, name: str, zero_d_advice: str) -> Tensor:
    """`t.mT` / `t.mH`: the last two dims swapped, with torch's warning for a 0-d tensor (returned as it is)
    and its error for a 1-d one."""
    if t.ndim == 0:
        warnings.warn(f"Tensor.{name} is deprecated on 0-D tensors. {zero_d_advice}", UserWarning, stacklevel=3)
        return t
    if t.ndim == 1:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return t.transpose(-2, -1)


def _unsupported_operand(b: Any) -> None:
    raise _NotAnOperand(f"unsupported operand type for tensor arithmetic: '{type(b).__name__}'")


def _result_dtype(*tensors: Tensor) -> np.dtype:
    """torch's result dtype of tensors combined: 0-d tensors count only where their kind (bool < integer < float)
    is above every dimensioned tensor's."""
    dims = [t._data.dtype for t in tensors if t._data.ndim]
    zeros = [t._data.dtype for t in tensors if not t._data.ndim]
    return dt.result_type(_fold(dims), _fold(zeros), None)


def _tensordot(a: Tensor, b: Tensor, dims_a: Sequence[int], dims_b: Sequence[int]) -> Tensor:
    """torch's tensordot over the dims pairs (dims_a[i], dims_b[i]): a dim of size 1 facing a longer one is
    summed first (broadcast), then both operands are permuted (kept dims, then the contracted ones) and
    reshaped into matrices, multiplied with one `mm`, and the result reshaped to the kept dims."""
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    contracted = 1
    ta, tb = a, b
    for da, db in zip(dims_a, dims_b):
        sa, sb = a.size(da), b.size(db)
        if sb == 1:
            ta = ta.sum(da, True, dtype=ta.dtype)
        elif sa == 1:
            tb = tb.sum(db, True, dtype=tb.dtype)
        elif sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} in dim {da} and second "
                               f"has size {sb} in dim {db}")
        else:
            contracted *= sa
    fixed_a, fixed_b = _dims_once(dims_a, a.ndim), _dims_once(dims_b, b.ndim)
    kept_a = [d for d in range(a.ndim) if d not in fixed_a]
    kept_b = [d for d in range(b.ndim) if d not in fixed_b]
    sizes = [ta.shape[d] for d in kept_a] + [tb.shape[d] for d in kept_b]
    left = ta.permute(kept_a + list(dims_a)).reshape(math.prod(ta.shape[d] for d in kept_a), contracted)
    right = tb.permute(list(dims_b) + kept_b).reshape(contracted, math.prod(tb.shape[d] for d in kept_b))
    if left._data.dtype == np.bool_ and left.shape[0] == 1 and right.shape[1] == 1:
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")  # (torch's mm of a row by a column: a dot)
    return left.mm(right).reshape(sizes)


def _dims_once(dims: Sequence[int], ndim: int) -> set:
    """The dims, wrapped to 0..ndim-1, refusing one given twice (torch's dim_list_to_bitset)."""
    seen = set()
    for d in dims:
        d = _dim(d, ndim)
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return seen


def _fold(dtypes: list):
    result = None
    for d in dtypes:
        result = d if result is None else dt.promote_types(result, d)
    return result


def _cast(t: Tensor, np_dtype: np.dtype) -> Tensor:
    if t._data.dtype == np_dtype:
        return t
    return pointwise.ToCopy.apply(t, np_dtype, "preserve_format")


def _check_output_shape(t: Tensor, *others: Any) -> None:
    """An in-place op writes into `t`: torch checks that its operands' broadcast shape is `t`'s
    before it looks at dtypes."""
    shapes = [o._data.shape for o in others if isinstance(o, Tensor)]
    try:
        full = np.broadcast_shapes(t._data.shape, *shapes)
    except ValueError:
        return  # (the op itself raises torch's error for shapes that do not broadcast)
    if full != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape {list(full)}")


def _check_not_bool_sub(a: Tensor, b: Any) -> None:
    b_bool = isinstance(b, builtins.bool) or (isinstance(b, Tensor) and b._data.dtype == np.bool_)  # (np.bool_: float)
    if a._data.dtype == np.bool_ and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
            "operator instead."
        )
    if a._data.dtype == np.bool_ or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
            "use the `~` or `logical_not()` operator instead."
        )


# c10's names of the types, as its overflow check prints them (torch's dtype checks print others: `_dtype_word`)
_C_TYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
           "float16": "c10::Half", "float32": "float", "float64": "double", "bool": "bool"}
# ... and as a tensor's dtype() prints them in C++ (its TypeMeta: the compiler's names of the types)
_TYPEMETA_NAME = {"uint8": "unsigned char", "int8": "signed char", "int16": "short int", "int32": "int",
                  "int64": "long int", "float16": "c10::Half", "float32": "float", "float64": "double", "bool": "bool"}


def _checked_scalar(value: Any, np_dtype: np.dtype) -> np.ndarray:
    """`value` as a 0-d array of `np_dtype`, with torch's overflow check (c10's `checked_convert`): a number
    must fit the type's range (a float into an integer type too: nan and inf never do); an unsigned type also
    takes integers down to -max, which wrap (-1 -> 255), but no negative float. Anything fits bool."""
    value = value.item() if isinstance(value, np.generic) else value
    if np_dtype == np.bool_:
        return np.asarray(builtins.bool(value))
    if isinstance(value, builtins.complex) and np_dtype.kind != "c":
        fits = False
    elif np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        low = builtins.int(info.min) if np_dtype.kind == "i" else 0 if isinstance(value, builtins.float) else -info.max
        fits = math.isfinite(value) and low <= value <= builtins.int(info.max)
    else:
        fits = not math.isfinite(value) or abs(value) <= builtins.float(np.finfo(np_dtype).max)
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {_C_TYPE[np_dtype.name]} without overflow")
    with np.errstate(over="ignore"):
        return np.asarray(value).astype(np_dtype)


def _fill_value(value: Any, np_dtype: np.dtype, numel: int) -> np.generic:
    """A fill value in the tensor's dtype, with torch's overflow check (`_checked_scalar`: -1 wraps
    around to 255 in uint8, NaN or 1e10 into int32 raise). Besides, as torch's `full`: a Python int
    must fit in int64 or uint64 to be read at all; float16 is made from a float (two roundings); and
    a single element is filled by another path, which for float16 skips the check (1e10 gives inf)."""
    value = _readable(value.item() if isinstance(value, np.generic) else value)
    if np_dtype != np.float16 or isinstance(value, builtins.bool):
        return _checked_scalar(value, np_dtype)[()]
    if numel != 1:
        _checked_scalar(value, np_dtype)
    return _from_double(np.float64(value), np_dtype)[()]


def _isclose(a: Tensor, b: Tensor, rtol: Any, atol: Any, equal_nan: bool) -> Tensor:
    _check_same_dtype(a, b, "isclose")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}")
    _check_broadcast(a._data.shape, b._data.shape)
    return pointwise.NoGradient.apply(lambda x, y: _isclose_arrays(x, y, rtol, atol, equal_nan), a, b)


def _isclose_arrays(x: np.ndarray, y: np.ndarray, rtol: Any, atol: Any, equal_nan: bool) -> np.ndarray:
    """torch's formula step by step: `self == other`, then (unless both tolerances are 0) `atol + (rtol *
    other).abs()` against `(self - other).abs()`, each step rounded to the tensor's dtype (float16 computed in
    float32, the tolerances rounded to it); bools and integers are compared in float32 (the default dtype)."""
    close = x == y
    if equal_nan and x.dtype.kind == "f":
        close = close | (np.isnan(x) & np.isnan(y))
    if rtol == 0 and atol == 0:
        return close
    if x.dtype.kind != "f":  # (bools and integers: in the default float dtype, after the exact `==`)
        x, y = x.astype(dt.DEFAULT_FLOAT.numpy_dtype), y.astype(dt.DEFAULT_FLOAT.numpy_dtype)
    work, kind = (np.float32 if x.dtype == np.float16 else x.dtype.type), x.dtype
    scaled = np.abs((work(rtol) * y.astype(work)).astype(kind))
    allowed = (work(atol) + scaled.astype(work)).astype(kind)
    actual = np.abs((x.astype(work) - y.astype(work)).astype(kind))
    return close | (np.isfinite(actual) & (actual <= allowed))


def _broadcast_except(shape_: tuple, other: Tensor, d: int) -> tuple:
    """take_along_dim's shapes: `shape_` with its dim d made other's, broadcast with other's (torch's error)."""
    wanted = shape_[:d] + (other._data.shape[d],) + shape_[d + 1:]
    _check_broadcast(wanted, other._data.shape)
    return np.broadcast_shapes(wanted, other._data.shape)


def _scatter_arguments(name: str, src: Any, position: int, **ints: Any) -> list:
    """The arguments of select_scatter, slice_scatter or diagonal_scatter after src (at `position`), read as
    torch's parser does: src a tensor, then each int (None stays None: slice_scatter's start and end)."""
    _require_tensor(src, name, "src", position)
    return [None if value is None else _int_arg(value, name, argument, position + i, sym_int=True)
            for i, (argument, value) in enumerate(ints.items(), 1)]


def _select_scatter(x: Tensor, src: Any, dim: Any, index: Any, *, position: int) -> Tensor:
    dim, index = _scatter_arguments("select_scatter", src, position, dim=dim, index=index)
    return _scatter_into(x, src, shape.SelectScatter, lambda t: t.select(dim, index))


def _slice_scatter(x: Tensor, src: Any, dim: Any = 0, start: Any = None, end: Any = None, step: Any = 1, *,
                   position: int) -> Tensor:
    dim, start, end, step = _scatter_arguments("slice_scatter", src, position, dim=dim, start=start, end=end, step=step)
    if step <= 0:
        raise RuntimeError("slice step must be positive")

    def sliced(t: Tensor) -> Tensor:
        if t.ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return t[(slice(None),) * _dim(dim, t.ndim) + (slice(start, end, step),)]
    return _scatter_into(x, src, shape.SliceScatter, sliced)


def _diagonal_scatter(x: Tensor, src: Any, offset: Any = 0, dim1: Any = 0, dim2: Any = 1, *, position: int) -> Tensor:
    offset, dim1, dim2 = _scatter_arguments("diagonal_scatter", src, position, offset=offset, dim1=dim1, dim2=dim2)
    return _scatter_into(x, src, shape.DiagonalScatter, lambda t: t.diagonal(offset, dim1, dim2))


def _scatter_into(x: Tensor, src: Tensor, op: type, view: Any) -> Tensor:
    """A scatter into x's `view`: the view op's checks, then src's size; src is cast to x's dtype, and `op`
    takes the same view of its arrays."""
    taken = view(x.detach())
    if src._data.shape != taken._data.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(taken.shape)}")
    return op.apply(x, _cast(src, x._data.dtype), lambda a: view(Tensor._make(a))._data)


def _diff(x: Tensor, n: Any, dim: Any, prepend: Any, append: Any) -> Tensor:
    """torch.diff: its argument and shape checks, then its loop: n narrowed differences (n capped at the size
    of dim), or a copy for n=0. (torch also names the position of an argument given by position.)"""
    for name, value in (("n", n), ("dim", dim)):
        if not isinstance(value, (builtins.int, np.integer)) or isinstance(value, builtins.bool):
            raise TypeError(f"diff(): argument '{name}' must be int, not {type(value).__name__}")
    for name, value in (("prepend", prepend), ("append", append)):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(value).__name__}")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    for other in (prepend, append):
        if other is not None:
            d = _dim(dim, x.ndim)
            if other.ndim != x.ndim:
                raise RuntimeError("diff expects prepend or append to be the same dimension as input")
            for i in range(other.ndim):
                if i != d and other._data.shape[i] != x._data.shape[i]:
                    raise RuntimeError(
                        "diff expects the shape of tensor to prepend or append to match that of input except along "
                        f"the differencing dimension; input.size({i}) = {x._data.shape[i]}, but got tensor.size({i}) = "
                        f"{other._data.shape[i]}")
    if n == 0:  # (torch: `zeros_like(self).copy_(self)`, a CopyBackwards node; prepend and append unused)
        return x.new_zeros(x.shape).copy_(x)
    d = _dim(dim, x.ndim)
    if prepend is not None or append is not None:  # (their shapes are checked above: cat's rule is the dtype's)
        joined = [t for t in (prepend, x, append) if t is not None]
        target = _fold([t._data.dtype for t in joined])
        x = shape.Cat.apply(d, *[_cast(t, target) for t in joined])
    length = x._data.shape[d] - 1
    result = x  # (a dim of size 0: the input itself, as torch returns it)
    for _ in range(min(n, x._data.shape[d])):
        after, before = result.narrow(d, 1, length), result.narrow(d, 0, length)
        result = after.logical_xor(before) if x._data.dtype == np.bool_ else after - before
        length -= 1
    return result


def _unflatten(x: Tensor, dim: Any, sizes: Any) -> Tensor:
    """torch's unflatten: its argument checks, then infer_size's (its messages wrapped as unflatten wraps them)."""
    dim = _int_arg(dim, "unflatten")
    sizes = list(_int_list(sizes, "unflatten", "sizes", 2, sym_int=True))
    d = _dim(dim, x.ndim)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    unexpected = "unflatten got an unexpected error:\n"
    if x.ndim == 0:
        raise RuntimeError(f"{unexpected}Dimension specified as {dim} but tensor has no dimensions")
    numel, known, inferred = x._data.shape[d], 1, None
    for i, s in enumerate(sizes):
        if s == -1:
            if inferred is not None:
                raise RuntimeError(f"{unexpected}only one dimension can be inferred")
            inferred = i
        elif s >= 0:
            known *= s
        else:
            raise RuntimeError(f"{unexpected}invalid shape dimension {s} at index {i} of shape {sizes}")
    if not (numel == known or (inferred is not None and known > 0 and numel % known == 0)):
        raise RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size of dim {d} ({numel}) in "
                           "the input tensor")
    if inferred is not None:
        if known == 0:
            raise RuntimeError(f"{unexpected}cannot reshape tensor of 0 elements into shape {sizes} because the "
                               "unspecified dimension size -1 can be any value and is ambiguous")
        sizes[inferred] = numel // known
    shp = x._data.shape
    return x.view(shp[:d] + tuple(sizes) + shp[d + 1:])


def _bincount(x: Tensor, weights: Any, minlength: Any) -> Tensor:
    """torch's bincount, checks in its order: an integer input, minlength, the empty case (int64 zeros, even
    with weights), a 1-d non-negative input, weights of its length. Weights are summed in order (np.add.at),
    in float32 for float32 weights, else in float64; a result from weights that require grad has torch's
    node without a derivative."""
    kind = x._data.dtype
    if kind.kind not in "iu":
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{dt.torch_type_name(kind)}\'')
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if x.ndim == 1 and x._data.size == 0:
        return Tensor._make(np.zeros(minlength, dtype=np.int64))
    if x.ndim != 1 or x._data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights._data.shape[0] != x._data.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    bins = max(builtins.int(x._data.max()) + 1, minlength)
    if weights is None:
        return Tensor._make(np.bincount(x._data, minlength=bins).astype(np.int64))
    return pointwise.BincountWeights.apply(weights, x._data, bins)


def _check_same_dtype(a: Tensor, b: Tensor, name: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{dt.torch_type_name(a._data.dtype)} did not match {dt.torch_type_name(b._data.dtype)}")


def _nonzero(a: np.ndarray) -> np.ndarray:
    """The (n, ndim) indices of the nonzero elements (a 0-d tensor: one row with no columns if nonzero),
    laid out as torch's: column by column (strides (1, n)), the transpose of one row per dim."""
    if a.ndim == 0:
        return np.zeros((builtins.int(a != 0), 0), np.int64, order="F")
    return np.stack(np.nonzero(a)).astype(np.int64).T


def _nonzero_as_tuple(a: np.ndarray) -> tuple:
    """One index array per dim (a 0-d tensor counts as 1-D)."""
    return tuple(w.astype(np.int64) for w in np.nonzero(a.reshape(1) if a.ndim == 0 else a))


def _repeat_counts(counts: np.ndarray, output_size: int | None) -> np.ndarray:
    """A tensor of repeat counts, with the checks of torch's repeat_interleave kernel, in its order."""
    if counts.dtype not in (np.int64, np.int32):
        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{dt.torch_type_name(counts.dtype)}'")
    if counts.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if counts.size and counts.min() < 0:
        raise RuntimeError("repeats can not be negative")
    if output_size is not None and counts.size and builtins.int(counts.sum()) != output_size:
        raise RuntimeError("allocated size does not match required size")
    return counts


def _check_index_dtype(index: Any, name: str) -> None:
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32{'/' if name == 'gather' else ' or '}int64 for index")


_check_inplace = inplace.check_inplace  # (torch's leaf, view and overlap rules for in-place writes)


def _check_result_fits(t: Tensor, other: Any) -> None:
    """torch checks that a binary op's result dtype fits `t` before it computes (`bool_t &= 1.5`,
    `int_t.bitwise_and_(1.5)`: the cast error, not the kernel's)."""
    result, target = _promote(t, other)[0]._data.dtype, t._data.dtype
    if not dt.can_cast(result, target):
        raise RuntimeError(f"result type {dt.torch_type_name(result)} can't be cast to the desired output type "
                           f"{dt.torch_type_name(target)}")


def _named_in_place(result: Tensor) -> Tensor:
    """An op without derivative (floor_divide) written in place: backward's error names the in-place op."""
    aten_name = getattr(result.grad_fn, "aten_name", None)
    if aten_name is not None and not aten_name.endswith("_"):
        result.grad_fn.aten_name = f"{aten_name}_"
    return result


def _check_tensor_result_fits(t: Tensor, other: Any) -> None:
    """hypot_: the same check, for a tensor `other` (a number is hypot's TypeError, which comes first)."""
    if isinstance(other, Tensor):
        _check_result_fits(t, other)


def _check_bounds_fit(t: Tensor, *bounds: Any) -> None:
    """clamp_ with number bounds (`int_t.clamp_(2.5)`): the result type of the tensor and all its number bounds
    must fit it; torch's cast error names the C++ type (long int)."""
    result = t
    for bound in bounds:
        if isinstance(bound, _Number):  # (a NumPy bool too: torch reads it as a float)
            result = _promote(result, bound)[0]
    if not dt.can_cast(result._data.dtype, t._data.dtype):
        raise RuntimeError(f"result type {dt.torch_type_name(result._data.dtype)} can't be cast to the desired output "
                           f"type {dt.cpp_type_name(t._data.dtype)}")


def _inplace_twin(name: str, check: Any = None, differentiable: bool = True) -> Any:
    """`x.name_(...)`: torch's in-place twin of the pointwise method `x.name(...)`, which it computes
    out of place and writes into `x` (one rule for all: the result may not grow nor change x's dtype).
    `check(x, *args)`: torch's dtype check that runs before the kernel; `differentiable=False` (the
    logical ops): torch lets them write into a leaf that requires grad, whose history they leave."""
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _check_inplace(self, differentiable=differentiable)
        _check_output_shape(self, *args, *kwargs.values())
        if check is not None:
            check(self, *args, **kwargs)
        try:
            result = getattr(self, name)(*args, **kwargs)
        except TypeError as error:  # (the argument errors name the in-place method)
            raise TypeError(str(error).replace(f"{name}(", f"{name}_(", 1)) from None
        return self._inplace(_named_in_place(result))

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"`{name}` written into `self` (same tensor, same dtype)."
    return method


for _name in ["div", "pow", "neg", "abs", "sqrt", "rsqrt", "exp", "exp2", "log", "log2", "log10", "log1p", "expm1",
              "sin", "cos", "tan", "asin", "acos", "atan", "arctan", "sinh", "cosh", "tanh", "sigmoid", "erf", "logit",
              "sinc", "square", "floor", "ceil", "round", "trunc", "fix", "frac",
              "sign", "sgn", "reciprocal", "lerp", "addcmul", "addcdiv", "fmod", "remainder", "copysign", "xlogy",
              "true_divide", "floor_divide", "nan_to_num", "deg2rad", "rad2deg", "bitwise_not", "atan2", "erfinv",
              "heaviside"]:
    setattr(Tensor, f"{_name}_", _inplace_twin(_name))
Tensor.hypot_ = _inplace_twin("hypot", check=_check_tensor_result_fits)
for _name in ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]:
    setattr(Tensor, f"{_name}_", _inplace_twin(_name, check=_check_result_fits))
for _name in ["clamp_min", "clamp_max"]:
    setattr(Tensor, f"{_name}_", _inplace_twin(_name, check=_check_bounds_fit))
for _name in ["logical_not", "logical_and", "logical_or", "logical_xor"]:
    setattr(Tensor, f"{_name}_", _inplace_twin(_name, differentiable=False))
_float_power_into = _inplace_twin("float_power")


def _float_power_(self: Tensor, exponent: Any) -> Tensor:
    """`float_power` written into `self`, which torch wants float64 already (the result's dtype)."""
    if self._data.dtype != np.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {dt.torch_type_name(self._data.dtype)} but "
                           "the operation's result requires dtype Double")
    return _float_power_into(self, exponent)


def _comparison_twin(name: str, kernel: str = "") -> Any:
    """`y.eq_(x)`...: the comparison written into `y` as 0 or 1 in y's dtype. torch records a node
    (EqBackward0 after a number, EqBackward1 after a tensor) that gives zero gradients: `y`'s new
    value does not depend on its old one. A long name (`greater_`) records its `kernel`'s node (gt)."""
    def method(self: Tensor, other: Any) -> Tensor:
        _check_inplace(self)
        _check_output_shape(self, other)
        try:
            flags = getattr(self, name)(other)._data
        except TypeError as error:  # (the argument errors name the in-place method)
            raise TypeError(str(error).replace(f"{name}(", f"{name}_(", 1)) from None
        return self._inplace(pointwise.COMPARED_IN_PLACE[kernel or name].apply(self, other, flags))

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"`{name}` written into `self` as 0 or 1 (same tensor, same dtype)."
    return method


Tensor.float_power_ = _float_power_
for _name in ["eq", "ne", "lt", "le", "gt", "ge"]:
    setattr(Tensor, f"{_name}_", _comparison_twin(_name))
for _name, _kernel in [("not_equal", "ne"), ("less", "lt"), ("less_equal", "le"), ("greater", "gt"),
                       ("greater_equal", "ge")]:
    setattr(Tensor, f"{_name}_", _comparison_twin(_name, _kernel))
# torch's other names of the same ops
Tensor.absolute, Tensor.multiply = Tensor.abs, Tensor.mul
Tensor.absolute_, Tensor.negative_, Tensor.subtract_, Tensor.multiply_ = Tensor.abs_, Tensor.neg_, Tensor.sub_, Tensor.mul_


def _no_identity_error(ord: float) -> RuntimeError:
    """A norm over every element of an empty tensor, with a max or min in it (ord inf or negative)."""
    return RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty tensor because the operation "
                        "does not have an identity")


def _mean_dtype(name: str, dtype: Any) -> np.dtype:
    """A mean's `dtype=`: a floating type (a mean of integers has no integer result), else torch's error."""
    np_dtype = np.dtype(dt.to_numpy_dtype(dtype))
    if np_dtype.kind != "f":
        raise RuntimeError(f"{name}(): could not infer output dtype. Optional dtype must be either a floating point "
                           f"or complex dtype. Got: {dt.torch_type_name(np_dtype)}")
    return np_dtype


def _unnamed_dim_of_empty_error(name: str) -> RuntimeError:
    """max/min/amax/amin over every element of an empty tensor: torch asks for a dim."""
    return RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                        "reduction dim with the 'dim' argument.")


def _arg_reduce(t: Tensor, dim: Any, keepdim: bool, fn) -> Tensor:
    dim = dim if dim is None else _int_arg(dim, fn.__name__)
    if t._data.dtype == np.bool_:
        raise RuntimeError(f"{fn.__name__}(): does not support bool input")
    if dim is None:
        if t._data.size == 0:
            raise IndexError(f"{fn.__name__}(): Expected reduction dim to be specified for input.numel() == 0.")
        return pointwise.NoGradient.apply(lambda a: np.asarray(fn(a)).reshape((1,) * a.ndim if keepdim else ()), t)
    d = _dim(dim, t.ndim)
    if not t.ndim:
        return pointwise.NoGradient.apply(lambda a: np.asarray(0), t)
    if t._data.shape[d] == 0:
        raise IndexError(f"{fn.__name__}(): Expected reduction dim {d} to have non-zero size.")
    return pointwise.NoGradient.apply(lambda a: np.asarray(fn(a, axis=d, keepdims=keepdim)), t)


_INDEX_DTYPE_ERROR = "tensors used as indices must be long, int, byte or bool tensors"
_INDEX_DTYPES = (np.int64, np.int32, np.uint8, np.bool_)
_LIST_AS_TUPLE_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch 2.9; use "
    "x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
    f"x[{dt.PACKAGE}.tensor(seq)], which will result either in an error or a different result")


def _index_items(key: Any) -> tuple:
    """The key as a tuple of index items.

    A list counts as several items (`x[[[0, 1], [1, 2]]]` is `x[[0, 1], [1, 2]]`) when it holds a
    sequence, slice, `...`, None or tensor and has fewer than 32 entries: an old NumPy rule that torch
    keeps (treatSequenceAsTuple). Any other list is one index: `x[[0, 1]]` picks two rows.
    """
    if isinstance(key, tuple):
        return key
    if isinstance(key, list) and len(key) < 32 and any(
            item is None or item is Ellipsis or isinstance(item, (Tensor, slice, list, tuple, range, np.ndarray))
            for item in key):
        warnings.warn(_LIST_AS_TUPLE_WARNING, UserWarning, stacklevel=4)
        return tuple(key)
    return (key,)


def _index_item(item: Any) -> Any:
    """One index item in NumPy's terms: an int, a slice, None, `...` or an array.

    As torch reads them: a 0-d integer tensor is an int; a 0-d bool or uint8 tensor, like True and
    False, is a mask with no dimensions; a list or NumPy array becomes int64 indices (`[]` an empty
    index, floats truncated) unless it holds bools (a mask) or uint8; other tensors must be int64,
    int32, uint8 or bool (`_check_index_arrays` says so after the view steps, as torch). uint8 is a
    mask too, deprecated (it stays uint8 here: `_check_index_arrays` warns where torch does, and
    `__setitem__` refuses it where torch does).
    """
    if isinstance(item, Tensor):
        array = item._data
        if array.ndim == 0 and array.dtype.kind in "biu":
            return np.asarray(array != 0) if array.dtype in (np.bool_, np.uint8) else builtins.int(array)
        # (another dtype is refused later, by `_check_index_arrays`, as torch checks it after the view steps)
    elif item is None or item is Ellipsis or isinstance(item, slice) or _is_int(item):
        return item
    elif isinstance(item, (builtins.bool, np.bool_)):
        return np.asarray(item)
    elif isinstance(item, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    elif not isinstance(item, (list, tuple, range, np.ndarray)):
        if hasattr(type(item), "__index__"):
            return operator.index(item)
        raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                         f"indices (got {_type_name(item)})")
    else:
        array = np.asarray(item)
        if array.dtype == object or array.dtype.kind not in "biuf":
            raise IndexError(_INDEX_DTYPE_ERROR)
        if array.dtype not in (np.bool_, np.uint8):
            array = array.astype(np.int64)
    return array


def _is_mask(item: Any) -> bool:
    return isinstance(item, np.ndarray) and item.dtype in (np.bool_, np.uint8)


def _specified_dims(items: tuple) -> int:
    """How many dimensions the items index, as torch counts them to size `...`: a bool or uint8 tensor
    its ndim; None, `...`, True and False none; anything else one (a list or NumPy array too, even of bools)."""
    count = 0
    for item in items:
        if isinstance(item, Tensor) and item._data.dtype in (np.bool_, np.uint8):
            count += item._data.ndim
        elif not (item is None or item is Ellipsis or item is True or item is False):
            count += 1
    return count


class _ArrayChecks(NamedTuple):
    """What is left to check of a key's index arrays once `_index_key` has taken its view steps:
    `_check_index_arrays`, then `_check_index_bounds` (torch makes these checks in index or
    index_put_, after the view steps, and for a write after its in-place checks)."""

    items: tuple  # the key's items, as `_index_item` reads them
    view: list  # the shape after the view steps (ints, slices, None)
    masks: list  # (the mask, where it starts in `view`)
    index_shapes: list  # the shape of each index array (a mask counts as its nonzero positions)
    int_indices: list  # (place among the index arrays, integer array, the size it indexes)
    indexed: list  # the positions in `view` the index arrays index
    out_of_range: bool  # whether an integer array holds an index out of range


def _index_key(key: Any, shape_: tuple):
    """Translate a torch index into a NumPy one, with torch's IndexErrors for its view steps.

    Returns (the NumPy key, the op, an `_ArrayChecks`). The op is named as torch names the result's
    grad_fn: torch applies the index item by item (select for an int, slice, unsqueeze for None; a
    full slice does nothing) and names the last step, IndexBackward0 when any tensor/mask takes
    part, AliasBackward0 when no step did.

    torch first counts the dimensions the key indexes, then reads the items in order, selecting an
    int's element in the tensor as viewed by the items before it (`view` below, `at` the position
    there; its message names the item's place in the key). The checks of the index arrays come
    after all of that: see `_ArrayChecks`.
    """
    if not shape_ and (_is_int(key) or isinstance(key, slice)):  # (torch's own words for these two on a 0-d tensor)
        if isinstance(key, slice):
            _check_slice_step(key)  # (torch reads the slice before it looks at the tensor)
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        if key == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                             "C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"index {key} is out of bounds for dimension 0 with size 0")
    raw = _index_items(key)
    specified = _specified_dims(raw)
    if specified > len(shape_):
        raise IndexError(f"too many indices for tensor of dimension {len(shape_)}")
    out, items, masks, index_shapes, int_indices, indexed = [], [], [], [], [], []
    op = shape.Alias
    advanced = False
    dim = 0  # the dimension of the tensor the next item indexes
    view, at = list(shape_), 0
    for i, raw_item in enumerate(raw):
        item = _index_item(raw_item)
        items.append(item)
        if _is_int(item):
            if at >= len(view):
                raise IndexError(f"too many indices for tensor of dimension {len(shape_)}")
            size = view[at]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {i} with size {size}")
            op = shape.Select
            dim += 1
            del view[at]
        elif isinstance(item, slice):
            _check_slice_step(item)
            if not _whole_slice(item, shape_[dim] if dim < len(shape_) else 0):
                op = shape.Slice
            if at < len(view):
                view[at] = len(range(*item.indices(view[at])))
            dim += 1
            at += 1
        elif item is None:
            op = shape.UnsqueezeIndex
            view.insert(at, 1)
            at += 1
        elif item is Ellipsis:
            dim += len(shape_) - specified
            at += len(shape_) - specified
        else:
            advanced = True
            if item.ndim == 0 and item.dtype == np.bool_:  # True or False: torch adds a dimension of size 1
                view.insert(at, 1)
                indexed.append(at)
                at += 1
                index_shapes.append((builtins.int(item),))
            elif _is_mask(item):
                masks.append((item, at))
                indexed.extend(range(at, at + item.ndim))
                dim += item.ndim
                at += item.ndim
                item = item.astype(np.bool_, copy=False)
                index_shapes.extend([(builtins.int(np.count_nonzero(item)),)] * item.ndim)
            else:
                if at < len(view):
                    int_indices.append((len(index_shapes), item, view[at]))
                indexed.append(at)
                dim += 1
                at += 1
                index_shapes.append(item.shape)
        out.append(item)
    out_of_range = any(index.size and (index.min() < -size or index.max() >= size) for _, index, size in int_indices)
    checks = _ArrayChecks(tuple(items), view, masks, index_shapes, int_indices, indexed, out_of_range)
    if out_of_range:
        out = _in_range_indices(out, checks)
    np_key = tuple(out)
    if advanced:
        np_key = _torch_order(out) or np_key
    return np_key, (shape.Index if advanced else op), checks


def _reads_nothing(checks: _ArrayChecks) -> bool:
    """Whether the result has no elements, so that torch's kernel reads no index."""
    shape_ = np.broadcast_shapes(*checks.index_shapes)
    return not math.prod(shape_) * math.prod(n for k, n in enumerate(checks.view) if k not in checks.indexed)


def _in_range_indices(out: list, checks: _ArrayChecks) -> list:
    """The key's integer arrays with their indices out of range made harmless: NumPy checks every index
    as soon as it reads a key, torch only the indices its kernel reads, after its other checks
    (`_check_index_bounds` raises torch's error before anything reads the key; a result with no
    elements reads none: `zeros(3, 0)[[5]]` is empty)."""
    try:
        shape_ = np.broadcast_shapes(*checks.index_shapes)
    except ValueError:  # (`_check_index_arrays` raises torch's error)
        return out
    sizes = {id(index): size for _, index, size in checks.int_indices}
    if not math.prod(shape_):  # (no index at all: arrays of the broadcast shape)
        return [np.zeros(shape_, np.int64) if id(item) in sizes else item for item in out]
    return [np.asarray(np.clip(item, -sizes[id(item)], max(sizes[id(item)] - 1, 0))) if id(item) in sizes else item
            for item in out]  # (asarray: a 0-d index of index_put_ stays an index array)


def _check_slice_step(item: slice) -> None:
    """torch's errors for a step of 0 (Python's own) or below 0 (torch slices forwards only)."""
    if item.step is not None and item.step <= 0:
        raise ValueError("slice step cannot be zero" if item.step == 0 else "step must be greater than zero")


def _whole_slice(item: slice, size: int) -> bool:
    """Whether torch skips the slice as a no-op: start 0, step 1 and a stop at or past the end, as
    written (`x[-3:]` of 3 rows is a slice view all the same)."""
    return item.start in (None, 0) and item.step in (None, 1) and (item.stop is None or item.stop >= size)


def _check_index_arrays(checks: _ArrayChecks, stacklevel: int) -> None:
    """torch's checks of the index arrays, in its order: their dtypes, each mask's shape (a uint8 mask
    warned about first), that they broadcast (a mask counts as its nonzero positions, True as one
    index, False as none), and that no index falls in a dimension of size 0."""
    if any(isinstance(item, np.ndarray) and item.dtype not in _INDEX_DTYPES for item in checks.items):
        raise IndexError(_INDEX_DTYPE_ERROR)
    for mask, at in checks.masks:
        if mask.dtype == np.uint8:
            warnings.warn(shape.UINT8_INDEX_WARNING, UserWarning, stacklevel=stacklevel + 1)
        _check_mask_shape(mask, at, checks.view)
    try:
        shape_ = np.broadcast_shapes(*checks.index_shapes)
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(list(s)) for s in checks.index_shapes)) from None
    if checks.out_of_range and math.prod(shape_) and any(checks.view[k] == 0 for k in checks.indexed):
        raise IndexError("index is out of bounds for dimension with size 0")  # (no index fits there)


def _check_mask_shape(mask: np.ndarray, at: int, view: list) -> None:
    """A mask must have the shape of the dimensions it covers, from position `at` of `view`."""
    for j, n in enumerate(mask.shape):
        if at + j >= len(view) or view[at + j] != n:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of "
                             f"the indexed tensor {view} at index {at + j}")


def _fills_through_masked_fill(checks: _ArrayChecks) -> bool:
    """Whether torch's index_put_ of a one-element value calls masked_fill_: the key's only index array
    is a mask (True or False is not one). It checks the shape of the first array if that is a mask,
    before it looks at the others (and without the uint8 warning)."""
    arrays = [item for item in checks.items if isinstance(item, np.ndarray)]
    if not (arrays and _is_mask(arrays[0]) and arrays[0].ndim):
        return False
    _check_mask_shape(*checks.masks[0], checks.view)
    return len(arrays) == 1


def _check_index_put(t: Tensor, np_key: Any, checks: _ArrayChecks, values: Tensor, arrays: list) -> None:
    """index_put_'s checks after the in-place ones, in torch's order: overlap, the index tensors, the
    values' shape (leading 1s kept) and dtype, the bounds."""
    if _memory_overlap(t._data, values._data) in ("full", "partial"):
        raise RuntimeError(_OVERLAP_ERROR)
    if any(array.dtype not in _INDEX_DTYPES for array in arrays):  # (`_index_key` read them as int64)
        raise IndexError(_INDEX_DTYPE_ERROR)
    _check_index_arrays(checks, stacklevel=3)
    _check_setitem_shape(t, np_key, values, advanced=True, leading_ones=False)
    if values._data.dtype != t._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{dt.torch_type_name(t._data.dtype)} for the destination and "
                           f"{dt.torch_type_name(values._data.dtype)} for the source.")
    _check_index_bounds(checks)


def _index_put_arrays(indices: Any, name: str) -> list:
    """index_put_'s `indices` as torch's parser takes them: a tuple or list of tensors only (each read
    as an index tensor, a 0-d one too), as arrays for `_index_key`."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' (position 1) must be tuple of Tensors, not "
                        f"{_type_name(indices)}")
    for i, index in enumerate(indices):
        if not isinstance(index, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_type_name(index)}")
    return [index._data for index in indices]


def _warn_expanded(written: np.ndarray, op: str, stacklevel: int) -> None:
    """torch's index_put_ and masked_fill_ write into an `expand`ed tensor (some elements share memory),
    where other in-place ops refuse: deprecated, with this warning."""
    if inplace.overlaps(written):
        example = "tensor[indices] = tensor" if op == "index_put_" else "tensor[mask] = scalar"
        warnings.warn(f"Use of {op} on expanded tensors is deprecated. Please clone() the tensor before performing "
                      f"this operation. This also applies to advanced indexing e.g. {example}", UserWarning,
                      stacklevel=stacklevel + 1)


def _check_masked_fill_value(t: Tensor, checks: _ArrayChecks, value: Any, written: np.ndarray,
                             stacklevel: int) -> None:
    """What masked_fill_ checks when index_put_ hands it a one-element value (to write into `written`):
    a bool mask, (an `expand`ed target: a warning), and the value as a number (any dtype, but one that
    fits in t's: -1.0 into uint8 overflows)."""
    if checks.masks[0][0].dtype == np.uint8:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype unsigned char")
    _warn_expanded(written, "masked_fill_", stacklevel)
    if isinstance(value, Tensor):
        _checked_scalar(value.item(), t._data.dtype)


def _uint8_masks(checks: _ArrayChecks) -> int:
    """How many of the key's masks are uint8 (deprecated: torch warns about each where it indexes)."""
    return sum(mask.dtype == np.uint8 for mask, _ in checks.masks)


def _check_index_bounds(checks: _ArrayChecks) -> None:
    """torch's error for an index out of range, which its kernel raises as it reads the indices: at the
    first position (of the index arrays' broadcast shape) where one is, the first such array there,
    named by its place among the index arrays (`x[[0], [5]]`: "index 5 is out of bounds for dimension
    1 with size 3"). A result with no elements reads none: no error."""
    if not checks.out_of_range or _reads_nothing(checks):
        return
    shape_ = np.broadcast_shapes(*checks.index_shapes)
    bad = [(j, index, (index < -size) | (index >= size), size) for j, index, size in checks.int_indices]
    bad = [(j, np.broadcast_to(index, shape_).ravel(), np.broadcast_to(outside, shape_).ravel(), size)
           for j, index, outside, size in bad if outside.any()]
    if not bad:
        return
    first = min(builtins.int(np.argmax(outside)) for _, _, outside, _ in bad)
    j, index, outside, size = next(entry for entry in bad if entry[2][first])
    raise IndexError(f"index {index[first]} is out of bounds for dimension {j} with size {size}")


def _is_int(item: Any) -> bool:
    return isinstance(item, (builtins.int, np.integer)) and not isinstance(item, (builtins.bool, np.bool_))


def _torch_order(items: list):
    """A `TwoStepKey` when an index mixes arrays with ints or None (see ops.shape.TwoStepKey), else None."""
    if not any(item is None or _is_int(item) for item in items):
        return None
    basic, advanced = [], []
    for item in items:
        if item is None:
            basic.append(None)
            advanced.append(slice(None))
        elif _is_int(item):
            basic.append(item)  # the dimension disappears in the first step
        elif isinstance(item, slice) or item is Ellipsis:
            basic.append(item)
            advanced.append(slice(None) if isinstance(item, slice) else Ellipsis)
        else:  # an index array (a bool mask spans mask.ndim dimensions)
            basic.extend([slice(None)] * (item.ndim if item.dtype == np.bool_ else 1))
            advanced.append(item)
    return shape.TwoStepKey(tuple(basic), tuple(advanced))


def _views_before_advanced(items: tuple, shape_: tuple) -> bool:
    """Whether an advanced-index key also has a part that makes torch take a view first.

    torch applies ints, None and slices as views (a slice covering the whole dimension is
    skipped; True and False add a dimension, a view too), then the tensor indices; a write
    through such a view records `CopySlices`.
    """
    dim = 0
    for item in items:
        if item is None or _is_int(item) or (isinstance(item, np.ndarray) and not item.ndim and item.dtype == np.bool_):
            return True
        if isinstance(item, slice):
            if dim < len(shape_) and not _whole_slice(item, shape_[dim]):
                return True
            dim += 1
        elif item is Ellipsis:
            dim += len(shape_) - sum(i.ndim if _is_mask(i) else 1 for i in items if i is not None and i is not Ellipsis)
        else:
            dim += item.ndim if _is_mask(item) else 1
    return False


def _index_put_view(a: np.ndarray, items: tuple) -> np.ndarray:
    """The view of `a` that torch's index_put_ writes into: `a` after the ints, slices and None of the
    key (and the new dimension of a True or False), a full slice where an index array stands."""
    basic = []
    for item in items:
        if not isinstance(item, np.ndarray):
            basic.append(item)
        else:
            basic.extend([None] if item.ndim == 0 else [slice(None)] * (item.ndim if _is_mask(item) else 1))
    if not any(item is Ellipsis for item in basic):
        basic.append(Ellipsis)  # (a view even when ints pick a single element)
    return a[tuple(basic)]


_HEAVISIDE_DTYPES_DIFFER = "heaviside is not yet implemented for tensors with different dtypes."
_OVERLAP_ERROR = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                  "single memory location. Please clone() the tensor before performing the operation.")


def _memory_overlap(a: np.ndarray, b: np.ndarray) -> str:
    """How two arrays share memory, as torch's get_overlap_status sees it: "full" (the same elements in
    the same layout), "partial", "none", or "unknown" where either is not dense (torch does not look then)."""
    if a.size == 0 or b.size == 0:
        return "none"
    if not (_dense(a) and _dense(b)):
        return "unknown"
    a_begin, b_begin = a.__array_interface__["data"][0], b.__array_interface__["data"][0]
    a_end, b_end = a_begin + a.nbytes, b_begin + b.nbytes
    if (a_begin, a_end) == (b_begin, b_end):
        same_layout = [s // a.itemsize for s in a.strides] == [s // b.itemsize for s in b.strides]
        return "full" if same_layout else "partial"
    return "partial" if a_begin < b_end and b_begin < a_end else "none"


def _dense(a: np.ndarray) -> bool:
    """torch's is_non_overlapping_and_dense: the elements fill a block of memory, each once, in some order."""
    expected = a.itemsize
    for stride, size in sorted((s, n) for s, n in zip(a.strides, a.shape) if n > 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _readable(number: Any) -> Any:
    """`number`, if torch can read it: a Python int must fit in int64, or uint64."""
    if type(number) is builtins.int and not -(1 << 63) <= number < 1 << 64:
        raise OverflowError("int too big to convert" if number > 0 else "can't convert negative int to unsigned")
    return number


def _scalar_into(value: Any, np_dtype: np.dtype) -> np.ndarray:
    """A number as torch converts it into a tensor's dtype to fill or pick from: checked for overflow
    (see `_checked_scalar`), except into float16, where 70000 becomes inf."""
    if np_dtype == np.float16:
        with np.errstate(over="ignore"):
            return np.asarray(value.item() if isinstance(value, np.generic) else value).astype(np.float16)
    return _checked_scalar(value, np_dtype)


_type_name = dt.python_type_name
_as_size = tuple.__new__  # (a tensor's shape as a Size without Size's check of its items: they are ints already)


def _check_may_require_grad(t: Tensor, requires_grad: bool) -> None:
    """torch's refusal to let an inference tensor require grad once out of `inference_mode()`."""
    if requires_grad and t.is_inference() and not grad_mode._inference:
        raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")


def _leaf_only_message(requires_grad: bool) -> str:
    """torch's error for changing requires_grad of a tensor an op made (its advice only when switching off)."""
    advice = (" If you want to use a computed variable in a subgraph that doesn't require differentiation use "
              "var_no_grad = var.detach().")
    return "you can only change requires_grad flags of leaf variables." + ("" if requires_grad else advice)


def _setitem_value(t: Tensor, value: Any) -> Any:
    """`value` as `t[key] = value` takes it (torch's valueToTensor, before the key is read): a tensor as it
    is; a Python number (or NumPy int, or NumPy float64, a float subclass) checked against t's dtype as
    torch converts it; anything else, None, a list, a NumPy array, is refused."""
    if isinstance(value, Tensor):
        return value
    if _is_int(value):
        if not -2**63 <= value < 2**63:
            raise ValueError("Overflow when unpacking long long")
    elif isinstance(value, builtins.complex):
        if value.imag:  # (float16 converts through double)
            name = "double" if t._data.dtype == np.float16 else _C_TYPE[t._data.dtype.name]
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        value = value.real
    elif not isinstance(value, (builtins.bool, builtins.float)):
        tensor_type = f"{dt.PACKAGE}.{dt.torch_type_name(t._data.dtype)}Tensor"
        raise TypeError(f"can't assign a {_type_name(value)} to a {tensor_type}")
    return _scalar_into(value, t._data.dtype)


def _check_setitem(t: Tensor, np_key: Any, checks: _ArrayChecks, value: Any, index_put: bool) -> None:
    """torch's checks of `t[key] = value` that NumPy does not make, in torch's order (after the
    in-place checks).

    A key with an index array makes torch call index_put_. That fills through masked_fill_ when the
    value has one element and the index is a single mask (which masked_fill_ wants bool, not uint8);
    otherwise it refuses a value that shares memory with the target, checks the index arrays, then
    the value's shape and dtype, then the indices' bounds. A key of ints and slices makes torch call
    copy_, which refuses a value that overlaps the target in part (and fills a 0-d value in, unchecked).
    """
    numel = value._data.size if isinstance(value, Tensor) else 1
    if index_put:
        _warn_expanded(_index_put_view(t._data, checks.items), "index_put_", stacklevel=3)
    if index_put and numel == 1 and _fills_through_masked_fill(checks):
        _check_masked_fill_value(t, checks, value, _index_put_view(t._data, checks.items), stacklevel=4)
        return
    if index_put:
        if isinstance(value, Tensor) and _memory_overlap(
                _index_put_view(t._data, checks.items), shape.without_leading_ones(value._data)) in ("full", "partial"):
            raise RuntimeError(_OVERLAP_ERROR)
        _check_index_arrays(checks, stacklevel=3)
        if isinstance(value, Tensor):
            _check_setitem_shape(t, np_key, value, advanced=True)
            if value._data.dtype != t._data.dtype:
                raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                                   f"{dt.torch_type_name(t._data.dtype)} for the destination and "
                                   f"{dt.torch_type_name(value._data.dtype)} for the source.")
        _check_index_bounds(checks)
    elif isinstance(value, Tensor) and value._data.ndim:
        target = t._data[np_key] if any(k is Ellipsis for k in np_key) else t._data[np_key + (Ellipsis,)]
        source = value._data if target.shape == value._data.shape else np.broadcast_to(
            shape.without_leading_ones(value._data), target.shape)
        if _memory_overlap(target, source) == "partial":
            raise RuntimeError(_OVERLAP_ERROR)


# ---------------------------------------------------------------------- functions used by methods
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """torch.matmul with torch's shape errors."""
    _require_tensor(a, "matmul", "input", 1)
    _require_tensor(b, "matmul", "other", 2)
    _check_matmul(a, b)
    return linalg.Matmul.apply(a, b)


def _check_matmul(a: Tensor, b: Tensor) -> None:
    """torch's errors for the shapes and dtypes of a matrix product, from the kernel matmul reduces it to."""
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    sa, sb = a._data.shape, b._data.shape
    if a.ndim == 1 and b.ndim == 1:
        if sa[0] != sb[0]:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same number of "
                f"elements, but got {sa[0]} and {sb[0]} elements respectively"
            )
    elif a.ndim <= 2 and b.ndim <= 2:
        k_b = sb[0]
        if sa[-1] != k_b:
            if b.ndim == 1:
                raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sb[0]})")
            left = f"{sa[0]}x{sa[1]}" if a.ndim == 2 else f"1x{sa[0]}"
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({left} and {sb[0]}x{sb[1]})")
    elif sa[-1] == (sb[-2] if b.ndim > 1 else sb[0]):  # (the common case: only the batches to check)
        _check_broadcast(sa[:-2], sb[:-2] if b.ndim > 1 else ())
    elif (one := linalg.batch_of_one_as_matrix(sa, sb, a._requires_grad, b._requires_grad)) is not None:
        _check_folded_matmul(sa[1:] if one == 0 else sa, sb[1:] if one == 1 else sb)  # (then folded: it requires grad)
    elif _matmul_folds(a, b):
        _check_folded_matmul(sa, sb)
    else:  # (a bmm of the two batches broadcast to one)
        _check_broadcast(sa[:-2], sb[:-2] if b.ndim > 1 else ())
        n = np.prod(np.broadcast_shapes(sa[:-2], sb[:-2] if b.ndim > 1 else ()), dtype=np.int64)
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {sa[-1]}] but got: "
                           f"[{n}, {sb[-2] if b.ndim > 1 else sb[0]}].")
    bool_kernel = a._data.dtype == np.bool_ and _runs_a_kernel(a, b)  # torch has no bool kernel for any product
    if a._data.dtype != b._data.dtype and not (bool_kernel and b.ndim >= 3):  # (bmm picks its kernel, then checks)
        raise RuntimeError(_matmul_dtype_message(a, b))
    if bool_kernel:
        kernel = "dot" if a.ndim == b.ndim == 1 else (
            "addmv_impl_cpu" if b.ndim == 1 else "bmm" if b.ndim > 2 else "addmm_impl_cpu_")
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _matmul_folds(a: Tensor, b: Tensor) -> bool:
    """Whether torch's matmul folds the batched operand (`b` transposed when it is the larger) into one
    matrix and calls mm or mv instead of bmm: always when the other operand requires grad (a smaller
    backward), never for a 2-D `a`, else when the fold is a view (an empty tensor, or contiguous rows)."""
    a_larger = a.ndim >= b.ndim
    big, small = (a, b) if a_larger else (b.mT, a)
    if big.ndim < 3 or small.ndim > 2:
        return False
    if small._requires_grad:
        return True
    if a.ndim == 2:
        return False
    shape, strides = big.shape, big.stride()
    return big.numel() == 0 or builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _check_folded_matmul(sa: tuple, sb: tuple) -> None:
    """torch's mm or mv error for a folded matmul: the larger operand as rows of its last dim (`b` transposed,
    times `a` transposed, when `b` is the larger)."""
    big, small = (sa, sb) if len(sa) >= len(sb) else (sb[:-2] + (sb[-1], sb[-2]), sa[::-1])
    rows = int(np.prod(big[:-1], dtype=np.int64))
    if big[-1] == small[0]:
        return
    if len(small) == 1:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{big[-1]}), vec ({small[0]})")
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{big[-1]} and {small[0]}x{small[1]})")


def _matmul_dtype_message(a: Tensor, b: Tensor) -> str:
    """torch's error for two dtypes in matmul, from the kernel it dispatches to: dot (two vectors), addmv (a
    vector on the right), bmm (a batched right operand), else mm."""
    names = [dt.torch_type_name(t._data.dtype) for t in (a, b)]
    if b.ndim >= 3:
        return f"expected scalar type {names[0]} but found {names[1]}"
    if b.ndim == 1 and a.ndim == 1:
        return f"dot : expected both vectors to have same dtype, but found {names[0]} and {names[1]}"
    if b.ndim == 1:
        return f"addmv input tensors must have the same dtype, but got {names[1]}, {names[0]}, and {names[1]}"
    return f"expected m1 and m2 to have the same dtype, but got: {_dtype_word(a)} != {_dtype_word(b)}"


_WARNED: set = set()


def _warn_once(key: str, message: str) -> None:
    """A UserWarning given once per process, as torch's TORCH_WARN_ONCE."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def _check_batches(batch1: Tensor, batch2: Tensor) -> None:
    """torch's checks of bmm's operands: two 3-D tensors, the same batch, matching inner sizes."""
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if batch1.ndim != 3 else "batch2 must be a 3D tensor")
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{batch1.shape[0]}, {batch1.shape[2]}] but got: [{batch2.shape[0]}, {batch2.shape[1]}].")


def _check_differentiable_result(np_dtype: np.dtype, *inputs: Tensor) -> None:
    """torch's error for a differentiable op whose result could not carry the gradient an input wants
    (a float input that requires grad, an integer result: bmm's empty product in the second operand's dtype)."""
    if np_dtype.kind != "f" and grad_mode._enabled and builtins.any(t._requires_grad for t in inputs):
        raise RuntimeError(f"Autograd not support dtype: {dt.torch_type_name(np_dtype)}")


def _runs_a_kernel(a: Tensor, b: Tensor) -> bool:
    """Whether torch's matrix product reaches its dtype-specific kernel: a vector dot always does; the others
    return early (an empty result, or zeros when the summed dimension is empty)."""
    if a.ndim == b.ndim == 1:
        return True
    other_dims = a._data.shape[:-1] + (b._data.shape[:-2] + b._data.shape[-1:] if b.ndim > 1 else ())
    return a._data.shape[-1] > 0 and 0 not in other_dims


def _dtype_word(t: Tensor) -> str:
    """The C++ name of the dtype, as torch's checks print it."""
    return dt.cpp_type_name(t._data.dtype)


def _check_lerp_kernel(kernel: str, start: Tensor) -> None:
    """torch's lerp kernels are floating-point only."""
    if start._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt.torch_type_name(start._data.dtype)}\'')


_WHERE_OVERLOADS = ("Tensor condition", "Tensor condition, Tensor input, Tensor other, *, Tensor out = None",
                    "Tensor condition, Number self, Tensor other", "Tensor condition, Tensor input, Number other",
                    "Tensor condition, Number self, Number other")


def where(condition: Any, input: Any = None, other: Any = None) -> Tensor:
    """Pick from `input` where `condition` is true, else from `other` (gradients flow to the picked ones).

    The dtype is torch's result type: two numbers give the default float if either is a float
    (`where(c, 1.5, 0)` is float32), else int64 (or bool); a number beside a tensor takes the
    tensor's dtype unless it is of a higher kind. The number is converted with torch's overflow
    check (none for float16). `where(condition)` alone is `condition.nonzero(as_tuple=True)`.
    """
    if input is None and other is None:
        return _as_tensor(condition).nonzero(as_tuple=True)
    if input is None or other is None:  # (torch has no overload for a condition and one value)
        given = tuple(v for v in (condition, input, other) if v is not None)
        raise _invalid_arguments("where", given, _WHERE_OVERLOADS)
    cond = _as_tensor(condition)
    if cond._data.dtype == np.uint8:  # (still accepted by torch 2.13, with a warning once a process)
        _warn_once("where-uint8", "where received a uint8 condition tensor. This behavior is deprecated and will be "
                   "removed in a future version of PyTorch. Use a boolean condition instead.")
        cond = cond.to(dt.bool_)
    if cond._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{dt.torch_type_name(cond._data.dtype)}")
    sizes = cond._data.shape
    for x in (input, other):  # (torch broadcasts them in this order, and names the first mismatch it meets)
        _check_broadcast(sizes, x._data.shape if isinstance(x, Tensor) else ())
        sizes = np.broadcast_shapes(sizes, x._data.shape if isinstance(x, Tensor) else ())
    if isinstance(input, Tensor):
        a, b = _promote(input, other)
        b = b if isinstance(b, Tensor) else _scalar_into(other, a._data.dtype)
    elif isinstance(other, Tensor):
        b, a = _promote(other, input)
        a = a if isinstance(a, Tensor) else _scalar_into(input, b._data.dtype)
    else:
        np_dtype = dt.promote_types(dt.scalar_dtype(_readable(input)), dt.scalar_dtype(_readable(other)))
        a, b = _scalar_into(input, np_dtype), _scalar_into(other, np_dtype)
    return pointwise.Where.apply(cond, a, b)
