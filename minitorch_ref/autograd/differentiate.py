"""The two ways to start a backward pass, as torch.autograd has them.

- `backward(tensors, grad_tensors)` (what `loss.backward()` calls): add d(tensors)/d(leaf) into
  every leaf's `.grad`; with `inputs=`, only into those tensors' `.grad`.
- `grad(outputs, inputs)`: return d(outputs)/d(inputs) and leave every `.grad` alone.

Both seed the outputs' nodes with their gradients (1 for a scalar) and run one walk of the
engine; `grad` asks the engine to collect the totals at the inputs' nodes instead.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .._dtype import Size
from . import engine
from .function import AccumulateGrad, gradient_edge
from .tensor_base import TensorBase


def _as_list(tensors: Any) -> list:
    return [tensors] if isinstance(tensors, TensorBase) else list(tensors)


def _seeds(outputs: list, grad_outputs: Any) -> tuple[list, list]:
    """The outputs' nodes and the gradients they start with: `grad_outputs`, or 1 for a scalar output."""
    grads = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)
    nodes, arrays = [], []
    for i, (out, grad) in enumerate(zip(outputs, grads)):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if grad is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            array = np.ones(out._data.shape, out._data.dtype)  # (np.ones_like costs twice as much)
        else:
            if not isinstance(grad, TensorBase):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(grad).__name__}")
            array = grad._data
            if array.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {Size(array.shape)} and "
                                   f"output[{i}] has a shape of {Size(out._data.shape)}.")
        nodes.append(gradient_edge(out))
        arrays.append(array)
    return nodes, arrays


def _refuse_create_graph(create_graph: bool) -> None:
    if create_graph:  # (the rules run on NumPy arrays: the backward pass itself is not recorded)
        raise NotImplementedError("minitorch_ref does not record the backward pass: create_graph=True (higher-"
                                  "order gradients) is not supported")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Any = None) -> None:
    """Add d(tensors)/d(leaf) into the `.grad` of every leaf that requires grad (with `inputs`: only of
    those tensors, leaves or not)."""
    _refuse_create_graph(create_graph)
    nodes, arrays = _seeds(_as_list(tensors), grad_tensors)
    if inputs is None:
        engine.backward(nodes, arrays, retain_graph=bool(retain_graph))
        return
    inputs = _as_list(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    wanted = {id(t): gradient_edge(t) for t in inputs}
    totals = engine.backward(nodes, arrays, retain_graph=bool(retain_graph), capture=set(wanted.values()))
    for t in inputs:
        total = totals.get(wanted.pop(id(t), None))
        if total is not None:  # added into t.grad as a leaf's node adds (a non-leaf input's too, as torch)
            AccumulateGrad.backward(AccumulateGrad(t), total)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """d(outputs)/d(inputs), one tensor per input (None for an input the outputs do not use, with
    `allow_unused=True`; zeros with `materialize_grads=True`). No `.grad` changes."""
    _refuse_create_graph(create_graph)
    if is_grads_batched:
        raise NotImplementedError("minitorch_ref's autograd.grad does not support is_grads_batched=True")
    inputs = _as_list(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if any(not t._requires_grad for t in inputs):
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    nodes, arrays = _seeds(_as_list(outputs), grad_outputs)
    wanted = [gradient_edge(t) for t in inputs]
    totals = engine.backward(nodes, arrays, retain_graph=bool(retain_graph), capture=set(wanted))
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
    return tuple(result)
