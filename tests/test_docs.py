"""The documentation is executable: every code block in docs/**/*.md and README.md runs here.

- ```python blocks of one page share a namespace and run in order, in a temporary working
  directory, with matplotlib's Agg backend. A block fenced as ```python no-run is skipped
  (kept for what cannot run in a test: a GPU, a network upload).
- ```bash blocks: each `python -m pkg.mod ...` line must name an importable module and each
  `python path/to/script.py` line an existing file (the commands themselves train models and
  are run by their own tests).
- Relative links and images in the pages must point at files that exist.
- `scripts/render_graphs.py --quick` must draw the graphs into a temporary folder.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = REPO_ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md")) + [REPO_ROOT / "README.md"]
SEED = REPO_ROOT.parent / "shared" / "seed" / "curso-redes-neuronales-pytorch.md"

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def code_blocks(page: Path) -> list[tuple[str, str, int]]:
    """(info string, code, line number) of every fenced block of a page."""
    text = page.read_text(encoding="utf-8")
    return [(m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1) for m in _FENCE.finditer(text)]


def _page_id(page: Path) -> str:
    return str(page.relative_to(REPO_ROOT))


def test_docs_exist():
    names = {_page_id(p) for p in PAGES}
    for required in ("README.md", "architecture.md", "autograd.md", "es/autograd.md", "embeddingbag.md",
                     "parity-and-benchmarks.md", "es/mapa-del-curso.md"):
        assert f"docs/{required}" in names, f"docs/{required} is missing"


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocks = [(info, code, line) for info, code, line in code_blocks(page) if info.split()[:1] == ["python"]]
    runnable = [(code, line) for info, code, line in blocks if "no-run" not in info.split()[1:]]
    if not runnable:
        pytest.skip("no python blocks")
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    namespace: dict = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for code, line in runnable:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{page}:{line}", "exec"), namespace)  # noqa: S102 (the point of the test)
        except Exception as exc:  # say which block failed, with what it printed
            raise AssertionError(f"{_page_id(page)}, block at line {line} failed: {exc!r}\n"
                                 f"--- its output ---\n{out.getvalue()}") from exc
        finally:
            import matplotlib.pyplot as plt

            plt.close("all")


_PY_M = re.compile(r"(?:^|[\s;&|(])python3?\s+-m\s+([\w.]+)")
_PY_SCRIPT = re.compile(r"(?:^|[\s;&|(])python3?\s+((?:[\w.-]+/)*[\w.-]+\.py)\b")
_EXTERNAL_MODULES = {"pytest", "pip", "venv", "http.server", "torch.utils.collect_env"}


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_bash_commands_exist(page: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    for info, code, line in code_blocks(page):
        if info.split()[:1] not in (["bash"], ["sh"], ["console"]):
            continue
        for module in _PY_M.findall(code):
            if module in _EXTERNAL_MODULES:
                continue
            assert importlib.util.find_spec(module) is not None, (
                f"{_page_id(page)}:{line}: `python -m {module}` names no module")
        for script in _PY_SCRIPT.findall(code):
            assert (REPO_ROOT / script).is_file(), f"{_page_id(page)}:{line}: `python {script}`: no such file"


_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_relative_links_resolve(page: Path):
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = target.split("#")[0]
        if "benchmarks/results/" in path:  # written by the benchmark runs; may not exist in a fresh checkout
            continue
        assert (page.parent / path).exists(), f"{_page_id(page)}: broken link {target}"


@pytest.mark.skipif(not SEED.exists(), reason="the course text (../shared/seed) is not available")
def test_course_map_lists_every_section():
    titles = re.findall(r"^## (.+?)\s*$", SEED.read_text(encoding="utf-8"), re.MULTILINE)
    course_map = (DOCS / "es" / "mapa-del-curso.md").read_text(encoding="utf-8")
    missing = [t for t in titles if t not in course_map]
    assert not missing, f"sections of the course missing from the course map: {missing}"


def test_render_graphs_quick(tmp_path: Path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "render_graphs.py"), "--quick",
                           "--out", str(tmp_path)], check=False, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in ("simplenn_autograd", "textclassification_autograd"):
        dot = (tmp_path / f"{name}.dot").read_text()
        assert dot.lstrip().startswith(("digraph", "strict digraph")), dot[:80]
        svg = (tmp_path / f"{name}.svg").read_text()
        assert "<svg" in svg
    # the committed pictures are the ones the docs embed
    for name in ("simplenn_autograd", "textclassification_autograd"):
        assert (DOCS / "img" / f"{name}.svg").exists(), f"docs/img/{name}.svg: run scripts/render_graphs.py"
