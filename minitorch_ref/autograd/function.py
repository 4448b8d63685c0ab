"""`Function`: how every differentiable op is written, and the node it leaves in the graph.

API contract (how to write an op), as `torch.autograd.Function`:

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):               # NumPy arrays (and plain values) in, NumPy array out
            ctx.save_for_backward(a, b)       # arrays only; shapes, dims, flags: `ctx.dim = dim`
            return a * b

        @staticmethod
        def backward(ctx, grad):              # d(loss)/d(out) in, one gradient per forward argument out
            a, b = ctx.saved_tensors
            return grad * b, grad * a         # None for an argument that gets none (a dim, a flag...)

    out = Mul.apply(x, y)                     # Tensors (or values) in, Tensor out, grad_fn=<MulBackward0>

- Every op, recorded or not, runs through `apply`: a fresh `ctx` per call, the rule's
  `forward` on the arrays, the result wrapped in a new Tensor. When grad mode is on and
  some input requires grad, `ctx` becomes the result's `grad_fn`: the graph node.
  `forward` runs with NumPy's floating-point warnings off (the engine does the same for
  `backward`): inf and nan arise silently, as in torch, so rules need no guard of their own.
- `ctx.needs_input_grad` is a tuple of bools, one per forward argument (set before `forward`).
- `save_for_backward` takes arrays (or None, or a number in an array's place: `x * 2`);
  shapes, dims, flags and strings are attributes of `ctx` (`ctx.dim = dim`).
  `ctx.saved_tensors` checks, when read, that none of them was changed in place since.
- torch's name for the node is the class attribute `node_name` (default `<ClassName>Backward0`
  for minitorch_ref's ops, `<ClassName>Backward` for a custom Function, as torch names them).
  Where torch has several names for one rule, a small subclass sets another `node_name`
  (`class Transpose(Permute): node_name = "TransposeBackward0"`).
- `forward` may return a tuple: the first array is the differentiable output, the others
  are returned as tensors outside the graph (the indices of `max(dim)`).
- Gradients may come back in the broadcast shape: the engine sums them back to each
  input's shape in one place (`sum_to_shape` in engine.py), so rules never deal with it.
- An op whose output may share its input's memory subclasses `ViewFunction`.

A learner's Function (`minitorch_ref.autograd.Function`, in custom_function.py) subclasses
this one and follows torch's contract instead: its forward and backward receive tensors.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any

import numpy as np

from .._dtype import PACKAGE, torch_type_name
from . import grad_mode
from .tensor_base import (InferenceStorage, Storage, TensorBase, bump_version, mark_view, run_hooks,
                          run_post_accumulate_grad_hooks)

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)

_INFERENCE_SAVED_MESSAGE = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it "
    f"in autograd, or use `{PACKAGE}.no_grad()` instead of `{PACKAGE}.inference_mode()`."
)


class Function:
    """Base class of differentiable ops. An instance is the `ctx` and, once recorded, the graph node."""

    #: torch's name for the node (`grad_fn=<...>`); None means `<ClassName>Backward0`.
    node_name: str | None = None

    # Per call (class-level defaults, so that making a ctx costs nothing):
    needs_input_grad: tuple = ()  # per forward argument: does it want a gradient?
    next_functions: tuple = ()  # per forward argument: the node its gradient goes to, or None
    output_shape: tuple = ()  # the shape of the tensor this node produced
    input_shapes: tuple = ()  # per forward argument: its shape if it was a tensor, else None (for pictures)
    _saved: tuple | None = ()  # what save_for_backward kept (None once freed)
    _saved_versions: tuple = ()  # (index in _saved, storage, version then, what names it: see raise_modified)
    _retained = None  # weak reference to an output that called `retain_grad()`
    _hooked = None  # weak reference to an output that has hooks (`register_hook`)
    piece = None  # a view that split/chunk/unbind returned (or a view of one): its output number
    returned_input = False  # a learner's Function's one output that is an input returned as it is (a view)

    # ------------------------------------------------------------------ used by rules
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep the arrays `backward` will need (or None, or a number standing for a tensor: `x * 2`
        saves the 2). Shapes, dims and options go on ctx as attributes, as in torch."""
        for i, a in enumerate(arrays):
            if a is not None and not isinstance(a, (np.ndarray, np.generic, int, float, complex)):
                raise TypeError(f"save_for_backward can only save arrays, but argument {i} is of type "
                                f"{type(a).__name__}")
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        """The saved arrays (tensors, in a learner's Function), after checking that none was freed or
        changed in place since it was saved."""
        if self._saved is None:
            raise RuntimeError(_FREED_MESSAGE)
        for i, storage, version, owner in self._saved_versions:
            if storage.version != version:
                saved = self._saved[i]
                raise_modified(self, getattr(saved, "_data", saved), storage.version, version, owner)
        return self._saved

    # ------------------------------------------------------------------ used by the engine
    def tensor_hooks(self, grad: Any) -> Any:
        """The gradient of the tensor this node made, through that tensor's hooks (`register_hook`,
        in order), then kept by `retain_grad()` (which so sees the hooked gradient, as in torch)."""
        if self._hooked is not None and self._hooked() is not None:
            grad = run_hooks(self._hooked(), grad)
        retained = self._retained() if self._retained is not None else None
        if retained is not None:  # `retain_grad()` on the output: its .grad adds up, as a leaf's does
            retained._grad = retained._make(np.array(grad, copy=True) if retained._grad is None
                                            else retained._grad._data + grad)
        return grad

    def hooks_node(self) -> "Function":
        """The node that runs the hooks of the tensor this node made: itself (see custom_function.py)."""
        return self

    def own_gradient(self, grad: Any) -> Any:
        """Of what reached this node, the gradient of the tensor it made (`autograd.grad` returns it)."""
        return grad

    def run_backward(self, grad: Any) -> tuple:
        """This node's rule applied to `grad`: one gradient per forward argument, as a tuple."""
        grads = type(self).backward(self, grad)
        grads = grads if type(grads) is tuple else (grads,)
        if len(grads) != len(self.next_functions):  # (a custom Function's backward must match its forward)
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected "
                               f"{len(self.next_functions)}, got {len(grads)})")
        return grads

    def free_saved(self) -> None:
        """Drop the saved arrays (after backward, unless retain_graph): a second backward then raises."""
        if self._saved:
            self._saved = None

    def name(self) -> str:
        """torch's name: its own ops' nodes end in `Backward0` (or 1, 2...), a custom Function's in `Backward`."""
        if self.node_name:
            return self.node_name
        own = type(self).__module__.startswith(PACKAGE + ".")
        return f"{type(self).__name__}Backward{'0' if own else ''}"

    def __repr__(self) -> str:
        """`<MulBackward0 object at 0x...>`; torch makes a custom Function's node a Python class
        of `torch.autograd.function`, so its repr names that module."""
        own = type(self).__module__.startswith(PACKAGE + ".")
        module = "" if own else f"{PACKAGE}.autograd.function."
        return f"<{module}{self.name()} object at {id(self):#x}>"

    # ------------------------------------------------------------------ the op
    @staticmethod
    def forward(ctx: "Function", *args: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: "Function", grad: np.ndarray) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the op on tensors (and plain values); record it in the graph when a gradient is wanted."""
        ctx = cls()
        arrays, wants, shapes, first = [], [], [], None  # per argument: what forward gets, wants a gradient?
        for a in args:
            if isinstance(a, TensorBase):
                arrays.append(a._data)
                wants.append(a._requires_grad)
                shapes.append(a._data.shape)
                if first is None:
                    first = a
            else:
                arrays.append(a)
                wants.append(False)
                shapes.append(None)
        record = grad_mode._enabled and True in wants
        ctx.needs_input_grad = tuple(wants) if record else (False,) * len(args)
        out = _silently(cls.forward, ctx, arrays)
        others = None
        if type(out) is tuple:  # the first output is differentiable, the others are not (max's indices)
            result, *others = [first._make(o) for o in out]
            out = out[0]
        else:
            result = first._make(out)
        if record and result._data.dtype.kind == "f":  # (integers and bools have no gradient, as in torch)
            ctx.input_shapes = tuple(shapes)  # (for pictures: None where the argument is not a tensor)
            _record(ctx, args, out, result)
        return (result, *others) if others is not None else result


def once_differentiable(fn: Any) -> Any:
    """torch's decorator for a backward that cannot itself be differentiated: minitorch_ref never
    records the backward pass, so it only runs `fn` with grad mode off."""
    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            return fn(ctx, *args)

    return wrapper


@np.errstate(divide="ignore", invalid="ignore", over="ignore")
def _silently(forward: Any, ctx: Function, arrays: list) -> Any:
    """`forward(ctx, *arrays)` with NumPy's floating-point warnings off: inf and nan arise
    silently, as in torch. (The decorator form of `np.errstate`: cheaper per call than `with`.)"""
    return forward(ctx, *arrays)


def _record(ctx: Function, args: tuple, out: Any, result: TensorBase) -> None:
    """Make `ctx` the node that produced `result`: its edges to the inputs' nodes, and the
    versions of the tensors it saved (checked when `ctx.saved_tensors` is read)."""
    result._requires_grad, result.grad_fn = True, ctx
    ctx.next_functions = tuple([gradient_edge(a) if wanted else None for a, wanted in zip(args, ctx.needs_input_grad)])
    ctx.output_shape = result._data.shape
    if ctx._saved:
        _remember_versions(ctx, args, out, result)


class ViewFunction(Function):
    """An op whose output may share its input's memory (slicing, reshape, transpose...).

    When it does, the output is linked to the input's root tensor, so that an in-place
    change of one is seen in the graph of the other (see inplace.py).
    """

    @classmethod
    def apply(cls, *args: Any) -> Any:
        result = super().apply(*args)
        out, source = result._data, args[0]._data
        if np.may_share_memory(out, source) or (out.size == 0 and memory_owner(out) is memory_owner(source)):
            mark_view(result, args[0])
            made_from = args[0].grad_fn
            if result.grad_fn is not None and made_from is not None:
                if made_from.piece is not None:
                    result.grad_fn.piece = 0  # a view of a piece of split/unbind: torch forbids writing into it too
                elif made_from.returned_input:  # (likewise a view of a custom Function's view of its input)
                    result.grad_fn.returned_input = True
        return result


def memory_owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the memory `array` views (NumPy's `.base` chain, through the helper object
    that `as_strided` puts in it: an `expand`ed array): the test for an empty view (`x[:0]`), and where
    storage offsets count from."""
    owner = array
    while getattr(array, "base", None) is not None:
        array = array.base
        if isinstance(array, np.ndarray):
            owner = array
    return owner


class AccumulateGrad(Function):
    """The node of a leaf: what reaches it is added into `leaf.grad` (torch's AccumulateGrad).

    One per leaf while a graph uses it (the leaf keeps a weak reference), so the engine sums
    every path's contribution first and the leaf receives its gradient once, when the walk
    reaches this node: after every node that uses the leaf, before the nodes the leaf
    does not feed.
    """

    node_name = "AccumulateGrad"

    def __init__(self, leaf: TensorBase) -> None:
        self.variable = leaf
        self.output_shape = leaf._data.shape

    def tensor_hooks(self, grad: Any) -> Any:
        """The leaf's hooks see (and may replace) its gradient before it is added to `.grad`."""
        return run_hooks(self.variable, grad) if self.variable._hooks else grad

    @staticmethod
    def backward(ctx: "AccumulateGrad", grad: Any) -> tuple:
        leaf, current = ctx.variable, ctx.variable._grad
        if getattr(grad, "is_sparse", False):  # a row-sparse gradient (EmbeddingBag(sparse=True))
            leaf._grad = grad if current is None else current + grad
        elif current is None:  # a copy (`grad` may be shared with another leaf or the caller), laid out as
            leaf._grad = leaf._make(_laid_out_as(leaf._data, grad))  # the leaf, as torch's
        elif getattr(current, "is_sparse", False):
            leaf._grad = leaf._make(current.to_dense_array() + grad)
        else:  # in place, as torch: one more version of .grad (a graph that saved it can tell)
            current._data += grad
            bump_version(current)
        if leaf._post_accumulate_grad_hooks:
            run_post_accumulate_grad_hooks(leaf)
        return ()


def _laid_out_as(data: np.ndarray, grad: Any) -> np.ndarray:
    """A copy of `grad` in `data`'s dtype and layout (not in a permuted `grad`'s); row-major the quick way."""
    if data.flags.c_contiguous:
        return np.array(grad, dtype=data.dtype, order="C")
    copy = np.empty_like(data)
    copy[...] = grad
    return copy


def gradient_edge(t: TensorBase) -> Function:
    """Where the gradient of input `t` goes: the node that made it, or its leaf's AccumulateGrad."""
    if t.grad_fn is not None:
        return t.grad_fn
    node = t._accumulator() if t._accumulator is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accumulator = weakref.ref(node)
    return node


# ---------------------------------------------------------------------- saved values and in-place changes
_THIS_NODE = object()  # in a saved-version record: "the array is this node's own output"


def _remember_versions(ctx: Function, args: tuple, out: Any, result: TensorBase) -> None:
    """Note the version of every input or output tensor that `ctx` saved, to check it when read."""
    records, saved = [], list(ctx._saved)
    for i, array in enumerate(saved):
        if array is None:
            continue
        if array is out:  # the output (a 0-d result may have been a NumPy scalar: save the tensor's array)
            owner, named_by = result, _THIS_NODE
            saved[i] = result._data
        else:
            owner = _input_holding(array, args)
            if owner is None:
                continue  # an array of the op's own (no tensor holds it: nothing can change it in place)
            named_by = (owner.grad_fn, weakref.ref(owner))  # (its history now, and the tensor to ask later)
        storage = owner._storage
        if storage is None:
            storage = owner._storage = Storage()
        elif type(storage) is InferenceStorage:
            raise RuntimeError(_INFERENCE_SAVED_MESSAGE)
        records.append((i, storage, storage.version, named_by))
    ctx._saved, ctx._saved_versions = tuple(saved), tuple(records)


def watch_saved(ctx: Function, tensor: TensorBase) -> None:
    """Check also, when `ctx`'s saved arrays are read, that `tensor` was not changed in place since: for an
    array `ctx` saved that is neither an input nor its own output (the other outputs of a factorisation,
    each its own node: see `ops.linalg._OutputOf`)."""
    for i, array in enumerate(ctx._saved or ()):
        if array is tensor._data:
            storage = tensor._storage
            if storage is None:
                storage = tensor._storage = Storage()
            named_by = (tensor.grad_fn, weakref.ref(tensor))
            ctx._saved_versions += ((i, storage, storage.version, named_by),)


def _input_holding(array: Any, args: tuple) -> TensorBase | None:
    """The input tensor whose array `array` is, if any."""
    for a in args:
        if isinstance(a, TensorBase) and a._data is array:
            return a
    return None


def raise_modified(node: Function, saved: np.ndarray, now: int, then: int, named_by: Any) -> None:
    """torch's error for a tensor that `node` saved and that was changed in place since. It names the
    node that made the tensor: `node` itself for its own output, else the input tensor's grad_fn as it
    is now (after `y.add_(1)`, AddBackward0), or as it was when saved if that tensor is gone; and its shape
    as it is now (after `y.t_()`, transposed). A view that is gone was changed through its base or another
    view: torch, which keeps it, names the AsStrided node such a view gets (see inplace.refresh_views)."""
    producer, gone_view = node, False
    if named_by is not _THIS_NODE:
        producer, tensor = named_by[0], named_by[1]()
        producer, saved = (tensor.grad_fn, tensor._data) if tensor is not None else (producer, saved)
        gone_view = tensor is None and isinstance(producer, ViewFunction) and producer.piece is None
    name = "AsStridedBackward0" if gone_view else None if producer is None else producer.name()
    what = f"[{PACKAGE}.{torch_type_name(saved.dtype)}Tensor [{', '.join(map(str, saved.shape))}]]"
    if name is not None:
        what += f", which is output 0 of {message_name(name)},"
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"{what} is at version {now}; expected version {then} instead. Hint: the value "
        "was saved for backward and then changed in place; clone() it before changing it, or change "
        "it out of place."
    )


def message_name(name: str) -> str:
    """How torch's messages name a node: MulBackward0 as Mul, ClampBackward1 as Clamp1, and its
    hand-written nodes by their C++ name."""
    if name in ("CopySlices", "CopyBackwards"):
        return f"torch::autograd::{name}"
    head, backward, number = name.rpartition("Backward")  # (only the last: BackwardHookFunctionBackward)
    return head + (number if number != "0" else "") if backward else name
