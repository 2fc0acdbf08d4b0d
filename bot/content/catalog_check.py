"""The checks a catalog must pass before the bot starts (and in CI).

Both languages must have the same keys and the same template variables, every template
must render, every content entry must name its source, and every text must fit
Telegram's limits — a broken Kazakh card found by a user mid-call is the failure to avoid.

A glance card (an entry with a `lead`: a card read while the client talks) must also
keep its reading budget with the longest values a person can type: a bold instruction,
at most two phrases said aloud, one "never" line, the whole card short. Its expanded
form (the reason shown, marked by `WHY_MARK`) is exempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from bot.content.catalog import Catalog
from bot.content.render import CardRenderer, Rendered, plain_text
from bot.timezones import zone
from dialogs.check_flow import QUESTIONS
from dialogs.engine import DialogState, screen

MESSAGE_LIMIT = 4096
CALL_CARD_AIM = 600  # a coach card is read mid-call, at a glance
CARD_AIM = 700
BUTTON_LABEL_LIMIT = 40
COMMAND_DESCRIPTION_LIMIT = 256
ANSWER_LIMIT = 200
TIP_LIMIT = 300
# how a glance card marks its parts (INFORMATION SOURCE for the reason)
PHRASE_MARK, NEVER_MARK, WHY_MARK = "💬 ", "⛔ ", "\N{INFORMATION SOURCE}\ufe0f "
LEAD_LIMIT, PHRASE_LIMIT, PHRASES_MAX, NEVER_LIMIT, GLANCE_LIMIT = 60, 70, 2, 60, 300
SOURCE_PATTERN = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt\b")
CONTENT = ("call", "situations", "tips", "check")
ANSWERS_SHOWN_AS_TOASTS = {"already_done", "stale_card", "call_closed"}
SAMPLE_TEXT = "<b>x</b> & </i> <script>alert(1)</script> 🔥\u200b\u05d0 "
WORDY_TEXT = "клиент кричит, что сайт лежит третий день и заказы не идут "  # cut at a word
LONGEST_TYPED = 4096  # Telegram's limit on one message a person sends
SAMPLE_VALUES = {
    "due_at": "2026-11-24T09:00:00+05:00",
    "due_days": "1",
    "remind": "cb2h",
    "cause": "expectations",
    "fault": "ours",
    **{question: answers[0] for question, answers in QUESTIONS.items()},
}
NUMBERS = {
    "best": 80,
    "flareups": 2,
    "n": 2,
    "calls": 3,
    "kept": 1,
    "due": 1,
    "missed": 1,
    "rude_exits": 1,
}
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=zone("Asia/Almaty"))


def hostile_values(renderer: CardRenderer, sample: str = SAMPLE_TEXT) -> dict[str, str]:
    """Every field a person can type, filled with the longest text Telegram lets them send."""
    typed = {field for flow in renderer.flows.values() for field in flow.typed_fields}
    longest = (sample * (LONGEST_TYPED // len(sample) + 1))[:LONGEST_TYPED]
    return {**SAMPLE_VALUES, **dict.fromkeys(typed, longest)}


# Digests of catalogs that passed the start-up check in this process: the answer depends
# only on the text, so a second application built here (a test, a benchmark) skips it.
_PASSED: set[str] = set()


def verify(catalog: Catalog) -> list[str]:
    """The start-up check: both languages have the same keys and template variables.

    Why not render every card at start as well: that takes seconds (every node of every
    flow, both languages, with the longest typed values), and a start must stay under
    1.5 s. The catalogs ship with the code and CI renders every card (`catalog_problems`,
    `tests/test_locales.py`); what a hand-edited deployment breaks — a key or a variable
    missing in one language — is still refused here, before the first update.
    """
    if catalog.digest in _PASSED:
        return []
    problems = structure_problems(catalog)
    if not problems:
        _PASSED.add(catalog.digest)
    return problems


def structure_problems(catalog: Catalog) -> list[str]:
    problems: list[str] = []
    first, *others = catalog.languages
    for lang in others:
        missing = set(catalog.raw[first]) ^ set(catalog.raw[lang])
        problems += [f"{lang}: key {key} not in both languages" for key in sorted(missing)]
        for key in set(catalog.raw[first]) & set(catalog.raw[lang]):
            if catalog.variables(first, key) != catalog.variables(lang, key):
                problems.append(f"{lang}: {key} uses other template variables than {first}")
    return problems


def catalog_problems(catalog: Catalog, renderer: CardRenderer) -> list[str]:
    """Everything: the structure, every entry rendered, every card of every flow."""
    problems = structure_problems(catalog)
    if problems:
        return problems  # rendering would only trip over the same missing keys
    for lang in catalog.languages:
        problems += _entry_problems(catalog, lang)
    for lang, node, values, card in rendered_cards(catalog, renderer):
        text = plain_text(card.html)
        length = _length(text)
        live = renderer.flows[node.split(".")[0]].stage_controls  # read mid-call, at a glance
        aim = CALL_CARD_AIM if live else CARD_AIM
        limit = aim if not values else MESSAGE_LIMIT
        if length > limit:
            problems.append(f"{lang}: card {node} is {length} characters, over {limit}")
        problems += [
            f"{lang}: card {node}: callback_data {b.data!r} over 64 bytes"
            for row in card.buttons
            for b in row
            if len(b.data.encode()) > 64
        ]
        problems += glance_problems(catalog, renderer, lang, node, text)
    return problems


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units


def glance_problems(
    catalog: Catalog, renderer: CardRenderer, lang: str, node: str, text: str
) -> list[str]:
    """A glance card over its reading budget, part by part (see the module docstring)."""
    flow, node_id = node.split(".", 1)
    key = renderer.flows[flow].node(node_id).card
    if not catalog.has(lang, f"{key}.lead"):
        return []
    lines = text.splitlines()
    phrases = [line[len(PHRASE_MARK) :] for line in lines if line.startswith(PHRASE_MARK)]
    nevers = [line[len(NEVER_MARK) :] for line in lines if line.startswith(NEVER_MARK)]
    parts = [(plain_text(catalog.text(lang, f"{key}.lead")), LEAD_LIMIT, "instruction")]
    parts += [(phrase, PHRASE_LIMIT, "phrase") for phrase in phrases]
    parts += [(never, NEVER_LIMIT, "never-line") for never in nevers]
    if WHY_MARK not in text:
        parts.append((text, GLANCE_LIMIT, "card"))
    problems = [
        f"{lang}: card {node}: {name} is {_length(part)} characters, over {limit}"
        for part, limit, name in parts
        if _length(part) > limit
    ]
    if len(phrases) > PHRASES_MAX or len(nevers) > 1:
        problems.append(f"{lang}: card {node}: more than {PHRASES_MAX} phrases or one never-line")
    return problems


def rendered_cards(
    catalog: Catalog, renderer: CardRenderer
) -> Iterator[tuple[str, str, dict[str, str], Rendered]]:
    """Every node of every flow in every language, bare and filled with hostile or wordy values of
    the longest length a person can type, so no template can grow a card past the limit."""
    samples = (({}, 0), (hostile_values(renderer), 3), (hostile_values(renderer, WORDY_TEXT), 3))
    for lang in catalog.languages:
        for flow in renderer.flows.values():
            for node_id in flow.nodes:
                for values, flareups in samples:
                    state = DialogState(
                        flow=flow.name,
                        node=node_id,
                        values=dict(values),
                        flareups=flareups,
                        history=((flow.start, 0),),
                    )
                    card = renderer.render(lang, screen(flow, state, MORNING))
                    yield lang, f"{flow.name}.{node_id}", values, card


def _limit(key: str) -> int:
    section, field = key.split(".")[1], key.rsplit(".", 1)[1]
    if key.startswith("tips."):
        return TIP_LIMIT
    if section == "messages" and field in ANSWERS_SHOWN_AS_TOASTS:
        return ANSWER_LIMIT
    return {"buttons": BUTTON_LABEL_LIMIT, "commands": COMMAND_DESCRIPTION_LIMIT}.get(
        section, MESSAGE_LIMIT
    )


def _entry_problems(catalog: Catalog, lang: str) -> list[str]:
    problems = []
    for key, value in catalog.raw[lang].items():
        namespace, *_, field = key.split(".")
        if field == "source" and not SOURCE_PATTERN.match(value):
            problems.append(f"{lang}: {key} does not name a source file")
        if isinstance(value, str) and field != "source" and not key.startswith("ui.plurals"):
            sample = {name: NUMBERS.get(name, "Айгерим") for name in catalog.variables(lang, key)}
            text = catalog.text(lang, key, **sample)
            empty_allowed = namespace in CONTENT and field == "never"
            if (not text and not empty_allowed) or len(plain_text(text)) > _limit(key):
                problems.append(f"{lang}: {key} is empty or longer than {_limit(key)}")
    for namespace in CONTENT:
        entries = {k.rsplit(".", 1)[0] for k in catalog.raw[lang] if k.startswith(f"{namespace}.")}
        problems += [
            f"{lang}: {entry} has no source"
            for entry in sorted(entries)
            if f"{entry}.source" not in catalog.raw[lang]
        ]
    return problems
