"""The shared parts every feature stands on: button data, configuration, the database's
consistency and the limits that keep it from growing without bound."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config, ConfigError
from bot.content.callback_data import ButtonData, decode
from bot.database.connection import Database
from bot.delivery import claims
from bot.recent import Recent
from bot.tips import history
from tests.db import rows, seed_user, seeding

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_every_button_round_trips_through_one_codec():
    for data in (ButtonData("c", 12, "heard"), ButtonData("go", 0, "s.scope_creep.1")):
        assert decode(data.encode()) == data


@pytest.mark.parametrize(
    "forged",
    [
        "c:²:x",  # a digit to str.isdigit, not to int()
        "c:١٢:x",
        "c:1",
        "c:",
        "",
        None,
        "x" * 65,
        "c:1:" + "x" * 61,
        "c:99999999999999999999:x",
        "C:1:x",
        "c:1:<b>",
        "c:1:héllo",
        "c:-1:x",
    ],
)
def test_forged_or_truncated_button_data_is_refused_quietly(forged):
    assert decode(forged) is None


def test_a_button_that_would_break_telegram_s_limit_is_refused_when_drawn():
    with pytest.raises(ValueError):
        ButtonData("c", 1, "x" * 60).encode()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("COACH_BROADCAST_RATE", "0"),
        ("COACH_BROADCAST_RATE", "fast"),
        ("COACH_BROADCAST_RATE", "nan"),
        ("COACH_TICK_SECONDS", "-1"),
        ("COACH_ADMIN_IDS", "12,abc"),
        ("COACH_ADMIN_IDS", "1_000"),  # int() would take each of these
        ("COACH_ADMIN_IDS", "+7"),
        ("COACH_ADMIN_IDS", "-5"),
        ("COACH_ADMIN_IDS", "１２"),
        ("COACH_ALLOWED_USERS", "7,me"),
        ("COACH_ALLOWED_CHAT", "@team"),
        ("COACH_RETENTION_DAYS", "0"),
        ("COACH_LOG_LEVEL", "LOUD"),
    ],
)
def test_a_bad_setting_stops_the_start_with_one_line_naming_it(name, value):
    with pytest.raises(ConfigError) as error:
        Config.from_env({name: value})
    assert str(error.value).startswith(f"{name}={value!r} is not valid: expected ")
    assert "\n" not in str(error.value)


def test_good_settings_are_read():
    config = Config.from_env({"COACH_ADMIN_IDS": "1, 2", "COACH_BROADCAST_RATE": "12.5"})
    assert config.admin_ids == frozenset({1, 2}) and config.broadcast_rate == 12.5
    gated = Config.from_env(
        {
            "COACH_ALLOWED_USERS": "5, 6",
            "COACH_ALLOWED_CHAT": "-1001234567890",
            "COACH_RETENTION_DAYS": "90",
        }
    )
    assert (gated.allowed_users, gated.allowed_chat) == (frozenset({5, 6}), -1001234567890)
    assert gated.retention_days == 90 and Config.from_env({}).retention_days is None


@pytest.mark.parametrize("secret", ["q", "x" * 31, "y" * 40 + "!"])
def test_a_webhook_secret_too_short_or_outside_telegram_s_alphabet_stops_the_start(secret):
    env = {"COACH_WEBHOOK_URL": "https://coach.example.com/t", "COACH_WEBHOOK_SECRET": secret}
    with pytest.raises(ConfigError) as error:
        Config.from_env(env)
    assert "COACH_WEBHOOK_SECRET is not valid: expected 32 to 256" in str(error.value)
    assert secret not in str(error.value), "a secret is never quoted"


def test_the_webhook_server_listens_on_loopback_unless_told_otherwise():
    env = {"COACH_WEBHOOK_URL": "https://coach.example.com/t", "COACH_WEBHOOK_SECRET": "s" * 32}
    assert Config.from_env(env).webhook.listen == "127.0.0.1"
    public = {**env, "COACH_WEBHOOK_LISTEN": "0.0.0.0"}
    assert Config.from_env(public).webhook.listen == "0.0.0.0"


async def test_a_read_never_sees_another_coroutine_s_uncommitted_write(db_path):
    db = await Database(db_path).open()
    async with seeding(db_path) as tx:
        await seed_user(tx, 1, NOW)
    writing, seen = asyncio.Event(), []

    async def writer() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("UPDATE users SET first_name = 'half' WHERE user_id = 1")
                writing.set()
                await asyncio.sleep(0.05)
                raise RuntimeError("the step failed half-way")

    async def reader() -> None:
        await writing.wait()
        async with db.read() as tx:
            seen.append((await tx.one("SELECT first_name FROM users"))["first_name"])

    await asyncio.gather(writer(), reader())
    await db.close()
    assert seen == ["T"]


async def test_old_claims_are_pruned_and_fresh_ones_kept(db_path):
    async with seeding(db_path) as tx:
        await seed_user(tx, 1, NOW)
        old = await claims.claim(tx, 1, "tip", "2026-10-01", NOW - timedelta(days=30))
        fresh = await claims.claim(tx, 1, "tip", "2026-11-23", NOW)
        await claims.finish(tx, old, "sent")
        await claims.finish(tx, fresh, "sent")
        assert await claims.prune(tx, NOW) == 1
    assert rows(db_path, "SELECT key FROM deliveries") == [{"key": "2026-11-23"}]


async def test_tip_history_keeps_two_cycles_and_takes_a_duplicate_quietly(db_path):
    async with seeding(db_path) as tx:
        await seed_user(tx, 1, NOW)
        for cycle in range(1, 6):
            for tip in ("t1", "t2", "t1"):
                await history.record_tip(tx, 1, tip, cycle, NOW, "daily")
    assert rows(db_path, "SELECT DISTINCT cycle FROM tip_history ORDER BY cycle") == [
        {"cycle": 4},
        {"cycle": 5},
    ]


def test_what_is_remembered_per_person_stays_bounded_and_keeps_the_newest():
    recent: Recent[int, str] = Recent(2)
    for person, lang in ((1, "ru"), (2, "kk"), (1, "kk"), (3, "ru")):
        recent.put(person, lang)
    assert (recent.get(1), recent.get(2), recent.get(3)) == ("kk", None, "ru")
