"""PTB's rate-limiter hook for replies: per-chat pacing only, never a global cap.

PTB's `AIORateLimiter` caps all requests at one overall rate and freezes them all during
any 429, so one chat could stall everyone. Here a request waits only for its chat's bucket
(`bot.delivery.pacing`). A 429 pauses that chat and is not retried: the step is
committed, and the next press redraws the card.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.broadcaster import retry_after_seconds
from bot.delivery.pacing import ChatPacer

# Telegram does not limit these: they never wait for a chat's bucket.
UNLIMITED = frozenset({"answerCallbackQuery", "answerInlineQuery", "getUpdates", "getChatMember"})


class PerChatRateLimiter(BaseRateLimiter[int]):
    def __init__(self, pacer: ChatPacer) -> None:
        self.pacer = pacer

    async def initialize(self) -> None:
        """Buckets are created on demand."""

    async def shutdown(self) -> None:
        """Nothing held between requests."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data["chat_id"]) if "chat_id" in data else None
        if chat_id is None or endpoint in UNLIMITED:
            return await callback(*args, **kwargs)
        await self.pacer.acquire(chat_id)
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            self.pacer.pause(chat_id, retry_after_seconds(error))
            raise
