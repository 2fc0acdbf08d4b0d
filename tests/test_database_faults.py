"""The database refusing writes (locked by another writer, the disk full), and a bug.

Why: a backup or an admin's sqlite3 shell can hold the write lock past the busy timeout,
and a disk fills up. The person mid-call then hears "try again" in their language,
nothing is committed half-way, and the bot recovers by itself. SQL the schema refuses (a
missing column) is a bug: the ordinary error card, an ERROR with its traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from telegram.ext import Application

from bot.database.connection import unavailable
from tests.db import seed_subscription, seed_user, seeding
from tests.harness import Person, RunningBot
from tests.robustness import Texts, plain, settle
from tests.stub_api import BotApiStub

LOCK_SECONDS = 7.0  # longer than the bot's busy_timeout of 5 s
COMPLAINT = {"ru": "клиент кричит, что заказ не пришёл", "kk": "клиент тапсырыс келмеді дейді"}
LONG_COMPLAINT = {
    "ru": "клиент кричит, что заказ не пришёл и деньги не вернули; " * 60,
    "kk": "клиент тапсырыс келмеді, ақша қайтарылмады деп айқайлап тұр; " * 55,
}
DEEP = 6  # attribute levels searched for the connection


Connection = aiosqlite.Connection | sqlite3.Connection


def bot_databases(app: Application) -> list[Connection]:
    """The bot's own SQLite connections, reached from the running Application.

    Today ``app.bot_data["database"]`` is the bot's `Database`, its ``connection`` the
    aiosqlite one and its ``_reader`` the press path's reads (before the restructure it was
    ``bot_data["scheduler"].coach.storage.db``). Rather than either path, the connections
    are found by type a few attribute levels below `bot_data` and the handlers' bound
    objects, descending only into the bot's own classes, so moving classes around does not
    break this. It is the one place to adjust if the bot keeps them elsewhere.
    """
    roots: list[Any] = list(app.bot_data.values())
    roots += [
        getattr(handler.callback, "__self__", None)
        for group in app.handlers.values()
        for handler in group
    ]
    found: list[Connection] = []
    seen: set[int] = set()
    frontier = [r for r in roots if r is not None]
    for _ in range(DEEP):
        below: list[Any] = []
        for item in frontier:
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, aiosqlite.Connection | sqlite3.Connection):
                found.append(item)
            elif isinstance(item, dict):
                below += item.values()
            elif isinstance(item, list | tuple | set | frozenset):
                below += item
            elif type(item).__module__.startswith(("bot.", "dialogs.")):
                fields = getattr(item, "__dict__", {})
                slots = getattr(type(item), "__slots__", ())
                below += [*fields.values(), *(getattr(item, s, None) for s in slots)]
        frontier = below
    assert found, "no SQLite connection under app.bot_data: adjust bot_databases()"
    return found


async def pragma(connection: Connection, sql: str) -> int | None:
    """`PRAGMA …` on either kind of connection, and the number it answers, if any."""
    if isinstance(connection, sqlite3.Connection):
        row = connection.execute(f"PRAGMA {sql}").fetchone()
    else:
        async with connection.execute(f"PRAGMA {sql}") as cursor:
            row = await cursor.fetchone()
    return row[0] if row else None


def saved(db_path: Path, user_id: int) -> dict[str, Any]:
    """The person's call as stored: the dialog (revision, node, typed values) and its
    record; the record must always agree with the dialog — never one without the other."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10) as db:
        db.row_factory = sqlite3.Row
        dialog = db.execute(
            "SELECT node, revision, run, status, state_json FROM dialogs "
            "WHERE user_id = ? AND flow = 'call'",
            (user_id,),
        ).fetchone()
        assert dialog is not None, f"{user_id} has no call"
        record = db.execute(
            "SELECT complaint, flareups, outcome FROM calls WHERE user_id = ? AND call_no = ?",
            (user_id, dialog["run"]),
        ).fetchone()
    values = json.loads(dialog["state_json"])
    assert record is not None, f"{user_id}: the dialog was saved without its call record"
    assert (record["complaint"], record["flareups"], record["outcome"]) == (
        values["values"].get("complaint"),
        values["flareups"],
        dialog["status"],
    ), f"{user_id}: the call record disagrees with the dialog (committed half-way)"
    return {
        "node": dialog["node"],
        "revision": dialog["revision"],
        "complaint": record["complaint"],
    }


async def reply_after(stub: BotApiStub, person: Person, count: int, timeout: float) -> str | None:
    """The text of the first message the bot sent the person after their first *count*;
    None if none came within *timeout* seconds."""
    try:
        await stub.wait_for(lambda: len(person.messages) > count, timeout)
    except AssertionError:
        return None
    return person.messages[count].text


async def start_call(person: Person) -> None:
    await person.types("/call")
    await person.taps(person.labels()[0])  # "I am listening": the card now takes text


async def after_the_first_tick(stub: BotApiStub, app: Application) -> None:
    """The scheduler's first tick (1 s after start) writes too; wait until it has run and
    what it started is done, so the fault meets the person's write and nothing else."""
    scheduler = app.bot_data["scheduler"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)
    await scheduler.drain()


@contextmanager
def another_writer(db_path: Path, user_id: int) -> Iterator[None]:
    """Another process holds the file's write lock (it has written, not committed)."""
    blocker = sqlite3.connect(db_path, isolation_level=None, timeout=1)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        blocker.execute("UPDATE users SET first_name = first_name WHERE user_id = ?", (user_id,))
        yield
    finally:
        blocker.rollback()
        blocker.close()


@dataclass
class MidCall:
    person: Person
    before: dict[str, Any]  # the call as stored
    act: Callable[[], Awaitable[None]]  # press the card's first button, or type a complaint


async def mid_call(
    stub: BotApiStub, bot: RunningBot, db_path: Path, user_id: int, lang: str, action: str
) -> MidCall:
    """A person on the call's first card, the scheduler's first tick past, about to act."""
    person = Person(stub, user_id, lang)
    await start_call(person)
    await after_the_first_tick(stub, bot.app)
    await settle(stub, bot.app)
    label = person.labels()[0]  # "the client has had their say"

    async def act() -> None:
        if action == "press":
            await stub.press_button(person.id, label)
        else:
            await stub.send_text(person.id, COMPLAINT[lang])

    return MidCall(person, saved(db_path, person.id), act)


def shows_the_step(
    person: Person, action: str, after: dict[str, Any], before: dict[str, Any]
) -> bool:
    """A press moves on to restate; a typed line joins the note and the card stays."""
    if action == "press":
        return after["node"] != before["node"] and person.card.text.startswith("2/5")
    note = " ".join(after["complaint"].split())[:30]
    return after["node"] == before["node"] and "📝" in person.card.text and note in person.card.text


@pytest.mark.parametrize(("lang", "action"), [("ru", "press"), ("kk", "type")])
async def test_a_locked_database_asks_to_try_again_and_recovers_by_itself(
    stub: BotApiStub,
    bot: RunningBot,
    db_path: Path,
    catalog: Texts,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    action: str,
) -> None:
    """Another writer holds the lock for 7 s while the person presses or types: they hear
    try_again in their language, the log a warning (not an error: nothing is wrong with
    the bot), nothing is half-written, and the same action after the lock is gone takes
    exactly one step."""
    call = await mid_call(stub, bot, db_path, 31_001, lang, action)
    person, before, act = call.person, call.before, call.act
    sent = len(person.messages)
    loop = asyncio.get_running_loop()
    with another_writer(db_path, person.id):
        locked_at = loop.time()
        await act()
        reply = await reply_after(stub, person, sent, LOCK_SECONDS + 3)
        await asyncio.sleep(max(locked_at + LOCK_SECONDS - loop.time(), 0))
    await settle(stub, bot.app)

    expected = plain(catalog.text(lang, "ui.messages.try_again"))
    assert reply is not None, "the person got no answer at all while the database was locked"
    assert reply == expected, f"a locked database must ask to try again, got {reply!r}"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "database unavailable: database is locked" in warnings
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "no error: a wait"
    during = saved(db_path, person.id)
    assert during["revision"] in (before["revision"], before["revision"] + 1)
    if during["revision"] == before["revision"]:  # not taken: the person does it again
        await act()
        await settle(stub, bot.app)
    after = saved(db_path, person.id)
    assert after["revision"] == before["revision"] + 1, "exactly one step, taken after the lock"
    assert shows_the_step(person, action, after, before), "the card shows the step, once"
    if action == "type":
        assert after["complaint"] == COMPLAINT[lang]


@pytest.mark.parametrize(("lang", "action"), [("ru", "press"), ("kk", "type")])
async def test_a_lock_held_for_a_moment_is_waited_out_and_the_step_goes_through(
    stub: BotApiStub, bot: RunningBot, db_path: Path, lang: str, action: str
) -> None:
    """Another writer (a backup, a second process) holds the lock for half a second while
    the person presses or types: the step waits for it and goes through — no try-again for
    a wait well inside the busy timeout."""
    call = await mid_call(stub, bot, db_path, 31_101, lang, action)
    with another_writer(db_path, call.person.id):
        await call.act()
        await asyncio.sleep(0.5)
        assert saved(db_path, call.person.id) == call.before, "nothing written past the lock"
    await settle(stub, bot.app)
    after = saved(db_path, call.person.id)
    assert after["revision"] == call.before["revision"] + 1, "the step, once the lock was free"
    assert shows_the_step(call.person, action, after, call.before)


async def test_a_full_disk_asks_to_try_again_and_everything_works_once_there_is_room(
    stub: BotApiStub, bot: RunningBot, db_path: Path, catalog: Texts
) -> None:
    """No page can be added to the file (max_page_count = page_count on the bot's own
    connection) while two people type complaints too long to fit: they hear try_again,
    nothing is saved half-way, the bot keeps running, and with room again all works."""
    boris, dana = Person(stub, 32_001, "ru"), Person(stub, 32_002, "kk")
    for person in (boris, dana):
        await start_call(person)
    await after_the_first_tick(stub, bot.app)
    await settle(stub, bot.app)
    before = {p.id: saved(db_path, p.id) for p in (boris, dana)}
    sent = {p.id: len(p.messages) for p in (boris, dana)}

    connections = bot_databases(bot.app)
    limits = []
    for connection in connections:
        limits.append(await pragma(connection, "max_page_count"))
        pages = await pragma(connection, "page_count")
        await pragma(connection, f"max_page_count = {pages}")
    try:
        for person in (boris, dana):
            await stub.send_text(person.id, LONG_COMPLAINT[person.language_code])
        replies = [await reply_after(stub, p, sent[p.id], 10) for p in (boris, dana)]
        await settle(stub, bot.app)
        for person, reply in zip((boris, dana), replies, strict=True):
            assert reply is not None, f"{person.language_code}: no answer at all on a full disk"
            assert reply == plain(catalog.text(person.language_code, "ui.messages.try_again")), (
                f"{person.language_code}: a full disk must ask to try again, got {reply!r}"
            )
            assert saved(db_path, person.id) == before[person.id], "nothing saved half-way"
        assert bot.app.running
    finally:
        for connection, limit in zip(connections, limits, strict=True):
            await pragma(connection, f"max_page_count = {limit}")

    for person in (boris, dana):
        await person.types(LONG_COMPLAINT[person.language_code])
        after = saved(db_path, person.id)
        assert after["revision"] == before[person.id]["revision"] + 1
        assert after["complaint"] == LONG_COMPLAINT[person.language_code]
        assert person.card.text.startswith("1/5") and "📝" in person.card.text, "noted, listening"


async def test_a_locked_file_stops_the_daily_tick_once_instead_of_failing_row_by_row(
    stub: BotApiStub, bot: RunningBot, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Three subscribers whose next moment the tick must write, the file locked by another
    writer: the tick gives up at the first row and tries again next time — not 5 s per row
    under the database lock with each row logged as "bad settings" (a press would wait
    behind all of them)."""
    await after_the_first_tick(stub, bot.app)
    now = datetime.now(UTC)
    async with seeding(db_path) as tx:
        for user_id in (32_001, 32_002, 32_003):
            await seed_user(tx, user_id, now)
            await seed_subscription(tx, user_id, "12:00", now)  # not due: a next moment to write
    with another_writer(db_path, 32_001):
        await bot.app.bot_data["scheduler"].tick()
    messages = [record.getMessage() for record in caplog.records]
    assert not [m for m in messages if "bad settings" in m], messages
    assert any("could not read what tip is due" in m for m in messages), messages


async def test_sql_the_schema_refuses_is_a_bug_told_with_its_traceback(
    stub: BotApiStub,
    bot: RunningBot,
    db_path: Path,
    catalog: Texts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A column the bot's SQL names is gone (a botched migration, a hand edit): the press
    fails as a bug does — the ordinary error card, an ERROR with the traceback — never
    the "try again" of a database that is only busy, which would hide it."""
    person = Person(stub, 33_001)
    await start_call(person)
    await settle(stub, bot.app)
    with sqlite3.connect(db_path, timeout=10) as other:
        other.execute("ALTER TABLE dialogs RENAME COLUMN state_json TO state")
    sent = len(person.messages)
    await stub.press_button(person.id, person.labels()[0])
    reply = await reply_after(stub, person, sent, 10)
    await settle(stub, bot.app)

    assert reply == plain(catalog.text("ru", "ui.messages.error"))
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "unavailable" in m], messages
    (failure,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure.getMessage() == "update failed" and failure.exc_info is not None
    assert "no such column: state_json" in str(failure.exc_info[1])


def write_refused(db_path: Path, kind: str) -> None:
    """A write that SQLite refuses for `kind`'s reason: what it raises is raised."""
    if kind == "cantopen":
        sqlite3.connect(db_path.parent / "missing" / "coach.db")
    target = f"file:{db_path}?mode=ro" if kind == "readonly" else str(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    refused = sqlite3.connect(target, uri=True, timeout=0)
    try:
        if kind == "busy":
            holder.execute("BEGIN EXCLUSIVE")
        if kind == "full":
            pages = refused.execute("PRAGMA page_count").fetchone()[0]
            refused.execute(f"PRAGMA max_page_count = {pages}")
        refused.execute("INSERT INTO notes VALUES (?)", ("x" * 100_000,))
        refused.commit()
    finally:
        holder.close()
        refused.close()


@pytest.mark.parametrize("kind", ["busy", "full", "readonly", "cantopen"])
def test_a_file_that_cannot_take_a_write_is_unavailable(tmp_path: Path, kind: str) -> None:
    db_path = tmp_path / "coach.db"
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(sqlite3.Error) as error:
        write_refused(db_path, kind)
    assert unavailable(error.value), error.value


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO notes (missing) VALUES (1)",  # no such column
        "INSRT INTO notes VALUES (1)",  # a syntax error
        "INSERT INTO missing VALUES (1)",  # no such table
        "INSERT INTO notes VALUES (NULL)",  # a constraint
    ],
)
def test_sql_the_schema_refuses_is_not_unavailable(tmp_path: Path, sql: str) -> None:
    with sqlite3.connect(tmp_path / "coach.db") as db:
        db.execute("CREATE TABLE notes (text TEXT NOT NULL)")
        with pytest.raises(sqlite3.Error) as error:
            db.execute(sql)
    assert not unavailable(error.value), error.value
    assert not unavailable(RuntimeError("database is locked"))
