"""The same database on PostgreSQL (`COACH_DATABASE_URL`), for several instances at once.

It keeps the SQLite side's shape, so the features' SQL (written with `?`) serves both.
Each block takes a pooled connection; a dialog written by another instance is caught by
its revision's compare-and-set. What instances share comes from the database too: a
person's turn is an advisory lock (`person()`) on a pool of its own, and the scheduler
runs where the leader lock is (`lead()`)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from bot.database.dialect import POSTGRES
from bot.schema import MIGRATIONS

log = logging.getLogger(__name__)
POOL_SIZE = 10  # blocks at once; a block holds its connection for milliseconds
TURN_POOL_SIZE = 20  # people whose updates run at once in this instance
CONNECT_TIMEOUT = 5.0
# advisory lock keys: a person's turn is their (positive) user id, ours are below zero
MIGRATION_LOCK = -1  # one instance migrates, the others wait
LEADER_LOCK = -2  # the scheduler's
_PLACEHOLDER = re.compile(r"\?(\d*)")
# SQLSTATE classes and codes of a database that cannot serve now, not of a bug in our SQL
UNAVAILABLE_STATES = ("08", "53", "57P", "40001", "40P01", "55P03", "25006")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's `$1, $2…`, and SQLite's numbered `?2` as `$2` (no
    statement has a `?` in a literal). Remembered: every statement is one of a few hundred
    texts, run again on every press."""
    count = iter(range(1, 1_000))
    return _PLACEHOLDER.sub(lambda found: f"${found[1] or next(count)}", sql)


class Unreachable(Exception):
    """The server could not be reached, or the connection to it broke, during a block."""


class CannotOpen(RuntimeError):
    """At the start: the server refused or could not be reached. The message names the
    host and database, never the password, and says what to check."""


_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.InterfaceError)


def unavailable(error: BaseException) -> bool:
    """Whether the server could not serve a block now (unreachable, restarting, out of
    connections or disk, read-only, a conflict that is retried): the block rolled back
    whole and the person may try again. A missing column or a syntax error is a bug."""
    if isinstance(error, asyncpg.PostgresError):
        state = error.sqlstate or ""
        return state.startswith(UNAVAILABLE_STATES)
    return isinstance(error, Unreachable)


class Changed:
    """What a write reports, as sqlite3's cursor does: how many rows it touched."""

    def __init__(self, status: str) -> None:
        last = status.rsplit(" ", 1)[-1]
        self.rowcount = int(last) if last.isdigit() else -1


class PgTx:
    """One open block on one connection, inside its transaction."""

    dialect = POSTGRES

    def __init__(self, connection: asyncpg.Connection, trace: Callable[[str], object] | None):
        self.connection = connection
        self.trace = trace
        self.last_written = False  # by `changed(last=True)`: later writes are refused

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> Changed:
        if self.last_written:
            raise RuntimeError("a write after the block's last one")
        if self.trace:
            self.trace(sql)
        return Changed(await self.connection.execute(numbered(sql), *params))

    async def one(self, sql: str, params: Iterable[Any] = ()) -> asyncpg.Record | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[asyncpg.Record]:
        if self.trace:
            self.trace(sql)
        return await self.connection.fetch(numbered(sql), *params)

    async def changed(self, sql: str, params: Iterable[Any] = (), *, last: bool = False) -> int:
        """`last`: as on SQLite (`SqliteTx.changed`), but the commit stays at the block's end,
        one round trip to the server either way."""
        rowcount = (await self.execute(sql, params)).rowcount
        self.last_written = last
        return rowcount

    async def begin(self) -> None:
        """The block is a transaction from its start: nothing to open."""


class PostgresDatabase:
    """Created with a URL at wiring time, opened inside the event loop (PTB's post_init)."""

    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None
        self._turns: asyncpg.Pool | None = None
        self._lead_connection: asyncpg.Connection | None = None
        self._leading = False
        self._trace: Callable[[str], object] | None = None
        self.answered_at: float | None = None  # the loop's time of the last block done: health
        self.last_error: str | None = None  # why the last block could not reach the server

    @property
    def connection(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    async def open(self, until: int | None = None) -> PostgresDatabase:
        """`until`: stop after that many migrations (a test's database of an older version)."""
        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=POOL_SIZE, timeout=CONNECT_TIMEOUT
            )
            self._turns = await asyncpg.create_pool(
                self.url, min_size=0, max_size=TURN_POOL_SIZE, timeout=CONNECT_TIMEOUT
            )
        except (*_CONNECTION_ERRORS, asyncpg.PostgresError) as error:
            where = urlsplit(self.url)
            raise CannotOpen(
                f"PostgreSQL at {where.hostname}:{where.port or 5432}{where.path} could not be"
                f" opened ({type(error).__name__}): is COACH_DATABASE_URL right, the server up?"
            ) from None
        await self.migrate(until)
        return self

    async def close(self) -> None:
        if self._lead_connection is not None:
            await self._lead_connection.close()
        for pool in (self._turns, self._pool):
            if pool is not None:
                await pool.close()
        self._pool = self._turns = self._lead_connection = None

    async def migrate(self, until: int | None = None) -> None:
        """The SQLite migrations in PostgreSQL's dialect, each in its transaction, under a
        lock so that instances started together apply each once."""
        async with self.connection.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            version = await connection.fetchval("SELECT max(version) FROM schema_version") or 0
            for number, script in enumerate(MIGRATIONS[version:until], start=version + 1):
                translated = POSTGRES.migration(number, script)
                if translated.strip():
                    await connection.execute(translated)
                await connection.execute("INSERT INTO schema_version VALUES ($1)", number)

    async def trace(self, callback: Callable[[str], object] | None) -> None:
        """Hand every statement a block runs to `callback` (None stops)."""
        self._trace = callback

    @asynccontextmanager
    async def transaction(self, *, on_loop: bool = False) -> AsyncIterator[PgTx]:
        """A block of reads and writes on its own connection, committed or rolled back whole.
        `on_loop` means nothing here: every block's wait is on the loop already."""
        async with self._block(readonly=False) as tx:
            yield tx

    @asynccontextmanager
    async def read(self, *, on_loop: bool = False) -> AsyncIterator[PgTx]:
        """A consistent read: one snapshot, and a write inside it fails."""
        async with self._block(readonly=True) as tx:
            yield tx

    @asynccontextmanager
    async def _block(self, *, readonly: bool) -> AsyncIterator[PgTx]:
        async with (
            self._watch(readonly),
            self.connection.acquire() as connection,
            connection.transaction(
                isolation="repeatable_read" if readonly else "read_committed",
                readonly=readonly,
            ),
        ):
            yield PgTx(connection, self._trace)

    @asynccontextmanager
    async def _watch(self, readonly: bool = False) -> AsyncIterator[None]:
        """Whether the server answered, for health: what could not reach it is raised as
        `Unreachable` and remembered until something reaches it again."""
        try:
            yield
        except _CONNECTION_ERRORS as error:
            self.last_error = f"unreachable: {type(error).__name__}"
            raise Unreachable(str(error)) from error
        except asyncpg.ReadOnlySQLTransactionError as error:
            if readonly:  # our own read-only block, not a read-only server
                raise RuntimeError("a write inside Database.read(): use transaction()") from error
            self.last_error = f"unreachable: {type(error).__name__} (a read-only server)"
            raise
        except asyncpg.PostgresError as error:
            if unavailable(error):
                self.last_error = f"unreachable: {type(error).__name__} ({error.sqlstate})"
            raise
        self.last_error = None
        self.answered_at = asyncio.get_running_loop().time()

    async def checkpoint(self) -> bool:
        """Nothing to cut: deleted rows leave no log of ours (VACUUM reclaims their space)."""
        return True

    @asynccontextmanager
    async def person(self, user_id: int) -> AsyncIterator[None]:
        """This person's turn across every instance: their updates are applied one at a
        time whichever instance receives them. A server out of reach gives no turn: the
        update goes on, and its first block fails into the "try again" card."""
        assert self._turns is not None
        connection = None
        try:
            connection = await self._turns.acquire()
            await connection.execute("SELECT pg_advisory_lock($1)", user_id)
        except (*_CONNECTION_ERRORS, asyncpg.PostgresError):
            log.warning("no turn for %s: the database is out of reach", user_id)
            if connection is not None:  # taken from the pool, but no lock on it
                await self._turns.release(connection)
            yield
            return
        try:
            yield
        finally:
            try:
                await connection.execute("SELECT pg_advisory_unlock($1)", user_id)
                await self._turns.release(connection)
            except (*_CONNECTION_ERRORS, asyncpg.PostgresError):
                connection.terminate()  # the server frees a dead session's locks itself

    async def lead(self) -> bool:
        """Whether this instance runs the scheduler: the leader lock is held on a connection
        of its own, which the server frees when the connection dies (a killed instance), so
        another instance takes it at its next tick."""
        async with self._watch():
            if self._lead_connection is None or self._lead_connection.is_closed():
                self._leading = False
                self._lead_connection = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT)
            try:
                if self._leading:  # still ours while the connection lives
                    await self._lead_connection.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT)
                else:
                    self._leading = await self._lead_connection.fetchval(
                        "SELECT pg_try_advisory_lock($1)", LEADER_LOCK, timeout=CONNECT_TIMEOUT
                    )
            except BaseException:
                self._lead_connection.terminate()
                self._lead_connection, self._leading = None, False
                raise
        return self._leading
