"""Shared code knows no feature: what is special to one is declared by it (its flow's wording,
its texts' rules, its reply keyboard) and registered in `bot/app.py`.

Two rules over the shared modules' code: no import of a feature's package or of a flow's
own module (`dialogs/` shares only the engine and the graph), and no feature's name as an
identifier or a string literal. Docstrings and comments may still name a feature as an
example of what a shared part serves; that explains, it does not decide anything.

One file is exempt from the second rule, by design: the migration scripts name every
feature's tables, because `PRAGMA user_version` numbers one sequence for the whole file and a
released script is never edited, so they cannot be split by feature after the fact.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import FEATURES
from tests.conftest import REPO

SHARED = (
    *(REPO / "bot" / part for part in ("adapter", "content", "database", "delivery", "dialog")),
    REPO / "bot" / "feature.py",
    REPO / "dialogs" / "engine.py",
    REPO / "dialogs" / "graph.py",
)
SHARED_DIALOGS = {"dialogs.engine", "dialogs.graph"}
FEATURE_PACKAGES = {factory.__module__ for factory in FEATURES}  # bot.call, bot.tips, …
# every feature's name and the words its texts and flows go by, each in the singular
FEATURE_WORDS = {package.rsplit(".", 1)[1].removesuffix("s") for package in FEATURE_PACKAGES}
FEATURE_WORDS |= {"situation", "sos"}
# what Python and SQLite call so: a dunder (`__call__`), the journal of a database
FOREIGN = re.compile(r"__\w+__|journal_(mode|size_limit)", re.IGNORECASE)
WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def shared_modules() -> list[Path]:
    files = (sorted(path.rglob("*.py")) if path.is_dir() else [path] for path in SHARED)
    return [file for group in files for file in group]


def names_a_feature(text: str) -> bool:
    """`call_no`, `CallNo`, `"calls"`, `TIP_LIMIT`: a word of it, or its singular, is a
    feature's."""
    words = {word.lower() for word in WORD.findall(FOREIGN.sub(" ", text))}
    return any(word in FEATURE_WORDS or word.removesuffix("s") in FEATURE_WORDS for word in words)


def _docstrings(tree: ast.Module) -> set[int]:
    holders = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, holders)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def imported(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def named(tree: ast.Module) -> Iterator[str]:
    """Every identifier and string literal of the code but its docstrings (the imported
    modules' paths are the import rule's)."""
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                yield node.value
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.arg | ast.keyword) and node.arg:
            yield node.arg
        elif isinstance(node, ast.alias):
            yield node.asname or node.name.rsplit(".", 1)[-1]


def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def feature_imports(tree: ast.Module) -> set[str]:
    """Imports of a feature's package or of a flow's own module."""

    def wrong(module: str) -> bool:
        package = ".".join(module.split(".")[:2])
        if module.startswith("dialogs."):
            return package not in SHARED_DIALOGS
        return package in FEATURE_PACKAGES

    return {module for module in imported(tree) if wrong(module)}


def feature_names(tree: ast.Module) -> set[str]:
    return {text for text in named(tree) if names_a_feature(text)}


@pytest.mark.parametrize("path", shared_modules(), ids=lambda path: str(path.relative_to(REPO)))
def test_a_shared_module_imports_no_feature_and_no_flow(path: Path) -> None:
    assert feature_imports(_parsed(path)) == set()


@pytest.mark.parametrize("path", shared_modules(), ids=lambda path: str(path.relative_to(REPO)))
def test_a_shared_module_names_no_feature(path: Path) -> None:
    assert feature_names(_parsed(path)) == set()


def test_the_rules_see_a_feature_where_there_is_one() -> None:
    """The checks themselves: shared code written as the call's own is caught, its
    docstring and comments are not."""
    tree = ast.parse(
        '"""The call, for example."""\n'
        "from bot.call.records import call_id  # the call's\n"
        "from dialogs import check_flow\n"
        "from dialogs.engine import step\n"
        'toast = "call_closed"\n'
        "def run(state): return state.call_no, TIP_LIMIT, sos_keyboard\n"
    )
    wrong = feature_imports(tree)
    assert {"bot.call.records", "dialogs.check_flow"} <= wrong
    assert not any(module.startswith("dialogs.engine") for module in wrong)
    expected = {"call_id", "check_flow", "call_closed", "call_no", "TIP_LIMIT", "sos_keyboard"}
    assert feature_names(tree) == expected
