"""The database against a real SQLite file: migrations, round trips, closing idle calls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.database import connection
from bot.database.connection import Database
from bot.database.dialogs import Conflict, load_dialog, save_dialog
from bot.schema import MIGRATIONS
from dialogs.engine import DialogState
from tests.db import call_record, rows, seed_call, seed_user, seeding, table_names

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


async def test_migrations_run_once_and_set_the_schema_version(db_path):
    for _ in range(2):
        db = await Database(db_path).open()
        await db.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_log_grown_while_a_reader_pinned_it_is_cut_back_to_the_size_limit(
    db_path: Path,
) -> None:
    """A reader holding a snapshot (a backup, an admin's shell) keeps the log from starting
    over, so it grows past `journal_size_limit`; once the reader is gone, the checkpoint
    that SQLite runs at a commit lets the log start over, cut back to the limit."""
    megabyte = 1024 * 1024
    limit_mb = connection.JOURNAL_SIZE_LIMIT // megabyte
    insert = (
        "INSERT INTO users (user_id, chat_id, first_name, created_at, last_seen_at)"
        " VALUES (?, ?, zeroblob(?), '', '')"
    )
    db = await Database(db_path).open()
    log = Path(f"{db_path}-wal")
    try:
        reader = sqlite3.connect(db_path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM users").fetchone()  # the snapshot is pinned
        for user_id in range(limit_mb + 4):
            async with db.transaction() as tx:
                await tx.execute(insert, (user_id, user_id, megabyte))
        grown = log.stat().st_size
        reader.execute("COMMIT")
        reader.close()
        for user_id in range(1000, 1003):  # a checkpoint, then a log that starts over
            async with db.transaction() as tx:
                await tx.execute(insert, (user_id, user_id, 10))
        after = log.stat().st_size  # SQLite removes it at close
    finally:
        await db.close()
    assert grown > connection.JOURNAL_SIZE_LIMIT, "the pinned snapshot let the log grow"
    assert after <= connection.JOURNAL_SIZE_LIMIT
    assert rows(db_path, "SELECT count(*) AS n FROM users") == [{"n": limit_mb + 7}]


async def test_every_table_of_a_person_is_indexed_by_user_id(db_path: Path) -> None:
    """/export, /forget and the journal find a person's rows by `user_id` in every table
    that has one: each such table has an index (or primary key) that starts with it."""
    db = await Database(db_path).open()
    await db.close()
    unindexed = []
    with sqlite3.connect(db_path) as check:
        tables = table_names(check)
        for table in tables:
            columns = {row[1]: row[5] for row in check.execute(f"PRAGMA table_info({table})")}
            if "user_id" not in columns or columns["user_id"] == 1:  # the key's first column
                continue
            firsts = {
                check.execute(f"PRAGMA index_info({index[1]})").fetchone()[2]
                for index in check.execute(f"PRAGMA index_list({table})")
            }
            if "user_id" not in firsts:
                unindexed.append(table)
    assert tables and unindexed == []


async def test_a_write_inside_a_read_is_undone_and_refused(db_path: Path) -> None:
    """`read()` commits nothing: a write there would keep the file's lock with nobody to
    let it go. It is rolled back and the mistake raised, and the file stays writable."""
    insert = (
        "INSERT INTO users (user_id, chat_id, first_name, created_at, last_seen_at)"
        " VALUES (?, ?, 'x', '', '')"
    )
    db = await Database(db_path).open()
    try:
        with pytest.raises(RuntimeError, match=r"inside Database\.read"):
            async with db.read() as tx:
                await tx.execute(insert, (1, 1))
        async with db.transaction() as tx:
            await tx.execute(insert, (2, 2))
    finally:
        await db.close()
    assert rows(db_path, "SELECT user_id FROM users") == [{"user_id": 2}]


async def test_a_call_and_its_record_survive_reopening(db_path):
    state = DialogState(
        "call",
        "followup",
        revision=9,
        values={"complaint": "<b>x</b>", "due_at": "2026-11-23T19:00:00+05:00"},
        history=(("calm", 0), ("listen", 1)),
        flareups=1,
    )
    async with seeding(db_path) as tx:
        user = await seed_user(tx, 7, NOW, "kk", "Asia/Almaty")
        await seed_call(tx, user, state, NOW)

    db = await Database(db_path).open()
    async with db.read() as tx:
        stored = await load_dialog(tx, 7, "call")
    await db.close()
    assert stored is not None and stored.state == state
    record = call_record(db_path, 7)
    assert record["complaint"] == "<b>x</b>" and record["due_at"] == "2026-11-23T14:00:00+00:00"
    assert record["outcome"] == "active" and record["flareups"] == 1


async def test_a_step_over_a_moved_revision_is_refused_and_rolls_back_whole(db_path):
    async with seeding(db_path) as tx:
        user = await seed_user(tx, 7, NOW)
        await seed_call(tx, user, DialogState("call", "listen", revision=3), NOW)
    db = await Database(db_path).open()
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await tx.execute("UPDATE users SET first_name = 'changed' WHERE user_id = 7")
            await save_dialog(tx, 7, DialogState("call", "restate", revision=4), 2, NOW)
    await db.close()
    assert rows(db_path, "SELECT revision FROM dialogs") == [{"revision": 3}]
    assert rows(db_path, "SELECT first_name FROM users") == [{"first_name": "T"}]


async def test_a_reminder_is_scheduled_once_per_finished_call(db_path):
    done = DialogState(
        "call", "summary", status="done", values={"due_at": "2026-11-23T19:00:00+05:00"}
    )
    async with seeding(db_path) as tx:
        user = await seed_user(tx, 7, NOW)
        await seed_call(tx, user, done, NOW)
    assert len(rows(db_path, "SELECT id FROM reminders")) == 1
    assert call_record(db_path, 7)["outcome"] == "done"
