"""The phrasebook: every line the coach gives to say aloud, searchable by a few words.

Built once from the catalogs: the call's stage phrases and the playbooks' "what to say"
lines. A phrase matches when each typed word starts a word of it, its title or its
keywords, as in the free-text search, so "плат" finds the non-payment lines and "төле"
the Kazakh ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.catalog import Catalog
from bot.content.render import plain_text
from dialogs.call_flow import CALL_FLOW
from dialogs.matching import words
from dialogs.situations_flow import SITUATIONS

MAX_RESULTS = 50  # Telegram's limit per answer
DEFAULT_COUNT = 12
STEM = 4  # a typed word counts from its first letters: endings differ, stems do not


@dataclass(frozen=True)
class Phrase:
    id: str  # unique, ≤ 64 bytes: `c.<node>.<n>` or `s.<situation>.<n>`
    title: str
    text: str
    words: frozenset[str]


def _call_phrases(catalog: Catalog, lang: str) -> list[Phrase]:
    found = []
    for node_id, node in CALL_FLOW.nodes.items():
        key = f"{node.card}.phrases"
        if not catalog.has(lang, key) or catalog.variables(lang, key):
            continue  # lines that quote what was typed make sense only on the card
        if node.stage is not None:
            title = catalog.text(lang, f"ui.stages.{node.stage}")
        else:
            title = catalog.text(lang, f"{node.card}.title")
        for n, text in enumerate(catalog.texts(lang, key)):
            found.append(_phrase(f"c.{node_id}.{n}", plain_text(title), plain_text(text), ()))
    return found


def _playbook_phrases(catalog: Catalog, lang: str) -> list[Phrase]:
    found = []
    for situation in SITUATIONS:
        title = plain_text(catalog.text(lang, f"situations.{situation}.title"))
        keywords = catalog.value(lang, f"situations.{situation}.keywords")
        for n, text in enumerate(catalog.texts(lang, f"situations.{situation}.say")):
            found.append(_phrase(f"s.{situation}.{n}", title, plain_text(text), keywords))
    return found


def _phrase(phrase_id: str, title: str, text: str, keywords: object) -> Phrase:
    every = words(f"{title} {text} {' '.join(keywords)}")  # type: ignore[arg-type]
    return Phrase(phrase_id, title, text, frozenset(every))


class Phrasebook:
    def __init__(self, catalog: Catalog) -> None:
        self.phrases = {
            lang: _call_phrases(catalog, lang) + _playbook_phrases(catalog, lang)
            for lang in catalog.languages
        }

    def find(self, lang: str, query: str) -> list[Phrase]:
        """The phrases every typed word matches, the call's own first; with nothing typed,
        the most useful dozen (the call's stages in their order)."""
        typed = [word[:STEM] if len(word) > STEM else word for word in words(query[:200])]
        phrases = self.phrases[lang]
        if not typed:
            return phrases[:DEFAULT_COUNT]
        matching = [
            phrase
            for phrase in phrases
            if all(any(word.startswith(stem) for word in phrase.words) for stem in typed)
        ]
        return matching[:MAX_RESULTS]
