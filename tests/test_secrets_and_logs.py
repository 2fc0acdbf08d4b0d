"""No secret or personal text where it does not belong: the bot token never reaches the
database or an export, even when an error quotes the request URL; the log holds no typed
text, name or secret at any level, DEBUG included; the bot asks Telegram only for the
updates it handles."""

from __future__ import annotations

import asyncio
import json
import signal
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from bot.adapter.aiohttp_request import AiohttpRequest
from bot.delivery.broadcaster import Broadcaster, Sent
from bot.logs import masked
from tests.db import rows, seed_subscription, seed_user, seeding
from tests.harness import TOKEN, WEBHOOK_SECRET, BotProcess, Clock, Person, RunningBot, free_port
from tests.test_journal_e2e import walk_a_call
from tests.test_privacy_e2e import document

NOW = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # 09:00 in Moscow
TOKEN_SECRET = TOKEN.rpartition(":")[2]
COMPLAINT = "Клиент Иванов кричит: счёт-фактура 4471 неверна"
PROMISE = "Перезвоню Иванову в пятницу"
LABEL = "ООО Ромашка-Секрет"
FIRST_NAME = "Зарина-Тайная"


def holds_a_secret(text: str) -> bool:
    return TOKEN_SECRET in text or "bot123456:" in text or WEBHOOK_SECRET in text


@pytest.mark.parametrize(
    "text",
    [
        f"aiohttp.ClientResponseError: 400, url='http://127.0.0.1:1/bot{TOKEN}/sendMessage'",
        f"Bad Gateway: upstream https://api.telegram.org/bot{TOKEN}/sendMessage failed",
        f"bot{TOKEN} quoted without its URL",
        "a bare 7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9 of Telegram's shape",
    ],
)
def test_masked_leaves_neither_the_url_nor_the_token(text):
    shown = masked(text)
    assert not holds_a_secret(shown) and "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9" not in shown
    assert "://" not in shown


async def test_a_malformed_answer_leaves_no_token_in_the_delivery_s_detail():
    """The audit's reproduction: a server answering a broken status line. aiohttp's error
    quotes the request URL, and with it the token."""

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 2xx\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest())
    try:
        result = await Broadcaster(bot, rate=1000).send(5, compose_hello)
    finally:
        await bot.shutdown()
        server.close()
    assert result.sent in (Sent.UNCERTAIN, Sent.FAILED) and result.detail
    assert not holds_a_secret(result.detail), result.detail


async def compose_hello():
    return "hello", None


async def test_an_error_quoting_the_url_reaches_neither_the_database_nor_the_export(stub, db_path):
    """A proxy or a self-hosted Bot API answers a daily tip with an error that quotes the
    request URL; PTB's error text carries it into the delivery's detail."""
    stub.add_user(62_001)
    async with seeding(db_path) as tx:
        await seed_user(tx, 62_001, NOW - timedelta(days=2), "ru", "Europe/Moscow")
        await seed_subscription(tx, 62_001, "09:00", NOW)
    quoting = f"Bad Gateway: upstream {stub.base_url}/bot{TOKEN}/sendMessage did not answer"
    bot = RunningBot(stub, db_path, Clock(NOW))
    await bot.start()
    try:
        stub.fail_next("sendMessage", status=502, description=quoting, chat_id=62_001)
        scheduler = bot.app.bot_data["scheduler"]
        await scheduler.tick()
        await scheduler.drain()
        await stub.wait_idle()
        (delivery,) = rows(db_path, "SELECT status, detail FROM deliveries WHERE user_id = 62001")
        assert delivery["status"] == "uncertain" and delivery["detail"]
        assert not holds_a_secret(delivery["detail"]), delivery["detail"]
        person = Person(stub, 62_001)
        await person.types("/export")
        exported = document(stub, person, "coach-data.json").decode()
        assert json.loads(exported)["tables"]["deliveries"], "the row is exported, masked"
        assert not holds_a_secret(exported)
    finally:
        await bot.stop()


async def test_an_old_unmasked_detail_is_masked_in_the_export(stub, db_path):
    """A row stored before details were masked still never shows the token."""
    stub.add_user(62_002)
    async with seeding(db_path) as tx:
        await seed_user(tx, 62_002, NOW - timedelta(days=2), "ru", "Europe/Moscow")
        await tx.execute(
            """INSERT INTO deliveries (user_id, kind, key, claimed_at, status, detail)
               VALUES (62002, 'daily', '2026-11-22', '2026-11-22T06:00:00', 'uncertain', ?)""",
            (f"aiohttp.ClientResponseError: url='{stub.base_url}/bot{TOKEN}/sendMessage'",),
        )
    bot = RunningBot(stub, db_path, Clock(NOW))
    await bot.start()
    try:
        person = Person(stub, 62_002)
        await person.types("/export")
        assert not holds_a_secret(document(stub, person, "coach-data.json").decode())
    finally:
        await bot.stop()


def webhook_env(stub, port: int) -> dict[str, str]:
    return {
        "TELEGRAM_API_BASE_URL": f"{stub.base_url}/bot",
        "COACH_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
        "COACH_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "COACH_WEBHOOK_LISTEN": "127.0.0.1",
        "COACH_WEBHOOK_PORT": str(port),
    }


async def stop(process: BotProcess) -> str:
    assert process.process is not None
    process.process.send_signal(signal.SIGTERM)
    output, _ = await asyncio.wait_for(process.process.communicate(), 20)
    return output.decode()


async def test_a_whole_walk_at_debug_logs_no_typed_text_name_or_secret(stub, db_path):
    """PTB logs every request's parameters at DEBUG (the texts sent, setWebhook's secret)
    and every update (what people typed, their names): the log holds none of them."""
    port = free_port()
    env = {**webhook_env(stub, port), "COACH_LOG_LEVEL": "DEBUG"}
    process = BotProcess(stub, db_path, env)
    await process.start()
    try:
        await stub.wait_for(lambda: stub.state.webhook_url is not None, timeout=30)
        zarina = Person(stub, 62_003)
        await stub.send_text(zarina.id, "/start", first_name=FIRST_NAME)
        await stub.wait_for(lambda: len(zarina.messages) > 0)
        await stub.wait_idle()
        await walk_a_call(zarina, COMPLAINT, PROMISE)
        await zarina.types(LABEL)
        await zarina.types("/history")
        assert COMPLAINT in " ".join(m.text for m in zarina.messages), "the walk went through"
    finally:
        output = await stop(process)
    assert "starting the Telegram bot (webhook)" in output, output
    for private in (COMPLAINT, PROMISE, LABEL, FIRST_NAME, WEBHOOK_SECRET, TOKEN_SECRET):
        assert private not in output, f"{private!r} is in the log:\n{output}"


async def test_polling_asks_only_for_the_updates_the_bot_handles(stub, db_path):
    """Not `ALL_TYPES`: a Business account's client chats, reactions and the like would be
    delivered to the bot, unused. Also at DEBUG: the person's name stays out of the log."""
    process = BotProcess(stub, db_path, {"COACH_LOG_LEVEL": "DEBUG"})
    await process.start()
    try:
        await stub.wait_for(lambda: stub.calls_of("getUpdates"), timeout=30)
        await stub.send_text(62_004, "/start", first_name=FIRST_NAME)
        await stub.wait_for(lambda: len(stub.messages(62_004)) > 0)
        await stub.wait_idle()
        polls = stub.calls_of("getUpdates")
    finally:
        output = await stop(process)
    wanted = {"message", "callback_query", "inline_query", "my_chat_member"}
    assert all(set(poll["allowed_updates"]) == wanted for poll in polls), polls[0]
    assert FIRST_NAME not in output and TOKEN_SECRET not in output, output
