"""The checks a catalog must pass before the bot starts (and in CI).

Both languages must have the same keys and the same template variables, every template
must render, every content entry must name its source, and every text must fit
Telegram's limits — a broken Kazakh card found by a user mid-call is the failure to avoid.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog
from bot.render import plain_text, render_card
from dialogs import FLOWS
from dialogs.engine import DialogState, screen

MESSAGE_LIMIT = 4096
CARD_AIM = 600
BUTTON_LABEL_LIMIT = 40
COMMAND_DESCRIPTION_LIMIT = 256
ANSWER_LIMIT = 200
SOURCE_PATTERN = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt\b")
CONTENT_FILES = ("call",)
SAMPLE_VALUES = {
    "complaint": "<b>x</b> & </i> <script>alert(1)</script> " * 10,
    "promise": "исправим до пятницы",
    "due_at": "2026-11-24T09:00:00+05:00",
    "fault": "ours",
}


def catalog_problems(catalog: Catalog) -> list[str]:
    problems: list[str] = []
    first, *others = catalog.languages
    for lang in others:
        missing = set(catalog.raw[first]) ^ set(catalog.raw[lang])
        problems += [f"{lang}: key {key} not in both languages" for key in sorted(missing)]
        for key in set(catalog.raw[first]) & set(catalog.raw[lang]):
            if catalog.variables(first, key) != catalog.variables(lang, key):
                problems.append(f"{lang}: {key} uses other template variables than {first}")
    for lang in catalog.languages:
        problems += _entry_problems(catalog, lang)
        problems += [f"{lang}: {p}" for p in _card_problems(catalog, lang)]
    return problems


def _entry_problems(catalog: Catalog, lang: str) -> list[str]:
    problems = []
    for key, value in catalog.raw[lang].items():
        file, *_, field = key.split(".")
        if file in CONTENT_FILES and field == "source" and not SOURCE_PATTERN.match(value):
            problems.append(f"{lang}: {key} does not name a source file")
        limit = {"buttons": BUTTON_LABEL_LIMIT, "commands": COMMAND_DESCRIPTION_LIMIT}.get(
            key.split(".")[1], MESSAGE_LIMIT
        )
        if key.startswith("ui.messages.") and field in {
            "already_done",
            "stale_card",
            "call_closed",
        }:
            limit = ANSWER_LIMIT
        if isinstance(value, str) and key.startswith("ui.") and not key.startswith("ui.plurals"):
            text = catalog.text(lang, key, name="Айгерим")
            if not text or len(plain_text(text)) > limit:
                problems.append(f"{lang}: {key} is empty or longer than {limit}")
    for file in CONTENT_FILES:
        entries = {k.rsplit(".", 1)[0] for k in catalog.raw[lang] if k.startswith(f"{file}.")}
        for entry in sorted(entries):
            if f"{entry}.source" not in catalog.raw[lang]:
                problems.append(f"{lang}: {entry} has no source")
    return problems


def _card_problems(catalog: Catalog, lang: str) -> list[str]:
    """Render every node with and without typed values; each must fit the limits."""
    from datetime import datetime

    from bot.timezones import zone

    problems = []
    morning = datetime(2026, 11, 23, 9, 0, tzinfo=zone("Asia/Almaty"))
    for flow in FLOWS.values():
        for node_id in flow.nodes:
            for values, flareups in (({}, 0), (SAMPLE_VALUES, 3)):
                state = DialogState(
                    flow=flow.name,
                    node=node_id,
                    values=dict(values),
                    flareups=flareups,
                    history=(("calm", 0),),
                )
                card = render_card(catalog, lang, screen(flow, state, morning))
                if len(plain_text(card.html)) > MESSAGE_LIMIT:
                    problems.append(f"card {node_id} is over {MESSAGE_LIMIT} characters")
                if not values and len(plain_text(card.html)) > CARD_AIM:
                    problems.append(f"card {node_id} is over {CARD_AIM} characters")
                for row in card.buttons:
                    problems += [
                        f"card {node_id}: callback_data {b.data!r} over 64 bytes"
                        for b in row
                        if len(b.data.encode()) > 64
                    ]
    return problems
