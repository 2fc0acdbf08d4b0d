"""`python -m bot` (or `client-calm-coach`): the Telegram bot when a token is set — long
polling, or a webhook server when COACH_WEBHOOK_URL is set — the terminal coach otherwise;
`backup PATH` copies the database while the bot runs; `move-data --to URL` copies it into
PostgreSQL; `secret` prints a webhook secret.
`--env-file .env` (what `make run` passes) fills in the variables the environment lacks."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import sys
from collections.abc import MutableMapping
from pathlib import Path

from bot.config import Config, ConfigError
from bot.database.postgres import CannotOpen
from bot.logs import setup_logging

PG_BACKUP = (
    "COACH_DATABASE_URL is PostgreSQL, which is backed up with its own tools: "
    'pg_dump --format=custom --file=coach.dump "$COACH_DATABASE_URL" (README, "Backups")'
)
REFUSED = "Telegram refused TELEGRAM_BOT_TOKEN (getMe: 401 Unauthorized): check it in @BotFather"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--lang", choices=("ru", "kk"), help="language of the terminal coach")
    parser.add_argument(
        "--env-file", type=Path, help="NAME=value lines; the environment's own values win"
    )
    commands = parser.add_subparsers(dest="command")
    backup = commands.add_parser(
        "backup", help="write a consistent copy of COACH_DB_PATH to PATH, also while it runs"
    )
    backup.add_argument("path", type=Path, help="a file, or a folder for a dated file")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    move = commands.add_parser(
        "move-data", help="copy the SQLite database at COACH_DB_PATH into an empty PostgreSQL"
    )
    move.add_argument("--to", required=True, metavar="URL", help="postgresql://…")
    commands.add_parser("secret", help="print a new COACH_WEBHOOK_SECRET")
    args = parser.parse_args(argv)
    if args.command == "secret":  # needs no configuration: it is how one starts
        print(secrets.token_urlsafe(32))
        return 0
    try:
        if args.env_file is not None:
            load_env_file(args.env_file, os.environ)
        config = Config.from_env()
    except ConfigError as error:
        setup_logging("INFO", None)
        logging.getLogger(__name__).error("configuration: %s", error)
        return 2
    setup_logging(config.log_level, config.token, [config.webhook.secret] if config.webhook else [])
    if args.command == "backup":
        return _backup(config, args.path, args.force)
    if args.command == "move-data":
        return _move(config, args.to)
    try:
        if config.token is None:
            from bot.console import run_console

            logging.getLogger().setLevel(logging.WARNING)
            return asyncio.run(run_console(config, args.lang, sys.stdin, sys.stdout))
        return _serve(config)
    except CannotOpen as error:  # the database named by COACH_DATABASE_URL: one line
        logging.getLogger(__name__).error("%s", error)
        return 2


def load_env_file(path: Path, environ: MutableMapping[str, str]) -> None:
    """Sets each `NAME=value` of the file that `environ` lacks: a variable given on the
    command line or exported wins, as with most tools. Values are taken literally (`$` and
    `#` included, as a proxy password may have them); one pair of enclosing quotes goes."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from error
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, equals, value = text.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ConfigError(f"{path} line {number}: expected NAME=value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        environ.setdefault(name, value)


def _token_refused(config: Config) -> bool:
    """Asks Telegram (getMe) whether it knows the token before the bot starts: PTB's own
    start logs a refused token as tracebacks, quoting it. Other failures (no network) are
    left to the start itself."""
    from telegram import Bot
    from telegram.error import InvalidToken

    from bot.app import http_request
    from bot.run.loop import new_loop

    async def ask() -> None:
        assert config.token is not None
        async with Bot(config.token, config.api_base_url, request=http_request(config, 1)):
            pass  # entering asks getMe; leaving, or a refusal, closes the connection

    with asyncio.Runner(loop_factory=new_loop) as runner:
        try:
            runner.run(ask())
        except InvalidToken:
            return True
        except Exception:  # the start itself reports these
            return False
    return False


def _serve(config: Config) -> int:
    from telegram.error import InvalidToken

    from bot.app import build_application
    from bot.run import polling, webhook

    log = logging.getLogger(__name__)
    if _token_refused(config):
        log.error(REFUSED)
        return 2
    try:
        application = build_application(config)
        if config.webhook is None:
            log.info("starting the Telegram bot (long polling)")
            polling.run(application, shared_database=config.database_url is not None)
        else:
            log.info("starting the Telegram bot (webhook)")
            webhook.run(application, config)
    except InvalidToken:  # revoked since the check: PTB has logged it, masked
        log.error(REFUSED)
        return 2
    except CannotOpen:
        raise
    except Exception:
        # logged through the token filter: PTB's own message for a bad token quotes it
        log.exception("the bot stopped on an error")
        return 1
    return 0


def _backup(config: Config, path: Path, force: bool) -> int:
    from bot.backup import BackupError, backup

    log = logging.getLogger(__name__)
    if config.database_url:
        log.error(PG_BACKUP)
        return 2
    try:
        written = backup(config.db_path, path, force)
    except BackupError as error:
        log.error("%s", error)
        return 1
    log.info("backup of %s written to %s", config.db_path, written)
    return 0


def _move(config: Config, url: str) -> int:
    import asyncpg

    from bot.database.move import MoveError, move

    log = logging.getLogger(__name__)
    try:
        counts = asyncio.run(move(config.db_path, url))
    except MoveError as error:
        log.error("move-data: %s", error)
        return 1
    except (OSError, asyncpg.PostgresError) as error:
        log.error("move-data: PostgreSQL refused or could not be reached: %s", error)
        return 1
    rows = ", ".join(f"{table} {count}" for table, count in counts.items())
    log.info("move-data: every table copied and counted alike (%s)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
