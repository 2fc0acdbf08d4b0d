"""Files only the service can read, and rows that do not outlive their welcome: the
database and its -wal/-shm are 0600 whatever the umask, a forget leaves no copy in the
log, and the tick deletes what is older than the retention, a batch at a time."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import EXPIRE, build_application
from bot.call import records
from bot.database.connection import Database, utc_text
from bot.delivery import scheduler as scheduler_module
from bot.delivery.scheduler import Scheduler
from tests.db import rows
from tests.harness import Clock, RunningBot, config_for
from tests.harness import Person as HarnessPerson
from tests.test_journal_e2e import walk_a_call


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    """The usual umask of a login shell or a service, under which files come out 0644."""
    before = os.umask(value)
    try:
        yield
    finally:
        os.umask(before)


async def test_a_fresh_database_and_its_log_files_are_readable_by_the_service_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "coach.db"
    with umask(0o022):
        db = await Database(path).open()
        try:
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO users (user_id, chat_id, created_at, last_seen_at)"
                    " VALUES (1, 1, '', '')"
                )
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert {file.name: mode(file) for file in files} == dict.fromkeys(
                (file.name for file in files), 0o600
            )
            assert mode(path.parent) == 0o700
        finally:
            await db.close()


async def test_a_database_left_readable_by_an_older_version_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "coach.db"
    with umask(0o022):
        db = await Database(path).open()
        await db.close()
        path.chmod(0o644)
        db = await Database(path).open()
        try:
            assert mode(path) == 0o600
        finally:
            await db.close()


async def test_secure_delete_is_on(db_path: Path) -> None:
    db = await Database(db_path).open()
    try:
        async with db.read() as tx:
            row = await tx.one("PRAGMA secure_delete")
        assert row is not None and row[0] == 1
    finally:
        await db.close()


async def test_a_checkpoint_cuts_the_log_to_nothing(db_path: Path) -> None:
    db = await Database(db_path).open()
    try:
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO users (user_id, chat_id, first_name, created_at, last_seen_at)"
                " VALUES (1, 1, 'Distinctive-Name', '', '')"
            )
        log = Path(f"{db_path}-wal")
        assert b"Distinctive-Name" in log.read_bytes()
        assert await db.checkpoint()
        assert log.stat().st_size == 0
    finally:
        await db.close()


# --- retention and the cap: the tick, with the test's clock -------------------------------

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
OWNERS = EXPIRE  # as the app wires them: reminders, calls, practice results


class NoDialogs:
    flows: tuple[str, ...] = ()


def scheduler(db: Database, days: int | None, clock: Clock) -> Scheduler:
    retention = timedelta(days=days) if days is not None else None
    return Scheduler(db, NoDialogs(), [], None, clock, expire=OWNERS, retention=retention)


async def seed(db: Database, user_id: int, ages_in_days: list[int], *, reminded: bool) -> None:
    """A person with one call per age (each with a reminder when `reminded`) and one
    practice result per age, stamped that many days before NOW."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (user_id, chat_id, created_at, last_seen_at) VALUES (?, ?, '', '')",
            (user_id, user_id),
        )
        for number, days in enumerate(ages_in_days, start=1):
            stamp = utc_text(NOW - timedelta(days=days))
            cursor = await tx.execute(
                """INSERT INTO calls (user_id, call_no, started_at, updated_at, timezone,
                                      complaint, outcome)
                   VALUES (?, ?, ?, ?, 'UTC', ?, 'done')""",
                (user_id, number, stamp, stamp, f"жалоба {days}"),
            )
            if reminded:
                await tx.execute(
                    """INSERT INTO reminders (user_id, call_id, due_at, created_at, status)
                       VALUES (?, ?, ?, ?, 'done')""",
                    (user_id, cursor.lastrowid, stamp, stamp),
                )
            await tx.execute(
                """INSERT INTO practice_results (user_id, scenario, finished_at, listen,
                       restate, apologize, resolve, follow_up, total)
                   VALUES (?, 's', ?, 1, 1, 1, 1, 1, 100)""",
                (user_id, stamp),
            )


def ages(db_path: Path, table: str, column: str) -> list[str]:
    return [row[column] for row in rows(db_path, f"SELECT {column} FROM {table} ORDER BY id")]


async def test_the_tick_deletes_what_is_older_than_the_retention_and_keeps_the_rest(
    db_path: Path,
) -> None:
    db = await Database(db_path).open()
    try:
        await seed(db, 1, [400, 120, 31, 29, 1], reminded=True)
        await seed(db, 2, [90, 10], reminded=False)
        clock = Clock(NOW)
        await scheduler(db, 30, clock).tick()
    finally:
        await db.close()
    kept = [utc_text(NOW - timedelta(days=d)) for d in (29, 1, 10)]
    assert sorted(ages(db_path, "calls", "started_at")) == sorted(kept)
    assert sorted(ages(db_path, "practice_results", "finished_at")) == sorted(kept)
    assert rows(db_path, "SELECT count(*) AS n FROM reminders")[0]["n"] == 2  # of 29 and 1
    assert rows(db_path, "PRAGMA foreign_key_check") == []


async def test_without_a_retention_nothing_goes(db_path: Path) -> None:
    db = await Database(db_path).open()
    try:
        await seed(db, 1, [4000, 400, 1], reminded=True)
        await scheduler(db, None, Clock(NOW)).tick()
    finally:
        await db.close()
    assert len(ages(db_path, "calls", "id")) == 3
    assert len(ages(db_path, "practice_results", "id")) == 3


async def test_a_backlog_goes_a_few_small_batches_per_tick(db_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(scheduler_module, "EXPIRE_BATCH", 3)
    monkeypatch.setattr(scheduler_module, "EXPIRE_ROUNDS", 2)
    statements: list[str] = []
    db = await Database(db_path).open()
    try:
        await seed(db, 1, [100 + n for n in range(20)], reminded=True)
        clock = Clock(NOW)
        ticks = scheduler(db, 30, clock)
        await db.trace(statements.append)
        await ticks.tick()
        await db.trace(None)
        left = [len(ages(db_path, "calls", "id"))]
        for _ in range(3):  # an hour apart: the prune and the expiry are hourly
            clock.advance(timedelta(hours=1))
            await ticks.tick()
            left.append(len(ages(db_path, "calls", "id")))
    finally:
        await db.close()
    assert left == [14, 8, 2, 0]  # 2 rounds of 3 per hourly tick
    deletes = [s for s in statements if s.lstrip().startswith("DELETE FROM calls")]
    assert len(deletes) == 2


async def test_a_person_keeps_their_newest_calls_up_to_the_cap(db_path: Path, monkeypatch):
    monkeypatch.setattr(records, "CAP", 3)
    db = await Database(db_path).open()
    try:
        await seed(db, 1, [6, 5, 4, 3, 2, 1], reminded=True)
        await seed(db, 2, [9, 8], reminded=False)
        await scheduler(db, None, Clock(NOW)).tick()
    finally:
        await db.close()
    assert rows(db_path, "SELECT user_id, call_no FROM calls ORDER BY id") == [
        {"user_id": 1, "call_no": n} for n in (4, 5, 6)
    ] + [{"user_id": 2, "call_no": n} for n in (1, 2)]
    assert rows(db_path, "SELECT count(*) AS n FROM reminders")[0]["n"] == 3


# --- /forget leaves no copy in the live files ---------------------------------------------

MARKER = "Zebra-Quartz-7781 the invoice came twice"


def live_bytes(db_path: Path) -> dict[str, bool]:
    """Whether the marker is in each of the database's files, read raw as a thief would."""
    files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
    return {f.name: MARKER.encode() in f.read_bytes() for f in files if f.exists()}


async def test_forget_leaves_no_readable_copy_in_the_database_or_its_log(stub, db_path) -> None:
    bot = RunningBot(stub, db_path, Clock())
    await bot.start()
    try:
        ivan = HarnessPerson(stub, 8301)
        await walk_a_call(ivan, MARKER, "send a corrected one")
        assert any(live_bytes(db_path).values()), "the complaint was stored"
        await ivan.types("/forget")
        await ivan.taps("Да, удалить всё")
        assert ivan.last.text.startswith("Готово")
        assert not any(live_bytes(db_path).values()), live_bytes(db_path)
    finally:
        await bot.stop()


def test_help_says_how_many_calls_a_person_keeps(catalog) -> None:
    for lang in ("ru", "kk"):
        assert f" {records.CAP} " in catalog.text(lang, "ui.messages.help")


def test_the_bot_s_tick_expires_through_the_owners_with_the_configured_retention(
    stub, db_path: Path
) -> None:
    config = replace(config_for(stub, db_path), retention_days=30)
    tick = build_application(config, Clock(NOW)).bot_data["scheduler"]
    assert tick.expire == EXPIRE and tick.retention == timedelta(days=30)
    unset = build_application(config_for(stub, db_path), Clock(NOW)).bot_data["scheduler"]
    assert unset.retention is None
