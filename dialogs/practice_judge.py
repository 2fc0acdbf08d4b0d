"""Judging a reply the person typed themselves, in Russian, Kazakh or a mix of both.

Rules decide first (`dialogs/judge/rules.py`), each with a name and a source passage, so
a person sees why a reply got ✅ or ⚠️. Where they stay unsure a small learned model
(`dialogs/judge/model.py`) may decide, and says so in its rule (`model:<kind>`); where
neither is confident the verdict is an honest `UNSURE`. Pure: no bot, no Telegram.
"""

# ruff: noqa: RUF003 — Russian and Kazakh words and endings are the point

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dialogs.judge.model import Model, features
from dialogs.judge.rules import (
    ACCEPTED,
    DATED_PLAN,
    NO_DATE,
    Reading,
    good_rules,
    mistake,
    read,
)
from dialogs.practice_scenarios import BY_ID

GOOD, BAD, UNSURE = "good", "bad", "unsure"
MODEL = "model:"
MIN_WORDS = 3  # the model reads no shorter reply: «ага» is no pattern
__all__ = ["BAD", "DATED_PLAN", "GOOD", "NO_DATE", "UNSURE", "Verdict", "judge", "normal"]


@dataclass(frozen=True)
class Verdict:
    kind: str  # GOOD, BAD or UNSURE
    rule: str = ""  # the rule that decided it, `model:<kind>` for the model; "" if none

    @property
    def name(self) -> str:
        """The rule or mistake kind without the `model:` mark: its catalog name."""
        return self.rule.removeprefix(MODEL)

    @property
    def learned(self) -> bool:
        return self.rule.startswith(MODEL)


def normal(text: str) -> str:
    """Spacing collapsed and the Russian yo read as ye, as people type either."""
    return " ".join(text.replace("\u0451", "\u0435").replace("\u0401", "\u0415").split())


@lru_cache(maxsize=1)
def _model() -> Model:
    return Model.load()


@lru_cache(maxsize=4096)
def judge(text: str, stage: str, lang: str | None = None, scenario: str | None = None) -> Verdict:
    """The verdict on a typed reply at a stage, and the rule behind it.

    `lang` may be None: the rules of both languages are always tried, as people mix them.
    `scenario` lets a mistake be named as that scenario teaches it (a reply skipping the
    restate is "skip_restate" where the card offers that kind). A mistake rule is final; a
    good rule stands unless the model is surer still that the reply does something wrong.
    """
    reading = read(text)
    if not reading.said:
        return Verdict(UNSURE)
    ruled, fired = _ruled(reading, stage, scenario)
    if ruled is not None and ruled.kind == BAD:
        return ruled
    found = features(reading, stage)
    decided = len(reading.said) >= MIN_WORDS and _model().decide(found, ruled is not None)
    if decided and (decided[0] == BAD or ruled is None):
        kind, name = decided
        return Verdict(kind, MODEL + (name if kind == BAD else GOOD))
    if ruled is not None:
        return ruled
    return Verdict(UNSURE, fired[0] if fired else "")


def by_rules(text: str, stage: str, scenario: str | None = None) -> Verdict | None:
    """The rules' verdict, or None where they stay unsure (the trainer's view of them)."""
    return _ruled(read(text), stage, scenario)[0]


def _ruled(reading: Reading, stage: str, scenario: str | None) -> tuple[Verdict | None, list[str]]:
    """The rules' verdict (None where they stay unsure) and the good rules that fired."""
    wrong = mistake(reading, stage, _offered(scenario, stage))
    if wrong:
        return Verdict(BAD, wrong), []
    fired = good_rules(reading, stage)
    if fired and fired[0] in ACCEPTED[stage]:
        return Verdict(GOOD, fired[0]), fired
    return None, fired


def _offered(scenario: str | None, stage: str) -> tuple[str, ...]:
    if scenario in BY_ID:
        return BY_ID[scenario].mistakes_of(stage)
    return ()
