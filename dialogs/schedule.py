"""When the daily tip is due (every day, or Monday to Friday in the person's own zone), and
reading the times and zones people type.

Pure functions over an injected `now`: the scheduler, the settings card ("next tip:
tomorrow 09:00") and the tests all ask the same questions of the same code.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache

CATCH_UP = timedelta(hours=6)
SATURDAY = 5  # date.weekday(): a working-days subscription skips 5 and 6
SATURDAY = 5  # date.weekday(): a working-days subscription skips 5 and 6
TIME = re.compile(r"^\s*([01]?\d|2[0-3])(?:\s*[:.\- ]?\s*([0-5]\d))?\s*$")
# cities people type for the region's zones, in Russian, Kazakh and Latin letters
CITIES = {
    "Asia/Almaty": ("алматы", "алма-ата", "астана", "нур-султан", "almaty", "astana", "шымкент"),
    "Asia/Aqtobe": ("актобе", "ақтөбе", "aqtobe", "aktobe"),
    "Asia/Oral": ("уральск", "орал", "oral", "uralsk"),
    "Europe/Moscow": ("москва", "мәскеу", "moscow", "мск"),
    "Asia/Tashkent": ("ташкент", "tashkent"),
    "Asia/Bishkek": ("бишкек", "бішкек", "bishkek"),
}
# an explicit sign (plus, hyphen, minus sign or en dash) is required: "+5", "gmt+05:30";
# a bare "09:30" or "15" is a time, not a zone
MINUS_SIGNS = "-\N{MINUS SIGN}\N{EN DASH}"
OFFSET = re.compile(
    r"^\s*(?:utc|gmt)?\s*([+\-\N{MINUS SIGN}\N{EN DASH}])\s*(\d{1,2})(?::?(\d{2}))?\s*$",
    re.IGNORECASE | re.ASCII,
)


@dataclass(frozen=True)
class Subscription:
    enabled: bool
    local_time: str  # "HH:MM" in the user's zone
    paused_until: date | None = None
    workdays: bool = False  # Monday to Friday only, by the person's local calendar

    def sends_on(self, day: date) -> bool:
        return not self.workdays or day.weekday() < SATURDAY


def first_sending_day(sub: Subscription, day: date) -> date:
    """`day`, or the first day after it that has a tip (Monday after a weekend)."""
    while not sub.sends_on(day):
        day += timedelta(days=1)
    return day


def wall_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def tip_due(
    sub: Subscription, now: datetime, zone: tzinfo, since: datetime | None = None
) -> date | None:
    """The local day whose tip is due now, if any.

    Due from the chosen minute on; a bot that was down catches up within CATCH_UP of it,
    but only on the same local day — a tip for yesterday is never sent today. A minute
    that had already passed `since` the settings or the zone last changed is not caught
    up: the card said tomorrow then (`next_tip_from_now`).
    """
    if not sub.enabled:
        return None
    local = now.astimezone(zone)
    today = local.date()
    if sub.paused_until is not None and today < sub.paused_until:
        return None
    if not sub.sends_on(today):
        return None
    chosen = datetime.combine(today, wall_time(sub.local_time), tzinfo=zone)
    if chosen <= local < chosen + CATCH_UP and (since is None or since < chosen):
        return today
    return None


def next_tip_at(
    sub: Subscription, now: datetime, zone: tzinfo, delivered_today: bool = False
) -> datetime | None:
    """When the next tip goes out, by the same rules as `tip_due` (for the settings card).

    Today's tip is still to come until it was delivered or its catch-up window closed;
    a weekend day of a working-days subscription moves it to Monday.
    """
    if not sub.enabled:
        return None
    local = now.astimezone(zone)
    wall = wall_time(sub.local_time)
    day = local.date()
    if delivered_today or local >= datetime.combine(day, wall, tzinfo=zone) + CATCH_UP:
        day += timedelta(days=1)
    if sub.paused_until is not None and day < sub.paused_until:
        day = sub.paused_until
    return datetime.combine(first_sending_day(sub, day), wall, tzinfo=zone)


def next_tip_from_now(
    sub: Subscription, now: datetime, zone: tzinfo, delivered_today: bool = False
) -> datetime | None:
    """The next tip as the person sees it on the settings card: a time that has already
    passed today is tomorrow's. `tip_due`'s catch-up is for a bot that was down at the
    chosen minute, not for a time chosen (or a card opened) after it passed — 09:00 set at
    noon means tomorrow at 09:00, not a tip at once under "next tip: today, 09:00"."""
    local = now.astimezone(zone)
    passed = local >= datetime.combine(local.date(), wall_time(sub.local_time), tzinfo=zone)
    return next_tip_at(sub, now, zone, delivered_today or passed)


def pause_until(
    sub: Subscription, days: int, now: datetime, zone: tzinfo, delivered_today: bool
) -> date:
    """A pause of N days skips the next N tips: it counts from the next delivery, not today,
    and on working days only it skips N working days (one from Friday resumes on Monday)."""
    running = Subscription(enabled=True, local_time=sub.local_time, workdays=sub.workdays)
    first = next_tip_from_now(running, now, zone, delivered_today)
    assert first is not None
    day = first.date()
    for _ in range(days):
        day = first_sending_day(sub, day + timedelta(days=1))
    return day


def parse_time(text: str) -> str | None:
    """`9:30`, `09.30`, `21-00`, `0945`, `9 45`, `9` → `HH:MM`; anything else → None."""
    match = TIME.match(text)
    return f"{int(match[1]):02}:{match[2] or '00'}" if match else None


def parse_zone(text: str) -> str | None:
    """A UTC offset (`+5`, `UTC+05:30`), a city of the region (`Алматы`) or an IANA name.

    Offsets become `UTC+HH:MM` (fixed, no daylight saving): that is what the person asked for.
    """
    name = text.strip()
    match = OFFSET.match(name)
    if match:
        sign = "-" if match[1] in MINUS_SIGNS else "+"
        hours, minutes = int(match[2]), int(match[3] or 0)
        if hours > 14 or minutes not in (0, 30, 45):
            return None
        return f"UTC{sign}{hours:02}:{minutes:02}"
    lowered = name.lower()
    for zone_name, cities in CITIES.items():
        if lowered in cities:
            return zone_name
    return _zone_names().get(lowered.replace(" ", "_"))


@cache
def _zone_names() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}
