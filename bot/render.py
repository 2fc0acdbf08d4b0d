"""Screen → message: the card's HTML in the user's language and its versioned buttons."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.catalog import Catalog
from bot.layouts import LAYOUTS
from dialogs import FLOWS
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
    """A bare label names `ui.buttons.<label>`; a dotted one is a full catalog key;
    `=text` is the same in every language (a time of day)."""
    if label.startswith("="):
        return label[1:]
    return catalog.text(lang, label if "." in label else f"ui.buttons.{label}")


def render_card(catalog: Catalog, lang: str, screen: Screen) -> Rendered:
    """The card in the layout of its flow, with its buttons versioned by revision."""
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
    return Rendered(LAYOUTS[screen.flow](catalog, lang, screen), buttons)


_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """HTML as a terminal shows it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))
