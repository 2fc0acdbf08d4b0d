"""The webhook server against someone who reaches its port, through the real server: a post
forging another person's chat, half-sent requests, `/healthz` calls while the database is
busy, and floods of refused posts in the log.

The forged chat is the audit's H1 (`../shared/reviews/security-audit.md`): with the secret,
a post naming Anna as its sender and Mallory's chat had Anna's journal and export sent to
Mallory, and redirected Anna's reminders there for good.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.database import users
from bot.database.connection import Database
from bot.run.webhook import SECRET_HEADER, WebhookRunner, forged_chat
from bot.schema import MIGRATIONS
from tests.harness import WEBHOOK_SECRET, Clock, Person, WebhookBot, config_for, tick
from tests.stub_api import BotApiStub
from tests.stub_api.webhook import Post
from tests.test_journal_e2e import walk_a_call

ANNA, MALLORY = 8101, 6666
CLOSED_WITHIN = 20  # seconds: generous for a slow machine, far below aiohttp's hour


class HardenedBot(WebhookBot):
    """The harness's webhook bot with the runner's own options (timeouts, a clock)."""

    def __init__(self, stub: BotApiStub, db_path: Path, clock: Clock, **options: Any) -> None:
        super().__init__(stub, db_path, clock)
        config = replace(config_for(stub, db_path), webhook=self.webhook)
        self.runner = WebhookRunner(self.app, config, **options)


class Monotonic:
    """A monotonic clock moved by hand, for the refusals' once-a-minute line."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> Monotonic:
    return Monotonic()


@pytest.fixture
async def bot(stub, db_path, clock, monotonic):
    running = HardenedBot(stub, db_path, clock, monotonic=monotonic)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def impatient(stub, db_path, clock):
    """A second for the headers and a second for the body."""
    running = HardenedBot(stub, db_path, clock, header_timeout=1.0, body_timeout=1.0)
    await running.start()
    yield running
    await running.stop()


def command(sender: int, chat: int, text: str, update_id: int) -> dict:
    """*text* (a command) from *sender*, in the private chat *chat*, as a forger posts it."""
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": chat, "type": "private", "first_name": "Anna"},
        "from": {"id": sender, "is_bot": False, "first_name": "Anna"},
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }
    return {"update_id": update_id, "message": message}


def stored_chat(db_path: Path, user_id: int) -> int:
    with sqlite3.connect(db_path) as db:
        (chat,) = db.execute("SELECT chat_id FROM users WHERE user_id = ?", (user_id,)).fetchone()
    return chat


# --- a forged chat ---------------------------------------------------------------------


async def test_a_forged_chat_gets_nothing_and_leaves_the_person_s_chat_and_reminders(
    stub, bot, clock, db_path, caplog
):
    anna = Person(stub, ANNA)
    await walk_a_call(anna, "клиент Иванов, счёт выставлен дважды", "вернём деньги")
    stub.add_user(MALLORY)
    for update_id, text in ((900001, "/history"), (900002, "/export")):
        posted = await stub.webhook.post(command(ANNA, MALLORY, text, update_id), WEBHOOK_SECRET)
        assert posted == Post(update_id, 200)  # taken: Telegram must not post it again
    await stub.wait_idle()
    assert stub.messages(MALLORY) == []
    assert stored_chat(db_path, ANNA) == ANNA

    clock.advance(timedelta(hours=1, seconds=5))
    await tick(bot, stub)
    assert [m for m in anna.messages if "«вернём деньги»" in m.text]
    assert stub.messages(MALLORY) == []

    bot.runner.refusals.flush()  # the first at once, the second counted until now
    forged = [r for r in caplog.records if "forged chat: 1" in r.getMessage()]
    assert len(forged) == 2 and all(r.levelno == logging.WARNING for r in forged)
    assert all(f"from user {ANNA} in chat {MALLORY}" in r.getMessage() for r in forged)
    assert "Иванов" not in caplog.text and "/history" not in caplog.text


def private(chat: object, sender: object) -> dict:
    return {"chat": {"id": chat, "type": "private"}, "from": {"id": sender}}


@pytest.mark.parametrize(
    ("update", "forged"),
    [
        ({"message": private(ANNA, ANNA)}, None),
        ({"message": private(MALLORY, ANNA)}, (ANNA, MALLORY)),
        ({"edited_message": private(MALLORY, ANNA)}, (ANNA, MALLORY)),
        ({"message": {"chat": {"id": MALLORY, "type": "private"}}}, (None, MALLORY)),
        ({"message": private("6666", ANNA)}, (ANNA, None)),  # no id as Telegram writes one
        ({"message": private(ANNA, "Иванов")}, (None, ANNA)),  # text is never an id
        (
            {"callback_query": {"from": {"id": ANNA}, "message": private(MALLORY, 1)}},
            (ANNA, MALLORY),
        ),
        ({"callback_query": {"from": {"id": ANNA}, "message": private(ANNA, 1)}}, None),
        ({"callback_query": {"from": {"id": ANNA}, "inline_message_id": "x"}}, None),
        ({"message": {"chat": {"id": -100, "type": "group"}, "from": {"id": ANNA}}}, None),
        ({"message": "text"}, None),
        ([1], None),
    ],
)
def test_a_private_chat_must_be_its_sender_s(update, forged):
    assert forged_chat(update) == forged


async def test_an_update_never_changes_the_stored_chat(db_path):
    """In polling mode too: Telegram's private chat is its person's, so an arrival takes
    no chat at all and the stored one is the person's own id, first time and after."""
    db = await Database(db_path).open()
    try:
        now = Clock().now
        async with db.transaction() as tx:
            await users.record_arrival(tx, ANNA, "Anna", "ru", now)
        async with db.transaction() as tx:
            await users.record_arrival(tx, ANNA, "Anna", "kk", now)
    finally:
        await db.close()
    assert stored_chat(db_path, ANNA) == ANNA


async def test_a_chat_a_forged_update_stored_is_given_back_to_its_person(db_path):
    """A database an earlier version let a forger redirect is repaired at the start."""
    repair = next(n for n, script in enumerate(MIGRATIONS) if "SET chat_id = user_id" in script)
    with sqlite3.connect(db_path) as raw:  # the schema as it stood before the repair
        for script in MIGRATIONS[:repair]:
            raw.executescript(script)
        raw.execute(
            "INSERT INTO users (user_id, chat_id, created_at, last_seen_at) VALUES (?, ?, '', '')",
            (ANNA, MALLORY),
        )
        raw.execute(f"PRAGMA user_version = {repair}")
    await (await Database(db_path).open()).close()
    assert stored_chat(db_path, ANNA) == ANNA


# --- half-sent requests ----------------------------------------------------------------


async def closed_after(port: int, sent: bytes) -> bytes:
    """What the server answers *sent*, a request it never gets whole, up to its close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(sent)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), CLOSED_WITHIN)  # read() ends at EOF
    finally:
        writer.close()


async def test_half_sent_headers_are_closed_within_the_header_timeout(impatient):
    answer = await closed_after(impatient.webhook.port, b"POST /telegram HTTP/1.1\r\nHost: x\r\n")
    assert answer == b""


async def test_a_half_sent_body_is_closed_within_the_body_timeout(impatient):
    head = (
        f"POST /telegram HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {WEBHOOK_SECRET}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    answer = await closed_after(impatient.webhook.port, head.encode() + b'{"update_id": 1,')
    assert answer.startswith(b"HTTP/1.1 408")


async def test_an_idle_connection_is_closed_and_a_whole_request_still_served(stub, impatient):
    answer = await closed_after(impatient.webhook.port, b"")
    assert answer == b""
    await Person(stub, 8102).types("/start")
    assert "Здравствуйте" in stub.messages(8102)[0].text


# --- /healthz --------------------------------------------------------------------------


async def healthz(bot: WebhookBot) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{bot.base_url}/healthz") as response,
    ):
        return response.status, await response.json()


async def test_health_answers_while_the_database_lock_is_held(stub, bot):
    """Anyone reaching the port may call it: it must not queue behind presses for the
    database lock (nor make them wait behind it)."""
    scheduler = bot.app.bot_data["scheduler"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)
    async with bot.app.bot_data["database"].read():
        status, body = await healthz(bot)
    assert (status, body["status"], body["database"]) == (200, "ok", "ok")


async def test_health_fails_when_the_tick_stopped_or_the_database_went_quiet(stub, bot, clock):
    scheduler, db = bot.app.bot_data["scheduler"], bot.app.bot_data["database"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)
    assert (await healthz(bot))[0] == 200

    clock.advance(timedelta(hours=3, seconds=1))  # three ticks of 3600 s missed
    status, body = await healthz(bot)
    assert (status, body["status"], body["database"]) == (503, "unhealthy", "ok")

    await scheduler.tick()
    assert (await healthz(bot))[0] == 200
    db.answered_at -= 3 * 3600 + 1  # no read done for three ticks' time
    status, body = await healthz(bot)
    assert status == 503 and body["database"].startswith("no answer for")


# --- refused posts in the log ----------------------------------------------------------


async def test_refused_posts_are_logged_once_a_minute_with_a_count(stub, bot, monotonic, caplog):
    caplog.set_level(logging.WARNING, logger="bot.run")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name.startswith("bot.run")]

    stub.add_user(MALLORY)
    assert (await stub.webhook.post(command(ANNA, ANNA, "/start", 1), "wrong")).status == 403
    assert lines() == ["webhook: refused 1 post in the last minute (wrong secret: 1)"]

    for update_id in range(2, 36):
        await stub.webhook.post(command(ANNA, ANNA, "/start", update_id), "wrong")
    for update_id in (36, 37):
        await stub.webhook.post(command(ANNA, MALLORY, "/start", update_id), WEBHOOK_SECRET)
    assert len(lines()) == 1

    monotonic.now += 61
    await stub.webhook.post(command(ANNA, ANNA, "/start", 38), "wrong")
    assert lines()[1:] == [
        "webhook: refused 37 posts in the last minute (wrong secret: 35, forged chat: 2);"
        f" the last forged one: from user {ANNA} in chat {MALLORY}"
    ]

    await stub.webhook.post(command(ANNA, ANNA, "/start", 39), "wrong")
    await bot.stop()  # what is still counted is written out at the stop
    assert lines()[2:] == ["webhook: refused 1 post in the last minute (wrong secret: 1)"]
    await bot.start()  # the fixture stops it again
