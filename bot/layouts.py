"""How each flow lays out its cards, so a stressed reader finds things in the same place.

A call card: stage k/5, the action, phrases to say aloud, the one thing never to do.
A playbook page: the situation and page k/n, then one part of the playbook.
A check card: the question, or the verdict with the answers that led to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from babel.dates import format_date, format_datetime

from bot.catalog import Catalog
from dialogs.call_flow import STAGE_COUNT
from dialogs.check_flow import QUESTIONS, VERDICTS, reasons
from dialogs.daily_flow import ZONES
from dialogs.engine import Screen
from dialogs.library import pages

Layout = Callable[[Catalog, str, Screen], str]


def format_due(catalog: Catalog, lang: str, due_at: str) -> str:
    """A due moment in the user's own offset, with month and weekday names from Babel."""
    if not due_at:
        return ""
    moment = datetime.fromisoformat(due_at)
    return format_datetime(
        moment,
        catalog.value(lang, "ui.meta.date_format"),
        tzinfo=moment.tzinfo,
        locale=catalog.value(lang, "ui.meta.babel_locale"),
    )


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def _bullets(items: list[str], mark: str = "•") -> str:
    return "\n".join(f"{mark} {item}" for item in items)


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def call_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    key = screen.card
    values = {
        "complaint": screen.values.get("complaint", ""),
        "promise": screen.values.get("promise", ""),
        "fault": screen.values.get("fault", ""),
        "due": format_due(catalog, lang, screen.values.get("due_at", "")),
        "flareups": screen.flareups,
    }
    if screen.stage is None:
        header = f"<b>{catalog.text(lang, f'{key}.title')}</b>"
    else:
        flare = f"  🔥×{screen.flareups}" if screen.flareups else ""
        stage = catalog.text(lang, f"ui.stages.{screen.stage}")
        header = f"<b>{screen.stage}/{STAGE_COUNT} · {stage}</b>{flare}"
    phrases = catalog.texts(lang, f"{key}.phrases", **values)
    never = catalog.text(lang, f"{key}.never", **values)
    return _join(
        header,
        catalog.text(lang, f"{key}.body", **values),
        _bullets([f"<i>{p}</i>" for p in phrases], "💬"),
        f"⛔ {never}" if never else "",
    )


def library_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    if screen.part is None:
        heading = catalog.text(lang, screen.card)
        hint = catalog.text(
            lang, "ui.library.pick" if screen.node != "menu" else "ui.library.intro"
        )
        return _join(f"<b>{heading}</b>", hint)
    key = screen.card
    situation = key.split(".")[1]
    parts = pages(situation)
    number = parts.index(screen.part) + 1
    header = f"<b>📘 {catalog.text(lang, f'{key}.title')}</b> · {number}/{len(parts)}"

    def heading(name: str) -> str:
        return f"<b>{catalog.text(lang, f'ui.library.{name}')}</b>"

    if screen.part == "intro":
        return _join(
            header,
            f"{heading('looks')}\n{catalog.text(lang, f'{key}.looks')}",
            f"{heading('why')}\n{catalog.text(lang, f'{key}.why')}",
        )
    if screen.part == "steps":
        return _join(
            header, f"{heading('steps')}\n{_numbered(catalog.texts(lang, f'{key}.steps'))}"
        )
    if screen.part == "say":
        phrases = [f"<i>{p}</i>" for p in catalog.texts(lang, f"{key}.say")]
        return _join(
            header,
            f"{heading('say')}\n{_bullets(phrases, '💬')}",
            f"⛔ {catalog.text(lang, f'{key}.never')}",
        )
    return _join(header, f"{heading('ladder')}\n{_numbered(catalog.texts(lang, f'{key}.ladder'))}")


def check_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    title = catalog.text(lang, "ui.check.title")
    if screen.node in VERDICTS:
        key = screen.card
        why = [catalog.text(lang, f"check.reasons.{r}") for r in reasons(screen.values)]
        return _join(
            f"<b>{catalog.text(lang, f'{key}.title')}</b>",
            catalog.text(lang, f"{key}.body"),
            _numbered(catalog.texts(lang, f"{key}.steps")),
            f"<b>{catalog.text(lang, 'ui.check.why')}</b>\n{_bullets(why)}" if why else "",
        )
    number = list(QUESTIONS).index(screen.node) + 1
    return _join(
        f"<b>{title}</b> · {number}/{len(QUESTIONS)}",
        catalog.text(lang, f"{screen.card}.text"),
    )


def zone_label(catalog: Catalog, lang: str, zone_name: str) -> str:
    """One of the region's zones by its button's name (Алматы / Астана), others as they are."""
    for key, name in ZONES.items():
        if name == zone_name:
            return catalog.text(lang, f"ui.buttons.{key}")
    return zone_name


def daily_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    """The settings as stored, with the next delivery in the person's own words and time."""
    values = screen.values
    if screen.node != "settings":
        return _join(
            f"<b>{catalog.text(lang, 'daily.title')}</b>", catalog.text(lang, f"{screen.card}.body")
        )
    locale = catalog.value(lang, "ui.meta.babel_locale")
    lines = [
        catalog.text(
            lang, "daily.settings.on" if values.get("enabled") == "1" else "daily.settings.off"
        ),
        catalog.text(lang, "daily.settings.time", time=values.get("time", "")),
        catalog.text(
            lang, "daily.settings.zone", zone=zone_label(catalog, lang, values.get("zone", ""))
        ),
    ]
    if values.get("paused_until"):
        until = format_date(date.fromisoformat(values["paused_until"]), "d MMMM", locale=locale)
        lines.append(catalog.text(lang, "daily.settings.paused", until=until))
    if values.get("next_at"):
        moment = datetime.fromisoformat(values["next_at"])
        days = int(values.get("next_in_days") or 0)
        day = (
            catalog.text(lang, f"daily.settings.day{days}")
            if days in (0, 1)
            else format_date(moment.date(), "d MMMM", locale=locale)
        )
        lines.append(
            catalog.text(lang, "daily.settings.next", day=day, time=moment.strftime("%H:%M"))
        )
    return _join(f"<b>{catalog.text(lang, 'daily.title')}</b>", "\n".join(lines))


LAYOUTS: dict[str, Layout] = {
    "call": call_card,
    "library": library_card,
    "check": check_card,
    "daily": daily_card,
}
