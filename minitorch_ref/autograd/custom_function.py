"""A learner's `Function`: torch's contract, on tensors (what `minitorch_ref.autograd.Function` is).

minitorch_ref's own ops subclass the core `Function` (function.py), whose rules receive and
return NumPy arrays. A Function a learner writes after torch's docs subclasses this one
instead, so torch's examples run unchanged:

    class MyExp(autograd.Function):
        @staticmethod
        def forward(ctx, x):              # tensors in (grad mode off), tensors out
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad):           # one gradient tensor per output in, one per input out
            result, = ctx.saved_tensors
            return grad * result

Several outputs, non-tensor arguments and outputs, `mark_dirty`, `mark_non_differentiable`,
`set_materialize_grads`, keyword arguments to `apply` and the `setup_context` style work as
in torch, and a wrong gradient (count, shape, type) raises torch's error. The node is still
`ctx`, and the engine sees no difference: it passes arrays, `run_backward` wraps them as
tensors for the learner's `backward` and checks what comes back. An output other than the
first gets a small `_OutputNode` as its grad_fn (same name), which hands its gradient on to
`ctx` labelled with the output's number.
"""
from __future__ import annotations

import inspect
import warnings
import weakref
from typing import Any

import numpy as np

from .._dtype import PACKAGE
from . import grad_mode
from . import function as core
from .function import _THIS_NODE, gradient_edge
from .tensor_base import TensorBase, bump_version, storage_of


class Function(core.Function):
    """Base class of a learner's differentiable op, as `torch.autograd.Function` (see the module docstring)."""

    _dirty = _non_differentiable = ()
    _materialize = True
    _outputs: tuple = ()  # per forward output: (shape, dtype) of a tensor, else None
    _input_dtypes: tuple = ()  # per forward argument: a tensor's dtype, else None
    _make = None  # Tensor._make, to wrap the gradients handed to backward
    _output_nodes: dict = {}  # output number (> 0) -> its `_OutputNode`

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{type(self)} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will "
                      "raise an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style autograd "
            "function with static forward method. (Example: https://pytorch.org/docs/stable/autograd.html"
            "#torch.autograd.Function)")

    def mark_dirty(self, *tensors: Any) -> None:
        """In forward: these inputs were changed in place and are returned as outputs."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """In forward: these outputs get no gradient (indices, masks); backward still receives one
        for each (zeros)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """False: backward receives None, not zeros, for an output that got no gradient."""
        self._materialize = bool(value)

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward on the tensors (grad mode off); record `ctx` as the outputs' grad_fn when some
        input requires grad and grad mode is on."""
        setup = getattr(cls, "setup_context", None)
        if kwargs:  # (torch binds keyword arguments to forward's parameters)
            params = inspect.signature(cls.forward).bind(*((None,) if setup is None else ()), *args, **kwargs)
            args = params.args[0 if setup else 1:]
        ctx = object.__new__(cls)
        ctx.needs_input_grad = tuple([isinstance(a, TensorBase) and a._requires_grad for a in args])
        record = grad_mode._enabled and True in ctx.needs_input_grad
        with grad_mode.no_grad():
            if setup is None:
                out = cls.forward(ctx, *args)
            else:  # forward without ctx, then setup_context(ctx, inputs, output)
                out = cls.forward(*args)
                setup(ctx, args, out)
        outputs = out if type(out) is tuple else (out,)
        if record:
            ctx.next_functions = tuple([gradient_edge(a) if wants else None
                                        for a, wants in zip(args, ctx.needs_input_grad)])
        results = [_output(ctx, o, args, record) for o in outputs]
        if record:
            _record_custom(ctx, args, outputs, results)
        return tuple(results) if type(out) is tuple else results[0]

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; torch's TypeError for anything else."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, TensorBase):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is of type "
                                f"{type(t).__name__}")
        self._saved = tensors

    def run_backward(self, grad: Any) -> tuple:
        """The learner's backward, on tensors with grad mode off, one gradient per output in (zeros or
        None for an output that got none), its gradients checked as torch checks them."""
        per_output = grad if type(grad) is _OutputGrads else {0: grad}
        grads = []
        for k, meta in enumerate(self._outputs):
            g = per_output.get(k)
            if g is None and meta is not None and self._materialize:
                g = np.zeros(*meta)
            grads.append(None if g is None else self._make(g))
        with grad_mode.no_grad():
            results = type(self).backward(self, *grads)
        results = results if type(results) is tuple else (results,)
        n = len(self._input_dtypes)
        if len(results) > n and all(r is None for r in results[n:]):  # (torch ignores extra Nones)
            results = results[:n]
        if len(results) != n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected "
                               f"{n}, got {len(results)})")
        arrays = []
        for i, (g, dtype) in enumerate(zip(results, self._input_dtypes)):
            if g is not None and not isinstance(g, TensorBase):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if g is not None and dtype is None:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
            arrays.append(None if g is None else g._data.astype(dtype, copy=False))  # (as torch: the input's dtype)
        return tuple(arrays)

    def own_gradient(self, grad: Any) -> Any:
        return grad.get(0) if type(grad) is _OutputGrads else grad  # (the first output's, of all outputs')

    def tensor_hooks(self, grad: Any) -> Any:
        """Each output's hooks (`register_hook`, `retain_grad`) see its gradient, in output order, when
        this node runs, as in torch (an `_OutputNode` keeps its output's hooks for this)."""
        if type(grad) is not _OutputGrads:
            return super().tensor_hooks(grad)
        for k in sorted(grad):
            grad[k] = core.Function.tensor_hooks(self if k == 0 else self._output_nodes[k], grad[k])
        return grad


def _output(ctx: Function, o: Any, args: tuple, record: bool) -> Any:
    """One output of a learner's forward as apply returns it: an input returned as it is becomes a new
    tensor on the same memory (as torch's alias), unless marked dirty; values other than tensors pass."""
    if not isinstance(o, TensorBase):
        return o
    dirty = any(o is d for d in ctx._dirty)
    if dirty:
        if record and o.grad_fn is None and o._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
        bump_version(o)  # (torch counts mark_dirty as one more write)
    elif any(o is a for a in args):
        alias = o._make(o._data)
        alias._storage = storage_of(o)
        return alias
    return o


def _record_custom(ctx: Function, args: tuple, outputs: tuple, results: list) -> None:
    """Make `ctx` the grad_fn of the first differentiable output, an `_OutputNode` of the others."""
    ctx._input_dtypes = tuple([a._data.dtype if isinstance(a, TensorBase) else None for a in args])
    ctx._make = next(a for a in args if isinstance(a, TensorBase))._make
    ctx._outputs = tuple([(r._data.shape, r._data.dtype) if isinstance(r, TensorBase) else None for r in results])
    ctx.input_shapes = tuple([a._data.shape if isinstance(a, TensorBase) else None for a in args])
    ctx.output_shape = ctx._outputs[0][0] if ctx._outputs[0] is not None else ()
    for k, (o, r) in enumerate(zip(outputs, results)):
        if (isinstance(r, TensorBase) and r._data.dtype.kind == "f"
                and not any(o is n for n in ctx._non_differentiable)):
            r._requires_grad, r.grad_fn = True, ctx if k == 0 else _OutputNode(ctx, k, r._data.shape)
            if k:
                ctx._output_nodes = {**ctx._output_nodes, k: r.grad_fn}
            if r is not o:  # an input returned as it is: a view that torch forbids writing into (inplace.py)
                _mark_returned_input(r.grad_fn, k, sum(isinstance(t, TensorBase) for t in outputs))
    if ctx._saved:
        _remember_saved_tensors(ctx, results)


def _mark_returned_input(node: Any, k: int, n_tensors: int) -> None:
    """torch's two kinds of such views: a piece of several tensor outputs (as split's), or the one output."""
    if n_tensors > 1:
        node.piece = k
    else:
        node.returned_input = True


def _remember_saved_tensors(ctx: Function, results: list) -> None:
    """The versions of the tensors a learner's forward saved (checked when `ctx.saved_tensors` is read)."""
    records = []
    for i, t in enumerate(ctx._saved):
        if t is not None:
            named_by = _THIS_NODE if any(t is r for r in results) else (t.grad_fn, weakref.ref(t))
            storage = storage_of(t)
            records.append((i, storage, storage.version, named_by))
    ctx._saved_versions = tuple(records)


class _OutputGrads(dict):
    """The gradients of a learner's Function's outputs, by output number, as the engine sums them
    for its node (an array alone is the first output's)."""

    __array_ufunc__ = None  # (`array + _OutputGrads`: NumPy leaves it to __radd__)

    def __add__(self, other: Any) -> "_OutputGrads":
        total = _OutputGrads(self)
        for k, g in (other.items() if type(other) is _OutputGrads else [(0, other)]):
            total[k] = g if k not in total else total[k] + g
        return total

    __radd__ = __add__


class _OutputNode:
    """The grad_fn of output `k` (k > 0) of a learner's Function: torch's node is shared by all the
    outputs; here this small node, named as that node, passes the gradient on to it, labelled `k`."""

    _retained = _hooked = piece = None
    returned_input = False

    def __init__(self, node: Function, k: int, shape: tuple) -> None:
        self.node, self.k, self.output_shape = node, k, shape
        self.next_functions, self.input_shapes = (node,), (node.output_shape,)

    def __getattr__(self, name: str) -> Any:  # (saved_tensors, needs_input_grad...: the shared node's)
        if name == "node":  # (not set yet: a copy being made)
            raise AttributeError(name)
        return getattr(self.node, name)

    def tensor_hooks(self, grad: Any) -> Any:
        return grad  # (the shared node runs them, in output order)

    def hooks_node(self) -> Function:
        return self.node

    def own_gradient(self, grad: Any) -> Any:
        return grad

    def run_backward(self, grad: Any) -> tuple:
        return (_OutputGrads({self.k: grad}),)

    def free_saved(self) -> None:
        pass

    def name(self) -> str:
        return self.node.name()

    def __repr__(self) -> str:
        return f"<{PACKAGE}.autograd.function.{self.name()} object at {id(self):#x}>"
