"""`RemovableHandle`, where torch keeps it (`torch.utils.hooks`): what every `register_*hook` returns.
And `BackwardHook`: how a module's full backward hooks see its gradients, as torch does it.

A module with a full backward hook (`register_full_backward_hook`) or pre-hook passes its tensor
arguments, and then its tensor outputs, through `BackwardHookFunction`: a custom Function that
returns its inputs as they are (several in, several out). Its node, `BackwardHookFunctionBackward`,
is where the gradients are caught on the way back, with no help from the engine:

- the outputs' node receives grad_output (None for an output that got no gradient): the pre-hooks
  see it and may replace it, and it is kept for the hooks;
- the inputs' node runs once every path from the outputs has reached it: the hooks see grad_input
  (None for an argument that is not a tensor, zeros for one that got no gradient) and grad_output,
  and may replace grad_input.

If no input requires grad there is no inputs' node: the hooks run at the outputs' node, with
grad_input all None (torch warns). Under `no_grad`, or with no tensor requiring grad, nothing is wrapped.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .._dtype import PACKAGE
from ..autograd import grad_mode
from ..autograd.custom_function import Function
from ..autograd.engine import sum_to_shape
from ..autograd.tensor_base import RemovableHandle, TensorBase, _replacement

__all__ = ["BackwardHook", "RemovableHandle"]

_NO_INPUT_GRAD_WARNING = (
    "Full backward hook is firing when gradients are computed with respect to module outputs since no inputs "
    "require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
    "#torch.nn.Module.register_full_backward_hook for more details.")


class BackwardHookFunction(Function):
    """The identity on tensors; its node hands the gradients to `ctx.on_backward` (set by `BackwardHook`),
    which may replace them. Gradients are not materialized: the hooks tell a missing one (None)."""

    node_name = "BackwardHookFunctionBackward"
    on_backward: Callable | None = None

    @staticmethod
    def forward(ctx: Any, *args: Any) -> tuple:
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        ctx.set_materialize_grads(False)
        return args

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple:
        return grads if ctx.on_backward is None else ctx.on_backward(ctx, grads)

    def __repr__(self) -> str:
        return f"<{PACKAGE}.autograd.function.{self.name()} object at {id(self):#x}>"  # (torch's, a Python class)


class BackwardHook:
    """One call of a module with full backward hooks: wraps its inputs and outputs (see the module docstring)."""

    def __init__(self, module: Any, user_hooks: list, user_pre_hooks: list) -> None:
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs = None  # (set by the outputs' node, read and cleared by the inputs' node)
        self.n_inputs = self.n_outputs = -1
        self.input_tensors_index = self.output_tensors_index = None

    def setup_input_hook(self, args: tuple) -> tuple:
        """The arguments forward will get: the tensors through the inputs' node."""
        result, self.input_tensors_index = _apply_on_tensors(self._input_node_backward, args)
        self.n_inputs = len(args)
        return result

    def setup_output_hook(self, output: Any) -> Any:
        """The output the caller will get: its tensors (a tensor, or a tuple's) through the outputs' node."""
        outputs = output if isinstance(output, tuple) else (output,)
        result, self.output_tensors_index = _apply_on_tensors(self._output_node_backward, outputs)
        self.n_outputs = len(outputs)
        return result if isinstance(output, tuple) else result[0]

    def _output_node_backward(self, ctx: Any, grads: tuple) -> tuple:
        """Pre-hooks see (and may replace) grad_output; with no input to wait for, the hooks run here."""
        self.grad_outputs = _pack_with_none(self.output_tensors_index, grads, self.n_outputs)
        for hook in self.user_pre_hooks:
            result = hook(self.module, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(self.grad_outputs):
                raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got "
                                   f"{len(result)}, but expected {len(self.grad_outputs)}")
            self.grad_outputs = result
        grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:
            self._hooks_without_input_grads()
        return _checked(_materialized(ctx, grads), tuple(grad_outputs[i] for i in self.output_tensors_index))

    def _hooks_without_input_grads(self) -> None:
        """No input requires grad: the hooks get grad_input all None, and must return nothing else."""
        warnings.warn(_NO_INPUT_GRAD_WARNING, stacklevel=5)
        grad_inputs = (None,) * self.n_inputs
        for hook in self.user_hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is not None and not (isinstance(result, tuple) and all(r is None for r in result)):
                raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                   "return None or None for all gradients.")
        self.grad_outputs = None

    def _input_node_backward(self, ctx: Any, grads: tuple) -> tuple:
        """The hooks see grad_input and grad_output, and may replace grad_input (not when the gradient
        reached the inputs without passing through the outputs: then grad_output is unknown)."""
        grads = _materialized(ctx, grads)
        if self.grad_outputs is None:
            return grads
        grad_inputs = _pack_with_none(self.input_tensors_index, grads, self.n_inputs)
        for hook in self.user_hooks:
            result = hook(self.module, grad_inputs, self.grad_outputs)
            if result is None:
                continue
            if len(result) != len(grad_inputs):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got {len(result)}, "
                                   f"but expected {len(grad_inputs)}")
            grad_inputs = result
        self.grad_outputs = None
        return _checked(grads, tuple(grad_inputs[i] for i in self.input_tensors_index))


def _apply_on_tensors(on_backward: Callable, args: tuple) -> tuple[tuple, list | None]:
    """(`args` with their tensors passed through a `BackwardHookFunction` whose node calls `on_backward`,
    the tensors' positions); `args` as they are and None when no gradient will flow."""
    positions = [i for i, a in enumerate(args) if isinstance(a, TensorBase)]
    if not (grad_mode._enabled and any(args[i]._requires_grad for i in positions)):
        return args, None
    tensors = BackwardHookFunction.apply(*[args[i] for i in positions])
    node = next(t.grad_fn for t in tensors if t.grad_fn is not None).hooks_node()
    node.on_backward = on_backward
    wrapped = list(args)
    for i, t in zip(positions, tensors):
        wrapped[i] = t
    return tuple(wrapped), positions


def _pack_with_none(positions: list, values: tuple, size: int) -> tuple:
    """`size` entries: `values` at `positions`, None elsewhere (the arguments that are not tensors)."""
    packed = [None] * size
    for i, value in zip(positions, values):
        packed[i] = value
    return tuple(packed)


def _materialized(ctx: Any, grads: tuple) -> tuple:
    """The gradients with zeros for those that are missing, as the node's backward returns them."""
    return tuple([ctx._make(np.zeros(*meta)) if g is None else g for g, meta in zip(grads, ctx._outputs)])


def _node_hook() -> None:
    """Stands for the hook torch puts on the node of a full backward hook: its name, 'hook', is in the messages."""


_node_hook.__name__ = "hook"


def _checked(originals: tuple, replacements: tuple, hook: Callable = _node_hook) -> tuple:
    """The gradients a hook handed back, checked against the node's own as torch checks a node's hook:
    a tensor of the same dtype and shape, or None."""
    return tuple([None if new is None else original._make(_replacement(hook, original._data, new))
                  for original, new in zip(originals, replacements)])


# ---------------------------------------------------------------------- the deprecated hooks (`register_backward_hook`)
_LEGACY = "Using non-full backward hooks on a Module that "
_LEGACY_NESTED = "Using a non-full backward hook when outputs are nested in python data structure "
_LEGACY_NODES = "Using a non-full backward hook when "
_FUTURE = "is deprecated and will be removed in future versions. This hook will be missing some "
_USE_FULL = " Please use register_full_backward_hook to get the documented behavior."


def setup_legacy_hooks(module: Any, hooks: list, args: tuple, output: Any) -> None:
    """torch's deprecated module backward hooks: `hook(module, grad_input, grad_output)` runs after the node
    that made the output's first tensor, grad_input being that node's gradients (see `_add_node_hook`); with
    torch's FutureWarning where these are not the module's inputs' and outputs' gradients."""
    first = output
    while not isinstance(first, TensorBase):
        first = next(v for v in first.values() if isinstance(v, TensorBase)) if isinstance(first, dict) else first[0]
    node = first.grad_fn
    if node is None:
        return
    for hook in hooks:
        _add_node_hook(node, module, hook, first._make)
    problem = _legacy_problem(args, output, node)
    if problem:
        warnings.warn(problem, FutureWarning, stacklevel=3)


def _legacy_problem(args: tuple, output: Any, node: Any) -> str | None:
    """What a deprecated hook on `node` will miss, in torch's words (None: nothing)."""
    outputs = (output,) if isinstance(output, TensorBase) else output
    if not (isinstance(outputs, tuple) and all(isinstance(o, TensorBase) for o in outputs)):
        return (_LEGACY + "does not return a single Tensor or a tuple of Tensors "
                f"{_FUTURE}of the grad_output.{_USE_FULL}")
    if not all(isinstance(a, TensorBase) for a in args):
        return (_LEGACY + "does not take as input a single Tensor or a tuple of Tensors "
                f"{_FUTURE}of the grad_input.{_USE_FULL}")
    output_nodes = {o.grad_fn for o in outputs if o.grad_fn is not None}
    if not output_nodes or (len(output_nodes) == 1 and node not in output_nodes):
        return _LEGACY_NESTED + _FUTURE + "grad_output."
    if len(output_nodes) > 1:
        return _LEGACY_NODES + f"outputs are generated by different autograd Nodes {_FUTURE}grad_output.{_USE_FULL}"
    input_nodes = {a.grad_fn for a in args if a.grad_fn is not None}
    if input_nodes != {n for n, shape in zip(node.next_functions, node.input_shapes) if shape is not None}:
        return _LEGACY_NODES + f"the forward contains multiple autograd Nodes {_FUTURE}grad_input.{_USE_FULL}"
    return None


def _add_node_hook(node: Any, module: Any, hook: Callable, make: Callable) -> None:
    """`hook(module, grad_inputs, grad_outputs)` after `node`'s rule ran (as torch's `Node.register_hook`):
    grad_inputs are the gradients of its tensor inputs, grad_outputs that of its output; a tuple it returns
    replaces grad_inputs. (The node's `run_backward` is wrapped: the engine needs to know nothing of it.)"""
    run_backward = node.run_backward
    tensor_inputs = [i for i, shape in enumerate(node.input_shapes) if shape is not None]

    def run_backward_then_hook(grad: Any) -> tuple:
        grads = list(run_backward(grad))
        originals = tuple([None if grads[i] is None else make(sum_to_shape(grads[i], node.input_shapes[i]))
                           for i in tensor_inputs])
        result = hook(module, originals, (make(grad),))
        if result is not None:
            if len(result) != len(originals):
                raise RuntimeError(f"hook '{getattr(hook, '__name__', '<unknown>')}' has returned an incorrect number "
                                   f"of values (got {len(result)}, but expected {len(originals)})")
            for i, new in zip(tensor_inputs, _checked(originals, tuple(result), hook)):
                grads[i] = None if new is None else new._data
        return tuple(grads)

    node.run_backward = run_backward_then_hook
