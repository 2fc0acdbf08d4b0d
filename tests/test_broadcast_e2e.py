"""A thousand tips in one minute, a SIGKILL mid-broadcast, a reminder due during downtime."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from tests.db import rows, seed_overdue_follow_up, seed_subscription, seed_user, seeding
from tests.harness import BotProcess, Clock, RunningBot

USERS = range(10_000, 11_000)
TIP_HEADERS = ("💡 Совет дня", "💡 Күннің кеңесі")


def noon_zone(now: datetime) -> tuple[str, str]:
    """A fixed zone where it is about noon now, so the test never runs across a midnight."""
    hours = (12 - now.hour + 12) % 24 - 12
    return f"UTC{'+' if hours >= 0 else '-'}{abs(hours):02}:00", "12:00"


async def seed_subscribers(stub, db_path, now: datetime) -> None:
    zone_name, local_time = noon_zone(now)
    async with seeding(db_path) as tx:
        for user_id in USERS:
            language = "kk" if user_id % 2 else "ru"
            stub.add_user(user_id, language_code=language)
            await seed_user(tx, user_id, now, language, zone_name)
            await seed_subscription(tx, user_id, local_time, now)


def tips_by_user(stub) -> Counter[int]:
    return Counter(
        call.params["chat_id"]
        for call in stub.calls
        if call.method == "sendMessage"
        and call.status == 200
        and str(call.params.get("text", "")).replace("<b>", "").startswith(TIP_HEADERS)
    )


async def delivery_statuses(db_path) -> dict[int, str]:
    found = rows(db_path, "SELECT user_id, status FROM deliveries WHERE kind = 'tip'")
    return {row["user_id"]: row["status"] for row in found}


async def test_a_thousand_users_due_in_the_same_minute_each_get_exactly_one_tip(stub, db_path):
    now = datetime.now(UTC).replace(second=30, microsecond=0)
    await seed_subscribers(stub, db_path, now)
    bot = RunningBot(stub, db_path, Clock(now), broadcast_rate=500)
    await bot.start()
    try:
        scheduler = bot.app.bot_data["scheduler"]
        await scheduler.tick()
        await scheduler.tick()  # while the first is still sending: nobody twice
        await scheduler.drain()
    finally:
        await bot.stop()
    sent = tips_by_user(stub)
    assert set(sent) == set(USERS) and max(sent.values()) == 1


async def test_a_kill_in_the_middle_of_a_broadcast_sends_no_tip_twice(stub, db_path):
    now = datetime.now(UTC)
    await seed_subscribers(stub, db_path, now)
    latecomer = await seed_overdue_follow_up(stub, db_path, now)
    env = {"COACH_TICK_SECONDS": "1", "COACH_BROADCAST_RATE": "150"}
    process = BotProcess(stub, db_path, env)
    await process.start()
    await stub.wait_for(lambda: sum(tips_by_user(stub).values()) >= 300, timeout=60)
    await process.kill()
    before_restart = tips_by_user(stub)
    assert len(before_restart) < len(USERS), "the kill came in the middle of the broadcast"

    claimed_at_kill = {u for u, s in (await delivery_statuses(db_path)).items() if s == "claimed"}
    in_flight_at_kill = claimed_at_kill - set(before_restart)
    process = BotProcess(stub, db_path, env)
    await process.start()

    async def settled() -> bool:
        statuses = await delivery_statuses(db_path)
        unfinished = {u for u, s in statuses.items() if s == "claimed"} - claimed_at_kill
        return len(statuses) == len(USERS) and not unfinished

    deadline = asyncio.get_running_loop().time() + 90
    while not await settled():
        assert asyncio.get_running_loop().time() < deadline, "the broadcast did not finish"
        await asyncio.sleep(0.2)
    await stub.wait_for(lambda: bool(stub.messages(latecomer)), timeout=10)
    output = await process.terminate()

    sent = tips_by_user(stub)
    assert max(sent.values()) == 1, "no user got two tips"
    assert len(in_flight_at_kill) <= 10, "only what was on the wire can be lost"
    assert set(USERS) - set(sent) <= in_flight_at_kill, "everyone not in flight got theirs"
    reminder = stub.last_message(latecomer)
    assert reminder.text.startswith("⏰ Пора проверить обещание"), output[-2000:]
    assert "«поднимем к утру»" in reminder.text
