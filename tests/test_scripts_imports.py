"""Every unspin module that a benchmark or script imports exists (a renamed module breaks the
gate only at the end of CI otherwise; mypy checks src/ only)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "scripts").glob("*.py")])


def _unspin_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        out += [(node.lineno, n) for n in names if n == "unspin" or n.startswith("unspin.")]
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_unspin_modules_imported_by_benchmarks_exist(path: Path) -> None:
    missing = [f"{path.name}:{line}: {name}" for line, name in _unspin_imports(path)
               if importlib.util.find_spec(name) is None]
    assert not missing, missing
