"""`python -m bot backup PATH`: a consistent copy of the database while the bot runs.

SQLite's online backup API copies one read snapshot, which in WAL mode neither blocks the
bot's writers nor waits for them, and includes what is committed in the -wal file, which
`cp` would miss. The copy is checked and moved into place only when whole, so PATH is
never a half-written database; it is 0600, as it holds every person's complaints.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

BUSY_TIMEOUT_MS = 5000
STAMP = "%Y-%m-%d-%H%M%S"  # a folder gets `coach-<stamp>.db`: sorts by date, never clashes


class BackupError(RuntimeError):
    """The copy could not be made or did not check out; PATH is left as it was."""


def backup(
    database: str | Path, target: str | Path, force: bool = False, now: datetime | None = None
) -> Path:
    """Copy `database` to `target` (a file, or a folder that gets a dated file); an
    existing file is replaced only with `force`, and the live files never."""
    source_path = Path(database)
    if not source_path.is_file():  # connecting would create an empty database
        raise BackupError(f"no database at {source_path}")
    target = _target(source_path, Path(target), force, now or datetime.now())
    try:
        _copy(source_path, target)
    except sqlite3.Error as error:
        raise BackupError(f"backup of {source_path} failed: {error}") from error
    except OSError as error:
        raise BackupError(f"cannot write {target}: {error.strerror or error}") from error
    return target


def _target(source: Path, target: Path, force: bool, now: datetime) -> Path:
    """Where the copy goes, or why not: refused rather than guessed, as a wrong PATH
    could replace the live database under the running bot."""
    if target.is_dir():
        target = target / f"{source.stem}-{now.strftime(STAMP)}{source.suffix or '.db'}"
    if not target.parent.is_dir():
        raise BackupError(f"no folder {target.parent} to write the backup in")
    live = {source.resolve(), *(Path(f"{source.resolve()}{side}") for side in ("-wal", "-shm"))}
    if target.resolve() in live:
        raise BackupError(f"{target} is the live database: back up to another path")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: pass --force to replace it")
    return target


def _copy(source_path: Path, target: Path) -> None:
    """Into a fresh 0600 file of a name nobody can guess (`mkstemp`), then renamed over
    `target`; the source is opened read-only."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    partial = Path(name)
    try:
        source_uri = f"{source_path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(source_uri, uri=True)) as source:
            source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)  # all pages in one step: one snapshot
                copy.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the copy
                verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        with partial.open("rb") as file:
            os.fsync(file.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
