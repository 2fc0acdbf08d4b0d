"""What a press costs the database: counted in statements on the loop and trips to
aiosqlite's thread, not timed.

Why: a trip costs several times the statement it carries and wakes the loop from another
thread (the README's benchmarks), so a person's press stays on the loop: it reads the
person and the dialog, writes the step and commits, with no trip at all; a doubled tap
only reads.
"""

from __future__ import annotations

import sqlite3
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

import aiosqlite
import pytest

from bot.database.connection import Database
from tests.harness import Person, RunningBot
from tests.stub_api import BotApiStub


@dataclass
class Work:
    """What people's updates asked of the database, in order (the scheduler's tick, which
    may fall in the middle, is not a press's)."""

    trips: list[str] = field(default_factory=list)  # functions sent to aiosqlite's thread
    on_loop: list[str] = field(default_factory=list)  # statements run on the loop

    def clear(self) -> None:
        self.trips.clear()
        self.on_loop.clear()

    @property
    def reads(self) -> list[str]:
        return [sql for sql in self.on_loop if sql.lstrip().upper().startswith("SELECT")]

    @property
    def writes(self) -> list[str]:
        """The first word of every other statement: BEGIN, INSERT, UPDATE, COMMIT."""
        return [sql.split()[0].upper() for sql in self.on_loop if sql not in self.reads]


def _a_press() -> bool:
    return not any(frame.name == "tick" for frame in traceback.extract_stack())


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    """Asked for before `bot`, so the bot opens its loop connection through it."""
    done = Work()
    trip, open_local = aiosqlite.Connection._execute, Database._open_local

    async def counted(self, function, *args, **kwargs):
        if _a_press():
            done.trips.append(function.__name__)
        return await trip(self, function, *args, **kwargs)

    def traced(self: Database) -> sqlite3.Connection:
        local = open_local(self)
        local.set_trace_callback(lambda sql: done.on_loop.append(sql) if _a_press() else None)
        return local

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    monkeypatch.setattr(Database, "_open_local", traced)
    yield done


async def test_a_press_between_call_cards_is_two_reads_one_write_and_a_commit_on_the_loop(
    work: Work, stub: BotApiStub, bot: RunningBot
) -> None:
    """Listen → restate → "did the client confirm": the call's record is untouched, so
    the dialog's own UPDATE is the press's one write."""
    person = Person(stub, 8101)
    await person.types("/call")
    await person.taps("Слушаю клиента")
    for _ in range(2):
        work.clear()
        before = person.card.text
        await person.taps(person.labels()[0])
        assert person.card.text != before, "the press moved the call on"
        assert len(work.reads) == 2, "the person and the dialog"
        assert work.writes == ["BEGIN", "UPDATE", "COMMIT"]
        assert work.trips == [], "nothing waits for aiosqlite's thread"


async def test_a_press_that_fills_the_record_writes_it_in_the_same_commit(
    work: Work, stub: BotApiStub, bot: RunningBot
) -> None:
    person = Person(stub, 8103)
    await person.types("/call")
    for label in ("Слушаю клиента", "Клиент высказался", "Да, клиент подтвердил"):
        await person.taps(label)
    work.clear()
    await person.taps("Ошибка наша")
    assert len(work.reads) == 2
    assert work.writes == ["BEGIN", "INSERT", "UPDATE", "COMMIT"], "the record and the step"
    assert work.trips == []


async def test_a_doubled_tap_writes_nothing_and_takes_no_trip(
    work: Work, stub: BotApiStub, bot: RunningBot
) -> None:
    person = Person(stub, 8102)
    await person.types("/call")
    card = person.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await person.taps(person.labels()[0])
    work.clear()
    query = await stub.press_raw(person.id, card.message_id, data)  # the same tap again
    await stub.wait_for_answer(query)
    await stub.wait_idle()
    assert len(work.reads) == 2, "the person and the dialog"
    assert work.writes == [] and work.trips == [], "no write, no trip"
