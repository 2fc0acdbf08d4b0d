"""The practice scenarios as data: who the client is, which mistakes each stage offers.

A stage's two wrong replies are typical mistakes from the sources' "never" lists, or what
a source warns against in that situation. They are chosen here, per stage, so the same
kind of mistake always gets the same explanation; the words are catalog entries
(`locales/<lang>/practice_*.toml`), each naming its source passage.
"""

from __future__ import annotations

from dataclasses import dataclass

STAGES = ("listen", "restate", "apologize", "resolve", "follow_up")


@dataclass(frozen=True)
class Scenario:
    """One practice conversation.

    `empathize` marks a client whose trouble is not the company's fault: the third stage
    then asks for sympathy rather than an apology (003, «Извинение и сочувствие»).
    `mistakes` gives each stage its two wrong replies; `playbook` is the library situation
    to read afterwards; `topics` are the tip topics it trains (the weekly offer). No
    scenario trains "parting": each walks a conversation that keeps the client, so a tip
    about letting a client go offers no practice.
    """

    id: str
    empathize: bool
    mistakes: tuple[tuple[str, str], ...]  # in the order of STAGES
    playbook: str
    topics: tuple[str, ...] = ()

    def mistakes_of(self, stage: str) -> tuple[str, str]:
        return self.mistakes[STAGES.index(stage)]

    @property
    def third_stage(self) -> str:
        """The catalog name of stage 3 for this client: an apology or sympathy."""
        return "empathize" if self.empathize else "apologize"


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "site_down",
        False,
        (
            ("interrupt", "excuses"),
            ("argue", "skip_restate"),
            ("excuses", "blame"),
            ("impossible", "no_date"),
            ("no_date", "ignore_emotion"),
        ),
        "quality_complaint",
        ("listen", "apologize"),
    ),
    Scenario(
        "deadline",
        False,
        (
            ("excuses", "interrupt"),
            ("ignore_emotion", "argue"),
            ("blame", "excuses"),
            ("no_date", "impossible"),
            ("ignore_emotion", "no_date"),
        ),
        "missed_deadlines",
        ("follow_up", "expectations"),
    ),
    Scenario(
        "quality",
        False,
        (
            ("argue", "interrupt"),
            ("ignore_emotion", "blame"),
            ("excuses", "argue"),
            ("impossible", "no_date"),
            ("no_date", "ignore_emotion"),
        ),
        "quality_complaint",
        ("restate", "quality"),
    ),
    Scenario(
        "no_pay",
        True,
        (
            ("interrupt", "personal"),
            ("argue", "ignore_emotion"),
            ("blame", "personal"),
            ("forgive_debt", "impossible"),
            ("ignore_emotion", "no_date"),
        ),
        "non_payment",
        ("payment",),
    ),
    Scenario(
        "scope",
        True,
        (
            ("interrupt", "argue"),
            ("silent_accept", "blame"),
            ("argue", "personal"),
            ("impossible", "no_date"),
            ("no_date", "ignore_emotion"),
        ),
        "scope_creep",
        ("scope", "documents"),
    ),
    Scenario(
        "collective",
        False,
        (
            ("interrupt", "argue"),
            ("ignore_emotion", "argue"),
            ("excuses", "blame"),
            ("no_date", "impossible"),
            ("ignore_emotion", "no_date"),
        ),
        "collective_complaints",
        ("resolve",),
    ),
    Scenario(
        "insulting",
        True,
        (
            ("personal", "interrupt"),
            ("argue", "ignore_emotion"),
            ("personal", "blame"),
            ("impossible", "no_date"),
            ("no_date", "ignore_emotion"),
        ),
        "anger_rudeness",
        ("emotions",),
    ),
    Scenario(
        "silent",
        True,
        (
            ("blame", "interrupt"),
            ("argue", "ignore_emotion"),
            ("blame", "excuses"),
            ("no_date", "impossible"),
            ("ignore_emotion", "no_date"),
        ),
        "no_feedback",
        ("communication", "sabotage"),
    ),
)
BY_ID = {scenario.id: scenario for scenario in SCENARIOS}


def scenario_for_topic(topic: str) -> Scenario | None:
    """The scenario that trains a tip's topic (the daily tip's weekly offer), if any."""
    return next((s for s in SCENARIOS if topic in s.topics), None)
