"""The daily settings card: the settings as stored, with the next delivery in the person's
own words and time ("Следующий совет: завтра, 09:00")."""

from __future__ import annotations

from datetime import date, datetime

from bot.content.catalog import Catalog
from bot.content.dates import format_day
from bot.content.layout_parts import join
from dialogs.daily_flow import ZONES
from dialogs.engine import Screen


def zone_label(catalog: Catalog, lang: str, zone_name: str) -> str:
    """One of the region's zones by its button's name (Алматы / Астана), others as they are."""
    for key, name in ZONES.items():
        if name == zone_name:
            return catalog.text(lang, f"ui.buttons.{key}")
    return zone_name


def daily_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    values = screen.values
    title = f"<b>{catalog.text(lang, 'daily.title')}</b>"
    if screen.node != "settings":
        return join(title, catalog.text(lang, f"{screen.card}.body"))
    days = catalog.text(
        lang,
        "daily.settings.workdays" if values.get("workdays") == "1" else "daily.settings.everyday",
    )
    lines = [
        catalog.text(
            lang, "daily.settings.on" if values.get("enabled") == "1" else "daily.settings.off"
        ),
        catalog.text(lang, "daily.settings.time", time=values.get("time", "")),
        catalog.text(lang, "daily.settings.days", days=days),
        catalog.text(
            lang, "daily.settings.zone", zone=zone_label(catalog, lang, values.get("zone", ""))
        ),
    ]
    if values.get("turned_on"):  # in place of the status, on the step a time switched it on
        time = values.get("time", "")
        lines[0] = catalog.text(lang, "daily.settings.turned_on", days=days, time=time)
    if values.get("paused_until"):
        until = format_day(catalog, lang, date.fromisoformat(values["paused_until"]))
        lines.append(catalog.text(lang, "daily.settings.paused", until=until))
    if values.get("next_at"):
        lines.append(next_line(catalog, lang, values))
    return join(title, "\n".join(lines))


def next_line(catalog: Catalog, lang: str, values: dict) -> str:
    """ "Следующий совет: завтра, 09:00": today and tomorrow by name, later days by date
    (a Monday after a working-days weekend)."""
    moment = datetime.fromisoformat(values["next_at"])
    ahead = int(values.get("next_in_days") or 0)
    day = (
        catalog.text(lang, f"daily.settings.day{ahead}")
        if ahead in (0, 1)
        else format_day(catalog, lang, moment.date())
    )
    return catalog.text(lang, "daily.settings.next", day=day, time=moment.strftime("%H:%M"))
