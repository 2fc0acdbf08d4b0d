"""The live call coach: calm → listen → restate → apologize/empathize → resolve → follow up.

The sequence is the five-step reaction of `003_b85e87ac7a82eb8b.txt` with a calm-down card
in front and a fault triage before the apology; the rude-client exit follows
`002_2ffce23c8cf39b33.txt` §7. Card keys name entries in `locales/<lang>/call.toml`,
button labels name entries in `[buttons]` of `locales/<lang>/ui.toml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from dialogs.graph import BACK, RESTART, Button, Node, build_flow
from dialogs.reminders import reminder_due

STAGE_COUNT = 5

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

NODES = (
    Node("calm", "call.calm", stage=1, buttons=((Button("ready", "ready", "listen"),),)),
    Node(
        "listen",
        "call.listen",
        stage=1,
        fills="complaint",
        then="restate",
        buttons=((Button("heard", "heard", "restate"),),),
    ),
    Node(
        "restate",
        "call.restate",
        stage=2,
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
                Button("theirs", "fault_not_ours", "empathize", sets={"fault": "not_ours"}),
                Button("unsure", "fault_unsure", "empathize", sets={"fault": "unsure"}),
            ),
        ),
    ),
    Node(
        "apologize",
        "call.apologize",
        stage=3,
        buttons=((Button("next", "to_resolve", "resolve"),),),
    ),
    Node(
        "empathize",
        "call.empathize",
        stage=3,
        buttons=((Button("next", "to_resolve", "resolve"),),),
    ),
    Node(
        "resolve",
        "call.resolve",
        stage=4,
        fills="promise",
        then="followup",
        buttons=((Button("agreed", "agreed", "followup"),),),
    ),
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
        "summary", "call.summary", status="done", buttons=((Button("new", "new_call", RESTART),),)
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
    Node(
        "rude_end",
        "call.rude_end",
        status="rude_exit",
        buttons=((Button("new", "new_call", RESTART),),),
    ),
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

IDLE_LIMIT = timedelta(hours=3)


def due_moment(sets: Mapping[str, str], now: datetime) -> Mapping[str, str]:
    """A reminder choice becomes its due moment at the local time it was pressed."""
    if "remind" not in sets:
        return {}
    due = reminder_due(sets["remind"], now)
    return {"due_at": due.isoformat() if due else ""}


CALL_FLOW = build_flow(
    "call",
    "c",
    "calm",
    NODES,
    stage_controls=STAGE_CONTROLS,
    derive=due_moment,
    holds_text=True,
    resumable=True,
    idle_limit=IDLE_LIMIT,
)
