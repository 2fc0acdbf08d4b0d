"""Who the client was: a label asked for after a call's summary, tapped or typed.

A label is asked for after the summary — never before the first card's advice — with the
labels used before as buttons; what the person types next (a short line) is the label.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.adapter.cards import inline_keyboard
from bot.content.callback_data import ButtonData
from bot.content.render import RenderedButton
from bot.dialog.person import Person
from bot.feature import Context, Kit
from bot.journal import records
from dialogs.call_flow import CALL_FLOW

LABEL = "lb"  # `lb:<call id>:<index of a recent label>|skip`
LABEL_WINDOW = timedelta(minutes=10)


class Labels:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    def text(self, person: Person, key: str, **values: object) -> str:
        return self.kit.catalog.text(person.lang, f"journal.{key}", **values)

    async def ask(self, update: Update, person: Person, flow: str) -> None:
        """After a call's summary: who was it? Optional, one tap or one typed line."""
        if flow != CALL_FLOW.name:
            return
        async with self.kit.db.transaction() as tx:
            call_id = await records.latest_call(tx, person.user_id)
            if call_id is None:
                return
            await records.ask_label(tx, person.user_id, call_id, self.kit.clock())
            known = await records.recent_labels(tx, person.user_id)
        choices = tuple(
            (RenderedButton(label, ButtonData(LABEL, call_id, str(index)).encode()),)
            for index, label in enumerate(known)
        )
        skip = RenderedButton(
            self.text(person, "buttons.skip"), ButtonData(LABEL, call_id, "skip").encode()
        )
        assert update.effective_chat is not None
        await update.effective_chat.send_message(
            self.text(person, "label_ask"), reply_markup=inline_keyboard((*choices, (skip,)))
        )

    async def pressed(
        self, update: Update, context: Context, person: Person, data: ButtonData
    ) -> None:
        """A recent label tapped, or the question skipped."""
        query = update.callback_query
        assert query is not None and query.message is not None
        await self.kit.cards.settle(query)
        if data.arg == "skip":
            async with self.kit.db.transaction() as tx:
                await records.drop_prompt(tx, person.user_id)
            return
        async with self.kit.db.read() as tx:
            known = await records.recent_labels(tx, person.user_id)
        if data.arg.isdigit() and int(data.arg) < len(known):
            await self.save(update, person, known[int(data.arg)])

    async def typed(self, update: Update, context: Context, person: Person, text: str) -> bool:
        """A short line right after the question is the label; anything else is not."""
        label = " ".join(text.split())
        if not label or len(label) > records.LABEL_LIMIT:
            return False
        return await self.save(update, person, label)

    async def save(self, update: Update, person: Person, label: str) -> bool:
        since = self.kit.clock() - LABEL_WINDOW
        async with self.kit.db.transaction() as tx:
            taken = await records.take_label(tx, person.user_id, label, since)
        if taken:
            assert update.effective_chat is not None
            await update.effective_chat.send_message(self.text(person, "label_saved", label=label))
        return taken
