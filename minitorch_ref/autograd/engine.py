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

from .._sparse import RowSparseGrad
from . import inplace
from .function import Function

Tensor: Any = None  # the Tensor class; set by _tensor.py (a module-level name keeps the walk fast)


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
    """The graph's nodes reachable from `root`, every consumer before what it consumes.

    Leaves (tensors) are not listed: they have no parents, so their gradient is complete
    once every node has been visited, and the engine handles them at the end.
    """
    order, expanded = [], set()
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:  # everything `node` consumes is already listed: list it
            order.append(node)
            continue
        if node in expanded:  # reached again by another path: it is already taken care of
            continue
        expanded.add(node)
        stack.append((node, True))
        for parent in node.next_functions:
            if parent is not None and not isinstance(parent, Tensor) and parent not in expanded:
                stack.append((parent, False))
    order.reverse()
    return order


def run_backward(root, grad: Any, retain_graph: bool = False, user_grad: bool = False) -> None:
    """Propagate `grad` (the gradient of some scalar with respect to `root`) to every leaf.

    inf and nan propagate silently, as in torch (NumPy would warn about inf - inf, 0 * inf...).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        _run_backward(root, grad, retain_graph, user_grad)


def _run_backward(root, grad: Any, retain_graph: bool, user_grad: bool) -> None:
    if root.grad_fn is None:  # backward() called on a leaf itself
        _accumulate(root, grad, {id(grad)} if user_grad else set())
        return
    grads = {root.grad_fn: grad}  # node -> the gradient of its output collected so far (nodes hash by identity)
    leaves = {}  # id(leaf) -> [leaf, gradient collected so far]
    for node in topological_order(root.grad_fn):
        grad = grads.pop(node, None)
        if grad is None:
            continue
        if node._retained is not None and node._retained() is not None:
            node._retained().grad = Tensor._make(np.array(grad, copy=True))
        for _, storage, version, _ in node._saved_versions:  # was a value it saved changed in place since?
            if storage.version != version:
                inplace.raise_modified(node)
        input_grads = node.backward(node, grad)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for parent, g in zip(node.next_functions, input_grads):
            if parent is None or g is None:
                continue
            if isinstance(parent, Tensor):  # a leaf
                if type(g) is np.ndarray and g.shape != parent._data.shape:
                    g = sum_to_shape(g, parent._data.shape)
                entry = leaves.get(id(parent))
                if entry is None:
                    leaves[id(parent)] = [parent, g]
                else:
                    entry[1] = entry[1] + g
            else:
                if type(g) is np.ndarray and g.shape != parent.output_shape:
                    g = sum_to_shape(g, parent.output_shape)
                key = parent
                grads[key] = g if key not in grads else grads[key] + g
        if not retain_graph:
            _free_saved(node)
    given = {id(grad)} if user_grad else set()  # arrays already stored in some .grad during this pass
    for leaf, g in leaves.values():
        _accumulate(leaf, g, given)


def _free_saved(node: Function) -> None:
    """Drop the arrays a node saved for backward. Nodes that saved only shapes or dims keep
    them (as torch does), so a second backward through them still works."""
    for saved in node._saved:
        if type(saved) is np.ndarray:
            node._saved = ()
            node._saved_versions = ()
            node._freed = True
            return


def _accumulate(leaf, grad: Any, given: set) -> None:
    """`leaf.grad += grad`, keeping each leaf's `.grad` array its own (in-place updates stay local)."""
    current = leaf._grad  # (the slot behind the `grad` property: leaves need none of its checks)
    if isinstance(grad, RowSparseGrad):
        leaf._grad = grad if current is None else current + grad
        return
    if current is None:
        grad = np.asarray(grad)
        flags = grad.flags
        if not (flags.owndata and flags.writeable and grad.dtype == leaf._data.dtype and id(grad) not in given):
            grad = np.array(grad, dtype=leaf._data.dtype, copy=True)
        given.add(id(grad))
        leaf._grad = Tensor._make(grad)
    elif isinstance(current, RowSparseGrad):
        leaf._grad = Tensor._make(current.to_dense_array() + grad)
    else:
        current._data += grad
