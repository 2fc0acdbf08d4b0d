"""The transparent part of the judge: rules from `practice_rules.toml`, each named.

A mistake counts wherever it stands, so a mistake outweighs any good words; a good
rule counts only after the last «но / бірақ», because what follows decides what the
reply does. A date rescues a promise from "no date", never a rude or all-covering one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dialogs.judge.phrases import Pattern, Phrase, pattern, phrases
from dialogs.judge.words import Word, fold, tokens, words

RULES_FILE = Path(__file__).resolve().parent.parent / "practice_rules.toml"
NO_DATE, DATED_PLAN = "no_date", "dated_plan"
ACCEPTED: dict[str, tuple[str, ...]] = {
    "listen": ("invite", "feeling"),
    "restate": ("restate",),
    "apologize": ("apology", "feeling"),
    "resolve": (DATED_PLAN, "offer_choice"),
    "follow_up": ("check_back", DATED_PLAN),
}
GOOD_CUES = ("restate", "apology", "feeling", "invite", "offer_choice", "check_back")
# What a reply may own up to or commit to before «но / бірақ»; a tail after it with none of
# the good cues, no plan and no question only explains why: an excuse.
OWNED = frozenset({"apology", "admit", "promise", "contact"})
ANSWERED = frozenset({*GOOD_CUES, "promise", "contact", DATED_PLAN})


def _before(said: Sequence[Word], start: int, guards: Sequence[Pattern]) -> bool:
    """A guard word among the three words before `start`."""
    return any(g.matches(w) for w in said[max(0, start - 3) : start] for g in guards)


@dataclass(frozen=True)
class Rule:
    """A cue or a mistake: phrases, expressions on the folded text, and its conditions."""

    name: str
    found: tuple[Phrase, ...]
    expressions: tuple[re.Pattern[str], ...] = ()
    not_after: tuple[Pattern, ...] = ()
    stages: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    at_start: bool = False
    alike: tuple[str, ...] = ()
    after_promises: bool = False

    @classmethod
    def of(cls, name: str, entry: dict[str, Any]) -> Rule:
        guards = tuple(
            pattern(raw, "kk" if fold(raw) != raw.lower() else "ru")
            for raw in entry.get("not_after", ())
        )
        return cls(
            name,
            phrases(entry),
            tuple(re.compile(fold(raw)) for raw in entry.get("re", ())),
            guards,
            tuple(entry.get("stages", ())),
            tuple(entry.get("unless", ())),
            bool(entry.get("at_start")),
            tuple(entry.get("alike", ())),
            bool(entry.get("after_promises")),
        )

    def fires(self, said: Sequence[Word], folded: str) -> bool:
        if any(expression.search(folded) for expression in self.expressions):
            return True
        for phrase in self.found:
            for start in phrase.starts(said):
                if self.at_start and start > 0:
                    break
                if not _before(said, start, self.not_after):
                    return True
        return False


with RULES_FILE.open("rb") as _file:
    _RULES = tomllib.load(_file)
CONTRAST = re.compile(
    r"\b("
    + "|".join(fold(w.lstrip("=")) for lang in ("ru", "kk") for w in _RULES["contrast"][lang])
    + r")\b"
)
MOMENTS = tuple(re.compile(raw) for raw in _RULES["moments"]["re"])
CUES = {name: Rule.of(name, entry) for name, entry in _RULES["cues"].items()}
MISTAKES = tuple(Rule.of(entry["kind"], entry) for entry in _RULES["mistake"])
KNOWN = frozenset(
    key
    for rule in (*CUES.values(), *MISTAKES)
    for phrase in rule.found
    for p in phrase.patterns
    if p.mode in ("stem", "exact")
    for key in (p.text, f"{p.lang}:{p.stem}" if p.stem else p.text)
)


@dataclass(frozen=True)
class Reading:
    """A reply as the rules see it: the cues fired in all of it and in its decisive part."""

    folded: str
    said: list[Word]
    cues: frozenset[str]
    decisive: frozenset[str]
    dated: bool
    contrast: bool = field(default=False)
    asks: bool = field(default=False)  # a question in the decisive part


def _cues(said: Sequence[Word], folded: str) -> frozenset[str]:
    fired = {name for name, cue in CUES.items() if cue.fires(said, folded)}
    if any(moment.search(folded) for moment in MOMENTS):
        fired.add("moment")
        if fired & {"promise", "contact"}:
            fired.add(DATED_PLAN)
    return frozenset(fired)


def read(text: str) -> Reading:
    """The cues of a reply; the decisive part is what follows its last «но / бірақ»."""
    folded = fold(text)
    said = words(folded, KNOWN)
    cues = _cues(said, folded)
    last = max(CONTRAST.finditer(folded), key=lambda found: found.start(), default=None)
    tail = folded[last.end() :] if last else ""
    decisive = _cues(words(tail, KNOWN), tail) if tokens(tail) else cues
    asks = "?" in (tail if last else folded)
    return Reading(folded, said, cues, decisive, "moment" in cues, last is not None, asks)


def mistake(reading: Reading, stage: str, offered: Sequence[str] = ()) -> str | None:
    """The first mistake the rules see at this stage, or the first the scenario offers
    (where one reply does two wrong things, the card's own kind is the lesson)."""
    first, last = [], []
    for rule in MISTAKES:
        if rule.stages and stage not in rule.stages:
            continue
        if rule.unless and reading.cues & set(rule.unless):
            continue
        if rule.fires(reading.said, reading.folded):
            (last if rule.after_promises else first).append(_named(rule, offered))
    retold = stage == "restate" and "restate" in reading.cues  # the client's words
    if not reading.dated and not retold and reading.cues & {"promise", "vague"}:
        first.append(NO_DATE)
    found = first or last or _unanswered(reading)
    return next((kind for kind in found if kind in offered), found[0] if found else None)


def _unanswered(reading: Reading) -> list[str]:
    """What a reply does by what it leaves out: owning up, then after «но / бірақ» only a
    reason (no good cue, no plan, no question) is an excuse, whatever words give the reason."""
    owned = reading.contrast and reading.cues & OWNED and not reading.asks
    return ["excuses"] if owned and not reading.decisive & ANSWERED else []


def _named(rule: Rule, offered: Sequence[str]) -> str:
    """The rule's kind, or the kind a scenario teaches the same behaviour under."""
    if rule.name in offered:
        return rule.name
    return next((kind for kind in rule.alike if kind in offered), rule.name)


def good_rules(reading: Reading, stage: str) -> list[str]:
    """The good rules the decisive part fires that this stage asks for, then the others."""
    fired = [name for name in (*GOOD_CUES, DATED_PLAN) if name in reading.decisive]
    return sorted(fired, key=lambda name: name not in ACCEPTED[stage])
