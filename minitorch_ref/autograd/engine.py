"""Reverse-mode differentiation: walk the graph backwards from the output, once per node.

1. Order the nodes so that each comes before every node it depends on (an iterative
   depth-first search: no recursion, so a 10,000-op chain is fine).
2. Seed the output's gradient (1 for a scalar loss), then visit the nodes in that order:
   call the node's `backward`, sum each input gradient back to that input's shape
   (undoing broadcasting, in `sum_to_shape`), and add it (`+`) to what that input has
   collected so far. A node is visited only after all its consumers have contributed,
   so `b = a + a; c = b + b` gives `a.grad == 4`.
3. Leaves (tensors created by the user with requires_grad=True) add the total into `.grad`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .function import Function


def sum_to_shape(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Undo broadcasting: sum `grad` over the dimensions that broadcasting added or stretched."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def topological_order(root: Function) -> list:
    """Nodes (and leaf tensors) reachable from `root`, every consumer before what it consumes."""
    order, visited = [], {id(root)}
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        stack.append((node, True))
        for parent in getattr(node, "next_functions", ()):
            if parent is not None and id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, False))
    order.reverse()
    return order


def run_backward(root, grad: Any, retain_graph: bool = False, user_grad: bool = False) -> None:
    """Propagate `grad` (the gradient of some scalar with respect to `root`) to every leaf."""
    from .._tensor import Tensor

    start = root.grad_fn if root.grad_fn is not None else root
    grads = {id(start): grad}
    given = {id(grad)} if user_grad else set()  # arrays already stored in some .grad during this pass
    for node in topological_order(start):
        grad = grads.pop(id(node), None)
        if grad is None:
            continue
        if isinstance(node, Tensor):  # a leaf: the total gradient for it is complete now
            _accumulate(node, grad, given)
            continue
        retained = node._retained() if node._retained is not None else None
        if retained is not None:
            retained.grad = Tensor._make(np.array(grad, copy=True))
        input_grads = node.backward(node, grad)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for parent, g in zip(node.next_functions, input_grads):
            if parent is None or g is None:
                continue
            shape = parent._data.shape if isinstance(parent, Tensor) else parent.output_shape
            if isinstance(g, np.ndarray) and g.shape != shape:
                g = sum_to_shape(g, shape)
            key = id(parent)
            grads[key] = g if key not in grads else grads[key] + g
        if not retain_graph and any(isinstance(x, np.ndarray) for x in node._saved):
            node._saved = ()  # free the saved arrays; shapes and dims alone cost nothing to keep, as in torch
            node._freed = True


def _accumulate(leaf, grad: Any, given: set) -> None:
    """`leaf.grad += grad`, keeping each leaf's `.grad` array its own (in-place updates stay local)."""
    from .._sparse import RowSparseGrad
    from .._tensor import Tensor

    if isinstance(grad, RowSparseGrad):
        leaf.grad = grad if leaf.grad is None else leaf.grad + grad
        return
    grad = np.asarray(grad)
    if leaf.grad is None:
        own = grad.flags.owndata and grad.flags.writeable and grad.dtype == leaf._data.dtype and id(grad) not in given
        if not own:
            grad = np.array(grad, dtype=leaf._data.dtype, copy=True)
        given.add(id(grad))
        leaf.grad = Tensor._make(grad)
    elif isinstance(leaf.grad, RowSparseGrad):
        leaf.grad = Tensor._make(leaf.grad.to_dense_array() + grad)
    else:
        leaf.grad._data += grad
