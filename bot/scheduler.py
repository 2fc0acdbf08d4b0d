"""One repeating tick: what is due now (daily tips, follow-up reminders) is claimed and sent.

No per-user jobs in memory: every tick asks SQLite, so a restart loses nothing, and a
tip or reminder that fell due while the bot was down goes out on the first tick after it
(a tip only within its catch-up window, a reminder whatever the delay). Sending runs in
the background, so a long broadcast never holds up the next tick: people due a few
minutes later, and reminders, are started as soon as they are due.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.advice import Advice
from bot.broadcast import Broadcaster, Result, Sent
from bot.coach import Coach, Person
from bot.render import RenderedButton
from bot.schedule_store import DueReminder, ScheduleStore
from bot.telegram_ui import FEEDBACK_DATA, REMINDER_DATA, inline_keyboard
from bot.timezones import zone
from dialogs.schedule import tip_due

log = logging.getLogger(__name__)
IN_FLIGHT = 64
Message = tuple[str, InlineKeyboardMarkup | None]


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
        self._busy: set[tuple[str, int, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def tick(self) -> None:
        """Start what is due; `drain` waits for it (tests and shutdown)."""
        closed = await self.coach.close_idle_calls()
        if closed:
            log.info("closed %d idle calls as unfinished", closed)
        for reminder in await self.store.due_reminders(self.clock()):
            self._start(("followup", reminder.user_id, str(reminder.id)), self._remind(reminder))
        for user_id, day in await self._due_tips():
            self._start(("tip", user_id, day), self._tip(user_id, day))

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        """On shutdown: a delivery still waiting for its slot has not been claimed yet, so
        cancelling it loses nothing; the next start picks it up."""
        for task in list(self._tasks):
            task.cancel()
        await self.drain()

    def _start(self, key: tuple[str, int, str], work: Awaitable[None]) -> None:
        if key in self._busy:
            work.close()  # type: ignore[attr-defined]
            return
        self._busy.add(key)

        async def run() -> None:
            try:
                async with self._slots:
                    await work
            except Exception:
                log.exception("delivery %s failed", key)
            finally:
                self._busy.discard(key)

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _due_tips(self) -> list[tuple[int, str]]:
        now = self.clock()
        due = []
        for subscriber in await self.store.subscribers():
            zone_name = self.coach.zone_name(
                subscriber.language, subscriber.telegram_language, subscriber.timezone
            )
            day = tip_due(subscriber.subscription, now, zone(zone_name))
            if day is not None:
                due.append((subscriber.user_id, day.isoformat()))
        taken = await self.store.claimed("tip", due)
        return [item for item in due if item not in taken]

    async def _tip(self, user_id: int, day: str) -> None:
        person = await self.coach.person_by_id(user_id)
        delivery: list[int] = []

        async def compose() -> Message | None:
            claimed = await self.store.claim(user_id, "tip", day, self.clock())
            if claimed is None:
                return None
            delivery.append(claimed)
            tip = await self.advice.next_tip(person, "daily")
            text = self.catalog.text(person.lang, f"tips.{tip}.text")
            buttons = (
                (
                    RenderedButton(self._label(person, "useful"), f"{FEEDBACK_DATA}{tip}:1"),
                    RenderedButton(self._label(person, "not_for_me"), f"{FEEDBACK_DATA}{tip}:0"),
                ),
            )
            html = self.catalog.text(person.lang, "ui.messages.daily_tip", tip=text)
            return html, inline_keyboard(buttons)

        result = await self.broadcaster.send(person.user.chat_id, compose)
        if delivery:
            await self._finish(delivery[0], user_id, result)

    async def _remind(self, reminder: DueReminder) -> None:
        person = await self.coach.person_by_id(reminder.user_id)
        key = str(reminder.id)
        delivery: list[int] = []

        async def compose() -> Message | None:
            claimed = await self.store.claim(reminder.user_id, "followup", key, self.clock())
            if claimed is None:
                return None
            delivery.append(claimed)
            await self.store.mark_reminder_sent(reminder.id)
            html = self.catalog.text(
                person.lang,
                "ui.messages.followup",
                promise=reminder.promise or "",
                complaint=reminder.complaint or "",
                when=self.coach.format_moment(person, reminder.started_at, reminder.timezone),
            )
            buttons = tuple(
                (RenderedButton(self._label(person, f"followup_{a}"), f"{REMINDER_DATA}{key}:{a}"),)
                for a in ("done", "hour", "tomorrow", "feedback")
            )
            return html, inline_keyboard(buttons)

        result = await self.broadcaster.send(person.user.chat_id, compose)
        if delivery:
            await self._finish(delivery[0], reminder.user_id, result)
            if result.sent is Sent.BLOCKED:
                await self.store.reopen_reminder(reminder.id)  # sent once they are back

    def _label(self, person: Person, key: str) -> str:
        return self.catalog.text(person.lang, f"ui.buttons.{key}")

    async def _finish(self, delivery: int, user_id: int, result: Result) -> None:
        if result.sent is Sent.NOT_SENT:
            await self.store.release(delivery)  # surely never arrived: the next tick tries again
            return
        message_id = result.message.message_id if result.message else None
        await self.store.finish(delivery, result.sent.value, message_id, result.detail)
        if result.sent is Sent.BLOCKED:
            await self.store.set_active(user_id, False)
            log.info("user %s blocked the bot: marked inactive", user_id)
