"""PTB's rate-limiter hook for replies: per-chat pacing only, never a global cap.

PTB's `AIORateLimiter` applies one overall rate (30/s by default) to every request and
freezes *all* requests while any 429 is pending, so the whole bot would answer about 30
presses a second however many people press, and one chat's 429 would stall everyone.
Here each request to a chat waits for that chat's bucket (shared with broadcasts, see
`bot.delivery.pacing`); `answerCallbackQuery` and requests without a chat go at once. A 429
pauses that chat alone and is not retried: the step behind the reply is committed, and the
person's next press redraws the card.
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

UNLIMITED = frozenset({"answerCallbackQuery", "answerInlineQuery", "getUpdates"})


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
