"""Putting rendered screens on a Telegram chat: keyboards, the card in place, button answers.

Telegram refuses an edit that changes nothing and an answer to a press older than a few
seconds; both are normal here (a redraw after a crash, presses queued during downtime),
so they are absorbed in this one place instead of crashing a handler.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest

from bot.catalog import Catalog
from bot.coach import Coach, Person
from bot.render import Rendered, RenderedButton, render_card
from dialogs.engine import Screen

log = logging.getLogger(__name__)

START_CALL_DATA = "call:new"
LANGUAGE_DATA = "lang:"
LIBRARY_DATA = "lib:"
TIP_DATA = "tip:more"
DAILY_DATA = "daily:open"
FEEDBACK_DATA = "fb:"
REMINDER_DATA = "rm:"


def inline_keyboard(rows: tuple[tuple[RenderedButton, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


def sos_keyboard(catalog: Catalog, lang: str) -> ReplyKeyboardMarkup:
    """The persistent one-tap entry: a person mid-call will not type a command."""
    return ReplyKeyboardMarkup(
        [[catalog.text(lang, "ui.buttons.sos")]], resize_keyboard=True, is_persistent=True
    )


def start_keyboard(catalog: Catalog, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    catalog.text(lang, "ui.buttons.start_call"), callback_data=START_CALL_DATA
                )
            ],
            [
                InlineKeyboardButton(
                    catalog.text(lang, "ui.buttons.daily_subscribe"), callback_data=DAILY_DATA
                )
            ],
            [
                InlineKeyboardButton(
                    catalog.text(lang, f"ui.buttons.lang_{code}"),
                    callback_data=LANGUAGE_DATA + code,
                )
                for code in catalog.languages
            ],
        ]
    )


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer every press; a refusal for a press that waited too long is expected."""
    try:
        await query.answer(text)
    except BadRequest as error:
        log.info("callback answer refused: %s", error.message)


async def retire_card(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off a card that stays on screen as a record (a finished call)."""
    if message_id is None:
        return
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as error:
        log.info("could not retire card %s: %s", message_id, error.message)


async def show_card(
    bot: Bot, coach: Coach, person: Person, screen: Screen, message_id: int | None = None
) -> int:
    """Draw the card in place of `message_id`, or as a new message; record what is shown."""
    rendered: Rendered = render_card(coach.catalog, person.lang, screen)
    markup = inline_keyboard(rendered.buttons)
    chat_id = person.user.chat_id
    if message_id is not None:
        try:
            await bot.edit_message_text(rendered.html, chat_id, message_id, reply_markup=markup)
        except BadRequest as error:
            if "not modified" not in error.message:
                if "not found" not in error.message:
                    raise
                message_id = None
    if message_id is None:
        message = await bot.send_message(chat_id, rendered.html, reply_markup=markup)
        message_id = message.message_id
    await coach.mark_shown(person, screen, message_id)
    return message_id
