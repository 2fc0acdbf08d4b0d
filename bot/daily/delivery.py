"""The daily tip as a scheduled delivery: who is due now, and the message with 👍/👎."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.adapter.cards import inline_keyboard
from bot.daily.settings import TIP
from bot.daily.subscriptions import subscribers
from bot.database.connection import Database, Tx
from bot.database.users import load_user
from bot.delivery import claims
from bot.delivery.broadcaster import Result, Sent
from bot.delivery.scheduler import Composed, Job
from bot.dialog.person import People
from bot.timezones import zone
from bot.tips import feedback_buttons, history
from bot.tips.service import TipService
from dialogs.schedule import tip_due

log = logging.getLogger(__name__)
RECENT = timedelta(days=2)  # a tip's claim is for a local day: two days cover every zone


class DailyTips:
    kind = TIP

    def __init__(self, db: Database, people: People, tips: TipService) -> None:
        self.db = db
        self.people = people
        self.tips = tips

    async def due(self, now: datetime) -> list[Job]:
        async with self.db.read() as tx:
            rows = await subscribers(tx)
            jobs = []
            for row in rows:
                try:
                    lang = self.people.catalog.language_for(row.language, row.telegram_language)
                    local = zone(self.people.zone_name(lang, row.timezone))
                    day = tip_due(row.subscription, now, local)
                except Exception:  # one bad row must not stop everyone's tip
                    log.exception("daily tip of %s: bad settings", row.user_id)
                    continue
                if day is not None:
                    jobs.append(Job(self.kind, row.user_id, row.chat_id, day.isoformat()))
            taken = await claims.recent(tx, self.kind, now - RECENT)
        return [job for job in jobs if (job.user_id, job.key) not in taken]

    async def compose(self, tx: Tx, job: Job, now: datetime) -> Composed | None:
        user = await load_user(tx, job.user_id)
        if user is None or not user.active:
            return None
        person = self.people.person(user)
        tip = await self.tips.pick(tx, job.user_id, "daily")
        text = self.tips.catalog.text(person.lang, f"tips.{tip}.text")
        html = self.tips.catalog.text(person.lang, "ui.messages.daily_tip", tip=text)
        markup = inline_keyboard(feedback_buttons(self.tips.catalog, person, tip))
        return Composed(html, markup, memo=tip)

    async def finished(self, tx: Tx, job: Job, composed: Composed, result: Result) -> None:
        if result.sent is Sent.NOT_SENT:
            await history.unrecord_tip(tx, job.user_id, composed.memo)
