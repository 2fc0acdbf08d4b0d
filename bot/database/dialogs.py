"""The `dialogs` table: one row per person and flow, the card each flow has on screen.

Saving is a compare-and-set on the revision: a step is written only over the revision it
was computed from, so two writers (a tap and the idle sweep, two processes) can never
both move a person — the second finds the revision moved and gets `Conflict`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.database.connection import Tx, utc_text
from dialogs.engine import DialogState

COLUMNS = "flow, node, revision, run, status, state_json, message_id, shown_revision, updated_at"


# the person's next touch number (their dialogs' highest, plus one): orders their dialogs by
# the last one touched where `updated_at`, in whole seconds, cannot
NEXT_TOUCH = "(SELECT COALESCE(MAX(touched), 0) + 1 FROM dialogs WHERE user_id = ?)"


class Conflict(Exception):
    """The dialog moved since it was read: the step is dropped, the transaction rolls back."""


@dataclass(frozen=True)
class StoredDialog:
    state: DialogState
    message_id: int | None
    shown_revision: int
    updated_at: datetime

    @property
    def behind(self) -> bool:
        """A step saved but never shown (the reply failed or the bot died)."""
        return self.shown_revision < self.state.revision


def _stored(row: sqlite3.Row) -> StoredDialog:
    extra = json.loads(row["state_json"])
    state = DialogState(
        flow=row["flow"],
        node=row["node"],
        revision=row["revision"],
        run=row["run"],
        status=row["status"],
        values=extra["values"],
        history=tuple((node, flares) for node, flares in extra["history"]),
        flareups=extra["flareups"],
    )
    return StoredDialog(
        state=state,
        message_id=row["message_id"],
        shown_revision=row["shown_revision"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


async def load_dialog(tx: Tx, user_id: int, flow: str) -> StoredDialog | None:
    row = await tx.one(
        f"SELECT {COLUMNS} FROM dialogs WHERE user_id = ? AND flow = ?", (user_id, flow)
    )
    return _stored(row) if row else None


async def load_dialogs(tx: Tx, user_id: int) -> list[StoredDialog]:
    """Every dialog of the person, the one touched last first."""
    rows = await tx.all(
        f"SELECT {COLUMNS} FROM dialogs WHERE user_id = ? ORDER BY touched DESC",
        (user_id,),
    )
    return [_stored(row) for row in rows]


async def save_dialog(
    tx: Tx,
    user_id: int,
    state: DialogState,
    expected: int | None,
    now: datetime,
    shown_at: int | None = None,
    last: bool = False,
) -> None:
    """Write `state` over revision `expected` (None: the person has no such dialog yet);
    `shown_at`: and record it as shown on that message, in the same statement (`mark_shown`);
    `last`: the block writes nothing after it (`Tx.changed`)."""
    extra = json.dumps(
        {"values": state.values, "history": state.history, "flareups": state.flareups},
        ensure_ascii=False,
    )
    row = (state.node, state.revision, state.run, state.status, extra, utc_text(now))
    shown = (shown_at, state.revision if shown_at is not None else 0)
    if expected is None:
        changed = await tx.changed(
            f"""INSERT INTO dialogs (node, revision, run, status, state_json, updated_at,
                                     message_id, shown_revision, user_id, flow, touched)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {NEXT_TOUCH})
                ON CONFLICT (user_id, flow) DO NOTHING""",
            (*row, *shown, user_id, state.flow, user_id),
            last=last,
        )
    else:
        changed = await tx.changed(
            f"""UPDATE dialogs SET node = ?, revision = ?, run = ?, status = ?,
                    state_json = ?, updated_at = ?, message_id = COALESCE(?, message_id),
                    shown_revision = {tx.dialect.greatest}(shown_revision, ?),
                    touched = {NEXT_TOUCH}
                WHERE user_id = ? AND flow = ? AND revision = ?""",
            (*row, *shown, user_id, user_id, state.flow, expected),
            last=last,
        )
    if changed != 1:
        raise Conflict(f"{state.flow} of {user_id} moved past revision {expected}")


async def mark_shown(
    tx: Tx,
    user_id: int,
    flow: str,
    message_id: int,
    revision: int,
    brought_up: datetime | None = None,
) -> None:
    """Remember which message shows the card and which revision it shows; a card sent anew
    at the bottom of the chat (`brought_up`) is the one the person now looks at."""
    stamp = utc_text(brought_up) if brought_up else None
    await tx.execute(
        f"""UPDATE dialogs SET message_id = ?,
                shown_revision = {tx.dialect.greatest}(shown_revision, ?),
                updated_at = COALESCE(?, updated_at),
                touched = CASE WHEN CAST(? AS TEXT) IS NULL THEN touched ELSE {NEXT_TOUCH} END
            WHERE user_id = ? AND flow = ?""",
        (message_id, revision, stamp, stamp, user_id, user_id, flow),
    )


async def unmark_shown(tx: Tx, user_id: int, flow: str, revision: int) -> None:
    """Revision `revision` was recorded as shown but never reached the screen."""
    await tx.execute(
        """UPDATE dialogs SET shown_revision = ? - 1
           WHERE user_id = ? AND flow = ? AND shown_revision = ?""",
        (revision, user_id, flow, revision),
    )


async def idle_dialogs(tx: Tx, flow: str, since: datetime) -> list[int]:
    """People whose running dialog of `flow` was last touched before `since` (partial index)."""
    rows = await tx.all(
        """SELECT user_id FROM dialogs
           WHERE flow = ? AND status = 'active' AND updated_at < ?""",
        (flow, utc_text(since)),
    )
    return [row["user_id"] for row in rows]
