"""Daily tip settings: on/off, the time of day, every day or Monday to Friday, the time
zone, a pause of N days.

The settings live in the `subscriptions` table (the scheduler reads them there). A button
or typed value asks for a change with a `set_*` value; the adapter applies it and mirrors
the stored settings back into the dialog (`enabled`, `time`, `workdays`, `zone`, `paused`,
`next_*`), so the card and the `when` conditions always show what is really stored.
"""

from __future__ import annotations

from dialogs.graph import BACK, Button, Node, build_flow
from dialogs.schedule import parse_time, parse_zone

SETTINGS = "settings"
WORKDAYS = "workdays"  # `set_days`: Monday to Friday only; "all": every day
TIMES = ("07:00", "08:00", "09:00", "10:00", "12:00", "13:00", "18:00", "20:00", "21:00")
# the region's zones: label key → IANA name
ZONES = {
    "zone_almaty": "Asia/Almaty",
    "zone_aqtobe": "Asia/Aqtobe",
    "zone_moscow": "Europe/Moscow",
    "zone_tashkent": "Asia/Tashkent",
    "zone_bishkek": "Asia/Bishkek",
}
PAUSES = ("1", "3", "7")
BACK_ROW = (Button("back", "back", BACK),)


def _rows(buttons: list[Button], width: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def _days_row() -> tuple[Button, ...]:
    """Every day or Monday to Friday: both on the card, the one in force ticked (pressing
    it again changes nothing), so the choice is seen, not only a switch to the other."""
    return (
        Button("everyday_chosen", "daily_everyday_chosen", SETTINGS, when=("workdays", "0")),
        Button(
            "everyday", "daily_everyday", SETTINGS, sets={"set_days": "all"}, when=("workdays", "1")
        ),
        Button("workdays_chosen", "daily_workdays_chosen", SETTINGS, when=("workdays", "1")),
        Button(
            "workdays",
            "daily_workdays",
            SETTINGS,
            sets={"set_days": WORKDAYS},
            when=("workdays", "0"),
        ),
    )


NODES = (
    Node(
        SETTINGS,
        "daily.settings",
        buttons=(
            (
                Button(
                    "on", "daily_on", SETTINGS, sets={"set_enabled": "1"}, when=("enabled", "0")
                ),
                Button(
                    "off", "daily_off", SETTINGS, sets={"set_enabled": "0"}, when=("enabled", "1")
                ),
            ),
            (Button("time", "daily_time", "time"), Button("zone", "daily_zone", "zone")),
            _days_row(),
            (Button("pause", "daily_pause", "pause", when=("enabled", "1")),),
        ),
    ),
    Node(
        "time",
        "daily.time",
        fills="set_time",
        then=SETTINGS,
        buttons=(
            *_rows(
                [
                    Button(t.replace(":", ""), f"={t}", SETTINGS, sets={"set_time": t})
                    for t in TIMES
                ],
                3,
            ),
            BACK_ROW,
        ),
    ),
    Node(
        "zone",
        "daily.zone",
        fills="set_zone",
        then=SETTINGS,
        buttons=(
            *_rows(
                [
                    Button(key, key, SETTINGS, sets={"set_zone": name})
                    for key, name in ZONES.items()
                ],
                2,
            ),
            BACK_ROW,
        ),
    ),
    Node(
        "pause",
        "daily.pause",
        buttons=(
            tuple(
                Button(f"p{days}", f"pause_{days}", SETTINGS, sets={"set_pause": days})
                for days in PAUSES
            ),
            (
                Button(
                    "resume", "pause_off", SETTINGS, sets={"set_pause": "0"}, when=("paused", "1")
                ),
            ),
            BACK_ROW,
        ),
    ),
)

DAILY_FLOW = build_flow(
    "daily",
    "d",
    SETTINGS,
    NODES,
    validators={"set_time": parse_time, "set_zone": parse_zone},
    mirrors_person=True,
)
