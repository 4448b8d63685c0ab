"""Draw the autograd graphs of the course's models, as the docs show them.

    python scripts/render_graphs.py                 # docs/img/*.dot, *.svg and *.png
    python scripts/render_graphs.py --quick --out /tmp/graphs   # what CI runs

Each picture comes from the project itself: the model (from `course.models`) runs forward
on `minitorch_ref`, the loss calls `backward()`, and `minitorch_ref.graph.to_dot` exports
the graph that the engine walked (operations, leaves, and each leaf's gradient shape).

Rendering: Graphviz `dot` when it is installed (`apt-get install graphviz`); otherwise,
and always with `--quick`, a small pure-matplotlib renderer in this file (a layered
layout of the same DOT text), so the script runs anywhere the project's tests run.
"""
from __future__ import annotations

import argparse
import math
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_OUT = REPO_ROOT / "docs" / "img"


# --------------------------------------------------------------------------- the graphs

def simplenn_graph():
    """SimpleNN(4, 3, 2) on a batch of 5 rows, cross-entropy loss, after `backward()`."""
    import minitorch_ref as torch
    from course.models import define_models
    from minitorch_ref import graph, nn

    SimpleNN = define_models(torch, __name__).SimpleNN
    torch.manual_seed(0)
    model = SimpleNN(4, 3, 2)
    x = torch.randn(5, 4)
    y = torch.tensor([0, 1, 0, 1, 1])
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.backward()
    return graph.to_dot(loss, show_grads=True, params=dict(model.named_parameters()))


def textclassification_graph():
    """TextClassificationModel(20 words, 8 dims, 4 classes, sparse=True) on two documents."""
    import minitorch_ref as torch
    from course.models import define_models
    from minitorch_ref import graph, nn

    TextClassificationModel = define_models(torch, __name__).TextClassificationModel
    torch.manual_seed(0)
    model = TextClassificationModel(20, 8, 4, sparse=True)
    text = torch.tensor([1, 2, 3, 4, 5, 2])  # two documents: [1, 2] and [3, 4, 5, 2]
    offsets = torch.tensor([0, 2])
    labels = torch.tensor([0, 3])
    loss = nn.CrossEntropyLoss()(model(text, offsets), labels)
    loss.backward()
    return graph.to_dot(loss, show_grads=True, params=dict(model.named_parameters()))


def broadcast_graph():
    """`(w * x + b).sum()` with a (3,) weight broadcast against a (2, 3) input."""
    import minitorch_ref as torch
    from minitorch_ref import graph

    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    w = torch.tensor([1.0, -1.0, 0.5], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    loss = (w * x + b).sum()
    loss.backward()
    return graph.to_dot(loss, show_grads=True, params={"w": w, "b": b})


GRAPHS = {
    "simplenn_autograd": simplenn_graph,
    "textclassification_autograd": textclassification_graph,
    "broadcast_autograd": broadcast_graph,
}


# --------------------------------------------------------------------------- a tiny DOT reader

@dataclass
class DotGraph:
    """The part of a DOT file that the fallback renderer draws."""

    nodes: dict = field(default_factory=dict)  # id -> attributes (insertion order kept)
    edges: list = field(default_factory=list)  # (tail, head, attributes)
    attrs: dict = field(default_factory=dict)  # graph attributes (rankdir, label, ...)


_TOKEN = re.compile(r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/|\#[^\n]*)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<arrow>->|--)
  | (?P<id>[A-Za-z_\x80-\uffff][\w\x80-\uffff.]*|-?(?:\.\d+|\d+(?:\.\d*)?))
  | (?P<punct>[{}\[\];,=:])
  | (?P<html><)
""", re.VERBOSE | re.DOTALL)


def _tokens(text: str):
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            raise ValueError(f"cannot read DOT at: {text[i:i + 30]!r}")
        kind = m.lastgroup
        if kind == "html":  # <...> with nested angle brackets
            depth, j = 0, i
            while j < len(text):
                if text[j] == "<":
                    depth += 1
                elif text[j] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            yield "str", _html_to_text(text[i + 1:j])
            i = j + 1
            continue
        i = m.end()
        if kind == "ws":
            continue
        value = m.group()
        if kind == "str":
            value = _unescape(value[1:-1])
        yield kind, value


def _unescape(s: str) -> str:
    s = re.sub(r"\\[nlr]", "\n", s)
    return s.replace('\\"', '"').replace("\\\\", "\\").rstrip("\n")


def _html_to_text(s: str) -> str:
    s = re.sub(r"(?i)<br\s*/?>|</tr>", "\n", s)
    s = re.sub(r"(?i)</td>", " ", s)
    s = re.sub(r"<[^>]*>", "", s)
    s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    return "\n".join(line.strip() for line in s.splitlines() if line.strip())


def parse_dot(text: str) -> DotGraph:
    """Read nodes, edges and graph attributes of a (non-nested) DOT digraph."""
    toks = list(_tokens(text))
    g = DotGraph()
    defaults = {"node": {}, "edge": {}}
    pos = 0

    def attr_list():
        nonlocal pos
        attrs = {}
        while pos < len(toks) and toks[pos] == ("punct", "["):
            pos += 1
            while toks[pos] != ("punct", "]"):
                key = toks[pos][1]
                pos += 1
                if toks[pos] == ("punct", "="):
                    attrs[key] = toks[pos + 1][1]
                    pos += 2
                else:
                    attrs[key] = "true"
                if toks[pos] in (("punct", ","), ("punct", ";")):
                    pos += 1
            pos += 1
        return attrs

    # skip to the body: [strict] (di)graph [name] {
    while pos < len(toks) and toks[pos] != ("punct", "{"):
        pos += 1
    pos += 1
    while pos < len(toks):
        kind, value = toks[pos]
        if (kind, value) == ("punct", "}"):
            pos += 1
            continue
        if kind == "punct" and value in ";{":
            pos += 1
            continue
        if kind == "id" and value in ("subgraph",):
            pos += 1
            if toks[pos][0] in ("id", "str"):
                pos += 1
            continue
        if kind == "id" and value in ("node", "edge", "graph") and pos + 1 < len(toks) and toks[pos + 1] == ("punct", "["):
            pos += 1
            attrs = attr_list()
            if value == "graph":
                g.attrs.update(attrs)
            else:
                defaults[value].update(attrs)
            continue
        # a statement that starts with an ID
        pos += 1
        if pos < len(toks) and toks[pos] == ("punct", "="):  # graph attribute `rankdir=BT`
            g.attrs[value] = toks[pos + 1][1]
            pos += 2
            continue
        if pos < len(toks) and toks[pos] == ("punct", ":"):  # port: a:p
            pos += 2
        chain = [value]
        while pos < len(toks) and toks[pos][0] == "arrow":
            chain.append(toks[pos + 1][1])
            pos += 2
            if pos < len(toks) and toks[pos] == ("punct", ":"):
                pos += 2
        attrs = attr_list()
        if len(chain) == 1:
            node = g.nodes.setdefault(value, dict(defaults["node"]))
            node.update(attrs)
        else:
            for name in chain:
                g.nodes.setdefault(name, dict(defaults["node"]))
            for tail, head in pairwise(chain):
                g.edges.append((tail, head, {**defaults["edge"], **attrs}))
    return g


# --------------------------------------------------------------------------- the fallback renderer

def _layers(g: DotGraph) -> dict:
    """Layer of each node: every edge goes to a higher layer, and each node sits just below
    its nearest consumer (longest path to a sink, counted backwards), so a leaf is drawn
    next to the op that uses it rather than with the other sources."""
    succs = {n: [] for n in g.nodes}
    for tail, head, _ in g.edges:
        if tail != head:
            succs[tail].append(head)
    height: dict = {}  # longest path from the node to a sink
    for start in g.nodes:  # iterative DFS (no recursion)
        stack = [start]
        while stack:
            n = stack[-1]
            if n in height:
                stack.pop()
                continue
            todo = [m for m in succs[n] if m not in height and m not in stack]
            if todo:
                stack.extend(todo)
                continue
            height[n] = 1 + max((height[m] for m in succs[n] if m in height), default=-1)
            stack.pop()
    top = max(height.values(), default=0)
    layer = {n: top - h for n, h in height.items()}
    for _ in range(len(g.nodes)):  # pull each node up to just below its nearest consumer
        changed = False
        for n in g.nodes:
            if succs[n]:
                best = min(layer[m] for m in succs[n]) - 1
                if best > layer[n]:
                    layer[n], changed = best, True
        if not changed:
            break
    return layer


def _order(g: DotGraph, layer: dict) -> list:
    """Nodes per layer, ordered by the barycentre of their neighbours (a few sweeps)."""
    rows: list = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for n in g.nodes:
        rows[layer[n]].append(n)
    nbrs = {n: [] for n in g.nodes}
    for tail, head, _ in g.edges:
        nbrs[tail].append(head)
        nbrs[head].append(tail)
    for sweep in range(6):
        seq = range(1, len(rows)) if sweep % 2 == 0 else range(len(rows) - 2, -1, -1)
        for i in seq:
            ref = i - 1 if sweep % 2 == 0 else i + 1
            pos = {n: k for k, n in enumerate(rows[ref])}
            def key(n, pos=pos):
                ks = [pos[m] for m in nbrs[n] if m in pos]
                return sum(ks) / len(ks) if ks else math.inf
            rows[i].sort(key=key)
    return rows


_COLORS = {"lightblue": "#add8e6", "lightgrey": "#d3d3d3", "lightgray": "#d3d3d3", "darkolivegreen1": "#caff70",
           "orange": "#ffa500", "yellow": "#ffff00", "white": "#ffffff", "gray": "#bebebe", "grey": "#bebebe",
           "lightyellow": "#ffffe0", "palegreen": "#98fb98", "lightpink": "#ffb6c1", "black": "#000000"}


def _color(name: str | None, default: str) -> str:
    if not name:
        return default
    name = name.split(":")[0].strip()
    if name.startswith("#"):
        return name[:7]
    return _COLORS.get(name.lower(), default)


def stable_ids(dot_text: str) -> str:
    """Rename `n<id(node)>` node names to n0, n1, ... in order of appearance.

    `to_dot` names nodes by their memory address, which changes from run to run; the
    committed .dot files should only change when the graph does.
    """
    mapping: dict = {}
    return re.sub(r"\bn(\d+)(?=_|\b)", lambda m: mapping.setdefault(m.group(0), f"n{len(mapping)}"), dot_text)


def render_matplotlib(dot_text: str, path: Path) -> None:
    """Draw a DOT graph with matplotlib alone: layers along the rank direction, boxes, arrows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    g = parse_dot(dot_text)
    layer = _layers(g)
    rows = _order(g, layer)
    rankdir = g.attrs.get("rankdir", "TB").upper()

    labels = {n: (a.get("label") or n) for n, a in g.nodes.items()}
    char_w, line_h, pad = 0.08, 0.16, 0.08
    size = {}
    for n, text in labels.items():
        lines = text.split("\n")
        w, h = max(len(s) for s in lines) * char_w + 2 * pad, len(lines) * line_h + 2 * pad
        if g.nodes[n].get("shape") in ("ellipse", "oval", "circle"):
            w += h * 0.6  # room for the rounded ends
        size[n] = (w, h)

    gap_x, gap_y = 0.35, 0.55
    pos = {}
    if rankdir in ("TB", "BT"):
        depth = 0.0
        widths = [sum(size[n][0] for n in row) + gap_x * (len(row) - 1) for row in rows]
        total_w = max(widths, default=1)
        for row, w in zip(rows, widths):
            h = max((size[n][1] for n in row), default=0)
            x = (total_w - w) / 2
            for n in row:
                pos[n] = (x + size[n][0] / 2, depth + h / 2)
                x += size[n][0] + gap_x
            depth += h + gap_y
        extent = (total_w, depth - gap_y)
        if rankdir == "TB":  # first layer at the top (matplotlib's y axis points up)
            pos = {n: (x, extent[1] - y) for n, (x, y) in pos.items()}
    else:  # LR / RL
        depth = 0.0
        heights = [sum(size[n][1] for n in row) + gap_x * (len(row) - 1) for row in rows]
        total_h = max(heights, default=1)
        for row, hgt in zip(rows, heights):
            w = max((size[n][0] for n in row), default=0)
            y = (total_h - hgt) / 2
            for n in row:
                pos[n] = (depth + w / 2, y + size[n][1] / 2)
                y += size[n][1] + gap_x
            depth += w + gap_y * 1.5
        extent = (depth - gap_y * 1.5, total_h)
        if rankdir == "RL":
            pos = {n: (extent[0] - x, y) for n, (x, y) in pos.items()}

    title = g.attrs.get("label")
    fig_w, fig_h = extent[0] + 0.6, extent[1] + 0.6 + (0.4 if title else 0)
    scale = min(1.0, 40 / max(fig_w, fig_h))
    fig = plt.figure(figsize=(fig_w * scale, fig_h * scale))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(-0.3, extent[0] + 0.3)
    ax.set_ylim(-0.3, extent[1] + 0.3 + (0.4 if title else 0))
    ax.set_aspect("equal")
    ax.axis("off")
    fontsize = 9 * scale

    for n, attrs in g.nodes.items():
        (x, y), (w, h) = pos[n], size[n]
        filled = "filled" in attrs.get("style", "")
        face = _color(attrs.get("fillcolor") or attrs.get("color"), "#ffffff") if filled else "#ffffff"
        shape = attrs.get("shape", "box")
        if shape in ("ellipse", "oval", "circle"):
            style = f"round,pad=0.0,rounding_size={h / 2:.3f}"
        elif shape == "Mrecord":
            style = "round,pad=0.0,rounding_size=0.08"
        else:
            style = "square,pad=0.0"
        if shape not in ("plaintext", "plain", "none"):
            ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle=style, facecolor=face,
                                        edgecolor=_color(attrs.get("color"), "#000000") if not filled else "#000000",
                                        linewidth=0.8))
        ax.text(x, y, labels[n], ha="center", va="center", fontsize=fontsize, family="monospace")

    for tail, head, attrs in g.edges:
        (x0, y0), (x1, y1) = pos[tail], pos[head]
        (w0, h0), (w1, h1) = size[tail], size[head]

        def clip(x, y, w, h, dx, dy):  # where the line from the centre leaves the box
            tx = (w / 2) / abs(dx) if dx else math.inf
            ty = (h / 2) / abs(dy) if dy else math.inf
            t = min(tx, ty)
            return x + dx * t, y + dy * t

        dx, dy = x1 - x0, y1 - y0
        start = clip(x0, y0, w0, h0, dx, dy)
        end = clip(x1, y1, w1, h1, -dx, -dy)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10 * scale,
                                     color=_color(attrs.get("color"), "#333333"), linewidth=0.8,
                                     linestyle="--" if "dashed" in attrs.get("style", "") else "-"))
        if attrs.get("label"):
            ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, attrs["label"], fontsize=fontsize * 0.85,
                    ha="center", va="center", family="monospace", backgroundcolor="#ffffff")
    if title:
        ax.text(extent[0] / 2, extent[1] + 0.4, title, ha="center", va="center", fontsize=fontsize * 1.1)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    plt.close(fig)


def render_graphviz(dot_path: Path, path: Path) -> None:
    subprocess.run(["dot", f"-T{path.suffix[1:]}", str(dot_path), "-o", str(path)], check=True,
                   capture_output=True, timeout=60)


# --------------------------------------------------------------------------- command line

def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: docs/img)")
    parser.add_argument("--quick", action="store_true",
                        help="CI mode: matplotlib renderer only, SVG only (no Graphviz needed)")
    parser.add_argument("--renderer", choices=["auto", "dot", "matplotlib"], default="auto",
                        help="auto = Graphviz `dot` if installed, else matplotlib")
    parser.add_argument("--formats", default="svg,png", help="comma-separated (default: svg,png)")
    parser.add_argument("--only", nargs="*", choices=sorted(GRAPHS), help="draw only these graphs")
    args = parser.parse_args(argv)

    renderer = args.renderer
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.quick:
        renderer, formats = "matplotlib", ["svg"]
    if renderer == "auto":
        renderer = "dot" if shutil.which("dot") else "matplotlib"
    if renderer == "dot" and not shutil.which("dot"):
        parser.error("Graphviz `dot` is not installed (apt-get install graphviz), use --renderer matplotlib")

    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or GRAPHS:
        dot_text = stable_ids(GRAPHS[name]())
        dot_path = args.out / f"{name}.dot"
        dot_path.write_text(dot_text, encoding="utf-8")
        for fmt in formats:
            target = args.out / f"{name}.{fmt}"
            if renderer == "dot":
                render_graphviz(dot_path, target)
            else:
                render_matplotlib(dot_text, target)
            print(f"{target}  ({renderer})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
