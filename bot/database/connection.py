"""The SQLite database: one connection that writes, through aiosqlite's thread, and one
lock around every block (`transaction()`, `read()`), so a read sees only what
was committed and a failed block rolls back whole. A wait (a lock, an fsync, the disk)
happens on the thread and leaves the loop free; only reads a block asks for on the loop
(`on_loop=True`, the press path) run there, on a read-only connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.database import postgres
from bot.database.dialect import SQLITE
from bot.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 5000
# a log that grew while a reader pinned it (a backup, a long scan) is cut back to this when
# it starts over, rather than keeping its largest size on disk for good; a few times the
# log SQLite's own checkpoints (every 1,000 pages) let it reach, so it is rarely cut
JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024
PRAGMAS = (
    "journal_mode=WAL",
    # a commit appends to the log and syncs nothing: an operating-system crash or power
    # loss may undo the last commits (never a process crash: docs/delivery.md); FULL
    # would put an fsync on every commit
    "synchronous=NORMAL",
    f"busy_timeout={BUSY_TIMEOUT_MS}",
    f"journal_size_limit={JOURNAL_SIZE_LIMIT}",
    "foreign_keys=ON",
    # a deleted row's bytes are overwritten, not left in free space (`/forget`)
    "secure_delete=ON",
)
PRIVATE = 0o600  # the file and its -wal/-shm, which SQLite creates with the file's mode
PRIVATE_FOLDER = 0o700
SIDE_FILES = ("-wal", "-shm")
# What the file answers when it cannot take a write now, not what a bug in our SQL does
UNAVAILABLE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
    }
)


def unavailable(error: BaseException) -> bool:
    """Whether the database could not serve a block now (locked by another writer, the
    disk full, the file read-only or unreadable): the block rolled back whole and the
    person may try again. A missing column or a syntax error is a bug, not this.
    PostgreSQL's equivalents count too (`postgres.unavailable`)."""
    if postgres.unavailable(error):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(error, sqlite3.Error) or code is None:
        return False
    return code & 0xFF in UNAVAILABLE_CODES  # the primary code of an extended one


def utc_text(moment: datetime) -> str:
    """Times are stored as UTC ISO-8601 text, so they sort and compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class SqliteTx:
    """One open block: the statements a repository runs inside it. With a `reader`, the
    reads before the block's first write are answered on the loop by that connection."""

    dialect = SQLITE

    def __init__(
        self, connection: aiosqlite.Connection, reader: sqlite3.Connection | None = None
    ) -> None:
        self.connection = connection
        self.reader = reader
        self.last_written = False  # by `changed(last=True)`: later writes are refused

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        self._writing()
        return await self.connection.execute(sql, tuple(params))

    def _writing(self) -> None:
        if self.last_written:
            raise RuntimeError("a write after the block's last one")
        self.reader = None  # a read after a write must see it: the writer's own

    async def one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """On the loop with a reader; otherwise one trip (execute, fetch and close)."""
        if self.reader is not None:
            return self.reader.execute(sql, tuple(params)).fetchall()
        return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def changed(self, sql: str, params: Iterable[Any] = (), *, last: bool = False) -> int:
        """Run a write and say how many rows it touched (compare-and-set, claims).

        `last`: the block writes nothing after this (a press's step). When it is also the
        block's only write, its commit is queued right behind it: the thread takes both in
        one wake, where each trip costs the loop more than the write (bench/README.md). A
        lone write that fails or touches nothing leaves nothing for that commit to keep.
        """
        alone = last and not self.connection.in_transaction
        self._writing()
        self.last_written = last
        if not alone:
            return (await self.connection.execute(sql, tuple(params))).rowcount
        # tasks start in the order they were made: the write is queued before its commit
        written = asyncio.ensure_future(self.connection.execute(sql, tuple(params)))
        commit = asyncio.ensure_future(self.connection.commit())
        try:
            return (await written).rowcount
        finally:
            await commit

    async def begin(self) -> None:
        """Open the write transaction now rather than at the first write: for a pragma
        that lasts only as long as the transaction it is set in."""
        self.reader = None
        if not self.connection.in_transaction:
            await self.connection.execute("BEGIN IMMEDIATE")


class Database:
    """Created with a path at wiring time, opened inside the event loop (PTB's post_init)."""

    dialect = SQLITE
    last_error: str | None = None  # health reads it; one process's file has no server to lose

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self.answered_at: float | None = None  # the loop's time of the last read done: health

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise RuntimeError("database is not open")
        return self._connection

    async def open(self, until: int | None = None) -> Database:
        """`until`: stop after that many migrations (a test's database of an older version)."""
        if self.path != ":memory:":
            make_private(Path(self.path))
        # sqlite3 begins a transaction at the first write, and IMMEDIATE takes SQLite's write
        # lock there, so a busy file fails at that write, never at the commit
        self._connection = await aiosqlite.connect(self.path, isolation_level="IMMEDIATE")
        self._connection.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await self._connection.execute(f"PRAGMA {pragma}")
        await self.migrate(until)
        if self.path != ":memory:":  # a second connection to :memory: is another database
            self._reader = self._open_reader()
        return self

    def _open_reader(self) -> sqlite3.Connection:
        """The loop's reads (`on_loop=True`): read-only; autocommit, so each read sees the
        latest commit and keeps no snapshot open; no busy timeout, which would hold up the
        whole loop: a read in WAL mode waits for no writer, and one that meets a rare busy
        moment (another process recovering the log) fails as `unavailable`."""
        reader = sqlite3.connect(self.path, isolation_level=None)
        reader.row_factory = sqlite3.Row
        for pragma in ("query_only=ON", "busy_timeout=0"):
            reader.execute(f"PRAGMA {pragma}")
        return reader

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def migrate(self, until: int | None = None) -> None:
        async with self.connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = row[0] if row else 0
        for number, script in enumerate(MIGRATIONS[version:until], start=version + 1):
            await self.connection.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;"
            )

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Hand every statement the database runs to `callback`, on the thread that runs
        it (None stops): for tests that count what a press asks of the database."""
        await self.connection.set_trace_callback(callback)
        if self._reader is not None:
            self._reader.set_trace_callback(callback)

    @asynccontextmanager
    async def transaction(self, *, on_loop: bool = False) -> AsyncIterator[SqliteTx]:
        """A block of reads and writes under the lock, committed whole or rolled back whole.

        The reads before the first write see what this process committed last: nothing
        else in it writes while the lock is held (another process's write to a dialog is
        caught by the compare-and-set on its revision). `on_loop`: as for `read()`; the
        writes and the commit still go through the thread.
        """
        async with self._lock:
            try:
                yield SqliteTx(self.connection, self._reader if on_loop else None)
                if self.connection.in_transaction:
                    await self.connection.commit()
            except BaseException:
                if self.connection.in_transaction:
                    await self.connection.rollback()
                raise

    @asynccontextmanager
    async def read(self, *, on_loop: bool = False) -> AsyncIterator[SqliteTx]:
        """A consistent read: under the same lock, so no other coroutine's open write shows.
        A write inside it is a mistake that would hold the file's lock: it is undone.

        `on_loop=True` answers the reads on the loop, for the press path only: its lookups
        by key take microseconds, while each trip to the thread and back costs several
        times that in CPU (bench/README.md). A read that may be long stays on the thread.
        """
        async with self._lock:
            tx = SqliteTx(self.connection, self._reader if on_loop else None)
            yield tx
            if self.connection.in_transaction or tx.last_written:
                if self.connection.in_transaction:
                    await self.connection.rollback()
                raise RuntimeError("a write inside Database.read(): use transaction()")
            self.answered_at = asyncio.get_running_loop().time()

    async def lead(self) -> bool:
        """Whether this process runs the scheduler: the only one there is."""
        return True

    async def checkpoint(self) -> bool:
        """Copy the log into the file and cut it to nothing, so rows just deleted (`/forget`)
        leave no copy in the -wal; False when a reader kept it from finishing (the log is
        then cut at the next checkpoint or a clean stop)."""
        async with self._lock:
            rows = await self.connection.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = next(iter(rows))[0] if rows else 1
        return busy == 0


# What the features are handed: the one in use, as COACH_DATABASE_URL decides
Store = Database | postgres.PostgresDatabase
Tx = SqliteTx | postgres.PgTx


def make_private(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it (in a 0700 folder, if new), and
    tighten one left by an older version: SQLite gives its -wal and -shm the file's own
    mode, so the person's complaints are readable by the service account alone."""
    path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE))
    for file in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            if file.stat().st_mode & 0o777 != PRIVATE:
                file.chmod(PRIVATE)
