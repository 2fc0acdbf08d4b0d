"""The journal of calls (/history): pages, one record, its outcome, delete; client labels.

The journal's buttons act only on the presser's own records.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update

from bot.adapter.cards import answer, inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.catalog_check import TextRules
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.journal import records
from bot.journal.labels import LABEL, Labels
from bot.journal.layout import JournalLayout

JOURNAL = "j"  # `j:<offset>:list`, `j:<call id>:open|kept|missed|unknown|del|delok`
OUTCOMES = {"kept": "done", "missed": "missed", "unknown": None}
# the counts its month, client and practice lines show (a plural needs a number)
TEXTS = TextRules(
    numbers={"calls": 3, "kept": 1, "due": 1, "missed": 1, "flareups": 2, "n": 2, "rude_exits": 1}
)
View = tuple[str, InlineKeyboardMarkup | None]


def month_start(person: Person, now: datetime) -> datetime:
    local = now.astimezone(person.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class Journal:
    """/history and its one message: a page of calls, or one record, edited in place."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.layout = JournalLayout(kit.catalog)

    def button(self, person: Person, label: str, number: int, arg: str) -> RenderedButton:
        text = self.kit.catalog.text(person.lang, f"journal.buttons.{label}")
        return RenderedButton(text, ButtonData(JOURNAL, number, arg).encode())

    async def page_view(self, person: Person, offset: int) -> View:
        now = self.kit.clock()
        async with self.kit.db.read() as tx:
            month = await records.month(tx, person.user_id, month_start(person, now), now)
            rows, more = await records.page(tx, person.user_id, offset)
            practice = await records.practice(tx, person.user_id)
        numbers = tuple(
            RenderedButton(str(n), ButtonData(JOURNAL, row["id"], "open").encode())
            for n, row in enumerate(rows, offset + 1)
        )
        paging = []
        if offset:
            paging.append(self.button(person, "newer", max(offset - records.PAGE, 0), "list"))
        if more:
            paging.append(self.button(person, "older", offset + records.PAGE, "list"))
        rows_of_buttons = tuple(r for r in (numbers, tuple(paging)) if r)
        html = self.layout.page(person, month, rows, offset + 1, practice)
        return html, inline_keyboard(rows_of_buttons) if rows_of_buttons else None  # empty: none

    async def record_view(self, person: Person, call_id: int) -> View | None:
        async with self.kit.db.read() as tx:
            row = await records.record(tx, person.user_id, call_id)
            label = row["client_label"] if row else None
            history = await records.label_history(tx, person.user_id, label) if label else None
        if row is None:
            return None
        markup = inline_keyboard(
            (
                tuple(self.button(person, name, call_id, name) for name in ("kept", "missed")),
                (self.button(person, "unknown", call_id, "unknown"),),
                (self.button(person, "delete", call_id, "del"),),
                (self.button(person, "back", 0, "list"),),
            )
        )
        return self.layout.record(person, row, history), markup

    def delete_view(self, person: Person, call_id: int) -> View:
        confirm = inline_keyboard(
            (
                (self.button(person, "delete_yes", call_id, "delok"),),
                (self.button(person, "keep", call_id, "open"),),
            )
        )
        return self.kit.catalog.text(person.lang, "journal.ask_delete"), confirm

    async def history(self, update: Update, context: Context) -> None:
        person = await self.kit.replies.person_of(update)
        html, markup = await self.page_view(person, 0)
        await self.kit.cards.send_editable(context.bot, person.chat_id, html, markup)

    async def pressed(
        self, update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        query = update.callback_query
        assert query is not None
        view, toast = await self.act(person, data)
        toast = toast or (None if view else "journal.gone")
        await answer(query, self.kit.catalog.text(person.lang, toast) if toast else None)
        if view is not None and query.message is not None:
            await self.kit.cards.edit_in_place(query, *view)

    async def act(self, person: Person, data: ButtonData) -> tuple[View | None, str | None]:
        """What a press does, and the view it leads to (None: the record is gone)."""
        if data.arg == "list":
            return await self.page_view(person, data.number), None
        if data.arg == "del":
            return self.delete_view(person, data.number), None
        if data.arg in OUTCOMES:
            async with self.kit.db.transaction() as tx:
                await records.set_follow_up(tx, person.user_id, data.number, OUTCOMES[data.arg])
        elif data.arg == "delok":
            async with self.kit.db.transaction() as tx:
                deleted = await records.delete(tx, person.user_id, data.number)
            return await self.page_view(person, 0), "journal.deleted" if deleted else "journal.gone"
        return await self.record_view(person, data.number), None


def feature(kit: Kit) -> Feature:
    journal, labels = Journal(kit), Labels(kit)
    return Feature(
        name="journal",
        commands=(Command("history", journal.history),),
        buttons={JOURNAL: journal.pressed, LABEL: labels.pressed},
        text=labels.typed,
        on_finished=labels.ask,
        texts=TEXTS,
    )
