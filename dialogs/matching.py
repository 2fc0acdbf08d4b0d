"""Find playbooks from a free-text description ("клиент второй месяц не платит").

Keyword stems are matched as word prefixes: that covers Russian endings and Kazakh
suffix chains alike (төле → төлемейді, төлемді, төлеген) without a stemmer per language.
A longer stem is more specific, so it weighs more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("ё", "\N{CYRILLIC SMALL LETTER IE}"))


def rank(text: str, keywords: Mapping[str, Iterable[str]], limit: int = 3) -> list[str]:
    """Up to `limit` situation ids, best first; ties keep the order of `keywords`."""
    tokens = words(text)
    order = {situation: index for index, situation in enumerate(keywords)}
    scores: dict[str, int] = {}
    for situation, stems in keywords.items():
        score = sum(len(stem) for stem in set(stems) if any(t.startswith(stem) for t in tokens))
        if score:
            scores[situation] = score
    return sorted(scores, key=lambda s: (-scores[s], order[s]))[:limit]
