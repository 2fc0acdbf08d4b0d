"""PTB's bot, polling so that the presses of a busy moment arrive in one getUpdates.

Telegram answers a long poll as soon as one update waits, so a busy bot would pay a round
trip per press (cost in `bench/README.md`). After a poll that brought a few updates, the
next waits `GATHER_SECONDS`; after a full batch it follows at once. PTB's `poll_interval`
would pause after every poll, a backlog's too.
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
