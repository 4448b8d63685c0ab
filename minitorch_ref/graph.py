"""See the graph autograd recorded: as an indented text tree, or as Graphviz DOT source.

Every tensor computed from tensors that require grad has a `grad_fn`: the node (a
`Function`) that made it. The node's `next_functions` lead to the nodes (a leaf's is its AccumulateGrad)
that made its inputs, so walking them from a loss visits the whole computation, back to
the parameters. Inputs that do not require grad (constants, data) are not in the graph,
exactly as in torch.

    loss = ((w * x + b - y) ** 2).mean()
    loss.backward()
    print(graph.to_text(loss, params={"w": w, "b": b}))
    open("loss.dot", "w").write(graph.to_dot(loss, params={"w": w, "b": b}))   # dot -Tpng loss.dot
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._tensor import Tensor
from .autograd.function import AccumulateGrad


def _leaf(node: Any) -> Tensor | None:
    """The leaf tensor a node stands for (a leaf's AccumulateGrad node, or a leaf given as the root)."""
    if isinstance(node, AccumulateGrad):
        return node.variable
    return node if isinstance(node, Tensor) else None


def _shape(node: Any) -> list:
    leaf = _leaf(node)
    return list(leaf._data.shape if leaf is not None else node.output_shape)


def _grad_text(leaf: Tensor, limit: int = 60) -> str:
    """A one-line summary of a leaf's gradient: the values when few, else its shape and norm."""
    grad = leaf._grad
    if grad is None:
        return ""
    values = grad._data if isinstance(grad, Tensor) else grad.to_dense_array()
    if values.size <= 6:
        text = np.array2string(values, precision=4, separator=", ").replace("\n", "")
        return f"grad={' '.join(text.split())}"[:limit]
    return f"grad: {list(values.shape)}, norm {np.linalg.norm(values):.4g}"


def _names(params: dict | None) -> dict:
    return {id(t): name for name, t in (params or {}).items()}


def to_text(tensor: Tensor, params: dict | None = None) -> str:
    """An indented tree of what produced `tensor`: op names with output shapes, down to the leaves.

    A node reached a second time (a tensor used twice, as in `a * a`) is printed once and
    then referred to as "(see above)". After backward, leaves show their gradients.
    """
    names = _names(params)
    root = tensor.grad_fn if tensor.grad_fn is not None else tensor
    lines, seen = [], set()
    stack = [(root, 0)]  # iterative, so a 10,000-op chain does not hit Python's recursion limit
    while stack:
        node, depth = stack.pop()
        pad = "    " * depth
        leaf = _leaf(node)
        if leaf is not None:
            label = names.get(id(leaf), "leaf")
            lines.append(f"{pad}{label} {_shape(node)} {_grad_text(leaf)}".rstrip())
            continue
        if id(node) in seen:
            lines.append(f"{pad}{node.name()} (see above)")
            continue
        seen.add(id(node))
        lines.append(f"{pad}{node.name()} -> {_shape(node)}")
        parents = [p for p in node.next_functions if p is not None]
        stack.extend((p, depth + 1) for p in reversed(parents))
    return "\n".join(lines)


# Where minitorch_ref records one node and torch two, the node torch records first (its input side):
# cross-entropy is one rule here (softmax - target), torch's LogSoftmaxBackward0 -> NllLossBackward0.
_TORCH_FIRST_NODE = {("_CrossEntropyOp", "NllLossBackward0"): "LogSoftmaxBackward0",
                     ("_CrossEntropyOp", "NllLoss2DBackward0"): "LogSoftmaxBackward0"}


def to_dot(tensor: Tensor, show_grads: bool = True, params: dict | None = None) -> str:
    """Graphviz DOT source of the graph behind `tensor` (render with `dot -Tpng`).

    Ops are boxes (name, shapes of all their tensor inputs, output shape); leaves are ellipses (name from `params`,
    e.g. `dict(model.named_parameters())`, shape, and gradient when `show_grads`); inputs that need no
    gradient (data, constants) are notes, outside the graph proper; arrows follow the data, from the
    leaves to the output. A node that stands for two of torch's (cross-entropy) is drawn as torch's two.
    """
    names = _names(params)
    lines = ["digraph autograd {", '    rankdir="BT";', '    node [fontname="monospace", fontsize=10];']
    root = tensor.grad_fn if tensor.grad_fn is not None else tensor
    seen, stack = {id(root)}, [root]
    while stack:
        node = stack.pop()
        leaf = _leaf(node)
        if leaf is not None:
            label = f"{names.get(id(leaf), 'leaf')}\\n{_shape(node)}"
            if show_grads and leaf._grad is not None:
                label += "\\n" + _grad_text(leaf)
            fill = "lightblue" if id(leaf) in names else "lightgrey"
            lines.append(f'    n{id(node)} [label="{label}", shape=ellipse, style=filled, fillcolor={fill}];')
            continue
        parents = [p for p in node.next_functions if p is not None]
        shapes = [list(s) for s in node.input_shapes if s is not None]
        inputs = ", ".join(map(str, shapes)) if shapes else ", ".join(str(_shape(p)) for p in parents)
        target = f"n{id(node)}"
        first = _TORCH_FIRST_NODE.get((type(node).__name__, node.name()))
        if first is not None:  # torch's first node, then this one on top of it
            target = f"n{id(node)}_first"
            lines.append(f'    {target} [label="{first}\\nin: {inputs}\\nout: {shapes[0] if shapes else ""}", '
                         'shape=box];')
            lines.append(f"    {target} -> n{id(node)};")
            inputs = str(shapes[0]) if shapes else inputs
        lines.append(f'    n{id(node)} [label="{node.name()}\\nin: {inputs}\\nout: {_shape(node)}", shape=box];')
        for i, (edge, shape) in enumerate(zip(node.next_functions, node.input_shapes)):
            if edge is None and shape is not None and (first is None or i == 0):  # data: no gradient goes there
                lines.append(f'    n{id(node)}_in{i} [label="no grad\\n{list(shape)}", shape=note, color=grey, '
                             'fontcolor=grey];')
                lines.append(f"    n{id(node)}_in{i} -> {target} [style=dashed, color=grey];")
        for p in parents:
            lines.append(f"    n{id(p)} -> {target};")
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    lines.append(f'    output [label="output\\n{_shape(tensor)}", shape=plaintext];')
    lines.append(f"    n{id(root)} -> output;")
    lines.append("}")
    return "\n".join(lines)
