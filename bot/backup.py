"""`python -m bot backup PATH`: a consistent copy of the database while the bot runs.

SQLite's online backup API copies one read snapshot, which in WAL mode neither blocks the
bot's writers nor waits for them, and includes what is committed in the -wal file, which
`cp` would miss. The copy is checked and moved into place only when whole, so PATH is
never a half-written database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


class BackupError(RuntimeError):
    """The copy could not be made or did not check out; PATH is left as it was."""


def backup(database: str | Path, target: str | Path) -> Path:
    source_path, target = Path(database), Path(target)
    if not source_path.is_file():  # connecting would create an empty database
        raise BackupError(f"no database at {source_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(source_path)) as source:
            source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)  # all pages in one step: one snapshot
                copy.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the copy
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source_path} failed: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    return target
