"""What the journal knows about the client the check is about: the evidence a person
would otherwise recall from memory ("3 calls, 2 flare-ups, last promise kept").

The client is the one labelled on the person's latest call of the last day — the check is
usually opened right after such a call (the rude exit links to it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.content.catalog import Catalog
from bot.database.connection import Tx, utc_text
from bot.dialog.service import Step
from bot.journal.records import label_history
from dialogs.check_flow import CHECK_FLOW
from dialogs.engine import DialogState, Screen

RECENT = timedelta(hours=24)
SHOWN_ON = ("rude", "pattern")  # before "is it always like this?" is answered


async def recall_client(tx: Tx, step: Step) -> DialogState:
    """At the start of a check, the latest labelled client's history goes into the dialog."""
    state = step.after
    if state.node != CHECK_FLOW.start or state.history:
        return state
    row = await tx.one(
        """SELECT client_label FROM calls WHERE user_id = ? AND client_label IS NOT NULL
           AND started_at >= ? ORDER BY started_at DESC LIMIT 1""",
        (step.person.user_id, utc_text(step.now - RECENT)),
    )
    history = await label_history(tx, step.person.user_id, row["client_label"]) if row else None
    if history is None:
        return state
    client = {
        "client": history.label,
        "client_calls": str(history.calls),
        "client_flareups": str(history.flareups),
        "client_rude": str(history.rude_exits),
        "client_last": history.last_follow_up or "",
    }
    return replace(state, values={**state.values, **client})


def client_line(catalog: Catalog, lang: str, screen: Screen) -> str:
    values = screen.values
    if screen.node not in SHOWN_ON or not values.get("client"):
        return ""
    last = values.get("client_last")
    return catalog.text(
        lang,
        "journal.client",
        label=values["client"],
        calls=int(values["client_calls"]),
        flareups=int(values["client_flareups"]),
        rude_exits=int(values["client_rude"]),
        last=catalog.text(lang, f"journal.follow_up.{last}") if last else "",
    )
