"""What PostgreSQL adds for several instances, against a real server the tests start: one
person's turn across instances, one scheduler at a time, health, and moving the data."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.database.move import MoveError, move
from bot.database.postgres import CannotOpen, PostgresDatabase, Unreachable
from bot.delivery.scheduler import Scheduler
from bot.run.health import Health
from dialogs.engine import DialogState
from tests.conftest import REPO
from tests.db import seed_call, seed_subscription, seed_user, seeding, table_names

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture
async def two_instances(postgres_cluster):
    """Two instances' databases on one server, as two processes would open them."""
    url = postgres_cluster.new_database()
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()  # migrated already: nothing is applied twice
    yield first, second
    await first.close()
    await second.close()


async def test_one_person_s_turns_are_taken_one_at_a_time_whichever_instance_has_them(
    two_instances,
):
    first, second = two_instances
    order: list[str] = []
    holding = asyncio.Event()

    async def turn(db: PostgresDatabase, name: str, user_id: int) -> None:
        async with db.person(user_id):
            order.append(f"{name} in")
            holding.set()
            await asyncio.sleep(0)  # let the other instance try meanwhile
            if name == "first":
                await asyncio.wait_for(blocked.wait(), 10)
            order.append(f"{name} out")

    blocked = asyncio.Event()
    held = asyncio.create_task(turn(first, "first", 7))
    await holding.wait()
    waiting = asyncio.create_task(turn(second, "second", 7))
    other = asyncio.create_task(turn(second, "other person", 8))
    await asyncio.wait_for(other, 10)  # someone else is not held up
    assert not waiting.done()
    blocked.set()
    await asyncio.wait_for(asyncio.gather(held, waiting), 10)
    mine = [step for step in order if not step.startswith("other")]
    assert mine == ["first in", "first out", "second in", "second out"]


async def test_one_instance_leads_the_scheduler_and_another_takes_over_when_it_dies(
    two_instances,
):
    first, second = two_instances
    assert await first.lead()
    assert not await second.lead()
    assert await first.lead()  # it keeps the lead
    first._lead_connection.terminate()  # the leader's connection dies as with kill -9
    took_over = False
    for _ in range(200):  # the server frees the lock once it sees the connection gone
        if took_over := await second.lead():
            break
        await asyncio.sleep(0.05)
    assert took_over
    assert not await first.lead()


async def test_health_turns_unhealthy_when_the_instance_cannot_reach_the_database(
    postgres_cluster,
):
    url = postgres_cluster.new_database()
    db = await PostgresDatabase(url).open()
    scheduler = Scheduler(db, _NoDialogs(), [], None, clock=lambda: datetime.now(UTC))  # type: ignore[arg-type]
    health = Health(db, scheduler, tick_seconds=20)
    try:
        await scheduler.tick()
        assert health.check().healthy
        name = url.rsplit("/", 1)[1]
        postgres_cluster.psql(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")
        postgres_cluster.psql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        )
        with pytest.raises((Unreachable, asyncpg.PostgresError)):
            async with db.read() as tx:
                await tx.all("SELECT 1")
        verdict = health.check()
        assert not verdict.healthy and verdict.database.startswith("unreachable")
        postgres_cluster.psql(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")
        async with db.read() as tx:
            await tx.all("SELECT 1")
        assert health.check().healthy
    finally:
        await db.close()


async def seed_people(db_path, count: int) -> None:
    done = DialogState("call", "summary", status="done", values={"complaint": "сайт лежит"})
    async with seeding(db_path) as tx:
        for user_id in range(1, count + 1):
            user = await seed_user(tx, user_id, NOW)
            await seed_call(tx, user, done, NOW)
            await seed_subscription(tx, user_id, "09:00", NOW)


def counts(db_path) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:
        return {
            name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            for name in table_names(db)
        }


async def test_move_data_copies_every_table_row_for_row_and_new_ids_follow(
    postgres_cluster, db_path
):
    await seed_people(db_path, 30)
    url = postgres_cluster.new_database()
    copied = await move(db_path, url, say=lambda line: None)
    assert copied == {table: n for table, n in counts(db_path).items() if table in copied}
    assert copied["users"] == 30 and copied["calls"] == 30 and copied["reminders"] == 0
    db = await PostgresDatabase(url).open()
    try:
        async with db.transaction() as tx:
            user = await seed_user(tx, 99, NOW)
            await seed_call(tx, user, DialogState("call", "listen"), NOW)
            row = await tx.one("SELECT max(id) AS top, count(*) AS n FROM calls")
        assert row["n"] == 31 and row["top"] == 31  # the sequence went on past the copy
        async with db.read() as tx:
            name = await tx.one("SELECT complaint FROM calls WHERE user_id = 5")
        assert name["complaint"] == "сайт лежит"
    finally:
        await db.close()


async def test_move_data_refuses_a_target_that_already_holds_people(postgres_cluster, db_path):
    await seed_people(db_path, 2)
    url = postgres_cluster.new_database()
    await move(db_path, url, say=lambda line: None)
    with pytest.raises(MoveError, match="already holds 2 people"):
        await move(db_path, url, say=lambda line: None)


async def test_a_move_interrupted_halfway_leaves_nothing_and_can_be_started_again(
    postgres_cluster, db_path
):
    await seed_people(db_path, 2000)
    url = postgres_cluster.new_database()
    env = {"COACH_DB_PATH": str(db_path), "COACH_LOG_LEVEL": "INFO", "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "move-data", "--to", url],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:  # killed once the copy is under way, past its first table
        if "copying dialogs" in line:
            process.kill()
            break
    process.wait()
    probe = await PostgresDatabase(url).open()
    async with probe.read() as tx:
        left = await tx.one("SELECT count(*) AS n FROM users")
    await probe.close()
    assert left["n"] == 0
    done = subprocess.run(
        [sys.executable, "-m", "bot", "move-data", "--to", url],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "every table copied and counted alike" in done.stdout + done.stderr
    assert "users 2000" in done.stdout + done.stderr


def test_backup_with_postgresql_says_in_one_line_to_use_pg_dump(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(tmp_path)],
        cwd=REPO,
        env={"COACH_DATABASE_URL": "postgresql://coach@db:5432/coach", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 2 and len(output.splitlines()) == 1
    assert "pg_dump" in output and list(tmp_path.iterdir()) == []


async def test_a_tick_with_several_instances_runs_on_the_leader_only(two_instances):
    first, second = two_instances
    ticked = []

    class Due:
        kind = "probe"

        def __init__(self, name: str) -> None:
            self.name = name

        async def due(self, now):
            ticked.append(self.name)
            return []

    def scheduler(db, name):
        return Scheduler(db, _NoDialogs(), [Due(name)], None, clock=lambda: NOW)  # type: ignore[arg-type]

    for _ in range(3):
        await scheduler(first, "first").tick()
        await scheduler(second, "second").tick()
    assert ticked == ["first"] * 3


class _NoDialogs:
    flows: tuple[str, ...] = ()


async def test_an_instance_that_does_not_lead_is_healthy_with_no_one_pressing(two_instances):
    """Its tick only asks for the lead, and that answer is the database answering."""
    first, second = two_instances
    clock = lambda: datetime.now(UTC)  # noqa: E731
    leader = Scheduler(first, _NoDialogs(), [], None, clock=clock)  # type: ignore[arg-type]
    follower = Scheduler(second, _NoDialogs(), [], None, clock=clock)  # type: ignore[arg-type]
    await leader.tick()
    await follower.tick()
    verdict = Health(second, follower, tick_seconds=20).check()
    assert verdict.healthy, verdict


def test_a_database_that_cannot_be_reached_at_the_start_is_one_line_without_the_password():
    url = "postgresql://coach:s3cret-pw@127.0.0.1:1/coach"
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO,
        env={"COACH_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        input="/start\n",
        capture_output=True,
        text=True,
        check=False,
    )
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 2 and len(output.splitlines()) == 1, output
    assert "127.0.0.1:1/coach could not be opened" in output and "s3cret" not in output


async def test_a_wrong_password_is_refused_at_the_start_by_name_not_by_traceback(
    postgres_cluster,
):
    url = postgres_cluster.new_database().replace(":coach-tests@", ":wrong-password@")
    with pytest.raises(CannotOpen, match="could not be opened") as refused:
        await PostgresDatabase(url).open()
    assert "wrong-password" not in str(refused.value)
