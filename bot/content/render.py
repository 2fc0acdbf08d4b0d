"""Screen → message: the card's HTML in the person's language and its versioned buttons.

Typed values (a complaint, a promise) are shortened here, once, before any template sees
them — a note to its flow's cap, so a note within it is shown whole: Telegram refuses a
message over 4,096 characters, and a limit that rests on every template remembering a
filter is one edit away from a card nobody can be shown again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.content.callback_data import ButtonData
from bot.content.catalog import Catalog, shorten
from dialogs.engine import Screen
from dialogs.graph import Flow

Layout = Callable[[Catalog, str, Screen], str]
NOTE_JOINER = " · "  # the lines of a note, shown on one line


@dataclass(frozen=True)
class RenderedButton:
    label: str
    data: str


@dataclass(frozen=True)
class Rendered:
    html: str
    buttons: tuple[tuple[RenderedButton, ...], ...]


def label_text(catalog: Catalog, lang: str, label: str) -> str:
    """A bare label names `ui.buttons.<label>`; a dotted one is a full catalog key;
    `=text` is the same in every language (a time of day)."""
    if label.startswith("="):
        return label[1:]
    return catalog.text(lang, label if "." in label else f"ui.buttons.{label}")


class CardRenderer:
    """Every flow's card in its own layout; built once from the features' declarations."""

    def __init__(
        self, catalog: Catalog, flows: Mapping[str, Flow], layouts: Mapping[str, Layout]
    ) -> None:
        self.catalog = catalog
        self.flows = flows
        self.layouts = layouts

    def render(self, lang: str, screen: Screen) -> Rendered:
        flow = self.flows[screen.flow]
        typed = flow.typed_fields
        values = {
            key: shown_typed(value, flow.notes.get(key)) if key in typed else value
            for key, value in screen.values.items()
        }
        shown = replace(screen, values=values)
        buttons = tuple(
            tuple(
                RenderedButton(
                    label_text(self.catalog, lang, b.label),
                    ButtonData(flow.code, screen.revision, b.id).encode(),
                )
                for b in row
            )
            for row in screen.buttons
        )
        return Rendered(self.layouts[screen.flow](self.catalog, lang, shown), buttons)


def shown_typed(value: str, note_cap: int | None) -> str:
    """A typed value as a card shows it: a note's lines one after another, then short."""
    if note_cap is None:
        return shorten(value)
    lines = value.splitlines()
    joined = NOTE_JOINER.join(lines)
    return shorten(joined, note_cap + (len(NOTE_JOINER) - 1) * (len(lines) - 1))


_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """HTML as a terminal shows it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))
