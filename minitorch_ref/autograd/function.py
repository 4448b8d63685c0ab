"""`Function`: how every differentiable op is written, and the node it leaves in the graph.

An op is a subclass with two static methods, as in `torch.autograd.Function`:

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):               # NumPy arrays in, NumPy array out
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):              # d(loss)/d(out) in, one gradient per input out
            a, b = ctx.saved_tensors
            return grad * b, grad * a

    out = Mul.apply(x, y)                     # Tensors in, Tensor out (with grad_fn=<MulBackward0>)

`forward` and `backward` see NumPy arrays: that is where the math is. `apply` unwraps the
tensors, runs `forward`, and (when some input requires grad and grad mode is on) keeps the
`ctx` object as the output's `grad_fn`: the graph node that remembers its parents.

Gradients may come back with the broadcast shape; the engine sums them back to each
input's shape in one place (`sum_to_shape` in engine.py), so rules never deal with it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import grad_mode, inplace

Tensor: Any = None  # the Tensor class; set by _tensor.py (a module-level name keeps `apply` fast)

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)


class Function:
    """Base class of differentiable ops. An instance is the `ctx` and, after `apply`, the graph node."""

    #: name shown as `grad_fn=<...>`; defaults to `<ClassName>Backward0`, torch's naming.
    node_name: str | None = None

    # Filled in by `apply` when the graph is recorded:
    next_functions: tuple = ()  # per input: the parent node, the leaf Tensor, or None
    output_shape: tuple = ()  # the shape of the tensor this node produced
    _saved: tuple = ()
    _freed = False
    _retained = None  # weak reference to an output that called `retain_grad()`
    _saved_versions: list = ()  # (index in _saved, storage, version then, producer): see inplace.py

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep what `backward` will need. After backward (unless `retain_graph=True`) the engine frees
        them if any is an array: a second backward through this node then raises, as in torch."""
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(_FREED_MESSAGE)
        return self._saved

    def needs_input_grad(self, i: int) -> bool:
        """Whether input `i` wants a gradient (lets a rule skip work, like torch's ctx.needs_input_grad)."""
        return self.next_functions[i] is not None

    def name(self) -> str:
        return self.node_name or f"{type(self).__name__}Backward0"

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @staticmethod
    def forward(ctx: "Function", *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, ...)")

    @staticmethod
    def backward(ctx: "Function", grad: np.ndarray) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *args: Any):
        """Run the op on tensors; record it in the graph when any input requires grad.

        This is the hot path of every op, so it does the least it can: one pass over the
        arguments, and when nothing will be recorded a shared throw-away `ctx` (whatever
        `forward` saves on it is never read).
        """
        arrays = []
        parents = []  # per input: the node that produced it, the leaf itself, or None (no gradient wanted)
        record = False
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                if a._requires_grad:
                    record = True
                    parents.append(a.grad_fn or a)
                    continue
            else:
                arrays.append(a)
            parents.append(None)
        if not (record and grad_mode._enabled):  # nothing to record: run the rule, wrap what it returns
            out = cls.forward(_UNUSED_CTX, *arrays)
            if type(out) is tuple:  # (differentiable output, *non-differentiable outputs such as indices)
                return tuple([_wrap(o) for o in out])
            result = _wrap(out)
        else:
            ctx = cls()
            out = cls.forward(ctx, *arrays)
            extra = ()
            if type(out) is tuple:
                out, *extra = out
            ctx.next_functions = tuple(parents)
            result = _wrap(out)
            result._requires_grad, result.grad_fn = True, ctx
            # The engine sums each gradient back to its input's shape (a parent's output_shape).
            ctx.output_shape = result._data.shape
            for saved in ctx._saved:  # an array it saved may be an input's or the output's: note its version
                if type(saved) is np.ndarray:
                    inplace.remember_saved_versions(ctx, args, result)
                    break
            if extra:
                return (result, *(_wrap(e) for e in extra))
        return result


class ViewFunction(Function):
    """An op whose output may share its input's memory (slicing, reshape, transpose...).

    When it does, the output is linked to the input's root tensor, so that an in-place
    change of one is seen in the graph of the other (see inplace.py).
    """

    @classmethod
    def apply(cls, *args: Any):
        result = super().apply(*args)
        if np.may_share_memory(result._data, args[0]._data):
            inplace.mark_view(result, args[0])
        return result


def _wrap(array: Any):
    """A new Tensor around `array`, outside the graph: every op's result starts here (`Tensor._make`
    adds the options). A plain function, as this runs once per op."""
    t = _new(Tensor)
    t._data = array if type(array) is np.ndarray else np.asarray(array)
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    t._base = None
    t._storage = None
    return t


_new = object.__new__


class _Unused(Function):
    """The `ctx` handed to `forward` when no graph is recorded."""

    def save_for_backward(self, *arrays: Any) -> None:
        pass


_UNUSED_CTX = _Unused()
