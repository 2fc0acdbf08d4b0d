"""The next tip for a person: none repeats until the whole catalog was seen.

`/tip` and the daily tip share this one rule over one history. Each *not for me* the
person gave a topic halves that topic's weight; it never skips a tip.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from bot.content.catalog import Catalog
from bot.database.connection import Store, Tx
from bot.tips import history
from dialogs.tips import choose_tip


class TipService:
    def __init__(
        self,
        db: Store,
        catalog: Catalog,
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock
        self.rng = rng or random.Random()
        any_language = catalog.languages[0]
        self.tip_ids = sorted(
            key.split(".")[1]
            for key in catalog.raw[any_language]
            if key.startswith("tips.") and key.endswith(".text")
        )

    def topic(self, tip: str) -> str:
        return str(self.catalog.value(self.catalog.languages[0], f"tips.{tip}.topic"))

    async def pick(self, tx: Tx, user_id: int, channel: str) -> str:
        """Choose and record the next tip inside the caller's transaction; its id."""
        cycle, seen = await history.seen_tips(tx, user_id)
        penalties = await history.unwanted_topics(tx, user_id)

        def weight(tip: str) -> float:
            return 0.5 ** penalties.get(self.topic(tip), 0)

        choice = choose_tip(self.tip_ids, seen, cycle, self.rng, weight)
        await history.record_tip(tx, user_id, choice.tip, choice.cycle, self.clock(), channel)
        return choice.tip

    async def next_tip(self, user_id: int, channel: str = "tip") -> str:
        async with self.db.transaction() as tx:
            return await self.pick(tx, user_id, channel)

    def render_tip(self, lang: str, tip: str) -> str:
        text = self.catalog.text(lang, f"tips.{tip}.text")
        return self.catalog.text(lang, "ui.messages.tip", text=text)
