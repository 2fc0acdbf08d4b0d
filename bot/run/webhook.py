"""Webhook mode: one small aiohttp server takes Telegram's posts and answers `/healthz`.

PTB's `run_webhook` serves only the webhook, and the health check must share its port and
process. So this is PTB's documented "custom webhook bot" pattern: the application is
started and stopped by hand in `run_polling`'s order, and each checked update goes on
`application.update_queue`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import Application

from bot.config import Config, Webhook
from bot.delivery.broadcaster import retry_after_seconds
from bot.run.health import Health
from bot.run.loop import new_loop

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
SET_WEBHOOK_ATTEMPTS = 5  # instances starting together get through one a second


class WebhookRunner:
    """The application and its web server, started and stopped together."""

    def __init__(self, application: Application, config: Config) -> None:
        assert config.webhook is not None
        self.application = application
        self.webhook: Webhook = config.webhook
        self.health = Health(
            application.bot_data["database"], application.bot_data["scheduler"], config.tick_seconds
        )
        self._server: web.AppRunner | None = None
        self._started = False

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(self.webhook.path, self.receive)
        app.router.add_get(HEALTH_PATH, self.healthz)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """Telegram's post: 403 without the secret (not Telegram), else 200 at once and the
        update queued (handling runs after). A post that can't be read is logged and also
        answered 200: Telegram posts an update answered otherwise again for about a day,
        and that person's later updates wait behind it."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.webhook.secret.encode()):
            log.warning("webhook: refused a post without the right secret from %s", request.remote)
            return web.Response(status=403, text="wrong secret token")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except Exception:  # any malformed body: bad JSON, or JSON PTB can't read
            log.warning("webhook: skipped a post that is no update (answered 200)", exc_info=True)
            return web.Response()
        await self.application.update_queue.put(update)
        return web.Response()

    async def healthz(self, request: web.Request) -> web.Response:
        verdict = await self.health.check()
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
        self._server = web.AppRunner(self.web_app(), access_log=None)
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
                    allowed_updates=Update.ALL_TYPES,
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
        app = self.application
        if self._started:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
            self._started = False
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


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
