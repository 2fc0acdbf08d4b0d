"""Follow-up reminders: scheduled with the call's summary, sent when due, answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.adapter.cards import answer
from bot.content.callback_data import ButtonData
from bot.database.connection import Tx
from bot.dialog.person import Person
from bot.dialog.service import Step
from bot.feature import Context, Feature, Kit
from bot.followup import reminders
from bot.followup.delivery import ANSWER, FollowUps
from dialogs.call_flow import CALL_FLOW
from dialogs.engine import DialogState
from dialogs.reminders import reminder_due

NOTE_WINDOW = timedelta(minutes=15)
SNOOZES = {"hour": "1h", "tomorrow": "morning"}
ANSWERED = {"done": "done", "feedback": "feedback"}
SCHEDULED = ("done", "rude_exit")  # a finished call, or one left with a written answer owed


async def schedule_follow_up(tx: Tx, step: Step) -> DialogState:
    """The reminder set on a call — the promise's follow-up, the call-back, or the written
    answer after a rude exit — in the same transaction as the card that set it."""
    state = step.after
    due = state.values.get("due_at")
    if state.status in SCHEDULED and due:
        await reminders.schedule(
            tx, step.person.user_id, state.run, datetime.fromisoformat(due), step.now
        )
    return state


def feature(kit: Kit) -> Feature:
    replies = kit.replies

    def say(person: Person, key: str, **values: object) -> str:
        return kit.catalog.text(person.lang, f"followup.messages.{key}", **values)

    async def answered(update: Update, context: Context, person: Person, data: ButtonData) -> None:
        """*Done*, *remind me in 1 h / tomorrow* (a new reminder), *the client gave feedback*."""
        query = update.callback_query
        assert query is not None and query.message is not None
        now = kit.clock()
        if data.arg in SNOOZES:
            due = reminder_due(SNOOZES[data.arg], now.astimezone(person.zone))
            assert due is not None
            async with kit.db.transaction() as tx:
                taken = await reminders.snooze(tx, data.number, person.user_id, due, now)
            reply = ("snoozed", {"when": kit.people.format_moment(person, due.isoformat())})
        elif data.arg in ANSWERED:
            async with kit.db.transaction() as tx:
                taken = await reminders.answer_reminder(
                    tx, data.number, person.user_id, ANSWERED[data.arg], now
                )
            reply = ("done" if data.arg == "done" else "ask_note", {})
        else:
            await answer(query)
            return
        if not taken:
            await answer(query, replies.say(person, "already_done"))
            return
        await kit.cards.settle(query)
        key, values = reply
        assert update.effective_chat is not None
        await update.effective_chat.send_message(say(person, key, **values))

    async def note(update: Update, context: Context, person: Person, text: str) -> bool:
        """The line typed after *the client gave feedback* is that feedback."""
        async with kit.db.transaction() as tx:
            taken = await reminders.take_note(tx, person.user_id, text, kit.clock() - NOTE_WINDOW)
        if taken:
            assert update.effective_chat is not None
            await update.effective_chat.send_message(
                say(person, "noted"), reply_markup=replies.keyboard(person.lang)
            )
        return taken

    return Feature(
        name="followup",
        step_hooks={CALL_FLOW.name: schedule_follow_up},
        buttons={ANSWER: answered},
        text=note,
        deliveries=(FollowUps(kit.db, kit.people),),
    )
