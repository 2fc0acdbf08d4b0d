"""When daily tips are due, with an injected clock: zones, midnight, pause, the catch-up rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.timezones import zone
from dialogs.schedule import (
    Subscription,
    next_tip_at,
    next_tip_from_now,
    parse_time,
    parse_zone,
    pause_until,
    tip_due,
)

ALMATY, MOSCOW = zone("Asia/Almaty"), zone("Europe/Moscow")
AT_9 = Subscription(enabled=True, local_time="09:00")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_almaty_is_utc_plus_5_from_the_tzdata_package():
    assert utc(2026, 11, 23, 4, 0).astimezone(ALMATY).hour == 9


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (utc(2026, 11, 23, 3, 59), None),  # 08:59 in Almaty
        (utc(2026, 11, 23, 4, 0), date(2026, 11, 23)),  # 09:00
        (utc(2026, 11, 23, 9, 59), date(2026, 11, 23)),  # 14:59: within 6 h, caught up
        (utc(2026, 11, 23, 10, 0), None),  # 15:00: too late for today's tip
    ],
)
def test_the_tip_is_due_from_the_chosen_minute_and_caught_up_within_six_hours(now, due):
    assert tip_due(AT_9, now, ALMATY) == due


def test_the_same_moment_is_a_different_local_day_in_each_zone():
    late = Subscription(enabled=True, local_time="23:30")
    now = utc(2026, 11, 23, 18, 45)  # 23:45 in Almaty, 21:45 in Moscow
    assert tip_due(late, now, ALMATY) == date(2026, 11, 23)
    assert tip_due(late, now, MOSCOW) is None


def test_the_catch_up_never_crosses_midnight_into_the_next_day():
    late = Subscription(enabled=True, local_time="22:00")
    assert tip_due(late, utc(2026, 11, 23, 18, 30), ALMATY) == date(2026, 11, 23)  # 23:30
    assert tip_due(late, utc(2026, 11, 23, 19, 30), ALMATY) is None  # 00:30 next day


def test_a_pause_skips_days_until_its_end_and_off_means_never():
    paused = Subscription(enabled=True, local_time="09:00", paused_until=date(2026, 11, 25))
    assert tip_due(paused, utc(2026, 11, 24, 4, 0), ALMATY) is None
    assert tip_due(paused, utc(2026, 11, 25, 4, 0), ALMATY) == date(2026, 11, 25)
    assert (
        tip_due(Subscription(enabled=False, local_time="09:00"), utc(2026, 11, 23, 4), ALMATY)
        is None
    )


def test_the_next_tip_follows_the_same_rules_as_the_delivery():
    before, caught_up, too_late = utc(2026, 11, 23, 3), utc(2026, 11, 23, 5), utc(2026, 11, 23, 10)
    today, tomorrow = "2026-11-23T09:00:00+05:00", "2026-11-24T09:00:00+05:00"
    assert next_tip_at(AT_9, before, ALMATY).isoformat() == today
    assert next_tip_at(AT_9, caught_up, ALMATY).isoformat() == today  # due now, not yet sent
    assert next_tip_at(AT_9, caught_up, ALMATY, delivered_today=True).isoformat() == tomorrow
    assert next_tip_at(AT_9, too_late, ALMATY).isoformat() == tomorrow
    for now in (before, caught_up, too_late):
        upcoming = next_tip_at(AT_9, now, ALMATY)
        assert tip_due(AT_9, upcoming.astimezone(UTC), ALMATY) == upcoming.date()
    paused = Subscription(enabled=True, local_time="09:00", paused_until=date(2026, 11, 26))
    assert next_tip_at(paused, before, ALMATY).date() == date(2026, 11, 26)


def test_a_time_chosen_after_it_passed_today_starts_tomorrow():
    """Catch-up is for a bot that was down: 09:00 chosen at 10:00 is tomorrow's tip."""
    before, after = utc(2026, 11, 23, 3, 59), utc(2026, 11, 23, 5)  # 08:59 and 10:00 in Almaty
    assert next_tip_from_now(AT_9, before, ALMATY).isoformat() == "2026-11-23T09:00:00+05:00"
    assert next_tip_from_now(AT_9, after, ALMATY).isoformat() == "2026-11-24T09:00:00+05:00"
    assert next_tip_from_now(AT_9, after, ALMATY) == next_tip_at(AT_9, after, ALMATY, True)


def test_a_pause_of_n_days_skips_the_next_n_tips():
    evening = utc(2026, 11, 23, 16, 55)  # 21:55 in Almaty: today's 09:00 tip went out
    assert pause_until(AT_9, 1, evening, ALMATY, delivered_today=True) == date(2026, 11, 25)
    morning = utc(2026, 11, 23, 2, 0)  # 07:00: today's tip is still to come
    assert pause_until(AT_9, 1, morning, ALMATY, delivered_today=False) == date(2026, 11, 24)
    assert pause_until(AT_9, 3, morning, ALMATY, delivered_today=False) == date(2026, 11, 26)


def test_daylight_saving_keeps_the_wall_clock_time():
    berlin = zone("Europe/Berlin")
    before, after = utc(2026, 3, 28, 8, 0), utc(2026, 3, 29, 7, 0)  # 09:00 local both days
    assert tip_due(AT_9, before, berlin) == date(2026, 3, 28)
    assert tip_due(AT_9, after, berlin) == date(2026, 3, 29)


def test_odd_offsets_typed_by_a_person_work():
    kathmandu = zone(parse_zone("+5:45"))
    assert tip_due(AT_9, utc(2026, 11, 23, 3, 15), kathmandu) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30", "09:30"),
        ("21.00", "21:00"),
        ("07-05", "07:05"),
        ("0945", "09:45"),
        ("9 45", "09:45"),
        ("9", "09:00"),
        ("25:00", None),
        ("утром", None),
    ],
)
def test_typed_times(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+5", "UTC+05:00"),
        ("UTC+05:30", "UTC+05:30"),
        ("gmt-3", "UTC-03:00"),
        ("asia/almaty", "Asia/Almaty"),
        ("Asia/Oral", "Asia/Oral"),
        ("Алматы", "Asia/Almaty"),
        ("Мәскеу", "Europe/Moscow"),
        ("Орал", "Asia/Oral"),
        ("+15", None),
        ("Mars/Base", None),
        ("\N{MINUS SIGN}3", "UTC-03:00"),
        # a time or a bare number is not a zone: once "09:30" became UTC+09:30
        ("09:30", None),
        ("15", None),
        ("10", None),
        ("+\N{ARABIC-INDIC DIGIT FIVE}", None),
        ("5+", None),
    ],
)
def test_typed_zones(typed, expected):
    assert parse_zone(typed) == expected


SATURDAY, MONDAY = date(2026, 11, 28), date(2026, 11, 30)  # after Friday 27 November
WORKDAYS_AT_9 = Subscription(enabled=True, local_time="09:00", workdays=True)


@pytest.mark.parametrize("local", [ALMATY, MOSCOW])
def test_on_working_days_friday_evening_leads_to_monday_and_the_weekend_is_quiet(local):
    """The card's moment (`next_tip_from_now`) is the one the tick finds due, in any zone."""
    friday_evening = datetime(2026, 11, 27, 20, 0, tzinfo=local).astimezone(UTC)
    upcoming = next_tip_from_now(WORKDAYS_AT_9, friday_evening, local)
    assert upcoming == datetime(2026, 11, 30, 9, 0, tzinfo=local)
    assert upcoming == next_tip_at(WORKDAYS_AT_9, friday_evening, local, delivered_today=True)
    assert tip_due(WORKDAYS_AT_9, upcoming.astimezone(UTC), local) == MONDAY
    for day in (28, 29):  # Saturday and Sunday at 09:00 there
        weekend = datetime(2026, 11, day, 9, 0, tzinfo=local).astimezone(UTC)
        assert tip_due(WORKDAYS_AT_9, weekend, local) is None
        assert tip_due(AT_9, weekend, local) == weekend.astimezone(local).date()


def test_the_weekend_is_the_persons_own_one_not_the_servers():
    """01:30 on Monday in Almaty is 23:30 on Sunday in Moscow: one is due, the other not."""
    late = Subscription(enabled=True, local_time="01:30", workdays=True)
    now = utc(2026, 11, 29, 20, 30)
    assert tip_due(late, now, ALMATY) == MONDAY
    assert tip_due(replace(late, local_time="23:30"), now, MOSCOW) is None


def test_a_pause_on_working_days_skips_working_days():
    friday_morning = datetime(2026, 11, 27, 7, 0, tzinfo=ALMATY).astimezone(UTC)
    assert pause_until(WORKDAYS_AT_9, 1, friday_morning, ALMATY, False) == MONDAY
    assert pause_until(WORKDAYS_AT_9, 1, friday_morning, ALMATY, True) == date(2026, 12, 1)
    assert pause_until(AT_9, 1, friday_morning, ALMATY, False) == SATURDAY
    paused = replace(WORKDAYS_AT_9, paused_until=SATURDAY)
    assert next_tip_at(paused, friday_morning, ALMATY).date() == MONDAY
