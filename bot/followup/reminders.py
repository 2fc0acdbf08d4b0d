"""The `reminders` table, written only here: the follow-up of a promise made on a call.

A reminder stays `pending` until a delivery is known to have left: one that surely never
arrived is tried again, one to a person who blocked the bot waits for their return.
Answers are taken once; the call's record is updated through `bot.call.records`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.call import records as calls
from bot.database.connection import Tx, utc_text

KIND = "followup"
BATCH = 1000  # due reminders taken per tick; the rest come on the next ones


@dataclass(frozen=True)
class DueReminder:
    id: int
    user_id: int
    chat_id: int
    timezone: str
    complaint: str | None
    promise: str | None
    started_at: str


async def schedule(tx: Tx, user_id: int, call_no: int, due: datetime, now: datetime) -> None:
    """The promise's reminder, once per call."""
    call = await calls.call_id(tx, user_id, call_no)
    if call is None:
        return
    await tx.execute(
        """INSERT INTO reminders (user_id, call_id, due_at, created_at)
           SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM reminders WHERE call_id = ?)""",
        (user_id, call, utc_text(due), utc_text(now), call),
    )


async def due_reminders(tx: Tx, now: datetime) -> list[DueReminder]:
    rows = await tx.all(
        """SELECT r.id, r.user_id, u.chat_id, c.timezone, c.complaint, c.promise, c.started_at
           FROM reminders r JOIN users u USING (user_id) JOIN calls c ON c.id = r.call_id
           WHERE r.status = 'pending' AND r.due_at <= ? AND u.active = 1
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.kind = ?
                             AND d.user_id = r.user_id AND d.key = CAST(r.id AS TEXT))
           ORDER BY r.due_at LIMIT ?""",
        (utc_text(now), KIND, BATCH),
    )
    return [DueReminder(**dict(row)) for row in rows]


async def reminder(tx: Tx, reminder_id: int) -> DueReminder | None:
    row = await tx.one(
        """SELECT r.id, r.user_id, u.chat_id, c.timezone, c.complaint, c.promise, c.started_at
           FROM reminders r JOIN users u USING (user_id) JOIN calls c ON c.id = r.call_id
           WHERE r.id = ? AND r.status = 'pending'""",
        (reminder_id,),
    )
    return DueReminder(**dict(row)) if row else None


async def set_status(tx: Tx, reminder_id: int, status: str) -> None:
    await tx.execute("UPDATE reminders SET status = ? WHERE id = ?", (status, reminder_id))


async def _answer(tx: Tx, reminder_id: int, user_id: int, status: str, now: datetime) -> int | None:
    """Mark a reminder answered once: the id of its call, or None when a second tap
    finds it answered already."""
    changed = await tx.changed(
        """UPDATE reminders SET status = ?, answered_at = ?
           WHERE id = ? AND user_id = ? AND status IN ('sent', 'pending')""",
        (status, utc_text(now), reminder_id, user_id),
    )
    if changed != 1:
        return None
    row = await tx.one("SELECT call_id FROM reminders WHERE id = ?", (reminder_id,))
    assert row is not None
    return row["call_id"]


async def answer_reminder(
    tx: Tx, reminder_id: int, user_id: int, status: str, now: datetime
) -> bool:
    """*Done* or *the client gave feedback*: the answer goes into the call record."""
    call = await _answer(tx, reminder_id, user_id, status, now)
    if call is not None:
        await calls.set_follow_up(tx, user_id, call, status)
    return call is not None


async def snooze(tx: Tx, reminder_id: int, user_id: int, due: datetime, now: datetime) -> bool:
    """A snooze is a new reminder for the same call, in the same transaction."""
    call = await _answer(tx, reminder_id, user_id, "snoozed", now)
    if call is None:
        return False
    await tx.execute(
        "INSERT INTO reminders (user_id, call_id, due_at, created_at) VALUES (?, ?, ?, ?)",
        (user_id, call, utc_text(due), utc_text(now)),
    )
    await calls.move_due(tx, user_id, call, due)
    return True


async def take_note(tx: Tx, user_id: int, note: str, since: datetime) -> bool:
    """Text after *the client gave feedback* is that feedback, if it comes soon enough."""
    row = await tx.one(
        """SELECT id, call_id FROM reminders WHERE user_id = ? AND status = 'feedback'
           AND note IS NULL AND answered_at >= ? ORDER BY answered_at DESC LIMIT 1""",
        (user_id, utc_text(since)),
    )
    if row is None:
        return False
    await tx.execute("UPDATE reminders SET note = ? WHERE id = ?", (note, row["id"]))
    await calls.set_follow_up_note(tx, user_id, row["call_id"], note)
    return True


async def settle_call(tx: Tx, user_id: int, call: int) -> None:
    """The person says how the promise ended: it needs no more reminding."""
    await tx.execute(
        """UPDATE reminders SET status = 'answered'
           WHERE call_id = ? AND user_id = ? AND status IN ('pending', 'sent')""",
        (call, user_id),
    )


async def drop_call(tx: Tx, user_id: int, call: int) -> None:
    """The call's reminders, before the call record itself is deleted."""
    await tx.execute("DELETE FROM reminders WHERE call_id = ? AND user_id = ?", (call, user_id))


async def delete_older(tx: Tx, before: datetime | None, limit: int) -> int:
    """The reminders of the calls retention or the cap takes next, deleted before those
    calls (`bot.call.records.delete_older`), which they point to; how many went."""
    ids = await calls.expired(tx, before, limit)
    if not ids:
        return 0
    return await tx.changed(
        f"DELETE FROM reminders WHERE call_id IN ({', '.join('?' for _ in ids)})", ids
    )
