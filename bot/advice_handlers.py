"""Handlers for advice outside a call: the situation library, the check, tips, free text."""

from __future__ import annotations

from telegram import Update

from bot.coach import Person
from bot.handler_base import Context, HandlerBase
from bot.render import RenderedButton
from bot.telegram_ui import LIBRARY_DATA, TIP_DATA, answer, inline_keyboard, show_card
from dialogs.library import LIBRARY_FLOW, MENU, page_node, title_key


class AdviceHandlers(HandlerBase):
    async def situations(self, update: Update, context: Context) -> None:
        await self.open(update, context, "library")

    async def check(self, update: Update, context: Context) -> None:
        await self.open(update, context, "check")

    async def open_library(self, update: Update, context: Context) -> None:
        """A button outside the library's own card (a search result) opens a playbook."""
        query = update.callback_query
        assert query is not None
        await answer(query)
        node = (query.data or "").removeprefix(LIBRARY_DATA)
        await self.open(update, context, "library", node if node in LIBRARY_FLOW.nodes else MENU)

    async def open(
        self, update: Update, context: Context, flow: str, node: str | None = None
    ) -> None:
        person = await self.person_of(update)
        screen = await self.coach.open_flow(person, flow, node or None)
        await show_card(context.bot, self.coach, person, screen)

    async def tip(self, update: Update, context: Context) -> None:
        if update.callback_query is not None:
            await answer(update.callback_query)
        person = await self.person_of(update)
        html = self.advice.render_tip(person.lang, await self.advice.next_tip(person))
        more = RenderedButton(self.catalog.text(person.lang, "ui.buttons.more_tip"), TIP_DATA)
        assert update.effective_chat is not None
        await update.effective_chat.send_message(html, reply_markup=inline_keyboard(((more,),)))

    async def describe(self, update: Update, context: Context, person: Person, text: str) -> None:
        """Free text outside a call: the best-matching playbooks, or the library menu."""
        found = self.advice.find_situations(text)
        if not found:
            await self.reply(update, person, "not_matched")
            screen = await self.coach.open_flow(person, "library", MENU)
            await show_card(context.bot, self.coach, person, screen)
            return
        buttons = tuple(
            (
                RenderedButton(
                    self.catalog.text(person.lang, title_key(situation)),
                    LIBRARY_DATA + page_node(situation),
                ),
            )
            for situation in found
        )
        await self.reply(update, person, "matched", reply_markup=inline_keyboard(buttons))
