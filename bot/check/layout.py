"""A check card: the question k/n, or the verdict with what to do and why.

A verdict card reads top to bottom as the person acts: the verdict and its reading of the
answers, one numbered list (what comes first, then the verdict's own steps), the remedies
for what else the answers raised, and the answers that led to it (those the lists do not
already name).
"""

from __future__ import annotations

from bot.check.client import client_line
from bot.content.catalog import Catalog
from bot.content.layout_parts import bullets, join, numbered
from dialogs.check_flow import PARTING, QUESTIONS, VERDICTS, plan, reasons
from dialogs.engine import Screen


def check_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    if screen.node in VERDICTS:
        return verdict_card(catalog, lang, screen)
    number = list(QUESTIONS).index(screen.node) + 1
    return join(
        f"<b>{catalog.text(lang, 'ui.check.title')}</b> · {number}/{len(QUESTIONS)}",
        client_line(catalog, lang, screen),
        catalog.text(lang, f"{screen.card}.text"),
    )


def verdict_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    key = screen.card
    answers = {question: screen.values.get(question, "") for question in QUESTIONS}
    steps_key = "check.offboarding.steps" if screen.node in PARTING else f"{key}.steps"
    advice = plan(answers)
    steps = [
        *(catalog.text(lang, f"check.first.{item}") for item in advice.first),
        *(catalog.text(lang, f"check.remedy.{matter}") for matter in advice.own),
        *catalog.texts(lang, steps_key),
    ]
    also = [catalog.text(lang, f"check.remedy.{matter}") for matter in advice.remedies]
    said = {*advice.first, *advice.own, *advice.remedies}  # a reason the lists already give
    why = [catalog.text(lang, f"check.reasons.{r}") for r in reasons(answers) if r not in said]
    return join(
        f"<b>{catalog.text(lang, f'{key}.title')}</b>",
        catalog.text(lang, f"{key}.body", **answers),
        numbered(steps),
        f"<b>{catalog.text(lang, 'ui.check.also')}</b>\n{bullets(also)}" if also else "",
        f"<b>{catalog.text(lang, 'ui.check.why')}</b>\n{bullets(why)}" if why else "",
    )
