"""Updates of one person one at a time, updates of different people in parallel.

PTB offers one global queue (one slow person delays everyone) or full concurrency (two
fast taps of one person race); a lock per person gives both. A waiting update holds one of
PTB's slots, so one person's flood could stall everyone: beyond `queue_limit` waiting
updates the excess is dropped, and `on_overflow` asks the person to slow down.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 512
QUEUE_LIMIT = 20
Overflow = Callable[[Update, bool], Awaitable[None]]  # (dropped update, first of the burst)
Turn = Callable[[int], AbstractAsyncContextManager[None]]


@contextlib.asynccontextmanager
async def _alone(user_id: int) -> AsyncIterator[None]:
    """One process serves everyone: its own lock is the whole turn."""
    yield


async def _ignore(update: Update, first: bool) -> None:
    """Until the application sets its own: dropping is enough."""


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        queue_limit: int = QUEUE_LIMIT,
        across: Turn = _alone,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.queue_limit = queue_limit
        self.across = across  # the person's turn among instances (the database's lock)
        self.on_overflow: Overflow = _ignore
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._warned: set[int] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_key(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= self.queue_limit:
            coroutine.close()  # type: ignore[attr-defined]
            first = key not in self._warned
            self._warned.add(key)
            assert isinstance(update, Update)
            await self.on_overflow(update, first)
            return
        async with self.person(key):
            await coroutine

    @contextlib.asynccontextmanager
    async def person(self, user_id: int) -> AsyncIterator[None]:
        """Hold this person's turn: their updates, and the idle sweep for them, queue here,
        then, with several instances, behind the other instances' turns."""
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._waiting[user_id] = self._waiting.get(user_id, 0) + 1
        try:
            async with lock, self.across(user_id):
                yield
        finally:
            self._waiting[user_id] -= 1
            if not self._waiting[user_id]:
                del self._waiting[user_id], self._locks[user_id]
                self._warned.discard(user_id)

    async def initialize(self) -> None:
        """Nothing to allocate: locks are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: every lock is gone once its updates are done."""


def _user_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None
