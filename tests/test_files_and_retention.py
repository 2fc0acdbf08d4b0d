"""Files only the service can read, and rows that do not outlive their welcome: the
database and its -wal/-shm are 0600 whatever the umask, a forget leaves no copy in the
log, and the tick deletes what is older than the retention, a batch at a time."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.database.connection import Database


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
