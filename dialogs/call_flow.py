"""The live call coach: calm → listen → restate → apologize/empathize → resolve → follow up.

The steps follow `003_b85e87ac7a82eb8b.txt`; the rude-client exit follows 002 §7.

A live card's "Why" opens its twin node (`<node>_why`) and "hide" is Back: expanding and
collapsing are one push and pop of the history, so Back never re-shows an unchanged card
and typed text behaves the same on both.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from dialogs.engine import DialogState
from dialogs.graph import BACK, RESTART, STAY, Button, Node, Wording, build_flow, handover
from dialogs.reminders import (
    TYPED_CALL_BACK,
    WRITTEN_BY,
    due_values,
    reminder_due,
    typed_due,
)
from dialogs.schedule import parse_time
from dialogs.situations_flow import SITUATIONS_FLOW, page_node, title_key

STAGE_COUNT = 5
SUMMARY = "summary"
WHY = "_why"
CAUSES = ("expectations", "dislike", "goals", "hardship", "our_mistake")  # 003, 004 §3, ours
RUDENESS = "anger_rudeness"  # the playbook the rude exit opens
SITUATIONS_FLOW_NAME = SITUATIONS_FLOW.name

STAGE_CONTROLS = (
    (
        Button("flare", "flare", "listen", counts="flareups"),
        Button("rude", "rude", "rude"),
    ),
    (
        Button("back", "back", BACK),
        Button("end", "end", "ended"),
    ),
)


def _next(label: str, target: str) -> tuple[Button, ...]:
    return (Button("next", label, target),)


LIVE_NODES = (
    Node(
        "calm",
        "call.calm",
        stage=1,
        fills="complaint",  # people start typing at once: the note starts here
        then="listen",
        buttons=((Button("ready", "ready", "listen"),),),
    ),
    Node(
        "listen",
        "call.listen",
        stage=1,
        fills="complaint",
        then=STAY,  # the client may still be talking: the person moves on by pressing
        buttons=((Button("heard", "heard", "restate"),),),
    ),
    Node(
        "restate",
        "call.restate",
        stage=2,
        fills="issue",  # the essence as the client confirmed it: the recap's issue line
        then=STAY,
        buttons=(
            (Button("yes", "confirmed", "triage"),),
            (Button("no", "not_quite", "listen"),),
        ),
    ),
    Node(
        "triage",
        "call.triage",
        stage=3,
        buttons=(
            (Button("ours", "fault_ours", "apologize", sets={"fault": "ours"}),),
            (
                Button("theirs", "fault_not_ours", "not_ours", sets={"fault": "not_ours"}),
                Button("unsure", "fault_unsure", "empathize", sets={"fault": "unsure"}),
            ),
        ),
    ),
    Node("apologize", "call.apologize", stage=3, buttons=(_next("to_resolve", "resolve"),)),
    Node("not_ours", "call.not_ours", stage=3, buttons=(_next("to_resolve", "resolve"),)),
    Node("empathize", "call.empathize", stage=3, buttons=(_next("to_resolve", "resolve"),)),
    Node(
        "resolve",
        "call.resolve",
        stage=4,
        fills="promise",
        then="followup",
        buttons=(
            (Button("agreed", "agreed", "followup"),),
            (Button("later", "call_back", "callback"),),
        ),
    ),
    Node(
        "callback",
        "call.callback",
        stage=4,
        fills="callback_at",
        then="callback_say",
        buttons=(
            (
                Button("cb30", "call_back_30m", "callback_say", sets={"remind": "cb30"}),
                Button("cb2h", "call_back_2h", "callback_say", sets={"remind": "cb2h"}),
            ),
            (
                Button(
                    "cb18",
                    "call_back_18",
                    "callback_say",
                    sets={"remind": "cb18"},
                    before_hour=18,
                ),
                Button("cbam", "call_back_morning", "callback_say", sets={"remind": "cbam"}),
            ),
        ),
    ),
    Node("callback_say", "call.callback_say", stage=4, buttons=(_next("agreed", "summary"),)),
    Node(
        "followup",
        "call.followup",
        stage=5,
        buttons=(
            (
                Button("r1h", "remind_1h", "summary", sets={"remind": "1h"}),
                Button(
                    "rev", "remind_evening", "summary", sets={"remind": "evening"}, before_hour=18
                ),
            ),
            (
                Button("rmo", "remind_morning", "summary", sets={"remind": "morning"}),
                Button("r3d", "remind_3d", "summary", sets={"remind": "3d"}),
            ),
            (Button("rno", "remind_none", "summary", sets={"remind": "none"}),),
        ),
    ),
    Node(
        "rude",
        "call.rude",
        buttons=(
            (Button("calmed", "calmed_down", "listen"),),
            (Button("leave", "leave_call", "rude_end"),),
            (Button("back", "back", BACK),),
        ),
    ),
)

AFTER_RUDE_EXIT = (
    (Button("check", "open_check", handover("check")),),
    (Button("play", title_key(RUDENESS), handover(SITUATIONS_FLOW_NAME, page_node(RUDENESS))),),
    (Button("new", "new_call", RESTART),),
)

AFTER_NODES = (
    Node(
        "summary",
        "call.summary",
        status="done",
        buttons=(
            (Button("recap", "recap", "recap"),),
            (Button("cause", "cause", "cause"),),
            (Button("new", "new_call", RESTART),),
        ),
    ),
    Node(
        "recap",
        "call.recap",
        fills="issue",  # the person corrects the one line about the issue before sending
        then=STAY,
        status="done",
        buttons=((Button("back", "back", BACK), Button("new", "new_call", RESTART)),),
    ),
    Node(
        "cause",
        "call.cause",
        status="done",
        buttons=(
            *(
                (Button(cause, f"cause_{cause}", "lesson", sets={"cause": cause}),)
                for cause in CAUSES
            ),
            (Button("back", "back", BACK),),
        ),
    ),
    Node(
        "lesson",
        "call.lesson",
        fills="lesson",
        status="done",
        then="summary",
        buttons=((Button("skip", "skip_lesson", "summary"), Button("back", "back", BACK)),),
    ),
    Node(
        "rude_end",
        "call.rude_end",
        status="rude_exit",
        buttons=(
            (  # the phrase promised an answer today: both reminders keep it
                Button("w2h", "written_2h", "rude_noted", sets={"remind": "w2h"}),
                Button(
                    "weod",
                    "written_today",
                    "rude_noted",
                    sets={"remind": "weod"},
                    before_hour=WRITTEN_BY.hour,
                ),
            ),
            *AFTER_RUDE_EXIT,
        ),
    ),
    Node("rude_noted", "call.rude_noted", status="rude_exit", buttons=AFTER_RUDE_EXIT),
    Node(
        "ended",
        "call.ended",
        status="unfinished",
        buttons=(
            (Button("resume", "resume", BACK),),
            (Button("new", "new_call", RESTART),),
        ),
    ),
)


def reached_summary(state: DialogState) -> bool:
    """The call got to its summary: it is done, whatever the cause and lesson cards after."""
    return state.node == SUMMARY or any(node == SUMMARY for node, _ in state.history)


def is_expanded(node_id: str) -> bool:
    """A live card's twin that shows the reason behind the step."""
    return node_id.endswith(WHY)


def _with_why(node: Node) -> Iterator[Node]:
    """The live card with its "Why" button, and its expanded twin whose "hide" is Back."""
    yield replace(node, buttons=(*node.buttons, (Button("why", "why", node.id + WHY),)))
    yield replace(
        node, id=node.id + WHY, buttons=(*node.buttons, (Button("hide", "why_hide", BACK),))
    )


NODES = (*(twin for node in LIVE_NODES for twin in _with_why(node)), *AFTER_NODES)

IDLE_LIMIT = timedelta(hours=3)
# 🆘 mid-call brings the running call back; a card left past IDLE_LIMIT offers a new call
WORDING = Wording(running="coach_open", closed="call_closed", offer="no_call", again="new_call")
NOTE_LIMIT = 600  # the note typed while the client talks: whole lines up to this
LINE_LIMIT = 200  # a promise or the recap's issue line, kept whole wherever it is shown


def one_line(text: str) -> str | None:
    """A promise or an issue line as typed, refused (not cut) when too long to quote whole
    in a message meant for the client."""
    line = " ".join(text.split())
    return line if line and len(line) <= LINE_LIMIT else None


def due_moment(sets: Mapping[str, str], now: datetime) -> Mapping[str, str]:
    """A reminder choice becomes its due moment at the local time it was pressed; a typed
    call-back time it replaces is cleared, so only one choice ever stands."""
    if "remind" not in sets:
        return {}
    choice = sets["remind"]
    return {"callback_at": "", **due_values(choice, reminder_due(choice, now), now)}


def typed_call_back(
    values: Mapping[str, str], before: Mapping[str, str], now: datetime
) -> dict[str, str]:
    """A call-back time typed as HH:MM, read at the local time of the step that took it
    (typed text reaches no `derive`, so the call's step hook asks this) — again when the
    person goes Back and types another time."""
    wall = values.get("callback_at")
    unchanged = wall == before.get("callback_at")
    if not wall or (values.get("remind") == TYPED_CALL_BACK and unchanged):
        return {}
    return {"remind": TYPED_CALL_BACK, **due_values(TYPED_CALL_BACK, typed_due(wall, now), now)}


CALL_FLOW = build_flow(
    "call",
    "c",
    "calm",
    NODES,
    stage_controls=STAGE_CONTROLS,
    validators={"callback_at": parse_time, "promise": one_line, "issue": one_line},
    notes={"complaint": NOTE_LIMIT},
    derive=due_moment,
    holds_text=True,
    resumable=True,
    idle_limit=IDLE_LIMIT,
    wording=WORDING,
)
