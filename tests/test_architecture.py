"""The house stays in shape: layers and types are checked by well-kept tools, on every run of the suite.

* import-linter holds the layer contract of ``pyproject.toml`` (docs/architecture.md):
  ``cli > bench > api, scenarios > solvers > analysis > algorithms > problems >
  models > core``, the solver families independent of each other, no cycle;
* mypy finds nothing in ``semopt`` (its configuration is in ``pyproject.toml``);
* no module dodges a layer with an import placed inside a function;
* papers are cited by their authors, never by the file numbers of the design notes.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "semopt"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_import_layers_hold():
    proc = _run(str(Path(sys.executable).parent / "lint-imports"), "--no-cache")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_mypy_finds_nothing():
    proc = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def _inner_imports(path: Path) -> list[str]:
    """``file:line`` of every import of semopt that sits inside a function body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(name == "semopt" or name.startswith("semopt.") for name in names) or (
                        isinstance(node, ast.ImportFrom) and node.level > 0):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_import_of_semopt_inside_a_function():
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in _inner_imports(path)]
    assert found == [], f"imports inside functions (move them to the top, or fix the layer): {found}"


@pytest.mark.parametrize("folder", ["semopt", "notebooks", "README.md", "docs"])
def test_papers_are_cited_by_authors_not_by_file_number(folder):
    base = ROOT / folder
    files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.suffix in (".py", ".md", ".ipynb"))
    pattern = re.compile(r"\bseeds? 00[0-4]\b", re.IGNORECASE)
    hits = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files for m in pattern.finditer(p.read_text("utf-8"))]
    assert hits == []
