"""minitorch_ref needs NumPy and the standard library only: prove it with torch made unimportable.

A subprocess installs a meta-path finder that refuses `torch` (and anything under it) before
anything else is imported, then imports minitorch_ref and its subpackages and runs a tiny
training step. A second check reads every module's source: none may import torch.
"""
from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import minitorch_ref

PACKAGE_DIR = Path(minitorch_ref.__file__).resolve().parent
ROOT = PACKAGE_DIR.parent

BLOCK_TORCH = """
import sys

class BlockTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by test_no_torch)")
        return None

sys.meta_path.insert(0, BlockTorch())
"""

USE_WITHOUT_TORCH = BLOCK_TORCH + """
import importlib, pkgutil
import minitorch_ref as torch

for info in pkgutil.walk_packages(torch.__path__, "minitorch_ref."):
    importlib.import_module(info.name)

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
loss = (x @ x.T).softmax(dim=1).log().mean()
loss.backward()
assert x.grad.shape == (2, 2)
assert torch.autograd.gradcheck(lambda t: (t * t).sum(), (torch.ones(2, dtype=torch.float64, requires_grad=True),))
print(torch.graph.to_text(loss).splitlines()[0])
assert "torch" not in sys.modules
try:
    import torch as real_torch
except ModuleNotFoundError:
    print("torch blocked")
"""


def test_blocker_really_blocks_torch():
    result = subprocess.run([sys.executable, "-c", BLOCK_TORCH + "import torch"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode != 0 and "blocked by test_no_torch" in result.stderr


def test_minitorch_ref_and_subpackages_work_without_torch():
    result = subprocess.run([sys.executable, "-c", USE_WITHOUT_TORCH], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["MeanBackward0 -> []", "torch blocked"]


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    return {name.split(".")[0] for name in names}


def test_no_module_imports_torch():
    modules = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(modules) > 10
    offenders = [str(p.relative_to(ROOT)) for p in modules if "torch" in _imported_roots(p)]
    assert offenders == []


def test_every_subpackage_is_walked():
    """The subprocess imports what pkgutil finds; make sure that includes the lazy subpackages present."""
    found = {info.name.split(".")[1] for info in pkgutil.walk_packages(minitorch_ref.__path__, "minitorch_ref.")}
    expected = {p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").exists()}
    assert expected <= found and {"autograd", "ops"} <= found
