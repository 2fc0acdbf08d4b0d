"""Bugs found in review, each reproduced through the stand-in Bot API and a real SQLite file.

Each test names what a person would have noticed: a lost follow-up, tips hours off, a
dropped text, live buttons on a stale card, a call journal filling with empty calls.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.broadcaster import MAX_ATTEMPTS, Broadcaster
from bot.delivery.scheduler import Composed, Job, Scheduler
from tests.db import rows, seed_subscription, seed_user, seeding
from tests.harness import Clock, Person, RunningBot, tick

MORNING_UTC = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(MORNING_UTC)


async def finish_a_call_with_a_reminder_in_an_hour(person: Person) -> None:
    await person.reaches_the_resolve_card("сайт не открывается")
    await person.types("починим сегодня")
    await person.taps("Через час")


def reminders_in(person: Person) -> list:
    return [m for m in person.messages if m.text.startswith("⏰")]


async def test_a_reminder_that_surely_never_arrived_is_sent_exactly_once_later(
    stub, bot, clock, db_path
):
    """Telegram answers 429 to every attempt: the follow-up must not be lost for good."""
    zhan = Person(stub, 5001)
    await finish_a_call_with_a_reminder_in_an_hour(zhan)
    clock.advance(timedelta(hours=1, seconds=5))
    stub.fail_next(
        "sendMessage",
        status=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        chat_id=zhan.id,
        count=MAX_ATTEMPTS,
    )
    await tick(bot, stub)
    assert not reminders_in(zhan), "every attempt was refused"
    assert rows(db_path, "SELECT status FROM reminders") == [{"status": "pending"}]
    await tick(bot, stub)
    await tick(bot, stub)
    assert len(reminders_in(zhan)) == 1 and "«починим сегодня»" in reminders_in(zhan)[0].text
    assert rows(db_path, "SELECT status FROM reminders") == [{"status": "sent"}]


@pytest.mark.parametrize("typed", ["09:30", "15", "10"])
async def test_a_time_typed_at_the_zone_prompt_gets_a_hint_not_a_wrong_zone(
    stub, bot, db_path, typed
):
    aru = Person(stub, 5002, "kk")
    await aru.types("/daily")
    await aru.taps("🌍")
    await aru.types(typed)
    assert aru.last.text.startswith("Мұндай уақыт белдеуі жоқ"), aru.last.text
    assert rows(db_path, "SELECT timezone FROM users") == [{"timezone": None}]
    await aru.types("+6")
    assert "UTC+06:00" in aru.card.text


async def test_text_typed_after_a_failed_reply_is_applied_to_the_card_it_was_meant_for(
    stub, bot, db_path
):
    lena = Person(stub, 5003)
    await lena.types("/call")
    stub.fail_next("editMessageText", status=502, description="Bad Gateway")
    await lena.taps("Слушаю клиента")  # saved, but the card still shows the calm card
    await lena.types("нас не предупредили о сбое")
    assert lena.card.text.startswith("1/5 · Слушать"), "the card caught up to listen"
    assert "📝 Ваша заметка: нас не предупредили о сбое" in lena.card.text, (
        "the note was taken, not dropped"
    )
    assert not lena.last.text.startswith("Карточка только что обновилась"), "not asked again"


async def test_text_typed_after_a_failed_reply_on_a_card_without_input_is_asked_again(stub, bot):
    oleg = Person(stub, 5004)
    await oleg.types("/call")
    await oleg.taps("Слушаю клиента")
    await oleg.taps("Клиент высказался")
    stub.fail_next("editMessageText", status=502, description="Bad Gateway")
    await oleg.taps("Да, клиент подтвердил")  # saved at "triage", the screen still at "restate"
    await oleg.types("клиент кричит")
    assert oleg.card.text.startswith("3/5"), "the card caught up"
    assert oleg.last.text.startswith("Карточка только что обновилась")
    assert "клиент кричит" not in oleg.card.text


async def test_a_note_typed_on_a_listen_card_left_behind_is_not_taken_as_the_essence(stub, bot):
    ilya = Person(stub, 5016)
    await ilya.types("/call")
    await ilya.taps("Слушаю клиента")
    stub.fail_next("editMessageText", status=502, description="Bad Gateway")
    await ilya.taps("Клиент высказался")  # saved at "restate", the screen still at "listen"
    await ilya.types("клиент кричит")  # a note, as far as the person can see
    assert ilya.card.text.startswith("2/5"), "the card caught up"
    assert "📝 Суть" not in ilya.card.text, "the private note is not the client's recap line"


async def test_a_press_on_an_old_card_retires_its_buttons(stub, bot):
    mira = Person(stub, 5005)
    await mira.types("/call")
    old = mira.card.message_id
    stub.fail_next("editMessageReplyMarkup", status=502, description="Bad Gateway")
    await mira.types("🆘 Трудный звонок")  # the card moves below; the old one keeps its buttons
    current = mira.card.message_id
    assert current != old
    await mira.taps("Слушаю клиента", message_id=old)
    newest = mira.card.message_id
    assert newest not in (old, current)
    by_id = {m.message_id: m for m in mira.messages}
    assert not by_id[old].reply_markup and not by_id[current].reply_markup


async def test_a_card_telegram_can_no_longer_edit_is_sent_anew(stub, bot):
    nina = Person(stub, 5006)
    await nina.types("/call")
    first = nina.card.message_id
    stub.fail_next(
        "editMessageText", status=400, description="Bad Request: message can't be edited"
    )
    await nina.taps("Слушаю клиента")
    assert nina.card.message_id != first and "Клиент высказался ▶" in nina.labels()


async def test_tapping_new_call_again_and_again_leaves_no_empty_calls(stub, bot, db_path):
    petr = Person(stub, 5007)
    await petr.types("/call")
    for _ in range(5):
        await petr.taps("Завершить")
        await petr.taps("Новый звонок")
    await petr.taps("Слушаю клиента")
    assert rows(db_path, "SELECT COUNT(*) AS n FROM calls") == [{"n": 6}]
    await petr.types("/cancel")
    await petr.types("/call")
    await petr.types("/cancel")
    assert rows(db_path, "SELECT COUNT(*) AS n FROM calls") == [{"n": 6}], "an untouched call"


async def test_one_bad_stored_zone_does_not_stop_anyone_s_daily_tip(stub, db_path):
    now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # 09:00 in Moscow
    async with seeding(db_path) as tx:
        for user_id, zone_name in ((5008, "Mars/Olympus"), (5009, None)):
            stub.add_user(user_id)
            await seed_user(tx, user_id, now, "ru", zone_name)
            await seed_subscription(tx, user_id, "09:00", now)
    running = RunningBot(stub, db_path, Clock(now))
    await running.start()
    try:
        await tick(running, stub)
    finally:
        await running.stop()
    for user_id in (5008, 5009):
        assert [m for m in stub.messages(user_id) if m.text.startswith("💡 Совет дня")]


async def test_a_tip_asked_for_at_the_moment_of_the_daily_tip_loses_neither(stub, bot, clock):
    """Both pick from one history in the same second; a duplicate row must not abort."""
    vera = Person(stub, 5010)
    await vera.types("/daily")
    await vera.taps("Время")
    await vera.taps("09:00")
    clock.now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)
    scheduler = bot.app.bot_data["scheduler"]
    await asyncio.gather(scheduler.tick(), vera.types("/tip"))
    await scheduler.drain()
    await stub.wait_idle()
    texts = [m.text for m in vera.messages]
    assert any(t.startswith("💡 Совет дня") for t in texts)
    assert any(t.startswith("💡 Совет\n") for t in texts)


class FailingDelivery:
    """A delivery whose message cannot be composed (a broken template, a bad row)."""

    kind = "tip"

    def __init__(self, user_id: int, fail: bool) -> None:
        self.user_id = user_id
        self.fail = fail

    async def due(self, now: datetime) -> list[Job]:
        return [Job(self.kind, self.user_id, self.user_id, "2026-11-23")]

    async def compose(self, tx, job: Job, now: datetime) -> Composed | None:
        if self.fail:
            raise RuntimeError("cannot compose")
        return Composed("💡 <b>tip</b>", None)

    async def finished(self, tx, job, composed, result) -> None:
        """Nothing to record beyond the claim."""


async def test_a_delivery_that_fails_to_compose_gives_its_claim_back(stub, bot, db_path):
    await Person(stub, 5011).types("/start")
    kit_db = bot.app.bot_data["database"]
    scheduler = bot.app.bot_data["scheduler"]
    for fail, claims in ((True, []), (False, [{"status": "sent"}])):
        tried = Scheduler(
            kit_db, scheduler.dialogs, [FailingDelivery(5011, fail)], scheduler.broadcaster, Clock()
        )
        await tried.tick()
        await tried.drain()
        assert rows(db_path, "SELECT status FROM deliveries") == claims


async def test_a_graceful_stop_lets_a_message_on_the_wire_arrive(stub, bot):
    await Person(stub, 5012).types("/start")
    stub.set_latency("sendMessage", 1.0)
    scheduler = bot.app.bot_data["scheduler"]
    sender = Scheduler(
        scheduler.db,
        scheduler.dialogs,
        [FailingDelivery(5012, False)],
        Broadcaster(scheduler.broadcaster.bot, 25),
        Clock(),
    )
    await sender.tick()
    await stub.wait_for(  # the request is on the wire, not answered yet
        lambda: any(
            c.method == "sendMessage"
            and c.status is None
            and str(c.params.get("chat_id")) == "5012"
            for c in stub.calls
        )
    )
    await sender.stop(grace=5)
    assert "💡 tip" in [m.text for m in stub.messages(5012)]


async def test_the_rude_exit_opens_the_rudeness_playbook_itself(stub, bot):
    rita = Person(stub, 5013)
    await rita.types("/call")
    await rita.taps("Оскорбляет")
    await rita.taps("Завершить разговор")
    await rita.taps("Клиент грубит и оскорбляет")
    assert rita.card.text.startswith("📘 Клиент грубит и оскорбляет · 1/3")


async def test_after_the_lesson_card_the_sos_button_starts_a_new_call(stub, bot, db_path):
    sasha = Person(stub, 5014)
    await finish_a_call_with_a_reminder_in_an_hour(sasha)
    summary = sasha.card.message_id
    await sasha.taps("Что стало причиной?", message_id=summary)
    await sasha.taps("Наша ошибка", message_id=summary)
    await sasha.types("🆘 Трудный звонок")
    assert sasha.card.text.startswith("1/5"), "a new call, not the lesson card again"
    assert rows(db_path, "SELECT outcome FROM calls WHERE user_id = ?", (sasha.id,)) == [
        {"outcome": "done"}
    ]


async def test_a_description_typed_under_the_library_mid_call_is_searched_not_promised(
    stub, bot, db_path, clock
):
    gleb = Person(stub, 5015)
    await gleb.reaches_the_resolve_card("сайт лежит")
    await gleb.types("/situations")
    await gleb.types("клиент не платит")
    assert gleb.last.text.startswith("Похоже на эти ситуации"), gleb.last.text
    assert rows(db_path, "SELECT promise FROM calls WHERE user_id = ?", (gleb.id,)) == [
        {"promise": None}
    ]
    clock.advance(timedelta(seconds=20))
    await gleb.types("🆘 Трудный звонок")  # back to the call: typing is for it again
    await gleb.types("исправим к пятнице")
    assert rows(db_path, "SELECT promise FROM calls WHERE user_id = ?", (gleb.id,)) == [
        {"promise": "исправим к пятнице"}
    ]


async def test_text_goes_to_the_screen_touched_last_even_within_one_second(stub, bot):
    """Screens switched faster than the clock's second (a press that hands over to another
    flow, a quick person, the terminal): the reply goes to the practice card on screen, not
    to the daily settings opened a moment before it."""
    vera = Person(stub, 5021)
    await vera.types("/practice")
    await vera.types("/daily")
    await vera.types("/practice")
    await vera.taps("Сайт упал")
    await vera.taps("Начать разговор")
    await vera.types("Понимаю, продолжайте, я вас слушаю внимательно")
    assert "✅ Выслушать:" in vera.card.text, vera.last.text
