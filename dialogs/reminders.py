"""When a reminder set on a call is due, from the person's choice and their local time.

Three kinds share one table and one delivery: a promise's follow-up, a promised call-back,
and the written answer promised to a rude client. The choice's id says its kind, so the
record (`calls.remind`) is enough to word the reminder. Pure: the caller passes an aware
local `now`, so tests need no clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

EVENING = time(19, 0)
MORNING = time(9, 0)
CALL_BACK_MORNING = time(10, 0)
END_OF_DAY = time(18, 0)
WRITTEN_BY = time(17, 0)  # a written answer promised "today" is reminded an hour before 18:00
# a call-back promised "by 16:00" is reminded this much earlier, so the call is made in time
CALL_BACK_LEAD = timedelta(minutes=15)
FOLLOW_UP, CALL_BACK, WRITTEN = "followup", "callback", "written"
TYPED_CALL_BACK = "cbat"  # a call-back time typed as HH:MM

# choice → (kind, days ahead, wall time) or (kind, delay); None → no reminder
_CHOICES: dict[str, tuple[str, int, time] | tuple[str, timedelta]] = {
    "1h": (FOLLOW_UP, timedelta(hours=1)),
    "evening": (FOLLOW_UP, 0, EVENING),
    "morning": (FOLLOW_UP, 1, MORNING),
    "3d": (FOLLOW_UP, 3, MORNING),
    "cb30": (CALL_BACK, timedelta(minutes=30)),
    "cb2h": (CALL_BACK, timedelta(hours=2)),
    "cb18": (CALL_BACK, 0, END_OF_DAY),
    "cbam": (CALL_BACK, 1, CALL_BACK_MORNING),
    "w2h": (WRITTEN, timedelta(hours=2)),
    "weod": (WRITTEN, 0, WRITTEN_BY),
    "wam": (WRITTEN, 1, MORNING),  # offered no more (it broke "today"); calls recorded with it
}


def reminder_kind(choice: str | None) -> str:
    """What the reminder is for: a follow-up, a call-back or a written answer."""
    if choice == TYPED_CALL_BACK:
        return CALL_BACK
    return _CHOICES[choice][0] if choice in _CHOICES else FOLLOW_UP


def reminder_due(choice: str, now: datetime) -> datetime | None:
    """The moment a reminder choice names (for a call-back, the moment promised to the
    client); None when the person wants no reminder."""
    if now.tzinfo is None:
        raise ValueError("reminder_due needs an aware local time")
    if choice == "none":
        return None
    if choice not in _CHOICES:
        raise ValueError(f"unknown reminder choice {choice!r}")
    rule = _CHOICES[choice]
    if len(rule) == 2:
        return now + rule[1]
    return _at(now, rule[1], rule[2])


def typed_due(wall: str, now: datetime) -> datetime:
    """A typed `HH:MM` call-back: today if that time is still ahead, otherwise tomorrow."""
    hours, minutes = wall.split(":")
    chosen = time(int(hours), int(minutes))
    due = _at(now, 0, chosen)
    return due if due > now else _at(now, 1, chosen)


def due_values(choice: str, moment: datetime | None, now: datetime) -> dict[str, str]:
    """The dialog values a chosen moment leaves: when the reminder is due, and for a
    call-back the moment promised to the client and how many local days ahead it is, so
    a card can say "today by 16:00" without knowing the clock. A call-back's reminder
    comes `CALL_BACK_LEAD` early (at once if that is already past)."""
    if moment is None:
        return {"due_at": "", "promised_at": "", "due_days": ""}
    if reminder_kind(choice) != CALL_BACK:
        return {"due_at": moment.isoformat(), "promised_at": "", "due_days": ""}
    return {
        "due_at": (moment - CALL_BACK_LEAD).isoformat(),
        "promised_at": moment.isoformat(),
        "due_days": str((moment.date() - now.date()).days),
    }


def _at(now: datetime, days: int, wall: time) -> datetime:
    """The wall-clock time `days` later in the same zone (DST-safe via zoneinfo)."""
    day = now.date() + timedelta(days=days)
    return datetime.combine(day, wall, tzinfo=now.tzinfo)
