"""When a follow-up reminder is due, from the user's choice and their local time.

Pure: the caller passes an aware local `now`, so tests need no clock and the result
carries the user's offset (stored as UTC later by the adapter).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

EVENING = time(19, 0)
MORNING = time(9, 0)


def reminder_due(choice: str, now: datetime) -> datetime | None:
    """The due moment for a reminder choice; None when the user wants no reminder."""
    if now.tzinfo is None:
        raise ValueError("reminder_due needs an aware local time")
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "evening":
        return _at(now, 0, EVENING)
    if choice == "morning":
        return _at(now, 1, MORNING)
    if choice == "3d":
        return _at(now, 3, MORNING)
    if choice == "none":
        return None
    raise ValueError(f"unknown reminder choice {choice!r}")


def _at(now: datetime, days: int, wall: time) -> datetime:
    """The wall-clock time `days` later in the same zone (DST-safe via zoneinfo)."""
    day = now.date() + timedelta(days=days)
    return datetime.combine(day, wall, tzinfo=now.tzinfo)
