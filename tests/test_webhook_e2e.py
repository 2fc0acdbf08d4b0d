"""Webhook mode end to end: the bot's own server, registered with the stand-in Bot API,
which posts every update to it with the secret header (and refuses getUpdates meanwhile).

The coach's walks are the very ones of `test_call_e2e`, run again here against a bot in
webhook mode: the `bot` fixture below replaces the polling one for them.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

import aiohttp
import pytest

from bot.counters import Counters
from tests.harness import (
    TOKEN,
    WEBHOOK_SECRET,
    BotProcess,
    Person,
    RunningBot,
    WebhookBot,
    free_port,
)
from tests.stub_api.webhook import Post
from tests.test_call_e2e import (  # noqa: F401  collected here, run in webhook mode
    test_a_double_tap_is_one_step,
    test_a_kazakh_user_walks_the_whole_coach,
    test_a_russian_user_walks_the_whole_coach_with_a_flare_up,
    test_switching_language_mid_call_redraws_the_card_and_the_menus,
)


@pytest.fixture
async def bot(stub, db_path, clock):
    running = WebhookBot(stub, db_path, clock)
    await running.start()
    yield running
    await running.stop()


async def get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


async def test_updates_arrive_as_posts_with_the_secret_and_never_by_polling(stub, bot):
    (registered,) = stub.calls_of("setWebhook")
    assert registered["url"] == bot.webhook.url and registered["secret_token"] == WEBHOOK_SECRET
    assert "callback_query" in registered["allowed_updates"]

    await Person(stub, 301).types("/start")
    assert "Здравствуйте" in stub.messages(301)[0].text
    assert stub.webhook.posts and all(post.status == 200 for post in stub.webhook.posts)
    assert stub.calls_of("getUpdates") == []


@pytest.mark.parametrize("secret", [None, "", "wrong", WEBHOOK_SECRET + "x"])
async def test_a_post_without_the_right_secret_is_refused_and_not_handled(stub, bot, secret):
    stub.add_user(302)
    assert await stub.webhook.post(_start(302, 998), secret) == Post(998, 403)
    await stub.wait_idle()
    assert stub.messages(302) == []
    assert bot.app.bot_data["counters"].updates == 0

    assert await stub.webhook.post(_start(302, 999), WEBHOOK_SECRET) == Post(999, 200)
    await stub.wait_for(lambda: len(stub.messages(302)) > 0)  # the same post, with the secret


@pytest.mark.parametrize(
    "body",
    [
        "{",  # no JSON
        "[1]",  # JSON, not an object
        '{"update_id": 7, "message": {"text": "hi"}}',  # an object PTB can't read (no date)
    ],
)
async def test_a_post_that_is_no_update_is_taken_logged_and_skipped(stub, bot, body, caplog):
    """Any non-2xx makes Telegram post the same update again for about a day, holding the
    person's later updates behind it: a post that can't be read is answered 200 and counted
    (logged with the minute's other refusals). Without the secret it is still 403: that
    post is not Telegram's."""
    with caplog.at_level(logging.WARNING, logger="bot.run"):
        assert await post_raw(bot.webhook.url, body, secret="wrong") == 403
        assert await post_raw(bot.webhook.url, body, secret=WEBHOOK_SECRET) == 200
        bot.runner.refusals.flush()
    (record,) = [r for r in caplog.records if "no update: 1" in r.getMessage()]
    assert record.levelno == logging.WARNING
    logged = caplog.text
    assert WEBHOOK_SECRET not in logged and TOKEN.rpartition(":")[2] not in logged
    assert bot.app.bot_data["counters"].updates == 0

    await Person(stub, 306).types("/start")  # the next update is served as usual
    assert "Здравствуйте" in stub.messages(306)[0].text


async def post_raw(url: str, body: str, secret: str) -> int:
    async with aiohttp.ClientSession() as session:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with session.post(url, data=body, headers=headers) as response:
            return response.status


async def test_a_429_on_set_webhook_is_waited_out_and_the_bot_serves(stub, db_path, clock):
    """setWebhook takes about one call a second per bot: instances starting together get
    429 retry_after 1, and each tries again after it instead of stopping."""
    stub.fail_next(
        "setWebhook", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    running = WebhookBot(stub, db_path, clock)
    try:
        await running.start()
        refused, registered = [c for c in stub.calls if c.method == "setWebhook"]
        assert (refused.status, registered.status) == (429, 200)
        assert refused.answered_at is not None
        # retry_after honoured; uvloop's timers may fire up to a millisecond early
        assert registered.at >= refused.answered_at + 1 - 0.005
        await Person(stub, 307).types("/start")
        assert "Здравствуйте" in stub.messages(307)[0].text
    finally:
        await running.stop()


async def test_health_is_ok_after_a_tick_and_fails_when_the_tick_is_stale(stub, bot, clock):
    scheduler = bot.app.bot_data["scheduler"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)  # the first tick, at 1 s
    status, body = await get(f"{bot.base_url}/healthz")
    assert status == 200 and body["status"] == "ok" and body["database"] == "ok"

    clock.advance(timedelta(hours=3, seconds=1))  # three intervals of 3600 s without a tick
    status, body = await get(f"{bot.base_url}/healthz")
    assert status == 503 and body["database"] == "ok"

    await scheduler.tick()
    assert (await get(f"{bot.base_url}/healthz"))[0] == 200


async def test_health_fails_when_the_database_does_not_answer(stub, bot):
    scheduler = bot.app.bot_data["scheduler"]
    await stub.wait_for(lambda: scheduler.last_tick is not None)
    await bot.app.bot_data["database"].close()
    status, body = await get(f"{bot.base_url}/healthz")
    assert status == 503 and body["status"] == "unhealthy"
    assert "not open" in body["database"]


async def test_back_to_polling_the_webhook_is_removed_and_updates_are_fetched(
    stub, bot, db_path, clock
):
    await bot.stop()
    polling = RunningBot(stub, db_path, clock)
    await polling.start()
    try:
        await Person(stub, 303).types("/start")
        assert "Здравствуйте" in stub.messages(303)[0].text
        assert stub.state.webhook_url == ""
    finally:
        await polling.stop()
        await bot.start()  # the fixture stops it again


@pytest.mark.parametrize("mode", [RunningBot, WebhookBot])
async def test_the_figures_line_counts_updates_errors_and_tips(stub, db_path, clock, mode, caplog):
    running = mode(stub, db_path, clock)
    await running.start()
    try:
        await Person(stub, 304).types("/start")
        await Person(stub, 304).types("/tip")
        stub.fail_next("sendMessage", status=500, description="Internal Server Error")
        await Person(stub, 304).types("/help")
        counters: Counters = running.app.bot_data["counters"]
        with caplog.at_level(logging.INFO, logger="bot.counters"):
            await counters.report(None)  # the job's callback, as the job queue calls it
    finally:
        await running.stop()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bot.counters"]
    assert line == (
        "figures: updates handled 3 (+3), errors 1 (+1), followups sent 0 (+0), tips sent 0 (+0)"
    )


def _start(user_id: int, update_id: int) -> dict:
    """`/start` from *user_id* as Telegram would post it."""
    person = {"id": user_id, "is_bot": False, "first_name": "Eve"}
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": user_id, "type": "private", "first_name": "Eve"},
        "from": person,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return {"update_id": update_id, "message": message}


async def test_the_installed_command_serves_the_webhook_and_stops_gracefully_on_sigterm(
    stub, db_path
):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = {
        "COACH_WEBHOOK_URL": url,
        "COACH_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "COACH_WEBHOOK_LISTEN": "127.0.0.1",
        "COACH_WEBHOOK_PORT": str(port),
        "COACH_TICK_SECONDS": "1",
    }
    process = BotProcess(stub, db_path, env)
    await process.start()
    try:
        await stub.wait_for(lambda: stub.state.webhook_url == url, timeout=30)
        await Person(stub, 305).types("/start")
        assert "Здравствуйте" in stub.messages(305)[0].text
        for _ in range(50):  # the first tick runs 1 s after the start
            status, body = await get(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                break
            await asyncio.sleep(0.1)
        assert status == 200, body
    finally:
        assert process.process is not None
        process.process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.process.communicate(), 20)
    assert process.process.returncode == 0, output.decode()
    assert "webhook: stopping" in output.decode()


async def test_a_webhook_url_without_a_secret_stops_the_start_with_one_line(stub, db_path):
    process = BotProcess(stub, db_path, {"COACH_WEBHOOK_URL": "https://coach.example.com/t"})
    await process.start()
    assert process.process is not None
    output, _ = await asyncio.wait_for(process.process.communicate(), 20)
    assert process.process.returncode == 2
    assert "COACH_WEBHOOK_SECRET is required with COACH_WEBHOOK_URL" in output.decode()
