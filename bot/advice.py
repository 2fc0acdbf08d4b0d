"""Advice outside a call: the next tip for a person, playbooks found from a description.

Kept apart from the coach: neither moves a dialog, both only read the catalogs and the
tip history. The daily tips use `next_tip` too, so `/tip` and the daily message share
one history and one no-repeat rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from bot.catalog import Catalog
from bot.coach import Person
from bot.schedule_store import ScheduleStore
from bot.storage import Storage
from dialogs.library import SITUATIONS
from dialogs.matching import rank
from dialogs.tips import choose_tip


class Advice:
    def __init__(
        self,
        storage: Storage,
        catalog: Catalog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
    ) -> None:
        self.history = ScheduleStore(storage)
        self.catalog = catalog
        self.clock = clock
        self.rng = rng or random.Random()
        any_language = catalog.languages[0]
        self.tip_ids = sorted(
            key.split(".")[1]
            for key in catalog.raw[any_language]
            if key.startswith("tips.") and key.endswith(".text")
        )
        # Kazakh speakers often type Russian and the other way round: match on both.
        self.keywords = {
            situation: [
                stem
                for lang in catalog.languages
                for stem in catalog.value(lang, f"situations.{situation}.keywords")
            ]
            for situation in SITUATIONS
        }

    async def next_tip(self, person: Person, channel: str = "tip") -> str:
        """Pick and record the next tip; returns its id.

        Each *not for me* the person gave a topic halves that topic's weight, for `/tip`
        and the daily tip alike.
        """
        cycle, seen = await self.history.tip_history(person.user_id)
        penalties = await self.history.unwanted_topics(person.user_id)

        def weight(tip: str) -> float:
            return 0.5 ** penalties.get(self.topic(tip), 0)

        choice = choose_tip(self.tip_ids, seen, cycle, self.rng, weight)
        await self.history.record_tip(
            person.user_id, choice.tip, choice.cycle, self.clock(), channel
        )
        return choice.tip

    def topic(self, tip: str) -> str:
        return str(self.catalog.value(self.catalog.languages[0], f"tips.{tip}.topic"))

    def render_tip(self, lang: str, tip: str) -> str:
        text = self.catalog.text(lang, f"tips.{tip}.text")
        return self.catalog.text(lang, "ui.messages.tip", text=text)

    def find_situations(self, text: str) -> list[str]:
        return rank(text, self.keywords)
