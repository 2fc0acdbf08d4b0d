"""One repeating tick: what is due now (daily tips, follow-up reminders) is claimed and sent.

No per-user jobs in memory: every tick asks SQLite, so a restart loses nothing, and a
tip or reminder that fell due while the bot was down goes out on the first tick after it
(a tip only within its catch-up window, a reminder whatever the delay).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.advice import Advice
from bot.broadcast import Broadcaster, Result, Sent
from bot.coach import Coach, Person
from bot.render import RenderedButton
from bot.schedule_store import DueReminder, ScheduleStore, Subscriber
from bot.telegram_ui import FEEDBACK_DATA, REMINDER_DATA, inline_keyboard
from bot.timezones import zone
from dialogs.schedule import tip_due

log = logging.getLogger(__name__)
IN_FLIGHT = 64


class Scheduler:
    def __init__(
        self,
        coach: Coach,
        advice: Advice,
        store: ScheduleStore,
        broadcaster: Broadcaster,
        clock: Callable[[], datetime],
    ) -> None:
        self.coach = coach
        self.advice = advice
        self.store = store
        self.broadcaster = broadcaster
        self.clock = clock
        self.catalog = coach.catalog
        self._slots = asyncio.Semaphore(IN_FLIGHT)

    async def tick(self) -> None:
        closed = await self.coach.close_idle_calls()
        if closed:
            log.info("closed %d idle calls as unfinished", closed)
        await self.send_due_reminders()
        await self.send_due_tips()

    def _zone_of(self, subscriber: Subscriber) -> str:
        lang = self.catalog.language_for(subscriber.language, subscriber.telegram_language)
        return subscriber.timezone or str(self.catalog.value(lang, "ui.meta.default_timezone"))

    async def send_due_tips(self) -> int:
        now = self.clock()
        due = []
        for subscriber in await self.store.subscribers():
            day = tip_due(subscriber.subscription, now, zone(self._zone_of(subscriber)))
            if day is not None:
                due.append((subscriber, day.isoformat()))
        taken = await self.store.claimed("tip", [(s.user_id, day) for s, day in due])
        todo = [(s, day) for s, day in due if (s.user_id, day) not in taken]
        results = await asyncio.gather(*(self._deliver_tip(s, day) for s, day in todo))
        return sum(results)

    async def _deliver_tip(self, subscriber: Subscriber, day: str) -> bool:
        async with self._slots:
            delivery = await self.store.claim(subscriber.user_id, "tip", day, self.clock())
            if delivery is None:
                return False
            person = await self.coach.person_by_id(subscriber.user_id)
            unwanted = await self.store.unwanted_topics(person.user_id)
            tip, _ = await self.advice.next_tip(person, "daily", unwanted)
            text = self.catalog.text(person.lang, f"tips.{tip}.text")
            buttons = (
                (
                    RenderedButton(self._label(person, "useful"), f"{FEEDBACK_DATA}{tip}:1"),
                    RenderedButton(self._label(person, "not_for_me"), f"{FEEDBACK_DATA}{tip}:0"),
                ),
            )
            daily = self.catalog.text(person.lang, "ui.messages.daily_tip", tip=text)
            result = await self.broadcaster.send(
                subscriber.chat_id, daily, inline_keyboard(buttons)
            )
            await self._finish(delivery, person.user_id, result)
            return result.sent is Sent.OK

    async def send_due_reminders(self) -> int:
        due = await self.store.due_reminders(self.clock())
        results = await asyncio.gather(*(self._deliver_reminder(r) for r in due))
        return sum(results)

    async def _deliver_reminder(self, reminder: DueReminder) -> bool:
        async with self._slots:
            key = str(reminder.id)
            delivery = await self.store.claim(reminder.user_id, "followup", key, self.clock())
            if delivery is None:
                return False
            person = await self.coach.person_by_id(reminder.user_id)
            html = self.catalog.text(
                person.lang,
                "ui.messages.followup",
                promise=reminder.promise or "",
                complaint=reminder.complaint or "",
                when=self.coach.format_moment(person, reminder.started_at),
            )
            buttons = tuple(
                (RenderedButton(self._label(person, f"followup_{a}"), f"{REMINDER_DATA}{key}:{a}"),)
                for a in ("done", "hour", "tomorrow", "feedback")
            )
            result = await self.broadcaster.send(reminder.chat_id, html, inline_keyboard(buttons))
            if result.sent is not Sent.FAILED:
                await self.store.mark_reminder_sent(reminder.id)
            await self._finish(delivery, person.user_id, result)
            return result.sent is Sent.OK

    def _label(self, person: Person, key: str) -> str:
        return self.catalog.text(person.lang, f"ui.buttons.{key}")

    async def _finish(self, delivery: int, user_id: int, result: Result) -> None:
        message_id = result.message.message_id if result.message else None
        await self.store.finish(delivery, result.sent.value, message_id, result.detail)
        if result.sent is Sent.BLOCKED:
            await self.store.set_active(user_id, False)
            log.info("user %s blocked the bot: marked inactive", user_id)
