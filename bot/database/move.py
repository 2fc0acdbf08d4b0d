"""`python -m bot move-data --to postgresql://…`: the SQLite database copied into PostgreSQL.

Both sides are migrated first, then every table is copied with COPY in one transaction,
so a move interrupted halfway leaves the target empty and simply starts again. The
identity sequences are set past the copied ids and every table is counted on both sides.
A target that already holds people is refused: a move never merges two databases."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bot.database.connection import Database
from bot.database.postgres import PostgresDatabase

log = logging.getLogger(__name__)
BATCH = 5000  # rows read from SQLite and sent in one COPY


class MoveError(RuntimeError):
    """The move was refused or did not check out; the message says why."""


async def move(source: str | Path, url: str, say: Callable[[str], None] = log.info) -> dict:
    """Copy every table of the SQLite file `source` into the PostgreSQL at `url`; the row
    counts of each table, equal on both sides."""
    if not Path(source).is_file():
        raise MoveError(f"no SQLite database at {source}")
    sqlite = await Database(source).open()  # migrated to the latest schema, as the target
    await sqlite.close()
    target = await PostgresDatabase(url).open()
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader:
            tables = _tables(reader)
            async with target.connection.acquire() as connection, connection.transaction():
                people = await connection.fetchval("SELECT count(*) FROM users")
                if people:
                    raise MoveError(
                        f"the target already holds {people} people: move-data copies into "
                        "an empty database only"
                    )
                await connection.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in tables:
                    say(f"copying {table}")
                    await _copy(reader, connection, table)
                    await _advance_identity(connection, table)
            counts = await _compare(reader, target, tables)
    finally:
        await target.close()
    return counts


def _tables(reader: sqlite3.Connection) -> list[str]:
    rows = reader.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [name for (name,) in rows]


async def _copy(reader: sqlite3.Connection, connection, table: str) -> None:
    cursor = reader.execute(f"SELECT * FROM {table}")  # a name from the catalog
    columns = [description[0] for description in cursor.description]
    while rows := cursor.fetchmany(BATCH):
        await connection.copy_records_to_table(table, records=rows, columns=columns)


async def _advance_identity(connection, table: str) -> None:
    """Ids given from now on continue after the copied ones."""
    sequence = await connection.fetchval(
        """SELECT pg_get_serial_sequence($1, column_name) FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1
             AND is_identity = 'YES'""",
        table,
    )
    if sequence:
        await connection.execute(
            f"SELECT setval($1, COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)",
            sequence,
        )


async def _compare(reader: sqlite3.Connection, target: PostgresDatabase, tables: list[str]):
    counts = {}
    async with target.read() as tx:
        for table in tables:
            source = reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            copied = (await tx.one(f"SELECT count(*) AS n FROM {table}"))["n"]
            if source != copied:
                raise MoveError(f"{table}: {source} rows in SQLite, {copied} in PostgreSQL")
            counts[table] = copied
    return counts
