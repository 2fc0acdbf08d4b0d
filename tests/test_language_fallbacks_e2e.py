"""Someone who chose Kazakh in a Russian Telegram hears Kazakh everywhere: the note under a
flood, the "try again" card when the database cannot be read, the inline phrasebook."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.database.connection import Database, Tx
from bot.dialog.person import People
from tests.harness import Person, RunningBot
from tests.robustness import Texts, plain, settle
from tests.stub_api import BotApiStub
from tests.test_database_faults import another_writer

FLOOD = 60


async def kazakh_in_a_russian_telegram(stub: BotApiStub, user_id: int) -> Person:
    person = Person(stub, user_id, "ru")
    await person.types("/start")
    await person.types("/language")
    assert person.last.text == "Тіл: қазақша."
    return person


async def test_a_flood_gets_its_one_moment_note_in_the_chosen_language(
    stub: BotApiStub, bot: RunningBot, catalog: Texts
) -> None:
    dana = await kazakh_in_a_russian_telegram(stub, 51_001)
    shown = len(stub.messages(dana.id))
    for number in range(FLOOD):
        await stub.send_text(dana.id, f"алло {number}")
    await settle(stub, bot.app)
    replies = [m.text for m in stub.messages(dana.id)[shown:]]
    assert plain(catalog.text("kk", "ui.messages.one_moment")) in replies
    assert plain(catalog.text("ru", "ui.messages.one_moment")) not in replies


async def test_the_try_again_card_speaks_the_chosen_language_when_the_database_is_locked(
    stub: BotApiStub, bot: RunningBot, db_path: Path, catalog: Texts
) -> None:
    erlan = await kazakh_in_a_russian_telegram(stub, 51_002)
    await erlan.types("/call")
    sent = len(stub.messages(erlan.id))
    with another_writer(db_path, erlan.id):
        await stub.press_button(erlan.id, erlan.labels()[0])
        await stub.wait_for(lambda: len(stub.messages(erlan.id)) > sent, timeout=30)
    await settle(stub, bot.app)
    assert stub.messages(erlan.id)[sent].text == plain(catalog.text("kk", "ui.messages.try_again"))


@pytest.mark.inline_mode
async def test_the_inline_phrasebook_answers_in_the_chosen_language(
    stub: BotApiStub, bot: RunningBot, catalog: Texts
) -> None:
    await kazakh_in_a_russian_telegram(stub, 51_003)
    query = await stub.send_inline_query(51_003, "")
    await stub.wait_for(lambda: query in stub.inline_answers)
    titles = " ".join(r["title"] + r["description"] for r in stub.inline_answers[query]["results"])
    assert set("әғқңөұүһі") & set(titles.lower()), titles


class UnreadableDatabase(Database):
    """The file stops answering reads (an I/O error) after the person was seen once."""

    unreadable = False

    @asynccontextmanager
    async def read(self, **options: bool) -> AsyncIterator[Tx]:
        if self.unreadable:
            error = sqlite3.OperationalError("disk I/O error")
            error.sqlite_errorcode = sqlite3.SQLITE_IOERR  # as SQLite sets it on a real one
            raise error
        async with super().read(**options) as tx:
            yield tx


async def test_when_nothing_can_be_read_the_language_last_seen_is_used(
    db_path: Path, catalog: Texts
) -> None:
    db = await UnreadableDatabase(db_path).open()
    try:
        people = People(db, catalog, lambda: datetime(2026, 11, 23, 9, tzinfo=UTC))
        person = await people.arrived(51_004, "Дана", "ru")
        await people.set_language(person, "kk")
        db.unreadable = True
        assert await people.language(51_004, "ru") == "kk"
        assert await people.language(51_005, "kk") == "kk", "someone unknown: Telegram's"
        assert await people.language(51_006, "en") == "ru"
    finally:
        db.unreadable = False
        await db.close()
