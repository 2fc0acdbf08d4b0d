"""What a press costs the database: counted in trips to aiosqlite's thread, not timed.

Why: a trip costs about ten times the statement it carries (the README's benchmarks), so
the number of trips per press is the coach's own share of the CPU a press takes. A press
that moves the call is one read of the person, one of the dialog, one write and one
commit; a doubled tap reads and writes nothing.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import aiosqlite
import pytest

from tests.harness import Person, RunningBot
from tests.stub_api import BotApiStub


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every function the bot sends to aiosqlite's thread for people's updates,
    in order (the scheduler's tick, which may fall in the middle, is not a press's)."""
    sent: list[str] = []
    trip = aiosqlite.Connection._execute

    async def counted(self, function, *args, **kwargs):
        if not any(frame.name == "tick" for frame in traceback.extract_stack()):
            sent.append(function.__name__)
        return await trip(self, function, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield sent


async def test_a_press_between_call_cards_is_two_reads_one_write_and_a_commit(
    stub: BotApiStub, bot: RunningBot, trips: list[str]
) -> None:
    """Listen → restate → "did the client confirm": the call's record is untouched, so
    the dialog's own UPDATE is the press's one write."""
    person = Person(stub, 8101)
    await person.types("/call")
    await person.taps("Слушаю клиента")
    for _ in range(2):
        trips.clear()
        before = person.card.text
        await person.taps(person.labels()[0])
        assert person.card.text != before, "the press moved the call on"
        assert trips == ["_execute_fetchall", "_execute_fetchall", "execute", "commit"]


async def test_a_press_that_fills_the_record_writes_it_in_the_same_commit(
    stub: BotApiStub, bot: RunningBot, trips: list[str]
) -> None:
    person = Person(stub, 8103)
    await person.types("/call")
    for label in ("Слушаю клиента", "Клиент высказался", "Да, клиент подтвердил"):
        await person.taps(label)
    trips.clear()
    await person.taps("Ошибка наша")
    assert trips == ["_execute_fetchall", "_execute_fetchall", "execute", "execute", "commit"]


async def test_a_doubled_tap_writes_nothing(
    stub: BotApiStub, bot: RunningBot, trips: list[str]
) -> None:
    person = Person(stub, 8102)
    await person.types("/call")
    card = person.card
    data = card.reply_markup["inline_keyboard"][0][0]["callback_data"]
    await person.taps(person.labels()[0])
    trips.clear()
    query = await stub.press_raw(person.id, card.message_id, data)  # the same tap again
    await stub.wait_for_answer(query)
    await stub.wait_idle()
    assert trips == ["_execute_fetchall", "_execute_fetchall"], "two reads, no write"
