"""Screen → message: the card's HTML in the user's language and its buttons.

One layout for every card, so that a stressed reader always finds the stage, the action,
the phrases to say aloud and the one thing never to do in the same place.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime

from bot.catalog import Catalog
from dialogs import FLOWS
from dialogs.call_flow import STAGE_COUNT
from dialogs.engine import Screen


@dataclass(frozen=True)
class RenderedButton:
    label: str
    data: str


@dataclass(frozen=True)
class Rendered:
    html: str
    buttons: tuple[tuple[RenderedButton, ...], ...]


@dataclass(frozen=True)
class Callback:
    flow: str
    revision: int
    button: str


FLOW_BY_CODE = {flow.code: name for name, flow in FLOWS.items()}


def callback_data(flow: str, revision: int, button_id: str) -> str:
    """Short and versioned: a press names its flow and the revision its card was drawn for."""
    return f"{FLOWS[flow].code}:{revision}:{button_id}"


def parse_callback(data: str) -> Callback | None:
    code, _, rest = data.partition(":")
    revision, _, button = rest.partition(":")
    if code not in FLOW_BY_CODE or not revision.isdigit() or not button:
        return None
    return Callback(FLOW_BY_CODE[code], int(revision), button)


def label_text(catalog: Catalog, lang: str, label: str) -> str:
    """A bare label names `ui.buttons.<label>`; a dotted one is a full catalog key."""
    return catalog.text(lang, label if "." in label else f"ui.buttons.{label}")


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


def card_values(catalog: Catalog, lang: str, screen: Screen) -> dict[str, object]:
    values = screen.values
    return {
        "complaint": values.get("complaint", ""),
        "promise": values.get("promise", ""),
        "fault": values.get("fault", ""),
        "due": format_due(catalog, lang, values.get("due_at", "")),
        "flareups": screen.flareups,
    }


def render_card(catalog: Catalog, lang: str, screen: Screen) -> Rendered:
    """The card: header (stage k/5 or title), body, phrases to say, the never-do line."""
    values = card_values(catalog, lang, screen)
    key = screen.card
    parts = [_header(catalog, lang, screen), catalog.text(lang, f"{key}.body", **values)]
    phrases = [
        catalog.text(lang, f"{key}.phrases", index=i, **values)
        for i in range(len(catalog.value(lang, f"{key}.phrases")))
    ]
    if phrases:
        parts.append("\n".join(f"💬 <i>{phrase}</i>" for phrase in phrases))
    never = catalog.text(lang, f"{key}.never", **values)
    if never:
        parts.append(f"⛔ {never}")
    buttons = tuple(
        tuple(
            RenderedButton(
                label_text(catalog, lang, b.label),
                callback_data(screen.flow, screen.revision, b.id),
            )
            for b in row
        )
        for row in screen.buttons
    )
    return Rendered("\n\n".join(p for p in parts if p), buttons)


def _header(catalog: Catalog, lang: str, screen: Screen) -> str:
    if screen.stage is None:
        return f"<b>{catalog.text(lang, f'{screen.card}.title')}</b>"
    stage_name = catalog.text(lang, f"ui.stages.{screen.stage}")
    flare = f"  🔥×{screen.flareups}" if screen.flareups else ""
    return f"<b>{screen.stage}/{STAGE_COUNT} · {stage_name}</b>{flare}"


_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """HTML as a terminal shows it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))
