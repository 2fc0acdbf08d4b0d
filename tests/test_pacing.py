"""Telegram's limits as they are: per-chat pacing for everything, a global rate only for
broadcasts, and a 429 that pauses only what it concerns."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.delivery.pacing import CHAT_LIMIT, ChatPacer
from tests.db import seed_subscription, seed_user, seeding
from tests.harness import Clock, Person, RunningBot, is_card


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_a_chat_gets_a_short_burst_then_one_send_a_second():
    time = FakeTime()
    pacer = ChatPacer(private_rate=1.0, burst=3, monotonic=time, sleep=time.sleep)
    moments = []
    for _ in range(6):
        await pacer.acquire(7)
        moments.append(round(time.now, 2))
    assert moments == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]
    await pacer.acquire(8)
    assert time.now == 3.0, "another chat has its own budget"


async def test_a_429_pauses_that_chat_alone():
    time = FakeTime()
    pacer = ChatPacer(private_rate=0.0, monotonic=time, sleep=time.sleep)
    pacer.pause(7, 5.0)
    await pacer.acquire(8)
    assert time.now == 0.0
    await pacer.acquire(7)
    assert time.now >= 5.0


async def test_a_broadcast_lets_a_waiting_reply_to_the_same_chat_go_first():
    pacer = ChatPacer(private_rate=1.0, burst=1)
    await pacer.acquire(7)  # the bucket is empty now
    order: list[str] = []

    async def send(kind: str, reply: bool) -> None:
        await pacer.acquire(7, reply=reply)
        order.append(kind)

    await asyncio.gather(send("tip", False), send("reply", True))
    assert order == ["reply", "tip"]


async def test_buckets_of_chats_long_quiet_are_forgotten():
    time = FakeTime()
    pacer = ChatPacer(private_rate=1.0, monotonic=time, sleep=time.sleep)
    for chat in range(CHAT_LIMIT * 2):
        await pacer.acquire(chat + 1)
        time.now += 0.01
    assert len(pacer._buckets) <= CHAT_LIMIT


async def test_a_hundred_people_pressing_at_once_are_answered_without_a_global_queue(stub, db_path):
    """With PTB's stock limiter (30/s overall) the last of 100 edits would wait 3.3 s."""
    bot = RunningBot(stub, db_path, Clock(), chat_rate=1.0)
    await bot.start()
    try:
        people = [Person(stub, 7000 + n) for n in range(100)]
        for person in people:
            await stub.send_text(person.id, "/call")

        def everyone_has_a_card() -> bool:
            return all(any(is_card(m) for m in person.messages) for person in people)

        await stub.wait_for(everyone_has_a_card, timeout=30)
        stub.set_latency("editMessageText", 2.0)  # every edit stays on the wire for 2 s
        queries = [
            await stub.press_button(person.id, "Слушаю клиента", message_id=person.card.message_id)
            for person in people
        ]
        for query in queries:
            await stub.wait_for_answer(query, timeout=30)

        def edits() -> list:
            return [c for c in stub.calls if c.method == "editMessageText" and c.status]

        await stub.wait_for(lambda: len(edits()) == 100, timeout=30)
        assert all(call.status == 200 for call in edits())
        # A global 30/s limiter lets at most ~60 edits start within 2 s; here they all
        # start before the first one is answered, whatever the machine's speed.
        first_answered = min(c.answered_at for c in edits())
        assert sum(c.at < first_answered for c in edits()) >= 80
        assert all(person.card.text.startswith("1/5") for person in people)
    finally:
        await bot.stop()


async def test_a_429_on_one_chat_delays_only_that_chat(stub, db_path):
    bot = RunningBot(stub, db_path, Clock(), chat_rate=1.0)
    await bot.start()
    try:
        slow, quick = Person(stub, 7201), Person(stub, 7202)
        for person in (slow, quick):
            await person.types("/call")
        stub.fail_next(
            "editMessageText",
            status=429,
            description="Too Many Requests: retry after 2",
            retry_after=2,
            chat_id=slow.id,
        )
        await slow.taps("Слушаю клиента")
        refused_at = next(c.at for c in stub.calls if c.status == 429)
        assert "Клиент высказался ▶" not in slow.labels(), "not shown yet; no error card either"
        assert not [m for m in slow.messages if "Что-то пошло не так" in m.text]
        await quick.taps("Слушаю клиента")
        assert "Клиент высказался ▶" in quick.labels()
        await slow.taps("Слушаю клиента")  # the next press catches the card up, after the pause
        await stub.wait_for(lambda: "Клиент высказался ▶" in slow.labels(), timeout=10)
        slow_edits = [
            c
            for c in stub.calls
            if c.method == "editMessageText" and c.params.get("chat_id") in (slow.id, str(slow.id))
        ]
        assert slow_edits[-1].at - refused_at >= 1.9
    finally:
        await bot.stop()


async def test_a_broadcast_429_pauses_the_broadcast_but_not_the_replies(stub, db_path):
    now = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # 09:00 in Moscow
    subscribers = range(7300, 7306)
    async with seeding(db_path) as tx:
        for user_id in subscribers:
            stub.add_user(user_id)
            await seed_user(tx, user_id, now)
            await seed_subscription(tx, user_id, "09:00", now)
    bot = RunningBot(stub, db_path, Clock(now), chat_rate=1.0)
    await bot.start()
    try:
        caller = Person(stub, 7399)
        await caller.types("/call")
        stub.fail_next(
            "sendMessage", status=429, description="Too Many Requests: retry after 3", retry_after=3
        )
        scheduler = bot.app.bot_data["scheduler"]
        await scheduler.tick()
        await stub.wait_for(lambda: any(c.status == 429 for c in stub.calls))  # paused now
        await caller.taps("Слушаю клиента")
        answered_at = max(c.at for c in stub.calls if c.method == "editMessageText")
        await scheduler.drain()
        tips = [
            c
            for c in stub.calls
            if c.method == "sendMessage" and c.status == 200 and "Совет дня" in str(c.params)
        ]
        assert len(tips) == len(subscribers)
        assert answered_at < min(c.at for c in tips), "the reply did not wait for the broadcast"
    finally:
        await bot.stop()
