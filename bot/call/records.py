"""The `calls` table: one record per call, written in the same transaction as its step.

A call that never left its first card is not a call yet: tapping "new call" again and
again writes nothing, so the journal holds only calls that happened. This module is the
one that writes the table: the follow-up and the journal change a record through the
functions below, each naming the person, so a forged id never reaches another's call.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from bot.database.connection import Tx, utc_text
from bot.dialog.service import Step
from dialogs.call_flow import CALL_FLOW, reached_summary
from dialogs.engine import DialogState

# how the dialog's status reads in the record; a closed call was left unfinished (one that
# reached its summary is done, even when its lesson card is left open)
OUTCOMES = {"closed": "unfinished"}


def _untouched(state: DialogState) -> bool:
    return state.node == CALL_FLOW.start and not state.history and not state.values


def _recorded(state: DialogState) -> tuple[Any, ...]:
    """What the record says of a call's state: a step that changes none of it (moving
    between cards, opening a "why") writes nothing."""
    values = state.values
    done = reached_summary(state)
    due = values.get("due_at") or None
    return (
        values.get("complaint"),
        values.get("promise"),
        values.get("fault"),
        values.get("remind"),
        utc_text(datetime.fromisoformat(due)) if due else None,
        state.flareups,
        "done" if done else OUTCOMES.get(state.status, state.status),
        values.get("cause"),
        values.get("lesson"),
    )


async def record_call(tx: Tx, step: Step) -> DialogState:
    """Upsert the call's record from its dialog state (the step hook of the call flow)."""
    state, before = step.after, step.before
    if _untouched(state) and (before is None or before.run != state.run):
        return state
    if state.status == "closed" and before is not None and _untouched(before):
        return state
    record = _recorded(state)
    same_call = before is not None and before.run == state.run
    if same_call and not _untouched(before) and _recorded(before) == record:
        return state
    stamp = utc_text(step.now)
    running = state.status == "active" and not reached_summary(state)
    await tx.execute(
        """INSERT INTO calls (user_id, call_no, started_at, updated_at, ended_at, timezone,
                              complaint, promise, fault, remind, due_at,
                              flareups, outcome, cause, lesson)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, call_no) DO UPDATE SET
               updated_at = excluded.updated_at, ended_at = excluded.ended_at,
               complaint = excluded.complaint, promise = excluded.promise,
               fault = excluded.fault, remind = excluded.remind,
               due_at = excluded.due_at, flareups = excluded.flareups,
               outcome = excluded.outcome, cause = excluded.cause,
               lesson = excluded.lesson""",
        (
            step.person.user_id,
            state.run,
            stamp,
            stamp,
            None if running else stamp,
            step.person.zone_name,
            *record,
        ),
    )
    return state


async def call_of_reminder(tx: Tx, reminder_id: int) -> dict[str, Any] | None:
    """The call a reminder belongs to: its `remind` choice says what the reminder is for."""
    row = await tx.one(
        "SELECT c.* FROM calls c JOIN reminders r ON r.call_id = c.id WHERE r.id = ?",
        (reminder_id,),
    )
    return dict(row) if row else None


async def call_id(tx: Tx, user_id: int, call_no: int) -> int | None:
    row = await tx.one("SELECT id FROM calls WHERE user_id = ? AND call_no = ?", (user_id, call_no))
    return row["id"] if row else None


async def call_record(tx: Tx, user_id: int, call_no: int) -> dict[str, Any] | None:
    row = await tx.one("SELECT * FROM calls WHERE user_id = ? AND call_no = ?", (user_id, call_no))
    return dict(row) if row else None


# what others may change in a record: how the promise ended, its moment, a label
Column = Literal["follow_up", "follow_up_note", "due_at", "client_label"]


async def _set(tx: Tx, user_id: int, call: int, column: Column, value: str | None) -> bool:
    changed = await tx.changed(
        f"UPDATE calls SET {column} = ? WHERE id = ? AND user_id = ?", (value, call, user_id)
    )
    return changed == 1


async def set_follow_up(tx: Tx, user_id: int, call: int, outcome: str | None) -> bool:
    """How the promise ended: done, feedback, missed, or None (not known yet)."""
    return await _set(tx, user_id, call, "follow_up", outcome)


async def set_follow_up_note(tx: Tx, user_id: int, call: int, note: str) -> None:
    """What the client said afterwards, typed after *the client gave feedback*."""
    await _set(tx, user_id, call, "follow_up_note", note)


async def move_due(tx: Tx, user_id: int, call: int, due: datetime) -> None:
    """A snoozed reminder: the journal shows the promise as due at its new moment."""
    await _set(tx, user_id, call, "due_at", utc_text(due))


async def set_label(tx: Tx, user_id: int, call: int, label: str) -> None:
    await _set(tx, user_id, call, "client_label", label)


async def delete_call(tx: Tx, user_id: int, call: int) -> bool:
    """The record alone: the caller first removes the rows that point to it."""
    changed = await tx.changed("DELETE FROM calls WHERE id = ? AND user_id = ?", (call, user_id))
    return changed == 1


# a person's stored calls: the oldest beyond go on the tick (said in /help)
CAP = 5000


async def expired(tx: Tx, before: datetime | None, limit: int) -> list[int]:
    """Up to `limit` calls due to go, oldest first: started before `before` (with no
    promise still ahead) or beyond their person's newest `CAP`. One with a label prompt
    open waits for it; reminders go first (`bot.followup.reminders.delete_older`)."""
    found: list[int] = []
    if before is not None:
        found += [
            row["id"]
            for row in await tx.all(
                """SELECT id FROM (SELECT id, started_at, due_at FROM calls
                                   ORDER BY id LIMIT ?1) AS oldest
                   WHERE started_at < ?2 AND (due_at IS NULL OR due_at < ?2)
                     AND NOT EXISTS (SELECT 1 FROM label_prompts p WHERE p.call_id = oldest.id)""",
                (limit, utc_text(before)),
            )
        ]
    if len(found) < limit:
        found += await _beyond_cap(tx, limit - len(found), set(found))
    return found


async def _beyond_cap(tx: Tx, limit: int, taken: set[int]) -> list[int]:
    """The oldest calls of people who stored more than `CAP`, read from the index of
    (person, number), so the count costs no row of text."""
    rows = await tx.all(
        """SELECT c.id FROM calls c
           JOIN (SELECT user_id FROM calls GROUP BY user_id HAVING count(*) > ?2) AS crowded
                USING (user_id)
           WHERE c.call_no <= (SELECT n.call_no FROM calls n WHERE n.user_id = c.user_id
                               ORDER BY n.call_no DESC LIMIT 1 OFFSET ?2)
             AND NOT EXISTS (SELECT 1 FROM label_prompts p WHERE p.call_id = c.id)
           ORDER BY c.id LIMIT ?1""",
        (limit + len(taken), CAP),
    )
    return [row["id"] for row in rows if row["id"] not in taken][:limit]


async def delete_older(tx: Tx, before: datetime | None, limit: int) -> int:
    """Retention and the cap: delete up to `limit` expired calls whose reminders are
    gone; how many went."""
    ids = await expired(tx, before, limit)
    if not ids:
        return 0
    return await tx.changed(
        f"""DELETE FROM calls WHERE id IN ({", ".join("?" for _ in ids)})
            AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.call_id = calls.id)""",
        ids,
    )
