"""What tips keep: which tips a person has seen in the current cycle, and their 👍/👎.

Writes are idempotent (`ON CONFLICT`): a `/tip` and the daily tip may pick in the same
second, and a duplicate row must never abort a delivery. Only the current and previous
cycles are kept — the no-repeat rule needs no more.
"""

from __future__ import annotations

from datetime import datetime

from bot.database.connection import Tx, utc_text


async def seen_tips(tx: Tx, user_id: int) -> tuple[int, set[str]]:
    """The person's current tip cycle and the tips already seen in it."""
    rows = await tx.all(
        """SELECT cycle, tip_id FROM tip_history WHERE user_id = ?
           AND cycle = (SELECT MAX(cycle) FROM tip_history WHERE user_id = ?)""",
        (user_id, user_id),
    )
    return (rows[0]["cycle"] if rows else 1), {row["tip_id"] for row in rows}


async def record_tip(
    tx: Tx, user_id: int, tip_id: str, cycle: int, now: datetime, channel: str
) -> None:
    await tx.execute(
        """INSERT INTO tip_history (user_id, tip_id, cycle, shown_at, channel)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, cycle, tip_id) DO NOTHING""",
        (user_id, tip_id, cycle, utc_text(now), channel),
    )
    await tx.execute(
        "DELETE FROM tip_history WHERE user_id = ? AND cycle < ?", (user_id, cycle - 1)
    )


async def unrecord_tip(tx: Tx, user_id: int, tip_id: str) -> None:
    """A daily tip that surely never arrived is not counted as seen."""
    await tx.execute(
        """DELETE FROM tip_history WHERE user_id = ? AND tip_id = ?
           AND cycle = (SELECT MAX(cycle) FROM tip_history WHERE user_id = ?)""",
        (user_id, tip_id, user_id),
    )


async def record_feedback(
    tx: Tx, user_id: int, tip_id: str, topic: str, useful: bool, now: datetime
) -> None:
    await tx.execute(
        """INSERT INTO tip_feedback (user_id, tip_id, topic, useful, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (user_id, tip_id) DO UPDATE SET
               topic = excluded.topic, useful = excluded.useful, at = excluded.at""",
        (user_id, tip_id, topic, int(useful), utc_text(now)),
    )


async def unwanted_topics(tx: Tx, user_id: int) -> dict[str, int]:
    rows = await tx.all(
        """SELECT topic, COUNT(*) AS n FROM tip_feedback
           WHERE user_id = ? AND useful = 0 GROUP BY topic""",
        (user_id,),
    )
    return {row["topic"]: row["n"] for row in rows}
