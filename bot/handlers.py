"""Telegram handlers: decode an update, ask the coach, show the answer. Nothing else."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, CallbackQuery, Update
from telegram.error import Forbidden

from bot.advice_handlers import AdviceHandlers
from bot.catalog import SHORT_LIMIT
from bot.coach import Coach, Outcome, Person, Show
from bot.handler_base import Context
from bot.render import RenderedButton, parse_callback
from bot.schedule_handlers import ScheduleHandlers
from bot.telegram_ui import (
    LANGUAGE_DATA,
    START_CALL_DATA,
    answer,
    inline_keyboard,
    retire_card,
    show_card,
    sos_keyboard,
    start_keyboard,
)

log = logging.getLogger(__name__)
COMMANDS = ("call", "situations", "check", "tip", "daily", "language", "help", "cancel", "start")


def bot_commands(coach: Coach, lang: str) -> list[BotCommand]:
    return [BotCommand(name, coach.catalog.text(lang, f"ui.commands.{name}")) for name in COMMANDS]


class Handlers(AdviceHandlers, ScheduleHandlers):
    """The call coach, the menus and everything that is not a known command."""

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
        """/call, the 🆘 button and "start the coach now": the coach, in one tap."""
        await self.bring_call(update, context, await self.person_of(update), update.callback_query)

    async def bring_call(
        self, update: Update, context: Context, person: Person, query: CallbackQuery | None = None
    ) -> None:
        outcome = await self.coach.open_call(person)
        assert outcome.screen is not None
        running = outcome.show is Show.STALE
        if query is not None:
            await answer(query, self.say(person, "coach_open") if running else None)
            below = (
                query.message is not None and (outcome.message_id or 0) > query.message.message_id
            )
            if running and below:
                return  # a second tap: the running call's card is already below this button
        await show_card(context.bot, self.coach, person, outcome.screen)

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
            chosen = None
        person = await self.coach.set_language(person, chosen)
        await context.bot.set_my_commands(
            bot_commands(self.coach, person.lang), scope=BotCommandScopeChat(person.user.chat_id)
        )
        if query is not None and query.message is not None:
            await query.edit_message_text(
                self.say(person, "start", name=person.user.first_name),
                reply_markup=start_keyboard(self.catalog, person.lang),
            )
        await self.reply(update, person, "language_set")
        current = await self.coach.current(person)
        if current is not None:
            await show_card(context.bot, self.coach, person, *current)

    async def press(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        person = await self.person_of(update)
        parsed = parse_callback(query.data or "")
        message_id = query.message.message_id if query.message else None
        if parsed is None:
            outcome = Outcome(Show.STALE)
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
        elif outcome.show is Show.OPEN_CALL:
            await self.bring_call(update, context, person)
        elif outcome.show is Show.NEW_CARD and outcome.screen is not None:
            await retire_card(context.bot, person.user.chat_id, message_id)
            await show_card(context.bot, self.coach, person, outcome.screen)
        elif outcome.screen is not None:
            await show_card(context.bot, self.coach, person, outcome.screen, outcome.message_id)
            if outcome.screen.flow == "call" and outcome.screen.node == "summary":
                await self.offer_daily(update, person)

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
        outcome = await self.coach.typed(person, message.text, message.message_id)
        if outcome.show is Show.OUTSIDE:
            if await self.take_feedback_note(person, message.text):
                await self.reply(update, person, "followup_noted")
            else:
                await self.describe(update, context, person, message.text)
        elif outcome.show is Show.NO_TEXT:
            await self.reply(update, person, "no_text_here")
        elif outcome.show is Show.BAD_INPUT:
            await self.reply(update, person, outcome.hint)
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
        if isinstance(context.error, Forbidden) and isinstance(update, Update):
            if update.effective_user is not None:
                await self.coach.schedule.set_active(update.effective_user.id, False)
            return
        log.error("update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat and update.effective_user:
            try:
                if update.callback_query is not None:
                    await answer(update.callback_query)
                await self.reply(update, await self.person_of(update), "error")
            except Exception:
                log.exception("could not tell the user about the failure")
