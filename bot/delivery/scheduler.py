"""One repeating tick: idle dialogs are closed, what is due is claimed and sent.

Every tick asks the database rather than keeping per-person jobs in memory, so a restart loses
nothing and what fell due during downtime goes out on the next tick. A feature declares
a `Delivery` (what is due, the message composed inside the claim's transaction, what to
record after); sending runs in the background, and a bad row is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from telegram import InlineKeyboardMarkup

from bot.database import users
from bot.database.connection import Store, Tx
from bot.delivery import claims
from bot.delivery.broadcaster import Broadcaster, Result, Sent
from bot.dialog.service import DialogService

log = logging.getLogger(__name__)
IN_FLIGHT = 64
PRUNE_EVERY = timedelta(hours=1)
Serialize = Callable[[int], contextlib.AbstractAsyncContextManager[object]]
# A table owner's deletion of rows older than a moment (None: only what its own cap
# lets go), at most `limit` rows: (tx, before, limit) -> how many went.
Expire = Callable[[Tx, datetime | None, int], Awaitable[int]]
EXPIRE_BATCH = 500  # rows per statement and transaction: the lock is held briefly
EXPIRE_ROUNDS = 4  # batches of each owner per hourly pass; the rest go an hour later


@dataclass(frozen=True)
class Job:
    kind: str  # the delivery's kind: `tip`, `followup`
    user_id: int
    chat_id: int
    key: str  # unique per person and kind: the local day of a tip, a reminder's id


@dataclass(frozen=True)
class Composed:
    html: str
    markup: InlineKeyboardMarkup | None
    memo: str = ""  # handed back to `finished` (which tip was chosen)


class Delivery(Protocol):
    kind: str

    async def due(self, now: datetime) -> list[Job]: ...

    async def compose(self, tx: Tx, job: Job, now: datetime) -> Composed | None: ...

    async def finished(self, tx: Tx, job: Job, composed: Composed, result: Result) -> None: ...


@contextlib.asynccontextmanager
async def _unserialized(user_id: int) -> AsyncIterator[None]:
    yield


class Scheduler:
    def __init__(
        self,
        db: Store,
        dialogs: DialogService,
        deliveries: Sequence[Delivery],
        broadcaster: Broadcaster,
        clock: Callable[[], datetime],
        serialize: Serialize = _unserialized,
        expire: Sequence[Expire] = (),
        retention: timedelta | None = None,
    ) -> None:
        self.db = db
        self.dialogs = dialogs
        self.deliveries = deliveries
        self.broadcaster = broadcaster
        self.clock = clock
        self.serialize = serialize
        self.expire = expire  # in order: rows that point to others' go first
        self.retention = retention  # None keeps rows for good (caps still apply)
        self.last_tick: datetime | None = None
        self.sent: Counter[str] = Counter()  # deliveries that left, by kind: the log's figures
        self._pruned_at: datetime | None = None
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._busy: set[tuple[str, int, str]] = set()
        self._waiting: set[asyncio.Task[None]] = set()
        self._on_wire: set[asyncio.Task[None]] = set()

    async def tick(self) -> None:
        """Start what is due; `drain` waits for it (tests and shutdown). With several
        instances on one database only the leader's tick does anything, so the broadcast
        rate holds for the bot as a whole; another takes over when the leader dies."""
        now = self.clock()
        if not await self.db.lead():
            self.last_tick = now  # asking was a trip to the database: this instance is fit
            return
        await self.close_idle()
        for delivery in self.deliveries:
            try:
                jobs = await delivery.due(now)
            except Exception:
                log.exception("could not read what %s is due", delivery.kind)
                continue
            for job in jobs:
                self._start(delivery, job)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            async with self.db.transaction() as tx:
                await claims.prune(tx, now)
            await self.expire_old(now)
            self._pruned_at = now
        self.last_tick = now

    async def expire_old(self, now: datetime) -> int:
        """Rows past the retention (or their owner's cap) are deleted a batch per
        transaction, so a long backlog never holds the lock for long; how many went."""
        before = now - self.retention if self.retention is not None else None
        total = 0
        for _ in range(EXPIRE_ROUNDS):
            deleted = 0
            for expire in self.expire:
                try:
                    async with self.db.transaction() as tx:
                        deleted += await expire(tx, before, EXPIRE_BATCH)
                except Exception:
                    log.exception("could not delete expired rows (%s)", expire.__module__)
            total += deleted
            if not deleted:
                break
        if total:
            log.info("deleted %d expired rows", total)
        return total

    async def close_idle(self) -> None:
        """Running dialogs left too long are closed, each under its person's own lock, so
        the sweep never races that person's press."""
        for flow in self.dialogs.flows:
            for user_id in await self.dialogs.idle_people(flow):
                async with self.serialize(user_id):
                    if await self.dialogs.close_if_idle(user_id, flow):
                        log.info("closed an idle %s dialog of %s", flow, user_id)

    @property
    def _tasks(self) -> set[asyncio.Task[None]]:
        return self._waiting | self._on_wire

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self, grace: float = 5.0) -> None:
        """On shutdown: what waits for its slot is not claimed yet, so cancelling it loses
        nothing (the next start picks it up); what is on the wire gets `grace` seconds."""
        for task in list(self._waiting):
            task.cancel()
        if self._on_wire:
            await asyncio.wait(list(self._on_wire), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        await self.drain()

    def _start(self, delivery: Delivery, job: Job) -> None:
        key = (job.kind, job.user_id, job.key)
        if key in self._busy:
            return
        self._busy.add(key)
        task = asyncio.get_running_loop().create_task(self._run(delivery, job))
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)
        task.add_done_callback(self._on_wire.discard)
        task.add_done_callback(lambda _: self._busy.discard(key))

    async def _run(self, delivery: Delivery, job: Job) -> None:
        try:
            async with self._slots:
                await self._deliver(delivery, job)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery %s/%s of %s failed", job.kind, job.key, job.user_id)

    async def _deliver(self, delivery: Delivery, job: Job) -> None:
        taken: list[tuple[int, Composed]] = []
        task = asyncio.current_task()

        async def compose() -> tuple[str, InlineKeyboardMarkup | None] | None:
            async with self.db.transaction() as tx:
                claim_id = await claims.claim(tx, job.user_id, job.kind, job.key, self.clock())
                if claim_id is None:
                    return None
                composed = await delivery.compose(tx, job, self.clock())
                if composed is None:
                    await claims.finish(tx, claim_id, Sent.SKIPPED.value)
                    return None
            taken.append((claim_id, composed))
            if task is not None:
                self._waiting.discard(task)
                self._on_wire.add(task)
            return composed.html, composed.markup

        result = await self.broadcaster.send(job.chat_id, compose)
        if taken:
            claim_id, composed = taken[0]
            async with self.db.transaction() as tx:
                await self._record(tx, claim_id, job, result)
                await delivery.finished(tx, job, composed, result)

    async def _record(self, tx: Tx, claim_id: int, job: Job, result: Result) -> None:
        if result.sent is Sent.NOT_SENT:
            await claims.release(tx, claim_id)  # surely never arrived: the next tick tries
            return
        if result.sent is Sent.OK:
            self.sent[job.kind] += 1
        message_id = result.message.message_id if result.message else None
        await claims.finish(tx, claim_id, result.sent.value, message_id, result.detail)
        if result.sent is Sent.BLOCKED:
            await users.set_active(tx, job.user_id, False)
            log.info("user %s blocked the bot: marked inactive", job.user_id)
