"""Each table has one owner: the one module under `bot/` whose SQL writes it.

Other features change a table by calling its owner's functions, so the rules of a table
(a record names its person, an answered reminder is answered once) live in one place.
The check reads every string literal of `bot/` as SQL and finds its INSERT, UPDATE and
DELETE statements; a table named by a variable is allowed only where it is declared.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator

from bot.schema import MIGRATIONS
from tests.conftest import REPO
from tests.db import table_names

OWNERS = {
    "users": "bot/database/users.py",
    "dialogs": "bot/database/dialogs.py",
    "deliveries": "bot/delivery/claims.py",
    "calls": "bot/call/records.py",
    "reminders": "bot/followup/reminders.py",
    "label_prompts": "bot/journal/records.py",
    "subscriptions": "bot/daily/subscriptions.py",
    "daily_offers": "bot/daily/subscriptions.py",
    "tip_history": "bot/tips/history.py",
    "tip_feedback": "bot/tips/history.py",
    "practice_results": "bot/practice/results.py",
    "practice_offers": "bot/practice/offer.py",
}
# modules whose SQL names its table by a variable
GENERIC = {
    "bot/privacy/data.py",  # /forget erases the person from every table, found by its column
}
SCHEMA = "bot/schema.py"  # creates the tables; its triggers are the schema's
# the migrations' own count on PostgreSQL (SQLite keeps it in PRAGMA user_version)
BOOKKEEPING = {"schema_version": "bot/database/postgres.py"}
# SQL keywords are written in capitals here, which tells a statement from prose
WRITE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+(?!SET\b)(\{\}|\w+)"
)


def sql_texts(tree: ast.Module) -> Iterator[str]:
    """Every string literal as written; an f-string with `{}` where a value goes."""
    pieces = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            yield "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in pieces
        ):
            yield node.value


def writes() -> dict[str, set[str]]:
    """Module (its path) → the tables its SQL writes; `{}` for one named by a variable."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((REPO / "bot").rglob("*.py")):
        module = path.relative_to(REPO).as_posix()
        if module != SCHEMA:
            for text in sql_texts(ast.parse(path.read_text(encoding="utf-8"))):
                found[module] |= set(WRITE.findall(text))
    return found


def schema_tables() -> set[str]:
    connection = sqlite3.connect(":memory:")
    for script in MIGRATIONS:
        connection.executescript(script)
    return set(table_names(connection))


def test_each_table_is_written_only_by_its_owner() -> None:
    strays = [
        f"{module} writes {table}, owned by {OWNERS.get(table, 'nobody')}"
        for module, tables in writes().items()
        for table in tables
        if table != "{}" and module != OWNERS.get(table, BOOKKEEPING.get(table))
    ]
    assert not strays, "\n".join(strays)


def test_only_the_declared_modules_write_a_table_they_do_not_name() -> None:
    generic = {module for module, tables in writes().items() if "{}" in tables}
    assert generic == GENERIC


def test_every_table_has_an_owner_that_writes_it() -> None:
    assert set(OWNERS) == schema_tables()
    found = writes()
    assert [table for table, owner in OWNERS.items() if table not in found[owner]] == []
