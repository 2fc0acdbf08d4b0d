"""The daily tip as a scheduled delivery: who is due now, and the message with 👍/👎."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from bot.adapter.cards import inline_keyboard
from bot.daily.settings import TIP
from bot.daily.subscriptions import Subscriber, load_subscription, maybe_due, set_next_due
from bot.database.connection import Store, Tx, unavailable
from bot.database.users import load_user
from bot.delivery import claims
from bot.delivery.broadcaster import Result, Sent
from bot.delivery.scheduler import Composed, Job
from bot.dialog.person import People
from bot.practice.offer import weekly_offer
from bot.timezones import zone
from bot.tips import feedback_buttons, history
from bot.tips.service import TipService
from dialogs.schedule import next_tip_at, tip_due

log = logging.getLogger(__name__)


class DailyTips:
    kind = TIP

    def __init__(self, db: Store, people: People, tips: TipService) -> None:
        self.db = db
        self.people = people
        self.tips = tips

    async def due(self, now: datetime) -> list[Job]:
        """Those whose moment has come; the others found on the way get their next moment."""
        jobs = []
        async with self.db.transaction() as tx:
            for row in await maybe_due(tx, now):
                try:
                    job = await self._settle(tx, row, now)
                except Exception as error:  # one bad row must not stop everyone's tip
                    if unavailable(error):  # the file, not the row: the next tick tries again
                        raise
                    log.exception("daily tip of %s: bad settings", row.user_id)
                    continue
                if job is not None:
                    jobs.append(job)
        return jobs

    async def _settle(self, tx: Tx, row: Subscriber, now: datetime) -> Job | None:
        local = self._zone(row.language, row.telegram_language, row.timezone)
        day = tip_due(row.subscription, now, local, since=row.changed_at)
        if day is not None and not await claims.claimed(tx, self.kind, row.user_id, str(day)):
            return Job(self.kind, row.user_id, row.chat_id, day.isoformat())
        # today's is done: delivered, or its minute had passed when the settings changed
        done_today = tip_due(row.subscription, now, local) is not None
        upcoming = next_tip_at(row.subscription, now, local, delivered_today=done_today)
        await set_next_due(tx, row.user_id, upcoming)
        return None

    def _zone(
        self, language: str | None, telegram_language: str | None, chosen: str | None
    ) -> tzinfo:
        lang = self.people.catalog.language_for(language, telegram_language)
        return zone(self.people.zone_name(lang, chosen))

    async def compose(self, tx: Tx, job: Job, now: datetime) -> Composed | None:
        """The tip, chosen and recorded; the next tip's moment moves to tomorrow with it."""
        user = await load_user(tx, job.user_id)
        if user is None or not user.active:
            return None
        person = self.people.person(user)
        sub = await load_subscription(tx, job.user_id)
        await set_next_due(tx, job.user_id, next_tip_at(sub, now, person.zone, True))
        tip = await self.tips.pick(tx, job.user_id, "daily")
        text = self.tips.catalog.text(person.lang, f"tips.{tip}.text")
        html = self.tips.catalog.text(person.lang, "ui.messages.daily_tip", tip=text)
        rows = feedback_buttons(self.tips.catalog, person, tip)
        # once a week, a two-minute practice on the tip's topic below the 👍/👎
        practice = await weekly_offer(tx, self.tips.catalog, person, self.tips.topic(tip), now)
        return Composed(html, inline_keyboard(rows + practice), memo=tip)

    async def finished(self, tx: Tx, job: Job, composed: Composed, result: Result) -> None:
        if result.sent is Sent.NOT_SENT:  # surely never arrived: due again on the next tick
            await history.unrecord_tip(tx, job.user_id, composed.memo)
            await set_next_due(tx, job.user_id, None)
