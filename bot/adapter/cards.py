"""Putting rendered cards on a Telegram chat: the card in place, keyboards, button answers.

Telegram refuses an edit that changes nothing, an edit of a message it lost or can no
longer edit, and an answer to a press older than a few seconds; all are normal here (a
redraw after a crash, presses queued during downtime), so they are absorbed in this one
place instead of crashing a handler.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.adapter.coach_bot import CoachBot
from bot.content.render import CardRenderer, Rendered, RenderedButton
from bot.dialog.person import Person
from bot.dialog.service import DialogService
from dialogs.engine import Screen

log = logging.getLogger(__name__)
# A button of another kind (inline mode, a link) under a flow's card, or None for this one;
# it gets the person, the card and the bot's username (for links to the bot).
CardButton = Callable[[Person, Screen, str], InlineKeyboardButton | None]
# BadRequest texts after which the card is sent anew instead of edited
GONE = ("not found", "can't be edited", "message to edit not found")


def inline_keyboard(rows: tuple[tuple[RenderedButton, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer every press. The answer only stops the button's spinner: a refusal (a press
    that waited too long), a 5xx or a timeout must not stop the card from being drawn."""
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("callback answer not taken: %s", error.message)


async def settle(query: CallbackQuery, text: str | None = None) -> None:
    """A one-off message's button did its work (an answer taken, a question settled):
    answer the press and take the buttons off, so it cannot be pressed again."""
    await answer(query, text)
    if query.message is not None:
        await retire(query.get_bot(), query.message.chat.id, query.message.message_id)


async def edit_in_place(
    query: CallbackQuery, html: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Redraw the pressed message (a journal page, the greeting); the same content again
    is not a failure."""
    try:
        await query.edit_message_text(html, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


async def retire(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off a card that stays on screen as a record (a finished call,
    an out-of-date card), so no press on it can be mistaken for a current one."""
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as error:
        log.info("could not retire card %s: %s", message_id, error.message)


class Cards:
    def __init__(self, renderer: CardRenderer, dialogs: DialogService) -> None:
        self.renderer = renderer
        self.dialogs = dialogs
        # flow → buttons of other kinds under its cards (filled at wiring time)
        self.extra_buttons: dict[str, list[CardButton]] = {}

    def keyboard(self, bot: CoachBot, person: Person, screen: Screen, rendered: Rendered) -> str:
        """The card's keyboard as the JSON Telegram takes, built from plain dicts."""
        rows: list[list[dict[str, Any]]] = [
            [{"text": b.label, "callback_data": b.data} for b in row] for row in rendered.buttons
        ]
        for make in self.extra_buttons.get(screen.flow, ()):
            if button := make(person, screen, bot.username):
                rows.append([button.to_dict()])
        return json.dumps({"inline_keyboard": rows}, ensure_ascii=False)

    async def show(
        self,
        bot: CoachBot,
        person: Person,
        screen: Screen,
        message_id: int | None = None,
        recorded: bool = False,
    ) -> int:
        """Draw the card in place of `message_id`, or as a new message; record what is shown.

        `recorded`: the step's own transaction already recorded the card as shown at
        `message_id` (one transaction per press); if the edit fails, that is taken back so
        the next press redraws it."""
        rendered = self.renderer.render(person.lang, screen)
        keyboard = self.keyboard(bot, person, screen, rendered)
        if message_id is not None:
            try:
                await bot.edit_card(person.chat_id, message_id, rendered.html, keyboard)
            except BadRequest as error:
                text = error.message.lower()
                if any(gone in text for gone in GONE):
                    message_id, recorded = None, False
                elif "not modified" not in text:
                    await self._untrue(person, screen, recorded)
                    raise
            except Exception:
                await self._untrue(person, screen, recorded)
                raise
        brought_up = message_id is None
        if brought_up:
            message_id = await bot.send_card(person.chat_id, rendered.html, keyboard)
        if not recorded:
            await self.dialogs.mark_shown(person, screen, message_id, brought_up)
        return message_id

    async def _untrue(self, person: Person, screen: Screen, recorded: bool) -> None:
        if recorded:
            await self.dialogs.unmark_shown(person, screen)
