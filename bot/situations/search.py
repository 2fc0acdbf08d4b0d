"""Playbooks found from a free-text description ("клиент второй месяц не платит").

Kazakh speakers often type Russian and the other way round, so every situation is matched
on both languages' keyword stems. Only the first `MATCHED_CHARACTERS` of a message are
read: a description is a sentence or two, and a 4,096-character paste must not cost more.
"""

from __future__ import annotations

from bot.content.catalog import Catalog
from dialogs.matching import rank
from dialogs.situations_flow import SITUATIONS

MATCHED_CHARACTERS = 500


class PlaybookSearch:
    def __init__(self, catalog: Catalog) -> None:
        self.keywords = {
            situation: [
                stem
                for lang in catalog.languages
                for stem in catalog.value(lang, f"situations.{situation}.keywords")
            ]
            for situation in SITUATIONS
        }

    def find(self, text: str) -> list[str]:
        return rank(text[:MATCHED_CHARACTERS], self.keywords)
