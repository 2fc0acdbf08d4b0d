"""A call card, laid out to be read in three seconds while the client is talking.

A live card is the stage mark, one bold instruction, at most two phrases to say aloud and
one thing never to do, always in that order so the eye finds them. The person's note is
marked as theirs and never put inside a phrase said aloud: people type notes *about* the
client.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.content.catalog import Catalog, shorten
from bot.content.catalog_check import NEVER_MARK, PHRASE_MARK, WHY_MARK
from bot.content.dates import format_due
from bot.content.layout_parts import join
from dialogs.call_flow import STAGE_COUNT, is_expanded
from dialogs.engine import Screen
from dialogs.reminders import reminder_kind

NOTE_SHOWN = 60  # what a glance card shows of the person's note or the essence
NOTE_STAGES = (1, 2)  # listen and restate: the note is the person's prompt there


def call_card(catalog: Catalog, lang: str, screen: Screen) -> str:
    key = screen.card
    values = card_values(catalog, lang, screen)
    phrases = catalog.texts(lang, f"{key}.phrases", **values)
    never = catalog.text(lang, f"{key}.never", **values)
    said = "\n".join(f"{PHRASE_MARK}<i>{phrase}</i>" for phrase in phrases)
    warning = f"{NEVER_MARK}{never}" if never else ""
    if not catalog.has(lang, f"{key}.lead"):
        title = f"<b>{catalog.text(lang, f'{key}.title', **values)}</b>"
        return join(title, catalog.text(lang, f"{key}.body", **values), said, warning)
    lead = f"{_mark(catalog, lang, screen)}\n<b>{catalog.text(lang, f'{key}.lead')}</b>"
    why = f"{WHY_MARK}{catalog.text(lang, f'{key}.why')}" if is_expanded(screen.node) else ""
    return join(lead, _own_words(catalog, lang, screen), said, warning, why)


def _own_words(catalog: Catalog, lang: str, screen: Screen) -> str:
    """The person's note, or on restate the essence they typed, as their prompt."""
    if screen.stage not in NOTE_STAGES:
        return ""
    issue = screen.values.get("issue", "")
    if screen.stage == 2 and issue:
        return catalog.text(lang, "ui.call.essence", issue=shorten(issue, NOTE_SHOWN))
    note = screen.values.get("complaint", "")
    return catalog.text(lang, "ui.call.note", note=shorten(note, NOTE_SHOWN)) if note else ""


def _mark(catalog: Catalog, lang: str, screen: Screen) -> str:
    """`2/5 · Restate` and the flare-ups; the rude card names what it is for instead."""
    if screen.stage is None:
        return catalog.text(lang, f"{screen.card}.title")
    flare = f"  🔥\N{MULTIPLICATION SIGN}{screen.flareups}" if screen.flareups else ""
    return (
        f"{screen.stage}/{STAGE_COUNT} · {catalog.text(lang, f'ui.stages.{screen.stage}')}{flare}"
    )


def card_values(catalog: Catalog, lang: str, screen: Screen) -> dict[str, Any]:
    """What the call's templates may use: typed values, when the reminder is due in full
    (`due`), when a call-back was promised, short (`when`), the reminder's kind, the
    cause and the flare-ups."""
    values = screen.values
    cause = values.get("cause", "")
    promised = values.get("promised_at") or values.get("due_at", "")  # older calls: one moment
    return {
        "complaint": values.get("complaint", ""),
        "issue": values.get("issue", ""),
        "promise": values.get("promise", ""),
        "fault": values.get("fault", ""),
        "due": format_due(catalog, lang, values.get("due_at", "")),
        "when": _when(catalog, lang, promised, values.get("due_days", "")),
        "kind": reminder_kind(values.get("remind")),
        "cause": catalog.text(lang, f"ui.buttons.cause_{cause}") if cause else "",
        "lesson": values.get("lesson", ""),
        "flareups": screen.flareups,
    }


def _when(catalog: Catalog, lang: str, due_at: str, days: str) -> str:
    """ "today by 16:00", "tomorrow by 09:00", or the full moment further ahead."""
    if not due_at:
        return ""
    if days in ("0", "1"):
        time = datetime.fromisoformat(due_at).strftime("%H:%M")
        return catalog.text(lang, f"ui.call.when_{days}", time=time)
    return format_due(catalog, lang, due_at)
