"""Webhook mode: one small aiohttp server takes Telegram's posts and answers `/healthz`.

PTB's `run_webhook` serves only the webhook, and the health check must share its port and
process. So this is PTB's documented "custom webhook bot" pattern: the application is
started and stopped by hand in `run_polling`'s order, and each checked update goes on
`application.update_queue`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import Application

from bot.adapter.processor import PerUserUpdateProcessor
from bot.config import Config, Webhook
from bot.delivery.broadcaster import retry_after_seconds
from bot.run import UPDATE_TYPES
from bot.run.health import Health
from bot.run.loop import new_loop
from bot.run.refusals import Refusals

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
SET_WEBHOOK_ATTEMPTS = 5  # instances starting together get through one a second
# seconds a connection may take to send a request's headers (also an idle connection's
# life), and a request's body once its headers are in: a half-sent request holds a socket
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 20.0
LINGER = 1.0  # seconds the unread rest of a refused body is still read before the close
# seconds a post waits for its person's turn among instances before it is answered anyway
# (the person's previous update is still being handled elsewhere): Telegram waits longer
ADMISSION_TIMEOUT = 10.0
# where a private chat can be named: (the update's field, the message's path in it)
PRIVATE_CHAT_PLACES = (("message", ()), ("edited_message", ()), ("callback_query", ("message",)))


class WebhookRunner:
    """The application and its web server, started and stopped together."""

    def __init__(
        self,
        application: Application,
        config: Config,
        *,
        header_timeout: float = HEADER_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        assert config.webhook is not None
        self.application = application
        self.webhook: Webhook = config.webhook
        self.health = Health(
            application.bot_data["database"], application.bot_data["scheduler"], config.tick_seconds
        )
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self.refusals = Refusals(monotonic)
        self._server: web.AppRunner | None = None
        self._started = False

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(self.webhook.path, self.receive)
        app.router.add_get(HEALTH_PATH, self.healthz)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """Telegram's post: 403 without the secret (not Telegram), else 200 at once and the
        update queued (handling runs after). A post that can't be read, or that names a
        private chat other than its sender's, is counted and also answered 200: Telegram
        posts an update answered otherwise again for about a day, and that person's later
        updates wait behind it."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.webhook.secret.encode()):
            self.refusals.refuse("wrong secret")
            return web.Response(status=403, text="wrong secret token")
        try:
            async with asyncio.timeout(self.body_timeout):
                body = await request.read()
        except TimeoutError:
            self.refusals.refuse("body too slow")
            response = web.Response(status=408, text="request body too slow")
            response.force_close()
            return response
        except web.HTTPRequestEntityTooLarge:  # over aiohttp's 1 MiB: no update is that long
            self.refusals.refuse("too large")
            return web.Response()
        update = self._update(body)
        if update is not None:
            admitted = self._admitted(update)
            await self.application.update_queue.put(update)
            try:  # the person's next update is posted after this answer: keep it behind
                async with asyncio.timeout(ADMISSION_TIMEOUT):
                    await asyncio.shield(admitted)
            except TimeoutError:
                log.warning("webhook: an update waited %g s for its turn", ADMISSION_TIMEOUT)
        return web.Response()

    def _admitted(self, update: Update) -> asyncio.Future[None]:
        """Done once the update has its person's turn (`PerUserUpdateProcessor.admitted`)."""
        processor = self.application.update_processor
        assert isinstance(processor, PerUserUpdateProcessor)  # as bot.app builds every bot
        return processor.admitted(update)

    def _update(self, body: bytes) -> Update | None:
        """The update in *body*, or None (counted) for one to skip. Never logs the body:
        it holds what a person typed."""
        try:
            data = json.loads(body)
            forged = forged_chat(data)
            if forged is not None:
                self.refusals.forged_chat(*forged)
                return None
            return Update.de_json(data, self.application.bot)
        except Exception:  # any malformed body: bad JSON, or JSON PTB can't read
            self.refusals.refuse("no update")
            return None

    async def healthz(self, request: web.Request) -> web.Response:
        verdict = self.health.check()
        return web.json_response(verdict.as_json(), status=200 if verdict.healthy else 503)

    async def start(self) -> None:
        """The application first (its post_init opens the database), then the server,
        then the registration: Telegram posts only to a server that is listening."""
        app = self.application
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        self._started = True
        self._server = web.AppRunner(
            self.web_app(),
            access_log=None,
            # aiohttp closes a connection whose request is not in by then, from its start
            keepalive_timeout=self.header_timeout,
            lingering_time=LINGER,
        )
        await self._server.setup()
        await web.TCPSite(self._server, self.webhook.listen, self.webhook.port).start()
        await self.register()
        log.info(
            "webhook: %s registered; listening on %s:%s (updates at %s, health at %s)",
            self.webhook.url,
            self.webhook.listen,
            self.webhook.port,
            self.webhook.path,
            HEALTH_PATH,
        )

    async def register(self) -> None:
        """setWebhook takes about one call a second per bot: instances starting together
        are answered 429 and try again after its retry_after, a few times, not stop."""
        for attempt in range(1, SET_WEBHOOK_ATTEMPTS + 1):
            try:
                await self.application.bot.set_webhook(
                    self.webhook.url,
                    secret_token=self.webhook.secret,
                    allowed_updates=list(UPDATE_TYPES),
                )
                return
            except RetryAfter as error:
                if attempt == SET_WEBHOOK_ATTEMPTS:
                    raise
                wait = retry_after_seconds(error)
                log.warning("webhook: setWebhook answered 429, trying again in %g s", wait)
                await asyncio.sleep(wait)

    async def stop(self) -> None:
        """No new posts (Telegram keeps what it could not deliver and retries), the queue
        handled, then PTB's shutdown and the bot's own (the scheduler drains its sends).
        The webhook stays registered: another instance may be serving it."""
        if self._server is not None:
            await self._server.cleanup()
            self._server = None
        self.refusals.flush()
        app = self.application
        if self._started:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
            self._started = False
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


def forged_chat(data: Any) -> tuple[int | None, int | None] | None:
    """(sender, chat) when the update names a private chat that is not its sender's.

    Telegram's private chat has its person's id, so only a post made up by someone
    holding the secret differs; handled, it would send that person's data to the chat
    it names. Only ids are returned (for the log), never text.
    """
    if not isinstance(data, dict):
        return None
    for field, path in PRIVATE_CHAT_PLACES:
        container = data.get(field)
        message = container
        for step in path:
            message = message.get(step) if isinstance(message, dict) else None
        if not isinstance(container, dict) or not isinstance(message, dict):
            continue
        chat = message.get("chat")
        if not isinstance(chat, dict) or chat.get("type") != "private":
            continue
        sender = container.get("from")
        sender_id = _id(sender.get("id")) if isinstance(sender, dict) else None
        chat_id = _id(chat.get("id"))
        if sender_id is None or sender_id != chat_id:
            return sender_id, chat_id
    return None


def _id(value: Any) -> int | None:
    """An id as Telegram writes one; anything else (text, a float) is no id."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def serve(application: Application, config: Config) -> None:
    """Until SIGINT or SIGTERM (`docker stop`, `systemctl stop`), then a graceful stop."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    runner = WebhookRunner(application, config)
    try:
        await runner.start()
        await stopping.wait()
        log.info("webhook: stopping")
    finally:
        await runner.stop()


def run(application: Application, config: Config) -> None:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(serve(application, config))
