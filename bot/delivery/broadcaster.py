"""Sending scheduled messages (daily tips, reminders) at a steady, polite rate.

Our own thin layer rather than PTB's `AIORateLimiter`, for two reasons: its pause on a
429 holds *every* request of the bot, so a person pressing a button mid-broadcast would
wait too; and its limits are global only. Broadcasts therefore go through their own `Bot`
instance and this pacer — `COACH_BROADCAST_RATE` per second overall, at most one message
per second per chat, a 429 pausing and slowing only the broadcast — while interactive
replies keep the application's bot with `AIORateLimiter` and go ahead at once.

Retries follow what Telegram may have seen: a request that surely never arrived (connect
or pool timeout, connection refused, a 429) is retried with backoff; one that may have
arrived (written, then a read timeout, or a 5xx) is not, because a retry could deliver it
twice.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)
NEVER_ARRIVED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
PER_CHAT_INTERVAL = 1.0
MAX_ATTEMPTS = 5
RECOVERY_SECONDS = 60.0
CHAT_MAP_LIMIT = 1024
Compose = Callable[[], Awaitable[tuple[str, InlineKeyboardMarkup | None] | None]]


class Sent(enum.Enum):
    OK = "sent"
    BLOCKED = "blocked"  # 403: the person blocked the bot
    UNCERTAIN = "uncertain"  # may have arrived; never retried
    FAILED = "failed"  # refused for good (e.g. the chat is gone)
    NOT_SENT = "not_sent"  # surely never arrived, even after retries: worth a later try
    SKIPPED = "skipped"  # nothing to send after all (claimed elsewhere)


@dataclass(frozen=True)
class Result:
    sent: Sent
    message: Message | None = None
    detail: str = ""


def retry_after_seconds(error: RetryAfter) -> float:
    """An int today, a timedelta in PTB's next major version: accept both, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait) if isinstance(wait, int | float) else wait.total_seconds()


def surely_not_delivered(error: NetworkError) -> bool:
    return isinstance(error.__cause__, NEVER_ARRIVED)


class Broadcaster:
    def __init__(
        self,
        bot: Bot,
        rate: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.rate = rate
        self.monotonic = monotonic
        self.sleep = sleep
        self._lock = asyncio.Lock()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[int, float] = {}
        self._last_flood = -RECOVERY_SECONDS

    async def _pace(self, chat_id: int) -> None:
        """Wait for the next free slot overall and for this chat.

        A 429 that arrives while we wait moves the pause forward, so the wait is taken again.
        """
        while True:
            async with self._lock:
                now = self.monotonic()
                self._forget_past(now)
                start = max(
                    now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0)
                )
                self._next_slot = start + 1 / self._current_rate(now)
                self._chat_next[chat_id] = start + PER_CHAT_INTERVAL
            if start > now:
                await self.sleep(start - now)
            if self._paused_until <= self.monotonic():
                return

    def _forget_past(self, now: float) -> None:
        """Chats whose next slot has passed need no entry: the map stays as small as the
        chats in flight, however many people a broadcast reaches."""
        if len(self._chat_next) > CHAT_MAP_LIMIT:
            self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}

    def _current_rate(self, now: float) -> float:
        """Half the rate right after a 429, back to the configured rate over a minute."""
        since = now - self._last_flood
        return self.rate * min(1.0, max(0.5, 0.5 + 0.5 * since / RECOVERY_SECONDS))

    def _flood_wait(self, seconds: float) -> None:
        """A 429: nothing more from the broadcast until it passes, then slower for a while."""
        now = self.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        self._last_flood = self._paused_until
        log.warning("broadcast paused for %.1f s after a 429", seconds)

    async def send(self, chat_id: int, compose: Compose) -> Result:
        """Wait for a slot, then `compose` (which claims the delivery) and send.

        Claiming only when the slot has come keeps "in flight" to what is really on the
        wire: a crash loses at most those, never a queue of claimed-but-waiting messages.
        """
        await self._pace(chat_id)
        message = await compose()
        if message is None:
            return Result(Sent.SKIPPED)
        html, markup = message
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                await self._pace(chat_id)
            try:
                sent = await self.bot.send_message(
                    chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            except RetryAfter as error:
                self._flood_wait(retry_after_seconds(error))
                continue
            except Forbidden as error:
                return Result(Sent.BLOCKED, detail=error.message)
            except NetworkError as error:
                if not surely_not_delivered(error):
                    return Result(Sent.UNCERTAIN, detail=error.message)
                await self.sleep(min(30.0, 0.5 * 2**attempt))
                continue
            except TelegramError as error:  # BadRequest, ChatMigrated, …: refused for good
                return Result(Sent.FAILED, detail=error.message)
            return Result(Sent.OK, sent)
        return Result(Sent.NOT_SENT, detail="gave up after retries")
