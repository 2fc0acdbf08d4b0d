"""The SQLite database: writes through aiosqlite's thread, reads on the loop; one lock,
numbered migrations.

Our own thin layer rather than an ORM: a handful of statements, and the rules that
matter are easiest to see in plain SQL. Every access — reads included — goes through
`transaction()` or `read()`, which hold the one lock for their whole length, so a read
sees what this process committed last and nothing half-written. A failed block rolls back
whole, so nothing is ever committed half-way (a full disk, a file locked by another writer).

Why two connections. A write may wait: for another process's lock (up to the busy
timeout), for the disk at a checkpoint; so writes go to aiosqlite's thread and the loop
stays free. A read never waits in WAL mode (readers see the last commit and take no lock
a writer holds), and the coach's reads are indexed lookups of a few microseconds, while
a trip to the thread costs ten times that and hands the GIL back and forth twice, slowing
every socket call the loop makes meanwhile (README, Benchmarks). So a read before the
block's first write is answered on the loop by a reader connection; after it, by the
writer, whose own uncommitted writes it must see. sqlite3 opens the write transaction
(`BEGIN IMMEDIATE`) inside the first write's own trip, and a block that wrote nothing has
nothing to commit: a press is its reads, its writes and one commit.
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
READER_BUSY_TIMEOUT_MS = 100
# What the database answers when it cannot take a write now: locked by another writer,
# the disk full, the file read-only. The person is asked to try again; nothing is lost.
UNAVAILABLE = (sqlite3.OperationalError,)


def utc_text(moment: datetime) -> str:
    """Times are stored as UTC ISO-8601 text, so they sort and compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Tx:
    """One open transaction: the statements a repository runs inside it."""

    def __init__(self, connection: aiosqlite.Connection, reader: sqlite3.Connection | None):
        self.connection = connection
        self.reader = reader
        # set by this block's first write of any kind (not only the statements sqlite3
        # opens a transaction for): every read after it must see that write
        self.wrote = False

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        self.wrote = True
        return await self.connection.execute(sql, tuple(params))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """On the loop before this block's first write; after it, one trip to the writer's
        thread (execute, fetch and close together), which sees the block's own writes."""
        if self.reader is not None and not self.wrote:
            return self.reader.execute(sql, tuple(params)).fetchall()
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def changed(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a write and say how many rows it touched (compare-and-set, claims)."""
        cursor = await self.execute(sql, params)
        return cursor.rowcount

    async def begin(self) -> None:
        """Open the write transaction now rather than at the first write: for a pragma
        that lasts only as long as the transaction it is set in."""
        self.wrote = True
        if not self.connection.in_transaction:
            await self.connection.execute("BEGIN IMMEDIATE")


class Database:
    """Created with a path at wiring time, opened inside the event loop (PTB's post_init)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        self._reader: sqlite3.Connection | None = None
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
        if self.path != ":memory:":  # a second connection to :memory: is another database
            self._reader = self._open_reader()
        return self

    def _open_reader(self) -> sqlite3.Connection:
        """Reads only; autocommit, so each read sees the latest commit and keeps no
        snapshot open. Its busy timeout is short: it holds up the whole loop."""
        reader = sqlite3.connect(self.path, isolation_level=None)
        reader.row_factory = sqlite3.Row
        for pragma in ("query_only=ON", f"busy_timeout={READER_BUSY_TIMEOUT_MS}"):
            reader.execute(f"PRAGMA {pragma}")
        return reader

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
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
                yield Tx(self.connection, self._reader)
                if self.connection.in_transaction:
                    await self.connection.commit()
            except BaseException:
                await self._rollback()
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read: under the same lock, so no other coroutine's open write shows."""
        async with self._lock:
            yield Tx(self.connection, self._reader)

    @asynccontextmanager
    async def scan(self) -> AsyncIterator[Tx]:
        """A read over whole tables (the admin's figures take 70 to 150 ms at 100,000 people):
        through the writer's thread, so the loop keeps answering presses meanwhile."""
        async with self._lock:
            yield Tx(self.connection, None)

    async def ping(self) -> None:
        """Both connections read the file, the writer's through its thread: the health
        check's question is whether the database answers reads and could take a write."""
        probe = "SELECT count(*) FROM sqlite_master"
        async with self._lock:
            await self.connection.execute_fetchall(probe)
            if self._reader is not None:
                self._reader.execute(probe).fetchall()

    async def _rollback(self) -> None:
        if self.connection.in_transaction:
            await self.connection.rollback()
