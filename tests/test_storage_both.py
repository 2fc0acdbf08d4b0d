"""The storage that matters, on SQLite and on a real PostgreSQL started by the tests: the
migrations, a dialog's compare-and-set, claims, what is due, `/forget` and `/export`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Assembly, assemble
from bot.config import Config
from bot.database.connection import unavailable
from bot.database.dialogs import Conflict, load_dialog, save_dialog
from bot.database.postgres import PostgresDatabase
from bot.database.users import load_user
from bot.delivery import claims
from bot.dialog.person import Person
from bot.privacy import export
from bot.privacy.data import forget, personal_tables
from bot.schema import MIGRATIONS
from dialogs.engine import DialogState
from tests.db import seed_call, seed_subscription, seed_user

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
BACKENDS = ("sqlite", "postgresql")
PERSONAL = {  # every table with a `user_id`, as the schema defines them; `users` goes last
    "calls",
    "daily_offers",
    "deliveries",
    "dialogs",
    "label_prompts",
    "practice_offers",
    "practice_results",
    "reminders",
    "subscriptions",
    "tip_feedback",
    "tip_history",
    "users",
}


def config_for(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Config:
    if backend == "sqlite":
        return Config.from_env({"COACH_DB_PATH": str(tmp_path / "coach.db")})
    cluster = request.getfixturevalue("postgres_cluster")
    return Config.from_env({"COACH_DATABASE_URL": cluster.new_database()})


@pytest.fixture(params=BACKENDS)
async def assembly(request, tmp_path) -> AsyncIterator[Assembly]:
    """Every feature wired as the bot wires them, on an open database of each kind."""
    built = assemble(config_for(request, request.param, tmp_path), clock=lambda: NOW)
    await built.kit.db.open()
    yield built
    await built.kit.db.close()


def deliveries(assembly: Assembly, kind: str):
    return next(d for f in assembly.features for d in f.deliveries if d.kind == kind)


async def tables_and_columns(db) -> dict[str, set[str]]:
    async with db.read() as tx:
        tables = await personal_tables(tx)
        found = {}
        for table in tables:
            row = await tx.one(f"SELECT * FROM {table} LIMIT 1")
            assert row is None, "a fresh database holds no one"
            found[table] = await _columns(tx, table)
    return found


async def _columns(tx, table: str) -> set[str]:
    if tx.dialect.name == "sqlite":
        return {row["name"] for row in await tx.all(f"PRAGMA table_info({table})")}
    rows = await tx.all(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,)
    )
    return {row["column_name"] for row in rows}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_every_earlier_version_migrates_to_the_same_schema_as_an_empty_one(
    request, tmp_path, backend
):
    versions = {}
    for start in range(len(MIGRATIONS)):
        config = config_for(request, backend, tmp_path / str(start))
        db = assemble(config).kit.db
        await db.open(until=start)  # a database as that version left it
        await db.close()
        await db.open()
        versions[start] = await tables_and_columns(db)
        await db.close()
    assert all(schema == versions[0] for schema in versions.values())
    assert {"users", "calls", "reminders", "deliveries", "dialogs"} <= set(versions[0])


async def test_a_step_over_a_moved_revision_is_refused_and_rolls_back_whole(assembly):
    db = assembly.kit.db
    async with db.transaction() as tx:
        user = await seed_user(tx, 7, NOW)
        await seed_call(tx, user, DialogState("call", "listen", revision=3), NOW)
    with pytest.raises(Conflict):
        async with db.transaction() as tx:
            await tx.execute("UPDATE users SET first_name = 'changed' WHERE user_id = 7")
            await save_dialog(tx, 7, DialogState("call", "restate", revision=4), 2, NOW)
    async with db.read() as tx:
        stored = await load_dialog(tx, 7, "call")
        name = await tx.one("SELECT first_name FROM users WHERE user_id = 7")
    assert stored is not None and stored.state.revision == 3 and stored.state.node == "listen"
    assert name["first_name"] == "T"


async def test_a_write_after_the_block_s_last_one_is_refused_on_both(assembly):
    """A press saves its step as the block's last write (SQLite sends the commit along):
    a write after it is a mistake on either database, never made."""
    db = assembly.kit.db
    async with db.transaction() as tx:
        user = await seed_user(tx, 7, NOW)
        await seed_call(tx, user, DialogState("call", "listen", revision=3), NOW)
    step = DialogState("call", "restate", revision=4)
    with pytest.raises(RuntimeError, match="after the block's last"):
        async with db.transaction() as tx:
            await save_dialog(tx, 7, step, 3, NOW, last=True)
            await tx.execute("UPDATE users SET first_name = 'changed' WHERE user_id = 7")
    async with db.read() as tx:
        name = await tx.one("SELECT first_name FROM users WHERE user_id = 7")
    assert name["first_name"] == "T"


async def test_a_delivery_is_claimed_once_and_a_released_claim_can_be_taken_again(assembly):
    db = assembly.kit.db
    async with db.transaction() as tx:
        await seed_user(tx, 7, NOW)
        first = await claims.claim(tx, 7, "tip", "2026-11-23", NOW)
        second = await claims.claim(tx, 7, "tip", "2026-11-23", NOW)
    assert isinstance(first, int) and second is None
    async with db.transaction() as tx:
        await claims.release(tx, first)
        again = await claims.claim(tx, 7, "tip", "2026-11-23", NOW)
    assert isinstance(again, int) and again != first


async def test_a_tip_due_now_is_due_until_it_is_claimed(assembly):
    db = assembly.kit.db
    async with db.transaction() as tx:
        await seed_user(tx, 7, NOW, zone_name="Asia/Almaty")
        await seed_subscription(tx, 7, "10:00", NOW)
        await seed_user(tx, 8, NOW, zone_name="Asia/Almaty")
        await seed_subscription(tx, 8, "23:00", NOW)
    tips = deliveries(assembly, "tip")
    due = await tips.due(NOW + timedelta(minutes=1))  # 11:01 in Almaty: 10:00 has passed
    assert [(job.user_id, job.key) for job in due] == [(7, "2026-11-23")]
    async with db.transaction() as tx:
        await claims.claim(tx, 7, "tip", "2026-11-23", NOW)
    assert await tips.due(NOW + timedelta(minutes=2)) == []


async def test_a_reminder_is_due_once_its_moment_passed_and_until_it_is_claimed(assembly):
    db = assembly.kit.db
    done = DialogState(
        "call", "summary", status="done", values={"promise": "к утру", "due_at": NOW.isoformat()}
    )
    async with db.transaction() as tx:
        user = await seed_user(tx, 7, NOW - timedelta(days=1))
        await seed_call(tx, user, done, NOW - timedelta(days=1))
    follow_ups = deliveries(assembly, "followup")
    assert await follow_ups.due(NOW - timedelta(minutes=1)) == []
    due = await follow_ups.due(NOW + timedelta(minutes=1))
    assert [job.user_id for job in due] == [7]
    async with db.transaction() as tx:
        await claims.claim(tx, 7, "followup", due[0].key, NOW)
    assert await follow_ups.due(NOW + timedelta(minutes=2)) == []


async def seed_two_people(db) -> None:
    done = DialogState("call", "summary", status="done", values={"complaint": "сайт лежит"})
    async with db.transaction() as tx:
        for user_id in (7, 8):
            user = await seed_user(tx, user_id, NOW)
            await seed_call(tx, user, done, NOW)
            await seed_subscription(tx, user_id, "09:00", NOW)
            await claims.claim(tx, user_id, "tip", "2026-11-23", NOW)


async def test_forget_deletes_every_row_of_the_person_in_every_table_and_no_one_else_s(assembly):
    db = assembly.kit.db
    await seed_two_people(db)
    async with db.read() as tx:
        found = await personal_tables(tx)  # what /export and /forget go through
    assert set(found) == PERSONAL and found[-1] == "users"
    async with db.transaction() as tx:
        deleted = await forget(tx, 7)
    assert {"users", "calls", "dialogs", "subscriptions", "deliveries"} <= set(deleted)
    async with db.read() as tx:
        for table in await personal_tables(tx):
            left = await tx.all(f"SELECT user_id FROM {table}")
            assert {row["user_id"] for row in left} <= {8}, table
        assert await tx.one("SELECT 1 FROM calls WHERE user_id = 8") is not None


async def test_export_holds_every_row_of_the_person_from_every_table(assembly, tmp_path):
    db = assembly.kit.db
    await seed_two_people(db)
    async with db.read() as tx:
        user = await load_user(tx, 7)
    person = Person(user, "ru", "Europe/Moscow")
    parts, sheets = await export.build(db, assembly.kit.catalog, person, tmp_path, {"v": 1})
    data = json.loads(b"".join(part.read_bytes() for part in parts))
    exported = {table: rows for table, rows in data["tables"].items() if rows}
    assert {"users", "calls", "dialogs", "subscriptions", "deliveries"} <= set(exported)
    assert all(row["user_id"] == 7 for rows in exported.values() for row in rows)
    assert "сайт лежит" in b"".join(sheet.read_bytes() for sheet in sheets).decode()


async def test_postgresql_unreachable_mid_run_is_unavailable_and_a_bad_statement_is_not(
    postgres_cluster,
):
    url = postgres_cluster.new_database()
    db = await PostgresDatabase(url).open()
    try:
        with pytest.raises(Exception) as bug:
            async with db.read() as tx:
                await tx.all("SELECT no_such_column FROM users")
        assert not unavailable(bug.value) and db.last_error is None
        name = url.rsplit("/", 1)[1]
        postgres_cluster.psql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        )
        with pytest.raises(Exception) as gone:
            async with db.read() as tx:
                await tx.all("SELECT 1")
        assert unavailable(gone.value) and db.last_error
    finally:
        await db.close()


async def test_a_write_inside_a_read_is_refused_as_a_mistake_and_undone(assembly):
    db = assembly.kit.db
    with pytest.raises(RuntimeError, match=r"inside Database\.read"):
        async with db.read() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, chat_id, created_at, last_seen_at)"
                " VALUES (1, 1, '', '')"
            )
    async with db.read() as tx:
        assert await tx.all("SELECT user_id FROM users") == []
    assert db.last_error is None


async def test_rows_past_the_retention_are_deleted_and_newer_ones_kept(assembly):
    """The hourly expiry's statements (SQLite's numbered `?2`, subqueries in FROM) run as
    they are on both databases: the old call and its reminder go, the new one stays."""
    from bot.app import EXPIRE

    db = assembly.kit.db
    old, new = NOW - timedelta(days=400), NOW - timedelta(days=1)
    for user_id, when in ((7, old), (8, new)):
        done = DialogState(
            "call",
            "summary",
            status="done",
            values={"promise": "к утру", "due_at": when.isoformat()},
        )
        async with db.transaction() as tx:
            user = await seed_user(tx, user_id, when)
            await seed_call(tx, user, done, when)
    deleted = []
    for expire in EXPIRE:
        async with db.transaction() as tx:
            deleted.append(await expire(tx, NOW - timedelta(days=30), 500))
    assert deleted == [1, 1, 0]  # the old call's reminder, then the call; no practice
    async with db.read() as tx:
        left = await tx.all("SELECT user_id FROM calls")
    assert [row["user_id"] for row in left] == [8]
