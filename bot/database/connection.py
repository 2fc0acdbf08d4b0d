"""The SQLite database: a person's block on the loop, whatever may wait on aiosqlite's
thread; one lock, numbered migrations.

Our own thin layer rather than an ORM: a handful of statements, and the rules that
matter are easiest to see in plain SQL. Every access — reads included — goes through
`transaction()`, `read()` or `scan()`, which hold the one lock for their whole length, so a
read sees what this process committed last and nothing half-written. A failed block rolls
back whole, so nothing is ever committed half-way (a full disk, a file locked by another
writer).

Why two connections. A person's block is a few indexed lookups and a row or two written:
tens of microseconds in SQLite. A trip to aiosqlite's thread costs several times that,
and each hands the GIL back and forth and wakes the loop from another thread (README →
Benchmarks: a third of the bot's system calls were futex calls). So such a block runs on
the loop's own connection, whose busy timeout is zero: it never waits for a lock. What
could make it wait goes to the thread, where waiting leaves the loop free (other blocks
still wait for the lock, but Telegram's requests and answers go on):

- the file's write lock held by another process: the block's first write finds it busy and
  the block moves to the thread, whose busy timeout waits up to 5 s (a read in WAL mode
  does not wait for a writer; one that meets a rare busy moment moves the same way);
- the disk at a checkpoint: the loop's connection never checkpoints; every few hundred of
  its commits the thread does, under the lock;
- a block over many people (the daily tick: `transaction(on_loop=False)`, `scan()`).

With `synchronous=NORMAL` in WAL mode a commit appends to the log and syncs nothing; the
one sync left on the loop is the log's header when it starts over after a checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.database.migrations import MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# commits on the loop's connection between two checkpoints on the thread: a few pages each,
# so about SQLite's own default of a checkpoint per 1,000 pages of log
CHECKPOINT_EVERY = 250
LOG_WARN_FRAMES = 10_000  # about 40 MB of log that a checkpoint could not copy back
# What the database answers when it cannot take a write now: locked by another writer,
# the disk full, the file read-only. The person is asked to try again; nothing is lost.
UNAVAILABLE = (sqlite3.OperationalError,)
# set on each connection: they last only as long as the connection
SESSION = ("synchronous=NORMAL", "foreign_keys=ON")


def utc_text(moment: datetime) -> str:
    """Times are stored as UTC ISO-8601 text, so they sort and compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


class Tx:
    """One open transaction: the statements a repository runs inside it, on the loop's
    connection (`local`) until one finds the file busy, then on aiosqlite's thread."""

    def __init__(self, thread: aiosqlite.Connection, local: sqlite3.Connection | None):
        self.thread = thread
        self.local = local  # None: the block runs on the thread

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        """A write; the cursor (`rowcount`, `lastrowid`) of whichever connection ran it."""
        if self._writing_locally():
            return self.local.execute(sql, tuple(params))  # type: ignore[union-attr]
        return await self.thread.execute(sql, tuple(params))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        if self.local is not None:
            try:
                return self.local.execute(sql, tuple(params)).fetchall()
            except sqlite3.OperationalError as error:
                if not self._moved_by(error):
                    raise
        return list(await self.thread.execute_fetchall(sql, tuple(params)))

    async def changed(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a write and say how many rows it touched (compare-and-set, claims)."""
        cursor = await self.execute(sql, params)
        return cursor.rowcount

    async def begin(self) -> None:
        """Open the write transaction now rather than at the first write: for a pragma
        that lasts only as long as the transaction it is set in."""
        if not self._writing_locally() and not self.thread.in_transaction:
            await self.thread.execute("BEGIN IMMEDIATE")

    def _writing_locally(self) -> bool:
        """Whether this block writes on the loop: it holds the write lock there (taken at
        its first write), or takes it now; False once the block is on the thread."""
        if self.local is None:
            return False
        if self.local.in_transaction:
            return True
        try:
            self.local.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if not self._moved_by(error):
                raise
            return False
        return True

    def _moved_by(self, error: sqlite3.OperationalError) -> bool:
        """The loop's connection found the file busy. With nothing written there yet, the
        block moves to the thread, where waiting for the lock leaves the loop free."""
        if self.local is None or self.local.in_transaction or not _busy(error):
            return False
        self.local = None
        return True


class Database:
    """Created with a path at wiring time, opened inside the event loop (PTB's post_init)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._connection: aiosqlite.Connection | None = None
        self._local: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._local_commits = 0
        self._checkpoint: asyncio.Task[None] | None = None

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
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", *SESSION):
            await self._connection.execute(f"PRAGMA {pragma}")
        await self.migrate()
        if self.path != ":memory:":  # a second connection to :memory: is another database
            self._local = self._open_local()
        return self

    def _open_local(self) -> sqlite3.Connection:
        """The loop's connection: transactions begun by `Tx` itself (IMMEDIATE, at the
        first write), no busy timeout, no checkpoints (module docstring)."""
        local = sqlite3.connect(self.path, isolation_level=None)
        local.row_factory = sqlite3.Row
        for pragma in ("busy_timeout=0", "wal_autocheckpoint=0", *SESSION):
            local.execute(f"PRAGMA {pragma}")
        return local

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        if self._local is not None:
            self._local.close()
            self._local = None
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
    async def transaction(self, *, on_loop: bool = True) -> AsyncIterator[Tx]:
        """A block of reads and writes under the lock, committed whole or rolled back whole.

        `on_loop=False` for a block over many people (the daily tick writes a row per
        subscriber): all of it on the thread, so the loop never stalls on it.
        The reads before the first write see what this process committed last: nothing
        else in it writes while the lock is held (another process's write to a dialog is
        caught by the compare-and-set on its revision).
        """
        async with self._lock:
            try:
                yield Tx(self.connection, self._local if on_loop else None)
                if self._local is not None and self._local.in_transaction:
                    self._local.commit()
                    self._committed_locally()
                if self.connection.in_transaction:
                    await self.connection.commit()
            except BaseException:
                await self._rollback()
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read: under the same lock, so no other coroutine's open write shows.
        A write inside it is a mistake that would hold the file's lock: it is undone."""
        async with self._lock:
            yield Tx(self.connection, self._local)
            if self._local is not None and self._local.in_transaction:
                self._local.rollback()
                raise RuntimeError("a write inside Database.read(): use transaction()")

    @asynccontextmanager
    async def scan(self) -> AsyncIterator[Tx]:
        """A read over whole tables (the admin's figures take 70 to 150 ms at 100,000 people):
        through the thread, so the loop never stalls on it."""
        async with self._lock:
            yield Tx(self.connection, None)

    async def ping(self) -> None:
        """Both connections read the file, aiosqlite's through its thread: the health
        check's question is whether the database answers reads and could take a write."""
        probe = "SELECT count(*) FROM sqlite_master"
        async with self._lock:
            await self.connection.execute_fetchall(probe)
            await Tx(self.connection, self._local).all(probe)  # on the loop, unless busy

    def _committed_locally(self) -> None:
        self._local_commits += 1
        if self._local_commits % CHECKPOINT_EVERY == 0 and self._checkpoint is None:
            self._checkpoint = asyncio.get_running_loop().create_task(self._checkpoint_log())

    async def _checkpoint_log(self) -> None:
        """Copy the log's pages into the file, on the thread: PASSIVE waits for no reader
        or writer (another process's included), only for the disk."""
        try:
            async with self._lock:
                rows = await self.connection.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
            _, frames, copied = next(iter(rows))
            if frames > LOG_WARN_FRAMES and copied < frames:
                log.warning("the log holds %s pages, %s copied: a reader pins it", frames, copied)
        except Exception:
            log.exception("checkpoint failed; the next one tries again")
        finally:
            self._checkpoint = None

    async def _rollback(self) -> None:
        if self._local is not None and self._local.in_transaction:
            self._local.rollback()
        if self.connection.in_transaction:
            await self.connection.rollback()
