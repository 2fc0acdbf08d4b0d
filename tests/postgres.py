"""A real PostgreSQL for the tests: a throwaway cluster in a temporary folder, on loopback.

Started once per test process from the machine's own binaries (`initdb` on the PATH or
under /usr/lib/postgresql), each test on a fresh database of its own. PostgreSQL refuses
to run as root, so as root the cluster runs as the `postgres` account that Debian's
package creates. Where nothing can be started, the test fails with one line saying what
to install: the PostgreSQL tests are never skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL = (
    "PostgreSQL binaries are needed for the PostgreSQL tests: install them "
    "(Debian: apt-get install postgresql) or put initdb on the PATH"
)
ACCOUNT = "postgres"  # who runs the cluster when the tests run as root
PASSWORD = "coach-tests"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: the PATH first, then Debian's versioned ones."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version)
    return Path(folders[-1]) if folders else None


def _version(folder: str) -> int:
    return int(Path(folder).parent.name) if Path(folder).parent.name.isdigit() else 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """One running server; `url()` of a new empty database on it."""

    folder: Path
    port: int
    bin: Path

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://{ACCOUNT}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = f"coach_{uuid.uuid4().hex[:12]}"
        self.psql(f"CREATE DATABASE {name}")
        return self.admin_url(name)

    def psql(self, sql: str, database: str = "postgres") -> str:
        psql = self.bin / "psql"
        command = [str(psql if psql.exists() else "psql"), self.admin_url(database)]
        done = subprocess.run(
            [*command, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def server_pids(self) -> list[int]:
        """The postmaster and its backends: the server's CPU, for the benchmark."""
        postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def stop(self) -> None:
        _as_owner(
            [str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_owner(command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", ACCOUNT, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=check)


def start_cluster() -> Cluster:
    """initdb into a temporary folder, then pg_ctl start on a free loopback port."""
    folder = binaries()
    if folder is None or (os.geteuid() == 0 and not _account_exists()):
        pytest.fail(INSTALL, pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    secret = root / "password"
    secret.write_text(PASSWORD)
    if os.geteuid() == 0:
        shutil.chown(root, ACCOUNT)
        shutil.chown(secret, ACCOUNT)
    data = root / "data"
    _as_owner(
        [
            str(folder / "initdb"),
            "-D",
            str(data),
            "-U",
            ACCOUNT,
            "--pwfile",
            str(secret),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ]
    )
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _as_owner(
        [
            str(folder / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ]
    )
    return Cluster(root, port, folder)


def _account_exists() -> bool:
    import pwd

    try:
        pwd.getpwnam(ACCOUNT)
    except KeyError:
        return False
    return True
