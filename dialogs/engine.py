"""The dialog engine: a pure function from (state, event) to (state', screen).

Our own engine, not a framework's: the state must be a plain value that SQLite holds and a
restart restores exactly, one graph must run in Telegram, the terminal and the tests, and
a stale button must show by its revision. Nothing here sends, sleeps, reads the clock or
touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from dialogs.graph import BACK, RESTART, ROUTE, STAY, Button, Flow, Node, handover_flow

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Press:
    """The user tapped the button with this id."""

    button: str


@dataclass(frozen=True)
class Typed:
    """The user typed free text on the card."""

    text: str


Event = Press | Typed


@dataclass(frozen=True)
class DialogState:
    """Everything needed to redraw the card and continue after a restart.

    `revision` grows with every transition and never resets, so a button drawn for an
    earlier revision (an old card, a second tap) can be recognised and answered without
    a second step. `history` holds (node, flare-ups) snapshots so Back undoes exactly.
    """

    flow: str
    node: str
    revision: int = 1
    run: int = 1
    values: dict[str, str] = field(default_factory=dict)
    history: tuple[tuple[str, int], ...] = ()
    flareups: int = 0
    status: str = "active"


@dataclass(frozen=True)
class ButtonView:
    id: str
    label: str


@dataclass(frozen=True)
class Screen:
    """What the renderer needs: a card key, its values and the buttons to draw."""

    flow: str
    node: str
    card: str
    part: str | None
    stage: int | None
    values: dict[str, str]
    buttons: tuple[tuple[ButtonView, ...], ...]
    accepts_text: bool
    revision: int
    flareups: int


class NotAccepted(Exception):
    """The event does not fit the current card (unknown button, text where none is taken)."""


class InvalidInput(NotAccepted):
    """Typed text the card takes, but in a form it cannot read (`25:00` for a time)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class HandsOver(Exception):
    """The button opens another flow (`flow`, at `node` if given); this dialog does not move."""

    def __init__(self, flow: str, node: str = "") -> None:
        super().__init__(flow, node)
        self.flow = flow
        self.node = node


def start(flow: Flow, previous: DialogState | None = None, node: str | None = None) -> DialogState:
    """A fresh run of the flow (at `node`, or its start); revision and run number go on."""
    revision = previous.revision + 1 if previous else 1
    run = previous.run + 1 if previous else 1
    target = node or flow.start
    if target not in flow.nodes:
        raise NotAccepted(f"no node {target!r} in {flow.name!r}")
    return DialogState(flow=flow.name, node=target, revision=revision, run=run)


def visible_buttons(flow: Flow, state: DialogState, now: datetime) -> list[list[Button]]:
    """The node's buttons as the user sees them now (Back hidden with no history)."""
    node = flow.node(state.node)
    rows = []
    for row in flow.buttons_of(node):
        kept = [b for b in row if _is_visible(b, state, now)]
        if kept:
            rows.append(kept)
    return rows


def _is_visible(button: Button, state: DialogState, now: datetime) -> bool:
    if button.target == BACK and not state.history:
        return False
    if button.when is not None and state.values.get(button.when[0]) not in button.when[1:]:
        return False
    return button.before_hour is None or now.hour < button.before_hour


def screen(flow: Flow, state: DialogState, now: datetime) -> Screen:
    node = flow.node(state.node)
    rows = tuple(
        tuple(ButtonView(b.id, b.label) for b in row) for row in visible_buttons(flow, state, now)
    )
    return Screen(
        flow=flow.name,
        node=node.id,
        card=node.card,
        part=node.part,
        stage=node.stage,
        values=dict(state.values),
        buttons=rows,
        accepts_text=node.fills is not None,
        revision=state.revision,
        flareups=state.flareups,
    )


def step(flow: Flow, state: DialogState, event: Event, now: datetime) -> DialogState:
    """Apply one event; raise NotAccepted if the card does not take it."""
    node = flow.node(state.node)
    if isinstance(event, Typed):
        if node.fills is None or node.then is None:
            raise NotAccepted("this card takes no text")
        validator = flow.validators.get(node.fills)
        value = validator(event.text) if validator else event.text
        if value is None:
            raise InvalidInput(node.fills)
        if node.fills in flow.notes:
            value = _added(state.values.get(node.fills, ""), value, flow.notes[node.fills])
            if value is None:
                raise InvalidInput(node.fills)
        values = {**state.values, node.fills: value}
        if node.then == STAY:  # nothing new (a line sent again) is no step at all
            same = values == state.values
            return state if same else replace(state, revision=state.revision + 1, values=values)
        return _go(flow, state, node.then, values=values)
    button = _find_button(flow, state, event.button, now)
    values = {**state.values, **button.sets}
    if button.target == BACK:
        target, flareups = state.history[-1]
        return _advance(flow, state, target, values, state.history[:-1], flareups)
    if button.target == RESTART:
        return start(flow, state)
    opened = handover_flow(button.target)
    if opened is not None:
        raise HandsOver(*opened)
    if button.target == ROUTE:
        assert flow.route is not None
        return _go(flow, state, flow.route(values), values=values)
    if flow.derive is not None:
        values.update(flow.derive(button.sets, now))
    flareups = state.flareups + (1 if button.counts == "flareups" else 0)
    return _go(flow, state, button.target, values=values, flareups=flareups)


def _added(note: str, line: str, cap: int) -> str | None:
    """The note with one more line, or None when the line would take it past `cap` (a
    first line is kept whole whatever its length: it is all the person has said). The
    line just added, sent again (its card never changed on screen), is not added twice."""
    if not note or note.rsplit("\n", 1)[-1] == line:
        return note or line
    longer = f"{note}\n{line}"
    return longer if len(longer) <= cap else None


def _find_button(flow: Flow, state: DialogState, button_id: str, now: datetime) -> Button:
    for row in visible_buttons(flow, state, now):
        for button in row:
            if button.id == button_id:
                return button
    raise NotAccepted(f"no button {button_id!r} on {state.node!r}")


def _go(
    flow: Flow,
    state: DialogState,
    target: str,
    values: dict[str, str],
    flareups: int | None = None,
) -> DialogState:
    history = (*state.history, (state.node, state.flareups))[-HISTORY_LIMIT:]
    return _advance(
        flow, state, target, values, history, state.flareups if flareups is None else flareups
    )


def _advance(
    flow: Flow,
    state: DialogState,
    target: str,
    values: dict[str, str],
    history: tuple[tuple[str, int], ...],
    flareups: int,
) -> DialogState:
    node: Node = flow.node(target)
    return replace(
        state,
        node=target,
        revision=state.revision + 1,
        values=values,
        history=history,
        flareups=flareups,
        status=node.status,
    )
