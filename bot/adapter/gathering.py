"""PTB's bot, polling so that the presses of a busy moment arrive in one getUpdates.

Why: Telegram answers a long poll as soon as one update waits, so a busy bot polls once per
press — each poll a full HTTP round trip and a parse, about a fifth of the CPU a press
costs. After a poll that brought a trickle (some updates, fewer than a full batch) the next
one waits `GATHER_SECONDS`, so what arrives meanwhile comes together, at most that much
later. A full batch (a backlog after downtime, a flood) is followed at once, and after an
empty poll there is nothing to gather. PTB's own `poll_interval` would pause after every
poll, backlog included, and would also shorten its back-off after a network error (which
grows from that interval instead of from one second).
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

GATHER_SECONDS = 0.02
FULL_BATCH = 100  # Telegram's most updates per poll, and PTB's default limit


class GatheringBot(ExtBot[Any]):
    __slots__ = ("_trickle",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trickle = False

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        if self._trickle:
            await asyncio.sleep(GATHER_SECONDS)
        updates = await super().get_updates(*args, **kwargs)
        self._trickle = 0 < len(updates) < FULL_BATCH
        return updates
