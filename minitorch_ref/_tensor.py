"""`Tensor`: a NumPy array plus what autograd needs (requires_grad, grad, grad_fn).

Every differentiable method is a thin call to an op in `ops/` (`Function.apply`); the
methods here only sort out arguments the way torch does: dtype promotion, `dim`
normalisation, Python numbers, and torch's error messages.
"""
from __future__ import annotations

import builtins
import warnings
import weakref
from typing import Any, Sequence

import numpy as np

from . import _dtype as dt
from .autograd import engine
from .autograd import function as _function
from .autograd.function import _UNUSED_CTX, _wrap
from .autograd import grad_mode, inplace
from .ops import linalg, pointwise, reduction, shape

_Number = (builtins.int, builtins.float, builtins.bool, np.number, np.bool_)
_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Tensor:
    """An n-dimensional array that can record the operations applied to it."""

    # _base: the tensor whose memory this one views (None if it is not a view); _storage: the
    # version counter shared with its views (None until needed). See autograd/inplace.py.
    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_base", "_storage", "__weakref__")
    __hash__ = object.__hash__  # tensors are dict keys by identity, as in torch
    __array_priority__ = 1000  # `ndarray + Tensor` calls Tensor.__radd__

    def __init__(self, *args: Any) -> None:
        """Legacy constructor `Tensor(data)` / `Tensor(2, 3)`: always float32, as `torch.Tensor`."""
        if len(args) == 1 and not isinstance(args[0], builtins.int):
            array = np.array(args[0], dtype=np.float32)
        else:
            array = np.empty(args, dtype=np.float32)
        self._data, self._requires_grad, self._grad, self.grad_fn = array, False, None, None
        self._base = self._storage = None

    @classmethod
    def _make(cls, array: Any, requires_grad: bool = False, grad_fn: Any = None) -> "Tensor":
        """Wrap an array without copying (ops use `_wrap`, the same thing without the options)."""
        t = _wrap(array)
        if cls is not Tensor:
            t.__class__ = cls  # (a Parameter: same slots)
        t._requires_grad, t.grad_fn = requires_grad, grad_fn
        return t

    # ------------------------------------------------------------------ attributes
    @property
    def shape(self) -> dt.Size:
        return dt.Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return dt.Size(self._data.shape)
        return self._data.shape[_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> dt.dtype:
        return dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> dt.device:
        return dt.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    is_sparse = False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = builtins.bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and self._data.dtype.kind != "f":  # (torch's wording differs from the setter's)
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> "Tensor | None":
        """The gradient backward() accumulated here; only leaves (and `retain_grad()` tensors) get one."""
        if self.grad_fn is not None and self._grad is None and self.grad_fn._retained is None:
            warnings.warn(_NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        self._grad = value

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

    @property
    def data(self) -> "Tensor":
        """The same memory, detached from the graph: `weight.data.uniform_(-0.5, 0.5)` edits the weight."""
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory, like torch)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self) -> float:
        return builtins.float(self.item())

    def __int__(self) -> int:
        return builtins.int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return builtins.bool(self._data)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def to(self, *args: Any, **kwargs: Any) -> "Tensor":
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`; returns self if nothing changes."""
        target = to_args_dtype(args, kwargs)
        if target is None or target.numpy_dtype == self._data.dtype:
            return self
        return pointwise.ToCopy.apply(self, target.numpy_dtype)

    def type(self, dtype: Any = None):
        if dtype is None:
            return f"{dt.PACKAGE}.{dt.torch_type_name(self._data.dtype)}Tensor"
        return self.to(dt.from_numpy_dtype(dt.to_numpy_dtype(dtype)))

    def float(self) -> "Tensor":
        return self.to(dt.float32)

    def double(self) -> "Tensor":
        return self.to(dt.float64)

    def half(self) -> "Tensor":
        return self.to(dt.float16)

    def long(self) -> "Tensor":
        return self.to(dt.int64)

    def int(self) -> "Tensor":
        return self.to(dt.int32)

    def bool(self) -> "Tensor":
        return self.to(dt.bool_)

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
        return 0 if self._storage is None else self._storage.version

    def detach_(self) -> "Tensor":
        self.grad_fn, self._requires_grad = None, False
        return self

    def clone(self) -> "Tensor":
        return pointwise.Clone.apply(self)

    def contiguous(self) -> "Tensor":
        return self if self._data.flags.c_contiguous else pointwise.Clone.apply(self)

    def is_contiguous(self) -> bool:
        return self._data.flags.c_contiguous

    def __repr__(self) -> str:
        from ._printing import format_tensor

        name = self.grad_fn.name() if self.grad_fn is not None else None
        return format_tensor(self._data, dtype_name=self.dtype.name, requires_grad=self._requires_grad,
                             grad_fn_name=name)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __reduce__(self):
        return (_rebuild, (self._data, self._requires_grad))

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Compute d(self)/d(leaf) for every leaf that requires grad, adding into `leaf.grad`."""
        if not self._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        if gradient is None:
            if self._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grad = np.ones(self._data.shape, self._data.dtype)  # (np.ones_like costs twice as much)
        else:
            grad = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient, dtype=self._data.dtype)
            if grad.shape != self._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of {dt.Size(grad.shape)} and output[0] has a "
                    f"shape of {dt.Size(self._data.shape)}."
                )
        engine.run_backward(self, grad, retain_graph=builtins.bool(retain_graph), user_grad=gradient is not None)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Add, self, other)

    __radd__ = __add__

    def add(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return self + (other * alpha if alpha != 1 else other)

    def __sub__(self, other: Any) -> "Tensor":
        _check_not_bool_sub(self, other)
        return _binary(pointwise.Sub, self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        if isinstance(b, Tensor):
            return pointwise.Sub.apply(b, a)
        return pointwise.Rsub.apply(a, b)

    def sub(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        return self - (other * alpha if alpha != 1 else other)

    def __mul__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Mul, self, other)

    __rmul__ = __mul__
    mul = __mul__

    def __truediv__(self, other: Any) -> "Tensor":
        return _binary(pointwise.Div, self, other, True)

    div = __truediv__

    def __rtruediv__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other, floating=True)
        if isinstance(b, Tensor):
            return pointwise.Div.apply(b, a)
        return pointwise.Reciprocal.apply(a) * b  # torch computes `number / x` the same way

    def __floordiv__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        return Tensor._make(np.floor_divide(a._data, b._data if isinstance(b, Tensor) else b))

    def __mod__(self, other: Any) -> "Tensor":
        a, b = _promote(self, other)
        return Tensor._make(np.mod(a._data, b._data if isinstance(b, Tensor) else b))

    def __neg__(self) -> "Tensor":
        if self._data.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead."
            )
        return _run(pointwise.Neg, self)

    neg = __neg__

    def __pos__(self) -> "Tensor":
        return self

    def __pow__(self, exponent: Any) -> "Tensor":
        a, b = _promote(self, exponent)
        if isinstance(b, Tensor) or a._data.dtype.kind == "f" or b >= 0:
            return pointwise.Pow.apply(a, b)
        raise RuntimeError("Integers to negative integer powers are not allowed.")

    pow = __pow__

    def __rpow__(self, number: Any) -> "Tensor":
        a, b = _promote(self, number)
        return pointwise.Rpow.apply(a, b)

    def __matmul__(self, other: "Tensor") -> "Tensor":
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return matmul(_as_tensor(other), self)

    matmul = __matmul__

    def mm(self, other: "Tensor") -> "Tensor":
        if self.ndim != 2 or other.ndim != 2:
            raise RuntimeError("self must be a matrix")
        return matmul(self, other)

    def dot(self, other: "Tensor") -> "Tensor":
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        return matmul(self, other)

    def reciprocal(self) -> "Tensor":
        return _run(pointwise.Reciprocal, _floating(self))

    def exp(self) -> "Tensor":
        return _run(pointwise.Exp, _floating(self))

    def log(self) -> "Tensor":
        return _run(pointwise.Log, _floating(self))

    def sqrt(self) -> "Tensor":
        return _run(pointwise.Sqrt, _floating(self))

    def abs(self) -> "Tensor":
        return _run(pointwise.Abs, self)

    __abs__ = abs

    def relu(self) -> "Tensor":
        return _run(pointwise.Relu, self)

    def sigmoid(self) -> "Tensor":
        return _run(pointwise.Sigmoid, _floating(self))

    def tanh(self) -> "Tensor":
        return _run(pointwise.Tanh, _floating(self))

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        if min is None and max is None:
            raise RuntimeError(f"{dt.PACKAGE}.clamp: At least one of 'min' or 'max' must not be None")
        low = min.item() if isinstance(min, Tensor) else min
        high = max.item() if isinstance(max, Tensor) else max
        x = self
        for bound in (low, high):
            if bound is not None:
                x, _ = _promote(x, bound)  # an int tensor with a float bound becomes float32, as torch
        return pointwise.Clamp.apply(x, low, high)

    clip = clamp

    # ------------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other: Any, ufunc) -> "Tensor":
        a, b = _promote(self, other)
        return Tensor._make(ufunc(a._data, b._data if isinstance(b, Tensor) else b))

    def __eq__(self, other: Any) -> "Tensor":  # type: ignore[override]
        if other is None:
            return False
        return self._compare(other, np.equal)

    def __ne__(self, other: Any) -> "Tensor":  # type: ignore[override]
        if other is None:
            return True
        return self._compare(other, np.not_equal)

    def __lt__(self, other: Any) -> "Tensor":
        return self._compare(other, np.less)

    def __le__(self, other: Any) -> "Tensor":
        return self._compare(other, np.less_equal)

    def __gt__(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater)

    def __ge__(self, other: Any) -> "Tensor":
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __and__(self, other: Any) -> "Tensor":
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: Any) -> "Tensor":
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other: Any) -> "Tensor":
        return self._compare(other, np.bitwise_xor)

    def __invert__(self) -> "Tensor":
        if self._data.dtype.kind == "f":
            raise TypeError("bitwise_not_cpu not implemented for 'Float'")
        return Tensor._make(np.invert(self._data))

    def logical_and(self, other: "Tensor") -> "Tensor":
        return Tensor._make(np.logical_and(self._data, _as_tensor(other)._data))

    def logical_or(self, other: "Tensor") -> "Tensor":
        return Tensor._make(np.logical_or(self._data, _as_tensor(other)._data))

    def logical_xor(self, other: "Tensor") -> "Tensor":
        return Tensor._make(np.logical_xor(self._data, _as_tensor(other)._data))

    def logical_not(self) -> "Tensor":
        return Tensor._make(np.logical_not(self._data))

    def isnan(self) -> "Tensor":
        return Tensor._make(np.isnan(self._data))

    def isinf(self) -> "Tensor":
        return Tensor._make(np.isinf(self._data))

    def isfinite(self) -> "Tensor":
        return Tensor._make(np.isfinite(self._data))

    def allclose(self, other: "Tensor", rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        _check_same_dtype(self, other, "allclose")
        return builtins.bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def equal(self, other: "Tensor") -> bool:
        return self._data.shape == other._data.shape and builtins.bool(np.array_equal(self._data, other._data))

    def all(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return Tensor._make(np.all(self._data, axis=_opt_dim(dim, self.ndim), keepdims=keepdim))

    def any(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return Tensor._make(np.any(self._data, axis=_opt_dim(dim, self.ndim), keepdims=keepdim))

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        if dim is None and dtype is None and self._data.dtype.kind == "f":  # the common case, kept short
            return _reduce(reduction.Sum, self, None, keepdim, None)
        np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else (
            np.int64 if self._data.dtype.kind in "biu" else None)
        return _reduce(reduction.Sum, self, _opt_dims(dim, self.ndim), keepdim, np_dtype)

    def mean(self, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> "Tensor":
        if dtype is None and self._data.dtype.kind != "f":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. "
                f"Got: {dt.torch_type_name(self._data.dtype)}"
            )
        np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else None
        return _reduce(reduction.Mean, self, _opt_dims(dim, self.ndim), keepdim, np_dtype)

    def _max_or_min(self, dim: Any, keepdim: bool, largest: bool, other: Any = None):
        if isinstance(dim, Tensor):  # torch.max(a, b): element-wise
            return where(self >= dim if largest else self <= dim, self, dim)
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(
                    f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for input.numel() == 0. "
                    "Specify the reduction dim with the 'dim' argument."
                )
            return reduction.MaxAll.apply(self, largest)
        d = _dim(dim, self.ndim)
        if self._data.ndim and self._data.shape[d] == 0:
            raise IndexError(f"{'max' if largest else 'min'}(): Expected reduction dim {d} to have non-zero size.")
        values, indices = reduction.MaxDim.apply(self, d, keepdim, largest)
        return _MaxResult(values, indices, "max" if largest else "min")

    def max(self, dim: Any = None, keepdim: bool = False):
        return self._max_or_min(dim, keepdim, True)

    def min(self, dim: Any = None, keepdim: bool = False):
        return self._max_or_min(dim, keepdim, False)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return _arg_reduce(self, dim, keepdim, np.argmax)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> "Tensor":
        return _arg_reduce(self, dim, keepdim, np.argmin)

    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        x = self.to(dtype) if dtype is not None else _floating(self)
        return reduction.Softmax.apply(x, _dim(dim, max(self.ndim, 1)) if self.ndim else None)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        x = self.to(dtype) if dtype is not None else _floating(self)
        return reduction.LogSoftmax.apply(x, _dim(dim, max(self.ndim, 1)) if self.ndim else None)

    def cumsum(self, dim: int, *, dtype: Any = None) -> "Tensor":
        np_dtype = dt.to_numpy_dtype(dtype) if dtype is not None else (
            np.int64 if self._data.dtype.kind in "biu" else None)
        return reduction.Cumsum.apply(self, _dim(dim, max(self.ndim, 1)), np_dtype)

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: Any) -> "Tensor":
        return shape_op_view(self, _shape_args(shape))

    def view(self, *shape: Any) -> "Tensor":
        if len(shape) == 1 and isinstance(shape[0], dt.dtype):
            raise NotImplementedError("view(dtype) is not supported by minitorch_ref")
        return shape_op_view(self, _shape_args(shape), "view")

    def view_as(self, other: "Tensor") -> "Tensor":
        return self.view(other.shape)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return self.reshape(other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self
        shp = self._data.shape
        return self.reshape(shp[:s] + (-1,) + shp[e + 1:])

    def squeeze(self, dim: Any = None) -> "Tensor":
        shp = self._data.shape
        if dim is None:
            dims = tuple(i for i, n in enumerate(shp) if n == 1)
            return shape.Squeeze.apply(self, dims, "SqueezeBackward0")
        wanted = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
        dims = tuple(d for d in (_dim(w, max(self.ndim, 1)) for w in wanted) if self.ndim and shp[d] == 1)
        return shape.Squeeze.apply(self, dims, "SqueezeBackward1" if isinstance(dim, builtins.int) else "SqueezeBackward2")

    def unsqueeze(self, dim: int) -> "Tensor":
        return shape.Unsqueeze.apply(self, _dim(dim, self.ndim + 1))

    def expand(self, *sizes: Any) -> "Tensor":
        sizes = _shape_args(sizes)
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(
                f"expand({self.type()}{{{list(shp)}}}, size={list(sizes)}): the number of sizes provided "
                f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({len(shp)})"
            )
        lead = len(sizes) - len(shp)
        target = tuple(shp[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
        for i, n in enumerate(shp):
            if n != 1 and n != target[i + lead]:
                raise RuntimeError(
                    f"The expanded size of the tensor ({target[i + lead]}) must match the existing size ({n}) at "
                    f"non-singleton dimension {i + lead}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shp)}"
                )
        return shape.Expand.apply(self, target)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return self.expand(other.shape)

    def permute(self, *dims: Any) -> "Tensor":
        dims = tuple(_dim(d, self.ndim) for d in _shape_args(dims))
        if sorted(dims) != list(range(self.ndim)):
            raise RuntimeError(
                f"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
                f"desired ordering of dimensions i.e. input.dim() = {self.ndim} is not equal to len(dims) = {len(dims)}"
                if len(dims) != self.ndim else "permute(): duplicate dims are not allowed."
            )
        return shape.Permute.apply(self, dims, "PermuteBackward0")

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        n = max(self.ndim, 1)
        axes = list(range(self.ndim))
        d0, d1 = _dim(dim0, n), _dim(dim1, n)
        if self.ndim == 0:
            return shape.Permute.apply(self, (), "TransposeBackward0")
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return shape.Permute.apply(self, tuple(axes), "TransposeBackward0")

    swapaxes = transpose

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return shape.Permute.apply(self, tuple(reversed(range(self.ndim))), "TBackward0")

    @property
    def T(self) -> "Tensor":
        if self.ndim != 2:  # torch's deprecation warnings, so that course code learns to use .mT / permute
            warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
                          if self.ndim == 0 else
                          "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                          "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                          "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                          "tensor.", UserWarning, stacklevel=2)
        return shape.Permute.apply(self, tuple(reversed(range(self.ndim))), "PermuteBackward0")

    @property
    def mT(self) -> "Tensor":
        return self.transpose(-2, -1)

    def gather(self, dim: int, index: "Tensor") -> "Tensor":
        _check_index_dtype(index, "gather")
        d = _dim(dim, max(self.ndim, 1))
        if index.ndim != self.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        size = self._data.shape[d] if self.ndim else 1
        if index._data.size and (index._data.min() < -size or index._data.max() >= size):
            bad = index._data[(index._data < -size) | (index._data >= size)].flat[0]
            raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
        return shape.Gather.apply(self, d, index._data)

    def index_select(self, dim: int, index: "Tensor") -> "Tensor":
        _check_index_dtype(index, "index_select")
        d = _dim(dim, max(self.ndim, 1))
        idx = index._data.reshape(-1)
        size = self._data.shape[d]
        if idx.size and (idx.min() < 0 or idx.max() >= size):
            raise IndexError("index out of range in self")
        return shape.IndexSelect.apply(self, d, idx)

    def masked_fill(self, mask: "Tensor", value: Any) -> "Tensor":
        cond = _as_tensor(mask)
        if cond._data.dtype != np.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{dt.torch_type_name(cond._data.dtype).lower()}")
        fill = value.item() if isinstance(value, Tensor) else value
        return pointwise.Where.apply(cond, np.asarray(fill, dtype=self._data.dtype), self, "MaskedFillBackward0")

    def __getitem__(self, key: Any) -> "Tensor":
        np_key, name = _index_key(key, self._data.shape)
        return shape.Index.apply(self, np_key, name)

    def __setitem__(self, key: Any, value: Any) -> None:
        np_key, name = _index_key(key, self._data.shape)
        value_t = value if isinstance(value, Tensor) else None
        if name == "IndexBackward0" and _views_before_advanced(key, self._data.shape):
            name = "SliceBackward0"  # torch first takes a view (int, None or partial slice), then index_put_ on it
        if name != "IndexBackward0":  # torch writes through a view of self: its error and node names say so
            _check_inplace(self, through_view=True)
            name = "CopySlices" if name != "AliasBackward0" else ("CopyBackwards" if value_t is not None else
                                                                   "FillBackward3")
        else:
            _check_inplace(self)
            name = "IndexPutBackward0"
        if grad_mode._enabled and (self._requires_grad or (value_t is not None and value_t._requires_grad)):
            inplace.commit(self, shape.IndexPut.apply(self, np_key, value_t if value_t is not None else value, name))
        else:
            target, key_rest = shape.split_key(self._data, np_key)  # (a two-step key: its view part first)
            target[key_rest] = value_t._data if value_t is not None else value
            inplace.bump_version(self)

    # ------------------------------------------------------------------ in-place (see autograd/inplace.py)
    def _inplace(self, result: "Tensor") -> "Tensor":
        """Make `self` hold `result`: same Tensor object and memory, new value (and new grad_fn if recorded)."""
        return inplace.commit(self, result)

    def add_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.add(other, alpha=alpha))

    def sub_(self, other: Any, *, alpha: Any = 1) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.sub(other, alpha=alpha))

    def mul_(self, other: Any) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self * other)

    def div_(self, other: Any) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self / other)

    # `a += b` is in place, as in torch: `w -= lr * w.grad` (under no_grad) updates the weight itself.
    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        _check_inplace(self)
        return self._inplace(self.clamp(min, max))

    def relu_(self) -> "Tensor":
        _check_inplace(self)
        return self._inplace(pointwise.Relu.apply(self))

    def _overwrite(self, value: Any, name: str) -> "Tensor":
        """fill_/zero_/copy_/uniform_/normal_: new values that do not depend on the old ones."""
        _check_inplace(self)
        if isinstance(value, Tensor) and value._data.shape != self._data.shape:
            _check_broadcast(self._data.shape, value._data.shape)
            full = np.broadcast_shapes(self._data.shape, value._data.shape)
            if full != self._data.shape:
                raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                                   f"{list(full)}")
        return self._inplace(shape.Overwrite.apply(self, value, name))

    def copy_(self, src: "Tensor") -> "Tensor":
        return self._overwrite(src if isinstance(src, Tensor) else np.asarray(src), "CopyBackwards")

    def zero_(self) -> "Tensor":
        return self._overwrite(0, "ZeroBackward0")

    def fill_(self, value: Any) -> "Tensor":
        if isinstance(value, Tensor) and value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        return self._overwrite(value, "FillBackward3" if isinstance(value, Tensor) else "FillBackward2")

    # ---- random fills: torch's numbers for the same seed (minitorch_ref/_generator.py)
    def _in_memory_order(self, values: np.ndarray) -> np.ndarray:
        """Place a flat run of random values as torch's kernels write them: in memory order (a transposed
        view is filled along its storage), which is the logical order for contiguous tensors."""
        data = self._data
        if data.flags.c_contiguous:
            return values.reshape(data.shape)
        outer_first = sorted(range(data.ndim), key=lambda d: -abs(data.strides[d]))
        out = np.empty(data.shape, values.dtype)
        out.transpose(outer_first)[...] = values.reshape([data.shape[d] for d in outer_first])
        return out

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random

        values = random._generator(generator).uniform(self._data.size, self._data.dtype, a, b)
        return self._overwrite(self._in_memory_order(values), "UniformBackward0")

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random

        values = random._generator(generator).normal(self._data.size, self._data.dtype, mean, std,
                                                      contiguous=self._data.flags.c_contiguous)
        return self._overwrite(self._in_memory_order(values), "NormalBackward0")

    def random_(self, low: int | None = None, high: int | None = None, *, generator: Any = None) -> "Tensor":
        """Integers: [0, 2**mantissa] (floats) or [0, max] without bounds; [0, low) with one; [low, high)."""
        from . import random

        source, n = random._generator(generator), self._data.size
        if low is None:
            values = source.random_default(n, self._data.dtype)
        else:
            low, high = (0, low) if high is None else (low, high)
            values = source.integers(n, int(low), int(high), self._data.dtype)
        return self._overwrite(self._in_memory_order(values), "RandomBackward0")

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> "Tensor":
        from . import random

        source = random._generator(generator)
        if isinstance(p, Tensor):
            values = source.bernoulli_tensor(np.broadcast_to(p._data, self._data.shape))
        else:
            values = self._in_memory_order(source.bernoulli_scalar(self._data.size, float(p)))
        return self._overwrite(values.astype(self._data.dtype), "BernoulliBackward0")

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> "Tensor":
        from ._creation import bernoulli

        return bernoulli(self, p, generator=generator)

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> "Tensor":
        from . import random

        values = random._generator(generator).exponential(self._data.size, self._data.dtype, lambd)
        return self._overwrite(self._in_memory_order(values), "ExponentialBackward0")

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator: Any = None) -> "Tensor":
        from ._creation import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)


def to_args_dtype(args: tuple, kwargs: dict) -> "dt.dtype | None":
    """The dtype asked for by `.to(...)` arguments (tensor or module), checking any device: CPU only."""
    target = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device")]:
        if isinstance(a, dt.dtype):
            target = a
        elif isinstance(a, Tensor):
            target = a.dtype
        elif a is not None:
            dt.device(a)  # validates: only the CPU exists
    return target


def _rebuild(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._make(array, requires_grad)


_function.Tensor = engine.Tensor = inplace.Tensor = Tensor


class _MaxResult(tuple):
    """`(values, indices)` with names, like torch.return_types.max."""

    def __new__(cls, values: Tensor, indices: Tensor, kind: str):
        self = tuple.__new__(cls, (values, indices))
        self._kind = kind
        return self

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self) -> str:
        return f"{dt.PACKAGE}.return_types.{self._kind}(\nvalues={self[0]!r},\nindices={self[1]!r})"


# ---------------------------------------------------------------------- helpers
def _dim(dim: Any, ndim: int) -> int:
    """Normalise a possibly negative dim, with torch's IndexError when it is out of range."""
    dim = builtins.int(dim)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _opt_dim(dim: Any, ndim: int):
    return None if dim is None else _dim(dim, ndim)


def _opt_dims(dim: Any, ndim: int):
    """None (all), an int, or a tuple of ints, normalised; a 0-d tensor reduces over 'dim 0' as torch allows."""
    if dim is None:
        return None
    if ndim == 0:
        _dim(dim if isinstance(dim, builtins.int) else dim[0], 0)
        return ()  # NumPy's "reduce over no axis": the value itself
    if isinstance(dim, (tuple, list)):
        return tuple(_dim(d, ndim) for d in dim)
    return _dim(dim, ndim)


def _shape_args(shape: Sequence) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, dt.Size)):
        shape = shape[0]
    return tuple(builtins.int(s) for s in shape)


def shape_op_view(t: Tensor, shape_: tuple, method: str = "reshape") -> Tensor:
    n = t._data.size
    known = 1
    unknown = [i for i, s in enumerate(shape_) if s == -1]
    for s in shape_:
        if s != -1:
            known *= s
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
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
        array = array.astype(like._data.dtype if like is not None and like.is_floating_point() else np.float32)
    return Tensor._make(array)


def _floating(t: Tensor) -> Tensor:
    """Integer inputs of exp/log/sigmoid... are computed in the default float dtype, as torch does."""
    return t if t._data.dtype.kind == "f" else t.to(dt.DEFAULT_FLOAT)


def _run(op: Any, t: Tensor) -> Tensor:
    """`op.apply(t)` for a one-output, non-view op whose only argument is the tensor `t`.

    The same result; when no graph will be recorded (grad mode off, or `t` does not require
    grad) it skips `apply`'s general pass over the arguments, which on a small tensor costs
    about as much as NumPy's own work. The op's rule (`forward`) is the one `apply` would run.
    (No `*args` here or in `_reduce`: a call that unpacks them costs another 0.15 us.)
    """
    if t._requires_grad and grad_mode._enabled:
        return op.apply(t)
    return _wrap(op.forward(_UNUSED_CTX, t._data))


def _reduce(op: Any, t: Tensor, dim: Any, keepdim: bool, dtype: Any) -> Tensor:
    """`op.apply(t, dim, keepdim, dtype)` for sum and mean, with `_run`'s shortcut."""
    if t._requires_grad and grad_mode._enabled:
        return op.apply(t, dim, keepdim, dtype)
    return _wrap(op.forward(_UNUSED_CTX, t._data, dim, keepdim, dtype))


def _binary(op: Any, a: Tensor, b: Any, floating: bool = False) -> Tensor:
    """`op.apply(a, b)` for arithmetic operators: torch's type promotion, then `_run`'s shortcut."""
    a, b = _promote(a, b, floating)
    if isinstance(b, Tensor):
        if (a._requires_grad or b._requires_grad) and grad_mode._enabled:
            return op.apply(a, b)
        return _wrap(op.forward(_UNUSED_CTX, a._data, b._data))
    if a._requires_grad and grad_mode._enabled:
        return op.apply(a, b)
    return _wrap(op.forward(_UNUSED_CTX, a._data, b))


def _promote(a: Tensor, b: Any, floating: bool = False):
    """Cast a binary op's operands to torch's result dtype; Python numbers stay Python numbers."""
    if isinstance(b, Tensor):
        da, db = a._data.dtype, b._data.dtype
        if da is db and a._data.shape == b._data.shape and (da.kind == "f" or not floating):
            return a, b  # the common case: nothing to convert or check
        if da == db:
            target = da
        else:
            dims = [t._data.dtype for t in (a, b) if t._data.ndim]
            zeros = [t._data.dtype for t in (a, b) if not t._data.ndim]
            target = dt.result_type(_fold(dims), _fold(zeros), None)
        if floating and target.kind != "f":
            target = dt.DEFAULT_FLOAT.numpy_dtype
        _check_broadcast(a._data.shape, b._data.shape)
        return _cast(a, target), _cast(b, target)
    if a._data.dtype.kind == "f" and (type(b) is builtins.float or type(b) is builtins.int):
        return a, b  # the common case: a float tensor and a Python number keep the tensor's dtype
    if not isinstance(b, _Number):
        if isinstance(b, (np.ndarray, list, tuple)):
            return _promote(a, _as_tensor(b, like=a), floating)
        _unsupported_operand(b)
    if isinstance(b, np.generic):
        b = b.item()  # a NumPy scalar counts as a Python number (NumPy would let its dtype win)
    da = a._data.dtype
    scalar = dt.scalar_dtype(b)
    target = dt.result_type(da if a._data.ndim else None, None if a._data.ndim else da, scalar)
    if floating and target.kind != "f":
        target = dt.DEFAULT_FLOAT.numpy_dtype
    if target.kind != "f" and isinstance(b, (builtins.float, np.floating)):
        target = dt.DEFAULT_FLOAT.numpy_dtype
    return _cast(a, target), b


def _unsupported_operand(b: Any) -> None:
    raise TypeError(f"unsupported operand type for tensor arithmetic: '{type(b).__name__}'")


def _fold(dtypes: list):
    result = None
    for d in dtypes:
        result = d if result is None else dt.promote_types(result, d)
    return result


def _cast(t: Tensor, np_dtype: np.dtype) -> Tensor:
    if t._data.dtype == np_dtype:
        return t
    return pointwise.ToCopy.apply(t, np_dtype)


def _check_broadcast(sa: tuple, sb: tuple) -> None:
    """torch's message for shapes that cannot broadcast (NumPy's would not name the dimension)."""
    if sa == sb:
        return
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = max(len(sa), len(sb)) - i
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {dim}"
            )


def _check_not_bool_sub(a: Tensor, b: Any) -> None:
    b_bool = isinstance(b, (builtins.bool, np.bool_)) or (isinstance(b, Tensor) and b._data.dtype == np.bool_)
    if a._data.dtype == np.bool_ and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
            "operator instead."
        )


def _check_same_dtype(a: Tensor, b: Tensor, name: str) -> None:
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"{a.dtype.name.capitalize()} did not match {b.dtype.name.capitalize()}".replace("Float32", "Float")
            .replace("Float64", "Double").replace("Int64", "Long")
        )


def _check_index_dtype(index: Any, name: str) -> None:
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32{'/' if name == 'gather' else ' or '}int64 for index")


_check_inplace = inplace.check_inplace  # (torch's leaf, view and overlap rules for in-place writes)


def _arg_reduce(t: Tensor, dim: Any, keepdim: bool, fn) -> Tensor:
    if dim is None:
        if t._data.size == 0:
            raise RuntimeError(f"{fn.__name__}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(fn(t._data))
        return Tensor._make(out.reshape((1,) * t.ndim) if keepdim else out)
    d = _dim(dim, t.ndim)
    if not t.ndim:
        return Tensor._make(np.asarray(0))
    return Tensor._make(np.asarray(fn(t._data, axis=d, keepdims=keepdim)))


def _index_key(key: Any, shape_: tuple):
    """Translate a torch index into a NumPy one, checking bounds with torch's IndexError.

    Also returns the name torch gives the result's grad_fn: torch applies the index item by
    item (select for an int, slice, unsqueeze for None; a full slice does nothing) and names
    the last step, IndexBackward0 when any tensor/mask takes part, AliasBackward0 when no step did.
    """
    items = key if isinstance(key, tuple) else (key,)
    out = []
    name = "AliasBackward0"
    advanced = False
    dim = 0
    for item in items:
        if isinstance(item, Tensor):
            item = item._data
            if item.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if item.dtype.kind in "iu" and item.ndim == 0:
                item = builtins.int(item)
        if isinstance(item, (builtins.int, np.integer)) and not isinstance(item, (builtins.bool, np.bool_)):
            if dim >= len(shape_):
                raise IndexError(f"too many indices for tensor of dimension {len(shape_)}")
            size = shape_[dim]
            if not -size <= item < size:
                raise IndexError(f"index {item} is out of bounds for dimension {dim} with size {size}")
            name = "SelectBackward0"
            dim += 1
        elif isinstance(item, slice):
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            size = shape_[dim] if dim < len(shape_) else 0
            if item.start not in (None, 0) or item.step not in (None, 1) or (item.stop is not None and item.stop < size):
                name = "SliceBackward0"
            dim += 1
        elif item is None:
            name = "UnsqueezeBackward0"
        elif item is Ellipsis:
            dim += len(shape_) - sum(1 for i in items if i is not None and i is not Ellipsis)
        else:
            advanced = True
            array = np.asarray(item)
            if array.dtype == object or array.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if array.dtype.kind in "iu" and array.size and dim < len(shape_):
                size = shape_[dim]
                if array.min() < -size or array.max() >= size:
                    bad = array[(array < -size) | (array >= size)].flat[0]
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
            dim += array.ndim if array.dtype.kind == "b" else 1
            item = array
        out.append(item)
    if dim > len(shape_):
        raise IndexError(f"too many indices for tensor of dimension {len(shape_)}")
    np_key = tuple(out) if isinstance(key, tuple) else out[0]
    if advanced:
        np_key = _torch_order(out) or np_key
    return np_key, ("IndexBackward0" if advanced else name)


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


def _views_before_advanced(key: Any, shape_: tuple) -> bool:
    """Whether an advanced-index key also has a part that makes torch take a view first.

    torch applies ints, None and slices as views (a slice covering the whole dimension is
    skipped), then the tensor indices; a write through such a view records `CopySlices`.
    """
    items = key if isinstance(key, tuple) else (key,)
    dim = 0
    for item in items:
        if item is None or isinstance(item, (builtins.int, np.integer)) and not isinstance(item, (builtins.bool, np.bool_)):
            if item is not None:
                dim += 1
            return True
        if isinstance(item, slice):
            if dim < len(shape_) and range(*item.indices(shape_[dim])) != range(shape_[dim]):
                return True
            dim += 1
        elif item is Ellipsis:
            dim += len(shape_) - sum(1 for i in items if i is not None and i is not Ellipsis)
        else:
            dim += np.ndim(item._data if isinstance(item, Tensor) else item) if np.asarray(
                item._data if isinstance(item, Tensor) else item).dtype == np.bool_ else 1
    return False


# ---------------------------------------------------------------------- functions used by methods
def matmul(a: Tensor, b: Tensor) -> Tensor:
    """torch.matmul with torch's shape errors."""
    a, b = _as_tensor(a), _as_tensor(b)
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
    else:
        k_a = sa[-1]
        k_b = sb[-2] if b.ndim > 1 else sb[0]
        if k_a != k_b:
            batch = sa[:-2] if a.ndim > 2 else sb[:-2]
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{np.prod(batch, dtype=np.int64)}, "
                f"{k_a}] but got: [{np.prod(sb[:-2] or (1,), dtype=np.int64)}, {k_b}]."
            )
        _check_broadcast(sa[:-2], sb[:-2] if b.ndim > 1 else ())
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_dtype_word(a)} != {_dtype_word(b)}"
        )
    return linalg.Matmul.apply(a, b)


def _dtype_word(t: Tensor) -> str:
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int"}.get(t.dtype.name, t.dtype.name)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """Pick from `input` where `condition` is true, else from `other` (gradients flow to the picked ones)."""
    cond = _as_tensor(condition)
    if cond._data.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{dt.torch_type_name(cond._data.dtype)}")
    if isinstance(input, Tensor):
        a, b = _promote(input, other)
    elif isinstance(other, Tensor):
        b, a = _promote(other, input)
    else:
        a, b = _as_tensor(input), _as_tensor(other)
    _check_broadcast(cond._data.shape, np.broadcast_shapes(np.shape(a._data if isinstance(a, Tensor) else a),
                                                           np.shape(b._data if isinstance(b, Tensor) else b)))
    return pointwise.Where.apply(cond, a, b)
