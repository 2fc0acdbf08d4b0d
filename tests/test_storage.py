"""The database against a real SQLite file: migrations, round trips, closing idle calls."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.database import connection
from bot.database.connection import Database
from bot.database.dialogs import Conflict, load_dialog, save_dialog
from bot.database.migrations import MIGRATIONS
from dialogs.engine import DialogState
from tests.db import call_record, rows, seed_call, seed_user, seeding

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


async def test_migrations_run_once_and_set_the_schema_version(db_path):
    for _ in range(2):
        db = await Database(db_path).open()
        await db.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_the_log_of_writes_made_on_the_loop_is_checkpointed_and_stays_small(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop's connection never checkpoints (it would wait for the disk); the thread
    does, every few commits, so the WAL file stops growing instead of holding every write
    (without the checkpoints it reaches 3.9 MB here)."""
    monkeypatch.setattr(connection, "CHECKPOINT_EVERY", 10)
    db = await Database(db_path).open()
    try:
        for user_id in range(300):
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO users (user_id, chat_id, first_name, created_at, last_seen_at)"
                    " VALUES (?, ?, ?, '', '')",
                    (user_id, user_id, "x" * 3000),  # about a page per commit
                )
            await asyncio.sleep(0)  # as a person's press awaits Telegram between its blocks
        log_size = Path(f"{db_path}-wal").stat().st_size  # SQLite removes it at close
    finally:
        await db.close()
    assert log_size < 100 * 4096, "300 pages of writes, a few dozen in the log"
    with sqlite3.connect(db_path) as check:
        assert check.execute("SELECT count(*) FROM users").fetchone()[0] == 300


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
