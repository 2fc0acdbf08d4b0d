"""The journal of calls (/history): pages, one record, its outcome, delete; client labels.

A label is asked for after the call's summary — never before the first card's advice —
with the labels used before as buttons; what the person types next (a short line) is
the label. The journal's buttons act only on the presser's own records.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup, Update

from bot.adapter.cards import answer, inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.catalog_check import TextRules
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Command, Context, Feature, Kit
from bot.journal import records
from bot.journal.layout import JournalLayout
from dialogs.call_flow import CALL_FLOW

JOURNAL = "j"  # `j:<offset>:list`, `j:<call id>:open|kept|missed|unknown|del|delok`
LABEL = "lb"  # `lb:<call id>:<index of a recent label>|skip`
LABEL_WINDOW = timedelta(minutes=10)
OUTCOMES = {"kept": "done", "missed": "missed", "unknown": None}
# the counts its month, client and practice lines show (a plural needs a number)
TEXTS = TextRules(
    numbers={"calls": 3, "kept": 1, "due": 1, "missed": 1, "flareups": 2, "n": 2, "rude_exits": 1}
)


def month_start(person: Person, now: datetime) -> datetime:
    local = now.astimezone(person.zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def feature(kit: Kit) -> Feature:
    layout = JournalLayout(kit.catalog)
    replies = kit.replies

    def button(person: Person, label: str, number: int, arg: str) -> RenderedButton:
        text = kit.catalog.text(person.lang, f"journal.buttons.{label}") if label else arg
        return RenderedButton(text, ButtonData(JOURNAL, number, arg).encode())

    async def page_view(person: Person, offset: int) -> tuple[str, InlineKeyboardMarkup | None]:
        now = kit.clock()
        async with kit.db.read() as tx:
            month = await records.month(tx, person.user_id, month_start(person, now), now)
            rows, more = await records.page(tx, person.user_id, offset)
            practice = await records.practice(tx, person.user_id)
        numbers = tuple(
            RenderedButton(str(n), ButtonData(JOURNAL, row["id"], "open").encode())
            for n, row in enumerate(rows, offset + 1)
        )
        paging = []
        if offset:
            paging.append(button(person, "newer", max(offset - records.PAGE, 0), "list"))
        if more:
            paging.append(button(person, "older", offset + records.PAGE, "list"))
        rows_of_buttons = tuple(r for r in (numbers, tuple(paging)) if r)
        html = layout.page(person, month, rows, offset + 1, practice)
        return html, inline_keyboard(rows_of_buttons) if rows_of_buttons else None  # empty: none

    async def record_view(person: Person, call_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
        async with kit.db.read() as tx:
            row = await records.record(tx, person.user_id, call_id)
            label = row["client_label"] if row else None
            history = await records.label_history(tx, person.user_id, label) if label else None
        if row is None:
            return None
        markup = inline_keyboard(
            (
                tuple(button(person, name, call_id, name) for name in ("kept", "missed")),
                (button(person, "unknown", call_id, "unknown"),),
                (button(person, "delete", call_id, "del"),),
                (button(person, "back", 0, "list"),),
            )
        )
        return layout.record(person, row, history), markup

    async def history(update: Update, context: Context) -> None:
        person = await replies.person_of(update)
        html, markup = await page_view(person, 0)
        assert update.effective_chat is not None
        await update.effective_chat.send_message(html, reply_markup=markup)

    async def pressed(update: Update, context: Context, person: Person, data: ButtonData) -> None:
        query = update.callback_query
        assert query is not None
        view: tuple[str, InlineKeyboardMarkup | None] | None
        toast = None
        if data.arg == "list":
            view = await page_view(person, data.number)
        elif data.arg in OUTCOMES:
            async with kit.db.transaction() as tx:
                await records.set_follow_up(tx, person.user_id, data.number, OUTCOMES[data.arg])
            view = await record_view(person, data.number)
        elif data.arg == "del":
            confirm = inline_keyboard(
                (
                    (button(person, "delete_yes", data.number, "delok"),),
                    (button(person, "keep", data.number, "open"),),
                )
            )
            view = (kit.catalog.text(person.lang, "journal.ask_delete"), confirm)
        elif data.arg == "delok":
            async with kit.db.transaction() as tx:
                await records.delete(tx, person.user_id, data.number)
            toast = "journal.deleted"
            view = await page_view(person, 0)
        else:
            view = await record_view(person, data.number)
        toast = toast or (None if view else "journal.gone")
        await answer(query, kit.catalog.text(person.lang, toast) if toast else None)
        if view is not None and query.message is not None:
            await kit.cards.edit_in_place(query, *view)

    async def ask_label(update: Update, person: Person, flow: str) -> None:
        """After a call's summary: who was it? Optional, one tap or one typed line."""
        if flow != CALL_FLOW.name:
            return
        async with kit.db.transaction() as tx:
            call_id = await records.latest_call(tx, person.user_id)
            if call_id is None:
                return
            await records.ask_label(tx, person.user_id, call_id, kit.clock())
            known = await records.recent_labels(tx, person.user_id)
        choices = tuple(
            (RenderedButton(label, ButtonData(LABEL, call_id, str(index)).encode()),)
            for index, label in enumerate(known)
        )
        skip = RenderedButton(
            kit.catalog.text(person.lang, "journal.buttons.skip"),
            ButtonData(LABEL, call_id, "skip").encode(),
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(
            kit.catalog.text(person.lang, "journal.label_ask"),
            reply_markup=inline_keyboard((*choices, (skip,))),
        )

    async def save_label(update: Update, person: Person, label: str) -> bool:
        async with kit.db.transaction() as tx:
            taken = await records.take_label(tx, person.user_id, label, kit.clock() - LABEL_WINDOW)
        if taken:
            assert update.effective_chat is not None
            await update.effective_chat.send_message(
                kit.catalog.text(person.lang, "journal.label_saved", label=label)
            )
        return taken

    async def label_pressed(
        update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await kit.cards.settle(query)
        if data.arg == "skip":
            async with kit.db.transaction() as tx:
                await records.drop_prompt(tx, person.user_id)
            return
        async with kit.db.read() as tx:
            known = await records.recent_labels(tx, person.user_id)
        if data.arg.isdigit() and int(data.arg) < len(known):
            await save_label(update, person, known[int(data.arg)])

    async def typed_label(update: Update, context: Context, person: Person, text: str) -> bool:
        """A short line right after the question is the label; anything else is not."""
        label = " ".join(text.split())
        if not label or len(label) > records.LABEL_LIMIT:
            return False
        return await save_label(update, person, label)

    return Feature(
        name="journal",
        commands=(Command("history", history),),
        buttons={JOURNAL: pressed, LABEL: label_pressed},
        text=typed_label,
        on_finished=ask_label,
        texts=TEXTS,
    )
