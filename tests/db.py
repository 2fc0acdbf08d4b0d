"""Reading and seeding the bot's SQLite file from tests, as an operator would: plain SQL.

Seeding goes through the same repository functions and step hooks the bot uses, so a
seeded call is exactly what a walked call would have left behind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.call.records import record_call
from bot.daily.subscriptions import save_subscription
from bot.database import users
from bot.database.connection import Database, Tx
from bot.database.dialogs import save_dialog
from bot.dialog.person import Person
from bot.dialog.service import Step
from bot.followup import schedule_follow_up
from dialogs.engine import DialogState
from dialogs.schedule import Subscription


def table_names(connection: sqlite3.Connection) -> list[str]:
    """Every table of the schema as the file itself lists it, SQLite's own left out."""
    found = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in found]


def rows(db_path: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with sqlite3.connect(db_path) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]


def call_record(db_path: Path | str, user_id: int, call_no: int = 1) -> dict[str, Any] | None:
    found = rows(
        db_path, "SELECT * FROM calls WHERE user_id = ? AND call_no = ?", (user_id, call_no)
    )
    return found[0] if found else None


@asynccontextmanager
async def seeding(db_path: Path | str) -> AsyncIterator[Tx]:
    db = await Database(db_path).open()
    try:
        async with db.transaction() as tx:
            yield tx
    finally:
        await db.close()


async def seed_user(
    tx: Tx, user_id: int, now: datetime, language: str = "ru", zone_name: str | None = None
) -> users.User:
    await users.record_arrival(tx, user_id, "T", language, now)
    if zone_name:
        await users.set_timezone(tx, user_id, zone_name)
    user = await users.load_user(tx, user_id)
    assert user is not None
    return user


async def seed_subscription(tx: Tx, user_id: int, local_time: str, now: datetime) -> None:
    """Subscribed the day before `now`: a minute that had passed when the settings were
    made is not caught up, and a seeded subscriber's tip is due at its minute."""
    await save_subscription(tx, user_id, Subscription(True, local_time), now - timedelta(days=1))


async def seed_call(tx: Tx, user: users.User, state: DialogState, now: datetime) -> None:
    """A call as its steps leave it: the dialog, its record and (when done) its reminder."""
    person = Person(user, "ru", user.timezone or "Europe/Moscow")
    step = Step(person, None, state, now)
    await record_call(tx, step)
    await schedule_follow_up(tx, step)
    await save_dialog(tx, user.user_id, state, None, now)


async def seed_overdue_follow_up(
    stub: Any, db_path: Path | str, now: datetime, user_id: int = 99, zone_name: str | None = None
) -> int:
    """A call finished yesterday whose promise reminder fell due two hours before `now`
    (while the bot was down, say)."""
    stub.add_user(user_id)
    async with seeding(db_path) as tx:
        user = await seed_user(tx, user_id, now - timedelta(days=1), zone_name=zone_name)
        due = (now - timedelta(hours=2)).isoformat()
        summary = DialogState(
            "call",
            "summary",
            status="done",
            values={"complaint": "сайт лежит", "promise": "поднимем к утру", "due_at": due},
        )
        await seed_call(tx, user, summary, now - timedelta(days=1))
    return user_id
