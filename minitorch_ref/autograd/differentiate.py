"""The two ways to start a backward pass, as torch.autograd has them.

- `backward(tensors, grad_tensors)` (what `loss.backward()` calls): add d(tensors)/d(leaf) into
  every leaf's `.grad`; with `inputs=`, only into those tensors' `.grad`.
- `grad(outputs, inputs)`: return d(outputs)/d(inputs) and leave every `.grad` alone.

Both check their arguments in torch's order (the gradients given, then the outputs, then the
inputs), seed the outputs' nodes with their gradients (1 for a scalar) and run one walk of the
engine with grad mode off (hooks see `is_grad_enabled()` False, as in torch); `grad` asks the
engine to collect the totals at the inputs' nodes instead.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._dtype import PACKAGE, Size
from . import engine, grad_mode
from .function import gradient_edge
from .tensor_base import TensorBase


def _as_tuple(tensors: Any) -> tuple:
    return (tensors,) if isinstance(tensors, TensorBase) else tuple(tensors)


def _inputs_tuple(inputs: Any, caller: str) -> tuple:
    """`inputs` as torch reads it: a tensor, a sequence, or a dict (its values); never empty."""
    if type(inputs) is dict:
        inputs = tuple(inputs.values())
    elif isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{caller}()` must be a dict, not {type(inputs).__name__}. "
                        "Other Mapping types are not supported.")
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError(f"`inputs` argument to `{caller}()` cannot be empty.")
    return inputs


def _seeds(outputs: tuple, grad_outputs: Any) -> tuple[list, list]:
    """The outputs' nodes and the gradients they start with: `grad_outputs`, or 1 for a scalar output.
    Every gradient is checked against its output before any output is checked, as torch does."""
    grads = (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs)
    arrays, no_grad_at = [], None  # (the first output that does not require grad)
    for i, (out, grad) in enumerate(zip(outputs, grads)):
        if not isinstance(out, TensorBase):
            raise AssertionError(f"Expected output to be a {PACKAGE}.Tensor")
        if grad is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            arrays.append(np.ones(out._data.shape, out._data.dtype))  # (np.ones_like costs twice as much)
        elif not isinstance(grad, TensorBase):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(grad).__name__}")
        elif grad._data.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(grad._data.shape)} "
                               f"and output[{i}] has a shape of {Size(out._data.shape)}.")
        else:
            arrays.append(grad._data)
        if no_grad_at is None and not out._requires_grad:
            no_grad_at = i
    if len(grads) < len(outputs):  # (extra gradients are ignored, as torch's zip ignores them)
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    if no_grad_at is not None:
        raise RuntimeError(f"element {no_grad_at} of tensors does not require grad and does not have a grad_fn")
    return [gradient_edge(out) for out in outputs], arrays


def _check_inputs(inputs: tuple, accumulate: bool) -> None:
    """torch's checks of `inputs`; `backward(inputs=...)` makes each one retain its gradient, as torch does
    (a non-leaf input's `.grad` is filled through `retain_grad`, then and in later backward calls)."""
    for t in inputs:
        if not isinstance(t, TensorBase):
            raise RuntimeError(f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}")
        if accumulate:
            t.retain_grad()
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")


def _refuse_create_graph(create_graph: bool) -> None:
    if create_graph:  # (the rules run on NumPy arrays: the backward pass itself is not recorded)
        raise NotImplementedError("minitorch_ref does not record the backward pass: create_graph=True (higher-"
                                  "order gradients) is not supported")


def _run(nodes: list, arrays: list, retain_graph: bool | None, capture: set | None = None,
         run_captured: bool = False) -> dict:
    """One walk of the engine, with grad mode off as in torch (`create_graph=False`). With `capture`,
    only the rules on a path to a captured node run (as torch's: the rest of the graph may have been
    freed); with `run_captured` (`backward(inputs=)`) the captured nodes' own rules too (a leaf's adds
    into its `.grad`), and those of the nodes that run their tensors' hooks."""
    run = None
    if capture is not None:
        run = _leading_to(capture, engine.topological_order(*nodes))
        if run_captured:
            run |= capture | {node.hooks_node() for node in capture}
    previous = grad_mode._grad_mode
    grad_mode._set(False, grad_mode._inference)  # (as `with no_grad()`, without making a manager each time)
    try:
        return engine.backward(nodes, arrays, bool(retain_graph), capture or frozenset(), run)
    finally:
        grad_mode._set(previous, grad_mode._inference)


def _leading_to(capture: set, order: list) -> set:
    """The nodes whose rule must run to reach a node of `capture`: those with an input on a path to one."""
    reaches, needed = set(capture), set()
    for node in reversed(order):  # (every node after the nodes it consumes)
        if any(parent in reaches for parent in node.next_functions):
            needed.add(node)
            reaches.add(node)
    return needed


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables: Any = None, inputs: Any = None) -> None:
    """Add d(tensors)/d(leaf) into the `.grad` of every leaf that requires grad (with `inputs`: only of
    those tensors, leaves or not). `grad_variables` is torch's deprecated name of `grad_tensors`."""
    _refuse_create_graph(create_graph)
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    inputs = None if inputs is None else _inputs_tuple(inputs, "backward")
    nodes, arrays = _seeds(_as_tuple(tensors), grad_tensors)
    if inputs is None:
        _run(nodes, arrays, retain_graph)
        return
    _check_inputs(inputs, accumulate=True)
    # (each input's node runs: a leaf's adds into its .grad; a non-leaf's .grad is kept by retain_grad)
    _run(nodes, arrays, retain_graph, capture={gradient_edge(t) for t in inputs}, run_captured=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple | dict:
    """d(outputs)/d(inputs), one tensor per input (None for an input the outputs do not use, with
    `allow_unused=True`; zeros with `materialize_grads=True`); a dict if `inputs` is one. No `.grad` changes."""
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    _refuse_create_graph(create_graph)
    if is_grads_batched:
        raise NotImplementedError("minitorch_ref's autograd.grad does not support is_grads_batched=True")
    named = inputs if type(inputs) is dict else None
    outputs, inputs = _as_tuple(outputs), _inputs_tuple(inputs, "grad")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      f"gradient for other parts of the graph, please use {PACKAGE}.autograd.backward.",
                      FutureWarning, stacklevel=2)
    nodes, arrays = _seeds(outputs, grad_outputs)
    _check_inputs(inputs, accumulate=False)
    wanted = [gradient_edge(t) for t in inputs]
    totals = _run(nodes, arrays, retain_graph, capture=set(wanted))
    result = []
    for i, (t, node) in enumerate(zip(inputs, wanted)):
        total = totals.get(node)
        if total is None and not (allow_unused or materialize_grads):
            raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                               "Set allow_unused=True if this is the desired behavior.")
        if total is None:
            result.append(t._make(np.zeros(t._data.shape, t._data.dtype)) if materialize_grads else None)
        elif getattr(total, "is_sparse", False):  # (a row-sparse gradient: EmbeddingBag(sparse=True))
            result.append(total)
        else:  # (a copy: the engine may share one array between several gradients)
            result.append(t._make(np.array(total, dtype=t._data.dtype)))
    return dict(zip(named, result)) if named is not None else tuple(result)
