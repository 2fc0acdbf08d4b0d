"""End-to-end harness: the real PTB Application against the stand-in Bot API, and people.

Tests speak as a person would — "types /call, taps *Next*, the card now says …" — so each
helper here is one thing a person does or sees.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application
from bot.config import Config, Webhook
from bot.run.webhook import WebhookRunner
from tests.conftest import REPO
from tests.stub_api import BotApiStub

TOKEN = "123456:TEST-secret-token"
WEBHOOK_SECRET = "stand-in_webhook-secret_of_32-chars_at_least"


@dataclass
class Clock:
    """A clock the tests move by hand, so idle limits need no sleeping."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 5, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def config_for(
    stub: BotApiStub,
    db_path: Path,
    tick_seconds: float = 3600,
    broadcast_rate: float = 25,
    chat_rate: float = 0.0,
    admin_ids: frozenset[int] = frozenset(),
    *,
    allowed_users: frozenset[int] = frozenset(),
    allowed_chat: int | None = None,
) -> Config:
    """The bot as configured in production, but for the pacing of replies: tests press
    faster than a person and wait for the bot to go quiet, so replies are paced only after
    a 429 unless a test asks for `chat_rate`. `COACH_HTTP` picks the HTTP layer, so the
    same suite runs on aiohttp (the default) and on httpx."""
    return Config(
        token=TOKEN,
        api_base_url=f"{stub.base_url}/bot",
        db_path=str(db_path),
        admin_ids=admin_ids,
        log_level="INFO",
        broadcast_rate=broadcast_rate,
        tick_seconds=tick_seconds,
        http=os.environ.get("COACH_HTTP", "aiohttp"),
        chat_rate=chat_rate,
        allowed_users=allowed_users,
        allowed_chat=allowed_chat,
    )


def handling(app: Application) -> bool:
    """Whether the application still has an update queued or in its handlers."""
    return app.update_queue.qsize() > 0 or app.update_processor.current_concurrent_updates > 0


class RunningBot:
    """The application started the way `run_polling` starts it, but inside the test's loop."""

    def __init__(
        self,
        stub: BotApiStub,
        db_path: Path,
        clock: Clock,
        tick_seconds: float = 3600,
        broadcast_rate: float = 25,
        chat_rate: float = 0.0,
        admin_ids: frozenset[int] = frozenset(),
        *,
        allowed_users: frozenset[int] = frozenset(),
        allowed_chat: int | None = None,
    ) -> None:
        """`allowed_users`, `allowed_chat`: who may use the bot (`bot.adapter.gate`)."""
        config = config_for(
            stub,
            db_path,
            tick_seconds,
            broadcast_rate,
            chat_rate,
            admin_ids,
            allowed_users=allowed_users,
            allowed_chat=allowed_chat,
        )
        self.app: Application = build_application(config, clock)
        stub.busy.append(lambda: handling(self.app))

    async def start(self) -> None:
        await self.app.initialize()
        assert self.app.post_init is not None
        await self.app.post_init(self.app)
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        await self.app.start()

    async def stop(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)


class WebhookBot:
    """The same application in webhook mode, inside the test's loop: its own server on a
    free local port, registered with the stand-in, which then posts updates to it."""

    def __init__(
        self,
        stub: BotApiStub,
        db_path: Path,
        clock: Callable[[], datetime],
        tick_seconds: float = 3600,
        *,
        database_url: str | None = None,
        url: str | None = None,
        port: int | None = None,
        broadcast_rate: float = 25,
    ) -> None:
        """`database_url`: PostgreSQL instead of the file; `url`: the address registered
        with the stand-in when it is not this server's own (a forwarder in front of
        several instances), `port` where this one listens (the same after a restart)."""
        port = port or free_port()
        self.webhook = Webhook(
            url or f"http://127.0.0.1:{port}/telegram",
            WEBHOOK_SECRET,
            listen="127.0.0.1",
            port=port,
        )
        config = replace(
            config_for(stub, db_path, tick_seconds, broadcast_rate),
            webhook=self.webhook,
            database_url=database_url,
        )
        self.app: Application = build_application(config, clock)
        self.runner = WebhookRunner(self.app, config)
        stub.busy.append(lambda: handling(self.app))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.webhook.port}"

    async def start(self) -> None:
        await self.runner.start()

    async def stop(self) -> None:
        await self.runner.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BotProcess:
    """`python -m bot` as a separate process, so a test can kill it with SIGKILL."""

    def __init__(
        self, stub: BotApiStub, db_path: Path, extra_env: dict[str, str] | None = None
    ) -> None:
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"{stub.base_url}/bot",
            "COACH_DB_PATH": str(db_path),
            "COACH_LOG_LEVEL": "INFO",
            "COACH_CHAT_RATE": "0",
            **(extra_env or {}),
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=REPO,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def kill(self) -> str:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        output, _ = await self.process.communicate()
        return output.decode()

    async def terminate(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(self.process.communicate(), 20)
        return output.decode()


CARD_DATA = re.compile(r"^[a-z]:\d+:")


def is_card(message) -> bool:
    keyboard = (message.reply_markup or {}).get("inline_keyboard", [])
    return any(CARD_DATA.match(b.get("callback_data", "")) for row in keyboard for b in row)


class Person:
    """One Telegram user talking to the bot through the stand-in server."""

    def __init__(self, stub: BotApiStub, user_id: int, language_code: str = "ru") -> None:
        self.stub = stub
        self.id = user_id
        self.language_code = language_code

    async def types(self, text: str) -> None:
        """Send a text and wait until the bot has answered it and gone quiet: every private
        text gets at least one reply, so quiet before the first one is not "done" yet (on a
        busy machine the update can wait longer than the quiet period)."""
        before = self._replies()
        await self.stub.send_text(self.id, text, language_code=self.language_code)
        await self.stub.wait_for(lambda: self._replies() > before)
        await self.stub.wait_idle()

    def _replies(self) -> int:
        return sum(
            1
            for call in self.stub.calls
            if call.method != "getUpdates"
            and str(call.params.get("chat_id", call.params.get("user_id", ""))) == str(self.id)
        )

    async def reaches_the_resolve_card(self, complaint: str) -> None:
        """A Russian call walked the usual way to its solution card: listen, the note
        typed, the client heard out, confirmed, our fault."""
        await self.types("/call")
        await self.taps("Слушаю клиента")
        await self.types(complaint)
        for label in (
            "Клиент высказался",
            "Да, клиент подтвердил",
            "Ошибка наша",
            "Дальше: решение",
        ):
            await self.taps(label)

    async def taps(self, label: str, message_id: int | None = None) -> dict:
        query_id = await self.stub.press_button(self.id, label, message_id=message_id)
        await self.stub.wait_for_answer(query_id)
        await self.stub.wait_idle()
        return self.stub.callback_answers[query_id]

    @property
    def messages(self) -> list:
        return self.stub.messages(self.id)

    @property
    def last(self):
        return self.stub.last_message(self.id)

    @property
    def card(self):
        """The latest dialog card (call, library, check, settings) the person is looking at;
        one-off messages with buttons (a tip, an offer) are not cards."""
        cards = [m for m in self.messages if is_card(m)]
        assert cards, "no card on screen"
        return cards[-1]

    def labels(self, message=None) -> list[str]:
        message = message or self.card
        return [b["text"] for row in message.reply_markup["inline_keyboard"] for b in row]


async def tick(bot: RunningBot, stub: BotApiStub) -> None:
    """One scheduler tick, everything it started sent, and the bot quiet again."""
    scheduler = bot.app.bot_data["scheduler"]
    await scheduler.tick()
    await scheduler.drain()
    await stub.wait_idle()
