"""A call card: stage k/5 and flare-ups, the action, phrases to say aloud, the one thing
never to do — always in the same place, so a stressed reader finds them at a glance."""

from __future__ import annotations

from bot.content.catalog import Catalog
from bot.content.dates import format_due
from bot.content.layout_parts import bullets, join
from dialogs.call_flow import STAGE_COUNT
from dialogs.engine import Screen


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
        flare = f"  🔥\N{MULTIPLICATION SIGN}{screen.flareups}" if screen.flareups else ""
        stage = catalog.text(lang, f"ui.stages.{screen.stage}")
        header = f"<b>{screen.stage}/{STAGE_COUNT} · {stage}</b>{flare}"
    phrases = catalog.texts(lang, f"{key}.phrases", **values)
    never = catalog.text(lang, f"{key}.never", **values)
    return join(
        header,
        catalog.text(lang, f"{key}.body", **values),
        bullets([f"<i>{p}</i>" for p in phrases], "💬"),
        f"⛔ {never}" if never else "",
    )
