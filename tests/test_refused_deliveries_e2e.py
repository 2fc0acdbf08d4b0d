"""A scheduled message Telegram refuses (a 400) is recorded as refused, never as delivered:
the daily tip's delivery says so, the promise reminder shows in /history as not
delivered, and the log says why at warning level."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from tests.db import rows, seed_overdue_follow_up, seed_subscription, seed_user, seeding
from tests.harness import Clock, Person, RunningBot, tick

CHAT_NOT_FOUND = "Bad Request: chat not found"
NOW = datetime(2026, 11, 23, 6, 0, 30, tzinfo=UTC)  # 09:00 in Moscow


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


async def test_a_refused_daily_tip_is_recorded_as_refused(
    stub, db_path, clock, caplog: pytest.LogCaptureFixture
):
    stub.add_user(61_001)
    async with seeding(db_path) as tx:
        await seed_user(tx, 61_001, NOW - timedelta(days=2), "ru", "Europe/Moscow")
        await seed_subscription(tx, 61_001, "09:00", NOW)
    bot = RunningBot(stub, db_path, clock)
    await bot.start()
    try:
        stub.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND, chat_id=61_001)
        with caplog.at_level(logging.WARNING):
            await tick(bot, stub)
    finally:
        await bot.stop()
    (delivery,) = rows(db_path, "SELECT status, detail FROM deliveries WHERE user_id = 61001")
    assert (delivery["status"], delivery["detail"]) == ("failed", "Chat not found")
    assert any("refused" in r.message and r.levelno == logging.WARNING for r in caplog.records)


async def test_a_refused_reminder_shows_in_the_journal_as_not_delivered(
    stub, db_path, clock, caplog: pytest.LogCaptureFixture
):
    await seed_overdue_follow_up(stub, db_path, NOW, 61_002, "Europe/Moscow")
    bot = RunningBot(stub, db_path, clock)
    await bot.start()
    try:
        stub.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND, chat_id=61_002)
        with caplog.at_level(logging.WARNING):
            await tick(bot, stub)
        (reminder,) = rows(db_path, "SELECT status FROM reminders WHERE user_id = 61002")
        assert reminder["status"] == "failed", "refused, not taken for delivered"
        assert any("Chat not found" in r.getMessage() for r in caplog.records)
        olga = Person(stub, 61_002)
        await olga.types("/history")
        assert "напоминание не доставлено" in olga.last.text
    finally:
        await bot.stop()
