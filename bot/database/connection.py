"""The SQLite database through aiosqlite: one connection, one lock, numbered migrations.

Our own thin layer rather than an ORM: a handful of statements, and the rules that
matter are easiest to see in plain SQL. Every access — reads included — goes through
`transaction()` or `read()`, which hold the one lock for their whole length: with a single
shared connection, a read taken between another coroutine's write and its commit would
see writes that may still roll back. A failed block rolls back whole, so nothing is ever
committed half-way (a full disk, a file locked by another writer).

Each statement is a trip to aiosqlite's thread, and a trip costs ten times the statement
(about 50 µs against 3 to 5), so a block takes no trips of its own: sqlite3 opens the write
transaction (`BEGIN IMMEDIATE`) inside the first write's own trip, and a block that
wrote nothing has nothing to commit. A press is then a read, its writes and one commit.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.database.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 5000
# What the database answers when it cannot take a write now: locked by another writer,
# the disk full, the file read-only. The person is asked to try again; nothing is lost.
UNAVAILABLE = (sqlite3.OperationalError,)


def utc_text(moment: datetime) -> str:
    """Times are stored as UTC ISO-8601 text, so they sort and compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Tx:
    """One open transaction: the statements a repository runs inside it."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self.connection.execute(sql, tuple(params))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """One trip to SQLite's thread (execute, fetch and close together): each trip costs
        more than the statement itself."""
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def changed(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a write and say how many rows it touched (compare-and-set, claims)."""
        cursor = await self.connection.execute(sql, tuple(params))
        return cursor.rowcount

    async def begin(self) -> None:
        """Open the write transaction now rather than at the first write: for a pragma
        that lasts only as long as the transaction it is set in."""
        if not self.connection.in_transaction:
            await self.connection.execute("BEGIN IMMEDIATE")


class Database:
    """Created with a path at wiring time, opened inside the event loop (PTB's post_init)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("database is not open")
        return self._connection

    async def open(self) -> Database:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # sqlite3 begins a transaction at the first write, and IMMEDIATE takes SQLite's write
        # lock there, so a busy file fails at that write, never at the commit
        self._connection = await aiosqlite.connect(self.path, isolation_level="IMMEDIATE")
        self._connection.row_factory = aiosqlite.Row
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
        ):
            await self._connection.execute(f"PRAGMA {pragma}")
        await self.migrate()
        return self

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def migrate(self) -> None:
        async with self.connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self.connection.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;"
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A block of reads and writes under the lock, committed whole or rolled back whole.

        The reads before the first write see what this process committed last: nothing
        else in it writes while the lock is held (another process's write to a dialog is
        caught by the compare-and-set on its revision).
        """
        async with self._lock:
            try:
                yield Tx(self.connection)
                if self.connection.in_transaction:
                    await self.connection.commit()
            except BaseException:
                await self._rollback()
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read: under the same lock, so no other coroutine's open write shows."""
        async with self._lock:
            yield Tx(self.connection)

    async def _rollback(self) -> None:
        if self.connection.in_transaction:
            await self.connection.rollback()
