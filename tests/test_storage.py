"""Storage against a real SQLite file: migrations, round trips, closing idle calls."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.migrations import MIGRATIONS
from bot.storage import Storage
from dialogs.engine import DialogState

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


async def test_migrations_run_once_and_set_the_schema_version(db_path):
    for _ in range(2):
        storage = await Storage(db_path).open()
        await storage.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_transition_and_its_call_record_survive_reopening(db_path):
    storage = await Storage(db_path).open()
    await storage.touch_user(7, 7, "Ann", "kk", NOW)
    state = DialogState(
        "call",
        "followup",
        revision=9,
        values={"complaint": "<b>x</b>", "due_at": "2026-11-23T19:00:00+05:00"},
        history=(("calm", 0), ("listen", 1)),
        flareups=1,
    )
    await storage.save_transition(7, state, now=NOW, timezone="Asia/Almaty", message_id=42)
    await storage.mark_shown(7, "call", 100, 9)
    await storage.close()

    storage = await Storage(db_path).open()
    stored = await storage.dialog(7, "call")
    assert stored.state == state and stored.message_id == 100 and stored.shown_revision == 9
    record = await storage.call_record(7, 1)
    assert record["complaint"] == "<b>x</b>" and record["due_at"] == "2026-11-23T14:00:00+00:00"
    assert record["outcome"] == "active" and record["flareups"] == 1
    assert (await storage.user(7)).last_message_id == 42
    await storage.close()


async def test_idle_calls_are_saved_as_unfinished_and_their_cards_go_stale(db_path):
    storage = await Storage(db_path).open()
    for user_id, age in ((1, timedelta(hours=4)), (2, timedelta(minutes=5))):
        await storage.touch_user(user_id, user_id, "", "ru", NOW)
        state = DialogState("call", "listen", revision=3)
        await storage.save_transition(user_id, state, now=NOW - age, timezone="Europe/Moscow")
    assert await storage.close_calls(NOW, idle_since=NOW - timedelta(hours=3)) == 1
    idle, fresh = await storage.dialog(1, "call"), await storage.dialog(2, "call")
    assert idle.state.status == "closed" and idle.state.revision == 4
    assert fresh.state.status == "active" and fresh.state.revision == 3
    assert (await storage.call_record(1, 1))["outcome"] == "unfinished"
    assert (await storage.call_record(2, 1))["outcome"] == "active"
    await storage.close()
