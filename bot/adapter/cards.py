"""Putting rendered cards on a Telegram chat: the card in place, keyboards, button answers.

Telegram refuses an edit that changes nothing, an edit of a message it can no longer edit,
and an answer to an old press. No-op edits are not sent at all; the rest are normal here
(a redraw after a restart, presses queued during downtime), so they are absorbed in this
one place instead of crashing a handler.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.adapter.coach_bot import CoachBot
from bot.content.render import CardRenderer, Rendered, RenderedButton
from bot.dialog.person import Person
from bot.dialog.service import DialogService
from bot.recent import Recent
from dialogs.engine import Screen

log = logging.getLogger(__name__)
# A button of another kind (inline mode, a link) under a flow's card, or None for this one;
# it gets the person, the card and the bot (its username for links, what getMe said of it).
CardButton = Callable[[Person, Screen, Bot], InlineKeyboardButton | None]
# BadRequest texts (lower-cased) after which the card is sent anew instead of edited:
# Telegram lost the message, can't edit it, or the person deleted it (MESSAGE_ID_INVALID)
GONE = ("not found", "can't be edited", "message_id_invalid")
RETIRED = "retired"  # what a message shows once its buttons are taken off


# Whether the press this update carries is answered. PTB handles each update in a task of
# its own, error handler included, so the variable belongs to one update: a press is
# answered exactly once (Telegram refuses a second answer) wherever that happens.
_press_answered: ContextVar[bool] = ContextVar("press_answered", default=False)


def inline_keyboard(rows: tuple[tuple[RenderedButton, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer every press, once, as soon as its toast is known: Telegram does not pace
    answers, and its window for them is short, while the card waits for the chat's pace.
    The answer only stops the button's spinner: a refusal (a press that waited too long),
    a 5xx or a timeout must not stop the card from being drawn."""
    if _press_answered.get():
        return
    _press_answered.set(True)
    try:
        await query.answer(text)
    except TelegramError as error:
        log.info("callback answer not taken: %s", error.message)


def _digestible(markup: InlineKeyboardMarkup | None) -> str:
    return json.dumps(markup.to_dict() if markup else None)


def gone(error: BadRequest) -> bool:
    text = error.message.lower()
    return any(mark in text for mark in GONE)


class Drawn:
    """What each recent message was last drawn with (a digest), so a redraw with the same
    content needs no request. Bounded, in memory: after a restart a first redraw may still be
    refused as "not modified", which is absorbed.

    With several instances (`remember=False`) another one may have drawn the message since,
    so every redraw is sent and "not modified" absorbed."""

    LIMIT = 20_000

    def __init__(self, remember: bool = True) -> None:
        self.remember = remember
        self._last: Recent[tuple[int, int], int] = Recent(self.LIMIT)

    def same(self, chat_id: int, message_id: int, *content: str) -> bool:
        return self.remember and self._last.get((chat_id, message_id)) == hash(content)

    def note(self, chat_id: int, message_id: int, *content: str) -> None:
        if self.remember:
            self._last.put((chat_id, message_id), hash(content))


class Cards:
    def __init__(self, renderer: CardRenderer, dialogs: DialogService, alone: bool = True) -> None:
        """`alone`: no other instance draws this bot's messages (SQLite's one process)."""
        self.renderer = renderer
        self.dialogs = dialogs
        self.drawn = Drawn(remember=alone)
        # flow → buttons of other kinds under its cards (filled at wiring time)
        self.extra_buttons: dict[str, list[CardButton]] = {}

    async def retire(self, bot: CoachBot, chat_id: int, message_id: int | None) -> None:
        """Take the buttons off a card that stays on screen as a record (a finished call,
        an out-of-date card), so no press on it can be mistaken for a current one."""
        if message_id is None or self.drawn.same(chat_id, message_id, RETIRED):
            return
        try:
            await bot.take_buttons_off(chat_id, message_id)
        except BadRequest as error:
            log.info("could not retire card %s: %s", message_id, error.message)
        self.drawn.note(chat_id, message_id, RETIRED)

    async def settle(self, query: CallbackQuery, text: str | None = None) -> None:
        """A one-off message's button did its work (an answer taken, a question settled):
        answer the press and take the buttons off, so it cannot be pressed again."""
        await answer(query, text)
        if query.message is not None:
            bot = query.get_bot()
            assert isinstance(bot, CoachBot)
            await self.retire(bot, query.message.chat.id, query.message.message_id)

    async def edit_in_place(
        self, query: CallbackQuery, html: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Redraw the pressed message (a journal page, the greeting); the same content is
        no request, and a message Telegram no longer has (deleted, or a press that comes
        with an inaccessible message) is replaced by a new one below."""
        message = query.message
        if message is None:
            return
        chat_id, keyboard = message.chat.id, _digestible(markup)
        if message.is_accessible:
            if self.drawn.same(chat_id, message.message_id, html, keyboard):
                return
            try:
                await query.edit_message_text(html, reply_markup=markup)
                self.drawn.note(chat_id, message.message_id, html, keyboard)
                return
            except BadRequest as error:
                if "not modified" in error.message.lower():
                    return
                if not gone(error):
                    raise
        await self.send_editable(query.get_bot(), chat_id, html, markup)

    async def send_editable(
        self, bot: Bot, chat_id: int, html: str, markup: InlineKeyboardMarkup | None
    ) -> None:
        """A message its own buttons redraw later (the greeting, a journal page): what it
        shows is remembered, so a redraw to the same content sends nothing."""
        sent = await bot.send_message(chat_id, html, reply_markup=markup)
        self.drawn.note(chat_id, sent.message_id, html, _digestible(markup))

    def keyboard(self, bot: CoachBot, person: Person, screen: Screen, rendered: Rendered) -> str:
        """The card's keyboard as the JSON Telegram takes, built from plain dicts."""
        rows: list[list[dict[str, Any]]] = [
            [{"text": b.label, "callback_data": b.data} for b in row] for row in rendered.buttons
        ]
        for make in self.extra_buttons.get(screen.flow, ()):
            if button := make(person, screen, bot):
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
        chat_id, html = person.chat_id, rendered.html
        if message_id is not None and not self.drawn.same(chat_id, message_id, html, keyboard):
            try:
                await bot.edit_card(chat_id, message_id, html, keyboard)
            except BadRequest as error:
                if gone(error):
                    message_id, recorded = None, False
                elif "not modified" not in error.message.lower():
                    await self._untrue(person, screen, recorded)
                    raise
            except Exception:
                await self._untrue(person, screen, recorded)
                raise
        brought_up = message_id is None
        if brought_up:
            message_id = await bot.send_card(chat_id, html, keyboard)
        self.drawn.note(chat_id, message_id, html, keyboard)
        if not recorded:
            await self.dialogs.mark_shown(person, screen, message_id, brought_up)
        return message_id

    async def _untrue(self, person: Person, screen: Screen, recorded: bool) -> None:
        if recorded:
            await self.dialogs.unmark_shown(person, screen)
