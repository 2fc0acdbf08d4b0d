"""Practice before the real call: the bot plays a difficult client, one stage per turn.

A first mistake makes the client flare up and the stage repeats; a second ends the talk
(003: a conflict handled badly loses the client). Buttons carry letters, as replies are
longer than a button shows; their order comes from a `seed` written when the attempt
starts, so a restart redraws the same card and a test replays it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from dialogs.graph import ROUTE, Button, Node, build_flow
from dialogs.practice_judge import BAD, GOOD, UNSURE, judge
from dialogs.practice_scenarios import BY_ID, SCENARIOS, STAGES, Scenario

MENU = "menu"
LETTERS = ("a", "b", "c")
GOOD_REPLY = "good"
AGAIN, SAID, END, LOST, INTRO = "again", "said", "end", "lost", "intro"
ATTEMPT = "attempt"  # a button that starts an attempt sets it (to the scenario id)
POINTS = 100 // len(STAGES)


def slot(stage: str, again: bool) -> str:
    """The value a stage's answer is kept in: first try, or the try after a flare-up."""
    return f"{stage}.{AGAIN}" if again else stage


def turn_node(scenario: str, stage: str, again: bool = False) -> str:
    return f"{scenario}.{slot(stage, again)}"


def said_node(scenario: str, stage: str, again: bool = False) -> str:
    return f"{turn_node(scenario, stage, again)}.{SAID}"


def said_field(stage: str, again: bool) -> str:
    return f"{slot(stage, again)}.{SAID}"


ANSWER_FIELDS = tuple(
    name
    for stage in STAGES
    for again in (False, True)
    for name in (slot(stage, again), said_field(stage, again))
)


def parse_node(node: str) -> tuple[Scenario, str | None, bool, bool]:
    """A node id as (scenario, stage or None, after a flare-up, a typed-reply verdict)."""
    scenario, *rest = node.split(".")
    stage = rest[0] if rest and rest[0] in STAGES else None
    return BY_ID[scenario], stage, AGAIN in rest, SAID in rest


def order(values: Mapping[str, str], scenario: str, stage: str, again: bool) -> list[str]:
    """The three replies of a turn in the order shown: `good` and the two mistake kinds."""
    replies = [GOOD_REPLY, *BY_ID[scenario].mistakes_of(stage)]
    seed = values.get("seed") or "0"
    random.Random(f"{seed}|{scenario}|{stage}|{again}").shuffle(replies)
    return replies


def variant(values: Mapping[str, str], count: int) -> int:
    """Which of a client line's wordings this attempt hears ("again" may bring another)."""
    return int(values.get("seed") or 0) % count if count else 0


def picked(values: Mapping[str, str], scenario: str, stage: str, again: bool) -> str | None:
    """The reply chosen with a letter (`good` or a mistake kind), if one was."""
    letter = values.get(slot(stage, again), "")
    if letter not in LETTERS:
        return None
    return order(values, scenario, stage, again)[LETTERS.index(letter)]


def verdict(values: Mapping[str, str], scenario: str, stage: str, again: bool) -> str | None:
    """GOOD, BAD or UNSURE for one try of a stage; None if it was not answered."""
    reply = picked(values, scenario, stage, again)
    if reply is not None:
        return GOOD if reply == GOOD_REPLY else BAD
    typed = values.get(said_field(stage, again))
    return judge(typed, stage, scenario=scenario).kind if typed else None


def stage_results(values: Mapping[str, str], scenario: str) -> dict[str, bool]:
    """✔ for a stage whose first reply was good; a stage never reached is a ✘. A typed
    reply the judge could not read is never the stage's answer: the turn is asked again
    (`route`), and the reply given then, picked or typed, replaces it."""
    return {stage: verdict(values, scenario, stage, False) == GOOD for stage in STAGES}


def total(results: Mapping[str, bool]) -> int:
    return POINTS * sum(results.values())


def route(values: Mapping[str, str]) -> str:
    """Where a reply leads: on, a flare-up, the client leaving, or the same turn again
    (a typed reply the rules could not judge)."""
    scenario, stage, again, _ = parse_node(values["at"])
    assert stage is not None
    result = verdict(values, scenario.id, stage, again)
    if result == UNSURE:
        return turn_node(scenario.id, stage, again)
    if result == GOOD:
        following = STAGES.index(stage) + 1
        if following == len(STAGES):
            return f"{scenario.id}.{END}"
        return turn_node(scenario.id, STAGES[following])
    earlier = STAGES[: STAGES.index(stage)]
    if again or any(verdict(values, scenario.id, s, False) == BAD for s in earlier):
        return f"{scenario.id}.{LOST}"
    return turn_node(scenario.id, stage, again=True)


def derive(sets: Mapping[str, str], now: datetime) -> Mapping[str, str]:
    """A new attempt: a seed from the moment it started, and last attempt's answers cleared."""
    if ATTEMPT not in sets:
        return {}
    seed = str(int(now.timestamp() * 1000) % 1_000_003)
    return {"seed": seed, "last": "", "at": "", "best": "", **dict.fromkeys(ANSWER_FIELDS, "")}


def _turn(scenario: Scenario, stage: str, again: bool) -> Node:
    here = turn_node(scenario.id, stage, again)
    letters = tuple(
        Button(
            letter,
            f"={letter.upper()}",
            ROUTE,
            sets={slot(stage, again): letter, "at": here, "last": slot(stage, again)},
        )
        for letter in LETTERS
    )
    return Node(
        here,
        f"practice.{scenario.id}.{stage}",
        buttons=(letters, (Button(MENU, "practice_menu", MENU),)),
        fills=said_field(stage, again),
        then=said_node(scenario.id, stage, again),
    )


def _said(scenario: Scenario, stage: str, again: bool) -> Node:
    here = said_node(scenario.id, stage, again)
    go_on = Button("next", "practice_next", ROUTE, sets={"at": here, "last": ""})
    card = f"practice.{scenario.id}.{stage}"
    return Node(here, card, buttons=((go_on,),), keeps_text=True)


def _scenario_nodes(scenario: Scenario) -> list[Node]:
    first = turn_node(scenario.id, STAGES[0])
    start = Button("start", "practice_start", first, sets={ATTEMPT: scenario.id})
    menu = Button(MENU, "practice_menu", MENU)
    again = Button("again", "practice_again", first, sets={ATTEMPT: scenario.id})
    rows = ((again,), (Button(MENU, "practice_other", MENU),))
    ends = [
        Node(f"{scenario.id}.{end}", f"practice.{scenario.id}", status="done", buttons=rows)
        for end in (END, LOST)
    ]
    turns = [
        make(scenario, stage, again)
        for stage in STAGES
        for again in (False, True)
        for make in (_turn, _said)
    ]
    intro = Node(f"{scenario.id}.{INTRO}", f"practice.{scenario.id}", buttons=((start,), (menu,)))
    return [intro, *turns, *ends]


def _route_targets() -> tuple[str, ...]:
    """Every node a reply can lead to: any turn, the end, the client leaving."""
    return tuple(
        target
        for s in SCENARIOS
        for target in (
            *(turn_node(s.id, stage, again) for stage in STAGES for again in (False, True)),
            f"{s.id}.{END}",
            f"{s.id}.{LOST}",
        )
    )


MENU_NODE = Node(
    MENU,
    "practice.menu",
    buttons=tuple((Button(s.id, f"practice.{s.id}.title", f"{s.id}.{INTRO}"),) for s in SCENARIOS),
)

PRACTICE_FLOW = build_flow(
    "practice",
    "p",
    MENU,
    [MENU_NODE, *(node for scenario in SCENARIOS for node in _scenario_nodes(scenario))],
    route=route,
    route_targets=_route_targets(),
    derive=derive,
)
