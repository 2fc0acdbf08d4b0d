"""Set-up that explains itself: the Makefile's Python check and .venv rebuild, `.env` under
the environment, a refused token in one line (issue 23 §2)."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import load_env_file, main
from bot.config import ConfigError
from bot.run import polling
from tests.harness import REPO, TOKEN

MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="no make on this machine")


def fake_python(folder: Path, version: str) -> Path:
    """An interpreter that answers the Makefile's version question with `version` (it
    runs `$(PYTHON) -c '…print("%d.%d" % sys.version_info[:2])'`) and does nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "python"
    script.write_text(f"#!/bin/sh\necho {version}\n")
    script.chmod(0o755)
    return script


def make(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None):
    assert MAKE is not None
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_make
@pytest.mark.parametrize("goal", ["run", "test"])
def test_an_old_python_stops_make_with_one_line_saying_what_to_do(tmp_path, goal):
    old = fake_python(tmp_path / "old", "3.10")
    done = make("-n", goal, f"PYTHON={old}", f"VENV={tmp_path / 'venv'}")
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "3.11" in lines[0] and "3.10" in lines[0] and "PYTHON=python3.12" in lines[0]
    assert "venv" not in done.stdout, "nothing was to run"


@needs_make
def test_a_missing_interpreter_is_one_line_too(tmp_path):
    done = make("-n", "test", "PYTHON=python3.99-not-here", f"VENV={tmp_path / 'venv'}")
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "python3.99-not-here" in lines[0], done.stderr


def built_venv(folder: Path, version: str) -> Path:
    """A .venv as the Makefile leaves it: its interpreter and a stamp newer than the locks."""
    fake_python(folder / "bin", version)
    (folder / ".installed").touch()
    return folder


@needs_make
def test_a_venv_of_another_or_a_broken_python_is_rebuilt_and_a_matching_one_reused(tmp_path):
    venv = built_venv(tmp_path / "venv", "3.11")
    newer = fake_python(tmp_path / "new", "3.12")
    rebuilt = make("-n", "test", f"PYTHON={newer}", f"VENV={venv}")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"{newer} -m venv --clear {venv}" in rebuilt.stdout
    same = fake_python(tmp_path / "same", "3.11")
    reused = make("-n", "test", f"PYTHON={same}", f"VENV={venv}")
    assert reused.returncode == 0, reused.stderr
    assert "-m venv" not in reused.stdout and "pytest" in reused.stdout
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 1\n")  # its Python was removed
    broken = make("-n", "test", f"PYTHON={same}", f"VENV={venv}")
    assert f"{same} -m venv --clear {venv}" in broken.stdout, broken.stderr


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n\nCOACH_DB_PATH=data/from-dotenv.db\nexport COACH_LOG_LEVEL = 'DEBUG'\n"
        'COACH_PROXY_URL="http://u:pa$$w#rd@proxy:3128"\nTELEGRAM_BOT_TOKEN=\n'
    )
    environ = {"COACH_DB_PATH": "data/from-cli.db", "TELEGRAM_BOT_TOKEN": ""}
    load_env_file(env_file, environ)
    assert environ == {
        "COACH_DB_PATH": "data/from-cli.db",
        "COACH_LOG_LEVEL": "DEBUG",
        "COACH_PROXY_URL": "http://u:pa$$w#rd@proxy:3128",  # taken literally
        "TELEGRAM_BOT_TOKEN": "",  # set, even if empty: the file's value does not fill it
    }


def test_a_broken_env_file_is_a_configuration_error_naming_the_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("COACH_DB_PATH=x\nnot a pair\n")
    with pytest.raises(ConfigError, match=r"line 2: expected NAME=value"):
        load_env_file(env_file, {})
    with pytest.raises(ConfigError, match=r"missing\.env"):
        load_env_file(tmp_path / "missing.env", {})


@needs_make
@pytest.mark.parametrize("how", ["environment", "command line"])
def test_make_run_takes_a_variable_given_to_it_over_the_env_file(tmp_path, how):
    """`make run` in a folder whose .env names one database, told another: the backup it
    runs looks for the one it was told (missing, so it says which, and stops)."""
    (tmp_path / ".env").write_text("COACH_DB_PATH=from-dotenv.db\n")
    given = ["COACH_DB_PATH=from-cli.db"] if how == "command line" else []
    env = {"COACH_DB_PATH": "from-cli.db"} if how == "environment" else {}
    done = make(
        "-f",
        str(REPO / "Makefile"),
        "run",
        *given,
        f"VENV={Path(sys.executable).parent.parent}",
        f"PYTHON={sys.executable}",
        f"ARGS=backup {tmp_path / 'copy.db'}",
        "-o",
        f"{Path(sys.executable).parent.parent}/.installed",
        cwd=tmp_path,
        env=env,
    )
    assert "no database at from-cli.db" in done.stderr, done.stderr
    assert "from-dotenv" not in done.stderr


async def test_a_refused_token_stops_the_start_with_one_line_and_exit_2(stub, db_path):
    stub.fail_next("getMe", status=401, description="Unauthorized")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=REPO,
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": f"{stub.base_url}/bot",
            "COACH_DB_PATH": str(db_path),
            "COACH_LOG_LEVEL": "INFO",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 2, err.decode()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0], err.decode()
    assert TOKEN.partition(":")[2] not in err.decode() + out.decode()


def test_without_an_env_file_option_no_file_is_read(tmp_path, monkeypatch, capsys):
    """`python -m bot` alone reads no .env: a service's environment is all it has."""
    (tmp_path / ".env").write_text("COACH_TICK_SECONDS=999\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COACH_TICK_SECONDS", raising=False)
    monkeypatch.setenv("COACH_DB_PATH", str(tmp_path / "none.db"))
    assert main(["backup", str(tmp_path / "copy.db")]) == 1  # no database, config was fine


def test_polling_on_postgresql_says_in_one_line_that_it_serves_one_instance(monkeypatch, caplog):
    """Where a second instance is expected (a shared database), the first says why it
    cannot be a poller too; on SQLite there is nothing to say."""

    class Application:
        def run_polling(self, allowed_updates: list[str]) -> None:
            self.allowed_updates = allowed_updates

    monkeypatch.setattr(polling.loop, "install", lambda: None)
    caplog.set_level(logging.INFO, logger=polling.__name__)
    polling.run(Application())
    assert caplog.records == []
    application = Application()
    polling.run(application, shared_database=True)
    [line] = [record.getMessage() for record in caplog.records]
    assert "one instance only" in line and "getUpdates" in line and "webhook mode" in line
    assert application.allowed_updates
