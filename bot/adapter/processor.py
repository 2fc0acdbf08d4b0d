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
        across: Turn | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.queue_limit = queue_limit
        # the person's turn among instances (the database's lock); None: this one alone
        self.across = across or _alone
        self.on_overflow: Overflow = _ignore
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._warned: set[int] = set()
        self._admissions: dict[int, list[asyncio.Future[None]]] = {}

    def admitted(self, update: Update) -> asyncio.Future[None]:
        """Done once `update` holds its person's turn among instances (or needs none).

        Telegram posts a person's next update once this one is answered, maybe to another
        instance: answering only now keeps that update queued behind this one for the turn,
        where answering at once would let it overtake, and an earlier typed line be dropped as a
        redelivery. One instance alone orders updates by its own lock: done at once."""
        future = asyncio.get_running_loop().create_future()
        if self.across is _alone or _user_key(update) is None:
            future.set_result(None)
        else:
            self._admissions.setdefault(update.update_id, []).append(future)
        return future

    def _admit(self, update: object) -> None:
        if isinstance(update, Update):
            waiting = self._admissions.get(update.update_id)
            if waiting:  # a post posted twice is answered in its order too
                future = waiting.pop(0)
                if not waiting:
                    del self._admissions[update.update_id]
                if not future.done():
                    future.set_result(None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _user_key(update)
        if key is None:
            await coroutine
            return
        if self._waiting.get(key, 0) >= self.queue_limit:
            self._admit(update)
            coroutine.close()  # type: ignore[attr-defined]
            first = key not in self._warned
            self._warned.add(key)
            assert isinstance(update, Update)
            await self.on_overflow(update, first)
            return
        admitted = False
        try:
            async with self.person(key):
                self._admit(update)
                admitted = True
                await coroutine
        finally:
            if not admitted:  # the turn never came (an error, a stop): answered anyway
                self._admit(update)

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
