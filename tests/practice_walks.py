"""Walking a practice attempt the way a person does, for the unit and end-to-end tests:
which letter carries the good reply (or a mistake) on the card at hand."""

from __future__ import annotations

from datetime import datetime

from dialogs.engine import DialogState, Press, start, step
from dialogs.practice_flow import GOOD_REPLY, LETTERS, PRACTICE_FLOW, order, parse_node

STARTED = datetime(2026, 11, 23, 9, 30, 0, 123000)


def letter_for(state: DialogState, good: bool) -> str:
    """The letter of the good reply, or of the first mistake, on the current turn."""
    scenario, stage, again, _ = parse_node(state.node)
    assert stage is not None, state.node
    replies = order(state.values, scenario.id, stage, again)
    wanted = (
        replies.index(GOOD_REPLY)
        if good
        else next(i for i, reply in enumerate(replies) if reply != GOOD_REPLY)
    )
    return LETTERS[wanted]


def begin(scenario: str, now: datetime = STARTED) -> DialogState:
    state = start(PRACTICE_FLOW, None, f"{scenario}.intro")
    return step(PRACTICE_FLOW, state, Press("start"), now)


def walk(scenario: str, choices: list[bool], now: datetime = STARTED) -> list[DialogState]:
    """Every state of an attempt answering good/mistake in turn until the result card."""
    states = [begin(scenario, now)]
    for good in choices:
        state = states[-1]
        if state.status == "done":
            break
        states.append(step(PRACTICE_FLOW, state, Press(letter_for(state, good)), now))
    return states
