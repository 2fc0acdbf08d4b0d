"""Per-chat pacing shared by replies and broadcasts, as Telegram limits a bot.

Telegram limits sends and edits per chat (about one a second, with bursts), not replies
overall. So each chat has a token bucket, and a 429 pauses that chat alone. Replies and
broadcasts share the bucket, so a tip and a reply to the same person never collide, and a
broadcast waits while a reply to that chat waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

PRIVATE_RATE = 1.0  # per second, sustained
GROUP_RATE = 20 / 60
BURST = 3
CHAT_LIMIT = 4096  # buckets kept; full and idle ones are forgotten beyond this
YIELD_SECONDS = 0.05


@dataclass
class Bucket:
    tokens: float
    updated: float
    paused_until: float = 0.0
    replies_waiting: int = 0


class ChatPacer:
    def __init__(
        self,
        private_rate: float = PRIVATE_RATE,
        burst: int = BURST,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`private_rate=0` paces nothing ahead of time; a 429 still pauses its chat."""
        self.private_rate = private_rate
        self.burst = burst
        self.monotonic = monotonic
        self.sleep = sleep
        self._buckets: dict[int, Bucket] = {}

    def _rate(self, chat_id: int) -> float:
        return GROUP_RATE if chat_id < 0 else self.private_rate

    def _bucket(self, chat_id: int, now: float) -> Bucket:
        """The chat's bucket, refilled up to now (created full)."""
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= CHAT_LIMIT:
                self._forget_idle(now)
            bucket = self._buckets[chat_id] = Bucket(float(self.burst), now)
        refill = (now - bucket.updated) * self._rate(chat_id)
        bucket.tokens = min(float(self.burst), bucket.tokens + refill)
        bucket.updated = now
        return bucket

    def _forget_idle(self, now: float) -> None:
        """A full bucket nobody waits on is the same as no bucket: drop those."""
        kept = {}
        for chat, bucket in self._buckets.items():
            full = bucket.tokens + (now - bucket.updated) * self._rate(chat) >= self.burst
            if bucket.replies_waiting or bucket.paused_until > now or not full:
                kept[chat] = bucket
        self._buckets = kept

    async def acquire(self, chat_id: int, reply: bool = True) -> None:
        """Wait for this chat's next send. A broadcast lets waiting replies go first and
        goes only into a calm chat (a full bucket), so broadcasts to one chat come at most
        one a second and never right after a burst of replies."""
        rate = self._rate(chat_id)
        if not rate and chat_id not in self._buckets:
            return  # unpaced and never paused: nothing to wait for, nothing to keep
        bucket = self._bucket(chat_id, self.monotonic())
        need = 1 if reply else self.burst  # a broadcast waits until the chat is calm again
        bucket.replies_waiting += reply
        try:
            while True:
                now = self.monotonic()
                bucket = self._bucket(chat_id, now)
                waits = [bucket.paused_until - now]
                if rate:
                    waits.append((need - bucket.tokens) / rate)
                if not reply and bucket.replies_waiting:
                    waits.append(YIELD_SECONDS)
                wait = max(waits)
                if wait <= 0:
                    bucket.tokens -= 1 if rate else 0
                    return
                await self.sleep(wait)
        finally:
            bucket.replies_waiting -= reply

    def pause(self, chat_id: int, seconds: float) -> None:
        """A 429 for this chat: nothing more to it, reply or broadcast, until it passes."""
        now = self.monotonic()
        bucket = self._bucket(chat_id, now)
        bucket.paused_until = max(bucket.paused_until, now + seconds)
        bucket.tokens = 0.0
