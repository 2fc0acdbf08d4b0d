"""The journal's reads over `calls`, its changes through their owners, and `label_prompts`.

Every statement names the person: one person's journal can never show, change or delete
another's call, whatever id a forged button carries. The journal writes only its own
table, `label_prompts`; a record's outcome, label or deletion goes through
`bot.call.records` and `bot.followup.reminders`, which own `calls` and `reminders`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.call import records as calls
from bot.database.connection import Tx, utc_text
from bot.followup import reminders

PAGE = 5
LABEL_LIMIT = 40  # a client's name or company, not a description
RECENT_LABELS = 6


@dataclass(frozen=True)
class Month:
    calls: int
    kept: int
    due: int
    missed: int


@dataclass(frozen=True)
class LabelHistory:
    label: str
    calls: int
    flareups: int
    rude_exits: int
    last_follow_up: str | None  # done, feedback, missed, or None (no answer yet)


async def month(tx: Tx, user_id: int, since: datetime, now: datetime) -> Month:
    """Calls since the start of the month; promises kept, still due and missed."""
    row = await tx.one(
        """SELECT COUNT(*) AS calls,
                  SUM(follow_up IN ('done', 'feedback')) AS kept,
                  SUM(follow_up IS NULL AND due_at > ?) AS due,
                  SUM(follow_up = 'missed' OR (follow_up IS NULL AND due_at <= ?)) AS missed
           FROM calls WHERE user_id = ? AND started_at >= ?""",
        (utc_text(now), utc_text(now), user_id, utc_text(since)),
    )
    assert row is not None
    return Month(row["calls"], row["kept"] or 0, row["due"] or 0, row["missed"] or 0)


async def practice(tx: Tx, user_id: int) -> tuple[int, int]:
    """Practice rounds finished and the best total (the trainer's results live here too)."""
    row = await tx.one(
        "SELECT COUNT(*) AS n, COALESCE(MAX(total), 0) AS best FROM practice_results "
        "WHERE user_id = ?",
        (user_id,),
    )
    assert row is not None
    return row["n"], row["best"]


# a call with how its latest reminder went: one Telegram refused shows as not delivered
CALL_ROW = """SELECT c.*, (SELECT r.status FROM reminders r WHERE r.call_id = c.id
                           ORDER BY r.id DESC LIMIT 1) AS reminder
              FROM calls c"""


async def page(tx: Tx, user_id: int, offset: int) -> tuple[list[sqlite3.Row], bool]:
    """Five calls, newest first, and whether older ones follow."""
    rows = await tx.all(
        f"""{CALL_ROW} WHERE c.user_id = ? ORDER BY c.started_at DESC, c.id DESC
            LIMIT ? OFFSET ?""",
        (user_id, PAGE + 1, offset),
    )
    return rows[:PAGE], len(rows) > PAGE


async def record(tx: Tx, user_id: int, call_id: int) -> sqlite3.Row | None:
    return await tx.one(f"{CALL_ROW} WHERE c.id = ? AND c.user_id = ?", (call_id, user_id))


async def set_follow_up(tx: Tx, user_id: int, call_id: int, outcome: str | None) -> bool:
    """The person corrects how the promise ended (kept, missed, or not known yet)."""
    changed = await calls.set_follow_up(tx, user_id, call_id, outcome)
    if changed and outcome is not None:  # an answered promise needs no more reminding
        await reminders.settle_call(tx, user_id, call_id)
    return changed


async def delete(tx: Tx, user_id: int, call_id: int) -> bool:
    """The record and what hangs on it (its reminders, an open label prompt)."""
    await reminders.drop_call(tx, user_id, call_id)
    await tx.execute(
        "DELETE FROM label_prompts WHERE call_id = ? AND user_id = ?", (call_id, user_id)
    )
    return await calls.delete_call(tx, user_id, call_id)


async def latest_call(tx: Tx, user_id: int) -> int | None:
    row = await tx.one(
        "SELECT id FROM calls WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,)
    )
    return row["id"] if row else None


async def ask_label(tx: Tx, user_id: int, call_id: int, now: datetime) -> None:
    await tx.execute(
        """INSERT INTO label_prompts (user_id, call_id, asked_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET call_id = excluded.call_id,
               asked_at = excluded.asked_at""",
        (user_id, call_id, utc_text(now)),
    )


async def take_label(tx: Tx, user_id: int, label: str, since: datetime) -> bool:
    """The label for the call whose prompt is open (asked after `since`); closes it."""
    row = await tx.one(
        "SELECT call_id FROM label_prompts WHERE user_id = ? AND asked_at >= ?",
        (user_id, utc_text(since)),
    )
    await tx.execute("DELETE FROM label_prompts WHERE user_id = ?", (user_id,))
    if row is None:
        return False
    await calls.set_label(tx, user_id, row["call_id"], label)
    return True


async def drop_prompt(tx: Tx, user_id: int) -> None:
    await tx.execute("DELETE FROM label_prompts WHERE user_id = ?", (user_id,))


async def recent_labels(tx: Tx, user_id: int) -> list[str]:
    rows = await tx.all(
        """SELECT client_label FROM calls WHERE user_id = ? AND client_label IS NOT NULL
           GROUP BY client_label ORDER BY MAX(started_at) DESC LIMIT ?""",
        (user_id, RECENT_LABELS),
    )
    return [row["client_label"] for row in rows]


async def label_history(tx: Tx, user_id: int, label: str) -> LabelHistory | None:
    row = await tx.one(
        """SELECT COUNT(*) AS calls, COALESCE(SUM(flareups), 0) AS flareups,
                  COALESCE(SUM(outcome = 'rude_exit'), 0) AS rude_exits,
                  (SELECT follow_up FROM calls c2 WHERE c2.user_id = ? AND c2.client_label = ?
                   AND c2.due_at IS NOT NULL ORDER BY c2.started_at DESC LIMIT 1) AS last
           FROM calls WHERE user_id = ? AND client_label = ?""",
        (user_id, label, user_id, label),
    )
    if row is None or not row["calls"]:
        return None
    return LabelHistory(label, row["calls"], row["flareups"], row["rude_exits"], row["last"])
