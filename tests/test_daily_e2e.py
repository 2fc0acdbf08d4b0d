"""Daily tips and follow-up reminders end to end, in process, with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.db import call_record, rows
from tests.harness import Clock, Person, tick

MORNING_UTC = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 08:00 in Almaty, 06:00 in Moscow


@pytest.fixture
def clock() -> Clock:
    return Clock(MORNING_UTC)


async def subscribe(person: Person, time_label: str = "09:00") -> None:
    await person.types("/daily")
    await person.taps("Время" if person.language_code == "ru" else "🕘")
    await person.taps(time_label)


async def test_a_user_sets_up_the_daily_tip_and_sees_the_next_delivery(stub, bot, clock):
    asel = Person(stub, 3001, "kk")
    await asel.types("/daily")
    assert asel.card.text.startswith("🔔")
    await asel.taps("🕘")
    await asel.types("25:00")
    assert asel.last.text != asel.card.text, "a bad time gets a hint"
    await asel.types("8:30")
    settings = asel.card.text
    assert "08:30" in settings and "Алматы / Астана" in settings
    assert "бүгін, 08:30" in settings, settings
    await asel.taps("🌍")
    await asel.types("+12")  # 15:00 there: today's 08:30 has passed
    assert "UTC+12:00" in asel.card.text and "ертең, 08:30" in asel.card.text


async def test_each_day_one_tip_at_the_chosen_time_with_feedback_buttons(stub, bot, clock, db_path):
    ivan = Person(stub, 3002, "ru")
    await subscribe(ivan)  # 09:00 Moscow = 06:00 UTC
    assert "Следующий совет: сегодня, 09:00" in ivan.card.text
    await tick(bot, stub)
    assert not [m for m in ivan.messages if m.text.startswith("💡 Совет дня")]
    clock.now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)
    await tick(bot, stub)
    await tick(bot, stub)
    tips = [m for m in ivan.messages if m.text.startswith("💡 Совет дня")]
    assert len(tips) == 1, "never two in a day"
    assert ivan.labels(tips[0]) == ["👍 Полезно", "👎 Не для меня"]
    answer = await ivan.taps("Не для меня", message_id=tips[0].message_id)
    assert answer.get("text") == "Спасибо, учту."
    clock.now += timedelta(days=1)
    await tick(bot, stub)
    tips = [m for m in ivan.messages if m.text.startswith("💡 Совет дня")]
    assert len(tips) == 2 and tips[0].text != tips[1].text


async def no_tip_until(bot, stub, clock: Clock, person: Person, tomorrow: datetime, tip: str):
    """Nothing at the next tick; exactly one tip (its heading `tip`) at `tomorrow`."""
    await tick(bot, stub)
    assert not [m for m in person.messages if m.text.startswith("💡")]
    clock.now = tomorrow
    await tick(bot, stub)
    assert len([m for m in person.messages if m.text.startswith(tip)]) == 1


async def test_a_time_that_has_passed_today_means_tomorrow_and_no_tip_at_once(stub, bot, clock):
    """07:00 chosen at 08:00 in Almaty: the card says tomorrow, and the next tick sends
    nothing (the six-hour catch-up is for a bot that was down, not for this choice)."""
    dana = Person(stub, 3010, "kk")
    await subscribe(dana, "07:00")
    assert "ертең, 07:00" in dana.card.text, dana.card.text
    tomorrow = datetime(2026, 11, 24, 2, 0, 30, tzinfo=UTC)  # 07:00:30 tomorrow in Almaty
    await no_tip_until(bot, stub, clock, dana, tomorrow, "💡 Күннің кеңесі")


async def test_a_language_change_after_a_passed_time_still_means_tomorrow(stub, bot, clock):
    """05:00 chosen at 06:00 in Moscow, then /language: Almaty's zone applies, where
    05:00 has passed too (08:00). The card said tomorrow; no tip comes at once."""
    oleg = Person(stub, 3011, "ru")
    await oleg.types("/daily")
    await oleg.taps("Время")
    await oleg.types("05:00")
    assert "завтра, 05:00" in oleg.card.text, oleg.card.text
    await oleg.types("/language")
    tomorrow = datetime(2026, 11, 24, 0, 0, 30, tzinfo=UTC)  # 05:00:30 tomorrow in Almaty
    await no_tip_until(bot, stub, clock, oleg, tomorrow, "💡 Күннің кеңесі")


async def test_a_language_change_redraws_the_card_for_the_new_zone(stub, bot, clock):
    """07:00 chosen at 06:00 in Moscow: today. /language moves the zone to Almaty, where
    07:00 has passed (08:00): the open card says tomorrow, in Kazakh, and so does the tick."""
    vera = Person(stub, 3013, "ru")
    await subscribe(vera, "07:00")
    assert "сегодня, 07:00" in vera.card.text, vera.card.text
    await vera.types("/language")
    assert "ертең, 07:00" in vera.card.text and "Алматы" in vera.card.text, vera.card.text
    tomorrow = datetime(2026, 11, 24, 2, 0, 30, tzinfo=UTC)  # 07:00:30 tomorrow in Almaty
    await no_tip_until(bot, stub, clock, vera, tomorrow, "💡 Күннің кеңесі")


async def test_a_language_change_keeps_a_chosen_zone_and_its_tomorrow(stub, bot, clock):
    """With a zone of one's own the language changes nothing about the next tip."""
    aru = Person(stub, 3012, "kk")
    await subscribe(aru, "07:00")  # 08:00 in Almaty: tomorrow
    await aru.taps("🌍")
    await aru.types("+5")
    assert "UTC+05:00" in aru.card.text and "ертең, 07:00" in aru.card.text
    await aru.types("/language")
    tomorrow = datetime(2026, 11, 24, 2, 0, 30, tzinfo=UTC)  # 07:00:30 tomorrow at UTC+5
    await no_tip_until(bot, stub, clock, aru, tomorrow, "💡 Совет дня")


async def test_the_next_tip_follows_telegrams_language_when_none_was_chosen(stub, bot, clock):
    """With no language or zone chosen, Telegram's language picks both. The app switched
    from Russian to Kazakh, the next tip comes at 09:00 in Almaty, not in Moscow."""
    ruslan = Person(stub, 3015, "ru")
    await subscribe(ruslan)  # 09:00 in Moscow = 06:00 UTC
    ruslan.language_code = "kk"
    await ruslan.types("/daily")
    assert "бүгін, 09:00" in ruslan.card.text and "Алматы" in ruslan.card.text
    clock.now = datetime(2026, 11, 23, 4, 0, 30, tzinfo=UTC)  # 09:00:30 in Almaty
    await tick(bot, stub)
    assert len([m for m in ruslan.messages if m.text.startswith("💡 Күннің кеңесі")]) == 1


async def test_a_telegram_language_change_after_the_new_zones_minute_means_tomorrow(
    stub, bot, clock
):
    """07:00 chosen at 04:00 in Moscow. At 06:00 there (08:00 in Almaty) the app switches
    to Kazakh: Almaty's 07:00 had passed by then, so no tip comes at once."""
    clock.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    gulnar = Person(stub, 3016, "ru")
    await subscribe(gulnar, "07:00")
    clock.now = MORNING_UTC
    gulnar.language_code = "kk"
    await gulnar.types("/daily")
    assert "ертең, 07:00" in gulnar.card.text and "Алматы" in gulnar.card.text
    tomorrow = datetime(2026, 11, 24, 2, 0, 30, tzinfo=UTC)  # 07:00:30 tomorrow in Almaty
    await no_tip_until(bot, stub, clock, gulnar, tomorrow, "💡 Күннің кеңесі")


async def test_a_telegram_language_change_that_keeps_the_zone_keeps_todays_tip(stub, bot, clock):
    """Telegram in Kazakh, Russian chosen, so Moscow: the app switching to English a few
    seconds after 09:00 moves nothing, and the tick just after still sends today's tip."""
    erlan = Person(stub, 3017, "kk")
    await erlan.types("/language")
    await subscribe(erlan)  # 09:00 in Moscow = 06:00 UTC
    clock.now = datetime(2026, 11, 23, 6, 0, 5, tzinfo=UTC)
    erlan.language_code = "en"
    await erlan.types("/daily")
    clock.now += timedelta(seconds=15)
    await tick(bot, stub)
    assert len([m for m in erlan.messages if m.text.startswith("💡 Совет дня")]) == 1


async def test_a_tip_missed_by_more_than_six_hours_is_not_sent_late(stub, bot, clock):
    lena = Person(stub, 3003, "ru")
    await subscribe(lena)
    clock.now = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)  # 15:30 in Moscow
    await tick(bot, stub)
    assert not [m for m in lena.messages if m.text.startswith("💡 Совет дня")]


async def test_a_pause_and_turning_it_off_stop_the_tips(stub, bot, clock):
    mark = Person(stub, 3004, "ru")
    await subscribe(mark)
    await mark.taps("Пауза")
    await mark.taps("3 дня")
    assert "На паузе до 26 ноября" in mark.card.text
    clock.now = datetime(2026, 11, 24, 6, 1, tzinfo=UTC)
    await tick(bot, stub)
    assert not [m for m in mark.messages if m.text.startswith("💡 Совет дня")]
    await mark.taps("Пауза")
    await mark.taps("Снять паузу")
    await mark.taps("Выключить")
    assert "Статус: выключен" in mark.card.text
    await tick(bot, stub)
    assert not [m for m in mark.messages if m.text.startswith("💡 Совет дня")]


async def test_a_blocked_user_is_marked_inactive_and_gets_nothing_more(stub, bot, clock, db_path):
    olga = Person(stub, 3005, "ru")
    await subscribe(olga)
    stub.block(olga.id)
    clock.now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)
    await tick(bot, stub)
    assert rows(db_path, "SELECT active FROM users WHERE user_id = ?", (olga.id,)) == [
        {"active": 0}
    ]
    sends = len(stub.calls_of("sendMessage"))
    clock.now += timedelta(days=1)
    await tick(bot, stub)
    assert len(stub.calls_of("sendMessage")) == sends


async def test_a_429_pauses_the_broadcast_for_retry_after(stub, bot, clock):
    people = [Person(stub, 3100 + n, "ru") for n in range(3)]
    for person in people:
        await subscribe(person)
    stub.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 2", retry_after=2
    )
    clock.now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)
    await tick(bot, stub)
    sends = [c for c in stub.calls if c.method == "sendMessage"]
    refused = next(i for i, c in enumerate(sends) if c.status == 429)
    assert sends[refused + 1].at - sends[refused].at >= 2
    for person in people:
        assert len([m for m in person.messages if m.text.startswith("💡 Совет дня")]) == 1


async def test_the_follow_up_reminder_comes_at_the_due_time_and_records_the_outcome(
    stub, bot, clock, db_path
):
    nurlan = Person(stub, 3006, "ru")
    await nurlan.reaches_the_resolve_card("сайт не открывается")
    await nurlan.types("починим сегодня")
    await nurlan.taps("Через час")
    assert "Хотите получать короткий совет" in nurlan.last.text, "offered after the first call"
    await tick(bot, stub)
    assert not [m for m in nurlan.messages if m.text.startswith("⏰")]
    clock.advance(timedelta(hours=1, seconds=5))
    await tick(bot, stub)
    reminder = nurlan.last
    assert reminder.text.startswith("⏰ Пора проверить обещание")
    assert "«починим сегодня»" in reminder.text and "«сайт не открывается»" in reminder.text
    first_due = call_record(db_path, nurlan.id)["due_at"]
    await nurlan.taps("Напомнить через час", message_id=reminder.message_id)
    assert nurlan.last.text.startswith("Хорошо, напомню")
    assert call_record(db_path, nurlan.id)["due_at"] > first_due, "the journal sees the snooze"
    clock.advance(timedelta(hours=1, seconds=5))
    await tick(bot, stub)
    second = nurlan.last
    assert second.text.startswith("⏰") and second.message_id != reminder.message_id
    await nurlan.taps("Клиент дал отзыв", message_id=second.message_id)
    await nurlan.types("клиент доволен, всё работает")
    assert nurlan.last.text == "Отзыв клиента сохранён в записи звонка."
    assert not next(m for m in nurlan.messages if m.message_id == second.message_id).reply_markup
    record = call_record(db_path, nurlan.id)
    assert record["follow_up"] == "feedback"
    assert record["follow_up_note"] == "клиент доволен, всё работает"


async def test_kicking_the_bot_stops_tips_until_the_person_comes_back(stub, bot, clock):
    timur = Person(stub, 3007, "ru")
    await subscribe(timur)
    await stub.send_my_chat_member(timur.id, status="kicked")
    await stub.wait_idle()
    clock.now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)
    await tick(bot, stub)
    assert not [m for m in timur.messages if m.text.startswith("💡 Совет дня")]
    await stub.send_my_chat_member(timur.id, status="member")
    await stub.wait_idle()
    await tick(bot, stub)
    assert len([m for m in timur.messages if m.text.startswith("💡 Совет дня")]) == 1


async def test_the_next_tip_follows_a_language_change_to_the_new_zone(stub, bot, clock, db_path):
    """Without a chosen zone the language's applies: Moscow for ru, Almaty for kk."""
    dina = Person(stub, 3008, "ru")
    await subscribe(dina)  # 09:00 in Moscow = 06:00 UTC
    assert rows(db_path, "SELECT next_due_at FROM subscriptions") == [
        {"next_due_at": "2026-11-23T06:00:00+00:00"}
    ]
    await dina.types("/language")
    clock.now = datetime(2026, 11, 23, 4, 0, 30, tzinfo=UTC)  # 09:00 in Almaty
    await tick(bot, stub)
    assert [m for m in dina.messages if m.text.startswith("💡 Күннің кеңесі")]
    assert rows(db_path, "SELECT next_due_at FROM subscriptions") == [
        {"next_due_at": "2026-11-24T04:00:00+00:00"}
    ], "tomorrow's moment is stored with today's tip"


FRIDAY_EVENING = {  # 20:00 on Friday 27 November there
    "ru": datetime(2026, 11, 27, 17, 0, tzinfo=UTC),  # Moscow, UTC+3
    "kk": datetime(2026, 11, 27, 15, 0, tzinfo=UTC),  # Almaty, UTC+5
}
OFFSET = {"ru": 3, "kk": 5}
WORDS = {  # the working-days button, the days line, the next tip on Monday, the tip's heading
    "ru": ("Только будни", "Дни: по будням (пн–пт)", "30 ноября, 09:00", "💡 Совет дня"),
    "kk": ("Жұмыс күндері", "Кесте: жұмыс күндері (дс–жм)", "30 қараша, 09:00", "💡 Күннің"),
}


def at_nine(day: int, lang: str) -> datetime:
    """09:00:30 on that November day in the language's zone, as UTC."""
    return datetime(2026, 11, day, 9 - OFFSET[lang], 0, 30, tzinfo=UTC)


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_on_working_days_the_card_and_the_tick_agree_friday_evening_to_monday(
    stub, bot, clock, db_path, lang
):
    """Set up on a Friday evening in Moscow (ru) or Almaty (kk): the card says Monday, the
    stored moment is Monday 09:00 there, and Saturday's and Sunday's ticks send nothing."""
    clock.now = FRIDAY_EVENING[lang]
    button, days_line, monday, heading = WORDS[lang]
    person = Person(stub, 3200 + OFFSET[lang], lang)
    await subscribe(person)
    await person.taps(button)
    assert days_line in person.card.text and f": {monday}" in person.card.text, person.card.text
    monday_9 = at_nine(30, lang).replace(second=0)
    assert rows(db_path, "SELECT next_due_at FROM subscriptions") == [
        {"next_due_at": monday_9.isoformat()}
    ]
    for day in (28, 29):  # Saturday, Sunday
        clock.now = at_nine(day, lang)
        await tick(bot, stub)
    assert not [m for m in person.messages if m.text.startswith("💡")]
    clock.now = at_nine(30, lang)
    await tick(bot, stub)
    assert len([m for m in person.messages if m.text.startswith(heading)]) == 1


async def test_a_working_days_subscriber_gets_no_tip_on_saturday(stub, bot, clock, db_path):
    """Both chose 09:00 in Moscow; on Saturday only the every-day one gets a tip, even when
    the next moment is worked out again (a zone change clears it)."""
    daily, weekdays = Person(stub, 3210, "ru"), Person(stub, 3211, "ru")
    await subscribe(daily)
    await subscribe(weekdays)
    await weekdays.taps("Только будни")
    assert "✓ Только будни (пн–пт)" in weekdays.labels(weekdays.card)
    rows(db_path, "UPDATE subscriptions SET next_due_at = NULL")
    clock.now = at_nine(28, "ru")
    await tick(bot, stub)
    assert len([m for m in daily.messages if m.text.startswith("💡 Совет дня")]) == 1
    assert not [m for m in weekdays.messages if m.text.startswith("💡")]


@pytest.mark.parametrize(
    ("lang", "time_button", "notice"),
    [
        ("ru", "Время", "✅ Совет включён: каждый день в 09:00"),
        ("kk", "🕘", "✅ Кеңес қосылды: күн сайын, сағат 09:00"),
    ],
)
async def test_choosing_a_time_while_the_tip_is_off_says_it_is_now_on(
    stub, bot, clock, lang, time_button, notice
):
    """A chosen time switches the tip on: the card says so, once, not only in its status."""
    person = Person(stub, 3220 + OFFSET[lang], lang)
    await person.types("/daily")
    assert notice not in person.card.text
    await person.taps(time_button)
    await person.taps("09:00")
    assert notice in person.card.text.splitlines(), person.card.text
    await person.taps(time_button)
    await person.types("10:00")  # already on: nothing to announce
    assert notice.split(":")[0] not in person.card.text, person.card.text
    assert "10:00" in person.card.text
