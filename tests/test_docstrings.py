"""Docstrings say what a thing is for and why, in a few lines: a newcomer reads them
before the code. Figures belong to `bench/README.md` and history to the commit log, so
no docstring of the product code runs over 80 words."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

LIMIT = 80
HOLDERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstrings(path: Path) -> Iterator[tuple[str, int]]:
    """Each docstring of the file: where it is (`path:line name`) and its length in words."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = ast.get_docstring(node) if isinstance(node, HOLDERS) else None
        if text:
            line = getattr(node, "lineno", 1)
            name = getattr(node, "name", "module")
            yield f"{path.relative_to(REPO)}:{line} {name}", len(text.split())


def test_no_docstring_of_the_product_code_runs_over_80_words() -> None:
    files = [path for folder in ("bot", "dialogs") for path in (REPO / folder).rglob("*.py")]
    assert len(files) > 50, "the product code was found"
    found = [(place, words) for path in files for place, words in docstrings(path)]
    assert [(place, words) for place, words in found if words > LIMIT] == []
