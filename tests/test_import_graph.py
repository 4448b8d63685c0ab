"""The dependency rules of docs/architecture.md, read from the source (no import is run).

- minitorch_ref's modules import each other at the top of the file only, and form no cycle:
  "go to definition" always lands on the real thing, and the order of imports never matters.
  (The one exception is the package's lazy `__getattr__`, which loads `nn`, `optim`... on first use.)
- torch_impl uses minitorch_ref through nothing at all: the two implementations stand apart.
- the engine stays short enough to read as a textbook backward pass.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "minitorch_ref"


def _modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> list[str]:
    """The package's modules that one import statement loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    if node.level:  # relative: resolve against this module's package
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[:len(package) - (node.level - 1)] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base not in known:
        return []
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


def _import_graph() -> tuple[dict[str, set[str]], list[tuple[str, int]]]:
    """(module -> the package modules it imports at top level, [(module, line) of imports elsewhere])."""
    known = _modules(PACKAGE)
    graph, nested = {name: set() for name in known}, []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if id(node) not in top_level:
                    nested.append((name, node.lineno))
                graph[name].update(t for t in _imported(name, path, node, known) if t != name)
    return graph, nested


def test_minitorch_ref_imports_only_at_the_top_of_its_files():
    _, nested = _import_graph()
    lazy_loader = [(m, line) for m, line in nested if m == "minitorch_ref"]  # `minitorch_ref.__getattr__`
    assert len(lazy_loader) <= 1
    assert [entry for entry in nested if entry not in lazy_loader] == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first search meets, each as the path that closes it."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once all it imports is explored
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append((path + [module])[(path + [module]).index(target):] + [target])
            elif target not in state:
                visit(target, path + [module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    return cycles


def test_minitorch_ref_modules_form_no_import_cycle():
    graph, _ = _import_graph()
    assert len(graph) > 30 and sum(map(len, graph.values())) > 50  # (the graph was really read)
    assert find_cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    """The check on a made-up graph: it reports the cycle, not only an empty list."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_torch_impl_does_not_import_minitorch_ref():
    for path in sorted((ROOT / "torch_impl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "minitorch_ref" for n in names), f"{path}:{node.lineno}"


def test_the_engine_reads_as_a_textbook_backward_pass():
    """The engine stays at most 100 lines, docstring included (issue 11): order the nodes, call each
    rule, sum into the parents. What only `autograd.grad` needs (which nodes run) lives in differentiate.py."""
    lines = (PACKAGE / "autograd" / "engine.py").read_text().splitlines()
    assert len(lines) <= 100, f"engine.py has {len(lines)} lines"
