"""The `subscriptions` table: the daily tip's on/off, time of day, days and pause."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.database.connection import Tx, utc_text
from dialogs.schedule import Subscription

OFF = Subscription(enabled=False, local_time="09:00")
# Due rows taken per tick: more than a tick can send at Telegram's bulk rate, few enough that
# 10,000 people due in one minute do not become 10,000 waiting tasks in one go.
BATCH = 1000


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    chat_id: int
    language: str | None
    telegram_language: str | None
    timezone: str | None
    subscription: Subscription
    changed_at: datetime  # the settings, or the zone they are read in, last changed


def _subscription(row: sqlite3.Row) -> Subscription:
    paused = row["paused_until"]
    return Subscription(
        enabled=bool(row["enabled"]),
        local_time=row["local_time"],
        paused_until=date.fromisoformat(paused) if paused else None,
        workdays=bool(row["workdays"]),
    )


async def load_subscription(tx: Tx, user_id: int) -> Subscription:
    row = await tx.one(
        "SELECT enabled, local_time, paused_until, workdays FROM subscriptions WHERE user_id = ?",
        (user_id,),
    )
    return _subscription(row) if row else OFF


async def save_subscription(
    tx: Tx, user_id: int, sub: Subscription, now: datetime, next_due: datetime | None = None
) -> None:
    """The settings and the next tip's moment (None: the tick works it out)."""
    paused = sub.paused_until.isoformat() if sub.paused_until else None
    await tx.execute(
        """INSERT INTO subscriptions (user_id, enabled, local_time, paused_until, workdays,
                                      updated_at, next_due_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled,
               local_time = excluded.local_time, paused_until = excluded.paused_until,
               workdays = excluded.workdays, updated_at = excluded.updated_at,
               next_due_at = excluded.next_due_at""",
        (
            user_id,
            int(sub.enabled),
            sub.local_time,
            paused,
            int(sub.workdays),
            utc_text(now),
            utc_text(next_due) if next_due else None,
        ),
    )


async def set_next_due(tx: Tx, user_id: int, next_due: datetime | None) -> None:
    await tx.execute(
        "UPDATE subscriptions SET next_due_at = ? WHERE user_id = ?",
        (utc_text(next_due) if next_due else None, user_id),
    )


async def zone_moved(tx: Tx, user_id: int, now: datetime) -> None:
    """The person's zone moved: the tick works the next tip out again, from `now` on (a
    chosen minute that had passed by then is tomorrow's, not caught up at once)."""
    await tx.execute(
        "UPDATE subscriptions SET next_due_at = NULL, updated_at = ? WHERE user_id = ?",
        (utc_text(now), user_id),
    )


async def offer_once(tx: Tx, user_id: int, now: datetime) -> bool:
    """True the first time only: the subscription is offered once after a finished call."""
    return (
        await tx.changed(
            """INSERT INTO daily_offers (user_id, offered_at)
               SELECT CAST(? AS BIGINT), ? WHERE NOT EXISTS (SELECT 1 FROM subscriptions
                                             WHERE user_id = ? AND enabled = 1)
               ON CONFLICT (user_id) DO NOTHING""",
            (user_id, utc_text(now), user_id),
        )
        == 1
    )


async def maybe_due(tx: Tx, now: datetime) -> list[Subscriber]:
    """Subscribers whose next tip's moment has come, or is still to be worked out: the
    partial index on `next_due_at` answers, however many people subscribe."""
    rows = await tx.all(
        """SELECT u.user_id, u.chat_id, u.language, u.telegram_language, u.timezone,
                  s.enabled, s.local_time, s.paused_until, s.workdays, s.updated_at
           FROM subscriptions s JOIN users u USING (user_id)
           WHERE s.enabled = 1 AND (s.next_due_at IS NULL OR s.next_due_at <= ?)
             AND u.active = 1
           ORDER BY s.next_due_at LIMIT ?""",
        (utc_text(now), BATCH),
    )
    return [
        Subscriber(
            row["user_id"],
            row["chat_id"],
            row["language"],
            row["telegram_language"],
            row["timezone"],
            _subscription(row),
            datetime.fromisoformat(row["updated_at"]),
        )
        for row in rows
    ]
