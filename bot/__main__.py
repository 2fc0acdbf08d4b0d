"""`python -m bot` (or `client-calm-coach`): the Telegram bot when a token is set — long
polling, or a webhook server when COACH_WEBHOOK_URL is set — the terminal coach otherwise;
`backup PATH` copies the database while the bot runs; `secret` prints a webhook secret."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from pathlib import Path

from bot.config import Config, ConfigError
from bot.logs import setup_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--lang", choices=("ru", "kk"), help="language of the terminal coach")
    commands = parser.add_subparsers(dest="command")
    backup = commands.add_parser(
        "backup", help="write a consistent copy of COACH_DB_PATH to PATH, also while it runs"
    )
    backup.add_argument("path", type=Path, help="a file, or a folder for a dated file")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    commands.add_parser("secret", help="print a new COACH_WEBHOOK_SECRET")
    args = parser.parse_args(argv)
    if args.command == "secret":  # needs no configuration: it is how one starts
        print(secrets.token_urlsafe(32))
        return 0
    try:
        config = Config.from_env()
    except ConfigError as error:
        setup_logging("INFO", None)
        logging.getLogger(__name__).error("configuration: %s", error)
        return 2
    setup_logging(config.log_level, config.token, [config.webhook.secret] if config.webhook else [])
    if args.command == "backup":
        return _backup(config, args.path, args.force)
    if config.token is None:
        from bot.console import run_console

        logging.getLogger().setLevel(logging.WARNING)
        return asyncio.run(run_console(config, args.lang, sys.stdin, sys.stdout))
    return _serve(config)


def _serve(config: Config) -> int:
    from bot.app import build_application
    from bot.run import polling, webhook

    log = logging.getLogger(__name__)
    try:
        application = build_application(config)
        if config.webhook is None:
            log.info("starting the Telegram bot (long polling)")
            polling.run(application)
        else:
            log.info("starting the Telegram bot (webhook)")
            webhook.run(application, config)
    except Exception:
        # logged through the token filter: PTB's own message for a bad token quotes it
        log.exception("the bot stopped on an error")
        return 1
    return 0


def _backup(config: Config, path: Path, force: bool) -> int:
    from bot.backup import BackupError, backup

    log = logging.getLogger(__name__)
    try:
        written = backup(config.db_path, path, force)
    except BackupError as error:
        log.error("%s", error)
        return 1
    log.info("backup of %s written to %s", config.db_path, written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
