"""Flows as data: nodes, buttons and the checks every flow must pass at import.

A flow is declared, not coded, so that the same graph can be walked by the Telegram
adapter, the terminal mode and the tests, and so that a broken edge is caught when the
module loads rather than when a stressed user presses the button.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

BACK = "<back>"  # the previous card of this dialog
RESTART = "<restart>"  # a fresh start of the same flow (a new call, the check from question 1)
ROUTE = "<route>"  # the flow's `route` picks the node from the values gathered so far
STAY = "<stay>"  # typed text fills its field, the card stays (the client still talks)
HANDOVER = "<open:"  # `<open:flow>` or `<open:flow:node>`: hand over to another flow
ACTIONS = frozenset({BACK, RESTART, ROUTE, STAY})

Derive = Callable[[Mapping[str, str], datetime], Mapping[str, str]]


def handover(flow_name: str, node: str = "") -> str:
    """The target of a button that opens another flow (a playbook's "start the coach"),
    at one of its nodes if given (the rude exit's playbook); this dialog stays as it is."""
    return f"{HANDOVER}{flow_name}:{node}>" if node else f"{HANDOVER}{flow_name}>"


def handover_flow(target: str) -> tuple[str, str] | None:
    """The (flow, node) a handover target opens — node "" for the flow's start — or None
    for an ordinary target."""
    if target.startswith(HANDOVER) and target.endswith(">"):
        flow, _, node = target[len(HANDOVER) : -1].partition(":")
        return flow, node
    return None


class GraphError(ValueError):
    """A flow that would strand a user: a dangling target, an orphan or a dead end."""


@dataclass(frozen=True)
class Button:
    """One tap: a label key, a short id for `callback_data` and where it leads.

    A label without a dot names an entry of `ui.buttons`; with dots it is a full catalog
    key (a situation's title on the button that opens it); `=09:00` is shown as it is.
    """

    id: str
    label: str
    target: str
    sets: Mapping[str, str] = field(default_factory=dict)  # fixed values (who is at fault)
    counts: str | None = None  # a counter to increment (flare-ups)
    before_hour: int | None = None  # hidden from this local hour on ("this evening" at night)
    # A field, then the values it must hold for the button to show (*turn off* only when on).
    when: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Node:
    """One card. `fills` names the value typed text goes into; `then` is where it leads
    (`STAY`: nowhere, the card takes more).
    """

    id: str
    card: str
    part: str | None = None  # which part of a long entry the card shows (a playbook's page)
    buttons: tuple[tuple[Button, ...], ...] = ()
    stage: int | None = None  # its place on the k/5 ladder; adds the shared in-call controls
    fills: str | None = None
    then: str | None = None
    status: str = "active"  # how reaching this card leaves the call (done, unfinished, rude)
    # Typed text here is still this dialog's though the card takes none, so the person is
    # pointed at its buttons rather than have the text read as something else.
    keeps_text: bool = False


@dataclass(frozen=True)
class Wording:
    """What is said of a run away from its card, as `ui` keys: each flow speaks of itself,
    so a second flow that can be resumed or closed never calls itself the first one.

    `running`: the toast when opening the flow brings its running card back; `closed`: the
    toast for a press on a card whose run was closed; `offer`: the message then, above a
    button labelled `again` that starts a new run.
    """

    running: str
    closed: str
    offer: str
    again: str


@dataclass(frozen=True)
class Flow:
    """A named graph with a start node and the controls shared by its stage cards.

    How a flow lives beside the others (it keeps typed text, is resumed, is closed when idle)
    is declared here rather than special-cased in the adapter, so no shared code names a flow.
    """

    name: str
    code: str  # prefixes its buttons' `callback_data`: a press names its flow in one byte
    start: str
    nodes: Mapping[str, Node]
    stage_controls: tuple[tuple[Button, ...], ...] = ()
    route: Callable[[Mapping[str, str]], str] | None = None
    route_targets: tuple[str, ...] = ()
    # Normalise typed values by field; None refuses what does not parse (a time).
    validators: Mapping[str, Callable[[str], str | None]] = field(default_factory=dict)
    # Fields whose typed lines add up, each kept to this many characters of whole lines.
    notes: Mapping[str, int] = field(default_factory=dict)
    derive: Derive | None = None  # values a press implies at its local time (a due moment)
    # Typed text is its own while it runs, even if another card was touched later.
    holds_text: bool = False
    resumable: bool = False  # opening it again brings the running dialog back (🆘 twice)
    idle_limit: timedelta | None = None  # a running dialog untouched this long is closed
    wording: Wording | None = None  # how it speaks of itself; needed by the two above
    # Its card shows what follows from the person's settings (a zone), so a redraw without
    # a step, as after a language switch, runs its feature's hooks again.
    mirrors_person: bool = False

    @property
    def typed_fields(self) -> frozenset[str]:
        """Every value a person can type into this flow (what a renderer must shorten)."""
        return frozenset(node.fills for node in self.nodes.values() if node.fills)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def buttons_of(self, node: Node) -> tuple[tuple[Button, ...], ...]:
        """The node's own rows, then the shared controls if it is a stage card."""
        if node.stage is None:
            return node.buttons
        return node.buttons + self.stage_controls


def build_flow(name: str, code: str, start: str, nodes: Iterable[Node], **options: object) -> Flow:
    """Assemble and validate a flow; raise GraphError rather than ship a broken graph.

    `options` are the remaining fields of `Flow` (stage controls, route, validators, …)."""
    by_id: dict[str, Node] = {}
    for node in nodes:
        if node.id in by_id:
            raise GraphError(f"{name}: node {node.id!r} declared twice")
        by_id[node.id] = node
    flow = Flow(name, code, start, by_id, **options)  # type: ignore[arg-type]
    validate(flow)
    return flow


def _targets(flow: Flow, node: Node) -> list[str]:
    targets = [button.target for row in flow.buttons_of(node) for button in row]
    if node.then:
        targets.append(node.then)
    if ROUTE in targets:
        targets.extend(flow.route_targets)
    return targets


def validate(flow: Flow) -> None:
    """Every target exists, every node is reachable, every node has a way out."""
    if flow.start not in flow.nodes:
        raise GraphError(f"{flow.name}: start node {flow.start!r} does not exist")
    if (flow.route is None) != (not flow.route_targets):
        raise GraphError(f"{flow.name}: `route` and `route_targets` go together")
    if (flow.resumable or flow.idle_limit) and flow.wording is None:
        raise GraphError(f"{flow.name}: a flow that is resumed or closed needs `wording`")
    for node in flow.nodes.values():
        if (node.fills is None) != (node.then is None):
            raise GraphError(f"{flow.name}.{node.id}: `fills` and `then` go together")
        ids = [button.id for row in flow.buttons_of(node) for button in row]
        if len(ids) != len(set(ids)):
            raise GraphError(f"{flow.name}.{node.id}: two buttons share an id")
        targets = _targets(flow, node)
        if not targets:
            raise GraphError(f"{flow.name}.{node.id}: no way out")
        if ROUTE in targets and flow.route is None:
            raise GraphError(f"{flow.name}.{node.id}: routes, but the flow has no `route`")
        for target in targets:
            known = target in flow.nodes or target in ACTIONS or handover_flow(target)
            if not known:
                raise GraphError(f"{flow.name}.{node.id}: unknown target {target!r}")
    reachable = {flow.start}
    frontier = [flow.start]
    while frontier:
        node = flow.nodes[frontier.pop()]
        for target in _targets(flow, node):
            if target in flow.nodes and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    orphans = sorted(set(flow.nodes) - reachable)
    if orphans:
        raise GraphError(f"{flow.name}: unreachable nodes {orphans}")
