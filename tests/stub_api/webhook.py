"""Telegram's side of a webhook: while one is set, queued updates are POSTed to it.

What Telegram does, as far as a bot can tell: each update the bot asked for goes to the
registered URL as a JSON body with the ``X-Telegram-Bot-Api-Secret-Token`` header (when
a secret was registered), oldest first; one not answered 2xx stays queued and is posted
again. getUpdates is refused meanwhile (see ``server``). Every post is kept in
:attr:`WebhookPoster.posts`, so a test can see that the bot took them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from .server import BotApiStub

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER = 0.1  # seconds before a refused update is posted again (Telegram: longer)


@dataclass(frozen=True)
class Post:
    update_id: int
    status: int | None  # None: no HTTP answer at all
    error: str = ""


class WebhookPoster:
    def __init__(self, stub: BotApiStub) -> None:
        self.stub = stub
        self.posts: list[Post] = []
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._stopped = False

    def start(self) -> None:
        self._stopped = False
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """The flag as well as the cancel: Python 3.11's `asyncio.wait_for` (under
        `stub.wait_for`) can swallow a cancel that coincides with its own wake-up."""
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, update: dict[str, Any], secret: str | None) -> Post:
        """One post to the registered URL with *secret* (None: no header); also for tests
        posting as someone who does not know the secret."""
        assert self._session is not None, "the stub is not started"
        headers = {} if secret is None else {SECRET_HEADER: secret}
        try:
            async with self._session.post(
                self.stub.state.webhook_url, json=update, headers=headers
            ) as response:
                post = Post(update["update_id"], response.status)
        except (aiohttp.ClientError, TimeoutError) as error:
            post = Post(update["update_id"], None, repr(error))
        self.posts.append(post)
        return post

    def _next(self) -> dict[str, Any] | None:
        state = self.stub.state
        return state.next_for_webhook() if state.webhook_url else None

    async def _run(self) -> None:
        state = self.stub.state
        while not self._stopped:
            await self.stub.wait_for(
                lambda: self._stopped or self._next() is not None, timeout=math.inf
            )
            update = self._next()
            if update is None:  # stopped, or the webhook was removed in between
                continue
            with self.stub.handing_over():
                post = await self.post(update, state.webhook_secret or None)
            if post.status is not None and 200 <= post.status < 300:
                state.posted(update["update_id"])
            else:
                await asyncio.sleep(RETRY_AFTER)
