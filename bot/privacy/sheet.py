"""The calls of `/export` as a spreadsheet a person reads, not as stored.

The JSON export is the data itself; this table is opened by the person in Excel, so its
headers are in their language, the coded cells (whose fault, was the promise kept, how
the call ended, its cause) read as the words /history shows, and times are their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.content.catalog import Catalog
from bot.dialog.person import Person
from bot.journal.layout import road_promise

CALL_COLUMNS = (
    "started_at",
    "client_label",
    "complaint",
    "fault",
    "promise",
    "due_at",
    "follow_up",
    "follow_up_note",
    "flareups",
    "outcome",
    "cause",
    "lesson",
)
# a coded column → the catalog key that words its value
WORDED = {
    "fault": "ui.buttons.fault_{}",
    "follow_up": "journal.follow_up.{}",
    "outcome": "journal.endings.{}",
    "cause": "ui.buttons.cause_{}",
}
TIMES = ("started_at", "due_at")
SHEET_TIME = "%Y-%m-%d %H:%M"  # a form every spreadsheet sorts and reads as a date
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection


def headers(catalog: Catalog, person: Person) -> list[str]:
    return [catalog.text(person.lang, f"privacy.columns.{c}") for c in CALL_COLUMNS]


def sheet_row(catalog: Catalog, person: Person, call: dict[str, Any]) -> list[object]:
    """One call as a row: `/export` writes them a batch at a time, never all at once."""
    return [inert(_cell(catalog, person, call, column)) for column in CALL_COLUMNS]


def inert(value: object) -> object:
    """A text a spreadsheet shows rather than runs: complaints are often pasted from the
    client's own message, and one starting with `=` would be a formula in Excel. A leading
    `'` is the spreadsheets' own mark for "text"; a phone number `+7 …` gets it too."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(catalog: Catalog, person: Person, call: dict[str, Any], column: str) -> object:
    value = call.get(column)
    if column == "promise" and not value:
        key = road_promise(call.get("remind"))
        return catalog.text(person.lang, key) if key else ""
    if value is None or value == "":
        return ""
    if column in TIMES:
        return datetime.fromisoformat(value).astimezone(person.zone).strftime(SHEET_TIME)
    if column in WORDED:
        key = WORDED[column].format(value)
        return catalog.text(person.lang, key) if catalog.has(person.lang, key) else value
    return value
