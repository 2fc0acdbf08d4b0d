"""The journal as messages: a page of calls with the month's summary, and one whole record.

Times are shown in the person's zone and language (Babel); typed text is shortened for
the page and shown whole (up to the card's limit) in the record, and always escaped: these
lines are put together here, not in an autoescaping template, and a complaint such as
"price <100 & discount" must not break the message.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from markupsafe import escape

from bot.content.catalog import Catalog, shorten
from bot.content.dates import format_moment
from bot.content.layout_parts import join
from bot.dialog.person import Person
from bot.journal.records import LabelHistory, Month
from dialogs.reminders import CALL_BACK, WRITTEN, reminder_kind

LIST_QUOTE = 60
RECORD_QUOTE = 1000


def quoted(text: str, limit: int) -> str:
    """Typed text in quotes, shortened and escaped for Telegram's HTML."""
    return f"«{escape(shorten(text, limit))}»"


def road_promise(remind: str | None) -> str | None:
    """The key of what the road itself promised (a call-back, a written answer), if any:
    a call on such a road promised that much even with no words typed."""
    kind = reminder_kind(remind) if remind else None
    return f"journal.promised.{kind}" if kind in (CALL_BACK, WRITTEN) else None


def label_of(row: sqlite3.Row) -> str:
    return str(escape(row["client_label"])) if row["client_label"] else ""


class JournalLayout:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def _t(self, person: Person, key: str, **values: object) -> str:
        return self.catalog.text(person.lang, f"journal.{key}", **values)

    def _when(self, person: Person, stamp: str) -> str:
        moment = datetime.fromisoformat(stamp).astimezone(person.zone)
        return format_moment(self.catalog, person.lang, moment)

    def follow_up(self, person: Person, row: sqlite3.Row) -> str:
        if row["follow_up"]:
            return self._t(person, f"follow_up.{row['follow_up']}")
        if row["reminder"] == "failed":
            return self._t(person, "follow_up.undelivered")
        if row["due_at"]:
            return self._t(person, "follow_up.waiting", due=self._when(person, row["due_at"]))
        return self._t(person, "follow_up.none")

    def promise(self, person: Person, row: sqlite3.Row, limit: int) -> str:
        """What was promised: the typed words, else what the road itself promised (a call
        back, a written answer), else nothing."""
        if row["promise"]:
            return quoted(row["promise"], limit)
        key = road_promise(row["remind"])
        return self.catalog.text(person.lang, key) if key else ""

    def summary(self, person: Person, month: Month) -> str:
        return self._t(
            person, "month", calls=month.calls, kept=month.kept, due=month.due, missed=month.missed
        )

    def page(
        self,
        person: Person,
        month: Month,
        rows: list[sqlite3.Row],
        first: int,
        practice: tuple[int, int],
    ) -> str:
        title = f"<b>{self._t(person, 'title')}</b>"
        rounds, best = practice
        trained = self._t(person, "practice", n=rounds, best=best) if rounds else ""
        if not rows:
            return join(title, self._t(person, "empty"), trained)
        items = [self._item(person, number, row) for number, row in enumerate(rows, first)]
        return join(title, self.summary(person, month), trained, "\n\n".join(items))

    def _item(self, person: Person, number: int, row: sqlite3.Row) -> str:
        label = label_of(row) or self._t(person, "unlabelled")
        complaint = quoted(row["complaint"], LIST_QUOTE) if row["complaint"] else ""
        said = " → ".join(
            text for text in (complaint, self.promise(person, row, LIST_QUOTE)) if text
        )
        facts = [self.follow_up(person, row), self._t(person, f"endings.{row['outcome']}")]
        if row["flareups"]:
            facts.append(self._t(person, "flareups", n=row["flareups"]))
        head = f"<b>{number}.</b> {self._when(person, row['started_at'])} · {label}"
        return "\n".join(line for line in (head, said, " · ".join(facts)) if line)

    def record(self, person: Person, row: sqlite3.Row, history: LabelHistory | None) -> str:
        def field(name: str, value: str) -> str:
            return f"<b>{self._t(person, f'fields.{name}')}:</b> {value}"

        complaint = row["complaint"] or ""
        promise = self.promise(person, row, RECORD_QUOTE)
        lines = [
            field("when", self._when(person, row["started_at"])),
            field("client", label_of(row) or self._t(person, "unlabelled")),
            field(
                "complaint",
                quoted(complaint, RECORD_QUOTE) if complaint else self._t(person, "no_complaint"),
            ),
            field("promise", promise or self._t(person, "no_promise")),
            field("follow_up", self.follow_up(person, row)),
            field("ending", self._t(person, f"endings.{row['outcome']}")),
        ]
        if row["follow_up_note"]:
            lines.append(field("note", quoted(row["follow_up_note"], RECORD_QUOTE)))
        if row["cause"]:
            cause = self.catalog.text(person.lang, f"ui.buttons.cause_{row['cause']}")
            lines.append(field("cause", cause))
        if row["lesson"]:
            lines.append(field("lesson", quoted(row["lesson"], RECORD_QUOTE)))
        if row["flareups"]:
            lines.append(self._t(person, "flareups", n=row["flareups"]))
        return join("\n".join(lines), self.label_line(person, history))

    def label_line(self, person: Person, history: LabelHistory | None) -> str:
        """ "This client: 3 calls, 2 flare-ups, last promise kept" — or nothing."""
        if history is None:
            return ""
        last = (
            self._t(person, f"follow_up.{history.last_follow_up}") if history.last_follow_up else ""
        )
        return self._t(
            person,
            "client",
            label=history.label,
            calls=history.calls,
            flareups=history.flareups,
            rude_exits=history.rude_exits,
            last=last,
        )
