"""The README's Python examples run as written, in a fresh interpreter (they register a solver: keep it there)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    script = "\n\n".join(blocks).replace('users=20, seed=0)', 'users=6, seed=0)')  # the first example, smaller
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "strongest-carrier" in proc.stdout and "Result(status=" in proc.stdout
