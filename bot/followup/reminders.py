"""The `reminders` table: the follow-up of a promise made on a call, and its answer.

A reminder stays `pending` until a delivery of it is known to have left (`sent`): one
that surely never arrived is tried again on a later tick, one to a person who blocked
the bot waits for their return. Answers are taken once; a second tap finds it answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.call.records import call_id
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
    call = await call_id(tx, user_id, call_no)
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


async def _answer(tx: Tx, reminder_id: int, user_id: int, status: str, now: datetime) -> bool:
    """Mark a reminder answered once; a second tap finds it answered already."""
    changed = await tx.changed(
        """UPDATE reminders SET status = ?, answered_at = ?
           WHERE id = ? AND user_id = ? AND status IN ('sent', 'pending')""",
        (status, utc_text(now), reminder_id, user_id),
    )
    return changed == 1


async def answer_reminder(
    tx: Tx, reminder_id: int, user_id: int, status: str, now: datetime
) -> bool:
    """*Done* or *the client gave feedback*: the answer goes into the call record."""
    if not await _answer(tx, reminder_id, user_id, status, now):
        return False
    await tx.execute(
        "UPDATE calls SET follow_up = ? WHERE id = (SELECT call_id FROM reminders WHERE id = ?)",
        (status, reminder_id),
    )
    return True


async def snooze(tx: Tx, reminder_id: int, user_id: int, due: datetime, now: datetime) -> bool:
    """A snooze is a new reminder for the same call, in the same transaction."""
    if not await _answer(tx, reminder_id, user_id, "snoozed", now):
        return False
    await tx.execute(
        """INSERT INTO reminders (user_id, call_id, due_at, created_at)
           SELECT user_id, call_id, ?, ? FROM reminders WHERE id = ?""",
        (utc_text(due), utc_text(now), reminder_id),
    )
    await tx.execute(  # the journal shows the promise as due at its new moment
        "UPDATE calls SET due_at = ? WHERE id = (SELECT call_id FROM reminders WHERE id = ?)",
        (utc_text(due), reminder_id),
    )
    return True


async def take_note(tx: Tx, user_id: int, note: str, since: datetime) -> bool:
    """Text after *the client gave feedback* is that feedback, if it comes soon enough."""
    rows = await tx.all(
        """SELECT id, call_id FROM reminders WHERE user_id = ? AND status = 'feedback'
           AND note IS NULL AND answered_at >= ? ORDER BY answered_at DESC LIMIT 1""",
        (user_id, utc_text(since)),
    )
    for row in rows:
        await tx.execute("UPDATE reminders SET note = ? WHERE id = ?", (note, row["id"]))
        await tx.execute("UPDATE calls SET follow_up_note = ? WHERE id = ?", (note, row["call_id"]))
    return bool(rows)
