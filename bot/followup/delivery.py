"""A reminder set on a call, as a scheduled delivery: worded for its kind (the promise's
follow-up, the call-back, the written answer owed), with the complaint and four answers."""

from __future__ import annotations

from datetime import datetime

from bot.adapter.cards import inline_keyboard
from bot.call.records import call_of_reminder
from bot.content.callback_data import ButtonData
from bot.content.catalog import shorten
from bot.content.render import RenderedButton
from bot.database.connection import Store, Tx
from bot.database.users import load_user
from bot.delivery import claims
from bot.delivery.broadcaster import Result, Sent
from bot.delivery.scheduler import Composed, Job
from bot.dialog.person import People
from bot.followup import reminders
from bot.followup.reminders import KIND
from dialogs.reminders import CALL_BACK, FOLLOW_UP, WRITTEN, reminder_kind

ANSWER = "rm"  # `rm:<reminder id>:<done | hour | tomorrow | feedback>`
ANSWERS = ("done", "hour", "tomorrow", "feedback")
# what the reminder says: the promise's follow-up, the call-back, the written answer owed
MESSAGES = {
    FOLLOW_UP: "followup.due.follow_up",
    CALL_BACK: "followup.due.call_back",
    WRITTEN: "followup.due.written",
}
# what the reminder becomes once the outcome of its delivery is known
AFTER = {Sent.OK: "sent", Sent.UNCERTAIN: "sent", Sent.FAILED: "failed"}


class FollowUps:
    kind = KIND

    def __init__(self, db: Store, people: People) -> None:
        self.db = db
        self.people = people

    async def due(self, now: datetime) -> list[Job]:
        async with self.db.read() as tx:
            due = await reminders.due_reminders(tx, now)
        return [Job(self.kind, r.user_id, r.chat_id, str(r.id)) for r in due]

    async def compose(self, tx: Tx, job: Job, now: datetime) -> Composed | None:
        due = await reminders.reminder(tx, int(job.key))
        user = await load_user(tx, job.user_id)
        if due is None or user is None or not user.active:
            return None
        person = self.people.person(user)
        catalog = self.people.catalog
        call = await call_of_reminder(tx, due.id)
        kind = reminder_kind(call["remind"] if call else None)
        html = catalog.text(
            person.lang,
            MESSAGES[kind],
            promise=shorten(due.promise or ""),
            complaint=shorten(due.complaint or ""),
            when=self.people.format_moment(person, due.started_at, due.timezone),
        )
        buttons = tuple(
            (
                RenderedButton(
                    catalog.text(person.lang, f"followup.buttons.{action}"),
                    ButtonData(ANSWER, due.id, action).encode(),
                ),
            )
            for action in ANSWERS
        )
        return Composed(html, inline_keyboard(buttons))

    async def finished(self, tx: Tx, job: Job, composed: Composed, result: Result) -> None:
        reminder_id = int(job.key)
        if result.sent in AFTER:
            await reminders.set_status(tx, reminder_id, AFTER[result.sent])
        elif result.sent is Sent.BLOCKED:  # kept pending: sent once they are back
            await claims.release_key(tx, job.user_id, self.kind, job.key)
