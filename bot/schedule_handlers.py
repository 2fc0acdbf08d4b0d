"""Handlers for what the scheduler sends and its settings: /daily, tip feedback, reminders."""

from __future__ import annotations

from datetime import timedelta

from telegram import ChatMember, Update

from bot.coach import Person
from bot.handler_base import Context, HandlerBase
from bot.render import RenderedButton
from bot.telegram_ui import (
    DAILY_DATA,
    FEEDBACK_DATA,
    REMINDER_DATA,
    answer,
    inline_keyboard,
    retire_card,
    show_card,
)
from dialogs.reminders import reminder_due

NOTE_WINDOW = timedelta(minutes=15)
SNOOZES = {"hour": "1h", "tomorrow": "morning"}


class ScheduleHandlers(HandlerBase):
    async def daily(self, update: Update, context: Context) -> None:
        if update.callback_query is not None:
            await answer(update.callback_query)
        person = await self.person_of(update)
        screen = await self.coach.open_flow(person, "daily")
        await show_card(context.bot, self.coach, person, screen)

    async def offer_daily(self, update: Update, person: Person) -> None:
        """Offered once, after the first finished call."""
        if await self.coach.schedule.offer_daily_once(person.user_id):
            button = RenderedButton(
                self.catalog.text(person.lang, "ui.buttons.daily_subscribe"), DAILY_DATA
            )
            await self.reply(
                update, person, "daily_offer", reply_markup=inline_keyboard(((button,),))
            )

    async def tip_feedback(self, update: Update, context: Context) -> None:
        """*Useful* / *not for me* on a daily tip; *not for me* makes its topic come later."""
        query = update.callback_query
        assert query is not None and query.message is not None
        person = await self.person_of(update)
        tip, _, useful = (query.data or "").removeprefix(FEEDBACK_DATA).rpartition(":")
        if tip in self.advice.tip_ids:
            await self.coach.schedule.record_feedback(
                person.user_id, tip, self.advice.topic(tip), useful == "1", self.coach.clock()
            )
        await answer(query, self.say(person, "feedback_thanks"))
        await retire_card(context.bot, person.user.chat_id, query.message.message_id)

    async def reminder(self, update: Update, context: Context) -> None:
        """*Done*, *remind me in 1 h / tomorrow* (a new reminder), *the client gave feedback*."""
        query = update.callback_query
        assert query is not None and query.message is not None
        person = await self.person_of(update)
        reminder_id, _, action = (query.data or "").removeprefix(REMINDER_DATA).partition(":")
        schedule, now = self.coach.schedule, self.coach.clock()
        if not reminder_id.isdigit():
            await answer(query, self.say(person, "stale_card"))
            return
        if action in SNOOZES:
            due = reminder_due(SNOOZES[action], now.astimezone(person.zone))
            assert due is not None
            taken = await schedule.snooze(int(reminder_id), person.user_id, due, now)
            reply = (
                "followup_snoozed",
                {"when": self.coach.format_moment(person, due.isoformat())},
            )
        else:
            status = "done" if action == "done" else "feedback"
            taken = await schedule.move_reminder(int(reminder_id), person.user_id, status, now)
            reply = ("followup_done" if status == "done" else "followup_ask_note", {})
        if not taken:
            await answer(query, self.say(person, "already_done"))
            return
        await answer(query)
        await retire_card(context.bot, person.user.chat_id, query.message.message_id)
        key, values = reply
        assert update.effective_chat is not None
        await update.effective_chat.send_message(self.say(person, key, **values))

    async def take_feedback_note(self, person: Person, text: str) -> bool:
        since = self.coach.clock() - NOTE_WINDOW
        return await self.coach.schedule.take_note(person.user_id, text, since)

    async def chat_member(self, update: Update, context: Context) -> None:
        """Blocked (kicked) → nothing more is sent; unblocked (member) → active again."""
        change = update.my_chat_member
        if change is None or change.chat.type != change.chat.PRIVATE:
            return  # leaving a group says nothing about the person's own chat
        active = change.new_chat_member.status not in (ChatMember.BANNED, ChatMember.LEFT)
        await self.coach.schedule.set_active(change.from_user.id, active)
