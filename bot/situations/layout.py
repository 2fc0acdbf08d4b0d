"""A playbook page: the situation and page k/n, then one part of the playbook; the menu
and the categories: a heading and a hint."""

from __future__ import annotations

from bot.content.catalog import Catalog
from bot.content.layout_parts import bullets, join, numbered
from dialogs.engine import Screen
from dialogs.situations_flow import pages


def situations_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    if screen.part is None:
        heading = catalog.text(lang, screen.card)
        hint = catalog.text(
            lang, "ui.situations.pick" if screen.node != "menu" else "ui.situations.intro"
        )
        return join(f"<b>{heading}</b>", hint)
    key = screen.card
    situation = key.split(".")[1]
    parts = pages(situation)
    number = parts.index(screen.part) + 1
    header = f"<b>📘 {catalog.text(lang, f'{key}.title')}</b> · {number}/{len(parts)}"

    def heading(name: str) -> str:
        return f"<b>{catalog.text(lang, f'ui.situations.{name}')}</b>"

    if screen.part == "intro":
        return join(
            header,
            f"{heading('looks')}\n{catalog.text(lang, f'{key}.looks')}",
            f"{heading('why')}\n{catalog.text(lang, f'{key}.why')}",
        )
    if screen.part == "steps":
        return join(header, f"{heading('steps')}\n{numbered(catalog.texts(lang, f'{key}.steps'))}")
    if screen.part == "say":
        phrases = [f"<i>{p}</i>" for p in catalog.texts(lang, f"{key}.say")]
        return join(
            header,
            f"{heading('say')}\n{bullets(phrases, '💬')}",
            f"⛔ {catalog.text(lang, f'{key}.never')}",
        )
    return join(header, f"{heading('ladder')}\n{numbered(catalog.texts(lang, f'{key}.ladder'))}")
