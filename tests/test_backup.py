"""`python -m bot backup PATH` while the bot runs: the copy opens as the same database."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sqlite3
import stat
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.backup import BackupError, backup
from tests.conftest import REPO
from tests.db import table_names
from tests.harness import Clock, RunningBot


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {
            name: sorted(db.execute(f"SELECT * FROM {name}"), key=repr) for name in table_names(db)
        }


def check(path: Path) -> tuple[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
        return verdict, db.execute("PRAGMA user_version").fetchone()[0]


async def start_backup(db_path: Path, target: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        cwd=REPO,
        env={**os.environ, "COACH_DB_PATH": str(db_path)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str]:
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


async def backup_command(db_path: Path, target: Path) -> tuple[int, str]:
    return await finished(await start_backup(db_path, target))


PEOPLE = range(500, 512)


def replies(stub) -> int:
    return sum(1 for call in stub.calls if call.method != "getUpdates")


SESSION = ("/start", "/call", "клиент недоволен сроками", "/cancel")
LINES = SESSION * 3


async def keep_writing(stub, until: asyncio.Task) -> None:
    """Each person goes on with the session, a round at a time, until *until* is done: the
    bot has updates to write while the backup runs however fast it runs. A round follows
    once the bot answered as many as it was sent, so the backlog never grows."""
    sessions = itertools.cycle(SESSION)
    while not until.done():
        line, before = next(sessions), replies(stub)
        for user_id in PEOPLE:
            await stub.send_text(user_id, line)
        await stub.wait_for(
            lambda before=before: until.done() or replies(stub) >= before + len(PEOPLE),
            timeout=60,
        )


async def test_a_backup_taken_while_people_use_the_bot_is_whole_and_then_identical(
    stub, db_path, tmp_path
):
    bot = RunningBot(stub, db_path, Clock())
    await bot.start()
    try:
        for line in LINES:  # everyone's whole session queued at once: the bot writes on
            for user_id in PEOPLE:
                await stub.send_text(user_id, line)
        await stub.wait_for(lambda: len(stub.calls_of("sendMessage")) >= len(PEOPLE))
        process = await start_backup(db_path, tmp_path / "during.db")
        answered_at_start = replies(stub)
        backing_up = asyncio.create_task(finished(process))
        writing = asyncio.create_task(keep_writing(stub, backing_up))
        code, output = await backing_up
        answered_at_end = replies(stub)
        await writing
        assert code == 0, output
        assert "backup of" in output
        assert answered_at_end > answered_at_start, "the backup overlapped the writes"

        assert check(tmp_path / "during.db") == check(db_path)
        assert check(db_path)[0] == "ok"
        assert 1 <= len(tables(tmp_path / "during.db")["users"]) <= len(PEOPLE)

        await stub.wait_idle(timeout=60)
        backup(db_path, tmp_path / "after.db")
        assert tables(tmp_path / "after.db") == tables(db_path)
        assert len(tables(db_path)["users"]) == len(PEOPLE)
        assert not (tmp_path / "after.db-wal").exists(), "the copy is one self-contained file"
    finally:
        await bot.stop()


async def test_a_backup_of_a_missing_database_fails_clearly_and_writes_nothing(tmp_path):
    code, output = await backup_command(tmp_path / "absent.db", tmp_path / "copy.db")
    assert code == 1 and "no database at" in output
    assert list(tmp_path.iterdir()) == []


async def a_database(path: Path) -> Path:
    """A closed database with one person in it, its -wal and -shm gone as after a stop."""
    from bot.database.connection import Database

    db = await Database(path).open()
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO users (user_id, chat_id, created_at, last_seen_at) VALUES (7, 7, '', '')"
        )
    await db.close()
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_a_backup_is_readable_by_the_service_alone_whatever_the_umask(db_path, tmp_path):
    await a_database(db_path)
    before = os.umask(0o022)
    try:
        written = backup(db_path, tmp_path / "copy.db")
    finally:
        os.umask(before)
    assert mode(written) == 0o600
    assert [row[0] for row in tables(written)["users"]] == [7]


async def test_a_folder_gets_a_dated_file_and_dot_works(db_path, tmp_path):
    await a_database(db_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    written = backup(db_path, folder, now=datetime(2026, 12, 7, 9, 30, 5))
    assert written == folder / "coach-2026-12-07-093005.db" and check(written)[0] == "ok"
    code, output = await finished(
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "backup", ".",
            cwd=folder,
            env={**os.environ, "COACH_DB_PATH": str(db_path), "PYTHONPATH": str(REPO)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
    )  # fmt: skip
    assert code == 0, output
    assert len(list(folder.glob("coach-*.db"))) == 2
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


async def test_an_existing_file_is_replaced_only_with_force(db_path, tmp_path):
    await a_database(db_path)
    target = tmp_path / "keep.txt"
    target.write_text("not a database")
    code, output = await backup_command(db_path, target)
    assert code == 1 and "--force" in output and "Traceback" not in output
    assert target.read_text() == "not a database"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", "--force", str(target),
        cwd=REPO, env={**os.environ, "COACH_DB_PATH": str(db_path)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    code, output = await finished(process)
    assert code == 0, output
    assert check(target)[0] == "ok"


async def test_the_live_database_is_never_a_target_even_with_force(db_path):
    await a_database(db_path)
    before = db_path.read_bytes()
    for target in (db_path, Path(f"{db_path}-wal")):
        with pytest.raises(BackupError, match="live database"):
            backup(db_path, target, force=True)
    assert db_path.read_bytes() == before


async def test_a_missing_folder_or_an_unwritable_one_is_one_line(db_path, tmp_path):
    await a_database(db_path)
    code, output = await backup_command(db_path, tmp_path / "absent" / "copy.db")
    assert code == 1 and "no folder" in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # root writes anywhere but in /sys
    unwritable = Path("/sys") if os.access(locked, os.W_OK) else locked
    code, output = await backup_command(db_path, unwritable / "copy.db")
    assert code == 1 and "cannot write" in output and "Traceback" not in output
