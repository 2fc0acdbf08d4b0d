"""The broadcast pacer against real HTTP: what is retried, what never is, and the pace."""

from __future__ import annotations

import socket
import time

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery.broadcaster import Broadcaster, Sent
from tests.harness import TOKEN


def text(html: str):
    async def compose():
        return html, None

    return compose


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def stub_bot(stub):
    bot = Bot(TOKEN, base_url=f"{stub.base_url}/bot", request=HTTPXRequest(read_timeout=0.5))
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def test_a_refused_connection_never_reached_telegram_and_is_retried():
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{closed_port()}/bot")
    naps: list[float] = []

    async def nap(seconds: float) -> None:
        naps.append(seconds)

    result = await Broadcaster(bot, rate=1000, sleep=nap).send(1, text("x"))
    assert result.sent is Sent.NOT_SENT and result.detail == "gave up after retries"
    backoffs = [n for n in naps if n in (0.5, 1.0, 2.0, 4.0, 8.0)]
    assert backoffs == [0.5, 1.0, 2.0, 4.0, 8.0], "retried with growing backoff"


async def test_a_read_timeout_may_have_delivered_and_is_not_retried(stub, stub_bot):
    stub.add_user(7)
    stub.set_latency("sendMessage", 1.5)
    result = await Broadcaster(stub_bot, rate=1000).send(7, text("x"))
    assert result.sent is Sent.UNCERTAIN
    assert len(stub.calls_of("sendMessage")) == 1


async def test_a_bad_gateway_is_not_retried_and_a_block_is_reported(stub, stub_bot):
    stub.add_user(7)
    stub.add_user(8)
    stub.fail_next("sendMessage", status=502, description="Bad Gateway")
    assert (await Broadcaster(stub_bot, rate=1000).send(7, text("x"))).sent is Sent.UNCERTAIN
    stub.block(8)
    assert (await Broadcaster(stub_bot, rate=1000).send(8, text("x"))).sent is Sent.BLOCKED
    assert len(stub.calls_of("sendMessage")) == 2


async def test_the_pace_holds_the_configured_rate(stub, stub_bot):
    for user in range(20):
        stub.add_user(100 + user)
    broadcaster = Broadcaster(stub_bot, rate=40)
    started = time.monotonic()
    for user in range(20):
        assert (await broadcaster.send(100 + user, text("x"))).sent is Sent.OK
    # uvloop's timers may fire up to a millisecond before `time.monotonic` says they are due
    assert time.monotonic() - started >= 19 / 40 - 0.005


async def test_one_chat_gets_at_most_one_message_a_second(stub, stub_bot):
    stub.add_user(9)
    broadcaster = Broadcaster(stub_bot, rate=1000)
    for _ in range(3):
        await broadcaster.send(9, text("x"))
    arrivals = [c.at for c in stub.calls if c.method == "sendMessage"]
    assert arrivals[2] - arrivals[0] >= 2 * 0.99
