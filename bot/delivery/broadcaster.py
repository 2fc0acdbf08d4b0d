"""Sending scheduled messages (daily tips, reminders) at a steady, polite rate.

Broadcasts are the one thing Telegram limits globally, so they have their own `Bot` and
pacer and yield to replies (`bot.delivery.pacing`). A send is retried only if it surely
never arrived (a connect timeout, a 429); one that may have arrived (a read timeout, a
5xx) is not, as a retry could deliver it twice.
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
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.adapter.aiohttp_request import NotSent
from bot.delivery.pacing import ChatPacer
from bot.logs import masked

log = logging.getLogger(__name__)
NEVER_ARRIVED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
MAX_ATTEMPTS = 5
RECOVERY_SECONDS = 60.0
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


def detail_of(error: TelegramError) -> str:
    """The error's text as stored with the delivery: an error may quote the request's URL,
    which holds the token, and what is stored reaches backups and `/export`."""
    return masked(error.message)


def retry_after_seconds(error: RetryAfter) -> float:
    """An int today, a timedelta in PTB's next major version: accept both, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return float(wait) if isinstance(wait, int | float) else wait.total_seconds()


def surely_not_delivered(error: NetworkError) -> bool:
    """Never left this machine: refused or timed out before sending, no free connection."""
    return isinstance(error, NotSent) or isinstance(error.__cause__, NEVER_ARRIVED)


def refused(chat_id: int, error: TelegramError) -> Result:
    """Telegram refused the message for good (the chat is gone, the text broken): never
    retried, never taken for delivered, and worth a look in the log."""
    detail = detail_of(error)
    log.warning("scheduled message to chat %s refused: %s", chat_id, detail)
    return Result(Sent.FAILED, detail=detail)


class Broadcaster:
    def __init__(
        self,
        bot: Bot,
        rate: float,
        pacer: ChatPacer | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.rate = rate
        self.pacer = pacer or ChatPacer(monotonic=monotonic, sleep=sleep)
        self.monotonic = monotonic
        self.sleep = sleep
        self._lock = asyncio.Lock()
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_flood = -RECOVERY_SECONDS

    async def _pace(self, chat_id: int) -> None:
        """Wait for the next free slot overall, then for the chat's own budget (shared with
        replies, which go first).

        A 429 that arrives while we wait moves the pause forward, so the wait is taken again.
        """
        while True:
            async with self._lock:
                now = self.monotonic()
                start = max(now, self._next_slot, self._paused_until)
                self._next_slot = start + 1 / self._current_rate(now)
            if start > now:
                await self.sleep(start - now)
            if self._paused_until <= self.monotonic():
                break
        await self.pacer.acquire(chat_id, reply=False)

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
                return Result(Sent.BLOCKED, detail=detail_of(error))
            except BadRequest as error:  # before NetworkError: PTB derives it from that
                return refused(chat_id, error)
            except NetworkError as error:
                if not surely_not_delivered(error):
                    return Result(Sent.UNCERTAIN, detail=detail_of(error))
                await self.sleep(min(30.0, 0.5 * 2**attempt))
                continue
            except TelegramError as error:  # ChatMigrated, InvalidToken, …: refused for good
                return refused(chat_id, error)
            return Result(Sent.OK, sent)
        return Result(Sent.NOT_SENT, detail="gave up after retries")
