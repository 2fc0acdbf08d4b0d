"""Telegram handlers: decode an update, ask the coach, show the answer. Nothing else.

One `Handlers` object holds the coach so every callback is a bound method with typed
access to it, instead of fishing services out of `bot_data` by string keys.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import ContextTypes

from bot.catalog import SHORT_LIMIT
from bot.coach import Coach, Outcome, Person, Show
from bot.render import RenderedButton, parse_callback
from bot.telegram_ui import (
    LANGUAGE_DATA,
    START_CALL_DATA,
    answer,
    inline_keyboard,
    show_card,
    sos_keyboard,
    start_keyboard,
)

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
COMMANDS = ("call", "language", "help", "cancel", "start")


def bot_commands(coach: Coach, lang: str) -> list[BotCommand]:
    return [BotCommand(name, coach.catalog.text(lang, f"ui.commands.{name}")) for name in COMMANDS]


class Handlers:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.catalog = coach.catalog
        self.sos_labels = {
            self.catalog.text(lang, "ui.buttons.sos") for lang in self.catalog.languages
        }

    async def person_of(self, update: Update) -> Person:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        return await self.coach.person(user.id, chat.id, user.first_name, user.language_code)

    def say(self, person: Person, key: str, **values: object) -> str:
        return self.catalog.text(person.lang, f"ui.messages.{key}", **values)

    async def reply(self, update: Update, person: Person, key: str, **kwargs: object) -> None:
        assert update.effective_chat is not None
        await update.effective_chat.send_message(self.say(person, key), **kwargs)

    async def start(self, update: Update, context: Context) -> None:
        person = await self.person_of(update)
        await self.send_greeting(update, person)

    async def send_greeting(self, update: Update, person: Person) -> None:
        assert update.effective_chat is not None
        chat = update.effective_chat
        await chat.send_message(
            self.say(person, "start", name=person.user.first_name),
            reply_markup=start_keyboard(self.catalog, person.lang),
        )
        await chat.send_message(
            self.say(person, "sos_hint"), reply_markup=sos_keyboard(self.catalog, person.lang)
        )

    async def call(self, update: Update, context: Context) -> None:
        person = await self.person_of(update)
        if update.callback_query:
            await answer(update.callback_query)
        screen = await self.coach.open_call(person, update.update_id)
        await show_card(context.bot, self.coach, person, screen)

    async def help(self, update: Update, context: Context) -> None:
        await self.reply(update, await self.person_of(update), "help")

    async def cancel(self, update: Update, context: Context) -> None:
        person = await self.person_of(update)
        closed = await self.coach.cancel(person)
        await self.reply(update, person, "cancelled" if closed else "nothing_to_cancel")

    async def language(self, update: Update, context: Context) -> None:
        """`/language` toggles; a language button picks one explicitly."""
        person = await self.person_of(update)
        query = update.callback_query
        if query is not None:
            await answer(query)
            chosen = (query.data or "").removeprefix(LANGUAGE_DATA)
            if chosen == person.lang or chosen not in self.catalog.languages:
                return
        else:
            others = [lang for lang in self.catalog.languages if lang != person.lang]
            chosen = others[0]
        person = await self.coach.set_language(person, chosen)
        await context.bot.set_my_commands(
            bot_commands(self.coach, chosen), scope=BotCommandScopeChat(person.user.chat_id)
        )
        if query is not None and query.message is not None:
            await query.edit_message_text(
                self.say(person, "start", name=person.user.first_name),
                reply_markup=start_keyboard(self.catalog, person.lang),
            )
        await self.reply(
            update, person, "language_set", reply_markup=sos_keyboard(self.catalog, chosen)
        )
        current = await self.coach.current(person)
        if current is not None:
            await show_card(context.bot, self.coach, person, current[0])

    async def press(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        person = await self.person_of(update)
        parsed = parse_callback(query.data or "")
        message_id = query.message.message_id if query.message else None
        if parsed is None:
            outcome = Outcome(Show.CLOSED)
        else:
            outcome = await self.coach.press(
                person, parsed.flow, parsed.revision, parsed.button, message_id
            )
        notices = {
            Show.ALREADY: "already_done",
            Show.STALE: "stale_card",
            Show.CLOSED: "call_closed",
        }
        notice = notices.get(outcome.show)
        await answer(query, self.say(person, notice) if notice else None)
        if outcome.show is Show.CLOSED:
            await self.offer_new_call(update, person)
        elif outcome.screen is not None:
            await show_card(context.bot, self.coach, person, outcome.screen, outcome.message_id)

    async def offer_new_call(self, update: Update, person: Person) -> None:
        button = RenderedButton(
            self.catalog.text(person.lang, "ui.buttons.new_call"), START_CALL_DATA
        )
        await self.reply(update, person, "no_call", reply_markup=inline_keyboard(((button,),)))

    async def text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        if message.text.strip() in self.sos_labels:
            await self.call(update, context)
            return
        person = await self.person_of(update)
        outcome = await self.coach.typed(person, message.text, update.update_id)
        hints = {Show.NO_TEXT: "no_text_here", Show.OUTSIDE: "outside_text"}
        if outcome.show in hints:
            await self.reply(update, person, hints[outcome.show])
        elif outcome.screen is not None:
            await show_card(context.bot, self.coach, person, outcome.screen, outcome.message_id)
            if outcome.show is Show.CARD and len(message.text) > SHORT_LIMIT:
                await self.reply(update, person, "text_too_long")

    async def unknown_command(self, update: Update, context: Context) -> None:
        await self.reply(update, await self.person_of(update), "unknown_command")

    async def media(self, update: Update, context: Context) -> None:
        await self.reply(update, await self.person_of(update), "media")

    async def error(self, update: object, context: Context) -> None:
        """Log the failure; tell the person in their language that nothing was lost."""
        log.error("update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat and update.effective_user:
            try:
                await self.reply(update, await self.person_of(update), "error")
            except Exception:
                log.exception("could not tell the user about the failure")
