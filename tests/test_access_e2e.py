"""Who may use the bot, end to end: with `COACH_ALLOWED_USERS` or `COACH_ALLOWED_CHAT` set,
someone outside hears one polite line in their Telegram language and nothing else, and no
table holds a row about them; people inside use the bot as ever. Membership of the group
is asked of Telegram once per person per while, so leaving the group counts soon."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapter.gate import MEMBERSHIP_KEPT, TOLD_AGAIN
from tests.db import table_names
from tests.harness import Clock, Person, RunningBot
from tests.robustness import plain, settle

INSIDER, OUTSIDER, KAZAKH = 9301, 9302, 9303
GROUP = -1009300000001
RU_LINE = "Этот бот доступен только сотрудникам компании."


def rows_about(db_path: Path, person_id: int) -> dict[str, int]:
    """Rows naming the person in every table with a `user_id` or `chat_id`, from SQLite."""
    with sqlite3.connect(db_path) as db:
        tables = table_names(db)
        found = {}
        for table in tables:
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            for column in {"user_id", "chat_id"} & columns:
                (count,) = db.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (person_id,)
                ).fetchone()
                found[f"{table}.{column}"] = count
    assert "users.user_id" in found, "the schema has no users table to look in"
    return found


def nothing_about(db_path: Path, person_id: int) -> bool:
    return not any(rows_about(db_path, person_id).values())


def active(db_path: Path, person_id: int) -> bool:
    """Whether the scheduler sends to the person (`users.active`)."""
    with sqlite3.connect(db_path) as db:
        (value,) = db.execute("SELECT active FROM users WHERE user_id = ?", (person_id,)).fetchone()
    return bool(value)


def greeted(stub, person_id: int) -> bool:
    """/start answered as ever: its greeting among the bot's messages."""
    return any(m.text.startswith("Здравствуйте") for m in stub.messages(person_id))


def lookups(stub, person_id: int) -> int:
    return sum(1 for p in stub.calls_of("getChatMember") if int(p["user_id"]) == person_id)


async def sends(stub, bot: RunningBot, person_id: int, *texts: str, lang: str = "ru") -> None:
    """The person sends each text, and the bot has handled them all (no reply is waited
    for: an outsider's second message gets none)."""
    for text in texts:
        await stub.send_text(person_id, text, language_code=lang)
    await settle(stub, bot.app)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def listed(stub, db_path, clock):
    """The bot open to INSIDER only, by id."""
    running = RunningBot(stub, db_path, clock, allowed_users=frozenset({INSIDER}))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def grouped(stub, db_path, clock):
    """The bot open to the members of GROUP (and to nobody by id)."""
    running = RunningBot(stub, db_path, clock, allowed_chat=GROUP)
    await running.start()
    yield running
    await running.stop()


@pytest.mark.inline_mode
async def test_an_outsider_hears_one_polite_line_and_nothing_about_them_is_stored(
    stub, listed, db_path, catalog
):
    await sends(stub, listed, OUTSIDER, "/start")
    await sends(stub, listed, OUTSIDER, "/call", "клиент кричит на меня", "/language", "/help")
    await stub.send_sticker(OUTSIDER)
    await settle(stub, listed.app)
    [line] = stub.messages(OUTSIDER)
    assert line.text == plain(catalog.text("ru", "ui.messages.not_allowed"))
    assert line.text.startswith(RU_LINE) and line.reply_markup == {"remove_keyboard": True}

    query = await stub.send_inline_query(OUTSIDER, "извин")
    press = await stub.press_raw(OUTSIDER, line.message_id, "o:c")  # a forged press
    await settle(stub, listed.app)
    assert stub.inline_answers[query]["results"] == []
    assert stub.inline_answers[query]["is_personal"] is True
    assert "text" not in stub.callback_answers[press]  # answered, quietly
    assert len(stub.messages(OUTSIDER)) == 1
    assert stub.commands({"type": "chat", "chat_id": OUTSIDER}) == []
    assert nothing_about(db_path, OUTSIDER), rows_about(db_path, OUTSIDER)
    assert not stub.calls_of("getChatMember")  # a list of ids needs no question


async def test_an_outsider_is_told_in_kazakh_when_telegram_speaks_kazakh(
    stub, listed, db_path, catalog
):
    await sends(stub, listed, KAZAKH, "/start", lang="kk")
    [line] = stub.messages(KAZAKH)
    assert line.text == plain(catalog.text("kk", "ui.messages.not_allowed"))
    assert nothing_about(db_path, KAZAKH)


async def test_a_flood_from_outside_gets_one_line_an_hour(stub, listed, clock):
    await sends(stub, listed, OUTSIDER, *(f"сообщение {n}" for n in range(8)))
    assert len(stub.messages(OUTSIDER)) == 1
    clock.advance(TOLD_AGAIN - timedelta(seconds=1))
    await sends(stub, listed, OUTSIDER, "ещё")
    assert len(stub.messages(OUTSIDER)) == 1
    clock.advance(timedelta(seconds=1))
    await sends(stub, listed, OUTSIDER, "и ещё")
    assert len(stub.messages(OUTSIDER)) == 2


async def test_a_listed_person_uses_the_bot_as_ever(stub, listed, db_path):
    insider = Person(stub, INSIDER)
    await insider.types("/start")
    assert insider.messages[0].text.startswith("Здравствуйте")
    await insider.types("/call")
    await insider.taps("Слушаю клиента")
    assert "Клиент высказался ▶" in insider.labels()
    assert rows_about(db_path, INSIDER)["users.user_id"] == 1
    assert rows_about(db_path, INSIDER)["dialogs.user_id"] == 1


async def test_a_group_member_may_use_it_and_telegram_is_asked_once(stub, grouped, db_path):
    stub.set_chat_members(GROUP, {INSIDER: "member"})
    insider = Person(stub, INSIDER)
    await insider.types("/start")
    await insider.types("/call")
    await insider.taps("Слушаю клиента")
    await insider.types("клиент кричит")
    assert greeted(stub, INSIDER)
    assert rows_about(db_path, INSIDER)["dialogs.user_id"] == 1
    assert lookups(stub, INSIDER) == 1
    [asked] = stub.calls_of("getChatMember")
    assert int(asked["chat_id"]) == GROUP


async def test_someone_outside_the_group_is_turned_away(stub, grouped, db_path, catalog):
    stub.set_chat_members(GROUP, {INSIDER: "member"})
    await sends(stub, grouped, OUTSIDER, "/start", "/call", "текст")
    [line] = stub.messages(OUTSIDER)
    assert line.text == plain(catalog.text("ru", "ui.messages.not_allowed"))
    assert nothing_about(db_path, OUTSIDER)
    assert lookups(stub, OUTSIDER) == 1  # "no" is remembered too


async def test_a_member_who_left_is_turned_away_once_the_answer_is_stale(
    stub, grouped, db_path, clock
):
    stub.set_chat_members(GROUP, {INSIDER: "member"})
    insider = Person(stub, INSIDER)
    await insider.types("/call")
    stub.set_chat_members(GROUP, {INSIDER: "left"})
    clock.advance(MEMBERSHIP_KEPT - timedelta(seconds=1))
    await insider.taps("Слушаю клиента")  # still remembered as a member
    assert lookups(stub, INSIDER) == 1
    card, edits = insider.card, insider.card.edits
    steps = rows_about(db_path, INSIDER)

    clock.advance(timedelta(seconds=1))
    before = len(insider.messages)
    await sends(stub, grouped, INSIDER, "/start")
    assert insider.last.text.startswith(RU_LINE) and len(insider.messages) == before + 1
    press = await stub.press_button(INSIDER, "Клиент высказался", message_id=card.message_id)
    await settle(stub, grouped.app)
    assert "text" not in stub.callback_answers[press]
    assert len(insider.messages) == before + 1
    assert card.edits == edits  # the card did not move
    assert lookups(stub, INSIDER) == 2
    assert rows_about(db_path, INSIDER) == steps  # what they stored before stays theirs
    assert not active(db_path, INSIDER)  # so nothing scheduled goes to them

    stub.set_chat_members(GROUP, {INSIDER: "member"})  # back in the company
    clock.advance(MEMBERSHIP_KEPT)
    await insider.types("/help")
    assert insider.last.text.startswith("Что я умею") and active(db_path, INSIDER)


@pytest.mark.parametrize(
    ("status", "inside"),
    [
        ("creator", True),
        ("administrator", True),
        ("restricted", True),
        ("restricted:left", False),
        ("kicked", False),
    ],
)
async def test_telegram_s_statuses_decide_who_is_in_the_group(
    stub, grouped, db_path, status, inside
):
    stub.set_chat_members(GROUP, {INSIDER: status})
    await sends(stub, grouped, INSIDER, "/start")
    assert greeted(stub, INSIDER) is inside
    assert stub.messages(INSIDER)[0].text.startswith("Здравствуйте" if inside else RU_LINE)
    assert nothing_about(db_path, INSIDER) is not inside


async def test_a_group_the_bot_is_not_in_lets_nobody_in_and_says_so_in_the_log(
    stub, grouped, db_path, caplog
):
    with caplog.at_level(logging.WARNING, logger="bot.adapter.gate"):
        await sends(stub, grouped, INSIDER, "/start")
    assert stub.last_message(INSIDER).text.startswith(RU_LINE)
    assert nothing_about(db_path, INSIDER)
    assert any("chat not found" in r.getMessage().lower() for r in caplog.records)


async def test_when_telegram_cannot_say_the_person_may_try_again(stub, grouped, db_path, catalog):
    stub.set_chat_members(GROUP, {INSIDER: "member"})
    stub.fail_next("getChatMember", status=502, description="Bad Gateway")
    await sends(stub, grouped, INSIDER, "/start")
    assert stub.last_message(INSIDER).text == plain(catalog.text("ru", "ui.messages.error"))
    assert nothing_about(db_path, INSIDER)
    insider = Person(stub, INSIDER)
    await insider.types("/start")  # the failure was not remembered as a "no"
    assert greeted(stub, INSIDER)
    assert lookups(stub, INSIDER) == 2


async def test_chatter_in_the_company_group_costs_no_request_and_gets_no_answer(
    stub, grouped, db_path
):
    stub.set_chat_members(GROUP, {INSIDER: "member", OUTSIDER: "member"})
    await stub.send_group_message(GROUP, OUTSIDER, "/start")
    await stub.send_group_message(GROUP, INSIDER, "всем привет")
    await settle(stub, grouped.app)
    assert not stub.calls_of("getChatMember")
    assert stub.messages(GROUP) == [] and nothing_about(db_path, OUTSIDER)
    insider = Person(stub, INSIDER)
    await insider.types("/start")  # in private, the question is asked
    assert greeted(stub, INSIDER) and lookups(stub, INSIDER) == 1
