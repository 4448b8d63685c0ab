"""Reverse-mode differentiation: the backward pass, from the outputs back to the leaves.

1. Order the nodes so that every node comes after all the nodes that consume its output
   (`topological_order`: a depth-first search, iterative so that a 10,000-op chain is fine).
2. Give each output's node its gradient (1 for a scalar loss). Visit the nodes in that order:
   pass the gradient collected for the node through the hooks of the tensor it made
   (`register_hook`, `retain_grad`), call the node's `backward` (its rule), sum each input's
   gradient back to that input's shape (undoing broadcasting, in `sum_to_shape`), and add it
   to what that input's node has collected so far. A node is visited only after all its
   consumers have contributed, so `b = a + a; c = b + b` gives `a.grad == 4`.
3. A leaf's node (`AccumulateGrad`) is visited like any other: its rule adds the total into
   `leaf.grad`. With `retain_graph=False` each node drops its saved arrays once it ran. `autograd.grad`
   collects the totals at the nodes it asks for, running only the rules on a path to them (differentiate.py).
   Under `detect_anomaly()`, a node whose rule returned nan raises at once (anomaly_mode.py).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import anomaly_mode
from .function import Function


def sum_to_shape(grad: Any, shape: tuple, node: Function | None = None, index: int = 0) -> Any:
    """Undo broadcasting: sum `grad` over the dimensions that broadcasting added or stretched."""
    if type(grad) is not np.ndarray or grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0 or any(n != 1 and n != m for n, m in zip(shape, grad.shape[extra:])):  # (not a broadcast of shape)
        raise RuntimeError(f"Function {node.name() if node else 'backward'} returned an invalid gradient at index "
                           f"{index} - got {list(grad.shape)} but expected shape compatible with {list(shape)}")
    dims = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and grad.shape[i + extra] != 1)
    wide = np.float32 if grad.dtype == np.float16 else None  # (float16 is summed in float32, as torch)
    return grad.sum(axis=dims, keepdims=True, dtype=wide).astype(grad.dtype, copy=False).reshape(shape)


def topological_order(*roots: Function) -> list:
    """The nodes reachable from the roots, every consumer before the nodes it consumes.

    A depth-first search lists a node once everything it consumes is listed, then reverses
    the list. (Recursively, marking a node on first sight is correct. With an explicit stack,
    mark it when it is expanded, not when pushed, or a node reached twice is listed too early.)
    """
    order, expanded = [], set()
    stack = [(root, False) for root in roots]
    while stack:
        node, inputs_listed = stack.pop()
        if inputs_listed:
            order.append(node)
        elif node not in expanded:
            expanded.add(node)
            stack.append((node, True))
            for parent in node.next_functions:
                if parent is not None and parent not in expanded:
                    stack.append((parent, False))
    order.reverse()
    return order


def backward(roots: list, grads: list, retain_graph: bool = False, capture: set | frozenset = frozenset(),
             run: set | None = None) -> dict:
    """Propagate `grads` (d(something)/d(each root's output)) through the graph to every leaf.

    `capture` (for `autograd.grad`, `backward(inputs=)`): nodes whose total gradient is returned,
    {node: gradient}. `run`: the nodes whose rule runs (None: all); a node in neither is skipped,
    hooks included, as torch skips what nothing asked for. inf and nan propagate silently.
    """
    pending, captured = {}, {}  # node -> the gradient of its output collected so far
    check_nan = anomaly_mode._enabled and anomaly_mode._check_nan  # (detect_anomaly)
    for root, grad in zip(roots, grads):
        pending[root] = grad if root not in pending else pending[root] + grad
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for node in topological_order(*roots):
            grad = pending.pop(node, None)
            if grad is None or not (run is None or node in run or node in capture):
                continue  # no path from the outputs carried a gradient here, or none was asked for
            grad = node.tensor_hooks(grad)
            if node in capture:
                captured[node] = node.own_gradient(grad)
                if run is not None and node not in run:
                    continue  # (`autograd.grad`: the leaves' .grad stay as they are)
            grads = node.run_backward(grad)
            if check_nan:
                _raise_if_nan(node, grads)
            for i, (parent, g) in enumerate(zip(node.next_functions, grads)):
                if parent is not None and g is not None:
                    g = sum_to_shape(g, parent.output_shape, node, i)
                    pending[parent] = g if parent not in pending else pending[parent] + g
            if not retain_graph:
                node.free_saved()
    return captured


def _raise_if_nan(node: Function, grads: tuple) -> None:
    """Under `detect_anomaly()`: torch's error for a node whose backward returned nan."""
    for i, g in enumerate(grads):
        if type(g) is np.ndarray and g.dtype.kind == "f" and np.isnan(g).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")
