"""The checks a catalog must pass before the bot starts (and in CI).

A broken Kazakh card found mid-call is the failure to avoid: both languages have the same
keys and variables, every template renders, every content entry names its source, and
every text fits Telegram's limits, a glance card even with the longest typed values. Each
feature declares its texts' rules in its `TextRules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.content.catalog import Catalog
from bot.content.render import CardRenderer, Rendered, plain_text
from bot.timezones import zone
from dialogs.engine import DialogState, screen
from dialogs.graph import Flow

MESSAGE_LIMIT = 4096
LIVE_CARD_AIM = 600  # a card with stage controls is read while the client talks
CARD_AIM = 700
BUTTON_LABEL_LIMIT = 40
COMMAND_DESCRIPTION_LIMIT = 256
ANSWER_LIMIT = 200
# how a glance card marks its parts (INFORMATION SOURCE for the reason)
PHRASE_MARK, NEVER_MARK, WHY_MARK = "💬 ", "⛔ ", "\N{INFORMATION SOURCE}\ufe0f "
LEAD_LIMIT, PHRASE_LIMIT, PHRASES_MAX, NEVER_LIMIT, GLANCE_LIMIT = 60, 70, 2, 60, 300
SOURCE_PATTERN = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt\b")
SHARED_TOASTS = frozenset({"already_done", "stale_card"})  # the adapter's own answers
SAMPLE_TEXT = "<b>x</b> & </i> <script>alert(1)</script> 🔥\u200b\u05d0 "
WORDY_TEXT = "клиент кричит, что сайт лежит третий день и заказы не идут "  # cut at a word
LONGEST_TYPED = 4096  # Telegram's limit on one message a person sends
SAMPLE_NAME = "Айгерим"  # any other variable of a text entry
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=zone("Asia/Almaty"))


@dataclass(frozen=True)
class TextRules:
    """What the check must know of a feature's texts: `sourced` — namespaces of content
    entries, each naming its source (a `never` line may be empty); `samples` — a value for
    each field its cards show that a button sets; `numbers` — variables that count (a
    plural needs a number); `limits` — a namespace's own, shorter limit."""

    sourced: tuple[str, ...] = ()
    samples: Mapping[str, str] = field(default_factory=dict)
    numbers: Mapping[str, int] = field(default_factory=dict)
    limits: Mapping[str, int] = field(default_factory=dict)

    @staticmethod
    def merged(every: Iterable[TextRules]) -> TextRules:
        every = tuple(every)
        return TextRules(
            tuple(name for rules in every for name in rules.sourced),
            {key: value for rules in every for key, value in rules.samples.items()},
            {key: value for rules in every for key, value in rules.numbers.items()},
            {key: value for rules in every for key, value in rules.limits.items()},
        )


def hostile_values(
    renderer: CardRenderer, samples: Mapping[str, str], sample: str = SAMPLE_TEXT
) -> dict[str, str]:
    """Every field a person can type, filled with the longest text Telegram lets them send."""
    typed = {name for flow in renderer.flows.values() for name in flow.typed_fields}
    longest = (sample * (LONGEST_TYPED // len(sample) + 1))[:LONGEST_TYPED]
    return {**samples, **dict.fromkeys(typed, longest)}


def toasts(flows: Iterable[Flow]) -> frozenset[str]:
    """The `ui.messages` keys shown as a press's answer, held to `ANSWER_LIMIT`."""
    worded = [flow.wording for flow in flows if flow.wording is not None]
    return SHARED_TOASTS | {key for w in worded for key in (w.closed, w.running)}


# Digests of catalogs that passed the start-up check in this process: the answer depends
# only on the text, so a second application built here (a test, a benchmark) skips it.
_PASSED: set[str] = set()


def verify(catalog: Catalog) -> list[str]:
    """The start-up check: both languages have the same keys and template variables.

    Rendering every card would make the start slow, so CI does that (`catalog_problems`);
    what a hand-edited deployment breaks, a key or variable missing in one language, is
    still refused here, before the first update.
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


def catalog_problems(catalog: Catalog, renderer: CardRenderer, rules: TextRules) -> list[str]:
    """Everything: the structure, every entry rendered, every card of every flow."""
    problems = structure_problems(catalog)
    if problems:
        return problems  # rendering would only trip over the same missing keys
    shown_as_toasts = toasts(renderer.flows.values())
    for lang in catalog.languages:
        problems += _entry_problems(catalog, lang, rules, shown_as_toasts)
    for lang, node, values, card in rendered_cards(catalog, renderer, rules.samples):
        text = plain_text(card.html)
        length = _length(text)
        live = renderer.flows[node.split(".")[0]].stage_controls  # read at a glance
        aim = LIVE_CARD_AIM if live else CARD_AIM
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
    catalog: Catalog, renderer: CardRenderer, samples: Mapping[str, str]
) -> Iterator[tuple[str, str, dict[str, str], Rendered]]:
    """Every node of every flow in every language, bare and filled with hostile or wordy values of
    the longest length a person can type, so no template can grow a card past the limit."""
    hostile = hostile_values(renderer, samples)
    fillings = (({}, 0), (hostile, 3), (hostile_values(renderer, samples, WORDY_TEXT), 3))
    for lang in catalog.languages:
        for flow in renderer.flows.values():
            for node_id in flow.nodes:
                for values, flareups in fillings:
                    state = DialogState(
                        flow=flow.name,
                        node=node_id,
                        values=dict(values),
                        flareups=flareups,
                        history=((flow.start, 0),),
                    )
                    card = renderer.render(lang, screen(flow, state, MORNING))
                    yield lang, f"{flow.name}.{node_id}", values, card


def _limit(key: str, rules: TextRules, shown_as_toasts: frozenset[str]) -> int:
    namespace, section, name = key.split(".")[0], key.split(".")[1], key.rsplit(".", 1)[1]
    if namespace in rules.limits:
        return rules.limits[namespace]
    if section == "messages" and name in shown_as_toasts:
        return ANSWER_LIMIT
    return {"buttons": BUTTON_LABEL_LIMIT, "commands": COMMAND_DESCRIPTION_LIMIT}.get(
        section, MESSAGE_LIMIT
    )


def _entry_problems(
    catalog: Catalog, lang: str, rules: TextRules, shown_as_toasts: frozenset[str]
) -> list[str]:
    problems = []
    for key, value in catalog.raw[lang].items():
        namespace, *_, last = key.split(".")
        if last == "source" and not SOURCE_PATTERN.match(value):
            problems.append(f"{lang}: {key} does not name a source file")
        if isinstance(value, str) and last != "source" and not key.startswith("ui.plurals"):
            variables = catalog.variables(lang, key)
            sample = {name: rules.numbers.get(name, SAMPLE_NAME) for name in variables}
            text = catalog.text(lang, key, **sample)
            empty_allowed = namespace in rules.sourced and last == "never"
            limit = _limit(key, rules, shown_as_toasts)
            if (not text and not empty_allowed) or len(plain_text(text)) > limit:
                problems.append(f"{lang}: {key} is empty or longer than {limit}")
    for namespace in rules.sourced:
        entries = {k.rsplit(".", 1)[0] for k in catalog.raw[lang] if k.startswith(f"{namespace}.")}
        problems += [
            f"{lang}: {entry} has no source"
            for entry in sorted(entries)
            if f"{entry}.source" not in catalog.raw[lang]
        ]
    return problems
