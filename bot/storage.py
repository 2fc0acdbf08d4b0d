"""SQLite storage through aiosqlite: users, the dialog on each user's screen, call records.

Our own thin repository rather than an ORM: a handful of statements, and the one rule
that matters — a transition and its call record are one transaction, committed before
the reply is sent — is easiest to see in plain SQL. One connection is shared by every
handler, so writes are serialised by a lock: otherwise one user's commit could commit
another user's half-written transition.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.migrations import MIGRATIONS
from dialogs.engine import DialogState

CALL_FLOW = "call"


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    user_id: int
    chat_id: int
    first_name: str
    language: str | None
    telegram_language: str | None
    timezone: str | None
    last_message_id: int


@dataclass(frozen=True)
class StoredDialog:
    state: DialogState
    message_id: int | None
    shown_revision: int
    updated_at: datetime


class Storage:
    """Created with a path at wiring time, opened inside the event loop (PTB's post_init)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("storage is not open")
        return self._db

    async def open(self) -> Storage:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path)
        self._db.row_factory = aiosqlite.Row
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=5000",
            "foreign_keys=ON",
        ):
            await self._db.execute(f"PRAGMA {pragma}")
        await self.migrate()
        return self

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def migrate(self) -> None:
        async with self.db.execute("PRAGMA user_version") as cursor:
            (version,) = await cursor.fetchone()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self.db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            try:
                yield self.db
            except BaseException:
                await self.db.rollback()
                raise
            await self.db.commit()

    async def _one(self, sql: str, params: tuple[Any, ...]) -> aiosqlite.Row | None:
        async with self.db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def touch_user(
        self,
        user_id: int,
        chat_id: int,
        first_name: str,
        telegram_language: str | None,
        now: datetime,
    ) -> User:
        """Record that the user wrote (creating them on first contact) and return them.

        Writing again makes a person who had blocked the bot reachable again."""
        async with self.transaction() as db:
            await db.execute(
                """INSERT INTO users (user_id, chat_id, first_name, telegram_language,
                                      created_at, last_seen_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,
                       first_name = excluded.first_name,
                       telegram_language = excluded.telegram_language,
                       last_seen_at = excluded.last_seen_at, active = 1""",
                (user_id, chat_id, first_name, telegram_language, utc_text(now), utc_text(now)),
            )
        user = await self.user(user_id)
        assert user is not None
        return user

    async def user(self, user_id: int) -> User | None:
        row = await self._one(
            """SELECT user_id, chat_id, first_name, language, telegram_language, timezone,
                      last_message_id FROM users WHERE user_id = ?""",
            (user_id,),
        )
        return User(**dict(row)) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE users SET language = ? WHERE user_id = ?", (language, user_id))

    async def dialog(self, user_id: int, flow: str) -> StoredDialog | None:
        row = await self._one(
            """SELECT flow, node, revision, call_no, status, state_json, message_id,
                      shown_revision, updated_at FROM dialogs WHERE user_id = ? AND flow = ?""",
            (user_id, flow),
        )
        if row is None:
            return None
        extra = json.loads(row["state_json"])
        state = DialogState(
            flow=row["flow"],
            node=row["node"],
            revision=row["revision"],
            call_no=row["call_no"],
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

    async def latest_flow(self, user_id: int) -> str | None:
        """The flow whose card the person touched last."""
        row = await self._one(
            "SELECT flow FROM dialogs WHERE user_id = ? ORDER BY updated_at DESC LIMIT 1",
            (user_id,),
        )
        return row["flow"] if row else None

    async def save_transition(
        self,
        user_id: int,
        state: DialogState,
        *,
        now: datetime,
        timezone: str,
        message_id: int | None = None,
    ) -> None:
        """The new dialog state (and for a call, its record), in one transaction."""
        extra = json.dumps(
            {"values": state.values, "history": state.history, "flareups": state.flareups},
            ensure_ascii=False,
        )
        stamp = utc_text(now)
        async with self.transaction() as db:
            await db.execute(
                """INSERT INTO dialogs (user_id, flow, node, revision, call_no, status,
                                        state_json, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (user_id, flow) DO UPDATE SET
                       node = excluded.node, revision = excluded.revision,
                       call_no = excluded.call_no, status = excluded.status,
                       state_json = excluded.state_json, updated_at = excluded.updated_at""",
                (
                    user_id,
                    state.flow,
                    state.node,
                    state.revision,
                    state.call_no,
                    state.status,
                    extra,
                    stamp,
                ),
            )
            if state.flow == CALL_FLOW:
                await self._write_call_record(db, user_id, state, stamp, timezone)
                if state.status == "done" and state.values.get("due_at"):
                    await self._schedule_follow_up(db, user_id, state, stamp)
            if message_id is not None:
                await db.execute(
                    "UPDATE users SET last_message_id = MAX(last_message_id, ?) WHERE user_id = ?",
                    (message_id, user_id),
                )

    @staticmethod
    async def _write_call_record(
        db: aiosqlite.Connection, user_id: int, state: DialogState, stamp: str, timezone: str
    ) -> None:
        values = state.values
        due = values.get("due_at") or None
        await db.execute(
            """INSERT INTO calls (user_id, call_no, started_at, updated_at, ended_at,
                                  complaint, promise, fault, remind, due_at, timezone,
                                  flareups, outcome)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (user_id, call_no) DO UPDATE SET
                   updated_at = excluded.updated_at, ended_at = excluded.ended_at,
                   complaint = excluded.complaint, promise = excluded.promise,
                   fault = excluded.fault, remind = excluded.remind,
                   due_at = excluded.due_at, flareups = excluded.flareups,
                   outcome = excluded.outcome""",
            (
                user_id,
                state.call_no,
                stamp,
                stamp,
                None if state.status == "active" else stamp,
                values.get("complaint"),
                values.get("promise"),
                values.get("fault"),
                values.get("remind"),
                utc_text(datetime.fromisoformat(due)) if due else None,
                timezone,
                state.flareups,
                state.status,
            ),
        )

    @staticmethod
    async def _schedule_follow_up(
        db: aiosqlite.Connection, user_id: int, state: DialogState, stamp: str
    ) -> None:
        """The promise's reminder, once per call, in the same transaction as the summary."""
        due = utc_text(datetime.fromisoformat(state.values["due_at"]))
        await db.execute(
            """INSERT INTO reminders (user_id, call_id, due_at, created_at)
               SELECT user_id, id, ?, ? FROM calls c WHERE user_id = ? AND call_no = ?
               AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.call_id = c.id)""",
            (due, stamp, user_id, state.call_no),
        )

    async def mark_shown(self, user_id: int, flow: str, message_id: int, revision: int) -> None:
        """Remember which message shows the card and which revision it shows."""
        async with self.transaction() as db:
            await db.execute(
                """UPDATE dialogs SET message_id = ?, shown_revision = ?
                   WHERE user_id = ? AND flow = ?""",
                (message_id, revision, user_id, flow),
            )

    async def close_calls(
        self, now: datetime, *, idle_since: datetime | None = None, user_id: int | None = None
    ) -> int:
        """Save active calls as unfinished and close them: the idle ones, or one user's.

        The revision moves on, so buttons still on screen become stale rather than
        continuing a call the user has left (tomorrow's text is never taken as a complaint).
        """
        where = f"flow = '{CALL_FLOW}' AND status = 'active'"
        params: list[Any] = []
        if idle_since is not None:
            where += " AND updated_at < ?"
            params.append(utc_text(idle_since))
        if user_id is not None:
            where += " AND user_id = ?"
            params.append(user_id)
        async with self.transaction() as db:
            await db.execute(
                f"""UPDATE calls SET outcome = 'unfinished', ended_at = ?, updated_at = ?
                    WHERE (user_id, call_no) IN
                          (SELECT user_id, call_no FROM dialogs WHERE {where})""",
                (utc_text(now), utc_text(now), *params),
            )
            cursor = await db.execute(
                f"""UPDATE dialogs SET status = 'closed', revision = revision + 1,
                        updated_at = ? WHERE {where}""",
                (utc_text(now), *params),
            )
            return cursor.rowcount

    async def call_record(self, user_id: int, call_no: int) -> dict[str, Any] | None:
        row = await self._one(
            "SELECT * FROM calls WHERE user_id = ? AND call_no = ?", (user_id, call_no)
        )
        return dict(row) if row else None
