"""The `deliveries` table: a daily tip or a reminder is claimed before it is sent.

A claim is a row unique per (person, kind, key), so a process crash or a restart never
sends the same thing twice: the second claim finds the row there (an OS crash can undo the
last commits, claims included: `docs/delivery.md`). What surely never arrived gives
its claim back; what may have arrived keeps it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.database.connection import Tx, utc_text
from bot.logs import masked

KEEP = timedelta(days=14)


async def claim(tx: Tx, user_id: int, kind: str, key: str, now: datetime) -> int | None:
    """Claim one delivery before sending it; None if it was claimed already."""
    row = await tx.one(
        """INSERT INTO deliveries (user_id, kind, key, claimed_at, status)
           VALUES (?, ?, ?, ?, 'claimed') ON CONFLICT (user_id, kind, key) DO NOTHING
           RETURNING id""",
        (user_id, kind, key, utc_text(now)),
    )
    return row["id"] if row is not None else None


async def claimed(tx: Tx, kind: str, user_id: int, key: str) -> bool:
    row = await tx.one(
        "SELECT 1 FROM deliveries WHERE kind = ? AND user_id = ? AND key = ?",
        (kind, user_id, key),
    )
    return row is not None


async def finish(
    tx: Tx, delivery_id: int, status: str, message_id: int | None = None, detail: str = ""
) -> None:
    """Record how a send ended; the detail is masked here too, as this is its one write
    path and whatever is stored goes out in backups and `/export`."""
    await tx.execute(
        "UPDATE deliveries SET status = ?, message_id = ?, detail = ? WHERE id = ?",
        (status, message_id, masked(detail) or None, delivery_id),
    )


async def release(tx: Tx, delivery_id: int) -> None:
    """Give a claim back: the message surely never arrived, so a later tick may try."""
    await tx.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))


async def release_key(tx: Tx, user_id: int, kind: str, key: str) -> None:
    await tx.execute(
        "DELETE FROM deliveries WHERE user_id = ? AND kind = ? AND key = ?", (user_id, kind, key)
    )


async def prune(tx: Tx, now: datetime) -> int:
    return await tx.changed(
        "DELETE FROM deliveries WHERE claimed_at < ? AND status != 'claimed'",
        (utc_text(now - KEEP),),
    )
