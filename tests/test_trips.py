"""What a press costs the database: counted in trips to aiosqlite's thread and reads on
the loop, not timed.

Why: a trip costs about ten times the statement it carries (the README's benchmarks), so
the trips per press are the coach's own share of the CPU a press takes. A press that
moves the call reads the person and the dialog on the loop, then takes one write and one
commit to the thread; a doubled tap reads and takes no trip at all.
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
    loop_reads: list[str] = field(default_factory=list)  # statements read on the loop

    def clear(self) -> None:
        self.trips.clear()
        self.loop_reads.clear()


def _a_press() -> bool:
    return not any(frame.name == "tick" for frame in traceback.extract_stack())


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    """Asked for before `bot`, so the bot opens its reader through it."""
    done = Work()
    trip, open_reader = aiosqlite.Connection._execute, Database._open_reader

    async def counted(self, function, *args, **kwargs):
        if _a_press():
            done.trips.append(function.__name__)
        return await trip(self, function, *args, **kwargs)

    def traced(self: Database) -> sqlite3.Connection:
        reader = open_reader(self)
        reader.set_trace_callback(lambda sql: done.loop_reads.append(sql) if _a_press() else None)
        return reader

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    monkeypatch.setattr(Database, "_open_reader", traced)
    yield done


async def test_a_press_between_call_cards_is_two_loop_reads_one_write_and_a_commit(
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
        assert len(work.loop_reads) == 2, "the person and the dialog"
        assert work.trips == ["execute", "commit"]


async def test_a_press_that_fills_the_record_writes_it_in_the_same_commit(
    work: Work, stub: BotApiStub, bot: RunningBot
) -> None:
    person = Person(stub, 8103)
    await person.types("/call")
    for label in ("Слушаю клиента", "Клиент высказался", "Да, клиент подтвердил"):
        await person.taps(label)
    work.clear()
    await person.taps("Ошибка наша")
    assert len(work.loop_reads) == 2
    assert work.trips == ["execute", "execute", "commit"]


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
    assert len(work.loop_reads) == 2 and work.trips == [], "two reads, no write"
