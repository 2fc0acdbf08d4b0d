"""What a press asks of the database: counted in statements, not timed.

Why: a statement on aiosqlite's thread costs a trip there and back, so a press stays a
small, fixed set of them: it reads the person and the dialog on the loop (the one block
that asks to), writes the step in one UPDATE and commits, one transaction through the
thread, the commit queued behind the UPDATE (`changed(last=True)`); a doubled tap only
reads. The last tests hold that queued commit to a block's rules: whole or nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.database.connection import Database, SqliteTx
from tests.db import seed_user, seeding
from tests.harness import Person, RunningBot
from tests.stub_api import BotApiStub


@dataclass
class Work:
    """The statements the bot's database ran, in order, each with whether the loop's own
    thread ran it."""

    loop_thread: int = field(default_factory=threading.get_ident)
    statements: list[tuple[str, bool]] = field(default_factory=list)

    def ran(self, sql: str) -> None:
        self.statements.append((sql, threading.get_ident() == self.loop_thread))

    def clear(self) -> None:
        self.statements.clear()

    @property
    def reads(self) -> list[tuple[str, bool]]:
        return [(sql, on_loop) for sql, on_loop in self.statements if _reads(sql)]

    @property
    def writes(self) -> list[str]:
        """The first word of every other statement: BEGIN, INSERT, UPDATE, COMMIT."""
        return [sql.split()[0].upper() for sql, _ in self.statements if not _reads(sql)]

    @property
    def writes_through_the_thread(self) -> bool:
        return not any(on_loop for sql, on_loop in self.statements if not _reads(sql))

    @property
    def reads_on_the_loop(self) -> bool:
        return all(on_loop for _, on_loop in self.reads)


def _reads(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT")


@pytest.fixture
async def work(stub: BotApiStub, bot: RunningBot) -> AsyncIterator[Work]:
    """The bot's statements, traced once the scheduler's first tick is past (the next is an
    hour away), so what is counted is people's updates alone."""
    scheduler = bot.app.bot_data["scheduler"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)
    db: Database = bot.app.bot_data["database"]
    done = Work()
    await db.trace(done.ran)
    yield done
    await db.trace(None)


async def test_a_press_between_call_cards_is_two_reads_and_one_update_through_the_thread(
    work: Work, stub: BotApiStub
) -> None:
    """Listen → restate → "did the client confirm": the call's record is untouched, so
    the dialog's own UPDATE is the press's one write, in one transaction."""
    person = Person(stub, 8101)
    await person.types("/call")
    await person.taps("Слушаю клиента")
    for _ in range(2):
        work.clear()
        before = person.card.text
        await person.taps(person.labels()[0])
        assert person.card.text != before, "the press moved the call on"
        assert len(work.reads) == 2 and work.reads_on_the_loop, "the person and the dialog"
        assert work.writes == ["BEGIN", "UPDATE", "COMMIT"]
        assert work.writes_through_the_thread, "aiosqlite's thread writes and commits"


async def test_a_press_sends_its_commit_along_with_its_step(
    work: Work, stub: BotApiStub, bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step's UPDATE is the block's last write: its commit is queued behind it."""
    db: Database = bot.app.bot_data["database"]
    person = Person(stub, 8104)
    await person.types("/call")
    opened: list[SqliteTx] = []
    transaction = db.transaction

    @asynccontextmanager
    async def recorded(**options: bool) -> AsyncIterator[SqliteTx]:
        async with transaction(**options) as tx:
            opened.append(tx)
            yield tx

    monkeypatch.setattr(db, "transaction", recorded)
    await person.taps("Слушаю клиента")
    assert [tx.last_written for tx in opened] == [True], "one block, its step written last"


async def test_a_press_that_fills_the_record_writes_it_in_the_same_commit(
    work: Work, stub: BotApiStub
) -> None:
    person = Person(stub, 8103)
    await person.types("/call")
    for label in ("Слушаю клиента", "Клиент высказался", "Да, клиент подтвердил"):
        await person.taps(label)
    work.clear()
    await person.taps("Ошибка наша")
    assert len(work.reads) == 2 and work.reads_on_the_loop
    assert work.writes == ["BEGIN", "INSERT", "UPDATE", "COMMIT"], "the record and the step"
    assert work.writes_through_the_thread


async def test_a_doubled_tap_writes_nothing(work: Work, stub: BotApiStub) -> None:
    person = Person(stub, 8102)
    await person.types("/call")
    card = person.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await person.taps(person.labels()[0])
    work.clear()
    query = await stub.press_raw(person.id, card.message_id, data)  # the same tap again
    await stub.wait_for_answer(query)
    await stub.wait_idle()
    assert len(work.reads) == 2 and work.reads_on_the_loop, "the person and the dialog"
    assert work.writes == [], "no write, nothing to commit"


NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
RENAME = "UPDATE users SET first_name = ? WHERE user_id = ?"


@pytest.fixture
async def db(db_path) -> AsyncIterator[Database]:
    async with seeding(db_path) as tx:
        for user_id in (1, 2):
            await seed_user(tx, user_id, NOW)
    database = await Database(db_path).open()
    yield database
    await database.close()


async def names(db: Database) -> list[str]:
    async with db.read() as tx:
        return [
            row["first_name"]
            for row in await tx.all("SELECT first_name FROM users ORDER BY user_id")
        ]


async def test_a_lone_last_write_is_committed_with_it_through_the_thread(db: Database) -> None:
    done = Work()
    await db.trace(done.ran)
    async with db.transaction(on_loop=True) as tx:
        assert await tx.changed(RENAME, ("Aigerim", 1), last=True) == 1
        assert not db.connection.in_transaction, "committed along with the write"
    await db.trace(None)
    assert done.writes == ["BEGIN", "UPDATE", "COMMIT"] and done.writes_through_the_thread
    assert await names(db) == ["Aigerim", "T"]


async def test_a_last_write_after_another_commits_or_rolls_back_with_the_block(
    db: Database,
) -> None:
    with pytest.raises(RuntimeError, match="half-way"):
        async with db.transaction() as tx:
            await tx.changed(RENAME, ("Boris", 1))
            await tx.changed(RENAME, ("Dana", 2), last=True)
            assert db.connection.in_transaction, "not committed before the block ends"
            raise RuntimeError("the step failed half-way")
    assert await names(db) == ["T", "T"], "neither write was kept"


async def test_a_lone_last_write_that_fails_or_misses_keeps_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        with pytest.raises(sqlite3.IntegrityError):
            await tx.changed("UPDATE users SET user_id = 2 WHERE user_id = 1", last=True)
        assert not db.connection.in_transaction
    async with db.transaction() as tx:
        assert await tx.changed(RENAME, ("Gus", 3), last=True) == 0, "no such person"
        assert not db.connection.in_transaction
    async with db.transaction() as tx:  # the database goes on as before
        await tx.changed(RENAME, ("Aigerim", 1), last=True)
    assert await names(db) == ["Aigerim", "T"]


@pytest.mark.parametrize("last", [False, True])
async def test_a_write_after_the_last_one_is_refused(db: Database, last: bool) -> None:
    with pytest.raises(RuntimeError, match="after the block's last"):
        async with db.transaction() as tx:
            await tx.changed(RENAME, ("Aigerim", 1), last=True)
            await tx.changed(RENAME, ("Boris", 2), last=last)
    assert await names(db) == ["Aigerim", "T"], "the last write was committed already"


async def test_a_last_write_inside_a_read_is_refused(db: Database) -> None:
    with pytest.raises(RuntimeError, match="use transaction"):
        async with db.read() as tx:
            await tx.changed(RENAME, ("Aigerim", 1), last=True)
