"""Judging a reply the person typed themselves: transparent rules, Russian and Kazakh.

No language model: a person must see why a reply got ✅ or ⚠️, and the rules must be
checkable against `tests/data/practice_replies.toml`. Each rule names its source passage.
A mistake outweighs any good words; a promise to call back is never one, as /call
recommends it. A reply that fits only another stage, or nothing, is `UNSURE`, never
guessed at.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GOOD, BAD, UNSURE = "good", "bad", "unsure"
NO_DATE, DATED_PLAN = "no_date", "dated_plan"
RULES_FILE = Path(__file__).with_name("practice_rules.toml")


def _pattern(entry: dict[str, Any]) -> re.Pattern[str]:
    """One rule's words in both languages, as one case-insensitive pattern."""
    return re.compile("|".join(entry["ru"] + entry["kk"]), re.IGNORECASE)


with RULES_FILE.open("rb") as _file:
    _RULES = tomllib.load(_file)
DATE, PROMISE, CONTACT, VAGUE = (
    _pattern(_RULES["words"][name]) for name in ("date", "promise", "contact", "vague")
)
MISTAKES = {name: _pattern(entry) for name, entry in _RULES["mistakes"].items()}
ASKS = {name: _pattern(entry) for name, entry in _RULES["asks"].items()}
ACCEPTED: dict[str, frozenset[str]] = {
    "listen": frozenset({"invite", "feeling"}),
    "restate": frozenset({"restate"}),
    "apologize": frozenset({"apology", "feeling"}),
    "resolve": frozenset({DATED_PLAN, "offer_choice"}),
    "follow_up": frozenset({"check_back", DATED_PLAN}),
}


@dataclass(frozen=True)
class Verdict:
    kind: str  # GOOD, BAD or UNSURE
    rule: str = ""  # the rule that decided it; "" when nothing fired


def normal(text: str) -> str:
    """Spacing collapsed and the Russian yo read as ye, as people type either."""
    return " ".join(text.replace("\u0451", "\u0435").replace("\u0401", "\u0415").split())


def judge(text: str, stage: str) -> Verdict:
    """The verdict on a typed reply at a stage, and the rule behind it."""
    said = normal(text)
    for name, pattern in MISTAKES.items():
        if pattern.search(said):
            return Verdict(BAD, name)
    dated = DATE.search(said) is not None
    promises = PROMISE.search(said) is not None
    if not dated and (promises or VAGUE.search(said)):
        return Verdict(BAD, NO_DATE)
    fired = [name for name, pattern in ASKS.items() if pattern.search(said)]
    if dated and (promises or CONTACT.search(said)):
        fired.append(DATED_PLAN)
    accepted = [name for name in fired if name in ACCEPTED[stage]]
    if accepted:
        return Verdict(GOOD, accepted[0])
    return Verdict(UNSURE, fired[0] if fired else "")
