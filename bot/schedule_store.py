"""What tips and the scheduler keep in SQLite: subscriptions, tip history and feedback,
claimed deliveries, reminders.

A delivery is *claimed* — a row unique per (user, kind, key) — before anything is sent,
so a crash or a restart can never send the same tip or reminder twice: the second claim
simply finds the row there. Shares the connection and write lock of `Storage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.storage import Storage, utc_text
from dialogs.schedule import Subscription


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    chat_id: int
    language: str | None
    telegram_language: str | None
    timezone: str | None
    subscription: Subscription


@dataclass(frozen=True)
class DueReminder:
    id: int
    user_id: int
    timezone: str
    complaint: str | None
    promise: str | None
    started_at: str


def _subscription(row: Any) -> Subscription:
    paused = row["paused_until"]
    return Subscription(
        enabled=bool(row["enabled"]),
        local_time=row["local_time"],
        paused_until=date.fromisoformat(paused) if paused else None,
    )


class ScheduleStore:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        async with self.storage.db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def subscription(self, user_id: int) -> Subscription:
        rows = await self._rows(
            "SELECT enabled, local_time, paused_until FROM subscriptions WHERE user_id = ?",
            (user_id,),
        )
        return _subscription(rows[0]) if rows else Subscription(enabled=False, local_time="09:00")

    async def save_subscription(self, user_id: int, sub: Subscription, now: datetime) -> None:
        paused = sub.paused_until.isoformat() if sub.paused_until else None
        async with self.storage.transaction() as db:
            await db.execute(
                """INSERT INTO subscriptions
                       (user_id, enabled, local_time, paused_until, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled,
                       local_time = excluded.local_time, paused_until = excluded.paused_until,
                       updated_at = excluded.updated_at""",
                (user_id, int(sub.enabled), sub.local_time, paused, utc_text(now)),
            )

    async def set_timezone(self, user_id: int, zone_name: str) -> None:
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE users SET timezone = ? WHERE user_id = ?", (zone_name, user_id)
            )

    async def set_active(self, user_id: int, active: bool) -> None:
        """Blocked or kicked: nothing more is sent, reminders included, until they write again."""
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id)
            )

    async def offer_daily_once(self, user_id: int) -> bool:
        """True the first time only: the subscription is offered once after a finished call."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                """UPDATE users SET daily_offered = 1 WHERE user_id = ? AND daily_offered = 0
                   AND NOT EXISTS (SELECT 1 FROM subscriptions s
                                   WHERE s.user_id = users.user_id AND s.enabled = 1)""",
                (user_id,),
            )
            return cursor.rowcount == 1

    async def subscribers(self) -> list[Subscriber]:
        rows = await self._rows(
            """SELECT u.user_id, u.chat_id, u.language, u.telegram_language, u.timezone,
                      s.enabled, s.local_time, s.paused_until
               FROM subscriptions s JOIN users u USING (user_id)
               WHERE s.enabled = 1 AND u.active = 1"""
        )
        return [
            Subscriber(
                row["user_id"],
                row["chat_id"],
                row["language"],
                row["telegram_language"],
                row["timezone"],
                _subscription(row),
            )
            for row in rows
        ]

    async def claimed(self, kind: str, keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
        """Which of these (user, key) deliveries are already claimed (sent or in flight)."""
        wanted = set(keys)
        distinct = sorted({key for _, key in wanted})
        if not distinct:
            return set()
        marks = ",".join("?" * len(distinct))
        rows = await self._rows(
            f"SELECT user_id, key FROM deliveries WHERE kind = ? AND key IN ({marks})",
            (kind, *distinct),
        )
        return {(row["user_id"], row["key"]) for row in rows} & wanted

    async def claim(self, user_id: int, kind: str, key: str, now: datetime) -> int | None:
        """Claim one delivery before sending it; None if it was claimed already."""
        async with self.storage.transaction() as db:
            cursor = await db.execute(
                """INSERT OR IGNORE INTO deliveries (user_id, kind, key, claimed_at, status)
                   VALUES (?, ?, ?, ?, 'claimed')""",
                (user_id, kind, key, utc_text(now)),
            )
            return cursor.lastrowid if cursor.rowcount == 1 else None

    async def finish(
        self, delivery_id: int, status: str, message_id: int | None = None, detail: str = ""
    ) -> None:
        async with self.storage.transaction() as db:
            await db.execute(
                "UPDATE deliveries SET status = ?, message_id = ?, detail = ? WHERE id = ?",
                (status, message_id, detail or None, delivery_id),
            )

    async def due_reminders(self, now: datetime) -> list[DueReminder]:
        rows = await self._rows(
            """SELECT r.id, r.user_id, c.timezone, c.complaint, c.promise, c.started_at
               FROM reminders r JOIN users u USING (user_id) JOIN calls c ON c.id = r.call_id
               WHERE r.status = 'pending' AND r.due_at <= ? AND u.active = 1
                 AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.kind = 'followup'
                                 AND d.user_id = r.user_id AND d.key = CAST(r.id AS TEXT))
               ORDER BY r.due_at""",
            (utc_text(now),),
        )
        return [DueReminder(**dict(row)) for row in rows]

    @staticmethod
    async def _answer(
        db: aiosqlite.Connection, reminder_id: int, user_id: int, status: str, now: datetime
    ) -> bool:
        """Mark a reminder answered once; a second tap finds it answered already."""
        cursor = await db.execute(
            """UPDATE reminders SET status = ?, answered_at = ?
               WHERE id = ? AND user_id = ? AND status IN ('sent', 'pending')""",
            (status, utc_text(now), reminder_id, user_id),
        )
        return cursor.rowcount == 1

    async def move_reminder(self, reminder_id: int, user_id: int, to: str, now: datetime) -> bool:
        """*Done* or *the client gave feedback*: the answer goes into the call record."""
        async with self.storage.transaction() as db:
            if not await self._answer(db, reminder_id, user_id, to, now):
                return False
            await db.execute(
                """UPDATE calls SET follow_up = ?
                   WHERE id = (SELECT call_id FROM reminders WHERE id = ?)""",
                (to, reminder_id),
            )
            return True

    async def snooze(self, reminder_id: int, user_id: int, due: datetime, now: datetime) -> bool:
        """A snooze is a new reminder for the same call, in the same transaction."""
        async with self.storage.transaction() as db:
            if not await self._answer(db, reminder_id, user_id, "snoozed", now):
                return False
            await db.execute(
                """INSERT INTO reminders (user_id, call_id, due_at, created_at)
                   SELECT user_id, call_id, ?, ? FROM reminders WHERE id = ?""",
                (utc_text(due), utc_text(now), reminder_id),
            )
            return True

    async def take_note(self, user_id: int, note: str, since: datetime) -> bool:
        """Text after *the client gave feedback* is that feedback, if it comes soon enough."""
        async with self.storage.transaction() as db:
            rows = await db.execute_fetchall(
                """SELECT id, call_id FROM reminders WHERE user_id = ? AND status = 'feedback'
                   AND note IS NULL AND answered_at >= ? ORDER BY answered_at DESC LIMIT 1""",
                (user_id, utc_text(since)),
            )
            for reminder_id, call_id in rows:
                await db.execute("UPDATE reminders SET note = ? WHERE id = ?", (note, reminder_id))
                await db.execute(
                    "UPDATE calls SET follow_up_note = ? WHERE id = ?", (note, call_id)
                )
            return bool(rows)

    async def release(self, delivery_id: int) -> None:
        """Give a claim back: the message surely never arrived, so a later tick may try."""
        async with self.storage.transaction() as db:
            await db.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))

    async def reopen_reminder(self, reminder_id: int) -> None:
        """A reminder the person could not get (blocked): pending again, for when they return."""
        async with self.storage.transaction() as db:
            await db.execute("UPDATE reminders SET status = 'pending' WHERE id = ?", (reminder_id,))
            await db.execute(
                "DELETE FROM deliveries WHERE kind = 'followup' AND key = ?", (str(reminder_id),)
            )

    async def mark_reminder_sent(self, reminder_id: int) -> None:
        async with self.storage.transaction() as db:
            await db.execute("UPDATE reminders SET status = 'sent' WHERE id = ?", (reminder_id,))

    async def tip_history(self, user_id: int) -> tuple[int, set[str]]:
        """The user's current tip cycle and the tips already seen in it."""
        async with self.storage.db.execute(
            """SELECT cycle, tip_id FROM tip_history WHERE user_id = ?
               AND cycle = (SELECT MAX(cycle) FROM tip_history WHERE user_id = ?)""",
            (user_id, user_id),
        ) as cursor:
            rows = await cursor.fetchall()
        return (rows[0]["cycle"] if rows else 1), {row["tip_id"] for row in rows}

    async def record_tip(
        self, user_id: int, tip_id: str, cycle: int, now: datetime, channel: str
    ) -> None:
        async with self.storage.transaction() as db:
            await db.execute(
                """INSERT INTO tip_history (user_id, tip_id, cycle, shown_at, channel)
                   VALUES (?, ?, ?, ?, ?)""",
                (user_id, tip_id, cycle, utc_text(now), channel),
            )

    async def record_feedback(
        self, user_id: int, tip_id: str, topic: str, useful: bool, now: datetime
    ) -> None:
        async with self.storage.transaction() as db:
            await db.execute(
                """INSERT OR REPLACE INTO tip_feedback (user_id, tip_id, topic, useful, at)
                   VALUES (?, ?, ?, ?, ?)""",
                (user_id, tip_id, topic, int(useful), utc_text(now)),
            )

    async def unwanted_topics(self, user_id: int) -> dict[str, int]:
        rows = await self._rows(
            """SELECT topic, COUNT(*) AS n FROM tip_feedback
               WHERE user_id = ? AND useful = 0 GROUP BY topic""",
            (user_id,),
        )
        return {row["topic"]: row["n"] for row in rows}
