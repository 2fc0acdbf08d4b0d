"""A check card: the question k/n, or the verdict with the answers that led to it."""

from __future__ import annotations

from bot.check.client import client_line
from bot.content.catalog import Catalog
from bot.content.layout_parts import bullets, join, numbered
from dialogs.check_flow import QUESTIONS, VERDICTS, reasons
from dialogs.engine import Screen


def check_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    title = catalog.text(lang, "ui.check.title")
    if screen.node in VERDICTS:
        key = screen.card
        why = [catalog.text(lang, f"check.reasons.{r}") for r in reasons(screen.values)]
        return join(
            f"<b>{catalog.text(lang, f'{key}.title')}</b>",
            catalog.text(lang, f"{key}.body"),
            numbered(catalog.texts(lang, f"{key}.steps")),
            f"<b>{catalog.text(lang, 'ui.check.why')}</b>\n{bullets(why)}" if why else "",
        )
    number = list(QUESTIONS).index(screen.node) + 1
    return join(
        f"<b>{title}</b> · {number}/{len(QUESTIONS)}",
        client_line(catalog, lang, screen),
        catalog.text(lang, f"{screen.card}.text"),
    )
